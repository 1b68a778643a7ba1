//! Sprig's path functions: Go's `path` package and, for the `os…` variants,
//! `path/filepath` as it behaves on Linux (where both are the same: `/` separators, no
//! volume names).
//!
//! | function | Go signature | semantics from |
//! | --- | --- | --- |
//! | `base`, `osBase` | `func(path string) string` | `path.Base` / `filepath.Base` |
//! | `dir`, `osDir` | `func(path string) string` | `path.Dir` / `filepath.Dir` |
//! | `clean`, `osClean` | `func(path string) string` | `path.Clean` / `filepath.Clean` |
//! | `ext`, `osExt` | `func(path string) string` | `path.Ext` / `filepath.Ext` |
//! | `isAbs`, `osIsAbs` | `func(path string) bool` | `path.IsAbs` / `filepath.IsAbs` |

use kiln_gotmpl::{FuncMap, Ty, Value};

use crate::strings::args::{ok_str, string};

/// `path.Clean`: the shortest equivalent path, lexically (`//` → `/`, `.` dropped, `..`
/// folded); `"."` for an empty result.
pub(crate) fn clean(path: &str) -> String {
    let p = path.as_bytes();
    if p.is_empty() {
        return ".".to_string();
    }
    let rooted = p[0] == b'/';
    let n = p.len();
    let mut out: Vec<u8> = Vec::with_capacity(n);
    let (mut r, mut dotdot) = (0, 0);
    if rooted {
        out.push(b'/');
        r = 1;
        dotdot = 1;
    }
    while r < n {
        // An empty element, or a `.` element: skipped.
        if p[r] == b'/' || p[r] == b'.' && (r + 1 == n || p[r + 1] == b'/') {
            r += 1;
        } else if p[r] == b'.' && p[r + 1] == b'.' && (r + 2 == n || p[r + 2] == b'/') {
            r += 2;
            if out.len() > dotdot {
                // Back up to the previous slash (dropping it too).
                let mut w = out.len() - 1;
                while w > dotdot && out[w] != b'/' {
                    w -= 1;
                }
                out.truncate(w);
            } else if !rooted {
                if !out.is_empty() {
                    out.push(b'/');
                }
                out.extend_from_slice(b"..");
                dotdot = out.len();
            }
        } else {
            if rooted && out.len() != 1 || !rooted && !out.is_empty() {
                out.push(b'/');
            }
            while r < n && p[r] != b'/' {
                out.push(p[r]);
                r += 1;
            }
        }
    }
    if out.is_empty() {
        return ".".to_string();
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `path.Base`: the last element, trailing slashes ignored; `"."` for `""`, `"/"` for
/// only slashes.
pub(crate) fn base(path: &str) -> String {
    if path.is_empty() {
        return ".".to_string();
    }
    let trimmed = path.trim_end_matches('/');
    let last = match trimmed.rfind('/') {
        Some(i) => &trimmed[i + 1..],
        None => trimmed,
    };
    if last.is_empty() {
        return "/".to_string();
    }
    last.to_string()
}

/// `path.Dir`: everything up to the last slash, cleaned.
pub(crate) fn dir(path: &str) -> String {
    let cut = path.rfind('/').map_or(0, |i| i + 1);
    clean(&path[..cut])
}

/// `path.Ext`: the suffix from the last dot of the last element, or `""`.
pub(crate) fn ext(path: &str) -> String {
    for (i, c) in path.bytes().enumerate().rev() {
        match c {
            b'/' => break,
            b'.' => return path[i..].to_string(),
            _ => {}
        }
    }
    String::new()
}

pub(crate) fn register(funcs: &mut FuncMap) {
    use Ty::String as S;

    for prefix in ["", "os"] {
        let name = |n: &str| {
            if prefix.is_empty() {
                n.to_string()
            } else {
                let mut c = n.chars();
                let first = c.next().map(|f| f.to_ascii_uppercase()).unwrap_or_default();
                format!("{prefix}{first}{}", c.as_str())
            }
        };
        funcs.add_pure(&name("base"), &[S], None, |a| ok_str(base(string(a, 0)?)));
        funcs.add_pure(&name("dir"), &[S], None, |a| ok_str(dir(string(a, 0)?)));
        funcs.add_pure(&name("clean"), &[S], None, |a| ok_str(clean(string(a, 0)?)));
        funcs.add_pure(&name("ext"), &[S], None, |a| ok_str(ext(string(a, 0)?)));
        funcs.add_pure(&name("isAbs"), &[S], None, |a| {
            Ok(Value::Bool(string(a, 0)?.starts_with('/')))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_go() {
        assert_eq!(clean("/a//b/../c/."), "/a/c");
        assert_eq!(clean("a/../.."), "..");
        assert_eq!(clean("/../a"), "/a");
        assert_eq!(clean("../../a"), "../../a");
        assert_eq!(base("/a/b/"), "b");
        assert_eq!(base("//"), "/");
        assert_eq!(dir("a/b/"), "a/b");
        assert_eq!(dir("a"), ".");
        assert_eq!(ext("a.b/c"), "");
        assert_eq!(ext("c.tar.gz"), ".gz");
    }
}
