//! The CRD schemas kiln's authors wrote from public API references
//! (`schemas/crds-src/`: External Secrets `external-secrets.io/v1` and `v1beta1`
//! ExternalSecret, SecretStore, ClusterSecretStore; OpenShift `route.openshift.io/v1`
//! Route), vendored into `schemas/crds/` by the `vendor_crds` example:
//!
//! * the vendored JSON is what the converter makes of the YAML (regenerated), and the
//!   kinds have schemas and scopes;
//! * no false positives: every such object of the example repository (its golden
//!   manifests and its charts rendered with default values), of the parity corpus's
//!   expected Helm output, and of the two real monorepos compiled by kiln validates with
//!   no finding;
//! * real detection: typos and wrong values give SCH002/SCH001, with "did you mean".
//!
//! The corpus parts are skipped (loudly) when `../shared` is absent.

mod schema_support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use kiln_check::schema::{crd, validate, Gvk, SchemaOrigin, SchemaRules, Scope};
use kiln_check::{Diagnostic, Object};
use schema_support::{corpus, object_from, objects, root};
use serde_json::Value;

/// The kinds of the authored CRDs: `(apiVersion, kind, scope)`.
const KINDS: &[(&str, &str, Scope)] = &[
    (
        "external-secrets.io/v1",
        "ExternalSecret",
        Scope::Namespaced,
    ),
    (
        "external-secrets.io/v1beta1",
        "ExternalSecret",
        Scope::Namespaced,
    ),
    ("external-secrets.io/v1", "SecretStore", Scope::Namespaced),
    (
        "external-secrets.io/v1beta1",
        "SecretStore",
        Scope::Namespaced,
    ),
    (
        "external-secrets.io/v1",
        "ClusterSecretStore",
        Scope::Cluster,
    ),
    (
        "external-secrets.io/v1beta1",
        "ClusterSecretStore",
        Scope::Cluster,
    ),
    ("route.openshift.io/v1", "Route", Scope::Namespaced),
];

/// Kinds whose objects the sweeps collect.
fn covered(obj: &Object) -> bool {
    KINDS
        .iter()
        .any(|(a, k, _)| obj.api_version == *a && obj.kind == *k)
}

fn show(d: &[Diagnostic]) -> String {
    d.iter()
        .map(|d| {
            format!(
                "{} {} {} | {} | {}",
                d.code,
                d.object.as_ref().map_or("-".into(), |o| o.to_string()),
                d.span.as_ref().map_or("-".to_string(), |s| s.to_string()),
                d.message,
                d.help.clone().unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Validates `objs` for Kubernetes 1.31 (the clusters of the example and the real
/// monorepos); returns every finding, with the source of the object in front.
fn findings(objs: &[(String, Object)]) -> Vec<String> {
    let rules = SchemaRules::new();
    let mut out = Vec::new();
    for (src, o) in objs {
        for d in rules.validate_object(o, Some(31)) {
            out.push(format!("{src}: {}", show(&[d])));
        }
    }
    out
}

/// Objects of a YAML stream (no origins), with `source` recorded.
fn parse_stream(text: &str, source: &str) -> Vec<(String, Object)> {
    kiln_encoding::parse_documents(text)
        .into_iter()
        .filter_map(|d| d.ok())
        .filter(|d| d.value.as_map_ref().is_some())
        .map(|d| (source.to_string(), object_from(d.value, source, None)))
        .filter(|(_, o)| covered(o))
        .collect()
}

fn skip(what: &str) {
    eprintln!("SKIPPED: {what}: ../shared/corpus not found");
}

// ---------------------------------------------------------------- vendoring

/// The CRDs of a YAML file (documents, or the items of a `List`).
fn crds_in(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = Vec::new();
    for d in kiln_encoding::parse_documents(&text) {
        let d = d.unwrap_or_else(|e| panic!("{}: {}", path.display(), e.message));
        let json = validate::to_json(&d.value).unwrap();
        if crd::is_crd(&json) {
            out.push(json);
        } else if json["kind"] == "List" {
            out.extend(
                json["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|i| crd::is_crd(i))
                    .cloned(),
            );
        }
    }
    out
}

#[test]
fn vendored_schemas_are_the_converted_sources() {
    let src = root().join("schemas/crds-src");
    let mut seen = Vec::new();
    for file in ["external-secrets.io.yaml", "route.openshift.io.yaml"] {
        let text = std::fs::read_to_string(src.join(file)).unwrap();
        assert!(
            text.lines()
                .take(5)
                .any(|l| l.contains("Written by kiln's authors")),
            "{file}: the header must say who wrote it"
        );
        for c in crds_in(&src.join(file)) {
            for conv in crd::convert_crd(&c).unwrap() {
                let rel = format!(
                    "schemas/crds/{}/{}_{}.json",
                    conv.gvk.group,
                    conv.gvk.kind.to_lowercase(),
                    conv.gvk.version
                );
                let vendored: Value =
                    serde_json::from_str(&std::fs::read_to_string(root().join(&rel)).unwrap_or_else(|e| {
                        panic!("{rel}: {e} (run `cargo run -p kiln_check --example vendor_crds -- ../shared/corpus schemas`)")
                    }))
                    .unwrap();
                assert!(
                    vendored == conv.schema,
                    "{rel} is stale: regenerate it with the vendor_crds example"
                );
                seen.push((conv.gvk.api_version(), conv.gvk.kind.clone(), conv.scope));
            }
        }
    }
    let want: Vec<(String, String, Scope)> = KINDS
        .iter()
        .map(|(a, k, s)| (a.to_string(), k.to_string(), *s))
        .collect();
    seen.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    let mut want_sorted = want.clone();
    want_sorted.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    assert_eq!(seen, want_sorted);

    // Embedded: schema (from schemas/crds/) and scope (from schemas/scopes.json).
    let rules = SchemaRules::new();
    for (api, kind, scope) in KINDS {
        let gvk = Gvk::from_api_version(api, kind);
        let c = rules
            .schema_for(&gvk, 31)
            .unwrap()
            .unwrap_or_else(|| panic!("no schema for {gvk}"));
        assert_eq!(
            c.origin,
            SchemaOrigin::VendoredCrd {
                file: format!(
                    "schemas/crds/{}/{}_{}.json",
                    gvk.group,
                    kind.to_lowercase(),
                    gvk.version
                )
            }
        );
        assert_eq!(rules.catalog().scope(&gvk), Some(*scope), "{gvk}");
    }

    // SOURCES.md says where they come from.
    let md = std::fs::read_to_string(root().join("schemas/crds/SOURCES.md")).unwrap();
    for (api, kind, _) in KINDS {
        let gvk = Gvk::from_api_version(api, kind);
        let line = md
            .lines()
            .find(|l| {
                l.starts_with(&format!(
                    "| `crds/{}/{}_{}.json`",
                    gvk.group,
                    kind.to_lowercase(),
                    gvk.version
                ))
            })
            .unwrap_or_else(|| panic!("SOURCES.md has no row for {gvk}"));
        assert!(line.contains("kiln-authored from https://"), "{line}");
    }
}

// ---------------------------------------------------------------- no false positives

/// The example repository: what each cluster deploys (golden/) and the charts rendered
/// with their default values, both Kubernetes minors.
#[test]
fn example_repository_objects_validate() {
    let mut objs = Vec::new();
    for cluster in ["home", "lab"] {
        let dir = root().join("golden").join(cluster);
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let m = e.path().join("manifest.yaml");
            if let Ok(text) = std::fs::read_to_string(&m) {
                objs.extend(parse_stream(&text, &m.display().to_string()));
            }
        }
    }
    let golden = objs.len();
    // Both clusters render ExternalSecrets (v1 on home, v1beta1 on lab) and home Routes.
    assert!(golden >= 7, "{golden} objects");
    for c in ["ollama", "litellm", "open-webui"] {
        let chart = kiln_helm::loader::load_dir(&root().join("charts/ai").join(c)).unwrap();
        let chart = Arc::new(chart);
        let mut opts = kiln_helm::TemplateOptions::default();
        opts.render.release_name = c.to_string();
        opts.render.capabilities = kiln_helm::Capabilities::new(
            Some("1.31.0"),
            &[
                "route.openshift.io/v1".into(),
                "external-secrets.io/v1".into(),
            ],
        )
        .unwrap();
        let out = kiln_helm::template(&chart, &kiln_gotmpl::Map::new(), &opts).unwrap();
        for m in out.manifests.iter().chain(out.hooks.iter()) {
            if m.object().as_map_ref().is_some() {
                let o = object_from(m.object().clone(), &m.path, None);
                if covered(&o) {
                    objs.push((format!("charts/ai/{c}/{}", m.path), o));
                }
            }
        }
    }
    eprintln!(
        "authored schemas: {} example objects ({golden} golden)",
        objs.len()
    );
    let f = findings(&objs);
    assert!(f.is_empty(), "{}", f.join("\n"));
}

/// Every ExternalSecret/SecretStore/ClusterSecretStore/Route in the corpus's expected
/// Helm output (`expected/**/*.json`: default values, ci values, the framework's
/// cluster values).
#[test]
fn corpus_expected_objects_validate() {
    let Some(corpus) = corpus() else {
        return skip("corpus_expected_objects_validate");
    };
    let mut files = Vec::new();
    let mut stack = vec![corpus.join("expected")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut objs = Vec::new();
    for f in &files {
        let j: Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        let Some(m) = j.get("manifests").and_then(Value::as_object) else {
            continue;
        };
        let rel = f.strip_prefix(&corpus).unwrap().display().to_string();
        for (tpl, text) in m {
            let Some(text) = text.as_str() else { continue };
            if !text.contains("route.openshift.io") && !text.contains("external-secrets.io") {
                continue;
            }
            objs.extend(parse_stream(text, &format!("{rel} {tpl}")));
        }
    }
    let mut per_kind: BTreeMap<String, usize> = BTreeMap::new();
    for (_, o) in &objs {
        *per_kind
            .entry(format!("{} {}", o.api_version, o.kind))
            .or_default() += 1;
    }
    eprintln!(
        "authored schemas: {} corpus expected objects: {per_kind:?}",
        objs.len()
    );
    // What the corpus holds today: v1beta1 ExternalSecrets and ClusterSecretStores,
    // Routes.
    for k in [
        "external-secrets.io/v1beta1 ExternalSecret",
        "external-secrets.io/v1beta1 ClusterSecretStore",
        "route.openshift.io/v1 Route",
    ] {
        assert!(per_kind.get(k).copied().unwrap_or(0) > 0, "no {k}");
    }
    let f = findings(&objs);
    assert!(f.is_empty(), "{} findings:\n{}", f.len(), f.join("\n"));
}

/// The root Application of a bootstrap file.
fn read_root(path: &Path) -> kiln_gotmpl::Value {
    let text = std::fs::read_to_string(path).unwrap();
    kiln_encoding::parse_documents(&text)
        .into_iter()
        .filter_map(|d| d.ok())
        .map(|d| d.value)
        .find(|v| kiln_argocd::tree::get_str(v, &["kind"]).as_deref() == Some("Application"))
        .unwrap_or_else(|| panic!("{}: no Application", path.display()))
}

/// Every object the two real monorepos deploy, compiled by kiln for OpenShift clusters
/// (Kubernetes 1.31, Routes and External Secrets served, so the charts render their
/// Route and ExternalSecret branches).
#[test]
fn monorepo_objects_validate() {
    let Some(corpus) = corpus() else {
        return skip("monorepo_objects_validate");
    };
    let base = corpus.join("monorepos");
    let repos: &[(&str, &[&str], &[&str])] = &[
        ("ullbergm-openshift", &["cluster.yaml"], &[]),
        (
            "openshift-gitops-framework",
            &["prod.yaml", "hub.yaml", "test.yaml"],
            &["https://github.com/rbales79/argo-apps"],
        ),
    ];
    let mut objs = Vec::new();
    for (dir, roots, urls) in repos {
        let repo_dir: PathBuf = base.join(dir);
        let roots: Vec<(String, kiln_gotmpl::Value)> = roots
            .iter()
            .map(|r| {
                (
                    r.to_string(),
                    read_root(&base.join(format!("{dir}.bootstrap")).join(r)),
                )
            })
            .collect();
        let mut repo_urls: Vec<String> = urls.iter().map(|s| s.to_string()).collect();
        for (_, r) in &roots {
            let spec = kiln_argocd::tree::get(r, &["spec"]).unwrap();
            let mut sources = kiln_argocd::tree::get_list(&spec, &["sources"]).unwrap_or_default();
            sources.extend(kiln_argocd::tree::get(&spec, &["source"]));
            repo_urls.extend(
                sources
                    .iter()
                    .filter(|s| kiln_argocd::tree::get_str(s, &["chart"]).is_none())
                    .filter_map(|s| kiln_argocd::tree::get_str(s, &["repoURL"])),
            );
        }
        let repo = kiln_argocd::Repo::new(&repo_dir, &repo_urls, None).unwrap();
        for (file, r) in &roots {
            for api in ["external-secrets.io/v1beta1", "external-secrets.io/v1"] {
                let facts = kiln_argocd::ClusterFacts::new(
                    file.trim_end_matches(".yaml"),
                    file,
                    "1.31.0",
                    vec!["route.openshift.io/v1".into(), api.into()],
                );
                let result = kiln_argocd::compile_roots(&repo, &facts, std::slice::from_ref(r));
                for app in &result.apps {
                    for d in &app.docs {
                        let Some(v) = &d.obj else { continue };
                        let src = format!("{dir}/{file}/{}: {}", app.name, d.source);
                        let o = object_from(v.clone(), &d.source, None);
                        if covered(&o) {
                            objs.push((src, o));
                        }
                    }
                }
            }
        }
    }
    let mut per_kind: BTreeMap<String, usize> = BTreeMap::new();
    for (_, o) in &objs {
        *per_kind
            .entry(format!("{} {}", o.api_version, o.kind))
            .or_default() += 1;
    }
    eprintln!(
        "authored schemas: {} monorepo objects: {per_kind:?}",
        objs.len()
    );
    for k in [
        "external-secrets.io/v1beta1 ExternalSecret",
        "external-secrets.io/v1beta1 ClusterSecretStore",
        "route.openshift.io/v1 Route",
    ] {
        assert!(per_kind.get(k).copied().unwrap_or(0) > 0, "no {k}");
    }
    let f = findings(&objs);
    assert!(f.is_empty(), "{} findings:\n{}", f.len(), f.join("\n"));
}

// ---------------------------------------------------------------- detection

/// Findings on the objects of `yaml` (as if rendered by `charts/test/templates/t.yaml`).
fn check(yaml: &str) -> Vec<Vec<Diagnostic>> {
    let rules = SchemaRules::new();
    objects("t.yaml", yaml)
        .iter()
        .map(|o| rules.validate_object(o, Some(31)))
        .collect()
}

fn has(d: &[Diagnostic], code: &str, message: &str) -> bool {
    d.iter().any(|x| x.code == code && x.message == message)
}

fn help_of<'a>(d: &'a [Diagnostic], message: &str) -> &'a str {
    d.iter()
        .find(|x| x.message == message)
        .and_then(|x| x.help.as_deref())
        .unwrap_or_else(|| panic!("no finding {message:?}:\n{}", show(d)))
}

const GOOD_ES: &str = "\
apiVersion: external-secrets.io/VERSION
kind: ExternalSecret
metadata:
  name: app
spec:
  refreshInterval: 1h
  secretStoreRef:
    kind: ClusterSecretStore
    name: vault
  target:
    name: app
    creationPolicy: Owner
    deletionPolicy: Retain
    template:
      engineVersion: v2
      mergePolicy: Merge
      type: Opaque
      metadata:
        labels:
          app: x
      data:
        url: postgres://user@db
  data:
    - secretKey: user
      remoteRef:
        key: db/app
        property: user
        version: \"3\"
        conversionStrategy: Default
        decodingStrategy: Auto
        metadataPolicy: None
  dataFrom:
    - extract:
        key: db/other
    - find:
        name:
          regexp: ^APP_
        tags:
          team: a
      rewrite:
        - regexp:
            source: ^APP_
            target: \"\"
        - transform:
            template: app-value
    - sourceRef:
        generatorRef:
          apiVersion: generators.external-secrets.io/v1alpha1
          kind: Password
          name: pw
";

#[test]
fn valid_objects_of_both_versions_pass() {
    for v in ["v1", "v1beta1"] {
        let d = check(&GOOD_ES.replace("VERSION", v));
        assert!(d[0].is_empty(), "{v}:\n{}", show(&d[0]));
    }
    let stores = "\
apiVersion: external-secrets.io/v1
kind: ClusterSecretStore
metadata:
  name: vault
spec:
  refreshInterval: 1h
  retrySettings:
    maxRetries: 3
    retryInterval: 10s
  conditions:
    - namespaces: [ai, media]
    - namespaceSelector:
        matchLabels:
          secrets: allowed
  provider:
    vault:
      server: https://vault.example.com
      auth:
        kubernetes:
          role: eso
---
apiVersion: external-secrets.io/v1beta1
kind: SecretStore
metadata:
  name: aws
spec:
  refreshInterval: 300
  provider:
    aws:
      service: SecretsManager
      region: eu-central-1
---
apiVersion: route.openshift.io/v1
kind: Route
metadata:
  name: web
spec:
  host: web.apps.example.com
  path: /api
  to:
    name: web
  alternateBackends:
    - kind: Service
      name: web-canary
      weight: 10
  port:
    targetPort: 8080
  tls:
    termination: reencrypt
    insecureEdgeTerminationPolicy: \"\"
    destinationCACertificate: |
      -----BEGIN CERTIFICATE-----
    externalCertificate:
      name: web-tls
  wildcardPolicy: None
  httpHeaders:
    actions:
      response:
        - name: X-Frame-Options
          action:
            type: Set
            set:
              value: DENY
";
    for (i, d) in check(stores).iter().enumerate() {
        assert!(d.is_empty(), "object {i}:\n{}", show(d));
    }
}

#[test]
fn external_secret_mistakes_are_reported() {
    for v in ["v1", "v1beta1"] {
        let yaml = GOOD_ES
            .replace("VERSION", v)
            .replace("  secretStoreRef:", "  secretStoreRefs:")
            .replace("creationPolicy: Owner", "creationPolicy: Sometimes")
            .replace("        key: db/app\n", "        keys: db/app\n")
            .replace("engineVersion: v2", "engineVersion: v3")
            .replace("    - secretKey: user", "    - secretKey: user/name");
        let d = &check(&yaml)[0];
        let text = show(d);
        assert!(
            has(d, "SCH002", "unknown field `spec.secretStoreRefs`"),
            "{v}:\n{text}"
        );
        assert!(
            help_of(d, "unknown field `spec.secretStoreRefs`")
                .starts_with("did you mean `secretStoreRef`?"),
            "{v}:\n{text}"
        );
        assert!(
            help_of(d, "unknown field `spec.secretStoreRefs`").contains(&format!(
                "vendored CRD schema schemas/crds/external-secrets.io/externalsecret_{v}.json"
            )),
            "{v}:\n{text}"
        );
        let policies = if v == "v1" {
            "\"Owner\", \"Orphan\", \"Merge\", \"None\", \"CreateOrMerge\""
        } else {
            "\"Owner\", \"Orphan\", \"Merge\", \"None\""
        };
        assert!(
            has(
                d,
                "SCH001",
                &format!(
                    "`spec.target.creationPolicy`: expected one of {policies}, got \"Sometimes\""
                )
            ),
            "{v}:\n{text}"
        );
        assert!(
            has(d, "SCH002", "unknown field `spec.data[0].remoteRef.keys`"),
            "{v}:\n{text}"
        );
        assert!(
            help_of(d, "unknown field `spec.data[0].remoteRef.keys`")
                .starts_with("did you mean `key`?"),
            "{v}:\n{text}"
        );
        assert!(
            has(
                d,
                "SCH001",
                "missing required field `spec.data[0].remoteRef.key`"
            ),
            "{v}:\n{text}"
        );
        assert!(
            d.iter().any(|x| x.code == "SCH001"
                && x.message
                    .starts_with("`spec.target.template.engineVersion`: expected one of")),
            "{v}:\n{text}"
        );
        assert!(
            d.iter()
                .any(|x| x.code == "SCH001" && x.message.starts_with("`spec.data[0].secretKey`")),
            "{v}:\n{text}"
        );
        // The span points at the line of the typo in the template.
        let typo = d
            .iter()
            .find(|x| x.message == "unknown field `spec.secretStoreRefs`")
            .unwrap();
        assert_eq!(typo.span.as_ref().map(|s| s.line), Some(7), "{v}:\n{text}");
        assert_eq!(d.len(), 6, "{v}:\n{text}");
    }

    // v1-only fields are unknown in v1beta1.
    let yaml = "\
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: app
spec:
  syncWindows:
    kind: allow
    windows: [{schedule: \"0 22 * * *\", duration: 8h}]
  target:
    manifest: {apiVersion: v1, kind: ConfigMap}
";
    let d = &check(yaml)[0];
    assert!(
        has(d, "SCH002", "unknown field `spec.syncWindows`"),
        "{}",
        show(d)
    );
    assert!(
        has(d, "SCH002", "unknown field `spec.target.manifest`"),
        "{}",
        show(d)
    );
    let d = &check(&yaml.replace("v1beta1", "v1"))[0];
    assert!(d.is_empty(), "{}", show(d));
}

#[test]
fn secret_store_mistakes_are_reported() {
    let yaml = "\
apiVersion: external-secrets.io/v1beta1
kind: ClusterSecretStore
metadata:
  name: infisical
spec:
  refreshInterval: 1h
  provider:
    infisicall:
      hostAPI: https://app.infisical.com/api
---
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata:
  name: two
spec:
  provider:
    aws: {region: eu-central-1}
    vault: {server: https://vault}
---
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata:
  name: none
spec:
  controler: dev
";
    let d = check(yaml);
    let text: Vec<String> = d.iter().map(|x| show(x)).collect();
    let text = text.join("\n--\n");
    assert!(
        has(&d[0], "SCH002", "unknown field `spec.provider.infisicall`"),
        "{text}"
    );
    assert!(
        help_of(&d[0], "unknown field `spec.provider.infisicall`")
            .starts_with("did you mean `infisical`?"),
        "{text}"
    );
    assert!(
        has(
            &d[0],
            "SCH001",
            "`spec.refreshInterval`: expected integer, got string \"1h\""
        ),
        "{text}"
    );
    assert_eq!(d[0].len(), 2, "{text}");
    assert_eq!(d[1].len(), 1, "{text}");
    assert_eq!(d[1][0].code, "SCH001", "{text}");
    assert!(d[1][0].message.starts_with("`spec.provider`"), "{text}");
    assert!(
        has(&d[2], "SCH002", "unknown field `spec.controler`"),
        "{text}"
    );
    assert!(
        help_of(&d[2], "unknown field `spec.controler`").starts_with("did you mean `controller`?"),
        "{text}"
    );
    assert!(
        has(&d[2], "SCH001", "missing required field `spec.provider`"),
        "{text}"
    );
}

#[test]
fn route_mistakes_are_reported() {
    let yaml = "\
apiVersion: route.openshift.io/v1
kind: Route
metadata:
  name: web
spec:
  host: web.apps.example.com
  too:
    kind: Service
    name: web
  port:
    targetPort: http
  tls:
    termination: edgy
    insecureEdgeTerminationPolicy: Redirekt
---
apiVersion: route.openshift.io/v1
kind: Route
metadata:
  name: web
spec:
  host: web..example.com
  path: api
  to:
    kind: Deployment
    name: web
    weight: 300
  port:
    targetPort: \"\"
  tls:
    insecureEdgeTerminationPolicy: Redirect
  wildcardPolicy: All
";
    let d = check(yaml);
    let text: Vec<String> = d.iter().map(|x| show(x)).collect();
    let text = text.join("\n--\n");
    let a = &d[0];
    assert!(has(a, "SCH002", "unknown field `spec.too`"), "{text}");
    assert!(
        help_of(a, "unknown field `spec.too`").starts_with("did you mean `to`?"),
        "{text}"
    );
    assert!(
        has(a, "SCH001", "missing required field `spec.to`"),
        "{text}"
    );
    assert!(
        has(
            a,
            "SCH001",
            "`spec.tls.termination`: expected one of \"edge\", \"passthrough\", \"reencrypt\", got \"edgy\""
        ),
        "{text}"
    );
    assert!(
        has(
            a,
            "SCH001",
            "`spec.tls.insecureEdgeTerminationPolicy`: expected one of \"Allow\", \"None\", \"Redirect\", \"\", got \"Redirekt\""
        ),
        "{text}"
    );
    assert_eq!(a.len(), 4, "{text}");
    let b = &d[1];
    for path in [
        "`spec.host`",
        "`spec.path`",
        "`spec.to.kind`",
        "`spec.to.weight`",
        "`spec.port.targetPort`",
        "`spec.wildcardPolicy`",
    ] {
        assert!(
            b.iter()
                .any(|x| x.code == "SCH001" && x.message.starts_with(path)),
            "{path}:\n{text}"
        );
    }
    assert!(
        has(b, "SCH001", "missing required field `spec.tls.termination`"),
        "{text}"
    );
    assert_eq!(b.len(), 7, "{text}");
}
