//! Dockerfile targets: the Dockerfile rules, then secrets in the build-context files its
//! COPY/ADD instructions would send.

use crate::{display_path, strip_prefix, ScanResult, Scanner, Warning, WarningLevel};
use anyhow::{Context, Result};
use drydock_core::{Finding, Location, SourceSpan};
use drydock_report::{Target, TargetError};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Files larger than this in a build context are not read for secrets (logs, datasets).
const MAX_CONTEXT_FILE: u64 = 16 * 1024 * 1024;

/// A file's bytes, or standard input for `-`.
pub fn read_input(path: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let max = max_dockerfile_bytes();
    let (reader, name): (Box<dyn Read>, String) = if path.as_os_str() == "-" {
        (Box::new(std::io::stdin()), "standard input".into())
    } else {
        let name = path.display().to_string();
        let meta = std::fs::metadata(path).with_context(|| format!("{name}: cannot read"))?;
        // A FIFO or device would hang or never end.
        if !meta.is_file() {
            anyhow::bail!("{name}: not a regular file");
        }
        let f = std::fs::File::open(path).with_context(|| format!("{name}: cannot read"))?;
        (Box::new(f), name)
    };
    let mut buf = Vec::new();
    reader
        .take(max + 1)
        .read_to_end(&mut buf)
        .with_context(|| format!("{name}: cannot read"))?;
    if buf.len() as u64 > max {
        anyhow::bail!(
            "{name}: larger than {max} bytes, the Dockerfile size limit (set DRYDOCK_MAX_DOCKERFILE_BYTES to change it)"
        );
    }
    Ok(buf)
}

/// Largest Dockerfile `parse` reads (`DRYDOCK_MAX_DOCKERFILE_BYTES` overrides it): real ones
/// are a few kilobytes, and the parsed model costs a multiple of the text.
pub const MAX_DOCKERFILE_BYTES: u64 = 4 << 20;

fn max_dockerfile_bytes() -> u64 {
    drydock_core::env::raw("DRYDOCK_MAX_DOCKERFILE_BYTES")
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(MAX_DOCKERFILE_BYTES)
}

pub(crate) fn scan(scanner: &Scanner, path: &Path) -> ScanResult {
    let env = &scanner.opts;
    let mut outcome = ScanResult::default();
    let name = display_path(path);
    let bytes = match read_input(path) {
        Ok(b) => b,
        Err(e) => {
            return ScanResult::error(
                name,
                strip_prefix(&format!("{e:#}"), &path.display().to_string()),
            )
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
        scan_date: env.scan_date,
        build_args: env.build_args.clone(),
        redaction: env.redaction,
        context_dir: Some(context_dir.clone()),
        use_build_context: env.use_build_context && path.as_os_str() != "-",
        secrets: scanner.custom_secrets.clone(),
    };
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return ScanResult::error(name, "not a Dockerfile (binary content)");
    }
    let scan = drydock_dockerfile::scan_dockerfile(Path::new(&name), &bytes, &options, &env.policy);
    // One unscannable target per file, however many lines fail (a file that is not a
    // Dockerfile at all fails on every line): the first error, and how many more.
    if let Some(first) = scan.errors.first() {
        let (target, mut message) = (first.place(), first.message());
        match scan.errors.len() - 1 {
            0 => {}
            1 => message.push_str(" (and 1 more error in this file)"),
            n => message.push_str(&format!(" (and {n} more errors in this file)")),
        }
        outcome.errors.push(TargetError { target, message });
    }
    // Already `path:line: message`.
    outcome.warnings.extend(scan.warnings.iter().map(|w| {
        Warning::at(
            WarningLevel::Warning,
            drydock_core::WarningKind::Other,
            None,
            w.clone(),
        )
    }));
    let files = scan.context_files();
    outcome.findings.extend(scan.findings);
    if options.use_build_context {
        outcome.findings.extend(context_secrets(
            scanner,
            files,
            &context_dir,
            path,
            &mut outcome.warnings,
        ));
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
    outcome
}

/// Secrets in the files the Dockerfile's COPY/ADD instructions would send from the build
/// context (after `.dockerignore`): those are what gets baked into the image.
/// `files`: what the scan found COPY/ADD send (`DockerfileScan::context_files`), so the
/// context is walked and the stage model built once per Dockerfile.
fn context_secrets(
    scanner: &Scanner,
    files: BTreeMap<String, drydock_dockerfile::context::ContextFile>,
    context_dir: &Path,
    dockerfile: &Path,
    warnings: &mut Vec<Warning>,
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
            warnings.push(Warning::at(
                WarningLevel::Warning,
                drydock_core::WarningKind::FileTooLarge,
                Some(&display_path(&abs)),
                format!(
                    "not scanned for secrets: {} bytes is above the {MAX_CONTEXT_FILE}-byte limit",
                    meta.len()
                ),
            ));
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
        for m in scanner.secrets().scan(&data, &cx) {
            let loc = Location::Source(SourceSpan {
                path: shown.clone(),
                start_line: m.start_line,
                end_line: m.end_line,
                start_column: m.start_column,
                end_column: m.end_column,
            });
            let mut f = drydock_secrets::finding_for_match(
                &m,
                &data[m.secret.clone()],
                loc,
                scanner.opts.redaction,
            );
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
