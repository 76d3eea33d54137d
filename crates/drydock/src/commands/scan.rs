//! `drydock scan TARGET…`: Dockerfiles (with their build context), directories, images.

use crate::cli::ScanArgs;
use crate::config::Config;
use crate::discover::{self, TargetKind};
use crate::output::{self, Outcome};
use anyhow::{Context, Result};
use drydock_core::{Finding, Location, Policy, Redaction, SourceSpan};
use drydock_report::{Target, TargetError};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Files larger than this in a build context are not read for secrets (logs, datasets).
const MAX_CONTEXT_FILE: u64 = 16 * 1024 * 1024;

pub struct ScanEnv<'a> {
    pub policy: &'a Policy,
    pub cfg: &'a Config,
    pub redaction: Redaction,
    pub scan_date: String,
    pub build_args: BTreeMap<String, String>,
    pub trusted_registries: Vec<String>,
    pub use_build_context: bool,
    /// The secret engine when drydock.toml customises the rules (None = built-in).
    pub custom_secrets: Option<std::sync::Arc<drydock_secrets::Engine>>,
    /// The output format shows source snippets: keep each Dockerfile's text for it.
    pub keep_sources: bool,
    /// ServiceAccounts, bindings and workloads of all manifests of this scan (set once the
    /// targets are known), so an object in one file counts for the others.
    pub manifest_set: std::sync::OnceLock<std::sync::Arc<drydock_runtime::ManifestSet>>,
}

impl ScanEnv<'_> {
    /// The user's secret engine, else the built-in one.
    pub fn secrets(&self) -> &drydock_secrets::Engine {
        self.custom_secrets
            .as_deref()
            .unwrap_or_else(|| drydock_secrets::Engine::builtin())
    }
}

pub fn run(args: ScanArgs) -> Result<u8> {
    // The report needs every crate's rule metadata; build it while the scan runs.
    let _ = std::thread::Builder::new()
        .name("registry".into())
        .spawn(|| {
            crate::registry::get();
        });
    let scan_date = super::scan_date(args.scan_date.as_deref())?;
    let first_path = args
        .targets
        .iter()
        .map(Path::new)
        .find(|p| p.exists())
        .map(Path::to_path_buf)
        // Only images (no local path): the config is looked up from the current directory.
        .or_else(|| std::env::current_dir().ok());
    let cfg = Config::discover(args.output.config.as_deref(), first_path.as_deref())?;
    let setup = output::build_policy(&args.output, &cfg)?;
    let build_args = parse_build_args(&args.build_args)?;
    let redaction = if args.output.show_secrets {
        diag!("drydock: warning: --show-secrets: the report contains secrets in full; do not share or store it");
        Redaction::Show
    } else {
        Redaction::Redact
    };
    let custom = super::secrets::engine_from_config(&cfg)?;
    let mut trusted = cfg.trusted_registries.clone();
    trusted.extend(args.trusted_registries.iter().cloned());
    let env = ScanEnv {
        policy: &setup.policy,
        cfg: &cfg,
        redaction,
        scan_date: scan_date.clone(),
        build_args,
        trusted_registries: trusted,
        use_build_context: !args.no_build_context,
        custom_secrets: custom,
        manifest_set: Default::default(),
        keep_sources: !matches!(
            args.output.format,
            crate::cli::OutputFormat::Json
                | crate::cli::OutputFormat::Junit
                | crate::cli::OutputFormat::Github
        ),
    };

    // Classify every target first, so the Dockerfiles of all targets can be scanned in
    // parallel while the report keeps the order the user gave.
    enum Work {
        Dockerfile(PathBuf),
        Runtime(PathBuf),
        Image(String),
        Live(drydock_image::daemon::DaemonKind),
        Error(TargetError),
    }
    let mut work = Vec::new();
    for arg in &args.targets {
        match discover::classify(arg) {
            Err(e) => work.push(Work::Error(TargetError {
                target: arg.clone(),
                message: strip_prefix(&e.to_string(), arg),
            })),
            Ok(TargetKind::Dockerfile(p)) => work.push(Work::Dockerfile(p)),
            Ok(TargetKind::Directory(d)) => {
                let files = output::walked(discover::find_dockerfiles(&d));
                let runtime = output::walked(drydock_runtime::find_runtime_files(&d));
                if files.is_empty() && runtime.is_empty() {
                    work.push(Work::Error(TargetError {
                        target: arg.clone(),
                        message: "no Dockerfile, Containerfile, Compose file or Kubernetes manifest found below this directory"
                            .into(),
                    }));
                }
                work.extend(files.into_iter().map(Work::Dockerfile));
                work.extend(runtime.into_iter().map(Work::Runtime));
            }
            Ok(TargetKind::Runtime(p)) => work.push(Work::Runtime(p)),
            Ok(TargetKind::Image(spec)) => work.push(Work::Image(spec)),
            Ok(TargetKind::LiveContainers(kind)) => work.push(Work::Live(kind)),
        }
    }
    let manifests: Vec<&Path> = work
        .iter()
        .filter_map(|w| match w {
            Work::Runtime(p) => Some(p.as_path()),
            _ => None,
        })
        .collect();
    if manifests.len() > 1 {
        let _ = env
            .manifest_set
            .set(std::sync::Arc::new(super::runtime::manifest_set(
                &manifests,
            )));
    }
    let empty = || Outcome {
        targets: Vec::new(),
        findings: Vec::new(),
        errors: Vec::new(),
    };
    let dockerfiles: Vec<(usize, Outcome)> = work
        .par_iter()
        .enumerate()
        .filter_map(|(i, w)| match w {
            Work::Dockerfile(p) => {
                let mut o = empty();
                scan_dockerfile_target(p, &env, &mut o);
                Some((i, o))
            }
            _ => None,
        })
        .collect();
    let mut parts: Vec<Option<Outcome>> = (0..work.len()).map(|_| None).collect();
    for (i, o) in dockerfiles {
        parts[i] = Some(o);
    }
    let mut outcome = empty();
    // Reserve once: growing by doubling would hold up to twice the findings at the peak.
    outcome
        .findings
        .reserve(parts.iter().flatten().map(|o| o.findings.len()).sum());
    outcome
        .targets
        .reserve(parts.iter().flatten().map(|o| o.targets.len()).sum());
    for (i, w) in work.into_iter().enumerate() {
        let mut o = parts[i].take().unwrap_or_else(empty);
        match w {
            Work::Dockerfile(_) => {}
            Work::Error(e) => o.errors.push(e),
            Work::Runtime(p) => super::runtime::scan_runtime_file(&p, &args, &env, &mut o),
            Work::Image(spec) => {
                if let Err(e) = super::image::scan_image(&spec, &args, &env, &mut o) {
                    o.errors.push(TargetError {
                        target: spec.clone(),
                        message: strip_prefix(&format!("{e:#}"), &spec),
                    });
                }
            }
            Work::Live(kind) => {
                if let Err(e) = super::runtime::scan_live(kind, &env, &mut o) {
                    o.errors.push(TargetError {
                        target: format!("{}:containers", kind.transport()),
                        message: format!("{e:#}"),
                    });
                }
            }
        }
        outcome.targets.extend(o.targets);
        outcome.findings.extend(o.findings);
        outcome.errors.extend(o.errors);
    }
    output::finish(&args.output, &setup, scan_date, outcome)
}

/// Errors often start with the target's own name; the report prints it already.
pub fn strip_prefix(msg: &str, target: &str) -> String {
    msg.strip_prefix(target)
        .and_then(|m| m.strip_prefix(": "))
        .unwrap_or(msg)
        .to_string()
}

fn parse_build_args(list: &[String]) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for a in list {
        match a.split_once('=') {
            Some((k, v)) if !k.is_empty() => {
                out.insert(k.to_string(), v.to_string());
            }
            _ => {
                // `--build-arg NAME` takes the value from the environment, as docker build does.
                let v = std::env::var(a).with_context(|| {
                    format!("--build-arg `{a}`: expected K=V (or NAME set in the environment)")
                })?;
                out.insert(a.clone(), v);
            }
        }
    }
    Ok(out)
}

pub fn display_path(p: &Path) -> String {
    let s = p.display().to_string();
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

fn scan_dockerfile_target(path: &Path, env: &ScanEnv, outcome: &mut Outcome) {
    let name = display_path(path);
    let bytes = match super::parse::read_input(path) {
        Ok(b) => b,
        Err(e) => {
            outcome.errors.push(TargetError {
                target: name,
                message: strip_prefix(&format!("{e:#}"), &path.display().to_string()),
            });
            return;
        }
    };
    let context_dir = path
        .parent()
        .map(|p| {
            if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            }
        })
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let options = drydock_dockerfile::DockerfileOptions {
        trusted_registries: env.trusted_registries.clone(),
        scan_date: drydock_core::eol::Date::parse(&env.scan_date)
            .unwrap_or_else(|_| drydock_core::eol::Date::today()),
        build_args: env.build_args.clone(),
        redaction: env.redaction,
        context_dir: Some(context_dir.clone()),
        use_build_context: env.use_build_context && path.as_os_str() != "-",
        secrets: env.custom_secrets.clone(),
    };
    if bytes[..bytes.len().min(8192)].contains(&0) {
        outcome.errors.push(TargetError {
            target: name,
            message: "not a Dockerfile (binary content)".into(),
        });
        return;
    }
    let scan = drydock_dockerfile::scan_dockerfile(Path::new(&name), &bytes, &options, env.policy);
    // One unscannable target per file, however many lines fail (a file that is not a
    // Dockerfile at all fails on every line): the first error, and how many more.
    if let Some(first) = scan.errors.first() {
        // Already `path:line: message`.
        let (target, mut message) = match first.split_once(": ") {
            Some((t, m)) => (t.to_string(), m.to_string()),
            None => (name.clone(), first.clone()),
        };
        match scan.errors.len() - 1 {
            0 => {}
            1 => message.push_str(" (and 1 more error in this file)"),
            n => message.push_str(&format!(" (and {n} more errors in this file)")),
        }
        outcome.errors.push(TargetError { target, message });
    }
    for w in &scan.warnings {
        diag!("drydock: warning: {w}");
    }
    let files = scan.context_files();
    outcome.findings.extend(scan.findings);
    if options.use_build_context {
        outcome
            .findings
            .extend(context_secrets(files, &context_dir, path, env));
    }
    // JSON/JUnit/GitHub output never shows sources; 562 Dockerfiles' text is ~1.4 MB held
    // until the report is written.
    let source = if env.keep_sources {
        String::from_utf8_lossy(&bytes).into_owned()
    } else {
        String::new()
    };
    outcome
        .targets
        .push(Target::Dockerfile { path: name, source });
}

/// Secrets in the files the Dockerfile's COPY/ADD instructions would send from the build
/// context (after `.dockerignore`): those are what gets baked into the image.
/// `files`: what the scan found COPY/ADD send (`DockerfileScan::context_files`), so the
/// context is walked and the stage model built once per Dockerfile.
fn context_secrets(
    files: BTreeMap<String, drydock_dockerfile::context::ContextFile>,
    context_dir: &Path,
    dockerfile: &Path,
    env: &ScanEnv,
) -> Vec<Finding> {
    if files.is_empty() {
        return Vec::new();
    }
    let mut files: BTreeMap<String, PathBuf> = files
        .into_iter()
        .map(|(rel, f)| (rel, f.abs_path))
        .collect();
    // The Dockerfile's own secrets are reported by the Dockerfile rules, with better context.
    if let Ok(own) = std::fs::canonicalize(dockerfile) {
        files.retain(|_, abs| std::fs::canonicalize(abs).map_or(true, |a| a != own));
    }
    let base = display_path(context_dir);
    let mut out = Vec::new();
    for (rel, abs) in files {
        let Ok(meta) = std::fs::metadata(&abs) else {
            continue;
        };
        if meta.is_file() && meta.len() > MAX_CONTEXT_FILE {
            output::warn(output::too_large(&abs, meta.len(), MAX_CONTEXT_FILE));
        }
        if !meta.is_file() || meta.len() > MAX_CONTEXT_FILE {
            continue;
        }
        let Ok(data) = std::fs::read(&abs) else {
            continue;
        };
        let shown = if base == "." {
            rel.clone()
        } else {
            format!("{base}/{rel}")
        };
        let cx = drydock_secrets::ScanContext {
            path: Some(&rel),
            ..Default::default()
        };
        for m in env.secrets().scan(&data, &cx) {
            let loc = Location::Source(SourceSpan {
                path: shown.clone(),
                start_line: m.start_line,
                end_line: m.end_line,
                start_column: m.start_column,
                end_column: m.end_column,
            });
            let mut f =
                drydock_secrets::finding_for_match(&m, &data[m.secret.clone()], loc, env.redaction);
            let shown_value = f
                .evidence
                .as_ref()
                .map(|e| e.value.clone())
                .unwrap_or_default();
            f.message = format!(
                "{} in build-context file `{shown}`, which COPY/ADD bakes into the image ({shown_value})",
                m.rule_name
            );
            if let Some(r) = &m.vendor_reason {
                f.message.push_str(&format!(" — {r}"));
            }
            f.fix = Some(format!(
                "Remove the secret from `{rel}` (and rotate it), or exclude the file in .dockerignore and pass it with `RUN --mount=type=secret`"
            ));
            out.push(f);
        }
    }
    out
}
