//! `kiln.toml`: the monorepo's clusters (their root Applications and the facts Argo CD
//! would read from the live cluster) and the repoURLs that mean "this repository".
//!
//! ```toml
//! repo-urls = ["https://github.com/org/gitops"]
//! output = "rendered"
//!
//! [clusters.home]
//! roots = ["clusters/home.yaml"]
//! kube-version = "1.31.0"
//! api-versions = ["route.openshift.io/v1"]
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The name of the configuration file at the repository root.
pub const CONFIG_FILE: &str = "kiln.toml";

/// `kiln.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// repoURLs that denote this repository (root Applications' repoURLs are added).
    #[serde(default)]
    pub repo_urls: Vec<String>,
    /// Where `kiln compile` writes the rendered tree (relative to the repository root).
    pub output: Option<String>,
    /// The repository's name in `fleet.json` (default: the directory name).
    pub name: Option<String>,
    /// Match ApplicationSet `git.files[].path` patterns with Argo CD's new (doublestar)
    /// globbing, as with `applicationsetcontroller.enable.new.git.file.globbing: true`.
    #[serde(default)]
    pub new_git_file_globbing: bool,
    /// The branch `kiln compile` commits the rendered tree to (as `--branch`).
    pub branch: Option<String>,
    /// How the rendered tree is laid out on branches: `single`, `per-cluster` or
    /// `hydrator` (as `--layout`; default `single`).
    pub layout: Option<kiln_emit::Layout>,
    /// Clusters by name.
    #[serde(default)]
    pub clusters: BTreeMap<String, ClusterConfig>,
    /// `[checks]`: rule selection per path, `fail-on`, rule settings (read by
    /// `kiln_check::CheckConfig`).
    pub checks: Option<toml::Table>,
}

/// One cluster of `kiln.toml`: how to compile it and how Argo CD knows it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ClusterConfig {
    /// Root Application files (repository-relative), applied by hand on the cluster.
    /// A cluster without roots is not compiled; it only exists to be registered in
    /// another cluster's Argo CD (see `argocd-clusters`).
    #[serde(default)]
    pub roots: Vec<String>,
    /// Kubernetes version (`.Capabilities.KubeVersion`), e.g. `1.31.0`.
    pub kube_version: Option<String>,
    /// Extra API versions (`.Capabilities.APIVersions`).
    #[serde(default)]
    pub api_versions: Vec<String>,
    /// The API server URL Argo CD uses for this cluster (its cluster Secret's `server`).
    pub server: Option<String>,
    /// Labels of the cluster Secret (what `clusters` generator selectors match).
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// Annotations of the cluster Secret.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    /// The cluster Secret's `project`.
    pub project: Option<String>,
    /// Clusters (by name in this file) registered in this cluster's Argo CD: what a
    /// `clusters` generator lists there, besides the `in-cluster` entry Argo CD adds.
    #[serde(default)]
    pub argocd_clusters: Vec<String>,
}

/// Why `kiln.toml` could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
}

impl Config {
    /// Reads `kiln.toml` from the repository root on disk; `Ok(None)` when there is none.
    pub fn load(repo_root: &Path) -> Result<Option<Config>, ConfigError> {
        Config::load_from(
            &kiln_argocd::DiskTree::new(repo_root),
            &repo_root.join(CONFIG_FILE),
        )
    }

    /// Reads `kiln.toml` from the root of `files` (the working tree or a Git revision);
    /// `Ok(None)` when there is none. `shown` names the file in errors.
    pub fn load_from(
        files: &dyn kiln_argocd::FileTree,
        shown: &Path,
    ) -> Result<Option<Config>, ConfigError> {
        let text = match files.read_text(CONFIG_FILE) {
            Ok(t) => t,
            Err(e) if e.is_not_found() => return Ok(None),
            Err(e) => {
                return Err(ConfigError::Read {
                    path: shown.to_path_buf(),
                    source: std::io::Error::other(e.reason()),
                })
            }
        };
        Config::from_text(&text, shown).map(Some)
    }

    /// Parses `kiln.toml` text; `path` names the file in errors.
    pub fn from_text(text: &str, path: &Path) -> Result<Config, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
    }
}
