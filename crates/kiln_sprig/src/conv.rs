//! Sprig's conversion functions and integer sequences (`functions.go`, `numeric.go`).
//!
//! | function | Go signature | semantics from |
//! | --- | --- | --- |
//! | `toString` | `func(v interface{}) string` | strings.go `strval`: strings as is, `[]byte` as text, `Stringer`/`error`, else `%v` |
//! | `toStrings` | `func(v interface{}) []string` | strings.go `strslice` |
//! | `atoi` | `func(a string) int` | `strconv.Atoi` with the error dropped: decimal only, `0` on syntax errors, clamped on overflow |
//! | `int64` | `func(v interface{}) int64` | `cast.ToInt64` ([`crate::math::cast`]) |
//! | `int` | `func(v interface{}) int` | `cast.ToInt` (the same parsing; Go's `int` is 64-bit) |
//! | `float64` | `func(v interface{}) float64` | `cast.ToFloat64` |
//! | `toDecimal` | `func(v interface{}) int64` | `strconv.ParseInt(fmt.Sprint(v), 8, 64)`, 0 on any error |
//! | `seq` | `func(params ...int) string` | numeric.go `seq`: like GNU seq, numbers joined by spaces |
//! | `until` | `func(count int) []int` | numeric.go `until` |
//! | `untilStep` | `func(start, stop, step int) []int` | numeric.go `untilStep` |
//!
//! Sequences longer than [`MAX_LIST`] elements fail instead of exhausting memory as Go
//! would.

use std::sync::Arc;

use kiln_gotmpl::{FuncMap, GoError, IntType, ListType, Ty, Value};

use crate::math::cast;
use crate::strings::args::{any, int, ok_str, string};
use crate::strings::{strslice, strval};

/// The longest list kiln builds from template-controlled counts (`until`, `untilStep`,
/// `seq`): 4 Mi elements.
pub(crate) const MAX_LIST: u64 = 1 << 22;

/// `strconv.Atoi(s)` with its error dropped: an optional sign and decimal digits; 0 for
/// anything else; ±`MaxInt64` when out of range.
fn atoi(s: &str) -> i64 {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return 0;
    }
    let mut n: u128 = 0;
    for c in digits.bytes() {
        n = (n * 10 + u128::from(c - b'0')).min(u128::from(u64::MAX));
    }
    if neg {
        if n > 1 << 63 {
            i64::MIN
        } else {
            (n as u64 as i64).wrapping_neg()
        }
    } else if n >= 1 << 63 {
        i64::MAX
    } else {
        n as i64
    }
}

/// `strconv.ParseInt(s, 8, 64)`; `None` on syntax or range errors.
fn parse_octal(s: &str) -> Option<i64> {
    let (neg, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let mut n: u64 = 0;
    for c in digits.bytes() {
        if !(b'0'..=b'7').contains(&c) {
            return None;
        }
        n = n.checked_mul(8)?.checked_add(u64::from(c - b'0'))?;
    }
    if neg {
        if n > 1 << 63 {
            None
        } else {
            Some((n as i64).wrapping_neg())
        }
    } else if n >= 1 << 63 {
        None
    } else {
        Some(n as i64)
    }
}

/// numeric.go `untilStep`: `start`, `start+step`, … up to (excluding) `stop`; empty when
/// the step points the wrong way or is zero.
fn until_step(start: i64, stop: i64, step: i64) -> Result<Vec<i64>, GoError> {
    let (start_w, stop_w, step_w) = (i128::from(start), i128::from(stop), i128::from(step));
    let count: i128 = if stop < start {
        if step >= 0 {
            0
        } else {
            (start_w - stop_w - step_w - 1) / -step_w
        }
    } else if step <= 0 {
        0
    } else {
        (stop_w - start_w + step_w - 1) / step_w
    };
    if count > i128::from(MAX_LIST) {
        return Err(GoError::new(format!(
            "untilStep: {count} elements exceed kiln's limit of {MAX_LIST}"
        )));
    }
    let mut v = Vec::with_capacity(count as usize);
    let mut i = start;
    for _ in 0..count {
        v.push(i);
        i = i.wrapping_add(step);
    }
    Ok(v)
}

fn int_list(v: Vec<i64>) -> Value {
    Value::List(
        Arc::new(v.into_iter().map(Value::int).collect()),
        ListType::Int,
    )
}

/// numeric.go `seq`.
fn seq(params: &[i64]) -> Result<String, GoError> {
    let list = match *params {
        [end] => {
            let inc = if end < 1 { -1 } else { 1 };
            until_step(1, end.wrapping_add(inc), inc)?
        }
        [start, step, end] => {
            let mut inc = 1;
            if end < start {
                inc = -1;
                if step > 0 {
                    return Ok(String::new());
                }
            }
            until_step(start, end.wrapping_add(inc), step)?
        }
        [start, end] => {
            let step = if end < start { -1 } else { 1 };
            until_step(start, end.wrapping_add(step), step)?
        }
        _ => Vec::new(),
    };
    Ok(list
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(" "))
}

pub(crate) fn register(funcs: &mut FuncMap) {
    use Ty::{Any, Int, String as S};

    funcs.add_pure("toString", &[Any], None, |a| ok_str(strval(any(a, 0))));
    funcs.add_pure("toStrings", &[Any], None, |a| {
        Ok(Value::string_list(strslice(any(a, 0))))
    });
    funcs.add_pure("atoi", &[S], None, |a| Ok(Value::int(atoi(string(a, 0)?))));
    funcs.add_pure("int64", &[Any], None, |a| {
        Ok(Value::Int(cast::to_int64(any(a, 0)), IntType::Int64))
    });
    funcs.add_pure("int", &[Any], None, |a| {
        Ok(Value::Int(cast::to_int64(any(a, 0)), IntType::Int))
    });
    funcs.add_pure("float64", &[Any], None, |a| {
        Ok(Value::Float(cast::to_float64(any(a, 0))))
    });
    funcs.add_pure("toDecimal", &[Any], None, |a| {
        let text = kiln_gotmpl::fmt::sprint(std::slice::from_ref(any(a, 0)));
        Ok(Value::Int(parse_octal(&text).unwrap_or(0), IntType::Int64))
    });
    funcs.add_pure("seq", &[], Some(Int), |a| {
        let params = (0..a.len())
            .map(|i| int(a, i))
            .collect::<Result<Vec<_>, _>>()?;
        ok_str(seq(&params)?)
    });
    funcs.add_pure("until", &[Int], None, |a| {
        let count = int(a, 0)?;
        let step = if count < 0 { -1 } else { 1 };
        Ok(int_list(until_step(0, count, step)?))
    });
    funcs.add_pure("untilStep", &[Int, Int, Int], None, |a| {
        Ok(int_list(until_step(int(a, 0)?, int(a, 1)?, int(a, 2)?)?))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atoi_like_go() {
        assert_eq!(atoi("42"), 42);
        assert_eq!(atoi("017"), 17);
        assert_eq!(atoi("0x1F"), 0);
        assert_eq!(atoi(" 5 "), 0);
        assert_eq!(atoi("-"), 0);
        assert_eq!(atoi("99999999999999999999"), i64::MAX);
        assert_eq!(atoi("-99999999999999999999"), i64::MIN);
        assert_eq!(atoi("-9223372036854775808"), i64::MIN);
    }

    #[test]
    fn sequences() {
        assert_eq!(until_step(10, 0, -3).unwrap(), vec![10, 7, 4, 1]);
        assert_eq!(until_step(3, 6, 2).unwrap(), vec![3, 5]);
        assert_eq!(until_step(0, 5, 0).unwrap(), Vec::<i64>::new());
        assert_eq!(seq(&[5]).unwrap(), "1 2 3 4 5");
        assert_eq!(seq(&[-3]).unwrap(), "1 0 -1 -2 -3");
        assert_eq!(seq(&[0, 10, 3]).unwrap(), "0");
        assert_eq!(seq(&[0, 3, 10]).unwrap(), "0 3 6 9");
        assert_eq!(seq(&[10, -3, 0]).unwrap(), "10 7 4 1");
        assert_eq!(seq(&[]).unwrap(), "");
    }
}
