use crate::cli::ExplainArgs;
use crate::registry;
use crate::topics::{self, TOPICS};
use anyhow::Result;
use std::io::IsTerminal;

/// Terminal width for wrapped text: `COLUMNS` when set, else 100.
fn width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100)
}

fn color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
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
