//! The TOML encoder of `github.com/BurntSushi/toml` v1.6.0 (`encode.go`) on template
//! values: tables after plain keys, keys sorted by bytes, sub-tables as `[a.b]` headers
//! indented by two spaces per level, arrays of tables as `[[a]]`, inline `{k = v}` tables
//! inside arrays, floats always with a decimal point or exponent, nil values skipped, and
//! BurntSushi's errors (`toml: cannot encode array with nil element`, ...).

use kiln_gotmpl::Value;

use super::TomlError;
use crate::gonum::format_float;

struct Enc {
    out: String,
    has_written: bool,
}

type EResult = Result<(), TomlError>;

fn err(s: impl Into<String>) -> TomlError {
    TomlError {
        message: s.into(),
        line: None,
    }
}

/// BurntSushi's `tomlType` of a value (`None` for nil).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum TType {
    Bool,
    Integer,
    Float,
    String,
    Array,
    ArrayHash,
    Hash,
}

fn map_entries(v: &Value) -> Option<Vec<(String, Value)>> {
    match v {
        Value::Map(m, _) => Some(
            m.snapshot()
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        ),
        Value::Object(o) => {
            if let Some(u) = o.underlying() {
                return map_entries(&u);
            }
            Some(
                o.fields()
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect(),
            )
        }
        _ => None,
    }
}

fn list_items(v: &Value) -> Option<Vec<Value>> {
    match v {
        Value::List(l, _) => Some(l.to_vec()),
        Value::Bytes(b) => Some(
            b.iter()
                .map(|&x| Value::Uint(x as u64, kiln_gotmpl::UintType::Uint8))
                .collect(),
        ),
        Value::Object(o) => match o.underlying() {
            Some(u) => list_items(&u),
            None => None,
        },
        _ => None,
    }
}

fn is_table_array(items: &[Value]) -> Result<bool, TomlError> {
    if items.is_empty() {
        return Ok(false);
    }
    let mut ret = true;
    for it in items {
        let t = toml_type(it)?;
        match t {
            None => return Err(err("toml: cannot encode array with nil element")),
            Some(TType::Hash) => {}
            Some(_) => ret = false,
        }
    }
    Ok(ret)
}

fn toml_type(v: &Value) -> Result<Option<TType>, TomlError> {
    Ok(Some(match v {
        Value::Nil => return Ok(None),
        Value::Bool(_) => TType::Bool,
        Value::Int(..) | Value::Uint(..) => TType::Integer,
        Value::Float(_) => TType::Float,
        Value::String(_) | Value::RawString(_) => TType::String,
        Value::Complex(..) => return Err(err("unsupported type: complex128")),
        Value::Map(..) => TType::Hash,
        Value::List(..) | Value::Bytes(_) => {
            let items = list_items(v).unwrap_or_default();
            // Lists can nest arbitrarily deep (templates build them): grow the stack.
            if stacker::maybe_grow(64 * 1024, 1024 * 1024, || is_table_array(&items))? {
                TType::ArrayHash
            } else {
                TType::Array
            }
        }
        Value::Object(o) => match o.underlying() {
            Some(u) => return toml_type(&u),
            None => TType::Hash,
        },
    }))
}

fn is_table(t: Option<TType>) -> bool {
    matches!(t, Some(TType::Hash) | Some(TType::ArrayHash))
}

/// BurntSushi's `dblQuotedReplacer` between double quotes.
pub(crate) fn quote_pub(s: &str) -> String {
    quote(s)
}

/// BurntSushi's `dblQuotedReplacer`.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn bare_ok(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|r| r.is_ascii_alphanumeric() || r == '_' || r == '-')
}

fn key_part(k: &str) -> String {
    if k.is_empty() {
        "\"\"".to_string()
    } else if bare_ok(k) {
        k.to_string()
    } else {
        quote(k)
    }
}

fn key_string(key: &[String]) -> String {
    key.iter()
        .map(|k| key_part(k))
        .collect::<Vec<_>>()
        .join(".")
}

fn float_text(f: f64) -> String {
    if f.is_nan() {
        return if f.is_sign_negative() { "-nan" } else { "nan" }.into();
    }
    if f.is_infinite() {
        return if f < 0.0 { "-inf" } else { "inf" }.into();
    }
    let s = format_float(f, 'g', false);
    if s.contains('e') || s.contains('.') {
        s
    } else {
        s + ".0"
    }
}

impl Enc {
    fn write(&mut self, s: &str) {
        self.out.push_str(s);
        self.has_written = true;
    }

    fn newline(&mut self) {
        if self.has_written {
            self.write("\n");
        }
    }

    fn indent(&self, key: &[String]) -> String {
        "  ".repeat(key.len().saturating_sub(1))
    }

    fn encode(&mut self, key: &[String], v: &Value) -> EResult {
        if key.len() > MAX_TOML_DEPTH {
            return Err(err(format!(
                "toml: tables nested more than {MAX_TOML_DEPTH} deep (kiln's limit)"
            )));
        }
        if self.out.len() > kiln_gotmpl::MAX_OUTPUT_BYTES {
            // Every nested table repeats its whole key path: the output grows with the
            // square of the nesting depth.
            return Err(err(format!(
                "toml: output exceeds kiln's limit of {} MiB",
                kiln_gotmpl::MAX_OUTPUT_BYTES >> 20
            )));
        }
        match v {
            Value::Nil => Ok(()),
            Value::Bool(_)
            | Value::Int(..)
            | Value::Uint(..)
            | Value::Float(_)
            | Value::String(_)
            | Value::RawString(_) => self.write_key_value(key, v, false),
            Value::List(..) | Value::Bytes(_) => {
                if toml_type(v)? == Some(TType::ArrayHash) {
                    self.array_of_tables(key, v)
                } else {
                    self.write_key_value(key, v, false)
                }
            }
            Value::Map(..) => self.table(key, v),
            Value::Object(o) => match o.underlying() {
                Some(u) => self.encode(key, &u),
                None => self.table(key, v),
            },
            Value::Complex(..) => Err(err(format!(
                "unsupported type for key '{}': complex128",
                key_string(key)
            ))),
        }
    }

    fn element(&mut self, v: &Value) -> EResult {
        match v {
            Value::String(s) => self.write(&quote(s)),
            Value::RawString(b) => self.write(&quote(&String::from_utf8_lossy(b))),
            Value::Bool(b) => self.write(if *b { "true" } else { "false" }),
            Value::Int(i, _) => self.write(&i.to_string()),
            Value::Uint(u, _) => self.write(&u.to_string()),
            Value::Float(f) => self.write(&float_text(*f)),
            Value::List(..) | Value::Bytes(_) => {
                let items = list_items(v).unwrap_or_default();
                self.write("[");
                for (i, it) in items.iter().enumerate() {
                    stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.element(it))?;
                    if i != items.len() - 1 {
                        self.write(", ");
                    }
                }
                self.write("]");
            }
            Value::Map(..) => self.map(&[], v, true)?,
            Value::Object(o) => match o.underlying() {
                Some(u) => self.element(&u)?,
                None => self.map(&[], v, true)?,
            },
            Value::Nil => return Err(err("unexpected type: <nil>")),
            Value::Complex(..) => return Err(err("unexpected type: complex128")),
        }
        Ok(())
    }

    fn array_of_tables(&mut self, key: &[String], v: &Value) -> EResult {
        if key.is_empty() {
            return Err(err("toml: top-level values must be Go maps or structs"));
        }
        for it in list_items(v).unwrap_or_default() {
            if it.is_nil() {
                continue;
            }
            self.newline();
            let line = format!("{}[[{}]]", self.indent(key), key_string(key));
            self.write(&line);
            self.newline();
            self.map(key, &it, false)?;
        }
        Ok(())
    }

    fn table(&mut self, key: &[String], v: &Value) -> EResult {
        if key.len() == 1 {
            self.newline();
        }
        if !key.is_empty() {
            let line = format!("{}[{}]", self.indent(key), key_string(key));
            self.write(&line);
            self.newline();
        }
        self.map(key, v, false)
    }

    fn map(&mut self, key: &[String], v: &Value, inline: bool) -> EResult {
        let entries = map_entries(v).unwrap_or_default();
        let mut direct: Vec<(String, Value)> = Vec::new();
        let mut sub: Vec<(String, Value)> = Vec::new();
        for (k, x) in entries {
            if is_table(toml_type(&x)?) {
                sub.push((k, x));
            } else {
                direct.push((k, x));
            }
        }
        if inline {
            self.write("{");
        }
        let trail = !sub.is_empty();
        self.write_map_keys(key, direct, trail, inline)?;
        self.write_map_keys(key, sub, false, inline)?;
        if inline {
            self.write("}");
        }
        Ok(())
    }

    fn write_map_keys(
        &mut self,
        key: &[String],
        mut keys: Vec<(String, Value)>,
        trail: bool,
        inline: bool,
    ) -> EResult {
        keys.sort_by(|a, b| a.0.cmp(&b.0));
        let n = keys.len();
        for (i, (k, x)) in keys.into_iter().enumerate() {
            if x.is_nil() {
                continue;
            }
            if inline {
                self.write_key_value(&[k], &x, true)?;
                if trail || i != n - 1 {
                    self.write(", ");
                }
            } else {
                let mut kk = key.to_vec();
                kk.push(k);
                stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.encode(&kk, &x))?;
            }
        }
        Ok(())
    }

    fn write_key_value(&mut self, key: &[String], v: &Value, inline: bool) -> EResult {
        if key.is_empty() {
            return self.element(v);
        }
        let line = format!("{}{} = ", self.indent(key), key_part(&key[key.len() - 1]));
        self.write(&line);
        self.element(v)?;
        if !inline {
            self.newline();
        }
        Ok(())
    }
}

/// How deep tables may nest in `toToml`. Go's encoder has no limit, but every level
/// copies and prints the whole key path, so time and output grow with the square of the
/// depth (a map nested 200,000 deep takes Go minutes and gigabytes).
const MAX_TOML_DEPTH: usize = 1_000;

/// BurntSushi's `Encoder.Encode(v)`: the TOML text, or the encoder's error (kiln adds
/// two limits: tables nested more than 1,000 deep, output over 128 MiB).
pub fn encode_toml(v: &Value) -> Result<String, TomlError> {
    if v.is_nil() {
        // Go's encoder calls reflect.Value.Type on the invalid value of a nil interface.
        return Err(TomlError {
            message: "reflect: call of reflect.Value.Type on zero Value".into(),
            line: None,
        });
    }
    let mut e = Enc {
        out: String::new(),
        has_written: false,
    };
    e.encode(&[], v)?;
    Ok(e.out)
}
