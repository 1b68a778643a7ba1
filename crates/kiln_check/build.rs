//! Embeds the vendored JSON Schemas of `schemas/` (at the workspace root) into
//! `kiln_check`, so that the `kiln` binary validates offline wherever it runs.
//!
//! * `schemas/k8s/v1.<minor>/`: `_definitions.json` and every per-kind file whose
//!   `x-kubernetes-group-version-kind` names exactly one kind (the other files are
//!   copies of single definitions, and `all.json` a `oneOf` over all kinds: not needed).
//! * `schemas/crds/<group>/<kind>_<version>.json`: converted CRD schemas.
//! * `schemas/scopes.json`: Namespaced/Cluster per kind.
//!
//! Each schema is minified and stripped of its `description` annotations (about 80% of
//! the bytes; validation never reads them) into `OUT_DIR/schemas/`, and
//! `OUT_DIR/embedded_schemas.rs` lists them with `include_str!`. A missing `schemas/`
//! directory gives empty tables (and a build warning), never a build failure.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets it"));
    let schemas = manifest.join("../../schemas");
    println!("cargo:rerun-if-changed={}", schemas.join("k8s").display());
    println!("cargo:rerun-if-changed={}", schemas.join("crds").display());
    println!(
        "cargo:rerun-if-changed={}",
        schemas.join("scopes.json").display()
    );
    println!("cargo:rerun-if-changed=build.rs");

    let dest = out.join("schemas");
    let _ = fs::remove_dir_all(&dest);
    fs::create_dir_all(&dest).expect("create OUT_DIR/schemas");
    let mut code = String::new();

    // Kubernetes minors.
    let mut minors: Vec<(u32, PathBuf)> = read_dir_sorted(&schemas.join("k8s"))
        .into_iter()
        .filter_map(|p| {
            let name = p.file_name()?.to_str()?.to_string();
            let minor = name.strip_prefix("v1.")?.parse::<u32>().ok()?;
            p.is_dir().then_some((minor, p))
        })
        .collect();
    minors.sort();
    if minors.is_empty() {
        println!(
            "cargo:warning=kiln_check: no schemas/k8s/v1.* directory: Kubernetes schemas are not embedded"
        );
    }
    code.push_str("/// Embedded Kubernetes schema sets, oldest minor first.\n");
    code.push_str("pub(crate) static K8S: &[EmbeddedMinor] = &[\n");
    for (minor, dir) in &minors {
        let defs = dir.join("_definitions.json");
        let Some(defs_json) = load_stripped(&defs) else {
            println!(
                "cargo:warning=kiln_check: {} is missing or not JSON: v1.{minor} skipped",
                defs.display()
            );
            continue;
        };
        let defs_out = write_out(
            &dest,
            &format!("k8s-v1.{minor}-_definitions.json"),
            &defs_json,
        );
        let _ = writeln!(
            code,
            "    EmbeddedMinor {{ minor: {minor}, definitions: include_str!({:?}), kinds: &[",
            defs_out
        );
        for file in read_dir_sorted(dir) {
            let Some(name) = file
                .file_name()
                .and_then(|n| n.to_str())
                .map(str::to_string)
            else {
                continue;
            };
            if !name.ends_with(".json") || name.starts_with('_') || name == "all.json" {
                continue;
            }
            let Some(json) = load_stripped(&file) else {
                continue;
            };
            let Some((group, version, kind)) = single_gvk(&json) else {
                continue;
            };
            let p = write_out(&dest, &format!("k8s-v1.{minor}-{name}"), &json);
            let _ = writeln!(
                code,
                "        EmbeddedSchema {{ group: {group:?}, version: {version:?}, kind: {kind:?}, file: {:?}, json: include_str!({p:?}) }},",
                format!("k8s/v1.{minor}/{name}")
            );
        }
        code.push_str("    ] },\n");
    }
    code.push_str("];\n\n");

    // Converted CRDs.
    code.push_str("/// Embedded CRD schemas (`schemas/crds/`), sorted by file.\n");
    code.push_str("pub(crate) static CRDS: &[EmbeddedSchema] = &[\n");
    let crds = schemas.join("crds");
    for group_dir in read_dir_sorted(&crds) {
        if !group_dir.is_dir() {
            continue;
        }
        let group_name = group_dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        for file in read_dir_sorted(&group_dir) {
            let Some(name) = file
                .file_name()
                .and_then(|n| n.to_str())
                .map(str::to_string)
            else {
                continue;
            };
            if !name.ends_with(".json") {
                continue;
            }
            let Some(json) = load_stripped(&file) else {
                println!(
                    "cargo:warning=kiln_check: {} is not JSON: skipped",
                    file.display()
                );
                continue;
            };
            let Some((group, version, kind)) = single_gvk(&json) else {
                println!(
                    "cargo:warning=kiln_check: {} has no single x-kubernetes-group-version-kind: skipped",
                    file.display()
                );
                continue;
            };
            let p = write_out(&dest, &format!("crds-{group_name}-{name}"), &json);
            let _ = writeln!(
                code,
                "    EmbeddedSchema {{ group: {group:?}, version: {version:?}, kind: {kind:?}, file: {:?}, json: include_str!({p:?}) }},",
                format!("crds/{group_name}/{name}")
            );
        }
    }
    code.push_str("];\n\n");

    // Scopes.
    let scopes = schemas.join("scopes.json");
    let scopes_json = fs::read_to_string(&scopes)
        .ok()
        .filter(|t| serde_json::from_str::<Value>(t).is_ok())
        .unwrap_or_else(|| "{}".to_string());
    let p = write_out(&dest, "scopes.json", &scopes_json);
    let _ = writeln!(
        code,
        "/// `schemas/scopes.json` (`{{}}` when absent).\npub(crate) static SCOPES: &str = include_str!({p:?});"
    );

    fs::write(out.join("embedded_schemas.rs"), code).expect("write embedded_schemas.rs");
}

fn read_dir_sorted(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = match fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(_) => Vec::new(),
    };
    v.sort();
    v
}

fn write_out(dest: &Path, name: &str, text: &str) -> String {
    let p = dest.join(name);
    fs::write(&p, text).expect("write embedded schema");
    p.to_string_lossy().into_owned()
}

/// The file, parsed, without `description` annotations, minified.
fn load_stripped(path: &Path) -> Option<String> {
    let text = fs::read_to_string(path).ok()?;
    let mut v: Value = serde_json::from_str(&text).ok()?;
    strip_descriptions(&mut v);
    serde_json::to_string(&v).ok()
}

/// Removes string-valued `description` keys of schema objects. Values of `enum`,
/// `const`, `default` and `example(s)` are data, and left alone.
fn strip_descriptions(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if matches!(m.get("description"), Some(Value::String(_))) {
                m.remove("description");
            }
            for (k, child) in m.iter_mut() {
                if matches!(
                    k.as_str(),
                    "enum" | "const" | "default" | "example" | "examples"
                ) {
                    continue;
                }
                strip_descriptions(child);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(strip_descriptions),
        _ => {}
    }
}

/// The one `(group, version, kind)` of `x-kubernetes-group-version-kind`, if exactly one.
fn single_gvk(json: &str) -> Option<(String, String, String)> {
    let v: Value = serde_json::from_str(json).ok()?;
    let list = v.get("x-kubernetes-group-version-kind")?.as_array()?;
    if list.len() != 1 {
        return None;
    }
    let g = &list[0];
    Some((
        g.get("group")?.as_str()?.to_string(),
        g.get("version")?.as_str()?.to_string(),
        g.get("kind")?.as_str()?.to_string(),
    ))
}
