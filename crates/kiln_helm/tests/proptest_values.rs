//! Properties of Helm's values layering:
//! - `MergeMaps` (value files and `-f` layered in order) is associative when every key
//!   holds the same kind of thing in every layer (keys `m*` always tables, `s*` always
//!   scalars). It is *not* associative in general: a scalar in the middle layer
//!   replaces a table below it, while merging the upper layers first lets the table of
//!   the top layer merge into the bottom one; the counterexample is checked too.
//! - `CoalesceTables(user, defaults)`: a `null` in the user values deletes that key of
//!   the defaults; other user values win; default keys the user does not set are kept.

use kiln_gotmpl::{Map, Value};
use kiln_helm::values::{coalesce_tables_plain, merge_maps};
use proptest::prelude::*;

fn typed_map(depth: u32) -> BoxedStrategy<Map> {
    let scalar = prop_oneof![
        "[a-z]{0,4}".prop_map(Value::from),
        (-1000i32..1000).prop_map(|n| Value::from(f64::from(n))),
        any::<bool>().prop_map(Value::from),
    ];
    let scalars = prop::collection::btree_map("s[a-c]", scalar, 0..3);
    if depth == 0 {
        return scalars
            .prop_map(|m| m.into_iter().map(|(k, v)| (k.into(), v)).collect())
            .boxed();
    }
    let tables = prop::collection::btree_map("m[a-b]", typed_map(depth - 1), 0..3);
    (scalars, tables)
        .prop_map(|(s, t)| {
            let mut m: Map = s.into_iter().map(|(k, v)| (k.into(), v)).collect();
            for (k, v) in t {
                m.insert(k.into(), Value::map(v));
            }
            m
        })
        .boxed()
}

fn snapshot(m: &Map) -> Value {
    // Compare by value, whatever the map handles are.
    Value::map(kiln_helm::values::deep_copy_map(m))
}

proptest! {
    // A fixed seed: the same cases on every run, so CI is reproducible.
    #![proptest_config(ProptestConfig {
        cases: 512,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x6b696c6e),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn merge_maps_is_associative_for_consistent_kinds(
        a in typed_map(3), b in typed_map(3), c in typed_map(3)
    ) {
        let left = merge_maps(merge_maps(a.clone(), b.clone()), c.clone());
        let right = merge_maps(a, merge_maps(b, c));
        prop_assert_eq!(snapshot(&left), snapshot(&right));
    }

    #[test]
    fn null_in_user_values_deletes_the_default(
        defaults in typed_map(2), user in typed_map(2), key in "(s|m)[a-c]"
    ) {
        let mut defaults = defaults;
        defaults.entry(key.as_str().into()).or_insert(Value::from("default"));
        let mut user = user;
        user.insert(key.as_str().into(), Value::Nil);
        let out = coalesce_tables_plain(user.clone(), defaults.clone(), false);
        prop_assert!(!out.contains_key(key.as_str()), "{:?}", out);
        for (k, v) in &user {
            if !v.is_nil() && !matches!(v, Value::Map(..)) {
                prop_assert_eq!(out.get(k), Some(v));
            }
        }
        for k in defaults.keys() {
            if !user.contains_key(k) {
                prop_assert!(out.contains_key(k));
            }
        }
    }
}

#[test]
fn merge_maps_is_not_associative_when_a_scalar_shadows_a_table() {
    let t = |k: &str, v: Value| -> Map { [(k.into(), v)].into_iter().collect() };
    let table = |k: &str| Value::map(t(k, Value::from("x")));
    let (a, b, c) = (
        t("k", table("a")),
        t("k", Value::from("s")),
        t("k", table("c")),
    );
    let left = merge_maps(merge_maps(a.clone(), b.clone()), c.clone());
    let right = merge_maps(a, merge_maps(b, c));
    assert_ne!(snapshot(&left), snapshot(&right));
}
