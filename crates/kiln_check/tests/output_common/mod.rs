//! Findings and rules shared by the output format tests: four findings covering every
//! severity, a finding without a span, one merged across clusters, one with a related
//! span in another file, and one whose file does not exist (no snippet).

#![allow(dead_code)]

use std::path::PathBuf;

use kiln_check::{CheckInput, Diagnostic, ObjectRef, Registry, Rule, RuleInfo, Severity, Span};

/// The repository the human format reads snippets from.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/output_repo")
}

pub struct TestRules;

pub const TEST_RULES: &[RuleInfo] = &[
    RuleInfo {
        code: "GPU001",
        name: "gpu-without-toleration",
        default_severity: Severity::Error,
        summary: "GPU requested without a toleration for the GPU taint",
        docs: "## What it does\nChecks GPU pods for a toleration.\n",
    },
    RuleInfo {
        code: "RES001",
        name: "inference-memory-too-low",
        default_severity: Severity::Warning,
        summary: "Memory limit below what an inference server needs",
        docs: "## What it does\nChecks memory limits.\n",
    },
    RuleInfo {
        code: "SCH001",
        name: "values-schema",
        default_severity: Severity::Error,
        summary: "Values do not match values.schema.json",
        docs: "## What it does\nValidates values.\n",
    },
];

impl Rule for TestRules {
    fn infos(&self) -> &'static [RuleInfo] {
        TEST_RULES
    }
    fn check(&self, _: &CheckInput, _: &mut Vec<Diagnostic>) {}
}

pub fn registry() -> Registry {
    Registry::new(&[Box::new(TestRules) as Box<dyn Rule>])
}

fn deployment() -> ObjectRef {
    ObjectRef {
        api_version: "apps/v1".into(),
        kind: "Deployment".into(),
        namespace: Some("ai".into()),
        name: "ollama".into(),
    }
}

/// The findings, sorted as the runner sorts them.
pub fn findings() -> Vec<Diagnostic> {
    let values = "charts/ai/ollama/values.yaml";
    let mut gpu = Diagnostic::new(
        "GPU001",
        Severity::Error,
        "GPU requested but the pod has no toleration for the GPU taint",
    )
    .with_help("add a toleration for `nvidia.com/gpu`")
    .with_span(Some(Span::new(values, 5, 3)))
    .with_object(deployment());
    gpu.cluster = Some("home, lab".into());
    gpu.app = Some("ollama".into());

    let mut res = Diagnostic::new(
        "RES001",
        Severity::Warning,
        "memory limit 2Gi is below the 4Gi an inference server needs",
    )
    .with_help("raise `resources.limits.memory` to at least 4Gi")
    .with_span(Some(Span::new(values, 8, 5)))
    .with_related(
        Span::new("charts/ai/ollama/templates/deployment.yaml", 11, 13),
        "rendered into the container here",
    )
    .with_object(deployment());
    res.cluster = Some("home".into());
    res.app = Some("ollama".into());

    let mut sch = Diagnostic::new(
        "SCH001",
        Severity::Error,
        "values don't match: 100% of `replicas`, got \"a,b\"",
    );
    sch.cluster = Some("home".into());
    sch.app = Some("web".into());

    let mut kln = Diagnostic::new(
        "KLN001",
        Severity::Info,
        "chart `charts/web` is not deployed by any cluster; it was checked with its default values",
    )
    .with_help("deploy it from a cluster's Application, delete it, or disable KLN001 for its path in kiln.toml")
    .with_span(Some(Span::new("charts/web/Chart.yaml", 1, 1)));
    kln.app = Some("charts/web".into());

    let mut all = vec![kln, res, sch, gpu];
    kiln_check::runner::sort(&mut all);
    all
}
