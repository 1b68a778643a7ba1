//! Compiling schemas (once per GVK, Kubernetes minor and schema) and validating
//! objects against them with the `jsonschema` crate (draft 2020-12, offline, Rust
//! `regex` patterns: linear time, as Go's RE2), into [`Violation`]s with instance paths.
//!
//! * Built-in kinds: the kind's document of `schemas/k8s/v1.<minor>/`, with
//!   `_definitions.json` registered at [`DEFINITIONS_URI`] (one prepared registry per
//!   minor, shared by every kind).
//! * CRDs: the converted schema (see [`super::crd`]); its `metadata` refers to ObjectMeta
//!   in the same registry, so CRD objects get strict metadata too.
//!
//! Before validation an object is turned into JSON as the API server would see it:
//! integral numbers are integers (YAML gives float64s), and `null` map entries are pruned
//! (the API server drops `null` from fields that are not nullable rather than rejecting
//! it, and built-in schemas are nullable anyway). Objects nested deeper than
//! [`MAX_INSTANCE_DEPTH`] are reported instead of validated; compiling and validating
//! run on a stack of their own ([`with_stack`]), so no input can overflow the caller's.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::error::ValidationErrorKind;
use jsonschema::paths::LocationSegment;
use jsonschema::{PatternOptions, Registry, ValidationError, Validator};
use serde_json::Value;

use super::catalog::{Catalog, Gvk, MinorSet, DEFINITIONS_URI};

/// Instance nesting validated; deeper objects get one violation instead.
pub const MAX_INSTANCE_DEPTH: usize = 128;

/// Violations reported per object at most (the rest are summarised in one more).
pub const MAX_VIOLATIONS: usize = 50;

/// Stack for compiling and validating (reserved, committed only as used).
const STACK_SIZE: usize = 64 << 20;

/// Runs `f` with at least half of [`STACK_SIZE`] bytes of stack left: on the current
/// stack when it has that much (nested calls), else on a fresh one.
pub(crate) fn with_stack<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(STACK_SIZE / 2, STACK_SIZE, f)
}

/// One step of a field path, owned.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// `spec.template.spec.containers[0].image`; keys that are not plain identifiers are
/// quoted: `metadata.annotations["app.kubernetes.io/name"]`. The empty path is `(root)`.
pub fn format_path(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
            Seg::Key(k) => {
                let plain = !k.is_empty()
                    && k.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '$');
                if plain {
                    if !s.is_empty() {
                        s.push('.');
                    }
                    s.push_str(k);
                } else {
                    s.push_str(&format!("[{k:?}]"));
                }
            }
        }
    }
    if s.is_empty() {
        "(root)".into()
    } else {
        s
    }
}

/// One schema finding about an object, before it becomes a diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// `SCH001` (schema violation) or `SCH002` (unknown field).
    pub code: &'static str,
    /// The field concerned (for an unknown field, the field itself; for a missing
    /// required field, the object that lacks it).
    pub path: Vec<Seg>,
    /// What is wrong, naming the field and the expectation.
    pub message: String,
    /// How to fix it (e.g. the closest known field name).
    pub help: Option<String>,
}

/// Where a compiled schema came from, for messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SchemaOrigin {
    /// `schemas/k8s/v1.<minor>/<file>`.
    Builtin { minor: u32, file: String },
    /// `schemas/crds/<group>/<file>`, vendored with kiln.
    VendoredCrd { file: String },
    /// A CustomResourceDefinition of the checked repository.
    InputCrd { source: String },
}

impl std::fmt::Display for SchemaOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SchemaOrigin::Builtin { minor, .. } => write!(f, "Kubernetes v1.{minor} schema"),
            SchemaOrigin::VendoredCrd { file } => write!(f, "vendored CRD schema {file}"),
            SchemaOrigin::InputCrd { source } => write!(f, "CRD from {source}"),
        }
    }
}

/// A schema ready to validate with: the validator and the documents it was built from
/// (to name the known fields when one is unknown).
pub struct Compiled {
    validator: Validator,
    /// The kind's document and its base URI.
    doc: Arc<Value>,
    base: String,
    /// `_definitions.json` of the minor.
    defs: Option<&'static Value>,
    pub origin: SchemaOrigin,
}

/// Cache key: minor, GVK and (for CRDs of the input) a hash of the converted schema.
type Key = (u32, Gvk, Option<u64>);
type Slot = Arc<OnceLock<Result<Arc<Compiled>, String>>>;

/// Compiled schemas, each built once; concurrent users of the same key wait for the
/// first to finish, different keys compile in parallel.
#[derive(Default)]
pub(crate) struct Cache {
    slots: Mutex<HashMap<Key, Slot>>,
}

impl Cache {
    /// The process-wide cache of built-in and vendored schemas.
    pub fn global() -> &'static Cache {
        static CACHE: OnceLock<Cache> = OnceLock::new();
        CACHE.get_or_init(Cache::default)
    }

    pub fn get_or_compile(
        &self,
        key: Key,
        compile: impl FnOnce() -> Result<Compiled, String>,
    ) -> Result<Arc<Compiled>, String> {
        let slot = {
            let mut m = self.slots.lock().unwrap_or_else(|e| e.into_inner());
            m.entry(key).or_default().clone()
        };
        slot.get_or_init(|| compile().map(Arc::new)).clone()
    }
}

/// The prepared registry of a minor: `_definitions.json` at [`DEFINITIONS_URI`].
pub(crate) fn registry(set: &'static MinorSet) -> Option<&'static Registry<'static>> {
    set.registry
        .get_or_init(|| {
            let defs = set.definitions_ref()?;
            Registry::new()
                .add(DEFINITIONS_URI, defs)
                .ok()?
                .prepare()
                .ok()
        })
        .as_ref()
}

/// Compiles the schema document `doc` (base URI `base`) against the registry of `minor`.
pub(crate) fn compile(
    catalog: &'static Catalog,
    minor: u32,
    doc: Arc<Value>,
    base: String,
    origin: SchemaOrigin,
) -> Result<Compiled, String> {
    let set = catalog
        .minor_set(minor)
        .ok_or_else(|| format!("no Kubernetes v1.{minor} schemas are embedded"))?;
    let reg = registry(set).ok_or_else(|| {
        format!("the embedded _definitions.json of Kubernetes v1.{minor} does not load")
    })?;
    let validator = with_stack(|| {
        catch_unwind(AssertUnwindSafe(|| {
            jsonschema::draft202012::options()
                .offline()
                .with_registry(reg)
                .with_base_uri(base.clone())
                .with_pattern_options(PatternOptions::regex())
                .build(&doc)
        }))
    })
    .map_err(|_| "the schema validator failed on this schema (internal error)".to_string())?
    .map_err(|e| e.to_string())?;
    Ok(Compiled {
        validator,
        doc,
        base,
        defs: set.definitions_ref(),
        origin,
    })
}

/// The base URI of a document: its `$id`, else `fallback`.
pub(crate) fn base_of(doc: &Value, fallback: &str) -> String {
    doc.get("$id")
        .and_then(Value::as_str)
        .map(|s| s.trim_end_matches('#').to_string())
        .unwrap_or_else(|| fallback.to_string())
}

/// A stable hash of a schema (its JSON text).
pub(crate) fn schema_hash(v: &Value) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    serde_json::to_string(v).unwrap_or_default().hash(&mut h);
    h.finish()
}

impl Compiled {
    /// Validates a JSON object; violations in instance order, at most
    /// [`MAX_VIOLATIONS`] (+1 saying how many more there were).
    pub fn validate(&self, instance: &Value) -> Vec<Violation> {
        with_stack(|| {
            let mut out = Vec::new();
            let mut extra = 0usize;
            let run = catch_unwind(AssertUnwindSafe(|| {
                for err in self.validator.iter_errors(instance) {
                    for v in self.violations(&err) {
                        if out.len() < MAX_VIOLATIONS {
                            out.push(v);
                        } else {
                            extra += 1;
                        }
                    }
                }
            }));
            if run.is_err() {
                out.push(Violation {
                    code: "SCH001",
                    path: Vec::new(),
                    message: "the schema validator failed on this object (internal error); it is not fully validated".into(),
                    help: None,
                });
            }
            if extra > 0 {
                out.push(Violation {
                    code: "SCH001",
                    path: Vec::new(),
                    message: format!(
                        "{extra} more schema findings about this object are not shown"
                    ),
                    help: None,
                });
            }
            out
        })
    }

    fn violations(&self, err: &ValidationError<'_>) -> Vec<Violation> {
        let path: Vec<Seg> = err
            .instance_path()
            .iter()
            .map(|s| match s {
                LocationSegment::Property(p) => Seg::Key(p.into_owned()),
                LocationSegment::Index(i) => Seg::Index(i),
            })
            .collect();
        let at = format_path(&path);
        let inst = err.instance();
        match err.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected }
            | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
                let known = self.known_properties(err);
                unexpected
                    .iter()
                    .map(|name| {
                        let mut p = path.clone();
                        p.push(Seg::Key(name.clone()));
                        let help = match closest(name, &known) {
                            Some(best) => format!("did you mean `{best}`?"),
                            None if known.is_empty() => {
                                format!("`{at}` takes no fields besides those the schema lists")
                            }
                            None => format!("known fields of `{at}`: {}", list_names(&known, 12)),
                        };
                        Violation {
                            code: "SCH002",
                            message: format!("unknown field `{}`", format_path(&p)),
                            path: p,
                            help: Some(help),
                        }
                    })
                    .collect()
            }
            ValidationErrorKind::Required { property } => {
                let name = property
                    .as_str()
                    .map_or_else(|| property.to_string(), str::to_string);
                let mut full = path.clone();
                full.push(Seg::Key(name));
                vec![Violation {
                    code: "SCH001",
                    message: format!("missing required field `{}`", format_path(&full)),
                    path,
                    help: None,
                }]
            }
            ValidationErrorKind::Type { kind } => {
                let want: Vec<String> = match kind {
                    jsonschema::error::TypeKind::Single(t) => vec![t.to_string()],
                    jsonschema::error::TypeKind::Multiple(set) => {
                        set.iter().map(|t| t.to_string()).collect()
                    }
                };
                vec![self.simple(
                    path,
                    format!(
                        "`{at}`: expected {}, got {}",
                        either(&without_null(want)),
                        describe(inst)
                    ),
                )]
            }
            ValidationErrorKind::Enum { options } => {
                let opts: Vec<String> = options
                    .as_array()
                    .map(|a| a.iter().filter(|v| !v.is_null()).map(short).collect())
                    .unwrap_or_default();
                vec![self.simple(
                    path,
                    format!(
                        "`{at}`: expected one of {}, got {}",
                        list_values(&opts, 12),
                        short(inst)
                    ),
                )]
            }
            ValidationErrorKind::Constant { expected_value } => vec![self.simple(
                path,
                format!(
                    "`{at}`: expected {}, got {}",
                    short(expected_value),
                    short(inst)
                ),
            )],
            ValidationErrorKind::AnyOf { context }
            | ValidationErrorKind::OneOfNotValid { context } => {
                // int-or-string and Quantity: every branch a type check.
                let mut types = Vec::new();
                let all_types = context.iter().all(|branch| {
                    branch.iter().all(|e| match e.kind() {
                        ValidationErrorKind::Type { kind } => {
                            match kind {
                                jsonschema::error::TypeKind::Single(t) => types.push(t.to_string()),
                                jsonschema::error::TypeKind::Multiple(set) => {
                                    types.extend(set.iter().map(|t| t.to_string()))
                                }
                            }
                            true
                        }
                        _ => false,
                    }) && !branch.is_empty()
                });
                let msg = if all_types && !types.is_empty() {
                    let mut t = without_null(types);
                    t.dedup();
                    format!("`{at}`: expected {}, got {}", either(&t), describe(inst))
                } else {
                    let first = context
                        .iter()
                        .flatten()
                        .next()
                        .map(|e| format!(" (first mismatch: {})", plain_message(e)))
                        .unwrap_or_default();
                    format!(
                        "`{at}`: {} matches none of the allowed alternatives{first}",
                        short(inst)
                    )
                };
                vec![self.simple(path, msg)]
            }
            ValidationErrorKind::OneOfMultipleValid { .. } => vec![self.simple(
                path,
                format!(
                    "`{at}`: {} matches more than one of the exclusive alternatives",
                    short(inst)
                ),
            )],
            ValidationErrorKind::Referencing(e) => vec![self.simple(
                path,
                format!("`{at}`: the schema cannot be resolved here: {e}"),
            )],
            _ => vec![self.simple(path, format!("`{at}`: {}", plain_message(err)))],
        }
    }

    fn simple(&self, path: Vec<Seg>, message: String) -> Violation {
        Violation {
            code: "SCH001",
            path,
            message,
            help: None,
        }
    }

    /// The property names of the schema object whose `additionalProperties` (or
    /// `unevaluatedProperties`) rejected a field, found through the error's absolute
    /// keyword location in the documents this schema was built from; sorted.
    fn known_properties(&self, err: &ValidationError<'_>) -> Vec<String> {
        let Some(loc) = err.absolute_keyword_location() else {
            return Vec::new();
        };
        let loc = loc.as_str();
        let (base, frag) = loc.split_once('#').unwrap_or((loc, ""));
        let doc: &Value = if base == DEFINITIONS_URI {
            match self.defs {
                Some(d) => d,
                None => return Vec::new(),
            }
        } else if base == self.base {
            &self.doc
        } else {
            return Vec::new();
        };
        let pointer = percent_decode(frag);
        let parent = match pointer.rsplit_once('/') {
            Some((p, _)) => p.to_string(),
            None => String::new(),
        };
        let mut names: Vec<String> = doc
            .pointer(&parent)
            .and_then(|n| n.get("properties"))
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        names.sort();
        names
    }
}

/// The error's own message, with the instance shortened.
fn plain_message(err: &ValidationError<'_>) -> String {
    err.masked_with(short(err.instance())).to_string()
}

/// `%XX` decoding of a URI fragment (JSON pointers in keyword locations).
fn percent_decode(s: &str) -> String {
    fn hex(c: u8) -> Option<u8> {
        (c as char).to_digit(16).map(|d| d as u8)
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn without_null(mut v: Vec<String>) -> Vec<String> {
    if v.len() > 1 {
        v.retain(|t| t != "null");
    }
    v
}

/// `integer`, `string or integer`, `a, b or c`.
fn either(v: &[String]) -> String {
    match v {
        [] => "nothing".into(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

fn list_names(v: &[String], max: usize) -> String {
    let shown: Vec<String> = v.iter().take(max).map(|s| format!("`{s}`")).collect();
    let more = v.len().saturating_sub(max);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// `"a", "b" and 3 more` (values as JSON).
fn list_values(v: &[String], max: usize) -> String {
    let more = v.len().saturating_sub(max);
    let shown = v.iter().take(max).cloned().collect::<Vec<_>>().join(", ");
    if more > 0 {
        format!("{shown} and {more} more")
    } else {
        shown
    }
}

/// A JSON value in at most ~60 characters.
fn short(v: &Value) -> String {
    let s = match v {
        Value::Object(m) => format!("an object with {} field(s)", m.len()),
        Value::Array(a) => format!("a list of {} item(s)", a.len()),
        other => other.to_string(),
    };
    if s.chars().count() > 60 {
        let cut: String = s.chars().take(57).collect();
        format!("{cut}...")
    } else {
        s
    }
}

/// `string "3"`, `boolean true`, `an object with 2 field(s)`.
fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) if n.is_i64() || n.is_u64() => format!("integer {n}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(_) => format!("string {}", short(v)),
        Value::Object(_) | Value::Array(_) => short(v),
    }
}

/// The known name closest to `name` by edit distance (case-insensitive), when it is
/// close enough to be a likely typo.
pub(crate) fn closest(name: &str, known: &[String]) -> Option<String> {
    let lname = name.to_lowercase();
    let mut best: Option<(usize, &String)> = None;
    for k in known {
        let d = levenshtein(&lname, &k.to_lowercase());
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, k));
        }
    }
    let (d, k) = best?;
    let limit = (name.chars().count().max(3) / 3).max(1);
    (d <= limit && d < k.chars().count()).then(|| k.clone())
}

fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(256).collect();
    let b: Vec<char> = b.chars().take(256).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// A value nests deeper than [`MAX_INSTANCE_DEPTH`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooDeep;

impl std::fmt::Display for TooDeep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the value nests deeper than {MAX_INSTANCE_DEPTH} levels")
    }
}

impl std::error::Error for TooDeep {}

/// Turns a template value into the JSON the API server would decode: integral floats
/// become integers, `null` map entries are pruned. [`TooDeep`] when it nests deeper
/// than [`MAX_INSTANCE_DEPTH`].
pub fn to_json(v: &kiln_gotmpl::Value) -> Result<Value, TooDeep> {
    to_json_at(v, 0)
}

fn to_json_at(v: &kiln_gotmpl::Value, depth: usize) -> Result<Value, TooDeep> {
    use kiln_gotmpl::Value as G;
    if depth > MAX_INSTANCE_DEPTH {
        return Err(TooDeep);
    }
    Ok(match v {
        G::Nil => Value::Null,
        G::Bool(b) => Value::Bool(*b),
        G::Int(i, _) => Value::from(*i),
        G::Uint(u, _) => Value::from(*u),
        G::Float(f) => float_json(*f),
        G::Complex(re, im) => Value::String(format!("({re}+{im}i)")),
        G::String(s) => Value::String(s.to_string()),
        G::RawString(b) | G::Bytes(b) => Value::String(String::from_utf8_lossy(b).into_owned()),
        G::List(items, _) => Value::Array(
            items
                .iter()
                .map(|i| to_json_at(i, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        G::Map(m, _) => {
            let snap = m.snapshot();
            let mut out = serde_json::Map::new();
            for (k, val) in snap.iter() {
                if matches!(val, G::Nil) {
                    continue;
                }
                out.insert(k.to_string(), to_json_at(val, depth + 1)?);
            }
            Value::Object(out)
        }
        G::Object(o) => Value::String(o.type_name().into_owned()),
    })
}

fn float_json(f: f64) -> Value {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 {
        Value::from(f as i64)
    } else {
        serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        let p = vec![
            Seg::Key("metadata".into()),
            Seg::Key("annotations".into()),
            Seg::Key("app.kubernetes.io/name".into()),
        ];
        assert_eq!(
            format_path(&p),
            "metadata.annotations[\"app.kubernetes.io/name\"]"
        );
        let p = vec![
            Seg::Key("spec".into()),
            Seg::Key("containers".into()),
            Seg::Index(0),
        ];
        assert_eq!(format_path(&p), "spec.containers[0]");
        assert_eq!(format_path(&[]), "(root)");
    }

    #[test]
    fn typo_suggestions() {
        let known: Vec<String> = ["replicas", "selector", "template", "strategy"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(closest("replica", &known).as_deref(), Some("replicas"));
        assert_eq!(closest("Selector", &known).as_deref(), Some("selector"));
        assert_eq!(closest("zzzzzz", &known), None);
        assert_eq!(percent_decode("/%24defs/a"), "/$defs/a");
    }
}
