//! Tests of the printer. Expected strings are Helm v4.2.3's output (Go 1.26, via
//! `shared/oracle/helm-oracle`) for the template quoted with each case, unless a comment
//! says otherwise; the operands are rebuilt as the Go values Helm passes.
#![allow(clippy::approx_constant)] // 3.14159 is test data, not an approximation of PI

mod oracle;

use std::borrow::Cow;
use std::sync::Arc;

use super::*;
use crate::value::{Kind, ListType, Map, MapRef, MapType, Object, Str, UintType};

pub(super) fn map(entries: Vec<(&str, Value)>) -> Value {
    Value::map(
        entries
            .into_iter()
            .map(|(k, v)| (Str::from(k), v))
            .collect::<Map>(),
    )
}

/// `.Files.GetBytes` of a file holding `hié`.
pub(super) fn bytes() -> Value {
    Value::Bytes(Arc::from("hi\u{e9}".as_bytes()))
}

pub(super) fn check(cases: Vec<(&str, Vec<Value>, &str, &str)>) {
    let mut failures = Vec::new();
    for (format, args, want, template) in cases {
        let got = sprintf(format, &args);
        if got != want {
            failures.push(format!("{template}\n   want {want:?}\n    got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A Go struct or pointer to one, for the tests.
struct TestObject {
    type_name: &'static str,
    kind: Kind,
    string: Option<&'static str>,
    fields: Vec<(&'static str, Value)>,
    underlying: Option<Value>,
}

impl Object for TestObject {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.type_name)
    }
    fn kind(&self) -> Kind {
        self.kind
    }
    fn to_go_string(&self) -> Option<String> {
        self.string.map(str::to_string)
    }
    fn fields(&self) -> Vec<(Cow<'static, str>, Value)> {
        self.fields
            .iter()
            .map(|(n, v)| (Cow::Borrowed(*n), v.clone()))
            .collect()
    }
    fn underlying(&self) -> Option<Value> {
        self.underlying.clone()
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// Sprig's `semver "1.2.3"`: a `*semver.Version` with a `String` method.
fn semver() -> Value {
    let u = |n| Value::Uint(n, UintType::Uint64);
    Value::Object(Arc::new(TestObject {
        type_name: "*semver.Version",
        kind: Kind::Ptr,
        string: Some("1.2.3"),
        fields: vec![
            ("major", u(1)),
            ("minor", u(2)),
            ("patch", u(3)),
            ("pre", Value::str("")),
            ("metadata", Value::str("")),
            ("original", Value::str("1.2.3")),
        ],
        underlying: None,
    }))
}

/// `.Capabilities.KubeVersion` as `printf` sees it: a struct value (its `String` method
/// has a pointer receiver, so fmt does not use it).
fn kube_version() -> Value {
    Value::Object(Arc::new(TestObject {
        type_name: "common.KubeVersion",
        kind: Kind::Struct,
        string: None,
        fields: vec![
            ("Version", Value::str("v1.36.0")),
            ("normalizedVersion", Value::str("v1.36.0")),
            ("Major", Value::str("1")),
            ("Minor", Value::str("36")),
        ],
        underlying: None,
    }))
}

fn helm_version() -> Value {
    Value::Object(Arc::new(TestObject {
        type_name: "version.BuildInfo",
        kind: Kind::Struct,
        string: None,
        fields: vec![
            ("Version", Value::str("v4.2")),
            ("GitCommit", Value::str("")),
            ("GitTreeState", Value::str("")),
            ("GoVersion", Value::str("go1.26.6")),
            ("KubeClientVersion", Value::str("v1.36")),
        ],
        underlying: None,
    }))
}

const API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1",
    "resource.k8s.io/v1beta2",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha2",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

fn api_versions() -> Value {
    Value::Object(Arc::new(TestObject {
        type_name: "common.VersionSet",
        kind: Kind::Slice,
        string: None,
        fields: vec![],
        underlying: Some(Value::string_list(API_VERSIONS)),
    }))
}

fn capabilities() -> Value {
    Value::Object(Arc::new(TestObject {
        type_name: "*common.Capabilities",
        kind: Kind::Ptr,
        string: None,
        fields: vec![
            ("KubeVersion", kube_version()),
            ("APIVersions", api_versions()),
            ("HelmVersion", helm_version()),
        ],
        underlying: None,
    }))
}

#[test]
fn pointer_with_string_method() {
    let v = semver();
    check(vec![
        ("%v", vec![v.clone()], "1.2.3", r#"{{ printf "%v" (semver "1.2.3") }}"#),
        ("%+v", vec![v.clone()], "1.2.3", r#"{{ printf "%+v" (semver "1.2.3") }}"#),
        (
            "%#v",
            vec![v.clone()],
            r#"&semver.Version{major:0x1, minor:0x2, patch:0x3, pre:"", metadata:"", original:"1.2.3"}"#,
            r#"{{ printf "%#v" (semver "1.2.3") }}"#,
        ),
        ("%x", vec![v.clone()], "312e322e33", r#"{{ printf "%x" (semver "1.2.3") }}"#),
        ("%q", vec![v.clone()], "\"1.2.3\"", r#"{{ printf "%q" (semver "1.2.3") }}"#),
        ("%5v|", vec![v.clone()], "1.2.3|", r#"{{ printf "%5v|" (semver "1.2.3") }}"#),
        ("%T", vec![v.clone()], "*semver.Version", r#"{{ printf "%T" (semver "1.2.3") }}"#),
        (
            "%d",
            vec![v.clone()],
            "&{1 2 3 %!d(string=) %!d(string=) %!d(string=1.2.3)}",
            r#"{{ printf "%d" (semver "1.2.3") }}"#,
        ),
        (
            "%t",
            vec![v.clone()],
            "&{%!t(uint64=1) %!t(uint64=2) %!t(uint64=3) %!t(string=) %!t(string=) %!t(string=1.2.3)}",
            r#"{{ printf "%t" (semver "1.2.3") }}"#,
        ),
        (
            "%v",
            vec![Value::list(vec![v.clone()])],
            "[1.2.3]",
            r#"{{ printf "%v" (list (semver "1.2.3")) }}"#,
        ),
    ]);
    // {{ print (semver "1.2.3") 1 }}
    assert_eq!(sprint(&[v.clone(), Value::int(1)]), "1.2.3 1");
    let mut out = String::new();
    write_value(&mut out, &v);
    assert_eq!(out, "1.2.3");
}

#[test]
fn structs() {
    let kv = kube_version();
    let hv = helm_version();
    check(vec![
        (
            "%v",
            vec![kv.clone()],
            "{v1.36.0 v1.36.0 1 36}",
            r#"{{ printf "%v" .Capabilities.KubeVersion }}"#,
        ),
        (
            "%+v",
            vec![kv.clone()],
            "{Version:v1.36.0 normalizedVersion:v1.36.0 Major:1 Minor:36}",
            r#"{{ printf "%+v" .Capabilities.KubeVersion }}"#,
        ),
        (
            "%#v",
            vec![kv.clone()],
            r#"common.KubeVersion{Version:"v1.36.0", normalizedVersion:"v1.36.0", Major:"1", Minor:"36"}"#,
            r#"{{ printf "%#v" .Capabilities.KubeVersion }}"#,
        ),
        (
            "%d",
            vec![kv.clone()],
            "{%!d(string=v1.36.0) %!d(string=v1.36.0) %!d(string=1) %!d(string=36)}",
            r#"{{ printf "%d" .Capabilities.KubeVersion }}"#,
        ),
        (
            "%v",
            vec![Value::list(vec![kv.clone()])],
            "[{v1.36.0 v1.36.0 1 36}]",
            r#"{{ printf "%v" (list .Capabilities.KubeVersion) }}"#,
        ),
        (
            "%T",
            vec![kv.clone()],
            "common.KubeVersion",
            r#"{{ printf "%T" .Capabilities.KubeVersion }}"#,
        ),
        (
            "%+v",
            vec![hv.clone()],
            "{Version:v4.2 GitCommit: GitTreeState: GoVersion:go1.26.6 KubeClientVersion:v1.36}",
            r#"{{ printf "%+v" .Capabilities.HelmVersion }}"#,
        ),
        (
            "%s",
            vec![hv.clone()],
            "{v4.2   go1.26.6 v1.36}",
            r#"{{ printf "%s" .Capabilities.HelmVersion }}"#,
        ),
        (
            "%#v",
            vec![hv.clone()],
            r#"version.BuildInfo{Version:"v4.2", GitCommit:"", GitTreeState:"", GoVersion:"go1.26.6", KubeClientVersion:"v1.36"}"#,
            r#"{{ printf "%#v" .Capabilities.HelmVersion }}"#,
        ),
    ]);
    // {{ .Capabilities.HelmVersion }}
    let mut out = String::new();
    write_action_value(&mut out, &hv);
    assert_eq!(out, "{v4.2   go1.26.6 v1.36}");
}

#[test]
fn named_slice_and_pointer_to_struct() {
    let caps = capabilities();
    let inner = "{v1.36.0 v1.36.0 1 36} [v1 admissionregistration.k8s.io/v1 admissionregistration.k8s.io/v1alpha1 admissionregistration.k8s.io/v1beta1 internal.apiserver.k8s.io/v1alpha1 apps/v1 apps/v1beta1 apps/v1beta2 authentication.k8s.io/v1 authentication.k8s.io/v1alpha1 authentication.k8s.io/v1beta1 authorization.k8s.io/v1 authorization.k8s.io/v1beta1 autoscaling/v1 autoscaling/v2 batch/v1 batch/v1beta1 certificates.k8s.io/v1 certificates.k8s.io/v1beta1 certificates.k8s.io/v1alpha1 coordination.k8s.io/v1alpha2 coordination.k8s.io/v1beta1 coordination.k8s.io/v1 discovery.k8s.io/v1 discovery.k8s.io/v1beta1 events.k8s.io/v1 events.k8s.io/v1beta1 extensions/v1beta1 flowcontrol.apiserver.k8s.io/v1 flowcontrol.apiserver.k8s.io/v1beta1 flowcontrol.apiserver.k8s.io/v1beta2 flowcontrol.apiserver.k8s.io/v1beta3 networking.k8s.io/v1 networking.k8s.io/v1beta1 node.k8s.io/v1 node.k8s.io/v1alpha1 node.k8s.io/v1beta1 policy/v1 policy/v1beta1 rbac.authorization.k8s.io/v1 rbac.authorization.k8s.io/v1beta1 rbac.authorization.k8s.io/v1alpha1 resource.k8s.io/v1 resource.k8s.io/v1beta2 resource.k8s.io/v1beta1 resource.k8s.io/v1alpha3 scheduling.k8s.io/v1alpha2 scheduling.k8s.io/v1beta1 scheduling.k8s.io/v1 storage.k8s.io/v1beta1 storage.k8s.io/v1 storage.k8s.io/v1alpha1 storagemigration.k8s.io/v1beta1 apiextensions.k8s.io/v1beta1 apiextensions.k8s.io/v1] {v4.2   go1.26.6 v1.36}";
    // {{ printf "%v" .Capabilities }}
    assert_eq!(
        sprintf("%v", std::slice::from_ref(&caps)),
        format!("&{{{inner}}}")
    );
    // {{ .Capabilities }}: text/template indirects the pointer first.
    let mut out = String::new();
    write_action_value(&mut out, &caps);
    assert_eq!(out, format!("{{{inner}}}"));
    // fmt.Fprint does not.
    out.clear();
    write_value(&mut out, &caps);
    assert_eq!(out, format!("&{{{inner}}}"));
    // {{ printf "%T" .Capabilities }}
    assert_eq!(sprintf("%T", &[caps]), "*common.Capabilities");
    let vs = api_versions();
    // {{ printf "%s" .Capabilities.APIVersions }}
    assert_eq!(sprintf("%s", std::slice::from_ref(&vs)), "[v1 admissionregistration.k8s.io/v1 admissionregistration.k8s.io/v1alpha1 admissionregistration.k8s.io/v1beta1 internal.apiserver.k8s.io/v1alpha1 apps/v1 apps/v1beta1 apps/v1beta2 authentication.k8s.io/v1 authentication.k8s.io/v1alpha1 authentication.k8s.io/v1beta1 authorization.k8s.io/v1 authorization.k8s.io/v1beta1 autoscaling/v1 autoscaling/v2 batch/v1 batch/v1beta1 certificates.k8s.io/v1 certificates.k8s.io/v1beta1 certificates.k8s.io/v1alpha1 coordination.k8s.io/v1alpha2 coordination.k8s.io/v1beta1 coordination.k8s.io/v1 discovery.k8s.io/v1 discovery.k8s.io/v1beta1 events.k8s.io/v1 events.k8s.io/v1beta1 extensions/v1beta1 flowcontrol.apiserver.k8s.io/v1 flowcontrol.apiserver.k8s.io/v1beta1 flowcontrol.apiserver.k8s.io/v1beta2 flowcontrol.apiserver.k8s.io/v1beta3 networking.k8s.io/v1 networking.k8s.io/v1beta1 node.k8s.io/v1 node.k8s.io/v1alpha1 node.k8s.io/v1beta1 policy/v1 policy/v1beta1 rbac.authorization.k8s.io/v1 rbac.authorization.k8s.io/v1beta1 rbac.authorization.k8s.io/v1alpha1 resource.k8s.io/v1 resource.k8s.io/v1beta2 resource.k8s.io/v1beta1 resource.k8s.io/v1alpha3 scheduling.k8s.io/v1alpha2 scheduling.k8s.io/v1beta1 scheduling.k8s.io/v1 storage.k8s.io/v1beta1 storage.k8s.io/v1 storage.k8s.io/v1alpha1 storagemigration.k8s.io/v1beta1 apiextensions.k8s.io/v1beta1 apiextensions.k8s.io/v1]");
    // {{ printf "%#v" .Capabilities.APIVersions }}
    let quoted: Vec<String> = API_VERSIONS.iter().map(|s| format!("{s:?}")).collect();
    assert_eq!(
        sprintf("%#v", std::slice::from_ref(&vs)),
        format!("common.VersionSet{{{}}}", quoted.join(", "))
    );
    assert_eq!(sprintf("%T", &[vs]), "common.VersionSet");
}

#[test]
fn named_maps_and_bytes() {
    let values = Value::Map(
        MapRef::new([(Str::from("a"), Value::Float(1.0))].into_iter().collect()),
        MapType::Named("common.Values"),
    );
    // {{ printf "%#v" .Values }}
    assert_eq!(
        sprintf("%#v", std::slice::from_ref(&values)),
        "common.Values{\"a\":1}"
    );
    // {{ printf "%T" .Values }}
    assert_eq!(sprintf("%T", &[values]), "common.Values");
    let files = Value::Map(
        MapRef::new(
            [
                (Str::from("a.bin"), bytes()),
                (Str::from("b.bin"), Value::Bytes(Arc::from(&b"x\ty"[..]))),
            ]
            .into_iter()
            .collect(),
        ),
        MapType::Named("engine.files"),
    );
    // {{ printf "%v" .Files }}
    assert_eq!(
        sprintf("%v", &[files]),
        "map[a.bin:[104 105 195 169] b.bin:[120 9 121]]"
    );
    // {{ .Files.GetBytes "a.bin" }}
    let mut out = String::new();
    write_action_value(&mut out, &bytes());
    assert_eq!(out, "[104 105 195 169]");
    // {{ printf "%T" (.Files.GetBytes "a.bin") }}
    assert_eq!(sprintf("%T", &[bytes()]), "[]uint8");
}

#[test]
fn huge_widths_and_precisions() {
    // {{ printf "%1000001d" 1 }}: Go checks the limit before each further digit.
    let s = sprintf("%1000001d", &[Value::int(1)]);
    assert_eq!(s.len(), 1_000_001);
    assert!(s.starts_with("   ") && s.ends_with(" 1"));
    // {{ printf "%.10000001d" 1 }}
    let s = sprintf("%.10000001d", &[Value::int(1)]);
    assert_eq!(s.len(), 10_000_001);
    assert!(s.starts_with("000") && s.ends_with("01"));
    // Not from Helm: over the limit, Go's parsenum gives up and the verb is missing.
    assert_eq!(
        sprintf("%100000000d", &[Value::int(1)]),
        "%!(NOVERB)%!(EXTRA int=1)"
    );
    assert_eq!(
        sprintf("%.100000000f", &[Value::Float(1.0)]),
        "%!(NOVERB)%!(EXTRA float64=1)"
    );
}

#[test]
fn write_value_matches_sprint() {
    // Not from Helm: the fast paths must agree with the general printer.
    let values = [
        Value::Float(1e6),
        Value::Float(-0.0),
        Value::Float(f64::INFINITY),
        Value::Float(f64::NAN),
        Value::Float(123.456),
        Value::int(-5),
        Value::int64(7),
        Value::Bool(false),
        Value::str("x y"),
        Value::Nil,
        Value::Uint(5, UintType::Uint8),
        Value::Complex(1.0, -2.0),
        Value::List(
            Arc::new(crate::value::Items::from(vec![Value::int(1)])),
            ListType::Int,
        ),
    ];
    for v in &values {
        let mut out = String::new();
        write_value(&mut out, v);
        assert_eq!(out, sprint(std::slice::from_ref(v)), "{v:?}");
        out.clear();
        write_action_value(&mut out, v);
        assert_eq!(out, sprint(std::slice::from_ref(v)), "{v:?}");
    }
}

#[test]
fn never_panics() {
    // Not from Helm: arbitrary format strings and operands must not panic.
    const ALPHABET: &[&str] = &[
        "%",
        "%",
        "%",
        "[",
        "]",
        "*",
        ".",
        "0",
        "1",
        "2",
        "9",
        "#",
        "+",
        "-",
        " ",
        "v",
        "d",
        "s",
        "q",
        "x",
        "X",
        "e",
        "f",
        "g",
        "G",
        "t",
        "T",
        "c",
        "U",
        "p",
        "w",
        "b",
        "o",
        "O",
        "\u{e9}",
        "!",
        "a",
        "[1]",
        "[3]",
        "[0]",
        "99",
        "1000000000",
    ];
    let args = [
        Value::int(3),
        Value::int(-1),
        Value::Float(-2.5),
        Value::str("h\u{e9}llo"),
        Value::Bool(true),
        Value::Nil,
        bytes(),
        Value::Bytes(Arc::from(&b"\xff\xfe"[..])),
        Value::list(vec![Value::int(1), Value::Nil, Value::str("x")]),
        map(vec![("k", Value::Float(1.5))]),
        Value::Complex(0.5, -1.0),
        Value::Uint(u64::MAX, UintType::Uint64),
        semver(),
        capabilities(),
    ];
    let mut seed: u64 = 0x2545F4914F6CDD1D;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    for _ in 0..5000 {
        let mut format = String::new();
        for _ in 0..next(8) + 1 {
            format.push_str(ALPHABET[next(ALPHABET.len())]);
        }
        let start = next(args.len());
        let count = next(4);
        let operands: Vec<Value> = (0..count)
            .map(|i| args[(start + i) % args.len()].clone())
            .collect();
        let _ = sprintf(&format, &operands);
    }
}
