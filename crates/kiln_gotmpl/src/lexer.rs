//! The lexer: template text → tokens, following Go's `text/template/parse/lex.go`
//! (Go 1.22+: trim markers `{{- ` / ` -}}`, comments, `break`/`continue`, `=` and `:=`,
//! newlines inside actions, every Go number literal form).
//!
//! Lexing stops at the first error, which becomes the last token (`Tok::Error`); the
//! parser reports it when it reaches it, so the error Go would report first still wins.

/// Token kinds (Go's `itemType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok {
    /// A lexing error; the token text is the message.
    Error,
    Bool,
    /// A printable ASCII character inside an action (`,`, `#`, ...).
    Char,
    CharConstant,
    Complex,
    /// `=`
    Assign,
    /// `:=`
    Declare,
    Eof,
    /// `.Name`
    Field,
    /// A function name.
    Identifier,
    LeftDelim,
    LeftParen,
    Number,
    Pipe,
    RawString,
    RightDelim,
    RightParen,
    Space,
    String,
    Text,
    /// `$` or `$name`
    Variable,
    // Keywords.
    Block,
    Break,
    Continue,
    Dot,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
}

impl Tok {
    fn is_keyword(self) -> bool {
        matches!(
            self,
            Tok::Block
                | Tok::Break
                | Tok::Continue
                | Tok::Dot
                | Tok::Define
                | Tok::Else
                | Tok::End
                | Tok::If
                | Tok::Nil
                | Tok::Range
                | Tok::Template
                | Tok::With
        )
    }
}

/// A token: kind, byte range in the source, and (for errors) the message.
#[derive(Clone, Debug)]
pub struct Token {
    pub kind: Tok,
    /// Byte offset of the token's start in the source.
    pub pos: usize,
    /// The token's text (a slice of the source, or the message for `Tok::Error`).
    pub val: std::borrow::Cow<'static, str>,
}

impl Token {
    /// Go's `item.String()`, used in "unexpected X in Y" messages.
    pub fn describe(&self) -> String {
        match self.kind {
            Tok::Eof => "EOF".to_string(),
            Tok::Error => self.val.to_string(),
            k if k.is_keyword() => format!("<{}>", self.val),
            _ => {
                if self.val.chars().count() > 10 {
                    let short: String = self.val.chars().take(10).collect();
                    // Go's %.10q quotes the first 10 runes.
                    format!("{}...", go_quote(&short))
                } else {
                    go_quote(&self.val)
                }
            }
        }
    }
}

/// Go's `strconv.Quote` for the ASCII-printable subset plus escapes; enough for token
/// descriptions in error messages.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\x0b' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

const LEFT_DELIM: &str = "{{";
const RIGHT_DELIM: &str = "}}";
const LEFT_COMMENT: &str = "/*";
const RIGHT_COMMENT: &str = "*/";

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphabetic() || is_go_digit(c)
}

/// Go's `unicode.IsDigit`: decimal digits of any script (Nd).
fn is_go_digit(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_digit()
    } else {
        c.is_numeric() && c.to_digit(10).is_none() && is_unicode_nd(c)
    }
}

/// Approximation of Unicode category Nd for non-ASCII characters: characters Rust
/// considers numeric whose general category is decimal digit. `char::is_numeric` also
/// covers No/Nl (e.g. '½'), which Go's `IsDigit` rejects; the ranges below are the Nd
/// blocks that matter in practice.
fn is_unicode_nd(c: char) -> bool {
    const ND_STARTS: &[u32] = &[
        0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6,
        0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0,
        0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0,
        0xAA50, 0xABF0, 0xFF10,
    ];
    let u = c as u32;
    ND_STARTS.iter().any(|&s| u >= s && u < s + 10)
}

fn has_left_trim_marker(s: &[u8]) -> bool {
    s.len() >= 2 && s[0] == b'-' && is_space(s[1])
}

fn has_right_trim_marker(s: &[u8]) -> bool {
    s.len() >= 2 && is_space(s[0]) && s[1] == b'-'
}

/// Options that change what the lexer emits.
#[derive(Clone, Copy, Debug)]
pub struct LexOptions {
    /// `break` is a keyword (false when a function named `break` exists).
    pub break_ok: bool,
    /// `continue` is a keyword (false when a function named `continue` exists).
    pub continue_ok: bool,
}

/// Lexes `input` completely. The result always ends with `Tok::Eof` or `Tok::Error`.
pub fn lex(input: &str, opts: LexOptions) -> Vec<Token> {
    let mut l = Lexer {
        input,
        bytes: input.as_bytes(),
        pos: 0,
        start: 0,
        paren_depth: 0,
        opts,
        out: Vec::new(),
    };
    l.run();
    l.out
}

struct Lexer<'a> {
    input: &'a str,
    bytes: &'a [u8],
    pos: usize,
    start: usize,
    paren_depth: i32,
    opts: LexOptions,
    out: Vec<Token>,
}

enum State {
    Text,
    InsideAction,
    Done,
}

impl<'a> Lexer<'a> {
    fn run(&mut self) {
        let mut state = State::Text;
        loop {
            state = match state {
                State::Text => self.lex_text(),
                State::InsideAction => self.lex_inside_action(),
                State::Done => return,
            };
        }
    }

    fn emit(&mut self, kind: Tok) {
        let val = self.input[self.start..self.pos].to_string();
        self.out.push(Token {
            kind,
            pos: self.start,
            val: val.into(),
        });
        self.start = self.pos;
    }

    fn error(&mut self, msg: String) -> State {
        self.out.push(Token {
            kind: Tok::Error,
            pos: self.start,
            val: msg.into(),
        });
        State::Done
    }

    fn peek_char(&self) -> Option<char> {
        self.input[self.pos..].chars().next()
    }

    fn next_char(&mut self) -> Option<char> {
        let c = self.peek_char()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn accept(&mut self, valid: &str) -> bool {
        match self.peek_char() {
            Some(c) if valid.contains(c) => {
                self.pos += c.len_utf8();
                true
            }
            _ => false,
        }
    }

    fn accept_run(&mut self, valid: &str) {
        while self.accept(valid) {}
    }

    fn rest(&self) -> &'a [u8] {
        &self.bytes[self.pos..]
    }

    fn lex_text(&mut self) -> State {
        if let Some(x) = self.input[self.pos..].find(LEFT_DELIM) {
            if x > 0 {
                self.pos += x;
                let delim_end = self.pos + LEFT_DELIM.len();
                let mut trim = 0;
                if has_left_trim_marker(&self.bytes[delim_end..]) {
                    let text = &self.input[self.start..self.pos];
                    trim = text.len() - text.trim_end_matches([' ', '\t', '\r', '\n']).len();
                }
                self.pos -= trim;
                if self.pos > self.start {
                    self.emit(Tok::Text);
                }
                self.pos += trim;
                self.start = self.pos;
            }
            return self.lex_left_delim();
        }
        self.pos = self.input.len();
        if self.pos > self.start {
            self.emit(Tok::Text);
        }
        self.emit(Tok::Eof);
        State::Done
    }

    fn lex_left_delim(&mut self) -> State {
        self.pos += LEFT_DELIM.len();
        let trim = has_left_trim_marker(self.rest());
        let after_marker = if trim { 2 } else { 0 };
        if self.input[self.pos + after_marker..].starts_with(LEFT_COMMENT) {
            self.pos += after_marker;
            self.start = self.pos;
            return self.lex_comment();
        }
        self.emit(Tok::LeftDelim);
        self.pos += after_marker;
        self.start = self.pos;
        self.paren_depth = 0;
        State::InsideAction
    }

    fn lex_comment(&mut self) -> State {
        self.pos += LEFT_COMMENT.len();
        let Some(x) = self.input[self.pos..].find(RIGHT_COMMENT) else {
            return self.error("unclosed comment".into());
        };
        self.pos += x + RIGHT_COMMENT.len();
        let (delim, trim) = self.at_right_delim();
        if !delim {
            return self.error("comment ends before closing delimiter".into());
        }
        if trim {
            self.pos += 2;
        }
        self.pos += RIGHT_DELIM.len();
        if trim {
            self.pos += self.left_trim_len();
        }
        self.start = self.pos;
        State::Text
    }

    fn left_trim_len(&self) -> usize {
        let s = &self.input[self.pos..];
        s.len() - s.trim_start_matches([' ', '\t', '\r', '\n']).len()
    }

    fn at_right_delim(&self) -> (bool, bool) {
        let r = self.rest();
        if has_right_trim_marker(r) && self.input[self.pos + 2..].starts_with(RIGHT_DELIM) {
            return (true, true);
        }
        if self.input[self.pos..].starts_with(RIGHT_DELIM) {
            return (true, false);
        }
        (false, false)
    }

    fn lex_right_delim(&mut self) -> State {
        let (_, trim) = self.at_right_delim();
        if trim {
            self.pos += 2;
            self.start = self.pos;
        }
        self.pos += RIGHT_DELIM.len();
        self.emit(Tok::RightDelim);
        if trim {
            self.pos += self.left_trim_len();
            self.start = self.pos;
        }
        State::Text
    }

    fn lex_inside_action(&mut self) -> State {
        let (delim, _) = self.at_right_delim();
        if delim {
            if self.paren_depth == 0 {
                return self.lex_right_delim();
            }
            return self.error("unclosed left paren".into());
        }
        let Some(r) = self.next_char() else {
            return self.error("unclosed action".into());
        };
        match r {
            ' ' | '\t' | '\r' | '\n' => {
                self.pos -= 1;
                return self.lex_space();
            }
            '=' => self.emit(Tok::Assign),
            ':' => {
                if self.next_char() != Some('=') {
                    return self.error("expected :=".into());
                }
                self.emit(Tok::Declare);
            }
            '|' => self.emit(Tok::Pipe),
            '"' => return self.lex_quote(),
            '`' => return self.lex_raw_quote(),
            '$' => return self.lex_variable(),
            '\'' => return self.lex_char(),
            '.' => {
                // ".field" vs ".5"
                match self.bytes.get(self.pos) {
                    Some(b) if !b.is_ascii_digit() => {
                        return self.lex_field_or_variable(Tok::Field)
                    }
                    _ => {
                        self.pos -= 1;
                        return self.lex_number();
                    }
                }
            }
            '+' | '-' | '0'..='9' => {
                self.pos -= 1;
                return self.lex_number();
            }
            c if is_alnum(c) => {
                self.pos -= c.len_utf8();
                return self.lex_identifier();
            }
            '(' => {
                self.paren_depth += 1;
                self.emit(Tok::LeftParen);
            }
            ')' => {
                self.paren_depth -= 1;
                if self.paren_depth < 0 {
                    return self.error("unexpected right paren".into());
                }
                self.emit(Tok::RightParen);
            }
            c if c.is_ascii() && !c.is_ascii_control() => self.emit(Tok::Char),
            c => {
                return self.error(format!(
                    "unrecognized character in action: {}",
                    go_unicode_repr(c)
                ))
            }
        }
        State::InsideAction
    }

    fn lex_space(&mut self) -> State {
        let mut num_spaces = 0;
        while let Some(&b) = self.bytes.get(self.pos) {
            if !is_space(b) {
                break;
            }
            self.pos += 1;
            num_spaces += 1;
        }
        // A trim-marked right delimiter starts with a space: leave it for lex_right_delim.
        let back = &self.bytes[self.pos - 1..];
        if has_right_trim_marker(back) && self.input[self.pos - 1 + 2..].starts_with(RIGHT_DELIM) {
            self.pos -= 1;
            if num_spaces == 1 {
                return self.lex_right_delim();
            }
        }
        self.emit(Tok::Space);
        State::InsideAction
    }

    fn lex_identifier(&mut self) -> State {
        while let Some(c) = self.peek_char() {
            if !is_alnum(c) {
                break;
            }
            self.pos += c.len_utf8();
        }
        if !self.at_terminator() {
            let c = self.next_char();
            return self.error(format!(
                "bad character {}",
                c.map(go_unicode_repr)
                    .unwrap_or_else(|| "U+FFFFFFFF".into())
            ));
        }
        let word = &self.input[self.start..self.pos];
        let kind = match word {
            "block" => Tok::Block,
            "break" if self.opts.break_ok => Tok::Break,
            "continue" if self.opts.continue_ok => Tok::Continue,
            "define" => Tok::Define,
            "else" => Tok::Else,
            "end" => Tok::End,
            "if" => Tok::If,
            "range" => Tok::Range,
            "nil" => Tok::Nil,
            "template" => Tok::Template,
            "with" => Tok::With,
            "true" | "false" => Tok::Bool,
            _ => Tok::Identifier,
        };
        self.emit(kind);
        State::InsideAction
    }

    fn lex_variable(&mut self) -> State {
        if self.at_terminator() {
            self.emit(Tok::Variable);
            return State::InsideAction;
        }
        self.lex_field_or_variable(Tok::Variable)
    }

    fn lex_field_or_variable(&mut self, kind: Tok) -> State {
        if self.at_terminator() {
            self.emit(if kind == Tok::Variable {
                Tok::Variable
            } else {
                Tok::Dot
            });
            return State::InsideAction;
        }
        let last;
        loop {
            match self.peek_char() {
                Some(c) if is_alnum(c) => {
                    self.pos += c.len_utf8();
                }
                c => {
                    last = c;
                    break;
                }
            }
        }
        if !self.at_terminator() {
            self.next_char();
            return self.error(format!(
                "bad character {}",
                last.map(go_unicode_repr)
                    .unwrap_or_else(|| "U+FFFFFFFF".into())
            ));
        }
        self.emit(kind);
        State::InsideAction
    }

    fn at_terminator(&self) -> bool {
        match self.peek_char() {
            None => true,
            Some(c) => {
                matches!(
                    c,
                    ' ' | '\t' | '\r' | '\n' | '.' | ',' | '|' | ':' | ')' | '('
                ) || self.input[self.pos..].starts_with(RIGHT_DELIM)
            }
        }
    }

    fn lex_char(&mut self) -> State {
        loop {
            match self.next_char() {
                Some('\\') => match self.next_char() {
                    Some('\n') | None => {
                        return self.error("unterminated character constant".into())
                    }
                    _ => {}
                },
                Some('\n') | None => return self.error("unterminated character constant".into()),
                Some('\'') => break,
                _ => {}
            }
        }
        self.emit(Tok::CharConstant);
        State::InsideAction
    }

    fn lex_number(&mut self) -> State {
        if !self.scan_number() {
            let text = self.input[self.start..self.pos].to_string();
            return self.error(format!("bad number syntax: {}", go_quote(&text)));
        }
        match self.peek_char() {
            Some('+') | Some('-') => {
                // Complex: 1+2i. No spaces, must end in 'i'.
                if !self.scan_number() || !self.input[..self.pos].ends_with('i') {
                    let text = self.input[self.start..self.pos].to_string();
                    return self.error(format!("bad number syntax: {}", go_quote(&text)));
                }
                self.emit(Tok::Complex);
            }
            _ => self.emit(Tok::Number),
        }
        State::InsideAction
    }

    fn scan_number(&mut self) -> bool {
        self.accept("+-");
        let mut digits = "0123456789_";
        if self.accept("0") {
            if self.accept("xX") {
                digits = "0123456789abcdefABCDEF_";
            } else if self.accept("oO") {
                digits = "01234567_";
            } else if self.accept("bB") {
                digits = "01_";
            }
        }
        self.accept_run(digits);
        if self.accept(".") {
            self.accept_run(digits);
        }
        if digits.len() == 11 && self.accept("eE") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        if digits.len() == 23 && self.accept("pP") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        self.accept("i");
        if let Some(c) = self.peek_char() {
            if is_alnum(c) {
                self.next_char();
                return false;
            }
        }
        true
    }

    fn lex_quote(&mut self) -> State {
        loop {
            match self.next_char() {
                Some('\\') => match self.next_char() {
                    Some('\n') | None => return self.error("unterminated quoted string".into()),
                    _ => {}
                },
                Some('\n') | None => return self.error("unterminated quoted string".into()),
                Some('"') => break,
                _ => {}
            }
        }
        self.emit(Tok::String);
        State::InsideAction
    }

    fn lex_raw_quote(&mut self) -> State {
        match self.input[self.pos..].find('`') {
            Some(i) => {
                self.pos += i + 1;
                self.emit(Tok::RawString);
                State::InsideAction
            }
            None => self.error("unterminated raw quoted string".into()),
        }
    }
}

/// Go's `%#U` of a rune: `U+0023 '#'`.
pub(crate) fn go_unicode_repr(c: char) -> String {
    if c.is_control() {
        format!("U+{:04X}", c as u32)
    } else {
        format!("U+{:04X} '{}'", c as u32, c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<(Tok, String)> {
        lex(
            s,
            LexOptions {
                break_ok: true,
                continue_ok: true,
            },
        )
        .into_iter()
        .map(|t| (t.kind, t.val.to_string()))
        .collect()
    }

    #[test]
    fn trims_and_comments() {
        let t = kinds("a  {{- 1 }}  b");
        assert_eq!(t[0], (Tok::Text, "a".into()));
        let t = kinds("a {{/* c */ -}}\n\n b");
        assert_eq!(t[0], (Tok::Text, "a ".into()));
        assert_eq!(t[1], (Tok::Text, "b".into()));
    }

    #[test]
    fn numbers_and_fields() {
        let t = kinds("{{ .Values.x 0x1F -3 1.5e3 'a' 1+2i }}");
        let k: Vec<Tok> = t.iter().map(|x| x.0).filter(|k| *k != Tok::Space).collect();
        assert_eq!(
            k,
            vec![
                Tok::LeftDelim,
                Tok::Field,
                Tok::Field,
                Tok::Number,
                Tok::Number,
                Tok::Number,
                Tok::CharConstant,
                Tok::Complex,
                Tok::RightDelim,
                Tok::Eof
            ]
        );
    }

    #[test]
    fn errors() {
        let t = kinds("{{ 1 ");
        assert_eq!(t.last().unwrap(), &(Tok::Error, "unclosed action".into()));
        let t = kinds("{{ (1 }}");
        assert_eq!(
            t.last().unwrap(),
            &(Tok::Error, "unclosed left paren".into())
        );
    }
}
