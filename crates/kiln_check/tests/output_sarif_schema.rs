//! `--format sarif` validated against the SARIF 2.1.0 JSON Schema
//! (`schemas/sarif-2.1.0.json`, see `schemas/README.md`) with kiln's own JSON Schema
//! validator (draft-07), plus checks that the validator rejects broken logs, so that a
//! passing test means something.

mod output_common;

use std::path::PathBuf;

use kiln_check::output::sarif;
use kiln_check::{Diagnostic, Registry, Severity, Span};
use output_common::{findings, registry};

fn schema() -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schemas/sarif-2.1.0.json");
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn validate(text: &str) -> Result<(), String> {
    let (map, err) = kiln_encoding::json::from_json_map(text);
    if let Some(e) = err {
        return Err(format!("not JSON: {e:?}"));
    }
    let map = map.ok_or("not a JSON object")?;
    kiln_helm::schema::validate_single(&map, &schema())
}

#[test]
fn findings_are_valid_sarif() {
    let text = sarif::render(&findings(), &registry());
    if let Err(e) = validate(&text) {
        panic!("{e}\n{text}");
    }
}

#[test]
fn empty_and_odd_findings_are_valid_sarif() {
    let text = sarif::render(&[], &Registry::new(&[]));
    if let Err(e) = validate(&text) {
        panic!("{e}\n{text}");
    }
    // An undeclared code (no ruleIndex), a path that needs percent-encoding, several
    // related spans, and a related span identical to the primary one.
    let d = Diagnostic::new("ZZZ999", Severity::Info, "odd")
        .with_span(Some(Span::new("charts/a b/ü#1.yaml", 3, 2)))
        .with_related(Span::new("charts/a b/ü#1.yaml", 3, 2), "same place")
        .with_related(Span::new("x.yaml", 1, 1), "same place");
    let text = sarif::render(&[d.clone(), d], &registry());
    if let Err(e) = validate(&text) {
        panic!("{e}\n{text}");
    }
}

/// Every rule kiln ships, as `tool.driver.rules`, is valid SARIF too.
#[test]
fn builtin_rules_are_valid_sarif() {
    let registry = Registry::builtin();
    assert!(registry.rules().len() > 4);
    let text = sarif::render(&findings(), &registry);
    if let Err(e) = validate(&text) {
        panic!("{e}");
    }
}

#[test]
fn validator_rejects_broken_logs() {
    let good = sarif::render(&findings(), &registry());
    assert!(validate(&good).is_ok());
    let broken = [
        ("\"level\": \"note\"", "\"level\": \"fatal\""),
        ("\"version\": \"2.1.0\"", "\"version\": \"2.2.0\""),
        ("\"startLine\": 5", "\"startLine\": 0"),
        (
            "\"ruleId\": \"GPU001\"",
            "\"ruleId\": \"GPU001\", \"bogus\": 1",
        ),
        ("\"name\": \"kiln\"", "\"nom\": \"kiln\""),
    ];
    for (from, to) in broken {
        assert!(good.contains(from), "{from}");
        let text = good.replacen(from, to, 1);
        assert!(validate(&text).is_err(), "accepted with {to}");
    }
}
