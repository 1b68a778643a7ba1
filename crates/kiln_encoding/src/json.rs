//! JSON the way Go's `encoding/json` (Go 1.26, v1 semantics) reads and writes template
//! values.
//!
//! Writing (`json.Marshal`, `json.MarshalIndent`, `Encoder` with `SetEscapeHTML(false)`):
//! map keys sorted by bytes, `<`, `>`, `&` escaped as `\u003c`... unless HTML escaping is
//! off, U+2028/U+2029 always escaped, control characters as `\b \f \n \r \t` or `\u00XX`,
//! floats in `'f'` format for 1e-6 ≤ |x| < 1e21 and `'e'` format otherwise (with
//! `e-07` shortened to `e-7`), `[]byte` as base64, NaN and infinities an error
//! (`json: unsupported value: NaN`), complex numbers an error
//! (`json: unsupported type: complex128`).
//!
//! Reading (`json.Unmarshal`): the input is first checked as a whole with the
//! errors of Go's scanner (`invalid character 'x' looking for beginning of value`,
//! `unexpected end of JSON input`, at most 10000 levels of nesting), then decoded with
//! every number a `float64` (a number out of range is `nil` and the error
//! `json: cannot unmarshal number 1e400 into Go value of type float64`, reported after
//! decoding the rest, like Go does).

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use kiln_gotmpl::{ListType, Map, MapRef, MapType, Str, Value};

use crate::gonum::{format_float, parse_float};

/// A Go `encoding/json` error; `message` is Go's `err.Error()`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    /// The error text exactly as Go prints it.
    pub message: String,
}

impl JsonError {
    fn new(s: impl Into<String>) -> JsonError {
        JsonError { message: s.into() }
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for JsonError {}

// ====================================================================== encoding

/// Options of [`encode`]: Go's `Encoder.SetEscapeHTML` and `MarshalIndent`'s prefix and
/// indent (no indentation when `indent` and `prefix` are empty).
#[derive(Clone, Copy, Debug)]
pub struct JsonOptions<'a> {
    /// Escape `<`, `>` and `&` (Go's default).
    pub escape_html: bool,
    /// Prefix of every line after the first (`MarshalIndent`'s `prefix`).
    pub prefix: &'a str,
    /// One level of indentation (`MarshalIndent`'s `indent`).
    pub indent: &'a str,
}

impl Default for JsonOptions<'_> {
    fn default() -> Self {
        JsonOptions {
            escape_html: true,
            prefix: "",
            indent: "",
        }
    }
}

/// `json.Marshal(v)`.
pub fn to_json(v: &Value) -> Result<String, JsonError> {
    encode(v, JsonOptions::default())
}

/// `json.MarshalIndent(v, "", "  ")`, what Sprig's `toPrettyJson` uses.
pub fn to_pretty_json(v: &Value) -> Result<String, JsonError> {
    encode(
        v,
        JsonOptions {
            escape_html: true,
            prefix: "",
            indent: "  ",
        },
    )
}

/// Sprig's `toRawJson`: a `json.Encoder` with `SetEscapeHTML(false)`, trailing newline
/// trimmed.
pub fn to_raw_json(v: &Value) -> Result<String, JsonError> {
    encode(
        v,
        JsonOptions {
            escape_html: false,
            prefix: "",
            indent: "",
        },
    )
}

/// Encodes `v` with the given options (no trailing newline).
pub fn encode(v: &Value, opts: JsonOptions<'_>) -> Result<String, JsonError> {
    let mut e = Encoder {
        out: String::new(),
        opts,
        pretty: !opts.indent.is_empty() || !opts.prefix.is_empty(),
    };
    e.value(v, 0)?;
    Ok(e.out)
}

struct Encoder<'a> {
    out: String,
    opts: JsonOptions<'a>,
    pretty: bool,
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends the JSON string literal of `s` (Go's `appendString`).
pub(crate) fn append_json_string(out: &mut String, s: &str, escape_html: bool) {
    out.push('"');
    let b = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c < 0x80 {
            let safe = c >= 0x20
                && c != b'"'
                && c != b'\\'
                && !(escape_html && (c == b'<' || c == b'>' || c == b'&'));
            if safe {
                i += 1;
                continue;
            }
            out.push_str(&s[start..i]);
            match c {
                b'"' => out.push_str("\\\""),
                b'\\' => out.push_str("\\\\"),
                0x08 => out.push_str("\\b"),
                0x0C => out.push_str("\\f"),
                b'\n' => out.push_str("\\n"),
                b'\r' => out.push_str("\\r"),
                b'\t' => out.push_str("\\t"),
                _ => {
                    out.push_str("\\u00");
                    out.push(HEX[(c >> 4) as usize] as char);
                    out.push(HEX[(c & 0xF) as usize] as char);
                }
            }
            i += 1;
            start = i;
            continue;
        }
        // U+2028 / U+2029 (E2 80 A8 / E2 80 A9).
        if c == 0xE2
            && i + 2 < b.len()
            && b[i + 1] == 0x80
            && (b[i + 2] == 0xA8 || b[i + 2] == 0xA9)
        {
            out.push_str(&s[start..i]);
            out.push_str(if b[i + 2] == 0xA8 {
                "\\u2028"
            } else {
                "\\u2029"
            });
            i += 3;
            start = i;
            continue;
        }
        i += 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Go's float encoding (`floatEncoder` for 64 bits).
pub(crate) fn json_float(f: f64) -> Result<String, JsonError> {
    if !f.is_finite() {
        return Err(JsonError::new(format!(
            "json: unsupported value: {}",
            format_float(f, 'g', false)
        )));
    }
    let abs = f.abs();
    let mut fmt = 'f';
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        fmt = 'e';
    }
    let mut s = format_float(f, fmt, false);
    if fmt == 'e' {
        let n = s.len();
        let b = s.as_bytes();
        if n >= 4 && b[n - 4] == b'e' && b[n - 3] == b'-' && b[n - 2] == b'0' {
            let last = b[n - 1] as char;
            s.truncate(n - 2);
            s.push(last);
        }
    }
    Ok(s)
}

/// Standard base64 with padding (`base64.StdEncoding.EncodeToString`).
pub(crate) fn base64_std(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b0 = chunk[0] as u32;
        let b1 = chunk.get(1).copied().unwrap_or(0) as u32;
        let b2 = chunk.get(2).copied().unwrap_or(0) as u32;
        let n = (b0 << 16) | (b1 << 8) | b2;
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            T[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            T[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

/// What an [`kiln_gotmpl::Object`] encodes as: [`kiln_gotmpl::Object::to_json_value`], or
/// `{}` when it has none.
pub(crate) fn object_json_view(o: &dyn kiln_gotmpl::Object) -> Value {
    o.to_json_value()
        .unwrap_or_else(|| Value::Map(MapRef::new(Map::new()), MapType::Any))
}

impl Encoder<'_> {
    fn newline(&mut self, depth: usize) {
        self.out.push('\n');
        self.out.push_str(self.opts.prefix);
        for _ in 0..depth {
            self.out.push_str(self.opts.indent);
        }
    }

    fn value(&mut self, v: &Value, depth: usize) -> Result<(), JsonError> {
        if self.out.len() > kiln_gotmpl::MAX_OUTPUT_BYTES {
            // Indented output grows with the square of the nesting depth: a value nested
            // 200,000 deep would need 40 GB (Go runs out of memory).
            return Err(JsonError::new(format!(
                "json: output exceeds kiln's limit of {} MiB",
                kiln_gotmpl::MAX_OUTPUT_BYTES >> 20
            )));
        }
        match v {
            Value::Nil => self.out.push_str("null"),
            Value::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i, _) => self.out.push_str(&i.to_string()),
            Value::Uint(u, _) => self.out.push_str(&u.to_string()),
            Value::Float(f) => {
                let s = json_float(*f)?;
                self.out.push_str(&s);
            }
            Value::Complex(..) => return Err(JsonError::new("json: unsupported type: complex128")),
            Value::String(s) => append_json_string(&mut self.out, s, self.opts.escape_html),
            // Go's encoder replaces invalid UTF-8 with U+FFFD.
            Value::RawString(b) => append_json_string(
                &mut self.out,
                &String::from_utf8_lossy(b),
                self.opts.escape_html,
            ),
            Value::Bytes(b) => {
                self.out.push('"');
                self.out.push_str(&base64_std(b));
                self.out.push('"');
            }
            Value::List(l, _) => {
                if l.is_empty() {
                    self.out.push_str("[]");
                    return Ok(());
                }
                self.out.push('[');
                for (i, x) in l.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    if self.pretty {
                        self.newline(depth + 1);
                    }
                    stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.value(x, depth + 1))?;
                }
                if self.pretty {
                    self.newline(depth);
                }
                self.out.push(']');
            }
            Value::Map(m, _) => {
                let snap = m.snapshot();
                self.map(
                    snap.iter().map(|(k, v)| (Cow::Borrowed(&**k), v)),
                    snap.is_empty(),
                    depth,
                )?
            }
            Value::Object(o) => {
                if let Some(fields) = o.json_fields() {
                    self.map(
                        fields.iter().map(|(k, v)| (Cow::Borrowed(k.as_str()), v)),
                        fields.is_empty(),
                        depth,
                    )?;
                } else {
                    let view = object_json_view(o.as_ref());
                    self.value(&view, depth)?;
                }
            }
        }
        Ok(())
    }

    fn map<'v, I>(&mut self, entries: I, empty: bool, depth: usize) -> Result<(), JsonError>
    where
        I: Iterator<Item = (Cow<'v, str>, &'v Value)>,
    {
        if empty {
            self.out.push_str("{}");
            return Ok(());
        }
        self.out.push('{');
        for (i, (k, x)) in entries.enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            if self.pretty {
                self.newline(depth + 1);
            }
            append_json_string(&mut self.out, &k, self.opts.escape_html);
            self.out.push(':');
            if self.pretty {
                self.out.push(' ');
            }
            stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.value(x, depth + 1))?;
        }
        if self.pretty {
            self.newline(depth);
        }
        self.out.push('}');
        Ok(())
    }
}

// ====================================================================== decoding

const MAX_NESTING_DEPTH: usize = 10000;

/// Go's `quoteChar`, for scanner error messages.
fn quote_char(c: u8) -> String {
    match c {
        b'\'' => "'\\''".to_string(),
        b'"' => "'\"'".to_string(),
        _ => {
            let ch = c as char; // a byte converted to the rune U+00XX, as Go's string(c)
            let q = crate::yaml::decode::go_quote(&ch.to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Step {
    BeginValue,
    BeginValueOrEmpty,
    BeginStringOrEmpty,
    BeginString,
    EndValue,
    EndTop,
    InString,
    InStringEsc,
    InStringEscU(u8),
    Neg,
    One,
    Zero,
    Dot,
    Dot0,
    E,
    ESign,
    E0,
    Lit(&'static [u8], u8),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Parse {
    ObjectKey,
    ObjectValue,
    ArrayValue,
}

/// Go's `checkValid`: the first syntax error of `data`.
fn check_valid(data: &[u8]) -> Result<(), JsonError> {
    let mut step = Step::BeginValue;
    let mut stack: Vec<Parse> = Vec::new();
    let mut end_top = false;
    let err = |c: u8, ctx: &str| -> JsonError {
        JsonError::new(format!("invalid character {} {}", quote_char(c), ctx))
    };
    let is_space = |c: u8| c == b' ' || c == b'\t' || c == b'\r' || c == b'\n';
    // Returns Err on error.
    fn end_value(
        c: u8,
        step: &mut Step,
        stack: &mut Vec<Parse>,
        end_top: &mut bool,
        err: &dyn Fn(u8, &str) -> JsonError,
    ) -> Result<(), JsonError> {
        let is_space = |c: u8| c == b' ' || c == b'\t' || c == b'\r' || c == b'\n';
        let n = stack.len();
        if n == 0 {
            *step = Step::EndTop;
            *end_top = true;
            if !is_space(c) {
                return Err(err(c, "after top-level value"));
            }
            return Ok(());
        }
        if is_space(c) {
            *step = Step::EndValue;
            return Ok(());
        }
        match stack[n - 1] {
            Parse::ObjectKey => {
                if c == b':' {
                    stack[n - 1] = Parse::ObjectValue;
                    *step = Step::BeginValue;
                    return Ok(());
                }
                Err(err(c, "after object key"))
            }
            Parse::ObjectValue => {
                if c == b',' {
                    stack[n - 1] = Parse::ObjectKey;
                    *step = Step::BeginString;
                    return Ok(());
                }
                if c == b'}' {
                    stack.pop();
                    if stack.is_empty() {
                        *step = Step::EndTop;
                        *end_top = true;
                    } else {
                        *step = Step::EndValue;
                    }
                    return Ok(());
                }
                Err(err(c, "after object key:value pair"))
            }
            Parse::ArrayValue => {
                if c == b',' {
                    *step = Step::BeginValue;
                    return Ok(());
                }
                if c == b']' {
                    stack.pop();
                    if stack.is_empty() {
                        *step = Step::EndTop;
                        *end_top = true;
                    } else {
                        *step = Step::EndValue;
                    }
                    return Ok(());
                }
                Err(err(c, "after array element"))
            }
        }
    }
    fn begin_value(
        c: u8,
        step: &mut Step,
        stack: &mut Vec<Parse>,
        err: &dyn Fn(u8, &str) -> JsonError,
    ) -> Result<(), JsonError> {
        let is_space = |c: u8| c == b' ' || c == b'\t' || c == b'\r' || c == b'\n';
        if is_space(c) {
            return Ok(());
        }
        match c {
            b'{' => {
                *step = Step::BeginStringOrEmpty;
                stack.push(Parse::ObjectKey);
                if stack.len() > MAX_NESTING_DEPTH {
                    return Err(err(c, "exceeded max depth"));
                }
            }
            b'[' => {
                *step = Step::BeginValueOrEmpty;
                stack.push(Parse::ArrayValue);
                if stack.len() > MAX_NESTING_DEPTH {
                    return Err(err(c, "exceeded max depth"));
                }
            }
            b'"' => *step = Step::InString,
            b'-' => *step = Step::Neg,
            b'0' => *step = Step::Zero,
            b't' => *step = Step::Lit(b"rue", 0),
            b'f' => *step = Step::Lit(b"alse", 0),
            b'n' => *step = Step::Lit(b"ull", 0),
            b'1'..=b'9' => *step = Step::One,
            _ => return Err(err(c, "looking for beginning of value")),
        }
        Ok(())
    }
    let errf: &dyn Fn(u8, &str) -> JsonError = &err;
    let feed = |c: u8,
                step: &mut Step,
                stack: &mut Vec<Parse>,
                end_top: &mut bool|
     -> Result<(), JsonError> {
        match *step {
            Step::BeginValue => begin_value(c, step, stack, errf),
            Step::BeginValueOrEmpty => {
                if is_space(c) {
                    return Ok(());
                }
                if c == b']' {
                    return end_value(c, step, stack, end_top, errf);
                }
                begin_value(c, step, stack, errf)
            }
            Step::BeginStringOrEmpty => {
                if is_space(c) {
                    return Ok(());
                }
                if c == b'}' {
                    let n = stack.len();
                    stack[n - 1] = Parse::ObjectValue;
                    return end_value(c, step, stack, end_top, errf);
                }
                if c == b'"' {
                    *step = Step::InString;
                    return Ok(());
                }
                Err(errf(c, "looking for beginning of object key string"))
            }
            Step::BeginString => {
                if is_space(c) {
                    return Ok(());
                }
                if c == b'"' {
                    *step = Step::InString;
                    return Ok(());
                }
                Err(errf(c, "looking for beginning of object key string"))
            }
            Step::EndValue => end_value(c, step, stack, end_top, errf),
            Step::EndTop => {
                if !is_space(c) {
                    return Err(errf(c, "after top-level value"));
                }
                Ok(())
            }
            Step::InString => {
                if c == b'"' {
                    *step = Step::EndValue;
                } else if c == b'\\' {
                    *step = Step::InStringEsc;
                } else if c < 0x20 {
                    return Err(errf(c, "in string literal"));
                }
                Ok(())
            }
            Step::InStringEsc => match c {
                b'b' | b'f' | b'n' | b'r' | b't' | b'\\' | b'/' | b'"' => {
                    *step = Step::InString;
                    Ok(())
                }
                b'u' => {
                    *step = Step::InStringEscU(0);
                    Ok(())
                }
                _ => Err(errf(c, "in string escape code")),
            },
            Step::InStringEscU(n) => {
                if c.is_ascii_hexdigit() {
                    *step = if n == 3 {
                        Step::InString
                    } else {
                        Step::InStringEscU(n + 1)
                    };
                    Ok(())
                } else {
                    Err(errf(c, "in \\u hexadecimal character escape"))
                }
            }
            Step::Neg => {
                if c == b'0' {
                    *step = Step::Zero;
                    Ok(())
                } else if (b'1'..=b'9').contains(&c) {
                    *step = Step::One;
                    Ok(())
                } else {
                    Err(errf(c, "in numeric literal"))
                }
            }
            Step::One | Step::Zero => {
                if *step == Step::One && c.is_ascii_digit() {
                    return Ok(());
                }
                if c == b'.' {
                    *step = Step::Dot;
                    return Ok(());
                }
                if c == b'e' || c == b'E' {
                    *step = Step::E;
                    return Ok(());
                }
                end_value(c, step, stack, end_top, errf)
            }
            Step::Dot => {
                if c.is_ascii_digit() {
                    *step = Step::Dot0;
                    Ok(())
                } else {
                    Err(errf(c, "after decimal point in numeric literal"))
                }
            }
            Step::Dot0 => {
                if c.is_ascii_digit() {
                    return Ok(());
                }
                if c == b'e' || c == b'E' {
                    *step = Step::E;
                    return Ok(());
                }
                end_value(c, step, stack, end_top, errf)
            }
            Step::E => {
                if c == b'+' || c == b'-' {
                    *step = Step::ESign;
                    return Ok(());
                }
                if c.is_ascii_digit() {
                    *step = Step::E0;
                    return Ok(());
                }
                Err(errf(c, "in exponent of numeric literal"))
            }
            Step::ESign => {
                if c.is_ascii_digit() {
                    *step = Step::E0;
                    Ok(())
                } else {
                    Err(errf(c, "in exponent of numeric literal"))
                }
            }
            Step::E0 => {
                if c.is_ascii_digit() {
                    return Ok(());
                }
                end_value(c, step, stack, end_top, errf)
            }
            Step::Lit(rest, i) => {
                let want = rest[i as usize];
                if c == want {
                    if (i as usize) + 1 == rest.len() {
                        *step = Step::EndValue;
                    } else {
                        *step = Step::Lit(rest, i + 1);
                    }
                    Ok(())
                } else {
                    let word = match rest {
                        b"rue" => "true",
                        b"alse" => "false",
                        _ => "null",
                    };
                    Err(errf(
                        c,
                        &format!("in literal {word} (expecting '{}')", want as char),
                    ))
                }
            }
        }
    };
    for &c in data {
        feed(c, &mut step, &mut stack, &mut end_top)?;
    }
    // eof()
    if end_top {
        return Ok(());
    }
    // eof(): a final space may complete a number or literal, or fail with its own error.
    feed(b' ', &mut step, &mut stack, &mut end_top)?;
    if end_top {
        return Ok(());
    }
    Err(JsonError::new("unexpected end of JSON input"))
}

/// Decoder over input already known to be valid.
struct Dec<'a> {
    b: &'a [u8],
    i: usize,
    err: Option<JsonError>,
}

impl Dec<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\r' | b'\n') {
            self.i += 1;
        }
    }

    fn save(&mut self, e: JsonError) {
        if self.err.is_none() {
            self.err = Some(e);
        }
    }

    fn value(&mut self) -> Value {
        self.ws();
        match self.b.get(self.i).copied() {
            Some(b'{') => {
                self.i += 1;
                Value::Map(MapRef::new(self.object_body()), MapType::Any)
            }
            Some(b'[') => {
                self.i += 1;
                Value::List(
                    Arc::new(kiln_gotmpl::Items::from(self.array_body())),
                    ListType::Any,
                )
            }
            Some(b'"') => Value::String(Str::from(self.string())),
            Some(b't') => {
                self.i += 4;
                Value::Bool(true)
            }
            Some(b'f') => {
                self.i += 5;
                Value::Bool(false)
            }
            Some(b'n') => {
                self.i += 4;
                Value::Nil
            }
            Some(_) => self.number(),
            None => Value::Nil,
        }
    }

    fn number(&mut self) -> Value {
        let st = self.i;
        while self.i < self.b.len()
            && matches!(
                self.b[self.i],
                b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'
            )
        {
            self.i += 1;
        }
        let s = std::str::from_utf8(&self.b[st..self.i]).unwrap_or("0");
        match parse_float(s) {
            Ok(f) => Value::Float(f),
            Err(_) => {
                self.save(JsonError::new(format!(
                    "json: cannot unmarshal number {s} into Go value of type float64"
                )));
                Value::Nil
            }
        }
    }

    fn object_body(&mut self) -> Map {
        let mut m = Map::new();
        self.ws();
        if self.b.get(self.i) == Some(&b'}') {
            self.i += 1;
            return m;
        }
        loop {
            self.ws();
            let k = self.string();
            self.ws();
            self.i += 1; // ':'
            let v = stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.value());
            m.insert(Str::from(k), v);
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                _ => {
                    self.i += 1;
                    break;
                }
            }
        }
        m
    }

    fn array_body(&mut self) -> Vec<Value> {
        let mut l = Vec::new();
        self.ws();
        if self.b.get(self.i) == Some(&b']') {
            self.i += 1;
            return l;
        }
        loop {
            let v = stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.value());
            l.push(v);
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                _ => {
                    self.i += 1;
                    break;
                }
            }
        }
        l
    }

    fn getu4(&self, at: usize) -> Option<u32> {
        if at + 6 > self.b.len() || self.b[at] != b'\\' || self.b[at + 1] != b'u' {
            return None;
        }
        let h = std::str::from_utf8(&self.b[at + 2..at + 6]).ok()?;
        u32::from_str_radix(h, 16).ok()
    }

    /// Go's `unquote` of the string starting at the opening quote.
    fn string(&mut self) -> String {
        self.i += 1;
        let mut out: Vec<u8> = Vec::new();
        while let Some(&c) = self.b.get(self.i) {
            match c {
                b'"' => {
                    self.i += 1;
                    break;
                }
                b'\\' => {
                    let e = self.b.get(self.i + 1).copied().unwrap_or(b'"');
                    match e {
                        b'b' => out.push(0x08),
                        b'f' => out.push(0x0C),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'u' => {
                            let mut r = self.getu4(self.i).unwrap_or(0xFFFD);
                            self.i += 6;
                            if (0xD800..0xE000).contains(&r) {
                                let mut combined = None;
                                if let Some(r2) = self.getu4(self.i) {
                                    if (0xD800..0xDC00).contains(&r)
                                        && (0xDC00..0xE000).contains(&r2)
                                    {
                                        combined =
                                            Some(0x10000 + ((r - 0xD800) << 10) + (r2 - 0xDC00));
                                    }
                                }
                                match combined {
                                    Some(c) => {
                                        self.i += 6;
                                        r = c;
                                    }
                                    None => r = 0xFFFD,
                                }
                            }
                            let ch = char::from_u32(r).unwrap_or('\u{FFFD}');
                            let mut tmp = [0u8; 4];
                            out.extend_from_slice(ch.encode_utf8(&mut tmp).as_bytes());
                            continue;
                        }
                        other => out.push(other), // '"', '\\', '/'
                    }
                    self.i += 2;
                }
                _ => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
        String::from_utf8(out).unwrap_or_else(|e| crate::yaml::decode::go_lossy_utf8(e.as_bytes()))
    }
}

/// `json.Unmarshal(data, &v)` with `v interface{}`: the decoded value and the first
/// error. A syntax error gives `Nil`; a number out of range leaves `Nil` in its place
/// and the decoding goes on (Go's behaviour).
pub fn from_json_partial(text: &str) -> (Value, Option<JsonError>) {
    if let Err(e) = check_valid(text.as_bytes()) {
        return (Value::Nil, Some(e));
    }
    let mut d = Dec {
        b: text.as_bytes(),
        i: 0,
        err: None,
    };
    let v = d.value();
    (v, d.err)
}

/// `json.Unmarshal` into `interface{}`, failing on any error.
pub fn from_json(text: &str) -> Result<Value, JsonError> {
    match from_json_partial(text) {
        (v, None) => Ok(v),
        (_, Some(e)) => Err(e),
    }
}

/// The kind of the top-level JSON value of a valid input.
fn top_kind(text: &str) -> u8 {
    text.bytes()
        .find(|c| !matches!(c, b' ' | b'\t' | b'\r' | b'\n'))
        .unwrap_or(b'n')
}

fn type_mismatch(kind: u8, target: &str) -> JsonError {
    let what = match kind {
        b'{' => "object",
        b'[' => "array",
        b'"' => "string",
        b't' | b'f' => "bool",
        _ => "number",
    };
    JsonError::new(format!(
        "json: cannot unmarshal {what} into Go value of type {target}"
    ))
}

/// `json.Unmarshal(data, &m)` with `m := map[string]interface{}{}` (Helm's `fromJson`):
/// the map (`None` when the input is `null`, which sets Go's map to nil) and the first
/// error. A syntax error or a non-object input leaves the map empty; a number out of
/// range inside the object leaves `Nil` in its place.
pub fn from_json_map(text: &str) -> (Option<Map>, Option<JsonError>) {
    if let Err(e) = check_valid(text.as_bytes()) {
        return (Some(Map::new()), Some(e));
    }
    match top_kind(text) {
        b'{' => {
            let (v, err) = from_json_partial(text);
            match v {
                Value::Map(m, _) => (Some((*m.snapshot()).clone()), err),
                _ => (Some(Map::new()), err),
            }
        }
        b'n' => (None, None),
        k => (
            Some(Map::new()),
            Some(type_mismatch(k, "map[string]interface {}")),
        ),
    }
}

/// `json.Unmarshal(data, &a)` with `a := []interface{}{}` (Helm's `fromJsonArray`): the
/// list (`None` for `null`) and the first error.
pub fn from_json_array(text: &str) -> (Option<Vec<Value>>, Option<JsonError>) {
    if let Err(e) = check_valid(text.as_bytes()) {
        return (Some(Vec::new()), Some(e));
    }
    match top_kind(text) {
        b'[' => {
            let (v, err) = from_json_partial(text);
            match v {
                Value::List(l, _) => (Some(kiln_gotmpl::Items::unwrap_or_clone(l)), err),
                _ => (Some(Vec::new()), err),
            }
        }
        b'n' => (None, None),
        k => (Some(Vec::new()), Some(type_mismatch(k, "[]interface {}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats() {
        assert_eq!(json_float(1e21).unwrap(), "1e+21");
        assert_eq!(json_float(1e-7).unwrap(), "1e-7");
        assert_eq!(json_float(1e20).unwrap(), "100000000000000000000");
        assert_eq!(json_float(0.000001).unwrap(), "0.000001");
        assert_eq!(json_float(1.5).unwrap(), "1.5");
        assert_eq!(json_float(-0.0).unwrap(), "-0");
        assert_eq!(
            json_float(f64::NAN).unwrap_err().message,
            "json: unsupported value: NaN"
        );
    }

    #[test]
    fn errors() {
        assert_eq!(
            from_json("{bad").unwrap_err().message,
            "invalid character 'b' looking for beginning of object key string"
        );
        assert_eq!(
            from_json("").unwrap_err().message,
            "unexpected end of JSON input"
        );
        assert_eq!(
            from_json("{} x").unwrap_err().message,
            "invalid character 'x' after top-level value"
        );
        assert_eq!(
            from_json("[1,]").unwrap_err().message,
            "invalid character ']' looking for beginning of value"
        );
        assert_eq!(
            from_json_map("[1]").1.unwrap().message,
            "json: cannot unmarshal array into Go value of type map[string]interface {}"
        );
    }

    #[test]
    fn strings() {
        let mut s = String::new();
        append_json_string(&mut s, "<a&b>\u{2028}\u{1}\u{8}", true);
        assert_eq!(s, "\"\\u003ca\\u0026b\\u003e\\u2028\\u0001\\b\"");
        assert_eq!(
            from_json("\"\\ud83d\\ude00\\ud800x\"").unwrap(),
            Value::str("😀\u{FFFD}x")
        );
    }
}
