//! The conversions Sprig's math, list and date functions apply to their `interface{}`
//! operands: `github.com/spf13/cast` v1.7.0 (`ToInt64`, `ToInt`, `ToFloat64`, which
//! swallow errors and yield 0) on top of Go's `strconv.ParseInt(s, 0, 64)` and
//! `strconv.ParseFloat(s, 64)`, and Go's float-to-integer conversion as amd64 does it.

use kiln_gotmpl::Value;
use num_bigint::BigUint;

/// `cast.ToInt64(v)`: integers as they are (unsigned ones wrap), floats truncated toward
/// zero, `true` → 1, nil → 0, strings through `strconv.ParseInt(trimZeroDecimal(s), 0, 0)`
/// (so `"0x10"`, `"0o7"`, `"017"`, `"1_000"` and `"5.00"` parse; `"5.5"` does not), and
/// 0 for everything else (including unparsable strings).
pub(crate) fn to_int64(v: &Value) -> i64 {
    match v {
        Value::Nil => 0,
        Value::Bool(b) => i64::from(*b),
        Value::Int(i, _) => *i,
        Value::Uint(u, _) => *u as i64,
        Value::Float(f) => float_to_int64(*f),
        Value::String(s) => parse_int(trim_zero_decimal(s)).unwrap_or(0),
        Value::Object(o) => crate::date::month_or_weekday(o.as_ref()).unwrap_or_default(),
        _ => 0,
    }
}

/// `cast.ToFloat64(v)`: numbers converted, `true` → 1, nil → 0, strings through
/// `strconv.ParseFloat(s, 64)` (0 when that fails, including out-of-range values), and 0
/// for everything else.
pub(crate) fn to_float64(v: &Value) -> f64 {
    match v {
        Value::Nil => 0.0,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Int(i, _) => *i as f64,
        Value::Uint(u, _) => *u as f64,
        Value::Float(f) => *f,
        Value::String(s) => parse_float(s).unwrap_or(0.0),
        Value::Object(o) => match crate::date::month_or_weekday(o.as_ref()) {
            Some(n) => n as f64,
            None => 0.0,
        },
        _ => 0.0,
    }
}

/// Go's `int64(f)` on amd64: truncation toward zero; NaN and values out of range give
/// the "integer indefinite" value `math.MinInt64`.
pub(crate) fn float_to_int64(f: f64) -> i64 {
    // 2^63 is exactly representable; every float below it (and >= -2^63) fits.
    if f.is_nan() || !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

/// cast's `trimZeroDecimal`: `"5.00"` → `"5"`; anything else unchanged.
fn trim_zero_decimal(s: &str) -> &str {
    let b = s.as_bytes();
    let mut found_zero = false;
    for i in (1..=b.len()).rev() {
        match b[i - 1] {
            b'.' => {
                if found_zero {
                    return &s[..i - 1];
                }
            }
            b'0' => found_zero = true,
            _ => return s,
        }
    }
    s
}

/// Go's `strconv.ParseInt(s, 0, 64)`; `None` on any syntax or range error.
pub(crate) fn parse_int(s: &str) -> Option<i64> {
    let (neg, rest) = match s.as_bytes().first()? {
        b'+' => (false, &s[1..]),
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    let u = parse_uint_base0(rest)?;
    if neg {
        if u > 1u64 << 63 {
            None
        } else {
            Some((u as i64).wrapping_neg())
        }
    } else if u >= 1u64 << 63 {
        None
    } else {
        Some(u as i64)
    }
}

/// The value Go's `strconv.ParseInt(s, 10, 64)` returns when its error is ignored:
/// 0 on syntax errors, the clamped extreme on range errors.
pub(crate) fn parse_int_base10(s: &str) -> Option<i64> {
    let (neg, digits) = match s.as_bytes().first()? {
        b'+' => (false, &s[1..]),
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut n: u128 = 0;
    for b in digits.bytes() {
        n = (n * 10 + u128::from(b - b'0')).min(1 << 64);
    }
    Some(if neg {
        if n > 1 << 63 {
            i64::MIN
        } else {
            (n as u64 as i64).wrapping_neg()
        }
    } else if n >= 1 << 63 {
        i64::MAX
    } else {
        n as i64
    })
}

/// Go's `strconv.ParseUint(s, 0, 64)`.
fn parse_uint_base0(s0: &str) -> Option<u64> {
    if s0.is_empty() {
        return None;
    }
    let b = s0.as_bytes();
    let (base, digits): (u64, &[u8]) = if b[0] == b'0' {
        if b.len() >= 3 && b[1].eq_ignore_ascii_case(&b'b') {
            (2, &b[2..])
        } else if b.len() >= 3 && b[1].eq_ignore_ascii_case(&b'o') {
            (8, &b[2..])
        } else if b.len() >= 3 && b[1].eq_ignore_ascii_case(&b'x') {
            (16, &b[2..])
        } else {
            (8, &b[1..])
        }
    } else {
        (10, b)
    };
    let mut n: u64 = 0;
    let mut underscores = false;
    for &c in digits {
        let d = match c {
            b'_' => {
                underscores = true;
                continue;
            }
            b'0'..=b'9' => u64::from(c - b'0'),
            _ if c.is_ascii_alphabetic() => u64::from(c.to_ascii_lowercase() - b'a') + 10,
            _ => return None,
        };
        if d >= base {
            return None;
        }
        n = n.checked_mul(base)?.checked_add(d)?;
    }
    if underscores && !underscore_ok(s0) {
        return None;
    }
    Some(n)
}

/// Go's `strconv.underscoreOK`: underscores only between digits (or after a base prefix).
fn underscore_ok(s: &str) -> bool {
    let mut b = s.as_bytes();
    if let Some(b'-' | b'+') = b.first() {
        b = &b[1..];
    }
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = b[1].eq_ignore_ascii_case(&b'x');
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || hex && matches!(c.to_ascii_lowercase(), b'a'..=b'f') {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// Go's `strconv.ParseFloat(s, 64)`; `None` on syntax errors and on range errors
/// (finite text whose value overflows to ±Inf).
pub(crate) fn parse_float(s: &str) -> Option<f64> {
    let (neg, body) = match s.as_bytes().first()? {
        b'+' => (false, &s[1..]),
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let signed = body.len() != s.len();
    let special = match lower.as_str() {
        "inf" | "infinity" => Some(f64::INFINITY),
        // Go accepts "nan" only without a sign.
        "nan" if !signed => Some(f64::NAN),
        _ => None,
    };
    if let Some(v) = special {
        return Some(if neg { -v } else { v });
    }
    let v = if let Some(hex) = lower.strip_prefix("0x") {
        parse_hex_float(hex, s)?
    } else {
        parse_dec_float(body, s)?
    };
    if v.is_infinite() {
        return None;
    }
    Some(if neg { -v } else { v })
}

/// Decimal mantissa with optional exponent, Go syntax (underscores between digits).
fn parse_dec_float(body: &str, whole: &str) -> Option<f64> {
    let b = body.as_bytes();
    let mut clean = String::with_capacity(b.len());
    let mut i = 0;
    let mut digits = 0;
    let mut underscores = false;
    let mut dot = false;
    while i < b.len() {
        match b[i] {
            b'_' => underscores = true,
            b'.' if !dot => {
                dot = true;
                clean.push('.');
            }
            c @ b'0'..=b'9' => {
                digits += 1;
                clean.push(c as char);
            }
            _ => break,
        }
        i += 1;
    }
    if digits == 0 {
        return None;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        clean.push('e');
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            clean.push(b[i] as char);
            i += 1;
        }
        let mut edigits = 0;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            if b[i] == b'_' {
                underscores = true;
            } else {
                edigits += 1;
                clean.push(b[i] as char);
            }
            i += 1;
        }
        if edigits == 0 {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    if underscores && !underscore_ok(whole) {
        return None;
    }
    clean.parse::<f64>().ok()
}

/// Hexadecimal mantissa (after `0x`) with the mandatory `p` exponent.
fn parse_hex_float(body: &str, whole: &str) -> Option<f64> {
    let b = body.as_bytes();
    let mut mant = BigUint::from(0u8);
    let mut i = 0;
    let mut digits = 0;
    let mut frac_digits: i64 = 0;
    let mut dot = false;
    let mut underscores = false;
    while i < b.len() {
        match b[i] {
            b'_' => underscores = true,
            b'.' if !dot => dot = true,
            c if c.is_ascii_hexdigit() => {
                let d = (c as char).to_digit(16).unwrap_or(0);
                mant = mant * 16u8 + d;
                digits += 1;
                if dot {
                    frac_digits += 1;
                }
            }
            _ => break,
        }
        i += 1;
    }
    if digits == 0 || i >= b.len() || b[i] != b'p' {
        return None;
    }
    i += 1;
    let mut eneg = false;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        eneg = b[i] == b'-';
        i += 1;
    }
    let mut exp: i64 = 0;
    let mut edigits = 0;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        if b[i] == b'_' {
            underscores = true;
        } else {
            exp = (exp * 10 + i64::from(b[i] - b'0')).min(1 << 20);
            edigits += 1;
        }
        i += 1;
    }
    if edigits == 0 || i != b.len() {
        return None;
    }
    if underscores && !underscore_ok(whole) {
        return None;
    }
    let e2 = if eneg { -exp } else { exp } - 4 * frac_digits;
    Some(big_times_pow2(&mant, e2))
}

/// The float64 nearest to `m * 2^e`, correctly rounded.
pub(crate) fn big_times_pow2(m: &BigUint, e: i64) -> f64 {
    if m.bits() == 0 {
        return 0.0;
    }
    if e >= 0 {
        if e > 2000 {
            return f64::INFINITY;
        }
        format!("{}", m << (e as usize))
            .parse()
            .unwrap_or(f64::INFINITY)
    } else {
        let k = (-e).min(3000) as u32;
        // m * 2^-k = m * 5^k / 10^k, exactly.
        let scaled = m * BigUint::from(5u8).pow(k);
        format!("{scaled}e-{k}").parse().unwrap_or(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_int_go() {
        assert_eq!(parse_int("0x10"), Some(16));
        assert_eq!(parse_int("017"), Some(15));
        assert_eq!(parse_int("0o17"), Some(15));
        assert_eq!(parse_int("0b101"), Some(5));
        assert_eq!(parse_int("1_000"), Some(1000));
        assert_eq!(parse_int("_1"), None);
        assert_eq!(parse_int("0x"), None);
        assert_eq!(parse_int("0"), Some(0));
        assert_eq!(parse_int("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_int("9223372036854775808"), None);
        assert_eq!(parse_int(""), None);
        assert_eq!(parse_int("+"), None);
        assert_eq!(parse_int(" 1"), None);
        assert_eq!(trim_zero_decimal("5.00"), "5");
        assert_eq!(trim_zero_decimal("5."), "5.");
        assert_eq!(trim_zero_decimal("10"), "10");
    }

    #[test]
    fn parse_float_go() {
        assert_eq!(parse_float("1.5"), Some(1.5));
        assert_eq!(parse_float(".5"), Some(0.5));
        assert_eq!(parse_float("5."), Some(5.0));
        assert_eq!(parse_float("."), None);
        assert_eq!(parse_float("1e400"), None);
        assert_eq!(parse_float("1_0.5"), Some(10.5));
        assert_eq!(parse_float("0x1p-2"), Some(0.25));
        assert_eq!(parse_float("0x1.8p1"), Some(3.0));
        assert_eq!(parse_float("-Inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_float("1e"), None);
        assert_eq!(parse_float("abc"), None);
    }
}
