#!/usr/bin/env python3
"""Writes the seed corpora fuzz/corpus/<target>/ from ../shared (python3 stdlib only).

    python3 fuzz/seed.py [--shared ../shared] [--out fuzz/corpus]

Sources (see fuzz/README.md):
  template_parse  templates (+ helpers) of vectors/{gotemplate,helm,sprig}.json, every
                  template file of the corpus charts
  template_exec   the same vectors as `template NUL values`, corpus chart templates with
                  their chart's helpers and values.yaml
  values_yaml     corpus values files as `user NUL defaults` (ci/ and values/ files over
                  the chart's values.yaml), vectors' values
  appset_expand   vectors/applicationset.json cases as ApplicationSets (JSON), the
                  ApplicationSets real Helm rendered in corpus/expected, hand-written ones
  chart_archive   .tgz archives of the small corpus and seed charts

Files are named by the SHA-1 of their content (libFuzzer's convention), so rerunning is
idempotent. The crate kiln_fuzz_targets builds the same seeds in-process for its replay
test; keep the two in step.
"""

import argparse
import hashlib
import io
import json
import os
import sys
import tarfile

TARGETS = ["template_parse", "template_exec", "values_yaml", "appset_expand", "chart_archive"]
MAX_SEED = 64 * 1024
# Charts (with their subcharts) up to this size on disk become archives.
MAX_CHART_DIR = 256 * 1024
# Per chart, at most this many templates become template_exec seeds.
MAX_EXEC_PER_CHART = 8

HANDWRITTEN_APPSETS = [
    # list, fasttemplate
    """apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: list}
spec:
  generators:
  - list:
      elements:
      - {cluster: dev, url: https://dev}
      - {cluster: prod, url: https://prod}
  template:
    metadata: {name: '{{cluster}}-app'}
    spec:
      project: default
      source: {repoURL: https://example/repo.git, path: 'apps/{{cluster}}', targetRevision: HEAD}
      destination: {server: '{{url}}', namespace: app}
""",
    # matrix of git directories and clusters, goTemplate
    """apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: matrix}
spec:
  goTemplate: true
  goTemplateOptions: ["missingkey=error"]
  generators:
  - matrix:
      generators:
      - git:
          repoURL: https://example/repo.git
          revision: HEAD
          directories: [{path: 'apps/*'}]
      - clusters:
          selector: {matchLabels: {env: dev}}
  template:
    metadata: {name: '{{.path.basename}}-{{.name}}'}
    spec:
      project: default
      source: {repoURL: https://example/repo.git, path: '{{.path.path}}', targetRevision: HEAD}
      destination: {server: '{{.server}}', namespace: '{{ .path.basename | upper }}'}
""",
    # merge of clusters and list, git files, templatePatch
    """apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: merge}
spec:
  goTemplate: true
  generators:
  - merge:
      mergeKeys: [name]
      generators:
      - clusters: {values: {replicas: '1'}}
      - list:
          elements: [{name: prod, values.replicas: '3'}]
  - git:
      repoURL: https://example/repo.git
      revision: HEAD
      files: [{path: 'apps/**/config.*'}]
  templatePatch: |
    spec:
      source:
        helm:
          parameters:
          {{- range $k, $v := .values }}
          - name: {{ $k }}
            value: {{ $v | quote }}
          {{- end }}
  template:
    metadata: {name: 'x-{{ .name | default "none" }}'}
    spec:
      project: default
      source: {repoURL: https://example/repo.git, path: '.', targetRevision: HEAD}
      destination: {server: https://kubernetes.default.svc, namespace: x}
""",
]


def write(out, target, data):
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if len(data) > MAX_SEED and target != "chart_archive":
        return 0
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, hashlib.sha1(data).hexdigest())
    if os.path.exists(path):
        return 0
    with open(path, "wb") as f:
        f.write(data)
    return 1


def vector_values(case):
    """The values document of a vector case as YAML text (JSON is YAML)."""
    if "values_yaml" in case:
        return case["values_yaml"]
    return json.dumps(case.get("values") or {})


def vectors(shared, out, counts):
    for name in ["gotemplate", "helm", "sprig"]:
        path = os.path.join(shared, "vectors", name + ".json")
        if not os.path.exists(path):
            continue
        for case in json.load(open(path)):
            tpl = case.get("template", "")
            helpers = case.get("helpers") or ""
            if isinstance(helpers, dict):
                helpers = "".join(helpers.values())
            full = tpl + helpers
            counts["template_parse"] += write(out, "template_parse", full)
            counts["template_exec"] += write(out, "template_exec", full + "\0" + vector_values(case))
            if "values_yaml" in case or "user_values" in case:
                user = case.get("user_values") or {}
                user = user if isinstance(user, str) else json.dumps(user)
                counts["values_yaml"] += write(out, "values_yaml", user + "\0" + vector_values(case))
    path = os.path.join(shared, "vectors", "applicationset.json")
    if os.path.exists(path):
        for case in json.load(open(path))["cases"]:
            counts["appset_expand"] += write(out, "appset_expand", json.dumps(appset_of(case), indent=1))
    for text in HANDWRITTEN_APPSETS:
        counts["appset_expand"] += write(out, "appset_expand", text)


def appset_of(case):
    """An ApplicationSet for a vector case: its `applicationset`, with the case's template
    string placed in a template and its params as a list generator element."""
    a = json.loads(json.dumps(case.get("applicationset") or {}))
    a.setdefault("apiVersion", "argoproj.io/v1alpha1")
    a.setdefault("kind", "ApplicationSet")
    a.setdefault("metadata", {"name": case.get("id", "x")[:60]})
    spec = a.setdefault("spec", {})
    inputs = case.get("inputs") or {}
    params = inputs.get("params")
    if isinstance(params, dict) and "generators" not in spec:
        spec["generators"] = [{"list": {"elements": [params]}}]
    if "template" not in spec:
        t = inputs.get("template") if isinstance(inputs.get("template"), str) else "app"
        spec["template"] = {
            "metadata": {"name": t},
            "spec": {
                "project": "default",
                "source": {"repoURL": "https://example/repo.git", "path": t, "targetRevision": "HEAD"},
                "destination": {"server": "https://kubernetes.default.svc", "namespace": t},
            },
        }
    return a


def chart_dirs(shared):
    """Every chart directory (holding Chart.yaml) of corpus/charts and corpus/seed-charts
    that is not a vendored subchart, sorted."""
    dirs = []
    for top in ["charts", "seed-charts"]:
        root = os.path.join(shared, "corpus", top)
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            if "Chart.yaml" in filenames:
                dirs.append(dirpath)
                dirnames[:] = []  # subcharts go with their parent
    return sorted(dirs)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def dir_size(d):
    return sum(os.path.getsize(os.path.join(p, f)) for p, _, fs in os.walk(d) for f in fs)


def charts(shared, out, counts):
    for d in chart_dirs(shared):
        tdir = os.path.join(d, "templates")
        templates = []
        if os.path.isdir(tdir):
            for p, _, fs in os.walk(tdir):
                for f in sorted(fs):
                    templates.append(os.path.join(p, f))
        templates.sort()
        values = read(os.path.join(d, "values.yaml")) if os.path.exists(os.path.join(d, "values.yaml")) else b""
        helpers = b"".join(read(t) for t in templates if os.path.basename(t).startswith("_"))
        for t in templates:
            counts["template_parse"] += write(out, "template_parse", read(t))
        for t in [t for t in templates if not os.path.basename(t).startswith("_")][:MAX_EXEC_PER_CHART]:
            counts["template_exec"] += write(out, "template_exec", helpers + read(t) + b"\0" + values)
        # values: "" over the defaults, each ci file over the defaults
        counts["values_yaml"] += write(out, "values_yaml", b"\0" + values)
        ci = os.path.join(d, "ci")
        if os.path.isdir(ci):
            for f in sorted(os.listdir(ci)):
                counts["values_yaml"] += write(out, "values_yaml", read(os.path.join(ci, f)) + b"\0" + values)
        if dir_size(d) <= MAX_CHART_DIR:
            counts["chart_archive"] += write(out, "chart_archive", archive(d))
    vroot = os.path.join(shared, "corpus", "values")
    for p, _, fs in os.walk(vroot):
        for f in sorted(fs):
            counts["values_yaml"] += write(out, "values_yaml", read(os.path.join(p, f)))


def archive(d):
    """A .tgz of chart directory `d` as `helm package` lays it out (`<name>/...`), with
    fixed metadata so the bytes are reproducible."""
    buf = io.BytesIO()
    name = os.path.basename(d)
    import gzip

    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz:
        with tarfile.open(fileobj=gz, mode="w", format=tarfile.USTAR_FORMAT) as tar:
            for p, dirnames, fs in os.walk(d):
                dirnames.sort()
                for f in sorted(fs):
                    full = os.path.join(p, f)
                    rel = os.path.relpath(full, d)
                    data = read(full)
                    info = tarfile.TarInfo(name + "/" + rel)
                    info.size = len(data)
                    info.mode = 0o644
                    tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def expected_appsets(shared, out, counts):
    root = os.path.join(shared, "corpus", "expected")
    for p, _, fs in os.walk(root):
        for f in sorted(fs):
            if not f.endswith(".json"):
                continue
            text = open(os.path.join(p, f)).read()
            if "kind: ApplicationSet" not in text:
                continue
            for manifest in json.loads(text).get("manifests", {}).values():
                for doc in manifest.split("\n---"):
                    if "kind: ApplicationSet" in doc:
                        counts["appset_expand"] += write(out, "appset_expand", doc)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default=os.path.join(here, "..", "..", "shared"))
    ap.add_argument("--out", default=os.path.join(here, "corpus"))
    args = ap.parse_args()
    if not os.path.isdir(args.shared):
        sys.exit(f"seed.py: {args.shared} not found (the shared test data, ../shared)")
    counts = {t: 0 for t in TARGETS}
    vectors(args.shared, args.out, counts)
    charts(args.shared, args.out, counts)
    expected_appsets(args.shared, args.out, counts)
    for t in TARGETS:
        os.makedirs(os.path.join(args.out, t), exist_ok=True)
        total = len(os.listdir(os.path.join(args.out, t)))
        print(f"{t}: {counts[t]} new, {total} in {os.path.join(args.out, t)}")


if __name__ == "__main__":
    main()
