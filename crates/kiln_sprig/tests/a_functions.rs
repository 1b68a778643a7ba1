//! Sprig part A (strings, conversions, defaults, reflection, paths, regexps, URLs) called
//! directly, checked against real Helm v4.2.3.
//!
//! `data/a_cases.json` is produced by `data/a_gen_cases.py` with the Helm oracle: each case
//! names a function and typed arguments; Helm rendered `{{ FN ARGS }}|{{ printf "%T" (FN
//! ARGS) }}` (or only the first action where `typ` is false). The harness builds the same Go values, calls the function through
//! `kiln_sprig::func_map().call`, prints the result as an action does (`%v`, nil as
//! nothing) and compares text and Go type. Cases where Helm failed compare the text after
//! `error calling FN: `; failures of the engine's own argument checks (wrong types) are
//! not the functions' business and are skipped.

use kiln_gotmpl::{FuncMap, Value};
use serde_json::Value as Json;

fn arg(a: &Json, values: &serde_json::Map<String, Json>) -> Value {
    let kind = a[0].as_str().unwrap_or_default();
    match kind {
        "s" => Value::str(a[1].as_str().unwrap_or_default()),
        "i" => Value::int(a[1].as_i64().unwrap_or_default()),
        "f" => Value::Float(match &a[1] {
            Json::String(s) => s.parse().unwrap_or_default(),
            n => n.as_f64().unwrap_or_default(),
        }),
        "b" => Value::Bool(a[1].as_bool().unwrap_or_default()),
        "nil" => Value::Nil,
        "c" => Value::int(
            a[1].as_str()
                .and_then(|s| s.chars().next())
                .map_or(0, |c| c as i64),
        ),
        "v" => {
            let mut cur = Json::Object(values.clone());
            for part in a[1].as_str().unwrap_or_default().split('.') {
                cur = cur.get(part).cloned().unwrap_or(Json::Null);
            }
            Value::from_json(&cur)
        }
        other => panic!("unknown argument kind {other}"),
    }
}

fn show(v: &Value) -> String {
    if v.is_nil() {
        return String::new();
    }
    let mut s = String::new();
    kiln_gotmpl::fmt::write_value(&mut s, v);
    s
}

/// Runs every case of the fixture whose function is in `fns` (all when empty); returns
/// the failure descriptions.
fn run(fns: &[&str]) -> (usize, Vec<String>) {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/a_cases.json"
    ))
    .expect("fixture");
    let doc: Json = serde_json::from_str(&text).expect("fixture JSON");
    let base = doc["base_values"].as_object().cloned().unwrap_or_default();
    let funcs: FuncMap = kiln_sprig::func_map();
    let mut failures = Vec::new();
    let mut ran = 0;
    for case in doc["cases"].as_array().into_iter().flatten() {
        let fname = case["fn"].as_str().unwrap_or_default();
        if !fns.is_empty() && !fns.contains(&fname) {
            continue;
        }
        let mut values = base.clone();
        if let Some(extra) = case["values"].as_object() {
            for (k, v) in extra {
                values.insert(k.clone(), v.clone());
            }
        }
        let args: Vec<Value> = case["args"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|a| arg(a, &values))
            .collect();
        let result = funcs.call(fname, &args);
        let id = format!("{fname} {}", case["args"]);
        if let Some(err) = case["error"].as_str() {
            let marker = format!("error calling {fname}: ");
            let Some(pos) = err.find(&marker) else {
                continue; // an argument-check error of the engine
            };
            ran += 1;
            let want = &err[pos + marker.len()..];
            match result {
                Err(e) if e.text == want => {}
                Err(e) => failures.push(format!(
                    "{id}\n    want error {want:?}\n    got  error {:?}",
                    e.text
                )),
                Ok(v) => failures.push(format!(
                    "{id}\n    want error {want:?}\n    got  {:?}",
                    show(&v)
                )),
            }
            continue;
        }
        ran += 1;
        let expected = case["expected"].as_str().unwrap_or_default();
        let got = match result {
            Ok(v) => {
                if case["typ"].as_bool().unwrap_or(false) {
                    format!("{}|{}", show(&v), v.type_name())
                } else {
                    show(&v)
                }
            }
            Err(e) => format!("ERROR {:?}", e.text),
        };
        if got != expected {
            failures.push(format!("{id}\n    want {expected:?}\n    got  {got:?}"));
        }
    }
    (ran, failures)
}

fn check(fns: &[&str]) {
    let (ran, failures) = run(fns);
    for f in &failures {
        eprintln!("FAIL {f}");
    }
    eprintln!("{} of {ran} cases pass for {fns:?}", ran - failures.len());
    assert!(
        failures.is_empty(),
        "{} of {ran} cases fail",
        failures.len()
    );
}

#[test]
fn strings() {
    check(&[
        "hello",
        "abbrev",
        "abbrevboth",
        "trunc",
        "trim",
        "upper",
        "lower",
        "title",
        "untitle",
        "substr",
        "repeat",
        "trimAll",
        "trimall",
        "trimSuffix",
        "trimPrefix",
        "nospace",
        "initials",
        "swapcase",
        "snakecase",
        "kebabcase",
        "camelcase",
        "wrap",
        "wrapWith",
        "contains",
        "hasPrefix",
        "hasSuffix",
        "indent",
        "nindent",
        "replace",
        "plural",
        "split",
        "splitList",
        "splitn",
        "join",
        "sortAlpha",
    ]);
}

#[test]
fn quoting() {
    check(&["quote", "squote", "cat"]);
}

#[test]
fn encoding() {
    check(&["b64enc", "b64dec", "b32enc", "b32dec"]);
}

#[test]
fn conversions() {
    check(&[
        "int",
        "int64",
        "float64",
        "atoi",
        "toDecimal",
        "toString",
        "toStrings",
        "seq",
        "until",
        "untilStep",
    ]);
}

#[test]
fn defaults() {
    check(&[
        "empty",
        "default",
        "coalesce",
        "all",
        "any",
        "ternary",
        "compact",
        "mustCompact",
        "deepCopy",
        "mustDeepCopy",
    ]);
}

#[test]
fn reflection() {
    check(&[
        "typeOf",
        "kindOf",
        "typeIs",
        "typeIsLike",
        "kindIs",
        "deepEqual",
    ]);
}

#[test]
fn paths() {
    check(&[
        "base", "dir", "clean", "ext", "isAbs", "osBase", "osDir", "osClean", "osExt", "osIsAbs",
    ]);
}

#[test]
fn regexps() {
    check(&[
        "regexMatch",
        "mustRegexMatch",
        "regexFind",
        "mustRegexFind",
        "regexFindAll",
        "mustRegexFindAll",
        "regexReplaceAll",
        "mustRegexReplaceAll",
        "regexReplaceAllLiteral",
        "mustRegexReplaceAllLiteral",
        "regexSplit",
        "mustRegexSplit",
        "regexQuoteMeta",
    ]);
}

#[test]
fn urls() {
    check(&["urlParse", "urlJoin"]);
}

/// Random functions: only the shape can be checked.
#[test]
fn random_shapes() {
    let funcs = kiln_sprig::func_map();
    let gen = |name: &str, n: i64| match funcs.call(name, &[Value::int(n)]) {
        Ok(Value::String(s)) => s.to_string(),
        other => panic!("{name}: {other:?}"),
    };
    for n in [0, 1, 7, 100] {
        let s = gen("randAlphaNum", n);
        assert_eq!(s.len(), n as usize);
        assert!(s.bytes().all(|c| c.is_ascii_alphanumeric()));
        let s = gen("randAlpha", n);
        assert_eq!(s.len(), n as usize);
        assert!(s.bytes().all(|c| c.is_ascii_alphabetic()));
        let s = gen("randNumeric", n);
        assert_eq!(s.len(), n as usize);
        assert!(s.bytes().all(|c| c.is_ascii_digit()));
        let s = gen("randAscii", n);
        assert_eq!(s.len(), n as usize);
        assert!(s.bytes().all(|c| (b' '..=b'~').contains(&c)));
    }
    assert_eq!(gen("randAlpha", -5), "");
    assert!(funcs.call("randAscii", &[Value::int(1 << 40)]).is_err());
    // 200 draws from 62 symbols: all distinct symbols cannot be one.
    let s = gen("randAlphaNum", 200);
    assert!(s.bytes().collect::<std::collections::BTreeSet<_>>().len() > 20);

    let shuffled = match funcs.call("shuffle", &[Value::str("héllo wörld ✓")]) {
        Ok(Value::String(s)) => s.to_string(),
        other => panic!("shuffle: {other:?}"),
    };
    let mut a: Vec<char> = shuffled.chars().collect();
    let mut b: Vec<char> = "héllo wörld ✓".chars().collect();
    a.sort_unstable();
    b.sort_unstable();
    assert_eq!(a, b);
    assert!(
        matches!(funcs.call("shuffle", &[Value::str("")]), Ok(Value::String(s)) if s.is_empty())
    );
}

/// Output limits instead of Go's unbounded allocation.
#[test]
fn limits() {
    let funcs = kiln_sprig::func_map();
    assert!(funcs
        .call("repeat", &[Value::int(1 << 40), Value::str("ab")])
        .is_err());
    assert!(funcs
        .call("indent", &[Value::int(1 << 40), Value::str("a")])
        .is_err());
    assert!(funcs.call("until", &[Value::int(1 << 40)]).is_err());
    assert!(funcs
        .call(
            "untilStep",
            &[Value::int(0), Value::int(1 << 40), Value::int(1)]
        )
        .is_err());
    assert!(funcs.call("seq", &[Value::int(1 << 40)]).is_err());
    let big = "x".repeat(1 << 20);
    assert!(funcs
        .call(
            "replace",
            &[Value::str(""), Value::str(&big), Value::str(&big)]
        )
        .is_err());
}
