//! Helm v4 chart rendering on kiln's Go template engine.
//!
//! [`loader`] reads charts (directories and `.tgz`, `.helmignore`), [`values`]
//! coalesces values as Helm does, [`deps`] applies dependency conditions, tags, aliases
//! and `import-values`, [`engine`] renders every template with Sprig and Helm's
//! functions ([`funcs`], [`files`], [`caps`]), and [`manifest`] turns the output into
//! Helm's install-ordered manifest stream. [`template`] does all of it, like
//! `helm template`.

pub mod caps;
pub mod chart;
pub mod deps;
pub mod engine;
pub mod error;
pub mod files;
pub mod funcs;
pub mod glob;
pub mod head;
pub mod ignore;
pub mod loader;
pub mod manifest;
pub mod schema;
pub mod strvals;
pub mod template;
pub mod values;
pub mod yaml;

pub use caps::Capabilities;
pub use chart::Chart;
pub use engine::{render, RenderOptions};
pub use error::{ErrorKind, HelmError};
pub use template::{template, TemplateOptions, TemplateOutput};
