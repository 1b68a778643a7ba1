//! Suppressions written next to what they suppress, each with a reason.
//!
//! # On a rendered object: the `kiln.dev/ignore` annotation
//!
//! ```yaml
//! metadata:
//!   annotations:
//!     kiln.dev/ignore: "GPU001: CI runs the model on CPU, SEC004 SEC005: nvidia-smi needs root"
//! ```
//!
//! The value is a list of entries `CODES: REASON`. `CODES` are one or more codes
//! (`GPU001`) or families (`GPU`), upper case, separated by spaces or commas; they share
//! the reason. Entries are separated by `,`, `;` or a new line; a separator starts a new
//! entry only when codes follow it and then a `:`, another separator or the end, so a
//! reason may contain commas (`GPU001: no GPU in CI, by design`). `--` may stand for
//! the `:`. The annotation suppresses the findings about that object (in every cluster
//! that renders it).
//!
//! # On a values key: a `# kiln:ignore` comment
//!
//! ```yaml
//! resources:
//!   limits:
//!     memory: 200Gi   # kiln:ignore RES002 -- the node has 512Gi
//!   # kiln:ignore RES003, RES004 -- see docs/sizing.md
//!   requests:
//! ```
//!
//! `# kiln:ignore CODES -- REASON` (`:` may stand for `--`) at the end of a line
//! suppresses the findings whose span is that line of that values file; on lines of
//! their own, the comments directly above a line (no blank line between) apply to it.
//!
//! # Rules
//!
//! * A suppression needs a reason. Without one it is **ignored** (the finding stays)
//!   and reported as `KLN002`.
//! * Codes or families kiln does not know are reported as `KLN002`; the known codes of
//!   the same entry still apply.
//! * Text that looks like a suppression but cannot be read (`# kiln:ignore because`,
//!   `# kiln:ignroe GPU001 -- x`, an annotation entry without codes) is `KLN002`.
//! * `KLN002` itself cannot be suppressed.

use std::collections::{BTreeMap, BTreeSet};

use kiln_encoding::PathSeg;

use crate::diagnostic::{Diagnostic, ObjectRef, Severity, Span};
use crate::input::{App, CheckInput, Object};
use crate::registry::{self, Registry, KLN002};

/// The annotation that suppresses findings about an object.
pub const ANNOTATION: &str = "kiln.dev/ignore";

/// The directive of a values comment (`# kiln:ignore CODES -- REASON`).
pub const COMMENT_DIRECTIVE: &str = "kiln:ignore";

/// One parsed suppression: codes (or families) and the reason they share.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Codes or families as written; empty when the entry could not be parsed.
    pub selectors: Vec<String>,
    /// The reason, trimmed; `None` when missing or empty.
    pub reason: Option<String>,
    /// The entry's text, trimmed (for messages).
    pub text: String,
}

/// Parses the value of the [`ANNOTATION`] (see the module documentation). Never fails:
/// unreadable parts come back as entries without selectors.
pub fn parse_annotation(value: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut pos = 0;
    loop {
        pos = skip(value, pos, |c| c.is_whitespace() || is_separator(c));
        if pos >= value.len() {
            break;
        }
        let (selectors, after) = read_codes(value, pos);
        let rest = skip(value, after, is_blank);
        if !selectors.is_empty() {
            if let Some(reason_start) = reason_marker(value, rest) {
                let end = next_entry(value, reason_start).unwrap_or(value.len());
                out.push(Entry {
                    selectors,
                    reason: non_empty(&value[reason_start..end]),
                    text: value[pos..end].trim().to_string(),
                });
                pos = end;
                continue;
            }
            if rest >= value.len() || value[rest..].starts_with(is_separator) {
                out.push(Entry {
                    selectors,
                    reason: None,
                    text: value[pos..rest].trim().to_string(),
                });
                pos = rest;
                continue;
            }
        }
        // Unreadable: up to the next entry.
        let end = next_entry(value, pos).unwrap_or(value.len());
        out.push(Entry {
            selectors: Vec::new(),
            reason: None,
            text: value[pos..end].trim().to_string(),
        });
        pos = end;
    }
    out
}

/// Parses the text after a `#`. `None` when it is not a kiln directive (`kiln:` directly
/// followed by a word); `Some(Err(message))` for an unknown directive or an unreadable
/// `kiln:ignore`; `Some(Ok(entry))` otherwise (the entry may lack a reason).
pub fn parse_comment(comment: &str) -> Option<Result<Entry, String>> {
    let body = comment.trim();
    let rest = body.strip_prefix("kiln:")?;
    let word_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(rest.len());
    if word_len == 0 || !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let word = &rest[..word_len];
    if word != "ignore" {
        return Some(Err(format!("unknown kiln directive `kiln:{word}`")));
    }
    let rest = &rest[word_len..];
    let (selectors, after) = read_codes(rest, skip(rest, 0, is_blank));
    if selectors.is_empty() {
        return Some(Err(format!("`{body}` names no codes")));
    }
    let tail = skip(rest, after, is_blank);
    let reason = if tail >= rest.len() {
        None
    } else if let Some(start) = reason_marker(rest, tail) {
        non_empty(&rest[start..])
    } else {
        return Some(Err(format!(
            "`{body}`: expected `--` between the codes and the reason"
        )));
    };
    Some(Ok(Entry {
        selectors,
        reason,
        text: body.to_string(),
    }))
}

/// The suppressions of a check input, ready to be applied to findings.
#[derive(Debug, Default)]
pub struct Suppressions {
    /// Values comments: (file, line they apply to) → selectors.
    lines: BTreeMap<(String, usize), BTreeSet<String>>,
    /// Annotations, by object.
    objects: BTreeMap<ObjectRef, Vec<ObjectSuppression>>,
}

/// The selectors an object's annotation suppresses in one Application.
#[derive(Debug)]
struct ObjectSuppression {
    cluster: Option<String>,
    app: String,
    selectors: BTreeSet<String>,
}

impl Suppressions {
    /// Reads every `kiln.dev/ignore` annotation of the input's objects and every
    /// `# kiln:ignore` comment of its values files; returns the suppressions and a
    /// `KLN002` finding for each problem found (with the rule's default severity).
    pub fn collect(input: &CheckInput, registry: &Registry) -> (Suppressions, Vec<Diagnostic>) {
        let mut s = Suppressions::default();
        let mut problems = Vec::new();
        let mut seen_files = BTreeSet::new();
        for app in &input.apps {
            for vf in &app.value_files {
                if seen_files.insert(vf.path.clone()) {
                    s.scan_values_file(&vf.path, &vf.text, registry, &mut problems);
                }
            }
            for obj in &app.objects {
                s.scan_object(app, obj, registry, &mut problems);
            }
        }
        (s, problems)
    }

    /// Whether a suppression covers `d`. `KLN002` is never suppressed.
    pub fn is_suppressed(&self, d: &Diagnostic) -> bool {
        if d.code == KLN002 {
            return false;
        }
        let covers =
            |set: &BTreeSet<String>| set.iter().any(|s| registry::selector_matches(s, &d.code));
        if let Some(span) = &d.span {
            if let Some(set) = self.lines.get(&(span.file.clone(), span.line)) {
                if covers(set) {
                    return true;
                }
            }
        }
        let Some(obj) = &d.object else {
            return false;
        };
        self.objects.get(obj).is_some_and(|list| {
            list.iter().any(|o| {
                (d.cluster.is_none() || d.cluster == o.cluster)
                    && d.app.as_ref().is_none_or(|a| *a == o.app)
                    && covers(&o.selectors)
            })
        })
    }

    fn scan_values_file(
        &mut self,
        file: &str,
        text: &str,
        registry: &Registry,
        problems: &mut Vec<Diagnostic>,
    ) {
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let Some((hash, whole_line)) = find_comment(line) else {
                continue;
            };
            let Some(parsed) = parse_comment(&line[hash + 1..]) else {
                continue;
            };
            let span = Span::new(file, i + 1, line[..hash].chars().count() + 1);
            let entry = match parsed {
                Ok(e) => e,
                Err(message) => {
                    problems.push(kln002(
                        format!("cannot read suppression comment: {message}"),
                        COMMENT_HELP,
                        Some(span),
                    ));
                    continue;
                }
            };
            let target = if whole_line {
                target_below(&lines, i)
            } else {
                Some(i + 1)
            };
            let known = check_entry(&entry, registry, Some(span), COMMENT_HELP, problems);
            if let (Some(target), false) = (target, known.is_empty()) {
                self.lines
                    .entry((file.to_string(), target))
                    .or_default()
                    .extend(known);
            }
        }
    }

    fn scan_object(
        &mut self,
        app: &App,
        obj: &Object,
        registry: &Registry,
        problems: &mut Vec<Diagnostic>,
    ) {
        let path = [
            PathSeg::Key("metadata"),
            PathSeg::Key("annotations"),
            PathSeg::Key(ANNOTATION),
        ];
        let Some(value) = obj.get(&path) else {
            return;
        };
        let with_context = |d: Diagnostic| {
            let mut d = d.with_object(obj.object_ref());
            d.cluster = app.cluster.clone();
            d.app = Some(app.name.clone());
            d
        };
        let span = obj.span_of(&path);
        let Some(text) = value.as_str() else {
            problems.push(with_context(kln002(
                format!("annotation `{ANNOTATION}` is not a string"),
                ANNOTATION_HELP,
                span,
            )));
            return;
        };
        let mut all = BTreeSet::new();
        for entry in parse_annotation(text) {
            let mut local = Vec::new();
            if entry.selectors.is_empty() {
                local.push(kln002(
                    format!(
                        "cannot read `{}` in annotation `{ANNOTATION}`: expected `CODES: REASON`",
                        entry.text
                    ),
                    ANNOTATION_HELP,
                    span.clone(),
                ));
            } else {
                all.extend(check_entry(
                    &entry,
                    registry,
                    span.clone(),
                    ANNOTATION_HELP,
                    &mut local,
                ));
            }
            problems.extend(local.into_iter().map(with_context));
        }
        if !all.is_empty() {
            self.objects
                .entry(obj.object_ref())
                .or_default()
                .push(ObjectSuppression {
                    cluster: app.cluster.clone(),
                    app: app.name.clone(),
                    selectors: all,
                });
        }
    }
}

const COMMENT_HELP: &str =
    "write `# kiln:ignore CODE -- reason` (codes separated by spaces or commas)";
const ANNOTATION_HELP: &str =
    "write `kiln.dev/ignore: \"CODE: reason, CODE CODE: reason\"` (entries separated by `,`, `;` or new lines)";

/// The selectors of `entry` that suppress something: known ones, when it has a reason.
/// Problems go to `out` as `KLN002`.
fn check_entry(
    entry: &Entry,
    registry: &Registry,
    span: Option<Span>,
    help: &str,
    out: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let mut known = Vec::new();
    for sel in &entry.selectors {
        if sel == "ALL" {
            out.push(kln002(
                "suppression names `ALL`; suppress codes or families".to_string(),
                help,
                span.clone(),
            ));
            continue;
        }
        if registry.is_known_selector(sel) {
            known.push(sel.clone());
            continue;
        }
        let what = match registry::selector_kind(sel) {
            Some(registry::SelectorKind::Family) => "rule family",
            _ => "rule code",
        };
        let help = match registry.nearest(sel) {
            Some(near) => format!("did you mean `{near}`? `kiln explain CODE` shows a rule"),
            None => "`kiln explain CODE` shows a rule".to_string(),
        };
        out.push(kln002(
            format!("suppression names unknown {what} `{sel}`"),
            &help,
            span.clone(),
        ));
    }
    if entry.reason.is_none() {
        out.push(kln002(
            format!(
                "suppression of {} has no reason, so it is ignored",
                entry
                    .selectors
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            help,
            span,
        ));
        return Vec::new();
    }
    known
}

fn kln002(message: String, help: &str, span: Option<Span>) -> Diagnostic {
    Diagnostic::new(KLN002, Severity::Warning, message)
        .with_help(help)
        .with_span(span)
}

fn is_separator(c: char) -> bool {
    matches!(c, ',' | ';' | '\n' | '\r')
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// The first byte index at or after `i` whose character does not satisfy `f`.
fn skip(s: &str, i: usize, f: impl Fn(char) -> bool) -> usize {
    let Some(tail) = s.get(i..) else {
        return s.len();
    };
    tail.find(|c: char| !f(c)).map_or(s.len(), |n| i + n)
}

/// Reads codes (`[A-Z][A-Z0-9]*`, whole words) separated by blanks or commas from `i`;
/// returns them and the index after the last one (`i` when there is none).
fn read_codes(s: &str, i: usize) -> (Vec<String>, usize) {
    let b = s.as_bytes();
    let mut codes = Vec::new();
    let mut end = i;
    let mut at = i;
    while at < b.len() && b[at].is_ascii_uppercase() {
        let mut j = at;
        while j < b.len() && (b[j].is_ascii_uppercase() || b[j].is_ascii_digit()) {
            j += 1;
        }
        // A code is a whole word: `GPU001x` or `GPU_1` is not one.
        let word_goes_on = j < b.len()
            && (b[j].is_ascii_alphanumeric()
                || b[j] == b'_'
                || (b[j] == b'-' && !s[j..].starts_with("--"))
                || b[j] >= 0x80);
        if word_goes_on {
            break;
        }
        codes.push(s[at..j].to_string());
        end = j;
        let mut k = skip(s, j, is_blank);
        if k < b.len() && b[k] == b',' {
            k = skip(s, k + 1, is_blank);
        }
        at = k;
    }
    (codes, end)
}

/// After codes: the start of the reason when `:` or `--` is at `i`.
fn reason_marker(s: &str, i: usize) -> Option<usize> {
    let tail = s.get(i..)?;
    if tail.starts_with(':') {
        Some(i + 1)
    } else if tail.starts_with("--") {
        Some(i + 2)
    } else {
        None
    }
}

/// The index of the separator, at or after `from`, that starts a new annotation entry:
/// a separator followed by codes and then `:`/`--`, another separator or the end.
fn next_entry(s: &str, from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(n) = s.get(i..)?.find(is_separator) {
        let sep = i + n;
        let start = skip(s, sep + 1, char::is_whitespace);
        let (codes, after) = read_codes(s, start);
        let next = skip(s, after, is_blank);
        let ends = next >= s.len() || s[next..].starts_with(is_separator);
        if !codes.is_empty() && (ends || reason_marker(s, next).is_some()) {
            return Some(sep);
        }
        i = sep + 1;
    }
    None
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// The byte index of the `#` that starts a YAML comment on `line`, and whether the line
/// holds nothing else. A `#` starts a comment at the start of the line or after a blank,
/// outside quoted scalars.
fn find_comment(line: &str) -> Option<(usize, bool)> {
    let mut quote: Option<char> = None;
    let mut prev: Option<char> = None;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match quote {
            Some('"') if c == '\\' => {
                chars.next();
            }
            Some(q) if c == q => {
                // `''` inside single quotes is an escaped quote.
                if q == '\'' && chars.peek().is_some_and(|(_, n)| *n == '\'') {
                    chars.next();
                } else {
                    quote = None;
                }
            }
            Some(_) => {}
            None => {
                let at_token_start = prev
                    .is_none_or(|p| p.is_whitespace() || matches!(p, ':' | '[' | '{' | ',' | '-'));
                if (c == '"' || c == '\'') && at_token_start {
                    quote = Some(c);
                } else if c == '#' && prev.is_none_or(char::is_whitespace) {
                    return Some((i, line[..i].trim().is_empty()));
                }
            }
        }
        prev = Some(c);
    }
    None
}

/// The 1-based line that comment-only line `i` (0-based) applies to: the first line
/// below that is not a comment, when no blank line comes first.
fn target_below(lines: &[&str], i: usize) -> Option<usize> {
    for (j, line) in lines.iter().enumerate().skip(i + 1) {
        let t = line.trim();
        if t.is_empty() {
            return None;
        }
        if !t.starts_with('#') {
            return Some(j + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(selectors: &[&str], reason: Option<&str>, text: &str) -> Entry {
        Entry {
            selectors: selectors.iter().map(|s| s.to_string()).collect(),
            reason: reason.map(str::to_string),
            text: text.to_string(),
        }
    }

    #[test]
    fn annotation_syntax() {
        assert_eq!(
            parse_annotation("GPU001: model server runs on CPU in CI, SEC004: needs root"),
            [
                entry(
                    &["GPU001"],
                    Some("model server runs on CPU in CI"),
                    "GPU001: model server runs on CPU in CI"
                ),
                entry(&["SEC004"], Some("needs root"), "SEC004: needs root"),
            ]
        );
        // Commas inside a reason; shared reasons; `;`, new lines and `--`.
        assert_eq!(
            parse_annotation("GPU001, GPU002: no GPU in CI, by design; SEC -- debug pod\nDOC001 DOC002:docs later, see #12"),
            [
                entry(&["GPU001", "GPU002"], Some("no GPU in CI, by design"), "GPU001, GPU002: no GPU in CI, by design"),
                entry(&["SEC"], Some("debug pod"), "SEC -- debug pod"),
                entry(&["DOC001", "DOC002"], Some("docs later, see #12"), "DOC001 DOC002:docs later, see #12"),
            ]
        );
        // Missing reasons.
        assert_eq!(
            parse_annotation(" GPU001 ; SEC004:  ; DOC001: "),
            [
                entry(&["GPU001"], None, "GPU001"),
                entry(&["SEC004"], None, "SEC004:"),
                entry(&["DOC001"], None, "DOC001:"),
            ]
        );
        // Codes alone after a separator are an entry (without a reason); codes followed
        // by other words belong to the reason.
        assert_eq!(
            parse_annotation("SEC004: debug pod, DOC001"),
            [
                entry(&["SEC004"], Some("debug pod"), "SEC004: debug pod"),
                entry(&["DOC001"], None, "DOC001"),
            ]
        );
        assert_eq!(
            parse_annotation("SEC004: debug pod, DOC001 later"),
            [entry(
                &["SEC004"],
                Some("debug pod, DOC001 later"),
                "SEC004: debug pod, DOC001 later"
            )]
        );
        // Unreadable parts, up to the next entry.
        assert_eq!(
            parse_annotation("gpu001: lower case, GPU001: fine"),
            [
                entry(&[], None, "gpu001: lower case"),
                entry(&["GPU001"], Some("fine"), "GPU001: fine"),
            ]
        );
        assert_eq!(
            parse_annotation("GPU001x: glued; GPU001 because: x"),
            [entry(&[], None, "GPU001x: glued; GPU001 because: x")]
        );
        // A reason whose upper-case word is not followed by `:` stays whole.
        assert_eq!(
            parse_annotation("GPU001: CPU, GPU and TPU: see docs"),
            [entry(
                &["GPU001"],
                Some("CPU, GPU and TPU: see docs"),
                "GPU001: CPU, GPU and TPU: see docs"
            )]
        );
        assert_eq!(parse_annotation(""), []);
        assert_eq!(parse_annotation(" ,; \n"), []);
        assert_eq!(
            parse_annotation("é: ü, GPU001: ö"),
            [
                entry(&[], None, "é: ü"),
                entry(&["GPU001"], Some("ö"), "GPU001: ö"),
            ]
        );
    }

    #[test]
    fn comment_syntax() {
        assert_eq!(
            parse_comment(" kiln:ignore GPU001 -- model runs on CPU in CI"),
            Some(Ok(entry(
                &["GPU001"],
                Some("model runs on CPU in CI"),
                "kiln:ignore GPU001 -- model runs on CPU in CI"
            )))
        );
        assert_eq!(
            parse_comment("kiln:ignore GPU001, SEC GAT002 --reason: with colon"),
            Some(Ok(entry(
                &["GPU001", "SEC", "GAT002"],
                Some("reason: with colon"),
                "kiln:ignore GPU001, SEC GAT002 --reason: with colon"
            )))
        );
        assert_eq!(
            parse_comment("kiln:ignore GPU001: colon works too"),
            Some(Ok(entry(
                &["GPU001"],
                Some("colon works too"),
                "kiln:ignore GPU001: colon works too"
            )))
        );
        assert_eq!(
            parse_comment("kiln:ignore GPU001"),
            Some(Ok(entry(&["GPU001"], None, "kiln:ignore GPU001")))
        );
        assert_eq!(
            parse_comment("kiln:ignore GPU001 --  "),
            Some(Ok(entry(&["GPU001"], None, "kiln:ignore GPU001 --")))
        );
        assert_eq!(
            parse_comment("kiln:ignore GPU001 because CI"),
            Some(Err(
                "`kiln:ignore GPU001 because CI`: expected `--` between the codes and the reason"
                    .into()
            ))
        );
        assert_eq!(
            parse_comment("kiln:ignore -- why"),
            Some(Err("`kiln:ignore -- why` names no codes".into()))
        );
        assert_eq!(
            parse_comment("kiln:ignoreGPU001 -- x"),
            Some(Err("unknown kiln directive `kiln:ignoreGPU001`".into()))
        );
        assert_eq!(
            parse_comment("kiln:ignroe GPU001 -- x"),
            Some(Err("unknown kiln directive `kiln:ignroe`".into()))
        );
        // Not directives.
        assert_eq!(parse_comment(" kiln: renders this chart"), None);
        assert_eq!(parse_comment(" see kiln:ignore"), None);
        assert_eq!(parse_comment(" plain comment"), None);
        assert_eq!(parse_comment(""), None);
    }

    #[test]
    fn comments_in_yaml_lines() {
        assert_eq!(find_comment("# top"), Some((0, true)));
        assert_eq!(find_comment("  # indented"), Some((2, true)));
        assert_eq!(find_comment("a: 1 # c"), Some((5, false)));
        assert_eq!(find_comment("a: x#y"), None);
        assert_eq!(find_comment("a: \"x # y\""), None);
        assert_eq!(find_comment("a: \"x \\\" # y\" # c"), Some((14, false)));
        assert_eq!(find_comment("a: 'it''s # y' # c"), Some((15, false)));
        assert_eq!(find_comment("a: it's # c"), Some((8, false)));
        assert_eq!(find_comment("a: [\"#\", '#'] # c"), Some((14, false)));
        assert_eq!(find_comment("é: ü # c"), Some((7, false)));
        assert_eq!(find_comment("a: 1"), None);
    }

    /// Every short combination of awkward pieces parses without panicking.
    #[test]
    fn no_panics() {
        let pieces = [
            "GPU001", ":", ",", ";", "\n", "--", "é", " ", "x", "ü:", "-", "#", "'", "\"",
        ];
        let n = pieces.len();
        for i in 0..n * n * n * n {
            let text: String = [i % n, i / n % n, i / n / n % n, i / n / n / n]
                .iter()
                .map(|&k| pieces[k])
                .collect();
            let _ = parse_annotation(&text);
            let _ = parse_comment(&format!("kiln:ignore {text}"));
            let _ = find_comment(&text);
        }
    }

    #[test]
    fn comment_targets() {
        let lines = ["# a", "# b", "key: 1", "", "# c", "", "# d"];
        assert_eq!(target_below(&lines, 0), Some(3));
        assert_eq!(target_below(&lines, 1), Some(3));
        assert_eq!(target_below(&lines, 4), None);
        assert_eq!(target_below(&lines, 6), None);
    }
}
