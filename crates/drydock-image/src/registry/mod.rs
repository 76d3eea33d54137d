//! Registry transport: the OCI distribution API (`/v2/`), read-only.
//!
//! `open` resolves a reference (`python:3.12`, `localhost:5000/app@sha256:…`) to one image
//! per selected platform. Manifests are fetched with an `Accept` for OCI and Docker v2s2
//! manifests and indexes, read in memory under a size limit and verified (by digest when
//! pinned, else against `Docker-Content-Digest`). Blobs are streamed; their digests are
//! verified by the reader (see `crate::blob`). Authentication, redirects and retries live in
//! [`client`].

pub mod auth;
pub mod catalog;
pub mod client;
pub mod retry;

use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use drydock_core::imageref::ImageRef;

use crate::blob::Hasher;
use crate::manifest::{resolve, ResolveRequest, ACCEPT_MANIFESTS};
use crate::model::{
    BlobStore, Descriptor, ImageError, Limits, OpenOptions, PlatformChoice, ResolvedImage,
};
use client::{header, read_limited, status_error, Client};
pub use retry::RetryPolicy;

/// Manifests and indexes are read in memory; containerd refuses more than 4 MiB too.
pub const MAX_MANIFEST_BYTES: u64 = 4 << 20;

/// Everything the CLI can say about registry access.
#[derive(Clone, Debug)]
pub struct RegistryOptions {
    /// `--tls-verify=false` / `--insecure`: accept any certificate, and fall back to plain
    /// HTTP when the server does not speak TLS.
    pub insecure: bool,
    /// Talk plain HTTP from the start (`--plain-http`).
    pub plain_http: bool,
    /// `--ca-cert FILE`: PEM CA certificates trusted in addition to Mozilla's roots.
    pub ca_certs: Vec<PathBuf>,
    /// `--username` / `--password-stdin`.
    pub username: Option<String>,
    pub password: Option<String>,
    /// `--authfile`; default `REGISTRY_AUTH_FILE`, podman's and Docker's files.
    pub auth_file: Option<PathBuf>,
    /// Ignore credentials from the environment (tests; `--no-creds`).
    pub no_environment_credentials: bool,
    /// Where `docker-credential-*` helpers are; `None` = `PATH`.
    pub credential_helper_dir: Option<PathBuf>,
    pub retry: RetryPolicy,
    pub connect_timeout: Duration,
    /// Max wait for a response and for each read of a body (a stalled stream fails).
    pub read_timeout: Duration,
    /// `--timeout`: deadline of one request with its retries; blob bodies must keep up
    /// [`MIN_BLOB_RATE`] over every window of this length (or 30 s if shorter).
    pub timeout: Duration,
    pub limits: Limits,
}

/// Default `--timeout`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Slowest blob download accepted (bytes per second of waiting for the network, measured
/// over windows of `min(--timeout, 30 s)`): a registry that drips a byte a second fails.
pub const MIN_BLOB_RATE: u64 = 1024;

impl Default for RegistryOptions {
    fn default() -> Self {
        RegistryOptions {
            insecure: false,
            plain_http: false,
            ca_certs: Vec::new(),
            username: None,
            password: None,
            auth_file: None,
            no_environment_credentials: false,
            credential_helper_dir: None,
            retry: RetryPolicy::default(),
            connect_timeout: Duration::from_secs(15),
            // A stalled blob is resumed once, then fails: two of these bound a stall.
            read_timeout: Duration::from_secs(30),
            timeout: DEFAULT_TIMEOUT,
            limits: Limits::default(),
        }
    }
}

impl RegistryOptions {
    /// The registry part of the generic source options.
    pub fn from_open_options(o: &OpenOptions) -> RegistryOptions {
        let t = &o.transport;
        RegistryOptions {
            insecure: t.insecure,
            ca_certs: t.ca_cert.iter().cloned().collect(),
            username: t.username.clone(),
            password: t.password.clone(),
            auth_file: t.auth_file.clone(),
            limits: o.limits.clone(),
            timeout: t.timeout.unwrap_or(DEFAULT_TIMEOUT),
            ..RegistryOptions::default()
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("invalid image reference: {0}")]
    BadReference(String),
    #[error("{url}: {detail}")]
    Transport { url: String, detail: String },
    #[error("{registry}/{repository}: {detail}")]
    Unauthorized {
        registry: String,
        repository: String,
        detail: String,
    },
    #[error("credentials: {0}")]
    Credentials(String),
    #[error("{what} not found{}", if detail.is_empty() { String::new() } else { format!(" ({detail})") })]
    NotFound { what: String, detail: String },
    #[error("{url}: HTTP {status}{}", if detail.is_empty() { String::new() } else { format!(": {detail}") })]
    Status {
        url: String,
        status: u16,
        detail: String,
    },
    #[error("{what}: {reason}")]
    Invalid { what: String, reason: String },
    #[error("--ca-cert {path}: {reason}")]
    CaCert { path: String, reason: String },
    #[error("{what}: digest mismatch: expected {expected}, got {actual}")]
    DigestMismatch {
        what: String,
        expected: String,
        actual: String,
    },
}

impl RegistryError {
    /// The crate-wide error, naming `input` (the reference or blob) where the variant does
    /// not already say what it is about.
    pub fn into_image_error(self, input: &str) -> ImageError {
        match self {
            RegistryError::Unauthorized { .. } | RegistryError::Credentials(_) => {
                ImageError::Auth {
                    input: input.to_string(),
                    message: self.to_string(),
                }
            }
            RegistryError::NotFound { what, detail } => ImageError::NotFound {
                input: input.to_string(),
                what: if detail.is_empty() {
                    what
                } else {
                    format!("{what} ({detail})")
                },
            },
            RegistryError::DigestMismatch {
                what,
                expected,
                actual,
            } => ImageError::DigestMismatch {
                blob: what,
                expected,
                actual,
            },
            RegistryError::BadReference(m) => ImageError::Format {
                input: input.to_string(),
                message: m,
            },
            RegistryError::Invalid { .. } => ImageError::Format {
                input: input.to_string(),
                message: self.to_string(),
            },
            // The URL is often the input itself: do not say it twice.
            RegistryError::Status {
                url,
                status,
                detail,
            } => ImageError::Transport {
                input: input.to_string(),
                message: format!(
                    "{}HTTP {status}{}",
                    if url == input {
                        String::new()
                    } else {
                        format!("{url}: ")
                    },
                    if detail.is_empty() {
                        String::new()
                    } else {
                        format!(": {detail}")
                    }
                ),
            },
            other => ImageError::Transport {
                input: input.to_string(),
                message: other.to_string(),
            },
        }
    }
}

/// Entry point for `crate::model::open` (registry references, `docker://` stripped).
pub fn open_source(reference: &str, opts: &OpenOptions) -> Result<Vec<ResolvedImage>, ImageError> {
    open(
        reference,
        &RegistryOptions::from_open_options(opts),
        &opts.platform,
    )
}

/// Resolve `reference` in its registry: one image per selected platform.
pub fn open(
    reference: &str,
    opts: &RegistryOptions,
    platform: &PlatformChoice,
) -> Result<Vec<ResolvedImage>, ImageError> {
    let r = ImageRef::parse(reference).map_err(|e| ImageError::Format {
        input: reference.to_string(),
        message: e.reason.clone(),
    })?;
    let client = Client::new(&r.registry, r.api_host(), &r.repository, opts)
        .map_err(|e| e.into_image_error(reference))?;
    client.ping().map_err(|e| e.into_image_error(reference))?;

    let name = r.original.trim_start_matches("docker://").to_string();
    let wanted = r.reference().to_string();
    let pinned = r.digest.clone();
    let (raw, content_type, digest) = fetch_manifest(&client, &wanted, pinned.as_deref(), 0)
        .map_err(|e| match e {
            // The registry's own words ("manifest unknown") add nothing here.
            RegistryError::NotFound { .. } => ImageError::NotFound {
                input: name.clone(),
                what: format!("manifest `{wanted}` in {}/{}", r.registry, r.repository),
            },
            other => other.into_image_error(&name),
        })?;

    let store: Arc<dyn BlobStore> = Arc::new(RegistryStore {
        client: client.clone(),
        name: format!("{}/{}", r.registry, r.repository),
    });
    let fetch = |d: &Descriptor| -> Result<(Vec<u8>, Option<String>), ImageError> {
        let (raw, ct, _) = fetch_manifest(&client, &d.digest, Some(&d.digest), d.size)
            .map_err(|e| e.into_image_error(&format!("{name} manifest {}", d.digest)))?;
        Ok((raw, ct))
    };
    let req = ResolveRequest {
        name: &name,
        choice: platform,
        limits: &opts.limits,
        store,
        fetch_manifest: &fetch,
    };
    resolve(&req, &raw, content_type.as_deref(), Some(digest))
}

/// The digest `reference` points to now, for pinning `FROM name:tag@sha256:…`: the digest
/// of what the registry serves for the tag (the index digest for a multi-platform image, so
/// one pin fits every platform). With `platform` (`os/arch[/variant]`) an index must list
/// that platform. Only manifests are fetched, never layers.
pub fn pin_digest(
    reference: &str,
    opts: &RegistryOptions,
    platform: Option<&str>,
) -> Result<String, ImageError> {
    let r = ImageRef::parse(reference).map_err(|e| ImageError::Format {
        input: reference.to_string(),
        message: e.reason.clone(),
    })?;
    let client = Client::new(&r.registry, r.api_host(), &r.repository, opts)
        .map_err(|e| e.into_image_error(reference))?;
    client.ping().map_err(|e| e.into_image_error(reference))?;
    let wanted = r.reference().to_string();
    let (raw, _, digest) =
        fetch_manifest(&client, &wanted, r.digest.as_deref(), 0).map_err(|e| match e {
            RegistryError::NotFound { .. } => ImageError::NotFound {
                input: reference.to_string(),
                what: format!("manifest `{wanted}` in {}/{}", r.registry, r.repository),
            },
            other => other.into_image_error(reference),
        })?;
    if let Some(want) = platform {
        let v: serde_json::Value =
            serde_json::from_slice(&raw).map_err(|e| ImageError::Format {
                input: reference.to_string(),
                message: format!("manifest is not JSON: {e}"),
            })?;
        if let Some(list) = v.get("manifests").and_then(|m| m.as_array()) {
            let listed: Vec<String> = list
                .iter()
                .filter_map(|m| {
                    let p = m.get("platform")?;
                    let mut s = format!(
                        "{}/{}",
                        p.get("os")?.as_str()?,
                        p.get("architecture")?.as_str()?
                    );
                    if let Some(var) = p.get("variant").and_then(|x| x.as_str()) {
                        s.push('/');
                        s.push_str(var);
                    }
                    Some(s)
                })
                .collect();
            let want = want.to_ascii_lowercase();
            let found = listed
                .iter()
                .any(|l| *l == want || l.starts_with(&format!("{want}/")));
            if !found {
                return Err(ImageError::NotFound {
                    input: reference.to_string(),
                    what: format!(
                        "platform {want} in the index (it has {})",
                        listed.join(", ")
                    ),
                });
            }
        }
    }
    Ok(digest)
}

/// GET a manifest by tag or digest. Verifies the bytes against `expected` (a pinned digest)
/// or, by tag, against the `Docker-Content-Digest` the registry announces. Returns the bytes,
/// the Content-Type and the digest.
fn fetch_manifest(
    client: &Client,
    reference: &str,
    expected: Option<&str>,
    expected_size: u64,
) -> Result<(Vec<u8>, Option<String>, String), RegistryError> {
    let what = format!(
        "{}/{} manifest {reference}",
        client.registry, client.repository
    );
    let url = client.url(&format!("/v2/{}/manifests/{reference}", client.repository))?;
    let resp = client.get(&url, ACCEPT_MANIFESTS)?;
    let status = resp.status().as_u16();
    if status != 200 {
        return Err(status_error(&what, resp));
    }
    let content_type = header(&resp, "content-type");
    let announced = header(&resp, "docker-content-digest");
    let raw = read_limited(resp, MAX_MANIFEST_BYTES, &what)?;
    // Verify with the algorithm of the digest we compare against (sha256 by default).
    let reference_digest = expected.or(announced.as_deref());
    let algo_of = reference_digest.unwrap_or("sha256:");
    let mut h = Hasher::for_digest(algo_of);
    h.update(&raw);
    let actual = h.finish();
    if let Some(exp) = expected {
        if actual != exp {
            return Err(RegistryError::DigestMismatch {
                what,
                expected: exp.to_string(),
                actual,
            });
        }
        if expected_size > 0 && raw.len() as u64 != expected_size {
            return Err(RegistryError::Invalid {
                what,
                reason: format!(
                    "size mismatch: expected {expected_size} bytes, got {}",
                    raw.len()
                ),
            });
        }
    } else if let Some(ann) = announced.as_deref().filter(|a| !a.is_empty()) {
        if actual != ann {
            return Err(RegistryError::DigestMismatch {
                what: format!("{what} (Docker-Content-Digest)"),
                expected: ann.to_string(),
                actual,
            });
        }
    }
    Ok((raw, content_type, actual))
}

/// Blobs of one repository.
pub struct RegistryStore {
    client: Arc<Client>,
    name: String,
}

impl BlobStore for RegistryStore {
    fn describe(&self) -> String {
        self.name.clone()
    }

    fn open_blob(&self, desc: &Descriptor) -> Result<Box<dyn Read + Send>, ImageError> {
        let input = format!("{} blob {}", self.name, desc.digest);
        crate::manifest::check_digest_syntax(&desc.digest, &input)?;
        let url = self
            .client
            .url(&format!(
                "/v2/{}/blobs/{}",
                self.client.repository, desc.digest
            ))
            .map_err(|e| e.into_image_error(&input))?;
        let inner =
            open_at(&self.client, &url, 0, &input).map_err(|e| e.into_image_error(&input))?;
        let window = self.client.timeout().min(Duration::from_secs(30));
        Ok(Box::new(ResumingReader {
            client: self.client.clone(),
            url,
            input,
            inner,
            pos: 0,
            attempt: 0,
            window,
            window_waited: Duration::ZERO,
            window_bytes: 0,
        }))
    }
}

/// GET a blob from byte `from` on: a 206 for `Range: bytes=from-`, or a 200 whose first
/// `from` bytes are skipped (servers may ignore ranges).
fn open_at(
    client: &Client,
    url: &client::Url,
    from: u64,
    input: &str,
) -> Result<Box<dyn Read + Send>, RegistryError> {
    let resp = client.get_until(url, &[], (from > 0).then_some(from), client.deadline(true))?;
    let status = resp.status().as_u16();
    let partial_ok = from > 0
        && status == 206
        && header(&resp, "content-range").is_some_and(|r| {
            r.trim_start_matches("bytes ")
                .starts_with(&format!("{from}-"))
        });
    if status != 200 && !partial_ok {
        return Err(status_error(input, resp));
    }
    let mut reader: Box<dyn Read + Send> =
        Box::new(resp.into_body().into_with_config().limit(u64::MAX).reader());
    if status == 200 && from > 0 {
        let skipped =
            std::io::copy(&mut (&mut reader).take(from), &mut std::io::sink()).map_err(|e| {
                RegistryError::Transport {
                    url: url.to_string(),
                    detail: e.to_string(),
                }
            })?;
        if skipped != from {
            return Err(RegistryError::Invalid {
                what: input.to_string(),
                reason: format!("blob shorter on retry ({skipped} bytes) than before ({from})"),
            });
        }
    }
    Ok(reader)
}

/// A blob body that survives connection resets: the rest is requested again with a Range
/// header (bounded by the retry policy). The caller still verifies the digest of the whole.
struct ResumingReader {
    client: Arc<Client>,
    url: client::Url,
    input: String,
    inner: Box<dyn Read + Send>,
    pos: u64,
    attempt: u32,
    /// Throughput watch: time spent waiting on the network and bytes received in the
    /// current window; a window below [`MIN_BLOB_RATE`] ends the download.
    window: Duration,
    window_waited: Duration,
    window_bytes: u64,
}

impl ResumingReader {
    /// Account one wait; an error once a whole window went by too slowly.
    fn watch(&mut self, waited: Duration, got: usize) -> std::io::Result<()> {
        self.window_waited += waited;
        self.window_bytes += got as u64;
        if self.window_waited < self.window {
            return Ok(());
        }
        let rate = self.window_bytes as f64 / self.window_waited.as_secs_f64();
        if rate < MIN_BLOB_RATE as f64 {
            let tries = self.attempt + 1;
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                ImageError::Transport {
                    input: self.input.clone(),
                    message: format!(
                        "registry too slow: {} bytes in {:.0} s (minimum {MIN_BLOB_RATE} bytes/s; --timeout {} s), {} bytes received in total, after {tries} attempt{}",
                        self.window_bytes,
                        self.window_waited.as_secs_f64(),
                        self.client.timeout().as_secs(),
                        self.pos,
                        if tries == 1 { "" } else { "s" }
                    ),
                },
            ));
        }
        self.window_waited = Duration::ZERO;
        self.window_bytes = 0;
        Ok(())
    }
}

fn resumable(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    if let Some(u) = e.get_ref().and_then(|x| x.downcast_ref::<ureq::Error>()) {
        return retry::retryable_transport(u);
    }
    matches!(
        e.kind(),
        ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof | TimedOut
    )
}

impl Read for ResumingReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let start = std::time::Instant::now();
            let r = self.inner.read(buf);
            if let Ok(n) = &r {
                self.watch(start.elapsed(), *n)?;
            }
            match r {
                Ok(n) => {
                    self.pos += n as u64;
                    return Ok(n);
                }
                Err(e) if resumable(&e) && self.attempt < self.client.retry_policy().retries => {
                    // The first break is resumed whatever it cost; after that a stall
                    // must not eat the window again and again (each costs a read timeout).
                    if self.attempt >= 1 {
                        self.watch(self.window, 0)?;
                    }
                    let start = std::time::Instant::now();
                    std::thread::sleep(self.client.retry_policy().delay(self.attempt, None));
                    self.attempt += 1;
                    let reopened = open_at(&self.client, &self.url, self.pos, &self.input);
                    self.watch(start.elapsed(), 0)?;
                    match reopened {
                        Ok(r) => {
                            self.inner = r;
                            self.window_waited = Duration::ZERO;
                            self.window_bytes = 0;
                        }
                        Err(e2) => {
                            return Err(std::io::Error::other(ImageError::Transport {
                                input: self.input.clone(),
                                message: format!(
                                    "{e}; resuming at byte {} failed: {e2} (after {} attempts)",
                                    self.pos,
                                    self.attempt + 1
                                ),
                            }))
                        }
                    }
                }
                Err(e) => {
                    let tries = self.attempt + 1;
                    return Err(std::io::Error::other(ImageError::Transport {
                        input: self.input.clone(),
                        message: format!(
                            "{e} at byte {} (after {tries} attempt{})",
                            self.pos,
                            if tries == 1 { "" } else { "s" }
                        ),
                    }));
                }
            }
        }
    }
}

/// `GET /v2/` and nothing else: is `registry` reachable with these options? (`drydock`
/// diagnostics and tests.)
pub fn ping(registry: &str, opts: &RegistryOptions) -> Result<(), ImageError> {
    let host = if registry == drydock_core::imageref::DOCKER_HUB {
        "registry-1.docker.io"
    } else {
        registry
    };
    let client = Client::new(registry, host, "", opts).map_err(|e| e.into_image_error(registry))?;
    client.ping().map_err(|e| e.into_image_error(registry))
}
