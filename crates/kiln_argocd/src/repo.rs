//! The monorepo: where it is, which repoURLs mean "this repository", and a cache of
//! loaded charts shared by every cluster and Application that renders them.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use kiln_helm::chart::Chart;
use kiln_helm::loader::{self, LoadError};

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

/// The monorepo being compiled.
pub struct Repo {
    root: PathBuf,
    name: String,
    aliases: HashSet<String>,
    charts: Mutex<HashMap<PathBuf, Result<Arc<Chart>, LoadError>>>,
    /// The files the ApplicationSet `git` generators list (walked once, on first use).
    tree: WorkTree,
}

impl Repo {
    /// A monorepo at `root` (made absolute) known under the given repoURLs.
    pub fn new(root: &Path, repo_urls: &[String], name: Option<String>) -> std::io::Result<Repo> {
        let root = root.canonicalize()?;
        let name = name.unwrap_or_else(|| {
            root.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
        Ok(Repo {
            name,
            aliases: repo_urls.iter().map(|u| normalize_repo_url(u)).collect(),
            charts: Mutex::new(HashMap::new()),
            tree: WorkTree::new(&root),
            root,
        })
    }

    /// The repository's files as the ApplicationSet `git` generators see them (the
    /// working tree, walked once per `Repo` and shared by every cluster).
    pub fn work_tree(&self) -> &WorkTree {
        &self.tree
    }

    /// The repository root (absolute).
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

    /// Absolute path of a repository-relative path.
    pub fn path(&self, rel: &str) -> PathBuf {
        if rel.is_empty() || rel == "." {
            self.root.clone()
        } else {
            self.root.join(rel)
        }
    }

    /// The chart at the repository-relative directory `rel`, loaded once.
    pub fn chart(&self, rel: &str) -> Result<Arc<Chart>, LoadError> {
        let path = self.path(rel);
        if let Some(c) = self.charts.lock().ok().and_then(|m| m.get(&path).cloned()) {
            return c;
        }
        let loaded = loader::load_dir(&path).map(Arc::new);
        if let Ok(mut m) = self.charts.lock() {
            m.insert(path, loaded.clone());
        }
        loaded
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
