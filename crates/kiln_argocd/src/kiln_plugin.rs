//! Sources that name kiln's own Config Management Plugin (`plugin: {name: kiln}`, see
//! `kiln cmp` and `deploy/argocd/`). kiln renders them itself, as the plugin would:
//! the source without `plugin`, with a `helm` block made from the plugin's parameters
//! when the directory holds a chart (release name `release-name`, else the app name;
//! value files `value-files`, relative to the source directory; inline `values`).
//! Parameters come from `plugin.parameters` (`name` + `string`/`array`) or, failing
//! that, from `plugin.env` entries named `KILN_<NAME>` (`KILN_VALUE_FILES` comma
//! separated), the two places an Application hands values to a plugin.

use kiln_gotmpl::Value;

use crate::tree;

/// The name of kiln's plugin in `plugin.yaml`; `kiln-<version>` also matches.
pub const PLUGIN_NAME: &str = "kiln";

/// Whether `src` is rendered by kiln's plugin (`plugin.name` is `kiln` or `kiln-*`).
pub fn is_kiln_plugin(src: &Value) -> bool {
    tree::get_str(src, &["plugin", "name"])
        .is_some_and(|n| n == PLUGIN_NAME || n.starts_with("kiln-"))
}

/// A string parameter of the plugin.
fn param(src: &Value, name: &str) -> Option<String> {
    for p in tree::get_list(src, &["plugin", "parameters"]).unwrap_or_default() {
        if tree::get_str(&p, &["name"]).as_deref() == Some(name) {
            return tree::get_str(&p, &["string"]);
        }
    }
    env(src, name)
}

/// An array parameter of the plugin.
fn param_list(src: &Value, name: &str) -> Vec<String> {
    for p in tree::get_list(src, &["plugin", "parameters"]).unwrap_or_default() {
        if tree::get_str(&p, &["name"]).as_deref() == Some(name) {
            return tree::get_list(&p, &["array"])
                .unwrap_or_default()
                .iter()
                .filter_map(|v| match v {
                    Value::String(s) => Some(s.to_string()),
                    _ => None,
                })
                .collect();
        }
    }
    env(src, name)
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

/// `plugin.env` entry `KILN_<NAME>` (`value-files` → `KILN_VALUE_FILES`).
fn env(src: &Value, name: &str) -> Option<String> {
    let key = format!(
        "KILN_{}",
        name.to_ascii_uppercase()
            .replace(|c: char| !c.is_ascii_alphanumeric(), "_")
    );
    tree::get_list(src, &["plugin", "env"])
        .unwrap_or_default()
        .iter()
        .find(|e| tree::get_str(e, &["name"]).as_deref() == Some(key.as_str()))
        .and_then(|e| tree::get_str(e, &["value"]))
}

/// The source kiln renders for a kiln plugin source: a copy without `plugin`, with a
/// `helm` block from the parameters when `has_chart`.
pub fn native_source(src: &Value, has_chart: bool) -> Value {
    let out = tree::deep_copy(src);
    if let Some(m) = out.as_map_ref() {
        m.remove("plugin");
    }
    if has_chart {
        let helm = Value::empty_map();
        if let Some(r) = param(src, "release-name") {
            tree::set(&helm, &["releaseName"], r.as_str().into());
        }
        let files = param_list(src, "value-files");
        if !files.is_empty() {
            let list = files.iter().map(|f| Value::from(f.as_str())).collect();
            tree::set(&helm, &["valueFiles"], Value::list(list));
        }
        if let Some(v) = param(src, "values") {
            tree::set(&helm, &["values"], v.as_str().into());
        }
        tree::set(&out, &["helm"], helm);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(s: &str) -> Value {
        kiln_encoding::yaml_to_value(s).unwrap()
    }

    #[test]
    fn parameters_then_env() {
        let src = yaml(
            "path: charts/x\nplugin:\n  name: kiln\n  env:\n    - {name: KILN_RELEASE_NAME, value: rel}\n    - {name: KILN_VALUE_FILES, value: 'a.yaml, b.yaml'}\n  parameters:\n    - {name: values, string: 'x: 1'}\n",
        );
        assert!(is_kiln_plugin(&src));
        let n = native_source(&src, true);
        assert!(tree::get(&n, &["plugin"]).is_none());
        assert_eq!(
            tree::get_str(&n, &["helm", "releaseName"]).as_deref(),
            Some("rel")
        );
        assert_eq!(
            tree::get_list(&n, &["helm", "valueFiles"]).unwrap().len(),
            2
        );
        assert_eq!(
            tree::get_str(&n, &["helm", "values"]).as_deref(),
            Some("x: 1")
        );
        let d = native_source(&src, false);
        assert!(tree::get(&d, &["helm"]).is_none());
        assert!(!is_kiln_plugin(&yaml("plugin: {name: other}")));
        assert!(is_kiln_plugin(&yaml("plugin: {name: kiln-v1}")));
    }
}
