//! Shared by the replay and smoke tests: where `../shared` and `fuzz/` are, the seed
//! inputs derived from `../shared` (built in-process, the same sources as `fuzz/seed.py`),
//! a few built-in seeds for when `../shared` is absent, running a target on one input
//! with the input reported on a panic, and the deterministic mutator of the smoke fuzz.

#![allow(dead_code)]

use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use serde_json::Value as J;

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `../shared` (or `KILN_SHARED`), if present.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("KILN_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared"));
    dir.join("vectors").is_dir().then_some(dir)
}

/// Prints the loud skip notice.
pub fn skipped(what: &str) {
    eprintln!("\n==============================================================");
    eprintln!("SKIPPED: ../shared not found ({what})");
    eprintln!("==============================================================\n");
}

/// The target function named `name`.
pub fn target(name: &str) -> fn(&[u8]) {
    kiln_fuzz_targets::TARGETS
        .iter()
        .find(|(n, _)| *n == name)
        .unwrap_or_else(|| panic!("no target {name}"))
        .1
}

/// Runs `target` on `input`; on a panic, writes the input where a human finds it and
/// fails with its path and an escaped preview.
pub fn run_one(name: &str, input: &[u8], what: &str) {
    let f = target(name);
    if catch_unwind(AssertUnwindSafe(|| f(input))).is_err() {
        let dir = std::env::temp_dir().join("kiln-fuzz-failures").join(name);
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join(format!("{:016x}", fnv(input)));
        let _ = std::fs::File::create(&path).and_then(|mut f| f.write_all(input));
        let preview: String = String::from_utf8_lossy(&input[..input.len().min(400)])
            .escape_debug()
            .collect();
        panic!(
            "target {name} panicked on {what}; input saved as {} (add it under \
             fuzz/regressions/{name}/ once fixed)\ninput: {preview}",
            path.display()
        );
    }
}

fn fnv(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf29ce484222325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}

// ---------------------------------------------------------------------------------
// Seeds from ../shared (mirrors fuzz/seed.py)

/// Seeds larger than this are left out (as `fuzz/seed.py` does).
pub const MAX_SEED: usize = 64 * 1024;
/// Charts up to this size on disk become archive seeds.
const MAX_CHART_DIR: u64 = 256 * 1024;
/// Per chart, at most this many templates become template_exec seeds.
const MAX_EXEC_PER_CHART: usize = 8;

fn load_json(path: &Path) -> Option<J> {
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

fn vector_values(case: &J) -> String {
    match case.get("values_yaml").and_then(J::as_str) {
        Some(s) => s.to_string(),
        None => case
            .get("values")
            .filter(|v| !v.is_null())
            .map(|v| v.to_string())
            .unwrap_or_else(|| "{}".into()),
    }
}

fn helpers_text(case: &J) -> String {
    match case.get("helpers") {
        Some(J::String(s)) => s.clone(),
        Some(J::Object(o)) => o.values().filter_map(J::as_str).collect(),
        _ => String::new(),
    }
}

/// Every template of `vectors/{gotemplate,helm,sprig}.json` with its helpers, and its
/// values document: `(id, template, values)`.
pub fn vector_templates(shared: &Path) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for name in ["gotemplate", "helm", "sprig"] {
        let Some(J::Array(cases)) = load_json(&shared.join(format!("vectors/{name}.json"))) else {
            continue;
        };
        for case in &cases {
            let id = case.get("id").and_then(J::as_str).unwrap_or("?");
            let tpl = case.get("template").and_then(J::as_str).unwrap_or("");
            out.push((
                format!("{name}/{id}"),
                format!("{tpl}{}", helpers_text(case)),
                vector_values(case),
            ));
        }
    }
    out
}

/// The seeds of target `name` derived from `shared`.
pub fn seeds(shared: &Path, name: &str) -> Vec<Vec<u8>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    match name {
        "template_parse" => {
            for (_, t, _) in vector_templates(shared) {
                out.push(t.into_bytes());
            }
            for c in chart_dirs(shared) {
                for t in chart_templates(&c) {
                    out.push(read(&t));
                }
            }
        }
        "template_exec" => {
            for (_, t, v) in vector_templates(shared) {
                out.push(format!("{t}\0{v}").into_bytes());
            }
            for c in chart_dirs(shared) {
                let templates = chart_templates(&c);
                let values = read(&c.join("values.yaml"));
                let helpers: Vec<u8> = templates
                    .iter()
                    .filter(|t| is_partial(t))
                    .flat_map(|t| read(t))
                    .collect();
                for t in templates
                    .iter()
                    .filter(|t| !is_partial(t))
                    .take(MAX_EXEC_PER_CHART)
                {
                    let mut s = helpers.clone();
                    s.extend(read(t));
                    s.push(0);
                    s.extend(&values);
                    out.push(s);
                }
            }
        }
        "values_yaml" => {
            for name in ["helm"] {
                if let Some(J::Array(cases)) =
                    load_json(&shared.join(format!("vectors/{name}.json")))
                {
                    for case in cases.iter().filter(|c| {
                        c.get("values_yaml").is_some() || c.get("user_values").is_some()
                    }) {
                        let user = match case.get("user_values") {
                            Some(J::String(s)) => s.clone(),
                            Some(v) if !v.is_null() => v.to_string(),
                            _ => "{}".into(),
                        };
                        out.push(format!("{user}\0{}", vector_values(case)).into_bytes());
                    }
                }
            }
            for c in chart_dirs(shared) {
                let values = read(&c.join("values.yaml"));
                let mut s = vec![0];
                s.extend(&values);
                out.push(s);
                for f in sorted_files(&c.join("ci")) {
                    let mut s = read(&f);
                    s.push(0);
                    s.extend(&values);
                    out.push(s);
                }
            }
            for f in walk(&shared.join("corpus/values")) {
                out.push(read(&f));
            }
        }
        "appset_expand" => {
            if let Some(v) = load_json(&shared.join("vectors/applicationset.json")) {
                for case in v.get("cases").and_then(J::as_array).into_iter().flatten() {
                    out.push(appset_of(case).to_string().into_bytes());
                }
            }
            out.extend(builtin_seeds("appset_expand"));
            for f in walk(&shared.join("corpus/expected")) {
                let text = String::from_utf8_lossy(&read(&f)).into_owned();
                if !text.contains("kind: ApplicationSet") {
                    continue;
                }
                let Ok(j) = serde_json::from_str::<J>(&text) else {
                    continue;
                };
                for m in j
                    .get("manifests")
                    .and_then(J::as_object)
                    .into_iter()
                    .flat_map(|o| o.values())
                {
                    for doc in m.as_str().unwrap_or("").split("\n---") {
                        if doc.contains("kind: ApplicationSet") {
                            out.push(doc.as_bytes().to_vec());
                        }
                    }
                }
            }
        }
        "chart_archive" => {
            for c in chart_dirs(shared) {
                if dir_size(&c) <= MAX_CHART_DIR {
                    out.push(archive(&c));
                }
            }
        }
        _ => panic!("no target {name}"),
    }
    out.retain(|s| s.len() <= MAX_SEED || name == "chart_archive");
    out.sort();
    out.dedup();
    out
}

/// An ApplicationSet for an `applicationset.json` case (as `fuzz/seed.py` builds it).
fn appset_of(case: &J) -> J {
    let mut a = case.get("applicationset").cloned().unwrap_or(J::Null);
    if !a.is_object() {
        a = serde_json::json!({});
    }
    let o = a.as_object_mut().unwrap();
    o.entry("apiVersion")
        .or_insert("argoproj.io/v1alpha1".into());
    o.entry("kind").or_insert("ApplicationSet".into());
    let id: String = case
        .get("id")
        .and_then(J::as_str)
        .unwrap_or("x")
        .chars()
        .take(60)
        .collect();
    o.entry("metadata")
        .or_insert(serde_json::json!({ "name": id }));
    let spec = o.entry("spec").or_insert(serde_json::json!({}));
    let inputs = case.get("inputs").cloned().unwrap_or(J::Null);
    if let Some(spec) = spec.as_object_mut() {
        if let Some(p) = inputs.get("params").filter(|p| p.is_object()) {
            spec.entry("generators")
                .or_insert(serde_json::json!([{ "list": { "elements": [p] } }]));
        }
        let t = inputs.get("template").and_then(J::as_str).unwrap_or("app");
        spec.entry("template").or_insert(serde_json::json!({
            "metadata": { "name": t },
            "spec": {
                "project": "default",
                "source": { "repoURL": "https://example/repo.git", "path": t, "targetRevision": "HEAD" },
                "destination": { "server": "https://kubernetes.default.svc", "namespace": t },
            },
        }));
    }
    a
}

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_default()
}

fn is_partial(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('_'))
}

fn sorted_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v
}

/// Every file under `dir`, sorted.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn dir_size(d: &Path) -> u64 {
    walk(d)
        .iter()
        .filter_map(|p| p.metadata().ok())
        .map(|m| m.len())
        .sum()
}

/// The chart directories of `corpus/charts` and `corpus/seed-charts` (not their
/// vendored subcharts), sorted.
pub fn chart_dirs(shared: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for top in ["charts", "seed-charts"] {
        let mut stack = vec![shared.join("corpus").join(top)];
        while let Some(d) = stack.pop() {
            if d.join("Chart.yaml").is_file() {
                out.push(d);
                continue;
            }
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                if e.path().is_dir() {
                    stack.push(e.path());
                }
            }
        }
    }
    out.sort();
    out
}

fn chart_templates(chart: &Path) -> Vec<PathBuf> {
    walk(&chart.join("templates"))
}

/// A `.tgz` of chart directory `dir` laid out as `helm package` does (`<name>/...`).
pub fn archive(dir: &Path) -> Vec<u8> {
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("chart");
    let files: Vec<(String, Vec<u8>)> = walk(dir)
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (format!("{name}/{rel}"), read(&p))
        })
        .collect();
    tgz(&files)
}

/// A gzipped tar of `(path, content)` entries.
pub fn tgz(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut tar = tar::Builder::new(gz);
    for (path, data) in files {
        let mut h = tar::Header::new_ustar();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        // Long or odd names go in GNU long-name entries; a path tar refuses is skipped.
        if tar.append_data(&mut h, path, data.as_slice()).is_err() {
            continue;
        }
    }
    tar.into_inner()
        .and_then(|gz| gz.finish())
        .unwrap_or_default()
}

/// Seeds of target `name` that need no `../shared` (the smoke fuzz starts from these
/// when it is absent).
pub fn builtin_seeds(name: &str) -> Vec<Vec<u8>> {
    let s: Vec<&[u8]> = match name {
        "template_parse" | "template_exec" => vec![
            b"{{ .Values.a | default \"x\" | quote }}\n{{- range $i, $v := .Values.l }}{{ $i }}={{ $v }}{{ end }}\0a: 1\nl: [1, two, {c: 3}]\n",
            b"{{ define \"t\" }}{{ if gt (len .) 1 }}{{ template \"t\" (rest .) }}{{ else }}{{ . }}{{ end }}{{ end }}{{ template \"t\" (list 1 2 3) }}\0",
            b"{{ $d := dict \"a\" (list 1 2) }}{{ toYaml $d | nindent 2 }}{{ tpl \"{{ .Values.x }}\" . }}{{ include \"b\" . }}{{ with .Values.m }}{{ .k }}{{ else }}none{{ end }}{{/* c */}}\0x: y\nm: {k: v}\n",
            b"{{ block \"b\" . }}{{ printf \"%05.2f %q %v\" 3.14159 \"s\" .Values }}{{ end }}{{ range until 3 }}{{ if eq . 1 }}{{ continue }}{{ end }}{{ . }}{{ break }}{{ end }}\0",
            b"{{ regexReplaceAll \"a(b+)\" \"abbb\" \"${1}\" | upper | trunc 3 }}{{ semverCompare \">=1.2\" \"1.3.0\" }}{{ fromYaml \"a: [1]\" | toJson }}{{ b64enc \"x\" | b64dec }}\0",
        ],
        "values_yaml" => vec![
            b"a: 1\nb: {c: null, d: [1, 2]}\nglobal: {g: 1}\n\0a: 2\nb: {c: 3, e: 4}\nsub: {x: 1, global: {h: 2}}\n",
            b"anchors: &a {x: 1}\nref: *a\nmerge: {<<: *a, y: 2}\n\0---\nz: !!binary aGk=\n---\nw: 0x1F\n",
            b"\0a: yes\nb: 1e3\nc: '010'\nd: ~\n",
        ],
        "appset_expand" => vec![
            b"apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: s}\nspec:\n  goTemplate: true\n  generators:\n  - matrix:\n      generators:\n      - git: {repoURL: https://e/r.git, revision: HEAD, directories: [{path: 'apps/*'}]}\n      - clusters: {selector: {matchLabels: {env: dev}}}\n  template:\n    metadata: {name: '{{.path.basename}}-{{.name}}'}\n    spec: {project: default, source: {repoURL: https://e/r.git, path: '{{.path.path}}'}, destination: {server: '{{.server}}', namespace: x}}\n",
            b"apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: s}\nspec:\n  generators:\n  - merge:\n      mergeKeys: [name]\n      generators:\n      - clusters: {values: {r: '1'}}\n      - list: {elements: [{name: prod, values.r: '3'}]}\n  - git: {repoURL: https://e/r.git, revision: HEAD, files: [{path: 'apps/**/config.*'}]}\n  template:\n    metadata: {name: 'x-{{name}}'}\n    spec: {project: default, source: {repoURL: https://e/r.git, path: '.'}, destination: {server: https://k, namespace: x}}\n",
        ],
        "chart_archive" => return vec![tgz(&[
            ("c/Chart.yaml".into(), b"apiVersion: v2\nname: c\nversion: 1.0.0\ndependencies:\n- name: sub\n  version: 1.0.0\n  condition: sub.enabled\n".to_vec()),
            ("c/values.yaml".into(), b"a: 1\nsub: {enabled: true}\n".to_vec()),
            ("c/templates/_h.tpl".into(), b"{{ define \"c.name\" }}{{ .Chart.Name }}{{ end }}".to_vec()),
            ("c/templates/cm.yaml".into(), b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include \"c.name\" . }}\ndata:\n  a: {{ .Values.a | quote }}\n  f: {{ .Files.Get \"files/x.txt\" | quote }}\n".to_vec()),
            ("c/files/x.txt".into(), b"hello".to_vec()),
            ("c/charts/sub/Chart.yaml".into(), b"apiVersion: v2\nname: sub\nversion: 1.0.0\n".to_vec()),
            ("c/charts/sub/templates/s.yaml".into(), b"kind: Secret\nmetadata: {name: s}\n".to_vec()),
        ])],
        _ => panic!("no target {name}"),
    };
    s.into_iter().map(|x| x.to_vec()).collect()
}

// ---------------------------------------------------------------------------------
// The smoke fuzz's mutator

/// xorshift64*: a tiny deterministic PRNG.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (any value; 0 is mapped to a constant).
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545F4914F6CDD1D)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Tokens the mutator inserts: template syntax, YAML syntax, large and odd numbers.
pub const DICT: &[&str] = &[
    "{{",
    "}}",
    "{{-",
    "-}}",
    "{{- ",
    " -}}",
    "{{/*",
    "*/}}",
    "end",
    "else",
    "if ",
    "range ",
    "with ",
    "define \"x\"",
    "template \"x\"",
    "block \"x\" .",
    "break",
    "continue",
    "$x := ",
    "$x = ",
    "$",
    ".",
    ".Values",
    ".Values.a",
    "|",
    "(",
    ")",
    "\"",
    "`",
    "'",
    "nil",
    "true",
    " . ",
    "include \"x\" .",
    "tpl ",
    "toYaml",
    "fromYaml",
    "printf \"%v\"",
    "until ",
    "repeat ",
    "dict",
    "list",
    "set",
    "index",
    "slice",
    "and",
    "or",
    "not",
    "eq",
    "len",
    "default",
    "required",
    "fail",
    "lookup",
    "1000000",
    "-1",
    "0x7fffffffffffffff",
    "1e308",
    "9223372036854775808",
    "0.5",
    "'a'",
    "\0",
    "\n",
    "\t",
    " ",
    ":",
    ": ",
    "- ",
    "-",
    "---\n",
    "&a ",
    "*a",
    "<<: ",
    "!!binary ",
    "!!str ",
    "? ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "#",
    "|\n",
    ">-\n",
    "~",
    "null",
    "yes",
    "goTemplate: true\n",
    "generators:\n",
    "matrix:",
    "merge:",
    "list:",
    "clusters:",
    "git:",
    "elements:",
    "mergeKeys:",
    "templatePatch: ",
    "{{.name}}",
    "{{name}}",
    "values:",
    "selector:",
    "matchExpressions:",
    "files:",
    "directories:",
    "path: '**'",
    "exclude: true",
    "global:",
    "\u{feff}",
    "\u{2028}",
    "\u{fffd}",
    "é",
];

/// One mutation of `data` (`others` are the seeds, for splicing).
pub fn mutate(rng: &mut Rng, data: &mut Vec<u8>, others: &[Vec<u8>]) {
    let len = data.len();
    match rng.below(9) {
        0 if len > 0 => {
            let i = rng.below(len);
            data[i] ^= 1 << rng.below(8);
        }
        1 if len > 0 => {
            let i = rng.below(len);
            data[i] = rng.next() as u8;
        }
        2 => {
            let i = rng.below(len + 1);
            data.insert(i, rng.next() as u8);
        }
        3 | 4 => {
            let i = rng.below(len + 1);
            let tok = DICT[rng.below(DICT.len())].as_bytes();
            data.splice(i..i, tok.iter().copied());
        }
        5 if len > 0 => {
            let i = rng.below(len);
            let n = 1 + rng.below((len - i).min(64));
            data.drain(i..i + n);
        }
        6 if len > 0 => {
            let i = rng.below(len);
            let n = 1 + rng.below((len - i).min(64));
            let chunk: Vec<u8> = data[i..i + n].to_vec();
            let j = rng.below(len + 1);
            data.splice(j..j, chunk);
        }
        7 if !others.is_empty() => {
            // splice: our prefix, another seed's suffix
            let o = &others[rng.below(others.len())];
            let i = rng.below(len + 1);
            let j = rng.below(o.len() + 1);
            data.truncate(i);
            data.extend_from_slice(&o[j..]);
        }
        8 if !others.is_empty() => {
            // insert a chunk of another seed
            let o = &others[rng.below(others.len())];
            if !o.is_empty() {
                let j = rng.below(o.len());
                let n = 1 + rng.below((o.len() - j).min(128));
                let i = rng.below(len + 1);
                data.splice(i..i, o[j..j + n].iter().copied());
            }
        }
        _ => {
            let i = rng.below(len + 1);
            data.insert(i, b'{');
        }
    }
}

/// The smoke fuzz of target `name`: `iterations` inputs, each a seed with 1–4
/// mutations (an archive seed is unpacked, one file mutated, and packed again), every
/// 16th result kept as a further seed. Deterministic for a given seed list.
pub fn smoke(name: &str, seeds: &[Vec<u8>], iterations: usize) {
    let mut rng = Rng::new(0x6b696c6e ^ fnv(name.as_bytes()));
    let mut pool: Vec<Vec<u8>> = seeds.to_vec();
    let archives: Vec<Vec<(String, Vec<u8>)>> = if name == "chart_archive" {
        seeds.iter().filter_map(|s| untgz(s)).collect()
    } else {
        Vec::new()
    };
    for it in 0..iterations {
        let input = if name == "chart_archive" && !archives.is_empty() {
            let mut files = archives[rng.below(archives.len())].clone();
            if files.is_empty() {
                continue;
            }
            let others: Vec<Vec<u8>> = files.iter().map(|f| f.1.clone()).collect();
            for _ in 0..1 + rng.below(4) {
                let k = rng.below(files.len());
                if rng.below(8) == 0 {
                    let mut n = files[k].0.clone().into_bytes();
                    mutate(&mut rng, &mut n, &[]);
                    files[k].0 = String::from_utf8_lossy(&n).into_owned();
                } else {
                    mutate(&mut rng, &mut files[k].1, &others);
                }
            }
            tgz(&files)
        } else {
            let mut d = pool[rng.below(pool.len())].clone();
            for _ in 0..1 + rng.below(4) {
                mutate(&mut rng, &mut d, &pool[..seeds.len()]);
            }
            d.truncate(kiln_fuzz_targets::MAX_INPUT);
            if it % 16 == 0 {
                pool.push(d.clone());
            }
            d
        };
        run_one(name, &input, &format!("smoke iteration {it}"));
    }
}

/// The entries of a `.tgz` (`None` if it is not one).
pub fn untgz(data: &[u8]) -> Option<Vec<(String, Vec<u8>)>> {
    use std::io::Read;
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(data));
    let mut out = Vec::new();
    for e in ar.entries().ok()? {
        let mut e = e.ok()?;
        let path = String::from_utf8_lossy(&e.path_bytes()).into_owned();
        let mut buf = Vec::new();
        e.read_to_end(&mut buf).ok()?;
        out.push((path, buf));
    }
    Some(out)
}
