//! The YAML, JSON and TOML functions Helm needs, on top of `kiln_encoding` (Go-compatible
//! codecs), with Helm's conventions: `fromYaml` stores errors under `Error`,
//! `fromYamlArray` returns them as the only item, `toYaml` swallows errors. Parse errors
//! are `(Helm's message, line)`.

use kiln_encoding::json;
use kiln_gotmpl::{Map, Value};

fn line_of(e: &kiln_encoding::YamlError) -> Option<usize> {
    e.position.map(|p| p.line)
}

/// Parses one YAML document the way `sigs.k8s.io/yaml.Unmarshal` into `interface{}` does
/// (YAML 1.1 scalars, every number a float64). An empty document is `Nil`.
pub fn parse_document(text: &str) -> Result<Value, (String, Option<usize>)> {
    kiln_encoding::yaml_to_value(text).map_err(|e| (e.message.clone(), line_of(&e)))
}

/// Parses a values file (every `---` document, merged) into a map, as Helm's
/// `loader.LoadValues`; messages follow Helm's `cannot load values.yaml: ` prefix.
pub fn parse_values(text: &str) -> Result<Map, (String, Option<usize>)> {
    match kiln_encoding::parse_values(text) {
        Ok(Value::Map(m, _)) => Ok((*m.snapshot()).clone()),
        Ok(_) => Ok(Map::new()),
        Err(e) => Err((e.message.clone(), line_of(&e))),
    }
}

/// [`parse_values`] for a file's raw bytes: bytes that are not UTF-8 fail as goyaml's
/// reader fails (`yaml: invalid leading UTF-8 octet`, ...), as in Helm.
pub fn parse_values_bytes(data: &[u8]) -> Result<Map, (String, Option<usize>)> {
    match kiln_encoding::parse_values_bytes(data) {
        Ok(Value::Map(m, _)) => Ok((*m.snapshot()).clone()),
        Ok(_) => Ok(Map::new()),
        Err(e) => Err((e.message.clone(), line_of(&e))),
    }
}

/// Parses one document of a values text into a map (`yaml.Unmarshal` into
/// `map[string]interface{}`): an empty document is an empty map.
pub fn parse_values_document(text: &str) -> Result<Map, (String, Option<usize>)> {
    kiln_encoding::from_yaml(text).map_err(|e| (e.message.clone(), line_of(&e)))
}

/// Helm's `toYaml` (sigs.k8s.io/yaml.Marshal, trailing newline trimmed; "" on error).
pub fn to_yaml(v: &Value) -> String {
    kiln_encoding::to_yaml(v)
}

/// `mustToYaml`.
pub fn try_to_yaml(v: &Value) -> Result<String, String> {
    kiln_encoding::must_to_yaml(v).map_err(|e| e.to_string())
}

/// Helm's `toYamlPretty` (goyaml.v3, indent 2).
pub fn to_yaml_pretty(v: &Value) -> String {
    kiln_encoding::to_yaml_pretty(v)
}

fn error_map(text: String) -> Value {
    let mut m = Map::new();
    m.insert("Error".into(), Value::from(text));
    Value::map(m)
}

/// Helm's `fromYaml`: a map, with the error text under `Error` on failure.
pub fn from_yaml(text: &str) -> Value {
    match kiln_encoding::from_yaml(text) {
        Ok(m) => Value::map(m),
        Err(e) => error_map(e.message),
    }
}

/// Helm's `fromYamlArray`: a list, or a list holding the error text.
pub fn from_yaml_array(text: &str) -> Value {
    match kiln_encoding::from_yaml_array(text) {
        Ok(l) => Value::list(l),
        Err(e) => Value::list(vec![Value::from(e.message)]),
    }
}

/// Go's `json.Marshal`.
pub fn to_json(v: &Value) -> Result<String, String> {
    json::to_json(v).map_err(|e| e.message)
}

/// Helm's `fromJson`: a map; on failure the partial map with the error under `Error`.
pub fn from_json_map(text: &str) -> Value {
    let (m, err) = json::from_json_map(text);
    let v = match m {
        Some(m) => Value::map(m),
        None => kiln_helm_nil_map(),
    };
    if let Some(e) = err {
        if let Some(mr) = v.as_map_ref() {
            mr.insert("Error".into(), Value::from(e.message));
        }
    }
    v
}

/// Helm's `fromJsonArray`: a list, or a list holding the error text.
pub fn from_json_array(text: &str) -> Value {
    match json::from_json_array(text) {
        (_, Some(e)) => Value::list(vec![Value::from(e.message)]),
        (Some(l), None) => Value::list(l),
        (None, None) => Value::list(vec![]),
    }
}

fn kiln_helm_nil_map() -> Value {
    Value::empty_map()
}

/// BurntSushi/toml encoding (`mustToToml`; `toToml` returns the error text instead).
pub fn to_toml(v: &Value) -> Result<String, String> {
    kiln_encoding::toml::encode_toml(v).map_err(|e| e.to_string())
}

/// Helm's `fromToml`: a map, with the error text under `Error` on failure.
pub fn from_toml(text: &str) -> Value {
    match kiln_encoding::toml::from_toml(text) {
        Ok(m) => Value::map(m),
        Err(e) => error_map(e.to_string()),
    }
}
