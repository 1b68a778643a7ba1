//! Fleet parity on GitOps monorepos: `../shared/corpus/monorepos/` holds two public
//! monorepos and their bootstrap (root) Applications, and `tests/monorepos/platform` is
//! ours (matrix of git file and directory generators with `pathParamPrefix`, multi-source
//! Applications with `$values` refs and parameters, a directory source). Each is compiled
//! by kiln and by the real-Helm reference implementation `../shared/oracle/fleet-oracle`
//! (run live, with `--kube-version 1.31.0`); the Applications, their statuses,
//! `fleet.json` and every `manifest.yaml` must be identical.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::*;

struct Monorepo {
    dir: &'static str,
    /// In this repository under `tests/monorepos/` (roots under its `bootstrap/`), rather
    /// than in `../shared/corpus/monorepos/` (roots in `<dir>.bootstrap/`).
    in_repo: bool,
    roots: &'static [&'static str],
    repo_urls: &'static [&'static str],
}

const MONOREPOS: &[Monorepo] = &[
    Monorepo {
        dir: "openshift-gitops-framework",
        in_repo: false,
        roots: &["prod.yaml", "hub.yaml", "test.yaml"],
        repo_urls: &["https://github.com/rbales79/argo-apps"],
    },
    Monorepo {
        dir: "ullbergm-openshift",
        in_repo: false,
        roots: &["cluster.yaml"],
        repo_urls: &[],
    },
    Monorepo {
        dir: "platform",
        in_repo: true,
        roots: &["prod.yaml", "staging.yaml"],
        repo_urls: &[],
    },
    // A chart at the repository root (`path: .`).
    Monorepo {
        dir: "rootchart",
        in_repo: true,
        roots: &["root.yaml"],
        repo_urls: &[],
    },
];

fn args_for(m: &Monorepo, base: &Path, out: &Path) -> Vec<String> {
    let (repo, roots) = if m.in_repo {
        let repo = repo_root().join("tests/monorepos").join(m.dir);
        (repo.clone(), repo.join("bootstrap"))
    } else {
        (base.join(m.dir), base.join(format!("{}.bootstrap", m.dir)))
    };
    let mut a = vec![repo.to_string_lossy().into_owned()];
    for r in m.roots {
        a.push("--root".into());
        a.push(roots.join(r).to_string_lossy().into_owned());
    }
    for u in m.repo_urls {
        a.push("--repo-url".into());
        a.push(u.to_string());
    }
    a.extend(["--kube-version".into(), "1.31.0".into(), "--out".into()]);
    a.push(out.to_string_lossy().into_owned());
    a
}

fn statuses(tree: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (name, bytes) in tree {
        if !name.ends_with("fleet.json") {
            continue;
        }
        let cluster = name.trim_end_matches("/fleet.json");
        let j: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        for app in j["applications"].as_array().unwrap() {
            out.insert(
                format!(
                    "{cluster}/{}/{}",
                    app["namespace"].as_str().unwrap_or(""),
                    app["name"].as_str().unwrap_or("")
                ),
                app["status"].as_str().unwrap_or("").to_string(),
            );
        }
    }
    out
}

#[test]
fn real_monorepos_match_fleet_oracle() {
    let Some(shared) = shared_dir() else {
        eprintln!("SKIPPED: ../shared not found; fleet parity with the reference did not run");
        return;
    };
    let Some(python) = oracle_python() else {
        eprintln!(
            "SKIPPED: no Python with helm-python-sdk and pyyaml (pip install helm-python-sdk==0.2.2 pyyaml); fleet parity did not run"
        );
        return;
    };
    let base = shared.join("corpus/monorepos");
    let oracle = shared.join("oracle/fleet-oracle");
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for m in MONOREPOS {
        let work = temp_dir(&format!("parity-{}", m.dir));
        let want_dir = work.join("oracle");
        let got_dir = work.join("kiln");
        let o = Command::new(&python)
            .arg(&oracle)
            .args(args_for(m, &base, &want_dir))
            .output()
            .expect("run fleet-oracle");
        assert!(
            o.status.success(),
            "fleet-oracle failed: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let args = args_for(m, &base, &got_dir);
        let mut kargs = vec!["compile"];
        kargs.extend(args.iter().map(String::as_str));
        let k = kiln(&kargs, &repo_root());
        assert!(
            matches!(k.status.code(), Some(0) | Some(2)),
            "kiln compile exited {:?}: {}",
            k.status.code(),
            String::from_utf8_lossy(&k.stderr)
        );
        let want = read_tree(&want_dir);
        let got = read_tree(&got_dir);
        let (ws, gs) = (statuses(&want), statuses(&got));
        if ws != gs {
            failures.push(format!(
                "{}: applications or statuses differ:\n  oracle {ws:?}\n  kiln   {gs:?}",
                m.dir
            ));
        }
        let mut identical = 0;
        let mut different = Vec::new();
        for (name, bytes) in &want {
            match got.get(name) {
                Some(g) if g == bytes => identical += 1,
                _ => different.push(name.clone()),
            }
        }
        for name in got.keys().filter(|n| !want.contains_key(*n)) {
            different.push(format!("{name} (only in kiln)"));
        }
        let apps = ws.len();
        let rendered = ws.values().filter(|s| *s == "rendered").count();
        report.push(format!(
            "{}: {apps} applications ({rendered} rendered), {identical} files identical, {} different",
            m.dir,
            different.len()
        ));
        if !different.is_empty() {
            failures.push(format!("{}: files differ: {different:?}", m.dir));
        }
        let _ = std::fs::remove_dir_all(&work);
    }
    for line in &report {
        eprintln!("fleet parity: {line}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
