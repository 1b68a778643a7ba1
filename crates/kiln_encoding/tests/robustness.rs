//! Hostile and random inputs: errors, never panics, hangs or stack overflows; and
//! round trips (`toYaml` then parse gives the value back).

use std::sync::Arc;
use std::time::{Duration, Instant};

use kiln_encoding as enc;
use kiln_gotmpl::{ListType, Map, MapRef, MapType, Str, Value};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn on_big_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn billion_laughs_is_refused_quickly() {
    let mut y = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        y.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            vec![format!("*a{}", i - 1); 10].join(", ")
        ));
    }
    let t = Instant::now();
    let e = enc::parse_values(&y).unwrap_err();
    assert!(
        e.message
            .ends_with("yaml: document contains excessive aliasing"),
        "{}",
        e.message
    );
    assert!(t.elapsed() < Duration::from_secs(5));
}

#[test]
fn deep_flow_nesting_is_an_error() {
    on_big_stack(|| {
        let y = format!("a: {}{}\n", "[".repeat(20000), "]".repeat(20000));
        let e = enc::parse_values(&y).unwrap_err();
        assert!(
            e.message.ends_with("exceeded max depth of 10000"),
            "{}",
            e.message
        );
        let j = format!("{}{}", "[".repeat(20000), "]".repeat(20000));
        assert_eq!(
            enc::from_json(&j).unwrap_err().message,
            "invalid character '[' exceeded max depth"
        );
    });
}

#[test]
fn deep_block_nesting() {
    on_big_stack(|| {
        let mut y = String::new();
        for i in 0..1500 {
            y.push_str(&" ".repeat(i));
            y.push_str("a:\n");
        }
        let v = enc::parse_values(&y).unwrap();
        let out = enc::to_yaml(&v);
        assert!(out.starts_with("a:\n  a:\n"));
        let _ = enc::to_yaml_pretty(&v);
        let _ = enc::to_json(&v);
        let _ = enc::toml::to_toml(&v);
    });
}

#[test]
fn huge_scalars() {
    let big = "x".repeat(5 << 20);
    let v = enc::parse_values(&format!("a: {big}\nb: \"{big}\"\nc: |\n  {big}\n")).unwrap();
    let m = v.as_map().unwrap();
    assert_eq!(
        m.get("a").and_then(|v| v.as_str().map(str::len)),
        Some(5 << 20)
    );
    let t = Instant::now();
    let out = enc::to_yaml(&v);
    assert!(out.len() > 15 << 20);
    assert!(t.elapsed() < Duration::from_secs(10));
}

const PIECES: &[&str] = &[
    "a",
    "b: ",
    ": ",
    "- ",
    "\n",
    "  ",
    "\t",
    "[",
    "]",
    "{",
    "}",
    ",",
    "?",
    "&x ",
    "*x",
    "!!str ",
    "!t ",
    "'",
    "\"",
    "\\",
    "|",
    ">",
    "#",
    "---",
    "...",
    "%YAML 1.1",
    "<<: ",
    "1",
    "0x",
    ".5",
    "~",
    "yes",
    "é",
    "\u{85}",
    "\r\n",
    "\u{feff}",
    "\u{1}",
    "😀",
    "\\u00e9",
    "k: v\n",
    "- - ",
    "|-\n  ",
];

fn soup(r: &mut Rng) -> String {
    let n = 1 + r.below(40);
    (0..n).map(|_| PIECES[r.below(PIECES.len())]).collect()
}

#[test]
fn fuzz_never_panics() {
    on_big_stack(|| {
        let mut r = Rng(0x9E3779B97F4A7C15);
        let t = Instant::now();
        for _ in 0..20000 {
            let s = soup(&mut r);
            let res = std::panic::catch_unwind(|| {
                let v = enc::parse_values(&s);
                let _ = enc::parse_values_with_spans(&s);
                let _ = enc::from_yaml_array(&s);
                let _ = enc::parse_documents(&s);
                let _ = enc::from_json(&s);
                let _ = enc::json::from_json_map(&s);
                let _ = enc::toml::from_toml(&s);
                if let Ok(v) = v {
                    let _ = enc::to_yaml(&v);
                    let _ = enc::to_yaml_pretty(&v);
                    let _ = enc::to_pretty_json(&v);
                    let _ = enc::toml::to_toml(&v);
                }
                let sv = Value::from(s.clone());
                let _ = enc::to_yaml(&sv);
                let _ = enc::to_yaml_pretty(&sv);
                let _ = enc::to_json(&sv);
            });
            assert!(res.is_ok(), "panic on input {s:?}");
        }
        assert!(t.elapsed() < Duration::from_secs(120));
    });
}

fn random_string(r: &mut Rng) -> String {
    const CH: &[&str] = &[
        "a", "b", " ", "\n", ":", "#", "-", "'", "\"", "\\", "\t", "1", "0", ".", "é", "日", "😀",
        "\u{85}", "\u{2028}", "y", "~", "{", "[", "&", "*", "!", "|", ">", "%", "@", "`", "\r",
        "\u{0}", "\u{7f}", "e", "x", "<", ",",
    ];
    let n = r.below(12);
    (0..n).map(|_| CH[r.below(CH.len())]).collect()
}

fn random_value(r: &mut Rng, depth: usize) -> Value {
    match if depth > 3 { r.below(5) } else { r.below(8) } {
        0 => Value::Nil,
        1 => Value::Bool(r.below(2) == 1),
        2 => {
            let f = match r.below(4) {
                0 => r.below(1000) as f64,
                1 => (r.next() % 1_000_000) as f64 / 1000.0,
                2 => f64::from_bits(r.next() >> 2),
                _ => -(r.below(1 << 20) as f64) * 1e-9,
            };
            Value::Float(if f.is_finite() { f } else { 1.0 })
        }
        3 | 4 => Value::String(Str::from(random_string(r))),
        5 => Value::List(
            Arc::new(
                (0..r.below(4))
                    .map(|_| random_value(r, depth + 1))
                    .collect(),
            ),
            ListType::Any,
        ),
        _ => {
            let mut m = Map::new();
            for _ in 0..r.below(5) {
                m.insert(Str::from(random_string(r)), random_value(r, depth + 1));
            }
            Value::Map(MapRef::new(m), MapType::Any)
        }
    }
}

/// What `toYaml` then `fromYaml` should give back: strings lose nothing, except what
/// Go's pipeline changes on purpose (NEL folding, strings with characters YAML refuses).
fn yaml_safe(v: &Value) -> bool {
    match v {
        Value::String(s) => !s
            .chars()
            .any(|c| c == '\u{85}' || c == '\u{7f}' || c == '\r'),
        Value::List(l, _) => l.iter().all(yaml_safe),
        Value::Map(m, _) => m
            .snapshot()
            .iter()
            .all(|(k, v)| yaml_safe(&Value::from(k.to_string())) && yaml_safe(v)),
        _ => true,
    }
}

#[test]
fn round_trips() {
    let mut r = Rng(12345);
    let mut checked = 0;
    for _ in 0..3000 {
        let mut m = Map::new();
        m.insert(Str::from("v"), random_value(&mut r, 0));
        let v = Value::Map(MapRef::new(m), MapType::Any);
        // JSON round trip.
        let j = enc::to_json(&v).unwrap();
        assert_eq!(enc::from_json(&j).unwrap(), v, "json {j}");
        let p = enc::to_pretty_json(&v).unwrap();
        assert_eq!(enc::from_json(&p).unwrap(), v, "pretty json {p}");
        if !yaml_safe(&v) {
            continue;
        }
        // YAML round trips (v2 and v3 emitters, read back by the v2 reader).
        let y = enc::marshal_yaml(&v).unwrap();
        assert_eq!(enc::yaml_to_value(&y).unwrap(), v, "yaml {y:?}");
        // goyaml.v3 writes multi-line strings with tabs as literal blocks that YAML
        // readers refuse when a line starts with a tab (Helm does the same).
        let y3 = enc::marshal_yaml_v3(&v, 2).unwrap();
        if !y3.contains("\n  \t") && !y3.contains("\n\t") {
            assert_eq!(enc::yaml_to_value(&y3).unwrap(), v, "yaml v3 {y3:?}");
        }
        checked += 1;
    }
    assert!(checked > 1000);
}

/// Files that are not UTF-8 (expected messages checked with real Helm on charts holding
/// these bytes).
#[test]
fn invalid_utf8_values_files() {
    let cases: &[(&[u8], &str)] = &[
        (b"a: 1\nb: x\xffy\n", "invalid leading UTF-8 octet"),
        (b"a: 1\nb: x\xc3\n", "invalid trailing UTF-8 octet"),
        (
            b"a: 1\nb: \"\xc0\xaf\"\n",
            "invalid length of a UTF-8 sequence",
        ),
        (b"a: 1\nb: \xed\xa0\x80\n", "invalid Unicode character"),
        (b"a: [\nb: \xff\n", "invalid leading UTF-8 octet"),
    ];
    for (data, msg) in cases {
        let e = enc::parse_values_bytes(data).unwrap_err();
        assert_eq!(
            e.message,
            format!("cannot unmarshal yaml document: error converting YAML to JSON: yaml: {msg}")
        );
    }
    assert!(enc::parse_values_bytes(b"a: 1\n").is_ok());
}
