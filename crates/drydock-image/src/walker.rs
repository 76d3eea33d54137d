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
    let mut sum = LayerSummary::default();
    {
        let mut ar = tar::Archive::new(&mut reader);
        ar.set_ignore_zeros(false);
        let entries = ar.entries().map_err(|e| map_read_error(&blob, e))?;
        let mut seen: HashSet<String> = HashSet::new();
        let mut buf: Vec<u8> = Vec::new();
        for entry in entries {
            let mut entry = entry.map_err(|e| entry_error(&blob, e))?;
            walk_entry(
                layer, &mut entry, opts, redaction, sinks, &mut sum, &mut seen, &mut buf,
            )
            .map_err(|e| entry_error(&blob, e))?;
        }
    }
    sum.digests = Some(reader.finish()?);
    Ok(sum)
}

fn entry_error(blob: &str, e: std::io::Error) -> ImageError {
    let msg = e.to_string();
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
    redaction: Redaction,
    sinks: &SharedSinks<'_, '_>,
    sum: &mut LayerSummary,
    seen: &mut HashSet<String>,
    buf: &mut Vec<u8>,
) -> std::io::Result<()> {
    let raw_path = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
    let (path, escapes, absolute) = normalize_entry_path(&raw_path);
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
    if escapes {
        sum.anomalies.push(Anomaly {
            path: raw_path.clone(),
            message: "entry name contains `..`: extracting it with a naive tool writes outside the target directory".into(),
            severity: Severity::High,
        });
        // Never treat it as part of the image filesystem.
        return Ok(());
    }
    if absolute {
        sum.anomalies.push(Anomaly {
            path: raw_path.clone(),
            message: "entry name is absolute".into(),
            severity: Severity::Low,
        });
    }
    if path.is_empty() {
        return Ok(());
    }
    let mode = h.mode().unwrap_or(0) & 0o7777;
    let uid = h.uid().unwrap_or(0);
    let gid = h.gid().unwrap_or(0);
    let size = entry.size();
    let (dir, base) = match path.rfind('/') {
        Some(i) => (&path[..i], &path[i + 1..]),
        None => ("", path.as_str()),
    };
    if let Some(name) = base.strip_prefix(".wh.") {
        if name == ".wh..opq" {
            sum.opaque_dirs.push(dir.to_string());
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
            sum.anomalies.push(Anomaly {
                path: path.clone(),
                message: "GNU sparse file: layer tools disagree on how to extract it".into(),
                severity: Severity::Info,
            });
            EntryKind::File
        }
        tar::EntryType::Directory => EntryKind::Dir,
        tar::EntryType::Symlink => EntryKind::Symlink,
        tar::EntryType::Link => EntryKind::Hardlink,
        tar::EntryType::Char | tar::EntryType::Block => EntryKind::Device,
        tar::EntryType::Fifo => EntryKind::Fifo,
        other => {
            sum.anomalies.push(Anomaly {
                path: path.clone(),
                message: format!("unknown tar entry type {:?}", other.as_byte() as char),
                severity: Severity::Info,
            });
            return Ok(());
        }
    };
    let link = match kind {
        EntryKind::Symlink => link(),
        EntryKind::Hardlink => link().map(|l| normalize_entry_path(&l).0),
        _ => None,
    };
    if !seen.insert(path.clone()) && kind != EntryKind::Dir {
        sum.anomalies.push(Anomaly {
            path: path.clone(),
            message: "duplicate entry in the same layer: the last one wins when extracted".into(),
            severity: Severity::Info,
        });
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
    read_file(layer, &path, size, entry, opts, redaction, sinks, sum, buf)
}

#[allow(clippy::too_many_arguments)]
fn read_file<R: Read>(
    layer: usize,
    path: &str,
    size: u64,
    entry: &mut tar::Entry<'_, R>,
    opts: &WalkOptions,
    redaction: Redaction,
    sinks: &SharedSinks<'_, '_>,
    sum: &mut LayerSummary,
    buf: &mut Vec<u8>,
) -> std::io::Result<()> {
    let special = content::is_special(path) && size <= content::special_limit(path);
    if let Some(note) = crate::analyze::rpm::too_large_note(path, size) {
        sum.notes.push(note);
    }
    let sink_wants = {
        let s = sinks
            .lock()
            .map_err(|_| std::io::Error::other("file sink panicked"))?;
        s.iter().any(|s| s.wants(path, size))
    };
    let want_all = special || (sink_wants && size <= opts.max_sink_file);
    if sink_wants && size > opts.max_sink_file {
        sum.anomalies.push(Anomaly {
            path: path.to_string(),
            message: format!("{size}-byte file too large for the package inventory; skipped"),
            severity: Severity::Info,
        });
    }
    let scan_secrets = opts.secrets && size <= opts.max_secret_scan_file;
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
        assert!(is_binary(b"ab\0c"));
        assert!(!is_binary(b"abc"));
    }
}
