//! From findings to a rendered report and an exit code: the policy step, baselines,
//! colour choice and `--output`.

use crate::cli::{ColorChoice, OutputArgs, OutputFormat, SeverityArg};
use crate::config::Config;
use anyhow::{Context, Result};
use drydock_core::ignore::norm_path;
use drydock_core::{Finding, Policy, RuleSelector, Severity, Warning, WarningKind};
use drydock_report::{Format, RenderOptions, Report, Target, TargetError};
use drydock_scan::registry;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::path::Path;
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
    /// `--severity`: only these are reported (`None`: all).
    pub report_severities: Option<Vec<Severity>>,
    /// `--exit-code`: the status for "findings remain" (default 1).
    pub exit_code: u8,
    pub ignore_unfixed: bool,
    pub gates: drydock_scan::efficiency_gate::Gates,
    /// Explicit ignore file (flag, else config); else discovered from the first target.
    pub ignore_file: Option<std::path::PathBuf>,
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
    set_skip(&skip)?;
    set_strict(args.strict);
    Ok(PolicySetup {
        policy,
        fail_on,
        report_severities: (!sev_list.is_empty()).then_some(sev_list),
        exit_code: exit_code
            .filter(|n| *n != 0)
            .unwrap_or(crate::EXIT_FINDINGS),
        ignore_unfixed: args.ignore_unfixed || cfg.ignore_unfixed,
        gates,
        ignore_file: args
            .ignorefile
            .clone()
            .or_else(|| cfg.ignore_file.as_deref().map(|p| cfg.resolve(p))),
    })
}

/// Fingerprints of an earlier `--format json` report, and the fingerprint version it used.
pub struct Baseline {
    pub fingerprints: HashSet<String>,
    /// 1: written before stable fingerprints (line-based); 2: current.
    pub version: u32,
}

pub fn load_baseline(path: &Path) -> Result<Baseline> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read baseline", path.display()))?;
    let v: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{}: baseline is not a drydock JSON report", path.display()))?;
    let list = v
        .get("findings")
        .and_then(|f| f.as_array())
        .with_context(|| format!("{}: baseline has no `findings` array", path.display()))?;
    let version = v
        .get("fingerprint_version")
        .and_then(|x| x.as_u64())
        .unwrap_or(1) as u32;
    if version > drydock_core::finding::FINGERPRINT_VERSION {
        anyhow::bail!(
            "{}: baseline uses fingerprint version {version}, newer than this drydock understands ({}); upgrade drydock or regenerate the baseline",
            path.display(),
            drydock_core::finding::FINGERPRINT_VERSION
        );
    }
    Ok(Baseline {
        version,
        fingerprints: list
            .iter()
            .filter_map(|f| {
                f.get("fingerprint")
                    .and_then(|x| x.as_str())
                    .map(String::from)
            })
            .collect(),
    })
}

// Run-wide state the scan's many call sites feed without threading it through every
// signature (the scan driver is shared by several commands): warnings, the skip globs and
// the files a directory walk found.
static WARNINGS: Mutex<Vec<Warning>> = Mutex::new(Vec::new());
static SKIP: Mutex<Option<GlobSet>> = Mutex::new(None);
static WALKED: Mutex<Option<HashSet<String>>> = Mutex::new(None);
static STRICT: Mutex<bool> = Mutex::new(false);

/// Record a run warning for the report (duplicates are kept once).
pub fn warn(w: Warning) {
    let mut v = WARNINGS.lock().unwrap_or_else(|e| e.into_inner());
    if !v.contains(&w) {
        v.push(w);
    }
}

fn set_strict(on: bool) {
    *STRICT.lock().unwrap_or_else(|e| e.into_inner()) = on;
}

fn set_skip(globs: &[String]) -> Result<()> {
    let set = if globs.is_empty() {
        None
    } else {
        let mut b = GlobSetBuilder::new();
        for g in globs {
            let norm = norm_path(g.trim_end_matches('/'));
            // `dir/` or `dir` also skips everything below it.
            for pat in [norm.clone(), format!("{norm}/**")] {
                b.add(
                    GlobBuilder::new(&pat)
                        .literal_separator(true)
                        .build()
                        .with_context(|| format!("--skip/exclude `{g}`: invalid glob"))?,
                );
            }
        }
        Some(
            b.build()
                .with_context(|| "--skip/exclude: invalid globs".to_string())?,
        )
    };
    *SKIP.lock().unwrap_or_else(|e| e.into_inner()) = set;
    Ok(())
}

/// Does `--skip`/`exclude` match this file, directory or image path? Relative globs match
/// at any depth (`vendor/**` skips `app/vendor/x`), as in `.gitignore`.
pub fn is_skipped(path: &str) -> bool {
    let guard = SKIP.lock().unwrap_or_else(|e| e.into_inner());
    let Some(set) = guard.as_ref() else {
        return false;
    };
    let p = norm_path(path);
    let mut rest = p.as_str();
    loop {
        if set.is_match(rest) {
            return true;
        }
        match rest.split_once('/') {
            Some((_, r)) => rest = r,
            None => return false,
        }
    }
}

/// Files a directory walk found: drops skipped ones and remembers the rest, so that one
/// unreadable file among them is a warning rather than a failed run (unless `--strict`).
pub fn walked(files: Vec<std::path::PathBuf>) -> Vec<std::path::PathBuf> {
    let kept: Vec<std::path::PathBuf> = files
        .into_iter()
        .filter(|p| !is_skipped(&p.to_string_lossy()))
        .collect();
    let mut w = WALKED.lock().unwrap_or_else(|e| e.into_inner());
    let set = w.get_or_insert_with(HashSet::new);
    for p in &kept {
        set.insert(norm_path(&p.to_string_lossy()));
    }
    kept
}

fn take_walked() -> HashSet<String> {
    WALKED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take()
        .unwrap_or_default()
}

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

pub struct Outcome {
    pub targets: Vec<Target>,
    pub findings: Vec<Finding>,
    pub errors: Vec<TargetError>,
}

/// IM017 findings for every scanned image that breaches a configured gate.
fn gate_findings(targets: &[Target], gates: &drydock_scan::efficiency_gate::Gates) -> Vec<Finding> {
    if !gates.any() {
        return Vec::new();
    }
    targets
        .iter()
        .filter_map(|t| match t {
            Target::Image { name, summary } => Some(drydock_scan::efficiency_gate::evaluate(
                name,
                summary.platform.as_deref(),
                summary.efficiency,
                summary.waste_bytes,
                summary.size,
                gates,
            )),
            _ => None,
        })
        .flatten()
        .collect()
}

/// The directory the ignore file is looked up from: the first local target, else here.
fn first_local_target(targets: &[Target]) -> std::path::PathBuf {
    targets
        .iter()
        .find_map(|t| match t {
            Target::Dockerfile { path, .. } | Target::Runtime { path, .. } => Some(path.clone()),
            Target::Files { root } => Some(root.clone()),
            Target::Image { .. } => None,
        })
        .map(std::path::PathBuf::from)
        .filter(|p| p.exists())
        .unwrap_or_else(|| std::path::PathBuf::from("."))
}

fn load_ignore_file(
    setup: &PolicySetup,
    targets: &[Target],
) -> Result<Option<drydock_core::ignore::IgnoreFile>> {
    let path = match &setup.ignore_file {
        Some(p) => p.clone(),
        None => match drydock_core::ignore::IgnoreFile::discover(&first_local_target(targets)) {
            Some(p) => p,
            None => return Ok(None),
        },
    };
    let reg = registry::get();
    let resolve = |r: &str| reg.lookup(r).map(|m| m.id.to_string());
    drydock_core::ignore::IgnoreFile::load(&path, &resolve)
        .map(Some)
        .map_err(|e| anyhow::anyhow!("{e}"))
}

/// Apply the policy, filters, baseline and ignore file, render, and return the exit code.
pub fn finish(
    args: &OutputArgs,
    setup: &PolicySetup,
    scan_date: String,
    outcome: Outcome,
) -> Result<u8> {
    let reg = registry::get();
    let mut all = outcome.findings;
    all.extend(gate_findings(&outcome.targets, &setup.gates));
    let mut findings = setup.policy.apply(all, |id| reg.lookup(id));
    findings.retain(|f| !f.location.path().is_some_and(is_skipped));
    if setup.ignore_unfixed {
        findings.retain(|f| {
            f.vulnerability
                .as_ref()
                .is_none_or(|v| v.fixed_version.is_some())
        });
    }
    if let Some(sevs) = &setup.report_severities {
        findings.retain(|f| sevs.contains(&f.severity));
    }
    // Version-1 fingerprints (set at construction) stay readable for old baselines.
    let legacy: Vec<String> = findings.iter().map(|f| f.fingerprint.clone()).collect();
    drydock_scan::stable_fingerprints(&mut findings, &outcome.targets);
    if let Some(b) = &args.baseline {
        let known = load_baseline(b)?;
        let before = findings.len();
        if known.version < drydock_core::finding::FINGERPRINT_VERSION {
            warn(Warning::new(
                WarningKind::Other,
                format!(
                    "baseline {} was written by an older drydock (fingerprint version {}, based on line numbers): it still applies but breaks when lines move; regenerate it with `drydock scan … --format json -o {}`",
                    b.display(),
                    known.version,
                    b.display()
                ),
            ));
            let mut i = 0;
            findings.retain(|_| {
                i += 1;
                !known.fingerprints.contains(&legacy[i - 1])
            });
        } else {
            findings.retain(|f| !known.fingerprints.contains(&f.fingerprint));
        }
        let dropped = before - findings.len();
        if dropped > 0 {
            diag!(
                "drydock: note: {dropped} finding{} already in the baseline {} not reported",
                if dropped == 1 { "" } else { "s" },
                b.display()
            );
        }
    }
    let today = drydock_core::eol::Date::parse(&scan_date)
        .unwrap_or_else(|_| drydock_core::eol::Date::today());
    let mut suppressions = Vec::new();
    let ignore = load_ignore_file(setup, &outcome.targets)?;
    if let Some(file) = &ignore {
        let (outcomes, ws) = file.apply(&mut findings, today);
        suppressions = outcomes;
        for w in ws {
            warn(w);
        }
    }
    drydock_core::finding::sort_findings(&mut findings);
    findings.dedup_by(|a, b| a.fingerprint == b.fingerprint && a.message == b.message);
    // An unreadable file that a directory walk found is a warning, not a failed run.
    let walked = take_walked();
    let strict = *STRICT.lock().unwrap_or_else(|e| e.into_inner());
    let mut errors = Vec::new();
    for e in outcome.errors {
        // Only read failures: a malformed file is still an error (exit 2).
        let unreadable =
            e.message.starts_with("cannot read") || e.message.contains("(binary content)");
        if !strict && unreadable && walked.contains(&norm_path(&e.target)) {
            warn(
                Warning::new(
                    WarningKind::Unreadable,
                    format!("skipped: {} (--strict makes this an error)", e.message),
                )
                .with_target(e.target),
            );
        } else {
            errors.push(e);
        }
    }
    let warnings = std::mem::take(&mut *WARNINGS.lock().unwrap_or_else(|e| e.into_inner()));
    if args.ignore_check {
        return ignore_check_report(ignore.as_ref(), &suppressions, &errors);
    }
    let lookup = |id: &str| reg.lookup(id);
    let report = Report {
        tool_version: env!("CARGO_PKG_VERSION"),
        information_uri: Some("https://github.com/drydock-scanner/drydock"),
        scan_date,
        targets: outcome.targets,
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
        for w in &report.warnings {
            diag!("drydock: warning: {w}");
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
        setup.exit_code
    } else {
        crate::EXIT_CLEAN
    })
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
