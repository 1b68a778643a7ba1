//! The two `dario.cat/mergo` v1.0.2 merges Argo CD uses, on [`Value`] trees.
//!
//! * [`merge_override`]: `mergo.Merge(&dst, src, mergo.WithOverride)` on
//!   `map[string]interface{}` parameter sets (matrix.go, merge.go in goTemplate mode):
//!   for each key of `src`, two maps merge recursively (the destination's map type is
//!   kept; an empty destination map is replaced); anything else from `src` wins, empty
//!   values and `nil` included.
//! * [`merge_fill`]: `mergo.Merge(&dst, src)` without override on the typed
//!   `ApplicationSetTemplate` (generator_spec_processor.go `mergeGeneratorTemplate`):
//!   non-empty destination fields are kept, empty ones (`""`, `false`, `0`, `nil`, empty
//!   list or map) are filled from `src`, maps (structs, labels) merge recursively.
//!   `valuesObject` is a `runtime.RawExtension` in Argo CD, merged as one unit: the
//!   destination's wins when present.
//!
//! Both build new maps; the inputs are not changed.

use kiln_gotmpl::{Map, MapRef, Value};

/// Deepest nesting merged; deeper levels are taken from one side whole.
const MAX_DEPTH: usize = 256;

/// Go's notion of an empty value (mergo `isEmptyValue`).
pub fn is_empty_value(v: &Value) -> bool {
    match v {
        Value::Nil => true,
        Value::Bool(b) => !b,
        Value::Float(f) => *f == 0.0,
        Value::Int(i, _) => *i == 0,
        Value::Uint(u, _) => *u == 0,
        Value::String(s) => s.is_empty(),
        Value::RawString(s) | Value::Bytes(s) => s.is_empty(),
        Value::List(l, _) => l.is_empty(),
        Value::Map(m, _) => m.is_empty(),
        _ => false,
    }
}

/// `mergo.Merge(&dst, src, mergo.WithOverride)` for parameter maps.
pub fn merge_override(dst: &Map, src: &Map) -> Map {
    override_at(dst, src, 0)
}

fn override_at(dst: &Map, src: &Map, depth: usize) -> Map {
    let mut out = dst.clone();
    for (k, sv) in src {
        let merged = match (out.get(k), sv) {
            (Some(Value::Map(dm, dt)), Value::Map(sm, _))
                if !dm.is_empty() && depth < MAX_DEPTH =>
            {
                Value::Map(
                    MapRef::new(override_at(&dm.snapshot(), &sm.snapshot(), depth + 1)),
                    *dt,
                )
            }
            _ => sv.clone(),
        };
        out.insert(k.clone(), merged);
    }
    out
}

/// `mergo.Merge(&dst, src)` (no override) for Application templates.
pub fn merge_fill(dst: &Map, src: &Map) -> Map {
    fill_at(dst, src, 0)
}

fn fill_at(dst: &Map, src: &Map, depth: usize) -> Map {
    let mut out = dst.clone();
    for (k, sv) in src {
        match (out.get(k), sv) {
            (Some(dv), _) if &**k == "valuesObject" && !dv.is_nil() => {}
            (Some(Value::Map(dm, dt)), Value::Map(sm, _)) if depth < MAX_DEPTH => {
                let merged = fill_at(&dm.snapshot(), &sm.snapshot(), depth + 1);
                out.insert(k.clone(), Value::Map(MapRef::new(merged), *dt));
            }
            (Some(dv), _) if !is_empty_value(dv) => {}
            _ => {
                out.insert(k.clone(), sv.deep_copy());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(j: &str) -> Map {
        (*Value::from_json(&serde_json::from_str(j).unwrap())
            .as_map()
            .unwrap())
        .clone()
    }

    #[test]
    fn override_child0_wins() {
        let b = m(r#"{"x": true, "n": {"a": 1, "b": 2}, "l": [1], "s": "b"}"#);
        let a = m(r#"{"x": false, "n": {"a": 9}, "l": [], "z": null}"#);
        let r = merge_override(&merge_override(&Map::new(), &b), &a);
        assert_eq!(
            r,
            m(r#"{"x": false, "n": {"a": 9, "b": 2}, "l": [], "s": "b", "z": null}"#)
        );
    }

    #[test]
    fn fill_keeps_non_empty() {
        let own = m(r#"{"metadata": {"name": "test", "labels": {"foo": "bar"}}, "spec": {}}"#);
        let base = m(
            r#"{"metadata": {"name": "name", "namespace": "ns", "labels": {"l": "v"}}, "spec": {"project": "p"}}"#,
        );
        assert_eq!(
            merge_fill(&own, &base),
            m(
                r#"{"metadata": {"name": "test", "namespace": "ns", "labels": {"l": "v", "foo": "bar"}}, "spec": {"project": "p"}}"#
            )
        );
    }
}
