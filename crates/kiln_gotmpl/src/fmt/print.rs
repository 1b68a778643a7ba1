//! The printer: Go's `fmt.pp` (fmt/print.go) and `fmt.fmt` (fmt/format.go) over
//! [`Value`]s. Structure and names follow Go's so the two can be compared: `do_printf`
//! parses the format, `print_arg` is `printArg` (depth 0), `print_value` is `printValue`
//! (elements of containers), and the `fmt_*` methods are the verb-level formatters.

use std::sync::Arc;

use super::{float, quote};
use crate::value::{Kind, Map, Object, UintType, Value};

const LDIGITS: &[u8; 17] = b"0123456789abcdefx";
const UDIGITS: &[u8; 17] = b"0123456789ABCDEFX";

/// Go's error for widths and precisions too large (`tooLarge` in print.go).
const MAX_NUM: i64 = 1_000_000;

/// What `%p` prints for values that are pointers in Go (slices, maps, pointers to
/// structs). Go prints a heap address that changes from run to run; nothing can match
/// it, so a fixed, plausible-looking one is used.
const FAKE_ADDRESS: u64 = 0xc000010000;

/// Flags of one verb (Go's `fmtFlags`), cleared before each verb.
#[derive(Clone, Copy, Default)]
struct Flags {
    wid_present: bool,
    prec_present: bool,
    minus: bool,
    plus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    /// `%+v`: print struct field names. Set instead of `plus` for the `v` verb.
    plus_v: bool,
    /// `%#v`: Go syntax. Set instead of `sharp` for the `v` verb.
    sharp_v: bool,
}

/// Go's `pp` + `fmt`: formatting state writing into the caller's string.
pub(super) struct Printer<'a> {
    buf: &'a mut String,
    fl: Flags,
    wid: usize,
    prec: usize,
    /// Set while printing a `%!verb(type=value)` error, so methods are not called.
    erroring: bool,
    /// The format used explicit argument indexes (no `%!(EXTRA ...)` check then).
    reordered: bool,
    /// The most recent `[n]` index was valid.
    good_arg_num: bool,
    /// Print a top-level pointer to a struct without `&` (text/template indirects
    /// pointers before printing an action's value).
    indirect: bool,
}

impl<'a> Printer<'a> {
    pub(super) fn new(buf: &'a mut String) -> Printer<'a> {
        Printer {
            buf,
            fl: Flags::default(),
            wid: 0,
            prec: 0,
            erroring: false,
            reordered: false,
            good_arg_num: true,
            indirect: false,
        }
    }

    fn clear_flags(&mut self) {
        self.fl = Flags::default();
        self.wid = 0;
        self.prec = 0;
    }

    // ---------------------------------------------------------------------------------
    // Entry points: Sprint, Sprintln, Sprintf, action printing.

    /// `doPrint`: operands separated by a space when neither side is a string.
    pub(super) fn do_print(&mut self, args: &[Value]) {
        let mut prev_string = false;
        for (i, arg) in args.iter().enumerate() {
            let is_string = !arg.is_nil() && arg.kind() == Kind::String;
            if i > 0 && !is_string && !prev_string {
                self.buf.push(' ');
            }
            self.print_arg(arg, 'v');
            prev_string = is_string;
        }
    }

    /// `doPrintln`: operands always separated by a space, newline at the end.
    pub(super) fn do_println(&mut self, args: &[Value]) {
        for (i, arg) in args.iter().enumerate() {
            if i > 0 {
                self.buf.push(' ');
            }
            self.print_arg(arg, 'v');
        }
        self.buf.push('\n');
    }

    /// How text/template prints an action's value: `fmt.Fprint` after indirecting a
    /// pointer (so a pointer to a struct without a `String` method prints `{...}`).
    pub(super) fn print_action_value(&mut self, v: &Value) {
        self.indirect = true;
        self.print_arg(v, 'v');
        self.indirect = false;
    }

    /// `doPrintf`.
    pub(super) fn do_printf(&mut self, format: &str, a: &[Value]) {
        let fb = format.as_bytes();
        let end = fb.len();
        let mut arg_num = 0usize;
        let mut after_index; // previous item in format was an index like [3]
        self.reordered = false;
        let mut i = 0usize;
        'format_loop: while i < end {
            self.good_arg_num = true;
            let lasti = i;
            while i < end && fb[i] != b'%' {
                i += 1;
            }
            if i > lasti {
                // Both ends are at '%' or the end of the text: char boundaries.
                self.buf.push_str(&format[lasti..i]);
            }
            if i >= end {
                break;
            }
            i += 1; // skip '%'

            self.clear_flags();
            // Flags, and the fast path for a plain lower-case verb.
            while i < end {
                let c = fb[i];
                match c {
                    b'#' => self.fl.sharp = true,
                    b'0' => self.fl.zero = true,
                    b'+' => self.fl.plus = true,
                    b'-' => self.fl.minus = true,
                    b' ' => self.fl.space = true,
                    _ => {
                        if c.is_ascii_lowercase() && arg_num < a.len() {
                            if c == b'v' || c == b'w' {
                                self.set_v_flags();
                            }
                            self.print_arg(&a[arg_num], c as char);
                            arg_num += 1;
                            i += 1;
                            continue 'format_loop;
                        }
                        break;
                    }
                }
                i += 1;
            }

            // Argument index?
            (arg_num, i, after_index) = self.arg_number(arg_num, fb, i, a.len());

            // Width.
            if i < end && fb[i] == b'*' {
                i += 1;
                let (w, ok, next) = int_from_arg(a, arg_num);
                arg_num = next;
                self.fl.wid_present = ok;
                if !ok {
                    self.buf.push_str("%!(BADWIDTH)");
                }
                if w < 0 {
                    // A negative width means left-justify.
                    self.wid = w.unsigned_abs() as usize;
                    self.fl.minus = true;
                    self.fl.zero = false;
                } else {
                    self.wid = w as usize;
                }
                after_index = false;
            } else {
                let (w, ok, next) = parse_num(fb, i, end);
                self.wid = w as usize;
                self.fl.wid_present = ok;
                i = next;
                if after_index && ok {
                    // "%[3]2d"
                    self.good_arg_num = false;
                }
            }

            // Precision.
            if i + 1 < end && fb[i] == b'.' {
                i += 1;
                if after_index {
                    // "%[3].2d"
                    self.good_arg_num = false;
                }
                (arg_num, i, after_index) = self.arg_number(arg_num, fb, i, a.len());
                if i < end && fb[i] == b'*' {
                    i += 1;
                    let (p, ok, next) = int_from_arg(a, arg_num);
                    arg_num = next;
                    self.fl.prec_present = ok;
                    self.prec = p.max(0) as usize;
                    if p < 0 {
                        // A negative precision makes no sense.
                        self.fl.prec_present = false;
                    }
                    if !self.fl.prec_present {
                        self.buf.push_str("%!(BADPREC)");
                    }
                    after_index = false;
                } else {
                    let (p, ok, next) = parse_num(fb, i, end);
                    self.prec = p as usize;
                    self.fl.prec_present = true; // "%.d" means precision 0
                    i = next;
                    if !ok {
                        self.prec = 0;
                    }
                }
            }

            if !after_index {
                (arg_num, i, _) = self.arg_number(arg_num, fb, i, a.len());
            }

            let Some(verb) = format.get(i..).and_then(|rest| rest.chars().next()) else {
                self.buf.push_str("%!(NOVERB)");
                break;
            };
            i += verb.len_utf8();

            if verb == '%' {
                // A literal percent: takes no operand, ignores width and precision.
                self.buf.push('%');
            } else if !self.good_arg_num {
                self.buf.push_str("%!");
                self.buf.push(verb);
                self.buf.push_str("(BADINDEX)");
            } else if arg_num >= a.len() {
                self.buf.push_str("%!");
                self.buf.push(verb);
                self.buf.push_str("(MISSING)");
            } else {
                if verb == 'v' || verb == 'w' {
                    self.set_v_flags();
                }
                self.print_arg(&a[arg_num], verb);
                arg_num += 1;
            }
        }

        // Extra operands, unless the format reordered them (then unused ones are fine).
        if !self.reordered && arg_num < a.len() {
            self.clear_flags();
            self.buf.push_str("%!(EXTRA ");
            for (i, arg) in a[arg_num..].iter().enumerate() {
                if i > 0 {
                    self.buf.push_str(", ");
                }
                if arg.is_nil() {
                    self.buf.push_str("<nil>");
                } else {
                    self.buf.push_str(&arg.type_name());
                    self.buf.push('=');
                    self.print_arg(arg, 'v');
                }
            }
            self.buf.push(')');
        }
    }

    /// `%#v` and `%+v` are their own formats: the flags move to `sharp_v`/`plus_v`.
    fn set_v_flags(&mut self) {
        self.fl.sharp_v = self.fl.sharp;
        self.fl.sharp = false;
        self.fl.plus_v = self.fl.plus;
        self.fl.plus = false;
    }

    /// `argNumber`: an explicit `[n]` index at `fb[i..]`, if any.
    /// Returns the operand to use next, the new position and whether an index was read.
    fn arg_number(
        &mut self,
        arg_num: usize,
        fb: &[u8],
        i: usize,
        num_args: usize,
    ) -> (usize, usize, bool) {
        if i >= fb.len() || fb[i] != b'[' {
            return (arg_num, i, false);
        }
        self.reordered = true;
        let (index, wid, ok) = parse_arg_number(&fb[i..]);
        if ok && index >= 0 && (index as usize) < num_args {
            return (index as usize, i + wid, true);
        }
        self.good_arg_num = false;
        (arg_num, i + wid, ok)
    }

    // ---------------------------------------------------------------------------------
    // printArg / printValue.

    /// `printArg`: an operand at the top level.
    pub(super) fn print_arg(&mut self, v: &Value, verb: char) {
        if v.is_nil() {
            match verb {
                'T' | 'v' => self.pad_str("<nil>"),
                _ => self.bad_verb(verb, None),
            }
            return;
        }
        // %T and %p are special: done first, whatever the value.
        match verb {
            'T' => {
                let t = v.type_name();
                self.fmt_s(&t);
                return;
            }
            'p' => {
                self.fmt_pointer(v);
                return;
            }
            _ => {}
        }
        match v {
            Value::Bytes(b) => self.fmt_bytes(b, verb, "[]byte"),
            Value::List(..) | Value::Map(..) | Value::Object(_) => {
                if !self.handle_methods(v, verb) {
                    self.print_value(v, verb, 0);
                }
            }
            _ => self.print_value(v, verb, 0),
        }
    }

    /// `handleMethods`: `Error()`/`String()` for the verbs that take a string; `%w` is
    /// always an error outside `fmt.Errorf`. Returns whether the value was printed.
    fn handle_methods(&mut self, v: &Value, verb: char) -> bool {
        if self.erroring {
            return false;
        }
        if verb == 'w' {
            self.bad_verb(verb, Some(v));
            return true;
        }
        if self.fl.sharp_v {
            // GoString() is not modelled: no template-visible type has it.
            return false;
        }
        if let Value::Object(o) = v {
            if matches!(verb, 'v' | 's' | 'x' | 'X' | 'q') {
                // An action prints an addressable value, so String methods with pointer
                // receivers apply too (text/template's printableValue takes v.Addr()).
                let text = if self.indirect {
                    o.to_go_string_addressable()
                } else {
                    o.to_go_string()
                };
                if let Some(s) = text {
                    self.fmt_string(&s, verb, v);
                    return true;
                }
            }
        }
        false
    }

    /// `printValue`: a value at `depth` (0 for an operand, more inside containers).
    fn print_value(&mut self, v: &Value, verb: char, depth: u32) {
        if depth > 0 && !v.is_nil() && self.handle_methods(v, verb) {
            return;
        }
        match v {
            Value::Nil => {
                // A nil inside an interface{} container or field.
                if self.fl.sharp_v {
                    self.buf.push_str("interface {}(nil)");
                } else {
                    self.buf.push_str("<nil>");
                }
            }
            Value::Bool(b) => match verb {
                't' | 'v' => self.pad_str(if *b { "true" } else { "false" }),
                _ => self.bad_verb(verb, Some(v)),
            },
            Value::Int(i, _) => self.fmt_integer_verb(*i as u64, true, verb, v),
            Value::Uint(u, _) => self.fmt_integer_verb(*u, false, verb, v),
            Value::Float(f) => self.fmt_float_verb(*f, verb, v),
            Value::Complex(re, im) => self.fmt_complex(*re, *im, verb, v),
            Value::String(s) => self.fmt_string(s, verb, v),
            Value::RawString(b) => match verb {
                'v' if self.fl.sharp_v => self.fmt_q(b),
                'v' | 's' => self.fmt_bs(b),
                'x' => self.fmt_sbx(b, LDIGITS),
                'X' => self.fmt_sbx(b, UDIGITS),
                'q' => self.fmt_q(b),
                _ => self.bad_verb(verb, Some(v)),
            },
            Value::Bytes(b) => self.fmt_bytes(b, verb, "[]uint8"),
            // Containers nest as deep as YAML allows (10,000 levels): grow the stack on
            // the heap.
            Value::List(items, _) => {
                let t = v.type_name();
                grow(|| self.print_list(items, &t, verb, depth));
            }
            Value::Map(m, _) => {
                let t = v.type_name();
                grow(|| self.print_map(&m.snapshot(), &t, verb, depth));
            }
            Value::Object(o) => grow(|| self.print_object(o, verb, depth)),
        }
    }

    fn print_list(&mut self, items: &[Value], type_name: &str, verb: char, depth: u32) {
        if self.fl.sharp_v {
            self.buf.push_str(type_name);
            self.buf.push('{');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    self.buf.push_str(", ");
                }
                self.print_value(item, verb, depth + 1);
            }
            self.buf.push('}');
        } else {
            self.buf.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    self.buf.push(' ');
                }
                self.print_value(item, verb, depth + 1);
            }
            self.buf.push(']');
        }
    }

    /// Maps print with keys sorted; string keys in byte order, which `Map` iterates in.
    fn print_map(&mut self, m: &Map, type_name: &str, verb: char, depth: u32) {
        if self.fl.sharp_v {
            self.buf.push_str(type_name);
            self.buf.push('{');
        } else {
            self.buf.push_str("map[");
        }
        for (i, (k, val)) in m.iter().enumerate() {
            if i > 0 {
                if self.fl.sharp_v {
                    self.buf.push_str(", ");
                } else {
                    self.buf.push(' ');
                }
            }
            self.print_value(&Value::String(k.clone()), verb, depth + 1);
            self.buf.push(':');
            self.print_value(val, verb, depth + 1);
        }
        self.buf.push(if self.fl.sharp_v { '}' } else { ']' });
    }

    /// Structs (`{a b}`, `{A:a B:b}`, `pkg.T{A:a, B:b}`) and pointers to them (`&{a b}`).
    ///
    /// Go prints a pointer nested inside another value as its address (`0xc000...`),
    /// which nothing can reproduce; such pointers print like top-level ones here.
    fn print_object(&mut self, o: &Arc<dyn Object>, verb: char, depth: u32) {
        if let Some(u) = o.underlying() {
            // A named slice or map type: Go prints the elements, with the named type
            // in `%#v`.
            match &u {
                Value::List(items, _) => {
                    let t = o.type_name();
                    self.print_list(items, &t, verb, depth);
                }
                Value::Map(m, _) => {
                    let t = o.type_name();
                    self.print_map(&m.snapshot(), &t, verb, depth);
                }
                _ => self.print_value(&u, verb, depth),
            }
            return;
        }
        let is_ptr = o.kind() == Kind::Ptr;
        if is_ptr && !(self.indirect && depth == 0) {
            self.buf.push('&');
        }
        if self.fl.sharp_v {
            let t = o.type_name();
            // `&pkg.T{...}`: the struct's type is the pointer's without the star.
            self.buf.push_str(if is_ptr {
                t.strip_prefix('*').unwrap_or(&t)
            } else {
                &t
            });
        }
        self.buf.push('{');
        for (i, (name, val)) in o.fields().iter().enumerate() {
            if i > 0 {
                if self.fl.sharp_v {
                    self.buf.push_str(", ");
                } else {
                    self.buf.push(' ');
                }
            }
            if self.fl.plus_v || self.fl.sharp_v {
                self.buf.push_str(name);
                self.buf.push(':');
            }
            self.print_value(val, verb, depth + 1);
        }
        self.buf.push('}');
    }

    /// `badVerb`: `%!verb(type=value)`, or `%!verb(<nil>)`. The value prints with `%v`
    /// under the current flags and width (Go keeps them), without calling methods.
    fn bad_verb(&mut self, verb: char, v: Option<&Value>) {
        self.erroring = true;
        self.buf.push_str("%!");
        self.buf.push(verb);
        self.buf.push('(');
        match v {
            Some(v) if !v.is_nil() => {
                self.buf.push_str(&v.type_name());
                self.buf.push('=');
                self.print_arg(v, 'v');
            }
            _ => self.buf.push_str("<nil>"),
        }
        self.buf.push(')');
        self.erroring = false;
    }

    /// `fmtPointer` for `%p`: Go values that are pointers (slices, maps, pointers) print
    /// an address (see [`FAKE_ADDRESS`]); anything else is a bad verb.
    fn fmt_pointer(&mut self, v: &Value) {
        let is_pointer = match v {
            Value::List(..) | Value::Map(..) | Value::Bytes(_) => true,
            Value::Object(o) => {
                matches!(o.kind(), Kind::Ptr | Kind::Map | Kind::Slice | Kind::Func)
            }
            _ => false,
        };
        if is_pointer {
            let leading = !self.fl.sharp;
            self.fmt_0x64(FAKE_ADDRESS, leading);
        } else {
            self.bad_verb('p', Some(v));
        }
    }

    // ---------------------------------------------------------------------------------
    // Verb dispatch per kind (pp.fmtBool, pp.fmtInteger, ...).

    /// `pp.fmtInteger`.
    fn fmt_integer_verb(&mut self, u: u64, signed: bool, verb: char, v: &Value) {
        match verb {
            'v' => {
                if self.fl.sharp_v && !signed {
                    self.fmt_0x64(u, true);
                } else {
                    self.fmt_integer(u, 10, signed, verb, LDIGITS);
                }
            }
            'd' => self.fmt_integer(u, 10, signed, verb, LDIGITS),
            'b' => self.fmt_integer(u, 2, signed, verb, LDIGITS),
            'o' | 'O' => self.fmt_integer(u, 8, signed, verb, LDIGITS),
            'x' => self.fmt_integer(u, 16, signed, verb, LDIGITS),
            'X' => self.fmt_integer(u, 16, signed, verb, UDIGITS),
            'c' => self.fmt_c(u),
            'q' => self.fmt_qc(u),
            'U' => self.fmt_unicode(u),
            _ => self.bad_verb(verb, Some(v)),
        }
    }

    /// `fmt0x64`: hexadecimal with or without `0x`, whatever the `#` flag says.
    fn fmt_0x64(&mut self, u: u64, leading_0x: bool) {
        let sharp = self.fl.sharp;
        self.fl.sharp = leading_0x;
        self.fmt_integer(u, 16, false, 'v', LDIGITS);
        self.fl.sharp = sharp;
    }

    /// `pp.fmtFloat`: the default precision of each verb.
    fn fmt_float_verb(&mut self, f: f64, verb: char, v: &Value) {
        match verb {
            'v' => self.fmt_float(f, b'g', -1),
            'b' | 'g' | 'G' | 'x' | 'X' => self.fmt_float(f, verb as u8, -1),
            'f' | 'e' | 'E' => self.fmt_float(f, verb as u8, 6),
            'F' => self.fmt_float(f, b'f', 6),
            _ => self.bad_verb(verb, Some(v)),
        }
    }

    /// `pp.fmtComplex`: `(r+ii)`, each part a float; the imaginary part always signed.
    fn fmt_complex(&mut self, re: f64, im: f64, verb: char, v: &Value) {
        match verb {
            'v' | 'b' | 'g' | 'G' | 'x' | 'X' | 'f' | 'F' | 'e' | 'E' => {
                let old_plus = self.fl.plus;
                self.buf.push('(');
                self.fmt_float_verb(re, verb, v);
                self.fl.plus = true;
                self.fmt_float_verb(im, verb, v);
                self.buf.push_str("i)");
                self.fl.plus = old_plus;
            }
            _ => self.bad_verb(verb, Some(v)),
        }
    }

    /// `pp.fmtString`.
    fn fmt_string(&mut self, s: &str, verb: char, v: &Value) {
        match verb {
            'v' => {
                if self.fl.sharp_v {
                    self.fmt_q(s.as_bytes());
                } else {
                    self.fmt_s(s);
                }
            }
            's' => self.fmt_s(s),
            'x' => self.fmt_sbx(s.as_bytes(), LDIGITS),
            'X' => self.fmt_sbx(s.as_bytes(), UDIGITS),
            'q' => self.fmt_q(s.as_bytes()),
            _ => self.bad_verb(verb, Some(v)),
        }
    }

    /// `pp.fmtBytes`: `[]byte` prints as numbers with `%v`/`%d`, as text with `%s`/`%q`,
    /// hex with `%x`; other verbs apply to each byte. `type_name` is what `%#v` shows:
    /// `[]byte` for an operand, `[]uint8` for a nested value (Go's reflect name).
    fn fmt_bytes(&mut self, b: &[u8], verb: char, type_name: &str) {
        match verb {
            'v' | 'd' => {
                if self.fl.sharp_v {
                    self.buf.push_str(type_name);
                    self.buf.push('{');
                    for (i, &c) in b.iter().enumerate() {
                        if i > 0 {
                            self.buf.push_str(", ");
                        }
                        self.fmt_0x64(c as u64, true);
                    }
                    self.buf.push('}');
                } else {
                    self.buf.push('[');
                    for (i, &c) in b.iter().enumerate() {
                        if i > 0 {
                            self.buf.push(' ');
                        }
                        self.fmt_integer(c as u64, 10, false, verb, LDIGITS);
                    }
                    self.buf.push(']');
                }
            }
            's' => self.fmt_bs(b),
            'x' => self.fmt_sbx(b, LDIGITS),
            'X' => self.fmt_sbx(b, UDIGITS),
            'q' => self.fmt_q(b),
            _ => {
                self.buf.push('[');
                for (i, &c) in b.iter().enumerate() {
                    if i > 0 {
                        self.buf.push(' ');
                    }
                    self.print_value(&Value::Uint(c as u64, UintType::Uint8), verb, 1);
                }
                self.buf.push(']');
            }
        }
    }

    // ---------------------------------------------------------------------------------
    // Low-level formatters (fmt/format.go).

    /// `writePadding`: `n` bytes of padding, zeros only when padding on the left.
    fn write_padding(&mut self, n: usize) {
        let c = if self.fl.zero && !self.fl.minus {
            '0'
        } else {
            ' '
        };
        self.buf.extend(std::iter::repeat_n(c, n));
    }

    /// `padString`: `s` padded to the width (counted in runes) on the left, or on the
    /// right with `-`.
    fn pad_str(&mut self, s: &str) {
        if !self.fl.wid_present || self.wid == 0 {
            self.buf.push_str(s);
            return;
        }
        let width = self.wid.saturating_sub(s.chars().count());
        if !self.fl.minus {
            self.write_padding(width);
            self.buf.push_str(s);
        } else {
            self.buf.push_str(s);
            self.write_padding(width);
        }
    }

    /// `pad` for ASCII bytes built by the number formatters.
    fn pad_ascii(&mut self, b: &[u8]) {
        let width = if self.fl.wid_present {
            self.wid.saturating_sub(b.len())
        } else {
            0
        };
        if !self.fl.minus {
            self.write_padding(width);
        }
        self.buf.extend(b.iter().map(|&c| c as char));
        if self.fl.minus {
            self.write_padding(width);
        }
    }

    /// `fmtInteger`: `u` in `base` (a two's-complement negative when `signed`), with
    /// precision or zero padding as leading zeros, `#` prefixes, sign, then width.
    fn fmt_integer(&mut self, u: u64, base: u64, signed: bool, verb: char, digits: &[u8; 17]) {
        let negative = signed && (u as i64) < 0;
        let mut u = if negative {
            (u as i64).unsigned_abs()
        } else {
            u
        };

        // Two ways to ask for leading zeros: %.3d or %03d. With both, the precision
        // wins and the padding is spaces.
        let mut prec = 0usize;
        if self.fl.prec_present {
            prec = self.prec;
            if prec == 0 && u == 0 {
                // Precision 0 and value 0 print nothing but the padding.
                let old_zero = self.fl.zero;
                self.fl.zero = false;
                self.write_padding(self.wid);
                self.fl.zero = old_zero;
                return;
            }
        } else if self.fl.zero && !self.fl.minus && self.fl.wid_present {
            prec = self.wid;
            if negative || self.fl.plus || self.fl.space {
                prec = prec.saturating_sub(1); // room for the sign
            }
        }

        // Digits, right to left.
        let mut tmp = [0u8; 64];
        let mut i = tmp.len();
        loop {
            i -= 1;
            tmp[i] = digits[(u % base) as usize];
            u /= base;
            if u == 0 {
                break;
            }
        }
        let digs = &tmp[i..];
        let zeros = prec.saturating_sub(digs.len());

        // Prefixes, outermost first: sign, 0o, 0b/0/0x.
        let mut head = [0u8; 6];
        let mut h = 0;
        let mut push = |c: u8| {
            head[h] = c;
            h += 1;
        };
        if negative {
            push(b'-');
        } else if self.fl.plus {
            push(b'+');
        } else if self.fl.space {
            push(b' ');
        }
        if verb == 'O' {
            push(b'0');
            push(b'o');
        }
        if self.fl.sharp {
            match base {
                2 => {
                    push(b'0');
                    push(b'b');
                }
                // Octal gets a leading 0 unless it already starts with one.
                8 if zeros == 0 && digs[0] != b'0' => push(b'0'),
                16 => {
                    push(b'0');
                    push(digits[16]);
                }
                _ => {}
            }
        }

        // Leading zeros are already in place; pad with spaces.
        let len = h + zeros + digs.len();
        let width = if self.fl.wid_present {
            self.wid.saturating_sub(len)
        } else {
            0
        };
        if !self.fl.minus {
            self.buf.extend(std::iter::repeat_n(' ', width));
        }
        self.buf.extend(head[..h].iter().map(|&c| c as char));
        self.buf.extend(std::iter::repeat_n('0', zeros));
        self.buf.extend(digs.iter().map(|&c| c as char));
        if self.fl.minus {
            self.buf.extend(std::iter::repeat_n(' ', width));
        }
    }

    /// `fmtUnicode`: `U+0078`, or `U+0078 'x'` with `#` when printable.
    fn fmt_unicode(&mut self, u: u64) {
        let mut s = String::with_capacity(24);
        let mut prec = 4;
        if self.fl.prec_present && self.prec > 4 {
            prec = self.prec;
        }
        let hex = format!("{u:X}");
        s.push_str("U+");
        s.extend(std::iter::repeat_n('0', prec.saturating_sub(hex.len())));
        s.push_str(&hex);
        if self.fl.sharp {
            if let Some(c) = u32::try_from(u).ok().and_then(char::from_u32) {
                if quote::is_print(c) {
                    s.push_str(" '");
                    s.push(c);
                    s.push('\'');
                }
            }
        }
        let old_zero = self.fl.zero;
        self.fl.zero = false;
        self.pad_str(&s);
        self.fl.zero = old_zero;
    }

    /// `fmtC`: the integer as a character (U+FFFD when not a valid rune).
    fn fmt_c(&mut self, u: u64) {
        let c = u32::try_from(u)
            .ok()
            .and_then(char::from_u32)
            .unwrap_or('\u{FFFD}');
        let mut tmp = [0u8; 4];
        let s: &str = c.encode_utf8(&mut tmp);
        self.pad_str(s);
    }

    /// `fmtQc`: the integer as a quoted character literal.
    fn fmt_qc(&mut self, u: u64) {
        let r = if u > 0x10FFFF { 0xFFFD } else { u as i64 };
        let mut s = String::with_capacity(8);
        quote::append_quote_rune(&mut s, r, self.fl.plus);
        self.pad_str(&s);
    }

    /// `truncateString`: at most `prec` runes.
    fn truncate<'s>(&self, s: &'s str) -> &'s str {
        if self.fl.prec_present {
            if let Some((idx, _)) = s.char_indices().nth(self.prec) {
                return &s[..idx];
            }
        }
        s
    }

    /// `fmtS`.
    fn fmt_s(&mut self, s: &str) {
        let s = self.truncate(s);
        self.pad_str(s);
    }

    /// `fmtBs`: a byte slice as text. Output is a Rust string, so bytes that are not
    /// UTF-8 become U+FFFD (Go would copy them through).
    fn fmt_bs(&mut self, b: &[u8]) {
        let s = String::from_utf8_lossy(b);
        self.fmt_s(&s);
    }

    /// `fmtSbx`: hexadecimal encoding of the bytes; `% x` separates bytes with spaces,
    /// `#` adds `0x` (to each byte with the space flag).
    fn fmt_sbx(&mut self, b: &[u8], digits: &[u8; 17]) {
        let mut length = b.len();
        if self.fl.prec_present && self.prec < length {
            length = self.prec;
        }
        // Width of the encoding, for padding.
        let mut width = 2 * length;
        if width > 0 {
            if self.fl.space {
                if self.fl.sharp {
                    width *= 2;
                }
                width += length - 1;
            } else if self.fl.sharp {
                width += 2;
            }
        } else {
            // Nothing to encode: just the padding.
            if self.fl.wid_present {
                self.write_padding(self.wid);
            }
            return;
        }
        if self.fl.wid_present && self.wid > width && !self.fl.minus {
            self.write_padding(self.wid - width);
        }
        let prefix = ['0', digits[16] as char];
        if self.fl.sharp {
            self.buf.extend(prefix);
        }
        for (i, &c) in b[..length].iter().enumerate() {
            if self.fl.space && i > 0 {
                self.buf.push(' ');
                if self.fl.sharp {
                    self.buf.extend(prefix);
                }
            }
            self.buf.push(digits[(c >> 4) as usize] as char);
            self.buf.push(digits[(c & 0xF) as usize] as char);
        }
        if self.fl.wid_present && self.wid > width && self.fl.minus {
            self.write_padding(self.wid - width);
        }
    }

    /// `fmtQ`: a quoted string literal; backquoted with `#` when possible, ASCII-only
    /// with `+`. Takes bytes because `%q` of a `[]byte` escapes invalid UTF-8 as `\xNN`.
    fn fmt_q(&mut self, b: &[u8]) {
        let b = self.truncate_bytes(b);
        if self.fl.sharp && quote::can_backquote(b) {
            // can_backquote implies valid UTF-8.
            let s = std::str::from_utf8(b).unwrap_or("");
            let mut q = String::with_capacity(s.len() + 2);
            q.push('`');
            q.push_str(s);
            q.push('`');
            self.pad_str(&q);
            return;
        }
        let mut q = String::with_capacity(b.len() + 2);
        match std::str::from_utf8(b) {
            Ok(s) => quote::append_quote(&mut q, s, self.fl.plus),
            Err(_) => quote::append_quote_bytes(&mut q, b, self.fl.plus),
        }
        self.pad_str(&q);
    }

    /// Go's `truncate` of bytes: at most `prec` runes, an invalid byte counting as one.
    fn truncate_bytes<'s>(&self, b: &'s [u8]) -> &'s [u8] {
        if !self.fl.prec_present {
            return b;
        }
        let mut n = self.prec;
        let mut i = 0;
        for chunk in b.utf8_chunks() {
            for c in chunk.valid().chars() {
                if n == 0 {
                    return &b[..i];
                }
                n -= 1;
                i += c.len_utf8();
            }
            for _ in chunk.invalid() {
                if n == 0 {
                    return &b[..i];
                }
                n -= 1;
                i += 1;
            }
        }
        b
    }

    /// `fmtFloat`: `strconv.FormatFloat` output with sign, `#`, zero padding and width
    /// applied. `verb` is a strconv format byte and `prec` the verb's default precision.
    fn fmt_float(&mut self, v: f64, verb: u8, prec: i32) {
        let prec = if self.fl.prec_present {
            i32::try_from(self.prec).unwrap_or(i32::MAX)
        } else {
            prec
        };
        // Format with room for a leading sign: num[0] is the sign from here on.
        let mut s = String::with_capacity(24);
        s.push('+');
        float::append_float(&mut s, v, verb, prec);
        let mut num = s.into_bytes();
        if num.len() > 1 && (num[1] == b'-' || num[1] == b'+') {
            num.remove(0);
        }
        // The space flag means a space instead of `+`, unless `+` was asked for.
        if self.fl.space && num[0] == b'+' && !self.fl.plus {
            num[0] = b' ';
        }
        // Infinities and NaN are not padded with zeros.
        if num.len() > 1 && (num[1] == b'I' || num[1] == b'N') {
            let old_zero = self.fl.zero;
            self.fl.zero = false;
            // No sign before NaN unless asked for.
            let start = usize::from(num[1] == b'N' && !self.fl.space && !self.fl.plus);
            self.pad_ascii(&num[start..]);
            self.fl.zero = old_zero;
            return;
        }
        // `#` forces a decimal point and keeps trailing zeros (for %g: up to the
        // precision, 6 by default), except for %b.
        if self.fl.sharp && verb != b'b' {
            self.sharp_float(&mut num, verb, prec);
        }
        // A sign is printed if asked for or negative.
        if self.fl.plus || num[0] != b'+' {
            // Zero padding goes between the sign and the digits.
            if self.fl.zero && !self.fl.minus && self.fl.wid_present && self.wid > num.len() {
                self.buf.push(num[0] as char);
                self.write_padding(self.wid - num.len());
                self.buf.extend(num[1..].iter().map(|&c| c as char));
                return;
            }
            self.pad_ascii(&num);
            return;
        }
        // Positive without a requested sign: drop the `+`.
        self.pad_ascii(&num[1..]);
    }

    /// The `#` flag on floats: add a decimal point if missing, and trailing zeros up to
    /// the number of significant digits `%g` would show. Counting follows Go exactly,
    /// including its quirk of counting the `x` of `0x` as a digit for `%#x`.
    fn sharp_float(&mut self, num: &mut Vec<u8>, verb: u8, prec: i32) {
        let mut digits: i64 = match verb {
            b'v' | b'g' | b'G' | b'x' => {
                if prec == -1 {
                    6
                } else {
                    prec as i64
                }
            }
            _ => 0,
        };
        let mut tail: Vec<u8> = Vec::new();
        let mut has_point = false;
        let mut saw_nonzero = false;
        let mut k = 1;
        while k < num.len() {
            match num[k] {
                b'.' => has_point = true,
                b'p' | b'P' => {
                    tail.extend_from_slice(&num[k..]);
                    num.truncate(k);
                    break;
                }
                b'e' | b'E' if verb != b'x' && verb != b'X' => {
                    tail.extend_from_slice(&num[k..]);
                    num.truncate(k);
                    break;
                }
                c => {
                    if c != b'0' {
                        saw_nonzero = true;
                    }
                    // Significant digits after the first non-zero one.
                    if saw_nonzero {
                        digits -= 1;
                    }
                }
            }
            k += 1;
        }
        if !has_point {
            // A lone 0 counts as one digit.
            if num.len() == 2 && num[1] == b'0' {
                digits -= 1;
            }
            num.push(b'.');
        }
        while digits > 0 {
            num.push(b'0');
            digits -= 1;
        }
        num.extend_from_slice(&tail);
    }
}

/// `parsenum`: a decimal number at `s[start..end]`. Returns the number, whether there
/// was one, and the position after it. A number over Go's limit (1e6, checked before
/// each further digit) gives "no number" and the position `end`, as in Go.
fn parse_num(s: &[u8], start: usize, end: usize) -> (i64, bool, usize) {
    if start >= end {
        return (0, false, end);
    }
    let mut num: i64 = 0;
    let mut is_num = false;
    let mut i = start;
    while i < end && s[i].is_ascii_digit() {
        if too_large(num) {
            return (0, false, end);
        }
        num = num * 10 + (s[i] - b'0') as i64;
        is_num = true;
        i += 1;
    }
    (num, is_num, i)
}

fn too_large(x: i64) -> bool {
    !(-MAX_NUM..=MAX_NUM).contains(&x)
}

/// `parseArgNumber`: the 1-based number in `[n]` at the start of `f`, minus one, the
/// bytes consumed (through the `]`, or just the `[` when there is none) and whether the
/// number parsed.
fn parse_arg_number(f: &[u8]) -> (i64, usize, bool) {
    if f.len() < 3 {
        return (0, 1, false);
    }
    for j in 1..f.len() {
        if f[j] == b']' {
            let (w, ok, next) = parse_num(f, 1, j);
            if !ok || next != j {
                return (0, j + 1, false);
            }
            return (w - 1, j + 1, true);
        }
    }
    (0, 1, false)
}

/// `intFromArg`: operand `arg_num` as a width or precision (`*`). Returns the number,
/// whether it is a usable integer, and the next operand index.
fn int_from_arg(a: &[Value], arg_num: usize) -> (i64, bool, usize) {
    let Some(v) = a.get(arg_num) else {
        return (0, false, arg_num);
    };
    let (mut num, mut ok) = match v {
        Value::Int(i, _) => (*i, true),
        Value::Uint(u, _) => match i64::try_from(*u) {
            Ok(i) => (i, true),
            Err(_) => (0, false),
        },
        _ => (0, false),
    };
    if too_large(num) {
        num = 0;
        ok = false;
    }
    (num, ok, arg_num + 1)
}

/// Runs one level of a recursion over nested values with enough stack.
fn grow<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, f)
}
