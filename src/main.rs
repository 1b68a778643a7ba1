//! The `kiln` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use kiln::check_cmd::{self, CheckRequest};
use kiln::compile::{self, CompileRequest};
use kiln::report;
use kiln::template_cmd::{self, TemplateRequest};

/// mimalloc: rendering allocates many small, short-lived values; it is markedly faster
/// than the system allocator there (BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Turns transparent huge pages off for this process (and what it starts), as
/// `MIMALLOC_ALLOW_THP=0` would.
///
/// mimalloc asks for huge pages on its arenas; a compile frees and reuses memory at a
/// high rate, and the kernel zeroes a whole 2 MiB page at each fault after mimalloc
/// returns a range to it. On the 1,000 × 10 synthetic fleet that zeroing was 0.3 s of
/// CPU with one thread and 0.7 s with two; with 4 KiB pages system time fell from 0.69
/// to 0.20 s (BENCHMARKS.md). Failure (an old kernel) leaves the default in place.
#[cfg(target_os = "linux")]
fn disable_transparent_huge_pages() {
    // SAFETY: prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) reads only its integer arguments and
    // sets a flag of this process's memory map; it touches no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

#[cfg(not(target_os = "linux"))]
fn disable_transparent_huge_pages() {}

/// GitOps manifest compiler: renders an Argo CD + Helm monorepo offline, byte-identical
/// to Helm, and writes the manifests each cluster would run.
#[derive(Parser, Debug)]
#[command(name = "kiln", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Stop with exit code 2 when the whole run takes longer than SECS seconds (a time
    /// budget for CI jobs, hooks and the Argo CD plugin); a stopped run writes nothing.
    #[arg(long, global = true, value_name = "SECS", value_parser = kiln::budget::parse_secs)]
    timeout: Option<f64>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Render every cluster of the monorepo into a tree of manifests.
    ///
    /// Starting from each cluster's root Application, kiln renders Applications,
    /// expands ApplicationSets and recurses, like Argo CD would, and writes
    /// OUT/<cluster>/<application>/manifest.yaml plus OUT/<cluster>/fleet.json.
    /// Exit status: 0 rendered, 1 the tree was stale (--fail-on-change), 2 usage or
    /// input errors — an Application that fails to render among them (the rest is
    /// still written).
    ///
    /// Examples:
    ///   kiln compile                          # the clusters of ./kiln.toml into ./rendered
    ///   kiln compile . --root clusters/prod.yaml --kube-version 1.31.0 --out /tmp/out
    #[command(verbatim_doc_comment)]
    Compile(CompileArgs),
    /// Render a local chart like `helm template`.
    ///
    /// Prints the same stream as `helm template` (manifests in install order, then hooks,
    /// each headed `# Source: <chart>/templates/<file>`). With --json, prints the
    /// engine's per-template output instead: {"manifests": {"<template>": "<text>"}}.
    ///
    /// Examples:
    ///   kiln template charts/ai/ollama --set gpu.enabled=true
    ///   kiln template my-release ./mychart -f prod.yaml --namespace apps --include-crds
    #[command(verbatim_doc_comment)]
    Template(TemplateArgs),
    /// Draw each cluster's tree: root Application → ApplicationSets → Applications →
    /// objects.
    ///
    /// Examples:
    ///   kiln graph --format mermaid
    ///   kiln graph --format dot | dot -Tsvg > fleet.svg
    #[command(verbatim_doc_comment)]
    Graph(GraphArgs),
    /// Check every cluster: Kubernetes/CRD schemas and the AI domain rules.
    ///
    /// Compiles the fleet in memory (nothing is written), checks every rendered object
    /// and values tree, and reports findings that point at the values key or template
    /// line that caused them. Charts under charts/ that no cluster deploys are checked
    /// with their default values. Rules are configured per path in kiln.toml
    /// ([checks]); a finding is suppressed with a reason (annotation
    /// `kiln.dev/ignore: "CODE: reason"`, or `# kiln:ignore CODE -- reason` on a values
    /// key). Exit status: 0 clean, 1 findings at or above --fail-on, 2 usage or input
    /// errors (an Application that fails to render among them).
    ///
    /// Examples:
    ///   kiln check
    ///   kiln check --format github --fail-on warning
    ///   kiln check --format sarif > kiln.sarif
    #[command(verbatim_doc_comment)]
    Check(CheckArgs),
    /// Print the documentation of a rule (or list a family's rules).
    ///
    /// Examples:
    ///   kiln explain GPU001
    ///   kiln explain SEC
    #[command(verbatim_doc_comment)]
    Explain(ExplainArgs),
    /// Show what changes in the rendered manifests between two revisions.
    ///
    /// Compiles BASE and HEAD straight from Git objects (no checkout; HEAD defaults to
    /// the work tree) and prints, per cluster and Application, the objects added,
    /// removed and changed (by apiVersion, kind, namespace and name) with unified diffs,
    /// then a summary line. A side may also be a rendered commit written by
    /// `kiln compile --branch` (read as is) or a rendered directory (./DIR). Exit status:
    /// 0, or 1 when something changed with --exit-code; 2 on errors.
    ///
    /// Examples:
    ///   kiln diff origin/main
    ///   kiln diff main HEAD --format markdown > comment.md
    ///   kiln diff rendered --exit-code          # the rendered branch vs the work tree
    #[command(verbatim_doc_comment)]
    Diff(DiffArgs),
    /// Join the output directories of `kiln compile --shard I/N` runs into one tree.
    ///
    /// Each shard renders the Applications whose name falls in it (split by a fixed hash,
    /// the same on every machine) and writes their manifests plus a partial fleet.json
    /// per cluster. Given all N shards' directories, combine writes the tree one
    /// `kiln compile` run would have written, byte for byte.
    ///
    /// Examples:
    ///   kiln compile --shard 0/2 --out shard-0 && kiln compile --shard 1/2 --out shard-1
    ///   kiln combine shard-0 shard-1 --out rendered
    #[command(verbatim_doc_comment)]
    Combine(CombineArgs),
    /// Argo CD Config Management Plugin: render and check an Application at sync time.
    ///
    /// Run by Argo CD's repo-server sidecar (deploy/argocd/plugin.yaml) in the
    /// Application's source directory: `generate` prints its manifests (what
    /// `kiln compile` writes for it) and refuses, exit 1, when `kiln check` fails
    /// (exit 2 when it does not render);
    /// `discover` says whether kiln renders the directory.
    ///
    /// Examples:
    ///   cd charts/ai/ollama && ARGOCD_APP_NAME=ollama ARGOCD_ENV_KILN_CLUSTER=home kiln cmp generate
    ///   kiln cmp discover
    #[command(verbatim_doc_comment)]
    Cmp(kiln::cmp::CmpArgs),
    /// Print a shell completion script.
    ///
    /// Examples:
    ///   kiln completions bash > ~/.local/share/bash-completion/completions/kiln
    ///   kiln completions zsh > "${fpath[1]}/_kiln"
    ///   kiln completions fish > ~/.config/fish/completions/kiln.fish
    #[command(verbatim_doc_comment)]
    Completions(kiln::completions::CompletionsArgs),
    /// Print kiln's man page (roff), or write one page per command.
    ///
    /// Examples:
    ///   kiln man | man -l -
    ///   kiln man --out-dir /usr/local/share/man/man1
    #[command(verbatim_doc_comment, hide = true)]
    Man(kiln::completions::ManArgs),
    /// Check that a kiln command line parses, without running it (exit 0, else 2).
    ///
    /// Examples:
    ///   kiln check-args -- check --format sarif
    #[command(verbatim_doc_comment, hide = true)]
    CheckArgs(kiln::completions::CheckArgsArgs),
    /// Create a checklist-clean chart from a built-in scaffold or a template library.
    ///
    /// Writes charts/<domain>/NAME (never over an existing directory) after rendering
    /// it with kiln's Helm engine; --cluster adds the app to that cluster role's
    /// ApplicationSet list generator, keeping the file's comments and formatting (or
    /// prints the snippet to add when the role is not in a form kiln edits).
    ///
    /// Examples:
    ///   kiln new --list
    ///   kiln new inference vllm --set model=Qwen/Qwen2.5-7B-Instruct --set gpuCount=2 --cluster home
    ///   kiln new gateway llm-gateway --cluster home --cluster lab
    ///   kiln new training-job finetune --set gpu=false
    ///   kiln new --from ../kthena-cli-templates/templates
    ///   kiln new --from ../kthena-cli-templates/templates Qwen/Qwen3-8B qwen3 --set gpuLimit=1
    #[command(verbatim_doc_comment)]
    New(kiln::new::NewArgs),
}

#[derive(clap::Args, Debug)]
struct DiffArgs {
    /// The base: a revision, a rendered commit, or a rendered directory (./DIR).
    #[arg(value_name = "BASE")]
    base: String,
    /// The head, like BASE (default: the work tree).
    #[arg(value_name = "HEAD")]
    head: Option<String>,
    #[command(flatten)]
    target: TargetArgs,
    /// Output format.
    #[arg(long, value_parser = ["text", "markdown", "json"], default_value = "text")]
    format: String,
    /// Exit 1 when the rendered manifests differ.
    #[arg(long)]
    exit_code: bool,
}

fn parse_layout(s: &str) -> Result<kiln_emit::Layout, String> {
    s.parse()
}

fn parse_shard(s: &str) -> Result<kiln_argocd::Shard, String> {
    kiln_argocd::Shard::parse(s)
}

#[derive(clap::Args, Debug)]
struct CheckArgs {
    #[command(flatten)]
    target: TargetArgs,
    /// Output format.
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(kiln_check::Format::NAMES), default_value = "human")]
    format: String,
    /// Exit 1 when a finding is at or above this severity (default: kiln.toml's
    /// `fail-on`, else error).
    #[arg(long, value_parser = ["error", "warning", "info", "none"])]
    fail_on: Option<String>,
    /// Also check that this committed rendered tree (a branch/ref, or a directory ./DIR)
    /// is what the sources give: every differing Application is a KLN006 error.
    #[arg(long, value_name = "REF|DIR")]
    rendered: Option<String>,
    /// Layout of the rendered branch (default: its commit's Kiln-Layout trailer, else
    /// kiln.toml's `layout`, else single).
    #[arg(long, value_parser = parse_layout, requires = "rendered")]
    layout: Option<kiln_emit::Layout>,
    /// Check only shard I of N (0-based): the Applications whose name falls in it and
    /// the undeployed charts assigned to it. The N shards' findings together are one
    /// run's (a CI matrix job per shard).
    #[arg(long, value_name = "I/N", value_parser = parse_shard, conflicts_with = "rendered")]
    shard: Option<kiln_argocd::Shard>,
}

#[derive(clap::Args, Debug)]
struct ExplainArgs {
    /// A rule code (GPU001) or family (GPU).
    code: String,
}

#[derive(clap::Args, Debug)]
struct GraphArgs {
    #[command(flatten)]
    target: TargetArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "dot")]
    format: kiln::graph::Format,
    /// Leave out the rendered objects (show Applications and ApplicationSets only).
    #[arg(long)]
    no_objects: bool,
}

/// What to compile: shared by compile, graph, check.
#[derive(clap::Args, Debug)]
struct TargetArgs {
    /// The monorepo root.
    #[arg(default_value = ".")]
    repo: PathBuf,
    /// A root Application file (one cluster, named after the file); repeatable.
    /// Without it, the clusters of kiln.toml.
    #[arg(long = "root", value_name = "FILE")]
    roots: Vec<PathBuf>,
    /// A repoURL that means "this repository"; repeatable.
    #[arg(long = "repo-url", value_name = "URL")]
    repo_urls: Vec<String>,
    /// Kubernetes version of every cluster (.Capabilities.KubeVersion).
    #[arg(long, value_name = "VERSION")]
    kube_version: Option<String>,
    /// Extra API versions (.Capabilities.APIVersions); repeatable or comma separated.
    #[arg(long = "api-versions", value_name = "GROUP/VERSION")]
    api_versions: Vec<String>,
    /// Match ApplicationSet git file generator paths with Argo CD's new globbing
    /// (`*` stays within one directory, `**` spans directories).
    #[arg(long)]
    new_git_file_globbing: bool,
    /// Read the repository (roots, kiln.toml, charts, values) from this Git revision
    /// (a commit, branch, tag, HEAD~2, ...) instead of the working tree: nothing is
    /// checked out, and the working tree, index and HEAD are not touched.
    #[arg(long, value_name = "REV")]
    revision: Option<String>,
    #[command(flatten)]
    cache: kiln::render_cache::CacheArgs,
}

impl TargetArgs {
    fn request(&self) -> CompileRequest {
        CompileRequest {
            repo: self.repo.clone(),
            roots: self.roots.clone(),
            repo_urls: self.repo_urls.clone(),
            kube_version: self.kube_version.clone(),
            api_versions: self.api_versions.clone(),
            new_git_file_globbing: self.new_git_file_globbing,
            revision: self.revision.clone(),
            shard: None,
            cache_dir: self.cache.dir(&self.repo),
        }
    }
}

#[derive(clap::Args, Debug)]
struct TemplateArgs {
    /// [NAME] CHART: an optional release name, then the chart directory or .tgz.
    #[arg(num_args = 1..=2, required = true, value_name = "NAME] [CHART")]
    args: Vec<String>,
    /// Values file (repeatable; later files win; `-` reads stdin).
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    values: Vec<String>,
    /// Set a value: key=value (repeatable, comma-separated).
    #[arg(long = "set", value_name = "K=V")]
    set: Vec<String>,
    /// Set a string value: key=value.
    #[arg(long = "set-string", value_name = "K=V")]
    set_string: Vec<String>,
    /// Set a JSON value: key=json.
    #[arg(long = "set-json", value_name = "K=JSON")]
    set_json: Vec<String>,
    /// Set a value from a file: key=path.
    #[arg(long = "set-file", value_name = "K=PATH")]
    set_file: Vec<String>,
    /// Set a literal string value: key=value (no splitting).
    #[arg(long = "set-literal", value_name = "K=V")]
    set_literal: Vec<String>,
    /// Release name (default: release-name).
    #[arg(long)]
    release: Option<String>,
    /// Release namespace (default: default).
    #[arg(short = 'n', long)]
    namespace: Option<String>,
    /// Kubernetes version for .Capabilities.KubeVersion.
    #[arg(long, value_name = "VERSION")]
    kube_version: Option<String>,
    /// Extra API versions for .Capabilities.APIVersions (repeatable or comma separated).
    #[arg(short = 'a', long = "api-versions", value_name = "GROUP/VERSION")]
    api_versions: Vec<String>,
    /// Print the chart's crds/ files first.
    #[arg(long)]
    include_crds: bool,
    /// Do not validate values against values.schema.json.
    #[arg(long)]
    skip_schema_validation: bool,
    /// Print {"manifests": {...}}: every template's output before YAML parsing.
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args, Debug)]
struct CompileArgs {
    #[command(flatten)]
    target: TargetArgs,
    /// Output directory (default: kiln.toml's `output`, else `rendered`, in the repository).
    /// With a branch, the directory is written only when --out is given.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Also commit the rendered tree to this branch (default: kiln.toml's `branch`),
    /// built from Git objects: the work tree, the index and HEAD are not touched.
    #[arg(long, value_name = "NAME")]
    branch: Option<String>,
    /// How the branch is laid out: single (NAME), per-cluster (NAME/<cluster>) or
    /// hydrator (Argo CD Source Hydrator's files; default: kiln.toml's `layout`, else
    /// single).
    #[arg(long, value_parser = parse_layout)]
    layout: Option<kiln_emit::Layout>,
    /// Commit even when the work tree has uncommitted changes (the commit still names
    /// HEAD as its source).
    #[arg(long)]
    allow_dirty: bool,
    /// Render only shard I of N (0-based) of the Applications, split by name, into
    /// --out; `kiln combine` joins the N shards' directories into the tree of one run.
    #[arg(long, value_name = "I/N", value_parser = parse_shard, conflicts_with = "branch")]
    shard: Option<kiln_argocd::Shard>,
    /// Exit 1 when the written tree differs from the one it replaced (files added,
    /// changed or removed), listing them: a pre-commit hook then fails, and the
    /// re-rendered files can be staged.
    #[arg(long)]
    fail_on_change: bool,
}

#[derive(clap::Args, Debug)]
struct CombineArgs {
    /// The output directories of `kiln compile --shard I/N` for I = 0 … N-1.
    #[arg(required = true, value_name = "SHARD_DIR")]
    shards: Vec<PathBuf>,
    /// Where to write the combined rendered tree (replaced atomically).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

fn main() -> ExitCode {
    disable_transparent_huge_pages();
    let cli = Cli::parse();
    if let Some(secs) = cli.timeout {
        kiln::budget::start(secs);
    }
    match cli.command {
        Command::Compile(args) => run_compile(args),
        Command::Template(args) => run_template(args),
        Command::Graph(args) => run_graph(args),
        Command::Check(args) => run_check(args),
        Command::Explain(args) => run_explain(args),
        Command::Diff(args) => run_diff(args),
        Command::Combine(args) => run_combine(args),
        Command::New(args) => kiln::new::run(&args),
        Command::Cmp(args) => {
            let out = kiln::cmp::run(&args);
            print!("{}", out.stdout);
            eprint!("{}", out.stderr);
            ExitCode::from(out.code)
        }
        Command::Completions(args) => {
            ExitCode::from(kiln::completions::run_completions(&args, Cli::command()))
        }
        Command::Man(args) => ExitCode::from(kiln::completions::run_man(&args, Cli::command())),
        Command::CheckArgs(args) => {
            ExitCode::from(kiln::completions::run_check_args(&args, Cli::command()))
        }
    }
}

fn run_combine(args: CombineArgs) -> ExitCode {
    match kiln::combine::combine(&args.shards, &args.out) {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run_diff(args: DiffArgs) -> ExitCode {
    let req = kiln::emit_cmd::DiffRequest {
        target: args.target.request(),
        base: args.base,
        head: args.head,
        format: args.format.parse().unwrap_or(kiln_emit::Format::Text),
    };
    match kiln::emit_cmd::run_diff(&req) {
        Ok((text, diff)) => {
            print!("{text}");
            ExitCode::from(u8::from(args.exit_code && diff.has_changes()))
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run_check(args: CheckArgs) -> ExitCode {
    let mut target = args.target.request();
    target.shard = args.shard;
    let req = CheckRequest {
        target,
        format: kiln_check::Format::parse(&args.format).unwrap_or(kiln_check::Format::Human),
        fail_on: args.fail_on.as_deref().map(kiln_check::Severity::parse),
        rendered: args.rendered,
        layout: args.layout,
    };
    match check_cmd::run(&req) {
        Ok(out) => {
            print!("{}", out.report);
            args.target.cache.report(out.renders);
            ExitCode::from(out.code)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run_explain(args: ExplainArgs) -> ExitCode {
    match kiln_check::explain(&args.code) {
        Some(page) => {
            print!("{page}");
            ExitCode::SUCCESS
        }
        None => {
            eprintln!(
                "error: unknown rule code or family {:?} (`kiln explain KLN` lists kiln's own codes)",
                args.code
            );
            ExitCode::from(2)
        }
    }
}

fn run_graph(args: GraphArgs) -> ExitCode {
    let (repo, plans, _) = match compile::plan(&args.target.request()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let results = compile::compile(&repo, &plans);
    print!(
        "{}",
        kiln::graph::render(&results, args.format, !args.no_objects)
    );
    ExitCode::SUCCESS
}

fn run_template(a: TemplateArgs) -> ExitCode {
    let (name, chart) = match a.args.as_slice() {
        [chart] => (None, chart.clone()),
        [name, chart] => (Some(name.clone()), chart.clone()),
        _ => unreachable_args(),
    };
    let req = TemplateRequest {
        chart: PathBuf::from(chart),
        release: a.release.or(name),
        namespace: a.namespace,
        values: kiln_helm::strvals::ValueOptions {
            value_files: a.values,
            set: a.set,
            set_string: a.set_string,
            set_json: a.set_json,
            set_file: a.set_file,
            set_literal: a.set_literal,
        },
        kube_version: a.kube_version,
        api_versions: a.api_versions,
        include_crds: a.include_crds,
        skip_schema_validation: a.skip_schema_validation,
        json: a.json,
    };
    match template_cmd::run(&req) {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(f) => {
            eprintln!("{}", f.message);
            // A chart that does not render is an input error, like a bad flag (DESIGN.md's
            // exit codes; Helm itself exits 1 for both).
            ExitCode::from(2)
        }
    }
}

/// clap guarantees one or two positional arguments.
fn unreachable_args() -> (Option<String>, String) {
    (None, ".".into())
}

fn run_compile(args: CompileArgs) -> ExitCode {
    let mut req = args.target.request();
    req.shard = args.shard;
    let (repo, mut plans, config) = match compile::plan(&req) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let branch =
        kiln::emit_cmd::branch_target(args.branch.as_deref(), args.layout, config.as_ref());
    // Only the hydrator layout re-encodes the rendered objects; otherwise their text is
    // all that is written, and dropping the parsed objects saves most of the memory.
    let keep_objects = matches!(branch, Some((_, kiln_emit::Layout::Hydrator)));
    for p in &mut plans {
        p.facts.keep_objects = keep_objects;
    }
    let explicit_out = args.out.is_some();
    let out = args.out.unwrap_or_else(|| {
        req.repo.join(
            config
                .as_ref()
                .and_then(|c| c.output.clone())
                .unwrap_or_else(|| "rendered".into()),
        )
    });
    let results = compile::compile(&repo, &plans);
    args.target.cache.report(repo.render_stats());
    report::print_errors(&results);
    if let Some((name, layout)) = &branch {
        let written = kiln::emit_cmd::write_branch(
            &req,
            config.as_ref(),
            &results,
            name,
            *layout,
            Some(&out),
            args.allow_dirty,
        );
        match written {
            Ok(outcomes) => print!("{}", kiln::emit_cmd::outcome_lines(&outcomes)),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        }
        if !explicit_out {
            return ExitCode::SUCCESS;
        }
    }
    let changed = if args.fail_on_change {
        compile::tree_changes(&out, &results)
    } else {
        Vec::new()
    };
    if let Err(e) = compile::write_tree(&out, &results) {
        eprintln!("error: cannot write {}: {e}", out.display());
        return ExitCode::from(2);
    }
    report::print_summary(&results, &out);
    if !changed.is_empty() {
        eprintln!(
            "error: the rendered tree {} was out of date; kiln re-rendered {} file(s): stage them\n{}",
            out.display(),
            changed.len(),
            changed
                .iter()
                .map(|c| format!("  {c}"))
                .collect::<Vec<_>>()
                .join("\n")
        );
        return ExitCode::from(1);
    }
    if compile::all_ok(&results) {
        ExitCode::SUCCESS
    } else {
        // The rest of the fleet is written, but the input is broken: an input error.
        ExitCode::from(2)
    }
}
