//! The fast head reading (`kiln_helm::head::scan`) against the full YAML parse
//! (`manifest::document_head_parsed`), which mirrors Helm's `SortManifests`: whenever
//! the fast reading answers, the full parse must succeed with the same head. Checked on
//! every document Helm rendered in `../shared/corpus/expected/` and on random mutations
//! of them (fixed seed), which break indentation, quoting, comments and indicators in
//! the ways that make YAML invalid or ambiguous.

use std::path::{Path, PathBuf};

use kiln_helm::head::scan;
use kiln_helm::manifest::{document_head_parsed, split_manifests_at};

fn corpus_docs() -> Option<Vec<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/expected");
    if !root.is_dir() {
        return None;
    }
    let mut files: Vec<PathBuf> = Vec::new();
    for src in std::fs::read_dir(&root).unwrap() {
        for f in std::fs::read_dir(src.unwrap().path()).unwrap() {
            files.push(f.unwrap().path());
        }
    }
    files.sort();
    let mut docs = Vec::new();
    for f in files {
        let rec: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        let Some(manifests) = rec["manifests"].as_object() else {
            continue;
        };
        for (path, text) in manifests {
            if path.ends_with("NOTES.txt") {
                continue;
            }
            for (_, doc) in split_manifests_at(text.as_str().unwrap_or("")) {
                docs.push(doc.to_string());
            }
        }
    }
    Some(docs)
}

/// `Err` describes a document the fast reading got wrong.
fn agree(doc: &str) -> Result<bool, String> {
    let Some(fast) = scan(doc) else {
        return Ok(false);
    };
    match document_head_parsed(doc) {
        Ok(full) if full == fast => Ok(true),
        Ok(full) => Err(format!(
            "fast {fast:?} but parsed {full:?} for document:\n{doc}"
        )),
        Err((msg, _)) => Err(format!(
            "fast reading accepted a document Helm rejects ({msg}):\n{doc}"
        )),
    }
}

#[test]
fn fast_head_agrees_with_the_parser_on_the_corpus() {
    let Some(docs) = corpus_docs() else {
        eprintln!("SKIPPED: ../shared not found; the head reading was not compared on the corpus");
        return;
    };
    let mut fast = 0;
    for doc in &docs {
        if agree(doc).unwrap_or_else(|e| panic!("{e}")) {
            fast += 1;
        }
    }
    eprintln!(
        "head reading: {fast} of {} corpus documents read fast, the rest parsed",
        docs.len()
    );
    // Most rendered manifests are plain block YAML; a drop here means the fast path
    // stopped applying (a performance regression, not a correctness one).
    assert!(fast * 10 >= docs.len() * 8, "{fast} of {}", docs.len());
}

/// xorshift64*: a fixed, dependency-free random sequence.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const TOKENS: &[&str] = &[
    ":",
    ": ",
    " #",
    "#",
    "- ",
    "-",
    "'",
    "\"",
    "''",
    "\\",
    "|",
    ">",
    "|-",
    "{",
    "}",
    "[",
    "]",
    "{}",
    "[]",
    "&a ",
    "*a",
    "!",
    "? ",
    "%",
    "@",
    "`",
    ",",
    "\t",
    "\n",
    " ",
    "  ",
    "\n  ",
    "\n- ",
    "~",
    "null",
    "yes",
    "1",
    ".inf",
    "-.5",
    "kind: ",
    "metadata:\n  ",
    "\nkind: x",
    "annotations:\n",
    "helm.sh/hook: ",
    "namespace: ",
    "name: ",
    "apiVersion: ",
    "<<: ",
    "Kind: ",
    "\u{e9}",
    "\r",
    "\n...\n",
    "\n---\n",
    "[a, b]",
    ", ",
    "[\"x\", ",
    "[",
    "]",
    ",]",
    "[.inf]",
    "[x: y]",
    "{a: b}",
    "\n  {}\n",
    "~",
    "50-x",
    "0x1F",
    ".nan",
    "2001-12-14",
];

fn mutate(doc: &str, rng: &mut Rng) -> String {
    let mut s = doc.to_string();
    for _ in 0..1 + rng.below(3) {
        let at = {
            let mut i = rng.below(s.len() + 1);
            while !s.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        match rng.below(6) {
            0 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                s.insert_str(at, t);
            }
            1 => {
                let mut end = (at + 1 + rng.below(3)).min(s.len());
                while !s.is_char_boundary(end) {
                    end += 1;
                }
                s.replace_range(at..end, "");
            }
            2 | 3 => {
                // Re-indent one line by -2..=+2 spaces.
                let lines: Vec<&str> = s.split('\n').collect();
                let n = rng.below(lines.len());
                let delta = rng.below(5) as i64 - 2;
                let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
                if delta > 0 {
                    out[n] = format!("{}{}", " ".repeat(delta as usize), out[n]);
                } else {
                    let strip = (-delta) as usize;
                    let have = out[n].len() - out[n].trim_start_matches(' ').len();
                    out[n] = out[n][strip.min(have)..].to_string();
                }
                s = out.join("\n");
            }
            4 => {
                // Duplicate or drop a line.
                let mut lines: Vec<String> = s.split('\n').map(String::from).collect();
                let n = rng.below(lines.len());
                if rng.below(2) == 0 {
                    let l = lines[n].clone();
                    lines.insert(n, l);
                } else if lines.len() > 1 {
                    lines.remove(n);
                }
                s = lines.join("\n");
            }
            _ => s.truncate(at),
        }
    }
    s.trim_start().to_string()
}

#[test]
fn fast_head_agrees_with_the_parser_on_mutated_documents() {
    let Some(docs) = corpus_docs() else {
        eprintln!("SKIPPED: ../shared not found; the head reading was not compared on mutations");
        return;
    };
    // Small documents mutate into more interesting cases per byte parsed.
    let mut small: Vec<&String> = docs.iter().filter(|d| d.len() < 3000).collect();
    small.dedup();
    let mut rng = Rng(0x6b69_6c6e);
    let rounds: usize = std::env::var("KILN_HEAD_MUTATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let (mut fast, mut failures) = (0, Vec::new());
    for _ in 0..rounds {
        let doc = small[rng.below(small.len())];
        let m = mutate(doc, &mut rng);
        match agree(&m) {
            Ok(true) => fast += 1,
            Ok(false) => {}
            Err(e) => failures.push(e),
        }
    }
    eprintln!("head reading: {fast} of {rounds} mutated documents read fast");
    assert!(
        failures.is_empty(),
        "{} disagreements, first: {}",
        failures.len(),
        failures[0]
    );
}

#[test]
#[ignore]
fn print_slow_documents() {
    let docs = corpus_docs().unwrap();
    for d in docs.iter().filter(|d| scan(d).is_none()) {
        let lines: Vec<&str> = d.split('\n').collect();
        let mut n = 1;
        while n <= lines.len() && scan(&lines[..n].join("\n")).is_some() {
            n += 1;
        }
        let at = n.min(lines.len()) - 1;
        println!("SLOW {:?} | {:?}", lines[at.saturating_sub(1)], lines[at]);
    }
}
