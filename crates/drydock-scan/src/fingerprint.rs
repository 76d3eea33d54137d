//! Stable fingerprints: the text a source finding points at is part of its identity, so it
//! is read from the report's copy of the file or, for formats that keep no sources, from disk.

use drydock_core::ignore::norm_path;
use drydock_core::{Finding, Location};
use drydock_report::Target;
use std::collections::HashMap;
use std::path::Path;

/// Give `findings` their stable (version 2) fingerprints; see
/// [`drydock_core::finding::assign_stable_fingerprints`].
pub fn stable_fingerprints(findings: &mut [Finding], targets: &[Target]) {
    let mut lines = SourceLines::new(targets);
    drydock_core::finding::assign_stable_fingerprints(findings, |f| lines.text(f));
}

/// The text of the source lines a finding points at, for stable fingerprints: from the
/// report's copy of the file, else read again from disk (JSON output keeps no sources).
pub(crate) struct SourceLines {
    files: HashMap<String, Option<Vec<String>>>,
}

/// Files above this are not re-read for fingerprint content (the scanners skip them too).
const MAX_REREAD: u64 = 16 * 1024 * 1024;

impl SourceLines {
    fn new(targets: &[Target]) -> Self {
        let mut files = HashMap::new();
        for t in targets {
            if let Target::Dockerfile { path, source }
            | Target::Runtime {
                path,
                source: Some(source),
            } = t
            {
                if !source.is_empty() {
                    files.insert(
                        norm_path(path),
                        Some(source.lines().map(String::from).collect()),
                    );
                }
            }
        }
        SourceLines { files }
    }

    fn text(&mut self, f: &Finding) -> Option<String> {
        let Location::Source(s) = &f.location else {
            return None;
        };
        let lines = self
            .files
            .entry(norm_path(&s.path))
            .or_insert_with(|| {
                let p = Path::new(&s.path);
                let meta = std::fs::metadata(p).ok()?;
                if !meta.is_file() || meta.len() > MAX_REREAD {
                    return None;
                }
                let bytes = std::fs::read(p).ok()?;
                Some(
                    String::from_utf8_lossy(&bytes)
                        .lines()
                        .map(String::from)
                        .collect(),
                )
            })
            .as_ref()?;
        let from = s.start_line.max(1) - 1;
        let to = s.end_line.max(s.start_line).min(lines.len());
        (from < to).then(|| lines[from..to].join("\n"))
    }
}
