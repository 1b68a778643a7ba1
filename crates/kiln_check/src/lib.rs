//! Checks of a rendered fleet: every rendered object through Kubernetes and CRD schemas
//! ([`schema`]) and the AI domain rules ([`rules`]), reported as [`Diagnostic`]s that
//! point at the values key or the template line that caused them.
//!
//! The input ([`input::CheckInput`]) is built by the caller from a compiled fleet;
//! checks never read files or Git themselves.

pub mod diagnostic;
pub mod input;
pub mod rule;

pub use diagnostic::{Diagnostic, ObjectRef, Severity, Span};
pub use input::{App, CheckInput, Object, Origin, Rerender, RuleSettings, ValueFile};
pub use rule::{Rule, RuleInfo};
