//! A progress bar on standard error while clusters compile, drawn only when standard
//! error is a terminal (never into a pipe, a file or CI logs, never on standard output),
//! only once a compile has run for a moment (short ones never flash a bar), and cleared
//! when the work is done, so it changes no output bytes.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Progress over a number of clusters; a no-op when standard error is not a terminal
/// (or `KILN_NO_PROGRESS` is set).
pub struct Progress {
    bar: Option<ProgressBar>,
    /// Set when the work is done; the bar is made visible only while it is unset.
    finished: Arc<Mutex<bool>>,
}

/// How long a compile runs before the bar appears: short runs never flash one.
const SHOW_AFTER: Duration = Duration::from_millis(300);

impl Progress {
    /// Starts a bar over `clusters` items labelled `what` (`compiling`). Nothing is drawn
    /// unless standard error is a terminal.
    pub fn clusters(clusters: usize, what: &str) -> Progress {
        let wanted = crate::term::stderr_is_terminal()
            && std::env::var_os("KILN_NO_PROGRESS").is_none()
            && clusters > 0;
        let finished = Arc::new(Mutex::new(false));
        if !wanted {
            return Progress {
                bar: None,
                finished,
            };
        }
        // Hidden at first; drawn on stderr once the compile has run for SHOW_AFTER.
        let bar =
            ProgressBar::with_draw_target(Some(clusters as u64), ProgressDrawTarget::hidden());
        // Plain characters only: no colour codes, whatever the terminal.
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} {prefix} {wide_bar} {pos}/{len} clusters ({elapsed}) {msg}",
        ) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix(what.to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        let (shown, done) = (bar.clone(), finished.clone());
        std::thread::spawn(move || {
            std::thread::sleep(SHOW_AFTER);
            // Under the lock Drop takes too: never drawn after it was cleared.
            if let Ok(done) = done.lock() {
                if !*done {
                    shown.set_draw_target(ProgressDrawTarget::stderr_with_hz(10));
                }
            }
        });
        Progress {
            bar: Some(bar),
            finished,
        }
    }

    /// One cluster is done.
    pub fn done(&self, cluster: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(cluster.to_string());
            bar.inc(1);
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        let mut done = self.finished.lock().unwrap_or_else(|e| e.into_inner());
        *done = true;
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_without_a_terminal() {
        // Tests run with standard error captured: never a terminal.
        let p = Progress::clusters(3, "compiling");
        if !crate::term::stderr_is_terminal() {
            assert!(p.bar.is_none());
        }
        p.done("home");
    }
}
