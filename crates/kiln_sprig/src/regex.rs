//! Sprig's regular-expression functions (`regex.go`) with Go's `regexp` semantics.
//!
//! Patterns are parsed by a port of Go's `regexp/syntax` ([`syntax`]), which accepts and
//! rejects exactly what Go does (with Go's error texts) and translates the pattern for the
//! `regex` crate; both engines use leftmost-first (Perl) matching over UTF-8. Iteration
//! (`FindAll`, `ReplaceAll`, `Split`) and `$` expansion are ports of Go's code, not the
//! `regex` crate's, because empty matches and `$name` parsing differ.
//!
//! | function | Go signature | semantics from |
//! | --- | --- | --- |
//! | `regexMatch` | `func(regex, s string) bool` | `regexp.MatchString`, false on a bad pattern |
//! | `mustRegexMatch` | `func(regex, s string) (bool, error)` | the same, returning the error |
//! | `regexFindAll` | `func(regex, s string, n int) []string` | `MustCompile(regex).FindAllString(s, n)` |
//! | `mustRegexFindAll` | `func(regex, s string, n int) ([]string, error)` | `Compile` + `FindAllString` |
//! | `regexFind`, `mustRegexFind` | `func(regex, s string) string` / `(string, error)` | `FindString` |
//! | `regexReplaceAll`, `mustRegexReplaceAll` | `func(regex, s, repl string) string` / `(string, error)` | `ReplaceAllString` (`$1`, `${name}`, `$$`) |
//! | `regexReplaceAllLiteral`, `mustRegexReplaceAllLiteral` | as above | `ReplaceAllLiteralString` |
//! | `regexSplit`, `mustRegexSplit` | `func(regex, s string, n int) []string` / `([]string, error)` | `Split` |
//! | `regexQuoteMeta` | `func(s string) string` | `regexp.QuoteMeta` |
//!
//! The non-`must` functions other than `regexMatch` panic in Go on a bad pattern
//! (`regexp: Compile(…): error parsing regexp: …`); here they return that text as the
//! error, which the engine reports as Go reports the panic.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use kiln_gotmpl::{FuncMap, GoError, Ty, Value};

use crate::strings::args::{int, ok_str, string};
use crate::strings::gostd::{too_large, MAX_OUTPUT};
use crate::strings::unicode;

mod syntax;

/// A compiled Go regular expression.
pub(crate) struct Regexp {
    re: regex::Regex,
    /// `SubexpNames()`: the name of each group, `None` for unnamed ones and group 0.
    names: Vec<Option<String>>,
}

const CACHE_LIMIT: usize = 512;

/// Compiled patterns (or their errors) by source text.
type Cache = Mutex<HashMap<String, Result<Arc<Regexp>, String>>>;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

fn build(expr: &str) -> Result<Arc<Regexp>, String> {
    let t = syntax::translate(expr)?;
    let pattern = t.pattern;
    let compile = move || {
        regex::RegexBuilder::new(&pattern)
            .size_limit(64 << 20)
            .nest_limit(4000)
            .build()
    };
    // The regex crate compiles recursively; Go allows nesting 1000 deep, which needs more
    // stack than a thread may have. Deep patterns are compiled on a thread of their own.
    let built = if t.height > 40 {
        std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn(compile)
            .map_err(|_| syntax::too_large(expr))?
            .join()
            .map_err(|_| syntax::too_large(expr))?
    } else {
        compile()
    };
    let re = built.map_err(|_| syntax::too_large(expr))?;
    Ok(Arc::new(Regexp { re, names: t.names }))
}

/// `regexp.Compile(expr)`; `Err` holds Go's error text. Compiled patterns are cached.
pub(crate) fn compile(expr: &str) -> Result<Arc<Regexp>, String> {
    if let Ok(c) = cache().lock() {
        if let Some(r) = c.get(expr) {
            return r.clone();
        }
    }
    let r = build(expr);
    if let Ok(mut c) = cache().lock() {
        if c.len() >= CACHE_LIMIT {
            c.clear();
        }
        c.insert(expr.to_string(), r.clone());
    }
    r
}

/// Go's `strconv.CanBackquote`.
fn can_backquote(s: &str) -> bool {
    s.chars()
        .all(|c| c != '`' && c != '\u{7f}' && c != '\u{feff}' && (c >= ' ' || c == '\t'))
}

/// `regexp.MustCompile(expr)`, its panic as an error.
fn must_compile(expr: &str) -> Result<Arc<Regexp>, GoError> {
    compile(expr).map_err(|e| {
        let quoted = if can_backquote(expr) {
            format!("`{expr}`")
        } else {
            kiln_gotmpl::fmt::sprintf("%q", &[Value::str(expr)])
        };
        GoError::new(format!("regexp: Compile({quoted}): {e}"))
    })
}

/// Go's `allMatches`: successive non-overlapping matches (at most `n`; all if `n < 0`),
/// ignoring an empty match right after the previous match.
fn all_matches(re: &regex::Regex, s: &str, n: i64) -> Vec<(usize, usize)> {
    let n = if n < 0 { s.len() as u64 + 1 } else { n as u64 };
    let mut out = Vec::new();
    let end = s.len();
    let mut pos = 0usize;
    let mut prev_end: Option<usize> = None;
    while (out.len() as u64) < n && pos <= end {
        let Some(m) = re.find_at(s, pos) else { break };
        let mut accept = true;
        if m.end() == pos {
            // An empty match.
            if Some(m.start()) == prev_end {
                accept = false;
            }
            pos += s[pos..].chars().next().map_or(1, char::len_utf8);
        } else {
            pos = m.end();
        }
        prev_end = Some(m.end());
        if accept {
            out.push((m.start(), m.end()));
        }
    }
    out
}

/// Go's `extract`: the group reference after a `$` (`name`, `{name}`); the name, its
/// number (-1 if not a plain decimal), and the rest.
fn extract(t: &str) -> Option<(&str, i64, &str)> {
    let (brace, body) = match t.strip_prefix('{') {
        Some(b) => (true, b),
        None => (false, t),
    };
    let len: usize = body
        .chars()
        .take_while(|&c| unicode::is_letter(c) || unicode::is_digit(c) || c == '_')
        .map(char::len_utf8)
        .sum();
    if len == 0 {
        return None;
    }
    let name = &body[..len];
    let mut rest = &body[len..];
    if brace {
        rest = rest.strip_prefix('}')?;
    }
    let mut num: i64 = 0;
    for b in name.bytes() {
        if !b.is_ascii_digit() || num >= 100_000_000 {
            num = -1;
            break;
        }
        num = num * 10 + i64::from(b - b'0');
    }
    if name.len() > 1 && name.starts_with('0') {
        num = -1;
    }
    Some((name, num, rest))
}

/// Go's `Regexp.expand`: appends `template` with `$n`, `${n}`, `$name`, `${name}`
/// replaced by the groups of `caps`, and `$$` by `$`.
fn expand(re: &Regexp, out: &mut String, template: &str, src: &str, caps: &regex::Captures<'_>) {
    let mut t = template;
    while let Some(i) = t.find('$') {
        out.push_str(&t[..i]);
        t = &t[i + 1..];
        if let Some(rest) = t.strip_prefix('$') {
            out.push('$');
            t = rest;
            continue;
        }
        let Some((name, num, rest)) = extract(t) else {
            out.push('$');
            continue;
        };
        t = rest;
        let group = if num >= 0 {
            usize::try_from(num).ok()
        } else {
            re.names.iter().position(|n| n.as_deref() == Some(name))
        };
        if let Some(m) = group.and_then(|g| caps.get(g)) {
            out.push_str(&src[m.start()..m.end()]);
        }
    }
    out.push_str(t);
}

/// Go's `replaceAll`: every match replaced (`repl` expanded unless `literal`); an empty
/// match right after a match is not replaced.
fn replace_all(re: &Regexp, src: &str, repl: &str, literal: bool) -> Result<String, GoError> {
    let mut out = String::with_capacity(src.len());
    let mut last_end = 0usize;
    let mut search = 0usize;
    let expand_groups = !literal && repl.contains('$');
    while search <= src.len() {
        let caps = if expand_groups {
            re.re.captures_at(src, search)
        } else {
            None
        };
        let (a0, a1) = match (&caps, expand_groups) {
            (Some(c), _) => match c.get(0) {
                Some(m) => (m.start(), m.end()),
                None => break,
            },
            (None, true) => break,
            (None, false) => match re.re.find_at(src, search) {
                Some(m) => (m.start(), m.end()),
                None => break,
            },
        };
        out.push_str(&src[last_end..a0]);
        if a1 > last_end || a0 == 0 {
            match &caps {
                Some(c) => expand(re, &mut out, repl, src, c),
                None => out.push_str(repl),
            }
        }
        if out.len() > MAX_OUTPUT {
            return Err(too_large("regexp replacement", out.len() as u128));
        }
        last_end = a1;
        let width = src[search..].chars().next().map_or(0, char::len_utf8);
        if search + width > a1 {
            search += width;
        } else if search + 1 > a1 {
            search += 1;
        } else {
            search = a1;
        }
    }
    out.push_str(&src[last_end..]);
    Ok(out)
}

/// Go's `Regexp.Split(s, n)`.
fn split(re: &Regexp, expr: &str, s: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    if !expr.is_empty() && s.is_empty() {
        return vec![String::new()];
    }
    let matches = all_matches(&re.re, s, n);
    let mut out = Vec::with_capacity(matches.len() + 1);
    let (mut beg, mut end) = (0usize, 0usize);
    for (m0, m1) in matches {
        if n > 0 && out.len() as i64 == n - 1 {
            break;
        }
        end = m0;
        if m1 != 0 {
            out.push(s[beg..end].to_string());
        }
        beg = m1;
    }
    if end != s.len() {
        out.push(s[beg..].to_string());
    }
    out
}

/// `regexp.QuoteMeta`.
fn quote_meta(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn find_all(re: &Regexp, s: &str, n: i64) -> Value {
    Value::string_list(all_matches(&re.re, s, n).into_iter().map(|(a, b)| &s[a..b]))
}

fn find(re: &Regexp, s: &str) -> String {
    re.re
        .find(s)
        .map_or_else(String::new, |m| m.as_str().to_string())
}

pub(crate) fn register(funcs: &mut FuncMap) {
    use Ty::{Int, String as S};

    funcs.add_pure("regexMatch", &[S, S], None, |a| {
        let (rx, s) = (string(a, 0)?, string(a, 1)?);
        Ok(Value::Bool(compile(rx).is_ok_and(|re| re.re.is_match(s))))
    });
    funcs.add_pure("mustRegexMatch", &[S, S], None, |a| {
        let (rx, s) = (string(a, 0)?, string(a, 1)?);
        let re = compile(rx).map_err(GoError::new)?;
        Ok(Value::Bool(re.re.is_match(s)))
    });
    funcs.add_pure("regexFindAll", &[S, S, Int], None, |a| {
        let re = must_compile(string(a, 0)?)?;
        Ok(find_all(&re, string(a, 1)?, int(a, 2)?))
    });
    funcs.add_pure("mustRegexFindAll", &[S, S, Int], None, |a| {
        let re = compile(string(a, 0)?).map_err(GoError::new)?;
        Ok(find_all(&re, string(a, 1)?, int(a, 2)?))
    });
    funcs.add_pure("regexFind", &[S, S], None, |a| {
        let re = must_compile(string(a, 0)?)?;
        ok_str(find(&re, string(a, 1)?))
    });
    funcs.add_pure("mustRegexFind", &[S, S], None, |a| {
        let re = compile(string(a, 0)?).map_err(GoError::new)?;
        ok_str(find(&re, string(a, 1)?))
    });
    for (name, must, literal) in [
        ("regexReplaceAll", false, false),
        ("mustRegexReplaceAll", true, false),
        ("regexReplaceAllLiteral", false, true),
        ("mustRegexReplaceAllLiteral", true, true),
    ] {
        funcs.add_pure(name, &[S, S, S], None, move |a| {
            let rx = string(a, 0)?;
            let re = if must {
                compile(rx).map_err(GoError::new)?
            } else {
                must_compile(rx)?
            };
            ok_str(replace_all(&re, string(a, 1)?, string(a, 2)?, literal)?)
        });
    }
    for (name, must) in [("regexSplit", false), ("mustRegexSplit", true)] {
        funcs.add_pure(name, &[S, S, Int], None, move |a| {
            let rx = string(a, 0)?;
            let re = if must {
                compile(rx).map_err(GoError::new)?
            } else {
                must_compile(rx)?
            };
            Ok(Value::string_list(split(
                &re,
                rx,
                string(a, 1)?,
                int(a, 2)?,
            )))
        });
    }
    funcs.add_pure("regexQuoteMeta", &[S], None, |a| {
        ok_str(quote_meta(string(a, 0)?))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn re(p: &str) -> Arc<Regexp> {
        compile(p).unwrap_or_else(|e| panic!("{p}: {e}"))
    }

    #[test]
    fn go_iteration() {
        let r = re("a*");
        assert_eq!(
            all_matches(&r.re, "baaab", -1),
            vec![(0, 0), (1, 4), (5, 5)]
        );
        assert_eq!(replace_all(&r, "baaab", "X", true).unwrap(), "XbXbX");
        assert_eq!(split(&re("a"), "a", "banana", -1), vec!["b", "n", "n", ""]);
        assert_eq!(split(&re(""), "", "", -1), Vec::<String>::new());
    }

    #[test]
    fn go_expansion() {
        let r = re("a(x*)b");
        assert_eq!(
            replace_all(&r, "-ab-axxb-", "${1}W", false).unwrap(),
            "-W-xxW-"
        );
        assert_eq!(replace_all(&r, "-ab-axxb-", "$1W", false).unwrap(), "---");
        assert_eq!(
            replace_all(&r, "-ab-axxb-", "$$1", false).unwrap(),
            "-$1-$1-"
        );
    }

    #[test]
    fn ascii_shorthands() {
        assert!(!re("\\d").re.is_match("١"));
        assert!(!re("\\w").re.is_match("é"));
        assert!(!re("\\b").re.is_match("é"));
        assert!(re("(?i)k").re.is_match("\u{212a}"));
    }
}

#[cfg(test)]
mod deep_tests {
    use super::*;

    /// The deepest nesting Go accepts compiles without exhausting a test thread's stack.
    #[test]
    fn deep_translate() {
        for (open, close) in [("(", ")"), ("(?:", ")"), ("(?i:", ")*")] {
            let p = format!("{}a{}", open.repeat(990), close.repeat(990));
            let t = syntax::translate(&p);
            assert!(t.is_ok(), "{open}: {:?}", t.err());
        }
    }

    #[test]
    fn deep_capture() {
        let p = format!("{}a{}", "(".repeat(990), ")".repeat(990));
        assert!(compile(&p).is_ok_and(|re| re.re.is_match("a")));
    }

    #[test]
    fn deep_group() {
        let p = format!("{}a{}", "(?:".repeat(990), ")".repeat(990));
        assert!(compile(&p).is_ok_and(|re| re.re.is_match("a")));
    }

    #[test]
    fn deep_star() {
        let p = format!("{}a{}", "(?i:".repeat(990), ")*".repeat(990));
        assert!(compile(&p).is_ok_and(|re| re.re.is_match("a")));
    }

    #[test]
    fn wide_alternation() {
        let alt = vec!["a"; 5000].join("|");
        assert!(compile(&alt).is_ok());
    }
}
