//! Health check rules (`PRB*`): liveness and readiness present and different, time for
//! model loading, probe ports that exist.

use kiln_gotmpl::Value;

use super::common::{
    diag, get, locate_equal_for, locate_scalar_for, number, same_value, scalar_string, scoped_apps,
    Hint, Place,
};
use super::workload::{is_inference, workloads, Container, Workload};
use crate::diagnostic::{Diagnostic, Severity};
use crate::input::{App, CheckInput};
use crate::rule::{Rule, RuleInfo};

/// PRB001: no liveness probe.
pub const PRB001: RuleInfo = RuleInfo {
    code: "PRB001",
    name: "liveness-probe-missing",
    default_severity: Severity::Warning,
    summary: "A serving container has a liveness probe",
    docs: r#"## What it does
Flags a container of a long-running workload that serves (declares ports or is an
inference container) but has no `livenessProbe`.

## Why does it matter?
Model servers hang: a stuck CUDA context, a deadlocked scheduler, a request that never
returns. Without a liveness probe the pod stays Running and Ready-less forever instead of
being restarted.

## How to fix it
Probe a cheap endpoint that does not run inference.

## Example
```yaml
livenessProbe:
  httpGet:
    path: /health
    port: http
  periodSeconds: 30
```
"#,
};

/// PRB002: no readiness probe.
pub const PRB002: RuleInfo = RuleInfo {
    code: "PRB002",
    name: "readiness-probe-missing",
    default_severity: Severity::Warning,
    summary: "A serving container has a readiness probe",
    docs: r#"## What it does
Flags a serving container (see PRB001) without a `readinessProbe`.

## Why does it matter?
Without readiness the Service sends requests to the pod as soon as the process starts,
long before the model is loaded: clients get connection errors or 503s for minutes after
every restart.

## How to fix it
Probe an endpoint that answers only once the model can serve.

## Example
```yaml
readinessProbe:
  httpGet:
    path: /ready
    port: http
  periodSeconds: 10
```
"#,
};

/// PRB003: liveness and readiness are the same check.
pub const PRB003: RuleInfo = RuleInfo {
    code: "PRB003",
    name: "liveness-equals-readiness",
    default_severity: Severity::Warning,
    summary: "Liveness and readiness probes check different things",
    docs: r#"## What it does
Flags a container whose liveness and readiness probes use the same handler (same
`httpGet` path and port, `tcpSocket`, `grpc` or `exec` command); timings are ignored.

## Why does it matter?
The checklist asks for readiness separate from liveness. Readiness answers "can it take
traffic now" (it fails while a model loads or the queue is full), liveness "is it
broken beyond repair". When both are the same check, a busy inference server that is
merely not ready is also killed, and its model loaded again.

## How to fix it
Point liveness at a process-level health endpoint and readiness at one that checks the
model or backend.

## Example
```yaml
livenessProbe:
  httpGet: {path: /health, port: 8000}
readinessProbe:
  httpGet: {path: /health, port: 8000}
```
Use instead:
```yaml
readinessProbe:
  httpGet: {path: /ready, port: 8000}
```
"#,
};

/// PRB004: no time for model loading.
pub const PRB004: RuleInfo = RuleInfo {
    code: "PRB004",
    name: "model-load-time-missing",
    default_severity: Severity::Warning,
    summary: "A model-loading container has a startup probe or a long liveness delay",
    docs: r#"## What it does
Flags an inference container (see RES004) with a liveness probe but neither a
`startupProbe` allowing at least the minimum load time (60 s by default,
`min_model_load_delay_seconds` in the rule settings; a startup probe allows
`initialDelaySeconds + periodSeconds × failureThreshold`) nor a liveness
`initialDelaySeconds` of at least that.

## Why does it matter?
Loading a model takes from seconds to many minutes (downloads, GPU warm-up). A liveness
probe that starts early kills the container in the middle of loading, and it loops in
CrashLoopBackOff without ever serving.

## How to fix it
Add a startup probe with a generous failure budget (preferred), or delay liveness.

## Example
```yaml
startupProbe:
  httpGet: {path: /health, port: http}
  periodSeconds: 10
  failureThreshold: 60     # up to 10 minutes
```
"#,
};

/// PRB005: a probe names a port the container does not have.
pub const PRB005: RuleInfo = RuleInfo {
    code: "PRB005",
    name: "probe-port-name-undefined",
    default_severity: Severity::Error,
    summary: "A probe's named port is declared by the container",
    docs: r#"## What it does
Flags a probe whose `httpGet`, `tcpSocket` or `grpc` port is a name that is not among
the container's `ports[].name`.

## Why does it matter?
The kubelet cannot resolve the port: the probe always fails, so the pod never becomes
ready (readiness) or is restarted forever (liveness).

## How to fix it
Name the container port, or use the same name in the probe.

## Example
```yaml
ports:
  - name: api
    containerPort: 8000
livenessProbe:
  httpGet: {path: /health, port: http}
```
"#,
};

/// PRB006: a probe uses a port number the container does not declare.
pub const PRB006: RuleInfo = RuleInfo {
    code: "PRB006",
    name: "probe-port-not-declared",
    default_severity: Severity::Warning,
    summary: "A probe's port number is one of the container's declared ports",
    docs: r#"## What it does
Flags a probe with a numeric port that is not a `containerPort` of a container that
declares ports.

## Why does it matter?
Kubernetes allows it, but it usually means the probe and the server disagree (the port
moved in values but the probe was hard-coded), and the probe fails.

## How to fix it
Probe the named port of the server (`port: http`), so both come from one place.

## Example
```yaml
ports:
  - name: http
    containerPort: {{ .Values.service.port }}
readinessProbe:
  httpGet: {path: /ready, port: 8080}
```
"#,
};

static INFOS: [RuleInfo; 6] = [PRB001, PRB002, PRB003, PRB004, PRB005, PRB006];

/// The health check rules.
pub struct ProbeRules;

impl Rule for ProbeRules {
    fn infos(&self) -> &'static [RuleInfo] {
        &INFOS
    }

    fn check(&self, input: &CheckInput, out: &mut Vec<Diagnostic>) {
        for app in scoped_apps(input) {
            for w in workloads(app) {
                // Operators (KubeRay) add their own probes to the pods they manage.
                if !w.long_running || w.managed {
                    continue;
                }
                for c in w.containers() {
                    check_container(input, app, &w, &c, out);
                }
            }
        }
    }
}

const HANDLERS: [&str; 4] = ["httpGet", "tcpSocket", "grpc", "exec"];

fn probe(c: &Container, kind: &str) -> Option<Value> {
    get(&c.value, &[kind]).filter(|v| v.as_map_ref().is_some_and(|m| !m.is_empty()))
}

fn handler(p: &Value) -> Option<(&'static str, Value)> {
    HANDLERS.iter().find_map(|h| get(p, &[h]).map(|v| (*h, v)))
}

fn check_container(
    input: &CheckInput,
    app: &App,
    w: &Workload<'_>,
    c: &Container,
    out: &mut Vec<Diagnostic>,
) {
    let obj = w.object;
    let hint = Hint::new(app, &[&c.name, &obj.name]);
    let inference = is_inference(w, c);
    let ports = c.ports();
    let serving = !ports.is_empty() || inference;
    let liveness = probe(c, "livenessProbe");
    let readiness = probe(c, "readinessProbe");
    let startup = probe(c, "startupProbe");
    if serving {
        for (kind, p, info) in [
            ("livenessProbe", &liveness, &PRB001),
            ("readinessProbe", &readiness, &PRB002),
        ] {
            if p.is_some() {
                continue;
            }
            let rendered = get(&c.value, &[kind]).unwrap_or(Value::Nil);
            let vpath = locate_equal_for(app, &hint, &[kind], &rendered);
            out.push(diag(
                info,
                app,
                Some(obj),
                format!(
                    "container `{}` of {} {} has no {kind}",
                    c.name, obj.kind, obj.name
                ),
                format!("add a {kind} on a cheap health endpoint"),
                Place::value_or_field(app, vpath.as_ref(), obj, &c.path),
            ));
        }
    }
    if let (Some(l), Some(r)) = (&liveness, &readiness) {
        if let (Some((hl, vl)), Some((hr, vr))) = (handler(l), handler(r)) {
            if hl == hr && same_value(&vl, &vr) {
                let vpath = locate_equal_for(app, &hint, &["readinessProbe"], r);
                out.push(diag(
                    &PRB003,
                    app,
                    Some(obj),
                    format!(
                        "container `{}` of {} {} uses the same {hl} check for liveness and readiness",
                        c.name, obj.kind, obj.name
                    ),
                    "make readiness check that the model can serve, and liveness only that the process is healthy",
                    Place::value_or_field(app, vpath.as_ref(), obj, &c.field(&["readinessProbe"])),
                ));
            }
        }
    }
    if inference {
        if let Some(l) = &liveness {
            let min = input.settings.min_model_load_delay_seconds as f64;
            let num =
                |p: &Value, k: &str, d: f64| get(p, &[k]).and_then(|v| number(&v)).unwrap_or(d);
            let startup_budget = startup.as_ref().map(|s| {
                num(s, "initialDelaySeconds", 0.0)
                    + num(s, "periodSeconds", 10.0) * num(s, "failureThreshold", 3.0)
            });
            let delay = num(l, "initialDelaySeconds", 0.0);
            if startup_budget.is_none_or(|b| b < min) && delay < min {
                let (field, vpath) = match (&startup, startup_budget) {
                    (Some(s), Some(_)) => (
                        c.field(&["startupProbe"]),
                        locate_equal_for(app, &hint, &["startupProbe"], s),
                    ),
                    _ => (
                        c.field(&["livenessProbe"]),
                        get(l, &["initialDelaySeconds"])
                            .and_then(|v| {
                                locate_scalar_for(
                                    app,
                                    &hint,
                                    &["livenessProbe", "initialDelaySeconds"],
                                    &v,
                                )
                            })
                            .or_else(|| locate_equal_for(app, &hint, &["livenessProbe"], l)),
                    ),
                };
                let msg = match startup_budget {
                    Some(b) => format!(
                        "inference container `{}` of {} {} gets {b}s from its startupProbe and {delay}s of liveness delay to load a model, less than {min}s",
                        c.name, obj.kind, obj.name
                    ),
                    None => format!(
                        "inference container `{}` of {} {} has no startupProbe and a liveness initialDelaySeconds of {delay}s, less than the {min}s a model takes to load",
                        c.name, obj.kind, obj.name
                    ),
                };
                out.push(diag(
                    &PRB004,
                    app,
                    Some(obj),
                    msg,
                    format!("add a startupProbe allowing at least {min}s (periodSeconds × failureThreshold)"),
                    Place::value_or_field(app, vpath.as_ref(), obj, &field),
                ));
            }
        }
    }
    // PRB005/PRB006: probe ports.
    let names: Vec<&str> = ports.iter().filter_map(|(n, _, _)| n.as_deref()).collect();
    let numbers: Vec<f64> = ports.iter().filter_map(|(_, p, _)| *p).collect();
    for (kind, p) in [
        ("livenessProbe", &liveness),
        ("readinessProbe", &readiness),
        ("startupProbe", &startup),
    ] {
        let Some(p) = p else { continue };
        let Some((h, hv)) = handler(p) else { continue };
        if h == "exec" {
            continue;
        }
        let Some(port) = get(&hv, &["port"]) else {
            continue;
        };
        let field = c.field(&[kind, h, "port"]);
        let vpath = locate_scalar_for(app, &hint, &[kind, h, "port"], &port)
            .or_else(|| locate_scalar_for(app, &hint, &[h, "port"], &port));
        match (&port, number(&port)) {
            (_, Some(n)) => {
                if !numbers.is_empty() && !numbers.iter().any(|x| (*x - n).abs() < 1e-9) {
                    out.push(diag(
                        &PRB006,
                        app,
                        Some(obj),
                        format!(
                            "the {kind} of container `{}` in {} {} probes port {n}, which the container does not declare (ports: {})",
                            c.name,
                            obj.kind,
                            obj.name,
                            numbers.iter().map(|x| format!("{x}")).collect::<Vec<_>>().join(", ")
                        ),
                        "probe a declared port, preferably by name",
                        Place::value_or_field(app, vpath.as_ref(), obj, &field),
                    ));
                }
            }
            (v, None) => {
                let name = scalar_string(v).unwrap_or_default();
                if !names.contains(&name.as_str()) {
                    out.push(diag(
                        &PRB005,
                        app,
                        Some(obj),
                        format!(
                            "the {kind} of container `{}` in {} {} probes port `{name}`, which the container does not define{}",
                            c.name,
                            obj.kind,
                            obj.name,
                            if names.is_empty() {
                                String::new()
                            } else {
                                format!(" (ports: {})", names.join(", "))
                            }
                        ),
                        "name the container port or use one of its names in the probe",
                        Place::value_or_field(app, vpath.as_ref(), obj, &field),
                    ));
                }
            }
        }
    }
}
