//! `kiln template`: a drop-in for `helm template` on a local chart.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use kiln_helm::caps::Capabilities;
use kiln_helm::engine::RenderOptions;
use kiln_helm::strvals::ValueOptions;
use kiln_helm::template::TemplateOptions;
use kiln_helm::HelmError;

/// Resolved `kiln template` arguments.
#[derive(Debug, Clone, Default)]
pub struct TemplateRequest {
    pub chart: PathBuf,
    pub release: Option<String>,
    pub namespace: Option<String>,
    pub values: ValueOptions,
    pub kube_version: Option<String>,
    pub api_versions: Vec<String>,
    pub include_crds: bool,
    pub skip_schema_validation: bool,
    /// Print the engine's per-template output as JSON instead of the stream.
    pub json: bool,
}

/// What went wrong: the message to print (`kiln template` exits 2: a bad flag and a chart
/// that does not render are both usage or input errors).
pub struct Failure {
    pub message: String,
}

fn read_value_file(path: &str) -> Result<String, String> {
    if path == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s).map_err(|e| e.to_string())?;
        return Ok(s);
    }
    std::fs::read_to_string(path).map_err(|e| format!("open {path}: {e}"))
}

/// Renders the chart; returns the text to print on stdout.
pub fn run(req: &TemplateRequest) -> Result<String, Failure> {
    let chart = kiln_helm::loader::load(&req.chart).map_err(|e| Failure { message: e.message })?;
    let chart = Arc::new(chart);
    let values = req
        .values
        .merge_values(&read_value_file)
        .map_err(|m| Failure { message: m })?;
    let apis: Vec<String> = req
        .api_versions
        .iter()
        .flat_map(|a| a.split(','))
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    let capabilities =
        Capabilities::new(req.kube_version.as_deref(), &apis).map_err(|m| Failure {
            message: format!(
                "invalid kube version {:?}: {m}",
                req.kube_version.as_deref().unwrap_or("")
            ),
        })?;
    let render = RenderOptions {
        release_name: req.release.clone().unwrap_or_else(|| "release-name".into()),
        namespace: req.namespace.clone().unwrap_or_else(|| "default".into()),
        capabilities,
        skip_schema_validation: req.skip_schema_validation,
        ..Default::default()
    };
    let located = |e: HelmError| Failure {
        message: describe(&req.chart, &e),
    };
    if req.json {
        let rendered = kiln_helm::engine::render(&chart, &values, &render).map_err(located)?;
        let manifests: serde_json::Map<String, serde_json::Value> = rendered
            .into_iter()
            .map(|(k, v)| (k, serde_json::Value::String(v)))
            .collect();
        let doc = serde_json::json!({ "manifests": manifests });
        return Ok(format!("{doc}\n"));
    }
    let out = kiln_helm::template(
        &chart,
        &values,
        &TemplateOptions {
            render,
            include_crds: req.include_crds,
            ..Default::default()
        },
    )
    .map_err(located)?;
    Ok(out.stream)
}

/// Advice for common mistakes.
fn help(e: &HelmError) -> Option<String> {
    if e.kind == kiln_helm::ErrorKind::Parse && e.message.contains("undefined variable") {
        return Some(
            "if this `{{ }}` is meant for another template language (Prometheus alert templates, \
             Argo CD ApplicationSets), escape it: {{ `{{ $labels.x }}` }} or {{ \"{{\" }}"
                .into(),
        );
    }
    None
}

/// A short title for the kind of failure.
fn title(kind: kiln_helm::ErrorKind) -> &'static str {
    use kiln_helm::ErrorKind as K;
    match kind {
        K::Load => "the chart could not be loaded",
        K::Schema => "values do not match values.schema.json",
        K::Parse => "template syntax error",
        K::Exec => "template execution failed",
        K::Manifest => "a rendered document is not valid YAML",
        K::KubeVersion => "the chart does not support this Kubernetes version",
        K::Dependencies => "chart dependencies are missing",
        K::Options => "invalid options",
    }
}

/// Helm's message, plus the offending source line when the error points into a file of
/// the chart directory.
pub fn describe(chart_dir: &Path, e: &HelmError) -> String {
    let mut text = format!("Error: {}", e.message);
    if let (Some(file), Some(line)) = (&e.file, e.line) {
        // Template names start with the chart name; files live in the chart directory.
        let rel = file.split_once('/').map_or(file.as_str(), |(_, r)| r);
        let path = chart_dir.join(rel);
        let shown = format!("{}/{rel}", chart_dir.display());
        if let Some(report) =
            crate::diagnostic::render_at(title(e.kind), &path, &shown, line, e.col, "here", help(e))
        {
            text.push('\n');
            text.push_str(&report);
        }
    }
    text
}
