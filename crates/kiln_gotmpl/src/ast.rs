//! Parse trees, mirroring Go's `text/template/parse/node.go`.
//!
//! Every node keeps the byte offset where it starts in its [`Source`], from which error
//! messages compute `line:col` exactly as Go's `ErrorContext` does. `Display` reproduces
//! Go's `Node.String()`, which error messages quote (`at <.Values.x>`).

use std::fmt;
use std::sync::Arc;

use crate::error::Location;
use crate::func::Function;
use crate::value::Str;

/// The text a tree was parsed from, shared by every tree parsed from it (a file and the
/// templates it `define`s).
#[derive(Debug)]
pub struct Source {
    /// Go's `ParseName`: the name of the top-level template being parsed (the file).
    pub name: Str,
    /// The full text.
    pub text: Arc<str>,
}

impl Source {
    /// Line (1-based) and byte column (0-based) of `offset`, as Go's `ErrorContext`.
    pub fn location(&self, offset: usize) -> Location {
        let offset = offset.min(self.text.len());
        let before = &self.text.as_bytes()[..offset];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let col = match before.iter().rposition(|&b| b == b'\n') {
            Some(nl) => offset - (nl + 1),
            None => offset,
        };
        Location { line, col, offset }
    }
}

/// A parsed template: a name and a list of nodes.
#[derive(Debug)]
pub struct Tree {
    /// The template's name (`define "name"`, or the file name).
    pub name: Str,
    /// Where it was parsed from.
    pub source: Arc<Source>,
    /// The body.
    pub root: List,
}

impl Tree {
    /// True if the tree holds nothing but whitespace text (Go's `IsEmptyTree`): such a
    /// tree never replaces an existing definition of the same name.
    pub fn is_empty(&self) -> bool {
        list_is_empty(&self.root)
    }
}

fn list_is_empty(list: &List) -> bool {
    list.iter().all(|n| match n {
        Node::Text(_, t) => t
            .trim_matches([' ', '\t', '\r', '\n', '\x0b', '\x0c'])
            .is_empty(),
        Node::Comment => true,
        _ => false,
    })
}

/// A sequence of nodes.
pub type List = Vec<Node>;

/// A node of a template body.
#[derive(Debug)]
pub enum Node {
    /// Plain text, copied to the output, with its byte offset in the source.
    Text(usize, Str),
    /// A comment (kept only for emptiness checks).
    Comment,
    /// `{{pipeline}}`: evaluates and prints, unless it declares variables.
    Action(Box<Action>),
    /// `{{if}}`.
    If(Box<Branch>),
    /// `{{range}}`.
    Range(Box<Branch>),
    /// `{{with}}`.
    With(Box<Branch>),
    /// `{{template "name" pipeline}}` (also what `{{block}}` becomes).
    Template(Box<TemplateCall>),
    /// `{{break}}` at the given offset.
    Break(usize),
    /// `{{continue}}` at the given offset.
    Continue(usize),
}

/// `{{pipeline}}`.
#[derive(Debug)]
pub struct Action {
    pub pos: usize,
    pub pipe: Pipe,
}

/// The common shape of `if`, `range` and `with`.
#[derive(Debug)]
pub struct Branch {
    pub pos: usize,
    pub pipe: Pipe,
    pub list: List,
    pub else_list: Option<List>,
}

/// `{{template "name" pipeline}}`.
#[derive(Debug)]
pub struct TemplateCall {
    pub pos: usize,
    pub name: Str,
    pub pipe: Option<Pipe>,
}

/// A pipeline: optional variable declarations, then commands separated by `|`.
#[derive(Debug)]
pub struct Pipe {
    pub pos: usize,
    /// Declared or assigned variables (`$x :=`, `$i, $v :=`, `$x =`).
    pub decl: Vec<Variable>,
    /// `=` rather than `:=`.
    pub is_assign: bool,
    pub cmds: Vec<Command>,
}

/// A variable reference with its position.
#[derive(Debug, Clone)]
pub struct Variable {
    pub pos: usize,
    pub name: Str,
}

/// A command: an operand followed by arguments.
#[derive(Debug)]
pub struct Command {
    pub pos: usize,
    pub args: Vec<Arg>,
}

/// A parsed number literal (Go's `NumberNode`): which Go types can hold it.
#[derive(Debug, Clone)]
pub struct Number {
    pub text: Str,
    pub is_int: bool,
    pub is_uint: bool,
    pub is_float: bool,
    pub is_complex: bool,
    pub int: i64,
    pub uint: u64,
    pub float: f64,
    pub complex: (f64, f64),
}

/// An operand.
#[derive(Debug)]
pub enum Arg {
    /// `.A.B`
    Field { pos: usize, idents: Vec<Str> },
    /// `$x.A.B` (idents[0] is the variable name, e.g. `$x`).
    Variable { pos: usize, idents: Vec<Str> },
    /// `(pipeline).A.B`
    Chain {
        pos: usize,
        node: Box<Arg>,
        idents: Vec<Str>,
    },
    /// A function name.
    Ident {
        pos: usize,
        name: Str,
        func: Option<Arc<Function>>,
    },
    /// `.`
    Dot(usize),
    /// `nil`
    Nil(usize),
    /// `true`/`false`
    Bool(usize, bool),
    /// A number literal.
    Number(usize, Box<Number>),
    /// A string literal: the quoted source text and its value.
    String { pos: usize, quoted: Str, text: Str },
    /// `(pipeline)`
    Pipe(Box<Pipe>),
}

impl Arg {
    /// The node's byte offset.
    pub fn pos(&self) -> usize {
        match self {
            Arg::Field { pos, .. }
            | Arg::Variable { pos, .. }
            | Arg::Chain { pos, .. }
            | Arg::Ident { pos, .. }
            | Arg::String { pos, .. } => *pos,
            Arg::Dot(p) | Arg::Nil(p) | Arg::Bool(p, _) | Arg::Number(p, _) => *p,
            Arg::Pipe(p) => p.pos,
        }
    }
}

impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Field { idents, .. } => {
                for i in idents {
                    write!(f, ".{i}")?;
                }
                Ok(())
            }
            Arg::Variable { idents, .. } => f.write_str(&idents.join(".")),
            Arg::Chain { node, idents, .. } => {
                match &**node {
                    Arg::Pipe(p) => write!(f, "({p})")?,
                    n => write!(f, "{n}")?,
                }
                for i in idents {
                    write!(f, ".{i}")?;
                }
                Ok(())
            }
            Arg::Ident { name, .. } => f.write_str(name),
            Arg::Dot(_) => f.write_str("."),
            Arg::Nil(_) => f.write_str("nil"),
            Arg::Bool(_, b) => write!(f, "{b}"),
            Arg::Number(_, n) => f.write_str(&n.text),
            Arg::String { quoted, .. } => f.write_str(quoted),
            Arg::Pipe(p) => write!(f, "{p}"),
        }
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, a) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            if let Arg::Pipe(p) = a {
                write!(f, "({p})")?;
            } else {
                write!(f, "{a}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Pipe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.decl.is_empty() {
            for (i, v) in self.decl.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                f.write_str(&v.name)?;
            }
            f.write_str(if self.is_assign { " = " } else { " := " })?;
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

fn write_list(f: &mut fmt::Formatter<'_>, list: &List) -> fmt::Result {
    for n in list {
        write!(f, "{n}")?;
    }
    Ok(())
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Node::Text(_, t) => f.write_str(t),
            Node::Comment => Ok(()),
            Node::Action(a) => write!(f, "{{{{{}}}}}", a.pipe),
            Node::If(b) => write_branch(f, "if", b),
            Node::Range(b) => write_branch(f, "range", b),
            Node::With(b) => write_branch(f, "with", b),
            Node::Template(t) => match &t.pipe {
                Some(p) => write!(f, "{{{{template {} {}}}}}", crate::fmt::quote(&t.name), p),
                None => write!(f, "{{{{template {}}}}}", crate::fmt::quote(&t.name)),
            },
            Node::Break(_) => f.write_str("{{break}}"),
            Node::Continue(_) => f.write_str("{{continue}}"),
        }
    }
}

fn write_branch(f: &mut fmt::Formatter<'_>, name: &str, b: &Branch) -> fmt::Result {
    write!(f, "{{{{{name} {}}}}}", b.pipe)?;
    write_list(f, &b.list)?;
    if let Some(e) = &b.else_list {
        f.write_str("{{else}}")?;
        write_list(f, e)?;
    }
    f.write_str("{{end}}")
}
