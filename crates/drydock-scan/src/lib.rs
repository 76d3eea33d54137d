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

pub mod correlate;
mod dockerfile;
mod image;
mod runtime;

pub mod db;
pub mod discover;
mod fingerprint;
mod finish;
pub mod fix;
pub mod fleet;
pub mod progress;
pub mod registry;
pub mod sbom;
pub mod secrets;

pub use correlate::merge_root_causes;
pub use discover::TargetKind;
pub use dockerfile::read_input;
pub use drydock_image::daemon::DaemonKind;
/// Image efficiency gates (`dive --ci` style), evaluated on the report's image summaries.
pub use drydock_image::rules::im017_efficiency_gate as efficiency_gate;
pub use fingerprint::stable_fingerprints;
pub use finish::{Baseline, ReportOptions};
pub use progress::{Observer, Progress};
pub use secrets::RuleDef;

use anyhow::Result;
/// The layer store, for `drydock cache` (the CLI reaches analyzers only through this crate).
pub use drydock_cache as cache;
use drydock_core::{Finding, Policy, Redaction, WarningKind};
pub use drydock_core::{Warning, WarningLevel};
use drydock_report::{Target, TargetError};
use rayon::prelude::*;
use std::collections::BTreeMap;
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
    /// What [`Scanner::finish`] does between the scan and the report.
    pub report: ReportOptions,
    /// `--dockerfile`: the Dockerfile the image targets were built from. It is scanned too,
    /// image findings get its lines (`dockerfile_location`) and a mismatch is a warning.
    pub dockerfile: Option<PathBuf>,
    /// Per-layer results kept across runs (docs/cache.md); `None`: no cache.
    pub layer_cache: Option<CacheOptions>,
    /// Receives progress events (targets, stages, layer bytes, files); none by default.
    pub progress: Observer,
}

/// Where the layer cache is and whether the run may go on without it.
#[derive(Clone, Debug)]
pub struct CacheOptions {
    pub config: drydock_cache::Config,
    /// The user named the cache (`--cache`, `--cache-dir`): failing to open it is an
    /// error. The default one that cannot be opened (read-only home) is a warning.
    pub required: bool,
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
            report: ReportOptions::default(),
            dockerfile: None,
            layer_cache: None,
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

/// What scanning one or more targets produced. From [`Scanner::scan`]/[`Scanner::scan_many`]:
/// the findings of the selected rules in scan order, before severity overrides, gates,
/// baseline and ignore file; [`Scanner::finish`] (or [`Scanner::run`]) makes it the
/// reported result.
#[derive(Debug, Default)]
pub struct ScanResult {
    /// What was scanned, in the order given.
    pub targets: Vec<Target>,
    pub findings: Vec<Finding>,
    /// Targets that could not be scanned.
    pub errors: Vec<TargetError>,
    /// Run warnings; those with [`WarningLevel::Info`] are terminal summary lines.
    pub warnings: Vec<Warning>,
    /// What each ignore-file entry did (after [`Scanner::finish`]).
    pub suppressions: Vec<drydock_core::ignore::EntryOutcome>,
    /// The ignore file applied, if any (after [`Scanner::finish`]).
    pub ignore_file: Option<drydock_core::ignore::IgnoreFile>,
    /// Findings the baseline held and that are therefore not reported.
    pub baseline_dropped: usize,
    /// Each scanned image's history, for correlation with Dockerfiles.
    histories: Vec<correlate::ImageHistory>,
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
        self.suppressions.extend(other.suppressions);
        self.baseline_dropped += other.baseline_dropped;
        if self.ignore_file.is_none() {
            self.ignore_file = other.ignore_file;
        }
        self.histories.extend(other.histories);
    }

    /// The warnings every report format carries, each once (summary lines left out).
    pub fn report_warnings(&self) -> Vec<Warning> {
        let mut out: Vec<Warning> = Vec::new();
        for w in self.warnings.iter().filter(|w| w.in_report()) {
            if !out.contains(w) {
                out.push(w.clone());
            }
        }
        out
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
    skip: finish::Skip,
    /// Files [`Scanner::plan`] found by walking a directory (normalised paths): one of
    /// them unreadable is a warning, not an error, unless strict.
    walked: std::sync::Mutex<std::collections::HashSet<String>>,
    /// The layer store, opened on the first image (Dockerfile runs never touch it).
    layer_store: std::sync::OnceLock<Result<Arc<dyn drydock_cache::Store>, String>>,
}

impl Scanner {
    /// Builds the shared environment; the user's secret rules are compiled and checked here,
    /// so a broken rule is an error before anything is scanned.
    pub fn new(opts: ScanOptions) -> Result<Scanner> {
        let custom_secrets = opts.secret_rules.engine()?;
        let skip = finish::Skip::new(&opts.report.skip)?;
        Ok(Scanner {
            opts,
            manifest_set: Default::default(),
            custom_secrets,
            skip,
            walked: Default::default(),
            layer_store: Default::default(),
        })
    }

    /// The same environment with a fresh per-run state (the manifest set), for a fleet
    /// target scanned apart from the others. New `Scanner` fields that hold compiled or
    /// shared state belong here too.
    pub(crate) fn fork(&self) -> Scanner {
        Scanner {
            opts: self.opts.clone(),
            manifest_set: Default::default(),
            custom_secrets: self.custom_secrets.clone(),
            skip: self.skip.clone(),
            layer_store: self.layer_store.clone(),
            walked: std::sync::Mutex::new(
                self.walked
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .clone(),
            ),
        }
    }

    pub fn options(&self) -> &ScanOptions {
        &self.opts
    }

    /// The layer store, if configured; `Err` only when the user named it and it cannot be
    /// opened. A default store that cannot be opened is a warning in `out`, once.
    pub(crate) fn layer_store(
        &self,
        out: &mut ScanResult,
    ) -> Result<Option<Arc<dyn drydock_cache::Store>>> {
        let Some(c) = &self.opts.layer_cache else {
            return Ok(None);
        };
        let mut first = false;
        let r = self.layer_store.get_or_init(|| {
            first = true;
            drydock_cache::open(&c.config).map_err(|e| e.to_string())
        });
        match r {
            Ok(s) => Ok(Some(s.clone())),
            Err(e) if c.required => anyhow::bail!("layer cache: {e}"),
            Err(e) => {
                if first {
                    out.warnings.push(Warning::at(
                        WarningLevel::Warning,
                        WarningKind::Other,
                        None,
                        format!("layer cache not used: {e} (--cache-dir DIR or --no-cache)"),
                    ));
                }
                Ok(None)
            }
        }
    }

    /// The user's secret engine, else the built-in one.
    fn secrets(&self) -> &drydock_secrets::Engine {
        self.custom_secrets
            .as_deref()
            .unwrap_or_else(|| drydock_secrets::Engine::builtin())
    }

    /// The work for command-line style target arguments, in order: a Dockerfile, a directory
    /// (its Dockerfiles, then its runtime files, less those `--skip` matches), a runtime
    /// file, an image, live containers.
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
                    // Skipped after the emptiness check: all skipped is not "nothing found".
                    work.extend(self.walked(files).into_iter().map(ScanTarget::Dockerfile));
                    work.extend(self.walked(runtime).into_iter().map(ScanTarget::Runtime));
                }
                Ok(TargetKind::Runtime(p)) => work.push(ScanTarget::Runtime(p)),
                Ok(TargetKind::Image(spec)) => work.push(ScanTarget::Image(spec)),
                Ok(TargetKind::LiveContainers(kind)) => work.push(ScanTarget::LiveContainers(kind)),
            }
        }
        if let Some(p) = &self.opts.dockerfile {
            if !work
                .iter()
                .any(|t| matches!(t, ScanTarget::Dockerfile(d) if d == p))
            {
                work.push(ScanTarget::Dockerfile(p.clone()));
            }
        }
        work
    }

    /// Files a directory walk found: drops skipped ones and remembers the rest.
    fn walked(&self, files: Vec<PathBuf>) -> Vec<PathBuf> {
        let kept: Vec<PathBuf> = files
            .into_iter()
            .filter(|p| !self.skip.matches(&p.to_string_lossy()))
            .collect();
        let mut set = self.walked.lock().unwrap_or_else(|e| e.into_inner());
        set.extend(
            kept.iter()
                .map(|p| drydock_core::ignore::norm_path(&p.to_string_lossy())),
        );
        kept
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
        self.correlate(targets, &mut out);
        out
    }

    /// Image findings get the Dockerfile line that made their layer or step: from
    /// `--dockerfile` (a mismatch is a warning), else from a Dockerfile scanned in the same
    /// run whose instructions the image's history matches — exactly one, or none is used.
    fn correlate(&self, targets: &[ScanTarget], out: &mut ScanResult) {
        let histories = std::mem::take(&mut out.histories);
        let explicit = self.opts.dockerfile.as_ref();
        if histories.is_empty() {
            if let Some(p) = explicit {
                out.warnings.push(Warning::at(
                    WarningLevel::Warning,
                    WarningKind::DockerfileMismatch,
                    Some(&display_path(p)),
                    "--dockerfile is given but no image was scanned to correlate it with",
                ));
            }
            return;
        }
        let paths: Vec<&Path> = match explicit {
            Some(p) => vec![p.as_path()],
            None => targets
                .iter()
                .filter_map(|t| match t {
                    ScanTarget::Dockerfile(p) if p.as_os_str() != "-" => Some(p.as_path()),
                    _ => None,
                })
                .collect(),
        };
        // Unreadable files are already target errors of their Dockerfile scan.
        let parsed: Vec<_> = paths
            .iter()
            .filter_map(|p| {
                let bytes = dockerfile::read_input(p).ok()?;
                let df = drydock_dockerfile::parse_bytes(&bytes, &display_path(p));
                let model =
                    drydock_dockerfile::stages::StageModel::build(&df, &self.opts.build_args);
                Some((df, model))
            })
            .collect();
        let redact = |s: &str| {
            drydock_image::rules::im007_history_secret::redact_created_by(
                self.secrets(),
                s,
                self.opts.redaction,
            )
        };
        for h in &histories {
            let results: Vec<_> = parsed
                .iter()
                .map(|(df, m)| correlate::correlate(df, m, h, &redact))
                .collect();
            if explicit.is_some() {
                match results.into_iter().next() {
                    Some(Ok(c)) => correlate::annotate(&mut out.findings, h, &c),
                    Some(Err(d)) => out.warnings.push(Warning::at(
                        WarningLevel::Warning,
                        WarningKind::DockerfileMismatch,
                        Some(&h.image),
                        d.message,
                    )),
                    None => {}
                }
                continue;
            }
            // Automatic: only a match that pairs at least one layer, and only one such.
            let ok: Vec<correlate::Correlation> = results
                .into_iter()
                .filter_map(Result::ok)
                .filter(|c| c.layer_pairs > 0)
                .collect();
            match ok.as_slice() {
                [c] => correlate::annotate(&mut out.findings, h, c),
                [] => {}
                many => out.warnings.push(Warning::at(
                    WarningLevel::Note,
                    WarningKind::Other,
                    Some(&h.image),
                    format!(
                        "the image's history matches several Dockerfiles ({}); none is used for its findings (name one with --dockerfile)",
                        many.iter().map(|c| c.dockerfile.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                )),
            }
        }
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
                    Warning::at(WarningLevel::Warning, kind, None, w)
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
