//! Part-B Sprig functions called directly (`FuncMap::call`): result types, in-place map
//! semantics, random and key-generating functions (checked by shape and round trips),
//! and the public semver API. Expected values come from real Helm (the shared vectors
//! and `/work/shared/oracle/helm-oracle` runs), never from kiln's own output.

use kiln_gotmpl::{IntType, ListType, Map, MapType, Value};

fn call(name: &str, args: &[Value]) -> Result<Value, String> {
    kiln_sprig::func_map().call(name, args).map_err(|e| e.text)
}

fn ok(name: &str, args: &[Value]) -> Value {
    call(name, args).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn s(v: &str) -> Value {
    Value::str(v)
}

fn text(v: &Value) -> String {
    kiln_gotmpl::fmt::sprint(std::slice::from_ref(v))
}

fn field(v: &Value, name: &str) -> String {
    let Value::Object(o) = v else {
        panic!("not an object: {v:?}")
    };
    match o.field(name) {
        kiln_gotmpl::Field::Value(x) => x.as_str().unwrap_or_default().to_string(),
        _ => panic!("no field {name}"),
    }
}

#[test]
fn math_result_types() {
    // sprig/math/add-T: int64; sprig/math/randInt-type: int; addf-T, floor-T: float64.
    assert!(matches!(
        ok("add", &[Value::int(1), Value::int(1)]),
        Value::Int(2, IntType::Int64)
    ));
    assert!(matches!(
        ok("randInt", &[Value::int(5), Value::int(6)]),
        Value::Int(5, IntType::Int)
    ));
    assert!(matches!(ok("addf", &[Value::int(1), Value::int(2)]), Value::Float(f) if f == 3.0));
    assert!(matches!(ok("floor", &[Value::Float(1.5)]), Value::Float(f) if f == 1.0));
    // sprig/math/add-overflow
    assert!(matches!(
        ok("add", &[Value::int(i64::MAX), Value::int(1)]),
        Value::Int(i64::MIN, IntType::Int64)
    ));
    // sprig/math/div-zero, mod-zero, divf-zero
    assert_eq!(
        call("div", &[Value::int(1), Value::int(0)]).unwrap_err(),
        "runtime error: integer divide by zero"
    );
    assert_eq!(
        call("mod", &[Value::int(1), Value::int(0)]).unwrap_err(),
        "runtime error: integer divide by zero"
    );
    assert_eq!(
        call("divf", &[Value::int(1), Value::int(0)]).unwrap_err(),
        "decimal division by 0"
    );
    // sprig/math/divf-third, mulf-precision
    assert!(
        matches!(ok("divf", &[Value::int(1), Value::int(3)]), Value::Float(f) if f == 0.3333333333333333)
    );
    assert!(
        matches!(ok("mulf", &[Value::Float(1.1), Value::Float(1.1)]), Value::Float(f) if f == 1.21)
    );
    // sprig/math/round, round-neg-half
    assert!(
        matches!(ok("round", &[Value::Float(123.555555), Value::int(3)]), Value::Float(f) if f == 123.556)
    );
    assert!(
        matches!(ok("round", &[Value::Float(-2.5), Value::int(0)]), Value::Float(f) if f == -3.0)
    );
    // sprig/math/subf-str, add-str, add-bool, add-nil
    assert!(matches!(ok("subf", &[s("5.5"), s("0.5")]), Value::Float(f) if f == 5.0));
    assert!(matches!(ok("add", &[s("1"), s("2")]), Value::Int(3, _)));
    assert!(matches!(
        ok("add", &[Value::Bool(true), Value::int(1)]),
        Value::Int(2, _)
    ));
    assert!(matches!(
        ok("add", &[Value::Nil, Value::int(1)]),
        Value::Int(1, _)
    ));
    assert_eq!(
        call("randInt", &[Value::int(5), Value::int(5)]).unwrap_err(),
        "invalid argument to Intn"
    );
}

#[test]
fn list_results() {
    // sprig/list/list: [1 a <nil> true]
    let l = ok(
        "list",
        &[Value::int(1), s("a"), Value::Nil, Value::Bool(true)],
    );
    assert_eq!(text(&l), "[1 a <nil> true]");
    // sprig/list/first-nil, append-nil: Go dereferences nil
    assert_eq!(
        call("first", &[Value::Nil]).unwrap_err(),
        "runtime error: invalid memory address or nil pointer dereference"
    );
    // sprig/list/last-map-error
    assert_eq!(
        call("last", &[Value::empty_map()]).unwrap_err(),
        "Cannot find last on type map"
    );
    assert_eq!(
        call("append", &[s("abc"), s("d")]).unwrap_err(),
        "Cannot push on type string"
    );
    assert_eq!(
        call("concat", &[Value::list(vec![]), s("x")]).unwrap_err(),
        "Cannot concat type string as list"
    );
    // sprig/list/chunk, chunk-zero
    let c = ok(
        "chunk",
        &[
            Value::int(2),
            Value::list((1..=5).map(Value::int).collect()),
        ],
    );
    assert_eq!(text(&c), "[[1 2] [3 4] [5]]");
    assert_eq!(c.type_name(), "[][]interface {}");
    assert_eq!(
        call("chunk", &[Value::int(0), Value::list(vec![Value::int(1)])]).unwrap_err(),
        "runtime error: makeslice: len out of range"
    );
    // slice keeps the slice type ([]string stays []string).
    let ls = Value::string_list(["b", "a", "c", "a"]);
    let sl = ok("slice", &[ls.clone(), Value::int(1), Value::int(3)]);
    assert_eq!(text(&sl), "[a c]");
    assert!(matches!(sl, Value::List(_, ListType::String)));
    // sprig/list/uniq-strings, has-float (1.0 is float64 like YAML numbers)
    assert_eq!(text(&ok("uniq", &[ls])), "[b a c]");
    let yaml_list = Value::list(vec![
        Value::Float(3.0),
        Value::Float(1.0),
        Value::Float(2.0),
    ]);
    assert!(matches!(
        ok("has", &[Value::Float(1.0), yaml_list.clone()]),
        Value::Bool(true)
    ));
    assert!(matches!(
        ok("has", &[Value::int(1), yaml_list]),
        Value::Bool(false)
    ));
}

#[test]
fn dict_changes_maps_in_place() {
    // sprig/dict/set-values-mutates: the change is visible through other references.
    let m = Value::map(Map::new());
    let alias = m.clone();
    ok("set", &[m.clone(), s("k"), s("v")]);
    assert_eq!(text(&alias), "map[k:v]");
    ok("unset", &[m.clone(), s("k")]);
    assert_eq!(text(&alias), "map[]");
    // sprig/dict/merge-mutates and nested in-place merging
    let inner = Value::map(Map::from([("x".into(), Value::int(1))]));
    let dst = Value::map(Map::from([("a".into(), inner.clone())]));
    let src = Value::map(Map::from([(
        "a".into(),
        Value::map(Map::from([
            ("y".into(), Value::int(2)),
            ("x".into(), Value::int(5)),
        ])),
    )]));
    let r = ok("merge", &[dst.clone(), src]);
    assert_eq!(text(&r), "map[a:map[x:1 y:2]]");
    assert_eq!(text(&inner), "map[x:1 y:2]");
    // keys is a []string; sprig/dict/dict-odd, dict-nil-key
    let k = ok("keys", &[dst]);
    assert!(matches!(k, Value::List(_, ListType::String)));
    assert_eq!(text(&ok("dict", &[s("a")])), "map[a:]");
    assert_eq!(
        text(&ok("dict", &[Value::Nil, Value::int(1)])),
        "map[<nil>:1]"
    );
    // sprig/dict/dig-values: common.Values is not a map[string]interface {}
    let values = Value::Map(Map::new().into(), MapType::Named("common.Values"));
    assert_eq!(
        call("dig", &[s("m"), Value::int(0), values]).unwrap_err(),
        "interface conversion: interface {} is common.Values, not map[string]interface {}"
    );
    assert_eq!(
        call("dig", &[s("a"), Value::empty_map()]).unwrap_err(),
        "dig needs at least three arguments"
    );
}

#[test]
fn semver_api() {
    use kiln_sprig::semver::{Constraints, Version};
    let c = Constraints::parse(">=1.19-0").unwrap();
    assert!(c.check(&Version::parse("v1.36.0").unwrap()));
    assert!(c.check(&Version::parse("1.25.3-gke.100").unwrap()));
    assert!(!Constraints::parse(">=1.20.0")
        .unwrap()
        .check(&Version::parse("1.25.3-gke.100").unwrap()));
    assert_eq!(
        Constraints::parse("!!").unwrap_err(),
        "improper constraint: \"!!\""
    );
    assert_eq!(
        Version::parse("not.a.version").unwrap_err(),
        "invalid semantic version"
    );
    // sprig/semver/semver-fields
    let v = ok("semver", &[s("v1.2.3-beta+b1")]);
    assert_eq!(v.type_name(), "*semver.Version");
    assert_eq!(text(&v), "1.2.3-beta+b1");
}

#[test]
fn dates() {
    // sprig/date/toDate-print, date-format, dateInZone-tokyo
    let t = ok("toDate", &[s("2006-01-02"), s("2017-12-31")]);
    assert_eq!(t.type_name(), "time.Time");
    assert_eq!(text(&t), "2017-12-31 00:00:00 +0000 UTC");
    let t = ok(
        "toDate",
        &[s("2006-01-02T15:04:05Z07:00"), s("2024-03-09T07:08:09Z")],
    );
    assert_eq!(
        text(&ok(
            "dateInZone",
            &[s("2006-01-02 15:04 -0700"), t.clone(), s("Asia/Tokyo")]
        )),
        "2024-03-09 16:08 +0900"
    );
    assert_eq!(text(&ok("unixEpoch", &[t])), "1709968089");
    // sprig/date/mustToDate-bad, mustDateModify-bad
    assert_eq!(
        call("mustToDate", &[s("2006-01-02"), s("notadate")]).unwrap_err(),
        "parsing time \"notadate\" as \"2006-01-02\": cannot parse \"notadate\" as \"2006\""
    );
    // sprig/date/duration-str, durationRound-days
    assert_eq!(text(&ok("duration", &[s("3600")])), "1h0m0s");
    assert_eq!(text(&ok("durationRound", &[s("49h")])), "2d");
    // now prints with Go's monotonic clock suffix
    assert!(text(&ok("now", &[])).contains(" m=+"));
}

#[test]
fn random_values_have_go_shapes() {
    let u = text(&ok("uuidv4", &[]));
    assert_eq!(u.len(), 36);
    assert_eq!(&u[14..15], "4");
    let b = text(&ok("randBytes", &[Value::int(6)]));
    assert_eq!(b.len(), 8);
    assert_eq!(
        call("randBytes", &[Value::int(-1)]).unwrap_err(),
        "runtime error: makeslice: len out of range"
    );
    // sprig/crypto/encryptAES-roundtrip
    let c = ok("encryptAES", &[s("secretkey"), s("plaintext")]);
    assert_eq!(text(&ok("decryptAES", &[s("secretkey"), c])), "plaintext");
    assert_eq!(text(&ok("getHostByName", &[s("localhost")])), "");
}

#[test]
fn derive_password() {
    // sprig/crypto/derivePassword
    let args = [
        Value::int(1),
        s("long"),
        s("password"),
        s("user"),
        s("example.com"),
    ];
    assert_eq!(text(&ok("derivePassword", &args)), "ZedaFaxcZaso9*");
    // sprig/crypto/derivePassword-badtemplate
    let args = [Value::int(1), s("nope"), s("pw"), s("u"), s("site")];
    assert_eq!(
        text(&ok("derivePassword", &args)),
        "cannot find password template nope"
    );
}

#[test]
fn bcrypt_hashes_verify() {
    // sprig/crypto/bcrypt-prefix: $2a$, cost 10
    let h = text(&ok("bcrypt", &[s("p")]));
    assert!(h.starts_with("$2a$10$"), "{h}");
    assert_eq!(h.len(), 60);
    assert!(bcrypt::verify("p", &h).unwrap());
    let h = text(&ok("htpasswd", &[s("u"), s("p")]));
    assert!(h.starts_with("u:$2a$10$"));
}

#[test]
fn private_keys_and_certificates() {
    // sprig/crypto/genPrivateKey-*-header
    let ec = text(&ok("genPrivateKey", &[s("ecdsa")]));
    assert!(ec.starts_with("-----BEGIN EC PRIVATE KEY-----\n"), "{ec}");
    let ed = text(&ok("genPrivateKey", &[s("ed25519")]));
    assert!(ed.starts_with("-----BEGIN PRIVATE KEY-----\n"));
    assert_eq!(
        text(&ok("genPrivateKey", &[s("nope")])),
        "Unknown type nope"
    );

    // A CA and a leaf it signs, with the given keys; both parse back.
    let ca = ok("genCAWithKey", &[s("my-ca"), Value::int(365), s(&ec)]);
    assert_eq!(ca.type_name(), "sprig.certificate");
    assert_eq!(ca.kind().name(), "struct");
    assert!(field(&ca, "Cert").starts_with("-----BEGIN CERTIFICATE-----\n"));
    assert_eq!(field(&ca, "Key"), ec);
    let leaf = ok(
        "genSignedCertWithKey",
        &[
            s("leaf"),
            Value::list(vec![s("10.0.0.1")]),
            Value::list(vec![s("leaf.example.com")]),
            Value::int(30),
            ca.clone(),
            s(&ed),
        ],
    );
    let b64 = |x: &str| base64_std(x.as_bytes());
    let rebuilt = ok(
        "buildCustomCert",
        &[
            s(&b64(&field(&leaf, "Cert"))),
            s(&b64(&field(&leaf, "Key"))),
        ],
    );
    assert_eq!(field(&rebuilt, "Cert"), field(&leaf, "Cert"));
    // The wrong CA key is rejected as Go does.
    let other = text(&ok("genPrivateKey", &[s("ecdsa")]));
    let bad_ca = ok(
        "buildCustomCert",
        &[s(&b64(&field(&ca, "Cert"))), s(&b64(&other))],
    );
    assert_eq!(
        call(
            "genSignedCertWithKey",
            &[
                s("x"),
                Value::list(vec![]),
                Value::list(vec![]),
                Value::int(1),
                bad_ca,
                s(&ed)
            ]
        )
        .unwrap_err(),
        "error creating certificate: x509: provided PrivateKey doesn't match parent's PublicKey"
    );
}

fn base64_std(b: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in b.chunks(3) {
        let v = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(A[((v >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// RSA keys of `genCA`/`genSignedCert` (kiln_sprig's sieve-based prime search keeps
/// this fast even in unoptimised builds).
#[test]
fn rsa_certificates() {
    let ca = ok("genCA", &[s("ca"), Value::int(365)]);
    assert!(field(&ca, "Key").starts_with("-----BEGIN RSA PRIVATE KEY-----"));
    let leaf = ok(
        "genSignedCert",
        &[
            s("leaf"),
            Value::list(vec![]),
            Value::list(vec![s("a")]),
            Value::int(1),
            ca,
        ],
    );
    assert!(field(&leaf, "Cert").starts_with("-----BEGIN CERTIFICATE-----"));
}

/// No part-B function panics, whatever it is given (the engine checks argument types
/// before calling, `FuncMap::call` does not, so this is stricter than templates).
#[test]
fn no_panics_on_odd_arguments() {
    let funcs = kiln_sprig::func_map();
    let nested = Value::map(Map::from([(
        "a".into(),
        Value::map(Map::from([("b".into(), Value::Nil)])),
    )]));
    let pool = vec![
        Value::Nil,
        Value::Bool(true),
        Value::int(0),
        Value::int(-1),
        Value::int(i64::MAX),
        Value::int(i64::MIN),
        Value::int64(3),
        Value::Float(f64::NAN),
        Value::Float(-1e300),
        Value::Float(2.5),
        s(""),
        s("a"),
        s("1.2.3"),
        s("2006-01-02 15:04 MST"),
        s("-07:00:00Z07:00.999 __2 002"),
        s("é\u{0}"),
        s("1h2m"),
        Value::list(vec![]),
        Value::list(vec![Value::int(1), s("x"), Value::Nil]),
        Value::string_list(["b", "a"]),
        Value::Bytes(std::sync::Arc::from(&b"xy"[..])),
        Value::empty_map(),
        nested,
        ok("toDate", &[s("2006"), s("2020")]),
        ok("semver", &[s("1.2.3")]),
        ok("now", &[]),
    ];
    // Key generation with RSA/DSA and scrypt are too slow for a loop.
    let slow = [
        "genPrivateKey",
        "genCA",
        "genSelfSignedCert",
        "genSignedCert",
        "derivePassword",
        "bcrypt",
        "htpasswd",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for name in b_common_names() {
        if slow.contains(&name) {
            continue;
        }
        for _ in 0..600 {
            let n = (next() % 7) as usize;
            let args: Vec<Value> = (0..n)
                .map(|_| pool[(next() % pool.len() as u64) as usize].clone())
                .collect();
            let r =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| funcs.call(name, &args)));
            assert!(r.is_ok(), "{name} panicked with {args:?}");
        }
    }
}

fn b_common_names() -> Vec<&'static str> {
    vec![
        "list",
        "tuple",
        "append",
        "push",
        "mustAppend",
        "mustPush",
        "prepend",
        "mustPrepend",
        "first",
        "mustFirst",
        "rest",
        "mustRest",
        "last",
        "mustLast",
        "initial",
        "mustInitial",
        "reverse",
        "mustReverse",
        "uniq",
        "mustUniq",
        "without",
        "mustWithout",
        "has",
        "mustHas",
        "slice",
        "mustSlice",
        "concat",
        "chunk",
        "mustChunk",
        "dict",
        "get",
        "set",
        "unset",
        "hasKey",
        "pluck",
        "keys",
        "pick",
        "omit",
        "merge",
        "mergeOverwrite",
        "mustMerge",
        "mustMergeOverwrite",
        "values",
        "dig",
        "add1",
        "add",
        "sub",
        "div",
        "mod",
        "mul",
        "randInt",
        "add1f",
        "addf",
        "subf",
        "divf",
        "mulf",
        "biggest",
        "max",
        "min",
        "maxf",
        "minf",
        "ceil",
        "floor",
        "round",
        "sha1sum",
        "sha256sum",
        "sha512sum",
        "adler32sum",
        "buildCustomCert",
        "genCAWithKey",
        "genSelfSignedCertWithKey",
        "genSignedCertWithKey",
        "encryptAES",
        "decryptAES",
        "randBytes",
        "uuidv4",
        "ago",
        "date",
        "dateInZone",
        "date_in_zone",
        "dateModify",
        "date_modify",
        "mustDateModify",
        "must_date_modify",
        "duration",
        "durationRound",
        "htmlDate",
        "htmlDateInZone",
        "mustToDate",
        "now",
        "toDate",
        "unixEpoch",
        "semver",
        "semverCompare",
        "getHostByName",
    ]
}
