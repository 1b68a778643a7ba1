//! Checks of a rendered fleet: every rendered object through Kubernetes and CRD schemas
//! ([`schema`]) and the AI domain rules ([`rules`]), reported as [`Diagnostic`]s that
//! point at the values key or the template line that caused them.
//!
//! The input ([`input::CheckInput`]) is built by the caller from a compiled fleet;
//! checks never read files or Git themselves.

pub mod config;
pub mod diagnostic;
pub mod input;
pub mod output;
pub mod registry;
pub mod rule;
pub mod rules;
pub mod runner;
pub mod schema;
pub mod suppress;

pub use config::CheckConfig;
pub use diagnostic::{Diagnostic, ObjectRef, Severity, Span};
pub use input::{App, CheckInput, Object, Origin, Rerender, RuleSettings, ValueFile};
pub use output::Format;
pub use registry::{all_rules, explain, Registry};
pub use rule::{Rule, RuleInfo};
pub use runner::run;
