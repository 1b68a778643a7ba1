//! The part of Go's `time` package Sprig's date functions expose: instants with a
//! location (and, for `now`, a monotonic clock reading), `Format` and `Parse` with Go's
//! reference-time layouts (every layout element of Go's `format.go`), `ParseDuration`,
//! `Duration.String`, `Duration.Round`, and locations (`UTC`, `Local`, fixed zones, IANA
//! zones from chrono-tz).
//!
//! `Local` is UTC unless the `TZ` environment variable names a zone (Go reads
//! `/etc/localtime` when `TZ` is unset; kiln assumes the UTC that Helm's containers and
//! CI machines have, so that output does not depend on the machine).

use std::sync::{Arc, OnceLock};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use chrono::{Offset, TimeZone};
use chrono_tz::OffsetName;

/// A time zone.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Loc {
    /// `time.UTC`.
    Utc,
    /// `time.Local`.
    Local,
    /// `time.FixedZone(name, offset)`.
    Fixed(Arc<str>, i32),
    /// A zone of the IANA database (`time.LoadLocation`).
    Zone(chrono_tz::Tz),
}

fn local_zone() -> Option<chrono_tz::Tz> {
    static Z: OnceLock<Option<chrono_tz::Tz>> = OnceLock::new();
    *Z.get_or_init(|| {
        let tz = std::env::var("TZ").ok()?;
        let tz = tz.strip_prefix(':').unwrap_or(&tz);
        if tz.is_empty() || tz == "UTC" {
            return None;
        }
        tz.parse().ok()
    })
}

impl Loc {
    /// `time.LoadLocation(name)`; `None` for unknown names.
    pub(crate) fn load(name: &str) -> Option<Loc> {
        match name {
            "" | "UTC" => Some(Loc::Utc),
            "Local" => Some(Loc::Local),
            _ if name.contains("..") || name.starts_with('/') || name.starts_with('\\') => None,
            _ => name.parse::<chrono_tz::Tz>().ok().map(Loc::Zone),
        }
    }

    /// The zone abbreviation and offset (seconds east of UTC) in effect at `unix`.
    pub(crate) fn lookup(&self, unix: i64) -> (String, i32) {
        match self {
            Loc::Utc => ("UTC".to_string(), 0),
            Loc::Local => match local_zone() {
                Some(z) => zone_lookup(z, unix),
                None => ("UTC".to_string(), 0),
            },
            Loc::Fixed(name, off) => (name.to_string(), *off),
            Loc::Zone(z) => zone_lookup(*z, unix),
        }
    }
}

fn zone_lookup(z: chrono_tz::Tz, unix: i64) -> (String, i32) {
    let Some(dt) = chrono::DateTime::from_timestamp(unix, 0) else {
        return ("UTC".to_string(), 0);
    };
    let off = z.offset_from_utc_datetime(&dt.naive_utc());
    let secs = off.fix().local_minus_utc();
    let name = match off.abbreviation() {
        Some(a) => a.to_string(),
        None => numeric_abbreviation(secs),
    };
    (name, secs)
}

/// The tzdata spelling of a zone without a letter abbreviation (`+03`, `+0530`).
fn numeric_abbreviation(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    let (h, m, s) = (a / 3600, a / 60 % 60, a % 60);
    if s != 0 {
        format!("{sign}{h:02}{m:02}{s:02}")
    } else if m != 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}")
    }
}

/// A civil date and time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Civil {
    pub(crate) year: i64,
    pub(crate) month: u32,
    pub(crate) day: u32,
    pub(crate) hour: u32,
    pub(crate) minute: u32,
    pub(crate) second: u32,
    /// Day of the year, 1-based.
    pub(crate) yday: u32,
    /// 0 = Sunday.
    pub(crate) weekday: u32,
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
/// (Wrapping arithmetic: absurd years from `AddDate` must not panic.)
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y.wrapping_sub(1) } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era.wrapping_mul(146_097).wrapping_add(doe - 719_468)
}

pub(crate) fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

pub(crate) fn days_in(month: u32, year: i64) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The civil time of `secs` seconds after the Unix epoch (UTC).
pub(crate) fn civil(secs: i64) -> Civil {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400) as u32;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    let yday = (days - days_from_civil(year, 1, 1) + 1) as u32;
    Civil {
        year,
        month,
        day,
        hour: rem / 3600,
        minute: rem / 60 % 60,
        second: rem % 60,
        yday,
        weekday: (days + 4).rem_euclid(7) as u32,
    }
}

/// A Go `time.Time`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct GoTime {
    /// Seconds since the Unix epoch.
    pub(crate) unix: i64,
    /// Nanoseconds within the second, `0..1e9`.
    pub(crate) nsec: u32,
    pub(crate) loc: Loc,
    /// Monotonic clock reading in nanoseconds since process start (only `now`).
    pub(crate) mono: Option<i64>,
}

fn process_start() -> Instant {
    static S: OnceLock<Instant> = OnceLock::new();
    *S.get_or_init(Instant::now)
}

/// The current Unix time in seconds.
pub(crate) fn unix_now() -> i64 {
    GoTime::now().unix
}

/// Go's zero `time.Time` (January 1, year 1, 00:00:00 UTC).
pub(crate) const ZERO_UNIX: i64 = -62_135_596_800;

impl GoTime {
    /// `time.Now()`: local time with a monotonic reading.
    pub(crate) fn now() -> GoTime {
        let start = process_start();
        let d = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let mono = i64::try_from(start.elapsed().as_nanos()).unwrap_or(i64::MAX);
        GoTime {
            unix: d.as_secs() as i64,
            nsec: d.subsec_nanos(),
            loc: Loc::Local,
            mono: Some(mono.max(1)),
        }
    }

    /// `time.Time{}`.
    pub(crate) fn zero() -> GoTime {
        GoTime {
            unix: ZERO_UNIX,
            nsec: 0,
            loc: Loc::Utc,
            mono: None,
        }
    }

    /// `time.Unix(sec, 0)` (in `Local`).
    pub(crate) fn from_unix(sec: i64) -> GoTime {
        GoTime {
            unix: sec,
            nsec: 0,
            loc: Loc::Local,
            mono: None,
        }
    }

    /// `t.In(loc)` (drops the monotonic reading).
    pub(crate) fn in_loc(&self, loc: Loc) -> GoTime {
        GoTime {
            loc,
            mono: None,
            ..self.clone()
        }
    }

    /// Zone abbreviation and offset.
    pub(crate) fn zone(&self) -> (String, i32) {
        self.loc.lookup(self.unix)
    }

    /// The civil time in the time's location.
    pub(crate) fn civil(&self) -> Civil {
        let (_, off) = self.zone();
        civil(self.unix.saturating_add(i64::from(off)))
    }

    pub(crate) fn is_zero(&self) -> bool {
        self.unix == ZERO_UNIX && self.nsec == 0
    }

    /// Nanoseconds since the epoch as Go's `UnixNano` (wrapping outside int64).
    pub(crate) fn unix_nano(&self) -> i64 {
        self.unix
            .wrapping_mul(1_000_000_000)
            .wrapping_add(i64::from(self.nsec))
    }

    /// `t.Add(d)`.
    pub(crate) fn add(&self, d: i64) -> GoTime {
        let mut dsec = d / 1_000_000_000;
        let mut nsec = i64::from(self.nsec) + d % 1_000_000_000;
        if nsec >= 1_000_000_000 {
            dsec += 1;
            nsec -= 1_000_000_000;
        } else if nsec < 0 {
            dsec -= 1;
            nsec += 1_000_000_000;
        }
        let mono = self.mono.and_then(|m| m.checked_add(d));
        GoTime {
            unix: self.unix.saturating_add(dsec),
            nsec: nsec as u32,
            loc: self.loc.clone(),
            mono,
        }
    }

    /// `t.Sub(u)` as a saturated Duration.
    pub(crate) fn sub(&self, u: &GoTime) -> i64 {
        if let (Some(a), Some(b)) = (self.mono, u.mono) {
            return a.saturating_sub(b);
        }
        let secs = i128::from(self.unix) - i128::from(u.unix);
        let ns = secs * 1_000_000_000 + i128::from(self.nsec) - i128::from(u.nsec);
        ns.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
    }

    /// `t.AddDate(y, m, d)`: civil arithmetic with Go's normalisation.
    pub(crate) fn add_date(&self, years: i64, months: i64, days: i64) -> GoTime {
        let c = self.civil();
        date(
            c.year.wrapping_add(years),
            i64::from(c.month).wrapping_add(months),
            i64::from(c.day).wrapping_add(days),
            i64::from(c.hour),
            i64::from(c.minute),
            i64::from(c.second),
            i64::from(self.nsec),
            self.loc.clone(),
        )
    }

    /// `t.Format(layout)`.
    pub(crate) fn format(&self, layout: &str) -> String {
        let (name, offset) = self.zone();
        let c = civil(self.unix.saturating_add(i64::from(offset)));
        let mut b = String::with_capacity(layout.len() + 10);
        let mut layout = layout;
        loop {
            let (prefix, std, suffix) = next_std_chunk(layout);
            b.push_str(prefix);
            let Some(std) = std else { break };
            layout = suffix;
            format_one(&mut b, std, &c, self.nsec, &name, offset);
        }
        b
    }

    /// `t.String()`.
    pub(crate) fn go_string(&self) -> String {
        let mut s = self.format("2006-01-02 15:04:05.999999999 -0700 MST");
        if let Some(m) = self.mono {
            let sign = if m < 0 { '-' } else { '+' };
            let m2 = m.unsigned_abs();
            let (m1, m2) = (m2 / 1_000_000_000, m2 % 1_000_000_000);
            let (m0, m1) = (m1 / 1_000_000_000, m1 % 1_000_000_000);
            s.push_str(" m=");
            s.push(sign);
            if m0 != 0 {
                s.push_str(&format!("{m0}{m1:09}"));
            } else {
                s.push_str(&m1.to_string());
            }
            s.push_str(&format!(".{m2:09}"));
        }
        s
    }
}

/// `time.Date(...)` with Go's normalisation of out-of-range fields.
#[allow(clippy::too_many_arguments)]
pub(crate) fn date(
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    min: i64,
    sec: i64,
    nsec: i64,
    loc: Loc,
) -> GoTime {
    // Normalize month, overflowing into year.
    let m0 = month.wrapping_sub(1);
    let year = year.wrapping_add(m0.div_euclid(12));
    let month = (m0.rem_euclid(12) + 1) as u32;
    let sec = sec.wrapping_add(nsec.div_euclid(1_000_000_000));
    let nsec = nsec.rem_euclid(1_000_000_000) as u32;
    let days = days_from_civil(year, month, 1)
        .wrapping_add(day)
        .wrapping_sub(1);
    let local = days
        .saturating_mul(86_400)
        .saturating_add(hour.saturating_mul(3600))
        .saturating_add(min.saturating_mul(60))
        .saturating_add(sec);
    let (_, off1) = loc.lookup(local);
    let mut unix = local;
    if off1 != 0 {
        let utc = local.saturating_sub(i64::from(off1));
        let (_, off2) = loc.lookup(utc);
        unix = local.saturating_sub(i64::from(off2));
    }
    GoTime {
        unix,
        nsec,
        loc,
        mono: None,
    }
}

const LONG_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const LONG_DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// `time.Month.String()`.
pub(crate) fn month_name(m: i64) -> String {
    if (1..=12).contains(&m) {
        LONG_MONTHS[(m - 1) as usize].to_string()
    } else {
        format!("%!Month({m})")
    }
}

/// `time.Weekday.String()`.
pub(crate) fn weekday_name(d: i64) -> String {
    if (0..7).contains(&d) {
        LONG_DAYS[d as usize].to_string()
    } else {
        format!("%!Weekday({d})")
    }
}

/// A layout element of Go's reference time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Std {
    LongMonth,
    Month,
    NumMonth,
    ZeroMonth,
    LongWeekDay,
    WeekDay,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    LongYear,
    Year,
    PM,
    Pm,
    TZ,
    ISO8601TZ,
    ISO8601SecondsTZ,
    ISO8601ShortTZ,
    ISO8601ColonTZ,
    ISO8601ColonSecondsTZ,
    NumTZ,
    NumSecondsTz,
    NumShortTZ,
    NumColonTZ,
    NumColonSecondsTZ,
    /// `.000` (digits fixed), with the separator and digit count.
    FracSecond0(u8, usize),
    /// `.999` (trailing zeros trimmed), with the separator and digit count.
    FracSecond9(u8, usize),
}

fn starts_with_lower(s: &str) -> bool {
    s.as_bytes().first().is_some_and(u8::is_ascii_lowercase)
}

/// Go's `nextStdChunk`: text before the first layout element, the element, the rest.
fn next_std_chunk(layout: &str) -> (&str, Option<Std>, &str) {
    let b = layout.as_bytes();
    let at = |i: usize, s: &str| layout.get(i..i + s.len()) == Some(s);
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let hit = |n: usize, std: Std| Some((&layout[..i], Some(std), &layout[i + n..]));
        let r = match c {
            b'J' if at(i, "Jan") => {
                if at(i, "January") {
                    hit(7, Std::LongMonth)
                } else if !starts_with_lower(&layout[i + 3..]) {
                    hit(3, Std::Month)
                } else {
                    None
                }
            }
            b'M' => {
                if at(i, "Mon") {
                    if at(i, "Monday") {
                        hit(6, Std::LongWeekDay)
                    } else if !starts_with_lower(&layout[i + 3..]) {
                        hit(3, Std::WeekDay)
                    } else {
                        None
                    }
                } else if at(i, "MST") {
                    hit(3, Std::TZ)
                } else {
                    None
                }
            }
            b'0' => {
                if i + 1 < b.len() && (b'1'..=b'6').contains(&b[i + 1]) {
                    let std = [
                        Std::ZeroMonth,
                        Std::ZeroDay,
                        Std::ZeroHour12,
                        Std::ZeroMinute,
                        Std::ZeroSecond,
                        Std::Year,
                    ][usize::from(b[i + 1] - b'1')];
                    hit(2, std)
                } else if at(i, "002") {
                    hit(3, Std::ZeroYearDay)
                } else {
                    None
                }
            }
            b'1' => {
                if at(i, "15") {
                    hit(2, Std::Hour)
                } else {
                    hit(1, Std::NumMonth)
                }
            }
            b'2' => {
                if at(i, "2006") {
                    hit(4, Std::LongYear)
                } else {
                    hit(1, Std::Day)
                }
            }
            b'_' => {
                if at(i, "_2") {
                    if at(i + 1, "2006") {
                        Some((&layout[..i + 1], Some(Std::LongYear), &layout[i + 5..]))
                    } else {
                        hit(2, Std::UnderDay)
                    }
                } else if at(i, "__2") {
                    hit(3, Std::UnderYearDay)
                } else {
                    None
                }
            }
            b'3' => hit(1, Std::Hour12),
            b'4' => hit(1, Std::Minute),
            b'5' => hit(1, Std::Second),
            b'P' if at(i, "PM") => hit(2, Std::PM),
            b'p' if at(i, "pm") => hit(2, Std::Pm),
            b'-' => {
                if at(i, "-070000") {
                    hit(7, Std::NumSecondsTz)
                } else if at(i, "-07:00:00") {
                    hit(9, Std::NumColonSecondsTZ)
                } else if at(i, "-0700") {
                    hit(5, Std::NumTZ)
                } else if at(i, "-07:00") {
                    hit(6, Std::NumColonTZ)
                } else if at(i, "-07") {
                    hit(3, Std::NumShortTZ)
                } else {
                    None
                }
            }
            b'Z' => {
                if at(i, "Z070000") {
                    hit(7, Std::ISO8601SecondsTZ)
                } else if at(i, "Z07:00:00") {
                    hit(9, Std::ISO8601ColonSecondsTZ)
                } else if at(i, "Z0700") {
                    hit(5, Std::ISO8601TZ)
                } else if at(i, "Z07:00") {
                    hit(6, Std::ISO8601ColonTZ)
                } else if at(i, "Z07") {
                    hit(3, Std::ISO8601ShortTZ)
                } else {
                    None
                }
            }
            b'.' | b',' if i + 1 < b.len() && (b[i + 1] == b'0' || b[i + 1] == b'9') => {
                let ch = b[i + 1];
                let mut j = i + 1;
                while j < b.len() && b[j] == ch {
                    j += 1;
                }
                if j < b.len() && b[j].is_ascii_digit() {
                    None
                } else {
                    let n = j - (i + 1);
                    let std = if ch == b'0' {
                        Std::FracSecond0(c, n)
                    } else {
                        Std::FracSecond9(c, n)
                    };
                    Some((&layout[..i], Some(std), &layout[j..]))
                }
            }
            _ => None,
        };
        if let Some(r) = r {
            return r;
        }
        i += 1;
    }
    (layout, None, "")
}

/// Go's `appendInt(b, x, width)`.
fn append_int(b: &mut String, x: i64, width: usize) {
    if x < 0 {
        b.push('-');
    }
    let s = x.unsigned_abs().to_string();
    for _ in s.len()..width {
        b.push('0');
    }
    b.push_str(&s);
}

fn format_one(b: &mut String, std: Std, c: &Civil, nsec: u32, name: &str, offset: i32) {
    let (year, month, day) = (c.year, i64::from(c.month), i64::from(c.day));
    let (hour, min, sec) = (i64::from(c.hour), i64::from(c.minute), i64::from(c.second));
    match std {
        Std::Year => append_int(b, year.abs() % 100, 2),
        Std::LongYear => append_int(b, year, 4),
        Std::Month => b.push_str(&LONG_MONTHS[(month - 1) as usize][..3]),
        Std::LongMonth => b.push_str(LONG_MONTHS[(month - 1) as usize]),
        Std::NumMonth => append_int(b, month, 0),
        Std::ZeroMonth => append_int(b, month, 2),
        Std::WeekDay => b.push_str(&LONG_DAYS[c.weekday as usize][..3]),
        Std::LongWeekDay => b.push_str(LONG_DAYS[c.weekday as usize]),
        Std::Day => append_int(b, day, 0),
        Std::UnderDay => {
            if day < 10 {
                b.push(' ');
            }
            append_int(b, day, 0);
        }
        Std::ZeroDay => append_int(b, day, 2),
        Std::UnderYearDay => {
            let yday = i64::from(c.yday);
            if yday < 100 {
                b.push(' ');
                if yday < 10 {
                    b.push(' ');
                }
            }
            append_int(b, yday, 0);
        }
        Std::ZeroYearDay => append_int(b, i64::from(c.yday), 3),
        Std::Hour => append_int(b, hour, 2),
        Std::Hour12 | Std::ZeroHour12 => {
            let hr = if hour % 12 == 0 { 12 } else { hour % 12 };
            append_int(b, hr, if std == Std::Hour12 { 0 } else { 2 });
        }
        Std::Minute => append_int(b, min, 0),
        Std::ZeroMinute => append_int(b, min, 2),
        Std::Second => append_int(b, sec, 0),
        Std::ZeroSecond => append_int(b, sec, 2),
        Std::PM => b.push_str(if hour >= 12 { "PM" } else { "AM" }),
        Std::Pm => b.push_str(if hour >= 12 { "pm" } else { "am" }),
        Std::ISO8601TZ
        | Std::ISO8601ColonTZ
        | Std::ISO8601SecondsTZ
        | Std::ISO8601ShortTZ
        | Std::ISO8601ColonSecondsTZ
        | Std::NumTZ
        | Std::NumColonTZ
        | Std::NumSecondsTz
        | Std::NumShortTZ
        | Std::NumColonSecondsTZ => {
            let iso = matches!(
                std,
                Std::ISO8601TZ
                    | Std::ISO8601ColonTZ
                    | Std::ISO8601SecondsTZ
                    | Std::ISO8601ShortTZ
                    | Std::ISO8601ColonSecondsTZ
            );
            if offset == 0 && iso {
                b.push('Z');
                return;
            }
            let mut zone = i64::from(offset) / 60;
            let mut absoffset = i64::from(offset);
            if zone < 0 {
                b.push('-');
                zone = -zone;
                absoffset = -absoffset;
            } else {
                b.push('+');
            }
            append_int(b, zone / 60, 2);
            if matches!(
                std,
                Std::ISO8601ColonTZ
                    | Std::NumColonTZ
                    | Std::ISO8601ColonSecondsTZ
                    | Std::NumColonSecondsTZ
            ) {
                b.push(':');
            }
            if std != Std::NumShortTZ && std != Std::ISO8601ShortTZ {
                append_int(b, zone % 60, 2);
            }
            if matches!(
                std,
                Std::ISO8601SecondsTZ
                    | Std::NumSecondsTz
                    | Std::NumColonSecondsTZ
                    | Std::ISO8601ColonSecondsTZ
            ) {
                if matches!(std, Std::NumColonSecondsTZ | Std::ISO8601ColonSecondsTZ) {
                    b.push(':');
                }
                append_int(b, absoffset % 60, 2);
            }
        }
        Std::TZ => {
            if !name.is_empty() {
                b.push_str(name);
                return;
            }
            let mut zone = i64::from(offset) / 60;
            if zone < 0 {
                b.push('-');
                zone = -zone;
            } else {
                b.push('+');
            }
            append_int(b, zone / 60, 2);
            append_int(b, zone % 60, 2);
        }
        Std::FracSecond0(dot, n) | Std::FracSecond9(dot, n) => {
            let trim = matches!(std, Std::FracSecond9(..));
            if trim && (n == 0 || nsec == 0) {
                return;
            }
            let mut digits = format!("{nsec:09}");
            if n < 9 {
                digits.truncate(n);
            }
            if trim {
                while digits.ends_with('0') {
                    digits.pop();
                }
                if digits.is_empty() {
                    return;
                }
            }
            b.push(dot as char);
            b.push_str(&digits);
        }
    }
}

/// The `time` package's own `quote` (non-ASCII and control bytes as `\xNN`).
pub(crate) fn time_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if (c as u32) >= 0x80 || (c as u32) < 0x20 {
            let mut buf = [0u8; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\x{byte:02x}"));
            }
        } else {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out.push('"');
    out
}

/// Go's `leadingInt`: leading decimal digits, `None` on overflow past 2^63.
fn leading_int(s: &str) -> Option<(u64, &str)> {
    let b = s.as_bytes();
    let mut x: u64 = 0;
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        if x > (1u64 << 63) / 10 {
            return None;
        }
        x = x * 10 + u64::from(b[i] - b'0');
        if x > 1u64 << 63 {
            return None;
        }
        i += 1;
    }
    Some((x, &s[i..]))
}

/// The `time` package's `atoi`.
fn atoi(s: &str) -> Option<i64> {
    let (neg, s) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (q, rem) = leading_int(s)?;
    if !rem.is_empty() {
        return None;
    }
    let x = q as i64;
    Some(if neg { x.wrapping_neg() } else { x })
}

fn is_digit(s: &str, i: usize) -> bool {
    s.as_bytes().get(i).is_some_and(u8::is_ascii_digit)
}

fn getnum(s: &str, fixed: bool) -> Option<(i64, &str)> {
    if !is_digit(s, 0) {
        return None;
    }
    let b = s.as_bytes();
    if !is_digit(s, 1) {
        if fixed {
            return None;
        }
        return Some((i64::from(b[0] - b'0'), &s[1..]));
    }
    Some((
        i64::from(b[0] - b'0') * 10 + i64::from(b[1] - b'0'),
        &s[2..],
    ))
}

fn getnum3(s: &str, fixed: bool) -> Option<(i64, &str)> {
    let b = s.as_bytes();
    let mut n = 0;
    let mut i = 0;
    while i < 3 && is_digit(s, i) {
        n = n * 10 + i64::from(b[i] - b'0');
        i += 1;
    }
    if i == 0 || fixed && i != 3 {
        return None;
    }
    Some((n, &s[i..]))
}

fn cutspace(s: &str) -> &str {
    s.trim_start_matches(' ')
}

fn skip<'a>(mut value: &'a str, mut prefix: &str) -> Result<&'a str, &'a str> {
    while !prefix.is_empty() {
        if prefix.as_bytes()[0] == b' ' {
            if !value.is_empty() && value.as_bytes()[0] != b' ' {
                return Err(value);
            }
            prefix = cutspace(prefix);
            value = cutspace(value);
            continue;
        }
        // Go compares byte by byte; comparing whole characters is the same on success.
        let (Some(pc), Some(vc)) = (prefix.chars().next(), value.chars().next()) else {
            return Err(value);
        };
        if pc != vc {
            return Err(value);
        }
        prefix = &prefix[pc.len_utf8()..];
        value = &value[vc.len_utf8()..];
    }
    Ok(value)
}

fn lookup<'a>(tab: &[&str], val: &'a str) -> Option<(usize, &'a str)> {
    for (i, v) in tab.iter().enumerate() {
        if val.len() >= v.len() && val.is_char_boundary(v.len()) {
            let head = &val.as_bytes()[..v.len()];
            if head
                .iter()
                .zip(v.as_bytes())
                .all(|(a, b)| a.eq_ignore_ascii_case(b))
            {
                return Some((i, &val[v.len()..]));
            }
        }
    }
    None
}

fn parse_nanoseconds(value: &str, nbytes: usize) -> Result<i64, Option<&'static str>> {
    let b = value.as_bytes();
    if b.first() != Some(&b'.') && b.first() != Some(&b',') {
        return Err(None);
    }
    let nbytes = nbytes.min(10);
    let ns = value.get(1..nbytes).and_then(atoi).ok_or(None)?;
    if ns < 0 {
        return Err(Some("fractional second"));
    }
    let mut ns = ns;
    for _ in 0..10 - nbytes {
        ns *= 10;
    }
    Ok(ns)
}

fn parse_signed_offset(value: &str) -> usize {
    let b = value.as_bytes();
    if b.is_empty() || (b[0] != b'-' && b[0] != b'+') {
        return 0;
    }
    match leading_int(&value[1..]) {
        Some((x, rem)) if rem.len() != value.len() - 1 && x <= 12 => value.len() - rem.len(),
        _ => 0,
    }
}

fn parse_time_zone(value: &str) -> Option<usize> {
    let b = value.as_bytes();
    if b.len() < 3 {
        return None;
    }
    if value.starts_with("ChST") || value.starts_with("MeST") {
        return Some(4);
    }
    if let Some(rest) = value.strip_prefix("GMT") {
        if rest.is_empty() {
            return Some(3);
        }
        return Some(3 + parse_signed_offset(rest));
    }
    if b[0] == b'+' || b[0] == b'-' {
        let n = parse_signed_offset(value);
        return (n > 0).then_some(n);
    }
    let mut n_upper = 0;
    while n_upper < 6 && n_upper < b.len() && b[n_upper].is_ascii_uppercase() {
        n_upper += 1;
    }
    match n_upper {
        5 if b[4] == b'T' => Some(5),
        4 if b[3] == b'T' || value.starts_with("WITA") => Some(4),
        3 => Some(3),
        _ => None,
    }
}

/// Go's `time.ParseError` text.
fn parse_error(
    layout: &str,
    value: &str,
    layout_elem: &str,
    value_elem: &str,
    msg: &str,
) -> String {
    if msg.is_empty() {
        format!(
            "parsing time {} as {}: cannot parse {} as {}",
            time_quote(value),
            time_quote(layout),
            time_quote(value_elem),
            time_quote(layout_elem)
        )
    } else {
        format!("parsing time {}{msg}", time_quote(value))
    }
}

const SHORT_DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const SHORT_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `time.ParseInLocation(layout, value, loc)`.
pub(crate) fn parse_in_location(alayout: &str, avalue: &str, loc: &Loc) -> Result<GoTime, String> {
    let (mut layout, mut value) = (alayout, avalue);
    let mut range_err: Option<&str> = None;
    let (mut am_set, mut pm_set) = (false, false);
    let mut year: i64 = 0;
    let mut month: i64 = -1;
    let mut day: i64 = -1;
    let mut yday: i64 = -1;
    let (mut hour, mut min, mut sec, mut nsec) = (0i64, 0i64, 0i64, 0i64);
    let mut z: Option<Loc> = None;
    let mut zone_offset: i64 = -1;
    let mut zone_name = String::new();

    loop {
        let (prefix, std, suffix) = next_std_chunk(layout);
        let stdstr = &layout[prefix.len()..layout.len() - suffix.len()];
        value = match skip(value, prefix) {
            Ok(v) => v,
            Err(v) => return Err(parse_error(alayout, avalue, prefix, v, "")),
        };
        let Some(std) = std else {
            if !value.is_empty() {
                return Err(parse_error(
                    alayout,
                    avalue,
                    "",
                    value,
                    &format!(": extra text: {}", time_quote(value)),
                ));
            }
            break;
        };
        layout = suffix;
        let hold = value;
        let mut ok = true;
        macro_rules! num {
            ($e:expr) => {
                match $e {
                    Some((n, rest)) => {
                        value = rest;
                        n
                    }
                    None => {
                        ok = false;
                        0
                    }
                }
            };
        }
        match std {
            Std::Year => {
                if value.len() < 2 || !value.is_char_boundary(2) {
                    ok = false;
                } else {
                    let p = &value[..2];
                    value = &value[2..];
                    match atoi(p) {
                        Some(y) => year = if y >= 69 { y + 1900 } else { y + 2000 },
                        None => ok = false,
                    }
                }
            }
            Std::LongYear => {
                if value.len() < 4 || !is_digit(value, 0) || !value.is_char_boundary(4) {
                    ok = false;
                } else {
                    let p = &value[..4];
                    value = &value[4..];
                    match atoi(p) {
                        Some(y) => year = y,
                        None => ok = false,
                    }
                }
            }
            Std::Month => month = num!(lookup(&SHORT_MONTHS, value)) as i64 + 1,
            Std::LongMonth => month = num!(lookup(&LONG_MONTHS, value)) as i64 + 1,
            Std::NumMonth | Std::ZeroMonth => {
                month = num!(getnum(value, std == Std::ZeroMonth));
                if ok && !(1..=12).contains(&month) {
                    range_err = Some("month");
                }
            }
            Std::WeekDay => {
                num!(lookup(&SHORT_DAYS, value));
            }
            Std::LongWeekDay => {
                num!(lookup(&LONG_DAYS, value));
            }
            Std::Day | Std::UnderDay | Std::ZeroDay => {
                if std == Std::UnderDay && value.starts_with(' ') {
                    value = &value[1..];
                }
                day = num!(getnum(value, std == Std::ZeroDay));
            }
            Std::UnderYearDay | Std::ZeroYearDay => {
                for _ in 0..2 {
                    if std == Std::UnderYearDay && value.starts_with(' ') {
                        value = &value[1..];
                    }
                }
                yday = num!(getnum3(value, std == Std::ZeroYearDay));
            }
            Std::Hour => {
                hour = num!(getnum(value, false));
                if !(0..24).contains(&hour) {
                    range_err = Some("hour");
                }
            }
            Std::Hour12 | Std::ZeroHour12 => {
                hour = num!(getnum(value, std == Std::ZeroHour12));
                if !(0..=12).contains(&hour) {
                    range_err = Some("hour");
                }
            }
            Std::Minute | Std::ZeroMinute => {
                min = num!(getnum(value, std == Std::ZeroMinute));
                if !(0..60).contains(&min) {
                    range_err = Some("minute");
                }
            }
            Std::Second | Std::ZeroSecond => {
                sec = num!(getnum(value, std == Std::ZeroSecond));
                if ok {
                    if !(0..60).contains(&sec) {
                        range_err = Some("second");
                    } else if value.len() >= 2
                        && matches!(value.as_bytes()[0], b'.' | b',')
                        && is_digit(value, 1)
                    {
                        let (_, next, _) = next_std_chunk(layout);
                        if !matches!(next, Some(Std::FracSecond0(..) | Std::FracSecond9(..))) {
                            let mut n = 2;
                            while n < value.len() && is_digit(value, n) {
                                n += 1;
                            }
                            match parse_nanoseconds(value, n) {
                                Ok(ns) => nsec = ns,
                                Err(Some(r)) => range_err = Some(r),
                                Err(None) => ok = false,
                            }
                            value = &value[n..];
                        }
                    }
                }
            }
            Std::PM | Std::Pm => {
                if value.len() < 2 || !value.is_char_boundary(2) {
                    ok = false;
                } else {
                    let p = &value[..2];
                    value = &value[2..];
                    let (pm, am) = if std == Std::PM {
                        ("PM", "AM")
                    } else {
                        ("pm", "am")
                    };
                    if p == pm {
                        pm_set = true;
                    } else if p == am {
                        am_set = true;
                    } else {
                        ok = false;
                    }
                }
            }
            Std::ISO8601TZ
            | Std::ISO8601ShortTZ
            | Std::ISO8601ColonTZ
            | Std::ISO8601SecondsTZ
            | Std::ISO8601ColonSecondsTZ
            | Std::NumTZ
            | Std::NumShortTZ
            | Std::NumColonTZ
            | Std::NumSecondsTz
            | Std::NumColonSecondsTZ => {
                let iso = matches!(
                    std,
                    Std::ISO8601TZ
                        | Std::ISO8601ShortTZ
                        | Std::ISO8601ColonTZ
                        | Std::ISO8601SecondsTZ
                        | Std::ISO8601ColonSecondsTZ
                );
                if iso && value.starts_with('Z') {
                    value = &value[1..];
                    z = Some(Loc::Utc);
                } else {
                    let vb = value.as_bytes();
                    let n = if matches!(std, Std::ISO8601ColonTZ | Std::NumColonTZ) {
                        6
                    } else if matches!(std, Std::NumShortTZ | Std::ISO8601ShortTZ) {
                        3
                    } else if matches!(std, Std::ISO8601ColonSecondsTZ | Std::NumColonSecondsTZ) {
                        9
                    } else if matches!(std, Std::ISO8601SecondsTZ | Std::NumSecondsTz) {
                        7
                    } else {
                        5
                    };
                    // Non-ASCII bytes can never be a sign, digit or colon: Go fails too.
                    let parts: Option<(&str, &str, &str, &str, usize)> = if vb.len() < n
                        || !vb[..n].is_ascii()
                    {
                        None
                    } else {
                        match n {
                            6 => (vb[3] == b':')
                                .then(|| (&value[0..1], &value[1..3], &value[4..6], "00", 6)),
                            3 => Some((&value[0..1], &value[1..3], "00", "00", 3)),
                            9 => (vb[3] == b':' && vb[6] == b':').then(|| {
                                (&value[0..1], &value[1..3], &value[4..6], &value[7..9], 9)
                            }),
                            7 => Some((&value[0..1], &value[1..3], &value[3..5], &value[5..7], 7)),
                            _ => Some((&value[0..1], &value[1..3], &value[3..5], "00", 5)),
                        }
                    };
                    match parts {
                        None => ok = false,
                        Some((sign, h, m, s, n)) => {
                            value = &value[n..];
                            let hr = getnum(h, true).map(|x| x.0);
                            let mm = getnum(m, true).map(|x| x.0);
                            let ss = getnum(s, true).map(|x| x.0);
                            match (hr, mm, ss) {
                                (Some(hr), Some(mm), Some(ss)) => {
                                    if hr > 24 {
                                        range_err = Some("time zone offset hour");
                                    }
                                    if mm > 60 {
                                        range_err = Some("time zone offset minute");
                                    }
                                    if ss > 60 {
                                        range_err = Some("time zone offset second");
                                    }
                                    zone_offset = (hr * 60 + mm) * 60 + ss;
                                    match sign {
                                        "+" => {}
                                        "-" => zone_offset = -zone_offset,
                                        _ => ok = false,
                                    }
                                }
                                _ => ok = false,
                            }
                        }
                    }
                }
            }
            Std::TZ => {
                if value.starts_with("UTC") {
                    z = Some(Loc::Utc);
                    value = &value[3..];
                } else {
                    match parse_time_zone(value) {
                        Some(n) if value.is_char_boundary(n) => {
                            zone_name = value[..n].to_string();
                            value = &value[n..];
                        }
                        _ => ok = false,
                    }
                }
            }
            Std::FracSecond0(_, n) => {
                let ndigit = 1 + n;
                if value.len() < ndigit || !value.is_char_boundary(ndigit) {
                    ok = false;
                } else {
                    match parse_nanoseconds(value, ndigit) {
                        Ok(ns) => nsec = ns,
                        Err(Some(r)) => range_err = Some(r),
                        Err(None) => ok = false,
                    }
                    value = &value[ndigit..];
                }
            }
            Std::FracSecond9(..) => {
                let vb = value.as_bytes();
                if vb.len() >= 2 && matches!(vb[0], b'.' | b',') && vb[1].is_ascii_digit() {
                    let mut i = 0;
                    while i + 1 < vb.len() && vb[i + 1].is_ascii_digit() {
                        i += 1;
                    }
                    match parse_nanoseconds(value, 1 + i) {
                        Ok(ns) => nsec = ns,
                        Err(Some(r)) => range_err = Some(r),
                        Err(None) => ok = false,
                    }
                    value = &value[1 + i..];
                }
            }
        }
        if let Some(r) = range_err {
            return Err(parse_error(
                alayout,
                avalue,
                stdstr,
                value,
                &format!(": {r} out of range"),
            ));
        }
        if !ok {
            return Err(parse_error(alayout, avalue, stdstr, hold, ""));
        }
    }
    if pm_set && hour < 12 {
        hour += 12;
    } else if am_set && hour == 12 {
        hour = 0;
    }

    if yday >= 0 {
        let mut d = 0i64;
        let mut m = 0i64;
        if is_leap(year) {
            if yday == 31 + 29 {
                m = 2;
                d = 29;
            } else if yday > 31 + 29 {
                yday -= 1;
            }
        }
        if !(1..=365).contains(&yday) {
            return Err(parse_error(
                alayout,
                avalue,
                "",
                value,
                ": day-of-year out of range",
            ));
        }
        if m == 0 {
            const DAYS_BEFORE: [i64; 13] =
                [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
            m = (yday - 1) / 31 + 1;
            if DAYS_BEFORE[m as usize] < yday {
                m += 1;
            }
            d = yday - DAYS_BEFORE[(m - 1) as usize];
        }
        if month >= 0 && month != m {
            return Err(parse_error(
                alayout,
                avalue,
                "",
                value,
                ": day-of-year does not match month",
            ));
        }
        month = m;
        if day >= 0 && day != d {
            return Err(parse_error(
                alayout,
                avalue,
                "",
                value,
                ": day-of-year does not match day",
            ));
        }
        day = d;
    } else {
        if month < 0 {
            month = 1;
        }
        if day < 0 {
            day = 1;
        }
    }
    if day < 1 || day > i64::from(days_in(month as u32, year)) {
        return Err(parse_error(
            alayout,
            avalue,
            "",
            value,
            ": day out of range",
        ));
    }

    if let Some(z) = z {
        return Ok(date(year, month, day, hour, min, sec, nsec, z));
    }
    if zone_offset != -1 {
        let mut t = date(year, month, day, hour, min, sec, nsec, Loc::Utc);
        t.unix -= zone_offset;
        let (name, offset) = loc.lookup(t.unix);
        if i64::from(offset) == zone_offset && (zone_name.is_empty() || name == zone_name) {
            t.loc = loc.clone();
            return Ok(t);
        }
        t.loc = Loc::Fixed(Arc::from(zone_name.as_str()), zone_offset as i32);
        return Ok(t);
    }
    if !zone_name.is_empty() {
        let mut t = date(year, month, day, hour, min, sec, nsec, Loc::Utc);
        // The location's own abbreviation, if it was in effect then.
        let (name, offset) = loc.lookup(t.unix);
        if name == zone_name {
            t.unix -= i64::from(offset);
            t.loc = loc.clone();
            return Ok(t);
        }
        let mut offset = 0i64;
        if zone_name.len() > 3 && zone_name.starts_with("GMT") {
            offset = atoi(&zone_name[3..]).unwrap_or(0) * 3600;
        }
        t.loc = Loc::Fixed(Arc::from(zone_name.as_str()), offset as i32);
        return Ok(t);
    }
    Ok(date(year, month, day, hour, min, sec, nsec, loc.clone()))
}

/// `time.ParseDuration(s)` in nanoseconds, with Go's error texts.
pub(crate) fn parse_duration(orig: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration {}", time_quote(orig));
    let mut s = orig;
    let mut neg = false;
    if let Some(c) = s.as_bytes().first() {
        if *c == b'-' || *c == b'+' {
            neg = *c == b'-';
            s = &s[1..];
        }
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut d: u64 = 0;
    while !s.is_empty() {
        let c = s.as_bytes()[0];
        if !(c == b'.' || c.is_ascii_digit()) {
            return Err(invalid());
        }
        let pl = s.len();
        let (mut v, rest) = leading_int(s).ok_or_else(invalid)?;
        s = rest;
        let pre = pl != s.len();
        let mut post = false;
        let (mut f, mut scale) = (0u64, 1f64);
        if s.starts_with('.') {
            s = &s[1..];
            let pl = s.len();
            let mut overflow = false;
            let b = s.as_bytes();
            let mut i = 0;
            while i < b.len() && b[i].is_ascii_digit() {
                if !overflow {
                    if f > ((1u64 << 63) - 1) / 10 {
                        overflow = true;
                    } else {
                        let y = f * 10 + u64::from(b[i] - b'0');
                        if y > 1u64 << 63 {
                            overflow = true;
                        } else {
                            f = y;
                            scale *= 10.0;
                        }
                    }
                }
                i += 1;
            }
            s = &s[i..];
            post = pl != s.len();
        }
        if !pre && !post {
            return Err(invalid());
        }
        let i = s
            .bytes()
            .position(|c| c == b'.' || c.is_ascii_digit())
            .unwrap_or(s.len());
        if i == 0 {
            return Err(format!(
                "time: missing unit in duration {}",
                time_quote(orig)
            ));
        }
        let u = &s[..i];
        s = &s[i..];
        let unit: u64 = match u {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    time_quote(u),
                    time_quote(orig)
                ))
            }
        };
        if v > (1u64 << 63) / unit {
            return Err(invalid());
        }
        v *= unit;
        if f > 0 {
            v += (f as f64 * (unit as f64 / scale)) as u64;
            if v > 1u64 << 63 {
                return Err(invalid());
            }
        }
        d += v;
        if d > 1u64 << 63 {
            return Err(invalid());
        }
    }
    if neg {
        return Ok((d as i64).wrapping_neg());
    }
    if d > (1u64 << 63) - 1 {
        return Err(invalid());
    }
    Ok(d as i64)
}

/// `time.Duration(d).String()`.
pub(crate) fn duration_string(d: i64) -> String {
    let neg = d < 0;
    let mut u = d.unsigned_abs();
    let mut out: Vec<u8> = Vec::with_capacity(32);
    // Built backwards, as Go does.
    fn frac(out: &mut Vec<u8>, mut v: u64, prec: usize) -> u64 {
        let mut print = false;
        for _ in 0..prec {
            let digit = v % 10;
            print = print || digit != 0;
            if print {
                out.push(b'0' + digit as u8);
            }
            v /= 10;
        }
        if print {
            out.push(b'.');
        }
        v
    }
    fn int(out: &mut Vec<u8>, mut v: u64) {
        if v == 0 {
            out.push(b'0');
        } else {
            while v > 0 {
                out.push(b'0' + (v % 10) as u8);
                v /= 10;
            }
        }
    }
    if u < 1_000_000_000 {
        out.push(b's');
        let prec;
        if u == 0 {
            return "0s".to_string();
        } else if u < 1_000 {
            prec = 0;
            out.push(b'n');
        } else if u < 1_000_000 {
            prec = 3;
            // "µ" backwards: 0xB5 then 0xC2.
            out.push(0xb5);
            out.push(0xc2);
        } else {
            prec = 6;
            out.push(b'm');
        }
        u = frac(&mut out, u, prec);
        int(&mut out, u);
    } else {
        out.push(b's');
        u = frac(&mut out, u, 9);
        int(&mut out, u % 60);
        u /= 60;
        if u > 0 {
            out.push(b'm');
            int(&mut out, u % 60);
            u /= 60;
            if u > 0 {
                out.push(b'h');
                int(&mut out, u);
            }
        }
    }
    if neg {
        out.push(b'-');
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// `time.Duration(d).Round(m)`.
pub(crate) fn duration_round(d: i64, m: i64) -> i64 {
    if m <= 0 {
        return d;
    }
    let less_than_half = |x: i64, y: i64| (x as u64).wrapping_add(x as u64) < y as u64;
    let mut r = d % m;
    if d < 0 {
        r = -r;
        if less_than_half(r, m) {
            return d + r;
        }
        let d1 = d.wrapping_sub(m).wrapping_add(r);
        if d1 < d {
            return d1;
        }
        return i64::MIN;
    }
    if less_than_half(r, m) {
        return d - r;
    }
    let d1 = d.wrapping_add(m).wrapping_sub(r);
    if d1 > d {
        return d1;
    }
    i64::MAX
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> GoTime {
        parse_in_location("2006-01-02T15:04:05Z07:00", s, &Loc::Utc).unwrap()
    }

    #[test]
    fn format_layouts() {
        let x = t("2024-03-09T07:08:09Z");
        assert_eq!(
            x.format("Mon Jan 2 15:04:05 2006"),
            "Sat Mar 9 07:08:09 2024"
        );
        assert_eq!(
            x.format("Monday January _2 3PM .000 002 __2"),
            "Saturday March  9 7AM .000 069  69"
        );
        assert_eq!(x.go_string(), "2024-03-09 07:08:09 +0000 UTC");
        let y = x.in_loc(Loc::load("Asia/Tokyo").unwrap());
        assert_eq!(
            y.format("2006-01-02 15:04 -0700 MST Z07:00"),
            "2024-03-09 16:08 +0900 JST +09:00"
        );
    }

    #[test]
    fn parse_errors() {
        assert_eq!(
            parse_in_location("2006-01-02", "notadate", &Loc::Local).unwrap_err(),
            "parsing time \"notadate\" as \"2006-01-02\": cannot parse \"notadate\" as \"2006\""
        );
        let x = t("2024-03-09T07:08:09+09:00");
        assert_eq!(x.go_string(), "2024-03-09 07:08:09 +0900 +0900");
    }

    #[test]
    fn durations() {
        assert_eq!(duration_string(3_600_000_000_000), "1h0m0s");
        assert_eq!(duration_string(1_500_000_000), "1.5s");
        assert_eq!(duration_string(0), "0s");
        assert_eq!(duration_string(1_500), "1.5µs");
        assert_eq!(duration_string(-90_000_000_000), "-1m30s");
        assert_eq!(parse_duration("-1.5h").unwrap(), -5_400_000_000_000);
        assert_eq!(
            parse_duration("xyz").unwrap_err(),
            "time: invalid duration \"xyz\""
        );
        assert_eq!(
            parse_duration("1").unwrap_err(),
            "time: missing unit in duration \"1\""
        );
        assert_eq!(
            parse_duration("1d").unwrap_err(),
            "time: unknown unit \"d\" in duration \"1d\""
        );
    }
}
