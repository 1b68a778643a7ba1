//! Values: Helm's coalescing of chart defaults with user values (mirrors Helm's
//! `pkg/chart/common/util/coalesce.go`: `CoalesceValues`, globals, `null` deleting a
//! default), the CLI's `MergeMaps` for combining value files, and the `Values.Table` /
//! `PathValue` lookups used by dependency conditions.
//!
//! Coalescing works on fresh copies: a render gets maps of its own, so templates that
//! change `.Values` in place (`set`, `unset`) never leak into other renders.

use std::sync::Arc;

use kiln_gotmpl::{Map, MapRef, MapType, Str, Value};

use crate::chart::Chart;

/// Helm's `common.Values` type name, as `%T` prints it.
pub const VALUES_TYPE: &str = "common.Values";

/// The methods of Helm's `common.Values` (`pkg/chart/common/values.go`), which
/// templates can call: `.Values.AsMap`, `.Values.YAML`, `.Values.Table "a.b"`,
/// `.Values.PathValue "a.b"`.
pub struct ValuesMethods;

impl kiln_gotmpl::TypeMethods for ValuesMethods {
    fn method(&self, type_name: &str, name: &str) -> Option<kiln_gotmpl::MethodSig> {
        if type_name != VALUES_TYPE {
            return None;
        }
        let params: &'static [kiln_gotmpl::Ty] = match name {
            "AsMap" | "YAML" => &[],
            "Table" | "PathValue" => &[kiln_gotmpl::Ty::String],
            _ => return None,
        };
        Some(kiln_gotmpl::MethodSig {
            params,
            variadic: None,
        })
    }

    fn call(
        &self,
        receiver: &Value,
        name: &str,
        args: &[Value],
    ) -> Result<Value, kiln_gotmpl::GoError> {
        let Value::Map(m, _) = receiver else {
            return Ok(Value::Nil);
        };
        let arg = || {
            args.first()
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        match name {
            "AsMap" => Ok(if m.is_empty() {
                Value::empty_map()
            } else {
                Value::Map(m.clone(), MapType::Any)
            }),
            "YAML" => kiln_encoding::marshal_yaml(receiver)
                .map(Value::from)
                .map_err(|e| kiln_gotmpl::GoError::new(e.to_string())),
            "Table" => {
                let mut table = m.clone();
                for part in arg().split('.') {
                    match table.get(part) {
                        Some(Value::Map(next, MapType::Any | MapType::Named(VALUES_TYPE))) => {
                            table = next
                        }
                        _ => {
                            return Err(kiln_gotmpl::GoError::new(format!(
                                "{part:?} is not a table"
                            )))
                        }
                    }
                }
                Ok(values_value(table))
            }
            "PathValue" => {
                let path = arg();
                if path.is_empty() {
                    return Err(kiln_gotmpl::GoError::new("YAML path cannot be empty"));
                }
                match path_value(&m.snapshot(), &path) {
                    Some(v) => Ok(v),
                    None => Err(kiln_gotmpl::GoError::new(format!(
                        "{:?} is not a value",
                        path.rsplit('.').next().unwrap_or("")
                    ))),
                }
            }
            _ => Ok(Value::Nil),
        }
    }
}

/// A Go nil `map[string]string` (prints `map[]`).
pub fn nil_string_map() -> Value {
    Value::Map(MapRef::default(), MapType::String)
}

/// Wraps entries as a `common.Values`.
pub fn values_value(m: MapRef) -> Value {
    Value::Map(m, MapType::Named(VALUES_TYPE))
}

/// Runs `f` (one level of a recursion over values) with enough stack: values nest as
/// deep as YAML allows (10,000 levels), deeper than a thread's stack holds.
fn grow<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, f)
}

/// `map[string]interface{}`-typed map test (Helm's `istable`): named map types such as
/// `common.Values` do *not* pass a Go type assertion to `map[string]interface{}`.
fn table(v: &Value) -> Option<&MapRef> {
    match v {
        Value::Map(m, MapType::Any) => Some(m),
        _ => None,
    }
}

/// Helm's `loader.MergeMaps` (used for `-f` files and multi-document values files): `b`
/// wins; nested maps merge recursively; everything else replaces.
pub fn merge_maps(mut a: Map, b: Map) -> Map {
    for (k, v) in b {
        if let Value::Map(bm, MapType::Any) = &v {
            if let Some(Value::Map(am, MapType::Any)) = a.get(&k) {
                let (am, bm) = ((*am.snapshot()).clone(), (*bm.snapshot()).clone());
                let merged = grow(|| merge_maps(am, bm));
                a.insert(k, Value::map(merged));
                continue;
            }
        }
        a.insert(k, v);
    }
    a
}

/// Deep copy of a values tree into fresh maps (Go's `copystructure.Copy`).
pub fn deep_copy_map(m: &Map) -> Map {
    kiln_gotmpl::value::deep_copy_map(m)
}

/// Helm's `CoalesceValues(chart, vals)`: the chart's defaults (and its subcharts',
/// recursively) under the user-supplied `vals`. `null` in `vals` deletes a default.
/// `chart` is the chart with its enabled, renamed dependencies.
///
/// Fails like Helm when a subchart's section of the values is not a map
/// (`type mismatch on sub: %!t(string=str)`).
pub fn coalesce_values(chart: &ChartView, vals: &Map) -> Result<Map, String> {
    let dest = MapRef::new(deep_copy_map(vals));
    coalesce(chart, &dest, "", false)?;
    Ok(dest.into_map())
}

/// Helm's `MergeValues`: like [`coalesce_values`] but `null` is kept.
pub fn merge_values(chart: &ChartView, vals: &Map) -> Result<Map, String> {
    let dest = MapRef::new(deep_copy_map(vals));
    coalesce(chart, &dest, "", true)?;
    Ok(dest.into_map())
}

/// The chart as rendering sees it: the loaded chart, its (possibly aliased) name,
/// default values after `import-values`, and its enabled dependencies.
#[derive(Clone, Debug)]
pub struct ChartView {
    pub chart: Arc<Chart>,
    pub name: String,
    pub values: Arc<Map>,
    pub dependencies: Vec<ChartView>,
    /// The `Chart.yaml` dependencies still enabled (aliases applied), what
    /// `.Chart.Dependencies` shows after processing.
    pub requirements: Vec<crate::chart::Dependency>,
}

impl ChartView {
    /// The view of a loaded chart with all its subcharts, before dependency processing.
    pub fn of(chart: &Arc<Chart>) -> ChartView {
        ChartView {
            chart: chart.clone(),
            name: chart.metadata.name.clone(),
            values: Arc::new(chart.values.clone()),
            dependencies: chart.dependencies.iter().map(ChartView::of).collect(),
            requirements: chart.metadata.dependencies.clone(),
        }
    }
}

fn concat_prefix(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}.{b}")
    }
}

fn coalesce(ch: &ChartView, dest: &MapRef, prefix: &str, merge: bool) -> Result<(), String> {
    coalesce_chart_values(ch, dest, prefix, merge);
    coalesce_deps(ch, dest, prefix, merge)
}

fn coalesce_deps(ch: &ChartView, dest: &MapRef, prefix: &str, merge: bool) -> Result<(), String> {
    for sub in &ch.dependencies {
        let dv = match dest.get(&sub.name) {
            None => {
                let m = MapRef::new(Map::new());
                dest.insert(
                    Str::from(sub.name.as_str()),
                    Value::Map(m.clone(), MapType::Any),
                );
                m
            }
            Some(v) => match table(&v) {
                Some(m) => m.clone(),
                None => {
                    return Err(format!(
                        "type mismatch on {}: {}",
                        sub.name,
                        kiln_gotmpl::fmt::sprintf("%t", &[v])
                    ))
                }
            },
        };
        let sub_prefix = concat_prefix(prefix, &ch.name);
        coalesce_globals(&dv, dest);
        coalesce(sub, &dv, &sub_prefix, merge)?;
    }
    Ok(())
}

/// Copies the parent's `global` values into the subchart's (parent wins for scalars,
/// maps are merged with the subchart's own global maps taking precedence inside).
fn coalesce_globals(dest: &MapRef, src: &MapRef) {
    let dg = match dest.get("global") {
        None => MapRef::new(Map::new()),
        Some(v) => match table(&v) {
            Some(m) => m.clone(),
            None => return,
        },
    };
    let sg = match src.get("global") {
        None => Arc::new(Map::new()),
        Some(v) => match table(&v) {
            Some(m) => m.snapshot(),
            None => return,
        },
    };
    for (key, val) in sg.iter() {
        if let Some(vm) = table(val) {
            let vv = MapRef::new((*vm.snapshot()).clone());
            match dg.get(key) {
                None => {
                    dg.insert(key.clone(), Value::Map(vv, MapType::Any));
                }
                Some(destv) => {
                    if let Some(destvmap) = table(&destv) {
                        // Helm always merges here (`coalesceTablesFullKey(..., true)` in
                        // `coalesceGlobals`): a parent's `null` global survives.
                        coalesce_tables(&vv, destvmap, true);
                        dg.insert(key.clone(), Value::Map(vv, MapType::Any));
                    }
                }
            }
        } else if dg.get(key).is_some_and(|dv| table(&dv).is_some()) {
            // A table in the subchart's globals is not replaced by a scalar.
        } else {
            dg.insert(key.clone(), val.clone());
        }
    }
    dest.insert(Str::from("global"), Value::Map(dg, MapType::Any));
}

fn coalesce_chart_values(ch: &ChartView, v: &MapRef, _prefix: &str, merge: bool) {
    let vc = deep_copy_map(&ch.values);
    for (key, val) in vc {
        match v.get(&key) {
            Some(value) => {
                if value.is_nil() && !merge {
                    v.remove(&key);
                } else if let Some(dest) = table(&value) {
                    if let Some(src) = table(&val) {
                        let merge = merge || ch.dependencies.iter().any(|d| d.name == *key);
                        if !merge {
                            clean_nil_values(src);
                        }
                        coalesce_tables(dest, src, merge);
                    }
                }
            }
            None => {
                if !merge {
                    if val.is_nil() {
                        continue;
                    }
                    if let Some(sub) = table(&val) {
                        clean_nil_values(sub);
                    }
                }
                v.insert(key, val);
            }
        }
    }
}

/// Helm's `coalesceTablesFullKey`: fills `dst` from `src` (dst wins); `null` in `dst`
/// deletes the key unless merging.
fn coalesce_tables(dst: &MapRef, src: &MapRef, merge: bool) {
    // Keys that are `null` in `dst` while `src` had a value: the ones `null` deletes.
    // (Collected while `null` is copied into `src`; no snapshot is held across the
    // writes, so neither map is copied on write.)
    let mut nulled: Vec<Str> = Vec::new();
    for (key, val) in dst.snapshot().iter() {
        if val.is_nil() {
            if src.get(key).is_some_and(|v| !v.is_nil()) {
                nulled.push(key.clone());
            }
            src.insert(key.clone(), Value::Nil);
        }
    }
    let src_snapshot = src.snapshot();
    for (key, val) in src_snapshot.iter() {
        match dst.get(key) {
            Some(dv) if !merge && dv.is_nil() && nulled.contains(key) => {
                dst.remove(key);
            }
            None => {
                dst.insert(key.clone(), val.clone());
            }
            Some(dv) => {
                if let Some(vm) = table(val) {
                    if let Some(dm) = table(&dv) {
                        grow(|| coalesce_tables(dm, vm, merge));
                    }
                }
            }
        }
    }
}

fn clean_nil_values(m: &MapRef) {
    let snapshot = m.snapshot();
    for (key, val) in snapshot.iter() {
        if val.is_nil() {
            m.remove(key);
        } else if let Some(sub) = table(val) {
            grow(|| clean_nil_values(sub));
        }
    }
}

/// Helm's exported `CoalesceTables(dst, src)` on plain maps (used by `import-values`).
pub fn coalesce_tables_plain(dst: Map, src: Map, merge: bool) -> Map {
    let d = MapRef::new(dst);
    let s = MapRef::new(src);
    coalesce_tables(&d, &s, merge);
    d.into_map()
}

/// Helm's `Values.Table("a.b.c")`: the nested `map[string]interface{}` at that path.
pub fn table_at(m: &Map, path: &str) -> Option<Map> {
    let mut cur: Map = m.clone();
    for part in path.split('.') {
        let next = match cur.get(part) {
            Some(Value::Map(mm, MapType::Any | MapType::Named(_))) => (*mm.snapshot()).clone(),
            _ => return None,
        };
        cur = next;
    }
    Some(cur)
}

/// Helm's `Values.PathValue("a.b.c")`: a non-table value at that path.
pub fn path_value(m: &Map, path: &str) -> Option<Value> {
    let parts: Vec<&str> = path.split('.').collect();
    let (key, parents) = parts.split_last()?;
    let t = if parents.is_empty() {
        m.clone()
    } else {
        table_at(m, &parents.join("."))?
    };
    match t.get(*key) {
        Some(v) if table(v).is_none() => Some(v.clone()),
        _ => None,
    }
}
