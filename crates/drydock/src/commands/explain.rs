use crate::cli::ExplainArgs;
use anyhow::Result;
use drydock_scan::registry;

pub fn run(args: ExplainArgs) -> Result<u8> {
    let reg = registry::get();
    match reg.lookup(&args.rule) {
        Some(rule) => {
            out!("{}", rule.render_explain());
            Ok(crate::EXIT_CLEAN)
        }
        None if !drydock_core::aliases::resolve(&reg.rules, &args.rule).is_empty() => {
            // A foreign id: the drydock rules that check the same thing.
            let rules = drydock_core::aliases::resolve(&reg.rules, &args.rule);
            let ids: Vec<&str> = rules.iter().map(|r| r.id).collect();
            out!(
                "{} is checked by drydock {} {}\n",
                args.rule,
                if ids.len() == 1 { "rule" } else { "rules" },
                ids.join(", ")
            );
            for r in rules {
                out!("{}", r.render_explain());
            }
            Ok(crate::EXIT_CLEAN)
        }
        None if drydock_core::aliases::missing(&args.rule).is_some() => {
            let m = drydock_core::aliases::missing(&args.rule).unwrap();
            out!(
                "{} ({} — {}): no equivalent in drydock, on purpose. {}\n",
                args.rule,
                m.tool,
                m.title,
                m.reason
            );
            Ok(crate::EXIT_CLEAN)
        }
        None => {
            if let Some(tool) = drydock_core::aliases::foreign_tool(&args.rule) {
                anyhow::bail!(
                    "`{}` looks like a {tool} check that drydock does not know (see docs/migration.md and `drydock rules`)",
                    args.rule
                );
            }
            // Suggest ids sharing a prefix, the most common typo being a wrong number.
            let prefix: String = args
                .rule
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
                "see `drydock rules` for the catalogue".to_string()
            } else {
                format!("rules starting with {prefix}: {}", near.join(", "))
            };
            anyhow::bail!("unknown rule `{}` ({hint})", args.rule)
        }
    }
}
