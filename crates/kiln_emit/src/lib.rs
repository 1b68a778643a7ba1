//! kiln's output side: what the rendered fleet looks like on disk and in Git, whether a
//! committed rendered tree is up to date, and what changes between two rendered trees.
//!
//! - [`layout`]: the files of a rendered fleet in each [`Layout`] (`single`,
//!   `per-cluster`, `hydrator`), as sorted `(path, bytes)` lists.
//! - [`git`]: writes those files as deterministic commits on branches, built from Git
//!   objects only (blobs and trees): the work tree, the index and `HEAD` are never
//!   touched, and each branch moves by compare-and-swap.
//! - [`mod@compare`]: reads a committed rendered tree (a branch or a directory) and lists the
//!   clusters and applications that differ from what the sources give ([`AppDrift`]);
//!   [`verify`] is the entry point `kiln check --rendered` calls.
//! - [`diff`]: the object-level difference of two rendered trees ([`RenderedDiff`]) and
//!   its text, Markdown and JSON renderings.
//!
//! This is the only crate of kiln that writes to Git. Every function returns errors
//! instead of panicking on bad input, and every output is sorted, so the same input gives
//! the same bytes and the same commit ids.

#![warn(missing_docs)]

pub mod compare;
pub mod diff;
pub mod git;
pub mod hydrator;
pub mod layout;
pub mod verify;

pub use compare::{compare, compare_files, AppDrift, DriftKind, TreeSource};
pub use diff::{diff_rendered, Format, RenderedDiff};
pub use git::{BranchOutcome, SourceCommit, WriteRequest};
pub use layout::{Layout, RenderedFile};
pub use verify::{verify_rendered, Verification};

/// Why an emit operation failed.
#[derive(Debug, thiserror::Error)]
pub enum EmitError {
    /// A libgit2 operation failed; `context` says which.
    #[error("{context}: {message}")]
    Git {
        /// What kiln was doing (`reading refs/heads/rendered`, ...).
        context: String,
        /// libgit2's message.
        message: String,
    },
    /// Another writer moved a branch between the time kiln read it and the time kiln
    /// wanted to update it (or held its lock). Nothing was updated; run again.
    #[error(
        "lost a race on {refname}: expected {}, found {}; another run updated it concurrently, nothing was written (run again)",
        short_or_none(.expected),
        short_or_none(.found)
    )]
    RaceLost {
        /// The full reference name.
        refname: String,
        /// The tip kiln built on (`None`: the branch did not exist).
        expected: Option<String>,
        /// The tip found when updating (`None`: the branch was deleted).
        found: Option<String>,
    },
    /// Another writer holds the lock of a branch (`<ref>.lock` exists): it is updating
    /// it right now, or it crashed (then remove the lock file). Nothing was updated.
    #[error("{refname} is locked by another writer ({refname}.lock exists); nothing was written (run again, or remove a stale lock)")]
    Locked {
        /// The full reference name.
        refname: String,
    },
    /// A bad branch name, layout, path or revision given by the user.
    #[error("{0}")]
    Usage(String),
    /// Reading a rendered directory failed.
    #[error("{path}: {message}")]
    Io {
        /// The file or directory.
        path: String,
        /// The operating system's message.
        message: String,
    },
}

fn short_or_none(id: &Option<String>) -> String {
    match id {
        Some(s) => s.chars().take(12).collect(),
        None => "no branch".to_string(),
    }
}

impl EmitError {
    pub(crate) fn git(context: impl Into<String>, e: git2::Error) -> EmitError {
        EmitError::Git {
            context: context.into(),
            message: e.message().to_string(),
        }
    }
}
