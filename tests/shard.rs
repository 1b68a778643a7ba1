//! `--shard I/N` and `kiln combine`: the shards of a fleet, combined, are byte for byte
//! the tree of one `kiln compile`; each shard renders only part of the fleet; the
//! shards' `kiln check` findings together are one run's.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::*;

/// Compiles `args` once into `full`, then as `n` shards combined into `combined`, and
/// asserts both trees are identical. Returns the shards' partial fleet files' texts.
fn compile_in_shards(name: &str, cwd: &Path, args: &[&str], n: u32) -> Vec<String> {
    let tmp = temp_dir(name);
    let full = tmp.join("full");
    let mut a: Vec<String> = vec!["compile".into()];
    a.extend(args.iter().map(|s| s.to_string()));
    let run = |extra: &[String]| {
        let mut all = a.clone();
        all.extend(extra.iter().cloned());
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        kiln(&refs, cwd)
    };
    let one = run(&["--out".into(), full.display().to_string()]);
    let mut dirs: Vec<PathBuf> = Vec::new();
    let mut fragments = Vec::new();
    let mut shard_failed = Vec::new();
    for i in 0..n {
        let dir = tmp.join(format!("shard-{i}"));
        let out = run(&[
            "--shard".into(),
            format!("{i}/{n}"),
            "--out".into(),
            dir.display().to_string(),
        ]);
        shard_failed.push(!out.status.success());
        for (path, bytes) in read_tree(&dir) {
            if path.contains("fleet.shard-") {
                fragments.push(String::from_utf8(bytes).unwrap());
            }
        }
        dirs.push(dir);
    }
    // The whole run fails when an Application fails; so does the shard that owns it.
    assert_eq!(
        !one.status.success(),
        shard_failed.iter().any(|f| *f),
        "{name}: exit codes of one run and of its shards disagree"
    );
    let combined = tmp.join("combined");
    let mut c: Vec<String> = vec!["combine".into()];
    // Any order of the shard directories.
    c.extend(dirs.iter().rev().map(|d| d.display().to_string()));
    c.extend(["--out".into(), combined.display().to_string()]);
    let refs: Vec<&str> = c.iter().map(String::as_str).collect();
    let out = kiln(&refs, cwd);
    assert!(
        out.status.success(),
        "combine: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (a, b) = (read_tree(&full), read_tree(&combined));
    assert!(!a.is_empty());
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "{name}: file lists differ"
    );
    for (k, v) in &a {
        assert!(b[k] == *v, "{name}: {k} differs after combining {n} shards");
    }
    let _ = std::fs::remove_dir_all(&tmp);
    fragments
}

/// How many Applications of a partial fleet file its shard rendered itself.
fn sharded_count(fragment: &str) -> usize {
    fragment.matches("\"status\": \"sharded\"").count()
}

#[test]
fn example_shards_combine_into_one_run() {
    let root = repo_root();
    for n in [1, 2, 3, 5] {
        let frags = compile_in_shards(&format!("shard-example-{n}"), &root, &["."], n);
        assert_eq!(frags.len() as u32, 2 * n, "2 clusters × {n} shards");
        if n > 1 {
            // Leaf Applications are left to their owners: each shard skips some.
            assert!(frags.iter().map(|f| sharded_count(f)).sum::<usize>() > 0);
        }
    }
}

#[test]
fn platform_monorepo_shards_combine_into_one_run() {
    // Git, clusters, matrix and merge generators, multiple sources, $ref value files,
    // directory sources (tests/monorepos/platform, also in fleet_parity).
    let repo = repo_root().join("tests/monorepos/platform");
    let r = |f: &str| repo.join("bootstrap").join(f).display().to_string();
    let (prod, staging) = (r("prod.yaml"), r("staging.yaml"));
    let args = [
        repo.to_str().unwrap(),
        "--root",
        &prod,
        "--root",
        &staging,
        "--kube-version",
        "1.31.0",
    ];
    for n in [2, 4] {
        compile_in_shards(&format!("shard-platform-{n}"), &repo, &args, n);
    }
}

#[test]
fn real_monorepo_shards_combine_into_one_run() {
    let Some(shared) = shared_dir() else {
        eprintln!("SKIPPED real_monorepo_shards_combine_into_one_run: ../shared is absent");
        return;
    };
    let base = shared.join("corpus/monorepos");
    let repo = base.join("ullbergm-openshift");
    let root = base.join("ullbergm-openshift.bootstrap/cluster.yaml");
    let args = [
        repo.to_str().unwrap(),
        "--root",
        root.to_str().unwrap(),
        "--kube-version",
        "1.31.0",
    ];
    let frags = compile_in_shards("shard-ullbergm", &repo, &args, 4);
    let skipped: usize = frags.iter().map(|f| sharded_count(f)).sum();
    // 46 Applications: each is rendered by its owner, and by the others only when it
    // could yield Applications; most leaf apps are rendered once.
    assert!(skipped >= 46, "{skipped} renders skipped across 4 shards");
}

fn check_json(dir: &Path, extra: &[&str]) -> (Option<i32>, Vec<serde_json::Value>) {
    let mut args = vec!["check", ".", "--format", "json", "--fail-on", "none"];
    args.extend(extra);
    let out = kiln(&args, dir);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let parsed = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {text}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), parsed)
}

#[test]
fn check_shards_find_what_one_run_finds() {
    // A copy of the example with findings on both clusters (an unpinned image in a
    // deployed chart) and an undeployed bad chart.
    let dir = temp_dir("shard-check");
    let root = repo_root();
    copy_example(&dir);
    copy_tree(&root.join("tests/bad-ai-chart"), &dir.join("charts/ai/bad"));
    let values = dir.join("charts/ai/ollama/values.yaml");
    let text = std::fs::read_to_string(&values).unwrap();
    std::fs::write(&values, text.replace("tag: \"0.12.3\"", "tag: \"latest\"")).unwrap();

    let (_, one) = check_json(&dir, &[]);
    let key = |d: &serde_json::Value| serde_json::to_string(d).unwrap();
    let one: BTreeSet<String> = one.iter().map(key).collect();
    assert!(
        one.iter()
            .any(|d| d.contains("\"home\"") && d.contains("\"lab\"")),
        "expected a finding shared by both clusters"
    );
    let n = 3;
    let mut union = BTreeSet::new();
    let mut total = 0;
    for i in 0..n {
        let (_, found) = check_json(&dir, &["--shard", &format!("{i}/{n}")]);
        total += found.len();
        union.extend(found.iter().map(key));
    }
    assert_eq!(total, union.len(), "a finding reported by two shards");
    assert_eq!(union, one);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_shard_arguments_are_usage_errors() {
    let root = repo_root();
    for bad in ["3/3", "0/0", "x/2", "1"] {
        let out = kiln(
            &["compile", ".", "--shard", bad, "--out", "/dev/null/x"],
            &root,
        );
        assert_eq!(out.status.code(), Some(2), "--shard {bad}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("shard"));
    }
    let tmp = temp_dir("shard-missing");
    let s0 = tmp.join("s0");
    let out = kiln(
        &[
            "compile",
            ".",
            "--shard",
            "0/2",
            "--out",
            s0.to_str().unwrap(),
        ],
        &root,
    );
    assert!(out.status.success());
    let out = kiln(
        &[
            "combine",
            s0.to_str().unwrap(),
            "--out",
            tmp.join("c").to_str().unwrap(),
        ],
        &root,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("shard 1/2 is missing"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&tmp);
}
