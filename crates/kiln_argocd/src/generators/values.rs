//! Generator `values` (applicationset/generators/value_interpolation.go
//! `appendTemplatedValues`): each value is rendered against the generator's own
//! parameter set (values cannot see one another: `{{values.x}}` stays literal in
//! fasttemplate mode and prints `<no value>` in Go template mode), then added as
//! `values.<k>` (fasttemplate) or as the `map[string]string` `values` (goTemplate,
//! replacing any `values` parameter; nothing is added for an empty `values`).

use kiln_gotmpl::{Map, MapRef, MapType, Str, Value};

use super::ParamSet;
use crate::template::Templater;

/// Reads a `values` map (`map[string]string` in Argo CD's types): `Nil` is empty, every
/// value must be a string.
pub fn values_map(v: Option<&Value>) -> Result<Vec<(Str, Str)>, String> {
    match v {
        None | Some(Value::Nil) => Ok(Vec::new()),
        Some(Value::Map(m, _)) => m
            .snapshot()
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.clone(), s.clone())),
                other => Err(format!(
                    "values.{k}: must be a string, not {}",
                    other.type_name()
                )),
            })
            .collect(),
        Some(other) => Err(format!("values must be a map, not {}", other.type_name())),
    }
}

/// Renders `values` against `params` and adds them to `params`.
pub fn append_templated_values(
    values: Option<&Value>,
    params: &mut ParamSet,
    t: &mut Templater,
) -> Result<(), String> {
    let values = values_map(values)?;
    if values.is_empty() {
        return Ok(());
    }
    let data = Value::map(params.clone());
    let mut rendered = Map::new();
    for (k, v) in values {
        let r = t.replace(&v, &data).map_err(|e| {
            format!("failed to replace templated string: failed to replace templated string with rendered values: {e}")
        })?;
        rendered.insert(k, Value::from(r));
    }
    if t.is_go() {
        params.insert(
            "values".into(),
            Value::Map(MapRef::new(rendered), MapType::String),
        );
    } else {
        for (k, v) in rendered {
            params.insert(Str::from(format!("values.{k}")), v);
        }
    }
    Ok(())
}
