//! A set of named templates sharing one function map: Go's `*template.Template` with its
//! `common` part (`t.New(name).Parse(text)`, `ExecuteTemplate`).

use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;

use crate::ast::Tree;
use crate::builtins;
use crate::error::{Error, GoError, ParseError};
use crate::exec;
use crate::func::{FuncMap, Function};
use crate::parse;
use crate::value::{Str, Value};

/// What a field lookup on a map does when the key is absent (Go's `missingkey` option).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum MissingKey {
    /// `missingkey=default`/`invalid`: the result is the invalid value (prints
    /// `<no value>`); chains through it yield nothing.
    #[default]
    Default,
    /// `missingkey=zero`: the zero value of the map's element type; for
    /// `map[string]interface{}` that is a nil interface, so `.a.b` with `a` missing fails
    /// with `nil pointer evaluating interface {}.b` (what Helm uses).
    Zero,
    /// `missingkey=error`: a missing key is an error (`map has no entry for key "x"`).
    Error,
}

/// Execution options.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    pub missing_key: MissingKey,
}

/// Methods of named map and slice types (Go methods declared on a type like Helm's
/// `common.Values`), which Go looks up before map keys: `.Values.AsMap` calls the
/// method even if a key `AsMap` exists.
pub trait TypeMethods: Send + Sync {
    /// The signature of method `name` of the type named `type_name`, if it has one.
    fn method(&self, type_name: &str, name: &str) -> Option<crate::value::MethodSig>;
    /// Calls it on `receiver` with checked arguments; `Err` is the method's error.
    fn call(&self, receiver: &Value, name: &str, args: &[Value]) -> Result<Value, GoError>;
}

/// One layer of template definitions. `tpl` adds a layer over the current set so that
/// its `define`s are visible only while it runs, without copying the set.
#[derive(Debug, Default, Clone)]
pub(crate) struct Layer {
    pub(crate) trees: HashMap<Str, Arc<Tree>>,
    pub(crate) parent: Option<Arc<Layer>>,
}

impl Layer {
    pub(crate) fn lookup(&self, name: &str) -> Option<&Arc<Tree>> {
        let mut layer = self;
        loop {
            if let Some(t) = layer.trees.get(name) {
                return Some(t);
            }
            layer = layer.parent.as_deref()?;
        }
    }

    /// Go's `associate`: a tree replaces an existing definition unless it is empty.
    pub(crate) fn associate(&mut self, tree: Tree) {
        if tree.is_empty() && self.lookup(&tree.name).is_some() {
            return;
        }
        self.trees.insert(tree.name.clone(), Arc::new(tree));
    }
}

/// A set of named templates and the functions they may call.
///
/// Cheap to clone (the definitions and the function map are shared); executing never
/// mutates it, so one set can render in parallel on many threads.
#[derive(Clone)]
pub struct TemplateSet {
    pub(crate) root: Arc<Layer>,
    pub(crate) funcs: Arc<FuncMap>,
    pub(crate) options: Options,
    pub(crate) type_methods: Option<Arc<dyn TypeMethods>>,
    /// Name reported in "no template %q associated with template %q" errors (Go's name of
    /// the template `ExecuteTemplate` is called on; Helm's is `gotpl`).
    pub(crate) name: Str,
}

impl TemplateSet {
    /// A new, empty set named `name` with Go's builtins plus `funcs` (which override
    /// builtins of the same name, as in Go).
    pub fn new(name: &str, funcs: &FuncMap, options: Options) -> TemplateSet {
        let mut all = builtins::func_map();
        all.extend(funcs);
        TemplateSet {
            root: Arc::new(Layer::default()),
            funcs: Arc::new(all),
            options,
            type_methods: None,
            name: Str::from(name),
        }
    }

    /// Declares the methods of named types (see [`TypeMethods`]).
    pub fn set_type_methods(&mut self, methods: Arc<dyn TypeMethods>) {
        self.type_methods = Some(methods);
    }

    /// The execution options.
    pub fn options(&self) -> Options {
        self.options
    }

    /// Changes the execution options (Go's `Template.Option`).
    pub fn set_options(&mut self, options: Options) {
        self.options = options;
    }

    /// The function map (builtins included).
    pub fn funcs(&self) -> &FuncMap {
        &self.funcs
    }

    /// Parses `text` as the template `name` (Go's `t.New(name).Parse(text)`) and adds it
    /// and everything it `define`s to the set. Later definitions replace earlier ones,
    /// except that an empty body never replaces a definition.
    pub fn parse(&mut self, name: &str, text: &str) -> Result<(), ParseError> {
        let trees = parse_trees(&self.funcs, name, text)?;
        let layer = Arc::make_mut(&mut self.root);
        for t in trees {
            layer.associate(t);
        }
        Ok(())
    }

    /// Whether a template of that name is defined.
    pub fn has(&self, name: &str) -> bool {
        self.root.lookup(name).is_some()
    }

    /// Executes the template `name` with `data` as dot and `$`, returning its output.
    pub fn execute(&self, name: &str, data: &Value) -> Result<String, Error> {
        self.execute_with(name, data, None)
    }

    /// Like [`TemplateSet::execute`], giving functions access to `ext` through
    /// [`crate::Host::extension`].
    pub fn execute_with(
        &self,
        name: &str,
        data: &Value,
        ext: Option<&mut dyn Any>,
    ) -> Result<String, Error> {
        let mut out = String::new();
        self.execute_into(name, data, ext, &mut out)?;
        Ok(out)
    }

    /// Like [`TemplateSet::execute_with`], appending to `out` (on error, `out` holds
    /// the partial output, as Go's writer would).
    pub fn execute_into(
        &self,
        name: &str,
        data: &Value,
        ext: Option<&mut dyn Any>,
        out: &mut String,
    ) -> Result<(), Error> {
        let Some(tree) = self.root.lookup(name).cloned() else {
            return Err(Error::Other(no_template(name, &self.name)));
        };
        exec::execute(self, self.root.clone(), &tree, data, ext, out, None)
    }

    /// Like [`TemplateSet::execute_with`], also recording where each part of the output
    /// came from (for diagnostics; slightly slower).
    pub fn execute_mapped(
        &self,
        name: &str,
        data: &Value,
        ext: Option<&mut dyn Any>,
    ) -> Result<(String, crate::SourceMap), Error> {
        let Some(tree) = self.root.lookup(name).cloned() else {
            return Err(Error::Other(no_template(name, &self.name)));
        };
        let mut out = String::new();
        let mut map = crate::SourceMap::default();
        exec::execute(
            self,
            self.root.clone(),
            &tree,
            data,
            ext,
            &mut out,
            Some(&mut map),
        )?;
        Ok((out, map))
    }
}

/// `template: no template "NAME" associated with template "ROOT"`.
pub(crate) fn no_template(name: &str, root: &str) -> GoError {
    GoError::new(format!(
        "template: no template {} associated with template {}",
        crate::fmt::quote(name),
        crate::fmt::quote(root)
    ))
}

pub(crate) fn parse_trees(
    funcs: &FuncMap,
    name: &str,
    text: &str,
) -> Result<Vec<Tree>, ParseError> {
    let lookup = |n: &str| -> Option<Arc<Function>> { funcs.get(n).cloned() };
    parse::parse(name, text, &lookup)
}
