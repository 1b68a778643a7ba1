//! The on-disk render cache (`.kiln/cache`): the result of every Helm render (an
//! Application's chart, and a role chart that renders ApplicationSets alike) stored
//! under a content hash of everything the render reads, so an unchanged render is
//! served from disk instead of being executed again.
//!
//! # The key
//!
//! SHA-256 of
//! * the **environment**: [`FORMAT`], kiln's version, the running executable's path,
//!   size and modification time (a rebuilt kiln never reads a previous build's entries)
//!   and `TZ` (Sprig's `date` formats in the local zone);
//! * the **chart**: a transcript of every listing and every file read while the chart
//!   (with its subcharts, `.helmignore` applied) was loaded ([`HashingChartTree`]), so
//!   whatever the loaded chart depends on is in the key and nothing else;
//! * the **user values**: the merged map handed to `helm template` (value files,
//!   `valuesObject`/`values`, `parameters`, `fileParameters` after merging), encoded
//!   with Go types, so any input that changes them changes the key;
//! * the **options**: release name, namespace, revision, install/upgrade flags,
//!   `.Capabilities` (Kubernetes version, every API version, Helm version), schema
//!   validation, CRDs, source maps. Every field is destructured without `..`, so a new
//!   option cannot be forgotten.
//!
//! A render is a pure function of these (the engine reads nothing else: `.Files` is
//! the loaded chart, `lookup` and `getHostByName` are empty offline, `env` is removed).
//! The exceptions are the functions of [`kiln_helm::funcs::VOLATILE_FUNCS`] (clock,
//! random values, random keys): a render that called one is not stored, and renders
//! again on every run. Failed renders are not stored either.
//!
//! # Entries
//!
//! `DIR/v<FORMAT>/<2 hex>/<62 hex>`: magic, format, the key, the documents (CRDs,
//! manifests, hooks with their kinds; objects are parsed again from the text when
//! asked for), with source maps also the coalesced values and the source maps (`kiln check`), and a checksum. Template sources named by
//! source maps are stored once each, content-addressed, in `DIR/v<FORMAT>/src/`.
//! Files are written to a temporary name and renamed into place, so concurrent runs
//! and interrupted runs never leave a partial entry; an entry that does not decode (bad
//! magic, checksum, truncation) is a miss and is overwritten. Nothing is ever deleted:
//! remove the directory to reclaim space.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use kiln_gotmpl::ast::Source;
use kiln_gotmpl::{IntType, ListType, Map, MapRef, MapSpan, MapType, SourceMap, UintType, Value};
use kiln_helm::caps::Capabilities;
use kiln_helm::engine::RenderOptions;
use kiln_helm::head::{Head, Identity};
use kiln_helm::loader::{ChartEntry, ChartEntryKind, ChartTree};
use kiln_helm::manifest::Manifest;
use kiln_helm::template::{TemplateOptions, TemplateOutput};
use sha2::{Digest as _, Sha256};

/// Version of the entry format and of the key derivation; part of every key and of the
/// directory name. Bump it whenever either changes.
pub const FORMAT: u32 = 2;

/// The default cache directory, relative to the repository root.
pub const DEFAULT_DIR: &str = ".kiln/cache";

/// A SHA-256 digest.
pub type Digest = [u8; 32];

const ENTRY_MAGIC: &[u8; 8] = b"KILNRC\0\x01";
const SOURCE_MAGIC: &[u8; 8] = b"KILNSRC\x01";
/// Deepest value nesting encoded (a deeper or cyclic value is not cached).
const MAX_DEPTH: usize = 256;

/// Counts of Helm renders in one run (shared by every cluster).
#[derive(Debug, Default)]
pub struct RenderStats {
    renders: AtomicU64,
    hits: AtomicU64,
    stored: AtomicU64,
}

/// A copy of [`RenderStats`] at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StatsSnapshot {
    /// Helm renders asked for (Applications' charts and role charts, every cluster).
    pub renders: u64,
    /// Of those, served from the cache.
    pub from_cache: u64,
    /// Entries written to the cache.
    pub stored: u64,
}

impl StatsSnapshot {
    /// Renders that were executed (not served from the cache).
    pub fn executed(&self) -> u64 {
        self.renders - self.from_cache
    }
}

impl RenderStats {
    /// The counts so far.
    pub fn snapshot(&self) -> StatsSnapshot {
        StatsSnapshot {
            renders: self.renders.load(Ordering::Relaxed),
            from_cache: self.hits.load(Ordering::Relaxed),
            stored: self.stored.load(Ordering::Relaxed),
        }
    }

    pub(crate) fn render(&self) {
        self.renders.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn hit(&self) {
        self.hits.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn store(&self) {
        self.stored.fetch_add(1, Ordering::Relaxed);
    }
}

/// An on-disk render cache (see the module documentation).
pub struct RenderCache {
    dir: PathBuf,
    env: Digest,
    sources: Mutex<HashMap<Digest, Arc<Source>>>,
    written_sources: Mutex<HashSet<Digest>>,
    tmp_counter: AtomicU64,
    prepared: std::sync::OnceLock<bool>,
}

impl std::fmt::Debug for RenderCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RenderCache")
            .field("dir", &self.dir)
            .finish()
    }
}

impl RenderCache {
    /// The cache in directory `dir` (created when the first entry is written).
    pub fn open(dir: &Path) -> RenderCache {
        let mut h = Sha256::new();
        h.update(b"kiln render cache\0");
        h.update(FORMAT.to_le_bytes());
        feed_str(&mut h, env!("CARGO_PKG_VERSION"));
        // A rebuilt kiln (same version, other code) must not read older entries.
        match std::env::current_exe().and_then(|p| Ok((std::fs::metadata(&p)?, p))) {
            Ok((meta, path)) => {
                feed_str(&mut h, &path.to_string_lossy());
                h.update(meta.len().to_le_bytes());
                let mtime = meta
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                h.update(mtime.to_le_bytes());
            }
            Err(_) => h.update(b"?"),
        }
        feed_str(&mut h, &std::env::var("TZ").unwrap_or_default());
        RenderCache {
            dir: dir.to_path_buf(),
            env: h.finalize().into(),
            sources: Mutex::new(HashMap::new()),
            written_sources: Mutex::new(HashSet::new()),
            tmp_counter: AtomicU64::new(0),
            prepared: std::sync::OnceLock::new(),
        }
    }

    /// The cache directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn root(&self) -> PathBuf {
        self.dir.join(format!("v{FORMAT}"))
    }

    fn entry_path(&self, key: &Digest) -> PathBuf {
        let h = hex(key);
        self.root().join(&h[..2]).join(&h[2..])
    }

    fn source_path(&self, id: &Digest) -> PathBuf {
        self.root().join("src").join(hex(id))
    }

    /// The key of rendering the chart whose load transcript hashed to `chart` with
    /// `user` values and `opts`; `None` when the values cannot be encoded (a Go object,
    /// nesting deeper than the limit), which makes the render uncached.
    pub fn key(&self, chart: &Digest, user: &Map, opts: &TemplateOptions) -> Option<Digest> {
        let mut w = Writer::default();
        w.map(user, MapType::Any, 0)?;
        let mut h = Sha256::new();
        h.update(b"render\0");
        h.update(self.env);
        h.update(chart);
        h.update(options_digest(opts));
        h.update((w.0.len() as u64).to_le_bytes());
        h.update(&w.0);
        Some(h.finalize().into())
    }

    /// The stored render of `key`, if there is a readable one.
    pub fn load(&self, key: &Digest) -> Option<TemplateOutput> {
        let data = std::fs::read(self.entry_path(key)).ok()?;
        self.decode_entry(key, &data)
    }

    /// Stores `out` as the render of `key` (best effort: an I/O error leaves the cache
    /// as it was). Returns whether an entry was written.
    pub fn store(&self, key: &Digest, out: &TemplateOutput, source_maps: bool) -> bool {
        if !self.prepare() {
            return false;
        }
        let Some(data) = self.encode_entry(key, out, source_maps) else {
            return false;
        };
        self.write_atomic(&self.entry_path(key), &data).is_ok()
    }

    /// Creates the cache directory with a `.gitignore` of `*` in it (so a cache inside
    /// a work tree is never seen as a change by Git), once per run.
    fn prepare(&self) -> bool {
        *self.prepared.get_or_init(|| {
            if std::fs::create_dir_all(&self.dir).is_err() {
                return false;
            }
            let ignore = self.dir.join(".gitignore");
            if !ignore.exists() {
                let text = b"# The render cache of kiln: not for Git.\n*\n";
                let _ = self.write_atomic(&ignore, text);
            }
            true
        })
    }

    fn write_atomic(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let n = self.tmp_counter.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(
            ".tmp-{}-{n}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let written = (|| {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(data)?;
            f.flush()?;
            drop(f);
            std::fs::rename(&tmp, path)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        written
    }

    fn encode_entry(
        &self,
        key: &Digest,
        out: &TemplateOutput,
        source_maps: bool,
    ) -> Option<Vec<u8>> {
        let mut w = Writer::default();
        w.bytes_raw(ENTRY_MAGIC);
        w.u32(FORMAT);
        w.bytes_raw(key);
        w.u64(out.crds.len() as u64);
        for (name, data) in &out.crds {
            w.str(name);
            w.str(data);
        }
        for list in [&out.manifests, &out.hooks] {
            w.u64(list.len() as u64);
            for m in list {
                w.str(&m.path);
                w.str(&m.content);
                w.u64(m.offset as u64);
                w.str(&m.kind);
                // The object is parsed from the text again when something asks for it.
                w.u8(u8::from(m.is_object));
                for field in [&m.id.api_version, &m.id.kind, &m.id.name, &m.id.namespace] {
                    w.opt_str(field.as_deref());
                }
            }
        }
        w.u8(u8::from(source_maps));
        if source_maps {
            w.value(&out.values, 0)?;
            let mut ids: HashMap<*const Source, Digest> = HashMap::new();
            w.u64(out.source_maps.len() as u64);
            for (name, map) in &out.source_maps {
                w.str(name);
                let entries: Vec<_> = map.entries().collect();
                w.u64(entries.len() as u64);
                for (offset, src, span) in entries {
                    let id = match ids.get(&Arc::as_ptr(src)) {
                        Some(id) => *id,
                        None => {
                            let id = self.store_source(src)?;
                            ids.insert(Arc::as_ptr(src), id);
                            id
                        }
                    };
                    w.u64(offset as u64);
                    w.bytes_raw(&id);
                    match span {
                        MapSpan::Text { src_offset, len } => {
                            w.u8(0);
                            w.u64(src_offset as u64);
                            w.u64(len as u64);
                        }
                        MapSpan::Action { src_offset } => {
                            w.u8(1);
                            w.u64(src_offset as u64);
                            w.u64(0);
                        }
                    }
                }
            }
        }
        let sum = checksum(&w.0);
        w.u64(sum);
        Some(w.0)
    }

    fn decode_entry(&self, key: &Digest, data: &[u8]) -> Option<TemplateOutput> {
        let (body, sum) = data.split_at_checked(data.len().checked_sub(8)?)?;
        if checksum(body) != u64::from_le_bytes(sum.try_into().ok()?) {
            return None;
        }
        let mut r = Reader { b: body, pos: 0 };
        if r.take(8)? != ENTRY_MAGIC || r.u32()? != FORMAT || r.take(32)? != key {
            return None;
        }
        let mut out = TemplateOutput::default();
        for _ in 0..r.count()? {
            let name = r.string()?;
            let data = r.string()?;
            out.crds.push((name, data));
        }
        for hooks in [false, true] {
            let n = r.count()?;
            let mut list = Vec::with_capacity(n);
            for _ in 0..n {
                let path = r.string()?;
                let content = r.string()?;
                let offset = r.usize()?;
                let kind = r.string()?;
                let is_object = r.u8()? == 1;
                let id = Identity {
                    api_version: r.opt_string()?,
                    kind: r.opt_string()?,
                    name: r.opt_string()?,
                    namespace: r.opt_string()?,
                };
                let head = Head {
                    is_object,
                    kind,
                    hook: None,
                    id,
                };
                list.push(Manifest::new(path, content, offset, head));
            }
            if hooks {
                out.hooks = list;
            } else {
                out.manifests = list;
            }
        }
        if r.u8()? == 1 {
            out.values = r.value(0)?;
            let mut maps = BTreeMap::new();
            for _ in 0..r.count()? {
                let name = r.string()?;
                let n = r.count()?;
                let mut entries = Vec::with_capacity(n);
                for _ in 0..n {
                    let offset = r.usize()?;
                    let id: Digest = r.take(32)?.try_into().ok()?;
                    let src = self.load_source(&id)?;
                    let tag = r.u8()?;
                    let a = r.usize()?;
                    let b = r.usize()?;
                    let span = match tag {
                        0 => MapSpan::Text {
                            src_offset: a,
                            len: b,
                        },
                        1 => MapSpan::Action { src_offset: a },
                        _ => return None,
                    };
                    entries.push((offset, src, span));
                }
                maps.insert(name, Arc::new(SourceMap::from_entries(entries)));
            }
            out.source_maps = maps;
        }
        (r.pos == body.len()).then_some(out)
    }

    /// Writes a template source (once per run and content) and returns its id.
    fn store_source(&self, src: &Source) -> Option<Digest> {
        let mut h = Sha256::new();
        feed_str(&mut h, &src.name);
        feed_str(&mut h, &src.text);
        let id: Digest = h.finalize().into();
        let fresh = self.written_sources.lock().ok()?.insert(id);
        if fresh {
            let path = self.source_path(&id);
            if !path.is_file() {
                let mut w = Writer::default();
                w.bytes_raw(SOURCE_MAGIC);
                w.str(&src.name);
                w.str(&src.text);
                let sum = checksum(&w.0);
                w.u64(sum);
                self.write_atomic(&path, &w.0).ok()?;
            }
        }
        Some(id)
    }

    fn load_source(&self, id: &Digest) -> Option<Arc<Source>> {
        if let Some(s) = self.sources.lock().ok()?.get(id) {
            return Some(s.clone());
        }
        let data = std::fs::read(self.source_path(id)).ok()?;
        let (body, sum) = data.split_at_checked(data.len().checked_sub(8)?)?;
        if checksum(body) != u64::from_le_bytes(sum.try_into().ok()?) {
            return None;
        }
        let mut r = Reader { b: body, pos: 0 };
        if r.take(8)? != SOURCE_MAGIC {
            return None;
        }
        let name = r.string()?;
        let text = r.string()?;
        if r.pos != body.len() {
            return None;
        }
        let mut h = Sha256::new();
        feed_str(&mut h, &name);
        feed_str(&mut h, &text);
        if <[u8; 32]>::from(h.finalize()) != *id {
            return None;
        }
        let src = Arc::new(Source {
            name: name.into(),
            text: text.into(),
        });
        self.sources.lock().ok()?.insert(*id, src.clone());
        Some(src)
    }
}

/// Lower-case hexadecimal.
pub fn hex(d: &[u8]) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}

fn feed_str(h: &mut Sha256, s: &str) {
    h.update((s.len() as u64).to_le_bytes());
    h.update(s.as_bytes());
}

/// A fast checksum against corrupted entries (not a security measure: entries are
/// found by their SHA-256 key, and the key is stored inside and compared).
fn checksum(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ data.len() as u64;
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let mut b = [0u8; 8];
        b.copy_from_slice(c);
        h = (h ^ u64::from_le_bytes(b)).wrapping_mul(0x0000_0100_0000_01b3);
        h ^= h >> 29;
    }
    for &b in chunks.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^ (h >> 32)
}

thread_local! {
    /// The last capabilities hashed on this thread and their digest: every render of a
    /// cluster has the same ones, and they are the largest part of the options.
    static LAST_CAPS: RefCell<Option<(Capabilities, Digest)>> = const { RefCell::new(None) };
}

fn capabilities_digest(caps: &Capabilities) -> Digest {
    if let Some(d) = LAST_CAPS.with(|l| {
        l.borrow()
            .as_ref()
            .and_then(|(c, d)| (c == caps).then_some(*d))
    }) {
        return d;
    }
    let Capabilities {
        kube_version,
        api_versions,
        helm_version,
    } = caps;
    let kiln_helm::caps::KubeVersion {
        version,
        normalized,
        major,
        minor,
    } = kube_version;
    let kiln_helm::caps::HelmVersion {
        version: helm,
        git_commit,
        git_tree_state,
        go_version,
        kube_client_version,
    } = helm_version;
    let mut h = Sha256::new();
    for s in [
        version,
        normalized,
        major,
        minor,
        helm,
        git_commit,
        git_tree_state,
        go_version,
        kube_client_version,
    ] {
        feed_str(&mut h, s);
    }
    h.update((api_versions.0.len() as u64).to_le_bytes());
    for a in &api_versions.0 {
        feed_str(&mut h, a);
    }
    let d: Digest = h.finalize().into();
    LAST_CAPS.with(|l| *l.borrow_mut() = Some((caps.clone(), d)));
    d
}

/// The digest of everything in `opts` (every field named: adding one to the options
/// without adding it here does not compile).
fn options_digest(opts: &TemplateOptions) -> Digest {
    let TemplateOptions {
        render,
        include_crds,
        source_maps,
    } = opts;
    let RenderOptions {
        release_name,
        namespace,
        revision,
        is_install,
        is_upgrade,
        capabilities,
        skip_schema_validation,
    } = render;
    let mut h = Sha256::new();
    feed_str(&mut h, release_name);
    feed_str(&mut h, namespace);
    h.update(revision.to_le_bytes());
    h.update([
        u8::from(*is_install),
        u8::from(*is_upgrade),
        u8::from(*skip_schema_validation),
        u8::from(*include_crds),
        u8::from(*source_maps),
    ]);
    h.update(capabilities_digest(capabilities));
    h.finalize().into()
}

/// A [`ChartTree`] that hashes every answer of the tree it wraps, in order: the
/// transcript of a chart load. The loader is deterministic, so two loads with the same
/// transcript load the same chart.
pub struct HashingChartTree<'a> {
    inner: &'a dyn ChartTree,
    hash: RefCell<Sha256>,
}

impl<'a> HashingChartTree<'a> {
    /// Wraps `inner`.
    pub fn new(inner: &'a dyn ChartTree) -> HashingChartTree<'a> {
        let mut h = Sha256::new();
        h.update(b"chart\0");
        HashingChartTree {
            inner,
            hash: RefCell::new(h),
        }
    }

    /// The digest of everything read so far.
    pub fn digest(self) -> Digest {
        self.hash.into_inner().finalize().into()
    }
}

impl ChartTree for HashingChartTree<'_> {
    fn entries(&self, dir: &str) -> Result<Vec<ChartEntry>, String> {
        let r = self.inner.entries(dir);
        let mut h = self.hash.borrow_mut();
        h.update(b"E");
        feed_str(&mut h, dir);
        match &r {
            Ok(list) => {
                h.update((list.len() as u64).to_le_bytes());
                for e in list {
                    feed_str(&mut h, &e.name);
                    match e.kind {
                        ChartEntryKind::File { size } => {
                            h.update(b"f");
                            h.update(size.to_le_bytes());
                        }
                        ChartEntryKind::Dir => h.update(b"d"),
                        ChartEntryKind::Irregular => h.update(b"i"),
                    }
                }
            }
            Err(e) => {
                h.update(b"!");
                feed_str(&mut h, e);
            }
        }
        r
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        let r = self.inner.read(path);
        let mut h = self.hash.borrow_mut();
        h.update(b"R");
        feed_str(&mut h, path);
        match &r {
            Ok(data) => {
                h.update((data.len() as u64).to_le_bytes());
                h.update(data);
            }
            Err(e) => {
                h.update(b"!");
                feed_str(&mut h, e);
            }
        }
        r
    }

    fn display(&self, path: &str) -> String {
        self.inner.display(path)
    }
}

// ---------------------------------------------------------------------------------------
// Encoding

/// Named Go types that can appear in stored values (a `&'static str` must be found
/// again when decoding).
const NAMED_TYPES: &[&str] = &[
    kiln_helm::values::VALUES_TYPE,
    "common.VersionSet",
    "engine.files",
];

fn named(name: &str) -> Option<&'static str> {
    NAMED_TYPES.iter().copied().find(|n| *n == name)
}

#[derive(Default)]
struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }

    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    fn bytes_raw(&mut self, b: &[u8]) {
        self.0.extend_from_slice(b);
    }

    fn bytes(&mut self, b: &[u8]) {
        self.u64(b.len() as u64);
        self.0.extend_from_slice(b);
    }

    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            None => self.u8(0),
            Some(s) => {
                self.u8(1);
                self.str(s);
            }
        }
    }

    fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }

    fn map(&mut self, m: &Map, ty: MapType, depth: usize) -> Option<()> {
        self.u8(10);
        match ty {
            MapType::Any => self.u8(0),
            MapType::String => self.u8(1),
            MapType::Named(n) => {
                named(n)?;
                self.u8(2);
                self.str(n);
            }
        }
        self.u64(m.len() as u64);
        for (k, v) in m {
            self.str(k);
            self.value(v, depth + 1)?;
        }
        Some(())
    }

    /// Encodes `v` with its Go types; `None` for what cannot be decoded again.
    fn value(&mut self, v: &Value, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match v {
            Value::Nil => self.u8(0),
            Value::Bool(b) => {
                self.u8(1);
                self.u8(u8::from(*b));
            }
            Value::Int(i, t) => {
                self.u8(2);
                self.u8(match t {
                    IntType::Int => 0,
                    IntType::Int64 => 1,
                    IntType::Int32 => 2,
                    IntType::Int16 => 3,
                    IntType::Int8 => 4,
                });
                self.u64(*i as u64);
            }
            Value::Uint(u, t) => {
                self.u8(3);
                self.u8(match t {
                    UintType::Uint => 0,
                    UintType::Uint64 => 1,
                    UintType::Uint32 => 2,
                    UintType::Uint16 => 3,
                    UintType::Uint8 => 4,
                });
                self.u64(*u);
            }
            Value::Float(f) => {
                self.u8(4);
                self.u64(f.to_bits());
            }
            Value::Complex(a, b) => {
                self.u8(5);
                self.u64(a.to_bits());
                self.u64(b.to_bits());
            }
            Value::String(s) => {
                self.u8(6);
                self.str(s);
            }
            Value::RawString(b) => {
                self.u8(7);
                self.bytes(b);
            }
            Value::Bytes(b) => {
                self.u8(8);
                self.bytes(b);
            }
            Value::List(items, t) => {
                self.u8(9);
                match t {
                    ListType::Any => self.u8(0),
                    ListType::String => self.u8(1),
                    ListType::Int => self.u8(2),
                    ListType::Int64 => self.u8(3),
                    ListType::Float64 => self.u8(4),
                    ListType::Named(n) => {
                        named(n)?;
                        self.u8(5);
                        self.str(n);
                    }
                }
                self.u64(items.len() as u64);
                for x in items.iter() {
                    self.value(x, depth + 1)?;
                }
            }
            Value::Map(m, t) => {
                let snap = m.snapshot();
                self.map(&snap, *t, depth)?;
            }
            Value::Object(_) => return None,
        }
        Some(())
    }
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.b.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }

    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn usize(&mut self) -> Option<usize> {
        usize::try_from(self.u64()?).ok()
    }

    /// A count of items that each take at least one byte (bounded by what is left).
    fn count(&mut self) -> Option<usize> {
        let n = self.usize()?;
        (n <= self.b.len() - self.pos).then_some(n)
    }

    fn bytes(&mut self) -> Option<&'a [u8]> {
        let n = self.usize()?;
        self.take(n)
    }

    fn opt_string(&mut self) -> Option<Option<String>> {
        match self.u8()? {
            0 => Some(None),
            1 => Some(Some(self.string()?)),
            _ => None,
        }
    }

    fn string(&mut self) -> Option<String> {
        String::from_utf8(self.bytes()?.to_vec()).ok()
    }

    fn str(&mut self) -> Option<kiln_gotmpl::Str> {
        std::str::from_utf8(self.bytes()?).ok().map(Into::into)
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        Some(match self.u8()? {
            0 => Value::Nil,
            1 => Value::Bool(self.u8()? != 0),
            2 => {
                let t = match self.u8()? {
                    0 => IntType::Int,
                    1 => IntType::Int64,
                    2 => IntType::Int32,
                    3 => IntType::Int16,
                    4 => IntType::Int8,
                    _ => return None,
                };
                Value::Int(self.u64()? as i64, t)
            }
            3 => {
                let t = match self.u8()? {
                    0 => UintType::Uint,
                    1 => UintType::Uint64,
                    2 => UintType::Uint32,
                    3 => UintType::Uint16,
                    4 => UintType::Uint8,
                    _ => return None,
                };
                Value::Uint(self.u64()?, t)
            }
            4 => Value::Float(f64::from_bits(self.u64()?)),
            5 => Value::Complex(f64::from_bits(self.u64()?), f64::from_bits(self.u64()?)),
            6 => Value::String(self.str()?),
            7 => Value::RawString(self.bytes()?.into()),
            8 => Value::Bytes(self.bytes()?.into()),
            9 => {
                let t = match self.u8()? {
                    0 => ListType::Any,
                    1 => ListType::String,
                    2 => ListType::Int,
                    3 => ListType::Int64,
                    4 => ListType::Float64,
                    5 => ListType::Named(named(std::str::from_utf8(self.bytes()?).ok()?)?),
                    _ => return None,
                };
                let n = self.count()?;
                let mut items = Vec::with_capacity(n);
                for _ in 0..n {
                    items.push(self.value(depth + 1)?);
                }
                Value::List(Arc::new(kiln_gotmpl::Items::from(items)), t)
            }
            10 => {
                let t = match self.u8()? {
                    0 => MapType::Any,
                    1 => MapType::String,
                    2 => MapType::Named(named(std::str::from_utf8(self.bytes()?).ok()?)?),
                    _ => return None,
                };
                let n = self.count()?;
                let mut m = Map::new();
                for _ in 0..n {
                    let k = self.str()?;
                    let v = self.value(depth + 1)?;
                    m.insert(k, v);
                }
                Value::Map(MapRef::new(m), t)
            }
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Value {
        let mut inner = Map::new();
        inner.insert("f".into(), Value::Float(1.5));
        inner.insert("i".into(), Value::Int(-3, IntType::Int64));
        inner.insert("u".into(), Value::Uint(7, UintType::Uint8));
        inner.insert("s".into(), Value::str("x"));
        inner.insert("raw".into(), Value::RawString(Arc::from(&b"\xff\x00"[..])));
        inner.insert(
            "l".into(),
            Value::List(
                Arc::new(kiln_gotmpl::Items::from(vec![
                    Value::Nil,
                    Value::Bool(true),
                    Value::str("a"),
                ])),
                ListType::String,
            ),
        );
        let mut m = Map::new();
        m.insert("inner".into(), Value::Map(MapRef::new(inner), MapType::Any));
        Value::Map(
            MapRef::new(m),
            MapType::Named(kiln_helm::values::VALUES_TYPE),
        )
    }

    fn encode(v: &Value) -> Vec<u8> {
        let mut w = Writer::default();
        w.value(v, 0).unwrap();
        w.0
    }

    #[test]
    fn values_round_trip_with_types() {
        let v = sample();
        let bytes = encode(&v);
        let back = Reader { b: &bytes, pos: 0 }.value(0).unwrap();
        assert_eq!(encode(&back), bytes);
        // Truncations and garbage never panic.
        for n in 0..bytes.len() {
            let _ = Reader {
                b: &bytes[..n],
                pos: 0,
            }
            .value(0);
        }
        let garbage: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        for start in 0..64 {
            let _ = Reader {
                b: &garbage[start..],
                pos: 0,
            }
            .value(0);
        }
    }

    #[test]
    fn type_changes_change_the_encoding() {
        let a = encode(&Value::Int(1, IntType::Int64));
        let b = encode(&Value::Float(1.0));
        let c = encode(&Value::str("1"));
        assert_ne!(a, b);
        assert_ne!(b, c);
    }

    #[test]
    fn entries_round_trip_and_corruption_is_a_miss() {
        let dir = std::env::temp_dir().join(format!("kiln-cache-unit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let cache = RenderCache::open(&dir);
        let key = [7u8; 32];
        let src = Arc::new(Source {
            name: "c/templates/a.yaml".into(),
            text: "a: {{ .Values.x }}\n".into(),
        });
        let map = SourceMap::from_entries(vec![
            (
                0,
                src.clone(),
                MapSpan::Text {
                    src_offset: 0,
                    len: 3,
                },
            ),
            (3, src, MapSpan::Action { src_offset: 3 }),
        ]);
        let out = TemplateOutput {
            crds: vec![("c/crds/x.yaml".into(), "kind: X\n".into())],
            manifests: vec![Manifest::new(
                "c/templates/a.yaml".into(),
                "a: 1".into(),
                0,
                Head {
                    is_object: true,
                    ..Head::default()
                },
            )],
            values: sample(),
            source_maps: [("c/templates/a.yaml".to_string(), Arc::new(map))]
                .into_iter()
                .collect(),
            ..Default::default()
        };
        assert!(cache.store(&key, &out, true));
        let back = cache.load(&key).expect("stored entry");
        assert_eq!(back.manifests, out.manifests);
        assert_eq!(back.crds, out.crds);
        let m = &back.source_maps["c/templates/a.yaml"];
        assert_eq!(
            m.locate(4).map(|(n, _)| n).as_deref(),
            Some("c/templates/a.yaml")
        );
        // Another key is a miss; a flipped byte or a truncated file is a miss.
        assert!(cache.load(&[8u8; 32]).is_none());
        let path = cache.entry_path(&key);
        let mut data = std::fs::read(&path).unwrap();
        data[20] ^= 1;
        std::fs::write(&path, &data).unwrap();
        assert!(cache.load(&key).is_none());
        std::fs::write(&path, &data[..data.len() / 2]).unwrap();
        assert!(cache.load(&key).is_none());
        std::fs::write(&path, b"").unwrap();
        assert!(cache.load(&key).is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
