//! Documentation rules (`DOC*`): the chart README documents GPU requirements, secrets
//! and the API endpoint. Checked once per chart, over every app rendered from it.

use std::collections::{BTreeMap, BTreeSet};

use super::common::{get, list_at, objects, scoped_apps, str_at};
use super::workload::workloads;
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::input::{App, CheckInput};
use crate::rule::{Rule, RuleInfo};

/// DOC001: no README.
pub const DOC001: RuleInfo = RuleInfo {
    code: "DOC001",
    name: "readme-missing",
    default_severity: Severity::Warning,
    summary: "An AI chart has a README.md",
    docs: r#"## What it does
Flags an AI chart without a `README.md`.

## Why does it matter?
The checklist puts GPU requirements, the secrets to create and the API endpoint in the
chart README; without one, whoever deploys the chart on a new cluster has to read the
templates.

## How to fix it
Add a README with at least the sections `GPU requirements`, `Secrets` and `API`.
"#,
};

/// DOC002: GPU requirements not documented.
pub const DOC002: RuleInfo = RuleInfo {
    code: "DOC002",
    name: "readme-gpu-undocumented",
    default_severity: Severity::Warning,
    summary: "The README documents the chart's GPU requirements",
    docs: r#"## What it does
Flags an AI chart whose README never mentions GPUs.

## Why does it matter?
The checklist's first GPU item is "GPU requirements documented in README.md": which
vendors work, how many GPUs, which values enable them, what the cluster needs (NFD,
the vendor's device plugin or GPU operator). Charts that need no GPU should say so, so
nobody schedules them on GPU nodes by habit.

## How to fix it
Add a `## GPU requirements` section (write "None" for charts that do not use GPUs).

## Example
```markdown
## GPU requirements

`gpu.enabled: true` requests `gpu.count` `nvidia.com/gpu` and selects nodes labelled
`feature.node.kubernetes.io/pci-10de.present` (needs NFD and the NVIDIA GPU Operator).
```
"#,
};

/// DOC003: secrets not documented.
pub const DOC003: RuleInfo = RuleInfo {
    code: "DOC003",
    name: "readme-secrets-undocumented",
    default_severity: Severity::Warning,
    summary: "The README documents the secrets the chart needs",
    docs: r#"## What it does
For a chart whose rendered apps create or read Secrets (Secret or ExternalSecret
objects, `secretKeyRef`, `envFrom.secretRef`), flags a README that never mentions
secrets, and each secret key the chart itself names (an ExternalSecret `secretKey` or a
`secretKeyRef` key that appears in the chart's `values.yaml` or templates) that the
README does not mention.

## Why does it matter?
The checklist asks for secrets documented in the chart README: the keys have to exist in
the secret store before the app can start, and the README is where the person creating
them looks.

## How to fix it
Add a `## Secrets` section listing each key, its remote key and what it is for.

## Example
```markdown
## Secrets

| key | remote key | used for |
| --- | --- | --- |
| `LITELLM_MASTER_KEY` | `litellm-master-key` | admin key of the proxy |
```
"#,
};

/// DOC004: API endpoint not documented.
pub const DOC004: RuleInfo = RuleInfo {
    code: "DOC004",
    name: "readme-api-undocumented",
    default_severity: Severity::Warning,
    summary: "The README documents the chart's API endpoint",
    docs: r#"## What it does
For a chart that renders a Service, Route or Ingress, flags a README without a heading
mentioning the API or endpoints and without the word "endpoint".

## Why does it matter?
The checklist asks for the API endpoint documented in the README (and OpenAPI docs
linked when available): clients need the URL, the paths, and how to authenticate.

## How to fix it
Add a `## API` section with the in-cluster and published URLs, the main paths and the
authentication.
"#,
};

static INFOS: [RuleInfo; 4] = [DOC001, DOC002, DOC003, DOC004];

/// The documentation rules.
pub struct DocRules;

impl Rule for DocRules {
    fn infos(&self) -> &'static [RuleInfo] {
        &INFOS
    }

    fn check(&self, input: &CheckInput, out: &mut Vec<Diagnostic>) {
        let mut charts: BTreeMap<String, Vec<&App>> = BTreeMap::new();
        for app in scoped_apps(input) {
            if let Some(dir) = &app.chart_dir {
                charts.entry(dir.clone()).or_default().push(app);
            }
        }
        for (dir, apps) in charts {
            check_chart(&dir, &apps, out);
        }
    }
}

fn chart_diag(
    info: &RuleInfo,
    dir: &str,
    apps: &[&App],
    message: String,
    help: &str,
    span: Span,
) -> Diagnostic {
    let mut d = Diagnostic::new(info.code, info.default_severity, message)
        .with_help(help)
        .with_span(Some(span));
    d.app = apps.first().map(|a| chart_name(dir, a));
    d
}

fn chart_name(dir: &str, app: &App) -> String {
    app.chart
        .as_ref()
        .map(|c| c.name().to_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| dir.rsplit('/').next().unwrap_or(dir).to_string())
}

fn check_chart(dir: &str, apps: &[&App], out: &mut Vec<Diagnostic>) {
    let Some(chart) = apps.iter().find_map(|a| a.chart.clone()) else {
        return;
    };
    let readme = chart
        .files
        .iter()
        .find(|f| f.name.eq_ignore_ascii_case("README.md"))
        .map(|f| (f.name.clone(), f.text()));
    let Some((readme_name, text)) = readme else {
        out.push(chart_diag(
            &DOC001,
            dir,
            apps,
            format!("chart {} has no README.md", chart.name()),
            "add a README documenting GPU requirements, secrets and the API endpoint",
            Span::new(format!("{dir}/Chart.yaml"), 1, 1),
        ));
        return;
    };
    let span = Span::new(format!("{dir}/{readme_name}"), 1, 1);
    let lower = text.to_ascii_lowercase();
    if !lower.contains("gpu") {
        out.push(chart_diag(
            &DOC002,
            dir,
            apps,
            format!(
                "the README of chart {} does not document GPU requirements",
                chart.name()
            ),
            "add a `## GPU requirements` section (\"None\" when the chart needs no GPU)",
            span.clone(),
        ));
    }
    // Secrets.
    let mut uses_secrets = false;
    let mut keys: BTreeSet<String> = BTreeSet::new();
    let mut exposes = false;
    for app in apps {
        for o in objects(app) {
            match o.kind.as_str() {
                "Secret" => uses_secrets = true,
                "ExternalSecret" => {
                    uses_secrets = true;
                    keys.extend(
                        list_at(&o.value, &["spec", "data"])
                            .iter()
                            .filter_map(|d| str_at(d, &["secretKey"])),
                    );
                }
                "Service" | "Route" | "Ingress" => exposes = true,
                _ => {}
            }
        }
        for w in workloads(app) {
            for c in w.all_containers() {
                for e in list_at(&c.value, &["env"]) {
                    if let Some(k) =
                        get(&e, &["valueFrom", "secretKeyRef"]).and_then(|r| str_at(&r, &["key"]))
                    {
                        uses_secrets = true;
                        keys.insert(k);
                    }
                }
                if list_at(&c.value, &["envFrom"])
                    .iter()
                    .any(|e| get(e, &["secretRef"]).is_some())
                {
                    uses_secrets = true;
                }
            }
        }
    }
    if uses_secrets {
        if !lower.contains("secret") {
            out.push(chart_diag(
                &DOC003,
                dir,
                apps,
                format!(
                    "chart {} uses Secrets but its README does not document them",
                    chart.name()
                ),
                "add a `## Secrets` section listing each key and where it comes from",
                span.clone(),
            ));
        } else {
            let own_text: String = apps
                .iter()
                .filter_map(|a| a.value_files.first())
                .map(|vf| vf.text.to_string())
                .chain(chart.templates.iter().map(|t| t.text()))
                .collect::<Vec<_>>()
                .join("\n");
            let missing: Vec<String> = keys
                .into_iter()
                .filter(|k| own_text.contains(k.as_str()) && !text.contains(k.as_str()))
                .collect();
            if !missing.is_empty() {
                out.push(chart_diag(
                    &DOC003,
                    dir,
                    apps,
                    format!(
                        "the README of chart {} does not document the secret key{} {}",
                        chart.name(),
                        if missing.len() > 1 { "s" } else { "" },
                        missing
                            .iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    "list every secret key in the README's Secrets section",
                    span.clone(),
                ));
            }
        }
    }
    if exposes {
        let heading = text.lines().any(|l| {
            let t = l.trim_start();
            t.starts_with('#') && {
                let h = t.to_ascii_lowercase();
                h.split(|c: char| !c.is_ascii_alphanumeric())
                    .any(|w| w == "api" || w == "apis")
                    || h.contains("endpoint")
            }
        });
        if !heading && !lower.contains("endpoint") {
            out.push(chart_diag(
                &DOC004,
                dir,
                apps,
                format!(
                    "the README of chart {} does not document its API endpoint",
                    chart.name()
                ),
                "add an `## API` section with the URLs, main paths and authentication",
                span,
            ));
        }
    }
}
