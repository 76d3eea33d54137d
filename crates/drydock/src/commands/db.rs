//! `drydock db update|import|status`.

use crate::cli::{DbAction, DbArgs};
use crate::config::Config;
use anyhow::Result;
use drydock_scan::db::VulnOptions;
use std::path::Path;

/// The database settings: `--db` wins over the configuration's `[vulnerabilities]`.
pub fn vuln_options(explicit: Option<&Path>, cfg: &Config) -> VulnOptions {
    VulnOptions {
        db_path: explicit
            .map(Path::to_path_buf)
            .or_else(|| cfg.vulnerabilities.db.as_deref().map(|p| cfg.resolve(p))),
        max_age_days: cfg.vulnerabilities.max_age_days,
        base_url: cfg.vulnerabilities.base_url.clone(),
        ..Default::default()
    }
}

pub fn run(args: DbArgs) -> Result<u8> {
    let cfg = Config::discover(None, Some(Path::new(".")))?;
    let mut o = vuln_options(args.db.as_deref(), &cfg).db_options(false);
    match args.action {
        DbAction::Update {
            ecosystems,
            base_url,
        } => {
            if let Some(u) = base_url {
                o.base_url = u;
            }
            let (display, progress) = crate::progress::start(crate::progress::Mode::new(
                args.quiet,
                args.verbose,
                args.no_progress,
            ));
            o.progress = progress;
            let done = drydock_scan::db::update(&o, &ecosystems);
            display.finish();
            for r in done? {
                outln!(
                    "{:<14} {:>8} advisories  {:>10} bytes  {}",
                    r.ecosystem,
                    r.stats.records,
                    r.bytes,
                    r.url
                );
            }
            outln!("database: {}", o.db_path.display());
        }
        DbAction::Import { path, ecosystem } => {
            let stats = drydock_scan::db::import(&o.db_path, &path, ecosystem.as_deref())?;
            outln!(
                "imported {} advisories ({} withdrawn skipped) from {} into {}",
                stats.records,
                stats.withdrawn,
                path.display(),
                o.db_path.display()
            );
        }
        DbAction::Status => {
            if !o.db_path.exists() {
                // A status query, not a failure: say there is none and how to make one.
                outln!(
                    "database: {} (none yet: run `drydock db update`, or `drydock db import FILE.zip` offline)",
                    o.db_path.display()
                );
                return Ok(crate::EXIT_CLEAN);
            }
            out!("{}", drydock_scan::db::status(&o.db_path)?.render());
        }
    }
    Ok(crate::EXIT_CLEAN)
}
