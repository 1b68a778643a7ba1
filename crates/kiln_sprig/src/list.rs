//! Sprig's list functions (`list.go` of Sprig v3.3.0).
//!
//! Sprig accepts any slice or array through reflection (`[]string`, `[]interface{}`,
//! `[]byte`, ...) and returns `[]interface{}` built from the elements, which keep their
//! own Go types. A non-slice operand is an error (`Cannot find last on type map`); the
//! non-`must` variants panic with the same error, which aborts a Helm render, so both
//! return `Err` with the same text. A nil operand makes Go's `reflect.TypeOf(nil).Kind()`
//! dereference a nil pointer, hence `runtime error: invalid memory address or nil
//! pointer dereference` (except in `has`, which checks for nil first).
//!
//! | function | Go signature | result |
//! | --- | --- | --- |
//! | `list`, `tuple` | `func(v ...interface{}) []interface{}` | the arguments |
//! | `append`, `push`, `mustAppend`, `mustPush` | `func(list, v interface{}) []interface{}` | copy with `v` appended (`Cannot push on type K`) |
//! | `prepend`, `mustPrepend` | `func(list, v interface{}) []interface{}` | copy with `v` first (`Cannot prepend on type K`) |
//! | `first`, `mustFirst` | `func(list interface{}) interface{}` | first element, nil when empty (`Cannot find first on type K`) |
//! | `last`, `mustLast` | `func(list interface{}) interface{}` | last element, nil when empty |
//! | `rest`, `mustRest` | `func(list interface{}) []interface{}` | all but the first (nil slice when empty) |
//! | `initial`, `mustInitial` | `func(list interface{}) []interface{}` | all but the last (nil slice when empty) |
//! | `reverse`, `mustReverse` | `func(v interface{}) []interface{}` | reversed copy |
//! | `uniq`, `mustUniq` | `func(list interface{}) []interface{}` | first occurrences, by `reflect.DeepEqual` |
//! | `without`, `mustWithout` | `func(list interface{}, omit ...interface{}) []interface{}` | elements not `DeepEqual` to any of `omit` |
//! | `has`, `mustHas` | `func(needle, haystack interface{}) bool` | `DeepEqual` membership; nil haystack → false |
//! | `slice`, `mustSlice` | `func(list interface{}, indices ...interface{}) interface{}` | `list[start:end]` keeping the slice type; nil when `list` is empty |
//! | `concat` | `func(lists ...interface{}) interface{}` | all elements; panics `Cannot concat type K as list` |
//! | `chunk`, `mustChunk` | `func(size int, list interface{}) [][]interface{}` | chunks of `size` (Sprig's float arithmetic, so `size <= 0` panics `runtime error: makeslice: len out of range`) |
//!
//! Known difference: Go distinguishes a nil slice from an empty one (`rest (list) |
//! toJson` is `null` in Go); the value model has no typed nil slice, so kiln returns an
//! empty list (printed `[]` either way).

use std::sync::Arc;

use kiln_gotmpl::{FuncMap, GoError, Kind, ListType, Ty, UintType, Value};

use crate::math::cast::to_int64;

/// Go's panic text for `reflect.TypeOf(nil).Kind()`.
pub(crate) const NIL_DEREF: &str =
    "runtime error: invalid memory address or nil pointer dereference";

/// The elements of a slice-kind value (`[]T`, `[]byte`, slice-like objects).
pub(crate) fn elements(v: &Value) -> Option<Vec<Value>> {
    match v {
        Value::List(l, _) => Some(l.to_vec()),
        Value::Bytes(b) => Some(
            b.iter()
                .map(|&x| Value::Uint(u64::from(x), UintType::Uint8))
                .collect(),
        ),
        Value::Object(o) if o.kind() == Kind::Slice => o.underlying().and_then(|u| elements(&u)),
        _ => None,
    }
}

/// Sprig's reflect-based list check: the elements, or the error
/// `<prefix> <kind><suffix>` (e.g. `Cannot find last on type map`).
fn list_of(v: &Value, prefix: &str, suffix: &str) -> Result<Vec<Value>, GoError> {
    if v.is_nil() {
        return Err(GoError::new(NIL_DEREF));
    }
    elements(v).ok_or_else(|| GoError::new(format!("{prefix} {}{suffix}", v.kind().name())))
}

fn arg(a: &[Value], i: usize) -> &Value {
    a.get(i).unwrap_or(&Value::Nil)
}

fn any_list(v: Vec<Value>) -> Value {
    Value::List(Arc::new(kiln_gotmpl::Items::from(v)), ListType::Any)
}

/// `inList`: membership by `reflect.DeepEqual`.
fn in_list(haystack: &[Value], needle: &Value) -> bool {
    haystack.iter().any(|h| h == needle)
}

/// Registers `name` and `mustName` with the same implementation (Sprig's non-must
/// variants panic with the error the must variant returns).
fn both<F>(funcs: &mut FuncMap, names: &[&str], params: &[Ty], variadic: Option<Ty>, f: F)
where
    F: Fn(&[Value]) -> Result<Value, GoError> + Send + Sync + Clone + 'static,
{
    for name in names {
        funcs.add_pure(name, params, variadic, f.clone());
    }
}

fn chunk(size: i64, list: &Value) -> Result<Value, GoError> {
    let items = list_of(list, "Cannot chunk type", "")?;
    let l = items.len() as i64;
    const MAKESLICE: &str = "runtime error: makeslice: len out of range";
    // cs := int(math.Floor(float64(l-1)/float64(size)) + 1)
    let cs = crate::math::cast::float_to_int64(((l - 1) as f64 / size as f64).floor() + 1.0);
    if cs < 0 {
        return Err(GoError::new(MAKESLICE));
    }
    if cs > l.max(1) {
        // Only reachable with size <= 0, where Go panics making the chunk below.
        return Err(GoError::new(MAKESLICE));
    }
    let mut out = Vec::with_capacity(cs as usize);
    for i in 0..cs {
        let mut clen = size;
        if i == cs - 1 {
            clen = ((l as f64) % (size as f64)).floor() as i64;
            if clen == 0 {
                clen = size;
            }
        }
        if clen < 0 {
            return Err(GoError::new(MAKESLICE));
        }
        let mut c = Vec::with_capacity(clen.min(l) as usize);
        for j in 0..clen {
            let ix = i * size + j;
            match items.get(ix as usize) {
                Some(v) if ix >= 0 => c.push(v.clone()),
                _ => return Err(GoError::new("reflect: slice index out of range")),
            }
        }
        out.push(any_list(c));
    }
    Ok(Value::List(
        Arc::new(kiln_gotmpl::Items::from(out)),
        ListType::Named("[][]interface {}"),
    ))
}

fn slice(a: &[Value]) -> Result<Value, GoError> {
    let list = arg(a, 0);
    if list.is_nil() {
        return Err(GoError::new(NIL_DEREF));
    }
    let (items, ty): (Vec<Value>, Option<ListType>) = match list {
        Value::List(l, t) => (l.to_vec(), Some(*t)),
        _ => match elements(list) {
            Some(e) => (e, None),
            None => {
                return Err(GoError::new(format!(
                    "list should be type of slice or array but {}",
                    list.kind().name()
                )))
            }
        },
    };
    let l = items.len() as i64;
    if l == 0 {
        return Ok(Value::Nil);
    }
    let start = a.get(1).map(to_int64).unwrap_or(0);
    let end = if a.len() < 3 { l } else { to_int64(&a[2]) };
    if start < 0 || end < start || end > l {
        return Err(GoError::new(
            "reflect.Value.Slice: slice index out of bounds",
        ));
    }
    let part = &items[start as usize..end as usize];
    Ok(match (list, ty) {
        (Value::Bytes(b), _) => Value::Bytes(Arc::from(&b[start as usize..end as usize])),
        (_, Some(t)) => Value::List(Arc::new(kiln_gotmpl::Items::from(part.to_vec())), t),
        _ => any_list(part.to_vec()),
    })
}

pub(crate) fn register(funcs: &mut FuncMap) {
    both(funcs, &["list", "tuple"], &[], Some(Ty::Any), |a| {
        Ok(any_list(a.to_vec()))
    });
    both(
        funcs,
        &["append", "push", "mustAppend", "mustPush"],
        &[Ty::Any, Ty::Any],
        None,
        |a| {
            let mut l = list_of(arg(a, 0), "Cannot push on type", "")?;
            l.push(arg(a, 1).clone());
            Ok(any_list(l))
        },
    );
    both(
        funcs,
        &["prepend", "mustPrepend"],
        &[Ty::Any, Ty::Any],
        None,
        |a| {
            let l = list_of(arg(a, 0), "Cannot prepend on type", "")?;
            let mut out = Vec::with_capacity(l.len() + 1);
            out.push(arg(a, 1).clone());
            out.extend(l);
            Ok(any_list(out))
        },
    );
    both(funcs, &["first", "mustFirst"], &[Ty::Any], None, |a| {
        let l = list_of(arg(a, 0), "Cannot find first on type", "")?;
        Ok(l.into_iter().next().unwrap_or(Value::Nil))
    });
    both(funcs, &["last", "mustLast"], &[Ty::Any], None, |a| {
        let l = list_of(arg(a, 0), "Cannot find last on type", "")?;
        Ok(l.into_iter().last().unwrap_or(Value::Nil))
    });
    both(funcs, &["rest", "mustRest"], &[Ty::Any], None, |a| {
        let l = list_of(arg(a, 0), "Cannot find rest on type", "")?;
        Ok(any_list(l.into_iter().skip(1).collect()))
    });
    both(funcs, &["initial", "mustInitial"], &[Ty::Any], None, |a| {
        let mut l = list_of(arg(a, 0), "Cannot find initial on type", "")?;
        l.pop();
        Ok(any_list(l))
    });
    both(funcs, &["reverse", "mustReverse"], &[Ty::Any], None, |a| {
        let mut l = list_of(arg(a, 0), "Cannot find reverse on type", "")?;
        l.reverse();
        Ok(any_list(l))
    });
    both(funcs, &["uniq", "mustUniq"], &[Ty::Any], None, |a| {
        let l = list_of(arg(a, 0), "Cannot find uniq on type", "")?;
        let mut dest: Vec<Value> = Vec::new();
        for item in l {
            if !in_list(&dest, &item) {
                dest.push(item);
            }
        }
        Ok(any_list(dest))
    });
    both(
        funcs,
        &["without", "mustWithout"],
        &[Ty::Any],
        Some(Ty::Any),
        |a| {
            let l = list_of(arg(a, 0), "Cannot find without on type", "")?;
            let omit = a.get(1..).unwrap_or(&[]);
            Ok(any_list(
                l.into_iter().filter(|x| !in_list(omit, x)).collect(),
            ))
        },
    );
    both(funcs, &["has", "mustHas"], &[Ty::Any, Ty::Any], None, |a| {
        let (needle, haystack) = (arg(a, 0), arg(a, 1));
        if haystack.is_nil() {
            return Ok(Value::Bool(false));
        }
        let l = list_of(haystack, "Cannot find has on type", "")?;
        Ok(Value::Bool(in_list(&l, needle)))
    });
    both(
        funcs,
        &["slice", "mustSlice"],
        &[Ty::Any],
        Some(Ty::Any),
        slice,
    );
    funcs.add_pure("concat", &[], Some(Ty::Any), |a| {
        let mut res = Vec::new();
        for list in a {
            if list.is_nil() {
                return Err(GoError::new(NIL_DEREF));
            }
            match elements(list) {
                Some(e) => res.extend(e),
                None => {
                    return Err(GoError::new(format!(
                        "Cannot concat type {} as list",
                        list.kind().name()
                    )))
                }
            }
        }
        Ok(any_list(res))
    });
    both(
        funcs,
        &["chunk", "mustChunk"],
        &[Ty::Int, Ty::Any],
        None,
        |a| {
            let size = match arg(a, 0) {
                Value::Int(i, _) => *i,
                v => to_int64(v),
            };
            chunk(size, arg(a, 1))
        },
    );
}
