//! End-of-life dates for base-image distributions and runtimes, from the bundled, dated
//! table `data/eol.yaml` (every product cites its source; `as_of` says when it was checked).
//!
//! [`lookup`] maps an image (repository + tag) to the release lines it is built on:
//! `python:3.7-slim-buster` is Python 3.7 *and* Debian 10; callers compare each line's
//! [`EolRelease::eol`] with the scan date.

use serde::Deserialize;
use std::fmt;
use std::sync::OnceLock;

/// A calendar date (proleptic Gregorian), enough for EOL comparisons.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Parse `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Result<Date, String> {
        let bad = || format!("invalid date `{s}` (expected YYYY-MM-DD)");
        let mut it = s.trim().splitn(3, '-');
        let (y, m, d) = (it.next(), it.next(), it.next());
        let (Some(y), Some(m), Some(d)) = (y, m, d) else {
            return Err(bad());
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u8 = m.parse().map_err(|_| bad())?;
        let day: u8 = d.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(bad());
        }
        Ok(Date { year, month, day })
    }

    /// Today's date in UTC, from the system clock.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Date::from_days_since_epoch((secs / 86_400) as i64)
    }

    /// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    pub fn from_days_since_epoch(z: i64) -> Date {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl std::str::FromStr for Date {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Date::parse(s)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EolTable {
    /// When the table's dates were last checked.
    pub as_of: Date,
    pub products: Vec<EolProduct>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EolProduct {
    pub product: String,
    /// Repository short names (last path component) that ship this product.
    pub images: Vec<String>,
    /// Path components like `ubi8` name the release: prefixes (`ubi`) followed by the cycle.
    #[serde(default)]
    pub repository_prefixes: Vec<String>,
    pub source: String,
    pub releases: Vec<EolRelease>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EolRelease {
    pub cycle: String,
    #[serde(default)]
    pub codenames: Vec<String>,
    pub eol: Date,
}

/// One release line an image is built on.
#[derive(Clone, Copy, Debug)]
pub struct EolMatch<'a> {
    pub product: &'a EolProduct,
    pub release: &'a EolRelease,
}

/// The bundled table (parsed once; its validity is checked by this module's tests).
pub fn table() -> &'static EolTable {
    static T: OnceLock<EolTable> = OnceLock::new();
    T.get_or_init(|| {
        serde_yaml_ng::from_str(include_str!("../data/eol.yaml"))
            .unwrap_or_else(|e| panic!("bundled data/eol.yaml is invalid: {e}"))
    })
}

/// Release lines that `repository:tag` is built on, the image's own product first, then a
/// distribution named in the tag (`-buster`, `-alpine3.12`, `-focal`).
///
/// `repository` is the normalised path (`library/python`, `ubi8/ubi`); `tag` may be empty.
pub fn lookup<'a>(table: &'a EolTable, repository: &str, tag: &str) -> Vec<EolMatch<'a>> {
    let short = repository.rsplit('/').next().unwrap_or(repository);
    let tag = tag.to_ascii_lowercase();
    let tokens: Vec<&str> = tag.split(['-', '_']).filter(|t| !t.is_empty()).collect();
    let mut out: Vec<EolMatch<'a>> = Vec::new();
    let mut push = |m: EolMatch<'a>| {
        if !out.iter().any(|o| std::ptr::eq(o.release, m.release)) {
            out.push(m);
        }
    };

    for p in &table.products {
        // Release named in the repository path (`ubi8/ubi-minimal`).
        for comp in repository.split('/') {
            for prefix in &p.repository_prefixes {
                if let Some(cycle) = comp.strip_prefix(prefix.as_str()) {
                    if let Some(r) = p.releases.iter().find(|r| r.cycle == cycle) {
                        push(EolMatch {
                            product: p,
                            release: r,
                        });
                    }
                }
            }
        }
        if !p.images.iter().any(|i| i == short) {
            continue;
        }
        // The version at the start of the tag (`3.7.16-slim` → 3.7.16) or a codename token.
        let version: String = tag
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let version = version.trim_end_matches('.');
        for r in &p.releases {
            let by_version = !version.is_empty() && version_in_cycle(version, &r.cycle);
            let by_name = tokens.iter().any(|t| {
                r.codenames.iter().any(|c| c == t)
                    || *t == r.cycle && !r.cycle.contains('.') && version.is_empty()
            });
            if by_version || by_name {
                push(EolMatch {
                    product: p,
                    release: r,
                });
            }
        }
    }

    // A distribution named in any image's tag: `python:3.9-buster`, `node:14-alpine3.12`.
    for p in &table.products {
        if !matches!(p.product.as_str(), "debian" | "ubuntu" | "alpine") {
            continue;
        }
        for t in &tokens {
            for r in &p.releases {
                let hit = r.codenames.iter().any(|c| c == t)
                    || (p.product == "alpine"
                        && t.strip_prefix("alpine")
                            .is_some_and(|v| version_in_cycle(v, &r.cycle)));
                if hit {
                    push(EolMatch {
                        product: p,
                        release: r,
                    });
                }
            }
        }
    }
    out
}

/// `3.12.1` is in cycle `3.12`; `3.1` is not in `3.12`; `8` is in `8`, `8.11` in `8`.
fn version_in_cycle(version: &str, cycle: &str) -> bool {
    let v: Vec<&str> = version.split('.').collect();
    let c: Vec<&str> = cycle.split('.').collect();
    v.len() >= c.len() && v.iter().zip(&c).all(|(a, b)| a == b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cycles(repo: &str, tag: &str) -> Vec<String> {
        lookup(table(), repo, tag)
            .iter()
            .map(|m| format!("{} {}", m.product.product, m.release.cycle))
            .collect()
    }

    #[test]
    fn bundled_table_is_valid_and_sourced() {
        let t = table();
        assert!(t.products.len() >= 15);
        for p in &t.products {
            assert!(
                p.source.starts_with("https://"),
                "{} has no source",
                p.product
            );
            assert!(!p.releases.is_empty());
        }
        assert!(t.as_of >= Date::parse("2026-01-01").unwrap());
    }

    #[test]
    fn lookups() {
        assert_eq!(
            cycles("library/python", "3.7-slim-buster"),
            ["python 3.7", "debian 10"]
        );
        assert_eq!(
            cycles("library/python", "3.12.1-alpine3.12"),
            ["python 3.12", "alpine 3.12"]
        );
        assert_eq!(cycles("library/debian", "jessie-slim"), ["debian 8"]);
        assert_eq!(cycles("library/debian", "8.11"), ["debian 8"]);
        assert_eq!(cycles("library/alpine", "3.1"), Vec::<String>::new());
        assert_eq!(cycles("library/node", "14-alpine"), ["node 14"]);
        assert_eq!(cycles("library/node", "lts-fermium"), ["node 14"]);
        assert_eq!(cycles("ubi8/ubi", "8.4"), Vec::<String>::new());
        assert_eq!(cycles("ubi7/ubi-minimal", "latest"), ["rhel-ubi 7"]);
        assert_eq!(cycles("library/centos", "centos7"), ["centos 7"]);
        assert_eq!(cycles("library/centos", "7"), ["centos 7"]);
        assert_eq!(
            cycles("library/ubuntu", "xenial-20210416"),
            ["ubuntu 16.04"]
        );
        assert_eq!(cycles("library/ubuntu", "16.04"), ["ubuntu 16.04"]);
        assert_eq!(cycles("library/golang", "1.19-alpine"), ["golang 1.19"]);
        assert_eq!(cycles("library/redis", "6"), Vec::<String>::new());
    }

    #[test]
    fn dates() {
        assert_eq!(Date::from_days_since_epoch(0).to_string(), "1970-01-01");
        assert_eq!(
            Date::from_days_since_epoch(19_723).to_string(),
            "2024-01-01"
        );
        assert_eq!(
            Date::from_days_since_epoch(20_784).to_string(),
            "2026-11-27"
        );
        assert_eq!(
            Date::from_days_since_epoch(11_016).to_string(),
            "2000-02-29"
        );
        assert_eq!(Date::from_days_since_epoch(-1).to_string(), "1969-12-31");
        assert!(Date::parse("2024-02-30").is_err());
        assert!(Date::parse("2024-2-3").is_err());
        assert_eq!(Date::parse("2024-02-29").unwrap().to_string(), "2024-02-29");
        assert!(Date::today().year >= 2024);
    }
}
