//! Rendering a chart's templates, mirroring Helm's `pkg/engine/engine.go` and
//! `pkg/chart/common/util/values.go`: every template of the chart and its subcharts is
//! parsed into one template set (deepest paths first, so the parent chart's `define`s
//! win), each non-partial template is executed with its chart's scoped values, and
//! `<no value>` is removed from the output.

use std::collections::BTreeMap;
use std::sync::Arc;

use kiln_gotmpl::{Map, MapRef, MapType, MissingKey, Options, SourceMap, Str, TemplateSet, Value};

use crate::caps::Capabilities;
use crate::chart::Chart;
use crate::deps::process_dependencies;
use crate::error::{cleanup_parse_error, reformat_exec_error, ErrorKind, HelmError};
use crate::files::Files;
use crate::funcs::{helm_func_map, RenderState};
use crate::values::{coalesce_values, values_value, ChartView, VALUES_TYPE};

/// Release facts and cluster capabilities for a render (`helm template` flags).
#[derive(Clone, Debug)]
pub struct RenderOptions {
    /// `.Release.Name`.
    pub release_name: String,
    /// `.Release.Namespace`.
    pub namespace: String,
    /// `.Release.Revision` (Helm: 1 for an install).
    pub revision: i64,
    /// `.Release.IsInstall`.
    pub is_install: bool,
    /// `.Release.IsUpgrade`.
    pub is_upgrade: bool,
    /// `.Capabilities`.
    pub capabilities: Capabilities,
    /// Skip `values.schema.json` validation (`--skip-schema-validation`).
    pub skip_schema_validation: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            release_name: "release-name".into(),
            namespace: "default".into(),
            revision: 1,
            is_install: true,
            is_upgrade: false,
            capabilities: Capabilities::default(),
            skip_schema_validation: false,
        }
    }
}

/// One template to execute: its text, the scoped values it runs with, and its base path.
struct Renderable {
    data: Arc<[u8]>,
    vals: MapRef,
    base_path: String,
}

/// How many parsed template sets a chart keeps (one per distinct set of enabled
/// subcharts and aliases; one in practice).
const PARSE_CACHE_ENTRIES: usize = 8;

/// The templates of a chart tree parsed into one [`TemplateSet`] (or Helm's parse
/// error), for one list of `(template name, text)` in parse order.
struct ParsedTemplates {
    /// The templates parsed, in parse order. Holding the texts keeps their allocations
    /// alive, so pointer equality below means the very same text.
    key: Vec<(String, Arc<[u8]>)>,
    result: Result<TemplateSet, HelmError>,
}

impl ParsedTemplates {
    fn matches(&self, names: &[&String], tpls: &BTreeMap<String, Renderable>) -> bool {
        self.key.len() == names.len()
            && self.key.iter().zip(names).all(|((kn, kd), n)| {
                kn == *n && tpls.get(*n).is_some_and(|r| Arc::ptr_eq(kd, &r.data))
            })
    }
}

/// Parsed templates of a chart (see [`Chart`]): Helm parses every template on every
/// render; kiln parses a chart's templates once and shares the resulting set, which
/// execution never changes, between all renders of the chart (every release, cluster
/// and thread). Entries are keyed by the exact list of template names and texts parsed,
/// so a render sees the same set Helm would build.
#[derive(Default)]
pub struct ParseCache(std::sync::Mutex<Vec<Arc<ParsedTemplates>>>);

impl Clone for ParseCache {
    /// A clone of a chart may be changed, so it starts with an empty cache.
    fn clone(&self) -> Self {
        ParseCache::default()
    }
}

impl std::fmt::Debug for ParseCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0.lock().map(|v| v.len()).unwrap_or(0);
        write!(f, "ParseCache({n} entries)")
    }
}

impl ParseCache {
    fn get(
        &self,
        names: &[&String],
        tpls: &BTreeMap<String, Renderable>,
    ) -> Option<Arc<ParsedTemplates>> {
        let entries = self.0.lock().ok()?;
        entries.iter().find(|e| e.matches(names, tpls)).cloned()
    }

    fn put(&self, entry: Arc<ParsedTemplates>) {
        if let Ok(mut entries) = self.0.lock() {
            if entries.len() < PARSE_CACHE_ENTRIES {
                entries.push(entry);
            }
        }
    }
}

/// Parses the templates `names` (in parse order) into one set, as Helm's engine does.
fn parse_templates(
    names: &[&String],
    tpls: &BTreeMap<String, Renderable>,
) -> Result<TemplateSet, HelmError> {
    let mut set = TemplateSet::new(
        "gotpl",
        &helm_func_map(),
        Options {
            missing_key: MissingKey::Zero,
        },
    );
    set.set_type_methods(Arc::new(crate::values::ValuesMethods));
    for name in names {
        let r = &tpls[*name];
        let source = String::from_utf8_lossy(&r.data);
        if let Err(e) = set.parse(name, &source) {
            let line_start = source[..e.offset.min(source.len())]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            return Err(HelmError {
                kind: ErrorKind::Parse,
                message: cleanup_parse_error(name, &e.go_text()),
                file: Some(e.name.clone()),
                line: Some(e.line),
                col: Some(e.offset.saturating_sub(line_start)),
            });
        }
    }
    Ok(set)
}

/// The parsed set for `names`, from `chart`'s cache or parsed now (and cached).
fn parsed_templates(
    chart: &Chart,
    names: &[&String],
    tpls: &BTreeMap<String, Renderable>,
) -> Arc<ParsedTemplates> {
    if let Some(hit) = chart.parsed.get(names, tpls) {
        return hit;
    }
    let entry = Arc::new(ParsedTemplates {
        key: names
            .iter()
            .map(|n| ((*n).clone(), tpls[*n].data.clone()))
            .collect(),
        result: parse_templates(names, tpls),
    });
    chart.parsed.put(entry.clone());
    entry
}

/// Renders `chart` with user-supplied values (already merged from value files and
/// `--set`), returning every template's output by name (`chart/templates/x.yaml`),
/// partials excluded, NOTES.txt included — Helm's `engine.Render` result.
pub fn render(
    chart: &Arc<Chart>,
    user_values: &Map,
    opts: &RenderOptions,
) -> Result<BTreeMap<String, String>, HelmError> {
    let (view, top) = prepare(chart, user_values, opts)?;
    render_view(&view, &top)
}

/// The steps of Helm's install action before rendering: `ProcessDependencies`, then
/// `ToRenderValuesWithSchemaValidation` (coalescing and `values.schema.json`). Returns
/// the chart tree as processing left it (enabled subcharts, alias names) and the
/// top-level render values.
pub(crate) fn prepare(
    chart: &Arc<Chart>,
    user_values: &Map,
    opts: &RenderOptions,
) -> Result<(ChartView, Map), HelmError> {
    let view = process(chart, user_values)?;
    prepare_values(view, user_values, opts)
}

/// Helm's `ProcessDependencies` for a release: the chart tree with disabled subcharts
/// removed, aliases applied and `import-values` merged.
pub(crate) fn process(chart: &Arc<Chart>, user_values: &Map) -> Result<ChartView, HelmError> {
    process_dependencies(&ChartView::of(chart), user_values)
        .map_err(|m| HelmError::new(ErrorKind::Options, m))
}

/// Helm's `ToRenderValuesWithSchemaValidation` on a processed chart.
pub(crate) fn prepare_values(
    view: ChartView,
    user_values: &Map,
    opts: &RenderOptions,
) -> Result<(ChartView, Map), HelmError> {
    let vals =
        coalesce_values(&view, user_values).map_err(|m| HelmError::new(ErrorKind::Options, m))?;
    if !opts.skip_schema_validation {
        crate::schema::validate(&view, &vals)?;
    }
    let top = render_values(&view, vals, opts);
    Ok((view, top))
}

/// The top-level map Helm's `ToRenderValues` builds: `Chart`, `Capabilities`,
/// `Release`, `Values`.
fn render_values(view: &ChartView, vals: Map, opts: &RenderOptions) -> Map {
    let mut release = Map::new();
    release.insert("Name".into(), Value::str(&opts.release_name));
    release.insert("Namespace".into(), Value::str(&opts.namespace));
    release.insert("IsUpgrade".into(), Value::Bool(opts.is_upgrade));
    release.insert("IsInstall".into(), Value::Bool(opts.is_install));
    release.insert("Revision".into(), Value::int(opts.revision));
    release.insert("Service".into(), Value::str("Helm"));
    let mut top = Map::new();
    top.insert("Chart".into(), chart_metadata(view, true));
    top.insert(
        "Capabilities".into(),
        Value::Object(Arc::new(opts.capabilities.clone())),
    );
    top.insert("Release".into(), Value::map(release));
    top.insert("Values".into(), values_value(MapRef::new(vals)));
    top
}

fn chart_metadata(view: &ChartView, is_root: bool) -> Value {
    let mut md = view.chart.metadata.clone();
    md.name = view.name.clone();
    md.dependencies = view.requirements.clone();
    md.to_template_value(is_root)
}

/// Helm's `recAllTpls`: collects the templates of `view` and its subcharts with the
/// scoped values each runs with. Returns this chart's `next` map.
fn collect(
    view: &ChartView,
    parent: &Map,
    is_root: bool,
    parent_path: Option<&str>,
    out: &mut BTreeMap<String, Renderable>,
) -> MapRef {
    let values = if is_root {
        parent
            .get("Values")
            .cloned()
            .unwrap_or_else(|| values_value(MapRef::default()))
    } else {
        match parent.get("Values").and_then(|v| v.as_map_ref().cloned()) {
            Some(pv) => match pv.get(&view.name) {
                Some(Value::Map(m, MapType::Any | MapType::Named(_))) => values_value(m),
                _ => values_value(MapRef::default()),
            },
            None => values_value(MapRef::default()),
        }
    };
    let full_path = match parent_path {
        None => view.name.clone(),
        Some(p) => format!("{p}/charts/{}", view.name),
    };
    let subcharts = MapRef::default();
    let mut next = Map::new();
    next.insert("Chart".into(), chart_metadata(view, is_root));
    next.insert(
        "Files".into(),
        Value::Object(Arc::new(Files::new(&view.chart.files))),
    );
    next.insert(
        "Release".into(),
        parent.get("Release").cloned().unwrap_or(Value::Nil),
    );
    next.insert(
        "Capabilities".into(),
        parent.get("Capabilities").cloned().unwrap_or(Value::Nil),
    );
    next.insert("Values".into(), values);
    next.insert(
        "Subcharts".into(),
        Value::Map(subcharts.clone(), MapType::Any),
    );
    for dep in &view.dependencies {
        let child = collect(dep, &next, false, Some(&full_path), out);
        // `recAllTpls` returns its `next` as a plain `map[string]any`, so
        // `.Subcharts.<name>` is not a `common.Values` (`typeOf` shows
        // `map[string]interface {}`); only its `.Values` entry is.
        subcharts.insert(
            Str::from(dep.name.as_str()),
            Value::Map(child, MapType::Any),
        );
    }
    let next = MapRef::new(next);
    let base_path = format!("{full_path}/templates");
    for t in &view.chart.templates {
        if view.chart.is_library() {
            let base = t.name.rsplit('/').next().unwrap_or(&t.name);
            if !base.starts_with('_') {
                continue;
            }
        }
        out.insert(
            format!("{full_path}/{}", t.name),
            Renderable {
                data: t.data.clone(),
                vals: next.clone(),
                base_path: base_path.clone(),
            },
        );
    }
    next
}

/// Helm's `sortTemplates`: more path segments first, then reverse lexical order.
fn sort_templates(names: &mut [&String]) {
    names.sort_by(|a, b| {
        let (ca, cb) = (a.matches('/').count(), b.matches('/').count());
        cb.cmp(&ca).then_with(|| b.cmp(a))
    });
}

fn is_partial(name: &str) -> bool {
    name.rsplit('/').next().unwrap_or(name).starts_with('_')
}

/// Parses and executes the templates of a processed chart with the given top values.
pub(crate) fn render_view(
    view: &ChartView,
    top: &Map,
) -> Result<BTreeMap<String, String>, HelmError> {
    render_view_mapped(view, top, false).map(|(out, _)| out)
}

/// Each template's output, and (when `mapped`) a source map from offsets in that output
/// to template lines.
pub type MappedOutput = (BTreeMap<String, String>, BTreeMap<String, Arc<SourceMap>>);

/// [`render_view`], also recording source maps when `mapped` (slightly slower).
pub(crate) fn render_view_mapped(
    view: &ChartView,
    top: &Map,
    mapped: bool,
) -> Result<MappedOutput, HelmError> {
    let mut maps = BTreeMap::new();
    let mut tpls = BTreeMap::new();
    collect(view, top, true, None, &mut tpls);
    let mut keys: Vec<&String> = tpls.keys().collect();
    sort_templates(&mut keys);

    let parsed = parsed_templates(&view.chart, &keys, &tpls);
    let set = parsed.result.as_ref().map_err(Clone::clone)?;

    let mut state = RenderState::default();
    let mut rendered = BTreeMap::new();
    for name in &keys {
        if is_partial(name) {
            continue;
        }
        let r = &tpls[*name];
        let mut tmpl = Map::new();
        tmpl.insert("Name".into(), Value::str(name));
        tmpl.insert("BasePath".into(), Value::str(&r.base_path));
        r.vals.insert(
            Str::from("Template"),
            Value::Map(MapRef::new(tmpl), MapType::Named(VALUES_TYPE)),
        );
        let data = Value::Map(r.vals.clone(), MapType::Named(VALUES_TYPE));
        let result = if mapped {
            set.execute_mapped(name, &data, Some(&mut state))
                .map(|(out, map)| (out, Some(map)))
        } else {
            set.execute_with(name, &data, Some(&mut state))
                .map(|out| (out, None))
        };
        match result {
            Ok((out, mut map)) => {
                const NO_VALUE: &str = "<no value>";
                let out = if out.contains(NO_VALUE) {
                    if let Some(map) = &mut map {
                        let at: Vec<usize> = out.match_indices(NO_VALUE).map(|(i, _)| i).collect();
                        for i in at.into_iter().rev() {
                            map.remove_output(i, NO_VALUE.len());
                        }
                    }
                    out.replace(NO_VALUE, "")
                } else {
                    out
                };
                if let Some(map) = map {
                    maps.insert((*name).clone(), Arc::new(map));
                }
                rendered.insert((*name).clone(), out);
            }
            Err(e) => {
                let go = e.to_go_error();
                let (file, line, col) = match &e {
                    kiln_gotmpl::Error::Exec(x) => match &x.at {
                        Some((f, loc)) => (Some(f.clone()), Some(loc.line), Some(loc.col)),
                        None => (Some((*name).clone()), None, None),
                    },
                    _ => (Some((*name).clone()), None, None),
                };
                return Err(HelmError {
                    kind: ErrorKind::Exec,
                    message: reformat_exec_error(name, &go),
                    file,
                    line,
                    col,
                });
            }
        }
    }
    Ok((rendered, maps))
}
