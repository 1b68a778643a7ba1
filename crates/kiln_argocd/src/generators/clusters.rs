//! The `clusters` generator (applicationset/generators/cluster.go) over the cluster
//! Secrets of the [`ExpandContext`].
//!
//! * Secrets are selected by `selector` plus `argocd.argoproj.io/secret-type: cluster`
//!   (apimachinery label selector: keys and values validated). Secrets sharing a
//!   `name` collapse (the later one wins). Argo CD then ranges over a Go map (random
//!   order); kiln orders the sets by cluster name.
//! * Parameters: `name`, `nameNormalized`, `server`, `project` (`""` when the Secret
//!   has none); fasttemplate adds `metadata.labels.<k>` and `metadata.annotations.<k>`,
//!   goTemplate adds `metadata: {labels, annotations}` (`map[string]string`s, each only
//!   when non-empty; `metadata` itself is always there for a Secret).
//! * When the selector has no terms and no selected Secret has server
//!   `https://kubernetes.default.svc`, an `in-cluster` set is added last
//!   (`name`/`nameNormalized` `in-cluster`, that server, `project: ""`, no metadata).
//! * `values` are rendered per set ([`super::values`]); `flatList: true` returns one set
//!   `{clusters: [all sets]}`.

use std::collections::BTreeMap;

use kiln_gotmpl::{ListType, Map, MapRef, MapType, Str, Value};

use super::context::{ClusterSecret, ExpandContext, SECRET_TYPE_LABEL};
use super::selector::LabelSelector;
use super::values::append_templated_values;
use super::ParamSet;
use crate::template::{sanitize_name, Templater};

/// The API server address of the cluster Argo CD runs in.
pub const IN_CLUSTER_SERVER: &str = "https://kubernetes.default.svc";
/// The name Argo CD gives it.
pub const IN_CLUSTER_NAME: &str = "in-cluster";

fn string_map(m: &BTreeMap<String, String>) -> Value {
    Value::Map(
        MapRef::new(
            m.iter()
                .map(|(k, v)| (Str::from(k.as_str()), Value::str(v)))
                .collect(),
        ),
        MapType::String,
    )
}

fn secret_params(s: &ClusterSecret, go: bool) -> ParamSet {
    let mut p = Map::new();
    p.insert("name".into(), Value::str(&s.name));
    p.insert("nameNormalized".into(), Value::from(sanitize_name(&s.name)));
    p.insert("server".into(), Value::str(&s.server));
    p.insert(
        "project".into(),
        Value::str(s.project.as_deref().unwrap_or("")),
    );
    if go {
        let mut meta = Map::new();
        if !s.annotations.is_empty() {
            meta.insert("annotations".into(), string_map(&s.annotations));
        }
        if !s.labels.is_empty() {
            meta.insert("labels".into(), string_map(&s.labels));
        }
        p.insert("metadata".into(), Value::map(meta));
    } else {
        for (k, v) in &s.annotations {
            p.insert(
                Str::from(format!("metadata.annotations.{k}")),
                Value::str(v),
            );
        }
        for (k, v) in &s.labels {
            p.insert(Str::from(format!("metadata.labels.{k}")), Value::str(v));
        }
    }
    p
}

/// Parameter sets of a `clusters` generator body.
pub fn generate(
    body: &Value,
    t: &mut Templater,
    ctx: &ExpandContext<'_>,
) -> Result<Vec<ParamSet>, String> {
    let body = body
        .as_map()
        .ok_or("the clusters generator must be a map")?;
    let selector_v = body.get("selector").cloned().unwrap_or(Value::Nil);
    let mut selector = LabelSelector::parse(&selector_v, true).map_err(|e| {
        format!("error getting cluster secrets: error converting label selector: {e}")
    })?;
    let ignore_local = selector.has_terms();
    selector.add_label(SECRET_TYPE_LABEL, "cluster");
    let secrets = ctx
        .clusters
        .cluster_secrets()
        .map_err(|e| format!("error getting cluster secrets: {e}"))?;
    let mut by_name: BTreeMap<String, ClusterSecret> = BTreeMap::new();
    for s in secrets {
        if selector.matches(&s.labels) {
            by_name.insert(s.name.clone(), s);
        }
    }
    let values = body.get("values");
    let go = t.is_go();
    let mut sets = Vec::new();
    for s in by_name.values() {
        let mut p = secret_params(s, go);
        append_templated_values(values, &mut p, t)
            .map_err(|e| format!("error appending templated values for cluster: {e}"))?;
        sets.push(p);
    }
    if !ignore_local && !by_name.values().any(|s| s.server == IN_CLUSTER_SERVER) {
        let mut p = Map::new();
        p.insert("name".into(), Value::str(IN_CLUSTER_NAME));
        p.insert("nameNormalized".into(), Value::str(IN_CLUSTER_NAME));
        p.insert("server".into(), Value::str(IN_CLUSTER_SERVER));
        p.insert("project".into(), Value::str(""));
        append_templated_values(values, &mut p, t)
            .map_err(|e| format!("error appending templated values for local cluster: {e}"))?;
        sets.push(p);
    }
    if matches!(body.get("flatList"), Some(Value::Bool(true))) {
        let list = Value::List(
            std::sync::Arc::new(sets.into_iter().map(Value::map).collect()),
            ListType::Named("[]map[string]interface {}"),
        );
        let mut p = Map::new();
        p.insert("clusters".into(), list);
        return Ok(vec![p]);
    }
    Ok(sets)
}
