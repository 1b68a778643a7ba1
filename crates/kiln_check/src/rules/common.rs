//! Helpers shared by the AI rule families: which apps the rules apply to, reading
//! rendered objects and values trees, finding the values key behind a rendered value,
//! and building diagnostics.

use std::collections::BTreeMap;

use kiln_encoding::PathSeg;
use kiln_gotmpl::Value;

use crate::diagnostic::{Diagnostic, Span};
use crate::input::{App, CheckInput, Object};
use crate::rule::RuleInfo;

/// One owned step of a path into an object or a values tree.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Seg {
    /// A map key.
    Key(String),
    /// A list index.
    Index(usize),
}

impl Seg {
    /// A key step.
    pub fn key(k: &str) -> Seg {
        Seg::Key(k.to_string())
    }
}

/// A path of [`Seg`]s.
pub type FieldPath = Vec<Seg>;

/// Borrowed [`PathSeg`]s of an owned path, for [`Object::span_of`] and span indexes.
pub fn segs(path: &[Seg]) -> Vec<PathSeg<'_>> {
    path.iter()
        .map(|s| match s {
            Seg::Key(k) => PathSeg::Key(k.as_str()),
            Seg::Index(i) => PathSeg::Index(*i),
        })
        .collect()
}

/// `path` followed by the keys `more`.
pub fn join(path: &[Seg], more: &[&str]) -> FieldPath {
    let mut p = path.to_vec();
    p.extend(more.iter().map(|k| Seg::key(k)));
    p
}

/// Dotted rendering of a values path (`persistence.models.size`, `list[0].x`).
pub fn dotted(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

// ---------------------------------------------------------------------------------------
// Scope
// ---------------------------------------------------------------------------------------

/// The `Chart.yaml` annotation that marks a chart outside `charts/ai/` as an AI chart
/// (`kiln.dev/checklist: ai`), for [`in_scope`].
pub const CHECKLIST_ANNOTATION: &str = "kiln.dev/checklist";

/// Whether `app` looks like an AI app: its chart lives under `charts/ai/` (the
/// checklist's `applyTo: "charts/ai/**"`), or one level deeper
/// (`charts/<group>/ai/<chart>`), or its `Chart.yaml` has the annotation
/// `kiln.dev/checklist: ai`. Only a preference (which app a cross-app finding is
/// reported on): which apps the rules apply to is the runner's configuration.
pub fn in_scope(app: &App) -> bool {
    app.chart_dir.as_deref().is_some_and(chart_dir_in_scope)
        || app.chart.as_ref().is_some_and(|c| {
            c.metadata.annotations.as_ref().is_some_and(|a| {
                a.iter().any(|(k, v)| {
                    k == CHECKLIST_ANNOTATION && v.split(',').any(|x| x.trim() == "ai")
                })
            })
        })
}

/// Whether a repository-relative chart directory is an AI chart (see [`in_scope`]).
pub fn chart_dir_in_scope(dir: &str) -> bool {
    let parts: Vec<&str> = dir
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    parts.windows(3).any(|w| w[0] == "charts" && w[1] == "ai")
        || parts
            .windows(4)
            .any(|w| w[0] == "charts" && w[2] == "ai" && !w[3].is_empty())
}

/// The apps the AI rules look at: all of them. Where their findings are kept is the
/// runner's configuration (`kiln.toml` `[checks]`; by default `charts/ai/**` and
/// `charts/*/ai/**`), so enabling a family for another path in `kiln.toml` works.
pub fn scoped_apps(input: &CheckInput) -> impl Iterator<Item = &App> {
    input.apps.iter()
}

/// The apps rendered into the same cluster as `app` (itself included). Apps checked on
/// their own (no cluster) only see themselves.
pub fn cluster_apps<'a>(input: &'a CheckInput, app: &'a App) -> Vec<&'a App> {
    match &app.cluster {
        Some(c) => input
            .apps
            .iter()
            .filter(|a| a.cluster.as_deref() == Some(c.as_str()))
            .collect(),
        None => vec![app],
    }
}

/// Whether an object is a Helm test hook (`helm.sh/hook: test`), which never runs as part
/// of the application and is ignored by the rules.
pub fn is_test_hook(obj: &Object) -> bool {
    str_at(&obj.value, &["metadata", "annotations", "helm.sh/hook"])
        .is_some_and(|h| h.split(',').any(|p| p.trim().starts_with("test")))
}

/// The objects of an app the rules look at (test hooks left out).
pub fn objects(app: &App) -> impl Iterator<Item = &Object> {
    app.objects.iter().filter(|o| !is_test_hook(o))
}

// ---------------------------------------------------------------------------------------
// Reading values
// ---------------------------------------------------------------------------------------

/// The value at `path` (map keys) of `v`.
pub fn get(v: &Value, path: &[&str]) -> Option<Value> {
    let mut cur = v.clone();
    for k in path {
        cur = cur.as_map_ref()?.get(k)?;
    }
    Some(cur)
}

/// The value at an owned path (keys and indexes) of `v`.
pub fn get_path(v: &Value, path: &[Seg]) -> Option<Value> {
    let mut cur = v.clone();
    for s in path {
        cur = match s {
            Seg::Key(k) => cur.as_map_ref()?.get(k)?,
            Seg::Index(i) => cur.as_list()?.get(*i)?.clone(),
        };
    }
    Some(cur)
}

/// The string at `path`, also for numbers and booleans (rendered as YAML would print
/// them); `None` for missing, nil, maps and lists.
pub fn str_at(v: &Value, path: &[&str]) -> Option<String> {
    get(v, path).and_then(|x| scalar_string(&x))
}

/// A scalar as text: strings as they are, integral numbers without a fraction, booleans
/// as `true`/`false`.
pub fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.to_string()),
        Value::RawString(b) => Some(String::from_utf8_lossy(b).into_owned()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Int(i, _) => Some(i.to_string()),
        Value::Uint(u, _) => Some(u.to_string()),
        Value::Float(f) => Some(if f.fract() == 0.0 && f.abs() < 1e15 {
            format!("{}", *f as i64)
        } else {
            kiln_encoding::format_float_g(*f)
        }),
        _ => None,
    }
}

/// A number: numeric values, and strings that parse as numbers.
pub fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i, _) => Some(*i as f64),
        Value::Uint(u, _) => Some(*u as f64),
        Value::Float(f) => Some(*f),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
}

/// The entries of a map value (empty for anything else).
pub fn entries(v: &Value) -> Vec<(String, Value)> {
    v.as_map()
        .map(|m| m.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
        .unwrap_or_default()
}

/// The elements of a list value (empty for anything else).
pub fn items(v: &Value) -> Vec<Value> {
    v.as_list().map(|l| l.to_vec()).unwrap_or_default()
}

/// The list at `path` of `v` (empty when missing).
pub fn list_at(v: &Value, path: &[&str]) -> Vec<Value> {
    get(v, path).map(|x| items(&x)).unwrap_or_default()
}

/// A map of strings (labels, selectors, node selectors); non-string values are printed.
pub fn string_map(v: &Value) -> BTreeMap<String, String> {
    entries(v)
        .into_iter()
        .filter_map(|(k, v)| scalar_string(&v).map(|s| (k, s)))
        .collect()
}

/// Whether the value is a boolean `true` (or the string `"true"`).
pub fn is_true(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// Whether the value is a boolean `false` (or the string `"false"`).
pub fn is_false(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => !*b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("false"),
        _ => false,
    }
}

/// Whether two scalars are the same value (numbers compared numerically, so the values
/// key `count: 1` matches a rendered `"1"`).
pub fn same_scalar(a: &Value, b: &Value) -> bool {
    match (number(a), number(b)) {
        (Some(x), Some(y)) => (x - y).abs() < 1e-9,
        _ => match (scalar_string(a), scalar_string(b)) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        },
    }
}

// ---------------------------------------------------------------------------------------
// Values keys behind rendered values
// ---------------------------------------------------------------------------------------

/// Calls `f` for every node of the values tree with its path (maps and lists walked,
/// depth bounded so hostile values cannot recurse forever).
pub fn walk_values(v: &Value, f: &mut dyn FnMut(&[Seg], &Value)) {
    fn go(v: &Value, path: &mut Vec<Seg>, f: &mut dyn FnMut(&[Seg], &Value), depth: usize) {
        f(path, v);
        if depth > 64 {
            return;
        }
        if let Some(m) = v.as_map() {
            for (k, child) in m.iter() {
                path.push(Seg::Key(k.to_string()));
                go(child, path, f, depth + 1);
                path.pop();
            }
        } else if let Some(l) = v.as_list() {
            for (i, child) in l.iter().enumerate() {
                path.push(Seg::Index(i));
                go(child, path, f, depth + 1);
                path.pop();
            }
        }
    }
    let mut path = Vec::new();
    go(v, &mut path, f, 0);
}

/// Paths of the app's effective values for which `pred` holds.
pub fn find_values(app: &App, pred: &mut dyn FnMut(&[Seg], &Value) -> bool) -> Vec<FieldPath> {
    let mut out = Vec::new();
    if let Some(values) = &app.values {
        walk_values(values, &mut |p, v| {
            if pred(p, v) {
                out.push(p.to_vec());
            }
        });
    }
    out
}

/// Whether the last keys of `path` are `suffix` (case-insensitive).
pub fn ends_with_keys(path: &[Seg], suffix: &[&str]) -> bool {
    if path.len() < suffix.len() {
        return false;
    }
    path[path.len() - suffix.len()..]
        .iter()
        .zip(suffix)
        .all(|(s, want)| matches!(s, Seg::Key(k) if k.eq_ignore_ascii_case(want)))
}

/// The values key most likely to have produced a rendered scalar: a path ending in
/// `suffix` whose value equals `rendered`. Written keys (with a span) win, then shorter
/// paths.
pub fn locate_scalar(app: &App, suffix: &[&str], rendered: &Value) -> Option<FieldPath> {
    let found = find_values(app, &mut |p, v| {
        ends_with_keys(p, suffix)
            && !matches!(v, Value::Map(..) | Value::List(..))
            && same_scalar(v, rendered)
    });
    best_path(app, found)
}

/// Whether two values are equal as data: maps by entries, lists by elements, scalars
/// by [`same_scalar`]; nil equals an empty map or list.
pub fn same_value(a: &Value, b: &Value) -> bool {
    same_value_at(a, b, 0)
}

fn same_value_at(a: &Value, b: &Value, depth: usize) -> bool {
    let empty =
        |v: &Value| v.is_nil() || matches!(v, Value::Map(..) | Value::List(..)) && v.is_empty();
    if empty(a) && empty(b) {
        return true;
    }
    if depth > 64 {
        return false;
    }
    match (a, b) {
        (Value::Map(..), Value::Map(..)) => {
            let (ea, eb) = (entries(a), entries(b));
            ea.len() == eb.len()
                && ea
                    .iter()
                    .zip(eb.iter())
                    .all(|((ka, va), (kb, vb))| ka == kb && same_value_at(va, vb, depth + 1))
        }
        (Value::List(..), Value::List(..)) => {
            let (la, lb) = (items(a), items(b));
            la.len() == lb.len()
                && la
                    .iter()
                    .zip(lb.iter())
                    .all(|(x, y)| same_value_at(x, y, depth + 1))
        }
        (Value::Map(..) | Value::List(..), _) | (_, Value::Map(..) | Value::List(..)) => false,
        _ => same_scalar(a, b),
    }
}

/// The values key ending in `suffix` whose value equals the rendered `value` as data
/// (maps and lists too), e.g. the `resources` block a container was rendered from.
pub fn locate_equal(app: &App, suffix: &[&str], rendered: &Value) -> Option<FieldPath> {
    let found = find_values(app, &mut |p, v| {
        ends_with_keys(p, suffix) && same_value(v, rendered)
    });
    best_path(app, found)
}

/// The best of several candidate values paths: one written in a values file, else the
/// shortest.
pub fn best_path(app: &App, mut found: Vec<FieldPath>) -> Option<FieldPath> {
    found.sort_by_key(|p| (value_span(app, p).is_none(), p.len(), p.clone()));
    found.into_iter().next()
}

/// Words of a container's and workload's names that tie a values path to that container
/// (`redis` of `open-webui-redis` → `websocket.redis.resources`), so a finding about a
/// sidecar or a subchart's container does not point at the main container's key.
///
/// Words of the release and chart names and generic words (`server`, `main`, ...) are
/// left out: a container named after the app is the chart's main container, whose keys
/// are usually top-level.
#[derive(Clone, Debug, Default)]
pub struct Hint {
    tokens: Vec<String>,
}

const GENERIC_WORDS: &[&str] = &[
    "server",
    "main",
    "app",
    "application",
    "container",
    "deployment",
    "statefulset",
    "daemonset",
    "job",
    "cronjob",
    "pod",
    "init",
    "sidecar",
    "default",
    "release",
    "chart",
    "helm",
];

fn words(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .map(|w| w.to_ascii_lowercase())
        .filter(|w| w.len() >= 3 && !w.bytes().all(|b| b.is_ascii_digit()))
}

impl Hint {
    /// The hint of a container (and its workload) of `app`.
    pub fn new(app: &App, names: &[&str]) -> Hint {
        let mut generic: Vec<String> = GENERIC_WORDS.iter().map(|s| s.to_string()).collect();
        generic.extend(words(&app.name));
        if let Some(c) = &app.chart {
            generic.extend(words(c.name()));
        }
        if let Some(d) = &app.chart_dir {
            generic.extend(words(d.rsplit('/').next().unwrap_or(d)));
        }
        let mut tokens: Vec<String> = names
            .iter()
            .flat_map(|n| words(n).collect::<Vec<_>>())
            .filter(|w| !generic.contains(w))
            .collect();
        tokens.sort();
        tokens.dedup();
        Hint { tokens }
    }

    /// Whether a key of `path` mentions one of the words.
    pub fn matches(&self, path: &[Seg]) -> bool {
        path.iter().any(|s| {
            matches!(s, Seg::Key(k) if {
                let k = k.to_ascii_lowercase();
                self.tokens.iter().any(|t| k.contains(t.as_str()))
            })
        })
    }

    /// The candidate to point at: for a distinctive container only paths mentioning its
    /// words (none when no candidate does), else the best of all.
    pub fn pick(&self, app: &App, found: Vec<FieldPath>) -> Option<FieldPath> {
        if self.tokens.is_empty() {
            return best_path(app, found);
        }
        best_path(app, found.into_iter().filter(|p| self.matches(p)).collect())
    }
}

/// [`locate_scalar`] for a finding about one container.
pub fn locate_scalar_for(
    app: &App,
    hint: &Hint,
    suffix: &[&str],
    rendered: &Value,
) -> Option<FieldPath> {
    let found = find_values(app, &mut |p, v| {
        ends_with_keys(p, suffix)
            && !matches!(v, Value::Map(..) | Value::List(..))
            && same_scalar(v, rendered)
    });
    hint.pick(app, found)
}

/// [`locate_equal`] for a finding about one container.
pub fn locate_equal_for(
    app: &App,
    hint: &Hint,
    suffix: &[&str],
    rendered: &Value,
) -> Option<FieldPath> {
    let found = find_values(app, &mut |p, v| {
        ends_with_keys(p, suffix) && same_value(v, rendered)
    });
    hint.pick(app, found)
}

/// Where the values key at `path` (keys and list indexes) was written: the
/// highest-precedence values file that has it. Like [`App::value_span`], with list
/// indexes and keys containing dots.
pub fn value_span(app: &App, path: &[Seg]) -> Option<Span> {
    let p = segs(path);
    for vf in app.value_files.iter().rev() {
        if let Some(e) = vf.spans.get(&p) {
            let pos = e.key.unwrap_or(e.value);
            return Some(Span::new(vf.path.clone(), pos.line, pos.column));
        }
    }
    None
}

/// The span of the values key at `path`, falling back to its nearest written ancestor.
pub fn value_span_or_parent(app: &App, path: &[Seg]) -> Option<Span> {
    (1..=path.len())
        .rev()
        .find_map(|n| value_span(app, &path[..n]))
}

// ---------------------------------------------------------------------------------------
// Diagnostics
// ---------------------------------------------------------------------------------------

/// Where a finding points: the values key when the cause is a value, else the template
/// line of the field; the other one, when both are known, becomes a related span.
pub struct Place {
    /// Span of the values key, if one is the cause.
    pub value: Option<Span>,
    /// Span of the template line of the field or object.
    pub template: Option<Span>,
}

impl Place {
    /// The field at `path` of `obj`.
    pub fn field(obj: &Object, path: &[Seg]) -> Place {
        Place {
            value: None,
            template: obj.span_of(&segs(path)),
        }
    }

    /// The field at `path` of `obj`, caused by the values key `vpath` (when known).
    pub fn value_or_field(
        app: &App,
        vpath: Option<&FieldPath>,
        obj: &Object,
        path: &[Seg],
    ) -> Place {
        Place {
            value: vpath.and_then(|p| value_span(app, p)),
            template: obj.span_of(&segs(path)),
        }
    }

    /// Only a values key.
    pub fn values(app: &App, vpath: &[Seg]) -> Place {
        Place {
            value: value_span(app, vpath),
            template: None,
        }
    }

    /// A known span.
    pub fn at(span: Option<Span>) -> Place {
        Place {
            value: span,
            template: None,
        }
    }
}

/// Builds a diagnostic of `info` about `app` (and `obj`), with the help line and place.
pub fn diag(
    info: &RuleInfo,
    app: &App,
    obj: Option<&Object>,
    message: impl Into<String>,
    help: impl Into<String>,
    place: Place,
) -> Diagnostic {
    let (span, related) = match (place.value, place.template) {
        (Some(v), Some(t)) if v != t => (Some(v), Some(t)),
        (Some(v), _) => (Some(v), None),
        (None, t) => (t, None),
    };
    let mut d = Diagnostic::new(info.code, info.default_severity, message)
        .with_help(help)
        .with_span(span);
    if let Some(t) = related {
        d = d.with_related(t, "rendered by this template line");
    }
    d.cluster = app.cluster.clone();
    d.app = Some(app.name.clone());
    if let Some(o) = obj {
        d = d.with_object(o.object_ref());
    }
    d
}

/// `Kind/name` of an object, for messages.
pub fn obj_name(obj: &Object) -> String {
    format!("{} {}", obj.kind, obj.name)
}

// ---------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------

/// Whether an environment variable or key name looks like it holds a credential:
/// `*_API_KEY`, `*APIKEY*`, `*TOKEN*` (not tokenizer settings), `*PASSWORD*`,
/// `*PASSWD*`, `*SECRET*`, `*PRIVATE_KEY*`, `*ACCESS_KEY*`; names of files, paths,
/// directories, URLs of endpoints and references to other objects (`*_FILE`, `*_PATH`,
/// `*_DIR`, `*_NAME`, `*_REF`, `*_ENDPOINT`, `*_URL`) are not credentials themselves.
pub fn is_secret_like_name(name: &str) -> bool {
    kiln_encoding::mask::is_secret_like_name(name)
}

/// Whether a literal value could be a credential: not empty, not a boolean or number,
/// not an absolute path, and not a reference resolved elsewhere (`os.environ/KEY`,
/// `$(VAR)`, `${VAR}`, `env:`, `file:`).
pub fn could_be_credential(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() || v.len() < 3 {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "none" | "null"
    ) {
        return false;
    }
    if v.parse::<f64>().is_ok() {
        return false;
    }
    if v.starts_with('/')
        || lower.starts_with("os.environ/")
        || v.starts_with("$(")
        || v.starts_with("${")
        || lower.starts_with("env:")
        || lower.starts_with("file:")
    {
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope() {
        assert!(chart_dir_in_scope("charts/ai/ollama"));
        assert!(chart_dir_in_scope("charts/applications/ai/ollama"));
        assert!(chart_dir_in_scope("repo/charts/ai/x"));
        assert!(!chart_dir_in_scope("charts/ai"));
        assert!(!chart_dir_in_scope("charts/media/plex"));
        assert!(!chart_dir_in_scope("roles/home"));
    }

    #[test]
    fn secret_names() {
        for n in [
            "OPENAI_API_KEY",
            "HF_TOKEN",
            "HUGGING_FACE_HUB_TOKEN",
            "DB_PASSWORD",
            "WEBUI_SECRET_KEY",
            "LITELLM_MASTER_KEY_SECRET",
            "api-key",
            "AWS_SECRET_ACCESS_KEY",
        ] {
            assert!(is_secret_like_name(n), "{n}");
        }
        for n in [
            "TOKENIZERS_PARALLELISM",
            "MAX_TOKENS",
            "MAX_TOTAL_TOKENS",
            "HF_TOKEN_PATH",
            "SECRET_NAME",
            "OLLAMA_HOST",
            "OPENAI_API_BASE_URL",
            "PORT",
        ] {
            assert!(!is_secret_like_name(n), "{n}");
        }
    }

    #[test]
    fn credentials() {
        assert!(could_be_credential("sk-abc123"));
        assert!(could_be_credential("changeme"));
        assert!(!could_be_credential(""));
        assert!(!could_be_credential("true"));
        assert!(!could_be_credential("4096"));
        assert!(!could_be_credential("/var/run/secrets/token"));
        assert!(!could_be_credential("os.environ/OPENAI_API_KEY"));
        assert!(!could_be_credential("$(TOKEN)"));
    }
}
