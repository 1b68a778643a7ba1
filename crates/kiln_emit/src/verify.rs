//! `kiln check --rendered REF|DIR`: is the committed rendered tree what the sources give?
//!
//! The binary compiles the fleet, then calls [`verify_rendered`] with the compile
//! results; the [`Verification`] it returns prints the report ([`Verification::report`])
//! and gives the exit status ([`Verification::exit_code`]: 0 up to date, 1 differs).
//! Errors (no such revision or directory, an unreadable tree) are usage/input errors
//! (exit 2).

use std::path::Path;

use kiln_argocd::ClusterResult;

use crate::compare::{self, comparable, compare_files, AppDrift, TreeSource};
use crate::layout::{layout_files, rendered_files, Layout};
use crate::EmitError;

/// The outcome of [`verify_rendered`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Verification {
    /// The target as given (`rendered`, `./rendered`, `refs/heads/deploy`).
    pub target: String,
    /// What the target was read as.
    #[serde(skip)]
    pub source: TreeSource,
    /// The layout the comparison used.
    pub layout: Layout,
    /// Every application (or cluster's own files) that differs; empty when up to date.
    pub drift: Vec<AppDrift>,
}

impl Verification {
    /// Whether the committed tree is exactly what the sources give.
    pub fn is_up_to_date(&self) -> bool {
        self.drift.is_empty()
    }

    /// `0` up to date, `1` when something differs.
    pub fn exit_code(&self) -> u8 {
        u8::from(!self.is_up_to_date())
    }

    /// The human report, one line per differing application, ending with a newline:
    ///
    /// ```text
    /// rendered tree rendered (revision rendered, single layout) is out of date: 2 applications differ
    ///   changed  home/ollama: home/ollama/manifest.yaml
    ///   removed  lab/old-app: lab/old-app/manifest.yaml
    /// ```
    pub fn report(&self) -> String {
        if self.is_up_to_date() {
            return format!(
                "rendered tree {} ({}, {} layout) is up to date\n",
                self.target, self.source, self.layout
            );
        }
        let apps = self.drift.iter().filter(|d| d.app.is_some()).count();
        let mut s = format!(
            "rendered tree {} ({}, {} layout) is out of date: {} application{} differ{}\n",
            self.target,
            self.source,
            self.layout,
            apps,
            if apps == 1 { "" } else { "s" },
            if apps == 1 { "s" } else { "" },
        );
        for d in &self.drift {
            s.push_str(&format!("  {d}\n"));
        }
        s
    }
}

/// Decides whether `target` is a directory or a revision of the repository at or above
/// `repo_dir`: a target starting with `./`, `../` or `/` is a directory, one starting
/// with `refs/` a revision; otherwise whichever exists (a directory relative to the
/// current directory, or a revision that resolves or prefixes `per-cluster` branches).
///
/// Errors when neither exists, or both do (write `./NAME` or `refs/heads/NAME`).
pub fn resolve_target(repo_dir: &Path, target: &str) -> Result<TreeSource, EmitError> {
    let as_dir = || TreeSource::Dir(Path::new(target).to_path_buf());
    let as_git = || TreeSource::Git {
        repo: repo_dir.to_path_buf(),
        rev: target.to_string(),
    };
    if target.starts_with("./") || target.starts_with("../") || Path::new(target).is_absolute() {
        return Ok(as_dir());
    }
    if target.starts_with("refs/") {
        return Ok(as_git());
    }
    let is_dir = Path::new(target).is_dir();
    let is_rev = crate::git::open(repo_dir)
        .ok()
        .is_some_and(|r| compare::read_rendered_rev(&r, target).is_ok());
    match (is_dir, is_rev) {
        (true, true) => Err(EmitError::Usage(format!(
            "{target} is both a directory and a revision: write ./{target} for the directory or refs/heads/{target} for the branch"
        ))),
        (true, false) => Ok(as_dir()),
        (false, true) => Ok(as_git()),
        (false, false) => Err(EmitError::Usage(format!(
            "{target}: neither a directory nor a revision (branch, tag or commit) of the repository"
        ))),
    }
}

/// Compares the committed rendered tree `target` ([`resolve_target`]) with what the
/// compile `results` give.
///
/// A directory is compared with the tree `kiln compile --out` writes. A revision is
/// compared in the layout its commit names (`Kiln-Layout` trailer), else `layout`, else
/// `single`; for `hydrator` the metadata files are not compared (they name the source
/// commit).
pub fn verify_rendered(
    repo_dir: &Path,
    target: &str,
    layout: Option<Layout>,
    results: &[ClusterResult],
) -> Result<Verification, EmitError> {
    let source = resolve_target(repo_dir, target)?;
    let actual = compare::read_tree(&source)?;
    let (layout, expected) = match &source {
        TreeSource::Dir(_) => (Layout::Single, rendered_files(results)),
        TreeSource::Git { .. } => {
            let l = actual.layout.or(layout).unwrap_or(Layout::Single);
            (l, layout_files(results, l)?)
        }
    };
    let drift = compare_files(
        &comparable(expected, layout),
        &comparable(actual.files, layout),
    );
    Ok(Verification {
        target: target.to_string(),
        source,
        layout,
        drift,
    })
}
