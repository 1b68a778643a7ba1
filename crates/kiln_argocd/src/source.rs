//! Rendering an Application's sources (mirrors Argo CD's repo-server
//! `reposerver/repository/repository.go`: source type detection, the `helm template`
//! invocation and its values precedence, plain directories; see SEMANTICS.md §2).

use std::collections::HashSet;
use std::sync::Arc;

use kiln_gotmpl::{Map, SourceMap, Value};
use kiln_helm::caps::Capabilities;
use kiln_helm::chart::Chart;
use kiln_helm::engine::RenderOptions;
pub use kiln_helm::head::Identity;
use kiln_helm::manifest::split_manifests_at;
use kiln_helm::template::{TemplateOptions, TemplateOutput};

use crate::pyjson::Json;
use crate::repo::Repo;
use crate::tree;

/// One rendered document of an Application.
#[derive(Clone, Debug)]
pub struct Doc {
    /// `# Source` path: `chart/templates/x.yaml`, a CRD file, or a repo-relative file.
    pub source: String,
    /// The document text, trimmed.
    pub text: String,
    /// The parsed object, when the document is a mapping and was parsed: always with
    /// [`AppContext::all_objects`], else only for `Application` and `ApplicationSet`
    /// documents (what the fleet walk reads).
    pub obj: Option<Value>,
    /// Whether the document is a mapping (an object), parsed or not.
    pub is_object: bool,
    /// The object's `apiVersion`, `kind`, name and namespace, parsed or not.
    pub id: Identity,
    /// Whether it carries a `helm.sh/hook` annotation.
    pub hook: bool,
    /// Index of the Application source that produced it (in `spec.sources`; 0 for
    /// `spec.source`).
    pub source_index: usize,
    /// Where `text` lies in what produced it (only when rendering with
    /// [`AppContext::source_maps`]).
    pub origin: Option<DocOrigin>,
}

/// Where a document's text lies in the output that produced it, to point diagnostics
/// at template or file lines.
#[derive(Clone, Debug)]
pub struct DocOrigin {
    /// Offsets of the producing output (a template's output, or a file) → source lines.
    pub map: Arc<SourceMap>,
    /// Byte offset of the document's text in that output.
    pub offset: usize,
    /// Repository-relative chart directory (`.` at the root) when the map names
    /// templates (`chart/templates/x.yaml`); empty when it names repository paths.
    pub chart_dir: String,
}

/// Everything a Helm source was rendered from, kept (with [`AppContext::source_maps`])
/// so checks can read the values and render the chart again with other values.
#[derive(Clone, Debug)]
pub struct HelmRender {
    /// Repository-relative chart directory (`.` at the root).
    pub chart_dir: String,
    /// The loaded chart.
    pub chart: Arc<Chart>,
    /// The user values (value files, `values`/`valuesObject`, parameters), merged.
    pub user_values: Map,
    /// The coalesced values the templates saw (`Nil` when rendering failed).
    pub values: Value,
    /// Release, namespace, capabilities and CRD/schema options of the render.
    pub options: TemplateOptions,
    /// `helm.skipTests`: test hooks are left out.
    pub skip_tests: bool,
}

/// Where a value for a Helm source came from (recorded in `fleet.json`).
#[derive(Clone, Debug)]
pub enum ValueSource {
    Chart { file: Option<String> },
    ValueFile { file: String, missing: bool },
    ValuesObject,
    Values { ignored: bool },
    Parameter { name: String, force_string: bool },
    FileParameter { name: String, file: String },
}

impl ValueSource {
    fn to_json(&self) -> Json {
        match self {
            ValueSource::Chart { file } => {
                let j = Json::obj().with("kind", "chart");
                match file {
                    Some(f) => j.with("file", f.as_str()),
                    None => j,
                }
            }
            ValueSource::ValueFile { file, missing } => {
                let j = Json::obj()
                    .with("kind", "valueFile")
                    .with("file", file.as_str());
                if *missing {
                    j.with("missing", true).with("ignored", true)
                } else {
                    j
                }
            }
            ValueSource::ValuesObject => Json::obj().with("kind", "valuesObject"),
            ValueSource::Values { ignored } => {
                let j = Json::obj().with("kind", "values");
                if *ignored {
                    j.with("ignored", true)
                        .with("reason", "valuesObject is set and takes precedence")
                } else {
                    j
                }
            }
            ValueSource::Parameter { name, force_string } => Json::obj()
                .with("kind", "parameter")
                .with("name", name.as_str())
                .with("forceString", *force_string),
            ValueSource::FileParameter { name, file } => Json::obj()
                .with("kind", "fileParameter")
                .with("name", name.as_str())
                .with("file", file.as_str()),
        }
    }
}

/// What is recorded about one source of an Application.
#[derive(Clone, Debug, Default)]
pub struct SourceRecord {
    pub repo_url: Value,
    pub target_revision: Value,
    pub path: Value,
    pub chart: Value,
    /// `helm`, `directory`, `kustomize`, `plugin`, `external`, `ref`.
    pub kind: Option<String>,
    pub release: Option<String>,
    pub namespace: Option<String>,
    pub value_sources: Option<Vec<ValueSource>>,
    pub files: Option<Vec<String>>,
    /// What a Helm source was rendered from (only with [`AppContext::source_maps`]).
    pub helm: Option<Arc<HelmRender>>,
}

impl SourceRecord {
    /// The record as written in `fleet.json`.
    pub fn to_json(&self) -> Json {
        let mut j = Json::obj()
            .with("repoURL", Json::from_value(&self.repo_url))
            .with("targetRevision", Json::from_value(&self.target_revision))
            .with("path", Json::from_value(&self.path))
            .with("chart", Json::from_value(&self.chart));
        if let Some(k) = &self.kind {
            j.push("type", k.as_str());
        }
        if let Some(r) = &self.release {
            j.push("release", r.as_str());
        }
        if let Some(n) = &self.namespace {
            j.push("namespace", n.as_str());
        }
        if let Some(vs) = &self.value_sources {
            j.push(
                "valueSources",
                Json::Arr(vs.iter().map(ValueSource::to_json).collect()),
            );
        }
        if let Some(f) = &self.files {
            j.push(
                "files",
                Json::Arr(f.iter().map(|s| Json::from(s.as_str())).collect()),
            );
        }
        j
    }
}

/// What rendering an Application needs to know.
pub struct AppContext<'a> {
    pub repo: &'a Repo,
    pub app_name: &'a str,
    pub spec: &'a Value,
    pub kube_version: &'a str,
    pub api_versions: &'a [String],
    /// Keep what checks need: document origins and [`SourceRecord::helm`].
    pub source_maps: bool,
    /// Parse every rendered document into [`Doc::obj`] (checks, the hydrator layout);
    /// otherwise only `Application` and `ApplicationSet` documents are parsed — the rest
    /// only has its head read, which is all Helm itself reads.
    pub all_objects: bool,
}

/// The result of rendering all sources of an Application.
#[derive(Default)]
pub struct Rendered {
    pub records: Vec<SourceRecord>,
    pub docs: Vec<Doc>,
    pub any_local: bool,
    pub errors: Vec<String>,
    /// Where the first error points, as `repo/relative/path:LINE[:COL]`, when known.
    pub error_location: Option<String>,
}

/// Renders every source, concatenating their documents in source order.
pub fn render_sources(ctx: &AppContext<'_>, sources: &[Value]) -> Rendered {
    let mut out = Rendered::default();
    let mut local_refs = HashSet::new();
    for s in sources {
        if let (Some(r), Some(url)) = (tree::get_str(s, &["ref"]), tree::get_str(s, &["repoURL"])) {
            if ctx.repo.is_local(&url) && tree::get_str(s, &["chart"]).is_none() {
                local_refs.insert(r);
            }
        }
    }
    for (idx, src) in sources.iter().enumerate() {
        let mut rec = SourceRecord {
            repo_url: tree::get(src, &["repoURL"]).unwrap_or(Value::Nil),
            target_revision: tree::get(src, &["targetRevision"]).unwrap_or(Value::Nil),
            path: tree::get(src, &["path"]).unwrap_or(Value::Nil),
            chart: tree::get(src, &["chart"]).unwrap_or(Value::Nil),
            ..Default::default()
        };
        let url = tree::get_str(src, &["repoURL"]).unwrap_or_default();
        if tree::get_str(src, &["chart"]).is_some() || !ctx.repo.is_local(&url) {
            rec.kind = Some("external".into());
            out.records.push(rec);
            continue;
        }
        if tree::get_str(src, &["ref"]).is_some() && tree::get_str(src, &["path"]).is_none() {
            rec.kind = Some("ref".into());
            out.records.push(rec);
            continue;
        }
        out.any_local = true;
        match render_source(ctx, src, &mut rec, &local_refs) {
            Ok(docs) => out.docs.extend(docs.into_iter().map(|d| Doc {
                source_index: idx,
                ..d
            })),
            Err(SourceError {
                message: e,
                location,
            }) => {
                if out.error_location.is_none() {
                    out.error_location = location;
                }
                out.errors.push(if sources.len() > 1 {
                    format!(
                        "source[{idx}] {}: {e}",
                        tree::get_str(src, &["path"]).unwrap_or_else(|| "None".into())
                    )
                } else {
                    e
                })
            }
        }
        out.records.push(rec);
    }
    out
}

/// An error rendering a source: the message and, when known, where it points.
struct SourceError {
    message: String,
    location: Option<String>,
}

impl From<String> for SourceError {
    fn from(message: String) -> SourceError {
        SourceError {
            message,
            location: None,
        }
    }
}

fn render_source(
    ctx: &AppContext<'_>,
    src: &Value,
    rec: &mut SourceRecord,
    local_refs: &HashSet<String>,
) -> Result<Vec<Doc>, SourceError> {
    let raw_path = tree::get_str(src, &["path"]).unwrap_or_default();
    let trimmed = raw_path.trim_matches('/');
    let rel_path = if trimmed.is_empty() { "." } else { trimmed };
    let app_dir = ctx
        .repo
        .resolve("", rel_path)
        .ok_or_else(|| format!("app path {rel_path:?} is outside the repository"))?;
    if !ctx.repo.is_dir(&app_dir) {
        return Err(format!("app path does not exist: {rel_path}").into());
    }
    let explicit: Vec<&str> = ["helm", "kustomize", "directory", "plugin"]
        .into_iter()
        .filter(|k| tree::get(src, &[k]).is_some_and(|v| !v.is_nil()))
        .collect();
    if explicit.len() > 1 {
        return Err(String::from("multiple application sources defined").into());
    }
    let in_dir = |name: &str| crate::files::join(&app_dir, name);
    if explicit == ["plugin"] && crate::kiln_plugin::is_kiln_plugin(src) {
        // kiln's own plugin renders the source as kiln does (crate::kiln_plugin).
        let has_chart = ctx.repo.exists(&in_dir("Chart.yaml"));
        let native = crate::kiln_plugin::native_source(src, has_chart);
        return render_source(ctx, &native, rec, local_refs);
    }
    let stype = if let Some(e) = explicit.first() {
        *e
    } else if ctx.repo.exists(&in_dir("Chart.yaml")) {
        "helm"
    } else if ["kustomization.yaml", "kustomization.yml", "Kustomization"]
        .iter()
        .any(|k| ctx.repo.exists(&in_dir(k)))
    {
        "kustomize"
    } else {
        "directory"
    };
    rec.kind = Some(stype.into());
    match stype {
        "helm" => render_helm(ctx, src, rec, &app_dir, local_refs),
        "directory" => {
            let (docs, files) =
                crate::directory::render(ctx.repo, src, &app_dir, ctx.source_maps)?;
            rec.files = Some(files);
            Ok(docs)
        }
        other => Err(format!(
            "unsupported source type {other:?} (kiln renders Helm sources; {other} sources are reported, not rendered)"
        )
        .into()),
    }
}

/// Helm's release name rule (`chartutil.ValidateReleaseName`).
fn validate_release_name(name: &str) -> Result<(), String> {
    const RULE: &str = "invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than 53";
    if name.is_empty() {
        return Err("no name provided".into());
    }
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if name.len() > 53 || !name.split('.').all(label_ok) {
        return Err(RULE.into());
    }
    Ok(())
}

/// The text of a scalar as Argo CD's typed fields hold it.
fn scalar_text(v: &Value) -> String {
    match v {
        Value::Nil => String::new(),
        Value::String(s) => s.to_string(),
        other => {
            let mut s = String::new();
            kiln_gotmpl::fmt::write_value(&mut s, other);
            s
        }
    }
}

/// Argo CD's `cleanSetParameters`: a `,` in a `--set` value is escaped, unless the value
/// is a Helm list (`{a,b}`).
fn escape_set_commas(v: &str) -> String {
    if v.starts_with('{') && v.ends_with('}') {
        return v.to_string();
    }
    let mut out = String::with_capacity(v.len());
    let mut prev = '\0';
    for c in v.chars() {
        if c == ',' && prev != '\\' {
            out.push('\\');
        }
        out.push(c);
        prev = c;
    }
    out
}

/// Python's `repr` of a str, as the reference implementation quotes release names.
fn py_repr(s: &str) -> String {
    if s.contains('\'') && !s.contains('"') {
        format!("\"{s}\"")
    } else {
        format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
    }
}

/// Go's `os.Expand` as Argo CD's `Envsubst` uses it: `$VAR` and `${VAR}` from `env`,
/// unknown variables empty, `$$` a literal `$`.
pub fn envsubst(s: &str, env: &[(&str, String)]) -> String {
    let lookup = |name: &str| {
        env.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut out = String::with_capacity(s.len());
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'$' && i + 1 < b.len() {
            let rest = &s[i + 1..];
            if let Some(r) = rest.strip_prefix('{') {
                if let Some(end) = r.find('}') {
                    out.push_str(&lookup(&r[..end]));
                    i += 2 + end + 1;
                    continue;
                }
            } else if rest.starts_with('$') {
                out.push('$');
                i += 2;
                continue;
            } else {
                let n = rest
                    .bytes()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_')
                    .count();
                if n > 0 {
                    out.push_str(&lookup(&rest[..n]));
                    i += 1 + n;
                    continue;
                }
            }
        }
        let c = s[i..].chars().next().unwrap_or('$');
        out.push(c);
        i += c.len_utf8();
    }
    out
}

fn render_helm(
    ctx: &AppContext<'_>,
    src: &Value,
    rec: &mut SourceRecord,
    app_dir: &str,
    local_refs: &HashSet<String>,
) -> Result<Vec<Doc>, SourceError> {
    let h = tree::get(src, &["helm"])
        .filter(|v| v.as_map().is_some())
        .unwrap_or_else(Value::empty_map);
    let release = tree::get_str(&h, &["releaseName"]).unwrap_or_else(|| ctx.app_name.to_string());
    let namespace = tree::get_str(&h, &["namespace"])
        .or_else(|| tree::get_str(ctx.spec, &["destination", "namespace"]))
        .unwrap_or_else(|| "default".into());
    let kube_version = tree::get_str(src, &["kubeVersion"])
        .or_else(|| tree::get_str(&h, &["kubeVersion"]))
        .unwrap_or_else(|| ctx.kube_version.to_string());
    let kube_version = kube_version.trim_start_matches('v').to_string();
    let api_versions: Vec<String> = tree::get_list(&h, &["apiVersions"])
        .or_else(|| tree::get_list(src, &["apiVersions"]))
        .filter(|l| !l.is_empty())
        .map(|l| {
            l.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_else(|| ctx.api_versions.to_vec());
    let target_rev = tree::get_str(src, &["targetRevision"]).unwrap_or_default();
    let rev = if target_rev.is_empty() {
        "HEAD".to_string()
    } else {
        target_rev.clone()
    };
    let env: Vec<(&str, String)> = vec![
        ("ARGOCD_APP_NAME", ctx.app_name.to_string()),
        (
            "ARGOCD_APP_NAMESPACE",
            tree::get_str(ctx.spec, &["destination", "namespace"]).unwrap_or_default(),
        ),
        (
            "ARGOCD_APP_PROJECT_NAME",
            tree::get_str(ctx.spec, &["project"]).unwrap_or_default(),
        ),
        ("ARGOCD_APP_REVISION", rev.clone()),
        ("ARGOCD_APP_REVISION_SHORT", rev.chars().take(7).collect()),
        (
            "ARGOCD_APP_SOURCE_PATH",
            tree::get_str(src, &["path"]).unwrap_or_default(),
        ),
        (
            "ARGOCD_APP_SOURCE_REPO_URL",
            tree::get_str(src, &["repoURL"]).unwrap_or_default(),
        ),
        ("ARGOCD_APP_SOURCE_TARGET_REVISION", target_rev),
        ("KUBE_VERSION", kube_version.clone()),
        ("KUBE_API_VERSIONS", api_versions.join(",")),
    ];
    rec.release = Some(release.clone());
    rec.namespace = Some(namespace.clone());
    let mut vs = Vec::new();
    // A chart at the repository root has `app_dir` "" (or "."): its values file is
    // `values.yaml`, as the reference records it; checks name its directory ".".
    let chart_dir = match app_dir {
        "" => ".",
        d => d,
    };
    let chart_values = match app_dir.trim_start_matches("./") {
        "" | "." => "values.yaml".to_string(),
        dir => format!("{dir}/values.yaml"),
    };
    vs.push(ValueSource::Chart {
        file: ctx.repo.is_file(&chart_values).then_some(chart_values),
    });
    let result = (|| -> Result<Vec<Doc>, SourceError> {
        let mut user = Map::new();
        for raw in tree::get_list(&h, &["valueFiles"]).unwrap_or_default() {
            let raw_text = match &raw {
                Value::String(s) => s.to_string(),
                other => {
                    let mut s = String::new();
                    kiln_gotmpl::fmt::write_value(&mut s, other);
                    s
                }
            };
            let raw_s = envsubst(&raw_text, &env);
            if let Some(scheme_end) = raw_s.find("://") {
                if raw_s[..scheme_end]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
                {
                    return Err(format!(
                        "remote value file {} is not fetched by kiln",
                        py_repr(&raw_s)
                    )
                    .into());
                }
            }
            let full = if let Some(r) = raw_s.strip_prefix('$') {
                let (reference, rest) = r.split_once('/').unwrap_or((r, ""));
                if !local_refs.contains(reference) {
                    return Err(format!(
                        "value file {} refers to source ref {} that is not a local-repository ref source",
                        py_repr(&raw_s),
                        py_repr(reference)
                    )
                    .into());
                }
                ctx.repo.resolve("", rest)
            } else if raw_s.starts_with('/') {
                ctx.repo.resolve("", raw_s.trim_start_matches('/'))
            } else {
                ctx.repo.resolve(app_dir, &raw_s)
            };
            let Some(full) = full else {
                return Err(
                    format!("value file '{raw_text}' resolved to outside repository root").into(),
                );
            };
            if !ctx.repo.is_file(&full) {
                if matches!(
                    tree::get(&h, &["ignoreMissingValueFiles"]),
                    Some(Value::Bool(true))
                ) {
                    vs.push(ValueSource::ValueFile {
                        file: full,
                        missing: true,
                    });
                    continue;
                }
                return Err(format!("open {full}: no such file or directory").into());
            }
            let text = ctx.repo.read_text(&full).map_err(|e| format!("open {e}"))?;
            let data = kiln_helm::yaml::parse_values_document(&text)
                .map_err(|(e, _)| format!("failed to parse {full}: {e}"))?;
            user = kiln_helm::values::merge_maps(user, data);
            vs.push(ValueSource::ValueFile {
                file: full,
                missing: false,
            });
        }
        match tree::get(&h, &["valuesObject"]).filter(|v| !v.is_nil()) {
            Some(vo) => {
                let Some(m) = vo.as_map() else {
                    return Err(String::from("helm.valuesObject is not a mapping").into());
                };
                user = kiln_helm::values::merge_maps(user, kiln_helm::values::deep_copy_map(&m));
                vs.push(ValueSource::ValuesObject);
                if tree::truthy(tree::get(&h, &["values"]).as_ref()) {
                    vs.push(ValueSource::Values { ignored: true });
                }
            }
            None => {
                if let Some(vals) = tree::get(&h, &["values"]).filter(|v| v.is_true()) {
                    let data = match &vals {
                        Value::Map(m, _) => kiln_helm::values::deep_copy_map(&m.snapshot()),
                        Value::String(s) => kiln_helm::yaml::parse_values_document(s)
                            .map_err(|(e, _)| format!("failed to parse helm.values: {e}"))?,
                        _ => Map::new(),
                    };
                    user = kiln_helm::values::merge_maps(user, data);
                    vs.push(ValueSource::Values { ignored: false });
                }
            }
        }
        // `parameters` become `--set` (or `--set-string` with forceString), in name order
        // (Argo CD passes them from a Go map; sorting makes the order deterministic).
        let mut sets: std::collections::BTreeMap<String, String> = Default::default();
        let mut set_strings: std::collections::BTreeMap<String, String> = Default::default();
        for p in tree::get_list(&h, &["parameters"]).unwrap_or_default() {
            let name = scalar_text(&tree::get(&p, &["name"]).unwrap_or_default());
            let value = envsubst(
                &scalar_text(&tree::get(&p, &["value"]).unwrap_or_default()),
                &env,
            );
            if matches!(tree::get(&p, &["forceString"]), Some(Value::Bool(true))) {
                set_strings.insert(name, value);
            } else {
                sets.insert(name, value);
            }
        }
        for (table, force) in [(&sets, false), (&set_strings, true)] {
            for (k, v) in table {
                let v = escape_set_commas(v);
                let arg = format!("{k}={v}");
                let r = if force {
                    kiln_helm::strvals::parse_set_string(&arg, &mut user)
                } else {
                    kiln_helm::strvals::parse_set(&arg, &mut user)
                };
                r.map_err(|e| format!("failed parsing --set data: {e}"))?;
                vs.push(ValueSource::Parameter {
                    name: k.clone(),
                    force_string: force,
                });
            }
        }
        for p in tree::get_list(&h, &["fileParameters"]).unwrap_or_default() {
            let name = scalar_text(&tree::get(&p, &["name"]).unwrap_or_default());
            let raw = envsubst(
                &scalar_text(&tree::get(&p, &["path"]).unwrap_or_default()),
                &env,
            );
            let full = ctx.repo.resolve(app_dir, &raw);
            let text = full
                .as_ref()
                .and_then(|f| ctx.repo.read_text(f).ok())
                .ok_or_else(|| format!("fileParameter {name}: cannot read {raw}"))?;
            kiln_helm::strvals::parse_set_literal(&format!("{name}={text}"), &mut user)
                .map_err(|e| format!("failed parsing --set-file data: {e}"))?;
            vs.push(ValueSource::FileParameter {
                name,
                file: full.unwrap_or_default(),
            });
        }
        let chart = ctx.repo.chart(app_dir).map_err(|e| SourceError {
            location: e.file.as_ref().map(|f| match e.line {
                Some(l) => format!("{}:{l}", crate::files::join(app_dir, f)),
                None => crate::files::join(app_dir, f),
            }),
            message: e.message,
        })?;
        validate_release_name(&release)
            .map_err(|e| format!("release name {}: {e}", py_repr(&release)))?;
        // Argo CD's repo-server runs the Helm v3 CLI, whose `runInstall` wraps the
        // missing-dependency error in this wording (Helm v4 lower-cases it and quotes
        // the command differently; `kiln template` uses v4's).
        let missing = kiln_helm::template::missing_dependencies(&chart);
        if !missing.is_empty() {
            return Err(format!(
                "An error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: {}",
                missing.join(", ")
            )
            .into());
        }
        let caps =
            Capabilities::new(Some(&kube_version), &api_versions).map_err(SourceError::from)?;
        let opts = TemplateOptions {
            render: RenderOptions {
                release_name: release.clone(),
                namespace: namespace.clone(),
                capabilities: caps,
                skip_schema_validation: matches!(
                    tree::get(&h, &["skipSchemaValidation"]),
                    Some(Value::Bool(true))
                ),
                ..Default::default()
            },
            include_crds: !matches!(tree::get(&h, &["skipCrds"]), Some(Value::Bool(true))),
            source_maps: ctx.source_maps,
        };
        let skip_tests = matches!(tree::get(&h, &["skipTests"]), Some(Value::Bool(true)));
        if ctx.source_maps {
            // Kept even when rendering fails: checks then explain a values.schema.json
            // failure at the values keys.
            rec.helm = Some(Arc::new(HelmRender {
                chart_dir: chart_dir.to_string(),
                chart: chart.clone(),
                user_values: user.clone(),
                values: Value::Nil,
                options: opts.clone(),
                skip_tests,
            }));
        }
        let out = ctx
            .repo
            .template(app_dir, &chart, &user, &opts)
            .map_err(|e| SourceError {
                location: e.file.as_ref().map(|f| {
                    // Template names start with the chart name; the files live in the
                    // chart directory.
                    let rest = f.split_once('/').map_or(f.as_str(), |(_, r)| r);
                    let mut loc = crate::files::join(app_dir, rest);
                    if let Some(l) = e.line {
                        loc.push_str(&format!(":{l}"));
                        if let Some(c) = e.col {
                            loc.push_str(&format!(":{c}"));
                        }
                    }
                    loc
                }),
                message: e.message,
            })?;
        let docs = helm_docs(
            &out,
            chart_dir,
            skip_tests,
            ctx.source_maps,
            ctx.all_objects,
        );
        if let Some(h) = &mut rec.helm {
            Arc::make_mut(h).values = out.values.clone();
        }
        Ok(docs)
    })();
    rec.value_sources = Some(vs);
    result
}

/// The documents of a `helm template` result in the order Argo CD applies them: CRDs
/// (one document each), manifests by install order, then hooks. With `source_maps`,
/// each carries its origin (template output or CRD file of the chart at `chart_dir`).
/// With `all_objects` every document's object is parsed into [`Doc::obj`], otherwise
/// only those of `Application` and `ApplicationSet` documents.
pub fn helm_docs(
    out: &TemplateOutput,
    chart_dir: &str,
    skip_tests: bool,
    source_maps: bool,
    all_objects: bool,
) -> Vec<Doc> {
    let mut docs = Vec::new();
    for (name, data) in &out.crds {
        let map = source_maps.then(|| Arc::new(SourceMap::for_file(name, data)));
        for (offset, d) in split_manifests_at(data) {
            let text = d.trim().to_string();
            let obj = kiln_helm::yaml::parse_document(&text)
                .ok()
                .filter(|v| v.as_map().is_some());
            docs.push(Doc {
                source: name.clone(),
                text,
                is_object: obj.is_some(),
                id: obj.as_ref().map(Identity::of).unwrap_or_default(),
                obj,
                hook: false,
                source_index: 0,
                origin: map.as_ref().map(|m| DocOrigin {
                    map: m.clone(),
                    offset,
                    chart_dir: chart_dir.to_string(),
                }),
            });
        }
    }
    for (list, hook) in [(&out.manifests, false), (&out.hooks, true)] {
        for m in list {
            if skip_tests && m.path.contains("/tests/") {
                continue;
            }
            docs.push(Doc {
                source: m.path.clone(),
                text: m.content.trim().to_string(),
                obj: (m.is_object
                    && (all_objects
                        || matches!(m.kind.as_str(), "Application" | "ApplicationSet")))
                .then(|| m.object().clone()),
                is_object: m.is_object,
                id: m.id.clone(),
                hook,
                source_index: 0,
                origin: out.source_maps.get(&m.path).map(|map| DocOrigin {
                    map: map.clone(),
                    offset: m.offset,
                    chart_dir: chart_dir.to_string(),
                }),
            });
        }
    }
    docs
}
