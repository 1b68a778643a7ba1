//! TOML datetimes as BurntSushi/toml parses them (`valueDatetime`: Go's
//! `time.ParseInLocation` with seven layouts, then a leading-zero check), returned in
//! the RFC 3339 form Go's `time.Time` marshals to (`2006-01-02T15:04:05.999999999Z07:00`).

struct Dt {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    min: u32,
    sec: u32,
    nanos: u32,
    /// Offset in seconds east of UTC.
    offset: i32,
}

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

fn lit(s: &[u8], c: u8) -> Option<&[u8]> {
    if s.first() == Some(&c) {
        Some(&s[1..])
    } else {
        None
    }
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

#[derive(Clone, Copy)]
struct Layout {
    date: bool,
    time: bool,
    seconds: bool,
    zone: bool,
    text: &'static str,
}

const LAYOUTS: [Layout; 7] = [
    Layout {
        date: true,
        time: true,
        seconds: true,
        zone: true,
        text: "2006-01-02T15:04:05.999999999Z07:00",
    },
    Layout {
        date: true,
        time: true,
        seconds: true,
        zone: false,
        text: "2006-01-02T15:04:05.999999999",
    },
    Layout {
        date: true,
        time: false,
        seconds: false,
        zone: false,
        text: "2006-01-02",
    },
    Layout {
        date: false,
        time: true,
        seconds: true,
        zone: false,
        text: "15:04:05.999999999",
    },
    Layout {
        date: true,
        time: true,
        seconds: false,
        zone: true,
        text: "2006-01-02T15:04Z07:00",
    },
    Layout {
        date: true,
        time: true,
        seconds: false,
        zone: false,
        text: "2006-01-02T15:04",
    },
    Layout {
        date: false,
        time: true,
        seconds: false,
        zone: false,
        text: "15:04",
    },
];

fn parse_layout(s: &[u8], l: Layout) -> Option<Dt> {
    let mut v = s;
    let mut dt = Dt {
        year: 0,
        month: 1,
        day: 1,
        hour: 0,
        min: 0,
        sec: 0,
        nanos: 0,
        offset: 0,
    };
    if l.date {
        if v.len() < 4 || !v[..4].iter().all(u8::is_ascii_digit) {
            return None;
        }
        dt.year = std::str::from_utf8(&v[..4]).ok()?.parse().ok()?;
        v = lit(&v[4..], b'-')?;
        let (m, r) = getnum(v, true)?;
        dt.month = m;
        v = lit(r, b'-')?;
        let (d, r) = getnum(v, true)?;
        dt.day = d;
        v = r;
        if !(1..=12).contains(&dt.month) {
            return None;
        }
        if l.time {
            v = lit(v, b'T')?;
        }
    }
    if l.time {
        let (h, r) = getnum(v, false)?;
        dt.hour = h;
        v = lit(r, b':')?;
        let (m, r) = getnum(v, true)?;
        dt.min = m;
        v = r;
        if dt.hour >= 24 || dt.min >= 60 {
            return None;
        }
        if l.seconds {
            v = lit(v, b':')?;
            let (sec, r) = getnum(v, true)?;
            dt.sec = sec;
            v = r;
            if dt.sec >= 60 {
                return None;
            }
            if v.len() >= 2 && (v[0] == b'.' || v[0] == b',') && v[1].is_ascii_digit() {
                let mut i = 1;
                while i < v.len() && v[i].is_ascii_digit() {
                    i += 1;
                }
                let digits = &v[1..i.min(10)];
                let mut ns: u32 = 0;
                for (k, d) in digits.iter().enumerate() {
                    ns += ((d - b'0') as u32) * 10u32.pow(8 - k as u32);
                }
                dt.nanos = ns;
                v = &v[i..];
            }
        }
        if l.zone {
            if let Some(r) = lit(v, b'Z') {
                v = r;
            } else {
                if v.len() < 6 || v[3] != b':' {
                    return None;
                }
                let sign = v[0];
                let (hr, _) = getnum(&v[1..3], true)?;
                let (mm, _) = getnum(&v[4..6], true)?;
                if hr > 24 || mm > 60 {
                    return None;
                }
                let off = ((hr * 60 + mm) * 60) as i32;
                dt.offset = match sign {
                    b'+' => off,
                    b'-' => -off,
                    _ => return None,
                };
                v = &v[6..];
            }
        }
    }
    if !v.is_empty() {
        return None;
    }
    if l.date && (dt.day < 1 || dt.day > days_in(dt.month, dt.year)) {
        return None;
    }
    Some(dt)
}

fn missing_leading_zero(d: &[u8], layout: &str) -> bool {
    for (i, &c) in layout.as_bytes().iter().enumerate() {
        if c == b'.' || c == b'Z' {
            return false;
        }
        if !c.is_ascii_digit() && d.get(i) != Some(&c) {
            return true;
        }
    }
    false
}

fn format(dt: &Dt) -> String {
    let mut s = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        dt.year, dt.month, dt.day, dt.hour, dt.min, dt.sec
    );
    if dt.nanos > 0 {
        let frac = format!("{:09}", dt.nanos);
        s.push('.');
        s.push_str(frac.trim_end_matches('0'));
    }
    if dt.offset == 0 {
        s.push('Z');
    } else {
        let sign = if dt.offset < 0 { '-' } else { '+' };
        let o = dt.offset.abs();
        s.push_str(&format!("{sign}{:02}:{:02}", o / 3600, (o / 60) % 60));
    }
    s
}

/// Parses a TOML datetime (already normalized: `T` separator, upper-case `Z`); `None`
/// when BurntSushi reports `invalid datetime`.
pub(crate) fn parse(v: &str) -> Option<String> {
    let b = v.as_bytes();
    for l in LAYOUTS {
        if let Some(dt) = parse_layout(b, l) {
            if missing_leading_zero(b, l.text) {
                return None;
            }
            return Some(format(&dt));
        }
    }
    None
}
