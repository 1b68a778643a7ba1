//! Sprig's defaults and flow functions (`defaults.go`, `compact` of `list.go`,
//! `deepCopy` of `dict.go`, `fail` of `functions.go`).
//!
//! | function | Go signature | semantics from |
//! | --- | --- | --- |
//! | `default` | `func(d interface{}, given ...interface{}) interface{}` | `given[0]` unless absent or [`empty`] |
//! | `empty` | `func(given interface{}) bool` | [`empty`] (Go's zero values, empty containers, nil) |
//! | `coalesce` | `func(v ...interface{}) interface{}` | first non-empty value, else nil |
//! | `all` | `func(v ...interface{}) bool` | no value empty (true without values) |
//! | `any` | `func(v ...interface{}) bool` | some value non-empty |
//! | `compact` | `func(list interface{}) []interface{}` | list.go: non-empty elements of a slice; other kinds panic `Cannot compact on type KIND`, nil panics with Go's nil dereference |
//! | `mustCompact` | `func(list interface{}) ([]interface{}, error)` | the same, returning the error |
//! | `ternary` | `func(vt, vf interface{}, v bool) interface{}` | `vt` if `v` else `vf` |
//! | `deepCopy` | `func(i interface{}) interface{}` | copystructure `Copy`: a copy sharing nothing; nil panics as reflect does |
//! | `mustDeepCopy` | `func(i interface{}) (interface{}, error)` | the same |
//! | `fail` | `func(msg string) (string, error)` | an error with text `msg` (Helm replaces `fail` with its own) |

use kiln_gotmpl::{FuncMap, GoError, Kind, Ty, Value};

use crate::strings::args::{any, boolean, string};

/// Sprig's `empty`: true for nil, `false`, numeric zeros, empty strings, slices and maps;
/// structs and non-nil pointers are never empty.
pub(crate) fn empty(v: &Value) -> bool {
    match v {
        Value::Nil => true,
        Value::Bool(b) => !b,
        Value::Int(i, _) => *i == 0,
        Value::Uint(u, _) => *u == 0,
        Value::Float(f) => *f == 0.0,
        Value::Complex(r, i) => *r == 0.0 && *i == 0.0,
        Value::String(s) => s.is_empty(),
        Value::Bytes(b) | Value::RawString(b) => b.is_empty(),
        Value::List(l, _) => l.is_empty(),
        Value::Map(m, _) => m.is_empty(),
        Value::Object(o) => match o.kind() {
            Kind::Map | Kind::Slice | Kind::String => o.len() == Some(0),
            _ => false,
        },
    }
}

/// list.go `mustCompact`.
fn compact(v: &Value) -> Result<Value, GoError> {
    let items: Vec<Value> = match v {
        Value::Nil => {
            return Err(GoError::new(
                "runtime error: invalid memory address or nil pointer dereference",
            ))
        }
        Value::List(l, _) => l.iter().filter(|x| !empty(x)).cloned().collect(),
        Value::Bytes(b) => b
            .iter()
            .filter(|&&x| x != 0)
            .map(|&x| Value::Uint(u64::from(x), kiln_gotmpl::UintType::Uint8))
            .collect(),
        Value::Object(o) => match o.underlying() {
            Some(u @ (Value::List(..) | Value::Bytes(_))) => return compact(&u),
            _ => {
                return Err(GoError::new(format!(
                    "Cannot compact on type {}",
                    o.kind().name()
                )))
            }
        },
        other => {
            return Err(GoError::new(format!(
                "Cannot compact on type {}",
                other.kind().name()
            )))
        }
    };
    Ok(Value::list(items))
}

/// copystructure's `Copy`: maps become new, independent maps (recursively), so changing
/// the copy (`set`, `unset`) leaves the original alone; nil panics inside reflect.
pub(crate) fn deep_copy(v: &Value) -> Result<Value, GoError> {
    match v {
        Value::Nil => Err(GoError::new(
            "reflect: call of reflect.Value.Type on zero Value",
        )),
        _ => Ok(v.deep_copy()),
    }
}

pub(crate) fn register(funcs: &mut FuncMap) {
    use Ty::{Any, Bool, String as S};

    funcs.add_pure("default", &[Any], Some(Any), |a| {
        let given = a.get(1).unwrap_or(&Value::Nil);
        Ok(if empty(given) {
            any(a, 0).clone()
        } else {
            given.clone()
        })
    });
    funcs.add_pure("empty", &[Any], None, |a| Ok(Value::Bool(empty(any(a, 0)))));
    funcs.add_pure("coalesce", &[], Some(Any), |a| {
        Ok(a.iter().find(|v| !empty(v)).cloned().unwrap_or(Value::Nil))
    });
    funcs.add_pure("all", &[], Some(Any), |a| {
        Ok(Value::Bool(a.iter().all(|v| !empty(v))))
    });
    funcs.add_pure("any", &[], Some(Any), |a| {
        Ok(Value::Bool(a.iter().any(|v| !empty(v))))
    });
    funcs.add_pure("compact", &[Any], None, |a| compact(any(a, 0)));
    funcs.add_pure("mustCompact", &[Any], None, |a| compact(any(a, 0)));
    funcs.add_pure("ternary", &[Any, Any, Bool], None, |a| {
        Ok(if boolean(a, 2)? { any(a, 0) } else { any(a, 1) }.clone())
    });
    // copystructure never fails on template values; nil panics inside reflect, before
    // Sprig's own "deepCopy error: " wrapping could apply.
    funcs.add_pure("deepCopy", &[Any], None, |a| deep_copy(any(a, 0)));
    funcs.add_pure("mustDeepCopy", &[Any], None, |a| deep_copy(any(a, 0)));
    funcs.add_pure("fail", &[S], None, |a| Err(GoError::new(string(a, 0)?)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_copy_shares_nothing() {
        let inner = Value::list(vec![Value::int(1)]);
        let v = Value::list(vec![inner.clone()]);
        let c = deep_copy(&v).unwrap();
        assert_eq!(c, v);
        let m = Value::map(kiln_gotmpl::Map::from([("a".into(), v)]));
        let c = deep_copy(&m).unwrap();
        if let (Value::Map(x, _), Value::Map(y, _)) = (&c, &m) {
            assert!(!x.ptr_eq(y));
            x.insert("b".into(), Value::Nil);
            assert_eq!(y.len(), 1);
        }
    }
}
