//! Go's `text/template`, reimplemented with Go's exact semantics.
//!
//! The pipeline is lexer → parser → AST → evaluator: [`lexer`] turns text into tokens,
//! [`parse`] builds [`ast`] trees (one per `define`d template, with byte positions), and
//! the evaluator walks a tree against a [`Value`]. A [`TemplateSet`] holds named trees and
//! the [`FuncMap`] they call; Go's builtins are in [`builtins`], Go's `fmt` in [`fmt`].
//! This crate knows nothing of Helm, YAML, files or Git.
//!
//! ```
//! use kiln_gotmpl::{FuncMap, Options, TemplateSet, Value};
//! let mut set = TemplateSet::new("root", &FuncMap::new(), Options::default());
//! set.parse("hello", "{{ range . }}<{{ . }}>{{ end }}").unwrap();
//! let data = Value::list(vec![Value::str("a"), Value::int(1)]);
//! assert_eq!(set.execute("hello", &data).unwrap(), "<a><1>");
//! ```

pub mod ast;
pub mod builtins;
pub mod error;
mod exec;
pub mod fmt;
pub mod func;
pub mod lexer;
pub mod literal;
pub mod parse;
mod sourcemap;
mod template;
pub mod value;

pub use error::{Error, ExecError, GoError, Location, ParseError};
pub use exec::{set_step_limit, MAX_OUTPUT_BYTES};
pub use func::{Ctx, FuncMap, Function, Host, NoHost, Special};
pub use sourcemap::{MapSpan, SourceMap};
pub use template::{MissingKey, Options, TemplateSet, TypeMethods};
pub use value::{
    Field, IntType, Items, Kind, ListType, Map, MapRef, MapType, MethodSig, Object, Str, Ty,
    UintType, Value,
};
