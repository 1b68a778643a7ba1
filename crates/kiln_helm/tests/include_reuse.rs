//! `include` reuses the output of a named template run again with the same data (see
//! `kiln_helm::funcs`), except where running it again could give something else. What
//! Helm does with changed data is compared live in `chart_features.rs`
//! (`tests/charts/include-reuse/`); random output cannot be compared byte for byte, so
//! it is checked here: every `include` of a helper that calls a random function runs it
//! again, as Helm does.

use std::collections::BTreeMap;
use std::sync::Arc;

use kiln_helm::engine::{render, RenderOptions};

fn render_chart(helpers: &str, template: &str) -> String {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("kiln-include-reuse-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("Chart.yaml"),
        "apiVersion: v2\nname: reuse\nversion: 0.1.0\n",
    )
    .unwrap();
    std::fs::write(dir.join("templates/_helpers.tpl"), helpers).unwrap();
    std::fs::write(dir.join("templates/cm.yaml"), template).unwrap();
    let chart = Arc::new(kiln_helm::loader::load(&dir).unwrap());
    let out: BTreeMap<String, String> =
        render(&chart, &Default::default(), &RenderOptions::default()).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    out["reuse/templates/cm.yaml"].clone()
}

#[test]
fn random_helpers_run_at_every_include() {
    for call in [
        "randAlphaNum 24",
        "uuidv4",
        "randAlpha 24",
        "randNumeric 24",
    ] {
        let out = render_chart(
            &format!("{{{{- define \"r\" -}}}}{{{{ {call} }}}}{{{{- end -}}}}\n{{{{- define \"outer\" -}}}}<{{{{ include \"r\" . }}}}>{{{{- end -}}}}"),
            "a: {{ include \"r\" . }}\nb: {{ include \"r\" . }}\nc: {{ include \"outer\" . }}\nd: {{ include \"outer\" . }}\n",
        );
        let lines: Vec<&str> = out.lines().map(|l| &l[3..]).collect();
        assert_eq!(lines.len(), 4, "{out}");
        assert_ne!(lines[0], lines[1], "{call}: {out}");
        assert_ne!(lines[2], lines[3], "{call}: {out}");
    }
}

#[test]
fn a_helper_that_writes_its_data_runs_at_every_include() {
    let out = render_chart(
        "{{- define \"count\" -}}{{- $_ := set . \"n\" (add1 .n) -}}{{ .n }}{{- end -}}",
        "{{- $d := dict \"n\" 0 }}\na: {{ include \"count\" $d }}\nb: {{ include \"count\" $d }}\nc: {{ include \"count\" $d }}\n",
    );
    assert_eq!(out, "\na: 1\nb: 2\nc: 3\n");
}
