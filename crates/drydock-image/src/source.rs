//! The source interface shared by every transport: what an opened image looks like
//! ([`ResolvedImage`]), how its blobs are read ([`BlobStore`]), the error type, and the
//! transport dispatch in [`open`].
//!
//! Transports (named as skopeo/podman name them):
//! `docker-archive:FILE[:REF|:@N]`, `oci:DIR[:TAG]`, `oci-archive:FILE[:TAG]`, a plain path
//! (auto-detected: a directory with `index.json`, a tar holding `manifest.json` or
//! `index.json`, also gzip/zstd-compressed), `docker-daemon:NAME`, `podman:NAME` and registry
//! references (`docker://` optional).

use crate::manifest::ImageConfig;
use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
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

/// What a source string names, before anything is opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceSpec {
    DockerArchive {
        path: PathBuf,
        select: Option<String>,
    },
    OciLayout {
        path: PathBuf,
        tag: Option<String>,
    },
    OciArchive {
        path: PathBuf,
        tag: Option<String>,
    },
    /// `skopeo copy … dir:DIR` output.
    Dir {
        path: PathBuf,
    },
    DockerDaemon {
        name: String,
    },
    Podman {
        name: String,
    },
    Registry {
        reference: String,
    },
}

/// Split `PATH[:SUFFIX]`: the whole string if it exists as a path, else at the last `:`.
fn split_path_suffix(rest: &str) -> (PathBuf, Option<String>) {
    if Path::new(rest).exists() {
        return (PathBuf::from(rest), None);
    }
    // `FILE:lab/app:1.0`: the reference may itself hold `:` and `/`; the shortest existing
    // prefix is the file.
    for (i, _) in rest.match_indices(':') {
        if i > 0 && Path::new(&rest[..i]).exists() {
            let suffix = &rest[i + 1..];
            return (
                PathBuf::from(&rest[..i]),
                Some(suffix.to_string()).filter(|s| !s.is_empty()),
            );
        }
    }
    match rest.rfind(':') {
        Some(i) if i > 0 && !rest[i + 1..].contains('/') => (
            PathBuf::from(&rest[..i]),
            Some(rest[i + 1..].to_string()).filter(|s| !s.is_empty()),
        ),
        _ => (PathBuf::from(rest), None),
    }
}

impl SourceSpec {
    /// Classify a source string. Plain paths are sniffed (directory with `index.json` →
    /// OCI layout; a file → docker-archive or OCI archive by its members).
    pub fn parse(source: &str) -> Result<SourceSpec, ImageError> {
        let (prefix, rest) = match source.split_once(':') {
            Some((p, r)) => (p, r),
            None => ("", source),
        };
        match prefix {
            "docker-archive" => {
                let (path, select) = split_path_suffix(rest);
                return Ok(SourceSpec::DockerArchive { path, select });
            }
            "oci" => {
                let (path, tag) = split_path_suffix(rest);
                return Ok(SourceSpec::OciLayout { path, tag });
            }
            "oci-archive" => {
                let (path, tag) = split_path_suffix(rest);
                return Ok(SourceSpec::OciArchive { path, tag });
            }
            "dir" => return Ok(SourceSpec::Dir { path: rest.into() }),
            "docker-daemon" => {
                return Ok(SourceSpec::DockerDaemon {
                    name: rest.to_string(),
                })
            }
            "podman" | "containers-storage" => {
                return Ok(SourceSpec::Podman {
                    name: rest.to_string(),
                })
            }
            "docker" => {
                return Ok(SourceSpec::Registry {
                    reference: rest.trim_start_matches("//").to_string(),
                })
            }
            _ => {}
        }
        let p = Path::new(source);
        if p.is_dir() {
            if crate::dirtransport::is_dir_image(p) {
                return Ok(SourceSpec::Dir {
                    path: p.to_path_buf(),
                });
            }
            if p.join("index.json").is_file() {
                return Ok(SourceSpec::OciLayout {
                    path: p.to_path_buf(),
                    tag: None,
                });
            }
            return Err(ImageError::Unsupported {
                input: source.into(),
                message: "directory is not an OCI image layout (no index.json)".into(),
            });
        }
        if p.is_file() {
            return match crate::archive::sniff_archive(p)? {
                crate::archive::ArchiveKind::Docker => Ok(SourceSpec::DockerArchive {
                    path: p.to_path_buf(),
                    select: None,
                }),
                crate::archive::ArchiveKind::Oci => Ok(SourceSpec::OciArchive {
                    path: p.to_path_buf(),
                    tag: None,
                }),
            };
        }
        if looks_like_path(source) {
            return Err(ImageError::NotFound {
                input: source.into(),
                what: "file or directory".into(),
            });
        }
        Ok(SourceSpec::Registry {
            reference: source.to_string(),
        })
    }
}

fn looks_like_path(s: &str) -> bool {
    s.starts_with('/')
        || s.starts_with("./")
        || s.starts_with("../")
        || s.ends_with(".tar")
        || s.ends_with(".tar.gz")
        || s.ends_with(".tgz")
}

/// Open a source: one [`ResolvedImage`] per selected platform (several with
/// `--platform all`, or for `docker-archive:FILE` holding several images without a selector:
/// then every image is returned).
pub fn open(source: &str, opts: &OpenOptions) -> Result<Vec<ResolvedImage>, ImageError> {
    match SourceSpec::parse(source)? {
        SourceSpec::DockerArchive { path, select } => {
            crate::archive::open_docker_archive(&path, select.as_deref(), opts)
        }
        SourceSpec::OciLayout { path, tag } => crate::oci::open_layout(&path, tag.as_deref(), opts),
        SourceSpec::OciArchive { path, tag } => {
            crate::oci::open_archive(&path, tag.as_deref(), opts)
        }
        SourceSpec::Dir { path } => crate::dirtransport::open_dir(&path, opts),
        SourceSpec::DockerDaemon { name } => open_daemon("docker-daemon", &name, opts),
        SourceSpec::Podman { name } => open_daemon("podman", &name, opts),
        SourceSpec::Registry { reference } => open_registry(&reference, opts),
    }
}

/// Registry references: the registry transport (`crate::registry`).
fn open_registry(reference: &str, opts: &OpenOptions) -> Result<Vec<ResolvedImage>, ImageError> {
    crate::registry::open_source(reference, opts)
}

/// `docker-daemon:` / `podman:`: the Engine API transport (`crate::daemon`).
fn open_daemon(
    transport: &str,
    name: &str,
    opts: &OpenOptions,
) -> Result<Vec<ResolvedImage>, ImageError> {
    crate::daemon::open(transport, name, opts)
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

    #[test]
    fn source_spec_prefixes() {
        assert_eq!(
            SourceSpec::parse("oci:/nonexistent/layout:1.0").unwrap(),
            SourceSpec::OciLayout {
                path: "/nonexistent/layout".into(),
                tag: Some("1.0".into())
            }
        );
        assert_eq!(
            SourceSpec::parse("docker-archive:/x/app.tar:@1").unwrap(),
            SourceSpec::DockerArchive {
                path: "/x/app.tar".into(),
                select: Some("@1".into())
            }
        );
        assert_eq!(
            SourceSpec::parse("docker://python:3.12").unwrap(),
            SourceSpec::Registry {
                reference: "python:3.12".into()
            }
        );
        assert_eq!(
            SourceSpec::parse("localhost:5000/app@sha256:abc").unwrap(),
            SourceSpec::Registry {
                reference: "localhost:5000/app@sha256:abc".into()
            }
        );
        assert_eq!(
            SourceSpec::parse("podman:app:1.0").unwrap(),
            SourceSpec::Podman {
                name: "app:1.0".into()
            }
        );
        assert!(matches!(
            SourceSpec::parse("./missing.tar"),
            Err(ImageError::NotFound { .. })
        ));
    }
}
