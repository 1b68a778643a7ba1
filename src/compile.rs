//! `kiln compile`: which clusters to build (from flags or `kiln.toml`), building them in
//! parallel, and writing the rendered tree.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use kiln_argocd::appset::{ClusterSecret, GitFileGlobbing};
use kiln_argocd::generators::context::SECRET_TYPE_LABEL;
use kiln_argocd::{ClusterFacts, ClusterResult, DiskTree, FileTree, GitTree, Repo, Shard, Status};
use kiln_gotmpl::Value;
use rayon::prelude::*;

use crate::config::{ClusterConfig, Config, CONFIG_FILE};

/// Kubernetes version used when neither flags nor `kiln.toml` give one: Helm v4.2.3's
/// default (`.Capabilities.KubeVersion` of `helm template`).
pub const DEFAULT_KUBE_VERSION: &str = "1.36.0";

/// What to compile (the resolved `kiln compile` arguments).
#[derive(Debug, Clone, Default)]
pub struct CompileRequest {
    /// The monorepo root.
    pub repo: PathBuf,
    /// Root Application files; each is one cluster named after the file stem. Empty: the
    /// clusters of `kiln.toml`.
    pub roots: Vec<PathBuf>,
    /// Extra repoURLs meaning "this repository".
    pub repo_urls: Vec<String>,
    /// Kubernetes version for every cluster (overrides `kiln.toml`).
    pub kube_version: Option<String>,
    /// Extra API versions for every cluster (added to `kiln.toml`'s).
    pub api_versions: Vec<String>,
    /// Match `git.files[].path` with Argo CD's new (doublestar) globbing (also
    /// `new-git-file-globbing` in `kiln.toml`).
    pub new_git_file_globbing: bool,
    /// Read everything (`kiln.toml`, roots, charts, values, the git generators' files)
    /// from this revision of the Git repository at or above `repo` instead of the
    /// working tree (`--revision`; no checkout).
    pub revision: Option<String>,
    /// `--shard I/N`: render only this shard's Applications (see
    /// [`kiln_argocd::shard`]).
    pub shard: Option<Shard>,
    /// The render cache directory (`kiln_argocd::cache`); `None`: every render executes.
    pub cache_dir: Option<PathBuf>,
}

/// A usage or input problem (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("{0}")]
    Config(#[from] crate::config::ConfigError),
    #[error("{path}: {message}")]
    Root { path: PathBuf, message: String },
    #[error("{0}")]
    Other(String),
}

/// One cluster to compile.
#[derive(Debug, Clone)]
pub struct ClusterPlan {
    pub facts: ClusterFacts,
    pub roots: Vec<Value>,
}

/// Resolves the request into a repository and cluster plans.
pub fn plan(req: &CompileRequest) -> Result<(Repo, Vec<ClusterPlan>, Option<Config>), InputError> {
    if !req.repo.is_dir() {
        return Err(InputError::Other(format!(
            "repository directory not found: {}",
            req.repo.display()
        )));
    }
    let root_dir = req
        .repo
        .canonicalize()
        .map_err(|e| InputError::Other(format!("{}: {e}", req.repo.display())))?;
    let files: Arc<dyn FileTree> = match &req.revision {
        None => Arc::new(DiskTree::new(&root_dir)),
        Some(rev) => {
            Arc::new(GitTree::open(&root_dir, rev).map_err(|e| InputError::Other(e.to_string()))?)
        }
    };
    // How a repository file is named in messages: `REV:path` for a revision.
    let shown = |rel: &str| match &req.revision {
        Some(rev) => PathBuf::from(format!("{rev}:{rel}")),
        None => req.repo.join(rel),
    };
    let config = Config::load_from(&*files, &shown(CONFIG_FILE))?;
    let mut urls: Vec<String> = config
        .as_ref()
        .map(|c| c.repo_urls.clone())
        .unwrap_or_default();
    urls.extend(req.repo_urls.iter().cloned());

    let mut plans = Vec::new();
    if !req.roots.is_empty() {
        for path in &req.roots {
            let root = match &req.revision {
                None => read_root(path)?,
                Some(_) => {
                    let rel = repo_relative(&root_dir, path).ok_or_else(|| InputError::Root {
                        path: path.clone(),
                        message: "not inside the repository (with --revision, root files are read from the revision)".into(),
                    })?;
                    read_root_in(&*files, &rel, &shown(&rel))?
                }
            };
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "cluster".into());
            let kube_version = req
                .kube_version
                .clone()
                .unwrap_or_else(|| DEFAULT_KUBE_VERSION.into());
            plans.push(ClusterPlan {
                facts: ClusterFacts::new(
                    &name,
                    &file_name(path),
                    &kube_version,
                    split_api_versions(&req.api_versions),
                ),
                roots: vec![root],
            });
        }
    } else if let Some(cfg) = &config {
        for (name, c) in &cfg.clusters {
            let mut secrets = Vec::new();
            for other in &c.argocd_clusters {
                let Some(o) = cfg.clusters.get(other) else {
                    return Err(InputError::Other(format!(
                        "kiln.toml: cluster {name}: argocd-clusters names {other:?}, which is not a cluster of kiln.toml"
                    )));
                };
                secrets.push(cluster_secret(other, o).map_err(|m| {
                    InputError::Other(format!("kiln.toml: cluster {name}: argocd-clusters: {m}"))
                })?);
            }
            if c.roots.is_empty() {
                // Inventory only: registered in another cluster's Argo CD.
                continue;
            }
            let mut roots = Vec::new();
            for r in &c.roots {
                roots.push(read_root_in(&*files, r, &shown(r))?);
            }
            let mut apis = c.api_versions.clone();
            apis.extend(split_api_versions(&req.api_versions));
            let root_files = c
                .roots
                .iter()
                .map(|r| file_name(Path::new(r)))
                .collect::<Vec<_>>()
                .join(",");
            let kube_version = req
                .kube_version
                .clone()
                .or_else(|| c.kube_version.clone())
                .unwrap_or_else(|| DEFAULT_KUBE_VERSION.into());
            let mut facts = ClusterFacts::new(name, &root_files, &kube_version, apis);
            facts.argocd_clusters = secrets;
            plans.push(ClusterPlan { facts, roots });
        }
    } else {
        return Err(InputError::Other(format!(
            "no clusters: give root Applications with --root FILE, or list them in {}/kiln.toml",
            req.repo.display()
        )));
    }
    if plans.is_empty() {
        return Err(InputError::Other(
            "kiln.toml lists no cluster with roots to compile".into(),
        ));
    }
    let new_globbing =
        req.new_git_file_globbing || config.as_ref().is_some_and(|c| c.new_git_file_globbing);
    for p in &mut plans {
        p.facts.kube_version = p.facts.kube_version.trim_start_matches('v').to_string();
        if new_globbing {
            p.facts.git_file_globbing = GitFileGlobbing::New;
        }
        p.facts.shard = req.shard;
        for root in &p.roots {
            for url in root_repo_urls(root) {
                if !urls.contains(&url) {
                    urls.push(url);
                }
            }
        }
    }
    let name = config.as_ref().and_then(|c| c.name.clone());
    let mut repo = Repo::with_files(&root_dir, files, req.revision.clone(), &urls, name);
    if let Some(dir) = &req.cache_dir {
        repo.set_render_cache(Some(Arc::new(kiln_argocd::cache::RenderCache::open(dir))));
    }
    Ok((repo, plans, config))
}

/// The cluster Secret Argo CD holds for a cluster of `kiln.toml` (what a `clusters`
/// generator selects from): `name` is the cluster's name in `kiln.toml`, and the
/// `argocd.argoproj.io/secret-type: cluster` label is added as on a real Secret.
fn cluster_secret(name: &str, c: &ClusterConfig) -> Result<ClusterSecret, String> {
    let server = c.server.clone().ok_or_else(|| {
        format!("cluster {name} has no `server` (the API server URL its cluster Secret holds)")
    })?;
    let mut labels = c.labels.clone();
    labels.insert(SECRET_TYPE_LABEL.into(), "cluster".into());
    Ok(ClusterSecret {
        name: name.into(),
        server,
        project: c.project.clone(),
        labels,
        annotations: c.annotations.clone(),
    })
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn split_api_versions(v: &[String]) -> Vec<String> {
    v.iter()
        .flat_map(|a| a.split(','))
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// The repoURLs of a root Application's sources (they denote this repository).
fn root_repo_urls(root: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let spec = kiln_argocd::tree::get(root, &["spec"]).unwrap_or(Value::Nil);
    let mut sources = kiln_argocd::tree::get_list(&spec, &["sources"]).unwrap_or_default();
    if let Some(s) = kiln_argocd::tree::get(&spec, &["source"]) {
        sources.insert(0, s);
    }
    for s in sources {
        if kiln_argocd::tree::get_str(&s, &["chart"]).is_some() {
            continue;
        }
        if let Some(u) = kiln_argocd::tree::get_str(&s, &["repoURL"]) {
            out.push(u);
        }
    }
    out
}

/// `path` (relative to the current directory) as a path relative to the repository
/// root `root` (absolute, symlink-free); `None` when it is outside. The file need not
/// exist on disk (it may exist only in a revision).
fn repo_relative(root: &Path, path: &Path) -> Option<String> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(path)
    };
    // Canonicalize the longest existing ancestor; the rest is taken lexically.
    let mut base = abs.as_path();
    let mut rest = Vec::new();
    let base = loop {
        if let Ok(c) = base.canonicalize() {
            break c;
        }
        rest.push(base.file_name()?.to_os_string());
        base = base.parent()?;
    };
    let mut parts: Vec<String> = Vec::new();
    for c in base.strip_prefix(root).ok()?.components() {
        parts.push(c.as_os_str().to_str()?.to_string());
    }
    for r in rest.iter().rev() {
        match Path::new(r).components().next()? {
            Component::Normal(s) => parts.push(s.to_str()?.to_string()),
            Component::ParentDir => {
                parts.pop()?;
            }
            _ => {}
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Reads a root Application file on disk: exactly one `Application` document.
fn read_root(path: &Path) -> Result<Value, InputError> {
    let text = std::fs::read_to_string(path).map_err(|e| InputError::Root {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    parse_root(&text, path)
}

/// Reads the root Application file at repository path `rel` of `files`; `shown` names
/// it in errors.
fn read_root_in(files: &dyn FileTree, rel: &str, shown: &Path) -> Result<Value, InputError> {
    let text = files.read_text(rel).map_err(|e| InputError::Root {
        path: shown.to_path_buf(),
        message: e.reason(),
    })?;
    parse_root(&text, shown)
}

/// Parses a root Application file: exactly one `Application` document.
fn parse_root(text: &str, path: &Path) -> Result<Value, InputError> {
    let mut apps = Vec::new();
    for doc in kiln_encoding::parse_documents(text) {
        let doc = doc.map_err(|e| InputError::Root {
            path: path.to_path_buf(),
            message: match e.position {
                Some(p) => format!("line {}: {}", p.line, e.message),
                None => e.message,
            },
        })?;
        if kiln_argocd::tree::get_str(&doc.value, &["kind"]).as_deref() == Some("Application") {
            apps.push(doc.value);
        }
    }
    if apps.len() != 1 {
        return Err(InputError::Root {
            path: path.to_path_buf(),
            message: format!(
                "expected exactly one Application document, found {}",
                apps.len()
            ),
        });
    }
    let app = apps.remove(0);
    if kiln_argocd::tree::get_str(&app, &["metadata", "name"]).is_none_or(|n| n.is_empty()) {
        return Err(InputError::Root {
            path: path.to_path_buf(),
            message: "the root Application has no metadata.name".into(),
        });
    }
    Ok(app)
}

/// Compiles every planned cluster, in parallel; results are in plan order.
/// A progress bar is drawn on standard error while it runs, when that is a terminal.
pub fn compile(repo: &Repo, plans: &[ClusterPlan]) -> Vec<ClusterResult> {
    let progress = crate::progress::Progress::clusters(plans.len(), "compiling");
    plans
        .par_iter()
        .map(|p| {
            let r = kiln_argocd::fleet::compile_roots(repo, &p.facts, &p.roots);
            progress.done(&p.facts.name);
            r
        })
        .collect()
}

/// Whether every Application rendered (external ones count as fine) and every
/// ApplicationSet expanded without error.
pub fn all_ok(results: &[ClusterResult]) -> bool {
    results.iter().all(|r| {
        r.apps.iter().all(|a| a.status != Status::Error)
            && r.appsets.iter().all(|a| a.errors.is_empty())
    })
}

/// Writes the rendered tree: `OUT/<cluster>/<app>/manifest.yaml` and
/// `OUT/<cluster>/fleet.json`. The tree is built beside `out` and swapped in, so a
/// failure never leaves a half-written tree, and nothing outside `out` is touched.
///
/// With `--shard`, each cluster gets the shard's partial `fleet.shard-I-of-N.json`
/// instead of `fleet.json`, and only the shard's own Applications (`kiln combine`
/// assembles the shards' trees).
pub fn write_tree(out: &Path, results: &[ClusterResult]) -> std::io::Result<()> {
    replace_dir(out, |tmp| {
        // Clusters, and the Applications of each, are written in parallel: every file
        // has its own path, so the bytes do not depend on the order.
        results.par_iter().try_for_each(|r| {
            let cdir = tmp.join(&r.facts.name);
            std::fs::create_dir_all(&cdir)?;
            r.manifests().par_iter().try_for_each(|(dir, text)| {
                let adir = cdir.join(dir);
                std::fs::create_dir_all(&adir)?;
                std::fs::write(adir.join("manifest.yaml"), text)
            })?;
            match r.facts.shard {
                Some(shard) => std::fs::write(cdir.join(shard.fragment_file()), r.fragment_json()),
                None => std::fs::write(cdir.join("fleet.json"), r.fleet_json()),
            }
        })
    })
}

/// Replaces the directory `out` with what `fill` writes into a fresh directory beside
/// it (then renamed into place), so a failure never leaves a half-written tree and
/// nothing outside `out` is touched.
pub fn replace_dir(
    out: &Path,
    fill: impl FnOnce(&Path) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let base = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "rendered".into());
    let tmp = parent.join(format!(".{base}.kiln-new-{}", std::process::id()));
    let old = parent.join(format!(".{base}.kiln-old-{}", std::process::id()));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp)?;
    }
    std::fs::create_dir_all(&tmp)?;
    crate::budget::writing(&tmp);
    let written = fill(&tmp);
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    // From here the run finishes the swap even if its `--timeout` runs out.
    let _commit = crate::budget::commit();
    if out.exists() {
        std::fs::rename(out, &old)?;
    }
    if let Err(e) = std::fs::rename(&tmp, out) {
        if old.exists() {
            let _ = std::fs::rename(&old, out);
        }
        return Err(e);
    }
    if old.exists() {
        std::fs::remove_dir_all(&old)?;
    }
    Ok(())
}

/// The files of `out` that [`write_tree`] would add, change or remove to write
/// `results` (paths relative to `out`, `/`-separated, sorted): empty when the tree on
/// disk is already what the sources give. A missing `out` counts as empty.
pub fn tree_changes(out: &Path, results: &[ClusterResult]) -> Vec<String> {
    let mut expected = std::collections::BTreeMap::new();
    for r in results {
        for (dir, text) in r.manifests() {
            expected.insert(
                format!("{}/{dir}/manifest.yaml", r.facts.name),
                text.into_bytes(),
            );
        }
        expected.insert(
            format!("{}/fleet.json", r.facts.name),
            r.fleet_json().into_bytes(),
        );
    }
    let mut found = std::collections::BTreeSet::new();
    let mut changes = Vec::new();
    let mut stack = vec![(out.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let rel = if prefix.is_empty() {
                name
            } else {
                format!("{prefix}/{name}")
            };
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push((e.path(), rel));
                continue;
            }
            match expected.get(&rel) {
                Some(want) if std::fs::read(e.path()).is_ok_and(|got| &got == want) => {}
                _ => changes.push(rel.clone()),
            }
            found.insert(rel);
        }
    }
    changes.extend(expected.keys().filter(|k| !found.contains(*k)).cloned());
    changes.sort();
    changes
}
