//! The parts of Go's `strings` package that Sprig calls directly, with Go's semantics
//! where Rust's standard library differs (simple case mappings, `Title`'s word
//! boundaries, `Split` with an empty separator, `Repeat`'s panics).

use kiln_gotmpl::GoError;

use super::unicode;

/// The largest string kiln builds from a template-controlled count (`repeat`, `indent`,
/// `replace`, regexp replacements): 64 MiB. Go would try to allocate whatever it is
/// asked for and crash the process; kiln fails the call instead.
pub(crate) const MAX_OUTPUT: usize = 64 << 20;

/// The error for output over [`MAX_OUTPUT`].
pub(crate) fn too_large(what: &str, bytes: u128) -> GoError {
    GoError::new(format!(
        "{what}: output of {bytes} bytes exceeds kiln's limit of {MAX_OUTPUT} bytes"
    ))
}

/// `strings.ToUpper`: every rune through `unicode.ToUpper` (simple mapping: `ß` stays).
pub(crate) fn to_upper(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_uppercase();
    }
    s.chars().map(unicode::to_upper).collect()
}

/// `strings.ToLower`: every rune through `unicode.ToLower` (simple mapping: `İ` → `i`).
pub(crate) fn to_lower(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    s.chars().map(unicode::to_lower).collect()
}

/// `strings.isSeparator`, the word boundary of the deprecated `strings.Title`: ASCII
/// alphanumerics and `_` are not separators, other ASCII is; beyond ASCII letters and
/// digits are not, spaces are, everything else is not.
fn is_separator(r: char) -> bool {
    if r.is_ascii() {
        return !(r.is_ascii_alphanumeric() || r == '_');
    }
    if unicode::is_letter(r) || unicode::is_digit(r) {
        return false;
    }
    unicode::is_space(r)
}

/// `strings.Title`: the first letter of each word through `unicode.ToTitle`.
pub(crate) fn title(s: &str) -> String {
    let mut prev = ' ';
    s.chars()
        .map(|r| {
            let out = if is_separator(prev) {
                unicode::to_title(r)
            } else {
                r
            };
            prev = r;
            out
        })
        .collect()
}

/// `strings.TrimSpace`: leading and trailing `unicode.IsSpace` runes removed.
pub(crate) fn trim_space(s: &str) -> &str {
    s.trim_matches(unicode::is_space)
}

/// `strings.Trim(s, cutset)`: leading and trailing runes that occur in `cutset` removed.
pub(crate) fn trim(s: &str, cutset: &str) -> String {
    if s.is_empty() || cutset.is_empty() {
        return s.to_string();
    }
    s.trim_matches(|c| cutset.contains(c)).to_string()
}

/// `strings.SplitN(s, sep, n)` (`n < 0`: all parts, as `strings.Split`): with an empty
/// separator the string is cut into runes (Go's `explode`), not into Rust's
/// empty-edged pieces.
pub(crate) fn split_n(s: &str, sep: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    if sep.is_empty() {
        let count = s.chars().count();
        let n = if n < 0 || n as u64 > count as u64 {
            count
        } else {
            n as usize
        };
        let mut out = Vec::with_capacity(n);
        let mut rest = s;
        for _ in 1..n {
            let Some(c) = rest.chars().next() else { break };
            out.push(c.to_string());
            rest = &rest[c.len_utf8()..];
        }
        if n > 0 {
            out.push(rest.to_string());
        }
        return out;
    }
    if n < 0 {
        return s.split(sep).map(str::to_string).collect();
    }
    s.splitn(usize::try_from(n).unwrap_or(usize::MAX), sep)
        .map(str::to_string)
        .collect()
}

/// `strings.Repeat(s, count)`: panics (here: errors) with Go's texts for a negative count
/// and on overflow; output over [`MAX_OUTPUT`] is refused.
pub(crate) fn repeat(s: &str, count: i64) -> Result<String, GoError> {
    match count {
        0 => return Ok(String::new()),
        1 => return Ok(s.to_string()),
        _ => {}
    }
    if count < 0 {
        return Err(GoError::new("strings: negative Repeat count"));
    }
    let total = s.len() as u128 * count as u128;
    if total > i64::MAX as u128 {
        return Err(GoError::new("strings: Repeat output length overflow"));
    }
    if total > MAX_OUTPUT as u128 {
        return Err(too_large("strings.Repeat", total));
    }
    Ok(s.repeat(count as usize))
}

/// `strings.Replace(s, old, new, -1)`, refusing output over [`MAX_OUTPUT`].
pub(crate) fn replace_all(s: &str, old: &str, new: &str) -> Result<String, GoError> {
    if new.len() > old.len() {
        let matches = if old.is_empty() {
            s.chars().count() + 1
        } else {
            s.matches(old).count()
        };
        let total = s.len() as u128 + matches as u128 * (new.len() - old.len()) as u128;
        if total > MAX_OUTPUT as u128 {
            return Err(too_large("strings.Replace", total));
        }
    }
    Ok(s.replace(old, new))
}

/// Go's `s[lo:hi]` on a string's bytes, with the runtime panic's text when out of range.
/// `lo == None` is `s[:hi]`, `hi == None` is `s[lo:]`.
pub(crate) fn slice(s: &[u8], lo: Option<i64>, hi: Option<i64>) -> Result<&[u8], GoError> {
    let len = s.len() as i64;
    let err = |m: String| {
        Err(GoError::new(format!(
            "runtime error: slice bounds out of range {m}"
        )))
    };
    match (lo, hi) {
        (None, Some(h)) => {
            if h < 0 {
                return err(format!("[:{h}]"));
            }
            if h > len {
                return err(format!("[:{h}] with length {len}"));
            }
            Ok(&s[..h as usize])
        }
        (Some(l), None) => {
            if l < 0 {
                return err(format!("[{l}:]"));
            }
            if l > len {
                return err(format!("[{l}:{len}]"));
            }
            Ok(&s[l as usize..])
        }
        (Some(l), Some(h)) => {
            if h < 0 {
                return err(format!("[:{h}]"));
            }
            if h > len {
                return err(format!("[:{h}] with length {len}"));
            }
            if l < 0 {
                return err(format!("[{l}:]"));
            }
            if l > h {
                return err(format!("[{l}:{h}]"));
            }
            Ok(&s[l as usize..h as usize])
        }
        (None, None) => Ok(s),
    }
}

/// Bytes from Go-style byte slicing back into a Rust string: invalid UTF-8 (a cut inside
/// a multi-byte character) becomes U+FFFD, as it does when Helm's output is read as text.
pub(crate) fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_like_go() {
        assert_eq!(split_n("abc", "", -1), vec!["a", "b", "c"]);
        assert_eq!(split_n("", "", -1), Vec::<String>::new());
        assert_eq!(split_n("", ",", -1), vec![""]);
        assert_eq!(split_n("abc", "", 2), vec!["a", "bc"]);
        assert_eq!(split_n("a$b$c", "$", 2), vec!["a", "b$c"]);
        assert_eq!(split_n("a$b$c", "$", 0), Vec::<String>::new());
    }

    #[test]
    fn title_like_go() {
        assert_eq!(title("hello world-foo bar_baz"), "Hello World-Foo Bar_baz");
        assert_eq!(title("it's o'neil"), "It'S O'Neil");
        assert_eq!(title("ǆa"), "ǅa");
    }
}
