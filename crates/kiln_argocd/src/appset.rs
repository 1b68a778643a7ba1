//! ApplicationSet expansion (mirrors Argo CD's
//! `applicationset/controllers/template/template.go` `GenerateApplications`): each
//! generator produces parameter sets, the template (merged with the generator's own
//! template) is rendered once per set, `templatePatch` is applied, the resources
//! finalizer is added, and generated Applications without a name or with a duplicate
//! name are dropped with Argo's error.

use kiln_gotmpl::{Map, MapRef, MapType, Str, Value};

use crate::template::Templater;
use crate::tree;

/// Argo CD's resources finalizer, added to generated Applications that set none.
pub const RESOURCES_FINALIZER: &str = "resources-finalizer.argocd.argoproj.io";

/// Generator kinds Argo CD knows.
pub const GENERATOR_KINDS: &[&str] = &[
    "list",
    "clusters",
    "git",
    "scmProvider",
    "clusterDecisionResource",
    "pullRequest",
    "matrix",
    "merge",
    "plugin",
];

/// The result of expanding one ApplicationSet.
#[derive(Debug, Default)]
pub struct Expansion {
    /// Generated Applications (`apiVersion`, `kind`, `metadata`, `spec`).
    pub applications: Vec<Value>,
    /// Errors (Argo reports the first and keeps generating).
    pub errors: Vec<String>,
}

/// Expands `appset`, whose Applications are created in `namespace`.
pub fn expand(appset: &Value, namespace: &str) -> Expansion {
    let spec = tree::get(appset, &["spec"]).unwrap_or(Value::Nil);
    let go = matches!(tree::get(&spec, &["goTemplate"]), Some(Value::Bool(true)));
    let options: Vec<String> = tree::get_list(&spec, &["goTemplateOptions"])
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.as_str().map(String::from))
        .collect();
    let name = tree::get_str(appset, &["metadata", "name"]).unwrap_or_default();
    let mut t = Templater::new(go, &options);
    let mut out = Expansion::default();
    let mut apps = Vec::new();
    for (gi, gen) in tree::get_list(&spec, &["generators"])
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let params = match generate(gen, &name, &mut t) {
            Ok(p) => p,
            Err(e) => {
                out.errors.push(format!("generator[{gi}]: {e}"));
                continue;
            }
        };
        let tmpl = merged_template(&spec, gen);
        match render_apps(&spec, &tmpl, &params, namespace, &mut t) {
            Ok(a) => apps.extend(a),
            Err(e) => out.errors.push(format!("generator[{gi}]: {e}")),
        }
    }
    let mut seen = std::collections::HashSet::new();
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

fn generator_kind(gen: &Value) -> Result<(&'static str, Value), String> {
    let m = gen.as_map().ok_or("generator is not a mapping")?;
    let kinds: Vec<&'static str> = GENERATOR_KINDS
        .iter()
        .copied()
        .filter(|k| m.get(*k).is_some_and(|v| !v.is_nil()))
        .collect();
    if kinds.len() != 1 {
        let mut others: Vec<&str> = m
            .keys()
            .map(|k| &**k)
            .filter(|k| *k != "selector" && *k != "template")
            .collect();
        others.sort_unstable();
        return Err(format!(
            "contains unrecognized generators: {}",
            if others.is_empty() {
                "(none)".to_string()
            } else {
                others.join(", ")
            }
        ));
    }
    Ok((kinds[0], m.get(kinds[0]).cloned().unwrap_or(Value::Nil)))
}

/// Parameter sets of one generator.
fn generate(gen: &Value, appset_name: &str, t: &mut Templater) -> Result<Vec<Value>, String> {
    let (kind, body) =
        generator_kind(gen).map_err(|e| format!("ApplicationSet {appset_name} {e}"))?;
    let params = match kind {
        "list" => gen_list(&body, t.is_go())?,
        other => {
            return Err(format!(
                "{other} generator is not supported yet by kiln (it is reported, not rendered)"
            ))
        }
    };
    Ok(params)
}

/// The `list` generator: `elements` then `elementsYaml`. In fasttemplate mode every value
/// must be a string (`values` a map of strings, flattened as `values.k`).
fn gen_list(body: &Value, go: bool) -> Result<Vec<Value>, String> {
    let mut res = Vec::new();
    for el in tree::get_list(body, &["elements"]).unwrap_or_default() {
        let Some(m) = el.as_map() else {
            return Err("error unmarshling list element".into());
        };
        if go {
            res.push(el.deep_copy());
            continue;
        }
        let mut params = Map::new();
        for (k, v) in m.iter() {
            if &**k == "values" {
                let Some(vm) = v.as_map() else {
                    return Err("error parsing values map".into());
                };
                for (vk, vv) in vm.iter() {
                    match vv {
                        Value::String(_) => {
                            params.insert(Str::from(format!("values.{vk}")), vv.clone());
                        }
                        _ => return Err("error parsing value as string".into()),
                    }
                }
            } else {
                match v {
                    Value::String(_) => {
                        params.insert(k.clone(), v.clone());
                    }
                    _ => return Err("error parsing value as string".into()),
                }
            }
        }
        res.push(Value::map(params));
    }
    if let Some(ey) = tree::get_str(body, &["elementsYaml"]) {
        match kiln_helm::yaml::parse_document(&ey) {
            Ok(Value::List(l, _)) => res.extend(l.iter().map(Value::deep_copy)),
            Ok(Value::Nil) => {}
            Ok(_) => return Err("error unmarshling decoded ElementsYaml: not a list".into()),
            Err((e, _)) => return Err(format!("error unmarshling decoded ElementsYaml {e}")),
        }
    }
    Ok(res)
}

fn is_empty_value(v: &Value) -> bool {
    match v {
        Value::Nil => true,
        Value::Bool(b) => !b,
        Value::Float(f) => *f == 0.0,
        Value::Int(i, _) => *i == 0,
        Value::String(s) => s.is_empty(),
        Value::List(l, _) => l.is_empty(),
        Value::Map(m, _) => m.is_empty(),
        _ => false,
    }
}

/// mergo.Merge(&dst, src) without override: dst keeps non-empty values, maps merge.
fn mergo_fill(dst: &Map, src: &Map) -> Map {
    let mut out = dst.clone();
    for (k, sv) in src {
        match (out.get(k), sv) {
            (Some(Value::Map(dm, _)), Value::Map(sm, _)) => {
                let merged = mergo_fill(&dm.snapshot(), &sm.snapshot());
                out.insert(k.clone(), Value::map(merged));
            }
            (Some(dv), _) if !is_empty_value(dv) => {}
            _ => {
                out.insert(k.clone(), sv.deep_copy());
            }
        }
    }
    out
}

/// Argo's `mergeGeneratorTemplate`: the generator's own `template` wins over
/// `spec.template`, which fills what it leaves empty.
fn merged_template(spec: &Value, gen: &Value) -> Value {
    let base = tree::get(spec, &["template"])
        .unwrap_or_else(Value::empty_map)
        .deep_copy();
    let own = generator_kind(gen)
        .ok()
        .and_then(|(_, body)| tree::get(&body, &["template"]));
    match (own.and_then(|o| o.as_map()), base.as_map()) {
        (Some(o), Some(b)) if !o.is_empty() => Value::map(mergo_fill(&o, &b)),
        _ => base,
    }
}

/// JSON merge patch, as kiln applies `templatePatch` (maps merge, `null` deletes, lists
/// and scalars replace).
fn merge_patch(target: &Value, patch: &Value) -> Value {
    let Some(pm) = patch.as_map() else {
        return patch.deep_copy();
    };
    let mut out: Map = target.as_map().map(|m| (*m).clone()).unwrap_or_default();
    for (k, v) in pm.iter() {
        if v.is_nil() {
            out.remove(k);
        } else if v.as_map().is_some() {
            let cur = out.get(k).cloned().unwrap_or(Value::Nil);
            out.insert(k.clone(), merge_patch(&cur, v));
        } else {
            out.insert(k.clone(), v.deep_copy());
        }
    }
    Value::map(out)
}

fn render_apps(
    spec: &Value,
    tmpl: &Value,
    params_list: &[Value],
    namespace: &str,
    t: &mut Templater,
) -> Result<Vec<Value>, String> {
    let md = tree::get_map(tmpl, &["metadata"]).unwrap_or_default();
    let mut app_md = Map::new();
    for k in ["name", "namespace", "labels", "annotations", "finalizers"] {
        if let Some(v) = md.get(k).filter(|v| !v.is_nil()) {
            app_md.insert(Str::from(k), v.clone());
        }
    }
    let mut tmpl_app = Map::new();
    tmpl_app.insert("metadata".into(), Value::map(app_md));
    tmpl_app.insert(
        "spec".into(),
        tree::get(tmpl, &["spec"]).unwrap_or_else(Value::empty_map),
    );
    let tmpl_app = Value::map(tmpl_app);
    let preserve = matches!(
        tree::get(spec, &["syncPolicy", "preserveResourcesOnDeletion"]),
        Some(Value::Bool(true))
    );
    let patch_src = tree::get_str(spec, &["templatePatch"]);
    let mut apps = Vec::new();
    for p in params_list {
        let empty = p.as_map().is_none_or(|m| m.is_empty());
        let app = if empty {
            // Argo returns the template untouched for an empty parameter set.
            tmpl_app.deep_copy()
        } else {
            let app = t.deep_replace(&tmpl_app, p)?;
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
        let app = match &patch_src {
            Some(src) => {
                let text = t
                    .replace(src, p)
                    .map_err(|e| format!("error in templatePatch: {e}"))?;
                let patch = match kiln_helm::yaml::parse_document(&text) {
                    Ok(Value::Nil) => Value::empty_map(),
                    Ok(v @ Value::Map(..)) => v,
                    Ok(_) => return Err("templatePatch is not a mapping".into()),
                    Err((e, _)) => return Err(format!("error in templatePatch: {e}")),
                };
                let project = tree::get(&app, &["spec", "project"]);
                let patched = merge_patch(&app, &patch);
                if let Some(spec) =
                    tree::get(&patched, &["spec"]).and_then(|s| s.as_map_ref().cloned())
                {
                    match project {
                        Some(p) => {
                            spec.insert("project".into(), p);
                        }
                        None => {
                            spec.remove("project");
                        }
                    }
                }
                patched
            }
            None => app,
        };
        tree::set(&app, &["metadata", "namespace"], Value::str(namespace));
        let mut full = Map::new();
        full.insert("apiVersion".into(), Value::str("argoproj.io/v1alpha1"));
        full.insert("kind".into(), Value::str("Application"));
        full.insert(
            "metadata".into(),
            tree::get(&app, &["metadata"]).unwrap_or_else(Value::empty_map),
        );
        full.insert(
            "spec".into(),
            tree::get(&app, &["spec"]).unwrap_or_else(Value::empty_map),
        );
        apps.push(Value::Map(MapRef::new(full), MapType::Any));
    }
    Ok(apps)
}
