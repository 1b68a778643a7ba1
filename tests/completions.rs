//! The command line around the commands: shell completions, the man page, examples in
//! every `--help`, and `NO_COLOR`.

mod common;

use std::process::{Command, Output, Stdio};

use common::{kiln, repo_root, temp_dir};

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Runs kiln with extra environment variables (colour ones removed first).
fn kiln_env(args: &[&str], cwd: &std::path::Path, env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kiln"))
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE")
        .envs(env.iter().copied())
        .current_dir(cwd)
        .stdin(Stdio::null())
        .output()
        .expect("run kiln")
}

/// The subcommands listed in a `--help` text's `Commands:` section (without `help`).
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter(|l| l.len() > 2 && !l[2..].starts_with(' '))
        .filter_map(|l| l.split_whitespace().next().map(String::from))
        .filter(|c| c != "help")
        .collect()
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = kiln(&["completions", shell], &repo_root());
        assert!(out.status.success(), "{shell}: {}", text(&out.stderr));
        let script = text(&out.stdout);
        assert!(script.len() > 500, "{shell}: completion script too short");
        for sub in [
            "compile",
            "template",
            "check",
            "diff",
            "cmp",
            "generate",
            "completions",
        ] {
            assert!(script.contains(sub), "{shell}: no {sub}");
        }
        assert!(
            script.contains("format") && script.contains("fail-on"),
            "{shell}: no flags"
        );
    }
    let out = kiln(&["completions", "tcsh"], &repo_root());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn man_pages() {
    let out = kiln(&["man"], &repo_root());
    assert!(out.status.success());
    let page = text(&out.stdout);
    assert!(
        page.starts_with(".ie") || page.contains(".TH kiln"),
        "{}",
        &page[..page.len().min(200)]
    );
    assert!(page.contains("compile") && page.contains("cmp"));
    let dir = temp_dir("man");
    let out = kiln(&["man", "--out-dir", dir.to_str().unwrap()], &repo_root());
    assert!(out.status.success(), "{}", text(&out.stderr));
    for f in [
        "kiln.1",
        "kiln-compile.1",
        "kiln-cmp.1",
        "kiln-cmp-generate.1",
    ] {
        assert!(dir.join(f).is_file(), "{f} not written");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_command_has_examples_in_its_help() {
    let top = text(&kiln(&["--help"], &repo_root()).stdout);
    let mut queue: Vec<Vec<String>> = subcommands(&top).into_iter().map(|c| vec![c]).collect();
    assert!(queue.len() >= 7, "{top}");
    let mut seen = 0;
    while let Some(path) = queue.pop() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let out = kiln(&args, &repo_root());
        assert!(out.status.success(), "{path:?}");
        let help = text(&out.stdout);
        assert!(
            help.contains("Examples:"),
            "`kiln {} --help` has no examples:\n{help}",
            path.join(" ")
        );
        for sub in subcommands(&help) {
            let mut p = path.clone();
            p.push(sub);
            queue.push(p);
        }
        seen += 1;
    }
    assert!(seen >= 9);
}

#[test]
fn no_color_is_honoured() {
    let root = repo_root();
    // clap's help is coloured when forced...
    let forced = kiln_env(&["check", "--help"], &root, &[("CLICOLOR_FORCE", "1")]);
    assert!(
        forced.stdout.contains(&0x1b),
        "CLICOLOR_FORCE should colour the help"
    );
    // ...and NO_COLOR wins, for help, usage errors, check reports and template errors.
    let no = [("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")];
    let help = kiln_env(&["check", "--help"], &root, &no);
    assert!(!help.stdout.contains(&0x1b));
    let usage = kiln_env(&["check", "--formatt"], &root, &no);
    assert_eq!(usage.status.code(), Some(2));
    assert!(!usage.stderr.contains(&0x1b));

    // A repository with findings: coloured when forced, plain with NO_COLOR.
    let dir = temp_dir("no-color");
    for part in ["kiln.toml", "charts", "roles", "clusters", "schemas"] {
        let from = root.join(part);
        if from.is_dir() {
            common::copy_tree(&from, &dir.join(part));
        } else {
            std::fs::copy(&from, dir.join(part)).unwrap();
        }
    }
    common::copy_tree(&root.join("tests/bad-ai-chart"), &dir.join("charts/ai/bad"));
    let colored = kiln_env(&["check", "."], &dir, &[("CLICOLOR_FORCE", "1")]);
    assert_eq!(colored.status.code(), Some(1), "{}", text(&colored.stderr));
    assert!(
        colored.stdout.contains(&0x1b),
        "forced colour should colour the report"
    );
    let plain = kiln_env(&["check", "."], &dir, &no);
    assert_eq!(plain.status.code(), Some(1));
    assert!(!plain.stdout.contains(&0x1b) && !plain.stderr.contains(&0x1b));
    assert!(text(&plain.stdout).contains("GPU"));

    // A template error (miette report on stderr).
    let tpl = dir.join("charts/ai/ollama/templates/service.yaml");
    let t = std::fs::read_to_string(&tpl).unwrap();
    std::fs::write(&tpl, format!("{t}\n{{{{ if }}}}\n")).unwrap();
    let err = kiln_env(&["template", "charts/ai/ollama"], &dir, &no);
    assert_eq!(err.status.code(), Some(2));
    assert!(text(&err.stderr).contains("service.yaml"));
    assert!(!err.stderr.contains(&0x1b) && !err.stdout.contains(&0x1b));
    // Without a terminal there is no progress bar either: stderr of a good compile is
    // empty and stdout is the summary only.
    std::fs::write(&tpl, t).unwrap();
    let out = dir.join("out");
    let compiled = kiln_env(&["compile", ".", "--out", out.to_str().unwrap()], &dir, &[]);
    assert!(compiled.status.success(), "{}", text(&compiled.stderr));
    assert!(!compiled.stderr.contains(&0x1b) && !compiled.stdout.contains(&0x1b));
    assert!(
        !text(&compiled.stderr).contains("clusters ("),
        "no progress bar without a terminal"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
