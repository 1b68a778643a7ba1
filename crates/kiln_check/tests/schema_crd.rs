//! Custom resources: the CRD converter on real CRDs of the corpus, vendored CRD schemas,
//! CRDs found in the input overriding vendored ones, and SCH002 paths in CRs.

mod schema_support;

use std::path::Path;

use kiln_check::schema::{crd, validate, Gvk, SchemaOrigin, SchemaRules};
use kiln_check::{Diagnostic, Rule};
use schema_support::{app, corpus, fixture, input, objects};
use serde_json::Value;

fn show(d: &[Diagnostic]) -> String {
    d.iter()
        .map(|d| {
            format!(
                "{} {} | {} | {}",
                d.code,
                d.span.as_ref().map_or("-".to_string(), |s| s.to_string()),
                d.message,
                d.help.clone().unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The CRDs of a YAML file, as JSON (template-only lines dropped).
fn crds_in(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    let text: String = text
        .lines()
        .filter(|l| {
            let t = l.trim();
            !(t.starts_with("{{") && t.ends_with("}}"))
        })
        .collect::<Vec<_>>()
        .join("\n");
    kiln_encoding::parse_documents(&text)
        .into_iter()
        .filter_map(|d| d.ok())
        .filter_map(|d| validate::to_json(&d.value).ok())
        .filter(crd::is_crd)
        .collect()
}

#[test]
fn vendored_crds_validate_custom_resources() {
    let objs = objects("crd-objects.yaml", &fixture("crd-objects.yaml"));
    let rules = SchemaRules::new();
    // The Application validates against schemas/crds/argoproj.io/application_v1alpha1.json.
    let app_obj = &objs[0];
    assert!(rules.validate_object(app_obj, Some(31)).is_empty());
    let c = rules
        .schema_for(&Gvk::new("argoproj.io", "v1alpha1", "Application"), 31)
        .unwrap()
        .unwrap();
    assert_eq!(
        c.origin,
        SchemaOrigin::VendoredCrd {
            file: "schemas/crds/argoproj.io/application_v1alpha1.json".into()
        }
    );
    // The ExternalSecret validates against kiln's authored schema
    // (schemas/crds-src/external-secrets.io.yaml, converted into schemas/crds/).
    let d = rules.validate_object(&objs[1], Some(31));
    assert!(d.is_empty(), "{d:?}");
}

#[test]
fn misspelt_fields_in_custom_resources() {
    let objs = objects(
        "crd-objects-broken.yaml",
        &fixture("crd-objects-broken.yaml"),
    );
    let d = SchemaRules::new().validate_object(&objs[0], Some(31));
    let text = show(&d);
    assert_eq!(d.len(), 2, "{text}");
    let unknown = d.iter().find(|x| x.code == "SCH002").expect(&text);
    assert_eq!(
        unknown.message,
        "unknown field `spec.source.helm.valueFile`"
    );
    assert!(
        unknown
            .help
            .as_deref()
            .unwrap()
            .starts_with("did you mean `valueFiles`?"),
        "{text}"
    );
    assert_eq!(
        unknown.span.as_ref().map(|s| (s.file.as_str(), s.line)),
        Some(("charts/test/templates/crd-objects-broken.yaml", 14))
    );
    let wrong = d.iter().find(|x| x.code == "SCH001").expect(&text);
    assert_eq!(
        wrong.message,
        "`spec.syncPolicy.automated.prune`: expected boolean, got string \"yes\""
    );
}

#[test]
fn crds_in_the_input_are_converted_and_used() {
    let mut objs = objects(
        "externalsecret-crd.yaml",
        &fixture("externalsecret-crd.yaml"),
    );
    assert_eq!(objs[0].kind, "CustomResourceDefinition");
    objs.extend(objects("crd-objects.yaml", &fixture("crd-objects.yaml")));
    objs.extend(objects(
        "crd-objects-broken.yaml",
        &fixture("crd-objects-broken.yaml"),
    ));
    let mut out = Vec::new();
    SchemaRules::new().check(&input(vec![app("eso", objs, Some("1.31.0"))]), &mut out);
    let text = show(&out);
    // The CRD object itself is valid (apiextensions.k8s.io/v1 schema), the v1
    // ExternalSecret and the good Application too: every finding is about the broken file.
    assert!(
        out.iter().all(|d| d
            .span
            .as_ref()
            .unwrap()
            .file
            .ends_with("crd-objects-broken.yaml")),
        "{text}"
    );
    let es: Vec<&Diagnostic> = out
        .iter()
        .filter(|d| d.object.as_ref().unwrap().kind == "ExternalSecret")
        .collect();
    let msgs: Vec<&str> = es.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(es.len(), 3, "{text}");
    assert!(msgs.contains(&"`spec.secretStoreRef.kind`: expected one of \"SecretStore\", \"ClusterSecretStore\", got \"VaultStore\""), "{text}");
    assert!(
        msgs.contains(&"missing required field `spec.data[0].remoteRef.key`"),
        "{text}"
    );
    assert!(
        msgs.contains(&"unknown field `spec.refreshIntervall`"),
        "{text}"
    );
    let typo = es.iter().find(|d| d.code == "SCH002").unwrap();
    assert!(typo
        .help
        .as_deref()
        .unwrap()
        .contains("did you mean `refreshInterval`?"));
    assert!(
        typo.help
            .as_deref()
            .unwrap()
            .contains("CRD from charts/test/templates/externalsecret-crd.yaml"),
        "{text}"
    );
}

#[test]
fn input_crds_override_vendored_ones() {
    // A (made-up, minimal) Application CRD in the repository wins over the vendored one.
    let crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: applications.argoproj.io\nspec:\n  group: argoproj.io\n  scope: Namespaced\n  names:\n    kind: Application\n    plural: applications\n  versions:\n    - name: v1alpha1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec:\n              type: object\n              properties:\n                project:\n                  type: string\n";
    let mut objs = objects("app-crd.yaml", crd);
    objs.extend(objects("crd-objects.yaml", &fixture("crd-objects.yaml")));
    objs.truncate(2);
    let mut out = Vec::new();
    SchemaRules::new().check(&input(vec![app("a", objs, None)]), &mut out);
    let text = show(&out);
    assert!(
        out.iter()
            .any(|d| d.code == "SCH002" && d.message == "unknown field `spec.source`"),
        "{text}"
    );
    assert!(
        out.iter().all(|d| d
            .help
            .as_deref()
            .unwrap_or("")
            .contains("CRD from charts/test/templates/app-crd.yaml")),
        "{text}"
    );
}

#[test]
fn corpus_argo_cd_crds_convert_and_validate() {
    let Some(corpus) = corpus() else {
        eprintln!("shared/corpus not found: skipped");
        return;
    };
    let dir = corpus.join("charts/argoproj/argo-cd/templates/crds");
    let mut rules = SchemaRules::new();
    for f in [
        "crd-application.yaml",
        "crd-applicationset.yaml",
        "crd-appproject.yaml",
    ] {
        for c in crds_in(&dir.join(f)) {
            assert!(!rules.add_crd(&c, f).unwrap().is_empty());
        }
    }
    let gvk = Gvk::new("argoproj.io", "v1alpha1", "Application");
    let c = rules.schema_for(&gvk, 31).unwrap().unwrap();
    assert_eq!(
        c.origin,
        SchemaOrigin::InputCrd {
            source: "crd-application.yaml".into()
        }
    );
    let good = objects("crd-objects.yaml", &fixture("crd-objects.yaml"));
    assert!(rules.validate_object(&good[0], Some(31)).is_empty());
    let bad = objects(
        "crd-objects-broken.yaml",
        &fixture("crd-objects-broken.yaml"),
    );
    let d = rules.validate_object(&bad[0], Some(31));
    assert!(
        d.iter()
            .any(|x| x.code == "SCH002" && x.message.contains("`spec.source.helm.valueFile`")),
        "{}",
        show(&d)
    );

    // ApplicationSet: generators' elements and templatePatch are open (preserve-unknown).
    let appset = "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: ai\nspec:\n  goTemplate: true\n  generators:\n    - list:\n        elements:\n          - name: ollama\n            anything: {nested: true}\n  template:\n    metadata:\n      name: '{{.name}}'\n    spec:\n      project: default\n      source:\n        repoURL: https://example.com/r\n        path: charts/ai\n      destination:\n        server: https://kubernetes.default.svc\n        namespace: ai\n";
    let obj = schema_support::object_from(
        kiln_encoding::parse_values(appset).unwrap(),
        "appset.yaml",
        None,
    );
    let d = rules.validate_object(&obj, Some(31));
    assert!(d.is_empty(), "{}", show(&d));
}

/// Every CRD shipped in a `crds/` directory of the corpus charts converts and compiles.
#[test]
fn every_corpus_crd_compiles() {
    let Some(corpus) = corpus() else {
        eprintln!("shared/corpus not found: skipped");
        return;
    };
    let mut files = Vec::new();
    let mut stack = vec![corpus.join("charts")];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.parent().is_some_and(|x| x.ends_with("crds"))
                && p.extension().is_some_and(|x| x == "yaml" || x == "yml")
            {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut rules = SchemaRules::new();
    let mut gvks = Vec::new();
    for f in &files {
        for c in crds_in(f) {
            if let Ok(added) = rules.add_crd(&c, &f.display().to_string()) {
                gvks.extend(added);
            }
        }
    }
    assert!(
        gvks.len() > 40,
        "{} CRD versions in {} files",
        gvks.len(),
        files.len()
    );
    let t = std::time::Instant::now();
    for g in &gvks {
        let c = rules.schema_for(g, 31);
        assert!(matches!(c, Ok(Some(_))), "{g}: {:?}", c.err());
    }
    eprintln!(
        "schema: {} CRD versions from {} corpus files compiled in {:?}",
        gvks.len(),
        files.len(),
        t.elapsed()
    );
}

#[test]
fn hostile_crds_are_reported_not_fatal() {
    // A pattern the regex engine rejects, a $ref cycle and a remote $ref (both dropped:
    // structural schemas forbid $ref), a non-object schema.
    let crd = r##"apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: things.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Thing, plural: things}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                name: {type: string, pattern: "(unclosed"}
                loop: {$ref: "#/properties/spec"}
                remote: {$ref: "https://example.com/x.json"}
    - name: v2
      served: true
      storage: false
      schema:
        openAPIV3Schema: 42
"##;
    let mut objs = objects("thing-crd.yaml", crd);
    objs.extend(objects(
        "things.yaml",
        "apiVersion: example.com/v1\nkind: Thing\nmetadata:\n  name: a\nspec:\n  name: x\n---\napiVersion: example.com/v2\nkind: Thing\nmetadata:\n  name: b\nspec:\n  anything: 1\n",
    ));
    let mut out = Vec::new();
    SchemaRules::new().check(&input(vec![app("t", objs, None)]), &mut out);
    let text = show(&out);
    // v1: the bad pattern keeps the schema from compiling: reported, not validated.
    assert!(
        out.iter()
            .any(|d| d.code == "SCH003" && d.message.contains("does not compile")),
        "{text}"
    );
    // v2: a schema of `42` is no schema: the object is described by identity only, so
    // its unknown top-level field is reported.
    assert!(
        out.iter()
            .any(|d| d.code == "SCH002" && d.message == "unknown field `spec`"),
        "{text}"
    );
}
