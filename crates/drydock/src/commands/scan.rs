//! `drydock scan TARGET…`: options from the command line and drydock.toml into a
//! `drydock_scan::Scanner`, then the report.

use crate::cli::{ScanArgs, SourceArgs};
use crate::config::Config;
use crate::output;
use anyhow::{Context, Result};
use drydock_scan::{ImageAccess, ScanOptions, Scanner};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

pub fn run(args: ScanArgs) -> Result<u8> {
    // The report needs every crate's rule metadata; build it while the scan runs.
    let _ = std::thread::Builder::new()
        .name("registry".into())
        .spawn(|| {
            drydock_scan::registry::get();
        });
    let scan_date = super::scan_date(args.scan_date.as_deref())?;
    let first_path = args
        .targets
        .iter()
        .map(Path::new)
        .find(|p| p.exists())
        .map(Path::to_path_buf)
        // Only images (no local path): the config is looked up from the current directory.
        .or_else(|| std::env::current_dir().ok());
    let cfg = Config::discover(args.output.config.as_deref(), first_path.as_deref())?;
    let setup = output::build_policy(&args.output, &cfg)?;
    let build_args = parse_build_args(&args.build_args)?;
    let redaction = super::redaction(args.output.show_secrets);
    let mut trusted = cfg.trusted_registries.clone();
    trusted.extend(args.trusted_registries.iter().cloned());
    let mut vulnerabilities = super::db::vuln_options(args.db.as_deref(), &cfg);
    vulnerabilities.enabled = !args.no_vulns;
    let (display, progress) = crate::progress::start(crate::progress::Mode::of(&args.output));
    let opts = ScanOptions {
        policy: setup.policy.clone(),
        scan_date,
        redaction,
        build_args,
        trusted_registries: trusted,
        use_build_context: !args.no_build_context,
        secret_rules: super::secrets::secret_rules(&cfg)?,
        keep_sources: !matches!(
            args.output.format,
            crate::cli::OutputFormat::Json
                | crate::cli::OutputFormat::Junit
                | crate::cli::OutputFormat::Github
        ),
        image_access: {
            let mut a = image_access(&args.source)?;
            a.timeout = a.timeout.or(cfg.timeout);
            a
        },
        vulnerabilities,
        offline: args.offline,
        scan_images: args.scan_images,
        report: setup.report.clone(),
        dockerfile: args.dockerfile.clone(),
        layer_cache: super::cache::scan_options(&args.cache, &cfg)?,
        progress,
    };
    let scanner = Scanner::new(opts)?;
    if args.fleet.active() {
        let code = super::fleet::run(&args, &scanner, &setup, scan_date);
        display.finish();
        return code;
    }
    let result = scanner.run(&args.targets);
    display.finish();
    let result = result?;
    output::finish(&args.output, &setup, scan_date.to_string(), result)
}

pub fn image_access(s: &SourceArgs) -> Result<ImageAccess> {
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
    Ok(ImageAccess {
        platform: s.platform.clone(),
        insecure: s.insecure || s.tls_verify == Some(false),
        ca_cert: s.ca_cert.first().cloned(),
        username: s.username.clone(),
        password,
        auth_file: s.authfile.clone(),
        timeout: s.timeout,
    })
}

pub fn parse_build_args(list: &[String]) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for a in list {
        match a.split_once('=') {
            Some((k, v)) if !k.is_empty() => {
                out.insert(k.to_string(), v.to_string());
            }
            _ => {
                // `--build-arg NAME` takes the value from the environment, as docker build does.
                let v = drydock_core::env::raw(a).with_context(|| {
                    format!("--build-arg `{a}`: expected K=V (or NAME set in the environment)")
                })?;
                out.insert(a.clone(), v);
            }
        }
    }
    Ok(out)
}
