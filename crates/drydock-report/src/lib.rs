//! drydock's reporters: one [`Report`] (what was scanned, the findings after policy, the
//! threshold) rendered in any [`Format`] — rustc-style text, JSON, SARIF 2.1.0, JUnit XML,
//! GitHub workflow commands, Markdown and a self-contained HTML page.
//!
//! Reporters only present what analyzers produced: evidence is shown exactly as given (the
//! analyzers redact secrets), nothing is re-read from disk or images, and every string that
//! came from a scanned artefact is escaped for the output it goes to.

#![forbid(unsafe_code)]

use drydock_core::ignore::EntryOutcome;
use drydock_core::{Finding, Location, RuleMeta, Severity, Warning, WarningKind};
use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

mod github;
mod gitlab;
mod html;
mod json;
mod junit;
mod markdown;
mod mask;
mod mdterm;
mod sarif;
mod snippet;
mod table;
mod text;
mod util;

pub use github::{escape_data as github_escape_data, escape_property as github_escape_property};
pub use html::{escape as html_escape, markdown_to_html};
pub use mdterm::markdown_to_terminal;
pub use util::clean as terminal_clean;
pub use util::human_size;

/// Everything one `drydock scan` run reports.
pub struct Report<'a> {
    pub tool_version: &'a str,
    /// Project home page for SARIF `tool.driver.informationUri`; omitted when `None`.
    pub information_uri: Option<&'a str>,
    /// ISO date (`2026-11-27`) the scan used for end-of-life decisions.
    pub scan_date: String,
    /// What was scanned, in command-line order.
    pub targets: Vec<Target>,
    /// Findings after policy (select/ignore/severity overrides), in any order: reporters sort
    /// them. A finding belongs to a target through its location (see [`Report::target_of`]).
    pub findings: Vec<Finding>,
    /// Rule metadata by id (titles, SARIF rule entries, help text); unknown ids still render.
    pub rules: &'a dyn Fn(&str) -> Option<&'a RuleMeta>,
    /// `--fail-on`: findings at or above it fail the run; `None` = `--fail-on none`.
    pub fail_on: Option<Severity>,
    /// Targets that could not be scanned.
    pub errors: Vec<TargetError>,
    /// What the reader must know to trust the result: no vulnerability database, skipped
    /// files, expired exceptions… Every format carries them.
    pub warnings: Vec<Warning>,
    /// What each ignore-file entry did (how many findings it suppressed, expired or not).
    pub suppressions: Vec<EntryOutcome>,
}

/// One scanned thing.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// `source` is the file's text, used for snippets; it is never written to JSON/SARIF.
    Dockerfile { path: String, source: String },
    Image {
        name: String,
        summary: ImageSummaryView,
    },
    /// A directory tree (build context, rootfs); its findings have `Source` locations under `root`.
    Files { root: String },
    /// A compose file, Kubernetes manifest or `docker inspect` document.
    Runtime {
        path: String,
        source: Option<String>,
    },
}

/// What the text/HTML summary shows for an image (filled by the image analyzer).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImageSummaryView {
    /// `PRETTY_NAME` from os-release, e.g. `Debian GNU/Linux 12 (bookworm)`.
    pub os: Option<String>,
    /// `linux/amd64`; also used to match findings carrying a `platform`.
    pub platform: Option<String>,
    /// Manifest digest, when known.
    pub digest: Option<String>,
    /// Uncompressed size of all layers, in bytes.
    pub size: u64,
    /// Config `User` (`None` or empty means root).
    pub user: Option<String>,
    /// The image history, oldest first, including entries that made no layer.
    pub layers: Vec<LayerView>,
    /// Bytes added by one layer and deleted or overwritten by a later one.
    pub waste_bytes: u64,
    /// 0.0–1.0; the definition is the image analyzer's (documented there).
    pub efficiency: f64,
    /// The image this one was built on, when the history or annotations tell.
    pub base_image: Option<Box<BaseImageView>>,
}

/// The base image in one line, for the text, Markdown and HTML summaries.
pub(crate) fn base_line(b: &BaseImageView) -> String {
    let layers = if b.layers == 1 {
        "layer 0".to_string()
    } else {
        format!("layers 0-{}", b.layers.saturating_sub(1))
    };
    let name = b.name.as_deref().unwrap_or("unnamed OS base");
    match (b.vulnerabilities, b.fixable_by_rebuild) {
        (Some(v), Some(f)) => format!(
            "{name} ({layers}): {v} known vulnerabilit{}, {f} fixed by rebuilding on a current copy",
            if v == 1 { "y" } else { "ies" }
        ),
        _ => format!("{name} ({layers})"),
    }
}

/// The base image of a scanned image and, when vulnerabilities were matched, its verdict.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BaseImageView {
    /// `debian:12`; `None` when only the layers are known (a root-filesystem import).
    pub name: Option<String>,
    pub digest: Option<String>,
    /// Layers `0..layers` come from the base.
    pub layers: usize,
    /// Known vulnerabilities in the base layers' packages (`None`: not matched).
    pub vulnerabilities: Option<usize>,
    /// Of those, fixed in a newer build of the same base.
    pub fixable_by_rebuild: Option<usize>,
    /// One sentence for people: the base, its vulnerabilities and end-of-life status.
    pub verdict: Option<String>,
}

/// One `docker history` row.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LayerView {
    /// 0-based index into `rootfs.diff_ids`; `None` (or `empty`) for a history entry that
    /// made no layer (`ENV`, `USER`, …).
    pub index: Option<usize>,
    pub digest: Option<String>,
    pub size: u64,
    pub created_by: Option<String>,
    /// The history entry is `empty_layer` (made no layer).
    pub empty: bool,
    /// What the layer did to the file tree, when the layer was read.
    pub changes: Option<LayerChangesView>,
}

/// What one layer added, changed and deleted (the HTML layer view, like `dive`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LayerChangesView {
    pub added: usize,
    pub changed: usize,
    pub deleted: usize,
    /// Bytes of this layer's files that a later layer deletes or overwrites.
    pub wasted_bytes: u64,
    /// Biggest changes first: (path, size, `added`/`changed`/`deleted`).
    pub biggest: Vec<(String, u64, String)>,
}

impl LayerView {
    /// The diff_id index when this row is a real layer.
    pub fn layer_index(&self) -> Option<usize> {
        self.index.filter(|_| !self.empty)
    }
}

/// A target that could not be scanned (exit code 2 is the caller's business).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetError {
    pub target: String,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Junit,
    Github,
    Markdown,
    Html,
    /// GitLab Code Quality report (a JSON array of issues).
    Gitlab,
    /// One line per finding, vulnerabilities grouped per package, a summary per target.
    Table,
}

impl Format {
    pub const ALL: [Format; 9] = [
        Format::Text,
        Format::Json,
        Format::Sarif,
        Format::Junit,
        Format::Github,
        Format::Markdown,
        Format::Html,
        Format::Gitlab,
        Format::Table,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Github => "github",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Gitlab => "gitlab",
            Format::Table => "table",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.to_ascii_lowercase();
        match lower.as_str() {
            "md" => return Ok(Format::Markdown),
            "xml" => return Ok(Format::Junit),
            _ => {}
        }
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == lower)
            .ok_or_else(|| {
                format!(
                    "unknown format `{s}` (expected text, table, json, sarif, junit, github, markdown, html or gitlab)"
                )
            })
    }
}

/// Presentation switches; only the text format uses `color`, `quiet` and `width`.
#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    /// Emit ANSI styles (the caller resolves `--color auto|always|never` and `NO_COLOR`).
    pub color: bool,
    /// Text: findings and the verdict only (no image summary, layer table or explain notes).
    pub quiet: bool,
    /// Terminal width for snippets and truncation; 100 when `None`.
    pub width: Option<usize>,
    /// `--show-secrets` is on: every format carries a warning that evidence is unredacted.
    pub show_secrets_warning: bool,
    /// Text: the caller prints scan errors on standard error, so the report does not repeat
    /// them on the same terminal.
    pub errors_on_stderr: bool,
    /// Text: every finding in full (`--all`) instead of repeated findings of a rule capped.
    pub all: bool,
    /// Text: show informational and vendor-owned findings (`--min-severity info`) instead of
    /// counting them in one line.
    pub show_info: bool,
}

impl RenderOptions {
    pub(crate) fn width(&self) -> usize {
        self.width.unwrap_or(100).clamp(40, 1000)
    }
}

/// Render `report` as `format` into `out`.
pub fn render(
    format: Format,
    report: &Report,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let view = View::new(report, opts);
    match format {
        Format::Text => text::render(&view, opts, out),
        Format::Json => json::render(&view, opts, out),
        Format::Sarif => sarif::render(&view, opts, out),
        Format::Junit => junit::render(&view, opts, out),
        Format::Github => github::render(&view, opts, out),
        Format::Markdown => markdown::render(&view, opts, out),
        Format::Html => html::render(&view, opts, out),
        Format::Gitlab => gitlab::render(&view, opts, out),
        Format::Table => table::render(&view, opts, out),
    }
}

/// Render into a `String` (tests, buffering).
pub fn render_to_string(
    format: Format,
    report: &Report,
    opts: &RenderOptions,
) -> io::Result<String> {
    let mut buf = Vec::new();
    render(format, report, opts, &mut buf)?;
    String::from_utf8(buf).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// Counts by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub critical: usize,
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    pub info: usize,
    /// Findings at or above `fail_on`.
    pub failing: usize,
}

impl Summary {
    pub fn total(&self) -> usize {
        self.critical + self.high + self.medium + self.low + self.info
    }

    pub fn count(&self, s: Severity) -> usize {
        match s {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Info => self.info,
        }
    }
}

impl Report<'_> {
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for f in &self.findings {
            match f.severity {
                Severity::Critical => s.critical += 1,
                Severity::High => s.high += 1,
                Severity::Medium => s.medium += 1,
                Severity::Low => s.low += 1,
                Severity::Info => s.info += 1,
            }
            if self.gates(f.severity) {
                s.failing += 1;
            }
        }
        s
    }

    /// True when some finding is at or above `fail_on` (exit code 1).
    pub fn fails(&self) -> bool {
        self.findings.iter().any(|f| self.gates(f.severity))
    }

    /// Does a finding of this severity fail the run?
    pub fn gates(&self, s: Severity) -> bool {
        self.fail_on.is_some_and(|t| s >= t)
    }

    /// `high`, or `none` for `--fail-on none`.
    pub fn fail_on_str(&self) -> &'static str {
        self.fail_on.map_or("none", |t| t.as_str())
    }

    /// Index of the target a finding belongs to. A source location goes to the Dockerfile
    /// or runtime file with that path; else to the `Files` target whose root contains it
    /// (the deepest); else to the Dockerfile whose directory contains it (a build-context
    /// file); else, for a relative path, to the only `Files` target. Image locations go to
    /// the image of that name (and platform, when both carry one); container locations to a
    /// runtime target named like the container. `None`: shown under "other".
    pub fn target_of(&self, f: &Finding) -> Option<usize> {
        let pos = |pred: &dyn Fn(&Target) -> bool| self.targets.iter().position(pred);
        // The target whose directory contains `p`, preferring the deepest directory.
        let deepest = |dir_of: &dyn Fn(&Target) -> Option<String>, p: &str| {
            self.targets
                .iter()
                .enumerate()
                .filter_map(|(i, t)| dir_of(t).map(|d| (i, d)))
                .filter(|(_, d)| util::path_under(d, p))
                .max_by_key(|(i, d)| (d.len(), usize::MAX - i))
                .map(|(i, _)| i)
        };
        match &f.location {
            Location::Source(s) => pos(&|t| match t {
                Target::Dockerfile { path, .. } | Target::Runtime { path, .. } => {
                    util::same_path(path, &s.path)
                }
                _ => false,
            })
            .or_else(|| {
                deepest(
                    &|t| match t {
                        Target::Files { root } => Some(root.clone()),
                        _ => None,
                    },
                    &s.path,
                )
            })
            .or_else(|| {
                deepest(
                    &|t| match t {
                        Target::Dockerfile { path, .. } => Some(util::parent_dir(path)),
                        _ => None,
                    },
                    &s.path,
                )
            })
            .or_else(|| {
                let files: Vec<usize> = (0..self.targets.len())
                    .filter(|i| matches!(self.targets[*i], Target::Files { .. }))
                    .collect();
                (files.len() == 1 && !s.path.starts_with('/')).then(|| files[0])
            }),
            Location::Layer { image, .. }
            | Location::Config { image, .. }
            | Location::Package { image, .. } => pos(&|t| match t {
                Target::Image { name, summary } => {
                    name == image
                        && match (&f.platform, &summary.platform) {
                            (Some(a), Some(b)) => a == b,
                            _ => true,
                        }
                }
                _ => false,
            }),
            Location::Container { container, .. } => {
                pos(&|t| matches!(t, Target::Runtime { path, .. } if path == container))
            }
        }
    }
}

impl Target {
    /// Short display name: the path, image name (with platform) or root.
    pub fn label(&self) -> String {
        match self {
            Target::Dockerfile { path, .. } | Target::Runtime { path, .. } => path.clone(),
            Target::Files { root } => root.clone(),
            Target::Image { name, summary } => match &summary.platform {
                Some(p) => format!("{name} ({p})"),
                None => name.clone(),
            },
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Target::Dockerfile { .. } => "dockerfile",
            Target::Image { .. } => "image",
            Target::Files { .. } => "files",
            Target::Runtime { .. } => "runtime",
        }
    }

    /// The text of a file target, for snippets.
    pub(crate) fn source(&self) -> Option<&str> {
        match self {
            Target::Dockerfile { source, .. } => Some(source),
            Target::Runtime { source, .. } => source.as_deref(),
            _ => None,
        }
    }
}

/// Findings sorted and grouped by target, computed once per render, with known secrets
/// masked in quoted text (history `created_by`) unless `--show-secrets` is on.
pub(crate) struct View<'r, 'a> {
    pub report: &'r Report<'a>,
    /// `report.targets` with secrets masked in image history.
    pub targets: Vec<Target>,
    /// One group per target in order, then (if any) the findings of no known target.
    pub groups: Vec<Group>,
    pub summary: Summary,
    pub masker: mask::Masker,
}

pub(crate) struct Group {
    pub target: Option<Target>,
    pub findings: Vec<Finding>,
}

impl Group {
    pub fn label(&self) -> String {
        self.target.as_ref().map_or_else(
            || "findings of no scanned target".to_string(),
            Target::label,
        )
    }

    pub fn kind(&self) -> &'static str {
        self.target.as_ref().map_or("other", Target::kind)
    }
}

impl<'r, 'a> View<'r, 'a> {
    fn new(report: &'r Report<'a>, opts: &RenderOptions) -> Self {
        let masker = if opts.show_secrets_warning {
            mask::Masker::default()
        } else {
            mask::Masker::new(&report.findings)
        };
        let mut targets = report.targets.clone();
        if !masker.is_empty() {
            for t in &mut targets {
                if let Target::Image { summary, .. } = t {
                    for l in &mut summary.layers {
                        if let Some(c) = &mut l.created_by {
                            *c = masker.mask_str(c);
                        }
                    }
                }
            }
        }
        let mut groups: Vec<Group> = targets
            .iter()
            .map(|t| Group {
                target: Some(t.clone()),
                findings: Vec::new(),
            })
            .collect();
        // `target_of` looks for a file target with the finding's path first: index those
        // paths once (first target wins, as in `target_of`) instead of a scan per finding.
        let mut by_path: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for (i, t) in report.targets.iter().enumerate() {
            if let Target::Dockerfile { path, .. } | Target::Runtime { path, .. } = t {
                by_path.entry(util::norm(path)).or_insert(i);
            }
        }
        let mut other = Vec::new();
        for f in &report.findings {
            let mut f = f.clone();
            if let Location::Layer {
                created_by: Some(c),
                ..
            } = &mut f.location
            {
                if !masker.is_empty() {
                    *c = masker.mask_str(c);
                }
            }
            let known = match &f.location {
                Location::Source(s) => by_path.get(util::norm(&s.path)).copied(),
                _ => None,
            };
            match known.or_else(|| report.target_of(&f)) {
                Some(i) => groups[i].findings.push(f),
                None => other.push(f),
            }
        }
        if !other.is_empty() {
            groups.push(Group {
                target: None,
                findings: other,
            });
        }
        for g in &mut groups {
            drydock_core::finding::sort_findings(&mut g.findings);
        }
        View {
            report,
            targets,
            groups,
            summary: report.summary(),
            masker,
        }
    }

    /// The run's warnings, `--show-secrets` first: what every format must carry.
    pub fn warnings(&self, opts: &RenderOptions) -> Vec<Warning> {
        let mut w = Vec::new();
        if opts.show_secrets_warning {
            w.push(Warning::new(WarningKind::SecretsShown, SECRETS_WARNING));
        }
        w.extend(self.report.warnings.iter().cloned());
        w
    }

    /// One line per ignore-file entry: `.drydockignore.yaml:3 (rule DF001): 2 findings suppressed — reason`.
    pub fn suppression_lines(&self) -> Vec<String> {
        self.report
            .suppressions
            .iter()
            .map(|s| {
                let what = if s.expired {
                    format!(
                        "expired on {}, suppresses nothing",
                        s.expires.as_deref().unwrap_or("?")
                    )
                } else {
                    format!(
                        "{} finding{} suppressed",
                        s.suppressed,
                        util::plural(s.suppressed)
                    )
                };
                let mut l = format!("{} ({}): {what}", s.entry, s.selects);
                if let Some(r) = &s.reason {
                    l.push_str(&format!(" — {r}"));
                }
                l
            })
            .collect()
    }

    pub fn rule(&self, id: &str) -> Option<&'a RuleMeta> {
        (self.report.rules)(id)
    }

    /// Every finding in output order (target by target).
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.groups.iter().flat_map(|g| g.findings.iter())
    }

    /// The source text a source-located finding points into, if the report has it.
    pub fn source_for(&self, path: &str) -> Option<&str> {
        self.targets.iter().find_map(|t| match t {
            Target::Dockerfile { path: p, .. } | Target::Runtime { path: p, .. }
                if util::same_path(p, path) =>
            {
                t.source()
            }
            _ => None,
        })
    }

    /// "FAILED: 3 findings at or above high" / "passed: …" — shared wording for all formats.
    pub fn verdict(&self) -> String {
        let n = self.summary.failing;
        let e = self.report.errors.len();
        let mut v = match self.report.fail_on {
            None => {
                let total = self.summary.total();
                format!(
                    "{total} finding{} (--fail-on none: no finding fails the run)",
                    util::plural(total)
                )
            }
            Some(t) if n > 0 => format!(
                "FAILED: {n} finding{} at or above {t} (--fail-on {t})",
                util::plural(n)
            ),
            // Exit 2: "passed" would contradict it.
            Some(t) if e > 0 => format!("incomplete: no finding at or above {t} (--fail-on {t})"),
            Some(t) => format!("passed: no finding at or above {t} (--fail-on {t})"),
        };
        if e > 0 {
            v.push_str(&format!(
                "; {e} target{} could not be scanned",
                util::plural(e)
            ));
        }
        v
    }

    /// "5 findings: 1 critical, 2 high, 1 medium, 1 low, 0 info"
    pub fn totals(&self) -> String {
        let s = &self.summary;
        format!(
            "{} finding{}: {}",
            s.total(),
            util::plural(s.total()),
            Severity::ALL
                .iter()
                .map(|sev| format!("{} {sev}", s.count(*sev)))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

pub(crate) const SECRETS_WARNING: &str =
    "--show-secrets is on: evidence below contains secret values in clear; do not share this report";
