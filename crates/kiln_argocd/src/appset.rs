//! ApplicationSet expansion (mirrors Argo CD's
//! `applicationset/controllers/template/template.go` `GenerateApplications` at 37ee0097).
//!
//! For each `spec.generators[]` entry, in order, [`generators::transform`] yields
//! parameter sets and the template for them (the generator's own `template` merged over
//! `spec.template`). For each set the template is rendered into one Application
//! ([`render_application`]: every string and map key rendered, the resources finalizer
//! added, `templatePatch` applied as a strategic merge patch with `spec.project` kept),
//! then `metadata.namespace` is forced to the ApplicationSet's namespace. Results are
//! concatenated in generator order.
//!
//! Errors do not stop the other generators (Argo CD records the first error and keeps
//! generating); every error is reported in [`Expansion::errors`] and a caller should
//! treat any as a failure. Generated Applications without a name or with a duplicate
//! name are dropped with Argo CD's error (applicationset_controller.go
//! `validateGeneratedApplications`).

use std::collections::HashSet;

use kiln_gotmpl::{Map, MapRef, MapType, Str, Value};

use crate::generators::{self, ParamSet};
use crate::template::Templater;
use crate::tree;

pub use crate::generators::{
    ClusterSecret, ClusterSource, ExpandContext, GeneratorOverride, GitFileGlobbing, NoClusters,
    RepoTree, WorkTree,
};

/// Argo CD's resources finalizer, added to generated Applications that set none.
pub const RESOURCES_FINALIZER: &str = "resources-finalizer.argocd.argoproj.io";

/// Generator kinds Argo CD knows.
pub const GENERATOR_KINDS: &[&str] = generators::GENERATOR_KINDS;

/// Sprig functions whose output changes from run to run.
const NONDETERMINISTIC_FUNCS: &[&str] = &[
    "now",
    "uuidv4",
    "randAlphaNum",
    "randAlpha",
    "randNumeric",
    "randAscii",
    "randInt",
    "randBytes",
    "date_in_zone",
    "dateInZone",
];

/// The result of expanding one ApplicationSet.
#[derive(Debug, Default)]
pub struct Expansion {
    /// Generated Applications (`apiVersion`, `kind`, `metadata`, `spec`), in generator
    /// order.
    pub applications: Vec<Value>,
    /// Errors (Argo reports the first and keeps generating); any error means Argo CD
    /// would mark the ApplicationSet as failing.
    pub errors: Vec<String>,
    /// Things Argo CD only logs: unrecognized generator entries, templates calling
    /// functions whose output changes on every run.
    pub warnings: Vec<String>,
}

/// Expands `appset`, whose Applications are created in `namespace`, reading
/// repositories and clusters through `ctx`.
pub fn expand(appset: &Value, namespace: &str, ctx: &ExpandContext<'_>) -> Expansion {
    let spec = tree::get(appset, &["spec"]).unwrap_or(Value::Nil);
    if generators::too_deep(&spec, generators::MAX_VALUE_DEPTH) {
        return Expansion {
            errors: vec![format!(
                "ApplicationSet spec nested deeper than {} levels",
                generators::MAX_VALUE_DEPTH
            )],
            ..Expansion::default()
        };
    }
    let go = matches!(tree::get(&spec, &["goTemplate"]), Some(Value::Bool(true)));
    let options = go_template_options(&spec);
    let name = tree::get_str(appset, &["metadata", "name"]).unwrap_or_default();
    let mut t = Templater::new(go, &options);
    let mut out = Expansion::default();
    if go {
        warn_nondeterministic(&spec, &name, &mut out.warnings);
    }
    let spec_template = tree::get(&spec, &["template"]).unwrap_or_else(Value::empty_map);
    let mut apps = Vec::new();
    let entries = match tree::get(&spec, &["generators"]) {
        None | Some(Value::Nil) => Vec::new(),
        Some(Value::List(l, _)) => l.to_vec(),
        Some(other) => {
            out.errors.push(format!(
                "ApplicationSet {name}: spec.generators must be a list, not {}",
                other.type_name()
            ));
            Vec::new()
        }
    };
    for (gi, entry) in entries.iter().enumerate() {
        if generators::kinds_of(entry, 0).is_empty() {
            let mut keys: Vec<String> = entry
                .as_map()
                .map(|m| m.keys().map(|k| k.to_string()).collect())
                .unwrap_or_default();
            keys.retain(|k| k != "selector");
            out.warnings.push(if keys.is_empty() {
                format!("ApplicationSet {name} contains unrecognized generators")
            } else {
                format!(
                    "ApplicationSet {name} contains unrecognized generators: {}",
                    keys.join(", ")
                )
            });
            continue;
        }
        let generated = match generators::transform(entry, &spec_template, &mut t, ctx) {
            Ok(g) => g,
            Err(e) => {
                out.errors.push(format!("generator[{gi}]: {e}"));
                continue;
            }
        };
        for g in generated {
            let tmpl_app = temp_application(&g.template);
            for p in &g.params {
                match render_application(&spec, &tmpl_app, p, &mut t) {
                    Ok(app) => {
                        tree::set(&app, &["metadata", "namespace"], Value::str(namespace));
                        apps.push(full_application(&app));
                    }
                    Err(e) => out.errors.push(format!("generator[{gi}]: {e}")),
                }
            }
        }
    }
    let mut seen = HashSet::new();
    for app in apps {
        let app_name = tree::get_str(&app, &["metadata", "name"]).unwrap_or_default();
        if app_name.is_empty() {
            out.errors.push(format!(
                "ApplicationSet {name} contains an application with no name"
            ));
            continue;
        }
        if !seen.insert(app_name.clone()) {
            out.errors.push(format!(
                "ApplicationSet {name} contains applications with duplicate name: {app_name}"
            ));
            continue;
        }
        out.applications.push(app);
    }
    out
}

/// `spec.goTemplateOptions` as strings.
pub fn go_template_options(spec: &Value) -> Vec<String> {
    tree::get_list(spec, &["goTemplateOptions"])
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.as_str().map(String::from))
        .collect()
}

/// Warns once when a template string calls a Sprig function whose output changes on
/// every run (the expansion is then not reproducible).
fn warn_nondeterministic(spec: &Value, name: &str, warnings: &mut Vec<String>) {
    let mut texts = Vec::new();
    collect_templated(
        &tree::get(spec, &["template"]).unwrap_or(Value::Nil),
        &mut texts,
        0,
    );
    if let Some(p) = tree::get_str(spec, &["templatePatch"]) {
        texts.push(p);
    }
    let mut used: Vec<&str> = NONDETERMINISTIC_FUNCS
        .iter()
        .copied()
        .filter(|f| texts.iter().any(|t| calls(t, f)))
        .collect();
    used.dedup();
    if !used.is_empty() {
        warnings.push(format!(
            "ApplicationSet {name} renders with {}: the output changes from run to run",
            used.join(", ")
        ));
    }
}

/// Whether the actions of `text` mention the identifier `f`.
fn calls(text: &str, f: &str) -> bool {
    let mut rest = text;
    while let Some(i) = rest.find("{{") {
        let after = &rest[i + 2..];
        let end = after.find("}}").unwrap_or(after.len());
        let action = &after[..end];
        let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '$';
        if action.split(|c: char| !ident(c)).any(|w| w == f) {
            return true;
        }
        rest = &after[end..];
    }
    false
}

fn collect_templated(v: &Value, out: &mut Vec<String>, depth: usize) {
    if depth > 64 {
        return;
    }
    match v {
        Value::String(s) if s.contains("{{") => out.push(s.to_string()),
        Value::Map(m, _) => {
            for (k, v) in m.snapshot().iter() {
                if k.contains("{{") {
                    out.push(k.to_string());
                }
                collect_templated(v, out, depth + 1);
            }
        }
        Value::List(l, _) => l.iter().for_each(|v| collect_templated(v, out, depth + 1)),
        _ => {}
    }
}

/// The Application a template stands for (template.go `GetTempApplication`): only
/// `metadata.{name, namespace, labels, annotations, finalizers}` and `spec` are kept.
pub fn temp_application(template: &Value) -> Value {
    let md = tree::get_map(template, &["metadata"]).unwrap_or_default();
    let mut app_md = Map::new();
    for k in ["name", "namespace", "labels", "annotations", "finalizers"] {
        if let Some(v) = md.get(k).filter(|v| !v.is_nil()) {
            app_md.insert(Str::from(k), v.clone());
        }
    }
    let mut app = Map::new();
    app.insert("metadata".into(), Value::map(app_md));
    app.insert(
        "spec".into(),
        tree::get(template, &["spec"])
            .filter(|s| !s.is_nil())
            .unwrap_or_else(Value::empty_map),
    );
    Value::map(app).deep_copy()
}

/// `{apiVersion, kind, metadata, spec}` of a rendered Application.
fn full_application(app: &Value) -> Value {
    let mut full = Map::new();
    full.insert("apiVersion".into(), Value::str("argoproj.io/v1alpha1"));
    full.insert("kind".into(), Value::str("Application"));
    full.insert(
        "metadata".into(),
        tree::get(app, &["metadata"]).unwrap_or_else(Value::empty_map),
    );
    full.insert(
        "spec".into(),
        tree::get(app, &["spec"]).unwrap_or_else(Value::empty_map),
    );
    Value::Map(MapRef::new(full), MapType::Any)
}

/// Renders one Application from `tmpl_app` ([`temp_application`]) and one parameter set
/// (utils.go `RenderTemplateParams`, then template.go `renderTemplatePatch`):
/// * an empty parameter set returns the template unrendered (and adds no finalizer);
/// * otherwise every string and map key is rendered, and when the result has no
///   finalizers and `spec.syncPolicy.preserveResourcesOnDeletion` is not true,
///   [`RESOURCES_FINALIZER`] is added;
/// * `spec.templatePatch` (appset `spec`) is rendered with the same parameters and
///   applied ([`apply_template_patch`]).
///
/// `metadata.namespace` is left as rendered (the caller forces it).
pub fn render_application(
    appset_spec: &Value,
    tmpl_app: &Value,
    params: &ParamSet,
    t: &mut Templater,
) -> Result<Value, String> {
    // Each Application renders with its own copy of the parameters, so templates that
    // change maps (`set`, `unset`) cannot leak into other Applications.
    let data = Value::map(params.clone()).deep_copy();
    let app = if params.is_empty() {
        tmpl_app.deep_copy()
    } else {
        let app = t.deep_replace(tmpl_app, &data)?;
        let preserve = matches!(
            tree::get(appset_spec, &["syncPolicy", "preserveResourcesOnDeletion"]),
            Some(Value::Bool(true))
        );
        let has_finalizers =
            tree::get_list(&app, &["metadata", "finalizers"]).is_some_and(|f| !f.is_empty());
        if !has_finalizers && !preserve {
            tree::set(
                &app,
                &["metadata", "finalizers"],
                Value::list(vec![Value::str(RESOURCES_FINALIZER)]),
            );
        }
        app
    };
    match tree::get(appset_spec, &["templatePatch"]) {
        None | Some(Value::Nil) => Ok(app),
        Some(Value::String(src)) => {
            let text = t
                .replace(&src, &data)
                .map_err(|e| format!("error replacing values in templatePatch: {e}"))?;
            apply_template_patch(&app, &text)
        }
        Some(other) => Err(format!(
            "spec.templatePatch must be a string, not {}",
            other.type_name()
        )),
    }
}

/// Applies a rendered `templatePatch` (patch.go `applyTemplatePatch`): the text is YAML
/// or JSON (Argo's `ConvertYAMLToJSON`: text starting with `{` is taken as JSON), and is
/// applied as a Kubernetes strategic merge patch on the Application type:
/// * maps merge; `null` deletes a key (and `null`s inside newly added subtrees are
///   dropped, `IgnoreUnmatchedNulls`); a value of another type replaces;
/// * lists are replaced (the Application type declares no patch merge keys);
/// * `$patch: replace` replaces a map, `$patch: delete` removes it;
/// * `helm.valuesObject` is a `RawExtension`: maps or lists present on both sides inside
///   it are an error, as in Argo CD ("unable to find api field in struct RawExtension").
///
/// Then `spec.project` is restored to its value before the patch. A patch that is not
/// an object (or `null`) is an error.
pub fn apply_template_patch(app: &Value, patch_text: &str) -> Result<Value, String> {
    let trimmed = patch_text.trim();
    let patch = if trimmed.starts_with('{') {
        kiln_encoding::from_json(trimmed).map_err(|e| e.message)
    } else {
        kiln_helm::yaml::parse_document(patch_text).map_err(|(e, _)| e)
    }
    .map_err(|e| format!("error while converting template to json {patch_text:?}: {e}"))?;
    let patch = match patch {
        Value::Nil => return Ok(app.deep_copy()),
        Value::Map(m, _) => m.snapshot(),
        other => {
            return Err(format!(
                "invalid templatePatch {patch_text:?}: json: cannot unmarshal {} into Go value of type v1alpha1.Application",
                match other {
                    Value::String(_) => "string",
                    Value::Bool(_) => "bool",
                    Value::List(..) => "array",
                    _ => "number",
                }
            ))
        }
    };
    let orig = app.as_map().map(|m| (*m).clone()).unwrap_or_default();
    let mut merged = smp_map(&orig, &patch, &mut Vec::new(), 0)
        .map_err(|e| {
            format!("error while applying templatePatch template to json {patch_text:?}: {e}")
        })?
        .unwrap_or_default();
    for key in ["metadata", "spec"] {
        if let Some(v) = merged.get(key) {
            if !v.is_nil() && v.as_map().is_none() {
                return Err(format!(
                    "error while unmarhsalling patched application: json: cannot unmarshal {} into Go struct field Application.{key}",
                    v.type_name()
                ));
            }
        }
    }
    // spec.project cannot be changed by the patch.
    let project = tree::get(app, &["spec", "project"]);
    if let Some(Value::Map(spec, _)) = merged.get("spec").cloned() {
        let mut spec = (*spec.snapshot()).clone();
        match project {
            Some(p) => {
                spec.insert("project".into(), p);
            }
            None => {
                spec.remove("project");
            }
        }
        merged.insert("spec".into(), Value::map(spec));
    }
    Ok(Value::map(merged))
}

/// Drops `null` entries from maps, recursively (strategicpatch
/// `discardNullValuesFromPatch`).
fn discard_nulls(v: &Value, depth: usize) -> Value {
    if depth > 512 {
        return v.clone();
    }
    match v {
        Value::Map(m, t) => Value::Map(
            MapRef::new(
                m.snapshot()
                    .iter()
                    .filter(|(_, v)| !v.is_nil())
                    .map(|(k, v)| (k.clone(), discard_nulls(v, depth + 1)))
                    .collect(),
            ),
            *t,
        ),
        Value::List(l, t) => Value::List(
            std::sync::Arc::new(l.iter().map(|v| discard_nulls(v, depth + 1)).collect()),
            *t,
        ),
        other => other.clone(),
    }
}

/// Strategic merge of `patch` into `orig` (strategicpatch `mergeMap` with
/// `IgnoreUnmatchedNulls`); `None` means "delete this map" (`$patch: delete`).
fn smp_map(
    orig: &Map,
    patch: &Map,
    path: &mut Vec<String>,
    depth: usize,
) -> Result<Option<Map>, String> {
    if depth > 512 {
        return Err("templatePatch nested too deeply".into());
    }
    match patch.get("$patch") {
        None => {}
        Some(Value::String(d)) if &**d == "replace" => {
            let mut p = patch.clone();
            p.remove("$patch");
            return Ok(discard_nulls(&Value::map(p), 0)
                .as_map()
                .map(|m| (*m).clone()));
        }
        Some(Value::String(d)) if &**d == "delete" => return Ok(None),
        Some(Value::String(d)) if &**d == "merge" => {}
        Some(other) => {
            return Err(format!(
                "unknown patch type: {} in map",
                crate::generators::flatten::go_sprint(other)
            ))
        }
    }
    let in_raw = path.iter().any(|p| p == "valuesObject");
    let mut out = orig.clone();
    for (k, pv) in patch {
        if k.starts_with('$') {
            continue; // $patch handled above; $retainKeys/$setElementOrder: no merge keys here
        }
        if pv.is_nil() {
            out.remove(k);
            continue;
        }
        let merged = match (out.get(k), pv) {
            (Some(Value::Map(om, ot)), Value::Map(pm, _)) => {
                if in_raw {
                    return Err(format!(
                        "unable to find api field in struct RawExtension for the json field {:?}",
                        k.to_string()
                    ));
                }
                path.push(k.to_string());
                let r = smp_map(&om.snapshot(), &pm.snapshot(), path, depth + 1);
                path.pop();
                match r? {
                    Some(m) => Value::Map(MapRef::new(m), *ot),
                    None => {
                        out.remove(k);
                        continue;
                    }
                }
            }
            (Some(Value::List(..)), Value::List(..)) if in_raw => {
                return Err(format!(
                    "unable to find api field in struct RawExtension for the json field {:?}",
                    k.to_string()
                ));
            }
            (Some(Value::List(..)), Value::List(..)) => pv.clone(),
            _ => discard_nulls(pv, 0),
        };
        out.insert(k.clone(), merged);
    }
    Ok(Some(out))
}

/// The generator's own `template` merged over `spec.template`
/// (generator_spec_processor.go `mergeGeneratorTemplate`).
pub fn merge_generator_template(spec_template: &Value, own: Option<Value>) -> Value {
    generators::merge_generator_template(spec_template, own)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(j: &str) -> Value {
        Value::from_json(&serde_json::from_str(j).unwrap())
    }

    #[test]
    fn patch_semantics() {
        let app = v(
            r#"{"metadata": {"name": "a", "labels": {"x": "1"}}, "spec": {"project": "p", "source": {"helm": {"valueFiles": ["a"], "valuesObject": {"m": {"k": 1}}}}}}"#,
        );
        let p = apply_template_patch(
            &app,
            "metadata:\n  labels:\n    x: null\n    z: '2'\nspec:\n  project: other\n  source:\n    helm:\n      valueFiles: [b]\n",
        )
        .unwrap();
        assert_eq!(
            p,
            v(
                r#"{"metadata": {"name": "a", "labels": {"z": "2"}}, "spec": {"project": "p", "source": {"helm": {"valueFiles": ["b"], "valuesObject": {"m": {"k": 1}}}}}}"#
            )
        );
        assert!(apply_template_patch(
            &app,
            "spec:\n  source:\n    helm:\n      valuesObject:\n        m: {j: 2}\n"
        )
        .is_err());
        assert!(apply_template_patch(&app, "hello world").is_err());
        assert_eq!(apply_template_patch(&app, "").unwrap(), app);
    }

    #[test]
    fn nondeterministic_calls() {
        assert!(calls("{{ now | date \"2006\" }}", "now"));
        assert!(!calls("{{ .nowhere }}", "now"));
        assert!(!calls("now", "now"));
    }
}
