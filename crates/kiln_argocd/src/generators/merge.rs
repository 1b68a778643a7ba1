//! The `merge` generator (applicationset/generators/merge.go).
//!
//! At least two children (not interpolated) and at least one `mergeKeys` entry. Every
//! child's sets are indexed by [`merge_key_index`]: the compact JSON (Go
//! `json.Marshal`: sorted keys, HTML characters escaped) of `{key: set[key]}` over the
//! de-duplicated merge keys, a missing key giving `null`. The keys are top-level
//! parameter keys (`values.x` works in fasttemplate; nested paths do not in goTemplate).
//! A duplicate index entry inside one child is an error.
//!
//! The first child is the base; each set of a later child whose index exists in the
//! base overrides that base set: shallow copy (fasttemplate, `maps.Copy`) or mergo
//! override deep merge (goTemplate). Unmatched sets of later children are dropped.
//! Argo CD returns the base sets in Go map order (random); kiln keeps the base order.

use std::collections::{BTreeSet, HashMap};

use kiln_gotmpl::{Map, Str, Value};

use super::context::ExpandContext;
use super::matrix::children;
use super::mergo::merge_override;
use super::{child_params, ParamSet};
use crate::template::Templater;

/// `ErrLessThanTwoGeneratorsInMerge`.
pub const ERR_LESS_THAN_TWO: &str = "found less than two generators, Merge requires two or more";
/// `ErrNoMergeKeys`.
pub const ERR_NO_MERGE_KEYS: &str = "no merge keys were specified, Merge requires at least one";

/// The merge-key index of `sets` (merge.go `getParamSetsByMergeKey`), in input order.
pub fn merge_key_index(
    keys: &[String],
    sets: &[ParamSet],
) -> Result<Vec<(String, ParamSet)>, String> {
    if keys.is_empty() {
        return Err(ERR_NO_MERGE_KEYS.into());
    }
    let keys: BTreeSet<&str> = keys.iter().map(String::as_str).collect();
    let mut seen = HashMap::new();
    let mut out = Vec::with_capacity(sets.len());
    for set in sets {
        let mut km = Map::new();
        for k in &keys {
            km.insert(Str::from(*k), set.get(*k).cloned().unwrap_or(Value::Nil));
        }
        let key = kiln_helm::yaml::to_json(&Value::map(km))
            .map_err(|e| format!("error marshalling param set key json: {e}"))?;
        if seen.insert(key.clone(), ()).is_some() {
            return Err(format!(
                "the parameters from a generator were not unique by the given mergeKeys, Merge requires all param sets to be unique. Duplicate key was {key}"
            ));
        }
        out.push((key, set.clone()));
    }
    Ok(out)
}

/// The `mergeKeys` of a merge body.
fn merge_keys(body: &Value) -> Result<Vec<String>, String> {
    match body.as_map_ref().and_then(|m| m.get("mergeKeys")) {
        None | Some(Value::Nil) => Ok(Vec::new()),
        Some(Value::List(l, _)) => l
            .iter()
            .map(|k| {
                k.as_str()
                    .map(String::from)
                    .ok_or_else(|| "mergeKeys entries must be strings".to_string())
            })
            .collect(),
        Some(other) => Err(format!(
            "mergeKeys must be a list, not {}",
            other.type_name()
        )),
    }
}

/// Parameter sets of a `merge` body at nesting `level` (0: top level).
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
    let keys = merge_keys(body)?;
    let mut per_child = Vec::with_capacity(gens.len());
    for (i, g) in gens.iter().enumerate() {
        let sets = child_params(g, level, None, t, ctx).map_err(|e| {
            format!(
                "error getting param sets from generators: error getting params from generator {} of {}: {e}",
                i + 1,
                gens.len()
            )
        })?;
        per_child.push(sets);
    }
    let by_key = |sets: &[ParamSet]| {
        merge_key_index(&keys, sets)
            .map_err(|e| format!("error getting param sets by merge key: {e}"))
    };
    let mut base = by_key(&per_child[0])?;
    for sets in &per_child[1..] {
        let over: HashMap<String, ParamSet> = by_key(sets)?.into_iter().collect();
        for (k, b) in base.iter_mut() {
            if let Some(o) = over.get(k) {
                if t.is_go() {
                    *b = merge_override(b, o);
                } else {
                    for (ok, ov) in o {
                        b.insert(ok.clone(), ov.clone());
                    }
                }
            }
        }
    }
    Ok(base.into_iter().map(|(_, s)| s).collect())
}
