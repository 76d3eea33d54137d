//! `drydock secrets PATH…`: the secret engine alone over files and directories.

use crate::cli::SecretsArgs;
use crate::config::Config;
use crate::output;
use anyhow::Result;
use drydock_scan::secrets::{read_rules_file, SecretRules};
use drydock_scan::{RuleDef, ScanOptions, Scanner};
use std::path::Path;

/// The config's user secret rules as `(origin, rule)`: its `rules-file`, its inline
/// `[[secrets.rules]]` tables (origin: the config file), then `extra_file`
/// (`drydock rules check --rules-file`).
pub fn user_rules(cfg: &Config, extra_file: Option<&Path>) -> Result<Vec<(String, RuleDef)>> {
    let mut out = Vec::new();
    if let Some(p) = &cfg.secrets.rules_file {
        out.extend(read_rules_file(&cfg.resolve(p))?);
    }
    let origin = cfg
        .path
        .as_ref()
        .map_or_else(|| "drydock.toml".to_string(), |p| p.display().to_string());
    out.extend(
        cfg.secrets
            .rules
            .iter()
            .map(|d| (origin.clone(), d.clone())),
    );
    if let Some(p) = extra_file {
        out.extend(read_rules_file(p)?);
    }
    Ok(out)
}

/// The configuration's secret rules for the scanner (which compiles and checks them).
pub fn secret_rules(cfg: &Config) -> Result<SecretRules> {
    Ok(SecretRules {
        rules: user_rules(cfg, None)?,
        disable: cfg.secrets.disable.clone(),
    })
}

pub fn run(args: SecretsArgs) -> Result<u8> {
    let first = args.paths.iter().find(|p| p.exists()).cloned();
    let cfg = Config::discover(args.output.config.as_deref(), first.as_deref())?;
    let setup = output::build_policy(&args.output, &cfg)?;
    let secret_rules = secret_rules(&cfg)?;
    let redaction = super::redaction(args.output.show_secrets);
    let scan_date = super::scan_date(None)?;
    let (display, progress) = crate::progress::start(crate::progress::Mode::of(&args.output));
    let scanner = Scanner::new(ScanOptions {
        policy: setup.policy.clone(),
        scan_date,
        redaction,
        secret_rules,
        report: setup.report.clone(),
        progress,
        ..Default::default()
    })?;
    let result = scanner.scan_files(&args.paths);
    display.finish();
    let result = scanner.finish(result)?;
    output::finish(&args.output, &setup, scan_date.to_string(), result)
}
