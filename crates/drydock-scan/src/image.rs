//! Image targets: open (any transport), walk every layer once with the inventory plugged
//! in, then the vulnerability match against the local advisory database, the base-image
//! verdict and VU003 (outdated base).

use crate::{ScanResult, Scanner, Warning, WarningLevel};
use anyhow::{Context, Result};
use drydock_core::WarningKind;
use drydock_image::daemon::DaemonKind;
use drydock_report::{ImageSummaryView, LayerView, Target};

pub(crate) fn scan(scanner: &Scanner, spec: &str, out: &mut ScanResult) -> Result<()> {
    use drydock_image::source::SourceSpec;
    let env = &scanner.opts;
    let parsed = SourceSpec::parse(spec).ok();
    if env.offline {
        if let Some(SourceSpec::Registry { reference }) = &parsed {
            anyhow::bail!("`{reference}` is a registry image and --offline forbids network access");
        }
    }
    let opts = env.image_access.open_options()?;
    let no_vulns = !env.vulnerabilities.enabled;
    let db = if no_vulns {
        None
    } else {
        let (db, warning) = env.vulnerabilities.open_for_scan(env.offline);
        out.warnings.extend(warning);
        db
    };
    // The inventory is the only sink: a layer recorded with it replays into it.
    let cache = scanner
        .layer_store(out)?
        .map(|s| drydock_image::LayerCache::new(s, if no_vulns { "" } else { "inventory" }));
    let scan_opts = |multi: bool| drydock_image::ScanOptions {
        cache: cache.clone(),
        scan_date: Some(env.scan_date),
        tag_platform: multi,
        redaction: env.redaction,
        policy: env.policy.clone(),
        progress: env.progress.clone(),
        walk: drydock_image::walker::WalkOptions {
            secret_engine: scanner.custom_secrets.clone(),
            ..Default::default()
        },
        ..Default::default()
    };
    // A daemon export is a docker-archive stream: read it in one pass, nothing on disk.
    let daemon = match &parsed {
        Some(SourceSpec::DockerDaemon { name }) => Some((DaemonKind::Docker, name.clone())),
        Some(SourceSpec::Podman { name }) => Some((DaemonKind::Podman, name.clone())),
        _ => None,
    };
    if let Some((kind, name)) = daemon {
        let host = opts
            .transport
            .docker_host
            .clone()
            .or_else(drydock_core::env::docker_host);
        env.progress.note(spec, "exporting from the daemon");
        let stream = drydock_image::daemon::export_stream(kind, &name, host.as_deref())?;
        let stream = env.progress.count_download(stream, spec, None);
        let mut inventory = drydock_vuln::Inventory::new();
        let scans = {
            let mut sink: [&mut dyn drydock_core::FileSink; 1] = [&mut inventory];
            // `--no-vulns`: no package inventory either, the scan reads only what the rules need.
            let sinks: &mut [&mut dyn drydock_core::FileSink] =
                if no_vulns { &mut [] } else { &mut sink };
            drydock_image::scan_docker_archive_stream(stream, spec, None, &scan_opts(false), sinks)?
        };
        // The export holds exactly the named image, so one scan and one inventory.
        for result in scans {
            // A daemon export keeps only the layers' steps (no empty-layer entries).
            let steps = result
                .summary
                .layers
                .iter()
                .map(|l| crate::correlate::HistoryStep {
                    created_by: l.created_by.clone(),
                    empty_layer: false,
                })
                .collect();
            out.histories.push(crate::correlate::ImageHistory {
                layers_only: true,
                ..crate::correlate::ImageHistory::new(
                    &result.summary.name,
                    None,
                    steps,
                    result.summary.layers.len(),
                )
            });
            // No config here: the base comes from the layers' `created_by` alone.
            let history: Vec<drydock_vuln::HistoryEntry> = result
                .summary
                .layers
                .iter()
                .map(|l| drydock_vuln::HistoryEntry {
                    created_by: l.created_by.as_deref(),
                    comment: None,
                    empty_layer: false,
                })
                .collect();
            let base = drydock_vuln::detect_base(&history, result.summary.layers.len(), &|_| None);
            record(
                scanner,
                result,
                None,
                base,
                std::mem::take(&mut inventory),
                db.as_ref(),
                out,
            )?;
        }
        return Ok(());
    }
    env.progress.note(spec, "opening");
    let mut stages = crate::progress::Stages::new(&env.progress, spec);
    let images = drydock_image::open(spec, &opts)?;
    stages.done("open", &crate::progress::opened(&images));
    let multi = images.len() > 1;
    if let Some(img) = images.iter().find(|i| !i.skipped_platforms.is_empty()) {
        out.warnings.push(Warning::at(
            WarningLevel::Warning,
            WarningKind::PlatformSkipped,
            Some(spec),
            format!(
                "platforms in the index not scanned: {} (use --platform all or --platform OS/ARCH)",
                img.skipped_platforms.join(", ")
            ),
        ));
    }
    for img in images {
        let mut inventory = drydock_vuln::Inventory::new();
        let result = {
            let mut sink: [&mut dyn drydock_core::FileSink; 1] = [&mut inventory];
            let sinks: &mut [&mut dyn drydock_core::FileSink] =
                if no_vulns { &mut [] } else { &mut sink };
            drydock_image::scan(&img, &scan_opts(multi), sinks)?
        };
        stages.done("layers", &crate::progress::walked(&result));
        let base = base_of(&img);
        out.histories.push(crate::correlate::ImageHistory::new(
            &result.summary.name,
            if multi {
                img.platform.as_ref().map(|p| p.to_string())
            } else {
                None
            },
            img.config
                .history
                .iter()
                .map(|h| crate::correlate::HistoryStep {
                    created_by: h.created_by.clone(),
                    empty_layer: h.empty_layer,
                })
                .collect(),
            img.config.rootfs.diff_ids.len(),
        ));
        record(
            scanner,
            result,
            img.manifest_digest.clone(),
            base,
            inventory,
            db.as_ref(),
            out,
        )?;
        stages.done(
            "packages",
            if no_vulns {
                "inventory off (--no-vulns)"
            } else {
                "inventory and advisory match"
            },
        );
    }
    Ok(())
}

/// The base image's layers (see `drydock_vuln::base` for the rule) from the config history,
/// the manifest annotations and the config labels.
fn base_of(img: &drydock_image::ResolvedImage) -> Option<drydock_vuln::BaseImage> {
    let labels = &img.config.config.labels;
    let lookup = |k: &str| {
        img.annotations
            .get(k)
            .or_else(|| labels.get(k))
            .map(String::as_str)
    };
    let history: Vec<drydock_vuln::HistoryEntry> = img
        .config
        .history
        .iter()
        .map(|h| drydock_vuln::HistoryEntry {
            created_by: h.created_by.as_deref(),
            comment: h.comment.as_deref(),
            empty_layer: h.empty_layer,
        })
        .collect();
    drydock_vuln::detect_base(&history, img.config.rootfs.diff_ids.len(), &lookup)
}

/// Vulnerability matching for one scanned image, then its findings and summary into `out`.
fn record(
    scanner: &Scanner,
    result: drydock_image::ImageScan,
    digest: Option<String>,
    base: Option<drydock_vuln::BaseImage>,
    inventory: drydock_vuln::Inventory,
    db: Option<&drydock_vuln::Db>,
    out: &mut ScanResult,
) -> Result<()> {
    let env = &scanner.opts;
    let name = result.summary.name.as_str();
    let mut findings = result.findings;
    let mut base_view = base.as_ref().map(|b| drydock_report::BaseImageView {
        name: b.name.clone(),
        digest: b.digest.clone(),
        layers: b.layers,
        ..Default::default()
    });
    let note = |n: &String| {
        Warning::at(
            WarningLevel::Note,
            WarningKind::Other,
            Some(name),
            n.clone(),
        )
    };
    out.warnings.extend(result.notes.iter().map(note));
    out.errors.extend(
        result
            .rule_failures
            .iter()
            .map(|e| drydock_report::TargetError {
                target: name.to_string(),
                message: e.to_string(),
            }),
    );
    if let Some(c) = &result.cache {
        out.warnings.push(Warning::at(
            WarningLevel::Info,
            WarningKind::Other,
            Some(name),
            format!(
                "layer cache: {} of {} layers reused, {} scanned",
                c.hits,
                c.hits + c.misses,
                c.misses
            ),
        ));
    }
    let inv = inventory.finish_all();
    out.warnings.extend(inv.notes.iter().map(note));
    if let Some(db) = db {
        if let Ok(f) = db.freshness(
            &drydock_vuln::needed_sources(&inv.packages),
            Some(env.vulnerabilities.max_age()),
        ) {
            out.warnings.extend(f.messages().into_iter().map(|m| {
                Warning::at(
                    WarningLevel::Warning,
                    WarningKind::VulnDbStale,
                    Some(name),
                    m,
                )
            }));
        }
        let mopts = drydock_vuln::MatchOptions {
            image: name.to_string(),
            base_layers: base.as_ref().map(|b| b.layers),
        };
        let vulns = drydock_vuln::match_packages(db, &inv.packages, &mopts)?;
        let eol = inv
            .os
            .as_ref()
            .and_then(|os| drydock_vuln::eol_info(os, env.scan_date));
        let verdict = drydock_vuln::base_image_verdict(&vulns, mopts.base_layers, eol.as_ref());
        let line = drydock_vuln::base_summary(base.as_ref(), &verdict);
        out.warnings.push(Warning::at(
            WarningLevel::Info,
            WarningKind::Other,
            Some(name),
            line.clone(),
        ));
        if let Some(v) = base_view.as_mut() {
            v.vulnerabilities = Some(verdict.in_base);
            v.fixable_by_rebuild = Some(verdict.fixable_in_base);
            v.verdict = Some(line);
        }
        if let Some(b) = &base {
            findings.extend(drydock_vuln::outdated_base_finding(name, b, &verdict));
        }
        findings.extend(vulns);
    }
    out.findings.extend(findings);
    let s = &result.summary;
    out.targets.push(Target::Image {
        name: s.name.clone(),
        summary: ImageSummaryView {
            os: s.os.as_ref().map(|o| o.pretty_name.clone()),
            platform: s.platform.clone(),
            digest,
            size: s.total_size,
            user: Some(if s.user.is_empty() {
                "root (no User set)".to_string()
            } else {
                s.user.clone()
            }),
            layers: s
                .layers
                .iter()
                .map(|l| LayerView {
                    index: Some(l.index),
                    digest: Some(l.digest.clone()),
                    size: l.size,
                    created_by: l.created_by.clone(),
                    empty: l.empty,
                    changes: Some(drydock_report::LayerChangesView {
                        added: l.changes.added,
                        changed: l.changes.changed,
                        deleted: l.changes.deleted,
                        wasted_bytes: l.changes.wasted_bytes,
                        biggest: l
                            .changes
                            .biggest
                            .iter()
                            .map(|f| (f.path.clone(), f.size, f.change.to_string()))
                            .collect(),
                    }),
                })
                .collect(),
            waste_bytes: s.waste_bytes,
            efficiency: s.efficiency,
            base_image: base_view.map(Box::new),
        },
    });
    Ok(())
}

/// The configured user of an image (`""` = root by default), for the run-time joined view.
pub(crate) fn image_user(scanner: &Scanner, reference: &str) -> Result<String> {
    if scanner.opts.offline {
        anyhow::bail!("--offline forbids fetching `{reference}`");
    }
    let opts = scanner.opts.image_access.open_options()?;
    let images = drydock_image::open(reference, &opts)?;
    let img = images
        .first()
        .with_context(|| format!("{reference}: no image for this platform"))?;
    Ok(img.config.config.user.clone())
}
