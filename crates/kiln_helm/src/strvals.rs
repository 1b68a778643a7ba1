//! Helm's `--set` family of flags and the CLI's value merging.
//!
//! Mirrors Helm v4.2.3's `pkg/strvals` (`parser.go`: `ParseInto`, `ParseIntoString`,
//! `ParseJSON`, `ParseIntoFile`; `literal_parser.go`: `ParseLiteralInto`) and
//! `pkg/cli/values/options.go` (`Options.MergeValues`), quirks included:
//!
//! * `--set a=1,b=true,c=null,d=x`: `1` is an `int64` (no leading zero, fits in 64 bits),
//!   `true`/`false` (any case) are bools, `null` (any case) is nil, everything else is a
//!   string; `a={x,y}` is a list, `a=` is `""`, `a[2]=x` pads with nil, `a[0].b=x` and
//!   `a[0][1]=x` nest, `a.b.c=x` nests maps, `\` escapes the next character anywhere.
//! * An input that ends in the middle of a key (`a[0]`, `a.`) is not an error: Helm's
//!   parser stops at the end of input and keeps what it built so far.
//! * `--set-string` is `--set` with every scalar a string; `--set-file` reads each value
//!   as a file (the caller provides the reader); `--set-json` values are JSON (numbers are
//!   `float64`, an empty value is null); `--set-literal` takes everything after the first
//!   `=` as one string (no `,` splitting, no escapes).
//!
//! Errors are Helm's texts (`key "a" has no value`, `unable to parse key: interface
//! conversion: interface {} is string, not map[string]interface {}`, ...).
//!
//! Resource bounds: list indexes above 65536 are rejected as in Helm (`MaxIndex`), names
//! nested deeper than 30 dots as in Helm (`MaxNestedNameLevel`). kiln adds two limits
//! Helm does not have (Go grows its stack and heap as needed; these keep kiln from
//! crashing on hostile input): a key path may nest at most [`MAX_DEPTH`] list/map levels,
//! and one flag value may create at most [`MAX_LIST_SLOTS`] list slots.

use std::sync::Arc;

use kiln_gotmpl::{ListType, Map, MapRef, MapType, Str, Value};

use crate::values::merge_maps;

/// Helm's `strvals.MaxIndex`: the largest list index `a[N]=x` accepts.
pub const MAX_INDEX: i64 = 65536;

/// Helm's `strvals.MaxNestedNameLevel`: the most `.`-separated name levels in a key.
pub const MAX_NESTED_NAME_LEVEL: usize = 30;

/// kiln's bound on list/map nesting in one key path (`a[0][0]...`, `a[0].b[0]...`);
/// Helm has none. Deeper paths fail with an error instead of exhausting the stack.
pub const MAX_DEPTH: usize = 256;

/// kiln's bound on the list slots (elements, nil padding included) one flag value may
/// create; Helm has none. `a[65536]=x` creates 65537.
pub const MAX_LIST_SLOTS: usize = 1 << 22;

/// A parse error: Helm's message, and whether Go's `errors.Is(err, io.EOF)` holds for it
/// (such errors end parsing *successfully*), and whether it stands for a Go panic that
/// the nearest `key` frame recovers.
#[derive(Debug)]
struct PErr {
    msg: String,
    eof: bool,
    panic: bool,
}

impl PErr {
    fn eof() -> PErr {
        PErr {
            msg: "EOF".into(),
            eof: true,
            panic: false,
        }
    }

    fn new(msg: impl Into<String>) -> PErr {
        PErr {
            msg: msg.into(),
            eof: false,
            panic: false,
        }
    }

    fn panic(msg: impl Into<String>) -> PErr {
        PErr {
            msg: msg.into(),
            eof: false,
            panic: true,
        }
    }

    /// `fmt.Errorf("prefix%w", e)`.
    fn wrap(self, prefix: &str) -> PErr {
        PErr {
            msg: format!("{prefix}{}", self.msg),
            ..self
        }
    }
}

type PResult<T> = Result<T, PErr>;

/// Go's runtime message for a failed type assertion `v.(T)`.
fn assertion_panic(v: &Value, want: &str) -> PErr {
    let got = match v {
        Value::Nil => {
            return PErr::panic(format!(
                "interface conversion: interface {{}} is nil, not {want}"
            ))
        }
        other => other.type_name(),
    };
    PErr::panic(format!(
        "interface conversion: interface {{}} is {got}, not {want}"
    ))
}

const GO_MAP: &str = "map[string]interface {}";
const GO_LIST: &str = "[]interface {}";

/// `v.(map[string]any)`.
fn as_go_map(v: &Value) -> PResult<MapRef> {
    match v {
        Value::Map(m, MapType::Any) => Ok(m.clone()),
        other => Err(assertion_panic(other, GO_MAP)),
    }
}

/// `v.([]any)`.
fn as_go_list(v: &Value) -> PResult<Vec<Value>> {
    match v {
        Value::List(l, ListType::Any) => Ok(l.0.clone()),
        other => Err(assertion_panic(other, GO_LIST)),
    }
}

fn list_value(l: Vec<Value>) -> Value {
    Value::List(Arc::new(kiln_gotmpl::Items::from(l)), ListType::Any)
}

/// A `bytes.Buffer` read rune by rune (`ReadRune`/`UnreadRune`).
struct Scanner {
    chars: Vec<char>,
    pos: usize,
}

impl Scanner {
    fn new(s: &str) -> Scanner {
        Scanner {
            chars: s.chars().collect(),
            pos: 0,
        }
    }

    fn read(&mut self) -> Option<char> {
        let c = self.chars.get(self.pos).copied();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn unread(&mut self) {
        self.pos = self.pos.saturating_sub(1);
    }

    fn rest(&self) -> &[char] {
        &self.chars[self.pos..]
    }
}

/// Helm's `runesUntil`: reads up to (and consuming) a stop rune; `\` takes the next rune
/// literally. At end of input returns the runes read and `Err(EOF)`.
fn runes_until(sc: &mut Scanner, stop: &[char]) -> (Vec<char>, Option<char>, bool) {
    let mut v = Vec::new();
    loop {
        match sc.read() {
            None => return (v, None, true),
            Some(r) if stop.contains(&r) => return (v, Some(r), false),
            Some('\\') => match sc.read() {
                None => return (v, None, true),
                Some(next) => v.push(next),
            },
            Some(r) => v.push(r),
        }
    }
}

/// Helm's `runesUntilLiteral`: like [`runes_until`] without escapes.
fn runes_until_literal(sc: &mut Scanner, stop: &[char]) -> (Vec<char>, Option<char>, bool) {
    let mut v = Vec::new();
    loop {
        match sc.read() {
            None => return (v, None, true),
            Some(r) if stop.contains(&r) => return (v, Some(r), false),
            Some(r) => v.push(r),
        }
    }
}

fn string_of(rs: &[char]) -> String {
    rs.iter().collect()
}

/// Go's `strings.EqualFold(s, ascii_lower)` for the lower-case ASCII words `typedVal`
/// compares with (Unicode simple folding: `ſ` folds to `s`, `K` to `k`).
fn equal_fold(s: &str, ascii_lower: &str) -> bool {
    let mut it = s.chars();
    for t in ascii_lower.chars() {
        match it.next() {
            Some(c) if c.to_ascii_lowercase() == t => {}
            Some('\u{17F}') if t == 's' => {}
            Some('\u{212A}') if t == 'k' => {}
            _ => return false,
        }
    }
    it.next().is_none()
}

/// Helm's `typedVal`: the Go value `--set` gives a scalar (`st`: `--set-string`).
pub fn typed_val(val: &str, st: bool) -> Value {
    if st {
        return Value::str(val);
    }
    if equal_fold(val, "true") {
        return Value::Bool(true);
    }
    if equal_fold(val, "false") {
        return Value::Bool(false);
    }
    if equal_fold(val, "null") {
        return Value::Nil;
    }
    if val == "0" {
        return Value::int64(0);
    }
    if !val.is_empty() && !val.starts_with('0') {
        // Go's strconv.ParseInt(val, 10, 64): optional sign, ASCII digits, in range —
        // exactly what Rust's i64 parser accepts.
        if let Ok(i) = val.parse::<i64>() {
            return Value::int64(i);
        }
    }
    Value::str(val)
}

/// Go's `strconv.Atoi` with its error text.
fn atoi(s: &str) -> Result<i64, String> {
    use std::num::IntErrorKind;
    s.parse::<i64>().map_err(|e| {
        let q = kiln_gotmpl::fmt::quote(s);
        match e.kind() {
            IntErrorKind::PosOverflow | IntErrorKind::NegOverflow => {
                format!("strconv.Atoi: parsing {q}: value out of range")
            }
            _ => format!("strconv.Atoi: parsing {q}: invalid syntax"),
        }
    })
}

/// Go's `fmt.Sprintf("%q", []rune)`: `['a' 'b']`.
fn quote_runes(rs: &[char]) -> String {
    let mut out = String::from("[");
    for (i, r) in rs.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        kiln_gotmpl::fmt::append_quote_rune(&mut out, *r as i64, false);
    }
    out.push(']');
    out
}

/// Go's `unicode.IsSpace`.
fn is_go_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r' | ' ' | '\u{85}' | '\u{A0}'
    ) || (c as u32 > 0xFF && c.is_whitespace())
}

/// How a [`Parser`] turns value runes into a value (Helm's `RunesValueReader`).
enum Reader<'a> {
    /// `--set` (`false`) / `--set-string` (`true`).
    Typed(bool),
    /// `--set-json`: values are JSON documents.
    Json,
    /// `--set-file`: the value is a path; the closure returns the file's content.
    File(&'a dyn Fn(&str) -> Result<String, String>),
}

/// Helm's `strvals.parser`.
struct Parser<'a> {
    sc: Scanner,
    reader: Reader<'a>,
    depth: usize,
    slots: usize,
}

impl Parser<'_> {
    fn read_value(&self, rs: &[char]) -> PResult<Value> {
        let s = string_of(rs);
        match &self.reader {
            Reader::Typed(st) => Ok(typed_val(&s, *st)),
            Reader::File(f) => f(&s).map(Value::from).map_err(PErr::new),
            // The JSON parser never reads values through the reader.
            Reader::Json => Ok(Value::str(&s)),
        }
    }

    fn is_json(&self) -> bool {
        matches!(self.reader, Reader::Json)
    }

    fn parse(&mut self, data: &MapRef) -> Result<(), String> {
        loop {
            match self.key(data, 0) {
                Ok(()) => continue,
                Err(e) if e.eof => return Ok(()),
                Err(e) => return Err(e.msg),
            }
        }
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.depth -= 1;
            return Err(PErr::new(format!(
                "key nesting is deeper than kiln's limit of {MAX_DEPTH} levels"
            )));
        }
        Ok(())
    }

    /// Helm's `parser.key`, including its `recover` of panics (type assertions).
    fn key(&mut self, data: &MapRef, level: usize) -> PResult<()> {
        self.enter()?;
        let r = self.key_inner(data, level);
        self.depth -= 1;
        r.map_err(|e| {
            if e.panic {
                PErr::new(format!("unable to parse key: {}", e.msg))
            } else {
                e
            }
        })
    }

    fn key_inner(&mut self, data: &MapRef, mut level: usize) -> PResult<()> {
        let (k, last, eof) = runes_until(&mut self.sc, &['=', '[', ',', '.']);
        let ks = string_of(&k);
        if eof {
            if k.is_empty() {
                return Err(PErr::eof());
            }
            return Err(PErr::new(format!(
                "key {} has no value",
                kiln_gotmpl::fmt::quote(&ks)
            )));
        }
        match last {
            Some('[') => {
                let i = self
                    .key_index()
                    .map_err(|e| e.wrap("error parsing index: "))?;
                let list = match data.get(&ks) {
                    Some(v) => as_go_list(&v)?,
                    None => Vec::new(),
                };
                let (list, r) = self.list_item(list, i, level);
                if matches!(&r, Err(e) if e.panic) {
                    return r;
                }
                set(data, &ks, list_value(list));
                r
            }
            Some('=') => {
                if self.is_json() {
                    if self.empty_val() {
                        set(data, &ks, Value::Nil);
                        return Ok(());
                    }
                    let v = self.json_value()?;
                    set(data, &ks, v);
                    self.empty_val();
                    return Ok(());
                }
                match self.val_list() {
                    Ok(vl) => {
                        set(data, &ks, list_value(vl));
                        Ok(())
                    }
                    Err(ValListErr::Eof) => {
                        set(data, &ks, Value::str(""));
                        Err(PErr::eof())
                    }
                    Err(ValListErr::NotList) => {
                        let (rs, _) = self.val();
                        let v = self.read_value(&rs);
                        match v {
                            Ok(v) => {
                                set(data, &ks, v);
                                Ok(())
                            }
                            Err(e) => {
                                // Go sets the reader's (nil) value before returning.
                                set(data, &ks, Value::Nil);
                                Err(e)
                            }
                        }
                    }
                    Err(ValListErr::Other(e)) => Err(e),
                }
            }
            Some(',') => {
                set(data, &ks, Value::str(""));
                Err(PErr::new(format!(
                    "key {} has no value (cannot end with ,)",
                    kiln_gotmpl::fmt::quote(&ks)
                )))
            }
            Some('.') => {
                level += 1;
                if level > MAX_NESTED_NAME_LEVEL {
                    return Err(PErr::new(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
                    )));
                }
                let inner = match data.get(&ks) {
                    Some(v) => as_go_map(&v)?,
                    None => MapRef::new(Map::new()),
                };
                let e = self.key(&inner, level);
                if e.is_ok() && inner.is_empty() {
                    return Err(PErr::new(format!(
                        "key map {} has no value",
                        kiln_gotmpl::fmt::quote(&ks)
                    )));
                }
                if !inner.is_empty() {
                    set(data, &ks, Value::Map(inner, MapType::Any));
                }
                e
            }
            _ => Err(PErr::eof()),
        }
    }

    /// Helm's `keyIndex`: the index between `[` and `]`.
    fn key_index(&mut self) -> PResult<i64> {
        let (v, _, eof) = runes_until(&mut self.sc, &[']']);
        if eof {
            return Err(PErr::eof());
        }
        atoi(&string_of(&v)).map_err(PErr::new)
    }

    /// Helm's `setIndex`.
    fn set_index(
        &mut self,
        mut list: Vec<Value>,
        index: i64,
        val: Value,
    ) -> (Vec<Value>, PResult<()>) {
        if index < 0 {
            return (
                list,
                Err(PErr::new(format!("negative {index} index not allowed"))),
            );
        }
        if index > MAX_INDEX {
            return (
                list,
                Err(PErr::new(format!(
                    "index of {index} is greater than maximum supported index of {MAX_INDEX}"
                ))),
            );
        }
        let index = index as usize;
        if list.len() <= index {
            self.slots += index + 1;
            if self.slots > MAX_LIST_SLOTS {
                return (
                    list,
                    Err(PErr::new(format!(
                        "list indexes create more than kiln's limit of {MAX_LIST_SLOTS} elements"
                    ))),
                );
            }
            list.resize(index + 1, Value::Nil);
        }
        list[index] = val;
        (list, Ok(()))
    }

    /// Helm's `listItem`: what follows `name[i]`. Returns the list even on error, as Go
    /// does (the caller stores it anyway).
    fn list_item(&mut self, list: Vec<Value>, i: i64, level: usize) -> (Vec<Value>, PResult<()>) {
        if let Err(e) = self.enter() {
            return (list, Err(e));
        }
        let r = self.list_item_inner(list, i, level);
        self.depth -= 1;
        r
    }

    fn list_item_inner(
        &mut self,
        mut list: Vec<Value>,
        i: i64,
        level: usize,
    ) -> (Vec<Value>, PResult<()>) {
        if i < 0 {
            return (
                list,
                Err(PErr::new(format!("negative {i} index not allowed"))),
            );
        }
        let (k, last, eof) = runes_until(&mut self.sc, &['[', '.', '=']);
        if !k.is_empty() {
            return (
                list,
                Err(PErr::new(format!(
                    "unexpected data at end of array index: {}",
                    quote_runes(&k)
                ))),
            );
        }
        if eof {
            return (list, Err(PErr::eof()));
        }
        match last {
            Some('=') => {
                if self.is_json() {
                    if self.empty_val() {
                        return self.set_index(list, i, Value::Nil);
                    }
                    let v = match self.json_value() {
                        Ok(v) => v,
                        Err(e) => return (list, Err(e)),
                    };
                    let (list, r) = self.set_index(list, i, v);
                    if r.is_err() {
                        return (list, r);
                    }
                    self.empty_val();
                    return (list, Ok(()));
                }
                match self.val_list() {
                    Ok(vl) => self.set_index(list, i, list_value(vl)),
                    Err(ValListErr::Eof) => self.set_index(list, i, Value::str("")),
                    Err(ValListErr::NotList) => {
                        let (rs, _) = self.val();
                        match self.read_value(&rs) {
                            Ok(v) => self.set_index(list, i, v),
                            Err(e) => (list, Err(e)),
                        }
                    }
                    Err(ValListErr::Other(e)) => (list, Err(e)),
                }
            }
            Some('[') => {
                let next_i = match self.key_index() {
                    Ok(n) => n,
                    Err(e) => return (list, Err(e.wrap("error parsing index: "))),
                };
                let idx = i as usize;
                let mut existing = false;
                let crt = if list.len() > idx && !list[idx].is_nil() {
                    match as_go_list(&list[idx]) {
                        Ok(l) => {
                            existing = true;
                            l
                        }
                        Err(e) => return (list, Err(e)),
                    }
                } else {
                    Vec::new()
                };
                let (list2, r) = self.list_item(crt, next_i, level);
                if let Err(e) = r {
                    // Go's inner slice shares its array with list[i]: changes made in
                    // place before the error stay visible.
                    if existing && !e.panic {
                        list[idx] = list_value(list2);
                    }
                    return (list, Err(e));
                }
                self.set_index(list, i, list_value(list2))
            }
            Some('.') => {
                let idx = i as usize;
                let inner = if list.len() > idx {
                    match &list[idx] {
                        Value::Map(m, MapType::Any) => m.clone(),
                        _ => {
                            let m = MapRef::new(Map::new());
                            list[idx] = Value::Map(m.clone(), MapType::Any);
                            m
                        }
                    }
                } else {
                    MapRef::new(Map::new())
                };
                if let Err(e) = self.key(&inner, level) {
                    return (list, Err(e));
                }
                self.set_index(list, i, Value::Map(inner, MapType::Any))
            }
            _ => (list, Err(PErr::eof())),
        }
    }

    /// Helm's `emptyVal`: skips spaces; true at end of input or after a consumed `,`.
    fn empty_val(&mut self) -> bool {
        loop {
            match self.sc.read() {
                None => return true,
                Some(',') => return true,
                Some(c) if is_go_space(c) => {}
                Some(_) => {
                    self.sc.unread();
                    return false;
                }
            }
        }
    }

    /// Decodes one JSON value from the rest of the input (Go's `json.Decoder.Decode`)
    /// and consumes exactly its text (`InputOffset`).
    fn json_value(&mut self) -> PResult<Value> {
        let rest = self.sc.rest();
        let mut jp = JsonParser { s: rest, pos: 0 };
        jp.skip_ws();
        // Go's scanner ends a number or literal at any rune that cannot continue it
        // (`1x` decodes as 1 and leaves `x`); a later Decode would complain, but Helm
        // never calls one.
        let v = jp.value(0).map_err(PErr::new)?;
        self.sc.pos += jp.pos;
        Ok(v)
    }

    /// Helm's `val`: runes up to the next `,`.
    fn val(&mut self) -> (Vec<char>, bool) {
        let (v, _, eof) = runes_until(&mut self.sc, &[',']);
        (v, eof)
    }

    /// Helm's `valList`: `{a,b}`.
    fn val_list(&mut self) -> Result<Vec<Value>, ValListErr> {
        match self.sc.read() {
            None => return Err(ValListErr::Eof),
            Some('{') => {}
            Some(_) => {
                self.sc.unread();
                return Err(ValListErr::NotList);
            }
        }
        let mut list = Vec::new();
        loop {
            let (rs, last, eof) = runes_until(&mut self.sc, &[',', '}']);
            if eof {
                return Err(ValListErr::Other(PErr::new("list must terminate with '}'")));
            }
            match last {
                Some('}') => {
                    if let Some(r) = self.sc.read() {
                        if r != ',' {
                            self.sc.unread();
                        }
                    }
                    let v = self.read_value(&rs).map_err(ValListErr::Other)?;
                    list.push(v);
                    return Ok(list);
                }
                _ => {
                    let v = self.read_value(&rs).map_err(ValListErr::Other)?;
                    list.push(v);
                }
            }
        }
    }
}

enum ValListErr {
    Eof,
    NotList,
    Other(PErr),
}

/// Helm's `set`: empty keys are ignored.
fn set(data: &MapRef, key: &str, val: Value) {
    if key.is_empty() {
        return;
    }
    data.insert(Str::from(key), val);
}

/// Runs `f` on `base` as a shared Go map and writes the result back (also on error: Go
/// changes the map in place as it goes).
fn with_map<T>(base: &mut Map, f: impl FnOnce(&MapRef) -> T) -> T {
    let m = MapRef::new(std::mem::take(base));
    let r = f(&m);
    *base = (*m.snapshot()).clone();
    r
}

fn run(s: &str, base: &mut Map, reader: Reader<'_>) -> Result<(), String> {
    with_map(base, |m| {
        Parser {
            sc: Scanner::new(s),
            reader,
            depth: 0,
            slots: 0,
        }
        .parse(m)
    })
}

/// `--set`: Helm's `strvals.ParseInto(s, base)`. Values are typed (see the module docs);
/// existing keys are overwritten, maps are extended in place.
///
/// Errors are Helm's texts without the `failed parsing --set data: ` prefix that
/// [`ValueOptions::merge_values`] adds.
pub fn parse_set(s: &str, base: &mut Map) -> Result<(), String> {
    run(s, base, Reader::Typed(false))
}

/// `--set-string`: Helm's `strvals.ParseIntoString`: like [`parse_set`], every scalar a
/// string.
pub fn parse_set_string(s: &str, base: &mut Map) -> Result<(), String> {
    run(s, base, Reader::Typed(true))
}

/// `--set-json` in `key=JSON` form: Helm's `strvals.ParseJSON`. Each value is one JSON
/// document (numbers `float64`); an empty value is null. (The `{...}` whole-object form
/// of the flag is handled by [`ValueOptions::merge_values`].)
pub fn parse_set_json(s: &str, base: &mut Map) -> Result<(), String> {
    run(s, base, Reader::Json)
}

/// `--set-file`: Helm's `strvals.ParseIntoFile`: like `--set`, but each value (also each
/// element of `{a,b}`) is a path whose content, read with `read_file`, becomes the string
/// value. `read_file`'s error is returned as is.
pub fn parse_set_file(
    s: &str,
    base: &mut Map,
    read_file: &dyn Fn(&str) -> Result<String, String>,
) -> Result<(), String> {
    run(s, base, Reader::File(read_file))
}

/// `--set-literal`: Helm's `strvals.ParseLiteralInto`: `key=value` where the value is
/// everything after the first `=`, as one string (keys still nest with `.` and `[i]`).
pub fn parse_set_literal(s: &str, base: &mut Map) -> Result<(), String> {
    with_map(base, |m| {
        LiteralParser {
            sc: Scanner::new(s),
            depth: 0,
            slots: 0,
        }
        .parse(m)
    })
}

/// Helm's `strvals.literalParser`.
struct LiteralParser {
    sc: Scanner,
    depth: usize,
    slots: usize,
}

impl LiteralParser {
    fn parse(&mut self, data: &MapRef) -> Result<(), String> {
        loop {
            match self.key(data, 0) {
                Ok(()) => continue,
                Err(e) if e.eof => return Ok(()),
                Err(e) => return Err(e.msg),
            }
        }
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.depth -= 1;
            return Err(PErr::new(format!(
                "key nesting is deeper than kiln's limit of {MAX_DEPTH} levels"
            )));
        }
        Ok(())
    }

    fn key(&mut self, data: &MapRef, level: usize) -> PResult<()> {
        self.enter()?;
        let r = self.key_inner(data, level);
        self.depth -= 1;
        r.map_err(|e| {
            if e.panic {
                PErr::new(format!("unable to parse key: {}", e.msg))
            } else {
                e
            }
        })
    }

    fn rest(&mut self) -> String {
        let (v, _, _) = runes_until_literal(&mut self.sc, &[]);
        string_of(&v)
    }

    fn key_inner(&mut self, data: &MapRef, mut level: usize) -> PResult<()> {
        let (k, last, eof) = runes_until_literal(&mut self.sc, &['=', '[', '.']);
        let ks = string_of(&k);
        if eof {
            if k.is_empty() {
                return Err(PErr::eof());
            }
            return Err(PErr::new(format!(
                "key {} has no value",
                kiln_gotmpl::fmt::quote(&ks)
            )));
        }
        match last {
            Some('=') => {
                let v = self.rest();
                set(data, &ks, Value::from(v));
                Ok(())
            }
            Some('.') => {
                level += 1;
                if level > MAX_NESTED_NAME_LEVEL {
                    return Err(PErr::new(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
                    )));
                }
                let inner = match data.get(&ks) {
                    Some(v) => as_go_map(&v)?,
                    None => MapRef::new(Map::new()),
                };
                let e = self.key(&inner, level);
                if e.is_ok() && inner.is_empty() {
                    return Err(PErr::new(format!(
                        "key map {} has no value",
                        kiln_gotmpl::fmt::quote(&ks)
                    )));
                }
                if !inner.is_empty() {
                    set(data, &ks, Value::Map(inner, MapType::Any));
                }
                e
            }
            Some('[') => {
                let i = self
                    .key_index()
                    .map_err(|e| e.wrap("error parsing index: "))?;
                let list = match data.get(&ks) {
                    Some(v) => as_go_list(&v)?,
                    None => Vec::new(),
                };
                let (list, r) = self.list_item(list, i, level);
                if matches!(&r, Err(e) if e.panic) {
                    return r;
                }
                set(data, &ks, list_value(list));
                r
            }
            _ => Err(PErr::eof()),
        }
    }

    fn key_index(&mut self) -> PResult<i64> {
        let (v, _, eof) = runes_until_literal(&mut self.sc, &[']']);
        if eof {
            return Err(PErr::eof());
        }
        atoi(&string_of(&v)).map_err(PErr::new)
    }

    fn set_index(&mut self, list: Vec<Value>, index: i64, val: Value) -> (Vec<Value>, PResult<()>) {
        // Shares the bounds and accounting of the `--set` parser.
        let mut p = Parser {
            sc: Scanner::new(""),
            reader: Reader::Typed(true),
            depth: 0,
            slots: self.slots,
        };
        let r = p.set_index(list, index, val);
        self.slots = p.slots;
        r
    }

    fn list_item(&mut self, list: Vec<Value>, i: i64, level: usize) -> (Vec<Value>, PResult<()>) {
        if let Err(e) = self.enter() {
            return (list, Err(e));
        }
        let r = self.list_item_inner(list, i, level);
        self.depth -= 1;
        r
    }

    fn list_item_inner(
        &mut self,
        mut list: Vec<Value>,
        i: i64,
        level: usize,
    ) -> (Vec<Value>, PResult<()>) {
        if i < 0 {
            return (
                list,
                Err(PErr::new(format!("negative {i} index not allowed"))),
            );
        }
        let (k, last, eof) = runes_until_literal(&mut self.sc, &['[', '.', '=']);
        if !k.is_empty() {
            return (
                list,
                Err(PErr::new(format!(
                    "unexpected data at end of array index: {}",
                    quote_runes(&k)
                ))),
            );
        }
        if eof {
            return (list, Err(PErr::eof()));
        }
        match last {
            Some('=') => {
                let v = self.rest();
                self.set_index(list, i, Value::from(v))
            }
            Some('.') => {
                let idx = i as usize;
                let inner = if list.len() > idx {
                    match &list[idx] {
                        Value::Map(m, MapType::Any) => m.clone(),
                        _ => {
                            let m = MapRef::new(Map::new());
                            list[idx] = Value::Map(m.clone(), MapType::Any);
                            m
                        }
                    }
                } else {
                    MapRef::new(Map::new())
                };
                if let Err(e) = self.key(&inner, level) {
                    return (list, Err(e));
                }
                self.set_index(list, i, Value::Map(inner, MapType::Any))
            }
            Some('[') => {
                let next_i = match self.key_index() {
                    Ok(n) => n,
                    Err(e) => return (list, Err(e.wrap("error parsing index: "))),
                };
                let idx = i as usize;
                let mut existing = false;
                let crt = if list.len() > idx && !list[idx].is_nil() {
                    match as_go_list(&list[idx]) {
                        Ok(l) => {
                            existing = true;
                            l
                        }
                        Err(e) => return (list, Err(e)),
                    }
                } else {
                    Vec::new()
                };
                let (list2, r) = self.list_item(crt, next_i, level);
                if let Err(e) = r {
                    if existing && !e.panic {
                        list[idx] = list_value(list2);
                    }
                    return (list, Err(e));
                }
                self.set_index(list, i, list_value(list2))
            }
            _ => (list, Err(PErr::eof())),
        }
    }
}

/// Maximum JSON nesting kiln decodes (Go's decoder allows 10000; kiln stops earlier to
/// stay within its stack).
const JSON_MAX_DEPTH: usize = 512;

/// A JSON decoder with Go's `encoding/json` results for `interface{}`: objects become
/// `map[string]interface {}` (later duplicate keys win), arrays `[]interface {}`, numbers
/// `float64`. Error texts follow Go's scanner.
struct JsonParser<'a> {
    s: &'a [char],
    pos: usize,
}

impl JsonParser<'_> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r')) {
            self.pos += 1;
        }
    }

    fn unexpected(&self, context: &str) -> String {
        match self.peek() {
            None => "unexpected EOF".into(),
            Some(c) => format!("invalid character {} {context}", quote_char(c)),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, String> {
        if depth > JSON_MAX_DEPTH {
            return Err("exceeded max depth".into());
        }
        match self.peek() {
            None => Err("unexpected EOF".into()),
            Some('{') => {
                self.pos += 1;
                let mut m = Map::new();
                self.skip_ws();
                if self.peek() == Some('}') {
                    self.pos += 1;
                    return Ok(Value::map(m));
                }
                loop {
                    self.skip_ws();
                    if self.peek() != Some('"') {
                        return Err(self.unexpected("looking for beginning of object key string"));
                    }
                    let k = self.string()?;
                    self.skip_ws();
                    if self.peek() != Some(':') {
                        return Err(self.unexpected("after object key"));
                    }
                    self.pos += 1;
                    self.skip_ws();
                    let v = self.value(depth + 1)?;
                    m.insert(Str::from(k), v);
                    self.skip_ws();
                    match self.peek() {
                        Some(',') => self.pos += 1,
                        Some('}') => {
                            self.pos += 1;
                            return Ok(Value::map(m));
                        }
                        _ => return Err(self.unexpected("after object key:value pair")),
                    }
                }
            }
            Some('[') => {
                self.pos += 1;
                let mut l = Vec::new();
                self.skip_ws();
                if self.peek() == Some(']') {
                    self.pos += 1;
                    return Ok(Value::list(l));
                }
                loop {
                    self.skip_ws();
                    l.push(self.value(depth + 1)?);
                    self.skip_ws();
                    match self.peek() {
                        Some(',') => self.pos += 1,
                        Some(']') => {
                            self.pos += 1;
                            return Ok(Value::list(l));
                        }
                        _ => return Err(self.unexpected("after array element")),
                    }
                }
            }
            Some('"') => Ok(Value::from(self.string()?)),
            Some('t') => self.literal("true", Value::Bool(true)),
            Some('f') => self.literal("false", Value::Bool(false)),
            Some('n') => self.literal("null", Value::Nil),
            Some('-' | '0'..='9') => self.number(),
            Some(_) => Err(self.unexpected("looking for beginning of value")),
        }
    }

    fn literal(&mut self, word: &str, v: Value) -> Result<Value, String> {
        for (i, w) in word.chars().enumerate() {
            match self.peek() {
                Some(c) if c == w => self.pos += 1,
                _ if i == 0 => return Err(self.unexpected("looking for beginning of value")),
                _ => {
                    return Err(self
                        .unexpected(&format!("in literal {word} (expecting {})", quote_char(w))));
                }
            }
        }
        Ok(v)
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some('0'..='9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Value, String> {
        let start = self.pos;
        if self.peek() == Some('-') {
            self.pos += 1;
            if !matches!(self.peek(), Some('0'..='9')) {
                return Err(self.unexpected("in numeric literal"));
            }
        }
        if self.peek() == Some('0') {
            self.pos += 1;
        } else {
            self.digits();
        }
        if self.peek() == Some('.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.unexpected("after decimal point in numeric literal"));
            }
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some('+' | '-')) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.unexpected("in exponent of numeric literal"));
            }
        }
        let text: String = self.s[start..self.pos].iter().collect();
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Value::Float(f)),
            _ => Err(format!(
                "json: cannot unmarshal number {text} into Go value of type float64"
            )),
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let mut n = 0u32;
        for _ in 0..4 {
            let d = self.peek()?.to_digit(16)?;
            n = n * 16 + d;
            self.pos += 1;
        }
        Some(n)
    }

    fn string(&mut self) -> Result<String, String> {
        self.pos += 1; // opening quote
        let mut out = String::new();
        loop {
            match self.peek() {
                None => return Err("unexpected EOF".into()),
                Some('"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some('\\') => {
                    self.pos += 1;
                    let c = match self.peek() {
                        None => return Err("unexpected EOF".into()),
                        Some(c) => c,
                    };
                    self.pos += 1;
                    match c {
                        '"' | '\\' | '/' => out.push(c),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{C}'),
                        'n' => out.push('\n'),
                        'r' => out.push('\r'),
                        't' => out.push('\t'),
                        'u' => {
                            let Some(hi) = self.hex4() else {
                                return Err(self.unexpected("in \\u hexadecimal character escape"));
                            };
                            let mut ch = char::from_u32(hi);
                            if (0xD800..0xDC00).contains(&hi) {
                                // A surrogate pair, else U+FFFD (Go's decoder).
                                let save = self.pos;
                                ch = None;
                                if self.peek() == Some('\\') {
                                    self.pos += 1;
                                    if self.peek() == Some('u') {
                                        self.pos += 1;
                                        if let Some(lo) = self.hex4() {
                                            if (0xDC00..0xE000).contains(&lo) {
                                                ch = char::from_u32(
                                                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00),
                                                );
                                            }
                                        }
                                    }
                                }
                                if ch.is_none() {
                                    self.pos = save;
                                }
                            }
                            out.push(ch.unwrap_or('\u{FFFD}'));
                        }
                        _ => {
                            self.pos -= 1;
                            return Err(self.unexpected("in string escape code"));
                        }
                    }
                }
                Some(c) if (c as u32) < 0x20 => {
                    return Err(self.unexpected("in string literal"));
                }
                Some(c) => {
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
    }
}

/// Go's `quoteChar` in encoding/json's scanner errors.
fn quote_char(c: char) -> String {
    match c {
        '\'' => "'\\''".into(),
        '"' => "'\"'".into(),
        _ => {
            let mut s = String::new();
            kiln_gotmpl::fmt::append_quote_rune(&mut s, c as i64, false);
            s
        }
    }
}

/// Go's `json.Unmarshal(data, &map[string]any)` for the `--set-json '{...}'` form: one
/// JSON object, only whitespace around it.
fn json_object(s: &str) -> Option<Map> {
    let chars: Vec<char> = s.chars().collect();
    let mut jp = JsonParser { s: &chars, pos: 0 };
    jp.skip_ws();
    let v = jp.value(0).ok()?;
    jp.skip_ws();
    if jp.pos != chars.len() {
        return None;
    }
    match v {
        Value::Map(m, _) => Some((*m.snapshot()).clone()),
        _ => None,
    }
}

/// The `-f`/`--set*` flags of `helm template` (Helm's `values.Options`), each in the
/// order given on the command line.
#[derive(Clone, Debug, Default)]
pub struct ValueOptions {
    /// `-f/--values`: paths (or whatever `read_file` understands, e.g. `-`).
    pub value_files: Vec<String>,
    /// `--set`.
    pub set: Vec<String>,
    /// `--set-string`.
    pub set_string: Vec<String>,
    /// `--set-json`.
    pub set_json: Vec<String>,
    /// `--set-file`.
    pub set_file: Vec<String>,
    /// `--set-literal`.
    pub set_literal: Vec<String>,
}

impl ValueOptions {
    /// Helm's `Options.MergeValues`: the user-supplied values. Order: every `-f` file
    /// (multi-document, merged with `MergeMaps`), then `--set-json`, `--set`,
    /// `--set-string`, `--set-file`, `--set-literal`.
    ///
    /// `read_file(path)` returns a file's content (used for `-f` and `--set-file`); its
    /// error text is returned unchanged for `-f` and after `failed parsing --set-file
    /// data: ` for `--set-file`. Other errors are Helm's: `failed to parse PATH: ...`,
    /// `failed parsing --set-json data JSON: VALUE`, `failed parsing --set-json data
    /// VALUE`, `failed parsing --set data: ...`, `failed parsing --set-string data: ...`,
    /// `failed parsing --set-literal data: ...`.
    pub fn merge_values(
        &self,
        read_file: &dyn Fn(&str) -> Result<String, String>,
    ) -> Result<Map, String> {
        let mut base = Map::new();
        for path in &self.value_files {
            let raw = read_file(path)?;
            let current = crate::loader::load_values(&raw)
                .map_err(|(msg, _)| format!("failed to parse {path}: {msg}"))?;
            base = merge_maps(base, current);
        }
        for value in &self.set_json {
            let trimmed = value.trim_matches(is_go_space);
            if trimmed.starts_with('{') {
                let m = json_object(trimmed)
                    .ok_or_else(|| format!("failed parsing --set-json data JSON: {value}"))?;
                base = merge_maps(base, m);
            } else if parse_set_json(value, &mut base).is_err() {
                return Err(format!("failed parsing --set-json data {value}"));
            }
        }
        for value in &self.set {
            parse_set(value, &mut base).map_err(|e| format!("failed parsing --set data: {e}"))?;
        }
        for value in &self.set_string {
            parse_set_string(value, &mut base)
                .map_err(|e| format!("failed parsing --set-string data: {e}"))?;
        }
        for value in &self.set_file {
            parse_set_file(value, &mut base, read_file)
                .map_err(|e| format!("failed parsing --set-file data: {e}"))?;
        }
        for value in &self.set_literal {
            parse_set_literal(value, &mut base)
                .map_err(|e| format!("failed parsing --set-literal data: {e}"))?;
        }
        Ok(base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Debug` of the values: strings quoted, `int64` as `5i64`, floats as `5.0f`.
    fn show(m: &Map) -> String {
        format!("{:?}", Value::map(m.clone()))
    }

    fn set_ok(s: &str) -> String {
        let mut m = Map::new();
        parse_set(s, &mut m).unwrap_or_else(|e| panic!("{s}: {e}"));
        show(&m)
    }

    fn set_err(s: &str) -> String {
        let mut m = Map::new();
        parse_set(s, &mut m).expect_err(s)
    }

    fn json_ok(s: &str) -> String {
        let mut m = Map::new();
        parse_set_json(s, &mut m).unwrap_or_else(|e| panic!("{s}: {e}"));
        show(&m)
    }

    fn literal_ok(s: &str) -> String {
        let mut m = Map::new();
        parse_set_literal(s, &mut m).unwrap_or_else(|e| panic!("{s}: {e}"));
        show(&m)
    }

    /// Parses YAML into a map (for `-f`-like starting points).
    fn base(yaml: &str) -> Map {
        crate::loader::load_values(yaml).unwrap()
    }

    #[test]
    fn typed_scalars() {
        assert_eq!(
            set_ok("name1=null,f=false,t=true"),
            r#"{"f": false, "name1": nil, "t": true}"#
        );
        assert_eq!(
            set_ok("b=FaLsE,c=NULL,d=-01,e=+5,f=00"),
            r#"{"b": false, "c": nil, "d": -1i64, "e": 5i64, "f": "00"}"#
        );
        assert_eq!(set_ok("zero_int=0"), r#"{"zero_int": 0i64}"#);
        assert_eq!(
            set_ok("long_int=1234567890"),
            r#"{"long_int": 1234567890i64}"#
        );
        assert_eq!(
            set_ok("leading_zeros=00009"),
            r#"{"leading_zeros": "00009"}"#
        );
        assert_eq!(set_ok("n=1000000"), r#"{"n": 1000000i64}"#);
        assert_eq!(
            set_ok("big=9223372036854775808"),
            r#"{"big": "9223372036854775808"}"#
        );
        assert_eq!(set_ok("f=1.5,e=1e3"), r#"{"e": "1e3", "f": "1.5"}"#);
        assert_eq!(set_ok("s=fal\u{17F}e"), r#"{"s": false}"#);
        assert_eq!(set_ok("u=1_000"), r#"{"u": "1_000"}"#);
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(set_ok("name1=value1"), r#"{"name1": "value1"}"#);
        assert_eq!(
            set_ok("name1=value1,name2=value2,"),
            r#"{"name1": "value1", "name2": "value2"}"#
        );
        assert_eq!(
            set_ok("name1=,name2=value2"),
            r#"{"name1": "", "name2": "value2"}"#
        );
        assert_eq!(
            set_ok("name1=one\\,two,name2=three\\,four"),
            r#"{"name1": "one,two", "name2": "three,four"}"#
        );
        assert_eq!(set_ok("name1=one\\=two"), r#"{"name1": "one=two"}"#);
        assert_eq!(
            set_ok("name1=one two three"),
            r#"{"name1": "one two three"}"#
        );
        assert_eq!(set_ok("a=b\\,c\\"), r#"{"a": "b,c"}"#);
        assert_eq!(set_ok("a\\.b=c"), r#"{"a.b": "c"}"#);
        assert_eq!(set_ok("=x"), "{}");
        assert_eq!(set_ok(""), "{}");
    }

    #[test]
    fn nesting() {
        assert_eq!(
            set_ok("outer.inner=value"),
            r#"{"outer": {"inner": "value"}}"#
        );
        assert_eq!(
            set_ok("outer.inner1=value,outer.middle.inner=value"),
            r#"{"outer": {"inner1": "value", "middle": {"inner": "value"}}}"#
        );
        assert_eq!(set_ok("name1.name2="), r#"{"name1": {"name2": ""}}"#);
        // Input ending inside a key is not an error; nothing is set.
        assert_eq!(set_ok("a."), "{}");
        assert_eq!(set_ok("a[1"), "{}");
    }

    #[test]
    fn lists() {
        assert_eq!(
            set_ok("name1={value1,value2}"),
            r#"{"name1": ["value1", "value2"]}"#
        );
        assert_eq!(
            set_ok("name1={1021,902}"),
            r#"{"name1": [1021i64, 902i64]}"#
        );
        assert_eq!(
            set_ok("name1.name2={value1,value2}"),
            r#"{"name1": {"name2": ["value1", "value2"]}}"#
        );
        assert_eq!(set_ok("a={}"), r#"{"a": [""]}"#);
        assert_eq!(
            set_ok("list[0]=foo,list[1]=bar,"),
            r#"{"list": ["foo", "bar"]}"#
        );
        assert_eq!(
            set_ok("list[0]=foo,list[3]=bar"),
            r#"{"list": ["foo", nil, nil, "bar"]}"#
        );
        assert_eq!(
            set_ok("list[0].foo=bar,list[0].hello=world"),
            r#"{"list": [{"foo": "bar", "hello": "world"}]}"#
        );
        assert_eq!(set_ok("noval[0]"), r#"{"noval": []}"#);
        assert_eq!(set_ok("noval[0]="), r#"{"noval": [""]}"#);
        assert_eq!(set_ok("nested[0][0]=1"), r#"{"nested": [[1i64]]}"#);
        assert_eq!(
            set_ok("nested[1][1]=1"),
            r#"{"nested": [nil, [nil, 1i64]]}"#
        );
        assert_eq!(set_ok("a[0][1]"), r#"{"a": []}"#);
        assert_eq!(
            set_ok("name1.name2[1].foo=bar,name1.name2[0].foo=bar"),
            r#"{"name1": {"name2": [{"foo": "bar"}, {"foo": "bar"}]}}"#
        );
        assert_eq!(
            set_ok("name1.name2[1].foo=bar"),
            r#"{"name1": {"name2": [nil, {"foo": "bar"}]}}"#
        );
        // A scalar at the index is replaced by a map, in place, even when the key ends.
        assert_eq!(set_ok("x=1,a[0]=x,a[0]."), r#"{"a": [{}], "x": 1i64}"#);
        assert_eq!(set_ok("a[0]=x,a[0].b=y"), r#"{"a": [{"b": "y"}]}"#);
        assert!(set_ok("a[65536]=1").len() > 65536);
    }

    #[test]
    fn parse_into_existing() {
        let mut m = base("outer:\n  inner1: overwrite\n  inner2: value2\n");
        parse_set(
            "outer.inner1=value1,outer.inner3=value3,outer.inner4=4",
            &mut m,
        )
        .unwrap();
        assert_eq!(
            show(&m),
            r#"{"outer": {"inner1": "value1", "inner2": "value2", "inner3": "value3", "inner4": 4i64}}"#
        );

        let mut m = Map::new();
        parse_set("listOuter[0][0].type=listValue", &mut m).unwrap();
        parse_set("listOuter[0][0].status=alive", &mut m).unwrap();
        assert_eq!(
            show(&m),
            r#"{"listOuter": [[{"status": "alive", "type": "listValue"}]]}"#
        );

        let mut m = Map::new();
        parse_set("listOuter[0][0].type=listValue", &mut m).unwrap();
        parse_set("listOuter[1][0].status=alive", &mut m).unwrap();
        assert_eq!(
            show(&m),
            r#"{"listOuter": [[{"type": "listValue"}], [{"status": "alive"}]]}"#
        );

        let mut m = base("listOuter:\n- - - exited: old\n");
        parse_set("listOuter[0][1][0].type=listValue", &mut m).unwrap();
        parse_set("listOuter[0][0][1].status=alive", &mut m).unwrap();
        assert_eq!(
            show(&m),
            r#"{"listOuter": [[[{"exited": "old"}, {"status": "alive"}], [{"type": "listValue"}]]]}"#
        );

        // Lists from value files are index-patched.
        let mut m = base("a: [1, 2]\n");
        parse_set("a[1]=x", &mut m).unwrap();
        assert_eq!(show(&m), r#"{"a": [1.0f, "x"]}"#);
    }

    #[test]
    fn set_string() {
        let mut m = base("outer:\n  inner1: overwrite\n  inner2: value2\n");
        parse_set_string("outer.inner1=1,outer.inner3=3", &mut m).unwrap();
        assert_eq!(
            show(&m),
            r#"{"outer": {"inner1": "1", "inner2": "value2", "inner3": "3"}}"#
        );
        let mut m = Map::new();
        parse_set_string("long=1234567890,b=true,n=null,z=0,l={1,true}", &mut m).unwrap();
        assert_eq!(
            show(&m),
            r#"{"b": "true", "l": ["1", "true"], "long": "1234567890", "n": "null", "z": "0"}"#
        );
    }

    #[test]
    fn errors() {
        assert_eq!(
            set_err("name1=value1,,,,name2=value2,"),
            r#"key "" has no value (cannot end with ,)"#
        );
        assert_eq!(
            set_err("name1,name2="),
            r#"key "name1" has no value (cannot end with ,)"#
        );
        assert_eq!(
            set_err("name1,name2"),
            r#"key "name1" has no value (cannot end with ,)"#
        );
        assert_eq!(set_err("name1.name2"), r#"key "name2" has no value"#);
        assert_eq!(set_err("name1.=name2"), r#"key map "name1" has no value"#);
        assert_eq!(
            set_err("name1.,name2"),
            r#"key "" has no value (cannot end with ,)"#
        );
        assert_eq!(set_err("name1={1021,902"), "list must terminate with '}'");
        assert_eq!(
            set_err("list[0].foo=bar,list[-30].hello=world"),
            "negative -30 index not allowed"
        );
        assert_eq!(
            set_err("list[0]=foo,list[-20]=bar"),
            "negative -20 index not allowed"
        );
        assert_eq!(
            set_err("illegal[0]name.foo=bar"),
            "unexpected data at end of array index: ['n' 'a' 'm' 'e']"
        );
        assert_eq!(
            set_err("]={}]."),
            "unable to parse key: interface conversion: interface {} is []interface {}, not map[string]interface {}"
        );
        assert_eq!(
            set_err("a=1,a.b=2"),
            "unable to parse key: interface conversion: interface {} is int64, not map[string]interface {}"
        );
        assert_eq!(
            set_err("a=null,a[0]=2"),
            "unable to parse key: interface conversion: interface {} is nil, not []interface {}"
        );
        assert_eq!(
            set_err("a[0]=x,a[0][0]=1"),
            "unable to parse key: interface conversion: interface {} is string, not []interface {}"
        );
        assert_eq!(
            set_err("a[70000]=1"),
            "index of 70000 is greater than maximum supported index of 65536"
        );
        assert_eq!(
            set_err("a[x]=1"),
            r#"error parsing index: strconv.Atoi: parsing "x": invalid syntax"#
        );
        assert_eq!(
            set_err("a[99999999999999999999]=1"),
            r#"error parsing index: strconv.Atoi: parsing "99999999999999999999": value out of range"#
        );
        let deep: String = (1..=32).map(|i| format!("name{i}.")).collect::<String>() + "x=value";
        assert_eq!(
            set_err(&deep),
            "value name nested level is greater than maximum supported nested level of 30"
        );
        let ok: String = (1..=30).map(|i| format!("n{i}.")).collect::<String>() + "x=v";
        set_ok(&ok);
    }

    #[test]
    fn kiln_bounds() {
        let deep = "a".to_string() + &"[0]".repeat(100_000) + "=1";
        assert!(set_err(&deep).contains("kiln's limit"));
        let many: String = (0..100).map(|i| format!("k{i}[65536]=1,")).collect();
        assert!(set_err(&many).contains("kiln's limit"));
        let mut m = Map::new();
        let deep_json = "a=".to_string() + &"[".repeat(20_000);
        assert!(parse_set_json(&deep_json, &mut m).is_err());
    }

    #[test]
    fn json_values() {
        let mut m = base("outer:\n  inner1: overwrite\n  inner2: value2\n");
        parse_set_json(
            r#"outer.inner1="1",outer.inner3=3,outer.inner4=true,outer.inner5="true""#,
            &mut m,
        )
        .unwrap();
        assert_eq!(
            show(&m),
            r#"{"outer": {"inner1": "1", "inner2": "value2", "inner3": 3.0f, "inner4": true, "inner5": "true"}}"#
        );
        let mut m = base("outer:\n  inner1: {x: overwrite}\n  inner2: value2\n");
        parse_set_json(
            r#"outer.inner1=,outer.inner3={"aa":"1","bb":2,"cc":[1,2,3]},outer.inner3.cc[1]=null"#,
            &mut m,
        )
        .unwrap();
        assert_eq!(
            show(&m),
            r#"{"outer": {"inner1": nil, "inner2": "value2", "inner3": {"aa": "1", "bb": 2.0f, "cc": [1.0f, nil, 3.0f]}}}"#
        );
        assert_eq!(json_ok("a=1 b=2"), r#"{"a": 1.0f, "b": 2.0f}"#);
        assert_eq!(
            json_ok(r#"a=[1,2],b={"x":null}"#),
            r#"{"a": [1.0f, 2.0f], "b": {"x": nil}}"#
        );
        assert_eq!(json_ok("a[1]=true,b=  "), r#"{"a": [nil, true], "b": nil}"#);
        assert_eq!(json_ok("a.b[0]=1e3"), r#"{"a": {"b": [1000.0f]}}"#);
        assert_eq!(
            json_ok(r#"s="\u00e9\ud83d\ude00\ud800x""#),
            "{\"s\": \"é😀\u{FFFD}x\"}"
        );
        let mut m = Map::new();
        assert_eq!(
            parse_set_json("a=1x", &mut m).unwrap_err(),
            r#"key "x" has no value"#
        );
        assert_eq!(
            parse_set_json("a=tru", &mut m).unwrap_err(),
            "unexpected EOF"
        );
        assert_eq!(
            parse_set_json("a=x", &mut m).unwrap_err(),
            "invalid character 'x' looking for beginning of value"
        );
        assert!(parse_set_json(r#"outer.inner5={"A":"1"}]"#, &mut m).is_err());
        assert!(parse_set_json("a=1e400", &mut m).is_err());
    }

    #[test]
    fn literal() {
        assert_eq!(literal_ok("a,b=c,d"), r#"{"a,b": "c,d"}"#);
        assert_eq!(literal_ok("a.b[1]=x=y"), r#"{"a": {"b": [nil, "x=y"]}}"#);
        assert_eq!(literal_ok("a[0]"), r#"{"a": []}"#);
        assert_eq!(literal_ok("a=1,b=true\\,{x}"), r#"{"a": "1,b=true\\,{x}"}"#);
        assert_eq!(
            literal_ok("a[0][1].b=null"),
            r#"{"a": [[nil, {"b": "null"}]]}"#
        );
        let mut m = Map::new();
        assert_eq!(
            parse_set_literal("a", &mut m).unwrap_err(),
            r#"key "a" has no value"#
        );
        let mut m = base("a: 1\n");
        assert_eq!(
            parse_set_literal("a.b=2", &mut m).unwrap_err(),
            "unable to parse key: interface conversion: interface {} is float64, not map[string]interface {}"
        );
    }

    #[test]
    fn file_values() {
        let read = |p: &str| -> Result<String, String> {
            match p {
                "path1" => Ok("value1".into()),
                "p2" => Ok("two\n".into()),
                _ => Err(format!("open {p}: no such file or directory")),
            }
        };
        let mut m = Map::new();
        parse_set_file("name1=path1,l={path1,p2}", &mut m, &read).unwrap();
        assert_eq!(show(&m), r#"{"l": ["value1", "two\n"], "name1": "value1"}"#);
        assert_eq!(
            parse_set_file("x=nope", &mut m, &read).unwrap_err(),
            "open nope: no such file or directory"
        );
    }

    #[test]
    fn merge_values_order_and_errors() {
        let files = |p: &str| -> Result<String, String> {
            match p {
                "a.yaml" => Ok("a: 1\nm:\n  x: 1\n  w: 1\n---\nb: from-a\n".into()),
                "b.yaml" => Ok("m:\n  w: 2\nl: [1]\n".into()),
                "bad.yaml" => Ok("a: [\n".into()),
                "f.txt" => Ok("file-content".into()),
                _ => Err(format!("open {p}: no such file or directory")),
            }
        };
        let opts = ValueOptions {
            value_files: vec!["a.yaml".into(), "b.yaml".into()],
            set_json: vec![
                r#"{"j": {"k": 1}, "m": {"z": 3}}"#.into(),
                "s=\"json\"".into(),
            ],
            set: vec!["s=set,n=5".into()],
            set_string: vec!["n=6".into()],
            set_file: vec!["f=f.txt".into()],
            set_literal: vec!["f=lit,eral".into()],
        };
        let m = opts.merge_values(&files).unwrap();
        assert_eq!(
            show(&m),
            r#"{"a": 1.0f, "b": "from-a", "f": "lit,eral", "j": {"k": 1.0f}, "l": [1.0f], "m": {"w": 2.0f, "x": 1.0f, "z": 3.0f}, "n": "6", "s": "set"}"#
        );
        let err = |o: ValueOptions| o.merge_values(&files).unwrap_err();
        assert_eq!(
            err(ValueOptions {
                value_files: vec!["nope.yaml".into()],
                ..Default::default()
            }),
            "open nope.yaml: no such file or directory"
        );
        assert!(err(ValueOptions {
            value_files: vec!["bad.yaml".into()],
            ..Default::default()
        })
        .starts_with("failed to parse bad.yaml: "));
        assert_eq!(
            err(ValueOptions {
                set_json: vec!["{bad".into()],
                ..Default::default()
            }),
            "failed parsing --set-json data JSON: {bad"
        );
        assert_eq!(
            err(ValueOptions {
                set_json: vec!["a=tru".into()],
                ..Default::default()
            }),
            "failed parsing --set-json data a=tru"
        );
        assert_eq!(
            err(ValueOptions {
                set: vec!["a".into()],
                ..Default::default()
            }),
            r#"failed parsing --set data: key "a" has no value"#
        );
        assert_eq!(
            err(ValueOptions {
                set_string: vec!["a,".into()],
                ..Default::default()
            }),
            r#"failed parsing --set-string data: key "a" has no value (cannot end with ,)"#
        );
        assert_eq!(
            err(ValueOptions {
                set_file: vec!["a=nope".into()],
                ..Default::default()
            }),
            "failed parsing --set-file data: open nope: no such file or directory"
        );
        assert_eq!(
            err(ValueOptions {
                set_literal: vec!["a".into()],
                ..Default::default()
            }),
            r#"failed parsing --set-literal data: key "a" has no value"#
        );
    }
}
