//! `--format github`: one GitHub Actions workflow command per finding, which the Actions
//! runner turns into an annotation on the file and line:
//!
//! ```text
//! ::error file=charts/ai/ollama/values.yaml,line=4,col=3,title=GPU001::GPU requested but no toleration%0Ahelp: add a toleration
//! ```
//!
//! `error` → `::error`, `warning` → `::warning`, `info` → `::notice`. `file`, `line`
//! and `col` are left out when the finding has no span. The message is the finding's
//! message, then `help: …` on a second line. Escaping follows the Actions runner
//! (`ActionCommand` in actions/runner, and `@actions/core`'s `toCommandValue`): in the
//! message `%` → `%25`, `\r` → `%0D`, `\n` → `%0A`; in property values also
//! `:` → `%3A` and `,` → `%2C`.

use crate::diagnostic::{Diagnostic, Severity};

/// Renders one workflow command line per finding.
pub fn render(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut props = Vec::new();
        if let Some(span) = &d.span {
            props.push(format!("file={}", escape_property(&span.file)));
            props.push(format!("line={}", span.line));
            props.push(format!("col={}", span.column));
        }
        props.push(format!("title={}", escape_property(&d.code)));
        let message = match &d.help {
            Some(help) => format!("{}\nhelp: {help}", d.message),
            None => d.message.clone(),
        };
        out.push_str(&format!(
            "::{command} {}::{}\n",
            props.join(","),
            escape_data(&message)
        ));
    }
    out
}

/// Escapes a command's message: `%`, `\r`, `\n`.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property's value: as [`escape_data`], plus `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("50% a:b,c\r\nd"), "50%25 a:b,c%0D%0Ad");
        assert_eq!(escape_property("50% a:b,c\r\nd"), "50%25 a%3Ab%2Cc%0D%0Ad");
        // `%` first, so escapes are not escaped again.
        assert_eq!(escape_property("%3A:"), "%253A%3A");
    }
}
