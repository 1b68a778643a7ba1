//! [`WorkTree`]: the [`RepoTree`] of a [`FileTree`] — a checkout's working tree on disk
//! ([`crate::files::DiskTree`]) or a Git revision ([`crate::files::GitTree`]).
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
//! Over a Git revision these are exactly the revision's tracked files; over a working
//! tree, untracked and ignored files are seen too. Reading never leaves the repository:
//! a symlink resolving outside it is an error.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use super::context::RepoTree;
use crate::files::{join, DiskTree, EntryKind, FileTree};

/// Deepest directory nesting walked.
const MAX_DEPTH: usize = 256;
/// Most entries (files and directories) walked.
const MAX_ENTRIES: usize = 2_000_000;

/// The files and directories the ApplicationSet `git` generators see, over a
/// [`FileTree`] (walked lazily, once).
pub struct WorkTree {
    files: Arc<dyn FileTree>,
    walk: OnceLock<Result<Walk, String>>,
}

#[derive(Default)]
struct Walk {
    dirs: Vec<String>,
    files: Vec<String>,
    entries: usize,
}

impl WorkTree {
    /// The working tree rooted at `root` on disk.
    pub fn new(root: &Path) -> WorkTree {
        WorkTree::over(Arc::new(DiskTree::new(root)))
    }

    /// The tree of any [`FileTree`] (a Git revision: its tracked files).
    pub fn over(files: Arc<dyn FileTree>) -> WorkTree {
        WorkTree {
            files,
            walk: OnceLock::new(),
        }
    }

    /// The files it reads.
    pub fn file_tree(&self) -> &Arc<dyn FileTree> {
        &self.files
    }

    fn walked(&self) -> Result<&Walk, String> {
        self.walk
            .get_or_init(|| {
                let mut w = Walk::default();
                walk_dir(&*self.files, "", false, 0, &mut w)?;
                w.files.sort();
                Ok(w)
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// Walks directory `rel`; returns whether it holds a file at any depth.
fn walk_dir(
    tree: &dyn FileTree,
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
    let entries = tree
        .list(rel)
        .map_err(|e| format!("error walking the file tree: {e}"))?;
    let mut has_file = false;
    for e in entries {
        w.entries += 1;
        if w.entries > MAX_ENTRIES {
            return Err(format!(
                "error walking the file tree: more than {MAX_ENTRIES} entries"
            ));
        }
        let child_rel = join(rel, &e.name);
        match e.kind {
            EntryKind::Dir => {
                if e.name == ".git" {
                    continue;
                }
                let child_hidden = hidden || e.name.starts_with('.');
                let slot = if child_hidden {
                    None
                } else {
                    w.dirs.push(child_rel.clone());
                    Some(w.dirs.len() - 1)
                };
                let sub = walk_dir(tree, &child_rel, child_hidden, depth + 1, w)?;
                if sub {
                    has_file = true;
                } else if let Some(i) = slot {
                    // Git has no empty directories: drop it (its subdirectories were
                    // dropped already, as they hold no file either).
                    w.dirs.remove(i);
                }
            }
            EntryKind::File | EntryKind::Symlink => {
                w.files.push(child_rel);
                has_file = true;
            }
            EntryKind::Other => {}
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
        self.files
            .read(path)
            .map(|d| d.to_vec())
            .map_err(|e| format!("read {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

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
