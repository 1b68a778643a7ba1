//! `kiln completions SHELL` (clap_complete), `kiln man` (clap_mangen) and
//! `kiln check-args` (parse a command line with the real definition, run nothing: what
//! the CI examples' test uses). They take the binary's [`clap::Command`] from `main.rs`.

use std::io::Write;

use clap_complete::Shell;

/// `kiln completions SHELL`.
#[derive(clap::Args, Debug)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// `kiln man`.
#[derive(clap::Args, Debug)]
pub struct ManArgs {
    /// Write one page per command (kiln.1, kiln-compile.1, kiln-cmp-generate.1, ...)
    /// into this directory instead of printing kiln.1 on stdout.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<std::path::PathBuf>,
}

/// `kiln check-args -- ARGS...`.
#[derive(clap::Args, Debug)]
pub struct CheckArgsArgs {
    /// A kiln command line without the leading `kiln`.
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "ARGS"
    )]
    pub args: Vec<String>,
}

/// The completion script of `shell` for `cmd`.
pub fn completions(shell: Shell, cmd: &mut clap::Command) -> Vec<u8> {
    let mut out = Vec::new();
    let name = cmd.get_name().to_string();
    clap_complete::generate(shell, cmd, name, &mut out);
    out
}

/// The man page of `cmd` (roff), its subcommands listed.
pub fn man_page(cmd: clap::Command) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut out)?;
    Ok(out)
}

/// Writes the man pages of `cmd` and every subcommand into `dir`.
pub fn man_pages(cmd: clap::Command, dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    clap_mangen::generate_to(cmd, dir)
}

/// Runs `kiln completions`.
pub fn run_completions(args: &CompletionsArgs, mut cmd: clap::Command) -> u8 {
    let script = completions(args.shell, &mut cmd);
    write_stdout(&script)
}

/// Runs `kiln man`.
pub fn run_man(args: &ManArgs, cmd: clap::Command) -> u8 {
    let result = match &args.out_dir {
        Some(dir) => man_pages(cmd, dir).map(|()| Vec::new()),
        None => man_page(cmd),
    };
    match result {
        Ok(page) => write_stdout(&page),
        Err(e) => {
            eprintln!("error: cannot write the man page: {e}");
            2
        }
    }
}

/// Runs `kiln check-args`: exit 0 when `kiln ARGS...` parses (nothing is run), else
/// clap's error on stderr and exit 2.
pub fn run_check_args(args: &CheckArgsArgs, cmd: clap::Command) -> u8 {
    let argv = std::iter::once("kiln".to_string()).chain(args.args.iter().cloned());
    match cmd.try_get_matches_from(argv) {
        Ok(_) => 0,
        Err(e)
            if matches!(
                e.kind(),
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion
            ) =>
        {
            0
        }
        Err(e) => {
            let _ = e.print();
            2
        }
    }
}

fn write_stdout(bytes: &[u8]) -> u8 {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => 0,
        // A closed pipe (`kiln man | head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}
