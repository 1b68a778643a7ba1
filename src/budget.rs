//! `--timeout SECS`: a time budget for the whole run.
//!
//! A watchdog thread waits until the budget is spent, then stops the process with exit
//! code 2 and a message naming the budget. It does not wait for the work in flight: a
//! template caught in a long loop cannot delay it. Rendered trees are written beside
//! their destination and swapped in at the end ([`crate::compile::replace_dir`]): a run
//! stopped before the swap removes its partial tree and leaves the destination as it
//! was; once the swap has begun the run is allowed to finish it.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// What the watchdog must know about the tree being written.
struct State {
    /// Directories being filled, removed if the budget runs out.
    partial: Vec<PathBuf>,
    /// The swap into place has begun: the run finishes whatever the budget says.
    committing: bool,
}

static STATE: Mutex<State> = Mutex::new(State {
    partial: Vec::new(),
    committing: false,
});

/// Parses `--timeout`: a positive number of seconds (fractions allowed).
pub fn parse_secs(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 1e9 => Ok(s),
        _ => Err(format!(
            "expected a positive number of seconds, got {text:?}"
        )),
    }
}

/// Starts the watchdog for a budget of `secs` seconds from now.
pub fn start(secs: f64) {
    let deadline = Instant::now() + Duration::from_secs_f64(secs);
    let spawned = std::thread::Builder::new()
        .name("kiln-timeout".into())
        .spawn(move || {
            loop {
                let now = Instant::now();
                if now >= deadline {
                    break;
                }
                std::thread::park_timeout(deadline - now);
            }
            expire(secs);
        });
    if let Err(e) = spawned {
        eprintln!("warning: --timeout is not enforced: cannot start its thread: {e}");
    }
}

fn expire(secs: f64) {
    let state = match STATE.lock() {
        Ok(s) => s,
        Err(p) => p.into_inner(),
    };
    if state.committing {
        return;
    }
    for dir in &state.partial {
        let _ = std::fs::remove_dir_all(dir);
    }
    eprintln!(
        "error: kiln stopped: the run took longer than its time budget of {} (--timeout); nothing was written",
        format_secs(secs)
    );
    std::process::exit(2);
}

fn format_secs(secs: f64) -> String {
    if secs == secs.trunc() {
        format!("{secs:.0} s")
    } else {
        format!("{secs} s")
    }
}

/// Registers `dir` as a partial tree (removed if the budget runs out before
/// [`commit`]).
pub fn writing(dir: &Path) {
    if let Ok(mut s) = STATE.lock() {
        s.partial.push(dir.to_path_buf());
    }
}

/// The partial trees are about to be swapped into place: from now on the run finishes.
/// Returns a guard; while it lives, the watchdog cannot stop the process half-way.
pub fn commit() -> impl Drop {
    struct Guard(std::sync::MutexGuard<'static, State>);
    impl Drop for Guard {
        fn drop(&mut self) {
            self.0.partial.clear();
        }
    }
    let mut guard = match STATE.lock() {
        Ok(s) => s,
        Err(p) => p.into_inner(),
    };
    guard.committing = true;
    Guard(guard)
}
