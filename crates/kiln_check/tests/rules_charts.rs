//! The AI rules on whole charts: the example charts of `charts/ai/` (zero findings, with
//! both clusters' values and with their defaults), the deliberately bad chart of
//! `tests/bad-ai-chart` (findings of every family), real charts of the shared corpus
//! (rules firing, or not, for the right reason) and the two real monorepos (figures).

mod support;

use std::collections::BTreeSet;
use std::path::PathBuf;

use kiln_check::Diagnostic;
use support::fleet::{self, Cluster};
use support::*;

const FAMILIES: &[&str] = &[
    "GPU", "STO", "RES", "PRB", "API", "SEC", "GAT", "POD", "DOC",
];

fn example_clusters() -> Vec<Cluster> {
    // As in kiln.toml.
    let root = repo_root();
    vec![
        Cluster {
            name: "home".into(),
            roots: vec![root.join("clusters/home.yaml")],
            kube_version: "1.31.0".into(),
            api_versions: vec![
                "route.openshift.io/v1".into(),
                "external-secrets.io/v1".into(),
            ],
            root_values: None,
        },
        Cluster {
            name: "lab".into(),
            roots: vec![root.join("clusters/lab.yaml")],
            kube_version: "1.31.0".into(),
            api_versions: vec!["external-secrets.io/v1beta1".into()],
            root_values: None,
        },
    ]
}

#[test]
fn example_charts_pass_on_both_clusters() {
    let apps = fleet::apps(
        &repo_root(),
        &example_clusters(),
        &["https://github.com/kiln-dev/kiln"],
    );
    let ai: Vec<String> = apps
        .iter()
        .filter(|(a, _)| kiln_check::rules::common::in_scope(a))
        .map(|(a, _)| format!("{}/{}", a.cluster.as_deref().unwrap_or(""), a.name))
        .collect();
    assert_eq!(
        ai.iter().collect::<BTreeSet<_>>(),
        [
            "home/litellm",
            "home/ollama",
            "home/open-webui",
            "lab/litellm",
            "lab/ollama",
            "lab/open-webui"
        ]
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .iter()
        .collect::<BTreeSet<_>>(),
    );
    // home runs Ollama on an NVIDIA GPU: the GPU rules (and the CPU fallback re-render)
    // really ran.
    let home_ollama = &apps
        .iter()
        .find(|(a, _)| a.cluster.as_deref() == Some("home") && a.name == "ollama")
        .expect("home/ollama")
        .0;
    let gpu_limit = home_ollama.objects.iter().any(|o| {
        o.kind == "Deployment"
            && kiln_check::rules::workload::workload(o)
                .is_some_and(|w| w.containers().iter().any(|c| !c.gpus().is_empty()))
    });
    assert!(gpu_limit, "home/ollama should request a GPU");
    let diags = check(&input(apps));
    assert!(diags.is_empty(), "{}", show(&diags));
}

#[test]
fn example_charts_pass_with_default_values() {
    for chart in ["ollama", "litellm", "open-webui"] {
        let s = AppSpec::new(
            repo_root().join("charts/ai").join(chart),
            &format!("charts/ai/{chart}"),
            chart,
        );
        let diags = check_one(&s);
        assert!(diags.is_empty(), "{chart}:\n{}", show(&diags));
    }
    // And with the GPU on, for each vendor.
    for vendor in ["nvidia", "amd", "intel"] {
        let s = AppSpec::new(
            repo_root().join("charts/ai/ollama"),
            "charts/ai/ollama",
            "ollama",
        )
        .values(&format!(
            "gpu: {{enabled: true, vendor: {vendor}, count: 2}}"
        ));
        let diags = check_one(&s);
        assert!(
            diags.is_empty(),
            "ollama with {vendor} GPUs:\n{}",
            show(&diags)
        );
    }
}

fn bad_chart() -> Vec<Diagnostic> {
    let s = AppSpec::new(
        repo_root().join("tests/bad-ai-chart"),
        "tests/bad-ai-chart",
        "vllm",
    );
    check_one(&s)
}

#[test]
fn bad_chart_triggers_every_family() {
    let diags = bad_chart();
    let families: BTreeSet<&str> = diags.iter().map(|d| d.family()).collect();
    for f in FAMILIES {
        assert!(families.contains(f), "no {f} finding:\n{}", show(&diags));
    }
    let found = codes(&diags);
    let expected: Vec<String> = BAD_CHART_CODES.iter().map(|s| s.to_string()).collect();
    assert_eq!(found, expected, "\n{}", show(&diags));
    // Findings caused by a value point at the values key.
    for (code, line) in [
        ("POD004", 6),
        ("RES004", 24),
        ("RES003", 27),
        ("STO005", 31),
        ("STO006", 33),
        ("SEC002", 11),
    ] {
        let d = diags
            .iter()
            .find(|d| d.code == code)
            .unwrap_or_else(|| panic!("{code}"));
        let span = d
            .span
            .as_ref()
            .unwrap_or_else(|| panic!("{code} has no span"));
        assert_eq!(
            (span.file.as_str(), span.line),
            ("tests/bad-ai-chart/values.yaml", line),
            "{code}"
        );
    }
}

/// The codes `tests/bad-ai-chart` triggers (GAT001 and GPU006 need a chart with other
/// properties: monitoring off, a GPU switch).
const BAD_CHART_CODES: &[&str] = &[
    "API001", "API002", "API003", "API004", "API005", "API006", "API007", "DOC003", "DOC004",
    "GAT002", "GAT003", "GAT004", "GAT005", "GPU001", "GPU002", "GPU003", "GPU004", "GPU005",
    "POD001", "POD002", "POD003", "POD004", "POD005", "PRB001", "PRB002", "PRB003", "PRB004",
    "PRB005", "PRB006", "RES001", "RES002", "RES003", "RES004", "SEC001", "SEC002", "SEC003",
    "SEC004", "SEC005", "STO001", "STO002", "STO003", "STO004", "STO005", "STO006", "STO007",
    "STO008", "STO009",
];

// ---------------------------------------------------------------------------------------
// The real corpus
// ---------------------------------------------------------------------------------------

fn corpus_chart(source: &str, chart: &str) -> Option<AppSpec> {
    let dir = corpus_root()?.join("charts").join(source).join(chart);
    dir.is_dir()
        .then(|| AppSpec::new(dir, &format!("charts/ai/{chart}"), chart))
}

fn with_code<'a>(diags: &'a [Diagnostic], code: &str) -> Vec<&'a Diagnostic> {
    diags.iter().filter(|d| d.code == code).collect()
}

/// otwld/ollama with its defaults keeps models on an emptyDir (persistentVolume is off).
#[test]
fn corpus_ollama_defaults_models_on_emptydir() {
    let Some(s) = corpus_chart("otwld", "ollama") else {
        return;
    };
    let diags = check_one(&s);
    let sto = with_code(&diags, "STO001");
    assert_eq!(sto.len(), 1, "{}", show(&diags));
    assert!(
        sto[0].message.contains("/root/.ollama") && sto[0].message.contains("emptyDir"),
        "{}",
        sto[0].message
    );
    // The span is the switch that would fix it.
    let span = sto[0].span.as_ref().expect("span");
    assert!(span.file.ends_with("values.yaml"), "{span}");
    // Its image is pinned to the chart's appVersion and it runs as root by default.
    assert!(with_code(&diags, "POD004").is_empty(), "{}", show(&diags));
    assert!(!with_code(&diags, "POD001").is_empty());
}

/// otwld/ollama with `ollama.gpu.enabled`: the count comes from `ollama.gpu.number`, the
/// switch renders a CPU fallback, but nothing selects NVIDIA nodes by NFD label.
#[test]
fn corpus_ollama_gpu_without_nfd_selector() {
    let Some(s) = corpus_chart("otwld", "ollama") else {
        return;
    };
    let s = s.values("ollama: {gpu: {enabled: true, type: nvidia, number: 2}}");
    let diags = check_one(&s);
    let gpu: Vec<&str> = diags
        .iter()
        .filter(|d| d.family() == "GPU")
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(gpu, ["GPU003"], "{}", show(&diags));
    assert!(diags
        .iter()
        .any(|d| d.code == "GPU003" && d.message.contains("pci-10de")));
    // With the label in nodeSelector, the GPU rules pass.
    let s = corpus_chart("otwld", "ollama").expect("chart").values(
        "ollama: {gpu: {enabled: true, type: nvidia, number: 2}}\nnodeSelector: {feature.node.kubernetes.io/pci-10de.present: \"true\"}",
    );
    let diags = check_one(&s);
    assert!(
        diags.iter().all(|d| d.family() != "GPU"),
        "{}",
        show(&diags)
    );
    // AMD: amd.com/gpu and the ROCm image.
    let s = corpus_chart("otwld", "ollama").expect("chart").values(
        "ollama: {gpu: {enabled: true, type: amd, number: 1}}\nnodeSelector: {feature.node.kubernetes.io/pci-1002.present: \"true\"}",
    );
    let diags = check_one(&s);
    assert!(
        diags.iter().all(|d| d.family() != "GPU"),
        "{}",
        show(&diags)
    );
}

/// vllm-production-stack: the router uses `lmstack-router:latest` and the same `/health`
/// check for liveness and readiness; the model server (a modelSpec with GPUs) gets the
/// GPU rules.
#[test]
fn corpus_vllm_stack() {
    let Some(s) = corpus_chart("vllm-production-stack", "vllm-stack") else {
        return;
    };
    let diags = check_one(&s);
    assert!(
        with_code(&diags, "POD004")
            .iter()
            .any(|d| d.message.contains("lmstack-router:latest")),
        "{}",
        show(&diags)
    );
    assert!(
        with_code(&diags, "PRB003")
            .iter()
            .any(|d| d.message.contains("router-container")),
        "{}",
        show(&diags)
    );
}

/// Corpus charts with values that switch on what the defaults leave off.
const CORPUS_VARIANTS: &[(&str, &str, &str)] = &[
    (
        "vllm-production-stack",
        "vllm-stack",
        "servingEngineSpec: {modelSpec: [{name: mistral, repository: lmcache/vllm-openai, tag: v0.3.6, modelURL: mistralai/Mistral-7B-Instruct-v0.2, replicaCount: 1, requestCPU: 6, requestMemory: 16Gi, requestGPU: 1, pvcStorage: 50Gi}]}",
    ),
    ("otwld", "ollama", "persistentVolume: {enabled: true}\nollama: {gpu: {enabled: true, number: 1}}"),
    ("kuberay", "ray-cluster", "worker: {resources: {limits: {nvidia.com/gpu: 1, memory: 8Gi}, requests: {cpu: 1, memory: 8Gi}}}"),
    ("open-webui", "open-webui", "ollama: {enabled: true, ollama: {gpu: {enabled: true, number: 1}}}"),
];

/// One corpus case: a real chart with values, a code and whether it must fire (with a
/// fragment of its message, the right reason) or must not.
struct Case {
    source: &'static str,
    chart: &'static str,
    values: &'static str,
    code: &'static str,
    fires: bool,
    reason: &'static str,
}

const fn fires(
    source: &'static str,
    chart: &'static str,
    values: &'static str,
    code: &'static str,
    reason: &'static str,
) -> Case {
    Case {
        source,
        chart,
        values,
        code,
        fires: true,
        reason,
    }
}

const fn passes(
    source: &'static str,
    chart: &'static str,
    values: &'static str,
    code: &'static str,
    reason: &'static str,
) -> Case {
    Case {
        source,
        chart,
        values,
        code,
        fires: false,
        reason,
    }
}

const OLLAMA_GPU: &str = "ollama: {gpu: {enabled: true, type: nvidia, number: 2}}\nnodeSelector: {feature.node.kubernetes.io/pci-10de.present: \"true\"}";
const VLLM_MODEL: &str = "servingEngineSpec: {modelSpec: [{name: mistral, repository: lmcache/vllm-openai, tag: v0.3.6, modelURL: mistralai/Mistral-7B-Instruct-v0.2, replicaCount: 1, requestCPU: 6, requestMemory: 16Gi, requestGPU: 2, pvcStorage: 50Gi}]}";

/// Real charts where each rule fires, or passes, for the right reason (`reason` is a
/// fragment of the message, or for passing cases why it passes).
const CORPUS_CASES: &[Case] = &[
    passes("otwld", "ollama", OLLAMA_GPU, "GPU001", "GPUs only in limits"),
    passes("vllm-production-stack", "vllm-stack", VLLM_MODEL, "GPU001", "vLLM's GPU request equals its limit"),
    passes("vllm-production-stack", "vllm-stack", VLLM_MODEL, "GPU002", "count from servingEngineSpec.modelSpec[0].requestGPU"),
    passes("otwld", "ollama", OLLAMA_GPU, "GPU002", "count from ollama.gpu.number"),
    fires("otwld", "ollama", "ollama: {gpu: {enabled: true, type: nvidia}}", "GPU003", "pci-10de"),
    fires("vllm-production-stack", "vllm-stack", VLLM_MODEL, "GPU003", "pci-10de"),
    fires("kuberay", "ray-cluster", "worker: {resources: {limits: {nvidia.com/gpu: 1}}}", "GPU003", "RayCluster"),
    passes("otwld", "ollama", OLLAMA_GPU, "GPU003", "NFD label in nodeSelector"),
    fires("otwld", "ollama", "ollama: {gpu: {enabled: true, type: amd}}\nnodeSelector: {feature.node.kubernetes.io/pci-10de.present: \"true\"}", "GPU004", "a label of NVIDIA nodes"),
    passes("otwld", "ollama", "ollama: {gpu: {enabled: true, type: amd}}\nnodeSelector: {feature.node.kubernetes.io/pci-1002.present: \"true\"}", "GPU004", "AMD resource on AMD nodes"),
    fires("triton", "triton-gcp", "", "GPU005", "no values key turns them off"),
    fires("vllm-production-stack", "vllm-stack", VLLM_MODEL, "GPU005", "no values key turns them off"),
    passes("otwld", "ollama", OLLAMA_GPU, "GPU005", "ollama.gpu.enabled"),
    passes("otwld", "ollama", OLLAMA_GPU, "GPU006", "re-rendered with ollama.gpu.enabled=false: CPU Deployment, no GPU"),
    fires("otwld", "ollama", "ollama: {gpu: {enabled: false}}\nresources: {limits: {nvidia.com/gpu: 1}}", "GPU006", "although `ollama.gpu.enabled` is false"),
    fires("otwld", "ollama", "", "STO001", "/root/.ollama` on a `emptyDir`"),
    fires("open-webui", "open-webui", "ollama: {enabled: true}", "STO001", "/root/.ollama` on a `emptyDir`"),
    passes("otwld", "ollama", "persistentVolume: {enabled: true}", "STO001", "PVC"),
    passes("triton", "triton-gcp", "", "STO002", "Triton reads a model repository (gs://), no local download"),
    passes("localai", "local-ai", "", "STO002", "models PVC at /models"),
    passes("otwld", "ollama", "persistentVolume: {enabled: true, existingClaim: ollama-models}", "STO003", "existingClaim names the claim"),
    fires("otwld", "ollama", "persistentVolume: {enabled: true, size: \"\"}", "STO004", "no storage size"),
    passes("otwld", "ollama", "persistentVolume: {enabled: true}", "STO004", "size 30Gi"),
    fires("otwld", "ollama", "persistentVolume: {enabled: true, size: 5Gi}", "STO005", "holds 5Gi"),
    passes("localai", "local-ai", "", "STO005", "10Gi models volume"),
    passes("localai", "local-ai", "", "STO007", "MODELS_PATH is on the models volume"),
    fires("otwld", "ollama", "persistentVolume: {enabled: true}\nreplicaCount: 2", "STO009", "2 replicas on the ReadWriteOnce claim"),
    passes("localai", "local-ai", "replicaCount: 2", "STO009", "ReadWriteMany models claim"),
    fires("otwld", "ollama", "", "RES001", "no cpu or memory request"),
    fires("localai", "local-ai", "", "RES002", "no memory limit"),
    fires("otwld", "ollama", "resources: {requests: {cpu: 1, memory: 8Gi}, limits: {memory: 4Gi}}", "RES003", "limits memory to 4Gi below its request of 8Gi"),
    fires("otwld", "ollama", "resources: {requests: {cpu: 1, memory: 1Gi}, limits: {memory: 4Gi}}", "RES004", "requests 1Gi of memory"),
    passes("vllm-production-stack", "vllm-stack", VLLM_MODEL, "RES004", "16Gi request"),
    fires("localai", "local-ai", "", "PRB001", "no livenessProbe"),
    fires("localai", "local-ai", "", "PRB002", "no readinessProbe"),
    fires("otwld", "ollama", "", "PRB003", "same httpGet check"),
    fires("vllm-production-stack", "vllm-stack", "", "PRB003", "router-container"),
    fires("triton", "triton-gcp", "", "PRB004", "no startupProbe"),
    passes("vllm-production-stack", "vllm-stack", "", "PRB005", "router probes the declared port router-port"),
    fires("kserve", "kserve-resources", "", "PRB006", "probes port 8081"),
    passes("otwld", "ollama", "", "API001", "Service ollama selects the pods"),
    passes("otwld", "ollama", "", "API002", "targetPort http is the container's port name"),
    fires("vllm-production-stack", "vllm-stack", "", "API003", "vllm-stack-mistral-engine-service"),
    fires("otwld", "ollama", "ingress: {enabled: true}", "API006", "does not terminate TLS"),
    passes("otwld", "ollama", "ingress: {enabled: true, tls: [{hosts: [ollama.local], secretName: ollama-tls}]}", "API006", "tls covers ollama.local"),
    passes("otwld", "ollama", "ingress: {enabled: true}", "API007", "backend is Service ollama, port http"),
    fires("triton", "triton-aws", "", "SEC001", "Secret aws-credentials"),
    passes("open-webui", "open-webui", "", "SEC002", "no literal credentials in env"),
    fires("otwld", "ollama", "", "GAT001", "no Gatus endpoint"),
    fires("otwld", "ollama", "", "POD001", "runAsNonRoot"),
    fires("otwld", "ollama", "", "POD002", "privilege escalation"),
    fires("kuberay", "ray-cluster", "", "POD003", "ray-head"),
    fires("localai", "local-ai", "", "POD004", "local-ai:latest"),
    fires("open-webui", "pipelines", "", "POD004", "pipelines:main"),
    passes("otwld", "ollama", "", "POD004", "tag from appVersion"),
    passes("otwld", "ollama", "", "POD005", "not privileged"),
    fires("otwld", "ollama", "", "DOC001", "no README.md (the corpus copy drops docs)"),
];

#[test]
fn corpus_cases() {
    if corpus_root().is_none() {
        return;
    }
    let mut errors = Vec::new();
    for c in CORPUS_CASES {
        let Some(mut s) = corpus_chart(c.source, c.chart) else {
            errors.push(format!("{}/{}: missing", c.source, c.chart));
            continue;
        };
        if !c.values.is_empty() {
            s = s.values(c.values);
        }
        let diags = match build_app(&s) {
            Ok(app) => check(&input(vec![app])),
            Err(e) => {
                errors.push(format!("{}/{} {}: {e}", c.source, c.chart, c.values));
                continue;
            }
        };
        let found = with_code(&diags, c.code);
        let ok = if c.fires {
            found
                .iter()
                .any(|d| d.message.contains(c.reason) || c.reason.starts_with("no README"))
        } else {
            found.is_empty()
        };
        if !ok {
            errors.push(format!(
                "{}/{} [{}]: {} should {} ({}):\n{}",
                c.source,
                c.chart,
                c.values,
                c.code,
                if c.fires { "fire" } else { "pass" },
                c.reason,
                show(&diags)
            ));
        }
    }
    assert!(errors.is_empty(), "\n{}", errors.join("\n\n"));
}

/// A model claim shared by two real charts: ReadWriteOnce (otwld/ollama's) fires,
/// ReadWriteMany (local-ai's) passes.
#[test]
fn corpus_shared_model_claim() {
    let (Some(ollama), Some(localai)) = (
        corpus_chart("otwld", "ollama"),
        corpus_chart("localai", "local-ai"),
    ) else {
        return;
    };
    let same_ns = |mut s: AppSpec, name: &str| {
        s.name = name.to_string();
        s.ctx.release = name.to_string();
        s.ctx.namespace = "ai".into();
        s.cluster("lab")
    };
    // Two Ollama releases on the first one's ReadWriteOnce claim.
    let a = same_ns(
        ollama.clone().values("persistentVolume: {enabled: true}"),
        "ollama",
    );
    let b = same_ns(
        ollama
            .clone()
            .values("persistentVolume: {enabled: true, existingClaim: ollama}"),
        "ollama-2",
    );
    let diags = check(&input(vec![
        build_app(&a).expect("a"),
        build_app(&b).expect("b"),
    ]));
    let sto = with_code(&diags, "STO008");
    assert_eq!(sto.len(), 1, "{}", show(&diags));
    assert!(
        sto[0].message.contains("ReadWriteOnce"),
        "{}",
        sto[0].message
    );
    // Ollama on LocalAI's ReadWriteMany models claim.
    let a = same_ns(localai, "local-ai");
    let b = same_ns(
        ollama.values("persistentVolume: {enabled: true, existingClaim: local-ai-models}"),
        "ollama",
    );
    let diags = check(&input(vec![
        build_app(&a).expect("a"),
        build_app(&b).expect("b"),
    ]));
    assert!(
        with_code(&diags, "STO008").is_empty() && with_code(&diags, "STO003").is_empty(),
        "{}",
        show(&diags)
    );
}

/// The real monorepo ullbergm-openshift (its charts/ai apps as its cluster deploys them).
#[test]
fn monorepo_ullbergm() {
    let Some((repo, clusters)) = monorepo_clusters("ullbergm-openshift", &["cluster.yaml"]) else {
        return;
    };
    let apps = fleet::apps(&repo, &clusters, &[]);
    assert_eq!(
        apps.iter()
            .filter(|(a, _)| kiln_check::rules::common::in_scope(a))
            .count(),
        3
    );
    let diags = check(&input(apps));
    let has = |code: &str, app: &str, frag: &str| {
        diags
            .iter()
            .any(|d| d.code == code && d.app.as_deref() == Some(app) && d.message.contains(frag))
    };
    // Ollama asks for 2Gi, less than a model needs, and its liveness starts after 30 s.
    assert!(has("RES004", "ollama", "2Gi"), "{}", show(&diags));
    assert!(has("PRB004", "ollama", "30s"), "{}", show(&diags));
    // The Gatus endpoints only check the status.
    for app in ["ollama", "litellm", "open-webui"] {
        assert!(
            has("GAT003", app, "[RESPONSE_TIME]"),
            "{app}\n{}",
            show(&diags)
        );
        assert!(!has("GAT002", app, ""), "{app}");
        assert!(
            !has("GAT005", app, ""),
            "{app}: the endpoint URL is the app's host"
        );
    }
    // LiteLLM's database: a Secret written in the chart, and a volume of a Secret nobody
    // creates.
    assert!(
        has("SEC001", "litellm", "postgres-secret"),
        "{}",
        show(&diags)
    );
    assert!(has("SEC004", "litellm", "db-secret"), "{}", show(&diags));
    // Open WebUI follows the moving `main` tag.
    assert!(
        has("POD004", "open-webui", "open-webui:main"),
        "{}",
        show(&diags)
    );
    // The published hosts terminate TLS and point at the apps' Services.
    for code in ["API004", "API005", "API006", "API007"] {
        assert!(
            with_code(&diags, code).is_empty(),
            "{code}: {}",
            show(&diags)
        );
    }
}

fn print_corpus(name: &str, diags: &[Diagnostic]) {
    println!("== {name}: {} findings", diags.len());
    for (c, n) in histogram(diags) {
        println!("  {c} {n}");
    }
    println!("{}", show(diags));
}

/// Prints the findings of the AI rules on the corpus' AI charts (default values).
/// `cargo test -p kiln_check --test rules_charts -- --ignored --nocapture scan_corpus`
#[test]
#[ignore]
fn scan_corpus() {
    let charts: &[(&str, &str)] = &[
        ("otwld", "ollama"),
        ("open-webui", "open-webui"),
        ("open-webui", "pipelines"),
        ("vllm-production-stack", "vllm-stack"),
        ("localai", "local-ai"),
        ("kuberay", "ray-cluster"),
        ("triton", "triton-gcp"),
        ("triton", "triton-aws"),
        ("triton", "triton-oci"),
        ("kserve", "kserve-resources"),
    ];
    let mut variants: Vec<(&str, &str, &str)> = charts.iter().map(|(s, c)| (*s, *c, "")).collect();
    variants.extend(CORPUS_VARIANTS);
    for (src, chart, values) in variants {
        let Some(mut s) = corpus_chart(src, chart) else {
            continue;
        };
        if !values.is_empty() {
            s = s.values(values);
        }
        match build_app(&s) {
            Ok(app) => print_corpus(
                &format!("{src}/{chart} {values}"),
                &check(&input(vec![app])),
            ),
            Err(e) => println!("== {src}/{chart}: {e}"),
        }
    }
}

fn monorepo_clusters(dir: &str, roots: &[&str]) -> Option<(PathBuf, Vec<Cluster>)> {
    let base = corpus_root()?.join("monorepos");
    let repo = base.join(dir);
    repo.is_dir().then(|| {
        let clusters = roots
            .iter()
            .map(|r| Cluster {
                name: r.trim_end_matches(".yaml").to_string(),
                roots: vec![base.join(format!("{dir}.bootstrap")).join(r)],
                kube_version: "1.31.0".into(),
                api_versions: Vec::new(),
                root_values: None,
            })
            .collect();
        (repo, clusters)
    })
}

/// What the AI ApplicationSet of openshift-gitops-framework passes its apps (`spec`,
/// `cluster` = the layered `clusterGroup` of the prod cluster, `gatus`), plus the
/// `topology` their templates read but the ApplicationSet forgets to pass (without it
/// every app of the stack fails to render, in Argo CD as in kiln).
fn framework_values(repo: &std::path::Path, app: &str) -> kiln_gotmpl::Map {
    use kiln_gotmpl::{Map, Value};
    let mut m = Map::new();
    for f in [
        "values-global.yaml",
        "clusters/sets/values-home.yaml",
        "clusters/individual-clusters/values-prod.yaml",
        "roles/sno/values.yaml",
    ] {
        let text = std::fs::read_to_string(repo.join(f)).unwrap_or_default();
        if let Some(v) = kiln_encoding::parse_values(&text)
            .ok()
            .and_then(|v| v.as_map())
        {
            m = kiln_helm::values::merge_maps(m, (*v).clone());
        }
    }
    let mut out = Map::new();
    for (from, to) in [
        ("spec", "spec"),
        ("clusterGroup", "cluster"),
        ("topology", "topology"),
    ] {
        if let Some(v) = m.get(from) {
            out.insert(to.into(), v.clone());
        }
    }
    let gatus = kiln_encoding::parse_values(&format!(
        "enabled: {}\ninterval: 5m\nconditions: [\"[STATUS] == 200\", \"[RESPONSE_TIME] < 3000\"]\n",
        app == "litellm" || app == "open-webui"
    ))
    .unwrap_or_else(|_| Value::empty_map());
    out.insert("gatus".into(), gatus);
    out
}

/// Repository-relative directories of the AI charts under `rel` (see `in_scope`).
fn ai_chart_dirs(repo: &std::path::Path, rel: &str) -> Vec<String> {
    let mut out = Vec::new();
    let dir = if rel.is_empty() {
        repo.to_path_buf()
    } else {
        repo.join(rel)
    };
    if rel.split('/').count() > 6 {
        return out;
    }
    if dir.join("Chart.yaml").is_file() && kiln_check::rules::common::chart_dir_in_scope(rel) {
        out.push(rel.to_string());
        return out;
    }
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return out;
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    for n in names {
        let child = if rel.is_empty() {
            n
        } else {
            format!("{rel}/{n}")
        };
        out.extend(ai_chart_dirs(repo, &child));
    }
    out
}

/// Prints the findings of the AI rules on the two real monorepos.
/// `cargo test -p kiln_check --test rules_charts -- --ignored --nocapture scan_monorepos`
#[test]
#[ignore]
fn scan_monorepos() {
    let repos: &[(&str, &[&str], &[&str])] = &[
        ("ullbergm-openshift", &["cluster.yaml"], &[]),
        (
            "openshift-gitops-framework",
            &["prod.yaml", "hub.yaml", "test.yaml"],
            &["https://github.com/rbales79/argo-apps"],
        ),
    ];
    for (dir, roots, urls) in repos {
        let dir_name = dir;
        let Some((repo, mut clusters)) = monorepo_clusters(dir, roots) else {
            continue;
        };
        if *dir == "openshift-gitops-framework" {
            // Every cluster of this repository has the AI stack switched off; check it as
            // the prod cluster would deploy it with the stack on.
            let mut on = clusters[0].clone();
            on.name = "prod-ai".into();
            on.root_values = Some(
                "clusterGroup: {applicationStacks: {ai: {enabled: true, apps: [litellm, ollama, open-webui]}}}".into(),
            );
            clusters.push(on);
        }
        let mut apps = fleet::apps(&repo, &clusters, urls);
        // AI charts no cluster deploys are checked with their default values.
        let deployed: BTreeSet<String> = apps
            .iter()
            .filter_map(|(a, _)| a.chart_dir.clone())
            .collect();
        for dir in ai_chart_dirs(&repo, "") {
            if deployed.contains(&dir) {
                continue;
            }
            let name = dir.rsplit('/').next().unwrap_or(&dir).to_string();
            let mut spec = AppSpec::new(repo.join(&dir), &dir, &name);
            if *dir_name == "openshift-gitops-framework" {
                spec = spec.values_map(framework_values(&repo, &name));
            }
            match build_app(&spec) {
                Ok((mut a, c)) => {
                    a.deployed = false;
                    a.cluster = None;
                    apps.push((a, c));
                }
                Err(e) => println!("{dir}: {e}"),
            }
        }
        let scoped: Vec<String> = apps
            .iter()
            .filter(|(a, _)| kiln_check::rules::common::in_scope(a))
            .map(|(a, _)| {
                format!(
                    "{}/{} ({})",
                    a.cluster.as_deref().unwrap_or(""),
                    a.name,
                    a.chart_dir.as_deref().unwrap_or("")
                )
            })
            .collect();
        println!(
            "== {dir}: {} apps, {} AI apps: {scoped:?}",
            apps.len(),
            scoped.len()
        );
        if std::env::var_os("KILN_SCAN_VERBOSE").is_some() {
            for (a, _) in &apps {
                println!(
                    "   {}/{} {}",
                    a.cluster.as_deref().unwrap_or("-"),
                    a.name,
                    a.chart_dir.as_deref().unwrap_or("")
                );
            }
        }
        print_corpus(dir, &check(&input(apps)));
    }
}

/// DOC002 on the seed charts, whose READMEs the corpus keeps: Kthena's README (an AI
/// inference platform) never says what GPUs it needs, or that it needs none (fires);
/// dimtensor's README documents its GPU requirements (passes).
#[test]
fn corpus_readme_gpu_requirements() {
    let Some(root) = corpus_root() else {
        eprintln!("SKIPPED corpus_readme_gpu_requirements: ../shared/corpus is absent");
        return;
    };
    let seed = |chart: &str| {
        AppSpec::new(
            root.join("seed-charts").join(chart),
            &format!("charts/ai/{chart}"),
            chart,
        )
    };
    let diags = check(&input(vec![build_app(&seed("kthena")).unwrap()]));
    let found = with_code(&diags, "DOC002");
    assert_eq!(found.len(), 1, "{}", show(&diags));
    assert!(
        found[0]
            .span
            .as_ref()
            .is_some_and(|s| s.file.ends_with("README.md")),
        "{}",
        show(&diags)
    );
    let diags = check(&input(vec![build_app(&seed("dimtensor")).unwrap()]));
    assert!(with_code(&diags, "DOC002").is_empty(), "{}", show(&diags));
}
