//! kiln, the GitOps manifest compiler: the command-line layer over the engine crates.
//!
//! [`config`] reads `kiln.toml`, [`compile`] plans and runs the compilation of every
//! cluster and writes the rendered tree, [`report`] prints what happened. The work is
//! done by `kiln_argocd` (the Argo CD walk), `kiln_helm` (charts) and `kiln_gotmpl` (the
//! template engine).

pub mod budget;
pub mod check_cmd;
pub mod check_input;
pub mod cmp;
pub mod combine;
pub mod compile;
pub mod completions;
pub mod config;
pub mod diagnostic;
pub mod emit_cmd;
pub mod graph;
pub mod new;
pub mod progress;
pub mod render_cache;
pub mod report;
pub mod template_cmd;
pub mod term;
