//! Gatus monitoring rules (`GAT*`): an endpoint per published app, with a status
//! condition, a realistic response-time threshold and the app's URL.

use kiln_gotmpl::Value;

use super::common::{
    best_path, diag, ends_with_keys, entries, find_values, get, is_false, is_true, items, list_at,
    locate_scalar, objects, scalar_string, scoped_apps, str_at, FieldPath, Place, Seg,
};
use crate::diagnostic::{Diagnostic, Severity};
use crate::input::{App, CheckInput, Object};
use crate::rule::{Rule, RuleInfo};

/// GAT001: no Gatus endpoint.
pub const GAT001: RuleInfo = RuleInfo {
    code: "GAT001",
    name: "gatus-endpoint-missing",
    default_severity: Severity::Warning,
    summary: "An AI app that serves an API defines a Gatus endpoint",
    docs: r#"## What it does
Flags an AI app that renders a Service, Route or Ingress but defines no Gatus endpoint:
no ConfigMap labelled `gatus.io/enabled: "true"` with `endpoints` (what Gatus' ConfigMap
sidecar loads), and no enabled `gatus` values block.

## Why does it matter?
The checklist asks for Gatus monitoring enabled by default. Without it nobody notices that
a model server stopped answering until a user complains.

## How to fix it
Render a ConfigMap with the endpoint from a `gatus` values block, enabled by default.

## Example
```yaml
gatus:
  enabled: true
  interval: 5m
  conditions:
    - "[STATUS] == 200"
    - "[RESPONSE_TIME] < 5000"
```
"#,
};

/// GAT002: no status condition.
pub const GAT002: RuleInfo = RuleInfo {
    code: "GAT002",
    name: "gatus-status-condition-missing",
    default_severity: Severity::Warning,
    summary: "A Gatus HTTP endpoint checks the response status",
    docs: r#"## What it does
Flags a Gatus endpoint with an HTTP(S) URL whose conditions do not test `[STATUS]`.

## Why does it matter?
Without a status condition an endpoint answering 500 or 503 (a model that failed to
load, a backend that is down) is reported healthy.

## How to fix it
Add `"[STATUS] == 200"`.

## Example
```yaml
conditions:
  - "[RESPONSE_TIME] < 5000"
```
Use instead:
```yaml
conditions:
  - "[STATUS] == 200"
  - "[RESPONSE_TIME] < 5000"
```
"#,
};

/// GAT003: no response time threshold.
pub const GAT003: RuleInfo = RuleInfo {
    code: "GAT003",
    name: "gatus-response-time-missing",
    default_severity: Severity::Warning,
    summary: "A Gatus endpoint has a response-time threshold",
    docs: r#"## What it does
Flags a Gatus endpoint without a `[RESPONSE_TIME] < N` condition.

## Why does it matter?
The checklist asks for a realistic response-time threshold: an inference server that
takes a minute to answer a health check is as broken for users as one that is down, and
without a threshold Gatus only catches outright failures.

## How to fix it
Add a threshold realistic for the endpoint (AI inference can be slow; health endpoints
should not be).

## Example
```yaml
conditions:
  - "[STATUS] == 200"
  - "[RESPONSE_TIME] < 5000"
```
"#,
};

/// GAT004: an unrealistic response time threshold.
pub const GAT004: RuleInfo = RuleInfo {
    code: "GAT004",
    name: "gatus-response-time-too-high",
    default_severity: Severity::Warning,
    summary: "A Gatus response-time threshold is at most the configured maximum (30 s)",
    docs: r#"## What it does
Flags a `[RESPONSE_TIME] < N` (or `<=`) condition whose threshold is above the maximum
(30000 ms by default, `max_response_time_ms` in the rule settings).

## Why does it matter?
A threshold that high never fires before clients give up (HTTP routers time out after
30 s by default), so the condition checks nothing.

## How to fix it
Monitor a health endpoint that answers quickly, with a threshold of a few seconds.

## Example
```yaml
conditions:
  - "[RESPONSE_TIME] < 120000"
```
Use instead:
```yaml
conditions:
  - "[RESPONSE_TIME] < 5000"
```
"#,
};

/// GAT005: the endpoint URL is not the app's host.
pub const GAT005: RuleInfo = RuleInfo {
    code: "GAT005",
    name: "gatus-url-mismatch",
    default_severity: Severity::Warning,
    summary: "A Gatus endpoint's URL is the app's Route/Ingress host (or its Service)",
    docs: r#"## What it does
Compares the host of each Gatus endpoint URL with the hosts of the app's Routes and
Ingresses, and flags a URL pointing elsewhere. An app without Route or Ingress must
point at one of its Services (`<svc>`, `<svc>.<ns>`, `<svc>.<ns>.svc`,
`<svc>.<ns>.svc.cluster.local`).

## Why does it matter?
A monitor for another host (a copy-pasted URL, the default `route.host` of the chart, a
cluster domain that differs) reports on something else, and the app's real endpoint is
unmonitored.

## How to fix it
Build the URL from the same values as the Route or Ingress host.

## Example
```yaml
url: https://ollama.apps.example.com/api/version   # the Route's host is ollama.apps.home.example.com
```
"#,
};

static INFOS: [RuleInfo; 5] = [GAT001, GAT002, GAT003, GAT004, GAT005];

/// The Gatus rules.
pub struct GatusRules;

impl Rule for GatusRules {
    fn infos(&self) -> &'static [RuleInfo] {
        &INFOS
    }

    fn check(&self, input: &CheckInput, out: &mut Vec<Diagnostic>) {
        for app in scoped_apps(input) {
            check_app(input, app, out);
        }
    }
}

/// A Gatus endpoint of an app.
struct Endpoint<'a> {
    name: String,
    url: Option<String>,
    conditions: Vec<String>,
    /// The ConfigMap and its data key, when rendered.
    source: Option<(&'a Object, String)>,
}

fn configmap_endpoints(app: &App) -> Vec<Endpoint<'_>> {
    let mut out = Vec::new();
    for o in objects(app) {
        if o.kind != "ConfigMap" {
            continue;
        }
        let label = get(&o.value, &["metadata", "labels", "gatus.io/enabled"]);
        if !is_true(label.as_ref()) {
            continue;
        }
        for (key, text) in get(&o.value, &["data"])
            .map(|m| entries(&m))
            .unwrap_or_default()
        {
            let Some(text) = text.as_str().map(String::from) else {
                continue;
            };
            let Ok(doc) = kiln_encoding::parse_values(&text) else {
                continue;
            };
            for e in list_at(&doc, &["endpoints"]) {
                out.push(Endpoint {
                    name: str_at(&e, &["name"]).unwrap_or_default(),
                    url: str_at(&e, &["url"]),
                    conditions: list_at(&e, &["conditions"])
                        .iter()
                        .filter_map(scalar_string)
                        .collect(),
                    source: Some((o, key.clone())),
                });
            }
        }
    }
    out
}

/// The `gatus` values block, when enabled.
fn values_endpoint(app: &App) -> Option<Endpoint<'_>> {
    let g = app.value("gatus")?;
    g.as_map_ref()?;
    if !is_true(get(&g, &["enabled"]).as_ref()) {
        return None;
    }
    Some(Endpoint {
        name: str_at(&g, &["name"]).unwrap_or_default(),
        url: str_at(&g, &["url"]).filter(|u| u.contains("://")),
        conditions: get(&g, &["conditions"])
            .map(|c| items(&c))
            .unwrap_or_default()
            .iter()
            .filter_map(scalar_string)
            .collect(),
        source: None,
    })
}

fn exposes(app: &App) -> Option<&Object> {
    objects(app).find(|o| {
        (o.kind == "Service" && o.api_version == "v1")
            || (o.kind == "Route" && o.api_version.starts_with("route.openshift.io/"))
            || o.kind == "Ingress"
    })
}

/// The host of a URL (`https://a.b:443/x` → `a.b`).
fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    let host = if host.starts_with('[') {
        host.split(']').next().map(|h| format!("{h}]"))?
    } else {
        host.split(':').next()?.to_string()
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// Threshold (ms) of a `[RESPONSE_TIME] < N` condition.
fn response_time(cond: &str) -> Option<f64> {
    let c = cond.replace(' ', "");
    let rest = c.strip_prefix("[RESPONSE_TIME]")?;
    let n = rest.strip_prefix("<=").or_else(|| rest.strip_prefix('<'))?;
    n.trim_end_matches("ms").parse().ok()
}

/// The values key of a Gatus endpoint's conditions: a `conditions` list under a key
/// mentioning Gatus, with the same conditions.
fn conditions_vpath(app: &App, conditions: &[String]) -> Option<FieldPath> {
    best_path(
        app,
        find_values(app, &mut |p, v| {
            ends_with_keys(p, &["conditions"])
                && p.iter()
                    .any(|s| matches!(s, Seg::Key(k) if k.to_ascii_lowercase().contains("gatus")))
                && v.as_list().is_some_and(|l| {
                    l.iter().filter_map(scalar_string).collect::<Vec<_>>() == conditions
                })
        }),
    )
}

fn check_app(input: &CheckInput, app: &App, out: &mut Vec<Diagnostic>) {
    let mut endpoints = configmap_endpoints(app);
    if endpoints.is_empty() {
        endpoints.extend(values_endpoint(app));
    }
    if endpoints.is_empty() {
        let Some(exposed) = exposes(app) else { return };
        let vpath = best_path(
            app,
            find_values(app, &mut |p, v| {
                ends_with_keys(p, &["gatus", "enabled"]) && is_false(Some(v))
            }),
        );
        out.push(diag(
            &GAT001,
            app,
            Some(exposed),
            format!("{} publishes an API ({} {}) but defines no Gatus endpoint", app.name, exposed.kind, exposed.name),
            "enable a Gatus endpoint: a ConfigMap labelled gatus.io/enabled with status and response-time conditions",
            Place::value_or_field(app, vpath.as_ref(), exposed, &[]),
        ));
        return;
    }
    let mut hosts: Vec<String> = Vec::new();
    let mut services: Vec<(String, Option<String>)> = Vec::new();
    for o in objects(app) {
        match o.kind.as_str() {
            "Route" => {
                hosts.extend(str_at(&o.value, &["spec", "host"]).map(|h| h.to_ascii_lowercase()))
            }
            "Ingress" => hosts.extend(
                list_at(&o.value, &["spec", "rules"])
                    .iter()
                    .filter_map(|r| str_at(r, &["host"]))
                    .map(|h| h.to_ascii_lowercase()),
            ),
            "Service" => services.push((o.name.to_ascii_lowercase(), o.namespace.clone())),
            _ => {}
        }
    }
    hosts.retain(|h| !h.is_empty());
    for e in &endpoints {
        let cond_vpath = conditions_vpath(app, &e.conditions);
        let label = if e.name.is_empty() {
            "the Gatus endpoint".to_string()
        } else {
            format!("Gatus endpoint `{}`", e.name)
        };
        let (obj, field): (Option<&Object>, FieldPath) = match &e.source {
            Some((o, key)) => (Some(*o), vec![Seg::key("data"), Seg::Key(key.clone())]),
            None => (None, Vec::new()),
        };
        let place = |vpath: Option<&FieldPath>| match obj {
            Some(o) => Place::value_or_field(app, vpath, o, &field),
            None => Place::at(vpath.and_then(|p| super::common::value_span(app, p))),
        };
        let is_http = e
            .url
            .as_deref()
            .is_none_or(|u| u.starts_with("http://") || u.starts_with("https://"));
        if is_http
            && !e
                .conditions
                .iter()
                .any(|c| c.replace(' ', "").starts_with("[STATUS]"))
        {
            out.push(diag(
                &GAT002,
                app,
                obj,
                format!("{label} of {} has no [STATUS] condition", app.name),
                "add the condition \"[STATUS] == 200\"",
                place(cond_vpath.as_ref()),
            ));
        }
        let thresholds: Vec<f64> = e
            .conditions
            .iter()
            .filter_map(|c| response_time(c))
            .collect();
        if thresholds.is_empty() {
            out.push(diag(
                &GAT003,
                app,
                obj,
                format!("{label} of {} has no [RESPONSE_TIME] threshold", app.name),
                "add a condition such as \"[RESPONSE_TIME] < 5000\" (milliseconds)",
                place(cond_vpath.as_ref()),
            ));
        }
        let max = input.settings.max_response_time_ms as f64;
        if let Some(t) = thresholds.iter().copied().find(|t| *t > max) {
            let cond = e
                .conditions
                .iter()
                .find(|c| response_time(c) == Some(t))
                .cloned()
                .unwrap_or_default();
            let vpath = locate_scalar(app, &[], &Value::str(&cond)).or_else(|| cond_vpath.clone());
            out.push(diag(
                &GAT004,
                app,
                obj,
                format!("{label} of {} allows {t} ms (`{cond}`), above the {max} ms that still means something", app.name),
                format!("monitor a fast health endpoint with a threshold below {max} ms"),
                place(vpath.as_ref()),
            ));
        }
        let Some(url) = &e.url else { continue };
        let host = url_host(url).unwrap_or_default();
        let ok = if !hosts.is_empty() {
            hosts.contains(&host)
        } else {
            services.iter().any(|(svc, ns)| {
                host == *svc
                    || ns.as_ref().is_some_and(|ns| {
                        host == format!("{svc}.{ns}")
                            || host == format!("{svc}.{ns}.svc")
                            || host == format!("{svc}.{ns}.svc.cluster.local")
                    })
            }) || services.is_empty()
        };
        if !ok {
            let expected = if hosts.is_empty() {
                format!(
                    "one of its Services ({})",
                    services
                        .iter()
                        .map(|(s, _)| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            } else {
                format!("its Route/Ingress host ({})", hosts.join(", "))
            };
            let vpath = best_path(
                app,
                find_values(app, &mut |p, v| {
                    p.iter().any(
                        |s| matches!(s, Seg::Key(k) if k.to_ascii_lowercase().contains("gatus")),
                    ) && v.as_str().is_some_and(|s| s == url.as_str())
                }),
            );
            out.push(diag(
                &GAT005,
                app,
                obj,
                format!("{label} of {} checks `{url}`, not {expected}", app.name),
                "build the endpoint URL from the same values as the Route/Ingress host",
                place(vpath.as_ref()),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_thresholds() {
        assert_eq!(
            url_host("https://a.example.com/x").as_deref(),
            Some("a.example.com")
        );
        assert_eq!(
            url_host("http://svc.ns.svc.cluster.local:11434/api").as_deref(),
            Some("svc.ns.svc.cluster.local")
        );
        assert_eq!(url_host("tcp://db:5432").as_deref(), Some("db"));
        assert_eq!(response_time("[RESPONSE_TIME] < 5000"), Some(5000.0));
        assert_eq!(response_time("[RESPONSE_TIME]<=300"), Some(300.0));
        assert_eq!(response_time("[STATUS] == 200"), None);
    }
}
