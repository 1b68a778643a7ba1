//! `helm template`: dependency check, render, manifest sorting and the printed stream,
//! in the order Helm's install action does them.

use std::collections::BTreeMap;
use std::sync::Arc;

use kiln_gotmpl::{Map, SourceMap, Value};

use crate::chart::Chart;
use crate::deps::is_compatible_range;
use crate::engine::{prepare_values, process, render_view_mapped, RenderOptions};
use crate::error::{ErrorKind, HelmError};
use crate::manifest::{sort_manifests, template_stream, Manifest};
use crate::values::ChartView;

/// Options of `helm template` beyond the render options.
#[derive(Clone, Debug, Default)]
pub struct TemplateOptions {
    pub render: RenderOptions,
    /// Prepend the chart's (and subcharts') `crds/` files (`--include-crds`).
    pub include_crds: bool,
    /// Record [`TemplateOutput::source_maps`] (for diagnostics; slightly slower).
    pub source_maps: bool,
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
    /// When [`TemplateOptions::source_maps`]: for each template in `rendered`, offsets of
    /// its output → template lines ([`Manifest::offset`] locates a document in it).
    pub source_maps: BTreeMap<String, Arc<SourceMap>>,
    /// The coalesced values the templates saw (`.Values` of the top chart).
    pub values: Value,
}

/// Helm's `CheckDependencies`: every dependency declared in Chart.yaml must be present
/// under `charts/` (kiln, like Argo CD offline, never downloads them). As in `helm
/// template`, this runs on the loaded chart before dependency processing: requirements
/// are matched by their Chart.yaml `name` (not alias) against the subcharts' names, so a
/// disabled dependency must be present too. The message is the one `runInstall`
/// (`pkg/cmd/install.go`) wraps the error in.
pub fn check_dependencies(chart: &Chart) -> Result<(), HelmError> {
    let missing = missing_dependencies(chart);
    if missing.is_empty() {
        return Ok(());
    }
    Err(HelmError::new(
        ErrorKind::Dependencies,
        format!(
            "an error occurred while checking for chart dependencies. You may need to run 'helm dependency build' to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: {}",
            missing.join(", ")
        ),
    ))
}

/// The names of the dependencies declared in Chart.yaml that have no chart under
/// `charts/`, in declaration order (Helm's `CheckDependencies`, `pkg/action/dependency.go`).
/// Callers that need another wording of the error (Argo CD's bundled Helm v3 CLI) build
/// it from this list.
pub fn missing_dependencies(chart: &Chart) -> Vec<&str> {
    chart
        .metadata
        .dependencies
        .iter()
        .filter(|r| !chart.dependencies.iter().any(|d| d.name() == r.name))
        .map(|r| r.name.as_str())
        .collect()
}

/// Helm's `hasManifestExtension`: `.yaml`, `.yml` or `.json`, in any letter case
/// (`strings.EqualFold` on `filepath.Ext`).
fn has_manifest_extension(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    match base.rfind('.') {
        Some(i) => {
            let ext = &base[i..];
            [".yaml", ".yml", ".json"]
                .iter()
                .any(|e| ext.eq_ignore_ascii_case(e))
        }
        None => false,
    }
}

/// Helm's `Chart.CRDObjects` on the processed chart (`renderResources` in
/// `pkg/action/action.go` calls it after `ProcessDependencies`): the chart's own
/// `crds/` files in load order, then each *enabled* subchart's, in processed dependency
/// order, under their (alias) names (`ChartFullPath`).
fn collect_crds(view: &ChartView, full_path: &str, out: &mut Vec<(String, String)>) {
    for f in &view.chart.files {
        if f.name.starts_with("crds/") && has_manifest_extension(&f.name) {
            out.push((format!("{full_path}/{}", f.name), f.text()));
        }
    }
    for d in &view.dependencies {
        collect_crds(d, &format!("{full_path}/charts/{}", d.name), out);
    }
}

/// Renders `chart` like `helm template` with the user values (value files and `--set`
/// already merged).
pub fn template(
    chart: &Arc<Chart>,
    user_values: &Map,
    opts: &TemplateOptions,
) -> Result<TemplateOutput, HelmError> {
    // `runInstall` (`pkg/cmd/install.go`): `checkIfInstallable`, then
    // `CheckDependencies`, before the install action runs.
    if !matches!(chart.metadata.chart_type.as_str(), "" | "application") {
        return Err(HelmError::new(
            ErrorKind::Options,
            format!("{} charts are not installable", chart.metadata.chart_type),
        ));
    }
    check_dependencies(chart)?;
    // Helm's order: dependency processing and schema validation (install action), then
    // the kubeVersion check and rendering (`renderResources`).
    // The install action wraps dependency processing errors (`pkg/action/install.go`);
    // `engine::render` (Helm's engine alone) does not.
    let view = process(chart, user_values).map_err(|e| HelmError {
        message: format!("chart dependencies processing failed: {}", e.message),
        ..e
    })?;
    let (view, top) = prepare_values(view, user_values, &opts.render)?;
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
    let values = top.get("Values").cloned().unwrap_or(Value::Nil);
    let (rendered, source_maps) = render_view_mapped(&view, &top, opts.source_maps)?;
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
        collect_crds(&view, &view.name, &mut crds);
    }
    let stream = template_stream(&crds, &hooks, &manifests);
    Ok(TemplateOutput {
        rendered,
        crds,
        hooks,
        manifests,
        notes,
        stream,
        source_maps,
        values,
    })
}
