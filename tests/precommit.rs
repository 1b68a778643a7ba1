//! The pre-commit hooks (`.pre-commit-hooks.yaml`) under the real `pre-commit`, in a
//! temporary Git repository holding a copy of the example monorepo: a good commit
//! passes, a commit that breaks a checklist rule is rejected with the rule's code, and a
//! commit that changes values without re-rendering is caught by `kiln-compile`.
//!
//! `language: rust` would make pre-commit build kiln in release (minutes), so the test
//! runs the same hooks (id, entry arguments, `pass_filenames`, `files`) as `repo: local`
//! hooks with `language: system` and this build's binary, and validates the real
//! manifest with `pre-commit validate-manifest`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{copy_example, repo_root, temp_dir};
use kiln_gotmpl::Value;

fn pre_commit_available() -> bool {
    Command::new("pre-commit")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs `program args` in `dir` with HOME and PRE_COMMIT_HOME inside `env_dir`.
fn run(program: &str, args: &[&str], dir: &Path, env_dir: &Path) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("HOME", env_dir.join("home"))
        .env("PRE_COMMIT_HOME", env_dir.join("pre-commit"))
        .env("XDG_CACHE_HOME", env_dir.join("cache"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("KILN_NO_CACHE")
        .env_remove("KILN_CACHE_DIR")
        .output()
        .unwrap_or_else(|e| panic!("run {program}: {e}"))
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn ok(o: Output, what: &str) -> Output {
    assert!(o.status.success(), "{what} failed:\n{}", text(&o));
    o
}

/// The hooks of the real `.pre-commit-hooks.yaml`, as `repo: local` hooks running this
/// build's kiln (a JSON document, which is YAML).
fn local_hooks_config() -> String {
    let manifest = std::fs::read_to_string(repo_root().join(".pre-commit-hooks.yaml")).unwrap();
    let doc = kiln_encoding::parse_documents(&manifest)
        .into_iter()
        .next()
        .expect("a document")
        .expect("valid YAML")
        .value;
    let Value::List(hooks, _) = doc else {
        panic!(".pre-commit-hooks.yaml is not a list")
    };
    let get = |h: &Value, k: &str| kiln_argocd::tree::get(h, &[k]);
    let mut out = Vec::new();
    for h in hooks.iter() {
        let entry = kiln_argocd::tree::get_str(h, &["entry"]).unwrap();
        let args = entry
            .strip_prefix("kiln")
            .expect("entry runs kiln")
            .to_string();
        let mut hook = serde_json::json!({
            "id": kiln_argocd::tree::get_str(h, &["id"]).unwrap(),
            "name": kiln_argocd::tree::get_str(h, &["name"]).unwrap(),
            "entry": format!("'{}'{args}", env!("CARGO_BIN_EXE_kiln")),
            "language": "system",
        });
        assert_eq!(
            kiln_argocd::tree::get_str(h, &["language"]).as_deref(),
            Some("rust")
        );
        for key in ["pass_filenames", "require_serial", "always_run"] {
            if let Some(Value::Bool(b)) = get(h, key) {
                hook[key] = serde_json::Value::Bool(b);
            }
        }
        for key in ["files", "exclude"] {
            if let Some(s) = kiln_argocd::tree::get_str(h, &[key]) {
                hook[key] = serde_json::Value::String(s);
            }
        }
        if let Some(Value::List(a, _)) = get(h, "args") {
            hook["args"] = a
                .iter()
                .map(|v| serde_json::Value::String(v.as_str().unwrap().to_string()))
                .collect();
        }
        out.push(hook);
    }
    let ids: Vec<&str> = out.iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["kiln-check", "kiln-compile"]);
    serde_json::json!({"repos": [{"repo": "local", "hooks": out}]}).to_string()
}

struct Repo {
    dir: PathBuf,
    env: PathBuf,
}

impl Repo {
    fn git(&self, args: &[&str]) -> Output {
        run("git", args, &self.dir, &self.env)
    }

    fn kiln(&self, args: &[&str]) -> Output {
        run(env!("CARGO_BIN_EXE_kiln"), args, &self.dir, &self.env)
    }

    fn head(&self) -> String {
        String::from_utf8_lossy(&ok(self.git(&["rev-parse", "HEAD"]), "rev-parse").stdout)
            .trim()
            .to_string()
    }

    fn edit(&self, rel: &str, from: &str, to: &str) {
        let p = self.dir.join(rel);
        let t = std::fs::read_to_string(&p).unwrap();
        assert!(t.contains(from), "{rel} has no {from:?}");
        std::fs::write(&p, t.replacen(from, to, 1)).unwrap();
    }

    /// `git commit` with the hooks installed; its output and whether it succeeded.
    fn commit(&self, message: &str) -> (bool, String) {
        let o = self.git(&["commit", "-m", message]);
        (o.status.success(), text(&o))
    }
}

#[test]
fn pre_commit_hooks_check_and_rerender() {
    if !pre_commit_available() {
        eprintln!(
            "SKIPPED pre_commit_hooks_check_and_rerender: `pre-commit` is not installed \
             (python3 -m pip install pre-commit)"
        );
        return;
    }
    let base = temp_dir("precommit");
    let env = base.join("env");
    for d in ["home", "pre-commit", "cache"] {
        std::fs::create_dir_all(env.join(d)).unwrap();
    }
    // The real manifest is valid.
    ok(
        run(
            "pre-commit",
            &[
                "validate-manifest",
                repo_root().join(".pre-commit-hooks.yaml").to_str().unwrap(),
            ],
            &base,
            &env,
        ),
        "pre-commit validate-manifest",
    );

    let repo = Repo {
        dir: base.join("mono"),
        env: env.clone(),
    };
    copy_example(&repo.dir);
    std::fs::write(
        repo.dir.join(".pre-commit-config.yaml"),
        local_hooks_config(),
    )
    .unwrap();
    ok(repo.git(&["init", "-q", "-b", "main"]), "git init");
    for (k, v) in [
        ("user.name", "Kiln Test"),
        ("user.email", "kiln@example.com"),
        ("commit.gpgsign", "false"),
    ] {
        ok(repo.git(&["config", k, v]), "git config");
    }
    ok(
        run("pre-commit", &["validate-config"], &repo.dir, &env),
        "pre-commit validate-config",
    );
    // The first commit holds the sources and their rendered tree, without hooks.
    ok(repo.kiln(&["compile"]), "kiln compile");
    ok(repo.git(&["add", "-A"]), "git add");
    ok(
        repo.git(&["commit", "-q", "-m", "initial"]),
        "initial commit",
    );
    ok(
        run("pre-commit", &["install"], &repo.dir, &env),
        "pre-commit install",
    );

    // 1. A good commit: a values change with its re-rendered tree.
    repo.edit("roles/home/values.yaml", "size: 100Gi", "size: 120Gi");
    ok(repo.kiln(&["compile"]), "kiln compile");
    ok(repo.git(&["add", "-A"]), "git add");
    let before = repo.head();
    let (passed, out) = repo.commit("home: bigger model volume");
    assert!(passed, "a good commit was rejected:\n{out}");
    assert_ne!(repo.head(), before);
    assert!(
        out.contains("kiln check") && out.contains("Passed"),
        "{out}"
    );
    let status = text(&ok(repo.git(&["status", "--porcelain"]), "git status"));
    assert!(status.trim().is_empty(), "work tree not clean: {status}");

    // 2. A commit that breaks the AI checklist (the GPU only in requests), even with
    // its tree re-rendered, is rejected by kiln-check with the rule's code.
    repo.edit(
        "charts/ai/ollama/templates/deployment.yaml",
        r#"toYaml (dict "requests" .Values.resources.requests "limits" $limits)"#,
        r#"toYaml (dict "requests" $limits "limits" .Values.resources.limits)"#,
    );
    ok(repo.kiln(&["compile"]), "kiln compile");
    ok(repo.git(&["add", "-A"]), "git add");
    let before = repo.head();
    let (passed, out) = repo.commit("ollama: GPU as a request");
    assert!(!passed, "a commit breaking GPU001 passed:\n{out}");
    assert!(out.contains("GPU001"), "no GPU001 in:\n{out}");
    assert!(
        out.contains("kiln check") && out.contains("Failed"),
        "{out}"
    );
    assert_eq!(repo.head(), before);
    ok(repo.git(&["reset", "-q", "--hard", "HEAD"]), "git reset");

    // 3. Values changed without re-rendering: kiln-compile re-renders, fails, and the
    // re-rendered files are left to stage; the second attempt passes.
    repo.edit("roles/home/values.yaml", "size: 120Gi", "size: 150Gi");
    ok(repo.git(&["add", "roles/home/values.yaml"]), "git add");
    let (passed, out) = repo.commit("home: even bigger");
    assert!(
        !passed,
        "a commit with a stale rendered tree passed:\n{out}"
    );
    assert_eq!(repo.head(), before);
    assert!(
        out.contains("kiln compile") && out.contains("home/ollama/manifest.yaml"),
        "{out}"
    );
    let status = text(&ok(repo.git(&["status", "--porcelain"]), "git status"));
    assert!(
        status.contains("rendered/home/ollama/manifest.yaml"),
        "not re-rendered: {status}"
    );
    let manifest =
        std::fs::read_to_string(repo.dir.join("rendered/home/ollama/manifest.yaml")).unwrap();
    assert!(manifest.contains("150Gi"));
    ok(repo.git(&["add", "-A"]), "git add");
    let (passed, out) = repo.commit("home: even bigger");
    assert!(passed, "the re-rendered commit was rejected:\n{out}");
    assert_ne!(repo.head(), before);

    // 4. A rendered file missing from the commit: kiln-compile writes it back as an
    // untracked file, which pre-commit's own change detection does not see; the hook
    // fails by itself.
    ok(
        repo.git(&["rm", "-q", "rendered/lab/ollama/manifest.yaml"]),
        "git rm",
    );
    let before = repo.head();
    let (passed, out) = repo.commit("drop a rendered file");
    assert!(!passed, "a commit missing a rendered file passed:\n{out}");
    assert!(out.contains("lab/ollama/manifest.yaml"), "{out}");
    assert_eq!(repo.head(), before);
    assert!(repo.dir.join("rendered/lab/ollama/manifest.yaml").is_file());
    let _ = std::fs::remove_dir_all(&base);
}
