//! Glob matchers with the exact semantics of the Go libraries Helm uses:
//! Go's `path/filepath.Match` (`.helmignore`) and `github.com/gobwas/glob` with `/` as
//! separator (`.Files.Glob`).

/// Go's `filepath.ErrBadPattern`: the pattern is malformed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadPattern;

/// Go's `filepath.Match(pattern, name)` on Unix: `*` matches any run of non-`/`
/// characters, `?` one non-`/` character, `[...]` a class (`[^...]` negated, ranges
/// `a-z`), `\` escapes.
pub fn filepath_match(pattern: &str, name: &str) -> Result<bool, BadPattern> {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    match_here(&p, &n)
}

fn match_here(p: &[char], n: &[char]) -> Result<bool, BadPattern> {
    let (mut pi, mut ni) = (0, 0);
    // Backtracking point for the last `*`.
    let mut star: Option<(usize, usize)> = None;
    loop {
        if pi < p.len() {
            match p[pi] {
                '*' => {
                    // Collapse consecutive stars.
                    while pi < p.len() && p[pi] == '*' {
                        pi += 1;
                    }
                    star = Some((pi, ni));
                    continue;
                }
                '?' => {
                    if ni < n.len() && n[ni] != '/' {
                        pi += 1;
                        ni += 1;
                        continue;
                    }
                }
                '[' => {
                    let (matched, next) = match_class(p, pi, n.get(ni).copied())?;
                    if matched {
                        pi = next;
                        ni += 1;
                        continue;
                    }
                }
                '\\' => {
                    let c = *p.get(pi + 1).ok_or(BadPattern)?;
                    if ni < n.len() && n[ni] == c {
                        pi += 2;
                        ni += 1;
                        continue;
                    }
                }
                c => {
                    if ni < n.len() && n[ni] == c {
                        pi += 1;
                        ni += 1;
                        continue;
                    }
                }
            }
        } else if ni == n.len() {
            return Ok(true);
        }
        // Mismatch: backtrack to the last star, letting it eat one more non-'/' char.
        match star {
            Some((sp, sn)) if sn < n.len() && n[sn] != '/' => {
                star = Some((sp, sn + 1));
                pi = sp;
                ni = sn + 1;
            }
            _ => {
                // Go validates the rest of the pattern even on mismatch.
                validate(&p[pi.min(p.len())..])?;
                return Ok(false);
            }
        }
    }
}

fn validate(p: &[char]) -> Result<(), BadPattern> {
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            '\\' => {
                if i + 1 >= p.len() {
                    return Err(BadPattern);
                }
                i += 2;
            }
            '[' => {
                let (_, next) = match_class(p, i, Some('\0'))?;
                i = next;
            }
            _ => i += 1,
        }
    }
    Ok(())
}

/// Matches `c` against the class starting at `p[start] == '['`; returns whether it
/// matched and the index after the class.
fn match_class(p: &[char], start: usize, c: Option<char>) -> Result<(bool, usize), BadPattern> {
    let mut i = start + 1;
    let negated = matches!(p.get(i), Some('^'));
    if negated {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        let ch = *p.get(i).ok_or(BadPattern)?;
        if ch == ']' && !first {
            i += 1;
            break;
        }
        first = false;
        let lo = if ch == '\\' {
            i += 1;
            *p.get(i).ok_or(BadPattern)?
        } else {
            ch
        };
        i += 1;
        let mut hi = lo;
        if p.get(i) == Some(&'-') && p.get(i + 1).is_some_and(|&x| x != ']') {
            i += 1;
            let h = *p.get(i).ok_or(BadPattern)?;
            hi = if h == '\\' {
                i += 1;
                *p.get(i).ok_or(BadPattern)?
            } else {
                h
            };
            i += 1;
            if hi < lo {
                return Err(BadPattern);
            }
        }
        if let Some(c) = c {
            if lo <= c && c <= hi {
                matched = true;
            }
        }
    }
    let Some(c) = c else {
        return Ok((false, i));
    };
    if c == '/' {
        return Ok((false, i));
    }
    Ok((matched != negated, i))
}

/// A compiled `gobwas/glob` pattern with `/` as the separator: `*` matches within a path
/// segment, `**` across segments, `?` one non-separator character, `[abc]`/`[!abc]`
/// classes, `{a,b}` alternatives, `\` escapes.
#[derive(Debug, Clone)]
pub struct Glob {
    regex: regex::Regex,
}

impl Glob {
    /// Compiles `pattern`; `None` for invalid patterns (Helm then matches everything).
    pub fn new(pattern: &str) -> Option<Glob> {
        Glob::compile(pattern, true)
    }

    /// Compiles `pattern` without separators: `*` and `?` also match `/` (what Argo CD's
    /// `util/glob.Match` does for directory `include`/`exclude`).
    pub fn without_separator(pattern: &str) -> Option<Glob> {
        Glob::compile(pattern, false)
    }

    fn compile(pattern: &str, slash_separates: bool) -> Option<Glob> {
        let (star, any) = if slash_separates {
            ("[^/]*", "[^/]")
        } else {
            (".*", ".")
        };
        let mut re = String::from("(?s)^");
        let chars: Vec<char> = pattern.chars().collect();
        let mut i = 0;
        let mut depth = 0usize;
        while i < chars.len() {
            let c = chars[i];
            match c {
                '*' => {
                    if chars.get(i + 1) == Some(&'*') {
                        re.push_str(".*");
                        i += 2;
                        continue;
                    }
                    re.push_str(star);
                }
                '?' => re.push_str(any),
                '[' => {
                    let mut j = i + 1;
                    let mut class = String::from("[");
                    if matches!(chars.get(j), Some('!')) {
                        class.push('^');
                        j += 1;
                    }
                    let mut closed = false;
                    while j < chars.len() {
                        let d = chars[j];
                        if d == ']' {
                            closed = true;
                            break;
                        }
                        if d == '\\' || d == '[' || d == '^' || d == '&' || d == '~' {
                            class.push('\\');
                        }
                        class.push(d);
                        j += 1;
                    }
                    if !closed {
                        return None;
                    }
                    class.push(']');
                    re.push_str(&class);
                    i = j;
                }
                '{' => {
                    depth += 1;
                    re.push_str("(?:");
                }
                '}' if depth > 0 => {
                    depth -= 1;
                    re.push(')');
                }
                ',' if depth > 0 => re.push('|'),
                '\\' => {
                    i += 1;
                    let d = *chars.get(i)?;
                    re.push_str(&regex::escape(&d.to_string()));
                }
                c => re.push_str(&regex::escape(&c.to_string())),
            }
            i += 1;
        }
        if depth != 0 {
            return None;
        }
        re.push('$');
        regex::Regex::new(&re).ok().map(|regex| Glob { regex })
    }

    /// Whether `name` matches.
    pub fn is_match(&self, name: &str) -> bool {
        self.regex.is_match(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filepath_match_semantics() {
        assert_eq!(filepath_match("*.txt", "a.txt"), Ok(true));
        assert_eq!(filepath_match("*.txt", "a/b.txt"), Ok(false));
        assert_eq!(
            filepath_match("templates/.?*", "templates/.hidden"),
            Ok(true)
        );
        assert_eq!(filepath_match("[a-c]x", "bx"), Ok(true));
        assert_eq!(filepath_match("[^a-c]x", "bx"), Ok(false));
        assert_eq!(filepath_match("a[", "a"), Err(BadPattern));
    }

    #[test]
    fn gobwas_glob() {
        let g = Glob::new("files/*.conf").unwrap();
        assert!(g.is_match("files/a.conf"));
        assert!(!g.is_match("files/x/a.conf"));
        let g = Glob::new("files/**").unwrap();
        assert!(g.is_match("files/x/a.conf"));
        let g = Glob::new("{a,b}/*.yaml").unwrap();
        assert!(g.is_match("b/c.yaml"));
    }
}
