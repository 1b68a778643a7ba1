//! Flattening parameter maps with dots, as Argo CD does with `jeremywohl/flatten`
//! (v1.0.2-0.20211013061545, `DotStyle`):
//!
//! * only `map[string]interface{}` ([`MapType::Any`]) and `[]interface{}`
//!   ([`ListType::Any`]) are descended into: `{a: {b: 1}}` gives `a.b`, `{a: [x, y]}`
//!   gives `a.0`, `a.1`; empty maps and lists give no key at all;
//! * anything else is a leaf, printed with Go's `%v` where a string is needed: the
//!   float64 `123` as `123`, `1e6` as `1e+06`, `nil` as `<nil>`, a `[]string` (git
//!   `path.segments`) as `[a b]`, a `map[string]string` inside a list as `map[k:v]`.
//!
//! The git files generator flattens file content this way in fasttemplate mode
//! (git.go `generateParamsFromGitFile`); the generator `selector` flattens every
//! parameter set after converting `map[string]string` values reachable through maps to
//! `map[string]interface{}` (generator_spec_processor.go `flattenParameters`,
//! `normalizeMapForFlatten`).
//!
//! Go ranges over maps in random order, so two keys flattening to the same dotted key
//! (`{"a.b": 1, a: {b: 2}}`) give a random winner there; here keys are visited in byte
//! order and the last one wins.

use std::collections::BTreeMap;

use kiln_gotmpl::{ListType, Map, MapType, Value};

/// Deepest nesting flattened.
const MAX_DEPTH: usize = 256;

/// Go's `fmt.Sprintf("%v", v)`.
pub fn go_sprint(v: &Value) -> String {
    let mut s = String::new();
    kiln_gotmpl::fmt::write_value(&mut s, v);
    s
}

/// Flattens `m` into dotted keys (leaves kept as values). With `normalize`, maps of any
/// Go map type reached through maps only are descended into (Argo's
/// `normalizeMapForFlatten`).
pub fn flatten(m: &Map, normalize: bool) -> Result<BTreeMap<String, Value>, String> {
    let mut out = BTreeMap::new();
    flatten_map(m, "", true, normalize, &mut out, 0)?;
    Ok(out)
}

fn key(top: bool, prefix: &str, sub: &str) -> String {
    if top {
        format!("{prefix}{sub}")
    } else {
        format!("{prefix}.{sub}")
    }
}

fn assign(
    k: String,
    v: &Value,
    normalize: bool,
    out: &mut BTreeMap<String, Value>,
    depth: usize,
) -> Result<(), String> {
    match v {
        Value::Map(m, t) if *t == MapType::Any || normalize => {
            flatten_map(&m.snapshot(), &k, false, normalize, out, depth + 1)
        }
        Value::List(l, ListType::Any) => {
            if depth > MAX_DEPTH {
                return Err("error flattening parameters: nested too deeply".into());
            }
            for (i, item) in l.iter().enumerate() {
                // Inside a list nothing is normalized any more.
                assign(key(false, &k, &i.to_string()), item, false, out, depth + 1)?;
            }
            Ok(())
        }
        leaf => {
            out.insert(k, leaf.clone());
            Ok(())
        }
    }
}

fn flatten_map(
    m: &Map,
    prefix: &str,
    top: bool,
    normalize: bool,
    out: &mut BTreeMap<String, Value>,
    depth: usize,
) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err("error flattening parameters: nested too deeply".into());
    }
    for (k, v) in m {
        assign(key(top, prefix, k), v, normalize, out, depth)?;
    }
    Ok(())
}

/// Argo's `flattenParameters`: the parameter set flattened (normalized) with every leaf
/// printed by `%v`, as label-selector input.
pub fn flatten_params(p: &Map) -> Result<BTreeMap<String, String>, String> {
    Ok(flatten(p, true)?
        .into_iter()
        .map(|(k, v)| (k, go_sprint(&v)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(j: &str) -> Value {
        Value::from_json(&serde_json::from_str(j).unwrap())
    }

    #[test]
    fn dot_style() {
        let m = v(r#"{"a": {"b": 1, "c": [true, null, 1000000]}, "e": {}, "f": [], "g": "x"}"#);
        let f = flatten_params(&m.as_map().unwrap()).unwrap();
        let want: BTreeMap<String, String> = [
            ("a.b", "1"),
            ("a.c.0", "true"),
            ("a.c.1", "<nil>"),
            ("a.c.2", "1e+06"),
            ("g", "x"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        assert_eq!(f, want);
    }

    #[test]
    fn typed_leaves() {
        let mut m = Map::new();
        m.insert("seg".into(), Value::string_list(["a", "b"]));
        let mut labels = Map::new();
        labels.insert("x".into(), Value::str("y"));
        m.insert("labels".into(), Value::Map(labels.into(), MapType::String));
        let f = flatten_params(&m).unwrap();
        assert_eq!(f["seg"], "[a b]");
        assert_eq!(f["labels.x"], "y");
        let raw = flatten(&m, false).unwrap();
        assert!(raw.contains_key("labels"));
    }
}
