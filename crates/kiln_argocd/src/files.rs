//! The repository's files: [`FileTree`], the one way kiln reads the monorepo (value
//! files, directory sources, charts, the files the ApplicationSet `git` generators list,
//! `kiln.toml` and root Applications).
//!
//! Two trees:
//! * [`DiskTree`]: a directory on disk (a checkout's working tree, untracked files
//!   included);
//! * [`GitTree`]: the tree of one Git revision, read from the object database with
//!   libgit2 (no checkout, no clone, nothing written): what Argo CD's repo server sees
//!   when it checks that revision out.
//!
//! Both follow symlinks the way a checkout would — component by component, relative
//! targets only — and refuse a path whose resolution leaves the repository (Argo CD's
//! repo server refuses such repositories altogether: `CheckOutOfBoundsSymlinks`). An
//! absolute target always leaves it. Git submodules (gitlinks) are not part of a
//! [`GitTree`]: they are absent, like a submodule that was never initialised.
//!
//! Paths are repository-relative, `/`-separated; `""` (or `.`) is the root. Listings are
//! sorted by name bytes (Go's `os.ReadDir` order); names that are not UTF-8 are left
//! out (nothing in an Argo CD manifest can address them).

use std::collections::HashMap;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Largest file read (bytes).
pub const MAX_FILE_SIZE: u64 = 64 << 20;
/// Most symlinks followed while resolving one path (Linux's `MAXSYMLINKS`).
const MAX_SYMLINK_HOPS: usize = 40;
/// Deepest directory nesting indexed in a Git revision.
const MAX_GIT_DEPTH: usize = 256;
/// Most entries indexed in a Git revision.
const MAX_GIT_ENTRIES: usize = 2_000_000;

/// What a directory entry is, as `lstat` sees it (a symlink is not followed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EntryKind {
    /// A regular file (Git modes 100644 and 100755).
    File,
    /// A directory (a Git tree).
    Dir,
    /// A symbolic link (Git mode 120000).
    Symlink,
    /// Anything else on disk (a FIFO, a socket, a device).
    Other,
}

/// One entry of a directory listing.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DirEntry {
    /// The entry's name (one path segment).
    pub name: String,
    /// What it is, symlinks not followed.
    pub kind: EntryKind,
}

/// What a path is once symlinks are followed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stat {
    /// A regular file of `size` bytes.
    File { size: u64 },
    /// A directory.
    Dir,
    /// Anything else (a FIFO, a socket, a device).
    Other,
}

/// Why a path could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileErrorKind {
    /// Nothing at that path (or a path through a file).
    NotFound,
    /// A directory was expected.
    NotADirectory,
    /// A file was expected.
    IsADirectory,
    /// Neither a file nor a directory.
    NotRegular,
    /// Following the path (its `..` or a symlink) leaves the repository.
    OutsideRepository,
    /// More than 40 symlinks on the way.
    SymlinkLoop,
    /// Larger than the limit (bytes).
    TooLarge(u64),
    /// Absolute, or not a path at all.
    InvalidPath,
    /// The file is not UTF-8 text (for [`FileTree::read_text`]).
    NotUtf8,
    /// The operating system's or libgit2's error text.
    Io(String),
}

/// A failed read: the repository-relative path asked for and why.
///
/// Displays as `PATH: REASON`, e.g. `values/prod.yaml: no such file or directory`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileError {
    /// The path as asked for (repository-relative).
    pub path: String,
    /// What went wrong.
    pub kind: FileErrorKind,
}

impl FileError {
    fn new(path: &str, kind: FileErrorKind) -> FileError {
        FileError {
            path: path.to_string(),
            kind,
        }
    }

    /// The reason alone, without the path (`no such file or directory`).
    pub fn reason(&self) -> String {
        match &self.kind {
            FileErrorKind::NotFound => "no such file or directory".into(),
            FileErrorKind::NotADirectory => "not a directory".into(),
            FileErrorKind::IsADirectory => "is a directory".into(),
            FileErrorKind::NotRegular => "not a regular file".into(),
            FileErrorKind::OutsideRepository => {
                "the path resolves outside of the repository".into()
            }
            FileErrorKind::SymlinkLoop => "too many levels of symbolic links".into(),
            FileErrorKind::TooLarge(limit) => format!("file larger than {limit} bytes"),
            FileErrorKind::InvalidPath => "not a path inside the repository".into(),
            FileErrorKind::NotUtf8 => "stream did not contain valid UTF-8".into(),
            FileErrorKind::Io(m) => m.clone(),
        }
    }

    /// Whether the path does not exist.
    pub fn is_not_found(&self) -> bool {
        self.kind == FileErrorKind::NotFound
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.reason())
    }
}

impl std::error::Error for FileError {}

/// The files of a repository: a working tree ([`DiskTree`]) or a Git revision
/// ([`GitTree`]). Shared by every cluster compiled in parallel, hence `Send + Sync`.
///
/// Symlinks are followed inside the repository only (see the module documentation);
/// every method that follows one that leaves it fails with
/// [`FileErrorKind::OutsideRepository`].
pub trait FileTree: Send + Sync {
    /// What this tree is, for messages: `working tree /path` or
    /// `revision main (1a2b3c4…) of /path`.
    fn describe(&self) -> String;

    /// What `path` is, symlinks followed; `Ok(None)` when nothing is there (a dangling
    /// symlink, a path through a file, a gitlink).
    fn stat(&self, path: &str) -> Result<Option<Stat>, FileError>;

    /// The entries of directory `dir` (symlinks in `dir` itself followed, the entries'
    /// own kinds as `lstat` gives them), sorted by name bytes.
    fn list(&self, dir: &str) -> Result<Vec<DirEntry>, FileError>;

    /// The bytes of file `path` (symlinks followed), at most [`MAX_FILE_SIZE`].
    fn read(&self, path: &str) -> Result<Arc<[u8]>, FileError>;

    /// Whether `path` is a regular file (symlinks followed; `false` on any error).
    fn is_file(&self, path: &str) -> bool {
        matches!(self.stat(path), Ok(Some(Stat::File { .. })))
    }

    /// Whether `path` is a directory (symlinks followed; `false` on any error).
    fn is_dir(&self, path: &str) -> bool {
        matches!(self.stat(path), Ok(Some(Stat::Dir)))
    }

    /// Whether anything is at `path` (symlinks followed; `false` on any error).
    fn exists(&self, path: &str) -> bool {
        matches!(self.stat(path), Ok(Some(_)))
    }

    /// The UTF-8 text of file `path` (a BOM is kept, as Go keeps it).
    fn read_text(&self, path: &str) -> Result<String, FileError> {
        let data = self.read(path)?;
        String::from_utf8(data.to_vec()).map_err(|_| FileError::new(path, FileErrorKind::NotUtf8))
    }
}

/// `a` joined with `b` as repository paths (`""` and `.` are the root).
pub fn join(a: &str, b: &str) -> String {
    let a = a.trim_matches('/');
    let b = b.trim_matches('/');
    match (a.is_empty() || a == ".", b.is_empty() || b == ".") {
        (true, _) => b.to_string(),
        (false, true) => a.to_string(),
        (false, false) => format!("{a}/{b}"),
    }
}

// ---------------------------------------------------------------------------------
// Symlink resolution, shared by both trees.

/// One path component as stored, symlinks not followed.
#[derive(Clone)]
enum Raw {
    Missing,
    File { size: u64 },
    Dir,
    Symlink(String),
    Other,
}

/// The primitive lookups a tree answers for paths that hold no symlink.
trait RawTree {
    /// What is stored at `real` (a path with no symlink before its last component).
    fn raw(&self, real: &str) -> Result<Raw, FileErrorKind>;
}

/// Where a path leads.
enum Resolved {
    Missing,
    /// The symlink-free path and what is there (never [`Raw::Symlink`] or
    /// [`Raw::Missing`]).
    Found(String, Raw),
}

/// Follows `path` component by component from the root, as the kernel would in a
/// checkout: `..` goes to the parent of what was reached so far (leaving the root is an
/// error), a symlink's relative target is spliced in place of it, an absolute target
/// leaves the repository.
fn resolve(tree: &dyn RawTree, path: &str) -> Result<Resolved, FileError> {
    if path.starts_with('/') {
        return Err(FileError::new(path, FileErrorKind::InvalidPath));
    }
    let err = |kind| FileError::new(path, kind);
    let mut pending: Vec<String> = path
        .split('/')
        .rev()
        .filter(|c| !c.is_empty() && *c != ".")
        .map(String::from)
        .collect();
    let mut cur: Vec<String> = Vec::new();
    let mut last = Raw::Dir;
    let mut hops = 0;
    while let Some(c) = pending.pop() {
        if !matches!(last, Raw::Dir) {
            // A path through a file.
            return Ok(Resolved::Missing);
        }
        if c == ".." {
            if cur.pop().is_none() {
                return Err(err(FileErrorKind::OutsideRepository));
            }
            continue;
        }
        cur.push(c);
        let real = cur.join("/");
        match tree.raw(&real).map_err(err)? {
            Raw::Missing => return Ok(Resolved::Missing),
            Raw::Symlink(target) => {
                hops += 1;
                if hops > MAX_SYMLINK_HOPS {
                    return Err(err(FileErrorKind::SymlinkLoop));
                }
                if target.is_empty() {
                    return Ok(Resolved::Missing);
                }
                if target.starts_with('/') {
                    return Err(err(FileErrorKind::OutsideRepository));
                }
                cur.pop();
                pending.extend(
                    target
                        .split('/')
                        .rev()
                        .filter(|c| !c.is_empty() && *c != ".")
                        .map(String::from),
                );
                last = Raw::Dir;
            }
            other => last = other,
        }
    }
    Ok(Resolved::Found(cur.join("/"), last))
}

fn stat_of(tree: &dyn RawTree, path: &str) -> Result<Option<(String, Stat)>, FileError> {
    Ok(match resolve(tree, path)? {
        Resolved::Missing => None,
        Resolved::Found(real, raw) => Some((
            real,
            match raw {
                Raw::File { size } => Stat::File { size },
                Raw::Dir => Stat::Dir,
                _ => Stat::Other,
            },
        )),
    })
}

/// The symlink-free path of directory `dir`.
fn resolve_dir(tree: &dyn RawTree, dir: &str) -> Result<String, FileError> {
    match stat_of(tree, dir)? {
        Some((real, Stat::Dir)) => Ok(real),
        Some(_) => Err(FileError::new(dir, FileErrorKind::NotADirectory)),
        None => Err(FileError::new(dir, FileErrorKind::NotFound)),
    }
}

/// The symlink-free path of file `path`, checked against [`MAX_FILE_SIZE`].
fn resolve_file(tree: &dyn RawTree, path: &str) -> Result<String, FileError> {
    match stat_of(tree, path)? {
        Some((_, Stat::File { size })) if size > MAX_FILE_SIZE => {
            Err(FileError::new(path, FileErrorKind::TooLarge(MAX_FILE_SIZE)))
        }
        Some((real, Stat::File { .. })) => Ok(real),
        Some((_, Stat::Dir)) => Err(FileError::new(path, FileErrorKind::IsADirectory)),
        Some((_, Stat::Other)) => Err(FileError::new(path, FileErrorKind::NotRegular)),
        None => Err(FileError::new(path, FileErrorKind::NotFound)),
    }
}

fn sort_entries(entries: &mut [DirEntry]) {
    entries.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
}

// ---------------------------------------------------------------------------------
// The working tree.

/// A directory on disk: a checkout's working tree, as it is now (untracked and ignored
/// files included). Symlinks resolving outside the root are refused.
///
/// What each path is (file and size, directory, symlink and target, missing) is read
/// from disk once and remembered for the life of the tree: a fleet resolves the same
/// chart directories and value files for every Application on every cluster (73,000
/// `lstat` calls for 10,000 Applications), and one run must see one state of the tree
/// anyway. File contents are not remembered.
pub struct DiskTree {
    root: PathBuf,
    known: std::sync::RwLock<std::collections::HashMap<String, Raw>>,
}

impl DiskTree {
    /// The tree rooted at `root` (made absolute and symlink-free when it exists; a
    /// missing root makes every read fail).
    pub fn new(root: &Path) -> DiskTree {
        DiskTree {
            root: root.canonicalize().unwrap_or_else(|_| root.to_path_buf()),
            known: Default::default(),
        }
    }

    /// The root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn full(&self, real: &str) -> PathBuf {
        if real.is_empty() {
            self.root.clone()
        } else {
            self.root.join(real)
        }
    }
}

fn io_kind(e: &io::Error) -> FileErrorKind {
    match e.kind() {
        io::ErrorKind::NotFound => FileErrorKind::NotFound,
        io::ErrorKind::NotADirectory => FileErrorKind::NotADirectory,
        io::ErrorKind::IsADirectory => FileErrorKind::IsADirectory,
        _ => FileErrorKind::Io(e.to_string()),
    }
}

impl RawTree for DiskTree {
    fn raw(&self, real: &str) -> Result<Raw, FileErrorKind> {
        // A poisoned lock only means another thread panicked while inserting: the map
        // itself is whole.
        let known = self.known.read().unwrap_or_else(|e| e.into_inner());
        if let Some(raw) = known.get(real) {
            return Ok(raw.clone());
        }
        drop(known);
        let raw = self.read_raw(real)?;
        self.known
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(real.to_string(), raw.clone());
        Ok(raw)
    }
}

impl DiskTree {
    /// [`RawTree::raw`] from disk.
    fn read_raw(&self, real: &str) -> Result<Raw, FileErrorKind> {
        let full = self.full(real);
        let md = match fs::symlink_metadata(&full) {
            Ok(md) => md,
            Err(e) => {
                return match io_kind(&e) {
                    FileErrorKind::NotFound | FileErrorKind::NotADirectory => Ok(Raw::Missing),
                    k => Err(k),
                }
            }
        };
        let ft = md.file_type();
        Ok(if ft.is_symlink() {
            let target = fs::read_link(&full).map_err(|e| io_kind(&e))?;
            match target.into_os_string().into_string() {
                Ok(t) => Raw::Symlink(t),
                Err(_) => return Err(FileErrorKind::Io("symlink target is not UTF-8".into())),
            }
        } else if ft.is_dir() {
            Raw::Dir
        } else if ft.is_file() {
            Raw::File { size: md.len() }
        } else {
            Raw::Other
        })
    }
}

impl FileTree for DiskTree {
    fn describe(&self) -> String {
        format!("working tree {}", self.root.display())
    }

    fn stat(&self, path: &str) -> Result<Option<Stat>, FileError> {
        Ok(stat_of(self, path)?.map(|(_, s)| s))
    }

    fn list(&self, dir: &str) -> Result<Vec<DirEntry>, FileError> {
        let real = resolve_dir(self, dir)?;
        let err = |e: io::Error| FileError::new(dir, io_kind(&e));
        let mut out = Vec::new();
        for e in fs::read_dir(self.full(&real)).map_err(err)? {
            let e = e.map_err(err)?;
            let Ok(name) = e.file_name().into_string() else {
                continue;
            };
            let ft = e.file_type().map_err(err)?;
            let kind = if ft.is_symlink() {
                EntryKind::Symlink
            } else if ft.is_dir() {
                EntryKind::Dir
            } else if ft.is_file() {
                EntryKind::File
            } else {
                EntryKind::Other
            };
            out.push(DirEntry { name, kind });
        }
        sort_entries(&mut out);
        Ok(out)
    }

    fn read(&self, path: &str) -> Result<Arc<[u8]>, FileError> {
        let real = resolve_file(self, path)?;
        let data = fs::read(self.full(&real)).map_err(|e| FileError::new(path, io_kind(&e)))?;
        if data.len() as u64 > MAX_FILE_SIZE {
            return Err(FileError::new(path, FileErrorKind::TooLarge(MAX_FILE_SIZE)));
        }
        Ok(Arc::from(data))
    }
}

// ---------------------------------------------------------------------------------
// A Git revision.

/// Why a Git revision could not be opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RevisionError {
    /// No Git repository at or above the path.
    NotARepository { path: PathBuf, message: String },
    /// The revision does not name a commit or tree of the repository.
    UnknownRevision { revision: String, message: String },
    /// The monorepo directory is not a directory of that revision.
    NotInRevision { revision: String, path: String },
    /// Anything else libgit2 reported (a corrupt object, an unreadable tree).
    Git(String),
}

impl fmt::Display for RevisionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RevisionError::NotARepository { path, message } => write!(
                f,
                "{}: not a Git repository (or any of the parent directories): {message}",
                path.display()
            ),
            RevisionError::UnknownRevision { revision, message } => {
                write!(f, "unknown revision {revision:?}: {message}")
            }
            RevisionError::NotInRevision { revision, path } => {
                write!(f, "{path}: not a directory in revision {revision:?}")
            }
            RevisionError::Git(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for RevisionError {}

/// An indexed entry of a revision's tree.
enum Node {
    /// A tree, with its entries (sorted by name bytes).
    Dir(Vec<DirEntry>),
    /// A blob (modes 100644, 100755).
    File(git2::Oid),
    /// A symlink (mode 120000): the blob holds the target.
    Link(git2::Oid),
}

/// The tree of one Git revision, read from the repository's objects: nothing is
/// checked out, and the working tree, the index and `HEAD` are never touched.
///
/// Paths and modes are indexed up front (one pass over the revision's trees); blobs are
/// read on first use and kept (behind `Arc`, shared by every cluster). Its files are
/// exactly the revision's tracked files: what Argo CD's repo server sees in its
/// checkout of that revision.
pub struct GitTree {
    repo: Mutex<git2::Repository>,
    label: String,
    revision: String,
    commit: Option<String>,
    nodes: HashMap<String, Node>,
    blobs: Mutex<HashMap<git2::Oid, Arc<[u8]>>>,
}

impl GitTree {
    /// The tree of `revision` (anything `git rev-parse` accepts: `HEAD`, `main`,
    /// `v1.2`, `HEAD~3`, a commit id) in the Git repository found at or above `dir`
    /// (as `git` discovers it). When `dir` is a subdirectory of the working tree, the
    /// tree is that directory of the revision, so paths stay relative to `dir`.
    ///
    /// Errors: no repository ([`RevisionError::NotARepository`]), a revision that does
    /// not resolve to a commit or tree ([`RevisionError::UnknownRevision`]), `dir` not a
    /// directory of the revision ([`RevisionError::NotInRevision`]).
    pub fn open(dir: &Path, revision: &str) -> Result<GitTree, RevisionError> {
        let repo = git2::Repository::discover(dir).map_err(|e| RevisionError::NotARepository {
            path: dir.to_path_buf(),
            message: e.message().to_string(),
        })?;
        let prefix = match (repo.workdir(), dir.canonicalize()) {
            (Some(wd), Ok(dir)) => {
                let wd = wd.canonicalize().unwrap_or_else(|_| wd.to_path_buf());
                match dir.strip_prefix(&wd) {
                    // Inside `.git` itself: the whole tree.
                    Ok(rel) if rel.starts_with(".git") => String::new(),
                    Ok(rel) => rel
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy().into_owned())
                        .collect::<Vec<_>>()
                        .join("/"),
                    Err(_) => String::new(),
                }
            }
            _ => String::new(),
        };
        let unknown = |e: git2::Error| RevisionError::UnknownRevision {
            revision: revision.to_string(),
            message: e.message().to_string(),
        };
        if revision.is_empty() || revision.starts_with('-') {
            return Err(RevisionError::UnknownRevision {
                revision: revision.to_string(),
                message: "not a revision".into(),
            });
        }
        let (tree_id, commit) = {
            let obj = repo.revparse_single(revision).map_err(unknown)?;
            let commit = obj.peel_to_commit().ok().map(|c| c.id().to_string());
            let tree = obj.peel_to_tree().map_err(unknown)?;
            let tree = if prefix.is_empty() {
                tree
            } else {
                let not_in = || RevisionError::NotInRevision {
                    revision: revision.to_string(),
                    path: prefix.clone(),
                };
                let entry = tree.get_path(Path::new(&prefix)).map_err(|_| not_in())?;
                if entry.kind() != Some(git2::ObjectType::Tree) {
                    return Err(not_in());
                }
                repo.find_tree(entry.id())
                    .map_err(|e| RevisionError::Git(e.message().to_string()))?
            };
            (tree.id(), commit)
        };
        let mut nodes = HashMap::new();
        let mut count = 0;
        index_tree(&repo, tree_id, "", 0, &mut count, &mut nodes)
            .map_err(|e| RevisionError::Git(format!("reading revision {revision:?}: {e}")))?;
        let shown = repo.workdir().unwrap_or_else(|| repo.path()).join(&prefix);
        let label = match &commit {
            Some(c) => format!(
                "revision {revision} ({}) of {}",
                &c[..c.len().min(12)],
                shown.display()
            ),
            None => format!("revision {revision} of {}", shown.display()),
        };
        Ok(GitTree {
            repo: Mutex::new(repo),
            label,
            revision: revision.to_string(),
            commit,
            nodes,
            blobs: Mutex::new(HashMap::new()),
        })
    }

    /// The revision as given.
    pub fn revision(&self) -> &str {
        &self.revision
    }

    /// The full id of the commit the revision names (`None` for a bare tree id).
    pub fn commit_id(&self) -> Option<&str> {
        self.commit.as_deref()
    }

    /// Every tracked path of the revision (files and symlinks, not directories),
    /// sorted by bytes: `git ls-tree -r --name-only`.
    pub fn tracked_files(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .nodes
            .iter()
            .filter(|(_, n)| !matches!(n, Node::Dir(_)))
            .map(|(p, _)| p.clone())
            .collect();
        out.sort();
        out
    }

    fn blob(&self, oid: git2::Oid) -> Result<Arc<[u8]>, FileErrorKind> {
        if let Some(b) = self.blobs.lock().ok().and_then(|m| m.get(&oid).cloned()) {
            return Ok(b);
        }
        let data: Arc<[u8]> = {
            let repo = self
                .repo
                .lock()
                .map_err(|_| FileErrorKind::Io("repository lock poisoned".into()))?;
            let blob = repo
                .find_blob(oid)
                .map_err(|e| FileErrorKind::Io(e.message().to_string()))?;
            if blob.size() as u64 > MAX_FILE_SIZE {
                return Err(FileErrorKind::TooLarge(MAX_FILE_SIZE));
            }
            Arc::from(blob.content())
        };
        if let Ok(mut m) = self.blobs.lock() {
            m.insert(oid, data.clone());
        }
        Ok(data)
    }

    fn blob_size(&self, oid: git2::Oid) -> Result<u64, FileErrorKind> {
        if let Some(b) = self.blobs.lock().ok().and_then(|m| m.get(&oid).cloned()) {
            return Ok(b.len() as u64);
        }
        let repo = self
            .repo
            .lock()
            .map_err(|_| FileErrorKind::Io("repository lock poisoned".into()))?;
        let odb = repo
            .odb()
            .map_err(|e| FileErrorKind::Io(e.message().to_string()))?;
        let (size, _) = odb
            .read_header(oid)
            .map_err(|e| FileErrorKind::Io(e.message().to_string()))?;
        Ok(size as u64)
    }
}

/// Indexes tree `id` at `path` into `nodes` (gitlinks and non-UTF-8 names left out).
fn index_tree(
    repo: &git2::Repository,
    id: git2::Oid,
    path: &str,
    depth: usize,
    count: &mut usize,
    nodes: &mut HashMap<String, Node>,
) -> Result<(), String> {
    if depth > MAX_GIT_DEPTH {
        return Err(format!("{path}: nested too deeply"));
    }
    let tree = repo
        .find_tree(id)
        .map_err(|e| format!("{path}: {}", e.message()))?;
    let mut entries = Vec::new();
    let mut subtrees = Vec::new();
    for e in tree.iter() {
        *count += 1;
        if *count > MAX_GIT_ENTRIES {
            return Err(format!("more than {MAX_GIT_ENTRIES} entries"));
        }
        let Ok(name) = std::str::from_utf8(e.name_bytes()) else {
            continue;
        };
        if name.is_empty() || name == "." || name == ".." || name.contains('/') {
            continue;
        }
        let child = join(path, name);
        let (kind, node) = match e.filemode() & 0o170000 {
            0o040000 => {
                subtrees.push((child.clone(), e.id()));
                (EntryKind::Dir, None)
            }
            0o120000 => (EntryKind::Symlink, Some(Node::Link(e.id()))),
            0o100000 => (EntryKind::File, Some(Node::File(e.id()))),
            // 0o160000: a gitlink (submodule) — absent, like an uninitialised submodule.
            _ => continue,
        };
        if let Some(n) = node {
            nodes.insert(child, n);
        }
        entries.push(DirEntry {
            name: name.to_string(),
            kind,
        });
    }
    sort_entries(&mut entries);
    nodes.insert(path.to_string(), Node::Dir(entries));
    for (child, id) in subtrees {
        index_tree(repo, id, &child, depth + 1, count, nodes)?;
    }
    Ok(())
}

impl RawTree for GitTree {
    fn raw(&self, real: &str) -> Result<Raw, FileErrorKind> {
        Ok(match self.nodes.get(real) {
            None => Raw::Missing,
            Some(Node::Dir(_)) => Raw::Dir,
            Some(Node::File(oid)) => Raw::File {
                size: self.blob_size(*oid)?,
            },
            Some(Node::Link(oid)) => {
                let target = self.blob(*oid)?;
                match std::str::from_utf8(&target) {
                    Ok(t) => Raw::Symlink(t.to_string()),
                    Err(_) => return Err(FileErrorKind::Io("symlink target is not UTF-8".into())),
                }
            }
        })
    }
}

impl FileTree for GitTree {
    fn describe(&self) -> String {
        self.label.clone()
    }

    fn stat(&self, path: &str) -> Result<Option<Stat>, FileError> {
        Ok(stat_of(self, path)?.map(|(_, s)| s))
    }

    fn list(&self, dir: &str) -> Result<Vec<DirEntry>, FileError> {
        let real = resolve_dir(self, dir)?;
        match self.nodes.get(&real) {
            Some(Node::Dir(entries)) => Ok(entries.clone()),
            _ => Err(FileError::new(dir, FileErrorKind::NotADirectory)),
        }
    }

    fn read(&self, path: &str) -> Result<Arc<[u8]>, FileError> {
        let real = resolve_file(self, path)?;
        match self.nodes.get(&real) {
            Some(Node::File(oid)) => self.blob(*oid).map_err(|k| FileError::new(path, k)),
            _ => Err(FileError::new(path, FileErrorKind::NotFound)),
        }
    }
}

// ---------------------------------------------------------------------------------
// Charts.

/// A chart directory of a [`FileTree`], for [`kiln_helm::loader::load_tree`]:
/// symlinks followed inside the repository (as Helm's `sympath.Walk` follows them),
/// dangling ones left out (as `load_dir` leaves them), ones leaving the repository an
/// error.
pub struct ChartDir<'a> {
    tree: &'a dyn FileTree,
    base: String,
}

impl<'a> ChartDir<'a> {
    /// The chart at repository-relative directory `dir` of `tree`.
    pub fn new(tree: &'a dyn FileTree, dir: &str) -> ChartDir<'a> {
        ChartDir {
            tree,
            base: join(dir, ""),
        }
    }
}

impl kiln_helm::loader::ChartTree for ChartDir<'_> {
    fn entries(&self, dir: &str) -> Result<Vec<kiln_helm::loader::ChartEntry>, String> {
        use kiln_helm::loader::{ChartEntry, ChartEntryKind};
        let dir = join(&self.base, dir);
        let mut out = Vec::new();
        for e in self.tree.list(&dir).map_err(|e| e.to_string())? {
            let path = join(&dir, &e.name);
            let kind = match e.kind {
                EntryKind::Dir => ChartEntryKind::Dir,
                EntryKind::Other => ChartEntryKind::Irregular,
                EntryKind::File | EntryKind::Symlink => {
                    match self.tree.stat(&path).map_err(|e| e.to_string())? {
                        None => continue,
                        Some(Stat::Dir) => ChartEntryKind::Dir,
                        Some(Stat::File { size }) => ChartEntryKind::File { size },
                        Some(Stat::Other) => ChartEntryKind::Irregular,
                    }
                }
            };
            out.push(ChartEntry { name: e.name, kind });
        }
        Ok(out)
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        self.tree
            .read(&join(&self.base, path))
            .map(|d| d.to_vec())
            .map_err(|e| e.reason())
    }

    fn display(&self, path: &str) -> String {
        join(&self.base, path)
    }
}
