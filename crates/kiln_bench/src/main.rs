//! kiln's benchmark harness (BENCHMARKS.md): one command, one machine, one run.
//!
//! ```text
//! cargo run --release -p kiln_bench -- [render|fleet|startup|all] [options]
//! ```
//!
//! - `render`: every recorded render of `../shared/corpus` (the charts and values of
//!   the corpus parity test) with kiln in this process (one thread, templates parsed
//!   once, N timed iterations after one warm-up), then with Helm's own engine
//!   in-process (`helm_bench.py`, helm-python-sdk 0.2.2: render calls only, same values,
//!   same iterations); per-chart and total throughput and their ratio.
//! - `fleet`: `kiln compile` (the release binary, built first) of a synthetic monorepo
//!   (`scripts/synth-monorepo.py`, 1,000 apps × 10 clusters by default) into a fresh
//!   directory with 1 and 2 threads, runs alternating between the two: wall time, CPU
//!   time and peak RSS of the child process (`wait4`), best and median of R runs;
//!   checks both outputs are byte-identical.
//! - `startup`: `kiln --version` and `kiln check` of the example monorepo.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use kiln_gotmpl::Map;
use kiln_helm::engine::{render, RenderOptions};
use kiln_helm::loader;

/// The same allocator as the `kiln` binary, so in-process figures are kiln's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage: kiln_bench [all|render|fleet|startup] [--iterations N] [--filter S]
                  [--apps N] [--clusters M] [--runs R] [--out-dir DIR] [--no-helm]
                  [--corpus DIR] [--json FILE]

  all (default)   render + fleet + startup
  render          corpus render throughput: kiln vs Helm's engine in-process
  fleet           kiln compile of the synthetic monorepo with 1 and 2 threads
  startup         kiln --version and kiln check of the example monorepo
  --iterations N  timed renders per corpus case (default 5)
  --filter S      only corpus cases whose id contains S
  --apps/--clusters  synthetic monorepo size (default 1000 x 10)
  --runs R        runs per fleet measurement (startup: at least 10): best and median (default 3)
  --out-dir DIR   where the fleet runs write their trees (default target/kiln-bench)
  --no-helm       skip Helm's side of the render benchmark
  --corpus DIR    the corpus (default ../shared/corpus)
  --json FILE     also write every figure as JSON
  env PYTHON      Python with helm-python-sdk==0.2.2 (default python3)
";

struct Args {
    what: String,
    iterations: usize,
    filter: Option<String>,
    apps: usize,
    clusters: usize,
    runs: usize,
    helm: bool,
    corpus: PathBuf,
    json: Option<PathBuf>,
    out_dir: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let root = workspace_root();
    let mut a = Args {
        what: "all".into(),
        iterations: 5,
        filter: None,
        apps: 1000,
        clusters: 10,
        runs: 3,
        helm: true,
        corpus: root.join("../shared/corpus"),
        json: None,
        out_dir: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        let number = |v: String, name: &str| {
            v.parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or(format!("{name}: expected a positive number, got {v:?}"))
        };
        match arg.as_str() {
            "all" | "render" | "fleet" | "startup" => a.what = arg,
            "--iterations" => a.iterations = number(value(&arg)?, &arg)?,
            "--apps" => a.apps = number(value(&arg)?, &arg)?,
            "--clusters" => a.clusters = number(value(&arg)?, &arg)?,
            "--runs" => a.runs = number(value(&arg)?, &arg)?,
            "--filter" => a.filter = Some(value(&arg)?),
            "--corpus" => a.corpus = PathBuf::from(value(&arg)?),
            "--json" => a.json = Some(PathBuf::from(value(&arg)?)),
            "--out-dir" => a.out_dir = Some(PathBuf::from(value(&arg)?)),
            "--no-helm" => a.helm = false,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(a)
}

/// The workspace root (this crate lives in `crates/kiln_bench`).
fn workspace_root() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    p.canonicalize().unwrap_or(p)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("kiln_bench: {e}");
            }
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    print_machine();
    let mut report = serde_json::Map::new();
    let mut ok = true;
    if matches!(args.what.as_str(), "all" | "render") {
        match bench_render(&args) {
            Ok(j) => {
                report.insert("render".into(), j);
            }
            Err(e) => {
                eprintln!("kiln_bench: render: {e}");
                ok = false;
            }
        }
    }
    if matches!(args.what.as_str(), "all" | "fleet" | "startup") {
        let kiln = match build_kiln() {
            Ok(k) => k,
            Err(e) => {
                eprintln!("kiln_bench: {e}");
                return ExitCode::from(2);
            }
        };
        if matches!(args.what.as_str(), "all" | "fleet") {
            match bench_fleet(&args, &kiln) {
                Ok(j) => {
                    report.insert("fleet".into(), j);
                }
                Err(e) => {
                    eprintln!("kiln_bench: fleet: {e}");
                    ok = false;
                }
            }
        }
        if matches!(args.what.as_str(), "all" | "startup") {
            match bench_startup(&args, &kiln) {
                Ok(j) => {
                    report.insert("startup".into(), j);
                }
                Err(e) => {
                    eprintln!("kiln_bench: startup: {e}");
                    ok = false;
                }
            }
        }
    }
    if let Some(path) = &args.json {
        let text =
            serde_json::to_string_pretty(&serde_json::Value::Object(report)).unwrap_or_default();
        if let Err(e) = std::fs::write(path, text + "\n") {
            eprintln!("kiln_bench: {}: {e}", path.display());
            ok = false;
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Prints what the figures were measured on.
fn print_machine() {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).to_string())
        .unwrap_or_else(|| "unknown".into());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_gib = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|l| l.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0 / 1024.0)
        .unwrap_or(0.0);
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "machine: {cpus} CPUs ({model}), {mem_gib:.1} GiB RAM; load average {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
}

// ---------------------------------------------------------------------------------
// render: kiln vs Helm's engine on the corpus

/// One recorded render of the corpus.
struct Case {
    id: String,
    /// `source/chart`, what the per-chart table groups by.
    chart_id: String,
    chart_dir: PathBuf,
    values_files: Vec<PathBuf>,
    release: String,
    namespace: String,
    /// Recorded as nondeterministic (random passwords, generated keys and certificates):
    /// their time is mostly key generation, not template rendering.
    nondeterministic: bool,
}

/// The cases of the corpus parity test (`crates/kiln_helm/tests/corpus.rs`): every
/// `expected/<source>/<chart>[@<values>].json`, with the values it names.
fn corpus_cases(corpus: &Path, filter: Option<&str>) -> Result<Vec<Case>, String> {
    let expected = corpus.join("expected");
    let mut paths = Vec::new();
    for src in read_dir_sorted(&expected)? {
        for f in read_dir_sorted(&src)? {
            if f.extension().is_some_and(|e| e == "json") {
                paths.push(f);
            }
        }
    }
    let mut cases = Vec::new();
    for path in paths {
        let source = file_name(path.parent().unwrap_or(Path::new("")));
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let id = format!("{source}/{stem}");
        if filter.is_some_and(|f| !id.contains(f)) {
            continue;
        }
        let chart = stem.split('@').next().unwrap_or(&stem).to_string();
        let chart_dir = corpus.join("charts").join(&source).join(&chart);
        let rec: serde_json::Value = std::fs::read(&path)
            .map_err(|e| format!("{}: {e}", path.display()))
            .and_then(|b| {
                serde_json::from_slice(&b).map_err(|e| format!("{}: {e}", path.display()))
            })?;
        let mut values_files = Vec::new();
        if let Some(f) = rec.get("values_file").and_then(|v| v.as_str()) {
            values_files.push(chart_dir.join(f));
        }
        if let Some(list) = rec.get("values_files").and_then(|v| v.as_array()) {
            for f in list.iter().filter_map(|v| v.as_str()) {
                values_files.push(corpus.join(f));
            }
        }
        cases.push(Case {
            id,
            chart_id: format!("{source}/{chart}"),
            chart_dir,
            values_files,
            release: rec["release"].as_str().unwrap_or("release-name").into(),
            namespace: rec["namespace"].as_str().unwrap_or("default").into(),
            nondeterministic: rec["nondeterministic"].as_bool().unwrap_or(false),
        });
    }
    Ok(cases)
}

fn read_dir_sorted(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    v.sort();
    Ok(v)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The user values of a case: its value files merged like `helm -f a -f b`.
fn user_values(case: &Case) -> Result<Map, String> {
    let mut vals = Map::new();
    for f in &case.values_files {
        let text = std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display()))?;
        let m = loader::load_values(&text).map_err(|(e, _)| e)?;
        vals = kiln_helm::values::merge_maps(vals, m);
    }
    Ok(vals)
}

/// Per-case timings: seconds of each timed iteration (empty when it failed).
type Timings = BTreeMap<String, Result<Vec<f64>, String>>;

/// kiln's side: each chart loaded once, one warm-up render (which parses the
/// templates), then `iterations` timed renders.
/// kiln's side: per case the timed renders, plus the first render's time and the set
/// of cases whose templates call clock, random or crypto functions (key generation,
/// bcrypt), which [`kiln_helm::funcs::volatile_calls`] counts.
fn time_kiln(
    cases: &[Case],
    iterations: usize,
) -> (Timings, BTreeMap<String, f64>, BTreeSet<String>) {
    let mut out = Timings::new();
    let mut first = BTreeMap::new();
    let mut volatile = BTreeSet::new();
    for case in cases {
        let r = (|| {
            let chart = Arc::new(loader::load_dir(&case.chart_dir).map_err(|e| e.message)?);
            let vals = user_values(case)?;
            let opts = RenderOptions {
                release_name: case.release.clone(),
                namespace: case.namespace.clone(),
                ..Default::default()
            };
            let calls = kiln_helm::funcs::volatile_calls();
            let start = Instant::now();
            render(&chart, &vals, &opts).map_err(|e| e.message)?;
            first.insert(case.id.clone(), start.elapsed().as_secs_f64());
            if kiln_helm::funcs::volatile_calls() != calls {
                volatile.insert(case.id.clone());
            }
            let mut times = Vec::with_capacity(iterations);
            for _ in 0..iterations {
                let start = Instant::now();
                let rendered = render(&chart, &vals, &opts);
                times.push(start.elapsed().as_secs_f64());
                drop(rendered);
            }
            Ok(times)
        })();
        out.insert(case.id.clone(), r);
    }
    (out, first, volatile)
}

/// Helm's side, in a Python subprocess (`helm_bench.py`).
fn time_helm(cases: &[Case], iterations: usize) -> Result<(String, Timings), String> {
    let dir = bench_dir();
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let cases_file = dir.join("helm-cases.json");
    let list: Vec<serde_json::Value> = cases
        .iter()
        .map(|c| {
            serde_json::json!({
                "id": c.id,
                "chart_dir": c.chart_dir,
                "values_files": c.values_files,
                "release": c.release,
                "namespace": c.namespace,
            })
        })
        .collect();
    std::fs::write(&cases_file, serde_json::Value::Array(list).to_string())
        .map_err(|e| format!("{}: {e}", cases_file.display()))?;
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("helm_bench.py");
    let out = Command::new(&python)
        .arg(&script)
        .arg(&cases_file)
        .arg(iterations.to_string())
        .stderr(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {python}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{} {} failed ({}); install the oracle's library: pip install helm-python-sdk==0.2.2",
            python,
            script.display(),
            out.status
        ));
    }
    let j: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("helm_bench.py output: {e}"))?;
    let version = j["helm"].as_str().unwrap_or("?").to_string();
    let mut t = Timings::new();
    if let Some(m) = j["cases"].as_object() {
        for (id, v) in m {
            let r = match v["error"].as_str() {
                Some(e) => Err(e.to_string()),
                None => Ok(v["seconds"]
                    .as_array()
                    .map(|a| a.iter().filter_map(|x| x.as_f64()).collect())
                    .unwrap_or_default()),
            };
            t.insert(id.clone(), r);
        }
    }
    Ok((version, t))
}

fn bench_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"));
    target.join("kiln-bench")
}

fn mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        0.0
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

fn bench_render(args: &Args) -> Result<serde_json::Value, String> {
    if !args.corpus.join("expected").is_dir() {
        return Err(format!(
            "corpus not found at {} (give --corpus DIR)",
            args.corpus.display()
        ));
    }
    let cases = corpus_cases(&args.corpus, args.filter.as_deref())?;
    let n = args.iterations;
    println!(
        "\n== render: {} corpus renders ({} charts), {n} timed iterations each after one warm-up, one thread",
        cases.len(),
        cases
            .iter()
            .map(|c| c.chart_id.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    );
    let (kiln, first, volatile) = time_kiln(&cases, n);
    let helm = if args.helm {
        match time_helm(&cases, n) {
            Ok(h) => Some(h),
            Err(e) => {
                println!("helm: not measured: {e}");
                None
            }
        }
    } else {
        None
    };
    // Cases both sides rendered.
    let both: Vec<&Case> = cases
        .iter()
        .filter(|c| matches!(kiln.get(&c.id), Some(Ok(t)) if !t.is_empty()))
        .filter(|c| {
            helm.as_ref()
                .is_none_or(|(_, h)| matches!(h.get(&c.id), Some(Ok(t)) if !t.is_empty()))
        })
        .collect();
    for c in &cases {
        if let Some(Err(e)) = kiln.get(&c.id) {
            println!("kiln failed on {}: {e}", c.id);
        }
        if let Some((_, h)) = &helm {
            if let Some(Err(e)) = h.get(&c.id) {
                println!(
                    "helm failed on {}: {}",
                    c.id,
                    e.lines().next().unwrap_or("")
                );
            }
        }
    }
    // Per chart: mean seconds per render (over cases and iterations).
    let mut charts: BTreeMap<&str, (usize, f64, f64, f64)> = BTreeMap::new();
    for c in &both {
        let e = charts.entry(c.chart_id.as_str()).or_default();
        e.0 += 1;
        if let Some(Ok(t)) = kiln.get(&c.id) {
            e.1 += mean(t);
        }
        e.3 += first.get(&c.id).copied().unwrap_or(0.0);
        if let Some((_, h)) = &helm {
            if let Some(Ok(t)) = h.get(&c.id) {
                e.2 += mean(t);
            }
        }
    }
    println!(
        "\n{:<58} {:>5} {:>10} {:>10} {:>10} {:>7}",
        "chart", "cases", "kiln 1st", "kiln ms", "helm ms", "ratio"
    );
    let mut per_chart = serde_json::Map::new();
    for (chart, (cases_n, k, h, f)) in &charts {
        let k_ms = k / *cases_n as f64 * 1e3;
        let f_ms = f / *cases_n as f64 * 1e3;
        let h_ms = h / *cases_n as f64 * 1e3;
        let ratio = if *k > 0.0 && *h > 0.0 { h / k } else { 0.0 };
        if helm.is_some() {
            println!(
                "{chart:<58} {cases_n:>5} {f_ms:>10.3} {k_ms:>10.3} {h_ms:>10.3} {ratio:>6.1}x"
            );
        } else {
            println!(
                "{chart:<58} {cases_n:>5} {f_ms:>10.3} {k_ms:>10.3} {:>10} {:>7}",
                "-", "-"
            );
        }
        per_chart.insert(
            chart.to_string(),
            serde_json::json!({"cases": cases_n, "kiln_first_ms": f_ms, "kiln_ms": k_ms, "helm_ms": h_ms, "ratio": ratio}),
        );
    }
    let k_total: f64 = charts.values().map(|v| v.1).sum();
    let f_total: f64 = charts.values().map(|v| v.3).sum();
    let h_total: f64 = charts.values().map(|v| v.2).sum();
    let renders = both.len() as f64;
    println!(
        "\ntotal: {} renders (one of each case)\n  kiln: {:.1} ms per pass, {:.0} renders/s (first render, parsing included: {:.1} ms per pass, {:.0} renders/s)",
        both.len(),
        k_total * 1e3,
        renders / k_total.max(1e-9),
        f_total * 1e3,
        renders / f_total.max(1e-9)
    );
    let mut j = serde_json::json!({
        "cases": both.len(),
        "iterations": n,
        "kiln_ms_per_pass": k_total * 1e3,
        "kiln_first_ms_per_pass": f_total * 1e3,
        "kiln_renders_per_s": renders / k_total.max(1e-9),
        "charts": per_chart,
    });
    if let Some((version, _)) = &helm {
        let ratio = h_total / k_total.max(1e-9);
        println!(
            "  helm {version}: {:.1} ms per pass, {:.0} renders/s\n  ratio (helm time / kiln time): {ratio:.1}x  (target >= 5x: {})",
            h_total * 1e3,
            renders / h_total.max(1e-9),
            pass(ratio >= 5.0)
        );
        println!(
            "  ratio with kiln's first render (parsing included): {:.1}x",
            h_total / f_total.max(1e-9)
        );
        j["helm_version"] = serde_json::json!(version);
        j["helm_ms_per_pass"] = serde_json::json!(h_total * 1e3);
        j["helm_renders_per_s"] = serde_json::json!(renders / h_total.max(1e-9));
        j["ratio"] = serde_json::json!(ratio);
        // The same totals without the renders that call random or crypto functions
        // (recorded as nondeterministic, or seen calling them): their time is mostly RSA
        // key generation (genCA, genPrivateKey) and bcrypt (htpasswd), on both sides,
        // rather than templates.
        let (mut k_det, mut h_det, mut n_det) = (0.0, 0.0, 0usize);
        for c in both
            .iter()
            .filter(|c| !c.nondeterministic && !volatile.contains(&c.id))
        {
            if let (Some(Ok(k)), Some(Ok(h))) = (
                kiln.get(&c.id),
                helm.as_ref().and_then(|(_, h)| h.get(&c.id)),
            ) {
                k_det += mean(k);
                h_det += mean(h);
                n_det += 1;
            }
        }
        let ratio_det = h_det / k_det.max(1e-9);
        println!(
            "  without the {} renders calling random/crypto functions (keys, certificates, bcrypt): {n_det} renders, kiln {:.1} ms, helm {:.1} ms per pass, ratio {ratio_det:.1}x  (target >= 5x: {})",
            both.len() - n_det,
            k_det * 1e3,
            h_det * 1e3,
            pass(ratio_det >= 5.0)
        );
        // And those renders alone: kiln's key generation and bcrypt against Go's.
        let (k_vol, h_vol) = (k_total - k_det, h_total - h_det);
        println!(
            "  the {} renders calling random/crypto functions alone: kiln {:.1} ms, helm {:.1} ms per pass, ratio {:.1}x (mostly RSA prime search and bcrypt: arithmetic, and random)",
            both.len() - n_det,
            k_vol * 1e3,
            h_vol * 1e3,
            h_vol / k_vol.max(1e-9)
        );
        j["deterministic_renders"] = serde_json::json!(n_det);
        j["deterministic_kiln_ms_per_pass"] = serde_json::json!(k_det * 1e3);
        j["deterministic_helm_ms_per_pass"] = serde_json::json!(h_det * 1e3);
        j["deterministic_ratio"] = serde_json::json!(ratio_det);
    }
    Ok(j)
}

fn pass(ok: bool) -> &'static str {
    if ok {
        "PASS"
    } else {
        "FAIL"
    }
}

// ---------------------------------------------------------------------------------
// fleet: kiln compile of the synthetic monorepo

/// Builds the release `kiln` binary (so the figures are of the current source) and
/// returns its path: beside this harness's own executable.
fn build_kiln() -> Result<PathBuf, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(&cargo)
        .args(["build", "--release", "--quiet", "--bin", "kiln"])
        .current_dir(workspace_root())
        .status()
        .map_err(|e| format!("cannot run {cargo}: {e}"))?;
    if !status.success() {
        return Err(format!(
            "cargo build --release --bin kiln failed ({status})"
        ));
    }
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let kiln = exe.with_file_name(format!("kiln{}", std::env::consts::EXE_SUFFIX));
    if !kiln.is_file() {
        return Err(format!("{} not found after the build", kiln.display()));
    }
    Ok(kiln)
}

/// What one child process cost.
#[derive(Clone, Copy, Debug)]
struct Usage {
    wall: Duration,
    cpu: Duration,
    max_rss_kib: u64,
    code: i32,
}

/// Runs `cmd` (output discarded) and measures it with `wait4`.
fn measure(cmd: &mut Command) -> Result<Usage, String> {
    cmd.stdout(Stdio::null()).stderr(Stdio::null());
    let start = Instant::now();
    let child = cmd
        .spawn()
        .map_err(|e| format!("cannot start {cmd:?}: {e}"))?;
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain old data, zero is a valid value for every field.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child with valid pointers; `child` is not waited on
    // again afterwards.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
    let wall = start.elapsed();
    drop(child);
    if r != pid {
        return Err(format!("wait4 failed: {}", std::io::Error::last_os_error()));
    }
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec.max(0) as u64) + Duration::from_micros(t.tv_usec.max(0) as u64)
    };
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    Ok(Usage {
        wall,
        cpu: tv(ru.ru_utime) + tv(ru.ru_stime),
        max_rss_kib: ru.ru_maxrss.max(0) as u64,
        code,
    })
}

/// The synthetic monorepo (generated once per size, under target/kiln-bench).
fn synth_monorepo(args: &Args) -> Result<PathBuf, String> {
    let dir = bench_dir().join(format!("synth-{}x{}", args.apps, args.clusters));
    if dir.join("kiln.toml").is_file() {
        return Ok(dir);
    }
    let _ = std::fs::remove_dir_all(&dir);
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let script = workspace_root().join("scripts/synth-monorepo.py");
    let status = Command::new(&python)
        .arg(&script)
        .arg(&dir)
        .args(["--apps", &args.apps.to_string()])
        .args(["--clusters", &args.clusters.to_string()])
        .args(["--corpus", &args.corpus.to_string_lossy()])
        .status()
        .map_err(|e| format!("cannot run {python}: {e}"))?;
    if !status.success() {
        let _ = std::fs::remove_dir_all(&dir);
        return Err(format!("{} failed ({status})", script.display()));
    }
    Ok(dir)
}

fn bench_fleet(args: &Args, kiln: &Path) -> Result<serde_json::Value, String> {
    let repo = synth_monorepo(args)?;
    let renders = args.apps * args.clusters;
    let out_root = args.out_dir.clone().unwrap_or_else(bench_dir);
    println!(
        "\n== fleet: kiln compile of the synthetic monorepo ({} apps x {} clusters = {renders} renders + {} roots), written to a fresh directory under {}; {} runs each, alternating",
        args.apps, args.clusters, args.clusters, out_root.display(), args.runs
    );
    let mut j = serde_json::Map::new();
    let mut all: BTreeMap<usize, Vec<Usage>> = BTreeMap::new();
    // Every run writes a directory of its own; all are removed at the very end. Removing
    // a tree of 20,000 files makes the file creations of the next minutes slower on some
    // file systems (ext4 without a journal skips inodes freed in the last 1 to 6 minutes
    // when it allocates new ones, and walks past each of them), which would measure the
    // benchmark, not kiln. Runs alternate between 1 and 2 threads so that any drift of
    // the machine touches both alike.
    std::fs::create_dir_all(&out_root)
        .map_err(|e| format!("cannot create {}: {e}", out_root.display()))?;
    let run_dir = |threads: usize, run: usize| out_root.join(format!("fleet-out-{threads}-{run}"));
    let cache = out_root.join("fleet-cache");
    let cache_out = |i: usize| out_root.join(format!("fleet-out-cache-{i}"));
    let remove_all = || {
        for threads in [1usize, 2] {
            for run in 0..args.runs {
                let _ = std::fs::remove_dir_all(run_dir(threads, run));
            }
        }
        let _ = std::fs::remove_dir_all(&cache);
        for i in 0..2 {
            let _ = std::fs::remove_dir_all(cache_out(i));
        }
    };
    // Left over only by an interrupted run.
    remove_all();
    for run in 0..args.runs {
        for threads in [1usize, 2] {
            let out = run_dir(threads, run);
            let u = measure(
                Command::new(kiln)
                    .arg("compile")
                    .arg(&repo)
                    .arg("--out")
                    .arg(&out)
                    // Every render executes: the render cache is measured below.
                    .arg("--no-cache")
                    .env("RAYON_NUM_THREADS", threads.to_string()),
            )?;
            if u.code != 0 {
                return Err(format!(
                    "kiln compile {} exited with {} (run it to see why)",
                    repo.display(),
                    u.code
                ));
            }
            all.entry(threads).or_default().push(u);
        }
    }
    let mut best: BTreeMap<usize, Usage> = BTreeMap::new();
    for (&threads, runs) in &all {
        let b = *runs
            .iter()
            .min_by_key(|u| u.wall)
            .expect("at least one run");
        let median = median_wall(runs);
        best.insert(threads, b);
        println!(
            "  {threads} thread{}: wall {:.3} s (median {:.3} s), CPU {:.3} s, peak RSS {:.0} MB, {:.0} renders/s",
            if threads == 1 { " " } else { "s" },
            b.wall.as_secs_f64(),
            median,
            b.cpu.as_secs_f64(),
            b.max_rss_kib as f64 / 1024.0,
            renders as f64 / b.wall.as_secs_f64()
        );
        j.insert(
            format!("threads_{threads}"),
            serde_json::json!({
                "wall_s": b.wall.as_secs_f64(),
                "median_wall_s": median,
                "cpu_s": b.cpu.as_secs_f64(),
                "max_rss_mb": b.max_rss_kib as f64 / 1024.0,
                "runs_wall_s": runs.iter().map(|u| u.wall.as_secs_f64()).collect::<Vec<_>>(),
            }),
        );
    }
    let identical = same_tree(&run_dir(1, 0), &run_dir(2, 0))?;
    let (one, two) = (best[&1], best[&2]);
    let speedup = one.wall.as_secs_f64() / two.wall.as_secs_f64();
    println!(
        "  2 threads vs 1: {speedup:.2}x  (target >= 1.7x: {})",
        pass(speedup >= 1.7)
    );
    println!(
        "  2 threads: wall {:.3} s (target <= 2 s: {}), peak RSS {:.0} MB (target <= 500 MB: {})",
        two.wall.as_secs_f64(),
        pass(two.wall.as_secs_f64() <= 2.0),
        two.max_rss_kib as f64 / 1024.0,
        pass(two.max_rss_kib <= 500 * 1024)
    );
    println!(
        "  outputs with 1 and 2 threads byte-identical: {}",
        if identical { "yes (PASS)" } else { "NO (FAIL)" }
    );
    // The render cache (pre-commit, CI): a cold run that fills it, then a warm run
    // with nothing changed, 2 threads.
    let mut cached = Vec::new();
    for (i, what) in ["cold (filling the cache)", "warm (nothing changed)"]
        .into_iter()
        .enumerate()
    {
        let out = cache_out(i);
        let u = measure(
            Command::new(kiln)
                .arg("compile")
                .arg(&repo)
                .arg("--out")
                .arg(&out)
                .arg("--cache-dir")
                .arg(&cache)
                .env("RAYON_NUM_THREADS", "2"),
        )?;
        println!(
            "  render cache, {what}: wall {:.3} s, CPU {:.3} s, peak RSS {:.0} MB",
            u.wall.as_secs_f64(),
            u.cpu.as_secs_f64(),
            u.max_rss_kib as f64 / 1024.0
        );
        cached.push(serde_json::json!({"what": what, "wall_s": u.wall.as_secs_f64(), "cpu_s": u.cpu.as_secs_f64(), "max_rss_mb": u.max_rss_kib as f64 / 1024.0}));
    }
    remove_all();
    j.insert("cache".into(), serde_json::Value::Array(cached));
    j.insert("speedup".into(), serde_json::json!(speedup));
    j.insert("identical".into(), serde_json::json!(identical));
    j.insert("renders".into(), serde_json::json!(renders));
    Ok(serde_json::Value::Object(j))
}

/// The median wall time of `runs`, in seconds (the mean of the middle two for an even
/// count).
fn median_wall(runs: &[Usage]) -> f64 {
    let mut w: Vec<f64> = runs.iter().map(|u| u.wall.as_secs_f64()).collect();
    w.sort_by(f64::total_cmp);
    let n = w.len();
    if n % 2 == 1 {
        w[n / 2]
    } else {
        (w[n / 2 - 1] + w[n / 2]) / 2.0
    }
}

/// Whether two directory trees hold the same files with the same bytes.
fn same_tree(a: &Path, b: &Path) -> Result<bool, String> {
    fn files(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
        for p in read_dir_sorted(dir)? {
            if p.is_dir() {
                files(root, &p, out)?;
            } else {
                out.push(p.strip_prefix(root).unwrap_or(&p).to_path_buf());
            }
        }
        Ok(())
    }
    let (mut fa, mut fb) = (Vec::new(), Vec::new());
    files(a, a, &mut fa)?;
    files(b, b, &mut fb)?;
    if fa != fb {
        return Ok(false);
    }
    for f in &fa {
        let x = std::fs::read(a.join(f)).map_err(|e| e.to_string())?;
        let y = std::fs::read(b.join(f)).map_err(|e| e.to_string())?;
        if x != y {
            return Ok(false);
        }
    }
    Ok(true)
}

// ---------------------------------------------------------------------------------
// startup

fn bench_startup(args: &Args, kiln: &Path) -> Result<serde_json::Value, String> {
    let root = workspace_root();
    let runs = args.runs.max(10);
    println!("\n== startup: best and median of {runs} runs");
    let mut j = serde_json::Map::new();
    let mut time = |name: &str, cmd: &mut dyn FnMut() -> Command, target_ms: f64| {
        let mut walls = Vec::new();
        let mut last = None;
        for _ in 0..runs {
            let u = measure(&mut cmd())?;
            walls.push(u.wall.as_secs_f64() * 1e3);
            last = Some(u);
        }
        walls.sort_by(|a, b| a.total_cmp(b));
        let (best, median) = (walls[0], walls[walls.len() / 2]);
        let u = last.ok_or("no run")?;
        println!(
            "  {name:<44} best {best:>7.1} ms, median {median:>7.1} ms, peak RSS {:>4.0} MB, exit {}  (target <= {target_ms} ms: {})",
            u.max_rss_kib as f64 / 1024.0,
            u.code,
            pass(best <= target_ms)
        );
        j.insert(
            name.to_string(),
            serde_json::json!({"best_ms": best, "median_ms": median, "exit": u.code}),
        );
        Ok::<(), String>(())
    };
    time(
        "kiln --version",
        &mut || {
            let mut c = Command::new(kiln);
            c.arg("--version");
            c
        },
        10.0,
    )?;
    time(
        "kiln check (example monorepo)",
        &mut || {
            let mut c = Command::new(kiln);
            c.arg("check").arg(&root).args(["--format", "json"]);
            c
        },
        100.0,
    )?;
    let out = bench_dir().join("example-out");
    time(
        "kiln compile (example monorepo)",
        &mut || {
            let mut c = Command::new(kiln);
            c.arg("compile").arg(&root).arg("--out").arg(&out);
            c
        },
        100.0,
    )?;
    Ok(serde_json::Value::Object(j))
}
