//! YAML as Helm v4.2.3 reads and writes it.
//!
//! Reading goes through `sigs.k8s.io/yaml` v1.6.0 (goyaml.v2 `go.yaml.in/yaml/v2` v2.4.3
//! underneath, then a JSON round trip); values files are first split into documents by
//! `k8s.io/apimachinery`'s `YAMLReader` and merged (`loader.LoadValues`). Writing is
//! `sigs.k8s.io/yaml.Marshal` (`toYaml`) or goyaml.v3 (`toYamlPretty`).

pub(crate) mod decode;
pub(crate) mod emitter;
pub(crate) mod encode;
pub(crate) mod parser;
pub(crate) mod resolve;
pub(crate) mod scanner;
pub(crate) mod sort;

use std::fmt;
use std::sync::Arc;

use kiln_gotmpl::{ListType, Map, MapRef, MapType, Value};

use crate::spans::{Position, SpanChildren, SpanEntry, SpanIndex};
use decode::{build_first_document, DecodeError, Decoder};
use parser::Parser;

pub use encode::MarshalError;

/// What goyaml.v2 makes of an untagged plain scalar (`resolve`), as far as decoding into
/// `interface{}` and sigs.k8s.io/yaml's JSON round trip care.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlainScalar {
    /// `~`, `null`, empty.
    Null,
    /// YAML 1.1 booleans (`yes`, `off`...).
    Bool,
    /// An integer that fits `i64`.
    Int,
    /// An integer above `i64::MAX` (an error as a map key).
    Uint,
    /// A finite float.
    Float,
    /// `.inf`, `-.inf`, `.nan`: floats JSON cannot hold (an error in the round trip).
    NonFiniteFloat,
    /// A string (timestamps included: decoding into `interface{}` keeps their text).
    String,
}

/// How the plain scalar `text` resolves (goyaml.v2's `resolve` with no tag).
pub fn plain_scalar(text: &str) -> PlainScalar {
    use resolve::Scalar;
    match resolve::resolve("", text) {
        Ok((_, Scalar::Null)) => PlainScalar::Null,
        Ok((_, Scalar::Bool(_))) => PlainScalar::Bool,
        Ok((_, Scalar::Int(_))) => PlainScalar::Int,
        Ok((_, Scalar::Uint(_))) => PlainScalar::Uint,
        Ok((_, Scalar::Float(f))) if !f.is_finite() => PlainScalar::NonFiniteFloat,
        Ok((_, Scalar::Float(_))) => PlainScalar::Float,
        Ok((_, Scalar::Str(_))) | Err(_) => PlainScalar::String,
    }
}

/// A YAML reading error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    /// The error text exactly as Helm reports it (for values files, what follows
    /// `cannot load values.yaml: `; for `fromYaml`, the text it stores under `Error`).
    pub message: String,
    /// Where the problem is in the whole input (1-based), when known. Go's messages
    /// count lines from the start of the YAML document, and parser errors are off by one
    /// in goyaml; this position is the real one.
    pub position: Option<Position>,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for YamlError {}

fn decode_error(e: DecodeError, line_offset: usize) -> YamlError {
    match e {
        DecodeError::Syntax(le) => YamlError {
            message: format!("error converting YAML to JSON: yaml: {}", le.go_message()),
            position: if le.stage == scanner::ErrorStage::Reader {
                None
            } else {
                Some(Position {
                    line: le.problem_mark.line + 1 + line_offset,
                    column: le.problem_mark.column + 1,
                })
            },
        },
        DecodeError::Yaml(msg, line) => YamlError {
            message: format!("error converting YAML to JSON: yaml: {msg}"),
            position: line.map(|l| Position {
                line: l + 1 + line_offset,
                column: 1,
            }),
        },
        DecodeError::Convert(msg, line) => YamlError {
            message: format!("error converting YAML to JSON: {msg}"),
            position: line.map(|l| Position {
                line: l + 1 + line_offset,
                column: 1,
            }),
        },
        DecodeError::Json(msg) => YamlError {
            message: format!("error unmarshaling JSON: while decoding JSON: {msg}"),
            position: None,
        },
    }
}

/// goyaml.v2 `Unmarshal` of the first document into `interface{}` plus sigs.k8s.io's
/// conversion: the value (`Nil` for an empty stream) and its spans.
fn unmarshal_first(
    text: &str,
    with_spans: bool,
    line_offset: usize,
) -> Result<(Value, Option<SpanEntry>), YamlError> {
    unmarshal_first_tail(text, None, with_spans, line_offset)
}

fn unmarshal_first_tail(
    text: &str,
    tail_error: Option<&'static str>,
    with_spans: bool,
    line_offset: usize,
) -> Result<(Value, Option<SpanEntry>), YamlError> {
    let mut parser = Parser::with_reader_error(text, tail_error);
    let doc = build_first_document(&mut parser).map_err(|e| decode_error(e, line_offset))?;
    let Some(doc) = doc else {
        return Ok((Value::Nil, None));
    };
    let mut d = Decoder::new(&doc, with_spans, line_offset);
    d.decode_document()
        .map_err(|e| decode_error(e, line_offset))
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Map(..) => "object",
        Value::List(..) => "array",
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        _ => "number",
    }
}

fn type_error(v: &Value, target: &str) -> YamlError {
    YamlError {
        message: format!(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type {target}",
            json_kind(v)
        ),
        position: None,
    }
}

fn take_map(v: Value) -> Map {
    match v {
        Value::Map(m, _) => (*m.snapshot()).clone(),
        _ => Map::new(),
    }
}

/// `sigs.k8s.io/yaml.Unmarshal(text, &v)` with `v interface{}`: the first document as a
/// value (`Nil` when there is none). Maps are `map[string]interface {}`, lists
/// `[]interface {}`, every number a `float64`.
pub fn yaml_to_value(text: &str) -> Result<Value, YamlError> {
    unmarshal_first(text, false, 0).map(|(v, _)| v)
}

/// The first document with goyaml.v2's own scalar types, before sigs.k8s.io/yaml's JSON
/// round trip: integers are `int` ([`Value::Int`]) or `uint64`, floats `float64` (NaN
/// and infinities allowed), keys already strings. For decoding into Go structs (Helm's
/// `Chart.yaml`), where a scalar meeting a `string` field becomes a string: see
/// [`go_string_field`].
pub fn yaml_to_value_typed(text: &str) -> Result<Value, YamlError> {
    let mut parser = Parser::with_reader_error(text, None);
    let doc = build_first_document(&mut parser).map_err(|e| decode_error(e, 0))?;
    let Some(doc) = doc else {
        return Ok(Value::Nil);
    };
    let mut d = Decoder::new(&doc, false, 0);
    d.typed = true;
    d.decode_document()
        .map(|(v, _)| v)
        .map_err(|e| decode_error(e, 0))
}

/// What sigs.k8s.io/yaml makes of a scalar of [`yaml_to_value_typed`] when the Go
/// target is a `string` field (`convertToJSONableObject`): integers in decimal, floats
/// with `strconv.FormatFloat(f, 'g', -1, 32)` (so `appVersion: 1.10` becomes `"1.1"`),
/// booleans as `true`/`false`, strings unchanged. `None` for nil, lists and maps (they
/// go to JSON as they are and fail there).
pub fn go_string_field(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.to_string()),
        Value::Int(i, _) => Some(i.to_string()),
        Value::Uint(u, _) => Some(u.to_string()),
        Value::Float(f) => Some(crate::gonum::format_float(*f, 'g', true)),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `sigs.k8s.io/yaml.Unmarshal(text, &m)` with `m map[string]interface{}`, what Helm's
/// `fromYaml` does. Only the first document is read. An empty document gives an empty
/// map; a list or scalar fails with
/// `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}`.
pub fn from_yaml(text: &str) -> Result<Map, YamlError> {
    match yaml_to_value(text)? {
        Value::Nil => Ok(Map::new()),
        v @ Value::Map(..) => Ok(take_map(v)),
        other => Err(type_error(&other, "map[string]interface {}")),
    }
}

/// `sigs.k8s.io/yaml.Unmarshal(text, &a)` with `a []interface{}`, what Helm's
/// `fromYamlArray` does.
pub fn from_yaml_array(text: &str) -> Result<Vec<Value>, YamlError> {
    match yaml_to_value(text)? {
        Value::Nil => Ok(Vec::new()),
        Value::List(l, _) => Ok(kiln_gotmpl::Items::unwrap_or_clone(l)),
        other => Err(type_error(&other, "[]interface {}")),
    }
}

/// One document of a multi-document text, as `k8s.io/apimachinery`'s `YAMLReader` cuts
/// it: the lines between `---` separator lines, each ending with `\n` (CRLF line ends
/// become LF).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentChunk {
    /// The document's text.
    pub text: String,
    /// 0-based line of the input where the document's first line is.
    pub first_line: usize,
}

/// Splits `text` like `YAMLReader.Read` does, lazily: yields documents, or the error
/// `invalid Yaml document separator: REST` for a line starting with `---` followed by
/// something other than spaces or a comment (and stops there).
pub fn split_documents(text: &str) -> impl Iterator<Item = Result<DocumentChunk, YamlError>> + '_ {
    let mut lines = text.split_inclusive('\n').enumerate().peekable();
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let mut buf = String::new();
        let mut first_line = 0;
        loop {
            let Some((no, raw)) = lines.next() else {
                done = true;
                return if buf.is_empty() {
                    None
                } else {
                    Some(Ok(DocumentChunk {
                        text: buf,
                        first_line,
                    }))
                };
            };
            let line = raw
                .strip_suffix('\n')
                .map(|l| l.strip_suffix('\r').unwrap_or(l))
                .unwrap_or(raw);
            if let Some(rest) = line.strip_prefix("---") {
                let trimmed = rest.trim_matches(|c: char| c.is_whitespace());
                if !trimmed.is_empty() && !trimmed.starts_with('#') {
                    done = true;
                    return Some(Err(YamlError {
                        message: format!("error reading yaml document: invalid Yaml document separator: {trimmed}"),
                        position: Some(Position { line: no + 1, column: 1 }),
                    }));
                }
                if !buf.is_empty() {
                    return Some(Ok(DocumentChunk {
                        text: buf,
                        first_line,
                    }));
                }
                continue;
            }
            if buf.is_empty() {
                first_line = no;
            }
            buf.push_str(line);
            buf.push('\n');
        }
    })
}

/// Helm's `MergeMaps`: maps merge recursively, anything else in `b` replaces.
pub fn merge_maps(a: &Map, b: &Map) -> Map {
    let mut out = a.clone();
    for (k, v) in b {
        if let Value::Map(bm, _) = v {
            if let Some(Value::Map(am, _)) = out.get(k) {
                let merged = merge_maps(&am.snapshot(), &bm.snapshot());
                out.insert(k.clone(), Value::Map(MapRef::new(merged), MapType::Any));
                continue;
            }
        }
        out.insert(k.clone(), v.clone());
    }
    out
}

fn load_values(text: &str, with_spans: bool) -> Result<(Map, SpanIndex), YamlError> {
    let mut values = Map::new();
    let mut spans = SpanIndex {
        root: SpanEntry {
            key: None,
            value: Position { line: 1, column: 1 },
            children: SpanChildren::Map(Default::default()),
        },
    };
    let mut first = true;
    for chunk in split_documents(text) {
        let chunk = chunk?;
        let (v, span) =
            unmarshal_first(&chunk.text, with_spans, chunk.first_line).map_err(|e| YamlError {
                message: format!("cannot unmarshal yaml document: {}", e.message),
                position: e.position,
            })?;
        let current = match v {
            Value::Nil => continue,
            v @ Value::Map(..) => take_map(v),
            other => {
                let e = type_error(&other, "map[string]interface {}");
                return Err(YamlError {
                    message: format!("cannot unmarshal yaml document: {}", e.message),
                    position: Some(Position {
                        line: chunk.first_line + 1,
                        column: 1,
                    }),
                });
            }
        };
        if first {
            values = current;
            if let Some(s) = span {
                spans.root = s;
            }
            first = false;
        } else {
            values = merge_maps(&values, &current);
            if let Some(s) = span {
                spans.merge_from(s);
            }
        }
    }
    Ok((values, spans))
}

/// libyaml's reader error for the first byte of `data` that is not UTF-8, with the
/// valid text before it.
fn utf8_prefix(data: &[u8]) -> (&str, Option<&'static str>) {
    match std::str::from_utf8(data) {
        Ok(s) => (s, None),
        Err(e) => {
            let pos = e.valid_up_to();
            let prefix = std::str::from_utf8(&data[..pos]).unwrap_or("");
            let b = data[pos];
            let w = scanner::width(b);
            let problem = if w == 0 {
                "invalid leading UTF-8 octet"
            } else if pos + w > data.len() {
                "incomplete UTF-8 octet sequence"
            } else if data[pos + 1..pos + w].iter().any(|&t| t & 0xC0 != 0x80) {
                "invalid trailing UTF-8 octet"
            } else {
                let mut v: u32 = match w {
                    2 => (b & 0x1F) as u32,
                    3 => (b & 0x0F) as u32,
                    _ => (b & 0x07) as u32,
                };
                for &t in &data[pos + 1..pos + w] {
                    v = (v << 6) | (t & 0x3F) as u32;
                }
                let min = match w {
                    2 => 0x80,
                    3 => 0x800,
                    _ => 0x10000,
                };
                if v < min {
                    "invalid length of a UTF-8 sequence"
                } else {
                    "invalid Unicode character"
                }
            };
            (prefix, Some(problem))
        }
    }
}

/// `YAMLReader` over bytes: the documents (each line ending with `\n`) and their first
/// line, up to the first bad separator.
fn split_bytes(data: &[u8]) -> Result<Vec<(Vec<u8>, usize)>, YamlError> {
    let mut out = Vec::new();
    let mut buf: Vec<u8> = Vec::new();
    let mut first_line = 0;
    for (no, raw) in data.split_inclusive(|&b| b == b'\n').enumerate() {
        let mut line = raw.strip_suffix(b"\n").unwrap_or(raw);
        if raw.ends_with(b"\n") {
            line = line.strip_suffix(b"\r").unwrap_or(line);
        }
        if let Some(rest) = line.strip_prefix(b"---") {
            let rest = String::from_utf8_lossy(rest);
            let trimmed = rest.trim_matches(|c: char| c.is_whitespace());
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                return Err(YamlError {
                    message: format!(
                        "error reading yaml document: invalid Yaml document separator: {trimmed}"
                    ),
                    position: Some(Position {
                        line: no + 1,
                        column: 1,
                    }),
                });
            }
            if !buf.is_empty() {
                out.push((std::mem::take(&mut buf), first_line));
            }
            continue;
        }
        if buf.is_empty() {
            first_line = no;
        }
        buf.extend_from_slice(line);
        buf.push(b'\n');
    }
    if !buf.is_empty() {
        out.push((buf, first_line));
    }
    Ok(out)
}

/// [`parse_values`] for the raw bytes of a file: bytes that are not UTF-8 fail the way
/// goyaml's reader fails (`yaml: invalid leading UTF-8 octet`, ...), once the reader gets
/// to them.
pub fn parse_values_bytes(data: &[u8]) -> Result<Value, YamlError> {
    if let Ok(s) = std::str::from_utf8(data) {
        return parse_values(s);
    }
    let mut values = Map::new();
    for (chunk, first_line) in split_bytes(data)? {
        let (prefix, tail) = utf8_prefix(&chunk);
        let (v, _) =
            unmarshal_first_tail(prefix, tail, false, first_line).map_err(|e| YamlError {
                message: format!("cannot unmarshal yaml document: {}", e.message),
                position: e.position,
            })?;
        match v {
            Value::Nil => {}
            v @ Value::Map(..) => values = merge_maps(&values, &take_map(v)),
            other => {
                let e = type_error(&other, "map[string]interface {}");
                return Err(YamlError {
                    message: format!("cannot unmarshal yaml document: {}", e.message),
                    position: Some(Position {
                        line: first_line + 1,
                        column: 1,
                    }),
                });
            }
        }
    }
    Ok(Value::Map(MapRef::new(values), MapType::Any))
}

/// Reads a values file the way Helm does (`loader.LoadValues`): every document of the
/// file (split on `---` lines) is read with `sigs.k8s.io/yaml.Unmarshal` into a map and
/// the maps are merged, later documents winning. Returns a `map[string]interface {}`
/// (empty for an empty file).
///
/// Errors read like Helm's after its `cannot load values.yaml: ` prefix, e.g.
/// `cannot unmarshal yaml document: error converting YAML to JSON: yaml: line 3: mapping values are not allowed in this context`.
pub fn parse_values(text: &str) -> Result<Value, YamlError> {
    load_values(text, false).map(|(m, _)| Value::Map(MapRef::new(m), MapType::Any))
}

/// [`parse_values`] plus the position of every key and value.
pub fn parse_values_with_spans(text: &str) -> Result<(Value, SpanIndex), YamlError> {
    load_values(text, true).map(|(m, s)| (Value::Map(MapRef::new(m), MapType::Any), s))
}

/// A document of a manifest stream.
#[derive(Clone, Debug)]
pub struct ParsedDocument {
    /// The document read with `sigs.k8s.io/yaml.Unmarshal` into `interface{}` (`Nil` for
    /// a document with only comments).
    pub value: Value,
    /// The document's text (see [`DocumentChunk`]).
    pub text: String,
    /// 1-based line of the input where the document starts.
    pub line: usize,
}

/// Parses every document of a multi-document stream (rendered manifests): documents are
/// cut like [`split_documents`] does and each is read on its own, so an error in one does
/// not hide the others. A bad separator ends the stream with its error.
pub fn parse_documents(text: &str) -> Vec<Result<ParsedDocument, YamlError>> {
    let mut out = Vec::new();
    for chunk in split_documents(text) {
        match chunk {
            Err(e) => {
                out.push(Err(e));
                break;
            }
            Ok(c) => {
                let r = unmarshal_first(&c.text, false, c.first_line).map(|(value, _)| {
                    ParsedDocument {
                        value,
                        line: c.first_line + 1,
                        text: c.text.clone(),
                    }
                });
                out.push(r);
            }
        }
    }
    out
}

/// `sigs.k8s.io/yaml.Marshal(v)`: the YAML text with its final newline.
pub fn marshal_yaml(v: &Value) -> Result<String, MarshalError> {
    encode::marshal_v2(v)
}

/// Helm's `toYaml`: [`marshal_yaml`] with the final newline trimmed, or `""` when
/// marshalling fails.
pub fn to_yaml(v: &Value) -> String {
    match encode::marshal_v2(v) {
        Ok(mut s) => {
            if s.ends_with('\n') {
                s.pop();
            }
            s
        }
        Err(_) => String::new(),
    }
}

/// Helm's `mustToYaml`: like [`to_yaml`] but failing with Go's error.
pub fn must_to_yaml(v: &Value) -> Result<String, MarshalError> {
    encode::marshal_v2(v).map(|mut s| {
        if s.ends_with('\n') {
            s.pop();
        }
        s
    })
}

/// Helm's `toYamlPretty`: goyaml.v3's encoder with `SetIndent(2)`, final newline trimmed,
/// `""` on error.
pub fn to_yaml_pretty(v: &Value) -> String {
    match encode::marshal_v3(v, 2) {
        Ok(mut s) => {
            if s.ends_with('\n') {
                s.pop();
            }
            s
        }
        Err(_) => String::new(),
    }
}

/// goyaml.v3's encoder with the given indentation (the text keeps its final newline).
pub fn marshal_yaml_v3(v: &Value, indent: usize) -> Result<String, MarshalError> {
    encode::marshal_v3(v, indent)
}

#[allow(dead_code)]
fn list(v: Vec<Value>) -> Value {
    Value::List(Arc::new(kiln_gotmpl::Items::from(v)), ListType::Any)
}
