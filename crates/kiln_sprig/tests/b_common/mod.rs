//! Shared helpers of the part-B Sprig tests: running template cases whose expected output
//! or error comes from real Helm v4.2.3 (`/work/shared/oracle/helm-oracle`).

#![allow(dead_code)]

use kiln_gotmpl::{FuncMap, Map, MapRef, MapType, Options, TemplateSet, Value};

/// The functions of part B (list, dict, math, crypto, date, semver, network).
pub const B_FUNCTIONS: &[&str] = &[
    "list",
    "tuple",
    "append",
    "push",
    "mustAppend",
    "mustPush",
    "prepend",
    "mustPrepend",
    "first",
    "mustFirst",
    "rest",
    "mustRest",
    "last",
    "mustLast",
    "initial",
    "mustInitial",
    "reverse",
    "mustReverse",
    "uniq",
    "mustUniq",
    "without",
    "mustWithout",
    "has",
    "mustHas",
    "slice",
    "mustSlice",
    "concat",
    "chunk",
    "mustChunk",
    "dict",
    "get",
    "set",
    "unset",
    "hasKey",
    "pluck",
    "keys",
    "pick",
    "omit",
    "merge",
    "mergeOverwrite",
    "mustMerge",
    "mustMergeOverwrite",
    "values",
    "dig",
    "add1",
    "add",
    "sub",
    "div",
    "mod",
    "mul",
    "randInt",
    "add1f",
    "addf",
    "subf",
    "divf",
    "mulf",
    "biggest",
    "max",
    "min",
    "maxf",
    "minf",
    "ceil",
    "floor",
    "round",
    "sha1sum",
    "sha256sum",
    "sha512sum",
    "adler32sum",
    "bcrypt",
    "htpasswd",
    "genPrivateKey",
    "derivePassword",
    "buildCustomCert",
    "genCA",
    "genCAWithKey",
    "genSelfSignedCert",
    "genSelfSignedCertWithKey",
    "genSignedCert",
    "genSignedCertWithKey",
    "encryptAES",
    "decryptAES",
    "randBytes",
    "uuidv4",
    "ago",
    "date",
    "dateInZone",
    "date_in_zone",
    "dateModify",
    "date_modify",
    "mustDateModify",
    "must_date_modify",
    "duration",
    "durationRound",
    "htmlDate",
    "htmlDateInZone",
    "mustToDate",
    "now",
    "toDate",
    "unixEpoch",
    "semver",
    "semverCompare",
    "getHostByName",
];

/// Go's builtins and template keywords.
const GO_WORDS: &[&str] = &[
    "and", "or", "not", "len", "index", "print", "printf", "println", "eq", "ne", "lt", "le", "gt",
    "ge", "html", "js", "urlquery", "call", "if", "else", "end", "range", "with", "define",
    "template", "block", "nil", "true", "false", "break", "continue",
];

/// The identifiers a template calls as functions (words not after `.` or `$`, outside
/// string literals).
pub fn called_functions(t: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b = t.as_bytes();
    let mut i = 0;
    let mut in_action = false;
    while i < b.len() {
        if !in_action {
            if t[i..].starts_with("{{") {
                in_action = true;
                i += 2;
            } else {
                i += 1;
            }
            continue;
        }
        let c = b[i];
        if t[i..].starts_with("}}") {
            in_action = false;
            i += 2;
        } else if c == b'"' || c == b'`' {
            let close = c;
            i += 1;
            while i < b.len() && b[i] != close {
                if b[i] == b'\\' && close == b'"' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
        } else if c.is_ascii_alphabetic() || c == b'_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            let prev = if start > 0 { b[start - 1] } else { b' ' };
            if prev != b'.' && prev != b'$' {
                out.push(t[start..i].to_string());
            }
        } else {
            i += 1;
        }
    }
    out
}

/// Whether a template only calls part-B functions and Go builtins.
pub fn only_b_functions(t: &str) -> bool {
    called_functions(t)
        .iter()
        .all(|f| B_FUNCTIONS.contains(&f.as_str()) || GO_WORDS.contains(&f.as_str()))
}

/// Renders `template` the way the Helm oracle does for these cases: `.Values` holds
/// `values` (a `common.Values`), `<no value>` becomes empty. An error is reported as
/// the innermost error of the chain (the function's own error text).
pub fn render(
    funcs: &FuncMap,
    template: &str,
    values: Option<&serde_json::Value>,
) -> Result<String, String> {
    let name = "mychart/templates/test.yaml";
    let values = values
        .map(Value::from_json)
        .unwrap_or_else(Value::empty_map);
    let values = match values {
        Value::Map(m, _) => Value::Map(m, MapType::Named("common.Values")),
        v => v,
    };
    let mut top = Map::new();
    top.insert("Values".into(), values);
    let data = Value::Map(MapRef::new(top), MapType::Any);
    let mut ts = TemplateSet::new(name, funcs, Options::default());
    ts.parse(name, template).map_err(|e| e.to_string())?;
    ts.execute(name, &data)
        .map(|s| s.replace("<no value>", ""))
        .map_err(|e| {
            let g = e.to_go_error();
            g.chain().last().map(|x| x.text.clone()).unwrap_or_default()
        })
}

/// Whether `got` agrees with Helm's `expected` output or `error`: outputs must be equal;
/// for `error calling F: CAUSE` errors the cause must be equal; other errors (argument
/// type errors, which Helm reformats) only need to be errors.
pub fn agrees(expected: Option<&str>, error: Option<&str>, got: &Result<String, String>) -> bool {
    match (expected, error, got) {
        (Some(e), _, Ok(g)) => e == g,
        (_, Some(e), Err(g)) => match e.rfind("error calling ") {
            Some(i) => {
                let rest = &e[i..];
                rest.find(": ").is_some_and(|j| &rest[j + 2..] == g)
            }
            None => true,
        },
        _ => false,
    }
}

/// Runs oracle cases (`id`, `template`, optional `values` or `values: true` for the
/// shared values, `expected` or `error`), skipping those that call functions outside
/// part B. Returns (passed, skipped, failures).
pub fn run_cases(
    funcs: &FuncMap,
    cases: &[serde_json::Value],
    shared_values: Option<&serde_json::Value>,
) -> (usize, usize, Vec<String>) {
    let (mut passed, mut skipped) = (0, 0);
    let mut failures = Vec::new();
    for c in cases {
        let id = c["id"].as_str().unwrap_or("?");
        let tpl = c["template"].as_str().unwrap_or("");
        let all = std::env::var_os("KILN_SPRIG_ALL_FUNCTIONS").is_some();
        // scrypt (N=32768) takes seconds per call in unoptimised builds.
        if tpl.contains("derivePassword")
            && cfg!(debug_assertions)
            && std::env::var_os("KILN_SPRIG_SLOW").is_none()
        {
            skipped += 1;
            continue;
        }
        if !all && !only_b_functions(tpl)
            || tpl.contains(".Capabilities")
            || tpl.contains(".Release")
        {
            skipped += 1;
            continue;
        }
        let values = match c.get("values") {
            Some(serde_json::Value::Bool(true)) => shared_values,
            Some(v) => Some(v),
            None => None,
        };
        let got = render(funcs, tpl, values);
        let expected = c.get("expected").and_then(|v| v.as_str());
        let error = c.get("error").and_then(|v| v.as_str());
        if agrees(expected, error, &got) {
            passed += 1;
        } else {
            failures.push(format!(
                "{id}: {tpl}\n    helm: {:?}\n    kiln: {got:?}",
                expected.or(error)
            ));
        }
    }
    (passed, skipped, failures)
}
