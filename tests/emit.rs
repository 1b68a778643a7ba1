//! Rendered manifests into Git (`kiln compile --branch`), up-to-date checks
//! (`kiln check --rendered`) and rendered diffs
//! (`kiln diff`), on real temporary Git repositories holding this repository's example
//! monorepo. Git is driven through its command line with a fixed identity and fixed
//! dates, so commit ids are reproducible.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;

/// A fresh Git repository holding the example monorepo, committed once.
fn example_repo(name: &str) -> PathBuf {
    let dir = temp_dir(&format!("emit-{name}"));
    copy_example(&dir);
    std::fs::write(dir.join(".gitignore"), "/rendered\n").unwrap();
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "Example monorepo"]);
    dir
}

fn edit(dir: &Path, rel: &str, from: &str, to: &str) {
    let p = dir.join(rel);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

fn commit_all(dir: &Path, message: &str) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", message]);
}

fn run(dir: &Path, args: &[&str]) -> Output {
    kiln(args, dir)
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "kiln failed ({:?}):\nstdout: {}\nstderr: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn tip(dir: &Path, branch: &str) -> String {
    git(dir, &["rev-parse", &format!("refs/heads/{branch}")])
}

/// Files of a branch's tip tree.
fn branch_files(dir: &Path, branch: &str) -> Vec<(String, Vec<u8>)> {
    let repo = kiln_emit::git::open(dir).unwrap();
    kiln_emit::compare::read_rendered_rev(&repo, &format!("refs/heads/{branch}"))
        .unwrap()
        .files
}

/// Everything under the work tree (`.git` aside), plus `.git/index` and `.git/HEAD`
/// and the checked-out branch's ref.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut s = read_tree_skipping_git(dir);
    // The render cache (.kiln/cache, ignored by Git through its own .gitignore) is the
    // one thing kiln writes in the work tree besides --out.
    s.retain(|p, _| !p.starts_with(".kiln/"));
    for f in ["index", "HEAD"] {
        s.insert(
            format!(".git/{f}"),
            std::fs::read(dir.join(".git").join(f)).unwrap(),
        );
    }
    s.insert(
        "HEAD commit".into(),
        git(dir, &["rev-parse", "HEAD"]).into_bytes(),
    );
    s.insert(
        "status".into(),
        git(dir, &["status", "--porcelain"]).into_bytes(),
    );
    s
}

fn read_tree_skipping_git(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    read_tree(dir)
        .into_iter()
        .filter(|(p, _)| !p.starts_with(".git/"))
        .collect()
}

#[test]
fn same_source_gives_the_same_commit_and_no_new_commit() {
    let a = example_repo("same-a");
    let out = ok(&run(&a, &["compile", "--branch", "rendered"]));
    let first = tip(&a, "rendered");
    assert_eq!(out, format!("branch rendered: {first} (created)\n"));

    // Again: the tree is unchanged, no commit.
    let out = ok(&run(&a, &["compile", "--branch", "rendered"]));
    assert_eq!(out, format!("branch rendered: {first} (unchanged)\n"));
    assert_eq!(tip(&a, "rendered"), first);

    // From scratch, and in another clone-alike with the same source commit: same id.
    git(&a, &["branch", "-D", "rendered"]);
    ok(&run(&a, &["compile", "--branch", "rendered"]));
    assert_eq!(tip(&a, "rendered"), first);
    let b = example_repo("same-b");
    assert_eq!(
        git(&a, &["rev-parse", "HEAD"]),
        git(&b, &["rev-parse", "HEAD"])
    );
    ok(&run(&b, &["compile", "--branch", "rendered"]));
    assert_eq!(tip(&b, "rendered"), first);

    // The commit: the source's author and committer, a Kiln-Source trailer, no parent.
    let source = git(&a, &["rev-parse", "HEAD"]);
    let show = git(
        &a,
        &[
            "show",
            "-s",
            "--format=%an <%ae> %ad|%cn <%ce> %cd|%P|%B",
            "--date=iso",
            "rendered",
        ],
    );
    assert!(
        show.starts_with("Dev <dev@example.com> 2025-06-09 13:50:08 -0400|CI <ci@example.com> 2025-06-09 14:00:00 -0400||kiln: render "),
        "{show}"
    );
    assert!(
        show.contains(&format!("\nKiln-Source: {source}\nKiln-Layout: single")),
        "{show}"
    );

    // The branch holds exactly what `kiln compile --out` writes.
    let out_dir = a.join("out");
    ok(&run(&a, &["compile", "--out", out_dir.to_str().unwrap()]));
    let dir_files: Vec<(String, Vec<u8>)> = read_tree(&out_dir).into_iter().collect();
    assert_eq!(branch_files(&a, "rendered"), dir_files);
    let _ = std::fs::remove_dir_all(&a);
    let _ = std::fs::remove_dir_all(&b);
}

#[test]
fn a_values_change_changes_exactly_the_affected_apps() {
    let dir = example_repo("values");
    ok(&run(&dir, &["compile", "--branch", "rendered"]));
    let before = tip(&dir, "rendered");
    let old_files = branch_files(&dir, "rendered");

    edit(
        &dir,
        "roles/home/values.yaml",
        "storageClass: truenas-iscsi-csi",
        "storageClass: truenas-nfs",
    );
    commit_all(&dir, "home: NFS storage");
    let out = ok(&run(&dir, &["compile", "--branch", "rendered"]));
    let after = tip(&dir, "rendered");
    assert_ne!(before, after);
    assert_eq!(
        out,
        format!("branch rendered: {after} (moved from {})\n", &before[..12])
    );
    assert_eq!(
        git(&dir, &["rev-parse", "rendered^"]),
        before,
        "the parent is the old tip"
    );

    let drift = kiln_emit::compare_files(&branch_files(&dir, "rendered"), &old_files);
    let changed: Vec<String> = drift.iter().map(|d| d.to_string()).collect();
    assert_eq!(
        changed,
        [
            "changed  home/cluster-home: home/cluster-home/manifest.yaml",
            "changed  home/ollama: home/ollama/manifest.yaml",
            "changed  home/open-webui: home/open-webui/manifest.yaml",
        ]
    );
    // git agrees, file by file.
    let names = git(&dir, &["diff", "--name-only", &before, &after]);
    assert_eq!(
        names,
        "home/cluster-home/manifest.yaml\nhome/ollama/manifest.yaml\nhome/open-webui/manifest.yaml"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn removed_apps_disappear_from_the_branch() {
    let dir = example_repo("removed");
    ok(&run(
        &dir,
        &["compile", "--branch", "rendered", "--layout", "hydrator"],
    ));
    assert!(branch_files(&dir, "rendered")
        .iter()
        .any(|(p, _)| p.starts_with("lab/litellm/")));
    // Turn litellm off on lab (the first `enabled: true` of roles/lab/values.yaml's apps
    // that belongs to litellm).
    let values = std::fs::read_to_string(dir.join("roles/lab/values.yaml")).unwrap();
    let at = values.find("  litellm:").expect("lab deploys litellm");
    let rest = values[at..].replacen("enabled: true", "enabled: false", 1);
    std::fs::write(
        dir.join("roles/lab/values.yaml"),
        format!("{}{rest}", &values[..at]),
    )
    .unwrap();
    commit_all(&dir, "lab: no litellm");
    ok(&run(
        &dir,
        &["compile", "--branch", "rendered", "--layout", "hydrator"],
    ));
    let files = branch_files(&dir, "rendered");
    assert!(
        !files.iter().any(|(p, _)| p.starts_with("lab/litellm/")),
        "lab/litellm left behind"
    );
    assert!(files.iter().any(|(p, _)| p.starts_with("home/litellm/")));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_work_tree_and_index_are_untouched() {
    let dir = example_repo("untouched");
    // Something staged and something untracked but ignored, to see they survive.
    std::fs::create_dir_all(dir.join("rendered")).unwrap();
    std::fs::write(dir.join("rendered/keep.txt"), "mine").unwrap();
    let before = snapshot(&dir);
    for layout in ["single", "per-cluster", "hydrator"] {
        let name = format!("r-{layout}");
        ok(&run(
            &dir,
            &["compile", "--branch", &name, "--layout", layout],
        ));
        ok(&run(&dir, &["check", "--rendered", &name]));
    }
    ok(&run(&dir, &["diff", "HEAD"]));
    ok(&run(&dir, &["diff", "r-single"]));
    assert_eq!(snapshot(&dir), before);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_stale_rendered_branch_is_detected() {
    let dir = example_repo("stale");
    ok(&run(&dir, &["compile", "--branch", "rendered"]));
    let o = run(&dir, &["check", "--rendered", "rendered"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );

    edit(
        &dir,
        "roles/home/values.yaml",
        "storageClass: truenas-iscsi-csi",
        "storageClass: truenas-nfs",
    );
    commit_all(&dir, "home: NFS storage");
    let o = run(&dir, &["check", "--rendered", "rendered"]);
    assert_eq!(o.status.code(), Some(1));
    let o = run(
        &dir,
        &["check", "--rendered", "rendered", "--format", "json"],
    );
    assert_eq!(o.status.code(), Some(1));
    let found: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    let drift: Vec<String> = found
        .iter()
        .filter(|d| d["code"] == "KLN006")
        .map(|d| d["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        drift,
        [
            "home/cluster-home: changed in the rendered tree rendered (revision rendered, single layout): home/cluster-home/manifest.yaml",
            "home/ollama: changed in the rendered tree rendered (revision rendered, single layout): home/ollama/manifest.yaml",
            "home/open-webui: changed in the rendered tree rendered (revision rendered, single layout): home/open-webui/manifest.yaml",
        ]
    );

    // The library function, on the branch and on a directory.
    let (repo, plans, _) = kiln::compile::plan(&kiln::compile::CompileRequest {
        repo: dir.clone(),
        ..Default::default()
    })
    .unwrap();
    let results = kiln::compile::compile(&repo, &plans);
    let expected = kiln_emit::layout::rendered_files(&results);
    let drift = kiln_emit::compare(
        &expected,
        &kiln_emit::TreeSource::Git {
            repo: dir.clone(),
            rev: "rendered".into(),
        },
    )
    .unwrap();
    assert_eq!(drift.len(), 3);
    assert!(drift
        .iter()
        .all(|d| d.kind == kiln_emit::DriftKind::Changed));
    // Outside the work tree: an untracked directory inside it makes the tree dirty.
    let out = dir.with_extension("out");
    ok(&run(&dir, &["compile", "--out", out.to_str().unwrap()]));
    assert!(
        kiln_emit::compare(&expected, &kiln_emit::TreeSource::Dir(out.clone()))
            .unwrap()
            .is_empty()
    );
    std::fs::remove_file(out.join("lab/ollama/manifest.yaml")).unwrap();
    let drift = kiln_emit::compare(&expected, &kiln_emit::TreeSource::Dir(out.clone())).unwrap();
    assert_eq!(drift.len(), 1);
    assert_eq!(
        (
            drift[0].cluster.as_str(),
            drift[0].app.as_deref(),
            drift[0].kind
        ),
        ("lab", Some("ollama"), kiln_emit::DriftKind::Added)
    );

    // Brought up to date.
    ok(&run(&dir, &["compile", "--branch", "rendered"]));
    let o = run(&dir, &["check", "--rendered", "rendered"]);
    assert_eq!(o.status.code(), Some(0));
    // A target that is neither a directory nor a revision is an input error.
    assert_eq!(
        run(&dir, &["check", "--rendered", "nope"]).status.code(),
        Some(2)
    );
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn a_lost_race_is_reported_and_nothing_is_written() {
    let dir = example_repo("race");
    ok(&run(&dir, &["compile", "--branch", "rendered"]));
    let first = tip(&dir, "rendered");
    edit(
        &dir,
        "roles/home/values.yaml",
        "storageClass: truenas-iscsi-csi",
        "storageClass: truenas-nfs",
    );
    commit_all(&dir, "home: NFS storage");

    let (repo, plans, _) = kiln::compile::plan(&kiln::compile::CompileRequest {
        repo: dir.clone(),
        ..Default::default()
    })
    .unwrap();
    let results = kiln::compile::compile(&repo, &plans);
    let files = kiln_emit::layout::rendered_files(&results);
    let clusters: Vec<String> = results.iter().map(|r| r.facts.name.clone()).collect();
    let g = kiln_emit::git::open(&dir).unwrap();
    let source = kiln_emit::SourceCommit::read(&g, "HEAD").unwrap();
    let req = kiln_emit::WriteRequest {
        branch: "rendered",
        layout: kiln_emit::Layout::Single,
        files: &files,
        clusters: &clusters,
        source: &source,
        repo_url: "",
        commands: &[],
    };
    let prepared = kiln_emit::git::prepare(&g, &req).unwrap();
    assert_eq!(
        prepared.updates[0].old.map(|o| o.to_string()),
        Some(first.clone())
    );

    // Another writer moves the branch in between.
    git(&dir, &["branch", "-f", "rendered", "main"]);
    let theirs = tip(&dir, "rendered");
    let err = kiln_emit::git::apply(&g, &prepared).unwrap_err();
    match &err {
        kiln_emit::EmitError::RaceLost {
            refname,
            expected,
            found,
        } => {
            assert_eq!(refname, "refs/heads/rendered");
            assert_eq!(expected.as_deref(), Some(first.as_str()));
            assert_eq!(found.as_deref(), Some(theirs.as_str()));
        }
        other => panic!("expected a lost race, got {other}"),
    }
    assert!(
        err.to_string()
            .contains("lost a race on refs/heads/rendered"),
        "{err}"
    );
    assert_eq!(
        tip(&dir, "rendered"),
        theirs,
        "the other writer's update stands"
    );

    // A branch that appears in between, and a branch locked by another writer.
    git(&dir, &["branch", "-D", "rendered"]);
    let prepared = kiln_emit::git::prepare(&g, &req).unwrap();
    git(&dir, &["branch", "rendered", "main"]);
    assert!(matches!(
        kiln_emit::git::apply(&g, &prepared),
        Err(kiln_emit::EmitError::RaceLost { expected: None, .. })
    ));
    let prepared = kiln_emit::git::prepare(&g, &req).unwrap();
    let lock = dir.join(".git/refs/heads/rendered.lock");
    std::fs::write(&lock, "").unwrap();
    let err = kiln_emit::git::apply(&g, &prepared).unwrap_err();
    assert!(matches!(err, kiln_emit::EmitError::Locked { .. }), "{err}");
    std::fs::remove_file(&lock).unwrap();
    assert_eq!(tip(&dir, "rendered"), theirs);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn per_cluster_and_hydrator_layouts() {
    let dir = example_repo("layouts");
    let out = ok(&run(
        &dir,
        &["compile", "--branch", "deploy", "--layout", "per-cluster"],
    ));
    let (home, lab) = (tip(&dir, "deploy/home"), tip(&dir, "deploy/lab"));
    assert_eq!(
        out,
        format!("branch deploy/home: {home} (created)\nbranch deploy/lab: {lab} (created)\n")
    );
    assert_eq!(
        git(&dir, &["ls-tree", "--name-only", "deploy/home"]),
        "cluster-home\nfleet.json\nlitellm\nollama\nopen-webui"
    );
    assert!(git(&dir, &["log", "-1", "--format=%B", "deploy/lab"]).contains("Kiln-Cluster: lab"));
    // The family reads back as the whole fleet: nothing differs from the sources.
    let o = run(&dir, &["diff", "deploy", "--exit-code"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let o = run(&dir, &["check", "--rendered", "deploy"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    // `deploy` cannot be a branch beside deploy/<cluster>.
    let o = run(&dir, &["compile", "--branch", "deploy"]);
    assert_eq!(o.status.code(), Some(2));

    // kiln.toml's branch and layout.
    let toml = std::fs::read_to_string(dir.join("kiln.toml")).unwrap();
    std::fs::write(
        dir.join("kiln.toml"),
        toml.replacen(
            "output = \"rendered\"",
            "output = \"rendered\"\nbranch = \"hydrated\"\nlayout = \"hydrator\"",
            1,
        ),
    )
    .unwrap();
    commit_all(&dir, "Render into a hydrated branch");
    let source = git(&dir, &["rev-parse", "HEAD"]);
    let out = ok(&run(&dir, &["compile"]));
    let hydrated = tip(&dir, "hydrated");
    assert_eq!(out, format!("branch hydrated: {hydrated} (created)\n"));
    assert!(!dir.join("rendered").exists(), "no directory without --out");
    let files = git(&dir, &["ls-tree", "-r", "--name-only", "hydrated"]);
    assert!(files.starts_with(".gitattributes\nhome/cluster-home/README.md\nhome/cluster-home/hydrator.metadata\nhome/cluster-home/manifest.yaml\n"), "{files}");
    assert!(
        files.contains("\nhydrator.metadata\nlab/cluster-lab/README.md\n"),
        "{files}"
    );
    assert!(!files.contains("fleet.json"));
    assert_eq!(
        git(
            &dir,
            &["notes", "--ref=hydrator.metadata", "show", "hydrated"]
        ),
        format!("{{\"drySha\":\"{source}\"}}")
    );
    let root_meta = git(&dir, &["show", "hydrated:hydrator.metadata"]);
    assert_eq!(
        root_meta,
        format!("{{\n  \"repoURL\": \"https://github.com/kiln-dev/kiln\",\n  \"drySha\": \"{source}\",\n  \"author\": \"Dev <dev@example.com>\",\n  \"date\": \"2025-06-09T17:50:08Z\",\n  \"subject\": \"Render into a hydrated branch\"\n}}")
    );

    // A source commit that changes no manifest: no new commit, the note moves on.
    std::fs::write(dir.join("NOTES.txt"), "unrelated\n").unwrap();
    commit_all(&dir, "Unrelated");
    let source2 = git(&dir, &["rev-parse", "HEAD"]);
    let out = ok(&run(&dir, &["compile"]));
    assert_eq!(out, format!("branch hydrated: {hydrated} (unchanged)\n"));
    assert_eq!(
        git(
            &dir,
            &["notes", "--ref=hydrator.metadata", "show", "hydrated"]
        ),
        format!("{{\"drySha\":\"{source2}\"}}")
    );
    // A change to one app: only its metadata names the new source.
    edit(
        &dir,
        "roles/lab/values.yaml",
        "storageClass: local-path",
        "storageClass: lab-fast",
    );
    commit_all(&dir, "lab: fast storage");
    let source3 = git(&dir, &["rev-parse", "HEAD"]);
    ok(&run(&dir, &["compile"]));
    let changed = git(&dir, &["diff", "--name-only", &hydrated, "hydrated"]);
    for line in changed.lines() {
        assert!(
            line == "hydrator.metadata" || line.starts_with("lab/"),
            "{changed}"
        );
    }
    for app in changed.lines().filter(|l| l.ends_with("/manifest.yaml")) {
        let meta = app.replace("manifest.yaml", "hydrator.metadata");
        assert!(git(&dir, &["show", &format!("hydrated:{meta}")]).contains(&source3));
    }
    assert!(git(&dir, &["show", "hydrated:home/ollama/hydrator.metadata"]).contains(&source));
    let o = run(&dir, &["check", "--rendered", "hydrated"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_dirty_work_tree_is_refused_unless_allowed() {
    let dir = example_repo("dirty");
    edit(
        &dir,
        "roles/home/values.yaml",
        "storageClass: truenas-iscsi-csi",
        "storageClass: truenas-nfs",
    );
    let o = run(&dir, &["compile", "--branch", "rendered"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("roles/home/values.yaml"));
    assert!(git(&dir, &["branch", "--list", "rendered"]).is_empty());
    ok(&run(
        &dir,
        &["compile", "--branch", "rendered", "--allow-dirty"],
    ));
    // A revision is compiled from Git objects: the edit does not matter.
    ok(&run(
        &dir,
        &["compile", "--branch", "clean", "--revision", "HEAD"],
    ));
    let a = branch_files(&dir, "clean");
    git(&dir, &["stash", "-q"]);
    ok(&run(&dir, &["compile", "--branch", "clean2"]));
    assert_eq!(branch_files(&dir, "clean2"), a);
    assert_eq!(tip(&dir, "clean"), tip(&dir, "clean2"));
    let _ = std::fs::remove_dir_all(&dir);
}

fn diff_json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut a = vec!["diff"];
    a.extend_from_slice(args);
    a.extend(["--format", "json"]);
    serde_json::from_str(&ok(&run(dir, &a))).unwrap()
}

/// `(cluster/app, sign id)` of every changed object of a JSON diff.
fn changed_objects(v: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    for c in v["clusters"].as_array().unwrap() {
        for a in c["apps"].as_array().unwrap() {
            for o in a["objects"].as_array().unwrap() {
                out.push(format!(
                    "{}/{} {} {} {}/{}",
                    c["cluster"].as_str().unwrap(),
                    a["app"].as_str().unwrap(),
                    o["change"].as_str().unwrap(),
                    o["id"]["kind"].as_str().unwrap(),
                    o["id"]["namespace"].as_str().unwrap(),
                    o["id"]["name"].as_str().unwrap()
                ));
            }
        }
    }
    out
}

#[test]
fn diff_between_two_commits_lists_exactly_the_changed_objects() {
    let dir = example_repo("diff");
    edit(
        &dir,
        "roles/home/values.yaml",
        "storageClass: truenas-iscsi-csi",
        "storageClass: truenas-nfs",
    );
    commit_all(&dir, "home: NFS storage");

    let v = diff_json(&dir, &["HEAD~1", "HEAD"]);
    assert_eq!(
        changed_objects(&v),
        [
            "home/cluster-home changed ApplicationSet openshift-gitops/home-ai",
            "home/ollama changed PersistentVolumeClaim /ollama-models",
            "home/open-webui changed PersistentVolumeClaim /open-webui-data",
        ]
    );
    // Exit codes: 1 with --exit-code when something changed, 0 otherwise, 2 on errors.
    assert_eq!(
        run(&dir, &["diff", "HEAD~1", "HEAD", "--exit-code"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        run(&dir, &["diff", "HEAD~1", "HEAD"]).status.code(),
        Some(0)
    );
    let same = run(&dir, &["diff", "HEAD", "--exit-code"]);
    assert_eq!(same.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&same.stdout), "no changes\n");
    assert_eq!(run(&dir, &["diff", "no-such-rev"]).status.code(), Some(2));

    // The rendered branch as the base: read as is, same answer.
    git(&dir, &["checkout", "-q", "HEAD~1"]);
    ok(&run(&dir, &["compile", "--branch", "rendered"]));
    git(&dir, &["checkout", "-q", "main"]);
    let v2 = diff_json(&dir, &["rendered", "HEAD"]);
    assert_eq!(changed_objects(&v2), changed_objects(&v));
    assert_eq!(v2["base"], "rendered (rendered)");

    // Added and removed objects and apps: turn lab's open-webui off and home's route
    // into an ingress.
    let values = std::fs::read_to_string(dir.join("roles/lab/values.yaml")).unwrap();
    let at = values
        .find("  open-webui:")
        .expect("lab deploys open-webui");
    let rest = values[at..].replacen("enabled: true", "enabled: false", 1);
    std::fs::write(
        dir.join("roles/lab/values.yaml"),
        format!("{}{rest}", &values[..at]),
    )
    .unwrap();
    let v3 = diff_json(&dir, &["HEAD"]);
    let lab = v3["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["cluster"] == "lab")
        .unwrap();
    let app = lab["apps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["app"] == "open-webui")
        .unwrap();
    assert_eq!(app["status"], "removed");
    assert!(app["objects"]
        .as_array()
        .unwrap()
        .iter()
        .all(|o| o["change"] == "removed"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn markdown_diff_matches_the_reviewed_golden() {
    let dir = example_repo("markdown");
    edit(
        &dir,
        "roles/home/values.yaml",
        "storageClass: truenas-iscsi-csi",
        "storageClass: truenas-nfs",
    );
    commit_all(&dir, "home: NFS storage");
    let md = ok(&run(
        &dir,
        &["diff", "HEAD~1", "HEAD", "--format", "markdown"],
    ));
    let golden = repo_root().join("tests/emit/values-change.md");
    if std::env::var_os("KILN_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
        std::fs::write(&golden, &md).unwrap();
    }
    let want = std::fs::read_to_string(&golden).expect("tests/emit/values-change.md");
    assert_eq!(md, want, "markdown diff differs from tests/emit/values-change.md (KILN_UPDATE_GOLDEN=1 rewrites it; review it by hand)");
    let text = ok(&run(&dir, &["diff", "HEAD~1", "HEAD"]));
    assert!(
        text.ends_with("\n3 applications differ in 1 cluster (3 changed): 3 objects changed\n"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn out_dir_is_replaced_and_nothing_outside_it_is_touched() {
    let base = temp_dir("emit-outdir");
    let parent = base.join("parent");
    std::fs::create_dir_all(parent.join("rendered/stale-app")).unwrap();
    std::fs::write(parent.join("rendered/stale-app/manifest.yaml"), "old").unwrap();
    std::fs::write(parent.join("rendered/stale.txt"), "old").unwrap();
    // Neighbours that look like kiln's temporary names, and plain ones.
    std::fs::create_dir_all(parent.join("rendered-keep")).unwrap();
    std::fs::write(parent.join("rendered-keep/manifest.yaml"), "keep").unwrap();
    std::fs::write(parent.join(".rendered.kiln-new"), "keep").unwrap();
    std::fs::write(parent.join("rendered.yaml"), "keep").unwrap();
    std::fs::write(base.join("outside.txt"), "keep").unwrap();
    let outside = |_: ()| {
        let mut m = read_tree(&base);
        m.retain(|p, _| !p.starts_with("parent/rendered/"));
        m
    };
    let before = outside(());

    let out = parent.join("rendered");
    ok(&kiln(
        &["compile", ".", "--out", out.to_str().unwrap()],
        &repo_root(),
    ));
    let got = read_tree(&out);
    assert!(!got.contains_key("stale.txt") && !got.contains_key("stale-app/manifest.yaml"));
    let mut golden = read_tree(&repo_root().join("golden"));
    golden.retain(|k, _| !k.starts_with("scaffold/")); // `kiln new` goldens (tests/new.rs)
    assert_eq!(got, golden);
    assert_eq!(outside(()), before, "files outside --out changed");
    let names: Vec<String> = std::fs::read_dir(&parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(
        names,
        [
            ".rendered.kiln-new",
            "rendered",
            "rendered-keep",
            "rendered.yaml"
        ]
    );
    let _ = std::fs::remove_dir_all(&base);
}

#[test]
fn branch_and_layout_in_kiln_toml_follow_the_schema() {
    let schema = std::fs::read(repo_root().join("schemas/kiln.schema.json")).unwrap();
    let as_map = |text: &str| -> kiln_gotmpl::Map {
        let j: serde_json::Value = toml::from_str(text).expect("valid TOML");
        match kiln_gotmpl::Value::from_json(&j) {
            kiln_gotmpl::Value::Map(m, _) => (*m.snapshot()).clone(),
            _ => panic!("not a table"),
        }
    };
    let good = "branch = \"rendered/main\"\nlayout = \"per-cluster\"\n";
    kiln_helm::schema::validate_single(&as_map(good), &schema).unwrap();
    let cfg = kiln::config::Config::from_text(good, Path::new("kiln.toml")).unwrap();
    assert_eq!(cfg.branch.as_deref(), Some("rendered/main"));
    assert_eq!(cfg.layout, Some(kiln_emit::Layout::PerCluster));
    for bad in ["layout = \"flat\"\n", "branch = 3\n", "branch = \"\"\n"] {
        assert!(
            kiln_helm::schema::validate_single(&as_map(bad), &schema).is_err(),
            "schema accepts {bad:?}"
        );
    }
    assert!(
        kiln::config::Config::from_text("layout = \"flat\"\n", Path::new("kiln.toml")).is_err()
    );
    assert!(kiln::config::Config::from_text("branch = 3\n", Path::new("kiln.toml")).is_err());
}
