//! Output does not depend on the thread count or the run: the example monorepo and
//! `tests/monorepos/platform` compiled with `RAYON_NUM_THREADS` 1, 2 and 8, twice each,
//! give byte-identical trees, and `kiln compile --branch` gives the same commit and tree
//! id at every thread count.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::*;

const THREADS: [&str; 3] = ["1", "2", "8"];

/// Runs kiln in `cwd` with `RAYON_NUM_THREADS=threads`; panics unless it succeeds.
fn kiln_threads(threads: &str, args: &[&str], cwd: &Path) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_kiln"))
        .args(args)
        .current_dir(cwd)
        .env("RAYON_NUM_THREADS", threads)
        .env("KILN_NO_PROGRESS", "1")
        .output()
        .expect("run kiln");
    assert!(
        o.status.success(),
        "kiln {args:?} with {threads} threads failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Compiles with every thread count, twice, and checks that all trees are identical.
fn same_tree_at_every_thread_count(name: &str, cwd: &Path, args: &[&str]) {
    let dir = temp_dir(&format!("determinism-{name}"));
    let mut first: Option<(String, BTreeMap<String, Vec<u8>>)> = None;
    for threads in THREADS {
        for run in 0..2 {
            let out = dir.join(format!("out-{threads}-{run}"));
            let mut a: Vec<&str> = args.to_vec();
            let out_s = out.display().to_string();
            a.extend(["--out", &out_s]);
            kiln_threads(threads, &a, cwd);
            let tree = read_tree(&out);
            assert!(tree.len() > 2, "{name}: nothing rendered");
            let label = format!("{threads} threads, run {run}");
            match &first {
                None => first = Some((label, tree)),
                Some((l0, t0)) => {
                    let differ: Vec<&String> = t0
                        .keys()
                        .chain(tree.keys())
                        .filter(|k| t0.get(*k) != tree.get(*k))
                        .collect();
                    assert!(
                        differ.is_empty(),
                        "{name}: {label} differs from {l0}: {differ:?}"
                    );
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn example_monorepo_is_identical_at_every_thread_count() {
    let root = repo_root();
    same_tree_at_every_thread_count("example", &root, &["compile", root.to_str().unwrap()]);
}

#[test]
fn platform_monorepo_is_identical_at_every_thread_count() {
    let repo = repo_root().join("tests/monorepos/platform");
    let r = |f: &str| repo.join("bootstrap").join(f).display().to_string();
    let (prod, staging) = (r("prod.yaml"), r("staging.yaml"));
    same_tree_at_every_thread_count(
        "platform",
        &repo,
        &[
            "compile",
            repo.to_str().unwrap(),
            "--root",
            &prod,
            "--root",
            &staging,
            "--kube-version",
            "1.31.0",
        ],
    );
}

#[test]
fn rendered_branch_commit_is_identical_at_every_thread_count() {
    let dir = temp_dir("determinism-branch");
    copy_example(&dir);
    std::fs::write(dir.join(".gitignore"), "/rendered\n").unwrap();
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "Example monorepo"]);
    let mut ids: Vec<(String, String, String)> = Vec::new();
    for threads in THREADS {
        // A fresh branch each time, so every run builds the commit from scratch.
        let branch = format!("rendered-{threads}");
        kiln_threads(threads, &["compile", ".", "--branch", &branch], &dir);
        let commit = git(&dir, &["rev-parse", &format!("refs/heads/{branch}")]);
        let tree = git(
            &dir,
            &["rev-parse", &format!("refs/heads/{branch}^{{tree}}")],
        );
        ids.push((threads.to_string(), commit, tree));
    }
    let trees: Vec<&String> = ids.iter().map(|i| &i.2).collect();
    assert!(
        trees.windows(2).all(|w| w[0] == w[1]),
        "tree ids differ: {ids:?}"
    );
    // The commit message names the branch's layout only, so commits match too.
    let commits: Vec<&String> = ids.iter().map(|i| &i.1).collect();
    assert!(
        commits.windows(2).all(|w| w[0] == w[1]),
        "commit ids differ: {ids:?}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
