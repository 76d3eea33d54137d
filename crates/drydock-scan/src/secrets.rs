//! The user's secret rules (files and inline tables from the configuration), turned into the
//! engine every pipeline shares.

use anyhow::{Context, Result};
pub use drydock_secrets::{RuleDef, RulesCheckReport};
use std::path::Path;
use std::sync::Arc;

/// User secret rules as `(origin, rule)` (origin: the file they came from, for messages)
/// and built-in rule ids to disable.
#[derive(Clone, Debug, Default)]
pub struct SecretRules {
    pub rules: Vec<(String, RuleDef)>,
    pub disable: Vec<String>,
}

impl SecretRules {
    /// `None` = the built-in engine; else one with the user rules and without the disabled
    /// ones. User rules are checked like `drydock rules check` does (at least one example
    /// and one negative example, examples match, negative examples do not).
    pub fn engine(&self) -> Result<Option<Arc<drydock_secrets::Engine>>> {
        if self.rules.is_empty() && self.disable.is_empty() {
            return Ok(None);
        }
        let disabled: Vec<&str> = self.disable.iter().map(String::as_str).collect();
        let engine = drydock_secrets::Engine::with_rule_defs(self.rules.clone(), &disabled)
            .map_err(|e| anyhow::anyhow!("secret rules: {e}"))?;
        drydock_secrets::check_user_rules(&engine).map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(Some(Arc::new(engine)))
    }
}

/// The rules of a YAML rules file (the built-in schema), each with the file as origin.
pub fn read_rules_file(path: &Path) -> Result<Vec<(String, RuleDef)>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read secret rules file", path.display()))?;
    let origin = path.display().to_string();
    let defs = drydock_secrets::parse_rules_file(&origin, &text)
        .map_err(|e| anyhow::anyhow!("secret rules: {e}"))?;
    Ok(defs.into_iter().map(|d| (origin.clone(), d)).collect())
}

/// The built-in rules plus `user`: every pattern compiles, every example matches and every
/// negative example does not.
pub fn check_rules(user: Vec<(String, RuleDef)>) -> Result<RulesCheckReport> {
    drydock_secrets::check_rule_defs(user, &[]).map_err(|e| anyhow::anyhow!("{e}"))
}
