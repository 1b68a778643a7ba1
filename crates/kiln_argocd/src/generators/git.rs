//! The `git` generator (applicationset/generators/git.go), reading the local repository
//! through [`RepoTree`]. `revision` is ignored (the caller chose the tree); a `repoURL`
//! that does not denote the local repository is an "external repository" error.
//!
//! * `directories` (`filterApps`): every directory the repo reports, in its order, kept
//!   when some non-exclude item matches it (Go `path.Match`) and no exclude item does.
//!   Malformed patterns match nothing (Argo CD logs them).
//! * `files` (`generateParamsForGitFiles`): the union of the include patterns' files
//!   minus the exclude patterns' files, processed in sorted path order. Each file holds
//!   one object (an empty file or `null`: one set with only the path parameters) or a
//!   list of objects (`[]`: none); YAML or JSON.
//!
//! Parameters (both cases; `pathParamPrefix: p` moves them under `p`):
//! * fasttemplate: `path`, `path.basename`, `path.basenameNormalized`, `path[i]` for every
//!   non-empty segment, plus for files `path.filename`, `path.filenameNormalized` and the
//!   file content flattened with dots (leaves printed with `%v`);
//! * goTemplate: `path: {path, basename, basenameNormalized, segments}` (+ `filename`,
//!   `filenameNormalized` for files; `segments` is a `[]string`), next to the file
//!   content as is (a content key named like the path key is overwritten).
//!
//! Then `values` ([`super::values`]).

use std::collections::BTreeMap;

use kiln_gotmpl::{ListType, Map, MapRef, MapType, Str, Value};

use super::context::ExpandContext;
use super::flatten::{flatten, go_sprint};
use super::glob::go_path_match;
use super::values::append_templated_values;
use super::{ParamSet, MAX_PARAM_SETS};
use crate::template::{sanitize_name, Templater};

/// Go's `path.Base`.
pub fn go_base(p: &str) -> String {
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return if p.is_empty() { ".".into() } else { "/".into() };
    }
    t.rsplit('/').next().unwrap_or(t).to_string()
}

/// Go's `path.Dir` for a clean relative path.
pub fn go_dir(p: &str) -> String {
    match p.rfind('/') {
        Some(0) => "/".into(),
        Some(i) => p[..i].to_string(),
        None => ".".into(),
    }
}

fn str_field(body: &Map, key: &str) -> Result<String, String> {
    match body.get(key) {
        None | Some(Value::Nil) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.to_string()),
        Some(other) => Err(format!(
            "git.{key} must be a string, not {}",
            other.type_name()
        )),
    }
}

/// `(path, exclude)` items of `directories` or `files`.
fn items(body: &Map, key: &str) -> Result<Vec<(String, bool)>, String> {
    let list = match body.get(key) {
        None | Some(Value::Nil) => return Ok(Vec::new()),
        Some(Value::List(l, _)) => l.clone(),
        Some(other) => {
            return Err(format!(
                "git.{key} must be a list, not {}",
                other.type_name()
            ))
        }
    };
    list.iter()
        .map(|it| {
            let m = it
                .as_map()
                .ok_or_else(|| format!("git.{key} entries must be maps"))?;
            let path = match m.get("path") {
                None | Some(Value::Nil) => String::new(),
                Some(Value::String(s)) => s.to_string(),
                Some(other) => {
                    return Err(format!(
                        "git.{key}[].path must be a string, not {}",
                        other.type_name()
                    ))
                }
            };
            let exclude = matches!(m.get("exclude"), Some(Value::Bool(true)));
            Ok((path, exclude))
        })
        .collect()
}

/// Parameter sets of a `git` generator body.
pub fn generate(
    body: &Value,
    t: &mut Templater,
    ctx: &ExpandContext<'_>,
) -> Result<Vec<ParamSet>, String> {
    let body = body.as_map().ok_or("the git generator must be a map")?;
    let repo_url = str_field(&body, "repoURL")?;
    let dirs = items(&body, "directories")?;
    let files = items(&body, "files")?;
    if dirs.is_empty() && files.is_empty() {
        return Err("ApplicationSet is empty".into());
    }
    if !(ctx.is_local)(&repo_url) {
        return Err(format!(
            "error generating params from git: repoURL {repo_url:?} is an external repository; kiln reads only the local repository offline"
        ));
    }
    let prefix = str_field(&body, "pathParamPrefix")?;
    let values = body.get("values");
    let res = if !dirs.is_empty() {
        from_directories(&dirs, &prefix, values, t, ctx)
    } else {
        from_files(&files, &repo_url, &prefix, values, t, ctx)
    };
    res.map_err(|e| format!("error generating params from git: {e}"))
}

fn from_directories(
    items: &[(String, bool)],
    prefix: &str,
    values: Option<&Value>,
    t: &mut Templater,
    ctx: &ExpandContext<'_>,
) -> Result<Vec<ParamSet>, String> {
    let all = ctx
        .repo
        .directories()
        .map_err(|e| format!("error getting directories from repo: {e}"))?;
    let mut res = Vec::new();
    for dir in all {
        let mut include = false;
        let mut exclude = false;
        for (pat, ex) in items {
            if go_path_match(pat, &dir).unwrap_or(false) {
                if *ex {
                    exclude = true;
                } else {
                    include = true;
                }
            }
        }
        if !include || exclude {
            continue;
        }
        if res.len() >= MAX_PARAM_SETS {
            return Err(format!("more than {MAX_PARAM_SETS} parameter sets"));
        }
        let mut params = Map::new();
        let base = go_base(&dir);
        if t.is_go() {
            let mut pp = Map::new();
            pp.insert("path".into(), Value::str(&dir));
            pp.insert("basename".into(), Value::str(&base));
            pp.insert(
                "basenameNormalized".into(),
                Value::from(sanitize_name(&base)),
            );
            pp.insert("segments".into(), Value::string_list(dir.split('/')));
            insert_path_go(&mut params, prefix, pp);
        } else {
            let name = path_param_name(prefix);
            params.insert(Str::from(name.as_str()), Value::str(&dir));
            params.insert(Str::from(format!("{name}.basename")), Value::str(&base));
            params.insert(
                Str::from(format!("{name}.basenameNormalized")),
                Value::from(sanitize_name(&base)),
            );
            insert_segments_fast(&mut params, &name, &dir);
        }
        append_templated_values(values, &mut params, t).map_err(|e| {
            format!("error generating params from apps: failed to append templated values: {e}")
        })?;
        res.push(params);
    }
    Ok(res)
}

fn path_param_name(prefix: &str) -> String {
    if prefix.is_empty() {
        "path".into()
    } else {
        format!("{prefix}.path")
    }
}

fn insert_path_go(params: &mut Map, prefix: &str, pp: Map) {
    let pv = Value::Map(MapRef::new(pp), MapType::Any);
    if prefix.is_empty() {
        params.insert("path".into(), pv);
    } else {
        let mut outer = Map::new();
        outer.insert("path".into(), pv);
        params.insert(Str::from(prefix), Value::map(outer));
    }
}

fn insert_segments_fast(params: &mut Map, name: &str, path: &str) {
    for (i, seg) in path.split('/').enumerate() {
        if !seg.is_empty() {
            params.insert(Str::from(format!("{name}[{i}]")), Value::str(seg));
        }
    }
}

fn from_files(
    items: &[(String, bool)],
    repo_url: &str,
    prefix: &str,
    values: Option<&Value>,
    t: &mut Templater,
    ctx: &ExpandContext<'_>,
) -> Result<Vec<ParamSet>, String> {
    let mut contents: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for (pat, _) in items.iter().filter(|(_, ex)| !ex) {
        for f in ctx.repo.match_files(pat, ctx.git_file_globbing)? {
            if contents.contains_key(&f) {
                continue;
            }
            let data = ctx
                .repo
                .read(&f)
                .map_err(|e| format!("unable to read files. repo {repo_url} pattern {pat}: {e}"))?;
            contents.insert(f, data);
        }
    }
    for (pat, _) in items.iter().filter(|(_, ex)| *ex) {
        for f in ctx.repo.match_files(pat, ctx.git_file_globbing)? {
            contents.remove(&f);
        }
    }
    let mut res = Vec::new();
    for (path, data) in &contents {
        let sets = from_file(path, data, prefix, values, t).map_err(|e| {
            format!("unable to process file '{path}' from repository '{repo_url}': {e}")
        })?;
        if res.len() + sets.len() > MAX_PARAM_SETS {
            return Err(format!("more than {MAX_PARAM_SETS} parameter sets"));
        }
        res.extend(sets);
    }
    Ok(res)
}

fn go_kind(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        Value::List(..) => "array",
        Value::Map(..) => "object",
        _ => "number",
    }
}

/// The objects of one file (git.go `generateParamsFromGitFile`: an object first, then a
/// list of objects).
pub fn parse_git_file(data: &[u8]) -> Result<Vec<Map>, String> {
    let text = std::str::from_utf8(data)
        .map_err(|_| "unable to parse file: yaml: invalid leading UTF-8 octet".to_string())?;
    let doc = kiln_helm::yaml::parse_document(text)
        .map_err(|(e, _)| format!("unable to parse file: {e}"))?;
    if super::too_deep(&doc, super::MAX_VALUE_DEPTH) {
        return Err(format!(
            "unable to parse file: nested deeper than {} levels",
            super::MAX_VALUE_DEPTH
        ));
    }
    match doc {
        Value::Nil => Ok(vec![Map::new()]),
        Value::Map(m, _) => Ok(vec![(*m.snapshot()).clone()]),
        Value::List(l, _) => l
            .iter()
            .map(|item| match item {
                Value::Nil => Ok(Map::new()),
                Value::Map(m, _) => Ok((*m.snapshot()).clone()),
                other => Err(format!(
                    "unable to parse file: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                    go_kind(other)
                )),
            })
            .collect(),
        other => Err(format!(
            "unable to parse file: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type []map[string]interface {{}}",
            go_kind(&other)
        )),
    }
}

fn from_file(
    path: &str,
    data: &[u8],
    prefix: &str,
    values: Option<&Value>,
    t: &mut Templater,
) -> Result<Vec<ParamSet>, String> {
    let objects = parse_git_file(data)?;
    let dir = go_dir(path);
    let base = go_base(&dir);
    let filename = go_base(path);
    let mut res = Vec::with_capacity(objects.len());
    for obj in objects {
        let mut params = Map::new();
        if t.is_go() {
            params.extend(obj);
            let mut pp = Map::new();
            pp.insert("path".into(), Value::str(&dir));
            pp.insert("basename".into(), Value::str(&base));
            pp.insert("filename".into(), Value::str(&filename));
            pp.insert(
                "basenameNormalized".into(),
                Value::from(sanitize_name(&base)),
            );
            pp.insert(
                "filenameNormalized".into(),
                Value::from(sanitize_name(&filename)),
            );
            pp.insert(
                "segments".into(),
                Value::List(
                    std::sync::Arc::new(dir.split('/').map(Value::str).collect()),
                    ListType::String,
                ),
            );
            insert_path_go(&mut params, prefix, pp);
        } else {
            for (k, v) in
                flatten(&obj, false).map_err(|e| format!("error flattening object: {e}"))?
            {
                params.insert(Str::from(k), Value::from(go_sprint(&v)));
            }
            let name = path_param_name(prefix);
            params.insert(Str::from(name.as_str()), Value::str(&dir));
            params.insert(Str::from(format!("{name}.basename")), Value::str(&base));
            params.insert(Str::from(format!("{name}.filename")), Value::str(&filename));
            params.insert(
                Str::from(format!("{name}.basenameNormalized")),
                Value::from(sanitize_name(&base)),
            );
            params.insert(
                Str::from(format!("{name}.filenameNormalized")),
                Value::from(sanitize_name(&filename)),
            );
            insert_segments_fast(&mut params, &name, &dir);
        }
        append_templated_values(values, &mut params, t)
            .map_err(|e| format!("failed to append templated values: {e}"))?;
        res.push(params);
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_path_helpers() {
        assert_eq!(go_dir("a/b/c.json"), "a/b");
        assert_eq!(go_dir("c.json"), ".");
        assert_eq!(go_base("a/b"), "b");
        assert_eq!(go_base("."), ".");
        assert_eq!(go_base(""), ".");
    }

    #[test]
    fn file_shapes() {
        assert_eq!(parse_git_file(b"").unwrap().len(), 1);
        assert_eq!(parse_git_file(b"[]").unwrap().len(), 0);
        assert_eq!(parse_git_file(b"- a: 1\n- b: 2").unwrap().len(), 2);
        assert!(parse_git_file(b"just a string").is_err());
        assert!(parse_git_file(b"[1, 2]").is_err());
        assert!(parse_git_file(b"invalid: [").is_err());
    }
}
