//! From findings to a rendered report and an exit code: the policy step, baselines,
//! colour choice and `--output`.

use crate::cli::{ColorChoice, OutputArgs, OutputFormat, SeverityArg};
use crate::config::Config;
use crate::registry;
use anyhow::{Context, Result};
use drydock_core::{Finding, Policy, RuleSelector, Severity};
use drydock_report::{Format, RenderOptions, Report, Target, TargetError};
use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::path::Path;

pub fn severity_arg(s: SeverityArg) -> Option<Severity> {
    match s {
        SeverityArg::Critical => Some(Severity::Critical),
        SeverityArg::High => Some(Severity::High),
        SeverityArg::Medium => Some(Severity::Medium),
        SeverityArg::Low => Some(Severity::Low),
        SeverityArg::Info => Some(Severity::Info),
        SeverityArg::None => None,
    }
}

/// Above every real severity: `--fail-on none` never fails.
const NEVER: Option<Severity> = None;

pub struct PolicySetup {
    pub policy: Policy,
    /// `None` = never fail on findings.
    pub fail_on: Option<Severity>,
}

/// Config file first, then flags (flags win). Unknown selectors are an error, so a typo in
/// `--ignore` cannot silently keep a rule on.
pub fn build_policy(args: &OutputArgs, cfg: &Config) -> Result<PolicySetup> {
    // The registry is built only when a selector or override needs it: `drydock scan`
    // builds it on another thread while the scan runs.
    let reg = registry::get;
    let check = |what: &str, list: &[String]| -> Result<Vec<RuleSelector>> {
        list.iter()
            .map(|s| {
                let sel = RuleSelector(s.trim().to_string());
                let known_category = [
                    "secret",
                    "secret-exposure",
                    "sensitive-file",
                    "user",
                    "base-image",
                    "supply-chain",
                    "permissions",
                    "vulnerability",
                    "runtime",
                    "efficiency",
                    "best-practice",
                ]
                .contains(&sel.0.as_str());
                let all: Vec<RuleMeta> = reg().rules.iter().map(|r| **r).collect();
                if known_category || sel.matches_any_rule(&all) {
                    Ok(sel)
                } else {
                    anyhow::bail!("{what} `{s}`: no rule, prefix or category of that name (see `drydock rules`)")
                }
            })
            .collect()
    };
    use drydock_core::RuleMeta;
    let mut policy = Policy {
        select: check("--select", &cfg.select)?,
        ignore: check("--ignore", &cfg.ignore)?,
        ..Policy::default()
    };
    policy.select.extend(check("--select", &args.select)?);
    policy.ignore.extend(check("--ignore", &args.ignore)?);
    for (id, sev) in &cfg.severities {
        if reg().lookup(id).is_none() {
            anyhow::bail!("configuration: severity override for unknown rule `{id}`");
        }
        policy
            .severity_overrides
            .insert(reg().lookup(id).unwrap().id.to_string(), *sev);
    }
    let mut fail_on = Some(Severity::High);
    if let Some(f) = &cfg.fail_on {
        fail_on = if f.eq_ignore_ascii_case("none") {
            NEVER
        } else {
            Some(
                f.parse::<Severity>()
                    .map_err(|e| anyhow::anyhow!("configuration fail-on: {e}"))?,
            )
        };
    }
    if let Some(f) = args.fail_on {
        fail_on = severity_arg(f);
    }
    if let Some(m) = args.min_severity.and_then(severity_arg) {
        policy.min_severity = m;
    }
    policy.fail_on = fail_on.unwrap_or(Severity::Critical);
    Ok(PolicySetup { policy, fail_on })
}

/// Fingerprints of an earlier `--format json` report.
pub fn load_baseline(path: &Path) -> Result<HashSet<String>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read baseline", path.display()))?;
    let v: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{}: baseline is not a drydock JSON report", path.display()))?;
    let list = v
        .get("findings")
        .and_then(|f| f.as_array())
        .with_context(|| format!("{}: baseline has no `findings` array", path.display()))?;
    Ok(list
        .iter()
        .filter_map(|f| {
            f.get("fingerprint")
                .and_then(|x| x.as_str())
                .map(String::from)
        })
        .collect())
}

pub fn use_color(args: &OutputArgs) -> bool {
    if args.no_color || args.output.is_some() {
        return false;
    }
    match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    }
}

fn format_of(f: OutputFormat) -> Format {
    match f {
        OutputFormat::Text => Format::Text,
        OutputFormat::Json => Format::Json,
        OutputFormat::Sarif => Format::Sarif,
        OutputFormat::Junit => Format::Junit,
        OutputFormat::Github => Format::Github,
        OutputFormat::Markdown => Format::Markdown,
        OutputFormat::Html => Format::Html,
        OutputFormat::Table => Format::Table,
    }
}

pub struct Outcome {
    pub targets: Vec<Target>,
    pub findings: Vec<Finding>,
    pub errors: Vec<TargetError>,
}

/// Apply the policy and baseline, render, and return the exit code.
pub fn finish(
    args: &OutputArgs,
    setup: &PolicySetup,
    scan_date: String,
    outcome: Outcome,
) -> Result<u8> {
    let reg = registry::get();
    let mut findings = setup.policy.apply(outcome.findings, |id| reg.lookup(id));
    if let Some(b) = &args.baseline {
        let known = load_baseline(b)?;
        let before = findings.len();
        findings.retain(|f| !known.contains(&f.fingerprint));
        let dropped = before - findings.len();
        if dropped > 0 {
            diag!(
                "drydock: note: {dropped} finding{} already in the baseline {} not reported",
                if dropped == 1 { "" } else { "s" },
                b.display()
            );
        }
    }
    drydock_core::finding::sort_findings(&mut findings);
    findings.dedup_by(|a, b| a.fingerprint == b.fingerprint && a.message == b.message);
    let lookup = |id: &str| reg.lookup(id);
    let report = Report {
        tool_version: env!("CARGO_PKG_VERSION"),
        information_uri: Some("https://github.com/drydock-scanner/drydock"),
        scan_date,
        targets: outcome.targets,
        findings,
        rules: &lookup,
        fail_on: setup.fail_on,
        errors: outcome.errors,
    };
    let opts = RenderOptions {
        color: use_color(args),
        quiet: args.quiet,
        width: None,
        show_secrets_warning: args.show_secrets,
        all: args.all,
        // Asking for info (or everything) is asking to see the noise the text view folds.
        show_info: matches!(
            args.min_severity,
            Some(SeverityArg::Info | SeverityArg::None)
        ),
    };
    let format = format_of(args.format);
    match &args.output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .with_context(|| format!("{}: cannot create output file", path.display()))?;
            // Renderers write many small pieces: buffer them into few system calls.
            let mut file = std::io::BufWriter::with_capacity(1 << 16, file);
            drydock_report::render(format, &report, &opts, &mut file)
                .and_then(|_| file.flush())
                .with_context(|| format!("{}: cannot write report", path.display()))?;
        }
        None => {
            // Stdout is line-buffered: without this, pretty JSON costs a write per line.
            let mut lock = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            let written = drydock_report::render(format, &report, &opts, &mut lock)
                .and_then(|_| lock.flush());
            if let Err(e) = written {
                // A closed pipe (`drydock … | head`) is not an error worth a message.
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    return Err(e).context("cannot write report to standard output");
                }
            }
        }
    }
    for e in &report.errors {
        diag!("drydock: error: {}: {}", e.target, e.message);
    }
    if !report.errors.is_empty() {
        return Ok(crate::EXIT_ERROR);
    }
    let failing = setup.fail_on.is_some() && setup.policy.fails(&report.findings);
    Ok(if failing {
        crate::EXIT_FINDINGS
    } else {
        crate::EXIT_CLEAN
    })
}
