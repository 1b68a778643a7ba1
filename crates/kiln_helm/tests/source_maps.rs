//! `helm template` with source maps: every rendered document, located by its
//! `Manifest::offset` in its template's output, maps back to the template line that
//! wrote it — through whitespace trimming, `---` separators, `include`, `range` and
//! Helm's removal of `<no value>`.

use std::sync::Arc;

use kiln_gotmpl::Map;
use kiln_helm::chart::File;
use kiln_helm::TemplateOptions;

fn file(name: &str, text: &str) -> File {
    File {
        name: name.into(),
        data: text.as_bytes().to_vec().into(),
    }
}

fn chart() -> Arc<kiln_helm::chart::Chart> {
    let files = vec![
        file("Chart.yaml", "apiVersion: v2\nname: demo\nversion: 0.1.0\n"),
        file("values.yaml", "names: [a, b]\nport: 80\n"),
        file(
            "templates/_helpers.tpl",
            "{{- define \"demo.labels\" -}}\napp: demo\n{{- end }}\n",
        ),
        // Line 1 comment, documents start on lines 3 and 10 (after `---`).
        file(
            "templates/svc.yaml",
            "# a comment line\n\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc\n  labels:\n    {{- include \"demo.labels\" . | nindent 4 }}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm{{ .Values.missing }}\ndata:\n  port: {{ .Values.port | quote }}\n",
        ),
        // One document per name from a range: `kind:` is on template line 4.
        file(
            "templates/range.yaml",
            "{{- range .Values.names }}\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ . }}\n{{- end }}\n",
        ),
    ];
    Arc::new(kiln_helm::loader::load_files(files).expect("chart"))
}

/// The template line (1-based) that wrote the first occurrence of `needle` in the
/// manifest of `kind` named `name`.
fn line_of(out: &kiln_helm::TemplateOutput, name: &str, needle: &str) -> (String, usize) {
    let m = out
        .manifests
        .iter()
        .find(|m| m.content.contains(&format!("name: {name}")))
        .unwrap_or_else(|| panic!("no manifest {name}"));
    let map = &out.source_maps[&m.path];
    let at = m.content.find(needle).expect("needle");
    let (file, loc) = map.locate(m.offset + at).expect("located");
    (file, loc.line)
}

#[test]
fn documents_map_back_to_template_lines() {
    let opts = TemplateOptions {
        source_maps: true,
        ..Default::default()
    };
    let out = kiln_helm::template(&chart(), &Map::new(), &opts).expect("render");
    let svc = "demo/templates/svc.yaml".to_string();
    assert_eq!(line_of(&out, "svc", "kind: Service"), (svc.clone(), 4));
    assert_eq!(line_of(&out, "svc", "apiVersion"), (svc.clone(), 3));
    // The included labels are attributed to the `include` action.
    assert_eq!(line_of(&out, "svc", "app: demo"), (svc.clone(), 8));
    // After `<no value>` was removed from `cm{{ .Values.missing }}`.
    assert_eq!(line_of(&out, "cm", "kind: ConfigMap"), (svc.clone(), 11));
    assert_eq!(line_of(&out, "cm", "port:"), (svc, 15));
    let range = "demo/templates/range.yaml".to_string();
    assert_eq!(line_of(&out, "a", "kind: Secret"), (range.clone(), 4));
    assert_eq!(line_of(&out, "b", "kind: Secret"), (range.clone(), 4));
    assert_eq!(line_of(&out, "b", "name: b"), (range, 6));
}

#[test]
fn source_maps_change_nothing_else() {
    let plain = kiln_helm::template(&chart(), &Map::new(), &TemplateOptions::default()).unwrap();
    let mapped = kiln_helm::template(
        &chart(),
        &Map::new(),
        &TemplateOptions {
            source_maps: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(plain.stream, mapped.stream);
    assert_eq!(plain.rendered, mapped.rendered);
    assert!(plain.source_maps.is_empty());
    assert_eq!(mapped.source_maps.len(), 2);
}
