//! `kiln new`: checklist-clean AI chart scaffolds ([`scaffold`]), charts from template
//! libraries ([`library`]), and the cluster role edit that deploys them ([`role`]).
//!
//! A chart is rendered into a staging directory next to its destination, rendered with
//! kiln's Helm engine (defaults, every profile, GPU on and off) and only then renamed
//! into place, so a failure leaves nothing behind. An existing directory is never
//! overwritten.

pub mod library;
pub mod role;
pub mod scaffold;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::template_cmd::{self, TemplateRequest};

/// The arguments of `kiln new`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct NewArgs {
    /// The scaffold (see --list), or with --from a template of the library.
    #[arg(value_name = "TEMPLATE")]
    pub template: Option<String>,
    /// The app name: chart directory charts/<domain>/NAME, release and namespace
    /// (a DNS-1123 label of at most 53 characters).
    #[arg(value_name = "NAME")]
    pub name: Option<String>,
    /// List the built-in scaffolds and their parameters.
    #[arg(long)]
    pub list: bool,
    /// A template library: a directory of single-file Go templates with a description
    /// comment on the first line. Without TEMPLATE, lists it.
    #[arg(long, value_name = "DIR")]
    pub from: Option<PathBuf>,
    /// The domain: the chart goes to charts/<domain>/NAME, and --cluster edits the
    /// ApplicationSet roles/<cluster>/templates/<domain>.yaml.
    #[arg(long, default_value = "ai")]
    pub domain: String,
    /// Deploy the app on this cluster: add it to the list generator of its role's
    /// ApplicationSet (repeatable).
    #[arg(long = "cluster", value_name = "CLUSTER")]
    pub clusters: Vec<String>,
    /// A scaffold parameter (see --list), or a .Values parameter of a library template:
    /// PARAM=VALUE (repeatable).
    #[arg(long = "set", value_name = "PARAM=VALUE")]
    pub set: Vec<String>,
    /// The monorepo root.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub repo: PathBuf,
    /// With --from: print the rendered manifest instead of writing a chart.
    #[arg(long)]
    pub print: bool,
}

/// Runs `kiln new`; prints to stdout/stderr and returns the exit status (0 done, 2 usage
/// or input errors, a generated chart that does not render among them).
pub fn run(args: &NewArgs) -> ExitCode {
    match run_inner(args) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(Failure { message }) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

/// An error (exit status 2).
#[derive(Debug)]
pub struct Failure {
    /// What went wrong.
    pub message: String,
}

fn usage(message: impl Into<String>) -> Failure {
    Failure {
        message: message.into(),
    }
}

/// Runs `kiln new` and returns what to print on stdout.
pub fn run_inner(args: &NewArgs) -> Result<String, Failure> {
    if let Some(dir) = &args.from {
        let Some(template) = &args.template else {
            return list_library(dir).map_err(usage);
        };
        let t = library::find(dir, template).map_err(usage)?;
        // Without NAME (only useful with --print): the template's file name as a label.
        let name = args.name.clone().unwrap_or_else(|| {
            let mut n: String =
                t.id.rsplit('/')
                    .next()
                    .unwrap_or("app")
                    .to_ascii_lowercase()
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                    .take(53)
                    .collect();
            while n.ends_with('-') {
                n.pop();
            }
            n
        });
        check_name(&name, "NAME")?;
        let files = library::chart_files(&t, &name, &args.set).map_err(usage)?;
        if args.print {
            let dir =
                std::env::temp_dir().join(format!("kiln-new-{}-{}", std::process::id(), name));
            let out = write_and_render(&dir, &files, &[vec![]]);
            let _ = std::fs::remove_dir_all(&dir);
            return out.map(|mut v| v.pop().unwrap_or_default());
        }
        let entry = role::AppEntry {
            name: name.clone(),
            expose: false,
            origin: format!("--from {}", t.id),
            volume: None,
            external_secret: false,
        };
        return create(args, &name, &files, &[vec![]], &entry);
    }
    if args.list || args.template.is_none() {
        return Ok(list_scaffolds());
    }
    let template = args.template.as_deref().unwrap_or_default();
    let Some(s) = scaffold::find(template) else {
        return Err(usage(format!(
            "unknown scaffold {template:?} (scaffolds: {}; `kiln new --list` describes them)",
            scaffold::all()
                .iter()
                .map(|s| s.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    };
    let Some(name) = args.name.as_deref() else {
        return Err(usage(format!(
            "missing NAME: kiln new {template} NAME (the app, chart and release name)"
        )));
    };
    if args.print {
        return Err(usage("--print is for --from templates"));
    }
    check_name(name, "NAME")?;
    check_name(&args.domain, "--domain")?;
    let files = scaffold::render(&scaffold::Request {
        scaffold: &s,
        name,
        domain: &args.domain,
        sets: &args.set,
    })
    .map_err(usage)?;
    // Checked renders: defaults, each profile, and the GPU switch flipped.
    let mut variants: Vec<Vec<String>> = vec![vec![]];
    for p in scaffold::PROFILES {
        variants.push(vec![format!("-fvalues-{p}.yaml")]);
    }
    if s.gpu {
        variants.push(vec!["gpu.enabled=true".into()]);
        variants.push(vec!["gpu.enabled=false".into()]);
    }
    let entry = role::AppEntry {
        name: name.to_string(),
        // Model servers usually have no authentication: published only through a
        // gateway (the scaffold's README says so), so not exposed by default.
        expose: s.workload == "deployment" && s.name != "inference",
        origin: s.name.clone(),
        volume: s.volume.as_ref().map(|v| v.key.clone()),
        external_secret: true,
    };
    create(args, name, &files, &variants, &entry)
}

/// A DNS-1123 label of at most 53 characters (Helm's release name limit).
pub fn check_name(name: &str, what: &str) -> Result<(), Failure> {
    let ok = !name.is_empty()
        && name.len() <= 53
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(usage(format!(
            "{what} {name:?} is not a DNS-1123 label: lowercase letters, digits and '-', \
             starting and ending with a letter or digit, at most 53 characters"
        )))
    }
}

/// Writes `files` into `dir` (which must not exist) and renders the chart once per
/// variant (each a list of `-fFILE` value files and `KEY=VALUE` sets).
fn write_and_render(
    dir: &Path,
    files: &[(String, String)],
    variants: &[Vec<String>],
) -> Result<Vec<String>, Failure> {
    let io = |e: std::io::Error, p: &Path| Failure {
        message: format!("cannot write {}: {e}", p.display()),
    };
    for (rel, text) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(e, parent))?;
        }
        std::fs::write(&path, text).map_err(|e| io(e, &path))?;
    }
    let mut out = Vec::new();
    for v in variants {
        let mut req = TemplateRequest {
            chart: dir.to_path_buf(),
            ..Default::default()
        };
        for a in v {
            match a.strip_prefix("-f") {
                Some(f) => req
                    .values
                    .value_files
                    .push(dir.join(f).display().to_string()),
                None => req.values.set.push(a.clone()),
            }
        }
        let rendered = template_cmd::run(&req).map_err(|f| Failure {
            message: format!(
                "the generated chart does not render ({}):\n{}",
                if v.is_empty() {
                    "defaults".to_string()
                } else {
                    v.join(" ")
                },
                f.message
            ),
        })?;
        out.push(rendered);
    }
    Ok(out)
}

/// Writes the chart to charts/<domain>/<name> (via a staging directory) and edits the
/// cluster roles.
fn create(
    args: &NewArgs,
    name: &str,
    files: &[(String, String)],
    variants: &[Vec<String>],
    entry: &role::AppEntry,
) -> Result<String, Failure> {
    check_name(&args.domain, "--domain")?;
    let parent = args.repo.join("charts").join(&args.domain);
    let dest = parent.join(name);
    let shown = format!("charts/{}/{name}", args.domain);
    if dest.exists() {
        return Err(usage(format!(
            "{shown} already exists; kiln new never overwrites"
        )));
    }
    for c in &args.clusters {
        check_name(c, "--cluster")?;
        let role = args.repo.join("roles").join(c);
        if !role.is_dir() {
            return Err(usage(format!(
                "--cluster {c}: no role directory roles/{c} in {}",
                args.repo.display()
            )));
        }
    }
    let staging = parent.join(format!(".{name}.kiln-new-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    if let Err(f) = write_and_render(&staging, files, variants) {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(f);
    }
    if let Err(e) = std::fs::rename(&staging, &dest) {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(usage(format!("cannot create {shown}: {e}")));
    }
    let mut out = format!("created {shown}/\n");
    for (rel, _) in files {
        out.push_str(&format!("  {rel}\n"));
    }
    for c in &args.clusters {
        let edit = role::plan(&args.repo, c, &args.domain, entry).map_err(usage)?;
        match edit {
            role::Edit::Edited { file, text, what } => {
                let tmp = file.with_extension("yaml.kiln-new");
                std::fs::write(&tmp, text)
                    .and_then(|()| std::fs::rename(&tmp, &file))
                    .map_err(|e| usage(format!("cannot write {}: {e}", file.display())))?;
                out.push_str(&format!("cluster {c}: added {name} to {what}\n"));
            }
            role::Edit::AlreadyListed(file) => {
                out.push_str(&format!(
                    "cluster {c}: {name} is already listed in {}; left as is\n",
                    rel_to(&file, &args.repo)
                ));
            }
            role::Edit::Manual {
                file,
                reason,
                snippet,
            } => {
                out.push_str(&format!(
                    "cluster {c}: not edited ({reason}).\nnote: add this to {} by hand:\n\n{snippet}\n",
                    rel_to(&file, &args.repo)
                ));
            }
        }
    }
    out.push_str(&format!(
        "\nnext: kiln template {name} {shown}   # render it\n      kiln check                    # the AI checklist\n"
    ));
    Ok(out)
}

fn rel_to(file: &Path, repo: &Path) -> String {
    file.strip_prefix(repo)
        .unwrap_or(file)
        .display()
        .to_string()
}

/// `kiln new --list`.
pub fn list_scaffolds() -> String {
    let mut out = String::from(
        "Built-in scaffolds (kiln new SCAFFOLD NAME [--set PARAM=VALUE]... [--cluster C]...):\n",
    );
    for s in scaffold::all() {
        out.push_str(&format!("\n  {:<13} {}\n", s.name, s.description));
        for p in &s.params {
            out.push_str(&format!(
                "      {:<12} {} (default {}; sets {})\n",
                p.name, p.help, p.default, p.key
            ));
        }
    }
    out
}

fn list_library(dir: &Path) -> Result<String, String> {
    let all = library::list(dir)?;
    if all.is_empty() {
        return Err(format!(
            "{}: no templates (.yaml files with a description comment on the first line)",
            dir.display()
        ));
    }
    let width = all.iter().map(|t| t.id.len()).max().unwrap_or(0);
    let mut out = format!(
        "Templates in {} (kiln new --from DIR TEMPLATE NAME [--set KEY=VALUE]...):\n",
        dir.display()
    );
    for t in &all {
        out.push_str(&format!("  {:<width$}  {}\n", t.id, t.description));
    }
    Ok(out)
}
