//! Masking of secret values in YAML text that kiln shows to people (diagnostic snippets,
//! rendered diffs), line by line so line numbers and key columns stay where they were.
//!
//! Masked (the value becomes `***`): the entries of `data` and `stringData` of a
//! `kind: Secret` document; the `value` of a list item whose `name` is secret-like (an
//! environment variable such as `OPENAI_API_KEY`); and any mapping entry whose key is
//! secret-like ([`is_secret_like_name`]) with a literal value. Template actions (`{{`)
//! and references resolved elsewhere (`os.environ/KEY`, `$(VAR)`) are left alone. Block
//! style only: a secret in a flow mapping on one line is not found.

/// The text that replaces a masked value.
pub const MASK: &str = "***";

/// Whether a key or variable name looks like it holds a credential (`*_API_KEY`,
/// `*TOKEN*` but not `*TOKENIZER*`, `*PASSWORD*`, `*SECRET*`, `*PRIVATE_KEY*`,
/// `*ACCESS_KEY*`), and not like a reference to one (`*_FILE`, `*_PATH`, `*_NAME`,
/// `*_REF`, `*_URL`, ...).
pub fn is_secret_like_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase().replace(['-', '.'], "_");
    if [
        "_FILE",
        "_PATH",
        "_DIR",
        "_NAME",
        "_REF",
        "_ENDPOINT",
        "_URL",
        "_URI",
        "_ENABLED",
    ]
    .iter()
    .any(|s| n.ends_with(s))
    {
        return false;
    }
    let token = n
        .match_indices("TOKEN")
        .any(|(i, _)| !n[i..].starts_with("TOKENIZER") && !n[i..].starts_with("TOKENS"));
    n.ends_with("_API_KEY")
        || n == "API_KEY"
        || n == "APIKEY"
        || n.contains("APIKEY")
        || token
        || n.contains("PASSWORD")
        || n.contains("PASSWD")
        || n.contains("SECRET")
        || n.contains("PRIVATE_KEY")
        || n.contains("ACCESS_KEY")
}

/// One masked value: the line it was on, a key naming it within its document, and the
/// value as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Masked {
    /// 0-based line index in the text.
    pub line: usize,
    /// `data.KEY`, `stringData.KEY`, `env.NAME` or the key, within its document.
    pub key: String,
    /// The raw text that was hidden (the scalar and any block lines).
    pub raw: String,
}

/// `text` with secret values replaced by [`MASK`] (same number of lines).
pub fn mask_yaml(text: &str) -> String {
    mask_yaml_detailed(text).0
}

/// [`mask_yaml`] of two versions of one document: a value that differs from the old
/// version's value under the same key is shown as `*** (changed)` in the new text, so a
/// diff still says that it changed.
pub fn mask_yaml_pair(old: &str, new: &str) -> (String, String) {
    let (old_text, old_masked) = mask_yaml_detailed(old);
    let (new_text, new_masked) = mask_yaml_detailed(new);
    let changed: Vec<usize> = new_masked
        .iter()
        .filter(|m| {
            old_masked
                .iter()
                .find(|o| o.key == m.key)
                .is_none_or(|o| o.raw != m.raw)
        })
        .map(|m| m.line)
        .collect();
    if changed.is_empty() {
        return (old_text, new_text);
    }
    let mut out = String::with_capacity(new_text.len());
    for (i, line) in new_text.split_inclusive('\n').enumerate() {
        if changed.contains(&i) {
            let (body, nl) = split_newline(line);
            out.push_str(body);
            out.push_str(" (changed)");
            out.push_str(nl);
        } else {
            out.push_str(line);
        }
    }
    (old_text, out)
}

/// [`mask_yaml`], also returning what was masked.
pub fn mask_yaml_detailed(text: &str) -> (String, Vec<Masked>) {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let mut masked = Vec::new();
    // Documents: split at `---` lines.
    let mut start = 0;
    for i in 1..lines.len() {
        if lines[i].starts_with("---") {
            mask_document(&lines, start, i, &mut out, &mut masked);
            start = i;
        }
    }
    if start < lines.len() {
        mask_document(&lines, start, lines.len(), &mut out, &mut masked);
    }
    (out.concat(), masked)
}

fn split_newline(line: &str) -> (&str, &str) {
    if let Some(b) = line.strip_suffix("\r\n") {
        (b, "\r\n")
    } else if let Some(b) = line.strip_suffix('\n') {
        (b, "\n")
    } else {
        (line, "")
    }
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// `key: value` of a line (after an optional `- `): (column of the key, key, value).
fn entry(line: &str) -> Option<(usize, String, &str)> {
    let (body, _) = split_newline(line);
    let ind = indent_of(body);
    let mut rest = &body[ind..];
    let mut col = ind;
    if let Some(r) = rest.strip_prefix("- ") {
        rest = r.trim_start_matches(' ');
        col = body.len() - rest.len();
    }
    if rest.starts_with('#') {
        return None;
    }
    let (key, value) = if let Some(q) = rest.strip_prefix('"').or_else(|| rest.strip_prefix('\'')) {
        let close = q.find(['"', '\''])?;
        let after = q[close + 1..].strip_prefix(':')?;
        (q[..close].to_string(), after)
    } else {
        let colon = rest
            .find(": ")
            .or_else(|| rest.strip_suffix(':').map(|r| r.len()))?;
        let key = &rest[..colon];
        if key.is_empty() || key.contains(['{', '[', '"', '\'']) {
            return None;
        }
        (key.to_string(), &rest[colon + 1..])
    };
    Some((col, key, value.trim()))
}

/// Whether a value written after a key is a literal worth hiding.
fn literal(value: &str) -> bool {
    let v = value.trim_matches(|c| c == '"' || c == '\'').trim();
    !(v.is_empty()
        || v.len() < 3
        || v.contains("{{")
        || v.starts_with('#')
        || v.starts_with("os.environ/")
        || v.starts_with("$(")
        || v.starts_with("${")
        || matches!(
            v.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~"
        )
        || v.parse::<f64>().is_ok())
}

/// Masks the value of line `i` (and its block scalar lines) under `key`.
fn mask_at(
    lines: &[&str],
    i: usize,
    end: usize,
    key: String,
    out: &mut [String],
    masked: &mut Vec<Masked>,
) {
    let (body, nl) = split_newline(lines[i]);
    let Some((col, k, value)) = entry(lines[i]) else {
        return;
    };
    let block = value.starts_with('|') || value.starts_with('>');
    if !block && !literal(value) {
        return;
    }
    if value.is_empty() && !block {
        return;
    }
    let mut raw = value.to_string();
    // The value starts after `key:`.
    let key_end = col + body[col..].find(':').unwrap_or(k.len()) + 1;
    out[i] = format!("{} {MASK}{nl}", &body[..key_end.min(body.len())]);
    if block || value.is_empty() {
        let base = indent_of(body);
        let mut j = i + 1;
        while j < end {
            let l = lines[j];
            let t = split_newline(l).0;
            if !t.trim().is_empty() && indent_of(t) <= base {
                break;
            }
            raw.push('\n');
            raw.push_str(t);
            let (_, nl) = split_newline(l);
            out[j] = nl.to_string();
            j += 1;
        }
    }
    masked.push(Masked { line: i, key, raw });
}

fn mask_document(
    lines: &[&str],
    start: usize,
    end: usize,
    out: &mut [String],
    masked: &mut Vec<Masked>,
) {
    let is_secret = lines[start..end]
        .iter()
        .any(|l| split_newline(l).0.trim_end() == "kind: Secret");
    let mut done = vec![false; end - start];
    // Secret data and stringData.
    if is_secret {
        let mut section: Option<String> = None;
        for i in start..end {
            let body = split_newline(lines[i]).0;
            if body.trim().is_empty() {
                continue;
            }
            if indent_of(body) == 0 {
                section = entry(lines[i])
                    .map(|(_, k, _)| k)
                    .filter(|k| k == "data" || k == "stringData");
                continue;
            }
            if let Some(s) = &section {
                if let Some((_, k, v)) = entry(lines[i]) {
                    let block = v.starts_with('|') || v.starts_with('>');
                    if block || !v.is_empty() {
                        mask_at(lines, i, end, format!("{s}.{k}"), out, masked);
                        done[i - start] = true;
                    }
                }
            }
        }
    }
    // Environment variables: `- name: SECRET_LIKE` with a `value` in the same item.
    for i in start..end {
        let body = split_newline(lines[i]).0;
        let ind = indent_of(body);
        if !body[ind..].starts_with("- ") {
            continue;
        }
        let key_col = ind + 2;
        let mut name = None;
        let mut value_line = None;
        let mut j = i;
        while j < end {
            let t = split_newline(lines[j]).0;
            if j > i && !t.trim().is_empty() && indent_of(t) <= ind {
                break;
            }
            if let Some((col, k, v)) = entry(lines[j]) {
                if col == key_col {
                    match k.as_str() {
                        "name" => {
                            name = Some(v.trim_matches(|c| c == '"' || c == '\'').to_string())
                        }
                        "value" => value_line = Some(j),
                        _ => {}
                    }
                }
            }
            j += 1;
        }
        if let (Some(n), Some(vl)) = (name, value_line) {
            if is_secret_like_name(&n) && !done[vl - start] {
                mask_at(lines, vl, end, format!("env.{n}"), out, masked);
                done[vl - start] = true;
            }
        }
    }
    // Any key with a secret-like name and a literal value.
    let mut seen: Vec<(String, usize)> = Vec::new();
    for i in start..end {
        if done[i - start] {
            continue;
        }
        if let Some((_, k, v)) = entry(lines[i]) {
            if is_secret_like_name(&k) && literal(v) {
                let n = match seen.iter_mut().find(|(s, _)| *s == k) {
                    Some((_, n)) => {
                        *n += 1;
                        *n
                    }
                    None => {
                        seen.push((k.clone(), 0));
                        0
                    }
                };
                mask_at(lines, i, end, format!("{k}#{n}"), out, masked);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_data_env_and_keys_are_masked() {
        let text = "apiVersion: v1\nkind: Secret\ndata:\n  token: c2VjcmV0\n  cert: |\n    line1\n    line2\nstringData:\n  pw: hunter22\nmetadata:\n  name: s\n---\nkind: Deployment\nspec:\n  env:\n    - name: OPENAI_API_KEY\n      value: \"sk-abc\"\n    - value: sk-def\n      name: MY_TOKEN\n    - name: LOG\n      value: INFO\n  password: swordfish\n  api_key: os.environ/KEY\n";
        let m = mask_yaml(text);
        assert_eq!(m.lines().count(), text.lines().count());
        for s in [
            "c2VjcmV0",
            "line1",
            "hunter22",
            "sk-abc",
            "sk-def",
            "swordfish",
        ] {
            assert!(!m.contains(s), "{s} in\n{m}");
        }
        for s in [
            "INFO",
            "os.environ/KEY",
            "name: s",
            "token: ***",
            "value: ***",
        ] {
            assert!(m.contains(s), "{s} missing in\n{m}");
        }
    }

    #[test]
    fn pairs_say_what_changed() {
        let old = "kind: Secret\ndata:\n  a: b2xk\n  b: c2FtZQ==\n";
        let new = "kind: Secret\ndata:\n  a: bmV3\n  b: c2FtZQ==\n";
        let (o, n) = mask_yaml_pair(old, new);
        assert_eq!(o, "kind: Secret\ndata:\n  a: ***\n  b: ***\n");
        assert_eq!(n, "kind: Secret\ndata:\n  a: *** (changed)\n  b: ***\n");
    }
}
