//! Runs the real-Helm conformance vectors of `../shared/vectors/` (gotemplate, sprig,
//! helm): each case is laid out as a chart exactly as `helm-oracle vectors` does, loaded
//! and rendered with kiln, and compared with Helm's `expected` text (or must fail where
//! Helm failed).
//!
//! Cases listed in `tests/vectors_known_failures.txt` are reported but do not fail the
//! test; any other failure does, and a listed case that now passes is reported so the
//! list only shrinks. `KILN_VECTORS=id-substring` runs a subset and prints details.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use kiln_gotmpl::{Map, Value};
use kiln_helm::caps::Capabilities;
use kiln_helm::engine::{render, RenderOptions};
use kiln_helm::loader;

fn shared_dir() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vectors");
    p.is_dir().then_some(p)
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Python's `json.dumps` (the oracle writes values.yaml with it): ASCII only, non-ASCII
/// as `\uXXXX` (UTF-16 surrogate pairs above the BMP, which YAML then rejects, as Helm
/// does), separators `, ` and `: `.
fn py_dumps(v: &serde_json::Value) -> String {
    use serde_json::Value as J;
    match v {
        J::Null => "null".into(),
        J::Bool(b) => b.to_string(),
        J::Number(n) => n.to_string(),
        J::String(s) => {
            let mut out = String::from("\"");
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    '\u{8}' => out.push_str("\\b"),
                    '\u{c}' => out.push_str("\\f"),
                    c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                        let mut buf = [0u16; 2];
                        for unit in c.encode_utf16(&mut buf) {
                            out.push_str(&format!("\\u{unit:04x}"));
                        }
                    }
                    c => out.push(c),
                }
            }
            out.push('"');
            out
        }
        J::Array(a) => format!(
            "[{}]",
            a.iter().map(py_dumps).collect::<Vec<_>>().join(", ")
        ),
        J::Object(o) => format!(
            "{{{}}}",
            o.iter()
                .map(|(k, v)| format!("{}: {}", py_dumps(&J::String(k.clone())), py_dumps(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Lays out the case's chart like helm-oracle's `build_case_chart`; returns the chart
/// directory and the chart name.
fn build_case_chart(case: &serde_json::Value, root: &Path) -> (PathBuf, String) {
    let mut meta = serde_json::json!({"apiVersion": "v2", "name": "mychart", "version": "0.1.0"});
    if let Some(c) = case.get("chart").and_then(|c| c.as_object()) {
        for (k, v) in c {
            meta[k] = v.clone();
        }
    }
    let name = meta["name"].as_str().unwrap_or("mychart").to_string();
    let dir = root.join(&name);
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    write(&dir.join("Chart.yaml"), &format!("{}\n", py_dumps(&meta)));
    if let Some(v) = case.get("values_yaml").and_then(|v| v.as_str()) {
        write(&dir.join("values.yaml"), v);
    } else if let Some(v) = case.get("values").filter(|v| !v.is_null()) {
        write(&dir.join("values.yaml"), &format!("{}\n", py_dumps(v)));
    }
    write(
        &dir.join("templates/test.yaml"),
        case.get("template").and_then(|t| t.as_str()).unwrap_or(""),
    );
    if let Some(h) = case.get("helpers").and_then(|h| h.as_str()) {
        write(&dir.join("templates/_helpers.tpl"), h);
    }
    for key in ["templates", "files"] {
        if let Some(m) = case.get(key).and_then(|m| m.as_object()) {
            for (rel, body) in m {
                let base = if key == "templates" {
                    dir.join("templates")
                } else {
                    dir.clone()
                };
                write(&base.join(rel), body.as_str().unwrap_or(""));
            }
        }
    }
    (dir, name)
}

fn run_case(case: &serde_json::Value, root: &Path) -> Result<String, String> {
    let (dir, name) = build_case_chart(case, root);
    let chart = loader::load_dir(&dir).map_err(|e| e.message)?;
    let mut opts = RenderOptions::default();
    if let Some(r) = case.get("release").and_then(|v| v.as_str()) {
        opts.release_name = r.into();
    }
    if let Some(n) = case.get("namespace").and_then(|v| v.as_str()) {
        opts.namespace = n.into();
    }
    if let Some(r) = case.get("revision").and_then(|v| v.as_i64()) {
        opts.revision = r;
    }
    if let Some(b) = case.get("is_install").and_then(|v| v.as_bool()) {
        opts.is_install = b;
    }
    if let Some(b) = case.get("is_upgrade").and_then(|v| v.as_bool()) {
        opts.is_upgrade = b;
    }
    let kube = case.get("kube_version").and_then(|v| v.as_str());
    let apis: Vec<String> = case
        .get("api_versions")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    opts.capabilities = Capabilities::new(kube, &apis)?;
    let user: Map = match case.get("user_values") {
        Some(v) if v.is_object() => match Value::from_json(v) {
            Value::Map(m, _) => (*m.snapshot()).clone(),
            _ => Map::new(),
        },
        _ => Map::new(),
    };
    let out = render(&Arc::new(chart), &user, &opts).map_err(|e| e.message)?;
    Ok(out
        .get(&format!("{name}/templates/test.yaml"))
        .cloned()
        .unwrap_or_default())
}

#[test]
fn helm_vectors() {
    let Some(dir) = shared_dir() else {
        eprintln!("SKIPPED: ../shared not found; the Helm conformance vectors did not run");
        return;
    };
    let filter = std::env::var("KILN_VECTORS").ok();
    let known: BTreeSet<String> = include_str!("vectors_known_failures.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    let scratch = std::env::temp_dir().join(format!("kiln-vectors-{}", std::process::id()));
    let mut totals: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut unexpected = Vec::new();
    let mut fixed = Vec::new();
    let mut all_failures = Vec::new();
    for file in ["gotemplate.json", "sprig.json", "helm.json"] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let cases: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
        for (i, case) in cases.iter().enumerate() {
            let id = case["id"].as_str().unwrap_or("?").to_string();
            if let Some(f) = &filter {
                if !id.contains(f.as_str()) {
                    continue;
                }
            }
            if std::env::var_os("KILN_VECTORS_TRACE").is_some() {
                eprintln!("case {id}");
            }
            let root = scratch.join(format!("{file}-{i}"));
            let got = std::panic::catch_unwind(|| run_case(case, &root))
                .unwrap_or_else(|_| Err("PANIC".to_string()));
            let _ = std::fs::remove_dir_all(&root);
            let ok = match (case.get("expected"), &got) {
                (Some(e), Ok(g)) => e.as_str() == Some(g.as_str()),
                (None, Err(e)) => e != "PANIC",
                _ => false,
            };
            let t = totals.entry(file.to_string()).or_default();
            t.1 += 1;
            if ok {
                t.0 += 1;
                if known.contains(&id) {
                    fixed.push(id.clone());
                }
            } else {
                all_failures.push(id.clone());
                if filter.is_some() {
                    eprintln!(
                        "FAIL {id}\n  template: {:?}\n  expected: {:?}\n  got:      {:?}",
                        case["template"],
                        case.get("expected").or(case.get("error")),
                        got
                    );
                }
                if !known.contains(&id) {
                    unexpected.push(id);
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    for (file, (pass, total)) in &totals {
        eprintln!("vectors {file}: {pass}/{total} pass");
    }
    if let Ok(path) = std::env::var("KILN_VECTORS_WRITE_FAILURES") {
        std::fs::write(path, all_failures.join("\n") + "\n").unwrap();
    }
    if !fixed.is_empty() {
        eprintln!("now passing (remove from vectors_known_failures.txt): {fixed:?}");
    }
    assert!(
        unexpected.is_empty() || filter.is_some(),
        "{} vectors fail that are not in vectors_known_failures.txt: {:?}",
        unexpected.len(),
        &unexpected[..unexpected.len().min(50)]
    );
}
