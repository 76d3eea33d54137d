//! `drydock secrets PATH…`: the secret engine alone over files and directories.

use crate::cli::SecretsArgs;
use crate::config::Config;
use crate::output::{self, Outcome};
use anyhow::{Context, Result};
use drydock_core::Redaction;
use drydock_report::{Target, TargetError};
use std::path::Path;
use std::sync::Arc;

/// The config's user secret rules as `(origin, rule)`: its `rules-file`, its inline
/// `[[secrets.rules]]` tables (origin: the config file), then `extra_file`
/// (`drydock rules check --rules-file`).
pub fn user_rules(
    cfg: &Config,
    extra_file: Option<&Path>,
) -> Result<Vec<(String, drydock_secrets::RuleDef)>> {
    let mut out = Vec::new();
    let read_file = |p: &Path, out: &mut Vec<(String, drydock_secrets::RuleDef)>| {
        let text = std::fs::read_to_string(p)
            .with_context(|| format!("{}: cannot read secret rules file", p.display()))?;
        let origin = p.display().to_string();
        let defs = drydock_secrets::parse_rules_file(&origin, &text)
            .map_err(|e| anyhow::anyhow!("secret rules: {e}"))?;
        out.extend(defs.into_iter().map(|d| (origin.clone(), d)));
        anyhow::Ok(())
    };
    if let Some(p) = &cfg.secrets.rules_file {
        read_file(&cfg.resolve(p), &mut out)?;
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
        read_file(p, &mut out)?;
    }
    Ok(out)
}

/// `None` = the built-in engine; else one with the config's user rules (rules file and
/// inline) and without its disabled rules. User rules are checked like `drydock rules
/// check` does (at least one example and one negative example, examples match, negative
/// examples do not): a broken rule is an error before anything is scanned.
pub fn engine_from_config(cfg: &Config) -> Result<Option<Arc<drydock_secrets::Engine>>> {
    if cfg.secrets.rules_file.is_none()
        && cfg.secrets.rules.is_empty()
        && cfg.secrets.disable.is_empty()
    {
        return Ok(None);
    }
    let defs = user_rules(cfg, None)?;
    let disabled: Vec<&str> = cfg.secrets.disable.iter().map(String::as_str).collect();
    let engine = drydock_secrets::Engine::with_rule_defs(defs, &disabled)
        .map_err(|e| anyhow::anyhow!("secret rules: {e}"))?;
    drydock_secrets::check_user_rules(&engine).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(Some(Arc::new(engine)))
}

pub fn run(args: SecretsArgs) -> Result<u8> {
    let first = args.paths.iter().find(|p| p.exists()).cloned();
    let cfg = Config::discover(args.output.config.as_deref(), first.as_deref())?;
    let setup = output::build_policy(&args.output, &cfg)?;
    let engine = engine_from_config(&cfg)?;
    let redaction = if args.output.show_secrets {
        diag!("drydock: warning: --show-secrets: the report contains secrets in full; do not share or store it");
        Redaction::Show
    } else {
        Redaction::Redact
    };
    let mut outcome = Outcome {
        targets: Vec::new(),
        findings: Vec::new(),
        errors: Vec::new(),
    };
    let mut roots = Vec::new();
    for p in &args.paths {
        if !p.exists() {
            outcome.errors.push(TargetError {
                target: p.display().to_string(),
                message: "no such file or directory".into(),
            });
        } else {
            roots.push(p.clone());
        }
    }
    let opts = drydock_secrets::TreeScanOptions {
        redaction,
        engine,
        ..Default::default()
    };
    match drydock_secrets::scan_tree(&roots, &opts) {
        Ok(findings) => outcome.findings = findings,
        Err(e) => outcome.errors.push(TargetError {
            target: roots
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(" "),
            message: e.to_string(),
        }),
    }
    for r in roots {
        outcome.targets.push(Target::Files {
            root: r.display().to_string(),
        });
    }
    output::finish(&args.output, &setup, super::scan_date(None)?, outcome)
}
