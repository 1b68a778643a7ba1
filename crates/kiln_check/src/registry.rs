//! The registry of rule codes: every rule set kiln runs ([`all_rules`]), kiln's own
//! meta codes ([`META_RULES`], family `KLN`), lookup by code and family, and the page
//! `kiln explain CODE` prints ([`Registry::explain`]).
//!
//! Adding a rule set is one line in [`all_rules`]; its codes then appear in
//! `kiln explain`, in SARIF's `tool.driver.rules`, and become valid selectors in
//! `kiln.toml` and in suppressions.

use std::collections::BTreeMap;

use crate::diagnostic::Severity;
use crate::rule::{Rule, RuleInfo};

/// Every rule set kiln runs, in a fixed order. One line per set.
pub fn all_rules() -> Vec<Box<dyn Rule>> {
    let mut sets: Vec<Box<dyn Rule>> = Vec::new();
    sets.push(Box::new(crate::schema::SchemaRules::default()));
    sets.extend(crate::rules::ai_rules());
    sets
}

/// The family of kiln's own codes.
pub const META_FAMILY: &str = "KLN";

/// `KLN001`: a chart no cluster deploys (checked with its default values).
pub const KLN001: &str = "KLN001";
/// `KLN002`: a suppression without a reason, with an unknown code, or malformed.
pub const KLN002: &str = "KLN002";
/// `KLN003`: an unknown rule code or family in `kiln.toml`'s `[checks]`.
pub const KLN003: &str = "KLN003";
/// `KLN004`: a rule failed (panicked) while running; its findings may be missing.
pub const KLN004: &str = "KLN004";
/// `KLN005`: an Application, ApplicationSet or chart could not be rendered, so nothing
/// of it was checked.
pub const KLN005: &str = "KLN005";
/// `KLN006`: the committed rendered tree (`kiln check --rendered`) is not what the
/// sources give.
pub const KLN006: &str = "KLN006";

/// kiln's own codes, reported by the runner, suppression and configuration handling
/// rather than by a rule set. Always part of a [`Registry`].
pub const META_RULES: &[RuleInfo] = &[
    RuleInfo {
        code: KLN001,
        name: "chart-not-deployed",
        default_severity: Severity::Info,
        summary: "A chart under `charts/` is not deployed by any cluster",
        docs: "\
## What it does
Reports a chart directory that no Application of any cluster renders. kiln still checks
such a chart, with its default values (`values.yaml` only), so that it does not rot
unnoticed; every finding about it comes from that default rendering.

## Why does it matter?
A chart nobody deploys is either dead code or a chart someone forgot to wire into a
cluster. Its default values may also differ from what a cluster would set, so findings
about it may not apply once it is deployed.

## How to fix it
Deploy it from a cluster (an Application or ApplicationSet that points at it), or
delete it. To keep an undeployed chart on purpose (a library or a template for new
charts), disable the code for its path in `kiln.toml`:

```toml
[[checks.rules]]
paths = [\"charts/templates/**\"]
disable = [\"KLN001\"]
```
",
    },
    RuleInfo {
        code: KLN002,
        name: "invalid-suppression",
        default_severity: Severity::Warning,
        summary: "A suppression has no reason, names an unknown code, or cannot be parsed",
        docs: "\
## What it does
Checks every suppression: the `kiln.dev/ignore` annotation of a rendered object and the
`# kiln:ignore` comments of values files. A suppression must name known codes (or
families) and give a reason.

## Why does it matter?
A suppression without a reason cannot be reviewed later: nobody knows whether the
finding was a false positive or a shortcut. A suppression with an unknown code (a typo,
or a code that was renamed) suppresses nothing. A suppression without a reason is
**ignored**: the finding it names is still reported.

## How to fix it
Give known codes and a reason.

On an object (annotation; entries separated by `,`, `;` or new lines):

```yaml
metadata:
  annotations:
    kiln.dev/ignore: \"GPU001: CI runs the model on CPU, SEC004 SEC005: nvidia-smi needs root\"
```

On a values key (a comment at the end of the key's line, or on the line(s) just above):

```yaml
# kiln:ignore RES002 -- the node has 512Gi; the limit is deliberate
memory: 200Gi
```
",
    },
    RuleInfo {
        code: KLN003,
        name: "unknown-rule-selector",
        default_severity: Severity::Error,
        summary: "`kiln.toml` names a rule code or family that does not exist",
        docs: "\
## What it does
Checks the codes and families listed in `enable`, `disable` and `severity` of every
`[[checks.rules]]` entry of `kiln.toml` against the rules kiln knows.

## Why does it matter?
An unknown selector is almost always a typo (`GPU01`, `SCH`→`SHC`) or a code that no
longer exists: the entry silently does nothing, and the rule it meant to change keeps
its defaults.

## How to fix it
Use a code listed by `kiln explain`, or a family (the code's letters: `GPU`, `SCH`), or
`ALL`.

```toml
[[checks.rules]]
paths = [\"charts/legacy/**\"]
disable = [\"SEC004\"]          # not \"SEC04\"
```
",
    },
    RuleInfo {
        code: KLN004,
        name: "rule-failed",
        default_severity: Severity::Error,
        summary: "A rule failed while running; its findings may be missing",
        docs: "\
## What it does
Reports a rule that stopped with an internal error (a panic) while checking the
repository. The other rules still run; the failed rule's findings may be incomplete.

## Why does it matter?
The run did not check everything it should have: a clean result is not a clean bill of
health.

## How to fix it
This is a bug in kiln: please report it with the message, which names the rule's codes
and the error. Meanwhile the rule's codes can be disabled in `kiln.toml` for the paths
that trigger it.
",
    },
    RuleInfo {
        code: KLN005,
        name: "render-failed",
        default_severity: Severity::Error,
        summary: "An Application, ApplicationSet or chart could not be rendered",
        docs: "\
## What it does
Reports an Application whose sources fail to render (a Helm template error, a missing
value file or dependency, an invalid `values.schema.json` input), an ApplicationSet that
fails to expand, or a chart under `charts/` that no cluster deploys and that fails to
render with its default values. The message is Helm's or Argo CD's own error; the span
points at the template line or file it names.

## Why does it matter?
Argo CD would fail to sync the same Application (or generate no Applications from the
ApplicationSet), and none of its objects could be checked.

## How to fix it
Fix the error the message names. `kiln template CHART -f VALUES` renders one chart alone
and shows the failing template line with context.

## Example
```
error[KLN005]: home/litellm: rendering failed: template: litellm/templates/service.yaml:21:
  executing \"litellm/templates/service.yaml\" at <.Values.service.port>: nil pointer
```
",
    },
    RuleInfo {
        code: KLN006,
        name: "rendered-out-of-date",
        default_severity: Severity::Error,
        summary: "The committed rendered tree differs from what the sources give",
        docs: "\
## What it does
With `kiln check --rendered REF|DIR`, compares the rendered tree committed for Argo CD
(a rendered branch written by `kiln compile --branch`, or a directory written by
`kiln compile --out`) with what the sources render now, and reports every Application
whose manifests were added, removed or changed since.

## Why does it matter?
Argo CD deploys the rendered tree, not the sources: a change to a chart or values that
was not re-rendered is not deployed, and the next re-render deploys it by surprise.

## How to fix it
Re-render and commit: `kiln compile --branch NAME` (or `kiln compile --out DIR` and
commit the directory). The `kiln-compile` pre-commit hook does it on every commit.

## Example
```
error[KLN006]: home/ollama: changed in the rendered tree rendered (home/ollama/manifest.yaml)
```
",
    },
];

/// The rule codes a run knows: the meta codes plus the codes of every rule set given,
/// sorted by code.
#[derive(Clone, Debug)]
pub struct Registry {
    rules: Vec<RuleInfo>,
}

impl Registry {
    /// The registry of `rules` plus [`META_RULES`]. When two sets declare the same code,
    /// the first declaration is kept.
    pub fn new(rules: &[Box<dyn Rule>]) -> Registry {
        let mut by_code: BTreeMap<&'static str, RuleInfo> = BTreeMap::new();
        let declared = META_RULES
            .iter()
            .chain(rules.iter().flat_map(|r| r.infos().iter()));
        for info in declared {
            by_code.entry(info.code).or_insert(*info);
        }
        Registry {
            rules: by_code.into_values().collect(),
        }
    }

    /// The registry of every rule kiln runs ([`all_rules`]).
    pub fn builtin() -> Registry {
        Registry::new(&all_rules())
    }

    /// Every rule, sorted by code.
    pub fn rules(&self) -> &[RuleInfo] {
        &self.rules
    }

    /// The rule with `code` (exact, upper case).
    pub fn get(&self, code: &str) -> Option<&RuleInfo> {
        self.rules
            .binary_search_by(|r| r.code.cmp(code))
            .ok()
            .map(|i| &self.rules[i])
    }

    /// The index of `code` in [`Registry::rules`] (SARIF's `ruleIndex`).
    pub fn index_of(&self, code: &str) -> Option<usize> {
        self.rules.binary_search_by(|r| r.code.cmp(code)).ok()
    }

    /// The rules of `family` (`GPU`), sorted by code.
    pub fn family(&self, family: &str) -> Vec<&RuleInfo> {
        self.rules
            .iter()
            .filter(|r| family_of(r.code) == family)
            .collect()
    }

    /// Every family with at least one rule, sorted.
    pub fn families(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = self.rules.iter().map(|r| family_of(r.code)).collect();
        out.dedup();
        out
    }

    /// Whether `selector` names something: `ALL`, a family with rules, or a code.
    pub fn is_known_selector(&self, selector: &str) -> bool {
        match selector_kind(selector) {
            Some(SelectorKind::All) => true,
            Some(SelectorKind::Family) => self.rules.iter().any(|r| family_of(r.code) == selector),
            Some(SelectorKind::Code) => self.get(selector).is_some(),
            None => false,
        }
    }

    /// The known code or family closest to `selector` (edit distance at most 2), for
    /// "did you mean" hints.
    pub fn nearest(&self, selector: &str) -> Option<&'static str> {
        let codes = self.rules.iter().map(|r| r.code);
        codes
            .chain(self.families())
            .map(|c| (edit_distance(c, selector), c))
            .filter(|(d, _)| *d <= 2)
            .min()
            .map(|(_, c)| c)
    }

    /// The documentation page of `code` (case-insensitive), as `kiln explain` prints it:
    ///
    /// ```text
    /// # GPU001 gpu-in-requests
    ///
    /// <summary>
    ///
    /// Default severity: error
    ///
    /// <docs markdown>
    /// ```
    ///
    /// For a family (`GPU`) the page lists its codes; `None` when nothing matches.
    pub fn explain(&self, code: &str) -> Option<String> {
        let code = code.trim().to_ascii_uppercase();
        if let Some(r) = self.get(&code) {
            let mut out = format!(
                "# {} {}\n\n{}\n\nDefault severity: {}\n",
                r.code, r.name, r.summary, r.default_severity
            );
            let docs = r.docs.trim();
            if !docs.is_empty() {
                out.push('\n');
                out.push_str(docs);
                out.push('\n');
            }
            return Some(out);
        }
        let rules = self.family(&code);
        if rules.is_empty() {
            return None;
        }
        let mut out = format!("# {code}\n\n");
        for r in rules {
            out.push_str(&format!(
                "- `{}` {} ({}): {}\n",
                r.code, r.name, r.default_severity, r.summary
            ));
        }
        Some(out)
    }
}

/// The documentation page of `code` among every rule kiln runs (see
/// [`Registry::explain`]).
pub fn explain(code: &str) -> Option<String> {
    Registry::builtin().explain(code)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let subst = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = subst.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The family prefix of a code: its leading letters (`GPU` of `GPU001`).
pub fn family_of(code: &str) -> &str {
    let end = code
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(code.len());
    &code[..end]
}

/// What a selector (in `kiln.toml` or a suppression) names, by its shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SelectorKind {
    /// `ALL`: every code.
    All,
    /// Upper-case letters only (`GPU`): every code of the family.
    Family,
    /// Upper-case letters then digits (`GPU001`): one code.
    Code,
}

/// The kind of `selector` by its shape, or `None` when it is neither `ALL`, a family
/// (`[A-Z]+`) nor a code (`[A-Z]+[0-9]+`). Whether it exists is
/// [`Registry::is_known_selector`]'s question.
pub fn selector_kind(selector: &str) -> Option<SelectorKind> {
    if selector == "ALL" {
        return Some(SelectorKind::All);
    }
    let letters = family_of(selector);
    let digits = &selector[letters.len()..];
    if letters.is_empty() || !letters.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    if digits.is_empty() {
        Some(SelectorKind::Family)
    } else if digits.bytes().all(|b| b.is_ascii_digit()) {
        Some(SelectorKind::Code)
    } else {
        None
    }
}

/// Whether `selector` (`ALL`, a family or a code) covers `code`.
pub fn selector_matches(selector: &str, code: &str) -> bool {
    match selector_kind(selector) {
        Some(SelectorKind::All) => true,
        Some(SelectorKind::Family) => family_of(code) == selector,
        Some(SelectorKind::Code) => code == selector,
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Diagnostic;
    use crate::input::CheckInput;

    struct Dummy;

    const DUMMY: &[RuleInfo] = &[
        RuleInfo {
            code: "TST002",
            name: "second",
            default_severity: Severity::Warning,
            summary: "The second test rule",
            docs: "Second.",
        },
        RuleInfo {
            code: "TST001",
            name: "first",
            default_severity: Severity::Error,
            summary: "The first test rule",
            docs: "## What it does\nNothing.\n",
        },
        // A duplicate of a meta code: the meta declaration wins.
        RuleInfo {
            code: "KLN001",
            name: "impostor",
            default_severity: Severity::Error,
            summary: "",
            docs: "",
        },
    ];

    impl Rule for Dummy {
        fn infos(&self) -> &'static [RuleInfo] {
            DUMMY
        }
        fn check(&self, _: &CheckInput, _: &mut Vec<Diagnostic>) {}
    }

    fn registry() -> Registry {
        Registry::new(&[Box::new(Dummy) as Box<dyn Rule>])
    }

    #[test]
    fn lookup_and_families() {
        let r = registry();
        let codes: Vec<_> = r.rules().iter().map(|r| r.code).collect();
        assert_eq!(
            codes,
            ["KLN001", "KLN002", "KLN003", "KLN004", "KLN005", "KLN006", "TST001", "TST002"]
        );
        assert_eq!(r.get("KLN001").map(|r| r.name), Some("chart-not-deployed"));
        assert_eq!(r.index_of("TST001"), Some(6));
        assert!(r.get("TST003").is_none());
        assert_eq!(r.families(), ["KLN", "TST"]);
        assert_eq!(r.family("TST").len(), 2);
        assert!(r.is_known_selector("ALL"));
        assert!(r.is_known_selector("TST"));
        assert!(r.is_known_selector("TST002"));
        assert!(!r.is_known_selector("TST003"));
        assert!(!r.is_known_selector("GPU"));
        assert!(!r.is_known_selector("tst001"));
        assert!(!r.is_known_selector(""));
    }

    #[test]
    fn selector_shapes() {
        assert_eq!(selector_kind("ALL"), Some(SelectorKind::All));
        assert_eq!(selector_kind("GPU"), Some(SelectorKind::Family));
        assert_eq!(selector_kind("GPU001"), Some(SelectorKind::Code));
        assert_eq!(selector_kind("GPU0A1"), None);
        assert_eq!(selector_kind("gpu001"), None);
        assert_eq!(selector_kind("001"), None);
        assert_eq!(selector_kind(""), None);
        assert_eq!(selector_kind("GPÜ"), None);
        assert!(selector_matches("GPU", "GPU001"));
        assert!(!selector_matches("GP", "GPU001"));
        assert!(selector_matches("GPU001", "GPU001"));
        assert!(!selector_matches("GPU00", "GPU001"));
        assert!(selector_matches("ALL", "SCH001"));
    }

    #[test]
    fn explain_code() {
        let r = registry();
        assert_eq!(
            r.explain("tst001").as_deref(),
            Some(
                "# TST001 first\n\nThe first test rule\n\nDefault severity: error\n\n## What it does\nNothing.\n"
            )
        );
        let page = r.explain("KLN002").unwrap_or_default();
        assert!(page.starts_with("# KLN002 invalid-suppression\n\nA suppression has no reason"));
        assert!(page.contains("Default severity: warning\n"));
        assert!(page.contains("kiln.dev/ignore"));
        assert_eq!(r.explain("NOPE001"), None);
    }

    #[test]
    fn explain_family() {
        assert_eq!(
            registry().explain("TST").as_deref(),
            Some(
                "# TST\n\n- `TST001` first (error): The first test rule\n- `TST002` second (warning): The second test rule\n"
            )
        );
    }

    /// Every registered code is well formed, documented, unique across sets, and its
    /// family has a default in the configuration.
    #[test]
    fn builtin_rules_are_well_formed() {
        let sets = all_rules();
        let mut seen = std::collections::BTreeSet::new();
        for info in META_RULES
            .iter()
            .chain(sets.iter().flat_map(|s| s.infos().iter()))
        {
            assert_eq!(
                selector_kind(info.code),
                Some(SelectorKind::Code),
                "{}",
                info.code
            );
            assert!(seen.insert(info.code), "{} declared twice", info.code);
            assert!(!info.name.is_empty(), "{} has no name", info.code);
            assert!(!info.summary.is_empty(), "{} has no summary", info.code);
            assert!(!info.docs.trim().is_empty(), "{} has no docs", info.code);
            assert!(
                crate::config::has_default(family_of(info.code)),
                "family of {} has no default in config.rs",
                info.code
            );
        }
    }
}
