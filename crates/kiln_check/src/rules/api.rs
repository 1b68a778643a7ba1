//! API endpoint rules (`API*`): Services expose the container ports, Routes and Ingresses
//! terminate TLS and point at Services that exist.

use std::collections::BTreeMap;

use kiln_gotmpl::Value;

use super::common::{
    best_path, cluster_apps, diag, ends_with_keys, find_values, get, is_false, list_at,
    locate_scalar, number, objects, scalar_string, scoped_apps, str_at, string_map, FieldPath,
    Place, Seg,
};
use super::workload::{workloads, Workload};
use crate::diagnostic::{Diagnostic, Severity};
use crate::input::{App, CheckInput, Object};
use crate::rule::{Rule, RuleInfo};

/// API001: a serving workload without a Service.
pub const API001: RuleInfo = RuleInfo {
    code: "API001",
    name: "workload-without-service",
    default_severity: Severity::Warning,
    summary: "A workload that declares container ports is selected by a Service",
    docs: r#"## What it does
Flags a long-running workload of an AI app whose containers declare ports while no
Service of the cluster (same namespace) selects its pods.

## Why does it matter?
AI apps are API-based services; without a Service the API is only reachable by pod IP,
which changes on every restart, and Routes, Ingresses and Gatus have nothing to point at.

## How to fix it
Render a Service whose selector matches the pod labels and whose `targetPort` is the
container's named port.

## Example
```yaml
kind: Service
spec:
  selector:
    app.kubernetes.io/name: ollama
  ports:
    - name: http
      port: 11434
      targetPort: http
```
"#,
};

/// API002: a Service target port the pods do not have.
pub const API002: RuleInfo = RuleInfo {
    code: "API002",
    name: "service-target-port-missing",
    default_severity: Severity::Error,
    summary: "A Service's targetPort is a port of the pods it selects",
    docs: r#"## What it does
Flags a Service port whose `targetPort` (or `port`, when no target is set) is a name no
selected container declares, or a number none of them declares as `containerPort`.

## Why does it matter?
The Service has no endpoints for that port: every request to the API fails with
"connection refused" or "no endpoints available", while the pods look healthy.

## How to fix it
Target the container's named port (`targetPort: http`), so port changes in values
follow automatically.

## Example
```yaml
# container
ports:
  - name: http
    containerPort: 8000
# Service
ports:
  - port: 80
    targetPort: 8080
```
"#,
};

/// API003: a Service that selects no pods.
pub const API003: RuleInfo = RuleInfo {
    code: "API003",
    name: "service-selects-nothing",
    default_severity: Severity::Warning,
    summary: "A Service's selector matches the pods of a workload",
    docs: r#"## What it does
Flags a Service of an AI app whose selector matches the pod labels of no workload
rendered in the cluster's namespace.

## Why does it matter?
A Service without endpoints: the API is down although every pod runs. Typical causes are
a renamed label helper or a `nameOverride` applied to the Deployment but not the Service.

## How to fix it
Use the same selector-labels helper in the Service and the pod template.

## Example
```yaml
selector:
  app: ollama                   # pods are labelled app.kubernetes.io/name: ollama
```
"#,
};

/// API004: a Route without TLS.
pub const API004: RuleInfo = RuleInfo {
    code: "API004",
    name: "route-without-tls",
    default_severity: Severity::Error,
    summary: "An OpenShift Route terminates TLS",
    docs: r#"## What it does
Flags a `route.openshift.io` Route without `spec.tls.termination`.

## Why does it matter?
The checklist requires an OpenShift Route with TLS for AI APIs: prompts, answers and
API keys would otherwise cross the network in clear text.

## How to fix it
Terminate TLS at the router (`edge`), or `reencrypt` when the app serves TLS itself.

## Example
```yaml
spec:
  tls:
    termination: edge
    insecureEdgeTerminationPolicy: Redirect
```
"#,
};

/// API005: a Route that also serves plain HTTP.
pub const API005: RuleInfo = RuleInfo {
    code: "API005",
    name: "route-allows-http",
    default_severity: Severity::Warning,
    summary: "A TLS Route redirects plain HTTP instead of serving it",
    docs: r#"## What it does
Flags a Route with `tls.insecureEdgeTerminationPolicy: Allow`.

## Why does it matter?
The API is served over TLS and in clear text at the same host; clients configured with
`http://` keep sending keys and prompts unencrypted without noticing.

## How to fix it
Use `Redirect` (or `None`).

## Example
```yaml
tls:
  termination: edge
  insecureEdgeTerminationPolicy: Redirect
```
"#,
};

/// API006: an Ingress host without TLS.
pub const API006: RuleInfo = RuleInfo {
    code: "API006",
    name: "ingress-without-tls",
    default_severity: Severity::Error,
    summary: "An Ingress terminates TLS for every host it serves",
    docs: r#"## What it does
Flags an Ingress without `spec.tls`, or with a rule host that no `spec.tls[].hosts`
entry covers (wildcards such as `*.example.com` count).

## Why does it matter?
As for Routes (API004): the AI API must only be published over TLS.

## How to fix it
List every host under `tls` with the Secret holding its certificate (for example issued
by cert-manager through an annotation).

## Example
```yaml
spec:
  tls:
    - hosts: [ollama.example.com]
      secretName: ollama-tls
  rules:
    - host: ollama.example.com
```
"#,
};

/// API007: a Route or Ingress backend that does not exist.
pub const API007: RuleInfo = RuleInfo {
    code: "API007",
    name: "backend-service-missing",
    default_severity: Severity::Error,
    summary: "Routes and Ingresses point at a rendered Service and one of its ports",
    docs: r#"## What it does
Flags a Route (`spec.to`, `spec.port.targetPort`) or an Ingress backend
(`service.name`, `service.port`) naming a Service that no app of the cluster renders in
the namespace, or a port that Service does not have.

## Why does it matter?
The router answers 503 "Application is not available" for the published host: the API
endpoint the README documents does not work.

## How to fix it
Use the Service's name helper and its port name in the Route or Ingress.

## Example
```yaml
to:
  kind: Service
  name: {{ include "app.fullname" . }}
port:
  targetPort: http
```
"#,
};

static INFOS: [RuleInfo; 7] = [API001, API002, API003, API004, API005, API006, API007];

/// The API endpoint rules.
pub struct ApiRules;

impl Rule for ApiRules {
    fn infos(&self) -> &'static [RuleInfo] {
        &INFOS
    }

    fn check(&self, input: &CheckInput, out: &mut Vec<Diagnostic>) {
        for app in scoped_apps(input) {
            check_app(input, app, out);
        }
    }
}

/// A Service of the cluster.
struct Svc<'a> {
    obj: &'a Object,
    selector: BTreeMap<String, String>,
    /// `(name, port, targetPort)`.
    ports: Vec<(Option<String>, Option<f64>, Option<Value>)>,
}

fn services<'a>(input: &'a CheckInput, app: &'a App) -> Vec<Svc<'a>> {
    let mut out = Vec::new();
    for a in cluster_apps(input, app) {
        for o in objects(a) {
            if o.kind != "Service" || o.api_version != "v1" {
                continue;
            }
            out.push(Svc {
                obj: o,
                selector: get(&o.value, &["spec", "selector"])
                    .map(|s| string_map(&s))
                    .unwrap_or_default(),
                ports: list_at(&o.value, &["spec", "ports"])
                    .iter()
                    .map(|p| {
                        (
                            str_at(p, &["name"]).filter(|s| !s.is_empty()),
                            get(p, &["port"]).and_then(|v| number(&v)),
                            get(p, &["targetPort"]),
                        )
                    })
                    .collect(),
            });
        }
    }
    out
}

fn selects(svc: &Svc<'_>, w: &Workload<'_>) -> bool {
    !svc.selector.is_empty()
        && svc.obj.namespace == w.object.namespace
        && svc.selector.iter().all(|(k, v)| w.labels.get(k) == Some(v))
}

fn check_app(input: &CheckInput, app: &App, out: &mut Vec<Diagnostic>) {
    let svcs = services(input, app);
    let cluster_wls: Vec<Workload<'_>> = cluster_apps(input, app)
        .into_iter()
        .flat_map(workloads)
        .collect();
    // API001.
    for w in workloads(app) {
        // Operators (KubeRay) create the Services of the pods they manage.
        if !w.long_running || w.managed {
            continue;
        }
        let containers = w.containers();
        let Some(c) = containers.iter().find(|c| !c.ports().is_empty()) else {
            continue;
        };
        if svcs.iter().any(|s| selects(s, &w)) {
            continue;
        }
        let vpath = best_path(
            app,
            find_values(app, &mut |p, v| {
                ends_with_keys(p, &["service", "enabled"]) && is_false(Some(v))
            }),
        );
        out.push(diag(
            &API001,
            app,
            Some(w.object),
            format!(
                "{} {} declares container ports but no Service selects its pods",
                w.object.kind, w.object.name
            ),
            "render a Service whose selector matches the pod labels",
            Place::value_or_field(app, vpath.as_ref(), w.object, &c.field(&["ports"])),
        ));
    }
    // API002, API003 for the app's own Services.
    for svc in svcs
        .iter()
        .filter(|s| app.objects.iter().any(|o| std::ptr::eq(o, s.obj)))
    {
        if svc.selector.is_empty() {
            continue;
        }
        let selected: Vec<&Workload<'_>> = cluster_wls.iter().filter(|w| selects(svc, w)).collect();
        // Labels an operator adds to the pods it creates (KubeRay's `ray.io/*`) are not
        // in the rendered templates.
        let operator_labels = svc.selector.keys().any(|k| k.starts_with("ray.io/"));
        if selected.is_empty() && operator_labels {
            continue;
        }
        if selected.is_empty() {
            out.push(diag(
                &API003,
                app,
                Some(svc.obj),
                format!(
                    "Service {} selects {} but no pod template in the namespace has these labels",
                    svc.obj.name,
                    svc.selector
                        .iter()
                        .map(|(k, v)| format!("{k}={v}"))
                        .collect::<Vec<_>>()
                        .join(",")
                ),
                "use the pods' selector labels in the Service",
                Place::field(svc.obj, &[Seg::key("spec"), Seg::key("selector")]),
            ));
            continue;
        }
        let mut names: Vec<String> = Vec::new();
        let mut numbers: Vec<f64> = Vec::new();
        let mut declares = false;
        for w in &selected {
            for c in w.containers() {
                for (n, p, _) in c.ports() {
                    declares = true;
                    names.extend(n);
                    numbers.extend(p);
                }
            }
        }
        for (pi, (pname, port, target)) in svc.ports.iter().enumerate() {
            let has_target = target.is_some();
            let target = target.clone().or_else(|| port.map(Value::Float));
            let Some(target) = target else { continue };
            let shown = scalar_string(&target).unwrap_or_default();
            let ok = match number(&target) {
                Some(n) => !declares || numbers.iter().any(|x| (*x - n).abs() < 1e-9),
                None => names.contains(&shown),
            };
            if ok {
                continue;
            }
            let field = vec![
                Seg::key("spec"),
                Seg::key("ports"),
                Seg::Index(pi),
                Seg::key(if has_target { "targetPort" } else { "port" }),
            ];
            let vpath = locate_scalar(app, &["targetPort"], &target);
            let wl = selected
                .iter()
                .map(|w| format!("{} {}", w.object.kind, w.object.name))
                .collect::<Vec<_>>()
                .join(", ");
            out.push(diag(
                &API002,
                app,
                Some(svc.obj),
                format!(
                    "Service {} port {} targets `{shown}`, which the containers of {wl} do not declare",
                    svc.obj.name,
                    pname.clone().unwrap_or_else(|| port.map(|p| format!("{p}")).unwrap_or_default())
                ),
                "target a port the container declares, by name",
                Place::value_or_field(app, vpath.as_ref(), svc.obj, &field),
            ));
        }
    }
    for o in objects(app) {
        if o.kind == "Route" && o.api_version.starts_with("route.openshift.io/") {
            check_route(app, o, &svcs, out);
        } else if o.kind == "Ingress"
            && (o.api_version.starts_with("networking.k8s.io/")
                || o.api_version.starts_with("extensions/"))
        {
            check_ingress(app, o, &svcs, out);
        }
    }
}

/// The values key of a Route's TLS settings: a `tls` key under a key mentioning
/// routes, equal to what was rendered; when values deleted it (`tls: null`), the `tls`
/// key written next to the `host` the Route was rendered with.
fn route_tls_vpath(app: &App, o: &Object, rendered: &Value) -> Option<FieldPath> {
    let mentions_route = |p: &[Seg]| {
        p.iter()
            .any(|s| matches!(s, Seg::Key(k) if k.to_ascii_lowercase().contains("route")))
    };
    let found = find_values(app, &mut |p, v| {
        ends_with_keys(p, &["tls"]) && mentions_route(p) && super::common::same_value(v, rendered)
    });
    if let Some(p) = best_path(app, found) {
        return Some(p);
    }
    let host = get(&o.value, &["spec", "host"])?;
    let blocks = find_values(app, &mut |p, v| {
        ends_with_keys(p, &["host"]) && mentions_route(p) && super::common::same_scalar(v, &host)
    });
    blocks.into_iter().find_map(|mut p| {
        p.pop();
        p.push(Seg::key("tls"));
        super::common::value_span(app, &p).map(|_| p)
    })
}

fn find_service<'a, 'b>(
    svcs: &'b [Svc<'a>],
    ns: &Option<String>,
    name: &str,
) -> Option<&'b Svc<'a>> {
    svcs.iter()
        .find(|s| s.obj.name == name && &s.obj.namespace == ns)
}

fn check_route(app: &App, o: &Object, svcs: &[Svc<'_>], out: &mut Vec<Diagnostic>) {
    let tls = get(&o.value, &["spec", "tls"]).unwrap_or(Value::Nil);
    let termination = str_at(&tls, &["termination"]).unwrap_or_default();
    if termination.is_empty() {
        let vpath = route_tls_vpath(app, o, &tls);
        let field = if tls.is_nil() {
            vec![Seg::key("spec")]
        } else {
            vec![Seg::key("spec"), Seg::key("tls")]
        };
        out.push(diag(
            &API004,
            app,
            Some(o),
            format!("Route {} does not terminate TLS (no spec.tls.termination)", o.name),
            "set `tls.termination: edge` (or `reencrypt`) with `insecureEdgeTerminationPolicy: Redirect`",
            Place::value_or_field(app, vpath.as_ref(), o, &field),
        ));
    } else if str_at(&tls, &["insecureEdgeTerminationPolicy"]).as_deref() == Some("Allow") {
        let v = Value::str("Allow");
        let vpath = locate_scalar(app, &["insecureEdgeTerminationPolicy"], &v);
        out.push(diag(
            &API005,
            app,
            Some(o),
            format!(
                "Route {} serves plain HTTP next to TLS (insecureEdgeTerminationPolicy: Allow)",
                o.name
            ),
            "use `insecureEdgeTerminationPolicy: Redirect`",
            Place::value_or_field(
                app,
                vpath.as_ref(),
                o,
                &[
                    Seg::key("spec"),
                    Seg::key("tls"),
                    Seg::key("insecureEdgeTerminationPolicy"),
                ],
            ),
        ));
    }
    // API007: the target Service and port.
    let kind = str_at(&o.value, &["spec", "to", "kind"]).unwrap_or_else(|| "Service".into());
    let Some(name) = str_at(&o.value, &["spec", "to", "name"]) else {
        return;
    };
    if kind != "Service" {
        return;
    }
    let Some(svc) = find_service(svcs, &o.namespace, &name) else {
        out.push(diag(
            &API007,
            app,
            Some(o),
            format!(
                "Route {} points at Service {name}, which is not rendered in its namespace",
                o.name
            ),
            "point the Route at the app's Service",
            Place::field(o, &[Seg::key("spec"), Seg::key("to"), Seg::key("name")]),
        ));
        return;
    };
    if let Some(tp) = get(&o.value, &["spec", "port", "targetPort"]) {
        let shown = scalar_string(&tp).unwrap_or_default();
        let ok = match number(&tp) {
            Some(n) => svc.ports.iter().any(|(_, port, target)| {
                target
                    .as_ref()
                    .and_then(number)
                    .or(*port)
                    .is_some_and(|x| (x - n).abs() < 1e-9)
            }),
            None => svc
                .ports
                .iter()
                .any(|(pn, _, _)| pn.as_deref() == Some(shown.as_str())),
        };
        if !ok {
            out.push(diag(
                &API007,
                app,
                Some(o),
                format!(
                    "Route {} targets port `{shown}`, which Service {name} does not have",
                    o.name
                ),
                "use the name of a Service port",
                Place::field(
                    o,
                    &[Seg::key("spec"), Seg::key("port"), Seg::key("targetPort")],
                ),
            ));
        }
    }
}

fn host_covered(host: &str, tls_hosts: &[String]) -> bool {
    tls_hosts.iter().any(|h| {
        h == host
            || h.strip_prefix("*.")
                .is_some_and(|d| host.split_once('.').is_some_and(|(_, rest)| rest == d))
    })
}

fn check_ingress(app: &App, o: &Object, svcs: &[Svc<'_>], out: &mut Vec<Diagnostic>) {
    let tls = list_at(&o.value, &["spec", "tls"]);
    let tls_hosts: Vec<String> = tls
        .iter()
        .flat_map(|t| list_at(t, &["hosts"]))
        .filter_map(|h| scalar_string(&h))
        .collect();
    let rules = list_at(&o.value, &["spec", "rules"]);
    if tls.is_empty() {
        let rendered = get(&o.value, &["spec", "tls"]).unwrap_or(Value::Nil);
        let vpath = best_path(
            app,
            find_values(app, &mut |p, v| {
                ends_with_keys(p, &["tls"])
                    && p.iter().any(
                        |s| matches!(s, Seg::Key(k) if k.to_ascii_lowercase().contains("ingress")),
                    )
                    && (super::common::same_value(v, &rendered) || is_false(Some(v)))
            }),
        );
        out.push(diag(
            &API006,
            app,
            Some(o),
            format!("Ingress {} does not terminate TLS (no spec.tls)", o.name),
            "list the hosts under spec.tls with the Secret of their certificate",
            Place::value_or_field(app, vpath.as_ref(), o, &[Seg::key("spec")]),
        ));
    } else {
        for (ri, r) in rules.iter().enumerate() {
            let Some(host) = str_at(r, &["host"]).filter(|h| !h.is_empty()) else {
                continue;
            };
            if host_covered(&host, &tls_hosts) {
                continue;
            }
            out.push(diag(
                &API006,
                app,
                Some(o),
                format!(
                    "Ingress {} serves `{host}` without TLS (not in spec.tls hosts)",
                    o.name
                ),
                "add the host to spec.tls[].hosts",
                Place::field(
                    o,
                    &[
                        Seg::key("spec"),
                        Seg::key("rules"),
                        Seg::Index(ri),
                        Seg::key("host"),
                    ],
                ),
            ));
        }
    }
    // API007: backends.
    let mut backends: Vec<(FieldPath, Value)> = Vec::new();
    if let Some(b) =
        get(&o.value, &["spec", "defaultBackend"]).or_else(|| get(&o.value, &["spec", "backend"]))
    {
        backends.push((vec![Seg::key("spec"), Seg::key("defaultBackend")], b));
    }
    for (ri, r) in rules.iter().enumerate() {
        for (pi, p) in list_at(r, &["http", "paths"]).iter().enumerate() {
            if let Some(b) = get(p, &["backend"]) {
                backends.push((
                    vec![
                        Seg::key("spec"),
                        Seg::key("rules"),
                        Seg::Index(ri),
                        Seg::key("http"),
                        Seg::key("paths"),
                        Seg::Index(pi),
                        Seg::key("backend"),
                    ],
                    b,
                ));
            }
        }
    }
    for (path, b) in backends {
        let (name, port) = match str_at(&b, &["service", "name"]) {
            Some(n) => (
                n,
                get(&b, &["service", "port", "name"])
                    .or_else(|| get(&b, &["service", "port", "number"])),
            ),
            None => match str_at(&b, &["serviceName"]) {
                Some(n) => (n, get(&b, &["servicePort"])),
                None => continue,
            },
        };
        let Some(svc) = find_service(svcs, &o.namespace, &name) else {
            out.push(diag(
                &API007,
                app,
                Some(o),
                format!(
                    "Ingress {} routes to Service {name}, which is not rendered in its namespace",
                    o.name
                ),
                "route to the app's Service",
                Place::field(o, &path),
            ));
            continue;
        };
        let Some(port) = port else { continue };
        let shown = scalar_string(&port).unwrap_or_default();
        let ok = match number(&port) {
            Some(n) => svc
                .ports
                .iter()
                .any(|(_, p, _)| p.is_some_and(|x| (x - n).abs() < 1e-9)),
            None => svc
                .ports
                .iter()
                .any(|(pn, _, _)| pn.as_deref() == Some(shown.as_str())),
        };
        if !ok {
            out.push(diag(
                &API007,
                app,
                Some(o),
                format!(
                    "Ingress {} routes to port `{shown}` of Service {name}, which has no such port",
                    o.name
                ),
                "use the name or number of a Service port",
                Place::field(o, &path),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::host_covered;

    #[test]
    fn wildcard_hosts() {
        let tls = vec!["*.example.com".to_string(), "a.b.org".to_string()];
        assert!(host_covered("x.example.com", &tls));
        assert!(!host_covered("x.y.example.com", &tls));
        assert!(host_covered("a.b.org", &tls));
        assert!(!host_covered("example.com", &tls));
    }
}
