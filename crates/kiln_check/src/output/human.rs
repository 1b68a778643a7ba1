//! `--format human`: one miette report per finding, then a summary line.
//!
//! ```text
//! GPU001
//!
//!   × GPU requested but no toleration for the GPU taint
//!    ╭─[charts/ai/ollama/values.yaml:4:3]
//!  3 │ gpu:
//!  4 │   enabled: true
//!    ·   ───┬───
//!    ·      ╰── Deployment ai/ollama, app ollama on home
//!  5 │ tolerations: []
//!    ╰────
//!   help: add a toleration for nvidia.com/gpu
//!
//! 1 error, 0 warnings, 0 infos
//! ```
//!
//! The snippet is the span's file read from the repository root; the underline runs
//! from the span's column to the end of the word (a values key, a template action).
//! When the file cannot be read, or the line is past its end, the report has no snippet
//! and the location follows the message. Severities map to miette's: `error` → error
//! (`×`), `warning` → warning (`⚠`), `info` → advice (`☞`). Related spans in the same
//! file are extra labels; a related span in another file is an advice (`☞ label`) with
//! its own snippet right after the report.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};

use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::output::{context, SourceFiles, Summary};

/// Options of the human format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HumanOptions {
    /// ANSI colours.
    pub color: bool,
    /// Width the reports wrap at.
    pub width: usize,
}

impl Default for HumanOptions {
    /// No colours, 100 columns: stable bytes, for tests and files.
    fn default() -> Self {
        HumanOptions {
            color: false,
            width: 100,
        }
    }
}

impl HumanOptions {
    /// Colours unless `NO_COLOR` is set (non-empty) or standard output is not a
    /// terminal; 100 columns. (The `kiln` binary decides with `kiln::term` instead,
    /// which also honours `CLICOLOR_FORCE`.)
    pub fn detect() -> HumanOptions {
        use std::io::IsTerminal;
        let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            && std::io::stdout().is_terminal();
        HumanOptions {
            color,
            ..HumanOptions::default()
        }
    }
}

/// Renders every finding as a miette report (reading snippets from `sources`), each
/// followed by a blank line, then the [`Summary`] line.
pub fn render(
    diagnostics: &[Diagnostic],
    sources: &dyn SourceFiles,
    opts: &HumanOptions,
) -> String {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(opts.width)
        .with_links(false);
    let mut files = Files {
        sources,
        cache: BTreeMap::new(),
    };
    let mut out = String::new();
    for d in diagnostics {
        let report = Report::new(d, &mut files);
        let mut text = String::new();
        if handler.render_report(&mut text, &report).is_err() {
            // miette only fails on a formatter error; fall back to one plain line.
            text = format!("{}[{}]: {}\n", d.severity, d.code, report);
        }
        // Related places in other files: an advice with its own snippet, right after.
        for related in &report.related {
            text.push('\n');
            if handler.render_report(&mut text, related).is_err() {
                text.push_str(&format!("  {related}\n"));
            }
        }
        out.push_str(text.trim_end());
        out.push_str("\n\n");
    }
    out.push_str(&Summary::of(diagnostics).to_string());
    out.push('\n');
    out
}

/// The repository's files, read once each.
struct Files<'a> {
    sources: &'a dyn SourceFiles,
    cache: BTreeMap<String, Option<Arc<str>>>,
}

impl Files<'_> {
    fn get(&mut self, file: &str) -> Option<Arc<str>> {
        if let Some(text) = self.cache.get(file) {
            return text.clone();
        }
        // Snippets never show secret values (Secret data, credential-like keys and env).
        let text = self
            .sources
            .read(file)
            .map(|t| Arc::<str>::from(kiln_encoding::mask::mask_yaml(&t)));
        self.cache.insert(file.to_string(), text.clone());
        text
    }
}

/// One finding as a miette diagnostic.
struct Report<'d> {
    d: &'d Diagnostic,
    /// The span's file, when readable and the span's line exists in it.
    source: Option<NamedSource<Arc<str>>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Related>,
}

impl<'d> Report<'d> {
    fn new(d: &'d Diagnostic, files: &mut Files<'_>) -> Report<'d> {
        let mut source = None;
        let mut labels = Vec::new();
        let mut related = Vec::new();
        if let Some(span) = &d.span {
            if let Some((text, at)) = files.get(&span.file).and_then(|t| {
                let at = source_span(&t, span)?;
                Some((t, at))
            }) {
                labels.push(LabeledSpan::new_primary_with_span(context(d), at));
                for (rs, label) in &d.related {
                    if rs.file == span.file {
                        if let Some(at) = source_span(&text, rs) {
                            labels.push(LabeledSpan::new_with_span(Some(label.clone()), at));
                            continue;
                        }
                    }
                    related.push(Related::new(rs, label, files));
                }
                source = Some(NamedSource::new(span.file.clone(), text));
            }
        }
        if source.is_none() {
            related = d
                .related
                .iter()
                .map(|(rs, label)| Related::new(rs, label, files))
                .collect();
        }
        Report {
            d,
            source,
            labels,
            related,
        }
    }
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Report")
            .field("code", &self.d.code)
            .finish()
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)?;
        if self.source.is_none() {
            // No snippet to carry the location and context: say them here.
            if let Some(span) = &self.d.span {
                write!(f, "\nat {span}")?;
            }
            if let Some(ctx) = context(self.d) {
                write!(f, "\nin {ctx}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.d.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(miette_severity(self.d.severity))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.d
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
}

/// A related span in another file, shown as an advice after the main report.
#[derive(Debug)]
struct Related {
    message: String,
    source: Option<NamedSource<Arc<str>>>,
    at: Option<SourceSpan>,
}

impl Related {
    fn new(span: &Span, label: &str, files: &mut Files<'_>) -> Related {
        let found = files
            .get(&span.file)
            .and_then(|t| Some((source_span(&t, span)?, t)));
        match found {
            Some((at, text)) => Related {
                message: label.to_string(),
                source: Some(NamedSource::new(span.file.clone(), text)),
                at: Some(at),
            },
            None => Related {
                message: format!("{label}\nat {span}"),
                source: None,
                at: None,
            },
        }
    }
}

impl fmt::Display for Related {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Related {}

impl miette::Diagnostic for Related {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let at = self.at?;
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(None, at),
        )))
    }
}

fn miette_severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

/// The byte range to underline for `span` in `text`: from the span's column (in
/// characters) to the end of the word there (up to a blank, `:` or the end of the
/// line; at least one character when the line has one). `None` when the line does not
/// exist.
fn source_span(text: &str, span: &Span) -> Option<SourceSpan> {
    let line_no = span.line.checked_sub(1)?;
    let mut start = 0;
    let mut line = None;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i == line_no {
            line = Some(l.trim_end_matches(['\n', '\r']));
            break;
        }
        start += l.len();
    }
    let line = line?;
    let col = span.column.saturating_sub(1);
    let offset = line.char_indices().nth(col).map_or(line.len(), |(i, _)| i);
    let rest = &line[offset..];
    let word = rest
        .find(|c: char| c.is_whitespace() || c == ':')
        .unwrap_or(rest.len());
    let len = if word == 0 {
        rest.chars().next().map_or(0, char::len_utf8)
    } else {
        word
    };
    Some(SourceSpan::from((start + offset, len)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, line: usize, column: usize) -> Option<(usize, usize)> {
        source_span(text, &Span::new("f", line, column)).map(|s| (s.offset(), s.len()))
    }

    #[test]
    fn underline() {
        let text = "a: 1\n  memory: 4Gi\r\n  é: {{ x }}\n\n";
        assert_eq!(at(text, 1, 1), Some((0, 1)));
        assert_eq!(at(text, 2, 3), Some((7, 6)));
        assert_eq!(at(text, 2, 11), Some((15, 3)));
        // Columns count characters: `é` is two bytes.
        assert_eq!(at(text, 3, 3), Some((22, 2)));
        assert_eq!(at(text, 3, 6), Some((26, 2)));
        // Past the end of the line: a point at its end.
        assert_eq!(at(text, 1, 40), Some((4, 0)));
        assert_eq!(at(text, 4, 1), Some((34, 0)));
        assert_eq!(at(text, 5, 1), None);
        assert_eq!(at(text, 0, 1), None);
        assert_eq!(at("", 1, 1), None);
    }
}
