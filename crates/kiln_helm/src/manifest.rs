//! From rendered templates to Kubernetes manifests, mirroring Helm's
//! `pkg/release/v1/util` (`SplitManifests`, `SortManifests`, `InstallOrder`) and the
//! stream `helm template` prints (`pkg/cmd/template.go`).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use kiln_gotmpl::{Map, Str, Value};

use crate::error::{ErrorKind, HelmError};
use crate::head::{Head, Identity};

/// Helm's `InstallOrder`: kinds are installed in this order; unknown kinds go last,
/// sorted by kind name.
pub const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// Hook events Helm knows (`helm.sh/hook` values); a document naming any other is
/// dropped from the release.
pub const HOOK_EVENTS: &[&str] = &[
    "pre-install",
    "post-install",
    "pre-delete",
    "post-delete",
    "pre-upgrade",
    "post-upgrade",
    "pre-rollback",
    "post-rollback",
    "test",
    "test-success",
];

/// One document of the rendered output.
#[derive(Clone, Debug)]
pub struct Manifest {
    /// The template it came from (`chart/templates/x.yaml`).
    pub path: String,
    /// The document text, as Helm keeps it (leading whitespace trimmed).
    pub content: String,
    /// Byte offset of `content` in the template's output (for source maps).
    pub offset: usize,
    /// `kind`, or empty.
    pub kind: String,
    /// Whether the document is a mapping (`false` when it is empty or only comments).
    pub is_object: bool,
    /// The object's `apiVersion`, `kind`, name and namespace.
    pub id: Identity,
    /// The parsed document, once something asked for it (see [`Manifest::object`]).
    object: OnceLock<Value>,
}

impl Manifest {
    /// A document whose object is parsed from `content` when first asked for (`head`:
    /// what [`document_head`] read of it).
    pub fn new(path: String, content: String, offset: usize, head: Head) -> Manifest {
        Manifest {
            path,
            content,
            offset,
            kind: head.kind,
            is_object: head.is_object,
            id: head.id,
            object: OnceLock::new(),
        }
    }

    /// [`Manifest::new`] with the object already parsed (`Nil` when it is not a mapping).
    pub fn with_object(
        path: String,
        content: String,
        offset: usize,
        head: Head,
        object: Value,
    ) -> Manifest {
        let m = Manifest::new(path, content, offset, head);
        let _ = m.object.set(object);
        m
    }

    /// The parsed document (as `sigs.k8s.io/yaml.Unmarshal` into `interface{}`; `Nil`
    /// when it is empty or only comments). Rendering only reads each document's head
    /// ([`crate::head`]); the whole object is parsed here, once, for the callers that
    /// need it (the Application walk, checks, the hydrator layout).
    pub fn object(&self) -> &Value {
        self.object.get_or_init(|| {
            if !self.is_object {
                return Value::Nil;
            }
            // The document was checked when it was rendered, so this parse succeeds.
            crate::yaml::parse_document(&self.content).unwrap_or(Value::Nil)
        })
    }
}

/// Manifests are equal when their text and origin are; the object follows from the text.
impl PartialEq for Manifest {
    fn eq(&self, other: &Manifest) -> bool {
        self.path == other.path
            && self.content == other.content
            && self.offset == other.offset
            && self.kind == other.kind
            && self.is_object == other.is_object
            && self.id == other.id
    }
}

fn is_go_space(c: char) -> bool {
    c.is_whitespace()
}

/// Helm's `SplitManifests`: documents separated by `---` lines (the regex
/// `(?:^|\s*\n)---\s*`), leading whitespace trimmed, blank documents dropped.
pub fn split_manifests(text: &str) -> Vec<String> {
    split_manifests_at(text)
        .into_iter()
        .map(|(_, d)| d.to_string())
        .collect()
}

/// [`split_manifests`] with each document's byte offset in `text` (where its first
/// non-whitespace character is), to map documents back to template output.
pub fn split_manifests_at(text: &str) -> Vec<(usize, &str)> {
    let base = text.len() - text.trim_start_matches(is_go_space).len();
    let text = &text[base..];
    let mut docs = Vec::new();
    let mut pieces = Vec::new();
    // Find separators: `---` at the very start, or preceded by (whitespace and) a newline.
    let bytes = text.as_bytes();
    let mut last = 0;
    let mut i = 0;
    while i + 3 <= bytes.len() {
        let at_start = i == 0;
        if &bytes[i..i + 3] == b"---" {
            // Find start of the separator match (preceding whitespace up to a newline).
            // `(?:^|\s*\n)---`: at the very start, or right after a newline (plus any
            // whitespace before that newline, which the leftmost match includes).
            let sep_start = if at_start {
                Some(0)
            } else if bytes[i - 1] == b'\n' && i > last {
                let mut j = i - 1;
                while j > last && (bytes[j - 1] as char).is_ascii_whitespace() {
                    j -= 1;
                }
                Some(j)
            } else {
                None
            };
            if let Some(s) = sep_start {
                let mut e = i + 3;
                while e < bytes.len() && (bytes[e] as char).is_ascii_whitespace() {
                    e += 1;
                }
                pieces.push((last, &text[last..s]));
                last = e;
                i = e;
                continue;
            }
        }
        i += 1;
    }
    pieces.push((last, &text[last..]));
    for (at, d) in pieces {
        if d.trim().is_empty() {
            continue;
        }
        let doc = d.trim_start_matches(is_go_space);
        docs.push((base + at + (d.len() - doc.len()), doc));
    }
    docs
}

fn kind_rank(kind: &str) -> Option<usize> {
    INSTALL_ORDER.iter().position(|k| *k == kind)
}

/// Helm's `lessByKind`.
fn less_by_kind(a: &str, b: &str) -> bool {
    match (kind_rank(a), kind_rank(b)) {
        (None, None) => a < b,
        (None, Some(_)) => false,
        (Some(_), None) => true,
        (Some(x), Some(y)) => x < y,
    }
}

/// Stable sort by kind in install order (Go's `sort.SliceStable` with `lessByKind`).
pub fn sort_by_kind(items: &mut [Manifest]) {
    // An insertion sort is stable and needs only the `less` relation (which is not a
    // total-order key).
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && less_by_kind(&items[j].kind, &items[j - 1].kind) {
            items.swap(j, j - 1);
            j -= 1;
        }
    }
}

/// Helm's `SortManifests`: splits each non-partial, non-empty template output into
/// documents (files in path order), separates hooks (documents with a `helm.sh/hook`
/// annotation; unknown hook events drop the document), and sorts both by kind.
/// NOTES files must have been removed by the caller.
pub fn sort_manifests(
    rendered: &BTreeMap<String, String>,
) -> Result<(Vec<Manifest>, Vec<Manifest>), HelmError> {
    let mut hooks = Vec::new();
    let mut generic = Vec::new();
    for (path, content) in rendered {
        let base = path.rsplit('/').next().unwrap_or(path);
        if base.starts_with('_') || content.trim().is_empty() {
            continue;
        }
        for (offset, doc) in split_manifests_at(content) {
            let (head, object) = document_head(doc).map_err(|(msg, line)| HelmError {
                kind: ErrorKind::Manifest,
                message: format!("YAML parse error on {path}: {msg}"),
                file: Some(path.clone()),
                line,
                col: None,
            })?;
            let hook = head.hook.clone();
            let m = match object {
                Some(object) => {
                    Manifest::with_object(path.clone(), doc.to_string(), offset, head, object)
                }
                None => Manifest::new(path.clone(), doc.to_string(), offset, head),
            };
            match hook {
                None => generic.push(m),
                Some(events) => {
                    let known = events
                        .split(',')
                        .all(|e| HOOK_EVENTS.contains(&e.trim().to_ascii_lowercase().as_str()));
                    if known {
                        hooks.push(m);
                    }
                }
            }
        }
    }
    sort_by_kind(&mut hooks);
    sort_by_kind(&mut generic);
    Ok((hooks, generic))
}

/// What `SortManifests` reads from one document: its head, from the fast reading of
/// [`crate::head::scan`] when the document is plain block YAML, else from the full
/// parse (whose object comes back too, so it is not parsed twice). Errors are Helm's
/// message and line, as `sort_manifests` words them after `YAML parse error on FILE: `.
pub fn document_head(doc: &str) -> Result<(Head, Option<Value>), (String, Option<usize>)> {
    if let Some(head) = crate::head::scan(doc) {
        return Ok((head, None));
    }
    let (head, object) = parsed_head(doc)?;
    Ok((head, Some(object)))
}

/// [`document_head`] by the full parse only (for tests comparing it with the fast
/// reading).
#[doc(hidden)]
pub fn document_head_parsed(doc: &str) -> Result<Head, (String, Option<usize>)> {
    parsed_head(doc).map(|(head, _)| head)
}

fn parsed_head(doc: &str) -> Result<(Head, Value), (String, Option<usize>)> {
    let object = crate::yaml::parse_document(doc)?;
    let head = SimpleHead::read(&object, doc).map_err(|msg| (msg, None))?;
    let head = Head {
        is_object: object.as_map().is_some(),
        kind: head.kind,
        hook: head.hook,
        id: Identity::of(&object),
    };
    Ok((head, object))
}

/// The fields Helm reads from each document (`releaseutil.SimpleHead`), decoded as
/// `sigs.k8s.io/yaml.Unmarshal` into that struct does:
///
/// - field names match case-insensitively (`encoding/json`); with several matching
///   keys the last in sorted key order wins (the YAML is re-encoded as JSON with sorted
///   keys before decoding);
/// - scalars bound for a `string` (apiVersion, kind, metadata.name, annotation values)
///   are converted to strings first (`convertToJSONableObject`: `1` becomes `"1"`,
///   `true` becomes `"true"`), so only lists and maps there fail the render;
/// - a `null` annotation value is an empty string, and still present.
struct SimpleHead {
    kind: String,
    hook: Option<String>,
}

/// A non-string scalar met while reading the head from the untyped document: the
/// document must be re-read with YAML's own integer/float distinction.
struct NeedsTyped;

enum HeadError {
    Message(String),
    Typed(NeedsTyped),
}

/// The value of the struct field `name` (case-insensitive, last sorted match wins).
fn json_field<'a>(m: &'a Map, name: &str) -> Option<&'a Value> {
    let mut keys: Vec<&Str> = m.keys().filter(|k| k.eq_ignore_ascii_case(name)).collect();
    keys.sort();
    keys.last().and_then(|k| m.get(k.as_str()))
}

/// A `string` field: `Ok(None)` when absent or null. Numbers need the typed parse only
/// when their text matters (`need_text`: `kind` and the hook events); elsewhere only
/// the type check does.
fn head_string(
    val: Option<&Value>,
    field: &str,
    typed: bool,
    need_text: bool,
) -> Result<Option<String>, HeadError> {
    match val {
        None | Some(Value::Nil) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.to_string())),
        Some(Value::Bool(b)) => Ok(Some(b.to_string())),
        Some(v @ (Value::Int(..) | Value::Uint(..) | Value::Float(_))) => {
            if typed {
                Ok(kiln_encoding::go_string_field(v))
            } else if need_text {
                Err(HeadError::Typed(NeedsTyped))
            } else {
                Ok(Some(String::new()))
            }
        }
        Some(other) => Err(HeadError::Message(format!(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go struct field {} of type string",
            json_kind(other),
            field
        ))),
    }
}

impl SimpleHead {
    /// Reads the head of a document (`object` its untyped parse, `doc` its text).
    fn read(object: &Value, doc: &str) -> Result<SimpleHead, String> {
        match SimpleHead::of(object, false) {
            Ok(h) => Ok(h),
            Err(HeadError::Message(m)) => Err(m),
            Err(HeadError::Typed(NeedsTyped)) => {
                let typed = kiln_encoding::yaml_to_value_typed(doc).map_err(|e| e.message)?;
                match SimpleHead::of(&typed, true) {
                    Ok(h) => Ok(h),
                    Err(HeadError::Message(m)) => Err(m),
                    Err(HeadError::Typed(NeedsTyped)) => Ok(SimpleHead {
                        kind: String::new(),
                        hook: None,
                    }),
                }
            }
        }
    }

    fn of(v: &Value, typed: bool) -> Result<SimpleHead, HeadError> {
        let Some(m) = v.as_map() else {
            return match v {
                Value::Nil => Ok(SimpleHead {
                    kind: String::new(),
                    hook: None,
                }),
                other => Err(HeadError::Message(format!(
                    "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type util.SimpleHead",
                    json_kind(other)
                ))),
            };
        };
        head_string(
            json_field(&m, "apiVersion"),
            "SimpleHead.apiVersion",
            typed,
            false,
        )?;
        let kind = head_string(json_field(&m, "kind"), "SimpleHead.kind", typed, true)?
            .unwrap_or_default();
        let mut hook = None;
        match json_field(&m, "metadata") {
            None | Some(Value::Nil) => {}
            Some(Value::Map(md, _)) => {
                let md = md.snapshot();
                // Fields of the anonymous metadata struct: Go's JSON errors name them
                // without a struct name (`.metadata.name`).
                head_string(json_field(&md, "name"), ".metadata.name", typed, false)?;
                match json_field(&md, "annotations") {
                    None | Some(Value::Nil) => {}
                    Some(Value::Map(a, _)) => {
                        let a = a.snapshot();
                        for (k, v) in a.iter() {
                            let is_hook = k.as_str() == "helm.sh/hook";
                            let text =
                                head_string(Some(v), ".metadata.annotations", typed, is_hook)?
                                    .unwrap_or_default();
                            if is_hook {
                                hook = Some(text);
                            }
                        }
                    }
                    Some(other) => {
                        return Err(HeadError::Message(format!(
                            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go struct field .metadata.annotations of type map[string]string",
                            json_kind(other)
                        )))
                    }
                }
            }
            Some(other) => {
                return Err(HeadError::Message(format!(
                    "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go struct field SimpleHead.metadata of type struct {{ Name string \"json:\\\"name\\\"\"; Annotations map[string]string \"json:\\\"annotations\\\"\" }}",
                    json_kind(other)
                )))
            }
        }
        Ok(SimpleHead { kind, hook })
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Bool(_) => "bool",
        Value::String(_) => "string",
        Value::List(..) => "array",
        Value::Map(..) => "object",
        _ => "number",
    }
}

/// The `helm template` stream: CRDs (when asked), then the kind-sorted manifests, then
/// hooks, each document as `---\n# Source: PATH\nDOC\n`.
pub fn template_stream(
    crds: &[(String, String)],
    hooks: &[Manifest],
    generic: &[Manifest],
) -> String {
    let mut head = String::new();
    for (name, data) in crds {
        head.push_str("---\n# Source: ");
        head.push_str(name);
        head.push('\n');
        head.push_str(data);
        head.push('\n');
    }
    for m in generic {
        head.push_str("---\n# Source: ");
        head.push_str(&m.path);
        head.push('\n');
        head.push_str(&m.content);
        head.push('\n');
    }
    let mut out = head.trim_matches(is_go_space).to_string();
    out.push('\n');
    for m in hooks {
        out.push_str("---\n# Source: ");
        out.push_str(&m.path);
        out.push('\n');
        out.push_str(&m.content);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_offsets_point_at_each_document() {
        for text in [
            "\n\n  a: 1\n---\nb: 2\n  \n---  \n\n c: 3\n",
            "---\na: 1",
            "a: 1\n---\n---\n\t\nb: 2\n---",
            "",
        ] {
            let docs = split_manifests_at(text);
            assert_eq!(
                docs.iter().map(|(_, d)| d.to_string()).collect::<Vec<_>>(),
                split_manifests(text)
            );
            for (at, d) in docs {
                assert_eq!(&text[at..at + d.len()], d, "{text:?}");
            }
        }
    }

    #[test]
    fn split() {
        assert_eq!(
            split_manifests("---\na: 1\n---\nb: 2\n"),
            vec!["a: 1", "b: 2\n"]
        );
        assert_eq!(
            split_manifests("a: 1\n  \n---  \nb: 2"),
            vec!["a: 1", "b: 2"]
        );
        assert_eq!(split_manifests("a: x---y\n"), vec!["a: x---y\n"]);
        // The second `---` follows a newline the first separator already consumed.
        assert_eq!(split_manifests("\n\n---\n\n---\nc: 3"), vec!["---\nc: 3"]);
    }
}
