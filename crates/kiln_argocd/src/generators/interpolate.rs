//! Interpolating a matrix child with the parameters of the other child
//! (applicationset/utils/utils.go `RenderGeneratorParams`, called from
//! generator_spec_processor.go `InterpolateGenerator`).
//!
//! Every string of the generator spec (and every map key) is rendered with the
//! parameters in the ApplicationSet's mode: `repoURL`, `files[].path`, selectors,
//! list `elements` and `elementsYaml`, nested generators, ... `null` map entries are
//! dropped. The `values` of the generators that have string values (`clusters`, `git`,
//! `scmProvider`, `clusterDecisionResource`, `pullRequest`) are pre-rendered with
//! `missingkey=error` instead (goTemplate): a value whose key is missing from these
//! parameters ("map has no entry for key", "can't evaluate field") is left unrendered,
//! for the child to render against its own parameters; other errors are fatal. An
//! empty parameter set leaves the generator unchanged.

use kiln_gotmpl::{Map, MapRef, Value};

use super::ParamSet;
use crate::template::Templater;

/// Generator kinds whose `values` field is a `map[string]string` (utils.go
/// `getFilteredGeneratorTypes`).
const VALUES_KINDS: &[&str] = &[
    "clusters",
    "git",
    "scmProvider",
    "clusterDecisionResource",
    "pullRequest",
];

/// Deepest generator nesting walked.
const MAX_DEPTH: usize = 64;

/// Renders the generator entry `gen` (`{git: ..., selector: ...}`) with `params`.
pub fn interpolate_generator(
    gen: &Value,
    params: &ParamSet,
    t: &mut Templater,
) -> Result<Value, String> {
    if params.is_empty() {
        return Ok(gen.clone());
    }
    let data = Value::map(params.clone());
    entry(gen, &data, t, 0).map_err(|e| format!("failed to replace parameters in generator: {e}"))
}

/// A generator entry: a map of kind → body (+ `selector`).
fn entry(v: &Value, data: &Value, t: &mut Templater, depth: usize) -> Result<Value, String> {
    let Value::Map(m, mt) = v else {
        return t.deep_replace(v, data);
    };
    if depth > MAX_DEPTH {
        return Err("generators nested too deeply".into());
    }
    let mut out = Map::new();
    for (k, body) in m.snapshot().iter() {
        if body.is_nil() {
            continue;
        }
        let nb = match &**k {
            kind if VALUES_KINDS.contains(&kind) => kind_body(body, data, t, true, depth)?,
            "matrix" | "merge" => kind_body(body, data, t, false, depth)?,
            _ => t.deep_replace(body, data)?,
        };
        out.insert(t.replace(k, data)?.into(), nb);
    }
    Ok(Value::Map(MapRef::new(out), *mt))
}

/// A generator body: `values` pre-resolved (for `with_values`), `generators` entries
/// walked as entries, everything else rendered.
fn kind_body(
    v: &Value,
    data: &Value,
    t: &mut Templater,
    with_values: bool,
    depth: usize,
) -> Result<Value, String> {
    let Value::Map(m, mt) = v else {
        return t.deep_replace(v, data);
    };
    let mut out = Map::new();
    for (k, body) in m.snapshot().iter() {
        if body.is_nil() {
            continue;
        }
        let nb = match (&**k, body) {
            ("values", Value::Map(vm, vt)) if with_values => {
                let mut resolved = Map::new();
                for (vk, vv) in vm.snapshot().iter() {
                    let Value::String(s) = vv else {
                        resolved.insert(vk.clone(), vv.clone());
                        continue;
                    };
                    let r = match t.replace_with(s, data, Some(true)) {
                        Ok(r) => Value::from(r),
                        Err(e)
                            if e.contains("map has no entry for key")
                                || e.contains("can't evaluate field") =>
                        {
                            vv.clone()
                        }
                        Err(e) => {
                            return Err(format!("failed to pre-resolve Values key {vk:?}: {e}"))
                        }
                    };
                    resolved.insert(vk.clone(), r);
                }
                // Keys of the filtered values map are copied, not rendered.
                out.insert(k.clone(), Value::Map(MapRef::new(resolved), *vt));
                continue;
            }
            ("generators", Value::List(l, lt)) if !with_values => Value::List(
                std::sync::Arc::new(
                    l.iter()
                        .map(|g| entry(g, data, t, depth + 1))
                        .collect::<Result<kiln_gotmpl::Items, _>>()?,
                ),
                *lt,
            ),
            _ => t.deep_replace(body, data)?,
        };
        out.insert(t.replace(k, data)?.into(), nb);
    }
    Ok(Value::Map(MapRef::new(out), *mt))
}
