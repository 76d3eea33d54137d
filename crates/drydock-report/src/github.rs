//! GitHub Actions workflow commands (`::error file=…,line=…::message`), which the runner turns
//! into annotations on the pull request. Findings at or above `--fail-on` are `error`s; below
//! it, critical/high/medium are `warning`s and low/info `notice`s. Image findings have no file
//! in the repository, so they carry no `file` and appear in the run summary.

use crate::util::{fix_text, location_text};
use crate::{RenderOptions, View};
use drydock_core::{Finding, Location, Severity};
use std::io::{self, Write};

/// Escape a command's message per the runner's rules (`%`, CR, LF); other control
/// characters (ESC of terminal escape codes from hostile file names) and bidi controls
/// become visible `\u{1b}` escapes, as in the other formats: the runner's log is a terminal.
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut one = [0u8; 4];
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push_str(&crate::util::clean(c.encode_utf8(&mut one))),
        }
    }
    out
}

/// Escape a property value: as data, plus `:` and `,` that delimit properties.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(f: &Finding, fail_on: Option<Severity>) -> &'static str {
    if fail_on.is_some_and(|t| f.severity >= t) {
        "error"
    } else if f.severity >= Severity::Medium {
        "warning"
    } else {
        "notice"
    }
}

pub fn render(view: &View, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let r = view.report;
    for w in view.warnings(opts) {
        writeln!(
            out,
            "::warning title=drydock::{}",
            escape_data(&w.to_string())
        )?;
    }
    for s in view.suppression_lines() {
        writeln!(
            out,
            "::notice title=drydock ignore entry::{}",
            escape_data(&s)
        )?;
    }
    for e in &r.errors {
        writeln!(
            out,
            "::error title={}::{}",
            escape_property(&format!("drydock: cannot scan {}", e.target)),
            escape_data(&e.message)
        )?;
    }
    for f in view.findings() {
        let mut props = Vec::new();
        let mut message = f.message.clone();
        match &f.location {
            Location::Source(s) => {
                props.push(format!(
                    "file={}",
                    escape_property(s.path.trim_start_matches("./"))
                ));
                props.push(format!("line={}", s.start_line));
                props.push(format!("endLine={}", s.end_line.max(s.start_line)));
                if s.start_column > 0 {
                    props.push(format!("col={}", s.start_column));
                }
                if s.end_column > 0 {
                    props.push(format!("endColumn={}", s.end_column));
                }
            }
            _ => message = format!("{}: {message}", location_text(f)),
        }
        let title = match view.rule(&f.rule) {
            Some(m) => format!("{} ({}): {}", f.rule, f.severity, m.title),
            None => format!("{} ({})", f.rule, f.severity),
        };
        props.push(format!("title={}", escape_property(&title)));
        if let Some(ev) = &f.evidence {
            message.push_str(&format!("\nevidence: {}", ev.value));
        }
        if let Some(fix) = fix_text(f) {
            message.push_str(&format!("\nfix: {fix}"));
        }
        message.push_str(&format!("\nrun `drydock explain {}` for details", f.rule));
        writeln!(
            out,
            "::{} {}::{}",
            command(f, r.fail_on),
            props.join(","),
            escape_data(&message)
        )?;
    }
    writeln!(out, "{}", view.totals())?;
    writeln!(out, "{}", view.verdict())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escaping() {
        assert_eq!(escape_data("100%\r\nnext"), "100%25%0D%0Anext");
        // `:` and `,` are legal in data.
        assert_eq!(escape_data("a: b, c"), "a: b, c");
        // Terminal escapes and bidi controls from hostile names are shown, not obeyed.
        let e = escape_data("etc/\u{1b}]0;pwned\u{7}\u{1b}[2Jx\u{202e}y");
        assert!(
            !e.contains('\u{1b}') && !e.contains('\u{7}') && !e.contains('\u{202e}'),
            "{e}"
        );
        assert!(e.contains("\\u{1b}]0;pwned"), "{e}");
    }

    #[test]
    fn property_escaping_cleans_control_characters() {
        let p = escape_property("app/\u{1b}[31mred.env");
        assert!(!p.contains('\u{1b}'), "{p}");
        assert!(p.contains("\\u{1b}[31mred.env"), "{p}");
    }

    #[test]
    fn property_escaping() {
        assert_eq!(
            escape_property("DF002: secret, ARG 50%\n"),
            "DF002%3A secret%2C ARG 50%25%0A"
        );
        // `%` is escaped first so existing escapes are not double-decoded.
        assert_eq!(escape_property("%3A"), "%253A");
    }

    #[test]
    fn command_by_threshold() {
        use drydock_core::{Category, Finding, Location};
        let f = |s| {
            Finding::new(
                "X",
                s,
                Category::User,
                "m",
                Location::Config {
                    image: "i".into(),
                    field: "User".into(),
                },
            )
        };
        assert_eq!(
            command(&f(Severity::Medium), Some(Severity::Medium)),
            "error"
        );
        assert_eq!(
            command(&f(Severity::High), Some(Severity::Critical)),
            "warning"
        );
        assert_eq!(command(&f(Severity::Low), Some(Severity::High)), "notice");
        // `--fail-on none`: nothing is an error.
        assert_eq!(command(&f(Severity::Critical), None), "warning");
    }
}
