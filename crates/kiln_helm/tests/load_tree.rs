//! `loader::load_tree` (charts from any [`ChartTree`]) loads the same [`Chart`] as
//! `loader::load_dir` for the same content: every fixture chart of `tests/charts/` and,
//! when `../shared` is present, every chart of the public corpus, read through a plain
//! file-system `ChartTree`, plus `.helmignore` and symlink cases.

use std::path::{Path, PathBuf};

use kiln_helm::loader::{self, ChartEntry, ChartEntryKind, ChartTree};

/// A chart directory on disk, symlinks followed (like `load_dir`), dangling ones left
/// out.
struct Disk(PathBuf);

impl ChartTree for Disk {
    fn entries(&self, dir: &str) -> Result<Vec<ChartEntry>, String> {
        let full = self.0.join(dir);
        let mut out = Vec::new();
        for e in std::fs::read_dir(&full).map_err(|e| format!("{dir}: {e}"))? {
            let e = e.map_err(|e| e.to_string())?;
            let Ok(md) = std::fs::metadata(e.path()) else {
                continue;
            };
            let kind = if md.is_dir() {
                ChartEntryKind::Dir
            } else if md.is_file() {
                ChartEntryKind::File { size: md.len() }
            } else {
                ChartEntryKind::Irregular
            };
            out.push(ChartEntry {
                name: e.file_name().to_string_lossy().into_owned(),
                kind,
            });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        std::fs::read(self.0.join(path)).map_err(|e| e.to_string())
    }
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every directory under `dir` holding a `Chart.yaml`, not descending into charts.
fn chart_dirs(dir: &Path, out: &mut Vec<PathBuf>) {
    if dir.join("Chart.yaml").is_file() {
        out.push(dir.to_path_buf());
        return;
    }
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut subs: Vec<PathBuf> = rd
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    subs.sort();
    for s in subs {
        chart_dirs(&s, out);
    }
}

fn same(dir: &Path) {
    let a = loader::load_dir(dir);
    let b = loader::load_tree(&Disk(dir.to_path_buf()));
    assert_eq!(
        format!("{a:?}"),
        format!("{b:?}"),
        "{}: load_tree differs from load_dir",
        dir.display()
    );
}

#[test]
fn fixture_charts_load_identically() {
    let mut dirs = Vec::new();
    chart_dirs(&manifest_dir().join("tests/charts"), &mut dirs);
    assert!(!dirs.is_empty());
    for d in &dirs {
        same(d);
    }
}

#[test]
fn corpus_charts_load_identically() {
    let corpus = manifest_dir().join("../../../shared/corpus/charts");
    if !corpus.is_dir() {
        eprintln!("SKIPPED: ../shared/corpus/charts not present");
        return;
    }
    let mut dirs = Vec::new();
    chart_dirs(&corpus, &mut dirs);
    assert!(dirs.len() > 100, "{} charts", dirs.len());
    for d in &dirs {
        same(d);
    }
}

#[test]
fn helmignore_and_symlinks() {
    let tmp = std::env::temp_dir().join(format!("kiln-load-tree-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let chart = tmp.join("c");
    for (p, c) in [
        ("Chart.yaml", "apiVersion: v2\nname: c\nversion: 1.0.0\n"),
        ("values.yaml", "a: 1\n"),
        (".helmignore", "ignored/\n*.bak\n"),
        ("templates/cm.yaml", "kind: ConfigMap\n"),
        ("templates/.hidden.yaml", "x\n"),
        ("ignored/x.txt", "x\n"),
        ("files/a.bak", "x\n"),
        ("files/keep.txt", "x\n"),
        ("files/bom.txt", "\u{feff}text\n"),
        (
            "charts/sub/Chart.yaml",
            "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
        ),
        ("charts/sub/templates/a.yaml", "a\n"),
    ] {
        let f = chart.join(p);
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(f, c).unwrap();
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("../templates", chart.join("files/linked")).unwrap();
        std::os::unix::fs::symlink("nowhere", chart.join("files/dangling")).unwrap();
    }
    same(&chart);
    let c = loader::load_tree(&Disk(chart.clone())).unwrap();
    let names: Vec<&str> = c.files.iter().map(|f| f.name.as_str()).collect();
    assert!(names.contains(&"files/keep.txt"));
    assert!(!names.contains(&"files/a.bak"));
    assert!(!names.iter().any(|n| n.starts_with("ignored/")));
    #[cfg(unix)]
    assert!(names.contains(&"files/linked/cm.yaml"));
    assert_eq!(c.templates.len(), 1);
    assert_eq!(c.dependencies.len(), 1);
    let _ = std::fs::remove_dir_all(&tmp);
}
