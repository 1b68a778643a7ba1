//! The function map Helm gives templates (mirrors Helm's `pkg/engine/funcs.go` and the
//! late-bound functions of `engine.go`): Sprig minus `env`/`expandenv`, Helm's YAML,
//! JSON and TOML functions, `include` (recursion limit 1000), `tpl`, `required`, `fail`,
//! `lookup` (always empty offline) and `getHostByName` (DNS off: empty).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use kiln_gotmpl::{Ctx, FuncMap, GoError, Ty, Value};

use crate::yaml;

/// Helm's limit on nested `include`s of the same template (`recursionMaxNums`).
pub const INCLUDE_RECURSION_MAX: usize = 1000;

/// kiln's limit on nested `tpl` calls (a value that `tpl`s itself). Helm has none: it
/// recurses until Go's 1 GB stack limit kills the process.
pub const TPL_RECURSION_MAX: usize = 1000;

/// Markers Helm wraps `required`/`fail` messages in, to find them in nested errors.
pub const WARN_START: &str = "HELM_ERR_START";
/// See [`WARN_START`].
pub const WARN_END: &str = "HELM_ERR_END";

/// Per-render state the functions share (Helm's `includedNames`).
#[derive(Default, Debug)]
pub struct RenderState {
    included: HashMap<String, usize>,
    /// Nesting of `tpl` calls (see [`TPL_RECURSION_MAX`]).
    tpl_depth: usize,
}

/// The shared Helm function map (built once).
pub fn helm_func_map() -> Arc<FuncMap> {
    static MAP: OnceLock<Arc<FuncMap>> = OnceLock::new();
    MAP.get_or_init(|| Arc::new(build())).clone()
}

fn warn_wrap(msg: &str) -> GoError {
    GoError::new(format!("{WARN_START}{msg}{WARN_END}"))
}

fn build() -> FuncMap {
    let mut f = kiln_sprig::func_map();
    f.remove("env");
    f.remove("expandenv");

    f.add_pure("toYaml", &[Ty::Any], None, |a| {
        Ok(Value::from(yaml::to_yaml(&a[0])))
    });
    f.add_pure("mustToYaml", &[Ty::Any], None, |a| {
        yaml::try_to_yaml(&a[0])
            .map(Value::from)
            .map_err(GoError::new)
    });
    f.add_pure("toYamlPretty", &[Ty::Any], None, |a| {
        Ok(Value::from(yaml::to_yaml_pretty(&a[0])))
    });
    f.add_pure("fromYaml", &[Ty::String], None, |a| {
        Ok(yaml::from_yaml(a[0].as_str().unwrap_or("")))
    });
    f.add_pure("fromYamlArray", &[Ty::String], None, |a| {
        Ok(yaml::from_yaml_array(a[0].as_str().unwrap_or("")))
    });
    f.add_pure("toJson", &[Ty::Any], None, |a| {
        Ok(Value::from(yaml::to_json(&a[0]).unwrap_or_default()))
    });
    f.add_pure("mustToJson", &[Ty::Any], None, |a| {
        yaml::to_json(&a[0]).map(Value::from).map_err(GoError::new)
    });
    f.add_pure("fromJson", &[Ty::String], None, |a| {
        Ok(yaml::from_json_map(a[0].as_str().unwrap_or("")))
    });
    f.add_pure("fromJsonArray", &[Ty::String], None, |a| {
        Ok(yaml::from_json_array(a[0].as_str().unwrap_or("")))
    });
    f.add_pure("toToml", &[Ty::Any], None, |a| {
        Ok(Value::from(match yaml::to_toml(&a[0]) {
            Ok(s) => s,
            Err(e) => e,
        }))
    });
    f.add_pure("mustToToml", &[Ty::Any], None, |a| {
        yaml::to_toml(&a[0]).map(Value::from).map_err(GoError::new)
    });
    f.add_pure("fromToml", &[Ty::String], None, |a| {
        Ok(yaml::from_toml(a[0].as_str().unwrap_or("")))
    });

    f.add("include", &[Ty::String, Ty::Any], None, include);
    f.add("tpl", &[Ty::String, Ty::Any], None, tpl);
    f.add_pure("required", &[Ty::String, Ty::Any], None, |a| {
        let warn = a[0].as_str().unwrap_or("");
        match &a[1] {
            Value::Nil => Err(warn_wrap(warn)),
            Value::String(s) if s.is_empty() => Err(warn_wrap(warn)),
            v => Ok(v.clone()),
        }
    });
    f.add_pure("fail", &[Ty::String], None, |a| {
        Err(warn_wrap(a[0].as_str().unwrap_or("")))
    });
    f.add_pure(
        "lookup",
        &[Ty::String, Ty::String, Ty::String, Ty::String],
        None,
        |_| Ok(Value::empty_map()),
    );
    f.add_pure("getHostByName", &[Ty::String], None, |_| Ok(Value::str("")));
    mark_volatile(&mut f);
    f
}

/// Functions whose result is not a function of their arguments: the clock, random
/// numbers, random keys and salts. A render that calls one is not reproducible, so
/// callers that reuse render results (kiln's render cache) must not reuse it; they
/// watch [`volatile_calls`].
pub const VOLATILE_FUNCS: &[&str] = &[
    "now",
    "ago",
    // These read the clock when their time argument is not a time (`date "2006" nil`).
    "date",
    "dateInZone",
    "date_in_zone",
    "htmlDate",
    "htmlDateInZone",
    "durationRound",
    "randAlphaNum",
    "randAlpha",
    "randNumeric",
    "randAscii",
    "randInt",
    "randBytes",
    "uuidv4",
    "shuffle",
    "genPrivateKey",
    "genCA",
    "genCAWithKey",
    "genSelfSignedCert",
    "genSelfSignedCertWithKey",
    "genSignedCert",
    "genSignedCertWithKey",
    "encryptAES",
    "htpasswd",
    "bcrypt",
];

thread_local! {
    static VOLATILE_CALLS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How many [`VOLATILE_FUNCS`] calls templates made on this thread so far. A render runs
/// on the calling thread, so a caller compares the count before and after it.
pub fn volatile_calls() -> u64 {
    VOLATILE_CALLS.with(|c| c.get())
}

/// Wraps every function of [`VOLATILE_FUNCS`] in `f` so that calling it counts in
/// [`volatile_calls`].
fn mark_volatile(f: &mut FuncMap) {
    for name in VOLATILE_FUNCS {
        let Some(orig) = f.get(name).cloned() else {
            continue;
        };
        let imp = orig.imp.clone();
        f.insert(kiln_gotmpl::Function {
            name: orig.name.clone(),
            params: orig.params.clone(),
            variadic: orig.variadic,
            special: orig.special,
            imp: Arc::new(move |ctx: &mut Ctx<'_>, args: &[Value]| {
                VOLATILE_CALLS.with(|c| c.set(c.get() + 1));
                imp(ctx, args)
            }),
        });
    }
}

fn state<'a>(ctx: &'a mut Ctx<'_>) -> Option<&'a mut RenderState> {
    ctx.host.extension()?.downcast_mut::<RenderState>()
}

/// Helm's `include`: executes a named template and returns its output as a string.
fn include(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, GoError> {
    let name = a[0].as_str().unwrap_or("");
    if let Some(st) = state(ctx) {
        // Charts include the same few helpers thousands of times: the name is only
        // allocated the first time.
        let n = match st.included.get_mut(name) {
            Some(n) => n,
            None => st.included.entry(name.to_string()).or_insert(0),
        };
        if *n > INCLUDE_RECURSION_MAX {
            return Err(GoError::new(format!(
                "rendering template has a nested reference name: {name}: unable to execute template"
            )));
        }
        *n += 1;
    }
    let r = ctx.host.execute_template(name, a[1].clone());
    if let Some(st) = state(ctx) {
        if let Some(n) = st.included.get_mut(name) {
            *n -= 1;
        }
    }
    r.map(Value::from)
}

/// The start of the error for too deeply nested `tpl` calls.
const TPL_LIMIT_TEXT: &str = "tpl calls nested more than";

/// Helm's `tpl`: parses the string as a template (in a copy of the current template
/// set, so `define`s inside are visible to nested `include`s) and executes it.
fn tpl(ctx: &mut Ctx<'_>, a: &[Value]) -> Result<Value, GoError> {
    let text = a[0].as_str().unwrap_or("");
    if !text.contains("{{") {
        // No action: the template is its own text (what parsing and executing it gives).
        return Ok(Value::from(text.replace("<no value>", "")));
    }
    if let Some(st) = state(ctx) {
        if st.tpl_depth >= TPL_RECURSION_MAX {
            return Err(GoError::new(format!(
                "{TPL_LIMIT_TEXT} {TPL_RECURSION_MAX} deep (kiln's limit; Helm would exhaust its stack)"
            )));
        }
        st.tpl_depth += 1;
    }
    let r = ctx.host.execute_text("gotpl", text, a[1].clone());
    if let Some(st) = state(ctx) {
        st.tpl_depth -= 1;
    }
    match r {
        Ok(s) => Ok(Value::from(s.replace("<no value>", ""))),
        // Not wrapped level by level: 1000 levels of context would make a huge message.
        Err(e) if e.text.contains(TPL_LIMIT_TEXT) => {
            let at = e.text.find(TPL_LIMIT_TEXT).unwrap_or(0);
            Err(GoError::new(&e.text[at..]))
        }
        Err(e) => {
            let prefix = if e.exec.is_none() {
                format!("cannot parse template {}: ", go_quote(text))
            } else {
                format!(
                    "error during tpl function execution for {}: ",
                    go_quote(text)
                )
            };
            Err(GoError::wrap(&prefix, e))
        }
    }
}

fn go_quote(s: &str) -> String {
    kiln_gotmpl::fmt::quote(s)
}
