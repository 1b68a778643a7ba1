//! Template libraries: `kiln new --from DIR`.
//!
//! A library is a directory of single-file Go templates (the format of the Kthena CLI
//! templates): each `.yaml`/`.yml` file whose first line is a comment (`# Description:
//! ...` or `# ...`) is one template, named by its path under DIR without the extension
//! (`Qwen/Qwen3-8B`). Its parameters are the `.Values.<key>` it reads; a literal after
//! `| default` is the parameter's default.
//!
//! `kiln new --from DIR TEMPLATE NAME` makes a chart of it: `Chart.yaml`, the template
//! under `templates/`, and a `values.yaml` listing every parameter with its default
//! (and the `--set` values). A `name` parameter defaults to NAME. `--print` renders the
//! chart with kiln's Helm engine and prints the manifest instead of writing anything.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One template of a library.
#[derive(Debug, Clone)]
pub struct LibTemplate {
    /// Path under the library without the extension, `/`-separated.
    pub id: String,
    /// The file.
    pub path: PathBuf,
    /// The first-line comment.
    pub description: String,
}

/// One parameter of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibParam {
    /// `.Values` key (dotted for nested keys).
    pub key: String,
    /// The literal after `| default`, as written in the template (Go syntax).
    pub default: Option<String>,
}

/// Lists the templates of `dir`, sorted by id.
pub fn list(dir: &Path) -> Result<Vec<LibTemplate>, String> {
    if !dir.is_dir() {
        return Err(format!("{}: not a directory", dir.display()));
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out, 0)?;
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<LibTemplate>, depth: usize) -> Result<(), String> {
    if depth > 16 {
        return Ok(());
    }
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            walk(root, &path, out, depth + 1)?;
            continue;
        }
        let Some(stem) = name
            .strip_suffix(".yaml")
            .or_else(|| name.strip_suffix(".yml"))
        else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let Some(description) = description(&text) else {
            continue;
        };
        let rel_dir = path
            .parent()
            .and_then(|p| p.strip_prefix(root).ok())
            .map(|p| {
                p.components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/")
            })
            .unwrap_or_default();
        let id = if rel_dir.is_empty() {
            stem.to_string()
        } else {
            format!("{rel_dir}/{stem}")
        };
        out.push(LibTemplate {
            id,
            path,
            description,
        });
    }
    Ok(())
}

/// The description comment of the first line, if the file has one.
pub fn description(text: &str) -> Option<String> {
    let first = text.lines().next()?.trim();
    let c = first.strip_prefix('#')?.trim();
    let c = c
        .strip_prefix("Description:")
        .or_else(|| c.strip_prefix("description:"))
        .unwrap_or(c)
        .trim();
    (!c.is_empty()).then(|| c.to_string())
}

/// The parameters of a template, in order of first use.
pub fn params(text: &str) -> Vec<LibParam> {
    let key = r"\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)";
    let Ok(re) = regex::Regex::new(&format!(
        r#"{key}(\s*\|\s*default\s+("(?:[^"\\]|\\.)*"|-?[0-9][0-9.]*|true|false))?"#
    )) else {
        return Vec::new();
    };
    let mut out: Vec<LibParam> = Vec::new();
    for c in re.captures_iter(text) {
        let k = c[1].trim_start_matches('.').to_string();
        let d = c.get(3).map(|m| m.as_str().to_string());
        match out.iter_mut().find(|p| p.key == k) {
            Some(p) => {
                if p.default.is_none() {
                    p.default = d;
                }
            }
            None => out.push(LibParam { key: k, default: d }),
        }
    }
    out
}

/// Finds template `id` in `dir`.
pub fn find(dir: &Path, id: &str) -> Result<LibTemplate, String> {
    let all = list(dir)?;
    let id = id
        .trim_end_matches(".yaml")
        .trim_end_matches(".yml")
        .to_string();
    all.iter()
        .find(|t| t.id == id)
        .or_else(|| {
            // A bare file name is enough when it is unique.
            let by_stem: Vec<&LibTemplate> = all
                .iter()
                .filter(|t| t.id.rsplit('/').next() == Some(id.as_str()))
                .collect();
            (by_stem.len() == 1).then(|| by_stem[0])
        })
        .cloned()
        .ok_or_else(|| {
            format!(
                "no template {id:?} in {} (`kiln new --from {}` lists them)",
                dir.display(),
                dir.display()
            )
        })
}

/// The files of the chart made of template `t`: `(relative path, content)`.
pub fn chart_files(
    t: &LibTemplate,
    name: &str,
    sets: &[String],
) -> Result<Vec<(String, String)>, String> {
    let text = std::fs::read_to_string(&t.path)
        .map_err(|e| format!("cannot read {}: {e}", t.path.display()))?;
    let params = params(&text);
    // --set values, parsed like Helm's --set, by top-level key.
    let mut set_map = kiln_gotmpl::Map::new();
    for s in sets {
        kiln_helm::strvals::parse_set(s, &mut set_map).map_err(|e| format!("--set {s:?}: {e}"))?;
    }
    let mut set_yaml: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in set_map.iter() {
        let mut one = kiln_gotmpl::Map::new();
        one.insert(k.clone(), v.clone());
        let y = kiln_encoding::yaml::must_to_yaml(&kiln_gotmpl::Value::from(one))
            .map_err(|e| format!("--set {k}: {e}"))?;
        set_yaml.insert(k.to_string(), y);
    }
    let tops: Vec<String> = params
        .iter()
        .map(|p| p.key.split('.').next().unwrap_or("").to_string())
        .collect();
    for k in set_yaml.keys() {
        if !tops.contains(k) {
            return Err(format!(
                "--set {k}: template {} has no parameter {k:?} (parameters: {})",
                t.id,
                params
                    .iter()
                    .map(|p| p.key.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    let file_name = t
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "template.yaml".into());
    let mut values = format!(
        "# Parameters of the template {id} ({desc}).\n\
         # Generated by `kiln new --from`; each key is a .Values parameter of\n\
         # templates/{file_name}, set to the template's own default where it has a\n\
         # literal one (commented out where it falls back to another value).\n",
        id = t.id,
        desc = t.description
    );
    let mut written: Vec<String> = Vec::new();
    for p in &params {
        let top = p.key.split('.').next().unwrap_or("").to_string();
        if written.contains(&top) {
            continue;
        }
        if let Some(y) = set_yaml.get(&top) {
            values.push_str(&format!("\n# -- {top} (set with --set)\n{y}"));
            written.push(top);
            continue;
        }
        if top == "name" && !p.key.contains('.') {
            values.push_str(&format!(
                "\n# -- name (default: the chart name)\nname: {}\n",
                serde_json::to_string(name).unwrap_or_default()
            ));
            written.push(top);
            continue;
        }
        if p.key.contains('.') {
            values.push_str(&format!(
                "\n# -- {} (nested parameter, no default)\n",
                p.key
            ));
            written.push(top);
            continue;
        }
        match &p.default {
            Some(d) => values.push_str(&format!(
                "\n# -- {top} (template default: {d})\n{top}: {d}\n"
            )),
            None => values.push_str(&format!(
                "\n# -- {top} (no literal default in the template)\n# {top}:\n"
            )),
        }
        written.push(top);
    }
    let chart = format!(
        "apiVersion: v2\nname: {name}\ndescription: {desc}\ntype: application\nversion: 0.1.0\nannotations:\n  # Made by `kiln new --from` of this library template.\n  kiln.dev/template: {id}\n",
        desc = serde_json::to_string(&t.description).unwrap_or_default(),
        id = serde_json::to_string(&t.id).unwrap_or_default(),
    );
    Ok(vec![
        ("Chart.yaml".into(), chart),
        ("values.yaml".into(), values),
        (format!("templates/{file_name}"), text),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_and_defaults() {
        let t = "# Description: x\nname: {{ .Values.name | default \"a\" | quote }}\nn: {{ .Values.n | default 2 }}\nm: {{ .Values.m | default .Values.name }}\nk: {{ .Values.a.b }}\n";
        assert_eq!(description(t).as_deref(), Some("x"));
        let p = params(t);
        assert_eq!(
            p,
            vec![
                LibParam {
                    key: "name".into(),
                    default: Some("\"a\"".into())
                },
                LibParam {
                    key: "n".into(),
                    default: Some("2".into())
                },
                LibParam {
                    key: "m".into(),
                    default: None
                },
                LibParam {
                    key: "a.b".into(),
                    default: None
                },
            ]
        );
        assert_eq!(description("apiVersion: v1\n"), None);
    }
}
