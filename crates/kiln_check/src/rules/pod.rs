//! Pod security rules (`POD*`): non-root, no privilege escalation, capabilities dropped,
//! not privileged, images pinned.

use kiln_gotmpl::Value;

use super::common::{
    diag, get, is_false, is_true, list_at, locate_equal_for, locate_scalar_for, number,
    scalar_string, scoped_apps, FieldPath, Hint, Place,
};
use super::workload::{image_repository, image_tag, workloads, Container, Workload};
use crate::diagnostic::{Diagnostic, Severity};
use crate::input::{App, CheckInput};
use crate::rule::{Rule, RuleInfo};

/// Image tags that move: they are not pins.
pub const FLOATING_TAGS: &[&str] = &[
    "latest", "main", "master", "nightly", "edge", "dev", "develop", "head",
];

/// POD001: the container may run as root.
pub const POD001: RuleInfo = RuleInfo {
    code: "POD001",
    name: "may-run-as-root",
    default_severity: Severity::Warning,
    summary: "Containers run as non-root",
    docs: r#"## What it does
Flags a container (init containers included) whose effective security context (the
container's, else the pod's) does not set `runAsNonRoot: true` and does not set a
non-zero `runAsUser`, or that sets `runAsUser: 0` or `runAsNonRoot: false`.

## Why does it matter?
Model servers parse untrusted input (prompts, uploaded documents, model files) with large
native code bases. As root, a compromise of the process owns the container and is one
kernel bug away from the node, and GPU nodes are the most valuable ones.

## How to fix it
Set `runAsNonRoot: true` (and a UID when the image defaults to root) in the pod and
container security contexts.

## Example
```yaml
securityContext:
  runAsNonRoot: true
  runAsUser: 1000
```
"#,
};

/// POD002: privilege escalation allowed.
pub const POD002: RuleInfo = RuleInfo {
    code: "POD002",
    name: "privilege-escalation-allowed",
    default_severity: Severity::Warning,
    summary: "Containers set allowPrivilegeEscalation: false",
    docs: r#"## What it does
Flags a container whose `securityContext.allowPrivilegeEscalation` is not `false`
(Kubernetes defaults it to `true`).

## Why does it matter?
A process can gain more privileges than its parent through setuid binaries or file
capabilities, undoing `runAsNonRoot`. The restricted Pod Security Standard requires
`false`.

## How to fix it
```yaml
securityContext:
  allowPrivilegeEscalation: false
```
"#,
};

/// POD003: capabilities not dropped.
pub const POD003: RuleInfo = RuleInfo {
    code: "POD003",
    name: "capabilities-not-dropped",
    default_severity: Severity::Warning,
    summary: "Containers drop all Linux capabilities",
    docs: r#"## What it does
Flags a container whose `securityContext.capabilities.drop` does not contain `ALL`.

## Why does it matter?
The default capability set (`NET_RAW`, `CHOWN`, `SETUID`, ...) is far more than an
inference server needs and widens what an attacker can do after a compromise. GPU access
goes through device files and needs no capabilities.

## How to fix it
```yaml
securityContext:
  capabilities:
    drop: [ALL]
```
"#,
};

/// POD004: image not pinned.
pub const POD004: RuleInfo = RuleInfo {
    code: "POD004",
    name: "image-not-pinned",
    default_severity: Severity::Error,
    summary: "Container images are pinned to a version tag or digest",
    docs: r#"## What it does
Flags a container image without a tag (and without a digest), or with a moving tag:
`latest`, `main`, `master`, `nightly`, `edge`, `dev`, `develop`, `head`.

## Why does it matter?
A moving tag makes the rendered manifests lie: the same Git commit runs different code on
every pull, rollbacks do not roll back, and a new model server release (new CUDA
requirements, changed API) lands unannounced on the next restart.

## How to fix it
Pin the tag in values (Renovate can keep it current), or pin by digest.

## Example
```yaml
image:
  repository: ollama/ollama
  tag: latest
```
Use instead:
```yaml
image:
  repository: ollama/ollama
  tag: "0.12.3"
```
"#,
};

/// POD005: privileged container.
pub const POD005: RuleInfo = RuleInfo {
    code: "POD005",
    name: "privileged-container",
    default_severity: Severity::Error,
    summary: "Containers are not privileged",
    docs: r#"## What it does
Flags a container with `securityContext.privileged: true`.

## Why does it matter?
A privileged container has every device and capability of the node: it is the node.
GPUs do not need it; the device plugin hands the container exactly the GPU devices it was
allocated.

## How to fix it
Remove `privileged`, request GPUs as resource limits, and drop capabilities.
"#,
};

static INFOS: [RuleInfo; 5] = [POD001, POD002, POD003, POD004, POD005];

/// The pod security rules.
pub struct PodRules;

impl Rule for PodRules {
    fn infos(&self) -> &'static [RuleInfo] {
        &INFOS
    }

    fn check(&self, input: &CheckInput, out: &mut Vec<Diagnostic>) {
        for app in scoped_apps(input) {
            for w in workloads(app) {
                for c in w.all_containers() {
                    check_container(app, &w, &c, out);
                }
            }
        }
    }
}

fn check_container(app: &App, w: &Workload<'_>, c: &Container, out: &mut Vec<Diagnostic>) {
    let obj = w.object;
    let hint = Hint::new(app, &[&c.name, &obj.name]);
    let csc = get(&c.value, &["securityContext"]).unwrap_or(Value::Nil);
    let psc = get(&w.pod, &["securityContext"]).unwrap_or(Value::Nil);
    let eff = |k: &str| get(&csc, &[k]).or_else(|| get(&psc, &[k]));
    let sc_field: FieldPath = if csc.is_nil() {
        c.path.clone()
    } else {
        c.field(&["securityContext"])
    };
    let sc_vpath = || locate_equal_for(app, &hint, &["securityContext"], &csc);
    let what = if c.init {
        "init container"
    } else {
        "container"
    };

    // POD001.
    let non_root = eff("runAsNonRoot");
    let uid = eff("runAsUser").and_then(|v| number(&v));
    let root = uid == Some(0.0)
        || is_false(non_root.as_ref())
        || (!is_true(non_root.as_ref()) && !uid.is_some_and(|u| u > 0.0));
    if root {
        let detail = if uid == Some(0.0) {
            "runs as UID 0"
        } else if is_false(non_root.as_ref()) {
            "sets runAsNonRoot: false"
        } else {
            "does not set runAsNonRoot: true or a non-root runAsUser"
        };
        out.push(diag(
            &POD001,
            app,
            Some(obj),
            format!("{what} `{}` of {} {} {detail}", c.name, obj.kind, obj.name),
            "set `runAsNonRoot: true` (and a non-zero runAsUser if the image defaults to root)",
            Place::value_or_field(app, sc_vpath().as_ref(), obj, &sc_field),
        ));
    }
    // POD005 / POD002.
    if is_true(get(&csc, &["privileged"]).as_ref()) {
        let vpath = locate_scalar_for(app, &hint, &["privileged"], &Value::Bool(true));
        out.push(diag(
            &POD005,
            app,
            Some(obj),
            format!(
                "{what} `{}` of {} {} is privileged",
                c.name, obj.kind, obj.name
            ),
            "remove `privileged: true`; GPUs are allocated by the device plugin without it",
            Place::value_or_field(
                app,
                vpath.as_ref(),
                obj,
                &c.field(&["securityContext", "privileged"]),
            ),
        ));
    }
    if !is_false(get(&csc, &["allowPrivilegeEscalation"]).as_ref()) {
        out.push(diag(
            &POD002,
            app,
            Some(obj),
            format!(
                "{what} `{}` of {} {} allows privilege escalation",
                c.name, obj.kind, obj.name
            ),
            "set `allowPrivilegeEscalation: false` in the container's securityContext",
            Place::value_or_field(app, sc_vpath().as_ref(), obj, &sc_field),
        ));
    }
    // POD003.
    let drops: Vec<String> = list_at(&csc, &["capabilities", "drop"])
        .iter()
        .filter_map(scalar_string)
        .collect();
    if !drops.iter().any(|d| d.eq_ignore_ascii_case("ALL")) {
        out.push(diag(
            &POD003,
            app,
            Some(obj),
            format!(
                "{what} `{}` of {} {} does not drop all capabilities",
                c.name, obj.kind, obj.name
            ),
            "set `capabilities: {drop: [ALL]}` in the container's securityContext",
            Place::value_or_field(app, sc_vpath().as_ref(), obj, &sc_field),
        ));
    }
    // POD004.
    let Some(image) = c.image() else { return };
    let (tag, digest) = image_tag(&image);
    if digest {
        return;
    }
    let field = c.field(&["image"]);
    match tag {
        Some(t) if !FLOATING_TAGS.contains(&t.to_ascii_lowercase().as_str()) && !t.is_empty() => {}
        Some(t) => {
            let vpath = locate_scalar_for(app, &hint, &["tag"], &Value::str(&t))
                .or_else(|| locate_scalar_for(app, &hint, &["image"], &Value::str(&image)));
            out.push(diag(
                &POD004,
                app,
                Some(obj),
                format!(
                    "{what} `{}` of {} {} uses the moving tag `{image}`",
                    c.name, obj.kind, obj.name
                ),
                "pin the image to a version tag (or a digest) in values",
                Place::value_or_field(app, vpath.as_ref(), obj, &field),
            ));
        }
        None => {
            let repo = image_repository(&image);
            let vpath = locate_scalar_for(app, &hint, &["image"], &Value::str(&image))
                .or_else(|| locate_scalar_for(app, &hint, &["repository"], &Value::str(&image)))
                .or_else(|| locate_scalar_for(app, &hint, &["repository"], &Value::str(&repo)));
            out.push(diag(
                &POD004,
                app,
                Some(obj),
                format!(
                    "{what} `{}` of {} {} uses `{image}` without a tag (pulls latest)",
                    c.name, obj.kind, obj.name
                ),
                "pin the image to a version tag (or a digest) in values",
                Place::value_or_field(app, vpath.as_ref(), obj, &field),
            ));
        }
    }
}
