//! Values to YAML text.
//!
//! [`marshal_v2`] is `sigs.k8s.io/yaml.Marshal` (v1.6.0): `json.Marshal`, then goyaml.v2
//! reads that JSON back (numbers resolve to `int`, `uint64` or `float64`; a JSON key
//! longer than libyaml's 1024-character simple-key limit, nesting deeper than 10000
//! levels, or a character the YAML reader refuses make it fail) and goyaml.v2's encoder
//! writes it (`encode.go`: keys sorted by `keyList`, strings quoted when they would
//! resolve to something else, literal style for multi-line strings).
//!
//! [`marshal_v3`] is goyaml.v3's encoder (v3.0.4) run directly on the value with
//! `SetIndent(2)`, which Helm's `toYamlPretty` uses.

use std::sync::Arc;

use kiln_gotmpl::Value;

use super::emitter::{Emitter, Ev, Flavor};
use super::resolve::{is_base60_float, v2_plain_ok};
use super::scanner::{reader_allows, ScalarStyle};
use super::sort::sorted_keys;
use crate::gonum::{format_float, parse_int, parse_uint};
use crate::json::{base64_std, json_float, object_json_view};

/// Why marshalling failed, with Go's error text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MarshalError {
    /// The error text as Go prints it (e.g. `error marshaling into JSON: json: unsupported
    /// value: NaN`).
    pub message: String,
}

impl std::fmt::Display for MarshalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for MarshalError {}

fn err(s: impl Into<String>) -> MarshalError {
    MarshalError { message: s.into() }
}

/// Length in characters of the JSON string literal of `s` (quotes included).
fn json_literal_chars(s: &str) -> usize {
    let mut n = 2;
    for c in s.chars() {
        n += match c {
            '"' | '\\' | '\u{8}' | '\u{c}' | '\n' | '\r' | '\t' => 2,
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => 6,
            c if (c as u32) < 0x20 => 6,
            _ => 1,
        };
    }
    n
}

/// Checks what goyaml's reader would refuse in the JSON text of `s` (characters JSON
/// leaves unescaped: DEL, C1 controls other than NEL, U+FFFE, U+FFFF).
fn check_reader(s: &str) -> Result<(), MarshalError> {
    if s.chars().any(|c| (c as u32) >= 0x20 && !reader_allows(c)) {
        return Err(err("yaml: control characters are not allowed"));
    }
    Ok(())
}

/// What goyaml.v2 reads back from the JSON string literal of `s` when `s` holds NEL
/// (U+0085): JSON leaves NEL raw and YAML takes it for a line break inside the
/// double-quoted scalar, folding it like libyaml's `scan_flow_scalar` (a lone break
/// becomes a space, blanks around breaks vanish, further breaks stay as `\n`). A break
/// followed by `---` or `...` and a blank is a document indicator, an error.
fn fold_nel(s: &str) -> Result<String, MarshalError> {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    let blank_or_break = |c: char| c == ' ' || c == '\u{85}';
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut column_zero = false;
    loop {
        if column_zero
            && i + 3 <= n
            && (chars[i..i + 3] == ['-', '-', '-'] || chars[i..i + 3] == ['.', '.', '.'])
            && chars.get(i + 3).is_some_and(|&c| blank_or_break(c))
        {
            return Err(err("yaml: found unexpected document indicator"));
        }
        while i < n && !blank_or_break(chars[i]) {
            out.push(chars[i]);
            i += 1;
            column_zero = false;
        }
        if i == n {
            break;
        }
        let mut leading_blanks = false;
        let mut whitespaces = String::new();
        let mut trailing_breaks = String::new();
        while i < n && blank_or_break(chars[i]) {
            if chars[i] == ' ' {
                if !leading_blanks {
                    whitespaces.push(' ');
                }
                column_zero = false;
            } else {
                if !leading_blanks {
                    whitespaces.clear();
                    leading_blanks = true;
                } else {
                    trailing_breaks.push('\n');
                }
                column_zero = true;
            }
            i += 1;
        }
        if leading_blanks {
            if trailing_breaks.is_empty() {
                out.push(' ');
            } else {
                out.push_str(&trailing_breaks);
            }
        } else {
            out.push_str(&whitespaces);
        }
    }
    Ok(out)
}

/// goyaml.v2 `stringv` style choice for an untagged string.
fn v2_string_event(s: String) -> Ev {
    let style = if s.contains('\n') {
        ScalarStyle::Literal
    } else if v2_plain_ok(&s) {
        ScalarStyle::Plain
    } else {
        ScalarStyle::DoubleQuoted
    };
    Ev::Scalar(s, style)
}

struct V2Builder {
    events: Vec<Ev>,
}

impl V2Builder {
    fn value(&mut self, v: &Value, depth: usize) -> Result<(), MarshalError> {
        match v {
            // The JSON round trip replaces invalid UTF-8 with U+FFFD.
            Value::RawString(b) => {
                return self.value(&Value::from(String::from_utf8_lossy(b).into_owned()), depth)
            }
            Value::Nil => self
                .events
                .push(Ev::Scalar("null".into(), ScalarStyle::Plain)),
            Value::Bool(b) => self.events.push(Ev::Scalar(
                if *b { "true" } else { "false" }.into(),
                ScalarStyle::Plain,
            )),
            Value::Int(i, _) => self
                .events
                .push(Ev::Scalar(i.to_string(), ScalarStyle::Plain)),
            Value::Uint(u, _) => self
                .events
                .push(Ev::Scalar(u.to_string(), ScalarStyle::Plain)),
            Value::Float(f) => {
                let text =
                    json_float(*f).map_err(|e| err(format!("error marshaling into JSON: {e}")))?;
                // goyaml.v2 resolves the JSON number: int, then uint64, then float.
                let out = if let Ok(i) = parse_int(&text, 0) {
                    i.to_string()
                } else if let Ok(u) = parse_uint(&text, 0) {
                    u.to_string()
                } else {
                    format_float(*f, 'g', false)
                };
                self.events.push(Ev::Scalar(out, ScalarStyle::Plain));
            }
            Value::Complex(..) => {
                return Err(err(
                    "error marshaling into JSON: json: unsupported type: complex128",
                ));
            }
            Value::String(s) => {
                check_reader(s)?;
                let s = if s.contains('\u{85}') {
                    fold_nel(s)?
                } else {
                    s.to_string()
                };
                self.events.push(v2_string_event(s));
            }
            Value::Bytes(b) => self.events.push(v2_string_event(base64_std(b))),
            Value::List(l, _) => {
                if depth >= 10000 {
                    return Err(err("yaml: exceeded max depth of 10000"));
                }
                self.events.push(Ev::SeqStart);
                for x in l.iter() {
                    stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.value(x, depth + 1))?;
                }
                self.events.push(Ev::SeqEnd);
            }
            Value::Map(m, _) => {
                if depth >= 10000 {
                    return Err(err("yaml: exceeded max depth of 10000"));
                }
                let snap = m.snapshot();
                for k in snap.keys() {
                    check_reader(k)?;
                    // A key must be a simple key on one line, at most 1024 characters.
                    if json_literal_chars(k) > 1024 || k.contains('\u{85}') {
                        return Err(err("yaml: did not find expected ',' or '}'"));
                    }
                }
                let keys = sorted_keys(snap.iter(), false);
                self.events.push(Ev::MapStart);
                for (k, x) in keys {
                    self.events.push(v2_string_event(k.to_string()));
                    stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.value(x, depth + 1))?;
                }
                self.events.push(Ev::MapEnd);
            }
            Value::Object(o) => {
                let view = object_json_view(o.as_ref());
                self.value(&view, depth)?;
            }
        }
        Ok(())
    }
}

/// Finds the first `json.Marshal` error in Go's traversal order (maps by sorted key).
fn json_marshal_check(v: &Value) -> Result<(), MarshalError> {
    match v {
        Value::Float(f) if !f.is_finite() => json_float(*f)
            .map(|_| ())
            .map_err(|e| err(format!("error marshaling into JSON: {e}"))),
        Value::Complex(..) => Err(err(
            "error marshaling into JSON: json: unsupported type: complex128",
        )),
        Value::List(l, _) => {
            for x in l.iter() {
                stacker::maybe_grow(64 * 1024, 1024 * 1024, || json_marshal_check(x))?;
            }
            Ok(())
        }
        Value::Map(m, _) => {
            for x in m.snapshot().values() {
                stacker::maybe_grow(64 * 1024, 1024 * 1024, || json_marshal_check(x))?;
            }
            Ok(())
        }
        Value::Object(o) => json_marshal_check(&object_json_view(o.as_ref())),
        _ => Ok(()),
    }
}

/// `sigs.k8s.io/yaml.Marshal(v)`: the YAML text, ending with a newline.
pub fn marshal_v2(v: &Value) -> Result<String, MarshalError> {
    json_marshal_check(v)?;
    let mut b = V2Builder {
        events: vec![Ev::StreamStart, Ev::DocStart],
    };
    b.value(v, 0)?;
    b.events.push(Ev::DocEnd);
    b.events.push(Ev::StreamEnd);
    let mut e = Emitter::new(Flavor::V2, 2);
    e.emit_all(&b.events);
    Ok(e.into_string())
}

// ------------------------------------------------------------------ v3

/// goyaml.v3's `isOldBool`.
fn is_old_bool(s: &str) -> bool {
    matches!(
        s,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "on"
            | "On"
            | "ON"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "off"
            | "Off"
            | "OFF"
    )
}

fn v3_string_event(s: String) -> Ev {
    let plain_ok = v2_plain_ok(&s) && !is_base60_float(&s) && !is_old_bool(&s);
    let style = if s.contains('\n') {
        ScalarStyle::Literal
    } else if plain_ok {
        ScalarStyle::Plain
    } else {
        ScalarStyle::DoubleQuoted
    };
    Ev::Scalar(s, style)
}

fn v3_float(f: f64) -> String {
    let s = format_float(f, 'g', false);
    match s.as_str() {
        "+Inf" => ".inf".into(),
        "-Inf" => "-.inf".into(),
        "NaN" => ".nan".into(),
        _ => s,
    }
}

struct V3Builder {
    events: Vec<Ev>,
}

impl V3Builder {
    fn value(&mut self, v: &Value) -> Result<(), MarshalError> {
        match v {
            Value::Nil => self
                .events
                .push(Ev::Scalar("null".into(), ScalarStyle::Plain)),
            Value::Bool(b) => self.events.push(Ev::Scalar(
                if *b { "true" } else { "false" }.into(),
                ScalarStyle::Plain,
            )),
            Value::Int(i, _) => self
                .events
                .push(Ev::Scalar(i.to_string(), ScalarStyle::Plain)),
            Value::Uint(u, _) => self
                .events
                .push(Ev::Scalar(u.to_string(), ScalarStyle::Plain)),
            Value::Float(f) => self
                .events
                .push(Ev::Scalar(v3_float(*f), ScalarStyle::Plain)),
            Value::Complex(..) => return Err(err("cannot marshal type: complex128")),
            Value::String(s) => self.events.push(v3_string_event(s.to_string())),
            Value::RawString(b) => self
                .events
                .push(v3_string_event(String::from_utf8_lossy(b).into_owned())),
            Value::Bytes(b) => {
                // A []byte is a slice of uint8 numbers for goyaml.v3.
                let items: Vec<Value> = b
                    .iter()
                    .map(|&x| Value::Uint(x as u64, kiln_gotmpl::UintType::Uint8))
                    .collect();
                self.value(&Value::List(
                    Arc::new(kiln_gotmpl::Items::from(items)),
                    kiln_gotmpl::ListType::Any,
                ))?;
            }
            Value::List(l, _) => {
                self.events.push(Ev::SeqStart);
                for x in l.iter() {
                    stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.value(x))?;
                }
                self.events.push(Ev::SeqEnd);
            }
            Value::Map(m, _) => {
                let snap = m.snapshot();
                let keys = sorted_keys(snap.iter(), true);
                self.events.push(Ev::MapStart);
                for (k, x) in keys {
                    self.events.push(v3_string_event(k.to_string()));
                    stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.value(x))?;
                }
                self.events.push(Ev::MapEnd);
            }
            Value::Object(o) => {
                if let Some(u) = o.underlying() {
                    return self.value(&u);
                }
                // goyaml.v3 names struct fields by their lowercased Go name.
                let fields = o.fields();
                if fields.is_empty() {
                    return self.value(&object_json_view(o.as_ref()));
                }
                self.events.push(Ev::MapStart);
                for (k, x) in fields {
                    self.events.push(v3_string_event(k.to_lowercase()));
                    self.value(&x)?;
                }
                self.events.push(Ev::MapEnd);
            }
        }
        Ok(())
    }
}

/// goyaml.v3 `Encoder` with `SetIndent(indent)` encoding one document: the YAML text,
/// ending with a newline.
pub fn marshal_v3(v: &Value, indent: usize) -> Result<String, MarshalError> {
    let mut b = V3Builder {
        events: vec![Ev::StreamStart, Ev::DocStart],
    };
    b.value(v)?;
    b.events.push(Ev::DocEnd);
    let mut e = Emitter::new(Flavor::V3, indent as isize);
    e.emit_all(&b.events);
    Ok(e.into_string())
}
