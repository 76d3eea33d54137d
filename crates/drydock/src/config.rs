//! `drydock.toml` / `.drydock.toml`: found upward from the first target unless `--config`
//! names one. Command-line flags override the file.

use anyhow::{Context, Result};
use drydock_core::Severity;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const CONFIG_NAMES: [&str; 2] = ["drydock.toml", ".drydock.toml"];
/// Read when no drydock configuration exists (migration from Hadolint).
pub const HADOLINT_NAMES: [&str; 2] = [".hadolint.yaml", ".hadolint.yml"];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Rules to enable (ids, prefixes, names, categories, ALL).
    #[serde(default)]
    pub select: Vec<String>,
    /// Rules to disable.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Per-rule severity overrides: `DF010 = "low"`.
    #[serde(default, alias = "severity")]
    pub severities: BTreeMap<String, Severity>,
    #[serde(default, alias = "fail_on")]
    pub fail_on: Option<String>,
    /// Registries / prefixes base images may come from; empty = no registry check.
    #[serde(default, alias = "trusted_registries")]
    pub trusted_registries: Vec<String>,
    #[serde(default)]
    pub secrets: SecretsConfig,
    #[serde(default)]
    pub vulnerabilities: VulnConfig,
    /// Registry request deadline in seconds (`--timeout` overrides it).
    #[serde(default)]
    pub timeout: Option<u64>,
    /// Globs of files, directories and image paths not to scan or report (`--skip`).
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Ignore file, relative to the config file (`--ignorefile`).
    #[serde(default, alias = "ignorefile", alias = "ignore_file")]
    pub ignore_file: Option<PathBuf>,
    /// Report only these severities (`--severity`), any case.
    #[serde(default, alias = "report_severity")]
    pub report_severity: Vec<String>,
    /// Exit status when findings remain (`--exit-code`).
    #[serde(default, alias = "exit_code")]
    pub exit_code: Option<u8>,
    /// Drop vulnerabilities without a fixed version (`--ignore-unfixed`).
    #[serde(default, alias = "ignore_unfixed")]
    pub ignore_unfixed: bool,
    #[serde(default)]
    pub image: ImageConfig,
    #[serde(default)]
    pub cache: CacheConfig,
    /// Where the file was read from (for messages and relative paths).
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SecretsConfig {
    /// Secret rule ids to disable.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Extra rules file (YAML, the built-in schema), relative to the config file.
    #[serde(default, alias = "rules_file")]
    pub rules_file: Option<PathBuf>,
    /// Inline rules (`[[secrets.rules]]` tables): the schema of the YAML rule files, checked
    /// like them (examples must match, negative examples must not).
    #[serde(default)]
    pub rules: Vec<drydock_scan::RuleDef>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct VulnConfig {
    /// Database file.
    #[serde(default)]
    pub db: Option<PathBuf>,
    /// Warn when the database is older than this many days.
    #[serde(default, alias = "max_age_days")]
    pub max_age_days: Option<u64>,
    /// Base URL for `db update`.
    #[serde(default, alias = "base_url")]
    pub base_url: Option<String>,
}

/// `[cache]`: the layer cache (flags override).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CacheConfig {
    /// `false`: no layer cache (`--no-cache`).
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Embedded cache directory, relative to the config file (`--cache-dir`).
    #[serde(default)]
    pub dir: Option<PathBuf>,
    /// `redis://…`, `rediss://…` or `dir://PATH` (`--cache`).
    #[serde(default)]
    pub url: Option<String>,
    /// Expiry after last use: `"30d"` (`--cache-ttl`).
    #[serde(default)]
    pub ttl: Option<String>,
    /// Size bound of the embedded cache: bytes or `"2GiB"` (`--cache-max-size`).
    #[serde(default, alias = "max_size")]
    pub max_size: Option<toml::Value>,
}

/// `[image]`: efficiency gates with dive's `.dive-ci` meanings.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ImageConfig {
    /// dive `lowestEfficiency`: 0–1.
    #[serde(default, alias = "min_efficiency", alias = "lowestEfficiency")]
    pub min_efficiency: Option<f64>,
    /// dive `highestWastedBytes`: a number of bytes or `"20MB"`, `"1GiB"`.
    #[serde(default, alias = "max_wasted_bytes", alias = "highestWastedBytes")]
    pub max_wasted_bytes: Option<toml::Value>,
    /// dive `highestUserWastedPercent`: 0–1 (or `"10%"`).
    #[serde(
        default,
        alias = "max_wasted_percent",
        alias = "highestUserWastedPercent"
    )]
    pub max_wasted_percent: Option<toml::Value>,
    /// Severity of a gate breach (default high, so the default --fail-on fails the run).
    #[serde(default, alias = "gate_severity")]
    pub gate_severity: Option<Severity>,
}

impl Config {
    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read configuration", path.display()))?;
        let mut cfg: Config = toml::from_str(&text).map_err(|e| {
            let msg = e.message().to_string();
            let line = e
                .span()
                .map(|s| text[..s.start].matches('\n').count() + 1)
                .unwrap_or(0);
            anyhow::anyhow!("{}:{line}: invalid configuration: {msg}", path.display())
        })?;
        cfg.path = Some(path.to_path_buf());
        Ok(cfg)
    }

    /// `explicit` wins; else the nearest config file upward from `start`; else defaults.
    pub fn discover(explicit: Option<&Path>, start: Option<&Path>) -> Result<Config> {
        if let Some(p) = explicit {
            return Config::load(p);
        }
        let Some(start) = start else {
            return Ok(Config::default());
        };
        let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
        let mut dir = if start.is_dir() {
            Some(start.as_path())
        } else {
            start.parent()
        };
        let mut hadolint = None;
        while let Some(d) = dir {
            for name in CONFIG_NAMES {
                let p = d.join(name);
                if p.is_file() {
                    return Config::load(&p);
                }
            }
            if hadolint.is_none() {
                hadolint = HADOLINT_NAMES
                    .iter()
                    .map(|n| d.join(n))
                    .find(|p| p.is_file());
            }
            dir = d.parent();
        }
        match hadolint {
            Some(p) => Config::from_hadolint(&p),
            None => Ok(Config::default()),
        }
    }

    /// A Hadolint configuration's `ignored`, `trustedRegistries`, `override` and
    /// `failure-threshold` as drydock settings; foreign ids are resolved by the policy step.
    pub fn from_hadolint(path: &Path) -> Result<Config> {
        use drydock_core::aliases::HadolintConfig;
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read Hadolint configuration", path.display()))?;
        let h = HadolintConfig::parse(&text).map_err(|e| {
            anyhow::anyhow!("{}: invalid Hadolint configuration: {e}", path.display())
        })?;
        diag!(
            "drydock: no drydock.toml found; using the Hadolint settings of {} (ignored, trustedRegistries, override, failure-threshold)",
            path.display()
        );
        let fail_on = h.failure_threshold.as_deref().map(|t| {
            HadolintConfig::severity(t)
                .map(|s| s.to_string())
                .unwrap_or_else(|| "none".to_string())
        });
        Ok(Config {
            ignore: h.ignored.clone(),
            severities: h.overrides().into_iter().collect(),
            fail_on,
            trusted_registries: h.trusted_registries.clone(),
            path: Some(path.to_path_buf()),
            ..Config::default()
        })
    }

    /// Resolve a path written in the config relative to the config file.
    pub fn resolve(&self, p: &Path) -> PathBuf {
        match (&self.path, p.is_absolute()) {
            (Some(cfg), false) => cfg.parent().unwrap_or(Path::new(".")).join(p),
            _ => p.to_path_buf(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_full_config() {
        let cfg: Config = toml::from_str(
            r#"
            select = ["DF", "SE"]
            ignore = ["DF010"]
            fail-on = "medium"
            trusted-registries = ["docker.io/library", "ghcr.io/acme"]
            timeout = 90
            [severities]
            DF003 = "low"
            [secrets]
            disable = ["generic-password"]
            [vulnerabilities]
            max-age-days = 3
            "#,
        )
        .unwrap();
        assert_eq!(cfg.severities["DF003"], Severity::Low);
        assert_eq!(cfg.trusted_registries.len(), 2);
        assert_eq!(cfg.vulnerabilities.max_age_days, Some(3));
        assert_eq!(cfg.timeout, Some(90));
    }

    #[test]
    fn parses_inline_secret_rules() {
        let cfg: Config = toml::from_str(
            r#"
            [[secrets.rules]]
            id = "acme-token"
            name = "Acme token"
            category = "internal"
            severity = "high"
            confidence = "high"
            keywords = ["acme_"]
            pattern = 'acme_(?P<secret>[a-z0-9]{20})'
            examples = ["acme_0123456789abcdefghij"]
            negative-examples = ["acme_short", { text = "acme_0123456789abcdefghij", path = "x" }]
            "#,
        )
        .unwrap();
        let r = &cfg.secrets.rules[0];
        assert_eq!(r.id, "acme-token");
        assert_eq!(r.negative_examples.len(), 2);
        assert_eq!(r.negative_examples[1].path(), Some("x"));
    }

    #[test]
    fn unknown_keys_are_errors_with_line() {
        let dir = std::env::temp_dir().join(format!("drydock-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("drydock.toml");
        std::fs::write(&p, "select = []\nbogus = 1\n").unwrap();
        let e = Config::load(&p).unwrap_err().to_string();
        assert!(e.contains("drydock.toml:2"), "{e}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
