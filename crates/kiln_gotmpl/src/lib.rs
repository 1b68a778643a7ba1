//! Go's `text/template`, reimplemented with Go's exact semantics.
//!
//! The pipeline is lexer → parser → AST → evaluator:
//! [`lexer`] turns text into tokens, [`parse`] builds [`ast`] trees (one per `define`d
//! template, with byte positions), [`exec`] walks a tree against a [`Value`]. Functions
//! come from a [`FuncMap`]; Go's builtins are in [`builtins`], Go's `fmt` in [`fmt`].
//! This crate knows nothing of Helm, YAML, files or Git.

pub mod builtins;
pub mod error;
pub mod fmt;
pub mod func;
pub mod value;

pub use error::{Error, ExecError, GoError, Location, ParseError};
pub use func::{Ctx, FuncMap, Function, Host, NoHost, Special};
pub use value::{Field, IntType, Kind, ListType, Map, MapType, MethodSig, Object, Str, Ty, UintType, Value};
