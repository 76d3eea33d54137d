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

/// A rule whose check panicked: its findings are lost, the other rules' are kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleFailure {
    pub rule: &'static str,
}

impl std::fmt::Display for RuleFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "internal error in rule {} (please report it); other rules still ran",
            self.rule
        )
    }
}

/// Run one rule's check isolated from the others, the same way in every domain: a panic
/// inside it drops only its own findings and comes back as a [`RuleFailure`] naming it.
pub fn run_isolated(
    meta: &RuleMeta,
    out: &mut Vec<crate::Finding>,
    check: impl FnOnce(&mut Vec<crate::Finding>),
) -> Result<(), RuleFailure> {
    let mut mine = Vec::new();
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&mut mine))) {
        Ok(()) => {
            out.append(&mut mine);
            Ok(())
        }
        Err(_) => Err(RuleFailure { rule: meta.id }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Finding, Location};

    const META: RuleMeta = RuleMeta {
        id: "XX001",
        name: "test-rule",
        target: Target::Image,
        category: Category::User,
        severity: Severity::Low,
        title: "t",
        explanation: "",
        references: &[],
        equivalents: &[],
        default_enabled: true,
    };

    fn finding() -> Finding {
        Finding::from_rule(
            &META,
            "m",
            Location::Config {
                image: "i".into(),
                field: "User".into(),
            },
        )
    }

    #[test]
    fn a_panicking_rule_loses_only_its_own_findings() {
        let mut out = vec![finding()];
        let r = run_isolated(&META, &mut out, |o| {
            o.push(finding());
            panic!("rule bug");
        });
        let e = r.unwrap_err();
        assert_eq!(e.rule, "XX001");
        assert!(e.to_string().contains("internal error in rule XX001"));
        // The finding pushed before the panic is dropped with the rest of the rule's output.
        assert_eq!(out.len(), 1);
        run_isolated(&META, &mut out, |o| o.push(finding())).unwrap();
        assert_eq!(out.len(), 2);
    }
}
