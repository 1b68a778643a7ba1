//! Schema validation of every rendered object, strict like kubeconform's `-strict`:
//! unknown fields are errors.
//!
//! * Built-in kinds validate against the Kubernetes JSON Schemas vendored per minor in
//!   `schemas/k8s/v1.<minor>/` (PyPI `kubernetes-validate`, `-strict` variant, regenerated
//!   by `scripts/update-schemas.sh`); the cluster's Kubernetes version picks the newest
//!   vendored minor that is not newer ([`catalog::pick_minor`]).
//! * Custom resources validate against CRD schemas converted by [`crd`]: from the
//!   `CustomResourceDefinition` objects of the checked input (charts' `crds/` and
//!   templates), which override the ones vendored in `schemas/crds/` for the same GVK.
//! * A kind with no schema is reported (`SCH003`, a warning), never silently passed.
//!
//! Codes: [`SCH001`] schema violation, [`SCH002`] unknown field, [`SCH003`] no schema
//! for a kind, [`SCH004`] `values.schema.json` failure (reported by the caller from
//! Helm's render error, see [`values_schema_diagnostics`]).
//!
//! Schemas are parsed and compiled once per (GVK, minor, schema) and cached for the
//! whole process; the registry of `_definitions.json` is prepared once per minor.

pub mod catalog;
pub mod crd;
pub mod validate;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use kiln_encoding::PathSeg;
use serde_json::Value;

use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::input::{App, CheckInput, Object};
use crate::rule::{Rule, RuleInfo};

pub use catalog::{parse_kube_minor, pick_minor, Catalog, Gvk, Scope};
pub use crd::{convert_crd, convert_schema, ConvertedCrd, CrdError};
pub use validate::{format_path, Compiled, SchemaOrigin, Seg, Violation};

use validate::{base_of, schema_hash, Cache};

/// `SCH001`: the object does not match its schema.
pub const SCH001: RuleInfo = RuleInfo {
    code: "SCH001",
    name: "schema-violation",
    default_severity: Severity::Error,
    summary: "A rendered object does not match the Kubernetes or CRD schema of its kind",
    docs: "\
## What it does
Validates every rendered object against the JSON Schema of its `apiVersion` and `kind`:
the Kubernetes schemas of the cluster's version (vendored from `kubernetes-validate`,
the newest vendored minor not newer than the cluster's), or the schema converted from
the kind's CustomResourceDefinition (found in the repository, else vendored with kiln).
It reports wrong types, values outside an `enum`, missing required fields, patterns and
bounds. Unknown fields have their own code, `SCH002`.

## Why does it matter?
The API server rejects such an object, so the sync fails in Argo CD, often long after
the change was merged, and typically for one cluster only. Catching it in pre-commit or
CI points at the template line (or values key) that produced the field.

## How to fix it
Read the message: it names the field path and what the schema expects. Fix the value
in the values file or the template that renders it. A number that must be a string
(an env var `value`, an annotation) needs quoting: `{{ .Values.port | quote }}`.

## Example
```yaml
spec:
  replicas: \"2\"          # SCH001: `spec.replicas`: expected integer, got string \"2\"
  template:
    spec:
      containers:
        - name: app
          env:
            - name: PORT
              value: 8080  # SCH001: expected string, got integer 8080
```
",
};

/// `SCH002`: a field the schema does not know.
pub const SCH002: RuleInfo = RuleInfo {
    code: "SCH002",
    name: "unknown-field",
    default_severity: Severity::Error,
    summary: "A rendered object has a field its schema does not define (strict validation)",
    docs: "\
## What it does
Reports fields that the kind's schema does not define, as kubeconform's `-strict` and
`kubectl apply --validate=strict` do: Kubernetes schemas are closed
(`additionalProperties: false`), and CRD schemas are closed wherever they list
`properties`, except under `x-kubernetes-preserve-unknown-fields: true`. When a known
field is close to the unknown one, the help line suggests it.

## Why does it matter?
An unknown field is almost always a typo or a field at the wrong indentation. Depending
on the server's field validation it is rejected, or silently dropped, which is worse:
`imagePullPolicy` misspelt as `imagePulPolicy`, or `resources` indented under `env`,
deploy without the setting and without an error.

## How to fix it
Correct the name or the indentation in the template (the span points at the line that
produced the field). If the field is real but newer than the schema (a newer
Kubernetes or CRD version), set the cluster's `kube-version` in `kiln.toml`, or add
the newer CRD to the repository. To accept unknown fields in some paths only, re-level
or disable `SCH002` for them in `kiln.toml`.

## Example
```yaml
spec:
  template:
    spec:
      containers:
        - name: app
          imagePulPolicy: Always   # SCH002: unknown field; did you mean `imagePullPolicy`?
```
",
};

/// `SCH003`: a kind with no schema.
pub const SCH003: RuleInfo = RuleInfo {
    code: "SCH003",
    name: "unvalidated-kind",
    default_severity: Severity::Warning,
    summary: "No schema is known for a rendered object's kind, so it was not validated",
    docs: "\
## What it does
Reports objects whose `apiVersion`/`kind` has no schema: not a Kubernetes kind of the
cluster's version, no CustomResourceDefinition for it in the repository, and none
vendored with kiln (`schemas/crds/`). Such objects are not validated at all. It also
reports a CRD schema that could not be compiled.

## Why does it matter?
An unvalidated object can carry any typo into the cluster. It may also be a kind the
cluster does not serve (an API removed in its Kubernetes version, a CRD that is not
installed), which fails the sync.

## How to fix it
- Add the kind's CustomResourceDefinition to the repository (a chart's `crds/`
  directory is read even when Helm does not render it): kiln converts it and validates
  the kind's objects against it.
- For a built-in kind, check the `apiVersion`: an API removed in the cluster's
  Kubernetes version (e.g. `policy/v1beta1`) has no schema there.
- If the kind is known to be fine without a schema, re-level `SCH003` to `info` or
  disable it for the path in `kiln.toml` (`--strict-kinds` callers make it an error).

## Example
```yaml
apiVersion: route.openshift.io/v1   # SCH003 unless the Route CRD is in the repository
kind: Route
```
",
};

/// `SCH004`: values rejected by the chart's `values.schema.json`.
pub const SCH004: RuleInfo = RuleInfo {
    code: "SCH004",
    name: "values-schema",
    default_severity: Severity::Error,
    summary: "The values of an Application do not match its chart's values.schema.json",
    docs: "\
## What it does
Reports the failures of a chart's `values.schema.json` (and its subcharts'), which Helm
checks before rendering: with the messages Helm prints (`at '/replicas': got string,
want integer`), one finding per failing key, pointing at the values file line that set
the key when kiln knows it.

## Why does it matter?
Helm refuses to render such a chart, so Argo CD cannot sync the Application: nothing of
it is deployed, or the previous version stays. kiln reports the failure instead of a
render error, per key.

## How to fix it
Change the value in the values file (or the Application's `valuesObject` / `parameters`)
to what the schema wants, or fix the schema if it is wrong.

## Example
```yaml
# values.schema.json: {\"properties\": {\"replicas\": {\"type\": \"integer\"}}}
replicas: \"2\"   # SCH004: at '/replicas': got string, want integer
```
",
};

/// The codes of [`SchemaRules`], in order.
pub static INFOS: [RuleInfo; 4] = [SCH001, SCH002, SCH003, SCH004];

/// A CRD schema of the checked input, converted.
#[derive(Clone, Debug)]
struct InputCrd {
    schema: Arc<Value>,
    hash: u64,
    /// Where the CRD was found (`charts/x/crds/y.yaml` or the template).
    source: String,
}

/// Schema validation of rendered objects (codes `SCH001`–`SCH004`).
///
/// ```ignore
/// let rules = SchemaRules::new().with_default_minor(Some(31));
/// let diags = rules.validate_object(&object, Some(31));
/// ```
pub struct SchemaRules {
    /// Kubernetes minor for apps that do not say (`None`: the newest vendored).
    default_minor: Option<u32>,
    catalog: &'static Catalog,
    /// CRDs added with [`SchemaRules::add_crd`] / [`SchemaRules::add_crds_from`].
    crds: BTreeMap<Gvk, InputCrd>,
    /// Compiled schemas of input CRDs (built-ins and vendored CRDs use the process-wide
    /// cache); shared by the copies [`Rule::check`] makes.
    local: Arc<Cache>,
}

impl Default for SchemaRules {
    fn default() -> Self {
        SchemaRules::new()
    }
}

impl SchemaRules {
    /// Rules over the embedded schemas; apps without a Kubernetes version use the
    /// newest vendored minor.
    pub fn new() -> SchemaRules {
        SchemaRules {
            default_minor: None,
            catalog: Catalog::embedded(),
            crds: BTreeMap::new(),
            local: Arc::new(Cache::default()),
        }
    }

    /// Sets the Kubernetes minor used for apps whose `kube_version` is unset.
    pub fn with_default_minor(mut self, minor: Option<u32>) -> SchemaRules {
        self.default_minor = minor;
        self
    }

    /// The embedded catalog.
    pub fn catalog(&self) -> &'static Catalog {
        self.catalog
    }

    /// Adds the versions of a CustomResourceDefinition (JSON), overriding vendored
    /// schemas of the same GVK; a GVK added before keeps its first schema. Returns the
    /// GVKs added.
    pub fn add_crd(&mut self, crd: &Value, source: &str) -> Result<Vec<Gvk>, CrdError> {
        let converted = crd::convert_crd(crd)?;
        let mut added = Vec::new();
        for c in converted {
            if self.crds.contains_key(&c.gvk) {
                continue;
            }
            added.push(c.gvk.clone());
            self.crds.insert(
                c.gvk,
                InputCrd {
                    hash: schema_hash(&c.schema),
                    schema: Arc::new(c.schema),
                    source: source.to_string(),
                },
            );
        }
        Ok(added)
    }

    /// Adds every CustomResourceDefinition object of the input (in app and manifest
    /// order, so the first definition of a GVK wins). A CRD that cannot be converted
    /// gives an `SCH001` finding on it.
    pub fn add_crds_from(&mut self, input: &CheckInput) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for app in &input.apps {
            for obj in &app.objects {
                if obj.kind != "CustomResourceDefinition"
                    || !obj.api_version.starts_with("apiextensions.k8s.io/")
                {
                    continue;
                }
                let Ok(json) = validate::to_json(&obj.value) else {
                    continue;
                };
                let source = obj
                    .span_of(&[])
                    .map(|s| s.file)
                    .unwrap_or_else(|| obj.source.clone());
                if let Err(e) = self.add_crd(&json, &source) {
                    out.push(
                        diag(app, obj, &SCH001, e.to_string(), obj.span_of(&[]))
                            .with_help("fix the CustomResourceDefinition: its custom resources cannot be validated"),
                    );
                }
            }
        }
        out
    }

    /// The schema for `gvk` at Kubernetes `minor` (a built-in kind, else a CRD of the
    /// input, else a vendored CRD: the API server refuses CRDs for built-in kinds),
    /// compiled and cached. `Ok(None)` when there is none;
    /// `Err` when the schema does not compile.
    pub fn schema_for(&self, gvk: &Gvk, minor: u32) -> Result<Option<Arc<Compiled>>, String> {
        let catalog = self.catalog;
        if let Some(set) = catalog.minor_set(minor) {
            if let Some(k) = set.kind(gvk) {
                let key = (minor, gvk.clone(), None);
                return Cache::global()
                    .get_or_compile(key, || {
                        let doc: Value =
                            serde_json::from_str(k.json).map_err(|e| format!("{}: {e}", k.file))?;
                        let base = base_of(&doc, &format!("https://kubernetes.io/api/{}", k.file));
                        validate::compile(
                            catalog,
                            minor,
                            Arc::new(doc),
                            base,
                            SchemaOrigin::Builtin {
                                minor,
                                file: k.file.to_string(),
                            },
                        )
                    })
                    .map(Some);
            }
        }
        if let Some(c) = self.crds.get(gvk) {
            let key = (minor, gvk.clone(), Some(c.hash));
            let base = crd_base(gvk);
            return self
                .local
                .get_or_compile(key, || {
                    validate::compile(
                        catalog,
                        minor,
                        c.schema.clone(),
                        base,
                        SchemaOrigin::InputCrd {
                            source: c.source.clone(),
                        },
                    )
                })
                .map(Some);
        }
        if let Some((file, json)) = catalog.vendored_crd(gvk) {
            let key = (minor, gvk.clone(), None);
            return Cache::global()
                .get_or_compile(key, || {
                    let doc: Value =
                        serde_json::from_str(json).map_err(|e| format!("{file}: {e}"))?;
                    validate::compile(
                        catalog,
                        minor,
                        Arc::new(doc),
                        crd_base(gvk),
                        SchemaOrigin::VendoredCrd {
                            file: format!("schemas/{file}"),
                        },
                    )
                })
                .map(Some);
        }
        Ok(None)
    }

    /// Validates a JSON object of kind `gvk` against the schemas of Kubernetes
    /// `kube_minor` (`None`: the default minor). `Ok(None)` when no schema is known;
    /// `Err` when the schema does not compile.
    pub fn validate_json(
        &self,
        value: &Value,
        gvk: &Gvk,
        kube_minor: Option<u32>,
    ) -> Result<Option<Vec<Violation>>, String> {
        let Some(minor) = self.catalog.pick_minor(kube_minor.or(self.default_minor)) else {
            return Ok(None);
        };
        match self.schema_for(gvk, minor)? {
            Some(c) => Ok(Some(c.validate(value))),
            None => Ok(None),
        }
    }

    /// Validates one object for a cluster of Kubernetes `kube_minor` (`None`: the
    /// default minor, else the newest vendored). Findings carry the object, and spans
    /// from [`Object::span_of`] of the field concerned; cluster and app are left unset.
    pub fn validate_object(&self, obj: &Object, kube_minor: Option<u32>) -> Vec<Diagnostic> {
        self.object_findings(None, obj, kube_minor)
    }

    fn object_findings(
        &self,
        app: Option<&App>,
        obj: &Object,
        kube_minor: Option<u32>,
    ) -> Vec<Diagnostic> {
        let mk = |info: &RuleInfo, msg: String, span: Option<Span>| {
            let mut d = Diagnostic::new(info.code, info.default_severity, msg)
                .with_span(span)
                .with_object(obj.object_ref());
            if let Some(app) = app {
                d.cluster = app.cluster.clone();
                d.app = Some(app.name.clone());
            }
            d
        };
        if obj.api_version.is_empty() || obj.kind.is_empty() {
            let missing = if obj.api_version.is_empty() {
                "apiVersion"
            } else {
                "kind"
            };
            return vec![mk(
                &SCH001,
                format!("the object has no `{missing}`"),
                obj.span_of(&[]),
            )
            .with_help("every Kubernetes object needs `apiVersion` and `kind`")];
        }
        let gvk = Gvk::from_api_version(&obj.api_version, &obj.kind);
        let minor = self.catalog.pick_minor(kube_minor.or(self.default_minor));
        let compiled = match minor.map(|m| self.schema_for(&gvk, m)) {
            None | Some(Ok(None)) => {
                let k8s = minor.map_or_else(String::new, |m| format!("Kubernetes v1.{m}, "));
                return vec![mk(
                    &SCH003,
                    format!("no schema for `{gvk}` ({k8s}no CRD in the repository or in kiln's schemas/crds/): not validated"),
                    obj.span_of(&[PathSeg::Key("kind")]),
                )
                .with_help(
                    "add the kind's CustomResourceDefinition to the repository (e.g. a chart's crds/), or check the apiVersion",
                )];
            }
            Some(Err(e)) => {
                return vec![mk(
                    &SCH003,
                    format!("the schema of `{gvk}` does not compile, so it was not validated: {e}"),
                    obj.span_of(&[PathSeg::Key("kind")]),
                )];
            }
            Some(Ok(Some(c))) => c,
        };
        let Ok(json) = validate::to_json(&obj.value) else {
            return vec![mk(
                &SCH001,
                format!(
                    "the object nests deeper than {} levels; it was not validated",
                    validate::MAX_INSTANCE_DEPTH
                ),
                obj.span_of(&[]),
            )];
        };
        compiled
            .validate(&json)
            .into_iter()
            .map(|v| {
                let info = if v.code == "SCH002" { &SCH002 } else { &SCH001 };
                let segs: Vec<PathSeg<'_>> = v
                    .path
                    .iter()
                    .map(|s| match s {
                        Seg::Key(k) => PathSeg::Key(k.as_str()),
                        Seg::Index(i) => PathSeg::Index(*i),
                    })
                    .collect();
                let help = match v.help {
                    Some(h) => format!("{h} ({} of `{gvk}`)", compiled.origin),
                    None => format!("see the {} of `{gvk}`", compiled.origin),
                };
                mk(info, v.message, obj.span_of(&segs)).with_help(help)
            })
            .collect()
    }
}

impl SchemaRules {
    /// Compiles the schemas of `keys` on up to `available_parallelism` threads (custom
    /// kinds first: their schemas are the big ones). Failures are left in the caches and
    /// reported when an object needs the schema.
    fn precompile(&self, mut keys: Vec<(Gvk, u32)>) {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(keys.len())
            .min(8);
        if threads <= 1 {
            return;
        }
        keys.sort_by_key(|(g, _)| !g.group.contains('.') || g.group.ends_with(".k8s.io"));
        let next = AtomicUsize::new(0);
        let work = || loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some((g, m)) = keys.get(i) else {
                break;
            };
            let _ = self.schema_for(g, *m);
        };
        std::thread::scope(|s| {
            for _ in 0..threads {
                // If a thread cannot start, the others (or the validation pass) do its work.
                let _ = std::thread::Builder::new()
                    .name("kiln-schema-compile".into())
                    .spawn_scoped(s, work);
            }
        });
    }
}

/// The base URI of a converted CRD schema (used for its keyword locations).
fn crd_base(gvk: &Gvk) -> String {
    format!(
        "https://kubernetes.io/crds/{}/{}_{}.json",
        gvk.group,
        gvk.kind.to_lowercase(),
        gvk.version
    )
}

fn diag(app: &App, obj: &Object, info: &RuleInfo, msg: String, span: Option<Span>) -> Diagnostic {
    let mut d = Diagnostic::new(info.code, info.default_severity, msg)
        .with_span(span)
        .with_object(obj.object_ref());
    d.cluster = app.cluster.clone();
    d.app = Some(app.name.clone());
    d
}

impl Rule for SchemaRules {
    fn infos(&self) -> &'static [RuleInfo] {
        &INFOS
    }

    /// Adds the input's CRDs to a copy of these rules, then validates every object of
    /// every app with the app's Kubernetes version (else the default minor).
    fn check(&self, input: &CheckInput, out: &mut Vec<Diagnostic>) {
        let mut with_input = SchemaRules {
            default_minor: self.default_minor,
            catalog: self.catalog,
            crds: self.crds.clone(),
            local: self.local.clone(),
        };
        out.extend(with_input.add_crds_from(input));
        let minors: Vec<Option<u32>> = input
            .apps
            .iter()
            .map(|app| app.kube_version.as_deref().and_then(parse_kube_minor))
            .collect();
        // Compile every schema the input needs first, in parallel.
        let mut keys = BTreeSet::new();
        for (app, minor) in input.apps.iter().zip(&minors) {
            let Some(m) = self.catalog.pick_minor(minor.or(self.default_minor)) else {
                continue;
            };
            for obj in &app.objects {
                if !obj.kind.is_empty() && !obj.api_version.is_empty() {
                    keys.insert((Gvk::from_api_version(&obj.api_version, &obj.kind), m));
                }
            }
        }
        with_input.precompile(keys.into_iter().collect());
        validate::with_stack(|| {
            for (app, minor) in input.apps.iter().zip(&minors) {
                for obj in &app.objects {
                    out.extend(with_input.object_findings(Some(app), obj, *minor));
                }
            }
        });
    }
}

/// Turns Helm's `values.schema.json` failure (the text of its render error, e.g.
/// `values don't meet the specifications of the schema(s) in the following chart(s):\n
/// mychart:\n- at '/replicas': got string, want integer\n`) into one `SCH004` finding
/// per failing key, pointing at the values file line that set the key when the app
/// knows it ([`App::value_span`]). Text in another shape gives one finding with the
/// whole text.
pub fn values_schema_diagnostics(app: &App, helm_error: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut chart = String::new();
    for line in helm_error.lines() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("- at '") {
            let Some((ptr, msg)) = rest.split_once("': ") else {
                continue;
            };
            let key: Vec<String> = ptr
                .split('/')
                .filter(|s| !s.is_empty())
                .map(|s| s.replace("~1", "/").replace("~0", "~"))
                .collect();
            let dotted = key.join(".");
            // A subchart's keys sit under its name in the parent's values.
            let top = app.chart.as_ref().map(|c| c.name().to_string());
            let full = match (&top, chart.as_str()) {
                (Some(t), c) if !c.is_empty() && c != t && !dotted.is_empty() => {
                    format!("{c}.{dotted}")
                }
                _ => dotted.clone(),
            };
            let shown = if full.is_empty() {
                "(values)".to_string()
            } else {
                full.clone()
            };
            let span = if full.is_empty() {
                None
            } else {
                app.value_span(&full)
            };
            let mut d = Diagnostic::new(
                SCH004.code,
                SCH004.default_severity,
                format!("values `{shown}`: {msg}"),
            )
            .with_span(span)
            .with_help(format!(
                "the chart's values.schema.json rejects it{}",
                if chart.is_empty() {
                    String::new()
                } else {
                    format!(" (chart `{chart}`)")
                }
            ));
            d.cluster = app.cluster.clone();
            d.app = Some(app.name.clone());
            out.push(d);
        } else if let Some(name) = t.strip_suffix(':') {
            if !name.contains(' ') {
                chart = name.to_string();
            }
        }
    }
    if out.is_empty() {
        let mut d = Diagnostic::new(
            SCH004.code,
            SCH004.default_severity,
            helm_error
                .lines()
                .next()
                .unwrap_or("values do not match values.schema.json")
                .to_string(),
        )
        .with_help(helm_error.to_string());
        d.cluster = app.cluster.clone();
        d.app = Some(app.name.clone());
        out.push(d);
    }
    out
}
