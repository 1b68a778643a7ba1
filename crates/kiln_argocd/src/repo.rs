//! The monorepo: where it is, which repoURLs mean "this repository", its files (the
//! working tree or a Git revision, behind one [`FileTree`]), and a cache of loaded
//! charts shared by every cluster and Application that renders them.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use kiln_gotmpl::Map;
use kiln_helm::chart::Chart;
use kiln_helm::loader::{self, LoadError};
use kiln_helm::template::{TemplateOptions, TemplateOutput};
use kiln_helm::HelmError;

use crate::cache::{Digest, HashingChartTree, RenderCache, RenderStats, StatsSnapshot};

use crate::files::{
    join, ChartDir, DirEntry, DiskTree, FileError, FileTree, GitTree, RevisionError,
};
use crate::generators::worktree::WorkTree;

/// Normalizes a repoURL for comparison, as the reference implementation does:
/// lower-cased, trailing `/` and `.git` dropped, `git@host:`/`ssh://`/`git://`/`http://`
/// mapped to `https://host/`, credentials removed.
pub fn normalize_repo_url(url: &str) -> String {
    let mut u = url.trim().to_lowercase();
    while u.ends_with('/') {
        u.pop();
    }
    if let Some(s) = u.strip_suffix(".git") {
        u = s.to_string();
    }
    if let Some(rest) = u.strip_prefix("git@") {
        if let Some((host, path)) = rest.split_once(':') {
            u = format!("https://{host}/{path}");
        }
    }
    for scheme in ["ssh://", "git://", "http://"] {
        if let Some(rest) = u.strip_prefix(scheme) {
            u = format!("https://{rest}");
            break;
        }
    }
    if let Some(rest) = u.strip_prefix("https://") {
        if let Some(at) = rest.find('@') {
            if !rest[..at].contains('/') {
                u = format!("https://{}", &rest[at + 1..]);
            }
        }
    }
    u
}

/// A chart load's outcome: the chart and the digest of what loading it read.
type LoadedChart = Result<(Arc<Chart>, Digest), LoadError>;

/// The monorepo being compiled.
///
/// Every read goes through its [`FileTree`]: the working tree on disk ([`Repo::new`]) or
/// the objects of one Git revision ([`Repo::at_revision`]: no checkout, the working
/// tree, index and `HEAD` untouched). Paths are repository-relative and `/`-separated;
/// symlinks are followed inside the repository only.
pub struct Repo {
    root: PathBuf,
    name: String,
    aliases: HashSet<String>,
    files: Arc<dyn FileTree>,
    revision: Option<String>,
    /// Loaded charts with the digest of what loading them read.
    charts: Mutex<HashMap<String, LoadedChart>>,
    /// The files the ApplicationSet `git` generators list (walked once, on first use).
    tree: WorkTree,
    /// Where Helm renders are stored and looked up (`None`: every render executes).
    cache: Option<Arc<RenderCache>>,
    /// Counts of Helm renders of this run.
    stats: Arc<RenderStats>,
}

/// The directory's name, the default repository name.
fn dir_name(root: &Path) -> String {
    root.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

impl Repo {
    /// The working tree at `root` (made absolute) known under the given repoURLs;
    /// `name` defaults to the directory's name. Errors when `root` does not exist.
    pub fn new(root: &Path, repo_urls: &[String], name: Option<String>) -> std::io::Result<Repo> {
        let root = root.canonicalize()?;
        let files: Arc<dyn FileTree> = Arc::new(DiskTree::new(&root));
        Ok(Repo::with_files(&root, files, None, repo_urls, name))
    }

    /// Revision `revision` of the Git repository found at or above `root` (see
    /// [`GitTree::open`]); when `root` is a subdirectory of the working tree, that
    /// directory of the revision is the monorepo. `name` defaults to `root`'s name.
    pub fn at_revision(
        root: &Path,
        revision: &str,
        repo_urls: &[String],
        name: Option<String>,
    ) -> Result<Repo, RevisionError> {
        let tree = GitTree::open(root, revision)?;
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        Ok(Repo::with_files(
            &root,
            Arc::new(tree),
            Some(revision.to_string()),
            repo_urls,
            name,
        ))
    }

    /// A monorepo whose files are `files` (a fixture, or a tree built by the caller);
    /// `root` is where it is said to be (messages, [`Repo::path`], the default name).
    pub fn with_files(
        root: &Path,
        files: Arc<dyn FileTree>,
        revision: Option<String>,
        repo_urls: &[String],
        name: Option<String>,
    ) -> Repo {
        Repo {
            name: name.unwrap_or_else(|| dir_name(root)),
            aliases: repo_urls.iter().map(|u| normalize_repo_url(u)).collect(),
            charts: Mutex::new(HashMap::new()),
            tree: WorkTree::over(files.clone()),
            cache: None,
            stats: Arc::new(RenderStats::default()),
            files,
            revision,
            root: root.to_path_buf(),
        }
    }

    /// The repository's files as the ApplicationSet `git` generators see them (walked
    /// once per `Repo` and shared by every cluster): the working tree, or the tracked
    /// files of the revision.
    pub fn work_tree(&self) -> &WorkTree {
        &self.tree
    }

    /// The repository's files.
    pub fn files(&self) -> &Arc<dyn FileTree> {
        &self.files
    }

    /// The Git revision read, `None` for the working tree.
    pub fn revision(&self) -> Option<&str> {
        self.revision.as_deref()
    }

    /// What is read, for messages (`working tree /x`, `revision main (1a2b…) of /x`).
    pub fn describe(&self) -> String {
        self.files.describe()
    }

    /// The bytes of the repository-relative file `rel` (symlinks followed inside the
    /// repository). Errors name `rel`: `values/x.yaml: no such file or directory`.
    pub fn read(&self, rel: &str) -> Result<Arc<[u8]>, FileError> {
        self.files.read(rel)
    }

    /// The UTF-8 text of the repository-relative file `rel` (see [`Repo::read`]; text
    /// that is not UTF-8 is an error).
    pub fn read_text(&self, rel: &str) -> Result<String, FileError> {
        self.files.read_text(rel)
    }

    /// Whether `rel` is a file (symlinks followed inside the repository).
    pub fn is_file(&self, rel: &str) -> bool {
        self.files.is_file(rel)
    }

    /// Whether `rel` is a directory (symlinks followed inside the repository).
    pub fn is_dir(&self, rel: &str) -> bool {
        self.files.is_dir(rel)
    }

    /// Whether anything is at `rel` (symlinks followed inside the repository).
    pub fn exists(&self, rel: &str) -> bool {
        self.files.exists(rel)
    }

    /// The entries of directory `rel`, sorted by name bytes, symlinks not followed (see
    /// [`FileTree::list`]).
    pub fn list(&self, rel: &str) -> Result<Vec<DirEntry>, FileError> {
        self.files.list(rel)
    }

    /// The repository root (absolute): the working tree's directory, also for a
    /// revision (where a checkout would be). Read files through [`Repo::read`], not
    /// from here.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The repository's name (its directory name unless configured).
    pub fn name(&self) -> String {
        self.name.clone()
    }

    /// Adds a repoURL alias.
    pub fn add_url(&mut self, url: &str) {
        self.aliases.insert(normalize_repo_url(url));
    }

    /// Whether `url` denotes this repository: one of its aliases, or a placeholder
    /// without a scheme (`YOUR_REPO_URL`).
    pub fn is_local(&self, url: &str) -> bool {
        if url.is_empty() {
            return false;
        }
        if !url.contains("://") && !url.starts_with("git@") {
            return true;
        }
        self.aliases.contains(&normalize_repo_url(url))
    }

    /// Resolves `rel` (relative to `base`, itself relative to the root) lexically;
    /// `None` when the result leaves the repository.
    pub fn resolve(&self, base: &str, rel: &str) -> Option<String> {
        let mut parts: Vec<String> = Vec::new();
        let start = if rel.starts_with('/') { "" } else { base };
        for p in Path::new(start)
            .join(rel.trim_start_matches('/'))
            .components()
        {
            match p {
                Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
                Component::ParentDir => {
                    parts.pop()?;
                }
                _ => {}
            }
        }
        Some(parts.join("/"))
    }

    /// Where the repository-relative `rel` is on disk (for messages and editors; for a
    /// revision, where a checkout would put it). Read through [`Repo::read`].
    pub fn path(&self, rel: &str) -> PathBuf {
        if rel.is_empty() || rel == "." {
            self.root.clone()
        } else {
            self.root.join(rel)
        }
    }

    /// The chart at the repository-relative directory `rel`, loaded once (Helm's
    /// `LoadDir` semantics through [`kiln_helm::loader::load_tree`]).
    pub fn chart(&self, rel: &str) -> Result<Arc<Chart>, LoadError> {
        self.chart_with_digest(rel).map(|(c, _)| c)
    }

    /// [`Repo::chart`] with the digest of everything loading it read (its files and
    /// its subcharts', `.helmignore` applied): the chart's part of a render cache key.
    pub fn chart_with_digest(&self, rel: &str) -> LoadedChart {
        let key = join(rel, "");
        if let Some(c) = self.charts.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return c;
        }
        let dir = ChartDir::new(&*self.files, &key);
        let hashing = HashingChartTree::new(&dir);
        let loaded = loader::load_tree(&hashing).map(Arc::new);
        let digest = hashing.digest();
        let loaded = loaded.map(|c| (c, digest));
        // Another thread may have loaded it meanwhile: keep the first, so every caller
        // shares one chart.
        match self.charts.lock() {
            Ok(mut m) => m.entry(key).or_insert(loaded).clone(),
            Err(_) => loaded,
        }
    }

    /// Uses `cache` for [`Repo::template`] (`None`: no cache).
    pub fn set_render_cache(&mut self, cache: Option<Arc<RenderCache>>) {
        self.cache = cache;
    }

    /// The render cache in use.
    pub fn render_cache(&self) -> Option<&Arc<RenderCache>> {
        self.cache.as_ref()
    }

    /// How many Helm renders were asked for so far, and how many of them came from the
    /// cache.
    pub fn render_stats(&self) -> StatsSnapshot {
        self.stats.snapshot()
    }

    /// `helm template` of the chart loaded from the repository-relative directory
    /// `chart_dir` (`chart` is what [`Repo::chart`] returned for it) with `user` values,
    /// served from the render cache when an entry for exactly these inputs exists, and
    /// stored there otherwise (unless a template called a volatile function such as
    /// `now` or `randAlphaNum`).
    ///
    /// The output has the documents (`crds`, `manifests`, `hooks`); with
    /// `opts.source_maps` also `values` and `source_maps`. `rendered`, `notes` and
    /// `stream` are always empty (call [`kiln_helm::template`] for those), whether or
    /// not the result came from the cache.
    pub fn template(
        &self,
        chart_dir: &str,
        chart: &Arc<Chart>,
        user: &Map,
        opts: &TemplateOptions,
    ) -> Result<TemplateOutput, HelmError> {
        self.stats.render();
        let key = self.cache.as_ref().and_then(|cache| {
            let digest = match self.chart_with_digest(chart_dir) {
                Ok((loaded, d)) if Arc::ptr_eq(&loaded, chart) => d,
                _ => return None,
            };
            cache.key(&digest, user, opts).map(|k| (cache, k))
        });
        if let Some((cache, key)) = &key {
            if let Some(out) = cache.load(key) {
                self.stats.hit();
                return Ok(out);
            }
        }
        let volatile = kiln_helm::funcs::volatile_calls();
        let mut out = kiln_helm::template(chart, user, opts)?;
        out.rendered = Default::default();
        out.notes = String::new();
        out.stream = String::new();
        if !opts.source_maps {
            out.values = kiln_gotmpl::Value::Nil;
        }
        if let Some((cache, key)) = &key {
            if kiln_helm::funcs::volatile_calls() == volatile
                && cache.store(key, &out, opts.source_maps)
            {
                self.stats.store();
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            normalize_repo_url("git@github.com:Org/Repo.git"),
            "https://github.com/org/repo"
        );
        assert_eq!(
            normalize_repo_url("https://user@github.com/org/repo/"),
            "https://github.com/org/repo"
        );
    }
}
