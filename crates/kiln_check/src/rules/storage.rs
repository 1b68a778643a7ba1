//! Model storage rules (`STO*`): models on PersistentVolumeClaims that exist, have a
//! size and are mounted where values and the server expect; shared claims are
//! ReadWriteMany.

use std::collections::BTreeMap;

use kiln_gotmpl::Value;

use super::common::{
    best_path, cluster_apps, diag, dotted, ends_with_keys, find_values, get, get_path, is_false,
    list_at, locate_scalar, objects, scalar_string, scoped_apps, str_at, FieldPath, Place, Seg,
};
use super::quantity::{format_bytes, quantity};
use super::workload::{downloads_models, is_inference, is_model_mount, workloads, MODEL_DIR_ENV};
use crate::diagnostic::{Diagnostic, Severity};
use crate::input::{App, CheckInput, Object};
use crate::rule::{Rule, RuleInfo};

/// Smallest model volume that is not flagged by STO005 (the checklist's "LLMs:
/// 10-100GB+").
pub const MIN_MODEL_STORAGE_BYTES: f64 = 10.0 * 1024.0 * 1024.0 * 1024.0;

/// STO001: models on an ephemeral volume.
pub const STO001: RuleInfo = RuleInfo {
    code: "STO001",
    name: "model-volume-ephemeral",
    default_severity: Severity::Error,
    summary: "Model paths are mounted from a PersistentVolumeClaim, not an emptyDir",
    docs: r#"## What it does
Flags a model mount (a mount whose path or volume name mentions models, a known model
directory such as `/root/.ollama` or `/root/.cache/huggingface`, or the directory of
`OLLAMA_MODELS`, `HF_HOME` and the like) backed by an `emptyDir`, a generic `ephemeral`
volume or a `hostPath`.

## Why does it matter?
The checklist requires persistent model storage. Models are gigabytes: on an `emptyDir`
every restart, rollout or reschedule downloads them again (minutes to hours, and
registry rate limits); a `hostPath` ties the pod to one node and bypasses storage quotas.

## How to fix it
Mount a PersistentVolumeClaim (created by the chart, or `existingClaim`).

## Example
```yaml
volumes:
  - name: models
    emptyDir: {}
```
Use instead:
```yaml
volumes:
  - name: models
    persistentVolumeClaim:
      claimName: ollama-models
```
"#,
};

/// STO002: a model server without a model volume.
pub const STO002: RuleInfo = RuleInfo {
    code: "STO002",
    name: "model-volume-missing",
    default_severity: Severity::Warning,
    summary: "A model server that downloads models mounts a model volume",
    docs: r#"## What it does
Flags an inference container running a model server that downloads models to local disk
(Ollama, vLLM, TGI, llama.cpp, LocalAI, SGLang, LMDeploy) with no model mount at all,
unless its arguments point at a remote model repository (`s3://`, `gs://`).

## Why does it matter?
The models end up in the container's writable layer: lost on every restart, and
counted against the node's ephemeral storage, which gets the pod evicted.

## How to fix it
Mount a PersistentVolumeClaim at the server's model directory.

## Example
```yaml
containers:
  - name: vllm
    image: vllm/vllm-openai:v0.6.3
    # no volumeMounts: models land in /root/.cache/huggingface of the container
```
Use instead:
```yaml
    volumeMounts:
      - name: models
        mountPath: /root/.cache/huggingface
```
"#,
};

/// STO003: a claim that nothing creates.
pub const STO003: RuleInfo = RuleInfo {
    code: "STO003",
    name: "claim-not-found",
    default_severity: Severity::Error,
    summary: "A mounted PersistentVolumeClaim is rendered in the cluster or is an existingClaim",
    docs: r#"## What it does
Flags a `persistentVolumeClaim` volume whose claim is neither rendered by an app of the
same cluster in the same namespace nor named by a values key for an existing claim
(a key containing `existing`, such as `persistence.models.existingClaim`, or `claimName`).

## Why does it matter?
A pod whose claim does not exist stays Pending forever. Usually a name helper changed
or the PVC template is disabled while the volume still refers to it.

## How to fix it
Render the PVC with the name the volume uses, or pass the existing claim through an
`existingClaim` value.

## Example
```yaml
claimName: {{ .Release.Name }}-model   # the PVC is called {{ .Release.Name }}-models
```
"#,
};

/// STO004: a claim without a size.
pub const STO004: RuleInfo = RuleInfo {
    code: "STO004",
    name: "claim-size-missing",
    default_severity: Severity::Error,
    summary: "A PersistentVolumeClaim sets a valid storage size",
    docs: r#"## What it does
Flags a rendered PersistentVolumeClaim (or StatefulSet volumeClaimTemplate) whose
`spec.resources.requests.storage` is missing, empty, zero or not a Kubernetes quantity.

## Why does it matter?
The API server rejects a claim without a storage request; an empty `size` value renders
`storage: ""` and the whole app fails to sync.

## How to fix it
Set the size in values (`persistence.models.size: 50Gi`) and render it quoted.

## Example
```yaml
resources:
  requests:
    storage: ""      # persistence.models.size is empty
```
"#,
};

/// STO005: a model claim smaller than models are.
pub const STO005: RuleInfo = RuleInfo {
    code: "STO005",
    name: "model-claim-too-small",
    default_severity: Severity::Warning,
    summary: "A model volume is at least 10Gi",
    docs: r#"## What it does
Flags a PersistentVolumeClaim mounted as a model volume whose size is below 10Gi.

## Why does it matter?
The checklist sizes LLM storage at 10-100GB and more; a single 7B model in 4-bit
quantisation is about 4-5GB, in 16-bit about 15GB. A small volume fills up on the second
model and pulls fail with "no space left on device".

## How to fix it
Size the volume for the models the values list, with room for one more.

## Example
```yaml
persistence:
  models:
    size: 5Gi
```
Use instead:
```yaml
persistence:
  models:
    size: 50Gi
```
"#,
};

/// STO006: the values mount path of the model volume is not mounted.
pub const STO006: RuleInfo = RuleInfo {
    code: "STO006",
    name: "model-mount-path-mismatch",
    default_severity: Severity::Warning,
    summary: "A model or persistence mount path in values is where a container mounts the volume",
    docs: r#"## What it does
Flags a `mountPath` value of a model or persistence block (a values path mentioning
models or persistence, such as `persistence.models.mountPath`,
`persistence.modelCache.mountPath` or `persistence.mountPath`) that no container mounts,
when the block is enabled.

## Why does it matter?
The checklist asks for a mount path consistent with the application's expectations.
When the template hard-codes another path, changing the value does nothing and the
server keeps writing models outside the volume.

## How to fix it
Use the value in the template's `volumeMounts` (and in the server's model directory
setting).

## Example
```yaml
# values.yaml
persistence:
  models:
    mountPath: /models
# templates/deployment.yaml
volumeMounts:
  - name: models
    mountPath: /root/.ollama     # ignores the value
```
"#,
};

/// STO007: the server's model directory is not on a volume.
pub const STO007: RuleInfo = RuleInfo {
    code: "STO007",
    name: "model-dir-not-mounted",
    default_severity: Severity::Warning,
    summary: "The model directory a server is told to use is on a mounted volume",
    docs: r#"## What it does
Flags a model-directory environment variable (`OLLAMA_MODELS`, `HF_HOME`,
`HF_HUB_CACHE`, `HUGGINGFACE_HUB_CACHE`, `TRANSFORMERS_CACHE`, `VLLM_CACHE_ROOT`,
`MODEL_PATH`, `MODELS_PATH`, `MODEL_DIR`, `MODELS_DIR`, `LOCALAI_MODELS_PATH`,
`LLAMA_ARG_MODEL_DIR`) whose absolute path is not under any volume mount of the
container.

## Why does it matter?
The server stores models in the container's writable layer although a volume exists:
they are lost on restart and fill the node's ephemeral storage.

## How to fix it
Point the variable and the mount at the same path, both from one values key.

## Example
```yaml
env:
  - name: OLLAMA_MODELS
    value: /models
volumeMounts:
  - name: models
    mountPath: /data
```
"#,
};

/// STO008: a shared model claim is not ReadWriteMany.
pub const STO008: RuleInfo = RuleInfo {
    code: "STO008",
    name: "shared-model-claim-not-rwx",
    default_severity: Severity::Error,
    summary: "A model claim mounted by several workloads is ReadWriteMany",
    docs: r#"## What it does
Finds model claims mounted by more than one workload of a cluster (in one app or across
apps, e.g. a shared `ai-models-shared` cache used through `existingClaim`) and flags the
rendered PersistentVolumeClaim when its access modes lack `ReadWriteMany` (or
`ReadOnlyMany` when every mount is read-only).

## Why does it matter?
A ReadWriteOnce volume attaches to one node: the second workload's pods stay in
`ContainerCreating` with a Multi-Attach error as soon as they land on another node. The
checklist asks to handle concurrent access to shared model caches safely.

## How to fix it
Create the shared cache with `ReadWriteMany` on a storage class that supports it (NFS,
CephFS, TrueNAS NFS), or give each app its own claim.

## Example
```yaml
kind: PersistentVolumeClaim
metadata:
  name: ai-models-shared
spec:
  accessModes: [ReadWriteMany]
```
"#,
};

/// STO009: a ReadWriteOnce claim mounted by several replicas.
pub const STO009: RuleInfo = RuleInfo {
    code: "STO009",
    name: "rwo-claim-multiple-replicas",
    default_severity: Severity::Warning,
    summary: "A ReadWriteOnce claim is not mounted by a workload with several replicas",
    docs: r#"## What it does
Flags a Deployment, ReplicaSet or StatefulSet with more than one replica whose pod
volume is a rendered ReadWriteOnce (or ReadWriteOncePod) PersistentVolumeClaim.

## Why does it matter?
All replicas share the one claim, which attaches to a single node: replicas scheduled
elsewhere never start, and rolling updates of a single replica deadlock the same way.

## How to fix it
Use one replica with `strategy: Recreate`, a ReadWriteMany claim, or StatefulSet
`volumeClaimTemplates` for per-replica volumes.

## Example
```yaml
replicas: 3
volumes:
  - name: models
    persistentVolumeClaim:
      claimName: models     # ReadWriteOnce
```
"#,
};

static INFOS: [RuleInfo; 9] = [
    STO001, STO002, STO003, STO004, STO005, STO006, STO007, STO008, STO009,
];

/// The model storage rules.
pub struct StorageRules;

impl Rule for StorageRules {
    fn infos(&self) -> &'static [RuleInfo] {
        &INFOS
    }

    fn check(&self, input: &CheckInput, out: &mut Vec<Diagnostic>) {
        for app in scoped_apps(input) {
            check_app(input, app, out);
        }
        check_shared_claims(input, out);
    }
}

/// A rendered PersistentVolumeClaim of the cluster.
struct Claim<'a> {
    app: &'a App,
    obj: &'a Object,
}

impl Claim<'_> {
    fn access_modes(&self) -> Vec<String> {
        list_at(&self.obj.value, &["spec", "accessModes"])
            .iter()
            .filter_map(scalar_string)
            .collect()
    }
}

fn find_claim<'a>(
    input: &'a CheckInput,
    app: &'a App,
    ns: Option<&str>,
    name: &str,
) -> Option<Claim<'a>> {
    for a in cluster_apps(input, app) {
        for o in objects(a) {
            if o.kind == "PersistentVolumeClaim" && o.name == name && o.namespace.as_deref() == ns {
                return Some(Claim { app: a, obj: o });
            }
        }
    }
    None
}

/// The values key naming an existing claim with this name (a key containing `existing`,
/// or `claimName`).
fn existing_claim_key(app: &App, name: &str) -> Option<FieldPath> {
    let found = find_values(app, &mut |p, v| {
        let Some(Seg::Key(k)) = p.last() else {
            return false;
        };
        let k = k.to_ascii_lowercase();
        (k.contains("existing") || k == "claimname") && v.as_str() == Some(name)
    });
    best_path(app, found)
}

fn check_app(input: &CheckInput, app: &App, out: &mut Vec<Diagnostic>) {
    let wls = workloads(app);
    let mut small_reported: Vec<String> = Vec::new();
    for w in &wls {
        let obj = w.object;
        let ns = w.namespace();
        // STO003 over every claim volume of the pod.
        for (vi, v) in list_at(&w.pod, &["volumes"]).iter().enumerate() {
            let Some(claim) = str_at(v, &["persistentVolumeClaim", "claimName"]) else {
                continue;
            };
            if claim.is_empty()
                || find_claim(input, app, ns, &claim).is_some()
                || existing_claim_key(app, &claim).is_some()
            {
                continue;
            }
            let mut field = w.pod_field(&["volumes"]);
            field.extend([
                Seg::Index(vi),
                Seg::key("persistentVolumeClaim"),
                Seg::key("claimName"),
            ]);
            out.push(diag(
                &STO003,
                app,
                Some(obj),
                format!(
                    "{} {} mounts the claim `{claim}`, which no app of the cluster renders and no existingClaim value names",
                    obj.kind, obj.name
                ),
                "render the PersistentVolumeClaim with this name, or pass it as `existingClaim`",
                Place::field(obj, &field),
            ));
        }
        for c in w.all_containers() {
            let mounts = c.mounts(w);
            let mut has_model_mount = false;
            for m in &mounts {
                if !is_model_mount(&c, m) {
                    continue;
                }
                has_model_mount = true;
                let kind = m.source_type().unwrap_or_default();
                if matches!(kind.as_str(), "emptyDir" | "ephemeral" | "hostPath") {
                    let (vi, _) = m.volume.clone().unwrap_or((0, Value::Nil));
                    let mut field = w.pod_field(&["volumes"]);
                    field.extend([Seg::Index(vi), Seg::Key(kind.clone())]);
                    let vpath = persistence_switch(app, &m.name);
                    out.push(diag(
                        &STO001,
                        app,
                        Some(obj),
                        format!(
                            "container `{}` of {} {} keeps models at `{}` on a `{kind}` volume",
                            c.name, obj.kind, obj.name, m.path
                        ),
                        "mount a PersistentVolumeClaim there (enable persistence, or set an existingClaim)",
                        Place::value_or_field(app, vpath.as_ref(), obj, &field),
                    ));
                }
                // STO005: size of the model claim.
                let size = if let Some(claim) = m.claim_name() {
                    find_claim(input, app, ns, &claim).and_then(|cl| {
                        let v = get(&cl.obj.value, &["spec", "resources", "requests", "storage"])?;
                        Some((quantity(&v)?, v, Some(cl)))
                    })
                } else if let Some(t) = &m.claim_template {
                    list_at(&obj.value, &["spec", "volumeClaimTemplates"])
                        .iter()
                        .find(|x| str_at(x, &["metadata", "name"]).as_deref() == Some(t.as_str()))
                        .and_then(|x| get(x, &["spec", "resources", "requests", "storage"]))
                        .and_then(|v| Some((quantity(&v)?, v, None)))
                } else {
                    None
                };
                if let Some((bytes, raw, cl)) = size {
                    let claim_key = match &cl {
                        Some(cl) => format!("{:?}/{}", cl.obj.namespace, cl.obj.name),
                        None => format!("{}/{}", obj.name, m.name),
                    };
                    if bytes > 0.0
                        && bytes < MIN_MODEL_STORAGE_BYTES
                        && !small_reported.contains(&claim_key)
                    {
                        small_reported.push(claim_key);
                        let (at_app, at_obj) = match &cl {
                            Some(cl) => (cl.app, cl.obj),
                            None => (app, obj),
                        };
                        let vpath = locate_scalar(at_app, &["size"], &raw);
                        let field: FieldPath = ["spec", "resources", "requests", "storage"]
                            .iter()
                            .map(|k| Seg::key(k))
                            .collect();
                        let place = if cl.is_some() {
                            Place::value_or_field(at_app, vpath.as_ref(), at_obj, &field)
                        } else {
                            Place::value_or_field(
                                app,
                                vpath.as_ref(),
                                obj,
                                &[Seg::key("spec"), Seg::key("volumeClaimTemplates")],
                            )
                        };
                        out.push(diag(
                            &STO005,
                            app,
                            Some(at_obj),
                            format!(
                                "the model volume `{}` mounted at `{}` by container `{}` holds {}, less than the 10Gi models need",
                                m.name,
                                m.path,
                                c.name,
                                format_bytes(bytes)
                            ),
                            "size model volumes at 10Gi or more (LLMs take 2-40Gi each)",
                            place,
                        ));
                    }
                }
            }
            // STO002: a downloading model server without a model volume.
            if is_inference(w, &c)
                && !has_model_mount
                && c.image().is_some_and(|i| downloads_models(&i))
                && !remote_model_repository(&c.value)
            {
                out.push(diag(
                    &STO002,
                    app,
                    Some(obj),
                    format!(
                        "model server container `{}` of {} {} has no model volume; models are kept in the container filesystem",
                        c.name, obj.kind, obj.name
                    ),
                    "mount a PersistentVolumeClaim at the server's model directory",
                    Place::field(obj, &c.path),
                ));
            }
            // STO007: the model directory env var points outside every mount.
            for (name, value, ei) in c.env_values() {
                if !MODEL_DIR_ENV.contains(&name.as_str()) || !value.starts_with('/') {
                    continue;
                }
                let dir = value.trim_end_matches('/');
                let mounted = mounts.iter().any(|m| {
                    let p = m.path.trim_end_matches('/');
                    !p.is_empty() && (dir == p || dir.starts_with(&format!("{p}/")) || p == "/")
                });
                if !mounted {
                    let mut field = c.field(&["env"]);
                    field.extend([Seg::Index(ei), Seg::key("value")]);
                    let hint = super::common::Hint::new(app, &[&c.name, &obj.name]);
                    let vpath =
                        super::common::locate_scalar_for(app, &hint, &[], &Value::str(&value));
                    out.push(diag(
                        &STO007,
                        app,
                        Some(obj),
                        format!(
                            "`{name}={value}` of container `{}` in {} {} is not on any volume mount",
                            c.name, obj.kind, obj.name
                        ),
                        "mount the model volume at this path (or point the variable at the mount)",
                        Place::value_or_field(app, vpath.as_ref(), obj, &field),
                    ));
                }
            }
        }
        // STO009: several replicas on a ReadWriteOnce claim.
        if let Some(replicas) = w.replicas() {
            if replicas > 1.0 {
                for v in list_at(&w.pod, &["volumes"]).iter() {
                    let Some(claim) = str_at(v, &["persistentVolumeClaim", "claimName"]) else {
                        continue;
                    };
                    let Some(cl) = find_claim(input, app, ns, &claim) else {
                        continue;
                    };
                    let modes = cl.access_modes();
                    if modes.is_empty()
                        || modes
                            .iter()
                            .any(|m| m == "ReadWriteMany" || m == "ReadOnlyMany")
                    {
                        continue;
                    }
                    let vpath = best_path(
                        app,
                        find_values(app, &mut |p, val| {
                            (ends_with_keys(p, &["replicaCount"])
                                || ends_with_keys(p, &["replicas"]))
                                && super::common::number(val) == Some(replicas)
                        }),
                    );
                    out.push(diag(
                        &STO009,
                        app,
                        Some(obj),
                        format!(
                            "{} {} runs {} replicas on the {} claim `{claim}`",
                            obj.kind,
                            obj.name,
                            replicas,
                            modes.join("/")
                        ),
                        "run one replica (strategy Recreate), or use a ReadWriteMany claim",
                        Place::value_or_field(
                            app,
                            vpath.as_ref(),
                            obj,
                            &[Seg::key("spec"), Seg::key("replicas")],
                        ),
                    ));
                }
            }
        }
    }
    // STO004: claims without a size.
    for o in objects(app) {
        if o.kind == "PersistentVolumeClaim" {
            check_size(app, o, &o.value, &[Seg::key("spec")], out);
        } else if o.kind == "StatefulSet" {
            for (ti, t) in list_at(&o.value, &["spec", "volumeClaimTemplates"])
                .iter()
                .enumerate()
            {
                if let Some(spec) = get(t, &["spec"]) {
                    let base = [
                        Seg::key("spec"),
                        Seg::key("volumeClaimTemplates"),
                        Seg::Index(ti),
                        Seg::key("spec"),
                    ];
                    let wrapped = Value::map(std::iter::once(("spec".into(), spec)).collect());
                    check_size(app, o, &wrapped, &base, out);
                }
            }
        }
    }
    check_mount_path_values(app, &wls, out);
}

fn check_size(app: &App, o: &Object, claim: &Value, spec_path: &[Seg], out: &mut Vec<Diagnostic>) {
    let storage = get(claim, &["spec", "resources", "requests", "storage"]);
    let ok = storage.as_ref().and_then(quantity).is_some_and(|q| q > 0.0);
    if ok {
        return;
    }
    let shown = storage.as_ref().and_then(scalar_string).unwrap_or_default();
    let mut field = spec_path.to_vec();
    field.extend([
        Seg::key("resources"),
        Seg::key("requests"),
        Seg::key("storage"),
    ]);
    let vpath = match &storage {
        Some(v) => locate_scalar(app, &["size"], v),
        None => None,
    };
    out.push(diag(
        &STO004,
        app,
        Some(o),
        if shown.is_empty() {
            format!("{} {} sets no storage size", o.kind, o.name)
        } else {
            format!("{} {} has an invalid storage size `{shown}`", o.kind, o.name)
        },
        "set the size in values (e.g. `size: 50Gi`) and render it into spec.resources.requests.storage",
        Place::value_or_field(app, vpath.as_ref(), o, &field),
    ));
}

/// The values switch that decides whether a volume named `volume` is persistent: a
/// `false` `enabled` key under a key mentioning the volume, persistence or models.
fn persistence_switch(app: &App, volume: &str) -> Option<FieldPath> {
    let volume = volume.to_ascii_lowercase();
    let found = find_values(app, &mut |p, v| {
        if !ends_with_keys(p, &["enabled"]) || !is_false(Some(v)) {
            return false;
        }
        p[..p.len() - 1].iter().any(|s| {
            matches!(s, Seg::Key(k) if {
                let k = k.to_ascii_lowercase();
                k.contains("persist") || k.contains("model") || (!volume.is_empty() && volume.contains(&k))
            })
        })
    });
    best_path(app, found)
}

/// Whether a container reads its models from a remote repository.
fn remote_model_repository(c: &Value) -> bool {
    let mut texts = Vec::new();
    for key in ["args", "command"] {
        texts.extend(list_at(c, &[key]).iter().filter_map(scalar_string));
    }
    for e in list_at(c, &["env"]) {
        texts.extend(str_at(&e, &["value"]));
    }
    texts.iter().any(|t| {
        t.contains("s3://") || t.contains("gs://") || t.contains("as://") || t.contains("abfs://")
    })
}

/// STO006: model `mountPath` values that no container mounts.
fn check_mount_path_values(
    app: &App,
    wls: &[super::workload::Workload<'_>],
    out: &mut Vec<Diagnostic>,
) {
    if wls.is_empty() {
        return;
    }
    let Some(values) = &app.values else { return };
    let mounted: Vec<String> = wls
        .iter()
        .flat_map(|w| {
            w.all_containers()
                .into_iter()
                .flat_map(|c| {
                    c.mounts(w)
                        .into_iter()
                        .map(|m| m.path.trim_end_matches('/').to_string())
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let candidates = find_values(app, &mut |p, v| {
        ends_with_keys(p, &["mountPath"])
            && v.as_str().is_some_and(|s| s.starts_with('/'))
            && p[..p.len() - 1].iter().any(|s| {
                matches!(s, Seg::Key(k) if {
                    let k = k.to_ascii_lowercase();
                    k.contains("model") || k.contains("persist")
                })
            })
            && !p.iter().any(|s| matches!(s, Seg::Index(_)))
    });
    for p in candidates {
        let parent = &p[..p.len() - 1];
        let block = get_path(values, parent).unwrap_or(Value::Nil);
        if is_false(get(&block, &["enabled"]).as_ref()) {
            continue;
        }
        let Some(path) = get_path(values, &p).and_then(|v| v.as_str().map(String::from)) else {
            continue;
        };
        let want = path.trim_end_matches('/');
        if mounted.iter().any(|m| m == want) {
            continue;
        }
        let mounted_list: Vec<&String> = {
            let mut v: Vec<&String> = mounted.iter().filter(|m| !m.is_empty()).collect();
            v.dedup();
            v
        };
        out.push(diag(
            &STO006,
            app,
            None,
            format!(
                "`{}` is `{path}` but no container mounts a volume there (mounts: {})",
                dotted(&p),
                if mounted_list.is_empty() {
                    "none".to_string()
                } else {
                    mounted_list
                        .iter()
                        .map(|s| format!("`{s}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ),
            "use the value as the model volume's mountPath in the template",
            Place::values(app, &p),
        ));
    }
}

/// STO008: model claims mounted by several workloads of a cluster.
fn check_shared_claims(input: &CheckInput, out: &mut Vec<Diagnostic>) {
    // (cluster, namespace, claim) -> users (app index, workload kind/name, read-only).
    type Key = (Option<String>, Option<String>, String);
    let mut users: BTreeMap<Key, Vec<(usize, String, bool)>> = BTreeMap::new();
    for (ai, app) in input.apps.iter().enumerate() {
        for w in workloads(app) {
            for c in w.all_containers() {
                for m in c.mounts(&w) {
                    let Some(claim) = m.claim_name() else {
                        continue;
                    };
                    if !is_model_mount(&c, &m) {
                        continue;
                    }
                    let cluster = app.cluster.clone().or_else(|| Some(format!("\0{ai}")));
                    let key = (cluster, w.namespace().map(String::from), claim);
                    let who = format!("{} {}", w.object.kind, w.object.name);
                    let list = users.entry(key).or_default();
                    match list.iter_mut().find(|(a, n, _)| *a == ai && *n == who) {
                        Some(e) => e.2 &= m.read_only,
                        None => list.push((ai, who, m.read_only)),
                    }
                }
            }
        }
    }
    for ((_, ns, claim), list) in users {
        if list.len() < 2 {
            continue;
        }
        let Some(&(first_ai, _, _)) = list.first() else {
            continue;
        };
        let Some(first_app) = input.apps.get(first_ai) else {
            continue;
        };
        let Some(cl) = find_claim(input, first_app, ns.as_deref(), &claim) else {
            continue;
        };
        let modes = cl.access_modes();
        let all_ro = list.iter().all(|(_, _, ro)| *ro);
        if modes.iter().any(|m| m == "ReadWriteMany")
            || (all_ro && modes.iter().any(|m| m == "ReadOnlyMany"))
        {
            continue;
        }
        // Report on the app rendering the claim when it is an AI app, else on the first
        // AI app using it.
        let report_app = if super::common::in_scope(cl.app) {
            Some(cl.app)
        } else {
            list.iter()
                .filter_map(|(ai, _, _)| input.apps.get(*ai))
                .find(|a| super::common::in_scope(a))
        };
        let Some(report_app) = report_app else {
            continue;
        };
        let users_text = list
            .iter()
            .map(|(ai, who, _)| {
                let a = input.apps.get(*ai).map(|a| a.name.as_str()).unwrap_or("?");
                format!("{who} ({a})")
            })
            .collect::<Vec<_>>()
            .join(", ");
        let vpath = best_path(
            cl.app,
            find_values(cl.app, &mut |p, v| {
                ends_with_keys(p, &["accessModes"])
                    && super::common::items(v)
                        .iter()
                        .filter_map(scalar_string)
                        .collect::<Vec<_>>()
                        == modes
            }),
        );
        let field = [Seg::key("spec"), Seg::key("accessModes")];
        let place = if std::ptr::eq(report_app, cl.app) {
            Place::value_or_field(cl.app, vpath.as_ref(), cl.obj, &field)
        } else {
            Place::field(cl.obj, &field)
        };
        out.push(diag(
            &STO008,
            report_app,
            Some(cl.obj),
            format!(
                "the model claim `{claim}` is shared by {users_text} but its access modes are {}",
                if modes.is_empty() {
                    "unset".to_string()
                } else {
                    modes.join(", ")
                }
            ),
            "create shared model caches with `accessModes: [ReadWriteMany]`",
            place,
        ));
    }
}
