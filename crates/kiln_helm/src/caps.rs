//! `.Capabilities`: the Kubernetes and Helm versions and the API versions a chart may
//! test with `.Capabilities.APIVersions.Has`, mirroring Helm's
//! `pkg/chart/common/capabilities.go` (with Helm v4.2.3's defaults).

use std::borrow::Cow;
use std::sync::Arc;

use kiln_gotmpl::{Field, Kind, ListType, Map, MethodSig, Object, Ty, Value};

fn fields_map(fields: Vec<(String, Value)>) -> Value {
    Value::map(fields.into_iter().map(|(k, v)| (k.into(), v)).collect())
}

/// The API versions Helm v4.2.3 reports by default (client-go's scheme, in its order).
pub const DEFAULT_API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1",
    "resource.k8s.io/v1beta2",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha2",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

/// Helm's default Kubernetes version (client-go v0.36 → v1.36.0).
pub const DEFAULT_KUBE_VERSION: &str = "v1.36.0";

/// `.Capabilities.KubeVersion`.
#[derive(Debug, Clone, PartialEq)]
pub struct KubeVersion {
    /// `Version` as given, with a `v` prefix (`v1.33.4-gke.1245000`).
    pub version: String,
    /// `v<major>.<minor>.<patch>` used for constraint checks and `String()`.
    pub normalized: String,
    pub major: String,
    pub minor: String,
}

impl KubeVersion {
    /// Helm's `ParseKubeVersion` (k8s `ParseGeneric`: `[v]MAJOR.MINOR[.PATCH][anything]`).
    pub fn parse(version: &str) -> Result<KubeVersion, String> {
        let bad = || format!("could not parse {version:?} as version");
        let s = version.trim();
        let s = s.strip_prefix('v').unwrap_or(s);
        let mut nums = Vec::new();
        let mut rest = s;
        for i in 0..3 {
            let end = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            if end == 0 {
                if i < 2 {
                    return Err(bad());
                }
                break;
            }
            let n: u64 = rest[..end].parse().map_err(|_| bad())?;
            if rest[..end].len() > 1 && rest.starts_with('0') {
                return Err(bad());
            }
            nums.push(n);
            rest = &rest[end..];
            if i < 2 && rest.starts_with('.') {
                rest = &rest[1..];
            } else {
                break;
            }
        }
        if nums.len() < 2 {
            return Err(bad());
        }
        let patch = nums.get(2).copied().unwrap_or(0);
        let git = if version.starts_with('v') {
            version.to_string()
        } else {
            format!("v{version}")
        };
        Ok(KubeVersion {
            version: git,
            normalized: format!("v{}.{}.{}", nums[0], nums[1], patch),
            major: nums[0].to_string(),
            minor: nums[1].to_string(),
        })
    }
}

impl Default for KubeVersion {
    fn default() -> Self {
        KubeVersion {
            version: DEFAULT_KUBE_VERSION.into(),
            normalized: DEFAULT_KUBE_VERSION.into(),
            major: "1".into(),
            minor: "36".into(),
        }
    }
}

impl Object for KubeVersion {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed("common.KubeVersion")
    }
    fn kind(&self) -> Kind {
        Kind::Struct
    }
    fn field(&self, name: &str) -> Field {
        match name {
            "Version" => Field::Value(Value::str(&self.version)),
            "Major" => Field::Value(Value::str(&self.major)),
            "Minor" => Field::Value(Value::str(&self.minor)),
            _ => Field::NoField,
        }
    }
    fn method(&self, name: &str) -> Option<MethodSig> {
        matches!(name, "String" | "GitVersion").then_some(MethodSig {
            params: &[],
            variadic: None,
        })
    }
    fn call_method(&self, name: &str, _args: &[Value]) -> Result<Value, String> {
        Ok(Value::str(match name {
            "String" => &self.normalized,
            _ => &self.version,
        }))
    }
    fn to_go_string_addressable(&self) -> Option<String> {
        Some(self.normalized.clone())
    }
    fn fields(&self) -> Vec<(Cow<'static, str>, Value)> {
        vec![
            ("Version".into(), Value::str(&self.version)),
            ("normalizedVersion".into(), Value::str(&self.normalized)),
            ("Major".into(), Value::str(&self.major)),
            ("Minor".into(), Value::str(&self.minor)),
        ]
    }
    fn to_json_value(&self) -> Option<Value> {
        Some(fields_map(self.json_fields()?))
    }
    fn json_fields(&self) -> Option<Vec<(String, Value)>> {
        Some(vec![
            ("Version".into(), Value::str(&self.version)),
            ("Major".into(), Value::str(&self.major)),
            ("Minor".into(), Value::str(&self.minor)),
        ])
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// `.Capabilities.APIVersions` (Helm's `VersionSet`, a `[]string` with `Has`).
#[derive(Debug, Clone, PartialEq)]
pub struct VersionSet(pub Vec<String>);

impl VersionSet {
    fn list(&self) -> Value {
        Value::List(
            Arc::new(self.0.iter().map(|s| Value::str(s)).collect()),
            ListType::Named("common.VersionSet"),
        )
    }
}

impl Object for VersionSet {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed("common.VersionSet")
    }
    fn kind(&self) -> Kind {
        Kind::Slice
    }
    fn method(&self, name: &str) -> Option<MethodSig> {
        (name == "Has").then_some(MethodSig {
            params: &[Ty::String],
            variadic: None,
        })
    }
    fn call_method(&self, _name: &str, args: &[Value]) -> Result<Value, String> {
        let want = args.first().and_then(Value::as_str).unwrap_or("");
        Ok(Value::Bool(self.0.iter().any(|v| v == want)))
    }
    fn is_true(&self) -> bool {
        !self.0.is_empty()
    }
    fn len(&self) -> Option<usize> {
        Some(self.0.len())
    }
    fn underlying(&self) -> Option<Value> {
        Some(self.list())
    }
    fn to_json_value(&self) -> Option<Value> {
        Some(Value::list(self.0.iter().map(|s| Value::str(s)).collect()))
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// `.Capabilities.HelmVersion` (Helm's `version.BuildInfo`).
#[derive(Debug, Clone, PartialEq)]
pub struct HelmVersion {
    pub version: String,
    pub git_commit: String,
    pub git_tree_state: String,
    pub go_version: String,
    pub kube_client_version: String,
}

impl Default for HelmVersion {
    fn default() -> Self {
        HelmVersion {
            version: "v4.2".into(),
            git_commit: String::new(),
            git_tree_state: String::new(),
            go_version: "go1.26.6".into(),
            kube_client_version: "v1.36".into(),
        }
    }
}

impl Object for HelmVersion {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed("version.BuildInfo")
    }
    fn kind(&self) -> Kind {
        Kind::Struct
    }
    fn field(&self, name: &str) -> Field {
        match name {
            "Version" => Field::Value(Value::str(&self.version)),
            "GitCommit" => Field::Value(Value::str(&self.git_commit)),
            "GitTreeState" => Field::Value(Value::str(&self.git_tree_state)),
            "GoVersion" => Field::Value(Value::str(&self.go_version)),
            "KubeClientVersion" => Field::Value(Value::str(&self.kube_client_version)),
            _ => Field::NoField,
        }
    }
    fn fields(&self) -> Vec<(Cow<'static, str>, Value)> {
        vec![
            ("Version".into(), Value::str(&self.version)),
            ("GitCommit".into(), Value::str(&self.git_commit)),
            ("GitTreeState".into(), Value::str(&self.git_tree_state)),
            ("GoVersion".into(), Value::str(&self.go_version)),
            (
                "KubeClientVersion".into(),
                Value::str(&self.kube_client_version),
            ),
        ]
    }
    fn to_json_value(&self) -> Option<Value> {
        Some(fields_map(self.json_fields()?))
    }
    fn json_fields(&self) -> Option<Vec<(String, Value)>> {
        let mut f = vec![("version".to_string(), Value::str(&self.version))];
        for (k, v) in [
            ("git_commit", &self.git_commit),
            ("git_tree_state", &self.git_tree_state),
            ("go_version", &self.go_version),
        ] {
            if !v.is_empty() {
                f.push((k.to_string(), Value::str(v)));
            }
        }
        f.push((
            "kube_client_version".into(),
            Value::str(&self.kube_client_version),
        ));
        Some(f)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// `.Capabilities` (a `*common.Capabilities`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Capabilities {
    pub kube_version: KubeVersion,
    pub api_versions: VersionSet,
    pub helm_version: HelmVersion,
}

impl Default for VersionSet {
    fn default() -> Self {
        VersionSet(DEFAULT_API_VERSIONS.iter().map(|s| s.to_string()).collect())
    }
}

impl Capabilities {
    /// Helm's capabilities for `--kube-version` and `--api-versions`: extra API
    /// versions are appended to the defaults, as `helm template` does.
    pub fn new(
        kube_version: Option<&str>,
        extra_api_versions: &[String],
    ) -> Result<Capabilities, String> {
        let mut caps = Capabilities::default();
        if let Some(v) = kube_version {
            caps.kube_version = KubeVersion::parse(v)?;
        }
        caps.api_versions
            .0
            .extend(extra_api_versions.iter().cloned());
        Ok(caps)
    }
}

impl Object for Capabilities {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed("*common.Capabilities")
    }
    fn field(&self, name: &str) -> Field {
        match name {
            "KubeVersion" => Field::Value(Value::Object(Arc::new(self.kube_version.clone()))),
            "APIVersions" => Field::Value(Value::Object(Arc::new(self.api_versions.clone()))),
            "HelmVersion" => Field::Value(Value::Object(Arc::new(self.helm_version.clone()))),
            _ => Field::NoField,
        }
    }
    fn method(&self, name: &str) -> Option<MethodSig> {
        (name == "Copy").then_some(MethodSig {
            params: &[],
            variadic: None,
        })
    }
    fn call_method(&self, _name: &str, _args: &[Value]) -> Result<Value, String> {
        Ok(Value::Object(Arc::new(self.clone())))
    }
    fn fields(&self) -> Vec<(Cow<'static, str>, Value)> {
        vec![
            (
                "KubeVersion".into(),
                Value::Object(Arc::new(self.kube_version.clone())),
            ),
            (
                "APIVersions".into(),
                Value::Object(Arc::new(self.api_versions.clone())),
            ),
            (
                "HelmVersion".into(),
                Value::Object(Arc::new(self.helm_version.clone())),
            ),
        ]
    }
    fn to_json_value(&self) -> Option<Value> {
        let mut m = Map::new();
        m.insert("KubeVersion".into(), self.kube_version.to_json_value()?);
        m.insert("APIVersions".into(), self.api_versions.to_json_value()?);
        m.insert("HelmVersion".into(), self.helm_version.to_json_value()?);
        Some(Value::map(m))
    }
    fn json_fields(&self) -> Option<Vec<(String, Value)>> {
        Some(vec![
            (
                "KubeVersion".into(),
                Value::Object(Arc::new(self.kube_version.clone())),
            ),
            (
                "APIVersions".into(),
                Value::Object(Arc::new(self.api_versions.clone())),
            ),
            (
                "HelmVersion".into(),
                Value::Object(Arc::new(self.helm_version.clone())),
            ),
        ])
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
