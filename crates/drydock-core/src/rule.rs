use crate::{Category, Severity};
use serde::Serialize;

/// What a rule looks at; drives `drydock rules` grouping and which analyzer owns it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    Dockerfile,
    Image,
    Secret,
    Runtime,
    Vulnerability,
}

/// Static metadata of one rule. Every rule file exposes one `RuleMeta` constant; each
/// domain crate lists them in its registry and the CLI concatenates the registries.
///
/// `explanation` is Markdown with the sections `## Why is this bad?`, `## How to fix`,
/// `## Example` and `## References`; `drydock explain ID` prints it and `docs/rules.md`
/// is generated from the same text.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct RuleMeta {
    /// Stable id: `DF001`, `IM003`, `SE…`, `RT…`, `VU…`.
    pub id: &'static str,
    /// kebab-case name, also accepted by `--select/--ignore`.
    pub name: &'static str,
    pub target: Target,
    pub category: Category,
    pub severity: Severity,
    /// One line, shown in listings.
    pub title: &'static str,
    pub explanation: &'static str,
    /// URLs or document sections (CIS Docker Benchmark 4.1, …).
    pub references: &'static [&'static str],
    /// Equivalent checks in other tools: `hadolint:DL3002`, `trivy:DS002`, `checkov:CKV_DOCKER_3`.
    pub equivalents: &'static [&'static str],
    /// Off-by-default rules run only when selected (`--select` or config `select`).
    pub default_enabled: bool,
}

impl RuleMeta {
    /// `explain` text: title, metadata, then the explanation.
    pub fn render_explain(&self) -> String {
        let mut s = format!(
            "{} ({}) — {}\n\nseverity: {}   category: {}   target: {:?}{}\n\n{}\n",
            self.id,
            self.name,
            self.title,
            self.severity,
            self.category,
            self.target,
            if self.default_enabled {
                ""
            } else {
                "   (off by default: enable with --select)"
            },
            self.explanation.trim()
        );
        if !self.references.is_empty() && !self.explanation.contains("## References") {
            s.push_str("\n## References\n");
            for r in self.references {
                s.push_str(&format!("- {r}\n"));
            }
        }
        if !self.equivalents.is_empty() {
            s.push_str(&format!(
                "\nEquivalent checks: {}\n",
                self.equivalents.join(", ")
            ));
        }
        s
    }
}
