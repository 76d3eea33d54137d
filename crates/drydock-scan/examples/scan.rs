//! Scans targets through the library and prints the JSON report `drydock scan --format json`
//! prints for them (same findings, targets, errors and summary).
//!
//! ```text
//! cargo run -p drydock-scan --example scan -- [--scan-date YYYY-MM-DD] TARGET…
//! ```
//! Targets are spelled as for `drydock scan`: `Dockerfile`, `.`, `oci:./layout`,
//! `docker-archive:app.tar`, `alpine:3.20`…

use drydock_core::eol::Date;
use drydock_core::finding::sort_findings;
use drydock_report::{Format, RenderOptions, Report};
use drydock_scan::{registry, ScanOptions, Scanner};
use std::process::ExitCode;

#[allow(dead_code)] // also compiled into the CLI's test, which calls `report_json` only
fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut scan_date = Date::today();
    if args.first().map(String::as_str) == Some("--scan-date") && args.len() > 1 {
        match Date::parse(&args[1]) {
            Ok(d) => scan_date = d,
            Err(e) => {
                eprintln!("scan: --scan-date: {e}");
                return ExitCode::from(2);
            }
        }
        args.drain(..2);
    }
    match report_json(&args, scan_date) {
        Ok(json) => {
            print!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("scan: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// The JSON report for `targets` with the default options (policy, redaction, database).
pub fn report_json(targets: &[String], scan_date: Date) -> anyhow::Result<String> {
    let opts = ScanOptions {
        scan_date,
        ..Default::default()
    };
    let policy = opts.policy.clone();
    let scanner = Scanner::new(opts)?;
    let result = scanner.scan_many(&scanner.plan(targets));
    let mut warnings = Vec::new();
    for w in &result.warnings {
        match w.to_report() {
            Some(rw) if !warnings.contains(&rw) => warnings.push(rw),
            Some(_) => {}
            None => eprintln!("scan: {w}"),
        }
    }
    let reg = registry::get();
    let mut findings =
        drydock_scan::merge_root_causes(policy.apply(result.findings, |id| reg.lookup(id)));
    drydock_scan::stable_fingerprints(&mut findings, &result.targets);
    sort_findings(&mut findings);
    findings.dedup_by(|a, b| a.fingerprint == b.fingerprint && a.message == b.message);
    let lookup = |id: &str| reg.lookup(id);
    let report = Report {
        tool_version: env!("CARGO_PKG_VERSION"),
        information_uri: None,
        scan_date: scan_date.to_string(),
        targets: result.targets,
        findings,
        rules: &lookup,
        fail_on: Some(policy.fail_on),
        errors: result.errors,
        warnings,
        suppressions: Vec::new(),
    };
    let mut out = Vec::new();
    drydock_report::render(Format::Json, &report, &RenderOptions::default(), &mut out)?;
    Ok(String::from_utf8(out)?)
}
