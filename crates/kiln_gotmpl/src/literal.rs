//! Go literal syntax: `strconv.ParseInt/ParseUint/ParseFloat` with base 0 (prefixes,
//! underscores), `strconv.Unquote` and `UnquoteChar`, as the template parser uses them.

/// Go's `strconv.ParseUint(s, 0, 64)`.
pub fn parse_uint(s: &str) -> Option<u64> {
    let (base, digits) = split_base(s)?;
    let digits = strip_underscores(digits, base != 10 || s.starts_with('0'))?;
    if digits.is_empty() {
        return None;
    }
    u64::from_str_radix(&digits, base).ok()
}

/// Go's `strconv.ParseInt(s, 0, 64)`.
pub fn parse_int(s: &str) -> Option<i64> {
    let (neg, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let u = parse_uint(rest)?;
    if neg {
        if u <= (i64::MAX as u64) + 1 {
            Some((u as i128).wrapping_neg() as i64)
        } else {
            None
        }
    } else if u <= i64::MAX as u64 {
        Some(u as i64)
    } else {
        None
    }
}

/// Splits the base prefix of an unsigned integer literal (base 0 rules): `0x`, `0o`,
/// `0b`, a leading `0` (octal), else decimal.
fn split_base(s: &str) -> Option<(u32, &str)> {
    let b = s.as_bytes();
    if b.is_empty() {
        return None;
    }
    if b[0] == b'0' && b.len() > 1 {
        match b[1] {
            b'x' | b'X' => return Some((16, &s[2..])),
            b'o' | b'O' => return Some((8, &s[2..])),
            b'b' | b'B' => return Some((2, &s[2..])),
            _ => return Some((8, &s[1..])),
        }
    }
    Some((10, s))
}

/// Removes `_` separators, enforcing Go's rule that an underscore must separate digits
/// (or follow the base prefix). Underscores are only legal with base prefix syntax
/// (`base_prefixed`) or between decimal digits.
fn strip_underscores(digits: &str, base_prefixed: bool) -> Option<String> {
    if !digits.contains('_') {
        return Some(digits.to_string());
    }
    let _ = base_prefixed;
    // Go's underscoreOK: '_' must be between digits or after a base prefix.
    let b = digits.as_bytes();
    let mut out = String::with_capacity(digits.len());
    for (i, &c) in b.iter().enumerate() {
        if c == b'_' {
            let next_ok = b.get(i + 1).is_some_and(|n| n.is_ascii_alphanumeric());
            if !next_ok {
                return None;
            }
            if i > 0 && b[i - 1] == b'_' {
                return None;
            }
        } else {
            out.push(c as char);
        }
    }
    Some(out)
}

/// Go's `strconv.ParseFloat(s, 64)`: decimal and hexadecimal (`0x1p-2`) forms,
/// underscores between digits, `inf`/`infinity`/`nan` in any case with optional sign.
/// Out-of-range values are errors in Go (`ErrRange`); they return `None` here.
pub fn parse_float(s: &str) -> Option<f64> {
    let (sign, rest) = match s.as_bytes().first() {
        Some(b'-') => (-1.0, &s[1..]),
        Some(b'+') => (1.0, &s[1..]),
        _ => (1.0, s),
    };
    let lower = rest.to_ascii_lowercase();
    if lower == "inf" || lower == "infinity" {
        return Some(sign * f64::INFINITY);
    }
    if lower == "nan" {
        return Some(f64::NAN);
    }
    let cleaned = if rest.contains('_') {
        strip_underscores(rest, true)?
    } else {
        rest.to_string()
    };
    if cleaned.len() > 2 && (cleaned.starts_with("0x") || cleaned.starts_with("0X")) {
        return parse_hex_float(&cleaned[2..]).map(|f| sign * f);
    }
    if !cleaned
        .bytes()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return None;
    }
    let f: f64 = cleaned.parse().ok()?;
    if f.is_infinite() {
        return None;
    }
    Some(sign * f)
}

fn parse_hex_float(s: &str) -> Option<f64> {
    let (mant, exp) = match s.find(['p', 'P']) {
        Some(i) => (&s[..i], s[i + 1..].parse::<i32>().ok()?),
        None => (s, 0),
    };
    let (int_part, frac_part) = match mant.find('.') {
        Some(i) => (&mant[..i], &mant[i + 1..]),
        None => (mant, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    let mut v = 0f64;
    for c in int_part.chars() {
        v = v * 16.0 + c.to_digit(16)? as f64;
    }
    let mut scale = 1.0 / 16.0;
    for c in frac_part.chars() {
        v += c.to_digit(16)? as f64 * scale;
        scale /= 16.0;
    }
    let r = v * 2f64.powi(exp);
    if r.is_infinite() {
        None
    } else {
        Some(r)
    }
}

/// Go's `strconv.Unquote` for double-quoted and back-quoted strings.
pub fn unquote(s: &str) -> Result<String, &'static str> {
    let b = s.as_bytes();
    if b.len() < 2 {
        return Err("invalid syntax");
    }
    let (q, last) = (b[0], b[b.len() - 1]);
    if q != last {
        return Err("invalid syntax");
    }
    let body = &s[1..s.len() - 1];
    match q {
        b'`' => {
            if body.contains('`') {
                return Err("invalid syntax");
            }
            Ok(body.replace('\r', ""))
        }
        b'"' => {
            let mut out = String::with_capacity(body.len());
            let mut rest = body;
            while !rest.is_empty() {
                if rest.starts_with('"') || rest.starts_with('\n') {
                    return Err("invalid syntax");
                }
                let (c, tail) = unquote_char(rest, b'"')?;
                match c {
                    Unquoted::Char(c) => out.push(c),
                    Unquoted::Byte(byte) => {
                        // A single \xHH or octal escape >= 0x80 would make invalid UTF-8 in
                        // Go; keep it as the Latin-1 code point (best effort).
                        out.push(byte as char)
                    }
                }
                rest = tail;
            }
            Ok(out)
        }
        _ => Err("invalid syntax"),
    }
}

/// One decoded character of a quoted literal.
pub enum Unquoted {
    Char(char),
    Byte(u8),
}

/// Go's `strconv.UnquoteChar(s, quote)`: decodes the first character or escape of `s`.
pub fn unquote_char(s: &str, quote: u8) -> Result<(Unquoted, &str), &'static str> {
    let mut chars = s.chars();
    let c = chars.next().ok_or("invalid syntax")?;
    if c as u32 == quote as u32 && (quote == b'\'' || quote == b'"') {
        return Err("invalid syntax");
    }
    if c != '\\' {
        return Ok((Unquoted::Char(c), chars.as_str()));
    }
    let rest = chars.as_str();
    let e = rest.chars().next().ok_or("invalid syntax")?;
    let after = &rest[e.len_utf8()..];
    let simple = |ch: char| Ok((Unquoted::Char(ch), after));
    match e {
        'a' => simple('\x07'),
        'b' => simple('\x08'),
        'f' => simple('\x0c'),
        'n' => simple('\n'),
        'r' => simple('\r'),
        't' => simple('\t'),
        'v' => simple('\x0b'),
        '\\' => simple('\\'),
        '\'' | '"' => {
            if e as u32 != quote as u32 {
                return Err("invalid syntax");
            }
            simple(e)
        }
        'x' | 'u' | 'U' => {
            let n = match e {
                'x' => 2,
                'u' => 4,
                _ => 8,
            };
            if after.len() < n || !after.is_char_boundary(n) {
                return Err("invalid syntax");
            }
            let v = u32::from_str_radix(&after[..n], 16).map_err(|_| "invalid syntax")?;
            if e == 'x' {
                return Ok((Unquoted::Byte(v as u8), &after[n..]));
            }
            let ch = char::from_u32(v).ok_or("invalid syntax")?;
            Ok((Unquoted::Char(ch), &after[n..]))
        }
        '0'..='7' => {
            if rest.len() < 3 || !rest.is_char_boundary(3) {
                return Err("invalid syntax");
            }
            let v = u32::from_str_radix(&rest[..3], 8).map_err(|_| "invalid syntax")?;
            if v > 255 {
                return Err("invalid syntax");
            }
            Ok((Unquoted::Byte(v as u8), &rest[3..]))
        }
        _ => Err("invalid syntax"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints() {
        assert_eq!(parse_int("0x1F"), Some(31));
        assert_eq!(parse_int("017"), Some(15));
        assert_eq!(parse_int("0o17"), Some(15));
        assert_eq!(parse_int("0b101"), Some(5));
        assert_eq!(parse_int("1_000"), Some(1000));
        assert_eq!(parse_int("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_int("9223372036854775808"), None);
        assert_eq!(parse_int("1__0"), None);
        assert_eq!(parse_int("089"), None);
    }

    #[test]
    fn floats() {
        assert_eq!(parse_float("1.5e3"), Some(1500.0));
        assert_eq!(parse_float("0x1p-2"), Some(0.25));
        assert_eq!(parse_float(".5"), Some(0.5));
        assert_eq!(parse_float("1e400"), None);
    }

    #[test]
    fn strings() {
        assert_eq!(unquote(r#""a\tb\u00e9""#).unwrap(), "a\tb\u{e9}");
        assert_eq!(unquote("`a\\n`").unwrap(), "a\\n");
        assert!(unquote(r#""\'""#).is_err());
    }
}
