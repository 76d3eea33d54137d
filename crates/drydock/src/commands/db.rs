//! `drydock db update|import|status`, and opening the database for scans (never updating it).

use crate::cli::{DbAction, DbArgs};
use crate::config::Config;
use anyhow::Result;
use std::path::Path;
use std::time::Duration;

/// The ecosystems `db update` fetches when none are named: the distributions whose images
/// are common bases and the language ecosystems drydock inventories.
pub const DEFAULT_ECOSYSTEMS: [&str; 13] = [
    "Debian",
    "Ubuntu",
    "Alpine",
    "Red Hat",
    "Rocky Linux",
    "AlmaLinux",
    "PyPI",
    "npm",
    "Go",
    "Maven",
    "RubyGems",
    "Packagist",
    "crates.io",
];

fn db_options(explicit: Option<&Path>, cfg: &Config, offline: bool) -> drydock_vuln::DbOptions {
    let mut o = drydock_vuln::DbOptions::default();
    if let Some(p) = explicit
        .map(Path::to_path_buf)
        .or_else(|| cfg.vulnerabilities.db.as_deref().map(|p| cfg.resolve(p)))
    {
        o.db_path = p;
    }
    if let Some(u) = &cfg.vulnerabilities.base_url {
        o.base_url = u.clone();
    }
    if let Some(d) = cfg.vulnerabilities.max_age_days {
        o.max_age = Some(Duration::from_secs(d * 86_400));
    }
    o.offline = offline;
    o
}

/// The database for a scan, or `None` with a clear message on stderr: scans never update it.
pub fn open_for_scan(
    explicit: Option<&Path>,
    cfg: &Config,
    offline: bool,
) -> Option<drydock_vuln::Db> {
    let o = db_options(explicit, cfg, offline);
    use drydock_core::{Warning, WarningKind};
    // A report must not read "0 vulnerabilities" when none were looked for.
    if !o.db_path.exists() {
        crate::output::warn(Warning::new(
            WarningKind::VulnDbMissing,
            format!(
                "no vulnerability database at {}: package vulnerabilities were not checked (run `drydock db update`, or `drydock db import FILE.zip` offline)",
                o.db_path.display()
            ),
        ));
        return None;
    }
    match drydock_vuln::Db::open_existing(&o.db_path) {
        // Freshness is checked per image, once its inventory says which ecosystems it needs.
        Ok(db) => Some(db),
        Err(e) => {
            crate::output::warn(Warning::new(
                WarningKind::VulnDbMissing,
                format!("{e}: package vulnerabilities were not checked"),
            ));
            None
        }
    }
}

pub fn run(args: DbArgs) -> Result<u8> {
    let cfg = Config::discover(None, Some(Path::new(".")))?;
    let mut o = db_options(args.db.as_deref(), &cfg, false);
    match args.action {
        DbAction::Update {
            ecosystems,
            base_url,
        } => {
            if let Some(u) = base_url {
                o.base_url = u;
            }
            let list: Vec<String> = if ecosystems.is_empty() {
                DEFAULT_ECOSYSTEMS.iter().map(|s| s.to_string()).collect()
            } else {
                ecosystems
            };
            let results = drydock_vuln::update(&o, &list).map_err(|e| anyhow::anyhow!("{e}"))?;
            for r in results {
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
            let mut db = drydock_vuln::Db::open(&o.db_path).map_err(|e| anyhow::anyhow!("{e}"))?;
            let stats = db
                .import_path(&path, ecosystem.as_deref())
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
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
            let db =
                drydock_vuln::Db::open_existing(&o.db_path).map_err(|e| anyhow::anyhow!("{e}"))?;
            out!(
                "{}",
                db.status().map_err(|e| anyhow::anyhow!("{e}"))?.render()
            );
        }
    }
    Ok(crate::EXIT_CLEAN)
}
