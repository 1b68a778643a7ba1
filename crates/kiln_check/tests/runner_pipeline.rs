//! The runner end to end on a hand-built input: rules (one of which panics),
//! suppressions in values comments and annotations, configuration per path, kiln's own
//! findings, merging across clusters and sorting.

use std::sync::Arc;

use kiln_check::config::CheckConfig;
use kiln_check::{
    runner, App, CheckInput, Diagnostic, Object, Rule, RuleInfo, Severity, ValueFile,
};

const OLLAMA_VALUES: &str = "\
gpu:
  enabled: true   # kiln:ignore GPU002 -- CI has no GPU
resources:
  # kiln:ignore RES001 -- the 2Gi model fits
  limits:
    memory: 2Gi   # kiln:ignore RES002
  requests:
    cpu: 1        # kiln:ignore RES003 RESX01 -- typo in the second code
";

const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ollama
  namespace: ai
  annotations:
    kiln.dev/ignore: \"SEC001: needs root for nvidia-smi; POD001\"
";

const KILN_TOML: &str = r#"[checks]
fail-on = "warning"

[[checks.rules]]
paths = ["charts/legacy"]
disable = ["KLN001"]

[[checks.rules]]
paths = ["charts/ai/**"]
severity = { RES = "error" }
enable = ["GPU01"]
"#;

fn value_file(path: &str, text: &str) -> ValueFile {
    let (_, spans) =
        kiln_encoding::parse_values_with_spans(text).unwrap_or_else(|e| panic!("{path}: {e:?}"));
    ValueFile {
        path: path.to_string(),
        spans: Arc::new(spans),
        text: Arc::from(text),
    }
}

fn app(cluster: Option<&str>, name: &str, chart_dir: &str, deployed: bool) -> App {
    App {
        cluster: cluster.map(str::to_string),
        name: name.to_string(),
        chart_dir: Some(chart_dir.to_string()),
        chart: None,
        values: None,
        value_files: Vec::new(),
        objects: Vec::new(),
        deployed,
        kube_version: None,
        user_values: None,
    }
}

fn deployment() -> Object {
    let (value, _) =
        kiln_encoding::parse_values_with_spans(DEPLOYMENT).unwrap_or_else(|e| panic!("{e:?}"));
    Object {
        value,
        api_version: "apps/v1".into(),
        kind: "Deployment".into(),
        name: "ollama".into(),
        namespace: Some("ai".into()),
        source: "ollama/templates/deployment.yaml".into(),
        origin: None,
    }
}

fn input() -> CheckInput {
    let mut apps = Vec::new();
    for cluster in ["home", "lab"] {
        let mut a = app(Some(cluster), "ollama", "charts/ai/ollama", true);
        a.value_files = vec![value_file("charts/ai/ollama/values.yaml", OLLAMA_VALUES)];
        a.objects = vec![deployment()];
        apps.push(a);
    }
    let mut web = app(Some("home"), "web", "charts/web", true);
    web.value_files = vec![value_file("charts/web/values.yaml", "replicas: a\n")];
    apps.push(web);
    apps.push(app(None, "charts/ai/draft", "charts/ai/draft", false));
    apps.push(app(None, "charts/legacy", "charts/legacy", false));
    CheckInput {
        apps,
        ..CheckInput::default()
    }
}

fn info(code: &'static str, severity: Severity) -> RuleInfo {
    RuleInfo {
        code,
        name: "test",
        default_severity: severity,
        summary: "test",
        docs: "test",
    }
}

fn finding(app: &App, code: &str, severity: Severity, message: &str) -> Diagnostic {
    let mut d = Diagnostic::new(code, severity, message);
    d.cluster = app.cluster.clone();
    d.app = Some(app.name.clone());
    d
}

/// Reports findings at values keys, as a real rule would.
struct ValuesRule;

impl Rule for ValuesRule {
    fn infos(&self) -> &'static [RuleInfo] {
        static INFOS: std::sync::OnceLock<Vec<RuleInfo>> = std::sync::OnceLock::new();
        INFOS.get_or_init(|| {
            vec![
                info("GPU001", Severity::Error),
                info("GPU002", Severity::Error),
                info("RES001", Severity::Warning),
                info("RES002", Severity::Warning),
                info("RES003", Severity::Warning),
                info("SCH001", Severity::Error),
            ]
        })
    }

    fn check(&self, input: &CheckInput, out: &mut Vec<Diagnostic>) {
        for app in &input.apps {
            if app.name == "ollama" {
                let at = [
                    ("gpu", "GPU001", Severity::Error, "GPU without toleration"),
                    ("gpu.enabled", "GPU002", Severity::Error, "GPU on in CI"),
                    (
                        "resources.limits",
                        "RES001",
                        Severity::Warning,
                        "limits too low",
                    ),
                    (
                        "resources.limits.memory",
                        "RES002",
                        Severity::Warning,
                        "memory 2Gi < 4Gi",
                    ),
                    (
                        "resources.requests.cpu",
                        "RES003",
                        Severity::Warning,
                        "cpu request 1",
                    ),
                ];
                for (key, code, severity, message) in at {
                    out.push(finding(app, code, severity, message).with_span(app.value_span(key)));
                }
            }
            if app.name == "web" {
                out.push(
                    finding(app, "SCH001", Severity::Error, "replicas: want integer")
                        .with_span(app.value_span("replicas")),
                );
                // No span, and not under charts/ai: disabled by default.
                out.push(finding(
                    app,
                    "GPU001",
                    Severity::Error,
                    "GPU without toleration",
                ));
            }
        }
    }
}

/// Reports findings about objects, without spans.
struct ObjectRule;

impl Rule for ObjectRule {
    fn infos(&self) -> &'static [RuleInfo] {
        static INFOS: std::sync::OnceLock<Vec<RuleInfo>> = std::sync::OnceLock::new();
        INFOS.get_or_init(|| {
            vec![
                info("SEC001", Severity::Error),
                info("POD001", Severity::Warning),
            ]
        })
    }

    fn check(&self, input: &CheckInput, out: &mut Vec<Diagnostic>) {
        for app in &input.apps {
            for obj in &app.objects {
                out.push(
                    finding(app, "SEC001", Severity::Error, "runs as root")
                        .with_object(obj.object_ref()),
                );
                out.push(
                    finding(app, "POD001", Severity::Warning, "no PodDisruptionBudget")
                        .with_object(obj.object_ref()),
                );
            }
        }
    }
}

/// Pushes one finding, then panics.
struct PanickingRule;

impl Rule for PanickingRule {
    fn infos(&self) -> &'static [RuleInfo] {
        static INFOS: std::sync::OnceLock<Vec<RuleInfo>> = std::sync::OnceLock::new();
        INFOS.get_or_init(|| vec![info("DOC101", Severity::Warning)])
    }

    fn check(&self, input: &CheckInput, out: &mut Vec<Diagnostic>) {
        if let Some(app) = input.apps.first() {
            out.push(
                finding(app, "DOC101", Severity::Warning, "found before the panic")
                    .with_span(app.value_span("gpu")),
            );
        }
        panic!("boom");
    }
}

fn rules() -> Vec<Box<dyn Rule>> {
    vec![
        Box::new(ValuesRule),
        Box::new(PanickingRule),
        Box::new(ObjectRule),
    ]
}

/// One line per finding: severity, code, location, clusters, app, message.
fn lines(found: &[Diagnostic]) -> Vec<String> {
    found
        .iter()
        .map(|d| {
            format!(
                "{} {} {} [{}] {} {}",
                d.severity,
                d.code,
                d.span.as_ref().map_or("-".to_string(), |s| s.to_string()),
                d.cluster.as_deref().unwrap_or(""),
                d.app.as_deref().unwrap_or("-"),
                d.message
            )
        })
        .collect()
}

#[test]
fn pipeline() {
    let config = CheckConfig::from_kiln_toml(KILN_TOML).unwrap_or_else(|e| panic!("{e}"));
    let found = runner::run(&input(), &rules(), &config);
    let v = "charts/ai/ollama/values.yaml";
    let expected = [
        "warning KLN002 - [home] ollama suppression of `POD001` has no reason, so it is ignored".to_string(),
        "warning KLN002 - [lab] ollama suppression of `POD001` has no reason, so it is ignored".to_string(),
        "error KLN004 - [] - internal error: rule DOC101 panicked: boom".to_string(),
        "warning POD001 - [home] ollama no PodDisruptionBudget".to_string(),
        "warning POD001 - [lab] ollama no PodDisruptionBudget".to_string(),
        "info KLN001 charts/ai/draft/Chart.yaml:1:1 [] charts/ai/draft chart `charts/ai/draft` is not deployed by any cluster; it was checked with its default values".to_string(),
        format!("warning DOC101 {v}:1:1 [home] ollama found before the panic"),
        format!("error GPU001 {v}:1:1 [home, lab] ollama GPU without toleration"),
        format!("error RES002 {v}:6:5 [home, lab] ollama memory 2Gi < 4Gi"),
        format!("warning KLN002 {v}:6:19 [] - suppression of `RES002` has no reason, so it is ignored"),
        format!("warning KLN002 {v}:8:19 [] - suppression names unknown rule code `RESX01`"),
        "error SCH001 charts/web/values.yaml:1:1 [home] web replicas: want integer".to_string(),
        "error KLN003 kiln.toml:11:12 [] - unknown rule code `GPU01` in `enable` of [[checks.rules]] #2".to_string(),
    ];
    assert_eq!(lines(&found), expected, "\n{:#?}", lines(&found));

    // Details: the help of a bad suppression, the object of an annotation problem.
    let unknown = found.iter().find(|d| d.message.contains("RESX01"));
    assert_eq!(
        unknown.and_then(|d| d.help.as_deref()),
        Some("did you mean `RES001`? `kiln explain CODE` shows a rule")
    );
    let kln002 = &found[0];
    assert_eq!(
        kln002.object.as_ref().map(|o| o.to_string()).as_deref(),
        Some("Deployment ai/ollama")
    );
    assert_eq!(runner::clusters(&found[7]), ["home", "lab"]);

    assert!(runner::fails(&found, Severity::Error));
    assert!(runner::fails(&found, Severity::Warning));
    assert!(runner::fails(&found, Severity::Info));
}

/// The rules' order does not change the output.
#[test]
fn order_independent() {
    let config = CheckConfig::from_kiln_toml(KILN_TOML).unwrap_or_else(|e| panic!("{e}"));
    let a = runner::run(&input(), &rules(), &config);
    let mut reversed = rules();
    reversed.reverse();
    let b = runner::run(&input(), &reversed, &config);
    assert_eq!(a, b);
}

/// Without configuration: default severities, both undeployed charts reported, no
/// KLN003; a clean input with no rules yields only kiln's own findings.
#[test]
fn default_config() {
    let found = runner::run(&input(), &rules(), &CheckConfig::default());
    let all = lines(&found);
    assert!(
        all.contains(
            &"warning RES002 charts/ai/ollama/values.yaml:6:5 [home, lab] ollama memory 2Gi < 4Gi"
                .to_string()
        ),
        "{all:#?}"
    );
    assert_eq!(found.iter().filter(|d| d.code == "KLN001").count(), 2);
    assert!(!found.iter().any(|d| d.code == "KLN003"));

    let mut clean = input();
    clean.apps.retain(|a| a.deployed);
    let found = runner::run(&clean, &[], &CheckConfig::default());
    // Only the suppression problems remain (codes are unknown without the rules).
    assert!(
        found.iter().all(|d| d.code == "KLN002"),
        "{:#?}",
        lines(&found)
    );
    assert!(!runner::fails(&found, Severity::Error));
    assert!(runner::fails(&found, Severity::Warning));

    let found = runner::run(&CheckInput::default(), &[], &CheckConfig::default());
    assert!(found.is_empty());
    assert!(!runner::fails(&found, Severity::Info));
}

/// A panic with a `String` payload, and a rule set with many codes, are named.
#[test]
fn panics_are_named() {
    struct Many;
    impl Rule for Many {
        fn infos(&self) -> &'static [RuleInfo] {
            static INFOS: std::sync::OnceLock<Vec<RuleInfo>> = std::sync::OnceLock::new();
            INFOS.get_or_init(|| {
                ["SCH001", "SCH002", "SCH003", "SCH004", "SCH005"]
                    .into_iter()
                    .map(|c| info(c, Severity::Error))
                    .collect()
            })
        }
        fn check(&self, input: &CheckInput, _: &mut Vec<Diagnostic>) {
            let n = input.apps.len();
            panic!("index {n} out of range");
        }
    }
    let found = runner::run(
        &CheckInput::default(),
        &[Box::new(Many) as Box<dyn Rule>],
        &CheckConfig::default(),
    );
    assert_eq!(
        lines(&found),
        ["error KLN004 - [] - internal error: rules SCH001…SCH005 (5 codes) panicked: index 0 out of range"]
    );
    assert_eq!(
        found[0].help.as_deref(),
        Some("this is a bug in kiln, please report it; findings of these codes may be missing")
    );
}
