//! Sprig's string functions (`strings.go` and the string entries of `functions.go`).
//!
//! | function | Go signature | semantics from |
//! | --- | --- | --- |
//! | `hello` | `func() string` | functions.go |
//! | `abbrev` | `func(width int, s string) string` | goutils `Abbreviate` (bytes) |
//! | `abbrevboth` | `func(left, right int, s string) string` | goutils `AbbreviateFull` |
//! | `trunc` | `func(c int, s string) string` | strings.go `trunc` (bytes) |
//! | `trim` | `func(s string) string` | `strings.TrimSpace` |
//! | `upper`, `lower` | `func(s string) string` | `strings.ToUpper`/`ToLower` (simple mappings) |
//! | `title` | `func(s string) string` | `strings.Title` |
//! | `untitle` | `func(str string) string` | goutils `Uncapitalize` |
//! | `substr` | `func(start, end int, s string) string` | strings.go `substring` (bytes, Go's slice panics) |
//! | `repeat` | `func(count int, str string) string` | `strings.Repeat` |
//! | `trimall`, `trimAll` | `func(a, b string) string` | `strings.Trim(b, a)` |
//! | `trimSuffix`, `trimPrefix` | `func(a, b string) string` | `strings.TrimSuffix(b, a)`, … |
//! | `nospace` | `func(str string) string` | goutils `DeleteWhiteSpace` (bytes) |
//! | `initials` | `func(s string) string` | goutils `Initials` (bytes) |
//! | `randAlphaNum`, `randAlpha`, `randAscii`, `randNumeric` | `func(count int) string` | goutils `CryptoRandom*` |
//! | `swapcase` | `func(str string) string` | goutils `SwapCase` |
//! | `shuffle` | `func(str string) string` | xstrings `Shuffle` |
//! | `snakecase`, `kebabcase` | `func(s string) string` | xstrings `ToSnakeCase`/`ToKebabCase` |
//! | `camelcase` | `func(s string) string` | xstrings `ToPascalCase` |
//! | `wrap` | `func(l int, s string) string` | goutils `Wrap` |
//! | `wrapWith` | `func(l int, sep, str string) string` | goutils `WrapCustom(str, l, sep, true)` |
//! | `contains`, `hasPrefix`, `hasSuffix` | `func(substr, str string) bool` | `strings` |
//! | `quote` | `func(str ...interface{}) string` | `%q` of `strval`, nils skipped |
//! | `squote` | `func(str ...interface{}) string` | `'%v'`, nils skipped |
//! | `cat` | `func(v ...interface{}) string` | `%v` joined by spaces, nils skipped |
//! | `indent`, `nindent` | `func(spaces int, v string) string` | strings.go |
//! | `replace` | `func(old, new, src string) string` | `strings.Replace(src, old, new, -1)` |
//! | `plural` | `func(one, many string, count int) string` | strings.go |
//! | `split` | `func(sep, orig string) map[string]string` | `strings.Split`, keys `_0`, `_1`, … |
//! | `splitList` | `func(sep, orig string) []string` | `strings.Split` |
//! | `splitn` | `func(sep string, n int, orig string) map[string]string` | `strings.SplitN` |
//! | `join` | `func(sep string, v interface{}) string` | `strings.Join(strslice(v), sep)` |
//! | `sortAlpha` | `func(list interface{}) []string` | list.go `sortAlpha` |
//! | `b64enc`, `b64dec`, `b32enc`, `b32dec` | `func(v string) string` | `encoding/base64`/`base32` Std; decode errors are returned as the text |
//! | `env`, `expandenv` | `func(string) string` | `os.Getenv`/`os.ExpandEnv` against an **empty** environment (Helm and Argo CD remove both; kiln never reads the process environment) |
//!
//! Go strings are bytes; where Sprig cuts at byte offsets (`trunc`, `substr`, `abbrev`,
//! `wrap`) a cut inside a multi-byte character, and `b64dec`/`b32dec` of data that is not
//! UTF-8, yield U+FFFD in kiln (whose strings are always UTF-8), so `len` of such a
//! result can differ from Go's.
//!
//! Outputs whose size a template controls through a count (`repeat`, `indent`, `replace`,
//! `wrapWith`, the `rand*` functions) are limited to [`gostd::MAX_OUTPUT`] bytes, where Go
//! would try to allocate them.

use kiln_gotmpl::{FuncMap, GoError, ListType, Map, MapType, Str, Ty, Value};

pub(crate) mod args;
mod encoding;
pub(crate) mod gostd;
mod goutils;
pub(crate) mod unicode;
mod unicode_tables;
mod xstrings;

use args::{any, int, ok_str, string};
use goutils::RandomKind;

/// Sprig's `strval`: strings as they are, `[]byte` as text, `error`/`Stringer` values
/// through their method, everything else with `%v`.
pub(crate) fn strval(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        _ => {
            let mut out = String::new();
            kiln_gotmpl::fmt::write_value(&mut out, v);
            out
        }
    }
}

/// Sprig's `strslice`: `[]string` as is; other slices element-wise through [`strval`]
/// (nil elements of `[]interface{}` dropped); nil → empty; anything else → one element.
pub(crate) fn strslice(v: &Value) -> Vec<String> {
    match v {
        Value::Nil => Vec::new(),
        Value::List(l, ListType::Any) => l.iter().filter(|x| !x.is_nil()).map(strval).collect(),
        Value::List(l, _) => l.iter().map(strval).collect(),
        Value::Bytes(b) => b.iter().map(|x| x.to_string()).collect(),
        Value::Object(o) => match o.underlying() {
            Some(u @ (Value::List(..) | Value::Bytes(_))) => strslice(&u),
            _ => vec![strval(v)],
        },
        _ => vec![strval(v)],
    }
}

/// Whether `v` is a Go slice or array (after dereferencing pointers).
pub(crate) fn is_slice(v: &Value) -> bool {
    match v {
        Value::List(..) | Value::Bytes(_) => true,
        Value::Object(o) => matches!(o.underlying(), Some(Value::List(..) | Value::Bytes(_))),
        _ => false,
    }
}

fn string_map(parts: Vec<String>) -> Value {
    let m: Map = parts
        .into_iter()
        .enumerate()
        .map(|(i, p)| (Str::from(format!("_{i}")), Value::from(p)))
        .collect();
    Value::Map(kiln_gotmpl::MapRef::new(m), MapType::String)
}

/// Sprig's `indent` (`pad + strings.Replace(v, "\n", "\n"+pad, -1)`), with `nindent`'s
/// leading line break when `newline`. One pass into a buffer of the exact size: charts
/// indent every `toYaml` they include, so this is on the hot path.
fn indent(spaces: i64, v: &str, newline: bool) -> Result<String, GoError> {
    let pad = gostd::repeat(" ", spaces)?;
    let breaks = v.bytes().filter(|&b| b == b'\n').count();
    let total = v.len() as u128 + (breaks as u128 + 1) * pad.len() as u128;
    if total > gostd::MAX_OUTPUT as u128 {
        return Err(gostd::too_large("indent", total));
    }
    let mut out = String::with_capacity(total as usize + usize::from(newline));
    if newline {
        out.push('\n');
    }
    out.push_str(&pad);
    let mut lines = v.split('\n');
    if let Some(first) = lines.next() {
        out.push_str(first);
    }
    for line in lines {
        out.push('\n');
        out.push_str(&pad);
        out.push_str(line);
    }
    Ok(out)
}

fn random(count: i64, kind: RandomKind) -> Result<Value, GoError> {
    if count <= 0 {
        return ok_str("");
    }
    if count as u64 > gostd::MAX_OUTPUT as u64 {
        return Err(gostd::too_large("random string", count as u128));
    }
    ok_str(goutils::crypto_random(count as usize, kind))
}

/// `os.Expand(s, mapping)` with every variable empty.
fn expand_env(s: &str) -> String {
    fn special(c: u8) -> bool {
        matches!(
            c,
            b'*' | b'#' | b'$' | b'@' | b'!' | b'?' | b'-' | b'0'..=b'9'
        )
    }
    fn alnum(c: u8) -> bool {
        c == b'_' || c.is_ascii_alphanumeric()
    }
    // (name is non-empty, bytes consumed) as Go's getShellName.
    fn shell_name(s: &[u8]) -> (bool, usize) {
        match s.first() {
            Some(b'{') => {
                if s.len() > 2 && special(s[1]) && s[2] == b'}' {
                    return (true, 3);
                }
                for (i, &c) in s.iter().enumerate().skip(1) {
                    if c == b'}' {
                        return if i == 1 { (false, 2) } else { (true, i + 1) };
                    }
                }
                (false, 1)
            }
            Some(&c) if special(c) => (true, 1),
            _ => {
                let n = s.iter().take_while(|&&c| alnum(c)).count();
                (n > 0, n)
            }
        }
    }
    let b = s.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    let mut j = 0;
    while j < b.len() {
        if b[j] == b'$' && j + 1 < b.len() {
            out.extend_from_slice(&b[i..j]);
            let (named, w) = shell_name(&b[j + 1..]);
            if !named && w == 0 {
                out.push(b'$');
            }
            j += w;
            i = j + 1;
        }
        j += 1;
    }
    if i < b.len() {
        out.extend_from_slice(&b[i..]);
    }
    gostd::lossy(&out)
}

pub(crate) fn register(funcs: &mut FuncMap) {
    use Ty::{Any, Int, String as S};

    funcs.add_pure("hello", &[], None, |_| ok_str("Hello!"));

    funcs.add_pure("abbrev", &[Int, S], None, |a| {
        let (w, s) = (int(a, 0)?, string(a, 1)?);
        if w < 4 {
            return ok_str(s);
        }
        ok_str(goutils::abbreviate_full(s, 0, w).unwrap_or_default())
    });
    funcs.add_pure("abbrevboth", &[Int, Int, S], None, |a| {
        let (left, right, s) = (int(a, 0)?, int(a, 1)?, string(a, 2)?);
        if right < 4 || left > 0 && right < 7 {
            return ok_str(s);
        }
        ok_str(goutils::abbreviate_full(s, left, right).unwrap_or_default())
    });
    funcs.add_pure("trunc", &[Int, S], None, |a| {
        let (c, s) = (int(a, 0)?, string(a, 1)?);
        let len = s.len() as i64;
        let b = s.as_bytes();
        if c < 0 && len + c > 0 {
            return ok_str(gostd::lossy(&b[(len + c) as usize..]));
        }
        if c >= 0 && len > c {
            return ok_str(gostd::lossy(&b[..c as usize]));
        }
        ok_str(s)
    });
    funcs.add_pure("trim", &[S], None, |a| {
        ok_str(gostd::trim_space(string(a, 0)?))
    });
    funcs.add_pure("upper", &[S], None, |a| {
        ok_str(gostd::to_upper(string(a, 0)?))
    });
    funcs.add_pure("lower", &[S], None, |a| {
        ok_str(gostd::to_lower(string(a, 0)?))
    });
    funcs.add_pure("title", &[S], None, |a| ok_str(gostd::title(string(a, 0)?)));
    funcs.add_pure("untitle", &[S], None, |a| {
        ok_str(goutils::uncapitalize(string(a, 0)?))
    });
    funcs.add_pure("substr", &[Int, Int, S], None, |a| {
        let (start, end, s) = (int(a, 0)?, int(a, 1)?, string(a, 2)?);
        let b = s.as_bytes();
        let cut = if start < 0 {
            gostd::slice(b, None, Some(end))?
        } else if end < 0 || end > b.len() as i64 {
            gostd::slice(b, Some(start), None)?
        } else {
            gostd::slice(b, Some(start), Some(end))?
        };
        ok_str(gostd::lossy(cut))
    });
    funcs.add_pure("repeat", &[Int, S], None, |a| {
        ok_str(gostd::repeat(string(a, 1)?, int(a, 0)?)?)
    });
    for name in ["trimall", "trimAll"] {
        funcs.add_pure(name, &[S, S], None, |a| {
            ok_str(gostd::trim(string(a, 1)?, string(a, 0)?))
        });
    }
    funcs.add_pure("trimSuffix", &[S, S], None, |a| {
        let (suf, s) = (string(a, 0)?, string(a, 1)?);
        ok_str(s.strip_suffix(suf).unwrap_or(s))
    });
    funcs.add_pure("trimPrefix", &[S, S], None, |a| {
        let (pre, s) = (string(a, 0)?, string(a, 1)?);
        ok_str(s.strip_prefix(pre).unwrap_or(s))
    });
    funcs.add_pure("nospace", &[S], None, |a| {
        ok_str(goutils::delete_white_space(string(a, 0)?))
    });
    funcs.add_pure("initials", &[S], None, |a| {
        ok_str(goutils::initials(string(a, 0)?))
    });
    for (name, kind) in [
        ("randAlphaNum", RandomKind::AlphaNum),
        ("randAlpha", RandomKind::Alpha),
        ("randAscii", RandomKind::Ascii),
        ("randNumeric", RandomKind::Numeric),
    ] {
        funcs.add_pure(name, &[Int], None, move |a| random(int(a, 0)?, kind));
    }
    funcs.add_pure("swapcase", &[S], None, |a| {
        ok_str(goutils::swap_case(string(a, 0)?))
    });
    funcs.add_pure("shuffle", &[S], None, |a| {
        ok_str(xstrings::shuffle(string(a, 0)?))
    });
    funcs.add_pure("snakecase", &[S], None, |a| {
        ok_str(xstrings::to_snake_case(string(a, 0)?))
    });
    funcs.add_pure("camelcase", &[S], None, |a| {
        ok_str(xstrings::to_pascal_case(string(a, 0)?))
    });
    funcs.add_pure("kebabcase", &[S], None, |a| {
        ok_str(xstrings::to_kebab_case(string(a, 0)?))
    });
    funcs.add_pure("wrap", &[Int, S], None, |a| {
        ok_str(goutils::wrap_custom(string(a, 1)?, int(a, 0)?, "", false))
    });
    funcs.add_pure("wrapWith", &[Int, S, S], None, |a| {
        let (l, sep, s) = (int(a, 0)?, string(a, 1)?, string(a, 2)?);
        // Each line break adds `sep`; at most one per byte of input.
        let total = s.len() as u128 * (sep.len() as u128 + 1);
        if total > gostd::MAX_OUTPUT as u128 {
            return Err(gostd::too_large("wrapWith", total));
        }
        ok_str(goutils::wrap_custom(s, l, sep, true))
    });
    funcs.add_pure("contains", &[S, S], None, |a| {
        Ok(Value::Bool(string(a, 1)?.contains(string(a, 0)?)))
    });
    funcs.add_pure("hasPrefix", &[S, S], None, |a| {
        Ok(Value::Bool(string(a, 1)?.starts_with(string(a, 0)?)))
    });
    funcs.add_pure("hasSuffix", &[S, S], None, |a| {
        Ok(Value::Bool(string(a, 1)?.ends_with(string(a, 0)?)))
    });
    funcs.add_pure("quote", &[], Some(Any), |a| {
        let out: Vec<String> = a
            .iter()
            .filter(|v| !v.is_nil())
            .map(|v| kiln_gotmpl::fmt::sprintf("%q", &[Value::from(strval(v))]))
            .collect();
        ok_str(out.join(" "))
    });
    funcs.add_pure("squote", &[], Some(Any), |a| {
        let out: Vec<String> = a
            .iter()
            .filter(|v| !v.is_nil())
            .map(|v| {
                let mut s = String::from("'");
                kiln_gotmpl::fmt::write_value(&mut s, v);
                s.push('\'');
                s
            })
            .collect();
        ok_str(out.join(" "))
    });
    funcs.add_pure("cat", &[], Some(Any), |a| {
        let mut out = String::new();
        for (i, v) in a.iter().filter(|v| !v.is_nil()).enumerate() {
            if i > 0 {
                out.push(' ');
            }
            kiln_gotmpl::fmt::write_value(&mut out, v);
        }
        ok_str(out)
    });
    funcs.add_pure("indent", &[Int, S], None, |a| {
        ok_str(indent(int(a, 0)?, string(a, 1)?, false)?)
    });
    funcs.add_pure("nindent", &[Int, S], None, |a| {
        ok_str(indent(int(a, 0)?, string(a, 1)?, true)?)
    });
    funcs.add_pure("replace", &[S, S, S], None, |a| {
        ok_str(gostd::replace_all(
            string(a, 2)?,
            string(a, 0)?,
            string(a, 1)?,
        )?)
    });
    funcs.add_pure("plural", &[S, S, Int], None, |a| {
        let (one, many, n) = (string(a, 0)?, string(a, 1)?, int(a, 2)?);
        ok_str(if n == 1 { one } else { many })
    });
    funcs.add_pure("split", &[S, S], None, |a| {
        Ok(string_map(gostd::split_n(string(a, 1)?, string(a, 0)?, -1)))
    });
    funcs.add_pure("splitList", &[S, S], None, |a| {
        Ok(Value::string_list(gostd::split_n(
            string(a, 1)?,
            string(a, 0)?,
            -1,
        )))
    });
    funcs.add_pure("splitn", &[S, Int, S], None, |a| {
        Ok(string_map(gostd::split_n(
            string(a, 2)?,
            string(a, 0)?,
            int(a, 1)?,
        )))
    });
    funcs.add_pure("join", &[S, Any], None, |a| {
        ok_str(strslice(any(a, 1)).join(string(a, 0)?))
    });
    funcs.add_pure("sortAlpha", &[Any], None, |a| {
        let v = any(a, 0);
        if !is_slice(v) {
            return Ok(Value::string_list([strval(v)]));
        }
        let mut l = strslice(v);
        l.sort_unstable();
        Ok(Value::string_list(l))
    });
    funcs.add_pure("b64enc", &[S], None, |a| {
        ok_str(encoding::b64_encode(args::bytes(a, 0)?))
    });
    funcs.add_pure("b64dec", &[S], None, |a| {
        Ok(match encoding::b64_decode(args::bytes(a, 0)?) {
            Ok(b) => Value::from_go_bytes(&b),
            Err(e) => Value::from(e),
        })
    });
    funcs.add_pure("b32enc", &[S], None, |a| {
        ok_str(encoding::b32_encode(args::bytes(a, 0)?))
    });
    funcs.add_pure("b32dec", &[S], None, |a| {
        Ok(match encoding::b32_decode(args::bytes(a, 0)?) {
            Ok(b) => Value::from_go_bytes(&b),
            Err(e) => Value::from(e),
        })
    });
    funcs.add_pure("env", &[S], None, |a| {
        string(a, 0)?;
        ok_str("")
    });
    funcs.add_pure("expandenv", &[S], None, |a| {
        ok_str(expand_env(string(a, 0)?))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expand_env_like_go_with_empty_env() {
        assert_eq!(expand_env("a $HOME b"), "a  b");
        assert_eq!(expand_env("${X}y"), "y");
        assert_eq!(expand_env("$"), "$");
        assert_eq!(expand_env("a$ b"), "a$ b");
        assert_eq!(expand_env("${}x"), "x");
        assert_eq!(expand_env("${x"), "x");
        assert_eq!(expand_env("cost $5"), "cost ");
    }
}
