//! Runs the real-Helm conformance vectors of `../shared/vectors/helm.json` whose
//! templates have simple shapes (see `common`), per group, and the kiln fixtures
//! generated with the oracle (`tests/fixtures/*.json`).

mod common;

use std::path::PathBuf;

const GROUPS: &[&str] = &[
    "helm/toYaml",
    "helm/values-yaml",
    "helm/toJson",
    "helm/fromYaml",
    "helm/fromJson",
    "helm/toToml",
    "helm/fromToml",
    "helm/toYamlPretty",
    "helm/coalesce",
    "helm/fromYamlArray",
    "helm/toPrettyJson",
    "helm/fromJsonArray",
    "helm/toRawJson",
    "helm/mustToJson",
    "helm/mustToPrettyJson",
    "helm/mustToRawJson",
    "helm/mustFromJson",
];

/// Runs `f` on a thread with a large stack: a few fixtures nest values 10000 levels deep
/// (Go's limit), and dropping such a `Value` recurses once per level.
fn big_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(f)
        .expect("spawn")
        .join()
        .unwrap_or_else(|e| std::panic::resume_unwind(e));
}

#[test]
fn helm_vectors() {
    big_stack(helm_vectors_run);
}

fn helm_vectors_run() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vectors/helm.json");
    let Some(cases) = common::load_cases(&path) else {
        println!("SKIPPED: ../shared not found ({})", path.display());
        return;
    };
    let mut tally = common::Tally::default();
    for c in &cases {
        let group = c.id.rsplit_once('/').map(|(g, _)| g).unwrap_or("");
        if GROUPS.contains(&group) {
            tally.record(c);
        }
    }
    println!("{}", tally.report());
    for f in &tally.failures {
        println!("FAIL {f}");
    }
    for s in &tally.skipped {
        println!("SKIP {s}");
    }
    assert!(
        tally.failures.is_empty(),
        "{} vector(s) failed",
        tally.failures.len()
    );
}

#[test]
fn kiln_fixtures() {
    big_stack(kiln_fixtures_run);
}

fn kiln_fixtures_run() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut tally = common::Tally::default();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    entries.sort();
    for p in entries {
        if p.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        for c in common::load_cases(&p).unwrap_or_default() {
            tally.record(&c);
        }
    }
    println!("{}", tally.report());
    for f in &tally.failures {
        println!("FAIL {f}");
    }
    for s in &tally.skipped {
        println!("SKIP {s}");
    }
    assert!(
        tally.failures.is_empty(),
        "{} fixture(s) failed",
        tally.failures.len()
    );
}
