//! Sprig's reflection functions (`reflect.go`, `deepEqual` of `functions.go`).
//!
//! | function | Go signature | semantics from |
//! | --- | --- | --- |
//! | `typeOf` | `func(src interface{}) string` | `fmt.Sprintf("%T", src)` |
//! | `typeIs` | `func(target string, src interface{}) bool` | `target == typeOf(src)` |
//! | `typeIsLike` | `func(target string, src interface{}) bool` | `typeOf(src)` is `target` or `*target` |
//! | `kindOf` | `func(src interface{}) string` | `reflect.ValueOf(src).Kind().String()` (`invalid` for nil) |
//! | `kindIs` | `func(target string, src interface{}) bool` | `target == kindOf(src)` |
//! | `deepEqual` | `func(x, y interface{}) bool` | `reflect.DeepEqual` (types must match: `1` and `1.0` differ) |

use kiln_gotmpl::{FuncMap, Ty, Value};

use crate::strings::args::{any, ok_str, string};

pub(crate) fn register(funcs: &mut FuncMap) {
    use Ty::{Any, String as S};

    funcs.add_pure("typeOf", &[Any], None, |a| ok_str(any(a, 0).type_name()));
    funcs.add_pure("typeIs", &[S, Any], None, |a| {
        Ok(Value::Bool(string(a, 0)? == any(a, 1).type_name()))
    });
    funcs.add_pure("typeIsLike", &[S, Any], None, |a| {
        let (target, t) = (string(a, 0)?, any(a, 1).type_name());
        Ok(Value::Bool(
            t == target || t.strip_prefix('*') == Some(target),
        ))
    });
    funcs.add_pure("kindOf", &[Any], None, |a| ok_str(any(a, 0).kind().name()));
    funcs.add_pure("kindIs", &[S, Any], None, |a| {
        Ok(Value::Bool(string(a, 0)? == any(a, 1).kind().name()))
    });
    funcs.add_pure("deepEqual", &[Any, Any], None, |a| {
        Ok(Value::Bool(any(a, 0) == any(a, 1)))
    });
}
