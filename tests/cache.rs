//! The render cache (`.kiln/cache`): only the renders whose inputs changed execute,
//! and a cached run's output is byte for byte the output of a `--no-cache` run after
//! every kind of input change.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{copy_example, kiln, read_tree, repo_root, temp_dir};
use kiln::render_cache::parse_stats_line;

/// `kiln compile REPO --out OUT --stats ARGS...`: the output must succeed; returns the
/// `(renders, from cache)` of its stats line.
fn compile(repo: &Path, out: &Path, args: &[&str]) -> (u64, u64) {
    let mut all = vec![
        "compile",
        repo.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--stats",
    ];
    all.extend_from_slice(args);
    let o = kiln(&all, repo);
    assert_ok(&o, &all);
    stats(&o)
}

fn assert_ok(o: &Output, args: &[&str]) {
    assert!(
        o.status.success(),
        "kiln {args:?} failed ({:?}):\n{}\n{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

fn stats(o: &Output) -> (u64, u64) {
    let err = String::from_utf8_lossy(&o.stderr);
    err.lines()
        .find_map(parse_stats_line)
        .unwrap_or_else(|| panic!("no stats line in:\n{err}"))
}

/// Rendered Helm sources of a compiled tree (each is one render), and those among them
/// whose chart is `chart_dir`.
fn helm_renders(out: &Path, chart_dir: &str) -> (u64, u64) {
    let (mut all, mut of_chart) = (0, 0);
    for (path, data) in read_tree(out) {
        if !path.ends_with("fleet.json") {
            continue;
        }
        let fleet: serde_json::Value = serde_json::from_slice(&data).unwrap();
        for app in fleet["applications"].as_array().unwrap() {
            if app["status"] != "rendered" {
                continue;
            }
            for s in app["sources"].as_array().unwrap() {
                if s["type"] == "helm" {
                    all += 1;
                    if s["path"] == chart_dir {
                        of_chart += 1;
                    }
                }
            }
        }
    }
    (all, of_chart)
}

fn python() -> Option<&'static str> {
    ["python3", "python"].into_iter().find(|py| {
        Command::new(py)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn append(path: &Path, text: &str) {
    let mut old = std::fs::read_to_string(path).unwrap_or_default();
    old.push_str(text);
    std::fs::write(path, old).unwrap();
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A 1,000-app synthetic monorepo (scripts/synth-monorepo.py, 2 clusters): compiled
/// cold, then warm, then after changing one chart, exactly the renders of the
/// Applications using that chart execute.
#[test]
fn thousand_apps_only_the_changed_charts_renders_execute() {
    let Some(py) = python() else {
        eprintln!("SKIPPED thousand_apps_only_the_changed_charts_renders_execute: no python3 to run scripts/synth-monorepo.py");
        return;
    };
    let base = temp_dir("cache-synth");
    let repo = base.join("mono");
    let gen = Command::new(py)
        .arg(repo_root().join("scripts/synth-monorepo.py"))
        .arg(&repo)
        .args(["--apps", "1000", "--clusters", "2"])
        .output()
        .unwrap();
    assert!(
        gen.status.success(),
        "synth-monorepo.py: {}",
        String::from_utf8_lossy(&gen.stderr)
    );
    let cache = base.join("cache");
    let cache_args = ["--cache-dir", cache.to_str().unwrap()];
    let out = base.join("out");

    let (renders, hits) = compile(&repo, &out, &cache_args);
    let (helm, ollama) = helm_renders(&out, "charts/ai/ollama");
    assert_eq!(hits, 0, "cold run");
    assert_eq!(renders, helm, "one render per rendered Helm source");
    assert!(helm >= 2002, "1,000 apps x 2 clusters and 2 roles: {helm}");
    assert!(ollama > 0);

    assert_eq!(
        compile(&repo, &out, &cache_args),
        (renders, renders),
        "warm run, nothing changed"
    );

    edit(
        &repo.join("charts/ai/ollama/templates/deployment.yaml"),
        "replicas: 1",
        "replicas: 2",
    );
    let (r, h) = compile(&repo, &out, &cache_args);
    assert_eq!(r, renders);
    assert_eq!(
        r - h,
        ollama,
        "only the {ollama} renders of charts/ai/ollama execute"
    );
    let manifests = read_tree(&out);
    let changed = manifests
        .iter()
        .filter(|(p, d)| {
            p.contains("/ai-ollama-")
                && p.ends_with("manifest.yaml")
                && String::from_utf8_lossy(d).contains("replicas: 2")
        })
        .count() as u64;
    assert_eq!(changed, ollama, "every ollama Application has the change");
    let _ = std::fs::remove_dir_all(&base);
}

/// A copy of the example monorepo with a subchart, a value file used by an
/// Application and a .helmignore that matters.
fn example_repo(base: &Path) -> PathBuf {
    let repo = base.join("mono");
    copy_example(&repo);
    let sub = repo.join("charts/ai/ollama/charts/extra");
    write(
        &sub.join("Chart.yaml"),
        "apiVersion: v2\nname: extra\nversion: 0.1.0\n",
    );
    write(&sub.join("values.yaml"), "greeting: hello\n");
    write(
        &sub.join("templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-extra\ndata:\n  greeting: {{ .Values.greeting | quote }}\n",
    );
    // Every AI app of home reads values/<app>.yaml when it exists.
    edit(
        &repo.join("roles/home/templates/ai.yaml"),
        "          releaseName: '{{`{{ .name }}`}}'\n",
        "          releaseName: '{{`{{ .name }}`}}'\n          valueFiles:\n            - '/values/{{`{{ .name }}`}}.yaml'\n          ignoreMissingValueFiles: true\n",
    );
    write(
        &repo.join("values/ollama.yaml"),
        "podAnnotations:\n  example.com/team: a\n",
    );
    repo
}

/// After each kind of input change, a cached compile writes exactly what a `--no-cache`
/// compile writes, and the change shows.
#[test]
fn cached_output_is_never_stale() {
    let base = temp_dir("cache-stale");
    let repo = example_repo(&base);
    let cache = base.join("cache");
    let cached = base.join("cached");
    let fresh = base.join("fresh");
    let cache_args = ["--cache-dir", cache.to_str().unwrap()];
    let run = |what: &str, prev: Option<&std::collections::BTreeMap<String, Vec<u8>>>| {
        let (renders, hits) = compile(&repo, &cached, &cache_args);
        compile(&repo, &fresh, &["--no-cache"]);
        let got = read_tree(&cached);
        assert!(
            got == read_tree(&fresh),
            "{what}: the cached output differs from the --no-cache output"
        );
        if let Some(prev) = prev {
            assert!(
                &got != prev,
                "{what}: the change does not show in the output"
            );
            assert!(hits < renders, "{what}: nothing rendered again");
        }
        got
    };
    let mut prev = run("initial", None);
    // A warm run with nothing changed: everything from the cache.
    let (renders, hits) = compile(&repo, &cached, &cache_args);
    assert_eq!(hits, renders, "warm run");
    assert_eq!(read_tree(&cached), prev);

    type Change = (&'static str, Box<dyn Fn(&Path)>);
    let changes: Vec<Change> = vec![
        (
            "a chart template",
            Box::new(|r: &Path| {
                edit(
                    &r.join("charts/ai/ollama/templates/deployment.yaml"),
                    "replicas: 1",
                    "replicas: 2",
                )
            }),
        ),
        (
            "a chart's values.yaml",
            Box::new(|r: &Path| {
                edit(
                    &r.join("charts/ai/ollama/values.yaml"),
                    "pullPolicy: IfNotPresent",
                    "pullPolicy: Always",
                )
            }),
        ),
        (
            "a subchart file",
            Box::new(|r: &Path| {
                edit(
                    &r.join("charts/ai/ollama/charts/extra/values.yaml"),
                    "hello",
                    "bonjour",
                )
            }),
        ),
        (
            "a value file an Application references",
            Box::new(|r: &Path| edit(&r.join("values/ollama.yaml"), "team: a", "team: b")),
        ),
        (
            "an Application's valuesObject in a role chart",
            Box::new(|r: &Path| {
                edit(
                    &r.join("roles/home/values.yaml"),
                    "size: 100Gi",
                    "size: 120Gi",
                )
            }),
        ),
        (
            "a role chart template",
            Box::new(|r: &Path| {
                edit(
                    &r.join("roles/home/templates/ai.yaml"),
                    "app.kubernetes.io/part-of: ai\n",
                    "app.kubernetes.io/part-of: ai-apps\n",
                )
            }),
        ),
        (
            "a cluster's kube-version in kiln.toml",
            Box::new(|r: &Path| {
                edit(
                    &r.join("kiln.toml"),
                    "kube-version = \"1.31.0\"",
                    "kube-version = \"1.30.0\"",
                )
            }),
        ),
        (
            ".helmignore",
            Box::new(|r: &Path| {
                append(
                    &r.join("charts/ai/ollama/.helmignore"),
                    "templates/gatus.yaml\n",
                )
            }),
        ),
        (
            "a subchart added",
            Box::new(|r: &Path| {
                write(
                    &r.join("charts/ai/litellm/charts/more/Chart.yaml"),
                    "apiVersion: v2\nname: more\nversion: 0.1.0\n",
                );
                write(
                    &r.join("charts/ai/litellm/charts/more/templates/cm.yaml"),
                    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: more\n",
                );
            }),
        ),
        (
            "a template file removed",
            Box::new(|r: &Path| {
                std::fs::remove_file(r.join("charts/ai/ollama/charts/extra/templates/cm.yaml"))
                    .unwrap()
            }),
        ),
    ];
    for (what, change) in &changes {
        change(&repo);
        prev = run(what, Some(&prev));
    }
    let _ = std::fs::remove_dir_all(&base);
}

/// Corrupted entries are misses (rendered again and rewritten), never errors; runs
/// sharing a cache at the same time both succeed with the right output.
#[test]
fn corrupted_entries_and_concurrent_runs() {
    let base = temp_dir("cache-corrupt");
    let repo = example_repo(&base);
    let cache = base.join("cache");
    let fresh = base.join("fresh");
    compile(&repo, &fresh, &["--no-cache"]);
    let expected = read_tree(&fresh);

    // Two runs at once on an empty cache.
    let spawn = |out: &Path| {
        Command::new(env!("CARGO_BIN_EXE_kiln"))
            .args(["compile", repo.to_str().unwrap(), "--out"])
            .arg(out)
            .args(["--stats", "--cache-dir", cache.to_str().unwrap()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    let (a, b) = (base.join("a"), base.join("b"));
    let (mut ca, mut cb) = (spawn(&a), spawn(&b));
    assert!(ca.wait().unwrap().success() && cb.wait().unwrap().success());
    assert!(read_tree(&a) == expected && read_tree(&b) == expected);

    // Every entry damaged in a different way.
    let entries: Vec<PathBuf> = read_tree(&cache)
        .keys()
        .filter(|p| !p.ends_with(".gitignore"))
        .map(|p| cache.join(p))
        .collect();
    assert!(!entries.is_empty());
    for (i, p) in entries.iter().enumerate() {
        let mut data = std::fs::read(p).unwrap();
        match i % 4 {
            0 => data.truncate(data.len() / 2),
            1 => {
                let n = data.len() / 3;
                data[n] ^= 0x40;
            }
            2 => data = b"not a cache entry".to_vec(),
            _ => data.clear(),
        }
        std::fs::write(p, data).unwrap();
    }
    let out = base.join("out");
    let (renders, hits) = compile(&repo, &out, &["--cache-dir", cache.to_str().unwrap()]);
    assert_eq!(hits, 0, "damaged entries are misses");
    assert!(read_tree(&out) == expected);
    // ... and were rewritten.
    let (r, h) = compile(&repo, &out, &["--cache-dir", cache.to_str().unwrap()]);
    assert_eq!((r, h), (renders, renders));
    assert!(read_tree(&out) == expected);
    let _ = std::fs::remove_dir_all(&base);
}

/// The default cache is `.kiln/cache` in the repository, ignored by Git through its
/// own `.gitignore`; `--no-cache` writes nothing there.
#[test]
fn default_location_and_no_cache() {
    let base = temp_dir("cache-default");
    let repo = example_repo(&base);
    let out = base.join("out");
    compile(&repo, &out, &["--no-cache"]);
    assert!(!repo.join(".kiln").exists(), "--no-cache wrote a cache");
    let o = Command::new(env!("CARGO_BIN_EXE_kiln"))
        .args(["compile", ".", "--stats"])
        .current_dir(&repo)
        .env_remove("KILN_CACHE_DIR")
        .env_remove("KILN_NO_CACHE")
        .output()
        .unwrap();
    assert_ok(&o, &["compile"]);
    let ignore = std::fs::read_to_string(repo.join(".kiln/cache/.gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "*"));
    let (renders, hits) = stats(&o);
    assert!(renders > 0 && hits == 0);
    let o = kiln(&["compile", ".", "--stats"], &repo);
    assert_eq!(stats(&o), (renders, renders));
    let _ = std::fs::remove_dir_all(&base);
}

/// `kiln check` reads the renders (with their source maps) from the cache: the same
/// findings, pointing at the same lines, with every render served from it.
#[test]
fn check_uses_the_cache() {
    let base = temp_dir("cache-check");
    let repo = example_repo(&base);
    // A finding with a span into a template, so source maps matter.
    edit(
        &repo.join("charts/ai/ollama/templates/deployment.yaml"),
        "readinessProbe",
        "readinessProbeX",
    );
    let cache = base.join("cache");
    let check = |args: &[&str]| {
        let mut all = vec!["check", ".", "--stats", "--format", "json"];
        all.extend_from_slice(args);
        let o = kiln(&all, &repo);
        assert!(o.status.code().is_some_and(|c| c <= 1), "{o:?}");
        (o.status.code(), o.stdout.clone(), stats(&o))
    };
    let cache_args = ["--cache-dir", cache.to_str().unwrap()];
    let (code, cold, (renders, hits)) = check(&cache_args);
    assert_eq!(hits, 0);
    assert!(renders > 0);
    let (code2, warm, (r, h)) = check(&cache_args);
    assert_eq!((r, h), (renders, renders), "warm check from the cache");
    let (code3, nocache, _) = check(&["--no-cache"]);
    assert_eq!(code, code2);
    assert_eq!(code, code3);
    assert_eq!(
        String::from_utf8_lossy(&warm),
        String::from_utf8_lossy(&cold)
    );
    assert_eq!(
        String::from_utf8_lossy(&warm),
        String::from_utf8_lossy(&nocache)
    );
    assert!(String::from_utf8_lossy(&warm).contains("templates/deployment.yaml"));
    let _ = std::fs::remove_dir_all(&base);
}

/// Renders that read the clock or draw random values are not stored: a second run
/// executes them again (their output changes from run to run, as with Helm), while the
/// other renders come from the cache. `date` with something that is not a time reads
/// the clock too (Sprig's `dateInZone` falls back to `time.Now()`).
#[test]
fn renders_that_read_the_clock_are_not_cached() {
    for (i, action) in [
        "{{ now | date \"2006-01-02T15:04:05.000000000\" }}",
        "{{ date \"2006-01-02T15:04:05.000000000\" .Values.missing }}",
        "{{ dateInZone \"2006-01-02T15:04:05.000000000\" nil \"UTC\" }}",
        "{{ randAlphaNum 16 }}",
    ]
    .into_iter()
    .enumerate()
    {
        let base = temp_dir(&format!("cache-volatile-{i}"));
        let repo = example_repo(&base);
        write(
            &repo.join("charts/ai/ollama/templates/zz-volatile.yaml"),
            &format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: volatile\ndata:\n  at: '{action}'\n"),
        );
        let cache = base.join("cache");
        let args = ["--cache-dir", cache.to_str().unwrap()];
        let (renders, hits) = compile(&repo, &base.join("out1"), &args);
        assert_eq!(hits, 0, "{action}");
        let ollama = helm_renders(&base.join("out1"), "charts/ai/ollama").1;
        assert!(ollama > 0, "{action}");
        let again = compile(&repo, &base.join("out2"), &args);
        assert_eq!(again, (renders, renders - ollama), "{action}");
        let _ = std::fs::remove_dir_all(&base);
    }
}
