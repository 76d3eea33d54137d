//! The layer cache's options (flags over drydock.toml `[cache]` over the default
//! `$XDG_CACHE_HOME/drydock`) and `drydock cache status|clean`.

use crate::cli::{CacheAction, CacheArgs, CacheCmdArgs, CacheLocationArgs};
use crate::config::{CacheConfig, Config};
use anyhow::{Context, Result};
use drydock_scan::cache::{self, Location};
use drydock_scan::CacheOptions;

/// The cache `drydock scan` uses; `None` with `--no-cache` or `enabled = false`.
pub fn scan_options(args: &CacheArgs, cfg: &Config) -> Result<Option<CacheOptions>> {
    let c = &cfg.cache;
    let named = args.location.cache.is_some() || args.location.cache_dir.is_some();
    if args.no_cache || (!named && c.enabled == Some(false)) {
        return Ok(None);
    }
    let Some((location, required)) = location(&args.location, cfg)? else {
        return Ok(None);
    };
    let ttl = match args.cache_ttl.as_deref().or(c.ttl.as_deref()) {
        Some(t) => Some(cache::parse_duration(t).map_err(|e| anyhow::anyhow!("cache TTL: {e}"))?),
        None => None,
    };
    let max_bytes = match (&args.cache_max_size, &c.max_size) {
        (Some(s), _) => {
            cache::parse_size(s).map_err(|e| anyhow::anyhow!("--cache-max-size: {e}"))?
        }
        (None, Some(toml::Value::Integer(n))) if *n > 0 => *n as u64,
        (None, Some(toml::Value::String(s))) => {
            cache::parse_size(s).map_err(|e| anyhow::anyhow!("[cache] max-size: {e}"))?
        }
        (None, Some(v)) => anyhow::bail!("[cache] max-size: `{v}` is not a size like \"2GiB\""),
        (None, None) => cache::DEFAULT_MAX_BYTES,
    };
    Ok(Some(CacheOptions {
        config: cache::Config {
            location,
            max_bytes,
            ttl,
        },
        required,
    }))
}

/// The store named by the flags, else by `[cache]`, else the default directory; and
/// whether the user named it.
fn location(args: &CacheLocationArgs, cfg: &Config) -> Result<Option<(Location, bool)>> {
    if let Some(u) = &args.cache {
        return Ok(Some((Location::parse(u)?, true)));
    }
    if let Some(d) = &args.cache_dir {
        return Ok(Some((Location::Dir(d.clone()), true)));
    }
    let CacheConfig { url, dir, .. } = &cfg.cache;
    if let Some(u) = url {
        return Ok(Some((Location::parse(u).context("[cache] url")?, true)));
    }
    if let Some(d) = dir {
        return Ok(Some((Location::Dir(cfg.resolve(d)), true)));
    }
    Ok(drydock_core::env::cache_dir().map(|d| (Location::Dir(d.join("drydock")), false)))
}

pub fn run(args: CacheCmdArgs) -> Result<u8> {
    let cwd = std::env::current_dir().ok();
    let cfg = Config::discover(None, cwd.as_deref())?;
    let Some((location, _)) = location(&args.location, &cfg)? else {
        anyhow::bail!("no cache directory: HOME and XDG_CACHE_HOME are unset (use --cache-dir)");
    };
    let store = cache::open(&cache::Config {
        location,
        max_bytes: cache::DEFAULT_MAX_BYTES,
        ttl: None,
    })?;
    match args.action {
        CacheAction::Status => {
            let st = store.status()?;
            out!("location: {}\n", st.location);
            out!("entries:  {} layers\n", st.entries);
            match st.max_bytes {
                Some(m) => out!("size:     {} of {}\n", human(st.bytes), human(m)),
                None => out!("size:     {}\n", human(st.bytes)),
            }
            if let Some(d) = st.oldest_use {
                out!("oldest:   last used {} ago\n", days(d));
            }
        }
        CacheAction::Clean { older_than } => {
            let age = match older_than.as_deref() {
                Some(a) => Some(
                    cache::parse_duration(a).map_err(|e| anyhow::anyhow!("--older-than: {e}"))?,
                ),
                None => None,
            };
            let n = store.clean(age)?;
            out!("removed {n} cached layers from {}\n", store.describe());
        }
    }
    Ok(0)
}

fn human(b: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = b as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{b} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

fn days(d: std::time::Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=3599 => format!("{}m", s / 60),
        3600..=86_399 => format!("{}h", s / 3600),
        _ => format!("{}d", s / 86_400),
    }
}
