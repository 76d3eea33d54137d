//! What rules' fixers share (`Rule::fix`): edits on the original text, the context a fixer
//! reads, and fixers used by several rules. The loop that applies them is `crate::fix`.

use std::ops::Range;

use drydock_core::{Autofix, Finding, Location, Replacement};

use super::{registry, RuleContext};
use crate::ast::Span;
use crate::shell::{RunScript, Word};

/// Replace `range` (bytes of the source) with `text`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Edit {
    pub range: Range<usize>,
    pub text: String,
}

impl Edit {
    pub fn insert(at: usize, text: impl Into<String>) -> Edit {
        Edit {
            range: at..at,
            text: text.into(),
        }
    }
}

/// One rule's fix for one finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What it does, one line (`add --no-install-recommends`).
    pub title: String,
    pub edits: Vec<Edit>,
    /// What the user must do besides (`docker build --secret id=npm_token,env=NPM_TOKEN`).
    pub hint: Option<String>,
}

impl Fix {
    pub fn new(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            title: title.into(),
            edits,
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Fix {
        self.hint = Some(hint.into());
        self
    }
}

/// Looks up the digest a base image reference points to now.
pub trait DigestResolver: Sync {
    /// `image` as written after ARG expansion (`python:3.12`); `platform` the FROM's
    /// `--platform` (`linux/arm64`) when it has one. Returns `sha256:…` — the index digest
    /// for a multi-platform image — or a one-line reason.
    fn resolve(&self, image: &str, platform: Option<&str>) -> Result<String, String>;
}

/// How fixers that need a registry (digest pins) behave.
#[derive(Clone, Copy)]
pub enum Pinning<'a> {
    /// Scan reports: describe the fix, edit nothing.
    Describe,
    /// `drydock fix --offline`: leave a `# TODO(drydock): pin …` comment instead.
    Offline,
    /// Ask the registry.
    Resolve(&'a dyn DigestResolver),
}

/// Everything a fixer may look at: the rule context and the source as bytes.
pub struct FixContext<'c, 'a> {
    pub cx: &'c RuleContext<'a>,
    pub pinning: Pinning<'c>,
    /// Byte offset of each line's first character (1-based line `n` at `[n - 1]`).
    line_starts: Vec<usize>,
}

impl<'c, 'a> FixContext<'c, 'a> {
    pub fn new(cx: &'c RuleContext<'a>, pinning: Pinning<'c>) -> Self {
        let src = &cx.df.source;
        let mut line_starts = vec![0];
        line_starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
        FixContext {
            cx,
            pinning,
            line_starts,
        }
    }

    pub fn source(&self) -> &'a str {
        &self.cx.df.source
    }

    /// Byte offset of the first character of 1-based `line`.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.source().len())
    }

    /// Byte offset of the end of `line`'s text (before `\r\n` / `\n`).
    pub fn line_end(&self, line: usize) -> usize {
        if line == 0 {
            return 0;
        }
        let end = self
            .line_starts
            .get(line)
            .map(|&n| n - 1)
            .unwrap_or(self.source().len());
        let s = self.source();
        if end > 0 && s.as_bytes().get(end - 1) == Some(&b'\r') {
            end - 1
        } else {
            end
        }
    }

    /// The text of 1-based `line`, without its line end.
    pub fn line_text(&self, line: usize) -> &'a str {
        if line == 0 {
            return "";
        }
        let (a, b) = (self.line_start(line), self.line_end(line));
        self.source().get(a..b.max(a)).unwrap_or("")
    }

    /// The line end the file uses (`\r\n` when its first line has one).
    pub fn newline(&self) -> &'static str {
        match self.source().find('\n') {
            Some(i) if i > 0 && self.source().as_bytes()[i - 1] == b'\r' => "\r\n",
            _ => "\n",
        }
    }

    /// Byte offset of the character at 1-based (`line`, `column`).
    pub fn offset(&self, line: usize, column: usize) -> usize {
        let start = self.line_start(line);
        let text = self.line_text(line);
        text.char_indices()
            .nth(column.saturating_sub(1))
            .map(|(b, _)| start + b)
            .unwrap_or(start + text.len())
    }

    /// Byte offset just after the character at (`line`, `column`).
    pub fn offset_after(&self, line: usize, column: usize) -> usize {
        let at = self.offset(line, column);
        at + self.source()[at..]
            .chars()
            .next()
            .map(char::len_utf8)
            .unwrap_or(0)
    }

    /// The bytes a span covers (end inclusive, as spans are).
    pub fn range(&self, span: Span) -> Range<usize> {
        self.offset(span.start_line, span.start_column)
            ..self.offset_after(span.end_line, span.end_column)
    }

    /// The span a finding points at, when it is in this file.
    pub fn finding_span(&self, f: &Finding) -> Option<Span> {
        match &f.location {
            Location::Source(s) => Some(Span {
                start_line: s.start_line,
                start_column: s.start_column,
                end_line: s.end_line,
                end_column: s.end_column,
            }),
            _ => None,
        }
    }

    /// The instruction a finding's span starts in.
    pub fn instruction_at(&self, f: &Finding) -> Option<usize> {
        let s = self.finding_span(f)?;
        self.cx
            .df
            .instructions
            .iter()
            .position(|i| i.start_line <= s.start_line && s.start_line <= i.end_line)
    }

    /// The RUN command a finding points at (rules report at the command's first word).
    pub fn command_at(
        &self,
        f: &Finding,
    ) -> Option<(
        &'a crate::shell::RunInfo,
        &'a RunScript,
        &'a crate::shell::SimpleCommand,
    )> {
        let sp = self.finding_span(f)?;
        self.cx.commands().find(|(_, s, c)| {
            s.is_mapped()
                && c.effective_argv()
                    .first()
                    .is_some_and(|w| s.word_span(w) == sp)
        })
    }

    /// Fix a RUN by appending `command` (cache clean-up) to the RUN a finding is in.
    pub fn append_fix(&self, f: &Finding, command: &str) -> Option<Result<Fix, String>> {
        let i = self.instruction_at(f)?;
        let e = self.append_to_run(i, command)?;
        Some(Ok(Fix::new(
            format!("append `{command}` to the RUN"),
            vec![e],
        )))
    }

    /// Fix a package command by adding `flag` after its subcommand (`install`, `add`).
    pub fn flag_fix(&self, f: &Finding, subs: &[&str], flag: &str) -> Option<Result<Fix, String>> {
        let (_, script, c) = self.command_at(f)?;
        let p = crate::rules::package_command(c)?;
        if !subs.contains(&p.sub.as_str()) {
            return None;
        }
        let e = self.insert_after_word(script, p.sub_word?, flag)?;
        Some(Ok(Fix::new(
            format!("add `{flag}` to `{} {}`", p.pm, p.sub),
            vec![e],
        )))
    }

    /// Insert ` text` right after a word of a RUN script (`apt-get install` → `… --flag`).
    pub fn insert_after_word(&self, script: &RunScript, w: &Word, text: &str) -> Option<Edit> {
        if !script.is_mapped() {
            return None;
        }
        let sp = script.word_span(w);
        Some(Edit::insert(
            self.offset_after(sp.end_line, sp.end_column),
            format!(" {text}"),
        ))
    }

    /// Append a command to the end of shell-form RUN `i` so it runs after the rest
    /// (`… && rm -rf /var/lib/apt/lists/*`). A script heredoc (`RUN <<EOF`) gets a line
    /// before its terminator; a multi-line RUN gets a continuation line in its own style.
    /// `None` for forms where appending would change the meaning (exec form, data heredocs,
    /// a trailing `&`, a trailing comment or escape).
    pub fn append_to_run(&self, i: usize, command: &str) -> Option<Edit> {
        let ins = self.cx.df.instructions.get(i)?;
        if ins.json || ins.keyword() != "RUN" {
            return None;
        }
        let run = self.cx.shell.get(i)?;
        if !ins.heredocs.is_empty() {
            // Only `RUN <<EOF` (one heredoc that is the whole script) is extended.
            let line = ins.value.first().map(|v| v.trim()).unwrap_or("");
            let h = &ins.heredocs[0];
            let alone = ins.heredocs.len() == 1
                && run.scripts.len() == 2
                && line.starts_with("<<")
                && !line.contains(char::is_whitespace);
            if !alone || h.name.is_empty() {
                return None;
            }
            let at = self.line_start(ins.end_line);
            return Some(Edit::insert(at, format!("{command}{}", self.newline())));
        }
        let text = ins.value.first()?.trim_end();
        if (text.ends_with('&') && !text.ends_with("&&"))
            || text.ends_with('|')
            || text.ends_with(self.cx.df.escape)
        {
            return None;
        }
        // The shell would read the appended command as part of a trailing `# comment`.
        let last = self.line_text(ins.end_line);
        if last.trim_start().starts_with('#') || last.contains(" #") || last.contains("\t#") {
            return None;
        }
        let end = self.offset_after(ins.span.end_line, ins.span.end_column);
        let joiner = if text.ends_with(';') || text.ends_with("&&") {
            ""
        } else {
            "&& "
        };
        if ins.start_line == ins.end_line {
            return Some(Edit::insert(end, format!(" {joiner}{command}")));
        }
        let last = self.line_text(ins.end_line);
        let indent: String = last
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        let indent = if indent.is_empty() {
            "    ".to_string()
        } else {
            indent
        };
        Some(Edit::insert(
            end,
            format!(
                " {}{}{indent}{joiner}{command}",
                self.cx.df.escape,
                self.newline()
            ),
        ))
    }

    /// The edits as a report-ready `Autofix` (line/column replacements, end exclusive).
    pub fn autofix(&self, fix: &Fix) -> Autofix {
        let pos = |b: usize| -> (usize, usize) {
            let line = self.line_starts.partition_point(|&s| s <= b);
            let start = self.line_start(line);
            let col = self
                .source()
                .get(start..b)
                .map(|t| t.chars().count())
                .unwrap_or(0)
                + 1;
            (line, col)
        };
        Autofix {
            description: fix.title.clone(),
            replacements: fix
                .edits
                .iter()
                .map(|e| {
                    let (sl, sc) = pos(e.range.start);
                    let (el, ec) = pos(e.range.end);
                    Replacement {
                        start_line: sl,
                        start_column: sc,
                        end_line: el,
                        end_column: ec,
                        inserted: e.text.clone(),
                    }
                })
                .collect(),
        }
    }
}

/// The fix for one finding, if its rule declares one.
pub(crate) fn fix_for(fx: &FixContext, f: &Finding) -> Option<Result<Fix, String>> {
    let rule = registry().iter().find(|r| r.meta().id == f.rule)?;
    // One faulty fixer must not take the run down.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| rule.fix(fx, f))).unwrap_or_else(
        |_| {
            Some(Err(format!(
                "internal error in the fixer of {} (please report it)",
                f.rule
            )))
        },
    )
}

/// Attach `autofix` to every finding a rule can fix (scan reports: "fixable with `drydock fix`").
pub(crate) fn describe(cx: &RuleContext, findings: &mut [Finding]) {
    let fx = FixContext::new(cx, Pinning::Describe);
    for f in findings.iter_mut() {
        if let Some(Ok(fix)) = fix_for(&fx, f) {
            f.autofix = Some(fx.autofix(&fix));
        }
    }
}

// ---------------------------------------------------------------------------------------
// Fixers shared by several rules.
// ---------------------------------------------------------------------------------------

/// Marks an offline pin request; `drydock fix` with a registry replaces the FROM instead.
pub const PIN_TODO: &str = "# TODO(drydock): pin ";

/// DF016/DF017/DF018: pin the FROM image to the digest it points to now. `latest` and no tag
/// become the digest alone (`name@sha256:…`, the tag would not say which version it is);
/// other tags are kept (`python:3.12@sha256:…`). Offline: a TODO comment above the FROM.
pub(crate) fn pin_base(fx: &FixContext, f: &Finding) -> Option<Result<Fix, String>> {
    let cx = fx.cx;
    let i = fx.instruction_at(f)?;
    let stage = cx.model.stages.iter().find(|s| s.from == i)?;
    let r = cx.base_ref(stage)?;
    let raw = cx.base_raw(stage)?;
    if r.digest.is_some() || raw.contains('$') {
        return None;
    }
    let range = fx.range(fx.finding_span(f)?);
    if fx.source().get(range.clone())? != raw {
        return None;
    }
    let name = match r.tag.as_deref() {
        Some("latest") => raw.strip_suffix(":latest").unwrap_or(raw),
        _ => raw,
    };
    let ins = &cx.df.instructions[i];
    let platform = stage.platform.as_deref().filter(|p| !p.contains('$'));
    match fx.pinning {
        Pinning::Describe => Some(Ok(Fix::new(
            format!("pin `{raw}` to the digest the registry serves for it"),
            Vec::new(),
        ))),
        Pinning::Offline => {
            let prev = ins.start_line.checked_sub(1).map(|l| fx.line_text(l));
            if prev.is_some_and(|p| p.trim_start().starts_with(PIN_TODO.trim_end())) {
                return None;
            }
            let indent: String = fx
                .line_text(ins.start_line)
                .chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect();
            Some(Ok(Fix::new(
                format!("note that `{raw}` should be pinned (offline)"),
                vec![Edit::insert(
                    fx.line_start(ins.start_line),
                    format!("{indent}{PIN_TODO}{raw} -> {name}@sha256:…{}", fx.newline()),
                )],
            )))
        }
        Pinning::Resolve(resolver) => {
            let expanded = r.original.trim_start_matches("docker://");
            match resolver.resolve(expanded, platform) {
                Ok(digest) => {
                    let mut edits = vec![Edit {
                        range,
                        text: format!("{name}@{digest}"),
                    }];
                    // The TODO an earlier offline run left is done now.
                    if let Some(l) = ins.start_line.checked_sub(1) {
                        if fx
                            .line_text(l)
                            .trim_start()
                            .starts_with(PIN_TODO.trim_end())
                        {
                            edits.push(Edit {
                                range: fx.line_start(l)..fx.line_start(ins.start_line),
                                text: String::new(),
                            });
                        }
                    }
                    Some(Ok(Fix::new(format!("pin `{raw}` to {digest}"), edits)))
                }
                Err(e) => Some(Err(format!(
                    "{}:{}: cannot pin `{raw}`: {e}",
                    cx.df.path, ins.start_line
                ))),
            }
        }
    }
}

/// DF009/DF010: a secret-named ARG/ENV (one declaration per instruction) read only by RUNs
/// of its stage becomes a secret mount on each of those RUNs
/// (`RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN`, dockerfile frontend ≥ 1.10,
/// hence a `# syntax=docker/dockerfile:1` directive when the file has none); the
/// declaration is removed. The user passes the value with `docker build --secret`.
pub(crate) fn secret_to_mount(fx: &FixContext, f: &Finding) -> Option<Result<Fix, String>> {
    let cx = fx.cx;
    let i = fx.instruction_at(f)?;
    let ins = &cx.df.instructions[i];
    let name = match ins.cmd.as_str() {
        "ARG" if ins.value.len() == 1 => ins.value[0].split('=').next()?.to_string(),
        "ENV" if ins.value.len() == 2 => ins.value[0].clone(),
        _ => return None,
    };
    let stage = cx.model.stage_of(i)?;
    // ENV is inherited by stages built FROM this one: leave those files to the user.
    if ins.cmd == "ENV"
        && cx
            .model
            .stages
            .iter()
            .any(|s| matches!(s.base, crate::stages::BaseImage::Stage(j) if j == stage.index))
    {
        return None;
    }
    let re = regex::Regex::new(&format!(r"\$\{{?{}\b", regex::escape(&name))).ok()?;
    let end = if ins.cmd == "ENV" {
        cx.df.instructions.len()
    } else {
        stage.instructions.end
    };
    let users: Vec<usize> = (i + 1..end)
        .filter(|&j| {
            let o = &cx.df.instructions[j];
            re.is_match(&o.original) || o.heredocs.iter().any(|h| re.is_match(&h.content))
        })
        .collect();
    if users.is_empty()
        || users
            .iter()
            .any(|&j| cx.df.instructions[j].cmd != "RUN" || !stage.instructions.contains(&j))
    {
        return None;
    }
    // The declaration must own its lines to be removed cleanly.
    let first = fx.line_text(ins.start_line);
    if !first[..fx.offset(ins.start_line, ins.span.start_column) - fx.line_start(ins.start_line)]
        .trim()
        .is_empty()
        || fx.offset_after(ins.span.end_line, ins.span.end_column) != fx.line_end(ins.end_line)
    {
        return None;
    }
    let id = name.to_ascii_lowercase();
    let mut edits = vec![Edit {
        range: fx.line_start(ins.start_line)..fx.line_start(ins.end_line + 1),
        text: String::new(),
    }];
    for &j in &users {
        let r = &cx.df.instructions[j];
        let at = fx.offset(r.span.start_line, r.span.start_column) + 3;
        edits.push(Edit::insert(
            at,
            format!(" --mount=type=secret,id={id},env={name}"),
        ));
    }
    if !cx.df.directives.iter().any(|d| d.name == "syntax") {
        edits.push(Edit::insert(
            0,
            format!("# syntax=docker/dockerfile:1{}", fx.newline()),
        ));
    }
    Some(Ok(Fix::new(
        format!(
            "pass `{name}` as a build secret to the RUN(s) that use it instead of {}",
            ins.cmd
        ),
        edits,
    )
    .with_hint(format!(
        "build with `docker build --secret id={id},env={name} …` (or `podman build --secret id={id},env={name}`)"
    ))))
}
