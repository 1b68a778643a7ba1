//! BurntSushi/toml v1.6.0's parser (`parse.go`): builds Go's `map[string]any` from the
//! lexer's items with the same bookkeeping (contexts, implicit tables, key types), so
//! that redefinitions fail with the same messages. Go maps are references; they are
//! modelled with `Rc<RefCell<…>>` to keep the aliasing of the Go code.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use super::lex::{is_hex, quote_str, Item, ItemType, Lexer, Pos};

pub(crate) type GoMap = Rc<RefCell<HashMap<String, Any>>>;

/// Go's `any` as the parser stores it.
#[derive(Clone, Debug)]
pub(crate) enum Any {
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
    /// A datetime, as Go's `time.Time` formats it with RFC 3339 (nanoseconds).
    Time(String),
    Array(Vec<Any>),
    Map(GoMap),
    /// `[]map[string]any` (arrays of tables).
    MapSlice(Vec<GoMap>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TType {
    Bool,
    Integer,
    Float,
    String,
    Datetime,
    Array,
    Hash,
    ArrayHash,
}

/// A parse error: message, line, last key.
#[derive(Clone, Debug)]
pub(crate) struct ParseError {
    pub message: String,
    pub line: usize,
    pub last_key: String,
}

impl ParseError {
    pub fn go_text(&self) -> String {
        if self.last_key.is_empty() {
            format!("toml: line {}: {}", self.line, self.message)
        } else {
            format!(
                "toml: line {} (last key {}): {}",
                self.line,
                quote_str(&self.last_key),
                self.message
            )
        }
    }
}

type PResult<T> = Result<T, ParseError>;

fn new_map() -> GoMap {
    Rc::new(RefCell::new(HashMap::new()))
}

/// A TOML key (`toml.Key`): its `String()` quotes parts that are not bare.
fn key_string(k: &[String]) -> String {
    k.iter()
        .map(|p| {
            if p.is_empty() {
                "\"\"".to_string()
            } else if p.chars().all(super::lex::is_bare_key_char) {
                p.clone()
            } else {
                super::encode::quote_pub(p)
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

pub(crate) struct Parser<'a> {
    lx: Lexer<'a>,
    context: Vec<String>,
    current_key: String,
    pos: Pos,
    key_info: HashMap<String, TType>,
    pub mapping: GoMap,
    implicits: HashSet<String>,
}

impl<'a> Parser<'a> {
    fn current(&self) -> String {
        if self.current_key.is_empty() {
            return key_string(&self.context);
        }
        if self.context.is_empty() {
            return self.current_key.clone();
        }
        format!("{}.{}", key_string(&self.context), self.current_key)
    }

    fn err_at(&self, pos: Pos, line: usize, msg: String) -> ParseError {
        let _ = pos;
        ParseError {
            message: msg,
            line,
            last_key: self.current(),
        }
    }

    fn panic_item(&self, it: &Item, msg: String) -> ParseError {
        self.err_at(it.pos, it.pos.line, msg)
    }

    fn panicf(&self, msg: String) -> ParseError {
        self.err_at(self.pos, self.pos.line, msg)
    }

    fn next(&mut self) -> PResult<Item> {
        let it = self.lx.next_item();
        if it.typ == ItemType::Error {
            let msg = it.err.clone().unwrap_or_else(|| it.val.clone());
            return Err(self.err_at(it.pos, it.pos.line, msg));
        }
        Ok(it)
    }

    fn next_pos(&mut self) -> PResult<Item> {
        let it = self.next()?;
        self.pos = it.pos;
        Ok(it)
    }

    fn bug(&self, what: &str) -> ParseError {
        ParseError {
            message: format!("BUG: {what}"),
            line: self.pos.line,
            last_key: String::new(),
        }
    }

    fn expect(&mut self, typ: ItemType) -> PResult<Item> {
        let it = self.next()?;
        if it.typ != typ {
            return Err(self.bug("unexpected item"));
        }
        Ok(it)
    }

    fn top_level(&mut self, item: Item) -> PResult<()> {
        match item.typ {
            ItemType::CommentStart => {
                self.expect(ItemType::Text)?;
            }
            ItemType::TableStart | ItemType::ArrayTableStart => {
                let array = item.typ == ItemType::ArrayTableStart;
                let end = if array {
                    ItemType::ArrayTableEnd
                } else {
                    ItemType::TableEnd
                };
                let mut name = self.next_pos()?;
                let mut key = Vec::new();
                while name.typ != end && name.typ != ItemType::Eof {
                    key.push(self.key_string_item(&name)?);
                    name = self.next()?;
                }
                if name.typ != end {
                    return Err(self.bug("table end"));
                }
                self.add_context(&key, array)?;
                self.set_type("", if array { TType::ArrayHash } else { TType::Hash });
            }
            ItemType::KeyStart => {
                let outer = self.context.clone();
                let mut k = self.next_pos()?;
                let mut key = Vec::new();
                while k.typ != ItemType::KeyEnd && k.typ != ItemType::Eof {
                    key.push(self.key_string_item(&k)?);
                    k = self.next()?;
                }
                if k.typ != ItemType::KeyEnd {
                    return Err(self.bug("key end"));
                }
                self.current_key = key.last().cloned().unwrap_or_default();
                let parent = &key[..key.len().saturating_sub(1)];
                for p in parent {
                    let mut c = self.context.clone();
                    c.push(p.clone());
                    self.add_implicit_context(&c)?;
                }
                let v_item = self.next()?;
                let (val, typ) = self.value(&v_item, false)?;
                let ck = self.current_key.clone();
                self.set_value(&ck, val)?;
                self.set_type(&ck, typ);
                self.context = outer;
                self.current_key.clear();
            }
            _ => return Err(self.bug("unexpected top-level item")),
        }
        Ok(())
    }

    fn key_string_item(&mut self, it: &Item) -> PResult<String> {
        match it.typ {
            ItemType::Text => Ok(it.val.clone()),
            ItemType::String
            | ItemType::StringEsc
            | ItemType::MultilineString
            | ItemType::RawString
            | ItemType::RawMultilineString => match self.value(it, false)?.0 {
                Any::Str(s) => Ok(s),
                _ => Err(self.bug("key")),
            },
            _ => Err(self.bug("key type")),
        }
    }

    fn value(&mut self, it: &Item, parent_is_array: bool) -> PResult<(Any, TType)> {
        Ok(match it.typ {
            ItemType::String | ItemType::RawString => (Any::Str(it.val.clone()), TType::String),
            ItemType::StringEsc => (Any::Str(self.replace_escapes(it, &it.val)?), TType::String),
            ItemType::MultilineString => {
                let s = strip_escaped_newlines(strip_first_newline(&it.val));
                (Any::Str(self.replace_escapes(it, &s)?), TType::String)
            }
            ItemType::RawMultilineString => (
                Any::Str(strip_first_newline(&it.val).to_string()),
                TType::String,
            ),
            ItemType::Integer => self.value_integer(it)?,
            ItemType::Float => self.value_float(it)?,
            ItemType::Bool => (Any::Bool(it.val == "true"), TType::Bool),
            ItemType::Datetime => self.value_datetime(it)?,
            ItemType::Array => {
                stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.value_array(it))?
            }
            ItemType::InlineTableStart => stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
                self.value_inline_table(parent_is_array)
            })?,
            _ => return Err(self.bug("unexpected value type")),
        })
    }

    fn value_integer(&mut self, it: &Item) -> PResult<(Any, TType)> {
        if !num_underscores_ok(&it.val) {
            return Err(self.panic_item(
                it,
                format!(
                    "Invalid integer {}: underscores must be surrounded by digits",
                    quote_str(&it.val)
                ),
            ));
        }
        if num_has_leading_zero(&it.val) {
            return Err(self.panic_item(
                it,
                format!(
                    "Invalid integer {}: cannot have leading zeroes",
                    quote_str(&it.val)
                ),
            ));
        }
        match crate::gonum::parse_int(&it.val, 0) {
            Ok(n) => Ok((Any::Int(n), TType::Integer)),
            Err(crate::gonum::NumError::Range) => {
                Err(self.panic_item(it, format!("{} is out of range for int64", it.val)))
            }
            Err(_) => {
                Err(self.panic_item(it, format!("Expected integer value, but got '{}'.", it.val)))
            }
        }
    }

    fn value_float(&mut self, it: &Item) -> PResult<(Any, TType)> {
        let parts: Vec<&str> = it
            .val
            .split(['.', 'e', 'E'])
            .filter(|p| !p.is_empty())
            .collect();
        for part in &parts {
            if !num_underscores_ok(part) {
                return Err(self.panic_item(
                    it,
                    format!(
                        "Invalid float {}: underscores must be surrounded by digits",
                        quote_str(&it.val)
                    ),
                ));
            }
        }
        if let Some(first) = parts.first() {
            if num_has_leading_zero(first) {
                return Err(self.panic_item(
                    it,
                    format!(
                        "Invalid float {}: cannot have leading zeroes",
                        quote_str(&it.val)
                    ),
                ));
            }
        }
        if !num_periods_ok(&it.val) {
            return Err(self.panic_item(
                it,
                format!(
                    "Invalid float {}: '.' must be followed by one or more digits",
                    quote_str(&it.val)
                ),
            ));
        }
        let mut val = it.val.replace('_', "");
        let mut signbit = false;
        if val == "+nan" || val == "-nan" {
            signbit = val == "-nan";
            val = "nan".into();
        }
        let num = match crate::gonum::parse_float(&val) {
            Ok(f) => f,
            Err(crate::gonum::NumError::Range) => {
                return Err(self.panic_item(it, format!("{} is out of range for float64", it.val)));
            }
            Err(_) => {
                return Err(
                    self.panic_item(it, format!("Invalid float value: {}", quote_str(&it.val)))
                )
            }
        };
        let num = if signbit { -num.abs() } else { num };
        Ok((Any::Float(num), TType::Float))
    }

    fn value_datetime(&mut self, it: &Item) -> PResult<(Any, TType)> {
        let v: String = it
            .val
            .chars()
            .map(|c| match c {
                'z' => 'Z',
                't' | ' ' => 'T',
                c => c,
            })
            .collect();
        match super::datetime::parse(&v) {
            Some(s) => Ok((Any::Time(s), TType::Datetime)),
            None => Err(self.panic_item(it, format!("invalid datetime: {}", quote_str(&v)))),
        }
    }

    fn value_array(&mut self, it: &Item) -> PResult<(Any, TType)> {
        let ck = self.current_key.clone();
        let _ = it;
        self.set_type(&ck, TType::Array);
        let mut array = Vec::new();
        loop {
            let it = self.next()?;
            if it.typ == ItemType::ArrayEnd {
                break;
            }
            if it.typ == ItemType::CommentStart {
                self.expect(ItemType::Text)?;
                continue;
            }
            let (v, _) = self.value(&it, true)?;
            array.push(v);
        }
        Ok((Any::Array(array), TType::Array))
    }

    fn value_inline_table(&mut self, parent_is_array: bool) -> PResult<(Any, TType)> {
        let top_hash = new_map();
        let outer_context = self.context.clone();
        let outer_key = self.current_key.clone();
        self.context.push(self.current_key.clone());
        let prev_context = self.context.clone();
        self.current_key.clear();
        let ctx = self.context.clone();
        self.add_implicit(&ctx);
        self.add_context(&ctx, parent_is_array)?;
        loop {
            let it = self.next()?;
            if it.typ == ItemType::InlineTableEnd {
                break;
            }
            if it.typ == ItemType::CommentStart {
                self.expect(ItemType::Text)?;
                continue;
            }
            let mut k = self.next_pos()?;
            let mut key = Vec::new();
            while k.typ != ItemType::KeyEnd && k.typ != ItemType::Eof {
                key.push(self.key_string_item(&k)?);
                k = self.next()?;
            }
            if k.typ != ItemType::KeyEnd {
                return Err(self.bug("key end"));
            }
            self.current_key = key.last().cloned().unwrap_or_default();
            let parent: Vec<String> = key[..key.len().saturating_sub(1)].to_vec();
            for p in &parent {
                let mut c = self.context.clone();
                c.push(p.clone());
                self.add_implicit_context(&c)?;
            }
            let v_item = self.next()?;
            let (val, typ) = self.value(&v_item, false)?;
            let ck = self.current_key.clone();
            self.set_value(&ck, val.clone())?;
            self.set_type(&ck, typ);
            let mut hash = top_hash.clone();
            for c in &parent {
                let existing = hash.borrow().get(c).cloned();
                let h = match existing {
                    Some(h) => h,
                    None => {
                        let m = Any::Map(new_map());
                        hash.borrow_mut().insert(c.clone(), m.clone());
                        m
                    }
                };
                match h {
                    Any::Map(m) => hash = m,
                    _ => {
                        return Err(self.panicf(format!(
                            "{} is not a table",
                            quote_str(&key_string(&self.context))
                        )))
                    }
                }
            }
            hash.borrow_mut().insert(ck, val);
            self.context = prev_context.clone();
        }
        self.context = outer_context;
        self.current_key = outer_key;
        Ok((Any::Map(top_hash), TType::Hash))
    }

    fn add_context(&mut self, key: &[String], array: bool) -> PResult<()> {
        let mut hash_context = self.mapping.clone();
        let mut key_context: Vec<String> = Vec::new();
        let parent = &key[..key.len().saturating_sub(1)];
        for k in parent {
            let exists = hash_context.borrow().contains_key(k);
            key_context.push(k.clone());
            if !exists {
                self.add_implicit(&key_context);
                hash_context
                    .borrow_mut()
                    .insert(k.clone(), Any::Map(new_map()));
            }
            let entry = hash_context.borrow().get(k).cloned();
            hash_context = match entry {
                Some(Any::MapSlice(v)) => match v.last() {
                    Some(m) => m.clone(),
                    None => {
                        return Err(self.panicf(format!(
                            "Key '{}' was already created as a hash.",
                            key_string(&key_context)
                        )))
                    }
                },
                Some(Any::Map(m)) => m,
                _ => {
                    return Err(self.panicf(format!(
                        "Key '{}' was already created as a hash.",
                        key_string(&key_context)
                    )))
                }
            };
        }
        self.context = key_context;
        let last = key.last().cloned().unwrap_or_default();
        if array {
            let existing = hash_context.borrow().get(&last).cloned();
            match existing {
                None => {
                    hash_context
                        .borrow_mut()
                        .insert(last.clone(), Any::MapSlice(vec![new_map()]));
                }
                Some(Any::MapSlice(mut v)) => {
                    v.push(new_map());
                    hash_context
                        .borrow_mut()
                        .insert(last.clone(), Any::MapSlice(v));
                }
                Some(_) => {
                    return Err(self.panicf(format!(
                        "Key '{}' was already created and cannot be used as an array.",
                        key_string(key)
                    )))
                }
            }
        } else {
            self.set_value(&last, Any::Map(new_map()))?;
        }
        self.context.push(last);
        Ok(())
    }

    fn set_value(&mut self, key: &str, value: Any) -> PResult<()> {
        let mut hash = self.mapping.clone();
        let mut key_context: Vec<String> = Vec::new();
        for k in self.context.clone() {
            key_context.push(k.clone());
            let entry = hash.borrow().get(&k).cloned();
            hash = match entry {
                None => return Err(self.bug("context not established")),
                Some(Any::MapSlice(v)) => match v.last() {
                    Some(m) => m.clone(),
                    None => {
                        return Err(self.panicf(format!(
                            "Key '{}' has already been defined.",
                            key_string(&key_context)
                        )))
                    }
                },
                Some(Any::Map(m)) => m,
                Some(_) => {
                    return Err(self.panicf(format!(
                        "Key '{}' has already been defined.",
                        key_string(&key_context)
                    )))
                }
            };
        }
        key_context.push(key.to_string());
        let exists = hash.borrow().contains_key(key);
        if exists {
            if self.is_array(&key_context) {
                if !self.is_implicit(&key_context) {
                    return Err(self.panicf(format!(
                        "Key '{}' has already been defined.",
                        key_string(&key_context)
                    )));
                }
                self.remove_implicit(&key_context);
                hash.borrow_mut().insert(key.to_string(), value);
                return Ok(());
            }
            if self.is_implicit(&key_context) {
                self.remove_implicit(&key_context);
                return Ok(());
            }
            return Err(self.panicf(format!(
                "Key '{}' has already been defined.",
                key_string(&key_context)
            )));
        }
        hash.borrow_mut().insert(key.to_string(), value);
        Ok(())
    }

    fn set_type(&mut self, key: &str, typ: TType) {
        let mut kc = self.context.clone();
        if !key.is_empty() {
            kc.push(key.to_string());
        }
        if kc.is_empty() {
            kc.push(String::new());
        }
        self.key_info.insert(key_string(&kc), typ);
    }

    fn add_implicit(&mut self, key: &[String]) {
        self.implicits.insert(key_string(key));
    }
    fn remove_implicit(&mut self, key: &[String]) {
        self.implicits.remove(&key_string(key));
    }
    fn is_implicit(&self, key: &[String]) -> bool {
        self.implicits.contains(&key_string(key))
    }
    fn is_array(&self, key: &[String]) -> bool {
        self.key_info.get(&key_string(key)) == Some(&TType::Array)
    }
    fn add_implicit_context(&mut self, key: &[String]) -> PResult<()> {
        self.add_implicit(key);
        self.add_context(key, false)
    }

    fn replace_escapes(&self, it: &Item, s: &str) -> PResult<String> {
        let mut out = String::with_capacity(s.len());
        let b = s.as_bytes();
        let mut skip = 0usize;
        for (i, c) in s.char_indices() {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some(&e) = b.get(i + 1) else {
                return Err(self.bug("escape at end of string"));
            };
            match e {
                b' ' | b'\t' => {
                    return Err(self.panic_item(it, format!("invalid escape: '\\{}'", e as char)));
                }
                b'b' => out.push('\u{8}'),
                b't' => out.push('\t'),
                b'n' => out.push('\n'),
                b'f' => out.push('\u{c}'),
                b'r' => out.push('\r'),
                b'e' => out.push('\u{1b}'),
                b'"' => out.push('"'),
                b'\\' => out.push('\\'),
                b'x' | b'u' | b'U' => {
                    let n = match e {
                        b'x' => 2,
                        b'u' => 4,
                        _ => 8,
                    };
                    let hex = s.get(i + 2..i + 2 + n).unwrap_or("");
                    if !hex.chars().all(is_hex) || hex.len() != n {
                        return Err(self.bug("bad hex escape"));
                    }
                    let v = u32::from_str_radix(hex, 16).unwrap_or(0xD800);
                    match char::from_u32(v) {
                        Some(ch) => out.push(ch),
                        None => {
                            return Err(self.panic_item(
                                it,
                                format!("Escaped character '\\u{hex}' is not valid UTF-8."),
                            ));
                        }
                    }
                    skip = n + 1;
                    continue;
                }
                _ => return Err(self.bug("bad escape")),
            }
            skip = 1;
        }
        Ok(out)
    }
}

fn strip_first_newline(s: &str) -> &str {
    if let Some(r) = s.strip_prefix('\n') {
        return r;
    }
    if let Some(r) = s.strip_prefix("\r\n") {
        return r;
    }
    s
}

fn strip_escaped_newlines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut s = s.to_string();
    let mut i = 0usize;
    loop {
        let Some(ix) = s[i..].find('\\') else {
            out.push_str(&s);
            return out;
        };
        i += ix;
        let b = s.as_bytes();
        if b.len() > i + 1 && b[i + 1] == b'\\' {
            i += 2;
            continue;
        }
        let mut j = i + 1;
        while j < b.len() && matches!(b[j], b' ' | b'\t' | b'\r' | b'\n') {
            j += 1;
        }
        if j == i + 1 {
            i += 1;
            continue;
        }
        if !s[i..j].contains('\n') {
            i += 1;
            continue;
        }
        out.push_str(&s[..i]);
        s = s[j..].to_string();
        i = 0;
    }
}

fn num_has_leading_zero(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() > 1 && b[0] == b'0' && !matches!(b[1], b'b' | b'o' | b'x') {
        return true;
    }
    b.len() > 2 && (b[0] == b'-' || b[0] == b'+') && b[1] == b'0'
}

fn num_underscores_ok(s: &str) -> bool {
    if matches!(s, "nan" | "+nan" | "-nan" | "inf" | "-inf" | "+inf") {
        return true;
    }
    let mut accept = false;
    for r in s.chars() {
        if r == '_' && !accept {
            return false;
        }
        accept = is_hex(r);
    }
    accept
}

fn num_periods_ok(s: &str) -> bool {
    let mut period = false;
    for r in s.chars() {
        if period && !r.is_ascii_digit() {
            return false;
        }
        period = r == '.';
    }
    !period
}

/// `parse(data)`: the top-level map, or the parse error.
pub(crate) fn parse(data: &str) -> Result<GoMap, ParseError> {
    let mut data = data;
    if let Some(r) = data.strip_prefix('\u{feff}') {
        data = r;
    }
    let ex = data.len().min(6);
    if data.as_bytes()[..ex].contains(&0) {
        return Err(ParseError {
            message:
                "files cannot contain NULL bytes; probably using UTF-16; TOML files must be UTF-8"
                    .into(),
            line: 1,
            last_key: String::new(),
        });
    }
    let mut p = Parser {
        lx: Lexer::new(data),
        context: Vec::new(),
        current_key: String::new(),
        pos: Pos::default(),
        key_info: HashMap::new(),
        mapping: new_map(),
        implicits: HashSet::new(),
    };
    loop {
        let item = p.next()?;
        if item.typ == ItemType::Eof {
            break;
        }
        p.top_level(item)?;
    }
    let _ = p.lx.input();
    Ok(p.mapping)
}
