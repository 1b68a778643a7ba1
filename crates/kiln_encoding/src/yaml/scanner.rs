//! The YAML scanner (characters → tokens), reimplementing libyaml's scanner as goyaml.v2
//! (`go.yaml.in/yaml/v2` v2.4.3, `scannerc.go` + `readerc.go`) has it, quirks included:
//! the 1024-character simple-key limit, the tab rules, the limits of 10000 flow levels
//! and indentation levels, the token queue with its simple-key bookkeeping, and the marks
//! (0-based line and column, counted in characters) that error messages print.
//!
//! Input is UTF-8 text. libyaml's reader decodes its input in 512-byte chunks and fails
//! on the first chunk holding a character YAML forbids (control characters); the scanner
//! reproduces that timing with a read limit: see [`Scanner::new`].

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};

/// A hasher for token numbers (small integers): no need for SipHash.
#[derive(Default)]
struct TokenHasher(u64);

impl Hasher for TokenHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ b as u64;
        }
    }
    fn write_usize(&mut self, i: usize) {
        self.0 = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type TokenMap = HashMap<usize, usize, BuildHasherDefault<TokenHasher>>;

/// A position in the input: character index, 0-based line and column (in characters),
/// byte offset.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Mark {
    pub index: usize,
    pub line: usize,
    pub column: usize,
    pub offset: usize,
}

/// Scalar styles (`yaml_scalar_style_t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// Token kinds (`yaml_token_type_t`) with their data.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum TokenKind {
    StreamStart,
    StreamEnd,
    VersionDirective(i8, i8),
    TagDirective(Vec<u8>, Vec<u8>),
    DocumentStart,
    DocumentEnd,
    BlockSequenceStart,
    BlockMappingStart,
    BlockEnd,
    FlowSequenceStart,
    FlowSequenceEnd,
    FlowMappingStart,
    FlowMappingEnd,
    BlockEntry,
    FlowEntry,
    Key,
    Value,
    Alias(Vec<u8>),
    Anchor(Vec<u8>),
    /// Handle and suffix.
    Tag(Vec<u8>, Vec<u8>),
    Scalar(Vec<u8>, ScalarStyle),
}

#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub kind: TokenKind,
    pub start: Mark,
    pub end: Mark,
}

/// Which stage of libyaml reported an error; goyaml formats the line differently for
/// scanner errors (1-based) and parser errors (0-based, a known goyaml quirk).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ErrorStage {
    Reader,
    Scanner,
    Parser,
}

/// An error of the reader, scanner or parser (libyaml's `problem` and marks).
#[derive(Clone, Debug)]
pub(crate) struct LibError {
    pub stage: ErrorStage,
    pub problem: String,
    pub problem_mark: Mark,
    pub context_mark: Mark,
}

impl LibError {
    /// The message goyaml.v2's `parser.fail` builds: `line N: problem`, where N is the
    /// problem mark's line (+1 for scanner errors only), else the context mark's line,
    /// else no line at all.
    pub fn go_message(&self) -> String {
        let mut line = 0;
        if self.problem_mark.line != 0 {
            line = self.problem_mark.line;
            if self.stage == ErrorStage::Scanner {
                line += 1;
            }
        } else if self.context_mark.line != 0 {
            line = self.context_mark.line;
        }
        let msg = if self.problem.is_empty() {
            "unknown problem parsing YAML content"
        } else {
            &self.problem
        };
        if line != 0 {
            format!("line {line}: {msg}")
        } else {
            msg.to_string()
        }
    }
}

#[derive(Clone, Copy, Debug, Default)]
struct SimpleKey {
    possible: bool,
    required: bool,
    token_number: usize,
    mark: Mark,
}

const MAX_FLOW_LEVEL: usize = 10000;
const MAX_INDENTS: usize = 10000;

type SResult<T = ()> = Result<T, ()>;

/// UTF-8 width from a leading byte (0 for an invalid lead).
#[inline]
pub(crate) fn width(b: u8) -> usize {
    if b & 0x80 == 0 {
        1
    } else if b & 0xE0 == 0xC0 {
        2
    } else if b & 0xF0 == 0xE0 {
        3
    } else if b & 0xF8 == 0xF0 {
        4
    } else {
        0
    }
}

#[inline]
fn is_alpha_b(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

#[inline]
fn is_hex_b(b: u8) -> bool {
    b.is_ascii_hexdigit()
}

#[inline]
fn as_hex(b: u8) -> u32 {
    match b {
        b'A'..=b'F' => (b - b'A' + 10) as u32,
        b'a'..=b'f' => (b - b'a' + 10) as u32,
        _ => b.wrapping_sub(b'0') as u32,
    }
}

/// Whether a character is allowed by libyaml's reader (`yaml_parser_update_buffer`).
pub(crate) fn reader_allows(c: char) -> bool {
    let v = c as u32;
    v == 0x09
        || v == 0x0A
        || v == 0x0D
        || (0x20..=0x7E).contains(&v)
        || v == 0x85
        || (0xA0..=0xD7FF).contains(&v)
        || (0xE000..=0xFFFD).contains(&v)
        || (0x10000..=0x10FFFF).contains(&v)
}

/// The tokenizer.
pub(crate) struct Scanner<'a> {
    buf: &'a [u8],
    /// Bytes at or after `end` are not readable: past the input (EOF, read as NUL), or
    /// in the reader chunk that fails with `reader_error`.
    end: usize,
    reader_error: Option<&'static str>,
    /// Where libyaml's decoded buffer starts (after a leading BOM).
    start: usize,
    pos: usize,
    pub mark: Mark,
    stream_start_produced: bool,
    stream_end_produced: bool,
    flow_level: usize,
    tokens: VecDeque<Token>,
    tokens_parsed: usize,
    token_available: bool,
    indent: isize,
    indents: Vec<isize>,
    simple_key_allowed: bool,
    simple_keys: Vec<SimpleKey>,
    simple_keys_by_tok: TokenMap,
    pub error: Option<LibError>,
}

impl<'a> Scanner<'a> {
    /// Bytes of input left to scan (to size buffers ahead of time).
    pub fn remaining(&self) -> usize {
        self.end.saturating_sub(self.pos)
    }

    /// A scanner over `input`. libyaml strips a leading UTF-8 BOM. When the input holds a
    /// character the reader refuses, the reader fails as soon as the scanner needs a
    /// character of the 512-byte chunk holding it; earlier chunks scan normally.
    /// A scanner over `input`, the valid beginning of a longer input whose next byte the
    /// reader refuses with `tail_error` (bytes that are not UTF-8).
    pub fn with_reader_error(input: &'a str, tail_error: Option<&'static str>) -> Scanner<'a> {
        let buf = input.as_bytes();
        let mut end = buf.len();
        let mut reader_error = None;
        if let Some(problem) = tail_error {
            let bad = buf.len();
            let mut e = (bad / 512) * 512;
            while e > 0 && !input.is_char_boundary(e) {
                e -= 1;
            }
            end = e;
            reader_error = Some(problem);
        }
        // ASCII bytes are checked directly; other characters are decoded one by one.
        let mut i = 0;
        while i < buf.len() {
            let b = buf[i];
            let (ok, w) = if b < 0x80 {
                (
                    (b >= 0x20 && b != 0x7F) || b == b'\t' || b == b'\n' || b == b'\r',
                    1,
                )
            } else {
                match input[i..].chars().next() {
                    Some(c) => (reader_allows(c), c.len_utf8()),
                    None => (true, 1),
                }
            };
            if !ok {
                let last = i + w - 1;
                let chunk_start = (last / 512) * 512;
                let mut e = chunk_start.min(i);
                while e > 0 && !input.is_char_boundary(e) {
                    e -= 1;
                }
                end = e;
                reader_error = Some("control characters are not allowed");
                break;
            }
            i += w;
        }
        let mut pos = 0;
        if buf.len() >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF && end >= 3 {
            pos = 3;
        }
        Scanner {
            buf,
            end,
            reader_error,
            start: pos,
            pos,
            mark: Mark {
                offset: pos,
                ..Mark::default()
            },
            stream_start_produced: false,
            stream_end_produced: false,
            flow_level: 0,
            tokens: VecDeque::new(),
            tokens_parsed: 0,
            token_available: false,
            indent: -1,
            indents: Vec::new(),
            simple_key_allowed: false,
            simple_keys: Vec::new(),
            simple_keys_by_tok: TokenMap::default(),
            error: None,
        }
    }

    // ---------------------------------------------------------------- buffer access

    #[inline]
    fn at(&self, k: usize) -> u8 {
        let i = self.pos + k;
        if i < self.end {
            self.buf[i]
        } else {
            0
        }
    }

    #[inline]
    fn ch(&self) -> u8 {
        self.at(0)
    }

    /// Ensures `n` characters are decoded (`cache`): fails with the pending reader error
    /// when they reach into the chunk the reader refuses.
    #[inline(always)]
    fn cache(&mut self, n: usize) -> SResult {
        if self.reader_error.is_none() {
            return Ok(());
        }
        self.cache_slow(n)
    }

    #[cold]
    fn cache_slow(&mut self, n: usize) -> SResult {
        let Some(problem) = self.reader_error else {
            return Ok(());
        };
        if self.end.saturating_sub(self.pos) >= 4 * n {
            return Ok(());
        }
        let mut i = self.pos;
        for _ in 0..n {
            if i >= self.end {
                self.error = Some(LibError {
                    stage: ErrorStage::Reader,
                    problem: problem.to_string(),
                    problem_mark: Mark::default(),
                    context_mark: Mark::default(),
                });
                return Err(());
            }
            i += width(self.buf[i]).max(1);
        }
        Ok(())
    }

    #[inline]
    fn is_z(&self, k: usize) -> bool {
        self.at(k) == 0
    }
    #[inline]
    fn is_blank(&self, k: usize) -> bool {
        matches!(self.at(k), b' ' | b'\t')
    }
    #[inline]
    fn is_space(&self, k: usize) -> bool {
        self.at(k) == b' '
    }
    #[inline]
    fn is_tab(&self, k: usize) -> bool {
        self.at(k) == b'\t'
    }
    #[inline]
    fn is_break(&self, k: usize) -> bool {
        let b = self.at(k);
        b == b'\r'
            || b == b'\n'
            || (b == 0xC2 && self.at(k + 1) == 0x85)
            || (b == 0xE2
                && self.at(k + 1) == 0x80
                && (self.at(k + 2) == 0xA8 || self.at(k + 2) == 0xA9))
    }
    #[inline]
    fn is_breakz(&self, k: usize) -> bool {
        self.is_break(k) || self.is_z(k)
    }
    #[inline]
    fn is_blankz(&self, k: usize) -> bool {
        self.is_blank(k) || self.is_breakz(k)
    }
    #[inline]
    fn is_crlf(&self) -> bool {
        self.at(0) == b'\r' && self.at(1) == b'\n'
    }

    #[inline]
    fn skip(&mut self) {
        let w = width(self.ch()).max(1);
        self.mark.index += 1;
        self.mark.column += 1;
        self.pos += w;
        self.mark.offset = self.pos;
    }

    fn skip_line(&mut self) {
        if self.is_crlf() {
            self.mark.index += 2;
            self.mark.column = 0;
            self.mark.line += 1;
            self.pos += 2;
        } else if self.is_break(0) {
            self.mark.index += 1;
            self.mark.column = 0;
            self.mark.line += 1;
            self.pos += width(self.ch()).max(1);
        }
        self.mark.offset = self.pos;
    }

    /// Appends the current character to `s` and advances.
    #[inline]
    fn read(&mut self, s: &mut Vec<u8>) {
        let w = width(self.ch()).max(1);
        let end = (self.pos + w).min(self.buf.len());
        if self.pos < end {
            s.extend_from_slice(&self.buf[self.pos..end]);
        } else {
            s.push(0);
        }
        self.pos += w;
        self.mark.index += 1;
        self.mark.column += 1;
        self.mark.offset = self.pos;
    }

    /// Appends a line break (normalized to `\n`, LS/PS kept) and advances.
    fn read_line(&mut self, s: &mut Vec<u8>) {
        let b0 = self.at(0);
        let b1 = self.at(1);
        if b0 == b'\r' && b1 == b'\n' {
            s.push(b'\n');
            self.pos += 2;
            self.mark.index += 1;
        } else if b0 == b'\r' || b0 == b'\n' {
            s.push(b'\n');
            self.pos += 1;
        } else if b0 == 0xC2 && b1 == 0x85 {
            s.push(b'\n');
            self.pos += 2;
        } else if b0 == 0xE2 && b1 == 0x80 && (self.at(2) == 0xA8 || self.at(2) == 0xA9) {
            s.extend_from_slice(&[b0, b1, self.at(2)]);
            self.pos += 3;
        } else {
            return;
        }
        self.mark.index += 1;
        self.mark.column = 0;
        self.mark.line += 1;
        self.mark.offset = self.pos;
    }

    fn scanner_error(&mut self, context_mark: Mark, problem: &str) -> SResult {
        self.error = Some(LibError {
            stage: ErrorStage::Scanner,
            problem: problem.to_string(),
            problem_mark: self.mark,
            context_mark,
        });
        Err(())
    }

    // ---------------------------------------------------------------- token queue

    /// The token at the head of the queue (`peek_token`), fetching more as needed.
    pub fn peek(&mut self) -> SResult<&Token> {
        if !self.token_available {
            self.fetch_more_tokens()?;
        }
        match self.tokens.front() {
            Some(t) => Ok(t),
            None => Err(()),
        }
    }

    /// Consumes the head token (`skip_token`).
    pub fn skip_token(&mut self) {
        self.token_available = false;
        self.tokens_parsed += 1;
        if let Some(t) = self.tokens.pop_front() {
            self.stream_end_produced = t.kind == TokenKind::StreamEnd;
        }
    }

    /// Takes the head token out of the queue (peek + skip, returning ownership).
    pub fn take_token(&mut self) -> SResult<Token> {
        if !self.token_available {
            self.fetch_more_tokens()?;
        }
        self.token_available = false;
        self.tokens_parsed += 1;
        match self.tokens.pop_front() {
            Some(t) => {
                self.stream_end_produced = t.kind == TokenKind::StreamEnd;
                Ok(t)
            }
            None => Err(()),
        }
    }

    fn insert_token(&mut self, pos: Option<usize>, token: Token) {
        match pos {
            None => self.tokens.push_back(token),
            Some(p) => {
                let p = p.min(self.tokens.len());
                self.tokens.insert(p, token);
            }
        }
    }

    fn fetch_more_tokens(&mut self) -> SResult {
        if self.error.is_some() {
            return Err(());
        }
        loop {
            if !self.tokens.is_empty() {
                match self.simple_keys_by_tok.get(&self.tokens_parsed).copied() {
                    None => break,
                    Some(idx) => {
                        if !self.simple_key_is_valid(idx)? {
                            break;
                        }
                    }
                }
            } else if self.stream_end_produced {
                return Err(());
            }
            self.fetch_next_token()?;
        }
        self.token_available = true;
        Ok(())
    }

    fn simple_key_is_valid(&mut self, idx: usize) -> SResult<bool> {
        let Some(key) = self.simple_keys.get(idx).copied() else {
            return Ok(false);
        };
        if !key.possible {
            return Ok(false);
        }
        if key.mark.line < self.mark.line || key.mark.index + 1024 < self.mark.index {
            if key.required {
                self.scanner_error(key.mark, "could not find expected ':'")?;
            }
            self.simple_keys[idx].possible = false;
            return Ok(false);
        }
        Ok(true)
    }

    fn fetch_next_token(&mut self) -> SResult {
        self.cache(1)?;
        if !self.stream_start_produced {
            return self.fetch_stream_start();
        }
        self.scan_to_next_token()?;
        self.unroll_indent(self.mark.column as isize);
        self.cache(4)?;
        if self.is_z(0) {
            return self.fetch_stream_end();
        }
        let c = self.ch();
        if self.mark.column == 0 && c == b'%' {
            return self.fetch_directive();
        }
        if self.mark.column == 0
            && c == b'-'
            && self.at(1) == b'-'
            && self.at(2) == b'-'
            && self.is_blankz(3)
        {
            return self.fetch_document_indicator(TokenKind::DocumentStart);
        }
        if self.mark.column == 0
            && c == b'.'
            && self.at(1) == b'.'
            && self.at(2) == b'.'
            && self.is_blankz(3)
        {
            return self.fetch_document_indicator(TokenKind::DocumentEnd);
        }
        match c {
            b'[' => return self.fetch_flow_collection_start(TokenKind::FlowSequenceStart),
            b'{' => return self.fetch_flow_collection_start(TokenKind::FlowMappingStart),
            b']' => return self.fetch_flow_collection_end(TokenKind::FlowSequenceEnd),
            b'}' => return self.fetch_flow_collection_end(TokenKind::FlowMappingEnd),
            b',' => return self.fetch_flow_entry(),
            _ => {}
        }
        if c == b'-' && self.is_blankz(1) {
            return self.fetch_block_entry();
        }
        if c == b'?' && (self.flow_level > 0 || self.is_blankz(1)) {
            return self.fetch_key();
        }
        if c == b':' && (self.flow_level > 0 || self.is_blankz(1)) {
            return self.fetch_value();
        }
        match c {
            b'*' => return self.fetch_anchor(true),
            b'&' => return self.fetch_anchor(false),
            b'!' => return self.fetch_tag(),
            b'|' if self.flow_level == 0 => return self.fetch_block_scalar(true),
            b'>' if self.flow_level == 0 => return self.fetch_block_scalar(false),
            b'\'' => return self.fetch_flow_scalar(true),
            b'"' => return self.fetch_flow_scalar(false),
            _ => {}
        }
        let indicator = self.is_blankz(0)
            || matches!(
                c,
                b'-' | b'?'
                    | b':'
                    | b','
                    | b'['
                    | b']'
                    | b'{'
                    | b'}'
                    | b'#'
                    | b'&'
                    | b'*'
                    | b'!'
                    | b'|'
                    | b'>'
                    | b'\''
                    | b'"'
                    | b'%'
                    | b'@'
                    | b'`'
            );
        if !indicator
            || (c == b'-' && !self.is_blank(1))
            || (self.flow_level == 0 && (c == b'?' || c == b':') && !self.is_blankz(1))
        {
            return self.fetch_plain_scalar();
        }
        let m = self.mark;
        self.scanner_error(m, "found character that cannot start any token")
    }

    fn save_simple_key(&mut self) -> SResult {
        let required = self.flow_level == 0 && self.indent == self.mark.column as isize;
        if self.simple_key_allowed {
            let key = SimpleKey {
                possible: true,
                required,
                token_number: self.tokens_parsed + self.tokens.len(),
                mark: self.mark,
            };
            self.remove_simple_key()?;
            let last = self.simple_keys.len() - 1;
            self.simple_keys[last] = key;
            self.simple_keys_by_tok.insert(key.token_number, last);
        }
        Ok(())
    }

    fn remove_simple_key(&mut self) -> SResult {
        let i = self.simple_keys.len() - 1;
        if self.simple_keys[i].possible {
            if self.simple_keys[i].required {
                let m = self.simple_keys[i].mark;
                return self.scanner_error(m, "could not find expected ':'");
            }
            self.simple_keys[i].possible = false;
            let tn = self.simple_keys[i].token_number;
            self.simple_keys_by_tok.remove(&tn);
        }
        Ok(())
    }

    fn increase_flow_level(&mut self) -> SResult {
        self.simple_keys.push(SimpleKey {
            possible: false,
            required: false,
            token_number: self.tokens_parsed + self.tokens.len(),
            mark: self.mark,
        });
        self.flow_level += 1;
        if self.flow_level > MAX_FLOW_LEVEL {
            let m = self.simple_keys[self.simple_keys.len() - 1].mark;
            return self.scanner_error(m, &format!("exceeded max depth of {MAX_FLOW_LEVEL}"));
        }
        Ok(())
    }

    fn decrease_flow_level(&mut self) {
        if self.flow_level > 0 {
            self.flow_level -= 1;
            if let Some(k) = self.simple_keys.pop() {
                self.simple_keys_by_tok.remove(&k.token_number);
            }
        }
    }

    /// `number` is the absolute token number to insert before, or `None` to append.
    fn roll_indent(
        &mut self,
        column: isize,
        number: Option<usize>,
        kind: TokenKind,
        mark: Mark,
    ) -> SResult {
        if self.flow_level > 0 {
            return Ok(());
        }
        if self.indent < column {
            self.indents.push(self.indent);
            self.indent = column;
            if self.indents.len() > MAX_INDENTS {
                let m = self.simple_keys[self.simple_keys.len() - 1].mark;
                return self.scanner_error(m, &format!("exceeded max depth of {MAX_INDENTS}"));
            }
            let token = Token {
                kind,
                start: mark,
                end: mark,
            };
            let pos = number.map(|n| n.saturating_sub(self.tokens_parsed));
            self.insert_token(pos, token);
        }
        Ok(())
    }

    fn unroll_indent(&mut self, column: isize) {
        if self.flow_level > 0 {
            return;
        }
        while self.indent > column {
            let m = self.mark;
            self.insert_token(
                None,
                Token {
                    kind: TokenKind::BlockEnd,
                    start: m,
                    end: m,
                },
            );
            self.indent = self.indents.pop().unwrap_or(-1);
        }
    }

    fn fetch_stream_start(&mut self) -> SResult {
        self.indent = -1;
        self.simple_keys.push(SimpleKey::default());
        self.simple_key_allowed = true;
        self.stream_start_produced = true;
        let m = self.mark;
        self.insert_token(
            None,
            Token {
                kind: TokenKind::StreamStart,
                start: m,
                end: m,
            },
        );
        Ok(())
    }

    fn fetch_stream_end(&mut self) -> SResult {
        if self.mark.column != 0 {
            self.mark.column = 0;
            self.mark.line += 1;
        }
        self.unroll_indent(-1);
        self.remove_simple_key()?;
        self.simple_key_allowed = false;
        let m = self.mark;
        self.insert_token(
            None,
            Token {
                kind: TokenKind::StreamEnd,
                start: m,
                end: m,
            },
        );
        Ok(())
    }

    fn fetch_directive(&mut self) -> SResult {
        self.unroll_indent(-1);
        self.remove_simple_key()?;
        self.simple_key_allowed = false;
        let token = self.scan_directive()?;
        self.insert_token(None, token);
        Ok(())
    }

    fn fetch_document_indicator(&mut self, kind: TokenKind) -> SResult {
        self.unroll_indent(-1);
        self.remove_simple_key()?;
        self.simple_key_allowed = false;
        let start = self.mark;
        self.skip();
        self.skip();
        self.skip();
        let end = self.mark;
        self.insert_token(None, Token { kind, start, end });
        Ok(())
    }

    fn fetch_flow_collection_start(&mut self, kind: TokenKind) -> SResult {
        self.save_simple_key()?;
        self.increase_flow_level()?;
        self.simple_key_allowed = true;
        let start = self.mark;
        self.skip();
        let end = self.mark;
        self.insert_token(None, Token { kind, start, end });
        Ok(())
    }

    fn fetch_flow_collection_end(&mut self, kind: TokenKind) -> SResult {
        self.remove_simple_key()?;
        self.decrease_flow_level();
        self.simple_key_allowed = false;
        let start = self.mark;
        self.skip();
        let end = self.mark;
        self.insert_token(None, Token { kind, start, end });
        Ok(())
    }

    fn fetch_flow_entry(&mut self) -> SResult {
        self.remove_simple_key()?;
        self.simple_key_allowed = true;
        let start = self.mark;
        self.skip();
        let end = self.mark;
        self.insert_token(
            None,
            Token {
                kind: TokenKind::FlowEntry,
                start,
                end,
            },
        );
        Ok(())
    }

    fn fetch_block_entry(&mut self) -> SResult {
        if self.flow_level == 0 {
            if !self.simple_key_allowed {
                let m = self.mark;
                return self
                    .scanner_error(m, "block sequence entries are not allowed in this context");
            }
            let m = self.mark;
            self.roll_indent(m.column as isize, None, TokenKind::BlockSequenceStart, m)?;
        }
        self.remove_simple_key()?;
        self.simple_key_allowed = true;
        let start = self.mark;
        self.skip();
        let end = self.mark;
        self.insert_token(
            None,
            Token {
                kind: TokenKind::BlockEntry,
                start,
                end,
            },
        );
        Ok(())
    }

    fn fetch_key(&mut self) -> SResult {
        if self.flow_level == 0 {
            if !self.simple_key_allowed {
                let m = self.mark;
                return self.scanner_error(m, "mapping keys are not allowed in this context");
            }
            let m = self.mark;
            self.roll_indent(m.column as isize, None, TokenKind::BlockMappingStart, m)?;
        }
        self.remove_simple_key()?;
        self.simple_key_allowed = self.flow_level == 0;
        let start = self.mark;
        self.skip();
        let end = self.mark;
        self.insert_token(
            None,
            Token {
                kind: TokenKind::Key,
                start,
                end,
            },
        );
        Ok(())
    }

    fn fetch_value(&mut self) -> SResult {
        let idx = self.simple_keys.len() - 1;
        if self.simple_key_is_valid(idx)? {
            let key = self.simple_keys[idx];
            self.insert_token(
                Some(key.token_number.saturating_sub(self.tokens_parsed)),
                Token {
                    kind: TokenKind::Key,
                    start: key.mark,
                    end: key.mark,
                },
            );
            self.roll_indent(
                key.mark.column as isize,
                Some(key.token_number),
                TokenKind::BlockMappingStart,
                key.mark,
            )?;
            self.simple_keys[idx].possible = false;
            self.simple_keys_by_tok.remove(&key.token_number);
            self.simple_key_allowed = false;
        } else {
            if self.flow_level == 0 {
                if !self.simple_key_allowed {
                    let m = self.mark;
                    return self.scanner_error(m, "mapping values are not allowed in this context");
                }
                let m = self.mark;
                self.roll_indent(m.column as isize, None, TokenKind::BlockMappingStart, m)?;
            }
            self.simple_key_allowed = self.flow_level == 0;
        }
        let start = self.mark;
        self.skip();
        let end = self.mark;
        self.insert_token(
            None,
            Token {
                kind: TokenKind::Value,
                start,
                end,
            },
        );
        Ok(())
    }

    fn fetch_anchor(&mut self, alias: bool) -> SResult {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let t = self.scan_anchor(alias)?;
        self.insert_token(None, t);
        Ok(())
    }

    fn fetch_tag(&mut self) -> SResult {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let t = self.scan_tag()?;
        self.insert_token(None, t);
        Ok(())
    }

    fn fetch_block_scalar(&mut self, literal: bool) -> SResult {
        self.remove_simple_key()?;
        self.simple_key_allowed = true;
        let t = self.scan_block_scalar(literal)?;
        self.insert_token(None, t);
        Ok(())
    }

    fn fetch_flow_scalar(&mut self, single: bool) -> SResult {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let t = self.scan_flow_scalar(single)?;
        self.insert_token(None, t);
        Ok(())
    }

    fn fetch_plain_scalar(&mut self) -> SResult {
        self.save_simple_key()?;
        self.simple_key_allowed = false;
        let t = self.scan_plain_scalar()?;
        self.insert_token(None, t);
        Ok(())
    }

    fn scan_to_next_token(&mut self) -> SResult {
        loop {
            self.cache(1)?;
            // libyaml's is_bom looks at the start of its buffer, not at the current
            // position: only a BOM right at the start (after the one the reader strips)
            // is skipped; one further on is content.
            if self.mark.column == 0
                && self.pos == self.start
                && self.at(0) == 0xEF
                && self.at(1) == 0xBB
                && self.at(2) == 0xBF
            {
                self.skip();
            }
            self.cache(1)?;
            while self.ch() == b' '
                || ((self.flow_level > 0 || !self.simple_key_allowed) && self.ch() == b'\t')
            {
                self.skip();
                self.cache(1)?;
            }
            if self.ch() == b'#' {
                while !self.is_breakz(0) {
                    self.skip();
                    self.cache(1)?;
                }
            }
            if self.is_break(0) {
                self.cache(2)?;
                self.skip_line();
                if self.flow_level == 0 {
                    self.simple_key_allowed = true;
                }
            } else {
                break;
            }
        }
        Ok(())
    }

    // ---------------------------------------------------------------- directives

    fn scan_directive(&mut self) -> SResult<Token> {
        let start = self.mark;
        self.skip();
        let name = self.scan_directive_name(start)?;
        let kind = if name == b"YAML" {
            let (major, minor) = self.scan_version_directive_value(start)?;
            TokenKind::VersionDirective(major, minor)
        } else if name == b"TAG" {
            let (handle, prefix) = self.scan_tag_directive_value(start)?;
            TokenKind::TagDirective(handle, prefix)
        } else {
            self.scanner_error(start, "found unknown directive name")?;
            unreachable_err()?
        };
        let end = self.mark;
        self.cache(1)?;
        while self.is_blank(0) {
            self.skip();
            self.cache(1)?;
        }
        if self.ch() == b'#' {
            while !self.is_breakz(0) {
                self.skip();
                self.cache(1)?;
            }
        }
        if !self.is_breakz(0) {
            self.scanner_error(start, "did not find expected comment or line break")?;
        }
        if self.is_break(0) {
            self.cache(2)?;
            self.skip_line();
        }
        Ok(Token { kind, start, end })
    }

    fn scan_directive_name(&mut self, start: Mark) -> SResult<Vec<u8>> {
        self.cache(1)?;
        let mut s = Vec::new();
        while is_alpha_b(self.ch()) {
            self.read(&mut s);
            self.cache(1)?;
        }
        if s.is_empty() {
            self.scanner_error(start, "could not find expected directive name")?;
        }
        if !self.is_blankz(0) {
            self.scanner_error(start, "found unexpected non-alphabetical character")?;
        }
        Ok(s)
    }

    fn scan_version_directive_value(&mut self, start: Mark) -> SResult<(i8, i8)> {
        self.cache(1)?;
        while self.is_blank(0) {
            self.skip();
            self.cache(1)?;
        }
        let major = self.scan_version_directive_number(start)?;
        if self.ch() != b'.' {
            self.scanner_error(start, "did not find expected digit or '.' character")?;
        }
        self.skip();
        let minor = self.scan_version_directive_number(start)?;
        Ok((major, minor))
    }

    fn scan_version_directive_number(&mut self, start: Mark) -> SResult<i8> {
        self.cache(1)?;
        let mut value: i8 = 0;
        let mut length = 0;
        while self.ch().is_ascii_digit() {
            length += 1;
            if length > 2 {
                self.scanner_error(start, "found extremely long version number")?;
            }
            value = value
                .wrapping_mul(10)
                .wrapping_add((self.ch() - b'0') as i8);
            self.skip();
            self.cache(1)?;
        }
        if length == 0 {
            self.scanner_error(start, "did not find expected version number")?;
        }
        Ok(value)
    }

    fn scan_tag_directive_value(&mut self, start: Mark) -> SResult<(Vec<u8>, Vec<u8>)> {
        self.cache(1)?;
        while self.is_blank(0) {
            self.skip();
            self.cache(1)?;
        }
        let handle = self.scan_tag_handle(true, start)?;
        self.cache(1)?;
        if !self.is_blank(0) {
            self.scanner_error(start, "did not find expected whitespace")?;
        }
        while self.is_blank(0) {
            self.skip();
            self.cache(1)?;
        }
        let prefix = self.scan_tag_uri(true, &[], start)?;
        self.cache(1)?;
        if !self.is_blankz(0) {
            self.scanner_error(start, "did not find expected whitespace or line break")?;
        }
        Ok((handle, prefix))
    }

    // ---------------------------------------------------------------- anchors and tags

    fn scan_anchor(&mut self, alias: bool) -> SResult<Token> {
        let start = self.mark;
        self.skip();
        self.cache(1)?;
        let mut s = Vec::new();
        while is_alpha_b(self.ch()) {
            self.read(&mut s);
            self.cache(1)?;
        }
        let end = self.mark;
        let c = self.ch();
        if s.is_empty()
            || !(self.is_blankz(0)
                || matches!(c, b'?' | b':' | b',' | b']' | b'}' | b'%' | b'@' | b'`'))
        {
            self.scanner_error(
                start,
                "did not find expected alphabetic or numeric character",
            )?;
        }
        let kind = if alias {
            TokenKind::Alias(s)
        } else {
            TokenKind::Anchor(s)
        };
        Ok(Token { kind, start, end })
    }

    fn scan_tag(&mut self) -> SResult<Token> {
        let start = self.mark;
        self.cache(2)?;
        let mut handle;
        let suffix;
        if self.at(1) == b'<' {
            handle = Vec::new();
            self.skip();
            self.skip();
            suffix = self.scan_tag_uri(false, &[], start)?;
            if self.ch() != b'>' {
                self.scanner_error(start, "did not find the expected '>'")?;
            }
            self.skip();
        } else {
            handle = self.scan_tag_handle(false, start)?;
            if handle.len() > 1 && handle[0] == b'!' && handle[handle.len() - 1] == b'!' {
                suffix = self.scan_tag_uri(false, &[], start)?;
            } else {
                let mut sfx = self.scan_tag_uri(false, &handle, start)?;
                handle = vec![b'!'];
                if sfx.is_empty() {
                    std::mem::swap(&mut handle, &mut sfx);
                }
                suffix = sfx;
            }
        }
        self.cache(1)?;
        if !self.is_blankz(0) {
            self.scanner_error(start, "did not find expected whitespace or line break")?;
        }
        let end = self.mark;
        Ok(Token {
            kind: TokenKind::Tag(handle, suffix),
            start,
            end,
        })
    }

    fn scan_tag_handle(&mut self, directive: bool, start: Mark) -> SResult<Vec<u8>> {
        self.cache(1)?;
        if self.ch() != b'!' {
            self.scanner_error(start, "did not find expected '!'")?;
        }
        let mut s = Vec::new();
        self.read(&mut s);
        self.cache(1)?;
        while is_alpha_b(self.ch()) {
            self.read(&mut s);
            self.cache(1)?;
        }
        if self.ch() == b'!' {
            self.read(&mut s);
        } else if directive && s != b"!" {
            self.scanner_error(start, "did not find expected '!'")?;
        }
        Ok(s)
    }

    fn scan_tag_uri(&mut self, directive: bool, head: &[u8], start: Mark) -> SResult<Vec<u8>> {
        let mut s = Vec::new();
        let mut has_tag = !head.is_empty();
        if head.len() > 1 {
            s.extend_from_slice(&head[1..]);
        }
        self.cache(1)?;
        loop {
            let c = self.ch();
            let ok = is_alpha_b(c)
                || matches!(
                    c,
                    b';' | b'/'
                        | b'?'
                        | b':'
                        | b'@'
                        | b'&'
                        | b'='
                        | b'+'
                        | b'$'
                        | b','
                        | b'.'
                        | b'!'
                        | b'~'
                        | b'*'
                        | b'\''
                        | b'('
                        | b')'
                        | b'['
                        | b']'
                        | b'%'
                );
            if !ok {
                break;
            }
            if c == b'%' {
                self.scan_uri_escapes(directive, start, &mut s)?;
            } else {
                self.read(&mut s);
            }
            self.cache(1)?;
            has_tag = true;
        }
        if !has_tag {
            self.scanner_error(start, "did not find expected tag URI")?;
        }
        Ok(s)
    }

    fn scan_uri_escapes(&mut self, _directive: bool, start: Mark, s: &mut Vec<u8>) -> SResult {
        let mut w: usize = 1024;
        while w > 0 {
            self.cache(3)?;
            if !(self.ch() == b'%' && is_hex_b(self.at(1)) && is_hex_b(self.at(2))) {
                self.scanner_error(start, "did not find URI escaped octet")?;
            }
            let octet = ((as_hex(self.at(1)) << 4) + as_hex(self.at(2))) as u8;
            if w == 1024 {
                w = width(octet);
                if w == 0 {
                    self.scanner_error(start, "found an incorrect leading UTF-8 octet")?;
                }
            } else if octet & 0xC0 != 0x80 {
                self.scanner_error(start, "found an incorrect trailing UTF-8 octet")?;
            }
            s.push(octet);
            self.skip();
            self.skip();
            self.skip();
            w -= 1;
        }
        Ok(())
    }

    // ---------------------------------------------------------------- scalars

    fn scan_block_scalar(&mut self, literal: bool) -> SResult<Token> {
        let start = self.mark;
        self.skip();
        self.cache(1)?;
        let mut chomping = 0i32;
        let mut increment = 0usize;
        if self.ch() == b'+' || self.ch() == b'-' {
            chomping = if self.ch() == b'+' { 1 } else { -1 };
            self.skip();
            self.cache(1)?;
            if self.ch().is_ascii_digit() {
                if self.ch() == b'0' {
                    self.scanner_error(start, "found an indentation indicator equal to 0")?;
                }
                increment = (self.ch() - b'0') as usize;
                self.skip();
            }
        } else if self.ch().is_ascii_digit() {
            if self.ch() == b'0' {
                self.scanner_error(start, "found an indentation indicator equal to 0")?;
            }
            increment = (self.ch() - b'0') as usize;
            self.skip();
            self.cache(1)?;
            if self.ch() == b'+' || self.ch() == b'-' {
                chomping = if self.ch() == b'+' { 1 } else { -1 };
                self.skip();
            }
        }
        self.cache(1)?;
        while self.is_blank(0) {
            self.skip();
            self.cache(1)?;
        }
        if self.ch() == b'#' {
            while !self.is_breakz(0) {
                self.skip();
                self.cache(1)?;
            }
        }
        if !self.is_breakz(0) {
            self.scanner_error(start, "did not find expected comment or line break")?;
        }
        if self.is_break(0) {
            self.cache(2)?;
            self.skip_line();
        }
        let mut end = self.mark;
        let mut indent: usize = 0;
        if increment > 0 {
            indent = if self.indent >= 0 {
                self.indent as usize + increment
            } else {
                increment
            };
        }
        let mut s: Vec<u8> = Vec::new();
        let mut leading_break: Vec<u8> = Vec::new();
        let mut trailing_breaks: Vec<u8> = Vec::new();
        self.scan_block_scalar_breaks(&mut indent, &mut trailing_breaks, start, &mut end)?;
        self.cache(1)?;
        let mut leading_blank = false;
        while self.mark.column == indent && !self.is_z(0) {
            let trailing_blank = self.is_blank(0);
            if !literal
                && !leading_blank
                && !trailing_blank
                && leading_break.first() == Some(&b'\n')
            {
                if trailing_breaks.is_empty() {
                    s.push(b' ');
                }
            } else {
                s.extend_from_slice(&leading_break);
            }
            leading_break.clear();
            s.extend_from_slice(&trailing_breaks);
            trailing_breaks.clear();
            leading_blank = self.is_blank(0);
            if self.reader_error.is_none() {
                // Fast path: copy the rest of the line as one run of bytes.
                let line_start = self.pos;
                while !self.is_breakz(0) {
                    self.pos += width(self.ch()).max(1);
                    self.mark.index += 1;
                    self.mark.column += 1;
                }
                self.mark.offset = self.pos;
                let part_end = self.pos.min(self.end);
                if line_start < part_end {
                    s.extend_from_slice(&self.buf[line_start..part_end]);
                }
            } else {
                while !self.is_breakz(0) {
                    self.read(&mut s);
                    self.cache(1)?;
                }
            }
            self.cache(2)?;
            self.read_line(&mut leading_break);
            self.scan_block_scalar_breaks(&mut indent, &mut trailing_breaks, start, &mut end)?;
        }
        if chomping != -1 {
            s.extend_from_slice(&leading_break);
        }
        if chomping == 1 {
            s.extend_from_slice(&trailing_breaks);
        }
        Ok(Token {
            kind: TokenKind::Scalar(
                s,
                if literal {
                    ScalarStyle::Literal
                } else {
                    ScalarStyle::Folded
                },
            ),
            start,
            end,
        })
    }

    fn scan_block_scalar_breaks(
        &mut self,
        indent: &mut usize,
        breaks: &mut Vec<u8>,
        start: Mark,
        end: &mut Mark,
    ) -> SResult {
        *end = self.mark;
        let mut max_indent = 0usize;
        loop {
            self.cache(1)?;
            while (*indent == 0 || self.mark.column < *indent) && self.is_space(0) {
                self.skip();
                self.cache(1)?;
            }
            if self.mark.column > max_indent {
                max_indent = self.mark.column;
            }
            if (*indent == 0 || self.mark.column < *indent) && self.is_tab(0) {
                return self.scanner_error(
                    start,
                    "found a tab character where an indentation space is expected",
                );
            }
            if !self.is_break(0) {
                break;
            }
            self.cache(2)?;
            self.read_line(breaks);
            *end = self.mark;
        }
        if *indent == 0 {
            *indent = max_indent;
            let min = (self.indent + 1).max(1) as usize;
            if *indent < min {
                *indent = min;
            }
        }
        Ok(())
    }

    fn scan_flow_scalar(&mut self, single: bool) -> SResult<Token> {
        let start = self.mark;
        self.skip();
        let mut s: Vec<u8> = Vec::new();
        let mut leading_break: Vec<u8> = Vec::new();
        let mut trailing_breaks: Vec<u8> = Vec::new();
        let mut whitespaces: Vec<u8> = Vec::new();
        loop {
            self.cache(4)?;
            if self.mark.column == 0
                && ((self.at(0) == b'-' && self.at(1) == b'-' && self.at(2) == b'-')
                    || (self.at(0) == b'.' && self.at(1) == b'.' && self.at(2) == b'.'))
                && self.is_blankz(3)
            {
                self.scanner_error(start, "found unexpected document indicator")?;
            }
            if self.is_z(0) {
                self.scanner_error(start, "found unexpected end of stream")?;
            }
            let mut leading_blanks = false;
            while !self.is_blankz(0) {
                let c = self.ch();
                if single && c == b'\'' && self.at(1) == b'\'' {
                    s.push(b'\'');
                    self.skip();
                    self.skip();
                } else if (single && c == b'\'') || (!single && c == b'"') {
                    break;
                } else if !single && c == b'\\' && self.is_break(1) {
                    self.cache(3)?;
                    self.skip();
                    self.skip_line();
                    leading_blanks = true;
                    break;
                } else if !single && c == b'\\' {
                    let mut code_length = 0usize;
                    match self.at(1) {
                        b'0' => s.push(0),
                        b'a' => s.push(0x07),
                        b'b' => s.push(0x08),
                        b't' | b'\t' => s.push(0x09),
                        b'n' => s.push(0x0A),
                        b'v' => s.push(0x0B),
                        b'f' => s.push(0x0C),
                        b'r' => s.push(0x0D),
                        b'e' => s.push(0x1B),
                        b' ' => s.push(0x20),
                        b'"' => s.push(b'"'),
                        b'\'' => s.push(b'\''),
                        b'\\' => s.push(b'\\'),
                        b'N' => s.extend_from_slice(&[0xC2, 0x85]),
                        b'_' => s.extend_from_slice(&[0xC2, 0xA0]),
                        b'L' => s.extend_from_slice(&[0xE2, 0x80, 0xA8]),
                        b'P' => s.extend_from_slice(&[0xE2, 0x80, 0xA9]),
                        b'x' => code_length = 2,
                        b'u' => code_length = 4,
                        b'U' => code_length = 8,
                        _ => {
                            self.scanner_error(start, "found unknown escape character")?;
                        }
                    }
                    self.skip();
                    self.skip();
                    if code_length > 0 {
                        self.cache(code_length)?;
                        let mut value: u32 = 0;
                        for k in 0..code_length {
                            if !is_hex_b(self.at(k)) {
                                self.scanner_error(
                                    start,
                                    "did not find expected hexdecimal number",
                                )?;
                            }
                            value = (value << 4) + as_hex(self.at(k));
                        }
                        if (0xD800..=0xDFFF).contains(&value) || value > 0x10FFFF {
                            self.scanner_error(
                                start,
                                "found invalid Unicode character escape code",
                            )?;
                        }
                        match char::from_u32(value) {
                            Some(ch) => {
                                let mut tmp = [0u8; 4];
                                s.extend_from_slice(ch.encode_utf8(&mut tmp).as_bytes());
                            }
                            None => {
                                self.scanner_error(
                                    start,
                                    "found invalid Unicode character escape code",
                                )?;
                            }
                        }
                        for _ in 0..code_length {
                            self.skip();
                        }
                    }
                } else {
                    self.read(&mut s);
                }
                self.cache(2)?;
            }
            self.cache(1)?;
            if single {
                if self.ch() == b'\'' {
                    break;
                }
            } else if self.ch() == b'"' {
                break;
            }
            while self.is_blank(0) || self.is_break(0) {
                if self.is_blank(0) {
                    if !leading_blanks {
                        self.read(&mut whitespaces);
                    } else {
                        self.skip();
                    }
                } else {
                    self.cache(2)?;
                    if !leading_blanks {
                        whitespaces.clear();
                        self.read_line(&mut leading_break);
                        leading_blanks = true;
                    } else {
                        self.read_line(&mut trailing_breaks);
                    }
                }
                self.cache(1)?;
            }
            if leading_blanks {
                if leading_break.first() == Some(&b'\n') {
                    if trailing_breaks.is_empty() {
                        s.push(b' ');
                    } else {
                        s.extend_from_slice(&trailing_breaks);
                    }
                } else {
                    s.extend_from_slice(&leading_break);
                    s.extend_from_slice(&trailing_breaks);
                }
                trailing_breaks.clear();
                leading_break.clear();
            } else {
                s.extend_from_slice(&whitespaces);
                whitespaces.clear();
            }
        }
        self.skip();
        let end = self.mark;
        Ok(Token {
            kind: TokenKind::Scalar(
                s,
                if single {
                    ScalarStyle::SingleQuoted
                } else {
                    ScalarStyle::DoubleQuoted
                },
            ),
            start,
            end,
        })
    }

    fn scan_plain_scalar(&mut self) -> SResult<Token> {
        let mut s: Vec<u8> = Vec::new();
        let mut leading_break: Vec<u8> = Vec::new();
        let mut trailing_breaks: Vec<u8> = Vec::new();
        let mut whitespaces: Vec<u8> = Vec::new();
        let mut leading_blanks = false;
        let indent = self.indent + 1;
        let start = self.mark;
        let mut end = self.mark;
        loop {
            self.cache(4)?;
            if self.mark.column == 0
                && ((self.at(0) == b'-' && self.at(1) == b'-' && self.at(2) == b'-')
                    || (self.at(0) == b'.' && self.at(1) == b'.' && self.at(2) == b'.'))
                && self.is_blankz(3)
            {
                break;
            }
            if self.ch() == b'#' {
                break;
            }
            while !self.is_blankz(0) {
                let c = self.ch();
                if (c == b':' && self.is_blankz(1))
                    || (self.flow_level > 0 && matches!(c, b',' | b'?' | b'[' | b']' | b'{' | b'}'))
                {
                    break;
                }
                if leading_blanks || !whitespaces.is_empty() {
                    if leading_blanks {
                        if leading_break.first() == Some(&b'\n') {
                            if trailing_breaks.is_empty() {
                                s.push(b' ');
                            } else {
                                s.extend_from_slice(&trailing_breaks);
                            }
                        } else {
                            s.extend_from_slice(&leading_break);
                            s.extend_from_slice(&trailing_breaks);
                        }
                        trailing_breaks.clear();
                        leading_break.clear();
                        leading_blanks = false;
                    } else {
                        s.extend_from_slice(&whitespaces);
                        whitespaces.clear();
                    }
                }
                self.read(&mut s);
                end = self.mark;
                self.cache(2)?;
            }
            if !(self.is_blank(0) || self.is_break(0)) {
                break;
            }
            self.cache(1)?;
            while self.is_blank(0) || self.is_break(0) {
                if self.is_blank(0) {
                    if leading_blanks && (self.mark.column as isize) < indent && self.is_tab(0) {
                        self.scanner_error(
                            start,
                            "found a tab character that violates indentation",
                        )?;
                    }
                    if !leading_blanks {
                        self.read(&mut whitespaces);
                    } else {
                        self.skip();
                    }
                } else {
                    self.cache(2)?;
                    if !leading_blanks {
                        whitespaces.clear();
                        self.read_line(&mut leading_break);
                        leading_blanks = true;
                    } else {
                        self.read_line(&mut trailing_breaks);
                    }
                }
                self.cache(1)?;
            }
            if self.flow_level == 0 && (self.mark.column as isize) < indent {
                break;
            }
        }
        if leading_blanks {
            self.simple_key_allowed = true;
        }
        Ok(Token {
            kind: TokenKind::Scalar(s, ScalarStyle::Plain),
            start,
            end,
        })
    }
}

/// Helper for the branches that have already recorded an error.
#[inline]
fn unreachable_err<T>() -> SResult<T> {
    Err(())
}
