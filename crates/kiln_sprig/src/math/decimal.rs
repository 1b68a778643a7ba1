//! The part of `github.com/shopspring/decimal` v1.4.0 that Sprig's `addf`, `subf`,
//! `mulf`, `divf` and `add1f` use: `NewFromFloat` (the shortest decimal that round-trips
//! the float64), exact `Add`/`Sub`/`Mul`, `Div` rounded half away from zero to
//! `DivisionPrecision` = 16 decimal places, and `Float64` (the nearest float64).

use num_bigint::{BigInt, Sign};
use num_integer::Integer;
use num_traits::{Signed, Zero};

/// `value * 10^exp`.
#[derive(Clone, Debug)]
pub(crate) struct Decimal {
    value: BigInt,
    exp: i64,
}

const DIVISION_PRECISION: i64 = 16;

fn pow10(n: i64) -> BigInt {
    BigInt::from(10u8).pow(n.clamp(0, u32::MAX as i64) as u32)
}

impl Decimal {
    /// `decimal.NewFromFloat(f)`; Go panics on NaN and ±Inf with
    /// `Cannot create a Decimal from NaN` (the float printed with `%v`).
    pub(crate) fn from_f64(f: f64) -> Result<Decimal, String> {
        if f.is_nan() {
            return Err("Cannot create a Decimal from NaN".into());
        }
        if f.is_infinite() {
            let s = if f > 0.0 { "+Inf" } else { "-Inf" };
            return Err(format!("Cannot create a Decimal from {s}"));
        }
        if f == 0.0 {
            return Ok(Decimal {
                value: BigInt::zero(),
                exp: 0,
            });
        }
        // Rust's `{:e}` prints the shortest digits that round-trip, like Go's
        // `roundShortest` that shopspring copies: "d.ddddde±x".
        let s = format!("{f:e}");
        let (mant, e) = s.split_once('e').unwrap_or((&s, "0"));
        let e: i64 = e.parse().unwrap_or(0);
        let (neg, mant) = match mant.strip_prefix('-') {
            Some(m) => (true, m),
            None => (false, mant),
        };
        let (int_part, frac_part) = mant.split_once('.').unwrap_or((mant, ""));
        let digits = format!("{int_part}{frac_part}");
        let mut value: BigInt = digits.parse().unwrap_or_default();
        if neg {
            value = -value;
        }
        Ok(Decimal {
            value,
            exp: e - frac_part.len() as i64,
        })
    }

    fn rescale_pair(a: &Decimal, b: &Decimal) -> (BigInt, BigInt, i64) {
        if a.exp == b.exp {
            (a.value.clone(), b.value.clone(), a.exp)
        } else if a.exp < b.exp {
            (a.value.clone(), &b.value * pow10(b.exp - a.exp), a.exp)
        } else {
            (&a.value * pow10(a.exp - b.exp), b.value.clone(), b.exp)
        }
    }

    /// `d.Add(d2)`.
    pub(crate) fn add(&self, o: &Decimal) -> Decimal {
        let (a, b, exp) = Decimal::rescale_pair(self, o);
        Decimal { value: a + b, exp }
    }

    /// `d.Sub(d2)`.
    pub(crate) fn sub(&self, o: &Decimal) -> Decimal {
        let (a, b, exp) = Decimal::rescale_pair(self, o);
        Decimal { value: a - b, exp }
    }

    /// `d.Mul(d2)`.
    pub(crate) fn mul(&self, o: &Decimal) -> Decimal {
        Decimal {
            value: &self.value * &o.value,
            exp: self.exp + o.exp,
        }
    }

    /// `d.Div(d2)` = `d.DivRound(d2, 16)`; Go panics with `decimal division by 0`.
    pub(crate) fn div(&self, o: &Decimal) -> Result<Decimal, String> {
        if o.value.is_zero() {
            return Err("decimal division by 0".into());
        }
        // q = trunc(d / d2 * 10^16), r the remainder, both scaled to integers.
        let e = self.exp - o.exp + DIVISION_PRECISION;
        if e.abs() > 100_000 {
            return Err("overflow in decimal QuoRem".into());
        }
        let (aa, bb) = if e >= 0 {
            (&self.value * pow10(e), o.value.clone())
        } else {
            (self.value.clone(), &o.value * pow10(-e))
        };
        let (mut q, r) = aa.div_rem(&bb);
        let r2: BigInt = r.abs() * 2;
        if r2 >= bb.abs() {
            let away = if (self.value.sign() == Sign::Minus) != (o.value.sign() == Sign::Minus) {
                BigInt::from(-1)
            } else {
                BigInt::from(1)
            };
            q += away;
        }
        Ok(Decimal {
            value: q,
            exp: -DIVISION_PRECISION,
        })
    }

    /// `d.Float64()`: the float64 nearest to the exact value.
    pub(crate) fn to_f64(&self) -> f64 {
        if self.value.is_zero() {
            return 0.0;
        }
        let s = format!("{}e{}", self.value, self.exp);
        s.parse().unwrap_or(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(f: f64) -> Decimal {
        Decimal::from_f64(f).unwrap()
    }

    #[test]
    fn arithmetic() {
        assert_eq!(d(0.1).add(&d(0.2)).to_f64(), 0.3);
        assert_eq!(d(1.1).mul(&d(1.1)).to_f64(), 1.21);
        assert_eq!(d(1.0).div(&d(3.0)).unwrap().to_f64(), 0.3333333333333333);
        assert_eq!(d(2.0).div(&d(3.0)).unwrap().to_f64(), 0.6666666666666667);
        assert_eq!(d(-2.0).div(&d(3.0)).unwrap().to_f64(), -0.6666666666666667);
        assert!(d(1.0).div(&d(0.0)).is_err());
        assert_eq!(d(1e300).mul(&d(1e300)).to_f64(), f64::INFINITY);
    }
}
