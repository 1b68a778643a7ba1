//! Sprig's `semver` and `semverCompare`, on a reimplementation of
//! `github.com/Masterminds/semver/v3` as Helm v4.2.3 links it (v3.5.0: `NewVersion`
//! coerces loose versions such as `v1.2` and leading zeros; error texts in lower case;
//! constraint errors quote the constraint).
//!
//! | function | Go signature | result |
//! | --- | --- | --- |
//! | `semver` | `func(version string) (*semver.Version, error)` | a `*semver.Version` object (see [`VersionObject`]) or the parse error |
//! | `semverCompare` | `func(constraint, version string) (bool, error)` | `NewConstraint(constraint).Check(NewVersion(version))`; constraint errors first |
//!
//! The Rust API ([`Version`], [`Constraints`]) is public so that Helm's Chart.yaml
//! `kubeVersion` check (`chartutil.IsCompatibleRange`) can use the same code.
//!
//! Constraint syntax (Masterminds' `constraints.go`): `||` separates alternatives, spaces
//! or commas separate the conditions of one alternative, operators `= != > < >= => <= =<
//! ~ ~> ^` (none means `=`), wildcards `x X *` in any position, `v` prefixes, hyphen
//! ranges `1.2 - 1.4.5` (rewritten to `>= 1.2, <= 1.4.5`). A prerelease version only
//! satisfies an alternative one of whose conditions names a prerelease (`>=1.19-0`).
//! The regular expressions are Masterminds' own, with Go's ASCII `\s` and `\d` spelled
//! out, run by the `regex` crate, whose leftmost-first semantics are RE2's.

use std::any::Any;
use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::sync::{Arc, OnceLock};

use kiln_gotmpl::{FuncMap, GoError, Kind, MethodSig, Object, Ty, UintType, Value};
use regex::Regex;

/// Go's `\s` in RE2: ASCII whitespace without `\v`.
const WS: &str = r"[\t\n\f\r ]";

const LOOSE_VERSION: &str = r"v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";

const CV: &str = r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";

const OPS: &str = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";

struct Regexes {
    loose_version: Regex,
    constraint: Regex,
    constraint_range: Regex,
    find_constraint: Regex,
    valid_constraint: Regex,
}

fn regexes() -> &'static Regexes {
    static R: OnceLock<Regexes> = OnceLock::new();
    R.get_or_init(|| {
        let mk = |p: String| Regex::new(&p).expect("Masterminds semver regex");
        Regexes {
            loose_version: mk(format!("^{LOOSE_VERSION}$")),
            constraint: mk(format!(r"^{WS}*({OPS}){WS}*({CV}){WS}*$")),
            constraint_range: mk(format!(r"{WS}*({CV}){WS}+-{WS}+({CV}){WS}*")),
            find_constraint: mk(format!(r"({OPS}){WS}*({CV})")),
            valid_constraint: mk(format!(
                r"^({WS}*({OPS}){WS}*({CV}){WS}*)((?:{WS}+|,{WS}*)({OPS}){WS}*({CV}){WS}*)*$"
            )),
        }
    })
}

/// `ErrInvalidSemVer`.
pub const ERR_INVALID_SEMVER: &str = "invalid semantic version";
const ERR_INVALID_PRERELEASE: &str = "invalid prerelease string";
const ERR_INVALID_METADATA: &str = "invalid metadata string";
const ERR_SEGMENT_STARTS_ZERO: &str = "version segment starts with 0";

/// A semantic version (Masterminds' `semver.Version`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    major: u64,
    minor: u64,
    patch: u64,
    pre: String,
    metadata: String,
    original: String,
}

/// Go's `strconv.ParseUint(s, 10, 64)` with its error text.
fn parse_u64(s: &str) -> Result<u64, String> {
    let bad = |what: &str| format!("strconv.ParseUint: parsing {}: {what}", go_quote(s));
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad("invalid syntax"));
    }
    s.parse::<u64>().map_err(|_| bad("value out of range"))
}

/// Go's `%q` of a string (`strconv.Quote`).
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if is_go_printable(c) => out.push(c),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `strconv.IsPrint` for non-ASCII characters.
fn is_go_printable(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return (0x20..0x7f).contains(&u);
    }
    !(c.is_control()
        || (0x80..0xa0).contains(&u)
        || u == 0xad
        || (0x2028..=0x2029).contains(&u)
        || (0xfff9..=0xfffb).contains(&u)
        || (0xe000..=0xf8ff).contains(&u)
        || u >= 0xf0000
        || (0xd800..=0xdfff).contains(&u)
        || u == 0xfeff
        || (0x200b..=0x200f).contains(&u)
        || (0x202a..=0x202e).contains(&u)
        || (0x2060..=0x206f).contains(&u))
}

fn all_in(s: &str, allowed: impl Fn(u8) -> bool) -> bool {
    s.bytes().all(allowed)
}

fn allowed_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

fn validate_prerelease(p: &str) -> Result<(), String> {
    for part in p.split('.') {
        if part.is_empty() {
            return Err(ERR_INVALID_PRERELEASE.into());
        } else if all_in(part, |b| b.is_ascii_digit()) {
            if part.len() > 1 && part.starts_with('0') {
                return Err(ERR_SEGMENT_STARTS_ZERO.into());
            }
        } else if !all_in(part, allowed_char) {
            return Err(ERR_INVALID_PRERELEASE.into());
        }
    }
    Ok(())
}

fn validate_metadata(m: &str) -> Result<(), String> {
    for part in m.split('.') {
        if part.is_empty() || !all_in(part, allowed_char) {
            return Err(ERR_INVALID_METADATA.into());
        }
    }
    Ok(())
}

impl Version {
    /// `semver.NewVersion(v)` (with `CoerceNewVersion`): `v?MAJOR[.MINOR[.PATCH]][-PRE][+META]`,
    /// leading zeros allowed in the numbers. Errors carry Masterminds' texts
    /// (`invalid semantic version`, `invalid prerelease string`, ...).
    pub fn parse(v: &str) -> Result<Version, String> {
        let m = regexes()
            .loose_version
            .captures(v)
            .ok_or_else(|| ERR_INVALID_SEMVER.to_string())?;
        let g = |i: usize| m.get(i).map_or("", |x| x.as_str());
        let seg = |s: &str| parse_u64(s).map_err(|e| format!("error parsing version segment: {e}"));
        let major = seg(g(1))?;
        let minor = if g(2).is_empty() { 0 } else { seg(&g(2)[1..])? };
        let patch = if g(3).is_empty() { 0 } else { seg(&g(3)[1..])? };
        let pre = g(5).to_string();
        let metadata = g(8).to_string();
        if !pre.is_empty() {
            validate_prerelease(&pre)?;
        }
        if !metadata.is_empty() {
            validate_metadata(&metadata)?;
        }
        Ok(Version {
            major,
            minor,
            patch,
            pre,
            metadata,
            original: v.to_string(),
        })
    }

    /// `Major()`.
    pub fn major(&self) -> u64 {
        self.major
    }

    /// `Minor()`.
    pub fn minor(&self) -> u64 {
        self.minor
    }

    /// `Patch()`.
    pub fn patch(&self) -> u64 {
        self.patch
    }

    /// `Prerelease()`.
    pub fn prerelease(&self) -> &str {
        &self.pre
    }

    /// `Metadata()`.
    pub fn metadata(&self) -> &str {
        &self.metadata
    }

    /// `Original()`: the text parsed.
    pub fn original(&self) -> &str {
        &self.original
    }

    /// `Compare(o)`: by major, minor, patch, then prerelease (a release is greater than
    /// its prereleases); metadata is ignored.
    pub fn compare(&self, o: &Version) -> Ordering {
        self.major
            .cmp(&o.major)
            .then(self.minor.cmp(&o.minor))
            .then(self.patch.cmp(&o.patch))
            .then_with(|| match (self.pre.is_empty(), o.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_prerelease(&self.pre, &o.pre),
            })
    }

    fn original_v_prefix(&self) -> &'static str {
        if self.original.starts_with('v') {
            "v"
        } else {
            ""
        }
    }

    fn with_original(mut self, prefix: &str) -> Version {
        self.original = format!("{prefix}{self}");
        self
    }

    /// `IncPatch()`; Go panics on overflow.
    pub fn inc_patch(&self) -> Result<Version, String> {
        let mut n = self.clone();
        n.metadata.clear();
        if self.pre.is_empty() {
            n.patch = self
                .patch
                .checked_add(1)
                .ok_or("patch version increment would overflow uint64")?;
        }
        n.pre.clear();
        Ok(n.with_original(self.original_v_prefix()))
    }

    /// `IncMinor()`; Go panics on overflow.
    pub fn inc_minor(&self) -> Result<Version, String> {
        let mut n = self.clone();
        n.metadata.clear();
        n.pre.clear();
        n.patch = 0;
        n.minor = self
            .minor
            .checked_add(1)
            .ok_or("minor version increment would overflow uint64")?;
        Ok(n.with_original(self.original_v_prefix()))
    }

    /// `IncMajor()`; Go panics on overflow.
    pub fn inc_major(&self) -> Result<Version, String> {
        let mut n = self.clone();
        n.metadata.clear();
        n.pre.clear();
        n.patch = 0;
        n.minor = 0;
        n.major = self
            .major
            .checked_add(1)
            .ok_or("major version increment would overflow uint64")?;
        Ok(n.with_original(self.original_v_prefix()))
    }

    fn set_prerelease(&self, p: &str) -> Result<Version, String> {
        if !p.is_empty() {
            validate_prerelease(p)?;
        }
        let mut n = self.clone();
        n.pre = p.to_string();
        Ok(n.with_original(self.original_v_prefix()))
    }

    fn set_metadata(&self, m: &str) -> Result<Version, String> {
        if !m.is_empty() {
            validate_metadata(m)?;
        }
        let mut n = self.clone();
        n.metadata = m.to_string();
        Ok(n.with_original(self.original_v_prefix()))
    }
}

impl fmt::Display for Version {
    /// `String()`: `MAJOR.MINOR.PATCH[-PRE][+META]` without the `v`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.metadata.is_empty() {
            write!(f, "+{}", self.metadata)?;
        }
        Ok(())
    }
}

/// Strict base-10 `ParseUint` success (no sign, no underscores, no overflow).
fn as_uint(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn compare_prerelease(v: &str, o: &str) -> Ordering {
    let sp: Vec<&str> = v.split('.').collect();
    let op: Vec<&str> = o.split('.').collect();
    for i in 0..sp.len().max(op.len()) {
        let s = sp.get(i).copied().unwrap_or("");
        let o = op.get(i).copied().unwrap_or("");
        let d = compare_pre_part(s, o);
        if d != Ordering::Equal {
            return d;
        }
    }
    Ordering::Equal
}

fn compare_pre_part(s: &str, o: &str) -> Ordering {
    if s == o {
        return Ordering::Equal;
    }
    if s.is_empty() {
        return Ordering::Less;
    }
    if o.is_empty() {
        return Ordering::Greater;
    }
    match (as_uint(s), as_uint(o)) {
        (None, None) => {
            if s > o {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        // o is a string and s a number: numbers sort first.
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (Some(a), Some(b)) => {
            if a > b {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    TildeOrEqual,
    NotEqual,
    Greater,
    Less,
    GreaterEqual,
    LessEqual,
    Tilde,
    Caret,
}

#[derive(Clone, Debug)]
struct Constraint {
    con: Version,
    orig: String,
    op: Op,
    op_text: String,
    minor_dirty: bool,
    patch_dirty: bool,
    dirty: bool,
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "*" | "X")
}

fn parse_constraint(c: &str) -> Result<Constraint, String> {
    if c.is_empty() {
        return Ok(Constraint {
            con: Version::parse("0.0.0").map_err(|_| "constraint parser error".to_string())?,
            orig: String::new(),
            op: Op::TildeOrEqual,
            op_text: String::new(),
            minor_dirty: false,
            patch_dirty: false,
            dirty: true,
        });
    }
    let m = regexes()
        .constraint
        .captures(c)
        .ok_or_else(|| format!("improper constraint: {}", go_quote(c)))?;
    let g = |i: usize| m.get(i).map_or("", |x| x.as_str());
    let op_text = g(1).to_string();
    let op = match g(1) {
        "" | "=" => Op::TildeOrEqual,
        "!=" => Op::NotEqual,
        ">" => Op::Greater,
        "<" => Op::Less,
        ">=" | "=>" => Op::GreaterEqual,
        "<=" | "=<" => Op::LessEqual,
        "~" | "~>" => Op::Tilde,
        _ => Op::Caret,
    };
    let (mut minor_dirty, mut patch_dirty, mut dirty) = (false, false, false);
    let ver = if is_x(g(3)) || g(3).is_empty() {
        dirty = true;
        format!("0.0.0{}", g(6))
    } else if is_x(g(4).trim_start_matches_once('.')) || g(4).is_empty() {
        minor_dirty = true;
        dirty = true;
        format!("{}.0.0{}", g(3), g(6))
    } else if is_x(g(5).trim_start_matches_once('.')) || g(5).is_empty() {
        dirty = true;
        patch_dirty = true;
        format!("{}{}.0{}", g(3), g(4), g(6))
    } else {
        g(2).to_string()
    };
    let con = Version::parse(&ver).map_err(|_| "constraint parser error".to_string())?;
    Ok(Constraint {
        con,
        orig: g(2).to_string(),
        op,
        op_text,
        minor_dirty,
        patch_dirty,
        dirty,
    })
}

trait TrimOnce {
    fn trim_start_matches_once(&self, c: char) -> &str;
}

impl TrimOnce for str {
    /// Go's `strings.TrimPrefix(s, ".")`.
    fn trim_start_matches_once(&self, c: char) -> &str {
        self.strip_prefix(c).unwrap_or(self)
    }
}

impl Constraint {
    fn check(&self, v: &Version, include_pre: bool) -> bool {
        if !v.pre.is_empty() && !include_pre {
            return false;
        }
        match self.op {
            Op::TildeOrEqual => {
                if self.dirty {
                    self.tilde(v)
                } else {
                    v.compare(&self.con) == Ordering::Equal
                }
            }
            Op::NotEqual => self.not_equal(v),
            Op::Greater => self.greater(v),
            Op::Less => v.compare(&self.con) == Ordering::Less,
            Op::GreaterEqual => v.compare(&self.con) != Ordering::Less,
            Op::LessEqual => self.less_equal(v),
            Op::Tilde => self.tilde(v),
            Op::Caret => self.caret(v),
        }
    }

    fn not_equal(&self, v: &Version) -> bool {
        let c = &self.con;
        if self.dirty {
            if c.major != v.major {
                return true;
            }
            if c.minor != v.minor && !self.minor_dirty {
                return true;
            } else if self.minor_dirty {
                return false;
            } else if c.patch != v.patch && !self.patch_dirty {
                return true;
            } else if self.patch_dirty {
                if !v.pre.is_empty() || !c.pre.is_empty() {
                    return compare_prerelease(&v.pre, &c.pre) != Ordering::Equal;
                }
                return false;
            }
        }
        v.compare(c) != Ordering::Equal
    }

    fn greater(&self, v: &Version) -> bool {
        let c = &self.con;
        if !self.dirty {
            return v.compare(c) == Ordering::Greater;
        }
        if v.major > c.major {
            true
        } else if v.major < c.major || self.minor_dirty {
            false
        } else if self.patch_dirty {
            v.minor > c.minor
        } else {
            v.compare(c) == Ordering::Greater
        }
    }

    fn less_equal(&self, v: &Version) -> bool {
        let c = &self.con;
        if !self.dirty {
            return v.compare(c) != Ordering::Greater;
        }
        !(v.major > c.major || v.major == c.major && v.minor > c.minor && !self.minor_dirty)
    }

    fn tilde(&self, v: &Version) -> bool {
        let c = &self.con;
        if v.compare(c) == Ordering::Less {
            return false;
        }
        if c.major == 0 && c.minor == 0 && c.patch == 0 && !self.minor_dirty && !self.patch_dirty {
            return true;
        }
        if v.major != c.major {
            return false;
        }
        v.minor == c.minor || self.minor_dirty
    }

    fn caret(&self, v: &Version) -> bool {
        let c = &self.con;
        if v.compare(c) == Ordering::Less {
            return false;
        }
        if c.major > 0 || self.minor_dirty {
            return v.major == c.major;
        }
        if c.major == 0 && v.major > 0 {
            return false;
        }
        if c.minor > 0 || self.patch_dirty {
            return v.minor == c.minor;
        }
        if c.minor == 0 && v.minor > 0 {
            return false;
        }
        c.patch == v.patch
    }
}

/// A parsed constraint (Masterminds' `semver.Constraints`): alternatives of
/// conjunctions.
#[derive(Clone, Debug)]
pub struct Constraints {
    groups: Vec<Vec<Constraint>>,
    contains_pre: Vec<bool>,
}

/// Masterminds' `rewriteRange`: `A - B` becomes `>= A, <= B `.
fn rewrite_range(i: &str) -> String {
    let re = &regexes().constraint_range;
    let mut o = i.to_string();
    for m in re.captures_iter(i) {
        let whole = m.get(0).map_or("", |x| x.as_str());
        let a = m.get(1).map_or("", |x| x.as_str());
        let b = m.get(11).map_or("", |x| x.as_str());
        let t = format!(">= {a}, <= {b} ");
        o = o.replacen(whole, &t, 1);
    }
    o
}

impl Constraints {
    /// `semver.NewConstraint(c)`; errors are `improper constraint: "TEXT"` (the
    /// offending alternative) or `constraint parser error`.
    pub fn parse(c: &str) -> Result<Constraints, String> {
        let c = rewrite_range(c);
        let mut groups = Vec::new();
        let mut contains_pre = Vec::new();
        for v in c.split("||") {
            if !regexes().valid_constraint.is_match(v) {
                return Err(format!("improper constraint: {}", go_quote(v)));
            }
            let mut found: Vec<&str> = regexes()
                .find_constraint
                .find_iter(v)
                .map(|m| m.as_str())
                .collect();
            if found.is_empty() {
                found.push(v);
            }
            let mut group = Vec::with_capacity(found.len());
            let mut has_pre = false;
            for s in found {
                let pc = parse_constraint(s)?;
                if !pc.con.pre.is_empty() {
                    has_pre = true;
                }
                group.push(pc);
            }
            groups.push(group);
            contains_pre.push(has_pre);
        }
        Ok(Constraints {
            groups,
            contains_pre,
        })
    }

    /// `Check(v)`: some alternative whose every condition holds. Prerelease versions
    /// only match alternatives that mention a prerelease.
    pub fn check(&self, v: &Version) -> bool {
        self.groups
            .iter()
            .zip(&self.contains_pre)
            .any(|(g, &pre)| g.iter().all(|c| c.check(v, pre)))
    }
}

impl fmt::Display for Constraints {
    /// `String()`: conditions joined by spaces, alternatives by ` || `.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s: Vec<String> = self
            .groups
            .iter()
            .map(|g| {
                g.iter()
                    .map(|c| format!("{}{}", c.op_text, c.orig))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        f.write_str(&s.join(" || "))
    }
}

/// A `*semver.Version` (or, as returned by `IncMajor` and friends, a `semver.Version`
/// value) in templates. Methods: `Major Minor Patch` (`uint64`), `Prerelease Metadata
/// String` (`string`), `IncMajor IncMinor IncPatch` (`semver.Version`), `SetPrerelease
/// SetMetadata` (`(semver.Version, error)`), and, on the pointer only, `Original`
/// (`string`), `Compare` (`int`), `LessThan LessThanEqual GreaterThan GreaterThanEqual
/// Equal` (`bool`), each taking a `*semver.Version`. Printed with `String()`.
pub struct VersionObject {
    /// The version.
    pub version: Version,
    /// Whether this is the pointer `*semver.Version` (what `semver` returns) rather than
    /// a `semver.Version` value.
    pub pointer: bool,
}

/// The template type name of [`VersionObject`] pointers.
pub const VERSION_PTR_TYPE: &str = "*semver.Version";

impl VersionObject {
    /// A `*semver.Version` value.
    pub fn value(v: Version) -> Value {
        Value::Object(Arc::new(VersionObject {
            version: v,
            pointer: true,
        }))
    }

    fn plain(v: Version) -> Value {
        Value::Object(Arc::new(VersionObject {
            version: v,
            pointer: false,
        }))
    }
}

const NO_ARGS: MethodSig = MethodSig {
    params: &[],
    variadic: None,
};
const VERSION_ARG: MethodSig = MethodSig {
    params: &[Ty::Object(VERSION_PTR_TYPE)],
    variadic: None,
};
const STRING_ARG: MethodSig = MethodSig {
    params: &[Ty::String],
    variadic: None,
};

fn other_version(args: &[Value]) -> Option<&Version> {
    match args.first() {
        Some(Value::Object(o)) => o
            .as_any()
            .downcast_ref::<VersionObject>()
            .map(|v| &v.version),
        _ => None,
    }
}

const NIL_DEREF: &str = "runtime error: invalid memory address or nil pointer dereference";

impl Object for VersionObject {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed(if self.pointer {
            VERSION_PTR_TYPE
        } else {
            "semver.Version"
        })
    }

    fn kind(&self) -> Kind {
        if self.pointer {
            Kind::Ptr
        } else {
            Kind::Struct
        }
    }

    fn method(&self, name: &str) -> Option<MethodSig> {
        match name {
            "Major" | "Minor" | "Patch" | "Prerelease" | "Metadata" | "String" | "IncMajor"
            | "IncMinor" | "IncPatch" => Some(NO_ARGS),
            "SetPrerelease" | "SetMetadata" => Some(STRING_ARG),
            "Original" if self.pointer => Some(NO_ARGS),
            "Compare" | "LessThan" | "LessThanEqual" | "GreaterThan" | "GreaterThanEqual"
            | "Equal"
                if self.pointer =>
            {
                Some(VERSION_ARG)
            }
            _ => None,
        }
    }

    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, String> {
        let v = &self.version;
        let u = |n: u64| Value::Uint(n, UintType::Uint64);
        Ok(match name {
            "Major" => u(v.major()),
            "Minor" => u(v.minor()),
            "Patch" => u(v.patch()),
            "Prerelease" => Value::str(v.prerelease()),
            "Metadata" => Value::str(v.metadata()),
            "String" => Value::from(v.to_string()),
            "Original" => Value::str(v.original()),
            "IncMajor" => VersionObject::plain(v.inc_major()?),
            "IncMinor" => VersionObject::plain(v.inc_minor()?),
            "IncPatch" => VersionObject::plain(v.inc_patch()?),
            "SetPrerelease" | "SetMetadata" => {
                let s = args.first().and_then(Value::as_str).unwrap_or("");
                let r = if name == "SetPrerelease" {
                    v.set_prerelease(s)?
                } else {
                    v.set_metadata(s)?
                };
                VersionObject::plain(r)
            }
            "Equal" => Value::Bool(match other_version(args) {
                Some(o) => v.compare(o) == Ordering::Equal,
                None => false,
            }),
            "Compare" | "LessThan" | "LessThanEqual" | "GreaterThan" | "GreaterThanEqual" => {
                let o = other_version(args).ok_or(NIL_DEREF)?;
                let c = v.compare(o);
                match name {
                    "Compare" => Value::int(c as i64),
                    "LessThan" => Value::Bool(c == Ordering::Less),
                    "LessThanEqual" => Value::Bool(c != Ordering::Greater),
                    "GreaterThan" => Value::Bool(c == Ordering::Greater),
                    _ => Value::Bool(c != Ordering::Less),
                }
            }
            _ => return Err(format!("{name} is not a method")),
        })
    }

    fn to_go_string(&self) -> Option<String> {
        Some(self.version.to_string())
    }

    /// `MarshalJSON`: the `String()` form as a JSON string.
    fn to_json_value(&self) -> Option<Value> {
        Some(Value::from(self.version.to_string()))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// `semverCompare constraint version`.
pub fn semver_compare(constraint: &str, version: &str) -> Result<bool, String> {
    let c = Constraints::parse(constraint)?;
    let v = Version::parse(version)?;
    Ok(c.check(&v))
}

pub(crate) fn register(funcs: &mut FuncMap) {
    funcs.add_pure("semverCompare", &[Ty::String, Ty::String], None, |a| {
        let s = |i: usize| a.get(i).and_then(Value::as_str).unwrap_or("");
        semver_compare(s(0), s(1))
            .map(Value::Bool)
            .map_err(GoError::new)
    });
    funcs.add_pure("semver", &[Ty::String], None, |a| {
        let s = a.first().and_then(Value::as_str).unwrap_or("");
        Version::parse(s)
            .map(VersionObject::value)
            .map_err(GoError::new)
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(c: &str, v: &str) -> bool {
        semver_compare(c, v).unwrap()
    }

    #[test]
    fn constraints() {
        assert!(cmp(">=1.2.0", "1.2.3"));
        assert!(!cmp("^2.0.0", "1.9.9"));
        assert!(cmp("~1.2.0", "1.2.9"));
        assert!(cmp(">=1.20.0-0 <1.30.0", "1.25.3-gke.100"));
        assert!(!cmp(">=1.20.0", "1.25.3-gke.100"));
        assert!(cmp(">=1.19", "v1.36.0"));
        assert!(cmp("<1.0 || >=2.0", "2.1.0"));
        assert!(cmp("1.x", "1.9.0"));
        assert!(cmp("1.2 - 1.4", "1.3.5"));
        assert!(!cmp("^0.2.3", "0.3.0"));
        assert_eq!(
            semver_compare("!!", "1.0.0").unwrap_err(),
            "improper constraint: \"!!\""
        );
        assert_eq!(
            semver_compare(">1.0", "abc").unwrap_err(),
            ERR_INVALID_SEMVER
        );
    }

    #[test]
    fn versions() {
        let v = Version::parse("v1.2.3-beta+b1").unwrap();
        assert_eq!(v.to_string(), "1.2.3-beta+b1");
        assert_eq!(v.original(), "v1.2.3-beta+b1");
        assert_eq!(Version::parse("1.2").unwrap().to_string(), "1.2.0");
        assert_eq!(Version::parse("01.02.03").unwrap().to_string(), "1.2.3");
        assert_eq!(
            Version::parse("1.2.3-01").unwrap_err(),
            "version segment starts with 0"
        );
    }
}
