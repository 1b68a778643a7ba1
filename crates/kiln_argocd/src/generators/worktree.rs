//! [`WorkTree`]: a [`RepoTree`] over a directory on disk (a checkout's working tree).
//!
//! Mirrors what Argo CD's repo server sees in its clone:
//! * directories (reposerver/repository/repository.go `GetGitDirectories`): a
//!   `filepath.WalkDir` of the root, parents before children, each directory's entries
//!   sorted by name; hidden directories (`.x`) and their subtrees are left out; symlinks
//!   are not followed. Git stores no empty directories, so directories holding no file
//!   at any depth are left out too.
//! * files (`git ls-files`): every regular file and symlink outside `.git`, hidden ones
//!   included, sorted by path bytes.
//!
//! Differences from a Git revision: untracked and ignored files of the working tree are
//! seen too. Reading never leaves the root: a symlink resolving outside it is an error.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::context::RepoTree;

/// Deepest directory nesting walked.
const MAX_DEPTH: usize = 256;
/// Most entries (files and directories) walked.
const MAX_ENTRIES: usize = 2_000_000;
/// Largest file read (bytes).
const MAX_FILE: u64 = 64 << 20;

/// The working tree of a repository on disk.
pub struct WorkTree {
    root: PathBuf,
    walk: OnceLock<Result<Walk, String>>,
}

#[derive(Default)]
struct Walk {
    dirs: Vec<String>,
    files: Vec<String>,
    entries: usize,
}

impl WorkTree {
    /// The tree rooted at `root` (walked lazily, once).
    pub fn new(root: &Path) -> WorkTree {
        WorkTree {
            root: root.to_path_buf(),
            walk: OnceLock::new(),
        }
    }

    /// The root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn walked(&self) -> Result<&Walk, String> {
        self.walk
            .get_or_init(|| {
                let mut w = Walk::default();
                walk_dir(&self.root, "", false, 0, &mut w)?;
                w.files.sort();
                Ok(w)
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// Walks `dir` (repository-relative `rel`); returns whether it holds a file at any depth.
fn walk_dir(
    dir: &Path,
    rel: &str,
    hidden: bool,
    depth: usize,
    w: &mut Walk,
) -> Result<bool, String> {
    if depth > MAX_DEPTH {
        return Err(format!(
            "error walking the file tree: {rel}: nested too deeply"
        ));
    }
    let rd = fs::read_dir(dir).map_err(|e| format!("error walking the file tree: {rel}: {e}"))?;
    let mut entries: Vec<(String, fs::FileType)> = Vec::new();
    for e in rd {
        let e = e.map_err(|e| format!("error walking the file tree: {rel}: {e}"))?;
        let Ok(name) = e.file_name().into_string() else {
            continue; // not UTF-8: not addressable from an ApplicationSet
        };
        let ft = e
            .file_type()
            .map_err(|e| format!("error walking the file tree: {rel}/{name}: {e}"))?;
        entries.push((name, ft));
    }
    entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut has_file = false;
    for (name, ft) in entries {
        w.entries += 1;
        if w.entries > MAX_ENTRIES {
            return Err(format!(
                "error walking the file tree: more than {MAX_ENTRIES} entries"
            ));
        }
        let child_rel = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        if ft.is_dir() {
            if name == ".git" {
                continue;
            }
            let child_hidden = hidden || name.starts_with('.');
            let slot = if child_hidden {
                None
            } else {
                w.dirs.push(child_rel.clone());
                Some(w.dirs.len() - 1)
            };
            let sub = walk_dir(&dir.join(&name), &child_rel, child_hidden, depth + 1, w)?;
            if sub {
                has_file = true;
            } else if let Some(i) = slot {
                // Git has no empty directories: drop it (its subdirectories were dropped
                // already, as they hold no file either).
                w.dirs.remove(i);
            }
        } else if ft.is_file() || ft.is_symlink() {
            w.files.push(child_rel);
            has_file = true;
        }
    }
    Ok(has_file)
}

/// Checks that `rel` is a plain repository-relative path (no `..`, no root, no `.`).
fn plain_relative(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.starts_with('/')
        && rel
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
}

impl RepoTree for WorkTree {
    fn directories(&self) -> Result<Vec<String>, String> {
        Ok(self.walked()?.dirs.clone())
    }

    fn files(&self) -> Result<Vec<String>, String> {
        Ok(self.walked()?.files.clone())
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        if !plain_relative(path) {
            return Err(format!("{path}: not a path inside the repository"));
        }
        let root = self
            .root
            .canonicalize()
            .map_err(|e| format!("{}: {e}", self.root.display()))?;
        let full = root
            .join(path)
            .canonicalize()
            .map_err(|e| format!("read {path}: {e}"))?;
        if !full.starts_with(&root) {
            return Err(format!(
                "read {path}: the path resolves outside of the repository"
            ));
        }
        let md = fs::metadata(&full).map_err(|e| format!("read {path}: {e}"))?;
        if md.is_dir() {
            return Err(format!("read {path}: is a directory"));
        }
        if md.len() > MAX_FILE {
            return Err(format!("read {path}: file larger than {MAX_FILE} bytes"));
        }
        fs::read(&full).map_err(|e| format!("read {path}: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_like_the_repo_server() {
        let tmp = std::env::temp_dir().join(format!("kiln-worktree-{}", std::process::id()));
        let _ = fs::remove_dir_all(&tmp);
        for (p, c) in [
            ("a/x.yaml", "1"),
            ("a.c/y.yaml", "2"),
            ("a/b/z.yaml", "3"),
            (".hidden/h.yaml", "4"),
            (".git/config", "5"),
            ("top.yaml", "6"),
        ] {
            let f = tmp.join(p);
            fs::create_dir_all(f.parent().unwrap()).unwrap();
            fs::write(&f, c).unwrap();
        }
        fs::create_dir_all(tmp.join("empty/inner")).unwrap();
        let t = WorkTree::new(&tmp);
        assert_eq!(t.directories().unwrap(), vec!["a", "a/b", "a.c"]);
        assert_eq!(
            t.files().unwrap(),
            vec![
                ".hidden/h.yaml",
                "a.c/y.yaml",
                "a/b/z.yaml",
                "a/x.yaml",
                "top.yaml"
            ]
        );
        assert_eq!(t.read("a/x.yaml").unwrap(), b"1");
        assert!(t.read("../etc/passwd").is_err());
        assert!(t.read("a").is_err());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc", tmp.join("out")).unwrap();
            let t = WorkTree::new(&tmp);
            assert!(t.files().unwrap().contains(&"out".to_string()));
            assert!(t.read("out/hostname").is_err());
        }
        let _ = fs::remove_dir_all(&tmp);
    }
}
