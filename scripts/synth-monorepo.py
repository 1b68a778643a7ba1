#!/usr/bin/env python3
"""Generate a synthetic GitOps monorepo for kiln's benchmarks: N apps x M clusters.

    scripts/synth-monorepo.py OUT [--apps 1000] [--clusters 10] [--corpus DIR]

Layout of OUT (the same shape as this repository's example monorepo):

  kiln.toml                 M clusters c00..c{M-1}, each with its root Application,
                            kube-version and api-versions
  clusters/cNN.yaml         the root Application of cluster cNN -> roles/cNN
  roles/cNN/                a cluster role chart whose templates/apps.yaml renders one
                            ApplicationSet per chart (list generator, goTemplate,
                            templatePatch copying each element's chart values into
                            spec.source.helm.valuesObject, as roles/home does)
  charts/ai/{ollama,litellm,open-webui}
                            the example charts of this repository
  charts/corpus/<name>      a few public charts of ../shared/corpus (when present):
                            deterministic ones that render with their default values

Every cluster deploys all N apps: app i uses chart i mod (number of charts) and is
named <chart>-<i>; its values vary with the app and the cluster (replicas, hosts,
GPU, storage, Route or Ingress), so no two renders are alike. N x M Applications
are rendered (plus one root per cluster). The output is deterministic: the same
arguments give the same bytes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO_URL = "https://example.com/platform/fleet.git"

EXAMPLE_CHARTS = ["ollama", "litellm", "open-webui"]

# Public charts of the corpus (path under corpus/charts): deterministic output with
# their default values, no required values, a spread of sizes and styles (bitnami's
# common library, kube-prometheus-style helpers, plain charts).
CORPUS_CHARTS = [
    "twin/gatus",
    "prometheus-community/prometheus-node-exporter",
    "grafana/promtail",
    "otwld/ollama",
    "open-webui/pipelines",
    "bitnami/memcached",
    "prometheus-community/kube-state-metrics",
]

KUBE_VERSIONS = ["1.29.0", "1.30.0", "1.31.0"]


def yaml_scalar(v) -> str:
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return json.dumps(v)
    return json.dumps(str(v))  # a JSON string is a YAML double-quoted scalar


def to_yaml(v, indent: int = 0) -> str:
    """Block YAML for dicts, lists and scalars (enough for the generated files)."""
    pad = " " * indent
    out = []
    if isinstance(v, dict):
        if not v:
            return pad + "{}\n"
        for k, x in v.items():
            if isinstance(x, (dict, list)) and x:
                out.append(f"{pad}{k}:\n{to_yaml(x, indent + 2)}")
            elif isinstance(x, dict):
                out.append(f"{pad}{k}: {{}}\n")
            elif isinstance(x, list):
                out.append(f"{pad}{k}: []\n")
            else:
                out.append(f"{pad}{k}: {yaml_scalar(x)}\n")
        return "".join(out)
    if isinstance(v, list):
        for x in v:
            if isinstance(x, (dict, list)) and x:
                body = to_yaml(x, indent + 2)
                out.append(f"{pad}- {body[indent + 2:]}")
            else:
                out.append(f"{pad}- {yaml_scalar(x) if not isinstance(x, (dict, list)) else ('{}' if isinstance(x, dict) else '[]')}\n")
        return "".join(out)
    return pad + yaml_scalar(v) + "\n"


def write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def copy_chart(src: str, dst: str) -> None:
    shutil.copytree(src, dst, symlinks=False)


class Cluster:
    def __init__(self, index: int):
        self.index = index
        self.name = f"c{index:02d}"
        self.openshift = index % 2 == 0
        self.kube_version = KUBE_VERSIONS[index % len(KUBE_VERSIONS)]
        self.api_versions = (["route.openshift.io/v1", "external-secrets.io/v1"]
                             if self.openshift else ["external-secrets.io/v1beta1"])
        self.domain = f"apps.{self.name}.example.com"
        self.storage_class = ["truenas-iscsi-csi", "longhorn", "local-path"][index % 3]
        self.gpu = index % 3 != 2


def ai_values(chart: str, app: str, i: int, c: Cluster) -> dict:
    host = f"{app}.{c.domain}"
    v: dict = {}
    if c.openshift:
        v["route"] = {"enabled": True, "host": host}
        v["ingress"] = {"enabled": False}
    else:
        v["route"] = {"enabled": False}
        v["ingress"] = {"enabled": True, "host": host, "className": "nginx"}
    if chart == "ollama":
        v["gpu"] = {"enabled": c.gpu and i % 2 == 0, "count": 1 + i % 2}
        v["models"] = {"pull": ["llama3.2:3b"] + (["qwen2.5-coder:7b"] if i % 3 == 0 else [])}
        v["persistence"] = {"models": {"storageClass": c.storage_class,
                                       "size": f"{50 + 10 * (i % 10)}Gi"}}
    elif chart == "litellm":
        v["replicaCount"] = 1 + i % 3
        v["ollama"] = {"models": ["llama3.2:3b"]}
        v["externalSecret"] = {"secretStoreRef": {"name": f"{c.name}-store"},
                               "data": {"OPENAI_API_KEY": "openai-api-key"}}
    else:
        v["persistence"] = {"data": {"storageClass": c.storage_class,
                                     "size": f"{5 + i % 20}Gi"}}
        v["externalSecret"] = {"secretStoreRef": {"name": f"{c.name}-store"}}
    return v


def corpus_values(chart: str, app: str, i: int, c: Cluster) -> dict:
    v: dict = {"fullnameOverride": app}
    base = chart.split("/")[-1]
    if base in ("gatus", "pipelines", "ollama"):
        v["replicaCount"] = 1 + (i + c.index) % 3
    v["podAnnotations"] = {"example.com/cluster": c.name, "example.com/app": app}
    return v


def role_template() -> str:
    return """{{- /* One ApplicationSet per chart: a list generator over this cluster's apps. */ -}}
{{- range $group := .Values.groups }}
---
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: {{ $.Values.cluster.name }}-{{ $group.name }}
  namespace: {{ $.Values.argocd.namespace }}
  labels:
    app.kubernetes.io/managed-by: {{ $.Release.Service }}
spec:
  goTemplate: true
  goTemplateOptions: ["missingkey=error"]
  generators:
    - list:
        elements:
          {{- range $app := $group.apps }}
          - name: {{ $app.name }}
            namespace: {{ $app.namespace | default $app.name }}
            chartValues:
              {{- toYaml ($app.values | default dict) | nindent 14 }}
          {{- end }}
  template:
    metadata:
      name: '{{`{{ .name }}`}}'
      labels:
        example.com/chart: {{ $group.name }}
    spec:
      project: {{ $.Values.argocd.project }}
      source:
        repoURL: {{ $.Values.argocd.repoURL }}
        targetRevision: HEAD
        path: {{ $group.path }}
        helm:
          releaseName: '{{`{{ .name }}`}}'
      destination:
        server: https://kubernetes.default.svc
        namespace: '{{`{{ .namespace }}`}}'
      syncPolicy:
        automated:
          prune: true
          selfHeal: true
        syncOptions:
          - CreateNamespace=true
  templatePatch: |
    spec:
      source:
        helm:
          valuesObject: {{`{{ toJson .chartValues }}`}}
{{- end }}
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", help="directory to create (must not exist, or be empty)")
    ap.add_argument("--apps", type=int, default=1000)
    ap.add_argument("--clusters", type=int, default=10)
    ap.add_argument("--corpus", default=os.path.join(REPO, "..", "shared", "corpus"),
                    help="the parity corpus (default ../shared/corpus); without it only the example charts are used")
    args = ap.parse_args()
    if args.apps < 1 or args.clusters < 1:
        ap.error("--apps and --clusters must be at least 1")
    out = os.path.abspath(args.out)
    if os.path.exists(out) and os.listdir(out):
        ap.error(f"{out} exists and is not empty")

    charts: list[tuple[str, str, str]] = []  # (group name, repo path, kind)
    for name in EXAMPLE_CHARTS:
        copy_chart(os.path.join(REPO, "charts", "ai", name), os.path.join(out, "charts", "ai", name))
        charts.append((f"ai-{name}", f"charts/ai/{name}", "ai"))
    corpus_charts = os.path.join(args.corpus, "charts")
    if os.path.isdir(corpus_charts):
        for rel in CORPUS_CHARTS:
            src = os.path.join(corpus_charts, rel)
            if not os.path.isdir(src):
                continue
            name = rel.replace("/", "-")
            copy_chart(src, os.path.join(out, "charts", "corpus", name))
            charts.append((name, f"charts/corpus/{name}", rel))
    else:
        sys.stderr.write(f"synth-monorepo: {corpus_charts} not found: example charts only\n")

    clusters = [Cluster(i) for i in range(args.clusters)]
    toml = [
        "# Synthetic monorepo generated by scripts/synth-monorepo.py "
        f"({args.apps} apps x {args.clusters} clusters)",
        f'repo-urls = ["{REPO_URL}"]',
        'output = "rendered"',
        'name = "synth"',
        "",
    ]
    for c in clusters:
        toml += [
            f"[clusters.{c.name}]",
            f'roots = ["clusters/{c.name}.yaml"]',
            f'kube-version = "{c.kube_version}"',
            "api-versions = [" + ", ".join(f'"{a}"' for a in c.api_versions) + "]",
            "",
        ]
        write(os.path.join(out, "clusters", f"{c.name}.yaml"), to_yaml({
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "Application",
            "metadata": {"name": f"cluster-{c.name}", "namespace": "argocd"},
            "spec": {
                "project": "default",
                "source": {"repoURL": REPO_URL, "targetRevision": "HEAD",
                           "path": f"roles/{c.name}"},
                "destination": {"server": "https://kubernetes.default.svc",
                                "namespace": "argocd"},
            },
        }))
        groups = []
        for gi, (group, path, kind) in enumerate(charts):
            apps = []
            for i in range(gi, args.apps, len(charts)):
                app = f"{group}-{i:04d}"
                if kind == "ai":
                    vals = ai_values(path.rsplit("/", 1)[-1], app, i, c)
                else:
                    vals = corpus_values(kind, app, i, c)
                apps.append({"name": app, "namespace": f"team-{i % 25:02d}", "values": vals})
            if apps:
                groups.append({"name": group, "path": path, "apps": apps})
        role = f"roles/{c.name}"
        write(os.path.join(out, role, "Chart.yaml"), to_yaml({
            "apiVersion": "v2", "name": c.name, "version": "0.1.0", "type": "application",
            "description": f"Role of cluster {c.name}: the ApplicationSets of its apps.",
        }))
        write(os.path.join(out, role, "values.yaml"), to_yaml({
            "cluster": {"name": c.name, "domain": c.domain},
            "argocd": {"namespace": "argocd", "project": "default", "repoURL": REPO_URL},
            "groups": groups,
        }))
        write(os.path.join(out, role, "templates", "apps.yaml"), role_template())
    write(os.path.join(out, "kiln.toml"), "\n".join(toml))
    n = len(charts)
    sys.stderr.write(f"synth-monorepo: {out}: {args.clusters} clusters x {args.apps} apps "
                     f"({n} charts: {', '.join(g for g, _, _ in charts)})\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
