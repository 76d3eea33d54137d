//! The one registry of rule ids: every crate's rules, concatenated. Drives `rules`,
//! `explain`, `--select/--ignore` validation and report metadata.

use drydock_core::rule::Target;
use drydock_core::{Category, RuleMeta, Severity};
use std::collections::HashMap;
use std::sync::OnceLock;

pub struct Registry {
    pub rules: Vec<&'static RuleMeta>,
    by_key: HashMap<String, usize>,
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// Secret rules are data (YAML); give each a `RuleMeta` so reports and `explain` treat
/// them like every other rule.
fn secret_rule_metas() -> Vec<&'static RuleMeta> {
    drydock_secrets::rule_catalog()
        .into_iter()
        .map(|r| {
            let refs: Vec<&'static str> = r.references.into_iter().map(leak).collect();
            let explanation = leak(format!(
                "{}\n\n## Why is this bad?\nA credential in a file, image layer or build \
                 instruction can be read by anyone who gets the file or pulls the image, even \
                 after a later layer deletes it.\n\n## How to fix\nRevoke and rotate the \
                 credential first: assume it is compromised. Then remove it from the source, \
                 keep it out of the build context with `.dockerignore`, and pass it at build \
                 time with `RUN --mount=type=secret,id=…` or at run time through your \
                 orchestrator's secret store.\n\n## Example\n```dockerfile\n# syntax=docker/dockerfile:1\n\
                 RUN --mount=type=secret,id=token,env=TOKEN ./fetch-deps.sh\n```\n`docker build \
                 --secret id=token,env=TOKEN .`",
                r.description
            ));
            let _ = &r.family;
            &*Box::leak(Box::new(RuleMeta {
                id: leak(r.id.clone()),
                name: leak(r.id.clone()),
                target: Target::Secret,
                category: Category::Secret,
                severity: r.severity,
                title: leak(r.name),
                explanation,
                references: Box::leak(refs.into_boxed_slice()),
                equivalents: &[],
                default_enabled: true,
            }))
        })
        .collect()
}

pub fn get() -> &'static Registry {
    static R: OnceLock<Registry> = OnceLock::new();
    R.get_or_init(|| {
        let mut rules: Vec<&'static RuleMeta> = Vec::new();
        rules.extend(drydock_dockerfile::rules::rule_metas());
        rules.extend(drydock_image::rules::rule_metas().iter().copied());
        rules.extend(drydock_vuln::rules());
        rules.extend(drydock_runtime::rule_metas());
        rules.extend(secret_rule_metas());
        let mut by_key = HashMap::new();
        for (i, r) in rules.iter().enumerate() {
            by_key.insert(r.id.to_ascii_uppercase(), i);
            by_key.entry(r.name.to_string()).or_insert(i);
        }
        Registry { rules, by_key }
    })
}

impl Registry {
    pub fn lookup(&self, key: &str) -> Option<&'static RuleMeta> {
        self.by_key
            .get(&key.to_ascii_uppercase())
            .or_else(|| self.by_key.get(key))
            .map(|&i| self.rules[i])
    }

    /// Severity of a rule id, for messages.
    #[allow(dead_code)]
    pub fn severity(&self, id: &str) -> Option<Severity> {
        self.lookup(id).map(|r| r.severity)
    }
}
