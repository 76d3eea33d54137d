//! Human output: rustc-style diagnostics (annotate-snippets) for source locations; for images
//! a summary block, a `docker history`-like layer table and findings grouped by layer.

use crate::snippet::snippet;
use crate::util::{clean, clean_multiline, fix_text, human_size, instruction_of, plural};
use crate::util::{location_in_target, location_text_with, short_digest, truncate};
use crate::{ImageSummaryView, LayerView, RenderOptions, Target, View};
use annotate_snippets::renderer::DecorStyle;
use annotate_snippets::{AnnotationKind, Element, Level, Origin, Renderer, Snippet};
use anstyle::{AnsiColor, Effects, Style};
use drydock_core::{Finding, Location, Severity};
use std::collections::BTreeMap;
use std::io::{self, Write};

struct Ctx<'o> {
    opts: &'o RenderOptions,
    renderer: Renderer,
}

impl Ctx<'_> {
    fn style(&self, s: Style, text: &str) -> String {
        if self.opts.color {
            format!("{s}{text}{s:#}")
        } else {
            text.to_string()
        }
    }
}

const BOLD: Style = Style::new().effects(Effects::BOLD);
const DIM: Style = Style::new().effects(Effects::DIMMED);

fn severity_style(s: Severity) -> Style {
    match s {
        Severity::Critical => AnsiColor::BrightMagenta.on_default().effects(Effects::BOLD),
        Severity::High => AnsiColor::BrightRed.on_default().effects(Effects::BOLD),
        Severity::Medium => AnsiColor::Yellow.on_default().effects(Effects::BOLD),
        Severity::Low => AnsiColor::BrightCyan.on_default().effects(Effects::BOLD),
        Severity::Info => AnsiColor::BrightBlack.on_default().effects(Effects::BOLD),
    }
}

/// Every severity renders as an "error" level renamed to the severity, with the renderer's
/// error style set to the severity's colour (annotate-snippets has only five fixed levels).
fn level(s: Severity) -> Level<'static> {
    Level::ERROR.with_name(s.as_str())
}

pub fn render(view: &View, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let renderer = if opts.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    }
    .decor_style(DecorStyle::Ascii)
    .term_width(opts.width());
    let cx = Ctx { opts, renderer };

    for w in view.warnings(opts) {
        let style = AnsiColor::BrightRed.on_default().effects(Effects::BOLD);
        writeln!(
            out,
            "{}: {}\n",
            cx.style(style, "warning"),
            clean(&w.to_string())
        )?;
    }
    let errors: &[crate::TargetError] = if opts.errors_on_stderr {
        &[]
    } else {
        &view.report.errors
    };
    for e in errors {
        let red = AnsiColor::BrightRed.on_default().effects(Effects::BOLD);
        writeln!(
            out,
            "{}: cannot scan {}: {}\n",
            cx.style(red, "error"),
            clean(&e.target),
            clean(&e.message)
        )?;
    }
    // With several targets, each file target's findings get a heading; an image always has one.
    let headings = view.groups.len() > 1;
    let mut shown = Shown::default();
    for g in &view.groups {
        let fs: Vec<&Finding> = g.findings.iter().filter(|f| !shown.hide(f, opts)).collect();
        match &g.target {
            Some(Target::Image { name, summary }) => {
                image_group(view, &cx, name, summary, &fs, &mut shown, out)?
            }
            _ => {
                if headings && !fs.is_empty() {
                    let head = match &g.target {
                        Some(_) => format!("{} {}", g.kind(), clean(&g.label())),
                        None => "other findings".to_string(),
                    };
                    writeln!(out, "{}\n", cx.style(BOLD, &head))?;
                }
                findings_block(view, &cx, &fs, &mut shown, out)?;
            }
        }
    }
    if shown.info + shown.vendor > 0 {
        let mut parts = Vec::new();
        if shown.info > 0 {
            parts.push(format!("{} informational", shown.info));
        }
        if shown.vendor > 0 {
            parts.push(format!("{} vendor-owned", shown.vendor));
        }
        let n = shown.info + shown.vendor;
        writeln!(
            out,
            "{}",
            cx.style(
                DIM,
                &format!(
                    "{} finding{} not shown (use --min-severity info to see them)",
                    parts.join(" and "),
                    plural(n)
                )
            )
        )?;
    }
    if let Some(line) = scanned_line(view) {
        writeln!(out, "{line}")?;
    }

    for s in view.suppression_lines() {
        writeln!(out, "ignored: {}", clean(&s))?;
    }
    let s = &view.summary;
    let mut parts = Vec::new();
    for sev in Severity::ALL {
        let n = s.count(sev);
        let t = format!("{n} {sev}");
        parts.push(if n > 0 {
            cx.style(severity_style(sev), &t)
        } else {
            t
        });
    }
    writeln!(
        out,
        "{}",
        cx.style(BOLD, &format!("{} finding{}", s.total(), plural(s.total())))
            + ": "
            + &parts.join(", ")
    )?;
    let verdict = view.verdict();
    let vs = if view.summary.failing > 0 || !view.report.errors.is_empty() {
        AnsiColor::BrightRed.on_default().effects(Effects::BOLD)
    } else {
        AnsiColor::BrightGreen.on_default().effects(Effects::BOLD)
    };
    writeln!(out, "{}", cx.style(vs, &verdict))
}

/// Per rule, how many findings are shown as full diagnostics before the rest of the run
/// shows that rule in one line each: the snippet and help teach once, then they are noise.
const RICH_PER_RULE: usize = 3;
/// One-line repeats of a rule shown per target (or image section) before "…and N more".
const COMPACT_PER_GROUP: usize = 5;

/// What the text view has shown and hidden so far in this run.
#[derive(Default)]
struct Shown {
    rich: std::collections::HashMap<String, usize>,
    /// Informational findings left out (shown with `--min-severity info`).
    info: usize,
    /// Vendor-owned findings left out: content shipped by an OS package or package manager
    /// (`Finding::vendor`, set by the image analyzer, which also lowers them to `low`).
    vendor: usize,
}

impl Shown {
    /// Leave out (and count) what a user need not act on, unless asked for everything.
    fn hide(&mut self, f: &Finding, opts: &RenderOptions) -> bool {
        if opts.show_info {
            return false;
        }
        if f.severity == Severity::Info {
            self.info += 1;
            true
        } else if f.severity <= Severity::Low && f.vendor.is_some() {
            self.vendor += 1;
            true
        } else {
            false
        }
    }
}

/// "scanned 3 Dockerfiles, 1 image" — said on every run, so a clean run shows what it covered.
fn scanned_line(view: &View) -> Option<String> {
    let mut counts: Vec<(&str, &str, usize)> = vec![
        ("Dockerfile", "Dockerfiles", 0),
        ("image", "images", 0),
        ("directory", "directories", 0),
        ("runtime file", "runtime files", 0),
    ];
    for t in &view.targets {
        let i = match t {
            Target::Dockerfile { .. } => 0,
            Target::Image { .. } => 1,
            Target::Files { .. } => 2,
            Target::Runtime { .. } => 3,
        };
        counts[i].2 += 1;
    }
    let parts: Vec<String> = counts
        .iter()
        .filter(|c| c.2 > 0)
        .map(|(one, many, n)| format!("{n} {}", if *n == 1 { one } else { many }))
        .collect();
    if parts.is_empty() {
        return None;
    }
    let mut line = format!("scanned {}", parts.join(", "));
    if view.targets.len() == 1 {
        line.push_str(&format!(": {}", clean(&view.targets[0].label())));
    }
    Some(line)
}

/// Findings of one target (or image section) grouped by rule: the first few of a rule in the
/// run as full diagnostics, repeats as one line each, capped per group with a pointer to
/// the complete list. `--all` shows every finding in full.
fn findings_block(
    view: &View,
    cx: &Ctx,
    fs: &[&Finding],
    shown: &mut Shown,
    out: &mut dyn Write,
) -> io::Result<()> {
    if cx.opts.all {
        for f in fs {
            diagnostic(view, cx, f, out)?;
        }
        return Ok(());
    }
    let mut groups: Vec<(&str, Vec<&Finding>)> = Vec::new();
    for f in fs {
        match groups.iter_mut().find(|(r, _)| *r == f.rule) {
            Some((_, list)) => list.push(f),
            None => groups.push((&f.rule, vec![f])),
        }
    }
    for (rule, mut list) in groups {
        // The most severe occurrence gets the full diagnostic (stable: location order stays).
        list.sort_by_key(|f| std::cmp::Reverse(f.severity));
        let rich = shown.rich.entry(rule.to_string()).or_default();
        let mut rest = &list[..];
        if *rich < RICH_PER_RULE {
            *rich += 1;
            diagnostic(view, cx, list[0], out)?;
            rest = &list[1..];
        }
        if rest.is_empty() {
            continue;
        }
        let width = cx.opts.width();
        for f in rest.iter().take(COMPACT_PER_GROUP) {
            let head = format!("{}[{}]", f.severity, clean(&f.rule));
            let line = format!(
                " {}: {}",
                clean(&location_in_target(f, true)),
                clean(f.message.lines().next().unwrap_or(""))
            );
            let room = width.saturating_sub(head.chars().count()).max(20);
            writeln!(
                out,
                "{}{}",
                cx.style(severity_style(f.severity), &head),
                truncate(&line, room)
            )?;
        }
        if rest.len() > COMPACT_PER_GROUP {
            writeln!(
                out,
                "{}",
                cx.style(
                    DIM,
                    &format!(
                        "…and {} more {} (use --format json or --all)",
                        rest.len() - COMPACT_PER_GROUP,
                        clean(rule)
                    )
                )
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// One rustc-style diagnostic.
fn diagnostic(view: &View, cx: &Ctx, f: &Finding, out: &mut dyn Write) -> io::Result<()> {
    let message = clean(&f.message).into_owned();
    let mut elements: Vec<Element> = Vec::new();
    let snip = match &f.location {
        Location::Source(s) => view
            .source_for(&s.path)
            .and_then(|src| snippet(src, f, &view.masker))
            .map(|sn| (s.path.clone(), sn)),
        _ => None,
    };
    match (&f.location, snip) {
        (_, Some((path, sn))) => {
            elements.push(
                Snippet::source(sn.text)
                    .line_start(sn.start_line)
                    .path(clean(&path).into_owned())
                    .fold(true)
                    .annotation(AnnotationKind::Primary.span(sn.span))
                    .into(),
            );
        }
        (Location::Source(s), None) => elements.push(
            Origin::path(clean(&s.path).into_owned())
                .line(s.start_line)
                .char_column(s.start_column)
                .into(),
        ),
        (_, None) => {
            elements.push(Origin::path(clean(&location_text_with(f, false)).into_owned()).into())
        }
    }
    if let Location::Layer {
        layer,
        deleted_in: Some(d),
        ..
    } = &f.location
    {
        elements.push(
            Level::NOTE
                .message(format!(
                    "deleted in layer {d} — still extractable from layer {layer}"
                ))
                .into(),
        );
    }
    // The Dockerfile instruction behind an image finding (docs/correlation.md).
    if let Some(d) = &f.dockerfile_location {
        if !matches!(&f.location, Location::Source(l) if l == d) {
            let what = view
                .source_for(&d.path)
                .and_then(|src| src.lines().nth(d.start_line.saturating_sub(1)))
                .map(|l| format!(": `{}`", truncate(view.masker.mask_str(l).trim(), 60)))
                .unwrap_or_default();
            elements.push(
                Level::NOTE
                    .message(
                        clean(&format!(
                            "Dockerfile: {}:{}:{}{what}",
                            d.path, d.start_line, d.start_column
                        ))
                        .into_owned(),
                    )
                    .into(),
            );
        }
    }
    if !f.also.is_empty() {
        elements.push(
            Level::NOTE
                .message(clean(&format!("also reported as {}", f.also.join(", "))).into_owned())
                .into(),
        );
    }
    if let Some(ev) = &f.evidence {
        // Redacted values already carry length and hash; plain ones (--show-secrets) get the hash.
        let mut shown = format!("evidence: {}", clean(&ev.value));
        if !ev.value.contains(ev.sha256.get(..8).unwrap_or(&ev.sha256)) {
            shown.push_str(&format!(" (sha256 {})", clean(&ev.sha256)));
        }
        elements.push(Level::NOTE.message(shown).into());
    }
    if let Some(v) = &f.vulnerability {
        let mut ids = vec![v.id.clone()];
        ids.extend(v.aliases.iter().cloned());
        elements.push(
            Level::NOTE
                .message(format!(
                    "{}: {} {} ({})",
                    clean(&ids.join(", ")),
                    clean(&v.package),
                    clean(&v.installed_version),
                    clean(&v.ecosystem)
                ))
                .into(),
        );
    }
    if let Some(c) = f.confidence {
        if c != drydock_core::Confidence::High {
            elements.push(
                Level::NOTE
                    .message(format!("confidence: {}", format!("{c:?}").to_lowercase()))
                    .into(),
            );
        }
    }
    if let Some(fix) = fix_text(f) {
        elements.push(Level::HELP.message(clean_multiline(&fix)).into());
    }
    if !cx.opts.quiet {
        let title = view
            .rule(&f.rule)
            .map(|r| format!(" ({})", r.title))
            .unwrap_or_default();
        elements.push(
            Level::NOTE
                .message(format!(
                    "run `drydock explain {}`{}",
                    clean(&f.rule),
                    clean(&title)
                ))
                .into(),
        );
    }
    let group = level(f.severity)
        .primary_title(message)
        .id(clean(&f.rule).into_owned())
        .elements(elements);
    let renderer = if cx.opts.color {
        cx.renderer.clone().error(severity_style(f.severity))
    } else {
        cx.renderer.clone()
    };
    let rendered = renderer.render(&[group]);
    writeln!(out, "{rendered}\n")
}

fn layer_row(l: &LayerView) -> (String, String, String, String) {
    (
        l.layer_index()
            .map_or_else(|| "-".to_string(), |i| i.to_string()),
        l.digest
            .as_deref()
            .filter(|_| l.layer_index().is_some())
            .map(short_digest)
            .unwrap_or_default(),
        human_size(l.size),
        l.created_by
            .as_deref()
            .map(instruction_of)
            .unwrap_or_default(),
    )
}

fn image_group(
    view: &View,
    cx: &Ctx,
    name: &str,
    summary: &ImageSummaryView,
    findings: &[&Finding],
    shown: &mut Shown,
    out: &mut dyn Write,
) -> io::Result<()> {
    let width = cx.opts.width();
    let layer_count = summary
        .layers
        .iter()
        .filter(|l| l.layer_index().is_some())
        .count();
    writeln!(out, "{}", cx.style(BOLD, &format!("image {}", clean(name))))?;
    if cx.opts.quiet {
        writeln!(out)?;
    } else {
        let mut rows: Vec<(&str, String)> = Vec::new();
        if let Some(os) = &summary.os {
            rows.push(("os", clean(os).into_owned()));
        }
        if let Some(p) = &summary.platform {
            rows.push(("platform", clean(p).into_owned()));
        }
        if let Some(d) = &summary.digest {
            rows.push(("digest", clean(d).into_owned()));
        }
        rows.push((
            "size",
            format!(
                "{} in {layer_count} layer{}",
                human_size(summary.size),
                plural(layer_count)
            ),
        ));
        rows.push((
            "user",
            match summary.user.as_deref() {
                None | Some("") => "root (no USER set)".to_string(),
                Some(u) => clean(u).into_owned(),
            },
        ));
        rows.push((
            "waste",
            format!(
                "{} (efficiency {:.1}%)",
                human_size(summary.waste_bytes),
                summary.efficiency * 100.0
            ),
        ));
        if let Some(b) = &summary.base_image {
            rows.push(("base", clean(&crate::base_line(b)).into_owned()));
        }
        for (k, v) in rows {
            writeln!(out, "  {} {v}", cx.style(DIM, &format!("{k:<9}")))?;
        }
        if !summary.layers.is_empty() {
            writeln!(out)?;
            let rows: Vec<_> = summary.layers.iter().map(layer_row).collect();
            let w0 = rows.iter().map(|r| r.0.len()).max().unwrap_or(0).max(5);
            let w1 = rows.iter().map(|r| r.1.len()).max().unwrap_or(0).max(6);
            let w2 = rows.iter().map(|r| r.2.len()).max().unwrap_or(0).max(4);
            let head = format!(
                "  {:<w0$}  {:<w1$}  {:>w2$}  CREATED BY",
                "LAYER", "DIGEST", "SIZE"
            );
            writeln!(out, "{}", cx.style(DIM, &head))?;
            let room = width.saturating_sub(w0 + w1 + w2 + 8).max(20);
            for (i, d, s, c) in rows {
                writeln!(
                    out,
                    "  {i:<w0$}  {d:<w1$}  {s:>w2$}  {}",
                    clean(&truncate(&c, room))
                )?;
            }
        }
        writeln!(out)?;
    }

    // Findings by layer (in layer order), then config/history, then packages.
    let mut by_layer: BTreeMap<usize, Vec<&Finding>> = BTreeMap::new();
    let mut config = Vec::new();
    let mut packages = Vec::new();
    let mut rest = Vec::new();
    for &f in findings {
        match &f.location {
            Location::Layer { layer, .. } => by_layer.entry(*layer).or_default().push(f),
            Location::Config { .. } => config.push(f),
            Location::Package { .. } => packages.push(f),
            _ => rest.push(f),
        }
    }
    for (layer, fs) in by_layer {
        let view_row = summary
            .layers
            .iter()
            .find(|l| l.layer_index() == Some(layer));
        let (digest, size, created) = match view_row {
            Some(l) => {
                let (_, d, s, c) = layer_row(l);
                (d, s, c)
            }
            None => match &fs[0].location {
                Location::Layer {
                    layer_digest,
                    created_by,
                    ..
                } => (
                    short_digest(layer_digest),
                    String::new(),
                    created_by
                        .as_deref()
                        .map(instruction_of)
                        .unwrap_or_default(),
                ),
                // Not reached: only layer locations are grouped here.
                _ => (String::new(), String::new(), String::new()),
            },
        };
        let mut head = format!("── layer {layer}  {digest}");
        if !size.is_empty() {
            head.push_str(&format!("  {size}"));
        }
        let used = head.chars().count() + 2;
        if !created.is_empty() {
            head.push_str(&format!(
                "  {}",
                truncate(&created, width.saturating_sub(used).max(20))
            ));
        }
        writeln!(out, "{}\n", cx.style(BOLD, &clean(&head)))?;
        findings_block(view, cx, &fs, shown, out)?;
    }
    for (title, fs) in [
        ("image config and history", config),
        ("installed packages", packages),
        ("other", rest),
    ] {
        if fs.is_empty() {
            continue;
        }
        writeln!(out, "{}\n", cx.style(BOLD, &format!("── {title}")))?;
        findings_block(view, cx, &fs, shown, out)?;
    }
    Ok(())
}
