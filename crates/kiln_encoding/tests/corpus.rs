//! Every values.yaml of the shared chart corpus must parse, and `toYaml` of the parsed
//! values (after Helm's removal of null entries) must be exactly what Helm renders. The
//! expected outputs were produced with the oracle (`{{ toYaml .Values }}`, one case per
//! file) and are stored as length + FNV-1a hash in `fixtures/corpus_toyaml.json.txt`.

mod common;

use std::path::PathBuf;

fn fnv64(s: &str) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{h:016x}")
}

#[test]
fn corpus_values_to_yaml() {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if !shared.join("corpus").exists() {
        println!("SKIPPED: ../shared not found");
        return;
    }
    let fixture =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus_toyaml.json.txt");
    let list: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture).unwrap()).unwrap();
    let (mut ok, mut missing) = (0, 0);
    let mut failures = Vec::new();
    for e in list.as_array().unwrap() {
        let path = shared.join(e["path"].as_str().unwrap());
        let Ok(text) = std::fs::read_to_string(&path) else {
            missing += 1;
            continue;
        };
        let got = match kiln_encoding::parse_values(&text) {
            Ok(v) => Ok(kiln_encoding::to_yaml(&common::strip_nulls(&v))),
            Err(e) => Err(e.message),
        };
        match (
            got,
            e.get("fnv64").and_then(|v| v.as_str()),
            e.get("error").and_then(|v| v.as_str()),
        ) {
            (Ok(y), Some(h), _)
                if fnv64(&y) == h && y.len() as u64 == e["len"].as_u64().unwrap() =>
            {
                ok += 1
            }
            (Err(m), None, Some(want)) if want.ends_with(&m) => ok += 1,
            (got, _, _) => failures.push(format!("{}: {:?}", path.display(), got.map(|s| s.len()))),
        }
    }
    println!(
        "corpus values.yaml: {ok} identical to Helm, {} different, {missing} missing",
        failures.len()
    );
    for f in &failures {
        println!("FAIL {f}");
    }
    assert!(failures.is_empty());
}
