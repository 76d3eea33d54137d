//! From findings to a rendered report and an exit code: the policy step, baselines,
//! colour choice and `--output`.

use crate::cli::{ColorChoice, OutputArgs, OutputFormat, SeverityArg};
use crate::config::Config;
use anyhow::{Context, Result};
use drydock_core::{Policy, RuleSelector, Severity};
use drydock_report::{Format, RenderOptions, Report, TargetError};
use drydock_scan::registry;
use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::sync::Mutex;

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
    /// `--exit-code`: the status for "findings remain" (default 1).
    pub exit_code: u8,
    /// Gates, `--skip`, `--ignore-unfixed`, `--severity`, baseline, ignore file, strict:
    /// applied by `Scanner::finish`.
    pub report: drydock_scan::ReportOptions,
}

/// `HIGH,critical` → severities; `unknown`/`negligible` (Trivy's words) read as info.
fn parse_severities(what: &str, list: &[String]) -> Result<Vec<Severity>> {
    list.iter()
        .flat_map(|s| s.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| match s.to_ascii_lowercase().as_str() {
            "unknown" | "negligible" => Ok(Severity::Info),
            _ => s
                .parse::<Severity>()
                .map_err(|e| anyhow::anyhow!("{what}: {e}")),
        })
        .collect()
}

/// `--select`/`--ignore` values (or the config's) as selectors; unknown ones are an error.
pub fn selectors(what: &str, list: &[String]) -> Result<Vec<RuleSelector>> {
    use drydock_core::RuleMeta;
    let reg = registry::get;
    let mut out = Vec::new();
    for s in list {
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
            out.push(sel);
        } else if let Some(tool) = foreign_without_rule(&sel.0) {
            // Migrating users keep their old ids: say why nothing changes, go on.
            diag!("drydock: warning: {what} `{s}`: {tool}");
        } else {
            anyhow::bail!(
                "{what} `{s}`: no rule, prefix or category of that name (see `drydock rules`)"
            )
        }
    }
    Ok(out)
}

/// Config file first, then flags (flags win). Unknown selectors are an error, so a typo in
/// `--ignore` cannot silently keep a rule on.
pub fn build_policy(args: &OutputArgs, cfg: &Config) -> Result<PolicySetup> {
    // The registry is built only when a selector or override needs it: `drydock scan`
    // builds it on another thread while the scan runs.
    let reg = registry::get;
    let check = selectors;
    use drydock_core::RuleMeta;
    let mut policy = Policy {
        select: check("--select", &cfg.select)?,
        ignore: check("--ignore", &cfg.ignore)?,
        ..Policy::default()
    };
    policy.select.extend(check("--select", &args.select)?);
    policy.ignore.extend(check("--ignore", &args.ignore)?);
    for (id, sev) in &cfg.severities {
        // A foreign id (`DL3008` in a .hadolint.yaml override) stands for its equivalents.
        let rules: Vec<&RuleMeta> = match reg().lookup(id) {
            Some(r) => vec![r],
            None => drydock_core::aliases::resolve(&reg().rules, id),
        };
        if rules.is_empty() {
            match foreign_without_rule(id) {
                Some(why) => {
                    diag!("drydock: warning: severity override `{id}`: {why}");
                    continue;
                }
                None => {
                    anyhow::bail!("configuration: severity override for unknown rule `{id}`")
                }
            }
        }
        for r in rules {
            policy.severity_overrides.insert(r.id.to_string(), *sev);
        }
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
    let fail_on_explicit = args.fail_on.is_some() || cfg.fail_on.is_some();
    let exit_code = args.exit_code.or(cfg.exit_code);
    if let Some(n) = exit_code {
        // Trivy: `--exit-code N` fails on any finding left after filtering; 0 never fails.
        if n == 0 {
            fail_on = NEVER;
        } else if !fail_on_explicit {
            fail_on = Some(Severity::Info);
        }
    }
    policy.fail_on = fail_on.unwrap_or(Severity::Critical);
    let mut sev_list = parse_severities("configuration report-severity", &cfg.report_severity)?;
    if !args.severity.is_empty() {
        sev_list = parse_severities("--severity", &args.severity)?;
    }
    use drydock_scan::efficiency_gate as gate;
    let img = &cfg.image;
    let value_str = |v: &toml::Value| match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let bad = |what: &str, e: String| anyhow::anyhow!("{what}: {e}");
    let mut gates = gate::Gates {
        min_efficiency: img.min_efficiency,
        max_wasted_bytes: img
            .max_wasted_bytes
            .as_ref()
            .map(|v| gate::parse_size(&value_str(v)))
            .transpose()
            .map_err(|e| bad("configuration [image] max-wasted-bytes", e))?,
        max_wasted_ratio: img
            .max_wasted_percent
            .as_ref()
            .map(|v| gate::parse_ratio(&value_str(v)))
            .transpose()
            .map_err(|e| bad("configuration [image] max-wasted-percent", e))?,
        severity: img.gate_severity,
    };
    if let Some(v) = args.min_efficiency {
        gates.min_efficiency = Some(v);
    }
    if let Some(v) = &args.max_wasted_bytes {
        gates.max_wasted_bytes =
            Some(gate::parse_size(v).map_err(|e| bad("--max-wasted-bytes", e))?);
    }
    if let Some(v) = &args.max_wasted_percent {
        gates.max_wasted_ratio =
            Some(gate::parse_ratio(v).map_err(|e| bad("--max-wasted-percent", e))?);
    }
    if let Some(e) = gates.min_efficiency {
        if !(0.0..=1.0).contains(&e) {
            anyhow::bail!("min-efficiency {e}: must be between 0 and 1");
        }
    }
    let mut skip = cfg.exclude.clone();
    skip.extend(args.skip.iter().cloned());
    Ok(PolicySetup {
        policy,
        fail_on,
        exit_code: exit_code
            .filter(|n| *n != 0)
            .unwrap_or(crate::EXIT_FINDINGS),
        report: drydock_scan::ReportOptions {
            gates,
            skip,
            ignore_unfixed: args.ignore_unfixed || cfg.ignore_unfixed,
            severities: (!sev_list.is_empty()).then_some(sev_list),
            baseline: args.baseline.clone(),
            ignore_file: args
                .ignorefile
                .clone()
                .or_else(|| cfg.ignore_file.as_deref().map(|p| cfg.resolve(p))),
            strict: args.strict,
        },
    })
}

/// Warnings already printed to standard error (a fleet run renders many reports).
static SAID: Mutex<Option<HashSet<String>>> = Mutex::new(None);

pub fn use_color(args: &OutputArgs) -> bool {
    if args.no_color || args.output.is_some() {
        return false;
    }
    match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => !drydock_core::env::no_color() && std::io::stdout().is_terminal(),
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
        OutputFormat::Gitlab => Format::Gitlab,
        OutputFormat::Table => Format::Table,
    }
}

/// Render the finished result (`Scanner::finish`) and return the exit code.
pub fn finish(
    args: &OutputArgs,
    setup: &PolicySetup,
    scan_date: String,
    result: drydock_scan::ScanResult,
) -> Result<u8> {
    finish_counted(args, setup, scan_date, result).map(|f| f.code)
}

/// What one rendered report held: its exit code and the reported findings per severity
/// (critical, high, medium, low, info), for the `--output-dir` summary.
pub struct Finished {
    pub code: u8,
    pub counts: [usize; 5],
}

/// [`finish`], also counting the findings the report shows.
pub fn finish_counted(
    args: &OutputArgs,
    setup: &PolicySetup,
    scan_date: String,
    result: drydock_scan::ScanResult,
) -> Result<Finished> {
    let reg = registry::get();
    // Summary lines (the base-image verdict) are for the terminal only.
    for w in result.warnings.iter().filter(|w| !w.in_report()) {
        diag!("drydock: {w}");
    }
    let warnings = result.report_warnings();
    if let Some(b) = &setup.report.baseline {
        let dropped = result.baseline_dropped;
        if dropped > 0 {
            diag!(
                "drydock: note: {dropped} finding{} already in the baseline {} not reported",
                if dropped == 1 { "" } else { "s" },
                b.display()
            );
        }
    }
    let drydock_scan::ScanResult {
        targets,
        findings,
        errors,
        suppressions,
        ignore_file: ignore,
        ..
    } = result;
    if args.ignore_check {
        return ignore_check_report(ignore.as_ref(), &suppressions, &errors).map(|code| Finished {
            code,
            counts: [0; 5],
        });
    }
    let lookup = |id: &str| reg.lookup(id);
    let report = Report {
        tool_version: env!("CARGO_PKG_VERSION"),
        information_uri: Some("https://github.com/drydock-scanner/drydock"),
        scan_date,
        targets,
        findings,
        rules: &lookup,
        fail_on: setup.fail_on,
        errors,
        warnings,
        suppressions,
    };
    let format = format_of(args.format);
    // Text on the terminal: errors go to stderr only, so each appears once there.
    let text_on_terminal = matches!(format, Format::Text | Format::Table) && args.output.is_none();
    let opts = RenderOptions {
        color: use_color(args),
        quiet: args.quiet,
        width: None,
        show_secrets_warning: args.show_secrets,
        errors_on_stderr: text_on_terminal,
        all: args.all,
        // Asking for info (or everything) is asking to see the noise the text view folds.
        show_info: matches!(
            args.min_severity,
            Some(SeverityArg::Info | SeverityArg::None)
        ),
    };
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
    // The text report on the terminal already shows warnings; elsewhere people read stderr.
    if !text_on_terminal {
        // A fleet run renders a report per target: a warning they share is said once.
        let mut said = SAID.lock().unwrap_or_else(|e| e.into_inner());
        for w in &report.warnings {
            if said.get_or_insert_with(HashSet::new).insert(w.to_string()) {
                diag!("drydock: warning: {w}");
            }
        }
    }
    for e in &report.errors {
        diag!("drydock: error: {}: {}", e.target, e.message);
    }
    let mut counts = [0usize; 5];
    for f in &report.findings {
        counts[match f.severity {
            Severity::Critical => 0,
            Severity::High => 1,
            Severity::Medium => 2,
            Severity::Low => 3,
            Severity::Info => 4,
        }] += 1;
    }
    let code = if !report.errors.is_empty() {
        crate::EXIT_ERROR
    } else if setup.fail_on.is_some() && setup.policy.fails(&report.findings) {
        setup.exit_code
    } else {
        crate::EXIT_CLEAN
    };
    Ok(Finished { code, counts })
}

/// `drydock ignore check`: the entries that suppressed nothing or have expired.
fn ignore_check_report(
    file: Option<&drydock_core::ignore::IgnoreFile>,
    outcomes: &[drydock_core::ignore::EntryOutcome],
    errors: &[TargetError],
) -> Result<u8> {
    let Some(file) = file else {
        anyhow::bail!("no ignore file: give --ignorefile FILE or create .drydockignore.yaml");
    };
    for e in errors {
        diag!("drydock: error: {}: {}", e.target, e.message);
    }
    let mut problems = 0;
    for o in outcomes {
        let why = o
            .reason
            .as_deref()
            .map(|r| format!(" — {r}"))
            .unwrap_or_default();
        if o.expired {
            problems += 1;
            outln!(
                "{}: expired on {} ({}){why}",
                o.entry,
                o.expires.as_deref().unwrap_or("?"),
                o.selects
            );
        } else if o.suppressed == 0 {
            problems += 1;
            outln!("{}: stale, matched nothing ({}){why}", o.entry, o.selects);
        }
    }
    let used = outcomes.len() - problems;
    outln!(
        "{}: {} entr{}, {used} in use, {problems} stale or expired",
        file.path.display(),
        outcomes.len(),
        if outcomes.len() == 1 { "y" } else { "ies" }
    );
    Ok(if !errors.is_empty() {
        crate::EXIT_ERROR
    } else if problems > 0 {
        crate::EXIT_FINDINGS
    } else {
        crate::EXIT_CLEAN
    })
}

/// For an id of another tool that no drydock rule lists as an equivalent: why (a
/// deliberately missing check, or an id drydock does not know). `None` for ids that do not
/// look foreign (those stay errors).
pub fn foreign_without_rule(id: &str) -> Option<String> {
    use drydock_core::aliases;
    if let Some(m) = aliases::missing(id) {
        return Some(format!(
            "{} check `{id}` has no drydock equivalent ({}); ignored",
            m.tool, m.reason
        ));
    }
    let bare = id.split_once(':').map_or(id, |(_, i)| i);
    aliases::foreign_tool(bare)
        .map(|tool| format!("{tool} check `{id}` has no drydock equivalent; ignored"))
}
