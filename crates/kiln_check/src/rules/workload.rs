//! Pod templates of workloads (Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs,
//! CronJobs, Pods) and their containers, with the paths of their fields in the object so
//! findings can point at the template line that produced them.
//!
//! It also holds what the rules agree an *inference container* and a *model mount* are.

use std::collections::BTreeMap;

use kiln_gotmpl::Value;

use super::common::{self, entries, get, get_path, items, join, list_at, str_at, FieldPath, Seg};
use super::quantity::quantity;
use crate::input::{App, Object};

/// The pod template of a workload object.
#[derive(Clone, Debug)]
pub struct Workload<'a> {
    /// The workload object.
    pub object: &'a Object,
    /// Path of the pod spec inside the object (`spec.template.spec`, ...).
    pub pod_path: FieldPath,
    /// The pod spec.
    pub pod: Value,
    /// Labels of the pods.
    pub labels: BTreeMap<String, String>,
    /// Whether the pods run until stopped (not Jobs and CronJobs), so they serve traffic
    /// and have probes.
    pub long_running: bool,
    /// Whether an operator manages the pods (KubeRay adds probes and Services to Ray
    /// pods), so probe and Service rules leave them alone.
    pub managed: bool,
    /// Path of the replica count of these pods, for kinds that have one.
    pub replicas_path: Option<FieldPath>,
}

/// One container of a pod template.
#[derive(Clone, Debug)]
pub struct Container {
    /// `spec.containers[].name`.
    pub name: String,
    /// The container.
    pub value: Value,
    /// Path of the container inside the object.
    pub path: FieldPath,
    /// An init container.
    pub init: bool,
}

/// The pod templates among an app's objects, in manifest order (test hooks left out).
pub fn workloads(app: &App) -> Vec<Workload<'_>> {
    common::objects(app).flat_map(pod_templates).collect()
}

/// The (first) pod template of `obj`, when it is a workload.
pub fn workload(obj: &Object) -> Option<Workload<'_>> {
    pod_templates(obj).into_iter().next()
}

fn keys(path: &[&str]) -> FieldPath {
    path.iter().map(|k| Seg::key(k)).collect()
}

/// The pod templates of `obj`: one for Deployments, StatefulSets, DaemonSets,
/// ReplicaSets, ReplicationControllers, Jobs, CronJobs and Pods; the leader and worker
/// templates of a LeaderWorkerSet; the head and worker group templates of KubeRay's
/// RayCluster, RayService and RayJob.
pub fn pod_templates(obj: &Object) -> Vec<Workload<'_>> {
    let group = obj.api_version.split('/').next().unwrap_or("");
    let core = obj.api_version.is_empty()
        || matches!(
            obj.api_version.as_str(),
            "v1" | "apps/v1"
                | "batch/v1"
                | "batch/v1beta1"
                | "extensions/v1beta1"
                | "apps/v1beta1"
                | "apps/v1beta2"
        );
    // (template path, long running, managed, replicas path)
    let mut templates: Vec<(FieldPath, bool, bool, Option<FieldPath>)> = Vec::new();
    match obj.kind.as_str() {
        "Deployment" | "StatefulSet" | "ReplicaSet" | "ReplicationController" if core => {
            templates.push((
                keys(&["spec", "template"]),
                true,
                false,
                Some(keys(&["spec", "replicas"])),
            ));
        }
        "DaemonSet" if core => templates.push((keys(&["spec", "template"]), true, false, None)),
        "Job" if core => templates.push((keys(&["spec", "template"]), false, false, None)),
        "CronJob" if core => templates.push((
            keys(&["spec", "jobTemplate", "spec", "template"]),
            false,
            false,
            None,
        )),
        "Pod" if core => templates.push((Vec::new(), true, false, None)),
        "LeaderWorkerSet" if group == "leaderworkerset.x-k8s.io" => {
            for t in ["leaderTemplate", "workerTemplate"] {
                templates.push((
                    keys(&["spec", "leaderWorkerTemplate", t]),
                    true,
                    false,
                    Some(keys(&["spec", "replicas"])),
                ));
            }
        }
        "RayCluster" | "RayService" | "RayJob" if group == "ray.io" => {
            let base: &[&str] = match obj.kind.as_str() {
                "RayCluster" => &["spec"],
                "RayService" => &["spec", "rayClusterConfig"],
                _ => &["spec", "rayClusterSpec"],
            };
            let long = obj.kind != "RayJob";
            let mut head = keys(base);
            head.extend(keys(&["headGroupSpec", "template"]));
            templates.push((head, long, true, None));
            let mut groups = keys(base);
            groups.push(Seg::key("workerGroupSpecs"));
            let n = get_path(&obj.value, &groups)
                .map(|g| items(&g).len())
                .unwrap_or(0);
            for i in 0..n.min(64) {
                let mut t = groups.clone();
                t.push(Seg::Index(i));
                let mut r = t.clone();
                r.push(Seg::key("replicas"));
                t.push(Seg::key("template"));
                templates.push((t, long, true, Some(r)));
            }
        }
        _ => {}
    }
    templates
        .into_iter()
        .filter_map(|(tpath, long_running, managed, replicas_path)| {
            let (pod_path, meta_path) = if tpath.is_empty() {
                (keys(&["spec"]), keys(&["metadata"]))
            } else {
                let mut p = tpath.clone();
                p.push(Seg::key("spec"));
                let mut m = tpath;
                m.push(Seg::key("metadata"));
                (p, m)
            };
            let pod = get_path(&obj.value, &pod_path)?;
            pod.as_map_ref()?;
            let labels = get_path(&obj.value, &meta_path)
                .and_then(|m| get(&m, &["labels"]))
                .map(|l| common::string_map(&l))
                .unwrap_or_default();
            Some(Workload {
                object: obj,
                pod_path,
                pod,
                labels,
                long_running,
                managed,
                replicas_path,
            })
        })
        .collect()
}

impl Workload<'_> {
    /// The app containers (`spec.containers`).
    pub fn containers(&self) -> Vec<Container> {
        self.list("containers", false)
    }

    /// Init containers, then app containers.
    pub fn all_containers(&self) -> Vec<Container> {
        let mut v = self.list("initContainers", true);
        v.extend(self.containers());
        v
    }

    fn list(&self, key: &str, init: bool) -> Vec<Container> {
        list_at(&self.pod, &[key])
            .into_iter()
            .enumerate()
            .filter(|(_, c)| c.as_map_ref().is_some())
            .map(|(i, c)| {
                let mut path = join(&self.pod_path, &[key]);
                path.push(Seg::Index(i));
                Container {
                    name: str_at(&c, &["name"]).unwrap_or_else(|| format!("#{i}")),
                    value: c,
                    path,
                    init,
                }
            })
            .collect()
    }

    /// Path of a field of the pod spec.
    pub fn pod_field(&self, keys: &[&str]) -> FieldPath {
        join(&self.pod_path, keys)
    }

    /// The volume named `name` of the pod, with its index.
    pub fn volume(&self, name: &str) -> Option<(usize, Value)> {
        list_at(&self.pod, &["volumes"])
            .into_iter()
            .enumerate()
            .find(|(_, v)| str_at(v, &["name"]).as_deref() == Some(name))
    }

    /// Names of the StatefulSet's volumeClaimTemplates.
    pub fn claim_templates(&self) -> Vec<String> {
        if self.object.kind != "StatefulSet" {
            return Vec::new();
        }
        list_at(&self.object.value, &["spec", "volumeClaimTemplates"])
            .iter()
            .filter_map(|t| str_at(t, &["metadata", "name"]))
            .collect()
    }

    /// The replica count (1 when not set) for workloads with replicas.
    pub fn replicas(&self) -> Option<f64> {
        let path = self.replicas_path.as_ref()?;
        Some(
            get_path(&self.object.value, path)
                .and_then(|v| common::number(&v))
                .unwrap_or(1.0),
        )
    }

    /// The pod's namespace (the object's).
    pub fn namespace(&self) -> Option<&str> {
        self.object.namespace.as_deref()
    }
}

/// A volume mount of a container, resolved to the pod's volume.
#[derive(Clone, Debug)]
pub struct Mount {
    /// Volume name.
    pub name: String,
    /// `mountPath`.
    pub path: String,
    /// `subPath`, when set.
    pub sub_path: Option<String>,
    /// Mounted read-only.
    pub read_only: bool,
    /// Index of the mount in `volumeMounts`.
    pub index: usize,
    /// The pod volume (`None` for a volumeClaimTemplate or a missing volume).
    pub volume: Option<(usize, Value)>,
    /// The name of the StatefulSet volumeClaimTemplate it mounts, if any.
    pub claim_template: Option<String>,
}

impl Mount {
    /// The volume's source type (`persistentVolumeClaim`, `emptyDir`, ...); `"volumeClaimTemplate"`
    /// for StatefulSet claims, `None` when the volume is missing.
    pub fn source_type(&self) -> Option<String> {
        if self.claim_template.is_some() {
            return Some("volumeClaimTemplate".into());
        }
        let (_, v) = self.volume.as_ref()?;
        entries(v).into_iter().map(|(k, _)| k).find(|k| k != "name")
    }

    /// The claim name of a `persistentVolumeClaim` volume.
    pub fn claim_name(&self) -> Option<String> {
        let (_, v) = self.volume.as_ref()?;
        str_at(v, &["persistentVolumeClaim", "claimName"])
    }
}

impl Container {
    /// The image reference.
    pub fn image(&self) -> Option<String> {
        str_at(&self.value, &["image"])
    }

    /// Declared ports: `(name, containerPort, index)`.
    pub fn ports(&self) -> Vec<(Option<String>, Option<f64>, usize)> {
        list_at(&self.value, &["ports"])
            .iter()
            .enumerate()
            .map(|(i, p)| {
                (
                    str_at(p, &["name"]).filter(|s| !s.is_empty()),
                    get(p, &["containerPort"]).and_then(|v| common::number(&v)),
                    i,
                )
            })
            .collect()
    }

    /// Literal environment variables `(name, value, index)` (`value`, not `valueFrom`).
    pub fn env_values(&self) -> Vec<(String, String, usize)> {
        list_at(&self.value, &["env"])
            .iter()
            .enumerate()
            .filter_map(|(i, e)| {
                let name = str_at(e, &["name"])?;
                let value = str_at(e, &["value"])?;
                Some((name, value, i))
            })
            .collect()
    }

    /// `resources.<kind>` entries (`kind` is `requests` or `limits`).
    pub fn resources(&self, kind: &str) -> Vec<(String, Value)> {
        get(&self.value, &["resources", kind])
            .map(|m| entries(&m))
            .unwrap_or_default()
    }

    /// The quantity `resources.<kind>.<name>`, with the raw value.
    pub fn resource(&self, kind: &str, name: &str) -> Option<(f64, Value)> {
        let v = get(&self.value, &["resources", kind, name])?;
        Some((quantity(&v)?, v))
    }

    /// Path of a field of the container.
    pub fn field(&self, keys: &[&str]) -> FieldPath {
        join(&self.path, keys)
    }

    /// The container's volume mounts, resolved against the pod's volumes.
    pub fn mounts(&self, w: &Workload<'_>) -> Vec<Mount> {
        let templates = w.claim_templates();
        list_at(&self.value, &["volumeMounts"])
            .iter()
            .enumerate()
            .filter_map(|(i, m)| {
                let name = str_at(m, &["name"])?;
                let path = str_at(m, &["mountPath"]).unwrap_or_default();
                let volume = w.volume(&name);
                let claim_template = if volume.is_none() && templates.contains(&name) {
                    Some(name.clone())
                } else {
                    None
                };
                Some(Mount {
                    sub_path: str_at(m, &["subPath"]).filter(|s| !s.is_empty()),
                    read_only: common::is_true(get(m, &["readOnly"]).as_ref()),
                    name,
                    path,
                    index: i,
                    volume,
                    claim_template,
                })
            })
            .collect()
    }

    /// The GPUs the container asks for: `(resource, count, vendor)` from limits and
    /// requests (each resource once, the limit preferred).
    pub fn gpus(&self) -> Vec<Gpu> {
        let mut out: Vec<Gpu> = Vec::new();
        for kind in ["limits", "requests"] {
            for (name, v) in self.resources(kind) {
                let Some(vendor) = gpu_vendor(&name) else {
                    continue;
                };
                let count = quantity(&v).unwrap_or(0.0);
                if count <= 0.0 || out.iter().any(|g| g.resource == name) {
                    continue;
                }
                out.push(Gpu {
                    resource: name,
                    count,
                    raw: v,
                    vendor,
                    in_limits: kind == "limits",
                });
            }
        }
        out
    }
}

/// A GPU resource a container asks for.
#[derive(Clone, Debug)]
pub struct Gpu {
    /// The extended resource (`nvidia.com/gpu`).
    pub resource: String,
    /// The count.
    pub count: f64,
    /// The rendered value.
    pub raw: Value,
    /// The vendor.
    pub vendor: Vendor,
    /// Whether it is set in limits (else only in requests).
    pub in_limits: bool,
}

/// A GPU vendor, with its PCI vendor id (the Node Feature Discovery label
/// `feature.node.kubernetes.io/pci-<id>.present`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vendor {
    /// `nvidia.com/gpu`, `nvidia.com/mig-*`; PCI `10de`.
    Nvidia,
    /// `amd.com/gpu`; PCI `1002`.
    Amd,
    /// `gpu.intel.com/i915`, `gpu.intel.com/xe`; PCI `8086`.
    Intel,
}

impl Vendor {
    /// The PCI vendor id.
    pub fn pci_id(self) -> &'static str {
        match self {
            Vendor::Nvidia => "10de",
            Vendor::Amd => "1002",
            Vendor::Intel => "8086",
        }
    }

    /// `NVIDIA`, `AMD`, `Intel`.
    pub fn label(self) -> &'static str {
        match self {
            Vendor::Nvidia => "NVIDIA",
            Vendor::Amd => "AMD",
            Vendor::Intel => "Intel",
        }
    }

    /// The NFD label of nodes with this vendor's PCI devices.
    pub fn nfd_label(self) -> String {
        format!("feature.node.kubernetes.io/pci-{}.present", self.pci_id())
    }

    /// The vendor whose PCI id is `id`.
    pub fn from_pci_id(id: &str) -> Option<Vendor> {
        match id {
            "10de" => Some(Vendor::Nvidia),
            "1002" => Some(Vendor::Amd),
            "8086" => Some(Vendor::Intel),
            _ => None,
        }
    }
}

/// The vendor of a GPU extended resource name, `None` for other resources.
pub fn gpu_vendor(resource: &str) -> Option<Vendor> {
    let r = resource.to_ascii_lowercase();
    if r == "nvidia.com/gpu" || r.starts_with("nvidia.com/gpu.") || r.starts_with("nvidia.com/mig-")
    {
        Some(Vendor::Nvidia)
    } else if r == "amd.com/gpu" || r.starts_with("amd.com/gpu.") {
        Some(Vendor::Amd)
    } else if r == "gpu.intel.com/i915" || r == "gpu.intel.com/xe" {
        Some(Vendor::Intel)
    } else {
        None
    }
}

/// Image names (last path components) of model servers: Ollama, vLLM, Hugging Face
/// TGI, NVIDIA Triton, llama.cpp, LocalAI, SGLang, LMDeploy.
const MODEL_SERVER_IMAGES: &[&str] = &[
    "ollama",
    "vllm",
    "vllm-openai",
    "vllm-cpu",
    "vllm-rocm",
    "vllm-tpu",
    "text-generation-inference",
    "tgi",
    "tgi-gaudi",
    "tritonserver",
    "llama.cpp",
    "llama-cpp",
    "llamacpp",
    "llama-cpp-python",
    "local-ai",
    "localai",
    "sglang",
    "lmdeploy",
];

/// Model servers whose models are downloaded to local disk (so they need a model
/// volume); Triton reads a model repository that may be remote.
const DOWNLOADING_SERVERS: &[&str] = &[
    "ollama",
    "vllm",
    "vllm-openai",
    "vllm-cpu",
    "vllm-rocm",
    "vllm-tpu",
    "text-generation-inference",
    "tgi",
    "tgi-gaudi",
    "llama.cpp",
    "llama-cpp",
    "llamacpp",
    "llama-cpp-python",
    "local-ai",
    "localai",
    "sglang",
    "lmdeploy",
];

/// The repository path of an image reference without registry port, tag or digest,
/// lowercased (`docker.io/ollama/ollama:0.12` → `docker.io/ollama/ollama`).
pub fn image_repository(image: &str) -> String {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last_slash = no_digest.rfind('/').map_or(0, |i| i + 1);
    let repo = match no_digest[last_slash..].find(':') {
        Some(c) => &no_digest[..last_slash + c],
        None => no_digest,
    };
    repo.to_ascii_lowercase()
}

/// The tag of an image reference (`None` when there is none), and whether it is pinned
/// by digest.
pub fn image_tag(image: &str) -> (Option<String>, bool) {
    let (name, digest) = match image.split_once('@') {
        Some((n, d)) => (n, !d.is_empty()),
        None => (image, false),
    };
    let last_slash = name.rfind('/').map_or(0, |i| i + 1);
    let tag = name[last_slash..]
        .split_once(':')
        .map(|(_, t)| t.to_string());
    (tag, digest)
}

/// The model server a container image runs, if it is one of [`MODEL_SERVER_IMAGES`].
pub fn model_server(image: &str) -> Option<&'static str> {
    let repo = image_repository(image);
    repo.split('/')
        .find_map(|part| MODEL_SERVER_IMAGES.iter().find(|s| **s == part).copied())
}

/// Whether the image is a model server that downloads models to local disk.
pub fn downloads_models(image: &str) -> bool {
    model_server(image).is_some_and(|s| DOWNLOADING_SERVERS.contains(&s))
}

/// Whether `c` of `w` is an *inference container*: a container of a long-running
/// workload that asks for a GPU or runs a known model server image.
pub fn is_inference(w: &Workload<'_>, c: &Container) -> bool {
    !c.init
        && w.long_running
        && (!c.gpus().is_empty() || c.image().is_some_and(|i| model_server(&i).is_some()))
}

/// Environment variables model servers read their model directory from.
pub const MODEL_DIR_ENV: &[&str] = &[
    "OLLAMA_MODELS",
    "HF_HOME",
    "HF_HUB_CACHE",
    "HUGGINGFACE_HUB_CACHE",
    "TRANSFORMERS_CACHE",
    "VLLM_CACHE_ROOT",
    "MODEL_PATH",
    "MODELS_PATH",
    "MODEL_DIR",
    "MODELS_DIR",
    "LOCALAI_MODELS_PATH",
    "LLAMA_ARG_MODEL_DIR",
];

/// Directories where model servers keep models by default.
const MODEL_DIRS: &[&str] = &[
    "/root/.ollama",
    "/.ollama",
    "/home/ollama/.ollama",
    "/root/.cache/huggingface",
    "/.cache/huggingface",
    "/root/.cache",
    "/data/models",
    "/models",
    "/model",
    "/huggingface",
    "/hf-cache",
    "/hf_cache",
    "/build/models",
];

/// Whether a mount of `c` holds models: its path or volume name mentions models, it is
/// a known model directory, or a model-directory environment variable points into it.
/// ConfigMap, Secret, projected and downward API volumes never hold models.
pub fn is_model_mount(c: &Container, m: &Mount) -> bool {
    if matches!(
        m.source_type().as_deref(),
        Some("configMap" | "secret" | "projected" | "downwardAPI")
    ) {
        return false;
    }
    let path = m.path.trim_end_matches('/');
    let lower = path.to_ascii_lowercase();
    if lower.contains("model") || m.name.to_ascii_lowercase().contains("model") {
        return true;
    }
    if m.sub_path
        .as_deref()
        .is_some_and(|s| s.to_ascii_lowercase().contains("model"))
    {
        return true;
    }
    if MODEL_DIRS.contains(&lower.as_str()) {
        return true;
    }
    if path.is_empty() {
        return false;
    }
    c.env_values().iter().any(|(n, v, _)| {
        MODEL_DIR_ENV.contains(&n.as_str()) && (v == path || v.starts_with(&format!("{path}/")))
    })
}

/// Whether the values path mentions GPUs in one of its keys.
pub fn path_mentions_gpu(path: &[Seg]) -> bool {
    path.iter()
        .any(|s| matches!(s, Seg::Key(k) if k.to_ascii_lowercase().contains("gpu")))
}

/// The object path of a container's GPU limit or request.
pub fn gpu_field(c: &Container, g: &Gpu) -> FieldPath {
    let mut p = c.field(&["resources", if g.in_limits { "limits" } else { "requests" }]);
    p.push(Seg::Key(g.resource.clone()));
    p
}

/// The value at `path` of an object, for building messages.
pub fn field_value(obj: &Object, path: &[Seg]) -> Option<Value> {
    get_path(&obj.value, path)
}

/// Items of a list field (empty when missing).
pub fn field_items(obj: &Object, path: &[Seg]) -> Vec<Value> {
    field_value(obj, path)
        .map(|v| items(&v))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images() {
        assert_eq!(
            image_repository("docker.io/ollama/ollama:0.12.3"),
            "docker.io/ollama/ollama"
        );
        assert_eq!(
            image_repository("localhost:5000/vllm/vllm-openai"),
            "localhost:5000/vllm/vllm-openai"
        );
        assert_eq!(image_tag("localhost:5000/x"), (None, false));
        assert_eq!(image_tag("x:1.0@sha256:ab"), (Some("1.0".into()), true));
        assert_eq!(image_tag("x@sha256:ab"), (None, true));
        assert_eq!(
            model_server("nvcr.io/nvidia/tritonserver:24.01-py3"),
            Some("tritonserver")
        );
        assert_eq!(
            model_server("ghcr.io/ggml-org/llama.cpp:server"),
            Some("llama.cpp")
        );
        assert_eq!(model_server("lmcache/lmstack-router:latest"), None);
        assert_eq!(model_server("ghcr.io/open-webui/open-webui:0.6"), None);
        assert_eq!(model_server("ghcr.io/ollama-webui/ollama-webui:main"), None);
        assert!(downloads_models("vllm/vllm-openai:v0.6.0"));
        assert!(!downloads_models("nvcr.io/nvidia/tritonserver:24.01-py3"));
    }

    #[test]
    fn vendors() {
        assert_eq!(gpu_vendor("nvidia.com/gpu"), Some(Vendor::Nvidia));
        assert_eq!(gpu_vendor("nvidia.com/mig-1g.5gb"), Some(Vendor::Nvidia));
        assert_eq!(gpu_vendor("amd.com/gpu"), Some(Vendor::Amd));
        assert_eq!(gpu_vendor("gpu.intel.com/i915"), Some(Vendor::Intel));
        assert_eq!(gpu_vendor("cpu"), None);
    }
}
