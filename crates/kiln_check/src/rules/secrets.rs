//! Secret rules (`SEC*`): no credentials in manifests, ExternalSecrets with a store, and
//! every referenced Secret created by the rendered set.

use std::collections::BTreeSet;

use kiln_gotmpl::Value;

use super::common::{
    best_path, cluster_apps, could_be_credential, diag, ends_with_keys, entries, find_values, get,
    is_secret_like_name, is_true, list_at, locate_equal, locate_scalar, locate_scalar_for, objects,
    scalar_string, scoped_apps, str_at, FieldPath, Hint, Place, Seg,
};
use super::workload::workloads;
use crate::diagnostic::{Diagnostic, Severity};
use crate::input::{App, CheckInput, Object};
use crate::rule::{Rule, RuleInfo};

/// SEC001: credentials written into a Secret manifest.
pub const SEC001: RuleInfo = RuleInfo {
    code: "SEC001",
    name: "secret-data-in-manifest",
    default_severity: Severity::Error,
    summary: "Secrets are not rendered with data; credentials come from an ExternalSecret",
    docs: r#"## What it does
Flags a rendered `Secret` of an AI app with non-empty `data` or `stringData`
(service-account token Secrets excepted).

## Why does it matter?
Whatever a rendered Secret holds is in Git, in the rendered tree, in Argo CD's cache and
in every diff, only base64-encoded. The checklist asks for API keys from External
Secrets, not hard-coded. (Secrets generated with `randAlphaNum` are also re-generated on
every render, so Argo CD never stops syncing them.)

## How to fix it
Render an `ExternalSecret` reading the keys from the secret store, with the Secret as
its target.

## Example
```yaml
kind: Secret
stringData:
  OPENAI_API_KEY: sk-...
```
Use instead:
```yaml
kind: ExternalSecret
spec:
  secretStoreRef: {kind: ClusterSecretStore, name: infisical-secret-store}
  target: {name: litellm-secrets}
  data:
    - secretKey: OPENAI_API_KEY
      remoteRef: {key: openai-api-key}
```
"#,
};

/// SEC002: a credential as a literal environment variable.
pub const SEC002: RuleInfo = RuleInfo {
    code: "SEC002",
    name: "credential-in-env-value",
    default_severity: Severity::Error,
    summary: "Secret-like environment variables come from Secrets, not literal values",
    docs: r#"## What it does
Flags an environment variable with a secret-like name (`*_API_KEY`, `*TOKEN*`,
`*PASSWORD*`, `*SECRET*`, `*PRIVATE_KEY*`, `*ACCESS_KEY*`; not `*_FILE`, `*_PATH`,
`*_URL` or tokenizer settings such as `MAX_TOKENS`) set with a literal `value` that could
be a credential (not empty, a number, a boolean, a path or a reference such as
`os.environ/KEY` or `$(VAR)`).

## Why does it matter?
The credential is in values, in Git and in the rendered manifests, and anyone who can
read the Deployment can read it.

## How to fix it
Read it with `valueFrom.secretKeyRef` (or `envFrom.secretRef`) from a Secret filled by an
ExternalSecret.

## Example
```yaml
env:
  - name: HF_TOKEN
    value: hf_abc123
```
Use instead:
```yaml
env:
  - name: HF_TOKEN
    valueFrom:
      secretKeyRef: {name: vllm-secrets, key: HF_TOKEN}
```
"#,
};

/// SEC003: an ExternalSecret without a store.
pub const SEC003: RuleInfo = RuleInfo {
    code: "SEC003",
    name: "externalsecret-without-store",
    default_severity: Severity::Error,
    summary: "An ExternalSecret names its secret store",
    docs: r#"## What it does
Flags an `ExternalSecret` without `spec.secretStoreRef.name` whose data entries do not
all name a store of their own (`sourceRef.storeRef`).

## Why does it matter?
The External Secrets Operator cannot tell where to read the keys from: the ExternalSecret
reports `SecretSyncedError` and the target Secret is never created, so the app's pods
fail with `CreateContainerConfigError`. The checklist asks for the secret store to be
configured (Infisical on home clusters).

## How to fix it
Set the store from values (one per cluster).

## Example
```yaml
spec:
  secretStoreRef:
    kind: ClusterSecretStore
    name: infisical-secret-store
```
"#,
};

/// SEC004: a referenced Secret that nothing creates.
pub const SEC004: RuleInfo = RuleInfo {
    code: "SEC004",
    name: "secret-not-created",
    default_severity: Severity::Error,
    summary: "Every Secret a pod references is created by the rendered set",
    docs: r#"## What it does
Collects the Secrets the pods of an AI app reference — `env[].valueFrom.secretKeyRef`,
`envFrom[].secretRef`, `secret` and `projected` volumes, unless marked `optional` — and
flags each one that no object of the cluster creates in the namespace: a `Secret`, the
target of an `ExternalSecret` (its `spec.target.name`, else its name), a `SealedSecret`,
a cert-manager `Certificate` (`spec.secretName`), an `InfisicalSecret`, a Vault Secrets
Operator secret (`spec.destination.name`) or a `OnePasswordItem`.

## Why does it matter?
A missing Secret keeps the pod in `CreateContainerConfigError` (env) or
`ContainerCreating` (volumes). A Secret created by hand outside Git is exactly what the
checklist's "API keys from External Secrets" rules out: a rebuilt cluster does not have
it.

## How to fix it
Render an ExternalSecret whose target is the referenced Secret, or reference the Secret
the chart's ExternalSecret creates.

## Example
```yaml
envFrom:
  - secretRef:
      name: litellm-secrets      # externalSecret.enabled is false: nothing creates it
```
"#,
};

/// SEC005: a credential in a ConfigMap.
pub const SEC005: RuleInfo = RuleInfo {
    code: "SEC005",
    name: "credential-in-configmap",
    default_severity: Severity::Error,
    summary: "ConfigMaps hold no credentials under secret-like keys",
    docs: r#"## What it does
Flags a ConfigMap entry whose key is secret-like (see SEC002) and whose single-line value
could be a credential.

## Why does it matter?
ConfigMaps are readable by far more subjects than Secrets (every `view` role), and their
content is in Git. A key loaded with `envFrom.configMapRef` is as exposed as a literal
environment variable.

## How to fix it
Move the entry to a Secret filled by an ExternalSecret.

## Example
```yaml
kind: ConfigMap
data:
  OPENAI_API_KEY: sk-...
```
"#,
};

static INFOS: [RuleInfo; 5] = [SEC001, SEC002, SEC003, SEC004, SEC005];

/// The secret rules.
pub struct SecretRules;

impl Rule for SecretRules {
    fn infos(&self) -> &'static [RuleInfo] {
        &INFOS
    }

    fn check(&self, input: &CheckInput, out: &mut Vec<Diagnostic>) {
        for app in scoped_apps(input) {
            check_app(input, app, out);
        }
    }
}

/// Decodes standard base64 (padding optional); `None` when it is not base64.
fn b64decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut buf = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            b'\n' | b'\r' | b' ' => continue,
            _ => return None,
        };
        buf = (buf << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
            buf &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Names of Secrets the objects of the cluster create in `ns`.
fn created_secrets(input: &CheckInput, app: &App, ns: &Option<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for a in cluster_apps(input, app) {
        for o in objects(a) {
            if &o.namespace != ns {
                continue;
            }
            let group = o.api_version.split('/').next().unwrap_or("");
            let name = match (o.kind.as_str(), group) {
                ("Secret", "v1") => Some(o.name.clone()),
                ("ExternalSecret", g) if g.starts_with("external-secrets.io") => {
                    str_at(&o.value, &["spec", "target", "name"]).or(Some(o.name.clone()))
                }
                ("SealedSecret", _) => str_at(&o.value, &["spec", "template", "metadata", "name"])
                    .or(Some(o.name.clone())),
                ("Certificate", g) if g.starts_with("cert-manager.io") => {
                    str_at(&o.value, &["spec", "secretName"])
                }
                ("InfisicalSecret", _) => {
                    str_at(&o.value, &["spec", "managedSecretReference", "secretName"])
                }
                ("VaultStaticSecret" | "VaultDynamicSecret" | "VaultPKISecret", _) => {
                    str_at(&o.value, &["spec", "destination", "name"])
                }
                ("OnePasswordItem", _) => Some(o.name.clone()),
                _ => None,
            };
            out.extend(name.filter(|n| !n.is_empty()));
        }
    }
    out
}

fn check_app(input: &CheckInput, app: &App, out: &mut Vec<Diagnostic>) {
    for o in objects(app) {
        let group = o.api_version.split('/').next().unwrap_or("");
        match (o.kind.as_str(), group) {
            ("Secret", "v1") => check_secret(app, o, out),
            ("ExternalSecret", g) if g.starts_with("external-secrets.io") => {
                check_external_secret(app, o, out)
            }
            ("ConfigMap", "v1") => check_configmap(app, o, out),
            _ => {}
        }
    }
    for w in workloads(app) {
        let obj = w.object;
        let ns = obj.namespace.clone();
        let created = created_secrets(input, app, &ns);
        // (name, field path, how)
        let mut refs: Vec<(String, FieldPath, &'static str)> = Vec::new();
        for c in w.all_containers() {
            for (ei, e) in list_at(&c.value, &["env"]).iter().enumerate() {
                // SEC002: literal credentials.
                if let (Some(name), Some(value)) = (str_at(e, &["name"]), str_at(e, &["value"])) {
                    if is_secret_like_name(&name) && could_be_credential(&value) {
                        let mut field = c.field(&["env"]);
                        field.extend([Seg::Index(ei), Seg::key("value")]);
                        let v = Value::str(&value);
                        let hint = Hint::new(app, &[&c.name, &obj.name]);
                        let vpath = locate_scalar_for(app, &hint, &[&name], &v)
                            .or_else(|| locate_scalar_for(app, &hint, &[], &v));
                        out.push(diag(
                            &SEC002,
                            app,
                            Some(obj),
                            format!(
                                "container `{}` of {} {} sets `{name}` to a literal value",
                                c.name, obj.kind, obj.name
                            ),
                            "read it from a Secret with valueFrom.secretKeyRef, filled by an ExternalSecret",
                            Place::value_or_field(app, vpath.as_ref(), obj, &field),
                        ));
                    }
                }
                if let Some(r) = get(e, &["valueFrom", "secretKeyRef"]) {
                    if !is_true(get(&r, &["optional"]).as_ref()) {
                        if let Some(n) = str_at(&r, &["name"]) {
                            let mut field = c.field(&["env"]);
                            field.extend([
                                Seg::Index(ei),
                                Seg::key("valueFrom"),
                                Seg::key("secretKeyRef"),
                                Seg::key("name"),
                            ]);
                            refs.push((n, field, "secretKeyRef"));
                        }
                    }
                }
            }
            for (fi, e) in list_at(&c.value, &["envFrom"]).iter().enumerate() {
                if let Some(r) = get(e, &["secretRef"]) {
                    if !is_true(get(&r, &["optional"]).as_ref()) {
                        if let Some(n) = str_at(&r, &["name"]) {
                            let mut field = c.field(&["envFrom"]);
                            field.extend([Seg::Index(fi), Seg::key("secretRef"), Seg::key("name")]);
                            refs.push((n, field, "envFrom"));
                        }
                    }
                }
            }
        }
        for (vi, v) in list_at(&w.pod, &["volumes"]).iter().enumerate() {
            if let Some(s) = get(v, &["secret"]) {
                if !is_true(get(&s, &["optional"]).as_ref()) {
                    if let Some(n) = str_at(&s, &["secretName"]) {
                        let mut field = w.pod_field(&["volumes"]);
                        field.extend([Seg::Index(vi), Seg::key("secret"), Seg::key("secretName")]);
                        refs.push((n, field, "volume"));
                    }
                }
            }
            for (si, src) in list_at(v, &["projected", "sources"]).iter().enumerate() {
                if let Some(s) = get(src, &["secret"]) {
                    if !is_true(get(&s, &["optional"]).as_ref()) {
                        if let Some(n) = str_at(&s, &["name"]) {
                            let mut field = w.pod_field(&["volumes"]);
                            field.extend([
                                Seg::Index(vi),
                                Seg::key("projected"),
                                Seg::key("sources"),
                                Seg::Index(si),
                                Seg::key("secret"),
                            ]);
                            refs.push((n, field, "projected volume"));
                        }
                    }
                }
            }
        }
        let mut seen = BTreeSet::new();
        for (name, field, how) in refs {
            if name.is_empty() || created.contains(&name) || !seen.insert(name.clone()) {
                continue;
            }
            let existing = best_path(
                app,
                find_values(app, &mut |p, v| {
                    v.as_str() == Some(name.as_str())
                        && matches!(p.last(), Some(Seg::Key(k)) if k.to_ascii_lowercase().contains("existing"))
                }),
            );
            let note = match &existing {
                Some(p) => format!(
                    " (it comes from `{}`, a Secret made outside the rendered set)",
                    super::common::dotted(p)
                ),
                None => String::new(),
            };
            let vpath = existing
                .clone()
                .or_else(|| locate_scalar(app, &[], &Value::str(&name)));
            out.push(diag(
                &SEC004,
                app,
                Some(obj),
                format!(
                    "{} {} reads Secret `{name}` ({how}), which no Secret or ExternalSecret of the cluster creates{note}",
                    obj.kind, obj.name
                ),
                "render an ExternalSecret with this target name (or enable the chart's externalSecret)",
                Place::value_or_field(app, vpath.as_ref(), obj, &field),
            ));
        }
    }
}

fn check_secret(app: &App, o: &Object, out: &mut Vec<Diagnostic>) {
    if str_at(&o.value, &["type"]).as_deref() == Some("kubernetes.io/service-account-token") {
        return;
    }
    let mut keys: Vec<(String, &'static str, Option<String>)> = Vec::new();
    for section in ["stringData", "data"] {
        for (k, v) in get(&o.value, &[section])
            .map(|m| entries(&m))
            .unwrap_or_default()
        {
            let Some(text) = scalar_string(&v) else {
                continue;
            };
            if text.is_empty() {
                continue;
            }
            let plain = if section == "data" {
                b64decode(&text).and_then(|b| String::from_utf8(b).ok())
            } else {
                Some(text)
            };
            if plain.as_deref().is_some_and(str::is_empty) {
                continue;
            }
            keys.push((k, section, plain));
        }
    }
    let Some((first, section, _)) = keys.first().cloned() else {
        return;
    };
    // The values key holding one of the plaintexts, when there is one.
    let vpath = keys.iter().find_map(|(k, _, plain)| {
        let plain = plain.as_ref().filter(|p| could_be_credential(p))?;
        locate_scalar(app, &[k], &Value::str(plain))
            .or_else(|| locate_scalar(app, &[], &Value::str(plain)))
    });
    let names = keys
        .iter()
        .map(|(k, _, _)| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    out.push(diag(
        &SEC001,
        app,
        Some(o),
        format!(
            "Secret {} is rendered with data ({names}): the values end up in Git",
            o.name
        ),
        "render an ExternalSecret with a secretStoreRef whose target is this Secret",
        Place::value_or_field(
            app,
            vpath.as_ref(),
            o,
            &[Seg::key(section), Seg::Key(first)],
        ),
    ));
}

fn check_external_secret(app: &App, o: &Object, out: &mut Vec<Diagnostic>) {
    let store = str_at(&o.value, &["spec", "secretStoreRef", "name"]).unwrap_or_default();
    if !store.is_empty() {
        return;
    }
    let data = list_at(&o.value, &["spec", "data"]);
    let data_from = list_at(&o.value, &["spec", "dataFrom"]);
    let all_sourced = !(data.is_empty() && data_from.is_empty())
        && data
            .iter()
            .chain(data_from.iter())
            .all(|d| str_at(d, &["sourceRef", "storeRef", "name"]).is_some_and(|s| !s.is_empty()));
    if all_sourced {
        return;
    }
    let rendered = get(&o.value, &["spec", "secretStoreRef"]).unwrap_or(Value::Nil);
    let vpath = locate_equal(app, &["secretStoreRef"], &rendered).or_else(|| {
        best_path(
            app,
            find_values(app, &mut |p, v| {
                ends_with_keys(p, &["secretStoreRef", "name"])
                    && scalar_string(v).is_some_and(|s| s.is_empty())
            }),
        )
    });
    let field = if rendered.is_nil() {
        vec![Seg::key("spec")]
    } else {
        vec![Seg::key("spec"), Seg::key("secretStoreRef")]
    };
    out.push(diag(
        &SEC003,
        app,
        Some(o),
        format!(
            "ExternalSecret {} names no secret store (spec.secretStoreRef.name)",
            o.name
        ),
        "set secretStoreRef (kind and name of the cluster's SecretStore) from values",
        Place::value_or_field(app, vpath.as_ref(), o, &field),
    ));
}

fn check_configmap(app: &App, o: &Object, out: &mut Vec<Diagnostic>) {
    for (k, v) in get(&o.value, &["data"])
        .map(|m| entries(&m))
        .unwrap_or_default()
    {
        if k.contains('.') || !is_secret_like_name(&k) {
            continue;
        }
        let Some(text) = scalar_string(&v) else {
            continue;
        };
        if text.contains('\n') || !could_be_credential(&text) {
            continue;
        }
        let vpath = locate_scalar(app, &[&k], &v).or_else(|| locate_scalar(app, &[], &v));
        out.push(diag(
            &SEC005,
            app,
            Some(o),
            format!("ConfigMap {} holds `{k}` in clear text", o.name),
            "move it to a Secret filled by an ExternalSecret",
            Place::value_or_field(
                app,
                vpath.as_ref(),
                o,
                &[Seg::key("data"), Seg::Key(k.clone())],
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::b64decode;

    #[test]
    fn base64() {
        assert_eq!(b64decode("c2stYWJj").as_deref(), Some(&b"sk-abc"[..]));
        assert_eq!(b64decode("YQ==").as_deref(), Some(&b"a"[..]));
        assert_eq!(b64decode("").as_deref(), Some(&b""[..]));
        assert!(b64decode("***").is_none());
    }
}
