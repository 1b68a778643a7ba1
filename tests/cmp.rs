//! The Argo CD Config Management Plugin contract (`kiln cmp`, ../shared/argocd/SEMANTICS.md
//! §4): the binary is run exactly as argocd-cmp-server runs it — a cleared environment
//! holding only what Argo CD sets, the working directory at the Application's source
//! path, no standard input — and its standard output must be the Kubernetes objects
//! `kiln compile` renders for that Application.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{kiln, repo_root, temp_dir};
use kiln_gotmpl::Value;

/// Runs `kiln cmp SUB` as the sidecar would: `env_clear()`, then only `env`.
fn plugin(sub: &str, cwd: &Path, env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kiln"))
        .args(["cmp", sub])
        .env_clear()
        .envs(env.iter().copied())
        .current_dir(cwd)
        .stdin(Stdio::null())
        .output()
        .expect("run kiln cmp")
}

/// Argo CD's build environment for an Application of the example monorepo, plus the
/// cluster facts and kiln's `cluster` parameter as a plugin env entry.
fn argo_env<'a>(
    app: &'a str,
    namespace: &'a str,
    path: &'a str,
    cluster: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("ARGOCD_APP_NAME", app),
        ("ARGOCD_APP_NAMESPACE", namespace),
        ("ARGOCD_APP_PROJECT_NAME", "default"),
        (
            "ARGOCD_APP_REVISION",
            "0123456789abcdef0123456789abcdef01234567",
        ),
        ("ARGOCD_APP_REVISION_SHORT", "0123456"),
        ("ARGOCD_APP_SOURCE_PATH", path),
        (
            "ARGOCD_APP_SOURCE_REPO_URL",
            "https://github.com/kiln-dev/kiln",
        ),
        ("ARGOCD_APP_SOURCE_TARGET_REVISION", "HEAD"),
        ("KUBE_VERSION", "1.31.0"),
        (
            "KUBE_API_VERSIONS",
            "v1,apps/v1,apps/v1/Deployment,networking.k8s.io/v1",
        ),
        ("ARGOCD_APP_PARAMETERS", "[]"),
        ("ARGOCD_ENV_KILN_CLUSTER", cluster),
    ]
}

/// The documents of a YAML stream; each must be a Kubernetes object.
fn objects(stream: &str) -> Vec<Value> {
    let docs: Vec<Value> = kiln_encoding::parse_documents(stream)
        .into_iter()
        .map(|d| d.expect("a YAML document").value)
        .filter(|v| !v.is_nil())
        .collect();
    for d in &docs {
        for key in [&["apiVersion"][..], &["kind"], &["metadata", "name"]] {
            assert!(
                kiln_argocd::tree::get_str(d, key).is_some(),
                "not a Kubernetes object (no {key:?}): {d:?}"
            );
        }
    }
    docs
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Copies the example monorepo (what Argo CD unpacks: no `.git`).
fn example_copy(name: &str) -> std::path::PathBuf {
    let dir = temp_dir(name);
    for part in ["kiln.toml", "charts", "roles", "clusters", "schemas"] {
        let from = repo_root().join(part);
        if from.is_dir() {
            common::copy_tree(&from, &dir.join(part));
        } else {
            std::fs::copy(&from, dir.join(part)).unwrap();
        }
    }
    dir
}

#[test]
fn generate_prints_what_compile_renders() {
    let out_dir = temp_dir("cmp-compile");
    let compiled = kiln(
        &[
            "compile",
            ".",
            "--out",
            out_dir.join("out").to_str().unwrap(),
        ],
        &repo_root(),
    );
    assert!(compiled.status.success(), "{}", text(&compiled.stderr));
    for cluster in ["home", "lab"] {
        for app in ["ollama", "litellm", "open-webui"] {
            let path = format!("charts/ai/{app}");
            let out = plugin(
                "generate",
                &repo_root().join(&path),
                &argo_env(app, app, &path, cluster),
            );
            let stderr = text(&out.stderr);
            assert_eq!(out.status.code(), Some(0), "{cluster}/{app}: {stderr}");
            let expected = std::fs::read_to_string(
                out_dir
                    .join("out")
                    .join(cluster)
                    .join(app)
                    .join("manifest.yaml"),
            )
            .unwrap();
            let got = text(&out.stdout);
            let (got_objs, want_objs) = (objects(&got), objects(&expected));
            assert!(!want_objs.is_empty());
            assert_eq!(got_objs, want_objs, "{cluster}/{app}: objects differ");
            // The same bytes, in fact.
            assert_eq!(got, expected, "{cluster}/{app}");
            assert!(
                stderr.contains(&format!("rendering {cluster}/{app}")),
                "{stderr}"
            );
            assert!(!stderr.contains("error"), "{stderr}");
        }
    }
    let _ = std::fs::remove_dir_all(&out_dir);
}

#[test]
fn root_application_is_generated_too() {
    // The root Application's source is roles/home: its ApplicationSet.
    let out = plugin(
        "generate",
        &repo_root().join("roles/home"),
        &argo_env("cluster-home", "openshift-gitops", "roles/home", "home"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let objs = objects(&text(&out.stdout));
    assert!(objs
        .iter()
        .any(|o| kiln_argocd::tree::get_str(o, &["kind"]).as_deref() == Some("ApplicationSet")));
}

#[test]
fn a_checklist_breaking_change_fails_generate() {
    let repo = example_copy("cmp-bad");
    // Ollama on home gets a memory limit below its request (RES003, an error of the AI
    // checklist).
    let values = repo.join("roles/home/values.yaml");
    let original = std::fs::read_to_string(&values).unwrap();
    let broken = original.replacen(
        "        limits:\n          cpu: \"8\"\n          memory: 24Gi\n",
        "        limits:\n          cpu: \"8\"\n          memory: 4Gi\n",
        1,
    );
    assert_ne!(
        broken, original,
        "the example's values changed: update this test"
    );
    std::fs::write(&values, broken).unwrap();
    let cwd = repo.join("charts/ai/ollama");
    let out = plugin(
        "generate",
        &cwd,
        &argo_env("ollama", "ollama", "charts/ai/ollama", "home"),
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty(), "nothing on stdout when refusing");
    assert!(stderr.contains("RES003"), "{stderr}");
    assert!(
        stderr.contains("roles/home/values.yaml") || stderr.contains("charts/ai/ollama"),
        "{stderr}"
    );
    assert!(
        stderr.contains("kiln check failed for home/ollama"),
        "{stderr}"
    );
    assert!(!stderr.contains('\u{1b}'), "no colours in Argo CD's logs");

    // The other cluster is not affected, and fail-on none lets it through.
    let lab = plugin(
        "generate",
        &cwd,
        &argo_env("ollama", "ollama", "charts/ai/ollama", "lab"),
    );
    assert_eq!(lab.status.code(), Some(0), "{}", text(&lab.stderr));
    let mut env = argo_env("ollama", "ollama", "charts/ai/ollama", "home");
    env.push(("PARAM_FAIL_ON", "none"));
    let through = plugin("generate", &cwd, &env);
    assert_eq!(through.status.code(), Some(0), "{}", text(&through.stderr));
    assert!(!objects(&text(&through.stdout)).is_empty());

    // The parent (the cluster's root Application) is refused as well: its subtree
    // holds the broken Application.
    let root = plugin(
        "generate",
        &repo.join("roles/home"),
        &argo_env("cluster-home", "openshift-gitops", "roles/home", "home"),
    );
    assert_eq!(root.status.code(), Some(1), "{}", text(&root.stderr));
    let _ = std::fs::remove_dir_all(&repo);
}

#[test]
fn a_render_failure_fails_generate_with_its_location() {
    let repo = example_copy("cmp-broken-template");
    let svc = repo.join("charts/ai/ollama/templates/service.yaml");
    let t = std::fs::read_to_string(&svc).unwrap();
    std::fs::write(&svc, format!("{t}\n{{{{ if }}}}\n")).unwrap();
    let out = plugin(
        "generate",
        &repo.join("charts/ai/ollama"),
        &argo_env("ollama", "ollama", "charts/ai/ollama", "lab"),
    );
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty());
    assert!(stderr.contains("lab/ollama: rendering failed"), "{stderr}");
    assert!(stderr.contains("templates/service.yaml"), "{stderr}");
    let _ = std::fs::remove_dir_all(&repo);
}

#[test]
fn usage_errors() {
    let cwd = repo_root().join("charts/ai/ollama");
    // Outside Argo CD: no ARGOCD_APP_NAME.
    let out = plugin("generate", &cwd, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("ARGOCD_APP_NAME"));
    // On both clusters with different values and no cluster parameter.
    let mut env = argo_env("ollama", "ollama", "charts/ai/ollama", "home");
    env.retain(|(k, _)| *k != "ARGOCD_ENV_KILN_CLUSTER");
    let out = plugin("generate", &cwd, &env);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("`cluster`"),
        "{}",
        text(&out.stderr)
    );
    // An unknown cluster, an unknown mode.
    let out = plugin(
        "generate",
        &cwd,
        &argo_env("ollama", "ollama", "charts/ai/ollama", "nowhere"),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("home, lab"),
        "{}",
        text(&out.stderr)
    );
    let mut env = argo_env("ollama", "ollama", "charts/ai/ollama", "home");
    env.push(("PARAM_MODE", "sideways"));
    assert_eq!(plugin("generate", &cwd, &env).status.code(), Some(2));
    // fleet mode for an Application the fleet does not have.
    let mut env = argo_env("someone-else", "x", "charts/ai/ollama", "home");
    env.push(("PARAM_MODE", "fleet"));
    let out = plugin("generate", &cwd, &env);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no Application named"));
}

#[test]
fn standalone_renders_the_directory_like_argo_cd_would() {
    // An Application the fleet does not know: the chart alone, release = app name,
    // namespace = ARGOCD_APP_NAMESPACE, value files relative to the chart.
    let repo = example_copy("cmp-standalone");
    let chart = repo.join("charts/ai/ollama");
    std::fs::write(chart.join("ci-values.yaml"), "gpu:\n  enabled: false\n").unwrap();
    let mut env = argo_env("my-ollama", "models", "charts/ai/ollama", "home");
    env.retain(|(k, _)| *k != "ARGOCD_ENV_KILN_CLUSTER");
    env.push(("PARAM_VALUE_FILES_0", "ci-values.yaml"));
    env.push(("PARAM_FAIL_ON", "none"));
    let out = plugin("generate", &chart, &env);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("standalone"), "{stderr}");
    let expected = kiln(
        &[
            "template",
            "my-ollama",
            "charts/ai/ollama",
            "-f",
            "charts/ai/ollama/ci-values.yaml",
            "--namespace",
            "models",
            "--kube-version",
            "1.31.0",
            "-a",
            "v1,apps/v1,apps/v1/Deployment,networking.k8s.io/v1",
            "--include-crds",
        ],
        &repo,
    );
    assert!(expected.status.success(), "{}", text(&expected.stderr));
    let (got, want) = (
        objects(&text(&out.stdout)),
        objects(&text(&expected.stdout)),
    );
    assert!(!want.is_empty());
    assert_eq!(got, want);
    let _ = std::fs::remove_dir_all(&repo);
}

#[test]
fn kiln_plugin_sources_compile_like_the_plugin_renders_them() {
    // An Application that names the kiln plugin (spec.source.plugin.name: kiln) is
    // rendered by `kiln compile` the way `kiln cmp generate` renders it.
    let repo = example_copy("cmp-plugin-source");
    std::fs::write(
        repo.join("charts/ai/ollama/lab-values.yaml"),
        "gpu:\n  enabled: false\n",
    )
    .unwrap();
    std::fs::write(
        repo.join("clusters/plugin.yaml"),
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ollama\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://github.com/kiln-dev/kiln\n    path: charts/ai/ollama\n    plugin:\n      name: kiln\n      parameters:\n        - name: value-files\n          array: [lab-values.yaml]\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: ollama\n",
    )
    .unwrap();
    let out = repo.join("out");
    let compiled = kiln(
        &[
            "compile",
            ".",
            "--root",
            "clusters/plugin.yaml",
            "--kube-version",
            "1.31.0",
            "--out",
            out.to_str().unwrap(),
        ],
        &repo,
    );
    assert!(compiled.status.success(), "{}", text(&compiled.stderr));
    let manifest = std::fs::read_to_string(out.join("plugin/ollama/manifest.yaml")).unwrap();
    let mut env = argo_env("ollama", "ollama", "charts/ai/ollama", "home");
    env.retain(|(k, _)| *k != "ARGOCD_ENV_KILN_CLUSTER");
    env.push(("PARAM_VALUE_FILES_0", "lab-values.yaml"));
    env.push(("PARAM_MODE", "standalone"));
    env.push(("PARAM_FAIL_ON", "none"));
    let gen = plugin("generate", &repo.join("charts/ai/ollama"), &env);
    assert_eq!(gen.status.code(), Some(0), "{}", text(&gen.stderr));
    assert_eq!(objects(&text(&gen.stdout)), objects(&manifest));
    let _ = std::fs::remove_dir_all(&repo);
}

#[test]
fn discover() {
    let root = repo_root();
    let out = plugin("discover", &root.join("charts/ai/ollama"), &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stdout).contains("charts/ai/ollama"),
        "{}",
        text(&out.stdout)
    );
    // No chart here: no match (empty output, exit 0).
    let out = plugin("discover", &root.join("clusters"), &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    // A chart outside any kiln repository: no match.
    let dir = temp_dir("cmp-discover");
    std::fs::write(
        dir.join("Chart.yaml"),
        "apiVersion: v2\nname: x\nversion: 0.1.0\n",
    )
    .unwrap();
    let out = plugin("discover", &dir, &[]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn plugin_yaml_runs_these_commands() {
    // deploy/argocd/plugin.yaml and the Helm values run the commands tested above.
    let dir = repo_root().join("deploy/argocd");
    let plugin = std::fs::read_to_string(dir.join("plugin.yaml")).unwrap();
    let doc = kiln_encoding::yaml_to_value(&plugin).unwrap();
    let get = |p: &[&str]| kiln_argocd::tree::get(&doc, p).unwrap_or(Value::Nil);
    assert_eq!(
        kiln_argocd::tree::get_str(&doc, &["kind"]).as_deref(),
        Some("ConfigManagementPlugin")
    );
    assert_eq!(
        kiln_argocd::tree::get_str(&doc, &["metadata", "name"]).as_deref(),
        Some("kiln")
    );
    let cmd = |v: Value| -> Vec<String> {
        v.as_list()
            .unwrap()
            .iter()
            .filter_map(|s| match s {
                Value::String(s) => Some(s.to_string()),
                _ => None,
            })
            .collect()
    };
    assert_eq!(
        cmd(get(&["spec", "generate", "command"])),
        ["kiln", "cmp", "generate"]
    );
    assert_eq!(
        cmd(get(&["spec", "discover", "find", "command"])),
        ["kiln", "cmp", "discover"]
    );
    let params: Vec<String> = kiln_argocd::tree::get_list(&doc, &["spec", "parameters", "static"])
        .unwrap()
        .iter()
        .filter_map(|p| kiln_argocd::tree::get_str(p, &["name"]))
        .collect();
    for p in [
        "cluster",
        "mode",
        "fail-on",
        "release-name",
        "value-files",
        "values",
        "live-capabilities",
    ] {
        assert!(params.iter().any(|n| n == p), "{p} is not announced");
    }
    for f in [
        "repo-server-patch.yaml",
        "values-argo-cd.yaml",
        "kustomization.yaml",
    ] {
        let t = std::fs::read_to_string(dir.join(f)).unwrap();
        kiln_encoding::yaml_to_value(&t).unwrap_or_else(|e| panic!("{f}: {e}"));
        if f != "kustomization.yaml" {
            assert!(t.contains("runAsUser: 999"), "{f}");
            assert!(t.contains("/var/run/argocd/argocd-cmp-server"), "{f}");
        }
    }
    let dockerfile = std::fs::read_to_string(dir.join("Dockerfile")).unwrap();
    assert!(dockerfile.contains("USER 999"));
}

#[test]
fn a_render_cache_named_by_the_sidecar_is_used_and_never_stale() {
    // The image sets KILN_CACHE_DIR (deploy/argocd/Dockerfile): the second call serves
    // its renders from the cache, with the same bytes as the first and as no cache.
    let cache = temp_dir("cmp-cache");
    let cache_dir = cache.join("kiln-cache");
    let path = "charts/ai/ollama";
    let cwd = repo_root().join(path);
    let plain = plugin(
        "generate",
        &cwd,
        &argo_env("ollama", "ollama", path, "home"),
    );
    assert_eq!(plain.status.code(), Some(0), "{}", text(&plain.stderr));
    let mut env = argo_env("ollama", "ollama", path, "home");
    env.push(("KILN_CACHE_DIR", cache_dir.to_str().unwrap()));
    for round in ["cold", "warm"] {
        let out = plugin("generate", &cwd, &env);
        assert_eq!(out.status.code(), Some(0), "{round}: {}", text(&out.stderr));
        assert_eq!(text(&out.stdout), text(&plain.stdout), "{round}");
        assert!(cache_dir.is_dir(), "{round}: no cache written");
    }
    // Nothing inside the repository.
    assert!(!cwd.join(".kiln").exists());
    let _ = std::fs::remove_dir_all(&cache);
}
