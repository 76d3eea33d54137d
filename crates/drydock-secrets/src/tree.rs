//! `drydock secrets PATH…`: scan a file tree (build context, extracted rootfs, repository).

use crate::{ContentKind, Engine, ScanContext, SecretMatch};
use drydock_core::{redact, Category, Finding, Location, Redaction, SourceSpan};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Clone)]
pub struct TreeScanOptions {
    pub redaction: Redaction,
    /// Files larger than this are skipped (bytes).
    pub max_file_size: u64,
    /// Files larger than this are streamed in windows instead of read whole.
    pub stream_above: u64,
    /// Engine to use (user rules, disabled ids); the built-in one when `None`.
    pub engine: Option<Arc<Engine>>,
}

impl Default for TreeScanOptions {
    fn default() -> Self {
        TreeScanOptions {
            redaction: Redaction::Redact,
            max_file_size: 256 << 20,
            stream_above: 32 << 20,
            engine: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TreeScanError {
    #[error("cannot scan {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// What to tell the user to do about a secret found in a file.
const FIX: &str = "Revoke and rotate this credential, remove it from the files (and from image layers/history), and provide it at runtime instead (secret store, BuildKit `--mount=type=secret`).";

/// Build the finding for one match. `secret` is the matched secret's bytes; the evidence
/// is redacted unless `mode` is `Show`.
pub fn finding_for_match(
    m: &SecretMatch,
    secret: &[u8],
    location: Location,
    mode: Redaction,
) -> Finding {
    let mut message = format!("{} found", m.rule_name);
    if let Some(r) = &m.vendor_reason {
        message.push_str(" (");
        message.push_str(r);
        message.push(')');
    }
    Finding::new(
        m.rule_id.clone(),
        m.severity,
        Category::Secret,
        message,
        location,
    )
    .with_confidence(m.confidence)
    .with_evidence(redact(secret, mode))
    .with_fix(FIX)
}

/// Scan files and directories for secrets. Directories are walked without following
/// symlinks; `.git` internals are skipped; files are scanned in parallel.
pub fn scan_tree(paths: &[PathBuf], opts: &TreeScanOptions) -> Result<Vec<Finding>, TreeScanError> {
    let mut files: Vec<PathBuf> = Vec::new();
    for root in paths {
        let meta = std::fs::symlink_metadata(root).map_err(|source| TreeScanError::Io {
            path: root.display().to_string(),
            source,
        })?;
        if meta.is_file() {
            files.push(root.clone());
            continue;
        }
        let walker = walkdir::WalkDir::new(root)
            .follow_links(false)
            .into_iter()
            .filter_entry(|e| {
                !(e.file_type().is_dir() && e.file_name() == ".git" && e.depth() > 0)
            });
        for entry in walker {
            // Unreadable directories are skipped: one bad subtree must not stop the scan.
            let Ok(entry) = entry else { continue };
            if entry.file_type().is_file() {
                files.push(entry.into_path());
            }
        }
    }
    files.sort();
    let engine: &Engine = match &opts.engine {
        Some(e) => e,
        None => Engine::builtin(),
    };
    let mut findings: Vec<Finding> = files
        .par_iter()
        .flat_map_iter(|p| scan_file(engine, p, opts))
        .collect();
    drydock_core::finding::sort_findings(&mut findings);
    Ok(findings)
}

fn display_path(p: &Path) -> String {
    let s = p.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

/// 1-based character column of byte `at` (counting UTF-8 characters from the line start).
fn char_column(data: &[u8], at: usize) -> usize {
    let line_start = memchr::memrchr(b'\n', &data[..at]).map_or(0, |p| p + 1);
    // Counting through `at` itself gives the column of the character containing `at`.
    data[line_start..=at]
        .iter()
        .filter(|&&b| b & 0xC0 != 0x80)
        .count()
}

fn scan_file(engine: &Engine, path: &Path, opts: &TreeScanOptions) -> Vec<Finding> {
    let Ok(meta) = std::fs::metadata(path) else {
        return Vec::new();
    };
    if meta.len() > opts.max_file_size {
        return Vec::new();
    }
    let shown = display_path(path);
    let cx = ScanContext {
        path: Some(&shown),
        name: None,
        owner_package: None,
        kind: ContentKind::File,
    };
    let span = |m: &SecretMatch, sc: usize, ec: usize| {
        Location::Source(SourceSpan {
            path: shown.clone(),
            start_line: m.start_line,
            end_line: m.end_line,
            start_column: sc,
            end_column: ec,
        })
    };
    let mut out = Vec::new();
    if meta.len() > opts.stream_above {
        let Ok(f) = std::fs::File::open(path) else {
            return Vec::new();
        };
        // Streamed: secrets are re-read from the match's own bytes, columns are in bytes.
        let mut pending: Vec<SecretMatch> = Vec::new();
        let _ = engine.scan_reader(std::io::BufReader::new(f), &cx, |m| pending.push(m));
        if pending.is_empty() {
            return out;
        }
        let Ok(mut f) = std::fs::File::open(path) else {
            return out;
        };
        for m in pending {
            use std::io::{Read, Seek, SeekFrom};
            let mut secret = vec![0u8; m.secret.len()];
            if f.seek(SeekFrom::Start(m.secret.start as u64)).is_err()
                || f.read_exact(&mut secret).is_err()
            {
                continue;
            }
            out.push(finding_for_match(
                &m,
                &secret,
                span(&m, m.start_column, m.end_column),
                opts.redaction,
            ));
        }
        return out;
    }
    let Ok(data) = std::fs::read(path) else {
        return Vec::new();
    };
    for m in engine.scan(&data, &cx) {
        let sc = char_column(&data, m.secret.start);
        let ec = char_column(&data, m.secret.end.saturating_sub(1).max(m.secret.start));
        out.push(finding_for_match(
            &m,
            &data[m.secret.clone()],
            span(&m, sc, ec),
            opts.redaction,
        ));
    }
    out
}
