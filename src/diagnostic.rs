//! Human-readable error reports with the offending source line (miette), for errors
//! that point at a file, line and column.

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, NamedSource, SourceSpan};

/// An error located in a source file.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
pub struct SourceError {
    /// One-line description.
    pub message: String,
    #[source_code]
    pub src: NamedSource<String>,
    #[label("{label}")]
    pub span: SourceSpan,
    /// Text under the caret.
    pub label: String,
    #[help]
    pub help: Option<String>,
}

/// Byte offset of (1-based `line`, 0-based byte `col`) in `text`.
fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let mut off = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return off + col.min(l.trim_end_matches('\n').len());
        }
        off += l.len();
    }
    text.len()
}

/// Renders a report for `message` at `path:line:col` (the file is read to show the line);
/// `None` when the file cannot be read or the line is out of range.
pub fn render_at(
    message: &str,
    path: &std::path::Path,
    display_name: &str,
    line: usize,
    col: Option<usize>,
    label: &str,
    help: Option<String>,
) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    if line == 0 || line > text.lines().count().max(1) {
        return None;
    }
    let start = offset_of(&text, line, col.unwrap_or(0));
    let len = match col {
        // Underline the action or word at the column.
        Some(_) => text[start..].find(['\n', '}']).unwrap_or(0).max(1),
        // Whole line.
        None => text[start..].find('\n').unwrap_or(text.len() - start),
    };
    let err = SourceError {
        message: message.to_string(),
        src: NamedSource::new(display_name, text),
        span: (start, len).into(),
        label: label.to_string(),
        help,
    };
    let theme = if crate::term::stderr_color() {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let mut out = String::new();
    GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .render_report(&mut out, &err)
        .ok()?;
    Some(out)
}
