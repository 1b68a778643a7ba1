//! Helm's errors: the exact texts Helm prints (including its reformatting of Go template
//! errors, `pkg/engine/engine.go`: `cleanupParseError`, `reformatExecErrorMsg`), plus the
//! structured location kiln's diagnostics point at.

use std::fmt;

use kiln_gotmpl::GoError;

/// What failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The chart could not be loaded (Chart.yaml, values.yaml, archives).
    Load,
    /// Values did not validate against `values.schema.json`.
    Schema,
    /// A template has a syntax error.
    Parse,
    /// A template failed while executing (including `required` and `fail`).
    Exec,
    /// A rendered document is not valid YAML, or has the wrong shape.
    Manifest,
    /// The chart's `kubeVersion` constraint rejects the cluster version.
    KubeVersion,
    /// A declared dependency is missing from `charts/`.
    Dependencies,
    /// Invalid options (release name, Kubernetes version).
    Options,
}

/// An error from loading or rendering a chart.
#[derive(Clone, Debug, PartialEq)]
pub struct HelmError {
    pub kind: ErrorKind,
    /// Helm's own error text (what `helm template` prints after `Error: `).
    pub message: String,
    /// The file at fault: a template name (`mychart/templates/x.yaml`) or a chart file.
    pub file: Option<String>,
    /// 1-based line in `file`.
    pub line: Option<usize>,
    /// 0-based byte column in that line (Go's convention), when known.
    pub col: Option<usize>,
}

impl HelmError {
    /// An error without location.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> HelmError {
        HelmError {
            kind,
            message: message.into(),
            file: None,
            line: None,
            col: None,
        }
    }
}

impl fmt::Display for HelmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for HelmError {}

/// Helm's `cleanupParseError`: `parse error at (FILE:LINE): MESSAGE`, where MESSAGE is
/// the last `": "`-separated part of Go's text.
pub fn cleanup_parse_error(filename: &str, go_text: &str) -> String {
    let tokens: Vec<&str> = go_text.split(": ").collect();
    if tokens.len() == 1 {
        return format!("parse error in ({filename}): {go_text}");
    }
    let location = tokens[1];
    let msg = tokens[tokens.len() - 1];
    format!("parse error at ({location}): {msg}")
}

/// One level of Helm's `TraceableError`.
#[derive(Clone, Debug, PartialEq, Default)]
struct Traceable {
    location: String,
    message: String,
    executed_function: String,
}

impl Traceable {
    fn render(&self, out: &mut String) {
        if !self.location.is_empty() {
            out.push_str(&self.location);
            out.push_str("\n  ");
        }
        if !self.executed_function.is_empty() {
            out.push_str(&self.executed_function);
            out.push_str("\n    ");
        }
        if !self.message.is_empty() {
            out.push_str(&self.message);
            out.push('\n');
        }
    }
}

fn cut_template_chain(msg: &str) -> &str {
    match msg.find(" template:") {
        Some(i) => &msg[..i],
        None => msg,
    }
}

/// Helm's `parseTemplateExecErrorString`.
fn parse_exec_error_string(s: &str) -> Option<Traceable> {
    let remainder = s.strip_prefix("template: ")?;
    if remainder.starts_with("no template ") {
        return Some(Traceable {
            message: s.to_string(),
            ..Default::default()
        });
    }
    if let Some((template_name, after)) = remainder.split_once(": executing ") {
        if let Some(after_quote) = after.strip_prefix('"') {
            if let Some(end) = after_quote.find('"') {
                let function = &after_quote[..end];
                let after_func = &after_quote[end + 1..];
                if let Some(after_at) = after_func.strip_prefix(" at <") {
                    if let Some((loc, err)) = after_at.split_once(">: ") {
                        return Some(Traceable {
                            location: template_name.to_string(),
                            message: cut_template_chain(err).to_string(),
                            executed_function: format!("executing \"{function}\" at <{loc}>:"),
                        });
                    }
                }
            }
        }
        return None;
    }
    let sep = remainder.rfind(": ")?;
    Some(Traceable {
        location: remainder[..sep].to_string(),
        message: cut_template_chain(&remainder[sep + 2..]).to_string(),
        executed_function: String::new(),
    })
}

/// Helm's `reformatExecErrorMsg` for an execution error of template `filename`.
pub fn reformat_exec_error(filename: &str, err: &GoError) -> String {
    if err.exec.is_none() {
        return err.text.clone();
    }
    let tokens: Vec<&str> = err.text.splitn(3, ": ").collect();
    if tokens.len() != 3 {
        return format!("execution error in ({filename}): {}", err.text);
    }
    let location = tokens[1];
    if let Some(start) = tokens[2].find(crate::funcs::WARN_START) {
        let rest = &tokens[2][start + crate::funcs::WARN_START.len()..];
        if let Some(end) = rest.rfind(crate::funcs::WARN_END) {
            return format!("execution error at ({location}): {}", &rest[..end]);
        }
    }
    let mut levels: Vec<Traceable> = Vec::new();
    for e in err.chain() {
        match parse_exec_error_string(&e.text) {
            Some(t) => {
                if levels.last() != Some(&t) {
                    levels.push(t);
                }
            }
            None => return err.text.clone(),
        }
    }
    let mut out = String::new();
    for l in &levels {
        l.render(&mut out);
    }
    out.trim().to_string()
}
