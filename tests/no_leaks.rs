//! Secrets never reach kiln's output: a copy of the example monorepo gets a `Secret`
//! with `data` and `stringData` values and an `OPENAI_API_KEY` environment variable with
//! a literal value (from the chart's values), which trigger findings and a rendered diff;
//! every format of `kiln check` and `kiln diff`, and a failing compile's errors, must not
//! contain the planted values (plain or base64), while still saying what changed.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;

/// The planted values. `DATA` goes into `Secret.data` base64-encoded.
const STRING_DATA: &str = "kiln-leak-stringdata-Q7w9";
const DATA: &str = "kiln-leak-data-Z3k1";
const DATA_B64: &str = "a2lsbi1sZWFrLWRhdGEtWjNrMQ==";
const ENV: &str = "sk-kiln-leak-env-P4x8";
/// The base value of `DATA` and `ENV` before the change (also secret).
const OLD_ENV: &str = "sk-kiln-leak-old-M2v6";

fn run(dir: &Path, args: &[&str]) -> Output {
    let o = kiln(args, dir);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        o.status.code().is_some_and(|c| c <= 2),
        "kiln {args:?}: {stderr}"
    );
    assert!(!stderr.contains("panicked at"), "{stderr}");
    o
}

fn all_text(o: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn assert_no_secret(what: &str, text: &str) {
    for s in [STRING_DATA, DATA, DATA_B64, ENV, OLD_ENV] {
        assert!(!text.contains(s), "{what} prints the secret {s:?}:\n{text}");
    }
}

/// The example monorepo in a Git repository: a base commit with the old env value and
/// a Secret, and a second commit with the planted values. Returns the repository.
fn planted_repo(name: &str) -> PathBuf {
    let dir = temp_dir(&format!("leaks-{name}"));
    copy_example(&dir);
    std::fs::write(dir.join(".gitignore"), "/rendered\n").unwrap();
    plant(&dir, OLD_ENV, "b2xkLXNlY3JldA==", "old-string-data");
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "base"]);
    plant(&dir, ENV, DATA_B64, STRING_DATA);
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "planted"]);
    dir
}

/// Writes litellm's env value `OPENAI_API_KEY` (in values.yaml) and a Secret template.
fn plant(dir: &Path, env: &str, data_b64: &str, string_data: &str) {
    let values = dir.join("charts/ai/litellm/values.yaml");
    let text = std::fs::read_to_string(&values).unwrap();
    let marker = "  LITELLM_LOG: INFO\n";
    let start = text.find(marker).unwrap();
    let end = text[start..]
        .find("\n\n")
        .map(|i| start + i)
        .unwrap_or(text.len());
    let new = format!(
        "{}{marker}  OPENAI_API_KEY: {env}{}",
        &text[..start],
        &text[end..]
    );
    std::fs::write(&values, new).unwrap();
    std::fs::write(
        dir.join("charts/ai/litellm/templates/leak-secret.yaml"),
        format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: leak\ntype: Opaque\ndata:\n  token: {data_b64}\nstringData:\n  OPENAI_API_KEY: {string_data}\n"
        ),
    )
    .unwrap();
}

#[test]
fn check_never_prints_secrets() {
    let dir = planted_repo("check");
    for format in ["human", "json", "sarif", "github"] {
        let o = run(&dir, &["check", ".", "--format", format]);
        let text = all_text(&o);
        // The planted values do trigger findings.
        assert_eq!(o.status.code(), Some(1), "{format}: {text}");
        assert!(
            text.contains("SEC001") && text.contains("SEC002"),
            "{format}: {text}"
        );
        assert_no_secret(&format!("kiln check --format {format}"), &text);
    }
}

#[test]
fn diff_never_prints_secrets_but_says_they_changed() {
    let dir = planted_repo("diff");
    for format in ["text", "markdown", "json"] {
        let o = run(&dir, &["diff", "HEAD~1", "HEAD", ".", "--format", format]);
        let text = all_text(&o);
        assert!(o.status.success(), "{format}: {text}");
        assert_no_secret(&format!("kiln diff --format {format}"), &text);
        // Still visible: which Secret and which env variable changed.
        assert!(text.contains("leak"), "{format}: {text}");
        assert!(text.contains("OPENAI_API_KEY"), "{format}: {text}");
        assert!(text.contains("***"), "{format}: {text}");
    }
}

#[test]
fn compile_errors_never_print_secrets() {
    let dir = planted_repo("compile");
    // A Secret template whose output is not valid YAML, on a line holding the secret, and
    // a required-value failure that quotes the env value's neighbourhood.
    std::fs::write(
        dir.join("charts/ai/litellm/templates/leak-secret.yaml"),
        format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: leak\nstringData:\n  OPENAI_API_KEY: {STRING_DATA}\n  broken: [unclosed {STRING_DATA}\n"
        ),
    )
    .unwrap();
    let o = run(&dir, &["compile", ".", "--out", "out"]);
    let text = all_text(&o);
    assert_eq!(o.status.code(), Some(2), "{text}");
    assert!(text.contains("leak-secret.yaml"), "{text}");
    assert_no_secret("kiln compile errors", &text);
    let o = run(&dir, &["check", ".", "--format", "human"]);
    assert_no_secret("kiln check (render failure)", &all_text(&o));
    let o = run(&dir, &["template", "charts/ai/litellm"]);
    assert_ne!(o.status.code(), Some(0));
    assert_no_secret("kiln template errors", &String::from_utf8_lossy(&o.stderr));
}
