//! ApplicationSet template rendering (mirrors Argo CD's
//! `applicationset/utils/utils.go`: `Render.Replace` and `deeplyReplace`): every string
//! leaf and every map key is rendered on its own, with Go templates (`goTemplate: true`,
//! Sprig plus Argo's `normalize`, `slugify`, `toYaml`, `fromYaml`, `fromYamlArray`) or
//! fasttemplate (`{{ key }}` replaced by string parameters only).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use kiln_gotmpl::{
    FuncMap, GoError, Map, MapRef, MissingKey, Options, Str, TemplateSet, Ty, Value,
};

/// Argo CD's template function map: Sprig's generic map minus `env`, `expandenv` and
/// `getHostByName`, plus Argo's own functions (utils.go `init`, template_functions.go).
pub fn argo_func_map() -> Arc<FuncMap> {
    static MAP: OnceLock<Arc<FuncMap>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut f = kiln_sprig::func_map();
        f.remove("env");
        f.remove("expandenv");
        f.remove("getHostByName");
        f.add_pure("normalize", &[Ty::String], None, |a| {
            Ok(Value::from(sanitize_name(a[0].as_str().unwrap_or(""))))
        });
        f.add_pure("slugify", &[], Some(Ty::Any), slugify);
        f.add_pure("toYaml", &[Ty::Any], None, |a| {
            kiln_helm::yaml::try_to_yaml(&a[0]).map(Value::from).map_err(GoError::new)
        });
        f.add_pure("fromYaml", &[Ty::String], None, |a| {
            match kiln_helm::yaml::parse_document(a[0].as_str().unwrap_or("")) {
                Ok(v @ Value::Map(..)) => Ok(v),
                Ok(Value::Nil) => Ok(Value::empty_map()),
                Ok(other) => Err(GoError::new(format!(
                    "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                    json_kind(&other)
                ))),
                Err((e, _)) => Err(GoError::new(e)),
            }
        });
        f.add_pure("fromYamlArray", &[Ty::String], None, |a| {
            match kiln_helm::yaml::parse_document(a[0].as_str().unwrap_or("")) {
                Ok(v @ Value::List(..)) => Ok(v),
                Ok(Value::Nil) => Ok(Value::list(vec![])),
                Ok(other) => Err(GoError::new(format!(
                    "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type []interface {{}}",
                    json_kind(&other)
                ))),
                Err((e, _)) => Err(GoError::new(e)),
            }
        });
        Arc::new(f)
    })
    .clone()
}

/// The JSON kind Go's `encoding/json` names in "cannot unmarshal X into" errors.
fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::String(_) | Value::RawString(_) => "string",
        Value::Bool(_) => "bool",
        Value::List(..) => "array",
        Value::Map(..) => "object",
        _ => "number",
    }
}

/// Argo's `SanitizeName` (the `normalize` function): lower-case, every character not in
/// `[-a-z0-9.]` becomes `-`, cut at 253 bytes, then `-` and `.` trimmed at both ends.
pub fn sanitize_name(name: &str) -> String {
    let mut s: String = name
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if s.len() > 253 {
        s.truncate(253);
    }
    s.trim_matches(|c| c == '-' || c == '.').to_string()
}

/// Argo's `slugify [maxLen [smartTruncate]] name`: [`sanitize_name`], then
/// gosimple/slug with `MaxLength` and `EnableSmartTruncate`.
fn slugify(a: &[Value]) -> Result<Value, GoError> {
    // Argo's SlugifyName asserts the Go types (`arg.(int)`, `arg.(bool)`,
    // `arg.(string)`): another type panics, which text/template reports as an error.
    let conv = |v: &Value, want: &str| {
        GoError::new(format!(
            "interface conversion: interface {{}} is {}, not {want}",
            if v.is_nil() {
                "nil".into()
            } else {
                v.type_name()
            }
        ))
    };
    let mut name = "";
    let mut max = 50i64;
    let mut smart = true;
    let last = a.len().saturating_sub(1);
    for (idx, arg) in a.iter().enumerate() {
        if idx == last {
            name = arg.as_str().ok_or_else(|| conv(arg, "string"))?;
        } else if idx == 0 {
            match arg {
                Value::Int(n, kiln_gotmpl::IntType::Int) => max = *n,
                other => return Err(conv(other, "int")),
            }
        } else if idx == 1 {
            match arg {
                Value::Bool(b) => smart = *b,
                other => return Err(conv(other, "bool")),
            }
        }
    }
    let mut s = sanitize_name(name);
    if !smart && max < 0 {
        return Err(GoError::new(format!(
            "runtime error: slice bounds out of range [:{max}]"
        )));
    }
    let max = max.max(0) as usize;
    if !smart && s.len() >= max {
        s.truncate(max);
    }
    let cleaned: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mut collapsed = String::with_capacity(cleaned.len());
    for c in cleaned.chars() {
        if c == '-' && collapsed.ends_with('-') {
            continue;
        }
        collapsed.push(c);
    }
    let mut s = collapsed.trim_matches(|c| c == '-' || c == '_').to_string();
    if smart && max > 0 && s.len() > max {
        let head = &s[..(max + 1).min(s.len())];
        s = match head.rfind('-') {
            Some(i) => head[..i].to_string(),
            None => s[..max].to_string(),
        };
    }
    Ok(Value::from(s))
}

/// The name of Argo CD's template (`template.New("base")`), shown in error texts.
const TEMPLATE_NAME: &str = "base";

/// Deepest nesting [`Templater::deep_replace`] renders.
const MAX_DEPTH: usize = 512;

/// Renders ApplicationSet strings in Go template or fasttemplate mode, caching parsed
/// templates by text (the same strings render once per parameter set).
pub struct Templater {
    go: bool,
    strict: bool,
    cache: HashMap<String, Result<TemplateSet, String>>,
}

impl Templater {
    /// `go_template` is `spec.goTemplate`; `options` is `spec.goTemplateOptions`
    /// (only `missingkey=error` changes anything).
    pub fn new(go_template: bool, options: &[String]) -> Templater {
        // Go's Template.Option: the last missingkey option wins; Argo CD passes every
        // goTemplateOptions entry (only missingkey changes anything).
        let strict = options
            .iter()
            .filter_map(|o| o.trim().strip_prefix("missingkey="))
            .next_back()
            .is_some_and(|v| v == "error");
        Templater {
            go: go_template,
            strict,
            cache: HashMap::new(),
        }
    }

    /// Whether Go templates are used.
    pub fn is_go(&self) -> bool {
        self.go
    }

    /// Renders one string with the parameters.
    pub fn replace(&mut self, text: &str, params: &Value) -> Result<String, String> {
        self.replace_with(text, params, None)
    }

    /// Like [`Templater::replace`], forcing `missingkey=error` when `strict` is set.
    pub fn replace_with(
        &mut self,
        text: &str,
        params: &Value,
        strict: Option<bool>,
    ) -> Result<String, String> {
        if !self.go {
            return fast_replace(text, params);
        }
        if !text.contains("{{") {
            return Ok(text.to_string());
        }
        let strict = strict.unwrap_or(self.strict);
        let key = if strict {
            format!("E{text}")
        } else {
            format!("D{text}")
        };
        let set = self.cache.entry(key).or_insert_with(|| {
            let mut set = TemplateSet::new(
                TEMPLATE_NAME,
                &argo_func_map(),
                Options {
                    missing_key: if strict {
                        MissingKey::Error
                    } else {
                        MissingKey::Default
                    },
                },
            );
            set.parse(TEMPLATE_NAME, text)
                .map(|_| set)
                .map_err(|e| format!("failed to parse template {text}: {}", e.go_text()))
        });
        let set = set.as_ref().map_err(Clone::clone)?;
        set.execute(TEMPLATE_NAME, params)
            .map_err(|e| format!("failed to execute go template {text}: {e}"))
    }

    /// Argo's `deeplyReplace`: renders every string value and map key of `obj`; `null`
    /// map values are dropped. When two keys render to the same text, the later one (in
    /// byte order of the unrendered keys) wins (Go: random).
    pub fn deep_replace(&mut self, obj: &Value, params: &Value) -> Result<Value, String> {
        self.deep_replace_at(obj, params, 0)
    }

    fn deep_replace_at(
        &mut self,
        obj: &Value,
        params: &Value,
        depth: usize,
    ) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err(format!("value nested deeper than {MAX_DEPTH} levels"));
        }
        Ok(match obj {
            Value::Map(m, t) => {
                let mut out = Map::new();
                for (k, v) in m.snapshot().iter() {
                    if v.is_nil() {
                        continue;
                    }
                    let nv = self.deep_replace_at(v, params, depth + 1)?;
                    let nk = self.replace(k, params)?;
                    out.insert(Str::from(nk), nv);
                }
                Value::Map(MapRef::new(out), *t)
            }
            Value::List(l, t) => Value::List(
                Arc::new(
                    l.iter()
                        .map(|v| self.deep_replace_at(v, params, depth + 1))
                        .collect::<Result<kiln_gotmpl::Items, _>>()?,
                ),
                *t,
            ),
            Value::String(s) => Value::from(self.replace(s, params)?),
            other => other.clone(),
        })
    }
}

/// Argo's fasttemplate mode: `{{ key }}` is replaced when `key` (trimmed) is a string
/// parameter; anything else stays as written. Text without `{{...}}` on one line is
/// returned as is.
pub fn fast_replace(text: &str, params: &Value) -> Result<String, String> {
    let has_tag = text
        .lines()
        .any(|l| l.find("{{").is_some_and(|i| l[i + 2..].contains("}}")));
    if !has_tag {
        return Ok(text.to_string());
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let Some(j) = rest.find("{{") else {
            out.push_str(rest);
            break;
        };
        out.push_str(&rest[..j]);
        let after = &rest[j + 2..];
        let Some(k) = after.find("}}") else {
            return Err(format!(
                "invalid template: cannot find end tag '}}}}' in {text:?}"
            ));
        };
        let tag = &after[..k];
        let key = tag.trim();
        match params.as_map_ref().and_then(|m| m.get(key)) {
            Some(Value::String(s)) if !key.is_empty() => out.push_str(&s),
            _ => {
                out.push_str("{{");
                out.push_str(tag);
                out.push_str("}}");
            }
        }
        rest = &after[k + 2..];
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(sanitize_name("My_App.Name-"), "my-app.name");
        let v = slugify(&[Value::str(
            "Hello World! This is a very long name that goes on",
        )])
        .unwrap();
        assert_eq!(
            v.as_str().unwrap(),
            "hello-world-this-is-a-very-long-name-that-goes-on"
        );
    }

    #[test]
    fn fasttemplate() {
        let mut m = Map::new();
        m.insert("name".into(), Value::str("a"));
        let p = Value::map(m);
        assert_eq!(
            fast_replace("x-{{ name }}-{{nope}}", &p).unwrap(),
            "x-a-{{nope}}"
        );
        assert_eq!(fast_replace("{{\n}}", &p).unwrap(), "{{\n}}");
    }
}
