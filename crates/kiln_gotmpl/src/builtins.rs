//! Go's builtin template functions (text/template/funcs.go): `and or not len index slice
//! print printf println html js urlquery call eq ne lt le gt ge`.
//!
//! Go declares most of them over `reflect.Value`, so they see missing values as nil and
//! never trigger argument type errors; they are declared here with [`Ty::Value`].

use std::sync::Arc;

use crate::error::GoError;
use crate::fmt;
use crate::func::{FuncMap, Function, Special};
use crate::value::{Items, Kind, Str, Ty, UintType, Value};

/// A fresh map holding Go's builtins.
pub fn func_map() -> FuncMap {
    let mut f = FuncMap::new();
    let v = Some(Ty::Value);
    f.insert(Function {
        name: Str::from("and"),
        params: vec![Ty::Value],
        variadic: v,
        special: Special::And,
        imp: Arc::new(|_, a| Ok(a.last().cloned().unwrap_or(Value::Nil))),
    });
    f.insert(Function {
        name: Str::from("or"),
        params: vec![Ty::Value],
        variadic: v,
        special: Special::Or,
        imp: Arc::new(|_, a| Ok(a.last().cloned().unwrap_or(Value::Nil))),
    });
    f.add_pure("not", &[Ty::Value], None, |a| {
        Ok(Value::Bool(!a[0].is_true()))
    });
    f.add_pure("len", &[Ty::Value], None, |a| length(&a[0]));
    f.add_pure("index", &[Ty::Value], v, |a| index(&a[0], &a[1..]));
    f.add_pure("slice", &[Ty::Value], v, |a| slice(&a[0], &a[1..]));
    f.add_pure("print", &[], Some(Ty::Any), |a| {
        Ok(Value::from(fmt::sprint(a)))
    });
    f.add_pure("printf", &[Ty::String], Some(Ty::Any), |a| {
        Ok(Value::from(fmt::sprintf(
            a[0].as_str().unwrap_or(""),
            &a[1..],
        )))
    });
    f.add_pure("println", &[], Some(Ty::Any), |a| {
        Ok(Value::from(fmt::sprintln(a)))
    });
    f.add_pure("html", &[], Some(Ty::Any), |a| {
        Ok(Value::from(html_escape(&eval_args(a))))
    });
    f.add_pure("js", &[], Some(Ty::Any), |a| {
        Ok(Value::from(js_escape(&eval_args(a))))
    });
    f.add_pure("urlquery", &[], Some(Ty::Any), |a| {
        Ok(Value::from(query_escape(&eval_args(a))))
    });
    f.add_pure("call", &[Ty::Value], v, |a| match &a[0] {
        Value::Nil => Err(GoError::new("call of nil")),
        other => Err(GoError::new(format!(
            "non-function of type {}",
            other.type_name()
        ))),
    });
    f.add_pure("eq", &[Ty::Value], v, |a| {
        eq(&a[0], &a[1..]).map(Value::Bool)
    });
    f.add_pure("ne", &[Ty::Value, Ty::Value], None, |a| {
        eq(&a[0], &a[1..2]).map(|b| Value::Bool(!b))
    });
    f.add_pure("lt", &[Ty::Value, Ty::Value], None, |a| {
        lt(&a[0], &a[1]).map(Value::Bool)
    });
    f.add_pure("le", &[Ty::Value, Ty::Value], None, |a| {
        Ok(Value::Bool(lt(&a[0], &a[1])? || eq(&a[0], &a[1..2])?))
    });
    f.add_pure("gt", &[Ty::Value, Ty::Value], None, |a| {
        Ok(Value::Bool(!(lt(&a[0], &a[1])? || eq(&a[0], &a[1..2])?)))
    });
    f.add_pure("ge", &[Ty::Value, Ty::Value], None, |a| {
        Ok(Value::Bool(!lt(&a[0], &a[1])?))
    });
    f
}

/// `fmt.Sprint` of the arguments, with nil shown as `<no value>` (Go's `evalArgs`).
fn eval_args(args: &[Value]) -> String {
    if let [Value::String(s)] = args {
        return s.to_string();
    }
    let args: Vec<Value> = args
        .iter()
        .map(|a| match a {
            Value::Nil => Value::str("<no value>"),
            other => other.clone(),
        })
        .collect();
    fmt::sprint(&args)
}

fn length(v: &Value) -> Result<Value, GoError> {
    match v {
        Value::Nil => Err(GoError::new("len of nil pointer")),
        other => match other.len() {
            Some(n) => Ok(Value::int(n as i64)),
            None => Err(GoError::new(format!("len of type {}", other.type_name()))),
        },
    }
}

/// The plain list/map an object stands for (for `index`, `len`, `range`).
pub(crate) fn underlying(v: &Value) -> Option<Value> {
    match v {
        Value::Object(o) => o.underlying(),
        _ => None,
    }
}

fn index_arg(index: &Value, cap: usize) -> Result<usize, GoError> {
    let x: i64 = match index {
        Value::Int(i, _) => *i,
        Value::Uint(u, _) => *u as i64,
        Value::Nil => return Err(GoError::new("cannot index slice/array with nil")),
        other => {
            return Err(GoError::new(format!(
                "cannot index slice/array with type {}",
                other.type_name()
            )))
        }
    };
    if x < 0 || x as u64 > cap as u64 {
        return Err(GoError::new(format!("index out of range: {x}")));
    }
    Ok(x as usize)
}

/// Go's `index`: `index x 1 2` is `x[1][2]`.
fn index(item: &Value, indexes: &[Value]) -> Result<Value, GoError> {
    let mut item = item.clone();
    if item.is_nil() {
        return Err(GoError::new("index of untyped nil"));
    }
    for idx in indexes {
        if let Some(u) = underlying(&item) {
            item = u;
        }
        item = match &item {
            Value::List(l, _) => {
                let x = index_arg(idx, l.len())?;
                match l.get(x) {
                    Some(v) => v.clone(),
                    None => return Err(GoError::new("reflect: slice index out of range")),
                }
            }
            Value::Bytes(b) => {
                let x = index_arg(idx, b.len())?;
                match b.get(x) {
                    Some(v) => Value::Uint(*v as u64, UintType::Uint8),
                    None => return Err(GoError::new("reflect: slice index out of range")),
                }
            }
            Value::String(s) => {
                let x = index_arg(idx, s.len())?;
                match s.as_bytes().get(x) {
                    Some(v) => Value::Uint(*v as u64, UintType::Uint8),
                    None => return Err(GoError::new("reflect: string index out of range")),
                }
            }
            Value::Map(m, mt) => {
                let key = match idx {
                    Value::String(k) => k.clone(),
                    Value::Nil => {
                        return Err(GoError::new("value is nil; should be of type string"))
                    }
                    other => {
                        return Err(GoError::new(format!(
                            "value has type {}; should be string",
                            other.type_name()
                        )))
                    }
                };
                match m.get(&key) {
                    Some(v) => v,
                    None => match mt {
                        crate::value::MapType::String => Value::str(""),
                        _ => Value::Nil,
                    },
                }
            }
            other => {
                return Err(GoError::new(format!(
                    "can't index item of type {}",
                    other.type_name()
                )))
            }
        };
    }
    Ok(item)
}

/// Go's builtin `slice` (Sprig replaces it in Helm, but it is reachable elsewhere).
fn slice(item: &Value, indexes: &[Value]) -> Result<Value, GoError> {
    let item = underlying(item).unwrap_or_else(|| item.clone());
    if item.is_nil() {
        return Err(GoError::new("slice of untyped nil"));
    }
    if indexes.len() > 3 {
        return Err(GoError::new(format!(
            "too many slice indexes: {}",
            indexes.len()
        )));
    }
    let len = match &item {
        Value::String(s) => {
            if indexes.len() == 3 {
                return Err(GoError::new("cannot 3-index slice a string"));
            }
            s.len()
        }
        Value::List(l, _) => l.len(),
        Value::Bytes(b) => b.len(),
        other => {
            return Err(GoError::new(format!(
                "can't slice item of type {}",
                other.type_name()
            )))
        }
    };
    let mut idx = [0usize, len, len];
    for (i, x) in indexes.iter().enumerate() {
        idx[i] = index_arg(x, len)?;
    }
    if idx[0] > idx[1] {
        return Err(GoError::new(format!(
            "invalid slice index: {} > {}",
            idx[0], idx[1]
        )));
    }
    if indexes.len() == 3 && idx[1] > idx[2] {
        return Err(GoError::new(format!(
            "invalid slice index: {} > {}",
            idx[1], idx[2]
        )));
    }
    let (a, b) = (idx[0], idx[1]);
    Ok(match &item {
        Value::String(s) => match s.get(a..b) {
            Some(sub) => Value::str(sub),
            None => Value::from(String::from_utf8_lossy(&s.as_bytes()[a..b]).into_owned()),
        },
        Value::List(l, t) => Value::List(Arc::new(Items(l[a..b].to_vec())), *t),
        Value::Bytes(bs) => Value::Bytes(Arc::from(&bs[a..b])),
        _ => Value::Nil,
    })
}

#[derive(PartialEq, Eq, Clone, Copy, Debug)]
enum BasicKind {
    Invalid,
    Bool,
    Complex,
    Int,
    Float,
    String,
    Uint,
}

fn basic_kind(v: &Value) -> BasicKind {
    match v {
        Value::Bool(_) => BasicKind::Bool,
        Value::Int(..) => BasicKind::Int,
        Value::Uint(..) => BasicKind::Uint,
        Value::Float(_) => BasicKind::Float,
        Value::Complex(..) => BasicKind::Complex,
        Value::String(_) => BasicKind::String,
        _ => BasicKind::Invalid,
    }
}

fn bad_comparison(a: &Value, b: &Value) -> GoError {
    GoError::new(format!(
        "incompatible types for comparison: {} and {}",
        a.type_name(),
        b.type_name()
    ))
}

fn is_nil_like(v: &Value) -> bool {
    matches!(v, Value::Nil)
}

/// Go's `eq arg1 arg2...`: true if arg1 equals any of the others.
fn eq(a1: &Value, rest: &[Value]) -> Result<bool, GoError> {
    if rest.is_empty() {
        return Err(GoError::new("missing argument for comparison"));
    }
    let k1 = basic_kind(a1);
    for a in rest {
        let k2 = basic_kind(a);
        let truth = if k1 != k2 {
            match (a1, a) {
                (Value::Int(i, _), Value::Uint(u, _)) => *i >= 0 && *i as u64 == *u,
                (Value::Uint(u, _), Value::Int(i, _)) => *i >= 0 && *u == *i as u64,
                _ => {
                    if !a1.is_nil() && !a.is_nil() {
                        return Err(bad_comparison(a1, a));
                    }
                    false
                }
            }
        } else {
            match (a1, a) {
                (Value::Bool(x), Value::Bool(y)) => x == y,
                (Value::Complex(r1, i1), Value::Complex(r2, i2)) => r1 == r2 && i1 == i2,
                (Value::Float(x), Value::Float(y)) => x == y,
                (Value::Int(x, _), Value::Int(y, _)) => x == y,
                (Value::Uint(x, _), Value::Uint(y, _)) => x == y,
                (Value::String(x), Value::String(y)) => x == y,
                _ => {
                    // Non-basic kinds: nil compares with nil; otherwise the types must
                    // match and be comparable (maps and slices are not).
                    if is_nil_like(a1) || is_nil_like(a) {
                        is_nil_like(a1) == is_nil_like(a)
                    } else if a1.type_name() != a.type_name() {
                        return Err(GoError::new(format!(
                            "non-comparable types {}: {}, {}: {}",
                            render(a1),
                            a1.type_name(),
                            a.type_name(),
                            render(a)
                        )));
                    } else if matches!(a.kind(), Kind::Map | Kind::Slice | Kind::Func) {
                        return Err(GoError::new(format!(
                            "non-comparable type {}: {}",
                            render(a),
                            a.type_name()
                        )));
                    } else {
                        a1 == a
                    }
                }
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

fn render(v: &Value) -> String {
    let mut s = String::new();
    fmt::write_value(&mut s, v);
    s
}

/// Go's `lt`.
fn lt(a1: &Value, a2: &Value) -> Result<bool, GoError> {
    let k1 = basic_kind(a1);
    if k1 == BasicKind::Invalid {
        return Err(GoError::new("invalid type for comparison"));
    }
    let k2 = basic_kind(a2);
    if k2 == BasicKind::Invalid {
        return Err(GoError::new("invalid type for comparison"));
    }
    if k1 != k2 {
        return match (a1, a2) {
            (Value::Int(i, _), Value::Uint(u, _)) => Ok(*i < 0 || (*i as u64) < *u),
            (Value::Uint(u, _), Value::Int(i, _)) => Ok(*i >= 0 && *u < *i as u64),
            _ => Err(bad_comparison(a1, a2)),
        };
    }
    Ok(match (a1, a2) {
        (Value::Float(x), Value::Float(y)) => x < y,
        (Value::Int(x, _), Value::Int(y, _)) => x < y,
        (Value::Uint(x, _), Value::Uint(y, _)) => x < y,
        (Value::String(x), Value::String(y)) => x < y,
        _ => return Err(GoError::new("invalid type for comparison")),
    })
}

/// Go's `HTMLEscapeString`.
pub fn html_escape(s: &str) -> String {
    if !s.contains(['\'', '"', '&', '<', '>', '\0']) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\0' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Go's `JSEscapeString`.
pub fn js_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c if (c as u32) < 0x80 => out.push(c),
            c => {
                if fmt::is_print(c) {
                    out.push(c)
                } else {
                    out.push_str(&format!("\\u{:04X}", c as u32))
                }
            }
        }
    }
    out
}

/// Go's `url.QueryEscape`.
pub fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
