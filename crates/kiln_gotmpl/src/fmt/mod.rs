//! Go's `fmt` package as templates use it: `print`, `printf`, `println`, `%v` of a value
//! ([`write_value`]) and the way an action prints its value ([`write_action_value`]),
//! plus the `strconv` pieces other crates need (Go's float formatting and quoting).
//!
//! The semantics are those of Go 1.26's fmt/print.go, fmt/format.go, strconv/ftoa.go and
//! strconv/quote.go (what Helm v4.2.3 is built with), checked against real Helm: every
//! verb (`%v %+v %#v %T %% %t %d %b %o %O %x %X %c %q %U %e %E %f %F %g %G %s %p`), the
//! flags `+ - # space 0`, widths and precisions (also `*` and `[n]` indexes), and Go's
//! error forms (`%!d(string=hi)`, `%!(EXTRA int=1)`, `%!d(MISSING)`, `%!(NOVERB)`,
//! `%!(BADWIDTH)`, `%!(BADPREC)`, `%!d(BADINDEX)`). Bad format strings never panic.
//!
//! Not reproducible: Go prints pointers nested in other values and `%p` as heap
//! addresses; here nested pointers to structs print like top-level ones (`&{...}`) and
//! `%p` prints a fixed address. `[]byte` with invalid UTF-8 printed with `%s` gets
//! U+FFFD where Go copies the raw bytes (Rust strings are UTF-8).

mod float;
mod isprint;
mod print;
mod quote;

#[cfg(test)]
mod tests;

pub use float::{append_float, format_float};
pub use quote::{append_quote, append_quote_rune, can_backquote, is_print, quote, quote_to_ascii};

use crate::value::Value;
use print::Printer;

/// Go's `fmt.Sprint(args...)`: each operand as with `%v`, separated by a space when
/// neither neighbour is a string (`print 1 2` → `1 2`, `print "a" 1` → `a1`).
pub fn sprint(args: &[Value]) -> String {
    let mut out = String::new();
    write_sprint(&mut out, args);
    out
}

/// Appends Go's `fmt.Sprint(args...)` to `out`; see [`sprint`].
pub fn write_sprint(out: &mut String, args: &[Value]) {
    Printer::new(out).do_print(args);
}

/// Go's `fmt.Sprintln(args...)`: operands as with `%v`, always separated by a space,
/// newline appended.
pub fn sprintln(args: &[Value]) -> String {
    let mut out = String::new();
    write_sprintln(&mut out, args);
    out
}

/// Appends Go's `fmt.Sprintln(args...)` to `out`; see [`sprintln`].
pub fn write_sprintln(out: &mut String, args: &[Value]) {
    Printer::new(out).do_println(args);
}

/// Go's `fmt.Sprintf(format, args...)`, with Go's `%!...` error forms for bad verbs,
/// missing or extra operands and bad widths, precisions or indexes.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut out = String::with_capacity(format.len() + 8 * args.len());
    write_sprintf(&mut out, format, args);
    out
}

/// Appends Go's `fmt.Sprintf(format, args...)` to `out`; see [`sprintf`].
pub fn write_sprintf(out: &mut String, format: &str, args: &[Value]) {
    Printer::new(out).do_printf(format, args);
}

/// Appends `v` formatted with `%v`, i.e. Go's `fmt.Fprint(w, v)` (also what Sprig's
/// `strval` falls back to). Nil prints `<nil>`; a pointer to a struct prints `&{a b}`.
/// A `float64` prints as `strconv.FormatFloat(f, 'g', -1, 64)`: shortest digits, exponent
/// form when the decimal exponent is below -4 or at least 6 (`123456`, `1e+06`, `1.5`,
/// `1e-05`).
pub fn write_value(out: &mut String, v: &Value) {
    if !write_simple(out, v) {
        Printer::new(out).print_arg(v, 'v');
    }
}

/// Appends `v` the way a template action `{{ x }}` prints it: text/template's
/// `printValue`, which indirects a pointer before `fmt.Fprint`, so a pointer to a struct
/// without a `String` method prints `{a b}` (where [`write_value`] prints `&{a b}`).
/// Otherwise identical to [`write_value`]. Nil prints `<nil>`; the evaluator prints
/// `<no value>` for missing values itself.
pub fn write_action_value(out: &mut String, v: &Value) {
    if !write_simple(out, v) {
        Printer::new(out).print_action_value(v);
    }
}

/// Fast paths for what templates print most; identical to the general printer.
fn write_simple(out: &mut String, v: &Value) -> bool {
    use std::fmt::Write as _;
    match v {
        Value::String(s) => out.push_str(s),
        Value::Float(f) => append_float(out, *f, b'g', -1),
        Value::Int(i, _) => {
            let _ = write!(out, "{i}");
        }
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        _ => return false,
    }
    true
}
