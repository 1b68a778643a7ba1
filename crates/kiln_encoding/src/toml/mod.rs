//! TOML as `github.com/BurntSushi/toml` v1.6.0 reads and writes it (Helm's `toToml`,
//! `fromToml`).
//!
//! Reading follows BurntSushi's lexer and parser, with their error texts
//! (`toml: line 1 (last key "a"): unexpected EOF; expected value`): integers are `int64`,
//! floats `float64`, arrays `[]interface {}`, tables maps, arrays of tables
//! `[]map[string]interface {}`. Datetimes are Go `time.Time` values, which kiln has no
//! type for: they are returned as strings in the RFC 3339 form Go marshals them to.

mod datetime;
mod encode;
mod lex;
mod parse;

use std::fmt;
use std::sync::Arc;

use kiln_gotmpl::{IntType, ListType, Map, MapRef, MapType, Str, Value};

pub use encode::encode_toml;

/// A TOML error with BurntSushi's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TomlError {
    /// The error text as Go prints it.
    pub message: String,
    /// 1-based line of a parse error.
    pub line: Option<usize>,
}

impl fmt::Display for TomlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TomlError {}

/// Helm's `toToml`: the encoder's output, or the error's text when encoding fails
/// (Helm returns `err.Error()` as the function's result).
pub fn to_toml(v: &Value) -> String {
    match encode_toml(v) {
        Ok(s) => s,
        Err(e) => e.message,
    }
}

fn any_to_value(a: parse::Any) -> Value {
    match a {
        parse::Any::Int(i) => Value::Int(i, IntType::Int64),
        parse::Any::Float(f) => Value::Float(f),
        parse::Any::Str(s) => Value::String(Str::from(s)),
        parse::Any::Bool(b) => Value::Bool(b),
        parse::Any::Time(s) => Value::String(Str::from(s)),
        parse::Any::Array(l) => Value::List(
            Arc::new(
                l.into_iter()
                    .map(|x| stacker::maybe_grow(64 * 1024, 1024 * 1024, || any_to_value(x)))
                    .collect(),
            ),
            ListType::Any,
        ),
        parse::Any::Map(m) => Value::Map(MapRef::new(go_map_to_map(&m)), MapType::Any),
        parse::Any::MapSlice(v) => Value::List(
            Arc::new(
                v.iter()
                    .map(|m| Value::Map(MapRef::new(go_map_to_map(m)), MapType::Any))
                    .collect(),
            ),
            ListType::Named("[]map[string]interface {}"),
        ),
    }
}

fn go_map_to_map(m: &parse::GoMap) -> Map {
    let entries: Vec<(String, parse::Any)> = m
        .borrow()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    entries
        .into_iter()
        .map(|(k, v)| {
            (
                Str::from(k),
                stacker::maybe_grow(64 * 1024, 1024 * 1024, || any_to_value(v)),
            )
        })
        .collect()
}

/// `toml.Unmarshal(text, &m)` with `m map[string]interface{}` (Helm's `fromToml`).
pub fn from_toml(text: &str) -> Result<Map, TomlError> {
    match parse::parse(text) {
        Ok(m) => Ok(go_map_to_map(&m)),
        Err(e) => Err(TomlError {
            message: e.go_text(),
            line: Some(e.line),
        }),
    }
}
