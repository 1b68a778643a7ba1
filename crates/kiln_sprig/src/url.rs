//! Sprig's URL functions (`url.go`) on a port of Go 1.26's `net/url`: `Parse` with its
//! errors (strict colons in hosts, the default `urlstrictcolons=1`; bracketed hosts
//! checked as IPv6 literals by a port of `netip.ParseAddr`), `URL.String`,
//! `Userinfo.String` and `Hostname`.
//!
//! | function | Go signature | semantics from |
//! | --- | --- | --- |
//! | `urlParse` | `func(v string) map[string]interface{}` | `url.Parse`; keys `scheme host hostname path query opaque fragment userinfo`; a parse error panics `unable to parse url: …` |
//! | `urlJoin` | `func(d map[string]interface{}) string` | `url.URL{…}.String()` from the same keys; a non-string value panics `unable to parse KEY key, must be of type string, but KIND found` |

use kiln_gotmpl::{FuncMap, GoError, Map, Str, Ty, Value};

/// `strconv.Quote`, through Go's `%q`.
fn quote(s: &str) -> String {
    kiln_gotmpl::fmt::sprintf("%q", &[Value::str(s)])
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Path,
    Host,
    Zone,
    UserPassword,
    QueryComponent,
    Fragment,
}

/// `shouldEscape`.
fn should_escape(c: u8, mode: Mode) -> bool {
    if c.is_ascii_alphanumeric() {
        return false;
    }
    if matches!(mode, Mode::Host | Mode::Zone)
        && matches!(
            c,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'['
                | b']'
                | b'<'
                | b'>'
                | b'"'
        )
    {
        return false;
    }
    match c {
        b'-' | b'_' | b'.' | b'~' => return false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => match mode {
            Mode::Path => return c == b'?',
            Mode::UserPassword => return matches!(c, b'@' | b'/' | b'?' | b':'),
            Mode::QueryComponent => return true,
            Mode::Fragment => return false,
            Mode::Host | Mode::Zone => {}
        },
        _ => {}
    }
    if mode == Mode::Fragment && matches!(c, b'!' | b'(' | b')' | b'*') {
        return false;
    }
    true
}

fn unhex(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => 0,
    }
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `unescape`; `Err` holds Go's error text (`invalid URL escape "%zz"`, `invalid character
/// " " in host name`).
fn unescape(s: &str, mode: Mode) -> Result<String, String> {
    let b = s.as_bytes();
    let mut n = 0;
    let mut has_plus = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                n += 1;
                if i + 2 >= b.len()
                    || !b[i + 1].is_ascii_hexdigit()
                    || !b[i + 2].is_ascii_hexdigit()
                {
                    let rest = &b[i..];
                    let rest = &rest[..rest.len().min(3)];
                    return Err(format!("invalid URL escape {}", quote(&lossy(rest))));
                }
                let three = &b[i..i + 3];
                if mode == Mode::Host && unhex(b[i + 1]) < 8 && three != b"%25" {
                    return Err(format!("invalid URL escape {}", quote(&lossy(three))));
                }
                if mode == Mode::Zone {
                    let v = unhex(b[i + 1]) << 4 | unhex(b[i + 2]);
                    if three != b"%25" && v != b' ' && should_escape(v, Mode::Host) {
                        return Err(format!("invalid URL escape {}", quote(&lossy(three))));
                    }
                }
                i += 3;
            }
            b'+' => {
                has_plus = mode == Mode::QueryComponent;
                i += 1;
            }
            c => {
                if matches!(mode, Mode::Host | Mode::Zone) && c < 0x80 && should_escape(c, mode) {
                    return Err(format!(
                        "invalid character {} in host name",
                        quote(&lossy(&[c]))
                    ));
                }
                i += 1;
            }
        }
    }
    if n == 0 && !has_plus {
        return Ok(s.to_string());
    }
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                out.push(unhex(b[i + 1]) << 4 | unhex(b[i + 2]));
                i += 3;
            }
            b'+' => {
                out.push(if mode == Mode::QueryComponent {
                    b' '
                } else {
                    b'+'
                });
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Ok(lossy(&out))
}

/// `escape`.
fn escape(s: &str, mode: Mode) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = Vec::with_capacity(s.len());
    for c in s.bytes() {
        if c == b' ' && mode == Mode::QueryComponent {
            out.push(b'+');
        } else if should_escape(c, mode) {
            out.extend_from_slice(&[b'%', HEX[usize::from(c >> 4)], HEX[usize::from(c & 15)]]);
        } else {
            out.push(c);
        }
    }
    lossy(&out)
}

/// `url.Userinfo`.
struct Userinfo {
    username: String,
    password: Option<String>,
}

impl Userinfo {
    /// `Userinfo.String`.
    fn string(&self) -> String {
        let mut s = escape(&self.username, Mode::UserPassword);
        if let Some(p) = &self.password {
            s.push(':');
            s.push_str(&escape(p, Mode::UserPassword));
        }
        s
    }
}

/// `url.URL`, the fields Sprig uses.
#[derive(Default)]
struct Url {
    scheme: String,
    opaque: String,
    user: Option<Userinfo>,
    host: String,
    path: String,
    raw_path: String,
    force_query: bool,
    raw_query: String,
    fragment: String,
    raw_fragment: String,
}

/// `getScheme`.
fn get_scheme(raw: &str) -> Result<(&str, &str), String> {
    for (i, c) in raw.bytes().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' => {
                if i == 0 {
                    return Ok(("", raw));
                }
            }
            b':' => {
                if i == 0 {
                    return Err("missing protocol scheme".into());
                }
                return Ok((&raw[..i], &raw[i + 1..]));
            }
            _ => return Ok(("", raw)),
        }
    }
    Ok(("", raw))
}

/// `validOptionalPort`: empty, or `:` and digits.
fn valid_optional_port(port: &str) -> bool {
    match port.strip_prefix(':') {
        _ if port.is_empty() => true,
        Some(digits) => digits.bytes().all(|b| b.is_ascii_digit()),
        None => false,
    }
}

/// `netip.ParseAddr`'s verdict: `Ok(true)` for IPv4, `Ok(false)` for IPv6, or its error.
fn parse_addr(s: &str) -> Result<bool, String> {
    let fail = |msg: &str, at: Option<&str>| -> String {
        let mut e = format!("ParseAddr({}): {msg}", quote(s));
        if let Some(at) = at.filter(|a| !a.is_empty()) {
            e.push_str(&format!(" (at {})", quote(at)));
        }
        e
    };
    for c in s.bytes() {
        match c {
            b'.' => {
                ipv4_fields(s, s, &fail)?;
                return Ok(true);
            }
            b':' => {
                parse_ipv6(s, &fail)?;
                return Ok(false);
            }
            b'%' => return Err(fail("missing IPv6 address", None)),
            _ => {}
        }
    }
    Err(fail("unable to parse IP", None))
}

type Fail<'a> = &'a dyn Fn(&str, Option<&str>) -> String;

/// netip's `parseIPv4Fields` over `part`.
fn ipv4_fields(_whole: &str, part: &str, fail: Fail<'_>) -> Result<(), String> {
    let b = part.as_bytes();
    let (mut val, mut pos, mut dig_len) = (0u32, 0, 0);
    for (i, &c) in b.iter().enumerate() {
        if c.is_ascii_digit() {
            if dig_len == 1 && val == 0 {
                return Err(fail("IPv4 field has octet with leading zero", None));
            }
            val = val * 10 + u32::from(c - b'0');
            dig_len += 1;
            if val > 255 {
                return Err(fail("IPv4 field has value >255", None));
            }
        } else if c == b'.' {
            if i == 0 || i == b.len() - 1 || b[i - 1] == b'.' {
                return Err(fail(
                    "IPv4 field must have at least one digit",
                    Some(&part[i..]),
                ));
            }
            if pos == 3 {
                return Err(fail("IPv4 address too long", None));
            }
            pos += 1;
            val = 0;
            dig_len = 0;
        } else {
            return Err(fail("unexpected character", Some(&part[i..])));
        }
    }
    if pos < 3 {
        return Err(fail("IPv4 address too short", None));
    }
    Ok(())
}

/// netip's `parseIPv6` checks.
fn parse_ipv6(input: &str, fail: Fail<'_>) -> Result<(), String> {
    let (mut s, zone) = match input.find('%') {
        Some(i) => {
            let zone = &input[i + 1..];
            if zone.is_empty() {
                return Err(fail("zone must be a non-empty string", None));
            }
            (&input[..i], zone)
        }
        None => (input, ""),
    };
    let mut ellipsis: i32 = -1;
    if s.starts_with("::") {
        ellipsis = 0;
        s = &s[2..];
        if s.is_empty() {
            return Ok(());
        }
    }
    let mut i: i32 = 0;
    while i < 16 {
        let b = s.as_bytes();
        let mut off = 0;
        let mut acc: u32 = 0;
        while off < b.len() {
            let Some(d) = (b[off] as char).to_digit(16) else {
                break;
            };
            acc = (acc << 4) + d;
            if off > 3 {
                return Err(fail("each group must have 4 or less digits", Some(s)));
            }
            if acc > 0xFFFF {
                return Err(fail("IPv6 field has value >=2^16", Some(s)));
            }
            off += 1;
        }
        if off == 0 {
            return Err(fail(
                "each colon-separated field must have at least one digit",
                Some(s),
            ));
        }
        if off < b.len() && b[off] == b'.' {
            if ellipsis < 0 && i != 12 {
                return Err(fail(
                    "embedded IPv4 address must replace the final 2 fields of the address",
                    Some(s),
                ));
            }
            if i + 4 > 16 {
                return Err(fail(
                    "too many hex fields to fit an embedded IPv4 at the end of the address",
                    Some(s),
                ));
            }
            let end = input.len() - if zone.is_empty() { 0 } else { zone.len() + 1 };
            ipv4_fields(input, &input[end - s.len()..end], fail)?;
            s = "";
            i += 4;
            break;
        }
        i += 2;
        s = &s[off..];
        if s.is_empty() {
            break;
        }
        if !s.starts_with(':') {
            return Err(fail("unexpected character, want colon", Some(s)));
        } else if s.len() == 1 {
            return Err(fail("colon must be followed by more characters", Some(s)));
        }
        s = &s[1..];
        if s.starts_with(':') {
            if ellipsis >= 0 {
                return Err(fail("multiple :: in address", Some(s)));
            }
            ellipsis = i;
            s = &s[1..];
            if s.is_empty() {
                break;
            }
        }
    }
    if !s.is_empty() {
        return Err(fail("trailing garbage after address", Some(s)));
    }
    if i < 16 {
        if ellipsis < 0 {
            return Err(fail("address string too short", None));
        }
    } else if ellipsis >= 0 {
        return Err(fail(
            "the :: must expand to at least one field of zeros",
            None,
        ));
    }
    Ok(())
}

/// `parseHost` (Go 1.26, strict colons).
fn parse_host(host: &str) -> Result<String, String> {
    if let Some(open) = host.rfind('[') {
        if open > 0 {
            return Err("invalid IP-literal".into());
        }
        let Some(close) = host.rfind(']') else {
            return Err("missing ']' in host".into());
        };
        let colon_port = &host[close + 1..];
        if !valid_optional_port(colon_port) {
            return Err(format!("invalid port {} after host", quote(colon_port)));
        }
        let colon_port = unescape(colon_port, Mode::Host)?;
        let hostname = host.get(open + 1..close).unwrap_or("");
        let unescaped = match hostname.find("%25") {
            Some(z) => {
                unescape(&hostname[..z], Mode::Host)? + &unescape(&hostname[z..], Mode::Zone)?
            }
            None => unescape(hostname, Mode::Host)?,
        };
        match parse_addr(&unescaped) {
            Err(e) => return Err(format!("invalid host: {e}")),
            Ok(true) => return Err("invalid IP-literal".into()),
            Ok(false) => {}
        }
        return Ok(format!("[{unescaped}]{colon_port}"));
    }
    if let Some(i) = host.find(':') {
        let colon_port = &host[i..];
        if !valid_optional_port(colon_port) {
            return Err(format!("invalid port {} after host", quote(colon_port)));
        }
    }
    unescape(host, Mode::Host)
}

/// `validUserinfo`.
fn valid_userinfo(s: &str) -> bool {
    s.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(
                c,
                '-' | '.'
                    | '_'
                    | ':'
                    | '~'
                    | '!'
                    | '$'
                    | '&'
                    | '\''
                    | '('
                    | ')'
                    | '*'
                    | '+'
                    | ','
                    | ';'
                    | '='
                    | '%'
                    | '@'
            )
    })
}

/// `parseAuthority`.
fn parse_authority(authority: &str) -> Result<(Option<Userinfo>, String), String> {
    let at = authority.rfind('@');
    let host = parse_host(at.map_or(authority, |i| &authority[i + 1..]))?;
    let Some(i) = at else {
        return Ok((None, host));
    };
    let userinfo = &authority[..i];
    if !valid_userinfo(userinfo) {
        return Err("net/url: invalid userinfo".into());
    }
    let user = match userinfo.split_once(':') {
        None => Userinfo {
            username: unescape(userinfo, Mode::UserPassword)?,
            password: None,
        },
        Some((u, p)) => Userinfo {
            username: unescape(u, Mode::UserPassword)?,
            password: Some(unescape(p, Mode::UserPassword)?),
        },
    };
    Ok((Some(user), host))
}

/// `parse(rawURL, false)`.
fn parse_inner(raw: &str) -> Result<Url, String> {
    if raw.bytes().any(|b| b < b' ' || b == 0x7f) {
        return Err("net/url: invalid control character in URL".into());
    }
    let mut url = Url::default();
    if raw == "*" {
        url.path = "*".into();
        return Ok(url);
    }
    let (scheme, mut rest) = get_scheme(raw)?;
    url.scheme = scheme.to_ascii_lowercase();
    if rest.ends_with('?') && rest.matches('?').count() == 1 {
        url.force_query = true;
        rest = &rest[..rest.len() - 1];
    } else if let Some((r, q)) = rest.split_once('?') {
        url.raw_query = q.to_string();
        rest = r;
    }
    if !rest.starts_with('/') {
        if !url.scheme.is_empty() {
            url.opaque = rest.to_string();
            return Ok(url);
        }
        let segment = rest.split('/').next().unwrap_or("");
        if segment.contains(':') {
            return Err("first path segment in URL cannot contain colon".into());
        }
    }
    if (!url.scheme.is_empty() || !rest.starts_with("///")) && rest.starts_with("//") {
        let after = &rest[2..];
        let (authority, path) = match after.find('/') {
            Some(i) => (&after[..i], &after[i..]),
            None => (after, ""),
        };
        let (user, host) = parse_authority(authority)?;
        url.user = user;
        url.host = host;
        rest = path;
    }
    let path = unescape(rest, Mode::Path)?;
    url.raw_path = if escape(&path, Mode::Path) == rest {
        String::new()
    } else {
        rest.to_string()
    };
    url.path = path;
    Ok(url)
}

/// `url.Parse`; `Err` holds the `*url.Error` text (`parse "…": …`).
fn parse(raw: &str) -> Result<Url, String> {
    let (u, frag) = raw.split_once('#').unwrap_or((raw, ""));
    let mut url = parse_inner(u).map_err(|e| format!("parse {}: {e}", quote(u)))?;
    if frag.is_empty() {
        return Ok(url);
    }
    let f = unescape(frag, Mode::Fragment).map_err(|e| format!("parse {}: {e}", quote(raw)))?;
    url.raw_fragment = if escape(&f, Mode::Fragment) == frag {
        String::new()
    } else {
        frag.to_string()
    };
    url.fragment = f;
    Ok(url)
}

/// `validEncoded`.
fn valid_encoded(s: &str, mode: Mode) -> bool {
    s.bytes().all(|c| {
        matches!(
            c,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'@'
                | b'['
                | b']'
                | b'%'
        ) || !should_escape(c, mode)
    })
}

impl Url {
    /// `EscapedPath`.
    fn escaped_path(&self) -> String {
        if !self.raw_path.is_empty()
            && valid_encoded(&self.raw_path, Mode::Path)
            && unescape(&self.raw_path, Mode::Path).is_ok_and(|p| p == self.path)
        {
            return self.raw_path.clone();
        }
        if self.path == "*" {
            return "*".into();
        }
        escape(&self.path, Mode::Path)
    }

    /// `EscapedFragment`.
    fn escaped_fragment(&self) -> String {
        if !self.raw_fragment.is_empty()
            && valid_encoded(&self.raw_fragment, Mode::Fragment)
            && unescape(&self.raw_fragment, Mode::Fragment).is_ok_and(|f| f == self.fragment)
        {
            return self.raw_fragment.clone();
        }
        escape(&self.fragment, Mode::Fragment)
    }

    /// `URL.String` (for URLs built from fields: `OmitHost` unset).
    fn string(&self) -> String {
        let mut buf = String::new();
        if !self.scheme.is_empty() {
            buf.push_str(&self.scheme);
            buf.push(':');
        }
        if !self.opaque.is_empty() {
            buf.push_str(&self.opaque);
        } else {
            if !self.scheme.is_empty() || !self.host.is_empty() || self.user.is_some() {
                if !self.host.is_empty() || !self.path.is_empty() || self.user.is_some() {
                    buf.push_str("//");
                }
                if let Some(u) = &self.user {
                    buf.push_str(&u.string());
                    buf.push('@');
                }
                if !self.host.is_empty() {
                    buf.push_str(&escape(&self.host, Mode::Host));
                }
            }
            let path = self.escaped_path();
            if !path.is_empty() && !path.starts_with('/') && !self.host.is_empty() {
                buf.push('/');
            }
            if buf.is_empty() {
                let segment = path.split('/').next().unwrap_or("");
                if segment.contains(':') {
                    buf.push_str("./");
                }
            }
            buf.push_str(&path);
        }
        if self.force_query || !self.raw_query.is_empty() {
            buf.push('?');
            buf.push_str(&self.raw_query);
        }
        if !self.fragment.is_empty() {
            buf.push('#');
            buf.push_str(&self.escaped_fragment());
        }
        buf
    }

    /// `Hostname`: the host without a valid port and without IPv6 brackets.
    fn hostname(&self) -> String {
        let mut host = self.host.as_str();
        if let Some(colon) = host.rfind(':') {
            if valid_optional_port(&host[colon..]) {
                host = &host[..colon];
            }
        }
        if host.starts_with('[') && host.ends_with(']') && host.len() >= 2 {
            host = &host[1..host.len() - 1];
        }
        host.to_string()
    }
}

/// url.go `urlParse`.
fn url_parse(v: &str) -> Result<Value, GoError> {
    let u = parse(v).map_err(|e| GoError::new(format!("unable to parse url: {e}")))?;
    let mut m = Map::new();
    let mut put = |k: &str, v: String| {
        m.insert(Str::from(k), Value::from(v));
    };
    put("scheme", u.scheme.clone());
    put("host", u.host.clone());
    put("hostname", u.hostname());
    put("path", u.path.clone());
    put("query", u.raw_query.clone());
    put("opaque", u.opaque.clone());
    put("fragment", u.fragment.clone());
    put(
        "userinfo",
        u.user.as_ref().map_or_else(String::new, Userinfo::string),
    );
    Ok(Value::map(m))
}

/// url.go `dictGetOrEmpty`.
fn dict_get_or_empty(d: &Map, key: &str) -> Result<String, GoError> {
    match d.get(key) {
        None => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.to_string()),
        Some(Value::Nil) => Err(GoError::new(
            "runtime error: invalid memory address or nil pointer dereference",
        )),
        Some(v) => Err(GoError::new(format!(
            "unable to parse {key} key, must be of type string, but {} found",
            v.kind().name()
        ))),
    }
}

/// url.go `urlJoin`.
fn url_join(d: &Map) -> Result<String, GoError> {
    let mut u = Url {
        scheme: dict_get_or_empty(d, "scheme")?,
        host: dict_get_or_empty(d, "host")?,
        path: dict_get_or_empty(d, "path")?,
        raw_query: dict_get_or_empty(d, "query")?,
        opaque: dict_get_or_empty(d, "opaque")?,
        fragment: dict_get_or_empty(d, "fragment")?,
        ..Url::default()
    };
    let userinfo = dict_get_or_empty(d, "userinfo")?;
    if !userinfo.is_empty() {
        let temp = parse(&format!("proto://{userinfo}@host"))
            .map_err(|e| GoError::new(format!("unable to parse userinfo in dict: {e}")))?;
        u.user = temp.user;
    }
    Ok(u.string())
}

pub(crate) fn register(funcs: &mut FuncMap) {
    funcs.add_pure("urlParse", &[Ty::String], None, |a| {
        url_parse(crate::strings::args::string(a, 0)?)
    });
    funcs.add_pure("urlJoin", &[Ty::MapAny], None, |a| match a.first() {
        Some(Value::Map(m, _)) => Ok(Value::from(url_join(&m.snapshot())?)),
        Some(Value::Nil) | None => Ok(Value::from(url_join(&Map::new())?)),
        _ => Err(GoError::new("argument 0: expected map[string]interface {}")),
    });
}
