//! Go's `fmt` (kiln_gotmpl::fmt) against Helm v4.2.3's own output.
//!
//! Loads `shared/vectors/gotemplate.json` and runs every case whose template is a single
//! `{{ printf ... }}`, `{{ print ... }}` or `{{ println ... }}` action (optionally with
//! literal text around it) whose operands are string, number, character, bool or nil
//! literals or `.Values.a.b` paths, through `sprintf`/`sprint`/`sprintln` directly, and
//! compares with Helm's `expected`. Other cases are counted as skipped. Template
//! arguments get Go's types: `1` is an `int`, `1.5` and `1e3` are `float64`, `'a'` is
//! an `int`; values from the values file are `float64`, `map[string]interface {}`,
//! `[]interface {}`.

use std::path::PathBuf;

use kiln_gotmpl::fmt::{sprint, sprintf, sprintln};
use kiln_gotmpl::Value;

enum Func {
    Printf,
    Print,
    Println,
}

struct Call {
    prefix: String,
    suffix: String,
    func: Func,
    args: Vec<Value>,
}

/// The vectors directory: `<workspace>/../shared/vectors`.
fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vectors")
}

#[test]
fn printf_print_println_vectors() {
    let path = vectors_dir().join("gotemplate.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("SKIPPED: ../shared not found ({} missing)", path.display());
        return;
    };
    let cases: Vec<serde_json::Value> = serde_json::from_str(&text).expect("vectors parse");
    let (mut selected, mut matched, mut skipped) = (0, 0, 0);
    let mut failures = Vec::new();
    for case in &cases {
        let id = case["id"].as_str().unwrap_or("?");
        let template = case["template"].as_str().unwrap_or("");
        let Some(expected) = case["expected"].as_str() else {
            continue; // error cases are not about fmt
        };
        if case.get("values_yaml").is_some() {
            if is_fmt_template(template) {
                skipped += 1;
            }
            continue;
        }
        let values = case
            .get("values")
            .map(|v| Value::from_json(&without_null_keys(v)))
            .unwrap_or_else(Value::empty_map);
        let call = match parse_call(template, &values) {
            Some(Ok(call)) => call,
            Some(Err(())) => {
                skipped += 1;
                continue;
            }
            None => continue,
        };
        selected += 1;
        let mut got = call.prefix.clone();
        got.push_str(&match call.func {
            Func::Printf => match call.args.split_first() {
                Some((Value::String(f), rest)) => sprintf(f, rest),
                _ => {
                    // printf without a string format is a template error, not fmt.
                    selected -= 1;
                    skipped += 1;
                    continue;
                }
            },
            Func::Print => sprint(&call.args),
            Func::Println => sprintln(&call.args),
        });
        got.push_str(&call.suffix);
        if got == expected {
            matched += 1;
        } else {
            failures.push(format!(
                "{id}: {template}\n   want {expected:?}\n    got {got:?}"
            ));
        }
    }
    eprintln!(
        "fmt vectors: {matched}/{selected} matched, {skipped} fmt-like cases skipped \
         (operands other than literals and .Values paths)"
    );
    assert!(selected > 400, "too few cases selected: {selected}");
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Helm drops map keys whose value is null when it coalesces a chart's values (list
/// elements stay); mirror that so `.Values` looks as the template sees it in Helm.
fn without_null_keys(v: &serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(o) => serde_json::Value::Object(
            o.iter()
                .filter(|(_, x)| !x.is_null())
                .map(|(k, x)| (k.clone(), without_null_keys(x)))
                .collect(),
        ),
        serde_json::Value::Array(a) => {
            serde_json::Value::Array(a.iter().map(without_null_keys).collect())
        }
        other => other.clone(),
    }
}

fn is_fmt_template(t: &str) -> bool {
    t.contains("printf") || t.contains("print ") || t.contains("println")
}

/// `None`: not a single print/printf/println action. `Some(Err)`: one, but with operands
/// this harness does not evaluate.
fn parse_call(template: &str, values: &Value) -> Option<Result<Call, ()>> {
    let open = template.find("{{")?;
    let close = template.rfind("}}")?;
    if close < open + 2 || template[open + 2..close].contains("{{") {
        return None;
    }
    let inner = template[open + 2..close].trim();
    let (func, rest) = if let Some(r) = inner.strip_prefix("printf") {
        (Func::Printf, r)
    } else if let Some(r) = inner.strip_prefix("println") {
        (Func::Println, r)
    } else if let Some(r) = inner.strip_prefix("print") {
        (Func::Print, r)
    } else {
        return None;
    };
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    let prefix = template[..open].to_string();
    let suffix = template[close + 2..].to_string();
    Some(parse_args(rest, values).map(|args| Call {
        prefix,
        suffix,
        func,
        args,
    }))
}

fn parse_args(mut s: &str, values: &Value) -> Result<Vec<Value>, ()> {
    let mut args = Vec::new();
    loop {
        s = s.trim_start();
        if s.is_empty() {
            return Ok(args);
        }
        let (arg, rest) = parse_arg(s, values)?;
        args.push(arg);
        s = rest;
    }
}

fn parse_arg<'a>(s: &'a str, values: &Value) -> Result<(Value, &'a str), ()> {
    let b = s.as_bytes();
    match b[0] {
        b'"' => {
            let (text, rest) = unquote(s)?;
            Ok((Value::from(text), rest))
        }
        b'`' => {
            let end = s[1..].find('`').ok_or(())? + 1;
            Ok((Value::str(&s[1..end]), &s[end + 1..]))
        }
        b'\'' => {
            let (text, rest) = unquote(s)?;
            let mut chars = text.chars();
            let c = chars.next().ok_or(())?;
            if chars.next().is_some() {
                return Err(());
            }
            Ok((Value::int(c as i64), rest))
        }
        _ => {
            let end = s.find(' ').unwrap_or(s.len());
            let word = &s[..end];
            let rest = &s[end..];
            let v = match word {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                "nil" => Value::Nil,
                _ if word.starts_with(".Values.") => lookup(values, &word[".Values.".len()..]),
                _ => number(word)?,
            };
            Ok((v, rest))
        }
    }
}

fn lookup(values: &Value, path: &str) -> Value {
    let mut v = values.clone();
    for key in path.split('.') {
        v = match v.as_map().and_then(|m| m.get(key).cloned()) {
            Some(x) => x.clone(),
            None => return Value::Nil,
        };
    }
    v
}

/// Go template number literals: integers are `int`, anything with `.eEpP` is `float64`.
fn number(word: &str) -> Result<Value, ()> {
    let (neg, digits) = match word.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, word.strip_prefix('+').unwrap_or(word)),
    };
    let lower = digits.to_ascii_lowercase();
    let int = if let Some(h) = lower.strip_prefix("0x") {
        i64::from_str_radix(h, 16).ok()
    } else if lower.contains(['.', 'e', 'p', 'i']) {
        None
    } else {
        lower.parse::<i64>().ok()
    };
    if let Some(i) = int {
        return Ok(Value::int(if neg { -i } else { i }));
    }
    if lower.contains(['p', 'i']) {
        return Err(()); // hex floats and complex numbers: not needed here
    }
    let f: f64 = digits.parse().map_err(|_| ())?;
    Ok(Value::Float(if neg { -f } else { f }))
}

/// A Go interpreted string or rune literal at the start of `s`.
fn unquote(s: &str) -> Result<(String, &str), ()> {
    let q = s.as_bytes()[0] as char;
    let mut out = String::new();
    let mut it = s.char_indices().skip(1);
    while let Some((i, c)) = it.next() {
        if c == q {
            return Ok((out, &s[i + 1..]));
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        let (_, e) = it.next().ok_or(())?;
        let mut hex = |n: usize| -> Result<u32, ()> {
            let mut v = 0u32;
            for _ in 0..n {
                let (_, d) = it.next().ok_or(())?;
                v = v * 16 + d.to_digit(16).ok_or(())?;
            }
            Ok(v)
        };
        match e {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            '\\' | '"' | '\'' => out.push(e),
            // Byte escapes are only used for ASCII in the vectors.
            'x' => out.push(char::from_u32(hex(2)?).ok_or(())?),
            'u' => out.push(char::from_u32(hex(4)?).ok_or(())?),
            'U' => out.push(char::from_u32(hex(8)?).ok_or(())?),
            _ => return Err(()),
        }
    }
    Err(())
}

/// Float formatting against Helm for 630 float64s (random bit patterns, rounding ties,
/// powers of ten, extremes) under 18 formats; expectations in `data/fmt_floats.json`
/// were produced by Helm v4.2.3 (see the file's `source`).
#[test]
fn float_formats_match_helm() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/fmt_floats.json");
    let text = std::fs::read_to_string(&path).expect("tests/data/fmt_floats.json");
    let data: serde_json::Value = serde_json::from_str(&text).expect("parse");
    let formats: Vec<&str> = data["formats"]
        .as_array()
        .expect("formats")
        .iter()
        .map(|f| f.as_str().expect("format"))
        .collect();
    let format = formats.join("|");
    let mut failures = Vec::new();
    let cases = data["cases"].as_array().expect("cases");
    for case in cases {
        let bits = u64::from_str_radix(case[0].as_str().expect("bits"), 16).expect("hex");
        let x = f64::from_bits(bits);
        let args = vec![Value::Float(x); formats.len()];
        let got = sprintf(&format, &args);
        let want = case[1].as_str().expect("expected");
        if got != want {
            failures.push(format!(
                "{x:e} ({bits:016x})\n   want {want}\n    got {got}"
            ));
        }
    }
    assert!(cases.len() > 600);
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
