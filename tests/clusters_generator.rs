//! The ApplicationSet `clusters` generator reads the cluster inventory of `kiln.toml`:
//! each cluster's `argocd-clusters` become the cluster Secrets of its Argo CD, with
//! their labels, annotations and project, plus Argo CD's own `in-cluster` entry.
//! (The reference implementation has no `clusters` generator; the expected
//! Applications are written by hand from Argo CD's `applicationset/generators/cluster.go`.)

mod common;

use std::path::Path;

use common::*;

const APPSET: &str = r#"apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: monitoring
  namespace: argocd
spec:
  goTemplate: true
  generators:
    - clusters:
        selector:
          matchLabels:
            gpu: "true"
  template:
    metadata:
      name: 'dcgm-{{ .name }}'
    spec:
      project: '{{ .metadata.annotations.team }}'
      source:
        repoURL: https://git.example.com/fleet.git
        targetRevision: main
        path: charts/probe
        helm:
          valuesObject:
            cluster: '{{ .name }}'
            server: '{{ .server }}'
            env: '{{ index .metadata.labels "env" }}'
      destination:
        server: '{{ .server }}'
        namespace: monitoring
---
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: everywhere
  namespace: argocd
spec:
  generators:
    - clusters: {}
  template:
    metadata:
      name: 'probe-{{name}}'
    spec:
      project: default
      source:
        repoURL: https://git.example.com/fleet.git
        targetRevision: main
        path: charts/probe
        helm:
          parameters:
            - name: cluster
              value: '{{name}}'
      destination:
        server: '{{server}}'
        namespace: monitoring
"#;

const ROOT: &str = r#"apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: root
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://git.example.com/fleet.git
    targetRevision: main
    path: appsets
  destination:
    server: https://kubernetes.default.svc
    namespace: argocd
"#;

const KILN_TOML: &str = r#"
[clusters.hub]
roots = ["bootstrap/hub.yaml"]
kube-version = "1.31.0"
argocd-clusters = ["gpu-a", "cpu-b"]

[clusters.gpu-a]
server = "https://gpu-a.example.com:6443"
labels = { gpu = "true", env = "prod" }
annotations = { team = "ml" }

[clusters.cpu-b]
server = "https://cpu-b.example.com:6443"
labels = { gpu = "false", env = "dev" }
"#;

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn monorepo(name: &str, kiln_toml: &str) -> std::path::PathBuf {
    let dir = temp_dir(name);
    write(&dir, "kiln.toml", kiln_toml);
    write(&dir, "bootstrap/hub.yaml", ROOT);
    write(&dir, "appsets/appsets.yaml", APPSET);
    write(
        &dir,
        "charts/probe/Chart.yaml",
        "apiVersion: v2\nname: probe\nversion: 0.1.0\n",
    );
    write(
        &dir,
        "charts/probe/values.yaml",
        "cluster: none\nserver: none\nenv: none\n",
    );
    write(
        &dir,
        "charts/probe/templates/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: probe\ndata:\n  cluster: {{ .Values.cluster | quote }}\n  server: {{ .Values.server | quote }}\n  env: {{ .Values.env | quote }}\n",
    );
    dir
}

#[test]
fn clusters_generator_lists_the_argocd_inventory() {
    let dir = monorepo("clusters-gen", KILN_TOML);
    let out = dir.join("out");
    let k = kiln(&["compile", ".", "--out", out.to_str().unwrap()], &dir);
    assert_eq!(
        k.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&k.stderr)
    );
    let fleet: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("hub/fleet.json")).unwrap()).unwrap();
    let generated = |name: &str| -> Vec<String> {
        fleet["applicationSets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == name)
            .unwrap_or_else(|| panic!("no ApplicationSet {name} in {fleet}"))["generated"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    // Selector `gpu: "true"` keeps only gpu-a (in-cluster has no labels).
    assert_eq!(generated("monitoring"), ["dcgm-gpu-a"]);
    // Argo CD ranges over a Go map here (random order); kiln sorts by cluster name and
    // adds the local cluster last, as Argo CD does.
    assert_eq!(
        generated("everywhere"),
        ["probe-cpu-b", "probe-gpu-a", "probe-in-cluster"]
    );
    let app = fleet["applications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "dcgm-gpu-a")
        .unwrap();
    assert_eq!(app["project"], "ml", "{app}");
    let manifest = std::fs::read_to_string(out.join("hub/dcgm-gpu-a/manifest.yaml")).unwrap();
    assert!(manifest.contains("cluster: \"gpu-a\""), "{manifest}");
    assert!(
        manifest.contains("server: \"https://gpu-a.example.com:6443\""),
        "{manifest}"
    );
    assert!(manifest.contains("env: \"prod\""), "{manifest}");
    let local = std::fs::read_to_string(out.join("hub/probe-in-cluster/manifest.yaml")).unwrap();
    assert!(local.contains("cluster: \"in-cluster\""), "{local}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_registered_cluster_needs_a_server() {
    let dir = monorepo(
        "clusters-noserver",
        &KILN_TOML.replace("server = \"https://cpu-b.example.com:6443\"\n", ""),
    );
    let k = kiln(&["compile", ".", "--out", "out"], &dir);
    assert_eq!(k.status.code(), Some(2));
    let err = String::from_utf8_lossy(&k.stderr);
    assert!(
        err.contains("cluster hub: argocd-clusters: cluster cpu-b has no `server`"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
