//! Golden tests of the output formats on a small, hand-built set of findings
//! (`output_common`). The expected texts were written by hand from the formats'
//! documentation, then checked against the renderers.

mod output_common;

use kiln_check::output::{self, github, human, json, sarif, Format, HumanOptions, RenderContext};
use output_common::{findings, registry, repo};
use serde_json::json;

#[test]
fn human_format() {
    let got = human::render(&findings(), &repo(), &HumanOptions::default());
    let expected = r#"SCH001

  × values don't match: 100% of `replicas`, got "a,b"
  │ in app web on home

GPU001

  × GPU requested but the pod has no toleration for the GPU taint
   ╭─[charts/ai/ollama/values.yaml:5:3]
 4 │ gpu:
 5 │   enabled: true
   ·   ───┬───
   ·      ╰── Deployment ai/ollama, app ollama on home, lab
 6 │ resources:
   ╰────
  help: add a toleration for `nvidia.com/gpu`

RES001

  ⚠ memory limit 2Gi is below the 4Gi an inference server needs
   ╭─[charts/ai/ollama/values.yaml:8:5]
 7 │   limits:
 8 │     memory: 2Gi
   ·     ───┬──
   ·        ╰── Deployment ai/ollama, app ollama on home
   ╰────
  help: raise `resources.limits.memory` to at least 4Gi

  ☞ rendered into the container here
    ╭─[charts/ai/ollama/templates/deployment.yaml:11:13]
 10 │           resources:
 11 │             {{- toYaml .Values.resources | nindent 12 }}
    ·             ───
    ╰────

KLN001

  ☞ chart `charts/web` is not deployed by any cluster; it was checked with its default values
  │ at charts/web/Chart.yaml:1:1
  │ in app charts/web
  help: deploy it from a cluster's Application, delete it, or disable KLN001 for its path in
        kiln.toml

2 errors, 1 warning, 1 info
"#;
    assert_eq!(got, expected, "\n--- got ---\n{got}");
}

#[test]
fn human_format_without_findings() {
    let got = human::render(&[], &repo(), &HumanOptions::default());
    assert_eq!(got, "0 errors, 0 warnings, 0 infos\n");
}

#[test]
fn json_format() {
    let got = json::render(&findings());
    let expected = r#"[
  {
    "code": "SCH001",
    "severity": "error",
    "message": "values don't match: 100% of `replicas`, got \"a,b\"",
    "help": null,
    "file": null,
    "line": null,
    "column": null,
    "clusters": [
      "home"
    ],
    "app": "web",
    "object": null,
    "related": []
  },
  {
    "code": "GPU001",
    "severity": "error",
    "message": "GPU requested but the pod has no toleration for the GPU taint",
    "help": "add a toleration for `nvidia.com/gpu`",
    "file": "charts/ai/ollama/values.yaml",
    "line": 5,
    "column": 3,
    "clusters": [
      "home",
      "lab"
    ],
    "app": "ollama",
    "object": {
      "apiVersion": "apps/v1",
      "kind": "Deployment",
      "namespace": "ai",
      "name": "ollama"
    },
    "related": []
  },
  {
    "code": "RES001",
    "severity": "warning",
    "message": "memory limit 2Gi is below the 4Gi an inference server needs",
    "help": "raise `resources.limits.memory` to at least 4Gi",
    "file": "charts/ai/ollama/values.yaml",
    "line": 8,
    "column": 5,
    "clusters": [
      "home"
    ],
    "app": "ollama",
    "object": {
      "apiVersion": "apps/v1",
      "kind": "Deployment",
      "namespace": "ai",
      "name": "ollama"
    },
    "related": [
      {
        "file": "charts/ai/ollama/templates/deployment.yaml",
        "line": 11,
        "column": 13,
        "label": "rendered into the container here"
      }
    ]
  },
  {
    "code": "KLN001",
    "severity": "info",
    "message": "chart `charts/web` is not deployed by any cluster; it was checked with its default values",
    "help": "deploy it from a cluster's Application, delete it, or disable KLN001 for its path in kiln.toml",
    "file": "charts/web/Chart.yaml",
    "line": 1,
    "column": 1,
    "clusters": [],
    "app": "charts/web",
    "object": null,
    "related": []
  }
]
"#;
    assert_eq!(got, expected, "\n--- got ---\n{got}");
    assert_eq!(json::render(&[]), "[]\n");
}

#[test]
fn github_format() {
    let got = github::render(&findings());
    let expected = concat!(
        "::error title=SCH001::values don't match: 100%25 of `replicas`, got \"a,b\"\n",
        "::error file=charts/ai/ollama/values.yaml,line=5,col=3,title=GPU001::GPU requested but the pod has no toleration for the GPU taint%0Ahelp: add a toleration for `nvidia.com/gpu`\n",
        "::warning file=charts/ai/ollama/values.yaml,line=8,col=5,title=RES001::memory limit 2Gi is below the 4Gi an inference server needs%0Ahelp: raise `resources.limits.memory` to at least 4Gi\n",
        "::notice file=charts/web/Chart.yaml,line=1,col=1,title=KLN001::chart `charts/web` is not deployed by any cluster; it was checked with its default values%0Ahelp: deploy it from a cluster's Application, delete it, or disable KLN001 for its path in kiln.toml\n",
    );
    assert_eq!(got, expected, "\n--- got ---\n{got}");
    assert_eq!(github::render(&[]), "");

    // Property values escape `:` and `,` too.
    let odd = kiln_check::Diagnostic::new("GPU001", kiln_check::Severity::Warning, "a\r\nb")
        .with_span(Some(kiln_check::Span::new("x,y:z%.yaml", 2, 1)));
    assert_eq!(
        github::render(&[odd]),
        "::warning file=x%2Cy%3Az%25.yaml,line=2,col=1,title=GPU001::a%0D%0Ab\n"
    );
}

#[test]
fn sarif_format() {
    let text = sarif::render(&findings(), &registry());
    assert!(text.ends_with("}\n"));
    let got: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    assert_eq!(
        got["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    assert_eq!(got["version"], "2.1.0");
    let runs = got["runs"].as_array().cloned().unwrap_or_default();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "kiln");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let ids: Vec<&str> = driver["rules"]
        .as_array()
        .map(|r| r.iter().filter_map(|r| r["id"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        ids,
        [
            "GPU001", "KLN001", "KLN002", "KLN003", "KLN004", "KLN005", "KLN006", "RES001",
            "SCH001"
        ]
    );
    assert_eq!(
        driver["rules"][0],
        json!({
            "id": "GPU001",
            "name": "gpu-without-toleration",
            "shortDescription": {"text": "GPU requested without a toleration for the GPU taint"},
            "fullDescription": {
                "text": "## What it does\nChecks GPU pods for a toleration.",
                "markdown": "## What it does\nChecks GPU pods for a toleration."
            },
            "help": {
                "text": "## What it does\nChecks GPU pods for a toleration.",
                "markdown": "## What it does\nChecks GPU pods for a toleration."
            },
            "defaultConfiguration": {"level": "error"},
            "properties": {"tags": ["GPU"]}
        })
    );
    assert_eq!(driver["rules"][1]["defaultConfiguration"]["level"], "note");
    assert_eq!(
        run["results"],
        json!([
            {
                "ruleId": "SCH001",
                "ruleIndex": 8,
                "level": "error",
                "message": {"text": "values don't match: 100% of `replicas`, got \"a,b\""},
                "properties": {"clusters": ["home"], "app": "web"}
            },
            {
                "ruleId": "GPU001",
                "ruleIndex": 0,
                "level": "error",
                "message": {"text": "GPU requested but the pod has no toleration for the GPU taint\nhelp: add a toleration for `nvidia.com/gpu`"},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": "charts/ai/ollama/values.yaml", "uriBaseId": "SRCROOT"},
                        "region": {"startLine": 5, "startColumn": 3}
                    }
                }],
                "properties": {
                    "clusters": ["home", "lab"],
                    "app": "ollama",
                    "object": {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "ai", "name": "ollama"}
                }
            },
            {
                "ruleId": "RES001",
                "ruleIndex": 7,
                "level": "warning",
                "message": {"text": "memory limit 2Gi is below the 4Gi an inference server needs\nhelp: raise `resources.limits.memory` to at least 4Gi"},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": "charts/ai/ollama/values.yaml", "uriBaseId": "SRCROOT"},
                        "region": {"startLine": 8, "startColumn": 5}
                    }
                }],
                "relatedLocations": [{
                    "id": 1,
                    "physicalLocation": {
                        "artifactLocation": {"uri": "charts/ai/ollama/templates/deployment.yaml", "uriBaseId": "SRCROOT"},
                        "region": {"startLine": 11, "startColumn": 13}
                    },
                    "message": {"text": "rendered into the container here"}
                }],
                "properties": {
                    "clusters": ["home"],
                    "app": "ollama",
                    "object": {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "ai", "name": "ollama"}
                }
            },
            {
                "ruleId": "KLN001",
                "ruleIndex": 1,
                "level": "note",
                "message": {"text": "chart `charts/web` is not deployed by any cluster; it was checked with its default values\nhelp: deploy it from a cluster's Application, delete it, or disable KLN001 for its path in kiln.toml"},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": "charts/web/Chart.yaml", "uriBaseId": "SRCROOT"},
                        "region": {"startLine": 1, "startColumn": 1}
                    }
                }],
                "properties": {"app": "charts/web"}
            }
        ])
    );
}

/// Every format gives the same bytes for the same findings, whatever their order.
#[test]
fn deterministic() {
    let registry = registry();
    let root = repo();
    let ctx = RenderContext {
        sources: &root,
        registry: &registry,
        human: HumanOptions::default(),
    };
    let mut reversed = findings();
    reversed.reverse();
    kiln_check::runner::sort(&mut reversed);
    for name in Format::NAMES {
        let Some(format) = Format::parse(name) else {
            panic!("{name}")
        };
        let a = output::render(format, &findings(), &ctx);
        let b = output::render(format, &reversed, &ctx);
        assert_eq!(a, b, "{name}");
    }
}
