//! `--format table`: one line per finding (severity, rule, where, short message), known
//! vulnerabilities grouped per package (like Trivy's table: the package, installed and fixed
//! versions, the ids), then one summary line per target that has findings and the verdict.
//!
//! Every row is exactly one line: cells are cut to the width instead of wrapped, so the output
//! greps and counts like Hadolint's (one line per finding), and long messages stay readable in
//! `--format text` or `json`.

use crate::util::{
    clean, dockerfile_suffix, location_in_target, location_text_with, plural, truncate,
};
use crate::{RenderOptions, View};
use comfy_table::{CellAlignment, ContentArrangement, LineStyle, Table, TableStyle};
use drydock_core::{Finding, Location, Severity};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Targets listed in the summary before the rest are counted.
const SUMMARY_TARGETS: usize = 20;

/// Header separated by a rule, no other lines: the table costs two lines however many rows.
const STYLE: TableStyle =
    TableStyle::new().header_separator(LineStyle::none().fill('─').junction('─'));

fn table(header: &[&str], rows: Vec<Vec<String>>) -> Table {
    let mut t = Table::new();
    t.load_style(STYLE)
        // Widths are decided here (cells cut with `…`), never by wrapping a cell onto lines.
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.to_vec())
        .add_rows(rows);
    t
}

/// Cut the widest free-text column so a row fits `width` (columns are joined by 2 spaces).
fn fit(rows: &mut [Vec<String>], header: &[&str], col: usize, width: usize) {
    let widths: Vec<usize> = (0..header.len())
        .map(|c| {
            rows.iter()
                .map(|r| r[c].chars().count())
                .chain([header[c].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let others: usize = widths
        .iter()
        .enumerate()
        .filter(|(c, _)| *c != col)
        .map(|(_, w)| w + GAP)
        .sum();
    let room = width.saturating_sub(others + GAP + 1).max(24);
    for r in rows {
        r[col] = truncate(&r[col], room).into_owned();
    }
}

/// Cells of a borderless comfy-table take their width plus this (padding and the blank
/// where a vertical line would be); the line starts with one more blank.
const GAP: usize = 3;

/// Cut from the start, keeping the end (`…/svc/Dockerfile:3:1`: the file and line matter most).
fn truncate_start(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max {
        return s.to_string();
    }
    let tail: String = s.chars().skip(n - max.saturating_sub(1)).collect();
    format!("…{tail}")
}

/// The first line of a message (multi-line details are for text and JSON).
fn short_message(m: &str) -> String {
    let first = m.lines().next().unwrap_or("");
    clean(first).into_owned()
}

struct PackageRow {
    target: String,
    package: String,
    installed: String,
    severity: Severity,
    ids: Vec<String>,
    fixed: Vec<String>,
}

pub fn render(view: &View, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let width = opts.width();
    for w in view.warnings(opts) {
        writeln!(out, "warning: {}", clean(&w.to_string()))?;
    }
    for s in view.suppression_lines() {
        writeln!(out, "ignored: {}", clean(&s))?;
    }
    // On a terminal the caller prints scan errors on stderr; the report does not repeat them.
    for e in view.report.errors.iter().filter(|_| !opts.errors_on_stderr) {
        writeln!(
            out,
            "error: cannot scan {}: {}",
            clean(&e.target),
            clean(&e.message)
        )?;
    }

    // With one image, its name is in the summary; rows say where inside it.
    let one_image = view
        .targets
        .iter()
        .filter(|t| matches!(t, crate::Target::Image { .. }))
        .count()
        == 1;
    let mut rows = Vec::new();
    // (target label, package, version, ecosystem) → one row: a package is one decision
    // (upgrade it), however many advisories it has.
    let mut packages: BTreeMap<(String, String, String, String), PackageRow> = BTreeMap::new();
    for g in &view.groups {
        let label = g.label();
        for f in &g.findings {
            match &f.vulnerability {
                Some(v) => {
                    let key = (
                        label.clone(),
                        v.package.clone(),
                        v.installed_version.clone(),
                        v.ecosystem.clone(),
                    );
                    let row = packages.entry(key).or_insert_with(|| PackageRow {
                        target: label.clone(),
                        package: v.package.clone(),
                        installed: v.installed_version.clone(),
                        severity: f.severity,
                        ids: Vec::new(),
                        fixed: Vec::new(),
                    });
                    row.severity = row.severity.max(f.severity);
                    if !row.ids.contains(&v.id) {
                        row.ids.push(v.id.clone());
                    }
                    if let Some(fx) = &v.fixed_version {
                        if !row.fixed.contains(fx) {
                            row.fixed.push(fx.clone());
                        }
                    }
                }
                None => rows.push(finding_row(f, one_image)),
            }
        }
    }

    let had_rows = !rows.is_empty();
    if had_rows {
        let header = ["SEVERITY", "RULE", "WHERE", "MESSAGE"];
        // WHERE gets at most 45% of the line, cut from the start; MESSAGE the rest.
        let where_room = (width * 45 / 100).max(24);
        for r in rows.iter_mut() {
            r[2] = truncate_start(&r[2], where_room);
        }
        // The evidence (already redacted by the analyzer) is kept whole after the message:
        // it is what tells two findings of one rule apart.
        let evidence: Vec<String> = rows
            .iter_mut()
            .map(|r| r.pop().unwrap_or_default())
            .collect();
        let widths: Vec<usize> = (0..3)
            .map(|c| {
                rows.iter()
                    .map(|r| r[c].chars().count())
                    .chain([header[c].len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let room = width
            .saturating_sub(widths.iter().map(|w| w + GAP).sum::<usize>() + GAP + 1)
            .max(24);
        for (r, ev) in rows.iter_mut().zip(evidence) {
            if ev.is_empty() {
                r[3] = truncate(&r[3], room).into_owned();
            } else {
                let keep = room.saturating_sub(ev.chars().count() + 3).max(12);
                r[3] = format!("{} · {ev}", truncate(&r[3], keep));
            }
        }
        let t = table(&header, rows);
        writeln!(out, "{}", t.trim_fmt())?;
    }
    if !packages.is_empty() {
        if had_rows {
            writeln!(out)?;
        }
        let mut prow: Vec<&PackageRow> = packages.values().collect();
        // Most severe package first, then most advisories, then by name: what to upgrade first.
        prow.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(b.ids.len().cmp(&a.ids.len()))
                .then(a.target.cmp(&b.target))
                .then(a.package.cmp(&b.package))
        });
        let several_targets = prow.iter().any(|p| p.target != prow[0].target);
        let mut header = vec![
            "PACKAGE",
            "INSTALLED",
            "FIXED IN",
            "SEVERITY",
            "VULNERABILITIES",
        ];
        if several_targets {
            header.push("TARGET");
        }
        let mut rows: Vec<Vec<String>> = prow
            .iter()
            .map(|p| {
                let mut ids = p.ids.clone();
                ids.sort();
                let mut r = vec![
                    clean(&p.package).into_owned(),
                    clean(&p.installed).into_owned(),
                    if p.fixed.is_empty() {
                        "no fix yet".to_string()
                    } else {
                        clean(&p.fixed.join(", ")).into_owned()
                    },
                    p.severity.to_string(),
                    clean(&format!("{} {}", ids.len(), ids.join(" "))).into_owned(),
                ];
                if several_targets {
                    r.push(clean(&p.target).into_owned());
                }
                r
            })
            .collect();
        fit(&mut rows, &header, 4, width);
        let mut t = table(&header, rows);
        if let Some(c) = t.column_mut(4) {
            c.set_cell_alignment(CellAlignment::Left);
        }
        writeln!(out, "{}", t.trim_fmt())?;
    }

    // Summary: one line per target with findings, then the totals and the verdict. Many
    // targets (a repository's Dockerfiles) would make the summary as long as the table: then
    // the targets most worth a look come first and the rest are counted.
    writeln!(out)?;
    let clean_targets = view.groups.iter().filter(|g| g.findings.is_empty()).count();
    let mut with: Vec<(&crate::Group, [usize; 5])> = view
        .groups
        .iter()
        .filter(|g| !g.findings.is_empty())
        .map(|g| {
            let mut counts = [0usize; 5];
            for f in &g.findings {
                counts[Severity::ALL
                    .iter()
                    .position(|s| *s == f.severity)
                    .unwrap_or(4)] += 1;
            }
            (g, counts)
        })
        .collect();
    if with.len() > SUMMARY_TARGETS {
        // Most critical, then most high, …: the sort is stable, so ties keep their order.
        with.sort_by_key(|w| std::cmp::Reverse(w.1));
    }
    for (g, counts) in with.iter().take(SUMMARY_TARGETS) {
        let parts: Vec<String> = Severity::ALL
            .iter()
            .zip(counts)
            .filter(|(_, n)| **n > 0)
            .map(|(s, n)| format!("{n} {s}"))
            .collect();
        let line = format!(
            "{} finding{} ({}) in {} {}",
            g.findings.len(),
            plural(g.findings.len()),
            parts.join(", "),
            g.kind(),
            clean(&g.label()),
        );
        writeln!(out, "{}", truncate(&line, width))?;
    }
    if with.len() > SUMMARY_TARGETS {
        let rest = with.len() - SUMMARY_TARGETS;
        let hidden: usize = with[SUMMARY_TARGETS..]
            .iter()
            .map(|(g, _)| g.findings.len())
            .sum();
        writeln!(
            out,
            "…and {rest} more target{} with {hidden} finding{} (the {SUMMARY_TARGETS} above have the most severe; use --format json for all)",
            plural(rest),
            plural(hidden)
        )?;
    }
    if clean_targets > 0 {
        writeln!(
            out,
            "{clean_targets} target{} without findings",
            plural(clean_targets)
        )?;
    }
    writeln!(out, "{}", view.totals())?;
    writeln!(out, "{}", view.verdict())
}

fn finding_row(f: &Finding, one_image: bool) -> Vec<String> {
    let place = match &f.location {
        Location::Source(_) | Location::Container { .. } => location_text_with(f, true),
        _ if one_image => location_in_target(f, true),
        _ => location_text_with(f, true) + &dockerfile_suffix(f),
    };
    vec![
        f.severity.to_string(),
        clean(&f.rule).into_owned(),
        clean(&place).into_owned(),
        if f.autofix.is_some() {
            format!("{} [fixable]", short_message(&f.message))
        } else {
            short_message(&f.message)
        },
        f.evidence
            .as_ref()
            .map(|e| clean(&e.value).into_owned())
            .unwrap_or_default(),
    ]
}
