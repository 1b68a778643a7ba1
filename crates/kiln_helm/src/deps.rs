//! Dependency processing for a release, mirroring Helm's
//! `pkg/chart/v2/util/dependencies.go` (`ProcessDependencies`): aliases, `condition`
//! and `tags` evaluated against the coalesced values, disabled subcharts removed, then
//! `import-values` merged into the parent's defaults. The loaded chart is not changed;
//! the result is a [`ChartView`] for this release.

use std::sync::Arc;

use kiln_gotmpl::{Map, Value};

use crate::chart::Dependency;
use crate::values::{
    coalesce_tables_plain, coalesce_values, merge_values, path_value, table_at, ChartView,
};

/// Helm's `IsCompatibleRange(constraint, version)`.
pub fn is_compatible_range(constraint: &str, version: &str) -> bool {
    let Ok(v) = kiln_sprig::semver::Version::parse(version) else {
        return false;
    };
    let Ok(c) = kiln_sprig::semver::Constraints::parse(constraint) else {
        return false;
    };
    c.check(&v)
}

/// The view of `chart` for a release with user values `vals`: what Helm's
/// `ProcessDependencies` leaves of the chart tree.
pub fn process_dependencies(view: &ChartView, vals: &Map) -> Result<ChartView, String> {
    let mut view = process_enabled(view, vals, "")?;
    process_import_values(&mut view)?;
    Ok(view)
}

fn process_enabled(c: &ChartView, v: &Map, path: &str) -> Result<ChartView, String> {
    let reqs: &[Dependency] = &c.chart.metadata.dependencies;
    if reqs.is_empty() {
        return Ok(c.clone());
    }
    let mut reqs: Vec<Dependency> = reqs.to_vec();
    // Subcharts no requirement refers to stay as they are.
    let mut deps: Vec<ChartView> = c
        .dependencies
        .iter()
        .filter(|existing| {
            !reqs.iter().any(|r| {
                existing.name == r.name
                    && is_compatible_range(&r.version, &existing.chart.metadata.version)
            })
        })
        .cloned()
        .collect();
    for req in &mut reqs {
        if let Some(found) = c.dependencies.iter().find(|d| {
            d.name == req.name && is_compatible_range(&req.version, &d.chart.metadata.version)
        }) {
            let mut copy = found.clone();
            if !req.alias.is_empty() {
                copy.name = req.alias.clone();
            }
            deps.push(copy);
        }
        if !req.alias.is_empty() {
            req.name = req.alias.clone();
        }
    }
    let mut with_deps = c.clone();
    with_deps.dependencies = deps;
    let cvals = coalesce_values(&with_deps, v)?;
    for r in &mut reqs {
        r.enabled = true;
    }
    process_tags(&mut reqs, &cvals);
    process_conditions(&mut reqs, &cvals, path);
    let disabled: Vec<&str> = reqs
        .iter()
        .filter(|r| !r.enabled)
        .map(|r| r.name.as_str())
        .collect();
    let kept: Vec<ChartView> = with_deps
        .dependencies
        .into_iter()
        .filter(|d| !disabled.contains(&d.name.as_str()))
        .collect();
    let children = kept
        .iter()
        .map(|t| process_enabled(t, &cvals, &format!("{path}{}.", t.name)))
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = c.clone();
    out.dependencies = children;
    out.requirements = reqs.into_iter().filter(|r| r.enabled).collect();
    Ok(out)
}

fn process_tags(reqs: &mut [Dependency], cvals: &Map) {
    let Some(tags) = table_at(cvals, "tags") else {
        return;
    };
    for r in reqs.iter_mut() {
        let (mut has_true, mut has_false) = (false, false);
        for k in &r.tags {
            if let Some(Value::Bool(b)) = tags.get(k.as_str()) {
                if *b {
                    has_true = true;
                } else {
                    has_false = true;
                }
            }
        }
        // Disabled only when some tag is false and none is true.
        r.enabled = has_true || !has_false;
    }
}

fn process_conditions(reqs: &mut [Dependency], cvals: &Map, path: &str) {
    for r in reqs.iter_mut() {
        for c in r.condition.trim().split(',') {
            if c.is_empty() {
                continue;
            }
            if let Some(Value::Bool(b)) = path_value(cvals, &format!("{path}{c}")) {
                r.enabled = b;
                break;
            }
        }
    }
}

/// Helm's `processDependencyImportValues(c, merge=true)`: children first, then the
/// chart's own `import-values` are merged into its defaults (which then also carry the
/// subcharts' defaults, as in Helm).
///
/// Like Helm's `processImportValues`, every entry is rewritten in the requirement as the
/// `map[string]string` `{child, parent}` it was read as (a string `x` becomes
/// `{child: exports.x, parent: .}`; entries of other types are dropped), which is what
/// `.Chart.Dependencies[].ImportValues` shows. Helm returns early when no requirement
/// is left after `processDependencyEnabled` (it sets `Metadata.Dependencies` to nil).
fn process_import_values(c: &mut ChartView) -> Result<(), String> {
    for d in &mut c.dependencies {
        process_import_values(d)?;
    }
    if c.requirements.is_empty() {
        return Ok(());
    }
    let cvals = merge_values(c, &Map::new())?;
    let mut b = Map::new();
    for r in &mut c.requirements {
        let mut outiv = Vec::new();
        for iv in &r.import_values {
            let (child, parent) = match iv {
                Value::Map(m, _) => {
                    let m = m.snapshot();
                    (render_plain(m.get("child")), render_plain(m.get("parent")))
                }
                Value::String(s) => (format!("exports.{s}"), ".".to_string()),
                _ => continue,
            };
            let mut entry = Map::new();
            entry.insert("child".into(), Value::str(&child));
            entry.insert("parent".into(), Value::str(&parent));
            outiv.push(Value::Map(
                kiln_gotmpl::MapRef::new(entry),
                kiln_gotmpl::MapType::String,
            ));
            if let Some(vv) = table_at(&cvals, &format!("{}.{}", r.name, child)) {
                b = coalesce_tables_plain(b, path_to_map(&parent, vv), true);
            }
        }
        r.import_values = outiv;
    }
    c.values = Arc::new(coalesce_tables_plain(
        crate::values::deep_copy_map(&cvals),
        b,
        true,
    ));
    Ok(())
}

fn render_plain(v: Option<&Value>) -> String {
    let mut s = String::new();
    match v {
        Some(v) => kiln_gotmpl::fmt::write_value(&mut s, v),
        None => s.push_str("<nil>"),
    }
    s
}

fn path_to_map(path: &str, data: Map) -> Map {
    if path == "." {
        return data;
    }
    let mut cur = data;
    for part in path.split('.').rev() {
        let mut m = Map::new();
        m.insert(part.into(), Value::map(cur));
        cur = m;
    }
    cur
}
