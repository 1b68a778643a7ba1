//! A small harness that runs Helm conformance cases of simple shapes without the
//! template engine: `{{ FUNC ARG }}` actions, pipelines, `.Values` paths, literals,
//! `dict`/`list`, and the `range $k, $v := .Values` pattern of the values vectors.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Arc;

use kiln_encoding as enc;
use kiln_gotmpl::{ListType, Map, MapRef, MapType, Str, Value};

/// One conformance case.
#[derive(Debug)]
pub struct Case {
    pub id: String,
    pub template: String,
    pub values: Option<serde_json::Value>,
    pub values_yaml: Option<String>,
    pub user_values: Option<serde_json::Value>,
    pub expected: Option<String>,
    pub error: Option<String>,
}

pub fn load_cases(path: &std::path::Path) -> Option<Vec<Case>> {
    let text = std::fs::read_to_string(path).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    let mut out = Vec::new();
    for c in v.as_array()? {
        out.push(Case {
            id: c["id"].as_str().unwrap_or("").to_string(),
            template: c["template"].as_str().unwrap_or("").to_string(),
            values: c.get("values").cloned().filter(|v| !v.is_null()),
            values_yaml: c
                .get("values_yaml")
                .and_then(|v| v.as_str())
                .map(String::from),
            user_values: c.get("user_values").cloned(),
            expected: c.get("expected").and_then(|v| v.as_str()).map(String::from),
            error: c.get("error").and_then(|v| v.as_str()).map(String::from),
        });
    }
    Some(out)
}

/// Python's `json.dumps(v)` (ensure_ascii, `", "` and `": "` separators): how the oracle
/// writes a case's `values` as the chart's values.yaml.
pub fn python_json_dumps(v: &serde_json::Value) -> String {
    let mut out = String::new();
    dumps(&mut out, v);
    out
}

fn py_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    // repr(): shortest digits, fixed for -4 <= exp < 16, else scientific.
    let e = format!("{:e}", f);
    let (mant, exp) = e.split_once('e').unwrap();
    let exp: i32 = exp.parse().unwrap();
    if (-4..16).contains(&exp) {
        let s = format!("{}", f);
        if s.contains('.') {
            s
        } else {
            format!("{s}.0")
        }
    } else {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mant}e{sign}{:02}", exp.abs())
    }
}

fn dumps(out: &mut String, v: &serde_json::Value) {
    match v {
        serde_json::Value::Null => out.push_str("null"),
        serde_json::Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                out.push_str(&i.to_string());
            } else if let Some(u) = n.as_u64() {
                out.push_str(&u.to_string());
            } else {
                out.push_str(&py_float(n.as_f64().unwrap()));
            }
        }
        serde_json::Value::String(s) => {
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
                    c if (c as u32) < 0x20 || (c as u32) > 0x7E => {
                        let mut buf = [0u16; 2];
                        for u in c.encode_utf16(&mut buf) {
                            out.push_str(&format!("\\u{:04x}", u));
                        }
                    }
                    c => out.push(c),
                }
            }
            out.push('"');
        }
        serde_json::Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                dumps(out, x);
            }
            out.push(']');
        }
        serde_json::Value::Object(o) => {
            out.push('{');
            for (i, (k, x)) in o.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                dumps(out, &serde_json::Value::String(k.clone()));
                out.push_str(": ");
                dumps(out, x);
            }
            out.push('}');
        }
    }
}

/// Helm's coalescing of chart defaults without user values: null map entries vanish.
pub fn strip_nulls(v: &Value) -> Value {
    match v {
        Value::Map(m, t) => {
            let snap = m.snapshot();
            let mut out = Map::new();
            for (k, x) in snap.iter() {
                if x.is_nil() {
                    continue;
                }
                out.insert(k.clone(), strip_nulls(x));
            }
            Value::Map(MapRef::new(out), *t)
        }
        other => other.clone(),
    }
}

pub enum Outcome {
    Ok(String),
    Err(String),
    Skip(&'static str),
}

/// Runs a case: builds .Values like Helm and evaluates the template.
pub fn run_case(c: &Case) -> Outcome {
    if c.user_values.is_some() {
        return Outcome::Skip("user_values");
    }
    let values_text = match (&c.values_yaml, &c.values) {
        (Some(y), _) => Some(y.clone()),
        (None, Some(v)) => Some(python_json_dumps(v) + "\n"),
        (None, None) => None,
    };
    let values = match values_text {
        Some(t) => match enc::parse_values(&t) {
            Ok(v) => strip_nulls(&v),
            Err(e) => return Outcome::Err(format!("cannot load values.yaml: {}", e.message)),
        },
        None => Value::empty_map(),
    };
    let mut ev = Eval { values };
    match ev.template(&c.template) {
        Ok(Some(s)) => Outcome::Ok(s),
        Ok(None) => Outcome::Skip("shape"),
        Err(Fail::Skip(why)) => Outcome::Skip(why),
        Err(Fail::Err(e)) => Outcome::Err(e),
    }
}

enum Fail {
    Skip(&'static str),
    Err(String),
}

struct Eval {
    values: Value,
}

const RANGE_PATTERN: &str = "{{ range $k, $v := .Values }}{{ $k }}={{ kindOf $v }},{{ end }}";

fn kind_of(v: &Value) -> String {
    match v {
        Value::Nil => "invalid".into(),
        other => other.kind().name().to_string(),
    }
}

fn map_value(m: Map) -> Value {
    Value::Map(MapRef::new(m), MapType::Any)
}

fn list_value(l: Vec<Value>) -> Value {
    Value::List(Arc::new(kiln_gotmpl::Items::from(l)), ListType::Any)
}

impl Eval {
    fn template(&mut self, t: &str) -> Result<Option<String>, Fail> {
        let mut out = String::new();
        let mut rest = t;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let after = &rest[start..];
            if let Some(after_range) = after.strip_prefix(RANGE_PATTERN) {
                let m = self.values.as_map().unwrap_or_default();
                for (k, v) in m.iter() {
                    out.push_str(k);
                    out.push('=');
                    out.push_str(&kind_of(v));
                    out.push(',');
                }
                rest = after_range;
                continue;
            }
            let Some(end) = find_action_end(after) else {
                return Ok(None);
            };
            let action = after[2..end].trim();
            if action.starts_with('-')
                || action.ends_with('-')
                || action.starts_with("range")
                || action.starts_with("end")
            {
                return Ok(None);
            }
            let v = self.pipeline(action)?;
            kiln_gotmpl::fmt::write_action_value(&mut out, &v);
            rest = &after[end + 2..];
        }
        out.push_str(rest);
        Ok(Some(out))
    }

    fn pipeline(&mut self, s: &str) -> Result<Value, Fail> {
        let parts = split_top(s, '|');
        let mut acc: Option<Value> = None;
        for p in parts {
            let toks = tokenize(p.trim()).ok_or(Fail::Skip("tokens"))?;
            let v = self.command(&toks, acc.take())?;
            acc = Some(v);
        }
        acc.ok_or(Fail::Skip("empty"))
    }

    fn command(&mut self, toks: &[String], piped: Option<Value>) -> Result<Value, Fail> {
        if toks.is_empty() {
            return Err(Fail::Skip("empty command"));
        }
        let head = &toks[0];
        let is_func = head.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && head != "true"
            && head != "false";
        if !is_func {
            if toks.len() != 1 || piped.is_some() {
                return Err(Fail::Skip("non-function command"));
            }
            return self.term(head);
        }
        let mut args = Vec::new();
        for t in &toks[1..] {
            args.push(self.term(t)?);
        }
        if let Some(p) = piped {
            args.push(p);
        }
        self.call(head, args)
    }

    fn term(&mut self, t: &str) -> Result<Value, Fail> {
        if let Some(inner) = t.strip_prefix('(') {
            // (pipeline) with an optional .field chain
            let close = matching_paren(t).ok_or(Fail::Skip("paren"))?;
            let v = self.pipeline(&inner[..close - 1])?;
            let fields = &t[close + 1..];
            return Ok(field_chain(v, fields));
        }
        if t == ".Values" {
            return Ok(self.values.clone());
        }
        if let Some(path) = t.strip_prefix(".Values.") {
            return Ok(field_chain(self.values.clone(), &format!(".{path}")));
        }
        if t.starts_with('"') {
            return go_unquote(t)
                .map(Value::from)
                .ok_or(Fail::Skip("string literal"));
        }
        if t == "true" || t == "false" {
            return Ok(Value::Bool(t == "true"));
        }
        if let Ok(i) = t.parse::<i64>() {
            return Ok(Value::int(i));
        }
        if let Ok(f) = t.parse::<f64>() {
            return Ok(Value::Float(f));
        }
        Err(Fail::Skip("term"))
    }

    fn call(&mut self, f: &str, args: Vec<Value>) -> Result<Value, Fail> {
        let a0 = || args.first().cloned().unwrap_or(Value::Nil);
        let s0 = || -> Result<String, Fail> {
            match args.first() {
                Some(Value::String(s)) => Ok(s.to_string()),
                _ => Err(Fail::Skip("string arg")),
            }
        };
        Ok(match f {
            "toYaml" => Value::from(enc::to_yaml(&a0())),
            "mustToYaml" => {
                Value::from(enc::must_to_yaml(&a0()).map_err(|e| Fail::Err(e.message))?)
            }
            "toYamlPretty" => Value::from(enc::to_yaml_pretty(&a0())),
            "toJson" => Value::from(enc::to_json(&a0()).unwrap_or_default()),
            "mustToJson" => Value::from(enc::to_json(&a0()).map_err(|e| Fail::Err(e.message))?),
            "toPrettyJson" => Value::from(enc::to_pretty_json(&a0()).unwrap_or_default()),
            "mustToPrettyJson" => {
                Value::from(enc::to_pretty_json(&a0()).map_err(|e| Fail::Err(e.message))?)
            }
            "toRawJson" | "mustToRawJson" => {
                Value::from(enc::to_raw_json(&a0()).map_err(|e| Fail::Err(e.message))?)
            }
            "fromYaml" => match enc::from_yaml(&s0()?) {
                Ok(m) => map_value(m),
                Err(e) => {
                    let mut m = Map::new();
                    m.insert(Str::from("Error"), Value::from(e.message));
                    map_value(m)
                }
            },
            "fromYamlArray" => match enc::from_yaml_array(&s0()?) {
                Ok(l) => list_value(l),
                Err(e) => list_value(vec![Value::from(e.message)]),
            },
            "fromJson" => {
                let (m, err) = enc::json::from_json_map(&s0()?);
                // A nil map (JSON null) prints as `null` in toJson.
                let mut m = match m {
                    Some(m) => m,
                    None if err.is_none() => return Ok(Value::Nil),
                    None => Map::new(),
                };
                if let Some(e) = err {
                    m.insert(Str::from("Error"), Value::from(e.message));
                }
                map_value(m)
            }
            "fromJsonArray" => {
                let (l, err) = enc::json::from_json_array(&s0()?);
                match (err, l) {
                    (Some(e), _) => list_value(vec![Value::from(e.message)]),
                    (None, Some(l)) => list_value(l),
                    (None, None) => Value::Nil,
                }
            }
            "mustFromJson" => enc::from_json(&s0()?).map_err(|e| Fail::Err(e.message))?,
            "toToml" => Value::from(enc::toml::to_toml(&a0())),
            "fromToml" => match enc::toml::from_toml(&s0()?) {
                Ok(m) => map_value(m),
                Err(e) => {
                    let mut m = Map::new();
                    m.insert(Str::from("Error"), Value::from(e.message));
                    map_value(m)
                }
            },
            "kindOf" => Value::from(kind_of(&a0())),
            "dict" => {
                let mut m = Map::new();
                let mut it = args.iter();
                while let Some(k) = it.next() {
                    let key = match k {
                        Value::String(s) => s.clone(),
                        _ => return Err(Fail::Skip("dict key")),
                    };
                    m.insert(key, it.next().cloned().unwrap_or(Value::Nil));
                }
                map_value(m)
            }
            "list" => list_value(args.clone()),
            "int64" => match a0() {
                Value::Int(i, _) => Value::int64(i),
                _ => return Err(Fail::Skip("int64")),
            },
            "nindent" => {
                let n = match args.first() {
                    Some(Value::Int(i, _)) => *i as usize,
                    _ => return Err(Fail::Skip("nindent")),
                };
                let s = match args.get(1) {
                    Some(Value::String(s)) => s.to_string(),
                    _ => return Err(Fail::Skip("nindent")),
                };
                let pad = " ".repeat(n);
                Value::from(format!("\n{pad}{}", s.replace('\n', &format!("\n{pad}"))))
            }
            "hasKey" => {
                let m = args.first().and_then(|v| v.as_map()).unwrap_or_default();
                let k = match args.get(1) {
                    Some(Value::String(s)) => s.to_string(),
                    _ => return Err(Fail::Skip("hasKey")),
                };
                Value::Bool(m.contains_key(k.as_str()))
            }
            _ => return Err(Fail::Skip("function")),
        })
    }
}

/// Where the action starting at `s` (with `{{`) ends: the first `}}` outside strings.
fn find_action_end(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 2;
    let mut in_str = false;
    while i + 1 < b.len() {
        match b[i] {
            b'\\' if in_str => i += 1,
            b'"' => in_str = !in_str,
            b'}' if !in_str && b[i + 1] == b'}' => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

fn field_chain(mut v: Value, fields: &str) -> Value {
    for f in fields.split('.').filter(|f| !f.is_empty()) {
        v = match &v {
            Value::Map(m, _) => m.get(f).unwrap_or(Value::Nil),
            _ => Value::Nil,
        };
    }
    v
}

fn matching_paren(t: &str) -> Option<usize> {
    let mut depth = 0;
    let mut in_str = false;
    let mut esc = false;
    for (i, c) in t.char_indices() {
        if in_str {
            if esc {
                esc = false;
            } else if c == '\\' {
                esc = true;
            } else if c == '"' {
                in_str = false;
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Splits at `sep` outside strings and parentheses.
fn split_top(s: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut in_str = false;
    let mut esc = false;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if in_str {
            if esc {
                esc = false;
            } else if c == '\\' {
                esc = true;
            } else if c == '"' {
                in_str = false;
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '(' => depth += 1,
            ')' => depth -= 1,
            c if c == sep && depth == 0 => {
                out.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// Splits a command into terms (strings and parenthesized groups kept whole).
fn tokenize(s: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let b: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < b.len() {
        if b[i] == ' ' {
            i += 1;
            continue;
        }
        let start = i;
        if b[i] == '"' {
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
        } else if b[i] == '(' {
            let mut depth = 0;
            let mut in_str = false;
            while i < b.len() {
                let c = b[i];
                if in_str {
                    if c == '\\' {
                        i += 1;
                    } else if c == '"' {
                        in_str = false;
                    }
                } else if c == '"' {
                    in_str = true;
                } else if c == '(' {
                    depth += 1;
                } else if c == ')' {
                    depth -= 1;
                    if depth == 0 {
                        i += 1;
                        break;
                    }
                }
                i += 1;
            }
            // trailing .field chain
            while i < b.len() && b[i] != ' ' {
                i += 1;
            }
        } else {
            while i < b.len() && b[i] != ' ' {
                i += 1;
            }
        }
        if i > b.len() {
            return None;
        }
        out.push(b[start..i].iter().collect());
    }
    Some(out)
}

/// Go's `strconv.Unquote` for double-quoted literals.
fn go_unquote(t: &str) -> Option<String> {
    let inner = t.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::new();
    let mut it = inner.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            '\\' => out.push('\\'),
            '"' => out.push('"'),
            '\'' => out.push('\''),
            'x' => {
                let h: String = [it.next()?, it.next()?].iter().collect();
                out.push(char::from_u32(u32::from_str_radix(&h, 16).ok()?)?);
            }
            'u' => {
                let h: String = (0..4).filter_map(|_| it.next()).collect();
                out.push(char::from_u32(u32::from_str_radix(&h, 16).ok()?)?);
            }
            'U' => {
                let h: String = (0..8).filter_map(|_| it.next()).collect();
                out.push(char::from_u32(u32::from_str_radix(&h, 16).ok()?)?);
            }
            _ => return None,
        }
    }
    Some(out)
}

/// Per-group counters.
#[derive(Default)]
pub struct Tally {
    pub groups: BTreeMap<String, (usize, usize, usize)>,
    pub failures: Vec<String>,
    pub skipped: Vec<String>,
}

impl Tally {
    pub fn record(&mut self, c: &Case) {
        let group =
            c.id.rsplit_once('/')
                .map(|(g, _)| g.to_string())
                .unwrap_or_default();
        let e = self.groups.entry(group).or_default();
        match run_case(c) {
            Outcome::Skip(why) => {
                e.2 += 1;
                self.skipped.push(format!("{} ({why})", c.id));
            }
            Outcome::Ok(got) => match (&c.expected, &c.error) {
                (Some(want), _) if *want == got => e.0 += 1,
                (Some(want), _) => {
                    e.1 += 1;
                    self.failures
                        .push(format!("{}\n  want: {:?}\n  got:  {:?}", c.id, want, got));
                }
                (None, Some(err)) => {
                    e.1 += 1;
                    self.failures.push(format!(
                        "{}\n  want error: {:?}\n  got:  {:?}",
                        c.id, err, got
                    ));
                }
                (None, None) => {
                    e.2 += 1;
                    self.skipped.push(format!("{} (no expectation)", c.id));
                }
            },
            Outcome::Err(msg) => match &c.error {
                Some(err) if err == &msg || err.ends_with(&format!(": {msg}")) => e.0 += 1,
                _ => {
                    e.1 += 1;
                    self.failures.push(format!(
                        "{}\n  want: {:?} / error {:?}\n  got error: {:?}",
                        c.id, c.expected, c.error, msg
                    ));
                }
            },
        }
    }

    pub fn report(&self) -> String {
        let mut s = String::new();
        let (mut p, mut f, mut k) = (0, 0, 0);
        for (g, (a, b, c)) in &self.groups {
            s.push_str(&format!(
                "{g:28} passed {a:4}  failed {b:4}  skipped {c:4}\n"
            ));
            p += a;
            f += b;
            k += c;
        }
        s.push_str(&format!(
            "{:28} passed {p:4}  failed {f:4}  skipped {k:4}\n",
            "TOTAL"
        ));
        s
    }
}
