//! `kiln check`: compiles the fleet in memory (writing nothing), builds the check input
//! ([`crate::check_input`]), runs every rule with the `[checks]` configuration of
//! `kiln.toml`, and prints the findings in the chosen format.
//!
//! Exit codes (DESIGN.md): 0 no finding at or above the fail level, 1 some, 2 usage or
//! input errors — including an Application, ApplicationSet or chart that failed to render:
//! its failure is still reported as a finding, but the check of the fleet is incomplete.

use kiln_argocd::Repo;
use kiln_check::output::{self, HumanOptions, RenderContext, SourceFiles};
use kiln_check::registry::{KLN005, KLN006};
use kiln_check::{
    CheckConfig, CheckInput, Diagnostic, Format, Registry, Rule, RuleInfo, Severity, Span,
};

use crate::check_input::{self, RenderFailure};
use crate::compile::{self, CompileRequest, DEFAULT_KUBE_VERSION};
use crate::config::CONFIG_FILE;

/// The resolved `kiln check` arguments.
#[derive(Debug, Clone)]
pub struct CheckRequest {
    /// What to compile.
    pub target: CompileRequest,
    /// Output format.
    pub format: Format,
    /// Exit 1 when a finding is at or above this severity (`None`: never). Default: the
    /// `fail-on` of `kiln.toml`, else `error`.
    pub fail_on: Option<Option<Severity>>,
    /// `--rendered REF|DIR`: also check that this committed rendered tree is what the
    /// sources give (each differing Application is a `KLN006` finding).
    pub rendered: Option<String>,
    /// Layout of the rendered branch (default: its commit's trailer, else `kiln.toml`).
    pub layout: Option<kiln_emit::Layout>,
}

/// What `kiln check` printed and how it ends.
#[derive(Debug)]
pub struct CheckOutcome {
    /// The report (stdout).
    pub report: String,
    /// The exit code: 0, 1 (findings at or above the fail level) or 2 (something failed to
    /// render).
    pub code: u8,
    /// Helm renders of the run, and how many came from the render cache.
    pub renders: kiln_argocd::cache::StatsSnapshot,
}

/// Runs `kiln check`. `Err` is a usage or input error (exit 2) with its message.
pub fn run(req: &CheckRequest) -> Result<CheckOutcome, String> {
    let (repo, mut plans, kiln_config) = compile::plan(&req.target).map_err(|e| e.to_string())?;
    let config = check_config(&repo)?;
    for p in &mut plans {
        p.facts.source_maps = true;
    }
    let results = compile::compile(&repo, &plans);
    let mut found = Vec::new();
    if let Some(target) = &req.rendered {
        let layout = req.layout.or(kiln_config.as_ref().and_then(|c| c.layout));
        let v = kiln_emit::verify_rendered(&req.target.repo, target, layout, &results)
            .map_err(|e| e.to_string())?;
        found.extend(v.drift.iter().map(|d| drift_diagnostic(&v, d)));
    }
    let checked = check_compiled(&repo, &results, config, found);
    let report = render_report(
        &repo,
        req.format,
        &checked,
        HumanOptions {
            color: crate::term::stdout_color(),
            ..HumanOptions::default()
        },
    );
    let (diagnostics, config) = (checked.diagnostics, checked.config);
    let fail_on = match req.fail_on {
        Some(level) => level,
        None => Some(config.fail_on.unwrap_or(Severity::Error)),
    };
    let failed = fail_on.is_some_and(|level| kiln_check::runner::fails(&diagnostics, level));
    let code = if checked.render_failures > 0 {
        2
    } else {
        u8::from(failed)
    };
    Ok(CheckOutcome {
        report,
        code,
        renders: repo.render_stats(),
    })
}

/// Findings of a compiled fleet, with what is needed to print them.
pub struct Checked {
    /// Every finding after `[checks]` and suppressions, merged and sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// The `[checks]` configuration they were run with.
    pub config: CheckConfig,
    /// Every rule's documentation (for SARIF).
    pub registry: Registry,
    /// How many Applications, ApplicationSets or undeployed charts failed to render
    /// (each is also a finding in `diagnostics` unless `[checks]` turns its code off).
    pub render_failures: usize,
}

/// Runs every rule over clusters compiled with `ClusterFacts::source_maps` on (plus the
/// charts under `charts/` that no cluster deploys), with `config` applied; `found` are
/// findings made beforehand (rendered-tree drift). Render failures become findings.
pub fn check_compiled(
    repo: &Repo,
    results: &[kiln_argocd::ClusterResult],
    config: CheckConfig,
    mut found: Vec<Diagnostic>,
) -> Checked {
    let built = check_input::build(repo, results, DEFAULT_KUBE_VERSION);
    let mut input = built.input;
    input.settings = config.settings.clone();

    let mut rules = kiln_check::all_rules();
    let registry = Registry::new(&rules);
    // Render failures and rendered-tree drift go through the runner like rule findings,
    // so `[checks]` and the merging of the same finding across clusters apply to them.
    found.extend(built.failures.iter().flat_map(failure_diagnostics));
    rules.push(Box::new(Found(found)));
    let mut diagnostics = kiln_check::run(&input, &rules, &config);
    if results
        .first()
        .and_then(|r| r.facts.shard)
        .is_some_and(|s| s.index != 0)
    {
        // Findings about kiln.toml itself belong to no Application: shard 0 reports them.
        diagnostics.retain(|d| d.code != kiln_check::registry::KLN003);
    }
    Checked {
        diagnostics,
        config,
        registry,
        render_failures: built.failures.len(),
    }
}

/// Renders `checked`'s findings in `format` (snippets read from `repo`).
pub fn render_report(
    repo: &Repo,
    format: Format,
    checked: &Checked,
    human: HumanOptions,
) -> String {
    output::render(
        format,
        &checked.diagnostics,
        &RenderContext {
            sources: &RepoSources(repo),
            registry: &checked.registry,
            human,
        },
    )
}

/// The `[checks]` table of `kiln.toml` (the defaults without one), read from the
/// repository (its working tree or `--revision`).
pub fn check_config(repo: &Repo) -> Result<CheckConfig, String> {
    match repo.read_text(CONFIG_FILE) {
        Ok(text) => CheckConfig::from_kiln_toml(&text).map_err(|e| format!("{CONFIG_FILE}: {e}")),
        Err(e) if e.is_not_found() => Ok(CheckConfig::default()),
        Err(e) => Err(format!("cannot read {e}")),
    }
}

/// The files of the repository as the human format reads them for snippets.
struct RepoSources<'a>(&'a Repo);

impl SourceFiles for RepoSources<'_> {
    fn read(&self, path: &str) -> Option<String> {
        self.0.read_text(path).ok()
    }
}

/// Findings made before the rules ran (render failures), handed to the runner.
struct Found(Vec<Diagnostic>);

impl Rule for Found {
    fn infos(&self) -> &'static [RuleInfo] {
        &[]
    }

    fn check(&self, _: &CheckInput, out: &mut Vec<Diagnostic>) {
        out.extend(self.0.iter().cloned());
    }
}

/// A render failure as findings: Helm's `values.schema.json` failure as `SCH004` at
/// each failing values key, anything else as one `KLN005` at the file and line Helm
/// named.
fn failure_diagnostics(f: &RenderFailure) -> Vec<Diagnostic> {
    if let Some(app) = &f.input {
        if f.message.contains(VALUES_SCHEMA_ERROR) {
            return kiln_check::schema::values_schema_diagnostics(app, &f.message);
        }
    }
    vec![failure_diagnostic(f)]
}

/// How Helm's error about values failing `values.schema.json` begins
/// (`pkg/chart/common/util/jsonschema.go`).
const VALUES_SCHEMA_ERROR: &str = "values don't meet the specifications of the schema(s)";

/// A render failure as a `KLN005` finding, pointing at the file and line Helm named.
fn failure_diagnostic(f: &RenderFailure) -> Diagnostic {
    let subject = match (&f.cluster, &f.app) {
        (Some(c), Some(a)) => format!("{c}/{a}"),
        (Some(c), None) => format!("{c}: {}", f.what),
        (None, _) => f.what.clone(),
    };
    let mut d = Diagnostic::new(
        KLN005,
        Severity::Error,
        format!("{subject}: rendering failed: {}", f.message),
    )
    .with_help(
        "`kiln template CHART -f VALUES` renders the chart alone with the failing line in context",
    )
    .with_span(f.location.as_deref().and_then(parse_location));
    d.cluster = f.cluster.clone();
    d.app = f.app.clone();
    d
}

/// A difference between the committed rendered tree and the sources as a `KLN006`
/// finding about the Application (or the cluster's own files).
fn drift_diagnostic(v: &kiln_emit::Verification, d: &kiln_emit::AppDrift) -> Diagnostic {
    let what = match (&d.app, d.cluster.as_str()) {
        (Some(a), "") => a.clone(),
        (Some(a), c) => format!("{c}/{a}"),
        (None, "") => "files at the root".to_string(),
        (None, c) => format!("{c}: cluster files"),
    };
    let mut diag = Diagnostic::new(
        KLN006,
        Severity::Error,
        format!(
            "{what}: {} in the rendered tree {} ({}, {} layout): {}",
            d.kind.as_str(),
            v.target,
            v.source,
            v.layout,
            d.files.join(", ")
        ),
    )
    .with_help("re-render and commit: `kiln compile --branch NAME` (or `--out DIR`)");
    diag.cluster = (!d.cluster.is_empty()).then(|| d.cluster.clone());
    diag.app = d.app.clone();
    diag
}

/// `file[:line[:col]]` → a span (line 1 when only the file is known).
fn parse_location(loc: &str) -> Option<Span> {
    let mut parts = loc.rsplitn(3, ':');
    let last = parts.next()?;
    let mid = parts.next();
    let first = parts.next();
    match (first, mid, last.parse::<usize>()) {
        (Some(file), Some(line), Ok(col)) if line.parse::<usize>().is_ok() => {
            Some(Span::new(file, line.parse().ok()?, col))
        }
        (_, Some(_), Ok(line)) => {
            let file = loc.rsplit_once(':')?.0;
            Some(Span::new(file, line, 1))
        }
        _ => Some(Span::new(loc, 1, 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations() {
        assert_eq!(
            parse_location("charts/a/templates/x.yaml:21:5"),
            Some(Span::new("charts/a/templates/x.yaml", 21, 5))
        );
        assert_eq!(
            parse_location("charts/a/templates/x.yaml:21"),
            Some(Span::new("charts/a/templates/x.yaml", 21, 1))
        );
        assert_eq!(
            parse_location("charts/a/Chart.yaml"),
            Some(Span::new("charts/a/Chart.yaml", 1, 1))
        );
    }
}
