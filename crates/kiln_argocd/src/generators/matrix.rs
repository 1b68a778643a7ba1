//! The `matrix` generator (applicationset/generators/matrix.go).
//!
//! Exactly two children, each with exactly one generator kind (a child may itself be a
//! matrix or merge one level down, whose children are terminal). For every parameter
//! set `a` of child 0, child 1 is interpolated with `a` ([`super::interpolate`]) and
//! generated; each of its sets `b` combines with `a`:
//! * fasttemplate (`utils.CombineStringMaps`): both sets printed with `%v` into string
//!   maps and united; the same key with different values is an error;
//! * goTemplate: `b` then `a` deep-merged with mergo override ([`super::mergo`]), so
//!   child 0 wins.
//!
//! A child yielding no sets makes the product empty. The product is bounded by
//! [`super::MAX_PARAM_SETS`].

use kiln_gotmpl::{Map, Value};

use super::context::ExpandContext;
use super::flatten::go_sprint;
use super::mergo::merge_override;
use super::{child_params, ParamSet, MAX_PARAM_SETS};
use crate::template::Templater;

/// `ErrLessThanTwoGenerators`.
pub const ERR_LESS_THAN_TWO: &str = "found less than two generators, Matrix support only two";
/// `ErrMoreThanTwoGenerators`.
pub const ERR_MORE_THAN_TWO: &str = "found more than two generators, Matrix support only two";

/// The child generator entries of a matrix or merge body.
pub(crate) fn children(body: &Value) -> Result<Vec<Value>, String> {
    match body.as_map_ref().and_then(|m| m.get("generators")) {
        None | Some(Value::Nil) => Ok(Vec::new()),
        Some(Value::List(l, _)) => Ok(l.to_vec()),
        Some(other) => Err(format!(
            "generators must be a list, not {}",
            other.type_name()
        )),
    }
}

/// `utils.CombineStringMaps`.
fn combine_string_maps(a: &ParamSet, b: &ParamSet) -> Result<ParamSet, String> {
    let mut res = Map::new();
    for (k, v) in a {
        res.insert(k.clone(), Value::from(go_sprint(v)));
    }
    for (k, v) in b {
        let v = go_sprint(v);
        if let Some(cur) = res.get(k) {
            let cur = cur.as_str().unwrap_or_default();
            if cur != v {
                return Err(format!(
                    "failed to combine string maps with merging params for the matrix generator: found duplicate key {k} with different value, a: {cur} ,b: {v}"
                ));
            }
        }
        res.insert(k.clone(), Value::from(v));
    }
    Ok(res)
}

/// Parameter sets of a `matrix` body at nesting `level` (0: top level).
pub fn generate(
    body: &Value,
    level: usize,
    t: &mut Templater,
    ctx: &ExpandContext<'_>,
) -> Result<Vec<ParamSet>, String> {
    let gens = children(body)?;
    if gens.len() < 2 {
        return Err(ERR_LESS_THAN_TWO.into());
    }
    if gens.len() > 2 {
        return Err(ERR_MORE_THAN_TWO.into());
    }
    let g0 = child_params(&gens[0], level, None, t, ctx).map_err(|e| {
        format!("error failed to get params for first generator in matrix generator: {e}")
    })?;
    let mut res = Vec::new();
    for a in &g0 {
        let g1 = child_params(&gens[1], level, Some(a), t, ctx).map_err(|e| {
            format!("failed to get params for second generator in the matrix generator: {e}")
        })?;
        if res.len() + g1.len() > MAX_PARAM_SETS {
            return Err(format!(
                "the matrix generator yields more than {MAX_PARAM_SETS} parameter sets"
            ));
        }
        for b in &g1 {
            if t.is_go() {
                res.push(merge_override(&merge_override(&Map::new(), b), a));
            } else {
                res.push(combine_string_maps(a, b)?);
            }
        }
    }
    Ok(res)
}
