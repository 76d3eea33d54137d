//! Run-time settings: Compose files, Kubernetes manifests, `docker inspect` JSON and live
//! containers. With `scan_images`, the images they reference are opened too and their
//! configured user joins the verdict (image non-root but the manifest forces root, …).

use crate::{display_path, strip_prefix, ScanResult, Scanner, Warning, WarningLevel};
use anyhow::Result;
use drydock_core::WarningKind;
use drydock_image::daemon::DaemonKind;
use drydock_report::{Target, TargetError};
use drydock_runtime::{ImageFacts, RuntimeOptions};
use std::collections::BTreeMap;
use std::path::Path;

fn options(scanner: &Scanner) -> RuntimeOptions {
    // Interpolation sees the process environment, like `docker compose` does; the `.env`
    // beside the file is read by the runtime crate.
    RuntimeOptions {
        env: drydock_core::env::all(),
        redaction: scanner.opts.redaction,
        secrets: scanner.custom_secrets.clone(),
        manifest_set: scanner.manifest_set.get().cloned(),
        policy: scanner.opts.policy.clone(),
        ..Default::default()
    }
}

/// The cross-file facts of the Kubernetes manifests among `paths` (named as in findings).
pub(crate) fn manifest_set(paths: &[&Path]) -> drydock_runtime::ManifestSet {
    let files: Vec<(String, Vec<u8>)> = paths
        .iter()
        .filter_map(|p| {
            let bytes = std::fs::read(p).ok()?;
            (bytes.len() <= drydock_runtime::MAX_FILE_BYTES
                && drydock_runtime::is_runtime_file(p, &bytes)
                    == Some(drydock_runtime::RuntimeKind::Kubernetes))
            .then(|| (display_path(p), bytes))
        })
        .collect();
    drydock_runtime::ManifestSet::collect(&files)
}

pub(crate) fn scan_file(scanner: &Scanner, path: &Path) -> ScanResult {
    let mut out = ScanResult::default();
    let name = display_path(path);
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return ScanResult::error(name, format!("cannot read: {e}")),
    };
    let shown = Path::new(&name);
    let mut opts = options(scanner);
    let review = match drydock_runtime::review_file(shown, &bytes, &opts) {
        Ok(r) => r,
        Err(e) => {
            let message = strip_prefix(&e.to_string(), &name);
            return ScanResult::error(name, message);
        }
    };
    out.warnings.extend(review.warnings.iter().map(|w| {
        Warning::at(
            WarningLevel::Warning,
            WarningKind::Other,
            None,
            w.to_string(),
        )
    }));
    out.errors
        .extend(review.rule_failures.iter().map(|e| TargetError {
            target: name.clone(),
            message: e.to_string(),
        }));
    let mut findings = review.findings;
    if scanner.opts.scan_images && !review.images.is_empty() {
        // Joined view: learn each image's configured user, then review again with it.
        let mut facts = BTreeMap::new();
        for use_ in &review.images {
            if facts.contains_key(&use_.image) {
                continue;
            }
            match crate::image::image_user(scanner, &use_.image) {
                Ok(user) => {
                    facts.insert(use_.image.clone(), ImageFacts { user: Some(user) });
                }
                Err(e) => out.warnings.push(Warning::at(
                    WarningLevel::Warning,
                    WarningKind::Other,
                    Some(&name),
                    format!("image `{}` not scanned: {e:#}", use_.image),
                )),
            }
        }
        if !facts.is_empty() {
            opts.image_facts = facts;
            if let Ok(r) = drydock_runtime::review_file(shown, &bytes, &opts) {
                findings = r.findings;
            }
        }
    }
    out.findings.extend(findings);
    out.targets.push(Target::Runtime {
        path: name,
        source: Some(String::from_utf8_lossy(&bytes).into_owned()),
    });
    out
}

pub(crate) fn scan_live(scanner: &Scanner, kind: DaemonKind, out: &mut ScanResult) -> Result<()> {
    let host = drydock_core::env::docker_host();
    let list = drydock_image::daemon::list_containers(kind, host.as_deref(), false)?;
    let mut inspected = Vec::new();
    for c in &list {
        if let Some(id) = c.get("Id").and_then(|v| v.as_str()) {
            inspected.push(drydock_image::daemon::inspect_container(
                kind,
                host.as_deref(),
                id,
            )?);
        }
    }
    let source = format!("{}:containers", kind.transport());
    let review = drydock_runtime::review_inspect(
        &serde_json::Value::Array(inspected),
        &source,
        &options(scanner),
    )?;
    out.errors
        .extend(review.rule_failures.iter().map(|e| TargetError {
            target: source.clone(),
            message: e.to_string(),
        }));
    out.findings.extend(review.findings);
    out.targets.push(Target::Runtime {
        path: source,
        source: None,
    });
    Ok(())
}
