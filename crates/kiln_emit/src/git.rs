//! Rendered trees as commits, written from Git objects only.
//!
//! [`prepare`] turns the files of a layout into blobs, trees and (when a tree differs
//! from the branch tip) a commit whose parent is the tip; [`apply`] moves the branches
//! with compare-and-swap; [`write()`] does both. Nothing here reads or writes the work
//! tree or the index, and `HEAD` and its branch are never moved (writing onto the
//! checked-out branch is refused).
//!
//! Commits are deterministic: author and committer (names, emails, times and time zones)
//! are those of the source commit, the message names it (`Kiln-Source: <sha>` trailer),
//! so the same source and the same branch tip give the same commit id; when the tree is
//! unchanged no commit is made.

use std::collections::BTreeMap;
use std::path::Path;

use git2::{ErrorCode, FileMode, ObjectType, Oid, Repository, Signature, Time, Tree};

use crate::hydrator::{self, DryCommit};
use crate::layout::{branch_trees, Layout, RenderedFile};
use crate::EmitError;

/// The trailer naming the source commit of a rendered commit.
pub const TRAILER_SOURCE: &str = "Kiln-Source";
/// The trailer naming the layout of a rendered commit.
pub const TRAILER_LAYOUT: &str = "Kiln-Layout";
/// The trailer naming the cluster of a `per-cluster` rendered commit.
pub const TRAILER_CLUSTER: &str = "Kiln-Cluster";

/// The source commit a rendered commit is made from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceCommit {
    /// Full commit id (hex).
    pub id: String,
    /// Author name, email, Unix time and offset (minutes east of UTC).
    pub author: (String, String, i64, i32),
    /// Committer name, email, Unix time and offset.
    pub committer: (String, String, i64, i32),
    /// The full commit message.
    pub message: String,
}

impl SourceCommit {
    /// Reads the commit `rev` names (`HEAD`, a branch, a commit id: anything
    /// `git rev-parse` accepts) in `repo`. Errors when it names no commit.
    pub fn read(repo: &Repository, rev: &str) -> Result<SourceCommit, EmitError> {
        if rev.is_empty() || rev.starts_with('-') {
            return Err(EmitError::Usage(format!("not a revision: {rev:?}")));
        }
        let commit = repo
            .revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map_err(|e| EmitError::git(format!("source revision {rev}"), e))?;
        let sig = |s: Signature<'_>| {
            (
                String::from_utf8_lossy(s.name_bytes()).into_owned(),
                String::from_utf8_lossy(s.email_bytes()).into_owned(),
                s.when().seconds(),
                s.when().offset_minutes(),
            )
        };
        Ok(SourceCommit {
            id: commit.id().to_string(),
            author: sig(commit.author()),
            committer: sig(commit.committer()),
            message: String::from_utf8_lossy(commit.message_bytes()).into_owned(),
        })
    }

    /// The first line of the message.
    pub fn subject(&self) -> &str {
        self.message.lines().next().unwrap_or("").trim()
    }

    /// What the hydrator records of this commit (see [`crate::hydrator::DryCommit`]):
    /// the message is trimmed and cut at its first blank line into subject and body.
    pub fn dry(&self, repo_url: &str, commands: &[String]) -> DryCommit {
        let message = self.message.trim();
        let (subject, body) = message.split_once("\n\n").unwrap_or((message, ""));
        DryCommit {
            repo_url: repo_url.to_string(),
            sha: self.id.clone(),
            author: format!("{} <{}>", self.author.0, self.author.1),
            date: hydrator::rfc3339_utc(self.author.2),
            subject: subject.to_string(),
            body: body.to_string(),
            commands: commands.to_vec(),
        }
    }

    fn signature(part: &(String, String, i64, i32)) -> Result<Signature<'static>, EmitError> {
        Signature::new(&part.0, &part.1, &Time::new(part.2, part.3))
            .map_err(|e| EmitError::git("source commit signature", e))
    }
}

/// What to write.
#[derive(Clone, Debug)]
pub struct WriteRequest<'a> {
    /// The branch name, without `refs/heads/` (`rendered`, `deploy/main`).
    pub branch: &'a str,
    /// How the files are spread over branches.
    pub layout: Layout,
    /// The content files under canonical paths ([`crate::layout::layout_files`]).
    pub files: &'a [RenderedFile],
    /// Every compiled cluster (`per-cluster` gives each its branch, even when empty).
    pub clusters: &'a [String],
    /// The source commit.
    pub source: &'a SourceCommit,
    /// The dry source's repository URL (`hydrator` metadata).
    pub repo_url: &'a str,
    /// The commands that reproduce the render (`hydrator` metadata and README).
    pub commands: &'a [String],
}

/// One branch update, computed by [`prepare`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreparedUpdate {
    /// `refs/heads/<branch>`.
    pub refname: String,
    /// The branch name.
    pub branch: String,
    /// The cluster (`per-cluster`).
    pub cluster: Option<String>,
    /// The tip the new commit was built on (`None`: no such branch yet).
    pub old: Option<Oid>,
    /// The new tip (equal to `old` when nothing changed).
    pub new: Oid,
    /// A note to attach to `new` in [`hydrator::NOTES_REF`] (`hydrator` layout).
    pub note: Option<String>,
}

/// Every branch update of one write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prepared {
    /// In branch-name order.
    pub updates: Vec<PreparedUpdate>,
    /// The committer of the source commit (reflog entries and notes).
    committer: (String, String, i64, i32),
}

/// What happened to one branch.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct BranchOutcome {
    /// The branch name.
    pub branch: String,
    /// The cluster it holds (`per-cluster`).
    pub cluster: Option<String>,
    /// Its tip after the write (full id).
    pub commit: String,
    /// Its tip before (`None`: created).
    pub previous: Option<String>,
    /// Whether the branch moved (`false`: the rendered tree was unchanged).
    pub moved: bool,
}

/// Builds the objects of a write: for each branch of the layout, the tree of its files
/// and, when that tree differs from the branch tip's, a commit on top of the tip.
/// Objects are written to the object database; no reference is touched.
///
/// Errors: an invalid branch name, a branch name that collides with existing branches
/// (`NAME` vs `NAME/<cluster>`), the checked-out branch, an invalid file path, or a
/// libgit2 failure.
pub fn prepare(repo: &Repository, req: &WriteRequest<'_>) -> Result<Prepared, EmitError> {
    check_branch_name(repo, req.branch, req.layout)?;
    let head_ref = repo
        .find_reference("HEAD")
        .ok()
        .and_then(|r| r.symbolic_target().ok().flatten().map(String::from));
    let author = SourceCommit::signature(&req.source.author)?;
    let committer = SourceCommit::signature(&req.source.committer)?;
    let mut updates = Vec::new();
    for bt in branch_trees(req.branch, req.layout, req.clusters, req.files) {
        let refname = format!("refs/heads/{}", bt.branch);
        if head_ref.as_deref() == Some(refname.as_str()) {
            return Err(EmitError::Usage(format!(
                "{} is the checked-out branch; kiln writes rendered trees only to other branches",
                bt.branch
            )));
        }
        let old = match repo.refname_to_id(&refname) {
            Ok(id) => Some(id),
            Err(e) if e.code() == ErrorCode::NotFound => None,
            Err(e) => return Err(EmitError::git(format!("reading {refname}"), e)),
        };
        let old_commit =
            match old {
                Some(id) => Some(repo.find_commit(id).map_err(|e| {
                    EmitError::git(format!("{refname} does not point at a commit"), e)
                })?),
                None => None,
            };
        let old_tree = match &old_commit {
            Some(c) => Some(
                c.tree()
                    .map_err(|e| EmitError::git(format!("reading {refname}"), e))?,
            ),
            None => None,
        };
        let files = if req.layout == Layout::Hydrator {
            let previous = match &old_tree {
                Some(t) => Some(tree_files(repo, t)?),
                None => None,
            };
            let dry = req.source.dry(req.repo_url, req.commands);
            match hydrator::hydrator_tree(&bt.files, previous.as_ref(), &dry) {
                Some(files) => files,
                None => {
                    // No manifest changed: no commit, only the note moves on.
                    let tip = old.ok_or_else(|| EmitError::Usage("unreachable: no tip".into()))?;
                    updates.push(PreparedUpdate {
                        refname,
                        branch: bt.branch,
                        cluster: bt.cluster,
                        old,
                        new: tip,
                        note: Some(hydrator::note(&req.source.id)),
                    });
                    continue;
                }
            }
        } else {
            bt.files
        };
        let tree_id = write_tree(repo, &files)?;
        let new = match (&old_commit, &old_tree) {
            (Some(c), Some(t)) if t.id() == tree_id => c.id(),
            _ => {
                let tree = repo
                    .find_tree(tree_id)
                    .map_err(|e| EmitError::git("reading the new tree", e))?;
                let message = commit_message(req.source, req.layout, bt.cluster.as_deref());
                let parents: Vec<&git2::Commit<'_>> = old_commit.iter().collect();
                repo.commit(None, &author, &committer, &message, &tree, &parents)
                    .map_err(|e| EmitError::git(format!("committing {}", bt.branch), e))?
            }
        };
        updates.push(PreparedUpdate {
            refname,
            branch: bt.branch,
            cluster: bt.cluster,
            old,
            new,
            note: (req.layout == Layout::Hydrator).then(|| hydrator::note(&req.source.id)),
        });
    }
    Ok(Prepared {
        updates,
        committer: req.source.committer.clone(),
    })
}

/// Moves the branches of `prepared`, all or none: every branch to move is locked, its
/// tip checked against the one the commit was built on, then all are updated together
/// (a libgit2 reference transaction, which writes the same `.lock` files as `git`).
/// Then the `hydrator` notes are written (a note identical to the present one is left
/// alone).
///
/// Errors: [`EmitError::RaceLost`] when a branch moved (or appeared, or disappeared)
/// since [`prepare`] read it, [`EmitError::Locked`] when another writer holds its lock;
/// nothing is updated then.
pub fn apply(repo: &Repository, prepared: &Prepared) -> Result<Vec<BranchOutcome>, EmitError> {
    let sig = SourceCommit::signature(&prepared.committer)?;
    let moving: Vec<&PreparedUpdate> = prepared
        .updates
        .iter()
        .filter(|u| u.old != Some(u.new))
        .collect();
    if !moving.is_empty() {
        let mut tx = repo
            .transaction()
            .map_err(|e| EmitError::git("starting a reference transaction", e))?;
        for u in &moving {
            if let Err(e) = tx.lock_ref(&u.refname) {
                if e.code() == ErrorCode::Locked {
                    return Err(EmitError::Locked {
                        refname: u.refname.clone(),
                    });
                }
                return Err(EmitError::git(format!("locking {}", u.refname), e));
            }
            let found = match repo.refname_to_id(&u.refname) {
                Ok(id) => Some(id),
                Err(e) if e.code() == ErrorCode::NotFound => None,
                Err(e) => return Err(EmitError::git(format!("reading {}", u.refname), e)),
            };
            if found != u.old {
                return Err(EmitError::RaceLost {
                    refname: u.refname.clone(),
                    expected: u.old.map(|o| o.to_string()),
                    found: found.map(|o| o.to_string()),
                });
            }
        }
        for u in &moving {
            let msg = format!("kiln: rendered {}", short(&u.new.to_string()));
            tx.set_target(&u.refname, u.new, Some(&sig), &msg)
                .map_err(|e| EmitError::git(format!("updating {}", u.refname), e))?;
        }
        tx.commit()
            .map_err(|e| EmitError::git("updating the rendered branches", e))?;
    }
    for u in &prepared.updates {
        if let Some(note) = &u.note {
            let present = repo
                .find_note(Some(hydrator::NOTES_REF), u.new)
                .ok()
                .and_then(|n| n.message().ok().map(String::from));
            if present.as_deref() != Some(note.as_str()) {
                repo.note(&sig, &sig, Some(hydrator::NOTES_REF), u.new, note, true)
                    .map_err(|e| EmitError::git(format!("writing the note of {}", u.new), e))?;
            }
        }
    }
    Ok(prepared
        .updates
        .iter()
        .map(|u| BranchOutcome {
            branch: u.branch.clone(),
            cluster: u.cluster.clone(),
            commit: u.new.to_string(),
            previous: u.old.map(|o| o.to_string()),
            moved: u.old != Some(u.new),
        })
        .collect())
}

/// [`prepare`] then [`apply`] in the repository found at or above `dir`.
pub fn write(dir: &Path, req: &WriteRequest<'_>) -> Result<Vec<BranchOutcome>, EmitError> {
    let repo = open(dir)?;
    let prepared = prepare(&repo, req)?;
    apply(&repo, &prepared)
}

/// The repository at or above `dir`.
pub fn open(dir: &Path) -> Result<Repository, EmitError> {
    Repository::discover(dir)
        .map_err(|e| EmitError::git(format!("{}: not in a Git repository", dir.display()), e))
}

/// Paths of the work tree that differ from `HEAD` or the index, untracked files included
/// and ignored ones not (read only: the index is not refreshed on disk).
pub fn work_tree_changes(repo: &Repository) -> Result<Vec<String>, EmitError> {
    let mut opts = git2::StatusOptions::new();
    opts.include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(false)
        .exclude_submodules(true);
    let statuses = repo
        .statuses(Some(&mut opts))
        .map_err(|e| EmitError::git("reading the work tree status", e))?;
    let mut out: Vec<String> = statuses
        .iter()
        .filter(|s| {
            s.status() != git2::Status::CURRENT && !s.status().contains(git2::Status::IGNORED)
        })
        .filter_map(|s| s.path().ok().map(String::from))
        .collect();
    out.sort();
    Ok(out)
}

/// [`work_tree_changes`] inside the directory `dir` of the work tree, leaving out those
/// inside `exclude` (an output directory). Paths are relative to the work tree root.
pub fn work_tree_changes_in(
    repo: &Repository,
    dir: &Path,
    exclude: Option<&Path>,
) -> Result<Vec<String>, EmitError> {
    let changes = work_tree_changes(repo)?;
    let Some(workdir) = repo.workdir().and_then(|w| w.canonicalize().ok()) else {
        return Ok(changes);
    };
    let rel = |p: &Path| -> Option<String> {
        let abs = p.canonicalize().ok()?;
        let r = abs.strip_prefix(&workdir).ok()?;
        Some(
            r.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/"),
        )
    };
    let under =
        |path: &str, d: &str| d.is_empty() || path == d || path.starts_with(&format!("{d}/"));
    let inside = rel(dir).unwrap_or_default();
    let exclude = exclude.and_then(rel).filter(|e| !e.is_empty());
    Ok(changes
        .into_iter()
        .filter(|p| under(p, &inside))
        .filter(|p| {
            !exclude
                .as_deref()
                .is_some_and(|e| under(p, e) || p.trim_end_matches('/') == e)
        })
        .collect())
}

fn check_branch_name(repo: &Repository, name: &str, layout: Layout) -> Result<(), EmitError> {
    let full = format!("refs/heads/{name}");
    if name.is_empty() || name.starts_with('-') || !git2::Reference::is_valid_name(&full) {
        return Err(EmitError::Usage(format!("invalid branch name {name:?}")));
    }
    let refs: Vec<String> = repo
        .references()
        .map_err(|e| EmitError::git("listing references", e))?
        .filter_map(|r| r.ok().and_then(|r| r.name().ok().map(String::from)))
        .collect();
    match layout {
        Layout::PerCluster => {
            if refs.contains(&full) {
                return Err(EmitError::Usage(format!(
                    "branch {name} exists; the per-cluster layout writes branches {name}/<cluster>, which cannot coexist with it (choose another name)"
                )));
            }
        }
        Layout::Single | Layout::Hydrator => {
            let prefix = format!("{full}/");
            if let Some(r) = refs.iter().find(|r| r.starts_with(&prefix)) {
                return Err(EmitError::Usage(format!(
                    "{} exists, so branch {name} cannot (per-cluster branches of that name? use --layout per-cluster or another name)",
                    r.trim_start_matches("refs/heads/")
                )));
            }
        }
    }
    Ok(())
}

/// The message of a rendered commit: a subject naming the source commit, its subject,
/// and the trailers.
pub fn commit_message(source: &SourceCommit, layout: Layout, cluster: Option<&str>) -> String {
    let mut m = format!(
        "kiln: render {}{}\n\nRendered manifests of {} ({} layout{}).\n\n{TRAILER_SOURCE}: {}\n{TRAILER_LAYOUT}: {}\n",
        short(&source.id),
        match source.subject() {
            "" => String::new(),
            s => format!(" ({s})"),
        },
        source.id,
        layout,
        cluster.map(|c| format!(", cluster {c}")).unwrap_or_default(),
        source.id,
        layout,
    );
    if let Some(c) = cluster {
        m.push_str(&format!("{TRAILER_CLUSTER}: {c}\n"));
    }
    m
}

/// The value of trailer `key` in a commit message (the last paragraph's `Key: value`
/// lines), if present.
pub fn trailer<'m>(message: &'m str, key: &str) -> Option<&'m str> {
    let last = message.trim_end().rsplit("\n\n").next()?;
    last.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        (k.trim() == key).then(|| v.trim())
    })
}

fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

/// Writes blobs and trees for `files` (paths `/`-separated, relative) and returns the
/// root tree id. Errors on a path with an empty, `.`, `..` or `.git` component, or a
/// path that is both a file and a directory.
pub fn write_tree(repo: &Repository, files: &[RenderedFile]) -> Result<Oid, EmitError> {
    enum Node {
        File(Vec<u8>),
        Dir(BTreeMap<String, Node>),
    }
    fn insert(
        dir: &mut BTreeMap<String, Node>,
        parts: &[&str],
        bytes: &[u8],
        path: &str,
    ) -> Result<(), EmitError> {
        let conflict =
            || EmitError::Usage(format!("{path}: a path is both a file and a directory"));
        match parts {
            [] => Err(conflict()),
            [name] => {
                if dir.contains_key(*name) {
                    return Err(conflict());
                }
                dir.insert(name.to_string(), Node::File(bytes.to_vec()));
                Ok(())
            }
            [name, rest @ ..] => match dir
                .entry(name.to_string())
                .or_insert_with(|| Node::Dir(BTreeMap::new()))
            {
                Node::Dir(d) => insert(d, rest, bytes, path),
                Node::File(_) => Err(conflict()),
            },
        }
    }
    fn write(repo: &Repository, dir: &BTreeMap<String, Node>) -> Result<Oid, EmitError> {
        let mut tb = repo
            .treebuilder(None)
            .map_err(|e| EmitError::git("building a tree", e))?;
        for (name, node) in dir {
            let (id, mode) = match node {
                Node::File(b) => (
                    repo.blob(b)
                        .map_err(|e| EmitError::git("writing a blob", e))?,
                    FileMode::Blob,
                ),
                Node::Dir(d) => (write(repo, d)?, FileMode::Tree),
            };
            tb.insert(name.as_str(), id, mode.into())
                .map_err(|e| EmitError::git(format!("adding {name} to a tree"), e))?;
        }
        tb.write().map_err(|e| EmitError::git("writing a tree", e))
    }
    let mut root = BTreeMap::new();
    for (path, bytes) in files {
        let parts: Vec<&str> = path.split('/').collect();
        if parts.iter().any(|p| {
            p.is_empty()
                || *p == "."
                || *p == ".."
                || p.eq_ignore_ascii_case(".git")
                || p.contains('\0')
        }) {
            return Err(EmitError::Usage(format!(
                "invalid path in the rendered tree: {path:?}"
            )));
        }
        insert(&mut root, &parts, bytes, path)?;
    }
    write(repo, &root)
}

/// Every blob of a tree by path (symlinks as their target, submodules left out).
pub fn tree_files(
    repo: &Repository,
    tree: &Tree<'_>,
) -> Result<BTreeMap<String, Vec<u8>>, EmitError> {
    let mut out = BTreeMap::new();
    let mut err = None;
    tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        if entry.kind() == Some(ObjectType::Blob) {
            let name = String::from_utf8_lossy(entry.name_bytes());
            match repo.find_blob(entry.id()) {
                Ok(b) => {
                    out.insert(format!("{dir}{name}"), b.content().to_vec());
                }
                Err(e) => {
                    err = Some(EmitError::git(format!("reading {dir}{name}"), e));
                    return git2::TreeWalkResult::Abort;
                }
            }
        }
        git2::TreeWalkResult::Ok
    })
    .map_err(|e| {
        err.take()
            .unwrap_or_else(|| EmitError::git("reading a tree", e))
    })?;
    if let Some(e) = err {
        return Err(e);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailers_are_read_back() {
        let s = SourceCommit {
            id: "0123456789abcdef0123456789abcdef01234567".into(),
            author: ("A".into(), "a@x".into(), 0, 0),
            committer: ("A".into(), "a@x".into(), 0, 0),
            message: "Bump ollama\n\nbody\n".into(),
        };
        let m = commit_message(&s, Layout::PerCluster, Some("home"));
        assert!(m.starts_with("kiln: render 0123456789ab (Bump ollama)\n\n"));
        assert_eq!(trailer(&m, TRAILER_SOURCE), Some(s.id.as_str()));
        assert_eq!(trailer(&m, TRAILER_LAYOUT), Some("per-cluster"));
        assert_eq!(trailer(&m, TRAILER_CLUSTER), Some("home"));
        assert_eq!(trailer("no trailers", TRAILER_SOURCE), None);
    }
}
