//! Sprig's dict functions (`dict.go` of Sprig v3.3.0) with `dario.cat/mergo` v1.0.1's
//! merge rules.
//!
//! | function | Go signature | result |
//! | --- | --- | --- |
//! | `dict` | `func(v ...interface{}) map[string]interface{}` | keys through `strval` (`%v`, so `dict 1 2` has key `"1"`, nil gives `"<nil>"`); an odd trailing key maps to `""`; later duplicates win |
//! | `get` | `func(d map[string]interface{}, key string) interface{}` | the value, or `""` when missing |
//! | `set` | `func(d map[string]interface{}, key string, value interface{}) map[string]interface{}` | `d` with `d[key] = value` |
//! | `unset` | `func(d map[string]interface{}, key string) map[string]interface{}` | `d` without `key` |
//! | `hasKey` | `func(d map[string]interface{}, key string) bool` | presence (a nil value counts) |
//! | `pluck` | `func(key string, d ...map[string]interface{}) []interface{}` | values of `key` in the maps that have it |
//! | `keys` | `func(dicts ...map[string]interface{}) []string` | all keys, dict after dict |
//! | `pick` | `func(dict map[string]interface{}, keys ...string) map[string]interface{}` | new map with the listed keys that exist |
//! | `omit` | `func(dict map[string]interface{}, keys ...string) map[string]interface{}` | new map without the listed keys |
//! | `values` | `func(dict map[string]interface{}) []interface{}` | all values |
//! | `merge`, `mustMerge` | `func(dst map[string]interface{}, srcs ...map[string]interface{}) interface{}` (+ `error`) | `mergo.Merge` of each src into dst: deep, dst wins unless its value is empty |
//! | `mergeOverwrite`, `mustMergeOverwrite` | same | `mergo.MergeWithOverwrite`: deep, src wins (even empty values, nil included) |
//! | `dig` | `func(ps ...interface{}) (interface{}, error)` | `dig k1 k2 ... default dict`; panics (→ `Err`) on fewer than 3 arguments and on non-map intermediate values with Go's `interface conversion` text |
//!
//! **Order.** Go iterates maps in random order, so `keys` and `values` have no defined
//! order in Helm (charts pipe `keys` to `sortAlpha`). kiln's maps iterate in key order,
//! so `keys` yields each dict's keys sorted (dict after dict, one of the orders Go can
//! produce) and `values` yields values in key order.
//!
//! **In-place mutation.** As in Go, `set`, `unset`, `merge` and `mergeOverwrite` change
//! `dst` in place ([`MapRef`] is shared by every reference to the map, so `$_ := set
//! .Values.m "k" 1` is visible as `.Values.m.k`), and mergo's deep merge changes nested
//! dst maps in place too. Source values are shared, not copied, as in Go.

use std::sync::Arc;

use kiln_gotmpl::{FuncMap, GoError, ListType, Map, MapRef, MapType, Str, Ty, Value};

fn arg(a: &[Value], i: usize) -> &Value {
    a.get(i).unwrap_or(&Value::Nil)
}

/// Sprig's `strval`: strings as they are, `[]byte` as text, `error`/`Stringer` values
/// through their method, anything else with `%v`.
pub(crate) fn strval(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        _ => kiln_gotmpl::fmt::sprint(std::slice::from_ref(v)),
    }
}

/// The map argument of a `map[string]interface{}` parameter (the engine has already
/// checked the type; nil arrives as an empty map).
fn map_arg(v: &Value) -> Arc<Map> {
    v.as_map().unwrap_or_default()
}

fn str_arg(v: &Value) -> Str {
    match v {
        Value::String(s) => s.clone(),
        _ => Str::from(strval(v)),
    }
}

/// Applies a Go map mutation in place and returns the map as Go's
/// `map[string]interface{}` result (the same map).
pub(crate) fn update_map(m: &Value, f: impl FnOnce(&mut Map)) -> Value {
    match m {
        Value::Map(r, _) => {
            r.update(f);
            Value::Map(r.clone(), MapType::Any)
        }
        // The engine passes nil as an empty map; a fresh one is what Go's callee gets.
        _ => {
            let mut inner = Map::new();
            f(&mut inner);
            Value::map(inner)
        }
    }
}

/// mergo's `isEmptyValue(v, true)` for a map element held in an interface.
fn is_empty_value(v: &Value) -> bool {
    match v {
        Value::Nil => true,
        Value::Bool(b) => !b,
        Value::Int(i, _) => *i == 0,
        Value::Uint(u, _) => *u == 0,
        Value::Float(f) => *f == 0.0,
        Value::Complex(..) => false,
        Value::String(s) => s.is_empty(),
        Value::Bytes(b) | Value::RawString(b) => b.is_empty(),
        Value::List(l, _) => l.is_empty(),
        Value::Map(m, _) => m.is_empty(),
        Value::Object(o) => match o.kind() {
            kiln_gotmpl::Kind::Slice | kiln_gotmpl::Kind::Map => o.len() == Some(0),
            _ => false,
        },
    }
}

/// Whether the value's dynamic kind is one mergo recurses into (`Struct`, `Ptr`, `Map`).
fn is_struct_ptr_or_map(v: &Value) -> bool {
    match v {
        Value::Map(..) => true,
        Value::Object(o) => matches!(
            o.kind(),
            kiln_gotmpl::Kind::Struct | kiln_gotmpl::Kind::Ptr | kiln_gotmpl::Kind::Map
        ),
        _ => false,
    }
}

fn is_slice(v: &Value) -> bool {
    matches!(v, Value::List(..) | Value::Bytes(_))
        || matches!(v, Value::Object(o) if o.kind() == kiln_gotmpl::Kind::Slice)
}

const ERR_DIFFERENT_TYPES: &str = "src and dst must be of same type";

/// How deep nested maps may go in a merge: Go recurses without bound (a map that
/// contains itself overflows Go's stack); kiln stops with an error.
const MAX_MERGE_DEPTH: usize = 1_000;

/// mergo's `deepMerge` of a `map[string]interface{}` `src` (a snapshot) into `dst` (with
/// `Overwrite` when `overwrite`), in place, for the value shapes templates have. No map
/// lock is held while recursing.
///
/// `outer` are the maps `dst` is nested in (for the cycle check, see [`refuse_cycle`]).
fn deep_merge(
    dst: &MapRef,
    src: &Map,
    overwrite: bool,
    depth: usize,
    outer: &[&MapRef],
) -> Result<(), GoError> {
    if depth > MAX_MERGE_DEPTH {
        return Err(GoError::new("merge: maps nested too deeply"));
    }
    let mut chain: Vec<&MapRef> = outer.to_vec();
    chain.push(dst);
    let insert = |key: &Str, v: &Value| -> Result<(), GoError> {
        refuse_cycle("merge", v, &chain)?;
        dst.insert(key.clone(), v.clone());
        Ok(())
    };
    for (key, s) in src {
        if s.is_nil() {
            if overwrite {
                dst.insert(key.clone(), Value::Nil);
            }
            continue;
        }
        let d = dst.get(key);
        if is_struct_ptr_or_map(s) {
            match (&d, s) {
                (Some(Value::Map(dm, _)), Value::Map(sm, _)) => {
                    // Nested maps are merged in place in Go.
                    deep_merge(dm, &sm.snapshot(), overwrite, depth + 1, &chain)?;
                }
                (Some(Value::Object(o)), Value::Map(..))
                    if o.kind() == kiln_gotmpl::Kind::Ptr && !overwrite =>
                {
                    return Err(GoError::new(ERR_DIFFERENT_TYPES));
                }
                _ => {}
            }
        }
        if let Some(c) = &d {
            // Emptiness is judged now: a nested map may just have been merged into.
            if !is_empty_value(c) {
                if is_slice(s) {
                    if overwrite {
                        insert(key, s)?;
                    }
                    continue;
                }
                if matches!(s, Value::Map(..)) && matches!(c, Value::Map(..)) {
                    continue;
                }
            }
        }
        let set = overwrite
            || match &d {
                None => true,
                Some(c) => is_empty_value(c),
            };
        if set {
            insert(key, s)?;
        }
    }
    Ok(())
}

/// Go lets a map hold itself (`set $d "self" $d`), after which printing it, `toYaml`,
/// `deepCopy` and most other uses overflow Go's stack and kill Helm. kiln refuses to
/// build such a map: `set`, `merge` and `mergeOverwrite` fail when the value stored
/// holds one of `maps` (the map written to and the maps it is nested in).
fn refuse_cycle(func: &str, value: &Value, maps: &[&MapRef]) -> Result<(), GoError> {
    if MapRef::reachable_from(value, maps) {
        return Err(GoError::new(format!(
            "{func}: the value holds the map it would be stored in; kiln refuses maps that \
             contain themselves (Helm would overflow its stack printing or copying one)"
        )));
    }
    Ok(())
}

fn merge_all(a: &[Value], overwrite: bool) -> Result<Value, GoError> {
    let dst = match arg(a, 0) {
        Value::Map(r, _) => r.clone(),
        _ => MapRef::default(),
    };
    for src in a.iter().skip(1) {
        deep_merge(&dst, &map_arg(src), overwrite, 0, &[])?;
    }
    Ok(Value::Map(dst, MapType::Any))
}

/// Go's type assertion `v.(map[string]interface{})`, with the panic text.
fn assert_map(v: &Value) -> Result<Arc<Map>, GoError> {
    match v {
        Value::Map(m, MapType::Any) => Ok(m.snapshot()),
        _ => Err(GoError::new(format!(
            "interface conversion: interface {{}} is {}, not map[string]interface {{}}",
            go_dynamic_type(v)
        ))),
    }
}

/// The dynamic type an `interface{}` holds, as Go's interface-conversion panics print it.
fn go_dynamic_type(v: &Value) -> String {
    match v {
        Value::Nil => "nil".to_string(),
        _ => v.type_name().into_owned(),
    }
}

fn dig(ps: &[Value]) -> Result<Value, GoError> {
    if ps.len() < 3 {
        return Err(GoError::new("dig needs at least three arguments"));
    }
    let mut dict = assert_map(&ps[ps.len() - 1])?;
    let def = &ps[ps.len() - 2];
    let mut ks = Vec::with_capacity(ps.len() - 2);
    for k in &ps[..ps.len() - 2] {
        match k {
            Value::String(s) => ks.push(s.clone()),
            _ => {
                return Err(GoError::new(format!(
                    "interface conversion: interface {{}} is {}, not string",
                    go_dynamic_type(k)
                )))
            }
        }
    }
    let mut i = 0;
    loop {
        let step = match dict.get(&ks[i]) {
            None => return Ok(def.clone()),
            Some(s) => s.clone(),
        };
        if i + 1 == ks.len() {
            return Ok(step);
        }
        dict = assert_map(&step)?;
        i += 1;
    }
}

pub(crate) fn register(funcs: &mut FuncMap) {
    funcs.add_pure("dict", &[], Some(Ty::Any), |a| {
        let mut m = Map::new();
        let mut i = 0;
        while i < a.len() {
            let key = Str::from(strval(&a[i]));
            let v = a.get(i + 1).cloned().unwrap_or_else(|| Value::str(""));
            m.insert(key, v);
            i += 2;
        }
        Ok(Value::map(m))
    });
    funcs.add_pure("get", &[Ty::MapAny, Ty::String], None, |a| {
        let m = map_arg(arg(a, 0));
        Ok(m.get(&*str_arg(arg(a, 1)))
            .cloned()
            .unwrap_or_else(|| Value::str("")))
    });
    funcs.add_pure("set", &[Ty::MapAny, Ty::String, Ty::Any], None, |a| {
        let (key, value) = (str_arg(arg(a, 1)), arg(a, 2).clone());
        if let Value::Map(target, _) = arg(a, 0) {
            refuse_cycle("set", &value, &[target])?;
        }
        Ok(update_map(arg(a, 0), |m| {
            m.insert(key, value);
        }))
    });
    funcs.add_pure("unset", &[Ty::MapAny, Ty::String], None, |a| {
        let key = str_arg(arg(a, 1));
        Ok(update_map(arg(a, 0), |m| {
            m.remove(&*key);
        }))
    });
    funcs.add_pure("hasKey", &[Ty::MapAny, Ty::String], None, |a| {
        Ok(Value::Bool(
            map_arg(arg(a, 0)).contains_key(&*str_arg(arg(a, 1))),
        ))
    });
    funcs.add_pure("pluck", &[Ty::String], Some(Ty::MapAny), |a| {
        let key = str_arg(arg(a, 0));
        let res = a
            .iter()
            .skip(1)
            .filter_map(|d| d.as_map().and_then(|m| m.get(&*key).cloned()))
            .collect();
        Ok(Value::list(res))
    });
    funcs.add_pure("keys", &[], Some(Ty::MapAny), |a| {
        let mut k = Vec::new();
        for d in a {
            if let Some(m) = d.as_map() {
                k.extend(m.keys().map(|s| Value::String(s.clone())));
            }
        }
        Ok(Value::List(
            Arc::new(kiln_gotmpl::Items::from(k)),
            ListType::String,
        ))
    });
    funcs.add_pure("pick", &[Ty::MapAny], Some(Ty::String), |a| {
        let m = map_arg(arg(a, 0));
        let mut res = Map::new();
        for k in a.iter().skip(1) {
            let k = str_arg(k);
            if let Some(v) = m.get(&*k) {
                res.insert(k, v.clone());
            }
        }
        Ok(Value::map(res))
    });
    funcs.add_pure("omit", &[Ty::MapAny], Some(Ty::String), |a| {
        let m = map_arg(arg(a, 0));
        let omit: Vec<Str> = a.iter().skip(1).map(str_arg).collect();
        let res = m
            .iter()
            .filter(|(k, _)| !omit.iter().any(|o| o == *k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Ok(Value::map(res))
    });
    funcs.add_pure("values", &[Ty::MapAny], None, |a| {
        Ok(Value::list(map_arg(arg(a, 0)).values().cloned().collect()))
    });
    funcs.add_pure("merge", &[Ty::MapAny], Some(Ty::MapAny), |a| {
        // Sprig swallows mergo's errors and returns "".
        Ok(merge_all(a, false).unwrap_or_else(|_| Value::str("")))
    });
    funcs.add_pure("mustMerge", &[Ty::MapAny], Some(Ty::MapAny), |a| {
        merge_all(a, false)
    });
    funcs.add_pure("mergeOverwrite", &[Ty::MapAny], Some(Ty::MapAny), |a| {
        Ok(merge_all(a, true).unwrap_or_else(|_| Value::str("")))
    });
    funcs.add_pure("mustMergeOverwrite", &[Ty::MapAny], Some(Ty::MapAny), |a| {
        merge_all(a, true)
    });
    funcs.add_pure("dig", &[], Some(Ty::Any), dig);
}
