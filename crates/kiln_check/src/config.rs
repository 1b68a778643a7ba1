//! The `[checks]` table of `kiln.toml`: which rules run where, at which severity, the
//! default `--fail-on` level and the rules' thresholds.
//!
//! ```toml
//! [checks]
//! fail-on = "error"                 # default of --fail-on: error, warning or info
//!
//! [[checks.rules]]
//! paths = ["charts/ai/**"]          # omitted: every path
//! enable = ["GPU", "STO", "RES", "PRB", "API", "SEC", "GAT", "POD", "DOC"]
//!
//! [[checks.rules]]
//! paths = ["charts/legacy/**"]
//! disable = ["SEC004"]
//! severity = { DOC001 = "info", GPU = "warning" }
//!
//! [checks.settings]
//! min-inference-memory-bytes = 4294967296
//! min-model-load-delay-seconds = 60
//! max-response-time-ms = 30000
//! ```
//!
//! # Semantics
//!
//! * **Selectors** in `enable`, `disable` and the keys of `severity` are a code
//!   (`SEC004`), a family (`SEC`, every code of the family) or `ALL`; case does not
//!   matter. Unknown selectors are reported as `KLN003` (error) and otherwise ignored.
//! * **Defaults.** `SCH` and `KLN` apply everywhere; the AI families ([`AI_FAMILIES`])
//!   apply under `charts/ai/**` and `charts/*/ai/**`. This is as if the configuration
//!   began with
//!   ```toml
//!   [[checks.rules]]
//!   enable = ["SCH", "KLN"]
//!   [[checks.rules]]
//!   paths = ["charts/ai/**", "charts/*/ai/**"]
//!   enable = ["GPU", "STO", "RES", "PRB", "API", "SEC", "GAT", "POD", "DOC"]
//!   ```
//!   Any other family is off until an entry enables it.
//! * **Which entries apply to a finding.** A finding has up to two paths: its span's
//!   file, and the chart directory of the Application it is about. An entry applies when
//!   one of its globs matches one of them. So an AI rule that points at a cluster's
//!   override values file (`clusters/home/ollama.yaml`) still runs for a chart under
//!   `charts/ai/`, and a `charts/legacy/**` entry covers findings about the legacy chart
//!   wherever they point.
//! * **Precedence.** Entries are applied in order, the defaults first; a later entry
//!   that says something about a code overrides what earlier ones said. Within one entry
//!   the most specific selector decides (code over family over `ALL`); between `enable`
//!   and `disable` at the same specificity, `disable` wins. `severity` re-levels a code
//!   wherever it runs, but never enables it; its most specific key decides.
//! * **Globs** are repository-relative with `/`: `*` matches within one path segment,
//!   `?` one character of a segment, and `**` as a whole segment any number of segments
//!   (none included). A glob matches a path when it matches the path itself or one of
//!   its parent directories, so `charts/legacy` covers `charts/legacy/values.yaml`.
//!   Character classes (`[...]`) and alternatives (`{a,b}`) are not supported.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::input::RuleSettings;
use crate::registry::{self, Registry, SelectorKind, KLN003};

/// Families that apply everywhere by default.
pub const EVERYWHERE_FAMILIES: &[&str] = &["SCH", "KLN"];

/// The AI domain families, which apply under [`AI_PATHS`] by default.
pub const AI_FAMILIES: &[&str] = &[
    "GPU", "STO", "RES", "PRB", "API", "SEC", "GAT", "POD", "DOC",
];

/// Where the AI families apply by default.
/// (`charts/<group>/ai/<chart>` too: monorepos that group charts one level deeper).
pub const AI_PATHS: &[&str] = &["charts/ai/**", "charts/*/ai/**"];

/// Whether `family` has a default in [`EVERYWHERE_FAMILIES`] or [`AI_FAMILIES`]. Every
/// family kiln ships must (a test checks it), so that adding a family is a decision.
pub fn has_default(family: &str) -> bool {
    EVERYWHERE_FAMILIES.contains(&family) || AI_FAMILIES.contains(&family)
}

/// The `[checks]` table of `kiln.toml`, resolved. `Default` is the configuration of a
/// repository without `[checks]`.
#[derive(Clone, Debug, Default)]
pub struct CheckConfig {
    /// `fail-on`: the default of `--fail-on` (`None`: the CLI's default, `error`).
    pub fail_on: Option<Severity>,
    /// `[[checks.rules]]`, in order (the defaults are not included: see
    /// [`default_entries`]).
    pub entries: Vec<RuleEntry>,
    /// `[checks.settings]`: the rules' thresholds.
    pub settings: RuleSettings,
    /// The file the configuration was read from and its text, to point `KLN003` at.
    source: Option<(String, String)>,
}

/// One `[[checks.rules]]` entry.
#[derive(Clone, Debug)]
pub struct RuleEntry {
    /// Where the entry applies (every path when `paths` is omitted).
    pub paths: Vec<PathGlob>,
    /// Selectors enabled there (upper case).
    pub enable: Vec<String>,
    /// Selectors disabled there (upper case).
    pub disable: Vec<String>,
    /// Severities by selector (upper case).
    pub severity: BTreeMap<String, Severity>,
}

/// Why the `[checks]` table could not be used (a usage error: exit 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckConfigError {
    /// Not valid TOML, or not the shape of `[checks]` (unknown or mistyped fields).
    #[error("[checks]: {0}")]
    Parse(String),
    /// A value of a `[[checks.rules]]` entry (0-based `entry`) is invalid.
    #[error("[[checks.rules]] #{}: {message}", .entry + 1)]
    Entry {
        /// 0-based index of the entry.
        entry: usize,
        /// What is wrong.
        message: String,
    },
    /// `fail-on` is not `error`, `warning` or `info`.
    #[error("[checks]: fail-on: expected \"error\", \"warning\" or \"info\", got {0:?}")]
    FailOn(String),
}

#[derive(Deserialize)]
struct RawFile {
    #[serde(default)]
    checks: Option<RawChecks>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawChecks {
    fail_on: Option<String>,
    #[serde(default)]
    rules: Vec<RawEntry>,
    #[serde(default)]
    settings: RawSettings,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawEntry {
    paths: Option<Vec<String>>,
    #[serde(default)]
    enable: Vec<String>,
    #[serde(default)]
    disable: Vec<String>,
    #[serde(default)]
    severity: BTreeMap<String, String>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawSettings {
    min_inference_memory_bytes: Option<u64>,
    min_model_load_delay_seconds: Option<u64>,
    max_response_time_ms: Option<u64>,
}

impl CheckConfig {
    /// The configuration from the contents of the `[checks]` table (as parsed by the
    /// caller from `kiln.toml`). Without [`CheckConfig::with_source`], `KLN003` findings
    /// have no line.
    ///
    /// Errors: unknown fields, wrong types, invalid severities or globs.
    pub fn from_toml_table(table: &toml::Table) -> Result<CheckConfig, CheckConfigError> {
        let raw: RawChecks = table
            .clone()
            .try_into()
            .map_err(|e: toml::de::Error| CheckConfigError::Parse(one_line(&e.to_string())))?;
        CheckConfig::from_raw(raw)
    }

    /// The configuration from the whole text of `kiln.toml` (other tables are ignored),
    /// remembering the text so that `KLN003` points at the line of an unknown selector.
    ///
    /// Errors: as [`CheckConfig::from_toml_table`], with TOML's line and column.
    pub fn from_kiln_toml(text: &str) -> Result<CheckConfig, CheckConfigError> {
        let raw: RawFile =
            toml::from_str(text).map_err(|e| CheckConfigError::Parse(e.to_string()))?;
        let config = match raw.checks {
            Some(checks) => CheckConfig::from_raw(checks)?,
            None => CheckConfig::default(),
        };
        Ok(config.with_source("kiln.toml", text))
    }

    /// Records the file (repository-relative) and text the configuration came from.
    pub fn with_source(mut self, file: impl Into<String>, text: impl Into<String>) -> Self {
        self.source = Some((file.into(), text.into()));
        self
    }

    fn from_raw(raw: RawChecks) -> Result<CheckConfig, CheckConfigError> {
        let fail_on = match raw.fail_on {
            None => None,
            Some(s) => Some(Severity::parse(&s).ok_or(CheckConfigError::FailOn(s))?),
        };
        let mut entries = Vec::with_capacity(raw.rules.len());
        for (i, e) in raw.rules.into_iter().enumerate() {
            let err = |message: String| CheckConfigError::Entry { entry: i, message };
            let paths = match e.paths {
                None => vec![PathGlob::everywhere()],
                Some(p) if p.is_empty() => {
                    return Err(err("paths is empty; omit it to mean every path".to_string()))
                }
                Some(p) => p
                    .iter()
                    .map(|g| PathGlob::new(g).map_err(&err))
                    .collect::<Result<_, _>>()?,
            };
            let mut severity = BTreeMap::new();
            for (sel, level) in e.severity {
                let level = Severity::parse(&level).ok_or_else(|| {
                    err(format!(
                        "severity.{sel}: expected \"error\", \"warning\" or \"info\", got {level:?}"
                    ))
                })?;
                severity.insert(normalize_selector(&sel), level);
            }
            entries.push(RuleEntry {
                paths,
                enable: e.enable.iter().map(|s| normalize_selector(s)).collect(),
                disable: e.disable.iter().map(|s| normalize_selector(s)).collect(),
                severity,
            });
        }
        let defaults = RuleSettings::default();
        let s = raw.settings;
        let settings = RuleSettings {
            min_inference_memory_bytes: s
                .min_inference_memory_bytes
                .unwrap_or(defaults.min_inference_memory_bytes),
            min_model_load_delay_seconds: s
                .min_model_load_delay_seconds
                .unwrap_or(defaults.min_model_load_delay_seconds),
            max_response_time_ms: s
                .max_response_time_ms
                .unwrap_or(defaults.max_response_time_ms),
        };
        Ok(CheckConfig {
            fail_on,
            entries,
            settings,
            source: None,
        })
    }

    /// The severity of `code` for a finding with the given paths (its span's file and
    /// its Application's chart directory), starting from the rule's `default`; `None`
    /// when the code is disabled there. See the module documentation for the rules.
    pub fn effective(&self, code: &str, default: Severity, paths: &[&str]) -> Option<Severity> {
        let mut enabled = false;
        let mut severity = default;
        for entry in default_entries().iter().chain(&self.entries) {
            if !entry.applies_to(paths) {
                continue;
            }
            if let Some(on) = entry.decision(code) {
                enabled = on;
            }
            if let Some(level) = entry.severity_for(code) {
                severity = level;
            }
        }
        enabled.then_some(severity)
    }

    /// `KLN003` for every selector of the entries that `registry` does not know.
    pub fn validate(&self, registry: &Registry) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let (file, text) = match &self.source {
            Some((f, t)) => (f.as_str(), Some(t.as_str())),
            None => ("kiln.toml", None),
        };
        for (i, entry) in self.entries.iter().enumerate() {
            let fields = [
                ("enable", entry.enable.iter().collect::<Vec<_>>()),
                ("disable", entry.disable.iter().collect()),
                ("severity", entry.severity.keys().collect()),
            ];
            for (field, selectors) in fields {
                for sel in selectors {
                    if registry.is_known_selector(sel) {
                        continue;
                    }
                    let what = match registry::selector_kind(sel) {
                        Some(SelectorKind::Family) => "rule family",
                        _ => "rule code",
                    };
                    let mut help = "`kiln explain FAMILY` lists a family's codes; a selector is a code (`GPU001`), a family (`GPU`) or `ALL`".to_string();
                    if let Some(near) = registry.nearest(sel) {
                        help = format!("did you mean `{near}`? {help}");
                    }
                    let span = text
                        .and_then(|t| locate_selector(t, sel))
                        .map(|(line, col)| Span::new(file, line, col));
                    out.push(
                        Diagnostic::new(
                            KLN003,
                            Severity::Error,
                            format!(
                                "unknown {what} `{sel}` in `{field}` of [[checks.rules]] #{}",
                                i + 1
                            ),
                        )
                        .with_help(help)
                        .with_span(span),
                    );
                }
            }
        }
        out
    }
}

/// The built-in entries every configuration starts with (see the module documentation).
pub fn default_entries() -> &'static [RuleEntry] {
    static DEFAULTS: OnceLock<Vec<RuleEntry>> = OnceLock::new();
    DEFAULTS.get_or_init(|| {
        vec![
            RuleEntry {
                paths: vec![PathGlob::everywhere()],
                enable: EVERYWHERE_FAMILIES.iter().map(|s| s.to_string()).collect(),
                disable: Vec::new(),
                severity: BTreeMap::new(),
            },
            RuleEntry {
                paths: AI_PATHS
                    .iter()
                    .filter_map(|p| PathGlob::new(p).ok())
                    .collect(),
                enable: AI_FAMILIES.iter().map(|s| s.to_string()).collect(),
                disable: Vec::new(),
                severity: BTreeMap::new(),
            },
        ]
    })
}

impl RuleEntry {
    /// Whether one of the entry's globs matches one of `paths`.
    pub fn applies_to(&self, paths: &[&str]) -> bool {
        self.paths
            .iter()
            .any(|g| paths.iter().any(|p| g.matches(p)) || (paths.is_empty() && g.matches("")))
    }

    /// `Some(true)` when the entry enables `code`, `Some(false)` when it disables it,
    /// `None` when it says nothing about it.
    fn decision(&self, code: &str) -> Option<bool> {
        let mut best: Option<(SelectorKind, bool)> = None;
        let on = self.enable.iter().map(|s| (s, true));
        let off = self.disable.iter().map(|s| (s, false));
        for (sel, value) in on.chain(off) {
            if !registry::selector_matches(sel, code) {
                continue;
            }
            let Some(kind) = registry::selector_kind(sel) else {
                continue;
            };
            // More specific wins; at equal specificity `disable` (seen last) wins.
            if best.is_none_or(|(k, _)| kind >= k) {
                best = Some((kind, value));
            }
        }
        best.map(|(_, v)| v)
    }

    /// The entry's severity for `code`, from its most specific matching key.
    fn severity_for(&self, code: &str) -> Option<Severity> {
        self.severity
            .iter()
            .filter(|(sel, _)| registry::selector_matches(sel, code))
            .filter_map(|(sel, level)| Some((registry::selector_kind(sel)?, *level)))
            .max_by_key(|(kind, _)| *kind)
            .map(|(_, level)| level)
    }
}

fn normalize_selector(s: &str) -> String {
    s.trim().to_ascii_uppercase()
}

/// A repository-relative path glob of `kiln.toml` (see the module documentation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathGlob {
    pattern: String,
    segments: Vec<String>,
}

impl PathGlob {
    /// Parses a glob. Errors: an empty glob, or `[`, `]`, `{`, `}` or `\`, which kiln's
    /// globs do not support.
    pub fn new(pattern: &str) -> Result<PathGlob, String> {
        if let Some(c) = pattern.chars().find(|c| "[]{}\\".contains(*c)) {
            return Err(format!(
                "glob {pattern:?}: `{c}` is not supported (only `*`, `?` and `**`)"
            ));
        }
        let segments: Vec<String> = split_path(pattern).map(str::to_string).collect();
        if segments.is_empty() {
            return Err(format!(
                "glob {pattern:?} is empty; use \"**\" for every path"
            ));
        }
        Ok(PathGlob {
            pattern: pattern.to_string(),
            segments,
        })
    }

    /// `**`.
    pub fn everywhere() -> PathGlob {
        PathGlob {
            pattern: "**".to_string(),
            segments: vec!["**".to_string()],
        }
    }

    /// The glob as written.
    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// Whether the glob matches `path` (repository-relative) or one of its parent
    /// directories.
    pub fn matches(&self, path: &str) -> bool {
        let parts: Vec<&str> = split_path(path).collect();
        (0..=parts.len()).any(|n| match_segments(&self.segments, &parts[..n]))
    }
}

/// The segments of a path or glob: `./` prefixes, leading and trailing `/` and empty
/// segments dropped.
fn split_path(p: &str) -> impl Iterator<Item = &str> {
    p.trim().split('/').filter(|s| !s.is_empty() && *s != ".")
}

/// Whether glob segments match path segments exactly (dynamic programming: no
/// exponential backtracking on `**`).
fn match_segments(glob: &[String], path: &[&str]) -> bool {
    let (g, p) = (glob.len(), path.len());
    // ok[i][j]: glob[i..] matches path[j..].
    let mut ok = vec![vec![false; p + 1]; g + 1];
    ok[g][p] = true;
    for i in (0..g).rev() {
        for j in (0..=p).rev() {
            ok[i][j] = if glob[i] == "**" {
                ok[i + 1][j] || (j < p && ok[i][j + 1])
            } else {
                j < p && match_segment(&glob[i], path[j]) && ok[i + 1][j + 1]
            };
        }
    }
    ok[0][0]
}

/// Wildcard match of one segment: `*` any run of characters, `?` one character.
fn match_segment(pattern: &str, text: &str) -> bool {
    let pat: Vec<char> = pattern.chars().collect();
    let txt: Vec<char> = text.chars().collect();
    let (m, n) = (pat.len(), txt.len());
    let mut ok = vec![vec![false; n + 1]; m + 1];
    ok[m][n] = true;
    for i in (0..m).rev() {
        for j in (0..=n).rev() {
            ok[i][j] = match pat[i] {
                '*' => ok[i + 1][j] || (j < n && ok[i][j + 1]),
                '?' => j < n && ok[i + 1][j + 1],
                c => j < n && txt[j] == c && ok[i + 1][j + 1],
            };
        }
    }
    ok[0][0]
}

/// 1-based line and column of the first occurrence of `selector` in `text` after the
/// `checks` table starts: quoted (`"GPU01"`, `'GPU01'`) or as a key (`GPU01 = `),
/// case-insensitively.
fn locate_selector(text: &str, selector: &str) -> Option<(usize, usize)> {
    let upper = text.to_ascii_uppercase();
    let start = upper.find("CHECKS").unwrap_or(0);
    let hay = &upper[start..];
    let mut at = None;
    for q in ['"', '\''] {
        let needle = format!("{q}{selector}{q}");
        if let Some(i) = hay.find(&needle) {
            at = Some(at.map_or(i + 1, |a: usize| a.min(i + 1)));
        }
    }
    if at.is_none() {
        let mut from = 0;
        while let Some(i) = hay[from..].find(selector) {
            let i = from + i;
            let before = hay[..i].chars().next_back();
            let after = hay[i + selector.len()..].trim_start_matches([' ', '\t']);
            if !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                && after.starts_with('=')
            {
                at = Some(i);
                break;
            }
            from = i + selector.len();
        }
    }
    let offset = start + at?;
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1;
    Some((line, column))
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glob(p: &str) -> PathGlob {
        PathGlob::new(p).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn globs() {
        let g = glob("charts/ai/**");
        assert!(g.matches("charts/ai/ollama/values.yaml"));
        assert!(g.matches("charts/ai/ollama"));
        assert!(g.matches("charts/ai"));
        assert!(!g.matches("charts/aix/ollama"));
        assert!(!g.matches("charts"));
        assert!(!g.matches(""));

        // A glob without wildcards covers the directory's files.
        let g = glob("./charts/legacy/");
        assert!(g.matches("charts/legacy/values.yaml"));
        assert!(g.matches("charts/legacy"));
        assert!(!g.matches("charts/legacy-2/values.yaml"));

        let g = glob("charts/*/values.yaml");
        assert!(g.matches("charts/a/values.yaml"));
        assert!(!g.matches("charts/a/b/values.yaml"));
        let g = glob("**/values-?.yaml");
        assert!(g.matches("values-a.yaml"));
        assert!(g.matches("clusters/home/values-b.yaml"));
        assert!(!g.matches("clusters/home/values-bb.yaml"));
        let g = glob("charts/**/templates");
        assert!(g.matches("charts/a/templates/x.yaml"));
        assert!(g.matches("charts/a/b/c/templates/x.yaml"));
        assert!(g.matches("charts/templates/x.yaml"));
        let g = glob("charts/*-gpu*");
        assert!(g.matches("charts/ollama-gpu/values.yaml"));
        assert!(g.matches("charts/x-gpu-2"));
        assert!(!g.matches("charts/gpu"));

        assert!(PathGlob::everywhere().matches(""));
        assert!(PathGlob::everywhere().matches("a/b/c"));

        assert!(PathGlob::new("").is_err());
        assert!(PathGlob::new("/").is_err());
        assert!(PathGlob::new("charts/{a,b}").is_err());
        assert!(PathGlob::new("charts/[ab]").is_err());
        // Pathological globs stay polynomial.
        let g = glob(&"**/".repeat(40));
        assert!(g.matches(&"a/".repeat(60)));
        let g = glob(&format!("{}b", "*a".repeat(30)));
        assert!(!g.matches(&"a".repeat(80)));
    }

    fn parse(text: &str) -> CheckConfig {
        CheckConfig::from_kiln_toml(text).unwrap_or_else(|e| panic!("{e}"))
    }

    const AI: &str = "charts/ai/ollama/values.yaml";
    const OTHER: &str = "charts/web/values.yaml";

    #[test]
    fn defaults() {
        let c = CheckConfig::default();
        let e = Severity::Error;
        assert_eq!(c.effective("SCH001", e, &[OTHER]), Some(e));
        assert_eq!(c.effective("SCH001", e, &[]), Some(e));
        assert_eq!(
            c.effective("KLN001", Severity::Info, &[OTHER]),
            Some(Severity::Info)
        );
        for fam in AI_FAMILIES {
            let code = format!("{fam}001");
            assert_eq!(c.effective(&code, e, &[AI]), Some(e), "{code}");
            assert_eq!(c.effective(&code, e, &[OTHER]), None, "{code}");
        }
        // Either of a finding's paths enables it: an override file outside the chart.
        assert_eq!(
            c.effective(
                "GPU001",
                e,
                &["clusters/home/ollama.yaml", "charts/ai/ollama"]
            ),
            Some(e)
        );
        // A family without a default is off.
        assert_eq!(c.effective("TST001", e, &[AI]), None);
        assert_eq!(c.fail_on, None);
        assert_eq!(c.settings, RuleSettings::default());
    }

    #[test]
    fn precedence() {
        let c = parse(
            r#"
repo-urls = ["x"]            # other tables are not ours

[checks]
fail-on = "warning"

[[checks.rules]]
paths = ["charts/legacy/**"]
enable = ["GPU", "sec"]
disable = ["SEC004"]
severity = { DOC001 = "info", GPU = "warning", GPU002 = "error" }

[[checks.rules]]
paths = ["charts/legacy/old/**"]
enable = ["SEC004"]
disable = ["GPU"]

[[checks.rules]]
disable = ["ALL"]
enable = ["SCH"]
paths = ["vendor"]

[[checks.rules]]
paths = ["charts/ai/**", "charts/gpu-*"]
severity = { ALL = "info", SCH001 = "warning" }

[checks.settings]
min-model-load-delay-seconds = 120
"#,
        );
        let (e, w, i) = (Severity::Error, Severity::Warning, Severity::Info);
        assert_eq!(c.fail_on, Some(w));
        assert_eq!(c.settings.min_model_load_delay_seconds, 120);
        assert_eq!(
            c.settings.min_inference_memory_bytes,
            RuleSettings::default().min_inference_memory_bytes
        );

        let legacy = "charts/legacy/values.yaml";
        // Enabled by entry 1, re-levelled by family.
        assert_eq!(c.effective("GPU001", e, &[legacy]), Some(w));
        // The code's severity beats the family's.
        assert_eq!(c.effective("GPU002", w, &[legacy]), Some(e));
        // `sec` is case-insensitive; the code in `disable` beats the family in `enable`.
        assert_eq!(c.effective("SEC001", e, &[legacy]), Some(e));
        assert_eq!(c.effective("SEC004", e, &[legacy]), None);
        // Severity never enables: DOC is off outside charts/ai.
        assert_eq!(c.effective("DOC001", e, &[legacy]), None);
        // A later entry overrides an earlier one.
        let old = "charts/legacy/old/values.yaml";
        assert_eq!(c.effective("SEC004", e, &[old]), Some(e));
        assert_eq!(c.effective("GPU001", e, &[old]), None);
        assert_eq!(c.effective("SEC001", e, &[old]), Some(e));
        // Family over ALL in one entry; a prefix glob without wildcards.
        assert_eq!(c.effective("SCH001", e, &["vendor/x.yaml"]), Some(e));
        assert_eq!(c.effective("KLN001", i, &["vendor/x.yaml"]), None);
        assert_eq!(c.effective("KLN001", i, &["vendor2/x.yaml"]), Some(i));
        // ALL re-levels, a code is more specific.
        assert_eq!(c.effective("GPU001", e, &[AI]), Some(i));
        assert_eq!(c.effective("SCH001", e, &[AI]), Some(w));
        assert_eq!(
            c.effective("SCH001", e, &["charts/gpu-x/values.yaml"]),
            Some(w)
        );
        assert_eq!(c.effective("SCH001", e, &[OTHER]), Some(e));
    }

    #[test]
    fn equal_specificity_disable_wins() {
        let c = parse("[[checks.rules]]\nenable = [\"GPU\"]\ndisable = [\"GPU\"]\n");
        assert_eq!(c.effective("GPU001", Severity::Error, &[AI]), None);
    }

    #[test]
    fn errors() {
        let err = |t: &str| CheckConfig::from_kiln_toml(t).err().map(|e| e.to_string());
        let e = err("[checks]\nfail_on = \"error\"\n").unwrap_or_default();
        assert!(e.contains("unknown field `fail_on`"), "{e}");
        assert!(e.contains("line 2"), "{e}");
        assert_eq!(
            err("[checks]\nfail-on = \"fatal\"\n").as_deref(),
            Some("[checks]: fail-on: expected \"error\", \"warning\" or \"info\", got \"fatal\"")
        );
        assert_eq!(
            err("[[checks.rules]]\n[[checks.rules]]\nseverity = { GPU = \"loud\" }\n").as_deref(),
            Some("[[checks.rules]] #2: severity.GPU: expected \"error\", \"warning\" or \"info\", got \"loud\"")
        );
        assert_eq!(
            err("[[checks.rules]]\npaths = []\n").as_deref(),
            Some("[[checks.rules]] #1: paths is empty; omit it to mean every path")
        );
        assert_eq!(
            err("[[checks.rules]]\npaths = [\"charts/{a,b}\"]\n").as_deref(),
            Some("[[checks.rules]] #1: glob \"charts/{a,b}\": `{` is not supported (only `*`, `?` and `**`)")
        );
        let e = err("[[checks.rules]]\nenabled = [\"GPU\"]\n").unwrap_or_default();
        assert!(e.contains("unknown field `enabled`"), "{e}");
        let e = err("[checks.settings]\nmax-response-time = 1\n").unwrap_or_default();
        assert!(e.contains("unknown field `max-response-time`"), "{e}");
        assert!(err("[checks\n").is_some());
        // No [checks] at all: the defaults.
        assert!(err("name = \"x\"\n").is_none());
    }

    #[test]
    fn from_table() {
        let table: toml::Table =
            toml::from_str("fail-on = \"info\"\n[[rules]]\ndisable = [\"KLN\"]\n")
                .unwrap_or_default();
        let c = CheckConfig::from_toml_table(&table).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.fail_on, Some(Severity::Info));
        assert_eq!(c.effective("KLN001", Severity::Info, &[OTHER]), None);
        let table: toml::Table = toml::from_str("fail = 1\n").unwrap_or_default();
        let e = CheckConfig::from_toml_table(&table)
            .err()
            .map(|e| e.to_string());
        assert!(e.is_some_and(|e| e.starts_with("[checks]: unknown field `fail`")));
    }

    struct Dummy;
    impl crate::rule::Rule for Dummy {
        fn infos(&self) -> &'static [crate::rule::RuleInfo] {
            &[crate::rule::RuleInfo {
                code: "GPU001",
                name: "x",
                default_severity: Severity::Error,
                summary: "x",
                docs: "x",
            }]
        }
        fn check(&self, _: &crate::input::CheckInput, _: &mut Vec<Diagnostic>) {}
    }

    #[test]
    fn unknown_selectors() {
        let text = "name = \"GPU01\"\n\n[checks]\n[[checks.rules]]\nenable = [\"GPU\", 'GPU01']\ndisable = [\"XYZ\", \"ALL\"]\nseverity = { gpu002 = \"info\", KLN001 = \"error\" }\n";
        let c = parse(text);
        let registry = Registry::new(&[Box::new(Dummy) as Box<dyn crate::rule::Rule>]);
        let found: Vec<String> = c
            .validate(&registry)
            .iter()
            .map(|d| {
                format!(
                    "{} {} {} | {}",
                    d.code,
                    d.span.as_ref().map_or("-".to_string(), |s| s.to_string()),
                    d.message,
                    d.help.as_deref().unwrap_or("")
                )
            })
            .collect();
        let help = "`kiln explain FAMILY` lists a family's codes; a selector is a code (`GPU001`), a family (`GPU`) or `ALL`";
        assert_eq!(
            found,
            [
                format!("KLN003 kiln.toml:5:19 unknown rule code `GPU01` in `enable` of [[checks.rules]] #1 | did you mean `GPU001`? {help}"),
                format!("KLN003 kiln.toml:6:13 unknown rule family `XYZ` in `disable` of [[checks.rules]] #1 | {help}"),
                format!("KLN003 kiln.toml:7:14 unknown rule code `GPU002` in `severity` of [[checks.rules]] #1 | did you mean `GPU001`? {help}"),
            ]
        );
        // Without the text: no span.
        let table: toml::Table =
            toml::from_str("[[rules]]\nenable = [\"NOPE\"]\n").unwrap_or_default();
        let c = CheckConfig::from_toml_table(&table).unwrap_or_default();
        let d = c.validate(&registry);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].span, None);
    }
}
