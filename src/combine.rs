//! `kiln combine`: joins the output directories of `kiln compile --shard I/N` runs into
//! the rendered tree of one run.
//!
//! Each shard directory holds, per cluster, the manifests of the Applications the shard
//! owns and `fleet.shard-I-of-N.json`: the shard's view of the cluster (every
//! Application in discovery order, the ones it did not render marked `sharded`) and
//! which of them it owns ([`kiln_argocd::ClusterResult::fragment_json`]). Combining
//! takes each Application's record, objects and `manifest.yaml` from its owner and
//! recomputes the summary, which gives `fleet.json` and the tree byte for byte as one
//! run writes them (tests/shard.rs).

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use kiln_argocd::pyjson::Json;

use crate::compile::replace_dir;

/// One shard's partial `fleet.json` of a cluster.
struct Fragment {
    dir: PathBuf,
    doc: Json,
    owned: Vec<bool>,
}

/// Combines `shards` (the N directories of one `--shard I/N` run set, in any order)
/// into `out`, replaced atomically. Returns a one-line summary.
///
/// # Errors
/// A message naming the directory or file: a missing or duplicate shard, shards of
/// different runs (different counts or Applications), unreadable files.
pub fn combine(shards: &[PathBuf], out: &Path) -> Result<String, String> {
    // cluster → shard index → fragment
    let mut clusters: BTreeMap<String, BTreeMap<u32, Fragment>> = BTreeMap::new();
    let mut count: Option<u32> = None;
    for dir in shards {
        let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut names: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        names.sort();
        for cdir in names.into_iter().filter(|p| p.is_dir()) {
            let cluster = cdir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            for (path, index, n) in fragment_files(&cdir)? {
                if *count.get_or_insert(n) != n {
                    return Err(format!(
                        "{}: a shard of {n}, but other shards are of {}",
                        path.display(),
                        count.unwrap_or(n)
                    ));
                }
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                let doc = Json::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
                let owned = match doc.get("shard").and_then(|s| s.get("owned")) {
                    Some(Json::Arr(a)) => a.iter().map(|b| *b == Json::Bool(true)).collect(),
                    _ => return Err(format!("{}: no shard.owned list", path.display())),
                };
                let frags = clusters.entry(cluster.clone()).or_default();
                if frags.contains_key(&index) {
                    return Err(format!(
                        "{}: shard {index}/{n} of cluster {cluster} given twice",
                        path.display()
                    ));
                }
                frags.insert(
                    index,
                    Fragment {
                        dir: cdir.clone(),
                        doc,
                        owned,
                    },
                );
            }
        }
    }
    let Some(n) = count else {
        return Err("no fleet.shard-I-of-N.json found in the given directories".into());
    };
    let mut combined = Vec::new();
    for (cluster, frags) in &clusters {
        if let Some(missing) = (0..n).find(|i| !frags.contains_key(i)) {
            return Err(format!(
                "cluster {cluster}: shard {missing}/{n} is missing (give all {n} shard directories)"
            ));
        }
        combined.push((cluster.clone(), combine_cluster(cluster, frags)?));
    }
    let apps: usize = combined.iter().map(|(_, c)| c.manifests.len()).sum();
    replace_dir(out, |tmp| {
        for (cluster, c) in &combined {
            let cdir = tmp.join(cluster);
            std::fs::create_dir_all(&cdir)?;
            for (dir, from) in &c.manifests {
                let adir = cdir.join(dir);
                std::fs::create_dir_all(&adir)?;
                std::fs::copy(
                    from.join(dir).join("manifest.yaml"),
                    adir.join("manifest.yaml"),
                )?;
            }
            std::fs::write(cdir.join("fleet.json"), &c.fleet_json)?;
        }
        Ok(())
    })
    .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    Ok(format!(
        "combined {n} shards: {} clusters, {apps} Applications rendered into {}",
        combined.len(),
        out.display()
    ))
}

/// `(path, index, count)` of each `fleet.shard-I-of-N.json` in a cluster directory.
fn fragment_files(cdir: &Path) -> Result<Vec<(PathBuf, u32, u32)>, String> {
    let mut out = Vec::new();
    let entries = std::fs::read_dir(cdir).map_err(|e| format!("{}: {e}", cdir.display()))?;
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = name
            .strip_prefix("fleet.shard-")
            .and_then(|r| r.strip_suffix(".json"))
        else {
            continue;
        };
        let parsed = rest
            .split_once("-of-")
            .and_then(|(i, n)| Some((i.parse().ok()?, n.parse().ok()?)));
        match parsed {
            Some((i, n)) if i < n => out.push((e.path(), i, n)),
            _ => return Err(format!("{}: not a shard file name", e.path().display())),
        }
    }
    out.sort();
    Ok(out)
}

/// One cluster's combined `fleet.json` and where each manifest comes from.
struct Combined {
    fleet_json: String,
    /// `(app dir, shard cluster directory holding it)` in discovery order.
    manifests: Vec<(String, PathBuf)>,
}

fn arr(doc: &Json, key: &str) -> Vec<Json> {
    match doc.get(key) {
        Some(Json::Arr(a)) => a.clone(),
        _ => Vec::new(),
    }
}

fn str_of<'a>(doc: &'a Json, key: &str) -> &'a str {
    match doc.get(key) {
        Some(Json::Str(s)) => s,
        _ => "",
    }
}

fn combine_cluster(cluster: &str, frags: &BTreeMap<u32, Fragment>) -> Result<Combined, String> {
    let first = &frags[&0];
    let apps0 = arr(&first.doc, "applications");
    let views: Vec<(&Fragment, Vec<Json>, Vec<Json>)> = frags
        .values()
        .map(|f| (f, arr(&f.doc, "applications"), arr(&f.doc, "objects")))
        .collect();
    let key = |a: &Json| {
        (
            str_of(a, "namespace").to_string(),
            str_of(a, "name").to_string(),
        )
    };
    for (f, apps, _) in &views {
        if apps.len() != apps0.len()
            || f.owned.len() != apps.len()
            || apps.iter().zip(&apps0).any(|(a, b)| key(a) != key(b))
        {
            return Err(format!(
                "cluster {cluster}: {} lists other Applications than shard 0: the shards come from different sources or kiln versions",
                f.dir.display()
            ));
        }
    }
    let mut applications = Vec::new();
    let mut objects = Vec::new();
    let mut manifests = Vec::new();
    let mut dirs = HashSet::new();
    for (i, app0) in apps0.iter().enumerate() {
        let Some((f, apps, objs)) = views.iter().find(|(f, _, _)| f.owned[i]) else {
            return Err(format!(
                "cluster {cluster}: no shard owns Application {}",
                str_of(app0, "name")
            ));
        };
        let app = &apps[i];
        let (ns, name) = key(app);
        objects.extend(
            objs.iter()
                .filter(|o| str_of(o, "app") == name && str_of(o, "appNamespace") == ns)
                .cloned(),
        );
        let dir = str_of(app, "dir").to_string();
        if str_of(app, "status") == "rendered" && dirs.insert(dir.clone()) {
            manifests.push((dir, f.dir.clone()));
        }
        applications.push(app.clone());
    }
    let appsets = arr(&first.doc, "applicationSets");
    let status_count = |s: &str| {
        applications
            .iter()
            .filter(|a| str_of(a, "status") == s)
            .count()
    };
    let summary = Json::obj()
        .with("applications", applications.len())
        .with("rendered", status_count("rendered"))
        .with("external", status_count("external"))
        .with("errored", status_count("error"))
        .with("applicationSets", appsets.len())
        .with(
            "applicationSetErrors",
            appsets
                .iter()
                .filter(|a| str_of(a, "status") != "expanded")
                .count(),
        )
        .with("objects", objects.len());
    let mut doc = Json::obj();
    for k in ["cluster", "root", "monorepo", "kubeVersion", "apiVersions"] {
        doc.push(k, first.doc.get(k).cloned().unwrap_or(Json::Null));
    }
    let doc = doc
        .with("summary", summary)
        .with("applications", Json::Arr(applications))
        .with("applicationSets", Json::Arr(appsets))
        .with("objects", Json::Arr(objects));
    let mut fleet_json = doc.to_python_string();
    fleet_json.push('\n');
    Ok(Combined {
        fleet_json,
        manifests,
    })
}
