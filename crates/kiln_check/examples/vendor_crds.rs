//! Regenerates `schemas/crds/` (converted CRD schemas, `SOURCES.md`) and
//! `schemas/scopes.json` from the CRD YAML of public charts in the Helm parity corpus
//! and from kiln's own CRD YAML (`schemas/crds-src/`), with kiln's own converter
//! (`kiln_check::schema::crd`).
//!
//! ```text
//! cargo run -p kiln_check --example vendor_crds -- ../shared/corpus schemas
//! ```
//!
//! The first argument is the corpus (`charts/...` and `SOURCES.tsv`, which gives each
//! chart's upstream repository, commit, path and licence); the second the `schemas/`
//! directory to write. The CRDs taken are listed in [`SOURCES`]. Template lines of
//! templated CRD files (`{{- if .Values.crds.install }}`, label includes) are dropped
//! before parsing; the CRD bodies themselves are not templated.
//!
//! [`AUTHORED`] lists the CRD files that kiln's authors wrote from public API reference
//! documentation, for APIs whose CRD YAML is not available offline (External Secrets,
//! OpenShift Route). A file may hold several CRDs, as YAML documents or as the items of
//! a `v1/List` (so that YAML anchors can be shared between them).
//!
//! The built-in part of `scopes.json` comes from the kinds of the embedded Kubernetes
//! schemas and [`CLUSTER_SCOPED`]; every other built-in kind is namespaced.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use kiln_check::schema::{convert_crd, Catalog, Gvk, Scope};
use serde_json::Value;

/// `(chart directory in the corpus, CRD file in the chart)`.
const SOURCES: &[(&str, &str)] = &[
    (
        "charts/argoproj/argo-cd",
        "templates/crds/crd-application.yaml",
    ),
    (
        "charts/argoproj/argo-cd",
        "templates/crds/crd-applicationset.yaml",
    ),
    (
        "charts/argoproj/argo-cd",
        "templates/crds/crd-appproject.yaml",
    ),
    (
        "charts/cert-manager/cert-manager",
        "templates/crd-cert-manager.io_certificates.yaml",
    ),
    (
        "charts/cert-manager/cert-manager",
        "templates/crd-cert-manager.io_certificaterequests.yaml",
    ),
    (
        "charts/cert-manager/cert-manager",
        "templates/crd-cert-manager.io_issuers.yaml",
    ),
    (
        "charts/cert-manager/cert-manager",
        "templates/crd-cert-manager.io_clusterissuers.yaml",
    ),
    (
        "charts/cert-manager/cert-manager",
        "templates/crd-acme.cert-manager.io_orders.yaml",
    ),
    (
        "charts/cert-manager/cert-manager",
        "templates/crd-acme.cert-manager.io_challenges.yaml",
    ),
    (
        "charts/prometheus-community/kube-prometheus-stack",
        "charts/crds/crds/crd-servicemonitors.yaml",
    ),
    (
        "charts/prometheus-community/kube-prometheus-stack",
        "charts/crds/crds/crd-podmonitors.yaml",
    ),
    (
        "charts/prometheus-community/kube-prometheus-stack",
        "charts/crds/crds/crd-prometheusrules.yaml",
    ),
    (
        "charts/prometheus-community/kube-prometheus-stack",
        "charts/crds/crds/crd-probes.yaml",
    ),
];

/// `(CRD file under the schemas directory, API reference it was written from)`: CRD
/// YAML authored by kiln from public documentation (see each file's header).
const AUTHORED: &[(&str, &str)] = &[
    (
        "crds-src/external-secrets.io.yaml",
        "https://external-secrets.io/latest/api/spec/",
    ),
    (
        "crds-src/route.openshift.io.yaml",
        "https://docs.redhat.com/en/documentation/openshift_container_platform/4.17/html/network_apis/route-route-openshift-io-v1",
    ),
];

/// Built-in kinds that are cluster-scoped (`kubectl api-resources --namespaced=false`).
const CLUSTER_SCOPED: &[&str] = &[
    "APIService",
    "CertificateSigningRequest",
    "ClusterCIDR",
    "ClusterRole",
    "ClusterRoleBinding",
    "ClusterTrustBundle",
    "ComponentStatus",
    "CSIDriver",
    "CSINode",
    "CustomResourceDefinition",
    "DeviceClass",
    "DeviceTaintRule",
    "FlowSchema",
    "IngressClass",
    "IPAddress",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
    "MutatingWebhookConfiguration",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PodSecurityPolicy",
    "PriorityClass",
    "PriorityLevelConfiguration",
    "ResourceSlice",
    "RuntimeClass",
    "SelfSubjectAccessReview",
    "SelfSubjectReview",
    "SelfSubjectRulesReview",
    "ServiceCIDR",
    "StorageClass",
    "StorageVersion",
    "StorageVersionMigration",
    "SubjectAccessReview",
    "TokenReview",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
    "VolumeAttachment",
    "VolumeAttributesClass",
];

/// Kinds of the schema sets that are not stored objects.
const NOT_OBJECTS: &[&str] = &[
    "APIGroup",
    "APIGroupList",
    "APIResourceList",
    "APIVersions",
    "DeleteOptions",
    "Status",
    "WatchEvent",
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (corpus, schemas) = match args.as_slice() {
        [c, s] => (Path::new(c).to_path_buf(), Path::new(s).to_path_buf()),
        _ => {
            eprintln!("usage: vendor_crds CORPUS_DIR SCHEMAS_DIR");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(&corpus, &schemas) {
        eprintln!("vendor_crds: {e}");
        std::process::exit(1);
    }
}

struct Row {
    repo: String,
    commit: String,
    path: String,
    license: String,
}

fn read_sources_tsv(corpus: &Path) -> Result<BTreeMap<String, Row>, String> {
    let text = fs::read_to_string(corpus.join("SOURCES.tsv"))
        .map_err(|e| format!("{}: {e}", corpus.join("SOURCES.tsv").display()))?;
    let mut out = BTreeMap::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() >= 5 && f[0] != "-" {
            out.insert(
                f[0].to_string(),
                Row {
                    repo: f[1].into(),
                    commit: f[2].into(),
                    path: f[3].into(),
                    license: f[4].into(),
                },
            );
        }
    }
    Ok(out)
}

/// Drops lines that are only template actions (`{{- if ... }}`, `{{- end }}`, includes).
fn untemplate(text: &str) -> String {
    text.lines()
        .filter(|l| {
            let t = l.trim();
            !(t.starts_with("{{") && t.ends_with("}}"))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The upstream URL of a CRD file when the file says where it was copied from.
fn upstream_note(text: &str) -> Option<String> {
    let first = text.lines().next()?.trim_start_matches('#').trim();
    let url = first
        .strip_prefix("Source:")
        .map(str::trim)
        .unwrap_or(first);
    url.starts_with("https://").then(|| url.to_string())
}

/// The CustomResourceDefinitions of a parsed YAML document: the document itself, or
/// the items of a `List`.
fn crds_of(doc: &Value) -> Vec<&Value> {
    if kiln_check::schema::crd::is_crd(doc) {
        return vec![doc];
    }
    if doc.get("kind").and_then(Value::as_str) == Some("List") {
        if let Some(items) = doc.get("items").and_then(Value::as_array) {
            return items
                .iter()
                .filter(|i| kiln_check::schema::crd::is_crd(i))
                .collect();
        }
    }
    Vec::new()
}

/// What the converted CRDs have produced so far: the schema files' directory, the
/// scopes, the `SOURCES.md` text and the bytes written.
struct Writer<'a> {
    out_dir: &'a Path,
    scopes: BTreeMap<String, &'static str>,
    md: String,
    total: usize,
}

impl Writer<'_> {
    /// Writes the converted schemas of every CRD in `text` (a YAML stream read from
    /// `src`) under `out_dir`, records their scopes, and adds one `SOURCES.md` row per
    /// schema with the given source, licence and note. Returns the number of CRDs found;
    /// none, or a GVK already written, is an error.
    fn add(
        &mut self,
        src: &Path,
        text: &str,
        source: &str,
        license: &str,
        note: &str,
    ) -> Result<usize, String> {
        let mut found = 0;
        for doc in kiln_encoding::parse_documents(text) {
            let doc = doc.map_err(|e| format!("{}: {}", src.display(), e.message))?;
            let Ok(json) = kiln_check::schema::validate::to_json(&doc.value) else {
                return Err(format!("{}: nests too deep", src.display()));
            };
            for crd in crds_of(&json) {
                found += 1;
                for c in convert_crd(crd).map_err(|e| format!("{}: {e}", src.display()))? {
                    let key = format!("{} {}", c.gvk.api_version(), c.gvk.kind);
                    if self.scopes.contains_key(&key) {
                        return Err(format!("{}: {key} is defined twice", src.display()));
                    }
                    let rel = format!(
                        "{}/{}_{}.json",
                        c.gvk.group,
                        c.gvk.kind.to_lowercase(),
                        c.gvk.version
                    );
                    let dest = self.out_dir.join(&rel);
                    fs::create_dir_all(dest.parent().expect("has parent"))
                        .map_err(|e| e.to_string())?;
                    let mut body =
                        serde_json::to_string_pretty(&c.schema).map_err(|e| e.to_string())?;
                    body.push('\n');
                    self.total += body.len();
                    fs::write(&dest, body).map_err(|e| e.to_string())?;
                    self.scopes.insert(key, c.scope.as_str());
                    let dep = match &c.deprecated {
                        Some(w) if !w.is_empty() => format!("deprecated: {w}"),
                        Some(_) => "deprecated".into(),
                        None if !c.served => "not served".into(),
                        None => String::new(),
                    };
                    let _ = writeln!(
                        self.md,
                        "| `crds/{rel}` | {source} | {license} | {} |",
                        [note, dep.as_str()]
                            .iter()
                            .filter(|s| !s.is_empty())
                            .copied()
                            .collect::<Vec<_>>()
                            .join("; ")
                    );
                }
            }
        }
        if found == 0 {
            return Err(format!("{}: no CustomResourceDefinition", src.display()));
        }
        Ok(found)
    }
}

fn run(corpus: &Path, schemas: &Path) -> Result<(), String> {
    let rows = read_sources_tsv(corpus)?;
    let out_dir = schemas.join("crds");
    if out_dir.exists() {
        for e in fs::read_dir(&out_dir).map_err(|e| e.to_string())? {
            let p = e.map_err(|e| e.to_string())?.path();
            if p.is_dir() {
                fs::remove_dir_all(&p).map_err(|e| e.to_string())?;
            }
        }
    }
    fs::create_dir_all(&out_dir).map_err(|e| e.to_string())?;

    let mut w = Writer {
        out_dir: &out_dir,
        scopes: BTreeMap::new(),
        md: String::from(
            "# Vendored CRD schemas\n\n\
             JSON Schemas (draft 2020-12) converted by kiln's CRD converter\n\
             (`crates/kiln_check/src/schema/crd.rs`) from the CustomResourceDefinitions below:\n\
             those of public charts of kiln's Helm parity corpus (`shared/corpus/charts`, upstream\n\
             commit as recorded in its `SOURCES.tsv`), and those kiln's authors wrote from public\n\
             API reference documentation (`schemas/crds-src/`, \"kiln-authored\"; each file's\n\
             header names the pages and what is abridged). Written by\n\
             `cargo run -p kiln_check --example vendor_crds -- ../shared/corpus schemas`; do not edit.\n\
             All are Apache-2.0 (`schemas/LICENSES/Apache-2.0.txt`).\n\n\
             | schema | CRD source (upstream repository, commit, path; or kiln-authored) | licence | note |\n\
             |---|---|---|---|\n",
        ),
        total: 0,
    };
    for (chart, file) in SOURCES {
        let row = rows
            .get(*chart)
            .ok_or_else(|| format!("{chart} is not in SOURCES.tsv"))?;
        let src = corpus.join(chart).join(file);
        let text = fs::read_to_string(&src).map_err(|e| format!("{}: {e}", src.display()))?;
        let note = upstream_note(&text).map_or_else(String::new, |u| format!("copied from {u}"));
        let source = format!("{} @ `{}`, `{}/{}`", row.repo, row.commit, row.path, file);
        w.add(&src, &untemplate(&text), &source, &row.license, &note)?;
    }
    for (file, reference) in AUTHORED {
        let src = schemas.join(file);
        let text = fs::read_to_string(&src).map_err(|e| format!("{}: {e}", src.display()))?;
        let source = format!("kiln-authored from {reference} (`schemas/{file}`)");
        w.add(&src, &text, &source, "Apache-2.0 (kiln's)", "")?;
    }
    let Writer {
        scopes,
        mut md,
        total,
        ..
    } = w;
    md.push_str(
        "\nNot vendored, because no CRD YAML for them is available offline here (not in the\n\
         corpus, nor in a PyPI/npm package) and kiln has not written its own: OpenShift\n\
         (`security.openshift.io`, `console.openshift.io`), OLM (`operators.coreos.com`).\n\
         Their objects are reported as `SCH003` (no schema) unless the checked repository\n\
         contains their CRDs.\n",
    );
    fs::write(out_dir.join("SOURCES.md"), md).map_err(|e| e.to_string())?;

    // Built-in scopes, from the newest embedded minor plus the older ones.
    let catalog = Catalog::embedded();
    let mut builtin: BTreeMap<String, &'static str> = BTreeMap::new();
    for minor in catalog.minors() {
        for g in catalog.builtin_kinds(minor) {
            if g.kind.ends_with("List") || NOT_OBJECTS.contains(&g.kind.as_str()) {
                continue;
            }
            let scope = if CLUSTER_SCOPED.contains(&g.kind.as_str()) {
                Scope::Cluster
            } else {
                Scope::Namespaced
            };
            builtin.insert(format!("{} {}", g.api_version(), g.kind), scope.as_str());
        }
    }
    let mut kinds = serde_json::Map::new();
    for (k, v) in builtin.iter().chain(scopes.iter()) {
        kinds.insert(k.clone(), Value::String((*v).to_string()));
    }
    let doc = serde_json::json!({
        "$comment": "Namespaced or Cluster per \"<apiVersion> <kind>\": the built-in kinds of schemas/k8s and the CRDs of schemas/crds. Written by `cargo run -p kiln_check --example vendor_crds`; do not edit.",
        "kinds": kinds,
    });
    let mut text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
    text.push('\n');
    fs::write(schemas.join("scopes.json"), text).map_err(|e| e.to_string())?;
    let _ = Gvk::new("", "", "");
    eprintln!(
        "vendor_crds: {} CRD schemas ({} bytes), {} scopes",
        scopes.len(),
        total,
        kinds_len(&doc)
    );
    Ok(())
}

fn kinds_len(doc: &Value) -> usize {
    doc.get("kinds")
        .and_then(Value::as_object)
        .map_or(0, |m| m.len())
}
