//! Is a committed rendered tree up to date? Reading rendered trees (directories, rendered
//! commits, per-cluster branch families) under canonical paths, and comparing them with
//! what the sources give.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use git2::{ErrorCode, Repository};

use crate::git::{self, TRAILER_CLUSTER, TRAILER_LAYOUT};
use crate::hydrator;
use crate::layout::{split_path, Layout, RenderedFile};
use crate::EmitError;

/// Where a committed rendered tree is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TreeSource {
    /// A directory written by `kiln compile --out DIR` (every file under it; `.git`
    /// directories are skipped).
    Dir(PathBuf),
    /// A revision of the Git repository at or above `repo`: a rendered commit (a branch,
    /// a tag, a commit id), or `NAME` of a `per-cluster` family of branches
    /// `NAME/<cluster>`.
    Git {
        /// A directory inside the repository.
        repo: PathBuf,
        /// The revision.
        rev: String,
    },
}

impl fmt::Display for TreeSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TreeSource::Dir(p) => write!(f, "directory {}", p.display()),
            TreeSource::Git { rev, .. } => write!(f, "revision {rev}"),
        }
    }
}

/// A rendered tree read back: its files under canonical paths
/// (`<cluster>/<app>/manifest.yaml`, ...) and the layout its commit says it has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadTree {
    /// Sorted by path.
    pub files: Vec<RenderedFile>,
    /// The `Kiln-Layout` trailer of the (first) commit read, if any.
    pub layout: Option<Layout>,
}

/// Reads a rendered tree under canonical paths. A commit with a `Kiln-Cluster: C`
/// trailer (a `per-cluster` branch) has its paths prefixed with `C/`; a revision that
/// names no commit but prefixes branches `NAME/<cluster>` reads all of them, each under
/// its cluster.
///
/// Errors: a directory that cannot be read, a revision that names neither a commit nor
/// a branch family, or a libgit2 failure.
pub fn read_tree(source: &TreeSource) -> Result<ReadTree, EmitError> {
    match source {
        TreeSource::Dir(dir) => Ok(ReadTree {
            files: read_dir_files(dir)?,
            layout: None,
        }),
        TreeSource::Git { repo, rev } => {
            let repo = git::open(repo)?;
            read_rendered_rev(&repo, rev)
        }
    }
}

/// [`read_tree`] of a revision in an open repository.
pub fn read_rendered_rev(repo: &Repository, rev: &str) -> Result<ReadTree, EmitError> {
    if rev.is_empty() || rev.starts_with('-') {
        return Err(EmitError::Usage(format!("not a revision: {rev:?}")));
    }
    match repo.revparse_single(rev).and_then(|o| o.peel_to_commit()) {
        Ok(c) => read_commit(repo, &c, None),
        Err(e) if e.code() == ErrorCode::NotFound || e.code() == ErrorCode::InvalidSpec => {
            let prefix = format!("refs/heads/{}/", rev.trim_start_matches("refs/heads/"));
            let mut family: Vec<(String, git2::Oid)> = repo
                .references()
                .map_err(|e| EmitError::git("listing references", e))?
                .filter_map(|r| r.ok())
                .filter_map(|r| Some((r.name().ok()?.to_string(), r.target()?)))
                .filter(|(n, _)| n.starts_with(&prefix) && !n[prefix.len()..].contains('/'))
                .collect();
            family.sort();
            if family.is_empty() {
                return Err(EmitError::git(format!("rendered revision {rev}"), e));
            }
            let mut files = Vec::new();
            let mut layout = None;
            for (name, id) in family {
                let c = repo
                    .find_commit(id)
                    .map_err(|e| EmitError::git(format!("reading {name}"), e))?;
                let t = read_commit(repo, &c, Some(&name[prefix.len()..]))?;
                layout = layout.or(t.layout);
                files.extend(t.files);
            }
            Ok(ReadTree {
                files: crate::layout::sort_dedup(files),
                layout,
            })
        }
        Err(e) => Err(EmitError::git(format!("rendered revision {rev}"), e)),
    }
}

fn read_commit(
    repo: &Repository,
    c: &git2::Commit<'_>,
    default_cluster: Option<&str>,
) -> Result<ReadTree, EmitError> {
    let message = String::from_utf8_lossy(c.message_bytes()).into_owned();
    let layout = git::trailer(&message, TRAILER_LAYOUT).and_then(|l| l.parse().ok());
    let cluster = git::trailer(&message, TRAILER_CLUSTER).or(default_cluster);
    let tree = c
        .tree()
        .map_err(|e| EmitError::git(format!("reading commit {}", c.id()), e))?;
    let files = git::tree_files(repo, &tree)?
        .into_iter()
        .map(|(p, b)| match cluster {
            Some(cl) => (format!("{cl}/{p}"), b),
            None => (p, b),
        })
        .collect();
    Ok(ReadTree {
        files: crate::layout::sort_dedup(files),
        layout,
    })
}

/// Every file under `dir` by `/`-separated relative path (symlinks are not followed;
/// `.git` directories are skipped), sorted.
pub fn read_dir_files(dir: &Path) -> Result<Vec<RenderedFile>, EmitError> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<RenderedFile>) -> Result<(), EmitError> {
        let io = |p: &Path, e: std::io::Error| EmitError::Io {
            path: p.display().to_string(),
            message: e.to_string(),
        };
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| io(dir, e))?
            .collect::<Result<_, _>>()
            .map_err(|e| io(dir, e))?;
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let p = e.path();
            let ft = e.file_type().map_err(|err| io(&p, err))?;
            if ft.is_dir() {
                if e.file_name() != ".git" {
                    walk(base, &p, out)?;
                }
            } else if ft.is_file() {
                let rel = p
                    .strip_prefix(base)
                    .map(|r| {
                        r.components()
                            .map(|c| c.as_os_str().to_string_lossy().into_owned())
                            .collect::<Vec<_>>()
                            .join("/")
                    })
                    .unwrap_or_default();
                out.push((rel, std::fs::read(&p).map_err(|err| io(&p, err))?));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    Ok(crate::layout::sort_dedup(out))
}

/// How an application (or a cluster's own files) differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DriftKind {
    /// The sources give it; the committed tree lacks it.
    Added,
    /// The committed tree has it; the sources no longer give it.
    Removed,
    /// Both have it, with different files or bytes.
    Changed,
}

impl DriftKind {
    /// `added`, `removed`, `changed`.
    pub fn as_str(self) -> &'static str {
        match self {
            DriftKind::Added => "added",
            DriftKind::Removed => "removed",
            DriftKind::Changed => "changed",
        }
    }
}

/// One application (or one cluster's own files) whose committed rendering is not what
/// the sources give.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct AppDrift {
    /// The cluster (`""` for files at the root of the tree).
    pub cluster: String,
    /// The application directory; `None` for the cluster's own files (`fleet.json`).
    pub app: Option<String>,
    /// How it differs.
    pub kind: DriftKind,
    /// The differing files, canonical paths, sorted.
    pub files: Vec<String>,
}

impl fmt::Display for AppDrift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match (&self.app, self.cluster.as_str()) {
            (Some(a), c) => format!("{c}/{a}"),
            (None, "") => "(root)".to_string(),
            (None, c) => format!("{c} (cluster files)"),
        };
        write!(
            f,
            "{:<8} {what}: {}",
            self.kind.as_str(),
            self.files.join(", ")
        )
    }
}

/// Compares what the sources give (`expected`) with a committed tree (`actual`), both
/// under canonical paths: one [`AppDrift`] per application or cluster whose files differ,
/// sorted by cluster, then application (cluster files first). Empty when identical.
pub fn compare_files(expected: &[RenderedFile], actual: &[RenderedFile]) -> Vec<AppDrift> {
    type Key = (String, Option<String>);
    let group = |files: &[RenderedFile]| {
        let mut g: BTreeMap<Key, BTreeMap<String, Vec<u8>>> = BTreeMap::new();
        for (p, b) in files {
            let (c, a, _) = split_path(p);
            g.entry((c.to_string(), a.map(String::from)))
                .or_default()
                .insert(p.clone(), b.clone());
        }
        g
    };
    let (exp, act) = (group(expected), group(actual));
    let keys: BTreeSet<&Key> = exp.keys().chain(act.keys()).collect();
    let mut out = Vec::new();
    for k in keys {
        let (kind, files) = match (exp.get(k), act.get(k)) {
            (Some(e), None) => (DriftKind::Added, e.keys().cloned().collect()),
            (None, Some(a)) => (DriftKind::Removed, a.keys().cloned().collect()),
            (Some(e), Some(a)) => {
                let paths: BTreeSet<&String> = e.keys().chain(a.keys()).collect();
                let differing: Vec<String> = paths
                    .into_iter()
                    .filter(|p| e.get(*p) != a.get(*p))
                    .cloned()
                    .collect();
                if differing.is_empty() {
                    continue;
                }
                (DriftKind::Changed, differing)
            }
            (None, None) => continue,
        };
        out.push(AppDrift {
            cluster: k.0.clone(),
            app: k.1.clone(),
            kind,
            files,
        });
    }
    out
}

/// Leaves out what is not compared in a layout: the metadata files of the `hydrator`
/// layout (they name the source commit, so they differ on every commit).
pub fn comparable(files: Vec<RenderedFile>, layout: Layout) -> Vec<RenderedFile> {
    match layout {
        Layout::Hydrator => files
            .into_iter()
            .filter(|(p, _)| !hydrator::is_metadata_path(p))
            .collect(),
        Layout::Single | Layout::PerCluster => files,
    }
}

/// Reads `actual` ([`read_tree`]) and compares it with `expected` ([`compare_files`]).
pub fn compare(expected: &[RenderedFile], actual: &TreeSource) -> Result<Vec<AppDrift>, EmitError> {
    let t = read_tree(actual)?;
    Ok(compare_files(expected, &t.files))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(p: &str, b: &str) -> RenderedFile {
        (p.to_string(), b.as_bytes().to_vec())
    }

    #[test]
    fn drift_is_grouped_by_app() {
        let expected = [
            f("home/a/manifest.yaml", "a"),
            f("home/b/manifest.yaml", "b2"),
            f("home/fleet.json", "{}"),
            f("lab/new/manifest.yaml", "n"),
        ];
        let actual = [
            f("home/a/manifest.yaml", "a"),
            f("home/b/manifest.yaml", "b"),
            f("home/fleet.json", "{}"),
            f("lab/gone/manifest.yaml", "g"),
        ];
        let d = compare_files(&expected, &actual);
        let got: Vec<String> = d.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            got,
            [
                "changed  home/b: home/b/manifest.yaml",
                "removed  lab/gone: lab/gone/manifest.yaml",
                "added    lab/new: lab/new/manifest.yaml",
            ]
        );
        assert!(compare_files(&expected, &expected).is_empty());
    }
}
