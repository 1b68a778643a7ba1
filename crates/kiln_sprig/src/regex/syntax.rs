//! Go's `regexp/syntax` parser (Go 1.26, `syntax.Perl` flags), translating a Go pattern
//! into an equivalent pattern for the `regex` crate.
//!
//! The parser follows `parse.go` step by step, with its parse stack, so that it accepts
//! exactly what Go accepts and fails with Go's error (`error parsing regexp: missing
//! closing ): ...`) on the same part of the pattern: nested repetitions, repeat counts
//! over 1000 (also when nested), `\Q…\E`, `(?P<name>` / `(?<name>` (duplicate names
//! allowed), flags `imsU` only, Unicode class names looked up as Go 1.25+ does (case and
//! `_`/`-`/space insensitive for categories, but scripts only by their one-word names).
//!
//! The output never depends on the `regex` crate's flags or Unicode-aware shorthands:
//! Go's `\d`, `\s`, `\w`, `\b` and POSIX classes are ASCII, so they are written out as
//! ASCII classes (`\b` as `(?-u:\b)`); case-insensitivity, `.` and the anchors are made
//! explicit per node; every capture group is unnamed (Go allows duplicate names; the
//! names are returned separately for `${name}` expansion).

use std::fmt::Write;

/// Go's parse error codes (`syntax.ErrorCode`).
#[derive(Clone, Copy)]
enum Code {
    InvalidCharRange,
    InvalidEscape,
    InvalidNamedCapture,
    InvalidPerlOp,
    InvalidRepeatOp,
    InvalidRepeatSize,
    MissingBracket,
    MissingParen,
    MissingRepeatArgument,
    TrailingBackslash,
    UnexpectedParen,
    NestingDepth,
    Large,
}

impl Code {
    fn text(self) -> &'static str {
        match self {
            Code::InvalidCharRange => "invalid character class range",
            Code::InvalidEscape => "invalid escape sequence",
            Code::InvalidNamedCapture => "invalid named capture",
            Code::InvalidPerlOp => "invalid or unsupported Perl syntax",
            Code::InvalidRepeatOp => "invalid nested repetition operator",
            Code::InvalidRepeatSize => "invalid repeat count",
            Code::MissingBracket => "missing closing ]",
            Code::MissingParen => "missing closing )",
            Code::MissingRepeatArgument => "missing argument to repetition operator",
            Code::TrailingBackslash => "trailing backslash at end of expression",
            Code::UnexpectedParen => "unexpected )",
            Code::NestingDepth => "expression nests too deeply",
            Code::Large => "expression too large",
        }
    }
}

/// `syntax.Error.Error()`.
fn err(code: Code, expr: &str) -> String {
    format!("error parsing regexp: {}: `{expr}`", code.text())
}

/// The text of Go's "expression too large" error for `expr`.
pub(crate) fn too_large(expr: &str) -> String {
    err(Code::Large, expr)
}

const FOLD: u8 = 1;
const DOT_NL: u8 = 2;
const ONE_LINE: u8 = 4;
const NON_GREEDY: u8 = 8;

const MAX_REPEAT: i64 = 1000;
const MAX_HEIGHT: u32 = 1000;
/// Go's `maxSize`: 128 MiB of 40-byte instructions.
const MAX_SIZE: u64 = (128 << 20) / 40;

/// One element of a character class.
#[derive(Clone)]
enum ClassItem {
    Range(u32, u32),
    /// An ASCII group (`\d`, `[:alpha:]`): its ranges, negated or not.
    Group(&'static [(u8, u8)], bool),
    /// A Unicode table as the `regex` crate names it, negated or not.
    Table(String, bool),
}

#[derive(Clone)]
enum Node {
    Empty,
    /// A never-matching node (Go's `OpNoMatch`, or a surrogate code point literal).
    NoMatch,
    Lit(char, bool),
    Class(Vec<ClassItem>, bool, bool),
    AnyNotNl,
    AnyChar,
    BeginLine,
    EndLine,
    BeginText,
    EndText,
    WordBoundary,
    NoWordBoundary,
    Capture(Box<Tree>),
    Repeat {
        sub: Box<Tree>,
        min: i64,
        max: i64,
        greedy: bool,
        counted: bool,
    },
    Concat(Vec<Tree>),
    Alt(Vec<Tree>),
}

/// A node with Go's height and compiled-size estimates.
#[derive(Clone)]
struct Tree {
    node: Node,
    height: u32,
    size: u64,
}

impl Tree {
    fn new(node: Node) -> Tree {
        let subs: &[Tree] = match &node {
            Node::Capture(s) => std::slice::from_ref(&**s),
            Node::Repeat { sub, .. } => std::slice::from_ref(&**sub),
            Node::Concat(v) | Node::Alt(v) => v,
            _ => &[],
        };
        let height = 1 + subs.iter().map(|s| s.height).max().unwrap_or(0);
        let size = match &node {
            Node::Lit(..) => 1,
            Node::Capture(s) => 2 + s.size,
            Node::Repeat {
                sub,
                min,
                max,
                counted,
                ..
            } => {
                let s = sub.size;
                if !counted {
                    if *min == 0 && *max == -1 {
                        2 + s
                    } else {
                        1 + s
                    }
                } else if *max == -1 {
                    if *min == 0 {
                        2 + s
                    } else {
                        1u64.saturating_add((*min as u64).saturating_mul(s))
                    }
                } else {
                    (*max as u64)
                        .saturating_mul(s)
                        .saturating_add((max - min) as u64)
                }
            }
            Node::Concat(v) => v.iter().fold(0u64, |a, t| a.saturating_add(t.size)),
            Node::Alt(v) => v
                .iter()
                .fold(0u64, |a, t| a.saturating_add(t.size))
                .saturating_add(v.len().saturating_sub(1) as u64),
            _ => 0,
        }
        .max(1);
        Tree { node, height, size }
    }
}

enum Item {
    Node(Tree),
    /// `(`: whether it captures, and the flags to restore at `)`.
    LeftParen {
        cap: bool,
        flags: u8,
    },
    Bar,
}

/// The result of translating a Go pattern.
pub(crate) struct Translated {
    /// The pattern for the `regex` crate.
    pub pattern: String,
    /// Group names by group index (0 is the whole match), as Go's `SubexpNames`.
    pub names: Vec<Option<String>>,
    /// The height of Go's parse tree (at most 1000), a bound on the pattern's nesting.
    pub height: u32,
}

struct Parser<'a> {
    whole: &'a str,
    flags: u8,
    stack: Vec<Item>,
    names: Vec<Option<String>>,
}

const DIGIT: &[(u8, u8)] = &[(b'0', b'9')];
const SPACE: &[(u8, u8)] = &[(b'\t', b'\n'), (0x0c, b'\r'), (b' ', b' ')];
const WORD: &[(u8, u8)] = &[(b'0', b'9'), (b'A', b'Z'), (b'_', b'_'), (b'a', b'z')];

fn posix_group(name: &str) -> Option<(&'static [(u8, u8)], bool)> {
    let (neg, base) = match name.strip_prefix("[:^") {
        Some(rest) => (true, rest),
        None => (false, name.strip_prefix("[:")?),
    };
    let g: &'static [(u8, u8)] = match base {
        "alnum:]" => &[(b'0', b'9'), (b'A', b'Z'), (b'a', b'z')],
        "alpha:]" => &[(b'A', b'Z'), (b'a', b'z')],
        "ascii:]" => &[(0, 0x7f)],
        "blank:]" => &[(b'\t', b'\t'), (b' ', b' ')],
        "cntrl:]" => &[(0, 0x1f), (0x7f, 0x7f)],
        "digit:]" => DIGIT,
        "graph:]" => &[(b'!', b'~')],
        "lower:]" => &[(b'a', b'z')],
        "print:]" => &[(b' ', b'~')],
        "punct:]" => &[(b'!', b'/'), (b':', b'@'), (b'[', b'`'), (b'{', b'~')],
        "space:]" => &[(b'\t', b'\r'), (b' ', b' ')],
        "upper:]" => &[(b'A', b'Z')],
        "word:]" => WORD,
        "xdigit:]" => &[(b'0', b'9'), (b'A', b'F'), (b'a', b'f')],
        _ => return None,
    };
    Some((g, neg))
}

fn perl_group(c: u8) -> Option<(&'static [(u8, u8)], bool)> {
    Some(match c {
        b'd' => (DIGIT, false),
        b'D' => (DIGIT, true),
        b's' => (SPACE, false),
        b'S' => (SPACE, true),
        b'w' => (WORD, false),
        b'W' => (WORD, true),
        _ => return None,
    })
}

/// Scripts of Unicode 15.0 that Go 1.26 finds by name: `unicodeTable` canonicalizes the
/// name (first letter upper, the rest lower, `_ -` and spaces dropped) and then looks it
/// up verbatim among `unicode.Scripts`' keys, so only one-word script names match.
const SCRIPTS: &[&str] = &[
    "Adlam",
    "Ahom",
    "Arabic",
    "Armenian",
    "Avestan",
    "Balinese",
    "Bamum",
    "Batak",
    "Bengali",
    "Bhaiksuki",
    "Bopomofo",
    "Brahmi",
    "Braille",
    "Buginese",
    "Buhid",
    "Carian",
    "Chakma",
    "Cham",
    "Cherokee",
    "Chorasmian",
    "Common",
    "Coptic",
    "Cuneiform",
    "Cypriot",
    "Cyrillic",
    "Deseret",
    "Devanagari",
    "Dogra",
    "Duployan",
    "Elbasan",
    "Elymaic",
    "Ethiopic",
    "Georgian",
    "Glagolitic",
    "Gothic",
    "Grantha",
    "Greek",
    "Gujarati",
    "Gurmukhi",
    "Han",
    "Hangul",
    "Hanunoo",
    "Hatran",
    "Hebrew",
    "Hiragana",
    "Inherited",
    "Javanese",
    "Kaithi",
    "Kannada",
    "Katakana",
    "Kawi",
    "Kharoshthi",
    "Khmer",
    "Khojki",
    "Khudawadi",
    "Lao",
    "Latin",
    "Lepcha",
    "Limbu",
    "Lisu",
    "Lycian",
    "Lydian",
    "Mahajani",
    "Makasar",
    "Malayalam",
    "Mandaic",
    "Manichaean",
    "Marchen",
    "Medefaidrin",
    "Miao",
    "Modi",
    "Mongolian",
    "Mro",
    "Multani",
    "Myanmar",
    "Nabataean",
    "Nandinagari",
    "Newa",
    "Nko",
    "Nushu",
    "Ogham",
    "Oriya",
    "Osage",
    "Osmanya",
    "Palmyrene",
    "Phoenician",
    "Rejang",
    "Runic",
    "Samaritan",
    "Saurashtra",
    "Sharada",
    "Shavian",
    "Siddham",
    "Sinhala",
    "Sogdian",
    "Soyombo",
    "Sundanese",
    "Syriac",
    "Tagalog",
    "Tagbanwa",
    "Takri",
    "Tamil",
    "Tangsa",
    "Tangut",
    "Telugu",
    "Thaana",
    "Thai",
    "Tibetan",
    "Tifinagh",
    "Tirhuta",
    "Toto",
    "Ugaritic",
    "Vai",
    "Vithkuqi",
    "Wancho",
    "Yezidi",
    "Yi",
];

/// Keys of Go's `unicode.Categories`.
const CATEGORIES: &[&str] = &[
    "C", "Cc", "Cf", "Cn", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn",
    "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm",
    "So", "Z", "Zl", "Zp", "Zs",
];

/// Go's `unicode.CategoryAliases` (from PropertyValueAliases.txt), canonicalized.
const CATEGORY_ALIASES: &[(&str, &str)] = &[
    ("Other", "C"),
    ("Control", "Cc"),
    ("Cntrl", "Cc"),
    ("Format", "Cf"),
    ("Unassigned", "Cn"),
    ("Privateuse", "Co"),
    ("Surrogate", "Cs"),
    ("Letter", "L"),
    ("Casedletter", "LC"),
    ("Lowercaseletter", "Ll"),
    ("Modifierletter", "Lm"),
    ("Otherletter", "Lo"),
    ("Titlecaseletter", "Lt"),
    ("Uppercaseletter", "Lu"),
    ("Mark", "M"),
    ("Combiningmark", "M"),
    ("Spacingmark", "Mc"),
    ("Enclosingmark", "Me"),
    ("Nonspacingmark", "Mn"),
    ("Number", "N"),
    ("Decimalnumber", "Nd"),
    ("Digit", "Nd"),
    ("Letternumber", "Nl"),
    ("Othernumber", "No"),
    ("Punctuation", "P"),
    ("Punct", "P"),
    ("Connectorpunctuation", "Pc"),
    ("Dashpunctuation", "Pd"),
    ("Closepunctuation", "Pe"),
    ("Finalpunctuation", "Pf"),
    ("Initialpunctuation", "Pi"),
    ("Otherpunctuation", "Po"),
    ("Openpunctuation", "Ps"),
    ("Symbol", "S"),
    ("Currencysymbol", "Sc"),
    ("Modifiersymbol", "Sk"),
    ("Mathsymbol", "Sm"),
    ("Othersymbol", "So"),
    ("Separator", "Z"),
    ("Lineseparator", "Zl"),
    ("Paragraphseparator", "Zp"),
    ("Spaceseparator", "Zs"),
];

/// Go's `canonicalName`.
fn canonical_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut first = true;
    for c in name.chars() {
        match c {
            '_' | '-' | ' ' => {}
            _ if first => {
                out.push(c.to_ascii_uppercase());
                first = false;
            }
            _ => out.push(c.to_ascii_lowercase()),
        }
    }
    out
}

/// Go's `unicodeTable`: the `regex` crate's name for the table and whether Go inverts it.
fn unicode_table(name: &str) -> Option<(String, bool)> {
    let name = canonical_name(name);
    match name.as_str() {
        "Any" => return Some(("Any".into(), false)),
        "Assigned" => return Some(("gc=Cn".into(), true)),
        "Ascii" => return Some(("ASCII".into(), false)),
        "Lc" => return Some(("gc=LC".into(), false)),
        _ => {}
    }
    if CATEGORIES.contains(&name.as_str()) {
        return Some((format!("gc={name}"), false));
    }
    if SCRIPTS.contains(&name.as_str()) {
        return Some((format!("sc={name}"), false));
    }
    CATEGORY_ALIASES
        .iter()
        .find(|(alias, _)| *alias == name)
        .map(|(_, gc)| (format!("gc={gc}"), false))
}

fn is_alnum(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

fn unhex(c: char) -> Option<u32> {
    c.to_digit(16)
}

fn first_char(s: &str) -> Option<char> {
    s.chars().next()
}

/// Go's `parseInt` for repeat counts: digits without leading zeros; -1 when too big.
fn parse_int(s: &str) -> Option<(i64, &str)> {
    let b = s.as_bytes();
    if b.first().is_none_or(|c| !c.is_ascii_digit()) {
        return None;
    }
    if b.len() >= 2 && b[0] == b'0' && b[1].is_ascii_digit() {
        return None;
    }
    let n = b.iter().take_while(|c| c.is_ascii_digit()).count();
    let mut v: i64 = 0;
    for &c in &b[..n] {
        if v >= 100_000_000 {
            v = -1;
            break;
        }
        v = v * 10 + i64::from(c - b'0');
    }
    Some((v, &s[n..]))
}

/// Go's `parseRepeat`: `{min}`, `{min,}` (max -1) or `{min,max}`; min -1 when too big.
fn parse_repeat(s: &str) -> Option<(i64, i64, &str)> {
    let s = s.strip_prefix('{')?;
    let (mut min, s) = parse_int(s)?;
    let max;
    let s = if let Some(rest) = s.strip_prefix(',') {
        if rest.is_empty() {
            return None;
        }
        if rest.starts_with('}') {
            max = -1;
            rest
        } else {
            let (m, rest) = parse_int(rest)?;
            max = m;
            if m < 0 {
                min = -1;
            }
            rest
        }
    } else {
        max = min;
        s
    };
    let rest = s.strip_prefix('}')?;
    Some((min, max, rest))
}

fn is_valid_capture_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c == '_' || is_alnum(c))
}

/// Go's `repeatIsValid`: nested counted repetitions multiply to at most `n`.
fn repeat_is_valid(t: &Tree, mut n: i64) -> bool {
    if let Node::Repeat {
        min,
        max,
        counted: true,
        ..
    } = &t.node
    {
        let mut m = *max;
        if m == 0 {
            return true;
        }
        if m < 0 {
            m = *min;
        }
        if m > n {
            return false;
        }
        if m > 0 {
            n /= m;
        }
    }
    match &t.node {
        Node::Capture(s) => repeat_is_valid(s, n),
        Node::Repeat { sub, .. } => repeat_is_valid(sub, n),
        Node::Concat(v) | Node::Alt(v) => v.iter().all(|s| repeat_is_valid(s, n)),
        _ => true,
    }
}

impl<'a> Parser<'a> {
    fn push(&mut self, node: Node) -> Result<(), String> {
        let t = Tree::new(node);
        self.check(&t)?;
        self.stack.push(Item::Node(t));
        Ok(())
    }

    fn check(&self, t: &Tree) -> Result<(), String> {
        if t.size > MAX_SIZE {
            return Err(err(Code::Large, self.whole));
        }
        if t.height > MAX_HEIGHT {
            return Err(err(Code::NestingDepth, self.whole));
        }
        Ok(())
    }

    fn literal(&mut self, c: char) -> Result<(), String> {
        self.push(Node::Lit(c, self.flags & FOLD != 0))
    }

    /// Index of the first item above the topmost `(` or `|`.
    fn above_pseudo(&self) -> usize {
        self.stack
            .iter()
            .rposition(|i| !matches!(i, Item::Node(_)))
            .map_or(0, |p| p + 1)
    }

    fn take_nodes(&mut self, from: usize) -> Vec<Tree> {
        self.stack
            .drain(from..)
            .filter_map(|i| match i {
                Item::Node(t) => Some(t),
                _ => None,
            })
            .collect()
    }

    /// Go's `concat`: the items above the topmost pseudo-item become one concatenation.
    fn concat(&mut self) -> Result<(), String> {
        let i = self.above_pseudo();
        let subs = self.take_nodes(i);
        match subs.len() {
            0 => self.push(Node::Empty),
            1 => {
                let t = subs
                    .into_iter()
                    .next()
                    .map_or(Tree::new(Node::Empty), |t| t);
                self.stack.push(Item::Node(t));
                Ok(())
            }
            _ => {
                let mut flat = Vec::with_capacity(subs.len());
                for s in subs {
                    match s.node {
                        Node::Concat(v) => flat.extend(v),
                        other => flat.push(Tree { node: other, ..s }),
                    }
                }
                self.push(Node::Concat(flat))
            }
        }
    }

    /// Go's `alternate`: the items above the topmost `(` become one alternation.
    fn alternate(&mut self) -> Result<(), String> {
        let i = self.above_pseudo();
        let subs = self.take_nodes(i);
        match subs.len() {
            0 => self.push(Node::NoMatch),
            1 => {
                let t = subs
                    .into_iter()
                    .next()
                    .map_or(Tree::new(Node::NoMatch), |t| t);
                self.stack.push(Item::Node(t));
                Ok(())
            }
            _ => {
                let mut flat = Vec::with_capacity(subs.len());
                for s in subs {
                    match s.node {
                        Node::Alt(v) => flat.extend(v),
                        other => flat.push(Tree { node: other, ..s }),
                    }
                }
                self.push(Node::Alt(flat))
            }
        }
    }

    /// Go's `swapVerticalBar` (without its class-merging optimisation): moves the
    /// finished branch below a `|` marker.
    fn swap_vertical_bar(&mut self) -> bool {
        let n = self.stack.len();
        if n >= 2
            && matches!(self.stack[n - 2], Item::Bar)
            && matches!(self.stack[n - 1], Item::Node(_))
        {
            self.stack.swap(n - 1, n - 2);
            return true;
        }
        false
    }

    fn parse_vertical_bar(&mut self) -> Result<(), String> {
        self.concat()?;
        if !self.swap_vertical_bar() {
            self.stack.push(Item::Bar);
        }
        Ok(())
    }

    fn parse_right_paren(&mut self) -> Result<(), String> {
        self.concat()?;
        if self.swap_vertical_bar() {
            self.stack.pop();
        }
        self.alternate()?;
        if self.stack.len() < 2 {
            return Err(err(Code::UnexpectedParen, self.whole));
        }
        let re1 = self.stack.pop();
        let re2 = self.stack.pop();
        match (re1, re2) {
            (Some(Item::Node(t)), Some(Item::LeftParen { cap, flags })) => {
                self.flags = flags;
                if cap {
                    self.push(Node::Capture(Box::new(t)))
                } else {
                    self.stack.push(Item::Node(t));
                    Ok(())
                }
            }
            _ => Err(err(Code::UnexpectedParen, self.whole)),
        }
    }

    /// Go's `repeat`: applies `*`, `+`, `?` or `{n,m}` (starting at `before`, followed
    /// by `after`) to the top of the stack.
    fn repeat(
        &mut self,
        min: i64,
        max: i64,
        counted: bool,
        before: &'a str,
        mut after: &'a str,
        last_repeat: &'a str,
    ) -> Result<&'a str, String> {
        let mut flags = self.flags;
        if let Some(rest) = after.strip_prefix('?') {
            after = rest;
            flags ^= NON_GREEDY;
        }
        if !last_repeat.is_empty() {
            return Err(err(
                Code::InvalidRepeatOp,
                &last_repeat[..last_repeat.len() - after.len()],
            ));
        }
        let op = &before[..before.len() - after.len()];
        let sub = match self.stack.pop() {
            Some(Item::Node(t)) => t,
            other => {
                if let Some(i) = other {
                    self.stack.push(i);
                }
                return Err(err(Code::MissingRepeatArgument, op));
            }
        };
        let t = Tree::new(Node::Repeat {
            sub: Box::new(sub),
            min,
            max,
            greedy: flags & NON_GREEDY == 0,
            counted,
        });
        self.check(&t)?;
        if counted && (min >= 2 || max >= 2) && !repeat_is_valid(&t, MAX_REPEAT) {
            return Err(err(Code::InvalidRepeatSize, op));
        }
        self.stack.push(Item::Node(t));
        Ok(after)
    }

    /// Go's `parsePerlFlags`: `(?flags)`, `(?flags:`, `(?P<name>`, `(?<name>`.
    fn parse_perl_flags(&mut self, s: &'a str) -> Result<&'a str, String> {
        let b = s.as_bytes();
        let starts_with_p = s.len() > 4 && b[2] == b'P' && b[3] == b'<';
        let starts_with_name = s.len() > 3 && b[2] == b'<';
        if starts_with_p || starts_with_name {
            let start = if starts_with_name { 3 } else { 4 };
            let Some(end) = s.find('>') else {
                return Err(err(Code::InvalidNamedCapture, s));
            };
            let capture = &s[..end + 1];
            let name = s.get(start..end).unwrap_or("");
            if !is_valid_capture_name(name) {
                return Err(err(Code::InvalidNamedCapture, capture));
            }
            self.names.push(Some(name.to_string()));
            self.stack.push(Item::LeftParen {
                cap: true,
                flags: self.flags,
            });
            return Ok(&s[end + 1..]);
        }
        let mut t = &s[2..];
        let mut flags = self.flags;
        let mut negative = false;
        let mut saw_flag = false;
        while let Some(c) = first_char(t) {
            t = &t[c.len_utf8()..];
            match c {
                'i' => {
                    flags |= FOLD;
                    saw_flag = true;
                }
                'm' => {
                    flags &= !ONE_LINE;
                    saw_flag = true;
                }
                's' => {
                    flags |= DOT_NL;
                    saw_flag = true;
                }
                'U' => {
                    flags |= NON_GREEDY;
                    saw_flag = true;
                }
                '-' => {
                    if negative {
                        break;
                    }
                    negative = true;
                    flags = !flags;
                    saw_flag = false;
                }
                ':' | ')' => {
                    if negative {
                        if !saw_flag {
                            break;
                        }
                        flags = !flags;
                    }
                    if c == ':' {
                        self.stack.push(Item::LeftParen {
                            cap: false,
                            flags: self.flags,
                        });
                    }
                    self.flags = flags;
                    return Ok(t);
                }
                _ => break,
            }
        }
        Err(err(Code::InvalidPerlOp, &s[..s.len() - t.len()]))
    }

    /// Go's `parseEscape`: a single-character escape at the start of `s` (`\`...).
    fn parse_escape(s: &'a str) -> Result<(u32, &'a str), String> {
        let t0 = &s[1..];
        let Some(c) = first_char(t0) else {
            return Err(err(Code::TrailingBackslash, ""));
        };
        let mut t = &t0[c.len_utf8()..];
        let bad = |t: &str| Err(err(Code::InvalidEscape, &s[..s.len() - t.len()]));
        match c {
            '1'..='7' | '0' => {
                let next_octal = |t: &str| {
                    t.as_bytes()
                        .first()
                        .is_some_and(|b| (b'0'..=b'7').contains(b))
                };
                if c != '0' && !next_octal(t) {
                    // A single non-zero digit would be a backreference.
                    return bad(t);
                }
                let mut r = c as u32 - '0' as u32;
                for _ in 1..3 {
                    if !next_octal(t) {
                        break;
                    }
                    r = r * 8 + u32::from(t.as_bytes()[0] - b'0');
                    t = &t[1..];
                }
                Ok((r, t))
            }
            'x' => {
                let Some(c) = first_char(t) else {
                    return bad(t);
                };
                t = &t[c.len_utf8()..];
                if c == '{' {
                    let mut nhex = 0;
                    let mut r: u32 = 0;
                    loop {
                        let Some(c) = first_char(t) else {
                            return bad(t);
                        };
                        t = &t[c.len_utf8()..];
                        if c == '}' {
                            break;
                        }
                        let Some(v) = unhex(c) else {
                            return bad(t);
                        };
                        r = r * 16 + v;
                        if r > 0x10FFFF {
                            return bad(t);
                        }
                        nhex += 1;
                    }
                    if nhex == 0 {
                        return bad(t);
                    }
                    return Ok((r, t));
                }
                let x = unhex(c);
                let c2 = first_char(t);
                if let Some(c2) = c2 {
                    t = &t[c2.len_utf8()..];
                }
                match (x, c2.and_then(unhex)) {
                    (Some(x), Some(y)) => Ok((x * 16 + y, t)),
                    _ => bad(t),
                }
            }
            'a' => Ok((7, t)),
            'f' => Ok((12, t)),
            'n' => Ok((10, t)),
            'r' => Ok((13, t)),
            't' => Ok((9, t)),
            'v' => Ok((11, t)),
            c if c.is_ascii() && !is_alnum(c) => Ok((c as u32, t)),
            _ => bad(t),
        }
    }

    /// Go's `parseUnicodeClass`: `\pN`, `\p{Name}`, `\PN`, `\P{^Name}` at the start of
    /// `s`.
    fn parse_unicode_class(s: &'a str) -> Result<(ClassItem, &'a str), String> {
        let mut negated = s.as_bytes()[1] == b'P';
        let t = &s[2..];
        let c = first_char(t);
        let (seq, mut name, rest) = if c != Some('{') {
            let n = c.map_or(0, char::len_utf8);
            (&s[..2 + n], &s[2..2 + n], &t[n..])
        } else {
            let Some(end) = s.find('}') else {
                return Err(err(Code::InvalidCharRange, s));
            };
            (&s[..end + 1], &s[3..end], &s[end + 1..])
        };
        if let Some(n) = name.strip_prefix('^') {
            negated = !negated;
            name = n;
        }
        let Some((table, invert)) = unicode_table(name) else {
            return Err(err(Code::InvalidCharRange, seq));
        };
        Ok((ClassItem::Table(table, negated != invert), rest))
    }

    fn parse_perl_class_escape(s: &'a str) -> Option<(ClassItem, &'a str)> {
        let b = s.as_bytes();
        if b.len() < 2 || b[0] != b'\\' {
            return None;
        }
        let (g, neg) = perl_group(b[1])?;
        Some((ClassItem::Group(g, neg), &s[2..]))
    }

    /// Go's `parseNamedClass`: `[:alpha:]` at the start of `s`; `None` when `s` does not
    /// hold `:]` at all (the `[` is then a literal).
    fn parse_named_class(s: &'a str) -> Result<Option<(ClassItem, &'a str)>, String> {
        let Some(i) = s[2..].find(":]") else {
            return Ok(None);
        };
        let i = i + 2;
        let name = &s[..i + 2];
        match posix_group(name) {
            Some((g, neg)) => Ok(Some((ClassItem::Group(g, neg), &s[i + 2..]))),
            None => Err(err(Code::InvalidCharRange, name)),
        }
    }

    /// Go's `parseClassChar`.
    fn parse_class_char(s: &'a str, whole_class: &'a str) -> Result<(u32, &'a str), String> {
        match first_char(s) {
            None => Err(err(Code::MissingBracket, whole_class)),
            Some('\\') => Self::parse_escape(s),
            Some(c) => Ok((c as u32, &s[c.len_utf8()..])),
        }
    }

    /// Go's `parseClass`: a bracketed class at the start of `s`.
    fn parse_class(&mut self, s: &'a str) -> Result<&'a str, String> {
        let mut t = &s[1..];
        let mut negated = false;
        if let Some(rest) = t.strip_prefix('^') {
            negated = true;
            t = rest;
        }
        let mut items = Vec::new();
        let mut first = true;
        while t.is_empty() || !t.starts_with(']') || first {
            first = false;
            if t.len() > 2 && t.starts_with("[:") {
                if let Some((item, rest)) = Self::parse_named_class(t)? {
                    items.push(item);
                    t = rest;
                    continue;
                }
            }
            let b = t.as_bytes();
            if b.len() >= 2 && b[0] == b'\\' && (b[1] == b'p' || b[1] == b'P') {
                let (item, rest) = Self::parse_unicode_class(t)?;
                items.push(item);
                t = rest;
                continue;
            }
            if let Some((item, rest)) = Self::parse_perl_class_escape(t) {
                items.push(item);
                t = rest;
                continue;
            }
            let rng = t;
            let (lo, rest) = Self::parse_class_char(t, s)?;
            t = rest;
            let mut hi = lo;
            let b = t.as_bytes();
            if b.len() >= 2 && b[0] == b'-' && b[1] != b']' {
                t = &t[1..];
                let (h, rest) = Self::parse_class_char(t, s)?;
                t = rest;
                hi = h;
                if hi < lo {
                    return Err(err(Code::InvalidCharRange, &rng[..rng.len() - t.len()]));
                }
            }
            items.push(ClassItem::Range(lo, hi));
        }
        let fold = self.flags & FOLD != 0;
        self.push(Node::Class(items, negated, fold))?;
        Ok(&t[1..])
    }

    fn parse(mut self) -> Result<Translated, String> {
        let whole = self.whole;
        let mut t: &'a str = whole;
        let mut last_repeat: &'a str = "";
        while let Some(c) = first_char(t) {
            let mut repeat: &'a str = "";
            match c {
                '(' => {
                    if t.as_bytes().get(1) == Some(&b'?') {
                        t = self.parse_perl_flags(t)?;
                    } else {
                        self.names.push(None);
                        self.stack.push(Item::LeftParen {
                            cap: true,
                            flags: self.flags,
                        });
                        t = &t[1..];
                    }
                }
                '|' => {
                    self.parse_vertical_bar()?;
                    t = &t[1..];
                }
                ')' => {
                    self.parse_right_paren()?;
                    t = &t[1..];
                }
                '^' => {
                    self.push(if self.flags & ONE_LINE != 0 {
                        Node::BeginText
                    } else {
                        Node::BeginLine
                    })?;
                    t = &t[1..];
                }
                '$' => {
                    self.push(if self.flags & ONE_LINE != 0 {
                        Node::EndText
                    } else {
                        Node::EndLine
                    })?;
                    t = &t[1..];
                }
                '.' => {
                    self.push(if self.flags & DOT_NL != 0 {
                        Node::AnyChar
                    } else {
                        Node::AnyNotNl
                    })?;
                    t = &t[1..];
                }
                '[' => t = self.parse_class(t)?,
                '*' | '+' | '?' => {
                    let (min, max) = match c {
                        '*' => (0, -1),
                        '+' => (1, -1),
                        _ => (0, 1),
                    };
                    let before = t;
                    t = self.repeat(min, max, false, before, &t[1..], last_repeat)?;
                    repeat = before;
                }
                '{' => match parse_repeat(t) {
                    None => {
                        self.literal('{')?;
                        t = &t[1..];
                    }
                    Some((min, max, after)) => {
                        let before = t;
                        if !(0..=MAX_REPEAT).contains(&min)
                            || max > MAX_REPEAT
                            || max >= 0 && min > max
                        {
                            return Err(err(
                                Code::InvalidRepeatSize,
                                &before[..before.len() - after.len()],
                            ));
                        }
                        t = self.repeat(min, max, true, before, after, last_repeat)?;
                        repeat = before;
                    }
                },
                '\\' => t = self.parse_backslash(t)?,
                _ => {
                    self.literal(c)?;
                    t = &t[c.len_utf8()..];
                }
            }
            last_repeat = repeat;
        }
        self.concat()?;
        if self.swap_vertical_bar() {
            self.stack.pop();
        }
        self.alternate()?;
        if self.stack.len() != 1 {
            return Err(err(Code::MissingParen, whole));
        }
        let Some(Item::Node(tree)) = self.stack.pop() else {
            return Err(err(Code::MissingParen, whole));
        };
        let mut pattern = String::with_capacity(whole.len() * 2);
        emit(&tree, &mut pattern);
        Ok(Translated {
            pattern,
            names: self.names,
            height: tree.height,
        })
    }

    fn parse_backslash(&mut self, t: &'a str) -> Result<&'a str, String> {
        let b = t.as_bytes();
        if b.len() >= 2 {
            match b[1] {
                b'A' => {
                    self.push(Node::BeginText)?;
                    return Ok(&t[2..]);
                }
                b'b' => {
                    self.push(Node::WordBoundary)?;
                    return Ok(&t[2..]);
                }
                b'B' => {
                    self.push(Node::NoWordBoundary)?;
                    return Ok(&t[2..]);
                }
                b'C' => return Err(err(Code::InvalidEscape, &t[..2])),
                b'Q' => {
                    let rest = &t[2..];
                    let (lit, after) = match rest.find("\\E") {
                        Some(i) => (&rest[..i], &rest[i + 2..]),
                        None => (rest, ""),
                    };
                    for c in lit.chars() {
                        self.literal(c)?;
                    }
                    return Ok(after);
                }
                b'z' => {
                    self.push(Node::EndText)?;
                    return Ok(&t[2..]);
                }
                b'p' | b'P' => {
                    let (item, rest) = Self::parse_unicode_class(t)?;
                    let fold = self.flags & FOLD != 0;
                    self.push(Node::Class(vec![item], false, fold))?;
                    return Ok(rest);
                }
                _ => {}
            }
        }
        if let Some((item, rest)) = Self::parse_perl_class_escape(t) {
            let fold = self.flags & FOLD != 0;
            self.push(Node::Class(vec![item], false, fold))?;
            return Ok(rest);
        }
        let (r, rest) = Self::parse_escape(t)?;
        match char::from_u32(r) {
            Some(c) => self.literal(c)?,
            // A surrogate: Go accepts it, but no UTF-8 text contains it.
            None => self.push(Node::NoMatch)?,
        }
        Ok(rest)
    }
}

/// Translates a Go regular expression; `Err` holds Go's error text.
pub(crate) fn translate(expr: &str) -> Result<Translated, String> {
    Parser {
        whole: expr,
        flags: ONE_LINE,
        stack: Vec::new(),
        names: vec![None],
    }
    .parse()
}

fn push_char(out: &mut String, c: u32) {
    let _ = write!(out, "\\x{{{c:X}}}");
}

fn emit_class(items: &[ClassItem], negated: bool, out: &mut String) {
    out.push('[');
    if negated {
        out.push('^');
    }
    let mut any = false;
    for item in items {
        match item {
            ClassItem::Range(lo, hi) => {
                // Surrogates never occur in text; clamp them away.
                let lo = if (0xD800..=0xDFFF).contains(lo) {
                    0xE000
                } else {
                    *lo
                };
                let hi = if (0xD800..=0xDFFF).contains(hi) {
                    0xD7FF
                } else {
                    *hi
                };
                if lo > hi {
                    continue;
                }
                push_char(out, lo);
                if hi != lo {
                    out.push('-');
                    push_char(out, hi);
                }
                any = true;
            }
            ClassItem::Group(ranges, neg) => {
                out.push('[');
                if *neg {
                    out.push('^');
                }
                for &(lo, hi) in ranges.iter() {
                    push_char(out, u32::from(lo));
                    if hi != lo {
                        out.push('-');
                        push_char(out, u32::from(hi));
                    }
                }
                out.push(']');
                any = true;
            }
            ClassItem::Table(name, neg) => {
                let _ = write!(out, "\\{}{{{name}}}", if *neg { 'P' } else { 'p' });
                any = true;
            }
        }
    }
    if !any {
        // Only surrogate ranges: a never-matching nested class.
        out.push_str("[^\\x{0}-\\x{10FFFF}]");
    }
    out.push(']');
}

fn emit(t: &Tree, out: &mut String) {
    match &t.node {
        Node::Empty => out.push_str("(?:)"),
        Node::NoMatch => out.push_str("[^\\x{0}-\\x{10FFFF}]"),
        Node::Lit(c, fold) => {
            if *fold {
                out.push_str("(?i:");
            }
            if c.is_ascii_alphanumeric() {
                out.push(*c);
            } else {
                push_char(out, *c as u32);
            }
            if *fold {
                out.push(')');
            }
        }
        Node::Class(items, negated, fold) => {
            if *fold {
                out.push_str("(?i:");
            }
            emit_class(items, *negated, out);
            if *fold {
                out.push(')');
            }
        }
        Node::AnyNotNl => out.push_str("[^\\n]"),
        Node::AnyChar => out.push_str("(?s:.)"),
        Node::BeginLine => out.push_str("(?m:^)"),
        Node::EndLine => out.push_str("(?m:$)"),
        Node::BeginText => out.push_str("\\A"),
        Node::EndText => out.push_str("\\z"),
        Node::WordBoundary => out.push_str("(?-u:\\b)"),
        Node::NoWordBoundary => out.push_str("(?-u:\\B)"),
        Node::Capture(sub) => {
            out.push('(');
            emit(sub, out);
            out.push(')');
        }
        Node::Repeat {
            sub,
            min,
            max,
            greedy,
            ..
        } => {
            out.push_str("(?:");
            emit(sub, out);
            out.push(')');
            match (*min, *max) {
                (0, -1) => out.push('*'),
                (1, -1) => out.push('+'),
                (0, 1) => out.push('?'),
                (n, -1) => {
                    let _ = write!(out, "{{{n},}}");
                }
                (n, m) if n == m => {
                    let _ = write!(out, "{{{n}}}");
                }
                (n, m) => {
                    let _ = write!(out, "{{{n},{m}}}");
                }
            }
            if !greedy {
                out.push('?');
            }
        }
        Node::Concat(v) => {
            for s in v {
                emit(s, out);
            }
        }
        Node::Alt(v) => {
            out.push_str("(?:");
            for (i, s) in v.iter().enumerate() {
                if i > 0 {
                    out.push('|');
                }
                emit(s, out);
            }
            out.push(')');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(p: &str) -> String {
        match translate(p) {
            Ok(t) => panic!("{p:?} translated to {:?}", t.pattern),
            Err(e) => e,
        }
    }

    #[test]
    fn go_errors() {
        assert_eq!(e("["), "error parsing regexp: missing closing ]: `[`");
        assert_eq!(
            e("a**"),
            "error parsing regexp: invalid nested repetition operator: `**`"
        );
        assert_eq!(
            e("a*?+"),
            "error parsing regexp: invalid nested repetition operator: `*?+`"
        );
        assert_eq!(
            e("a{2}{3}"),
            "error parsing regexp: invalid nested repetition operator: `{2}{3}`"
        );
        assert_eq!(
            e("((a{100}){100}){100}"),
            "error parsing regexp: invalid repeat count: `{100}`"
        );
        assert_eq!(
            e("(?i-)a"),
            "error parsing regexp: invalid or unsupported Perl syntax: `(?i-)`"
        );
        assert_eq!(
            e("\\x{110000}"),
            "error parsing regexp: invalid escape sequence: `\\x{110000`"
        );
        assert_eq!(
            e("\\x4"),
            "error parsing regexp: invalid escape sequence: `\\x4`"
        );
        assert_eq!(e("(?:a"), "error parsing regexp: missing closing ): `(?:a`");
        assert_eq!(
            e("a|*"),
            "error parsing regexp: missing argument to repetition operator: `*`"
        );
        assert_eq!(
            e("\\"),
            "error parsing regexp: trailing backslash at end of expression: ``"
        );
        assert_eq!(
            e("[z-a]"),
            "error parsing regexp: invalid character class range: `z-a`"
        );
        assert_eq!(
            e("\\p{Old_Italic}"),
            "error parsing regexp: invalid character class range: `\\p{Old_Italic}`"
        );
        let deep = format!("{}a{}", "(".repeat(1001), ")".repeat(1001));
        assert_eq!(
            e(&deep),
            format!("error parsing regexp: expression nests too deeply: `{deep}`")
        );
        assert_eq!(
            e(&"(".repeat(3)),
            "error parsing regexp: missing closing ): `(((`"
        );
    }

    #[test]
    fn accepted() {
        for p in [
            "a(?i)*",
            "^*",
            "\\Q",
            "(?P<n>a)(?P<n>b)",
            "a{,5}",
            "[]a]",
            "[a[]",
            "\\pN",
            "\\p{greek}",
            "x{0}",
        ] {
            assert!(translate(p).is_ok(), "{p}");
        }
        assert_eq!(
            translate("(a)(?P<x>b)(?:c)").unwrap().names,
            vec![None, None, Some("x".to_string())]
        );
    }
}
