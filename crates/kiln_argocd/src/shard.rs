//! Splitting a fleet between machines: `--shard I/N`.
//!
//! Every Application belongs to exactly one of `N` shards, chosen from its name alone
//! (FNV-1a 64 of the name, modulo `N`), so the split is the same on every machine and
//! every run, and the instances of one app on all clusters land in the same shard (the
//! checks report a finding shared by several clusters once, as a single run does).
//!
//! A shard still walks every cluster's app-of-apps tree, so it knows every Application
//! and the order Argo CD discovers them in; it renders the Applications it owns, and
//! those it does not own only when they could produce child Applications or
//! ApplicationSets (see [`may_produce_argo_objects`]), which every shard needs to
//! discover the rest of the tree. The shards' outputs then combine into the same tree
//! as one run (`kiln combine`).

use std::collections::HashMap;

use kiln_gotmpl::Value;

use crate::files::EntryKind;
use crate::pyjson::Json;
use crate::repo::Repo;
use crate::tree;

/// One shard of `count`: `index` is 0-based (`--shard 0/4` … `--shard 3/4`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Parses `I/N` with `0 <= I < N`.
    ///
    /// # Errors
    /// A message naming what is wrong with the text.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let (i, n) = text
            .split_once('/')
            .ok_or_else(|| format!("invalid shard `{text}`: expected I/N, e.g. 0/4"))?;
        let index: u32 = i
            .trim()
            .parse()
            .map_err(|_| format!("invalid shard `{text}`: `{i}` is not a number"))?;
        let count: u32 = n
            .trim()
            .parse()
            .map_err(|_| format!("invalid shard `{text}`: `{n}` is not a number"))?;
        if count == 0 || index >= count {
            return Err(format!(
                "invalid shard `{text}`: the index counts from 0 and must be below the count (0/{count} … {}/{count})",
                count.max(1) - 1
            ));
        }
        Ok(Shard { index, count })
    }

    /// Whether this shard owns the Application (or chart) called `name`.
    pub fn owns(&self, name: &str) -> bool {
        owner(name, self.count) == self.index
    }

    /// The name of the partial `fleet.json` this shard writes for a cluster.
    pub fn fragment_file(&self) -> String {
        format!("fleet.shard-{}-of-{}.json", self.index, self.count)
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The shard (of `count`) that owns `name`: FNV-1a 64 of its UTF-8 bytes, modulo `count`.
pub fn owner(name: &str, count: u32) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (h % u64::from(count.max(1))) as u32
}

/// The text every Argo CD object kiln follows carries: its `apiVersion` group.
const ARGO_GROUP: &str = "argoproj.io";

/// Whether rendering an Application could yield child Applications or ApplicationSets
/// (objects whose `apiVersion` is in `argoproj.io`, the only ones the walk follows).
///
/// Conservative: true when the `argoproj.io` group (not a subdomain of it such as the
/// `argocd.argoproj.io/` annotations) appears in one of the Application's sources
/// (inline values, parameters, …) or in any file it can read — every file under each in-repo
/// source path (templates, subcharts, values, `.Files`) and every value file it names
/// outside that path. False only when none of them contains the text, which a render
/// cannot then produce short of assembling it from pieces (`printf "%s.io"`), a case
/// this split does not support. `seen` caches directory and file scans for one walk.
pub fn may_produce_argo_objects(
    repo: &Repo,
    sources: &[Value],
    seen: &mut HashMap<String, bool>,
) -> bool {
    for src in sources {
        // Inline values, valuesObject and parameters (the rest of the spec, such as
        // `ignoreDifferences` naming the group, is not a render input).
        if mentions_group(Json::from_value(src).to_python_string().as_bytes()) {
            return true;
        }
        if !tree::get_str(src, &["chart"])
            .unwrap_or_default()
            .is_empty()
        {
            // A chart from a Helm repository or OCI registry is never rendered.
            continue;
        }
        let Some(path) = tree::get_str(src, &["path"]) else {
            continue;
        };
        let Some(dir) = repo.resolve("", &path) else {
            continue;
        };
        if dir_mentions(repo, &dir, seen) {
            return true;
        }
        for file in tree::get_list(src, &["helm", "valueFiles"]).unwrap_or_default() {
            let Some(file) = file.as_str() else { continue };
            let rel = match file.strip_prefix('$') {
                // `$ref/path`: relative to the repository root of the ref'd source.
                Some(r) => r.split_once('/').and_then(|(_, p)| repo.resolve("", p)),
                // Outside the repository (`None`): refused by the render itself.
                None => repo.resolve(&dir, file),
            };
            let Some(rel) = rel else { continue };
            if file_mentions(repo, &rel, seen) {
                return true;
            }
        }
    }
    false
}

fn file_mentions(repo: &Repo, rel: &str, seen: &mut HashMap<String, bool>) -> bool {
    if let Some(&hit) = seen.get(rel) {
        return hit;
    }
    let hit = repo
        .read(rel)
        .map(|bytes| mentions_group(&bytes))
        .unwrap_or(false);
    seen.insert(rel.to_string(), hit);
    hit
}

fn dir_mentions(repo: &Repo, dir: &str, seen: &mut HashMap<String, bool>) -> bool {
    let key = format!("{dir}/");
    if let Some(&hit) = seen.get(&key) {
        return hit;
    }
    let mut hit = false;
    let mut stack = vec![dir.to_string()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = repo.list(&d) else { continue };
        for e in entries {
            let rel = if d.is_empty() {
                e.name.clone()
            } else {
                format!("{d}/{}", e.name)
            };
            let mentions = match e.kind {
                EntryKind::Dir => {
                    stack.push(rel);
                    false
                }
                // Where a link leads is not worth following here: assume the worst.
                EntryKind::Symlink => true,
                EntryKind::File => file_mentions(repo, &rel, seen),
                EntryKind::Other => false,
            };
            if mentions {
                hit = true;
                break;
            }
        }
        if hit {
            break;
        }
    }
    seen.insert(key, hit);
    hit
}

/// Whether `hay` names the `argoproj.io` API group itself: an occurrence not preceded
/// by `.`, so that the annotations charts commonly carry (`argocd.argoproj.io/sync-wave`,
/// `notifications.argoproj.io/…`) do not count.
fn mentions_group(hay: &[u8]) -> bool {
    let needle = ARGO_GROUP.as_bytes();
    hay.windows(needle.len())
        .enumerate()
        .any(|(i, w)| w == needle && (i == 0 || hay[i - 1] != b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        assert_eq!(Shard::parse("1/3"), Ok(Shard { index: 1, count: 3 }));
        assert!(Shard::parse("3/3").is_err());
        assert!(Shard::parse("0/0").is_err());
        assert!(Shard::parse("a/2").is_err());
        assert!(Shard::parse("2").is_err());
    }

    #[test]
    fn every_name_has_exactly_one_owner() {
        for name in ["ollama", "litellm", "open-webui", "cluster-home", ""] {
            let owners = (0..4)
                .filter(|&i| Shard { index: i, count: 4 }.owns(name))
                .count();
            assert_eq!(owners, 1, "{name}");
        }
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c: fixed across machines and releases.
        assert_eq!(owner("a", 1 << 16), 0xec8c);
    }

    #[test]
    fn annotations_do_not_name_the_group() {
        assert!(mentions_group(b"apiVersion: argoproj.io/v1alpha1"));
        assert!(mentions_group(b"argoproj.io"));
        assert!(!mentions_group(b"argocd.argoproj.io/sync-wave: \"1\""));
        assert!(!mentions_group(b"no argo here"));
    }
}
