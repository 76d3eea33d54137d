//! The vulnerability rules. One file per rule, each carrying its documentation.
//! The matcher finds which advisories affect which package; VU001/VU002 decide how a
//! match is reported, VU003 judges the base image from the verdict.
pub(crate) mod vu001;
pub(crate) mod vu002;
pub(crate) mod vu003;

pub use vu001::META as VU001;
pub use vu002::META as VU002;
pub use vu003::META as VU003;

use crate::package::Package;
use drydock_core::{Confidence, Finding, Location, RuleMeta, Severity, VulnerabilityInfo};

/// Every rule of this crate, for the CLI's registry and `drydock explain`.
pub fn rules() -> &'static [&'static RuleMeta] {
    &[&VU001, &VU002, &VU003]
}

/// One advisory (group of aliases) matched against one installed package: what the VU
/// rules decide on.
pub struct VulnMatch<'a> {
    pub package: &'a Package,
    /// `name version [source package] is affected by ID (aliases): summary`.
    pub described: String,
    /// ` — from the base image [severity note]`.
    pub tail: String,
    pub ecosystem: String,
    /// The lowest fixed version above the installed one, if the ecosystem has one.
    pub fixed: Option<String>,
    pub severity: Severity,
    pub confidence: Confidence,
    pub location: Location,
    pub info: VulnerabilityInfo,
}

impl VulnMatch<'_> {
    /// A finding of `rule` with `message` and `fix`, rated as the advisory is.
    pub fn finding(&self, rule: &drydock_core::RuleMeta, message: String, fix: String) -> Finding {
        Finding::from_rule(rule, message, self.location.clone())
            .with_severity(self.severity)
            .with_confidence(self.confidence)
            .with_fix(fix)
            .with_vulnerability(self.info.clone())
    }
}
