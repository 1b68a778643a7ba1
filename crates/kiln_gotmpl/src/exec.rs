//! The evaluator: walks a [`Tree`] against a [`Value`], following Go's
//! `text/template/exec.go` — variable scoping, `missingkey` modes, argument checking and
//! untyped constant conversion, short-circuit `and`/`or`, `break`/`continue`, and error
//! messages with Go's location and context (`template: f:1:3: executing "f" at <x>: ...`).

use std::any::Any;
use std::fmt::Display;
use std::sync::Arc;

use crate::ast::*;
use crate::error::{Error, ExecError, GoError};
use crate::fmt as gofmt;
use crate::func::{Ctx, Host, Special};
use crate::sourcemap::SourceMap;
use crate::template::{no_template, parse_trees, Layer, MissingKey, TemplateSet};
use crate::value::{Field, IntType, ListType, MapType, MethodSig, Str, Ty, Value};

/// Go's `maxExecDepth`: nesting limit of `{{template}}` calls.
const MAX_EXEC_DEPTH: usize = 100_000;

/// The most output one template execution (a file, an `include`, a `tpl`) may produce:
/// 128 MiB. Go has no limit (it would exhaust memory); kiln fails the execution with an
/// error at the action that crossed it.
pub const MAX_OUTPUT_BYTES: usize = 128 << 20;

thread_local! {
    /// See [`set_step_limit`].
    static STEP_LIMIT: std::cell::Cell<Option<u64>> = const { std::cell::Cell::new(None) };
}

/// Limits the work of every template execution started on this thread afterwards: at most
/// `limit` steps, a step being one `range` iteration or one template invocation
/// (`{{template}}`, `include`, `tpl`). `None` (the default) is Go's behaviour: no limit.
/// Without a limit, nested loops (`{{range 100000}}{{range 100000}}`) or templates that
/// call themselves twice run for ages although every single limit holds; fuzzers and
/// other sandboxes set one. An execution that exceeds it fails with an error at the
/// action that crossed it.
pub fn set_step_limit(limit: Option<u64>) {
    STEP_LIMIT.with(|c| c.set(limit));
}

/// Stack kept free before recursing; below it a new stack segment is allocated.
const RED_ZONE: usize = 256 * 1024;
/// Size of each extra stack segment for deep template recursion.
const STACK_SEGMENT: usize = 4 * 1024 * 1024;

/// A value with its static Go type being `interface{}` or not. Go distinguishes a nil
/// interface (a missing key under `missingkey=zero`, a `null` in a map) from the invalid
/// value (a missing key under `missingkey=default`): field access on the first is an
/// error (`nil pointer evaluating interface {}.x`), on the second it yields nothing.
#[derive(Clone, Debug)]
struct RV {
    v: Value,
    iface: bool,
}

impl RV {
    fn concrete(v: Value) -> RV {
        RV { v, iface: false }
    }
}

enum Flow {
    Normal,
    Break,
    Continue,
}

struct Var {
    name: Str,
    val: RV,
}

pub(crate) fn execute(
    set: &TemplateSet,
    layer: Arc<Layer>,
    tree: &Arc<Tree>,
    data: &Value,
    ext: Option<&mut dyn Any>,
    out: &mut String,
    map: Option<&mut SourceMap>,
) -> Result<(), Error> {
    let mut st = State {
        mapping: map.is_some(),
        map,
        set,
        layer,
        tmpl: tree.clone(),
        vars: vec![Var {
            name: Str::from("$"),
            val: RV::concrete(data.clone()),
        }],
        depth: 0,
        steps_left: STEP_LIMIT.with(|c| c.get()).unwrap_or(u64::MAX),
        ext,
    };
    let dot = RV::concrete(data.clone());
    st.walk_list(&dot, &tree.root, out).map(|_| ())
}

struct State<'a> {
    /// Records where output comes from, when asked.
    map: Option<&'a mut SourceMap>,
    /// False while executing into a nested buffer (`include`, `tpl`), whose output is
    /// attributed to the calling action.
    mapping: bool,
    set: &'a TemplateSet,
    layer: Arc<Layer>,
    tmpl: Arc<Tree>,
    vars: Vec<Var>,
    depth: usize,
    /// Steps this execution may still take (see [`set_step_limit`]).
    steps_left: u64,
    ext: Option<&'a mut dyn Any>,
}

type R<T> = Result<T, Error>;

impl State<'_> {
    // ---- errors -------------------------------------------------------------------

    fn error(&self, pos: usize, context: &dyn Display, message: String) -> Error {
        self.error_with(pos, context, message, None)
    }

    fn error_with(
        &self,
        pos: usize,
        context: &dyn Display,
        message: String,
        cause: Option<Arc<GoError>>,
    ) -> Error {
        let src = &self.tmpl.source;
        Error::Exec(Box::new(ExecError {
            template: self.tmpl.name.to_string(),
            at: Some((src.name.to_string(), src.location(pos))),
            context: context.to_string(),
            message,
            cause,
        }))
    }

    /// Fails once one execution's output exceeds [`MAX_OUTPUT_BYTES`].
    fn check_output(&self, pos: usize, out: &str) -> R<()> {
        if out.len() > MAX_OUTPUT_BYTES {
            let msg = format!(
                "template output exceeds kiln's limit of {} MiB",
                MAX_OUTPUT_BYTES >> 20
            );
            return Err(self.error(pos, &"output", msg));
        }
        Ok(())
    }

    /// Counts one step (see [`set_step_limit`]); fails once the limit is used up.
    fn step(&mut self, pos: usize, context: &dyn Display) -> R<()> {
        if self.steps_left == 0 {
            let limit = STEP_LIMIT.with(|c| c.get()).unwrap_or(u64::MAX);
            let msg = format!("template execution exceeds kiln's step limit ({limit})");
            return Err(self.error(pos, context, msg));
        }
        self.steps_left -= 1;
        Ok(())
    }

    /// [`State::step`] for `include` and `tpl`, whose errors are plain Go errors.
    fn host_step(&mut self) -> Result<(), GoError> {
        if self.steps_left == 0 {
            let limit = STEP_LIMIT.with(|c| c.get()).unwrap_or(u64::MAX);
            return Err(GoError::new(format!(
                "template execution exceeds kiln's step limit ({limit})"
            )));
        }
        self.steps_left -= 1;
        Ok(())
    }

    // ---- variables ----------------------------------------------------------------

    fn push(&mut self, name: &Str, val: RV) {
        self.vars.push(Var {
            name: name.clone(),
            val,
        });
    }

    fn set_var(&mut self, name: &str, val: RV) -> bool {
        for v in self.vars.iter_mut().rev() {
            if &*v.name == name {
                v.val = val;
                return true;
            }
        }
        false
    }

    fn set_top_var(&mut self, n: usize, val: RV) {
        let len = self.vars.len();
        self.vars[len - n].val = val;
    }

    fn var_value(&self, name: &str) -> Option<RV> {
        self.vars
            .iter()
            .rev()
            .find(|v| &*v.name == name)
            .map(|v| v.val.clone())
    }

    // ---- walking ------------------------------------------------------------------

    fn walk_list(&mut self, dot: &RV, list: &[Node], out: &mut String) -> R<Flow> {
        // Control structures nest without limit (as in Go): grow the stack on the heap.
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
            self.walk_list_inner(dot, list, out)
        })
    }

    fn walk_list_inner(&mut self, dot: &RV, list: &[Node], out: &mut String) -> R<Flow> {
        for node in list {
            match node {
                Node::Text(pos, t) => {
                    if self.mapping {
                        if let Some(m) = self.map.as_deref_mut() {
                            m.text(out.len(), &self.tmpl.source, *pos, t.len());
                        }
                    }
                    out.push_str(t);
                    self.check_output(*pos, out)?;
                }
                Node::Comment => {}
                Node::Action(a) => {
                    let v = self.eval_pipeline(dot, &a.pipe)?;
                    if a.pipe.decl.is_empty() {
                        if self.mapping {
                            if let Some(m) = self.map.as_deref_mut() {
                                m.action(out.len(), &self.tmpl.source, a.pos);
                            }
                        }
                        print_value(&v, out);
                        self.check_output(a.pos, out)?;
                    }
                }
                Node::If(b) => match self.walk_if_or_with(dot, b, false, out)? {
                    Flow::Normal => {}
                    f => return Ok(f),
                },
                Node::With(b) => match self.walk_if_or_with(dot, b, true, out)? {
                    Flow::Normal => {}
                    f => return Ok(f),
                },
                Node::Range(b) => self.walk_range(dot, b, out)?,
                Node::Template(t) => self.walk_template(dot, t, out)?,
                Node::Break(_) => return Ok(Flow::Break),
                Node::Continue(_) => return Ok(Flow::Continue),
            }
        }
        Ok(Flow::Normal)
    }

    fn walk_if_or_with(&mut self, dot: &RV, b: &Branch, with: bool, out: &mut String) -> R<Flow> {
        let mark = self.vars.len();
        let r = (|| {
            let val = self.eval_pipeline(dot, &b.pipe)?;
            if val.is_true() {
                if with {
                    self.walk_list(&RV::concrete(val), &b.list, out)
                } else {
                    self.walk_list(dot, &b.list, out)
                }
            } else if let Some(e) = &b.else_list {
                self.walk_list(dot, e, out)
            } else {
                Ok(Flow::Normal)
            }
        })();
        self.vars.truncate(mark);
        r
    }

    fn walk_range(&mut self, dot: &RV, b: &Branch, out: &mut String) -> R<()> {
        let mark = self.vars.len();
        let r = self.walk_range_inner(dot, b, out);
        self.vars.truncate(mark);
        r
    }

    fn range_iteration(&mut self, b: &Branch, index: RV, elem: RV, out: &mut String) -> R<Flow> {
        self.step(b.pos, &BranchDisplay("range", b))?;
        let decl = &b.pipe.decl;
        if !decl.is_empty() {
            if b.pipe.is_assign {
                let target = if decl.len() > 1 { &index } else { &elem };
                self.set_var(&decl[0].name, target.clone());
            } else {
                self.set_top_var(1, elem.clone());
            }
        }
        if decl.len() > 1 {
            if b.pipe.is_assign {
                self.set_var(&decl[1].name, elem.clone());
            } else {
                self.set_top_var(2, index);
            }
        }
        let mark = self.vars.len();
        let r = self.walk_list(&elem, &b.list, out);
        self.vars.truncate(mark);
        r
    }

    fn walk_range_inner(&mut self, dot: &RV, b: &Branch, out: &mut String) -> R<()> {
        let mut val = self.eval_pipeline(dot, &b.pipe)?;
        if let Some(u) = crate::builtins::underlying(&val) {
            val = u;
        }
        let mut ran = false;
        match &val {
            Value::List(items, t) => {
                let iface = *t == ListType::Any;
                for (i, item) in items.iter().enumerate() {
                    ran = true;
                    let idx = RV::concrete(Value::int(i as i64));
                    let elem = RV {
                        v: item.clone(),
                        iface,
                    };
                    if let Flow::Break = self.range_iteration(b, idx, elem, out)? {
                        break;
                    }
                }
            }
            Value::Bytes(bytes) => {
                for (i, byte) in bytes.iter().enumerate() {
                    ran = true;
                    let idx = RV::concrete(Value::int(i as i64));
                    let elem = RV::concrete(Value::Uint(*byte as u64, crate::UintType::Uint8));
                    if let Flow::Break = self.range_iteration(b, idx, elem, out)? {
                        break;
                    }
                }
            }
            Value::Map(m, t) => {
                let iface = *t != MapType::String;
                // Go ranges over a sorted snapshot; the body may change the map.
                let snapshot = m.snapshot();
                for (k, item) in snapshot.iter() {
                    ran = true;
                    let idx = RV::concrete(Value::String(k.clone()));
                    let elem = RV {
                        v: item.clone(),
                        iface,
                    };
                    if let Flow::Break = self.range_iteration(b, idx, elem, out)? {
                        break;
                    }
                }
            }
            Value::Int(n, t) => {
                if b.pipe.decl.len() > 1 {
                    let msg = format!(
                        "can't use {} to iterate over more than one variable",
                        render(&val)
                    );
                    return Err(self.error(b.pos, &BranchDisplay("range", b), msg));
                }
                for i in 0..(*n).max(0) {
                    ran = true;
                    let elem = RV::concrete(Value::Int(i, *t));
                    if let Flow::Break =
                        self.range_iteration(b, RV::concrete(Value::Nil), elem, out)?
                    {
                        break;
                    }
                }
            }
            Value::Uint(n, t) => {
                if b.pipe.decl.len() > 1 {
                    let msg = format!(
                        "can't use {} to iterate over more than one variable",
                        render(&val)
                    );
                    return Err(self.error(b.pos, &BranchDisplay("range", b), msg));
                }
                for i in 0..*n {
                    ran = true;
                    let elem = RV::concrete(Value::Uint(i, *t));
                    if let Flow::Break =
                        self.range_iteration(b, RV::concrete(Value::Nil), elem, out)?
                    {
                        break;
                    }
                }
            }
            Value::Nil => {}
            other => {
                let msg = format!("range can't iterate over {}", render(other));
                return Err(self.error(b.pos, &BranchDisplay("range", b), msg));
            }
        }
        if !ran {
            if let Some(e) = &b.else_list {
                self.walk_list(dot, e, out)?;
            }
        }
        Ok(())
    }

    fn walk_template(&mut self, dot: &RV, t: &TemplateCall, out: &mut String) -> R<()> {
        let Some(tree) = self.layer.lookup(&t.name).cloned() else {
            let msg = format!("template {} not defined", crate::fmt::quote(&t.name));
            return Err(self.error(t.pos, &TemplateDisplay(t), msg));
        };
        if self.depth >= MAX_EXEC_DEPTH {
            let msg = format!("exceeded maximum template depth ({MAX_EXEC_DEPTH})");
            return Err(self.error(t.pos, &TemplateDisplay(t), msg));
        }
        self.step(t.pos, &TemplateDisplay(t))?;
        let new_dot = match &t.pipe {
            Some(p) => self.eval_pipeline(dot, p)?,
            None => Value::Nil,
        };
        let dot = RV::concrete(new_dot);
        self.with_template(tree, dot, |st, dot, tree| {
            st.walk_list(dot, &tree.root, out).map(|_| ())
        })
    }

    /// Runs `f` as a fresh invocation of `tree` (new variable scope with `$` = dot, one
    /// level deeper), restoring the caller's state afterwards.
    fn with_template<T>(
        &mut self,
        tree: Arc<Tree>,
        dot: RV,
        f: impl FnOnce(&mut Self, &RV, &Arc<Tree>) -> R<T>,
    ) -> R<T> {
        let saved_vars = std::mem::replace(
            &mut self.vars,
            vec![Var {
                name: Str::from("$"),
                val: dot.clone(),
            }],
        );
        let saved_tmpl = std::mem::replace(&mut self.tmpl, tree.clone());
        self.depth += 1;
        let r = stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || f(self, &dot, &tree));
        self.depth -= 1;
        self.tmpl = saved_tmpl;
        self.vars = saved_vars;
        r
    }

    // ---- evaluation ---------------------------------------------------------------

    fn eval_pipeline(&mut self, dot: &RV, pipe: &Pipe) -> R<Value> {
        // Parenthesized pipelines nest up to the parser's limit: grow the stack on the heap.
        stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
            self.eval_pipeline_inner(dot, pipe)
        })
    }

    fn eval_pipeline_inner(&mut self, dot: &RV, pipe: &Pipe) -> R<Value> {
        let mut value: Option<Value> = None;
        for cmd in &pipe.cmds {
            // Results of interface type are unwrapped after each command.
            value = Some(self.eval_command(dot, cmd, value.as_ref())?.v);
        }
        let value = value.unwrap_or(Value::Nil);
        for var in &pipe.decl {
            if pipe.is_assign {
                if !self.set_var(&var.name, RV::concrete(value.clone())) {
                    let (pos, ctx) = last_node(pipe);
                    let msg = format!("undefined variable: {}", var.name);
                    return Err(self.error(pos, &ctx, msg));
                }
            } else {
                self.push(&var.name, RV::concrete(value.clone()));
            }
        }
        Ok(value)
    }

    fn not_a_function(&self, args: &[Arg], final_: Option<&Value>) -> R<()> {
        if args.len() > 1 || final_.is_some() {
            let msg = format!("can't give argument to non-function {}", args[0]);
            return Err(self.error(args[0].pos(), &args[0], msg));
        }
        Ok(())
    }

    fn eval_command(&mut self, dot: &RV, cmd: &Command, final_: Option<&Value>) -> R<RV> {
        let first = &cmd.args[0];
        match first {
            Arg::Field { idents, .. } => {
                return self.eval_field_chain(dot, dot, first, idents, &cmd.args, final_)
            }
            Arg::Chain { .. } => return self.eval_chain(dot, first, &cmd.args, final_),
            Arg::Ident { .. } => return self.eval_function(dot, first, cmd, &cmd.args, final_),
            Arg::Pipe(p) => {
                self.not_a_function(&cmd.args, final_)?;
                return Ok(RV::concrete(self.eval_pipeline(dot, p)?));
            }
            Arg::Variable { .. } => return self.eval_variable(dot, first, &cmd.args, final_),
            _ => {}
        }
        self.not_a_function(&cmd.args, final_)?;
        Ok(match first {
            Arg::Bool(_, b) => RV::concrete(Value::Bool(*b)),
            Arg::Dot(_) => dot.clone(),
            Arg::Nil(pos) => {
                return Err(self.error(*pos, first, "nil is not a command".to_string()))
            }
            Arg::Number(pos, n) => RV::concrete(self.ideal_constant(*pos, first, n)?),
            Arg::String { text, .. } => RV::concrete(Value::String(text.clone())),
            _ => unreachable_command(),
        })
    }

    fn ideal_constant(&self, pos: usize, node: &Arg, n: &Number) -> R<Value> {
        let text = &*n.text;
        if n.is_complex {
            return Ok(Value::Complex(n.complex.0, n.complex.1));
        }
        let hex_int = text.len() > 2
            && text.starts_with('0')
            && matches!(text.as_bytes()[1], b'x' | b'X')
            && !text.contains(['p', 'P']);
        let rune_int = text.starts_with('\'');
        if n.is_float && !hex_int && !rune_int && text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Ok(Value::Float(n.float));
        }
        if n.is_int {
            return Ok(Value::int(n.int));
        }
        if n.is_uint {
            return Err(self.error(pos, node, format!("{text} overflows int")));
        }
        Ok(Value::Nil)
    }

    fn eval_variable(
        &mut self,
        dot: &RV,
        node: &Arg,
        args: &[Arg],
        final_: Option<&Value>,
    ) -> R<RV> {
        let Arg::Variable { pos, idents } = node else {
            return Ok(RV::concrete(Value::Nil));
        };
        let Some(value) = self.var_value(&idents[0]) else {
            let msg = format!("undefined variable: {}", idents[0]);
            return Err(self.error(*pos, node, msg));
        };
        if idents.len() == 1 {
            self.not_a_function(args, final_)?;
            return Ok(value);
        }
        self.eval_field_chain(dot, &value, node, &idents[1..], args, final_)
    }

    fn eval_chain(&mut self, dot: &RV, node: &Arg, args: &[Arg], final_: Option<&Value>) -> R<RV> {
        let Arg::Chain {
            pos,
            node: base,
            idents,
        } = node
        else {
            return Ok(RV::concrete(Value::Nil));
        };
        if let Arg::Nil(_) = **base {
            let msg = format!("indirection through explicit nil in {node}");
            return Err(self.error(*pos, node, msg));
        }
        let receiver = self.eval_arg_untyped(dot, base)?;
        self.eval_field_chain(dot, &receiver, node, idents, args, final_)
    }

    /// Go's `evalArg(dot, nil, n)`: the operand's value without a type check.
    fn eval_arg_untyped(&mut self, dot: &RV, n: &Arg) -> R<RV> {
        Ok(match n {
            Arg::Dot(_) => dot.clone(),
            Arg::Field { idents, .. } => {
                self.eval_field_chain(dot, dot, n, idents, std::slice::from_ref(n), None)?
            }
            Arg::Variable { .. } => self.eval_variable(dot, n, &[], None)?,
            Arg::Pipe(p) => RV::concrete(self.eval_pipeline(dot, p)?),
            Arg::Ident { .. } => self.eval_function_arg(dot, n)?,
            Arg::Chain { .. } => self.eval_chain(dot, n, &[], None)?,
            other => RV::concrete(self.eval_empty_interface(dot, other)?.v),
        })
    }

    fn eval_field_chain(
        &mut self,
        dot: &RV,
        receiver: &RV,
        node: &Arg,
        idents: &[Str],
        args: &[Arg],
        final_: Option<&Value>,
    ) -> R<RV> {
        // The receiver is borrowed, and each step borrows the previous result: no clone
        // of `dot` or of intermediate maps just to look a key up.
        let n = idents.len();
        let mut owned: Option<RV> = None;
        for ident in &idents[..n - 1] {
            let next = self.eval_field(
                dot,
                ident,
                node,
                &[],
                None,
                owned.as_ref().unwrap_or(receiver),
            )?;
            owned = Some(next);
        }
        let last = &idents[n - 1];
        self.eval_field(
            dot,
            last,
            node,
            args,
            final_,
            owned.as_ref().unwrap_or(receiver),
        )
    }

    fn eval_field(
        &mut self,
        dot: &RV,
        name: &str,
        node: &Arg,
        args: &[Arg],
        final_: Option<&Value>,
        receiver: &RV,
    ) -> R<RV> {
        let pos = node.pos();
        if receiver.v.is_nil() {
            if receiver.iface {
                let msg = format!("nil pointer evaluating interface {{}}.{name}");
                return Err(self.error(pos, node, msg));
            }
            if self.set.options.missing_key == MissingKey::Error {
                let msg = format!("nil data; no entry for key {name:?}");
                return Err(self.error(pos, node, msg));
            }
            return Ok(RV::concrete(Value::Nil));
        }
        // Only this error needs the receiver's type name: built on demand.
        let no_field = |st: &Self| -> Error {
            let type_name = if receiver.iface {
                "interface {}".to_string()
            } else {
                receiver.v.type_name().into_owned()
            };
            let msg = format!("can't evaluate field {name} in type {type_name}");
            st.error(pos, node, msg)
        };
        // The template set outlives this state: borrowing its methods (not cloning the
        // shared `Arc`) keeps the reference count off the hot path.
        let set: &TemplateSet = self.set;
        if let (Some(tm), Value::Map(_, MapType::Named(tn)) | Value::List(_, ListType::Named(tn))) =
            (set.type_methods.as_deref(), &receiver.v)
        {
            if let Some(sig) = tm.method(tn, name) {
                let recv = receiver.v.clone();
                let name_owned = name.to_string();
                return self.eval_call(
                    dot,
                    CallTarget {
                        params: sig_params(&sig),
                        variadic: sig.variadic,
                        special: Special::None,
                        name,
                    },
                    (pos, node),
                    (pos, node),
                    args,
                    final_,
                    &mut |_st: &mut State<'_>, argv: &[Value]| tm.call(&recv, &name_owned, argv),
                );
            }
        }
        if let Value::Object(obj) = &receiver.v {
            if let Some(sig) = obj.method(name) {
                let obj = obj.clone();
                let name_owned = name.to_string();
                return self.eval_call(
                    dot,
                    CallTarget {
                        params: sig_params(&sig),
                        variadic: sig.variadic,
                        special: Special::None,
                        name,
                    },
                    (pos, node),
                    (pos, node),
                    args,
                    final_,
                    &mut |_st: &mut State<'_>, argv: &[Value]| {
                        obj.call_method(&name_owned, argv).map_err(GoError::new)
                    },
                );
            }
        }
        let has_args = args.len() > 1 || final_.is_some();
        let missing = |st: &Self, elem_iface: bool, zero: Value| -> R<RV> {
            match st.set.options.missing_key {
                MissingKey::Default => Ok(RV::concrete(Value::Nil)),
                MissingKey::Zero => Ok(RV {
                    v: zero,
                    iface: elem_iface,
                }),
                MissingKey::Error => {
                    let msg = format!("map has no entry for key {name:?}");
                    Err(st.error(pos, node, msg))
                }
            }
        };
        match &receiver.v {
            Value::Map(m, t) => {
                if has_args {
                    let msg = format!("{name} is not a method but has arguments");
                    return Err(self.error(pos, node, msg));
                }
                let elem_iface = *t != MapType::String;
                match m.get(name) {
                    Some(v) => Ok(RV {
                        v,
                        iface: elem_iface,
                    }),
                    None => {
                        let zero = if elem_iface {
                            Value::Nil
                        } else {
                            Value::str("")
                        };
                        missing(self, elem_iface, zero)
                    }
                }
            }
            Value::Object(obj) => match obj.field(name) {
                Field::Value(v) => {
                    if has_args {
                        let msg = format!("{name} has arguments but cannot be invoked as function");
                        return Err(self.error(pos, node, msg));
                    }
                    Ok(RV::concrete(v))
                }
                Field::Missing => {
                    if has_args {
                        let msg = format!("{name} is not a method but has arguments");
                        return Err(self.error(pos, node, msg));
                    }
                    missing(self, true, Value::Nil)
                }
                Field::NoField => Err(no_field(self)),
            },
            _ => Err(no_field(self)),
        }
    }

    fn eval_function(
        &mut self,
        dot: &RV,
        ident: &Arg,
        cmd: &Command,
        args: &[Arg],
        final_: Option<&Value>,
    ) -> R<RV> {
        let Arg::Ident { pos, name, func } = ident else {
            return Ok(RV::concrete(Value::Nil));
        };
        // Borrowed, not cloned: the parsed tree is shared by every thread, and an `Arc`
        // clone per call makes the cores fight over its reference count.
        let Some(f) = func.as_deref() else {
            let msg = format!("{:?} is not a defined function", &**name);
            return Err(self.error(*pos, ident, msg));
        };
        let imp = &f.imp;
        self.eval_call(
            dot,
            CallTarget {
                params: &f.params,
                variadic: f.variadic,
                special: f.special,
                name,
            },
            (cmd.pos, &CommandDisplay(cmd)),
            (*pos, ident),
            args,
            final_,
            &mut |st: &mut State<'_>, argv: &[Value]| imp(&mut Ctx { host: st }, argv),
        )
    }

    /// A function named as an argument (`evalArg` of an identifier): called with no
    /// arguments; errors point at the identifier itself.
    fn eval_function_arg(&mut self, dot: &RV, ident: &Arg) -> R<RV> {
        let Arg::Ident { pos, name, func } = ident else {
            return Ok(RV::concrete(Value::Nil));
        };
        // Borrowed, not cloned: the parsed tree is shared by every thread, and an `Arc`
        // clone per call makes the cores fight over its reference count.
        let Some(f) = func.as_deref() else {
            let msg = format!("{:?} is not a defined function", &**name);
            return Err(self.error(*pos, ident, msg));
        };
        let imp = &f.imp;
        self.eval_call(
            dot,
            CallTarget {
                params: &f.params,
                variadic: f.variadic,
                special: f.special,
                name,
            },
            (*pos, ident),
            (*pos, ident),
            std::slice::from_ref(ident),
            None,
            &mut |st: &mut State<'_>, argv: &[Value]| imp(&mut Ctx { host: st }, argv),
        )
    }

    /// Go's `evalCall`. `args[0]` is the function or method node itself.
    #[allow(clippy::too_many_arguments)]
    fn eval_call(
        &mut self,
        dot: &RV,
        target: CallTarget<'_>,
        call_node: (usize, &dyn Display),
        ident_node: (usize, &dyn Display),
        args: &[Arg],
        final_: Option<&Value>,
        invoke: &mut Invoke<'_>,
    ) -> R<RV> {
        let args = if args.is_empty() { args } else { &args[1..] };
        let params = target.params;
        let num_in = args.len() + usize::from(final_.is_some());
        let num_fixed = if target.variadic.is_some() {
            if num_in < params.len() {
                let msg = format!(
                    "wrong number of args for {}: want at least {} got {}",
                    target.name,
                    params.len(),
                    args.len()
                );
                return Err(self.error(ident_node.0, ident_node.1, msg));
            }
            params.len()
        } else {
            if num_in != params.len() {
                let msg = format!(
                    "wrong number of args for {}: want {} got {}",
                    target.name,
                    params.len(),
                    num_in
                );
                return Err(self.error(ident_node.0, ident_node.1, msg));
            }
            args.len()
        };

        if target.special != Special::None {
            // Short-circuit `and`/`or` (Go 1.18+).
            let want = target.special == Special::Or;
            let mut v = Value::Nil;
            for a in args {
                v = self.eval_arg(dot, Ty::Value, a)?;
                if v.is_true() == want {
                    return Ok(RV::concrete(v));
                }
            }
            if let Some(f) = final_ {
                v = f.clone();
            }
            return Ok(RV::concrete(v));
        }

        let mut argv = Vec::with_capacity(num_in);
        let mut i = 0;
        while i < num_fixed && i < args.len() {
            argv.push(self.eval_arg(dot, params[i], &args[i])?);
            i += 1;
        }
        if let Some(vt) = target.variadic {
            while i < args.len() {
                argv.push(self.eval_arg(dot, vt, &args[i])?);
                i += 1;
            }
        }
        if let Some(f) = final_ {
            let t = match target.variadic {
                Some(vt) if num_in > num_fixed => vt,
                _ => params[num_in - 1],
            };
            let (pos, ctx): (usize, &dyn Display) = match args.last() {
                Some(a) => (a.pos(), a),
                None => ident_node,
            };
            match validate_type(RV::concrete(f.clone()), t) {
                Ok(v) => argv.push(v),
                Err(msg) => return Err(self.error(pos, ctx, msg)),
            }
        }
        match invoke(self, &argv) {
            Ok(v) => Ok(RV::concrete(v)),
            Err(e) => {
                let msg = format!("error calling {}: {}", target.name, e.text);
                Err(self.error_with(call_node.0, call_node.1, msg, Some(Arc::new(e))))
            }
        }
    }

    /// Go's `evalArg`: evaluates an argument for a parameter of type `ty`.
    fn eval_arg(&mut self, dot: &RV, ty: Ty, n: &Arg) -> R<Value> {
        let rv = match n {
            Arg::Dot(_) => Some(dot.clone()),
            Arg::Nil(pos) => {
                if ty.can_be_nil() {
                    return Ok(ty.zero());
                }
                let msg = format!("cannot assign nil to {}", ty.go_name());
                return Err(self.error(*pos, n, msg));
            }
            Arg::Field { idents, .. } => {
                Some(self.eval_field_chain(dot, dot, n, idents, std::slice::from_ref(n), None)?)
            }
            Arg::Variable { .. } => Some(self.eval_variable(dot, n, &[], None)?),
            Arg::Pipe(p) => Some(RV::concrete(self.eval_pipeline(dot, p)?)),
            Arg::Ident { .. } => Some(self.eval_function_arg(dot, n)?),
            Arg::Chain { .. } => Some(self.eval_chain(dot, n, &[], None)?),
            _ => None,
        };
        if let Some(rv) = rv {
            return validate_type(rv, ty).map_err(|msg| self.error(n.pos(), n, msg));
        }
        let pos = n.pos();
        match ty {
            Ty::Bool => match n {
                Arg::Bool(_, b) => Ok(Value::Bool(*b)),
                _ => Err(self.error(pos, n, format!("expected bool; found {n}"))),
            },
            Ty::Float64 => match n {
                Arg::Number(_, num) if num.is_float => Ok(Value::Float(num.float)),
                _ => Err(self.error(pos, n, format!("expected float; found {n}"))),
            },
            Ty::Int | Ty::Int64 => match n {
                Arg::Number(_, num) if num.is_int => Ok(Value::Int(
                    num.int,
                    if ty == Ty::Int {
                        IntType::Int
                    } else {
                        IntType::Int64
                    },
                )),
                _ => Err(self.error(pos, n, format!("expected integer; found {n}"))),
            },
            Ty::Uint8 => match n {
                Arg::Number(_, num) if num.is_uint => {
                    Ok(Value::Uint(num.uint & 0xff, crate::UintType::Uint8))
                }
                _ => Err(self.error(pos, n, format!("expected unsigned integer; found {n}"))),
            },
            Ty::String => match n {
                Arg::String { text, .. } => Ok(Value::String(text.clone())),
                _ => Err(self.error(pos, n, format!("expected string; found {n}"))),
            },
            Ty::Any | Ty::Value => Ok(self.eval_empty_interface(dot, n)?.v),
            _ => {
                let msg = format!("can't handle {n} for arg of type {}", ty.go_name());
                Err(self.error(pos, n, msg))
            }
        }
    }

    fn eval_empty_interface(&mut self, dot: &RV, n: &Arg) -> R<RV> {
        Ok(match n {
            Arg::Bool(_, b) => RV::concrete(Value::Bool(*b)),
            Arg::Dot(_) => dot.clone(),
            Arg::Number(pos, num) => RV::concrete(self.ideal_constant(*pos, n, num)?),
            Arg::String { text, .. } => RV::concrete(Value::String(text.clone())),
            other => self.eval_arg_untyped(dot, other)?,
        })
    }
}

/// How [`State::eval_call`] calls the function or method once arguments are ready.
type Invoke<'f> = dyn FnMut(&mut State<'_>, &[Value]) -> Result<Value, GoError> + 'f;

/// The callee of [`State::eval_call`].
struct CallTarget<'a> {
    params: &'a [Ty],
    variadic: Option<Ty>,
    special: Special,
    name: &'a str,
}

fn sig_params(sig: &MethodSig) -> &'static [Ty] {
    sig.params
}

/// Go's `validateType`: checks that `rv` may be passed as a `ty`.
/// Takes the value by ownership: arguments are moved into the call, not cloned and
/// dropped (each clone of a shared map or long string is an atomic count update).
fn validate_type(rv: RV, ty: Ty) -> Result<Value, String> {
    if rv.v.is_nil() {
        if !rv.iface {
            // The invalid value: nil-able types get their zero value.
            if ty.can_be_nil() {
                return Ok(ty.zero());
            }
            return Err(format!("invalid value; expected {}", ty.go_name()));
        }
        // A nil interface is only assignable to interface types.
        if matches!(ty, Ty::Any | Ty::Value) {
            return Ok(Value::Nil);
        }
        return Err(format!(
            "wrong type for value; expected {}; got interface {{}}",
            ty.go_name()
        ));
    }
    if rv.v.assignable_to(&ty) {
        return Ok(rv.v);
    }
    Err(format!(
        "wrong type for value; expected {}; got {}",
        ty.go_name(),
        rv.v.type_name()
    ))
}

fn print_value(v: &Value, out: &mut String) {
    match v {
        Value::Nil => out.push_str("<no value>"),
        other => gofmt::write_action_value(out, other),
    }
}

fn render(v: &Value) -> String {
    let mut s = String::new();
    gofmt::write_value(&mut s, v);
    s
}

/// Position and display of the last node evaluated in a pipeline (Go's `s.node` after
/// evaluating it), for errors raised after the commands ran.
fn last_node(pipe: &Pipe) -> (usize, String) {
    match pipe.cmds.last().and_then(|c| c.args.last()) {
        Some(a) => (a.pos(), a.to_string()),
        None => (pipe.pos, pipe.to_string()),
    }
}

fn unreachable_command() -> RV {
    RV::concrete(Value::Nil)
}

struct BranchDisplay<'a>(&'static str, &'a Branch);

impl Display for BranchDisplay<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let b = self.1;
        write!(f, "{{{{{} {}}}}}", self.0, b.pipe)?;
        for n in &b.list {
            write!(f, "{n}")?;
        }
        if let Some(e) = &b.else_list {
            f.write_str("{{else}}")?;
            for n in e {
                write!(f, "{n}")?;
            }
        }
        f.write_str("{{end}}")
    }
}

struct TemplateDisplay<'a>(&'a TemplateCall);

impl Display for TemplateDisplay<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0.pipe {
            Some(p) => write!(
                f,
                "{{{{template {} {}}}}}",
                crate::fmt::quote(&self.0.name),
                p
            ),
            None => write!(f, "{{{{template {}}}}}", crate::fmt::quote(&self.0.name)),
        }
    }
}

struct CommandDisplay<'a>(&'a Command);

impl Display for CommandDisplay<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl Host for State<'_> {
    fn execute_template(&mut self, name: &str, data: Value) -> Result<String, GoError> {
        self.host_step()?;
        let Some(tree) = self.layer.lookup(name).cloned() else {
            return Err(no_template(name, &self.set.name));
        };
        let mut buf = String::new();
        let mapping = std::mem::replace(&mut self.mapping, false);
        let r = self.with_template(tree, RV::concrete(data), |st, dot, tree| {
            st.walk_list(dot, &tree.root, &mut buf).map(|_| ())
        });
        self.mapping = mapping;
        match r {
            Ok(()) => Ok(buf),
            Err(e) => Err(e.to_go_error()),
        }
    }

    fn execute_text(&mut self, name: &str, text: &str, data: Value) -> Result<String, GoError> {
        self.host_step()?;
        let trees =
            parse_trees(&self.set.funcs, name, text).map_err(|e| GoError::new(e.go_text()))?;
        let mut layer = Layer {
            trees: Default::default(),
            parent: Some(self.layer.clone()),
        };
        for t in trees {
            layer.associate(t);
        }
        let Some(main) = layer.trees.get(name).cloned() else {
            return Ok(String::new());
        };
        let saved = std::mem::replace(&mut self.layer, Arc::new(layer));
        let mut buf = String::new();
        let mapping = std::mem::replace(&mut self.mapping, false);
        let r = self.with_template(main, RV::concrete(data), |st, dot, tree| {
            st.walk_list(dot, &tree.root, &mut buf).map(|_| ())
        });
        self.mapping = mapping;
        self.layer = saved;
        match r {
            Ok(()) => Ok(buf),
            Err(e) => Err(e.to_go_error()),
        }
    }

    fn extension(&mut self) -> Option<&mut dyn Any> {
        match &mut self.ext {
            Some(e) => Some(&mut **e),
            None => None,
        }
    }
}
