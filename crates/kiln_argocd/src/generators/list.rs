//! The `list` generator (applicationset/generators/list.go).
//!
//! * `elements`: one parameter set per element. goTemplate: the element object as is
//!   (JSON types kept). fasttemplate: every value must be a string; a `values` map of
//!   strings becomes `values.<k>`. A `null` or `{}` element gives an empty set (its
//!   Application is the template unrendered).
//! * `elementsYaml`: a YAML list of objects appended after `elements`, as is in both
//!   modes (so nested values reach fasttemplate parameters unflattened).

use kiln_gotmpl::{Map, Str, Value};

use super::ParamSet;

fn go_kind(v: &Value) -> &'static str {
    match v {
        Value::String(_) | Value::RawString(_) => "string",
        Value::Bool(_) => "bool",
        Value::List(..) => "array",
        Value::Map(..) => "object",
        _ => "number",
    }
}

/// Parameter sets of a `list` generator body.
pub fn generate(body: &Value, go: bool) -> Result<Vec<ParamSet>, String> {
    let mut res = Vec::new();
    let elements = match body.as_map_ref().and_then(|m| m.get("elements")) {
        None | Some(Value::Nil) => Vec::new(),
        Some(Value::List(l, _)) => l.to_vec(),
        Some(other) => {
            return Err(format!(
                "list.elements must be a list, not {}",
                other.type_name()
            ))
        }
    };
    for el in &elements {
        let m = match el {
            Value::Nil => {
                res.push(Map::new());
                continue;
            }
            Value::Map(m, _) => m.snapshot(),
            other => {
                return Err(format!(
                    "error unmarshling list element json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                    go_kind(other)
                ))
            }
        };
        if go {
            res.push(m.iter().map(|(k, v)| (k.clone(), v.deep_copy())).collect());
            continue;
        }
        let mut params = Map::new();
        for (k, v) in m.iter() {
            if &**k == "values" {
                let Value::Map(vm, _) = v else {
                    return Err("error parsing values map".into());
                };
                for (vk, vv) in vm.snapshot().iter() {
                    let Value::String(s) = vv else {
                        return Err(format!("error parsing value as string: values.{vk}"));
                    };
                    params.insert(Str::from(format!("values.{vk}")), Value::String(s.clone()));
                }
            } else {
                let Value::String(s) = v else {
                    return Err(format!("error parsing value as string: {k}"));
                };
                params.insert(k.clone(), Value::String(s.clone()));
            }
        }
        res.push(params);
    }
    match body.as_map_ref().and_then(|m| m.get("elementsYaml")) {
        None | Some(Value::Nil) => {}
        Some(Value::String(y)) if y.is_empty() => {}
        Some(Value::String(y)) => {
            let parsed = kiln_helm::yaml::parse_document(&y)
                .map_err(|(e, _)| format!("error unmarshling decoded ElementsYaml {e}"))?;
            if super::too_deep(&parsed, super::MAX_VALUE_DEPTH) {
                return Err(format!(
                    "error unmarshling decoded ElementsYaml: nested deeper than {} levels",
                    super::MAX_VALUE_DEPTH
                ));
            }
            match parsed {
                Value::Nil => {}
                Value::List(l, _) => {
                    for item in l.iter() {
                        match item {
                            Value::Nil => res.push(Map::new()),
                            Value::Map(m, _) => res.push(
                                m.snapshot()
                                    .iter()
                                    .map(|(k, v)| (k.clone(), v.deep_copy()))
                                    .collect(),
                            ),
                            other => {
                                return Err(format!(
                                    "error unmarshling decoded ElementsYaml error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                                    go_kind(other)
                                ))
                            }
                        }
                    }
                }
                other => {
                    return Err(format!(
                        "error unmarshling decoded ElementsYaml error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type []map[string]interface {{}}",
                        go_kind(&other)
                    ))
                }
            }
        }
        Some(other) => {
            return Err(format!(
                "list.elementsYaml must be a string, not {}",
                other.type_name()
            ))
        }
    }
    Ok(res)
}
