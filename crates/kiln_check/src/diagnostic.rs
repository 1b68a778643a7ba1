//! The diagnostic model every check reports in, whatever the output format.

use std::fmt;

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Worth knowing (e.g. a chart no cluster deploys).
    Info,
    /// Likely a problem.
    Warning,
    /// A problem.
    Error,
}

impl Severity {
    /// `error`, `warning`, `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parses `error`, `warning`, `info` (also `warn`, `note`).
    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().as_str() {
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "info" | "note" => Some(Severity::Info),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place in a file of the repository.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// Repository-relative path with `/` (e.g. `charts/ai/ollama/values.yaml`).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column (characters); 1 when only the line is known.
    pub column: usize,
}

impl Span {
    /// A span at `line:column` of `file`.
    pub fn new(file: impl Into<String>, line: usize, column: usize) -> Span {
        Span {
            file: file.into(),
            line,
            column: column.max(1),
        }
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// The Kubernetes object a finding is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectRef {
    pub api_version: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
}

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{} {}/{}", self.kind, ns, self.name),
            None => write!(f, "{} {}", self.kind, self.name),
        }
    }
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable rule code with a domain prefix (`GPU001`, `SCH002`, ...).
    pub code: String,
    pub severity: Severity,
    /// One line saying what is wrong.
    pub message: String,
    /// One line saying how to fix it.
    pub help: Option<String>,
    /// Where the cause is: the values key, or the template line that produced the
    /// object or field.
    pub span: Option<Span>,
    /// Other places worth showing, with a label each.
    pub related: Vec<(Span, String)>,
    /// Cluster, when the finding is about a rendered Application.
    pub cluster: Option<String>,
    /// Application name.
    pub app: Option<String>,
    /// The object concerned.
    pub object: Option<ObjectRef>,
}

impl Diagnostic {
    /// A finding with a code, severity and message; other fields empty.
    pub fn new(code: &str, severity: Severity, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code: code.to_string(),
            severity,
            message: message.into(),
            help: None,
            span: None,
            related: Vec::new(),
            cluster: None,
            app: None,
            object: None,
        }
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Sets the primary span.
    pub fn with_span(mut self, span: Option<Span>) -> Diagnostic {
        self.span = span;
        self
    }

    /// Adds a related span.
    pub fn with_related(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.related.push((span, label.into()));
        self
    }

    /// Sets the object.
    pub fn with_object(mut self, object: ObjectRef) -> Diagnostic {
        self.object = Some(object);
        self
    }

    /// The family prefix of the code (`GPU` of `GPU001`).
    pub fn family(&self) -> &str {
        self.code.trim_end_matches(|c: char| c.is_ascii_digit())
    }

    /// Sort key: file, line, column, code, then message, so output does not depend on the
    /// order checks ran in.
    pub fn sort_key(&self) -> (String, usize, usize, String, String, String, String) {
        let (f, l, c) = match &self.span {
            Some(s) => (s.file.clone(), s.line, s.column),
            None => (String::new(), 0, 0),
        };
        (
            f,
            l,
            c,
            self.code.clone(),
            self.cluster.clone().unwrap_or_default(),
            self.app.clone().unwrap_or_default(),
            self.message.clone(),
        )
    }
}
