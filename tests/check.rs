//! `kiln check` end to end: the example monorepo is clean, the deliberately bad AI chart
//! (`tests/bad-ai-chart`, copied under `charts/ai/` of a copy of the example) triggers
//! every rule family with spans on its values keys and template lines, render failures
//! are findings, `[checks]` in kiln.toml re-levels and disables, exit codes follow
//! DESIGN.md (0 clean, 1 findings at the fail level, 2 usage errors).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::*;

/// A copy of the example monorepo (charts, roles, clusters, kiln.toml).
fn example_copy(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    copy_example(&dir);
    dir
}

fn findings(dir: &Path, extra: &[&str]) -> (Option<i32>, Vec<serde_json::Value>, String) {
    let mut args = vec!["check", ".", "--format", "json"];
    args.extend(extra);
    let out = kiln(&args, dir);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let parsed: Vec<serde_json::Value> = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {stdout}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (
        out.status.code(),
        parsed,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn codes(f: &[serde_json::Value]) -> BTreeSet<String> {
    f.iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn example_monorepo_has_no_findings() {
    let (code, f, err) = findings(&repo_root(), &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        f.is_empty(),
        "{}",
        serde_json::to_string_pretty(&f).unwrap()
    );
}

#[test]
fn bad_chart_triggers_every_family() {
    let dir = example_copy("check-bad");
    copy_tree(
        &repo_root().join("tests/bad-ai-chart"),
        &dir.join("charts/ai/bad"),
    );
    let (code, f, err) = findings(&dir, &[]);
    assert_eq!(code, Some(1), "{err}");
    let families: BTreeSet<String> = codes(&f).iter().map(|c| c[..3].to_string()).collect();
    for fam in [
        "GPU", "STO", "RES", "PRB", "API", "SEC", "GAT", "POD", "DOC", "KLN",
    ] {
        assert!(families.contains(fam), "no {fam} finding: {families:?}");
    }
    // Not deployed by any cluster: reported at info level, checked with its defaults.
    assert!(f
        .iter()
        .any(|d| d["code"] == "KLN001" && d["file"] == "charts/ai/bad/Chart.yaml"));
    // Every finding about the bad chart points into it, at a real line.
    for d in f.iter().filter(|d| d["app"] == "charts/ai/bad") {
        let file = d["file"].as_str().unwrap_or_else(|| panic!("no span: {d}"));
        assert!(file.starts_with("charts/ai/bad/"), "{d}");
        let line = d["line"].as_u64().unwrap() as usize;
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        assert!(line >= 1 && line <= text.lines().count().max(1), "{d}");
    }
    // Findings on rendered fields point at template lines.
    assert!(
        f.iter().any(|d| d["file"]
            .as_str()
            .is_some_and(|s| s.starts_with("charts/ai/bad/templates/"))),
        "no finding points at a template"
    );
    // And on values keys.
    assert!(
        f.iter().any(|d| d["file"] == "charts/ai/bad/values.yaml"),
        "no finding points at values.yaml"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn values_key_spans_are_exact() {
    let dir = example_copy("check-span");
    // An unpinned image tag in the chart's values: the chart's values.schema.json
    // refuses it, so Helm fails; the finding (SCH004) points at the `tag:` key.
    let chart = dir.join("charts/ai/ollama/values.yaml");
    let text = std::fs::read_to_string(&chart).unwrap();
    let old = text
        .lines()
        .find(|l| l.trim_start().starts_with("tag:"))
        .expect("a tag key")
        .to_string();
    let new = format!("{}tag: latest", &old[..old.len() - old.trim_start().len()]);
    std::fs::write(&chart, text.replacen(&old, &new, 1)).unwrap();
    let line = text.lines().position(|l| l == old).unwrap() + 1;
    let (code, f, err) = findings(&dir, &[]);
    assert_eq!(code, Some(2), "{err}");
    let sch004: Vec<_> = f.iter().filter(|d| d["code"] == "SCH004").collect();
    assert!(!sch004.is_empty(), "{f:?}");
    assert!(
        !f.iter().any(|d| d["code"] == "KLN005"),
        "a values schema failure is not reported as a plain render failure: {f:?}"
    );
    for d in sch004 {
        assert_eq!(d["file"], "charts/ai/ollama/values.yaml", "{d}");
        assert_eq!(d["line"], line as u64, "{d}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn render_failures_are_findings_with_locations() {
    let dir = example_copy("check-broken");
    let svc = dir.join("charts/ai/litellm/templates/service.yaml");
    let mut text = std::fs::read_to_string(&svc).unwrap();
    text.push_str("{{ if }}\n");
    std::fs::write(&svc, &text).unwrap();
    let (code, f, err) = findings(&dir, &[]);
    assert_eq!(code, Some(2), "{err}");
    let broken: Vec<_> = f.iter().filter(|d| d["code"] == "KLN005").collect();
    assert!(!broken.is_empty(), "{f:?}");
    let line = text.lines().count() as u64;
    for d in &broken {
        assert_eq!(d["file"], "charts/ai/litellm/templates/service.yaml", "{d}");
        assert_eq!(d["line"], line, "{d}");
        assert!(
            d["message"]
                .as_str()
                .unwrap()
                .contains("missing value for if"),
            "{d}"
        );
    }
    // The other apps were still checked: no other finding disappears, ollama renders.
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn checks_config_relevels_and_disables() {
    let dir = example_copy("check-config");
    copy_tree(
        &repo_root().join("tests/bad-ai-chart"),
        &dir.join("charts/ai/bad"),
    );
    let (_, before, _) = findings(&dir, &[]);
    assert!(codes(&before).contains("POD004"));
    let mut cfg = std::fs::read_to_string(dir.join("kiln.toml")).unwrap();
    cfg.push_str(
        "\n[checks]\nfail-on = \"error\"\n\n[[checks.rules]]\npaths = [\"charts/ai/bad/**\"]\ndisable = [\"POD\", \"KLN001\"]\nseverity = { GPU = \"info\" }\n",
    );
    std::fs::write(dir.join("kiln.toml"), cfg).unwrap();
    let (_, after, err) = findings(&dir, &[]);
    let c = codes(&after);
    assert!(!c.iter().any(|c| c.starts_with("POD")), "{c:?} {err}");
    assert!(!c.contains("KLN001"));
    for d in after
        .iter()
        .filter(|d| d["code"].as_str().unwrap().starts_with("GPU"))
    {
        assert_eq!(d["severity"], "info", "{d}");
    }
    // --fail-on none never fails; warnings alone do not fail at the default level.
    let (code, _, _) = findings(&dir, &["--fail-on", "none"]);
    assert_eq!(code, Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn usage_errors_exit_2() {
    let dir = example_copy("check-usage");
    std::fs::write(
        dir.join("kiln.toml"),
        std::fs::read_to_string(dir.join("kiln.toml")).unwrap()
            + "\n[checks]\nfail-on = \"sometimes\"\n",
    )
    .unwrap();
    let out = kiln(&["check", "."], &dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("fail-on"));
    let out = kiln(&["check", ".", "--format", "xml"], &dir);
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn explain_prints_rule_docs() {
    let out = kiln(&["explain", "GPU001"], &repo_root());
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(page.starts_with("# GPU001"), "{page}");
    assert!(page.contains("Default severity: error"), "{page}");
    let out = kiln(&["explain", "KLN005"], &repo_root());
    assert!(String::from_utf8_lossy(&out.stdout).contains("render-failed"));
    let out = kiln(&["explain", "NOPE042"], &repo_root());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn github_format_prints_workflow_commands() {
    let dir = example_copy("check-github");
    copy_tree(
        &repo_root().join("tests/bad-ai-chart"),
        &dir.join("charts/ai/bad"),
    );
    let out = kiln(&["check", ".", "--format", "github"], &dir);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines()
            .any(|l| l.starts_with("::error file=charts/ai/bad/")),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn values_comment_suppresses_with_a_reason_only() {
    let dir = example_copy("check-suppress");
    copy_tree(
        &repo_root().join("tests/bad-ai-chart"),
        &dir.join("charts/ai/bad"),
    );
    let (_, before, _) = findings(&dir, &[]);
    let target = before
        .iter()
        .find(|d| d["file"] == "charts/ai/bad/values.yaml")
        .expect("a finding on the bad chart's values")
        .clone();
    let code = target["code"].as_str().unwrap().to_string();
    let line = target["line"].as_u64().unwrap() as usize;
    let values = dir.join("charts/ai/bad/values.yaml");
    let text = std::fs::read_to_string(&values).unwrap();
    let with_comment = |comment: &str| -> String {
        text.lines()
            .enumerate()
            .map(|(i, l)| {
                if i + 1 == line {
                    // Replace any trailing comment of the line by ours.
                    let body = l.split(" #").next().unwrap_or(l);
                    format!("{body}  {comment}\n")
                } else {
                    format!("{l}\n")
                }
            })
            .collect()
    };
    let same = |d: &serde_json::Value| {
        d["code"] == target["code"] && d["file"] == target["file"] && d["line"] == target["line"]
    };
    // With a reason: gone.
    std::fs::write(
        &values,
        with_comment(&format!("# kiln:ignore {code} -- accepted for this test")),
    )
    .unwrap();
    let (_, after, _) = findings(&dir, &[]);
    assert!(
        !after.iter().any(same),
        "{code} at line {line} still reported"
    );
    assert!(!codes(&after).contains("KLN002"));
    // Without a reason: kept, and the suppression itself is reported.
    std::fs::write(&values, with_comment(&format!("# kiln:ignore {code}"))).unwrap();
    let (_, after, _) = findings(&dir, &[]);
    assert!(after.iter().any(same), "{code} must stay without a reason");
    assert!(codes(&after).contains("KLN002"));
    let _ = std::fs::remove_dir_all(&dir);
}
