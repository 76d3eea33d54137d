//! The per-image verdict on the base: counts by severity, how many findings an upgrade
//! would clear, and an outdated/end-of-life message.
use drydock_core::{Finding, Location, Severity};
use std::collections::BTreeMap;

/// End-of-life facts about the image's distribution release, as the EOL table gives them
/// (`drydock_core::eol` when present; the caller fills this in).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EolInfo {
    /// `Debian 10 (buster)`.
    pub release: String,
    pub is_eol: bool,
    /// `2024-06-30`.
    pub eol_date: Option<String>,
    /// The release to move to (`debian:12`).
    pub upgrade_to: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Verdict {
    pub by_severity: BTreeMap<Severity, usize>,
    pub total: usize,
    /// Findings with a fixed version available (cleared by upgrading packages / rebuilding).
    pub fixable: usize,
    /// Of those, in packages from the base image layers (cleared by a newer base).
    pub fixable_in_base: usize,
    pub outdated: bool,
    /// One or two sentences for the report.
    pub message: String,
}

/// Summarise vulnerability findings of one image. `base_layers` is the number of layers
/// that come from the base image, when known.
pub fn base_image_verdict(
    findings: &[Finding],
    base_layers: Option<usize>,
    eol: Option<&EolInfo>,
) -> Verdict {
    let mut v = Verdict::default();
    for f in findings.iter().filter(|f| f.vulnerability.is_some()) {
        *v.by_severity.entry(f.severity).or_default() += 1;
        v.total += 1;
        let fixed = f
            .vulnerability
            .as_ref()
            .is_some_and(|x| x.fixed_version.is_some());
        if fixed {
            v.fixable += 1;
            let in_base = match (&f.location, base_layers) {
                (Location::Package { layer: Some(l), .. }, Some(b)) => *l < b,
                _ => false,
            };
            if in_base {
                v.fixable_in_base += 1;
            }
        }
    }
    let counts: Vec<String> = Severity::ALL
        .iter()
        .filter_map(|s| v.by_severity.get(s).map(|n| format!("{n} {s}")))
        .collect();
    let mut msg = if v.total == 0 {
        "no known vulnerabilities in the installed packages".to_string()
    } else {
        format!(
            "{} known vulnerabilities ({}); {} would be fixed by upgrading to the newest fixed versions",
            v.total,
            counts.join(", "),
            v.fixable
        )
    };
    if base_layers.is_some() && v.fixable_in_base > 0 {
        msg.push_str(&format!(
            ", {} of them in base-image packages: rebuild with `--pull` on a current tag of the base image",
            v.fixable_in_base
        ));
    }
    if let Some(e) = eol.filter(|e| e.is_eol) {
        v.outdated = true;
        msg.push_str(&format!(
            ". {} is end-of-life{} and gets no more security fixes: rebuild on {}",
            e.release,
            e.eol_date
                .as_deref()
                .map(|d| format!(" since {d}"))
                .unwrap_or_default(),
            e.upgrade_to.as_deref().unwrap_or("a supported release")
        ));
    } else if v.fixable_in_base > 0 {
        v.outdated = true;
    }
    v.message = msg;
    v
}
