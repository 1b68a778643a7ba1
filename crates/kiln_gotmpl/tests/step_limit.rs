//! kiln's optional step limit (`set_step_limit`) and Go's quoting of template names.

use kiln_gotmpl::{set_step_limit, FuncMap, Options, TemplateSet, Value};

fn set(text: &str) -> TemplateSet {
    let mut s = TemplateSet::new("root", &FuncMap::new(), Options::default());
    s.parse("t", text).unwrap();
    s
}

#[test]
fn nested_loops_stop_at_the_step_limit() {
    // 10^12 iterations without a limit; each level counts.
    let s = set("{{range 1000000}}{{range 1000000}}{{end}}{{end}}");
    set_step_limit(Some(10_000));
    let err = s.execute("t", &Value::Nil).unwrap_err().to_string();
    set_step_limit(None);
    assert!(err.contains("t:1:"), "{err}");
    assert!(err.contains("step limit (10000)"), "{err}");
}

#[test]
fn template_calls_count_as_steps() {
    // Each call makes two: 2^30 calls without a limit.
    let s = set(
        r#"{{define "f"}}{{if lt (len .) 30}}{{template "f" (printf "%sx" .)}}{{template "f" (printf "%sx" .)}}{{end}}{{end}}{{template "f" ""}}"#,
    );
    set_step_limit(Some(5_000));
    let err = s.execute("t", &Value::Nil).unwrap_err().to_string();
    set_step_limit(None);
    assert!(err.contains("step limit (5000)"), "{err}");
}

#[test]
fn limit_is_per_execution_and_off_by_default() {
    let s = set("{{range 3000}}{{end}}ok");
    assert_eq!(s.execute("t", &Value::Nil).unwrap(), "ok");
    set_step_limit(Some(3_000));
    assert_eq!(s.execute("t", &Value::Nil).unwrap(), "ok");
    assert_eq!(s.execute("t", &Value::Nil).unwrap(), "ok");
    set_step_limit(Some(2_999));
    assert!(s.execute("t", &Value::Nil).is_err());
    set_step_limit(None);
}

#[test]
fn template_names_are_quoted_as_go_does() {
    // Go's %q (strconv.Quote), not Rust's Debug: "\x01", not "\u{1}".
    let s = set("{{template `a\x01é` .}}");
    let err = s.execute("t", &Value::Nil).unwrap_err().to_string();
    assert!(err.contains(r#"template "a\x01é" not defined"#), "{err}");
    let lookup = |_: &str| None;
    let trees = kiln_gotmpl::parse::parse("t", "{{template `a\x01é` .}}", &lookup).unwrap();
    let printed: String = trees[0].root.iter().map(|n| n.to_string()).collect();
    assert_eq!(printed, r#"{{template "a\x01é" .}}"#);
    // The printed form parses back to the same tree.
    let again = kiln_gotmpl::parse::parse("t", &printed, &lookup).unwrap();
    let reprinted: String = again[0].root.iter().map(|n| n.to_string()).collect();
    assert_eq!(reprinted, printed);
}
