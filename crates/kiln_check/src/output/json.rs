//! `--format json`: the findings as one JSON array, pretty-printed (two-space indent)
//! and followed by a new line; `[]` when there are none.
//!
//! Each finding is an object with these keys, always present, in this order:
//!
//! | key | type | meaning |
//! | --- | --- | --- |
//! | `code` | string | the rule code (`GPU001`) |
//! | `severity` | string | `error`, `warning` or `info` |
//! | `message` | string | one line: what is wrong |
//! | `help` | string or null | one line: how to fix it |
//! | `file` | string or null | repository-relative path of the span, with `/` |
//! | `line` | integer or null | 1-based line |
//! | `column` | integer or null | 1-based column, in characters |
//! | `clusters` | array of strings | the clusters where it was found, sorted (empty for charts no cluster deploys and for repository-wide findings) |
//! | `app` | string or null | the Application |
//! | `object` | object or null | `{"apiVersion", "kind", "namespace" (string or null), "name"}` |
//! | `related` | array | other places: `{"file", "line", "column", "label"}` |
//!
//! Shown compacted:
//!
//! ```json
//! [
//!   {
//!     "code": "GPU001",
//!     "severity": "error",
//!     "message": "GPU requested but no toleration for the GPU taint",
//!     "help": "add a toleration for nvidia.com/gpu",
//!     "file": "charts/ai/ollama/values.yaml",
//!     "line": 4,
//!     "column": 3,
//!     "clusters": ["home", "lab"],
//!     "app": "ollama",
//!     "object": {"apiVersion": "apps/v1", "kind": "Deployment", "namespace": "ai", "name": "ollama"},
//!     "related": []
//!   }
//! ]
//! ```
//!
//! New keys may be added; existing keys keep their meaning.

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Span};
use crate::runner::clusters;

#[derive(Serialize)]
struct Finding<'a> {
    code: &'a str,
    severity: &'a str,
    message: &'a str,
    help: Option<&'a str>,
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    clusters: Vec<&'a str>,
    app: Option<&'a str>,
    object: Option<Object<'a>>,
    related: Vec<Related<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Object<'a> {
    api_version: &'a str,
    kind: &'a str,
    namespace: Option<&'a str>,
    name: &'a str,
}

#[derive(Serialize)]
struct Related<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    label: &'a str,
}

/// Renders the findings as the JSON array described in the module documentation.
pub fn render(diagnostics: &[Diagnostic]) -> String {
    let findings: Vec<Finding<'_>> = diagnostics.iter().map(finding).collect();
    let mut out = serde_json::to_string_pretty(&findings).unwrap_or_else(|_| "[]".to_string());
    out.push('\n');
    out
}

fn finding(d: &Diagnostic) -> Finding<'_> {
    let span: Option<&Span> = d.span.as_ref();
    Finding {
        code: &d.code,
        severity: d.severity.as_str(),
        message: &d.message,
        help: d.help.as_deref(),
        file: span.map(|s| s.file.as_str()),
        line: span.map(|s| s.line),
        column: span.map(|s| s.column),
        clusters: clusters(d),
        app: d.app.as_deref(),
        object: d.object.as_ref().map(|o| Object {
            api_version: &o.api_version,
            kind: &o.kind,
            namespace: o.namespace.as_deref(),
            name: &o.name,
        }),
        related: d
            .related
            .iter()
            .map(|(s, label)| Related {
                file: &s.file,
                line: s.line,
                column: s.column,
                label,
            })
            .collect(),
    }
}
