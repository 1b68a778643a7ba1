//! Sprig's date functions (`date.go` of Sprig v3.3.0) on Go's `time` semantics
//! ([`gotime`]).
//!
//! | function | Go signature | result |
//! | --- | --- | --- |
//! | `now` | `func() time.Time` | the current local time (with Go's monotonic `m=+...` suffix when printed) |
//! | `date` | `func(fmt string, date interface{}) string` | `dateInZone fmt date "Local"` |
//! | `dateInZone`, `date_in_zone` | `func(fmt string, date interface{}, zone string) string` | `date` (a `time.Time`, or `int`/`int32`/`int64` Unix seconds; anything else means now) in `zone` (unknown zones mean UTC), formatted with Go's layout |
//! | `htmlDate` | `func(date interface{}) string` | `2006-01-02` in Local |
//! | `htmlDateInZone` | `func(date interface{}, zone string) string` | `2006-01-02` in `zone` |
//! | `dateModify`, `date_modify` | `func(fmt string, date time.Time) time.Time` | `date + ParseDuration(fmt)`; unchanged when `fmt` is invalid |
//! | `mustDateModify`, `must_date_modify` | `func(fmt string, date time.Time) (time.Time, error)` | same, with Go's `time: invalid duration "x"` error |
//! | `toDate` | `func(fmt, str string) time.Time` | `time.ParseInLocation(fmt, str, time.Local)`; the zero time on errors |
//! | `mustToDate` | `func(fmt, str string) (time.Time, error)` | same with Go's parse error |
//! | `unixEpoch` | `func(date time.Time) string` | Unix seconds in decimal |
//! | `ago` | `func(date interface{}) string` | `time.Since(date).Round(time.Second).String()` (`time.Time`, `int`, `int64`; else now) |
//! | `duration` | `func(sec interface{}) string` | `Duration(sec seconds).String()` for `int64` or a decimal string; else `0s` |
//! | `durationRound` | `func(duration interface{}) string` | coarse duration: `2h`, `3d`, `1mo`, `1y` (Sprig's thresholds); `string` durations, `int64` nanoseconds or the time since a `time.Time` |
//!
//! Times are [`TimeObject`]s (`time.Time`, kind `struct`), printed with Go's `String()`,
//! with the methods templates use: `Year Month Day Hour Minute Second Nanosecond YearDay
//! Weekday Unix UnixMilli UnixMicro UnixNano IsZero UTC Local Format AddDate Before After
//! Equal Sub String`. `Month`, `Weekday` and `Sub` return `time.Month`, `time.Weekday`
//! and `time.Duration` objects that print by name (`March`, `Saturday`, `1h0m0s`) and
//! convert to numbers in `int`, `add`, etc. `Local` is UTC unless `TZ` is set.

use std::any::Any;
use std::borrow::Cow;
use std::sync::Arc;

use kiln_gotmpl::{FuncMap, GoError, IntType, Kind, MethodSig, Object, Ty, Value};

pub(crate) mod gotime;

use gotime::{duration_round, duration_string, parse_duration, parse_in_location, GoTime, Loc};

pub(crate) use gotime::{civil as civil_utc, unix_now};

/// The Go type name of times.
pub const TIME_TYPE: &str = "time.Time";

/// A `time.Time` in templates.
pub struct TimeObject(pub(crate) GoTime);

impl TimeObject {
    pub(crate) fn value(t: GoTime) -> Value {
        Value::Object(Arc::new(TimeObject(t)))
    }
}

/// A value of one of the `time` package's named integer types (`time.Month`,
/// `time.Weekday`, `time.Duration`).
pub struct TimeInt {
    kind: TimeIntKind,
    n: i64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum TimeIntKind {
    Month,
    Weekday,
    Duration,
}

impl TimeInt {
    fn value(kind: TimeIntKind, n: i64) -> Value {
        Value::Object(Arc::new(TimeInt { kind, n }))
    }
}

/// The integer value of a `time.Month` or `time.Weekday` object (spf13/cast converts
/// those two named types like `int`).
pub(crate) fn month_or_weekday(o: &dyn Object) -> Option<i64> {
    o.as_any()
        .downcast_ref::<TimeInt>()
        .filter(|t| t.kind != TimeIntKind::Duration)
        .map(|t| t.n)
}

impl Object for TimeInt {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed(match self.kind {
            TimeIntKind::Month => "time.Month",
            TimeIntKind::Weekday => "time.Weekday",
            TimeIntKind::Duration => "time.Duration",
        })
    }

    fn kind(&self) -> Kind {
        match self.kind {
            TimeIntKind::Duration => Kind::Int64,
            _ => Kind::Int,
        }
    }

    fn is_true(&self) -> bool {
        self.n != 0
    }

    /// The integer underneath (`time.Month` and `time.Weekday` are `int`s,
    /// `time.Duration` an `int64`), for `%d` and numeric comparisons.
    fn underlying(&self) -> Option<Value> {
        Some(match self.kind {
            TimeIntKind::Duration => Value::int64(self.n),
            _ => Value::int(self.n),
        })
    }

    fn method(&self, name: &str) -> Option<MethodSig> {
        let ok = match self.kind {
            TimeIntKind::Duration => matches!(
                name,
                "String"
                    | "Hours"
                    | "Minutes"
                    | "Seconds"
                    | "Milliseconds"
                    | "Microseconds"
                    | "Nanoseconds"
            ),
            _ => name == "String",
        };
        ok.then_some(MethodSig {
            params: &[],
            variadic: None,
        })
    }

    fn call_method(&self, name: &str, _args: &[Value]) -> Result<Value, String> {
        let d = self.n;
        Ok(match name {
            "String" => Value::from(self.to_go_string().unwrap_or_default()),
            "Hours" => Value::Float(
                (d / 3_600_000_000_000) as f64 + (d % 3_600_000_000_000) as f64 / 3.6e12,
            ),
            "Minutes" => {
                Value::Float((d / 60_000_000_000) as f64 + (d % 60_000_000_000) as f64 / 6e10)
            }
            "Seconds" => {
                Value::Float((d / 1_000_000_000) as f64 + (d % 1_000_000_000) as f64 / 1e9)
            }
            "Milliseconds" => Value::int64(d / 1_000_000),
            "Microseconds" => Value::int64(d / 1_000),
            "Nanoseconds" => Value::int64(d),
            _ => return Err(format!("{name} is not a method")),
        })
    }

    /// The underlying integer (Go marshals these named types as numbers).
    fn to_json_value(&self) -> Option<Value> {
        Some(match self.kind {
            TimeIntKind::Duration => Value::int64(self.n),
            _ => Value::int(self.n),
        })
    }

    fn to_go_string(&self) -> Option<String> {
        Some(match self.kind {
            TimeIntKind::Month => gotime::month_name(self.n),
            TimeIntKind::Weekday => gotime::weekday_name(self.n),
            TimeIntKind::Duration => duration_string(self.n),
        })
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

const NO_ARGS: MethodSig = MethodSig {
    params: &[],
    variadic: None,
};

impl Object for TimeObject {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed(TIME_TYPE)
    }

    fn kind(&self) -> Kind {
        Kind::Struct
    }

    fn method(&self, name: &str) -> Option<MethodSig> {
        match name {
            "Year" | "Month" | "Day" | "Hour" | "Minute" | "Second" | "Nanosecond" | "YearDay"
            | "Weekday" | "Unix" | "UnixMilli" | "UnixMicro" | "UnixNano" | "IsZero" | "UTC"
            | "Local" | "String" => Some(NO_ARGS),
            "Format" => Some(MethodSig {
                params: &[Ty::String],
                variadic: None,
            }),
            "AddDate" => Some(MethodSig {
                params: &[Ty::Int, Ty::Int, Ty::Int],
                variadic: None,
            }),
            "Before" | "After" | "Equal" | "Sub" | "Compare" => Some(MethodSig {
                params: &[Ty::Object(TIME_TYPE)],
                variadic: None,
            }),
            _ => None,
        }
    }

    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, String> {
        let t = &self.0;
        let c = || t.civil();
        let other = || -> Result<&GoTime, String> {
            match args.first() {
                Some(Value::Object(o)) => o
                    .as_any()
                    .downcast_ref::<TimeObject>()
                    .map(|x| &x.0)
                    .ok_or_else(|| "expected time.Time".to_string()),
                _ => Err("expected time.Time".to_string()),
            }
        };
        let int_arg = |i: usize| match args.get(i) {
            Some(Value::Int(n, _)) => *n,
            _ => 0,
        };
        Ok(match name {
            "Year" => Value::int(c().year),
            "Month" => TimeInt::value(TimeIntKind::Month, i64::from(c().month)),
            "Day" => Value::int(i64::from(c().day)),
            "Hour" => Value::int(i64::from(c().hour)),
            "Minute" => Value::int(i64::from(c().minute)),
            "Second" => Value::int(i64::from(c().second)),
            "Nanosecond" => Value::int(i64::from(t.nsec)),
            "YearDay" => Value::int(i64::from(c().yday)),
            "Weekday" => TimeInt::value(TimeIntKind::Weekday, i64::from(c().weekday)),
            "Unix" => Value::int64(t.unix),
            "UnixMilli" => Value::int64(
                t.unix
                    .wrapping_mul(1000)
                    .wrapping_add(i64::from(t.nsec / 1_000_000)),
            ),
            "UnixMicro" => Value::int64(
                t.unix
                    .wrapping_mul(1_000_000)
                    .wrapping_add(i64::from(t.nsec / 1000)),
            ),
            "UnixNano" => Value::int64(t.unix_nano()),
            "IsZero" => Value::Bool(t.is_zero()),
            "UTC" => TimeObject::value(t.in_loc(Loc::Utc)),
            "Local" => TimeObject::value(t.in_loc(Loc::Local)),
            "String" => Value::from(t.go_string()),
            "Format" => Value::from(t.format(args.first().and_then(Value::as_str).unwrap_or(""))),
            "AddDate" => TimeObject::value(t.add_date(int_arg(0), int_arg(1), int_arg(2))),
            "Before" => Value::Bool(t.sub(other()?) < 0),
            "After" => Value::Bool(t.sub(other()?) > 0),
            "Equal" => Value::Bool(t.sub(other()?) == 0),
            "Compare" => Value::int(t.sub(other()?).signum()),
            "Sub" => TimeInt::value(TimeIntKind::Duration, t.sub(other()?)),
            _ => return Err(format!("{name} is not a method")),
        })
    }

    fn to_go_string(&self) -> Option<String> {
        Some(self.0.go_string())
    }

    /// `MarshalJSON`: RFC 3339 with nanoseconds (`2006-01-02T15:04:05.999999999Z07:00`).
    fn to_json_value(&self) -> Option<Value> {
        Some(Value::from(
            self.0.format("2006-01-02T15:04:05.999999999Z07:00"),
        ))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

fn time_of(v: &Value) -> Option<&GoTime> {
    match v {
        Value::Object(o) => o.as_any().downcast_ref::<TimeObject>().map(|t| &t.0),
        _ => None,
    }
}

fn arg(a: &[Value], i: usize) -> &Value {
    a.get(i).unwrap_or(&Value::Nil)
}

fn s(a: &[Value], i: usize) -> &str {
    arg(a, i).as_str().unwrap_or("")
}

/// Sprig's `dateInZone`.
fn date_in_zone(layout: &str, date: &Value, zone: &str) -> String {
    let t = match date {
        Value::Int(n, IntType::Int | IntType::Int32 | IntType::Int64) => GoTime::from_unix(*n),
        _ => match time_of(date) {
            Some(t) => t.clone(),
            None => GoTime::now(),
        },
    };
    let loc = Loc::load(zone).unwrap_or(Loc::Utc);
    t.in_loc(loc).format(layout)
}

/// Sprig's `durationRound` thresholds.
fn duration_round_sprig(d: i64) -> String {
    let u = d.unsigned_abs();
    const HOUR: u64 = 3_600_000_000_000;
    let units: [(u64, &str); 6] = [
        (HOUR * 24 * 365, "y"),
        (HOUR * 24 * 30, "mo"),
        (HOUR * 24, "d"),
        (HOUR, "h"),
        (60_000_000_000, "m"),
        (1_000_000_000, "s"),
    ];
    for (size, suffix) in units {
        if u > size {
            return format!("{}{suffix}", u / size);
        }
    }
    "0s".to_string()
}

pub(crate) fn register(funcs: &mut FuncMap) {
    let time_ty = Ty::Object(TIME_TYPE);
    funcs.add_pure("now", &[], None, |_| Ok(TimeObject::value(GoTime::now())));
    funcs.add_pure("date", &[Ty::String, Ty::Any], None, |a| {
        Ok(Value::from(date_in_zone(s(a, 0), arg(a, 1), "Local")))
    });
    for name in ["dateInZone", "date_in_zone"] {
        funcs.add_pure(name, &[Ty::String, Ty::Any, Ty::String], None, |a| {
            Ok(Value::from(date_in_zone(s(a, 0), arg(a, 1), s(a, 2))))
        });
    }
    funcs.add_pure("htmlDate", &[Ty::Any], None, |a| {
        Ok(Value::from(date_in_zone("2006-01-02", arg(a, 0), "Local")))
    });
    funcs.add_pure("htmlDateInZone", &[Ty::Any, Ty::String], None, |a| {
        Ok(Value::from(date_in_zone("2006-01-02", arg(a, 0), s(a, 1))))
    });
    for name in ["dateModify", "date_modify"] {
        funcs.add_pure(name, &[Ty::String, time_ty], None, |a| {
            let t = time_of(arg(a, 1)).cloned().unwrap_or_else(GoTime::zero);
            Ok(TimeObject::value(match parse_duration(s(a, 0)) {
                Ok(d) => t.add(d),
                Err(_) => t,
            }))
        });
    }
    for name in ["mustDateModify", "must_date_modify"] {
        funcs.add_pure(name, &[Ty::String, time_ty], None, |a| {
            let t = time_of(arg(a, 1)).cloned().unwrap_or_else(GoTime::zero);
            let d = parse_duration(s(a, 0)).map_err(GoError::new)?;
            Ok(TimeObject::value(t.add(d)))
        });
    }
    funcs.add_pure("toDate", &[Ty::String, Ty::String], None, |a| {
        Ok(TimeObject::value(
            parse_in_location(s(a, 0), s(a, 1), &Loc::Local).unwrap_or_else(|_| GoTime::zero()),
        ))
    });
    funcs.add_pure("mustToDate", &[Ty::String, Ty::String], None, |a| {
        parse_in_location(s(a, 0), s(a, 1), &Loc::Local)
            .map(TimeObject::value)
            .map_err(GoError::new)
    });
    funcs.add_pure("unixEpoch", &[time_ty], None, |a| {
        let t = time_of(arg(a, 0)).cloned().unwrap_or_else(GoTime::zero);
        Ok(Value::from(t.unix.to_string()))
    });
    funcs.add_pure("ago", &[Ty::Any], None, |a| {
        let d = arg(a, 0);
        let t = match d {
            Value::Int(n, IntType::Int | IntType::Int64) => GoTime::from_unix(*n),
            _ => time_of(d).cloned().unwrap_or_else(GoTime::now),
        };
        let since = GoTime::now().sub(&t);
        Ok(Value::from(duration_string(duration_round(
            since,
            1_000_000_000,
        ))))
    });
    funcs.add_pure("duration", &[Ty::Any], None, |a| {
        let n = match arg(a, 0) {
            Value::String(v) => crate::math::cast::parse_int_base10(v).unwrap_or(0),
            Value::Int(n, IntType::Int64) => *n,
            _ => 0,
        };
        Ok(Value::from(duration_string(n.wrapping_mul(1_000_000_000))))
    });
    funcs.add_pure("durationRound", &[Ty::Any], None, |a| {
        let v = arg(a, 0);
        let d = match v {
            Value::String(v) => parse_duration(v).unwrap_or(0),
            Value::Int(n, IntType::Int64) => *n,
            _ => match time_of(v) {
                Some(t) => GoTime::now().sub(t),
                None => 0,
            },
        };
        Ok(Value::from(duration_round_sprig(d)))
    });
}
