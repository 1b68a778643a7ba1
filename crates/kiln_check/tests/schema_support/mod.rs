//! Helpers of the `schema_*` tests: objects built from YAML with a real template origin,
//! so that spans can be checked.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use kiln_check::{App, CheckInput, Object, Origin};
use kiln_gotmpl::{FuncMap, Options, TemplateSet, Value};

/// The workspace root (`/work/main`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The Helm parity corpus beside the repository, when present.
pub fn corpus() -> Option<PathBuf> {
    let p = root().join("../shared/corpus");
    p.join("SOURCES.tsv").is_file().then_some(p)
}

/// A fixture file of `tests/fixtures/schema/`.
pub fn fixture(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/schema")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The objects of a YAML stream, as if the template `test/templates/NAME` of the chart
/// in `charts/test` had rendered it (plain text: every line maps to itself).
pub fn objects(name: &str, yaml: &str) -> Vec<Object> {
    let tname = format!("test/templates/{name}");
    let mut ts = TemplateSet::new("gotpl", &FuncMap::default(), Options::default());
    ts.parse(&tname, yaml)
        .expect("fixture parses as a template");
    let (out, map) = ts
        .execute_mapped(&tname, &Value::Nil, None)
        .expect("fixture executes");
    let map = Arc::new(map);
    let mut objs = Vec::new();
    let mut offset = 0usize;
    for chunk in out.split_inclusive_docs() {
        if let Ok((value, spans)) = kiln_encoding::parse_values_with_spans(chunk) {
            if value.as_map_ref().is_some_and(|m| !m.is_empty()) {
                let mut line_starts = vec![0usize];
                for (i, b) in chunk.bytes().enumerate() {
                    if b == b'\n' {
                        line_starts.push(i + 1);
                    }
                }
                objs.push(object_from(
                    value,
                    &tname,
                    Some(Origin {
                        doc_spans: Arc::new(spans),
                        doc_offset: offset,
                        line_starts: Arc::new(line_starts),
                        map: map.clone(),
                        chart_dir: "charts/test".into(),
                    }),
                ));
            }
        }
        offset += chunk.len();
    }
    objs
}

/// An object from a parsed document.
pub fn object_from(value: Value, source: &str, origin: Option<Origin>) -> Object {
    let get = |path: &[&str]| -> Option<String> {
        let mut cur = value.clone();
        for k in path {
            cur = cur.as_map_ref()?.get(k)?;
        }
        cur.as_str().map(str::to_string)
    };
    Object {
        api_version: get(&["apiVersion"]).unwrap_or_default(),
        kind: get(&["kind"]).unwrap_or_default(),
        name: get(&["metadata", "name"]).unwrap_or_default(),
        namespace: get(&["metadata", "namespace"]),
        source: source.to_string(),
        origin,
        value,
    }
}

/// One app holding `objects`, for Kubernetes `kube_version`.
pub fn app(name: &str, objects: Vec<Object>, kube_version: Option<&str>) -> App {
    App {
        cluster: Some("home".into()),
        name: name.into(),
        chart_dir: Some("charts/test".into()),
        chart: None,
        values: None,
        value_files: Vec::new(),
        objects,
        deployed: true,
        kube_version: kube_version.map(str::to_string),
        user_values: None,
    }
}

/// An input of apps.
pub fn input(apps: Vec<App>) -> CheckInput {
    CheckInput {
        apps,
        ..CheckInput::default()
    }
}

/// Splits a stream at `---` lines, keeping every byte (so offsets add up).
pub trait SplitDocs {
    fn split_inclusive_docs(&self) -> Vec<&str>;
}

impl SplitDocs for String {
    fn split_inclusive_docs(&self) -> Vec<&str> {
        let mut out = Vec::new();
        let mut start = 0;
        let mut pos = 0;
        for line in self.split_inclusive('\n') {
            if line.trim_end() == "---" && pos > start {
                out.push(&self[start..pos]);
                start = pos;
            }
            pos += line.len();
        }
        out.push(&self[start..]);
        out
    }
}
