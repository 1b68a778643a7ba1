//! CustomResourceDefinition → JSON Schema (draft 2020-12), natively in Rust.
//!
//! Mirrors kubeconform's `scripts/openapi2jsonschema.py` (itself from
//! instrumenta/openapi2jsonschema): one schema per `spec.versions[]` entry that has
//! `schema.openAPIV3Schema` (or per version for the legacy `spec.validation`), with
//! `additionalProperties: false` added to every object schema that has `properties`
//! (kubectl-like strictness), and `format: int-or-string` turned into
//! `oneOf: [{type: string}, {type: integer}]`. On top of that, as `schemas.md` asks:
//!
//! * no `additionalProperties: false` where `x-kubernetes-preserve-unknown-fields: true`
//!   (ApplicationSet `elements`, Helm `valuesObject`, ...), nor inside `allOf`/`anyOf`/
//!   `oneOf`/`not` (value validations there must not close the object);
//! * `x-kubernetes-int-or-string: true` becomes `anyOf: [{type: integer}, {type:
//!   string}]` when no `anyOf` is given;
//! * `x-kubernetes-embedded-resource: true` objects accept `apiVersion`, `kind` and
//!   `metadata` even when their `properties` do not list them;
//! * `nullable: true` widens `type` to admit `null` (and adds `null` to an `enum`, and
//!   a `{type: "null"}` branch to int-or-string alternatives). Fields that are not
//!   nullable stay strict here; the validator prunes `null` map entries from objects
//!   before validating, as the API server does (see `validate.rs`);
//! * the root is closed too (a top-level typo such as `specs:` is an unknown field),
//!   unless it preserves unknown fields; its `apiVersion` and `kind` get `enum`s, and
//!   `metadata` becomes a `$ref` to ObjectMeta of the Kubernetes `_definitions.json`;
//! * `$ref`, `$schema`, `$id`, `id`, `definitions` and friends are dropped (structural
//!   schemas forbid them; dropping them means a hostile CRD cannot point the validator
//!   anywhere), and nesting deeper than [`MAX_SCHEMA_DEPTH`] is cut to `{}`.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use serde_json::{Map, Value};

use super::catalog::{Gvk, Scope, OBJECT_META_REF};

/// Schema nesting (schema objects inside schema objects) kept; deeper schemas are
/// replaced by `{}` (anything goes), so hostile CRDs cannot exhaust the stack.
pub const MAX_SCHEMA_DEPTH: usize = 128;

/// One served version of a CRD, converted.
#[derive(Clone, Debug)]
pub struct ConvertedCrd {
    pub gvk: Gvk,
    /// `spec.scope`.
    pub scope: Scope,
    /// `spec.versions[].served` (default true).
    pub served: bool,
    /// `spec.versions[].storage`.
    pub storage: bool,
    /// `spec.versions[].deprecated` with its `deprecationWarning`, if any.
    pub deprecated: Option<String>,
    /// The JSON Schema (draft 2020-12) of objects of this version.
    pub schema: Value,
}

/// Why a CRD could not be converted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrdError(pub String);

impl std::fmt::Display for CrdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CrdError {}

/// Whether `v` is a CustomResourceDefinition (`apiextensions.k8s.io/*`).
pub fn is_crd(v: &Value) -> bool {
    v.get("kind").and_then(Value::as_str) == Some("CustomResourceDefinition")
        && v.get("apiVersion")
            .and_then(Value::as_str)
            .is_some_and(|a| a.starts_with("apiextensions.k8s.io/"))
}

/// Converts every version of a CRD that carries a schema. Versions without one are
/// left out (objects of those versions then have no schema). Errors: not a CRD, no
/// `spec.group` or `spec.names.kind`, or no version with a schema.
pub fn convert_crd(crd: &Value) -> Result<Vec<ConvertedCrd>, CrdError> {
    if !is_crd(crd) {
        return Err(CrdError("not a CustomResourceDefinition".into()));
    }
    let spec = crd
        .get("spec")
        .and_then(Value::as_object)
        .ok_or_else(|| CrdError("CustomResourceDefinition without spec".into()))?;
    let group = spec
        .get("group")
        .and_then(Value::as_str)
        .filter(|g| !g.is_empty())
        .ok_or_else(|| CrdError("CustomResourceDefinition without spec.group".into()))?;
    let kind = spec
        .get("names")
        .and_then(|n| n.get("kind"))
        .and_then(Value::as_str)
        .filter(|k| !k.is_empty())
        .ok_or_else(|| CrdError("CustomResourceDefinition without spec.names.kind".into()))?;
    let scope = spec
        .get("scope")
        .and_then(Value::as_str)
        .and_then(Scope::parse)
        .unwrap_or(Scope::Namespaced);
    let legacy = spec
        .get("validation")
        .and_then(|v| v.get("openAPIV3Schema"));

    let mut out = Vec::new();
    let versions = spec.get("versions").and_then(Value::as_array);
    match versions {
        Some(list) if !list.is_empty() => {
            for ver in list {
                let Some(name) = ver.get("name").and_then(Value::as_str) else {
                    continue;
                };
                let Some(schema) = ver
                    .get("schema")
                    .and_then(|s| s.get("openAPIV3Schema"))
                    .or(legacy)
                else {
                    continue;
                };
                let deprecated = (ver.get("deprecated").and_then(Value::as_bool) == Some(true))
                    .then(|| {
                        ver.get("deprecationWarning")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_string()
                    });
                let gvk = Gvk::new(group, name, kind);
                out.push(ConvertedCrd {
                    schema: convert_schema(schema, &gvk),
                    gvk,
                    scope,
                    served: ver.get("served").and_then(Value::as_bool).unwrap_or(true),
                    storage: ver.get("storage").and_then(Value::as_bool).unwrap_or(false),
                    deprecated,
                });
            }
        }
        _ => {
            // apiextensions.k8s.io/v1beta1 with a single `spec.version`.
            if let (Some(name), Some(schema)) =
                (spec.get("version").and_then(Value::as_str), legacy)
            {
                let gvk = Gvk::new(group, name, kind);
                out.push(ConvertedCrd {
                    schema: convert_schema(schema, &gvk),
                    gvk,
                    scope,
                    served: true,
                    storage: true,
                    deprecated: None,
                });
            }
        }
    }
    if out.is_empty() {
        return Err(CrdError(format!(
            "CustomResourceDefinition {group}/{kind} has no version with an openAPIV3Schema"
        )));
    }
    Ok(out)
}

/// Converts one `openAPIV3Schema` into the JSON Schema of objects of `gvk` (see the
/// module docs for the rules).
pub fn convert_schema(openapi: &Value, gvk: &Gvk) -> Value {
    let mut root = match convert_node(openapi, Ctx::Root, 0) {
        Value::Object(m) => m,
        // A boolean or garbage root: describe the object only by its identity.
        _ => Map::new(),
    };
    let preserve = root
        .get("x-kubernetes-preserve-unknown-fields")
        .and_then(Value::as_bool)
        == Some(true);
    let props = root
        .entry("properties")
        .or_insert_with(|| Value::Object(Map::new()));
    if !props.is_object() {
        *props = Value::Object(Map::new());
    }
    if let Value::Object(p) = props {
        p.insert(
            "apiVersion".into(),
            serde_json::json!({"type": "string", "enum": [gvk.api_version()]}),
        );
        p.insert(
            "kind".into(),
            serde_json::json!({"type": "string", "enum": [gvk.kind]}),
        );
        p.insert(
            "metadata".into(),
            serde_json::json!({"$ref": OBJECT_META_REF}),
        );
    }
    if !preserve && !root.contains_key("additionalProperties") {
        root.insert("additionalProperties".into(), Value::Bool(false));
    }
    root.insert(
        "x-kubernetes-group-version-kind".into(),
        serde_json::json!([{"group": gvk.group, "version": gvk.version, "kind": gvk.kind}]),
    );
    root.insert(
        "$schema".into(),
        Value::String("https://json-schema.org/draft/2020-12/schema".into()),
    );
    let mut root = Value::Object(root);
    dedupe(&mut root);
    root
}

/// Sub-schemas of at least this many JSON nodes that occur more than once are shared.
const DEDUPE_MIN_NODES: usize = 16;

/// Moves sub-schemas that occur more than once (ApplicationSet repeats its Application
/// template under every generator, matrix and merge) into `$defs` (`d0`, `d1`, ...),
/// each occurrence becoming `{"$ref": "#/$defs/dN"}`. The schema accepts exactly the
/// same objects, but each shared part is compiled once instead of once per copy (Argo
/// CD's ApplicationSet: 2 MB → ~30 kB, compile time ÷ 30).
///
/// Linear in the schema's size: one bottom-up pass hashes every sub-schema (recorded in
/// pre-order), one top-down pass replaces repeated ones, largest first; equal hashes are
/// confirmed by comparing the values. Runs on a converted schema, which has no `$defs`
/// or relative `$ref` of its own.
pub fn dedupe(schema: &mut Value) {
    let mut infos = Vec::new();
    index(schema, &mut infos);
    let mut counts: HashMap<u64, usize> = HashMap::new();
    for i in infos.iter().skip(1) {
        if i.size >= DEDUPE_MIN_NODES {
            *counts.entry(i.hash).or_insert(0) += 1;
        }
    }
    counts.retain(|_, n| *n > 1);
    if counts.is_empty() {
        return;
    }
    let mut st = Dedupe {
        infos: &infos,
        counts: &counts,
        ids: HashMap::new(),
        originals: Vec::new(),
        bodies: Vec::new(),
        queue: Vec::new(),
    };
    let mut idx = 1;
    for_each_child_schema(schema, &mut |c| st.replace(c, &mut idx));
    while let Some((id, at)) = st.queue.pop() {
        let mut body = std::mem::take(&mut st.bodies[id]);
        let mut idx = at + 1;
        for_each_child_schema(&mut body, &mut |c| st.replace(c, &mut idx));
        st.bodies[id] = body;
    }
    if let Value::Object(m) = schema {
        let defs: Map<String, Value> = st
            .bodies
            .into_iter()
            .enumerate()
            .map(|(i, d)| (format!("d{i}"), d))
            .collect();
        m.insert("$defs".into(), Value::Object(defs));
    }
}

/// A sub-schema's hash, size in JSON nodes, and number of sub-schemas (itself included)
/// in its subtree, in pre-order.
#[derive(Clone, Copy)]
struct Info {
    hash: u64,
    size: usize,
    span: usize,
}

struct Dedupe<'a> {
    infos: &'a [Info],
    counts: &'a HashMap<u64, usize>,
    ids: HashMap<u64, usize>,
    /// Each shared part as first found (to confirm equal hashes).
    originals: Vec<Value>,
    /// Each shared part with its own repeated parts replaced.
    bodies: Vec<Value>,
    /// Shared parts still to scan: (id, pre-order index of the first occurrence).
    queue: Vec<(usize, usize)>,
}

impl Dedupe<'_> {
    fn replace(&mut self, node: &mut Value, idx: &mut usize) {
        let Some(info) = self.infos.get(*idx).copied() else {
            return;
        };
        if info.size >= DEDUPE_MIN_NODES && self.counts.contains_key(&info.hash) {
            let id = match self.ids.get(&info.hash) {
                Some(&id) => (self.originals[id] == *node).then_some(id),
                None => {
                    let id = self.originals.len();
                    self.originals.push(node.clone());
                    self.bodies.push(node.clone());
                    self.ids.insert(info.hash, id);
                    self.queue.push((id, *idx));
                    Some(id)
                }
            };
            if let Some(id) = id {
                *node = serde_json::json!({"$ref": format!("#/$defs/d{id}")});
                *idx += info.span;
                return;
            }
        }
        *idx += 1;
        for_each_child_schema(node, &mut |c| self.replace(c, idx));
    }
}

/// Whether the entry `key: value` of a schema object holds sub-schemas.
fn holds_schemas(key: &str, value: &Value) -> bool {
    matches!(
        (key, value),
        (
            "properties" | "patternProperties" | "dependencies",
            Value::Object(_)
        ) | ("items" | "allOf" | "anyOf" | "oneOf", Value::Array(_))
            | (
                "items" | "additionalProperties" | "additionalItems" | "not",
                Value::Object(_)
            )
    )
}

/// Calls `f` on every direct sub-schema object of a schema, in a fixed order (the
/// order [`index`] records them in).
fn for_each_child_schema(node: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    let Value::Object(m) = node else {
        return;
    };
    for (k, v) in m.iter_mut() {
        if !holds_schemas(k, v) {
            continue;
        }
        match v {
            Value::Object(_)
                if matches!(
                    k.as_str(),
                    "properties" | "patternProperties" | "dependencies"
                ) =>
            {
                if let Value::Object(props) = v {
                    for c in props.values_mut().filter(|c| c.is_object()) {
                        f(c);
                    }
                }
            }
            Value::Array(a) => {
                for c in a.iter_mut().filter(|c| c.is_object()) {
                    f(c);
                }
            }
            c => f(c),
        }
    }
}

/// Records `node` and its sub-schemas in pre-order; returns its hash and size.
fn index(node: &Value, out: &mut Vec<Info>) -> (u64, usize) {
    let me = out.len();
    out.push(Info {
        hash: 0,
        size: 0,
        span: 0,
    });
    let mut h = DefaultHasher::new();
    let mut size = 1;
    if let Value::Object(m) = node {
        (6u8, m.len()).hash(&mut h);
        for (k, v) in m {
            k.hash(&mut h);
            if !holds_schemas(k, v) {
                size += hash_plain(v, &mut h);
                continue;
            }
            let mut child = |c: &Value, h: &mut DefaultHasher| {
                if c.is_object() {
                    let (ch, cs) = index(c, out);
                    ch.hash(h);
                    cs
                } else {
                    hash_plain(c, h)
                }
            };
            size += 1;
            match v {
                Value::Object(props)
                    if matches!(
                        k.as_str(),
                        "properties" | "patternProperties" | "dependencies"
                    ) =>
                {
                    (7u8, props.len()).hash(&mut h);
                    for (pk, pv) in props {
                        pk.hash(&mut h);
                        size += child(pv, &mut h);
                    }
                }
                Value::Array(a) => {
                    (8u8, a.len()).hash(&mut h);
                    for c in a {
                        size += child(c, &mut h);
                    }
                }
                c => {
                    size -= 1;
                    size += child(c, &mut h);
                }
            }
        }
    }
    let hash = h.finish();
    out[me] = Info {
        hash,
        size,
        span: out.len() - me,
    };
    (hash, size)
}

/// Hashes a JSON value into `h`; returns its size in nodes.
fn hash_plain(v: &Value, h: &mut DefaultHasher) -> usize {
    match v {
        Value::Null => {
            0u8.hash(h);
            1
        }
        Value::Bool(b) => {
            (1u8, *b).hash(h);
            1
        }
        Value::Number(n) => {
            2u8.hash(h);
            n.to_string().hash(h);
            1
        }
        Value::String(s) => {
            3u8.hash(h);
            s.hash(h);
            1
        }
        Value::Array(a) => {
            (4u8, a.len()).hash(h);
            1 + a.iter().map(|x| hash_plain(x, h)).sum::<usize>()
        }
        Value::Object(m) => {
            (5u8, m.len()).hash(h);
            1 + m
                .iter()
                .map(|(k, x)| {
                    k.hash(h);
                    hash_plain(x, h)
                })
                .sum::<usize>()
        }
    }
}

/// Where a schema node sits.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Root,
    /// A property, item or additionalProperties schema: closed when it has properties.
    Normal,
    /// Inside allOf/anyOf/oneOf/not: value validations only, never closed.
    Junctor,
}

/// Keys dropped from CRD schemas (forbidden in structural schemas, or references).
const DROPPED: &[&str] = &[
    "$ref",
    "$schema",
    "$id",
    "id",
    "$anchor",
    "$dynamicRef",
    "$dynamicAnchor",
    "$recursiveRef",
    "$recursiveAnchor",
    "definitions",
    "$defs",
    "nullable",
];

fn convert_node(node: &Value, ctx: Ctx, depth: usize) -> Value {
    let Value::Object(src) = node else {
        // `true`/`false` schemas stay; anything else is not a schema: accept anything.
        return match node {
            Value::Bool(_) => node.clone(),
            _ => Value::Object(Map::new()),
        };
    };
    if depth >= MAX_SCHEMA_DEPTH {
        return Value::Object(Map::new());
    }
    let d = depth + 1;
    let mut out = Map::new();
    for (k, v) in src {
        if DROPPED.contains(&k.as_str()) {
            continue;
        }
        let nv = match k.as_str() {
            "properties" | "patternProperties" => match v {
                Value::Object(m) => Value::Object(
                    m.iter()
                        .map(|(pk, pv)| (pk.clone(), convert_node(pv, Ctx::Normal, d)))
                        .collect(),
                ),
                _ => continue,
            },
            "additionalProperties" | "additionalItems" => match v {
                Value::Bool(_) => v.clone(),
                _ => convert_node(v, Ctx::Normal, d),
            },
            "items" => match v {
                Value::Array(a) => {
                    Value::Array(a.iter().map(|i| convert_node(i, Ctx::Normal, d)).collect())
                }
                _ => convert_node(v, Ctx::Normal, d),
            },
            "allOf" | "anyOf" | "oneOf" => match v {
                Value::Array(a) => {
                    Value::Array(a.iter().map(|i| convert_node(i, Ctx::Junctor, d)).collect())
                }
                _ => continue,
            },
            "not" => convert_node(v, Ctx::Junctor, d),
            "dependencies" => match v {
                Value::Object(m) => Value::Object(
                    m.iter()
                        .map(|(dk, dv)| {
                            let c = match dv {
                                Value::Array(_) => dv.clone(),
                                _ => convert_node(dv, Ctx::Junctor, d),
                            };
                            (dk.clone(), c)
                        })
                        .collect(),
                ),
                _ => continue,
            },
            _ => v.clone(),
        };
        out.insert(k.clone(), nv);
    }

    // format: int-or-string (kubeconform) and x-kubernetes-int-or-string.
    if out.get("format").and_then(Value::as_str) == Some("int-or-string") {
        out.remove("format");
        let alt = serde_json::json!([{"type": "string"}, {"type": "integer"}]);
        if out.contains_key("oneOf") {
            let prev = out.remove("oneOf").unwrap_or(Value::Null);
            push_all_of(&mut out, serde_json::json!({"oneOf": prev}));
            push_all_of(&mut out, serde_json::json!({"oneOf": alt}));
        } else {
            out.insert("oneOf".into(), alt);
        }
    }
    if out
        .get("x-kubernetes-int-or-string")
        .and_then(Value::as_bool)
        == Some(true)
        && !out.contains_key("anyOf")
    {
        out.insert(
            "anyOf".into(),
            serde_json::json!([{"type": "integer"}, {"type": "string"}]),
        );
    }

    // nullable: true admits null (OpenAPI's keyword has no JSON Schema meaning).
    if src.get("nullable").and_then(Value::as_bool) == Some(true) {
        if let Some(t) = out.get_mut("type") {
            widen_type(t);
        }
        if let Some(Value::Array(e)) = out.get_mut("enum") {
            if !e.contains(&Value::Null) {
                e.push(Value::Null);
            }
        }
        if !out.contains_key("type") {
            for key in ["anyOf", "oneOf"] {
                if let Some(Value::Array(branches)) = out.get_mut(key) {
                    if is_type_only_alternatives(branches) {
                        branches.push(serde_json::json!({"type": "null"}));
                    }
                }
            }
        }
    }

    let preserve = out
        .get("x-kubernetes-preserve-unknown-fields")
        .and_then(Value::as_bool)
        == Some(true);
    if out
        .get("x-kubernetes-embedded-resource")
        .and_then(Value::as_bool)
        == Some(true)
    {
        if let Some(Value::Object(p)) = out.get_mut("properties") {
            for (name, t) in [
                ("apiVersion", "string"),
                ("kind", "string"),
                ("metadata", "object"),
            ] {
                p.entry(name.to_string())
                    .or_insert_with(|| serde_json::json!({"type": [t, "null"]}));
            }
        }
    }
    if ctx == Ctx::Normal
        && !preserve
        && out.contains_key("properties")
        && !out.contains_key("additionalProperties")
    {
        out.insert("additionalProperties".into(), Value::Bool(false));
    }
    Value::Object(out)
}

fn push_all_of(m: &mut Map<String, Value>, v: Value) {
    match m.get_mut("allOf") {
        Some(Value::Array(a)) => a.push(v),
        _ => {
            m.insert("allOf".into(), Value::Array(vec![v]));
        }
    }
}

/// Whether every branch is just `{type: ...}` (int-or-string style alternatives).
fn is_type_only_alternatives(branches: &[Value]) -> bool {
    !branches.is_empty()
        && branches.iter().all(|b| {
            b.as_object()
                .is_some_and(|m| m.len() == 1 && m.contains_key("type"))
        })
}

/// `"string"` → `["string", "null"]`; a list gains `"null"`.
fn widen_type(t: &mut Value) {
    match t {
        Value::String(s) if s != "null" => {
            *t = Value::Array(vec![Value::String(s.clone()), Value::String("null".into())]);
        }
        Value::Array(a) if !a.iter().any(|x| x == "null") => a.push(Value::String("null".into())),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn gvk() -> Gvk {
        Gvk::new("example.com", "v1", "Widget")
    }

    #[test]
    fn closes_objects_but_not_preserved_or_junctors() {
        let s = convert_schema(
            &json!({
                "type": "object",
                "properties": {
                    "spec": {"type": "object", "properties": {"a": {"type": "string"}}},
                    "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true,
                             "properties": {"b": {"type": "string"}}},
                    "alt": {"anyOf": [{"properties": {"c": {"type": "string"}}}]}
                }
            }),
            &gvk(),
        );
        assert_eq!(s["additionalProperties"], json!(false));
        assert_eq!(
            s["properties"]["spec"]["additionalProperties"],
            json!(false)
        );
        assert!(s["properties"]["free"]
            .get("additionalProperties")
            .is_none());
        assert!(s["properties"]["alt"]["anyOf"][0]
            .get("additionalProperties")
            .is_none());
        assert_eq!(s["properties"]["kind"]["enum"], json!(["Widget"]));
        assert_eq!(
            s["properties"]["apiVersion"]["enum"],
            json!(["example.com/v1"])
        );
        assert_eq!(s["properties"]["metadata"]["$ref"], json!(OBJECT_META_REF));
    }

    #[test]
    fn int_or_string_nullable_and_refs() {
        let s = convert_schema(
            &json!({"type": "object", "properties": {
                "port": {"x-kubernetes-int-or-string": true},
                "old": {"format": "int-or-string"},
                "n": {"type": "integer", "nullable": true},
                "e": {"type": "string", "enum": ["a"]},
                "ne": {"type": "string", "enum": ["a"], "nullable": true},
                "np": {"x-kubernetes-int-or-string": true, "nullable": true},
                "r": {"$ref": "https://evil.example/x.json", "type": "string"}
            }}),
            &gvk(),
        );
        let p = &s["properties"];
        assert_eq!(p["port"]["anyOf"][0]["type"], json!("integer"));
        assert_eq!(p["old"]["oneOf"][1]["type"], json!("integer"));
        assert_eq!(p["n"]["type"], json!(["integer", "null"]));
        assert!(p["n"].get("nullable").is_none());
        assert_eq!(p["e"]["enum"], json!(["a"]));
        assert!(p["r"].get("$ref").is_none());
        assert_eq!(p["ne"]["enum"], json!(["a", null]));
        assert_eq!(p["np"]["anyOf"][2], json!({"type": "null"}));
    }

    #[test]
    fn deep_schemas_are_cut() {
        let mut s = json!({"type": "string"});
        for _ in 0..10_000 {
            let mut props = Map::new();
            props.insert("x".into(), s);
            let mut m = Map::new();
            m.insert("type".into(), json!("object"));
            m.insert("properties".into(), Value::Object(props));
            s = Value::Object(m);
        }
        let out = convert_schema(&s, &gvk());
        let text = serde_json::to_string(&out).unwrap();
        assert!(text.len() < 20_000);
        // serde_json's own drop of the 10 000-deep input is recursive; leak it instead.
        std::mem::forget(s);
        std::mem::forget(out);
    }

    #[test]
    fn repeated_parts_are_shared() {
        let big = json!({"type": "object", "properties": {
            "a": {"type": "string"}, "b": {"type": "integer"}, "c": {"type": "boolean"},
            "d": {"type": "object", "properties": {"e": {"type": "string"}, "f": {"type": "string"}}}
        }});
        let s = convert_schema(
            &json!({"type": "object", "properties": {
                "spec": {"type": "object", "properties": {"one": big, "two": {"type": "array", "items": big}}}
            }}),
            &gvk(),
        );
        let spec = &s["properties"]["spec"]["properties"];
        assert_eq!(spec["one"], json!({"$ref": "#/$defs/d0"}));
        assert_eq!(spec["two"]["items"], json!({"$ref": "#/$defs/d0"}));
        assert_eq!(s["$defs"]["d0"]["additionalProperties"], json!(false));
        assert_eq!(
            s["$defs"]["d0"]["properties"]["d"]["additionalProperties"],
            json!(false)
        );
        // Nothing repeated: no $defs.
        let s = convert_schema(
            &json!({"type": "object", "properties": {"one": big}}),
            &gvk(),
        );
        assert!(s.get("$defs").is_none());
    }

    #[test]
    fn crd_versions() {
        let crd = json!({
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "widgets.example.com"},
            "spec": {"group": "example.com", "scope": "Cluster",
                "names": {"kind": "Widget", "plural": "widgets"},
                "versions": [
                    {"name": "v1", "served": true, "storage": true,
                     "schema": {"openAPIV3Schema": {"type": "object"}}},
                    {"name": "v1beta1", "served": true, "storage": false, "deprecated": true,
                     "deprecationWarning": "use v1",
                     "schema": {"openAPIV3Schema": {"type": "object"}}},
                    {"name": "v0"}
                ]}
        });
        let v = convert_crd(&crd).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].scope, Scope::Cluster);
        assert_eq!(v[1].deprecated.as_deref(), Some("use v1"));
        assert!(convert_crd(&json!({"kind": "ConfigMap"})).is_err());
    }
}
