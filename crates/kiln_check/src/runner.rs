//! Runs the rules over a check input and turns what they report into the findings kiln
//! prints: configuration and suppressions applied, kiln's own findings added, duplicates
//! merged, sorted.
//!
//! The steps of [`run`]:
//!
//! 1. Every rule runs, each inside `catch_unwind`: a rule that panics does not stop the
//!    run; it becomes a `KLN004` error naming the rule's codes and the panic message
//!    (findings it pushed before panicking are kept).
//! 2. `KLN001` (info) for every Application whose chart no cluster deploys, pointing at
//!    the chart's `Chart.yaml`.
//! 3. Suppressions ([`crate::suppress`]) remove the findings they cover and add `KLN002`
//!    for the ones that are unusable; unknown selectors of `kiln.toml` add `KLN003`.
//! 4. Configuration ([`crate::config`]): each finding is dropped or re-levelled for its
//!    paths (its span's file and its Application's chart directory).
//! 5. **Duplicates merge.** Findings with the same code, span and message (the same
//!    values key seen by several clusters) become one. Its `cluster` lists every cluster
//!    where it occurred, sorted and joined with `", "` (read it back with [`clusters`]);
//!    its severity is the highest; its app and object are those of the first occurrence.
//!    Findings without a span merge only when code, message, cluster, app and object are
//!    all equal.
//! 6. Sorting by [`Diagnostic::sort_key`] (file, line, column, code, ...), so the output
//!    does not depend on the order the rules ran in.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::config::CheckConfig;
use crate::diagnostic::{Diagnostic, ObjectRef, Severity, Span};
use crate::input::CheckInput;
use crate::registry::{Registry, KLN001, KLN004};
use crate::rule::Rule;
use crate::suppress::Suppressions;

/// Runs `rules` over `input` and returns the findings to report (see the module
/// documentation for every step). Never panics because a rule did.
pub fn run(input: &CheckInput, rules: &[Box<dyn Rule>], config: &CheckConfig) -> Vec<Diagnostic> {
    let registry = Registry::new(rules);
    let mut found = Vec::new();
    for rule in rules {
        let mut local = Vec::new();
        let outcome = catch_unwind(AssertUnwindSafe(|| rule.check(input, &mut local)));
        found.append(&mut local);
        if let Err(payload) = outcome {
            found.push(rule_failed(rule.as_ref(), payload.as_ref()));
        }
    }
    for app in input.apps.iter().filter(|a| !a.deployed) {
        found.push(not_deployed(app.name.as_str(), app.chart_dir.as_deref()));
    }

    let (suppressions, problems) = Suppressions::collect(input, &registry);
    found.retain(|d| !suppressions.is_suppressed(d));
    found.extend(problems);
    found.extend(config.validate(&registry));

    let mut chart_dirs: BTreeMap<(Option<&str>, &str), &str> = BTreeMap::new();
    for app in &input.apps {
        if let Some(dir) = &app.chart_dir {
            chart_dirs
                .entry((app.cluster.as_deref(), app.name.as_str()))
                .or_insert(dir);
        }
    }
    let mut kept = Vec::with_capacity(found.len());
    for mut d in found {
        let chart_dir = d.app.as_deref().and_then(|name| {
            chart_dirs
                .get(&(d.cluster.as_deref(), name))
                .or_else(|| {
                    // A finding without a cluster: any Application of that name.
                    d.cluster
                        .is_none()
                        .then(|| {
                            chart_dirs
                                .iter()
                                .find(|((_, n), _)| *n == name)
                                .map(|(_, v)| v)
                        })
                        .flatten()
                })
                .copied()
        });
        let mut paths: Vec<&str> = Vec::with_capacity(2);
        if let Some(span) = &d.span {
            paths.push(&span.file);
        }
        if let Some(dir) = chart_dir {
            paths.push(dir);
        }
        if let Some(level) = config.effective(&d.code, d.severity, &paths) {
            d.severity = level;
            kept.push(d);
        }
    }
    let mut merged = merge_duplicates(kept);
    sort(&mut merged);
    merged
}

/// The clusters of a finding: its `cluster` split at `", "` (several after merging).
pub fn clusters(d: &Diagnostic) -> Vec<&str> {
    d.cluster
        .as_deref()
        .map(|c| c.split(", ").filter(|s| !s.is_empty()).collect())
        .unwrap_or_default()
}

/// Whether any finding is at or above `fail_on` (exit code 1 of `kiln check`).
pub fn fails(diagnostics: &[Diagnostic], fail_on: Severity) -> bool {
    diagnostics.iter().any(|d| d.severity >= fail_on)
}

/// Sorts findings deterministically: [`Diagnostic::sort_key`], then severity, help,
/// object and related spans.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        a.sort_key()
            .cmp(&b.sort_key())
            .then_with(|| b.severity.cmp(&a.severity))
            .then_with(|| a.help.cmp(&b.help))
            .then_with(|| a.object.cmp(&b.object))
            .then_with(|| a.related.cmp(&b.related))
    });
}

/// What identifies a finding for merging (see the module documentation).
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum MergeKey {
    At {
        code: String,
        span: Span,
        message: String,
    },
    Nowhere {
        code: String,
        message: String,
        cluster: Option<String>,
        app: Option<String>,
        object: Option<ObjectRef>,
    },
}

fn merge_duplicates(mut found: Vec<Diagnostic>) -> Vec<Diagnostic> {
    sort(&mut found);
    let mut out: Vec<Diagnostic> = Vec::with_capacity(found.len());
    let mut clusters_of: Vec<BTreeSet<String>> = Vec::new();
    let mut index: BTreeMap<MergeKey, usize> = BTreeMap::new();
    for d in found {
        let key = match &d.span {
            Some(span) => MergeKey::At {
                code: d.code.clone(),
                span: span.clone(),
                message: d.message.clone(),
            },
            None => MergeKey::Nowhere {
                code: d.code.clone(),
                message: d.message.clone(),
                cluster: d.cluster.clone(),
                app: d.app.clone(),
                object: d.object.clone(),
            },
        };
        match index.get(&key) {
            Some(&i) => {
                clusters_of[i].extend(clusters(&d).into_iter().map(str::to_string));
                out[i].severity = out[i].severity.max(d.severity);
            }
            None => {
                index.insert(key, out.len());
                clusters_of.push(clusters(&d).into_iter().map(str::to_string).collect());
                out.push(d);
            }
        }
    }
    for (d, set) in out.iter_mut().zip(clusters_of) {
        if !set.is_empty() {
            d.cluster = Some(set.into_iter().collect::<Vec<_>>().join(", "));
        }
    }
    out
}

/// `KLN001` for the Application `name` of a chart no cluster deploys.
fn not_deployed(name: &str, chart_dir: Option<&str>) -> Diagnostic {
    let dir = chart_dir.unwrap_or(name);
    let mut d = Diagnostic::new(
        KLN001,
        Severity::Info,
        format!("chart `{dir}` is not deployed by any cluster; it was checked with its default values"),
    )
    .with_help("deploy it from a cluster's Application, delete it, or disable KLN001 for its path in kiln.toml")
    .with_span(chart_dir.map(|dir| Span::new(format!("{dir}/Chart.yaml"), 1, 1)));
    d.app = Some(name.to_string());
    d
}

/// `KLN004` for a rule that panicked with `payload`.
fn rule_failed(rule: &dyn Rule, payload: &(dyn std::any::Any + Send)) -> Diagnostic {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic payload".to_string());
    let codes: Vec<&str> = rule.infos().iter().map(|i| i.code).collect();
    let name = match codes.as_slice() {
        [] => "a rule without codes".to_string(),
        [one] => format!("rule {one}"),
        [first, .., last] if codes.len() > 4 => {
            format!("rules {first}…{last} ({} codes)", codes.len())
        }
        _ => format!("rules {}", codes.join(", ")),
    };
    Diagnostic::new(
        KLN004,
        Severity::Error,
        format!("internal error: {name} panicked: {}", message.trim()),
    )
    .with_help("this is a bug in kiln, please report it; findings of these codes may be missing")
}
