//! The short deterministic fuzz run of every target for CI (which has no nightly
//! toolchain, hence no libFuzzer): from the seeds derived from `../shared` (or built-in
//! seeds when it is absent), a fixed-seed mutation loop of byte flips, inserts of syntax
//! tokens, deletions, duplications and splices. Iteration counts are sized for about
//! 5–15 s per target in a debug build; `KILN_SMOKE_SCALE` multiplies them (e.g. `10` for
//! a longer local run).

mod common;

use common::*;

fn scale() -> f64 {
    std::env::var("KILN_SMOKE_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0)
}

fn run(name: &str, iterations: usize) {
    let seeds = match shared_dir() {
        Some(shared) => {
            let mut s = seeds(&shared, name);
            // Small seeds mutate into interesting inputs faster and run quicker.
            s.retain(|x| x.len() <= 8 * 1024 || name == "chart_archive");
            s.extend(builtin_seeds(name));
            s
        }
        None => {
            eprintln!("note: ../shared not found; smoke fuzz of {name} from built-in seeds");
            builtin_seeds(name)
        }
    };
    let n = (iterations as f64 * scale()) as usize;
    let start = std::time::Instant::now();
    smoke(name, &seeds, n);
    eprintln!("{name}: {n} smoke iterations in {:?}", start.elapsed());
}

#[test]
fn smoke_template_parse() {
    run("template_parse", 25_000);
}

#[test]
fn smoke_template_exec() {
    run("template_exec", 25_000);
}

#[test]
fn smoke_values_yaml() {
    run("values_yaml", 5_000);
}

#[test]
fn smoke_appset_expand() {
    run("appset_expand", 50_000);
}

#[test]
fn smoke_chart_archive() {
    run("chart_archive", 1_500);
}
