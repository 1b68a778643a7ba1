//! The app-of-apps walk for one cluster: starting from its root Application, render
//! every Application whose source is in the monorepo, expand every ApplicationSet found
//! in the output, and recurse (breadth first), recording Applications, ApplicationSets,
//! objects and the rendered manifests.
//!
//! Semantics follow Argo CD (see `../shared/argocd/SEMANTICS.md`) and the layout of the
//! reference implementation `fleet-oracle` (`../shared/oracle/FLEET.md`), so the output
//! can be compared byte for byte.

use std::collections::{HashMap, HashSet, VecDeque};

use kiln_gotmpl::Value;

use crate::appset::{self, ClusterSecret, GitFileGlobbing};
use crate::pyjson::Json;
use crate::repo::Repo;
use crate::shard::{self, Shard};
use crate::source::{self, Doc, SourceRecord};
use crate::tree;

/// Kinds treated as cluster-scoped when deciding an object's namespace (no API
/// discovery offline; the reference implementation's list).
pub const CLUSTER_SCOPED: &[&str] = &[
    "Namespace",
    "Node",
    "PersistentVolume",
    "StorageClass",
    "CSIDriver",
    "CSINode",
    "VolumeSnapshotClass",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "APIService",
    "PriorityClass",
    "IngressClass",
    "RuntimeClass",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "PodSecurityPolicy",
    "ClusterIssuer",
    "ClusterSecretStore",
    "ClusterExternalSecret",
    "ClusterServiceVersion",
    "SecurityContextConstraints",
    "ClusterVersion",
    "ClusterOperator",
    "MachineConfig",
    "MachineConfigPool",
    "KubeletConfig",
    "ContainerRuntimeConfig",
    "Project",
    "ProjectRequest",
    "ConsoleLink",
    "ConsoleNotification",
    "ConsoleCLIDownload",
    "ConsolePlugin",
    "ConsoleQuickStart",
    "ConsoleYAMLSample",
    "OAuth",
    "Proxy",
    "Scheduler",
    "Network",
    "Image",
    "APIServer",
    "FeatureGate",
    "ClusterPolicy",
    "NodeFeatureRule",
    "ClusterServingRuntime",
    "ClusterAutoscaler",
    "ManagedCluster",
    "ManagedClusterSet",
    "ClusterManagementAddOn",
    "GpuDevicePlugin",
    "NodeNetworkConfigurationPolicy",
    "PerformanceProfile",
    "ClusterResourceQuota",
    "ImageContentSourcePolicy",
    "ImageDigestMirrorSet",
    "ImageTagMirrorSet",
];

/// What happened to an Application.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// All local sources rendered.
    Rendered,
    /// Every source is outside the monorepo (another Git repository, a Helm repository
    /// or OCI chart): recorded, not rendered.
    External,
    /// Rendering failed; `message` says why.
    Error,
    /// Left to the shard that owns it (`--shard`); never in a combined tree.
    Sharded,
}

impl Status {
    /// The name used in `fleet.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Rendered => "rendered",
            Status::External => "external",
            Status::Error => "error",
            Status::Sharded => "sharded",
        }
    }
}

/// Another parent that produced the same Application (a duplicate or a cycle).
#[derive(Clone, Debug)]
pub struct AlsoProducedBy {
    pub parent: Option<String>,
    pub identical_spec: bool,
    pub cycle: bool,
}

/// One Application of the cluster.
#[derive(Clone, Debug)]
pub struct AppRecord {
    pub name: String,
    pub namespace: String,
    /// `Application/<ns>/<name>` or `ApplicationSet/<ns>/<name>`; `None` for the root.
    pub parent: Option<String>,
    /// Output directory name: the name, or `<namespace>_<name>` outside the root's
    /// namespace.
    pub dir: String,
    pub project: Value,
    /// `(key, value)` of `server`, `name`, `namespace` that are set.
    pub destination: Vec<(String, String)>,
    pub sync_wave: String,
    pub sources: Vec<SourceRecord>,
    pub status: Status,
    pub message: Option<String>,
    /// Where the error points (`repo/path:LINE:COL`), when known.
    pub error_location: Option<String>,
    pub object_count: usize,
    pub also_produced_by: Vec<AlsoProducedBy>,
    /// The rendered documents (for `Rendered` apps).
    pub docs: Vec<Doc>,
    spec_key: String,
}

/// One ApplicationSet of the cluster.
#[derive(Clone, Debug)]
pub struct AppSetRecord {
    pub name: String,
    pub namespace: String,
    pub parent: Option<String>,
    pub go_template: bool,
    pub generated: Vec<String>,
    pub errors: Vec<String>,
    /// Things that work but deserve attention (unrecognized generator entries, templates
    /// using `now`/`uuidv4`/`rand*`, whose output changes on every run). Reported on
    /// stderr; not part of `fleet.json`.
    pub warnings: Vec<String>,
}

/// One rendered object.
#[derive(Clone, Debug)]
pub struct ObjectRecord {
    pub app: String,
    pub app_namespace: String,
    pub kind: Option<String>,
    pub api_version: String,
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub source: String,
    pub hook: bool,
}

/// Facts about the cluster that rendering needs.
#[derive(Clone, Debug)]
pub struct ClusterFacts {
    /// Cluster name (the root file's stem unless configured).
    pub name: String,
    /// File name of the root Application (recorded in `fleet.json`).
    pub root_file: String,
    /// Kubernetes version, without `v` (`1.31.0`).
    pub kube_version: String,
    /// Extra API versions for `.Capabilities.APIVersions`.
    pub api_versions: Vec<String>,
    /// The cluster Secrets registered in this cluster's Argo CD: what a `clusters`
    /// generator lists (Argo CD adds `in-cluster` unless one has the in-cluster server).
    pub argocd_clusters: Vec<ClusterSecret>,
    /// How `git.files[].path` patterns match (Argo CD's
    /// `applicationsetcontroller.enable.new.git.file.globbing`).
    pub git_file_globbing: GitFileGlobbing,
    /// Keep what checks need (document origins, the values and chart of each Helm
    /// source); off for a plain compile, which it slows slightly.
    pub source_maps: bool,
    /// Render only the Applications of this shard (and those every shard needs to
    /// discover the tree; see [`crate::shard`]).
    pub shard: Option<Shard>,
    /// Parse every document's object and keep it in the result ([`Doc::obj`]) after
    /// the walk (checks and the `hydrator` layout read them). Off for a plain compile:
    /// then only `Application` and `ApplicationSet` documents are parsed (the walk
    /// reads them) and dropped afterwards — parsing every document took a fifth of a
    /// large fleet's time, and the objects far more memory than the text.
    pub keep_objects: bool,
}

impl ClusterFacts {
    /// Facts with no registered clusters and the default Git file globbing.
    pub fn new(
        name: &str,
        root_file: &str,
        kube_version: &str,
        api_versions: Vec<String>,
    ) -> ClusterFacts {
        ClusterFacts {
            name: name.into(),
            root_file: root_file.into(),
            kube_version: kube_version.into(),
            api_versions,
            argocd_clusters: Vec::new(),
            git_file_globbing: GitFileGlobbing::Old,
            source_maps: false,
            shard: None,
            keep_objects: true,
        }
    }
}

/// Everything compiled for one cluster.
#[derive(Clone, Debug)]
pub struct ClusterResult {
    pub facts: ClusterFacts,
    /// Name of the monorepo (its directory name), recorded in `fleet.json`.
    pub monorepo: String,
    /// Applications in discovery (breadth-first) order.
    pub apps: Vec<AppRecord>,
    pub appsets: Vec<AppSetRecord>,
    pub objects: Vec<ObjectRecord>,
}

struct QueueItem {
    obj: Value,
    default_ns: String,
    parent: Option<String>,
    ancestry: Vec<(String, String)>,
}

/// Compiles one cluster from its root Application.
pub fn compile_cluster(repo: &Repo, facts: &ClusterFacts, root: &Value) -> ClusterResult {
    compile_roots(repo, facts, std::slice::from_ref(root))
}

/// Compiles one cluster from its root Applications (walked in order, sharing one set of
/// Applications). Argo CD's control-plane namespace is the first root's namespace.
pub fn compile_roots(repo: &Repo, facts: &ClusterFacts, roots: &[Value]) -> ClusterResult {
    let control_ns = roots
        .first()
        .and_then(|r| tree::get_str(r, &["metadata", "namespace"]))
        .unwrap_or_else(|| "argocd".into());
    let mut w = Walk {
        repo,
        facts,
        control_ns: control_ns.clone(),
        apps: Vec::new(),
        index: HashMap::new(),
        appsets: Vec::new(),
        objects: Vec::new(),
        queue: VecDeque::new(),
        scanned: HashMap::new(),
    };
    for root in roots {
        w.queue.push_back(QueueItem {
            obj: root.clone(),
            default_ns: control_ns.clone(),
            parent: None,
            ancestry: Vec::new(),
        });
        while let Some(item) = w.queue.pop_front() {
            w.process_app(item);
        }
    }
    ClusterResult {
        facts: facts.clone(),
        monorepo: repo.name(),
        apps: w.apps,
        appsets: w.appsets,
        objects: w.objects,
    }
}

struct Walk<'a> {
    repo: &'a Repo,
    facts: &'a ClusterFacts,
    control_ns: String,
    apps: Vec<AppRecord>,
    index: HashMap<(String, String), usize>,
    appsets: Vec<AppSetRecord>,
    objects: Vec<ObjectRecord>,
    queue: VecDeque<QueueItem>,
    /// Which paths mention Argo CD objects (`--shard`; see [`crate::shard`]).
    scanned: HashMap<String, bool>,
}

fn spec_key(spec: &Value) -> String {
    Json::from_value(spec).to_python_string()
}

impl Walk<'_> {
    fn process_app(&mut self, item: QueueItem) {
        let obj = &item.obj;
        let name = tree::get_str(obj, &["metadata", "name"]).unwrap_or_default();
        let ns = tree::get_str(obj, &["metadata", "namespace"]).unwrap_or(item.default_ns.clone());
        let key = (ns.clone(), name.clone());
        let spec = tree::get(obj, &["spec"])
            .filter(|s| s.as_map().is_some())
            .unwrap_or_else(Value::empty_map);
        let in_ancestry = item.ancestry.contains(&key);
        if in_ancestry || self.index.contains_key(&key) {
            if let Some(&i) = self.index.get(&key) {
                let same = spec_key(&spec) == self.apps[i].spec_key;
                self.apps[i].also_produced_by.push(AlsoProducedBy {
                    parent: item.parent.clone(),
                    identical_spec: same,
                    cycle: in_ancestry,
                });
            }
            return;
        }
        let dest = tree::get_map(&spec, &["destination"]).unwrap_or_default();
        let destination: Vec<(String, String)> = ["server", "name", "namespace"]
            .iter()
            .filter_map(|k| match dest.get(*k) {
                Some(Value::String(s)) if !s.is_empty() => Some((k.to_string(), s.to_string())),
                _ => None,
            })
            .collect();
        let sync_wave = match tree::get(
            obj,
            &["metadata", "annotations", "argocd.argoproj.io/sync-wave"],
        ) {
            Some(Value::String(s)) => s.to_string(),
            Some(other) => {
                let mut s = String::new();
                kiln_gotmpl::fmt::write_value(&mut s, &other);
                s
            }
            None => "0".into(),
        };
        let mut rec = AppRecord {
            name: name.clone(),
            namespace: ns.clone(),
            parent: item.parent.clone(),
            dir: if ns == self.control_ns {
                name.clone()
            } else {
                format!("{ns}_{name}")
            },
            project: tree::get(&spec, &["project"]).unwrap_or(Value::Nil),
            destination,
            sync_wave,
            sources: Vec::new(),
            status: Status::Error,
            message: None,
            error_location: None,
            object_count: 0,
            also_produced_by: Vec::new(),
            docs: Vec::new(),
            spec_key: spec_key(&spec),
        };
        let idx = self.apps.len();
        self.index.insert(key.clone(), idx);
        if name.is_empty() {
            rec.message = Some("Application has no metadata.name".into());
            self.apps.push(rec);
            return;
        }
        let sources: Vec<Value> =
            match tree::get_list(&spec, &["sources"]).filter(|l| !l.is_empty()) {
                Some(l) => l,
                None => tree::get(&spec, &["source"])
                    .filter(|s| s.as_map().is_some_and(|m| !m.is_empty()))
                    .into_iter()
                    .collect(),
            };
        if sources.is_empty() {
            rec.message = Some("Application has no source".into());
            self.apps.push(rec);
            return;
        }
        if let Some(shard) = self.facts.shard {
            if !shard.owns(&name)
                && !shard::may_produce_argo_objects(self.repo, &sources, &mut self.scanned)
            {
                rec.status = Status::Sharded;
                // Where it comes from, without rendering it (what its owner records).
                rec.sources = sources
                    .iter()
                    .map(|src| SourceRecord {
                        repo_url: tree::get(src, &["repoURL"]).unwrap_or(Value::Nil),
                        target_revision: tree::get(src, &["targetRevision"]).unwrap_or(Value::Nil),
                        path: tree::get(src, &["path"]).unwrap_or(Value::Nil),
                        chart: tree::get(src, &["chart"]).unwrap_or(Value::Nil),
                        kind: None,
                        release: None,
                        namespace: None,
                        value_sources: None,
                        files: None,
                        helm: None,
                    })
                    .collect();
                self.apps.push(rec);
                return;
            }
        }
        let ctx = source::AppContext {
            repo: self.repo,
            app_name: &name,
            spec: &spec,
            kube_version: &self.facts.kube_version,
            api_versions: &self.facts.api_versions,
            source_maps: self.facts.source_maps,
            all_objects: self.facts.keep_objects,
        };
        let rendered = crate::isolate::render_sources(&ctx, &sources);
        rec.sources = rendered.records;
        if !rendered.errors.is_empty() {
            rec.status = Status::Error;
            rec.message = Some(rendered.errors.join("; "));
            rec.error_location = rendered.error_location;
            self.apps.push(rec);
            return;
        }
        if !rendered.any_local {
            rec.status = Status::External;
            self.apps.push(rec);
            return;
        }
        rec.status = Status::Rendered;
        rec.object_count = rendered.docs.iter().filter(|d| d.is_object).count();
        let dest_ns = dest
            .get("namespace")
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        let label = format!("Application/{ns}/{name}");
        let mut ancestry = item.ancestry.clone();
        ancestry.push(key);
        for d in &rendered.docs {
            if !d.is_object {
                continue;
            }
            let kind = d.id.kind.clone();
            let api = d.id.api_version.clone().unwrap_or_default();
            let mut ons = d.id.namespace.clone();
            if ons.is_none() && !kind.as_deref().is_some_and(|k| CLUSTER_SCOPED.contains(&k)) {
                ons = (!dest_ns.is_empty()).then(|| dest_ns.clone());
            }
            self.objects.push(ObjectRecord {
                app: name.clone(),
                app_namespace: ns.clone(),
                kind: kind.clone(),
                api_version: api.clone(),
                namespace: ons,
                name: d.id.name.clone(),
                source: d.source.clone(),
                hook: d.hook,
            });
            if !api.starts_with("argoproj.io/") {
                continue;
            }
            // Application and ApplicationSet documents are always parsed.
            let Some(o) = &d.obj else { continue };
            if tree::get(o, &["spec"]).is_some_and(|s| !s.is_nil() && s.as_map().is_none()) {
                continue;
            }
            let child_ns = tree::get_str(o, &["metadata", "namespace"])
                .or_else(|| (!dest_ns.is_empty()).then(|| dest_ns.clone()))
                .unwrap_or_else(|| self.control_ns.clone());
            match kind.as_deref() {
                Some("Application") => self.queue.push_back(QueueItem {
                    obj: o.clone(),
                    default_ns: child_ns,
                    parent: Some(label.clone()),
                    ancestry: ancestry.clone(),
                }),
                Some("ApplicationSet") => {
                    self.process_appset(o, &child_ns, &label, &ancestry);
                }
                _ => {}
            }
        }
        let mut docs = rendered.docs;
        if !self.facts.keep_objects {
            for d in &mut docs {
                d.obj = None;
            }
        }
        rec.docs = docs;
        self.apps.push(rec);
    }

    fn process_appset(
        &mut self,
        obj: &Value,
        ns: &str,
        parent: &str,
        ancestry: &[(String, String)],
    ) {
        let name = tree::get_str(obj, &["metadata", "name"]).unwrap_or_default();
        let go = matches!(
            tree::get(obj, &["spec", "goTemplate"]),
            Some(Value::Bool(true))
        );
        let repo = self.repo;
        let is_local = |url: &str| repo.is_local(url);
        let mut ctx = appset::ExpandContext::new(repo.work_tree(), &is_local);
        ctx.clusters = &self.facts.argocd_clusters;
        ctx.git_file_globbing = self.facts.git_file_globbing;
        let exp = crate::isolate::expand(obj, ns, &ctx);
        let generated = exp
            .applications
            .iter()
            .map(|a| tree::get_str(a, &["metadata", "name"]).unwrap_or_default())
            .collect();
        self.appsets.push(AppSetRecord {
            name: name.clone(),
            namespace: ns.to_string(),
            parent: Some(parent.to_string()),
            go_template: go,
            generated,
            errors: exp.errors,
            warnings: exp.warnings,
        });
        let label = format!("ApplicationSet/{ns}/{name}");
        for app in exp.applications {
            self.queue.push_back(QueueItem {
                obj: app,
                default_ns: ns.to_string(),
                parent: Some(label.clone()),
                ancestry: ancestry.to_vec(),
            });
        }
    }
}

impl ClusterResult {
    /// Counts for the summary line and `fleet.json`.
    pub fn summary(&self) -> Json {
        let count = |s: Status| self.apps.iter().filter(|a| a.status == s).count();
        Json::obj()
            .with("applications", self.apps.len())
            .with("rendered", count(Status::Rendered))
            .with("external", count(Status::External))
            .with("errored", count(Status::Error))
            .with("applicationSets", self.appsets.len())
            .with(
                "applicationSetErrors",
                self.appsets.iter().filter(|a| !a.errors.is_empty()).count(),
            )
            .with("objects", self.objects.len())
    }

    /// `fleet.json`, byte-compatible with the reference implementation's.
    pub fn fleet_json(&self) -> String {
        let mut s = self.fleet_doc().to_python_string();
        s.push('\n');
        s
    }

    /// Whether this run owns the Application (always, unless `--shard`).
    pub fn owns(&self, app: &AppRecord) -> bool {
        self.facts.shard.is_none_or(|s| s.owns(&app.name))
    }

    /// A shard's partial `fleet.json` ([`Shard::fragment_file`]): its view of the
    /// cluster plus `shard: {index, count, owned: [bool per application]}`, from which
    /// `kiln combine` assembles the `fleet.json` of one run.
    pub fn fragment_json(&self) -> String {
        let mut doc = self.fleet_doc();
        if let Some(shard) = self.facts.shard {
            doc.push(
                "shard",
                Json::obj()
                    .with("index", Json::Int(i64::from(shard.index)))
                    .with("count", Json::Int(i64::from(shard.count)))
                    .with(
                        "owned",
                        Json::Arr(self.apps.iter().map(|a| Json::Bool(self.owns(a))).collect()),
                    ),
            );
        }
        let mut s = doc.to_python_string();
        s.push('\n');
        s
    }

    fn fleet_doc(&self) -> Json {
        let apps: Vec<Json> = self.apps.iter().map(app_json).collect();
        let appsets: Vec<Json> = self
            .appsets
            .iter()
            .map(|a| {
                let status = if a.errors.is_empty() {
                    "expanded"
                } else if a.generated.is_empty() {
                    "error"
                } else {
                    "partial"
                };
                Json::obj()
                    .with("name", a.name.as_str())
                    .with("namespace", a.namespace.as_str())
                    .with("parent", a.parent.clone())
                    .with("goTemplate", a.go_template)
                    .with(
                        "generated",
                        Json::Arr(a.generated.iter().map(|g| Json::from(g.as_str())).collect()),
                    )
                    .with("status", status)
                    .with(
                        "errors",
                        Json::Arr(a.errors.iter().map(|e| Json::from(e.as_str())).collect()),
                    )
            })
            .collect();
        let objects: Vec<Json> = self
            .objects
            .iter()
            .map(|o| {
                Json::obj()
                    .with("app", o.app.as_str())
                    .with("appNamespace", o.app_namespace.as_str())
                    .with("kind", o.kind.clone())
                    .with("apiVersion", o.api_version.as_str())
                    .with("namespace", o.namespace.clone())
                    .with("name", o.name.clone())
                    .with("source", o.source.as_str())
                    .with("hook", o.hook)
            })
            .collect();
        let doc = Json::obj()
            .with("cluster", self.facts.name.as_str())
            .with("root", self.facts.root_file.as_str())
            .with("monorepo", self.monorepo.as_str())
            .with("kubeVersion", self.facts.kube_version.as_str())
            .with(
                "apiVersions",
                Json::Arr(
                    self.facts
                        .api_versions
                        .iter()
                        .map(|a| Json::from(a.as_str()))
                        .collect(),
                ),
            )
            .with("summary", self.summary())
            .with("applications", Json::Arr(apps))
            .with("applicationSets", Json::Arr(appsets))
            .with("objects", Json::Arr(objects));
        doc
    }

    /// The rendered manifests: `(app dir, manifest.yaml text)` for every rendered
    /// Application, each document as `---\n# Source: PATH\nDOC\n`.
    pub fn manifests(&self) -> Vec<(String, String)> {
        let mut seen = HashSet::new();
        self.apps
            .iter()
            .filter(|a| a.status == Status::Rendered && self.owns(a))
            .filter(|a| seen.insert(a.dir.clone()))
            .map(|a| {
                let mut text = String::new();
                for d in &a.docs {
                    text.push_str("---\n# Source: ");
                    text.push_str(&d.source);
                    text.push('\n');
                    text.push_str(&d.text);
                    text.push('\n');
                }
                (a.dir.clone(), text)
            })
            .collect()
    }
}

fn app_json(a: &AppRecord) -> Json {
    let mut dest = Json::obj();
    for (k, v) in &a.destination {
        dest.push(k, v.as_str());
    }
    Json::obj()
        .with("name", a.name.as_str())
        .with("namespace", a.namespace.as_str())
        .with("parent", a.parent.clone())
        .with("dir", a.dir.as_str())
        .with("project", Json::from_value(&a.project))
        .with("destination", dest)
        .with("syncWave", a.sync_wave.as_str())
        .with(
            "sources",
            Json::Arr(a.sources.iter().map(SourceRecord::to_json).collect()),
        )
        .with("status", a.status.as_str())
        .with("message", a.message.clone())
        .with("objectCount", a.object_count)
        .with(
            "alsoProducedBy",
            Json::Arr(
                a.also_produced_by
                    .iter()
                    .map(|p| {
                        Json::obj()
                            .with("parent", p.parent.clone())
                            .with("identicalSpec", p.identical_spec)
                            .with("cycle", p.cycle)
                    })
                    .collect(),
            ),
        )
}
