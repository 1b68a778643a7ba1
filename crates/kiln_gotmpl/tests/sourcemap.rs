//! The source map points rendered output back at the template text or action that
//! produced it, through `{{template}}` calls.

use kiln_gotmpl::{FuncMap, Map, Options, TemplateSet, Value};

#[test]
fn output_offsets_map_to_template_lines() {
    let mut set = TemplateSet::new("root", &FuncMap::new(), Options::default());
    set.parse(
        "helpers",
        "{{ define \"labels\" }}app: {{ .name }}\n{{ end }}",
    )
    .unwrap();
    set.parse(
        "main",
        "kind: ConfigMap\nname: {{ .name }}\nlabels:\n  {{- template \"labels\" . }}\nend: 1\n",
    )
    .unwrap();
    let mut m = Map::new();
    m.insert("name".into(), Value::str("demo"));
    let (out, map) = set.execute_mapped("main", &Value::map(m), None).unwrap();
    assert_eq!(
        out,
        "kind: ConfigMap\nname: demo\nlabels:app: demo\n\nend: 1\n"
    );
    let at = |needle: &str| {
        let off = out.find(needle).unwrap();
        let (file, loc) = map.locate(off).unwrap();
        (file, loc.line, loc.col)
    };
    assert_eq!(at("kind"), ("main".into(), 1, 0));
    // "demo" came from the action on line 2.
    assert_eq!(at("demo"), ("main".into(), 2, 9));
    // Text of a called template points into that template's source.
    assert_eq!(at("app:"), ("helpers".into(), 1, 21));
    assert_eq!(at("end"), ("main".into(), 5, 0));
}
