//! `helm template`: dependency check, render, manifest sorting and the printed stream,
//! in the order Helm's install action does them.

use std::collections::BTreeMap;
use std::sync::Arc;

use kiln_gotmpl::Map;

use crate::chart::Chart;
use crate::deps::is_compatible_range;
use crate::engine::{render, RenderOptions};
use crate::error::{ErrorKind, HelmError};
use crate::manifest::{sort_manifests, template_stream, Manifest};

/// Options of `helm template` beyond the render options.
#[derive(Clone, Debug, Default)]
pub struct TemplateOptions {
    pub render: RenderOptions,
    /// Prepend the chart's (and subcharts') `crds/` files (`--include-crds`).
    pub include_crds: bool,
}

/// What `helm template` produces.
#[derive(Clone, Debug, Default)]
pub struct TemplateOutput {
    /// Every executed template's raw output by name (NOTES.txt included, partials not).
    pub rendered: BTreeMap<String, String>,
    /// CRD files `(path, content)` when `include_crds`.
    pub crds: Vec<(String, String)>,
    /// Documents of hooks, sorted by kind.
    pub hooks: Vec<Manifest>,
    /// All other documents, sorted by kind.
    pub manifests: Vec<Manifest>,
    /// The rendered NOTES.txt of the top chart.
    pub notes: String,
    /// The text `helm template` prints.
    pub stream: String,
}

/// Helm's `CheckDependencies`: every dependency declared in Chart.yaml must be present
/// under `charts/` (kiln, like Argo CD offline, never downloads them).
pub fn check_dependencies(chart: &Chart) -> Result<(), HelmError> {
    let missing: Vec<&str> = chart
        .metadata
        .dependencies
        .iter()
        .filter(|r| !chart.dependencies.iter().any(|d| d.name() == r.name))
        .map(|r| r.name.as_str())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(HelmError::new(
        ErrorKind::Dependencies,
        format!(
            "An error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: {}",
            missing.join(", ")
        ),
    ))
}

fn collect_crds(chart: &Chart, full_path: &str, out: &mut Vec<(String, String)>) {
    for f in chart.crd_files() {
        out.push((format!("{full_path}/{}", f.name), f.text()));
    }
    for d in &chart.dependencies {
        collect_crds(d, &format!("{full_path}/charts/{}", d.name()), out);
    }
}

/// Renders `chart` like `helm template` with the user values (value files and `--set`
/// already merged).
pub fn template(
    chart: &Arc<Chart>,
    user_values: &Map,
    opts: &TemplateOptions,
) -> Result<TemplateOutput, HelmError> {
    check_dependencies(chart)?;
    let caps = &opts.render.capabilities;
    if !chart.metadata.kube_version.is_empty()
        && !is_compatible_range(&chart.metadata.kube_version, &caps.kube_version.normalized)
    {
        return Err(HelmError::new(
            ErrorKind::KubeVersion,
            format!(
                "chart requires kubeVersion: {} which is incompatible with Kubernetes {}",
                chart.metadata.kube_version, caps.kube_version.version
            ),
        ));
    }
    let rendered = render(chart, user_values, &opts.render)?;
    let top_notes = format!("{}/templates/NOTES.txt", chart.name());
    let mut notes = String::new();
    let mut files = BTreeMap::new();
    for (k, v) in &rendered {
        if k.ends_with("NOTES.txt") {
            if *k == top_notes {
                notes = v.clone();
            }
            continue;
        }
        files.insert(k.clone(), v.clone());
    }
    let (hooks, manifests) = sort_manifests(&files)?;
    let mut crds = Vec::new();
    if opts.include_crds {
        collect_crds(chart, chart.name(), &mut crds);
    }
    let stream = template_stream(&crds, &hooks, &manifests);
    Ok(TemplateOutput {
        rendered,
        crds,
        hooks,
        manifests,
        notes,
        stream,
    })
}
