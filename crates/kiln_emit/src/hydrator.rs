//! The `hydrator` layout: a rendered branch that reads like one written by Argo CD's
//! Source Hydrator (commit server `commitserver/commit/hydratorhelper.go` and
//! `commit.go`, `util/hydrator/hydrator.go`, Argo CD v3.x).
//!
//! What the hydrator writes for each hydrated Application, and what kiln writes:
//!
//! | Argo CD's Source Hydrator | kiln `--layout hydrator` |
//! |---|---|
//! | `<syncSource.path>/manifest.yaml`: every object of the dry source, as JSON decoded into `unstructured` (integers `int64`, others `float64`), tracking annotations removed, encoded with goyaml.v3 (`SetIndent(2)`, keys sorted), documents separated by `---` | the same encoding, path `<cluster>/<app>/manifest.yaml` |
//! | `<path>/hydrator.metadata`: `{"repoURL", "drySha", "commands"}` (Go `json.Encoder`, two-space indent, no HTML escaping) | the same keys; `commands` is the `kiln compile` command line instead of the repo server's `helm template` invocation (which names temporary files) |
//! | `<path>/README.md` from the default README template | the default template's text for that metadata |
//! | root `hydrator.metadata`: `repoURL`, `drySha`, `author`, `date` (author date), `subject`, `body` of the dry commit | the same; `date` in UTC (`Z`), as the controller formats it; `references` (from `Argocd-reference-commit-*` trailers) are not written and such trailers stay in `body` |
//! | root `.gitattributes` marking `README.md` and `hydrator.metadata` as generated | the same bytes |
//! | a note `{"drySha":"<sha>"}` in `refs/notes/hydrator.metadata` on the hydrated commit (also on the unchanged tip when nothing changed) | the same |
//! | per-path `hydrator.metadata`/`README.md` rewritten only for paths whose `manifest.yaml` changed; no commit when no manifest changed | the same |
//! | files of removed Applications (and other stale files) are left in place | the tree is rebuilt from the rendered set: they disappear |
//! | commit author from `argocd-cm` (default `Argo CD <argo-cd@example.com>`), time of the push, message from `commitMessageTemplate` | author, committer and times of the dry commit, kiln's message with a `Kiln-Source:` trailer (deterministic) |
//!
//! Not reproduced: Applications with `spec.sourceHydrator` are not read by kiln's fleet
//! walk (kiln renders `spec.source`/`spec.sources`), the `label` and
//! `annotation+label` tracking methods (kiln removes only what the default `annotation`
//! method adds), `hydrateTo` staging branches, and integers beyond ±2^53 (kiln reads
//! manifests the way `sigs.k8s.io/yaml` reads values, as `float64`).

use std::collections::BTreeMap;

use kiln_argocd::source::Doc;
use kiln_encoding::json::{encode, JsonOptions};
use kiln_gotmpl::value::{IntType, ListType, MapRef, MapType};
use kiln_gotmpl::Value;

use crate::layout::{RenderedFile, MANIFEST_FILE};

/// The hydrator's metadata file name (root and per path).
pub const METADATA_FILE: &str = "hydrator.metadata";
/// The per-path README the hydrator writes.
pub const README_FILE: &str = "README.md";
/// The root `.gitattributes` the hydrator writes.
pub const GITATTRIBUTES_FILE: &str = ".gitattributes";
/// The notes reference of the hydrator's commit notes (`git notes --ref=hydrator.metadata`).
pub const NOTES_REF: &str = "refs/notes/hydrator.metadata";
/// `.gitattributes` as the hydrator writes it (no final newline).
pub const GITATTRIBUTES: &str =
    "**/README.md linguist-generated=true\n**/hydrator.metadata linguist-generated=true";

/// Argo CD's resource-tracking annotations, removed from hydrated objects.
const TRACKING_ANNOTATIONS: [&str; 2] = [
    "argocd.argoproj.io/tracking-id",
    "argocd.argoproj.io/installation-id",
];

/// `manifest.yaml` as the hydrator writes it for these documents: each object (a
/// `List`'s items one by one) with integral numbers as integers, Argo CD's tracking
/// annotations removed (and an emptied `metadata.annotations` dropped, except on CRDs),
/// encoded by goyaml.v3 with two-space indentation, `---` between documents. Empty
/// documents and documents that are not mappings are left out, as Argo CD's repo server
/// does. Errors with the encoder's message.
pub fn hydrated_manifest(docs: &[Doc]) -> Result<String, String> {
    let mut out = String::new();
    let mut first = true;
    for d in docs {
        let Some(obj) = &d.obj else { continue };
        for o in flatten(obj) {
            let o = untrack(&to_json_numbers(&o));
            let text = kiln_encoding::yaml::marshal_yaml_v3(&o, 2).map_err(|e| e.message)?;
            if !first {
                out.push_str("---\n");
            }
            first = false;
            out.push_str(&text);
        }
    }
    Ok(out)
}

/// The objects of a document: a mapping whose `items` is a list of mappings stands for
/// its items (`unstructured.IsList`), a `*List` with `items: null` for nothing.
fn flatten(v: &Value) -> Vec<Value> {
    let Value::Map(m, _) = v else {
        return Vec::new();
    };
    match m.get("items") {
        Some(Value::List(items, _)) if items.iter().all(|i| matches!(i, Value::Map(..))) => {
            items.iter().cloned().collect()
        }
        Some(Value::Nil) if matches!(m.get("kind"), Some(Value::String(k)) if k.ends_with("List")) => {
            Vec::new()
        }
        _ => vec![v.clone()],
    }
}

/// Numbers as they come out of Go's JSON decoding into `unstructured`: integral values
/// in `int64` range become integers, the others stay `float64`.
fn to_json_numbers(v: &Value) -> Value {
    match v {
        Value::Float(f)
            if f.fract() == 0.0
                && *f >= -9.223_372_036_854_776e18
                && *f < 9.223_372_036_854_776e18 =>
        {
            Value::Int(*f as i64, IntType::Int64)
        }
        Value::List(items, _) => Value::List(
            std::sync::Arc::new(items.iter().map(to_json_numbers).collect()),
            ListType::Any,
        ),
        Value::Map(m, _) => {
            let snap = m.snapshot();
            let mut out = BTreeMap::new();
            for (k, v) in snap.iter() {
                out.insert(k.clone(), to_json_numbers(v));
            }
            Value::Map(MapRef::new(out), MapType::Any)
        }
        other => other.clone(),
    }
}

/// Removes the tracking annotations Argo CD's repo server adds and the controller removes
/// again before hydrating (the default `annotation` tracking method): an emptied (or
/// null) `metadata.annotations` disappears, except on CRDs, which are never tracked.
fn untrack(v: &Value) -> Value {
    let Value::Map(m, _) = v else {
        return v.clone();
    };
    let is_crd = matches!(m.get("kind"), Some(Value::String(k)) if &*k == "CustomResourceDefinition")
        && matches!(m.get("apiVersion"), Some(Value::String(a)) if a.starts_with("apiextensions.k8s.io/"));
    let Some(Value::Map(meta, _)) = m.get("metadata") else {
        return v.clone();
    };
    let annotations = meta.get("annotations");
    let mut removed = false;
    let remaining = match &annotations {
        Some(Value::Map(a, _)) => {
            let mut snap = (*a.snapshot()).clone();
            for k in TRACKING_ANNOTATIONS {
                removed |= snap.remove(k).is_some();
            }
            Some(snap)
        }
        Some(Value::Nil) => Some(BTreeMap::new()),
        _ => None,
    };
    let Some(remaining) = remaining else {
        return v.clone();
    };
    if is_crd && !removed {
        return v.clone();
    }
    let mut meta2 = (*meta.snapshot()).clone();
    if remaining.is_empty() {
        meta2.remove("annotations");
    } else {
        meta2.insert(
            "annotations".into(),
            Value::Map(MapRef::new(remaining), MapType::Any),
        );
    }
    let mut top = (*m.snapshot()).clone();
    top.insert(
        "metadata".into(),
        Value::Map(MapRef::new(meta2), MapType::Any),
    );
    Value::Map(MapRef::new(top), MapType::Any)
}

/// What the hydrator records about the dry (source) commit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DryCommit {
    /// The repository URL of the dry source.
    pub repo_url: String,
    /// The full id of the dry commit.
    pub sha: String,
    /// `Name <email>` of its author.
    pub author: String,
    /// Its author date, RFC 3339 in UTC (`2025-06-09T17:50:08Z`).
    pub date: String,
    /// The first paragraph of its message.
    pub subject: String,
    /// The rest of its message.
    pub body: String,
    /// The commands that render it (written into each path's metadata and README).
    pub commands: Vec<String>,
}

/// Go's `json.Encoder` with `SetEscapeHTML(false)` and `SetIndent("", "  ")` on a struct
/// of string and string-list fields with `omitempty`, in field order, final newline
/// included.
fn metadata_json(fields: &[(&str, Field<'_>)]) -> String {
    let s = |v: &str| {
        encode(
            &Value::String(v.into()),
            JsonOptions {
                escape_html: false,
                prefix: "",
                indent: "",
            },
        )
        .unwrap_or_else(|_| "\"\"".into())
    };
    let mut parts = Vec::new();
    for (k, v) in fields {
        match v {
            Field::Str(x) if !x.is_empty() => parts.push(format!("  {}: {}", s(k), s(x))),
            Field::List(xs) if !xs.is_empty() => {
                let items: Vec<String> = xs.iter().map(|x| format!("    {}", s(x))).collect();
                parts.push(format!("  {}: [\n{}\n  ]", s(k), items.join(",\n")));
            }
            _ => {}
        }
    }
    if parts.is_empty() {
        "{}\n".into()
    } else {
        format!("{{\n{}\n}}\n", parts.join(",\n"))
    }
}

enum Field<'a> {
    Str(&'a str),
    List(&'a [String]),
}

/// The root `hydrator.metadata` (`HydratorCommitMetadata` of the dry commit).
pub fn root_metadata(dry: &DryCommit) -> String {
    metadata_json(&[
        ("repoURL", Field::Str(&dry.repo_url)),
        ("drySha", Field::Str(&dry.sha)),
        ("author", Field::Str(&dry.author)),
        ("date", Field::Str(&dry.date)),
        ("subject", Field::Str(&dry.subject)),
        ("body", Field::Str(&dry.body)),
    ])
}

/// A path's `hydrator.metadata` (`commands`, `drySha`, `repoURL`).
pub fn path_metadata(dry: &DryCommit) -> String {
    metadata_json(&[
        ("repoURL", Field::Str(&dry.repo_url)),
        ("drySha", Field::Str(&dry.sha)),
        ("commands", Field::List(&dry.commands)),
    ])
}

/// A path's `README.md`: Argo CD's default `sourceHydrator.readmeMessageTemplate`
/// executed on the path's metadata (no references).
pub fn readme(dry: &DryCommit) -> String {
    let mut s = String::from(
        "# Manifest Hydration\n\nTo hydrate the manifests in this repository, run the following commands:\n\n```shell\n",
    );
    s.push_str(&format!(
        "git clone {}\n# cd into the cloned directory\ngit checkout {}\n",
        dry.repo_url, dry.sha
    ));
    for c in &dry.commands {
        s.push_str(c);
        s.push('\n');
    }
    s.push_str("```\n");
    s
}

/// The note the hydrator attaches to a hydrated commit: `{"drySha":"<sha>"}` as `git
/// notes add -m` stores it (with a final newline).
pub fn note(dry_sha: &str) -> String {
    format!("{{\"drySha\":\"{dry_sha}\"}}\n")
}

/// The full tree of a hydrator branch, or `None` when no `manifest.yaml` differs from the
/// branch's current tree `previous` (same paths, same bytes): the hydrator makes no
/// commit then.
///
/// `content` holds the `<cluster>/<app>/manifest.yaml` files ([`crate::layout::layout_files`]).
/// Paths whose manifest is unchanged keep their previous `hydrator.metadata` and
/// `README.md`; changed and new paths get fresh ones; the root metadata and
/// `.gitattributes` are always rewritten. Files of paths that are gone are not carried
/// over.
pub fn hydrator_tree(
    content: &[RenderedFile],
    previous: Option<&BTreeMap<String, Vec<u8>>>,
    dry: &DryCommit,
) -> Option<Vec<RenderedFile>> {
    let manifests: BTreeMap<&str, &[u8]> = content
        .iter()
        .filter(|(p, _)| p.ends_with(&format!("/{MANIFEST_FILE}")) || p == MANIFEST_FILE)
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect();
    if let Some(prev) = previous {
        let prev_manifests: BTreeMap<&str, &[u8]> = prev
            .iter()
            .filter(|(p, _)| is_manifest_path(p))
            .map(|(p, b)| (p.as_str(), b.as_slice()))
            .collect();
        if prev_manifests == manifests {
            return None;
        }
    }
    let mut out: Vec<RenderedFile> = Vec::new();
    out.push((METADATA_FILE.into(), root_metadata(dry).into_bytes()));
    out.push((GITATTRIBUTES_FILE.into(), GITATTRIBUTES.as_bytes().to_vec()));
    for (path, bytes) in &manifests {
        let dir = path
            .strip_suffix(MANIFEST_FILE)
            .unwrap_or("")
            .trim_end_matches('/');
        let join = |f: &str| {
            if dir.is_empty() {
                f.to_string()
            } else {
                format!("{dir}/{f}")
            }
        };
        out.push((path.to_string(), bytes.to_vec()));
        let unchanged = previous
            .and_then(|p| p.get(*path))
            .is_some_and(|b| b.as_slice() == *bytes);
        let (meta_path, readme_path) = (join(METADATA_FILE), join(README_FILE));
        let carried = if unchanged {
            previous.and_then(|p| Some((p.get(&meta_path)?.clone(), p.get(&readme_path)?.clone())))
        } else {
            None
        };
        let (meta, read) =
            carried.unwrap_or_else(|| (path_metadata(dry).into_bytes(), readme(dry).into_bytes()));
        out.push((meta_path, meta));
        out.push((readme_path, read));
    }
    Some(crate::layout::sort_dedup(out))
}

fn is_manifest_path(p: &str) -> bool {
    p == MANIFEST_FILE || p.ends_with(&format!("/{MANIFEST_FILE}"))
}

/// Whether a path of a hydrator tree is metadata (not compared, not diffed): the root
/// and per-path `hydrator.metadata`, the per-path `README.md`, the root `.gitattributes`.
pub fn is_metadata_path(p: &str) -> bool {
    let name = p.rsplit('/').next().unwrap_or(p);
    name == METADATA_FILE || name == README_FILE || p == GITATTRIBUTES_FILE
}

/// RFC 3339 in UTC of a Unix time, as Go formats `time.Time.UTC()` with
/// `time.RFC3339` (`2006-01-02T15:04:05Z`).
pub fn rfc3339_utc(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Doc {
        let value = kiln_encoding::parse_documents(text)
            .into_iter()
            .next()
            .unwrap()
            .unwrap()
            .value;
        Doc {
            source: "c/templates/x.yaml".into(),
            text: text.into(),
            id: kiln_argocd::source::Identity::of(&value),
            obj: Some(value),
            is_object: true,
            hook: false,
            source_index: 0,
            origin: None,
        }
    }

    #[test]
    fn manifests_are_reencoded_like_the_hydrator() {
        let docs = [
            doc("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations: {}\ndata:\n  z: \"1\"\n  b: x\n"),
            doc("kind: Service\napiVersion: v1\nmetadata:\n  name: s\n  annotations:\n    argocd.argoproj.io/tracking-id: x\n    keep: \"y\"\nspec:\n  ports:\n  - port: 80\n    weight: 1.5\n"),
        ];
        let got = hydrated_manifest(&docs).unwrap();
        assert_eq!(
            got,
            "apiVersion: v1\ndata:\n  b: x\n  z: \"1\"\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Service\nmetadata:\n  annotations:\n    keep: \"y\"\n  name: s\nspec:\n  ports:\n    - port: 80\n      weight: 1.5\n"
        );
    }

    #[test]
    fn lists_are_flattened() {
        let docs = [doc("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: A\n  metadata: {name: a}\n- apiVersion: v1\n  kind: B\n  metadata: {name: b}\n")];
        let got = hydrated_manifest(&docs).unwrap();
        assert_eq!(got.matches("---").count(), 1);
        assert!(got.contains("kind: A") && got.contains("kind: B") && !got.contains("List"));
    }

    #[test]
    fn metadata_is_go_json() {
        let dry = DryCommit {
            repo_url: "https://git.example.com/a/b".into(),
            sha: "abc".into(),
            author: "A <a@example.com>".into(),
            date: rfc3339_utc(1_749_491_408),
            subject: "fix <x> & \"y\"".into(),
            body: String::new(),
            commands: vec!["kiln compile".into()],
        };
        assert_eq!(
            root_metadata(&dry),
            "{\n  \"repoURL\": \"https://git.example.com/a/b\",\n  \"drySha\": \"abc\",\n  \"author\": \"A <a@example.com>\",\n  \"date\": \"2025-06-09T17:50:08Z\",\n  \"subject\": \"fix <x> & \\\"y\\\"\"\n}\n"
        );
        assert_eq!(
            path_metadata(&dry),
            "{\n  \"repoURL\": \"https://git.example.com/a/b\",\n  \"drySha\": \"abc\",\n  \"commands\": [\n    \"kiln compile\"\n  ]\n}\n"
        );
        assert!(readme(&dry).ends_with("git checkout abc\nkiln compile\n```\n"));
        assert_eq!(note("abc"), "{\"drySha\":\"abc\"}\n");
    }

    #[test]
    fn dates() {
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339_utc(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn unchanged_paths_keep_their_metadata() {
        let dry1 = DryCommit {
            sha: "one".into(),
            ..Default::default()
        };
        let dry2 = DryCommit {
            sha: "two".into(),
            ..Default::default()
        };
        let content = vec![
            ("c/a/manifest.yaml".to_string(), b"a".to_vec()),
            ("c/b/manifest.yaml".to_string(), b"b".to_vec()),
        ];
        let first: BTreeMap<_, _> = hydrator_tree(&content, None, &dry1)
            .unwrap()
            .into_iter()
            .collect();
        assert!(hydrator_tree(&content, Some(&first), &dry2).is_none());
        let changed = vec![
            ("c/a/manifest.yaml".to_string(), b"a".to_vec()),
            ("c/b/manifest.yaml".to_string(), b"B".to_vec()),
        ];
        let second: BTreeMap<_, _> = hydrator_tree(&changed, Some(&first), &dry2)
            .unwrap()
            .into_iter()
            .collect();
        assert_eq!(
            second["c/a/hydrator.metadata"],
            first["c/a/hydrator.metadata"]
        );
        assert_ne!(
            second["c/b/hydrator.metadata"],
            first["c/b/hydrator.metadata"]
        );
        assert!(String::from_utf8_lossy(&second["hydrator.metadata"]).contains("two"));
    }
}
