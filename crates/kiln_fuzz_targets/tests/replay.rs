//! Replays (a) every committed regression input under `fuzz/regressions/<target>/` and
//! (b) the seed inputs derived from `../shared` through their targets. A panic fails the
//! test with the input saved for reproduction. Without `../shared`, (b) prints a loud
//! "SKIPPED" and passes.

mod common;

use common::*;

#[test]
fn regressions() {
    let root = repo_root().join("fuzz/regressions");
    let mut n = 0;
    for (name, _) in kiln_fuzz_targets::TARGETS {
        let dir = root.join(name);
        assert!(dir.is_dir(), "{} missing", dir.display());
        for path in walk(&dir) {
            if path.file_name().is_some_and(|f| f == ".gitkeep") {
                continue;
            }
            let data = std::fs::read(&path).unwrap();
            run_one(name, &data, &path.display().to_string());
            n += 1;
        }
    }
    eprintln!("replayed {n} regression inputs");
}

/// Every directory under fuzz/regressions names a target (a misspelt one would never run).
#[test]
fn regression_dirs_name_targets() {
    for e in std::fs::read_dir(repo_root().join("fuzz/regressions")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            kiln_fuzz_targets::TARGETS.iter().any(|(n, _)| *n == name),
            "fuzz/regressions/{name} is not a target"
        );
    }
}

fn replay_seeds(name: &str) {
    let Some(shared) = shared_dir() else {
        skipped(&format!("seed replay of {name}"));
        return;
    };
    let seeds = seeds(&shared, name);
    assert!(!seeds.is_empty(), "no seeds for {name}");
    let start = std::time::Instant::now();
    for (i, s) in seeds.iter().enumerate() {
        run_one(name, s, &format!("seed {i}"));
    }
    eprintln!("{name}: {} seeds in {:?}", seeds.len(), start.elapsed());
}

#[test]
fn seeds_template_parse() {
    replay_seeds("template_parse");
}

#[test]
fn seeds_template_exec() {
    replay_seeds("template_exec");
}

#[test]
fn seeds_values_yaml() {
    replay_seeds("values_yaml");
}

#[test]
fn seeds_appset_expand() {
    replay_seeds("appset_expand");
}

#[test]
fn seeds_chart_archive() {
    replay_seeds("chart_archive");
}
