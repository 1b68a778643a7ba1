//! The terminal: whether to colour output, decided once for the whole binary the way
//! clap decides it for help and errors (anstream's rules: `NO_COLOR` set to anything
//! non-empty turns colour off and wins over everything; `CLICOLOR_FORCE` turns it on
//! for pipes; otherwise colour only on a terminal whose `TERM` is not `dumb`).

use anstream::ColorChoice;

/// Whether kiln may write ANSI colours to standard output.
pub fn stdout_color() -> bool {
    anstream::AutoStream::choice(&std::io::stdout()) != ColorChoice::Never
}

/// Whether kiln may write ANSI colours to standard error.
pub fn stderr_color() -> bool {
    anstream::AutoStream::choice(&std::io::stderr()) != ColorChoice::Never
}

/// Whether standard error is a terminal (where progress may be drawn).
pub fn stderr_is_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal()
}
