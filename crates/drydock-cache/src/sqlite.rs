//! The embedded store: one SQLite database in the cache directory. SQLite rather than redb
//! because drydock already builds it (the advisory database), its WAL mode lets several
//! drydock processes read while one writes and its busy timeout queues writers across
//! processes, and `sqlite3` opens the file for anyone who needs to look inside.

use crate::{entry, now_secs, CacheError, GetError, Status, Store};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

/// File name inside the cache directory.
pub const DB_FILE: &str = "layers.sqlite";
/// Writers of other processes are waited for this long before a put gives up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);
/// A hit refreshes its use time at most this often (a read should rarely need a write lock).
const TOUCH_EVERY_SECS: i64 = 60;

pub struct SqliteStore {
    path: PathBuf,
    conn: Mutex<Connection>,
    max_bytes: u64,
    ttl: Option<Duration>,
}

impl SqliteStore {
    /// Open (creating it and its directory if needed) the store in `dir`.
    pub fn open(
        dir: &Path,
        max_bytes: u64,
        ttl: Option<Duration>,
    ) -> Result<SqliteStore, CacheError> {
        let path = dir.join(DB_FILE);
        let err = |m: String| CacheError::Backend {
            store: path.display().to_string(),
            message: m,
        };
        create_private_dir(dir)
            .map_err(|e| err(format!("cannot create the cache directory: {e}")))?;
        let conn = Connection::open(&path).map_err(|e| err(format!("cannot open: {e}")))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| err(e.to_string()))?;
        // WAL: readers never block the writer nor each other, across processes.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| err(format!("cannot enable WAL: {e}")))?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(|e| err(e.to_string()))?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS entries (
                 key TEXT PRIMARY KEY,
                 value BLOB NOT NULL,
                 size INTEGER NOT NULL,
                 written INTEGER NOT NULL,
                 used INTEGER NOT NULL
             );
             CREATE INDEX IF NOT EXISTS entries_used ON entries(used);",
        )
        .map_err(|e| err(format!("not a drydock cache database: {e}")))?;
        Ok(SqliteStore {
            path,
            conn: Mutex::new(conn),
            max_bytes,
            ttl,
        })
    }

    fn err(&self, e: impl std::fmt::Display) -> CacheError {
        CacheError::Backend {
            store: self.path.display().to_string(),
            message: e.to_string(),
        }
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves the connection usable (SQLite rolls back).
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Drop least recently used entries until the store is at 90% of its bound, so a put
    /// does not evict again at once.
    fn evict(&self, conn: &Connection) -> Result<(), CacheError> {
        let total: i64 = conn
            .query_row("SELECT COALESCE(SUM(size), 0) FROM entries", [], |r| {
                r.get(0)
            })
            .map_err(|e| self.err(e))?;
        if (total as u64) <= self.max_bytes {
            return Ok(());
        }
        let target = self.max_bytes / 10 * 9;
        let mut excess = total as u64 - target;
        let mut stmt = conn
            .prepare("SELECT key, size FROM entries ORDER BY used ASC")
            .map_err(|e| self.err(e))?;
        let victims: Vec<String> = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
            .map_err(|e| self.err(e))?
            .filter_map(Result::ok)
            .take_while(|(_, size)| {
                let go = excess > 0;
                excess = excess.saturating_sub(*size as u64);
                go
            })
            .map(|(k, _)| k)
            .collect();
        for k in victims {
            conn.execute("DELETE FROM entries WHERE key = ?1", [k])
                .map_err(|e| self.err(e))?;
        }
        Ok(())
    }

    fn write(&self, key: &str, value: &[u8]) -> Result<(), CacheError> {
        let mut conn = self.conn();
        // IMMEDIATE: take the write lock up front, so two processes never both hold a read
        // snapshot and then deadlock upgrading it.
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.err(e))?;
        let now = now_secs();
        tx.execute(
            "INSERT OR REPLACE INTO entries (key, value, size, written, used) VALUES (?1, ?2, ?3, ?4, ?4)",
            params![key, value, value.len() as i64, now],
        )
        .map_err(|e| self.err(e))?;
        self.evict(&tx)?;
        tx.commit().map_err(|e| self.err(e))
    }
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    // Entries hold file names and redacted secret evidence of scanned images: owner only.
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

impl Store for SqliteStore {
    fn describe(&self) -> String {
        self.path.display().to_string()
    }

    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, GetError> {
        let conn = self.conn();
        let row: Option<(Vec<u8>, i64)> = conn
            .query_row(
                "SELECT value, used FROM entries WHERE key = ?1",
                [key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        let Some((value, used)) = row else {
            return Ok(None);
        };
        let now = now_secs();
        if self
            .ttl
            .is_some_and(|t| now.saturating_sub(used) > t.as_secs() as i64)
        {
            conn.execute("DELETE FROM entries WHERE key = ?1", [key])
                .map_err(|e| self.err(e))?;
            return Ok(None);
        }
        match entry::decode(&value) {
            Ok(payload) => {
                if now - used >= TOUCH_EVERY_SECS {
                    conn.execute(
                        "UPDATE entries SET used = ?1 WHERE key = ?2",
                        params![now, key],
                    )
                    .map_err(|e| self.err(e))?;
                }
                Ok(Some(payload))
            }
            Err(reason) => {
                conn.execute("DELETE FROM entries WHERE key = ?1", [key])
                    .map_err(|e| self.err(e))?;
                Err(GetError::Corrupt {
                    store: self.describe(),
                    key: key.to_string(),
                    reason,
                })
            }
        }
    }

    fn put(&self, key: &str, payload: &[u8]) -> Result<(), CacheError> {
        self.write(key, &entry::encode(payload))
    }

    fn put_raw(&self, key: &str, value: &[u8]) -> Result<(), CacheError> {
        self.write(key, value)
    }

    fn status(&self) -> Result<Status, CacheError> {
        let conn = self.conn();
        let (entries, bytes, oldest): (i64, i64, Option<i64>) = conn
            .query_row(
                "SELECT COUNT(*), COALESCE(SUM(size), 0), MIN(used) FROM entries",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(|e| self.err(e))?;
        Ok(Status {
            location: self.describe(),
            entries: entries as u64,
            bytes: bytes as u64,
            max_bytes: Some(self.max_bytes),
            oldest_use: oldest
                .map(|u| Duration::from_secs(now_secs().saturating_sub(u).max(0) as u64)),
        })
    }

    fn clean(&self, older_than: Option<Duration>) -> Result<u64, CacheError> {
        let conn = self.conn();
        let n = match older_than {
            None => conn.execute("DELETE FROM entries", []),
            Some(d) => conn.execute(
                "DELETE FROM entries WHERE used < ?1",
                [now_secs() - d.as_secs() as i64],
            ),
        }
        .map_err(|e| self.err(e))?;
        // Give the space back to the file system (WAL checkpoint, then shrink the file).
        let _ = conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); VACUUM;");
        Ok(n as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(max: u64) -> (tempfile::TempDir, SqliteStore) {
        let d = tempfile::tempdir().unwrap();
        let s = SqliteStore::open(&d.path().join("c"), max, None).unwrap();
        (d, s)
    }

    #[test]
    fn put_get_and_corruption() {
        let (_d, s) = store(1 << 30);
        assert_eq!(s.get("k").unwrap(), None);
        s.put("k", b"payload").unwrap();
        assert_eq!(s.get("k").unwrap().as_deref(), Some(&b"payload"[..]));
        let mut raw = entry::encode(b"payload");
        let n = raw.len();
        raw.truncate(n - 3);
        s.put_raw("k", &raw).unwrap();
        assert!(matches!(s.get("k"), Err(GetError::Corrupt { .. })));
        // Dropped: the next read is a plain miss.
        assert_eq!(s.get("k").unwrap(), None);
    }

    #[test]
    fn least_recently_used_entries_are_evicted() {
        // Incompressible payloads so the stored sizes are known.
        let blob = |seed: u8| -> Vec<u8> {
            let mut x = (seed as u32).wrapping_mul(2_654_435_761) | 1;
            (0..10_000)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    x as u8
                })
                .collect()
        };
        let (_d, s) = store(35_000);
        for (i, k) in ["a", "b", "c"].iter().enumerate() {
            s.put(k, &blob(i as u8)).unwrap();
        }
        // `a` is the oldest by use; make `b` older still so `a` survives.
        {
            let c = s.conn();
            c.execute("UPDATE entries SET used = 1 WHERE key = 'b'", [])
                .unwrap();
            c.execute("UPDATE entries SET used = 2 WHERE key = 'a'", [])
                .unwrap();
        }
        s.put("d", &blob(3)).unwrap();
        let st = s.status().unwrap();
        assert!(st.bytes <= 35_000, "{st:?}");
        assert_eq!(s.get("b").unwrap(), None, "least recently used goes first");
        assert!(s.get("d").unwrap().is_some());
        assert!(s.get("c").unwrap().is_some());
    }

    #[test]
    fn clean_by_age() {
        let (_d, s) = store(1 << 30);
        s.put("old", b"1").unwrap();
        s.put("new", b"2").unwrap();
        s.conn()
            .execute(
                "UPDATE entries SET used = used - 40 * 86400 WHERE key = 'old'",
                [],
            )
            .unwrap();
        assert_eq!(s.clean(Some(Duration::from_secs(30 * 86_400))).unwrap(), 1);
        assert_eq!(s.status().unwrap().entries, 1);
        assert_eq!(s.clean(None).unwrap(), 1);
        assert_eq!(s.status().unwrap().entries, 0);
    }

    #[test]
    fn ttl_expires_unused_entries() {
        let d = tempfile::tempdir().unwrap();
        let s = SqliteStore::open(d.path(), 1 << 30, Some(Duration::from_secs(3600))).unwrap();
        s.put("k", b"v").unwrap();
        s.conn()
            .execute("UPDATE entries SET used = used - 7200", [])
            .unwrap();
        assert_eq!(s.get("k").unwrap(), None);
    }
}
