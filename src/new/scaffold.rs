//! The built-in scaffolds: chart templates written in minijinja (`scaffolds/` of the
//! repository, compiled into the binary) that `kiln new SCAFFOLD NAME` renders into a
//! Helm chart.
//!
//! The minijinja delimiters are `[[ ]]` (values), `[% %]` (blocks) and `[# #]`
//! (comments), so the Go `{{ }}` of the generated chart pass through untouched. Every
//! scaffold shares the templates of `scaffolds/chart/`; `scaffolds/<name>.toml` holds
//! its description, workload kind, GPU support, volume, secrets and `--set` parameters.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The metadata files of the built-in scaffolds, in `kiln new --list` order.
const SCAFFOLDS: &[(&str, &str)] = &[
    ("inference", include_str!("../../scaffolds/inference.toml")),
    ("gateway", include_str!("../../scaffolds/gateway.toml")),
    ("webui", include_str!("../../scaffolds/webui.toml")),
    (
        "training-job",
        include_str!("../../scaffolds/training-job.toml"),
    ),
    ("batch-job", include_str!("../../scaffolds/batch-job.toml")),
    ("cronjob", include_str!("../../scaffolds/cronjob.toml")),
];

/// The shared chart templates, by their path under `scaffolds/chart/`.
const TEMPLATES: &[(&str, &str)] = &[
    (
        "Chart.yaml.j2",
        include_str!("../../scaffolds/chart/Chart.yaml.j2"),
    ),
    (
        ".helmignore",
        include_str!("../../scaffolds/chart/.helmignore"),
    ),
    (
        "values.yaml.j2",
        include_str!("../../scaffolds/chart/values.yaml.j2"),
    ),
    (
        "values.schema.json.j2",
        include_str!("../../scaffolds/chart/values.schema.json.j2"),
    ),
    (
        "values-profile.yaml.j2",
        include_str!("../../scaffolds/chart/values-profile.yaml.j2"),
    ),
    (
        "README.md.j2",
        include_str!("../../scaffolds/chart/README.md.j2"),
    ),
    (
        "fragments/pod.yaml.j2",
        include_str!("../../scaffolds/chart/fragments/pod.yaml.j2"),
    ),
    (
        "fragments/prelude.j2",
        include_str!("../../scaffolds/chart/fragments/prelude.j2"),
    ),
    (
        "templates/_helpers.tpl.j2",
        include_str!("../../scaffolds/chart/templates/_helpers.tpl.j2"),
    ),
    (
        "templates/NOTES.txt.j2",
        include_str!("../../scaffolds/chart/templates/NOTES.txt.j2"),
    ),
    (
        "templates/deployment.yaml.j2",
        include_str!("../../scaffolds/chart/templates/deployment.yaml.j2"),
    ),
    (
        "templates/job.yaml.j2",
        include_str!("../../scaffolds/chart/templates/job.yaml.j2"),
    ),
    (
        "templates/cronjob.yaml.j2",
        include_str!("../../scaffolds/chart/templates/cronjob.yaml.j2"),
    ),
    (
        "templates/service.yaml.j2",
        include_str!("../../scaffolds/chart/templates/service.yaml.j2"),
    ),
    (
        "templates/route.yaml.j2",
        include_str!("../../scaffolds/chart/templates/route.yaml.j2"),
    ),
    (
        "templates/ingress.yaml.j2",
        include_str!("../../scaffolds/chart/templates/ingress.yaml.j2"),
    ),
    (
        "templates/gatus.yaml.j2",
        include_str!("../../scaffolds/chart/templates/gatus.yaml.j2"),
    ),
    (
        "templates/pvc.yaml.j2",
        include_str!("../../scaffolds/chart/templates/pvc.yaml.j2"),
    ),
    (
        "templates/externalsecret.yaml.j2",
        include_str!("../../scaffolds/chart/templates/externalsecret.yaml.j2"),
    ),
    (
        "templates/configmap.yaml.j2",
        include_str!("../../scaffolds/chart/templates/configmap.yaml.j2"),
    ),
];

/// The profiles every scaffold writes as `values-<profile>.yaml`.
pub const PROFILES: [&str; 3] = ["dev", "staging", "prod"];

/// One scaffold's metadata (`scaffolds/<name>.toml`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Scaffold {
    /// The scaffold's name (`inference`, ...), filled from the table, not the file.
    #[serde(default)]
    pub name: String,
    /// One line for `kiln new --list` and Chart.yaml.
    pub description: String,
    /// `deployment`, `job` or `cronjob`.
    pub workload: String,
    /// Whether the chart has a `gpu.enabled` switch.
    pub gpu: bool,
    /// Chart.yaml keywords.
    pub keywords: Vec<String>,
    /// The persistent volume, if any.
    pub volume: Option<Volume>,
    /// The keys of the ExternalSecret.
    #[serde(rename = "secret", default)]
    pub secrets: Vec<SecretKey>,
    /// The `--set` parameters.
    #[serde(rename = "param", default)]
    pub params: Vec<Param>,
}

/// The persistent volume of a scaffold.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Volume {
    /// Key under `persistence` and volume name.
    pub key: String,
    /// Where the container mounts it.
    pub mount_path: String,
    /// Comment of the values block.
    pub help: String,
    /// What it holds, for NOTES and README.
    pub what: String,
}

/// One key of the ExternalSecret.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SecretKey {
    /// Secret key (an environment variable of the container).
    pub key: String,
    /// Default remote key in the secret store.
    pub remote: String,
    /// What it is for.
    pub help: String,
}

/// One `--set` parameter of a scaffold.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Param {
    /// Name given to `--set`.
    pub name: String,
    /// The values key it sets (documentation).
    pub key: String,
    /// `string`, `bool`, `int`, `quantity`, `vendor` or `schedule`.
    pub kind: String,
    /// Default, as text.
    pub default: String,
    /// One line of help.
    pub help: String,
}

impl Param {
    /// Checks `value` against the parameter's kind; returns it normalised.
    pub fn validate(&self, value: &str) -> Result<String, String> {
        let bad = |what: &str| Err(format!("--set {}={value:?}: {what}", self.name));
        match self.kind.as_str() {
            "bool" => match value {
                "true" | "false" => Ok(value.to_string()),
                _ => bad("expected true or false"),
            },
            "int" => match value.parse::<u32>() {
                Ok(n) if n >= 1 && (self.name != "port" || n <= 65535) => Ok(n.to_string()),
                _ => bad(if self.name == "port" {
                    "expected a port number (1-65535)"
                } else {
                    "expected a positive integer"
                }),
            },
            "quantity" => {
                let re = regex::Regex::new(r"^[0-9]+(\.[0-9]+)?([KMGTPE]i?)?$")
                    .map_err(|e| e.to_string())?;
                if re.is_match(value) {
                    Ok(value.to_string())
                } else {
                    bad("expected a storage size such as 50Gi")
                }
            }
            "vendor" => match value {
                "nvidia" | "amd" | "intel" => Ok(value.to_string()),
                _ => bad("expected nvidia, amd or intel"),
            },
            "schedule" => {
                if value.split_whitespace().count() == 5 || value.starts_with('@') {
                    Ok(value.to_string())
                } else {
                    bad("expected a cron schedule of five fields, e.g. \"0 3 * * *\"")
                }
            }
            _ => {
                if value.is_empty() || value.chars().any(char::is_control) {
                    return bad("expected a non-empty single-line string");
                }
                if self.name == "tag" && is_moving_tag(value) {
                    return bad("pin the image to a version (moving tags fail POD004)");
                }
                Ok(value.to_string())
            }
        }
    }
}

/// Moving image tags (kiln's POD004 list).
fn is_moving_tag(tag: &str) -> bool {
    matches!(
        tag,
        "latest" | "main" | "master" | "nightly" | "edge" | "dev" | "develop" | "head"
    )
}

/// Every built-in scaffold, in `--list` order.
pub fn all() -> Vec<Scaffold> {
    SCAFFOLDS
        .iter()
        .filter_map(|(name, text)| {
            // The files are compiled in and covered by tests; a broken one is skipped.
            let mut s: Scaffold = toml::from_str(text).ok()?;
            s.name = (*name).to_string();
            Some(s)
        })
        .collect()
}

/// The scaffold called `name`.
pub fn find(name: &str) -> Option<Scaffold> {
    all().into_iter().find(|s| s.name == name)
}

/// What a scaffold is rendered with.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// The scaffold.
    pub scaffold: &'a Scaffold,
    /// The chart (and release) name.
    pub name: &'a str,
    /// The domain (`charts/<domain>/`).
    pub domain: &'a str,
    /// `--set` parameters, `NAME=VALUE`.
    pub sets: &'a [String],
}

/// Renders the chart's files: `(relative path, content)` in a fixed order.
pub fn render(req: &Request<'_>) -> Result<Vec<(String, String)>, String> {
    let s = req.scaffold;
    let mut params: BTreeMap<String, String> = s
        .params
        .iter()
        .map(|p| (p.name.clone(), p.default.clone()))
        .collect();
    let mut set_texts = Vec::new();
    for set in req.sets {
        let Some((k, v)) = set.split_once('=') else {
            return Err(format!("--set {set:?}: expected NAME=VALUE"));
        };
        let Some(p) = s.params.iter().find(|p| p.name == k) else {
            let names: Vec<&str> = s.params.iter().map(|p| p.name.as_str()).collect();
            return Err(format!(
                "--set {k}: scaffold {} has no parameter {k:?} (parameters: {})",
                s.name,
                names.join(", ")
            ));
        };
        params.insert(k.to_string(), p.validate(v)?);
        set_texts.push(format!("`{set}`"));
    }
    let env = environment()?;
    let container = match s.name.as_str() {
        "inference" => "server",
        "gateway" => "gateway",
        "webui" => "webui",
        "training-job" => "trainer",
        "batch-job" => "worker",
        _ => "job",
    };
    let base = minijinja::context! {
        name => req.name,
        scaffold => s.name.clone(),
        description => s.description.clone(),
        domain => req.domain,
        workload => s.workload.clone(),
        server => s.workload == "deployment",
        gpu => s.gpu,
        volume => minijinja::value::Serde(&s.volume),
        secrets => minijinja::value::Serde(&s.secrets),
        params => minijinja::value::Serde(&s.params),
        keywords => s.keywords.clone(),
        container => container,
        p => params,
        sets => set_texts,
    };
    let mut out = Vec::new();
    let mut file = |path: &str, template: &str, ctx: minijinja::Value| -> Result<(), String> {
        let t = env
            .get_template(template)
            .map_err(|e| format!("scaffold template {template}: {e}"))?;
        let text = t
            .render(ctx)
            .map_err(|e| format!("scaffold template {template}: {e:#}"))?;
        out.push((path.to_string(), tidy(&text)));
        Ok(())
    };
    file("Chart.yaml", "Chart.yaml.j2", base.clone())?;
    file(".helmignore", ".helmignore", base.clone())?;
    file("values.yaml", "values.yaml.j2", base.clone())?;
    file("values.schema.json", "values.schema.json.j2", base.clone())?;
    for profile in PROFILES {
        let ctx = minijinja::context! { profile => profile, ..base.clone() };
        file(
            &format!("values-{profile}.yaml"),
            "values-profile.yaml.j2",
            ctx,
        )?;
    }
    file("README.md", "README.md.j2", base.clone())?;
    file(
        "templates/_helpers.tpl",
        "templates/_helpers.tpl.j2",
        base.clone(),
    )?;
    file(
        "templates/NOTES.txt",
        "templates/NOTES.txt.j2",
        base.clone(),
    )?;
    let workload = format!("templates/{}.yaml", s.workload);
    file(&workload, &format!("{workload}.j2"), base.clone())?;
    let mut extra = Vec::new();
    if s.name == "gateway" {
        extra.push("configmap");
    }
    if s.workload == "deployment" {
        extra.extend(["service", "route", "ingress", "gatus"]);
    }
    if s.volume.is_some() {
        extra.push("pvc");
    }
    extra.push("externalsecret");
    for t in extra {
        let path = format!("templates/{t}.yaml");
        file(&path, &format!("{path}.j2"), base.clone())?;
    }
    Ok(out)
}

/// The minijinja environment with every scaffold template.
fn environment() -> Result<minijinja::Environment<'static>, String> {
    let mut env = minijinja::Environment::new();
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .block_delimiters("[%", "%]")
        .variable_delimiters("[[", "]]")
        .comment_delimiters("[#", "#]")
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .map_err(|e| e.to_string())?;
    env.set_syntax(syntax);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    // `q`: a YAML/JSON double-quoted string.
    env.add_filter("q", |v: String| {
        serde_json::to_string(&v).unwrap_or_else(|_| "\"\"".into())
    });
    for (name, text) in TEMPLATES {
        env.add_template(name, text)
            .map_err(|e| format!("scaffold template {name}: {e}"))?;
    }
    Ok(env)
}

/// Collapses runs of blank lines left by conditional blocks to one, drops blank
/// lines at the start, and ends the file with exactly one newline.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = true;
    for line in text.lines() {
        let is_blank = line.trim().is_empty();
        if is_blank && blank {
            continue;
        }
        blank = is_blank;
        out.push_str(if is_blank { "" } else { line });
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scaffold_parses_and_renders() {
        assert_eq!(all().len(), SCAFFOLDS.len());
        for s in all() {
            let files = render(&Request {
                scaffold: &s,
                name: "demo",
                domain: "ai",
                sets: &[],
            })
            .unwrap_or_else(|e| panic!("{}: {e}", s.name));
            assert!(files.iter().any(|(p, _)| p == "values-prod.yaml"));
        }
    }

    #[test]
    fn sets_are_validated() {
        let s = find("inference").unwrap();
        let r = |sets: &[String]| {
            render(&Request {
                scaffold: &s,
                name: "demo",
                domain: "ai",
                sets,
            })
        };
        assert!(r(&["gpu=maybe".into()]).is_err());
        assert!(r(&["tag=latest".into()]).is_err());
        assert!(r(&["nope=1".into()]).is_err());
        assert!(r(&["storageSize=ten".into()]).is_err());
        let files = r(&["gpuCount=2".into(), "model=x/y".into()]).unwrap();
        let values = &files.iter().find(|(p, _)| p == "values.yaml").unwrap().1;
        assert!(values.contains("count: 2\n") && values.contains("name: \"x/y\""));
    }
}
