//! Small accessors over Kubernetes objects held as [`Value`] trees (maps of decoded
//! YAML/JSON), used for Applications, ApplicationSets and rendered objects.

use kiln_gotmpl::{Map, Value};

/// The value at `path` (map keys), if every step is a map holding the key.
pub fn get(v: &Value, path: &[&str]) -> Option<Value> {
    let mut cur = v.clone();
    for key in path {
        let next = cur.as_map_ref()?.get(key)?;
        cur = next;
    }
    Some(cur)
}

/// The string at `path`, if it is a non-empty string.
pub fn get_str(v: &Value, path: &[&str]) -> Option<String> {
    match get(v, path)? {
        Value::String(s) if !s.is_empty() => Some(s.to_string()),
        _ => None,
    }
}

/// The map at `path` (a snapshot), if it is a map.
pub fn get_map(v: &Value, path: &[&str]) -> Option<Map> {
    match get(v, path)? {
        Value::Map(m, _) => Some((*m.snapshot()).clone()),
        _ => None,
    }
}

/// The list at `path`, if it is a list.
pub fn get_list(v: &Value, path: &[&str]) -> Option<Vec<Value>> {
    get(v, path)?.as_list().map(<[Value]>::to_vec)
}

/// Truthiness as Python/Argo see a JSON value: non-empty strings, lists and maps, true,
/// non-zero numbers.
pub fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Nil) => false,
        Some(v) => v.is_true(),
    }
}

/// A deep copy with fresh maps (objects are shared references otherwise).
pub fn deep_copy(v: &Value) -> Value {
    v.deep_copy()
}

/// Sets `path` to `value`, creating intermediate maps.
pub fn set(v: &Value, path: &[&str], value: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut cur = v.clone();
    for key in parents {
        let Some(m) = cur.as_map_ref().cloned() else {
            return;
        };
        let next = match m.get(key) {
            Some(n @ Value::Map(..)) => n,
            _ => {
                let n = Value::empty_map();
                m.insert((*key).into(), n.clone());
                n
            }
        };
        cur = next;
    }
    if let Some(m) = cur.as_map_ref() {
        m.insert((*last).into(), value);
    }
}
