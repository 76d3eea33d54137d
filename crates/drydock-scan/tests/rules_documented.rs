//! The one documentation test: every rule of the one registry, whatever its domain, carries
//! the documentation `drydock explain` and docs/rules.md show.

use drydock_core::rule::Target;
use drydock_core::Category;
use std::collections::BTreeSet;

#[test]
fn every_rule_in_the_registry_is_documented() {
    let reg = drydock_scan::registry::get();
    let mut problems = Vec::new();
    let mut ids = BTreeSet::new();
    let mut names = BTreeSet::new();
    for m in &reg.rules {
        if !ids.insert(m.id) {
            problems.push(format!("{}: duplicate id", m.id));
        }
        if m.title.trim().is_empty() {
            problems.push(format!("{}: no title", m.id));
        }
        // Secret rules are data: their documentation comes from the YAML, checked there.
        if m.target == Target::Secret {
            continue;
        }
        // Names select rules too; DF001 and IM005 are both `secret-in-env` (the Dockerfile
        // and the image view of one problem), so names are unique within a domain.
        if !names.insert((m.target, m.name)) {
            problems.push(format!("{}: duplicate name `{}`", m.id, m.name));
        }
        let prefix = match m.target {
            Target::Dockerfile => "DF",
            Target::Image => "IM",
            Target::Runtime => "RT",
            Target::Vulnerability => "VU",
            Target::Secret => unreachable!(),
        };
        let digits = m.id.strip_prefix(prefix);
        if !digits.is_some_and(|d| d.len() == 3 && d.bytes().all(|b| b.is_ascii_digit())) {
            problems.push(format!(
                "{}: id is not {prefix}NNN for a {:?} rule",
                m.id, m.target
            ));
        }
        if m.name.is_empty()
            || !m
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            problems.push(format!("{}: name `{}` is not kebab-case", m.id, m.name));
        }
        for section in [
            "## Why is this bad?",
            "## How to fix",
            "## Example",
            "## References",
        ] {
            if !m.explanation.contains(section) {
                problems.push(format!("{}: explanation lacks `{section}`", m.id));
            }
        }
        if (m.target == Target::Vulnerability) != (m.category == Category::Vulnerability) {
            problems.push(format!(
                "{}: vulnerability target and category disagree",
                m.id
            ));
        }
        if m.target == Target::Runtime
            && !(m.explanation.contains("CIS") || m.explanation.contains("Pod Security Standards"))
        {
            problems.push(format!(
                "{}: no CIS / Pod Security Standards reference",
                m.id
            ));
        }
    }
    for (target, at_least) in [
        (Target::Dockerfile, 45),
        (Target::Image, 17),
        (Target::Runtime, 29),
        (Target::Vulnerability, 3),
        (Target::Secret, 100),
    ] {
        let n = reg.rules.iter().filter(|m| m.target == target).count();
        if n < at_least {
            problems.push(format!("only {n} {target:?} rules in the registry"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
