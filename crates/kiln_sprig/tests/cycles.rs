//! Maps that would contain themselves: Go lets `set $d "self" $d` build one, after which
//! printing, `toYaml` or `deepCopy` overflow Go's stack and kill Helm. kiln refuses to
//! build it: `set`, `merge` and `mergeOverwrite` fail with an error at the action (found
//! by fuzzing: the cyclic map made kiln overflow its stack or exhaust memory).

use kiln_gotmpl::{Options, TemplateSet, Value};

fn exec(text: &str) -> Result<String, String> {
    let mut set = TemplateSet::new("root", &kiln_sprig::func_map(), Options::default());
    set.parse("t", text).map_err(|e| e.to_string())?;
    set.execute("t", &Value::Nil).map_err(|e| e.to_string())
}

#[test]
fn set_refuses_a_map_that_would_hold_itself() {
    for t in [
        r#"{{ $d := dict }}{{ $_ := set $d "self" $d }}{{ $d }}"#,
        r#"{{ $d := dict }}{{ $_ := set $d "l" (list 1 (dict "x" $d)) }}{{ $d }}"#,
        r#"{{ $d := dict "a" (dict) }}{{ $_ := set $d.a "up" $d }}{{ toString $d }}"#,
    ] {
        let err = exec(t).unwrap_err();
        assert!(err.contains("t:1:"), "{err}");
        assert!(err.contains("set: the value holds the map"), "{err}");
    }
}

#[test]
fn merge_refuses_a_map_that_would_hold_itself() {
    for t in [
        r#"{{ $d := dict }}{{ $_ := mustMerge $d (dict "x" $d) }}{{ $d }}"#,
        r#"{{ $d := dict "a" (dict) }}{{ $_ := mustMergeOverwrite $d (dict "a" (dict "b" $d)) }}{{ $d }}"#,
    ] {
        let err = exec(t).unwrap_err();
        assert!(err.contains("merge: the value holds the map"), "{err}");
    }
    // merge and mergeOverwrite swallow mergo's errors (Sprig): "" and no cycle.
    let out = exec(
        r#"{{ $d := dict }}{{ merge $d (dict "x" $d) | quote }}{{ $d }}{{ mergeOverwrite $d (dict "y" (list $d)) | quote }}{{ $d }}"#,
    )
    .unwrap();
    assert_eq!(out, r#"""map[]""map[]"#);
}

#[test]
fn sharing_without_a_cycle_still_works() {
    // The same map stored twice, in itself nowhere: fine, as in Go.
    let out = exec(
        r#"{{ $s := dict "v" 1 }}{{ $d := dict }}{{ $_ := set $d "a" $s }}{{ $_ := set $d "b" (list $s $s) }}{{ $_ := set $s "v" 2 }}{{ $d.a.v }}{{ index $d.b 1 "v" }}{{ $_ := merge $d (dict "c" $s) }}{{ $d.c.v }}{{ $_ := merge $d $d }}{{ len $d }}"#,
    )
    .unwrap();
    assert_eq!(out, "2223");
}
