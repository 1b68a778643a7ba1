//! `--revision REV`: the monorepo is read from a Git revision's objects (no checkout).
//! The example monorepo compiles byte for byte the same from a commit as from the same
//! files on disk; uncommitted edits and untracked files are invisible at a revision; the
//! repository (work tree, index, HEAD, refs) is left exactly as it was; a missing
//! repository or an unknown revision is an input error (exit 2).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::*;
use git2::{IndexAddOption, Repository, Signature};

/// Stages every file of the work tree and commits it on `HEAD` (as `git add -A && git
/// commit`).
fn commit_all(repo: &Repository, message: &str) {
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"].iter(), IndexAddOption::DEFAULT, None)
        .unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = Signature::new("kiln", "kiln@example.com", &git2::Time::new(0, 0)).unwrap();
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
        .unwrap();
}

/// A Git repository holding the example monorepo (charts/, roles/, clusters/,
/// kiln.toml), committed.
fn example_repo(name: &str) -> (PathBuf, Repository) {
    let dir = temp_dir(name).join("repo");
    for part in ["charts", "roles", "clusters"] {
        copy_tree(&repo_root().join(part), &dir.join(part));
    }
    std::fs::copy(repo_root().join("kiln.toml"), dir.join("kiln.toml")).unwrap();
    let repo = Repository::init(&dir).unwrap();
    commit_all(&repo, "example monorepo");
    (dir, repo)
}

fn compile(repo: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["compile", ".", "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    kiln(&args, repo)
}

fn ok(o: &std::process::Output) {
    assert!(
        o.status.success(),
        "kiln failed ({:?}): {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Every file of the repository, `.git` included.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    read_tree(dir)
}

#[test]
fn a_revision_compiles_like_the_same_files_on_disk_and_touches_nothing() {
    let (dir, _repo) = example_repo("rev-same");
    let base = dir.parent().unwrap();
    let (from_disk, from_rev) = (base.join("disk"), base.join("rev"));
    ok(&compile(&dir, &from_disk, &[]));
    let before = snapshot(&dir);
    assert!(before.contains_key(".git/index") && before.contains_key(".git/HEAD"));
    let o = compile(&dir, &from_rev, &["--revision", "HEAD"]);
    ok(&o);
    assert_eq!(
        snapshot(&dir),
        before,
        "compiling a revision changed the repository"
    );
    let (want, got) = (read_tree(&from_disk), read_tree(&from_rev));
    assert!(!want.is_empty());
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &want {
        assert!(got[name] == *bytes, "{name} differs");
    }
    // The revision named by commit id and by an ancestry expression.
    let head = Repository::open(&dir)
        .unwrap()
        .head()
        .unwrap()
        .peel_to_commit()
        .unwrap()
        .id()
        .to_string();
    for rev in [head.as_str(), "HEAD~0"] {
        let out = base.join("rev2");
        ok(&compile(&dir, &out, &["--revision", rev]));
        assert_eq!(read_tree(&out), want, "--revision {rev}");
    }
    // `kiln graph` reads the revision too.
    let o = kiln(
        &["graph", ".", "--revision", "HEAD", "--format", "json"],
        &dir,
    );
    ok(&o);
    let _ = std::fs::remove_dir_all(base);
}

#[test]
fn a_revision_ignores_uncommitted_edits() {
    let (dir, repo) = example_repo("rev-edits");
    let base = dir.parent().unwrap();
    let committed = base.join("committed");
    ok(&compile(&dir, &committed, &[]));
    // An uncommitted edit of a values file, and a new untracked cluster root.
    let values = dir.join("roles/home/values.yaml");
    let text = std::fs::read_to_string(&values).unwrap();
    assert!(text.contains("apps.home.example.com"));
    std::fs::write(
        &values,
        text.replace("apps.home.example.com", "apps.home.example.org"),
    )
    .unwrap();
    let edited = base.join("edited");
    ok(&compile(&dir, &edited, &[]));
    assert_ne!(
        read_tree(&edited),
        read_tree(&committed),
        "the edit shows on disk"
    );
    let at_head = base.join("head");
    ok(&compile(&dir, &at_head, &["--revision", "HEAD"]));
    assert_eq!(read_tree(&at_head), read_tree(&committed));
    // Committed, the edit is HEAD; HEAD~1 is the old state.
    commit_all(&repo, "edit");
    let (now, before) = (base.join("now"), base.join("before"));
    ok(&compile(&dir, &now, &["--revision", "HEAD"]));
    ok(&compile(&dir, &before, &["--revision", "HEAD~1"]));
    assert_eq!(read_tree(&now), read_tree(&edited));
    assert_eq!(read_tree(&before), read_tree(&committed));
    let _ = std::fs::remove_dir_all(base);
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

#[test]
fn git_generators_see_tracked_files_only_at_a_revision() {
    let dir = temp_dir("rev-gitgen").join("repo");
    write(
        &dir,
        "clusters/hub.yaml",
        r#"apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: root, namespace: argocd}
spec:
  project: default
  source: {repoURL: https://example.com/gitops.git, path: bootstrap}
  destination: {server: https://kubernetes.default.svc, namespace: argocd}
"#,
    );
    write(
        &dir,
        "bootstrap/apps.yaml",
        r#"apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: apps, namespace: argocd}
spec:
  goTemplate: true
  generators:
    - git:
        repoURL: https://example.com/gitops.git
        revision: HEAD
        files: [{path: "apps/*/config.json"}]
  template:
    metadata: {name: "{{ .name }}"}
    spec:
      project: default
      source: {repoURL: https://example.com/gitops.git, path: "{{ .path.path }}"}
      destination: {server: https://kubernetes.default.svc, namespace: "{{ .name }}"}
"#,
    );
    for app in ["alpha", "beta"] {
        write(
            &dir,
            &format!("apps/{app}/config.json"),
            &format!(r#"{{"name": "{app}"}}"#),
        );
        write(
            &dir,
            &format!("apps/{app}/cm.yaml"),
            &format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {app}}}\n"),
        );
    }
    let repo = Repository::init(&dir).unwrap();
    commit_all(&repo, "two apps");
    // Untracked: a third app.
    write(&dir, "apps/gamma/config.json", r#"{"name": "gamma"}"#);
    write(
        &dir,
        "apps/gamma/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: gamma}\n",
    );
    let base = dir.parent().unwrap();
    let (disk, rev) = (base.join("disk"), base.join("rev"));
    ok(&compile(&dir, &disk, &["--root", "clusters/hub.yaml"]));
    ok(&compile(
        &dir,
        &rev,
        &["--root", "clusters/hub.yaml", "--revision", "HEAD"],
    ));
    let names = |out: &Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(out.join("hub"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        names(&disk),
        vec!["alpha", "beta", "fleet.json", "gamma", "root"]
    );
    assert_eq!(names(&rev), vec!["alpha", "beta", "fleet.json", "root"]);
    // A root file that exists only in the work tree is not in the revision.
    write(&dir, "clusters/new.yaml", "kind: Application\n");
    let o = compile(
        &dir,
        &base.join("x"),
        &["--root", "clusters/new.yaml", "--revision", "HEAD"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("HEAD:clusters/new.yaml: no such file or directory"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let _ = std::fs::remove_dir_all(base);
}

#[test]
fn missing_repositories_and_unknown_revisions_are_input_errors() {
    let (dir, _repo) = example_repo("rev-errors");
    let base = dir.parent().unwrap();
    let out = base.join("out");
    for rev in ["no-such-branch", "HEAD~7"] {
        let o = compile(&dir, &out, &["--revision", rev]);
        assert_eq!(o.status.code(), Some(2), "--revision {rev}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains(&format!("unknown revision \"{rev}\"")),
            "{err}"
        );
    }
    // Not a Git repository (the copy has no .git, and nothing above it is one).
    let plain = base.join("plain");
    copy_tree(&dir, &plain);
    assert!(!plain.join(".git").exists());
    if Repository::discover(&plain).is_err() {
        let o = compile(&plain, &out, &["--revision", "HEAD"]);
        assert_eq!(o.status.code(), Some(2));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("not a Git repository"), "{err}");
    }
    assert!(!out.exists(), "nothing is written on input errors");
    let _ = std::fs::remove_dir_all(base);
}
