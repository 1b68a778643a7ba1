//! The YAML and JSON functions Helm needs, on top of `kiln_encoding` (Go-compatible
//! codecs). Errors are `(Helm's message, line)`.

use kiln_gotmpl::{Map, Value};

/// Parses one YAML document the way `sigs.k8s.io/yaml.Unmarshal` into `interface{}` does
/// (YAML 1.1 scalars, every number a float64). An empty document is `Nil`.
pub fn parse_document(text: &str) -> Result<Value, (String, Option<usize>)> {
    if text.trim().is_empty() {
        return Ok(Value::Nil);
    }
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(j) => Ok(Value::from_json(&j)),
        Err(e) => Err((
            format!("error converting YAML to JSON: yaml: {e} (YAML not yet supported)"),
            Some(e.line()),
        )),
    }
}

/// Parses one document of a values file into a map (`yaml.Unmarshal` into
/// `map[string]interface{}`): an empty document is an empty map.
pub fn parse_values_document(text: &str) -> Result<Map, (String, Option<usize>)> {
    match parse_document(text)? {
        Value::Nil => Ok(Map::new()),
        Value::Map(m, _) => Ok((*m.snapshot()).clone()),
        other => Err((
            format!(
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                json_kind(&other)
            ),
            None,
        )),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Bool(_) => "bool",
        Value::String(_) => "string",
        Value::List(..) => "array",
        Value::Map(..) => "object",
        _ => "number",
    }
}

// ---- Temporary codec placeholders, replaced by kiln_encoding ------------------------

/// Helm's `toYaml` (sigs.k8s.io/yaml.Marshal, trailing newline trimmed).
pub fn to_yaml(v: &Value) -> String {
    try_to_yaml(v).unwrap_or_default()
}

/// `mustToYaml`.
pub fn try_to_yaml(v: &Value) -> Result<String, String> {
    to_json(v)
}

/// Helm's `toYamlPretty`.
pub fn to_yaml_pretty(v: &Value) -> String {
    to_yaml(v)
}

/// Helm's `fromYaml`: a map, with the error text under `Error` on failure.
pub fn from_yaml(text: &str) -> Value {
    match parse_values_document(text) {
        Ok(m) => Value::map(m),
        Err((e, _)) => {
            let mut m = Map::new();
            m.insert("Error".into(), Value::from(e));
            Value::map(m)
        }
    }
}

/// Helm's `fromYamlArray`: a list, or a list holding the error text.
pub fn from_yaml_array(text: &str) -> Value {
    match parse_document(text) {
        Ok(Value::List(l, t)) => Value::List(l, t),
        Ok(Value::Nil) => Value::list(vec![]),
        Ok(_) => Value::list(vec![Value::str("error unmarshaling JSON: json: cannot unmarshal object into Go value of type []interface {}")]),
        Err((e, _)) => Value::list(vec![Value::from(e)]),
    }
}

/// Go's `json.Marshal`.
pub fn to_json(v: &Value) -> Result<String, String> {
    Ok(format!("{v:?}"))
}

/// Helm's `fromJson`.
pub fn from_json_map(text: &str) -> Value {
    from_yaml(text)
}

/// Helm's `fromJsonArray`.
pub fn from_json_array(text: &str) -> Value {
    from_yaml_array(text)
}

/// BurntSushi/toml encoding.
pub fn to_toml(_v: &Value) -> Result<String, String> {
    Err("toToml is not implemented yet".into())
}

/// Helm's `fromToml`.
pub fn from_toml(_text: &str) -> Value {
    let mut m = Map::new();
    m.insert("Error".into(), Value::str("fromToml is not implemented yet"));
    Value::map(m)
}
