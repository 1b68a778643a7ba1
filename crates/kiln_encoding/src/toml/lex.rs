//! BurntSushi/toml v1.6.0's lexer (`lex.go`): a state machine emitting items, with its
//! error messages and positions (1-based line, byte offset and length).

use std::collections::VecDeque;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ItemType {
    Error,
    Eof,
    Text,
    String,
    StringEsc,
    RawString,
    MultilineString,
    RawMultilineString,
    Bool,
    Integer,
    Float,
    Datetime,
    Array,
    ArrayEnd,
    TableStart,
    TableEnd,
    ArrayTableStart,
    ArrayTableEnd,
    KeyStart,
    KeyEnd,
    CommentStart,
    InlineTableStart,
    InlineTableEnd,
}

/// An item's position: line, byte offset, length.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Pos {
    pub line: usize,
    pub start: usize,
    pub len: usize,
}

#[derive(Clone, Debug)]
pub(crate) struct Item {
    pub typ: ItemType,
    pub val: String,
    pub err: Option<String>,
    pub pos: Pos,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Top,
    TopEnd,
    TableStart,
    TableEnd,
    ArrayTableEnd,
    TableNameStart,
    TableNameEnd,
    BareName,
    QuotedName,
    KeyStart,
    KeyNameStart,
    KeyEnd,
    Value,
    ArrayValue,
    ArrayValueEnd,
    ArrayEnd,
    InlineTableValue,
    InlineTableValueEnd,
    InlineTableEnd,
    Str,
    MultilineString,
    RawString,
    MultilineRawString,
    MultilineStringEscape,
    StringEscape,
    HexEscape,
    ShortUnicodeEscape,
    LongUnicodeEscape,
    NumberOrDateStart,
    NumberOrDate,
    Datetime,
    HexInteger,
    OctalInteger,
    BinaryInteger,
    DecimalNumber,
    DecimalNumberStart,
    BaseNumberOrDate,
    Float,
    Bool,
    CommentStart,
    Comment,
}

const EOF: char = '\0';

pub(crate) struct Lexer<'a> {
    input: &'a str,
    start: usize,
    pos: usize,
    line: usize,
    state: Option<State>,
    items: VecDeque<Item>,
    esc: bool,
    prev_widths: [usize; 4],
    nprev: usize,
    at_eof: bool,
    stack: Vec<State>,
}

fn is_whitespace(r: char) -> bool {
    r == '\t' || r == ' '
}
fn is_nl(r: char) -> bool {
    r == '\n' || r == '\r'
}
fn is_control(r: char) -> bool {
    !matches!(r, '\t' | '\r' | '\n') && ((r as u32) <= 0x1f || r as u32 == 0x7f)
}
fn is_digit(r: char) -> bool {
    r.is_ascii_digit()
}
fn is_binary(r: char) -> bool {
    r == '0' || r == '1'
}
fn is_octal(r: char) -> bool {
    ('0'..='7').contains(&r)
}
pub(crate) fn is_hex(r: char) -> bool {
    r.is_ascii_hexdigit()
}
pub(crate) fn is_bare_key_char(r: char) -> bool {
    r.is_ascii_alphanumeric() || r == '_' || r == '-'
}

/// Go's `%q` of a rune.
pub(crate) fn quote_rune(r: char) -> String {
    let mut s = String::new();
    kiln_gotmpl::fmt::append_quote_rune(&mut s, r as i64, false);
    s
}

/// Go's `%q` of a string.
pub(crate) fn quote_str(s: &str) -> String {
    kiln_gotmpl::fmt::quote(s)
}

fn rune_or_eof(r: char) -> String {
    if r == EOF {
        "end of file".to_string()
    } else {
        format!("'{r}'")
    }
}

impl<'a> Lexer<'a> {
    pub fn new(input: &'a str) -> Lexer<'a> {
        Lexer {
            input,
            start: 0,
            pos: 0,
            line: 1,
            state: Some(State::Top),
            items: VecDeque::new(),
            esc: false,
            prev_widths: [0; 4],
            nprev: 0,
            at_eof: false,
            stack: Vec::new(),
        }
    }

    pub fn input(&self) -> &'a str {
        self.input
    }

    /// The next item (`nextItem`).
    pub fn next_item(&mut self) -> Item {
        loop {
            if let Some(it) = self.items.pop_front() {
                return it;
            }
            match self.state {
                Some(s) => self.state = self.run(s),
                None => {
                    return Item {
                        typ: ItemType::Eof,
                        val: String::new(),
                        err: None,
                        pos: self.get_pos(),
                    }
                }
            }
        }
    }

    fn push(&mut self, s: State) {
        self.stack.push(s);
    }

    fn pop(&mut self) -> Option<State> {
        self.stack.pop()
    }

    fn current(&self) -> &'a str {
        self.input.get(self.start..self.pos).unwrap_or("")
    }

    fn get_pos(&self) -> Pos {
        let len = self.pos.saturating_sub(self.start);
        Pos {
            line: self.line,
            start: self.start,
            len: if len == 0 { 1 } else { len },
        }
    }

    fn emit(&mut self, typ: ItemType) {
        if self.start > self.pos {
            let b = self.input.as_bytes().get(self.pos).copied().unwrap_or(0);
            self.error(format!("invalid UTF-8 byte: 0x{b:02x}"));
            return;
        }
        let it = Item {
            typ,
            val: self.current().to_string(),
            err: None,
            pos: self.get_pos(),
        };
        self.items.push_back(it);
        self.start = self.pos;
    }

    fn emit_trim(&mut self, typ: ItemType) {
        let it = Item {
            typ,
            val: self.current().trim().to_string(),
            err: None,
            pos: self.get_pos(),
        };
        self.items.push_back(it);
        self.start = self.pos;
    }

    fn next(&mut self) -> char {
        if self.at_eof {
            // Go panics ("next called after EOF"); stay at EOF.
            return EOF;
        }
        if self.pos >= self.input.len() {
            self.at_eof = true;
            return EOF;
        }
        let b = self.input.as_bytes();
        if b[self.pos] == b'\n' {
            self.line += 1;
        }
        self.prev_widths[3] = self.prev_widths[2];
        self.prev_widths[2] = self.prev_widths[1];
        self.prev_widths[1] = self.prev_widths[0];
        if self.nprev < 4 {
            self.nprev += 1;
        }
        let r = self.input[self.pos..].chars().next().unwrap_or(EOF);
        let w = r.len_utf8();
        if is_control(r)
            || (r == '\r' && (self.input.len() - 1 == self.pos || b[self.pos + 1] != b'\n'))
        {
            self.error_pos(
                self.pos.saturating_sub(1),
                1,
                format!(
                    "TOML files cannot contain control characters: '0x{:02x}'",
                    r as u32
                ),
            );
            return '\u{FFFD}';
        }
        self.prev_widths[0] = w;
        self.pos += w;
        r
    }

    fn ignore(&mut self) {
        self.start = self.pos;
    }

    fn backup(&mut self) {
        if self.at_eof {
            self.at_eof = false;
            return;
        }
        if self.nprev < 1 {
            return;
        }
        let w = self.prev_widths[0];
        self.prev_widths[0] = self.prev_widths[1];
        self.prev_widths[1] = self.prev_widths[2];
        self.prev_widths[2] = self.prev_widths[3];
        self.nprev -= 1;
        self.pos = self.pos.saturating_sub(w);
        if self.pos < self.input.len() && self.input.as_bytes()[self.pos] == b'\n' {
            self.line -= 1;
        }
    }

    fn accept(&mut self, valid: char) -> bool {
        if self.next() == valid {
            return true;
        }
        self.backup();
        false
    }

    fn peek(&mut self) -> char {
        let r = self.next();
        self.backup();
        r
    }

    fn skip(&mut self, pred: fn(char) -> bool) {
        loop {
            let r = self.next();
            if pred(r) {
                continue;
            }
            self.backup();
            self.ignore();
            return;
        }
    }

    fn push_error(&mut self, pos: Pos, msg: String) {
        self.items.push_back(Item {
            typ: ItemType::Error,
            val: String::new(),
            err: Some(msg),
            pos,
        });
    }

    fn error(&mut self, msg: String) -> Option<State> {
        if self.at_eof {
            return self.error_prev_line(msg);
        }
        let p = self.get_pos();
        self.push_error(p, msg);
        None
    }

    fn error_prev_line(&mut self, msg: String) -> Option<State> {
        let mut p = self.get_pos();
        p.line = p.line.saturating_sub(1);
        p.len = 1;
        p.start = self.pos.saturating_sub(1);
        self.push_error(p, msg);
        None
    }

    fn error_pos(&mut self, start: usize, len: usize, msg: String) -> Option<State> {
        let mut p = self.get_pos();
        p.start = start;
        p.len = len;
        self.push_error(p, msg);
        None
    }

    fn errorf(&mut self, msg: String) -> Option<State> {
        if self.at_eof {
            let mut p = self.get_pos();
            if self.pos >= 1 && self.input.as_bytes()[self.pos - 1] == b'\n' {
                p.line = p.line.saturating_sub(1);
            }
            p.len = 1;
            p.start = self.pos.saturating_sub(1);
            self.push_error(p, msg);
            return None;
        }
        let p = self.get_pos();
        self.push_error(p, msg);
        None
    }

    fn skip_to(&mut self, next: State) -> Option<State> {
        self.ignore();
        Some(next)
    }

    fn run(&mut self, s: State) -> Option<State> {
        match s {
            State::Top => {
                let r = self.next();
                if is_whitespace(r) || is_nl(r) {
                    return self.skip_to(State::Top);
                }
                match r {
                    '#' => {
                        self.push(State::Top);
                        return Some(State::CommentStart);
                    }
                    '[' => return Some(State::TableStart),
                    EOF => {
                        if self.pos > self.start {
                            return self.errorf("unexpected EOF".into());
                        }
                        self.emit(ItemType::Eof);
                        return None;
                    }
                    _ => {}
                }
                self.backup();
                self.push(State::TopEnd);
                Some(State::KeyStart)
            }
            State::TopEnd => {
                let r = self.next();
                if r == '#' {
                    self.push(State::Top);
                    return Some(State::CommentStart);
                }
                if is_whitespace(r) {
                    return Some(State::TopEnd);
                }
                if is_nl(r) {
                    self.ignore();
                    return Some(State::Top);
                }
                if r == EOF {
                    self.emit(ItemType::Eof);
                    return None;
                }
                self.errorf(format!(
                    "expected a top-level item to end with a newline, comment, or EOF, but got {} instead",
                    quote_rune(r)
                ))
            }
            State::TableStart => {
                if self.peek() == '[' {
                    self.next();
                    self.emit(ItemType::ArrayTableStart);
                    self.push(State::ArrayTableEnd);
                } else {
                    self.emit(ItemType::TableStart);
                    self.push(State::TableEnd);
                }
                Some(State::TableNameStart)
            }
            State::TableEnd => {
                self.emit(ItemType::TableEnd);
                Some(State::TopEnd)
            }
            State::ArrayTableEnd => {
                let r = self.next();
                if r != ']' {
                    return self.errorf(format!(
                        "expected end of table array name delimiter ']', but got {} instead",
                        quote_rune(r)
                    ));
                }
                self.emit(ItemType::ArrayTableEnd);
                Some(State::TopEnd)
            }
            State::TableNameStart => {
                self.skip(is_whitespace);
                let r = self.peek();
                match r {
                    ']' | EOF => self.errorf(
                        "unexpected end of table name (table names cannot be empty)".into(),
                    ),
                    '.' => self
                        .errorf("unexpected table separator (table names cannot be empty)".into()),
                    '"' | '\'' => {
                        self.ignore();
                        self.push(State::TableNameEnd);
                        Some(State::QuotedName)
                    }
                    _ => {
                        self.push(State::TableNameEnd);
                        Some(State::BareName)
                    }
                }
            }
            State::TableNameEnd => {
                self.skip(is_whitespace);
                let r = self.next();
                match r {
                    '.' => {
                        self.ignore();
                        Some(State::TableNameStart)
                    }
                    ']' => self.pop(),
                    _ => self.errorf(format!(
                        "expected '.' or ']' to end table name, but got {} instead",
                        quote_rune(r)
                    )),
                }
            }
            State::BareName => {
                let r = self.next();
                if is_bare_key_char(r) {
                    return Some(State::BareName);
                }
                self.backup();
                self.emit(ItemType::Text);
                self.pop()
            }
            State::QuotedName => {
                let r = self.next();
                match r {
                    '"' => {
                        self.ignore();
                        Some(State::Str)
                    }
                    '\'' => {
                        self.ignore();
                        Some(State::RawString)
                    }
                    r if is_whitespace(r) => self.skip_to(State::Value),
                    EOF => self.errorf("unexpected EOF; expected value".into()),
                    r => self.errorf(format!(
                        "expected value but found {} instead",
                        quote_rune(r)
                    )),
                }
            }
            State::KeyStart => {
                self.skip(is_whitespace);
                let r = self.peek();
                match r {
                    '=' | EOF => self.errorf("unexpected '=': key name appears blank".into()),
                    '.' => self.errorf("unexpected '.': keys cannot start with a '.'".into()),
                    '"' | '\'' => {
                        self.ignore();
                        self.emit(ItemType::KeyStart);
                        Some(State::KeyNameStart)
                    }
                    _ => {
                        self.emit(ItemType::KeyStart);
                        Some(State::KeyNameStart)
                    }
                }
            }
            State::KeyNameStart => {
                self.skip(is_whitespace);
                let r = self.peek();
                match r {
                    '"' | '\'' => {
                        self.ignore();
                        self.push(State::KeyEnd);
                        Some(State::QuotedName)
                    }
                    '=' | EOF => self.errorf("unexpected '='".into()),
                    '.' => self.errorf("unexpected '.'".into()),
                    _ => {
                        self.push(State::KeyEnd);
                        Some(State::BareName)
                    }
                }
            }
            State::KeyEnd => {
                self.skip(is_whitespace);
                let r = self.next();
                match r {
                    r if is_whitespace(r) => self.skip_to(State::KeyEnd),
                    EOF => self.errorf("unexpected EOF; expected key separator '='".into()),
                    '.' => {
                        self.ignore();
                        Some(State::KeyNameStart)
                    }
                    '=' => {
                        self.emit(ItemType::KeyEnd);
                        self.skip_to(State::Value)
                    }
                    '\n' => self.error_prev_line(format!(
                        "expected '.' or '=', but got {} instead",
                        quote_rune(r)
                    )),
                    r => self.errorf(format!(
                        "expected '.' or '=', but got {} instead",
                        quote_rune(r)
                    )),
                }
            }
            State::Value => self.lex_value(),
            State::ArrayValue => {
                let r = self.next();
                if is_whitespace(r) || is_nl(r) {
                    return self.skip_to(State::ArrayValue);
                }
                match r {
                    '#' => {
                        self.push(State::ArrayValue);
                        return Some(State::CommentStart);
                    }
                    ',' => return self.errorf("unexpected comma".into()),
                    ']' => return Some(State::ArrayEnd),
                    _ => {}
                }
                self.backup();
                self.push(State::ArrayValueEnd);
                Some(State::Value)
            }
            State::ArrayValueEnd => {
                let r = self.next();
                if is_whitespace(r) || is_nl(r) {
                    return self.skip_to(State::ArrayValueEnd);
                }
                match r {
                    '#' => {
                        self.push(State::ArrayValueEnd);
                        Some(State::CommentStart)
                    }
                    ',' => {
                        self.ignore();
                        Some(State::ArrayValue)
                    }
                    ']' => Some(State::ArrayEnd),
                    r => self.errorf(format!(
                        "expected a comma (',') or array terminator (']'), but got {}",
                        rune_or_eof(r)
                    )),
                }
            }
            State::ArrayEnd => {
                self.ignore();
                self.emit(ItemType::ArrayEnd);
                self.pop()
            }
            State::InlineTableValue => {
                let r = self.next();
                if is_whitespace(r) || is_nl(r) {
                    return self.skip_to(State::InlineTableValue);
                }
                match r {
                    '#' => {
                        self.push(State::InlineTableValue);
                        return Some(State::CommentStart);
                    }
                    ',' => return self.errorf("unexpected comma".into()),
                    '}' => return Some(State::InlineTableEnd),
                    _ => {}
                }
                self.backup();
                self.push(State::InlineTableValueEnd);
                Some(State::KeyStart)
            }
            State::InlineTableValueEnd => {
                let r = self.next();
                if is_whitespace(r) || is_nl(r) {
                    return self.skip_to(State::InlineTableValueEnd);
                }
                match r {
                    '#' => {
                        self.push(State::InlineTableValueEnd);
                        Some(State::CommentStart)
                    }
                    ',' => {
                        self.ignore();
                        self.skip(is_whitespace);
                        if self.peek() == '}' {
                            return Some(State::InlineTableValueEnd);
                        }
                        Some(State::InlineTableValue)
                    }
                    '}' => Some(State::InlineTableEnd),
                    r => self.errorf(format!(
                        "expected a comma or an inline table terminator '}}', but got {} instead",
                        rune_or_eof(r)
                    )),
                }
            }
            State::InlineTableEnd => {
                self.ignore();
                self.emit(ItemType::InlineTableEnd);
                self.pop()
            }
            State::Str => {
                let r = self.next();
                match r {
                    EOF => self.errorf("unexpected EOF; expected '\"'".into()),
                    r if is_nl(r) => self.error_prev_line("strings cannot contain newlines".into()),
                    '\\' => {
                        self.push(State::Str);
                        Some(State::StringEscape)
                    }
                    '"' => {
                        self.backup();
                        if self.esc {
                            self.esc = false;
                            self.emit(ItemType::StringEsc);
                        } else {
                            self.emit(ItemType::String);
                        }
                        self.next();
                        self.ignore();
                        self.pop()
                    }
                    _ => Some(State::Str),
                }
            }
            State::MultilineString => {
                let r = self.next();
                match r {
                    EOF => self.errorf("unexpected EOF; expected '\"\"\"'".into()),
                    '\\' => Some(State::MultilineStringEscape),
                    '"' => {
                        if self.accept('"') {
                            if self.accept('"') {
                                if self.peek() == '"' {
                                    let cur = self.current();
                                    if cur.ends_with("\"\"\"\"\"") && !cur.ends_with("\\\"\"\"\"\"")
                                    {
                                        return self.errorf("unexpected '\"\"\"\"\"\"'".into());
                                    }
                                    self.backup();
                                    self.backup();
                                    return Some(State::MultilineString);
                                }
                                self.backup();
                                self.backup();
                                self.backup();
                                self.esc = false;
                                self.emit(ItemType::MultilineString);
                                self.next();
                                self.next();
                                self.next();
                                self.ignore();
                                return self.pop();
                            }
                            self.backup();
                        }
                        Some(State::MultilineString)
                    }
                    _ => Some(State::MultilineString),
                }
            }
            State::RawString => {
                let r = self.next();
                match r {
                    EOF => self.errorf("unexpected EOF; expected \"'\"".into()),
                    r if is_nl(r) => self.error_prev_line("strings cannot contain newlines".into()),
                    '\'' => {
                        self.backup();
                        self.emit(ItemType::RawString);
                        self.next();
                        self.ignore();
                        self.pop()
                    }
                    _ => Some(State::RawString),
                }
            }
            State::MultilineRawString => {
                let r = self.next();
                match r {
                    EOF => self.errorf("unexpected EOF; expected \"'''\"".into()),
                    '\'' => {
                        if self.accept('\'') {
                            if self.accept('\'') {
                                if self.peek() == '\'' {
                                    if self.current().ends_with("'''''") {
                                        return self.errorf("unexpected \"''''''\"".into());
                                    }
                                    self.backup();
                                    self.backup();
                                    return Some(State::MultilineRawString);
                                }
                                self.backup();
                                self.backup();
                                self.backup();
                                self.emit(ItemType::RawMultilineString);
                                self.next();
                                self.next();
                                self.next();
                                self.ignore();
                                return self.pop();
                            }
                            self.backup();
                        }
                        Some(State::MultilineRawString)
                    }
                    _ => Some(State::MultilineRawString),
                }
            }
            State::MultilineStringEscape => {
                if is_nl(self.next()) {
                    return Some(State::MultilineString);
                }
                self.backup();
                self.push(State::MultilineString);
                self.run(State::StringEscape)
            }
            State::StringEscape => {
                self.esc = true;
                let r = self.next();
                match r {
                    'e' | 'b' | 't' | 'n' | 'f' | 'r' | '"' | ' ' | '\t' | '\\' => self.pop(),
                    'x' => Some(State::HexEscape),
                    'u' => Some(State::ShortUnicodeEscape),
                    'U' => Some(State::LongUnicodeEscape),
                    r => self.error(format!("invalid escape in string '\\{r}'")),
                }
            }
            State::HexEscape => self.hex_escape(
                2,
                "expected two hexadecimal digits after '\\x', but got {} instead",
            ),
            State::ShortUnicodeEscape => self.hex_escape(
                4,
                "expected four hexadecimal digits after '\\u', but got {} instead",
            ),
            State::LongUnicodeEscape => self.hex_escape(
                8,
                "expected eight hexadecimal digits after '\\U', but got {} instead",
            ),
            State::NumberOrDateStart => {
                if self.next() == '0' {
                    return Some(State::BaseNumberOrDate);
                }
                Some(State::NumberOrDate)
            }
            State::NumberOrDate => {
                let r = self.next();
                if is_digit(r) {
                    return Some(State::NumberOrDate);
                }
                match r {
                    '-' | ':' => Some(State::Datetime),
                    '_' => Some(State::DecimalNumber),
                    '.' | 'e' | 'E' => Some(State::Float),
                    _ => {
                        self.backup();
                        self.emit(ItemType::Integer);
                        self.pop()
                    }
                }
            }
            State::Datetime => {
                let r = self.next();
                if is_digit(r) || matches!(r, '-' | ':' | 'T' | 't' | ' ' | '.' | 'Z' | 'z' | '+') {
                    return Some(State::Datetime);
                }
                self.backup();
                self.emit_trim(ItemType::Datetime);
                self.pop()
            }
            State::HexInteger => self.int_digits(is_hex, State::HexInteger),
            State::OctalInteger => self.int_digits(is_octal, State::OctalInteger),
            State::BinaryInteger => self.int_digits(is_binary, State::BinaryInteger),
            State::DecimalNumber => {
                let r = self.next();
                if is_digit(r) {
                    return Some(State::DecimalNumber);
                }
                match r {
                    '.' | 'e' | 'E' => Some(State::Float),
                    '_' => Some(State::DecimalNumber),
                    _ => {
                        self.backup();
                        self.emit(ItemType::Integer);
                        self.pop()
                    }
                }
            }
            State::DecimalNumberStart => {
                let r = self.next();
                match r {
                    'i' => {
                        if !self.accept('n') || !self.accept('f') {
                            let cur = self.current().to_string();
                            return self.errorf(format!("invalid float: '{cur}'"));
                        }
                        self.emit(ItemType::Float);
                        return self.pop();
                    }
                    'n' => {
                        if !self.accept('a') || !self.accept('n') {
                            let cur = self.current().to_string();
                            return self.errorf(format!("invalid float: '{cur}'"));
                        }
                        self.emit(ItemType::Float);
                        return self.pop();
                    }
                    '0' => {
                        let p = self.peek();
                        if matches!(p, 'b' | 'o' | 'x') {
                            let cur = self.current().to_string();
                            return self.errorf(format!(
                                "cannot use sign with non-decimal numbers: '{cur}{p}'"
                            ));
                        }
                    }
                    '.' => return self.errorf("floats must start with a digit, not '.'".into()),
                    _ => {}
                }
                if is_digit(r) {
                    return Some(State::DecimalNumber);
                }
                self.errorf(format!("expected a digit but got {}", quote_rune(r)))
            }
            State::BaseNumberOrDate => {
                let r = self.next();
                if is_digit(r) {
                    return Some(State::NumberOrDate);
                }
                match r {
                    '_' => Some(State::DecimalNumber),
                    '.' | 'e' | 'E' => Some(State::Float),
                    'b' => {
                        let p = self.peek();
                        if !is_binary(p) {
                            let cur = self.current().to_string();
                            self.errorf(format!("not a binary number: '{cur}{p}'"));
                        }
                        Some(State::BinaryInteger)
                    }
                    'o' => {
                        let p = self.peek();
                        if !is_octal(p) {
                            let cur = self.current().to_string();
                            self.errorf(format!("not an octal number: '{cur}{p}'"));
                        }
                        Some(State::OctalInteger)
                    }
                    'x' => {
                        let p = self.peek();
                        if !is_hex(p) {
                            let cur = self.current().to_string();
                            self.errorf(format!("not a hexadecimal number: '{cur}{p}'"));
                        }
                        Some(State::HexInteger)
                    }
                    _ => {
                        self.backup();
                        self.emit(ItemType::Integer);
                        self.pop()
                    }
                }
            }
            State::Float => {
                let r = self.next();
                if is_digit(r) || matches!(r, '_' | '.' | '-' | '+' | 'e' | 'E') {
                    return Some(State::Float);
                }
                self.backup();
                self.emit(ItemType::Float);
                self.pop()
            }
            State::Bool => {
                let mut rs = String::new();
                loop {
                    let r = self.next();
                    if !(r.is_alphabetic() && r != EOF) {
                        self.backup();
                        break;
                    }
                    rs.push(r);
                }
                if rs == "true" || rs == "false" {
                    self.emit(ItemType::Bool);
                    return self.pop();
                }
                self.errorf(format!(
                    "expected value but found {} instead",
                    quote_str(&rs)
                ))
            }
            State::CommentStart => {
                self.ignore();
                self.emit(ItemType::CommentStart);
                Some(State::Comment)
            }
            State::Comment => {
                let r = self.next();
                if is_nl(r) || r == EOF {
                    self.backup();
                    self.emit(ItemType::Text);
                    return self.pop();
                }
                Some(State::Comment)
            }
        }
    }

    fn hex_escape(&mut self, n: usize, fmt: &str) -> Option<State> {
        for _ in 0..n {
            let r = self.next();
            if !is_hex(r) {
                let cur = quote_str(self.current());
                return self.errorf(fmt.replace("{}", &cur));
            }
        }
        self.pop()
    }

    fn int_digits(&mut self, ok: fn(char) -> bool, again: State) -> Option<State> {
        let r = self.next();
        if ok(r) || r == '_' {
            return Some(again);
        }
        self.backup();
        self.emit(ItemType::Integer);
        self.pop()
    }

    fn lex_value(&mut self) -> Option<State> {
        let r = self.next();
        if is_whitespace(r) {
            return self.skip_to(State::Value);
        }
        if is_digit(r) {
            self.backup();
            return Some(State::NumberOrDateStart);
        }
        match r {
            '[' => {
                self.ignore();
                self.emit(ItemType::Array);
                return Some(State::ArrayValue);
            }
            '{' => {
                self.ignore();
                self.emit(ItemType::InlineTableStart);
                return Some(State::InlineTableValue);
            }
            '"' => {
                if self.accept('"') {
                    if self.accept('"') {
                        self.ignore();
                        return Some(State::MultilineString);
                    }
                    self.backup();
                }
                self.ignore();
                return Some(State::Str);
            }
            '\'' => {
                if self.accept('\'') {
                    if self.accept('\'') {
                        self.ignore();
                        return Some(State::MultilineRawString);
                    }
                    self.backup();
                }
                self.ignore();
                return Some(State::RawString);
            }
            '.' => return self.errorf("floats must start with a digit, not '.'".into()),
            'i' | 'n'
                if (self.accept('n') && self.accept('f'))
                    || (self.accept('a') && self.accept('n')) =>
            {
                self.emit(ItemType::Float);
                return self.pop();
            }
            '-' | '+' => return Some(State::DecimalNumberStart),
            _ => {}
        }
        if r.is_alphabetic() && r != EOF {
            self.backup();
            return Some(State::Bool);
        }
        if r == EOF {
            return self.errorf("unexpected EOF; expected value".into());
        }
        if r == '\n' {
            return self.error_prev_line(format!(
                "expected value but found {} instead",
                quote_rune(r)
            ));
        }
        self.errorf(format!(
            "expected value but found {} instead",
            quote_rune(r)
        ))
    }
}
