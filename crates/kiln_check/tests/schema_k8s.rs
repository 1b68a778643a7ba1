//! Built-in Kubernetes kinds: SCH001 (violation), SCH002 (unknown field), SCH003 (no
//! schema), spans, minor selection and the cost of validating.

mod schema_support;

use std::time::Instant;

use kiln_check::schema::{Catalog, Gvk, SchemaRules, INFOS};
use kiln_check::{Diagnostic, Rule, Severity};
use schema_support::{app, fixture, input, objects};

fn check(yaml_file: &str, kube: Option<&str>) -> Vec<Diagnostic> {
    let objs = objects(yaml_file, &fixture(yaml_file));
    assert!(!objs.is_empty());
    let mut out = Vec::new();
    SchemaRules::new().check(&input(vec![app("test", objs, kube)]), &mut out);
    out
}

fn show(d: &[Diagnostic]) -> String {
    d.iter()
        .map(|d| {
            format!(
                "{} {} {} | {} | {}",
                d.code,
                d.span.as_ref().map_or("-".to_string(), |s| s.to_string()),
                d.object.as_ref().map_or(String::new(), |o| o.to_string()),
                d.message,
                d.help.clone().unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn catalog_has_both_minors() {
    let c = Catalog::embedded();
    assert_eq!(c.minors(), vec![31, 36]);
    let dep = Gvk::new("apps", "v1", "Deployment");
    assert!(c.has_builtin(31, &dep) && c.has_builtin(36, &dep));
    // Found by GVK, not by the file-name rule: another group's Deployment is unknown.
    assert!(!c.has_builtin(31, &Gvk::new("apps.example.com", "v1", "Deployment")));
    assert_eq!(c.pick_minor(Some(31)), Some(31));
    assert_eq!(c.pick_minor(Some(33)), Some(31));
    assert_eq!(c.pick_minor(Some(37)), Some(36));
    assert_eq!(c.pick_minor(None), Some(36));
    assert_eq!(c.scope(&dep), Some(kiln_check::schema::Scope::Namespaced));
    assert_eq!(
        c.scope(&Gvk::new("rbac.authorization.k8s.io", "v1", "ClusterRole")),
        Some(kiln_check::schema::Scope::Cluster)
    );
    assert_eq!(
        c.scope(&Gvk::new("argoproj.io", "v1alpha1", "Application")),
        Some(kiln_check::schema::Scope::Namespaced)
    );
}

#[test]
fn rule_infos_are_documented() {
    let codes: Vec<&str> = INFOS.iter().map(|i| i.code).collect();
    assert_eq!(codes, ["SCH001", "SCH002", "SCH003", "SCH004"]);
    for i in &INFOS {
        for section in [
            "## What it does",
            "## Why does it matter?",
            "## How to fix it",
            "## Example",
        ] {
            assert!(i.docs.contains(section), "{} lacks {section}", i.code);
        }
    }
    assert_eq!(SchemaRules::new().infos().len(), 4);
    assert_eq!(INFOS[2].default_severity, Severity::Warning);
}

#[test]
fn valid_objects_pass_on_both_minors() {
    for kube in ["1.31.0", "1.36.0"] {
        let d = check("valid-builtins.yaml", Some(kube));
        assert!(d.is_empty(), "{kube}:\n{}", show(&d));
    }
}

#[test]
fn invalid_objects_report_sch001_and_sch002_with_paths_and_spans() {
    let d = check("invalid-builtins.yaml", Some("1.31.0"));
    let text = show(&d);
    let find = |code: &str, needle: &str| -> &Diagnostic {
        d.iter()
            .find(|x| x.code == code && x.message.contains(needle))
            .unwrap_or_else(|| panic!("no {code} with {needle:?} in:\n{text}"))
    };
    let f = find(
        "SCH001",
        "`spec.replicas`: expected integer, got string \"two\"",
    );
    assert_eq!(f.severity, Severity::Error);
    let s = f.span.as_ref().expect("span");
    assert_eq!(
        (s.file.as_str(), s.line),
        ("charts/test/templates/invalid-builtins.yaml", 7)
    );

    let f = find(
        "SCH002",
        "unknown field `spec.template.spec.containers[0].imagePulPolicy`",
    );
    assert_eq!(
        f.help
            .as_deref()
            .map(|h| h.starts_with("did you mean `imagePullPolicy`?")),
        Some(true),
        "{text}"
    );
    assert_eq!(f.span.as_ref().map(|s| s.line), Some(19));

    let f = find(
        "SCH001",
        "`spec.template.spec.containers[0].env[0].value`: expected string, got integer 8080",
    );
    assert_eq!(f.span.as_ref().map(|s| s.line), Some(22));

    let f = find("SCH002", "unknown field `metadata.lables`");
    assert!(
        f.help
            .as_deref()
            .unwrap_or("")
            .contains("did you mean `labels`?"),
        "{text}"
    );
    assert_eq!(f.object.as_ref().map(|o| o.kind.as_str()), Some("Service"));

    let f = find(
        "SCH001",
        "`spec.ports[0].targetPort`: expected string or integer, got boolean true",
    );
    assert_eq!(f.span.as_ref().map(|s| s.line), Some(35));

    find("SCH001", "missing required field `spec.containers`");
    assert_eq!(d.len(), 6, "{text}");
    assert!(d
        .iter()
        .all(|x| x.app.as_deref() == Some("test") && x.cluster.as_deref() == Some("home")));
}

#[test]
fn kinds_without_schema_are_sch003_warnings() {
    let d = check("unknown-kinds.yaml", Some("1.31.0"));
    // The fixture's Route validates against kiln's authored schema
    // (schemas/crds/route.openshift.io): only the two kinds without any schema remain.
    assert_eq!(d.len(), 2, "{}", show(&d));
    assert!(d
        .iter()
        .all(|x| x.code == "SCH003" && x.severity == Severity::Warning));
    assert!(
        d[0].message.contains("`example.com/v1 Widget`"),
        "{}",
        show(&d)
    );
    assert!(d[1].message.contains("`policy/v1beta1 PodSecurityPolicy`"));
    assert!(!d.iter().any(|x| x.message.contains("Route")));
    assert_eq!(d[0].span.as_ref().map(|s| s.line), Some(3));
}

#[test]
fn minor_selects_the_schema() {
    // Pod-level `resources` exists in v1.36's PodSpec, not in v1.31's.
    let yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  resources:\n    limits:\n      cpu: 1\n  containers:\n    - name: c\n      image: x\n";
    let obj = objects("pod.yaml", yaml).remove(0);
    let rules = SchemaRules::new();
    let old = rules.validate_object(&obj, Some(31));
    assert_eq!(old.len(), 1, "{}", show(&old));
    assert_eq!(old[0].code, "SCH002");
    assert!(old[0].message.contains("`spec.resources`"));
    assert!(rules.validate_object(&obj, Some(36)).is_empty());
    // 1.33 picks v1.31; 1.40 picks v1.36; no minor: the newest.
    assert_eq!(rules.validate_object(&obj, Some(33)).len(), 1);
    assert!(rules.validate_object(&obj, Some(40)).is_empty());
    assert!(rules.validate_object(&obj, None).is_empty());
    assert_eq!(
        SchemaRules::new()
            .with_default_minor(Some(31))
            .validate_object(&obj, None)
            .len(),
        1
    );

    // resource.k8s.io/v1 DeviceClass: GA after 1.31.
    let dc =
        "apiVersion: resource.k8s.io/v1\nkind: DeviceClass\nmetadata:\n  name: gpu\nspec: {}\n";
    let obj = objects("dc.yaml", dc).remove(0);
    assert_eq!(rules.validate_object(&obj, Some(31))[0].code, "SCH003");
    assert!(rules.validate_object(&obj, Some(36)).is_empty());
}

#[test]
fn hostile_objects_do_not_panic() {
    // Deep nesting under a field the schema leaves open (annotations are strings, so
    // this is also a type error) and a very deep unknown subtree.
    let mut deep = String::from("x");
    for _ in 0..2000 {
        deep = format!("{{a: {deep}}}");
    }
    let yaml = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: v\nextra: {deep}\n"
    );
    let value = match kiln_encoding::parse_values(&yaml) {
        Ok(v) => v,
        Err(_) => return, // the YAML reader refuses it: nothing to validate
    };
    let obj = schema_support::object_from(value, "t.yaml", None);
    let d = SchemaRules::new().validate_object(&obj, Some(31));
    assert!(!d.is_empty());
    std::mem::forget(obj);
}

#[test]
fn validating_is_fast_once_compiled() {
    let objs = objects("valid-builtins.yaml", &fixture("valid-builtins.yaml"));
    let rules = SchemaRules::new();
    let t = Instant::now();
    for o in &objs {
        assert!(rules.validate_object(o, Some(31)).is_empty());
    }
    let first = t.elapsed();
    let t = Instant::now();
    let rounds = 50;
    for _ in 0..rounds {
        for o in &objs {
            rules.validate_object(o, Some(31));
        }
    }
    let per_object = t.elapsed() / (rounds * objs.len() as u32);
    eprintln!(
        "schema: first pass over {} objects (compiling) {first:?}; then {per_object:?} per object",
        objs.len()
    );
    assert!(per_object.as_millis() < 20, "{per_object:?} per object");
}
