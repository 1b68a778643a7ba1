//! Property: `fromYaml (toYaml v + "\n") == v` for values trees of maps, lists and
//! strings (any text, including strings that look like numbers, booleans, `null`, YAML
//! indicators or span several lines: `toYaml` must quote what needs quoting).
//!
//! The `"\n"`: Helm's `toYaml` trims the final line break of `yaml.Marshal`'s output,
//! so a multi-line string ending the document (`- |` block, text ending in a line
//! break) reads back without that break, in Helm as in kiln (`{"-": ["a\n"]}` gives
//! `'-':\n- |\n  a`, read back as `a`). Restoring the marshalled text's final break
//! makes the round trip exact.

use kiln_encoding::{from_yaml, to_yaml};
use kiln_gotmpl::{Map, Value};
use proptest::prelude::*;

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<String>().prop_map(Value::from),
        "(true|false|yes|no|on|off|null|~|-?[0-9]{1,5}(\\.[0-9]+)?|0x1F|1e3|[-?:,\\[\\]{}#&*!|>'\"%@`]{1,3}| +[a-z]* +|[a-z]+\n[a-z]*)"
            .prop_map(Value::from),
    ]
}

fn tree() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::from),
            prop::collection::btree_map("[a-zA-Z0-9_.-]{1,8}", inner, 0..5).prop_map(|m| {
                let map: Map = m.into_iter().map(|(k, v)| (k.into(), v)).collect();
                Value::map(map)
            }),
        ]
    })
}

proptest! {
    // A fixed seed: the same cases on every run, so CI is reproducible.
    #![proptest_config(ProptestConfig {
        cases: 1024,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x6b696c6e),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]
    #[test]
    fn to_yaml_from_yaml_round_trip(m in prop::collection::btree_map("[a-zA-Z0-9_.-]{1,8}", tree(), 0..6)) {
        let map: Map = m.into_iter().map(|(k, v)| (k.into(), v)).collect();
        let v = Value::map(map.clone());
        let text = to_yaml(&v) + "\n";
        let back = from_yaml(&text).map_err(|e| TestCaseError::fail(format!("{e:?}\n{text}")))?;
        prop_assert_eq!(Value::map(back), v, "{}", text);
    }
}
