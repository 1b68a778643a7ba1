//! `.Files`: a chart's non-template files with Helm's accessors (`Get`, `GetBytes`,
//! `Glob`, `Lines`, `AsConfig`, `AsSecrets`), mirroring Helm's `pkg/engine/files.go`.
//! Only files the chart loader kept are visible (`.helmignore` applies), so `.Files`
//! can never read outside the chart.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine as _;
use kiln_gotmpl::{Field, Kind, Map, MapRef, MapType, MethodSig, Object, Str, Ty, Value};

use crate::chart::File;
use crate::glob::Glob;

/// The files of one chart, by path (Helm's `engine.files`, a `map[string][]byte`).
#[derive(Debug, Clone, Default)]
pub struct Files {
    files: Arc<BTreeMap<String, Arc<[u8]>>>,
}

impl Files {
    /// The files of a chart.
    pub fn new(files: &[File]) -> Files {
        Files {
            files: Arc::new(
                files
                    .iter()
                    .map(|f| (f.name.clone(), f.data.clone()))
                    .collect(),
            ),
        }
    }

    fn get_bytes(&self, name: &str) -> Arc<[u8]> {
        self.files
            .get(name)
            .cloned()
            .unwrap_or_else(|| Arc::from(&[][..]))
    }

    fn glob(&self, pattern: &str) -> Files {
        let g = Glob::new(pattern).or_else(|| Glob::new("**"));
        let files = self
            .files
            .iter()
            .filter(|(name, _)| g.as_ref().is_some_and(|g| g.is_match(name)))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Files {
            files: Arc::new(files),
        }
    }

    fn by_base_name(&self, f: impl Fn(&[u8]) -> String) -> Value {
        // Go builds a map keyed by base name; later paths win in map iteration order,
        // which is random in Go. Sorted path order makes the last path win here.
        let mut m = Map::new();
        for (k, v) in self.files.iter() {
            let base = k.rsplit('/').next().unwrap_or(k);
            m.insert(Str::from(base), Value::from(f(v)));
        }
        Value::Map(MapRef::new(m), MapType::String)
    }

    /// Helm's `files.Lines`. A file that exists but is empty makes Helm index
    /// `s[len(s)-1]` of an empty string (`pkg/engine/files.go`); the runtime panic
    /// becomes the template error `error calling Lines: runtime error: index out of
    /// range [-1]` (loaded files are never nil slices: both `os.ReadFile` and the
    /// archive reader's `bytes.Buffer` return non-nil empty data).
    fn lines(&self, path: &str) -> Result<Value, String> {
        match self.files.get(path) {
            None => Ok(Value::string_list(Vec::<String>::new())),
            Some(data) if data.is_empty() => {
                Err("runtime error: index out of range [-1]".to_string())
            }
            Some(data) => {
                let s = String::from_utf8_lossy(data);
                let s = s.strip_suffix('\n').unwrap_or(&s);
                Ok(Value::string_list(s.split('\n')))
            }
        }
    }
}

fn sig(params: &'static [Ty]) -> Option<MethodSig> {
    Some(MethodSig {
        params,
        variadic: None,
    })
}

impl Object for Files {
    fn type_name(&self) -> Cow<'_, str> {
        Cow::Borrowed("engine.files")
    }
    fn kind(&self) -> Kind {
        Kind::Map
    }
    fn field(&self, name: &str) -> Field {
        match self.files.get(name) {
            Some(d) => Field::Value(Value::Bytes(d.clone())),
            None => Field::Missing,
        }
    }
    fn method(&self, name: &str) -> Option<MethodSig> {
        match name {
            "Get" | "GetBytes" | "Glob" | "Lines" => sig(&[Ty::String]),
            "AsConfig" | "AsSecrets" => sig(&[]),
            _ => None,
        }
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, String> {
        let arg = || {
            args.first()
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        Ok(match name {
            "Get" => Value::from_go_bytes(&self.get_bytes(&arg())),
            "GetBytes" => Value::Bytes(self.get_bytes(&arg())),
            "Glob" => Value::Object(Arc::new(self.glob(&arg()))),
            "Lines" => self.lines(&arg())?,
            "AsConfig" => Value::from(crate::yaml::to_yaml(
                &self.by_base_name(|d| String::from_utf8_lossy(d).into_owned()),
            )),
            "AsSecrets" => {
                Value::from(crate::yaml::to_yaml(&self.by_base_name(|d| {
                    base64::engine::general_purpose::STANDARD.encode(d)
                })))
            }
            _ => return Err(format!("{name} is not a method")),
        })
    }
    fn is_true(&self) -> bool {
        !self.files.is_empty()
    }
    fn len(&self) -> Option<usize> {
        Some(self.files.len())
    }
    fn underlying(&self) -> Option<Value> {
        let m: Map = self
            .files
            .iter()
            .map(|(k, v)| (Str::from(k.as_str()), Value::Bytes(v.clone())))
            .collect();
        Some(Value::Map(MapRef::new(m), MapType::Named("engine.files")))
    }
    fn to_json_value(&self) -> Option<Value> {
        self.underlying()
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
