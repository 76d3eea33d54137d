//! Machine output: `{"version","scan_date","fail_on","targets","findings","errors","summary"}`.
//! Findings are serialized exactly by drydock-core's serde (the `{"findings":[…]}` interface).

use crate::{RenderOptions, Target, View};
use drydock_core::ignore::EntryOutcome;
use drydock_core::{Finding, Warning};
use serde::Serialize;
use serde_json::{json, Value};
use std::io::{self, Write};

/// Bumped when a field changes meaning or disappears (additions do not bump it).
pub const FORMAT_VERSION: u32 = 1;

pub(crate) fn target_json(t: &Target) -> Value {
    match t {
        // The source text stays out: it may hold the secrets the findings redact.
        Target::Dockerfile { path, .. } => json!({"kind": "dockerfile", "path": path}),
        Target::Runtime { path, .. } => json!({"kind": "runtime", "path": path}),
        Target::Files { root } => json!({"kind": "files", "root": root}),
        Target::Image { name, summary } => json!({
            "kind": "image",
            "name": name,
            "os": summary.os,
            "platform": summary.platform,
            "digest": summary.digest,
            "size": summary.size,
            "user": summary.user,
            "waste_bytes": summary.waste_bytes,
            "efficiency": summary.efficiency,
            "base_image": summary.base_image.as_ref().map(|b| json!({
                "name": b.name,
                "digest": b.digest,
                "layers": b.layers,
                "vulnerabilities": b.vulnerabilities,
                "fixable_by_rebuild": b.fixable_by_rebuild,
                "verdict": b.verdict,
            })),
            "layers": summary.layers.iter().map(|l| json!({
                "index": l.layer_index(),
                "digest": l.digest,
                "size": l.size,
                "created_by": l.created_by,
                "empty_layer": l.layer_index().is_none(),
            })).collect::<Vec<_>>(),
        }),
    }
}

/// Top-level document; a struct so fields keep this order (serde_json sorts map keys).
#[derive(Serialize)]
struct Doc<'a> {
    version: &'a str,
    format_version: u32,
    scan_date: &'a str,
    fail_on: &'static str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    secrets_shown: bool,
    /// How `fingerprint`s were computed (drydock_core::finding::FINGERPRINT_VERSION):
    /// baselines compare it.
    fingerprint_version: u32,
    /// Always present, so "no warnings" is stated rather than implied.
    warnings: Vec<Warning>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    suppressed: &'a [EntryOutcome],
    targets: Vec<Value>,
    findings: Vec<&'a Finding>,
    errors: Vec<Value>,
    summary: Value,
}

pub fn render(view: &View, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let r = view.report;
    let s = &view.summary;
    let doc = Doc {
        version: r.tool_version,
        format_version: FORMAT_VERSION,
        scan_date: &r.scan_date,
        fail_on: r.fail_on_str(),
        secrets_shown: opts.show_secrets_warning,
        fingerprint_version: drydock_core::finding::FINGERPRINT_VERSION,
        warnings: view.warnings(opts),
        suppressed: &r.suppressions,
        targets: view.targets.iter().map(target_json).collect(),
        findings: view.findings().collect(),
        errors: r
            .errors
            .iter()
            .map(|e| json!({"target": e.target, "message": e.message}))
            .collect(),
        summary: json!({
            "critical": s.critical,
            "high": s.high,
            "medium": s.medium,
            "low": s.low,
            "info": s.info,
            "total": s.total(),
            "failing": s.failing,
            "failed": s.failing > 0,
        }),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
