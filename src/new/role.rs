//! `kiln new --cluster C`: adds the new app to the list generator of cluster C's
//! ApplicationSet (`roles/<C>/templates/<domain>.yaml`), editing YAML text line by line
//! so that comments and formatting survive.
//!
//! Two forms are edited:
//!
//! - **values-driven** (the example monorepo): `elements:` is followed by
//!   `{{- range $name, $app := .Values.<key> }}`; the app becomes an entry of the map
//!   `<key>` of `roles/<C>/values.yaml`, shaped like the existing entries (`enabled`,
//!   `expose`, `values`) at their indentation.
//! - **literal**: `elements:` is followed by plain `- name: ...` items of scalar keys;
//!   a copy of the last item, with its name replaced, is appended.
//!
//! Anything else is left alone: the caller prints [`Edit::Manual`]'s snippet.

use std::path::{Path, PathBuf};

/// What to add.
#[derive(Debug, Clone)]
pub struct AppEntry {
    /// App (chart, release, namespace) name.
    pub name: String,
    /// Whether the app serves something worth publishing (Route/Ingress).
    pub expose: bool,
    /// The scaffold, for the comment.
    pub origin: String,
    /// Whether the chart has a persistent volume (`persistence.<key>.storageClass`).
    pub volume: Option<String>,
    /// Whether the chart has an ExternalSecret.
    pub external_secret: bool,
}

/// The outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// The new text of `file`.
    Edited {
        /// The file to rewrite.
        file: PathBuf,
        /// Its new content.
        text: String,
        /// Where the entry went, for the message.
        what: String,
    },
    /// The app is already listed in `file`.
    AlreadyListed(PathBuf),
    /// Not a form kiln edits: add `snippet` to `file` by hand.
    Manual {
        /// The file to edit.
        file: PathBuf,
        /// Why kiln did not.
        reason: String,
        /// What to add.
        snippet: String,
    },
}

/// Plans the edit of cluster `cluster`'s role in `repo` (nothing is written).
pub fn plan(repo: &Path, cluster: &str, domain: &str, app: &AppEntry) -> Result<Edit, String> {
    let role = repo.join("roles").join(cluster);
    let rel_template = format!("roles/{cluster}/templates/{domain}.yaml");
    let template_path = repo.join(&rel_template);
    let template = std::fs::read_to_string(&template_path)
        .map_err(|e| format!("cannot read {rel_template}: {e}"))?;
    let lines: Vec<&str> = template.lines().collect();
    let Some(el) = lines.iter().position(|l| l.trim() == "elements:") else {
        return Ok(manual(
            &template_path,
            "no list generator (`elements:`) found",
            &literal_snippet(app, 10),
        ));
    };
    let el_indent = indent(lines[el]);
    let next = lines[el + 1..]
        .iter()
        .position(|l| !l.trim().is_empty())
        .map(|i| el + 1 + i);
    let Some(next) = next else {
        return Ok(manual(
            &template_path,
            "the list generator is empty",
            &literal_snippet(app, el_indent + 2),
        ));
    };
    let range = regex::Regex::new(
        r"^\s*\{\{-?\s*range\s+\$\w+\s*,\s*\$\w+\s*:=\s*\.Values\.([A-Za-z0-9_]+)\s*-?\}\}\s*$",
    )
    .map_err(|e| e.to_string())?;
    if let Some(c) = range.captures(lines[next]) {
        let key = c[1].to_string();
        let uses_tpl = template.contains("tpl (toYaml");
        return plan_values(&role.join("values.yaml"), cluster, &key, app, uses_tpl);
    }
    plan_literal(&template_path, &template, el, app)
}

fn manual(file: &Path, reason: &str, snippet: &str) -> Edit {
    Edit::Manual {
        file: file.to_path_buf(),
        reason: reason.to_string(),
        snippet: snippet.to_string(),
    }
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// A generic list element, for the manual case.
fn literal_snippet(app: &AppEntry, at: usize) -> String {
    let pad = " ".repeat(at);
    format!("{pad}- name: {n}\n{pad}  namespace: {n}\n", n = app.name)
}

/// The entry of the values-driven form, at indentation `at` with `step` more per level.
fn values_entry(app: &AppEntry, at: usize, step: usize, facts: &Facts, keys: &Shape) -> String {
    let p0 = " ".repeat(at);
    let p1 = " ".repeat(at + step);
    let p2 = " ".repeat(at + 2 * step);
    let p3 = " ".repeat(at + 3 * step);
    let p4 = " ".repeat(at + 4 * step);
    let mut s = format!("{p0}{}:\n", app.name);
    s.push_str(&format!(
        "{p1}# -- Deploy the app on this cluster (added by `kiln new {}`).\n{p1}enabled: true\n",
        app.origin
    ));
    if keys.expose {
        let why = if app.expose {
            "Publish it at <name>.<domain>."
        } else {
            "Publish it at <name>.<domain>: no, it serves nothing."
        };
        s.push_str(&format!("{p1}# -- {why}\n{p1}expose: {}\n", app.expose));
    }
    let mut body = String::new();
    if let (Some(vol), true) = (&app.volume, facts.storage_class) {
        body.push_str(&format!(
            "{p2}persistence:\n{p3}{vol}:\n{p4}storageClass: \"{{{{ .Values.cluster.storageClass }}}}\"\n"
        ));
    }
    if app.external_secret && facts.secret_store {
        body.push_str(&format!(
            "{p2}externalSecret:\n{p3}secretStoreRef:\n{p4}name: \"{{{{ .Values.cluster.secretStore }}}}\"\n"
        ));
    }
    if keys.values {
        s.push_str(&format!("{p1}# -- Chart values for this cluster.\n"));
        if body.is_empty() {
            s.push_str(&format!("{p1}values: {{}}\n"));
        } else {
            s.push_str(&format!("{p1}values:\n{body}"));
        }
    }
    s
}

/// Cluster facts the role's values offer (used only when the template renders app
/// values with `tpl`).
#[derive(Debug, Default)]
struct Facts {
    storage_class: bool,
    secret_store: bool,
}

/// Keys the existing entries have.
#[derive(Debug, Default)]
struct Shape {
    expose: bool,
    values: bool,
}

fn plan_values(
    values_path: &Path,
    cluster: &str,
    key: &str,
    app: &AppEntry,
    uses_tpl: bool,
) -> Result<Edit, String> {
    let rel = format!("roles/{cluster}/values.yaml");
    let text =
        std::fs::read_to_string(values_path).map_err(|e| format!("cannot read {rel}: {e}"))?;
    let lines: Vec<&str> = text.lines().collect();
    let generic = |why: &str| {
        let e = values_entry(
            app,
            2,
            2,
            &Facts::default(),
            &Shape {
                expose: true,
                values: true,
            },
        );
        manual(values_path, why, &format!("{key}:\n{e}"))
    };
    let Some(start) = lines
        .iter()
        .position(|l| l.strip_prefix(key).is_some_and(is_block_key_rest))
    else {
        return Ok(generic(&format!(
            "no top-level `{key}:` block in {rel} to add the app to"
        )));
    };
    // The block: the lines after `key:` up to the next top-level key.
    let end = lines[start + 1..]
        .iter()
        .position(|l| !l.is_empty() && !l.starts_with(' ') && !l.starts_with('#'))
        .map_or(lines.len(), |i| start + 1 + i);
    // Its last indented line (comments at column 0 belong to the next key).
    let Some(last) = (start + 1..end).rev().find(|&i| indent(lines[i]) > 0) else {
        return Ok(generic(&format!("`{key}:` in {rel} has no entries")));
    };
    let content: Vec<usize> = (start + 1..=last)
        .filter(|&i| {
            let t = lines[i].trim();
            !t.is_empty() && !t.starts_with('#')
        })
        .collect();
    let Some(&first) = content.first() else {
        return Ok(generic(&format!("`{key}:` in {rel} has no entries")));
    };
    if lines[..=last].iter().any(|l| l.contains('\t')) {
        return Ok(generic(&format!("{rel} is indented with tabs")));
    }
    let at = indent(lines[first]);
    let entry_re = regex::Regex::new(r"^([A-Za-z0-9][A-Za-z0-9_.-]*):\s*(#.*)?$")
        .map_err(|e| e.to_string())?;
    let mut names = Vec::new();
    for &i in &content {
        let ind = indent(lines[i]);
        if ind < at {
            return Ok(generic(&format!("unexpected indentation in {rel}")));
        }
        if ind == at {
            match entry_re.captures(lines[i].trim_start()) {
                Some(c) => names.push(c[1].to_string()),
                None => {
                    return Ok(generic(&format!(
                        "`{key}` in {rel} is not a map of app entries"
                    )))
                }
            }
        }
    }
    if names.iter().any(|n| n == &app.name) {
        return Ok(Edit::AlreadyListed(values_path.to_path_buf()));
    }
    // The shape of the first entry: its keys one level down.
    let sub: Vec<&str> = content
        .iter()
        .skip(1)
        .map(|&i| lines[i])
        .take_while(|l| indent(l) > at)
        .collect();
    let Some(step) = sub.first().map(|l| indent(l) - at) else {
        return Ok(generic(&format!(
            "the first entry of `{key}` in {rel} is empty"
        )));
    };
    let has = |k: &str| {
        sub.iter()
            .any(|l| indent(l) == at + step && l.trim_start().starts_with(&format!("{k}:")))
    };
    if !has("enabled") {
        return Ok(generic(&format!(
            "the entries of `{key}` in {rel} have no `enabled` key"
        )));
    }
    let shape = Shape {
        expose: has("expose"),
        values: has("values"),
    };
    let facts = if uses_tpl {
        let cluster_block = block_text(&lines, "cluster");
        Facts {
            storage_class: cluster_block
                .iter()
                .any(|l| l.trim_start().starts_with("storageClass:")),
            secret_store: cluster_block
                .iter()
                .any(|l| l.trim_start().starts_with("secretStore:")),
        }
    } else {
        Facts::default()
    };
    let entry = values_entry(app, at, step, &facts, &shape);
    let mut out = String::with_capacity(text.len() + entry.len());
    for (i, l) in lines.iter().enumerate() {
        out.push_str(l);
        out.push('\n');
        if i == last {
            out.push_str(&entry);
        }
    }
    if !text.ends_with('\n') {
        out.pop();
    }
    Ok(Edit::Edited {
        file: values_path.to_path_buf(),
        text: out,
        what: format!(
            "{rel} (`{key}`, rendered by the list generator of roles/{cluster}/templates)"
        ),
    })
}

/// `key:` followed by nothing but a comment: a block key.
fn is_block_key_rest(rest: &str) -> bool {
    let Some(rest) = rest.strip_prefix(':') else {
        return false;
    };
    let rest = rest.trim();
    rest.is_empty() || rest.starts_with('#')
}

/// The indented lines under the top-level `key:`.
fn block_text<'a>(lines: &[&'a str], key: &str) -> Vec<&'a str> {
    let Some(start) = lines
        .iter()
        .position(|l| l.strip_prefix(key).is_some_and(is_block_key_rest))
    else {
        return Vec::new();
    };
    lines[start + 1..]
        .iter()
        .take_while(|l| l.is_empty() || l.starts_with(' ') || l.starts_with('#'))
        .copied()
        .collect()
}

fn plan_literal(path: &Path, text: &str, el: usize, app: &AppEntry) -> Result<Edit, String> {
    let lines: Vec<&str> = text.lines().collect();
    let el_indent = indent(lines[el]);
    let item = regex::Regex::new(r"^(\s*)- ([A-Za-z0-9_]+): ?(.*)$").map_err(|e| e.to_string())?;
    let kv = regex::Regex::new(r"^\s*([A-Za-z0-9_]+): ?(.*)$").map_err(|e| e.to_string())?;
    let scalar_ok = |v: &str| {
        let v = v.trim();
        !v.is_empty()
            && !v.contains("{{")
            && !matches!(v.chars().next(), Some('|' | '>' | '&' | '*'))
    };
    let why = "the list generator's elements are not plain `- name: ...` items of scalar keys";
    let snippet = |at: usize| literal_snippet(app, at);
    // Items: (first line, last line).
    let mut items: Vec<(usize, usize)> = Vec::new();
    let mut dash_at = None;
    let mut i = el + 1;
    while i < lines.len() {
        let l = lines[i];
        if l.trim().is_empty() || l.trim_start().starts_with('#') {
            i += 1;
            continue;
        }
        if indent(l) <= el_indent {
            break;
        }
        if let Some(c) = item.captures(l) {
            let at = c[1].len();
            if dash_at.is_some_and(|d| d != at) {
                return Ok(manual(path, why, &snippet(at)));
            }
            dash_at = Some(at);
            if !scalar_ok(&c[3]) {
                return Ok(manual(path, why, &snippet(at)));
            }
            items.push((i, i));
        } else if let (Some(at), Some(c)) = (dash_at, kv.captures(l)) {
            if indent(l) != at + 2 || !scalar_ok(&c[2]) {
                return Ok(manual(path, why, &snippet(at)));
            }
            if let Some(last) = items.last_mut() {
                last.1 = i;
            }
        } else {
            return Ok(manual(path, why, &snippet(el_indent + 2)));
        }
        i += 1;
    }
    let (Some(at), Some(&(first, last))) = (dash_at, items.last()) else {
        return Ok(manual(path, why, &snippet(el_indent + 2)));
    };
    // The name of the model item.
    let mut old = None;
    for l in &lines[first..=last] {
        let t = l.trim_start().trim_start_matches("- ");
        if let Some(v) = t.strip_prefix("name:") {
            old = Some(v.trim().trim_matches(['"', '\'']).to_string());
        }
    }
    let Some(old) = old.filter(|o| !o.is_empty()) else {
        return Ok(manual(
            path,
            "the list items have no `name` key",
            &snippet(at),
        ));
    };
    for &(f, l) in &items {
        for line in &lines[f..=l] {
            let t = line.trim_start().trim_start_matches("- ");
            if let Some(v) = t.strip_prefix("name:") {
                if v.trim().trim_matches(['"', '\'']) == app.name {
                    return Ok(Edit::AlreadyListed(path.to_path_buf()));
                }
            }
        }
    }
    let mut entry = String::new();
    for l in &lines[first..=last] {
        if l.trim_start().starts_with('#') {
            continue;
        }
        entry.push_str(&replace_word(l, &old, &app.name));
        entry.push('\n');
    }
    let mut out = String::with_capacity(text.len() + entry.len());
    for (i, l) in lines.iter().enumerate() {
        out.push_str(l);
        out.push('\n');
        if i == last {
            out.push_str(&entry);
        }
    }
    if !text.ends_with('\n') {
        out.pop();
    }
    let rel = path.display().to_string();
    Ok(Edit::Edited {
        file: path.to_path_buf(),
        text: out,
        what: format!("the list generator of {rel}"),
    })
}

/// Replaces `old` by `new` where it is a whole name (not part of a longer name).
fn replace_word(line: &str, old: &str, new: &str) -> String {
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let mut out = String::new();
    let mut rest = line;
    while let Some(pos) = rest.find(old) {
        let before = rest[..pos].chars().last();
        let after = rest[pos + old.len()..].chars().next();
        out.push_str(&rest[..pos]);
        if before.is_some_and(is_name) || after.is_some_and(is_name) {
            out.push_str(old);
        } else {
            out.push_str(new);
        }
        rest = &rest[pos + old.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> AppEntry {
        AppEntry {
            name: "vllm".into(),
            expose: true,
            origin: "inference".into(),
            volume: Some("models".into()),
            external_secret: true,
        }
    }

    fn repo(template: &str, values: &str) -> tempdir::Dir {
        let d = tempdir::Dir::new();
        std::fs::create_dir_all(d.path().join("roles/c/templates")).unwrap();
        std::fs::write(d.path().join("roles/c/templates/ai.yaml"), template).unwrap();
        std::fs::write(d.path().join("roles/c/values.yaml"), values).unwrap();
        d
    }

    mod tempdir {
        /// A throwaway directory under the system temp dir.
        pub struct Dir(std::path::PathBuf);
        impl Dir {
            pub fn new() -> Self {
                static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
                let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let p =
                    std::env::temp_dir().join(format!("kiln-role-test-{}-{n}", std::process::id()));
                let _ = std::fs::remove_dir_all(&p);
                std::fs::create_dir_all(&p).unwrap();
                Dir(p)
            }
            pub fn path(&self) -> &std::path::Path {
                &self.0
            }
        }
        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }

    #[test]
    fn literal_list_gets_a_copy_of_the_last_item() {
        let t = "spec:\n  generators:\n    - list:\n        elements:\n          # apps\n          - name: a\n            path: charts/ai/a\n          - name: b\n            path: charts/ai/b\n  template: {}\n";
        let d = repo(t, "");
        let Edit::Edited { text, .. } = plan(d.path(), "c", "ai", &app()).unwrap() else {
            panic!()
        };
        assert_eq!(
            text,
            t.replace(
                "charts/ai/b\n",
                "charts/ai/b\n          - name: vllm\n            path: charts/ai/vllm\n"
            )
        );
    }

    #[test]
    fn templated_items_are_left_alone() {
        let t = "elements:\n  - name: {{ .Values.x }}\n";
        let d = repo(t, "");
        assert!(matches!(
            plan(d.path(), "c", "ai", &app()).unwrap(),
            Edit::Manual { .. }
        ));
    }

    #[test]
    fn values_map_entry_and_duplicates() {
        let t = "elements:\n  {{- range $name, $app := .Values.apps }}\n";
        let v = "cluster:\n  storageClass: x\napps:\n    a:\n        enabled: true\n        values: {}\n# trailing comment\nother: 1\n";
        let d = repo(t, v);
        let Edit::Edited { text, .. } = plan(d.path(), "c", "ai", &app()).unwrap() else {
            panic!()
        };
        assert!(text.starts_with(
            "cluster:\n  storageClass: x\napps:\n    a:\n        enabled: true\n        values: {}\n    vllm:\n"
        ));
        assert!(text.ends_with("        values: {}\n# trailing comment\nother: 1\n"));
        std::fs::write(d.path().join("roles/c/values.yaml"), &text).unwrap();
        assert!(matches!(
            plan(d.path(), "c", "ai", &app()).unwrap(),
            Edit::AlreadyListed(_)
        ));
        std::fs::write(d.path().join("roles/c/values.yaml"), "apps: {}\n").unwrap();
        assert!(matches!(
            plan(d.path(), "c", "ai", &app()).unwrap(),
            Edit::Manual { .. }
        ));
    }
}
