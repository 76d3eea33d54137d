//! Image targets: open (any transport), walk every layer once with the inventory plugged
//! in, then the vulnerability match against the local advisory database.

use super::scan::ScanEnv;
use crate::cli::{ScanArgs, SourceArgs};
use crate::output::Outcome;
use anyhow::{Context, Result};
use drydock_image::daemon::DaemonKind;
use drydock_image::{OpenOptions, PlatformChoice, TransportOptions};
use drydock_report::{ImageSummaryView, LayerView, Target};
use std::io::Read;

pub fn open_options(s: &SourceArgs) -> Result<OpenOptions> {
    let platform = match &s.platform {
        Some(p) => PlatformChoice::parse(p).map_err(|e| anyhow::anyhow!("--platform: {e}"))?,
        None => PlatformChoice::Host,
    };
    let password = if s.password_stdin {
        let mut buf = String::new();
        std::io::stdin()
            .read_to_string(&mut buf)
            .context("--password-stdin: cannot read standard input")?;
        Some(buf.trim_end_matches(['\r', '\n']).to_string())
    } else {
        None
    };
    if password.is_some() && s.username.is_none() {
        anyhow::bail!("--password-stdin needs --username");
    }
    if s.ca_cert.len() > 1 {
        anyhow::bail!(
            "--ca-cert: give one CA bundle file (concatenate several PEM certificates into it)"
        );
    }
    Ok(OpenOptions {
        platform,
        transport: TransportOptions {
            insecure: s.insecure || s.tls_verify == Some(false),
            ca_cert: s.ca_cert.first().cloned(),
            username: s.username.clone(),
            password,
            auth_file: s.authfile.clone(),
            ..Default::default()
        },
        ..Default::default()
    })
}

pub fn scan_image(spec: &str, args: &ScanArgs, env: &ScanEnv, outcome: &mut Outcome) -> Result<()> {
    use drydock_image::source::SourceSpec;
    let parsed = SourceSpec::parse(spec).ok();
    if args.offline {
        if let Some(SourceSpec::Registry { reference }) = &parsed {
            anyhow::bail!("`{reference}` is a registry image and --offline forbids network access");
        }
    }
    let opts = open_options(&args.source)?;
    let db = if args.no_vulns {
        None
    } else {
        super::db::open_for_scan(args.db.as_deref(), env.cfg, args.offline)
    };
    let scan_opts = |multi: bool| drydock_image::ScanOptions {
        scan_date: drydock_core::eol::Date::parse(&env.scan_date).ok(),
        tag_platform: multi,
        redaction: if args.output.show_secrets {
            drydock_core::Redaction::Show
        } else {
            drydock_core::Redaction::Redact
        },
        walk: drydock_image::walker::WalkOptions {
            secret_engine: env.custom_secrets.clone(),
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
            .or_else(|| std::env::var("DOCKER_HOST").ok());
        let stream = drydock_image::daemon::export_stream(kind, &name, host.as_deref())?;
        let mut inventory = drydock_vuln::Inventory::new();
        let scans = {
            let mut sink: [&mut dyn drydock_core::FileSink; 1] = [&mut inventory];
            // `--no-vulns`: no package inventory either, the scan reads only what the rules need.
            let sinks: &mut [&mut dyn drydock_core::FileSink] =
                if args.no_vulns { &mut [] } else { &mut sink };
            drydock_image::scan_docker_archive_stream(stream, spec, None, &scan_opts(false), sinks)?
        };
        // The export holds exactly the named image, so one scan and one inventory.
        for result in scans {
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
                result,
                None,
                base,
                std::mem::take(&mut inventory),
                db.as_ref(),
                env,
                outcome,
            )?;
        }
        return Ok(());
    }
    let images = drydock_image::open(spec, &opts)?;
    let multi = images.len() > 1;
    for img in images {
        let mut inventory = drydock_vuln::Inventory::new();
        let result = {
            let mut sink: [&mut dyn drydock_core::FileSink; 1] = [&mut inventory];
            let sinks: &mut [&mut dyn drydock_core::FileSink] =
                if args.no_vulns { &mut [] } else { &mut sink };
            drydock_image::scan(&img, &scan_opts(multi), sinks)?
        };
        let base = base_of(&img);
        record(
            result,
            img.manifest_digest.clone(),
            base,
            inventory,
            db.as_ref(),
            env,
            outcome,
        )?;
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

/// Vulnerability matching for one scanned image, then its findings and summary into the outcome.
fn record(
    result: drydock_image::ImageScan,
    digest: Option<String>,
    base: Option<drydock_vuln::BaseImage>,
    inventory: drydock_vuln::Inventory,
    db: Option<&drydock_vuln::Db>,
    env: &ScanEnv,
    outcome: &mut Outcome,
) -> Result<()> {
    let mut findings = result.findings;
    let mut base_view = base.as_ref().map(|b| drydock_report::BaseImageView {
        name: b.name.clone(),
        digest: b.digest.clone(),
        layers: b.layers,
        ..Default::default()
    });
    for n in &result.notes {
        diag!("drydock: note: {}: {n}", result.summary.name);
    }
    let inv = inventory.finish_all();
    for n in &inv.notes {
        diag!("drydock: note: {}: {n}", result.summary.name);
    }
    if let Some(db) = db {
        if let Ok(f) = db.freshness(
            &drydock_vuln::needed_sources(&inv.packages),
            db_max_age(env),
        ) {
            for m in f.messages() {
                diag!("drydock: warning: {m}");
            }
        }
        let mopts = drydock_vuln::MatchOptions {
            image: result.summary.name.clone(),
            base_layers: base.as_ref().map(|b| b.layers),
        };
        let vulns = drydock_vuln::match_packages(db, &inv.packages, &mopts)?;
        let today = drydock_core::eol::Date::parse(&env.scan_date)
            .unwrap_or_else(|_| drydock_core::eol::Date::today());
        let eol = inv
            .os
            .as_ref()
            .and_then(|os| drydock_vuln::eol_info(os, today));
        let verdict = drydock_vuln::base_image_verdict(&vulns, mopts.base_layers, eol.as_ref());
        let line = drydock_vuln::base_summary(base.as_ref(), &verdict);
        diag!("drydock: {}: {line}", result.summary.name);
        if let Some(v) = base_view.as_mut() {
            v.vulnerabilities = Some(verdict.in_base);
            v.fixable_by_rebuild = Some(verdict.fixable_in_base);
            v.verdict = Some(line);
        }
        if let Some(b) = &base {
            findings.extend(drydock_vuln::outdated_base_finding(
                &result.summary.name,
                b,
                &verdict,
            ));
        }
        findings.extend(vulns);
    }
    outcome.findings.extend(findings);
    let s = &result.summary;
    outcome.targets.push(Target::Image {
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
pub fn image_user(reference: &str, args: &ScanArgs) -> Result<String> {
    if args.offline {
        anyhow::bail!("--offline forbids fetching `{reference}`");
    }
    let opts = open_options(&args.source)?;
    let images = drydock_image::open(reference, &opts)?;
    let img = images
        .first()
        .with_context(|| format!("{reference}: no image for this platform"))?;
    Ok(img.config.config.user.clone())
}

fn db_max_age(env: &ScanEnv) -> Option<std::time::Duration> {
    Some(std::time::Duration::from_secs(
        env.cfg.vulnerabilities.max_age_days.unwrap_or(7) * 86_400,
    ))
}
