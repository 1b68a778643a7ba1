//! `kiln cmp generate` and `kiln cmp discover`: kiln as an Argo CD Config Management
//! Plugin (v2, the repo-server sidecar; contract in `../shared/argocd/SEMANTICS.md` §4).
//!
//! Argo CD unpacks the repository into a temporary directory and runs the plugin with
//! the working directory set to the Application's source path, its build environment
//! (`ARGOCD_APP_NAME`, `ARGOCD_APP_NAMESPACE`, ...), `KUBE_VERSION`, `KUBE_API_VERSIONS`,
//! the plugin's `env` entries as `ARGOCD_ENV_<NAME>` and its parameters as
//! `PARAM_<NAME>` (`PARAM_<NAME>_<i>` for arrays). Standard output must hold only
//! Kubernetes objects; standard error is logged, and becomes the sync error message when
//! the command exits non-zero.
//!
//! How `generate` finds what to render (the `mode` parameter, default `auto`):
//!
//! 1. **fleet**: the repository root is the nearest directory at or above the working
//!    directory holding `kiln.toml` (else `.git`). kiln compiles the clusters of
//!    `kiln.toml` (only `cluster` when given) exactly as `kiln compile` does and looks for
//!    the Application named `ARGOCD_APP_NAME` (an instance name `<ns>_<name>` also
//!    matches the namespace) with a source in this repository whose `path` is the
//!    working directory. Its manifest is printed: the bytes of
//!    `rendered/<cluster>/<app>/manifest.yaml`. The cluster facts are those of
//!    `kiln.toml`, so what Argo CD applies is what `kiln compile`/`kiln diff` showed in
//!    review; `live-capabilities` uses `KUBE_VERSION`/`KUBE_API_VERSIONS` instead.
//! 2. **standalone** (when `auto` finds no such Application): the working directory is
//!    rendered as a lone Application source, as Argo CD would render it without the
//!    plugin: release name = `release-name` or the app name, namespace =
//!    `ARGOCD_APP_NAMESPACE`, value files `value-files` (relative to the working
//!    directory), inline `values`, `.Capabilities` from `KUBE_VERSION` and
//!    `KUBE_API_VERSIONS`; `.argocd-source*.yaml` files are honoured.
//!
//! Then the rendered Application (and in fleet mode every Application and
//! ApplicationSet below it: a parent's sync is refused when a child breaks) goes through
//! `kiln check`'s schemas and rules with `kiln.toml`'s `[checks]`; findings are printed on
//! standard error and generate exits 1 when one is at or above `fail-on`, so a bad
//! change is refused at sync time. Exit codes: 0 manifests printed, 1 checks failed
//! (nothing on standard output), 2 usage or input errors, rendering failures among them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use kiln_argocd::{ClusterFacts, ClusterResult, Repo, Status};
use kiln_check::output::HumanOptions;
use kiln_check::{Format, Severity};

use crate::check_cmd;
use crate::compile::{self, CompileRequest, DEFAULT_KUBE_VERSION};
use crate::config::{Config, CONFIG_FILE};

/// `kiln cmp`: the Argo CD Config Management Plugin commands.
#[derive(clap::Args, Debug)]
pub struct CmpArgs {
    /// What to run.
    #[command(subcommand)]
    pub command: CmpCommand,
}

/// The plugin's commands (`spec.generate` and `spec.discover.find` of `plugin.yaml`).
#[derive(clap::Subcommand, Debug)]
pub enum CmpCommand {
    /// Print the manifests of the Application Argo CD is generating (run by the sidecar).
    ///
    /// Runs in the Application's source directory with Argo CD's environment:
    /// ARGOCD_APP_NAME, ARGOCD_APP_NAMESPACE, KUBE_VERSION, KUBE_API_VERSIONS, and the
    /// parameters PARAM_<NAME> / plugin env ARGOCD_ENV_KILN_<NAME>: cluster, mode
    /// (auto|fleet|standalone), fail-on (error|warning|info|none), release-name,
    /// value-files, values, live-capabilities. Manifests go to stdout, findings and
    /// errors to stderr. Exit status: 0 manifests printed, 1 rendering or checks failed,
    /// 2 usage or input errors.
    ///
    /// Examples:
    ///   cd charts/ai/ollama && ARGOCD_APP_NAME=ollama ARGOCD_ENV_KILN_CLUSTER=home kiln cmp generate
    ///   ARGOCD_APP_NAME=demo PARAM_VALUE_FILES_0=prod.yaml PARAM_FAIL_ON=warning kiln cmp generate
    #[command(verbatim_doc_comment)]
    Generate,
    /// Tell Argo CD whether kiln renders the current directory (run by the sidecar).
    ///
    /// Prints one line and exits 0 when the directory holds a Chart.yaml inside a
    /// repository with a kiln.toml (at or above it); prints nothing and exits 0
    /// otherwise (Argo CD's discover command matches on non-empty output).
    ///
    /// Examples:
    ///   cd charts/ai/ollama && kiln cmp discover
    #[command(verbatim_doc_comment)]
    Discover,
}

/// What a plugin command printed and how it ends.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Standard output (manifests).
    pub stdout: String,
    /// Standard error (findings, warnings, errors).
    pub stderr: String,
    /// Exit status.
    pub code: u8,
}

impl Outcome {
    fn usage(message: impl std::fmt::Display) -> Outcome {
        Outcome {
            stdout: String::new(),
            stderr: format!("error: {message}\n"),
            code: 2,
        }
    }
}

/// Runs `kiln cmp ...` in the current directory with the process environment.
pub fn run(args: &CmpArgs) -> Outcome {
    let cwd = match std::env::current_dir() {
        Ok(d) => d,
        Err(e) => return Outcome::usage(format!("cannot read the working directory: {e}")),
    };
    let env = PluginEnv::from_process();
    match args.command {
        CmpCommand::Generate => generate(&cwd, &env),
        CmpCommand::Discover => discover(&cwd),
    }
}

/// The environment Argo CD gives a plugin command (only the variables kiln reads).
#[derive(Debug, Default, Clone)]
pub struct PluginEnv {
    vars: BTreeMap<String, String>,
}

impl PluginEnv {
    /// The variables of this process that kiln reads: `ARGOCD_*`, `PARAM_*`, `KUBE_*`.
    pub fn from_process() -> PluginEnv {
        PluginEnv::from_pairs(std::env::vars_os().filter_map(|(k, v)| {
            let k = k.into_string().ok()?;
            let keep =
                k.starts_with("ARGOCD_") || k.starts_with("PARAM_") || k.starts_with("KUBE_");
            keep.then(|| (k, v.to_string_lossy().into_owned()))
        }))
    }

    /// An environment made of these pairs.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> PluginEnv {
        PluginEnv {
            vars: pairs.into_iter().collect(),
        }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// A plugin parameter: `PARAM_<NAME>` (a parameter of the Application's
    /// `source.plugin.parameters`), else `ARGOCD_ENV_KILN_<NAME>` (an entry of
    /// `source.plugin.env`). `name` is the parameter's name (`fail-on`).
    fn param(&self, name: &str) -> Option<&str> {
        let key = env_key(name);
        self.get(&format!("PARAM_{key}"))
            .or_else(|| self.get(&format!("ARGOCD_ENV_KILN_{key}")))
    }

    /// An array parameter: `PARAM_<NAME>_0`, `_1`, ... (Argo CD's encoding of an array
    /// parameter), else `ARGOCD_ENV_KILN_<NAME>` split at commas.
    fn param_list(&self, name: &str) -> Vec<String> {
        let key = env_key(name);
        let mut out = Vec::new();
        while let Some(v) = self.get(&format!("PARAM_{key}_{}", out.len())) {
            out.push(v.to_string());
        }
        if out.is_empty() {
            if let Some(v) = self.get(&format!("ARGOCD_ENV_KILN_{key}")) {
                out = v
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect();
            }
        }
        out
    }

    /// A boolean parameter (`true`, `1`, `yes`).
    fn flag(&self, name: &str) -> bool {
        self.param(name)
            .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "yes"))
    }
}

/// Argo CD's environment name of a parameter: upper case, anything outside
/// `[A-Z0-9_]` becomes `_`.
fn env_key(name: &str) -> String {
    name.chars()
        .map(|c| {
            let c = c.to_ascii_uppercase();
            if c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// How generate picks what to render.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Auto,
    Fleet,
    Standalone,
}

/// The resolved parameters of `generate`.
struct Params {
    app: String,
    app_namespace: Option<String>,
    mode: Mode,
    cluster: Option<String>,
    /// `None` in the outer option: `kiln.toml`'s `fail-on`; inner `None`: never fail.
    fail_on: Option<Option<Severity>>,
    release_name: Option<String>,
    value_files: Vec<String>,
    values: Option<String>,
    live_capabilities: bool,
    kube_version: Option<String>,
    api_versions: Vec<String>,
    dest_namespace: Option<String>,
    repo_url: Option<String>,
}

impl Params {
    fn read(env: &PluginEnv) -> Result<Params, String> {
        let instance = env.get("ARGOCD_APP_NAME").ok_or(
            "ARGOCD_APP_NAME is not set: `kiln cmp generate` runs as Argo CD's Config Management Plugin, which sets it (set it by hand to try it)",
        )?;
        // An instance name is `<namespace>_<name>` for Applications outside Argo CD's
        // namespace; names themselves cannot contain `_`.
        let (app_namespace, app) = match instance.split_once('_') {
            Some((ns, name)) => (Some(ns.to_string()), name.to_string()),
            None => (None, instance.to_string()),
        };
        let mode = match env.param("mode").unwrap_or("auto") {
            "auto" => Mode::Auto,
            "fleet" => Mode::Fleet,
            "standalone" => Mode::Standalone,
            other => {
                return Err(format!(
                    "parameter mode: {other:?} is not auto, fleet or standalone"
                ))
            }
        };
        let fail_on = match env.param("fail-on") {
            None => None,
            Some("none") => Some(None),
            Some(v) => match Severity::parse(v) {
                Some(s) => Some(Some(s)),
                None => {
                    return Err(format!(
                        "parameter fail-on: {v:?} is not error, warning, info or none"
                    ))
                }
            },
        };
        Ok(Params {
            app,
            app_namespace,
            mode,
            cluster: env.param("cluster").map(String::from),
            fail_on,
            release_name: env.param("release-name").map(String::from),
            value_files: env.param_list("value-files"),
            values: env.param("values").map(String::from),
            live_capabilities: env.flag("live-capabilities"),
            kube_version: env
                .get("KUBE_VERSION")
                .map(|v| v.trim_start_matches('v').to_string()),
            api_versions: env
                .get("KUBE_API_VERSIONS")
                .map(|v| {
                    v.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default(),
            dest_namespace: env.get("ARGOCD_APP_NAMESPACE").map(String::from),
            repo_url: env.get("ARGOCD_APP_SOURCE_REPO_URL").map(String::from),
        })
    }
}

/// The repository root for a plugin run in `cwd`: the nearest directory at or above it
/// holding `kiln.toml`, else `.git`; `None` when there is neither.
pub fn find_repo_root(cwd: &Path) -> Option<PathBuf> {
    let found = |marker: &str| {
        cwd.ancestors()
            .find(|d| d.join(marker).exists())
            .map(Path::to_path_buf)
    };
    found(CONFIG_FILE).or_else(|| found(".git"))
}

/// `path` of `dir` relative to `root` with `/`, `.` for the root itself; `None` when
/// `dir` is outside `root`.
fn relative(root: &Path, dir: &Path) -> Option<String> {
    let rel = dir.strip_prefix(root).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    let joined = parts?.join("/");
    Some(if joined.is_empty() {
        ".".into()
    } else {
        joined
    })
}

/// A source `path` as Argo CD resolves it: slashes trimmed, `.` for the root.
fn normalize_path(p: &str) -> String {
    let parts: Vec<&str> = p
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

/// `kiln cmp discover`: a line on stdout when `cwd` holds a chart inside a repository
/// with a `kiln.toml`.
pub fn discover(cwd: &Path) -> Outcome {
    let root = cwd.ancestors().find(|d| d.join(CONFIG_FILE).is_file());
    match root {
        Some(root) if cwd.join("Chart.yaml").is_file() => Outcome {
            stdout: format!(
                "kiln: {} (repository {})\n",
                relative(root, cwd).unwrap_or_else(|| ".".into()),
                root.display()
            ),
            stderr: String::new(),
            code: 0,
        },
        _ => Outcome::default(),
    }
}

/// `kiln cmp generate` in `cwd` with `env`.
pub fn generate(cwd: &Path, env: &PluginEnv) -> Outcome {
    let params = match Params::read(env) {
        Ok(p) => p,
        Err(m) => return Outcome::usage(m),
    };
    let cwd = match cwd.canonicalize() {
        Ok(c) => c,
        Err(e) => return Outcome::usage(format!("{}: {e}", cwd.display())),
    };
    let root = find_repo_root(&cwd).unwrap_or_else(|| cwd.clone());
    let Some(rel) = relative(&root, &cwd) else {
        return Outcome::usage("the working directory is outside the repository");
    };
    let has_config = root.join(CONFIG_FILE).is_file();
    let mut notes = String::new();
    if params.mode != Mode::Standalone && has_config {
        match fleet(&root, &rel, &params, &mut notes) {
            Ok(Some(out)) => return with_notes(notes, out),
            Ok(None) if params.mode == Mode::Fleet => {
                return with_notes(
                    notes,
                    Outcome::usage(format!(
                        "no Application named {:?} with source path {rel:?} in the clusters of {CONFIG_FILE}{}",
                        params.app,
                        params
                            .cluster
                            .as_deref()
                            .map(|c| format!(" (cluster {c})"))
                            .unwrap_or_default()
                    )),
                )
            }
            Ok(None) => {}
            Err(out) => return with_notes(notes, out),
        }
    } else if params.mode == Mode::Fleet {
        return Outcome::usage(format!(
            "mode fleet needs a {CONFIG_FILE} at or above {}",
            cwd.display()
        ));
    }
    with_notes(notes, standalone(&root, &rel, &params))
}

fn with_notes(notes: String, mut out: Outcome) -> Outcome {
    out.stderr = notes + &out.stderr;
    out
}

/// Fleet mode: `Ok(None)` when no Application of the fleet matches.
fn fleet(
    root: &Path,
    rel: &str,
    params: &Params,
    notes: &mut String,
) -> Result<Option<Outcome>, Outcome> {
    // The render cache only where the sidecar names a lasting directory
    // ($KILN_CACHE_DIR, deploy/argocd/Dockerfile): the repository itself is a fresh
    // copy at every call, so a cache inside it would never be read again.
    let mut req = CompileRequest {
        repo: root.to_path_buf(),
        cache_dir: crate::render_cache::env_cache_dir(),
        ..Default::default()
    };
    if params.live_capabilities {
        req.kube_version = params.kube_version.clone();
        req.api_versions = params.api_versions.clone();
    }
    // A kiln.toml without clusters to compile has no fleet: standalone (in auto mode).
    let config = Config::load(root).map_err(Outcome::usage)?;
    if params.mode == Mode::Auto
        && config
            .as_ref()
            .is_none_or(|c| c.clusters.values().all(|c| c.roots.is_empty()))
    {
        return Ok(None);
    }
    let (repo, mut plans, _) = compile::plan(&req).map_err(Outcome::usage)?;
    if let Some(c) = &params.cluster {
        let names: Vec<String> = plans.iter().map(|p| p.facts.name.clone()).collect();
        plans.retain(|p| &p.facts.name == c);
        if plans.is_empty() {
            return Err(Outcome::usage(format!(
                "parameter cluster: {c:?} is not a cluster of {CONFIG_FILE} with roots ({})",
                names.join(", ")
            )));
        }
    }
    let fail_on = resolve_fail_on(&repo, params.fail_on)?;
    for p in &mut plans {
        p.facts.source_maps = fail_on.is_some();
    }
    let results = compile::compile(&repo, &plans);
    // Every (cluster, app) that matches, with its manifest.
    let mut found: Vec<(usize, usize, String)> = Vec::new();
    for (ci, r) in results.iter().enumerate() {
        let manifests: BTreeMap<String, String> = r.manifests().into_iter().collect();
        for (ai, a) in r.apps.iter().enumerate() {
            if a.name != params.app
                || params
                    .app_namespace
                    .as_ref()
                    .is_some_and(|ns| *ns != a.namespace)
            {
                continue;
            }
            let here = a.sources.iter().any(|s| {
                !matches!(s.kind.as_deref(), Some("external") | Some("ref"))
                    && s.chart.is_nil()
                    && matches!(&s.repo_url, kiln_gotmpl::Value::String(u) if repo.is_local(u))
                    && matches!(&s.path, kiln_gotmpl::Value::String(p) if normalize_path(p) == rel)
            });
            if here {
                let text = manifests.get(&a.dir).cloned().unwrap_or_default();
                found.push((ci, ai, text));
            }
        }
    }
    let Some((ci, ai, text)) = found.first().cloned() else {
        return Ok(None);
    };
    let distinct: BTreeSet<&str> = found.iter().map(|f| f.2.as_str()).collect();
    if distinct.len() > 1 {
        let clusters: Vec<&str> = found
            .iter()
            .map(|f| results[f.0].facts.name.as_str())
            .collect();
        return Err(Outcome::usage(format!(
            "Application {:?} at {rel:?} renders differently on the clusters {}: set the plugin parameter `cluster` (or env KILN_CLUSTER) to the cluster of this Argo CD",
            params.app,
            clusters.join(", ")
        )));
    }
    let result = &results[ci];
    let app = &result.apps[ai];
    notes.push_str(&format!(
        "kiln: rendering {}/{} from {CONFIG_FILE} (source path {rel})\n",
        result.facts.name, app.name
    ));
    if let (Some(live), false) = (&params.kube_version, params.live_capabilities) {
        if minor(live) != minor(&result.facts.kube_version) {
            notes.push_str(&format!(
                "warning: the cluster runs Kubernetes {live}, {CONFIG_FILE} says {} for cluster {}: rendering with {CONFIG_FILE}'s (set live-capabilities=true to use the cluster's)\n",
                result.facts.kube_version, result.facts.name
            ));
        }
    }
    if let Some(ns) = &params.dest_namespace {
        let dest = app
            .destination
            .iter()
            .find(|(k, _)| k == "namespace")
            .map(|(_, v)| v.as_str());
        if dest.is_some_and(|d| d != ns) {
            notes.push_str(&format!(
                "warning: ARGOCD_APP_NAMESPACE is {ns}, the Application's destination namespace in {CONFIG_FILE}'s fleet is {}\n",
                dest.unwrap_or_default()
            ));
        }
    }
    Ok(Some(finish(
        &repo,
        std::slice::from_ref(result),
        0,
        ai,
        text,
        fail_on,
    )))
}

/// `major.minor` of a Kubernetes version.
fn minor(v: &str) -> String {
    v.trim_start_matches('v')
        .split(['.', '+', '-'])
        .take(2)
        .collect::<Vec<_>>()
        .join(".")
}

/// The check level: the parameter, else `kiln.toml`'s `[checks] fail-on`, else error.
fn resolve_fail_on(
    repo: &Repo,
    param: Option<Option<Severity>>,
) -> Result<Option<Severity>, Outcome> {
    if let Some(level) = param {
        return Ok(level);
    }
    let config = check_cmd::check_config(repo).map_err(Outcome::usage)?;
    Ok(Some(config.fail_on.unwrap_or(Severity::Error)))
}

/// Standalone mode: the working directory as the only source of an Application built
/// from the plugin's parameters, compiled as a one-Application cluster.
fn standalone(root: &Path, rel: &str, params: &Params) -> Outcome {
    let config = match Config::load(root) {
        Ok(c) => c,
        Err(e) => return Outcome::usage(e),
    };
    const LOCAL_URL: &str = "kiln-cmp-source";
    let mut urls: Vec<String> = config
        .as_ref()
        .map(|c| c.repo_urls.clone())
        .unwrap_or_default();
    let repo_url = params.repo_url.clone().unwrap_or_else(|| LOCAL_URL.into());
    urls.push(repo_url.clone());
    let name = config.as_ref().and_then(|c| c.name.clone());
    let repo = match Repo::new(root, &urls, name) {
        Ok(r) => r,
        Err(e) => return Outcome::usage(format!("{}: {e}", root.display())),
    };
    let fail_on = match resolve_fail_on(&repo, params.fail_on) {
        Ok(f) => f,
        Err(o) => return o,
    };
    // The source names kiln's plugin with these parameters, and kiln_argocd renders it
    // as every `plugin: {name: kiln}` source of a fleet (kiln_argocd::kiln_plugin).
    let mut parameters = Vec::new();
    if let Some(r) = &params.release_name {
        parameters.push(serde_json::json!({ "name": "release-name", "string": r }));
    }
    if !params.value_files.is_empty() {
        parameters.push(serde_json::json!({ "name": "value-files", "array": params.value_files }));
    }
    if let Some(v) = &params.values {
        parameters.push(serde_json::json!({ "name": "values", "string": v }));
    }
    let source = serde_json::json!({
        "repoURL": repo_url,
        "targetRevision": "HEAD",
        "path": rel,
        "plugin": { "name": kiln_argocd::kiln_plugin::PLUGIN_NAME, "parameters": parameters },
    });
    let mut destination = serde_json::json!({ "server": "https://kubernetes.default.svc" });
    if let Some(ns) = &params.dest_namespace {
        destination["namespace"] = ns.clone().into();
    }
    let app_json = serde_json::json!({
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {
            "name": params.app,
            "namespace": params.app_namespace.clone().unwrap_or_else(|| "argocd".into()),
        },
        "spec": { "project": "default", "source": source, "destination": destination },
    });
    let app = match kiln_encoding::yaml_to_value(&app_json.to_string()) {
        Ok(v) => v,
        Err(e) => return Outcome::usage(format!("cannot build the Application: {e}")),
    };
    let kube_version = params
        .kube_version
        .clone()
        .unwrap_or_else(|| DEFAULT_KUBE_VERSION.into());
    let mut facts = ClusterFacts::new("cmp", "", &kube_version, params.api_versions.clone());
    facts.source_maps = fail_on.is_some();
    let result = kiln_argocd::fleet::compile_roots(&repo, &facts, &[app]);
    let text = result
        .manifests()
        .into_iter()
        .next()
        .map(|(_, t)| t)
        .unwrap_or_default();
    let mut out = finish(&repo, std::slice::from_ref(&result), 0, 0, text, fail_on);
    out.stderr = format!(
        "kiln: rendering {rel} as Application {} (standalone)\n",
        params.app
    ) + &out.stderr;
    out
}

/// Prints the manifest of app `ai` of cluster `ci` unless it failed to render or checks
/// fail at `fail_on`; findings about it and the Applications below it go to stderr.
fn finish(
    repo: &Repo,
    results: &[ClusterResult],
    ci: usize,
    ai: usize,
    manifest: String,
    fail_on: Option<Severity>,
) -> Outcome {
    let result = &results[ci];
    let app = &result.apps[ai];
    let mut out = Outcome::default();
    if app.status == Status::Error {
        out.stderr.push_str(&format!(
            "error: {}/{}: rendering failed\n",
            result.facts.name, app.name
        ));
        if let Some(loc) = &app.error_location {
            out.stderr.push_str(&format!("  --> {loc}\n"));
        }
        for line in app.message.as_deref().unwrap_or("failed").lines() {
            out.stderr.push_str(&format!("  | {line}\n"));
        }
        out.code = 2;
        return out;
    }
    if app.status == Status::External {
        out.stderr.push_str(&format!(
            "error: {}/{}: its sources are outside this repository; kiln renders only this repository's charts and directories\n",
            result.facts.name, app.name
        ));
        out.code = 2;
        return out;
    }
    if let Some(level) = fail_on {
        let config = match check_cmd::check_config(repo) {
            Ok(c) => c,
            Err(m) => return Outcome::usage(m),
        };
        let mut checked = check_cmd::check_compiled(repo, results, config, Vec::new());
        let subtree = subtree_apps(result, ai);
        checked.diagnostics.retain(|d| {
            d.app.as_deref().is_some_and(|a| subtree.contains(a))
                && kiln_check::runner::clusters(d).contains(&result.facts.name.as_str())
        });
        if !checked.diagnostics.is_empty() {
            out.stderr.push_str(&check_cmd::render_report(
                repo,
                Format::Human,
                &checked,
                HumanOptions {
                    color: crate::term::stderr_color(),
                    ..HumanOptions::default()
                },
            ));
        }
        if kiln_check::runner::fails(&checked.diagnostics, level) {
            out.stderr.push_str(&format!(
                "error: kiln check failed for {}/{} (findings at or above {}): not generating manifests\n",
                result.facts.name,
                app.name,
                level.as_str()
            ));
            out.code = 1;
            return out;
        }
    }
    out.stdout = manifest;
    out
}

/// The names of app `ai` and every Application below it (through child Applications
/// and ApplicationSets).
fn subtree_apps(result: &ClusterResult, ai: usize) -> BTreeSet<String> {
    let root = &result.apps[ai];
    let mut parents: BTreeSet<String> =
        BTreeSet::from([format!("Application/{}/{}", root.namespace, root.name)]);
    let mut names = BTreeSet::from([root.name.clone()]);
    loop {
        let before = parents.len();
        for s in &result.appsets {
            if s.parent.as_ref().is_some_and(|p| parents.contains(p)) {
                parents.insert(format!("ApplicationSet/{}/{}", s.namespace, s.name));
            }
        }
        for a in &result.apps {
            if a.parent.as_ref().is_some_and(|p| parents.contains(p)) {
                parents.insert(format!("Application/{}/{}", a.namespace, a.name));
                names.insert(a.name.clone());
            }
        }
        if parents.len() == before {
            return names;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> PluginEnv {
        PluginEnv::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    }

    #[test]
    fn parameters_prefer_param_over_env() {
        let e = env(&[
            ("PARAM_FAIL_ON", "warning"),
            ("ARGOCD_ENV_KILN_FAIL_ON", "error"),
            ("ARGOCD_ENV_KILN_CLUSTER", "home"),
            ("PARAM_VALUE_FILES_0", "a.yaml"),
            ("PARAM_VALUE_FILES_1", "b.yaml"),
            ("ARGOCD_ENV_KILN_VALUE_FILES", "c.yaml"),
        ]);
        assert_eq!(e.param("fail-on"), Some("warning"));
        assert_eq!(e.param("cluster"), Some("home"));
        assert_eq!(e.param_list("value-files"), ["a.yaml", "b.yaml"]);
        let e = env(&[("ARGOCD_ENV_KILN_VALUE_FILES", "c.yaml, d.yaml")]);
        assert_eq!(e.param_list("value-files"), ["c.yaml", "d.yaml"]);
    }

    #[test]
    fn instance_names_and_modes() {
        let p = Params::read(&env(&[("ARGOCD_APP_NAME", "team-a_web")])).unwrap();
        assert_eq!(
            (p.app_namespace.as_deref(), p.app.as_str()),
            (Some("team-a"), "web")
        );
        assert_eq!(p.mode, Mode::Auto);
        assert!(Params::read(&env(&[])).is_err());
        assert!(Params::read(&env(&[("ARGOCD_APP_NAME", "a"), ("PARAM_MODE", "x")])).is_err());
        assert!(Params::read(&env(&[("ARGOCD_APP_NAME", "a"), ("PARAM_FAIL_ON", "x")])).is_err());
        let p = Params::read(&env(&[("ARGOCD_APP_NAME", "a"), ("PARAM_FAIL_ON", "none")])).unwrap();
        assert_eq!(p.fail_on, Some(None));
    }

    #[test]
    fn paths() {
        assert_eq!(normalize_path("/charts/ai/ollama/"), "charts/ai/ollama");
        assert_eq!(normalize_path("./charts//x"), "charts/x");
        assert_eq!(normalize_path(""), ".");
        assert_eq!(env_key("value-files"), "VALUE_FILES");
        assert_eq!(minor("v1.31.4+k3s1"), "1.31");
    }
}
