//! The rendered diff: what changes, object by object, between two rendered trees.
//!
//! [`diff_rendered`] compares two rendered sets under canonical paths
//! (`<cluster>/<app>/manifest.yaml`, `<cluster>/fleet.json`): per cluster and
//! application, the objects added, removed and changed, each identified by apiVersion,
//! kind, namespace and name as written in its document, with a unified diff of its
//! document text. Other files (a cluster's `fleet.json`) are compared as text.
//! [`render`] prints the result as text, Markdown (a pull-request comment, through the
//! minijinja template `templates/diff.md.j2` compiled into the binary) or JSON.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use kiln_gotmpl::Value;
use similar::{ChangeTag, TextDiff};

use crate::layout::{split_path, RenderedFile, MANIFEST_FILE};
use crate::EmitError;

/// How something changed between base and head.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// Only in head.
    Added,
    /// Only in base.
    Removed,
    /// In both, different.
    Changed,
}

impl Change {
    /// `added`, `removed`, `changed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
        }
    }

    /// `+`, `-`, `~`.
    pub fn sign(self) -> char {
        match self {
            Change::Added => '+',
            Change::Removed => '-',
            Change::Changed => '~',
        }
    }
}

/// An object's identity in a manifest: its fields as written (empty when absent).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct ObjectId {
    /// `kind`.
    pub kind: String,
    /// `metadata.namespace`.
    pub namespace: String,
    /// `metadata.name`.
    pub name: String,
    /// `apiVersion`.
    pub api_version: String,
    /// 0 for the first document with this identity in the manifest, 1 for the second...
    #[serde(skip_serializing_if = "is_zero")]
    pub occurrence: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl fmt::Display for ObjectId {
    /// `Deployment ai/ollama (apps/v1)`, `ClusterRole x (rbac.authorization.k8s.io/v1)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.kind.is_empty() {
            "(no kind)"
        } else {
            &self.kind
        };
        let name = if self.name.is_empty() {
            "(no name)"
        } else {
            &self.name
        };
        write!(f, "{kind} ")?;
        if !self.namespace.is_empty() {
            write!(f, "{}/", self.namespace)?;
        }
        write!(f, "{name}")?;
        if !self.api_version.is_empty() {
            write!(f, " ({})", self.api_version)?;
        }
        if self.occurrence > 0 {
            write!(f, " #{}", self.occurrence + 1)?;
        }
        Ok(())
    }
}

/// One object that differs.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ObjectDiff {
    /// Its identity.
    pub id: ObjectId,
    /// How it changed.
    pub change: Change,
    /// Unified diff of its document text (3 lines of context), headed
    /// `--- a/<cluster>/<app>/<id>` / `+++ b/...`.
    pub diff: String,
    /// Lines added and removed.
    pub lines_added: usize,
    /// Lines removed.
    pub lines_removed: usize,
}

/// A file compared as text (a cluster's `fleet.json`, or a file of an application other
/// than its manifest).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct FileDiff {
    /// Canonical path.
    pub path: String,
    /// How it changed.
    pub change: Change,
    /// Unified diff (`Binary files differ` for non-UTF-8 content).
    pub diff: String,
    /// Lines added.
    pub lines_added: usize,
    /// Lines removed.
    pub lines_removed: usize,
}

/// One application that differs.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AppDiff {
    /// The application directory (`ollama`, `<namespace>_<name>`).
    pub app: String,
    /// Added or removed as a whole, or changed.
    pub status: Change,
    /// Its differing objects, by kind, namespace, name, apiVersion.
    pub objects: Vec<ObjectDiff>,
    /// Its other differing files.
    pub files: Vec<FileDiff>,
}

/// One cluster that differs.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ClusterDiff {
    /// The cluster name (`""` for files at the root of the tree).
    pub cluster: String,
    /// Added or removed as a whole, or changed.
    pub status: Change,
    /// Its differing applications, by name.
    pub apps: Vec<AppDiff>,
    /// Its own differing files (`fleet.json`).
    pub files: Vec<FileDiff>,
}

/// Counts of a [`RenderedDiff`].
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// Clusters with a difference.
    pub clusters: usize,
    /// Applications added.
    pub apps_added: usize,
    /// Applications removed.
    pub apps_removed: usize,
    /// Applications changed.
    pub apps_changed: usize,
    /// Objects added.
    pub objects_added: usize,
    /// Objects removed.
    pub objects_removed: usize,
    /// Objects changed.
    pub objects_changed: usize,
    /// Other files that differ (`fleet.json`, ...).
    pub files_changed: usize,
}

impl Summary {
    /// The summary line: `2 applications differ in 1 cluster (1 added, 1 changed):
    /// 5 objects added, 1 changed` or `no changes`.
    pub fn line(&self) -> String {
        let apps = self.apps_added + self.apps_removed + self.apps_changed;
        if apps == 0 && self.files_changed == 0 {
            return "no changes".into();
        }
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut parts = Vec::new();
        for (n, w) in [
            (self.apps_added, "added"),
            (self.apps_removed, "removed"),
            (self.apps_changed, "changed"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {w}"));
            }
        }
        let total_objs = self.objects_added + self.objects_removed + self.objects_changed;
        let mut s = format!(
            "{} {} in {}",
            plural(apps, "application", "applications"),
            if apps == 1 { "differs" } else { "differ" },
            plural(self.clusters, "cluster", "clusters"),
        );
        if !parts.is_empty() {
            s.push_str(&format!(" ({})", parts.join(", ")));
        }
        if total_objs > 0 {
            s.push_str(": ");
            s.push_str(&counts_phrase(
                self.objects_added,
                self.objects_removed,
                self.objects_changed,
            ));
        }
        if self.files_changed > 0 {
            s.push_str(&format!(
                "; {} changed",
                plural(self.files_changed, "other file", "other files")
            ));
        }
        s
    }
}

/// `2 objects added, 1 removed, 3 changed` (zero counts left out; the noun goes with
/// the first count).
fn counts_phrase(added: usize, removed: usize, changed: usize) -> String {
    let mut parts: Vec<String> = Vec::new();
    for (n, w) in [(added, "added"), (removed, "removed"), (changed, "changed")] {
        if n == 0 {
            continue;
        }
        if parts.is_empty() {
            parts.push(format!(
                "{n} {} {w}",
                if n == 1 { "object" } else { "objects" }
            ));
        } else {
            parts.push(format!("{n} {w}"));
        }
    }
    parts.join(", ")
}

/// The difference between two rendered trees.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct RenderedDiff {
    /// What the base was (a revision, a directory), for headings.
    pub base: String,
    /// What the head was.
    pub head: String,
    /// Clusters that differ, by name.
    pub clusters: Vec<ClusterDiff>,
    /// The counts.
    pub summary: Summary,
}

impl RenderedDiff {
    /// Whether anything differs.
    pub fn has_changes(&self) -> bool {
        !self.clusters.is_empty()
    }
}

/// A document of a manifest: its identity and text.
struct Document {
    id: ObjectId,
    text: String,
}

/// Cuts a manifest into documents at `---` lines (a `---` followed by spaces or a
/// comment counts too), dropping documents that hold only comments and blank lines,
/// and identifies each. Never fails: a document that does not parse is identified by
/// what could be read (empty fields) and its position.
fn documents(text: &str) -> Vec<Document> {
    let mut chunks: Vec<String> = vec![String::new()];
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if let Some(rest) = bare.strip_prefix("---") {
            let rest = rest.trim();
            if rest.is_empty() || rest.starts_with('#') {
                chunks.push(String::new());
                continue;
            }
        }
        if let Some(last) = chunks.last_mut() {
            last.push_str(line);
        }
    }
    let mut seen: BTreeMap<ObjectId, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for chunk in chunks {
        let meaningful = chunk
            .lines()
            .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
        if !meaningful {
            continue;
        }
        let value = kiln_encoding::parse_documents(&chunk)
            .into_iter()
            .next()
            .and_then(|r| r.ok())
            .map(|d| d.value);
        let get = |path: &[&str]| -> String {
            value
                .as_ref()
                .and_then(|v| kiln_argocd::tree::get(v, path))
                .and_then(|v| match v {
                    Value::String(s) => Some(s.to_string()),
                    _ => None,
                })
                .unwrap_or_default()
        };
        let mut id = ObjectId {
            kind: get(&["kind"]),
            namespace: get(&["metadata", "namespace"]),
            name: get(&["metadata", "name"]),
            api_version: get(&["apiVersion"]),
            occurrence: 0,
        };
        let n = seen.entry(id.clone()).or_insert(0);
        id.occurrence = *n;
        *n += 1;
        out.push(Document { id, text: chunk });
    }
    out
}

/// A unified diff of two texts with `label` in its `---`/`+++` headers, and the numbers
/// of lines added and removed. Non-UTF-8 input gives `Binary files differ`.
fn unified(old: &[u8], new: &[u8], label_old: &str, label_new: &str) -> (String, usize, usize) {
    let (Ok(old), Ok(new)) = (std::str::from_utf8(old), std::str::from_utf8(new)) else {
        return (
            format!("Binary files {label_old} and {label_new} differ\n"),
            0,
            0,
        );
    };
    let d = TextDiff::from_lines(old, new);
    let (mut added, mut removed) = (0, 0);
    for c in d.iter_all_changes() {
        match c.tag() {
            ChangeTag::Insert => added += 1,
            ChangeTag::Delete => removed += 1,
            ChangeTag::Equal => {}
        }
    }
    let text = d
        .unified_diff()
        .context_radius(3)
        .header(label_old, label_new)
        .to_string();
    (text, added, removed)
}

fn file_diff(path: &str, old: Option<&[u8]>, new: Option<&[u8]>) -> Option<FileDiff> {
    let change = match (old, new) {
        (None, Some(_)) => Change::Added,
        (Some(_), None) => Change::Removed,
        (Some(a), Some(b)) if a != b => Change::Changed,
        _ => return None,
    };
    let (diff, lines_added, lines_removed) = unified(
        old.unwrap_or_default(),
        new.unwrap_or_default(),
        &if old.is_some() {
            format!("a/{path}")
        } else {
            "/dev/null".into()
        },
        &if new.is_some() {
            format!("b/{path}")
        } else {
            "/dev/null".into()
        },
    );
    Some(FileDiff {
        path: path.to_string(),
        change,
        diff,
        lines_added,
        lines_removed,
    })
}

fn object_diffs(prefix: &str, old: Option<&[u8]>, new: Option<&[u8]>) -> Vec<ObjectDiff> {
    let docs = |b: Option<&[u8]>| -> BTreeMap<ObjectId, String> {
        let text = String::from_utf8_lossy(b.unwrap_or_default()).into_owned();
        documents(&text)
            .into_iter()
            .map(|d| (d.id, d.text))
            .collect()
    };
    let (a, b) = (docs(old), docs(new));
    let ids: BTreeSet<&ObjectId> = a.keys().chain(b.keys()).collect();
    let mut out = Vec::new();
    for id in ids {
        let (x, y) = (a.get(id), b.get(id));
        let change = match (x, y) {
            (None, Some(_)) => Change::Added,
            (Some(_), None) => Change::Removed,
            (Some(p), Some(q)) if p != q => Change::Changed,
            _ => continue,
        };
        let label = format!("{prefix}/{}", id_path(id));
        // Secret values are masked; one that changed reads `*** (changed)`.
        let (mx, my) = kiln_encoding::mask::mask_yaml_pair(
            x.map(String::as_str).unwrap_or_default(),
            y.map(String::as_str).unwrap_or_default(),
        );
        let (diff, lines_added, lines_removed) = unified(
            x.map(|_| mx.as_bytes()).unwrap_or_default(),
            y.map(|_| my.as_bytes()).unwrap_or_default(),
            &if x.is_some() {
                format!("a/{label}")
            } else {
                "/dev/null".into()
            },
            &if y.is_some() {
                format!("b/{label}")
            } else {
                "/dev/null".into()
            },
        );
        out.push(ObjectDiff {
            id: id.clone(),
            change,
            diff,
            lines_added,
            lines_removed,
        });
    }
    out
}

/// `Deployment/ai/ollama` (cluster-scoped: `ClusterRole/x`), for diff headers.
fn id_path(id: &ObjectId) -> String {
    let mut s = if id.kind.is_empty() {
        "_".to_string()
    } else {
        id.kind.clone()
    };
    if !id.namespace.is_empty() {
        s.push('/');
        s.push_str(&id.namespace);
    }
    s.push('/');
    s.push_str(if id.name.is_empty() { "_" } else { &id.name });
    if id.occurrence > 0 {
        s.push_str(&format!("#{}", id.occurrence + 1));
    }
    s
}

/// Compares two rendered sets under canonical paths (see the module docs). `base` and
/// `head` label the sides in headings. Deterministic: clusters, applications and files
/// by name, objects by kind, namespace, name, apiVersion.
pub fn diff_rendered(
    base: &[RenderedFile],
    head: &[RenderedFile],
    base_label: &str,
    head_label: &str,
) -> RenderedDiff {
    type Files<'a> = BTreeMap<&'a str, &'a [u8]>;
    // cluster -> (own files, app -> files)
    type Tree<'a> = BTreeMap<&'a str, (Files<'a>, BTreeMap<&'a str, Files<'a>>)>;
    fn group(files: &[RenderedFile]) -> Tree<'_> {
        let mut t: Tree<'_> = BTreeMap::new();
        for (p, b) in files {
            let (c, a, _) = split_path(p);
            let e = t.entry(c).or_default();
            match a {
                Some(a) => {
                    e.1.entry(a).or_default().insert(p.as_str(), b.as_slice());
                }
                None => {
                    e.0.insert(p.as_str(), b.as_slice());
                }
            }
        }
        t
    }
    let (bt, ht) = (group(base), group(head));
    let mut summary = Summary::default();
    let mut clusters = Vec::new();
    let names: BTreeSet<&str> = bt.keys().chain(ht.keys()).copied().collect();
    let empty_c = (Files::new(), BTreeMap::new());
    let empty_f = Files::new();
    for c in names {
        let (bc, hc) = (bt.get(c), ht.get(c));
        let status = match (bc, hc) {
            (None, _) => Change::Added,
            (_, None) => Change::Removed,
            _ => Change::Changed,
        };
        let (bc, hc) = (bc.unwrap_or(&empty_c), hc.unwrap_or(&empty_c));
        let mut files = Vec::new();
        let paths: BTreeSet<&str> = bc.0.keys().chain(hc.0.keys()).copied().collect();
        for p in paths {
            files.extend(file_diff(p, bc.0.get(p).copied(), hc.0.get(p).copied()));
        }
        let mut apps = Vec::new();
        let app_names: BTreeSet<&str> = bc.1.keys().chain(hc.1.keys()).copied().collect();
        for a in app_names {
            let (ba, ha) = (bc.1.get(a), hc.1.get(a));
            let app_status = match (ba, ha) {
                (None, _) => Change::Added,
                (_, None) => Change::Removed,
                _ => Change::Changed,
            };
            let (ba, ha) = (ba.unwrap_or(&empty_f), ha.unwrap_or(&empty_f));
            let mut objects = Vec::new();
            let mut app_files = Vec::new();
            let paths: BTreeSet<&str> = ba.keys().chain(ha.keys()).copied().collect();
            for p in paths {
                let (x, y) = (ba.get(p).copied(), ha.get(p).copied());
                if p.ends_with(&format!("/{MANIFEST_FILE}")) {
                    if x != y {
                        let prefix = p.strip_suffix(&format!("/{MANIFEST_FILE}")).unwrap_or(p);
                        objects.extend(object_diffs(prefix, x, y));
                    }
                } else {
                    app_files.extend(file_diff(p, x, y));
                }
            }
            objects.sort_by(|x, y| x.id.cmp(&y.id));
            let differs =
                !objects.is_empty() || !app_files.is_empty() || app_status != Change::Changed;
            if !differs {
                continue;
            }
            for o in &objects {
                match o.change {
                    Change::Added => summary.objects_added += 1,
                    Change::Removed => summary.objects_removed += 1,
                    Change::Changed => summary.objects_changed += 1,
                }
            }
            match app_status {
                Change::Added => summary.apps_added += 1,
                Change::Removed => summary.apps_removed += 1,
                Change::Changed => summary.apps_changed += 1,
            }
            apps.push(AppDiff {
                app: a.to_string(),
                status: app_status,
                objects,
                files: app_files,
            });
        }
        if apps.is_empty() && files.is_empty() {
            continue;
        }
        summary.files_changed += files.len();
        summary.files_changed += apps.iter().map(|a| a.files.len()).sum::<usize>();
        summary.clusters += 1;
        clusters.push(ClusterDiff {
            cluster: c.to_string(),
            status,
            apps,
            files,
        });
    }
    RenderedDiff {
        base: base_label.to_string(),
        head: head_label.to_string(),
        clusters,
        summary,
    }
}

/// Output formats of [`render`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Per application, the objects that differ and their unified diffs, then the
    /// summary line.
    Text,
    /// A pull-request comment: a collapsible `<details>` per application with a table of
    /// objects and a `diff` block, long diffs truncated with a note.
    Markdown,
    /// The [`RenderedDiff`] as JSON.
    Json,
}

impl FromStr for Format {
    type Err = String;

    /// `text`, `markdown` (or `md`), `json`.
    fn from_str(s: &str) -> Result<Format, String> {
        match s {
            "text" => Ok(Format::Text),
            "markdown" | "md" => Ok(Format::Markdown),
            "json" => Ok(Format::Json),
            _ => Err(format!(
                "unknown format {s:?} (expected text, markdown or json)"
            )),
        }
    }
}

/// Limits of the Markdown rendering (GitHub refuses comments over 65,536 characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MarkdownLimits {
    /// Diff lines shown per application.
    pub lines_per_app: usize,
    /// Diff characters shown in the whole comment; past it, diffs are left out.
    pub total_chars: usize,
}

impl Default for MarkdownLimits {
    fn default() -> Self {
        MarkdownLimits {
            lines_per_app: 400,
            total_chars: 50_000,
        }
    }
}

/// Renders `diff` in `format` (Markdown with the default [`MarkdownLimits`]); the text
/// ends with a newline.
pub fn render(diff: &RenderedDiff, format: Format) -> Result<String, EmitError> {
    match format {
        Format::Text => Ok(render_text(diff)),
        Format::Json => serde_json::to_string_pretty(diff)
            .map(|s| s + "\n")
            .map_err(|e| EmitError::Usage(format!("encoding the diff as JSON: {e}"))),
        Format::Markdown => render_markdown(diff, MarkdownLimits::default()),
    }
}

/// The text rendering: for each application `cluster/app: status`, its objects with
/// `+`/`-`/`~`, then their unified diffs; the cluster's other files; the summary line.
pub fn render_text(diff: &RenderedDiff) -> String {
    let mut s = String::new();
    for c in &diff.clusters {
        for a in &c.apps {
            s.push_str(&format!("{}/{}: {}\n", c.cluster, a.app, a.status.as_str()));
            for o in &a.objects {
                s.push_str(&format!("  {} {}\n", o.change.sign(), o.id));
            }
            for f in &a.files {
                s.push_str(&format!("  {} {}\n", f.change.sign(), f.path));
            }
            for o in &a.objects {
                s.push_str(&o.diff);
            }
            for f in &a.files {
                s.push_str(&f.diff);
            }
            s.push('\n');
        }
        for f in &c.files {
            s.push_str(&format!("{}: {}\n", f.path, f.change.as_str()));
            s.push_str(&f.diff);
            s.push('\n');
        }
    }
    s.push_str(&diff.summary.line());
    s.push('\n');
    s
}

/// The Markdown template (minijinja), compiled into the binary.
const MARKDOWN_TEMPLATE: &str = include_str!("../templates/diff.md.j2");

/// What the Markdown template sees of one application.
#[derive(serde::Serialize)]
struct MdApp {
    title: String,
    status: &'static str,
    counts: String,
    rows: Vec<[String; 5]>,
    fence: String,
    diff: String,
    note: String,
}

#[derive(serde::Serialize)]
struct MdCluster {
    name: String,
    status: &'static str,
    apps: Vec<MdApp>,
    files: Vec<MdApp>,
}

#[derive(serde::Serialize)]
struct MdView {
    base: String,
    head: String,
    summary: String,
    changed: bool,
    clusters: Vec<MdCluster>,
    note: String,
}

/// Escapes text for a Markdown table cell or HTML: `&`, `<`, `>`, `|`, backticks.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' => out.push_str("\\|"),
            '`' => out.push_str("&#96;"),
            _ => out.push(ch),
        }
    }
    out
}

/// A code fence longer than any run of backticks in `text`.
fn fence_for(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for ch in text.chars() {
        if ch == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    "`".repeat((longest + 1).max(3))
}

/// Cuts `text` to `max_lines` lines and what is left of `budget` characters; returns the
/// kept text and a note saying what was left out (empty when nothing was).
fn truncate(text: &str, max_lines: usize, budget: &mut usize) -> (String, String) {
    let total = text.lines().count();
    let mut kept = String::new();
    let mut n = 0;
    for line in text.split_inclusive('\n') {
        if n >= max_lines || kept.len() + line.len() > *budget {
            break;
        }
        kept.push_str(line);
        n += 1;
    }
    *budget -= kept.len();
    if n < total {
        let note = if n == 0 {
            format!("Diff not shown ({total} lines): the comment is at its size limit; run `kiln diff` for the full diff.")
        } else {
            format!(
                "{} more diff lines not shown; run `kiln diff` for the full diff.",
                total - n
            )
        };
        (kept, note)
    } else {
        (kept, String::new())
    }
}

/// The Markdown rendering (a pull-request comment), through the minijinja template
/// `templates/diff.md.j2`. Each application is a collapsible `<details>` block with a
/// table of its changed objects and one `diff` block; diffs longer than
/// `limits.lines_per_app` lines are cut, and once `limits.total_chars` of diff text are
/// shown the remaining diffs are left out, each with a note saying so.
pub fn render_markdown(diff: &RenderedDiff, limits: MarkdownLimits) -> Result<String, EmitError> {
    let mut budget = limits.total_chars;
    let mut clusters = Vec::new();
    for c in &diff.clusters {
        let mut apps = Vec::new();
        for a in &c.apps {
            let count = |ch: Change| a.objects.iter().filter(|o| o.change == ch).count();
            let mut counts = counts_phrase(
                count(Change::Added),
                count(Change::Removed),
                count(Change::Changed),
            );
            if !a.files.is_empty() {
                if !counts.is_empty() {
                    counts.push_str(", ");
                }
                counts.push_str(&format!(
                    "{} other file{}",
                    a.files.len(),
                    if a.files.len() == 1 { "" } else { "s" }
                ));
            }
            let rows = a
                .objects
                .iter()
                .map(|o| {
                    [
                        o.change.sign().to_string(),
                        md(&o.id.kind),
                        md(&o.id.namespace),
                        md(&o.id.name)
                            + &if o.id.occurrence > 0 {
                                format!(" #{}", o.id.occurrence + 1)
                            } else {
                                String::new()
                            },
                        md(&o.id.api_version),
                    ]
                })
                .collect();
            let full: String = a
                .objects
                .iter()
                .map(|o| o.diff.as_str())
                .chain(a.files.iter().map(|f| f.diff.as_str()))
                .collect();
            let (shown, note) = truncate(&full, limits.lines_per_app, &mut budget);
            apps.push(MdApp {
                title: md(&a.app),
                status: a.status.as_str(),
                counts,
                rows,
                fence: fence_for(&shown),
                diff: shown,
                note,
            });
        }
        let mut files = Vec::new();
        for f in &c.files {
            let (shown, note) = truncate(&f.diff, limits.lines_per_app, &mut budget);
            files.push(MdApp {
                title: md(&f.path),
                status: f.change.as_str(),
                counts: format!("+{} −{} lines", f.lines_added, f.lines_removed),
                rows: Vec::new(),
                fence: fence_for(&shown),
                diff: shown,
                note,
            });
        }
        clusters.push(MdCluster {
            name: md(&c.cluster),
            status: c.status.as_str(),
            apps,
            files,
        });
    }
    let view = MdView {
        base: md(&diff.base),
        head: md(&diff.head),
        summary: diff.summary.line(),
        changed: diff.has_changes(),
        clusters,
        note: if budget == 0 {
            "Some diffs were left out to keep this comment within GitHub's size limit.".into()
        } else {
            String::new()
        },
    };
    let mut env = minijinja::Environment::new();
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .map_err(|e| EmitError::Usage(format!("markdown template syntax: {e}")))?,
    );
    env.add_template("diff.md", MARKDOWN_TEMPLATE)
        .map_err(|e| EmitError::Usage(format!("markdown template: {e}")))?;
    let t = env
        .get_template("diff.md")
        .map_err(|e| EmitError::Usage(format!("markdown template: {e}")))?;
    t.render(minijinja::value::Serde(&view))
        .map(|s| format!("{}\n", s.trim_end()))
        .map_err(|e| EmitError::Usage(format!("rendering the markdown template: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "---\n# Source: c/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: ai\ndata:\n  a: \"1\"\n---\n# Source: c/templates/svc.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc\n  namespace: ai\n---\n# Source: c/templates/gone.yaml\napiVersion: v1\nkind: Secret\nmetadata:\n  name: old\n";

    const HEAD: &str = "---\n# Source: c/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: ai\ndata:\n  a: \"2\"\n---\n# Source: c/templates/svc.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc\n  namespace: ai\n---\n# Source: c/templates/role.yaml\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: new\n";

    fn set(files: &[(&str, &str)]) -> Vec<RenderedFile> {
        files
            .iter()
            .map(|(p, t)| (p.to_string(), t.as_bytes().to_vec()))
            .collect()
    }

    #[test]
    fn objects_are_matched_by_identity() {
        let base = set(&[
            ("home/app/manifest.yaml", BASE),
            ("home/fleet.json", "{}\n"),
            ("home/same/manifest.yaml", BASE),
        ]);
        let head = set(&[
            ("home/app/manifest.yaml", HEAD),
            ("home/fleet.json", "{}\n"),
            ("home/same/manifest.yaml", BASE),
            ("lab/x/manifest.yaml", HEAD),
        ]);
        let d = diff_rendered(&base, &head, "base", "head");
        assert_eq!(d.clusters.len(), 2);
        let app = &d.clusters[0].apps[0];
        assert_eq!(app.app, "app");
        let got: Vec<String> = app
            .objects
            .iter()
            .map(|o| format!("{} {}", o.change.sign(), o.id))
            .collect();
        assert_eq!(
            got,
            [
                "+ ClusterRole new (rbac.authorization.k8s.io/v1)",
                "~ ConfigMap ai/cfg (v1)",
                "- Secret old (v1)",
            ]
        );
        assert!(app.objects[1].diff.contains("-  a: \"1\"\n+  a: \"2\"\n"));
        assert_eq!(
            (app.objects[1].lines_added, app.objects[1].lines_removed),
            (1, 1)
        );
        assert_eq!(d.clusters[1].status, Change::Added);
        assert_eq!(
            d.summary.line(),
            "2 applications differ in 2 clusters (1 added, 1 changed): 4 objects added, 1 removed, 1 changed"
        );
        assert!(!diff_rendered(&base, &base, "a", "b").has_changes());
        assert_eq!(
            diff_rendered(&base, &base, "a", "b").summary.line(),
            "no changes"
        );
    }

    #[test]
    fn duplicates_and_unparsable_documents_are_kept_apart() {
        let docs = documents("---\nkind: A\nmetadata: {name: x}\n---\nkind: A\nmetadata: {name: x}\n--- # c\n: : bad\n---\n# only a comment\n");
        let ids: Vec<String> = docs.iter().map(|d| d.id.to_string()).collect();
        assert_eq!(ids, ["A x", "A x #2", "(no kind) (no name)"]);
    }

    #[test]
    fn markdown_truncates() {
        let mut big =
            String::from("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n");
        for i in 0..50 {
            big.push_str(&format!("  k{i}: v\n"));
        }
        let d = diff_rendered(&[], &set(&[("c/a/manifest.yaml", &big)]), "x", "y");
        let out = render_markdown(
            &d,
            MarkdownLimits {
                lines_per_app: 10,
                total_chars: 10_000,
            },
        )
        .unwrap();
        assert!(out.contains("<details>"), "{out}");
        assert!(out.contains("48 more diff lines not shown"), "{out}");
        let out = render_markdown(
            &d,
            MarkdownLimits {
                lines_per_app: 100,
                total_chars: 0,
            },
        )
        .unwrap();
        assert!(out.contains("Diff not shown (58 lines)"), "{out}");
    }

    #[test]
    fn fences_outgrow_backticks() {
        assert_eq!(fence_for("a ```` b"), "`````");
        assert_eq!(fence_for("plain"), "```");
    }
}
