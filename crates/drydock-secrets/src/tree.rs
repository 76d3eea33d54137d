//! `drydock secrets PATH…`: scan a file tree (build context, extracted rootfs, repository).

use crate::{ContentKind, Engine, ScanContext, SecretMatch};
use drydock_core::{redact, Category, Finding, Location, Redaction, SourceSpan};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Clone)]
pub struct TreeScanOptions {
    pub redaction: Redaction,
    /// Files larger than this are skipped, each with a warning (bytes). No limit by default:
    /// large files are streamed in bounded memory.
    pub max_file_size: u64,
    /// Files larger than this are streamed in windows instead of read whole.
    pub stream_above: u64,
    /// Engine to use (user rules, disabled ids); the built-in one when `None`.
    pub engine: Option<Arc<Engine>>,
    /// Told how many files there are and when each is done.
    pub progress: drydock_core::Observer,
}

impl Default for TreeScanOptions {
    fn default() -> Self {
        TreeScanOptions {
            redaction: Redaction::Redact,
            max_file_size: u64::MAX,
            stream_above: 8 << 20,
            engine: None,
            progress: drydock_core::Observer::none(),
        }
    }
}

/// What a tree scan found, and the files it could not look at (one line each, naming the file).
#[derive(Debug, Default)]
pub struct TreeScan {
    pub findings: Vec<Finding>,
    pub warnings: Vec<String>,
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

/// Distinct secrets listed per rule in one file; more are summed up in one finding.
pub const MAX_PER_RULE: usize = 50;
/// Distinct secrets listed per file.
pub const MAX_PER_FILE: usize = 200;

/// Per file: the same secret (rule and bytes) found again is counted on its first finding;
/// past the caps, one summary finding per rule says how many more there are. Memory and
/// report size stay bounded whatever a file holds (millions of tokens in a dump).
#[derive(Default)]
pub struct FileFindings {
    findings: Vec<Finding>,
    occurrences: Vec<usize>,
    seen: std::collections::HashMap<(String, u64, usize), usize>,
    per_rule: std::collections::HashMap<String, usize>,
    /// rule id → (summary finding, count)
    over: std::collections::BTreeMap<String, (Finding, usize)>,
}

impl FileFindings {
    pub fn new() -> Self {
        Self::default()
    }

    /// Add one match; `make` builds its finding (called only when it will be listed).
    pub fn add(&mut self, m: &SecretMatch, secret: &[u8], make: impl FnOnce() -> Finding) {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        secret.hash(&mut h);
        let key = (m.rule_id.clone(), h.finish(), secret.len());
        if let Some(&i) = self.seen.get(&key) {
            self.occurrences[i] += 1;
            return;
        }
        let n = self.per_rule.entry(m.rule_id.clone()).or_default();
        if *n >= MAX_PER_RULE || self.findings.len() >= MAX_PER_FILE {
            let e = self.over.entry(m.rule_id.clone()).or_insert_with(|| {
                let mut f = make();
                f.evidence = None;
                (f, 0)
            });
            e.1 += 1;
            e.0.severity = e.0.severity.max(m.severity);
            return;
        }
        *n += 1;
        self.seen.insert(key, self.findings.len());
        self.findings.push(make());
        self.occurrences.push(1);
    }

    /// The listed findings (with their occurrence counts) and the summaries.
    pub fn finish(self) -> Vec<Finding> {
        let mut out = self.findings;
        for (f, n) in out.iter_mut().zip(self.occurrences) {
            if n > 1 {
                f.message
                    .push_str(&format!(" ({n} occurrences in this file)"));
            }
        }
        for (_, (mut f, n)) in self.over {
            f.message = format!(
                "{n} more matches of this kind in this file are not listed (at most {MAX_PER_RULE} distinct secrets per rule and {MAX_PER_FILE} per file are); the first is here"
            );
            out.push(f);
        }
        out
    }
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
    if let Some(how) = m.decoded {
        message.push_str(&format!(" (decoded from {how})"));
    }
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
/// symlinks; of `.git` internals only the configs are read; files are scanned in parallel.
pub fn scan_tree(paths: &[PathBuf], opts: &TreeScanOptions) -> Result<Vec<Finding>, TreeScanError> {
    scan_tree_report(paths, opts).map(|r| r.findings)
}

/// [`scan_tree`] with the warnings: files skipped (over `max_file_size`) or unreadable.
///
/// Path heuristics (test and example directories, credential file names) see each file's path
/// relative to the root it was found under, as in an image (paths from the image root) and a
/// build context (paths from the context): `drydock secrets examples/` and
/// `drydock scan examples/` judge `examples/app/.env` alike.
pub fn scan_tree_report(
    paths: &[PathBuf],
    opts: &TreeScanOptions,
) -> Result<TreeScan, TreeScanError> {
    // (file, path relative to its root)
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    for root in paths {
        let meta = std::fs::symlink_metadata(root).map_err(|source| TreeScanError::Io {
            path: root.display().to_string(),
            source,
        })?;
        if meta.is_file() {
            let name = root
                .file_name()
                .map_or_else(|| display_path(root), |n| n.to_string_lossy().to_string());
            files.push((root.clone(), name));
            continue;
        }
        let walker = walkdir::WalkDir::new(root)
            .follow_links(false)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || git_entry_kept(e.path(), e.file_type().is_dir()));
        for entry in walker {
            // Unreadable directories are skipped: one bad subtree must not stop the scan.
            let Ok(entry) = entry else { continue };
            if entry.file_type().is_file() {
                let rel = entry
                    .path()
                    .strip_prefix(root)
                    .map(|r| r.to_string_lossy().replace('\\', "/"))
                    .unwrap_or_else(|_| display_path(entry.path()));
                files.push((entry.into_path(), rel));
            }
        }
    }
    files.sort();
    let engine: &Engine = match &opts.engine {
        Some(e) => e,
        None => Engine::builtin(),
    };
    opts.progress.files_planned(files.len() as u64);
    let results: Vec<(Vec<Finding>, Option<String>)> = files
        .par_iter()
        .map(|(p, rel)| {
            let shown = display_path(p);
            let r = scan_file_at(engine, p, rel, &shown, opts);
            opts.progress.file_done(&shown);
            r
        })
        .collect();
    let mut report = TreeScan::default();
    for (f, w) in results {
        report.findings.extend(f);
        report.warnings.extend(w);
    }
    drydock_core::finding::sort_findings(&mut report.findings);
    Ok(report)
}

/// Inside a `.git` directory only the repository configs are scanned (`.git/config`,
/// submodules' `.git/modules/<name>/config`): remote URLs with credentials live there, and an
/// image scan sees the same file. Objects, packs, logs and the index are compressed or binary
/// internals, not files anyone wrote a secret into.
fn git_entry_kept(path: &Path, is_dir: bool) -> bool {
    let comps: Vec<_> = path.components().map(|c| c.as_os_str()).collect();
    let Some(at) = comps.iter().position(|c| *c == ".git") else {
        return true;
    };
    match &comps[at + 1..] {
        [] => true,
        [first] if is_dir => *first == "modules",
        [first] => *first == "config",
        [first, rest @ ..] if *first == "modules" => {
            if is_dir {
                !rest.iter().any(|c| {
                    matches!(
                        c.to_str(),
                        Some("objects" | "refs" | "logs" | "hooks" | "info")
                    )
                })
            } else {
                rest.last().is_some_and(|c| *c == "config")
            }
        }
        _ => false,
    }
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

/// Scan one file: `rel` is its path relative to the scanned root (what path heuristics see),
/// `shown` the path findings name. Any size: files above `stream_above` are streamed. Returns
/// the findings and, when the file was not (wholly) scanned, a warning naming it.
pub fn scan_file_at(
    engine: &Engine,
    path: &Path,
    rel: &str,
    shown: &str,
    opts: &TreeScanOptions,
) -> (Vec<Finding>, Option<String>) {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return (Vec::new(), Some(format!("{shown}: not scanned: {e}"))),
    };
    if meta.len() > opts.max_file_size {
        return (
            Vec::new(),
            Some(format!(
                "{shown}: not scanned for secrets: {} bytes, over the {}-byte limit",
                meta.len(),
                opts.max_file_size
            )),
        );
    }
    let cx = ScanContext {
        path: Some(rel),
        name: None,
        owner_package: None,
        kind: ContentKind::File,
    };
    let span = |m: &SecretMatch, sc: usize, ec: usize| {
        Location::Source(SourceSpan {
            path: shown.to_string(),
            start_line: m.start_line,
            end_line: m.end_line,
            start_column: sc,
            end_column: ec,
        })
    };
    let mut out = FileFindings::new();
    if meta.len() > opts.stream_above {
        let f = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) => return (Vec::new(), Some(format!("{shown}: not scanned: {e}"))),
        };
        // Streamed: columns are in bytes.
        let res = engine.scan_reader_with_bytes(std::io::BufReader::new(f), &cx, |m, secret| {
            out.add(&m, secret, || {
                finding_for_match(
                    &m,
                    secret,
                    span(&m, m.start_column, m.end_column),
                    opts.redaction,
                )
            })
        });
        let warning = res
            .err()
            .map(|e| format!("{shown}: read error after a partial secret scan: {e}"));
        return (out.finish(), warning);
    }
    let data = match std::fs::read(path) {
        Ok(d) => d,
        Err(e) => return (Vec::new(), Some(format!("{shown}: not scanned: {e}"))),
    };
    for m in engine.scan(&data, &cx) {
        let secret = &data[m.secret.clone()];
        out.add(&m, secret, || {
            let sc = char_column(&data, m.secret.start);
            let ec = char_column(&data, m.secret.end.saturating_sub(1).max(m.secret.start));
            finding_for_match(&m, secret, span(&m, sc, ec), opts.redaction)
        });
    }
    (out.finish(), None)
}
