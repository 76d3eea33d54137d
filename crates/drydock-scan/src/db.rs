//! The advisory database as scans and the `db` commands use it: where it is, how old it may
//! be, and opening it for a scan (scans never update it).

use crate::{Warning, WarningLevel};
use anyhow::Result;
pub use drydock_vuln::{Db, DbOptions, DbStatus, ImportStats, UpdateResult};
use std::path::{Path, PathBuf};
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

/// Package vulnerability matching for images.
#[derive(Clone, Debug)]
pub struct VulnOptions {
    /// `false`: no package inventory and no matching (`--no-vulns`).
    pub enabled: bool,
    /// The database file; `None` = the default location.
    pub db_path: Option<PathBuf>,
    /// Warn when the data an image needs is older than this; `None` = 7 days.
    pub max_age_days: Option<u64>,
    /// URL template for `db update` (`{ECOSYSTEM}` is replaced).
    pub base_url: Option<String>,
}

impl Default for VulnOptions {
    fn default() -> Self {
        VulnOptions {
            enabled: true,
            db_path: None,
            max_age_days: None,
            base_url: None,
        }
    }
}

impl VulnOptions {
    pub fn db_options(&self, offline: bool) -> drydock_vuln::DbOptions {
        let mut o = drydock_vuln::DbOptions::default();
        if let Some(p) = &self.db_path {
            o.db_path = p.clone();
        }
        if let Some(u) = &self.base_url {
            o.base_url = u.clone();
        }
        if let Some(d) = self.max_age_days {
            o.max_age = Some(Duration::from_secs(d * 86_400));
        }
        o.offline = offline;
        o
    }

    pub(crate) fn max_age(&self) -> Duration {
        Duration::from_secs(self.max_age_days.unwrap_or(7) * 86_400)
    }

    /// The database for a scan, or `None` and the reason as a warning.
    pub(crate) fn open_for_scan(&self, offline: bool) -> (Option<Db>, Option<Warning>) {
        let o = self.db_options(offline);
        if !o.db_path.exists() {
            let w = format!(
                "no vulnerability database at {} — package vulnerabilities are not checked (run `drydock db update`, or `drydock db import FILE.zip` offline)",
                o.db_path.display()
            );
            return (
                None,
                Some(Warning::at(
                    WarningLevel::Warning,
                    drydock_core::WarningKind::VulnDbMissing,
                    None,
                    w,
                )),
            );
        }
        match Db::open_existing(&o.db_path) {
            // Freshness is checked per image, once its inventory says which ecosystems it needs.
            Ok(db) => (Some(db), None),
            Err(e) => {
                let w = format!("{e} — package vulnerabilities are not checked");
                (
                    None,
                    Some(Warning::at(
                        WarningLevel::Warning,
                        drydock_core::WarningKind::VulnDbMissing,
                        None,
                        w,
                    )),
                )
            }
        }
    }
}

/// `db update`: fetch `ecosystems` (default: [`DEFAULT_ECOSYSTEMS`]) into the database.
pub fn update(opts: &drydock_vuln::DbOptions, ecosystems: &[String]) -> Result<Vec<UpdateResult>> {
    let list: Vec<String> = if ecosystems.is_empty() {
        DEFAULT_ECOSYSTEMS.iter().map(|s| s.to_string()).collect()
    } else {
        ecosystems.to_vec()
    };
    drydock_vuln::update(opts, &list).map_err(|e| anyhow::anyhow!("{e}"))
}

/// `db import`: an OSV zip or directory into the database (created when missing).
pub fn import(db_path: &Path, path: &Path, ecosystem: Option<&str>) -> Result<ImportStats> {
    let mut db = Db::open(db_path).map_err(|e| anyhow::anyhow!("{e}"))?;
    db.import_path(path, ecosystem)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// `db status` of an existing database.
pub fn status(db_path: &Path) -> Result<DbStatus> {
    let db = Db::open_existing(db_path).map_err(|e| anyhow::anyhow!("{e}"))?;
    db.status().map_err(|e| anyhow::anyhow!("{e}"))
}

/// One line about the default database for `--version`: when it was fetched, how many
/// ecosystems it holds and where it is, or that there is none.
pub fn default_db_summary() -> String {
    let db = drydock_vuln::default_db_path();
    if !db.exists() {
        return format!("none at {} (run `drydock db update`)", db.display());
    }
    match Db::open_existing(&db).and_then(|d| d.status()) {
        Ok(st) => match st.sources.iter().map(|s| s.fetched_at).max() {
            Some(t) => format!(
                "fetched {} ({} ecosystem{}, {})",
                drydock_core::eol::Date::from_days_since_epoch(t.div_euclid(86_400)),
                st.sources.len(),
                if st.sources.len() == 1 { "" } else { "s" },
                db.display()
            ),
            None => format!("empty ({})", db.display()),
        },
        Err(e) => format!("unreadable: {e}"),
    }
}
