//! Positions of keys and values in parsed values files.

use kiln_encoding::{parse_values_with_spans, PathSeg, Position};

fn pos(line: usize, column: usize) -> Position {
    Position { line, column }
}

#[test]
fn keys_and_values() {
    let text = "\
# comment
resources:
  limits:
    nvidia.com/gpu: 1
    cpu: \"2\"
list:
  - a
  - name: x
    port: 80
flow: {k: [1, 2]}
";
    let (v, spans) = parse_values_with_spans(text).unwrap();
    assert!(v.as_map().unwrap().contains_key("resources"));
    let gpu = spans
        .get(&["resources".into(), "limits".into(), "nvidia.com/gpu".into()])
        .unwrap();
    assert_eq!(gpu.key, Some(pos(4, 5)));
    assert_eq!(gpu.value, pos(4, 21));
    assert_eq!(
        spans.position(&["resources".into(), "limits".into(), "cpu".into()]),
        Some(pos(5, 5))
    );
    let item = spans
        .get(&["list".into(), PathSeg::Index(1), "port".into()])
        .unwrap();
    assert_eq!(item.key, Some(pos(9, 5)));
    assert_eq!(
        spans.get(&["list".into(), 0.into()]).unwrap().value,
        pos(7, 5)
    );
    assert_eq!(
        spans
            .get(&["flow".into(), "k".into(), 1.into()])
            .unwrap()
            .value,
        pos(10, 15)
    );
    assert!(spans.get(&["nope".into()]).is_none());
    assert!(spans.get(&["list".into(), 5.into()]).is_none());
    let keys: Vec<&str> = spans.root().keys().map(|(k, _)| k).collect();
    assert_eq!(keys, vec!["flow", "list", "resources"]);
}

#[test]
fn documents_anchors_and_merges() {
    let text = "\
base:
  x: 1
  z: 2
a: 1
---
base:
  z: 3
a: 2
";
    let (_, spans) = parse_values_with_spans(text).unwrap();
    // Later documents win, with their own line numbers; maps merge.
    assert_eq!(spans.position(&["a".into()]), Some(pos(8, 1)));
    assert_eq!(
        spans.position(&["base".into(), "x".into()]),
        Some(pos(2, 3))
    );
    assert_eq!(
        spans.position(&["base".into(), "z".into()]),
        Some(pos(7, 3))
    );
    // Each document is a YAML document of its own: an alias cannot refer to an anchor
    // of an earlier document (Helm fails the same way).
    let e = parse_values_with_spans("a: &x 1\n---\nb: *x\n").unwrap_err();
    assert!(
        e.message.ends_with("yaml: unknown anchor 'x' referenced"),
        "{}",
        e.message
    );
    let text = "base: &b\n  x: 1\nuse:\n  <<: *b\n  z: 3\nref: *b\n";
    let (_, spans) = parse_values_with_spans(text).unwrap();
    assert_eq!(spans.position(&["use".into(), "x".into()]), Some(pos(2, 3)));
    assert_eq!(spans.position(&["use".into(), "z".into()]), Some(pos(5, 3)));
    let r = spans.get(&["ref".into()]).unwrap();
    assert_eq!(r.value, pos(6, 6));
    assert_eq!(spans.position(&["ref".into(), "x".into()]), Some(pos(2, 3)));
}

#[test]
fn errors_carry_positions() {
    let e = parse_values_with_spans("a: 1\nb: [1, 2\nc: 3\n").unwrap_err();
    assert_eq!(
        e.message,
        "cannot unmarshal yaml document: error converting YAML to JSON: yaml: line 2: did not find expected ',' or ']'"
    );
    // goyaml prints parser errors with a 0-based line; the position is the real one.
    assert_eq!(e.position.map(|p| p.line), Some(3));
    let e = parse_values_with_spans("a: 1\n---\nb:\n\tc: 1\n").unwrap_err();
    assert_eq!(
        e.message,
        "cannot unmarshal yaml document: error converting YAML to JSON: yaml: line 2: found character that cannot start any token"
    );
    assert_eq!(e.position, Some(pos(4, 1)));
    let e = parse_values_with_spans("a: 1\n--- x\n").unwrap_err();
    assert_eq!(
        e.message,
        "error reading yaml document: invalid Yaml document separator: x"
    );
    assert_eq!(e.position.map(|p| p.line), Some(2));
}

/// Decoding into Go structs: scalars meeting `string` fields (Chart.yaml's
/// `appVersion: 1.10` is "1.1" in Helm).
#[test]
fn typed_scalars_for_struct_fields() {
    let v = kiln_encoding::yaml_to_value_typed(
        "appVersion: 1.10\nversion: 1.0\nnum: 42\nb: yes\ns: x\n",
    )
    .unwrap();
    let m = v.as_map().unwrap();
    let f = |k: &str| kiln_encoding::go_string_field(&m.get(k).cloned().unwrap());
    assert_eq!(f("appVersion").as_deref(), Some("1.1"));
    assert_eq!(f("version").as_deref(), Some("1"));
    assert_eq!(f("num").as_deref(), Some("42"));
    assert_eq!(f("b").as_deref(), Some("true"));
    assert_eq!(f("s").as_deref(), Some("x"));
    assert!(matches!(m.get("num"), Some(kiln_gotmpl::Value::Int(42, _))));
}

/// Manifest streams: every document on its own, with its first line.
#[test]
fn document_streams() {
    let docs =
        kiln_encoding::parse_documents("a: 1\n---\n# only a comment\n---\nb: [\n---\nkind: x\n");
    assert_eq!(docs.len(), 4);
    assert_eq!(docs[0].as_ref().unwrap().line, 1);
    assert!(docs[1].as_ref().unwrap().value.is_nil());
    let e = docs[2].as_ref().unwrap_err();
    assert_eq!(
        e.message,
        "error converting YAML to JSON: yaml: line 1: did not find expected node content"
    );
    assert_eq!(e.position.map(|p| p.line), Some(6));
    let d = docs[3].as_ref().unwrap();
    assert_eq!((d.line, d.text.as_str()), (7, "kind: x\n"));
}
