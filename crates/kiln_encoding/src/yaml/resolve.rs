//! YAML 1.1 implicit typing of plain scalars, as goyaml.v2 (`resolve.go`) does it, plus the
//! helpers its encoder uses to decide quoting (`isBase60Float`) and Go's `time.Parse` of
//! the timestamp layouts goyaml accepts.

use crate::gonum::{parse_float, parse_int, parse_uint};

pub(crate) const STR_TAG: &str = "tag:yaml.org,2002:str";
pub(crate) const BOOL_TAG: &str = "tag:yaml.org,2002:bool";
pub(crate) const INT_TAG: &str = "tag:yaml.org,2002:int";
pub(crate) const FLOAT_TAG: &str = "tag:yaml.org,2002:float";
pub(crate) const NULL_TAG: &str = "tag:yaml.org,2002:null";
pub(crate) const TIMESTAMP_TAG: &str = "tag:yaml.org,2002:timestamp";
pub(crate) const BINARY_TAG: &str = "tag:yaml.org,2002:binary";
pub(crate) const MERGE_TAG: &str = "tag:yaml.org,2002:merge";

/// A resolved scalar: goyaml's `interface{}` result of decoding a scalar.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
}

/// The resolved tag kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RTag {
    Str,
    Bool,
    Int,
    Float,
    Null,
    Timestamp,
    /// A tag goyaml does not resolve (`!foo`, `!!binary`, `!!map`...): the value stays a
    /// string and the tag is kept.
    Other,
}

impl RTag {
    fn long(self) -> &'static str {
        match self {
            RTag::Str => STR_TAG,
            RTag::Bool => BOOL_TAG,
            RTag::Int => INT_TAG,
            RTag::Float => FLOAT_TAG,
            RTag::Null => NULL_TAG,
            RTag::Timestamp => TIMESTAMP_TAG,
            RTag::Other => "",
        }
    }
}

/// `shortTag`: `tag:yaml.org,2002:x` → `!!x`.
pub(crate) fn short_tag(tag: &str) -> String {
    match tag.strip_prefix("tag:yaml.org,2002:") {
        Some(rest) => format!("!!{rest}"),
        None => tag.to_string(),
    }
}

fn resolvable(tag: &str) -> bool {
    matches!(
        tag,
        "" | STR_TAG | BOOL_TAG | INT_TAG | FLOAT_TAG | NULL_TAG | TIMESTAMP_TAG
    )
}

/// Entries of goyaml.v2's `resolveMap`.
fn lookup(s: &str) -> Option<(RTag, Scalar)> {
    Some(match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            (RTag::Bool, Scalar::Bool(true))
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            (RTag::Bool, Scalar::Bool(false))
        }
        "" | "~" | "null" | "Null" | "NULL" => (RTag::Null, Scalar::Null),
        ".nan" | ".NaN" | ".NAN" => (RTag::Float, Scalar::Float(f64::NAN)),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            (RTag::Float, Scalar::Float(f64::INFINITY))
        }
        "-.inf" | "-.Inf" | "-.INF" => (RTag::Float, Scalar::Float(f64::NEG_INFINITY)),
        _ => return None,
    })
}

/// goyaml's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
pub(crate) fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let st = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - st
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// goyaml's `isBase60Float`: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
pub(crate) fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() {
        return false;
    }
    let c = b[0];
    if !(c == b'+' || c == b'-' || c.is_ascii_digit()) || !s.contains(':') {
        return false;
    }
    let mut i = 0;
    if b[i] == b'+' || b[i] == b'-' {
        i += 1;
    }
    if i >= b.len() || !b[i].is_ascii_digit() {
        return false;
    }
    i += 1;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    // One or more groups of ':' [0-5]? [0-9]. The regexp engine backtracks; a group is
    // one or two digits where a two-digit group starts with 0-5.
    let mut groups = 0;
    while i < b.len() && b[i] == b':' {
        let j = i + 1;
        if j < b.len() && b[j].is_ascii_digit() {
            if j + 1 < b.len() && b[j + 1].is_ascii_digit() && (b'0'..=b'5').contains(&b[j]) {
                // Prefer two digits, but a lone digit followed by another digit cannot
                // end a group (the next character must be ':', '.' or the end).
                i = j + 2;
            } else {
                i = j + 1;
            }
            groups += 1;
        } else {
            return false;
        }
    }
    if groups == 0 {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// Resolution failure: goyaml's `cannot decode !!str `x` as a !!int`.
#[derive(Debug)]
pub(crate) struct ResolveError(pub String);

/// goyaml.v2 `resolve(tag, in)`: the resolved tag and value. `tag` is the node's long tag
/// ("" for untagged plain scalars).
pub(crate) fn resolve(tag: &str, input: &str) -> Result<(RTag, Scalar), ResolveError> {
    if !resolvable(tag) {
        return Ok((RTag::Other, Scalar::Str(input.to_string())));
    }
    let (rtag, out) = resolve_inner(tag, input);
    // The deferred check of goyaml's resolve.
    let ok = match tag {
        "" | STR_TAG | BINARY_TAG => true,
        t if t == rtag.long() => true,
        FLOAT_TAG if rtag == RTag::Int => {
            let f = match out {
                Scalar::Int(i) => i as f64,
                _ => {
                    return Err(ResolveError(format!(
                        "cannot decode {} `{}` as a {}",
                        short_tag(rtag.long()),
                        input,
                        short_tag(tag)
                    )))
                }
            };
            return Ok((RTag::Float, Scalar::Float(f)));
        }
        _ => false,
    };
    if !ok {
        return Err(ResolveError(format!(
            "cannot decode {} `{}` as a {}",
            short_tag(rtag.long()),
            input,
            short_tag(tag)
        )));
    }
    Ok((rtag, out))
}

fn resolve_inner(tag: &str, input: &str) -> (RTag, Scalar) {
    let hint = match input.as_bytes().first() {
        None => b'N',
        Some(b'+' | b'-') => b'S',
        Some(b'0'..=b'9') => b'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => b'M',
        Some(b'.') => b'.',
        // No entry in goyaml's resolveTable: "<<" too resolves to a string (merge keys
        // are recognized on the raw node by `isMerge`).
        _ => 0,
    };
    if hint != 0 && tag != STR_TAG && tag != BINARY_TAG {
        if let Some(item) = lookup(input) {
            return item;
        }
        match hint {
            b'.' => {
                if let Ok(f) = parse_float(input) {
                    return (RTag::Float, Scalar::Float(f));
                }
            }
            b'D' | b'S' => {
                if (tag.is_empty() || tag == TIMESTAMP_TAG) && is_timestamp(input) {
                    return (RTag::Timestamp, Scalar::Str(input.to_string()));
                }
                let plain: String = input.chars().filter(|&c| c != '_').collect();
                if let Ok(i) = parse_int(&plain, 0) {
                    return (RTag::Int, Scalar::Int(i));
                }
                if let Ok(u) = parse_uint(&plain, 0) {
                    return (RTag::Int, Scalar::Uint(u));
                }
                if is_yaml_style_float(&plain) {
                    if let Ok(f) = parse_float(&plain) {
                        return (RTag::Float, Scalar::Float(f));
                    }
                }
                if let Some(rest) = plain.strip_prefix("0b") {
                    if let Ok(i) = parse_int(rest, 2) {
                        return (RTag::Int, Scalar::Int(i));
                    }
                    if let Ok(u) = parse_uint(rest, 2) {
                        return (RTag::Int, Scalar::Uint(u));
                    }
                } else if let Some(rest) = plain.strip_prefix("-0b") {
                    if let Ok(i) = parse_int(&format!("-{rest}"), 2) {
                        return (RTag::Int, Scalar::Int(i));
                    }
                }
            }
            _ => {}
        }
    }
    (RTag::Str, Scalar::Str(input.to_string()))
}

// ------------------------------------------------------------------ timestamps

fn getnum(s: &[u8], fixed: bool) -> Option<(u32, &[u8])> {
    if s.is_empty() || !s[0].is_ascii_digit() {
        return None;
    }
    if s.len() < 2 || !s[1].is_ascii_digit() {
        if fixed {
            return None;
        }
        return Some(((s[0] - b'0') as u32, &s[1..]));
    }
    Some((((s[0] - b'0') * 10 + (s[1] - b'0')) as u32, &s[2..]))
}

fn days_in(month: u32, year: i64) -> u32 {
    match month {
        2 => {
            if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) {
                29
            } else {
                28
            }
        }
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn skip_spaces(s: &[u8]) -> &[u8] {
    let mut i = 0;
    while i < s.len() && s[i] == b' ' {
        i += 1;
    }
    &s[i..]
}

/// Go's `time.Parse` with one of goyaml's layouts; `sep` is `Some(b'T')`, `Some(b't')`,
/// `Some(b' ')` (the time part follows) or `None` (date only); `zone` says whether the
/// layout ends with `Z07:00`.
fn parse_layout(s: &[u8], sep: Option<u8>, zone: bool) -> bool {
    // 2006
    if s.len() < 4 || !s[0].is_ascii_digit() || !s[..4].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let year: i64 = std::str::from_utf8(&s[..4])
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut v = &s[4..];
    // -1
    if v.first() != Some(&b'-') {
        return false;
    }
    v = &v[1..];
    let Some((month, rest)) = getnum(v, false) else {
        return false;
    };
    v = rest;
    let mut range_err = !(1..=12).contains(&month);
    if v.first() != Some(&b'-') {
        return false;
    }
    v = &v[1..];
    let Some((day, rest)) = getnum(v, false) else {
        return false;
    };
    v = rest;
    if let Some(sep) = sep {
        if sep == b' ' {
            if !v.is_empty() && v[0] != b' ' {
                return false;
            }
            v = skip_spaces(v);
        } else {
            if v.first() != Some(&sep) {
                return false;
            }
            v = &v[1..];
        }
        let Some((hour, rest)) = getnum(v, false) else {
            return false;
        };
        v = rest;
        if hour >= 24 {
            range_err = true;
        }
        if v.first() != Some(&b':') {
            return false;
        }
        v = &v[1..];
        let Some((min, rest)) = getnum(v, false) else {
            return false;
        };
        v = rest;
        if min >= 60 {
            range_err = true;
        }
        if v.first() != Some(&b':') {
            return false;
        }
        v = &v[1..];
        let Some((sec, rest)) = getnum(v, false) else {
            return false;
        };
        v = rest;
        if sec >= 60 {
            range_err = true;
        }
        // .999999999: optional fraction, any number of digits.
        if v.len() >= 2 && (v[0] == b'.' || v[0] == b',') && v[1].is_ascii_digit() {
            let mut i = 1;
            while i < v.len() && v[i].is_ascii_digit() {
                i += 1;
            }
            v = &v[i..];
        }
        if zone {
            if v.first() == Some(&b'Z') {
                v = &v[1..];
            } else {
                if v.len() < 6 || v[3] != b':' {
                    return false;
                }
                let sign = v[0];
                let Some((hr, _)) = getnum(&v[1..3], true) else {
                    return false;
                };
                let Some((mm, _)) = getnum(&v[4..6], true) else {
                    return false;
                };
                if hr > 24 || mm > 60 {
                    range_err = true;
                }
                if sign != b'+' && sign != b'-' {
                    return false;
                }
                v = &v[6..];
            }
        }
    }
    if !v.is_empty() || range_err {
        return false;
    }
    day >= 1 && day <= days_in(month, year)
}

/// goyaml.v2 `parseTimestamp`: whether `s` parses with one of its four layouts.
pub(crate) fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i != 4 || i == b.len() || b[i] != b'-' {
        return false;
    }
    parse_layout(b, Some(b'T'), true)
        || parse_layout(b, Some(b't'), true)
        || parse_layout(b, Some(b' '), false)
        || parse_layout(b, None, false)
}

/// Whether goyaml.v2's encoder may write `s` as a plain scalar: it must resolve to a
/// string and not look like a base 60 float (`encode.go: stringv`).
pub(crate) fn v2_plain_ok(s: &str) -> bool {
    // Fast path: most strings start with a character that has no resolver hint.
    match s.as_bytes().first() {
        Some(
            b'+'
            | b'-'
            | b'0'..=b'9'
            | b'y'
            | b'Y'
            | b'n'
            | b'N'
            | b't'
            | b'T'
            | b'f'
            | b'F'
            | b'o'
            | b'O'
            | b'~'
            | b'.',
        )
        | None => matches!(resolve_inner("", s).0, RTag::Str) && !is_base60_float(s),
        Some(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert!(is_timestamp("2024-01-01"));
        assert!(is_timestamp("2024-1-1"));
        assert!(is_timestamp("2024-01-01T10:00:00Z"));
        assert!(is_timestamp("2024-01-01 10:00:00"));
        assert!(is_timestamp("2024-01-01t10:00:00.5+01:00"));
        assert!(!is_timestamp("2024-02-30"));
        assert!(!is_timestamp("2024-13-01"));
        assert!(!is_timestamp("2024-01-01x"));
        assert!(!is_timestamp("12:30"));
    }

    #[test]
    fn base60() {
        assert!(is_base60_float("12:30"));
        assert!(is_base60_float("1:2:3"));
        assert!(is_base60_float("190:20:30"));
        assert!(!is_base60_float("1:70"));
        assert!(!is_base60_float("a:b"));
        assert!(is_base60_float("1:30.5"));
    }

    #[test]
    fn resolves() {
        assert_eq!(resolve("", "yes").unwrap().1, Scalar::Bool(true));
        assert_eq!(resolve("", "0755").unwrap().1, Scalar::Int(493));
        assert_eq!(resolve("", "08").unwrap().1, Scalar::Float(8.0));
        assert_eq!(resolve("", "1_000").unwrap().1, Scalar::Int(1000));
        assert_eq!(resolve("", "0b101").unwrap().1, Scalar::Int(5));
        assert_eq!(resolve("", "1e400").unwrap().1, Scalar::Str("1e400".into()));
        assert_eq!(resolve("", "2024-01-01").unwrap().0, RTag::Timestamp);
        assert_eq!(resolve(INT_TAG, "5").unwrap().1, Scalar::Int(5));
        assert!(resolve(INT_TAG, "abc").is_err());
        assert_eq!(resolve(FLOAT_TAG, "1").unwrap().1, Scalar::Float(1.0));
    }
}
