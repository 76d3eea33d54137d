//! GitLab Code Quality report (`artifacts:reports:codequality`): a JSON array of Code
//! Climate issues with the fields GitLab reads — `description`, `check_name`, `fingerprint`
//! (unique per issue), `severity` (info, minor, major, critical, blocker) and
//! `location.path` + `location.lines.begin`. The format has no place for run warnings or
//! errors (the top level must be an array), so those go to standard error only.

use crate::util::location_text;
use crate::{RenderOptions, View};
use drydock_core::{Location, Severity};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::io::{self, Write};

pub fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "blocker",
        Severity::High => "critical",
        Severity::Medium => "major",
        Severity::Low => "minor",
        Severity::Info => "info",
    }
}

pub fn render(view: &View, _opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let mut seen = HashSet::new();
    let issues: Vec<Value> = view
        .findings()
        .map(|f| {
            // Image findings have no repository file: the image path (or the image) stands in.
            let (path, line) = match &f.location {
                Location::Source(s) => (
                    s.path.trim_start_matches("./").to_string(),
                    s.start_line.max(1),
                ),
                Location::Layer { image, path, .. } | Location::Package { image, path, .. } => {
                    (format!("{image}/{}", path.trim_start_matches('/')), 1)
                }
                Location::Config { image, .. } => (image.clone(), 1),
                Location::Container { container, .. } => (container.clone(), 1),
            };
            // GitLab drops issues with a repeated fingerprint: keep each one distinct.
            let mut fp = f.fingerprint.clone();
            let mut n = 0u32;
            while !seen.insert(fp.clone()) {
                n += 1;
                let mut h = Sha256::new();
                h.update(f.fingerprint.as_bytes());
                h.update(n.to_le_bytes());
                fp = hex::encode(&h.finalize()[..16]);
            }
            let mut description = format!("{}: {}", f.rule, f.message);
            if !matches!(f.location, Location::Source(_)) {
                description.push_str(&format!(" ({})", location_text(f)));
            }
            if let Some(e) = &f.evidence {
                description.push_str(&format!(" [evidence: {}]", e.value));
            }
            json!({
                "type": "issue",
                "description": description,
                "check_name": f.rule,
                "fingerprint": fp,
                "severity": severity(f.severity),
                "categories": ["Security"],
                "location": {"path": path, "lines": {"begin": line}},
            })
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}
