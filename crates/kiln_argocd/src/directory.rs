//! Plain-directory sources (mirrors Argo CD's repo-server `findManifests`): the YAML and
//! JSON files of the source path (recursively with `directory.recurse`), filtered by
//! `include`/`exclude` globs on the path relative to the source, in sorted order; each
//! YAML document or JSON object is one object.

use std::sync::Arc;

use kiln_gotmpl::{SourceMap, Value};
use kiln_helm::glob::Glob;
use kiln_helm::head::Identity;

use crate::files::{join, EntryKind};
use crate::repo::Repo;
use crate::source::{Doc, DocOrigin};
use crate::tree;

/// Files Argo CD skips when they contain this marker.
const SKIP_MARKER: &str = "+argocd:skip-file-rendering";

/// Renders a directory source at `app_dir` (repository-relative). Returns the documents
/// and the files they came from; with `source_maps`, YAML documents carry their place
/// in their file.
pub fn render(
    repo: &Repo,
    src: &Value,
    app_dir: &str,
    source_maps: bool,
) -> Result<(Vec<Doc>, Vec<String>), String> {
    let d = tree::get(src, &["directory"]).unwrap_or(Value::Nil);
    let recurse = matches!(tree::get(&d, &["recurse"]), Some(Value::Bool(true)));
    let include = tree::get_str(&d, &["include"]).unwrap_or_default();
    let exclude = tree::get_str(&d, &["exclude"]).unwrap_or_default();
    let include = (!include.is_empty())
        .then(|| Glob::without_separator(&include))
        .flatten();
    let exclude = (!exclude.is_empty())
        .then(|| Glob::without_separator(&exclude))
        .flatten();
    let mut files = Vec::new();
    collect(repo, app_dir, "", recurse, &mut files)?;
    let mut docs = Vec::new();
    let mut sources = Vec::new();
    for rel in files {
        let name = rel.rsplit('/').next().unwrap_or(&rel);
        let is_manifest = [".yaml", ".yml", ".json", ".jsonnet"]
            .iter()
            .any(|e| name.ends_with(e));
        if !is_manifest {
            continue;
        }
        if exclude.as_ref().is_some_and(|g| g.is_match(&rel)) {
            continue;
        }
        if include.as_ref().is_some_and(|g| !g.is_match(&rel)) {
            continue;
        }
        let source = if app_dir == "." || app_dir.is_empty() {
            rel.clone()
        } else {
            format!("{app_dir}/{rel}")
        };
        if name.ends_with(".jsonnet") {
            return Err(format!(
                "jsonnet file {rel} is not supported by kiln (it is reported, not rendered)"
            ));
        }
        let text = repo
            .read_text(&source)
            .map_err(|e| format!("failed to read {e}"))?;
        if text.contains(SKIP_MARKER) {
            continue;
        }
        if name.ends_with(".json") {
            let v = kiln_encoding::from_json(&text)
                .map_err(|e| format!("failed to unmarshal {source}: {}", e.message))?;
            let objects = match v {
                Value::List(l, _) => l.to_vec(),
                other => vec![other],
            };
            for o in objects {
                if o.as_map().is_none() {
                    return Err(format!("failed to unmarshal {source}: not an object"));
                }
                docs.push(Doc {
                    source: source.clone(),
                    text: kiln_encoding::to_yaml(&o),
                    id: Identity::of(&o),
                    obj: Some(o),
                    is_object: true,
                    hook: false,
                    source_index: 0,
                    origin: None,
                });
            }
        } else {
            let map = source_maps.then(|| Arc::new(SourceMap::for_file(&source, &text)));
            for (offset, piece, value) in
                yaml_documents(&text).map_err(|e| format!("failed to unmarshal {source}: {e}"))?
            {
                if value.as_map().is_none() {
                    return Err(format!("failed to unmarshal {source}: not an object"));
                }
                docs.push(Doc {
                    source: source.clone(),
                    text: piece,
                    id: Identity::of(&value),
                    obj: Some(value),
                    is_object: true,
                    hook: false,
                    source_index: 0,
                    origin: map.as_ref().map(|m| DocOrigin {
                        map: m.clone(),
                        offset,
                        chart_dir: String::new(),
                    }),
                });
            }
        }
        sources.push(source);
    }
    sources.sort();
    sources.dedup();
    Ok((docs, sources))
}

fn collect(
    repo: &Repo,
    app_dir: &str,
    rel: &str,
    recurse: bool,
    out: &mut Vec<String>,
) -> Result<(), String> {
    let entries = repo.list(&join(app_dir, rel)).map_err(|e| e.to_string())?;
    for e in entries {
        let child = join(rel, &e.name);
        // Symlinks are not followed (none can lead out of the repository).
        match e.kind {
            EntryKind::Dir if recurse => collect(repo, app_dir, &child, recurse, out)?,
            EntryKind::File => out.push(child),
            _ => {}
        }
    }
    Ok(())
}

/// Splits a YAML stream into `(document text, parsed value)` for documents that hold
/// something (comment-only documents are skipped), the text trimmed of blank lines.
/// The non-empty YAML documents of a file: `(offset of the text in the file, text,
/// value)`.
fn yaml_documents(text: &str) -> Result<Vec<(usize, String, Value)>, String> {
    let mut out = Vec::new();
    for (at, piece) in split_on_separator_lines(text) {
        let v = kiln_encoding::yaml_to_value(piece).map_err(|e| e.message)?;
        if v.is_nil() {
            continue;
        }
        let lead = piece.len() - piece.trim_start_matches('\n').len();
        out.push((at + lead, piece.trim_matches('\n').to_string(), v));
    }
    Ok(out)
}

/// Splits at lines that are `---` (optionally followed by blanks and a comment); each
/// piece with its byte offset.
fn split_on_separator_lines(text: &str) -> Vec<(usize, &str)> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let is_sep = body.strip_prefix("---").is_some_and(|rest| {
            let rest = rest.trim_start_matches([' ', '\t']);
            rest.is_empty() || rest.starts_with('#')
        });
        if is_sep {
            pieces.push((start, &text[start..pos]));
            start = pos + line.len();
        }
        pos += line.len();
    }
    pieces.push((start, &text[start..]));
    pieces
}
