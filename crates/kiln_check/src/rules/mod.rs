//! The AI domain rules: the checklist for `charts/ai/**` (seed 003, "AI Domain -
//! Application Guidelines") as checks of the rendered fleet.
//!
//! | family | module | checks |
//! | --- | --- | --- |
//! | `GPU` | [`gpu`] | GPU limits, counts from values, NFD node selectors, CPU fallback |
//! | `STO` | [`storage`] | models on PVCs that exist, are sized and mounted where expected; shared claims RWX |
//! | `RES` | [`resources`] | requests and limits, limits ≥ requests, inference memory minimum |
//! | `PRB` | [`probes`] | liveness/readiness present and different, model-load time, probe ports |
//! | `API` | [`api`] | Services expose container ports, Routes/Ingresses terminate TLS |
//! | `SEC` | [`secrets`] | no credentials in manifests, ExternalSecrets with a store, referenced Secrets created |
//! | `GAT` | [`gatus`] | a Gatus endpoint with status and response-time conditions at the app's URL |
//! | `POD` | [`pod`] | non-root, no privilege escalation, capabilities dropped, pinned images |
//! | `DOC` | [`docs`] | README documents GPU requirements, secrets and the API endpoint |
//!
//! The rules look at every app; the runner keeps their findings where `kiln.toml`'s
//! `[checks]` enables the families (by default under `charts/ai/**` and
//! `charts/*/ai/**`, see [`crate::config`]). Cross-object checks (claims, Secrets,
//! Services) look at every app of the same cluster.
//!
//! An *inference container* is a container of a long-running workload (not a Job) that
//! asks for a GPU or runs a known model server image (Ollama, vLLM, TGI, Triton,
//! llama.cpp, LocalAI, SGLang, LMDeploy) — see [`workload::is_inference`]. A *model
//! mount* is a volume mount whose path or volume name mentions models, a known model
//! directory, or the directory a model-directory variable (`OLLAMA_MODELS`, `HF_HOME`,
//! ...) points into — see [`workload::is_model_mount`].
//!
//! Spans: a finding points at the values key that caused it when one can be found
//! (matched by key name and value), else at the template line of the field (when the
//! objects carry origins); the template line is added as a related span when both exist.

pub mod api;
pub mod common;
pub mod docs;
pub mod gatus;
pub mod gpu;
pub mod pod;
pub mod probes;
pub mod quantity;
pub mod resources;
pub mod secrets;
pub mod storage;
pub mod workload;

use crate::diagnostic::Diagnostic;
use crate::input::CheckInput;
use crate::rule::{Rule, RuleInfo};

/// Every AI rule family, in code order.
pub fn ai_rules() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(gpu::GpuRules),
        Box::new(storage::StorageRules),
        Box::new(resources::ResourceRules),
        Box::new(probes::ProbeRules),
        Box::new(api::ApiRules),
        Box::new(secrets::SecretRules),
        Box::new(gatus::GatusRules),
        Box::new(pod::PodRules),
        Box::new(docs::DocRules),
    ]
}

/// The documentation of every AI rule code, in family order (`kiln explain` reads it
/// through the registry once [`ai_rules`] is part of `registry::all_rules`).
pub fn ai_rule_infos() -> Vec<&'static RuleInfo> {
    ai_rules().iter().flat_map(|r| r.infos().iter()).collect()
}

/// Runs every AI rule over `input` and returns the findings sorted by
/// [`Diagnostic::sort_key`], duplicates removed.
pub fn check_ai(input: &CheckInput) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for r in ai_rules() {
        r.check(input, &mut out);
    }
    out.sort_by_key(|d| d.sort_key());
    out.dedup_by(|a, b| a == b);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_documented() {
        let infos = ai_rule_infos();
        let mut seen = std::collections::BTreeSet::new();
        for i in &infos {
            assert!(seen.insert(i.code), "duplicate code {}", i.code);
            let family = i.code.trim_end_matches(|c: char| c.is_ascii_digit());
            assert!(
                ["GPU", "STO", "RES", "PRB", "API", "SEC", "GAT", "POD", "DOC"].contains(&family),
                "{}",
                i.code
            );
            assert_eq!(i.code.len(), 6, "{}", i.code);
            assert!(i.docs.contains("## What it does"), "{}", i.code);
            assert!(i.docs.contains("## Why does it matter?"), "{}", i.code);
            assert!(i.docs.contains("## How to fix it"), "{}", i.code);
            assert!(!i.summary.is_empty() && !i.name.is_empty());
            assert!(
                i.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                i.name
            );
        }
        // Numbered from 001 without gaps within each family.
        for fam in [
            "GPU", "STO", "RES", "PRB", "API", "SEC", "GAT", "POD", "DOC",
        ] {
            let n = infos.iter().filter(|i| i.code.starts_with(fam)).count();
            for k in 1..=n {
                assert!(
                    seen.contains(format!("{fam}{k:03}").as_str()),
                    "{fam}{k:03}"
                );
            }
        }
    }
}
