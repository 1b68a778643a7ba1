//! The Git side of the command line: `kiln compile --branch`, `kiln diff`, and the
//! comparison behind `kiln check --rendered` (all through `kiln_emit`).

use std::path::Path;

use kiln_argocd::{ClusterResult, Status};
use kiln_emit::compare::{self, ReadTree};
use kiln_emit::diff;
use kiln_emit::git::{self as emit_git, BranchOutcome, SourceCommit, WriteRequest};
use kiln_emit::layout::{layout_files, Layout, RenderedFile};

use crate::compile::{self, CompileRequest};
use crate::config::Config;

/// Where `kiln compile` writes a rendered branch: `--branch`/`--layout`, else
/// `kiln.toml`'s `branch`/`layout` (layout default `single`). `None`: no branch.
pub fn branch_target(
    branch: Option<&str>,
    layout: Option<Layout>,
    config: Option<&Config>,
) -> Option<(String, Layout)> {
    let name = branch
        .map(String::from)
        .or_else(|| config.and_then(|c| c.branch.clone()))?;
    let layout = layout
        .or_else(|| config.and_then(|c| c.layout))
        .unwrap_or(Layout::Single);
    Some((name, layout))
}

/// The repoURL recorded in the `hydrator` metadata: the first of `kiln.toml`'s
/// `repo-urls`, else the first root Application's repoURL.
fn dry_repo_url(config: Option<&Config>, results: &[ClusterResult]) -> String {
    if let Some(u) = config.and_then(|c| c.repo_urls.first()) {
        return u.clone();
    }
    results
        .iter()
        .flat_map(|r| r.apps.first())
        .flat_map(|a| a.sources.first())
        .find_map(|s| match &s.repo_url {
            kiln_gotmpl::Value::String(u) => Some(u.to_string()),
            _ => None,
        })
        .unwrap_or_default()
}

/// Writes the compiled fleet onto `branch` in `layout` as a commit made from the source
/// commit: `req.revision` when compiling a revision, else `HEAD` (whose work tree must
/// then be clean under the monorepo, the output directory `out` aside, unless
/// `allow_dirty`). Refuses when an Application or ApplicationSet failed: a partial tree
/// would delete the failed Applications' manifests from the branch.
///
/// Errors are messages for exit status 2 (a lost race says so).
pub fn write_branch(
    req: &CompileRequest,
    config: Option<&Config>,
    results: &[ClusterResult],
    branch: &str,
    layout: Layout,
    out: Option<&Path>,
    allow_dirty: bool,
) -> Result<Vec<BranchOutcome>, String> {
    if !compile::all_ok(results) {
        let failed: usize = results
            .iter()
            .map(|r| r.apps.iter().filter(|a| a.status == Status::Error).count())
            .sum();
        return Err(format!(
            "not writing branch {branch}: {failed} application(s) or ApplicationSets failed to render, and a partial tree would remove their manifests from the branch"
        ));
    }
    let repo = emit_git::open(&req.repo).map_err(|e| e.to_string())?;
    let rev = req.revision.as_deref().unwrap_or("HEAD");
    if req.revision.is_none() && !allow_dirty {
        let dirty =
            emit_git::work_tree_changes_in(&repo, &req.repo, out).map_err(|e| e.to_string())?;
        if !dirty.is_empty() {
            let shown: Vec<&str> = dirty.iter().take(5).map(String::as_str).collect();
            return Err(format!(
                "the work tree has uncommitted changes ({}{}): the rendered commit would name HEAD but hold something else; commit them, use --revision REV, or pass --allow-dirty",
                shown.join(", "),
                if dirty.len() > 5 { ", ..." } else { "" }
            ));
        }
    }
    let source = SourceCommit::read(&repo, rev).map_err(|e| e.to_string())?;
    let files = layout_files(results, layout).map_err(|e| e.to_string())?;
    let clusters: Vec<String> = results.iter().map(|r| r.facts.name.clone()).collect();
    let repo_url = dry_repo_url(config, results);
    let commands = vec![format!("kiln compile --layout {layout} --branch {branch}")];
    let wr = WriteRequest {
        branch,
        layout,
        files: &files,
        clusters: &clusters,
        source: &source,
        repo_url: &repo_url,
        commands: &commands,
    };
    let prepared = emit_git::prepare(&repo, &wr).map_err(|e| e.to_string())?;
    emit_git::apply(&repo, &prepared).map_err(|e| e.to_string())
}

/// One line per branch: `branch NAME: <commit> (new commit on <old> | created |
/// unchanged)`.
pub fn outcome_lines(outcomes: &[BranchOutcome]) -> String {
    let mut s = String::new();
    for o in outcomes {
        let how = match (&o.previous, o.moved) {
            (_, false) => "unchanged".to_string(),
            (None, true) => "created".to_string(),
            (Some(p), true) => format!("moved from {}", &p[..p.len().min(12)]),
        };
        s.push_str(&format!("branch {}: {} ({how})\n", o.branch, o.commit));
    }
    s
}

/// `kiln diff BASE [HEAD]`.
#[derive(Clone, Debug)]
pub struct DiffRequest {
    /// What to compile (its `revision` is ignored: BASE and HEAD are the revisions).
    pub target: CompileRequest,
    /// The base revision (or rendered commit, or rendered directory).
    pub base: String,
    /// The head revision; `None`: the work tree.
    pub head: Option<String>,
    /// The output format.
    pub format: diff::Format,
}

/// A side of `kiln diff`.
enum Side {
    /// Read as is: a rendered commit or a rendered directory.
    Read(ReadTree, String),
    /// To compile: a source revision, or the work tree (`None`).
    Source(Option<String>),
}

/// What a side names: a rendered commit (written by kiln: it has a `Kiln-Source`
/// trailer), a rendered directory (`./DIR`, `../DIR` or an absolute path), else a source
/// revision.
fn classify(target: &CompileRequest, rev: Option<&str>) -> Result<Side, String> {
    let Some(rev) = rev else {
        return Ok(Side::Source(None));
    };
    let p = Path::new(rev);
    if rev.starts_with("./") || rev.starts_with("../") || p.is_absolute() {
        let files = compare::read_dir_files(p).map_err(|e| e.to_string())?;
        return Ok(Side::Read(
            ReadTree {
                files,
                layout: None,
            },
            rev.to_string(),
        ));
    }
    if let Ok(repo) = emit_git::open(&target.repo) {
        match repo.revparse_single(rev).and_then(|o| o.peel_to_commit()) {
            Ok(c) => {
                let msg = String::from_utf8_lossy(c.message_bytes()).into_owned();
                if emit_git::trailer(&msg, emit_git::TRAILER_SOURCE).is_some() {
                    let t = compare::read_rendered_rev(&repo, rev).map_err(|e| e.to_string())?;
                    return Ok(Side::Read(t, format!("{rev} (rendered)")));
                }
            }
            // Not a commit: maybe the name of per-cluster branches NAME/<cluster>.
            Err(_) => {
                if let Ok(t) = compare::read_rendered_rev(&repo, rev) {
                    return Ok(Side::Read(t, format!("{rev} (rendered)")));
                }
            }
        }
    }
    Ok(Side::Source(Some(rev.to_string())))
}

/// Compiles a source side in `layout`.
fn compile_side(
    target: &CompileRequest,
    rev: Option<&str>,
    layout: Layout,
) -> Result<(Vec<RenderedFile>, String), String> {
    let mut req = target.clone();
    req.revision = rev.map(String::from);
    let (repo, plans, _) = compile::plan(&req).map_err(|e| e.to_string())?;
    let results = compile::compile(&repo, &plans);
    let which = rev.unwrap_or("the work tree");
    if !compile::all_ok(&results) {
        let failed: Vec<String> = results
            .iter()
            .flat_map(|r| {
                r.apps
                    .iter()
                    .filter(|a| a.status == Status::Error)
                    .map(move |a| format!("{}/{}", r.facts.name, a.dir))
            })
            .collect();
        eprintln!(
            "warning: {which}: {} application(s) failed to render and are missing from this side of the diff: {}",
            failed.len(),
            failed.join(", ")
        );
    }
    let files = layout_files(&results, layout).map_err(|e| e.to_string())?;
    Ok((files, rev.unwrap_or("work tree").to_string()))
}

/// Runs `kiln diff`: both sides as rendered sets, their [`diff::RenderedDiff`] rendered
/// in the requested format. Each side is a rendered commit (read as is), a rendered
/// directory (`./DIR`), or a source revision compiled straight from Git objects (no
/// checkout); HEAD `None` compiles the work tree. Source sides are compiled in the layout
/// of a rendered side (else `single`), and the `hydrator` metadata files are not
/// compared. Errors are messages for exit status 2.
pub fn run_diff(req: &DiffRequest) -> Result<(String, diff::RenderedDiff), String> {
    if req.target.revision.is_some() {
        return Err("kiln diff takes its revisions as BASE [HEAD], not --revision".into());
    }
    let base = classify(&req.target, Some(&req.base))?;
    let head = classify(&req.target, req.head.as_deref())?;
    let layout = [&base, &head]
        .iter()
        .find_map(|s| match s {
            Side::Read(t, _) => t.layout,
            Side::Source(_) => None,
        })
        .unwrap_or(Layout::Single);
    let resolve = |s: Side| -> Result<(Vec<RenderedFile>, String), String> {
        match s {
            Side::Read(t, label) => Ok((t.files, label)),
            Side::Source(rev) => compile_side(&req.target, rev.as_deref(), layout),
        }
    };
    let (base, base_label) = resolve(base)?;
    let (head, head_label) = resolve(head)?;
    let d = diff::diff_rendered(
        &compare::comparable(base, layout),
        &compare::comparable(head, layout),
        &base_label,
        &head_label,
    );
    let text = diff::render(&d, req.format).map_err(|e| e.to_string())?;
    Ok((text, d))
}
