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
        None => {
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
