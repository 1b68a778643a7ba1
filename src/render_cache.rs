//! The render cache on the command line: `--no-cache`, `--cache-dir DIR`, `--stats`
//! (shared by every command that compiles), and the `kiln: N renders, M from cache`
//! line. The cache itself is [`kiln_argocd::cache`].

use std::path::{Path, PathBuf};

use kiln_argocd::cache::{StatsSnapshot, DEFAULT_DIR};

/// Environment variable naming the cache directory (below `--cache-dir`).
pub const CACHE_DIR_ENV: &str = "KILN_CACHE_DIR";
/// Environment variable that turns the cache off when set to a non-empty value other
/// than `0` (like `--no-cache`).
pub const NO_CACHE_ENV: &str = "KILN_NO_CACHE";

/// The render cache options of a command.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct CacheArgs {
    /// Render everything: neither read nor write the render cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Render cache directory (default: $KILN_CACHE_DIR, else .kiln/cache in the
    /// repository).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Print on stderr how many Helm renders there were and how many came from the
    /// cache.
    #[arg(long)]
    pub stats: bool,
}

impl CacheArgs {
    /// The cache directory for the repository at `repo`, `None` when caching is off.
    pub fn dir(&self, repo: &Path) -> Option<PathBuf> {
        if self.no_cache || cache_disabled_by_env() {
            return None;
        }
        if let Some(d) = &self.cache_dir {
            return Some(d.clone());
        }
        Some(env_cache_dir().unwrap_or_else(|| repo.join(DEFAULT_DIR)))
    }

    /// Prints the stats line on stderr when `--stats` was given.
    pub fn report(&self, stats: StatsSnapshot) {
        if self.stats {
            eprintln!("{}", stats_line(stats));
        }
    }
}

/// Whether `$KILN_NO_CACHE` turns the cache off (set, non-empty, not `0`).
fn cache_disabled_by_env() -> bool {
    std::env::var(NO_CACHE_ENV).is_ok_and(|v| !v.is_empty() && v != "0")
}

/// The cache directory `$KILN_CACHE_DIR` names (non-empty), unless `$KILN_NO_CACHE`
/// turns the cache off.
pub fn env_cache_dir() -> Option<PathBuf> {
    if cache_disabled_by_env() {
        return None;
    }
    std::env::var_os(CACHE_DIR_ENV)
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
}

/// `kiln: 10010 renders, 9677 from cache (333 rendered, 333 stored)`.
pub fn stats_line(s: StatsSnapshot) -> String {
    format!(
        "kiln: {} renders, {} from cache ({} rendered, {} stored)",
        s.renders,
        s.from_cache,
        s.executed(),
        s.stored
    )
}

/// Reads a [`stats_line`] back: `(renders, from cache)`.
pub fn parse_stats_line(line: &str) -> Option<(u64, u64)> {
    let rest = line.trim().strip_prefix("kiln: ")?;
    let (renders, rest) = rest.split_once(" renders, ")?;
    let (hits, _) = rest.split_once(" from cache")?;
    Some((renders.parse().ok()?, hits.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_line_round_trips() {
        let s = StatsSnapshot {
            renders: 12,
            from_cache: 5,
            stored: 7,
        };
        assert_eq!(
            stats_line(s),
            "kiln: 12 renders, 5 from cache (7 rendered, 7 stored)"
        );
        assert_eq!(parse_stats_line(&stats_line(s)), Some((12, 5)));
    }
}
