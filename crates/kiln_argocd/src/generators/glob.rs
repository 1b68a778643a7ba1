//! The three pattern languages of the `git` generator, each with its own rules:
//!
//! * [`go_path_match`]: Go's `path.Match`, for `git.directories[].path`
//!   (applicationset/generators/git.go `filterApps`). `*` and `?` stay inside one path
//!   segment, no `**`; a malformed pattern is an error (Argo CD logs it and treats the
//!   entry as not matching).
//! * [`pathspec_match`]: `git ls-files -- <pattern>` without pathspec magic, the default
//!   for `git.files[].path` (util/git/client.go `LsFiles`). Git first compares the
//!   pattern literally (equal, or a leading directory of the path), then matches the
//!   part from the first wildcard on with `wildmatch` *without* `WM_PATHNAME`: `*` (and
//!   `**`, which is the same) and `?` also match `/`, so `a/*.yaml` matches
//!   `a/b/c.yaml` and `**/x.json` does not match a top-level `x.json`. Checked against
//!   git 2.47 (tests/fixtures/git_pathspec.json).
//! * [`doublestar_match`]: bmatcuk/doublestar v4 `Match`, for the "new" globbing:
//!   `*`, `?` and classes stay inside a segment, a `**` segment matches zero or more
//!   segments, `{a,b}` alternatives, `\` escapes.
//!
//! All matchers do bounded work (no exponential backtracking).

use super::context::{GitFileGlobbing, RepoTree};

/// Most alternatives a doublestar pattern may expand to.
const MAX_ALTERNATIVES: usize = 1024;
/// Longest pattern accepted.
const MAX_PATTERN: usize = 4096;

/// One element of a single-segment glob.
#[derive(Clone, Debug)]
enum Tok {
    /// `*`: any run of characters (never `/` in the segment-based matchers).
    Star,
    /// `?`: one character.
    Any,
    /// A character class.
    Class(Class),
    /// A literal character.
    Lit(char),
}

#[derive(Clone, Debug, Default)]
struct Class {
    negated: bool,
    ranges: Vec<(char, char)>,
    named: Vec<fn(char) -> bool>,
}

impl Class {
    fn matches(&self, c: char) -> bool {
        let hit = self.ranges.iter().any(|(lo, hi)| *lo <= c && c <= *hi)
            || self.named.iter().any(|f| f(c));
        hit != self.negated
    }
}

/// Matches a token sequence against a character sequence; `*` never matches
/// `stop` (when given). Greedy with a single backtrack point: linear-ish, never
/// exponential (all stars are alike).
fn match_toks(p: &[Tok], t: &[char], stop: Option<char>) -> bool {
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() {
            let ok = match &p[pi] {
                Tok::Star => {
                    star = Some((pi, ti));
                    pi += 1;
                    continue;
                }
                Tok::Any => Some(t[ti]) != stop,
                // A class may match the separator (Go's path.Match does not exclude it).
                Tok::Class(c) => c.matches(t[ti]),
                Tok::Lit(c) => *c == t[ti],
            };
            if ok {
                pi += 1;
                ti += 1;
                continue;
            }
        }
        match star {
            Some((sp, st)) if Some(t[st]) != stop => {
                pi = sp + 1;
                ti = st + 1;
                star = Some((sp, st + 1));
            }
            _ => return false,
        }
    }
    p[pi..].iter().all(|t| matches!(t, Tok::Star))
}

// ---------------------------------------------------------------------------------------
// Go path.Match

/// Parses a Go `path.Match` pattern: `*`, `?`, `[` [`^`] ranges `]` (non-empty; `-` and
/// `]` must be escaped where a character is expected), `\x`.
fn parse_go(pattern: &str) -> Result<Vec<Tok>, String> {
    let bad = || Err(format!("syntax error in pattern {pattern:?}"));
    let cs: Vec<char> = pattern.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        match cs[i] {
            '*' => {
                if !matches!(out.last(), Some(Tok::Star)) {
                    out.push(Tok::Star);
                }
                i += 1;
            }
            '?' => {
                out.push(Tok::Any);
                i += 1;
            }
            '\\' => {
                if i + 1 >= cs.len() {
                    return bad();
                }
                out.push(Tok::Lit(cs[i + 1]));
                i += 2;
            }
            '[' => {
                i += 1;
                let mut class = Class::default();
                if cs.get(i) == Some(&'^') {
                    class.negated = true;
                    i += 1;
                }
                let esc = |i: &mut usize| -> Option<char> {
                    let c = *cs.get(*i)?;
                    if c == '-' || c == ']' {
                        return None;
                    }
                    if c == '\\' {
                        *i += 1;
                    }
                    let c = *cs.get(*i)?;
                    *i += 1;
                    Some(c)
                };
                let mut n = 0;
                loop {
                    if cs.get(i) == Some(&']') && n > 0 {
                        i += 1;
                        break;
                    }
                    let Some(lo) = esc(&mut i) else { return bad() };
                    let mut hi = lo;
                    if cs.get(i) == Some(&'-') {
                        i += 1;
                        let Some(h) = esc(&mut i) else { return bad() };
                        hi = h;
                    }
                    class.ranges.push((lo, hi));
                    n += 1;
                }
                out.push(Tok::Class(class));
            }
            c => {
                out.push(Tok::Lit(c));
                i += 1;
            }
        }
    }
    Ok(out)
}

/// Go's `path.Match(pattern, name)`: the whole of `name` must match; `*` and `?` never
/// match `/` (a class may). Malformed patterns are an error whatever the name.
pub fn go_path_match(pattern: &str, name: &str) -> Result<bool, String> {
    if pattern.len() > MAX_PATTERN {
        return Err(format!("pattern longer than {MAX_PATTERN} bytes"));
    }
    let toks = parse_go(pattern)?;
    let t: Vec<char> = name.chars().collect();
    Ok(match_toks(&toks, &t, Some('/')))
}

// ---------------------------------------------------------------------------------------
// git pathspec (ls-files) + wildmatch without WM_PATHNAME

/// POSIX bracket class names wildmatch knows.
fn posix_class(name: &str) -> Option<fn(char) -> bool> {
    Some(match name {
        "alnum" => |c: char| c.is_ascii_alphanumeric(),
        "alpha" => |c: char| c.is_ascii_alphabetic(),
        "blank" => |c: char| c == ' ' || c == '\t',
        "cntrl" => |c: char| c.is_ascii_control(),
        "digit" => |c: char| c.is_ascii_digit(),
        "graph" => |c: char| c.is_ascii_graphic(),
        "lower" => |c: char| c.is_ascii_lowercase(),
        "print" => |c: char| c.is_ascii_graphic() || c == ' ',
        "punct" => |c: char| c.is_ascii_punctuation(),
        "space" => |c: char| c.is_ascii_whitespace() || c == '\x0b',
        "upper" => |c: char| c.is_ascii_uppercase(),
        "xdigit" => |c: char| c.is_ascii_hexdigit(),
        _ => return None,
    })
}

/// Parses a wildmatch pattern (bytes as Latin-1 chars). `None` when the pattern can
/// never match (an unterminated class or an unknown `[:name:]`: wildmatch aborts).
fn parse_wildmatch(p: &[char]) -> Option<Vec<Tok>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            '*' => {
                if !matches!(out.last(), Some(Tok::Star)) {
                    out.push(Tok::Star);
                }
                i += 1;
            }
            '?' => {
                out.push(Tok::Any);
                i += 1;
            }
            '\\' => {
                // A trailing backslash matches nothing.
                out.push(Tok::Lit(*p.get(i + 1)?));
                i += 2;
            }
            '[' => {
                i += 1;
                let mut class = Class::default();
                if matches!(p.get(i), Some('!') | Some('^')) {
                    class.negated = true;
                    i += 1;
                }
                let mut prev: Option<char> = None;
                let mut first = true;
                loop {
                    let c = *p.get(i)?;
                    if c == ']' && !first {
                        i += 1;
                        break;
                    }
                    first = false;
                    if c == '\\' {
                        let e = *p.get(i + 1)?;
                        class.ranges.push((e, e));
                        prev = Some(e);
                        i += 2;
                    } else if c == '-' && prev.is_some() && p.get(i + 1).is_some_and(|n| *n != ']')
                    {
                        let mut hi = p[i + 1];
                        i += 2;
                        if hi == '\\' {
                            hi = *p.get(i)?;
                            i += 1;
                        }
                        let lo = prev.unwrap_or(hi);
                        class.ranges.push((lo, hi));
                        prev = None;
                    } else if c == '[' && p.get(i + 1) == Some(&':') {
                        let start = i + 2;
                        let mut j = start;
                        while j < p.len() && p[j] != ']' {
                            j += 1;
                        }
                        if j >= p.len() {
                            return None;
                        }
                        if j == start || p[j - 1] != ':' {
                            // No ":]": a plain '['.
                            class.ranges.push(('[', '['));
                            prev = Some('[');
                            i += 1;
                        } else {
                            let name: String = p[start..j - 1].iter().collect();
                            class.named.push(posix_class(&name)?);
                            prev = None;
                            i = j + 1;
                        }
                    } else {
                        class.ranges.push((c, c));
                        prev = Some(c);
                        i += 1;
                    }
                }
                out.push(Tok::Class(class));
            }
            c => {
                out.push(Tok::Lit(c));
                i += 1;
            }
        }
    }
    Some(out)
}

/// Whether a byte is special to git's pathspec (`is_glob_special`).
fn glob_special(c: u8) -> bool {
    matches!(c, b'*' | b'?' | b'[' | b'\\')
}

/// Normalizes a pathspec as git does before matching: `.` and empty components dropped,
/// `..` resolved lexically (an error when it leaves the repository), a trailing `/`
/// kept. `""` and `.` select everything. Pathspec magic (`:(...)`, `:!`) is not
/// supported offline.
pub fn normalize_pathspec(pattern: &str) -> Result<String, String> {
    if pattern.len() > MAX_PATTERN {
        return Err(format!("pattern longer than {MAX_PATTERN} bytes"));
    }
    if pattern.starts_with(':') {
        return Err(format!(
            "pathspec magic in {pattern:?} is not supported offline"
        ));
    }
    if pattern.starts_with('/') {
        return Err(format!("{pattern}: '{pattern}' is outside repository"));
    }
    let trailing = pattern.ends_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for c in pattern.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(format!("{pattern}: '{pattern}' is outside repository"));
                }
            }
            c => parts.push(c),
        }
    }
    let mut s = parts.join("/");
    if trailing && !s.is_empty() {
        s.push('/');
    }
    Ok(s)
}

/// Whether `git ls-files -- <spec>` lists `name` (`spec` from [`normalize_pathspec`]):
/// dir.c `match_pathspec_item` for a file, then `git_fnmatch` (the literal part before
/// the first wildcard compared exactly, a lone trailing `*` as a suffix test, else
/// wildmatch without `WM_PATHNAME`).
pub fn pathspec_match(spec: &str, name: &str) -> bool {
    let (m, n) = (spec.as_bytes(), name.as_bytes());
    if m.is_empty() {
        return true;
    }
    if m.len() <= n.len()
        && n.starts_with(m)
        && (m.len() == n.len() || m[m.len() - 1] == b'/' || n[m.len()] == b'/')
    {
        return true;
    }
    let nowild = m.iter().position(|c| glob_special(*c)).unwrap_or(m.len());
    if nowild == m.len() {
        return false;
    }
    if !n.starts_with(&m[..nowild]) {
        return false;
    }
    let (rest_p, rest_n) = (&m[nowild..], &n[nowild..]);
    if rest_p[0] == b'*' && !rest_p[1..].iter().any(|c| glob_special(*c)) {
        // PATHSPEC_ONESTAR: a suffix test.
        return rest_n.ends_with(&rest_p[1..]);
    }
    let pc: Vec<char> = rest_p.iter().map(|b| char::from(*b)).collect();
    let tc: Vec<char> = rest_n.iter().map(|b| char::from(*b)).collect();
    match parse_wildmatch(&pc) {
        Some(toks) => match_toks(&toks, &tc, None),
        None => false,
    }
}

// ---------------------------------------------------------------------------------------
// doublestar

/// Expands `{a,b}` alternatives (nested allowed); `\` escapes and `[...]` classes are
/// skipped over. Errors on unbalanced braces or too many alternatives.
fn expand_braces(p: &str, out: &mut Vec<String>) -> Result<(), String> {
    let cs: Vec<char> = p.chars().collect();
    // Find the first top-level '{'.
    let mut i = 0;
    let mut open = None;
    while i < cs.len() {
        match cs[i] {
            '\\' => i += 2,
            '[' => {
                i += 1;
                while i < cs.len() && cs[i] != ']' {
                    if cs[i] == '\\' {
                        i += 1;
                    }
                    i += 1;
                }
                i += 1;
            }
            '{' => {
                open = Some(i);
                break;
            }
            '}' => return Err(format!("syntax error in pattern {p:?}: unbalanced '}}'")),
            _ => i += 1,
        }
    }
    let Some(open) = open else {
        if out.len() >= MAX_ALTERNATIVES {
            return Err(format!(
                "pattern {p:?} expands to more than {MAX_ALTERNATIVES} alternatives"
            ));
        }
        out.push(p.to_string());
        return Ok(());
    };
    // Split the group at top-level commas.
    let mut depth = 0;
    let mut alts = Vec::new();
    let mut start = open + 1;
    let mut j = open + 1;
    let mut close = None;
    while j < cs.len() {
        match cs[j] {
            '\\' => j += 1,
            '{' => depth += 1,
            '}' if depth > 0 => depth -= 1,
            '}' => {
                alts.push(start..j);
                close = Some(j);
                break;
            }
            ',' if depth == 0 => {
                alts.push(start..j);
                start = j + 1;
            }
            _ => {}
        }
        j += 1;
    }
    let Some(close) = close else {
        return Err(format!("syntax error in pattern {p:?}: unbalanced '{{'"));
    };
    let head: String = cs[..open].iter().collect();
    let tail: String = cs[close + 1..].iter().collect();
    for r in alts {
        let alt: String = cs[r].iter().collect();
        expand_braces(&format!("{head}{alt}{tail}"), out)?;
    }
    Ok(())
}

/// Parses one doublestar segment pattern: `*`, `?`, `[`[`!`|`^`]ranges`]` (unclosed or
/// empty is an error), `\x`.
fn parse_segment(seg: &str, whole: &str) -> Result<Vec<Tok>, String> {
    let bad = || Err(format!("syntax error in pattern {whole:?}"));
    let cs: Vec<char> = seg.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        match cs[i] {
            '*' => {
                if !matches!(out.last(), Some(Tok::Star)) {
                    out.push(Tok::Star);
                }
                i += 1;
            }
            '?' => {
                out.push(Tok::Any);
                i += 1;
            }
            '\\' => {
                let Some(c) = cs.get(i + 1) else { return bad() };
                out.push(Tok::Lit(*c));
                i += 2;
            }
            '[' => {
                i += 1;
                let mut class = Class::default();
                if matches!(cs.get(i), Some('!') | Some('^')) {
                    class.negated = true;
                    i += 1;
                }
                let mut closed = false;
                while i < cs.len() {
                    let mut c = cs[i];
                    if c == ']' {
                        closed = true;
                        i += 1;
                        break;
                    }
                    if c == '\\' {
                        i += 1;
                        let Some(e) = cs.get(i) else { return bad() };
                        c = *e;
                    }
                    i += 1;
                    let mut hi = c;
                    if cs.get(i) == Some(&'-') && cs.get(i + 1).is_some_and(|n| *n != ']') {
                        i += 1;
                        hi = cs[i];
                        if hi == '\\' {
                            i += 1;
                            let Some(e) = cs.get(i) else { return bad() };
                            hi = *e;
                        }
                        i += 1;
                    }
                    class.ranges.push((c, hi));
                }
                if !closed || class.ranges.is_empty() {
                    return bad();
                }
                out.push(Tok::Class(class));
            }
            c => {
                out.push(Tok::Lit(c));
                i += 1;
            }
        }
    }
    Ok(out)
}

/// A compiled doublestar pattern (all brace alternatives).
pub struct Doublestar {
    alternatives: Vec<Vec<Seg>>,
}

enum Seg {
    GlobStar,
    Glob(Vec<Tok>),
}

impl Doublestar {
    /// Compiles `pattern`; malformed patterns are an error (doublestar `ErrBadPattern`).
    pub fn new(pattern: &str) -> Result<Doublestar, String> {
        if pattern.len() > MAX_PATTERN {
            return Err(format!("pattern longer than {MAX_PATTERN} bytes"));
        }
        let mut alts = Vec::new();
        expand_braces(pattern, &mut alts)?;
        let mut alternatives = Vec::new();
        for a in alts {
            let mut segs = Vec::new();
            for s in a.split('/') {
                if s == "**" {
                    if !matches!(segs.last(), Some(Seg::GlobStar)) {
                        segs.push(Seg::GlobStar);
                    }
                } else {
                    segs.push(Seg::Glob(parse_segment(s, pattern)?));
                }
            }
            alternatives.push(segs);
        }
        Ok(Doublestar { alternatives })
    }

    /// Whether the whole of `name` matches.
    pub fn matches(&self, name: &str) -> bool {
        let comps: Vec<Vec<char>> = name.split('/').map(|c| c.chars().collect()).collect();
        self.alternatives
            .iter()
            .any(|segs| match_segs(segs, &comps))
    }
}

/// Matches segments against path components; a globstar takes zero or more components
/// (greedy with one backtrack point, like [`match_toks`]).
fn match_segs(p: &[Seg], t: &[Vec<char>]) -> bool {
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() {
            match &p[pi] {
                Seg::GlobStar => {
                    star = Some((pi, ti));
                    pi += 1;
                    continue;
                }
                Seg::Glob(toks) => {
                    if match_toks(toks, &t[ti], None) {
                        pi += 1;
                        ti += 1;
                        continue;
                    }
                }
            }
        }
        match star {
            Some((sp, st)) => {
                pi = sp + 1;
                ti = st + 1;
                star = Some((sp, st + 1));
            }
            None => return false,
        }
    }
    p[pi..].iter().all(|s| matches!(s, Seg::GlobStar))
}

/// `doublestar.Match(pattern, name)`.
pub fn doublestar_match(pattern: &str, name: &str) -> Result<bool, String> {
    Ok(Doublestar::new(pattern)?.matches(name))
}

/// Cleans a path like Go's `filepath.Clean` relative to the repository root; `None`
/// when it leaves the root.
fn clean_relative(p: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for c in p.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            c => parts.push(c),
        }
    }
    Some(parts.join("/"))
}

/// The files one `git.files[].path` pattern selects, as the repo server's `LsFiles`:
/// git pathspec over [`RepoTree::files`] (old), or doublestar over the files and
/// directories (new; `filepath.Join(root, pattern)` is cleaned first, a pattern leaving
/// the root matches nothing, and a matched directory is the read error Argo CD hits).
/// The tree has no `.git` directory (Argo CD's clone has one, which `**` could reach).
pub fn ls_files<T: RepoTree + ?Sized>(
    repo: &T,
    pattern: &str,
    globbing: GitFileGlobbing,
) -> Result<Vec<String>, String> {
    match globbing {
        GitFileGlobbing::Old => {
            let spec = normalize_pathspec(pattern)?;
            Ok(repo
                .files()?
                .into_iter()
                .filter(|f| pathspec_match(&spec, f))
                .collect())
        }
        GitFileGlobbing::New => {
            let Some(clean) = clean_relative(pattern) else {
                return Ok(Vec::new());
            };
            let ds = Doublestar::new(&clean)?;
            if let Some(d) = repo.directories()?.into_iter().find(|d| ds.matches(d)) {
                return Err(format!(
                    "unable to read files. pattern {pattern}: read {d}: is a directory"
                ));
            }
            if clean.is_empty() {
                return Err(format!(
                    "unable to read files. pattern {pattern}: read .: is a directory"
                ));
            }
            Ok(repo
                .files()?
                .into_iter()
                .filter(|f| ds.matches(f))
                .collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_match() {
        let m = |p: &str, n: &str| go_path_match(p, n).unwrap();
        assert!(m("*", "app1"));
        assert!(!m("*", "p1/app2"));
        assert!(m("*/*", "p1/app2"));
        assert!(m("p1/*", "p1/app2"));
        assert!(!m("p1/*", "p1/p2/app3"));
        assert!(m("a?c", "abc"));
        assert!(!m("a?c", "a/c"));
        assert!(m("[a-c]x", "bx"));
        assert!(m("[^a-c]x", "dx"));
        assert!(m("a\\*", "a*"));
        assert!(m("", ""));
        assert!(go_path_match("[", "a").is_err());
        assert!(go_path_match("[]a]", "a").is_err());
        assert!(go_path_match("a\\", "a").is_err());
        assert!(go_path_match("[a-]", "a").is_err());
    }

    #[test]
    fn doublestar() {
        let m = |p: &str, n: &str| doublestar_match(p, n).unwrap();
        assert!(m("**/config.json", "config.json"));
        assert!(m("**/config.json", "a/b/config.json"));
        assert!(m("p1/**/config.json", "p1/config.json"));
        assert!(!m("some-path/*.yaml", "some-path/staging/values.yaml"));
        assert!(m("a/**", "a"));
        assert!(m("a/**", "a/b/c"));
        assert!(m("{a,b}/x", "b/x"));
        assert!(m("x/{a,b/c}/y", "x/b/c/y"));
        assert!(m("*", ".hidden"));
        assert!(m("a[!b]c", "axc"));
        assert!(m("path**", "pathx"));
        assert!(!m("path**", "path/x"));
        assert!(doublestar_match("[", "a").is_err());
        assert!(doublestar_match("{a", "a").is_err());
        assert!(doublestar_match("\\", "a").is_err());
    }

    #[test]
    fn pathspec() {
        let m = |p: &str, n: &str| pathspec_match(&normalize_pathspec(p).unwrap(), n);
        assert!(m("some-path/*.yaml", "some-path/staging/values.yaml"));
        assert!(!m("**/config.json", "config.json"));
        assert!(!m("p1/**/config.json", "p1/config.json"));
        assert!(m("p1/**/config.json", "p1/p2/config.json"));
        assert!(m("p1", "p1/a/b"));
        assert!(!m("p1", "p10/a"));
        assert!(m(".", "x/y"));
        assert!(m("./p1/../a.yaml", "a.yaml"));
        assert!(m("[", "["));
        assert!(!m("[", "[x"));
        assert!(normalize_pathspec("../x").is_err());
    }
}
