//! Loading charts from directories and `.tgz` archives, following Helm's
//! `pkg/chart/v2/loader` (`LoadDir`, `LoadArchive`, `LoadFiles`, `LoadValues`):
//! `.helmignore`, the special files, subcharts under `charts/`, values documents merged.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use kiln_gotmpl::{Map, Value};

use crate::chart::{Chart, Dependency, File, Maintainer, Metadata};
use crate::ignore::Rules;
use crate::yaml;

/// Largest single file Helm accepts in a chart (`archive.MaxDecompressedFileSize`).
pub const MAX_FILE_SIZE: u64 = 5 * 1024 * 1024;
/// Largest total size of an unpacked archive (`archive.MaxDecompressedChartSize`).
pub const MAX_CHART_SIZE: u64 = 100 * 1024 * 1024;

/// Why a chart could not be loaded; the text is Helm's where Helm has one.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadError {
    /// Helm's error text, e.g. `cannot load values.yaml: cannot unmarshal yaml document: ...`.
    pub message: String,
    /// The file at fault, relative to the chart root, when known.
    pub file: Option<String>,
    /// 1-based line in that file, when known.
    pub line: Option<usize>,
}

impl LoadError {
    fn new(message: impl Into<String>) -> LoadError {
        LoadError {
            message: message.into(),
            file: None,
            line: None,
        }
    }

    fn in_file(message: impl Into<String>, file: &str, line: Option<usize>) -> LoadError {
        LoadError {
            message: message.into(),
            file: Some(file.to_string()),
            line,
        }
    }
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LoadError {}

/// Loads a chart from a directory or a `.tgz` archive.
pub fn load(path: &Path) -> Result<Chart, LoadError> {
    let meta =
        std::fs::metadata(path).map_err(|e| LoadError::new(format!("{}: {e}", path.display())))?;
    if meta.is_dir() {
        load_dir(path)
    } else {
        let data =
            std::fs::read(path).map_err(|e| LoadError::new(format!("{}: {e}", path.display())))?;
        load_archive(&data)
    }
}

/// Helm's `LoadDir`: walks the directory in lexical order, honouring `.helmignore` (plus
/// the default rule `templates/.?*`), and loads the files.
pub fn load_dir(dir: &Path) -> Result<Chart, LoadError> {
    let mut rules = match std::fs::read(dir.join(".helmignore")) {
        Ok(data) => Rules::parse(&String::from_utf8_lossy(&data)).map_err(LoadError::new)?,
        Err(_) => Rules::empty(),
    };
    rules.add_defaults();
    let mut files = Vec::new();
    walk(dir, "", &rules, &mut files)?;
    load_files(files)
}

fn walk(base: &Path, rel: &str, rules: &Rules, out: &mut Vec<File>) -> Result<(), LoadError> {
    let dir = if rel.is_empty() {
        base.to_path_buf()
    } else {
        base.join(rel)
    };
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .map_err(|e| LoadError::new(format!("{}: {e}", dir.display())))?
        .filter_map(|e| e.ok())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let n = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        // Follow symlinks, as Helm's sympath.Walk does.
        let Ok(meta) = std::fs::metadata(entry.path()) else {
            continue;
        };
        if meta.is_dir() {
            if rules.ignore(&n, true) {
                continue;
            }
            walk(base, &n, rules, out)?;
            continue;
        }
        if rules.ignore(&n, false) {
            continue;
        }
        if !meta.is_file() {
            return Err(LoadError::new(format!(
                "cannot load irregular file {} as it has file mode type bits set",
                entry.path().display()
            )));
        }
        if meta.len() > MAX_FILE_SIZE {
            return Err(LoadError::new(format!(
                "chart file {name:?} is larger than the maximum file size {MAX_FILE_SIZE}"
            )));
        }
        let data = std::fs::read(entry.path())
            .map_err(|e| LoadError::new(format!("error reading {n}: {e}")))?;
        out.push(File {
            name: n,
            data: strip_bom(data),
        });
    }
    Ok(())
}

/// What a chart directory entry is, after following symlinks (what Helm's
/// `sympath.Walk` sees through `os.Stat`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartEntryKind {
    /// A regular file of `size` bytes.
    File { size: u64 },
    /// A directory.
    Dir,
    /// Anything else (a FIFO, a socket, a device): Helm refuses to load it.
    Irregular,
}

/// One entry of a chart directory listed by a [`ChartTree`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChartEntry {
    /// The entry's name (one path segment).
    pub name: String,
    /// Its kind, symlinks followed.
    pub kind: ChartEntryKind,
}

/// A chart directory held somewhere else than the local file system (a Git revision,
/// a repository view that refuses symlinks leaving it), for [`load_tree`].
///
/// Paths are relative to the chart root, `/`-separated, `""` for the root itself.
pub trait ChartTree {
    /// The entries of directory `dir`, symlinks followed, sorted by name bytes (Go's
    /// `os.ReadDir` order). An entry whose symlink leads nowhere is left out (as
    /// [`load_dir`] skips what it cannot stat); a symlink the source refuses to follow
    /// is an `Err` (a whole message, naming the path).
    fn entries(&self, dir: &str) -> Result<Vec<ChartEntry>, String>;

    /// The bytes of file `path`; `Err` says why not (without the path: the caller
    /// names the file).
    fn read(&self, path: &str) -> Result<Vec<u8>, String>;

    /// How `path` is named in error messages (default: as given).
    fn display(&self, path: &str) -> String {
        path.to_string()
    }
}

/// Deepest directory nesting [`load_tree`] walks (a symlink cycle ends here).
const MAX_TREE_DEPTH: usize = 128;

/// Helm's `LoadDir` over a [`ChartTree`]: the same walk as [`load_dir`] (entries in
/// name order, `.helmignore` plus the default rule `templates/.?*` applied while
/// walking, directories pruned when ignored, irregular files refused, Helm's file size
/// limit) so the same content loads into the same [`Chart`].
pub fn load_tree(tree: &dyn ChartTree) -> Result<Chart, LoadError> {
    let mut rules = match tree.read(".helmignore") {
        Ok(data) => Rules::parse(&String::from_utf8_lossy(&data)).map_err(LoadError::new)?,
        Err(_) => Rules::empty(),
    };
    rules.add_defaults();
    let mut files = Vec::new();
    walk_tree(tree, "", 0, &rules, &mut files)?;
    load_files(files)
}

fn walk_tree(
    tree: &dyn ChartTree,
    rel: &str,
    depth: usize,
    rules: &Rules,
    out: &mut Vec<File>,
) -> Result<(), LoadError> {
    if depth > MAX_TREE_DEPTH {
        return Err(LoadError::new(format!(
            "{}: directories nested too deeply (a symlink cycle?)",
            tree.display(rel)
        )));
    }
    let mut entries = tree.entries(rel).map_err(LoadError::new)?;
    entries.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    for entry in entries {
        let name = entry.name;
        let n = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        match entry.kind {
            ChartEntryKind::Dir => {
                if rules.ignore(&n, true) {
                    continue;
                }
                walk_tree(tree, &n, depth + 1, rules, out)?;
            }
            ChartEntryKind::Irregular => {
                if rules.ignore(&n, false) {
                    continue;
                }
                return Err(LoadError::new(format!(
                    "cannot load irregular file {} as it has file mode type bits set",
                    tree.display(&n)
                )));
            }
            ChartEntryKind::File { size } => {
                if rules.ignore(&n, false) {
                    continue;
                }
                if size > MAX_FILE_SIZE {
                    return Err(LoadError::new(format!(
                        "chart file {name:?} is larger than the maximum file size {MAX_FILE_SIZE}"
                    )));
                }
                let data = tree
                    .read(&n)
                    .map_err(|e| LoadError::new(format!("error reading {n}: {e}")))?;
                out.push(File {
                    name: n,
                    data: strip_bom(data),
                });
            }
        }
    }
    Ok(())
}

fn strip_bom(data: Vec<u8>) -> Arc<[u8]> {
    match data.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        Some(rest) => Arc::from(rest),
        None => Arc::from(data),
    }
}

/// Go's `path.Clean` (slash-separated, lexical).
fn go_path_clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|l| *l != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            s => out.push(s),
        }
    }
    let joined = out.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// Helm's `LoadArchive` for a gzipped tarball (`archive.LoadArchiveFiles`): every
/// entry's name loses its first path element and is cleaned with `path.Clean`;
/// directory and PAX header entries are skipped; names that end up outside the chart
/// fail with Helm's messages.
pub fn load_archive(data: &[u8]) -> Result<Chart, LoadError> {
    // Go's `gzip.NewReader` reads a 10-byte header first.
    if data.is_empty() {
        return Err(LoadError::new("EOF"));
    }
    if data.len() < 10 {
        return Err(LoadError::new("unexpected EOF"));
    }
    if !data.starts_with(&[0x1f, 0x8b]) {
        return Err(LoadError::new("gzip: invalid header"));
    }
    let gz = flate2::read::GzDecoder::new(data);
    let mut ar = tar::Archive::new(gz);
    let mut files = Vec::new();
    let mut remaining = MAX_CHART_SIZE;
    let entries = ar
        .entries()
        .map_err(|e| LoadError::new(format!("error reading chart archive: {e}")))?;
    for entry in entries {
        let mut entry =
            entry.map_err(|e| LoadError::new(format!("error reading chart archive: {e}")))?;
        let kind = entry.header().entry_type();
        if kind.is_dir() || kind.is_pax_global_extensions() || kind.is_pax_local_extensions() {
            continue;
        }
        let hd_name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        if hd_name.ends_with('/') {
            // Go's tar reader reports old-style entries named `dir/` as directories.
            continue;
        }
        // Archives made on Windows may use `\`.
        let delim = if hd_name.contains('\\') { '\\' } else { '/' };
        let parts: Vec<&str> = hd_name.split(delim).collect();
        let n = parts[1..].join("/");
        if n.starts_with('/') {
            return Err(LoadError::new("chart illegally contains absolute paths"));
        }
        let n = go_path_clean(&n);
        if n == "." {
            return Err(LoadError::new(format!(
                "chart illegally contains content outside the base directory: {hd_name:?}"
            )));
        }
        if n.starts_with("..") {
            return Err(LoadError::new(
                "chart illegally references parent directory",
            ));
        }
        let b = n.as_bytes();
        if b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/' {
            return Err(LoadError::new("chart contains illegally named files"));
        }
        if parts[0] == "Chart.yaml" {
            return Err(LoadError::new("chart yaml not in base directory"));
        }
        let size = entry.header().size().unwrap_or(0);
        if size > remaining {
            return Err(LoadError::new(format!(
                "decompressed chart is larger than the maximum size {MAX_CHART_SIZE}"
            )));
        }
        if size > MAX_FILE_SIZE {
            return Err(LoadError::new(format!(
                "decompressed chart file {hd_name:?} is larger than the maximum file size {MAX_FILE_SIZE}"
            )));
        }
        let mut buf = Vec::with_capacity(size as usize);
        entry
            .read_to_end(&mut buf)
            .map_err(|e| LoadError::new(format!("error reading chart archive: {e}")))?;
        remaining = remaining.saturating_sub(buf.len() as u64);
        if remaining == 0 {
            return Err(LoadError::new(format!(
                "decompressed chart is larger than the maximum size {MAX_CHART_SIZE}"
            )));
        }
        files.push(File {
            name: n,
            data: strip_bom(buf),
        });
    }
    if files.is_empty() {
        return Err(LoadError::new("no files in chart archive"));
    }
    load_files(files)
}

/// Helm's `LoadFiles`: sorts the files into Chart.yaml, values, templates, subcharts
/// and plain files.
pub fn load_files(files: Vec<File>) -> Result<Chart, LoadError> {
    let mut chart = Chart::default();
    let mut have_meta = false;
    if let Some(f) = files.iter().find(|f| f.name == "Chart.yaml") {
        chart.metadata = parse_metadata(&f.text()).map_err(|(msg, line)| {
            LoadError::in_file(format!("cannot load Chart.yaml: {msg}"), "Chart.yaml", line)
        })?;
        if chart.metadata.api_version.is_empty() {
            chart.metadata.api_version = "v1".into();
        }
        have_meta = true;
    }
    let mut subcharts: std::collections::BTreeMap<String, Vec<File>> = Default::default();
    for f in files {
        match f.name.as_str() {
            "Chart.yaml" | "Chart.lock" => {}
            // Kept as a file of apiVersion v1 charts, like requirements.yaml.
            "requirements.lock" => {
                if chart.metadata.api_version == "v1" {
                    chart.files.push(f);
                }
            }
            "values.yaml" => {
                chart.values = yaml::parse_values_bytes(&f.data).map_err(|(msg, line)| {
                    LoadError::in_file(
                        format!("cannot load values.yaml: {msg}"),
                        "values.yaml",
                        line,
                    )
                })?;
            }
            "values.schema.json" => chart.schema = Some(f.data.clone()),
            "requirements.yaml" => {
                // apiVersion v1 charts keep their dependencies here.
                if let Ok(v) = yaml::parse_document(&f.text()) {
                    if let Some(deps) = v.as_map().and_then(|m| m.get("dependencies").cloned()) {
                        chart.metadata.dependencies = parse_dependencies(&deps);
                    }
                }
                if chart.metadata.api_version == "v1" {
                    chart.files.push(f);
                }
            }
            name if name.starts_with("templates/") => chart.templates.push(f),
            name if name.starts_with("charts/") => {
                if name.ends_with(".prov") {
                    chart.files.push(f);
                    continue;
                }
                let rest = &name["charts/".len()..];
                let cname = rest.split('/').next().unwrap_or("").to_string();
                subcharts.entry(cname).or_default().push(File {
                    name: rest.to_string(),
                    data: f.data.clone(),
                });
            }
            _ => chart.files.push(f),
        }
    }
    if !have_meta {
        return Err(LoadError::new("Chart.yaml file is missing"));
    }
    validate_metadata(&mut chart.metadata)
        .map_err(|m| LoadError::in_file(m, "Chart.yaml", None))?;
    for (n, files) in subcharts {
        if n.starts_with('_') || n.starts_with('.') {
            continue;
        }
        let sub = if n.ends_with(".tgz") {
            let Some(file) = files.first() else { continue };
            if file.name != n {
                return Err(LoadError::new(format!(
                    "error unpacking subchart tar in {}: expected {}, got {}",
                    chart.name(),
                    n,
                    file.name
                )));
            }
            load_archive(&file.data)
        } else {
            let inner = files
                .into_iter()
                .filter_map(|f| {
                    let (_, rest) = f.name.split_once('/')?;
                    Some(File {
                        name: rest.to_string(),
                        data: f.data,
                    })
                })
                .collect();
            load_files(inner)
        };
        let sub = sub.map_err(|e| LoadError {
            message: format!(
                "error unpacking subchart {} in {}: {}",
                n,
                chart.name(),
                e.message
            ),
            file: e.file.map(|f| format!("charts/{n}/{f}")),
            line: e.line,
        })?;
        chart.dependencies.push(Arc::new(sub));
    }
    Ok(chart)
}

/// Helm's `LoadValues`: every YAML document of the file, merged in order with
/// `MergeMaps`. Errors are `(Helm's message, line)`.
pub fn load_values(text: &str) -> Result<Map, (String, Option<usize>)> {
    yaml::parse_values(text)
}

/// A `string` field of a Go struct decoded from YAML: scalars become strings the way
/// sigs.k8s.io/yaml converts them (`appVersion: 1.10` is `"1.1"`).
fn str_field(m: &Map, key: &str) -> Result<String, String> {
    match lookup_ci(m, key) {
        None | Some(Value::Nil) => Ok(String::new()),
        Some(v) => kiln_encoding::go_string_field(&v)
            .ok_or_else(|| unmarshal_error(&v, &format!("Metadata.{key}"), "string")),
    }
}

fn unmarshal_error(v: &Value, field: &str, ty: &str) -> String {
    let kind = match v {
        Value::Bool(_) => "bool",
        Value::Float(_) | Value::Int(..) | Value::Uint(..) => "number",
        Value::String(_) => "string",
        Value::List(..) => "array",
        Value::Map(..) => "object",
        _ => "value",
    };
    format!(
        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {kind} into Go struct field {field} of type {ty}"
    )
}

/// Go's `encoding/json` matches struct fields case-insensitively.
fn lookup_ci(m: &Map, key: &str) -> Option<Value> {
    if let Some(v) = m.get(key) {
        return Some(v.clone());
    }
    m.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.clone())
}

fn string_list(v: Option<Value>) -> Vec<String> {
    match v {
        Some(Value::List(l, _)) => l
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// Parses `Chart.yaml` into [`Metadata`]; errors are `(message, line)`.
pub fn parse_metadata(text: &str) -> Result<Metadata, (String, Option<usize>)> {
    let v = kiln_encoding::yaml_to_value_typed(text)
        .map_err(|e| (e.message.clone(), e.position.map(|p| p.line)))?;
    let m = match &v {
        Value::Map(m, _) => m.snapshot(),
        Value::Nil => Arc::new(Map::new()),
        other => {
            return Err((
                format!(
                    "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type v2.Metadata",
                    match other {
                        Value::List(..) => "array",
                        Value::String(_) => "string",
                        Value::Bool(_) => "bool",
                        _ => "number",
                    }
                ),
                None,
            ))
        }
    };
    let f = |k: &str| str_field(&m, k).map_err(|e| (e, None));
    let md = Metadata {
        name: f("name")?,
        home: f("home")?,
        sources: string_list(lookup_ci(&m, "sources")),
        version: f("version")?,
        description: f("description")?,
        keywords: string_list(lookup_ci(&m, "keywords")),
        maintainers: match lookup_ci(&m, "maintainers") {
            Some(Value::List(l, _)) => l
                .iter()
                .map(|x| {
                    let mm = x.as_map().unwrap_or_default();
                    Maintainer {
                        name: str_field(&mm, "name").unwrap_or_default(),
                        email: str_field(&mm, "email").unwrap_or_default(),
                        url: str_field(&mm, "url").unwrap_or_default(),
                    }
                })
                .collect(),
            _ => Vec::new(),
        },
        icon: f("icon")?,
        api_version: f("apiVersion")?,
        condition: f("condition")?,
        tags: f("tags")?,
        app_version: f("appVersion")?,
        deprecated: matches!(lookup_ci(&m, "deprecated"), Some(Value::Bool(true))),
        annotations: match lookup_ci(&m, "annotations") {
            Some(Value::Map(a, _)) => Some(
                a.snapshot()
                    .iter()
                    .map(|(k, v)| {
                        (
                            k.to_string(),
                            kiln_encoding::go_string_field(v).unwrap_or_default(),
                        )
                    })
                    .collect(),
            ),
            _ => None,
        },
        kube_version: f("kubeVersion")?,
        dependencies: lookup_ci(&m, "dependencies")
            .map(|d| parse_dependencies(&d))
            .unwrap_or_default(),
        chart_type: f("type")?,
    };
    Ok(md)
}

fn parse_dependencies(v: &Value) -> Vec<Dependency> {
    let Some(list) = v.as_list() else {
        return Vec::new();
    };
    list.iter()
        .map(|d| {
            let m = d.as_map().unwrap_or_default();
            Dependency {
                name: str_field(&m, "name").unwrap_or_default(),
                version: str_field(&m, "version").unwrap_or_default(),
                repository: str_field(&m, "repository").unwrap_or_default(),
                condition: str_field(&m, "condition").unwrap_or_default(),
                tags: string_list(lookup_ci(&m, "tags")),
                enabled: matches!(lookup_ci(&m, "enabled"), Some(Value::Bool(true))),
                import_values: lookup_ci(&m, "import-values")
                    .and_then(|v| v.as_list().map(<[Value]>::to_vec))
                    .unwrap_or_default(),
                alias: str_field(&m, "alias").unwrap_or_default(),
            }
        })
        .collect()
}

/// Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII
/// space.
fn go_is_print(c: char) -> bool {
    static PRINT: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    if c == ' ' {
        return true;
    }
    if c.is_ascii() {
        return c.is_ascii_graphic();
    }
    PRINT
        .get_or_init(|| regex::Regex::new(r"^[\p{L}\p{M}\p{N}\p{P}\p{S}]$").ok())
        .as_ref()
        .map_or(!c.is_control(), |re| {
            re.is_match(c.encode_utf8(&mut [0; 4]))
        })
}

/// Go's `sanitizeString` (Helm's `pkg/chart/v2/metadata.go`): whitespace becomes a
/// space, runes `unicode.IsPrint` rejects (controls, format characters such as U+200B)
/// are dropped.
fn sanitize(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            if c.is_whitespace() {
                Some(' ')
            } else if go_is_print(c) {
                Some(c)
            } else {
                None
            }
        })
        .collect()
}

/// Go's `filepath.Base` on a slash-separated path.
fn go_base(p: &str) -> &str {
    if p.is_empty() {
        return ".";
    }
    let trimmed = p.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/";
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}

/// Helm's `Metadata.Validate` (`pkg/chart/v2/metadata.go`, with `Dependency.Validate`
/// and `Maintainer.Validate`): sanitizes the text fields, then checks them in Helm's
/// order.
fn validate_metadata(md: &mut Metadata) -> Result<(), String> {
    md.name = sanitize(&md.name);
    md.description = sanitize(&md.description);
    md.home = sanitize(&md.home);
    md.icon = sanitize(&md.icon);
    md.condition = sanitize(&md.condition);
    md.tags = sanitize(&md.tags);
    md.app_version = sanitize(&md.app_version);
    md.kube_version = sanitize(&md.kube_version);
    for s in md.sources.iter_mut().chain(md.keywords.iter_mut()) {
        *s = sanitize(s);
    }
    if md.api_version.is_empty() {
        return Err("validation: chart.metadata.apiVersion is required".into());
    }
    if md.name.is_empty() {
        return Err("validation: chart.metadata.name is required".into());
    }
    if md.name == "." || md.name == ".." {
        return Err(format!(
            "validation: chart.metadata.name {:?} is not allowed",
            md.name
        ));
    }
    if md.name != go_base(&md.name) {
        return Err(format!(
            "validation: chart.metadata.name {:?} is invalid",
            md.name
        ));
    }
    if md.version.is_empty() {
        return Err("validation: chart.metadata.version is required".into());
    }
    if kiln_sprig::semver::Version::parse(&md.version).is_err() {
        return Err(format!(
            "validation: chart.metadata.version {:?} is invalid",
            md.version
        ));
    }
    // Case-sensitive (`isValidChartType`).
    if !matches!(md.chart_type.as_str(), "" | "application" | "library") {
        return Err("validation: chart.metadata.type must be application or library".into());
    }
    for m in &mut md.maintainers {
        m.name = sanitize(&m.name);
        m.email = sanitize(&m.email);
        m.url = sanitize(&m.url);
    }
    let mut seen = std::collections::HashSet::new();
    for d in &mut md.dependencies {
        d.name = sanitize(&d.name);
        d.version = sanitize(&d.version);
        d.repository = sanitize(&d.repository);
        d.condition = sanitize(&d.condition);
        for t in &mut d.tags {
            *t = sanitize(t);
        }
        // `aliasNameFormat` (`pkg/chart/v2/chart.go`): `^[a-zA-Z0-9_-]+$`.
        if !d.alias.is_empty()
            && !d
                .alias
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(format!(
                "validation: dependency {:?} has disallowed characters in the alias",
                d.name
            ));
        }
        let key = if d.alias.is_empty() {
            d.name.clone()
        } else {
            d.alias.clone()
        };
        if !seen.insert(key.clone()) {
            return Err(format!(
                "validation: more than one dependency with name or alias {key:?}"
            ));
        }
    }
    Ok(())
}
