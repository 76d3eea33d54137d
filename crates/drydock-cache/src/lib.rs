//! drydock-cache: a key → blob store for per-layer scan results, with one entry format
//! ([`entry`]) over two backends: an embedded SQLite database in a directory (the default,
//! [`SqliteStore`]) and a shared Redis ([`RedisStore`]). The store knows nothing about
//! layers: callers choose keys and payloads; the store checks every entry's checksum on the
//! way out, drops a damaged one and reports it as [`GetError::Corrupt`].
//!
//! See docs/cache.md for what drydock caches and why SQLite.

#![forbid(unsafe_code)]

pub mod entry;
mod redis_store;
mod sqlite;

pub use redis_store::RedisStore;
pub use sqlite::SqliteStore;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The embedded store's default size bound.
pub const DEFAULT_MAX_BYTES: u64 = 2 << 30;

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// The store cannot be opened or used (I/O, SQLite, Redis errors), with the store's name.
    #[error("{store}: {message}")]
    Backend { store: String, message: String },
    /// A `--cache` value that names no store.
    #[error("cache `{spec}`: {message}")]
    Spec { spec: String, message: String },
}

/// Why a read gave no payload.
#[derive(Debug, thiserror::Error)]
pub enum GetError {
    /// The entry failed its checks and has been removed; the caller recomputes it.
    #[error("cache entry {key} in {store} is damaged ({reason}); dropped")]
    Corrupt {
        store: String,
        key: String,
        reason: String,
    },
    #[error(transparent)]
    Backend(#[from] CacheError),
}

/// What `drydock cache status` shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Status {
    pub location: String,
    pub entries: u64,
    /// Bytes of stored entries (compressed, as stored).
    pub bytes: u64,
    /// The size bound (`None`: the backend's own policy, e.g. Redis `maxmemory`).
    pub max_bytes: Option<u64>,
    /// Time since the least recently used entry was last used.
    pub oldest_use: Option<Duration>,
}

/// A key → payload store shared by parallel layer walks and by concurrent processes.
pub trait Store: Send + Sync {
    /// Where the store is (a path or a URL without its password), for messages.
    fn describe(&self) -> String;
    /// The payload under `key`, if present and intact. Marks the entry used (LRU).
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, GetError>;
    /// Store `payload` under `key` (replacing any entry), evicting as the bound requires.
    fn put(&self, key: &str, payload: &[u8]) -> Result<(), CacheError>;
    /// Raw access to a stored entry (encoded), for tests and tools that check the format.
    fn put_raw(&self, key: &str, entry: &[u8]) -> Result<(), CacheError>;
    fn status(&self) -> Result<Status, CacheError>;
    /// Remove entries not used for `older_than` (all when `None`); returns how many.
    fn clean(&self, older_than: Option<Duration>) -> Result<u64, CacheError>;
}

/// Where the cache lives, as the user named it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// An embedded database in this directory.
    Dir(PathBuf),
    /// `redis://` or `rediss://` URL (password and db number inside).
    Redis(String),
}

impl Location {
    /// `redis://…`, `rediss://…`, `dir://PATH` or a plain path.
    pub fn parse(spec: &str) -> Result<Location, CacheError> {
        let err = |m: &str| CacheError::Spec {
            spec: redact_url(spec),
            message: m.into(),
        };
        if spec.starts_with("redis://") || spec.starts_with("rediss://") {
            return Ok(Location::Redis(spec.to_string()));
        }
        if let Some(p) = spec.strip_prefix("dir://") {
            if p.is_empty() {
                return Err(err("`dir://` needs a directory"));
            }
            return Ok(Location::Dir(PathBuf::from(p)));
        }
        if spec.contains("://") {
            return Err(err(
                "unknown scheme (use redis://, rediss://, dir:// or a directory path)",
            ));
        }
        if spec.is_empty() {
            return Err(err("empty cache location"));
        }
        Ok(Location::Dir(PathBuf::from(spec)))
    }
}

/// How to open a store.
#[derive(Clone, Debug)]
pub struct Config {
    pub location: Location,
    /// Embedded store: size bound (least recently used entries go first).
    pub max_bytes: u64,
    /// Entries expire this long after they were last written (Redis: `SET … EX`;
    /// embedded: not used for that long).
    pub ttl: Option<Duration>,
}

/// Open the store a [`Config`] names.
pub fn open(cfg: &Config) -> Result<Arc<dyn Store>, CacheError> {
    Ok(match &cfg.location {
        Location::Dir(d) => Arc::new(SqliteStore::open(d, cfg.max_bytes, cfg.ttl)?),
        Location::Redis(url) => Arc::new(RedisStore::open(url, cfg.ttl)?),
    })
}

/// `30d`, `12h`, `90m`, `1w 2d` (humantime's syntax).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    humantime::parse_duration(s.trim())
        .map_err(|e| format!("`{s}` is not a duration like 30d, 12h or 90m ({e})"))
}

/// A size like `2GiB`, `500MB`, `1048576` (bytes).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a size like 2GiB or 500MB"))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "kib" => 1 << 10,
        "m" | "mb" => 1_000_000,
        "mib" => 1 << 20,
        "g" | "gb" => 1_000_000_000,
        "gib" => 1 << 30,
        "t" | "tb" => 1_000_000_000_000,
        "tib" => 1 << 40,
        u => return Err(format!("`{s}`: unknown size unit `{u}`")),
    };
    Ok((n * mult as f64) as u64)
}

/// A URL with any password replaced by `***`, for messages.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (auth_end, _) = rest
        .char_indices()
        .find(|(_, c)| *c == '/')
        .unwrap_or((rest.len(), '/'));
    match rest[..auth_end].rfind('@') {
        Some(at) => {
            let userinfo = &rest[..at];
            let user = userinfo.split_once(':').map_or("", |(u, _)| u);
            format!("{scheme}://{user}:***@{}", &rest[at + 1..])
        }
        None => url.to_string(),
    }
}

fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations() {
        assert_eq!(
            Location::parse("redis://127.0.0.1:6379/2").unwrap(),
            Location::Redis("redis://127.0.0.1:6379/2".into())
        );
        assert!(matches!(
            Location::parse("rediss://:pw@h:6380/0").unwrap(),
            Location::Redis(_)
        ));
        assert_eq!(
            Location::parse("dir:///var/cache/x").unwrap(),
            Location::Dir("/var/cache/x".into())
        );
        assert_eq!(Location::parse("./c").unwrap(), Location::Dir("./c".into()));
        let e = Location::parse("memcached://u:secret@h/").unwrap_err();
        assert!(!e.to_string().contains("secret"), "{e}");
        assert!(Location::parse("dir://").is_err());
    }

    #[test]
    fn durations_and_sizes() {
        assert_eq!(
            parse_duration("30d").unwrap(),
            Duration::from_secs(30 * 86_400)
        );
        assert_eq!(parse_duration("90m").unwrap(), Duration::from_secs(5400));
        assert!(parse_duration("soon").is_err());
        assert_eq!(parse_size("2GiB").unwrap(), 2 << 30);
        assert_eq!(parse_size("500MB").unwrap(), 500_000_000);
        assert_eq!(parse_size("1024").unwrap(), 1024);
        assert!(parse_size("3 parsecs").is_err());
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("rediss://:hunter2@cache:6380/1"),
            "rediss://:***@cache:6380/1"
        );
        assert_eq!(redact_url("redis://user:pw@h/0"), "redis://user:***@h/0");
        assert_eq!(redact_url("redis://h:6379/0"), "redis://h:6379/0");
    }
}
