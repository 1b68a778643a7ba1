//! The real-Helm Sprig vectors (`shared/vectors/sprig.json`) of part A's function groups,
//! rendered with the template engine and Sprig alone (no Helm functions, `.Values` only,
//! `missingkey=zero` and `<no value>` removed as Helm does).
//!
//! A case passes when kiln renders Helm's `expected` text, or fails where Helm failed
//! (for failures of a function, with the same `error calling FN: …` text). Cases that need
//! Helm's own functions (`toYaml`, `required`, …) are skipped. The vectors live outside
//! the crate; without them the test reports that and passes.

use kiln_gotmpl::{MissingKey, Options, TemplateSet, Value};
use serde_json::Value as Json;

/// Vector groups (the second part of a case id) that exercise part A's functions.
const GROUPS: &[&str] = &[
    "trunc", "abbrev", "trim", "case", "substr", "repeat", "nospace", "wrap", "contains", "quote",
    "cat", "indent", "replace", "plural", "split", "toString", "int", "int64", "float64", "atoi",
    "defaults", "types", "regex", "path", "encoding", "misc",
];

/// Functions Helm adds or replaces; cases using them are not Sprig's.
const HELM_ONLY: &[&str] = &[
    "toYaml", "fromYaml", "required", "fail", "include", "tpl", "toToml", "lookup",
];

#[test]
fn sprig_vectors_part_a() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/vectors/sprig.json"
    );
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("no vectors at {path}; skipped");
        return;
    };
    let cases: Vec<Json> = serde_json::from_str(&text).expect("vectors JSON");
    let mut funcs = kiln_sprig::func_map();
    // Helm deletes these two.
    funcs.remove("env");
    funcs.remove("expandenv");
    let (mut pass, mut total, mut skipped) = (0, 0, 0);
    let mut failures = Vec::new();
    for case in &cases {
        let id = case["id"].as_str().unwrap_or_default();
        let group = id.split('/').nth(1).unwrap_or_default();
        if !GROUPS.contains(&group) {
            continue;
        }
        let template = case["template"].as_str().unwrap_or_default();
        if HELM_ONLY.iter().any(|f| template.contains(f)) {
            skipped += 1;
            continue;
        }
        total += 1;
        let values = Value::from_json(case.get("values").unwrap_or(&Json::Null));
        let data = Value::map([("Values".into(), values)].into_iter().collect());
        let mut set = TemplateSet::new(
            "gotpl",
            &funcs,
            Options {
                missing_key: MissingKey::Zero,
            },
        );
        let rendered = set
            .parse("test.yaml", template)
            .map_err(|e| e.to_string())
            .and_then(|()| set.execute("test.yaml", &data).map_err(|e| e.to_string()))
            .map(|out| out.replace("<no value>", ""));
        let ok = match (
            &rendered,
            case.get("expected").and_then(Json::as_str),
            case["error"].as_str(),
        ) {
            (Ok(out), Some(want), _) => out == want,
            (Err(e), None, Some(want)) => match want.find("error calling ") {
                // A function's own error: the text after the call must agree.
                Some(i) => e.ends_with(&want[i..]) || e.contains(&want[i..]),
                None => true,
            },
            _ => false,
        };
        if ok {
            pass += 1;
        } else {
            failures.push(format!(
                "{id}: {template}\n    want {:?}\n    got  {rendered:?}",
                case.get("expected").or(case.get("error"))
            ));
        }
    }
    for f in &failures {
        eprintln!("FAIL {f}");
    }
    eprintln!(
        "sprig vectors (part A groups): {pass} of {total} pass, {skipped} skipped (Helm functions)"
    );
    assert!(
        failures.is_empty(),
        "{} of {total} vectors fail",
        failures.len()
    );
}
