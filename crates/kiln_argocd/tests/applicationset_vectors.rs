//! ApplicationSet conformance vectors (`shared/vectors/applicationset.json`: 201 cases
//! transcribed from Argo CD's own unit tests at 37ee0097), run against kiln's
//! expansion code, plus a check of the default git file globbing against real git.
//!
//! Case kinds (the file's header describes them): `render`, `application`, `generator`,
//! `interpolate-generator`, `merge-key-index`, `template-patch`, `template-merge`,
//! `values`. Inputs follow the header's `inputs_conventions`: `repoDirectories` /
//! `repoFiles` / `repoError` feed a fixture [`RepoTree`]; `patternMatches` is what the
//! test's fake repo server answered per files pattern and is used as such (where kiln's
//! own matcher disagrees, the difference is printed); `clusterSecrets` /
//! `clientError` feed the cluster source; `generatorOutputs` mocks the named child
//! generator through [`ExpandContext::generator_override`].
//!
//! Errors only have to fail (Argo CD's texts are informative). Any failing case not
//! listed in `tests/applicationset_known_failures.txt` fails the test.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use kiln_argocd::appset::{
    self, ClusterSecret, ClusterSource, ExpandContext, GitFileGlobbing, RepoTree,
};
use kiln_argocd::generators::{self, glob, ParamSet};
use kiln_argocd::template::Templater;
use kiln_gotmpl::{Map, Value};
use serde_json::Value as J;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

// ----------------------------------------------------------------------------------
// Value <-> JSON

fn val(j: &J) -> Value {
    Value::from_json(j)
}

fn to_json(v: &Value) -> J {
    match v {
        Value::Nil => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        Value::Int(i, _) => J::from(*i),
        Value::Uint(u, _) => J::from(*u),
        Value::String(s) => J::String(s.to_string()),
        Value::List(l, _) => J::Array(l.iter().map(to_json).collect()),
        Value::Map(m, _) => J::Object(
            m.snapshot()
                .iter()
                .map(|(k, v)| (k.to_string(), to_json(v)))
                .collect(),
        ),
        other => J::String(format!("{other:?}")),
    }
}

/// A canonical text of a JSON value: numbers as f64, object keys sorted; with
/// `unordered_clusters`, the entries of a `clusters` list are sorted too (flatList order
/// is unspecified in Argo CD).
fn canon(j: &J, unordered_clusters: bool) -> String {
    match j {
        J::Number(n) => format!("{}", n.as_f64().unwrap_or(f64::NAN)),
        J::Array(a) => {
            let items: Vec<String> = a.iter().map(|x| canon(x, unordered_clusters)).collect();
            format!("[{}]", items.join(","))
        }
        J::Object(o) => {
            let sorted: BTreeMap<&String, &J> = o.iter().collect();
            let items: Vec<String> = sorted
                .into_iter()
                .map(|(k, v)| {
                    let vs = match (k.as_str(), v, unordered_clusters) {
                        ("clusters", J::Array(a), true) => {
                            let mut items: Vec<String> = a.iter().map(|x| canon(x, true)).collect();
                            items.sort();
                            format!("[{}]", items.join(","))
                        }
                        _ => canon(v, unordered_clusters),
                    };
                    format!("{}:{vs}", serde_json::to_string(k).unwrap_or_default())
                })
                .collect();
            format!("{{{}}}", items.join(","))
        }
        other => other.to_string(),
    }
}

fn same(a: &J, b: &J) -> bool {
    canon(a, false) == canon(b, false)
}

fn map_of(j: &J) -> ParamSet {
    match val(j) {
        Value::Map(m, _) => (*m.snapshot()).clone(),
        _ => Map::new(),
    }
}

/// `a.b[0].c` into steps.
fn path_steps(p: &str) -> Vec<Result<String, usize>> {
    let mut out = Vec::new();
    for part in p.split('.') {
        let mut rest = part;
        if let Some(i) = rest.find('[') {
            out.push(Ok(rest[..i].to_string()));
            rest = &rest[i..];
            while let Some(end) = rest.find(']') {
                out.push(Err(rest[1..end].parse().unwrap_or(usize::MAX)));
                rest = &rest[end + 1..];
            }
        } else {
            out.push(Ok(rest.to_string()));
        }
    }
    out
}

fn lookup<'a>(j: &'a J, p: &str) -> Option<&'a J> {
    let mut cur = j;
    for s in path_steps(p) {
        cur = match s {
            Ok(k) => cur.get(&k)?,
            Err(i) => cur.get(i)?,
        };
    }
    Some(cur)
}

fn check_asserts(actual: &J, asserts: &J) -> Result<(), String> {
    let Some(a) = asserts.as_object() else {
        return Ok(());
    };
    for (path, want) in a {
        let got = lookup(actual, path);
        let ok = match (got, want) {
            (None, J::Null) | (Some(J::Null), J::Null) => true,
            (Some(g), w) => same(g, w),
            (None, _) => false,
        };
        if !ok {
            return Err(format!("{path}: got {got:?}, want {want}"));
        }
    }
    Ok(())
}

// ----------------------------------------------------------------------------------
// Fixtures

struct FixtureRepo {
    dirs: Vec<String>,
    files: BTreeMap<String, String>,
    error: Option<String>,
    pattern_matches: BTreeMap<String, Vec<String>>,
    notes: std::cell::RefCell<Vec<String>>,
}

impl RepoTree for FixtureRepo {
    fn directories(&self) -> Result<Vec<String>, String> {
        match &self.error {
            Some(e) => Err(e.clone()),
            None => Ok(self.dirs.clone()),
        }
    }

    fn files(&self) -> Result<Vec<String>, String> {
        match &self.error {
            Some(e) => Err(e.clone()),
            None => Ok(self.files.keys().cloned().collect()),
        }
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        self.files
            .get(path)
            .map(|s| s.as_bytes().to_vec())
            .ok_or_else(|| format!("{path}: no such file"))
    }

    fn match_files(&self, pattern: &str, globbing: GitFileGlobbing) -> Result<Vec<String>, String> {
        if let Some(e) = &self.error {
            return Err(e.clone());
        }
        let ours = glob::ls_files(self, pattern, globbing);
        match self.pattern_matches.get(pattern) {
            Some(fake) => {
                let mut f = fake.clone();
                f.sort();
                let mine = ours.clone().unwrap_or_default();
                if mine != f {
                    self.notes.borrow_mut().push(format!(
                        "pattern {pattern:?} ({globbing:?}): the test's fake repo server answered {f:?}, kiln's matcher {mine:?} (ours: {:?})",
                        ours.err()
                    ));
                }
                Ok(f)
            }
            None => ours,
        }
    }
}

struct FixtureClusters {
    secrets: Vec<ClusterSecret>,
    error: Option<String>,
}

impl ClusterSource for FixtureClusters {
    fn cluster_secrets(&self) -> Result<Vec<ClusterSecret>, String> {
        match &self.error {
            Some(e) => Err(e.clone()),
            None => Ok(self.secrets.clone()),
        }
    }
}

fn strings(j: Option<&J>) -> BTreeMap<String, String> {
    j.and_then(J::as_object)
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

fn fixture_clusters(inputs: &J) -> FixtureClusters {
    let ns = inputs.get("controllerNamespace").and_then(J::as_str);
    let secrets = inputs
        .get("clusterSecrets")
        .and_then(J::as_array)
        .map(|a| {
            a.iter()
                .filter(|s| {
                    ns.is_none() || s.pointer("/metadata/namespace").and_then(J::as_str) == ns
                })
                .map(|s| {
                    let data = strings(s.get("data"));
                    ClusterSecret {
                        name: data.get("name").cloned().unwrap_or_default(),
                        server: data.get("server").cloned().unwrap_or_default(),
                        project: data.get("project").cloned(),
                        labels: strings(s.pointer("/metadata/labels")),
                        annotations: strings(s.pointer("/metadata/annotations")),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    FixtureClusters {
        secrets,
        error: inputs
            .get("clientError")
            .and_then(J::as_str)
            .map(String::from),
    }
}

fn fixture_repo(inputs: &J) -> FixtureRepo {
    FixtureRepo {
        dirs: inputs
            .get("repoDirectories")
            .and_then(J::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|d| d.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default(),
        files: strings(inputs.get("repoFiles")),
        error: inputs
            .get("repoError")
            .and_then(J::as_str)
            .map(String::from),
        pattern_matches: inputs
            .get("patternMatches")
            .and_then(J::as_object)
            .map(|o| {
                o.iter()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            v.as_array()
                                .map(|a| {
                                    a.iter()
                                        .filter_map(|s| s.as_str().map(String::from))
                                        .collect()
                                })
                                .unwrap_or_default(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        notes: Default::default(),
    }
}

fn templater(spec: &J) -> Templater {
    let go = spec.get("goTemplate").and_then(J::as_bool).unwrap_or(false);
    let options = appset::go_template_options(&val(spec));
    Templater::new(go, &options)
}

// ----------------------------------------------------------------------------------
// Cases

struct Outcome {
    result: Result<(), String>,
    notes: Vec<String>,
}

/// Compares an operation's result with `expected.error`.
fn expect_error<T>(expected: &J, r: &Result<T, String>) -> Option<Result<(), String>> {
    let want_err = expected.get("error").and_then(J::as_bool).unwrap_or(false);
    match (want_err, r) {
        (true, Err(_)) => Some(Ok(())),
        (true, Ok(_)) => Some(Err("expected an error, got a result".into())),
        (false, Err(e)) => Some(Err(format!("unexpected error: {e}"))),
        (false, Ok(_)) => None,
    }
}

fn run_render(case: &J, spec: &J, inputs: &J, expected: &J) -> Result<(), String> {
    let mut t = templater(spec);
    let tmpl = inputs
        .get("template")
        .and_then(J::as_str)
        .unwrap_or_default();
    let params = inputs.get("params").map(map_of).unwrap_or_default();
    let source = case.get("source").and_then(J::as_str).unwrap_or_default();
    let want = expected.get("output").and_then(J::as_str);
    if source.contains("Test_Render_Replace") {
        // The Go test calls Render.Replace directly.
        let r = t.replace(tmpl, &Value::map(params));
        if let Some(x) = expect_error(expected, &r) {
            return x;
        }
        let got = r.unwrap_or_default();
        return if Some(got.as_str()) == want {
            Ok(())
        } else {
            Err(format!("got {got:?}, want {want:?}"))
        };
    }
    // As the Go tests: the string in several fields of an Application template.
    let fields = [
        "spec.source.path",
        "spec.source.repoURL",
        "spec.source.targetRevision",
        "spec.source.chart",
        "spec.destination.server",
        "spec.destination.namespace",
        "spec.destination.name",
        "spec.project",
    ];
    let ts = J::String(tmpl.to_string());
    let app_t = serde_json::json!({
        "metadata": {"name": "application-one", "namespace": "default",
                     "labels": {"label_name": "label_value"}, "annotations": {"annotation_key": "annotation_value"}},
        "spec": {"source": {"path": ts, "repoURL": ts, "targetRevision": ts, "chart": ts},
                 "destination": {"server": ts, "namespace": ts, "name": ts}, "project": ts}
    });
    let spec_v = val(spec);
    let r = appset::render_application(
        &spec_v,
        &appset::temp_application(&val(&app_t)),
        &params,
        &mut t,
    );
    if let Some(x) = expect_error(expected, &r) {
        return x;
    }
    let app = to_json(&r.unwrap_or_default());
    for f in fields {
        let got = lookup(&app, f).and_then(J::as_str);
        if got != want {
            return Err(format!("{f}: got {got:?}, want {want:?}"));
        }
    }
    check_asserts(
        &app,
        &serde_json::json!({"metadata.name": "application-one", "metadata.namespace": "default",
            "metadata.labels": {"label_name": "label_value"}, "metadata.annotations": {"annotation_key": "annotation_value"}}),
    )
}

fn run_application(spec: &J, inputs: &J, expected: &J) -> Result<(), String> {
    let mut t = templater(spec);
    let params = inputs.get("params").map(map_of).unwrap_or_default();
    let spec_v = val(spec);
    let tmpl = appset::temp_application(
        &spec_v
            .as_map_ref()
            .and_then(|m| m.get("template"))
            .unwrap_or(Value::Nil),
    );
    let r = appset::render_application(&spec_v, &tmpl, &params, &mut t);
    if let Some(x) = expect_error(expected, &r) {
        return x;
    }
    check_asserts(
        &to_json(&r.unwrap_or_default()),
        expected.get("assert").unwrap_or(&J::Null),
    )
}

fn compare_params(got: &[ParamSet], expected: &J) -> Result<(), String> {
    let got: Vec<J> = got
        .iter()
        .map(|p| to_json(&Value::map(p.clone())))
        .collect();
    if let Some(count) = expected.get("count").and_then(J::as_u64) {
        if got.len() as u64 != count {
            return Err(format!("got {} parameter sets, want {count}", got.len()));
        }
        if let Some(first) = expected.get("assert_params0").and_then(J::as_object) {
            for (k, want) in first {
                let have = got[0].get(k);
                if !have.is_some_and(|h| same(h, want)) {
                    return Err(format!("params[0].{k}: got {have:?}, want {want}"));
                }
            }
        }
        return Ok(());
    }
    let want = expected
        .get("params")
        .and_then(J::as_array)
        .cloned()
        .unwrap_or_default();
    let any = expected.get("order").and_then(J::as_str) == Some("any");
    let mut g: Vec<String> = got.iter().map(|p| canon(p, any)).collect();
    let mut w: Vec<String> = want.iter().map(|p| canon(p, any)).collect();
    if any {
        g.sort();
        w.sort();
    }
    if g == w {
        Ok(())
    } else {
        Err(format!("params differ\n  got:  {g:?}\n  want: {w:?}"))
    }
}

fn run_generator(spec: &J, inputs: &J, expected: &J) -> Result<Vec<String>, String> {
    let mut t = templater(spec);
    let repo = fixture_repo(inputs);
    let clusters = fixture_clusters(inputs);
    let is_local = |_: &str| true;
    let outputs: BTreeMap<String, Vec<ParamSet>> = inputs
        .get("generatorOutputs")
        .and_then(J::as_object)
        .map(|o| {
            o.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_array()
                            .map(|a| a.iter().map(map_of).collect())
                            .unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let hook = |kind: &str, _spec: &Value| outputs.get(kind).map(|sets| Ok(sets.clone()));
    let mut ctx = ExpandContext::new(&repo, &is_local);
    ctx.clusters = &clusters;
    ctx.git_file_globbing = match inputs.get("gitFileGlobbing").and_then(J::as_str) {
        Some("new") => GitFileGlobbing::New,
        _ => GitFileGlobbing::Old,
    };
    if !outputs.is_empty() {
        ctx.generator_override = Some(&hook);
    }
    let spec_v = val(spec);
    let gen0 = spec_v
        .as_map_ref()
        .and_then(|m| m.get("generators"))
        .and_then(|g| g.as_list().and_then(|l| l.first().cloned()))
        .unwrap_or(Value::Nil);
    let template = spec_v
        .as_map_ref()
        .and_then(|m| m.get("template"))
        .unwrap_or_else(Value::empty_map);
    let r = generators::transform(&gen0, &template, &mut t, &ctx);
    let notes = repo.notes.borrow().clone();
    if let Some(x) = expect_error(expected, &r) {
        return x.map(|_| notes);
    }
    let params: Vec<ParamSet> = r
        .unwrap_or_default()
        .into_iter()
        .flat_map(|g| g.params)
        .collect();
    compare_params(&params, expected).map(|_| notes)
}

fn run_interpolate(spec: &J, inputs: &J, expected: &J) -> Result<(), String> {
    let mut t = templater(spec);
    let params = inputs.get("params").map(map_of).unwrap_or_default();
    let gen0 = spec
        .get("generators")
        .and_then(|g| g.get(0))
        .cloned()
        .unwrap_or(J::Null);
    let r = generators::interpolate_generator(&val(&gen0), &params, &mut t);
    if let Some(x) = expect_error(expected, &r) {
        return x;
    }
    let got = to_json(&r.unwrap_or_default());
    if let Some(want) = expected.get("generator") {
        if !same(&got, want) {
            return Err(format!("got {got}, want {want}"));
        }
    }
    check_asserts(&got, expected.get("assert").unwrap_or(&J::Null))
}

fn run_merge_key_index(spec: &J, inputs: &J, expected: &J) -> Result<(), String> {
    let keys: Vec<String> = spec
        .pointer("/generators/0/merge/mergeKeys")
        .and_then(J::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|k| k.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let sets: Vec<ParamSet> = inputs
        .get("paramSets")
        .and_then(J::as_array)
        .map(|a| a.iter().map(map_of).collect())
        .unwrap_or_default();
    let r = generators::merge_key_index(&keys, &sets);
    if let Some(x) = expect_error(expected, &r) {
        return x;
    }
    let got = J::Object(
        r.unwrap_or_default()
            .into_iter()
            .map(|(k, s)| (k, to_json(&Value::map(s))))
            .collect(),
    );
    let want = expected.get("index").cloned().unwrap_or(J::Null);
    if same(&got, &want) {
        Ok(())
    } else {
        Err(format!("got {got}, want {want}"))
    }
}

fn run_template_patch(spec: &J, inputs: &J, expected: &J) -> Result<(), String> {
    let patch = spec
        .get("templatePatch")
        .and_then(J::as_str)
        .unwrap_or_default();
    let app = val(inputs.get("application").unwrap_or(&J::Null));
    let r = appset::apply_template_patch(&app, patch);
    if let Some(x) = expect_error(expected, &r) {
        return x;
    }
    let got = to_json(&r.unwrap_or_default());
    let want = expected.get("application").cloned().unwrap_or(J::Null);
    if same(&got, &want) {
        Ok(())
    } else {
        Err(format!("got {got}, want {want}"))
    }
}

fn run_template_merge(spec: &J, expected: &J) -> Result<(), String> {
    let base = val(spec.get("template").unwrap_or(&J::Null));
    let gen0 = spec.pointer("/generators/0").cloned().unwrap_or(J::Null);
    let own = gen0
        .as_object()
        .and_then(|o| o.values().find_map(|b| b.get("template")))
        .map(val);
    let got = to_json(&appset::merge_generator_template(&base, own));
    let want = expected.get("mergedTemplate").cloned().unwrap_or(J::Null);
    if same(&got, &want) {
        Ok(())
    } else {
        Err(format!("got {got}, want {want}"))
    }
}

fn run_values(spec: &J, inputs: &J, expected: &J) -> Result<(), String> {
    let mut t = templater(spec);
    let mut params = inputs.get("params").map(map_of).unwrap_or_default();
    let values = inputs.get("values").map(val);
    let r = generators::append_templated_values(values.as_ref(), &mut params, &mut t);
    if let Some(x) = expect_error(expected, &r) {
        return x;
    }
    let got = to_json(&Value::map(params));
    let want = expected.get("params").cloned().unwrap_or(J::Null);
    if same(&got, &want) {
        Ok(())
    } else {
        Err(format!("got {got}, want {want}"))
    }
}

fn run_case(case: &J) -> Outcome {
    let null = J::Null;
    let kind = case.get("kind").and_then(J::as_str).unwrap_or_default();
    let spec = case.pointer("/applicationset/spec").unwrap_or(&null);
    let inputs = case.get("inputs").unwrap_or(&null);
    let expected = case.get("expected").unwrap_or(&null);
    let mut notes = Vec::new();
    let result = match kind {
        "render" => run_render(case, spec, inputs, expected),
        "application" => run_application(spec, inputs, expected),
        "generator" => run_generator(spec, inputs, expected).map(|n| notes = n),
        "interpolate-generator" => run_interpolate(spec, inputs, expected),
        "merge-key-index" => run_merge_key_index(spec, inputs, expected),
        "template-patch" => run_template_patch(spec, inputs, expected),
        "template-merge" => run_template_merge(spec, expected),
        "values" => run_values(spec, inputs, expected),
        other => Err(format!("unknown case kind {other:?}")),
    };
    Outcome { result, notes }
}

#[test]
fn applicationset_vectors() {
    let path = std::env::var_os("KILN_APPSET_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join("../../../shared/vectors/applicationset.json"));
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("SKIPPED: {} not found", path.display());
        println!(
            "SKIPPED: ApplicationSet vectors not found at {}",
            path.display()
        );
        return;
    };
    let doc: J = serde_json::from_str(&text).expect("vectors parse");
    let cases = doc
        .get("cases")
        .and_then(J::as_array)
        .cloned()
        .unwrap_or_default();
    let known: BTreeSet<String> =
        std::fs::read_to_string(manifest_dir().join("tests/applicationset_known_failures.txt"))
            .unwrap_or_default()
            .lines()
            .map(|l| l.split('#').next().unwrap_or("").trim().to_string())
            .filter(|l| !l.is_empty())
            .collect();
    let mut per_kind: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut unexpected = Vec::new();
    let mut fixed = Vec::new();
    let mut notes = Vec::new();
    for case in &cases {
        let id = case
            .get("id")
            .and_then(J::as_str)
            .unwrap_or("?")
            .to_string();
        let kind = case
            .get("kind")
            .and_then(J::as_str)
            .unwrap_or("?")
            .to_string();
        let outcome =
            catch_unwind(AssertUnwindSafe(|| run_case(case))).unwrap_or_else(|_| Outcome {
                result: Err("panicked".into()),
                notes: Vec::new(),
            });
        for n in outcome.notes {
            notes.push(format!("{id}: {n}"));
        }
        let e = per_kind.entry(kind).or_default();
        e.1 += 1;
        match outcome.result {
            Ok(()) => {
                e.0 += 1;
                if known.contains(&id) {
                    fixed.push(id);
                }
            }
            Err(msg) => {
                if !known.contains(&id) {
                    unexpected.push(format!("{id}: {msg}"));
                }
            }
        }
    }
    let (mut pass, mut total) = (0, 0);
    println!("ApplicationSet vectors ({}):", path.display());
    for (kind, (p, t)) in &per_kind {
        println!("  {kind:<22} {p:>4}/{t}");
        pass += p;
        total += t;
    }
    println!("  {:<22} {pass:>4}/{total}", "total");
    for n in &notes {
        println!("note: {n}");
    }
    for f in &fixed {
        println!("known failure now passes (remove it from the list): {f}");
    }
    assert!(
        unexpected.is_empty(),
        "{} unexpected failures:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
}

/// kiln's default ("old") git file globbing against `git ls-files` (fixture generated
/// with real git).
#[test]
fn git_pathspec_matches_real_git() {
    let text = std::fs::read_to_string(manifest_dir().join("tests/fixtures/git_pathspec.json"))
        .expect("fixture");
    let doc: J = serde_json::from_str(&text).expect("fixture parses");
    let files: Vec<String> = doc["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(|f| f.as_str().map(String::from))
        .collect();
    let mut bad = Vec::new();
    for (pattern, want) in doc["patterns"].as_object().expect("patterns") {
        let got: Result<Vec<String>, String> = glob::normalize_pathspec(pattern).map(|spec| {
            files
                .iter()
                .filter(|f| glob::pathspec_match(&spec, f))
                .cloned()
                .collect()
        });
        match (want, got) {
            (J::Array(w), Ok(g)) => {
                let w: Vec<String> = w
                    .iter()
                    .filter_map(|s| s.as_str().map(String::from))
                    .collect();
                if w != g {
                    bad.push(format!("{pattern:?}: git {w:?}, kiln {g:?}"));
                }
            }
            (J::Object(_), Err(_)) => {}
            (w, g) => bad.push(format!("{pattern:?}: git {w}, kiln {g:?}")),
        }
    }
    assert!(bad.is_empty(), "pathspec mismatches:\n{}", bad.join("\n"));
}

/// Hostile or malformed ApplicationSets fail cleanly: no panic, bounded work.
#[test]
fn adversarial_inputs_fail_cleanly() {
    let repo = FixtureRepo {
        dirs: vec!["a".into(), "a/b".into()],
        files: [("a/x.yaml".to_string(), "k: v".to_string())]
            .into_iter()
            .collect(),
        error: None,
        pattern_matches: BTreeMap::new(),
        notes: Default::default(),
    };
    let is_local = |_: &str| true;
    let big: Vec<J> = (0..400)
        .map(|i| serde_json::json!({ "i": i.to_string() }))
        .collect();
    let big2: Vec<J> = (0..400)
        .map(|i| serde_json::json!({ "j": i.to_string() }))
        .collect();
    let mut deep = serde_json::json!("leaf");
    for _ in 0..300 {
        deep = serde_json::json!({ "d": deep });
    }
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n";
    let specs = vec![
        serde_json::json!({"generators": "str"}),
        serde_json::json!({"generators": [1, "x", null, []]}),
        serde_json::json!({"generators": [{"list": {"elements": [1, "x", null, {"a": {"b": 1}}]}}]}),
        serde_json::json!({"generators": [{"list": {"elementsYaml": bomb}}]}),
        serde_json::json!({"generators": [{"list": {"elementsYaml": "[1, 2"}}]}),
        serde_json::json!({"generators": [{"matrix": {"generators": [{"list": {"elements": big}}, {"list": {"elements": big2}}]}}]}),
        serde_json::json!({"goTemplate": true, "generators": [{"list": {"elements": [deep]}}]}),
        serde_json::json!({"generators": [{"list": {"elements": [{"a": "b"}]}, "selector": {"matchExpressions": "x"}}]}),
        serde_json::json!({"generators": [{"list": {"elements": [{"a": "b"}]}, "selector": {"matchLabels": {"a b": "c"}}}]}),
        serde_json::json!({"generators": [{"git": {"repoURL": "r", "directories": [{"path": "["}, {"path": "\\"}]}}]}),
        serde_json::json!({"generators": [{"git": {"repoURL": "r", "files": [{"path": "["}, {"path": "{a"}, {"path": "\\"}, {"path": ":(glob)x"}, {"path": "/x"}, {"path": "../x"}]}}]}),
        serde_json::json!({"generators": [{"merge": {"mergeKeys": [1], "generators": [{"list": {"elements": [{"a": "1"}]}}, {"list": {"elements": [{"a": "1"}]}}]}}]}),
        serde_json::json!({"generators": [{"matrix": {"generators": [{"list": {"elements": [{"a": "1"}]}}, {"matrix": {"generators": [{"list": {"elements": [{"b": "1"}]}}, {"matrix": {"generators": [{"list": {"elements": [{"c": "1"}]}}, {"list": {"elements": [{"d": "1"}]}}]}}]}}]}}]}),
        serde_json::json!({"generators": [{"scmProvider": {}}, {"pullRequest": {}}, {"plugin": {}}, {"clusterDecisionResource": {}}]}),
        serde_json::json!({"goTemplate": true, "templatePatch": "$patch: foo", "generators": [{"list": {"elements": [{"a": "1"}]}}], "template": {"metadata": {"name": "x"}}}),
        serde_json::json!({"goTemplate": true, "templatePatch": "{{ .nope.deeper }}", "generators": [{"list": {"elements": [{"a": "1"}]}}], "template": {"metadata": {"name": "{{"}}}),
        serde_json::json!({"generators": [{"list": {"elements": [{"a": "{{b"}]}}], "template": {"metadata": {"name": "{{a}} {{b"}}}),
        serde_json::json!({"goTemplate": true, "generators": [{"list": {"elements": [{"a": "1"}]}}], "template": {"metadata": {"name": "{{ slugify \"x\" \"y\" }}{{ slugify -1 false \"abc\" }}"}}}),
    ];
    let start = std::time::Instant::now();
    for (i, spec) in specs.iter().enumerate() {
        let appset =
            val(&serde_json::json!({"metadata": {"name": format!("adv{i}")}, "spec": spec}));
        let ctx = ExpandContext::new(&repo, &is_local);
        let mut ctx_new = ExpandContext::new(&repo, &is_local);
        ctx_new.git_file_globbing = GitFileGlobbing::New;
        for c in [&ctx, &ctx_new] {
            let r = catch_unwind(AssertUnwindSafe(|| appset::expand(&appset, "argocd", c)));
            let exp = r.unwrap_or_else(|_| panic!("case {i} panicked: {spec}"));
            assert!(
                !exp.errors.is_empty() || !exp.warnings.is_empty() || i == 9,
                "case {i} should report a problem: {spec} -> {} apps",
                exp.applications.len()
            );
        }
    }
    assert!(start.elapsed().as_secs() < 60, "took {:?}", start.elapsed());
}
