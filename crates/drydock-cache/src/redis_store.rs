//! The shared store: a Redis (or Valkey) server, so a fleet of scanners reuses each other's
//! layers. Same entry format as the embedded store; keys are `drydock:layer:KEY`; the TTL
//! is set on write and renewed on every hit (`GETEX`), so layers still in use stay.

use crate::{entry, redact_url, CacheError, GetError, Status, Store};
use std::sync::Mutex;
use std::time::Duration;

const PREFIX: &str = "drydock:layer:";
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const IO_TIMEOUT: Duration = Duration::from_secs(60);

pub struct RedisStore {
    client: redis::Client,
    shown: String,
    conn: Mutex<Option<redis::Connection>>,
    ttl: Option<Duration>,
}

impl RedisStore {
    /// Connect to `url` (`redis://[:password@]host:port/db`, `rediss://` for TLS); fails
    /// at once when the server cannot be reached.
    pub fn open(url: &str, ttl: Option<Duration>) -> Result<RedisStore, CacheError> {
        let shown = redact_url(url);
        let client = redis::Client::open(url).map_err(|e| CacheError::Spec {
            spec: shown.clone(),
            message: e.to_string(),
        })?;
        let s = RedisStore {
            client,
            shown,
            conn: Mutex::new(None),
            ttl,
        };
        s.with(|c| redis::cmd("PING").query::<String>(c))?;
        Ok(s)
    }

    fn err(&self, e: impl std::fmt::Display) -> CacheError {
        CacheError::Backend {
            store: self.shown.clone(),
            message: e.to_string(),
        }
    }

    fn connect(&self) -> Result<redis::Connection, CacheError> {
        let c = self
            .client
            .get_connection_with_timeout(CONNECT_TIMEOUT)
            .map_err(|e| self.err(e))?;
        c.set_read_timeout(Some(IO_TIMEOUT))
            .map_err(|e| self.err(e))?;
        c.set_write_timeout(Some(IO_TIMEOUT))
            .map_err(|e| self.err(e))?;
        Ok(c)
    }

    /// Run `f` on the connection, reconnecting once if the server dropped it.
    fn with<T>(
        &self,
        f: impl Fn(&mut redis::Connection) -> redis::RedisResult<T>,
    ) -> Result<T, CacheError> {
        let mut guard = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        for attempt in 0..2 {
            if guard.is_none() {
                *guard = Some(self.connect()?);
            }
            let Some(c) = guard.as_mut() else { continue };
            match f(c) {
                Ok(v) => return Ok(v),
                Err(e) if attempt == 0 && (e.is_io_error() || e.is_connection_dropped()) => {
                    *guard = None;
                }
                Err(e) => return Err(self.err(e)),
            }
        }
        Err(self.err("connection lost"))
    }

    fn keys(&self) -> Result<Vec<String>, CacheError> {
        self.with(|c| {
            let it = redis::Commands::scan_match::<_, String>(c, format!("{PREFIX}*"))?;
            Ok(it.collect())
        })
    }

    fn write(&self, key: &str, value: &[u8]) -> Result<(), CacheError> {
        let k = format!("{PREFIX}{key}");
        self.with(|c| {
            let mut cmd = redis::cmd("SET");
            cmd.arg(&k).arg(value);
            if let Some(t) = self.ttl {
                cmd.arg("EX").arg(t.as_secs().max(1));
            }
            cmd.query::<()>(c)
        })
    }
}

impl Store for RedisStore {
    fn describe(&self) -> String {
        self.shown.clone()
    }

    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, GetError> {
        let k = format!("{PREFIX}{key}");
        let value: Option<Vec<u8>> = self.with(|c| match self.ttl {
            Some(t) => redis::cmd("GETEX")
                .arg(&k)
                .arg("EX")
                .arg(t.as_secs().max(1))
                .query(c),
            None => redis::cmd("GET").arg(&k).query(c),
        })?;
        let Some(value) = value else { return Ok(None) };
        match entry::decode(&value) {
            Ok(p) => Ok(Some(p)),
            Err(reason) => {
                self.with(|c| redis::cmd("DEL").arg(&k).query::<()>(c))?;
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
        let keys = self.keys()?;
        let mut st = Status {
            location: self.describe(),
            ..Status::default()
        };
        let mut oldest = 0u64;
        for k in &keys {
            let (len, idle): (u64, Option<u64>) = self.with(|c| {
                let len = redis::cmd("STRLEN").arg(k).query(c)?;
                // OBJECT IDLETIME fails under an LFU eviction policy: then no age is shown.
                let idle = redis::cmd("OBJECT")
                    .arg("IDLETIME")
                    .arg(k)
                    .query::<Option<u64>>(c)
                    .unwrap_or(None);
                Ok((len, idle))
            })?;
            if len > 0 {
                st.entries += 1;
                st.bytes += len;
                oldest = oldest.max(idle.unwrap_or(0));
            }
        }
        if st.entries > 0 {
            st.oldest_use = Some(Duration::from_secs(oldest));
        }
        Ok(st)
    }

    fn clean(&self, older_than: Option<Duration>) -> Result<u64, CacheError> {
        let mut n = 0;
        for k in self.keys()? {
            let gone: u64 = self.with(|c| {
                if let Some(d) = older_than {
                    let idle: Option<u64> = redis::cmd("OBJECT")
                        .arg("IDLETIME")
                        .arg(&k)
                        .query(c)
                        .unwrap_or(None);
                    if idle.is_none_or(|i| i < d.as_secs()) {
                        return Ok(0);
                    }
                }
                redis::cmd("DEL").arg(&k).query(c)
            })?;
            n += gone;
        }
        Ok(n)
    }
}
