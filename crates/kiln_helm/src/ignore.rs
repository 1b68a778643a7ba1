//! `.helmignore` rules, following Helm's `pkg/ignore/rules.go`: one `filepath.Match`
//! pattern per line, `!` negates, a trailing `/` matches directories only, a leading `/`
//! anchors at the chart root, patterns without `/` match the base name, `**` is refused.

use crate::glob::filepath_match;

#[derive(Debug, Clone)]
struct Pattern {
    rule: String,
    negate: bool,
    must_dir: bool,
    kind: MatchKind,
}

#[derive(Debug, Clone, Copy)]
enum MatchKind {
    /// `/rule`: the whole path, from the chart root.
    Anchored,
    /// `a/rule`: the whole path.
    Path,
    /// `rule`: the base name.
    Base,
}

/// A parsed `.helmignore`.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    patterns: Vec<Pattern>,
}

impl Rules {
    /// No rules.
    pub fn empty() -> Rules {
        Rules::default()
    }

    /// Parses `.helmignore` text; errors carry Helm's message.
    pub fn parse(text: &str) -> Result<Rules, String> {
        let mut r = Rules::default();
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for line in text.lines() {
            r.parse_rule(line)?;
        }
        Ok(r)
    }

    /// Adds Helm's default rule: hidden files under `templates/`.
    pub fn add_defaults(&mut self) {
        let _ = self.parse_rule("templates/.?*");
    }

    fn parse_rule(&mut self, rule: &str) -> Result<(), String> {
        let rule = rule.trim();
        if rule.is_empty() || rule.starts_with('#') {
            return Ok(());
        }
        if rule.contains("**") {
            return Err("double-star (**) syntax is not supported".into());
        }
        if filepath_match(rule, "abc").is_err() {
            return Err("syntax error in pattern".into());
        }
        let mut rule = rule.to_string();
        let negate = rule.starts_with('!');
        if negate {
            rule.remove(0);
        }
        let must_dir = rule.ends_with('/');
        if must_dir {
            rule.pop();
        }
        let kind = if let Some(r) = rule.strip_prefix('/') {
            rule = r.to_string();
            MatchKind::Anchored
        } else if rule.contains('/') {
            MatchKind::Path
        } else {
            MatchKind::Base
        };
        self.patterns.push(Pattern {
            rule,
            negate,
            must_dir,
            kind,
        });
        Ok(())
    }

    /// Whether `path` (slash-separated, relative to the chart root) is ignored.
    pub fn ignore(&self, path: &str, is_dir: bool) -> bool {
        if path.is_empty() || path == "." || path == "./" {
            return false;
        }
        for p in &self.patterns {
            let matched = || {
                let name = match p.kind {
                    MatchKind::Anchored | MatchKind::Path => path,
                    MatchKind::Base => path.rsplit('/').next().unwrap_or(path),
                };
                filepath_match(&p.rule, name).unwrap_or(false)
            };
            if p.negate {
                if p.must_dir && !is_dir {
                    return true;
                }
                if !matched() {
                    return true;
                }
                continue;
            }
            if p.must_dir && !is_dir {
                continue;
            }
            if matched() {
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        let mut r = Rules::parse("# comment\n*.tgz\n.git/\n/ci\n").unwrap();
        r.add_defaults();
        assert!(r.ignore("charts/x.tgz", false));
        assert!(r.ignore(".git", true));
        assert!(!r.ignore(".git", false));
        assert!(r.ignore("ci", true));
        assert!(!r.ignore("sub/ci", true));
        assert!(r.ignore("templates/.hidden.yaml", false));
        assert!(!r.ignore("templates/a.yaml", false));
        assert!(Rules::parse("a/**").is_err());
    }
}
