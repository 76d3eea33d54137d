//! `drydock rules check` and `drydock rules` for secret rules: compile every rule, run every
//! example and negative example, list the catalog.

use crate::rules::{Detector, Example, RuleDef, RuleScope};
use crate::{ContentKind, Engine, RulesError, ScanContext};
use drydock_core::{Confidence, Severity};

/// Catalog entry for `drydock rules`.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SecretRuleInfo {
    pub id: String,
    pub name: String,
    /// Provider family (`cloud`, `private-key`, …).
    pub family: String,
    pub severity: Severity,
    pub confidence: Confidence,
    pub description: String,
    pub references: Vec<String>,
}

/// Every built-in secret rule.
pub fn rule_catalog() -> Vec<SecretRuleInfo> {
    engine_rule_catalog(Engine::builtin())
}

/// Every rule of `engine` (built-in and user rules, without disabled ones).
pub fn engine_rule_catalog(engine: &Engine) -> Vec<SecretRuleInfo> {
    engine
        .rule_defs()
        .map(|d| SecretRuleInfo {
            id: d.id.clone(),
            name: d.name.clone(),
            family: d.category.clone(),
            severity: d.severity,
            confidence: d.confidence,
            description: if d.description.is_empty() {
                format!("Detects a {}.", d.name)
            } else {
                d.description.clone()
            },
            references: d.references.clone(),
        })
        .collect()
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RulesCheckReport {
    pub rules: usize,
    pub examples: usize,
    pub negative_examples: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum RulesCheckError {
    #[error(transparent)]
    Rules(#[from] RulesError),
    #[error("{} secret rule check failure(s); first: {}", .0.len(), .0.first().map(String::as_str).unwrap_or(""))]
    Failures(Vec<String>),
}

/// Check the built-in rules.
pub fn check_rules() -> Result<RulesCheckReport, RulesCheckError> {
    check_engine(Engine::builtin())
}

/// Check built-in plus user rule files (`(origin, yaml)`), minus disabled ids: every rule
/// compiles, has at least one example and one negative example, every example is found by its
/// rule and no negative example is.
pub fn check_rules_with(
    extra: &[(&str, &str)],
    disabled: &[&str],
) -> Result<RulesCheckReport, RulesCheckError> {
    check_engine(&Engine::with_rules(extra, disabled)?)
}

/// Check only the user rules of `engine` (rules files, `drydock.toml`) the way
/// `drydock rules check` does: run when a user engine is loaded, so a user rule without
/// examples, or whose examples fail, is an error before any scan.
pub fn check_user_rules(engine: &Engine) -> Result<RulesCheckReport, RulesCheckError> {
    check(engine, true)
}

/// Check built-in plus already parsed user rules (`(origin, rule)`, e.g. a rules file and
/// `drydock.toml`'s `[[secrets.rules]]`), minus disabled ids; see [`check_rules_with`].
pub fn check_rule_defs(
    extra: Vec<(String, crate::RuleDef)>,
    disabled: &[&str],
) -> Result<RulesCheckReport, RulesCheckError> {
    check_engine(&Engine::with_rule_defs(extra, disabled)?)
}

fn check_engine(engine: &Engine) -> Result<RulesCheckReport, RulesCheckError> {
    check(engine, false)
}

fn check(engine: &Engine, user_only: bool) -> Result<RulesCheckReport, RulesCheckError> {
    let mut failures = if user_only {
        Vec::new()
    } else {
        engine.compile_all()
    };
    let mut report = RulesCheckReport {
        rules: 0,
        examples: 0,
        negative_examples: 0,
    };
    // A secret counts as found at low or above: documented examples and vendor content at
    // info are negatives. A decode rule's matches carry the inner rule's id.
    // (A rule whose own severity is info counts at info.)
    let found = |ex: &Example, d: &RuleDef| {
        let (id, scope) = (d.id.as_str(), d.scope);
        let decode = matches!(
            d.detector,
            Some(Detector::Decode | Detector::KubeSecretData)
        );
        let floor = d.severity.min(Severity::Low);
        let cx = ScanContext {
            path: ex.path(),
            name: ex.name(),
            owner_package: None,
            kind: if scope == RuleScope::NamedValue || ex.name().is_some() {
                ContentKind::Value
            } else {
                ContentKind::File
            },
        };
        engine
            .scan(ex.text().as_bytes(), &cx)
            .iter()
            .any(|m| m.severity >= floor && (m.rule_id == id || (decode && m.decoded.is_some())))
    };
    for (d, origin, user) in engine.rules_with_origin() {
        if user_only && !user {
            continue;
        }
        report.rules += 1;
        // User rules name their file, so the message says where to fix it.
        let rule = if user {
            format!("{origin}: secret rule `{}`", d.id)
        } else {
            format!("rule `{}`", d.id)
        };
        if d.examples.is_empty() {
            failures.push(format!(
                "{rule} has no example (`examples` must list text it matches)"
            ));
        }
        if d.negative_examples.is_empty() {
            failures.push(format!(
                "{rule} has no negative example (`negative_examples` must list look-alikes it must not match)"
            ));
        }
        for (i, ex) in d.examples.iter().enumerate() {
            report.examples += 1;
            if !found(ex, d) {
                failures.push(format!("{rule}: example #{} does not match", i + 1));
            }
        }
        for (i, ex) in d.negative_examples.iter().enumerate() {
            report.negative_examples += 1;
            if found(ex, d) {
                failures.push(format!("{rule}: negative example #{} matches", i + 1));
            }
        }
    }
    if failures.is_empty() {
        Ok(report)
    } else {
        Err(RulesCheckError::Failures(failures))
    }
}
