//! The OSV schema (1.x) as far as matching needs it. Unknown fields (and the large ones
//! drydock does not keep: `details`, `references`, `credits`) are skipped without
//! allocating, so newer schema minors import fine and imports stay fast.
use drydock_core::Severity;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Clone, Debug, Default, Deserialize)]
pub struct OsvRecord {
    pub id: String,
    #[serde(default)]
    pub modified: Option<String>,
    #[serde(default)]
    pub published: Option<String>,
    #[serde(default)]
    pub withdrawn: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub upstream: Vec<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub severity: Vec<OsvSeverity>,
    #[serde(default)]
    pub affected: Vec<Affected>,
    #[serde(default)]
    pub database_specific: Option<Value>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct OsvSeverity {
    #[serde(rename = "type")]
    pub kind: String,
    pub score: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct Affected {
    #[serde(default)]
    pub package: Option<PackageRef>,
    #[serde(default)]
    pub severity: Vec<OsvSeverity>,
    #[serde(default)]
    pub ranges: Vec<Range>,
    #[serde(default)]
    pub versions: Vec<String>,
    #[serde(default)]
    pub ecosystem_specific: Option<Value>,
    #[serde(default)]
    pub database_specific: Option<Value>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct PackageRef {
    #[serde(default)]
    pub ecosystem: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub purl: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
pub struct Range {
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    #[serde(default)]
    pub events: Vec<Event>,
}

/// One event of a range. OSV puts exactly one of these keys in each event object.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
pub struct Event {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introduced: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_affected: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
}

/// What the database keeps per (advisory, affected package): compact and enough to match.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
pub struct StoredAffected {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<Range>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
    /// The ecosystem's own rating for this package (Debian urgency, Ubuntu priority, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<Severity>,
}

/// Map a vendor rating word (Debian urgency, Ubuntu priority, GHSA severity, Red Hat
/// impact) to drydock's scale. `None` for "not yet assigned" and unknown words.
pub fn rating_to_severity(word: &str) -> Option<Severity> {
    let w = word
        .trim()
        .trim_end_matches('*')
        .trim()
        .to_ascii_lowercase();
    Some(match w.as_str() {
        "critical" => Severity::Critical,
        "high" | "important" => Severity::High,
        "medium" | "moderate" => Severity::Medium,
        "low" => Severity::Low,
        "negligible" | "unimportant" | "none" => Severity::Info,
        _ => return None,
    })
}

fn rating_in(v: Option<&Value>) -> Option<Severity> {
    let o = v?.as_object()?;
    for key in [
        "severity",
        "urgency",
        "priority",
        "ubuntu_priority",
        "cvss_severity",
    ] {
        if let Some(s) = o.get(key).and_then(Value::as_str) {
            if let Some(sev) = rating_to_severity(s) {
                return Some(sev);
            }
        }
    }
    None
}

impl OsvRecord {
    /// Vendor rating: OSV `severity` entries of a non-CVSS type (`Ubuntu`), then
    /// `ecosystem_specific` / `database_specific` fields of the affected entry or record.
    pub fn rating_for(&self, a: &Affected) -> Option<Severity> {
        let typed = |list: &[OsvSeverity]| {
            list.iter()
                .filter(|s| !s.kind.starts_with("CVSS"))
                .find_map(|s| rating_to_severity(&s.score))
        };
        typed(&a.severity)
            .or_else(|| rating_in(a.ecosystem_specific.as_ref()))
            .or_else(|| rating_in(a.database_specific.as_ref()))
            .or_else(|| typed(&self.severity))
            .or_else(|| rating_in(self.database_specific.as_ref()))
    }

    /// Highest CVSS base score among the record's and its affected entries' vectors.
    pub fn cvss_score(&self) -> Option<f64> {
        self.severity
            .iter()
            .chain(self.affected.iter().flat_map(|a| a.severity.iter()))
            .filter_map(|s| crate::cvss::base_score(&s.score))
            .reduce(f64::max)
    }
}
