//! `drydock scan` with fleet flags (`--targets-file`, `--shard`, `--output-dir`, `--jobs`):
//! the targets are listed, this shard's share kept, scanned `--jobs` at a time by
//! `Scanner::scan_fleet`, and rendered as one report (no `--output-dir`) or one report per
//! target plus `summary.json` inside `--output-dir`.

use crate::cli::{OutputFormat, ScanArgs};
use crate::output::{self, PolicySetup};
use anyhow::{Context, Result};
use drydock_core::eol::Date;
use drydock_scan::fleet::{self, FleetOptions, TargetOutcome};
use drydock_scan::{ScanResult, ScanTarget, Scanner};
use serde_json::json;
use std::collections::HashSet;
use std::path::Path;
use std::sync::Mutex;
use std::time::Instant;

/// The summary's file name in `--output-dir`; no target's report can take it.
const SUMMARY: &str = "summary";

pub fn run(args: &ScanArgs, scanner: &Scanner, setup: &PolicySetup, date: Date) -> Result<u8> {
    if args.output.ignore_check {
        anyhow::bail!(
            "`drydock ignore check` takes targets, not --targets-file/--shard/--output-dir/--jobs"
        );
    }
    let started = Instant::now();
    let mut listed = args.targets.clone();
    if let Some(file) = &args.fleet.targets_file {
        if file == "-" && args.source.password_stdin {
            anyhow::bail!("--targets-file - and --password-stdin both read standard input: give one of them a file");
        }
        listed.extend(fleet::read_targets_file(file)?);
    }
    // A target listed twice is scanned once: a shard must not do work twice.
    let mut seen = HashSet::new();
    listed.retain(|t| seen.insert(fleet::shard_key(t)));
    let mine: Vec<String> = match args.fleet.shard {
        Some(s) => listed.iter().filter(|t| s.owns(t)).cloned().collect(),
        None => listed.clone(),
    };
    let jobs = args
        .fleet
        .jobs
        .map_or_else(fleet::default_jobs, |j| j as usize);
    let opts = FleetOptions::new(jobs);
    if args.output.verbose {
        diag!(
            "drydock: {} target{} listed, {} in shard {}; {} at once, {} image{} at once (memory)",
            listed.len(),
            plural(listed.len()),
            mine.len(),
            args.fleet
                .shard
                .map_or_else(|| "(all)".to_string(), |s| s.to_string()),
            opts.jobs,
            opts.image_slots,
            plural(opts.image_slots)
        );
    }
    let plan: Vec<(String, Vec<ScanTarget>)> = mine
        .iter()
        .map(|t| {
            let one = std::slice::from_ref(t);
            (t.clone(), scanner.plan(one))
        })
        .collect();
    match &args.fleet.output_dir {
        None => one_report(args, scanner, setup, date, &plan, opts),
        Some(dir) => per_target(
            args,
            scanner,
            setup,
            date,
            &plan,
            opts,
            dir,
            started,
            listed.len(),
        ),
    }
}

/// Every target's results merged in the order listed: the report a plain scan would write.
fn one_report(
    args: &ScanArgs,
    scanner: &Scanner,
    setup: &PolicySetup,
    date: Date,
    plan: &[(String, Vec<ScanTarget>)],
    opts: FleetOptions,
) -> Result<u8> {
    let parts: Mutex<Vec<Option<ScanResult>>> = Mutex::new((0..plan.len()).map(|_| None).collect());
    scanner.scan_fleet(plan, opts, &|i, o: TargetOutcome| {
        parts.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(o.result);
    });
    let mut all = ScanResult::default();
    for r in parts
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .flatten()
    {
        all.extend(r);
    }
    output::finish(&args.output, setup, date.to_string(), scanner.finish(all)?)
}

fn extension(f: OutputFormat) -> &'static str {
    match f {
        OutputFormat::Json | OutputFormat::Gitlab => "json",
        OutputFormat::Sarif => "sarif",
        OutputFormat::Junit => "xml",
        OutputFormat::Markdown => "md",
        OutputFormat::Html => "html",
        OutputFormat::Text | OutputFormat::Table | OutputFormat::Github => "txt",
    }
}

/// Write `bytes` (or, through `render`, a report) to `dir/name` without following a
/// symlink planted there: into a new temporary file in `dir`, then renamed over the name.
fn write_in(dir: &Path, name: &str, render: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let mut b = tempfile::Builder::new();
    b.prefix(".drydock-");
    // Readable like any file the user creates (the umask applies), not tempfile's 0600.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let tmp = b
        .tempfile_in(dir)
        .with_context(|| format!("{}: cannot create a file", dir.display()))?;
    render(tmp.path())?;
    tmp.persist(dir.join(name))
        .map_err(|e| anyhow::anyhow!("{}: cannot write: {}", dir.join(name).display(), e.error))?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn per_target(
    args: &ScanArgs,
    scanner: &Scanner,
    setup: &PolicySetup,
    date: Date,
    plan: &[(String, Vec<ScanTarget>)],
    opts: FleetOptions,
    dir: &Path,
    started: Instant,
    listed: usize,
) -> Result<u8> {
    std::fs::create_dir_all(dir).with_context(|| {
        format!(
            "--output-dir {}: cannot create the directory",
            dir.display()
        )
    })?;
    if !dir.is_dir() {
        anyhow::bail!("--output-dir {}: not a directory", dir.display());
    }
    let targets: Vec<String> = plan.iter().map(|(t, _)| t.clone()).collect();
    let names = fleet::report_file_names(&targets, extension(args.output.format), &[SUMMARY]);
    let entries: Mutex<Vec<Option<serde_json::Value>>> =
        Mutex::new((0..plan.len()).map(|_| None).collect());
    // Reports are rendered one at a time: run warnings are gathered per report.
    let render = Mutex::new(0usize);
    let show = !args.output.quiet && !args.output.no_progress;
    scanner.scan_fleet(plan, opts, &|i, o: TargetOutcome| {
        let mut done = render.lock().unwrap_or_else(|e| e.into_inner());
        *done += 1;
        let mut errors: Vec<String> = o
            .result
            .errors
            .iter()
            .map(|e| format!("{}: {}", e.target, e.message))
            .collect();
        let mut out_args = args.output.clone();
        let mut fin = None;
        let written = write_in(dir, &names[i], |tmp| {
            out_args.output = Some(tmp.to_path_buf());
            fin = Some(output::finish_counted(
                &out_args,
                setup,
                date.to_string(),
                scanner.finish(o.result)?,
            )?);
            Ok(())
        });
        let (code, counts) = match (written, fin) {
            (Ok(()), Some(f)) => (f.code, f.counts),
            (Err(e), _) => {
                diag!("drydock: error: {}: {e:#}", o.target);
                errors.push(format!("report {}: {e:#}", names[i]));
                (crate::EXIT_ERROR, [0; 5])
            }
            (Ok(()), None) => (crate::EXIT_ERROR, [0; 5]),
        };
        let status = match code {
            crate::EXIT_CLEAN => "ok",
            crate::EXIT_ERROR => "error",
            _ => "failed",
        };
        if show {
            diag!(
                "drydock: [{}/{}] {}: {} → {}",
                *done,
                plan.len(),
                o.target,
                counts_line(&counts, &errors),
                dir.join(&names[i]).display()
            );
        }
        entries.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(json!({
            "target": o.target,
            "report": names[i],
            "status": status,
            "exit_code": code,
            "counts": counts_json(&counts),
            "errors": errors,
            "duration_ms": o.duration.as_millis() as u64,
        }));
    });
    let entries: Vec<serde_json::Value> = entries
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .flatten()
        .collect();
    let code_of = |e: &serde_json::Value| e["exit_code"].as_u64().unwrap_or(2) as u8;
    let code = if entries.iter().any(|e| code_of(e) == crate::EXIT_ERROR) {
        crate::EXIT_ERROR
    } else {
        entries
            .iter()
            .map(code_of)
            .find(|c| *c != crate::EXIT_CLEAN)
            .unwrap_or(crate::EXIT_CLEAN)
    };
    let mut totals = [0usize; 5];
    for e in &entries {
        for (k, sev) in SEVERITIES.iter().enumerate() {
            totals[k] += e["counts"][sev].as_u64().unwrap_or(0) as usize;
        }
    }
    let failed = entries.iter().filter(|e| e["status"] == "failed").count();
    let errored = entries.iter().filter(|e| e["status"] == "error").count();
    let summary = json!({
        "tool_version": env!("CARGO_PKG_VERSION"),
        "scan_date": date.to_string(),
        "format": extension(args.output.format),
        "shard": args.fleet.shard.map(|s| json!({"index": s.index, "count": s.count})),
        "targets_listed": listed,
        "targets_scanned": entries.len(),
        "jobs": opts.jobs,
        "image_slots": opts.image_slots,
        "duration_ms": started.elapsed().as_millis() as u64,
        "exit_code": code,
        "totals": {
            "counts": counts_json(&totals),
            "failed": failed,
            "errors": errored,
        },
        "targets": entries,
    });
    let file = format!("{SUMMARY}.json");
    write_in(dir, &file, |p| {
        let text = serde_json::to_string_pretty(&summary)? + "\n";
        std::fs::write(p, text).with_context(|| format!("{}: cannot write", p.display()))
    })?;
    if !args.output.quiet {
        diag!(
            "drydock: {} target{} scanned{}: {failed} failed --fail-on, {errored} with errors; summary in {}",
            entries.len(),
            plural(entries.len()),
            args.fleet
                .shard
                .map(|s| format!(" (shard {s} of {listed} listed)"))
                .unwrap_or_default(),
            dir.join(file).display()
        );
    }
    Ok(code)
}

const SEVERITIES: [&str; 5] = ["critical", "high", "medium", "low", "info"];

fn counts_json(c: &[usize; 5]) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    for (k, sev) in SEVERITIES.iter().enumerate() {
        m.insert(sev.to_string(), json!(c[k]));
    }
    serde_json::Value::Object(m)
}

fn counts_line(c: &[usize; 5], errors: &[String]) -> String {
    let mut parts: Vec<String> = SEVERITIES
        .iter()
        .zip(c)
        .filter(|(_, n)| **n > 0)
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    if !errors.is_empty() {
        parts.push(format!("{} error{}", errors.len(), plural(errors.len())));
    }
    if parts.is_empty() {
        "no findings".into()
    } else {
        parts.join(", ")
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
