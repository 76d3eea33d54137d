//! Run warnings: things a report must say so it does not read as "all clear" when part of
//! the scan did not happen (no vulnerability database, a file skipped, an expired exception).
//! Analyzers and the scan driver return them as data; every report format carries them.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What kind of gap a warning reports; the spelling is part of the JSON interface.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WarningKind {
    /// No vulnerability database: packages were inventoried but not matched.
    VulnDbMissing,
    /// The vulnerability database is older than the staleness limit.
    VulnDbStale,
    /// An ignore-file entry is past its `expires` date and no longer suppresses.
    IgnoreExpired,
    /// A file was not scanned because it exceeds a size limit.
    FileTooLarge,
    /// A file or directory could not be read (permissions, I/O) and was skipped.
    Unreadable,
    /// The secrets engine stopped early on a file (match, line or time limit).
    SecretsLimit,
    /// Platforms of a multi-platform index that were not scanned.
    PlatformSkipped,
    /// `--show-secrets`: the report holds secret values in clear.
    SecretsShown,
    /// `--dockerfile` (or a Dockerfile scanned with the image) does not match the image's
    /// history: no image finding carries a Dockerfile line; the message names the first
    /// divergence.
    DockerfileMismatch,
    /// Anything else worth telling the reader.
    Other,
}

impl WarningKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WarningKind::VulnDbMissing => "vuln-db-missing",
            WarningKind::VulnDbStale => "vuln-db-stale",
            WarningKind::IgnoreExpired => "ignore-expired",
            WarningKind::FileTooLarge => "file-too-large",
            WarningKind::Unreadable => "unreadable",
            WarningKind::SecretsLimit => "secrets-limit",
            WarningKind::PlatformSkipped => "platform-skipped",
            WarningKind::SecretsShown => "secrets-shown",
            WarningKind::DockerfileMismatch => "dockerfile-mismatch",
            WarningKind::Other => "other",
        }
    }
}

impl fmt::Display for WarningKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How serious a [`Warning`] is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WarningLevel {
    /// Results are incomplete or may be wrong (no database, an unexpanded `FROM ${ARG}`).
    #[default]
    Warning,
    /// Something worth knowing that does not change the results (a partly read package DB).
    Note,
    /// A summary line for the terminal (the base-image verdict); not part of reports.
    Info,
}

/// One run warning, from the analyzers through the scan library to every report format.
/// `message` is a full sentence for people; `target` names the scanned thing (path or
/// image reference) it concerns, when it concerns one.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Warning {
    pub kind: WarningKind,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Not serialized: reports carry warnings and notes alike, never [`WarningLevel::Info`].
    #[serde(skip)]
    pub level: WarningLevel,
}

impl Warning {
    pub fn new(kind: WarningKind, message: impl Into<String>) -> Self {
        Warning {
            kind,
            message: message.into(),
            target: None,
            level: WarningLevel::Warning,
        }
    }

    /// A warning of `level` about `target`.
    pub fn at(
        level: WarningLevel,
        kind: WarningKind,
        target: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        Warning {
            kind,
            message: message.into(),
            target: target.map(str::to_string),
            level,
        }
    }

    pub fn with_target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    /// Whether reports carry it (summary lines are for the terminal only).
    pub fn in_report(&self) -> bool {
        self.level != WarningLevel::Info
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.target {
            Some(t) => write!(f, "{t}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_with_kebab_kind_and_optional_target() {
        let w = Warning::new(WarningKind::VulnDbMissing, "no database").with_target("app:1");
        assert_eq!(
            serde_json::to_value(&w).unwrap(),
            serde_json::json!({"kind":"vuln-db-missing","message":"no database","target":"app:1"})
        );
        let w = Warning::new(WarningKind::IgnoreExpired, "x");
        assert!(serde_json::to_value(&w).unwrap().get("target").is_none());
        assert_eq!(w.to_string(), "x");
    }
}
