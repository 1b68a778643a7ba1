//! Values nested as deep as YAML allows (10,000 levels) are printed, compared and copied
//! without overflowing a thread's stack (found by fuzzing: `{{ .Values }}` of a
//! 9,000-level values file overflowed a 2 MiB rayon thread and aborted kiln).

use kiln_gotmpl::{FuncMap, Map, Options, TemplateSet, Value};

const DEPTH: usize = 9_000;

fn deep() -> Value {
    let mut v = Value::int(1);
    for _ in 0..DEPTH {
        let mut m = Map::new();
        m.insert("a".into(), v);
        v = Value::map(m);
    }
    v
}

/// Runs `f` on a thread with a small stack (kiln renders on rayon's 2 MiB threads; debug
/// frames are larger, hence 8 MiB here).
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn printing_a_deep_value() {
    on_small_stack(|| {
        let v = deep();
        let mut set = TemplateSet::new("root", &FuncMap::new(), Options::default());
        set.parse("t", "{{ . }}|{{ printf \"%v\" . | len }}")
            .unwrap();
        let out = set.execute("t", &v).unwrap();
        assert!(out.starts_with("map[a:map[a:"), "{}", &out[..40]);
        let copy = v.deep_copy();
        // Dropping a value this deep recurses (Rust's drop glue); leak it instead.
        std::mem::forget(copy);
        std::mem::forget(v);
        std::mem::forget(out);
    });
}
