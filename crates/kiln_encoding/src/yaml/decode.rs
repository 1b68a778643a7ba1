//! From events to values, the way `sigs.k8s.io/yaml.Unmarshal` (v1.6.0) does it on top of
//! goyaml.v2: goyaml builds a node tree of the first document (`decode.go: parser`),
//! decodes it into `interface{}` (anchors, aliases with the excessive-aliasing guard,
//! merge keys with v2's precedence, YAML 1.1 resolution, timestamps kept as strings), then
//! sigs.k8s.io/yaml converts map keys to strings (`convertToJSONableObject`), marshals to
//! JSON (NaN and infinities are errors) and decodes that JSON (every number a `float64`,
//! at most 10000 levels of nesting).
//!
//! All of that is done here in one pass straight to [`Value`]s, keeping the order in
//! which the Go pipeline reports its errors: YAML syntax errors, then decoding errors,
//! then key conversion errors, then JSON marshalling errors, then JSON decoding errors.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::Arc;

use kiln_gotmpl::{ListType, Map, MapRef, MapType, Str, Value};

use super::parser::{EventKind, Parser};
use super::resolve::{resolve, RTag, Scalar, BINARY_TAG, MERGE_TAG};
use super::scanner::{LibError, Mark};
use crate::gonum::format_float;
use crate::spans::{Position, SpanChildren, SpanEntry};

/// Maximum nesting Go's `encoding/json` decoder accepts.
pub(crate) const MAX_JSON_DEPTH: usize = 10000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NodeKind {
    Scalar,
    Mapping,
    Sequence,
    Alias,
}

#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub kind: NodeKind,
    pub mark: Mark,
    pub tag: String,
    pub value: String,
    pub implicit: bool,
    pub children: Vec<u32>,
    pub alias: u32,
}

/// The node tree of one document.
pub(crate) struct Doc {
    pub nodes: Vec<Node>,
    pub root: u32,
}

/// Why decoding failed, in the stages of the Go pipeline.
#[derive(Clone, Debug)]
pub(crate) enum DecodeError {
    /// A reader, scanner or parser error (`yaml: line N: ...`).
    Syntax(LibError),
    /// A goyaml decoding error (`yaml: ...`), with the 0-based line of the node when
    /// known.
    Yaml(String, Option<usize>),
    /// A sigs.k8s.io/yaml key conversion or JSON marshalling error (no `yaml:` prefix).
    Convert(String, Option<usize>),
    /// A JSON decoding error.
    Json(String),
}

fn lossy(b: Vec<u8>) -> String {
    match String::from_utf8(b) {
        Ok(s) => s,
        Err(e) => go_lossy_utf8(e.as_bytes()),
    }
}

/// Go's replacement of invalid UTF-8 when a string is marshalled to JSON: each byte that
/// does not start a valid sequence becomes U+FFFD.
pub(crate) fn go_lossy_utf8(b: &[u8]) -> String {
    let mut out = String::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match std::str::from_utf8(&b[i..]) {
            Ok(s) => {
                out.push_str(s);
                break;
            }
            Err(e) => {
                let good = e.valid_up_to();
                // Safe: the prefix is valid UTF-8.
                out.push_str(std::str::from_utf8(&b[i..i + good]).unwrap_or(""));
                out.push('\u{FFFD}');
                i += good + 1;
            }
        }
    }
    out
}

/// Parses events until the end of the first document (or the stream) and builds its
/// node tree, like goyaml.v2's `parser.parse`. `Ok(None)` for a stream without
/// documents.
pub(crate) fn build_first_document(parser: &mut Parser<'_>) -> Result<Option<Doc>, DecodeError> {
    let syntax = |p: &Parser<'_>| {
        DecodeError::Syntax(p.error().cloned().unwrap_or_else(|| LibError {
            stage: super::scanner::ErrorStage::Parser,
            problem: String::new(),
            problem_mark: Mark::default(),
            context_mark: Mark::default(),
        }))
    };
    let next = |p: &mut Parser<'_>| -> Result<Option<super::parser::Event>, DecodeError> {
        match p.next_event() {
            Ok(e) => Ok(e),
            Err(()) => Err(syntax(p)),
        }
    };
    // STREAM-START
    match next(parser)? {
        Some(e) if e.kind == EventKind::StreamStart => {}
        _ => return Err(syntax(parser)),
    }
    match next(parser)? {
        Some(e) if matches!(e.kind, EventKind::DocumentStart { .. }) => {}
        _ => return Ok(None),
    }
    // About one node per 16 bytes of YAML: sized once instead of grown (and copied)
    // a dozen times for a large values file; bounded, as the input may hold more
    // documents than this first one.
    let estimate = (parser.scanner.remaining() / 16).min(1 << 16);
    let mut nodes: Vec<Node> = Vec::with_capacity(estimate + 4);
    let mut anchors: HashMap<Vec<u8>, u32> = HashMap::new();
    let mut stack: Vec<u32> = Vec::new();
    let mut root: Option<u32> = None;
    loop {
        let Some(ev) = next(parser)? else {
            return Err(syntax(parser));
        };
        let mark = ev.start;
        let (node, anchor, open) = match ev.kind {
            EventKind::DocumentEnd { .. } => break,
            EventKind::SequenceEnd | EventKind::MappingEnd => {
                stack.pop();
                continue;
            }
            EventKind::Scalar {
                anchor,
                tag,
                value,
                plain_implicit,
                ..
            } => (
                Node {
                    kind: NodeKind::Scalar,
                    mark,
                    tag: lossy(tag),
                    value: lossy(value),
                    implicit: plain_implicit,
                    children: Vec::new(),
                    alias: 0,
                },
                anchor,
                false,
            ),
            EventKind::Alias { anchor } => {
                let Some(&target) = anchors.get(&anchor) else {
                    return Err(DecodeError::Yaml(
                        format!(
                            "unknown anchor '{}' referenced",
                            String::from_utf8_lossy(&anchor)
                        ),
                        Some(mark.line),
                    ));
                };
                (
                    Node {
                        kind: NodeKind::Alias,
                        mark,
                        tag: String::new(),
                        value: lossy(anchor),
                        implicit: false,
                        children: Vec::new(),
                        alias: target,
                    },
                    None,
                    false,
                )
            }
            EventKind::SequenceStart { anchor, tag, .. } => (
                Node {
                    kind: NodeKind::Sequence,
                    mark,
                    tag: lossy(tag),
                    value: String::new(),
                    implicit: false,
                    children: Vec::new(),
                    alias: 0,
                },
                anchor,
                true,
            ),
            EventKind::MappingStart { anchor, tag, .. } => (
                Node {
                    kind: NodeKind::Mapping,
                    mark,
                    tag: lossy(tag),
                    value: String::new(),
                    implicit: false,
                    children: Vec::new(),
                    alias: 0,
                },
                anchor,
                true,
            ),
            EventKind::StreamStart | EventKind::StreamEnd | EventKind::DocumentStart { .. } => {
                return Err(syntax(parser));
            }
        };
        let id = nodes.len() as u32;
        nodes.push(node);
        if let Some(a) = anchor {
            anchors.insert(a, id);
        }
        match stack.last() {
            Some(&parent) => nodes[parent as usize].children.push(id),
            None => root = Some(id),
        }
        if open {
            stack.push(id);
        }
    }
    match root {
        Some(root) => Ok(Some(Doc { nodes, root })),
        None => Ok(None),
    }
}

/// A key that sigs.k8s.io/yaml cannot turn into a string.
#[derive(Clone, Debug, PartialEq)]
enum BadKey {
    Nil,
    Uint(u64),
}

/// The decoder: goyaml.v2's `decoder` with sigs.k8s.io/yaml's conversion folded in.
pub(crate) struct Decoder<'d> {
    doc: &'d Doc,
    decode_count: usize,
    alias_count: usize,
    alias_depth: usize,
    active_aliases: Vec<u32>,
    /// First key conversion error (reported after decoding succeeded).
    key_error: Option<(String, usize)>,
    with_spans: bool,
    line_offset: usize,
    /// Keep goyaml's scalar types (ints, uints) instead of the JSON round trip's float64.
    pub typed: bool,
}

fn allowed_alias_ratio(decode_count: usize) -> f64 {
    const LOW: usize = 400_000;
    const HIGH: usize = 4_000_000;
    if decode_count <= LOW {
        0.99
    } else if decode_count >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((decode_count - LOW) as f64 / (HIGH - LOW) as f64)
    }
}

/// A decoded interface{} value before it is placed: keys need their Go type.
enum Decoded {
    Scalar(Scalar),
    Value(Value),
}

type DResult<T> = Result<T, DecodeError>;

impl<'d> Decoder<'d> {
    pub fn new(doc: &'d Doc, with_spans: bool, line_offset: usize) -> Decoder<'d> {
        Decoder {
            doc,
            decode_count: 0,
            alias_count: 0,
            alias_depth: 0,
            active_aliases: Vec::new(),
            key_error: None,
            with_spans,
            line_offset,
            typed: false,
        }
    }

    fn node(&self, id: u32) -> &'d Node {
        &self.doc.nodes[id as usize]
    }

    fn pos(&self, m: Mark) -> Position {
        Position {
            line: m.line + 1 + self.line_offset,
            column: m.column + 1,
        }
    }

    /// Decodes the document into a value (goyaml `unmarshal(document)` into an
    /// `interface{}`, then the JSON round trip), with the spans when asked for.
    pub fn decode_document(&mut self) -> DResult<(Value, Option<SpanEntry>)> {
        // The document node itself counts as one decode.
        self.count()?;
        let root = self.doc.root;
        let (v, span) = self.decode_value(root, 1)?;
        if let Some((msg, line)) = self.key_error.take() {
            return Err(DecodeError::Convert(msg, Some(line)));
        }
        if self.typed {
            return Ok((v, span));
        }
        if let Some(bad) = first_unsupported_float(&v) {
            return Err(DecodeError::Convert(
                format!("json: unsupported value: {}", format_float(bad, 'g', false)),
                None,
            ));
        }
        Ok((v, span))
    }

    fn count(&mut self) -> DResult<()> {
        self.decode_count += 1;
        if self.alias_depth > 0 {
            self.alias_count += 1;
        }
        if self.alias_count > 100
            && self.decode_count > 1000
            && self.alias_count as f64 / self.decode_count as f64
                > allowed_alias_ratio(self.decode_count)
        {
            return Err(DecodeError::Yaml(
                "document contains excessive aliasing".into(),
                None,
            ));
        }
        Ok(())
    }

    fn enter_alias(&mut self, id: u32) -> DResult<u32> {
        let n = self.node(id);
        if self.active_aliases.contains(&id) {
            return Err(DecodeError::Yaml(
                format!("anchor '{}' value contains itself", n.value),
                Some(n.mark.line),
            ));
        }
        self.active_aliases.push(id);
        self.alias_depth += 1;
        Ok(n.alias)
    }

    fn leave_alias(&mut self) {
        self.active_aliases.pop();
        self.alias_depth -= 1;
    }

    /// goyaml `d.unmarshal(n, interface{})`, returning the value and its spans.
    fn decode_value(&mut self, id: u32, depth: usize) -> DResult<(Value, Option<SpanEntry>)> {
        match self.decode_any(id, depth)? {
            (Decoded::Value(v), s) => Ok((v, s)),
            (Decoded::Scalar(sc), s) => Ok((
                if self.typed {
                    typed_scalar_to_value(sc)
                } else {
                    scalar_to_value(sc)
                },
                s,
            )),
        }
    }

    fn decode_any(&mut self, id: u32, depth: usize) -> DResult<(Decoded, Option<SpanEntry>)> {
        self.count()?;
        let n = self.node(id);
        match n.kind {
            NodeKind::Alias => {
                let target = self.enter_alias(id)?;
                let r =
                    stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.decode_any(target, depth));
                self.leave_alias();
                let (v, span) = r?;
                // The alias's own position is where the value is written.
                let span = span.map(|mut s| {
                    s.value = self.pos(n.mark);
                    s
                });
                Ok((v, span))
            }
            NodeKind::Scalar => {
                let sc = self.scalar(n)?;
                let span = self.with_spans.then(|| SpanEntry {
                    key: None,
                    value: self.pos(n.mark),
                    children: SpanChildren::Leaf,
                });
                Ok((Decoded::Scalar(sc), span))
            }
            NodeKind::Sequence => {
                if depth > MAX_JSON_DEPTH {
                    return Err(DecodeError::Json(
                        "invalid character '[' exceeded max depth".into(),
                    ));
                }
                let mut items = Vec::with_capacity(n.children.len());
                let mut spans = Vec::new();
                for &c in &n.children {
                    let (v, s) = stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
                        self.decode_value(c, depth + 1)
                    })?;
                    items.push(v);
                    if let Some(s) = s {
                        spans.push(s);
                    }
                }
                let span = self.with_spans.then(|| SpanEntry {
                    key: None,
                    value: self.pos(n.mark),
                    children: SpanChildren::List(spans),
                });
                Ok((
                    Decoded::Value(Value::List(
                        Arc::new(kiln_gotmpl::Items::from(items)),
                        ListType::Any,
                    )),
                    span,
                ))
            }
            NodeKind::Mapping => {
                if depth > MAX_JSON_DEPTH {
                    return Err(DecodeError::Json(
                        "invalid character '{' exceeded max depth".into(),
                    ));
                }
                let mut mb = MapBuilder::default();
                self.fill_map(id, &mut mb, depth)?;
                let map_line = n.mark.line;
                if let Some((bad, v)) = mb.bad.first() {
                    if self.key_error.is_none() {
                        let (ty, key) = match bad {
                            BadKey::Nil => ("%!s(<nil>)".to_string(), "<nil>".to_string()),
                            BadKey::Uint(u) => ("uint64".to_string(), format!("0x{u:x}")),
                        };
                        self.key_error = Some((
                            format!(
                                "unsupported map key of type: {ty}, key: {key}, value: {}",
                                go_sharp_v(v, true)
                            ),
                            map_line,
                        ));
                    }
                }
                let span = self.with_spans.then(|| SpanEntry {
                    key: None,
                    value: self.pos(n.mark),
                    children: SpanChildren::Map(mb.spans),
                });
                Ok((
                    Decoded::Value(Value::Map(MapRef::new(mb.map), MapType::Any)),
                    span,
                ))
            }
        }
    }

    /// goyaml `d.unmarshal(n, out)` where `out` is the map being merged into.
    fn decode_into_map(&mut self, id: u32, mb: &mut MapBuilder, depth: usize) -> DResult<()> {
        self.count()?;
        let n = self.node(id);
        match n.kind {
            NodeKind::Alias => {
                let target = self.enter_alias(id)?;
                let r = stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
                    self.decode_into_map(target, mb, depth)
                });
                self.leave_alias();
                r
            }
            NodeKind::Mapping => self.fill_map(id, mb, depth),
            // Not reachable: merge() checks kinds first.
            _ => Err(DecodeError::Yaml(
                "map merge requires map or sequence of maps as the value".into(),
                Some(n.mark.line),
            )),
        }
    }

    fn is_merge(n: &Node) -> bool {
        n.kind == NodeKind::Scalar && n.value == "<<" && (n.implicit || n.tag == MERGE_TAG)
    }

    fn fill_map(&mut self, id: u32, mb: &mut MapBuilder, depth: usize) -> DResult<()> {
        let n = self.node(id);
        let mut i = 0;
        while i + 1 < n.children.len() {
            let k = n.children[i];
            let v = n.children[i + 1];
            i += 2;
            let kn = self.node(k);
            if Self::is_merge(kn) {
                self.merge(v, mb, depth)?;
                continue;
            }
            let (key, _) =
                stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.decode_any(k, depth + 1))?;
            let key = match key {
                Decoded::Scalar(sc) => KeyKind::from_scalar(sc),
                Decoded::Value(v) => {
                    return Err(DecodeError::Yaml(
                        format!("invalid map key: {}", go_sharp_v(&v, false)),
                        Some(kn.mark.line),
                    ));
                }
            };
            let (val, vspan) =
                stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.decode_value(v, depth + 1))?;
            match key {
                KeyKind::Str(s) => {
                    let s: Str = Str::from(s);
                    if self.with_spans {
                        let mut e = vspan.unwrap_or_default();
                        e.key = Some(self.pos(kn.mark));
                        mb.spans.insert(s.clone(), e);
                    }
                    mb.map.insert(s, val);
                }
                KeyKind::Bad(b) => {
                    if let Some(slot) = mb.bad.iter_mut().find(|(bk, _)| *bk == b) {
                        slot.1 = val;
                    } else {
                        mb.bad.push((b, val));
                    }
                }
            }
        }
        Ok(())
    }

    fn merge(&mut self, id: u32, mb: &mut MapBuilder, depth: usize) -> DResult<()> {
        let n = self.node(id);
        let want_map = || {
            Err(DecodeError::Yaml(
                "map merge requires map or sequence of maps as the value".into(),
                Some(n.mark.line),
            ))
        };
        match n.kind {
            NodeKind::Mapping => self.decode_into_map(id, mb, depth),
            NodeKind::Alias => {
                if self.node(n.alias).kind != NodeKind::Mapping {
                    return want_map();
                }
                self.decode_into_map(id, mb, depth)
            }
            NodeKind::Sequence => {
                for &c in n.children.iter().rev() {
                    let cn = self.node(c);
                    if cn.kind == NodeKind::Alias {
                        if self.node(cn.alias).kind != NodeKind::Mapping {
                            return want_map();
                        }
                    } else if cn.kind != NodeKind::Mapping {
                        return want_map();
                    }
                    self.decode_into_map(c, mb, depth)?;
                }
                Ok(())
            }
            NodeKind::Scalar => want_map(),
        }
    }

    fn scalar(&self, n: &Node) -> DResult<Scalar> {
        if n.tag.is_empty() && !n.implicit {
            return Ok(Scalar::Str(n.value.clone()));
        }
        if n.tag == BINARY_TAG {
            return match base64_decode_std(&n.value) {
                Some(bytes) => Ok(Scalar::Str(go_lossy_utf8(&bytes))),
                None => Err(DecodeError::Yaml(
                    "!!binary value contains invalid base64 data".into(),
                    Some(n.mark.line),
                )),
            };
        }
        match resolve(&n.tag, &n.value) {
            Ok((RTag::Timestamp, _)) => Ok(Scalar::Str(n.value.clone())),
            Ok((_, sc)) => Ok(sc),
            Err(e) => Err(DecodeError::Yaml(e.0, Some(n.mark.line))),
        }
    }
}

#[derive(Default)]
struct MapBuilder {
    map: Map,
    spans: BTreeMap<Str, SpanEntry>,
    bad: Vec<(BadKey, Value)>,
}

enum KeyKind {
    Str(String),
    Bad(BadKey),
}

impl KeyKind {
    /// sigs.k8s.io/yaml's key conversion (`convertToJSONableObject`).
    fn from_scalar(sc: Scalar) -> KeyKind {
        match sc {
            Scalar::Str(s) => KeyKind::Str(s),
            Scalar::Int(i) => KeyKind::Str(i.to_string()),
            Scalar::Float(f) => {
                let s = format_float(f, 'g', true);
                KeyKind::Str(match s.as_str() {
                    "+Inf" => ".inf".into(),
                    "-Inf" => "-.inf".into(),
                    "NaN" => ".nan".into(),
                    _ => s,
                })
            }
            Scalar::Bool(b) => KeyKind::Str(if b { "true" } else { "false" }.into()),
            Scalar::Null => KeyKind::Bad(BadKey::Nil),
            Scalar::Uint(u) => KeyKind::Bad(BadKey::Uint(u)),
        }
    }
}

/// A decoded scalar with goyaml's Go type (`int`, `uint64`, `float64`, ...).
fn typed_scalar_to_value(sc: Scalar) -> Value {
    match sc {
        Scalar::Int(i) => Value::Int(i, kiln_gotmpl::IntType::Int),
        Scalar::Uint(u) => Value::Uint(u, kiln_gotmpl::UintType::Uint64),
        other => scalar_to_value(other),
    }
}

/// A decoded scalar as the JSON round trip leaves it.
fn scalar_to_value(sc: Scalar) -> Value {
    match sc {
        Scalar::Null => Value::Nil,
        Scalar::Bool(b) => Value::Bool(b),
        Scalar::Int(i) => Value::Float(i as f64),
        Scalar::Uint(u) => Value::Float(u as f64),
        Scalar::Float(f) => Value::Float(f),
        Scalar::Str(s) => Value::String(Str::from(s)),
    }
}

/// The first NaN or infinity `json.Marshal` would meet (maps in sorted key order).
fn first_unsupported_float(v: &Value) -> Option<f64> {
    match v {
        Value::Float(f) if !f.is_finite() => Some(*f),
        Value::List(l, _) => l.iter().find_map(|x| {
            stacker::maybe_grow(64 * 1024, 1024 * 1024, || first_unsupported_float(x))
        }),
        Value::Map(m, _) => m.snapshot().values().find_map(|x| {
            stacker::maybe_grow(64 * 1024, 1024 * 1024, || first_unsupported_float(x))
        }),
        _ => None,
    }
}

/// Go's `%#v` of a decoded value (for goyaml's and sigs.k8s.io/yaml's error texts).
/// `top` is true for the operand itself (a nil operand prints `<nil>`, a nil element
/// `interface {}(nil)`).
pub(crate) fn go_sharp_v(v: &Value, top: bool) -> String {
    let mut s = String::new();
    write_sharp_v(&mut s, v, top);
    s
}

fn write_sharp_v(out: &mut String, v: &Value, top: bool) {
    match v {
        Value::Nil => out.push_str(if top { "<nil>" } else { "interface {}(nil)" }),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Float(f) => out.push_str(&format_float(*f, 'g', false)),
        Value::Int(i, _) => {
            let _ = write!(out, "{i}");
        }
        Value::Uint(u, _) => {
            let _ = write!(out, "0x{u:x}");
        }
        Value::String(s) => out.push_str(&go_quote(s)),
        Value::List(l, _) => {
            out.push_str("[]interface {}{");
            for (i, x) in l.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_sharp_v(out, x, false);
            }
            out.push('}');
        }
        Value::Map(m, _) => {
            out.push_str("map[interface {}]interface {}{");
            for (i, (k, x)) in m.snapshot().iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&go_quote(k));
                out.push(':');
                write_sharp_v(out, x, false);
            }
            out.push('}');
        }
        other => {
            let _ = write!(out, "{other:?}");
        }
    }
}

/// Go's `strconv.Quote`.
pub(crate) fn go_quote(s: &str) -> String {
    kiln_gotmpl::fmt::quote(s)
}

/// Go's `base64.StdEncoding.DecodeString`: padding required, `\r` and `\n` ignored.
pub(crate) fn base64_decode_std(s: &str) -> Option<Vec<u8>> {
    let mut vals: Vec<u8> = Vec::with_capacity(s.len());
    let mut pad = 0;
    for &c in s.as_bytes() {
        if c == b'\r' || c == b'\n' {
            continue;
        }
        if c == b'=' {
            pad += 1;
            vals.push(64);
            continue;
        }
        if pad > 0 {
            return None;
        }
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        vals.push(v);
    }
    if !vals.len().is_multiple_of(4) || pad > 2 {
        return None;
    }
    let mut out = Vec::with_capacity(vals.len() / 4 * 3);
    for chunk in vals.chunks(4) {
        let n_pad = chunk.iter().filter(|&&v| v == 64).count();
        let v: Vec<u32> = chunk
            .iter()
            .map(|&x| if x == 64 { 0 } else { x as u32 })
            .collect();
        let n = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
        match n_pad {
            0 => out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8]),
            1 => {
                if chunk[3] != 64 || (n & 0xFF) != 0 {
                    return None;
                }
                out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8]);
            }
            2 => {
                if chunk[2] != 64 || chunk[3] != 64 || (n & 0xFFFF) != 0 {
                    return None;
                }
                out.push((n >> 16) as u8);
            }
            _ => return None,
        }
    }
    // Padding may only appear in the last quantum.
    let body = &vals[..vals.len().saturating_sub(4)];
    if body.contains(&64) {
        return None;
    }
    Some(out)
}
