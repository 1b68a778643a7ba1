//! ApplicationSet generators, offline: each `spec.generators[]` entry yields parameter
//! sets (mirrors Argo CD's applicationset/generators at 37ee0097).
//!
//! * [`transform`] (generator_spec_processor.go `Transform`): picks the generator kinds
//!   set in an entry, merges each kind's own `template` over `spec.template`, generates
//!   the parameter sets and filters them with the entry's `selector`.
//! * terminal generators: [`list`], [`git`] (directories and files, on a [`RepoTree`]),
//!   [`clusters`] (on cluster Secrets); combinations: [`matrix`], [`merge`] (nesting one
//!   level deep, as Argo CD allows). `scmProvider`, `pullRequest`,
//!   `clusterDecisionResource` and `plugin` need network services: they are an error
//!   ("not supported offline"), never an empty result.
//! * helpers: [`interpolate`] (matrix child interpolation), [`values`] (generator
//!   `values`), [`selector`] (label selectors), [`flatten`] (dotted keys, `%v`),
//!   [`mergo`] (Go `mergo` merges), [`glob`] (Go `path.Match`, git pathspec, doublestar).
//!
//! Parameter sets are Go `map[string]interface{}` values ([`ParamSet`]): flat maps of
//! strings in fasttemplate mode, nested maps keeping JSON types (numbers are float64) in
//! goTemplate mode. Go types Argo CD produces are kept where they are observable: git
//! `path.segments` is a `[]string`, goTemplate `values` and cluster `metadata.labels` are
//! `map[string]string`s.
//!
//! Output order is deterministic: generator order, then each generator's order (git:
//! walk or path order; clusters: by name, `in-cluster` last; merge: base order).
//! All work is bounded: at most [`MAX_PARAM_SETS`] sets per generator, matrix/merge
//! nesting one level deep, glob matching without exponential backtracking.

pub mod clusters;
pub mod context;
pub mod flatten;
pub mod git;
pub mod glob;
pub mod interpolate;
pub mod list;
pub mod matrix;
pub mod merge;
pub mod mergo;
pub mod selector;
pub mod values;
pub mod worktree;

use kiln_gotmpl::{Map, Value};

pub use context::{
    ClusterSecret, ClusterSource, ExpandContext, GeneratorOverride, GitFileGlobbing, NoClusters,
    RepoTree,
};
pub use interpolate::interpolate_generator;
pub use merge::merge_key_index;
pub use values::append_templated_values;
pub use worktree::WorkTree;

use crate::template::Templater;
use selector::LabelSelector;

/// One parameter set: a Go `map[string]interface{}`.
pub type ParamSet = Map;

/// Most parameter sets one generator may yield (a matrix of two large generators is the
/// usual way to get there).
pub const MAX_PARAM_SETS: usize = 100_000;

/// Deepest nesting accepted in ApplicationSets, list elements and git files: deeper
/// values are an error instead of risking the stack in recursive code.
pub const MAX_VALUE_DEPTH: usize = 200;

/// Whether `v` nests maps and lists deeper than `limit` (iterative: safe on any
/// input).
pub fn too_deep(v: &Value, limit: usize) -> bool {
    let mut stack = vec![(v.clone(), 0usize)];
    while let Some((cur, d)) = stack.pop() {
        match &cur {
            Value::Map(m, _) if d >= limit && !m.is_empty() => return true,
            Value::List(l, _) if d >= limit && !l.is_empty() => return true,
            Value::Map(m, _) => stack.extend(m.snapshot().values().map(|c| (c.clone(), d + 1))),
            Value::List(l, _) => stack.extend(l.iter().map(|c| (c.clone(), d + 1))),
            _ => {}
        }
    }
    false
}

/// Generator kinds, in the field order of Argo CD's `ApplicationSetGenerator` (the order
/// in which an entry setting several kinds is processed).
pub const GENERATOR_KINDS: &[&str] = &[
    "list",
    "clusters",
    "git",
    "scmProvider",
    "clusterDecisionResource",
    "pullRequest",
    "matrix",
    "merge",
    "plugin",
];

/// What each unsupported kind would need.
fn unsupported(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "scmProvider" => "an SCM provider API",
        "pullRequest" => "a pull request API",
        "clusterDecisionResource" => "duck-typed resources of a live cluster",
        "plugin" => "a plugin service",
        _ => return None,
    })
}

/// The output of one generator kind of an entry.
#[derive(Clone, Debug)]
pub struct Generated {
    /// The Application template for these sets: the kind's own `template` merged over
    /// `spec.template` (top level only; `Nil` for nested generators).
    pub template: Value,
    /// The parameter sets, after the entry's `selector`.
    pub params: Vec<ParamSet>,
}

/// The kinds set (non-null) in a generator entry, in Argo CD's field order. Nested
/// below one combination level (`level >= 2`), `matrix` and `merge` do not exist.
pub fn kinds_of(entry: &Value, level: usize) -> Vec<&'static str> {
    let Some(m) = entry.as_map() else {
        return Vec::new();
    };
    GENERATOR_KINDS
        .iter()
        .copied()
        .filter(|k| level < 2 || !matches!(*k, "matrix" | "merge"))
        .filter(|k| m.get(*k).is_some_and(|v| !v.is_nil()))
        .collect()
}

/// Runs a top-level `spec.generators[]` entry (generator_spec_processor.go `Transform`
/// with no parameters from another generator). `spec_template` is `spec.template`.
pub fn transform(
    entry: &Value,
    spec_template: &Value,
    t: &mut Templater,
    ctx: &ExpandContext<'_>,
) -> Result<Vec<Generated>, String> {
    transform_at(entry, 0, Some(spec_template), None, t, ctx)
}

/// `Transform` at a nesting level: `base_template` only at the top, `gen_params` the
/// parameters to interpolate the entry with (matrix child 1).
pub(crate) fn transform_at(
    entry: &Value,
    level: usize,
    base_template: Option<&Value>,
    gen_params: Option<&ParamSet>,
    t: &mut Templater,
    ctx: &ExpandContext<'_>,
) -> Result<Vec<Generated>, String> {
    let Some(m) = entry.as_map() else {
        return Err(format!(
            "a generator must be a map, not {}",
            entry.type_name()
        ));
    };
    // The selector is taken from the entry as written (not interpolated).
    let selector = match m.get("selector") {
        None | Some(Value::Nil) => None,
        Some(s) => Some(
            LabelSelector::parse(s, false)
                .map_err(|e| format!("error parsing label selector: {e}"))?,
        ),
    };
    let kinds = kinds_of(entry, level);
    if kinds.is_empty() && level >= 2 && (m.contains_key("matrix") || m.contains_key("merge")) {
        return Err(
            "child generator generated no parameters: matrix and merge generators nest only one level deep"
                .into(),
        );
    }
    let mut res = Vec::new();
    let mut first_error = None;
    for kind in kinds {
        let template = match base_template {
            Some(base) => merge_generator_template(
                base,
                m.get(kind)
                    .and_then(|b| b.as_map_ref())
                    .and_then(|b| b.get("template")),
            ),
            None => Value::Nil,
        };
        let interpolated;
        let spec = match gen_params {
            Some(p) if !p.is_empty() => match interpolate::interpolate_generator(entry, p, t) {
                Ok(v) => {
                    interpolated = v;
                    &interpolated
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                    continue;
                }
            },
            _ => entry,
        };
        let body = spec
            .as_map_ref()
            .and_then(|sm| sm.get(kind))
            .unwrap_or(Value::Nil);
        let params = match generate_kind(kind, &body, level, t, ctx) {
            Ok(p) => p,
            Err(e) => {
                first_error.get_or_insert(e);
                continue;
            }
        };
        let params = match &selector {
            None => params,
            Some(sel) => {
                let mut kept = Vec::with_capacity(params.len());
                for p in params {
                    match flatten::flatten_params(&p) {
                        Ok(flat) if sel.matches(&flat) => kept.push(p),
                        Ok(_) => {}
                        Err(e) => {
                            first_error.get_or_insert(e);
                        }
                    }
                }
                kept
            }
        };
        res.push(Generated { template, params });
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(res),
    }
}

/// The generator's own `template` merged over `spec.template` (mergo without override:
/// the generator's non-empty fields win, maps are unioned).
pub fn merge_generator_template(base: &Value, own: Option<Value>) -> Value {
    let base_map = base.as_map().map(|m| (*m).clone()).unwrap_or_default();
    match own.as_ref().and_then(Value::as_map) {
        Some(o) => Value::map(mergo::merge_fill(&o, &base_map)),
        None => Value::map(base_map).deep_copy(),
    }
}

/// Generates one kind's parameter sets.
fn generate_kind(
    kind: &str,
    body: &Value,
    level: usize,
    t: &mut Templater,
    ctx: &ExpandContext<'_>,
) -> Result<Vec<ParamSet>, String> {
    if !matches!(kind, "matrix" | "merge") {
        if let Some(hook) = ctx.generator_override {
            if let Some(r) = hook(kind, body) {
                return r;
            }
        }
    }
    match kind {
        "list" => list::generate(body, t.is_go()),
        "clusters" => clusters::generate(body, t, ctx),
        "git" => git::generate(body, t, ctx),
        "matrix" => matrix::generate(body, level, t, ctx),
        "merge" => merge::generate(body, level, t, ctx),
        other => Err(format!(
            "the {other} generator is not supported offline (it needs {})",
            unsupported(other).unwrap_or("a live service")
        )),
    }
}

/// The parameter sets of a matrix or merge child (matrix.go/merge.go `getParams`):
/// exactly one generator kind, optionally interpolated with `params`.
pub(crate) fn child_params(
    child: &Value,
    level: usize,
    params: Option<&ParamSet>,
    t: &mut Templater,
    ctx: &ExpandContext<'_>,
) -> Result<Vec<ParamSet>, String> {
    let mut gens = transform_at(child, level + 1, None, params, t, ctx)
        .map_err(|e| format!("child generator returned an error on parameter generation: {e}"))?;
    match gens.len() {
        0 => Err("child generator generated no parameters".into()),
        1 => Ok(gens.pop().map(|g| g.params).unwrap_or_default()),
        _ => Err("found more than one generator in matrix.Generators".into()),
    }
}
