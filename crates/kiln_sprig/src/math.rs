//! Sprig's math functions (`functions.go` and `numeric.go` of Sprig v3.3.0).
//!
//! Every operand declared `interface{}` goes through spf13/cast ([`cast`]): integers as
//! they are, float64 values from YAML truncated toward zero, strings parsed, nil and
//! bools as 0/1, anything else 0. Integer arithmetic is Go's wrapping `int64`
//! arithmetic; the `...f` functions go through shopspring/decimal ([`decimal`]).
//!
//! | function | Go signature | semantics |
//! | --- | --- | --- |
//! | `add1` | `func(i interface{}) int64` | `toInt64(i) + 1` |
//! | `add` | `func(i ...interface{}) int64` | sum (0 without operands) |
//! | `sub` | `func(a, b interface{}) int64` | `a - b` |
//! | `div` | `func(a, b interface{}) int64` | `a / b` truncated; `b == 0` panics `runtime error: integer divide by zero` |
//! | `mod` | `func(a, b interface{}) int64` | `a % b` (sign of `a`); same panic |
//! | `mul` | `func(a interface{}, v ...interface{}) int64` | product |
//! | `randInt` | `func(min, max int) int` | uniform in `[min, max)`; `max <= min` panics `invalid argument to Intn` |
//! | `add1f` | `func(i interface{}) float64` | decimal `i + 1` |
//! | `addf` | `func(i ...interface{}) float64` | decimal sum starting at 0 |
//! | `subf`, `mulf`, `divf` | `func(a interface{}, v ...interface{}) float64` | decimal fold from `a`; `divf` by 0 panics `decimal division by 0` |
//! | `biggest`, `max` | `func(a interface{}, i ...interface{}) int64` | largest `toInt64` |
//! | `min` | `func(a interface{}, i ...interface{}) int64` | smallest `toInt64` |
//! | `maxf`, `minf` | `func(a interface{}, i ...interface{}) float64` | `math.Max`/`math.Min` fold of `toFloat64` |
//! | `ceil`, `floor` | `func(a interface{}) float64` | `math.Ceil`/`math.Floor` of `toFloat64(a)` |
//! | `round` | `func(a interface{}, p int, rOpt ...float64) float64` | Sprig's rounding: up when the fraction of `a*10^p` is `>= rOpt[0]` (default .5), computed with Go's `math.Pow` |
//!
//! `seq`, `until`, `untilStep`, `toDecimal`, `int`, `int64` and `float64` live with the
//! conversions (part A).

use kiln_gotmpl::{FuncMap, GoError, IntType, Ty, Value};

pub(crate) mod cast;
pub(crate) mod decimal;

use cast::{to_float64, to_int64};
use decimal::Decimal;

fn int64(n: i64) -> Value {
    Value::Int(n, IntType::Int64)
}

const DIVIDE_BY_ZERO: &str = "runtime error: integer divide by zero";

/// Sprig's `execDecimalOp`: `a` and every `b` through `toFloat64` and
/// `decimal.NewFromFloat`, folded with `op`, returned as `Float64()`.
fn decimal_op(
    a: &Value,
    rest: &[Value],
    op: impl Fn(&Decimal, &Decimal) -> Result<Decimal, String>,
) -> Result<Value, GoError> {
    let mut acc = Decimal::from_f64(to_float64(a)).map_err(GoError::new)?;
    for x in rest {
        let dx = Decimal::from_f64(to_float64(x)).map_err(GoError::new)?;
        acc = op(&acc, &dx).map_err(GoError::new)?;
    }
    Ok(Value::Float(acc.to_f64()))
}

/// Go's `math.Max`.
pub(crate) fn go_max(x: f64, y: f64) -> f64 {
    if x == f64::INFINITY || y == f64::INFINITY {
        f64::INFINITY
    } else if x.is_nan() || y.is_nan() {
        f64::NAN
    } else if x == 0.0 && x == y {
        if x.is_sign_negative() {
            y
        } else {
            x
        }
    } else if x > y {
        x
    } else {
        y
    }
}

/// Go's `math.Min`.
pub(crate) fn go_min(x: f64, y: f64) -> f64 {
    if x == f64::NEG_INFINITY || y == f64::NEG_INFINITY {
        f64::NEG_INFINITY
    } else if x.is_nan() || y.is_nan() {
        f64::NAN
    } else if x == 0.0 && x == y {
        if x.is_sign_negative() {
            x
        } else {
            y
        }
    } else if x < y {
        x
    } else {
        y
    }
}

/// Go's `math.Frexp`.
fn frexp(f: f64) -> (f64, i64) {
    if f == 0.0 || f.is_nan() || f.is_infinite() {
        return (f, 0);
    }
    let (f, mut exp) = if f.abs() < f64::MIN_POSITIVE {
        (f * (1u64 << 52) as f64, -52)
    } else {
        (f, 0)
    };
    let mut x = f.to_bits();
    exp += ((x >> 52) & 0x7ff) as i64 - 1023 + 1;
    x &= !(0x7ffu64 << 52);
    x |= 1022u64 << 52;
    (f64::from_bits(x), exp)
}

/// Go's `math.Ldexp`.
fn ldexp(frac: f64, exp: i64) -> f64 {
    if frac == 0.0 || frac.is_nan() || frac.is_infinite() {
        return frac;
    }
    let (frac, e) = if frac.abs() < f64::MIN_POSITIVE {
        (frac * (1u64 << 52) as f64, -52)
    } else {
        (frac, 0)
    };
    let mut exp = exp.saturating_add(e);
    let mut x = frac.to_bits();
    exp = exp.saturating_add(((x >> 52) & 0x7ff) as i64 - 1023);
    if exp < -1075 {
        return 0.0f64.copysign(frac);
    }
    if exp > 1023 {
        return if frac < 0.0 {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
    }
    let mut m = 1.0;
    if exp < -1022 {
        exp += 53;
        m = 1.0 / (1u64 << 53) as f64;
    }
    x &= !(0x7ffu64 << 52);
    x |= ((exp + 1023) as u64) << 52;
    m * f64::from_bits(x)
}

/// Go's `math.Pow(x, y)` for the integral `y` that `round` passes (`float64(p)`),
/// following Go's algorithm (repeated squaring with `Frexp` normalisation) so that
/// results match bit for bit where they differ from the C library's `pow`.
pub(crate) fn go_pow_int(x: f64, y: f64) -> f64 {
    if y == 0.0 || x == 1.0 {
        return 1.0;
    }
    if y == 1.0 {
        return x;
    }
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 || x.is_infinite() || y.is_infinite() || y.fract() != 0.0 {
        // Not reachable from `round` with x = 10; fall back to the C library.
        return x.powf(y);
    }
    let yi = y.abs();
    if yi >= 9_223_372_036_854_775_808.0 {
        return if x == -1.0 {
            1.0
        } else if (x.abs() < 1.0) == (y > 0.0) {
            0.0
        } else {
            f64::INFINITY
        };
    }
    let mut a1 = 1.0;
    let mut ae: i64 = 0;
    let (mut x1, mut xe) = frexp(x);
    let mut i = yi as i64;
    while i != 0 {
        if !(-(1 << 12)..=(1 << 12)).contains(&xe) {
            ae += xe;
            break;
        }
        if i & 1 == 1 {
            a1 *= x1;
            ae += xe;
        }
        x1 *= x1;
        xe <<= 1;
        if x1 < 0.5 {
            x1 += x1;
            xe -= 1;
        }
        i >>= 1;
    }
    if y < 0.0 {
        a1 = 1.0 / a1;
        ae = -ae;
    }
    ldexp(a1, ae)
}

/// Sprig's `round(a, p, rOpt...)`.
fn round(a: &Value, p: i64, round_on: f64) -> f64 {
    let val = to_float64(a);
    let pow = go_pow_int(10.0, p as f64);
    let digit = pow * val;
    let div = digit - digit.trunc();
    let r = if div >= round_on {
        digit.ceil()
    } else {
        digit.floor()
    };
    r / pow
}

fn int_arg(v: &Value) -> i64 {
    match v {
        Value::Int(i, _) => *i,
        _ => to_int64(v),
    }
}

fn float_arg(v: &Value) -> f64 {
    match v {
        Value::Float(f) => *f,
        _ => to_float64(v),
    }
}

fn arg(a: &[Value], i: usize) -> &Value {
    a.get(i).unwrap_or(&Value::Nil)
}

pub(crate) fn register(funcs: &mut FuncMap) {
    funcs.add_pure("add1", &[Ty::Any], None, |a| {
        Ok(int64(to_int64(arg(a, 0)).wrapping_add(1)))
    });
    funcs.add_pure("add", &[], Some(Ty::Any), |a| {
        Ok(int64(
            a.iter().fold(0i64, |acc, v| acc.wrapping_add(to_int64(v))),
        ))
    });
    funcs.add_pure("sub", &[Ty::Any, Ty::Any], None, |a| {
        Ok(int64(to_int64(arg(a, 0)).wrapping_sub(to_int64(arg(a, 1)))))
    });
    funcs.add_pure("div", &[Ty::Any, Ty::Any], None, |a| {
        let (x, y) = (to_int64(arg(a, 0)), to_int64(arg(a, 1)));
        if y == 0 {
            return Err(GoError::new(DIVIDE_BY_ZERO));
        }
        Ok(int64(x.wrapping_div(y)))
    });
    funcs.add_pure("mod", &[Ty::Any, Ty::Any], None, |a| {
        let (x, y) = (to_int64(arg(a, 0)), to_int64(arg(a, 1)));
        if y == 0 {
            return Err(GoError::new(DIVIDE_BY_ZERO));
        }
        Ok(int64(x.wrapping_rem(y)))
    });
    funcs.add_pure("mul", &[Ty::Any], Some(Ty::Any), |a| {
        let first = to_int64(arg(a, 0));
        Ok(int64(
            a.iter()
                .skip(1)
                .fold(first, |acc, v| acc.wrapping_mul(to_int64(v))),
        ))
    });
    funcs.add_pure("randInt", &[Ty::Int, Ty::Int], None, |a| {
        use rand::Rng;
        let (min, max) = (int_arg(arg(a, 0)), int_arg(arg(a, 1)));
        let n = max.wrapping_sub(min);
        if n <= 0 {
            return Err(GoError::new("invalid argument to Intn"));
        }
        let r = rand::thread_rng().gen_range(0..n);
        Ok(Value::int(r.wrapping_add(min)))
    });
    funcs.add_pure("add1f", &[Ty::Any], None, |a| {
        decimal_op(arg(a, 0), &[Value::int(1)], |x, y| Ok(x.add(y)))
    });
    funcs.add_pure("addf", &[], Some(Ty::Any), |a| {
        decimal_op(&Value::Float(0.0), a, |x, y| Ok(x.add(y)))
    });
    funcs.add_pure("subf", &[Ty::Any], Some(Ty::Any), |a| {
        decimal_op(arg(a, 0), a.get(1..).unwrap_or(&[]), |x, y| Ok(x.sub(y)))
    });
    funcs.add_pure("mulf", &[Ty::Any], Some(Ty::Any), |a| {
        decimal_op(arg(a, 0), a.get(1..).unwrap_or(&[]), |x, y| Ok(x.mul(y)))
    });
    funcs.add_pure("divf", &[Ty::Any], Some(Ty::Any), |a| {
        decimal_op(arg(a, 0), a.get(1..).unwrap_or(&[]), |x, y| x.div(y))
    });
    for name in ["biggest", "max"] {
        funcs.add_pure(name, &[Ty::Any], Some(Ty::Any), |a| {
            let first = to_int64(arg(a, 0));
            Ok(int64(a.iter().skip(1).map(to_int64).fold(first, i64::max)))
        });
    }
    funcs.add_pure("min", &[Ty::Any], Some(Ty::Any), |a| {
        let first = to_int64(arg(a, 0));
        Ok(int64(a.iter().skip(1).map(to_int64).fold(first, i64::min)))
    });
    funcs.add_pure("maxf", &[Ty::Any], Some(Ty::Any), |a| {
        let first = to_float64(arg(a, 0));
        Ok(Value::Float(
            a.iter().skip(1).map(to_float64).fold(first, go_max),
        ))
    });
    funcs.add_pure("minf", &[Ty::Any], Some(Ty::Any), |a| {
        let first = to_float64(arg(a, 0));
        Ok(Value::Float(
            a.iter().skip(1).map(to_float64).fold(first, go_min),
        ))
    });
    funcs.add_pure("ceil", &[Ty::Any], None, |a| {
        Ok(Value::Float(to_float64(arg(a, 0)).ceil()))
    });
    funcs.add_pure("floor", &[Ty::Any], None, |a| {
        Ok(Value::Float(to_float64(arg(a, 0)).floor()))
    });
    funcs.add_pure("round", &[Ty::Any, Ty::Int], Some(Ty::Float64), |a| {
        let round_on = a.get(2).map(float_arg).unwrap_or(0.5);
        Ok(Value::Float(round(arg(a, 0), int_arg(arg(a, 1)), round_on)))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pow_matches_exact_powers() {
        for p in 0..=22 {
            assert_eq!(
                go_pow_int(10.0, p as f64),
                format!("1e{p}").parse::<f64>().unwrap()
            );
        }
        assert_eq!(go_pow_int(10.0, -1.0), 0.1);
        assert_eq!(go_pow_int(10.0, 400.0), f64::INFINITY);
        assert_eq!(go_pow_int(10.0, -400.0), 0.0);
    }
}
