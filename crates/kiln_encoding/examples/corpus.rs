//! Parses every values*.yaml under a directory and reports failures and timing.
fn main() {
    let root = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../../../shared/corpus".into());
    let mut files = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(root)];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.starts_with("values") && (n.ends_with(".yaml") || n.ends_with(".yml"))
            }) {
                files.push(p);
            }
        }
    }
    files.sort();
    let (mut ok, mut bad, mut bytes) = (0, 0, 0usize);
    let t = std::time::Instant::now();
    let mut ty = std::time::Duration::ZERO;
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            println!("NOT UTF-8 {}", f.display());
            bad += 1;
            continue;
        };
        bytes += text.len();
        match kiln_encoding::parse_values(&text) {
            Ok(v) => {
                ok += 1;
                let t2 = std::time::Instant::now();
                let _ = kiln_encoding::to_yaml(&v);
                ty += t2.elapsed();
            }
            Err(e) => {
                bad += 1;
                println!("ERR {}: {}", f.display(), e.message);
            }
        }
    }
    println!(
        "{} files, {ok} ok, {bad} errors, {} KiB, parse+toYaml {:?} (toYaml {:?})",
        files.len(),
        bytes / 1024,
        t.elapsed(),
        ty
    );
}
