//! The chart model: what Helm's `pkg/chart/v2.Chart` holds after loading.

use std::sync::Arc;

use kiln_gotmpl::{ListType, Map, MapType, Str, Value};

/// A file of a chart: its path relative to the chart root (`templates/x.yaml`,
/// `files/a.conf`) and its bytes (UTF-8 BOM already removed, as Helm does).
#[derive(Clone, Debug)]
pub struct File {
    pub name: String,
    pub data: Arc<[u8]>,
}

impl File {
    /// The content as text (invalid UTF-8 replaced, as a Go string conversion would keep
    /// the bytes; charts are text in practice).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }
}

/// A dependency declared in `Chart.yaml` (Helm's `chart.Dependency`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dependency {
    pub name: String,
    pub version: String,
    pub repository: String,
    pub condition: String,
    pub tags: Vec<String>,
    pub enabled: bool,
    /// `import-values` entries: strings or `{child, parent}` maps.
    pub import_values: Vec<Value>,
    pub alias: String,
}

/// A maintainer entry of `Chart.yaml`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Maintainer {
    pub name: String,
    pub email: String,
    pub url: String,
}

/// `Chart.yaml` (Helm's `chart.Metadata`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metadata {
    pub name: String,
    pub home: String,
    pub sources: Vec<String>,
    pub version: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub maintainers: Vec<Maintainer>,
    pub icon: String,
    pub api_version: String,
    pub condition: String,
    pub tags: String,
    pub app_version: String,
    pub deprecated: bool,
    /// `None` when absent (Go's nil map: prints `map[]`, encodes as `null`).
    pub annotations: Option<Vec<(String, String)>>,
    pub kube_version: String,
    pub dependencies: Vec<Dependency>,
    pub chart_type: String,
}

impl Metadata {
    /// `.Chart` as templates see it: Helm 4's `structToMap` of the metadata (Go field
    /// names as keys, nested structs as maps, slices as `[]interface {}`), plus `IsRoot`.
    pub fn to_template_value(&self, is_root: bool) -> Value {
        let s = |v: &str| Value::str(v);
        let strings = |v: &[String]| Value::list(v.iter().map(|x| Value::str(x)).collect());
        let mut m = Map::new();
        m.insert("Name".into(), s(&self.name));
        m.insert("Home".into(), s(&self.home));
        m.insert("Sources".into(), strings(&self.sources));
        m.insert("Version".into(), s(&self.version));
        m.insert("Description".into(), s(&self.description));
        m.insert("Keywords".into(), strings(&self.keywords));
        m.insert(
            "Maintainers".into(),
            Value::list(
                self.maintainers
                    .iter()
                    .map(|mt| {
                        let mut mm = Map::new();
                        mm.insert("Name".into(), s(&mt.name));
                        mm.insert("Email".into(), s(&mt.email));
                        mm.insert("URL".into(), s(&mt.url));
                        Value::map(mm)
                    })
                    .collect(),
            ),
        );
        m.insert("Icon".into(), s(&self.icon));
        m.insert("APIVersion".into(), s(&self.api_version));
        m.insert("Condition".into(), s(&self.condition));
        m.insert("Tags".into(), s(&self.tags));
        m.insert("AppVersion".into(), s(&self.app_version));
        m.insert("Deprecated".into(), Value::Bool(self.deprecated));
        m.insert(
            "Annotations".into(),
            match &self.annotations {
                Some(a) => Value::Map(
                    a.iter()
                        .map(|(k, v)| (Str::from(k.as_str()), Value::str(v)))
                        .collect::<Map>()
                        .into(),
                    MapType::String,
                ),
                None => crate::values::nil_string_map(),
            },
        );
        m.insert("KubeVersion".into(), s(&self.kube_version));
        m.insert(
            "Dependencies".into(),
            Value::list(self.dependencies.iter().map(dependency_value).collect()),
        );
        m.insert("Type".into(), s(&self.chart_type));
        m.insert("IsRoot".into(), Value::Bool(is_root));
        Value::map(m)
    }
}

fn dependency_value(d: &Dependency) -> Value {
    let mut m = Map::new();
    m.insert("Name".into(), Value::str(&d.name));
    m.insert("Version".into(), Value::str(&d.version));
    m.insert("Repository".into(), Value::str(&d.repository));
    m.insert("Condition".into(), Value::str(&d.condition));
    m.insert(
        "Tags".into(),
        Value::List(
            Arc::new(d.tags.iter().map(|t| Value::str(t)).collect()),
            ListType::Any,
        ),
    );
    m.insert("Enabled".into(), Value::Bool(d.enabled));
    m.insert("ImportValues".into(), Value::list(d.import_values.clone()));
    m.insert("Alias".into(), Value::str(&d.alias));
    Value::map(m)
}

/// A loaded chart (Helm's `chart.Chart`). Immutable once loaded: rendering derives the
/// per-release view (enabled dependencies, aliases, imported values) without changing it,
/// so one loaded chart serves every cluster and release.
#[derive(Clone, Debug, Default)]
pub struct Chart {
    pub metadata: Metadata,
    /// `values.yaml` (all documents merged), numbers as float64.
    pub values: Map,
    /// `values.schema.json`, if present.
    pub schema: Option<Arc<[u8]>>,
    /// Files under `templates/`, in load order.
    pub templates: Vec<File>,
    /// Every other file (what `.Files` sees), in load order; `crds/` included.
    pub files: Vec<File>,
    /// Subcharts found under `charts/`, sorted by directory or archive name.
    pub dependencies: Vec<Arc<Chart>>,
    /// The chart's templates (with its subcharts'), parsed once and shared by every
    /// render of this chart (see [`crate::engine`]).
    pub(crate) parsed: crate::engine::ParseCache,
    /// `schema` compiled on first use (see [`crate::schema`]).
    pub(crate) schema_cache: crate::schema::SchemaCache,
}

impl Chart {
    /// The chart's name.
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    /// True for `type: library`.
    pub fn is_library(&self) -> bool {
        self.metadata.chart_type.eq_ignore_ascii_case("library")
    }
}
