//! Sprig's JSON functions (`defaults.go` of Sprig v3.3.0), on Go's `encoding/json`
//! semantics from [`kiln_encoding::json`].
//!
//! | function | Go signature | semantics |
//! | --- | --- | --- |
//! | `toJson` | `func(v interface{}) string` | `json.Marshal`; `""` on error |
//! | `mustToJson` | `func(v interface{}) (string, error)` | `json.Marshal`, error returned |
//! | `toPrettyJson` | `func(v interface{}) string` | `json.MarshalIndent(v, "", "  ")`; `""` on error |
//! | `mustToPrettyJson` | `func(v interface{}) (string, error)` | the same, error returned |
//! | `toRawJson` | `func(v interface{}) string` | `json.Encoder` with `SetEscapeHTML(false)`, trailing newline trimmed; an error panics, which the template reports like a returned error |
//! | `mustToRawJson` | `func(v interface{}) (string, error)` | the same, error returned |
//! | `fromJson` | `func(v string) interface{}` | `json.Unmarshal` into `interface{}`, errors ignored (nil on a syntax error) |
//! | `mustFromJson` | `func(v string) (interface{}, error)` | the same, error returned |
//!
//! Helm replaces `toJson`, `mustToJson` and `fromJson` with its own versions (see
//! kiln_helm); the others are Sprig's in Helm too.

use kiln_encoding::json::{from_json_partial, to_json, to_pretty_json, to_raw_json, JsonError};
use kiln_gotmpl::{FuncMap, GoError, Ty, Value};

fn arg(args: &[Value]) -> Value {
    args.first().cloned().unwrap_or(Value::Nil)
}

fn text(args: &[Value]) -> String {
    match args.first() {
        Some(Value::String(s)) => s.to_string(),
        _ => String::new(),
    }
}

fn go_err(e: JsonError) -> GoError {
    GoError::new(e.message)
}

pub(crate) fn register(funcs: &mut FuncMap) {
    funcs.add_pure("toJson", &[Ty::Any], None, |a| {
        Ok(Value::from(to_json(&arg(a)).unwrap_or_default()))
    });
    funcs.add_pure("mustToJson", &[Ty::Any], None, |a| {
        to_json(&arg(a)).map(Value::from).map_err(go_err)
    });
    funcs.add_pure("toPrettyJson", &[Ty::Any], None, |a| {
        Ok(Value::from(to_pretty_json(&arg(a)).unwrap_or_default()))
    });
    funcs.add_pure("mustToPrettyJson", &[Ty::Any], None, |a| {
        to_pretty_json(&arg(a)).map(Value::from).map_err(go_err)
    });
    funcs.add_pure("toRawJson", &[Ty::Any], None, |a| {
        to_raw_json(&arg(a)).map(Value::from).map_err(go_err)
    });
    funcs.add_pure("mustToRawJson", &[Ty::Any], None, |a| {
        to_raw_json(&arg(a)).map(Value::from).map_err(go_err)
    });
    funcs.add_pure("fromJson", &[Ty::String], None, |a| {
        Ok(from_json_partial(&text(a)).0)
    });
    funcs.add_pure("mustFromJson", &[Ty::String], None, |a| {
        let (v, err) = from_json_partial(&text(a));
        match err {
            Some(e) => Err(go_err(e)),
            None => Ok(v),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use kiln_gotmpl::MapRef;

    fn call(name: &str, args: &[Value]) -> Result<Value, GoError> {
        let mut f = FuncMap::new();
        register(&mut f);
        let func = f.get(name).expect("registered").clone();
        let mut host = kiln_gotmpl::NoHost;
        let mut ctx = kiln_gotmpl::Ctx { host: &mut host };
        (func.imp)(&mut ctx, args)
    }

    #[test]
    fn json_functions() {
        let mut m = kiln_gotmpl::Map::new();
        m.insert("h".into(), Value::str("<a&b>"));
        let v = Value::Map(MapRef::new(m), kiln_gotmpl::MapType::Any);
        assert_eq!(
            call("toJson", std::slice::from_ref(&v)).unwrap(),
            Value::str("{\"h\":\"\\u003ca\\u0026b\\u003e\"}")
        );
        assert_eq!(
            call("toRawJson", std::slice::from_ref(&v)).unwrap(),
            Value::str("{\"h\":\"<a&b>\"}")
        );
        assert_eq!(
            call("toPrettyJson", &[v]).unwrap(),
            Value::str("{\n  \"h\": \"\\u003ca\\u0026b\\u003e\"\n}")
        );
        assert_eq!(
            call("toJson", &[Value::Float(f64::NAN)]).unwrap(),
            Value::str("")
        );
        assert_eq!(
            call("mustToJson", &[Value::Float(f64::NAN)])
                .unwrap_err()
                .text,
            "json: unsupported value: NaN"
        );
        assert_eq!(call("fromJson", &[Value::str("{bad")]).unwrap(), Value::Nil);
        assert_eq!(
            call("mustFromJson", &[Value::str("{bad")])
                .unwrap_err()
                .text,
            "invalid character 'b' looking for beginning of object key string"
        );
        assert_eq!(
            call("fromJson", &[Value::str("[1]")]).unwrap(),
            Value::list(vec![Value::Float(1.0)])
        );
    }
}
