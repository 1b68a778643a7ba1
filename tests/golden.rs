//! `golden/` is the expected rendered tree of the example monorepo (produced by the
//! real-Helm reference `fleet-oracle` with `scripts/golden.sh` and reviewed); `kiln
//! compile` must reproduce it byte for byte.

mod common;

use common::*;

#[test]
fn example_monorepo_matches_golden() {
    let root = repo_root();
    let out = temp_dir("golden");
    let o = kiln(&["compile", ".", "--out", out.to_str().unwrap()], &root);
    assert!(
        o.status.success(),
        "kiln compile failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let got = read_tree(&out);
    let mut want = read_tree(&root.join("golden"));
    // golden/scaffold/ holds the `kiln new` goldens (tests/new.rs), not a cluster.
    want.retain(|k, _| !k.starts_with("scaffold/"));
    assert!(!want.is_empty(), "golden/ is empty");
    let got_names: Vec<_> = got.keys().collect();
    let want_names: Vec<_> = want.keys().collect();
    assert_eq!(
        got_names, want_names,
        "the rendered tree has different files"
    );
    for (name, bytes) in &want {
        assert!(
            got[name] == *bytes,
            "{name} differs from golden/{name}:\n{}",
            String::from_utf8_lossy(&got[name])
        );
    }
    let _ = std::fs::remove_dir_all(&out);
}
