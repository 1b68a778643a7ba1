//! The bodies of kiln's fuzz targets, one function per target, each taking arbitrary
//! bytes and never panicking (a panic is a bug in kiln).
//!
//! They are called by the cargo-fuzz crate in `fuzz/` (nightly, libFuzzer) and by this
//! crate's stable tests, which replay the committed regression inputs of
//! `fuzz/regressions/<target>/`, the seeds derived from `../shared`, and a short
//! deterministic mutation run of every target (the CI "smoke fuzz"). See `fuzz/README.md`.
//!
//! Every execution is bounded: kiln's own limits (output size, template depth, `include`
//! and `tpl` recursion, list and string sizes) plus a step limit
//! ([`kiln_gotmpl::set_step_limit`], [`STEP_LIMIT`]) that Go does not have, so that nested
//! loops end.

use std::sync::Arc;

use kiln_argocd::appset::{self, ClusterSecret, ExpandContext, GitFileGlobbing, RepoTree};
use kiln_gotmpl::{Map, MissingKey, Options, TemplateSet, Value};
use kiln_helm::chart::File;
use kiln_helm::values::{coalesce_tables_plain, coalesce_values, ChartView};
use kiln_helm::{loader, yaml, TemplateOptions};

/// The step limit (`range` iterations plus template invocations) of every template
/// execution the targets start.
pub const STEP_LIMIT: u64 = 20_000;

/// Inputs longer than this are ignored (libFuzzer's `-max_len` also keeps them short;
/// this guards the replay and smoke tests).
pub const MAX_INPUT: usize = 64 * 1024;

/// A target body.
pub type Target = fn(&[u8]);

/// The targets by name, as `fuzz/fuzz_targets/<name>.rs` and `fuzz/regressions/<name>/`
/// call them.
pub const TARGETS: &[(&str, Target)] = &[
    ("template_parse", template_parse),
    ("template_exec", template_exec),
    ("values_yaml", values_yaml),
    ("appset_expand", appset_expand),
    ("chart_archive", chart_archive),
];

/// Functions that are slow by design (RSA/DSA key generation, bcrypt, scrypt): an input
/// naming one is parsed but not executed, or a loop of them would time out. They are
/// covered by kiln_sprig's own tests.
const SLOW_FUNCS: &[&str] = &[
    "genPrivateKey",
    "genCA",
    "genSelfSigned",
    "genSigned",
    "bcrypt",
    "htpasswd",
    "derivePassword",
];

fn names_slow_func(texts: &[&str]) -> bool {
    texts
        .iter()
        .any(|t| SLOW_FUNCS.iter().any(|f| t.contains(f)))
}

/// Splits `data` at the first NUL byte: `(before, after)`; `after` is empty without one.
pub fn split_nul(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[]),
    }
}

/// Runs `f` with [`STEP_LIMIT`] set on this thread.
fn bounded<T>(f: impl FnOnce() -> T) -> T {
    kiln_gotmpl::set_step_limit(Some(STEP_LIMIT));
    let r = f();
    kiln_gotmpl::set_step_limit(None);
    r
}

/// Target `template_parse`. Feeds: the bytes (invalid UTF-8 replaced) as one template,
/// parsed with Helm's function map and default delimiters, as Helm's engine parses a
/// file. Asserts: parsing never panics; for every tree it yields, printing the AST
/// (`Display`, Go's `Node.String()`) and parsing the printed text again never panics.
pub fn template_parse(data: &[u8]) {
    if data.len() > MAX_INPUT {
        return;
    }
    let text = String::from_utf8_lossy(data);
    let funcs = helm_template_set();
    let lookup = |n: &str| funcs.funcs().get(n).cloned();
    let Ok(trees) = kiln_gotmpl::parse::parse("t.yaml", &text, &lookup) else {
        return;
    };
    for tree in trees {
        let printed: String = tree.root.iter().map(|n| n.to_string()).collect();
        let _ = kiln_gotmpl::parse::parse("printed", &printed, &lookup);
    }
}

/// An empty template set with Helm's function map (builtins included).
fn helm_template_set() -> TemplateSet {
    TemplateSet::new(
        "gotpl",
        &kiln_helm::funcs::helm_func_map(),
        Options {
            missing_key: MissingKey::Zero,
        },
    )
}

/// `Chart.yaml` of the in-memory charts the targets build.
const CHART_YAML: &str = "apiVersion: v2\nname: fuzz\nversion: 0.1.0\n";

/// Target `template_exec`. Feeds: the bytes before the first NUL as the template
/// `templates/t.yaml` of an in-memory chart, the bytes after it as its `values.yaml`;
/// the chart is rendered as `helm template` does (values loaded and coalesced, every
/// template parsed and executed with Sprig and Helm's functions, manifests split and
/// sorted), under [`STEP_LIMIT`]. Inputs naming a slow-by-design function (key
/// generation, bcrypt) are only parsed. Asserts: no panic (errors are fine).
pub fn template_exec(data: &[u8]) {
    if data.len() > MAX_INPUT {
        return;
    }
    let (tpl, vals) = split_nul(data);
    let files = vec![
        file("Chart.yaml", CHART_YAML.as_bytes()),
        file("values.yaml", vals),
        file("templates/t.yaml", tpl),
    ];
    let tpl_text = String::from_utf8_lossy(tpl);
    if names_slow_func(&[&tpl_text, &String::from_utf8_lossy(vals)]) {
        let mut set = helm_template_set();
        let _ = set.parse("fuzz/templates/t.yaml", &tpl_text);
        return;
    }
    let Ok(chart) = loader::load_files(files) else {
        return;
    };
    let opts = TemplateOptions {
        source_maps: data.len() % 2 == 1,
        ..TemplateOptions::default()
    };
    bounded(|| {
        let _ = kiln_helm::template(&Arc::new(chart), &Map::new(), &opts);
    });
}

fn file(name: &str, data: &[u8]) -> File {
    File {
        name: name.into(),
        data: Arc::from(data),
    }
}

/// Target `values_yaml`. Feeds: the bytes before the first NUL as user values, after it
/// as chart defaults, both through `loader::load_values` (Helm's `LoadValues`). Then
/// Helm's coalescing (`CoalesceTables` and `MergeTables`, and `CoalesceValues` over a
/// chart with one subchart, both with those defaults, so globals propagate), `toYaml` of
/// each result and `fromYaml`, `toYaml`, `toJson` of the last. Asserts: no panic.
pub fn values_yaml(data: &[u8]) {
    if data.len() > MAX_INPUT {
        return;
    }
    let (user, defaults) = split_nul(data);
    let Ok(user_map) = loader::load_values(&String::from_utf8_lossy(user)) else {
        return;
    };
    let defaults_map = loader::load_values(&String::from_utf8_lossy(defaults)).unwrap_or_default();
    for merge in [false, true] {
        let out = coalesce_tables_plain(user_map.clone(), defaults_map.clone(), merge);
        // (One full round trip below: YAML of deeply nested values grows quadratically.)
        let _ = yaml::to_yaml(&Value::map(out));
    }
    let files = vec![
        file("Chart.yaml", CHART_YAML.as_bytes()),
        file("values.yaml", defaults),
        file(
            "charts/sub/Chart.yaml",
            b"apiVersion: v2\nname: sub\nversion: 0.1.0\n",
        ),
        file("charts/sub/values.yaml", defaults),
    ];
    if let Ok(chart) = loader::load_files(files) {
        if let Ok(out) = coalesce_values(&ChartView::of(&Arc::new(chart)), &user_map) {
            round_trip(&Value::map(out));
        }
    }
}

/// `toYaml`, then `fromYaml` of that, then `toYaml` again (Helm's functions).
fn round_trip(v: &Value) {
    let text = yaml::to_yaml(v);
    let back = yaml::from_yaml(&text);
    let _ = yaml::to_yaml(&back);
    let _ = yaml::to_json(v);
}

/// Target `appset_expand`. Feeds: the bytes as a YAML (or JSON) ApplicationSet, expanded
/// with `kiln_argocd::appset::expand` against [`FuzzRepo`] (a small fixed repository) and
/// [`fuzz_clusters`] (two cluster Secrets), once with the default and once with the new
/// git file globbing. Go templates run under [`STEP_LIMIT`]. Asserts: no panic.
pub fn appset_expand(data: &[u8]) {
    if data.len() > MAX_INPUT {
        return;
    }
    let text = String::from_utf8_lossy(data);
    let Ok(appset) = kiln_encoding::yaml_to_value(&text) else {
        return;
    };
    if names_slow_func(&[&text]) {
        return;
    }
    let repo = FuzzRepo;
    let clusters = fuzz_clusters();
    let is_local = |url: &str| !url.contains("external");
    for globbing in [GitFileGlobbing::Old, GitFileGlobbing::New] {
        let mut ctx = ExpandContext::new(&repo, &is_local);
        ctx.clusters = &clusters;
        ctx.git_file_globbing = globbing;
        bounded(|| {
            let _ = appset::expand(&appset, "argocd", &ctx);
        });
    }
}

/// The repository the `git` generators of [`appset_expand`] read.
pub struct FuzzRepo;

const REPO_FILES: &[(&str, &str)] = &[
    ("apps/a/config.json", "{\"name\": \"a\", \"replicas\": 2}"),
    ("apps/b/config.yaml", "name: b\nlabels:\n  tier: web\n"),
    ("apps/b/values.yaml", "image: nginx\n"),
    (
        "clusters/dev.yaml",
        "- cluster: dev\n  url: https://dev\n- cluster: qa\n",
    ),
    (".hidden/x.yaml", "x: 1\n"),
    ("README.md", "fuzz\n"),
];

impl RepoTree for FuzzRepo {
    fn directories(&self) -> Result<Vec<String>, String> {
        Ok(["apps", "apps/a", "apps/b", "clusters"]
            .iter()
            .map(|s| s.to_string())
            .collect())
    }

    fn files(&self) -> Result<Vec<String>, String> {
        let mut f: Vec<String> = REPO_FILES.iter().map(|(p, _)| p.to_string()).collect();
        f.sort();
        Ok(f)
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        REPO_FILES
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, c)| c.as_bytes().to_vec())
            .ok_or_else(|| format!("{path}: no such file"))
    }
}

/// The cluster Secrets the `clusters` generator of [`appset_expand`] selects from.
pub fn fuzz_clusters() -> Vec<ClusterSecret> {
    let secret = |name: &str, env: &str| ClusterSecret {
        name: name.into(),
        server: format!("https://{name}.example:6443"),
        project: Some("default".into()),
        labels: [
            (
                "argocd.argoproj.io/secret-type".to_string(),
                "cluster".to_string(),
            ),
            ("env".to_string(), env.to_string()),
        ]
        .into_iter()
        .collect(),
        annotations: [("team".to_string(), "fuzz".to_string())]
            .into_iter()
            .collect(),
    };
    vec![secret("dev", "dev"), secret("prod", "prod")]
}

/// Target `chart_archive`. Feeds: the bytes as a chart archive (`.tgz`) to
/// `loader::load_archive` (Helm's `LoadArchive`); a chart that loads is rendered like
/// `helm template` with its default values and `--include-crds`, under [`STEP_LIMIT`]
/// (unless a file names a slow-by-design function). Asserts: no panic.
pub fn chart_archive(data: &[u8]) {
    if data.len() > MAX_INPUT * 4 {
        return;
    }
    let Ok(chart) = loader::load_archive(data) else {
        return;
    };
    if chart_names_slow_func(&chart) {
        return;
    }
    let opts = TemplateOptions {
        include_crds: true,
        ..TemplateOptions::default()
    };
    bounded(|| {
        let _ = kiln_helm::template(&Arc::new(chart), &Map::new(), &opts);
    });
}

fn chart_names_slow_func(chart: &kiln_helm::Chart) -> bool {
    chart
        .templates
        .iter()
        .chain(chart.files.iter())
        .any(|f| names_slow_func(&[&f.text()]))
        || chart.dependencies.iter().any(|d| chart_names_slow_func(d))
        || names_slow_func(&[&yaml::to_yaml(&Value::map(chart.values.clone()))])
}
