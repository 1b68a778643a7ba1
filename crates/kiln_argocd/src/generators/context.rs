//! What the generators read besides the ApplicationSet: the repository the `git`
//! generators list and read, which repoURLs denote it, the cluster Secrets the
//! `clusters` generator selects from, and the Git file globbing mode.
//!
//! Argo CD asks its repo server (`GetGitDirectories`, `GetGitFiles`) and the Kubernetes
//! API (cluster Secrets); kiln answers offline from an [`ExpandContext`] the caller
//! builds.

use std::collections::BTreeMap;

use kiln_gotmpl::Value;

use super::ParamSet;

/// How `git.files[].path` patterns match (Argo CD's
/// `applicationsetcontroller.enable.new.git.file.globbing` setting).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum GitFileGlobbing {
    /// The default: `git ls-files -- <pattern>` (git pathspec; `*` also matches `/`).
    #[default]
    Old,
    /// `--enable-new-git-file-globbing`: doublestar (`*` stays inside one path segment,
    /// `**` spans directories, `{a,b}` alternatives). Matched directories are an error, as
    /// Argo CD then fails to read them.
    New,
}

/// The files and directories of the repository the `git` generators read: the working
/// tree, a Git revision, or a test fixture (the caller decides).
///
/// Paths are repository-relative, `/`-separated, without a leading `./`.
pub trait RepoTree {
    /// Every directory as the repo server reports it (reposerver `GetGitDirectories`): no
    /// `.`, hidden directories (`.x`) and their subtrees left out, in walk order (each
    /// directory's entries sorted by name, parents before children).
    fn directories(&self) -> Result<Vec<String>, String>;

    /// Every file Git tracks, sorted by path bytes (what `git ls-files` lists; hidden
    /// files included).
    fn files(&self) -> Result<Vec<String>, String>;

    /// The content of one file returned by [`RepoTree::files`] or
    /// [`RepoTree::match_files`].
    fn read(&self, path: &str) -> Result<Vec<u8>, String>;

    /// The files one `git.files[].path` pattern selects (reposerver `GetGitFiles`,
    /// util/git `LsFiles`). The default matches [`RepoTree::files`] (and, for
    /// [`GitFileGlobbing::New`], [`RepoTree::directories`]) with
    /// [`crate::generators::glob::ls_files`]; a fixture may answer directly.
    fn match_files(&self, pattern: &str, globbing: GitFileGlobbing) -> Result<Vec<String>, String> {
        super::glob::ls_files(self, pattern, globbing)
    }
}

/// One Argo CD cluster Secret (label `argocd.argoproj.io/secret-type: cluster`), as the
/// `clusters` generator sees it: `data.name`, `data.server`, `data.project` and the
/// Secret's labels and annotations. The secret-type label belongs in `labels`: Argo CD
/// exposes it as `metadata.labels.argocd.argoproj.io/secret-type`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClusterSecret {
    /// `data.name` (the cluster name; Secrets with the same name collapse, the later wins).
    pub name: String,
    /// `data.server` (the API server URL).
    pub server: String,
    /// `data.project`, when the Secret has that key (`""` is a present, empty project).
    pub project: Option<String>,
    /// The Secret's `metadata.labels`.
    pub labels: BTreeMap<String, String>,
    /// The Secret's `metadata.annotations`.
    pub annotations: BTreeMap<String, String>,
}

/// The label Argo CD selects cluster Secrets by.
pub const SECRET_TYPE_LABEL: &str = "argocd.argoproj.io/secret-type";

impl ClusterSecret {
    /// Reads a Kubernetes `Secret` object: `stringData` entries win over base64 `data`
    /// entries. `None` when it is not a Secret labelled
    /// `argocd.argoproj.io/secret-type: cluster`.
    pub fn from_secret(obj: &Value) -> Option<ClusterSecret> {
        let m = obj.as_map()?;
        if m.get("kind").and_then(|k| k.as_str().map(String::from)) != Some("Secret".into()) {
            return None;
        }
        let md = m.get("metadata").and_then(Value::as_map);
        let string_map = |key: &str| -> BTreeMap<String, String> {
            md.as_ref()
                .and_then(|md| md.get(key).and_then(Value::as_map))
                .map(|mm| {
                    mm.iter()
                        .filter_map(|(k, v)| v.as_str().map(|s| (k.to_string(), s.to_string())))
                        .collect()
                })
                .unwrap_or_default()
        };
        let labels = string_map("labels");
        if labels.get(SECRET_TYPE_LABEL).map(String::as_str) != Some("cluster") {
            return None;
        }
        let field = |key: &str| -> Option<String> {
            if let Some(s) = m
                .get("stringData")
                .and_then(|d| d.as_map())
                .and_then(|d| d.get(key).and_then(|v| v.as_str().map(String::from)))
            {
                return Some(s);
            }
            let enc = m
                .get("data")
                .and_then(|d| d.as_map())
                .and_then(|d| d.get(key).and_then(|v| v.as_str().map(String::from)))?;
            base64_decode(&enc).map(|b| String::from_utf8_lossy(&b).into_owned())
        };
        Some(ClusterSecret {
            name: field("name").unwrap_or_default(),
            server: field("server").unwrap_or_default(),
            project: field("project"),
            labels,
            annotations: string_map("annotations"),
        })
    }
}

/// Standard base64 (padding optional, whitespace ignored); `None` when malformed.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' | b' ' | b'\n' | b'\r' | b'\t' => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Where the `clusters` generator lists cluster Secrets from (the Kubernetes API in Argo
/// CD: Secrets of the controller namespace).
pub trait ClusterSource {
    /// Every cluster Secret (the generator applies its own selector).
    fn cluster_secrets(&self) -> Result<Vec<ClusterSecret>, String>;
}

impl ClusterSource for Vec<ClusterSecret> {
    fn cluster_secrets(&self) -> Result<Vec<ClusterSecret>, String> {
        Ok(self.clone())
    }
}

/// No cluster Secrets at all (the `clusters` generator then yields only `in-cluster`).
#[derive(Clone, Copy, Debug, Default)]
pub struct NoClusters;

impl ClusterSource for NoClusters {
    fn cluster_secrets(&self) -> Result<Vec<ClusterSecret>, String> {
        Ok(Vec::new())
    }
}

/// A hook that answers for a terminal generator (`list`, `clusters`, `git`, ...) instead
/// of kiln: called with the generator kind and its (interpolated) spec; `Some` replaces
/// the generator's output. Tests use it to mock a matrix child, as Argo CD's own tests do.
pub type GeneratorOverride<'a> = dyn Fn(&str, &Value) -> Option<Result<Vec<ParamSet>, String>> + 'a;

/// Everything ApplicationSet expansion reads besides the ApplicationSet itself.
pub struct ExpandContext<'a> {
    /// Files and directories of the repository the git generators read (the working
    /// tree, or a Git revision: the caller decides).
    pub repo: &'a dyn RepoTree,
    /// Whether a repoURL denotes this repository (git generators for other repositories
    /// fail with an "external repository" error).
    pub is_local: &'a dyn Fn(&str) -> bool,
    /// Cluster Secrets known to this Argo CD (for the clusters generator).
    pub clusters: &'a dyn ClusterSource,
    /// Matching of `git.files[].path` patterns.
    pub git_file_globbing: GitFileGlobbing,
    /// Optional replacement of terminal generators (tests).
    pub generator_override: Option<&'a GeneratorOverride<'a>>,
}

impl<'a> ExpandContext<'a> {
    /// A context reading `repo`, with no cluster Secrets, the default ("old") Git file
    /// globbing and no overrides.
    pub fn new(repo: &'a dyn RepoTree, is_local: &'a dyn Fn(&str) -> bool) -> ExpandContext<'a> {
        ExpandContext {
            repo,
            is_local,
            clusters: &NoClusters,
            git_file_globbing: GitFileGlobbing::Old,
            generator_override: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64() {
        assert_eq!(base64_decode("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(base64_decode("aGk").unwrap(), b"hi");
        assert!(base64_decode("a$").is_none());
    }
}
