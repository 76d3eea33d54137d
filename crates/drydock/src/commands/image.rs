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
            let mut sinks: [&mut dyn drydock_core::FileSink; 1] = [&mut inventory];
            drydock_image::scan_docker_archive_stream(
                stream,
                spec,
                None,
                &scan_opts(false),
                &mut sinks,
            )?
        };
        // The export holds exactly the named image, so one scan and one inventory.
        for result in scans {
            record(
                result,
                None,
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
            let mut sinks: [&mut dyn drydock_core::FileSink; 1] = [&mut inventory];
            drydock_image::scan(&img, &scan_opts(multi), &mut sinks)?
        };
        record(
            result,
            img.manifest_digest.clone(),
            inventory,
            db.as_ref(),
            env,
            outcome,
        )?;
    }
    Ok(())
}

/// Vulnerability matching for one scanned image, then its findings and summary into the outcome.
fn record(
    result: drydock_image::ImageScan,
    digest: Option<String>,
    inventory: drydock_vuln::Inventory,
    db: Option<&drydock_vuln::Db>,
    env: &ScanEnv,
    outcome: &mut Outcome,
) -> Result<()> {
    let mut findings = result.findings;
    let inv = inventory.finish_all();
    for n in &inv.notes {
        eprintln!("drydock: note: {}: {n}", result.summary.name);
    }
    if let Some(db) = db {
        if let Ok(f) = db.freshness(
            &drydock_vuln::needed_sources(&inv.packages),
            db_max_age(env),
        ) {
            for m in f.messages() {
                eprintln!("drydock: warning: {m}");
            }
        }
        let mopts = drydock_vuln::MatchOptions {
            image: result.summary.name.clone(),
            ..Default::default()
        };
        findings.extend(drydock_vuln::match_packages(db, &inv.packages, &mopts)?);
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
                })
                .collect(),
            waste_bytes: s.waste_bytes,
            efficiency: s.efficiency,
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
