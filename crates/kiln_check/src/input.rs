//! What checks see: every rendered Application of every cluster, with its objects, the
//! values it was rendered with and where each piece came from, so that a finding can
//! point at the values key or template line that caused it.

use std::sync::Arc;

use kiln_encoding::{PathSeg, SpanIndex};
use kiln_gotmpl::{SourceMap, Value};
use kiln_helm::chart::Chart;

use crate::diagnostic::{ObjectRef, Span};

/// Where a rendered document came from, to map its fields back to template lines.
#[derive(Clone, Debug)]
pub struct Origin {
    /// Positions of the keys and values in the document's text.
    pub doc_spans: Arc<SpanIndex>,
    /// Byte offset of the document's first character in its template's output.
    pub doc_offset: usize,
    /// Byte offsets of the starts of the document's lines, relative to `doc_offset`.
    pub line_starts: Arc<Vec<usize>>,
    /// The template output's source map.
    pub map: Arc<SourceMap>,
    /// Repository-relative directory of the chart (`.` at the root): template names
    /// start with the chart name, the files live in this directory. Empty when the map's
    /// file names are repository-relative paths already (directory sources).
    pub chart_dir: String,
}

/// A rendered Kubernetes object.
#[derive(Clone, Debug)]
pub struct Object {
    /// The object.
    pub value: Value,
    pub api_version: String,
    pub kind: String,
    pub name: String,
    /// `metadata.namespace`, else the Application's destination namespace for
    /// namespaced kinds.
    pub namespace: Option<String>,
    /// The template it came from (`chart/templates/x.yaml`), or the repo-relative file of
    /// a directory source.
    pub source: String,
    /// Where it came from, when known.
    pub origin: Option<Origin>,
}

impl Object {
    /// The object's identity for diagnostics.
    pub fn object_ref(&self) -> ObjectRef {
        ObjectRef {
            api_version: self.api_version.clone(),
            kind: self.kind.clone(),
            namespace: self.namespace.clone(),
            name: self.name.clone(),
        }
    }

    /// The field at `path` of the object (`["spec", "replicas"]`, list indexes as
    /// numbers in strings are not used: pass [`PathSeg::Index`]).
    pub fn get(&self, path: &[PathSeg<'_>]) -> Option<Value> {
        let mut cur = self.value.clone();
        for seg in path {
            cur = match seg {
                PathSeg::Key(k) => cur.as_map_ref()?.get(k)?,
                PathSeg::Index(i) => cur.as_list()?.get(*i)?.clone(),
            };
        }
        Some(cur)
    }

    /// The template line (repository-relative file) that produced the field at `path`, or
    /// the nearest enclosing field that has a position; the object's first line for an
    /// empty path.
    pub fn span_of(&self, path: &[PathSeg<'_>]) -> Option<Span> {
        let origin = self.origin.as_ref()?;
        let mut n = path.len();
        let entry = loop {
            if let Some(e) = origin.doc_spans.get(&path[..n]) {
                break Some(e);
            }
            if n == 0 {
                break None;
            }
            n -= 1;
        };
        let pos = match entry {
            Some(e) => e.key.unwrap_or(e.value),
            None => kiln_encoding::Position { line: 1, column: 1 },
        };
        let line_start = *origin.line_starts.get(pos.line.saturating_sub(1))?;
        let out_offset = origin.doc_offset + line_start + pos.column.saturating_sub(1);
        let (file, loc) = origin.map.locate(out_offset)?;
        // `chart/templates/x.yaml` → `<chart_dir>/templates/x.yaml`.
        let rel = file.split_once('/').map_or(file.as_str(), |(_, r)| r);
        let path = match origin.chart_dir.as_str() {
            "" => file,
            "." => rel.to_string(),
            dir => format!("{dir}/{rel}"),
        };
        Some(Span::new(path, loc.line, loc.col + 1))
    }
}

/// A values file that contributed to an Application's values, with key positions.
#[derive(Clone, Debug)]
pub struct ValueFile {
    /// Repository-relative path.
    pub path: String,
    /// Positions of its keys.
    pub spans: Arc<SpanIndex>,
    /// Its text (to read comments such as `# kiln:ignore CODE reason`).
    pub text: Arc<str>,
}

/// One rendered (or, for charts no cluster deploys, default-rendered) Application.
#[derive(Clone, Debug)]
pub struct App {
    /// Cluster name; `None` for a chart checked on its own with its default values.
    pub cluster: Option<String>,
    /// Application name (the chart directory for charts checked on their own).
    pub name: String,
    /// Repository-relative chart directory, for Helm sources.
    pub chart_dir: Option<String>,
    /// The loaded chart (README, values.yaml, files).
    pub chart: Option<Arc<Chart>>,
    /// The values the chart was rendered with (coalesced).
    pub values: Option<Value>,
    /// Value files from lowest to highest precedence (the chart's `values.yaml` first).
    pub value_files: Vec<ValueFile>,
    /// The rendered objects, in manifest order.
    pub objects: Vec<Object>,
    /// Whether some cluster deploys it.
    pub deployed: bool,
    /// The cluster's Kubernetes version (`1.31.0`), which selects the schemas.
    pub kube_version: Option<String>,
    /// The user-supplied values (value files, `valuesObject`, parameters) the chart was
    /// rendered with, before coalescing with its defaults: what [`CheckInput::rerender`]
    /// starts from.
    pub user_values: Option<Value>,
}

impl App {
    /// Where the values key at `path` (dotted, e.g. `resources.limits.memory`) was set:
    /// the highest-precedence value file that sets it, else `None` (it came from a
    /// `valuesObject` or a default not written anywhere).
    pub fn value_span(&self, path: &str) -> Option<Span> {
        let segs: Vec<PathSeg<'_>> = path.split('.').map(PathSeg::Key).collect();
        for vf in self.value_files.iter().rev() {
            if let Some(e) = vf.spans.get(&segs) {
                let p = e.key.unwrap_or(e.value);
                return Some(Span::new(vf.path.clone(), p.line, p.column));
            }
        }
        None
    }

    /// The value at the dotted `path` of the effective values.
    pub fn value(&self, path: &str) -> Option<Value> {
        let mut cur = self.values.clone()?;
        for k in path.split('.') {
            cur = cur.as_map_ref()?.get(k)?;
        }
        Some(cur)
    }
}

/// Thresholds of the rules, configurable in `kiln.toml` (`[checks.settings]`).
#[derive(Clone, Debug, PartialEq)]
pub struct RuleSettings {
    /// Minimum memory request of an inference (model-serving) container, in bytes
    /// (the checklist's "4Gi minimum for small models").
    pub min_inference_memory_bytes: u64,
    /// Minimum liveness `initialDelaySeconds` of a model-loading container without a
    /// startupProbe.
    pub min_model_load_delay_seconds: u64,
    /// Maximum Gatus `[RESPONSE_TIME]` threshold considered realistic, in milliseconds
    /// (informational bound for AI endpoints).
    pub max_response_time_ms: u64,
}

impl Default for RuleSettings {
    fn default() -> Self {
        RuleSettings {
            min_inference_memory_bytes: 4 * 1024 * 1024 * 1024,
            min_model_load_delay_seconds: 60,
            max_response_time_ms: 30_000,
        }
    }
}

/// Renders an Application's chart again with extra values merged over its user values
/// (e.g. `gpu.enabled: false` to check the CPU fallback); returns the objects or Helm's
/// error.
pub type Rerender = dyn Fn(&App, &kiln_gotmpl::Map) -> Result<Vec<Object>, String> + Send + Sync;

/// Everything a check run looks at.
#[derive(Clone, Default)]
pub struct CheckInput {
    /// Applications of every cluster, then charts no cluster deploys.
    pub apps: Vec<App>,
    /// Rule thresholds.
    pub settings: RuleSettings,
    /// Renders an app's chart with other values, when the caller can.
    pub rerender: Option<Arc<Rerender>>,
}

impl std::fmt::Debug for CheckInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckInput")
            .field("apps", &self.apps)
            .field("settings", &self.settings)
            .field("rerender", &self.rerender.is_some())
            .finish()
    }
}
