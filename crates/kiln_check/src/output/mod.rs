//! Output formats of `kiln check`: each renders the sorted findings into a `String`,
//! byte for byte the same for the same findings (and, for `human`, the same files).
//!
//! * [`human`]: one miette report per finding (code, severity, message, help, source
//!   snippet), then a summary line.
//! * [`json`]: an array of findings in a stable, documented shape.
//! * [`sarif`]: SARIF 2.1.0 with one run.
//! * [`github`]: GitHub Actions workflow commands (`::error file=…::message`).

pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use std::fmt;
use std::path::Path;

use crate::diagnostic::{Diagnostic, Severity};
use crate::registry::Registry;

pub use human::HumanOptions;

/// An output format of `kiln check --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// miette reports with source snippets, then a summary line.
    Human,
    /// A JSON array of findings ([`json`]).
    Json,
    /// SARIF 2.1.0 ([`sarif`]).
    Sarif,
    /// GitHub Actions workflow commands ([`github`]).
    Github,
}

impl Format {
    /// The names `--format` accepts, in the order of the help text.
    pub const NAMES: &'static [&'static str] = &["human", "json", "sarif", "github"];

    /// Parses `human`, `json`, `sarif` or `github`.
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "human" => Some(Format::Human),
            "json" => Some(Format::Json),
            "sarif" => Some(Format::Sarif),
            "github" => Some(Format::Github),
            _ => None,
        }
    }
}

/// Where the human format reads the text of the files findings point at (the working
/// tree, or a Git revision for `kiln check --revision`).
pub trait SourceFiles {
    /// The text of the repository-relative `path`, or `None` when it cannot be read.
    fn read(&self, path: &str) -> Option<String>;
}

/// A directory on disk: paths are relative to it.
impl SourceFiles for Path {
    fn read(&self, path: &str) -> Option<String> {
        std::fs::read_to_string(self.join(path)).ok()
    }
}

impl SourceFiles for std::path::PathBuf {
    fn read(&self, path: &str) -> Option<String> {
        self.as_path().read(path)
    }
}

/// What a format may need besides the findings.
#[derive(Clone, Copy)]
pub struct RenderContext<'a> {
    /// The repository's files: `human` reads the spans' files from it for snippets.
    pub sources: &'a dyn SourceFiles,
    /// The rules: `sarif` lists them in `tool.driver.rules`.
    pub registry: &'a Registry,
    /// Options of `human`.
    pub human: HumanOptions,
}

/// Renders `diagnostics` (already sorted, as [`crate::runner::run`] returns them).
pub fn render(format: Format, diagnostics: &[Diagnostic], ctx: &RenderContext<'_>) -> String {
    match format {
        Format::Human => human::render(diagnostics, ctx.sources, &ctx.human),
        Format::Json => json::render(diagnostics),
        Format::Sarif => sarif::render(diagnostics, ctx.registry),
        Format::Github => github::render(diagnostics),
    }
}

/// How many findings of each severity; displays as `2 errors, 1 warning, 0 infos`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Findings at `error`.
    pub errors: usize,
    /// Findings at `warning`.
    pub warnings: usize,
    /// Findings at `info`.
    pub infos: usize,
}

impl Summary {
    /// Counts `diagnostics` by severity.
    pub fn of(diagnostics: &[Diagnostic]) -> Summary {
        let mut s = Summary::default();
        for d in diagnostics {
            match d.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
        }
        s
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        write!(
            f,
            "{}, {}, {}",
            plural(self.errors, "error", "errors"),
            plural(self.warnings, "warning", "warnings"),
            plural(self.infos, "info", "infos")
        )
    }
}

/// The context of a finding in words: `Deployment ai/ollama, app ollama on home, lab`.
pub(crate) fn context(d: &Diagnostic) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(o) = &d.object {
        parts.push(o.to_string());
    }
    match (&d.app, &d.cluster) {
        (Some(app), Some(cluster)) => parts.push(format!("app {app} on {cluster}")),
        (Some(app), None) => parts.push(format!("app {app}")),
        (None, Some(cluster)) => parts.push(format!("on {cluster}")),
        (None, None) => {}
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_and_formats() {
        let d = |s| Diagnostic::new("X001", s, "m");
        let all = [d(Severity::Error), d(Severity::Info), d(Severity::Info)];
        assert_eq!(
            Summary::of(&all).to_string(),
            "1 error, 0 warnings, 2 infos"
        );
        assert_eq!(
            Summary::of(&[]).to_string(),
            "0 errors, 0 warnings, 0 infos"
        );
        for name in Format::NAMES {
            assert!(Format::parse(name).is_some(), "{name}");
        }
        assert_eq!(Format::parse("text"), None);
    }
}
