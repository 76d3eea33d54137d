//! drydock's scan pipeline as a library: what a target is (discovery and kind detection), the
//! per-target pipelines (Dockerfile + build-context secrets; image + package inventory +
//! vulnerability matching + base-image verdict; Compose/Kubernetes/`docker inspect` files;
//! live containers) and the environment they share (secret engine, advisory database, policy).
//!
//! ```no_run
//! let scanner = drydock_scan::Scanner::new(drydock_scan::ScanOptions::default())?;
//! let targets = scanner.plan(&["Dockerfile", "docker-archive:app.tar"]);
//! let result = scanner.scan_many(&targets);
//! for f in &result.findings {
//!     println!("{} {}", f.rule, f.message);
//! }
//! # anyhow::Ok(())
//! ```
//!
//! Nothing here prints: run-time warnings (no or stale database, skipped files, partial
//! inventories) come back in [`ScanResult::warnings`]; the caller renders them.

#![forbid(unsafe_code)]

mod dockerfile;
mod image;
mod runtime;

pub mod db;
pub mod discover;
mod fingerprint;
pub mod progress;
pub mod registry;
pub mod sbom;
pub mod secrets;

pub use discover::TargetKind;
pub use dockerfile::read_input;
pub use drydock_image::daemon::DaemonKind;
/// Image efficiency gates (`dive --ci` style), evaluated on the report's image summaries.
pub use drydock_image::rules::im017_efficiency_gate as efficiency_gate;
pub use fingerprint::stable_fingerprints;
pub use progress::{Observer, Progress};
pub use secrets::RuleDef;

use anyhow::Result;
use drydock_core::{Finding, Policy, Redaction, WarningKind};
use drydock_report::{Target, TargetError};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Everything a scan depends on besides its targets.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    /// Rule selection and severity overrides; rules it disables do not run.
    pub policy: Policy,
    /// The date end-of-life and advisory decisions use (`YYYY-MM-DD`).
    pub scan_date: drydock_core::eol::Date,
    pub redaction: Redaction,
    /// `--build-arg` values for `FROM ${ARG}` and ARG expansion.
    pub build_args: BTreeMap<String, String>,
    /// Registries / prefixes base images may come from; empty = no registry check.
    pub trusted_registries: Vec<String>,
    /// Check the build context (what COPY/ADD send) for secrets and sensitive files.
    pub use_build_context: bool,
    /// The user's secret rules and disabled built-in ones.
    pub secret_rules: secrets::SecretRules,
    /// Keep each Dockerfile's text in the result (for reports that show snippets).
    pub keep_sources: bool,
    /// Registry/daemon access for image targets.
    pub image_access: ImageAccess,
    /// Package vulnerability matching for images.
    pub vulnerabilities: db::VulnOptions,
    /// No network: registry images are errors.
    pub offline: bool,
    /// Runtime files: also fetch the images they reference to join their configured user.
    pub scan_images: bool,
    /// Receives progress events (targets, stages, layer bytes, files); none by default.
    pub progress: Observer,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            policy: Policy::default(),
            scan_date: drydock_core::eol::Date::today(),
            redaction: Redaction::Redact,
            build_args: BTreeMap::new(),
            trusted_registries: Vec::new(),
            use_build_context: true,
            secret_rules: secrets::SecretRules::default(),
            keep_sources: false,
            image_access: ImageAccess::default(),
            vulnerabilities: db::VulnOptions::default(),
            offline: false,
            scan_images: false,
            progress: Observer::none(),
        }
    }
}

/// How to reach images: platform choice and registry credentials/TLS.
#[derive(Clone, Debug, Default)]
pub struct ImageAccess {
    /// `os/arch[/variant]`, `all`, or `None` for the host's platform.
    pub platform: Option<String>,
    /// Accept any certificate and allow plain HTTP.
    pub insecure: bool,
    /// Extra CA bundle (PEM) for private registries.
    pub ca_cert: Option<PathBuf>,
    pub username: Option<String>,
    pub password: Option<String>,
    /// Registry credentials file (`auth.json` / docker `config.json` format).
    pub auth_file: Option<PathBuf>,
    /// Deadline of one registry request with its retries, in seconds (`--timeout`).
    pub timeout: Option<u64>,
}

impl ImageAccess {
    pub(crate) fn open_options(&self) -> Result<drydock_image::OpenOptions> {
        let platform = match &self.platform {
            Some(p) => drydock_image::PlatformChoice::parse(p)
                .map_err(|e| anyhow::anyhow!("--platform: {e}"))?,
            None => drydock_image::PlatformChoice::Host,
        };
        Ok(drydock_image::OpenOptions {
            platform,
            transport: drydock_image::TransportOptions {
                insecure: self.insecure,
                ca_cert: self.ca_cert.clone(),
                username: self.username.clone(),
                password: self.password.clone(),
                auth_file: self.auth_file.clone(),
                timeout: self.timeout.map(std::time::Duration::from_secs),
                ..Default::default()
            },
            ..Default::default()
        })
    }
}

/// How serious a [`Warning`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WarningLevel {
    /// Results are incomplete or may be wrong (no database, an unexpanded `FROM ${ARG}`).
    Warning,
    /// Something worth knowing that does not change the results (a partly read package DB).
    Note,
    /// A summary line (the base-image verdict).
    Info,
}

/// A run-time message about a target, returned as data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    pub level: WarningLevel,
    /// What kind of gap it reports, as every report format names it.
    pub kind: WarningKind,
    /// The target it is about, when the message does not name it.
    pub target: Option<String>,
    pub message: String,
}

impl Warning {
    fn new(
        level: WarningLevel,
        kind: WarningKind,
        target: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        Warning {
            level,
            kind,
            target: target.map(str::to_string),
            message: message.into(),
        }
    }
}

impl Warning {
    /// The warning as reports carry it; `None` for summary lines (terminal only).
    pub fn to_report(&self) -> Option<drydock_core::Warning> {
        if self.level == WarningLevel::Info {
            return None;
        }
        let mut w = drydock_core::Warning::new(self.kind, self.message.clone());
        w.target = self.target.clone();
        Some(w)
    }
}

impl fmt::Display for Warning {
    /// `warning: TARGET: message`, `note: …`, or `TARGET: message` for summaries.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.level {
            WarningLevel::Warning => f.write_str("warning: ")?,
            WarningLevel::Note => f.write_str("note: ")?,
            WarningLevel::Info => {}
        }
        if let Some(t) = &self.target {
            write!(f, "{t}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// What scanning one or more targets produced. Findings are before policy filtering of
/// image/runtime rules (apply [`Policy::apply`]), in scan order.
#[derive(Debug, Default)]
pub struct ScanResult {
    /// What was scanned, in the order given.
    pub targets: Vec<Target>,
    pub findings: Vec<Finding>,
    /// Targets that could not be scanned.
    pub errors: Vec<TargetError>,
    pub warnings: Vec<Warning>,
}

impl ScanResult {
    fn error(target: impl Into<String>, message: impl Into<String>) -> Self {
        ScanResult {
            errors: vec![TargetError {
                target: target.into(),
                message: message.into(),
            }],
            ..Default::default()
        }
    }

    pub fn extend(&mut self, other: ScanResult) {
        self.targets.extend(other.targets);
        self.findings.extend(other.findings);
        self.errors.extend(other.errors);
        self.warnings.extend(other.warnings);
    }
}

/// One unit of work: a target argument expands to one or more of these (a directory to its
/// Dockerfiles and runtime files).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScanTarget {
    Dockerfile(PathBuf),
    /// A Compose file, Kubernetes manifest or `docker inspect` JSON.
    Runtime(PathBuf),
    /// An image source as `drydock_image::open` takes it (transport-prefixed or a reference).
    Image(String),
    LiveContainers(DaemonKind),
    /// An argument that names nothing scannable; scanning it yields this error.
    Invalid {
        target: String,
        message: String,
    },
}

/// The scan pipelines with their shared environment, built once and used for many targets.
pub struct Scanner {
    opts: ScanOptions,
    /// ServiceAccounts, bindings and workloads of all manifests of a [`Scanner::scan_many`]
    /// run, so an object in one file counts for the others.
    manifest_set: std::sync::OnceLock<Arc<drydock_runtime::ManifestSet>>,
    /// The engine with the user's rules; `None` = the built-in one.
    custom_secrets: Option<Arc<drydock_secrets::Engine>>,
}

impl Scanner {
    /// Builds the shared environment; the user's secret rules are compiled and checked here,
    /// so a broken rule is an error before anything is scanned.
    pub fn new(opts: ScanOptions) -> Result<Scanner> {
        let custom_secrets = opts.secret_rules.engine()?;
        Ok(Scanner {
            opts,
            manifest_set: Default::default(),
            custom_secrets,
        })
    }

    pub fn options(&self) -> &ScanOptions {
        &self.opts
    }

    /// The user's secret engine, else the built-in one.
    fn secrets(&self) -> &drydock_secrets::Engine {
        self.custom_secrets
            .as_deref()
            .unwrap_or_else(|| drydock_secrets::Engine::builtin())
    }

    /// The work for command-line style target arguments, in order: a Dockerfile, a directory
    /// (its Dockerfiles, then its runtime files), a runtime file, an image, live containers.
    pub fn plan<S: AsRef<str>>(&self, args: &[S]) -> Vec<ScanTarget> {
        let mut work = Vec::new();
        for arg in args {
            let arg = arg.as_ref();
            match discover::classify(arg) {
                Err(e) => work.push(ScanTarget::Invalid {
                    target: arg.to_string(),
                    message: strip_prefix(&e.to_string(), arg),
                }),
                Ok(TargetKind::Dockerfile(p)) => work.push(ScanTarget::Dockerfile(p)),
                Ok(TargetKind::Directory(d)) => {
                    let files = discover::find_dockerfiles(&d);
                    let runtime = drydock_runtime::find_runtime_files(&d);
                    if files.is_empty() && runtime.is_empty() {
                        work.push(ScanTarget::Invalid {
                            target: arg.to_string(),
                            message: "no Dockerfile, Containerfile, Compose file or Kubernetes manifest found below this directory"
                                .into(),
                        });
                    }
                    work.extend(files.into_iter().map(ScanTarget::Dockerfile));
                    work.extend(runtime.into_iter().map(ScanTarget::Runtime));
                }
                Ok(TargetKind::Runtime(p)) => work.push(ScanTarget::Runtime(p)),
                Ok(TargetKind::Image(spec)) => work.push(ScanTarget::Image(spec)),
                Ok(TargetKind::LiveContainers(kind)) => work.push(ScanTarget::LiveContainers(kind)),
            }
        }
        work
    }

    /// One unit of work. Failures are in [`ScanResult::errors`], never a panic.
    pub fn scan(&self, target: &ScanTarget) -> ScanResult {
        progress::around(&self.opts.progress, target, || self.scan_one(target))
    }

    fn scan_one(&self, target: &ScanTarget) -> ScanResult {
        match target {
            ScanTarget::Dockerfile(p) => dockerfile::scan(self, p),
            ScanTarget::Runtime(p) => runtime::scan_file(self, p),
            ScanTarget::Image(spec) => {
                let mut out = ScanResult::default();
                if let Err(e) = image::scan(self, spec, &mut out) {
                    out.errors.push(TargetError {
                        target: spec.clone(),
                        message: strip_prefix(&format!("{e:#}"), spec),
                    });
                }
                out
            }
            ScanTarget::LiveContainers(kind) => {
                let mut out = ScanResult::default();
                if let Err(e) = runtime::scan_live(self, *kind, &mut out) {
                    out.errors.push(TargetError {
                        target: format!("{}:containers", kind.transport()),
                        message: format!("{e:#}"),
                    });
                }
                out
            }
            ScanTarget::Invalid { target, message } => ScanResult::error(target, message),
        }
    }

    /// Every unit of work, merged in the order given. Dockerfiles are scanned in parallel
    /// (one file per task); images and runtime files one after the other (an image's layers
    /// are already read in parallel).
    pub fn scan_many(&self, targets: &[ScanTarget]) -> ScanResult {
        let manifests: Vec<&Path> = targets
            .iter()
            .filter_map(|t| match t {
                ScanTarget::Runtime(p) => Some(p.as_path()),
                _ => None,
            })
            .collect();
        if manifests.len() > 1 {
            let _ = self
                .manifest_set
                .set(Arc::new(runtime::manifest_set(&manifests)));
        }
        let files = targets.iter().filter(|t| progress::is_file(t)).count();
        if files > 1 {
            self.opts.progress.files_planned(files as u64);
        }
        let mut parts: Vec<Option<ScanResult>> = (0..targets.len()).map(|_| None).collect();
        let dockerfiles: Vec<(usize, ScanResult)> = targets
            .par_iter()
            .enumerate()
            .filter(|(_, t)| matches!(t, ScanTarget::Dockerfile(_)))
            .map(|(i, t)| (i, self.scan(t)))
            .collect();
        for (i, r) in dockerfiles {
            parts[i] = Some(r);
        }
        let mut out = ScanResult::default();
        // Reserve once: growing by doubling would hold up to twice the findings at the peak.
        out.findings
            .reserve(parts.iter().flatten().map(|o| o.findings.len()).sum());
        out.targets
            .reserve(parts.iter().flatten().map(|o| o.targets.len()).sum());
        for (i, t) in targets.iter().enumerate() {
            let r = parts[i].take().unwrap_or_else(|| self.scan(t));
            out.extend(r);
        }
        out
    }

    /// The secret engine alone over files and directories (`drydock secrets`).
    pub fn scan_files(&self, paths: &[PathBuf]) -> ScanResult {
        let mut out = ScanResult::default();
        let mut roots = Vec::new();
        for p in paths {
            if !p.exists() {
                out.errors.push(TargetError {
                    target: p.display().to_string(),
                    message: "no such file or directory".into(),
                });
            } else {
                roots.push(p.clone());
            }
        }
        let opts = drydock_secrets::TreeScanOptions {
            redaction: self.opts.redaction,
            engine: self.custom_secrets.clone(),
            progress: self.opts.progress.clone(),
            ..Default::default()
        };
        match drydock_secrets::scan_tree_report(&roots, &opts) {
            Ok(r) => {
                out.findings = r.findings;
                // A file not (wholly) read must not leave the report reading "clean".
                out.warnings.extend(r.warnings.into_iter().map(|w| {
                    let kind = if w.contains("limit") || w.contains("larger") {
                        WarningKind::FileTooLarge
                    } else {
                        WarningKind::Unreadable
                    };
                    Warning::new(WarningLevel::Warning, kind, None, w)
                }));
            }
            Err(e) => out.errors.push(TargetError {
                target: roots
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(" "),
                message: e.to_string(),
            }),
        }
        for r in roots {
            out.targets.push(Target::Files {
                root: r.display().to_string(),
            });
        }
        out
    }
}

/// Errors often start with the target's own name; the report prints it already.
pub(crate) fn strip_prefix(msg: &str, target: &str) -> String {
    msg.strip_prefix(target)
        .and_then(|m| m.strip_prefix(": "))
        .unwrap_or(msg)
        .to_string()
}

pub(crate) fn display_path(p: &Path) -> String {
    let s = p.display().to_string();
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// `parse` command output: the parsed instructions of a Dockerfile as JSON (for tooling and
/// conformance checks), and the parser's errors as `(line, message)`.
pub fn parse_dockerfile(bytes: &[u8], name: &str) -> ParsedDockerfile {
    let df = drydock_dockerfile::parse_bytes(bytes, name);
    ParsedDockerfile {
        json: drydock_dockerfile::to_parse_json(&df),
        instructions: df
            .instructions
            .iter()
            .map(|i| ParsedInstruction {
                start_line: i.start_line,
                end_line: i.end_line,
                cmd: i.cmd.clone(),
                sub_cmd: i.sub_cmd.clone(),
                flags: i.flags.clone(),
                value: i.value.clone(),
                heredocs: i
                    .heredocs
                    .iter()
                    .map(|h| (h.name.clone(), h.content.len()))
                    .collect(),
            })
            .collect(),
        errors: df
            .errors
            .iter()
            .map(|e| (e.line, e.message.clone()))
            .collect(),
    }
}

/// See [`parse_dockerfile`].
pub struct ParsedDockerfile {
    pub json: serde_json::Value,
    pub instructions: Vec<ParsedInstruction>,
    pub errors: Vec<(usize, String)>,
}

/// One instruction as the `parse` command's text output shows it.
pub struct ParsedInstruction {
    pub start_line: usize,
    pub end_line: usize,
    pub cmd: String,
    pub sub_cmd: Option<String>,
    pub flags: Vec<String>,
    pub value: Vec<String>,
    /// `(name, content length)`.
    pub heredocs: Vec<(String, usize)>,
}
