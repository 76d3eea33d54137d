//! Run-time settings: Compose files, Kubernetes manifests, `docker inspect` JSON and live
//! containers. With `--scan-images`, the images they reference are scanned too and their
//! configured user joins the verdict (image non-root but the manifest forces root, …).

use super::scan::{display_path, strip_prefix, ScanEnv};
use crate::cli::ScanArgs;
use crate::output::Outcome;
use anyhow::Result;
use drydock_report::{Target, TargetError};
use drydock_runtime::{ImageFacts, RuntimeOptions};
use std::collections::BTreeMap;
use std::path::Path;

fn options(env: &ScanEnv, base: &Path) -> RuntimeOptions {
    // Interpolation sees the process environment, like `docker compose` does; the `.env`
    // beside the file is read by the runtime crate.
    let _ = base;
    RuntimeOptions {
        env: std::env::vars().collect(),
        redaction: env.redaction,
        secrets: env.custom_secrets.clone(),
        manifest_set: env.manifest_set.get().cloned(),
        ..Default::default()
    }
}

/// The cross-file facts of the Kubernetes manifests among `paths` (named as in findings).
pub fn manifest_set(paths: &[&Path]) -> drydock_runtime::ManifestSet {
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

pub fn scan_runtime_file(path: &Path, args: &ScanArgs, env: &ScanEnv, outcome: &mut Outcome) {
    let name = display_path(path);
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            outcome.errors.push(TargetError {
                target: name,
                message: format!("cannot read: {e}"),
            });
            return;
        }
    };
    let shown = Path::new(&name);
    let mut opts = options(env, path.parent().unwrap_or(Path::new(".")));
    let review = match drydock_runtime::review_file(shown, &bytes, &opts) {
        Ok(r) => r,
        Err(e) => {
            outcome.errors.push(TargetError {
                target: name.clone(),
                message: strip_prefix(&e.to_string(), &name),
            });
            return;
        }
    };
    for w in &review.warnings {
        diag!("drydock: warning: {w}");
    }
    let mut findings = review.findings;
    if args.scan_images && !review.images.is_empty() {
        // Joined view: learn each image's configured user, then review again with it.
        let mut facts = BTreeMap::new();
        for use_ in &review.images {
            if facts.contains_key(&use_.image) {
                continue;
            }
            match super::image::image_user(&use_.image, args) {
                Ok(user) => {
                    facts.insert(use_.image.clone(), ImageFacts { user: Some(user) });
                }
                Err(e) => diag!(
                    "drydock: warning: {}: image `{}` not scanned: {e:#}",
                    name,
                    use_.image
                ),
            }
        }
        if !facts.is_empty() {
            opts.image_facts = facts;
            if let Ok(r) = drydock_runtime::review_file(shown, &bytes, &opts) {
                findings = r.findings;
            }
        }
    }
    outcome.findings.extend(findings);
    outcome.targets.push(Target::Runtime {
        path: name,
        source: Some(String::from_utf8_lossy(&bytes).into_owned()),
    });
}

pub fn scan_live(
    kind: drydock_image::daemon::DaemonKind,
    env: &ScanEnv,
    outcome: &mut Outcome,
) -> Result<()> {
    let host = std::env::var("DOCKER_HOST").ok();
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
    let findings = drydock_runtime::review_inspect(
        &serde_json::Value::Array(inspected),
        &source,
        &options(env, Path::new(".")),
    )?;
    outcome.findings.extend(findings);
    outcome.targets.push(Target::Runtime {
        path: source,
        source: None,
    });
    Ok(())
}
