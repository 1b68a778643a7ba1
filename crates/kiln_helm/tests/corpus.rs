//! Parity with real Helm on real charts: every render recorded in
//! `../shared/corpus/expected/` (Helm v4.2.3's per-template output for a chart of
//! `../shared/corpus/charts/` with its default values, a `ci/*.yaml` file, or a set of
//! cluster value files) is rendered by kiln and compared template by template.
//!
//! Renders listed in `tests/corpus_known_failures.txt` may differ (each is explained in
//! PARITY.md); any other difference fails the test, and a listed render that now matches
//! is reported so the list only shrinks. `KILN_CORPUS=substring` runs a subset and prints
//! the first differing lines.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use kiln_gotmpl::Map;
use kiln_helm::engine::{render, RenderOptions};
use kiln_helm::loader;

fn corpus_dir() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
    p.is_dir().then_some(p)
}

/// The user values of a recorded render.
fn user_values(corpus: &Path, chart_dir: &Path, rec: &serde_json::Value) -> Result<Map, String> {
    let mut files: Vec<PathBuf> = Vec::new();
    if let Some(f) = rec.get("values_file").and_then(|v| v.as_str()) {
        files.push(chart_dir.join(f));
    }
    if let Some(list) = rec.get("values_files").and_then(|v| v.as_array()) {
        for f in list {
            files.push(corpus.join(f.as_str().unwrap_or("")));
        }
    }
    let mut vals = Map::new();
    for f in files {
        let text = std::fs::read_to_string(&f).map_err(|e| format!("{}: {e}", f.display()))?;
        let m = loader::load_values(&text).map_err(|(e, _)| e)?;
        vals = kiln_helm::values::merge_maps(vals, m);
    }
    Ok(vals)
}

/// Renders one recorded case; returns kiln's per-template output.
fn render_case(
    corpus: &Path,
    chart_dir: &Path,
    rec: &serde_json::Value,
) -> Result<BTreeMap<String, String>, String> {
    let chart = loader::load_dir(chart_dir).map_err(|e| e.message)?;
    let vals = user_values(corpus, chart_dir, rec)?;
    let opts = RenderOptions {
        release_name: rec["release"].as_str().unwrap_or("release-name").into(),
        namespace: rec["namespace"].as_str().unwrap_or("default").into(),
        ..Default::default()
    };
    render(&Arc::new(chart), &vals, &opts).map_err(|e| e.message)
}

/// For nondeterministic charts (random passwords, generated certificates) only the
/// shape is compared: the same templates, each with the same number of lines.
fn same_shape(a: &str, b: &str) -> bool {
    a.lines().count() == b.lines().count()
}

#[test]
fn corpus_charts_match_helm() {
    let Some(corpus) = corpus_dir() else {
        eprintln!("SKIPPED: ../shared not found; corpus parity with real Helm did not run");
        return;
    };
    let filter = std::env::var("KILN_CORPUS").ok();
    let known: BTreeSet<String> = include_str!("corpus_known_failures.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split_whitespace().next().unwrap_or("").to_string())
        .collect();
    let mut cases: Vec<PathBuf> = Vec::new();
    for src in std::fs::read_dir(corpus.join("expected")).unwrap() {
        let src = src.unwrap().path();
        for f in std::fs::read_dir(&src).unwrap() {
            cases.push(f.unwrap().path());
        }
    }
    cases.sort();
    let (mut identical, mut total, mut shape_only) = (0, 0, 0);
    let mut unexpected = Vec::new();
    let mut fixed = Vec::new();
    let mut failures = Vec::new();
    for path in &cases {
        let source = path
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let id = format!("{source}/{stem}");
        if let Some(f) = &filter {
            if !id.contains(f.as_str()) {
                continue;
            }
        }
        let chart_name = stem.split('@').next().unwrap();
        let chart_dir = corpus.join("charts").join(&source).join(chart_name);
        let rec: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        let mut nondeterministic = rec["nondeterministic"].as_bool().unwrap_or(false);
        let want: BTreeMap<String, String> = rec["manifests"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
            .collect();
        total += 1;
        let got = std::panic::catch_unwind(|| render_case(&corpus, &chart_dir, &rec))
            .unwrap_or_else(|_| Err("PANIC".into()));
        // Renders that use random functions (e.g. htpasswd's bcrypt salt) differ from
        // run to run in Helm too; the recorder flags only default renders. A second
        // render that differs from the first reveals them: compare their shape only.
        if !nondeterministic {
            if let Ok(first) = &got {
                if want != *first {
                    if let Ok(second) = render_case(&corpus, &chart_dir, &rec) {
                        nondeterministic = second != *first;
                    }
                }
            }
        }
        let problem = match &got {
            Err(e) => Some(format!("render failed: {e}")),
            Ok(g) => {
                let missing: Vec<_> = want.keys().filter(|k| !g.contains_key(*k)).collect();
                let extra: Vec<_> = g.keys().filter(|k| !want.contains_key(*k)).collect();
                let differing: Vec<&String> = want
                    .iter()
                    .filter(|(k, v)| {
                        g.get(*k).is_some_and(|gv| {
                            if nondeterministic {
                                !same_shape(gv, v)
                            } else {
                                gv != *v
                            }
                        })
                    })
                    .map(|(k, _)| k)
                    .collect();
                if missing.is_empty() && extra.is_empty() && differing.is_empty() {
                    None
                } else {
                    if filter.is_some() {
                        for k in &differing {
                            let (w, gv) = (&want[*k], &g[*k]);
                            let line = w
                                .lines()
                                .zip(gv.lines())
                                .position(|(a, b)| a != b)
                                .unwrap_or(w.lines().count().min(gv.lines().count()));
                            eprintln!(
                                "  {k}: first difference at line {}\n    helm: {:?}\n    kiln: {:?}",
                                line + 1,
                                w.lines().nth(line),
                                gv.lines().nth(line)
                            );
                        }
                    }
                    Some(format!(
                        "missing {missing:?}, extra {extra:?}, differing {differing:?}"
                    ))
                }
            }
        };
        match problem {
            None => {
                identical += 1;
                if nondeterministic {
                    shape_only += 1;
                }
                if known.contains(&id) {
                    fixed.push(id);
                }
            }
            Some(p) => {
                if filter.is_some() {
                    eprintln!("DIFF {id}: {p}");
                }
                failures.push(format!("{id}\t{p}"));
                if !known.contains(&id) {
                    unexpected.push(id);
                }
            }
        }
    }
    eprintln!(
        "corpus parity: {identical}/{total} renders match Helm ({} byte-identical, {shape_only} nondeterministic renders compared by shape)",
        identical - shape_only
    );
    if let Ok(p) = std::env::var("KILN_CORPUS_WRITE_FAILURES") {
        std::fs::write(p, failures.join("\n") + "\n").unwrap();
    }
    if !fixed.is_empty() {
        eprintln!("now identical (remove from corpus_known_failures.txt): {fixed:?}");
    }
    assert!(
        unexpected.is_empty() || filter.is_some(),
        "{} renders differ from Helm and are not in corpus_known_failures.txt: {:?}",
        unexpected.len(),
        &unexpected[..unexpected.len().min(40)]
    );
}
