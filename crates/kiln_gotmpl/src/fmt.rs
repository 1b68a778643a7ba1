//! Go's `fmt` package as templates use it: `print`, `printf`, `println` and the way an
//! action prints its value (`fmt.Fprint`).
//!
//! TEMPORARY minimal version; the full implementation (every verb, flag, width and
//! precision, Go's float formatting) replaces it.

use crate::value::Value;

/// `fmt.Sprint(args...)`: operands joined with a space when neither side is a string.
pub fn sprint(args: &[Value]) -> String {
    let mut out = String::new();
    let mut prev_string = false;
    for (i, a) in args.iter().enumerate() {
        let is_string = matches!(a, Value::String(_));
        if i > 0 && !is_string && !prev_string {
            out.push(' ');
        }
        write_value(&mut out, a);
        prev_string = is_string;
    }
    out
}

/// `fmt.Sprintln(args...)`: operands always joined with a space, newline appended.
pub fn sprintln(args: &[Value]) -> String {
    let mut out = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        write_value(&mut out, a);
    }
    out.push('\n');
    out
}

/// `fmt.Sprintf(format, args...)`.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let _ = args;
    format.to_string()
}

/// Appends `v` formatted with `%v`.
pub fn write_value(out: &mut String, v: &Value) {
    use std::fmt::Write;
    match v {
        Value::Nil => out.push_str("<nil>"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i, _) => {
            let _ = write!(out, "{i}");
        }
        Value::Uint(u, _) => {
            let _ = write!(out, "{u}");
        }
        Value::Float(f) => {
            let _ = write!(out, "{f}");
        }
        Value::Complex(r, i) => {
            let _ = write!(out, "({r}+{i}i)");
        }
        Value::String(s) => out.push_str(s),
        Value::Bytes(b) => {
            let _ = write!(out, "{b:?}");
        }
        Value::List(l, _) => {
            out.push('[');
            for (i, x) in l.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_value(out, x);
            }
            out.push(']');
        }
        Value::Map(m, _) => {
            out.push_str("map[");
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                write_value(out, x);
            }
            out.push(']');
        }
        Value::Object(o) => match o.to_go_string() {
            Some(s) => out.push_str(&s),
            None => out.push_str(&o.type_name()),
        },
    }
}
