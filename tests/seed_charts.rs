//! The charts of the seed documents (`../shared/corpus/seed-charts/`: kthena with its
//! subcharts, dimtensor with its values presets, inferno with its environment profiles,
//! the Kthena CLI template chart), rendered by `kiln template` and by real Helm
//! (`../shared/oracle/helm-oracle template`, run live) with the default values and with
//! each `values-*.yaml`: the streams must be identical, or both must fail.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

fn run(cmd: &mut Command) -> (bool, String, String) {
    let o = cmd.output().expect("run");
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn variants(chart: &Path) -> Vec<Option<String>> {
    let mut v = vec![None];
    let mut files: Vec<String> = std::fs::read_dir(chart)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("values-") && n.ends_with(".yaml"))
        .collect();
    files.sort();
    v.extend(files.into_iter().map(Some));
    v
}

#[test]
fn seed_charts_match_helm() {
    let Some(shared) = shared_dir() else {
        eprintln!("SKIPPED: ../shared not found; seed chart parity did not run");
        return;
    };
    let Some(python) = oracle_python() else {
        eprintln!(
            "SKIPPED: no Python with helm-python-sdk and pyyaml; seed chart parity did not run"
        );
        return;
    };
    let oracle = shared.join("oracle/helm-oracle");
    let seeds = shared.join("corpus/seed-charts");
    let mut charts: Vec<_> = std::fs::read_dir(&seeds)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.join("Chart.yaml").is_file())
        .collect();
    charts.sort();
    let mut failures = Vec::new();
    let mut figures = Vec::new();
    for chart in &charts {
        let name = chart.file_name().unwrap().to_string_lossy().into_owned();
        for variant in variants(chart) {
            let mut helm = Command::new(&python);
            helm.arg(&oracle)
                .arg("template")
                .arg(chart)
                .args(["--release", &name]);
            let mut kiln_cmd = Command::new(env!("CARGO_BIN_EXE_kiln"));
            kiln_cmd
                .arg("template")
                .arg(chart)
                .args(["--release", &name]);
            if let Some(f) = &variant {
                helm.args(["-f", &chart.join(f).to_string_lossy()]);
                kiln_cmd.args(["-f", &chart.join(f).to_string_lossy()]);
            }
            let (h_ok, h_out, h_err) = run(&mut helm);
            let (k_ok, k_out, k_err) = run(&mut kiln_cmd);
            let label = format!(
                "{name}{}",
                variant.map(|f| format!(" -f {f}")).unwrap_or_default()
            );
            match (h_ok, k_ok) {
                (true, true) if h_out == k_out => figures.push(format!("{label}: identical")),
                (true, true) => failures.push(format!("{label}: output differs")),
                (false, false) => {
                    figures.push(format!("{label}: both fail"));
                    // The same error location as Helm's message.
                    let h_first = h_err.lines().next().unwrap_or("").trim().to_string();
                    let loc = h_first.split(['(', ')']).nth(1).unwrap_or("").to_string();
                    if !loc.is_empty() && !k_err.contains(&loc) {
                        failures.push(format!(
                            "{label}: Helm fails at {loc} but kiln says: {k_err}"
                        ));
                    }
                }
                (true, false) => failures.push(format!("{label}: kiln failed: {k_err}")),
                (false, true) => {
                    failures.push(format!("{label}: Helm failed ({h_err}) but kiln rendered"))
                }
            }
        }
    }
    for f in &figures {
        eprintln!("seed charts: {f}");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
