//! Go's `strconv.FormatFloat` for `float64` (the semantics of Go's strconv/ftoa.go).
//!
//! Decimal digits come from Rust's float formatting, which gives the same digits Go
//! computes: `{:e}` is the shortest representation that parses back to the same value
//! (closest to the exact value when several are that short, like Go's Ryu), and
//! `{:.N}` / `{:.Ne}` are correctly rounded with ties to even on the exact binary value
//! (like Go's `decimal.Round` / fixed Ryu). Only the layout (exponent width, `%g`
//! switching, trailing zeros) is done here, Go's way.

use std::fmt::Write as _;

/// Appends Go's `strconv.FormatFloat(f, fmt, prec, 64)` to `out`.
///
/// `fmt` is one of `b'e'`, `b'E'`, `b'f'`, `b'g'`, `b'G'`, `b'b'`, `b'x'`, `b'X'`; `prec`
/// is the number of digits after the point (`e`, `f`, `x`) or of significant digits (`g`),
/// and `-1` asks for the fewest digits that parse back to `f` exactly. Shapes:
/// `1e+06`, `1.5`, `-0`, `1.234568e+19`, `0x1.8p+01`, `6755399441055744p-52`, `+Inf`,
/// `-Inf`, `NaN`. Exponents have at least two digits. An unknown `fmt` gives `%` followed
/// by it, as Go does.
pub fn append_float(out: &mut String, f: f64, fmt: u8, prec: i32) {
    if f.is_nan() {
        out.push_str("NaN");
        return;
    }
    if f.is_infinite() {
        out.push_str(if f < 0.0 { "-Inf" } else { "+Inf" });
        return;
    }
    let neg = f.is_sign_negative();
    if (fmt == b'g' || fmt == b'G') && prec < 0 && f.fract() == 0.0 && f.abs() < 1e6 {
        // Fast path for whole numbers (most numbers in values files): below 1e6 the
        // shortest %g form is the integer itself.
        if neg && f == 0.0 {
            out.push_str("-0");
        } else {
            let _ = write!(out, "{}", f as i64);
        }
        return;
    }
    match fmt {
        b'b' => fmt_b(out, f),
        b'x' | b'X' => fmt_x(out, f, prec, fmt),
        b'e' | b'E' | b'g' | b'G' => fmt_decimal(out, f.abs(), neg, fmt, prec),
        b'f' if prec >= 0 => {
            // Fixed notation with a given precision: Rust's `{:.N}` is exactly Go's
            // output (correctly rounded, ties to even, no exponent); only the sign of
            // negative zero needs care, so format the magnitude and add it.
            if neg {
                out.push('-');
            }
            let _ = write!(out, "{:.*}", prec as usize, f.abs());
        }
        b'f' => fmt_decimal(out, f.abs(), neg, fmt, prec),
        _ => {
            out.push('%');
            out.push(fmt as char);
        }
    }
}

/// Go's `strconv.FormatFloat(f, fmt, prec, 64)`; see [`append_float`].
pub fn format_float(f: f64, fmt: u8, prec: i32) -> String {
    let mut s = String::with_capacity(24);
    append_float(&mut s, f, fmt, prec);
    s
}

/// Short text held on the stack, spilling to the heap when long (huge precisions).
/// Used to capture Rust's formatted digits without allocating in the common case.
struct Scratch {
    small: [u8; 48],
    len: usize,
    big: Option<String>,
}

impl Scratch {
    fn new() -> Scratch {
        Scratch {
            small: [0; 48],
            len: 0,
            big: None,
        }
    }

    fn as_str(&self) -> &str {
        match &self.big {
            Some(s) => s,
            // Only whole `&str`s are ever copied in, so this is valid UTF-8.
            None => std::str::from_utf8(&self.small[..self.len]).unwrap_or(""),
        }
    }
}

impl std::fmt::Write for Scratch {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        if let Some(big) = &mut self.big {
            big.push_str(s);
        } else if self.len + s.len() <= self.small.len() {
            self.small[self.len..self.len + s.len()].copy_from_slice(s.as_bytes());
            self.len += s.len();
        } else {
            let mut big = String::with_capacity(self.len + s.len() + 16);
            big.push_str(std::str::from_utf8(&self.small[..self.len]).unwrap_or(""));
            big.push_str(s);
            self.big = Some(big);
        }
        Ok(())
    }
}

/// Decimal digits `d1 d2 ... dn` with the decimal point `dp` places after the first digit
/// position (value = 0.d1d2...dn × 10^dp), trailing zeros removed; zero has no digits.
/// This is Go's `decimalSlice`. The digits live in Rust's `d.ddde±x` text: `first` is
/// `d` and `rest` the digits after the point.
struct Digits<'a> {
    first: u8,
    rest: &'a str,
    nd: usize,
    dp: i64,
}

impl<'a> Digits<'a> {
    /// Parses Rust's `{:e}` output of a non-negative finite number.
    fn parse(text: &'a str) -> Digits<'a> {
        let (mant, exp) = text.split_once('e').unwrap_or((text, "0"));
        let exp: i64 = exp.parse().unwrap_or(0);
        let first = mant.as_bytes().first().copied().unwrap_or(b'0');
        let rest = mant.get(2..).unwrap_or("");
        let mut d = Digits {
            first,
            rest,
            nd: 1 + rest.len(),
            dp: exp + 1,
        };
        while d.nd > 0 && d.digit(d.nd - 1) == b'0' {
            d.nd -= 1;
        }
        if d.nd == 0 {
            d.dp = 0;
        }
        d
    }

    fn digit(&self, i: usize) -> u8 {
        if i == 0 {
            self.first
        } else {
            self.rest.as_bytes().get(i - 1).copied().unwrap_or(b'0')
        }
    }

    /// Appends digits `from..to` (clamped to `nd`).
    fn push_range(&self, out: &mut String, from: usize, to: usize) {
        let to = to.min(self.nd);
        let mut i = from;
        if i == 0 && i < to {
            out.push(self.first as char);
            i = 1;
        }
        if i < to {
            out.push_str(&self.rest[i - 1..to - 1]);
        }
    }
}

/// 'e', 'E', 'g', 'G' and shortest 'f': Go's genericFtoa/formatDigits over exact digits.
fn fmt_decimal(out: &mut String, abs: f64, neg: bool, fmt: u8, prec: i32) {
    let mut scratch = Scratch::new();
    let shortest = prec < 0;
    let mut prec = prec as i64;
    if shortest {
        let _ = write!(scratch, "{abs:e}");
    } else {
        // Fixed number of significant digits.
        let digits = match fmt {
            b'e' | b'E' => prec + 1,
            _ => {
                if prec == 0 {
                    prec = 1;
                }
                prec
            }
        };
        let _ = write!(scratch, "{:.*e}", (digits - 1) as usize, abs);
    }
    let d = Digits::parse(scratch.as_str());
    let nd = d.nd as i64;
    if shortest {
        prec = match fmt {
            b'e' | b'E' => (nd - 1).max(0),
            b'f' => (nd - d.dp).max(0),
            _ => nd,
        };
    }
    match fmt {
        b'e' | b'E' => fmt_e(out, neg, &d, prec, fmt),
        b'f' => fmt_f(out, neg, &d, prec),
        _ => {
            // %e is used when the exponent is below -4 or at least the precision
            // (6 for the shortest form); trailing zeros are not printed.
            let mut eprec = prec;
            if eprec > nd && nd >= d.dp {
                eprec = nd;
            }
            if shortest {
                eprec = 6;
            }
            let exp = d.dp - 1;
            if exp < -4 || exp >= eprec {
                if prec > nd {
                    prec = nd;
                }
                fmt_e(out, neg, &d, prec - 1, fmt + b'e' - b'g');
            } else {
                if prec > d.dp {
                    prec = nd;
                }
                fmt_f(out, neg, &d, (prec - d.dp).max(0));
            }
        }
    }
}

/// `-d.dddde±dd`
fn fmt_e(out: &mut String, neg: bool, d: &Digits<'_>, prec: i64, fmt: u8) {
    if neg {
        out.push('-');
    }
    out.push(if d.nd == 0 { '0' } else { d.first as char });
    if prec > 0 {
        out.push('.');
        let prec = prec as usize;
        d.push_range(out, 1, prec + 1);
        let written = d.nd.clamp(1, prec + 1) - 1;
        push_zeros(out, prec - written);
    }
    out.push(fmt as char);
    let mut exp = d.dp - 1;
    if d.nd == 0 {
        exp = 0;
    }
    if exp < 0 {
        out.push('-');
        exp = -exp;
    } else {
        out.push('+');
    }
    if exp < 10 {
        out.push('0');
    }
    let _ = write!(out, "{exp}");
}

/// `-ddddddd.ddddd`
fn fmt_f(out: &mut String, neg: bool, d: &Digits<'_>, prec: i64) {
    if neg {
        out.push('-');
    }
    if d.dp > 0 {
        let dp = d.dp as usize;
        d.push_range(out, 0, dp);
        push_zeros(out, dp.saturating_sub(d.nd));
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 0..prec {
            let j = d.dp + i;
            let c = if j >= 0 && (j as usize) < d.nd {
                d.digit(j as usize)
            } else {
                b'0'
            };
            out.push(c as char);
        }
    }
}

fn push_zeros(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n('0', n));
}

/// Mantissa and binary exponent of a finite float, Go's way: `mant` with the implicit
/// bit added (none for denormals) and `exp` the unbiased exponent of bit 52.
fn decompose(f: f64) -> (u64, i64) {
    let bits = f.to_bits();
    let mut exp = ((bits >> 52) & 0x7ff) as i64;
    let mut mant = bits & ((1u64 << 52) - 1);
    if exp == 0 {
        exp = 1; // denormal
    } else {
        mant |= 1u64 << 52;
    }
    (mant, exp - 1023)
}

/// `%b`: `-ddddddddp±ddd`, the integer mantissa and power-of-two exponent.
fn fmt_b(out: &mut String, f: f64) {
    let (mant, exp) = decompose(f);
    if f.is_sign_negative() {
        out.push('-');
    }
    let exp = exp - 52;
    let _ = write!(out, "{mant}p");
    if exp >= 0 {
        out.push('+');
    }
    let _ = write!(out, "{exp}");
}

/// `%x`: `-0x1.yyyyyyyyp±dd` (or `-0x0p+00`), hexadecimal fraction and binary exponent;
/// with `prec >= 0` the fraction is rounded (ties to even) to `prec` hex digits.
fn fmt_x(out: &mut String, f: f64, prec: i32, fmt: u8) {
    let (mut mant, mut exp) = decompose(f);
    if mant == 0 {
        exp = 0;
    }
    // Put the leading 1 (if any) at bit 60.
    mant <<= 60 - 52;
    while mant != 0 && mant & (1 << 60) == 0 {
        mant <<= 1;
        exp -= 1;
    }
    if (0..15).contains(&prec) {
        let shift = (prec * 4) as u32;
        let extra = (mant << shift) & ((1u64 << 60) - 1);
        mant >>= 60 - shift;
        if extra | (mant & 1) > 1 << 59 {
            mant += 1;
        }
        mant <<= 60 - shift;
        if mant & (1 << 61) != 0 {
            // Rounding carried into a new leading digit.
            mant >>= 1;
            exp += 1;
        }
    }
    let hex: &[u8; 16] = if fmt == b'X' {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    if f.is_sign_negative() {
        out.push('-');
    }
    out.push('0');
    out.push(fmt as char);
    out.push(if (mant >> 60) & 1 == 1 { '1' } else { '0' });
    mant <<= 4; // drop the leading digit
    if prec < 0 && mant != 0 {
        out.push('.');
        while mant != 0 {
            out.push(hex[((mant >> 60) & 15) as usize] as char);
            mant <<= 4;
        }
    } else if prec > 0 {
        out.push('.');
        for _ in 0..prec {
            out.push(hex[((mant >> 60) & 15) as usize] as char);
            mant <<= 4;
        }
    }
    out.push(if fmt == b'X' { 'P' } else { 'p' });
    if exp < 0 {
        out.push('-');
        exp = -exp;
    } else {
        out.push('+');
    }
    if exp < 10 {
        out.push('0');
    }
    let _ = write!(out, "{exp}");
}

#[cfg(test)]
#[allow(clippy::approx_constant)] // 3.14159 is test data, not an approximation of PI
mod tests {
    use super::format_float;

    // Expected strings are Go's (Helm v4.2.3 oracle, or Go's documented outputs).
    #[test]
    fn shortest() {
        assert_eq!(format_float(1e6, b'g', -1), "1e+06");
        assert_eq!(format_float(123456.0, b'g', -1), "123456");
        assert_eq!(format_float(1234567.0, b'g', -1), "1.234567e+06");
        assert_eq!(format_float(0.0001, b'g', -1), "0.0001");
        assert_eq!(format_float(0.00001, b'g', -1), "1e-05");
        assert_eq!(format_float(0.0, b'g', -1), "0");
        assert_eq!(format_float(-0.0, b'g', -1), "-0");
        assert_eq!(format_float(5e-324, b'g', -1), "5e-324");
        assert_eq!(
            format_float(1.7976931348623157e308, b'g', -1),
            "1.7976931348623157e+308"
        );
        assert_eq!(
            format_float(12345678901234567890.0, b'g', -1),
            "1.2345678901234567e+19"
        );
        assert_eq!(format_float(1e21, b'f', -1), "1000000000000000000000");
        assert_eq!(format_float(1e-7, b'f', -1), "0.0000001");
        assert_eq!(format_float(1.5, b'e', -1), "1.5e+00");
        assert_eq!(format_float(0.0, b'e', -1), "0e+00");
    }

    #[test]
    fn fixed() {
        assert_eq!(format_float(0.1, b'g', 20), "0.10000000000000000555");
        assert_eq!(format_float(0.1, b'g', 17), "0.10000000000000001");
        assert_eq!(
            format_float(0.1, b'f', 30),
            "0.100000000000000005551115123126"
        );
        assert_eq!(format_float(2.5, b'f', 0), "2");
        assert_eq!(format_float(0.25, b'f', 1), "0.2");
        assert_eq!(format_float(1.125, b'e', 2), "1.12e+00");
        assert_eq!(format_float(100.0, b'g', 3), "100");
        assert_eq!(format_float(100.0, b'g', 2), "1e+02");
        assert_eq!(format_float(0.0001234, b'g', 3), "0.000123");
        assert_eq!(format_float(0.00001234, b'g', 3), "1.23e-05");
        assert_eq!(
            format_float(12345678901234567890.0, b'f', 0),
            "12345678901234567168"
        );
        assert_eq!(format_float(0.0, b'e', 6), "0.000000e+00");
        assert_eq!(format_float(0.0, b'g', 3), "0");
        assert_eq!(format_float(-0.0, b'f', 2), "-0.00");
    }

    #[test]
    fn binary_and_hex() {
        assert_eq!(format_float(42.0, b'b', -1), "5910974510923776p-47");
        assert_eq!(
            format_float(1.2345678901234567e19, b'b', -1),
            "6028163525993441p+11"
        );
        assert_eq!(format_float(0.0, b'b', -1), "0p-1074");
        assert_eq!(format_float(42.0, b'x', -1), "0x1.5p+05");
        assert_eq!(format_float(3.14159, b'X', -1), "0X1.921F9F01B866EP+01");
        assert_eq!(format_float(0.0, b'x', -1), "0x0p+00");
        assert_eq!(format_float(-0.0, b'x', -1), "-0x0p+00");
        assert_eq!(format_float(1.0, b'x', 3), "0x1.000p+00");
        assert_eq!(format_float(1.5, b'x', 0), "0x1p+01");
        assert_eq!(format_float(2.5, b'x', 0), "0x1p+01");
        assert_eq!(format_float(1.03125, b'x', 1), "0x1.0p+00");
        assert_eq!(format_float(1.0, b'x', 20), "0x1.00000000000000000000p+00");
        assert_eq!(format_float(1e-7, b'x', -1), "0x1.ad7f29abcaf48p-24");
    }

    #[test]
    fn specials() {
        assert_eq!(format_float(f64::NAN, b'g', -1), "NaN");
        assert_eq!(format_float(f64::INFINITY, b'e', 3), "+Inf");
        assert_eq!(format_float(f64::NEG_INFINITY, b'x', -1), "-Inf");
        assert_eq!(format_float(1.0, b'z', -1), "%z");
    }
}
