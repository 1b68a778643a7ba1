//! GPU rules (`GPU*`): GPU resources as limits, counts from values, NFD node selection,
//! and a CPU fallback that renders.

use std::collections::BTreeSet;

use kiln_gotmpl::{Map, Value};

use super::common::{
    diag, ends_with_keys, entries, find_values, get, items, list_at, number, scoped_apps, str_at,
    FieldPath, Place, Seg,
};
use super::quantity::quantity;
use super::workload::{gpu_field, gpu_vendor, path_mentions_gpu, workloads, Vendor, Workload};
use crate::diagnostic::{Diagnostic, Severity};
use crate::input::{App, CheckInput};
use crate::rule::{Rule, RuleInfo};

/// GPU001: a GPU resource in requests without an equal limit.
pub const GPU001: RuleInfo = RuleInfo {
    code: "GPU001",
    name: "gpu-request-without-equal-limit",
    default_severity: Severity::Error,
    summary: "GPU resources are set as limits; a GPU request needs an equal limit",
    docs: r#"## What it does
Flags a container that requests a GPU extended resource (`nvidia.com/gpu`, `amd.com/gpu`,
`gpu.intel.com/i915`, ...) in `resources.requests` without the same amount in
`resources.limits`.

## Why does it matter?
GPUs are extended resources: they cannot be overcommitted, so Kubernetes only accepts
them with `requests` equal to `limits`, and copies the limit to the request when only the
limit is set. A request alone, or a request that differs from the limit, is rejected by
the API server and the workload never starts.

## How to fix it
Set the GPU count as a limit only (the checklist's convention), from values.

## Example
```yaml
resources:
  requests:
    nvidia.com/gpu: 1   # rejected: no limit
```
Use instead:
```yaml
resources:
  limits:
    nvidia.com/gpu: 1
```
"#,
};

/// GPU002: the GPU count is not taken from values.
pub const GPU002: RuleInfo = RuleInfo {
    code: "GPU002",
    name: "gpu-count-not-from-values",
    default_severity: Severity::Warning,
    summary: "The GPU count of a container comes from values.yaml",
    docs: r#"## What it does
Flags a GPU limit whose count is written in a template: no values key that mentions GPUs
(`gpu.count`, `ollama.gpu.number`, `resources.limits.nvidia.com/gpu`, ...) holds the
rendered count.

## Why does it matter?
The checklist asks for "GPU limits configurable via values.yaml": clusters differ in how
many GPUs a node has (or whether it has any), and a count baked into a template can only
be changed by forking the chart.

## How to fix it
Read the count from values, and document the key in the README.

## Example
```yaml
# templates/deployment.yaml
limits:
  nvidia.com/gpu: 1
```
Use instead:
```yaml
# values.yaml
gpu:
  count: 1
# templates/deployment.yaml
limits:
  nvidia.com/gpu: {{ .Values.gpu.count }}
```
"#,
};

/// GPU003: a GPU pod does not select nodes by the vendor's NFD label.
pub const GPU003: RuleInfo = RuleInfo {
    code: "GPU003",
    name: "gpu-without-nfd-node-selector",
    default_severity: Severity::Warning,
    summary: "A GPU pod selects nodes with the vendor's Node Feature Discovery label",
    docs: r#"## What it does
Flags a pod that asks for GPUs but neither its `nodeSelector` nor a required node
affinity term selects the Node Feature Discovery label of the GPU vendor:
`feature.node.kubernetes.io/pci-10de.present` (NVIDIA), `pci-1002` (AMD) or `pci-8086`
(Intel). Equivalent labels are accepted: the PCI-class form (`pci-0300_10de.present`),
NVIDIA GPU Feature Discovery (`nvidia.com/gpu.*`), the AMD node labeller
(`amd.com/gpu.*`, `beta.amd.com/gpu.*`), Intel's GPU labels
(`intel.feature.node.kubernetes.io/gpu`, `gpu.intel.com/*`) and GKE's
`cloud.google.com/gke-accelerator`.

## Why does it matter?
The checklist asks for node selectors based on NFD labels. Without them the scheduler
only learns about GPUs from the device plugin: on clusters where the plugin is not yet
running the pod stays Pending without a useful reason, and on mixed clusters nothing
says which vendor's nodes the image was built for.

## How to fix it
Add the vendor's NFD label to the pod's `nodeSelector` whenever the GPU is enabled.

## Example
```yaml
nodeSelector:
  feature.node.kubernetes.io/pci-10de.present: "true"
```
"#,
};

/// GPU004: the node selector selects another vendor's GPUs.
pub const GPU004: RuleInfo = RuleInfo {
    code: "GPU004",
    name: "gpu-vendor-mismatch",
    default_severity: Severity::Error,
    summary: "The NFD node label of a GPU pod matches the vendor of the GPU resource",
    docs: r#"## What it does
Flags a pod whose node selection names the NFD label of one GPU vendor while its
containers ask for another vendor's resource, e.g. `amd.com/gpu` on nodes with
`feature.node.kubernetes.io/pci-10de.present` (NVIDIA).

## Why does it matter?
No node both has the selected label and advertises the requested resource, so the pod is
never scheduled.

## How to fix it
Derive the resource name and the node label from the same values key (`gpu.vendor`).

## Example
```yaml
resources:
  limits:
    amd.com/gpu: 1
nodeSelector:
  feature.node.kubernetes.io/pci-10de.present: "true"   # NVIDIA nodes
```
Use instead:
```yaml
nodeSelector:
  feature.node.kubernetes.io/pci-1002.present: "true"   # AMD nodes
```
"#,
};

/// GPU005: nothing in values turns the GPU off.
pub const GPU005: RuleInfo = RuleInfo {
    code: "GPU005",
    name: "gpu-without-cpu-fallback",
    default_severity: Severity::Warning,
    summary: "A chart that uses GPUs has a values switch for a CPU-only mode",
    docs: r#"## What it does
Flags an app whose containers ask for GPUs while its values have no switch that turns
the GPU off: no boolean `enabled` under a key mentioning `gpu` (`gpu.enabled`,
`ollama.gpu.enabled`) and no boolean named like a switch (`gpu`, `useGpu`, `enableGpu`,
`gpuEnabled`).

## Why does it matter?
The checklist asks for a fallback to CPU-only mode where applicable, and its testing
checklist starts with "test without GPU first". Without a switch the chart cannot run on
CPU-only clusters (lab clusters, CI) at all.

## How to fix it
Add `gpu.enabled` (default `false` or `true`, as fits the app) and render the GPU limit,
node selector and tolerations only when it is true.

## Example
```yaml
gpu:
  enabled: false
  vendor: nvidia
  count: 1
```
"#,
};

/// GPU006: the CPU fallback does not render or still asks for GPUs.
pub const GPU006: RuleInfo = RuleInfo {
    code: "GPU006",
    name: "cpu-fallback-broken",
    default_severity: Severity::Error,
    summary: "Turning the GPU switch off renders the workloads without GPUs",
    docs: r#"## What it does
Renders the app again with its GPU switch (`gpu.enabled` and the like) set to `false`,
and flags the switch when that render fails, still asks for GPUs, or drops a workload.
It also flags an app that asks for GPUs although its switch is already `false`.

## Why does it matter?
A CPU fallback that was never rendered tends not to work: a `required` value only set
for GPUs, a GPU limit written outside the `if`, or a Deployment that only exists in the
GPU branch. The first CPU-only cluster finds out at deploy time.

## How to fix it
Keep everything GPU-specific (limit, node selector, tolerations, runtime class, image
variant) inside `{{ if .Values.gpu.enabled }}`, and keep the workload itself outside.

## Example
```yaml
{{- if .Values.gpu.enabled }}
kind: Deployment      # the workload only exists with a GPU
{{- end }}
```
Use instead:
```yaml
kind: Deployment
...
          {{- if .Values.gpu.enabled }}
          limits:
            nvidia.com/gpu: {{ .Values.gpu.count }}
          {{- end }}
```
"#,
};

static INFOS: [RuleInfo; 6] = [GPU001, GPU002, GPU003, GPU004, GPU005, GPU006];

/// The GPU rules.
pub struct GpuRules;

impl Rule for GpuRules {
    fn infos(&self) -> &'static [RuleInfo] {
        &INFOS
    }

    fn check(&self, input: &CheckInput, out: &mut Vec<Diagnostic>) {
        for app in scoped_apps(input) {
            check_app(input, app, out);
        }
    }
}

fn check_app(input: &CheckInput, app: &App, out: &mut Vec<Diagnostic>) {
    let mut gpu_workloads: Vec<(String, String)> = Vec::new();
    let mut first_gpu_place: Option<(usize, FieldPath)> = None;
    let wls = workloads(app);
    for (wi, w) in wls.iter().enumerate() {
        let obj = w.object;
        let mut vendors: BTreeSet<&'static str> = BTreeSet::new();
        let mut vendor_list: Vec<Vendor> = Vec::new();
        for c in w.all_containers() {
            // GPU001: requests without an equal limit.
            for (name, v) in c.resources("requests") {
                if gpu_vendor(&name).is_none() {
                    continue;
                }
                let req = quantity(&v).unwrap_or(0.0);
                let mut field = c.field(&["resources", "requests"]);
                field.push(Seg::Key(name.clone()));
                let vpath = super::common::Hint::new(app, &[&c.name, &obj.name])
                    .pick(app, gpu_count_keys(app, &name, &v));
                match c.resource("limits", &name) {
                    None => out.push(diag(
                        &GPU001,
                        app,
                        Some(obj),
                        format!(
                            "container `{}` of {} {} requests {} `{name}` without a limit",
                            c.name, obj.kind, obj.name, fmt_count(req)
                        ),
                        format!("set `{name}` under resources.limits only; Kubernetes copies the limit to the request"),
                        Place::value_or_field(app, vpath.as_ref(), obj, &field),
                    )),
                    Some((lim, _)) if (lim - req).abs() > 1e-9 => out.push(diag(
                        &GPU001,
                        app,
                        Some(obj),
                        format!(
                            "container `{}` of {} {} requests {} `{name}` but its limit is {}",
                            c.name,
                            obj.kind,
                            obj.name,
                            fmt_count(req),
                            fmt_count(lim)
                        ),
                        format!("drop the `{name}` request or make it equal to the limit"),
                        Place::value_or_field(app, vpath.as_ref(), obj, &field),
                    )),
                    _ => {}
                }
            }
            let gpus = c.gpus();
            for g in &gpus {
                vendors.insert(g.vendor.label());
                if !vendor_list.contains(&g.vendor) {
                    vendor_list.push(g.vendor);
                }
                let field = gpu_field(&c, g);
                if first_gpu_place.is_none() {
                    first_gpu_place = Some((wi, field.clone()));
                }
                // GPU002: the count comes from values.
                if gpu_count_keys(app, &g.resource, &g.raw).is_empty() {
                    out.push(diag(
                        &GPU002,
                        app,
                        Some(obj),
                        format!(
                            "the `{}: {}` of container `{}` in {} {} is not taken from values",
                            g.resource,
                            fmt_count(g.count),
                            c.name,
                            obj.kind,
                            obj.name
                        ),
                        "read the GPU count from a values key such as `gpu.count`",
                        Place::field(obj, &field),
                    ));
                }
            }
            if !gpus.is_empty() {
                let key = (obj.kind.clone(), obj.name.clone());
                if !gpu_workloads.contains(&key) {
                    gpu_workloads.push(key);
                }
            }
        }
        if !vendor_list.is_empty() {
            check_node_selection(app, w, &vendor_list, out);
        }
    }
    if gpu_workloads.is_empty() {
        return;
    }
    check_fallback(input, app, &wls, &gpu_workloads, first_gpu_place, out);
}

fn fmt_count(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// The values keys that may hold a container's GPU count: a numeric key mentioning GPUs (or
/// named like the resource) whose value is the rendered count.
fn gpu_count_keys(app: &App, resource: &str, raw: &Value) -> Vec<FieldPath> {
    find_values(app, &mut |p, v| {
        if matches!(v, Value::Map(..) | Value::List(..) | Value::Bool(_)) || number(v).is_none() {
            return false;
        }
        let named = matches!(p.last(), Some(Seg::Key(k)) if k == resource);
        (named || path_mentions_gpu(p)) && super::common::same_scalar(v, raw)
    })
}

/// The GPU vendor a node label stands for, when it is an NFD PCI label or an equivalent.
pub fn label_vendor(key: &str) -> Option<Vendor> {
    if let Some(rest) = key.strip_prefix("feature.node.kubernetes.io/pci-") {
        let id = rest.split('.').next().unwrap_or("");
        let id = id.rsplit('_').next().unwrap_or(id);
        return Vendor::from_pci_id(&id.to_ascii_lowercase());
    }
    if key.starts_with("nvidia.com/gpu") || key == "cloud.google.com/gke-accelerator" {
        return Some(Vendor::Nvidia);
    }
    if key.starts_with("amd.com/gpu") || key.starts_with("beta.amd.com/gpu") {
        return Some(Vendor::Amd);
    }
    if key == "intel.feature.node.kubernetes.io/gpu" || key.starts_with("gpu.intel.com/") {
        return Some(Vendor::Intel);
    }
    None
}

/// Labels the pod requires of its node: the nodeSelector keys (unless `"false"`) and,
/// when every required node affinity term names a label (`In`/`Exists`), those labels.
fn required_labels(w: &Workload<'_>) -> (Vec<String>, Vec<Vec<String>>) {
    let selector: Vec<String> = get(&w.pod, &["nodeSelector"])
        .map(|m| entries(&m))
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, v)| super::common::scalar_string(v).is_none_or(|s| s != "false"))
        .map(|(k, _)| k)
        .collect();
    let terms = list_at(
        &w.pod,
        &[
            "affinity",
            "nodeAffinity",
            "requiredDuringSchedulingIgnoredDuringExecution",
            "nodeSelectorTerms",
        ],
    );
    let terms: Vec<Vec<String>> = terms
        .iter()
        .map(|t| {
            list_at(t, &["matchExpressions"])
                .iter()
                .filter(|e| {
                    matches!(
                        str_at(e, &["operator"]).as_deref(),
                        Some("In") | Some("Exists") | Some("Gt")
                    ) && !items(&get(e, &["values"]).unwrap_or(Value::Nil))
                        .iter()
                        .any(|v| super::common::scalar_string(v).as_deref() == Some("false"))
                })
                .filter_map(|e| str_at(e, &["key"]))
                .collect()
        })
        .collect();
    (selector, terms)
}

fn check_node_selection(
    app: &App,
    w: &Workload<'_>,
    vendors: &[Vendor],
    out: &mut Vec<Diagnostic>,
) {
    let obj = w.object;
    let (selector, terms) = required_labels(w);
    let selects = |v: Vendor| -> bool {
        selector.iter().any(|k| label_vendor(k) == Some(v))
            || (!terms.is_empty()
                && terms
                    .iter()
                    .all(|t| t.iter().any(|k| label_vendor(k) == Some(v))))
    };
    let other: Vec<String> = selector
        .iter()
        .chain(terms.iter().flatten())
        .filter(|k| label_vendor(k).is_some_and(|v| !vendors.contains(&v)))
        .cloned()
        .collect();
    let mut names: Vec<String> = vec![obj.name.clone()];
    names.extend(w.containers().into_iter().map(|c| c.name));
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let selector_vpath = super::common::Hint::new(app, &name_refs).pick(
        app,
        find_values(app, &mut |p, v| {
            ends_with_keys(p, &["nodeSelector"]) && matches!(v, Value::Map(..)) && {
                let rendered = get(&w.pod, &["nodeSelector"]).unwrap_or(Value::Nil);
                entries(v).iter().all(|(k, val)| {
                    get(&rendered, &[k]).is_some_and(|r| super::common::same_scalar(&r, val))
                })
            }
        }),
    );
    let field = if get(&w.pod, &["nodeSelector"]).is_some() {
        w.pod_field(&["nodeSelector"])
    } else {
        w.pod_path.clone()
    };
    for v in vendors {
        if selects(*v) {
            continue;
        }
        if let Some(label) = other.first() {
            out.push(diag(
                &GPU004,
                app,
                Some(obj),
                format!(
                    "{} {} asks for {} GPUs but selects nodes by `{label}`, a label of {} nodes",
                    obj.kind,
                    obj.name,
                    v.label(),
                    label_vendor(label).map_or("other", |x| x.label())
                ),
                format!("select `{}: \"true\"` instead", v.nfd_label()),
                Place::value_or_field(app, selector_vpath.as_ref(), obj, &field),
            ));
        } else {
            out.push(diag(
                &GPU003,
                app,
                Some(obj),
                format!(
                    "{} {} asks for {} GPUs but does not select nodes with `{}`",
                    obj.kind,
                    obj.name,
                    v.label(),
                    v.nfd_label()
                ),
                format!(
                    "add `{}: \"true\"` to the pod's nodeSelector",
                    v.nfd_label()
                ),
                Place::value_or_field(app, selector_vpath.as_ref(), obj, &field),
            ));
        }
    }
}

/// Boolean values keys that switch GPUs on or off: `enabled` directly under a key
/// mentioning `gpu` (`gpu.enabled`, `ollama.gpu.enabled`), or a key named like a switch
/// (`gpu`, `useGpu`, `enableGpu`, `gpuEnabled`).
pub fn gpu_switches(app: &App) -> Vec<(FieldPath, bool)> {
    let mut out = Vec::new();
    if let Some(values) = &app.values {
        super::common::walk_values(values, &mut |p, v| {
            let Value::Bool(b) = v else { return };
            let last = match p.last() {
                Some(Seg::Key(k)) => k.to_ascii_lowercase(),
                _ => return,
            };
            let parent_gpu = p.len() >= 2
                && matches!(&p[p.len() - 2], Seg::Key(k) if k.to_ascii_lowercase().contains("gpu"));
            let named = last == "gpu"
                || (last.contains("gpu")
                    && (last.starts_with("enable")
                        || last.starts_with("use")
                        || last.ends_with("enabled")
                        || last.ends_with("enable")));
            if named || (last == "enabled" && parent_gpu) {
                out.push((p.to_vec(), *b));
            }
        });
    }
    out
}

fn check_fallback(
    input: &CheckInput,
    app: &App,
    wls: &[Workload<'_>],
    gpu_workloads: &[(String, String)],
    first: Option<(usize, FieldPath)>,
    out: &mut Vec<Diagnostic>,
) {
    let switches = gpu_switches(app);
    let (first_obj, first_field) = match &first {
        Some((wi, f)) => (wls.get(*wi).map(|w| w.object), f.clone()),
        None => (None, Vec::new()),
    };
    let Some(first_obj) = first_obj else { return };
    if switches.is_empty() {
        out.push(diag(
            &GPU005,
            app,
            Some(first_obj),
            format!(
                "{} {} asks for GPUs and no values key turns them off for a CPU-only mode",
                first_obj.kind, first_obj.name
            ),
            "add a `gpu.enabled` switch and render GPU limits, node selectors and tolerations only when it is true",
            Place::field(first_obj, &first_field),
        ));
        return;
    }
    let on: Vec<&FieldPath> = switches
        .iter()
        .filter(|(_, b)| *b)
        .map(|(p, _)| p)
        .collect();
    if on.is_empty() {
        let (p, _) = &switches[0];
        out.push(diag(
            &GPU006,
            app,
            Some(first_obj),
            format!(
                "{} {} asks for GPUs although `{}` is false",
                first_obj.kind,
                first_obj.name,
                super::common::dotted(p)
            ),
            "render GPU resources only when the GPU switch is true",
            Place::value_or_field(app, Some(p), first_obj, &first_field),
        ));
        return;
    }
    let Some(rerender) = &input.rerender else {
        return;
    };
    // Overrides turning every switch that is on off (paths through lists cannot be
    // merged as values and are left alone).
    let usable: Vec<&FieldPath> = on
        .into_iter()
        .filter(|p| p.iter().all(|s| matches!(s, Seg::Key(_))))
        .collect();
    if usable.is_empty() {
        return;
    }
    let mut overrides = Map::new();
    for p in &usable {
        let keys: Vec<&str> = p
            .iter()
            .filter_map(|s| match s {
                Seg::Key(k) => Some(k.as_str()),
                Seg::Index(_) => None,
            })
            .collect();
        set_path(&mut overrides, &keys, Value::Bool(false));
    }
    let names = usable
        .iter()
        .map(|p| format!("{}=false", super::common::dotted(p)))
        .collect::<Vec<_>>()
        .join(", ");
    let place = || Place::value_or_field(app, Some(usable[0]), first_obj, &first_field);
    match rerender(app, &overrides) {
        Err(e) => {
            let e = e.lines().next().unwrap_or("").to_string();
            out.push(diag(
                &GPU006,
                app,
                Some(first_obj),
                format!("the CPU fallback does not render: with {names}: {e}"),
                "make the chart render with the GPU switch off",
                place(),
            ));
        }
        Ok(objects) => {
            let mut cpu_app = app.clone();
            cpu_app.objects = objects;
            let cpu_wls = workloads(&cpu_app);
            for w in &cpu_wls {
                for c in w.all_containers() {
                    if let Some(g) = c.gpus().first() {
                        out.push(diag(
                            &GPU006,
                            app,
                            Some(first_obj),
                            format!(
                                "with {names}, container `{}` of {} {} still asks for `{}`",
                                c.name, w.object.kind, w.object.name, g.resource
                            ),
                            "render GPU resources only when the GPU switch is true",
                            place(),
                        ));
                    }
                }
            }
            for (kind, name) in gpu_workloads {
                if !cpu_wls
                    .iter()
                    .any(|w| &w.object.kind == kind && &w.object.name == name)
                {
                    out.push(diag(
                        &GPU006,
                        app,
                        Some(first_obj),
                        format!("with {names}, {kind} {name} is not rendered at all"),
                        "keep the workload outside the GPU `if`; only its GPU settings depend on the switch",
                        place(),
                    ));
                }
            }
        }
    }
}

fn set_path(m: &mut Map, keys: &[&str], v: Value) {
    let Some((first, rest)) = keys.split_first() else {
        return;
    };
    if rest.is_empty() {
        m.insert((*first).into(), v);
        return;
    }
    let mut child = m
        .get(*first)
        .and_then(|c| c.as_map())
        .map(|c| (*c).clone())
        .unwrap_or_default();
    set_path(&mut child, rest, v);
    m.insert((*first).into(), Value::map(child));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(
            label_vendor("feature.node.kubernetes.io/pci-10de.present"),
            Some(Vendor::Nvidia)
        );
        assert_eq!(
            label_vendor("feature.node.kubernetes.io/pci-0300_1002.present"),
            Some(Vendor::Amd)
        );
        assert_eq!(
            label_vendor("feature.node.kubernetes.io/pci-8086.present"),
            Some(Vendor::Intel)
        );
        assert_eq!(label_vendor("nvidia.com/gpu.present"), Some(Vendor::Nvidia));
        assert_eq!(label_vendor("kubernetes.io/os"), None);
        assert_eq!(
            label_vendor("feature.node.kubernetes.io/pci-1234.present"),
            None
        );
    }
}
