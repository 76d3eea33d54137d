//! `drydock secrets PATH…`: the secret engine alone over files and directories.

use crate::cli::SecretsArgs;
use crate::config::Config;
use crate::output::{self, Outcome};
use anyhow::{Context, Result};
use drydock_core::Redaction;
use drydock_report::{Target, TargetError};
use std::sync::Arc;

/// `None` = the built-in engine; else one with the config's extra rules file and disabled rules.
pub fn engine_from_config(cfg: &Config) -> Result<Option<Arc<drydock_secrets::Engine>>> {
    if cfg.secrets.rules_file.is_none() && cfg.secrets.disable.is_empty() {
        return Ok(None);
    }
    let (origin, extra) = match &cfg.secrets.rules_file {
        Some(p) => {
            let p = cfg.resolve(p);
            let text = std::fs::read_to_string(&p)
                .with_context(|| format!("{}: cannot read secret rules file", p.display()))?;
            (p.display().to_string(), Some(text))
        }
        None => (String::new(), None),
    };
    let extras: Vec<(&str, &str)> = extra
        .as_deref()
        .map(|t| vec![(origin.as_str(), t)])
        .unwrap_or_default();
    let disabled: Vec<&str> = cfg.secrets.disable.iter().map(String::as_str).collect();
    let engine = drydock_secrets::Engine::with_rules(&extras, &disabled)
        .map_err(|e| anyhow::anyhow!("secret rules: {e}"))?;
    Ok(Some(Arc::new(engine)))
}

pub fn run(args: SecretsArgs) -> Result<u8> {
    let first = args.paths.iter().find(|p| p.exists()).cloned();
    let cfg = Config::discover(args.output.config.as_deref(), first.as_deref())?;
    let setup = output::build_policy(&args.output, &cfg)?;
    let engine = engine_from_config(&cfg)?;
    let redaction = if args.output.show_secrets {
        eprintln!("drydock: warning: --show-secrets: the report contains secrets in full; do not share or store it");
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
