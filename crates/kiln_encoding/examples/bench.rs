fn main() {
    let path = std::env::args().nth(1).unwrap();
    let n: usize = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(50);
    let text = std::fs::read_to_string(path).unwrap();
    let t = std::time::Instant::now();
    let mut v = None;
    for _ in 0..n {
        v = Some(kiln_encoding::parse_values(&text).unwrap());
    }
    let dp = t.elapsed() / n as u32;
    let v = v.unwrap();
    let t = std::time::Instant::now();
    let mut out = String::new();
    for _ in 0..n {
        out = kiln_encoding::to_yaml(&v);
    }
    let dy = t.elapsed() / n as u32;
    let t = std::time::Instant::now();
    for _ in 0..n {
        let _ = kiln_encoding::parse_values_with_spans(&text).unwrap();
    }
    let ds = t.elapsed() / n as u32;
    let t = std::time::Instant::now();
    for _ in 0..n {
        let _ = kiln_encoding::to_json(&v).unwrap();
    }
    let dj = t.elapsed() / n as u32;
    println!(
        "{} bytes: parse {:?} ({:.1} MB/s), with spans {:?}, toYaml {:?} ({} bytes), toJson {:?}",
        text.len(),
        dp,
        text.len() as f64 / dp.as_secs_f64() / 1e6,
        ds,
        dy,
        out.len(),
        dj
    );
}
