//! The local OSV advisory database (SQLite): import of OSV `all.zip` archives and
//! directories, `db update` over HTTP, status and staleness checks.
//!
//! One "source" is one OSV top-level ecosystem archive (`Debian`, `PyPI`, `Rocky Linux`…);
//! re-importing a source replaces its records inside one transaction, so a failed or
//! interrupted import leaves the previous data untouched.
use crate::error::{Context, Error, Result};
use crate::osv::{OsvRecord, StoredAffected};
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashSet;
use std::io::{Read, Seek};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub const SCHEMA_VERSION: i64 = 1;
pub const DEFAULT_BASE_URL: &str =
    "https://osv-vulnerabilities.storage.googleapis.com/{ECOSYSTEM}/all.zip";
/// The largest OSV export (Debian) is a few hundred MB; anything above this is refused.
pub const DEFAULT_MAX_DOWNLOAD: u64 = 2 << 30;
/// No single OSV record comes close; guards against zip bombs.
const MAX_ENTRY_BYTES: u64 = 64 << 20;

/// Options of `drydock db update|import|status` and of the scan-time freshness check.
#[derive(Clone, Debug)]
pub struct DbOptions {
    pub db_path: PathBuf,
    /// URL template; `{ECOSYSTEM}` is replaced by the percent-encoded ecosystem name.
    pub base_url: String,
    /// Never touch the network (`--offline`): `update` fails with a clear message.
    pub offline: bool,
    /// Advisories older than this are reported as stale by [`Db::freshness`].
    pub max_age: Option<Duration>,
    pub max_download_bytes: u64,
    pub timeout: Duration,
    /// Download bytes as they arrive (`db update` shows a bar).
    pub progress: drydock_core::Observer,
}

impl Default for DbOptions {
    fn default() -> Self {
        DbOptions {
            db_path: default_db_path(),
            base_url: DEFAULT_BASE_URL.to_string(),
            offline: false,
            max_age: Some(Duration::from_secs(7 * 86_400)),
            max_download_bytes: DEFAULT_MAX_DOWNLOAD,
            timeout: Duration::from_secs(600),
            progress: drydock_core::Observer::none(),
        }
    }
}

/// `$XDG_CACHE_HOME/drydock/osv.sqlite`, else `~/.cache/drydock/osv.sqlite`.
pub fn default_db_path() -> PathBuf {
    let base = drydock_core::env::cache_dir().unwrap_or_else(|| PathBuf::from(".cache"));
    base.join("drydock").join("osv.sqlite")
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportStats {
    /// Sources (top-level ecosystems) whose records were replaced.
    pub sources: Vec<String>,
    pub records: usize,
    pub withdrawn: usize,
    pub affected: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SourceStatus {
    pub ecosystem: String,
    pub url: String,
    /// Seconds since the Unix epoch.
    pub fetched_at: i64,
    pub records: i64,
}

impl SourceStatus {
    pub fn age(&self) -> Duration {
        Duration::from_secs((now() - self.fetched_at).max(0) as u64)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct DbStatus {
    pub path: PathBuf,
    pub schema_version: i64,
    pub sources: Vec<SourceStatus>,
}

impl DbStatus {
    /// Human-readable lines for `drydock db status`.
    pub fn render(&self) -> String {
        let mut s = format!(
            "advisory database: {} (schema {})\n",
            self.path.display(),
            self.schema_version
        );
        if self.sources.is_empty() {
            s.push_str("  no ecosystems imported: run `drydock db update` or `drydock db import FILE.zip`\n");
        }
        for src in &self.sources {
            s.push_str(&format!(
                "  {:<16} {:>8} advisories  fetched {} ago  from {}\n",
                src.ecosystem,
                src.records,
                human_age(src.age()),
                src.url
            ));
        }
        s
    }
}

/// Result of the scan-time check: what is missing or too old for the packages scanned.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Freshness {
    pub missing: Vec<String>,
    pub stale: Vec<(String, Duration)>,
}

impl Freshness {
    pub fn is_ok(&self) -> bool {
        self.missing.is_empty() && self.stale.is_empty()
    }

    /// One line per problem, each with the command that fixes it.
    pub fn messages(&self) -> Vec<String> {
        let mut out = Vec::new();
        for m in &self.missing {
            out.push(format!(
                "no advisories for {m} in the database: run `drydock db update` (or `drydock db import {m}-all.zip` offline); its packages were not checked"
            ));
        }
        for (e, age) in &self.stale {
            out.push(format!(
                "advisories for {e} are {} old: run `drydock db update` for current results",
                human_age(*age)
            ));
        }
        out
    }
}

pub fn human_age(d: Duration) -> String {
    let s = d.as_secs();
    if s < 3600 {
        format!("{}m", s / 60)
    } else if s < 2 * 86_400 {
        format!("{}h", s / 3600)
    } else {
        format!("{}d", s / 86_400)
    }
}

pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// An open advisory database.
pub struct Db {
    pub(crate) conn: Connection,
    path: PathBuf,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources(
  ecosystem TEXT PRIMARY KEY, url TEXT NOT NULL, fetched_at INTEGER NOT NULL, records INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS vulns(
  source TEXT NOT NULL, id TEXT NOT NULL, modified TEXT, withdrawn INTEGER NOT NULL,
  aliases TEXT NOT NULL, upstream TEXT NOT NULL, summary TEXT, cvss REAL, PRIMARY KEY(source, id));
CREATE TABLE IF NOT EXISTS affected(
  source TEXT NOT NULL, vuln_id TEXT NOT NULL, ecosystem TEXT NOT NULL, name TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS affected_pkg ON affected(ecosystem, name);
CREATE INDEX IF NOT EXISTS affected_source ON affected(source);
CREATE TABLE IF NOT EXISTS ecosystems(ecosystem TEXT NOT NULL, source TEXT NOT NULL, PRIMARY KEY(ecosystem, source));
";

impl Db {
    /// Open (creating if needed) the database at `path`.
    pub fn open(path: &Path) -> Result<Db> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).ctx(|| format!("cannot create {}", dir.display()))?;
        }
        let conn = Connection::open(path)
            .ctx(|| format!("cannot open advisory database {}", path.display()))?;
        Db::init(conn, path.to_path_buf())
    }

    /// Open an existing database; a missing file is an error telling how to create it.
    pub fn open_existing(path: &Path) -> Result<Db> {
        if !path.exists() {
            return Err(Error::new(format!(
                "no advisory database at {}: run `drydock db update` (or `drydock db import FILE.zip` offline)",
                path.display()
            )));
        }
        Db::open(path)
    }

    pub fn in_memory() -> Result<Db> {
        let conn =
            Connection::open_in_memory().ctx(|| "cannot create in-memory database".into())?;
        Db::init(conn, PathBuf::from(":memory:"))
    }

    fn init(conn: Connection, path: PathBuf) -> Result<Db> {
        let p = path.display().to_string();
        conn.execute_batch(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;
             PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY; PRAGMA mmap_size=1073741824;",
        )
        .ctx(|| format!("cannot configure advisory database {p}"))?;
        let existing: Option<String> = conn
            .query_row(
                "SELECT value FROM meta WHERE key='schema_version'",
                [],
                |r| r.get(0),
            )
            .optional()
            .or_else(|e| match e {
                rusqlite::Error::SqliteFailure(_, Some(ref m)) if m.contains("no such table") => {
                    Ok(None)
                }
                e => Err(e),
            })
            .ctx(|| format!("{p} is not a drydock advisory database"))?;
        if let Some(v) = existing {
            if v.parse::<i64>().ok() != Some(SCHEMA_VERSION) {
                return Err(Error::new(format!(
                    "advisory database {p} has schema version {v}, this drydock needs {SCHEMA_VERSION}: delete it and run `drydock db update`"
                )));
            }
        }
        conn.execute_batch(SCHEMA)
            .ctx(|| format!("cannot create tables in {p}"))?;
        conn.execute(
            "INSERT OR IGNORE INTO meta(key, value) VALUES('schema_version', ?1)",
            params![SCHEMA_VERSION.to_string()],
        )
        .ctx(|| format!("cannot write {p}"))?;
        Ok(Db { conn, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Import an OSV zip (`all.zip`) from any seekable reader. `source` names the top-level
    /// ecosystem the archive belongs to; `None` derives it from each record's first affected
    /// package. Everything happens in one transaction: on any error nothing changes.
    pub fn import_zip_reader<R: Read + Seek + Send>(
        &mut self,
        reader: R,
        source: Option<&str>,
        origin: &str,
    ) -> Result<ImportStats> {
        let mut zip =
            zip::ZipArchive::new(reader).ctx(|| format!("{origin} is not a valid zip archive"))?;
        let mut importer = Importer::new(&mut self.conn, source, origin)?;
        // Inflate + parse on one thread, SQLite inserts on this one: the two halves cost
        // about the same, so the pipeline nearly halves import time on two cores.
        let (tx, rx) = std::sync::mpsc::sync_channel::<Result<(String, OsvRecord)>>(512);
        std::thread::scope(|scope| {
            scope.spawn(move || {
                let mut buf = Vec::new();
                for i in 0..zip.len() {
                    let item = (|| -> Result<Option<(String, OsvRecord)>> {
                        let mut entry = zip
                            .by_index(i)
                            .ctx(|| format!("{origin}: cannot read entry {i}"))?;
                        if !entry.is_file() || !entry.name().ends_with(".json") {
                            return Ok(None);
                        }
                        let name = entry.name().to_string();
                        buf.clear();
                        (&mut entry)
                            .take(MAX_ENTRY_BYTES + 1)
                            .read_to_end(&mut buf)
                            .ctx(|| format!("{origin}: corrupt entry {name}"))?;
                        if buf.len() as u64 > MAX_ENTRY_BYTES {
                            return Err(Error::new(format!(
                                "{origin}: entry {name} is larger than 64 MiB"
                            )));
                        }
                        let rec = parse_record(&buf, origin, &name)?;
                        Ok(Some((name, rec)))
                    })();
                    let stop = item.is_err();
                    if let Some(x) = item.transpose() {
                        // A closed channel means the consumer failed: stop reading.
                        if tx.send(x).is_err() || stop {
                            return;
                        }
                    }
                }
            });
            for item in rx {
                let (name, rec) = item?;
                importer.store(rec, &name)?;
            }
            Ok::<(), Error>(())
        })?;
        importer.finish()
    }

    /// Import a zip file from disk (see [`Db::import_zip_reader`]).
    pub fn import_zip(&mut self, path: &Path, source: Option<&str>) -> Result<ImportStats> {
        let f = std::fs::File::open(path).ctx(|| format!("cannot open {}", path.display()))?;
        let origin = path.display().to_string();
        self.import_zip_reader(std::io::BufReader::new(f), source, &origin)
    }

    /// Import every `*.json` OSV record under `dir` (recursively).
    pub fn import_dir(&mut self, dir: &Path, source: Option<&str>) -> Result<ImportStats> {
        let origin = dir.display().to_string();
        let mut files = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in
                std::fs::read_dir(&d).ctx(|| format!("cannot read directory {}", d.display()))?
            {
                let e = e.ctx(|| format!("cannot read directory {}", d.display()))?;
                let p = e.path();
                let ft = e
                    .file_type()
                    .ctx(|| format!("cannot stat {}", p.display()))?;
                if ft.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "json") {
                    files.push(p);
                }
            }
        }
        files.sort();
        let mut importer = Importer::new(&mut self.conn, source, &origin)?;
        for f in files {
            let data = std::fs::read(&f).ctx(|| format!("cannot read {}", f.display()))?;
            importer.record(&data, &f.display().to_string())?;
        }
        importer.finish()
    }

    /// `drydock db import PATH`: a zip file or a directory of OSV JSON files.
    pub fn import_path(&mut self, path: &Path, source: Option<&str>) -> Result<ImportStats> {
        if path.is_dir() {
            self.import_dir(path, source)
        } else {
            self.import_zip(path, source)
        }
    }

    pub fn status(&self) -> Result<DbStatus> {
        let p = self.path.display().to_string();
        let mut st = self
            .conn
            .prepare("SELECT ecosystem, url, fetched_at, records FROM sources ORDER BY ecosystem")
            .ctx(|| format!("cannot read {p}"))?;
        let sources = st
            .query_map([], |r| {
                Ok(SourceStatus {
                    ecosystem: r.get(0)?,
                    url: r.get(1)?,
                    fetched_at: r.get(2)?,
                    records: r.get(3)?,
                })
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .ctx(|| format!("cannot read {p}"))?;
        Ok(DbStatus {
            path: self.path.clone(),
            schema_version: SCHEMA_VERSION,
            sources,
        })
    }

    /// Which of the `needed` sources are missing or older than `max_age`.
    pub fn freshness(&self, needed: &[String], max_age: Option<Duration>) -> Result<Freshness> {
        let status = self.status()?;
        let mut f = Freshness::default();
        for n in needed {
            match status.sources.iter().find(|s| &s.ecosystem == n) {
                None => f.missing.push(n.clone()),
                Some(s) => {
                    if max_age.is_some_and(|m| s.age() > m) {
                        f.stale.push((n.clone(), s.age()));
                    }
                }
            }
        }
        Ok(f)
    }

    /// Distinct OSV ecosystem names present (`Debian:12`, `PyPI`, …).
    pub fn ecosystems(&self) -> Result<Vec<String>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT DISTINCT ecosystem FROM ecosystems ORDER BY ecosystem")
            .ctx(|| "cannot read advisory database".into())?;
        st.query_map([], |r| r.get(0))
            .and_then(|rows| rows.collect::<Result<Vec<String>, _>>())
            .ctx(|| "cannot read advisory database".into())
    }
}

fn parse_record(data: &[u8], origin: &str, name: &str) -> Result<OsvRecord> {
    let rec: OsvRecord = serde_json::from_slice(data)
        .ctx(|| format!("{origin}: {name} is not a valid OSV record"))?;
    if rec.id.is_empty() {
        return Err(Error::new(format!("{origin}: {name} has no `id`")));
    }
    Ok(rec)
}

/// Streaming importer: one transaction, prepared statements, sources replaced on first sight.
struct Importer<'c> {
    tx: rusqlite::Transaction<'c>,
    source: Option<String>,
    origin: String,
    seen: HashSet<String>,
    ecosystems_seen: HashSet<(String, String)>,
    stats: ImportStats,
}

impl<'c> Importer<'c> {
    fn new(conn: &'c mut Connection, source: Option<&str>, origin: &str) -> Result<Self> {
        let tx = conn
            .transaction()
            .ctx(|| format!("cannot start import of {origin}"))?;
        Ok(Importer {
            tx,
            source: source.map(str::to_string),
            origin: origin.to_string(),
            seen: HashSet::new(),
            ecosystems_seen: HashSet::new(),
            stats: ImportStats::default(),
        })
    }

    fn start_source(&mut self, src: &str) -> Result<()> {
        if self.seen.insert(src.to_string()) {
            for sql in [
                "DELETE FROM affected WHERE source=?1",
                "DELETE FROM vulns WHERE source=?1",
                "DELETE FROM ecosystems WHERE source=?1",
            ] {
                self.tx
                    .execute(sql, params![src])
                    .ctx(|| format!("cannot replace {src} advisories"))?;
            }
        }
        Ok(())
    }

    fn record(&mut self, data: &[u8], name: &str) -> Result<()> {
        let rec = parse_record(data, &self.origin, name)?;
        self.store(rec, name)
    }

    fn store(&mut self, rec: OsvRecord, _name: &str) -> Result<()> {
        let src = match &self.source {
            Some(s) => s.clone(),
            None => rec
                .affected
                .iter()
                .filter_map(|a| a.package.as_ref())
                .map(|p| crate::ecosystem::source_of(&p.ecosystem).to_string())
                .find(|s| !s.is_empty())
                .unwrap_or_else(|| "unknown".to_string()),
        };
        self.start_source(&src)?;
        let withdrawn = rec.withdrawn.as_deref().is_some_and(|w| !w.is_empty());
        let aliases = serde_json::to_string(&rec.aliases).unwrap_or_else(|_| "[]".into());
        let upstream = serde_json::to_string(&rec.upstream).unwrap_or_else(|_| "[]".into());
        self.tx
            .prepare_cached(
                "INSERT OR REPLACE INTO vulns(source, id, modified, withdrawn, aliases, upstream, summary, cvss)
                 VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .and_then(|mut st| {
                st.execute(params![src, rec.id, rec.modified, withdrawn, aliases, upstream, rec.summary, rec.cvss_score()])
            })
            .ctx(|| format!("cannot store {}", rec.id))?;
        self.stats.records += 1;
        if withdrawn {
            // Withdrawn advisories are kept for status counts but never matched.
            self.stats.withdrawn += 1;
            return Ok(());
        }
        for a in &rec.affected {
            let Some(pkg) = &a.package else { continue };
            if pkg.name.is_empty() || pkg.ecosystem.is_empty() {
                continue;
            }
            let stored = StoredAffected {
                ranges: a
                    .ranges
                    .iter()
                    .filter(|r| r.kind != "GIT")
                    .cloned()
                    .collect(),
                versions: a.versions.clone(),
                rating: rec.rating_for(a),
            };
            if stored.ranges.is_empty() && stored.versions.is_empty() {
                continue;
            }
            let data = serde_json::to_string(&stored).unwrap_or_default();
            let name = crate::ecosystem::normalize_name(&pkg.ecosystem, &pkg.name);
            self.tx
                .prepare_cached("INSERT INTO affected(source, vuln_id, ecosystem, name, data) VALUES(?1, ?2, ?3, ?4, ?5)")
                .and_then(|mut st| st.execute(params![src, rec.id, pkg.ecosystem, name, data]))
                .ctx(|| format!("cannot store {}", rec.id))?;
            if self
                .ecosystems_seen
                .insert((pkg.ecosystem.clone(), src.clone()))
            {
                self.tx
                    .prepare_cached(
                        "INSERT OR IGNORE INTO ecosystems(ecosystem, source) VALUES(?1, ?2)",
                    )
                    .and_then(|mut st| st.execute(params![pkg.ecosystem, src]))
                    .ctx(|| format!("cannot store {}", rec.id))?;
            }
            self.stats.affected += 1;
        }
        Ok(())
    }

    fn finish(mut self) -> Result<ImportStats> {
        if self.seen.is_empty() {
            return Err(Error::new(format!(
                "{}: no OSV records (*.json) found",
                self.origin
            )));
        }
        let now = now();
        let mut sources: Vec<String> = self.seen.iter().cloned().collect();
        sources.sort();
        for s in &sources {
            let n: i64 = self
                .tx
                .query_row(
                    "SELECT count(*) FROM vulns WHERE source=?1",
                    params![s],
                    |r| r.get(0),
                )
                .ctx(|| format!("cannot count {s} advisories"))?;
            self.tx
                .execute(
                    "INSERT OR REPLACE INTO sources(ecosystem, url, fetched_at, records) VALUES(?1, ?2, ?3, ?4)",
                    params![s, self.origin, now, n],
                )
                .ctx(|| format!("cannot record {s} import"))?;
        }
        self.tx
            .commit()
            .ctx(|| format!("cannot commit import of {}", self.origin))?;
        self.stats.sources = sources;
        Ok(self.stats)
    }
}

/// What `update` did for one ecosystem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpdateResult {
    pub ecosystem: String,
    pub url: String,
    pub bytes: u64,
    pub stats: ImportStats,
}

fn url_for(base: &str, ecosystem: &str) -> String {
    let mut enc = String::new();
    for b in ecosystem.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            enc.push(b as char);
        } else {
            enc.push_str(&format!("%{b:02X}"));
        }
    }
    if base.contains("{ECOSYSTEM}") {
        base.replace("{ECOSYSTEM}", &enc)
    } else {
        format!("{}/{enc}/all.zip", base.trim_end_matches('/'))
    }
}

/// Download into a temporary file next to the database, enforcing the size cap and the
/// announced length (a short read is a partial download).
fn download(opts: &DbOptions, url: &str, dir: &Path) -> Result<(tempfile::NamedTempFile, u64)> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(opts.timeout))
        .http_status_as_error(false)
        .build()
        .into();
    let resp = agent
        .get(url)
        .call()
        .ctx(|| format!("cannot download {url}"))?;
    let status = resp.status();
    if !status.is_success() {
        return Err(Error::new(format!("cannot download {url}: HTTP {status}")));
    }
    let expected: Option<u64> = resp
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok());
    if let Some(n) = expected.filter(|n| *n > opts.max_download_bytes) {
        return Err(Error::new(format!(
            "{url} is {n} bytes, over the {} byte download limit",
            opts.max_download_bytes
        )));
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(".osv-download-")
        .tempfile_in(dir)
        .ctx(|| format!("cannot create a temporary file in {}", dir.display()))?;
    let body = resp.into_body().into_with_config().limit(u64::MAX).reader();
    let body = opts.progress.count_download(body, url, expected);
    let n = std::io::copy(
        &mut body.take(opts.max_download_bytes + 1),
        tmp.as_file_mut(),
    );
    opts.progress.download_finished(url);
    let n = n.ctx(|| {
        format!("download of {url} failed after part of the archive (incomplete download)")
    })?;
    if n > opts.max_download_bytes {
        return Err(Error::new(format!(
            "{url} exceeds the {} byte download limit",
            opts.max_download_bytes
        )));
    }
    if let Some(e) = expected.filter(|e| *e != n) {
        return Err(Error::new(format!(
            "partial download of {url}: got {n} of {e} bytes"
        )));
    }
    Ok((tmp, n))
}

/// `drydock db update`: download each ecosystem's `all.zip` and replace its records.
/// A failed download or a corrupt archive leaves that ecosystem's previous data in place;
/// the other ecosystems are still updated and the first error is returned at the end
/// (use [`update_each`] to report every ecosystem's outcome).
pub fn update(opts: &DbOptions, ecosystems: &[String]) -> Result<Vec<UpdateResult>> {
    let mut done = Vec::new();
    let mut first_err = None;
    for r in update_each(opts, ecosystems)? {
        match r {
            Ok(u) => done.push(u),
            Err(e) => {
                first_err.get_or_insert(e);
            }
        }
    }
    match first_err {
        Some(e) => Err(e),
        None => Ok(done),
    }
}

/// Like [`update`], with one result per archive (top-level ecosystem) in name order.
/// The outer error is for problems before any download (offline, no database).
pub fn update_each(opts: &DbOptions, ecosystems: &[String]) -> Result<Vec<Result<UpdateResult>>> {
    if opts.offline {
        return Err(Error::new("--offline is set: `db update` needs the network (use `drydock db import FILE.zip` instead)"));
    }
    if ecosystems.is_empty() {
        return Err(Error::new("no ecosystems to update"));
    }
    let mut db = Db::open(&opts.db_path)?;
    let dir = opts
        .db_path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let mut out = Vec::new();
    // `Debian:12` and `Debian` are the same archive.
    for eco in &crate::ecosystem::sources_for(ecosystems.iter().map(String::as_str)) {
        let url = url_for(&opts.base_url, eco);
        let r = download(opts, &url, &dir).and_then(|(tmp, bytes)| {
            let f = tmp
                .reopen()
                .ctx(|| format!("cannot reopen download of {url}"))?;
            let stats = db.import_zip_reader(std::io::BufReader::new(f), Some(eco), &url)?;
            Ok(UpdateResult {
                ecosystem: eco.clone(),
                url: url.clone(),
                bytes,
                stats,
            })
        });
        out.push(r.map_err(|e| Error::new(format!("{e} (previous {eco} advisories kept)"))));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_and_missing_sources() {
        let db = Db::in_memory().unwrap();
        db.conn
            .execute(
                "INSERT INTO sources(ecosystem, url, fetched_at, records) VALUES('Debian', 'u', ?1, 5)",
                params![now() - 10 * 86_400],
            )
            .unwrap();
        let week = Some(Duration::from_secs(7 * 86_400));
        let f = db
            .freshness(&["Debian".into(), "npm".into()], week)
            .unwrap();
        assert_eq!(f.missing, vec!["npm"]);
        assert_eq!(f.stale.len(), 1);
        assert!(!f.is_ok());
        let m = f.messages();
        assert!(m[1].contains("Debian") && m[1].contains("10d old"), "{m:?}");
        assert!(db.freshness(&["Debian".into()], None).unwrap().is_ok());
        assert!(db.status().unwrap().render().contains("fetched 10d ago"));
    }

    #[test]
    fn urls_are_percent_encoded() {
        assert_eq!(
            url_for(DEFAULT_BASE_URL, "Rocky Linux"),
            "https://osv-vulnerabilities.storage.googleapis.com/Rocky%20Linux/all.zip"
        );
        assert_eq!(
            url_for("http://127.0.0.1:9/osv/", "PyPI"),
            "http://127.0.0.1:9/osv/PyPI/all.zip"
        );
    }
}
