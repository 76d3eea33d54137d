//! The image scan: walk every layer (in parallel, bounded), merge the layered filesystem,
//! run the image rules, and summarise the image.

use crate::analyze::system::{parse_os_release, parse_release_file, OsInfo};
use crate::blob::{LayerDigests, LayerLimits, LayerReader};
pub use crate::context::ImageContext;
pub use crate::layer::{ChangedFile, LayerChanges, LayerInfo};
use crate::layerfs::{merge, MergedFs};
use crate::model::{ImageError, Limits, ResolvedImage};
use crate::walker::{walk_layer, LayerSummary, SharedSinks, WalkOptions};
use drydock_core::eol::Date;
use drydock_core::{FileSink, Finding, Redaction};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Clone, Debug, Default)]
pub struct ScanOptions {
    /// Layers walked at once (0 = number of CPUs). Memory grows with it.
    pub jobs: usize,
    pub walk: WalkOptions,
    pub limits: Limits,
    /// Date EOL is judged against (default: today).
    pub scan_date: Option<Date>,
    /// Put the image's platform on every finding (`--platform all`).
    pub tag_platform: bool,
    /// Secret evidence in findings: redacted (default) or shown whole (`--show-secrets`).
    /// Applies to file contents, config values and history alike.
    pub redaction: Redaction,
    /// Rule selection: rules it disables do not run.
    pub policy: drydock_core::Policy,
    /// Per-layer results kept across runs (`None`: every layer is walked). Not used with
    /// `Redaction::Show`.
    pub cache: Option<crate::cache::LayerCache>,
    /// Layer start/bytes/finish events (nothing by default).
    pub progress: drydock_core::Observer,
}

/// Per-layer changes from the walked layers and the merged view. Memory: one set of the
/// paths seen so far (the merge already holds as much).
fn layer_changes(summaries: &[LayerSummary], fs: &MergedFs) -> Vec<LayerChanges> {
    use crate::layer::EntryKind;
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut out = Vec::with_capacity(summaries.len());
    for (i, s) in summaries.iter().enumerate() {
        let mut c = LayerChanges {
            deleted: s.whiteouts.len() + s.opaque_dirs.len(),
            ..LayerChanges::default()
        };
        let mut files: Vec<ChangedFile> = Vec::new();
        // A whiteout of a directory and an opaque directory hide everything below them.
        if !s.whiteouts.is_empty() || !s.opaque_dirs.is_empty() {
            let gone: Vec<&str> = s.whiteouts.iter().map(String::as_str).collect();
            let opaque: Vec<&str> = s.opaque_dirs.iter().map(String::as_str).collect();
            let below = |p: &str, d: &str| {
                d.is_empty() || p.strip_prefix(d).is_some_and(|r| r.starts_with('/'))
            };
            seen.retain(|p| {
                !gone.iter().any(|d| *p == *d || below(p, d)) && !opaque.iter().any(|d| below(p, d))
            });
        }
        for w in &s.whiteouts {
            files.push(ChangedFile {
                path: w.clone(),
                size: 0,
                change: "deleted",
            });
        }
        for e in &s.entries {
            let change = if seen.insert(e.path.as_str()) {
                c.added += 1;
                "added"
            } else {
                c.changed += 1;
                "changed"
            };
            if e.kind == EntryKind::File {
                if fs.removed.contains_key(&(i, e.path.clone())) {
                    c.wasted_bytes += e.size;
                }
                files.push(ChangedFile {
                    path: e.path.clone(),
                    size: e.size,
                    change,
                });
            }
        }
        // Biggest first; deletions (size 0) fill the list only after every file.
        files.sort_by(|a, b| b.size.cmp(&a.size).then(a.path.cmp(&b.path)));
        files.truncate(LayerChanges::BIGGEST);
        c.biggest = files;
        out.push(c);
    }
    out
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ImageSummary {
    pub name: String,
    pub platform: Option<String>,
    pub os: Option<OsInfo>,
    /// Sum of the layers' uncompressed sizes.
    pub total_size: u64,
    pub compressed_size: u64,
    pub layers: Vec<LayerInfo>,
    /// Config `User` ("" = root by default).
    pub user: String,
    pub waste_bytes: u64,
    /// 1 − waste / bytes of all files in all layers (see docs/image.md).
    pub efficiency: f64,
    pub files: usize,
}

#[derive(Clone, Debug)]
pub struct ImageScan {
    pub findings: Vec<Finding>,
    pub summary: ImageSummary,
    /// Warnings that are not findings, one line each (e.g. an rpm Berkeley DB that is not
    /// read, so rpm-owned files are not recognised as vendor content).
    pub notes: Vec<String>,
    /// Rules whose check panicked (their findings are missing; the others' are kept).
    pub rule_failures: Vec<drydock_core::rule::RuleFailure>,
    /// Layers reused from and added to the layer cache (`None`: no cache in use).
    pub cache: Option<crate::cache::CacheStats>,
}

/// Scan one image: every layer, the merged filesystem and the config.
pub fn scan(
    image: &ResolvedImage,
    opts: &ScanOptions,
    sinks: &mut [&mut dyn FileSink],
) -> Result<ImageScan, ImageError> {
    let n = image.layers.len();
    let limits = LayerLimits::new(&opts.limits);
    let jobs = if opts.jobs == 0 {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    } else {
        opts.jobs
    }
    .clamp(1, n.max(1));
    let shared: SharedSinks<'_, '_> = Mutex::new(sinks);
    // Largest layers first (longest-processing-time-first): each worker takes the next
    // layer of this order as soon as it is free, so the biggest walk starts at once and the
    // small ones fill the other core. Each walk itself uses two threads (decode | walk).
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(image.layers[i].size));
    let cache = opts
        .cache
        .as_ref()
        .and_then(|c| crate::cache::ScanCache::new(c, &opts.walk, &opts.limits, opts.redaction));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, Result<LayerSummary, ImageError>)>> = Mutex::new(Vec::new());
    let spawned = std::thread::scope(|scope| -> std::io::Result<()> {
        for w in 0..jobs {
            std::thread::Builder::new()
                .name(format!("drydock-layer-{w}"))
                .spawn_scoped(scope, || loop {
                    let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(&i) = order.get(k) else { break };
                    let diff_id = &image.config.rootfs.diff_ids[i];
                    let desc = &image.layers[i];
                    // A cached layer is replayed without opening its blob (a registry
                    // image whose layers are all cached downloads manifest and config only).
                    if let Some(s) = cache
                        .as_ref()
                        .and_then(|c| c.replay(i, diff_id, desc, &shared))
                    {
                        opts.progress.note(
                            &image.name,
                            &format!("layer {}/{n} from the layer cache", i + 1),
                        );
                        if let Ok(mut v) = results.lock() {
                            v.push((i, Ok(s)));
                        }
                        continue;
                    }
                    opts.progress
                        .layer_started(&image.name, i, n, Some(desc.size));
                    let count = |r| -> Box<dyn std::io::Read + Send> {
                        Box::new(opts.progress.count_layer(r, &image.name, i))
                    };
                    let walk = |sinks: &SharedSinks<'_, '_>| {
                        LayerReader::open_observed(
                            image.store.as_ref(),
                            desc,
                            diff_id,
                            &limits,
                            count,
                        )
                        .and_then(|reader| walk_layer(i, reader, &opts.walk, opts.redaction, sinks))
                    };
                    let r = match &cache {
                        Some(c) => c.walk_and_store(diff_id, &shared, walk),
                        None => walk(&shared),
                    }
                    .map_err(|e| match e {
                        // A broken tar or deflate stream is usually a corrupt blob: say so.
                        ImageError::Format { ref input, .. }
                        | ImageError::Truncated {
                            blob: ref input, ..
                        }
                        | ImageError::Io { ref input, .. } => {
                            crate::blob::corrupt_blob(image.store.as_ref(), desc, diff_id, input)
                                .unwrap_or(e)
                        }
                        e => e,
                    });
                    opts.progress.layer_finished(&image.name, i);
                    if let Ok(mut v) = results.lock() {
                        v.push((i, r));
                    }
                })?;
        }
        Ok(())
    });
    spawned.map_err(|e| ImageError::Transport {
        input: image.name.clone(),
        message: format!("cannot start worker threads: {e}"),
    })?;
    let results = results.into_inner().unwrap_or_default();
    if results.len() != n {
        return Err(ImageError::Format {
            input: image.name.clone(),
            message: "a layer walker panicked".into(),
        });
    }
    let mut slots: Vec<Option<LayerSummary>> = (0..n).map(|_| None).collect();
    let mut first_err: Option<(usize, ImageError)> = None;
    for (i, r) in results {
        match r {
            Ok(s) => slots[i] = Some(s),
            Err(e) => {
                if first_err.as_ref().is_none_or(|(j, _)| i < *j) {
                    first_err = Some((i, e));
                }
            }
        }
    }
    if let Some((_, e)) = first_err {
        return Err(e);
    }
    let summaries: Vec<LayerSummary> = slots.into_iter().map(|s| s.unwrap_or_default()).collect();
    let mut out = finish_scan(image, summaries, opts);
    if let Some(c) = cache {
        let (stats, notes) = c.finish();
        out.notes.extend(notes);
        out.cache = Some(stats);
    }
    Ok(out)
}

/// Merge walked layers and run the rules (shared by [`scan`] and the stream scan).
pub fn finish_scan(
    image: &ResolvedImage,
    summaries: Vec<LayerSummary>,
    opts: &ScanOptions,
) -> ImageScan {
    let history = image.config.layer_history();
    let infos: Vec<LayerInfo> = summaries
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let d = s.digests.clone().unwrap_or(LayerDigests {
                digest: image.layers[i].digest.clone(),
                diff_id: image.config.rootfs.diff_ids[i].clone(),
                compressed_size: image.layers[i].size,
                uncompressed_size: 0,
                compression: crate::blob::Compression::None,
            });
            let hi = history.get(i).copied().flatten();
            LayerInfo {
                index: i,
                digest: image.layers[i].digest.clone(),
                diff_id: d.diff_id,
                size: d.compressed_size,
                uncompressed_size: d.uncompressed_size,
                compression: d.compression.as_str().to_string(),
                created_by: hi
                    .and_then(|h| image.config.history[h].created_by.as_deref())
                    .map(|c| {
                        crate::rules::im007_history_secret::redact_created_by(
                            opts.walk.engine(),
                            c.trim(),
                            opts.redaction,
                        )
                    }),
                history_index: hi,
                empty: s.entries.is_empty() && s.whiteouts.is_empty() && s.opaque_dirs.is_empty(),
                changes: LayerChanges::default(),
            }
        })
        .collect();
    let refs: Vec<&LayerSummary> = summaries.iter().collect();
    let fs = merge(&refs);
    let mut infos = infos;
    for (info, c) in infos.iter_mut().zip(layer_changes(&summaries, &fs)) {
        info.changes = c;
    }
    let mut owners: HashMap<String, String> = HashMap::new();
    for s in &summaries {
        owners.extend(s.owners.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    let scan_date = opts.scan_date.unwrap_or_else(Date::today);
    let mut cx = ImageContext {
        image,
        layers: &summaries,
        infos: &infos,
        fs: &fs,
        owners: &owners,
        os: None,
        scan_date,
        secrets: opts.walk.secrets,
        redaction: opts.redaction,
        engine: opts.walk.engine(),
    };
    let os = detect_os(&cx);
    cx.os = os.as_ref();
    let mut findings = Vec::new();
    let rule_failures = crate::rules::run_all(&cx, &opts.policy, &mut findings);
    if opts.tag_platform {
        if let Some(p) = &image.platform {
            for f in &mut findings {
                *f = f.clone().with_platform(p.to_string());
            }
        }
    }
    drydock_core::finding::sort_findings(&mut findings);
    let summary = ImageSummary {
        name: image.name.clone(),
        platform: image.platform.as_ref().map(|p| p.to_string()),
        os: os.clone(),
        total_size: infos.iter().map(|i| i.uncompressed_size).sum(),
        compressed_size: infos.iter().map(|i| i.size).sum(),
        layers: infos.clone(),
        user: image.config.config.user.clone(),
        waste_bytes: fs.waste_bytes,
        efficiency: fs.efficiency(),
        files: fs.final_fs.len(),
    };
    let mut notes: Vec<String> = Vec::new();
    for (i, s) in summaries.iter().enumerate() {
        for n in &s.notes {
            let n = format!("layer {i}: {n}");
            if !notes.contains(&n) {
                notes.push(n);
            }
        }
    }
    ImageScan {
        findings,
        summary,
        notes,
        rule_failures,
        cache: None,
    }
}

fn detect_os(cx: &ImageContext<'_>) -> Option<OsInfo> {
    for p in ["etc/os-release", "usr/lib/os-release"] {
        if let Some((real, data)) = cx.final_special(p) {
            if let Some(o) = parse_os_release(data, real) {
                return Some(o);
            }
        }
    }
    for p in [
        "etc/alpine-release",
        "etc/debian_version",
        "etc/redhat-release",
        "etc/centos-release",
    ] {
        if let Some((real, data)) = cx.final_special(p) {
            if let Some(o) = parse_release_file(real, data) {
                return Some(o);
            }
        }
    }
    None
}

/// Records what the walker hands to sinks while a layer's index is still unknown (stream
/// order), to replay it once `manifest.json` has been read.
struct Recorder<'a, 'b, 'c> {
    real: &'a SharedSinks<'b, 'c>,
    files: Vec<(String, Vec<u8>)>,
    deleted: Vec<String>,
    bytes: usize,
    budget: usize,
    overflow: Option<String>,
}

impl FileSink for Recorder<'_, '_, '_> {
    fn wants(&self, path: &str, size: u64) -> bool {
        self.real
            .lock()
            .map(|s| s.iter().any(|s| s.wants(path, size)))
            .unwrap_or(false)
    }
    fn file(&mut self, _layer: usize, path: &str, data: &[u8]) {
        if self.bytes + data.len() > self.budget {
            self.overflow.get_or_insert_with(|| path.to_string());
            return;
        }
        self.bytes += data.len();
        self.files.push((path.to_string(), data.to_vec()));
    }
    fn deleted(&mut self, _layer: usize, path: &str) {
        self.deleted.push(path.to_string());
    }
}

/// Bytes of sink input buffered per stream scan (package databases are small).
const STREAM_SINK_BUDGET: usize = 256 << 20;

/// A store for images whose stream has been consumed: every layer is already walked.
struct ConsumedStream(String);

impl crate::model::BlobStore for ConsumedStream {
    fn describe(&self) -> String {
        self.0.clone()
    }
    fn open_blob(
        &self,
        desc: &crate::model::Descriptor,
    ) -> Result<Box<dyn std::io::Read + Send>, ImageError> {
        Err(ImageError::Unsupported {
            input: self.0.clone(),
            message: format!(
                "blob {} cannot be re-read from a consumed stream",
                desc.digest
            ),
        })
    }
}

/// Chunks of one tar member, handed from the reading thread to the walking thread.
struct ChannelReader {
    rx: std::sync::mpsc::Receiver<Vec<u8>>,
    cur: Vec<u8>,
    pos: usize,
}

impl std::io::Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.pos >= self.cur.len() {
            match self.rx.recv() {
                Ok(c) => {
                    self.cur = c;
                    self.pos = 0;
                }
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.cur.len() - self.pos);
        buf[..n].copy_from_slice(&self.cur[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

struct WalkedMember {
    summary: LayerSummary,
    files: Vec<(String, Vec<u8>)>,
    deleted: Vec<String>,
}

/// Scan a `docker save` / Engine API `GET /images/{name}/get` stream in ONE pass, without
/// seeking and without writing to disk. Layers are walked as they arrive (the reading
/// thread feeds a walking thread through a bounded channel); JSON members (manifest.json,
/// configs) are buffered. Since `manifest.json` usually comes last, layer summaries are
/// keyed by member name and matched to layer indexes at the end; each layer's uncompressed
/// digest is then checked against the config's `rootfs.diff_ids`. Files wanted by `sinks`
/// are buffered (at most 256 MiB in total) and replayed in layer order.
/// `select`: a RepoTag or `@N` (none: every image of the archive).
pub fn scan_docker_archive_stream(
    reader: impl std::io::Read,
    name: &str,
    select: Option<&str>,
    opts: &ScanOptions,
    sinks: &mut [&mut dyn FileSink],
) -> Result<Vec<ImageScan>, ImageError> {
    use crate::archive::{normalize_member, parse_archive_manifest, select_entries};
    use std::io::Read;
    let label = name.to_string();
    let limits = LayerLimits::new(&opts.limits);
    let shared: SharedSinks<'_, '_> = Mutex::new(sinks);
    let mut docs: HashMap<String, Vec<u8>> = HashMap::new();
    let mut walked: HashMap<String, WalkedMember> = HashMap::new();
    let mut links: HashMap<String, String> = HashMap::new();
    let mut ar = tar::Archive::new(reader);
    let entries = ar
        .entries()
        .map_err(|e| crate::blob::map_read_error(&label, e))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| crate::blob::map_read_error(&label, e))?;
        let member = normalize_member(&String::from_utf8_lossy(&entry.path_bytes()));
        let et = entry.header().entry_type();
        if et == tar::EntryType::Symlink || et == tar::EntryType::Link {
            if let Ok(Some(t)) = entry.link_name() {
                let t = t.to_string_lossy().into_owned();
                let target = if et == tar::EntryType::Symlink && !t.starts_with('/') {
                    let base = member.rsplit_once('/').map_or("", |(d, _)| d);
                    normalize_member(&format!("{base}/{t}"))
                } else {
                    normalize_member(&t)
                };
                links.insert(member, target);
            }
            continue;
        }
        if !matches!(et, tar::EntryType::Regular | tar::EntryType::Continuous) {
            continue;
        }
        let size = entry.size();
        let mut head = Vec::with_capacity(512);
        (&mut entry)
            .take(512)
            .read_to_end(&mut head)
            .map_err(|e| crate::blob::map_read_error(&label, e))?;
        let is_doc = head.first().is_some_and(|b| *b == b'{' || *b == b'[')
            && size <= opts.limits.max_document_bytes;
        let is_layer_name = member.ends_with(".tar") || member.starts_with("blobs/");
        if is_doc || !is_layer_name {
            if is_doc {
                let mut data = head;
                entry
                    .read_to_end(&mut data)
                    .map_err(|e| crate::blob::map_read_error(&label, e))?;
                docs.insert(member, data);
            }
            continue;
        }
        // A layer: walk it on another thread while this one keeps reading the stream.
        let blob = format!("{label}:{member}");
        let result = std::thread::scope(|scope| -> Result<WalkedMember, ImageError> {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(16);
            let walk_opts = &opts.walk;
            let redaction = opts.redaction;
            let limits = &limits;
            let shared = &shared;
            let blob2 = blob.clone();
            let worker = scope.spawn(move || -> Result<WalkedMember, ImageError> {
                let reader = ChannelReader {
                    rx,
                    cur: Vec::new(),
                    pos: 0,
                };
                let desc = crate::model::Descriptor::default();
                let lr = LayerReader::from_reader(Box::new(reader), blob2, &desc, "", limits)?;
                let mut rec = Recorder {
                    real: shared,
                    files: Vec::new(),
                    deleted: Vec::new(),
                    bytes: 0,
                    budget: STREAM_SINK_BUDGET,
                    overflow: None,
                };
                let summary = {
                    let mut one: [&mut dyn FileSink; 1] = [&mut rec];
                    let m = Mutex::new(&mut one[..]);
                    walk_layer(usize::MAX, lr, walk_opts, redaction, &m)?
                };
                if let Some(p) = rec.overflow {
                    return Err(ImageError::Limit {
                        blob: label_of(&summary, &p),
                        message: "more than 256 MiB of package data buffered from a stream; scan a docker-archive file instead".into(),
                    });
                }
                Ok(WalkedMember {
                    summary,
                    files: rec.files,
                    deleted: rec.deleted,
                })
            });
            let mut ok = tx.send(head).is_ok();
            let mut read_err = None;
            while ok {
                let mut chunk = vec![0u8; 256 << 10];
                match entry.read(&mut chunk) {
                    Ok(0) => break,
                    Ok(n) => {
                        chunk.truncate(n);
                        ok = tx.send(chunk).is_ok();
                    }
                    Err(e) => {
                        read_err = Some(e);
                        break;
                    }
                }
            }
            drop(tx);
            let r = worker.join().map_err(|_| ImageError::Format {
                input: blob.clone(),
                message: "layer walker panicked".into(),
            })?;
            if let Some(e) = read_err {
                return Err(crate::blob::map_read_error(&blob, e));
            }
            r
        })?;
        walked.insert(member, result);
    }
    // Everything is read; now the images.
    let manifest = docs
        .get("manifest.json")
        .ok_or_else(|| ImageError::NotFound {
            input: label.clone(),
            what: "manifest.json in the stream".into(),
        })?;
    let entries = parse_archive_manifest(manifest, &label)?;
    let chosen = select_entries(&entries, select, &label)?;
    let multi = entries.len() > 1;
    let resolve_link = |m: &str| -> String {
        let mut cur = normalize_member(m);
        for _ in 0..16 {
            match links.get(&cur) {
                Some(t) => cur = t.clone(),
                None => break,
            }
        }
        cur
    };
    let mut out = Vec::new();
    for (n, e) in chosen {
        let img_name = crate::archive::entry_name(e, n, multi, &label);
        let cfg_member = resolve_link(&e.config);
        let config_raw = docs
            .get(&cfg_member)
            .cloned()
            .ok_or_else(|| ImageError::NotFound {
                input: label.clone(),
                what: format!("config `{}` of image `{img_name}`", e.config),
            })?;
        if let Some(d) = crate::archive::digest_from_member(&cfg_member) {
            let actual = crate::blob::sha256_digest(&config_raw);
            if actual != d {
                return Err(ImageError::DigestMismatch {
                    blob: format!("{label}:{cfg_member}"),
                    expected: d,
                    actual,
                });
            }
        }
        let config =
            crate::manifest::ImageConfig::parse(&config_raw, &format!("{label}:{cfg_member}"))?;
        if config.rootfs.diff_ids.len() != e.layers.len() {
            return Err(ImageError::format(
                format!("{label}:manifest.json"),
                format!(
                    "image `{img_name}` lists {} layers but its config has {} diff_ids",
                    e.layers.len(),
                    config.rootfs.diff_ids.len()
                ),
            ));
        }
        let mut summaries = Vec::new();
        let mut layers = Vec::new();
        for (i, (l, diff_id)) in e.layers.iter().zip(&config.rootfs.diff_ids).enumerate() {
            let m = resolve_link(l);
            let w = walked.get(&m).ok_or_else(|| ImageError::NotFound {
                input: label.clone(),
                what: format!("layer `{l}` of image `{img_name}`"),
            })?;
            let d = w.summary.digests.clone().unwrap_or(LayerDigests {
                digest: String::new(),
                diff_id: String::new(),
                compressed_size: 0,
                uncompressed_size: 0,
                compression: crate::blob::Compression::None,
            });
            if &d.diff_id != diff_id {
                return Err(ImageError::DigestMismatch {
                    blob: format!("{label}:{m} (uncompressed, rootfs.diff_ids[{i}])"),
                    expected: diff_id.clone(),
                    actual: d.diff_id,
                });
            }
            if let Ok(mut s) = shared.lock() {
                for p in &w.deleted {
                    for s in s.iter_mut() {
                        s.deleted(i, p);
                    }
                }
                for (p, data) in &w.files {
                    for s in s.iter_mut() {
                        if s.wants(p, data.len() as u64) {
                            s.file(i, p, data);
                        }
                    }
                }
            }
            layers.push(crate::model::Descriptor {
                media_type: crate::archive::DOCKER_LAYER_TAR.into(),
                digest: if m.starts_with("blobs/") {
                    d.digest.clone()
                } else {
                    diff_id.clone()
                },
                size: d.compressed_size,
                platform: None,
                annotations: Default::default(),
            });
            summaries.push(w.summary.clone());
        }
        let image = ResolvedImage {
            name: img_name,
            platform: config.platform(),
            manifest_digest: None,
            config_raw,
            config,
            layers,
            annotations: Default::default(),
            store: std::sync::Arc::new(ConsumedStream(label.clone())),
            skipped_platforms: Vec::new(),
        };
        out.push(finish_scan(&image, summaries, opts));
    }
    Ok(out)
}

fn label_of(_s: &LayerSummary, path: &str) -> String {
    format!("stream file /{path}")
}
