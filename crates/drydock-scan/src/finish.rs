//! The step between the scan and the report, in the library so every caller reports the
//! same set: image efficiency gates (IM017), policy selection and severity overrides,
//! `--skip`/`exclude`, `--ignore-unfixed`, `--severity`, stable fingerprints, the
//! baseline, the ignore file, and unreadable walked files as warnings (unless strict).

use crate::{ScanResult, Warning, WarningLevel};
use anyhow::{Context, Result};
use drydock_core::ignore::{norm_path, IgnoreFile};
use drydock_core::{Severity, WarningKind};
use drydock_report::Target;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// What happens to findings between the scan and the report (the CLI's reporting flags).
#[derive(Clone, Debug, Default)]
pub struct ReportOptions {
    /// Image efficiency gates; a breached gate is an IM017 finding.
    pub gates: crate::efficiency_gate::Gates,
    /// `--skip`/`exclude` globs: files a directory walk finds are not scanned, findings in
    /// matching files or image paths are not reported. Files named as targets are scanned.
    pub skip: Vec<String>,
    /// Drop vulnerability findings without a fixed version.
    pub ignore_unfixed: bool,
    /// Report only these severities (`None`: all).
    pub severities: Option<Vec<Severity>>,
    /// An earlier JSON report: its findings (by fingerprint) are not reported again.
    pub baseline: Option<PathBuf>,
    /// The ignore file; `None` = `.drydockignore.yaml` discovered from the first local target.
    pub ignore_file: Option<PathBuf>,
    /// An unreadable file found by a directory walk is a target error, not a warning.
    pub strict: bool,
}

/// `--skip`/`exclude` compiled. Relative globs match at any depth (`vendor/**` skips
/// `app/vendor/x`), as in `.gitignore`; `dir` also skips everything below it.
#[derive(Clone, Debug, Default)]
pub(crate) struct Skip(Option<GlobSet>);

impl Skip {
    pub(crate) fn new(globs: &[String]) -> Result<Skip> {
        if globs.is_empty() {
            return Ok(Skip(None));
        }
        let mut b = GlobSetBuilder::new();
        for g in globs {
            let norm = norm_path(g.trim_end_matches('/'));
            for pat in [norm.clone(), format!("{norm}/**")] {
                b.add(
                    GlobBuilder::new(&pat)
                        .literal_separator(true)
                        .build()
                        .with_context(|| format!("--skip/exclude `{g}`: invalid glob"))?,
                );
            }
        }
        Ok(Skip(Some(
            b.build().context("--skip/exclude: invalid globs")?,
        )))
    }

    pub(crate) fn matches(&self, path: &str) -> bool {
        let Some(set) = &self.0 else {
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
}

/// The fingerprints of an earlier `--format json` report, and the version it used.
pub struct Baseline {
    pub fingerprints: HashSet<String>,
    /// 1: written before stable fingerprints (line-based); 2: current.
    pub version: u32,
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read baseline", path.display()))?;
        let v: serde_json::Value = serde_json::from_str(&text).with_context(|| {
            format!("{}: baseline is not a drydock JSON report", path.display())
        })?;
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
                .filter_map(|f| f.get("fingerprint")?.as_str().map(String::from))
                .collect(),
        })
    }
}

/// IM017 findings for every scanned image that breaches a configured gate.
fn gate_findings(
    targets: &[Target],
    gates: &crate::efficiency_gate::Gates,
) -> Vec<drydock_core::Finding> {
    if !gates.any() {
        return Vec::new();
    }
    targets
        .iter()
        .filter_map(|t| match t {
            Target::Image { name, summary } => Some(crate::efficiency_gate::evaluate(
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
fn first_local_target(targets: &[Target]) -> PathBuf {
    targets
        .iter()
        .find_map(|t| match t {
            Target::Dockerfile { path, .. } | Target::Runtime { path, .. } => Some(path.clone()),
            Target::Files { root } => Some(root.clone()),
            Target::Image { .. } => None,
        })
        .map(PathBuf::from)
        .filter(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from("."))
}

fn load_ignore_file(opts: &ReportOptions, targets: &[Target]) -> Result<Option<IgnoreFile>> {
    let path = match &opts.ignore_file {
        Some(p) => p.clone(),
        None => match IgnoreFile::discover(&first_local_target(targets)) {
            Some(p) => p,
            None => return Ok(None),
        },
    };
    let reg = crate::registry::get();
    let resolve = |r: &str| reg.lookup(r).map(|m| m.id.to_string());
    IgnoreFile::load(&path, &resolve)
        .map(Some)
        .map_err(|e| anyhow::anyhow!("{e}"))
}

impl crate::Scanner {
    /// Turn a scan's raw result into what is reported (see the module documentation).
    /// Errors: an unreadable baseline or ignore file.
    pub fn finish(&self, mut result: ScanResult) -> Result<ScanResult> {
        let opts = &self.opts.report;
        let reg = crate::registry::get();
        let mut all = std::mem::take(&mut result.findings);
        all.extend(gate_findings(&result.targets, &opts.gates));
        let mut findings = self.opts.policy.apply(all, |id| reg.lookup(id));
        findings.retain(|f| !f.location.path().is_some_and(|p| self.skip.matches(p)));
        if opts.ignore_unfixed {
            findings.retain(|f| {
                f.vulnerability
                    .as_ref()
                    .is_none_or(|v| v.fixed_version.is_some())
            });
        }
        if let Some(sevs) = &opts.severities {
            findings.retain(|f| sevs.contains(&f.severity));
        }
        // After selection, so a rule the user ignored merges nothing into another.
        let mut findings = crate::merge_root_causes(findings);
        // Version-1 fingerprints (set at construction) stay readable for old baselines.
        let legacy: Vec<String> = findings.iter().map(|f| f.fingerprint.clone()).collect();
        crate::stable_fingerprints(&mut findings, &result.targets);
        if let Some(b) = &opts.baseline {
            let known = Baseline::load(b)?;
            let before = findings.len();
            if known.version < drydock_core::finding::FINGERPRINT_VERSION {
                result.warnings.push(Warning::new(
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
            result.baseline_dropped = before - findings.len();
        }
        let ignore = load_ignore_file(opts, &result.targets)?;
        if let Some(file) = &ignore {
            let (outcomes, ws) = file.apply(&mut findings, self.opts.scan_date);
            result.suppressions = outcomes;
            result.warnings.extend(ws);
        }
        result.ignore_file = ignore;
        drydock_core::finding::sort_findings(&mut findings);
        findings.dedup_by(|a, b| a.fingerprint == b.fingerprint && a.message == b.message);
        result.findings = findings;
        // An unreadable file that a directory walk found is a warning, not a failed run.
        let walked = self.walked.lock().unwrap_or_else(|e| e.into_inner());
        let errors = std::mem::take(&mut result.errors);
        for e in errors {
            // Only read failures: a malformed file is still an error (exit 2).
            let unreadable =
                e.message.starts_with("cannot read") || e.message.contains("(binary content)");
            if !opts.strict && unreadable && walked.contains(&norm_path(&e.target)) {
                result.warnings.push(Warning::at(
                    WarningLevel::Warning,
                    WarningKind::Unreadable,
                    Some(&e.target),
                    format!("skipped: {} (--strict makes this an error)", e.message),
                ));
            } else {
                result.errors.push(e);
            }
        }
        // Several targets report the same gap (one database for many images): once.
        let mut seen = HashSet::new();
        result.warnings.retain(|w| seen.insert(w.clone()));
        Ok(result)
    }

    /// Plan, scan and finish: the reported result for command-line style targets.
    pub fn run<S: AsRef<str>>(&self, args: &[S]) -> Result<ScanResult> {
        let work = self.plan(args);
        self.finish(self.scan_many(&work))
    }
}
