//! Hostile repositories: every case is a small fleet (one cluster, a root Application
//! over a directory of Applications) in which one Application's chart is hostile and one
//! is fine. `kiln compile`, `kiln check` and `kiln template` must each end within
//! [`LIMIT`] with exit code 2 (an input error: README "Exit status"), never panic (exit
//! code 101, "panicked at"), name the offending file, and the good Application must still
//! render.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// How long one kiln run may take before the test kills it and fails.
const LIMIT: Duration = Duration::from_secs(20);

/// The outcome of one kiln run.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs kiln in `cwd`, killing it after [`LIMIT`].
fn run(args: &[&str], cwd: &Path) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kiln"))
        .args(args)
        .current_dir(cwd)
        .env("KILN_NO_PROGRESS", "1")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run kiln");
    // Drain the pipes on threads so a chatty child cannot block on a full pipe.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = out.read_to_end(&mut b);
        b
    });
    let t_err = std::thread::spawn(move || {
        let mut b = Vec::new();
        let _ = err.read_to_end(&mut b);
        b
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "kiln {args:?} in {} ran longer than {LIMIT:?}",
                cwd.display()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = String::from_utf8_lossy(&t_out.join().unwrap()).into_owned();
    let stderr = String::from_utf8_lossy(&t_err.join().unwrap()).into_owned();
    let code = status.code().unwrap_or(-1);
    assert!(
        code != 101 && !stderr.contains("panicked at"),
        "kiln {args:?} panicked (exit {code}):\n{stderr}"
    );
    assert!(code >= 0, "kiln {args:?} was killed by a signal:\n{stderr}");
    Run {
        code,
        stdout,
        stderr,
    }
}

/// A file of a hostile fleet: path relative to the repository and its bytes.
type File = (&'static str, Vec<u8>);

fn text(path: &'static str, s: &str) -> File {
    (path, s.as_bytes().to_vec())
}

const CHART: &str = "apiVersion: v2\nname: NAME\nversion: 0.1.0\n";

/// Writes a fleet: `kiln.toml`, `root.yaml` (cluster `c`), `apps/good.yaml` and
/// `apps/bad.yaml` (the Applications `good` and `bad`, charts `charts/good` and
/// `charts/bad`; `bad` gets `bad_helm` as its `helm:` block), a fine `charts/good`, a
/// minimal `charts/bad` (Chart.yaml, empty values) and then `files` on top.
fn fleet(name: &str, bad_helm: &str, files: Vec<File>) -> PathBuf {
    let dir = temp_dir(&format!("hostile-{name}"));
    let repo = dir.join("repo");
    let mut all: Vec<File> = vec![
        text(
            "kiln.toml",
            "repo-urls = [\"https://example.com/fleet\"]\n[clusters.c]\nroots = [\"root.yaml\"]\n",
        ),
        text(
            "root.yaml",
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: root\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://example.com/fleet\n    path: apps\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: argocd\n",
        ),
        text("apps/good.yaml", &app("good", "")),
        text("apps/bad.yaml", &app("bad", bad_helm)),
        text("charts/good/Chart.yaml", &CHART.replace("NAME", "good")),
        text("charts/good/values.yaml", "greeting: hello\n"),
        text(
            "charts/good/templates/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\ndata:\n  greeting: {{ .Values.greeting | quote }}\n",
        ),
        text("charts/bad/Chart.yaml", &CHART.replace("NAME", "bad")),
        text("charts/bad/values.yaml", "{}\n"),
    ];
    all.extend(files);
    for (p, bytes) in all {
        let p = repo.join(p);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    repo
}

fn app(name: &str, helm: &str) -> String {
    let helm = if helm.is_empty() {
        String::new()
    } else {
        format!("    helm:\n{}", indent(helm, 6))
    };
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {name}\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://example.com/fleet\n    path: charts/{name}\n{helm}  destination:\n    server: https://kubernetes.default.svc\n    namespace: {name}\n"
    )
}

fn indent(s: &str, n: usize) -> String {
    s.lines()
        .map(|l| format!("{}{l}\n", " ".repeat(n)))
        .collect()
}

/// `kiln compile`: exit 2, the error names `needle` (a file, usually), `bad` failed and
/// `good` rendered. Returns stderr.
fn compile_fails(repo: &Path, needles: &[&str]) -> String {
    let r = run(&["compile", ".", "--out", "out"], repo);
    assert_eq!(r.code, 2, "compile: {}\n{}", r.stdout, r.stderr);
    for n in needles {
        assert!(
            r.stderr.contains(n),
            "compile stderr lacks {n:?}:\n{}",
            r.stderr
        );
    }
    let fleet: serde_json::Value =
        serde_json::from_slice(&std::fs::read(repo.join("out/c/fleet.json")).unwrap()).unwrap();
    let status = |n: &str| {
        fleet["applications"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == n)
            .map(|a| a["status"].as_str().unwrap().to_string())
    };
    assert_eq!(status("bad").as_deref(), Some("error"), "{fleet:#}");
    assert_eq!(status("good").as_deref(), Some("rendered"), "{fleet:#}");
    assert!(repo.join("out/c/good/manifest.yaml").is_file());
    r.stderr
}

/// `kiln check`: exit 2 (the render failure is reported as a finding, but the fleet could
/// not be checked whole), naming the needles.
fn check_fails(repo: &Path, needles: &[&str]) {
    let r = run(&["check", ".", "--format", "json"], repo);
    assert_eq!(r.code, 2, "check: {}\n{}", r.stdout, r.stderr);
    let all = format!("{}{}", r.stdout, r.stderr);
    for n in needles {
        assert!(all.contains(n), "check output lacks {n:?}:\n{all}");
    }
}

/// `kiln template charts/bad`: exit 2, naming the needles.
fn template_fails(repo: &Path, extra: &[&str], needles: &[&str]) -> String {
    let mut args = vec!["template", "charts/bad"];
    args.extend_from_slice(extra);
    let r = run(&args, repo);
    assert_eq!(
        r.code,
        2,
        "template exit {}: {}\n{}",
        r.code,
        r.stdout.chars().take(2000).collect::<String>(),
        r.stderr
    );
    // `kiln template` names files relative to the chart, as Helm does.
    for n in needles {
        let n = n.strip_prefix("charts/bad/").unwrap_or(n);
        assert!(
            r.stderr.contains(n),
            "template stderr lacks {n:?}:\n{}",
            r.stderr
        );
    }
    r.stderr
}

/// All three commands fail on `charts/bad` and name every needle.
fn all_fail(repo: &Path, needles: &[&str]) {
    compile_fails(repo, needles);
    check_fails(repo, needles);
    template_fails(repo, &[], needles);
}

fn billion_laughs() -> String {
    let mut s = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (i, c) in "bcdefghi".chars().enumerate() {
        let prev = (b'a' + i as u8) as char;
        s.push_str(&format!(
            "{c}: &{c} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
    }
    s
}

#[test]
fn alias_bomb_in_values() {
    let repo = fleet(
        "alias-values",
        "",
        vec![
            text("charts/bad/values.yaml", &billion_laughs()),
            text("charts/bad/templates/cm.yaml", "kind: ConfigMap\n"),
        ],
    );
    all_fail(&repo, &["charts/bad/values.yaml", "excessive aliasing"]);
}

#[test]
fn alias_bomb_in_template_output() {
    let repo = fleet(
        "alias-output",
        "",
        vec![text(
            "charts/bad/templates/bomb.yaml",
            &format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n{}",
                indent(&billion_laughs(), 2)
            ),
        )],
    );
    all_fail(&repo, &["bad/templates/bomb.yaml", "excessive aliasing"]);
}

#[test]
fn deep_nesting_in_values() {
    let deep = format!("x: {}\n", "[".repeat(100_000));
    let repo = fleet(
        "deep-values",
        "",
        vec![
            text("charts/bad/values.yaml", &deep),
            text("charts/bad/templates/cm.yaml", "kind: ConfigMap\n"),
        ],
    );
    all_fail(&repo, &["charts/bad/values.yaml", "exceeded max depth"]);
}

#[test]
fn deep_nesting_in_template_output() {
    let deep = format!("kind: ConfigMap\ndata: {}\n", "{a: ".repeat(100_000));
    let repo = fleet(
        "deep-output",
        "",
        vec![text("charts/bad/templates/deep.yaml", &deep)],
    );
    all_fail(&repo, &["bad/templates/deep.yaml", "exceeded max depth"]);
}

/// Maps and lists nested 100,000 deep, built by the template itself (no parser limit
/// applies): dropping, comparing, copying and encoding them must neither overflow the
/// stack (an abort would take the whole fleet down) nor run away in time or memory.
#[test]
fn deep_nesting_built_by_templates() {
    let build = [
        ("maps", "{{- $d = dict \"x\" $d }}"),
        ("lists", "{{- $d = list $d }}"),
        ("mixed", "{{- $d = list (dict \"x\" $d) }}"),
    ];
    for (name, step) in build {
        let template = format!(
            "{{{{- $d := list }}}}{{{{- range until 100000 }}}}{step}{{{{- end }}}}\n\
             apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n\
             \x20 equal: {{{{ deepEqual $d (deepCopy $d) | quote }}}}\n\
             \x20 json: {{{{ toJson $d | len | quote }}}}\n\
             \x20 printed: {{{{ printf \"%v\" $d | len | quote }}}}\n\
             \x20 pretty: {{{{ toPrettyJson $d | len | quote }}}}\n\
             \x20 toml: {{{{ toToml (dict \"a\" $d) | len | quote }}}}\n\
             \x20 yaml: {{{{ toYaml $d | len | quote }}}}\n\
             \x20 copies: {{{{ list (deepCopy $d) (dict \"a\" $d) | len | quote }}}}\n"
        );
        let repo = fleet(
            &format!("deep-built-{name}"),
            "",
            vec![text("charts/bad/templates/cm.yaml", &template)],
        );
        let r = run(&["compile", ".", "--out", "out"], &repo);
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let m = std::fs::read_to_string(repo.join("out/c/bad/manifest.yaml")).unwrap();
        assert!(m.contains("equal: \"true\""), "{name}: {m}");
        // Indented JSON of this depth would need 20 GB: over kiln's 128 MiB output
        // limit, `toPrettyJson` gives "" as it does for every encoding error.
        assert!(m.contains("pretty: \"0\""), "{name}: {m}");
        assert!(m.contains("copies: \"2\""), "{name}: {m}");
    }
}

#[test]
fn deep_nesting_in_template_source() {
    // 100k nested parentheses in one action.
    let src = format!(
        "{{{{ {}1{} }}}}\n",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    let repo = fleet(
        "deep-parens",
        "",
        vec![text("charts/bad/templates/deep.yaml", &src)],
    );
    all_fail(&repo, &["bad/templates/deep.yaml"]);
}

#[test]
fn include_recursion() {
    let repo = fleet(
        "include",
        "",
        vec![text(
            "charts/bad/templates/loop.yaml",
            "{{- define \"loop\" }}{{ include \"loop\" . }}{{ end }}\n{{ include \"loop\" . }}\n",
        )],
    );
    // Helm's own text (recursionMaxNums = 1000).
    all_fail(
        &repo,
        &[
            "bad/templates/loop.yaml",
            "rendering template has a nested reference name: loop",
        ],
    );
}

#[test]
fn template_recursion() {
    let repo = fleet(
        "template",
        "",
        vec![text(
            "charts/bad/templates/loop.yaml",
            "{{- define \"loop\" }}{{ template \"loop\" . }}{{ end }}\n{{ template \"loop\" . }}\n",
        )],
    );
    // Go's maxExecDepth.
    all_fail(
        &repo,
        &["bad/templates/loop.yaml", "exceeded maximum template depth"],
    );
}

#[test]
fn tpl_recursion() {
    let repo = fleet(
        "tpl",
        "",
        vec![
            text("charts/bad/values.yaml", "x: '{{ tpl .Values.x . }}'\n"),
            text("charts/bad/templates/loop.yaml", "{{ tpl .Values.x . }}\n"),
        ],
    );
    all_fail(&repo, &["bad/templates/loop.yaml"]);
}

#[test]
fn value_file_path_traversal() {
    for (i, vf) in [
        "../../etc/passwd",
        "/etc/passwd",
        "../../../../../../etc/passwd",
    ]
    .into_iter()
    .enumerate()
    {
        let repo = fleet(
            &format!("traversal-{i}"),
            &format!("valueFiles:\n  - {vf}\n"),
            vec![text("charts/bad/templates/cm.yaml", "kind: ConfigMap\n")],
        );
        let err = compile_fails(&repo, &["bad"]);
        assert!(!err.contains("root:x:0:0"), "{err}");
        let all = std::fs::read_to_string(repo.join("out/c/fleet.json")).unwrap();
        assert!(!all.contains("root:x:0:0"), "{all}");
    }
}

#[test]
fn files_get_path_traversal() {
    let repo = fleet(
        "files-get",
        "",
        vec![text(
            "charts/bad/templates/cm.yaml",
            "kind: ConfigMap\ndata:\n  a: {{ .Files.Get \"../../../../../../etc/passwd\" | quote }}\n  b: {{ .Files.Get \"/etc/passwd\" | quote }}\n  c: {{ .Files.Glob \"../**\" | len }}\n",
        )],
    );
    // Helm gives empty strings: the chart renders, without the file.
    let r = run(&["compile", ".", "--out", "out"], &repo);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let m = std::fs::read_to_string(repo.join("out/c/bad/manifest.yaml")).unwrap_or_default();
    assert!(!m.contains("root:x:0:0"), "{m}");
    assert!(repo.join("out/c/good/manifest.yaml").is_file());
}

#[cfg(unix)]
#[test]
fn symlink_escaping_the_repo() {
    // A template and a value file that point outside the repository.
    let repo = fleet(
        "symlink",
        "valueFiles:\n  - secret-values.yaml\n",
        vec![text("charts/bad/templates/cm.yaml", "kind: ConfigMap\n")],
    );
    let outside = repo.parent().unwrap().join("outside.yaml");
    std::fs::write(&outside, "leaked: TOPSECRET-OUTSIDE\n").unwrap();
    std::os::unix::fs::symlink(&outside, repo.join("charts/bad/secret-values.yaml")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", repo.join("charts/bad/templates/passwd.yaml"))
        .unwrap();
    let err = compile_fails(&repo, &["charts/bad/"]);
    assert!(
        !err.contains("TOPSECRET-OUTSIDE") && !err.contains("root:x:0:0"),
        "{err}"
    );
    let fleet = std::fs::read_to_string(repo.join("out/c/fleet.json")).unwrap();
    assert!(!fleet.contains("TOPSECRET-OUTSIDE") && !fleet.contains("root:x:0:0"));
    check_fails(&repo, &["charts/bad/"]);
}

#[test]
fn binary_template_file() {
    let mut bytes = b"kind: ConfigMap\n\x00\x01\x02\xff\xfe\x80garbage {{ \xc3\x28 }}\n".to_vec();
    bytes.extend((0..=255u8).cycle().take(4096));
    let repo = fleet(
        "binary",
        "",
        vec![("charts/bad/templates/blob.yaml", bytes)],
    );
    all_fail(&repo, &["bad/templates/blob.yaml"]);
}

#[test]
fn non_utf8_values() {
    let repo = fleet(
        "non-utf8",
        "",
        vec![
            (
                "charts/bad/values.yaml",
                b"name: caf\xe9\nother: \xff\xfe\n".to_vec(),
            ),
            text(
                "charts/bad/templates/cm.yaml",
                "kind: ConfigMap\ndata:\n  n: {{ .Values.name }}\n",
            ),
        ],
    );
    all_fail(&repo, &["charts/bad/values.yaml"]);
}

#[test]
fn giant_output() {
    // 2^40 bytes if nothing stops it.
    let repo = fleet(
        "giant",
        "",
        vec![text(
            "charts/bad/templates/big.yaml",
            "kind: ConfigMap\ndata:\n{{- range $i := until 1000000000 }}\n  k{{ $i }}: {{ repeat 1000 \"x\" }}\n{{- end }}\n",
        )],
    );
    all_fail(&repo, &["bad/templates/big.yaml"]);
}

#[test]
fn giant_output_from_many_small_actions() {
    // 100,000 × 100 kB = 10 GB if nothing stops it.
    let repo = fleet(
        "giant-many",
        "",
        vec![text(
            "charts/bad/templates/big.yaml",
            "kind: ConfigMap\ndata:\n{{- $x := repeat 100000 \"x\" }}\n{{- range $i := until 100000 }}\n  k{{ $i }}: {{ $x }}\n{{- end }}\n",
        )],
    );
    all_fail(&repo, &["bad/templates/big.yaml", "output exceeds"]);
}

#[test]
fn giant_string() {
    let repo = fleet(
        "giant-string",
        "",
        vec![text(
            "charts/bad/templates/big.yaml",
            "kind: ConfigMap\ndata:\n  x: {{ repeat 100000 \"x\" | repeat 100000 | repeat 100000 }}\n",
        )],
    );
    all_fail(&repo, &["bad/templates/big.yaml"]);
}

#[test]
fn huge_regex() {
    let repo = fleet(
        "regex",
        "",
        vec![text(
            "charts/bad/templates/re.yaml",
            "kind: ConfigMap\ndata:\n  x: {{ mustRegexMatch \"((((a{1000}){1000}){1000}){1000})\" \"a\" | quote }}\n",
        )],
    );
    all_fail(&repo, &["bad/templates/re.yaml", "invalid repeat count"]);
    // Valid but enormous: 20,000 × a{1000}.
    let repo = fleet(
        "regex-large",
        "",
        vec![text(
            "charts/bad/templates/re.yaml",
            "kind: ConfigMap\ndata:\n  x: {{ mustRegexMatch (repeat 20000 \"a{1000}\") \"a\" | quote }}\n",
        )],
    );
    all_fail(&repo, &["bad/templates/re.yaml"]);
}

#[test]
fn malformed_chart_yaml() {
    for (i, chart) in [
        "apiVersion: v2\nname: [unclosed\n",
        "not a mapping\n",
        "apiVersion: v2\nversion: 0.1.0\n",
        "\u{0}\u{1}binary",
    ]
    .into_iter()
    .enumerate()
    {
        let repo = fleet(
            &format!("chart-yaml-{i}"),
            "",
            vec![text("charts/bad/Chart.yaml", chart)],
        );
        compile_fails(&repo, &["charts/bad/Chart.yaml"]);
        check_fails(&repo, &["charts/bad/Chart.yaml"]);
        // Helm's texts: `cannot load Chart.yaml: ...`, or a validation error.
        let err = template_fails(&repo, &[], &[]);
        assert!(
            err.contains("Chart.yaml") || err.contains("chart.metadata.name is required"),
            "{err}"
        );
    }
}

#[test]
fn malformed_application() {
    for (i, body) in [
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: [1, 2]\nspec: 3\n",
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: bad\nspec:\n  source: [1]\n  sources: {a: 1}\n",
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: bad\nspec:\n  source:\n    repoURL: https://example.com/fleet\n    path: ../../..\n",
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: bad\nspec:\n  source:\n    repoURL: https://example.com/fleet\n    path: /etc\n",
    ]
    .into_iter()
    .enumerate()
    {
        let repo = fleet(&format!("app-{i}"), "", vec![text("apps/bad.yaml", body)]);
        let r = run(&["compile", ".", "--out", "out"], &repo);
        assert!(repo.join("out/c/good/manifest.yaml").is_file(), "{i}: {}", r.stderr);
        let c = run(&["check", "."], &repo);
        if i == 0 {
            // Without a name it is no Application for Argo CD either: the root renders it
            // as a plain manifest, and the API server would refuse it at apply time — a
            // schema finding for `kiln check`, not a render failure.
            assert_eq!(r.code, 0, "{}", r.stderr);
            assert_eq!(c.code, 1, "{}", c.stdout);
            assert!(c.stdout.contains("SCH001") && c.stdout.contains("apps/bad.yaml"));
        } else {
            assert_eq!(r.code, 2, "{i}: {}", r.stderr);
            assert!(r.stderr.contains("c/bad"), "{i}: {}", r.stderr);
            assert_eq!(c.code, 2, "{i}: {}", c.stderr);
        }
    }
}

#[test]
fn malformed_kiln_toml_and_root() {
    for (i, (file, body)) in [
        ("kiln.toml", "[clusters.c\nroots = 1"),
        (
            "kiln.toml",
            "[clusters.c]\nroots = [\"../../etc/passwd\"]\n",
        ),
        ("kiln.toml", "[clusters.c]\nroots = [\"/etc/passwd\"]\n"),
        ("kiln.toml", "\u{0}\u{ff}"),
        ("root.yaml", "a: [unclosed\n"),
        ("root.yaml", "- 1\n- 2\n"),
        (
            "root.yaml",
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\n",
        ),
        ("root.yaml", ""),
    ]
    .into_iter()
    .enumerate()
    {
        let repo = fleet(&format!("toml-root-{i}"), "", vec![text(file, body)]);
        for cmd in ["compile", "check"] {
            let r = run(&[cmd, "."], &repo);
            assert_eq!(r.code, 2, "{cmd} {i}: {}", r.stderr);
            assert!(!r.stderr.contains("root:x:0:0"), "{}", r.stderr);
            if file == "root.yaml" || i == 0 || i == 3 {
                assert!(r.stderr.contains(file), "{cmd} {i}: {}", r.stderr);
            }
        }
    }
}

#[test]
fn too_many_generated_applications() {
    // A chart whose ApplicationSet's list × list generates 1,000,000 Applications.
    let elems: String = (0..1000).map(|i| format!("{{\"a\":\"{i}\"}},")).collect();
    let elems = elems.trim_end_matches(',');
    let elems_b: String = (0..1000).map(|i| format!("{{\"b\":\"{i}\"}},")).collect();
    let elems_b = elems_b.trim_end_matches(',');
    let body = format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: many\n  namespace: argocd\nspec:\n  goTemplate: true\n  generators:\n    - matrix:\n        generators:\n          - list:\n              elements: [{elems}]\n          - list:\n              elements: [{elems_b}]\n  template:\n    metadata:\n      name: 'x-{{{{ .a }}}}-{{{{ .b }}}}'\n    spec:\n      project: default\n      source:\n        repoURL: https://example.com/fleet\n        path: charts/good\n      destination:\n        server: https://kubernetes.default.svc\n        namespace: x\n"
    );
    let repo = fleet("appset", "", vec![text("apps/many.yaml", &body)]);
    let r = run(&["compile", ".", "--out", "out"], &repo);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("many"), "{}", r.stderr);
    assert!(r.stderr.contains("100000"), "{}", r.stderr);
    assert!(repo.join("out/c/good/manifest.yaml").is_file());
}

/// A panic while rendering one Application (forced in debug builds with
/// `KILN_DEBUG_PANIC_APP`) fails that Application only; the rest of the fleet renders.
#[cfg(debug_assertions)]
#[test]
fn panic_in_one_application_is_isolated() {
    let repo = fleet(
        "panic",
        "",
        vec![text("charts/bad/templates/cm.yaml", "kind: ConfigMap\n")],
    );
    for cmd in [
        vec!["compile", ".", "--out", "out"],
        vec!["check", ".", "--format", "json"],
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_kiln"))
            .args(&cmd)
            .current_dir(&repo)
            .env("KILN_DEBUG_PANIC_APP", "bad")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(2), "{cmd:?}: {stdout}\n{stderr}");
        assert!(
            format!("{stdout}{stderr}").contains("internal error: kiln panicked while rendering"),
            "{cmd:?}: {stdout}\n{stderr}"
        );
    }
    let fleet: serde_json::Value =
        serde_json::from_slice(&std::fs::read(repo.join("out/c/fleet.json")).unwrap()).unwrap();
    let apps = fleet["applications"].as_array().unwrap();
    let status = |n: &str| apps.iter().find(|a| a["name"] == n).unwrap()["status"].clone();
    assert_eq!(status("bad"), "error");
    assert_eq!(status("good"), "rendered");
    assert!(repo.join("out/c/good/manifest.yaml").is_file());
}

/// `--timeout SECS`: a template that loops for a long time stops the run at its budget
/// with exit code 2 and a message naming the budget; nothing is written, no partial
/// tree is left beside the destination, and an existing tree is kept as it was.
#[test]
fn time_budget_stops_a_slow_run() {
    let slow =
        "{{- range until 20000 }}{{ range until 20000 }}{{ end }}{{ end }}\nkind: ConfigMap\n";
    let repo = fleet(
        "timeout",
        "",
        vec![text("charts/bad/templates/cm.yaml", slow)],
    );
    std::fs::create_dir_all(repo.join("out")).unwrap();
    std::fs::write(repo.join("out/keep.txt"), "before").unwrap();
    for args in [
        vec!["compile", ".", "--out", "out", "--timeout", "1"],
        vec!["--timeout", "1.5", "check", "."],
        vec!["template", "charts/bad", "--timeout", "1"],
    ] {
        let start = Instant::now();
        let r = run(&args, &repo);
        let took = start.elapsed();
        assert_eq!(r.code, 2, "{args:?}: {}\n{}", r.stdout, r.stderr);
        assert!(
            r.stderr.contains("time budget of 1") && r.stderr.contains("--timeout"),
            "{args:?}: {}",
            r.stderr
        );
        // The budget plus process start and exit, with room for a loaded CI machine.
        assert!(took < Duration::from_secs(10), "{args:?} took {took:?}");
    }
    assert_eq!(
        std::fs::read_to_string(repo.join("out/keep.txt")).unwrap(),
        "before"
    );
    let leftovers: Vec<_> = std::fs::read_dir(&repo)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("kiln-new") || n.contains("kiln-old"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // A budget that is not a positive number is a usage error.
    let r = run(&["compile", ".", "--timeout", "0"], &repo);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("positive number of seconds"),
        "{}",
        r.stderr
    );
}
