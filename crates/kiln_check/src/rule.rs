//! Rules: what a rule declares about itself, and how it is run.

use crate::diagnostic::{Diagnostic, Severity};
use crate::input::CheckInput;

/// A rule's identity and documentation (what `kiln explain CODE` prints).
#[derive(Clone, Copy, Debug)]
pub struct RuleInfo {
    /// Stable code, e.g. `GPU001`. Never reused or renumbered.
    pub code: &'static str,
    /// Short kebab-case name, e.g. `gpu-in-requests`.
    pub name: &'static str,
    /// Severity unless configured otherwise.
    pub default_severity: Severity,
    /// One line: what the rule checks.
    pub summary: &'static str,
    /// Markdown: why it matters, how to fix it, an example.
    pub docs: &'static str,
}

/// A check over the whole input. Rules push findings with their default severity; the
/// runner applies configuration (enabled rules, severities per path) and suppressions.
pub trait Rule: Send + Sync {
    /// The codes this rule reports, with their documentation.
    fn infos(&self) -> &'static [RuleInfo];
    /// Runs the rule.
    fn check(&self, input: &CheckInput, out: &mut Vec<Diagnostic>);
}
