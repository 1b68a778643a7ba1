//! Errors of parsing and executing templates, shaped like Go's so that callers (Helm's
//! error reformatting) can reproduce Go's texts exactly, while keeping the structure
//! (template, line, column, the failing action) that kiln's own diagnostics need.

use std::fmt;
use std::sync::Arc;

/// A Go `error` value: its text and the error `errors.Unwrap` returns.
///
/// Go's `text/template` wraps function errors with `%w`, and Helm walks that chain to
/// format its messages, so the chain is kept rather than flattened.
#[derive(Clone, Debug, PartialEq)]
pub struct GoError {
    /// `err.Error()`.
    pub text: String,
    /// `errors.Unwrap(err)`, if any. Shared: nested template errors (an `include` of an
    /// `include` ...) form long chains that must not be copied level by level.
    pub unwrap: Option<Arc<GoError>>,
    /// The structured template error this level is, when it is one (`template.ExecError`).
    pub exec: Option<Arc<ExecError>>,
}

impl GoError {
    /// A plain error (`errors.New(text)`).
    pub fn new(text: impl Into<String>) -> GoError {
        GoError {
            text: text.into(),
            unwrap: None,
            exec: None,
        }
    }

    /// `fmt.Errorf("<prefix>%w", inner)`: the text is `prefix + inner.text`.
    pub fn wrap(prefix: &str, inner: GoError) -> GoError {
        GoError {
            text: format!("{prefix}{}", inner.text),
            unwrap: Some(Arc::new(inner)),
            exec: None,
        }
    }

    /// Iterates the chain: this error, then what it wraps, and so on.
    pub fn chain(&self) -> impl Iterator<Item = &GoError> {
        let mut next = Some(self);
        std::iter::from_fn(move || {
            let cur = next?;
            next = cur.unwrap.as_deref();
            Some(cur)
        })
    }
}

impl fmt::Display for GoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::error::Error for GoError {}

impl From<String> for GoError {
    fn from(s: String) -> GoError {
        GoError::new(s)
    }
}

impl From<&str> for GoError {
    fn from(s: &str) -> GoError {
        GoError::new(s)
    }
}

/// A position in a template source: 1-based line, 0-based byte column (Go's convention
/// in `ErrorContext`), and the byte offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Location {
    pub line: usize,
    pub col: usize,
    pub offset: usize,
}

/// A template syntax error (`template: NAME:LINE: message`).
#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    /// Name of the template being parsed (for Helm, the file path `chart/templates/x.yaml`).
    pub name: String,
    /// Line of the offending token (1-based).
    pub line: usize,
    /// Byte offset of the offending token in the source, for diagnostics with a caret.
    pub offset: usize,
    /// The message without location, e.g. `unexpected "}" in operand`.
    pub message: String,
}

impl ParseError {
    /// Go's text: `template: NAME:LINE: MESSAGE`.
    pub fn go_text(&self) -> String {
        format!("template: {}:{}: {}", self.name, self.line, self.message)
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.go_text())
    }
}

impl std::error::Error for ParseError {}

/// An error while executing a template (Go's `template.ExecError`).
#[derive(Clone, Debug, PartialEq)]
pub struct ExecError {
    /// Name of the template that was executing (`executing "NAME"`).
    pub template: String,
    /// Name of the file-level template the failing node was parsed in (Go's `ParseName`),
    /// with the node's location; `None` when the error has no node (e.g. an undefined
    /// template at the top).
    pub at: Option<(String, Location)>,
    /// The failing node as Go prints it (`<.Values.x>`), without the angle brackets.
    pub context: String,
    /// The message after the context, e.g. `error calling eq: incompatible types ...`.
    pub message: String,
    /// The error a function returned, when the message is `error calling F: <cause>`.
    pub cause: Option<Arc<GoError>>,
}

impl ExecError {
    /// Go's text: `template: FILE:LINE:COL: executing "NAME" at <CTX>: MESSAGE`.
    pub fn go_text(&self) -> String {
        match &self.at {
            Some((file, loc)) => format!(
                "template: {}:{}:{}: executing {:?} at <{}>: {}",
                file, loc.line, loc.col, self.template, self.context, self.message
            ),
            None => format!("template: {}: {}", self.template, self.message),
        }
    }

    /// The Go error chain of this error: `ExecError` → its formatted error → (for function
    /// errors wrapped with `%w`) the function's error chain.
    pub fn to_go_error(&self) -> GoError {
        let text = self.go_text();
        let inner = GoError {
            text: text.clone(),
            unwrap: self.cause.clone(),
            exec: None,
        };
        GoError {
            text,
            unwrap: Some(Arc::new(inner)),
            exec: Some(Arc::new(self.clone())),
        }
    }
}

impl fmt::Display for ExecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.go_text())
    }
}

impl std::error::Error for ExecError {}

/// Any error from the engine.
#[derive(Clone, Debug, PartialEq)]
pub enum Error {
    /// The template text is not valid.
    Parse(ParseError),
    /// Executing failed (boxed: it is much larger than the success values it travels
    /// with).
    Exec(Box<ExecError>),
    /// Other failures (`no template "x" associated with template "y"`).
    Other(GoError),
}

impl Error {
    /// The error as a Go error chain.
    pub fn to_go_error(&self) -> GoError {
        match self {
            Error::Parse(p) => GoError::new(p.go_text()),
            Error::Exec(e) => e.to_go_error(),
            Error::Other(g) => g.clone(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Parse(p) => p.fmt(f),
            Error::Exec(e) => e.fmt(f),
            Error::Other(g) => g.fmt(f),
        }
    }
}

impl std::error::Error for Error {}

impl From<ParseError> for Error {
    fn from(e: ParseError) -> Error {
        Error::Parse(e)
    }
}

impl From<ExecError> for Error {
    fn from(e: ExecError) -> Error {
        Error::Exec(Box::new(e))
    }
}
