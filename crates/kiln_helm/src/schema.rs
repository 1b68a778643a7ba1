//! `values.schema.json` validation: Helm's `ValidateAgainstSchema`
//! (`pkg/chart/common/util/jsonschema.go`, Helm v4.2.3) on a JSON Schema validator that
//! mirrors the one Helm uses, `github.com/santhosh-tekuri/jsonschema/v6` (v6.0.2):
//! its keyword semantics per draft, its error tree and its message texts, so that a
//! failing chart reports what Helm reports, e.g.
//!
//! ```text
//! values don't meet the specifications of the schema(s) in the following chart(s):
//! mychart:
//! - at '/replicas': got string, want integer
//! ```
//!
//! * The chart's schema validates the coalesced values; each enabled subchart's schema
//!   validates `values[subchart name]` (recursively), each chart's messages after a
//!   `NAME:` line. A subchart section that is not a map is reported as `invalid type for
//!   values: expected object (map), got TYPE`.
//! * Drafts 4, 6, 7, 2019-09 and 2020-12 (by `$schema`; default 2020-12, as in the Go
//!   library). `$ref`, `$id`/`id`, `$anchor`, `$defs`/`definitions`, `$recursiveRef` and
//!   `$dynamicRef` within the schema document resolve as there. `format` is asserted
//!   for drafts 4 to 7 only (the library's default), for the formats listed in
//!   `check_format`. Patterns use Go's RE2 semantics (ASCII `\d`, `\w`, `\s`, `\b`).
//! * Numbers compare exactly as decimals (the library uses `big.Rat`): values are the
//!   float64s Helm has (or int64s from `--set`); an integer-valued float is an
//!   `integer`. Messages print numbers the way `golang.org/x/text/message` does
//!   (`1,500`, `1.5×10⁰⁸`).
//! * Where Go iterates a map (an object's properties, `patternProperties`), kiln goes in
//!   sorted key order; Helm's order then varies from run to run.
//!
//! Known differences from Helm: kiln never fetches anything — a `$ref` (or `$schema`)
//! to an `http(s)` URL fails with `failing loading "URL": kiln does not fetch remote
//! schemas` where Helm downloads it, and a `file:` `$ref` fails as it does in Helm when
//! the file is absent; a `$ref` to the JSON Schema meta-schemas is not supported; the
//! schema itself is not validated against its draft's meta-schema (Helm rejects e.g.
//! `"type": "int"` or an invalid regex with a meta-schema report; kiln ignores the
//! unknown type name, and reports an invalid regex with a shorter message); `format`
//! assertions cover the formats listed in `check_format` (others pass);
//! `contentEncoding`/`contentMediaType` are annotations there and here.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, OnceLock};

use kiln_gotmpl::{ListType, Map, MapType, Value};

use crate::error::{ErrorKind, HelmError};
use crate::values::ChartView;

/// The URL the Go library gives the chart's schema document.
const ROOT_URL: &str = "file:///values.schema.json";

/// How deep validation may recurse (instance depth plus `$ref` hops) before kiln gives
/// up with an error instead of exhausting its stack.
const MAX_DEPTH: usize = 400;

/// Validates the coalesced values against the chart's and its enabled subcharts'
/// schemas (Helm's `ValidateAgainstSchema` plus the prefix `ToRenderValues` adds).
///
/// Errors: [`ErrorKind::Schema`] with Helm's whole message.
pub fn validate(view: &ChartView, vals: &Map) -> Result<(), HelmError> {
    match validate_chart(view, vals) {
        None => Ok(()),
        Some(msg) => Err(HelmError::new(
            ErrorKind::Schema,
            format!("values don't meet the specifications of the schema(s) in the following chart(s):\n{msg}"),
        )),
    }
}

/// Helm's `ValidateAgainstSchema` for one chart: the report, or `None` when valid.
fn validate_chart(view: &ChartView, vals: &Map) -> Option<String> {
    let mut sb = String::new();
    if let Some(schema) = &view.chart.schema {
        if let Err(e) = validate_cached(vals, schema, &view.chart.schema_cache) {
            sb.push_str(&view.name);
            sb.push_str(":\n");
            sb.push_str(&e);
        }
    }
    for sub in &view.dependencies {
        let raw = match vals.get(sub.name.as_str()) {
            None | Some(Value::Nil) => continue,
            Some(v) => v,
        };
        match raw {
            Value::Map(m, MapType::Any) => {
                if let Some(e) = validate_chart(sub, &m.snapshot()) {
                    sb.push_str(&e);
                }
            }
            other => {
                sb.push_str(&format!(
                    "{}:\ninvalid type for values: expected object (map), got {}\n",
                    sub.name,
                    other.type_name()
                ));
            }
        }
    }
    if sb.is_empty() {
        None
    } else {
        Some(sb)
    }
}

/// Helm's `ValidateAgainstSingleSchema`: validation errors as Helm prints them (the
/// library's report without its first line, plus a newline), other errors (a schema
/// that does not parse or compile) as the library words them.
pub fn validate_single(values: &Map, schema_json: &[u8]) -> Result<(), String> {
    // The walk recurses along the values and the schema (bounded by MAX_DEPTH); a
    // thread with a stack of its own keeps that safe whatever the caller's stack is.
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("kiln-schema".into())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, || validate_single_here(values, schema_json))
            .map_err(|e| format!("kiln: cannot start schema validation: {e}"))?
            .join()
            .unwrap_or_else(|_| Err("unable to validate schema: internal error".into()))
    })
}

/// [`validate_single`] with the schema compiled once per chart: `cache` holds the
/// compiled form of `schema_json` (or its error) for every later render.
fn validate_cached(
    values: &Map,
    schema_json: &Arc<[u8]>,
    cache: &SchemaCache,
) -> Result<(), String> {
    // Once the schema is compiled, shallow values are validated on the caller's thread
    // (the schema walk grows its stack as it needs: `Validator::run`); starting a thread
    // per render cost more than many validations.
    if let Some((bytes, compiled)) = cache.0.get() {
        if Arc::ptr_eq(bytes, schema_json) && shallower_than(values, INLINE_DEPTH) {
            return validate_compiled(values, &*compiled.clone()?);
        }
    }
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("kiln-schema".into())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, || {
                let compiled = match cache.0.get() {
                    Some((bytes, c)) if Arc::ptr_eq(bytes, schema_json) => c.clone(),
                    Some(_) => compile_schema(schema_json).map(Arc::new),
                    None => {
                        let c = compile_schema(schema_json).map(Arc::new);
                        let _ = cache.0.set((schema_json.clone(), c.clone()));
                        c
                    }
                };
                validate_compiled(values, &*compiled?)
            })
            .map_err(|e| format!("kiln: cannot start schema validation: {e}"))?
            .join()
            .unwrap_or_else(|_| Err("unable to validate schema: internal error".into()))
    })
}

/// A chart's `values.schema.json` compiled on first use and shared by every later
/// validation of the chart's values (the schema bytes are kept to check it is the same
/// schema).
#[derive(Default)]
pub struct SchemaCache(OnceLock<SchemaEntry>);

type SchemaEntry = (Arc<[u8]>, Result<Arc<Compiled>, String>);

impl Clone for SchemaCache {
    /// A clone of a chart may be changed, so it starts with an empty cache.
    fn clone(&self) -> Self {
        SchemaCache::default()
    }
}

impl std::fmt::Debug for SchemaCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = if self.0.get().is_some() {
            "compiled"
        } else {
            "empty"
        };
        write!(f, "SchemaCache({state})")
    }
}

/// Values nested at most this deep are validated on the caller's thread.
const INLINE_DEPTH: usize = 32;

/// Whether no map or list in `values` is nested `limit` levels deep.
fn shallower_than(values: &Map, limit: usize) -> bool {
    fn value(v: &Value, limit: usize) -> bool {
        if limit == 0 {
            return false;
        }
        match v {
            Value::Map(m, _) => m.snapshot().values().all(|v| value(v, limit - 1)),
            Value::List(l, _) => l.iter().all(|v| value(v, limit - 1)),
            _ => true,
        }
    }
    limit > 0 && values.values().all(|v| value(v, limit - 1))
}

/// Stack for the validation thread (reserved, not committed, until used).
const STACK_SIZE: usize = 256 << 20;

fn validate_single_here(values: &Map, schema_json: &[u8]) -> Result<(), String> {
    validate_compiled(values, &compile_schema(schema_json)?)
}

/// Parses and compiles a schema document (errors as the library words them).
fn compile_schema(schema_json: &[u8]) -> Result<Compiled, String> {
    let doc = parse_json(schema_json)?;
    if !is_schema_value(&doc) {
        // The one meta-schema check kiln makes: a schema is an object or a boolean.
        return Err(format!(
            "{} is not valid against metaschema: jsonschema validation failed with {}\n- at '': got {}, want boolean or object",
            kiln_gotmpl::fmt::quote(&format!("{ROOT_URL}#")),
            quote("https://json-schema.org/draft/2020-12/schema#"),
            type_name(doc.json_type())
        ));
    }
    Compiler::compile(&doc)
}

/// Validates `values` against a compiled schema (Helm's report on failure).
fn validate_compiled(values: &Map, compiled: &Compiled) -> Result<(), String> {
    let inst = J::from_map(values);
    match compiled.validate_root(&inst) {
        Ok(()) => Ok(()),
        Err(VOutcome::Panic(msg)) => Err(format!("unable to validate schema: {msg}")),
        Err(VOutcome::Invalid(e)) => {
            let text = e.to_string();
            let prefix = format!(
                "jsonschema validation failed with {}\n",
                quote(&format!("{ROOT_URL}#"))
            );
            let text = text.strip_prefix(&prefix).unwrap_or(&text);
            Err(format!("{text}\n"))
        }
    }
}

// ---------------------------------------------------------------------------------
// JSON documents

/// A JSON number: its exact decimal value and its text (a schema's `json.Number` text,
/// or Go's `%v` of an instance's float64/int64).
#[derive(Clone, Debug)]
struct Num {
    dec: Option<Dec>,
    text: String,
}

/// A decoded JSON value (`encoding/json` with `UseNumber`), or an instance value that
/// is no JSON type (Go's `invalid jsonType`).
#[derive(Clone, Debug)]
enum J {
    Null,
    Bool(bool),
    Num(Num),
    Str(String),
    Arr(Vec<J>),
    Obj(BTreeMap<String, J>),
    /// A value of a Go type JSON Schema does not know, by its `%T`.
    Invalid(String),
}

impl J {
    fn from_map(m: &Map) -> J {
        J::Obj(
            m.iter()
                .map(|(k, v)| (k.to_string(), J::from_value(v)))
                .collect(),
        )
    }

    fn from_value(v: &Value) -> J {
        match v {
            Value::Nil => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i, _) => J::Num(Num {
                dec: Dec::parse(&i.to_string()),
                text: i.to_string(),
            }),
            Value::Uint(u, _) => J::Num(Num {
                dec: Dec::parse(&u.to_string()),
                text: u.to_string(),
            }),
            Value::Float(f) => J::Num(Num {
                dec: Dec::from_f64(*f),
                text: format!("{f}"),
            }),
            Value::String(s) => J::Str(s.to_string()),
            Value::RawString(b) => J::Str(String::from_utf8_lossy(b).into_owned()),
            Value::List(l, ListType::Any) => J::Arr(l.iter().map(J::from_value).collect()),
            Value::Map(m, MapType::Any) => J::from_map(&m.snapshot()),
            other => J::Invalid(other.type_name().into_owned()),
        }
    }

    fn json_type(&self) -> u8 {
        match self {
            J::Null => T_NULL,
            J::Bool(_) => T_BOOLEAN,
            J::Num(_) => T_NUMBER,
            J::Str(_) => T_STRING,
            J::Arr(_) => T_ARRAY,
            J::Obj(_) => T_OBJECT,
            J::Invalid(_) => 0,
        }
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            J::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// Go's `encoding/json` decoding of a whole document (`jsonschema.UnmarshalJSON`), with
/// Go's error texts.
fn parse_json(b: &[u8]) -> Result<J, String> {
    let mut p = JsonBytes { b, pos: 0 };
    p.ws();
    if p.pos >= b.len() {
        return Err("EOF".into());
    }
    let v = p.value(0)?;
    p.ws();
    if p.pos < b.len() {
        return Err("invalid character after top-level value".into());
    }
    Ok(v)
}

struct JsonBytes<'a> {
    b: &'a [u8],
    pos: usize,
}

/// Go's `quoteChar` (encoding/json scanner errors).
fn quote_byte(c: u8) -> String {
    match c {
        b'\'' => "'\\''".into(),
        b'"' => "'\"'".into(),
        _ => {
            let q = kiln_gotmpl::fmt::quote(&char::from(c).to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

impl JsonBytes<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn err(&self, context: &str) -> String {
        match self.peek() {
            None => "unexpected EOF".into(),
            Some(c) => format!("invalid character {} {context}", quote_byte(c)),
        }
    }

    fn value(&mut self, depth: usize) -> Result<J, String> {
        if depth > 10000 {
            return Err("exceeded max depth".into());
        }
        if depth > MAX_DEPTH {
            return Err(format!(
                "schema nests deeper than kiln's limit of {MAX_DEPTH} levels"
            ));
        }
        match self.peek() {
            None => Err("unexpected EOF".into()),
            Some(b'{') => {
                self.pos += 1;
                let mut m = BTreeMap::new();
                self.ws();
                if self.peek() == Some(b'}') {
                    self.pos += 1;
                    return Ok(J::Obj(m));
                }
                loop {
                    self.ws();
                    if self.peek() != Some(b'"') {
                        return Err(self.err("looking for beginning of object key string"));
                    }
                    let k = self.string()?;
                    self.ws();
                    if self.peek() != Some(b':') {
                        return Err(self.err("after object key"));
                    }
                    self.pos += 1;
                    self.ws();
                    let v = self.value(depth + 1)?;
                    m.insert(k, v);
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b'}') => {
                            self.pos += 1;
                            return Ok(J::Obj(m));
                        }
                        _ => return Err(self.err("after object key:value pair")),
                    }
                }
            }
            Some(b'[') => {
                self.pos += 1;
                let mut l = Vec::new();
                self.ws();
                if self.peek() == Some(b']') {
                    self.pos += 1;
                    return Ok(J::Arr(l));
                }
                loop {
                    self.ws();
                    l.push(self.value(depth + 1)?);
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b']') => {
                            self.pos += 1;
                            return Ok(J::Arr(l));
                        }
                        _ => return Err(self.err("after array element")),
                    }
                }
            }
            Some(b'"') => Ok(J::Str(self.string()?)),
            Some(b't') => self.literal(b"true", J::Bool(true)),
            Some(b'f') => self.literal(b"false", J::Bool(false)),
            Some(b'n') => self.literal(b"null", J::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.err("looking for beginning of value")),
        }
    }

    fn literal(&mut self, word: &[u8], v: J) -> Result<J, String> {
        for &w in word {
            if self.peek() == Some(w) {
                self.pos += 1;
            } else {
                let word = std::str::from_utf8(word).unwrap_or("");
                return Err(self.err(&format!("in literal {word} (expecting {})", quote_byte(w))));
            }
        }
        Ok(v)
    }

    fn digits(&mut self) -> usize {
        let s = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - s
    }

    fn number(&mut self) -> Result<J, String> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.err("in numeric literal"));
            }
        }
        if self.peek() == Some(b'0') {
            self.pos += 1;
        } else {
            self.digits();
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.err("after decimal point in numeric literal"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.err("in exponent of numeric literal"));
            }
        }
        let text = String::from_utf8_lossy(&self.b[start..self.pos]).into_owned();
        Ok(J::Num(Num {
            dec: Dec::parse(&text),
            text,
        }))
    }

    fn hex4(&mut self) -> Option<u32> {
        let mut n = 0;
        for _ in 0..4 {
            let d = char::from(self.peek()?).to_digit(16)?;
            n = n * 16 + d;
            self.pos += 1;
        }
        Some(n)
    }

    fn string(&mut self) -> Result<String, String> {
        self.pos += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            match self.peek() {
                None => return Err("unexpected EOF".into()),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(String::from_utf8_lossy(&out).into_owned());
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let Some(c) = self.peek() else {
                        return Err("unexpected EOF".into());
                    };
                    self.pos += 1;
                    let ch = match c {
                        b'"' | b'\\' | b'/' => char::from(c),
                        b'b' => '\u{8}',
                        b'f' => '\u{C}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let Some(hi) = self.hex4() else {
                                return Err(self.err("in \\u hexadecimal character escape"));
                            };
                            let mut ch = char::from_u32(hi);
                            if (0xD800..0xDC00).contains(&hi) {
                                let save = self.pos;
                                ch = None;
                                if self.b[self.pos..].starts_with(b"\\u") {
                                    self.pos += 2;
                                    if let Some(lo) = self.hex4() {
                                        if (0xDC00..0xE000).contains(&lo) {
                                            ch = char::from_u32(
                                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00),
                                            );
                                        }
                                    }
                                }
                                if ch.is_none() {
                                    self.pos = save;
                                }
                            }
                            ch.unwrap_or('\u{FFFD}')
                        }
                        _ => {
                            self.pos -= 1;
                            return Err(self.err("in string escape code"));
                        }
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                Some(c) if c < 0x20 => return Err(self.err("in string literal")),
                Some(c) => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------
// Exact decimals (Go's big.Rat of a decimal text)

/// `±mant × 10^exp`, `mant` without leading or trailing zeros (empty for zero).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Dec {
    neg: bool,
    mant: Vec<u8>,
    exp: i64,
}

/// Exponents beyond this are clamped (no real schema or value comes close).
const MAX_EXP: i64 = 100_000;

impl Dec {
    /// Parses `-12.5e3`-style text (JSON numbers, Go's `%v` of numbers, Rust's `{:e}`).
    fn parse(s: &str) -> Option<Dec> {
        let (neg, s) = match s.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, s.strip_prefix('+').unwrap_or(s)),
        };
        let (m, e) = match s.find(['e', 'E']) {
            Some(i) => (&s[..i], Some(&s[i + 1..])),
            None => (s, None),
        };
        let mut exp: i64 = match e {
            None => 0,
            Some(e) => {
                let e = e.strip_prefix('+').unwrap_or(e);
                let (eneg, digits) = match e.strip_prefix('-') {
                    Some(d) => (true, d),
                    None => (false, e),
                };
                if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
                    return None;
                }
                let v = digits
                    .trim_start_matches('0')
                    .parse::<i64>()
                    .unwrap_or(if digits.trim_start_matches('0').is_empty() {
                        0
                    } else {
                        MAX_EXP
                    })
                    .min(MAX_EXP);
                if eneg {
                    -v
                } else {
                    v
                }
            }
        };
        let (int, frac) = match m.find('.') {
            Some(i) => (&m[..i], &m[i + 1..]),
            None => (m, ""),
        };
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        let mut mant: Vec<u8> = Vec::with_capacity(int.len() + frac.len());
        for c in int.bytes().chain(frac.bytes()) {
            if !c.is_ascii_digit() {
                return None;
            }
            mant.push(c - b'0');
        }
        exp -= frac.len() as i64;
        let lead = mant.iter().take_while(|&&d| d == 0).count();
        mant.drain(..lead);
        while mant.last() == Some(&0) {
            mant.pop();
            exp += 1;
        }
        if mant.is_empty() {
            return Some(Dec {
                neg: false,
                mant,
                exp: 0,
            });
        }
        Some(Dec { neg, mant, exp })
    }

    /// The exact value of the shortest decimal that round-trips `f` (what Go's
    /// `big.Rat.SetString(fmt.Sprint(f))` yields). `None` for NaN and infinities.
    fn from_f64(f: f64) -> Option<Dec> {
        if !f.is_finite() {
            return None;
        }
        Dec::parse(&format!("{f:e}"))
    }

    fn is_zero(&self) -> bool {
        self.mant.is_empty()
    }

    fn is_int(&self) -> bool {
        self.exp >= 0
    }

    fn cmp_abs(&self, o: &Dec) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        match (self.is_zero(), o.is_zero()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        let ma = self.mant.len() as i64 + self.exp;
        let mb = o.mant.len() as i64 + o.exp;
        if ma != mb {
            return ma.cmp(&mb);
        }
        let n = self.mant.len().max(o.mant.len());
        for i in 0..n {
            let a = self.mant.get(i).copied().unwrap_or(0);
            let b = o.mant.get(i).copied().unwrap_or(0);
            if a != b {
                return a.cmp(&b);
            }
        }
        Ordering::Equal
    }

    fn cmp(&self, o: &Dec) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        let sa = if self.is_zero() {
            0
        } else if self.neg {
            -1
        } else {
            1
        };
        let sb = if o.is_zero() {
            0
        } else if o.neg {
            -1
        } else {
            1
        };
        if sa != sb {
            return sa.cmp(&sb);
        }
        match sa {
            0 => Ordering::Equal,
            1 => self.cmp_abs(o),
            _ => o.cmp_abs(self),
        }
    }

    fn to_f64(&self) -> f64 {
        if self.is_zero() {
            return 0.0;
        }
        let digits: String = self.mant.iter().map(|d| char::from(b'0' + d)).collect();
        let v: f64 = format!("{digits}e{}", self.exp)
            .parse()
            .unwrap_or(f64::INFINITY);
        if self.neg {
            -v
        } else {
            v
        }
    }

    /// Whether `self / d` is an integer (`multipleOf`). `None` when `d` is zero (Go's
    /// big.Rat panics: division by zero).
    fn is_multiple_of(&self, d: &Dec) -> Option<bool> {
        if d.is_zero() {
            return None;
        }
        if self.is_zero() {
            return Some(true);
        }
        // self = a·10^ea, d = b·10^eb: integer iff a·10^(ea-eb) ≡ 0 (mod b) when
        // ea ≥ eb, else iff a ≡ 0 (mod b·10^(eb-ea)).
        let b = digits_u128(&d.mant);
        let shift = self.exp - d.exp;
        if shift >= 0 {
            if let Some(b) = b {
                let mut r: u128 = 0;
                for &dg in &self.mant {
                    r = (r * 10 + dg as u128) % b;
                }
                for _ in 0..shift.min(4 * MAX_EXP) {
                    r = (r * 10) % b;
                    if r == 0 {
                        break;
                    }
                }
                return Some(r == 0);
            }
        } else {
            // The divisor b·10^k has len(b)+k digits; a (without trailing zeros) must
            // end in k zeros to be divisible by 10^k, which it does not (normalised).
            return Some(false);
        }
        let q = self.to_f64() / d.to_f64();
        Some(q.is_finite() && q.fract() == 0.0)
    }
}

fn digits_u128(d: &[u8]) -> Option<u128> {
    if d.len() > 36 {
        return None;
    }
    Some(d.iter().fold(0u128, |acc, &x| acc * 10 + x as u128))
}

// ---------------------------------------------------------------------------------
// golang.org/x/text/message number formatting (English)

fn group_int(digits: &str) -> String {
    let mut out = String::new();
    let n = digits.len();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `p.Sprintf("%d", i)`.
fn fmt_int(i: i64) -> String {
    let s = group_int(&i.unsigned_abs().to_string());
    if i < 0 {
        format!("-{s}")
    } else {
        s
    }
}

const SUPERSCRIPTS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];

/// `p.Sprintf("%v", f)` for a float64: shortest digits, `1,234.5` below 10⁶ and at or
/// above 10⁻⁴, else `1.2345×10⁰⁸`.
fn fmt_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "∞".into() } else { "-∞".into() };
    }
    if f == 0.0 {
        return "0".into();
    }
    let sign = if f < 0.0 { "-" } else { "" };
    let e = format!("{:e}", f.abs());
    let (m, ex) = e.split_once('e').unwrap_or((&e, "0"));
    let exp: i64 = ex.parse().unwrap_or(0);
    let digits: String = m.chars().filter(|c| c.is_ascii_digit()).collect();
    if !(-4..6).contains(&exp) {
        let mut out = String::from(sign);
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push_str("×10");
        if exp < 0 {
            out.push('⁻');
        }
        let es = format!("{:02}", exp.unsigned_abs());
        for c in es.chars() {
            out.push(SUPERSCRIPTS[c.to_digit(10).unwrap_or(0) as usize]);
        }
        return out;
    }
    // Decimal: the point sits after exp+1 digits.
    let point = exp + 1;
    let (int, frac) = if point <= 0 {
        ("0".to_string(), "0".repeat((-point) as usize) + &digits)
    } else if (point as usize) >= digits.len() {
        (
            digits.clone() + &"0".repeat(point as usize - digits.len()),
            String::new(),
        )
    } else {
        (
            digits[..point as usize].to_string(),
            digits[point as usize..].to_string(),
        )
    };
    let mut out = format!("{sign}{}", group_int(&int));
    if !frac.is_empty() {
        out.push('.');
        out.push_str(&frac);
    }
    out
}

// ---------------------------------------------------------------------------------
// The library's quoting and display helpers

/// The library's `quote`: Go's `%q` with `'` delimiters (`"` unescaped, `'` escaped).
fn quote(s: &str) -> String {
    let q = kiln_gotmpl::fmt::quote(s);
    let inner = &q[1..q.len() - 1];
    let inner = inner.replace("\\\"", "\"").replace('\'', "\\'");
    format!("'{inner}'")
}

fn join_quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|s| quote(s))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The library's `display` of a primitive: quoted strings, numbers as written, `<nil>`.
fn display(v: &J) -> String {
    match v {
        J::Str(s) => quote(s),
        J::Arr(_) | J::Obj(_) => "value".into(),
        J::Null => "<nil>".into(),
        J::Bool(b) => b.to_string(),
        J::Num(n) => n.text.clone(),
        J::Invalid(t) => t.clone(),
    }
}

fn escape_tok(tok: &str) -> String {
    tok.replace('~', "~0").replace('/', "~1")
}

fn json_ptr(tokens: &[String]) -> String {
    tokens
        .iter()
        .map(|t| format!("/{}", escape_tok(t)))
        .collect()
}

// ---------------------------------------------------------------------------------
// URLs (just enough of Go's net/url for `$id`/`$ref` resolution)

#[derive(Clone, Debug, Default)]
struct Url {
    scheme: Option<String>,
    authority: Option<String>,
    path: String,
    query: Option<String>,
}

impl Url {
    fn parse(s: &str) -> Url {
        let mut u = Url::default();
        let mut rest = s;
        if let Some(i) = rest.find(':') {
            let sch = &rest[..i];
            if !sch.is_empty()
                && sch.bytes().next().is_some_and(|c| c.is_ascii_alphabetic())
                && sch
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
            {
                u.scheme = Some(sch.to_ascii_lowercase());
                rest = &rest[i + 1..];
            }
        }
        if let Some(q) = rest.find('?') {
            u.query = Some(rest[q + 1..].to_string());
            rest = &rest[..q];
        }
        if let Some(r) = rest.strip_prefix("//") {
            let end = r.find('/').unwrap_or(r.len());
            u.authority = Some(r[..end].to_string());
            rest = &r[end..];
        }
        u.path = rest.to_string();
        u
    }

    fn render(&self) -> String {
        let mut s = String::new();
        if let Some(sc) = &self.scheme {
            s.push_str(sc);
            s.push(':');
        }
        if let Some(a) = &self.authority {
            s.push_str("//");
            s.push_str(a);
        } else if self.scheme.as_deref() == Some("file") {
            s.push_str("//");
        }
        s.push_str(&self.path);
        if let Some(q) = &self.query {
            s.push('?');
            s.push_str(q);
        }
        s
    }

    /// RFC 3986 reference resolution (Go's `URL.ResolveReference`).
    fn resolve(&self, r: &Url) -> Url {
        if r.scheme.is_some() {
            let mut t = r.clone();
            if t.authority.is_some() || t.path.starts_with('/') {
                t.path = remove_dots(&t.path);
            }
            return t;
        }
        let mut t = Url {
            scheme: self.scheme.clone(),
            ..Url::default()
        };
        if r.authority.is_some() {
            t.authority = r.authority.clone();
            t.path = remove_dots(&r.path);
            t.query = r.query.clone();
            return t;
        }
        t.authority = self.authority.clone();
        if r.path.is_empty() {
            t.path = self.path.clone();
            t.query = r.query.clone().or_else(|| self.query.clone());
            return t;
        }
        t.query = r.query.clone();
        if r.path.starts_with('/') {
            t.path = remove_dots(&r.path);
        } else {
            let base_dir = match self.path.rfind('/') {
                Some(i) => &self.path[..=i],
                None if self.authority.is_some() => "/",
                None => "",
            };
            t.path = remove_dots(&format!("{base_dir}{}", r.path));
        }
        t
    }
}

fn remove_dots(p: &str) -> String {
    if p.is_empty() {
        return String::new();
    }
    let mut out: Vec<&str> = Vec::new();
    let segs: Vec<&str> = p.split('/').collect();
    let last = segs.len() - 1;
    for (i, s) in segs.iter().enumerate() {
        match *s {
            "." => {
                if i == last {
                    out.push("");
                }
            }
            ".." => {
                if out.len() > 1 {
                    out.pop();
                }
                if i == last {
                    out.push("");
                }
            }
            _ => out.push(s),
        }
    }
    let mut s = out.join("/");
    if p.starts_with('/') && !s.starts_with('/') {
        s.insert(0, '/');
    }
    s
}

/// Go's `url.PathUnescape`.
fn path_unescape(s: &str) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = |c: u8| char::from(c).to_digit(16);
            match (
                b.get(i + 1).and_then(|&c| hex(c)),
                b.get(i + 2).and_then(|&c| hex(c)),
            ) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                }
                _ => {
                    let end = (i + 3).min(b.len());
                    return Err(format!(
                        "invalid URL escape {}",
                        kiln_gotmpl::fmt::quote(&String::from_utf8_lossy(&b[i..end]))
                    ));
                }
            }
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Go's `url.PathEscape` (the library's `encode` applies it per pointer token).
fn path_escape(s: &str) -> String {
    let mut out = String::new();
    for &c in s.as_bytes() {
        let keep = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'-' | b'_' | b'.' | b'~' | b'$' | b'&' | b'+' | b',' | b'=' | b':' | b'@'
            );
        if keep {
            out.push(char::from(c));
        } else {
            out.push_str(&format!("%{c:02X}"));
        }
    }
    out
}

/// The library's `encode`: a JSON pointer as a URL fragment.
fn encode_ptr(ptr: &str) -> String {
    ptr.split('/')
        .map(path_escape)
        .collect::<Vec<_>>()
        .join("/")
}

fn split_frag(s: &str) -> (&str, &str) {
    match s.find('#') {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, ""),
    }
}

fn unescape_tok(tok: &str) -> Option<String> {
    let mut out = String::new();
    let mut it = tok.chars();
    while let Some(c) = it.next() {
        if c == '~' {
            match it.next() {
                Some('0') => out.push('~'),
                Some('1') => out.push('/'),
                _ => return None,
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// JSON pointer lookup in a document (the library's `urlPtr.lookup`).
fn lookup<'a>(doc: &'a J, ptr: &str, url: &str) -> Result<&'a J, String> {
    let mut v = doc;
    if ptr.is_empty() {
        return Ok(v);
    }
    let shown = format!("{url}#{}", encode_ptr(ptr));
    for tok in ptr.split('/').skip(1) {
        let Some(tok) = unescape_tok(tok) else {
            return Err(format!(
                "invalid json-pointer {}",
                kiln_gotmpl::fmt::quote(&shown)
            ));
        };
        let next = match v {
            J::Obj(o) => o.get(&tok),
            J::Arr(a) => tok.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => None,
        };
        match next {
            Some(n) => v = n,
            None => {
                return Err(format!(
                    "json-pointer in {} not found",
                    kiln_gotmpl::fmt::quote(&shown)
                ))
            }
        }
    }
    Ok(v)
}

// ---------------------------------------------------------------------------------
// Compiled schemas

const T_NULL: u8 = 1;
const T_BOOLEAN: u8 = 2;
const T_NUMBER: u8 = 4;
const T_INTEGER: u8 = 8;
const T_STRING: u8 = 16;
const T_ARRAY: u8 = 32;
const T_OBJECT: u8 = 64;

const TYPE_NAMES: [(u8, &str); 7] = [
    (T_NULL, "null"),
    (T_BOOLEAN, "boolean"),
    (T_NUMBER, "number"),
    (T_INTEGER, "integer"),
    (T_STRING, "string"),
    (T_ARRAY, "array"),
    (T_OBJECT, "object"),
];

fn type_from_str(s: &str) -> u8 {
    TYPE_NAMES
        .iter()
        .find(|(_, n)| *n == s)
        .map(|(t, _)| *t)
        .unwrap_or(0)
}

fn type_name(t: u8) -> &'static str {
    TYPE_NAMES
        .iter()
        .find(|(b, _)| *b == t)
        .map(|(_, n)| *n)
        .unwrap_or("")
}

fn type_list(ts: u8) -> Vec<&'static str> {
    TYPE_NAMES
        .iter()
        .filter(|(b, _)| ts & b != 0)
        .map(|(_, n)| *n)
        .collect()
}

#[derive(Clone, Debug)]
enum Additional {
    Bool(bool),
    Schema(usize),
}

#[derive(Clone, Debug)]
enum Dependency {
    Props(Vec<String>),
    Schema(usize),
}

#[derive(Clone, Debug)]
enum Items {
    One(usize),
    Many(Vec<usize>),
}

/// A compiled schema (the library's `Schema`), subschemas by index.
#[derive(Clone, Debug, Default)]
struct Schema {
    /// JSON pointer of the schema in the document.
    ptr: String,
    /// `URL#fragment` location.
    loc: String,
    draft: u32,
    /// Index of the schema of the resource this schema belongs to.
    resource: usize,
    dynamic_anchors: HashMap<String, usize>,
    all_props_evaluated: bool,
    all_items_evaluated: bool,
    num_items_evaluated: usize,

    boolean: Option<bool>,
    reference: Option<usize>,
    recursive_ref: Option<usize>,
    recursive_anchor: bool,
    dynamic_ref: Option<(usize, String)>,
    dynamic_anchor: String,
    types: u8,
    enumeration: Option<(Vec<J>, u8)>,
    constant: Option<J>,
    not: Option<usize>,
    all_of: Vec<usize>,
    any_of: Vec<usize>,
    one_of: Vec<usize>,
    if_: Option<usize>,
    then: Option<usize>,
    else_: Option<usize>,
    format: Option<String>,

    max_properties: Option<i64>,
    min_properties: Option<i64>,
    required: Vec<String>,
    property_names: Option<usize>,
    properties: BTreeMap<String, usize>,
    pattern_properties: Vec<(regex::Regex, usize)>,
    additional_properties: Option<Additional>,
    dependencies: BTreeMap<String, Dependency>,
    dependent_required: BTreeMap<String, Vec<String>>,
    dependent_schemas: BTreeMap<String, usize>,
    unevaluated_properties: Option<usize>,

    min_items: Option<i64>,
    max_items: Option<i64>,
    unique_items: bool,
    contains: Option<usize>,
    min_contains: Option<i64>,
    max_contains: Option<i64>,
    items: Option<Items>,
    additional_items: Option<Additional>,
    prefix_items: Vec<usize>,
    items2020: Option<usize>,
    unevaluated_items: Option<usize>,

    min_length: Option<i64>,
    max_length: Option<i64>,
    pattern: Option<(regex::Regex, String)>,

    maximum: Option<Dec>,
    minimum: Option<Dec>,
    exclusive_maximum: Option<Dec>,
    exclusive_minimum: Option<Dec>,
    multiple_of: Option<Dec>,
}

/// A schema resource (`$id` scope) of the document.
#[derive(Clone, Debug)]
struct Resource {
    ptr: String,
    id: String,
    draft: u32,
    anchors: HashMap<String, String>,
    dynamic_anchors: Vec<String>,
}

/// Translates a Go (RE2) pattern to the `regex` crate: Perl classes and word boundaries
/// are ASCII in Go, Unicode-aware in Rust.
fn go_regex(pat: &str) -> Result<regex::Regex, String> {
    let mut out = String::with_capacity(pat.len() + 16);
    let mut in_class = 0usize;
    let mut it = pat.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '\\' => {
                let Some(n) = it.next() else {
                    out.push('\\');
                    break;
                };
                let (inside, outside): (&str, &str) = match n {
                    'd' => ("0-9", "[0-9]"),
                    'D' => ("[^0-9]", "[^0-9]"),
                    'w' => ("0-9A-Za-z_", "[0-9A-Za-z_]"),
                    'W' => ("[^0-9A-Za-z_]", "[^0-9A-Za-z_]"),
                    's' => ("\\t\\n\\f\\r ", "[\\t\\n\\f\\r ]"),
                    'S' => ("[^\\t\\n\\f\\r ]", "[^\\t\\n\\f\\r ]"),
                    'b' if in_class == 0 => ("", "(?-u:\\b)"),
                    'B' if in_class == 0 => ("", "(?-u:\\B)"),
                    _ => {
                        out.push('\\');
                        out.push(n);
                        continue;
                    }
                };
                out.push_str(if in_class > 0 { inside } else { outside });
            }
            '[' => {
                in_class += 1;
                out.push('[');
                if it.peek() == Some(&'^') {
                    out.push('^');
                    it.next();
                }
                if it.peek() == Some(&']') {
                    out.push_str("\\]");
                    it.next();
                }
                if it.peek() == Some(&':') {
                    // [[:alpha:]] inside a class stays as is.
                }
            }
            ']' if in_class > 0 => {
                in_class -= 1;
                out.push(']');
            }
            _ => out.push(c),
        }
    }
    regex::RegexBuilder::new(&out)
        .size_limit(1 << 22)
        .build()
        .map_err(|e| go_regex_error(pat, &e.to_string()))
}

/// Go's `regexp/syntax` error text for the common mistakes the `regex` crate reports
/// (`error parsing regexp: CODE: `EXPR``); others keep the crate's wording.
fn go_regex_error(pat: &str, rust: &str) -> String {
    let detail = rust
        .lines()
        .rev()
        .find(|l| l.starts_with("error:"))
        .map(|l| l.trim_start_matches("error:").trim())
        .unwrap_or("invalid");
    let (code, expr) = if detail.contains("unclosed group") {
        ("missing closing )", pat.to_string())
    } else if detail.contains("unopened group") {
        ("unexpected )", pat.to_string())
    } else if detail.contains("unclosed character class") {
        let from = pat.rfind('[').unwrap_or(0);
        ("missing closing ]", pat[from..].to_string())
    } else if detail.contains("look-around") {
        let at = ["(?=", "(?!", "(?<=", "(?<!"]
            .iter()
            .filter_map(|p| pat.find(p).map(|i| (i, *p)))
            .min();
        let lit = at.map(|(_, p)| if p.len() > 3 { &p[..3] } else { p });
        (
            "invalid or unsupported Perl syntax",
            lit.unwrap_or("(?").to_string(),
        )
    } else if detail.contains("backreferences") {
        let i = pat.find('\\').unwrap_or(0);
        (
            "invalid escape sequence",
            pat[i..].chars().take(2).collect(),
        )
    } else if detail.contains("repetition operator missing expression") {
        let c = pat
            .chars()
            .find(|c| matches!(c, '*' | '+' | '?' | '{'))
            .unwrap_or('*');
        ("missing argument to repetition operator", c.to_string())
    } else {
        return format!("error parsing regexp: {detail}");
    };
    format!("error parsing regexp: {code}: `{expr}`")
}

struct Compiler<'d> {
    doc: &'d J,
    resources: Vec<Resource>,
    processed: BTreeSet<String>,
    schemas: Vec<Schema>,
    by_ptr: HashMap<String, usize>,
    queue: Vec<usize>,
    /// Schemas not from the document: `urn:` references (permissive `true`).
    extra_true: Option<usize>,
}

fn draft_from_url(u: &str) -> Option<u32> {
    let (u, frag) = split_frag(u);
    if !frag.is_empty() {
        return None;
    }
    let u = u
        .strip_prefix("http://")
        .or_else(|| u.strip_prefix("https://"))
        .unwrap_or(u);
    match u {
        "json-schema.org/schema" => Some(2020),
        "json-schema.org/draft/2020-12/schema" => Some(2020),
        "json-schema.org/draft/2019-09/schema" => Some(2019),
        "json-schema.org/draft-07/schema" => Some(7),
        "json-schema.org/draft-06/schema" => Some(6),
        "json-schema.org/draft-04/schema" => Some(4),
        _ => None,
    }
}

fn remote_error(url: &str) -> String {
    let u = Url::parse(url);
    match u.scheme.as_deref() {
        Some("file") => format!(
            "failing loading {}: open {}: no such file or directory",
            kiln_gotmpl::fmt::quote(url),
            u.path
        ),
        Some("http" | "https") => format!(
            "failing loading {}: kiln does not fetch remote schemas",
            kiln_gotmpl::fmt::quote(url)
        ),
        _ => format!(
            "failing loading {}: no URLLoader registered for {}",
            kiln_gotmpl::fmt::quote(url),
            kiln_gotmpl::fmt::quote(url)
        ),
    }
}

/// The draft a schema object declares with `$schema` (`None`: none declared), or the
/// error loading an unknown meta-schema would give.
fn declared_draft(obj: &BTreeMap<String, J>) -> Result<Option<u32>, String> {
    let Some(s) = obj.get("$schema").and_then(J::as_str) else {
        return Ok(None);
    };
    if let Some(d) = draft_from_url(s) {
        return Ok(Some(d));
    }
    let (u, _) = split_frag(s);
    Err(remote_error(u))
}

fn get_id(obj: &BTreeMap<String, J>, draft: u32) -> Option<String> {
    if draft < 2019 && obj.contains_key("$ref") {
        return None;
    }
    let key = if draft == 4 { "id" } else { "$id" };
    let id = obj.get(key)?.as_str()?;
    let (id, _) = split_frag(id);
    if id.is_empty() {
        None
    } else {
        Some(id.to_string())
    }
}

/// Where a draft has subschemas: `(keyword, shape)` with shape `'s'` a schema, `'*'` a
/// map of schemas, `'['` an array of schemas.
fn subschema_paths(draft: u32) -> Vec<(&'static str, char)> {
    let mut v = vec![
        ("definitions", '*'),
        ("not", 's'),
        ("allOf", '['),
        ("anyOf", '['),
        ("oneOf", '['),
        ("properties", '*'),
        ("additionalProperties", 's'),
        ("patternProperties", '*'),
        ("items", 's'),
        ("items", '['),
        ("additionalItems", 's'),
        ("dependencies", '*'),
    ];
    if draft >= 6 {
        v.extend([("propertyNames", 's'), ("contains", 's')]);
    }
    if draft >= 7 {
        v.extend([("if", 's'), ("then", 's'), ("else", 's')]);
    }
    if draft >= 2019 {
        v.extend([
            ("$defs", '*'),
            ("dependentSchemas", '*'),
            ("unevaluatedProperties", 's'),
            ("unevaluatedItems", 's'),
            ("contentSchema", 's'),
        ]);
    }
    if draft >= 2020 {
        v.push(("prefixItems", '['));
    }
    v
}

fn is_schema_value(v: &J) -> bool {
    matches!(v, J::Obj(_) | J::Bool(_))
}

impl<'d> Compiler<'d> {
    fn compile(doc: &'d J) -> Result<Compiled, String> {
        let mut c = Compiler {
            doc,
            resources: Vec::new(),
            processed: BTreeSet::new(),
            schemas: Vec::new(),
            by_ptr: HashMap::new(),
            queue: Vec::new(),
            extra_true: None,
        };
        c.collect_resources(doc, ROOT_URL.to_string(), String::new(), 2020)?;
        c.enqueue(String::new())?;
        while let Some(i) = c.queue.pop() {
            c.compile_one(i)?;
        }
        Ok(Compiled { schemas: c.schemas })
    }

    /// The library's `collectResources`: `$id` scopes, their drafts and anchors.
    fn collect_resources(
        &mut self,
        sch: &J,
        mut base: String,
        ptr: String,
        fallback: u32,
    ) -> Result<(), String> {
        if self.processed.contains(&ptr) {
            return Ok(());
        }
        self.processed.insert(ptr.clone());
        let obj = match sch {
            J::Bool(_) => {
                if ptr.is_empty() {
                    self.resources.push(Resource {
                        ptr,
                        id: base,
                        draft: fallback,
                        anchors: HashMap::new(),
                        dynamic_anchors: Vec::new(),
                    });
                }
                return Ok(());
            }
            J::Obj(o) => o,
            _ => return Ok(()),
        };
        let mut draft = declared_draft(obj)?.unwrap_or(fallback);
        let mut id = get_id(obj, draft);
        if id.is_none() && !ptr.is_empty() {
            draft = fallback;
            id = get_id(obj, draft);
        }
        let mut new_res = false;
        if let Some(id) = &id {
            let b = Url::parse(&base).resolve(&Url::parse(id));
            base = b.render();
            new_res = true;
        } else if ptr.is_empty() {
            new_res = true;
        }
        if new_res {
            match self.resources.iter().find(|r| r.id == base) {
                Some(r) if r.ptr != ptr => {
                    return Err(format!(
                        "duplicate resource {} in {} at {} and {}",
                        kiln_gotmpl::fmt::quote(&base),
                        kiln_gotmpl::fmt::quote(ROOT_URL),
                        kiln_gotmpl::fmt::quote(&r.ptr),
                        kiln_gotmpl::fmt::quote(&ptr)
                    ));
                }
                Some(_) => {}
                None => self.resources.push(Resource {
                    ptr: ptr.clone(),
                    id: base.clone(),
                    draft,
                    anchors: HashMap::new(),
                    dynamic_anchors: Vec::new(),
                }),
            }
        }
        let Some(ri) = self.resources.iter().position(|r| r.id == base) else {
            return Ok(());
        };
        let res_draft = self.resources[ri].draft;
        // Anchors.
        if res_draft < 2019 {
            if !obj.contains_key("$ref") {
                let key = if res_draft == 4 { "id" } else { "$id" };
                if let Some(idv) = obj.get(key).and_then(J::as_str) {
                    let (_, frag) = split_frag(idv);
                    let frag = path_unescape(frag).unwrap_or_default();
                    if !frag.is_empty() && !frag.starts_with('/') {
                        self.resources[ri]
                            .anchors
                            .entry(frag)
                            .or_insert_with(|| ptr.clone());
                    }
                }
            }
        } else {
            if let Some(a) = obj.get("$anchor").and_then(J::as_str) {
                self.resources[ri]
                    .anchors
                    .entry(a.to_string())
                    .or_insert_with(|| ptr.clone());
            }
            if res_draft >= 2020 {
                if let Some(a) = obj.get("$dynamicAnchor").and_then(J::as_str) {
                    self.resources[ri]
                        .anchors
                        .entry(a.to_string())
                        .or_insert_with(|| ptr.clone());
                    self.resources[ri].dynamic_anchors.push(a.to_string());
                }
            }
        }
        for (kw, shape) in subschema_paths(draft) {
            let Some(v) = obj.get(kw) else { continue };
            let kp = format!("{ptr}/{}", escape_tok(kw));
            match (shape, v) {
                ('s', v) if is_schema_value(v) => {
                    self.collect_resources(v, base.clone(), kp, res_draft)?;
                }
                ('*', J::Obj(m)) => {
                    for (k, sv) in m {
                        if is_schema_value(sv) {
                            self.collect_resources(
                                sv,
                                base.clone(),
                                format!("{kp}/{}", escape_tok(k)),
                                res_draft,
                            )?;
                        }
                    }
                }
                ('[', J::Arr(a)) => {
                    for (i, sv) in a.iter().enumerate() {
                        if is_schema_value(sv) {
                            self.collect_resources(
                                sv,
                                base.clone(),
                                format!("{kp}/{i}"),
                                res_draft,
                            )?;
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The resource a pointer belongs to (the longest resource pointer prefix).
    fn resource_of(&self, ptr: &str) -> usize {
        let mut p = ptr;
        loop {
            if let Some(i) = self.resources.iter().position(|r| r.ptr == p) {
                return i;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => break,
            }
        }
        self.resources
            .iter()
            .position(|r| r.ptr.is_empty())
            .unwrap_or(0)
    }

    fn enqueue(&mut self, ptr: String) -> Result<usize, String> {
        if let Some(&i) = self.by_ptr.get(&ptr) {
            return Ok(i);
        }
        let i = self.schemas.len();
        self.schemas.push(Schema {
            loc: format!("{ROOT_URL}#{}", encode_ptr(&ptr)),
            ptr: ptr.clone(),
            ..Schema::default()
        });
        self.by_ptr.insert(ptr, i);
        self.queue.push(i);
        Ok(i)
    }

    fn true_schema(&mut self) -> usize {
        if let Some(i) = self.extra_true {
            return i;
        }
        let i = self.schemas.len();
        self.schemas.push(Schema {
            loc: "urn:".into(),
            boolean: Some(true),
            draft: 2020,
            resource: i,
            ..Schema::default()
        });
        self.extra_true = Some(i);
        i
    }

    /// Resolves a `$ref`-like keyword value against the schema's resource.
    fn enqueue_ref(&mut self, res: usize, reference: &str) -> Result<usize, String> {
        let base = Url::parse(&self.resources[res].id);
        let (r, frag) = split_frag(reference);
        let frag = path_unescape(frag).map_err(|e| {
            format!(
                "error in parsing {}: {e}",
                kiln_gotmpl::fmt::quote(reference)
            )
        })?;
        let url = base.resolve(&Url::parse(r)).render();
        let target = if url == ROOT_URL {
            self.resources.iter().position(|r| r.ptr.is_empty())
        } else {
            self.resources.iter().position(|r| r.id == url)
        };
        let Some(ti) = target else {
            if url.starts_with("urn:") {
                if frag.is_empty() {
                    return Ok(self.true_schema());
                }
                return Err(format!(
                    "json-pointer in {} not found",
                    kiln_gotmpl::fmt::quote(&format!("{url}#{}", encode_ptr(&frag)))
                ));
            }
            if draft_from_url(&url).is_some() || url.contains("json-schema.org/") {
                return Err(format!(
                    "{}: kiln does not support $ref to JSON Schema meta-schemas",
                    kiln_gotmpl::fmt::quote(&url)
                ));
            }
            return Err(remote_error(&url));
        };
        let ptr = if frag.is_empty() || frag.starts_with('/') {
            format!("{}{frag}", self.resources[ti].ptr)
        } else {
            match self.resources[ti].anchors.get(&frag) {
                Some(p) => p.clone(),
                None => {
                    return Err(format!(
                        "anchor in {} not found in schema {}",
                        kiln_gotmpl::fmt::quote(&format!(
                            "{}#{}",
                            self.resources[ti].id,
                            encode_ptr(&frag)
                        )),
                        kiln_gotmpl::fmt::quote(ROOT_URL)
                    ))
                }
            }
        };
        self.enqueue(ptr)
    }

    fn compile_one(&mut self, i: usize) -> Result<(), String> {
        let ptr = self.schemas[i].ptr.clone();
        let doc = self.doc;
        let v = lookup(doc, &ptr, ROOT_URL)?;
        if !self.processed.contains(&ptr) {
            // A $ref into a place no keyword declares a schema: collect its resources.
            let ri = self.resource_of(&ptr);
            let (base, draft) = (self.resources[ri].id.clone(), self.resources[ri].draft);
            self.collect_resources(v, base, ptr.clone(), draft)?;
        }
        let ri = self.resource_of(&ptr);
        let draft = self.resources[ri].draft;
        let res_ptr = self.resources[ri].ptr.clone();
        let resource = self.enqueue(res_ptr.clone())?;
        let mut s = std::mem::take(&mut self.schemas[i]);
        s.draft = draft;
        s.resource = resource;
        if draft >= 2020 && res_ptr == ptr {
            let anchors: Vec<(String, String)> = self.resources[ri]
                .dynamic_anchors
                .iter()
                .filter_map(|a| {
                    self.resources[ri]
                        .anchors
                        .get(a)
                        .map(|p| (a.clone(), p.clone()))
                })
                .collect();
            for (a, p) in anchors {
                let di = self.enqueue(p)?;
                s.dynamic_anchors.insert(a, di);
            }
        }
        let r = match v {
            J::Bool(b) => {
                s.boolean = Some(*b);
                Ok(())
            }
            J::Obj(o) if o.is_empty() => {
                s.boolean = Some(true);
                Ok(())
            }
            J::Obj(o) => self.compile_object(&mut s, o, ri),
            _ => Ok(()),
        };
        // The library's evaluation shortcuts.
        s.all_props_evaluated = s.additional_properties.is_some();
        if s.draft < 2020 {
            s.all_items_evaluated = s.additional_items.is_some();
            match &s.items {
                Some(Items::One(_)) => s.all_items_evaluated = true,
                Some(Items::Many(v)) => s.num_items_evaluated = v.len(),
                None => {}
            }
        } else {
            s.all_items_evaluated = s.items2020.is_some();
            s.num_items_evaluated = s.prefix_items.len();
        }
        self.schemas[i] = s;
        r
    }

    fn sub(&mut self, s: &Schema, kw: &str) -> Result<usize, String> {
        self.enqueue(format!("{}/{}", s.ptr, escape_tok(kw)))
    }

    fn sub2(&mut self, s: &Schema, kw: &str, k: &str) -> Result<usize, String> {
        self.enqueue(format!("{}/{}/{}", s.ptr, escape_tok(kw), escape_tok(k)))
    }

    fn prop(
        &mut self,
        s: &Schema,
        o: &BTreeMap<String, J>,
        kw: &str,
    ) -> Result<Option<usize>, String> {
        if o.contains_key(kw) {
            Ok(Some(self.sub(s, kw)?))
        } else {
            Ok(None)
        }
    }

    fn arr(&mut self, s: &Schema, o: &BTreeMap<String, J>, kw: &str) -> Result<Vec<usize>, String> {
        match o.get(kw) {
            Some(J::Arr(a)) => (0..a.len())
                .map(|i| self.sub2(s, kw, &i.to_string()))
                .collect(),
            _ => Ok(Vec::new()),
        }
    }

    fn map(
        &mut self,
        s: &Schema,
        o: &BTreeMap<String, J>,
        kw: &str,
    ) -> Result<BTreeMap<String, usize>, String> {
        let mut out = BTreeMap::new();
        if let Some(J::Obj(m)) = o.get(kw) {
            for k in m.keys() {
                out.insert(k.clone(), self.sub2(s, kw, k)?);
            }
        }
        Ok(out)
    }

    fn additional(
        &mut self,
        s: &Schema,
        o: &BTreeMap<String, J>,
        kw: &str,
    ) -> Result<Option<Additional>, String> {
        match o.get(kw) {
            Some(J::Bool(b)) => Ok(Some(Additional::Bool(*b))),
            Some(_) => Ok(Some(Additional::Schema(self.sub(s, kw)?))),
            None => Ok(None),
        }
    }

    fn compile_object(
        &mut self,
        s: &mut Schema,
        o: &BTreeMap<String, J>,
        ri: usize,
    ) -> Result<(), String> {
        let draft = s.draft;
        let num = |kw: &str| match o.get(kw) {
            Some(J::Num(n)) => n.dec.clone(),
            _ => None,
        };
        let int = |kw: &str| match o.get(kw) {
            Some(J::Num(Num { dec: Some(d), .. })) if d.is_int() => {
                Some(d.to_f64().clamp(i64::MIN as f64, i64::MAX as f64) as i64)
            }
            _ => None,
        };
        let boolean = |kw: &str| matches!(o.get(kw), Some(J::Bool(true)));
        let strings = |kw: &str| match o.get(kw) {
            Some(J::Arr(a)) => a
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        };

        // Draft 4 keywords (and $ref, which hides its siblings before 2019-09).
        if let Some(r) = o.get("$ref").and_then(J::as_str) {
            s.reference = Some(self.enqueue_ref(ri, r)?);
            if draft < 2019 {
                // Siblings of $ref are ignored, but the library still compiles the
                // later drafts' keywords; of those only `const` is checked before $ref.
                if draft >= 6 {
                    s.constant = o.get("const").cloned();
                }
                return Ok(());
            }
        }
        s.all_of = self.arr(s, o, "allOf")?;
        s.any_of = self.arr(s, o, "anyOf")?;
        s.one_of = self.arr(s, o, "oneOf")?;
        s.not = self.prop(s, o, "not")?;
        if draft < 2020 {
            match o.get("items") {
                Some(J::Arr(_)) => {
                    s.items = Some(Items::Many(self.arr(s, o, "items")?));
                    s.additional_items = self.additional(s, o, "additionalItems")?;
                }
                Some(_) => s.items = Some(Items::One(self.sub(s, "items")?)),
                None => {}
            }
        }
        s.properties = self.map(s, o, "properties")?;
        if let Some(J::Obj(m)) = o.get("patternProperties") {
            for k in m.keys() {
                let re = go_regex(k).map_err(|e| {
                    format!(
                        "invalid regex {} at {}: {e}",
                        kiln_gotmpl::fmt::quote(k),
                        kiln_gotmpl::fmt::quote(&format!("{}/patternProperties", s.loc))
                    )
                })?;
                let si = self.sub2(s, "patternProperties", k)?;
                s.pattern_properties.push((re, si));
            }
        }
        s.additional_properties = self.additional(s, o, "additionalProperties")?;
        if let Some(J::Obj(m)) = o.get("dependencies") {
            for (k, v) in m {
                let d = match v {
                    J::Arr(a) => Dependency::Props(
                        a.iter()
                            .filter_map(|x| x.as_str().map(str::to_string))
                            .collect(),
                    ),
                    _ => Dependency::Schema(self.sub2(s, "dependencies", k)?),
                };
                s.dependencies.insert(k.clone(), d);
            }
        }
        match o.get("type") {
            Some(J::Str(t)) => s.types = type_from_str(t),
            Some(J::Arr(a)) => {
                for t in a.iter().filter_map(J::as_str) {
                    s.types |= type_from_str(t);
                }
            }
            _ => {}
        }
        if let Some(J::Arr(a)) = o.get("enum") {
            let types = a.iter().fold(0, |acc, v| acc | v.json_type());
            s.enumeration = Some((a.clone(), types));
        }
        s.multiple_of = num("multipleOf");
        s.maximum = num("maximum");
        if boolean("exclusiveMaximum") {
            s.exclusive_maximum = s.maximum.take();
        } else {
            s.exclusive_maximum = num("exclusiveMaximum");
        }
        s.minimum = num("minimum");
        if boolean("exclusiveMinimum") {
            s.exclusive_minimum = s.minimum.take();
        } else {
            s.exclusive_minimum = num("exclusiveMinimum");
        }
        s.min_length = int("minLength");
        s.max_length = int("maxLength");
        if let Some(p) = o.get("pattern").and_then(J::as_str) {
            let re = go_regex(p).map_err(|e| {
                format!(
                    "invalid regex {} at {}: {e}",
                    kiln_gotmpl::fmt::quote(p),
                    kiln_gotmpl::fmt::quote(&format!("{}/pattern", s.loc))
                )
            })?;
            s.pattern = Some((re, p.to_string()));
        }
        s.min_items = int("minItems");
        s.max_items = int("maxItems");
        s.unique_items = boolean("uniqueItems");
        s.max_properties = int("maxProperties");
        s.min_properties = int("minProperties");
        if o.contains_key("required") {
            s.required = strings("required");
        }
        if draft < 2019 {
            s.format = o.get("format").and_then(J::as_str).map(str::to_string);
        }

        if draft >= 6 {
            s.contains = self.prop(s, o, "contains")?;
            s.property_names = self.prop(s, o, "propertyNames")?;
            s.constant = o.get("const").cloned();
        }
        if draft >= 7 {
            s.if_ = self.prop(s, o, "if")?;
            if s.if_.is_some() {
                let b = match o.get("if") {
                    Some(J::Bool(b)) => Some(*b),
                    _ => None,
                };
                if b != Some(false) {
                    s.then = self.prop(s, o, "then")?;
                }
                if b != Some(true) {
                    s.else_ = self.prop(s, o, "else")?;
                }
            }
        }
        if draft >= 2019 {
            if let Some(r) = o.get("$recursiveRef").and_then(J::as_str) {
                s.recursive_ref = Some(self.enqueue_ref(ri, r)?);
            }
            s.recursive_anchor = boolean("$recursiveAnchor");
            if s.contains.is_some() {
                s.min_contains = int("minContains");
                s.max_contains = int("maxContains");
            }
            if let Some(J::Obj(m)) = o.get("dependentRequired") {
                for (k, v) in m {
                    if let J::Arr(a) = v {
                        s.dependent_required.insert(
                            k.clone(),
                            a.iter()
                                .filter_map(|x| x.as_str().map(str::to_string))
                                .collect(),
                        );
                    }
                }
            }
            s.dependent_schemas = self.map(s, o, "dependentSchemas")?;
            s.unevaluated_items = self.prop(s, o, "unevaluatedItems")?;
            s.unevaluated_properties = self.prop(s, o, "unevaluatedProperties")?;
        }
        if draft >= 2020 {
            if let Some(r) = o.get("$dynamicRef").and_then(J::as_str) {
                let target = self.enqueue_ref(ri, r)?;
                let (_, frag) = split_frag(r);
                let frag = path_unescape(frag).unwrap_or_default();
                let anchor = if frag.is_empty() || frag.starts_with('/') {
                    String::new()
                } else {
                    frag
                };
                s.dynamic_ref = Some((target, anchor));
            }
            if let Some(a) = o.get("$dynamicAnchor").and_then(J::as_str) {
                s.dynamic_anchor = a.to_string();
            }
            s.prefix_items = self.arr(s, o, "prefixItems")?;
            s.items2020 = self.prop(s, o, "items")?;
        }
        Ok(())
    }
}

pub(crate) struct Compiled {
    schemas: Vec<Schema>,
}

// ---------------------------------------------------------------------------------
// Validation errors (the library's ValidationError tree)

#[derive(Clone, Debug)]
enum EKind {
    Schema(String),
    Group,
    Not,
    AllOf,
    AnyOf,
    OneOf(Option<(usize, usize)>),
    FalseSchema,
    RefCycle(String, String, String),
    Type(String, Vec<&'static str>),
    Enum(Vec<J>),
    Const(J),
    Format(J, String, String),
    Reference,
    MinProperties(i64, i64),
    MaxProperties(i64, i64),
    MinItems(i64, i64),
    MaxItems(i64, i64),
    AdditionalItems(usize),
    Required(Vec<String>),
    Dependency(String, Vec<String>),
    AdditionalProperties(Vec<String>),
    PropertyNames(String),
    UniqueItems(usize, usize),
    Contains,
    MinContains(Vec<usize>, i64),
    MaxContains(Vec<usize>, i64),
    MinLength(i64, i64),
    MaxLength(i64, i64),
    Pattern(String, String),
    Minimum(f64, f64),
    Maximum(f64, f64),
    ExclusiveMinimum(f64, f64),
    ExclusiveMaximum(f64, f64),
    MultipleOf(f64, f64),
    InvalidJson(String),
}

impl EKind {
    fn text(&self) -> String {
        match self {
            EKind::Schema(loc) => format!("jsonschema validation failed with {}", quote(loc)),
            EKind::Group | EKind::Reference => "validation failed".into(),
            EKind::Not => "'not' failed".into(),
            EKind::AllOf => "'allOf' failed".into(),
            EKind::AnyOf => "'anyOf' failed".into(),
            EKind::OneOf(None) => "'oneOf' failed, none matched".into(),
            EKind::OneOf(Some((a, b))) => {
                format!(
                    "'oneOf' failed, subschemas {}, {} matched",
                    fmt_int(*a as i64),
                    fmt_int(*b as i64)
                )
            }
            EKind::FalseSchema => "false schema".into(),
            EKind::RefCycle(u, k1, k2) => format!(
                "both {k1} and {k2} resolve to {} causing reference cycle",
                kiln_gotmpl::fmt::quote(u)
            ),
            EKind::Type(got, want) => format!("got {got}, want {}", want.join(" or ")),
            EKind::Enum(want) => {
                if want.iter().any(|v| matches!(v, J::Arr(_) | J::Obj(_))) {
                    "'enum' failed".into()
                } else if want.len() == 1 {
                    format!("value must be {}", display(&want[0]))
                } else {
                    format!(
                        "value must be one of {}",
                        want.iter().map(display).collect::<Vec<_>>().join(", ")
                    )
                }
            }
            EKind::Const(want) => match want {
                J::Arr(_) | J::Obj(_) => "'const' failed".into(),
                other => format!("value must be {}", display(other)),
            },
            EKind::Format(got, want, err) => format!("{} is not valid {want}: {err}", display(got)),
            EKind::MinProperties(g, w) => {
                format!("minProperties: got {}, want {}", fmt_int(*g), fmt_int(*w))
            }
            EKind::MaxProperties(g, w) => {
                format!("maxProperties: got {}, want {}", fmt_int(*g), fmt_int(*w))
            }
            EKind::MinItems(g, w) => format!("minItems: got {}, want {}", fmt_int(*g), fmt_int(*w)),
            EKind::MaxItems(g, w) => format!("maxItems: got {}, want {}", fmt_int(*g), fmt_int(*w)),
            EKind::AdditionalItems(n) => {
                format!("last {} additionalItem(s) not allowed", fmt_int(*n as i64))
            }
            EKind::Required(m) => {
                if m.len() == 1 {
                    format!("missing property {}", quote(&m[0]))
                } else {
                    format!("missing properties {}", join_quoted(m))
                }
            }
            EKind::Dependency(p, m) => format!(
                "properties {} required, if {} exists",
                join_quoted(m),
                quote(p)
            ),
            EKind::AdditionalProperties(p) => {
                format!("additional properties {} not allowed", join_quoted(p))
            }
            EKind::PropertyNames(p) => format!("invalid propertyName {}", quote(p)),
            EKind::UniqueItems(a, b) => {
                format!(
                    "items at {} and {} are equal",
                    fmt_int(*a as i64),
                    fmt_int(*b as i64)
                )
            }
            EKind::Contains => "no items match contains schema".into(),
            EKind::MinContains(got, want) => {
                if got.is_empty() {
                    format!(
                        "min {} items required to match contains schema, but none matched",
                        fmt_int(*want)
                    )
                } else {
                    format!(
                        "min {} items required to match contains schema, but matched {} items at {}",
                        fmt_int(*want),
                        fmt_int(got.len() as i64),
                        got.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(" ")
                    )
                }
            }
            EKind::MaxContains(got, want) => format!(
                "max {} items required to match contains schema, but matched {} items at {}",
                fmt_int(*want),
                fmt_int(got.len() as i64),
                got.iter()
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            EKind::MinLength(g, w) => {
                format!("minLength: got {}, want {}", fmt_int(*g), fmt_int(*w))
            }
            EKind::MaxLength(g, w) => {
                format!("maxLength: got {}, want {}", fmt_int(*g), fmt_int(*w))
            }
            EKind::Pattern(g, w) => format!("{} does not match pattern {}", quote(g), quote(w)),
            EKind::Minimum(g, w) => {
                format!("minimum: got {}, want {}", fmt_float(*g), fmt_float(*w))
            }
            EKind::Maximum(g, w) => {
                format!("maximum: got {}, want {}", fmt_float(*g), fmt_float(*w))
            }
            EKind::ExclusiveMinimum(g, w) => {
                format!(
                    "exclusiveMinimum: got {}, want {}",
                    fmt_float(*g),
                    fmt_float(*w)
                )
            }
            EKind::ExclusiveMaximum(g, w) => {
                format!(
                    "exclusiveMaximum: got {}, want {}",
                    fmt_float(*g),
                    fmt_float(*w)
                )
            }
            EKind::MultipleOf(g, w) => {
                format!("multipleOf: got {}, want {}", fmt_float(*g), fmt_float(*w))
            }
            EKind::InvalidJson(t) => format!("invalid jsonType {t}"),
        }
    }
}

#[derive(Clone, Debug)]
struct VErr {
    inst: Vec<String>,
    kind: Box<EKind>,
    causes: Vec<VErr>,
}

impl VErr {
    fn skip(&self) -> bool {
        self.causes.len() == 1 && matches!(*self.kind, EKind::Reference)
    }

    /// The library's `display` (non-verbose).
    fn display(&self, sb: &mut String, mut indent: usize) {
        if !self.skip() {
            if indent > 0 {
                sb.push('\n');
                for _ in 0..indent - 1 {
                    sb.push_str("  ");
                }
                sb.push_str("- ");
            }
            indent += 1;
            if matches!(*self.kind, EKind::Schema(_)) {
                sb.push_str(&self.kind.text());
            } else {
                sb.push_str("at ");
                sb.push_str(&quote(&json_ptr(&self.inst)));
                sb.push_str(": ");
                sb.push_str(&self.kind.text());
            }
        }
        for c in &self.causes {
            c.display(sb, indent);
        }
    }
}

impl std::fmt::Display for VErr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut sb = String::new();
        self.display(&mut sb, 0);
        f.write_str(&sb)
    }
}

/// Why validation stopped: invalid values, or what Go's library would panic on.
enum VOutcome {
    Invalid(VErr),
    Panic(String),
}

/// A validation failure inside the walk: an error (possibly empty in boolean mode) or a
/// panic that aborts everything.
enum Fail {
    Err(VErr),
    Panic(String),
}

type VResult = Result<Uneval, Fail>;

#[derive(Clone, Debug, Default)]
struct Uneval {
    props: BTreeSet<String>,
    items: BTreeSet<usize>,
}

impl Uneval {
    fn from(v: &J, s: &Schema, caller_needs: bool) -> Uneval {
        let mut u = Uneval::default();
        match v {
            J::Obj(o)
                if !s.all_props_evaluated
                    && (caller_needs || s.unevaluated_properties.is_some()) =>
            {
                u.props = o.keys().cloned().collect();
            }
            J::Arr(a)
                if !s.all_items_evaluated
                    && (caller_needs || s.unevaluated_items.is_some())
                    && s.num_items_evaluated < a.len() =>
            {
                u.items = (s.num_items_evaluated..a.len()).collect();
            }
            _ => {}
        }
        u
    }

    fn merge(&mut self, other: &Uneval) {
        self.props.retain(|k| other.props.contains(k));
        self.items.retain(|i| other.items.contains(i));
    }

    fn is_empty(&self) -> bool {
        self.props.is_empty() && self.items.is_empty()
    }
}

/// The library's `scope` chain (schemas being applied, for cycles and dynamic refs).
struct Scope<'p> {
    sch: usize,
    ref_kw: Option<&'static str>,
    vid: usize,
    parent: Option<&'p Scope<'p>>,
}

impl Scope<'_> {
    fn check_cycle(&self) -> Option<&Scope<'_>> {
        let mut p = self.parent;
        while let Some(s) = p {
            if s.vid != self.vid {
                break;
            }
            if s.sch == self.sch {
                return Some(s);
            }
            p = s.parent;
        }
        None
    }

    fn depth(&self) -> usize {
        let mut n = 0;
        let mut p = Some(self);
        while let Some(s) = p {
            n += 1;
            p = s.parent;
        }
        n
    }

    fn kw_loc(&self, schemas: &[Schema]) -> String {
        let mut loc = String::new();
        let mut sc = self;
        while let Some(parent) = sc.parent {
            if let Some(kw) = sc.ref_kw {
                loc = format!("/{}{loc}", escape_tok(kw));
            } else {
                let cur = &schemas[sc.sch].loc;
                let par = &schemas[parent.sch].loc;
                loc = format!("{}{loc}", cur.get(par.len()..).unwrap_or(""));
            }
            sc = parent;
        }
        loc
    }
}

/// Go's `equals` for JSON values; `Err` for a value of no JSON type.
fn equals(a: &J, b: &J) -> Result<bool, String> {
    Ok(match (a, b) {
        (J::Invalid(t), _) => return Err(t.clone()),
        (J::Obj(x), J::Obj(y)) => {
            if x.len() != y.len() {
                return Ok(false);
            }
            for (k, v) in x {
                match y.get(k) {
                    None => return Ok(false),
                    Some(w) => {
                        if !equals(v, w)? {
                            return Ok(false);
                        }
                    }
                }
            }
            true
        }
        (J::Arr(x), J::Arr(y)) => {
            if x.len() != y.len() {
                return Ok(false);
            }
            for (v, w) in x.iter().zip(y) {
                if !equals(v, w)? {
                    return Ok(false);
                }
            }
            true
        }
        (J::Null, J::Null) => true,
        (J::Bool(x), J::Bool(y)) => x == y,
        (J::Str(x), J::Str(y)) => x == y,
        (J::Num(x), J::Num(y)) => match (&x.dec, &y.dec) {
            (Some(p), Some(q)) => p.cmp(q).is_eq(),
            _ => false,
        },
        _ => false,
    })
}

/// One validator frame (the library's `validator`).
struct Vd<'a> {
    v: &'a J,
    vloc: Vec<String>,
    sch: usize,
    uneval: Uneval,
    errors: Vec<VErr>,
    bool_result: bool,
}

impl Compiled {
    fn validate_root(&self, v: &J) -> Result<(), VOutcome> {
        match self.validate_fresh(0, v) {
            Ok(()) => Ok(()),
            Err(Fail::Panic(p)) => Err(VOutcome::Panic(p)),
            Err(Fail::Err(e)) => Err(VOutcome::Invalid(e)),
        }
    }

    /// The library's `Schema.validate`: a fresh walk whose errors are wrapped in a
    /// `Schema` error.
    fn validate_fresh(&self, sch: usize, v: &J) -> Result<(), Fail> {
        let s = &self.schemas[sch];
        let scope = Scope {
            sch,
            ref_kw: None,
            vid: 0,
            parent: None,
        };
        let mut vd = Vd {
            v,
            vloc: Vec::new(),
            sch,
            uneval: Uneval::from(v, s, false),
            errors: Vec::new(),
            bool_result: false,
        };
        match self.run(&mut vd, &scope) {
            Ok(_) => Ok(()),
            Err(Fail::Panic(p)) => Err(Fail::Panic(p)),
            Err(Fail::Err(e)) => {
                let causes = if matches!(*e.kind, EKind::Group) {
                    e.causes
                } else {
                    vec![e]
                };
                Err(Fail::Err(VErr {
                    inst: Vec::new(),
                    kind: Box::new(EKind::Schema(s.loc.clone())),
                    causes,
                }))
            }
        }
    }

    fn error(&self, vd: &Vd, kind: EKind) -> VErr {
        if vd.bool_result {
            return VErr {
                inst: Vec::new(),
                kind: Box::new(EKind::Group),
                causes: Vec::new(),
            };
        }
        VErr {
            inst: vd.vloc.clone(),
            kind: Box::new(kind),
            causes: Vec::new(),
        }
    }

    fn add_error(&self, vd: &mut Vd, kind: EKind) {
        let e = self.error(vd, kind);
        vd.errors.push(e);
    }

    fn add_errors(&self, vd: &mut Vd, errors: Vec<VErr>, kind: EKind) {
        let mut e = self.error(vd, kind);
        e.causes = errors;
        vd.errors.push(e);
    }

    /// Records a sub-result's error in `vd`; panics propagate.
    fn add_err(vd: &mut Vd, r: Result<(), Fail>) -> Result<(), String> {
        match r {
            Ok(()) => Ok(()),
            Err(Fail::Err(e)) => {
                vd.errors.push(e);
                Ok(())
            }
            Err(Fail::Panic(p)) => Err(p),
        }
    }

    /// The library's `validator.validate`. The walk may nest [`MAX_DEPTH`] schemas deep
    /// on a caller's ordinary thread, so it grows the stack when it runs low.
    fn run(&self, vd: &mut Vd, scope: &Scope) -> VResult {
        stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.run_here(vd, scope))
    }

    fn run_here(&self, vd: &mut Vd, scope: &Scope) -> VResult {
        let s = &self.schemas[vd.sch];
        let v = vd.v;
        if let Some(b) = s.boolean {
            return if b {
                Ok(std::mem::take(&mut vd.uneval))
            } else {
                Err(Fail::Err(self.error(vd, EKind::FalseSchema)))
            };
        }
        if scope.depth() > MAX_DEPTH {
            return Err(Fail::Panic(format!(
                "schema application nests deeper than kiln's limit of {MAX_DEPTH} levels"
            )));
        }
        if let Some(other) = scope.check_cycle() {
            let kind = EKind::RefCycle(
                s.loc.clone(),
                scope.kw_loc(&self.schemas),
                other.kw_loc(&self.schemas),
            );
            return Err(Fail::Err(self.error(vd, kind)));
        }
        let t = v.json_type();
        if t == 0 {
            let name = match v {
                J::Invalid(n) => n.clone(),
                _ => String::new(),
            };
            return Err(Fail::Err(self.error(vd, EKind::InvalidJson(name))));
        }
        if s.types != 0 {
            let is_int = match v {
                J::Num(n) => n.dec.as_ref().is_some_and(Dec::is_int),
                _ => false,
            };
            let matched = s.types & t != 0 || (s.types & T_INTEGER != 0 && t == T_NUMBER && is_int);
            if !matched {
                let kind = EKind::Type(type_name(t).to_string(), type_list(s.types));
                return Err(Fail::Err(self.error(vd, kind)));
            }
        }
        if let Some(c) = &s.constant {
            match equals(v, c) {
                Err(tn) => return Err(Fail::Err(self.error(vd, EKind::InvalidJson(tn)))),
                Ok(false) => return Err(Fail::Err(self.error(vd, EKind::Const(c.clone())))),
                Ok(true) => {}
            }
        }
        if let Some((values, types)) = &s.enumeration {
            let mut matched = types & t != 0;
            if matched {
                matched = false;
                for item in values {
                    match equals(v, item) {
                        Err(tn) => return Err(Fail::Err(self.error(vd, EKind::InvalidJson(tn)))),
                        Ok(true) => {
                            matched = true;
                            break;
                        }
                        Ok(false) => {}
                    }
                }
            }
            if !matched {
                return Err(Fail::Err(self.error(vd, EKind::Enum(values.clone()))));
            }
        }
        if let Some(f) = &s.format {
            if let Some(err) = check_format(f, v) {
                return Err(Fail::Err(
                    self.error(vd, EKind::Format(v.clone(), f.clone(), err)),
                ));
            }
        }
        if let Some(r) = s.reference {
            let res = self.validate_ref(vd, scope, r, "$ref");
            if s.draft < 2019 {
                return match res {
                    Ok(()) => Ok(std::mem::take(&mut vd.uneval)),
                    Err(f) => Err(f),
                };
            }
            Self::add_err(vd, res).map_err(Fail::Panic)?;
        }
        match v {
            J::Obj(o) => self.obj_validate(vd, scope, o).map_err(Fail::Panic)?,
            J::Arr(a) => self.arr_validate(vd, scope, a).map_err(Fail::Panic)?,
            J::Str(st) => self.str_validate(vd, st),
            J::Num(n) => self.num_validate(vd, n).map_err(Fail::Panic)?,
            _ => {}
        }
        if vd.errors.is_empty() || !vd.bool_result {
            if s.draft >= 2019 {
                self.validate_refs(vd, scope).map_err(Fail::Panic)?;
            }
            self.cond_validate(vd, scope).map_err(Fail::Panic)?;
            if s.draft >= 2019 {
                self.uneval_validate(vd, scope).map_err(Fail::Panic)?;
            }
        }
        match vd.errors.len() {
            0 => Ok(std::mem::take(&mut vd.uneval)),
            1 => Err(Fail::Err(vd.errors.pop().expect("one error"))),
            _ => {
                let mut e = self.error(vd, EKind::Group);
                e.causes = std::mem::take(&mut vd.errors);
                Err(Fail::Err(e))
            }
        }
    }

    /// The library's `validateSelf`: another schema on the same value.
    fn validate_self(
        &self,
        vd: &mut Vd,
        scope: &Scope,
        sch: usize,
        ref_kw: Option<&'static str>,
        bool_result: bool,
    ) -> Result<(), Fail> {
        let child = Scope {
            sch,
            ref_kw,
            vid: scope.vid,
            parent: Some(scope),
        };
        let mut sub = Vd {
            v: vd.v,
            vloc: vd.vloc.clone(),
            sch,
            uneval: Uneval::from(vd.v, &self.schemas[sch], !vd.uneval.is_empty()),
            errors: Vec::new(),
            bool_result: vd.bool_result || bool_result,
        };
        match self.run(&mut sub, &child) {
            Ok(u) => {
                vd.uneval.merge(&u);
                Ok(())
            }
            Err(f) => Err(f),
        }
    }

    /// The library's `validateVal`: a schema on a child value.
    fn validate_val(
        &self,
        vd: &Vd,
        scope: &Scope,
        sch: usize,
        v: &J,
        tok: String,
    ) -> Result<(), Fail> {
        let mut vloc = vd.vloc.clone();
        vloc.push(tok);
        let child = Scope {
            sch,
            ref_kw: None,
            vid: scope.vid + 1,
            parent: Some(scope),
        };
        let mut sub = Vd {
            v,
            vloc,
            sch,
            uneval: Uneval::from(v, &self.schemas[sch], false),
            errors: Vec::new(),
            bool_result: vd.bool_result,
        };
        self.run(&mut sub, &child).map(|_| ())
    }

    fn validate_ref(
        &self,
        vd: &mut Vd,
        scope: &Scope,
        sch: usize,
        kw: &'static str,
    ) -> Result<(), Fail> {
        match self.validate_self(vd, scope, sch, Some(kw), false) {
            Ok(()) => Ok(()),
            Err(Fail::Panic(p)) => Err(Fail::Panic(p)),
            Err(Fail::Err(e)) => {
                let mut r = self.error(vd, EKind::Reference);
                if matches!(*e.kind, EKind::Group) {
                    r.causes = e.causes;
                } else {
                    r.causes.push(e);
                }
                Err(Fail::Err(r))
            }
        }
    }

    fn find_missing(vd: &Vd, obj: &BTreeMap<String, J>, reqd: &[String]) -> Option<Vec<String>> {
        let mut missing = Vec::new();
        for p in reqd {
            if !obj.contains_key(p) {
                if vd.bool_result {
                    return Some(Vec::new());
                }
                missing.push(p.clone());
            }
        }
        if missing.is_empty() {
            None
        } else {
            Some(missing)
        }
    }

    fn obj_validate(
        &self,
        vd: &mut Vd,
        scope: &Scope,
        obj: &BTreeMap<String, J>,
    ) -> Result<(), String> {
        let s = &self.schemas[vd.sch];
        let len = obj.len() as i64;
        if let Some(m) = s.min_properties {
            if len < m {
                self.add_error(vd, EKind::MinProperties(len, m));
            }
        }
        if let Some(m) = s.max_properties {
            if len > m {
                self.add_error(vd, EKind::MaxProperties(len, m));
            }
        }
        if !s.required.is_empty() {
            if let Some(missing) = Self::find_missing(vd, obj, &s.required) {
                self.add_error(vd, EKind::Required(missing));
            }
        }
        if vd.bool_result && !vd.errors.is_empty() {
            return Ok(());
        }
        for (pname, dep) in &s.dependencies {
            if obj.contains_key(pname) {
                match dep {
                    Dependency::Props(reqd) => {
                        if let Some(missing) = Self::find_missing(vd, obj, reqd) {
                            self.add_error(vd, EKind::Dependency(pname.clone(), missing));
                        }
                    }
                    Dependency::Schema(d) => {
                        let r = self.validate_self(vd, scope, *d, None, false);
                        Self::add_err(vd, r)?;
                    }
                }
            }
        }
        let mut additional = Vec::new();
        for (pname, pvalue) in obj {
            if vd.bool_result && !vd.errors.is_empty() {
                return Ok(());
            }
            let mut evaluated = false;
            if let Some(&ps) = s.properties.get(pname) {
                evaluated = true;
                let r = self.validate_val(vd, scope, ps, pvalue, pname.clone());
                Self::add_err(vd, r)?;
            }
            for (re, ps) in &s.pattern_properties {
                if re.is_match(pname) {
                    evaluated = true;
                    let r = self.validate_val(vd, scope, *ps, pvalue, pname.clone());
                    Self::add_err(vd, r)?;
                }
            }
            if !evaluated {
                if let Some(a) = &s.additional_properties {
                    evaluated = true;
                    match a {
                        Additional::Bool(false) => additional.push(pname.clone()),
                        Additional::Bool(true) => {}
                        Additional::Schema(a) => {
                            let r = self.validate_val(vd, scope, *a, pvalue, pname.clone());
                            Self::add_err(vd, r)?;
                        }
                    }
                }
            }
            if evaluated {
                vd.uneval.props.remove(pname);
            }
        }
        if !additional.is_empty() {
            self.add_error(vd, EKind::AdditionalProperties(additional));
        }
        if s.draft == 4 {
            return Ok(());
        }
        if let Some(pn) = s.property_names {
            for pname in obj.keys() {
                match self.validate_fresh(pn, &J::Str(pname.clone())) {
                    Ok(()) => {}
                    Err(Fail::Panic(p)) => return Err(p),
                    Err(Fail::Err(mut e)) => {
                        *e.kind = EKind::PropertyNames(pname.clone());
                        if vd.bool_result {
                            e.causes.clear();
                        }
                        vd.errors.push(e);
                    }
                }
            }
        }
        if s.draft == 6 {
            return Ok(());
        }
        for (pname, d) in &s.dependent_schemas {
            if obj.contains_key(pname) {
                let r = self.validate_self(vd, scope, *d, None, false);
                Self::add_err(vd, r)?;
            }
        }
        for (pname, reqd) in &s.dependent_required {
            if obj.contains_key(pname) {
                if let Some(missing) = Self::find_missing(vd, obj, reqd) {
                    self.add_error(vd, EKind::Dependency(pname.clone(), missing));
                }
            }
        }
        Ok(())
    }

    fn arr_validate(&self, vd: &mut Vd, scope: &Scope, arr: &[J]) -> Result<(), String> {
        let s = &self.schemas[vd.sch];
        let len = arr.len() as i64;
        if let Some(m) = s.min_items {
            if len < m {
                self.add_error(vd, EKind::MinItems(len, m));
            }
        }
        if let Some(m) = s.max_items {
            if len > m {
                self.add_error(vd, EKind::MaxItems(len, m));
            }
        }
        if s.unique_items && arr.len() > 1 {
            'outer: for i in 1..arr.len() {
                for j in 0..i {
                    match equals(&arr[i], &arr[j]) {
                        Err(tn) => {
                            self.add_error(vd, EKind::InvalidJson(tn));
                            break 'outer;
                        }
                        Ok(true) => {
                            self.add_error(vd, EKind::UniqueItems(j, i));
                            break 'outer;
                        }
                        Ok(false) => {}
                    }
                }
            }
        }
        if s.draft < 2020 {
            let mut evaluated = 0;
            match &s.items {
                Some(Items::One(it)) => {
                    for (i, item) in arr.iter().enumerate() {
                        let r = self.validate_val(vd, scope, *it, item, i.to_string());
                        Self::add_err(vd, r)?;
                    }
                    evaluated = arr.len();
                }
                Some(Items::Many(its)) => {
                    let n = arr.len().min(its.len());
                    for i in 0..n {
                        let r = self.validate_val(vd, scope, its[i], &arr[i], i.to_string());
                        Self::add_err(vd, r)?;
                    }
                    evaluated = n;
                }
                None => {}
            }
            match &s.additional_items {
                Some(Additional::Bool(false)) if evaluated != arr.len() => {
                    self.add_error(vd, EKind::AdditionalItems(arr.len() - evaluated));
                }
                Some(Additional::Schema(a)) => {
                    // The library names these items by their index in the rest.
                    for (i, item) in arr[evaluated..].iter().enumerate() {
                        let r = self.validate_val(vd, scope, *a, item, i.to_string());
                        Self::add_err(vd, r)?;
                    }
                }
                _ => {}
            }
        } else {
            let evaluated = s.prefix_items.len().min(arr.len());
            for (i, (&ps, item)) in s.prefix_items.iter().zip(arr).enumerate() {
                let r = self.validate_val(vd, scope, ps, item, i.to_string());
                Self::add_err(vd, r)?;
            }
            if let Some(it) = s.items2020 {
                for (i, item) in arr[evaluated..].iter().enumerate() {
                    let r = self.validate_val(vd, scope, it, item, i.to_string());
                    Self::add_err(vd, r)?;
                }
            }
        }
        if let Some(c) = s.contains {
            let mut errors = Vec::new();
            let mut matched = Vec::new();
            for (i, item) in arr.iter().enumerate() {
                match self.validate_val(vd, scope, c, item, i.to_string()) {
                    Err(Fail::Panic(p)) => return Err(p),
                    Err(Fail::Err(e)) => errors.push(e),
                    Ok(()) => {
                        matched.push(i);
                        if s.draft >= 2020 {
                            vd.uneval.items.remove(&i);
                        }
                    }
                }
            }
            if let Some(m) = s.min_contains {
                if (matched.len() as i64) < m {
                    self.add_errors(vd, errors, EKind::MinContains(matched.clone(), m));
                }
            } else if matched.is_empty() {
                self.add_errors(vd, errors, EKind::Contains);
            }
            if let Some(m) = s.max_contains {
                if matched.len() as i64 > m {
                    self.add_error(vd, EKind::MaxContains(matched, m));
                }
            }
        }
        Ok(())
    }

    fn str_validate(&self, vd: &mut Vd, st: &str) {
        let s = &self.schemas[vd.sch];
        let n = st.chars().count() as i64;
        if let Some(m) = s.min_length {
            if n < m {
                self.add_error(vd, EKind::MinLength(n, m));
            }
        }
        if let Some(m) = s.max_length {
            if n > m {
                self.add_error(vd, EKind::MaxLength(n, m));
            }
        }
        if let Some((re, text)) = &s.pattern {
            if !re.is_match(st) {
                self.add_error(vd, EKind::Pattern(st.to_string(), text.clone()));
            }
        }
    }

    fn num_validate(&self, vd: &mut Vd, n: &Num) -> Result<(), String> {
        let s = &self.schemas[vd.sch];
        let any = s.minimum.is_some()
            || s.maximum.is_some()
            || s.exclusive_minimum.is_some()
            || s.exclusive_maximum.is_some()
            || s.multiple_of.is_some();
        if !any {
            return Ok(());
        }
        // Go's big.Rat of "NaN"/"+Inf" is nil: comparing it panics.
        let Some(d) = &n.dec else {
            return Err("runtime error: invalid memory address or nil pointer dereference".into());
        };
        let f = d.to_f64();
        if let Some(m) = &s.minimum {
            if d.cmp(m).is_lt() {
                self.add_error(vd, EKind::Minimum(f, m.to_f64()));
            }
        }
        if let Some(m) = &s.maximum {
            if d.cmp(m).is_gt() {
                self.add_error(vd, EKind::Maximum(f, m.to_f64()));
            }
        }
        if let Some(m) = &s.exclusive_minimum {
            if d.cmp(m).is_le() {
                self.add_error(vd, EKind::ExclusiveMinimum(f, m.to_f64()));
            }
        }
        if let Some(m) = &s.exclusive_maximum {
            if d.cmp(m).is_ge() {
                self.add_error(vd, EKind::ExclusiveMaximum(f, m.to_f64()));
            }
        }
        if let Some(m) = &s.multiple_of {
            match d.is_multiple_of(m) {
                None => return Err("division by zero".into()),
                Some(false) => self.add_error(vd, EKind::MultipleOf(f, m.to_f64())),
                Some(true) => {}
            }
        }
        Ok(())
    }

    fn cond_validate(&self, vd: &mut Vd, scope: &Scope) -> Result<(), String> {
        let s = &self.schemas[vd.sch];
        if let Some(n) = s.not {
            match self.validate_self(vd, scope, n, None, true) {
                Ok(()) => self.add_error(vd, EKind::Not),
                Err(Fail::Panic(p)) => return Err(p),
                Err(Fail::Err(_)) => {}
            }
        }
        if !s.all_of.is_empty() {
            let mut errors = Vec::new();
            for &a in &s.all_of {
                match self.validate_self(vd, scope, a, None, false) {
                    Ok(()) => {}
                    Err(Fail::Panic(p)) => return Err(p),
                    Err(Fail::Err(e)) => {
                        errors.push(e);
                        if vd.bool_result {
                            break;
                        }
                    }
                }
            }
            if !errors.is_empty() {
                self.add_errors(vd, errors, EKind::AllOf);
            }
        }
        if !s.any_of.is_empty() {
            let mut matched = false;
            let mut errors = Vec::new();
            for &a in &s.any_of {
                match self.validate_self(vd, scope, a, None, false) {
                    Ok(()) => {
                        matched = true;
                        if vd.uneval.is_empty() {
                            break;
                        }
                    }
                    Err(Fail::Panic(p)) => return Err(p),
                    Err(Fail::Err(e)) => errors.push(e),
                }
            }
            if !matched {
                self.add_errors(vd, errors, EKind::AnyOf);
            }
        }
        if !s.one_of.is_empty() {
            let mut matched: Option<usize> = None;
            let mut errors = Vec::new();
            for (i, &a) in s.one_of.iter().enumerate() {
                match self.validate_self(vd, scope, a, None, matched.is_some()) {
                    Err(Fail::Panic(p)) => return Err(p),
                    Err(Fail::Err(e)) => {
                        if matched.is_none() {
                            errors.push(e);
                        }
                    }
                    Ok(()) => match matched {
                        None => matched = Some(i),
                        Some(m) => {
                            self.add_error(vd, EKind::OneOf(Some((m, i))));
                            break;
                        }
                    },
                }
            }
            if matched.is_none() {
                self.add_errors(vd, errors, EKind::OneOf(None));
            }
        }
        if let Some(i) = s.if_ {
            match self.validate_self(vd, scope, i, None, true) {
                Ok(()) => {
                    if let Some(t) = s.then {
                        let r = self.validate_self(vd, scope, t, None, false);
                        Self::add_err(vd, r)?;
                    }
                }
                Err(Fail::Panic(p)) => return Err(p),
                Err(Fail::Err(_)) => {
                    if let Some(e) = s.else_ {
                        let r = self.validate_self(vd, scope, e, None, false);
                        Self::add_err(vd, r)?;
                    }
                }
            }
        }
        Ok(())
    }

    fn validate_refs(&self, vd: &mut Vd, scope: &Scope) -> Result<(), String> {
        let s = &self.schemas[vd.sch];
        if let Some(mut target) = s.recursive_ref {
            if self.schemas[target].recursive_anchor {
                let mut p = Some(scope);
                while let Some(sc) = p {
                    if self.schemas[self.schemas[sc.sch].resource].recursive_anchor {
                        target = sc.sch;
                    }
                    p = sc.parent;
                }
            }
            let r = self.validate_ref(vd, scope, target, "$recursiveRef");
            Self::add_err(vd, r)?;
        }
        if let Some((mut target, anchor)) = s.dynamic_ref.clone() {
            if !anchor.is_empty() && self.schemas[target].dynamic_anchor == anchor {
                let mut p = Some(scope);
                while let Some(sc) = p {
                    let res = &self.schemas[self.schemas[sc.sch].resource];
                    if let Some(&d) = res.dynamic_anchors.get(&anchor) {
                        target = d;
                    }
                    p = sc.parent;
                }
            }
            let r = self.validate_ref(vd, scope, target, "$dynamicRef");
            Self::add_err(vd, r)?;
        }
        Ok(())
    }

    fn uneval_validate(&self, vd: &mut Vd, scope: &Scope) -> Result<(), String> {
        let s = &self.schemas[vd.sch];
        if let (J::Obj(obj), Some(up)) = (vd.v, s.unevaluated_properties) {
            let props = std::mem::take(&mut vd.uneval.props);
            for pname in props {
                if let Some(pv) = obj.get(&pname) {
                    let r = self.validate_val(vd, scope, up, pv, pname.clone());
                    Self::add_err(vd, r)?;
                }
            }
        }
        if let (J::Arr(arr), Some(ui)) = (vd.v, s.unevaluated_items) {
            let items = std::mem::take(&mut vd.uneval.items);
            for i in items {
                if let Some(item) = arr.get(i) {
                    let r = self.validate_val(vd, scope, ui, item, i.to_string());
                    Self::add_err(vd, r)?;
                }
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------
// Formats (asserted for drafts 4, 6 and 7)

/// The library's format checks for `format` (drafts 4 to 7): `Some(reason)` when `v`
/// is a string that is not valid. Supported: `ipv4`, `ipv6`, `hostname`, `email`,
/// `date`, `time`, `date-time`, `uuid`, `json-pointer`, `regex`, `uri`,
/// `uri-reference`, `duration`; other formats and non-strings pass.
fn check_format(name: &str, v: &J) -> Option<String> {
    let J::Str(s) = v else { return None };
    let r: Result<(), String> = match name {
        "ipv4" => check_ipv4(s),
        "ipv6" => check_ipv6(s),
        "hostname" => check_hostname(s),
        "email" => check_email(s),
        "date" => check_date(s),
        "time" => check_time(s),
        "date-time" => check_date_time(s),
        "uuid" => check_uuid(s),
        "json-pointer" => check_json_pointer(s),
        "regex" => go_regex(s).map(|_| ()),
        "uri" | "iri" => check_uri(s),
        "uri-reference" | "iri-reference" => {
            if s.contains('\\') {
                Err("contains \\".into())
            } else {
                Ok(())
            }
        }
        "duration" => check_duration(s),
        _ => Ok(()),
    };
    r.err()
}

fn check_ipv4(s: &str) -> Result<(), String> {
    let groups: Vec<&str> = s.split('.').collect();
    if groups.len() != 4 {
        return Err("expected four decimals".into());
    }
    for g in groups {
        if g.len() > 1 && g.starts_with('0') {
            return Err("leading zeros".into());
        }
        match g.parse::<u32>() {
            Ok(n) if n <= 255 && !g.starts_with('+') => {}
            _ => return Err("decimal must be between 0 and 255".into()),
        }
    }
    Ok(())
}

fn check_ipv6(s: &str) -> Result<(), String> {
    if !s.contains(':') {
        return Err("missing colon".into());
    }
    if s.contains('%') {
        return Err("zone id is not a part of ipv6 address".into());
    }
    s.parse::<std::net::Ipv6Addr>().map(|_| ()).map_err(|_| {
        // netip.ParseAddr's reasons for the common cases.
        let fields = s.split(':').count();
        let reason = if !s.contains("::") && fields < 8 && !s.contains('.') {
            "address string too short"
        } else if fields > 8 {
            "address string too long"
        } else if s.matches("::").count() > 1 {
            "multiple :: in address"
        } else {
            "unexpected character, want colon"
        };
        format!("ParseAddr({}): {reason}", kiln_gotmpl::fmt::quote(s))
    })
}

fn check_hostname(s: &str) -> Result<(), String> {
    let s = s.strip_suffix('.').unwrap_or(s);
    if s.len() > 253 {
        return Err("more than 253 characters long".into());
    }
    for label in s.split('.') {
        if label.is_empty() || label.len() > 63 {
            return Err("label must be 1 to 63 characters long".into());
        }
        if label.starts_with('-') {
            return Err("label starts with hyphen".into());
        }
        if label.ends_with('-') {
            return Err("label ends with hyphen".into());
        }
        for c in label.chars() {
            if !(c.is_ascii_alphanumeric() || c == '-') {
                return Err(format!("invalid character {}", quote_rune(c)));
            }
        }
    }
    Ok(())
}

fn quote_rune(c: char) -> String {
    let mut s = String::new();
    kiln_gotmpl::fmt::append_quote_rune(&mut s, c as i64, false);
    s
}

fn check_email(s: &str) -> Result<(), String> {
    if s.len() > 254 {
        return Err("more than 255 characters long".into());
    }
    let Some(at) = s.rfind('@') else {
        return Err("missing @".into());
    };
    let (local, domain) = (&s[..at], &s[at + 1..]);
    if local.len() > 64 {
        return Err("local part more than 64 characters long".into());
    }
    if local.len() > 1 && local.starts_with('"') && local.ends_with('"') {
        let inner = &local[1..local.len() - 1];
        if inner.contains('\\') || inner.contains('"') {
            return Err("backslash and quote are not allowed within quoted local part".into());
        }
    } else {
        if local.starts_with('.') {
            return Err("starts with dot".into());
        }
        if local.ends_with('.') {
            return Err("ends with dot".into());
        }
        if local.contains("..") {
            return Err("consecutive dots".into());
        }
        for c in local.chars() {
            if !(c.is_ascii_alphanumeric() || ".!#$%&'*+-/=?^_`{|}~".contains(c)) {
                return Err(format!("invalid character {}", quote_rune(c)));
            }
        }
    }
    if let Some(ip) = domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
        if let Some(v6) = ip.strip_prefix("IPv6:") {
            return check_ipv6(v6).map_err(|e| format!("invalid ipv6 address: {e}"));
        }
        return check_ipv4(ip).map_err(|e| format!("invalid ipv4 address: {e}"));
    }
    check_hostname(domain).map_err(|e| format!("invalid domain: {e}"))
}

fn check_date(s: &str) -> Result<(), String> {
    let b = s.as_bytes();
    let ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !ok {
        return Err(format!(
            "parsing time {} as \"2006-01-02\": cannot parse {} as \"2006\"",
            kiln_gotmpl::fmt::quote(s),
            kiln_gotmpl::fmt::quote(s)
        ));
    }
    let y: u32 = s[..4].parse().unwrap_or(0);
    let m: u32 = s[5..7].parse().unwrap_or(0);
    let d: u32 = s[8..].parse().unwrap_or(0);
    if !(1..=12).contains(&m) {
        return Err(format!(
            "parsing time {}: month out of range",
            kiln_gotmpl::fmt::quote(s)
        ));
    }
    let leap = (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
    let days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ][m as usize - 1];
    if d < 1 || d > days {
        return Err(format!(
            "parsing time {}: day out of range",
            kiln_gotmpl::fmt::quote(s)
        ));
    }
    Ok(())
}

fn check_time(s: &str) -> Result<(), String> {
    let b = s.as_bytes();
    if b.len() < 9 {
        return Err("less than 9 characters long".into());
    }
    if b[2] != b':' || b[5] != b':' {
        return Err("missing colon in correct place".into());
    }
    let num = |r: std::ops::Range<usize>| -> Result<u32, String> {
        let t = &s[r];
        if !t.bytes().all(|c| c.is_ascii_digit()) {
            return Err("invalid hour/min/sec".into());
        }
        t.parse::<u32>()
            .map_err(|_| "invalid hour/min/sec".to_string())
    };
    let (h, m, sec) = (num(0..2)?, num(3..5)?, num(6..8)?);
    if h > 23 || m > 59 || sec > 60 {
        return Err("hour/min/sec out of range".into());
    }
    let mut rest = &s[8..];
    if let Some(r) = rest.strip_prefix('.') {
        let n = r.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return Err("no digits in second fraction".into());
        }
        rest = &r[n..];
    }
    let (oh, om, neg) = if rest == "z" || rest == "Z" {
        (0, 0, false)
    } else {
        let rb = rest.as_bytes();
        if rb.len() != 6 {
            return Err("offset must be 6 characters long".into());
        }
        let neg = match rb[0] {
            b'+' => false,
            b'-' => true,
            _ => return Err("offset must begin with plus/minus".into()),
        };
        if rb[3] != b':' {
            return Err("missing colon in offset in correct place".into());
        }
        let p = |t: &str| -> Result<u32, String> {
            if !t.bytes().all(|c| c.is_ascii_digit()) {
                return Err("invalid hour/min in offset".into());
            }
            t.parse::<u32>()
                .map_err(|_| "invalid hour/min in offset".to_string())
        };
        let (oh, om) = (p(&rest[1..3])?, p(&rest[4..6])?);
        if oh > 23 || om > 59 {
            return Err("hour/min in offset out of range".into());
        }
        (oh, om, neg)
    };
    if sec == 60 {
        // A leap second must be 23:59:60 in UTC.
        let mut total = h as i64 * 60 + m as i64;
        let off = oh as i64 * 60 + om as i64;
        total += if neg { off } else { -off };
        let total = total.rem_euclid(24 * 60);
        if total != 23 * 60 + 59 {
            return Err("invalid leap second".into());
        }
    }
    Ok(())
}

fn check_date_time(s: &str) -> Result<(), String> {
    if s.len() < 20 {
        return Err("less than 20 characters long".into());
    }
    let b = s.as_bytes();
    if b[10] != b't' && b[10] != b'T' {
        return Err("11th character must be t or T".into());
    }
    if !s.is_char_boundary(10) || !s.is_char_boundary(11) {
        return Err("11th character must be t or T".into());
    }
    check_date(&s[..10]).map_err(|e| format!("invalid date element: {e}"))?;
    check_time(&s[11..]).map_err(|e| format!("invalid time element: {e}"))
}

fn check_uuid(s: &str) -> Result<(), String> {
    let groups: Vec<&str> = s.split('-').collect();
    let lens = [8, 4, 4, 4, 12];
    if groups.len() != lens.len() {
        return Err(format!("must have {} elements", lens.len()));
    }
    for (i, g) in groups.iter().enumerate() {
        if g.len() != lens[i] {
            return Err(format!(
                "element {} must be {} characters long",
                i + 1,
                lens[i]
            ));
        }
        for c in g.chars() {
            if !c.is_ascii_hexdigit() {
                return Err(format!("non-hex character {}", quote_rune(c)));
            }
        }
    }
    Ok(())
}

fn check_json_pointer(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Ok(());
    }
    if !s.starts_with('/') {
        return Err("not starting with /".into());
    }
    for tok in s.split('/').skip(1) {
        let mut it = tok.chars().peekable();
        while let Some(c) = it.next() {
            if c == '~' && !matches!(it.next(), Some('0' | '1')) {
                return Err("~ must be followed by 0 or 1".into());
            }
        }
    }
    Ok(())
}

fn check_uri(s: &str) -> Result<(), String> {
    let u = Url::parse(s);
    if u.scheme.is_none() {
        return Err("relative url".into());
    }
    Ok(())
}

fn check_duration(s: &str) -> Result<(), String> {
    let Some(rest) = s.strip_prefix('P') else {
        return Err("must start with P".into());
    };
    if rest.is_empty() {
        return Err("nothing after P".into());
    }
    if let Some(w) = rest.strip_suffix('W') {
        if w.is_empty() {
            return Err("no number in week".into());
        }
        if !w.bytes().all(|c| c.is_ascii_digit()) {
            return Err("invalid week".into());
        }
        return Ok(());
    }
    let mut units = "YMD";
    let mut t = rest;
    let mut in_time = false;
    while !t.is_empty() {
        if let Some(r) = t.strip_prefix('T') {
            if in_time {
                return Err("more than one T".into());
            }
            in_time = true;
            units = "HMS";
            if r.is_empty() {
                return Err("no time elements".into());
            }
            t = r;
            continue;
        }
        let n = t.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return Err("missing number".into());
        }
        t = &t[n..];
        let Some(u) = t.chars().next() else {
            return Err("missing unit".into());
        };
        match units.find(u) {
            Some(i) => units = &units[i + 1..],
            None => {
                let all = if in_time { "HMS" } else { "YMD" };
                if all.contains(u) {
                    return Err(format!("unit {} out of order", quote_rune(u)));
                }
                return Err(format!("invalid unit {}", quote_rune(u)));
            }
        }
        t = &t[u.len_utf8()..];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PREFIX: &str =
        "values don't meet the specifications of the schema(s) in the following chart(s):\n";

    /// Cases run through real Helm v4.2.3 (`helm-oracle vectors`): a chart `mychart`
    /// with `values.schema.json` = `schema` and `values.yaml` = `values`; `error` is
    /// Helm's message (null when the render succeeded). Where Helm's message lists
    /// sibling properties in Go's random map order, the expectation uses sorted order.
    const ORACLE_CASES: &str = r###"
[
{"id": "schema/type", "values": {"port": "x"}, "files": {"values.schema.json": "{\"type\": \"object\", \"properties\": {\"port\": {\"type\": \"integer\"}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/port': got string, want integer\n"},
{"id": "schema/type-multi", "values": {"port": "x"}, "files": {"values.schema.json": "{\"properties\": {\"port\": {\"type\": [\"integer\", \"null\"]}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/port': got string, want null or integer\n"},
{"id": "schema/int-float", "values": {"port": 1.5}, "files": {"values.schema.json": "{\"properties\": {\"port\": {\"type\": \"integer\"}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/port': got number, want integer\n"},
{"id": "schema/int-ok", "values": {"port": 2.0}, "files": {"values.schema.json": "{\"properties\": {\"port\": {\"type\": \"integer\"}}}"}, "error": null},
{"id": "schema/minimum", "values": {"n": 2}, "files": {"values.schema.json": "{\"properties\": {\"n\": {\"minimum\": 1500}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/n': minimum: got 2, want 1,500\n"},
{"id": "schema/maximum-big", "values": {"n": 123456789.25}, "files": {"values.schema.json": "{\"properties\": {\"n\": {\"maximum\": 1500.5}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/n': maximum: got 1.2345678925×10⁰⁸, want 1,500.5\n"},
{"id": "schema/maximum-huge", "values": {"n": 1e+21}, "files": {"values.schema.json": "{\"properties\": {\"n\": {\"maximum\": 1}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/n': maximum: got 1×10²¹, want 1\n"},
{"id": "schema/maximum-small", "values": {"n": 1e-07}, "files": {"values.schema.json": "{\"properties\": {\"n\": {\"maximum\": 0}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/n': maximum: got 1×10⁻⁰⁷, want 0\n"},
{"id": "schema/excl-min", "values": {"n": 5}, "files": {"values.schema.json": "{\"properties\": {\"n\": {\"exclusiveMinimum\": 5}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/n': exclusiveMinimum: got 5, want 5\n"},
{"id": "schema/excl-max-d4", "values": {"n": 5}, "files": {"values.schema.json": "{\"$schema\": \"http://json-schema.org/draft-04/schema#\", \"properties\": {\"n\": {\"maximum\": 5, \"exclusiveMaximum\": true}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/n': exclusiveMaximum: got 5, want 5\n"},
{"id": "schema/multipleOf", "values": {"n": 19.999}, "files": {"values.schema.json": "{\"properties\": {\"n\": {\"multipleOf\": 0.01}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/n': multipleOf: got 19.999, want 0.01\n"},
{"id": "schema/multipleOf-ok", "values": {"n": 19.99}, "files": {"values.schema.json": "{\"properties\": {\"n\": {\"multipleOf\": 0.01}}}"}, "error": null},
{"id": "schema/minLength", "values": {"s": "ab"}, "files": {"values.schema.json": "{\"properties\": {\"s\": {\"minLength\": 1234}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/s': minLength: got 2, want 1,234\n"},
{"id": "schema/maxLength", "values": {"s": "héé"}, "files": {"values.schema.json": "{\"properties\": {\"s\": {\"maxLength\": 1}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/s': maxLength: got 3, want 1\n"},
{"id": "schema/pattern", "values": {"s": "A'b\"c\n"}, "files": {"values.schema.json": "{\"properties\": {\"s\": {\"pattern\": \"^[a-z]+$\"}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/s': 'A\\'b\"c\\n' does not match pattern '^[a-z]+$'\n"},
{"id": "schema/required1", "values": {}, "files": {"values.schema.json": "{\"required\": [\"a\"]}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '': missing property 'a'\n"},
{"id": "schema/required2", "values": {"x": {}}, "files": {"values.schema.json": "{\"required\": [\"a\", \"b\"], \"properties\": {\"x\": {\"required\": [\"q\"]}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '': missing properties 'a', 'b'\n- at '/x': missing property 'q'\n"},
{"id": "schema/enum1", "values": {"e": "b"}, "files": {"values.schema.json": "{\"properties\": {\"e\": {\"enum\": [\"a\"]}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/e': value must be 'a'\n"},
{"id": "schema/enum-many", "values": {"e": "b"}, "files": {"values.schema.json": "{\"properties\": {\"e\": {\"enum\": [\"a\", 1, null, true, 1.5]}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/e': value must be one of 'a', 1, <nil>, true, 1.5\n"},
{"id": "schema/enum-obj", "values": {"e": "b"}, "files": {"values.schema.json": "{\"properties\": {\"e\": {\"enum\": [{\"a\": 1}]}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/e': 'enum' failed\n"},
{"id": "schema/const", "values": {"e": "b"}, "files": {"values.schema.json": "{\"properties\": {\"e\": {\"const\": 12345}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/e': value must be 12345\n"},
{"id": "schema/const-obj", "values": {"e": "b"}, "files": {"values.schema.json": "{\"properties\": {\"e\": {\"const\": [1]}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/e': 'const' failed\n"},
{"id": "schema/addl", "values": {"b": 1, "c": 2, "a": 1}, "files": {"values.schema.json": "{\"additionalProperties\": false, \"properties\": {\"a\": {}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '': additional properties 'b', 'c' not allowed\n"},
{"id": "schema/addl-schema", "values": {"b": 1}, "files": {"values.schema.json": "{\"additionalProperties\": {\"type\": \"string\"}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/b': got number, want string\n"},
{"id": "schema/minItems", "values": {"l": [1]}, "files": {"values.schema.json": "{\"properties\": {\"l\": {\"minItems\": 2}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/l': minItems: got 1, want 2\n"},
{"id": "schema/maxItems", "values": {"l": [1]}, "files": {"values.schema.json": "{\"properties\": {\"l\": {\"maxItems\": 0}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/l': maxItems: got 1, want 0\n"},
{"id": "schema/unique", "values": {"l": [1, 2, 1.0]}, "files": {"values.schema.json": "{\"properties\": {\"l\": {\"uniqueItems\": true}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/l': items at 0 and 2 are equal\n"},
{"id": "schema/items", "values": {"l": ["a", 1]}, "files": {"values.schema.json": "{\"properties\": {\"l\": {\"items\": {\"type\": \"string\"}}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/l/1': got number, want string\n"},
{"id": "schema/items-d7-tuple", "values": {"l": ["a", 1, 2]}, "files": {"values.schema.json": "{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"properties\": {\"l\": {\"items\": [{\"type\": \"string\"}], \"additionalItems\": false}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/l': last 2 additionalItem(s) not allowed\n"},
{"id": "schema/prefixItems", "values": {"l": ["a", 1, 2]}, "files": {"values.schema.json": "{\"properties\": {\"l\": {\"prefixItems\": [{\"type\": \"string\"}], \"items\": false}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/l/0': false schema\n- at '/l/1': false schema\n"},
{"id": "schema/contains", "values": {"l": [1, 2]}, "files": {"values.schema.json": "{\"properties\": {\"l\": {\"contains\": {\"type\": \"string\"}}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/l': no items match contains schema\n  - at '/l/0': got number, want string\n  - at '/l/1': got number, want string\n"},
{"id": "schema/minContains", "values": {"l": ["a", 2]}, "files": {"values.schema.json": "{\"properties\": {\"l\": {\"contains\": {\"type\": \"string\"}, \"minContains\": 2}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/l': min 2 items required to match contains schema, but matched 1 items at 0\n  - at '/l/1': got number, want string\n"},
{"id": "schema/maxContains", "values": {"l": ["a", "b", "c"]}, "files": {"values.schema.json": "{\"properties\": {\"l\": {\"contains\": {\"type\": \"string\"}, \"maxContains\": 1}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/l': max 1 items required to match contains schema, but matched 3 items at 0 1 2\n"},
{"id": "schema/minProps", "values": {"a": 1}, "files": {"values.schema.json": "{\"minProperties\": 5}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '': minProperties: got 1, want 5\n"},
{"id": "schema/maxProps", "values": {"m": {"a": 1, "b": 2}}, "files": {"values.schema.json": "{\"properties\": {\"m\": {\"maxProperties\": 1}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/m': maxProperties: got 2, want 1\n"},
{"id": "schema/anyOf", "values": {"a": 1}, "files": {"values.schema.json": "{\"properties\": {\"a\": {\"anyOf\": [{\"type\": \"string\"}, {\"type\": \"integer\", \"minimum\": 5}]}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/a': 'anyOf' failed\n  - at '/a': got number, want string\n  - at '/a': minimum: got 1, want 5\n"},
{"id": "schema/oneOf-none", "values": {"a": 1}, "files": {"values.schema.json": "{\"properties\": {\"a\": {\"oneOf\": [{\"type\": \"string\"}, {\"type\": \"boolean\"}]}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/a': 'oneOf' failed, none matched\n  - at '/a': got number, want string\n  - at '/a': got number, want boolean\n"},
{"id": "schema/oneOf-two", "values": {"a": 1}, "files": {"values.schema.json": "{\"properties\": {\"a\": {\"oneOf\": [{\"type\": \"number\"}, {\"type\": \"integer\"}]}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/a': 'oneOf' failed, subschemas 0, 1 matched\n"},
{"id": "schema/allOf", "values": {"a": 1}, "files": {"values.schema.json": "{\"properties\": {\"a\": {\"allOf\": [{\"type\": \"string\"}, {\"minimum\": 5}]}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/a': 'allOf' failed\n  - at '/a': got number, want string\n  - at '/a': minimum: got 1, want 5\n"},
{"id": "schema/not", "values": {"a": 1}, "files": {"values.schema.json": "{\"properties\": {\"a\": {\"not\": {\"type\": \"integer\"}}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/a': 'not' failed\n"},
{"id": "schema/ifthen", "values": {"a": 1}, "files": {"values.schema.json": "{\"properties\": {\"a\": {\"if\": {\"type\": \"integer\"}, \"then\": {\"minimum\": 5}, \"else\": {\"type\": \"string\"}}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/a': minimum: got 1, want 5\n"},
{"id": "schema/ifelse", "values": {"a": true}, "files": {"values.schema.json": "{\"properties\": {\"a\": {\"if\": {\"type\": \"integer\"}, \"then\": {\"minimum\": 5}, \"else\": {\"type\": \"string\"}}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/a': got boolean, want string\n"},
{"id": "schema/false", "values": {"a": 1}, "files": {"values.schema.json": "{\"properties\": {\"a\": false}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/a': false schema\n"},
{"id": "schema/ref-d7", "values": {"a": "x"}, "files": {"values.schema.json": "{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"definitions\": {\"p\": {\"type\": \"integer\"}}, \"properties\": {\"a\": {\"$ref\": \"#/definitions/p\", \"type\": \"string\"}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/a': got string, want integer\n"},
{"id": "schema/ref-2020", "values": {"a": "x"}, "files": {"values.schema.json": "{\"$defs\": {\"p\": {\"type\": \"integer\"}}, \"properties\": {\"a\": {\"$ref\": \"#/$defs/p\", \"maxLength\": 0}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/a': got string, want integer\n- at '/a': maxLength: got 1, want 0\n"},
{"id": "schema/ref-multi", "values": {"a": {"q": 1}}, "files": {"values.schema.json": "{\"$defs\": {\"p\": {\"type\": \"object\", \"required\": [\"z\"], \"properties\": {\"q\": {\"type\": \"string\"}}}}, \"properties\": {\"a\": {\"$ref\": \"#/$defs/p\"}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/a': validation failed\n  - at '/a': missing property 'z'\n  - at '/a/q': got number, want string\n"},
{"id": "schema/nested-multi", "values": {"a": {"b": 1, "c": 1}}, "files": {"values.schema.json": "{\"properties\": {\"a\": {\"type\": \"object\", \"properties\": {\"b\": {\"type\": \"string\"}, \"c\": {\"minimum\": 3}}}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/a/b': got number, want string\n- at '/a/c': minimum: got 1, want 3\n"},
{"id": "schema/root-type", "values": {"a": 1}, "files": {"values.schema.json": "{\"type\": \"array\"}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '': got object, want array\n"},
{"id": "schema/dep-req", "values": {"a": 1}, "files": {"values.schema.json": "{\"dependentRequired\": {\"a\": [\"b\", \"c\"]}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '': properties 'b', 'c' required, if 'a' exists\n"},
{"id": "schema/deps-d7", "values": {"a": 1}, "files": {"values.schema.json": "{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"dependencies\": {\"a\": [\"b\"]}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '': properties 'b' required, if 'a' exists\n"},
{"id": "schema/propnames", "values": {"abc": 1}, "files": {"values.schema.json": "{\"propertyNames\": {\"maxLength\": 2}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '': invalid propertyName 'abc'\n  - at '': maxLength: got 3, want 2\n"},
{"id": "schema/pattprops", "values": {"xa": 1}, "files": {"values.schema.json": "{\"patternProperties\": {\"^x\": {\"type\": \"string\"}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/xa': got number, want string\n"},
{"id": "schema/uneval", "values": {"a": 1, "b": 2}, "files": {"values.schema.json": "{\"properties\": {\"a\": {}}, \"unevaluatedProperties\": false}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/b': false schema\n"},
{"id": "schema/format-d7", "values": {"a": "x"}, "files": {"values.schema.json": "{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"properties\": {\"a\": {\"format\": \"ipv4\"}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/a': 'x' is not valid ipv4: expected four decimals\n"},
{"id": "schema/format-2020", "values": {"a": "x"}, "files": {"values.schema.json": "{\"properties\": {\"a\": {\"format\": \"ipv4\"}}}"}, "error": null},
{"id": "schema/format-email", "values": {"a": "x", "b": "2020", "c": "-a", "d": "x"}, "files": {"values.schema.json": "{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"properties\": {\"a\": {\"format\": \"email\"}, \"b\": {\"format\": \"date-time\"}, \"c\": {\"format\": \"hostname\"}, \"d\": {\"format\": \"uri\"}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/a': 'x' is not valid email: missing @\n- at '/b': '2020' is not valid date-time: less than 20 characters long\n- at '/c': '-a' is not valid hostname: label starts with hyphen\n- at '/d': 'x' is not valid uri: relative url\n"},
{"id": "schema/bad-json", "values": {"a": 1}, "files": {"values.schema.json": "{"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\nunexpected EOF"},
{"id": "schema/file-ref", "values": {"a": 1}, "files": {"values.schema.json": "{\"properties\": {\"a\": {\"$ref\": \"other.json\"}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\nfailing loading \"file:///other.json\": open /other.json: no such file or directory"},
{"id": "schema/urn-ref", "values": {"a": 1}, "files": {"values.schema.json": "{\"properties\": {\"a\": {\"$ref\": \"urn:foo:bar\"}}}"}, "error": null},
{"id": "schema/missing-ptr", "values": {"a": 1}, "files": {"values.schema.json": "{\"properties\": {\"a\": {\"$ref\": \"#/$defs/nope\"}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\njson-pointer in \"file:///values.schema.json#/$defs/nope\" not found"},
{"id": "schema/escape-path", "values": {"a/b": {"c~d": 1}}, "files": {"values.schema.json": "{\"properties\": {\"a/b\": {\"properties\": {\"c~d\": {\"type\": \"string\"}}}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/a~1b/c~0d': got number, want string\n"},
{"id": "schema/key-quote", "values": {"it's é\u0001": 1}, "files": {"values.schema.json": "{\"properties\": {\"it's \\u00e9\\u0001\": {\"type\": \"string\"}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/it\\'s é\\x01': got number, want string\n"},
{"id": "schema/null-val", "values": {"a": null}, "files": {"values.schema.json": "{\"properties\": {\"a\": {\"type\": \"string\"}}}"}, "error": null},
{"id": "schema/top-ok-subchart", "values": {"a": 1}, "files": {"values.schema.json": "{\"type\": \"object\"}"}, "error": null},
{"id": "schema2/sub-both", "values": {"a": 1, "sub": {"x": 1}}, "files": {"values.schema.json": "{\"properties\": {\"a\": {\"type\": \"string\"}}}", "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.1.0\n", "charts/sub/values.schema.json": "{\"properties\": {\"x\": {\"type\": \"string\"}}}", "charts/sub/templates/t.yaml": "s"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/a': got number, want string\nsub:\n- at '/x': got number, want string\n"},
{"id": "schema2/sub-only", "values": {"sub": {"x": 1}}, "files": {"charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.1.0\n", "charts/sub/values.schema.json": "{\"properties\": {\"x\": {\"type\": \"string\"}}}", "charts/sub/templates/t.yaml": "s"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nsub:\n- at '/x': got number, want string\n"},
{"id": "schema2/sub-alias", "chart": {"dependencies": [{"name": "sub", "version": "0.1.0", "alias": "al"}]}, "values": {"al": {"x": 1}}, "files": {"charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.1.0\n", "charts/sub/values.schema.json": "{\"properties\": {\"x\": {\"type\": \"string\"}}}", "charts/sub/templates/t.yaml": "s"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nal:\n- at '/x': got number, want string\n"},
{"id": "schema2/sub-disabled", "chart": {"dependencies": [{"name": "sub", "version": "0.1.0", "condition": "sub.enabled"}]}, "values": {"sub": {"enabled": false, "x": 1}}, "files": {"charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.1.0\n", "charts/sub/values.schema.json": "{\"properties\": {\"x\": {\"type\": \"string\"}}}", "charts/sub/templates/t.yaml": "s"}, "error": null},
{"id": "schema2/sub-badjson-parent", "values": {"sub": {"x": 1}}, "files": {"values.schema.json": "{", "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.1.0\n", "charts/sub/values.schema.json": "{\"properties\": {\"x\": {\"type\": \"string\"}}}", "charts/sub/templates/t.yaml": "s"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\nunexpected EOFsub:\n- at '/x': got number, want string\n"},
{"id": "schema2/sub-global", "values": {"global": {"g": 1}}, "files": {"charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.1.0\n", "charts/sub/values.schema.json": "{\"properties\": {\"global\": {\"properties\": {\"g\": {\"type\": \"string\"}}}}}", "charts/sub/templates/t.yaml": "s"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nsub:\n- at '/global/g': got number, want string\n"},
{"id": "schema2/id-ref", "values": {"a": "x"}, "files": {"values.schema.json": "{\"$id\": \"http://example.com/root.json\", \"$defs\": {\"A\": {\"$id\": \"a.json\", \"type\": \"integer\"}}, \"properties\": {\"a\": {\"$ref\": \"a.json\"}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/a': got string, want integer\n"},
{"id": "schema2/anchor", "values": {"a": "x"}, "files": {"values.schema.json": "{\"$defs\": {\"A\": {\"$anchor\": \"foo\", \"type\": \"integer\"}}, \"properties\": {\"a\": {\"$ref\": \"#foo\"}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/a': got string, want integer\n"},
{"id": "schema2/d4-anchor", "values": {"a": "x"}, "files": {"values.schema.json": "{\"$schema\": \"http://json-schema.org/draft-04/schema#\", \"definitions\": {\"A\": {\"id\": \"#foo\", \"type\": \"integer\"}}, \"properties\": {\"a\": {\"$ref\": \"#foo\"}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/a': got string, want integer\n"},
{"id": "schema2/anchor-missing", "values": {"a": "x"}, "files": {"values.schema.json": "{\"properties\": {\"a\": {\"$ref\": \"#nope\"}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\nanchor in \"file:///values.schema.json#nope\" not found in schema \"file:///values.schema.json\""},
{"id": "schema2/cycle", "values": {"a": "x"}, "files": {"values.schema.json": "{\"properties\": {\"a\": {\"$ref\": \"#/properties/a\"}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/a': both /properties/a/$ref and /properties/a resolve to \"file:///values.schema.json#/properties/a\" causing reference cycle\n"},
{"id": "schema2/cycle2", "values": {"a": "x"}, "files": {"values.schema.json": "{\"$defs\": {\"x\": {\"$ref\": \"#/$defs/y\"}, \"y\": {\"$ref\": \"#/$defs/x\"}}, \"properties\": {\"a\": {\"$ref\": \"#/$defs/x\"}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/a': both /properties/a/$ref/$ref/$ref and /properties/a/$ref resolve to \"file:///values.schema.json#/$defs/x\" causing reference cycle\n"},
{"id": "schema2/recursive-ok", "values": {"c": {"c": {"v": "x"}}}, "files": {"values.schema.json": "{\"$defs\": {\"node\": {\"type\": \"object\", \"properties\": {\"c\": {\"$ref\": \"#/$defs/node\"}, \"v\": {\"type\": \"integer\"}}}}, \"$ref\": \"#/$defs/node\"}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/c/c/v': got string, want integer\n"},
{"id": "schema2/dynref", "values": {"children": [{"children": [1]}]}, "files": {"values.schema.json": "{\"$id\": \"https://ex.com/tree\", \"$dynamicAnchor\": \"node\", \"type\": \"object\", \"properties\": {\"data\": true, \"children\": {\"type\": \"array\", \"items\": {\"$dynamicRef\": \"#node\"}}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/children/0/children/0': got number, want object\n"},
{"id": "schema2/uneval-items", "values": {"a": 1}, "files": {"values.schema.json": "{\"prefixItems\": [{\"type\": \"string\"}], \"unevaluatedItems\": false, \"properties\": {}}"}, "error": null},
{"id": "schema2/uneval-items2", "values": {"l": ["a", "b"]}, "files": {"values.schema.json": "{\"properties\": {\"l\": {\"prefixItems\": [{\"type\": \"string\"}], \"unevaluatedItems\": {\"type\": \"integer\"}}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/l/1': got string, want integer\n"},
{"id": "schema2/uneval-allof", "values": {"a": 1, "b": 2}, "files": {"values.schema.json": "{\"allOf\": [{\"properties\": {\"a\": {}}}], \"unevaluatedProperties\": false}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/b': false schema\n"},
{"id": "schema2/uneval-anyof", "values": {"a": 1, "b": 2, "c": 3}, "files": {"values.schema.json": "{\"anyOf\": [{\"properties\": {\"a\": {\"type\": \"integer\"}}}, {\"properties\": {\"b\": {}}}], \"unevaluatedProperties\": false}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/c': false schema\n"},
{"id": "schema2/d7-additionalItems-schema", "values": {"l": [1, 2, 3]}, "files": {"values.schema.json": "{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"properties\": {\"l\": {\"items\": [{}], \"additionalItems\": {\"type\": \"string\"}}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/l/0': got number, want string\n- at '/l/1': got number, want string\n"},
{"id": "schema2/d6-excl", "values": {"n": -1234567.5}, "files": {"values.schema.json": "{\"$schema\": \"http://json-schema.org/draft-06/schema#\", \"properties\": {\"n\": {\"exclusiveMaximum\": 3, \"minimum\": -2.5}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/n': minimum: got -1.2345675×10⁰⁶, want -2.5\n"},
{"id": "schema2/neg-num", "values": {"n": -12345.678}, "files": {"values.schema.json": "{\"properties\": {\"n\": {\"minimum\": -0.0001}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/n': minimum: got -12,345.678, want -0.0001\n"},
{"id": "schema2/small", "values": {"n": 0.0001}, "files": {"values.schema.json": "{\"properties\": {\"n\": {\"maximum\": 1e-05}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/n': maximum: got 0.0001, want 1×10⁻⁰⁵\n"},
{"id": "schema2/d7-ref-sibling-const", "values": {"a": "x"}, "files": {"values.schema.json": "{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"definitions\": {\"p\": {}}, \"properties\": {\"a\": {\"$ref\": \"#/definitions/p\", \"const\": 5}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/a': value must be 5\n"},
{"id": "schema2/regex-ascii", "values": {"a": "١٢"}, "files": {"values.schema.json": "{\"properties\": {\"a\": {\"pattern\": \"^\\\\d+$\"}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/a': '١٢' does not match pattern '^\\\\d+$'\n"},
{"id": "schema2/regex-w", "values": {"a": "é"}, "files": {"values.schema.json": "{\"properties\": {\"a\": {\"pattern\": \"^\\\\w+$\"}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/a': 'é' does not match pattern '^\\\\w+$'\n"},
{"id": "schema2/pattern-props-d", "values": {"1": 1}, "files": {"values.schema.json": "{\"patternProperties\": {\"^\\\\d$\": {\"type\": \"string\"}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/1': got number, want string\n"},
{"id": "schema2/empty-schema-file", "values": {"a": 1}, "files": {"values.schema.json": ""}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\nEOF"},
{"id": "schema2/ws-schema-file", "values": {"a": 1}, "files": {"values.schema.json": "  \n"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\nEOF"},
{"id": "schema2/trailing", "values": {"a": 1}, "files": {"values.schema.json": "{} x"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\ninvalid character after top-level value"},
{"id": "schema2/bad-char", "values": {"a": 1}, "files": {"values.schema.json": "{\"a\": x}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\ninvalid character 'x' looking for beginning of value"},
{"id": "schema2/bool-true", "values": {"a": 1}, "files": {"values.schema.json": "true"}, "error": null},
{"id": "schema2/bool-false", "values": {"a": 1}, "files": {"values.schema.json": "false"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '': false schema\n"},
{"id": "schema2/enum-num", "values": {"e": "b"}, "files": {"values.schema.json": "{\"properties\": {\"e\": {\"enum\": [1.0, 2000.0, 12345678]}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/e': value must be one of 1.0, 2000.0, 12345678\n"},
{"id": "schema2/enum-int-match", "values": {"e": 1}, "files": {"values.schema.json": "{\"properties\": {\"e\": {\"enum\": [1.0]}}}"}, "error": null},
{"id": "schema2/unique-big", "values": {"l": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143, 144, 145, 146, 147, 148, 149, 150, 151, 152, 153, 154, 155, 156, 157, 158, 159, 160, 161, 162, 163, 164, 165, 166, 167, 168, 169, 170, 171, 172, 173, 174, 175, 176, 177, 178, 179, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 190, 191, 192, 193, 194, 195, 196, 197, 198, 199, 200, 201, 202, 203, 204, 205, 206, 207, 208, 209, 210, 211, 212, 213, 214, 215, 216, 217, 218, 219, 220, 221, 222, 223, 224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, 236, 237, 238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253, 254, 255, 256, 257, 258, 259, 260, 261, 262, 263, 264, 265, 266, 267, 268, 269, 270, 271, 272, 273, 274, 275, 276, 277, 278, 279, 280, 281, 282, 283, 284, 285, 286, 287, 288, 289, 290, 291, 292, 293, 294, 295, 296, 297, 298, 299, 300, 301, 302, 303, 304, 305, 306, 307, 308, 309, 310, 311, 312, 313, 314, 315, 316, 317, 318, 319, 320, 321, 322, 323, 324, 325, 326, 327, 328, 329, 330, 331, 332, 333, 334, 335, 336, 337, 338, 339, 340, 341, 342, 343, 344, 345, 346, 347, 348, 349, 350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 360, 361, 362, 363, 364, 365, 366, 367, 368, 369, 370, 371, 372, 373, 374, 375, 376, 377, 378, 379, 380, 381, 382, 383, 384, 385, 386, 387, 388, 389, 390, 391, 392, 393, 394, 395, 396, 397, 398, 399, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 419, 420, 421, 422, 423, 424, 425, 426, 427, 428, 429, 430, 431, 432, 433, 434, 435, 436, 437, 438, 439, 440, 441, 442, 443, 444, 445, 446, 447, 448, 449, 450, 451, 452, 453, 454, 455, 456, 457, 458, 459, 460, 461, 462, 463, 464, 465, 466, 467, 468, 469, 470, 471, 472, 473, 474, 475, 476, 477, 478, 479, 480, 481, 482, 483, 484, 485, 486, 487, 488, 489, 490, 491, 492, 493, 494, 495, 496, 497, 498, 499, 500, 501, 502, 503, 504, 505, 506, 507, 508, 509, 510, 511, 512, 513, 514, 515, 516, 517, 518, 519, 520, 521, 522, 523, 524, 525, 526, 527, 528, 529, 530, 531, 532, 533, 534, 535, 536, 537, 538, 539, 540, 541, 542, 543, 544, 545, 546, 547, 548, 549, 550, 551, 552, 553, 554, 555, 556, 557, 558, 559, 560, 561, 562, 563, 564, 565, 566, 567, 568, 569, 570, 571, 572, 573, 574, 575, 576, 577, 578, 579, 580, 581, 582, 583, 584, 585, 586, 587, 588, 589, 590, 591, 592, 593, 594, 595, 596, 597, 598, 599, 600, 601, 602, 603, 604, 605, 606, 607, 608, 609, 610, 611, 612, 613, 614, 615, 616, 617, 618, 619, 620, 621, 622, 623, 624, 625, 626, 627, 628, 629, 630, 631, 632, 633, 634, 635, 636, 637, 638, 639, 640, 641, 642, 643, 644, 645, 646, 647, 648, 649, 650, 651, 652, 653, 654, 655, 656, 657, 658, 659, 660, 661, 662, 663, 664, 665, 666, 667, 668, 669, 670, 671, 672, 673, 674, 675, 676, 677, 678, 679, 680, 681, 682, 683, 684, 685, 686, 687, 688, 689, 690, 691, 692, 693, 694, 695, 696, 697, 698, 699, 700, 701, 702, 703, 704, 705, 706, 707, 708, 709, 710, 711, 712, 713, 714, 715, 716, 717, 718, 719, 720, 721, 722, 723, 724, 725, 726, 727, 728, 729, 730, 731, 732, 733, 734, 735, 736, 737, 738, 739, 740, 741, 742, 743, 744, 745, 746, 747, 748, 749, 750, 751, 752, 753, 754, 755, 756, 757, 758, 759, 760, 761, 762, 763, 764, 765, 766, 767, 768, 769, 770, 771, 772, 773, 774, 775, 776, 777, 778, 779, 780, 781, 782, 783, 784, 785, 786, 787, 788, 789, 790, 791, 792, 793, 794, 795, 796, 797, 798, 799, 800, 801, 802, 803, 804, 805, 806, 807, 808, 809, 810, 811, 812, 813, 814, 815, 816, 817, 818, 819, 820, 821, 822, 823, 824, 825, 826, 827, 828, 829, 830, 831, 832, 833, 834, 835, 836, 837, 838, 839, 840, 841, 842, 843, 844, 845, 846, 847, 848, 849, 850, 851, 852, 853, 854, 855, 856, 857, 858, 859, 860, 861, 862, 863, 864, 865, 866, 867, 868, 869, 870, 871, 872, 873, 874, 875, 876, 877, 878, 879, 880, 881, 882, 883, 884, 885, 886, 887, 888, 889, 890, 891, 892, 893, 894, 895, 896, 897, 898, 899, 900, 901, 902, 903, 904, 905, 906, 907, 908, 909, 910, 911, 912, 913, 914, 915, 916, 917, 918, 919, 920, 921, 922, 923, 924, 925, 926, 927, 928, 929, 930, 931, 932, 933, 934, 935, 936, 937, 938, 939, 940, 941, 942, 943, 944, 945, 946, 947, 948, 949, 950, 951, 952, 953, 954, 955, 956, 957, 958, 959, 960, 961, 962, 963, 964, 965, 966, 967, 968, 969, 970, 971, 972, 973, 974, 975, 976, 977, 978, 979, 980, 981, 982, 983, 984, 985, 986, 987, 988, 989, 990, 991, 992, 993, 994, 995, 996, 997, 998, 999, 1000, 5]}, "files": {"values.schema.json": "{\"properties\": {\"l\": {\"uniqueItems\": true}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/l': items at 5 and 1,001 are equal\n"},
{"id": "schema2/oneof-ref-group", "values": {"a": 1.5}, "files": {"values.schema.json": "{\"$defs\": {\"s\": {\"type\": \"string\", \"minLength\": 3}}, \"properties\": {\"a\": {\"oneOf\": [{\"$ref\": \"#/$defs/s\"}, {\"type\": \"integer\"}]}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/a': 'oneOf' failed, none matched\n  - at '/a': got number, want string\n  - at '/a': got number, want integer\n"},
{"id": "schema2/required-nested-obj", "values": {"a": {"y": 2}}, "files": {"values.schema.json": "{\"properties\": {\"a\": {\"type\": \"object\", \"required\": [\"x\"], \"properties\": {\"y\": {\"type\": \"string\"}}}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/a': missing property 'x'\n- at '/a/y': got number, want string\n"},
{"id": "schema2/const-null", "values": {"a": 1}, "files": {"values.schema.json": "{\"properties\": {\"a\": {\"const\": null}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/a': value must be <nil>\n"},
{"id": "schema2/type-null-coalesce", "values": {"a": {"b": null}}, "files": {"values.schema.json": "{\"properties\": {\"a\": {\"type\": \"object\", \"properties\": {\"b\": {\"type\": \"string\"}}}}}"}, "error": null},
{"id": "schema2/dependent-schemas", "values": {"a": 1}, "files": {"values.schema.json": "{\"dependentSchemas\": {\"a\": {\"required\": [\"b\"]}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '': missing property 'b'\n"},
{"id": "schema2/deps-schema-d7", "values": {"a": 1}, "files": {"values.schema.json": "{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"dependencies\": {\"a\": {\"required\": [\"b\"]}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '': missing property 'b'\n"},
{"id": "schema2/ifthen-d6-ignored", "values": {"a": 1}, "files": {"values.schema.json": "{\"$schema\": \"http://json-schema.org/draft-06/schema#\", \"properties\": {\"a\": {\"if\": {\"type\": \"integer\"}, \"then\": {\"minimum\": 5}}}}"}, "error": null},
{"id": "schema2/contains-d6", "values": {"l": [1]}, "files": {"values.schema.json": "{\"$schema\": \"http://json-schema.org/draft-06/schema#\", \"properties\": {\"l\": {\"contains\": {\"type\": \"string\"}}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/l': no items match contains schema\n  - at '/l/0': got number, want string\n"},
{"id": "schema2/format-date", "values": {"a": "2020-13-01", "b": "25:00:00Z", "c": "x", "d": "1:2", "e": "P1X", "f": "a", "g": "("}, "files": {"values.schema.json": "{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"properties\": {\"a\": {\"format\": \"date\"}, \"b\": {\"format\": \"time\"}, \"c\": {\"format\": \"uuid\"}, \"d\": {\"format\": \"ipv6\"}, \"e\": {\"format\": \"duration\"}, \"f\": {\"format\": \"json-pointer\"}, \"g\": {\"format\": \"regex\"}}}"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n- at '/a': '2020-13-01' is not valid date: parsing time \"2020-13-01\": month out of range\n- at '/b': '25:00:00Z' is not valid time: hour/min/sec out of range\n- at '/c': 'x' is not valid uuid: must have 5 elements\n- at '/d': '1:2' is not valid ipv6: ParseAddr(\"1:2\"): address string too short\n- at '/e': 'P1X' is not valid duration: invalid unit 'X'\n- at '/f': 'a' is not valid json-pointer: not starting with /\n- at '/g': '(' is not valid regex: error parsing regexp: missing closing ): `(`\n"},
{"id": "schema2/format-2019", "values": {"a": "x"}, "files": {"values.schema.json": "{\"$schema\": \"https://json-schema.org/draft/2019-09/schema\", \"properties\": {\"a\": {\"format\": \"ipv4\"}}}"}, "error": null},
{"id": "schema2/array-schema", "values": {"a": 1}, "files": {"values.schema.json": "[1]"}, "error": "values don't meet the specifications of the schema(s) in the following chart(s):\nmychart:\n\"file:///values.schema.json#\" is not valid against metaschema: jsonschema validation failed with 'https://json-schema.org/draft/2020-12/schema#'\n- at '': got array, want boolean or object"}
]
"###;

    /// Builds the case's chart (`Chart.yaml` from `chart`, `values.yaml` from `values`,
    /// the other `files`) and validates it as a render does.
    fn run_case(c: &serde_json::Value) -> Option<String> {
        use crate::chart::File;
        use std::sync::Arc;
        let mut meta =
            serde_json::json!({"apiVersion": "v2", "name": "mychart", "version": "0.1.0"});
        if let Some(extra) = c.get("chart").and_then(|v| v.as_object()) {
            for (k, v) in extra {
                meta[k] = v.clone();
            }
        }
        let mut files = vec![
            File {
                name: "Chart.yaml".into(),
                data: Arc::from(meta.to_string().as_bytes()),
            },
            File {
                name: "values.yaml".into(),
                data: Arc::from(c["values"].to_string().as_bytes()),
            },
            File {
                name: "templates/test.yaml".into(),
                data: Arc::from(&b"ok"[..]),
            },
        ];
        for (name, text) in c["files"].as_object().unwrap() {
            files.push(File {
                name: name.clone(),
                data: Arc::from(text.as_str().unwrap().as_bytes()),
            });
        }
        let chart = Arc::new(crate::loader::load_files(files).expect("case chart loads"));
        let user = Map::new();
        let view = crate::deps::process_dependencies(&ChartView::of(&chart), &user).unwrap();
        let vals = crate::values::coalesce_values(&view, &user).unwrap();
        validate(&view, &vals).err().map(|e| e.message)
    }

    #[test]
    fn oracle_cases() {
        let cases: serde_json::Value = serde_json::from_str(ORACLE_CASES).unwrap();
        let mut failures = Vec::new();
        for c in cases.as_array().unwrap() {
            let id = c["id"].as_str().unwrap();
            let got = run_case(c);
            let want = c["error"].as_str().map(str::to_string);
            if got != want {
                failures.push(format!("{id}:\n  got  {got:?}\n  want {want:?}"));
            }
        }
        assert!(
            failures.is_empty(),
            "{} failures:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    #[test]
    fn set_integers_are_integers() {
        // `--set n=5` gives an int64 (Helm's strvals), which is an integer.
        let mut vals = Map::new();
        crate::strvals::parse_set("n=5,f=1.5", &mut vals).unwrap();
        let schema =
            br#"{"properties": {"n": {"type": "integer", "maximum": 4}, "f": {"type": "string"}}}"#;
        assert_eq!(
            validate_single(&vals, schema).unwrap_err(),
            "- at '/n': maximum: got 5, want 4\n"
        );
    }

    #[test]
    fn numbers_format_like_x_text() {
        assert_eq!(fmt_float(1500.0), "1,500");
        assert_eq!(fmt_float(-12345.678), "-12,345.678");
        assert_eq!(fmt_float(123456789.25), "1.2345678925×10⁰⁸");
        assert_eq!(fmt_float(1e21), "1×10²¹");
        assert_eq!(fmt_float(1e-7), "1×10⁻⁰⁷");
        assert_eq!(fmt_float(0.0001), "0.0001");
        assert_eq!(fmt_float(999999.0), "999,999");
        assert_eq!(fmt_int(1001), "1,001");
        assert_eq!(fmt_int(-1234567), "-1,234,567");
    }

    #[test]
    fn decimals_are_exact() {
        let d = |s: &str| Dec::parse(s).unwrap();
        assert_eq!(d("19.99").is_multiple_of(&d("0.01")), Some(true));
        assert_eq!(d("19.999").is_multiple_of(&d("0.01")), Some(false));
        assert_eq!(d("1e300").is_multiple_of(&d("7")), Some(false));
        assert_eq!(d("7e300").is_multiple_of(&d("7")), Some(true));
        assert_eq!(d("0").is_multiple_of(&d("0")), None);
        assert!(d("2.0").is_int());
        assert!(d("1e21").is_int());
        assert!(!d("1.5").is_int());
        assert!(d("-0.0001").cmp(&d("-0.001")).is_gt());
        assert!(d("9007199254740993")
            .cmp(&Dec::from_f64(9007199254740992.0).unwrap())
            .is_gt());
        assert_eq!(Dec::from_f64(f64::NAN), None);
    }

    #[test]
    fn go_regex_semantics() {
        assert!(!go_regex(r"^\d+$").unwrap().is_match("١٢"));
        assert!(go_regex(r"^[\d\s]+$").unwrap().is_match("1 2"));
        assert!(!go_regex(r"^\w$").unwrap().is_match("é"));
        assert!(go_regex(r"^[^\W]$").unwrap().is_match("a"));
        assert_eq!(
            go_regex("a(?=b)").unwrap_err(),
            "error parsing regexp: invalid or unsupported Perl syntax: `(?=`"
        );
    }

    #[test]
    fn hostile_schemas_do_not_crash() {
        let vals = Map::new();
        let deep = "[".repeat(100_000);
        assert!(validate_single(&vals, deep.as_bytes()).is_err());
        let nested = "{\"not\":".repeat(2000) + "{}" + &"}".repeat(2000);
        let _ = validate_single(&vals, nested.as_bytes());
        let cyc = br##"{"$ref": "#"}"##;
        assert!(validate_single(&vals, cyc).is_err());
        assert!(validate_single(&vals, br#"{"multipleOf": 0}"#).is_ok());
        let mut m = Map::new();
        m.insert("n".into(), Value::Float(3.0));
        assert_eq!(
            validate_single(&m, br#"{"properties": {"n": {"multipleOf": 0}}}"#).unwrap_err(),
            "unable to validate schema: division by zero"
        );
        // Deep values through a recursive schema stop at kiln's depth bound.
        let mut deep_vals = Map::new();
        for _ in 0..1000 {
            let mut outer = Map::new();
            outer.insert("a".into(), Value::map(deep_vals));
            deep_vals = outer;
        }
        let rec = br##"{"$defs": {"n": {"type": "object", "properties": {"a": {"$ref": "#/$defs/n"}}}}, "$ref": "#/$defs/n"}"##;
        let e = validate_single(&deep_vals, rec).unwrap_err();
        assert!(e.contains("kiln's limit"), "{e}");
        let nots = "{\"not\":".repeat(150) + "{}" + &"}".repeat(150);
        assert!(validate_single(&vals, nots.as_bytes()).is_ok());
        m.insert("n".into(), Value::Float(f64::NAN));
        assert!(validate_single(&m, br#"{"properties": {"n": {"type": "number"}}}"#).is_ok());
    }

    const CORPUS: &str = "/work/shared/corpus";

    /// Loads a corpus chart and validates it with user values from `files` (paths
    /// relative to the corpus or to the chart), as `engine::render` does.
    fn corpus_validate(
        chart_dir: &std::path::Path,
        files: &[std::path::PathBuf],
    ) -> Result<(), HelmError> {
        use std::sync::Arc;
        let chart = Arc::new(crate::loader::load_dir(chart_dir).expect("chart loads"));
        let mut user = Map::new();
        for f in files {
            let text = std::fs::read_to_string(f).expect("values file");
            user = crate::values::merge_maps(
                user,
                crate::loader::load_values(&text).expect("values parse"),
            );
        }
        let view = crate::deps::process_dependencies(&ChartView::of(&chart), &user).unwrap();
        let vals = crate::values::coalesce_values(&view, &user).unwrap();
        validate(&view, &vals)
    }

    fn has_schema(dir: &std::path::Path) -> bool {
        if dir.join("values.schema.json").exists() {
            return true;
        }
        std::fs::read_dir(dir.join("charts"))
            .map(|rd| {
                rd.flatten()
                    .any(|e| e.path().is_dir() && has_schema(&e.path()))
            })
            .unwrap_or(false)
    }

    /// Every corpus render that passed in Helm (default values, `ci/` files, layered
    /// cluster values) of a chart with a schema somewhere in its tree must validate.
    #[test]
    fn corpus_renders_validate() {
        let base = std::path::Path::new(CORPUS);
        if !base.exists() {
            eprintln!("corpus not present; skipped");
            return;
        }
        let mut checked = 0;
        let mut charts = BTreeSet::new();
        let mut failures = Vec::new();
        let expected = base.join("expected");
        for src in std::fs::read_dir(&expected).unwrap().flatten() {
            for f in std::fs::read_dir(src.path()).unwrap().flatten() {
                let name = f.file_name().to_string_lossy().into_owned();
                let Some(stem) = name.strip_suffix(".json") else {
                    continue;
                };
                let (chart, variant) = match stem.split_once('@') {
                    Some((c, v)) => (c, Some(v)),
                    None => (stem, None),
                };
                let chart_dir = base.join("charts").join(src.file_name()).join(chart);
                if !chart_dir.exists() || !has_schema(&chart_dir) {
                    continue;
                }
                let doc: serde_json::Value =
                    serde_json::from_slice(&std::fs::read(f.path()).unwrap()).unwrap();
                let mut files = Vec::new();
                if let Some(list) = doc.get("values_files").and_then(|v| v.as_array()) {
                    files.extend(list.iter().filter_map(|v| v.as_str()).map(|p| base.join(p)));
                } else if let Some(vf) = doc.get("values_file").and_then(|v| v.as_str()) {
                    files.push(chart_dir.join(vf));
                } else if let Some(v) = variant {
                    files.push(chart_dir.join("ci").join(v));
                }
                checked += 1;
                charts.insert(chart_dir.clone());
                if let Err(e) = corpus_validate(&chart_dir, &files) {
                    failures.push(format!("{}: {}", f.path().display(), e.message));
                }
            }
        }
        eprintln!(
            "{checked} renders of {} charts with schemas validated",
            charts.len()
        );
        assert!(
            failures.is_empty(),
            "{} failures:\n{}",
            failures.len(),
            failures.join("\n")
        );
        assert!(checked > 40);
    }

    /// The corpus chart whose defaults Helm rejects: same message.
    #[test]
    fn corpus_schema_failure() {
        let dir = std::path::Path::new(CORPUS).join("charts/triton/triton-k8s-onprem");
        if !dir.exists() {
            return;
        }
        let e = corpus_validate(&dir, &[]).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Schema);
        assert_eq!(
            e.message,
            format!(
                "{PREFIX}traefik:\n- at '/ports/triton-grpc/expose': got boolean, want object\n- at '/ports/triton-http/expose': got boolean, want object\n"
            )
        );
    }
}
