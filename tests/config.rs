//! `kiln.toml` is described by `schemas/kiln.schema.json`: the example configuration
//! validates, and configurations kiln rejects are rejected by the schema too.

mod common;

use kiln_gotmpl::{Map, Value};

fn as_map(toml_text: &str) -> Map {
    let j: serde_json::Value = toml::from_str(toml_text).expect("valid TOML");
    match Value::from_json(&j) {
        Value::Map(m, _) => (*m.snapshot()).clone(),
        _ => panic!("not a table"),
    }
}

fn schema() -> Vec<u8> {
    std::fs::read(common::repo_root().join("schemas/kiln.schema.json")).unwrap()
}

#[test]
fn example_config_matches_schema() {
    let text = std::fs::read_to_string(common::repo_root().join("kiln.toml")).unwrap();
    kiln_helm::schema::validate_single(&as_map(&text), &schema()).unwrap();
    assert!(kiln::config::Config::load(&common::repo_root())
        .unwrap()
        .is_some());
}

#[test]
fn bad_configs_are_rejected_by_schema_and_loader() {
    for bad in [
        "repo-url = [\"x\"]\n",
        "[clusters.a]\nroots = \"clusters/a.yaml\"\n",
        "[clusters.a]\nroots = [\"a.yaml\"]\nkube-version = 131\n",
        "[clusters.a]\nroots = [\"a.yaml\"]\nlabels = { env = 1 }\n",
    ] {
        assert!(
            kiln_helm::schema::validate_single(&as_map(bad), &schema()).is_err(),
            "schema accepts {bad:?}"
        );
        let dir = common::temp_dir("badcfg");
        std::fs::write(dir.join("kiln.toml"), bad).unwrap();
        assert!(
            kiln::config::Config::load(&dir).is_err(),
            "loader accepts {bad:?}"
        );
    }
}
