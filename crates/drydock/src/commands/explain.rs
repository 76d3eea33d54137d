use crate::cli::ExplainArgs;
use crate::topics::{self, TOPICS};
use anyhow::Result;
use drydock_scan::registry;
use std::io::IsTerminal;

/// Terminal width for wrapped text: `COLUMNS` when set, else 100.
fn width() -> usize {
    drydock_core::env::var("COLUMNS")
        .and_then(|c| c.parse().ok())
        .unwrap_or(100)
}

fn color() -> bool {
    !drydock_core::env::no_color() && std::io::stdout().is_terminal()
}

pub fn run(args: ExplainArgs) -> Result<u8> {
    let reg = registry::get();
    let Some(name) = args.rule else {
        outln!("Topics (drydock explain TOPIC):\n");
        let w = TOPICS.iter().map(|t| t.slug.len()).max().unwrap_or(0);
        for t in TOPICS {
            outln!("  {:<w$}  {}", t.slug, t.title());
        }
        outln!("\nRules (drydock explain RULE):\n");
        let w = reg.rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
        for r in &reg.rules {
            outln!("  {:<w$}  {:<8}  {}", r.id, r.severity.as_str(), r.title);
        }
        return Ok(crate::EXIT_CLEAN);
    };
    if let Some(rule) = reg.lookup(&name) {
        out!("{}", rule.render_explain());
        return Ok(crate::EXIT_CLEAN);
    }
    if let Some(t) = topics::lookup(&name) {
        out!(
            "{}",
            drydock_report::markdown_to_terminal(t.text, color(), width())
        );
        return Ok(crate::EXIT_CLEAN);
    }
    let rules = drydock_core::aliases::resolve(&reg.rules, &name);
    if !rules.is_empty() {
        // A foreign id: the drydock rules that check the same thing.
        let ids: Vec<&str> = rules.iter().map(|r| r.id).collect();
        out!(
            "{} is checked by drydock {} {}\n",
            name,
            if ids.len() == 1 { "rule" } else { "rules" },
            ids.join(", ")
        );
        for r in rules {
            out!("{}", r.render_explain());
        }
        return Ok(crate::EXIT_CLEAN);
    }
    if let Some(m) = drydock_core::aliases::missing(&name) {
        out!(
            "{} ({} — {}): no equivalent in drydock, on purpose. {}\n",
            name,
            m.tool,
            m.title,
            m.reason
        );
        return Ok(crate::EXIT_CLEAN);
    }
    if let Some(tool) = drydock_core::aliases::foreign_tool(&name) {
        anyhow::bail!(
            "`{name}` looks like a {tool} check that drydock does not know (see docs/migration.md and `drydock rules`)"
        );
    }
    // Suggest ids sharing a prefix, the most common typo being a wrong number.
    let prefix: String = name
        .chars()
        .take(2)
        .collect::<String>()
        .to_ascii_uppercase();
    let near: Vec<&str> = reg
        .rules
        .iter()
        .map(|r| r.id)
        .filter(|id| id.starts_with(&prefix))
        .take(8)
        .collect();
    let hint = if near.is_empty() {
        "run `drydock explain` for the topics and rules".to_string()
    } else {
        format!("rules starting with {prefix}: {}", near.join(", "))
    };
    anyhow::bail!("unknown rule or topic `{name}` ({hint})")
}
