//! Noise check on real vendor content: scan this machine's /usr/share, /usr/lib and /etc text
//! files (binary files skipped) with the owning Debian package as context, and list what is
//! reported. `cargo run --release -p drydock-secrets --example secrets_noise [DIR…]`
//!
//! Exit status 1 when a high-confidence finding is left that the scan does not explain
//! (no owning package, test path or documented-example reason).

use drydock_core::{Confidence, Severity};
use drydock_secrets::{is_binary, Engine, ScanContext};
use rayon::prelude::*;
use std::collections::HashMap;

/// path → owning package, from dpkg's file lists.
fn dpkg_owners() -> HashMap<String, String> {
    let mut map = HashMap::new();
    let Ok(dir) = std::fs::read_dir("/var/lib/dpkg/info") else {
        return map;
    };
    for e in dir.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pkg) = name.strip_suffix(".list") else {
            continue;
        };
        let pkg = pkg.split(':').next().unwrap_or(pkg).to_string();
        if let Ok(text) = std::fs::read_to_string(e.path()) {
            for line in text.lines() {
                map.insert(line.to_string(), pkg.clone());
            }
        }
    }
    map
}

/// (path, owner, matches as (rule, severity, confidence, reason, line), bytes)
type FileResult = (
    String,
    Option<String>,
    Vec<(String, Severity, Confidence, Option<String>, usize)>,
    usize,
);

fn main() {
    let mut roots: Vec<String> = std::env::args().skip(1).collect();
    if roots.is_empty() {
        roots = vec!["/usr/share".into(), "/usr/lib".into(), "/etc".into()];
    }
    let owners = dpkg_owners();
    let mut files = Vec::new();
    for r in &roots {
        for e in walkdir::WalkDir::new(r)
            .follow_links(false)
            .into_iter()
            .flatten()
        {
            if e.file_type().is_file() && e.metadata().is_ok_and(|m| m.len() <= 64 << 20) {
                files.push(e.into_path());
            }
        }
    }
    let engine = Engine::builtin();
    let t = std::time::Instant::now();
    let results: Vec<FileResult> = files
        .par_iter()
        .filter_map(|p| {
            let data = std::fs::read(p).ok()?;
            if is_binary(&data) {
                return None;
            }
            let path = p.to_string_lossy().into_owned();
            let owner = owners.get(&path).cloned();
            let cx = ScanContext {
                path: Some(&path),
                owner_package: owner.as_deref(),
                ..Default::default()
            };
            let ms: Vec<_> = engine
                .scan(&data, &cx)
                .into_iter()
                .map(|m| {
                    (
                        m.rule_id,
                        m.severity,
                        m.confidence,
                        m.vendor_reason,
                        m.start_line,
                    )
                })
                .collect();
            Some((path, owner, ms, data.len()))
        })
        .collect();
    let bytes: usize = results.iter().map(|r| r.3).sum();
    let mut unexplained_high = 0;
    let mut by_rule: HashMap<(String, String), usize> = HashMap::new();
    println!("| file | line | rule | severity | confidence | reason |");
    println!("|---|---|---|---|---|---|");
    for (path, _owner, ms, _) in &results {
        for (rule, sev, conf, reason, line) in ms {
            let why = reason.clone().unwrap_or_default();
            println!("| {path} | {line} | {rule} | {sev} | {conf:?} | {why} |");
            let class = if reason.is_some() {
                "explained"
            } else {
                "unexplained"
            };
            *by_rule
                .entry((rule.clone(), format!("{class}/{conf:?}")))
                .or_default() += 1;
            if reason.is_none() && *conf == Confidence::High {
                unexplained_high += 1;
            }
        }
    }
    let mut summary: Vec<_> = by_rule.into_iter().collect();
    summary.sort();
    eprintln!(
        "scanned {} text files, {:.1} MB in {:.1}s; findings by rule:",
        results.len(),
        bytes as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    for ((rule, class), n) in summary {
        eprintln!("  {rule:40} {class:24} {n}");
    }
    eprintln!("unexplained high-confidence findings: {unexplained_high}");
    if unexplained_high > 0 {
        std::process::exit(1);
    }
}
