//! What every transport yields: an opened image ([`ResolvedImage`]) with its config
//! ([`ImageConfig`]), how its blobs are read ([`BlobStore`]), platforms, limits, options and
//! the error type. Transports and the dispatcher (`source`) import these; this module
//! imports no transport.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

/// An OCI platform (`linux/arm64/v8`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Platform {
    pub os: String,
    pub architecture: String,
    pub variant: Option<String>,
}

impl Platform {
    /// Parse `os/arch[/variant]`.
    pub fn parse(s: &str) -> Result<Platform, ImageError> {
        let parts: Vec<&str> = s.trim().split('/').collect();
        let bad = || ImageError::Platform {
            input: s.to_string(),
            message: "expected os/arch[/variant], e.g. linux/amd64 or linux/arm64/v8".into(),
        };
        if parts.len() < 2 || parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
            return Err(bad());
        }
        Ok(Platform {
            os: parts[0].to_ascii_lowercase(),
            architecture: normalize_arch(parts[1]),
            variant: parts.get(2).map(|v| v.to_ascii_lowercase()),
        })
    }

    /// The platform this binary runs on, in OCI spelling.
    pub fn host() -> Platform {
        let architecture = match std::env::consts::ARCH {
            "x86_64" => "amd64",
            "aarch64" => "arm64",
            "x86" => "386",
            "powerpc64" => "ppc64le",
            "s390x" => "s390x",
            "riscv64" => "riscv64",
            "arm" => "arm",
            other => other,
        };
        Platform {
            os: "linux".into(),
            architecture: architecture.into(),
            variant: None,
        }
    }

    /// Does `self` (a requested platform) accept `other` (a platform of an index entry)?
    /// A request without variant accepts any variant; `arm64` and `arm64/v8` are the same.
    pub fn matches(&self, other: &Platform) -> bool {
        if self.os != other.os || self.architecture != normalize_arch(&other.architecture) {
            return false;
        }
        match (&self.variant, &other.variant) {
            (None, _) => true,
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            (Some(v), None) => self.architecture == "arm64" && v == "v8",
        }
    }
}

fn normalize_arch(a: &str) -> String {
    match a.to_ascii_lowercase().as_str() {
        "x86_64" | "x86-64" => "amd64".into(),
        "aarch64" => "arm64".into(),
        other => other.to_string(),
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for Platform {
    type Err = ImageError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Platform::parse(s)
    }
}

/// `--platform`: the host's (default), one given platform, or every platform of an index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum PlatformChoice {
    #[default]
    Host,
    Specific(Platform),
    All,
}

impl PlatformChoice {
    /// Parse the `--platform` value: `all` or `os/arch[/variant]`.
    pub fn parse(s: &str) -> Result<PlatformChoice, ImageError> {
        if s.eq_ignore_ascii_case("all") {
            Ok(PlatformChoice::All)
        } else {
            Ok(PlatformChoice::Specific(Platform::parse(s)?))
        }
    }
}

/// An OCI content descriptor (manifest entry, layer, config, index entry).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Descriptor {
    pub media_type: String,
    /// `sha256:<hex>`. For layers of a docker-archive this is the diff_id (the archive
    /// stores uncompressed layers; see [`crate::blob`] for how verification treats it).
    pub digest: String,
    pub size: u64,
    pub platform: Option<Platform>,
    pub annotations: BTreeMap<String, String>,
}

/// Random access to an image's blobs. Implemented by every transport.
pub trait BlobStore: Send + Sync {
    /// Human name of the store, used in messages: `oci:./layout`, `127.0.0.1:5000/lab/app`.
    fn describe(&self) -> String;
    /// The raw (possibly compressed) bytes of a blob. The caller verifies the digest.
    fn open_blob(&self, desc: &Descriptor) -> Result<Box<dyn Read + Send>, ImageError>;
}

/// One image (one platform) ready to be scanned.
#[derive(Clone)]
pub struct ResolvedImage {
    /// The name findings carry (`docker-archive:app.tar`, `lab/app:1.0`).
    pub name: String,
    /// Set when the image came from an index / manifest list (or the config says so).
    pub platform: Option<Platform>,
    pub manifest_digest: Option<String>,
    pub config_raw: Vec<u8>,
    pub config: ImageConfig,
    /// In `rootfs.diff_ids` order.
    pub layers: Vec<Descriptor>,
    /// The manifest's annotations (empty for docker-archive, which has no manifest blob).
    pub annotations: std::collections::BTreeMap<String, String>,
    pub store: Arc<dyn BlobStore>,
    /// Platforms of the index this image was picked from that were not selected (the
    /// report says they were not scanned; `--platform all` scans them).
    pub skipped_platforms: Vec<String>,
}

impl fmt::Debug for ResolvedImage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResolvedImage")
            .field("name", &self.name)
            .field("platform", &self.platform)
            .field("manifest_digest", &self.manifest_digest)
            .field("layers", &self.layers)
            .field("store", &self.store.describe())
            .finish()
    }
}

/// Every error names the input or blob it is about; `Display` is one line.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    /// The cause is part of the message and deliberately not a `source()`: callers print
    /// error chains, and it would be printed twice.
    #[error("{input}: {error}")]
    Io {
        input: String,
        error: std::io::Error,
    },
    /// A document (manifest, index, config, tar header) that cannot be understood.
    #[error("{input}: {message}")]
    Format { input: String, message: String },
    #[error("{input}: {what} not found")]
    NotFound { input: String, what: String },
    #[error("{input}: {message}")]
    Unsupported { input: String, message: String },
    #[error("blob {blob}: digest mismatch: expected {expected}, got {actual}")]
    DigestMismatch {
        blob: String,
        expected: String,
        actual: String,
    },
    #[error("blob {blob}: size mismatch: expected {expected} bytes, got {actual}")]
    SizeMismatch {
        blob: String,
        expected: u64,
        actual: u64,
    },
    /// A configured safety limit (decompression bomb, header size) was exceeded.
    #[error("{blob}: {message}")]
    Limit { blob: String, message: String },
    #[error("{blob}: truncated: {message}")]
    Truncated { blob: String, message: String },
    #[error("{input}: {message}")]
    Platform { input: String, message: String },
    /// Network / socket / protocol failure of the registry and daemon transports.
    #[error("{input}: {message}")]
    Transport { input: String, message: String },
    #[error("{input}: authentication failed: {message}")]
    Auth { input: String, message: String },
}

impl ImageError {
    pub fn io(input: impl Into<String>, source: std::io::Error) -> Self {
        ImageError::Io {
            input: input.into(),
            error: source,
        }
    }
    pub fn format(input: impl Into<String>, message: impl Into<String>) -> Self {
        ImageError::Format {
            input: input.into(),
            message: message.into(),
        }
    }
}

/// Safety limits for reading blobs (decompression bombs, oversized metadata).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Max uncompressed bytes of one layer.
    pub max_layer_bytes: u64,
    /// Max uncompressed bytes of all layers of one image.
    pub max_total_bytes: u64,
    /// Max ratio uncompressed/compressed, enforced once more than `ratio_grace` bytes came out.
    pub max_ratio: u64,
    pub ratio_grace: u64,
    /// Max size of a JSON document (manifest, index, config).
    pub max_document_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_layer_bytes: 64 << 30,
            max_total_bytes: 256 << 30,
            max_ratio: 1000,
            ratio_grace: 64 << 20,
            max_document_bytes: 32 << 20,
        }
    }
}

/// Settings for the registry and daemon transports. Read by `crate::registry` and
/// `crate::daemon`; file-based transports ignore them.
#[derive(Clone, Debug, Default)]
pub struct TransportOptions {
    /// `--tls-verify=false` / `--insecure`: accept any certificate and allow plain HTTP.
    pub insecure: bool,
    /// `--ca-cert`: extra CA certificate(s) (PEM) for private registries.
    pub ca_cert: Option<PathBuf>,
    pub username: Option<String>,
    pub password: Option<String>,
    /// `--authfile` / `REGISTRY_AUTH_FILE`.
    pub auth_file: Option<PathBuf>,
    /// Docker/podman API endpoint (`unix:///run/podman/podman.sock`); default: `DOCKER_HOST`.
    pub docker_host: Option<String>,
    /// `--timeout`: deadline of one registry request with its retries (default 60 s).
    pub timeout: Option<std::time::Duration>,
}

#[derive(Clone, Debug, Default)]
pub struct OpenOptions {
    pub platform: PlatformChoice,
    pub limits: Limits,
    pub transport: TransportOptions,
}

/// The image config (`application/vnd.oci.image.config.v1+json` and Docker's equivalent).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct ImageConfig {
    #[serde(default)]
    pub architecture: Option<String>,
    #[serde(default)]
    pub os: Option<String>,
    #[serde(default)]
    pub variant: Option<String>,
    #[serde(default)]
    pub created: Option<String>,
    #[serde(default, deserialize_with = "null_default")]
    pub config: ContainerConfig,
    #[serde(default, deserialize_with = "null_default")]
    pub rootfs: RootFs,
    #[serde(default, deserialize_with = "null_default")]
    pub history: Vec<History>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct ContainerConfig {
    #[serde(rename = "User", default, deserialize_with = "null_default")]
    pub user: String,
    #[serde(rename = "Env", default, deserialize_with = "null_default")]
    pub env: Vec<String>,
    #[serde(rename = "Labels", default, deserialize_with = "null_default")]
    pub labels: BTreeMap<String, String>,
    #[serde(rename = "ExposedPorts", default, deserialize_with = "null_default")]
    pub exposed_ports: BTreeMap<String, serde_json::Value>,
    #[serde(rename = "Healthcheck", default)]
    pub healthcheck: Option<Healthcheck>,
    #[serde(rename = "Entrypoint", default, deserialize_with = "null_default")]
    pub entrypoint: Vec<String>,
    #[serde(rename = "Cmd", default, deserialize_with = "null_default")]
    pub cmd: Vec<String>,
    #[serde(rename = "WorkingDir", default, deserialize_with = "null_default")]
    pub working_dir: String,
}

impl ContainerConfig {
    /// `Env` as (key, value) pairs; an entry without `=` has an empty value.
    pub fn env_pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.env
            .iter()
            .map(|e| e.split_once('=').unwrap_or((e.as_str(), "")))
    }
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct Healthcheck {
    #[serde(rename = "Test", default, deserialize_with = "null_default")]
    pub test: Vec<String>,
}

impl Healthcheck {
    /// `HEALTHCHECK NONE` is stored as `Test: ["NONE"]`.
    pub fn is_disabled(&self) -> bool {
        self.test.is_empty() || self.test.first().map(|s| s.as_str()) == Some("NONE")
    }
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct RootFs {
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default, deserialize_with = "null_default")]
    pub diff_ids: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct History {
    #[serde(default)]
    pub created: Option<String>,
    #[serde(default)]
    pub created_by: Option<String>,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub comment: Option<String>,
    #[serde(default)]
    pub empty_layer: bool,
}

impl ImageConfig {
    pub fn parse(raw: &[u8], input: &str) -> Result<ImageConfig, ImageError> {
        serde_json::from_slice(raw)
            .map_err(|e| ImageError::format(input, format!("invalid image config: {e}")))
    }

    /// The platform the config declares, if it names os and architecture.
    pub fn platform(&self) -> Option<Platform> {
        Some(Platform {
            os: self.os.clone().filter(|s| !s.is_empty())?,
            architecture: self.architecture.clone().filter(|s| !s.is_empty())?,
            variant: self.variant.clone().filter(|s| !s.is_empty()),
        })
    }

    /// For each layer (in `rootfs.diff_ids` order) the index of its `history` entry,
    /// skipping `empty_layer` entries. `None` when the history is shorter than the layers.
    pub fn layer_history(&self) -> Vec<Option<usize>> {
        let mut out = Vec::with_capacity(self.rootfs.diff_ids.len());
        let mut it = self
            .history
            .iter()
            .enumerate()
            .filter(|(_, h)| !h.empty_layer)
            .map(|(i, _)| i);
        for _ in &self.rootfs.diff_ids {
            out.push(it.next());
        }
        out
    }
}

pub(crate) fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_parse_display_match() {
        let p = Platform::parse("linux/arm64/v8").unwrap();
        assert_eq!(p.to_string(), "linux/arm64/v8");
        assert!(Platform::parse("linux/arm64").unwrap().matches(&p));
        assert!(p.matches(&Platform::parse("linux/arm64").unwrap()));
        assert!(!Platform::parse("linux/amd64").unwrap().matches(&p));
        assert!(Platform::parse("linux").is_err());
        assert!(Platform::parse("linux//v7").is_err());
        assert_eq!(
            Platform::parse("linux/x86_64").unwrap().architecture,
            "amd64"
        );
        assert_eq!(PlatformChoice::parse("ALL").unwrap(), PlatformChoice::All);
    }
}
