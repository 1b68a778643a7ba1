//! Where schemas come from: the Kubernetes schema sets vendored per minor
//! (`schemas/k8s/v1.<minor>/`, from the PyPI package `kubernetes-validate`), the CRD
//! schemas vendored under `schemas/crds/`, and the kind scopes of `schemas/scopes.json`,
//! all embedded into the binary at build time (see `crates/kiln_check/build.rs`).
//!
//! Lookup mirrors kubernetes-validate's `utils.validate`: the cluster's minor selects
//! the newest vendored minor that is not newer; a kind file is found by its
//! `x-kubernetes-group-version-kind`, so `apps.example.com/v1 Deployment` does not
//! match `deployment-apps-v1.json` the way a file-name rule would.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::OnceLock;

use serde_json::Value;

/// One embedded schema document.
pub(crate) struct EmbeddedSchema {
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    /// Path under `schemas/` (`k8s/v1.31/deployment-apps-v1.json`).
    pub file: &'static str,
    /// Minified JSON, without descriptions.
    pub json: &'static str,
}

/// One embedded Kubernetes minor: `_definitions.json` and its per-kind documents.
pub(crate) struct EmbeddedMinor {
    pub minor: u32,
    pub definitions: &'static str,
    pub kinds: &'static [EmbeddedSchema],
}

include!(concat!(env!("OUT_DIR"), "/embedded_schemas.rs"));

/// The URI under which `_definitions.json` is registered: the per-kind documents refer
/// to `/api/_definitions.json#/$defs/...` from their `$id` `https://kubernetes.io/api/...`.
pub const DEFINITIONS_URI: &str = "https://kubernetes.io/api/_definitions.json";

/// `$ref` of ObjectMeta, as converted CRD schemas use it for `metadata`.
pub const OBJECT_META_REF: &str =
    "https://kubernetes.io/api/_definitions.json#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

/// A group, version and kind (`apps`, `v1`, `Deployment`; the core group is `""`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Gvk {
    pub group: String,
    pub version: String,
    pub kind: String,
}

impl Gvk {
    /// A GVK from its parts.
    pub fn new(
        group: impl Into<String>,
        version: impl Into<String>,
        kind: impl Into<String>,
    ) -> Gvk {
        Gvk {
            group: group.into(),
            version: version.into(),
            kind: kind.into(),
        }
    }

    /// Splits an object's `apiVersion` (`apps/v1`, or `v1` for the core group).
    pub fn from_api_version(api_version: &str, kind: &str) -> Gvk {
        match api_version.rsplit_once('/') {
            Some((g, v)) => Gvk::new(g, v, kind),
            None => Gvk::new("", api_version, kind),
        }
    }

    /// `apps/v1`, or `v1` for the core group.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
}

impl fmt::Display for Gvk {
    /// `apps/v1 Deployment`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.api_version(), self.kind)
    }
}

/// Whether objects of a kind live in a namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    Namespaced,
    Cluster,
}

impl Scope {
    /// `Namespaced` or `Cluster` (a CRD's `spec.scope`).
    pub fn parse(s: &str) -> Option<Scope> {
        match s {
            "Namespaced" => Some(Scope::Namespaced),
            "Cluster" => Some(Scope::Cluster),
            _ => None,
        }
    }

    /// `Namespaced` or `Cluster`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Namespaced => "Namespaced",
            Scope::Cluster => "Cluster",
        }
    }
}

/// The newest of `available` (sorted or not) that is not newer than `wanted`, as
/// kubernetes-validate picks a schema version; the newest when `wanted` is `None`; the
/// oldest when `wanted` is older than all of them; `None` only when `available` is empty.
pub fn pick_minor(available: &[u32], wanted: Option<u32>) -> Option<u32> {
    let newest = available.iter().copied().max()?;
    let Some(w) = wanted else {
        return Some(newest);
    };
    available
        .iter()
        .copied()
        .filter(|m| *m <= w)
        .max()
        .or_else(|| available.iter().copied().min())
}

/// The minor of a Kubernetes version string: `1.31.0`, `v1.31`, `1.31.4-gke.100`,
/// `v1.31+` all give 31. `None` for anything that is not `1.<minor>`.
pub fn parse_kube_minor(version: &str) -> Option<u32> {
    let v = version.trim().trim_start_matches(['v', 'V']);
    let rest = v.strip_prefix("1.")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// A vendored Kubernetes minor, parsed on first use.
pub(crate) struct MinorSet {
    pub minor: u32,
    embedded: &'static EmbeddedMinor,
    index: HashMap<Gvk, &'static EmbeddedSchema>,
    definitions: OnceLock<Option<Value>>,
    /// The prepared `jsonschema` registry holding `_definitions.json` (see
    /// `validate::registry`).
    pub registry: OnceLock<Option<jsonschema::Registry<'static>>>,
}

impl MinorSet {
    /// `_definitions.json`, parsed once (`None` if the embedded text does not parse).
    pub fn definitions_ref(&'static self) -> Option<&'static Value> {
        self.definitions
            .get_or_init(|| serde_json::from_str(self.embedded.definitions).ok())
            .as_ref()
    }

    /// The per-kind document of `gvk`.
    pub fn kind(&self, gvk: &Gvk) -> Option<&'static EmbeddedSchema> {
        self.index.get(gvk).copied()
    }
}

/// Every embedded schema: Kubernetes minors, vendored CRDs, scopes.
pub struct Catalog {
    minors: Vec<MinorSet>,
    crds: BTreeMap<Gvk, &'static EmbeddedSchema>,
    scopes: HashMap<Gvk, Scope>,
}

impl Catalog {
    /// The embedded catalog (built once per process).
    pub fn embedded() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(Catalog::load)
    }

    fn load() -> Catalog {
        let minors = K8S
            .iter()
            .map(|m| MinorSet {
                minor: m.minor,
                embedded: m,
                index: m
                    .kinds
                    .iter()
                    .map(|k| (Gvk::new(k.group, k.version, k.kind), k))
                    .collect(),
                definitions: OnceLock::new(),
                registry: OnceLock::new(),
            })
            .collect();
        let crds = CRDS
            .iter()
            .map(|k| (Gvk::new(k.group, k.version, k.kind), k))
            .collect();
        Catalog {
            minors,
            crds,
            scopes: parse_scopes(SCOPES),
        }
    }

    /// The vendored Kubernetes minors, oldest first (e.g. `[31, 36]`).
    pub fn minors(&self) -> Vec<u32> {
        self.minors.iter().map(|m| m.minor).collect()
    }

    /// The minor whose schemas validate objects for a cluster of `wanted` ([`pick_minor`]).
    pub fn pick_minor(&self, wanted: Option<u32>) -> Option<u32> {
        pick_minor(&self.minors(), wanted)
    }

    pub(crate) fn minor_set(&'static self, minor: u32) -> Option<&'static MinorSet> {
        self.find(minor)
    }

    fn find(&self, minor: u32) -> Option<&MinorSet> {
        self.minors.iter().find(|m| m.minor == minor)
    }

    /// Whether the Kubernetes schemas of `minor` have a document for `gvk`.
    pub fn has_builtin(&self, minor: u32, gvk: &Gvk) -> bool {
        self.find(minor).is_some_and(|m| m.kind(gvk).is_some())
    }

    /// The built-in kinds of `minor`, sorted.
    pub fn builtin_kinds(&self, minor: u32) -> Vec<Gvk> {
        let mut v: Vec<Gvk> = self
            .find(minor)
            .map(|m| m.index.keys().cloned().collect())
            .unwrap_or_default();
        v.sort();
        v
    }

    /// The vendored CRD schema of `gvk` (`schemas/crds/...`): its file and JSON text.
    pub fn vendored_crd(&self, gvk: &Gvk) -> Option<(&'static str, &'static str)> {
        self.crds.get(gvk).map(|e| (e.file, e.json))
    }

    /// The kinds with a vendored CRD schema, sorted.
    pub fn vendored_crd_kinds(&self) -> Vec<Gvk> {
        self.crds.keys().cloned().collect()
    }

    /// Namespaced or Cluster, from `schemas/scopes.json` (built-in kinds and vendored
    /// CRDs); `None` for kinds it does not list (use the CRD's `spec.scope` then).
    pub fn scope(&self, gvk: &Gvk) -> Option<Scope> {
        self.scopes.get(gvk).copied()
    }
}

/// `scopes.json`: `{"<apiVersion> <Kind>": "Namespaced" | "Cluster", ...}` (other keys,
/// e.g. `"$comment"`, are ignored).
fn parse_scopes(text: &str) -> HashMap<Gvk, Scope> {
    let Ok(Value::Object(m)) = serde_json::from_str::<Value>(text) else {
        return HashMap::new();
    };
    let mut out = HashMap::new();
    let entries = match m.get("kinds") {
        Some(Value::Object(k)) => k.clone(),
        _ => m,
    };
    for (k, v) in entries {
        let Some((av, kind)) = k.split_once(' ') else {
            continue;
        };
        if let Some(s) = v.as_str().and_then(Scope::parse) {
            out.insert(Gvk::from_api_version(av, kind), s);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minor_selection() {
        assert_eq!(pick_minor(&[31, 36], Some(31)), Some(31));
        assert_eq!(pick_minor(&[31, 36], Some(35)), Some(31));
        assert_eq!(pick_minor(&[31, 36], Some(40)), Some(36));
        assert_eq!(pick_minor(&[31, 36], Some(20)), Some(31));
        assert_eq!(pick_minor(&[31, 36], None), Some(36));
        assert_eq!(pick_minor(&[], Some(31)), None);
    }

    #[test]
    fn kube_minor() {
        assert_eq!(parse_kube_minor("1.31.0"), Some(31));
        assert_eq!(parse_kube_minor("v1.36"), Some(36));
        assert_eq!(parse_kube_minor("v1.33.4-gke.1245000"), Some(33));
        assert_eq!(parse_kube_minor("1.30+"), Some(30));
        assert_eq!(parse_kube_minor("2.0"), None);
        assert_eq!(parse_kube_minor(""), None);
    }

    #[test]
    fn gvk() {
        let g = Gvk::from_api_version("rbac.authorization.k8s.io/v1", "Role");
        assert_eq!(g.group, "rbac.authorization.k8s.io");
        assert_eq!(g.to_string(), "rbac.authorization.k8s.io/v1 Role");
        assert_eq!(Gvk::from_api_version("v1", "Pod").api_version(), "v1");
    }
}
