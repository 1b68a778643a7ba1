//! Isolation of one Application from the rest of its fleet: rendering its sources or
//! expanding an ApplicationSet runs under [`std::panic::catch_unwind`], so a bug in kiln
//! that panics on some input fails that Application (or ApplicationSet) with an error
//! and the walk goes on; and an Application's rendered output is bounded
//! ([`MAX_APP_OUTPUT_BYTES`]).

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use kiln_gotmpl::Value;

use crate::appset::{self, ExpandContext, Expansion};
use crate::source::{self, AppContext, Rendered};

/// The most rendered manifest text one Application may produce (all its sources'
/// documents together): 256 MiB. Argo CD has no such limit, but nothing that large can
/// be applied (etcd's request limit is 1.5 MiB per object).
pub const MAX_APP_OUTPUT_BYTES: usize = 256 << 20;

/// [`source::render_sources`], with a panic turned into an error of this Application
/// and output over [`MAX_APP_OUTPUT_BYTES`] refused.
pub fn render_sources(ctx: &AppContext<'_>, sources: &[Value]) -> Rendered {
    let r = catch_unwind(AssertUnwindSafe(|| {
        debug_panic_trigger(ctx.app_name);
        source::render_sources(ctx, sources)
    }));
    let mut rendered = match r {
        Ok(r) => r,
        Err(payload) => {
            return Rendered {
                errors: vec![panic_error("rendering this Application", &payload)],
                ..Rendered::default()
            }
        }
    };
    let total: usize = rendered.docs.iter().map(|d| d.text.len()).sum();
    if total > MAX_APP_OUTPUT_BYTES {
        rendered.docs.clear();
        rendered.errors.push(format!(
            "the Application's rendered output ({} MiB) exceeds kiln's limit of {} MiB",
            total >> 20,
            MAX_APP_OUTPUT_BYTES >> 20
        ));
    }
    rendered
}

/// [`appset::expand`], with a panic turned into an error of this ApplicationSet (no
/// Applications generated).
pub fn expand(appset: &Value, namespace: &str, ctx: &ExpandContext<'_>) -> Expansion {
    match catch_unwind(AssertUnwindSafe(|| appset::expand(appset, namespace, ctx))) {
        Ok(e) => e,
        Err(payload) => Expansion {
            errors: vec![panic_error("expanding this ApplicationSet", &payload)],
            ..Expansion::default()
        },
    }
}

/// The error recorded for a caught panic.
fn panic_error(what: &str, payload: &Box<dyn Any + Send>) -> String {
    let msg = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    format!("internal error: kiln panicked while {what}: {msg} (a bug in kiln: please report it)")
}

/// Debug builds only: `KILN_DEBUG_PANIC_APP=<name>` makes rendering the Application
/// `name` panic, so tests can prove that a panic stays inside its Application.
fn debug_panic_trigger(app: &str) {
    #[cfg(debug_assertions)]
    if std::env::var("KILN_DEBUG_PANIC_APP").is_ok_and(|n| n == app) {
        panic!("KILN_DEBUG_PANIC_APP test trigger for {app}");
    }
    #[cfg(not(debug_assertions))]
    let _ = app;
}
