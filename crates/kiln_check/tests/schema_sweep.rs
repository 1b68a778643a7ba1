//! Sweep: every object of the example monorepo validates with no finding except the
//! documented SCH003 for kinds without a schema.
//!
//! * `charts/ai/*` rendered by `kiln_helm::template` with their default values, for
//!   Kubernetes 1.31 (the example clusters) and 1.36 (Helm's default);
//! * `golden/<cluster>/*/manifest.yaml`: what each example cluster deploys (real Helm's
//!   output, with the clusters' values: Routes, ExternalSecrets, Argo CD
//!   ApplicationSets).
//!
//! Kinds without a schema here (SCH003, documented): `external-secrets.io/v1` and
//! `v1beta1` `ExternalSecret` and `route.openshift.io/v1` `Route` — no CRD for them is
//! vendored (none is available offline) and the example repository ships none. With the
//! ExternalSecret CRD in the input (the abridged test fixture), those validate too.

mod schema_support;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Instant;

use kiln_check::schema::SchemaRules;
use kiln_check::{Diagnostic, Object, Rule};
use kiln_helm::{template, Capabilities, TemplateOptions};
use schema_support::{app, fixture, input, object_from, objects, root};

/// Kinds the example monorepo renders that have no schema: none since kiln vendors
/// its own ExternalSecret and Route schemas (schemas/crds-src/).
const UNVALIDATED: &[&str] = &[];

fn render_default(chart_dir: &str, kube: &str) -> Vec<Object> {
    let chart = kiln_helm::loader::load_dir(&root().join(chart_dir)).expect("chart loads");
    let chart = Arc::new(chart);
    let mut opts = TemplateOptions::default();
    opts.render.release_name = chart.name().to_string();
    opts.render.capabilities = Capabilities::new(Some(kube), &[]).unwrap();
    let out = template(&chart, &kiln_gotmpl::Map::new(), &opts).expect("chart renders");
    out.manifests
        .iter()
        .chain(out.hooks.iter())
        .filter(|m| m.object().as_map_ref().is_some())
        .map(|m| object_from(m.object().clone(), &m.path, None))
        .collect()
}

fn summary(d: &[Diagnostic]) -> String {
    d.iter()
        .map(|d| {
            format!(
                "{} {:?} {}",
                d.code,
                d.object.as_ref().map(|o| o.to_string()),
                d.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every finding is an SCH003 about a kind of [`UNVALIDATED`]; returns those kinds.
fn only_documented_sch003(d: &[Diagnostic]) -> BTreeSet<String> {
    let mut kinds = BTreeSet::new();
    for x in d {
        let o = x.object.as_ref().unwrap();
        let k = format!("{} {}", o.api_version, o.kind);
        assert!(
            x.code == "SCH003" && UNVALIDATED.contains(&k.as_str()),
            "unexpected finding:\n{}",
            summary(d)
        );
        kinds.insert(k);
    }
    kinds
}

#[test]
fn example_charts_with_default_values() {
    let charts: Vec<String> = std::fs::read_dir(root().join("charts/ai"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().join("Chart.yaml").is_file())
        .map(|e| format!("charts/ai/{}", e.file_name().to_string_lossy()))
        .collect();
    assert!(charts.len() >= 3);
    for kube in ["1.31.0", "1.36.0"] {
        let mut apps = Vec::new();
        let mut n = 0;
        for c in &charts {
            let objs = render_default(c, kube);
            n += objs.len();
            apps.push(app(c, objs, Some(kube)));
        }
        let mut out = Vec::new();
        let t = Instant::now();
        SchemaRules::new().check(&input(apps), &mut out);
        eprintln!(
            "schema sweep: {n} default-rendered objects, Kubernetes {kube}: {} findings in {:?}",
            out.len(),
            t.elapsed()
        );
        only_documented_sch003(&out);
    }
}

#[test]
fn golden_cluster_manifests() {
    let mut apps = Vec::new();
    let mut total = 0;
    for cluster in ["home", "lab"] {
        let dir = root().join("golden").join(cluster);
        let mut entries: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for d in entries {
            let m = d.join("manifest.yaml");
            let Ok(text) = std::fs::read_to_string(&m) else {
                continue;
            };
            let objs: Vec<Object> = kiln_encoding::parse_documents(&text)
                .into_iter()
                .filter_map(|r| r.ok())
                .filter(|doc| doc.value.as_map_ref().is_some())
                .map(|doc| object_from(doc.value, &m.display().to_string(), None))
                .collect();
            total += objs.len();
            let mut a = app(
                &d.file_name().unwrap().to_string_lossy(),
                objs,
                Some("1.31.0"),
            );
            a.cluster = Some(cluster.into());
            apps.push(a);
        }
    }
    assert!(total > 20, "{total} objects");
    let rules = SchemaRules::new();
    let mut out = Vec::new();
    let t = Instant::now();
    rules.check(&input(apps.clone()), &mut out);
    let first = t.elapsed();
    let t = Instant::now();
    let mut again = Vec::new();
    rules.check(&input(apps.clone()), &mut again);
    eprintln!(
        "schema sweep: {total} golden objects of 2 clusters: {} findings; first check {first:?} (compiling), second {:?}",
        out.len(),
        t.elapsed()
    );
    let kinds = only_documented_sch003(&out);
    assert!(kinds.is_empty(), "{}", summary(&out));

    // With an ExternalSecret CRD in the repository, that CRD validates them instead.
    let crd = objects(
        "externalsecret-crd.yaml",
        &fixture("externalsecret-crd.yaml"),
    );
    apps[0].objects.extend(crd);
    let mut out = Vec::new();
    rules.check(&input(apps), &mut out);
    let kinds = only_documented_sch003(&out);
    assert!(kinds.is_empty(), "{}", summary(&out));
}
