//! SCH004: Helm's `values.schema.json` failure text becomes one finding per key, at the
//! values file line that set it.

mod schema_support;

use std::sync::Arc;

use kiln_check::schema::values_schema_diagnostics;
use kiln_check::ValueFile;

#[test]
fn helm_schema_errors_become_findings_per_key() {
    let text = "image:\n  tag: latest\nreplicas: \"2\"\n";
    let (_, spans) = kiln_encoding::parse_values_with_spans(text).unwrap();
    let mut app = schema_support::app("ollama", Vec::new(), Some("1.31.0"));
    app.value_files.push(ValueFile {
        path: "clusters/home/ollama.yaml".into(),
        spans: Arc::new(spans),
        text: Arc::from(text),
    });
    let helm = "values don't meet the specifications of the schema(s) in the following chart(s):\nollama:\n- at '/replicas': got string, want integer\n- at '/image/tag': value must be one of 'v1', 'v2'\n";
    let d = values_schema_diagnostics(&app, helm);
    assert_eq!(d.len(), 2);
    assert!(d
        .iter()
        .all(|x| x.code == "SCH004" && x.app.as_deref() == Some("ollama")));
    assert_eq!(d[0].message, "values `replicas`: got string, want integer");
    let s = d[0].span.as_ref().unwrap();
    assert_eq!(
        (s.file.as_str(), s.line, s.column),
        ("clusters/home/ollama.yaml", 3, 1)
    );
    assert_eq!(
        d[1].message,
        "values `image.tag`: value must be one of 'v1', 'v2'"
    );
    assert_eq!(d[1].span.as_ref().unwrap().line, 2);

    // Text in another shape: one finding carrying it.
    let d = values_schema_diagnostics(&app, "something else went wrong");
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].message, "something else went wrong");
}
