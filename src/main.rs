//! The `kiln` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use kiln::compile::{self, CompileRequest};
use kiln::report;

/// GitOps manifest compiler: renders an Argo CD + Helm monorepo offline, byte-identical
/// to Helm, and writes the manifests each cluster would run.
#[derive(Parser, Debug)]
#[command(name = "kiln", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Render every cluster of the monorepo into a tree of manifests.
    ///
    /// Starting from each cluster's root Application, kiln renders Applications,
    /// expands ApplicationSets and recurses, like Argo CD would, and writes
    /// OUT/<cluster>/<application>/manifest.yaml plus OUT/<cluster>/fleet.json.
    ///
    /// Examples:
    ///   kiln compile                          # the clusters of ./kiln.toml into ./rendered
    ///   kiln compile . --root clusters/prod.yaml --kube-version 1.31.0 --out /tmp/out
    #[command(verbatim_doc_comment)]
    Compile(CompileArgs),
}

#[derive(clap::Args, Debug)]
struct CompileArgs {
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
    /// Output directory (default: kiln.toml's `output`, else `rendered`, in the repository).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Compile(args) => run_compile(args),
    }
}

fn run_compile(args: CompileArgs) -> ExitCode {
    let req = CompileRequest {
        repo: args.repo.clone(),
        roots: args.roots,
        repo_urls: args.repo_urls,
        kube_version: args.kube_version,
        api_versions: args.api_versions,
    };
    let (repo, plans, config) = match compile::plan(&req) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let out = args.out.unwrap_or_else(|| {
        args.repo.join(
            config
                .as_ref()
                .and_then(|c| c.output.clone())
                .unwrap_or_else(|| "rendered".into()),
        )
    });
    let results = compile::compile(&repo, &plans);
    report::print_errors(&results);
    if let Err(e) = compile::write_tree(&out, &results) {
        eprintln!("error: cannot write {}: {e}", out.display());
        return ExitCode::from(2);
    }
    report::print_summary(&results, &out);
    if compile::all_ok(&results) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
