//! Argument access for function implementations.
//!
//! The engine checks arguments against the declared Go signature before calling, so
//! these accessors only fail when a function is called directly ([`FuncMap::call`]) with
//! arguments of the wrong shape; they never panic.
//!
//! [`FuncMap::call`]: kiln_gotmpl::FuncMap::call

use kiln_gotmpl::{GoError, Value};

fn missing(i: usize, want: &str) -> GoError {
    GoError::new(format!("argument {i}: expected {want}"))
}

/// Argument `i` of any type (`interface{}`); nil when absent.
pub(crate) fn any(a: &[Value], i: usize) -> &Value {
    const NIL: &Value = &Value::Nil;
    a.get(i).unwrap_or(NIL)
}

/// Argument `i`, a Go `string`.
pub(crate) fn string(a: &[Value], i: usize) -> Result<&str, GoError> {
    match a.get(i) {
        Some(Value::String(s)) => Ok(s),
        _ => Err(missing(i, "string")),
    }
}

/// Argument `i`, the bytes of a Go `string` (also one holding invalid UTF-8), for
/// byte-oriented functions (encodings, hashes).
pub(crate) fn bytes(a: &[Value], i: usize) -> Result<&[u8], GoError> {
    a.get(i)
        .and_then(Value::as_str_bytes)
        .ok_or_else(|| missing(i, "string"))
}

/// Argument `i`, a Go integer (`int` parameters).
pub(crate) fn int(a: &[Value], i: usize) -> Result<i64, GoError> {
    match a.get(i) {
        Some(Value::Int(n, _)) => Ok(*n),
        _ => Err(missing(i, "int")),
    }
}

/// Argument `i`, a Go `bool`.
pub(crate) fn boolean(a: &[Value], i: usize) -> Result<bool, GoError> {
    match a.get(i) {
        Some(Value::Bool(b)) => Ok(*b),
        _ => Err(missing(i, "bool")),
    }
}

/// A Go `string` result.
pub(crate) fn ok_str(s: impl Into<String>) -> Result<Value, GoError> {
    Ok(Value::String(s.into().into()))
}
