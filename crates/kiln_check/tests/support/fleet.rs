//! Whole monorepos as [`App`]s: every cluster compiled by `kiln_argocd` (the objects are
//! exactly what `kiln compile` renders), with each Helm app's values rebuilt from its
//! Application (`valueFiles`, `values`, `valuesObject`) so rules see the values too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kiln_argocd::{appset, tree, ClusterFacts, Repo, Status};
use kiln_check::input::App;
use kiln_gotmpl::{Map, Value};
use kiln_helm::values::merge_maps;

use super::{app_from, object, value_file, RenderCtx};

/// A cluster of a monorepo: its name, root Application files, Kubernetes version and
/// extra API versions.
#[derive(Clone, Debug)]
pub struct Cluster {
    pub name: String,
    pub roots: Vec<PathBuf>,
    pub kube_version: String,
    pub api_versions: Vec<String>,
    /// YAML merged into the roots' `spec.source.helm.valuesObject` (to try a cluster with
    /// other settings, e.g. an app stack switched on).
    pub root_values: Option<String>,
}

fn patch_root(root: Value, patch: &str) -> Value {
    let Ok(p) = kiln_encoding::parse_values(patch) else {
        return root;
    };
    let Some(p) = p.as_map().map(|m| (*m).clone()) else {
        return root;
    };
    let root = root.deep_copy();
    let Some(source) = tree::get(&root, &["spec", "source"]) else {
        return root;
    };
    let Some(src) = source.as_map_ref() else {
        return root;
    };
    let helm = src
        .get("helm")
        .filter(|h| h.as_map().is_some())
        .unwrap_or_else(Value::empty_map);
    let existing = tree::get(&helm, &["valuesObject"])
        .and_then(|v| v.as_map().map(|m| (*m).clone()))
        .unwrap_or_default();
    if let Some(h) = helm.as_map_ref() {
        h.insert("valuesObject".into(), Value::map(merge_maps(existing, p)));
    }
    src.insert("helm".into(), helm);
    root
}

fn read_root(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    kiln_encoding::parse_documents(&text)
        .into_iter()
        .filter_map(|d| d.ok())
        .map(|d| d.value)
        .find(|v| tree::get_str(v, &["kind"]).as_deref() == Some("Application"))
        .unwrap_or_else(|| panic!("{}: no Application", path.display()))
}

fn repo_urls(root: &Value) -> Vec<String> {
    let spec = tree::get(root, &["spec"]).unwrap_or(Value::Nil);
    let mut sources = tree::get_list(&spec, &["sources"]).unwrap_or_default();
    sources.extend(tree::get(&spec, &["source"]));
    sources
        .iter()
        .filter(|s| tree::get_str(s, &["chart"]).is_none())
        .filter_map(|s| tree::get_str(s, &["repoURL"]))
        .collect()
}

/// Normalises `a/b/../c` to `a/c`.
fn normalize(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// Compiles every cluster of the monorepo at `repo_root` and returns its Helm apps.
pub fn apps(repo_root: &Path, clusters: &[Cluster], extra_urls: &[&str]) -> Vec<(App, RenderCtx)> {
    let roots: Vec<(usize, Value)> = clusters
        .iter()
        .enumerate()
        .flat_map(|(i, c)| {
            c.roots.iter().map(move |r| {
                let root = read_root(r);
                (
                    i,
                    match &c.root_values {
                        Some(p) => patch_root(root, p),
                        None => root,
                    },
                )
            })
        })
        .collect();
    let mut urls: Vec<String> = extra_urls.iter().map(|s| s.to_string()).collect();
    for (_, r) in &roots {
        urls.extend(repo_urls(r));
    }
    let repo = Repo::new(repo_root, &urls, None).expect("repo");
    let mut out = Vec::new();
    for (ci, c) in clusters.iter().enumerate() {
        let facts = ClusterFacts::new(&c.name, "", &c.kube_version, c.api_versions.clone());
        let my_roots: Vec<Value> = roots
            .iter()
            .filter(|(i, _)| *i == ci)
            .map(|(_, r)| r.clone())
            .collect();
        let result = kiln_argocd::compile_roots(&repo, &facts, &my_roots);
        let control_ns = my_roots
            .first()
            .and_then(|r| tree::get_str(r, &["metadata", "namespace"]))
            .unwrap_or_else(|| "argocd".into());
        // Every Application of the cluster by (namespace, name).
        let mut specs: BTreeMap<(String, String), Value> = BTreeMap::new();
        let mut add = |v: &Value, default_ns: &str| {
            let name = tree::get_str(v, &["metadata", "name"]).unwrap_or_default();
            let ns = tree::get_str(v, &["metadata", "namespace"])
                .unwrap_or_else(|| default_ns.to_string());
            specs.entry((ns, name)).or_insert_with(|| v.clone());
        };
        for r in &my_roots {
            add(r, &control_ns);
        }
        let tree_ = appset::WorkTree::new(repo.root());
        let is_local = |url: &str| repo.is_local(url);
        for a in &result.apps {
            for d in &a.docs {
                let Some(v) = &d.obj else { continue };
                match tree::get_str(v, &["kind"]).as_deref() {
                    Some("Application") => add(v, &control_ns),
                    Some("ApplicationSet") => {
                        let ns = tree::get_str(v, &["metadata", "namespace"])
                            .unwrap_or_else(|| control_ns.clone());
                        let exp =
                            appset::expand(v, &ns, &appset::ExpandContext::new(&tree_, &is_local));
                        for app in &exp.applications {
                            add(app, &ns);
                        }
                    }
                    _ => {}
                }
            }
        }
        if std::env::var_os("KILN_SCAN_VERBOSE").is_some() {
            for rec in result.apps.iter().filter(|r| r.status == Status::Error) {
                println!(
                    "   {}: {} failed: {}",
                    c.name,
                    rec.name,
                    rec.message.as_deref().unwrap_or("")
                );
            }
            for a in result.appsets.iter().filter(|a| !a.errors.is_empty()) {
                println!("   {}: ApplicationSet {}: {:?}", c.name, a.name, a.errors);
            }
        }
        for rec in &result.apps {
            if rec.status != Status::Rendered {
                continue;
            }
            let Some(app_v) = specs.get(&(rec.namespace.clone(), rec.name.clone())) else {
                continue;
            };
            let spec = tree::get(app_v, &["spec"]).unwrap_or(Value::Nil);
            let source = tree::get(&spec, &["source"]).or_else(|| {
                tree::get_list(&spec, &["sources"]).and_then(|l| {
                    l.into_iter()
                        .find(|s| tree::get_str(s, &["path"]).is_some())
                })
            });
            let Some(source) = source else { continue };
            if tree::get_str(&source, &["chart"]).is_some() {
                continue;
            }
            let Some(path) = tree::get_str(&source, &["path"]) else {
                continue;
            };
            let chart_dir = normalize(&path);
            if !repo.path(&chart_dir).join("Chart.yaml").is_file() {
                continue;
            }
            let Ok(chart) = repo.chart(&chart_dir) else {
                continue;
            };
            let helm = tree::get(&source, &["helm"]).unwrap_or(Value::Nil);
            let mut files = Vec::new();
            let chart_values = std::fs::read_to_string(repo.path(&chart_dir).join("values.yaml"))
                .unwrap_or_default();
            if let Some((_, vf)) = value_file(&format!("{chart_dir}/values.yaml"), &chart_values) {
                files.push(vf);
            }
            let mut user = Map::new();
            for f in tree::get_list(&helm, &["valueFiles"]).unwrap_or_default() {
                let Some(f) = f.as_str() else { continue };
                if f.starts_with('$') || f.contains("://") {
                    continue;
                }
                let rel = normalize(&format!("{chart_dir}/{f}"));
                let Ok(text) = std::fs::read_to_string(repo.path(&rel)) else {
                    continue;
                };
                if let Some((m, vf)) = value_file(&rel, &text) {
                    user = merge_maps(user, m);
                    files.push(vf);
                }
            }
            let inline = match tree::get(&helm, &["valuesObject"]) {
                Some(v) if v.as_map().is_some() => v.as_map().map(|m| (*m).clone()),
                _ => tree::get_str(&helm, &["values"])
                    .and_then(|t| kiln_encoding::parse_values(&t).ok())
                    .and_then(|v| v.as_map().map(|m| (*m).clone())),
            };
            if let Some(m) = inline {
                user = merge_maps(user, m);
            }
            let namespace = rec
                .destination
                .iter()
                .find(|(k, _)| k == "namespace")
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| rec.namespace.clone());
            let ctx = RenderCtx {
                release: tree::get_str(&helm, &["releaseName"]).unwrap_or_else(|| rec.name.clone()),
                namespace: namespace.clone(),
                kube_version: Some(c.kube_version.clone()),
                api_versions: c.api_versions.clone(),
            };
            let objects = rec
                .docs
                .iter()
                .filter_map(|d| d.obj.clone().and_then(|v| object(v, &d.source, &namespace)))
                .collect();
            if let Ok(app) = app_from(
                chart,
                Some(c.name.clone()),
                &rec.name,
                &chart_dir,
                files,
                user,
                &ctx,
                Some(objects),
            ) {
                out.push(app);
            }
        }
    }
    out
}
