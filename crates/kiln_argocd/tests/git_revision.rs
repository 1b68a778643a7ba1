//! Reading the monorepo from a Git revision ([`GitTree`]) against reading the working
//! tree ([`DiskTree`]): charts load into identical `Chart`s (every chart of
//! `../shared/corpus/charts`), the git generators see the revision's tracked files only,
//! symlinks resolve inside the repository and are refused when they leave it, gitlinks
//! are absent, and bad repositories or revisions are reported.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use git2::{Oid, Repository, Signature};
use kiln_argocd::appset::{self, ExpandContext, RepoTree, WorkTree};
use kiln_argocd::files::{EntryKind, FileErrorKind, Stat};
use kiln_argocd::{DiskTree, FileTree, GitTree, Repo, RevisionError};

/// A fresh temporary directory.
fn temp_dir(name: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("kiln-git-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&p);
    std::fs::create_dir_all(&p).unwrap();
    p.canonicalize().unwrap()
}

/// Writes `dir` (recursively, `.git` skipped) as tree objects of `repo`: files with
/// their executable bit, symlinks as mode 120000.
fn write_tree(repo: &Repository, dir: &Path) -> Oid {
    let mut tb = repo.treebuilder(None).unwrap();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name();
        if name == ".git" {
            continue;
        }
        let ft = e.file_type().unwrap();
        let path = e.path();
        if ft.is_symlink() {
            let target = std::fs::read_link(&path).unwrap();
            let oid = repo.blob(target.to_str().unwrap().as_bytes()).unwrap();
            tb.insert(&name, oid, 0o120000).unwrap();
        } else if ft.is_dir() {
            let oid = write_tree(repo, &path);
            if repo.find_tree(oid).unwrap().is_empty() {
                continue;
            }
            tb.insert(&name, oid, 0o040000).unwrap();
        } else {
            let oid = repo.blob(&std::fs::read(&path).unwrap()).unwrap();
            #[cfg(unix)]
            let exec = {
                use std::os::unix::fs::PermissionsExt;
                e.metadata().unwrap().permissions().mode() & 0o111 != 0
            };
            #[cfg(not(unix))]
            let exec = false;
            tb.insert(&name, oid, if exec { 0o100755 } else { 0o100644 })
                .unwrap();
        }
    }
    tb.write().unwrap()
}

/// Commits `tree` on `HEAD`'s branch.
fn commit(repo: &Repository, tree: Oid, message: &str) -> Oid {
    let sig = Signature::new("kiln", "kiln@example.com", &git2::Time::new(0, 0)).unwrap();
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    let tree = repo.find_tree(tree).unwrap();
    repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
        .unwrap()
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// Every directory under `dir` holding a `Chart.yaml` (not descending into charts), as
/// paths relative to `base`.
fn chart_dirs(base: &Path, dir: &Path, out: &mut Vec<String>) {
    if dir.join("Chart.yaml").is_file() {
        let rel = dir.strip_prefix(base).unwrap().to_string_lossy();
        out.push(rel.replace('\\', "/"));
        return;
    }
    let mut subs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    subs.sort();
    for s in subs {
        chart_dirs(base, &s, out);
    }
}

#[test]
fn corpus_charts_load_identically_from_disk_and_git() {
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/charts");
    if !corpus.is_dir() {
        eprintln!("SKIPPED: ../shared/corpus/charts not present");
        return;
    }
    let corpus = corpus.canonicalize().unwrap();
    let tmp = temp_dir("corpus");
    // A bare repository: the corpus is committed straight from where it is.
    let git = Repository::init_bare(tmp.join("corpus.git")).unwrap();
    let tree = write_tree(&git, &corpus);
    commit(&git, tree, "corpus");
    let disk = Repo::new(&corpus, &[], None).unwrap();
    let rev = Repo::at_revision(&tmp.join("corpus.git"), "HEAD", &[], None).unwrap();
    let mut charts = Vec::new();
    chart_dirs(&corpus, &corpus, &mut charts);
    assert!(charts.len() > 100, "{} charts", charts.len());
    for rel in &charts {
        let want = format!("{:?}", kiln_helm::loader::load_dir(&corpus.join(rel)));
        assert_eq!(format!("{:?}", disk.chart(rel)), want, "{rel}: DiskTree");
        assert_eq!(format!("{:?}", rev.chart(rel)), want, "{rel}: GitTree");
    }
    let _ = std::fs::remove_dir_all(&tmp);
}

/// An ApplicationSet with a git files generator over `apps/*/config.json`.
fn git_files_appset() -> kiln_gotmpl::Value {
    kiln_encoding::yaml_to_value(
        r#"
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: apps, namespace: argocd}
spec:
  goTemplate: true
  generators:
    - git:
        repoURL: https://example.com/repo.git
        revision: HEAD
        files: [{path: "apps/*/config.json"}]
  template:
    metadata: {name: "{{ .name }}"}
    spec:
      project: default
      source: {repoURL: https://example.com/repo.git, path: "{{ .path.path }}"}
      destination: {server: https://kubernetes.default.svc, namespace: "{{ .name }}"}
"#,
    )
    .unwrap()
}

fn generated_names(tree: &dyn RepoTree) -> Vec<String> {
    let is_local = |_: &str| true;
    let ctx = ExpandContext::new(tree, &is_local);
    let exp = appset::expand(&git_files_appset(), "argocd", &ctx);
    assert!(exp.errors.is_empty(), "{:?}", exp.errors);
    exp.applications
        .iter()
        .map(|a| kiln_argocd::tree::get_str(a, &["metadata", "name"]).unwrap())
        .collect()
}

#[test]
fn git_generator_sees_tracked_files_only() {
    let tmp = temp_dir("tracked");
    let git = Repository::init(&tmp).unwrap();
    write(&tmp, "apps/a/config.json", r#"{"name": "alpha"}"#);
    write(&tmp, "apps/b/config.json", r#"{"name": "beta"}"#);
    write(&tmp, ".hidden/x.yaml", "x: 1\n");
    write(&tmp, "README.md", "hi\n");
    let tree = write_tree(&git, &tmp);
    commit(&git, tree, "first");
    // Uncommitted: an edit, an untracked file, an untracked directory.
    write(&tmp, "apps/a/config.json", r#"{"name": "edited"}"#);
    write(&tmp, "apps/c/config.json", r#"{"name": "gamma"}"#);
    write(&tmp, "untracked/y.yaml", "y: 1\n");

    let disk = WorkTree::new(&tmp);
    let rev = WorkTree::over(Arc::new(GitTree::open(&tmp, "HEAD").unwrap()));
    assert_eq!(generated_names(&disk), vec!["edited", "beta", "gamma"]);
    assert_eq!(generated_names(&rev), vec!["alpha", "beta"]);
    assert_eq!(
        rev.files().unwrap(),
        vec![
            ".hidden/x.yaml",
            "README.md",
            "apps/a/config.json",
            "apps/b/config.json"
        ]
    );
    assert_eq!(rev.directories().unwrap(), vec!["apps", "apps/a", "apps/b"]);
    assert!(disk
        .files()
        .unwrap()
        .contains(&"untracked/y.yaml".to_string()));
    assert_eq!(
        rev.read("apps/a/config.json").unwrap(),
        br#"{"name": "alpha"}"#.to_vec()
    );

    // The revision's tracked files, and a second commit seen only at its revision.
    let g = GitTree::open(&tmp, "HEAD").unwrap();
    assert_eq!(g.tracked_files().len(), 4);
    assert_eq!(g.commit_id().map(str::len), Some(40));
    let tree = write_tree(&git, &tmp);
    commit(&git, tree, "second");
    let head = WorkTree::over(Arc::new(GitTree::open(&tmp, "HEAD").unwrap()));
    let prev = WorkTree::over(Arc::new(GitTree::open(&tmp, "HEAD~1").unwrap()));
    assert_eq!(generated_names(&head), vec!["edited", "beta", "gamma"]);
    assert_eq!(generated_names(&prev), vec!["alpha", "beta"]);
    let _ = std::fs::remove_dir_all(&tmp);
}

#[cfg(unix)]
#[test]
fn symlinks_resolve_inside_the_repository_only() {
    use std::os::unix::fs::symlink;
    let tmp = temp_dir("symlinks");
    let repo_dir = tmp.join("repo");
    std::fs::create_dir_all(&repo_dir).unwrap();
    write(&tmp, "outside.yaml", "secret: 1\n");
    write(&repo_dir, "data/real.yaml", "a: 1\n");
    write(&repo_dir, "top.yaml", "top: 1\n");
    symlink("data/real.yaml", repo_dir.join("link.yaml")).unwrap();
    symlink("../top.yaml", repo_dir.join("data/up.yaml")).unwrap();
    symlink("data", repo_dir.join("dirlink")).unwrap();
    symlink("dirlink/../link.yaml", repo_dir.join("chain.yaml")).unwrap();
    symlink("../outside.yaml", repo_dir.join("escape.yaml")).unwrap();
    symlink("/etc/hostname", repo_dir.join("absolute.yaml")).unwrap();
    symlink("..", repo_dir.join("data/parent")).unwrap();
    symlink("loop2", repo_dir.join("loop1")).unwrap();
    symlink("loop1", repo_dir.join("loop2")).unwrap();
    symlink("nowhere.yaml", repo_dir.join("dangling.yaml")).unwrap();
    let git = Repository::init(&repo_dir).unwrap();
    let tree = write_tree(&git, &repo_dir);
    commit(&git, tree, "links");

    let disk: Arc<dyn FileTree> = Arc::new(DiskTree::new(&repo_dir));
    let rev: Arc<dyn FileTree> = Arc::new(GitTree::open(&repo_dir, "HEAD").unwrap());
    for t in [&disk, &rev] {
        let what = t.describe();
        let text = |p: &str| t.read_text(p);
        assert_eq!(text("link.yaml").unwrap(), "a: 1\n", "{what}");
        assert_eq!(text("data/up.yaml").unwrap(), "top: 1\n", "{what}");
        assert_eq!(text("dirlink/real.yaml").unwrap(), "a: 1\n", "{what}");
        assert_eq!(text("chain.yaml").unwrap(), "a: 1\n", "{what}");
        assert_eq!(text("data/parent/top.yaml").unwrap(), "top: 1\n", "{what}");
        assert!(t.is_dir("dirlink"), "{what}");
        assert!(t.is_file("link.yaml"), "{what}");
        assert_eq!(
            t.list("dirlink").unwrap(),
            t.list("data").unwrap(),
            "{what}"
        );
        let kinds: Vec<(String, EntryKind)> = t
            .list("")
            .unwrap()
            .into_iter()
            .map(|e| (e.name, e.kind))
            .collect();
        assert!(
            kinds.contains(&("dirlink".into(), EntryKind::Symlink)),
            "{what}"
        );
        assert!(kinds.contains(&("data".into(), EntryKind::Dir)), "{what}");
        // The working tree has `.git`; a revision has no such entry.
        assert_eq!(
            kinds.iter().any(|(n, _)| n == ".git"),
            Arc::ptr_eq(t, &disk),
            "{what}: {kinds:?}"
        );
        for p in [
            "escape.yaml",
            "absolute.yaml",
            "data/parent/../outside.yaml",
            "../x",
        ] {
            let e = t.read(p).unwrap_err();
            assert_eq!(e.kind, FileErrorKind::OutsideRepository, "{what}: {p}");
            assert!(e.to_string().contains(p), "{e}");
        }
        assert_eq!(
            t.read("loop1").unwrap_err().kind,
            FileErrorKind::SymlinkLoop,
            "{what}"
        );
        assert_eq!(t.stat("dangling.yaml").unwrap(), None, "{what}");
        assert_eq!(
            t.read("dangling.yaml").unwrap_err().kind,
            FileErrorKind::NotFound,
            "{what}"
        );
        assert_eq!(t.stat("link.yaml/x").unwrap(), None, "{what}");
        assert_eq!(
            t.stat("top.yaml").unwrap(),
            Some(Stat::File { size: 7 }),
            "{what}"
        );
        assert_eq!(
            t.read("data").unwrap_err().kind,
            FileErrorKind::IsADirectory,
            "{what}"
        );
        assert_eq!(
            t.list("top.yaml").unwrap_err().kind,
            FileErrorKind::NotADirectory,
            "{what}"
        );
    }
    // The generators' view lists symlinks as files, identically.
    let (d, r) = (WorkTree::over(disk.clone()), WorkTree::over(rev.clone()));
    assert_eq!(d.files().unwrap(), r.files().unwrap());
    assert_eq!(d.directories().unwrap(), r.directories().unwrap());
    assert!(r
        .read("escape.yaml")
        .unwrap_err()
        .contains("outside of the repository"));

    // A chart with a symlink leaving the repository does not load.
    write(
        &repo_dir,
        "chart/Chart.yaml",
        "apiVersion: v2\nname: c\nversion: 1.0.0\n",
    );
    write(&repo_dir, "chart/templates/cm.yaml", "kind: ConfigMap\n");
    symlink("../../outside.yaml", repo_dir.join("chart/leak.yaml")).unwrap();
    symlink("../data/real.yaml", repo_dir.join("chart/inside.yaml")).unwrap();
    let tree = write_tree(&git, &repo_dir);
    commit(&git, tree, "chart");
    for repo in [
        Repo::new(&repo_dir, &[], None).unwrap(),
        Repo::at_revision(&repo_dir, "HEAD", &[], None).unwrap(),
    ] {
        let e = repo.chart("chart").unwrap_err();
        assert!(
            e.message
                .contains("chart/leak.yaml: the path resolves outside of the repository"),
            "{}",
            e.message
        );
    }
    std::fs::remove_file(repo_dir.join("chart/leak.yaml")).unwrap();
    let tree = write_tree(&git, &repo_dir);
    commit(&git, tree, "chart without leak");
    let disk_chart = Repo::new(&repo_dir, &[], None).unwrap().chart("chart");
    let rev_chart = Repo::at_revision(&repo_dir, "HEAD", &[], None)
        .unwrap()
        .chart("chart");
    assert_eq!(format!("{disk_chart:?}"), format!("{rev_chart:?}"));
    assert!(rev_chart
        .unwrap()
        .files
        .iter()
        .any(|f| f.name == "inside.yaml" && &*f.data == b"a: 1\n"));
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn gitlinks_are_absent_and_subdirectories_are_roots() {
    let tmp = temp_dir("gitlink");
    let git = Repository::init(&tmp).unwrap();
    write(&tmp, "mono/apps/a.yaml", "a: 1\n");
    write(&tmp, "mono/kiln.toml", "name = \"x\"\n");
    write(&tmp, "other/b.yaml", "b: 1\n");
    let tree = write_tree(&git, &tmp);
    // Add a submodule entry (mode 160000) beside the files.
    let head = commit(&git, tree, "files");
    let mut tb = git
        .treebuilder(Some(&git.find_tree(tree).unwrap()))
        .unwrap();
    tb.insert("vendor", head, 0o160000).unwrap();
    let tree = tb.write().unwrap();
    commit(&git, tree, "submodule");

    let t = GitTree::open(&tmp, "HEAD").unwrap();
    assert_eq!(t.stat("vendor").unwrap(), None);
    assert!(!t.list("").unwrap().iter().any(|e| e.name == "vendor"));
    assert_eq!(
        t.tracked_files(),
        vec!["mono/apps/a.yaml", "mono/kiln.toml", "other/b.yaml"]
    );
    // Opened from a subdirectory: that directory of the revision is the root.
    let sub = GitTree::open(&tmp.join("mono"), "HEAD").unwrap();
    assert_eq!(sub.tracked_files(), vec!["apps/a.yaml", "kiln.toml"]);
    assert_eq!(sub.read_text("apps/a.yaml").unwrap(), "a: 1\n");
    assert_eq!(
        sub.read("../other/b.yaml").unwrap_err().kind,
        FileErrorKind::OutsideRepository
    );
    // A directory that exists only in the working tree is not in the revision.
    std::fs::create_dir_all(tmp.join("new")).unwrap();
    assert!(matches!(
        GitTree::open(&tmp.join("new"), "HEAD"),
        Err(RevisionError::NotInRevision { .. })
    ));
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn bad_repositories_and_revisions() {
    let tmp = temp_dir("bad");
    assert!(matches!(
        GitTree::open(&tmp, "HEAD"),
        Err(RevisionError::NotARepository { .. })
    ));
    let git = Repository::init(&tmp).unwrap();
    // No commit yet: HEAD names nothing.
    let e = GitTree::open(&tmp, "HEAD").err().unwrap();
    assert!(matches!(e, RevisionError::UnknownRevision { .. }), "{e}");
    write(&tmp, "a.yaml", "a: 1\n");
    let tree = write_tree(&git, &tmp);
    commit(&git, tree, "first");
    for rev in [
        "no-such-branch",
        "HEAD~5",
        "",
        "--all",
        "0123456789abcdef0123",
    ] {
        let e = GitTree::open(&tmp, rev).err().unwrap();
        assert!(
            matches!(e, RevisionError::UnknownRevision { .. }),
            "{rev}: {e}"
        );
        assert!(e.to_string().starts_with("unknown revision"), "{e}");
    }
    // A tree id works too (no commit).
    let t = GitTree::open(&tmp, &tree.to_string()).unwrap();
    assert_eq!(t.commit_id(), None);
    assert_eq!(t.read_text("a.yaml").unwrap(), "a: 1\n");
    let _ = std::fs::remove_dir_all(&tmp);
}
