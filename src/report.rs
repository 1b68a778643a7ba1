//! What `kiln compile` prints: errors (with the file and line they point at) on stderr,
//! a summary table on stdout.

use std::path::Path;

use kiln_argocd::{ClusterResult, Status};

/// Prints every failed Application and ApplicationSet error to stderr.
pub fn print_errors(results: &[ClusterResult]) {
    for r in results {
        for a in r.apps.iter().filter(|a| a.status == Status::Error) {
            let msg = a.message.as_deref().unwrap_or("failed");
            eprintln!("error: {}/{}: rendering failed", r.facts.name, a.name);
            if let Some(loc) = &a.error_location {
                eprintln!("  --> {loc}");
            }
            for line in msg.lines() {
                eprintln!("  | {line}");
            }
        }
        for s in &r.appsets {
            for e in &s.errors {
                eprintln!("error: {}/ApplicationSet {}: {e}", r.facts.name, s.name);
            }
            for w in &s.warnings {
                eprintln!("warning: {}/ApplicationSet {}: {w}", r.facts.name, s.name);
            }
        }
        for a in &r.apps {
            let first = a.parent.as_deref().unwrap_or("the root");
            for p in &a.also_produced_by {
                let other = p.parent.as_deref().unwrap_or("the root");
                if p.cycle {
                    eprintln!(
                        "warning: {}/{}: cycle: Application {}/{} is produced again by {other}, one of its own descendants",
                        r.facts.name, a.name, a.namespace, a.name
                    );
                } else {
                    eprintln!(
                        "warning: {}/{}: Application {}/{} is produced by both {first} and {other}; in Argo CD they fight over it{}",
                        r.facts.name,
                        a.name,
                        a.namespace,
                        a.name,
                        if p.identical_spec { " (the specs are identical)" } else { " (the specs differ: only the first is rendered here)" }
                    );
                }
            }
        }
    }
}

/// Prints one line per cluster: applications, rendered, external, errored,
/// ApplicationSets and objects.
pub fn print_summary(results: &[ClusterResult], out: &Path) {
    println!(
        "{:<20} {:>6} {:>9} {:>9} {:>8} {:>8} {:>8}",
        "cluster", "apps", "rendered", "external", "errored", "appsets", "objects"
    );
    for r in results {
        let count = |s: Status| r.apps.iter().filter(|a| a.status == s).count();
        println!(
            "{:<20} {:>6} {:>9} {:>9} {:>8} {:>8} {:>8}",
            r.facts.name,
            r.apps.len(),
            count(Status::Rendered),
            count(Status::External),
            count(Status::Error),
            r.appsets.len(),
            r.objects.len()
        );
    }
    if let Some(shard) = results.first().and_then(|r| r.facts.shard) {
        let left: usize = results
            .iter()
            .map(|r| {
                r.apps
                    .iter()
                    .filter(|a| a.status == Status::Sharded)
                    .count()
            })
            .sum();
        println!(
            "shard {shard}: {left} Applications left to the other shards (kiln combine joins them)"
        );
    }
    println!("wrote {}", out.display());
}
