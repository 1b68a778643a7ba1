//! Test inputs for the AI rules, until the real pipeline (compile → `CheckInput`) lands:
//! render a chart with `kiln_helm` into an [`App`] (objects without origins, coalesced
//! values, the chart's `values.yaml` and extra values files with key spans), with a
//! re-render hook; and [`fleet`] for whole monorepos through `kiln_argocd`.

#![allow(dead_code)]

pub mod fleet;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use kiln_check::input::{App, CheckInput, Object, Rerender, ValueFile};
use kiln_check::Diagnostic;
use kiln_gotmpl::{Map, Value};
use kiln_helm::caps::Capabilities;
use kiln_helm::chart::Chart;
use kiln_helm::values::{coalesce_values, merge_maps, ChartView};
use kiln_helm::TemplateOptions;

/// The repository root (`/work/main`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The shared corpus of real charts (`../shared/corpus`), when present.
pub fn corpus_root() -> Option<PathBuf> {
    let p = repo_root().join("../shared/corpus");
    p.is_dir().then_some(p)
}

/// How an app is rendered: release, namespace, cluster capabilities.
#[derive(Clone, Debug)]
pub struct RenderCtx {
    pub release: String,
    pub namespace: String,
    pub kube_version: Option<String>,
    pub api_versions: Vec<String>,
}

/// Kinds that are not namespaced (for the namespace Argo CD would give an object).
const CLUSTER_KINDS: &[&str] = &[
    "Namespace",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "PersistentVolume",
    "StorageClass",
    "PriorityClass",
    "ClusterIssuer",
    "ClusterSecretStore",
    "SecurityContextConstraints",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "IngressClass",
    "RuntimeClass",
];

/// An [`Object`] from a parsed manifest, without origin.
pub fn object(value: Value, source: &str, default_ns: &str) -> Option<Object> {
    value.as_map_ref()?;
    let s = |path: &[&str]| -> Option<String> {
        let mut cur = value.clone();
        for k in path {
            cur = cur.as_map_ref()?.get(k)?;
        }
        cur.as_str().map(String::from)
    };
    let kind = s(&["kind"]).unwrap_or_default();
    let namespace = s(&["metadata", "namespace"])
        .or_else(|| (!CLUSTER_KINDS.contains(&kind.as_str())).then(|| default_ns.to_string()));
    Some(Object {
        api_version: s(&["apiVersion"]).unwrap_or_default(),
        name: s(&["metadata", "name"]).unwrap_or_default(),
        kind,
        namespace,
        source: source.to_string(),
        origin: None,
        value,
    })
}

/// Renders `chart` with `user` values like `helm template`; the objects of the
/// manifests and hooks.
pub fn render(chart: &Arc<Chart>, user: &Map, ctx: &RenderCtx) -> Result<Vec<Object>, String> {
    let mut opts = TemplateOptions::default();
    opts.render.release_name = ctx.release.clone();
    opts.render.namespace = ctx.namespace.clone();
    opts.render.capabilities = Capabilities::new(ctx.kube_version.as_deref(), &ctx.api_versions)?;
    // Helm's engine and manifest sorting, without `helm template`'s dependency check:
    // corpus charts declare subcharts they disable and do not vendor.
    let mut rendered = kiln_helm::render(chart, user, &opts.render).map_err(|e| e.to_string())?;
    rendered.retain(|k, _| !k.ends_with("NOTES.txt"));
    let (hooks, manifests) =
        kiln_helm::manifest::sort_manifests(&rendered).map_err(|e| e.to_string())?;
    Ok(manifests
        .iter()
        .chain(hooks.iter())
        .filter_map(|m| object(m.object().clone(), &m.path, &ctx.namespace))
        .collect())
}

/// A values file with key spans, read from `text`.
pub fn value_file(path: &str, text: &str) -> Option<(Map, ValueFile)> {
    let (v, spans) = kiln_encoding::parse_values_with_spans(text).ok()?;
    let map = v.as_map().map(|m| (*m).clone()).unwrap_or_default();
    Some((
        map,
        ValueFile {
            path: path.to_string(),
            spans: Arc::new(spans),
            text: Arc::from(text),
        },
    ))
}

/// What to render: a chart directory (absolute), its repository-relative path (which
/// decides whether the AI rules apply), extra values files `(repo-relative path, text)`,
/// and values merged last (like a `valuesObject`, without spans).
#[derive(Clone, Debug)]
pub struct AppSpec {
    pub chart_abs: PathBuf,
    pub chart_dir: String,
    pub cluster: Option<String>,
    pub name: String,
    pub ctx: RenderCtx,
    pub value_files: Vec<(String, String)>,
    pub values_object: Map,
}

impl AppSpec {
    /// A chart at `chart_abs` checked as `chart_dir`, release and namespace `name`.
    pub fn new(chart_abs: impl Into<PathBuf>, chart_dir: &str, name: &str) -> AppSpec {
        AppSpec {
            chart_abs: chart_abs.into(),
            chart_dir: chart_dir.to_string(),
            cluster: None,
            name: name.to_string(),
            ctx: RenderCtx {
                release: name.to_string(),
                namespace: name.to_string(),
                kube_version: Some("1.31.0".into()),
                api_versions: vec![
                    "route.openshift.io/v1".into(),
                    "external-secrets.io/v1".into(),
                ],
            },
            value_files: Vec::new(),
            values_object: Map::new(),
        }
    }

    /// Adds a values file `(repo-relative path, text)`.
    pub fn file(mut self, path: &str, text: &str) -> AppSpec {
        self.value_files.push((path.to_string(), text.to_string()));
        self
    }

    /// Adds a values file read from disk, named by its repository-relative path.
    pub fn file_from(self, abs: &Path, rel: &str) -> AppSpec {
        let text =
            std::fs::read_to_string(abs).unwrap_or_else(|e| panic!("{}: {e}", abs.display()));
        self.file(rel, &text)
    }

    /// Merges `yaml` as a `valuesObject` (no spans).
    pub fn values(mut self, yaml: &str) -> AppSpec {
        let v = kiln_encoding::parse_values(yaml).expect("values");
        let m = v.as_map().map(|m| (*m).clone()).unwrap_or_default();
        self.values_object = merge_maps(std::mem::take(&mut self.values_object), m);
        self
    }

    /// Merges `m` as a `valuesObject` (no spans).
    pub fn values_map(mut self, m: Map) -> AppSpec {
        self.values_object = merge_maps(std::mem::take(&mut self.values_object), m);
        self
    }

    /// Sets the cluster.
    pub fn cluster(mut self, c: &str) -> AppSpec {
        self.cluster = Some(c.to_string());
        self
    }
}

/// Builds an [`App`] (and the context to re-render it).
pub fn build_app(spec: &AppSpec) -> Result<(App, RenderCtx), String> {
    let chart = Arc::new(kiln_helm::loader::load_dir(&spec.chart_abs).map_err(|e| e.message)?);
    let mut files = Vec::new();
    let chart_values =
        std::fs::read_to_string(spec.chart_abs.join("values.yaml")).unwrap_or_default();
    if let Some((_, vf)) = value_file(&format!("{}/values.yaml", spec.chart_dir), &chart_values) {
        files.push(vf);
    }
    let mut user = Map::new();
    for (path, text) in &spec.value_files {
        let (m, vf) = value_file(path, text).ok_or_else(|| format!("{path}: invalid YAML"))?;
        user = merge_maps(user, m);
        files.push(vf);
    }
    user = merge_maps(user, spec.values_object.clone());
    app_from(
        chart,
        spec.cluster.clone(),
        &spec.name,
        &spec.chart_dir,
        files,
        user,
        &spec.ctx,
        None,
    )
}

/// An [`App`] from a loaded chart and user values; renders unless `objects` are given.
#[allow(clippy::too_many_arguments)]
pub fn app_from(
    chart: Arc<Chart>,
    cluster: Option<String>,
    name: &str,
    chart_dir: &str,
    value_files: Vec<ValueFile>,
    user: Map,
    ctx: &RenderCtx,
    objects: Option<Vec<Object>>,
) -> Result<(App, RenderCtx), String> {
    let objects = match objects {
        Some(o) => o,
        None => render(&chart, &user, ctx).map_err(|e| format!("rendering {chart_dir}: {e}"))?,
    };
    let values = coalesce_values(&ChartView::of(&chart), &user)
        .ok()
        .map(Value::map);
    Ok((
        App {
            cluster,
            name: name.to_string(),
            chart_dir: Some(chart_dir.to_string()),
            chart: Some(chart),
            values,
            value_files,
            objects,
            deployed: true,
            kube_version: ctx.kube_version.clone(),
            user_values: Some(Value::map(user)),
        },
        ctx.clone(),
    ))
}

/// A [`CheckInput`] over `apps`, re-rendering with the apps' own contexts.
pub fn input(apps: Vec<(App, RenderCtx)>) -> CheckInput {
    let ctxs: BTreeMap<(Option<String>, String), RenderCtx> = apps
        .iter()
        .map(|(a, c)| ((a.cluster.clone(), a.name.clone()), c.clone()))
        .collect();
    let ctxs = Arc::new(ctxs);
    let rerender: Arc<Rerender> = Arc::new(move |app: &App, extra: &Map| {
        let ctx = ctxs
            .get(&(app.cluster.clone(), app.name.clone()))
            .ok_or_else(|| "unknown app".to_string())?;
        let chart = app.chart.clone().ok_or_else(|| "no chart".to_string())?;
        let user = app
            .user_values
            .as_ref()
            .and_then(|v| v.as_map())
            .map(|m| (*m).clone())
            .unwrap_or_default();
        render(&chart, &merge_maps(user, extra.clone()), ctx)
    });
    CheckInput {
        apps: apps.into_iter().map(|(a, _)| a).collect(),
        settings: Default::default(),
        rerender: Some(rerender),
    }
}

/// Runs every AI rule.
pub fn check(input: &CheckInput) -> Vec<Diagnostic> {
    // The rules look at every app; like the runner's default configuration, keep the
    // findings about AI charts (here: `in_scope`, which also honours the bad chart's
    // opt-in annotation).
    let scoped: Vec<&App> = input
        .apps
        .iter()
        .filter(|a| kiln_check::rules::common::in_scope(a))
        .collect();
    kiln_check::rules::check_ai(input)
        .into_iter()
        .filter(|d| {
            let about_app = d.app.as_deref().is_some_and(|n| {
                scoped
                    .iter()
                    .any(|a| a.name == n && a.cluster.as_deref() == d.cluster.as_deref())
            });
            let in_chart = d.span.as_ref().is_some_and(|s| {
                scoped.iter().any(|a| {
                    a.chart_dir
                        .as_deref()
                        .is_some_and(|dir| s.file.starts_with(&format!("{dir}/")))
                })
            });
            d.app.is_none() || about_app || in_chart
        })
        .collect()
}

/// Renders one app and runs every AI rule.
pub fn check_one(spec: &AppSpec) -> Vec<Diagnostic> {
    let app = build_app(spec).unwrap_or_else(|e| panic!("{}: {e}", spec.chart_dir));
    check(&input(vec![app]))
}

/// The distinct codes of `diags`, sorted.
pub fn codes(diags: &[Diagnostic]) -> Vec<String> {
    let mut c: Vec<String> = diags.iter().map(|d| d.code.clone()).collect();
    c.sort();
    c.dedup();
    c
}

/// One line per finding, for failure messages.
pub fn show(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(|d| {
            format!(
                "{} {} [{}{}] {}{}",
                d.code,
                d.span
                    .as_ref()
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "-".into()),
                d.cluster
                    .as_deref()
                    .map(|c| format!("{c}/"))
                    .unwrap_or_default(),
                d.app.as_deref().unwrap_or(""),
                d.message,
                d.help
                    .as_deref()
                    .map(|h| format!(" | help: {h}"))
                    .unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Findings per code, `CODE n` lines.
pub fn histogram(diags: &[Diagnostic]) -> BTreeMap<String, usize> {
    let mut h = BTreeMap::new();
    for d in diags {
        *h.entry(d.code.clone()).or_insert(0) += 1;
    }
    h
}
