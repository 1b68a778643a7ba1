//! Part-B Sprig functions against real Helm: the cases in `b_data/oracle_cases.json`
//! (semver constraint matrix, math with mixed operands, list/dict edge cases, merge
//! semantics, date layouts and parsing, durations) were rendered by Helm v4.2.3 with
//! `/work/shared/oracle/helm-oracle vectors`; and the part-B groups of the shared
//! conformance vectors (`shared/vectors/sprig.json`) when that directory is present.
//!
//! Cases calling functions of other parts (`toJson`, `kindOf`, ...) are skipped unless
//! `KILN_SPRIG_ALL_FUNCTIONS=1`; `derivePassword` cases (scrypt, seconds per call
//! unoptimised) run in debug builds only with `KILN_SPRIG_SLOW=1`;
//! `KILN_SPRIG_VECTORS=path` points at another `sprig.json`.

mod b_common;

use b_common::run_cases;

#[test]
fn oracle_cases() {
    let doc: serde_json::Value =
        serde_json::from_str(include_str!("b_data/oracle_cases.json")).expect("fixture");
    let cases = doc["cases"].as_array().expect("cases");
    let funcs = kiln_sprig::func_map();
    let (passed, skipped, failures) = run_cases(&funcs, cases, doc.get("values"));
    println!(
        "oracle cases: {passed} passed, {skipped} skipped, {} failed",
        failures.len()
    );
    assert!(failures.is_empty(), "mismatches:\n{}", failures.join("\n"));
    assert!(passed > 1000);
}

#[test]
fn shared_vectors() {
    let path = std::env::var("KILN_SPRIG_VECTORS").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/vectors/sprig.json"
        )
        .to_string()
    });
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("no shared vectors at {path}; skipped");
        return;
    };
    let all: Vec<serde_json::Value> = serde_json::from_str(&text).expect("vectors");
    let groups = [
        "list", "dict", "math", "crypto", "date", "semver", "numeric", "misc", "encoding",
    ];
    let mine: Vec<serde_json::Value> = all
        .into_iter()
        .filter(|c| {
            let id = c["id"].as_str().unwrap_or("");
            groups
                .iter()
                .any(|g| id.starts_with(&format!("sprig/{g}/")))
        })
        .collect();
    let funcs = kiln_sprig::func_map();
    let (passed, skipped, failures) = run_cases(&funcs, &mine, None);
    println!("shared vectors (part B groups): {passed} passed, {skipped} skipped (other parts' functions), {} failed", failures.len());
    assert!(failures.is_empty(), "mismatches:\n{}", failures.join("\n"));
}

/// More `derivePassword` cases (every template kind, Unicode names, the counter's
/// range); scrypt with N=32768 takes seconds per call without optimisations, so in
/// debug builds they run only with `KILN_SPRIG_SLOW=1`.
#[test]
fn derive_password_cases() {
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("b_data/derive_password_cases.json")).expect("fixture");
    let funcs = kiln_sprig::func_map();
    let (passed, skipped, failures) = run_cases(&funcs, &cases, None);
    assert!(failures.is_empty(), "mismatches:\n{}", failures.join("\n"));
    assert_eq!(passed + skipped, cases.len());
}
