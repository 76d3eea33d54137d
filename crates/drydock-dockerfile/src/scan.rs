//! The per-Dockerfile entry point: parse, build the stage model, analyse RUN scripts, load
//! the build context when a COPY/ADD reads from it, run the enabled rules, apply inline suppressions.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use drydock_core::{Finding, Policy};

use crate::ast::Dockerfile;
use crate::context::{BuildContext, ContextFile};
use crate::rules::{registry, DockerfileOptions, RuleContext};
use crate::shell::RunAnalysis;
use crate::stages::{BaseImage, StageModel};
use crate::suppress::Suppressions;

/// Why part of a Dockerfile was not checked. The scan still ran on everything else.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    /// A line the parser could not read (BuildKit would reject the file).
    #[error("{path}:{line}: {message}")]
    Parse {
        path: String,
        line: usize,
        message: String,
    },
    /// A rule's check panicked; the other rules' findings are kept.
    #[error("{path}: {failure}")]
    Rule {
        path: String,
        failure: drydock_core::rule::RuleFailure,
    },
}

impl ScanError {
    /// Where it happened: `path:line` for parse errors, the path for rule failures.
    pub fn place(&self) -> String {
        match self {
            ScanError::Parse { path, line, .. } => format!("{path}:{line}"),
            ScanError::Rule { path, .. } => path.clone(),
        }
    }

    /// The message without the place.
    pub fn message(&self) -> String {
        match self {
            ScanError::Parse { message, .. } => message.clone(),
            ScanError::Rule { failure, .. } => failure.to_string(),
        }
    }
}

/// The result of scanning one Dockerfile.
#[derive(Debug)]
pub struct DockerfileScan {
    pub df: Dockerfile,
    /// Stages, ARG/ENV scopes and resolved bases (with the scan's build args).
    pub model: StageModel,
    /// The build context as `docker build` would send it (after `.dockerignore`). Loaded
    /// when the build context is enabled and some COPY/ADD reads from it; `None` otherwise
    /// or when it could not be read (a warning says why).
    pub context: Option<BuildContext>,
    /// Findings of the enabled rules, inline suppressions applied, sorted by location.
    pub findings: Vec<Finding>,
    /// Parse errors and internal rule failures. The scan still ran on everything that
    /// parsed.
    pub errors: Vec<ScanError>,
    /// Non-fatal notes: what BuildKit would reject given the build args known to the scan
    /// (`path:line: message`), an unreadable or truncated build context, …
    pub warnings: Vec<String>,
    /// How many findings inline suppressions removed.
    pub suppressed: usize,
}

impl DockerfileScan {
    /// Every build-context file some COPY/ADD of this Dockerfile sends (each once, by
    /// relative path; empty without a loaded context).
    pub fn context_files(&self) -> BTreeMap<String, ContextFile> {
        let mut files = BTreeMap::new();
        if let Some(ctx) = &self.context {
            for i in 0..self.df.instructions.len() {
                for f in ctx.files_for(&self.df, &self.model, i) {
                    files.insert(f.rel_path.clone(), f);
                }
            }
        }
        files
    }
}

/// Scan one Dockerfile. `path` is used in locations and to find the default build context
/// (its directory) and `<Dockerfile>.dockerignore`.
pub fn scan_dockerfile(
    path: &Path,
    source: &[u8],
    options: &DockerfileOptions,
    policy: &Policy,
) -> DockerfileScan {
    scan_with(path, source, options, policy, &mut |cx, findings| {
        crate::rules::fixing::describe(cx, findings)
    })
}

/// [`scan_dockerfile`], handing the rule context and the final findings to `hook` before
/// the context goes away (`drydock fix` computes its edits there).
pub(crate) fn scan_with(
    path: &Path,
    source: &[u8],
    options: &DockerfileOptions,
    policy: &Policy,
    hook: &mut dyn FnMut(&RuleContext, &mut Vec<Finding>),
) -> DockerfileScan {
    let display = path.to_string_lossy().into_owned();
    let df = crate::parser::parse_bytes(source, &display);
    let model = StageModel::build(&df, &options.build_args);
    // ONBUILD FROM/MAINTAINER/ONBUILD: BuildKit refuses them, but rule DF075 reports them
    // as findings (as Hadolint's DL3043 does) and the rest of the file is reviewed.
    let forbidden_trigger_at = |line: usize| {
        df.instructions.iter().any(|i| {
            i.start_line == line
                && crate::rules::onbuild_forbidden_trigger::forbidden_trigger(i).is_some()
        })
    };
    let mut errors: Vec<ScanError> = df
        .errors
        .iter()
        .filter(|e| !forbidden_trigger_at(e.line))
        .map(|e| ScanError::Parse {
            path: display.clone(),
            line: e.line,
            message: e.message.clone(),
        })
        .collect();
    // What BuildKit would stop for often depends on `--build-arg`s the scan was not given
    // (`FROM ${BASE}` without a default): a warning, not a scan error.
    let mut warnings = Vec::new();
    for e in &model.errors {
        let line = df
            .instructions
            .get(e.instruction)
            .map(|i| i.start_line)
            .unwrap_or(0);
        warnings.push(format!("{display}:{line}: {}", e.message));
    }

    let enabled: Vec<_> = registry()
        .iter()
        .filter(|r| policy.is_enabled(r.meta()))
        .collect();

    // Walked even when DF012 is disabled: callers scan the files it sends for secrets.
    let wants_context = options.use_build_context
        && df
            .instructions
            .iter()
            .any(|i| matches!(i.keyword(), "COPY" | "ADD") && i.flag("from").is_none());
    let context = if wants_context {
        let dir = options
            .context_dir
            .clone()
            .unwrap_or_else(|| match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            });
        match BuildContext::load(&dir, path) {
            Ok(c) => {
                warnings.extend(c.warnings().iter().cloned());
                Some(c)
            }
            Err(e) => {
                warnings.push(format!("build context not checked: {e}"));
                None
            }
        }
    } else {
        None
    };

    let (shells, windows) = shells_and_platforms(&df, &model);
    let shell = RunAnalysis::build(&df, &shells, &windows);
    let cx = RuleContext::new(
        &df,
        &model,
        context.as_ref(),
        options,
        options
            .secrets
            .as_deref()
            .unwrap_or_else(|| drydock_secrets::Engine::builtin()),
        &shell,
    );

    let mut findings = Vec::new();
    for rule in &enabled {
        // One faulty rule must not take the whole scan down.
        if let Err(e) =
            drydock_core::rule::run_isolated(rule.meta(), &mut findings, |out| rule.check(&cx, out))
        {
            errors.push(ScanError::Rule {
                path: display.clone(),
                failure: e,
            });
        }
    }
    dedupe_secrets(&mut findings);

    let sup = Suppressions::from_dockerfile(&df);
    for (line, id) in sup.unknown_ids(&crate::rules::rule_metas()) {
        warnings.push(format!(
            "{display}:{line}: unknown rule `{id}` in an ignore comment (see `drydock rules`)"
        ));
    }
    let before = findings.len();
    if !sup.is_empty() {
        findings.retain(|f| !sup.suppresses(f, crate::rules::find_rule(&f.rule)));
    }
    let suppressed = before - findings.len();
    drydock_core::finding::sort_findings(&mut findings);
    hook(&cx, &mut findings);
    drop(cx);
    DockerfileScan {
        df,
        model,
        context,
        findings,
        errors,
        warnings,
        suppressed,
    }
}

const GENERIC_SECRET_RULE: &str = "DF004";

/// The same secret found by two secret rules on one line (e.g. the engine and the URL
/// check) is reported once.
fn dedupe_secrets(findings: &mut Vec<Finding>) {
    // The specific rules (URL password, Authorization header, …) explain more than the
    // generic engine rule DF004, so they win a tie.
    findings.sort_by_key(|f| f.rule == GENERIC_SECRET_RULE);
    let mut seen: Vec<(String, usize)> = Vec::new();
    findings.retain(|f| {
        let (Some(e), drydock_core::Location::Source(s)) = (&f.evidence, &f.location) else {
            return true;
        };
        if f.category != drydock_core::Category::Secret {
            return true;
        }
        let key = (e.sha256.clone(), s.start_line);
        if seen.contains(&key) {
            return false;
        }
        seen.push(key);
        true
    });
}

/// Per instruction: the SHELL in effect (`None` = default `/bin/sh -c`), and whether the
/// stage builds on a Windows image (where RUN is cmd/PowerShell, not a POSIX shell).
fn shells_and_platforms(
    df: &Dockerfile,
    model: &StageModel,
) -> (Vec<Option<Vec<String>>>, Vec<bool>) {
    let n = df.instructions.len();
    let mut shells = vec![None; n];
    let mut windows = vec![df.escape == '`'; n];
    let mut stage_end: Vec<(Option<Vec<String>>, bool)> = Vec::new();
    for s in &model.stages {
        let (mut cur, win) = match &s.base {
            BaseImage::Stage(j) => stage_end.get(*j).cloned().unwrap_or((None, false)),
            BaseImage::Image { expanded, .. } => {
                (None, df.escape == '`' || is_windows_image(expanded))
            }
            BaseImage::Scratch => (None, df.escape == '`'),
        };
        for i in s.instructions.clone() {
            if i >= n {
                break;
            }
            shells[i] = cur.clone();
            windows[i] = win;
            let ins = &df.instructions[i];
            if ins.cmd == "SHELL" && ins.json && !ins.value.is_empty() {
                cur = Some(ins.value.clone());
            }
        }
        stage_end.push((cur, win));
    }
    (shells, windows)
}

fn is_windows_image(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    [
        "windows",
        "nanoserver",
        "servercore",
        "dotnet/framework",
        "ltsc20",
    ]
    .iter()
    .any(|k| l.contains(k))
}
