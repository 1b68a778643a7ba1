//! Parse → print → parse: printing a parsed template (`Display` of the AST, Go's
//! `Node.String()`) and parsing the printed text again gives the same printed text, as
//! Go's `text/template/parse` tests check. Templates come from a grammar (text, actions,
//! pipelines, if/else/else-if, range with break/continue and else, with/else-with,
//! define, block, template, variables and assignments, fields and chains, every literal
//! kind, comments, trim markers), and from `../shared/vectors/gotemplate.json` (every
//! template there that parses).

mod common;

use std::sync::Arc;

use kiln_gotmpl::func::Function;
use proptest::prelude::*;

/// Prints every tree of `text` as `(name, printed)`, in parse order; `Err` is the parse
/// error.
fn print_trees(text: &str) -> Result<Vec<(String, String)>, String> {
    let funcs = kiln_helm::funcs::helm_func_map();
    let set = kiln_gotmpl::TemplateSet::new("t", &funcs, Default::default());
    let lookup = |n: &str| -> Option<Arc<Function>> { set.funcs().get(n).cloned() };
    let trees = kiln_gotmpl::parse::parse("t", text, &lookup).map_err(|e| e.go_text())?;
    Ok(trees
        .iter()
        .map(|t| {
            let printed: String = t.root.iter().map(|n| n.to_string()).collect();
            (t.name.to_string(), printed)
        })
        .collect())
}

/// Checks the fixpoint for every tree of `text` (which must parse).
fn check_fixpoint(text: &str) -> Result<(), String> {
    let trees = print_trees(text).map_err(|e| format!("does not parse: {e}\n{text}"))?;
    for (name, printed) in trees {
        let again = print_trees(&printed).map_err(|e| {
            format!("printed {name:?} does not parse: {e}\nprinted: {printed}\nfrom: {text}")
        })?;
        // The printed text is one tree: a template's body never holds a define.
        let reprinted = &again
            .iter()
            .find(|(n, _)| n == "t")
            .ok_or_else(|| format!("no main tree reparsing {printed}"))?
            .1;
        if *reprinted != printed {
            return Err(format!(
                "not a fixpoint for {name:?}\nsource:    {text}\nprinted:   {printed}\nreprinted: {reprinted}"
            ));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------
// The grammar: a small recursive generator driven by a seed (proptest picks the seeds).

struct Gen {
    rng: common::Rng,
    out: String,
    /// Defined templates so far (each define/block gets a new name: Go rejects two
    /// non-empty definitions of one name in a parse).
    defs: usize,
}

impl Gen {
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.rng.below(xs.len())]
    }

    fn chance(&mut self, n: usize) -> bool {
        self.rng.below(n) == 0
    }

    fn open(&mut self) {
        let d = if self.chance(4) { "{{- " } else { "{{" };
        self.out.push_str(d);
        if self.chance(5) {
            self.out.push(' ');
        }
    }

    fn close(&mut self) {
        if self.chance(5) {
            self.out.push(' ');
        }
        let d = if self.chance(4) { " -}}" } else { "}}" };
        self.out.push_str(d);
    }

    fn text(&mut self) {
        let t = self.pick(&["", "a", "x y", "\n", "  ", "key: ", "-", ".", "text\n  "]);
        self.out.push_str(t);
    }

    fn literal(&mut self) -> String {
        self.pick(&[
            "1",
            "-2",
            "0x1F",
            "0o17",
            "0b101",
            "1_000",
            "1.5",
            "-1e3",
            "0x1p-2",
            "1i",
            "'a'",
            "'\\n'",
            "\"s\"",
            "\"a\\\"b\\u00e9\"",
            "`raw\"`",
            "true",
            "false",
            "nil",
            "\"\"",
        ])
        .to_string()
    }

    /// A term that can be an argument: literal, field, variable, dot, parenthesized
    /// pipeline, chain.
    fn term(&mut self, vars: &[&str], depth: usize) -> String {
        match self.rng.below(if depth > 0 { 7 } else { 5 }) {
            0 => self.literal(),
            1 => self
                .pick(&[".A", ".a.b", ".Values.x", ".x.Y.z"])
                .to_string(),
            2 => {
                let v = vars[self.rng.below(vars.len())];
                if v != "$" && self.chance(3) {
                    format!("{v}.f")
                } else {
                    v.to_string()
                }
            }
            3 | 4 => ".".to_string(),
            5 => format!("({})", self.pipeline(vars, depth - 1, false)),
            _ => format!("({}).f", self.pipeline(vars, depth - 1, false)),
        }
    }

    /// An argument (`nil` is only valid as one, not as a command).
    fn arg(&mut self, vars: &[&str], depth: usize) -> String {
        self.term(vars, depth)
    }

    fn command(&mut self, vars: &[&str], depth: usize, first: bool) -> String {
        if first && self.chance(2) {
            let t = self.term(vars, depth);
            if t != "nil" {
                return t;
            }
        }
        let f = self.pick(&[
            "printf \"%v\"",
            "print",
            "len",
            "index",
            "eq",
            "ne",
            "lt",
            "and",
            "or",
            "not",
            "html",
            "js",
            "urlquery",
            "quote",
            "default \"d\"",
            "include \"n\"",
            "toYaml",
            "slice",
            "list",
        ]);
        let mut s = f.to_string();
        for _ in 0..self.rng.below(3) {
            s.push(' ');
            s.push_str(&self.arg(vars, depth));
        }
        s
    }

    fn pipeline(&mut self, vars: &[&str], depth: usize, decl: bool) -> String {
        let mut s = String::new();
        if decl && self.chance(4) {
            let assignable: Vec<&str> = vars.iter().copied().filter(|v| *v != "$").collect();
            if !assignable.is_empty() && self.chance(2) {
                s.push_str(assignable[self.rng.below(assignable.len())]);
                s.push_str(" = ");
            } else {
                s.push_str("$n := ");
            }
        }
        s.push_str(&self.command(vars, depth, true));
        for _ in 0..self.rng.below(3) {
            s.push_str(" | ");
            s.push_str(&self.command(vars, depth, false));
        }
        s
    }

    fn list(&mut self, vars: &[&str], depth: usize, in_range: bool, top: bool) {
        for _ in 0..1 + self.rng.below(4) {
            self.node(vars, depth, in_range, top);
        }
    }

    fn node(&mut self, vars: &[&str], depth: usize, in_range: bool, top: bool) {
        self.text();
        let kinds = if depth == 0 { 3 } else { 12 };
        match self.rng.below(kinds) {
            0 | 1 => {
                self.open();
                let p = self.pipeline(vars, 1, true);
                self.out.push_str(&p);
                self.close();
            }
            2 => {
                // A comment starts and ends right at the delimiters (trim markers aside).
                let open = self.pick(&["{{", "{{- "]);
                let c = self.pick(&["/* c */", "/*\nmulti\n*/", "/**/"]);
                let close = self.pick(&["}}", " -}}"]);
                self.out.push_str(&format!("{open}{c}{close}"));
            }
            3 | 4 => {
                self.branch("if", vars, depth, in_range);
            }
            5 => {
                self.branch("with", vars, depth, in_range);
            }
            6 | 7 => {
                // range with optional variables, break/continue inside
                self.open();
                self.out.push_str("range ");
                let mut inner: Vec<&str> = vars.to_vec();
                match self.rng.below(3) {
                    0 => {
                        self.out.push_str("$i, $e := ");
                        inner.extend(["$i", "$e"]);
                    }
                    1 => {
                        self.out.push_str("$e := ");
                        inner.push("$e");
                    }
                    _ => {}
                }
                let p = self.pipeline(vars, 1, false);
                self.out.push_str(&p);
                self.close();
                self.list(&inner, depth - 1, true, false);
                if self.chance(3) {
                    self.open();
                    let w = self.pick(&["break", "continue"]);
                    self.out.push_str(w);
                    self.close();
                }
                if self.chance(3) {
                    self.open();
                    self.out.push_str("else");
                    self.close();
                    self.list(vars, depth - 1, in_range, false);
                }
                self.end();
            }
            8 if top => {
                // define: a new scope, only `$`
                self.open();
                let name = self.def_name();
                self.out.push_str(&format!("define {name}"));
                self.close();
                self.list(&["$"], depth - 1, false, false);
                self.end();
            }
            9 => {
                self.open();
                let name = self.def_name();
                self.out.push_str(&format!("block {name} "));
                let p = self.pipeline(vars, 1, false);
                self.out.push_str(&p);
                self.close();
                self.list(&["$"], depth - 1, false, false);
                self.end();
            }
            10 => {
                self.open();
                let name = self.pick(&["\"n\"", "\"m\"", "`x`"]);
                self.out.push_str(&format!("template {name}"));
                if self.chance(2) {
                    self.out.push(' ');
                    let p = self.pipeline(vars, 1, false);
                    self.out.push_str(&p);
                }
                self.close();
            }
            _ => {
                if in_range {
                    self.open();
                    let w = self.pick(&["break", "continue"]);
                    self.out.push_str(w);
                    self.close();
                } else {
                    self.text();
                }
            }
        }
        self.text();
    }

    fn branch(&mut self, kw: &str, vars: &[&str], depth: usize, in_range: bool) {
        self.open();
        self.out.push_str(kw);
        self.out.push(' ');
        let p = self.pipeline(vars, 1, true);
        self.out.push_str(&p);
        self.close();
        self.list(vars, depth - 1, in_range, false);
        match self.rng.below(3) {
            0 => {
                self.open();
                self.out.push_str("else");
                self.close();
                self.list(vars, depth - 1, in_range, false);
            }
            1 => {
                self.open();
                self.out.push_str(&format!("else {kw} "));
                let p = self.pipeline(vars, 1, false);
                self.out.push_str(&p);
                self.close();
                self.list(vars, depth - 1, in_range, false);
            }
            _ => {}
        }
        self.end();
    }

    /// A new template name, quoted in one of Go's ways.
    fn def_name(&mut self) -> String {
        self.defs += 1;
        let n = self.defs;
        match self.rng.below(4) {
            0 => format!("`raw {n}`"),
            1 => format!("\"tab\\t{n}\\x01\""),
            2 => format!("\"é{n}\""),
            _ => format!("\"n{n}\""),
        }
    }

    fn end(&mut self) {
        self.open();
        self.out.push_str("end");
        self.close();
    }
}

/// A template from the grammar, deterministic in `seed`.
fn generate(seed: u64) -> String {
    let mut g = Gen {
        rng: common::Rng::new(seed),
        out: String::new(),
        defs: 0,
    };
    // `$x` is declared first, so it is in scope everywhere but inside define/block.
    g.out.push_str("{{$x := .}}");
    g.list(&["$", "$x"], 3, false, true);
    g.out
}

proptest! {
    // A fixed seed: the same cases on every run, so CI is reproducible.
    #![proptest_config(ProptestConfig {
        cases: 2048,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x6b696c6e),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn printing_a_parsed_template_is_a_fixpoint(seed in any::<u64>()) {
        let text = generate(seed);
        if let Err(e) = check_fixpoint(&text) {
            prop_assert!(false, "{}", e);
        }
    }
}

/// Every template of `gotemplate.json` (with its helpers) that parses.
#[test]
fn vector_templates_print_to_a_fixpoint() {
    let Some(shared) = common::shared_dir() else {
        common::skipped("gotemplate.json fixpoint");
        return;
    };
    let mut checked = 0;
    let mut failures = Vec::new();
    for (id, text, _) in common::vector_templates(&shared) {
        if !id.starts_with("gotemplate/") || print_trees(&text).is_err() {
            continue;
        }
        checked += 1;
        if let Err(e) = check_fixpoint(&text) {
            failures.push(format!("{id}: {e}"));
        }
    }
    eprintln!("{checked} templates of gotemplate.json checked");
    assert!(checked > 500, "only {checked} templates parsed");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
