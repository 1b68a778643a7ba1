//! The parser: tokens → [`Tree`]s, following Go's `text/template/parse/parse.go`
//! (the same grammar, the same error messages, the same handling of `define`, `block`,
//! `else if`, `else with`, variable scoping and `break`/`continue` placement).

use std::sync::Arc;

use crate::ast::*;
use crate::error::ParseError;
use crate::func::Function;
use crate::lexer::{lex, LexOptions, Tok, Token};
use crate::literal;
use crate::value::Str;

/// Resolves function names at parse time; `None` means "not defined".
pub type FuncLookup<'a> = &'a dyn Fn(&str) -> Option<Arc<Function>>;

/// Parses `text` as the template `name`. Returns every tree the text defines, the
/// top-level one first, then `define`/`block` templates in the order Go adds them;
/// a name defined twice with non-empty bodies is an error, as in Go.
pub fn parse(name: &str, text: &str, funcs: FuncLookup<'_>) -> Result<Vec<Tree>, ParseError> {
    let source = Arc::new(Source {
        name: Str::from(name),
        text: Arc::from(text),
    });
    let tokens = lex(
        text,
        LexOptions {
            break_ok: funcs("break").is_none(),
            continue_ok: funcs("continue").is_none(),
        },
    );
    let mut p = Parser {
        tokens,
        i: 0,
        last: 0,
        source: source.clone(),
        funcs,
        vars: vec![Str::from("$")],
        range_depth: 0,
        stack_depth: 0,
        trees: Vec::new(),
    };
    let root = p.parse_top()?;
    let top = Tree {
        name: Str::from(name),
        source,
        root,
    };
    p.add(top)?;
    Ok(p.trees)
}

type PResult<T> = Result<T, ParseError>;

/// Go's `maxStackDepth`: nesting limit of parenthesized pipelines.
const MAX_STACK_DEPTH: usize = 10_000;
/// Stack kept free before recursing; below it a new stack segment is allocated.
const RED_ZONE: usize = 128 * 1024;
/// Size of each extra stack segment for deeply nested templates.
const STACK_SEGMENT: usize = 2 * 1024 * 1024;

struct Parser<'a> {
    tokens: Vec<Token>,
    i: usize,
    /// Index of the most recently returned token (Go's `token[0]`), for error lines.
    last: usize,
    source: Arc<Source>,
    funcs: FuncLookup<'a>,
    vars: Vec<Str>,
    range_depth: usize,
    /// Nesting of parenthesized pipelines (Go's `stackDepth`).
    stack_depth: usize,
    trees: Vec<Tree>,
}

impl Parser<'_> {
    fn tok(&self, i: usize) -> &Token {
        &self.tokens[i.min(self.tokens.len() - 1)]
    }

    fn next(&mut self) -> Token {
        let t = self.tok(self.i).clone();
        self.last = self.i;
        if self.i < self.tokens.len() - 1 || t.kind != Tok::Eof && t.kind != Tok::Error {
            self.i += 1;
        }
        t
    }

    fn backup(&mut self) {
        self.i -= 1;
    }

    fn peek(&self) -> &Token {
        self.tok(self.i)
    }

    fn next_non_space(&mut self) -> Token {
        loop {
            let t = self.next();
            if t.kind != Tok::Space {
                return t;
            }
        }
    }

    fn peek_non_space(&mut self) -> Token {
        while self.peek().kind == Tok::Space {
            self.i += 1;
        }
        self.peek().clone()
    }

    fn errorf(&self, msg: impl Into<String>) -> ParseError {
        let t = self.tok(self.last);
        ParseError {
            name: self.source.name.to_string(),
            line: self.source.location(t.pos).line,
            offset: t.pos,
            message: msg.into(),
        }
    }

    fn unexpected(&self, t: &Token, context: &str) -> ParseError {
        if t.kind == Tok::Error {
            return self.errorf(t.val.to_string());
        }
        self.errorf(format!("unexpected {} in {}", t.describe(), context))
    }

    fn expect(&mut self, kind: Tok, context: &str) -> PResult<Token> {
        let t = self.next_non_space();
        if t.kind != kind {
            return Err(self.unexpected(&t, context));
        }
        Ok(t)
    }

    /// Go's `Tree.add`: a non-empty redefinition within one parse is an error; an empty
    /// one never replaces an existing tree.
    fn add(&mut self, tree: Tree) -> PResult<()> {
        if let Some(idx) = self.trees.iter().position(|t| t.name == tree.name) {
            if self.trees[idx].is_empty() {
                self.trees[idx] = tree;
                return Ok(());
            }
            if !tree.is_empty() {
                return Err(self.errorf(format!(
                    "template: multiple definition of template {:?}",
                    &*tree.name
                )));
            }
            return Ok(());
        }
        self.trees.push(tree);
        Ok(())
    }

    fn parse_top(&mut self) -> PResult<List> {
        let mut root = Vec::new();
        while self.peek().kind != Tok::Eof {
            if self.peek().kind == Tok::LeftDelim {
                let save = self.i;
                self.next();
                if self.next_non_space().kind == Tok::Define {
                    self.parse_definition()?;
                    continue;
                }
                self.i = save;
            }
            match self.text_or_action()? {
                Parsed::End => return Err(self.errorf("unexpected {{end}}")),
                Parsed::Else(_) => return Err(self.errorf("unexpected {{else}}")),
                Parsed::Node(n) => root.push(n),
            }
        }
        Ok(root)
    }

    fn parse_definition(&mut self) -> PResult<()> {
        let context = "define clause";
        let t = self.next_non_space();
        if t.kind != Tok::String && t.kind != Tok::RawString {
            return Err(self.unexpected(&t, context));
        }
        let name = literal::unquote(&t.val).map_err(|e| self.errorf(e))?;
        self.expect(Tok::RightDelim, context)?;
        let saved_vars = std::mem::replace(&mut self.vars, vec![Str::from("$")]);
        let (list, end) = self.item_list()?;
        self.vars = saved_vars;
        if !matches!(end, Parsed::End) {
            return Err(self.errorf(format!("unexpected {} in {}", end.describe(), context)));
        }
        self.add(Tree {
            name: Str::from(name),
            source: self.source.clone(),
            root: list,
        })
    }

    /// Parses nodes up to `{{end}}` or `{{else}}`, which is returned separately.
    fn item_list(&mut self) -> PResult<(List, Parsed)> {
        let mut list = Vec::new();
        while self.peek_non_space().kind != Tok::Eof {
            match self.text_or_action()? {
                n @ (Parsed::End | Parsed::Else(_)) => return Ok((list, n)),
                Parsed::Node(n) => list.push(n),
            }
        }
        Err(self.errorf("unexpected EOF"))
    }

    fn text_or_action(&mut self) -> PResult<Parsed> {
        let t = self.next_non_space();
        match t.kind {
            Tok::Text => Ok(Parsed::Node(Node::Text(t.pos, Str::from(&*t.val)))),
            Tok::LeftDelim => self.action(),
            _ => Err(self.unexpected(&t, "input")),
        }
    }

    fn action(&mut self) -> PResult<Parsed> {
        let t = self.next_non_space();
        match t.kind {
            Tok::Block => return self.block_control(),
            Tok::Break => return self.break_control(t.pos, true),
            Tok::Continue => return self.break_control(t.pos, false),
            Tok::Else => return self.else_control(),
            Tok::End => {
                let e = self.expect(Tok::RightDelim, "end")?;
                let _ = e;
                return Ok(Parsed::End);
            }
            Tok::If => return self.if_control().map(Parsed::Node),
            Tok::Range => return self.control("range").map(|b| Parsed::Node(Node::Range(b))),
            Tok::Template => return self.template_control(),
            Tok::With => return self.with_control().map(Parsed::Node),
            _ => {}
        }
        self.backup();
        let pos = self.peek().pos;
        let pipe = self.pipeline("command", Tok::RightDelim)?;
        Ok(Parsed::Node(Node::Action(Box::new(Action { pos, pipe }))))
    }

    fn break_control(&mut self, pos: usize, is_break: bool) -> PResult<Parsed> {
        let name = if is_break {
            "{{break}}"
        } else {
            "{{continue}}"
        };
        let t = self.next_non_space();
        if t.kind != Tok::RightDelim {
            return Err(self.unexpected(&t, name));
        }
        if self.range_depth == 0 {
            return Err(self.errorf(format!("{name} outside {{{{range}}}}")));
        }
        Ok(Parsed::Node(if is_break {
            Node::Break(pos)
        } else {
            Node::Continue(pos)
        }))
    }

    fn else_control(&mut self) -> PResult<Parsed> {
        let peek = self.peek_non_space();
        if peek.kind == Tok::If || peek.kind == Tok::With {
            // "{{else if ...": the if is left pending for parse_control.
            return Ok(Parsed::Else(peek.pos));
        }
        let t = self.expect(Tok::RightDelim, "else")?;
        Ok(Parsed::Else(t.pos))
    }

    fn if_control(&mut self) -> PResult<Node> {
        self.control("if").map(Node::If)
    }

    fn with_control(&mut self) -> PResult<Node> {
        self.control("with").map(Node::With)
    }

    fn control(&mut self, context: &'static str) -> PResult<Box<Branch>> {
        let mark = self.vars.len();
        // Nested control structures recurse; Go has no limit (its stacks grow), so the
        // stack grows on the heap here.
        let result = stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || self.control_inner(context));
        self.vars.truncate(mark);
        result
    }

    fn control_inner(&mut self, context: &'static str) -> PResult<Box<Branch>> {
        let pipe = self.pipeline(context, Tok::RightDelim)?;
        if context == "range" {
            self.range_depth += 1;
        }
        let r = self.item_list();
        if context == "range" {
            self.range_depth -= 1;
        }
        let (list, next) = r?;
        let mut else_list = None;
        if let Parsed::Else(pos) = next {
            let _ = pos;
            if context == "if" && self.peek().kind == Tok::If {
                self.next();
                else_list = Some(vec![self.if_control()?]);
            } else if context == "with" && self.peek().kind == Tok::With {
                self.next();
                else_list = Some(vec![self.with_control()?]);
            } else {
                let (l, next) = self.item_list()?;
                if !matches!(next, Parsed::End) {
                    return Err(self.errorf(format!("expected end; found {}", next.describe())));
                }
                else_list = Some(l);
            }
        }
        Ok(Box::new(Branch {
            pos: pipe.pos,
            pipe,
            list,
            else_list,
        }))
    }

    fn block_control(&mut self) -> PResult<Parsed> {
        let context = "block clause";
        let t = self.next_non_space();
        let name = self.template_name(&t, context)?;
        let pipe = self.pipeline(context, Tok::RightDelim)?;
        let saved_vars = std::mem::replace(&mut self.vars, vec![Str::from("$")]);
        let saved_depth = std::mem::replace(&mut self.range_depth, 0);
        let r = self.item_list();
        self.vars = saved_vars;
        self.range_depth = saved_depth;
        let (list, end) = r?;
        if !matches!(end, Parsed::End) {
            return Err(self.errorf(format!("unexpected {} in {}", end.describe(), context)));
        }
        self.add(Tree {
            name: name.clone(),
            source: self.source.clone(),
            root: list,
        })?;
        Ok(Parsed::Node(Node::Template(Box::new(TemplateCall {
            pos: t.pos,
            name,
            pipe: Some(pipe),
        }))))
    }

    fn template_control(&mut self) -> PResult<Parsed> {
        let context = "template clause";
        let t = self.next_non_space();
        let name = self.template_name(&t, context)?;
        let pipe = if self.next_non_space().kind != Tok::RightDelim {
            self.backup();
            Some(self.pipeline(context, Tok::RightDelim)?)
        } else {
            None
        };
        Ok(Parsed::Node(Node::Template(Box::new(TemplateCall {
            pos: t.pos,
            name,
            pipe,
        }))))
    }

    fn template_name(&self, t: &Token, context: &str) -> PResult<Str> {
        match t.kind {
            Tok::String | Tok::RawString => literal::unquote(&t.val)
                .map(Str::from)
                .map_err(|e| self.errorf(e)),
            _ => Err(self.unexpected(t, context)),
        }
    }

    fn pipeline(&mut self, context: &str, end: Tok) -> PResult<Pipe> {
        let start = self.peek_non_space();
        let mut pipe = Pipe {
            pos: start.pos,
            decl: Vec::new(),
            is_assign: false,
            cmds: Vec::new(),
        };
        // Declarations or assignments.
        loop {
            let v = self.peek_non_space();
            if v.kind != Tok::Variable {
                break;
            }
            let before_var = self.i;
            self.next();
            let after_var = self.i;
            let next = self.peek_non_space();
            match next.kind {
                Tok::Assign | Tok::Declare => {
                    pipe.is_assign = next.kind == Tok::Assign;
                    self.next_non_space();
                    pipe.decl.push(Variable {
                        pos: v.pos,
                        name: Str::from(&*v.val),
                    });
                    self.vars.push(Str::from(&*v.val));
                }
                Tok::Char if next.val == "," => {
                    self.next_non_space();
                    pipe.decl.push(Variable {
                        pos: v.pos,
                        name: Str::from(&*v.val),
                    });
                    self.vars.push(Str::from(&*v.val));
                    if context == "range" && pipe.decl.len() < 2 {
                        match self.peek_non_space().kind {
                            Tok::Variable | Tok::RightDelim | Tok::RightParen => continue,
                            _ => return Err(self.errorf("range can only initialize variables")),
                        }
                    }
                    return Err(self.errorf(format!("too many declarations in {context}")));
                }
                _ => {
                    // Not a declaration: push the variable (and the space after it) back.
                    let _ = after_var;
                    self.i = before_var;
                }
            }
            break;
        }
        loop {
            let t = self.next_non_space();
            if t.kind == end {
                self.check_pipeline(&pipe, context)?;
                return Ok(pipe);
            }
            match t.kind {
                Tok::Bool
                | Tok::CharConstant
                | Tok::Complex
                | Tok::Dot
                | Tok::Field
                | Tok::Identifier
                | Tok::Number
                | Tok::Nil
                | Tok::RawString
                | Tok::String
                | Tok::Variable
                | Tok::LeftParen => {
                    self.backup();
                    let cmd = self.command()?;
                    pipe.cmds.push(cmd);
                }
                _ => return Err(self.unexpected(&t, context)),
            }
        }
    }

    fn check_pipeline(&self, pipe: &Pipe, context: &str) -> PResult<()> {
        if pipe.cmds.is_empty() {
            return Err(self.errorf(format!("missing value for {context}")));
        }
        for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
            if matches!(
                c.args[0],
                Arg::Bool(..) | Arg::Dot(_) | Arg::Nil(_) | Arg::Number(..) | Arg::String { .. }
            ) {
                return Err(self.errorf(format!(
                    "non executable command in pipeline stage {}",
                    i + 1
                )));
            }
        }
        Ok(())
    }

    fn command(&mut self) -> PResult<Command> {
        let pos = self.peek_non_space().pos;
        let mut args = Vec::new();
        loop {
            self.peek_non_space();
            if let Some(op) = self.operand()? {
                args.push(op);
            }
            let t = self.next();
            match t.kind {
                Tok::Space => continue,
                Tok::RightDelim | Tok::RightParen => self.backup(),
                Tok::Pipe => {}
                _ => return Err(self.unexpected(&t, "operand")),
            }
            break;
        }
        if args.is_empty() {
            return Err(self.errorf("empty command"));
        }
        Ok(Command { pos, args })
    }

    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        if self.peek().kind != Tok::Field {
            return Ok(Some(node));
        }
        let chain_pos = self.peek().pos;
        let mut fields = Vec::new();
        while self.peek().kind == Tok::Field {
            let t = self.next();
            fields.push(Str::from(&t.val[1..]));
        }
        Ok(Some(match node {
            Arg::Field { pos: _, mut idents } => {
                idents.extend(fields);
                Arg::Field {
                    pos: chain_pos,
                    idents,
                }
            }
            Arg::Variable { pos: _, mut idents } => {
                idents.extend(fields);
                Arg::Variable {
                    pos: chain_pos,
                    idents,
                }
            }
            n @ (Arg::Bool(..)
            | Arg::String { .. }
            | Arg::Number(..)
            | Arg::Nil(_)
            | Arg::Dot(_)) => {
                return Err(self.errorf(format!("unexpected . after term {}", go_quote_node(&n))));
            }
            n => Arg::Chain {
                pos: chain_pos,
                node: Box::new(n),
                idents: fields,
            },
        }))
    }

    fn term(&mut self) -> PResult<Option<Arg>> {
        let t = self.next_non_space();
        Ok(Some(match t.kind {
            Tok::Error => return Err(self.errorf(t.val.to_string())),
            Tok::Identifier => {
                let f = (self.funcs)(&t.val);
                if f.is_none() {
                    return Err(self.errorf(format!("function {:?} not defined", &*t.val)));
                }
                Arg::Ident {
                    pos: t.pos,
                    name: Str::from(&*t.val),
                    func: f,
                }
            }
            Tok::Dot => Arg::Dot(t.pos),
            Tok::Nil => Arg::Nil(t.pos),
            Tok::Variable => {
                let idents = split_idents(&t.val);
                if !self.vars.iter().any(|v| **v == *idents[0]) {
                    return Err(self.errorf(format!("undefined variable {:?}", &*idents[0])));
                }
                Arg::Variable { pos: t.pos, idents }
            }
            Tok::Field => Arg::Field {
                pos: t.pos,
                idents: split_idents(&t.val[1..]),
            },
            Tok::Bool => Arg::Bool(t.pos, &*t.val == "true"),
            Tok::CharConstant | Tok::Complex | Tok::Number => {
                let n = parse_number(&t.val, t.kind).map_err(|e| self.errorf(e))?;
                Arg::Number(t.pos, Box::new(n))
            }
            Tok::LeftParen => {
                // Go's parse.go: `maxStackDepth` nested parentheses at most.
                if self.stack_depth >= MAX_STACK_DEPTH {
                    return Err(self.errorf("max expression depth exceeded"));
                }
                self.stack_depth += 1;
                let pipe = stacker::maybe_grow(RED_ZONE, STACK_SEGMENT, || {
                    self.pipeline("parenthesized pipeline", Tok::RightParen)
                });
                self.stack_depth -= 1;
                let pipe = pipe?;
                let _ = pipe.pos;
                Arg::Pipe(Box::new(pipe))
            }
            Tok::String | Tok::RawString => {
                let s = literal::unquote(&t.val).map_err(|e| self.errorf(e))?;
                Arg::String {
                    pos: t.pos,
                    quoted: Str::from(&*t.val),
                    text: Str::from(s),
                }
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        }))
    }
}

/// What a step of the parser produced: a node, or an `{{end}}`/`{{else}}` marker that
/// ends the enclosing list.
enum Parsed {
    Node(Node),
    End,
    Else(usize),
}

impl Parsed {
    fn describe(&self) -> String {
        match self {
            Parsed::Node(n) => n.to_string(),
            Parsed::End => "{{end}}".into(),
            Parsed::Else(_) => "{{else}}".into(),
        }
    }
}

fn split_idents(s: &str) -> Vec<Str> {
    s.split('.').map(Str::from).collect()
}

fn go_quote_node(n: &Arg) -> String {
    crate::lexer::go_quote(&n.to_string())
}

/// Go's `parse.newNumber`: decides which Go types can hold the literal.
fn parse_number(text: &str, kind: Tok) -> Result<Number, String> {
    let mut n = Number {
        text: Str::from(text),
        is_int: false,
        is_uint: false,
        is_float: false,
        is_complex: false,
        int: 0,
        uint: 0,
        float: 0.0,
        complex: (0.0, 0.0),
    };
    match kind {
        Tok::CharConstant => {
            let inner = &text[1..];
            let (c, tail) = literal::unquote_char(inner, b'\'').map_err(|e| e.to_string())?;
            if tail != "'" {
                return Err(format!("malformed character constant: {text}"));
            }
            let r = match c {
                literal::Unquoted::Char(c) => c as i64,
                literal::Unquoted::Byte(b) => b as i64,
            };
            n.int = r;
            n.is_int = true;
            n.uint = r as u64;
            n.is_uint = true;
            n.float = r as f64;
            n.is_float = true;
            return Ok(n);
        }
        Tok::Complex => {
            let (re, im) = parse_complex(text).ok_or_else(|| "expected integer".to_string())?;
            n.is_complex = true;
            n.complex = (re, im);
            simplify_complex(&mut n);
            return Ok(n);
        }
        _ => {}
    }
    if let Some(stripped) = text.strip_suffix('i') {
        if let Some(f) = literal::parse_float(stripped) {
            n.is_complex = true;
            n.complex = (0.0, f);
            simplify_complex(&mut n);
            return Ok(n);
        }
    }
    let u = literal::parse_uint(text);
    if let Some(u) = u {
        n.is_uint = true;
        n.uint = u;
    }
    if let Some(i) = literal::parse_int(text) {
        n.is_int = true;
        n.int = i;
        if i == 0 {
            n.is_uint = true;
            n.uint = 0;
        }
    }
    if n.is_int {
        n.is_float = true;
        n.float = n.int as f64;
    } else if n.is_uint {
        n.is_float = true;
        n.float = n.uint as f64;
    } else if let Some(f) = literal::parse_float(text) {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!(
                "integer overflow: {}",
                crate::lexer::go_quote(text)
            ));
        }
        n.is_float = true;
        n.float = f;
        if !n.is_int && (f as i64) as f64 == f && f.abs() < 9.3e18 {
            n.is_int = true;
            n.int = f as i64;
        }
        if !n.is_uint && f >= 0.0 && (f as u64) as f64 == f && f < 1.85e19 {
            n.is_uint = true;
            n.uint = f as u64;
        }
    }
    if !n.is_int && !n.is_uint && !n.is_float {
        return Err(format!(
            "illegal number syntax: {}",
            crate::lexer::go_quote(text)
        ));
    }
    Ok(n)
}

/// Parses `a+bi` / `a-bi` (Go's `fmt.Sscan` into complex128 for template literals).
fn parse_complex(text: &str) -> Option<(f64, f64)> {
    let body = text.strip_suffix('i')?;
    // Split at the last sign that is not at the start and not after an exponent marker.
    let bytes = body.as_bytes();
    let mut split = None;
    for i in (1..bytes.len()).rev() {
        if (bytes[i] == b'+' || bytes[i] == b'-')
            && !matches!(bytes[i - 1], b'e' | b'E' | b'p' | b'P')
        {
            split = Some(i);
            break;
        }
    }
    let i = split?;
    let re = literal::parse_float(&body[..i])?;
    let im = literal::parse_float(&body[i..])?;
    Some((re, im))
}

/// Go's `NumberNode.simplifyComplex`: a complex literal with zero imaginary part is also a
/// float (and possibly an int).
fn simplify_complex(n: &mut Number) {
    if n.complex.1 == 0.0 {
        n.is_float = true;
        n.float = n.complex.0;
        if (n.float as i64) as f64 == n.float {
            n.is_int = true;
            n.int = n.float as i64;
        }
        if n.float >= 0.0 && (n.float as u64) as f64 == n.float {
            n.is_uint = true;
            n.uint = n.float as u64;
        }
    }
}
