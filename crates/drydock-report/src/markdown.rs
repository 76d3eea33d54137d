//! GitHub-flavoured Markdown for pull-request comments: a verdict, counts, then one table per
//! target (most severe first). Every cell is escaped so scanned text cannot inject Markdown,
//! HTML or break the table.

use crate::util::{fix_text, human_size, location_in_target};
use crate::{RenderOptions, Target, View};
use drydock_core::{Finding, Location, Severity};
use std::io::{self, Write};

/// Escape text for a table cell: HTML-significant characters as entities, Markdown
/// punctuation with backslashes, line breaks as `<br>`.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' => out.push_str("<br>"),
            '\r' => {}
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' | '!' | '(' | ')' | '{' | '}'
            | '$' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn badge(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "🟣 critical",
        Severity::High => "🔴 high",
        Severity::Medium => "🟠 medium",
        Severity::Low => "🔵 low",
        Severity::Info => "⚪ info",
    }
}

fn location_cell(f: &Finding) -> String {
    match &f.location {
        Location::Source(s) if s.start_line == s.end_line => {
            escape(&format!("{}:{}", s.path, s.start_line))
        }
        Location::Source(s) => escape(&format!("{}:{}-{}", s.path, s.start_line, s.end_line)),
        _ => escape(&location_in_target(f, true)),
    }
}

pub fn render(view: &View, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let r = view.report;
    let s = &view.summary;
    let icon = if s.failing > 0 || !r.errors.is_empty() {
        "❌"
    } else {
        "✅"
    };
    writeln!(out, "## drydock report\n")?;
    writeln!(out, "{icon} **{}**\n", escape(&view.verdict()))?;
    writeln!(
        out,
        "| critical | high | medium | low | info |\n|---:|---:|---:|---:|---:|\n| {} | {} | {} | {} | {} |\n",
        s.critical, s.high, s.medium, s.low, s.info
    )?;
    for w in view.warnings(opts) {
        writeln!(out, "> [!WARNING]\n> {}\n", escape(&w.to_string()))?;
    }
    let supp = view.suppression_lines();
    if !supp.is_empty() {
        writeln!(out, "**Ignore file entries**\n")?;
        for s in supp {
            writeln!(out, "- {}", escape(&s))?;
        }
        writeln!(out)?;
    }
    for e in &r.errors {
        writeln!(
            out,
            "> [!CAUTION]\n> Cannot scan {}: {}\n",
            escape(&e.target),
            escape(&e.message)
        )?;
    }
    for g in &view.groups {
        let kind = g.kind();
        match &g.target {
            Some(_) => writeln!(out, "### {kind} `{}`\n", g.label().replace('`', "'"))?,
            None => writeln!(out, "### Other findings\n")?,
        }
        if let Some(Target::Image { summary, .. }) = &g.target {
            let layers = summary
                .layers
                .iter()
                .filter(|l| l.layer_index().is_some())
                .count();
            let mut facts = vec![format!("{} in {layers} layers", human_size(summary.size))];
            if let Some(os) = &summary.os {
                facts.insert(0, escape(os));
            }
            facts.push(format!(
                "user {}",
                escape(
                    summary
                        .user
                        .as_deref()
                        .filter(|u| !u.is_empty())
                        .unwrap_or("root (no USER set)")
                )
            ));
            facts.push(format!(
                "waste {} (efficiency {:.1}%)",
                human_size(summary.waste_bytes),
                summary.efficiency * 100.0
            ));
            if let Some(b) = &summary.base_image {
                facts.push(format!("base {}", escape(&crate::base_line(b))));
            }
            writeln!(out, "{}\n", facts.join(" · "))?;
        }
        if g.findings.is_empty() {
            writeln!(out, "No findings.\n")?;
            continue;
        }
        let mut fs: Vec<&Finding> = g.findings.iter().collect();
        fs.sort_by_key(|f| std::cmp::Reverse(f.severity));
        writeln!(
            out,
            "| Severity | Rule | Location | Finding |\n|---|---|---|---|"
        )?;
        for f in fs {
            let mut msg = escape(&f.message);
            if let Some(ev) = &f.evidence {
                msg.push_str(&format!("<br>evidence: {}", escape(&ev.value)));
            }
            if let Some(fix) = fix_text(f) {
                msg.push_str(&format!("<br>**fix:** {}", escape(&fix)));
            }
            let rule = match view.rule(&f.rule) {
                Some(m) => format!("`{}`<br>{}", f.rule.replace('`', "'"), escape(m.title)),
                None => format!("`{}`", f.rule.replace('`', "'")),
            };
            writeln!(
                out,
                "| {} | {rule} | {} | {msg} |",
                badge(f.severity),
                location_cell(f)
            )?;
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "<sub>drydock {} · scan date {} · run `drydock explain RULE` for any rule</sub>",
        escape(r.tool_version),
        escape(&r.scan_date)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_the_table_or_inject_html() {
        let e = escape("a|b\n<script>*x*</script>");
        assert!(!e.contains('\n') && !e.contains("<script"));
        assert!(e.contains("a\\|b<br>&lt;script&gt;\\*x\\*"));
    }
}
