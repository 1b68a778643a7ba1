//! Go's `strconv` number parsing and formatting, as the encoders need them:
//! `ParseInt`/`ParseUint` with base 0 (prefixes, underscores), decimal `ParseFloat`,
//! and `FormatFloat` with the `'e'`, `'f'` and `'g'` formats at shortest precision for
//! 64- and 32-bit floats.

/// Why a Go `strconv` parse failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NumError {
    Syntax,
    Range,
}

/// Go's `underscoreOK`: underscores only between digits (a base prefix counts as one).
fn underscore_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let mut saw = b'^';
    let mut i = 0;
    let mut s = b;
    if !s.is_empty() && (s[0] == b'-' || s[0] == b'+') {
        s = &s[1..];
    }
    let mut hex = false;
    if s.len() >= 2 && s[0] == b'0' && matches!(s[1] | 0x20, b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = s[1] | 0x20 == b'x';
    }
    while i < s.len() {
        let c = s[i];
        if c.is_ascii_digit() || (hex && (c | 0x20).is_ascii_hexdigit()) {
            saw = b'0';
            i += 1;
            continue;
        }
        if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
            i += 1;
            continue;
        }
        if saw == b'_' {
            return false;
        }
        saw = b'!';
        i += 1;
    }
    saw != b'_'
}

/// `strconv.ParseUint(s, base, 64)` for base 0 (prefix-detected, underscores allowed)
/// or an explicit base 2..=36.
pub(crate) fn parse_uint(s: &str, base: u32) -> Result<u64, NumError> {
    if s.is_empty() {
        return Err(NumError::Syntax);
    }
    let s0 = s;
    let base0 = base == 0;
    let mut b = s.as_bytes();
    let mut base = base;
    if base0 {
        base = 10;
        if b[0] == b'0' {
            if b.len() >= 3 && b[1] | 0x20 == b'b' {
                base = 2;
                b = &b[2..];
            } else if b.len() >= 3 && b[1] | 0x20 == b'o' {
                base = 8;
                b = &b[2..];
            } else if b.len() >= 3 && b[1] | 0x20 == b'x' {
                base = 16;
                b = &b[2..];
            } else {
                base = 8;
                b = &b[1..];
            }
        }
    }
    let mut n: u64 = 0;
    let mut underscores = false;
    let mut overflow = false;
    for &c in b {
        let d = if c.is_ascii_digit() {
            (c - b'0') as u32
        } else if (c | 0x20).is_ascii_lowercase() {
            ((c | 0x20) - b'a' + 10) as u32
        } else if c == b'_' && base0 {
            underscores = true;
            continue;
        } else {
            return Err(NumError::Syntax);
        };
        if d >= base {
            return Err(NumError::Syntax);
        }
        if !overflow {
            match n
                .checked_mul(base as u64)
                .and_then(|v| v.checked_add(d as u64))
            {
                Some(v) => n = v,
                None => overflow = true,
            }
        }
    }
    if underscores && !underscore_ok(s0) {
        return Err(NumError::Syntax);
    }
    if overflow {
        return Err(NumError::Range);
    }
    Ok(n)
}

/// `strconv.ParseInt(s, base, 64)`.
pub(crate) fn parse_int(s: &str, base: u32) -> Result<i64, NumError> {
    if s.is_empty() {
        return Err(NumError::Syntax);
    }
    let (neg, rest) = match s.as_bytes()[0] {
        b'+' => (false, &s[1..]),
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    let un = parse_uint(rest, base)?;
    let cutoff = 1u64 << 63;
    if !neg && un >= cutoff {
        return Err(NumError::Range);
    }
    if neg && un > cutoff {
        return Err(NumError::Range);
    }
    Ok(if neg {
        (un as i64).wrapping_neg()
    } else {
        un as i64
    })
}

/// `strconv.ParseFloat(s, 64)` for decimal input (Go syntax: optional sign, digits with
/// optional `.` and exponent, underscores between digits, `inf`/`infinity`/`nan`).
/// Hexadecimal floats are not needed by the callers and are a syntax error here.
pub(crate) fn parse_float(s: &str) -> Result<f64, NumError> {
    let b = s.as_bytes();
    if b.is_empty() {
        return Err(NumError::Syntax);
    }
    let (sign, body) = match b[0] {
        b'+' => (1.0, &s[1..]),
        b'-' => (-1.0, &s[1..]),
        _ => (1.0, s),
    };
    let lower = body.to_ascii_lowercase();
    if lower == "inf" || lower == "infinity" {
        return Ok(sign * f64::INFINITY);
    }
    if lower == "nan" && b[0] != b'+' && b[0] != b'-' {
        return Ok(f64::NAN);
    }
    let bb = body.as_bytes();
    if bb.len() >= 2 && bb[0] == b'0' && bb[1] | 0x20 == b'x' {
        return Err(NumError::Syntax);
    }
    // Validate: digits [. digits] [e [sign] digits], at least one mantissa digit.
    let mut i = 0;
    let mut mant_digits = 0;
    let mut underscores = false;
    let mut clean = String::with_capacity(s.len());
    if sign < 0.0 {
        clean.push('-');
    }
    let mut saw_dot = false;
    while i < bb.len() {
        let c = bb[i];
        if c == b'_' {
            underscores = true;
        } else if c.is_ascii_digit() {
            mant_digits += 1;
            clean.push(c as char);
        } else if c == b'.' && !saw_dot {
            saw_dot = true;
            clean.push('.');
        } else {
            break;
        }
        i += 1;
    }
    if mant_digits == 0 {
        return Err(NumError::Syntax);
    }
    if i < bb.len() && (bb[i] | 0x20) == b'e' {
        clean.push('e');
        i += 1;
        if i < bb.len() && (bb[i] == b'+' || bb[i] == b'-') {
            clean.push(bb[i] as char);
            i += 1;
        }
        let mut exp_digits = 0;
        while i < bb.len() && (bb[i].is_ascii_digit() || bb[i] == b'_') {
            if bb[i] == b'_' {
                underscores = true;
            } else {
                exp_digits += 1;
                clean.push(bb[i] as char);
            }
            i += 1;
        }
        if exp_digits == 0 {
            return Err(NumError::Syntax);
        }
    }
    if i != bb.len() {
        return Err(NumError::Syntax);
    }
    if underscores && !underscore_ok(s) {
        return Err(NumError::Syntax);
    }
    let v: f64 = clean.parse().map_err(|_| NumError::Syntax)?;
    if v.is_infinite() {
        return Err(NumError::Range);
    }
    Ok(v)
}

/// Shortest decimal digits and decimal-point position of `f` (as Go's `ryuFtoaShortest`
/// yields them): `f = 0.d1d2d3... × 10^dp`. Zero gives no digits.
fn shortest_digits(f: f64, bits32: bool) -> (Vec<u8>, i32) {
    if f == 0.0 {
        return (Vec::new(), 0);
    }
    let s = if bits32 {
        format!("{:e}", (f as f32).abs())
    } else {
        format!("{:e}", f.abs())
    };
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: Vec<u8> = mant.bytes().filter(|c| c.is_ascii_digit()).collect();
    (digits, exp + 1)
}

fn fmt_e(out: &mut String, digits: &[u8], dp: i32, prec: usize) {
    out.push(if digits.is_empty() {
        '0'
    } else {
        digits[0] as char
    });
    if prec > 0 {
        out.push('.');
        for i in 1..=prec {
            out.push(if i < digits.len() {
                digits[i] as char
            } else {
                '0'
            });
        }
    }
    out.push('e');
    let mut exp = if digits.is_empty() { 0 } else { dp - 1 };
    if exp < 0 {
        out.push('-');
        exp = -exp;
    } else {
        out.push('+');
    }
    if exp < 10 {
        out.push('0');
    }
    out.push_str(&exp.to_string());
}

fn fmt_f(out: &mut String, digits: &[u8], dp: i32, prec: usize) {
    if dp > 0 {
        let dp = dp as usize;
        for i in 0..dp {
            out.push(if i < digits.len() {
                digits[i] as char
            } else {
                '0'
            });
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 0..prec {
            let j = dp + i as i32;
            let c = if j >= 0 && (j as usize) < digits.len() {
                digits[j as usize] as char
            } else {
                '0'
            };
            out.push(c);
        }
    }
}

/// `strconv.FormatFloat(f, fmt, -1, bits)` for `fmt` in `'e'`, `'f'`, `'g'`.
pub(crate) fn format_float(f: f64, fmt: char, bits32: bool) -> String {
    if f.is_nan() {
        return "NaN".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_string();
    }
    let neg = if bits32 {
        (f as f32).is_sign_negative()
    } else {
        f.is_sign_negative()
    };
    let (digits, dp) = shortest_digits(f, bits32);
    let nd = digits.len();
    let mut out = String::with_capacity(nd + 8);
    if neg {
        out.push('-');
    }
    match fmt {
        'e' => fmt_e(&mut out, &digits, dp, nd.saturating_sub(1)),
        'f' => fmt_f(&mut out, &digits, dp, (nd as i32 - dp).max(0) as usize),
        _ => {
            let exp = dp - 1;
            if nd == 0 {
                // Zero: Go prints "0" (the %e test sees exponent -1).
                fmt_f(&mut out, &digits, dp, 0);
            } else if !(-4..6).contains(&exp) {
                fmt_e(&mut out, &digits, dp, nd - 1);
            } else {
                fmt_f(&mut out, &digits, dp, (nd as i32 - dp).max(0) as usize);
            }
        }
    }
    out
}

/// Go's `%v` of a `float64` (`strconv.FormatFloat(f, 'g', -1, 64)`).
pub fn format_float_g(f: f64) -> String {
    format_float(f, 'g', false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(format_float(1e6, 'g', false), "1e+06");
        assert_eq!(format_float(123456789.0, 'g', false), "1.23456789e+08");
        assert_eq!(format_float(0.0001, 'g', false), "0.0001");
        assert_eq!(format_float(0.00001, 'g', false), "1e-05");
        assert_eq!(format_float(0.0, 'g', false), "0");
        assert_eq!(format_float(-0.0, 'g', false), "-0");
        assert_eq!(format_float(1.5, 'g', false), "1.5");
        assert_eq!(format_float(100000.0, 'g', false), "100000");
        assert_eq!(format_float(1e21, 'e', false), "1e+21");
        assert_eq!(format_float(1e20, 'f', false), "100000000000000000000");
        assert_eq!(format_float(0.000001, 'f', false), "0.000001");
        assert_eq!(format_float(1.1, 'g', true), "1.1");
        assert_eq!(format_float(1.23456789, 'g', true), "1.2345679");
        assert_eq!(format_float(1e100, 'g', false), "1e+100");
    }

    #[test]
    fn parses() {
        assert_eq!(parse_int("0x1F", 0), Ok(31));
        assert_eq!(parse_int("0o17", 0), Ok(15));
        assert_eq!(parse_int("0755", 0), Ok(493));
        assert_eq!(parse_int("08", 0), Err(NumError::Syntax));
        assert_eq!(parse_int("0x", 0), Err(NumError::Syntax));
        assert_eq!(parse_int("-9223372036854775808", 0), Ok(i64::MIN));
        assert_eq!(parse_int("9223372036854775808", 0), Err(NumError::Range));
        assert_eq!(parse_uint("18446744073709551615", 0), Ok(u64::MAX));
        assert_eq!(parse_float(".5_5"), Ok(0.55));
        assert_eq!(parse_float("1e400"), Err(NumError::Range));
        assert_eq!(parse_float("1."), Ok(1.0));
        assert_eq!(parse_float("."), Err(NumError::Syntax));
    }
}
