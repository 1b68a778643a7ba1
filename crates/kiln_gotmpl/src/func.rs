//! Template functions: how they are declared (Go signatures, so that argument checks and
//! untyped-constant conversion behave as in Go) and the registry a template set uses.

use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;

use crate::error::GoError;
use crate::value::{Str, Ty, Value};

/// What a function may ask of the executing engine (for `include`, `tpl` and friends).
pub trait Host {
    /// Executes the named template of the current template set with `data` as dot, like
    /// Go's `Template.ExecuteTemplate`. Fails with
    /// `template: no template "NAME" associated with template "ROOT"` when undefined.
    fn execute_template(&mut self, name: &str, data: Value) -> Result<String, GoError>;

    /// Parses `text` as a new template called `name` in a copy of the current template
    /// set (its `define`s are visible only while it runs) and executes it with `data`,
    /// like Helm's `tpl`. `options` replaces the set's options for this execution.
    fn execute_text(&mut self, name: &str, text: &str, data: Value) -> Result<String, GoError>;

    /// State of the embedding application (e.g. Helm's `include` recursion counters),
    /// given to [`crate::Template::execute_with`].
    fn extension(&mut self) -> Option<&mut dyn Any>;
}

/// The context a function is called with.
pub struct Ctx<'a> {
    /// The engine, for functions that execute templates.
    pub host: &'a mut dyn Host,
}

/// A function implementation. `args` have already been checked against the declared
/// signature; an `Err` becomes Go's `error calling NAME: <err>`.
pub type FuncImpl = dyn Fn(&mut Ctx<'_>, &[Value]) -> Result<Value, GoError> + Send + Sync;

/// How the engine must treat a function beyond calling it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Special {
    /// An ordinary function.
    None,
    /// Go's `and`: arguments are evaluated lazily, left to right (Go 1.18+).
    And,
    /// Go's `or`: arguments are evaluated lazily, left to right (Go 1.18+).
    Or,
}

/// A declared template function.
pub struct Function {
    /// Name, for error messages.
    pub name: Str,
    /// Types of the fixed parameters.
    pub params: Vec<Ty>,
    /// Element type of the trailing `...` parameter, if the function is variadic.
    pub variadic: Option<Ty>,
    /// Engine-level special handling.
    pub special: Special,
    /// The implementation.
    pub imp: Arc<FuncImpl>,
}

impl std::fmt::Debug for Function {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Function")
            .field("name", &self.name)
            .field("params", &self.params)
            .field("variadic", &self.variadic)
            .finish()
    }
}

/// A set of named functions (Go's `template.FuncMap`), shared by all templates parsed
/// with it. Later insertions replace earlier ones, as `Template.Funcs` does.
#[derive(Clone, Default, Debug)]
pub struct FuncMap {
    map: HashMap<Str, Arc<Function>>,
}

impl FuncMap {
    /// An empty map (Go's builtins are always available; see [`crate::builtins`]).
    pub fn new() -> FuncMap {
        FuncMap::default()
    }

    /// Declares `name` with fixed parameter types `params` and, if `variadic` is set, a
    /// trailing `...` parameter of that element type.
    pub fn add<F>(&mut self, name: &str, params: &[Ty], variadic: Option<Ty>, f: F) -> &mut Self
    where
        F: Fn(&mut Ctx<'_>, &[Value]) -> Result<Value, GoError> + Send + Sync + 'static,
    {
        self.insert(Function {
            name: Str::from(name),
            params: params.to_vec(),
            variadic,
            special: Special::None,
            imp: Arc::new(f),
        })
    }

    /// Like [`FuncMap::add`] for functions that do not need the engine.
    pub fn add_pure<F>(
        &mut self,
        name: &str,
        params: &[Ty],
        variadic: Option<Ty>,
        f: F,
    ) -> &mut Self
    where
        F: Fn(&[Value]) -> Result<Value, GoError> + Send + Sync + 'static,
    {
        self.add(name, params, variadic, move |_, a| f(a))
    }

    /// Inserts a fully described function.
    pub fn insert(&mut self, f: Function) -> &mut Self {
        self.map.insert(f.name.clone(), Arc::new(f));
        self
    }

    /// Removes a function (Helm deletes Sprig's `env` and `expandenv`).
    pub fn remove(&mut self, name: &str) {
        self.map.remove(name);
    }

    /// Looks a function up.
    pub fn get(&self, name: &str) -> Option<&Arc<Function>> {
        self.map.get(name)
    }

    /// Adds every function of `other`, replacing functions of the same name.
    pub fn extend(&mut self, other: &FuncMap) {
        for (k, v) in &other.map {
            self.map.insert(k.clone(), v.clone());
        }
    }

    /// Names of all functions, sorted.
    pub fn names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.map.keys().map(|k| &**k).collect();
        v.sort_unstable();
        v
    }
}

/// A [`Host`] for calling functions outside of a template execution (tests, tools):
/// every engine request fails.
pub struct NoHost;

impl Host for NoHost {
    fn execute_template(&mut self, name: &str, _data: Value) -> Result<String, GoError> {
        Err(GoError::new(format!(
            "no template engine to execute {name:?}"
        )))
    }

    fn execute_text(&mut self, _name: &str, _text: &str, _data: Value) -> Result<String, GoError> {
        Err(GoError::new("no template engine to execute text"))
    }

    fn extension(&mut self) -> Option<&mut dyn Any> {
        None
    }
}

impl FuncMap {
    /// Calls `name` directly with already-typed `args` and no engine ([`NoHost`]).
    /// Arguments are *not* checked against the signature; meant for tests and tools.
    pub fn call(&self, name: &str, args: &[Value]) -> Result<Value, GoError> {
        let f = self
            .get(name)
            .ok_or_else(|| GoError::new(format!("{name:?} is not a defined function")))?;
        (f.imp)(&mut Ctx { host: &mut NoHost }, args)
    }
}
