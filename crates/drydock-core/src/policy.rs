//! The one policy step between analyzers and reporters: rule selection, per-rule severity
//! overrides, and the exit threshold. Inline suppressions are applied by the analyzer that
//! owns the syntax (Dockerfile comments), before findings reach this step.

use crate::{Finding, RuleMeta, Severity};
use std::collections::BTreeMap;

/// One `--select`/`--ignore` entry: an exact id (`DF001`), an id prefix (`DF`, `SE1`),
/// a rule name (`final-stage-root-user`), a category (`secret`), or `ALL`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleSelector(pub String);

impl RuleSelector {
    /// Specificity for resolving conflicts: the more specific selector wins (ruff's rule).
    fn specificity(&self, rule: &RuleMeta) -> Option<usize> {
        let s = self.0.as_str();
        if s.eq_ignore_ascii_case("ALL") {
            return Some(0);
        }
        if s.eq_ignore_ascii_case(rule.id) || s == rule.name {
            return Some(1000);
        }
        // A foreign id (`DL3008`, `KSV001`, `CKV_K8S_20`) names the rules listing it.
        if crate::aliases::is_alias_of(s, rule) {
            return Some(999);
        }
        if s == rule.category.as_str() {
            return Some(1);
        }
        if !s.is_empty() && rule.id.len() > s.len() && rule.id.starts_with(&s.to_ascii_uppercase())
        {
            return Some(10 + s.len());
        }
        None
    }

    pub fn matches_any_rule(&self, rules: &[RuleMeta]) -> bool {
        rules.iter().any(|r| self.specificity(r).is_some())
    }
}

#[derive(Clone, Debug)]
pub struct Policy {
    pub select: Vec<RuleSelector>,
    pub ignore: Vec<RuleSelector>,
    pub severity_overrides: BTreeMap<String, Severity>,
    pub fail_on: Severity,
    /// Findings below this are dropped from reports entirely.
    pub min_severity: Severity,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            select: Vec::new(),
            ignore: Vec::new(),
            severity_overrides: BTreeMap::new(),
            fail_on: Severity::High,
            min_severity: Severity::Info,
        }
    }
}

impl Policy {
    /// Whether `rule` runs. Explicit selectors beat defaults; among explicit selectors the
    /// most specific wins, and on a tie `ignore` wins.
    pub fn is_enabled(&self, rule: &RuleMeta) -> bool {
        let best = |sels: &[RuleSelector]| sels.iter().filter_map(|s| s.specificity(rule)).max();
        let sel = best(&self.select);
        let ign = best(&self.ignore);
        // Any explicit selector, `ALL` included, turns on off-by-default rules (ruff: `ALL`
        // selects every stable rule; drydock has no unstable rules).
        match (sel, ign) {
            (None, None) => rule.default_enabled,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(s), Some(i)) => s > i,
        }
    }

    /// Apply selection and severity overrides; `lookup` finds a rule's metadata by id.
    pub fn apply<'a>(
        &self,
        findings: Vec<Finding>,
        lookup: impl Fn(&str) -> Option<&'a RuleMeta>,
    ) -> Vec<Finding> {
        findings
            .into_iter()
            .filter(|f| lookup(&f.rule).is_none_or(|m| self.is_enabled(m)))
            .map(|mut f| {
                let foreign = || {
                    let m = lookup(&f.rule)?;
                    self.severity_overrides
                        .iter()
                        .find(|(k, _)| crate::aliases::is_alias_of(k, m))
                        .map(|(_, s)| s)
                };
                if let Some(s) = self.severity_overrides.get(&f.rule).or_else(foreign) {
                    f.severity = *s;
                }
                f
            })
            .filter(|f| f.severity >= self.min_severity)
            .collect()
    }

    /// True when any finding is at or above the threshold (exit code 1).
    pub fn fails(&self, findings: &[Finding]) -> bool {
        findings.iter().any(|f| f.severity >= self.fail_on)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::Target;
    use crate::Category;

    const R: RuleMeta = RuleMeta {
        id: "DF001",
        name: "final-stage-root",
        target: Target::Dockerfile,
        category: Category::User,
        severity: Severity::High,
        title: "t",
        explanation: "e",
        references: &[],
        equivalents: &[],
        default_enabled: true,
    };
    const OFF: RuleMeta = RuleMeta {
        id: "DF050",
        default_enabled: false,
        ..R
    };

    fn sel(v: &[&str]) -> Vec<RuleSelector> {
        v.iter().map(|s| RuleSelector(s.to_string())).collect()
    }

    #[test]
    fn selection_precedence() {
        let mut p = Policy::default();
        assert!(p.is_enabled(&R));
        assert!(!p.is_enabled(&OFF));
        p.ignore = sel(&["DF"]);
        assert!(!p.is_enabled(&R));
        p.select = sel(&["DF001"]);
        assert!(p.is_enabled(&R), "exact select beats prefix ignore");
        p.select = sel(&["DF050"]);
        assert!(
            p.is_enabled(&OFF),
            "explicit select enables off-by-default rule"
        );
        let all = Policy {
            select: sel(&["ALL"]),
            ..Policy::default()
        };
        assert!(all.is_enabled(&OFF), "ALL selects off-by-default rules too");
        let all_but = Policy {
            select: sel(&["ALL"]),
            ignore: sel(&["DF"]),
            ..Policy::default()
        };
        assert!(!all_but.is_enabled(&OFF), "a prefix ignore beats ALL");
        let p = Policy {
            ignore: sel(&["final-stage-root"]),
            ..Policy::default()
        };
        assert!(!p.is_enabled(&R));
        let p = Policy {
            ignore: sel(&["user"]),
            ..Policy::default()
        };
        assert!(!p.is_enabled(&R));
    }

    #[test]
    fn foreign_ids_select_and_ignore() {
        const H: RuleMeta = RuleMeta {
            equivalents: &["hadolint:DL3002", "trivy:DS002"],
            ..R
        };
        let p = Policy {
            ignore: sel(&["DL3002"]),
            ..Policy::default()
        };
        assert!(!p.is_enabled(&H));
        assert!(p.is_enabled(&R), "a rule without that equivalent stays on");
        let p = Policy {
            ignore: sel(&["DF"]),
            select: sel(&["AVD-DS-0002"]),
            ..Policy::default()
        };
        assert!(p.is_enabled(&H), "foreign id beats a prefix");
        assert!(RuleSelector("DS002".into()).matches_any_rule(&[H]));
        assert!(!RuleSelector("DS003".into()).matches_any_rule(&[H]));
    }
}
