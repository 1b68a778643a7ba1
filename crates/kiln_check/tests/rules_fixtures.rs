//! Failing and passing fixtures of every AI rule.
//!
//! `tests/fixtures/rules/charts/ai/fixture` is an AI chart whose defaults pass every rule
//! and whose values reproduce each mistake. Every `tests/fixtures/rules/<family>/*.yaml`
//! is a case: a values file rendered over that chart, with a header saying what must be
//! found:
//!
//! ```yaml
//! # expect: GPU001 GPU003      (the exact set of codes; `none` for a passing case)
//! # span: GPU001 file:LINE     (the first GPU001 points at a file ending in `file`, LINE)
//! # also: other.yaml           (a second app, `other`, from the same chart and cluster)
//! # readme: none | FILE        (the chart's README removed, or replaced by FILE)
//! ```

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use kiln_helm::chart::File;
use support::*;

const FAMILIES: &[&str] = &[
    "gpu",
    "storage",
    "resources",
    "probes",
    "api",
    "secrets",
    "gatus",
    "pod",
    "docs",
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules")
}

const REL: &str = "crates/kiln_check/tests/fixtures/rules";

#[derive(Default, Debug)]
struct Header {
    expect: Vec<String>,
    spans: Vec<(String, String, usize)>,
    also: Option<String>,
    readme: Option<String>,
}

fn header(text: &str) -> Header {
    let mut h = Header::default();
    for line in text.lines().take_while(|l| l.starts_with('#')) {
        let l = line.trim_start_matches('#').trim();
        if let Some(rest) = l.strip_prefix("expect:") {
            h.expect = rest
                .split_whitespace()
                .filter(|c| *c != "none")
                .map(String::from)
                .collect();
        } else if let Some(rest) = l.strip_prefix("span:") {
            let mut it = rest.split_whitespace();
            let code = it.next().unwrap_or_default().to_string();
            let at = it.next().unwrap_or_default();
            let (file, line) = at.rsplit_once(':').unwrap_or((at, "0"));
            h.spans
                .push((code, file.to_string(), line.parse().unwrap_or(0)));
        } else if let Some(rest) = l.strip_prefix("also:") {
            h.also = Some(rest.trim().to_string());
        } else if let Some(rest) = l.strip_prefix("readme:") {
            h.readme = Some(rest.trim().to_string());
        }
    }
    h
}

fn spec(name: &str, case_dir: &str, file: &str) -> AppSpec {
    let chart = fixtures().join("charts/ai/fixture");
    let mut s = AppSpec::new(chart, &format!("{REL}/charts/ai/fixture"), name)
        .cluster("test")
        .file_from(
            &fixtures().join(case_dir).join(file),
            &format!("{REL}/{case_dir}/{file}"),
        );
    s.ctx.namespace = "ai".into();
    s
}

fn with_readme(app: &mut kiln_check::App, family: &str, readme: &str) {
    let Some(chart) = &app.chart else { return };
    let mut c = (**chart).clone();
    c.files
        .retain(|f| !f.name.eq_ignore_ascii_case("README.md"));
    if readme != "none" {
        let text = std::fs::read(fixtures().join(family).join(readme)).expect("readme");
        c.files.push(File {
            name: "README.md".into(),
            data: Arc::from(text),
        });
    }
    app.chart = Some(Arc::new(c));
}

/// Runs one case; returns a description of what went wrong.
fn run_case(family: &str, file: &str) -> Result<(), String> {
    let text =
        std::fs::read_to_string(fixtures().join(family).join(file)).map_err(|e| e.to_string())?;
    let h = header(&text);
    let mut apps = vec![build_app(&spec("fixture", family, file))?];
    if let Some(also) = &h.also {
        apps.push(build_app(&spec("other", family, also))?);
    }
    if let Some(r) = &h.readme {
        for (a, _) in &mut apps {
            with_readme(a, family, r);
        }
    }
    let diags = check(&input(apps));
    let found = codes(&diags);
    let mut want = h.expect.clone();
    want.sort();
    if found != want {
        return Err(format!(
            "{family}/{file}: expected {want:?}, found {found:?}\n{}",
            show(&diags)
        ));
    }
    for (code, suffix, line) in &h.spans {
        let d = diags
            .iter()
            .find(|d| &d.code == code)
            .ok_or_else(|| format!("{family}/{file}: no {code} for the span check"))?;
        let ok = d
            .span
            .as_ref()
            .is_some_and(|s| s.file.ends_with(suffix.as_str()) && s.line == *line);
        if !ok {
            return Err(format!(
                "{family}/{file}: {code} should point at {suffix}:{line}, points at {:?}",
                d.span.as_ref().map(|s| s.to_string())
            ));
        }
    }
    // Every finding names its app and has a help line.
    for d in &diags {
        if d.help.as_deref().is_none_or(str::is_empty) || d.app.is_none() {
            return Err(format!("{family}/{file}: {} lacks help or app", d.code));
        }
    }
    Ok(())
}

fn cases(family: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(fixtures().join(family))
        .expect("family dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") && !n.contains("-also"))
        .collect();
    v.sort();
    v
}

fn run_family(family: &str) {
    let errors: Vec<String> = cases(family)
        .iter()
        .filter_map(|c| run_case(family, c).err())
        .collect();
    assert!(errors.is_empty(), "\n{}", errors.join("\n\n"));
}

#[test]
fn fixture_chart_defaults_pass() {
    let s = AppSpec::new(
        fixtures().join("charts/ai/fixture"),
        &format!("{REL}/charts/ai/fixture"),
        "fixture",
    );
    let diags = check_one(&s);
    assert!(diags.is_empty(), "{}", show(&diags));
}

#[test]
fn every_code_has_failing_and_passing_fixtures() {
    let mut missing = Vec::new();
    for info in kiln_check::rules::ai_rule_infos() {
        let mut fails = false;
        let mut passes = false;
        for family in FAMILIES {
            for c in cases(family) {
                let text =
                    std::fs::read_to_string(fixtures().join(family).join(&c)).unwrap_or_default();
                let h = header(&text);
                if h.expect.iter().any(|e| e == info.code) {
                    fails = true;
                }
                if h.expect.is_empty()
                    && (c.starts_with(info.code)
                        || (c.starts_with("DOC-") && info.code.starts_with("DOC")))
                {
                    passes = true;
                }
            }
        }
        if !fails || !passes {
            missing.push(format!("{} (fail: {fails}, pass: {passes})", info.code));
        }
    }
    assert!(missing.is_empty(), "{missing:?}");
}

#[test]
fn gpu() {
    run_family("gpu");
}

#[test]
fn storage() {
    run_family("storage");
}

#[test]
fn resources() {
    run_family("resources");
}

#[test]
fn probes() {
    run_family("probes");
}

#[test]
fn api() {
    run_family("api");
}

#[test]
fn secrets() {
    run_family("secrets");
}

#[test]
fn gatus() {
    run_family("gatus");
}

#[test]
fn pod() {
    run_family("pod");
}

#[test]
fn docs() {
    run_family("docs");
}

/// Rules never panic and never report without a code on odd input: objects that are not
/// what their kind says.
#[test]
fn malformed_objects_do_not_panic() {
    let weird = r#"
extraObjects:
  - {apiVersion: apps/v1, kind: Deployment, metadata: {name: a}, spec: {template: {spec: {containers: "x"}}}}
  - {apiVersion: apps/v1, kind: Deployment, metadata: {name: b}, spec: {template: {spec: {containers: [1, null, {name: c, resources: {limits: {memory: "lots", nvidia.com/gpu: "-1"}, requests: {memory: [1]}}, ports: [{containerPort: "x"}], livenessProbe: {httpGet: {port: [1]}}, env: [{name: 3}], volumeMounts: [{name: v}]}], volumes: "v"}}}}
  - {apiVersion: v1, kind: Service, metadata: {name: s}, spec: {selector: [1], ports: {a: 1}}}
  - {apiVersion: route.openshift.io/v1, kind: Route, metadata: {name: r}, spec: {tls: "edge", to: 1}}
  - {apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {name: i}, spec: {tls: [{hosts: 1}], rules: [{host: 1, http: {paths: [{backend: {service: {name: x, port: {number: "a"}}}}]}}]}}
  - {apiVersion: v1, kind: Secret, metadata: {name: sec}, data: {k: "!!!"}}
  - {apiVersion: v1, kind: ConfigMap, metadata: {name: g, labels: {gatus.io/enabled: "true"}}, data: {a: "endpoints: 1", b: "[", c: "endpoints: [{conditions: 1, url: 2}]"}}
  - {apiVersion: external-secrets.io/v1, kind: ExternalSecret, metadata: {name: e}, spec: {data: [1]}}
  - {apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: p}, spec: {resources: {requests: {storage: {a: 1}}}, accessModes: "RWO"}}
  - {apiVersion: apps/v1, kind: StatefulSet, metadata: {name: ss}, spec: {volumeClaimTemplates: [1, {spec: 2}]}}
"#;
    let s = AppSpec::new(
        fixtures().join("charts/ai/fixture"),
        &format!("{REL}/charts/ai/fixture"),
        "fixture",
    )
    .values(weird);
    let diags = check_one(&s);
    assert!(diags.iter().all(|d| !d.code.is_empty()));
}
