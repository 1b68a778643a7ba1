//! Memory and CPU rules (`RES*`): requests and limits set and consistent, and enough
//! memory for inference.

use kiln_gotmpl::Value;

use super::common::{
    diag, get, locate_equal_for, locate_scalar_for, scoped_apps, FieldPath, Hint, Place, Seg,
};
use super::quantity::{format_bytes, quantity};
use super::workload::{is_inference, workloads, Container};
use crate::diagnostic::{Diagnostic, Severity};
use crate::input::{App, CheckInput, Object};
use crate::rule::{Rule, RuleInfo};

/// RES001: CPU or memory request missing.
pub const RES001: RuleInfo = RuleInfo {
    code: "RES001",
    name: "requests-missing",
    default_severity: Severity::Warning,
    summary: "Every container requests CPU and memory",
    docs: r#"## What it does
Flags a container (not an init container) of an AI app without `resources.requests.cpu`
or `resources.requests.memory`.

## Why does it matter?
Without requests the scheduler places the pod as if it needed nothing, and the pod is
in the `BestEffort` (or `Burstable`) QoS class: first to be evicted under memory
pressure. AI workloads are memory-intensive; the checklist asks that memory requests
reflect actual usage and CPU requests suit the inference workload.

## How to fix it
Set both requests in values; start conservative and adjust with VPA/Goldilocks.

## Example
```yaml
resources:
  requests:
    cpu: 2000m
    memory: 4Gi
  limits:
    memory: 16Gi
```
"#,
};

/// RES002: memory limit missing.
pub const RES002: RuleInfo = RuleInfo {
    code: "RES002",
    name: "memory-limit-missing",
    default_severity: Severity::Warning,
    summary: "Every container has a memory limit",
    docs: r#"## What it does
Flags a container without `resources.limits.memory`. (A CPU limit is not required:
the checklist's example sets only a memory limit, and CPU limits throttle inference.)

## Why does it matter?
Loading a larger model than planned makes an unbounded container grow until the node
runs out of memory, and the kernel then kills whatever it picks, often other pods. A
limit turns that into an OOMKill of this container, visible in its status.

## How to fix it
Set the limit high enough for the largest model (the checklist: "allow burst for
inference").

## Example
```yaml
resources:
  limits:
    memory: 16Gi
```
"#,
};

/// RES003: a limit below its request.
pub const RES003: RuleInfo = RuleInfo {
    code: "RES003",
    name: "limit-below-request",
    default_severity: Severity::Error,
    summary: "Resource limits are not below requests",
    docs: r#"## What it does
Flags a container whose limit of a resource (CPU, memory, ephemeral storage, ...) is
smaller than its request of the same resource.

## Why does it matter?
The API server rejects the pod ("must be less than or equal to ... limit"), so the
workload never starts. It usually happens when a cluster overrides a request in its
values without raising the chart's default limit.

## How to fix it
Raise the limit (or lower the request) in the same values file.

## Example
```yaml
resources:
  requests:
    memory: 8Gi
  limits:
    memory: 4Gi
```
"#,
};

/// RES004: too little memory for inference.
pub const RES004: RuleInfo = RuleInfo {
    code: "RES004",
    name: "inference-memory-too-low",
    default_severity: Severity::Warning,
    summary: "An inference container requests at least the minimum memory (4Gi by default)",
    docs: r#"## What it does
Flags an inference container whose memory request is below the minimum (4Gi, the
checklist's "minimum for small models"; `min_inference_memory_bytes` in the rule
settings). An inference container is a container of a long-running workload that asks
for a GPU or runs a known model server image (Ollama, vLLM, TGI, Triton, llama.cpp,
LocalAI, SGLang, LMDeploy).

## Why does it matter?
The weights of even a small model (1-3B parameters) take 2-4GB in memory, plus the KV
cache. With a smaller request the pod is scheduled on nodes that cannot hold the model
and is OOMKilled or evicted when the model loads.

## How to fix it
Request at least the model's memory footprint.

## Example
```yaml
resources:
  requests:
    memory: 1Gi
```
Use instead:
```yaml
resources:
  requests:
    memory: 4Gi
```
"#,
};

static INFOS: [RuleInfo; 4] = [RES001, RES002, RES003, RES004];

/// The memory and CPU rules.
pub struct ResourceRules;

impl Rule for ResourceRules {
    fn infos(&self) -> &'static [RuleInfo] {
        &INFOS
    }

    fn check(&self, input: &CheckInput, out: &mut Vec<Diagnostic>) {
        for app in scoped_apps(input) {
            for w in workloads(app) {
                for c in w.containers() {
                    check_container(input, app, w.object, &c, is_inference(&w, &c), out);
                }
            }
        }
    }
}

fn check_container(
    input: &CheckInput,
    app: &App,
    obj: &Object,
    c: &Container,
    inference: bool,
    out: &mut Vec<Diagnostic>,
) {
    let hint = Hint::new(app, &[&c.name, &obj.name]);
    let resources = get(&c.value, &["resources"]).unwrap_or(Value::Nil);
    let block = locate_equal_for(app, &hint, &["resources"], &resources);
    let res_field = if resources.is_nil() {
        c.path.clone()
    } else {
        c.field(&["resources"])
    };
    let missing: Vec<&str> = ["cpu", "memory"]
        .into_iter()
        .filter(|r| c.resource("requests", r).is_none())
        .collect();
    if !missing.is_empty() {
        out.push(diag(
            &RES001,
            app,
            Some(obj),
            format!(
                "container `{}` of {} {} has no {} request",
                c.name,
                obj.kind,
                obj.name,
                missing.join(" or ")
            ),
            format!(
                "set resources.requests.{} in values",
                missing.join(" and resources.requests.")
            ),
            Place::value_or_field(app, block.as_ref(), obj, &res_field),
        ));
    }
    if c.resource("limits", "memory").is_none() {
        out.push(diag(
            &RES002,
            app,
            Some(obj),
            format!(
                "container `{}` of {} {} has no memory limit",
                c.name, obj.kind, obj.name
            ),
            "set resources.limits.memory high enough for the largest model",
            Place::value_or_field(app, block.as_ref(), obj, &res_field),
        ));
    }
    for (name, lim_raw) in c.resources("limits") {
        // GPUs have their own rule (GPU001: requests must equal limits).
        if super::workload::gpu_vendor(&name).is_some() {
            continue;
        }
        let Some(lim) = quantity(&lim_raw) else {
            continue;
        };
        let Some((req, req_raw)) = c.resource("requests", &name) else {
            continue;
        };
        if lim + 1e-12 < req {
            let mut field: FieldPath = c.field(&["resources", "limits"]);
            field.push(Seg::Key(name.clone()));
            let vpath = locate_scalar_for(app, &hint, &["limits", &name], &lim_raw);
            out.push(diag(
                &RES003,
                app,
                Some(obj),
                format!(
                    "container `{}` of {} {} limits {name} to {} below its request of {}",
                    c.name,
                    obj.kind,
                    obj.name,
                    super::common::scalar_string(&lim_raw).unwrap_or_default(),
                    super::common::scalar_string(&req_raw).unwrap_or_default()
                ),
                format!("raise resources.limits.{name} to at least the request"),
                Place::value_or_field(app, vpath.as_ref(), obj, &field),
            ));
        }
    }
    if inference {
        let min = input.settings.min_inference_memory_bytes as f64;
        if let Some((mem, raw)) = c.resource("requests", "memory") {
            if mem + 0.5 < min {
                let field = c.field(&["resources", "requests", "memory"]);
                let vpath = locate_scalar_for(app, &hint, &["requests", "memory"], &raw);
                out.push(diag(
                    &RES004,
                    app,
                    Some(obj),
                    format!(
                        "inference container `{}` of {} {} requests {} of memory, below the {} minimum for models",
                        c.name,
                        obj.kind,
                        obj.name,
                        super::common::scalar_string(&raw).unwrap_or_default(),
                        format_bytes(min)
                    ),
                    format!("request at least {} (the model's footprint)", format_bytes(min)),
                    Place::value_or_field(app, vpath.as_ref(), obj, &field),
                ));
            }
        }
    }
}
