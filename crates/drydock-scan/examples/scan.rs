//! Scans targets through the library and prints the JSON report `drydock scan --format json`
//! prints for them (same findings, targets, errors and summary).
//!
//! ```text
//! cargo run -p drydock-scan --example scan -- [--scan-date YYYY-MM-DD] TARGET…
//! ```
//! Targets are spelled as for `drydock scan`: `Dockerfile`, `.`, `oci:./layout`,
//! `docker-archive:app.tar`, `alpine:3.20`…

use drydock_core::eol::Date;
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

/// The JSON report for `targets` with the default options (policy, redaction, database,
/// the ignore file discovered beside the first local target).
pub fn report_json(targets: &[String], scan_date: Date) -> anyhow::Result<String> {
    let opts = ScanOptions {
        scan_date,
        ..Default::default()
    };
    let fail_on = opts.policy.fail_on;
    let scanner = Scanner::new(opts)?;
    let result = scanner.run(targets)?;
    for w in result.warnings.iter().filter(|w| !w.in_report()) {
        eprintln!("scan: {w}");
    }
    let warnings = result.report_warnings();
    let reg = registry::get();
    let lookup = |id: &str| reg.lookup(id);
    let report = Report {
        tool_version: env!("CARGO_PKG_VERSION"),
        information_uri: None,
        scan_date: scan_date.to_string(),
        targets: result.targets,
        findings: result.findings,
        rules: &lookup,
        fail_on: Some(fail_on),
        errors: result.errors,
        warnings,
        suppressions: result.suppressions,
    };
    let mut out = Vec::new();
    drydock_report::render(Format::Json, &report, &RenderOptions::default(), &mut out)?;
    Ok(String::from_utf8(out)?)
}
