//! From a compiled fleet to what checks see ([`kiln_check::CheckInput`]): every rendered
//! Application source of every cluster, with its objects (and the template line each
//! came from), the values it was rendered with and the value files that set them; then
//! the charts under `charts/` that no cluster deploys, rendered with their defaults; and
//! a hook that renders an Application's chart again with other values.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use kiln_argocd::files::EntryKind;
use kiln_argocd::fleet::CLUSTER_SCOPED;
use kiln_argocd::source::{Doc, HelmRender, SourceRecord, ValueSource};
use kiln_argocd::{ClusterResult, Repo, Status};
use kiln_check::input::{App, CheckInput, Object, Origin, Rerender, ValueFile};
use kiln_gotmpl::{Map, Value};
use kiln_helm::template::TemplateOptions;

/// Where charts that no cluster deploys are looked for (repository-relative).
pub const CHARTS_DIR: &str = "charts";

/// An Application, ApplicationSet or chart that could not be rendered, so checks could
/// not look at it.
#[derive(Clone, Debug)]
pub struct RenderFailure {
    /// Cluster; `None` for a chart no cluster deploys.
    pub cluster: Option<String>,
    /// `Application <name>`, `ApplicationSet <name>` or the chart directory.
    pub what: String,
    /// Application name, when it is one.
    pub app: Option<String>,
    /// The app as far as it got (chart, value files; no objects), for a Helm source:
    /// a `values.schema.json` failure is explained at its values keys.
    pub input: Option<App>,
    /// Helm's (or Argo CD's) error text.
    pub message: String,
    /// Repository-relative `file[:line[:col]]` it points at, when known.
    pub location: Option<String>,
}

/// The check input of a compiled fleet, and what could not be rendered.
pub struct Built {
    pub input: CheckInput,
    pub failures: Vec<RenderFailure>,
}

/// Builds the check input from clusters compiled with `ClusterFacts::source_maps` on.
/// `default_kube_version` is used for charts no cluster deploys.
pub fn build(repo: &Repo, results: &[ClusterResult], default_kube_version: &str) -> Built {
    let mut files = ValueFiles::default();
    let mut apps = Vec::new();
    let mut renders: HashMap<RenderKey, Arc<HelmRender>> = HashMap::new();
    let mut failures = Vec::new();
    let mut deployed_charts = BTreeSet::new();
    for r in results {
        let cluster = r.facts.name.clone();
        let shard = r.facts.shard;
        for s in &r.appsets {
            if shard.is_some_and(|sh| !sh.owns(&format!("ApplicationSet {}", s.name))) {
                continue;
            }
            for e in &s.errors {
                failures.push(RenderFailure {
                    cluster: Some(cluster.clone()),
                    what: format!("ApplicationSet {}", s.name),
                    app: None,
                    input: None,
                    message: e.clone(),
                    location: None,
                });
            }
        }
        for a in &r.apps {
            for src in &a.sources {
                if let Some(h) = &src.helm {
                    deployed_charts.insert(h.chart_dir.clone());
                } else if let Some(path) = src.path.as_str() {
                    // A source that failed before its chart loaded: still deployed, so
                    // its failure is not reported a second time as an undeployed chart.
                    let path = path.trim_start_matches("./").trim_end_matches('/');
                    deployed_charts.insert(path.to_string());
                }
            }
            if !r.owns(a) {
                continue;
            }
            match a.status {
                Status::Sharded => continue,
                Status::Error => {
                    let input = a.sources.iter().find_map(|src| {
                        let h = src.helm.as_ref()?;
                        let mut app = helm_app(h, a.name.clone(), Vec::new());
                        app.cluster = Some(cluster.clone());
                        app.kube_version = Some(r.facts.kube_version.clone());
                        app.value_files = value_files(repo, src, &mut files);
                        Some(app)
                    });
                    failures.push(RenderFailure {
                        cluster: Some(cluster.clone()),
                        what: format!("Application {}", a.name),
                        app: Some(a.name.clone()),
                        input,
                        message: a.message.clone().unwrap_or_else(|| "failed".into()),
                        location: a.error_location.clone(),
                    });
                    continue;
                }
                Status::External => continue,
                Status::Rendered => {}
            }
            let namespace = a
                .destination
                .iter()
                .find(|(k, _)| k == "namespace")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            for (idx, src) in a.sources.iter().enumerate() {
                let docs: Vec<&Doc> = a.docs.iter().filter(|d| d.source_index == idx).collect();
                let kind = src.kind.as_deref().unwrap_or("");
                if kind != "helm" && kind != "directory" {
                    continue;
                }
                let objects = objects_of(docs.iter().copied(), &namespace);
                let mut app = match &src.helm {
                    Some(h) => {
                        let mut app = helm_app(h, a.name.clone(), objects);
                        app.value_files = value_files(repo, src, &mut files);
                        renders.insert(
                            RenderKey(Some(cluster.clone()), a.name.clone(), app.chart_dir.clone()),
                            h.clone(),
                        );
                        app
                    }
                    None => App {
                        cluster: None,
                        name: a.name.clone(),
                        chart_dir: None,
                        chart: None,
                        values: None,
                        value_files: Vec::new(),
                        objects,
                        deployed: true,
                        kube_version: None,
                        user_values: None,
                    },
                };
                app.cluster = Some(cluster.clone());
                app.kube_version = Some(r.facts.kube_version.clone());
                apps.push(app);
            }
        }
    }
    let shard = results.first().and_then(|r| r.facts.shard);
    for dir in undeployed_charts(repo, &deployed_charts) {
        if shard.is_some_and(|sh| !sh.owns(&format!("chart {dir}"))) {
            continue;
        }
        match render_default(repo, &dir, default_kube_version, &mut files) {
            Ok((app, h)) => {
                renders.insert(RenderKey::of(&app), h);
                apps.push(app);
            }
            Err(f) => failures.push(*f),
        }
    }
    let renders = Arc::new(renders);
    let rerender: Arc<Rerender> = Arc::new(move |app: &App, extra: &Map| {
        let h = renders
            .get(&RenderKey::of(app))
            .ok_or_else(|| format!("{} was not rendered from a chart", app.name))?;
        rerender(h, extra)
    });
    Built {
        input: CheckInput {
            apps,
            rerender: Some(rerender),
            ..Default::default()
        },
        failures,
    }
}

/// The check view of a Helm source (no cluster yet, deployed).
fn helm_app(h: &HelmRender, name: String, objects: Vec<Object>) -> App {
    App {
        cluster: None,
        name,
        chart_dir: Some(h.chart_dir.clone()),
        chart: Some(h.chart.clone()),
        values: (!h.values.is_nil()).then(|| h.values.clone()),
        value_files: Vec::new(),
        objects,
        deployed: true,
        kube_version: None,
        user_values: Some(Value::map(h.user_values.clone())),
    }
}

/// The value files of a Helm source that exist, lowest precedence first (the chart's
/// `values.yaml`, then `valueFiles`).
fn value_files(repo: &Repo, src: &SourceRecord, files: &mut ValueFiles) -> Vec<ValueFile> {
    let mut out = Vec::new();
    for vs in src.value_sources.iter().flatten() {
        let path = match vs {
            ValueSource::Chart { file: Some(f) } => f,
            ValueSource::ValueFile {
                file,
                missing: false,
            } => file,
            _ => continue,
        };
        if let Some(vf) = files.get(repo, path) {
            out.push(vf);
        }
    }
    out
}

/// Identifies an app for the re-render hook.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct RenderKey(Option<String>, String, Option<String>);

impl RenderKey {
    fn of(app: &App) -> RenderKey {
        RenderKey(app.cluster.clone(), app.name.clone(), app.chart_dir.clone())
    }
}

/// Renders `h`'s chart again with `extra` merged over its user values.
fn rerender(h: &HelmRender, extra: &Map) -> Result<Vec<Object>, String> {
    let user = kiln_helm::values::merge_maps(
        h.user_values.clone(),
        kiln_helm::values::deep_copy_map(extra),
    );
    let out = kiln_helm::template(&h.chart, &user, &h.options).map_err(|e| e.message)?;
    let docs = kiln_argocd::source::helm_docs(&out, &h.chart_dir, h.skip_tests, true, true);
    Ok(objects_of(docs.iter(), &h.options.render.namespace))
}

/// The objects of rendered documents, with their origins. Namespaced kinds without
/// `metadata.namespace` get the Application's destination namespace, as Argo CD does.
fn objects_of<'a>(docs: impl Iterator<Item = &'a Doc>, namespace: &str) -> Vec<Object> {
    docs.filter_map(|d| {
        let value = d.obj.clone()?;
        let get = |path: &[&str]| kiln_argocd::tree::get_str(&value, path);
        let kind = get(&["kind"]).unwrap_or_default();
        let ns = get(&["metadata", "namespace"]).or_else(|| {
            (!CLUSTER_SCOPED.contains(&kind.as_str()) && !namespace.is_empty())
                .then(|| namespace.to_string())
        });
        let origin = d.origin.as_ref().and_then(|o| {
            let (_, spans) = kiln_encoding::parse_values_with_spans(&d.text).ok()?;
            Some(Origin {
                doc_spans: Arc::new(spans),
                doc_offset: o.offset,
                line_starts: Arc::new(line_starts(&d.text)),
                map: o.map.clone(),
                chart_dir: o.chart_dir.clone(),
            })
        });
        Some(Object {
            api_version: get(&["apiVersion"]).unwrap_or_default(),
            name: get(&["metadata", "name"]).unwrap_or_default(),
            kind,
            namespace: ns,
            source: d.source.clone(),
            origin,
            value,
        })
    })
    .collect()
}

/// Byte offsets of the starts of the lines of `text`.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// Value files read once, with key positions (shared by every app that uses them).
#[derive(Default)]
struct ValueFiles(HashMap<String, Option<ValueFile>>);

impl ValueFiles {
    fn get(&mut self, repo: &Repo, path: &str) -> Option<ValueFile> {
        self.0
            .entry(path.to_string())
            .or_insert_with(|| {
                let text = repo.read_text(path).ok()?;
                let (_, spans) = kiln_encoding::parse_values_with_spans(&text).ok()?;
                Some(ValueFile {
                    path: path.to_string(),
                    spans: Arc::new(spans),
                    text: Arc::from(text.as_str()),
                })
            })
            .clone()
    }
}

/// Chart directories under [`CHARTS_DIR`] (repository-relative, sorted) that no
/// Application renders. A chart's own `charts/` (its subcharts) is not searched, nor
/// hidden directories; symlinks are not followed.
fn undeployed_charts(repo: &Repo, deployed: &BTreeSet<String>) -> Vec<String> {
    /// Deepest directory nesting searched under `charts/`.
    const MAX_DEPTH: usize = 16;
    fn walk(
        repo: &Repo,
        dir: &str,
        depth: usize,
        deployed: &BTreeSet<String>,
        out: &mut Vec<String>,
    ) {
        if repo.is_file(&format!("{dir}/Chart.yaml")) {
            if !deployed.contains(dir) {
                out.push(dir.to_string());
            }
            return;
        }
        if depth >= MAX_DEPTH {
            return;
        }
        for e in repo.list(dir).unwrap_or_default() {
            if e.kind == EntryKind::Dir && !e.name.starts_with('.') {
                walk(repo, &format!("{dir}/{}", e.name), depth + 1, deployed, out);
            }
        }
    }
    let mut out = Vec::new();
    if repo.is_dir(CHARTS_DIR) {
        walk(repo, CHARTS_DIR, 0, deployed, &mut out);
    }
    out
}

/// Renders a chart no cluster deploys with its default values: release and namespace
/// named after its directory, the default Kubernetes version.
fn render_default(
    repo: &Repo,
    dir: &str,
    kube_version: &str,
    files: &mut ValueFiles,
) -> Result<(App, Arc<HelmRender>), Box<RenderFailure>> {
    let failure = |message: String, location: Option<String>, input: Option<App>| {
        Box::new(RenderFailure {
            cluster: None,
            what: dir.to_string(),
            app: None,
            input,
            message,
            location,
        })
    };
    let chart = repo.chart(dir).map_err(|e| {
        let loc = e.file.as_ref().map(|f| match e.line {
            Some(l) => format!("{dir}/{f}:{l}"),
            None => format!("{dir}/{f}"),
        });
        failure(e.message.clone(), loc, None)
    })?;
    let name = dir.rsplit('/').next().unwrap_or(dir).to_string();
    let mut opts = TemplateOptions {
        include_crds: true,
        source_maps: true,
        ..Default::default()
    };
    opts.render.release_name = name.clone();
    opts.render.namespace = name.clone();
    opts.render.capabilities = kiln_helm::Capabilities::new(Some(kube_version), &[])
        .map_err(|e| failure(e, None, None))?;
    let value_files: Vec<ValueFile> = files
        .get(repo, &format!("{dir}/values.yaml"))
        .into_iter()
        .collect();
    let app = App {
        cluster: None,
        name: dir.to_string(),
        chart_dir: Some(dir.to_string()),
        chart: Some(chart.clone()),
        values: None,
        value_files,
        objects: Vec::new(),
        deployed: false,
        kube_version: Some(kube_version.to_string()),
        user_values: Some(Value::map(Map::new())),
    };
    let out = match repo.template(dir, &chart, &Map::new(), &opts) {
        Ok(out) => out,
        Err(e) => {
            let loc = e.file.as_ref().map(|f| {
                let rest = f.split_once('/').map_or(f.as_str(), |(_, r)| r);
                match e.line {
                    Some(l) => format!("{dir}/{rest}:{l}"),
                    None => format!("{dir}/{rest}"),
                }
            });
            return Err(failure(e.message, loc, Some(app)));
        }
    };
    let docs = kiln_argocd::source::helm_docs(&out, dir, false, true, true);
    let h = Arc::new(HelmRender {
        chart_dir: dir.to_string(),
        chart: chart.clone(),
        user_values: Map::new(),
        values: out.values.clone(),
        options: opts,
        skip_tests: false,
    });
    let app = App {
        values: Some(out.values),
        objects: objects_of(docs.iter(), &name),
        ..app
    };
    Ok((app, h))
}
