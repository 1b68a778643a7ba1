//! `--format sarif`: a SARIF 2.1.0 log (OASIS Static Analysis Results Interchange
//! Format), valid against `schemas/sarif-2.1.0.json`, pretty-printed and followed by a
//! new line.
//!
//! * One run (§3.14). `tool.driver` (§3.18, §3.19): `name` `kiln`, `version` (the crate
//!   version), and `rules`: every rule of the registry, sorted by code, as
//!   `reportingDescriptor`s (§3.49) with `id`, `name`, `shortDescription` (the summary),
//!   `fullDescription` and `help` (the docs, as text and Markdown; no `helpUri`),
//!   `defaultConfiguration.level` and the family as a tag.
//! * `columnKind` (§3.14.17) is `unicodeCodePoints`: kiln's columns count characters.
//! * One `result` (§3.27) per finding: `ruleId`, `ruleIndex` (when the code is
//!   registered), `level` (`error`, `warning`, `note` for info), `message.text` (the
//!   message, then the help on a second line), one `physicalLocation` (§3.29) with a
//!   repository-relative `artifactLocation.uri` (percent-encoded where needed),
//!   `uriBaseId` `SRCROOT`, and `region.startLine`/`startColumn` (§3.30);
//!   `relatedLocations` for related spans; `properties` with `clusters`, `app` and
//!   `object` when known. A finding without a span has no `locations`.

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::registry::{family_of, Registry};
use crate::runner::clusters;

/// The `uriBaseId` of every location: the repository root.
pub const SRCROOT: &str = "SRCROOT";

/// The SARIF version written.
pub const SARIF_VERSION: &str = "2.1.0";

/// The `$schema` written (SchemaStore's copy of the OASIS schema, which code scanning
/// services recognise).
pub const SARIF_SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'a str,
    version: &'a str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    column_kind: &'a str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
struct Driver<'a> {
    name: &'a str,
    version: &'a str,
    rules: Vec<ReportingDescriptor<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor<'a> {
    id: &'a str,
    name: &'a str,
    short_description: Text<'a>,
    full_description: Markdown<'a>,
    help: Markdown<'a>,
    default_configuration: Configuration,
    properties: Tags<'a>,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct Markdown<'a> {
    text: &'a str,
    markdown: &'a str,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Tags<'a> {
    tags: [&'a str; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: OwnedText,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location<'a>>,
    #[serde(skip_serializing_if = "Properties::is_empty")]
    properties: Properties<'a>,
}

#[derive(Serialize)]
struct OwnedText {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
}

#[derive(Serialize)]
struct Properties<'a> {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    clusters: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    app: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    object: Option<Object<'a>>,
}

impl Properties<'_> {
    fn is_empty(&self) -> bool {
        self.clusters.is_empty() && self.app.is_none() && self.object.is_none()
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Object<'a> {
    api_version: &'a str,
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    namespace: Option<&'a str>,
    name: &'a str,
}

/// Renders the findings as a SARIF 2.1.0 log listing `registry`'s rules.
pub fn render(diagnostics: &[Diagnostic], registry: &Registry) -> String {
    let rules = registry
        .rules()
        .iter()
        .map(|r| ReportingDescriptor {
            id: r.code,
            name: r.name,
            short_description: Text { text: r.summary },
            full_description: Markdown {
                text: r.docs.trim(),
                markdown: r.docs.trim(),
            },
            help: Markdown {
                text: r.docs.trim(),
                markdown: r.docs.trim(),
            },
            default_configuration: Configuration {
                level: level(r.default_severity),
            },
            properties: Tags {
                tags: [family_of(r.code)],
            },
        })
        .collect();
    let results = diagnostics
        .iter()
        .map(|d| SarifResult {
            rule_id: &d.code,
            rule_index: registry.index_of(&d.code),
            level: level(d.severity),
            message: OwnedText {
                text: match &d.help {
                    Some(help) => format!("{}\nhelp: {help}", d.message),
                    None => d.message.clone(),
                },
            },
            locations: d.span.iter().map(|s| location(None, s, None)).collect(),
            related_locations: d
                .related
                .iter()
                .enumerate()
                .map(|(i, (s, label))| location(Some(i + 1), s, Some(label)))
                .collect(),
            properties: Properties {
                clusters: clusters(d),
                app: d.app.as_deref(),
                object: d.object.as_ref().map(|o| Object {
                    api_version: &o.api_version,
                    kind: &o.kind,
                    namespace: o.namespace.as_deref(),
                    name: &o.name,
                }),
            },
        })
        .collect();
    let log = Log {
        schema: SARIF_SCHEMA_URI,
        version: SARIF_VERSION,
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "kiln",
                    version: env!("CARGO_PKG_VERSION"),
                    rules,
                },
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    let mut out = serde_json::to_string_pretty(&log).unwrap_or_default();
    out.push('\n');
    out
}

/// SARIF's `level` (§3.27.10) of a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn location<'a>(id: Option<usize>, span: &Span, label: Option<&'a str>) -> Location<'a> {
    Location {
        id,
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: relative_uri(&span.file),
                uri_base_id: SRCROOT,
            },
            region: Region {
                start_line: span.line.max(1),
                start_column: span.column.max(1),
            },
        },
        message: label.map(|text| Text { text }),
    }
}

/// A repository-relative path as a relative URI reference (RFC 3986): `/` kept,
/// unreserved characters kept, every other byte percent-encoded; a leading `/` or `./`
/// dropped.
pub fn relative_uri(path: &str) -> String {
    let path = path.trim_start_matches("./").trim_start_matches('/');
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(
            relative_uri("charts/ai/x/values.yaml"),
            "charts/ai/x/values.yaml"
        );
        assert_eq!(relative_uri("./a b/ü#.yaml"), "a%20b/%C3%BC%23.yaml");
        assert_eq!(relative_uri("/abs"), "abs");
    }
}
