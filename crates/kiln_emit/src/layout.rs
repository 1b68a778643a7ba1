//! The files of a rendered fleet, per layout.
//!
//! Every function here returns `(path, bytes)` lists sorted by path, with `/`-separated
//! paths relative to the root of the rendered tree. The *canonical* paths always start
//! with the cluster: `<cluster>/<app>/manifest.yaml`, `<cluster>/fleet.json`; a layout
//! decides how they are spread over branches ([`branch_trees`]).

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::str::FromStr;

use kiln_argocd::{ClusterResult, Status};

use crate::EmitError;

/// One file of a rendered tree: its `/`-separated path and its bytes.
pub type RenderedFile = (String, Vec<u8>);

/// How the rendered fleet is laid out on branches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// One branch `NAME` holding `<cluster>/<app>/manifest.yaml` and
    /// `<cluster>/fleet.json` for every cluster (the same tree `kiln compile --out`
    /// writes).
    Single,
    /// One branch per cluster, `NAME/<cluster>`, holding that cluster's
    /// `<app>/manifest.yaml` and `fleet.json`.
    PerCluster,
    /// One branch `NAME` laid out as Argo CD's Source Hydrator writes it:
    /// `<cluster>/<app>/manifest.yaml` (objects re-encoded as the hydrator encodes them),
    /// `hydrator.metadata` and `README.md` beside each, a root `hydrator.metadata` and
    /// `.gitattributes`, and a `refs/notes/hydrator.metadata` note on each commit. See
    /// [`crate::hydrator`].
    Hydrator,
}

impl Layout {
    /// The name used on the command line, in `kiln.toml` and in commit trailers.
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Single => "single",
            Layout::PerCluster => "per-cluster",
            Layout::Hydrator => "hydrator",
        }
    }

    /// Every layout, in documentation order.
    pub const ALL: [Layout; 3] = [Layout::Single, Layout::PerCluster, Layout::Hydrator];
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Layout {
    type Err = String;

    /// Parses `single`, `per-cluster` or `hydrator`.
    fn from_str(s: &str) -> Result<Layout, String> {
        Layout::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .ok_or_else(|| {
                format!("unknown layout {s:?} (expected single, per-cluster or hydrator)")
            })
    }
}

/// The file name of an application's manifests.
pub const MANIFEST_FILE: &str = "manifest.yaml";
/// The file name of a cluster's fleet record.
pub const FLEET_FILE: &str = "fleet.json";

/// The rendered fleet as `kiln compile --out` writes it (and as the `single` and
/// `per-cluster` layouts commit it): `<cluster>/<app>/manifest.yaml` for every rendered
/// Application and `<cluster>/fleet.json` for every cluster, sorted by path.
pub fn rendered_files(results: &[ClusterResult]) -> Vec<RenderedFile> {
    let mut out = Vec::new();
    for r in results {
        let cluster = &r.facts.name;
        for (dir, text) in r.manifests() {
            out.push((
                format!("{cluster}/{dir}/{MANIFEST_FILE}"),
                text.into_bytes(),
            ));
        }
        out.push((
            format!("{cluster}/{FLEET_FILE}"),
            r.fleet_json().into_bytes(),
        ));
    }
    sort_dedup(out)
}

/// The content files of a layout, under canonical paths (cluster first): for `single`
/// and `per-cluster` the [`rendered_files`]; for `hydrator` every rendered Application's
/// `manifest.yaml` re-encoded as Argo CD's hydrator writes it (no `fleet.json`; the
/// metadata files are added when committing, see [`crate::hydrator`]).
///
/// Errors only when an object cannot be encoded (see
/// [`crate::hydrator::hydrated_manifest`]).
pub fn layout_files(
    results: &[ClusterResult],
    layout: Layout,
) -> Result<Vec<RenderedFile>, EmitError> {
    match layout {
        Layout::Single | Layout::PerCluster => Ok(rendered_files(results)),
        Layout::Hydrator => {
            let mut out = Vec::new();
            for r in results {
                let mut seen = HashSet::new();
                for app in &r.apps {
                    if app.status != Status::Rendered || !seen.insert(app.dir.clone()) {
                        continue;
                    }
                    let text = crate::hydrator::hydrated_manifest(&app.docs).map_err(|m| {
                        EmitError::Usage(format!("{}/{}: {m}", r.facts.name, app.dir))
                    })?;
                    out.push((
                        format!("{}/{}/{MANIFEST_FILE}", r.facts.name, app.dir),
                        text.into_bytes(),
                    ));
                }
            }
            Ok(sort_dedup(out))
        }
    }
}

/// The files one branch holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BranchTree {
    /// The branch name (without `refs/heads/`): `NAME`, or `NAME/<cluster>` for
    /// `per-cluster`.
    pub branch: String,
    /// The cluster the branch holds (`per-cluster` only).
    pub cluster: Option<String>,
    /// The branch's files, paths relative to the branch root, sorted.
    pub files: Vec<RenderedFile>,
}

/// Spreads canonical files over the branches of `layout`: one branch `name` holding
/// them all (`single`, `hydrator`), or one branch `name/<cluster>` per cluster holding
/// that cluster's files without the cluster prefix (`per-cluster`; `clusters` lists
/// every compiled cluster so that a cluster without files still gets its branch).
pub fn branch_trees(
    name: &str,
    layout: Layout,
    clusters: &[String],
    files: &[RenderedFile],
) -> Vec<BranchTree> {
    match layout {
        Layout::Single | Layout::Hydrator => vec![BranchTree {
            branch: name.to_string(),
            cluster: None,
            files: sort_dedup(files.to_vec()),
        }],
        Layout::PerCluster => {
            let mut by: BTreeMap<String, Vec<RenderedFile>> =
                clusters.iter().map(|c| (c.clone(), Vec::new())).collect();
            for (path, bytes) in files {
                if let Some((cluster, rest)) = path.split_once('/') {
                    by.entry(cluster.to_string())
                        .or_default()
                        .push((rest.to_string(), bytes.clone()));
                }
            }
            by.into_iter()
                .map(|(cluster, files)| BranchTree {
                    branch: format!("{name}/{cluster}"),
                    cluster: Some(cluster),
                    files: sort_dedup(files),
                })
                .collect()
        }
    }
}

/// Sorts by path; of two files with the same path the first is kept.
pub(crate) fn sort_dedup(mut files: Vec<RenderedFile>) -> Vec<RenderedFile> {
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files.dedup_by(|b, a| a.0 == b.0);
    files
}

/// Splits a canonical path into `(cluster, app, file)`: `home/ollama/manifest.yaml` →
/// `("home", Some("ollama"), "manifest.yaml")`, `home/fleet.json` → `("home", None,
/// "fleet.json")`, a root file → `("", None, name)`.
pub fn split_path(path: &str) -> (&str, Option<&str>, &str) {
    let mut parts = path.splitn(3, '/');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(c), Some(a), Some(f)) => (c, Some(a), f),
        (Some(c), Some(f), None) => (c, None, f),
        (Some(f), None, None) => ("", None, f),
        _ => ("", None, path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(p: &str) -> RenderedFile {
        (p.to_string(), p.as_bytes().to_vec())
    }

    #[test]
    fn layouts_parse_and_print() {
        for l in Layout::ALL {
            assert_eq!(l.as_str().parse::<Layout>(), Ok(l));
        }
        assert!("flat".parse::<Layout>().is_err());
    }

    #[test]
    fn per_cluster_strips_the_cluster() {
        let files = vec![f("lab/x/manifest.yaml"), f("home/fleet.json")];
        let b = branch_trees(
            "rendered",
            Layout::PerCluster,
            &["home".into(), "lab".into(), "empty".into()],
            &files,
        );
        let names: Vec<_> = b.iter().map(|t| t.branch.as_str()).collect();
        assert_eq!(names, ["rendered/empty", "rendered/home", "rendered/lab"]);
        assert!(b[0].files.is_empty());
        assert_eq!(b[1].files[0].0, "fleet.json");
        assert_eq!(b[2].files[0].0, "x/manifest.yaml");
    }

    #[test]
    fn paths_split() {
        assert_eq!(split_path("a/b/c/d"), ("a", Some("b"), "c/d"));
        assert_eq!(split_path("a/f"), ("a", None, "f"));
        assert_eq!(split_path("f"), ("", None, "f"));
    }
}
