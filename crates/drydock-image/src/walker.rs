//! Streams each layer's tar entries (never unpacking, never writing to disk) and computes a
//! [`LayerSummary`] that depends only on the layer's content, so it could be cached by
//! diff_id. Layers are walked in parallel (at most `jobs` in flight); every regular file is
//! read once and fed to the content analyzers (secrets, sensitive files, OS/user databases,
//! package ownership) and to the caller's [`FileSink`]s.

use crate::analyze::content;
use crate::blob::{map_read_error, LayerReader};
pub use crate::layer::{Anomaly, EntryKind, FileEntry, LayerSummary, SecretHit};
use crate::model::ImageError;
use drydock_core::{FileSink, Redaction, Severity};
use std::collections::HashSet;
use std::io::Read;
use std::sync::Mutex;

#[derive(Clone, Debug)]
pub struct WalkOptions {
    /// Scan file contents for secrets.
    pub secrets: bool,
    /// Bytes of one file held in memory at once; larger text files are scanned in windows.
    pub max_file_buffer: usize,
    /// Largest file handed to a [`FileSink`] (bigger ones are skipped, with an anomaly).
    pub max_sink_file: u64,
    /// Files larger than this are not secret-scanned at all (media, archives, databases).
    pub max_secret_scan_file: u64,
    /// The user's secret engine (drydock.toml rules); `None` = the built-in rules.
    pub secret_engine: Option<std::sync::Arc<drydock_secrets::Engine>>,
}

impl WalkOptions {
    pub fn engine(&self) -> &drydock_secrets::Engine {
        self.secret_engine
            .as_deref()
            .unwrap_or_else(|| drydock_secrets::Engine::builtin())
    }
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            secrets: true,
            max_file_buffer: 4 << 20,
            max_sink_file: 64 << 20,
            max_secret_scan_file: 256 << 20,
            secret_engine: None,
        }
    }
}

/// Sinks shared between the parallel layer walks.
pub type SharedSinks<'a, 'b> = Mutex<&'a mut [&'b mut dyn FileSink]>;

/// Normalise an entry name. Returns the clean path and whether it tried to escape
/// (`..` components) or was absolute.
pub fn normalize_entry_path(raw: &str) -> (String, bool, bool) {
    let absolute = raw.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    let mut escapes = false;
    for p in raw.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                escapes = true;
                parts.pop();
            }
            x => parts.push(x),
        }
    }
    (parts.join("/"), escapes, absolute)
}

/// Windowed overlap so a secret straddling two windows is still seen whole.
const WINDOW_OVERLAP: usize = 4096;

fn is_binary(head: &[u8]) -> bool {
    head[..head.len().min(8192)].contains(&0)
}

/// Longest entry name tracked (Linux `PATH_MAX`): no extractor can create a longer path.
pub const MAX_PATH_BYTES: usize = 4096;
/// Entries tracked per layer. Real layers hold up to a few hundred thousand files; each
/// tracked entry costs memory for the whole scan (~300 bytes through the merge and the
/// rules), so beyond this the rest are only scanned for secrets.
pub const MAX_ENTRIES_PER_LAYER: usize = 500_000;
/// Anomalies listed per layer; the rest are counted in one summary anomaly.
pub const MAX_ANOMALIES_PER_LAYER: usize = 1000;

/// Per-walk bookkeeping kept compact: a hostile layer may hold millions of entries.
#[derive(Default)]
struct WalkState {
    /// 64-bit hashes of the paths seen (for duplicates): 8 bytes per entry instead of a
    /// second copy of every path; a collision only costs a spurious Info anomaly.
    seen: HashSet<u64>,
    /// Anomalies not listed once the per-layer cap was reached.
    dropped_anomalies: usize,
    /// Entries not tracked once [`MAX_ENTRIES_PER_LAYER`] was reached.
    untracked: usize,
}

impl WalkState {
    fn anomaly(&mut self, sum: &mut LayerSummary, path: &str, message: String, severity: Severity) {
        if sum.anomalies.len() >= MAX_ANOMALIES_PER_LAYER {
            self.dropped_anomalies += 1;
            return;
        }
        sum.anomalies.push(Anomaly {
            path: shown_path(path),
            message,
            severity,
        });
    }

    fn first_seen(&mut self, path: &str) -> bool {
        use std::hash::{BuildHasher, BuildHasherDefault};
        let h = BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default()
            .hash_one(path);
        self.seen.insert(h)
    }
}

/// Does a hard-link target leave the layer root (`../../etc/passwd`)? `a/../b` does not.
fn climbs_out(link: &str) -> bool {
    let mut depth = 0usize;
    for p in link.split('/') {
        match p {
            "" | "." => {}
            ".." => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return true,
            },
            _ => depth += 1,
        }
    }
    false
}

/// A path as shown in findings: at most 256 bytes (hostile names run to megabytes).
fn shown_path(path: &str) -> String {
    const SHOWN: usize = 256;
    if path.len() <= SHOWN {
        return path.to_string();
    }
    let mut end = SHOWN;
    while !path.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes)", &path[..end], path.len())
}

/// Walk one layer. The reader's digests are verified after the last entry.
/// `redaction` decides how secret evidence is recorded (`ScanOptions::redaction`).
pub fn walk_layer(
    layer: usize,
    mut reader: LayerReader,
    opts: &WalkOptions,
    redaction: Redaction,
    sinks: &SharedSinks<'_, '_>,
) -> Result<LayerSummary, ImageError> {
    let blob = reader.blob.clone();
    let max_layer_bytes = reader.max_layer_bytes();
    let mut sum = LayerSummary::default();
    let mut st = WalkState::default();
    {
        let mut guard = crate::targuard::TarGuard::new(&mut reader);
        {
            let mut ar = tar::Archive::new(&mut guard);
            ar.set_ignore_zeros(false);
            let entries = ar.entries().map_err(|e| map_read_error(&blob, e))?;
            let mut buf: Vec<u8> = Vec::new();
            for entry in entries {
                let mut entry = entry.map_err(|e| entry_error(&blob, e))?;
                walk_entry(
                    layer,
                    &mut entry,
                    opts,
                    max_layer_bytes,
                    redaction,
                    sinks,
                    &mut sum,
                    &mut st,
                    &mut buf,
                )
                .map_err(|e| entry_error(&blob, e))?;
            }
        }
        for n in std::mem::take(&mut guard.notes) {
            st.anomaly(&mut sum, "(tar extended header)", n, Severity::Medium);
        }
    }
    if st.untracked > 0 {
        sum.anomalies.push(Anomaly {
            path: String::new(),
            message: format!(
                "layer has more than {MAX_ENTRIES_PER_LAYER} entries: {} more were scanned for secrets but not tracked (file rules and the merged filesystem do not see them)",
                st.untracked
            ),
            severity: Severity::Medium,
        });
    }
    if st.dropped_anomalies > 0 {
        sum.anomalies.push(Anomaly {
            path: String::new(),
            message: format!(
                "{} more anomalies in this layer not listed (limit {MAX_ANOMALIES_PER_LAYER})",
                st.dropped_anomalies
            ),
            severity: Severity::Medium,
        });
    }
    sum.digests = Some(reader.finish()?);
    Ok(sum)
}

fn entry_error(blob: &str, e: std::io::Error) -> ImageError {
    let msg = e.to_string();
    // Errors of the decompressor (gzip/zstd) travel through the tar crate: name them as
    // such, not as a tar problem.
    if e.get_ref()
        .is_some_and(|i| i.is::<crate::blob::DecodeError>() || i.is::<crate::blob::ReadError>())
    {
        return map_read_error(blob, e);
    }
    // The tar crate reports malformed headers as InvalidData/Other with a message.
    if e.kind() != std::io::ErrorKind::UnexpectedEof
        && !msg.contains("unexpected EOF")
        && e.get_ref()
            .is_none_or(|i| i.downcast_ref::<crate::blob::LimitExceeded>().is_none())
        && (msg.contains("checksum") || msg.contains("header") || msg.contains("numeric field"))
    {
        return ImageError::Format {
            input: blob.into(),
            message: format!("malformed tar header: {msg}"),
        };
    }
    map_read_error(blob, e)
}

#[allow(clippy::too_many_arguments)]
fn walk_entry<R: Read>(
    layer: usize,
    entry: &mut tar::Entry<'_, R>,
    opts: &WalkOptions,
    max_layer_bytes: u64,
    redaction: Redaction,
    sinks: &SharedSinks<'_, '_>,
    sum: &mut LayerSummary,
    st: &mut WalkState,
    buf: &mut Vec<u8>,
) -> std::io::Result<()> {
    let h = entry.header();
    let et = h.entry_type();
    if matches!(
        et,
        tar::EntryType::XGlobalHeader
            | tar::EntryType::XHeader
            | tar::EntryType::GNULongName
            | tar::EntryType::GNULongLink
    ) {
        return Ok(());
    }
    let raw_path = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
    let size = entry.size();
    if et == tar::EntryType::GNUSparse && size > max_layer_bytes {
        // The sparse map expands to `size` bytes of mostly zeros that never pass through
        // the layer's byte limits: check before anything iterates over them.
        return Err(std::io::Error::other(crate::blob::LimitExceeded(format!(
            "sparse entry `{}` declares {size} bytes, above the {max_layer_bytes}-byte layer limit (max_layer_bytes)",
            shown_path(&raw_path)
        ))));
    }
    let regular = matches!(
        et,
        tar::EntryType::Regular | tar::EntryType::Continuous | tar::EntryType::GNUSparse
    );
    if raw_path.len() > MAX_PATH_BYTES {
        st.anomaly(
            sum,
            &raw_path,
            format!(
                "entry name is {} bytes, longer than PATH_MAX ({MAX_PATH_BYTES}): no extractor can create it; not part of the filesystem view (contents still scanned for secrets)",
                raw_path.len()
            ),
            Severity::Medium,
        );
        if regular && size > 0 {
            let shown = shown_path(&raw_path);
            return read_file(
                layer,
                &shown,
                size,
                false,
                et == tar::EntryType::GNUSparse,
                entry,
                opts,
                redaction,
                sinks,
                sum,
                buf,
            );
        }
        return Ok(());
    }
    let (path, escapes, absolute) = normalize_entry_path(&raw_path);
    if escapes {
        st.anomaly(
            sum,
            &raw_path,
            "entry name contains `..`: extracting it with a naive tool writes outside the target directory".into(),
            Severity::High,
        );
        // Never part of the image filesystem, but what it carries is still looked at.
        if regular && size > 0 {
            return read_file(
                layer,
                &raw_path,
                size,
                false,
                et == tar::EntryType::GNUSparse,
                entry,
                opts,
                redaction,
                sinks,
                sum,
                buf,
            );
        }
        return Ok(());
    }
    if absolute {
        st.anomaly(
            sum,
            &raw_path,
            "entry name is absolute".into(),
            Severity::Low,
        );
    }
    if path.is_empty() {
        return Ok(());
    }
    let mode = h.mode().unwrap_or(0) & 0o7777;
    let uid = h.uid().unwrap_or(0);
    let gid = h.gid().unwrap_or(0);
    let (dir, base) = match path.rfind('/') {
        Some(i) => (&path[..i], &path[i + 1..]),
        None => ("", path.as_str()),
    };
    if let Some(name) = base.strip_prefix(".wh.") {
        if name == ".wh..opq" {
            sum.opaque_dirs.push(dir.to_string());
        } else if name == "." || name == ".." {
            st.anomaly(
                sum,
                &raw_path,
                format!("whiteout of `{name}`: a naive extractor deletes a directory above the entry (ignored)"),
                Severity::High,
            );
        } else if !name.starts_with(".wh.") && !name.is_empty() {
            let target = if dir.is_empty() {
                name.to_string()
            } else {
                format!("{dir}/{name}")
            };
            if let Some(s) = sinks.lock().ok().as_deref_mut() {
                for s in s.iter_mut() {
                    s.deleted(layer, &target);
                }
            }
            sum.whiteouts.push(target);
        }
        // `.wh..wh.plnk` etc. are aufs bookkeeping, not content.
        return Ok(());
    }
    let link = || -> Option<String> {
        entry
            .link_name_bytes()
            .map(|l| String::from_utf8_lossy(&l).into_owned())
    };
    let kind = match et {
        tar::EntryType::Regular | tar::EntryType::Continuous => EntryKind::File,
        tar::EntryType::GNUSparse => {
            st.anomaly(
                sum,
                &path,
                "GNU sparse file: layer tools disagree on how to extract it".into(),
                Severity::Info,
            );
            EntryKind::File
        }
        tar::EntryType::Directory => EntryKind::Dir,
        tar::EntryType::Symlink => EntryKind::Symlink,
        tar::EntryType::Link => EntryKind::Hardlink,
        tar::EntryType::Char | tar::EntryType::Block => EntryKind::Device,
        tar::EntryType::Fifo => EntryKind::Fifo,
        other => {
            st.anomaly(
                sum,
                &path,
                format!("unknown tar entry type {:?}", other.as_byte() as char),
                Severity::Info,
            );
            return Ok(());
        }
    };
    let link = match kind {
        EntryKind::Symlink => link().filter(|l| l.len() <= MAX_PATH_BYTES),
        EntryKind::Hardlink => match link() {
            Some(l) => {
                let (target, _, _) = normalize_entry_path(&l);
                if climbs_out(&l) || l.len() > MAX_PATH_BYTES {
                    st.anomaly(
                        sum,
                        &path,
                        format!(
                            "hard link to `{}` points outside the layer root: a naive extractor links a host file",
                            shown_path(&l)
                        ),
                        Severity::High,
                    );
                    return Ok(());
                }
                Some(target)
            }
            None => None,
        },
        _ => None,
    };
    if sum.entries.len() >= MAX_ENTRIES_PER_LAYER {
        st.untracked += 1;
        if kind == EntryKind::File && size > 0 {
            return read_file(
                layer,
                &path,
                size,
                false,
                et == tar::EntryType::GNUSparse,
                entry,
                opts,
                redaction,
                sinks,
                sum,
                buf,
            );
        }
        return Ok(());
    }
    if !st.first_seen(&path) && kind != EntryKind::Dir {
        st.anomaly(
            sum,
            &path,
            "duplicate entry in the same layer: the last one wins when extracted".into(),
            Severity::Info,
        );
    }
    // Sensitive by name (also for directories such as `.git`, `.ssh`).
    if let Some(hit) = content::sensitive_by_name(&path, kind) {
        sum.sensitive.push(hit);
    }
    let file_size = if kind == EntryKind::File { size } else { 0 };
    sum.entries.push(FileEntry {
        path: path.clone(),
        kind,
        size: file_size,
        mode,
        uid,
        gid,
        link,
    });
    if kind != EntryKind::File || size == 0 {
        return Ok(());
    }
    read_file(
        layer,
        &path,
        size,
        true,
        et == tar::EntryType::GNUSparse,
        entry,
        opts,
        redaction,
        sinks,
        sum,
        buf,
    )
}

#[allow(clippy::too_many_arguments)]
fn read_file<R: Read>(
    layer: usize,
    path: &str,
    size: u64,
    // Part of the image filesystem (else: only scanned for secrets, e.g. a `..` entry).
    in_fs: bool,
    // A GNU sparse entry: most of `size` is zeros made up by the tar crate, not stored.
    sparse: bool,
    entry: &mut tar::Entry<'_, R>,
    opts: &WalkOptions,
    redaction: Redaction,
    sinks: &SharedSinks<'_, '_>,
    sum: &mut LayerSummary,
    buf: &mut Vec<u8>,
) -> std::io::Result<()> {
    let special = in_fs && content::is_special(path) && size <= content::special_limit(path);
    if in_fs {
        if let Some(note) = crate::analyze::rpm::too_large_note(path, size) {
            sum.notes.push(note);
        }
    }
    let sink_wants = in_fs && {
        let s = sinks
            .lock()
            .map_err(|_| std::io::Error::other("file sink panicked"))?;
        s.iter().any(|s| s.wants(path, size))
    };
    let want_all = special || (sink_wants && size <= opts.max_sink_file);
    // An executable too large to hold: the Go build info is found in the stream instead.
    let mut go_info = false;
    if sink_wants && size > opts.max_sink_file {
        go_info = true;
    }
    let scan_secrets = opts.secrets && size <= opts.max_secret_scan_file;
    if opts.secrets && !scan_secrets {
        // Never silently: a secret in a skipped file would otherwise look like a clean file.
        sum.anomalies.push(Anomaly {
            path: path.to_string(),
            message: format!(
                "{size}-byte file over the {}-byte secret-scan limit; not scanned for secrets",
                opts.max_secret_scan_file
            ),
            severity: Severity::Info,
        });
    }
    if want_all || size as usize <= opts.max_file_buffer {
        // Whole file in memory (bounded: special files are small, sinks capped above).
        let n = size as usize;
        let got = read_full(entry, scratch(buf, n))?;
        analyze_whole(
            layer,
            path,
            &buf[..got],
            scan_secrets.then(|| opts.engine()),
            redaction,
            special,
            sink_wants && want_all,
            sinks,
            sum,
        );
        // A sink may have asked for a big file: don't keep that much memory per walk.
        if buf.len() > opts.max_file_buffer.max(WINDOW_OVERLAP * 2) {
            buf.truncate(opts.max_file_buffer.max(WINDOW_OVERLAP * 2));
            buf.shrink_to_fit();
        }
        return Ok(());
    }
    // Large file: fixed windows with overlap so memory stays bounded.
    let win = opts.max_file_buffer.max(WINDOW_OVERLAP * 2);
    let w = scratch(buf, win);
    let mut filled = read_full(entry, w)?;
    sum.windowed_files += 1;
    if sparse && (!scan_secrets || is_binary(&w[..filled])) {
        // The tar crate skips the stored rest itself; reading would walk the made-up zeros.
        return Ok(());
    }
    if go_info && !w[..filled].starts_with(b"\x7fELF") {
        go_info = false;
        sum.anomalies.push(Anomaly {
            path: path.to_string(),
            message: format!("{size}-byte file too large for the package inventory; skipped"),
            severity: Severity::Info,
        });
    }
    if go_info {
        match go_buildinfo_in_stream(entry, w, filled)? {
            Some(info) => {
                if let Ok(mut s) = sinks.lock() {
                    for s in s.iter_mut() {
                        if s.wants(path, size) {
                            s.file(layer, path, &info);
                        }
                    }
                }
            }
            None => sum.notes.push(format!(
                "{path}: {size}-byte executable too large to read whole for the package inventory; no Go build info found in it"
            )),
        }
        return Ok(());
    }
    if !scan_secrets || is_binary(&w[..filled]) {
        // Nothing more to look at: skip the rest in big reads (tar would use 8 KiB ones).
        while read_full(entry, w)? > 0 {}
        return Ok(());
    }
    let mut offset_lines = 0usize;
    while filled > 0 {
        content::scan_secrets(
            opts.engine(),
            path,
            &w[..filled],
            offset_lines,
            redaction,
            &mut sum.secrets,
        );
        let keep = filled.min(WINDOW_OVERLAP);
        let start = filled - keep;
        offset_lines += memchr::memchr_iter(b'\n', &w[..start]).count();
        w.copy_within(start..filled, 0);
        let n = read_full(entry, &mut w[keep..])?;
        if n == 0 {
            break;
        }
        filled = keep + n;
    }
    Ok(())
}

/// Magic of Go's build info record (`.go.buildinfo`, 16-byte aligned).
const GO_BUILDINFO_MAGIC: &[u8] = b"\xff Go buildinf:";
/// Most bytes kept from the build info record on (version + module list; terraform's 213
/// modules take ~25 KiB).
const MAX_GO_BUILDINFO: usize = 1 << 20;

/// Stream the rest of an executable looking for Go's build info record; returns the record
/// (from its magic, at most [`MAX_GO_BUILDINFO`] bytes). Inventory sinks read it like the
/// section of a whole binary, so executables of any size are inventoried in bounded memory.
/// `w[..filled]` holds the first bytes already read; the entry is read to its end.
fn go_buildinfo_in_stream(
    entry: &mut impl Read,
    w: &mut [u8],
    mut filled: usize,
) -> std::io::Result<Option<Vec<u8>>> {
    // The string literal also appears in programs that read build info (the `go` command
    // itself): a real record is 16-byte aligned and says "inline strings, version go1…".
    fn is_record(b: &[u8]) -> bool {
        b.len() >= 48 && matches!(b[14], 4 | 8) && b[15] & 2 != 0 && b[33..].starts_with(b"go")
    }
    let mut found: Option<Vec<u8>> = None;
    // File offset of `w[0]`.
    let mut base = 0u64;
    loop {
        let mut keep_from = filled;
        if let Some(info) = &mut found {
            if info.len() < MAX_GO_BUILDINFO {
                let k = filled.min(MAX_GO_BUILDINFO - info.len());
                info.extend_from_slice(&w[..k]);
            }
        } else {
            let mut at = 0;
            while let Some(i) = memchr::memmem::find(&w[at..filled], GO_BUILDINFO_MAGIC) {
                let i = at + i;
                if filled - i < 48 {
                    // Too close to the end to check: look again with more data.
                    keep_from = i;
                    break;
                }
                if (base + i as u64) & 15 == 0 && is_record(&w[i..filled]) {
                    let end = filled.min(i + MAX_GO_BUILDINFO);
                    found = Some(w[i..end].to_vec());
                    break;
                }
                at = i + 1;
            }
            if found.is_none() && keep_from == filled {
                // A magic split between two reads is seen whole next time.
                keep_from = filled - filled.min(GO_BUILDINFO_MAGIC.len() - 1);
            }
        }
        let keep = filled - keep_from;
        w.copy_within(keep_from..filled, 0);
        base += keep_from as u64;
        let n = read_full(entry, &mut w[keep..])?;
        if n == 0 {
            return Ok(found);
        }
        filled = keep + n;
    }
}

/// `buf` as a slice of exactly `n` bytes. The buffer only ever grows (zeroed once), so the
/// steady state reuses warm memory instead of clearing and re-initialising it per file.
fn scratch(buf: &mut Vec<u8>, n: usize) -> &mut [u8] {
    if buf.len() < n {
        buf.resize(n, 0);
    }
    &mut buf[..n]
}

/// Fill `out` from `r` until it is full or `r` ends; returns the bytes read.
fn read_full(r: &mut impl Read, out: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < out.len() {
        match r.read(&mut out[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

#[allow(clippy::too_many_arguments)]
fn analyze_whole(
    layer: usize,
    path: &str,
    data: &[u8],
    // The engine to scan with, `None` = no secret scan.
    secrets: Option<&drydock_secrets::Engine>,
    redaction: Redaction,
    special: bool,
    feed_sinks: bool,
    sinks: &SharedSinks<'_, '_>,
    sum: &mut LayerSummary,
) {
    let binary = is_binary(data);
    if let Some(engine) = secrets.filter(|_| !binary) {
        content::scan_secrets(engine, path, data, 0, redaction, &mut sum.secrets);
    }
    if !binary {
        if let Some(hit) = content::sensitive_by_content(path, data) {
            sum.sensitive.push(hit);
        }
    }
    if special {
        content::record_special(path, data, sum);
    }
    if feed_sinks {
        if let Ok(mut s) = sinks.lock() {
            for s in s.iter_mut() {
                if s.wants(path, data.len() as u64) {
                    s.file(layer, path, data);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_paths() {
        assert_eq!(
            normalize_entry_path("./etc/passwd"),
            ("etc/passwd".into(), false, false)
        );
        assert_eq!(
            normalize_entry_path("/etc//x/"),
            ("etc/x".into(), false, true)
        );
        assert_eq!(
            normalize_entry_path("a/../../etc"),
            ("etc".into(), true, false)
        );
        assert!(climbs_out("../../etc/passwd"));
        assert!(climbs_out("a/../../b"));
        assert!(!climbs_out("usr/bin/../lib/x"));
        assert!(!climbs_out("/etc/passwd"));
        assert!(is_binary(b"ab\0c"));
        assert!(!is_binary(b"abc"));
    }
}
