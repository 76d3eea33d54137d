//! Per-layer results kept across runs (docs/cache.md). A layer's [`LayerSummary`] and what
//! it fed the [`FileSink`]s (package databases for the inventory) depend only on its
//! uncompressed content and on the options that shape the walk, so they are stored under
//! the layer's diff_id plus a digest of those options and replayed, through the same merge
//! path, in any image that contains the layer. Vulnerability matching is not cached: it runs
//! on the replayed inventory against the current advisory database.

use crate::blob::{Compression, LayerDigests};
use crate::layer::LayerSummary;
use crate::model::{Descriptor, Limits};
use crate::walker::{SharedSinks, WalkOptions};
use drydock_cache::{GetError, Store};
use drydock_core::{FileSink, Redaction};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// Bump when what a cached layer holds changes meaning without a drydock version change.
const SCHEMA: u32 = 1;
/// Sink input recorded per layer for the cache; a layer that feeds its sinks more is
/// walked again next time rather than stored.
const MAX_RECORDED_SINK_BYTES: usize = 256 << 20;

/// A store plus what the caller's sinks are, for [`crate::scan::ScanOptions::cache`].
#[derive(Clone)]
pub struct LayerCache {
    store: Arc<dyn Store>,
    /// Names the sinks the caller passes (`"inventory"`, `""` for none): a layer recorded
    /// with one set of sinks cannot be replayed into another.
    sinks_id: String,
}

impl std::fmt::Debug for LayerCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LayerCache")
            .field("store", &self.store.describe())
            .field("sinks_id", &self.sinks_id)
            .finish()
    }
}

impl LayerCache {
    pub fn new(store: Arc<dyn Store>, sinks_id: impl Into<String>) -> LayerCache {
        LayerCache {
            store,
            sinks_id: sinks_id.into(),
        }
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }
}

/// Hits and misses of one image scan.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CacheStats {
    /// Layers replayed from the cache.
    pub hits: usize,
    /// Layers walked (and stored).
    pub misses: usize,
}

/// One call to a sink, in the order the walker made it.
#[derive(Serialize, Deserialize)]
enum SinkEvent {
    /// `size` is what `wants` was asked with (the tar size; the data may be derived from
    /// the file, e.g. a Go binary's build info).
    File {
        path: String,
        size: u64,
        #[serde(with = "serde_bytes")]
        data: Vec<u8>,
    },
    Deleted {
        path: String,
    },
}

#[derive(Serialize, Deserialize)]
struct CachedLayer {
    summary: LayerSummary,
    sink_events: Vec<SinkEvent>,
}

/// The cache as one image scan uses it: key salt for these options, counters, notes.
pub(crate) struct ScanCache<'a> {
    cache: &'a LayerCache,
    salt: String,
    hits: AtomicUsize,
    misses: AtomicUsize,
    notes: Mutex<Vec<String>>,
}

impl<'a> ScanCache<'a> {
    /// `None` when results must not be stored: with `--show-secrets` a layer summary holds
    /// plain secrets, which must not outlive the run.
    pub(crate) fn new(
        cache: &'a LayerCache,
        walk: &WalkOptions,
        limits: &Limits,
        redaction: Redaction,
    ) -> Option<ScanCache<'a>> {
        if redaction == Redaction::Show {
            return None;
        }
        let mut h = Sha256::new();
        h.update(format!(
            "drydock-layer-cache/{SCHEMA}/{}\n",
            env!("CARGO_PKG_VERSION")
        ));
        h.update(engine_digest(walk));
        // Every walk option but the engine (hashed above) and every limit can change a
        // layer's summary (windowing, skipped files, anomalies).
        h.update(format!(
            "secrets={} buffer={} sink={} secret_scan={}\n{limits:?}\nsinks={}\n",
            walk.secrets,
            walk.max_file_buffer,
            walk.max_sink_file,
            walk.max_secret_scan_file,
            cache.sinks_id
        ));
        Some(ScanCache {
            cache,
            salt: hex::encode(&h.finalize()[..16]),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
            notes: Mutex::new(Vec::new()),
        })
    }

    fn key(&self, diff_id: &str) -> String {
        format!("{diff_id}/{}", self.salt)
    }

    fn note(&self, n: String) {
        if let Ok(mut v) = self.notes.lock() {
            if !v.contains(&n) {
                v.push(n);
            }
        }
    }

    /// The cached summary of `diff_id`, its sink calls replayed into `sinks` as layer
    /// `layer`; `None` (after a note for a damaged entry or a store error) to walk it.
    pub(crate) fn replay(
        &self,
        layer: usize,
        diff_id: &str,
        desc: &Descriptor,
        sinks: &SharedSinks<'_, '_>,
    ) -> Option<LayerSummary> {
        let key = self.key(diff_id);
        let payload = match self.cache.store.get(&key) {
            Ok(Some(p)) => p,
            Ok(None) => return None,
            Err(e @ GetError::Corrupt { .. }) => {
                self.note(format!("{e}; layer {diff_id} scanned again"));
                return None;
            }
            Err(GetError::Backend(e)) => {
                self.note(format!("layer cache unavailable ({e}); layers scanned"));
                return None;
            }
        };
        let cached: CachedLayer = match rmp_serde::from_slice(&payload) {
            Ok(c) => c,
            Err(e) => {
                // Checksum fine but unreadable: written by a different build of drydock.
                self.note(format!(
                    "cache entry for layer {diff_id} in {} is unreadable ({e}); layer scanned again",
                    self.cache.store.describe()
                ));
                return None;
            }
        };
        if let Ok(mut s) = sinks.lock() {
            for ev in &cached.sink_events {
                for s in s.iter_mut() {
                    match ev {
                        SinkEvent::File { path, size, data } => {
                            if s.wants(path, *size) {
                                s.file(layer, path, data);
                            }
                        }
                        SinkEvent::Deleted { path } => s.deleted(layer, path),
                    }
                }
            }
        }
        self.hits.fetch_add(1, Ordering::Relaxed);
        let mut summary = cached.summary;
        summary.digests = Some(digests_for(summary.digests.take(), diff_id, desc));
        Some(summary)
    }

    /// Walk through `walk`, recording what it feeds the sinks, and store the result.
    pub(crate) fn walk_and_store<E>(
        &self,
        diff_id: &str,
        sinks: &SharedSinks<'_, '_>,
        walk: impl FnOnce(&SharedSinks<'_, '_>) -> Result<LayerSummary, E>,
    ) -> Result<LayerSummary, E> {
        self.misses.fetch_add(1, Ordering::Relaxed);
        let mut tee = Tee {
            real: sinks,
            events: Vec::new(),
            bytes: 0,
            overflow: false,
            last_wants: Default::default(),
        };
        let summary = {
            let mut one: [&mut dyn FileSink; 1] = [&mut tee];
            let m = Mutex::new(&mut one[..]);
            walk(&m)?
        };
        if tee.overflow {
            return Ok(summary);
        }
        let cached = CachedLayer {
            summary,
            sink_events: tee.events,
        };
        match rmp_serde::to_vec(&cached) {
            Ok(p) => {
                if let Err(e) = self.cache.store.put(&self.key(diff_id), &p) {
                    self.note(format!("layer cache not written ({e})"));
                }
            }
            Err(e) => self.note(format!("layer {diff_id} not cached: {e}")),
        }
        Ok(cached.summary)
    }

    pub(crate) fn finish(self) -> (CacheStats, Vec<String>) {
        (
            CacheStats {
                hits: self.hits.into_inner(),
                misses: self.misses.into_inner(),
            },
            self.notes.into_inner().unwrap_or_default(),
        )
    }
}

/// The digests a replayed layer shows in this image: the uncompressed side is the
/// layer's; the blob (digest, stored size, compression) is this image's, which may be
/// compressed differently from the image the entry was recorded in.
fn digests_for(cached: Option<LayerDigests>, diff_id: &str, desc: &Descriptor) -> LayerDigests {
    let uncompressed_size = cached.as_ref().map_or(0, |d| d.uncompressed_size);
    let compression = match &cached {
        Some(d) if d.digest == desc.digest => d.compression,
        _ if desc.media_type.contains("zstd") => Compression::Zstd,
        _ if desc.media_type.contains("gzip") => Compression::Gzip,
        Some(d) if desc.media_type.is_empty() => d.compression,
        _ => Compression::None,
    };
    LayerDigests {
        digest: desc.digest.clone(),
        diff_id: diff_id.to_string(),
        compressed_size: desc.size,
        uncompressed_size,
        compression,
    }
}

/// Identity of the secret rules in force: the built-in set (hashed once) or the user's.
fn engine_digest(walk: &WalkOptions) -> [u8; 32] {
    fn digest(engine: &drydock_secrets::Engine) -> [u8; 32] {
        let mut h = Sha256::new();
        // RuleDef has no serialized form; its Debug output lists every field, stably.
        for d in engine.rule_defs() {
            h.update(format!("{d:?}\n"));
        }
        h.finalize().into()
    }
    match &walk.secret_engine {
        None => {
            static BUILTIN: OnceLock<[u8; 32]> = OnceLock::new();
            *BUILTIN.get_or_init(|| digest(drydock_secrets::Engine::builtin()))
        }
        Some(e) => digest(e),
    }
}

/// Forwards sink calls to the real sinks and records them for the cache.
struct Tee<'a, 'b, 'c> {
    real: &'a SharedSinks<'b, 'c>,
    events: Vec<SinkEvent>,
    bytes: usize,
    overflow: bool,
    /// The last `wants` question, so `file` can record the size it was asked with.
    last_wants: std::cell::RefCell<Option<(String, u64)>>,
}

impl FileSink for Tee<'_, '_, '_> {
    fn wants(&self, path: &str, size: u64) -> bool {
        let yes = self
            .real
            .lock()
            .map(|s| s.iter().any(|s| s.wants(path, size)))
            .unwrap_or(false);
        if yes {
            *self.last_wants.borrow_mut() = Some((path.to_string(), size));
        }
        yes
    }
    fn file(&mut self, layer: usize, path: &str, data: &[u8]) {
        let size = match &*self.last_wants.borrow() {
            Some((p, s)) if p == path => *s,
            _ => data.len() as u64,
        };
        if let Ok(mut s) = self.real.lock() {
            for s in s.iter_mut() {
                if s.wants(path, size) {
                    s.file(layer, path, data);
                }
            }
        }
        if self.overflow || self.bytes + data.len() > MAX_RECORDED_SINK_BYTES {
            self.overflow = true;
            self.events.clear();
            return;
        }
        self.bytes += data.len();
        self.events.push(SinkEvent::File {
            path: path.to_string(),
            size,
            data: data.to_vec(),
        });
    }
    fn deleted(&mut self, layer: usize, path: &str) {
        if let Ok(mut s) = self.real.lock() {
            for s in s.iter_mut() {
                s.deleted(layer, path);
            }
        }
        if !self.overflow {
            self.events.push(SinkEvent::Deleted {
                path: path.to_string(),
            });
        }
    }
}
