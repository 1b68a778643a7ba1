//! An ordered JSON document and a writer that produces the same bytes as Python's
//! `json.dump(obj, indent=2)` (ASCII-only output, `\uXXXX` escapes), so that
//! `fleet.json` can be compared byte for byte with the reference implementation's.

use std::fmt::Write;

use kiln_gotmpl::Value;

/// A JSON value whose objects keep insertion order.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    /// An empty object.
    pub fn obj() -> Json {
        Json::Obj(Vec::new())
    }

    /// Appends a key (objects only).
    pub fn push(&mut self, key: &str, value: impl Into<Json>) {
        if let Json::Obj(v) = self {
            v.push((key.to_string(), value.into()));
        }
    }

    /// Builder form of [`Json::push`].
    pub fn with(mut self, key: &str, value: impl Into<Json>) -> Json {
        self.push(key, value);
        self
    }

    /// Converts a decoded YAML/JSON value (maps in key order, as Python's JSON round trip
    /// of the reference implementation would emit them after `sort_keys`... not applied:
    /// maps here are already sorted).
    pub fn from_value(v: &Value) -> Json {
        match v {
            Value::Nil => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Int(i, _) => Json::Int(*i),
            Value::Uint(u, _) => Json::Int(*u as i64),
            Value::Float(f) => {
                if f.fract() == 0.0 && f.abs() < 1e15 {
                    Json::Int(*f as i64)
                } else {
                    Json::Float(*f)
                }
            }
            Value::String(s) => Json::Str(s.to_string()),
            Value::List(l, _) => Json::Arr(l.iter().map(Json::from_value).collect()),
            Value::Map(m, _) => Json::Obj(
                m.snapshot()
                    .iter()
                    .map(|(k, v)| (k.to_string(), Json::from_value(v)))
                    .collect(),
            ),
            other => {
                let mut s = String::new();
                kiln_gotmpl::fmt::write_value(&mut s, other);
                Json::Str(s)
            }
        }
    }

    /// Python's `json.dumps(self, indent=2)`.
    pub fn to_python_string(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, 0);
        out
    }

    fn write(&self, out: &mut String, level: usize) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Int(i) => {
                let _ = write!(out, "{i}");
            }
            Json::Float(f) => out.push_str(&python_float_repr(*f)),
            Json::Str(s) => write_str(out, s),
            Json::Arr(a) => {
                if a.is_empty() {
                    out.push_str("[]");
                    return;
                }
                out.push('[');
                for (i, v) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, level + 1);
                    v.write(out, level + 1);
                }
                newline(out, level);
                out.push(']');
            }
            Json::Obj(o) => {
                if o.is_empty() {
                    out.push_str("{}");
                    return;
                }
                out.push('{');
                for (i, (k, v)) in o.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, level + 1);
                    write_str(out, k);
                    out.push_str(": ");
                    v.write(out, level + 1);
                }
                newline(out, level);
                out.push('}');
            }
        }
    }
}

fn newline(out: &mut String, level: usize) {
    out.push('\n');
    for _ in 0..level {
        out.push_str("  ");
    }
}

fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    let _ = write!(out, "\\u{:04x}", unit);
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Python's `repr(float)`: the shortest round-trip digits, exponent form outside
/// `1e-4 <= |x| < 1e16`.
fn python_float_repr(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    let s = kiln_gotmpl::fmt::format_float(f, b'e', -1);
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..16).contains(&exp) {
        let r = kiln_gotmpl::fmt::format_float(f, b'f', -1);
        if r.contains('.') {
            r
        } else {
            format!("{r}.0")
        }
    } else {
        let sign = if exp < 0 { "-" } else { "+" };
        format!("{mant}e{sign}{:02}", exp.abs())
    }
}

impl From<&str> for Json {
    fn from(s: &str) -> Json {
        Json::Str(s.to_string())
    }
}

impl From<String> for Json {
    fn from(s: String) -> Json {
        Json::Str(s)
    }
}

impl From<bool> for Json {
    fn from(b: bool) -> Json {
        Json::Bool(b)
    }
}

impl From<usize> for Json {
    fn from(n: usize) -> Json {
        Json::Int(n as i64)
    }
}

impl From<Option<String>> for Json {
    fn from(s: Option<String>) -> Json {
        s.map(Json::Str).unwrap_or(Json::Null)
    }
}

impl From<Vec<Json>> for Json {
    fn from(v: Vec<Json>) -> Json {
        Json::Arr(v)
    }
}

impl Json {
    /// Parses JSON text, keeping the key order of objects (e.g. a `fleet.json`).
    ///
    /// # Errors
    /// serde_json's message, with line and column.
    pub fn parse(text: &str) -> Result<Json, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    /// The value of `key` (objects only).
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(o) => o.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// Deserialises with serde (serde_json's parser), objects in document order.
impl<'de> serde::Deserialize<'de> for Json {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Json, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> serde::de::Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Json, E> {
        Ok(Json::Bool(b))
    }
    fn visit_i64<E>(self, i: i64) -> Result<Json, E> {
        Ok(Json::Int(i))
    }
    fn visit_u64<E>(self, u: u64) -> Result<Json, E> {
        Ok(i64::try_from(u).map_or(Json::Float(u as f64), Json::Int))
    }
    fn visit_f64<E>(self, f: f64) -> Result<Json, E> {
        Ok(Json::Float(f))
    }
    fn visit_str<E>(self, s: &str) -> Result<Json, E> {
        Ok(Json::Str(s.to_string()))
    }
    fn visit_string<E>(self, s: String) -> Result<Json, E> {
        Ok(Json::Str(s))
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut v = Vec::new();
        while let Some(x) = seq.next_element()? {
            v.push(x);
        }
        Ok(Json::Arr(v))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut v = Vec::new();
        while let Some((k, x)) = map.next_entry::<String, Json>()? {
            v.push((k, x));
        }
        Ok(Json::Obj(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_layout() {
        let j = Json::obj()
            .with("a", "é")
            .with("b", Json::Arr(vec![]))
            .with("c", Json::Arr(vec![Json::Int(1), Json::obj()]));
        assert_eq!(
            j.to_python_string(),
            "{\n  \"a\": \"\\u00e9\",\n  \"b\": [],\n  \"c\": [\n    1,\n    {}\n  ]\n}"
        );
        assert_eq!(python_float_repr(1.5), "1.5");
        assert_eq!(python_float_repr(1e16), "1e+16");
        assert_eq!(python_float_repr(0.0001), "0.0001");
    }
}
