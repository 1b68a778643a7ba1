//! The CI examples of docs/ci (GitHub Actions, GitLab CI) and the Argo CD plugin files
//! only run kiln command lines that kiln accepts: every `kiln ...` command of their
//! `run:`/`script:` steps is parsed by the binary's real clap definition
//! (`kiln check-args -- ARGS`, which runs nothing), so renaming a subcommand or a flag
//! breaks this test until the examples follow.

mod common;

use std::path::Path;

use common::{kiln, repo_root};
use kiln_gotmpl::Value;

/// Every shell script of a CI file: the strings under `run`, `script`,
/// `before_script` and `after_script` keys, anywhere in the document.
fn scripts(yaml: &str) -> Vec<String> {
    fn walk(v: &Value, key: Option<&str>, out: &mut Vec<String>) {
        let is_script = matches!(
            key,
            Some("run" | "script" | "before_script" | "after_script")
        );
        match v {
            Value::String(s) if is_script => out.push(s.to_string()),
            _ if v.as_list().is_some() => {
                for item in v.as_list().unwrap_or_default() {
                    walk(item, if is_script { key } else { None }, out);
                }
            }
            _ => {
                if let Some(m) = v.as_map_ref() {
                    for (k, child) in m.snapshot().iter() {
                        walk(child, Some(k.as_ref()), out);
                    }
                }
            }
        }
    }
    let doc = kiln_encoding::yaml_to_value(yaml).expect("the CI file is YAML");
    let mut out = Vec::new();
    walk(&doc, None, &mut out);
    out
}

/// A shell word or operator.
#[derive(Debug, PartialEq)]
enum Tok {
    Word(String),
    Op(String),
}

/// Splits a line of POSIX shell into words (quotes removed, `$VAR` kept as written)
/// and operators (`|`, `||`, `&&`, `;`, redirections).
fn tokenize(line: &str) -> Vec<Tok> {
    let mut toks = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    let flush = |word: &mut String, in_word: &mut bool, toks: &mut Vec<Tok>| {
        if *in_word {
            toks.push(Tok::Word(std::mem::take(word)));
            *in_word = false;
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    word.push(c);
                }
            }
            '"' => {
                in_word = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => word.extend(chars.next()),
                        _ => word.push(c),
                    }
                }
            }
            '#' if !in_word => break,
            c if c.is_whitespace() => flush(&mut word, &mut in_word, &mut toks),
            '|' | '&' | ';' | '>' | '<' => {
                // `2>` and `2>&1`: a file descriptor before a redirection.
                if (c == '>' || c == '<') && in_word && word.chars().all(|d| d.is_ascii_digit()) {
                    word.clear();
                    in_word = false;
                } else {
                    flush(&mut word, &mut in_word, &mut toks);
                }
                let mut op = c.to_string();
                while let Some(&n) = chars.peek() {
                    if matches!(n, '|' | '&' | '>') && op.len() < 2 {
                        op.push(n);
                        chars.next();
                    } else {
                        break;
                    }
                }
                toks.push(Tok::Op(op));
            }
            '\\' => {
                in_word = true;
                word.extend(chars.next());
            }
            _ => {
                in_word = true;
                word.push(c);
            }
        }
    }
    flush(&mut word, &mut in_word, &mut toks);
    toks
}

/// The argument lists (without `kiln`) of every kiln command in `script`.
fn kiln_commands(script: &str) -> Vec<Vec<String>> {
    let joined = script.replace("\\\n", " ");
    let mut out = Vec::new();
    for line in joined.lines() {
        let mut cmd: Vec<String> = Vec::new();
        let mut skip_next = false;
        let mut finish = |cmd: &mut Vec<String>| {
            // Leading `VAR=value`, `!`, and shell keywords are not the command.
            let start = cmd
                .iter()
                .position(|w| {
                    !(w.contains('=') && !w.starts_with('-')
                        || matches!(w.as_str(), "!" | "if" | "then" | "else" | "do" | "time"))
                })
                .unwrap_or(cmd.len());
            if cmd.get(start).map(String::as_str) == Some("kiln") {
                out.push(cmd[start + 1..].to_vec());
            }
            cmd.clear();
        };
        for t in tokenize(line) {
            match t {
                Tok::Word(w) if skip_next => {
                    skip_next = false;
                    let _ = w;
                }
                Tok::Word(w) => cmd.push(w),
                Tok::Op(op) if op.starts_with('>') || op.starts_with('<') => {
                    // A redirection's target (`> file`, `>&1`) is not an argument.
                    skip_next = true;
                }
                Tok::Op(_) => finish(&mut cmd),
            }
        }
        finish(&mut cmd);
    }
    out
}

/// Checks every kiln command of `file`; returns them.
fn check_file(file: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(file).unwrap();
    let commands: Vec<Vec<String>> = scripts(&text)
        .iter()
        .flat_map(|s| kiln_commands(s))
        .collect();
    for args in &commands {
        let mut argv = vec!["check-args", "--"];
        argv.extend(args.iter().map(String::as_str));
        let out = kiln(&argv, &repo_root());
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: `kiln {}` is not a valid kiln command line:\n{}",
            file.display(),
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    commands
}

fn has(commands: &[Vec<String>], words: &[&str]) -> bool {
    commands
        .iter()
        .any(|c| words.iter().all(|w| c.iter().any(|a| a == w)))
}

#[test]
fn tokenizer() {
    assert_eq!(
        kiln_commands("kiln diff \"$BASE\" HEAD --format markdown > comment.md"),
        [vec!["diff", "$BASE", "HEAD", "--format", "markdown"]]
    );
    assert_eq!(
        kiln_commands("git fetch x || true  # comment\nFOO=1 kiln compile --branch r && git push\nif kiln check 2>&1 | tee log; then :; fi"),
        [vec!["compile", "--branch", "r"], vec!["check"]]
    );
    assert_eq!(
        kiln_commands("kiln check \\\n  --format sarif >kiln.sarif"),
        [vec!["check", "--format", "sarif"]]
    );
}

#[test]
fn github_actions_example() {
    let cmds = check_file(&repo_root().join("docs/ci/github-actions.yml"));
    assert!(has(&cmds, &["check", "--format", "github"]), "{cmds:?}");
    assert!(has(&cmds, &["check", "--format", "sarif"]), "{cmds:?}");
    assert!(has(&cmds, &["diff", "--format", "markdown"]), "{cmds:?}");
    assert!(has(&cmds, &["compile", "--branch"]), "{cmds:?}");
    let text = std::fs::read_to_string(repo_root().join("docs/ci/github-actions.yml")).unwrap();
    assert!(text.contains("github/codeql-action/upload-sarif"));
}

#[test]
fn gitlab_ci_example() {
    let cmds = check_file(&repo_root().join("docs/ci/gitlab-ci.yml"));
    assert!(has(&cmds, &["check", "--format", "sarif"]), "{cmds:?}");
    assert!(has(&cmds, &["check", "--format", "json"]), "{cmds:?}");
    assert!(has(&cmds, &["diff", "--format", "markdown"]), "{cmds:?}");
    assert!(has(&cmds, &["compile", "--branch"]), "{cmds:?}");
    let text = std::fs::read_to_string(repo_root().join("docs/ci/gitlab-ci.yml")).unwrap();
    assert!(text.contains("codequality:"));
}

#[test]
fn argo_cd_plugin_commands_parse() {
    // plugin.yaml's generate/discover lists are not shell scripts; check them directly.
    for sub in ["generate", "discover"] {
        let out = kiln(&["check-args", "--", "cmp", sub], &repo_root());
        assert_eq!(out.status.code(), Some(0));
    }
}

#[test]
fn a_renamed_flag_or_subcommand_is_caught() {
    for bad in [
        &["check", "--formatt", "github"][..],
        &["check", "--format", "gitlab"],
        &["difff", "origin/main"],
        &["compile", "--brnch", "rendered"],
    ] {
        let mut argv = vec!["check-args", "--"];
        argv.extend_from_slice(bad);
        let out = kiln(&argv, &repo_root());
        assert_eq!(out.status.code(), Some(2), "{bad:?} was accepted");
        assert!(!out.stderr.is_empty());
    }
}
