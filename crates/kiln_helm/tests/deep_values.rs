//! A values file nested thousands of levels deep (YAML allows 10,000) is coalesced (with a subchart, so
//! globals and copies happen) and rendered without overflowing a thread's stack (found by
//! fuzzing: coalescing and copying recursed on the thread's stack).

use std::sync::Arc;

use kiln_helm::chart::File;
use kiln_helm::{loader, render, RenderOptions};

fn file(name: &str, data: &str) -> File {
    File {
        name: name.into(),
        data: Arc::from(data.as_bytes()),
    }
}

#[test]
fn deep_values_render() {
    std::thread::Builder::new()
        // kiln renders on rayon's 2 MiB threads; debug frames are larger.
        .stack_size(8 << 20)
        .spawn(|| {
            let n = 5_000;
            let values = format!(
                "a: {}1{}\nglobal: {{g: 1}}\n",
                "{a: ".repeat(n),
                "}".repeat(n)
            );
            let chart = loader::load_files(vec![
                file("Chart.yaml", "apiVersion: v2\nname: deep\nversion: 0.1.0\n"),
                file("values.yaml", &values),
                file("templates/t.yaml", "{{ .Values.a | len }}"),
                file(
                    "charts/sub/Chart.yaml",
                    "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
                ),
                file("charts/sub/values.yaml", &values),
            ])
            .unwrap();
            let user = kiln_helm::loader::load_values(&values).unwrap();
            let out = render(&Arc::new(chart), &user, &RenderOptions::default()).unwrap();
            assert_eq!(out["deep/templates/t.yaml"], "1");
            // Dropping values this deep recurses (Rust's drop glue); leak them instead.
            std::mem::forget(user);
        })
        .unwrap()
        .join()
        .unwrap();
}
