//! Bad input in one chart gives a clear error that names the file and line, exit code 2,
//! and every other Application still renders.

mod common;

use std::path::{Path, PathBuf};

use common::*;

/// A copy of the example monorepo with `edit` applied; returns (repo, output dir).
fn broken_repo(name: &str, edit: impl FnOnce(&Path)) -> (PathBuf, PathBuf) {
    let dir = temp_dir(name);
    let repo = dir.join("repo");
    copy_tree(&repo_root(), &repo);
    let _ = std::fs::remove_dir_all(repo.join("golden"));
    edit(&repo);
    (repo, dir.join("out"))
}

fn compile(repo: &Path, out: &Path) -> (i32, String) {
    let o = kiln(&["compile", ".", "--out", out.to_str().unwrap()], repo);
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn assert_others_rendered(out: &Path, broken_app: &str) {
    for cluster in ["home", "lab"] {
        let fleet: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join(cluster).join("fleet.json")).unwrap())
                .unwrap();
        for app in fleet["applications"].as_array().unwrap() {
            let name = app["name"].as_str().unwrap();
            let status = app["status"].as_str().unwrap();
            if name == broken_app {
                assert_eq!(status, "error", "{cluster}/{name} should have failed");
            } else {
                assert_eq!(status, "rendered", "{cluster}/{name} should still render");
                assert!(out.join(cluster).join(name).join("manifest.yaml").is_file());
            }
        }
    }
}

#[test]
fn malformed_values_file() {
    let (repo, out) = broken_repo("bad-values", |r| {
        let p = r.join("charts/ai/ollama/values.yaml");
        let mut text = std::fs::read_to_string(&p).unwrap();
        text.push_str("broken: [unclosed\n");
        std::fs::write(p, text).unwrap();
    });
    let (code, stderr) = compile(&repo, &out);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("charts/ai/ollama/values.yaml:"), "{stderr}");
    assert!(stderr.contains("cannot load values.yaml"), "{stderr}");
    assert_others_rendered(&out, "ollama");
}

#[test]
fn template_syntax_error() {
    let (repo, out) = broken_repo("bad-template", |r| {
        let p = r.join("charts/ai/litellm/templates/service.yaml");
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(p, format!("{text}\n{{{{ if }}}}\n")).unwrap();
    });
    let (code, stderr) = compile(&repo, &out);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("charts/ai/litellm/templates/service.yaml:"),
        "{stderr}"
    );
    assert!(stderr.contains("missing value for if"), "{stderr}");
    assert_others_rendered(&out, "litellm");
}

#[test]
fn missing_required_value() {
    let (repo, out) = broken_repo("required", |r| {
        std::fs::write(
            r.join("charts/ai/open-webui/templates/zz-required.yaml"),
            "# requires a value\nvalue: {{ required \"openWebui.mustBeSet is required\" .Values.mustBeSet }}\n",
        )
        .unwrap();
    });
    let (code, stderr) = compile(&repo, &out);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("charts/ai/open-webui/templates/zz-required.yaml:2:10"),
        "{stderr}"
    );
    assert!(
        stderr.contains("openWebui.mustBeSet is required"),
        "{stderr}"
    );
    assert_others_rendered(&out, "open-webui");
}

#[test]
fn usage_errors_exit_2() {
    let dir = temp_dir("usage");
    let o = kiln(&["compile", "does-not-exist"], &dir);
    assert_eq!(o.status.code(), Some(2));
    let o = kiln(&["compile", "--no-such-flag"], &dir);
    assert_eq!(o.status.code(), Some(2));
}
