//! `docker-daemon:NAME` and `podman:NAME`: images from a local Docker-compatible Engine API.
//!
//! A small HTTP/1.1 client (one request per connection, `Connection: close`; Content-Length,
//! chunked and close-delimited bodies) over a unix socket or plain TCP — enough for `_ping`,
//! `/version` (API version negotiation), `/images/{name}/json`, `/images/{name}/get` (the
//! image as a docker-archive stream) and the container endpoints the runtime checks use.
//!
//! The export stream is spooled once to a private temporary file in `$TMPDIR` (unlinked
//! right away on Linux) and read by the docker-archive reader with random access: a
//! docker-archive names its layers in `manifest.json`, which `docker save` and podman write
//! at the end, so layers cannot be attributed while streaming, and re-requesting the export
//! per blob would transfer the image once per layer. A single-pass scan of the raw stream
//! can use [`export_stream`] instead.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::model::{BlobStore, Descriptor, ImageError, OpenOptions, PlatformChoice, ResolvedImage};

/// Newest API version this client speaks; older daemons are asked for their own version.
const CLIENT_API_VERSION: (u32, u32) = (1, 43);
/// Oldest API version with everything used here (`/images/{name}/get`, `/containers/json`).
const MIN_API_VERSION: (u32, u32) = (1, 24);
/// Largest JSON answer read in memory (inspect documents, container lists).
const MAX_JSON_BYTES: u64 = 64 << 20;
const MAX_HEADER_BYTES: usize = 64 << 10;

/// Which daemon a name refers to (decides the default socket).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DaemonKind {
    Docker,
    Podman,
}

impl DaemonKind {
    pub fn transport(self) -> &'static str {
        match self {
            DaemonKind::Docker => "docker-daemon",
            DaemonKind::Podman => "podman",
        }
    }
}

/// Where the API listens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Endpoint {
    Unix(PathBuf),
    Tcp(String),
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Endpoint::Unix(p) => write!(f, "unix://{}", p.display()),
            Endpoint::Tcp(a) => write!(f, "tcp://{a}"),
        }
    }
}

impl Endpoint {
    /// Parse `unix:///path`, `tcp://host:port` (plain HTTP) or a bare socket path.
    pub fn parse(host: &str) -> Result<Endpoint, ImageError> {
        let bad = |m: &str| ImageError::Unsupported {
            input: host.to_string(),
            message: m.to_string(),
        };
        if let Some(p) = host.strip_prefix("unix://") {
            if p.is_empty() {
                return Err(bad("empty socket path"));
            }
            return Ok(Endpoint::Unix(PathBuf::from(p)));
        }
        if let Some(a) = host
            .strip_prefix("tcp://")
            .or_else(|| host.strip_prefix("http://"))
        {
            let a = a.trim_end_matches('/');
            if a.is_empty() {
                return Err(bad("empty TCP address"));
            }
            if drydock_core::env::is_set(drydock_core::env::DOCKER_TLS_VERIFY) {
                return Err(bad(
                    "TLS-protected daemon endpoints (DOCKER_TLS_VERIFY) are not supported; use the unix socket",
                ));
            }
            let addr = if a.contains(':') {
                a.to_string()
            } else {
                format!("{a}:2375")
            };
            return Ok(Endpoint::Tcp(addr));
        }
        if host.starts_with('/') {
            return Ok(Endpoint::Unix(PathBuf::from(host)));
        }
        Err(bad(
            "unsupported daemon address (expected unix:///path or tcp://host:port)",
        ))
    }

    /// The endpoint to use: an explicit `host`, else `DOCKER_HOST` (Docker) /
    /// `CONTAINER_HOST` (podman), else the default sockets.
    pub fn resolve(kind: DaemonKind, host: Option<&str>) -> Result<Endpoint, ImageError> {
        if let Some(h) = host.filter(|h| !h.is_empty()) {
            return Endpoint::parse(h);
        }
        let env = drydock_core::env::var;
        match kind {
            DaemonKind::Docker => match env(drydock_core::env::DOCKER_HOST) {
                Some(h) => Endpoint::parse(&h),
                None => Ok(Endpoint::Unix("/var/run/docker.sock".into())),
            },
            DaemonKind::Podman => {
                if let Some(h) = env(drydock_core::env::CONTAINER_HOST) {
                    return Endpoint::parse(&h);
                }
                if let Some(run) = env(drydock_core::env::XDG_RUNTIME_DIR) {
                    let p = Path::new(&run).join("podman/podman.sock");
                    if p.exists() {
                        return Ok(Endpoint::Unix(p));
                    }
                }
                Ok(Endpoint::Unix("/run/podman/podman.sock".into()))
            }
        }
    }

    fn connect(&self, timeout: Duration) -> io::Result<Box<dyn ReadWrite>> {
        match self {
            #[cfg(unix)]
            Endpoint::Unix(p) => {
                let s = std::os::unix::net::UnixStream::connect(p)?;
                s.set_read_timeout(Some(timeout))?;
                s.set_write_timeout(Some(timeout))?;
                Ok(Box::new(s))
            }
            #[cfg(not(unix))]
            Endpoint::Unix(_) => Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "unix sockets are not available on this platform",
            )),
            Endpoint::Tcp(a) => {
                let s = TcpStream::connect(a)?;
                s.set_read_timeout(Some(timeout))?;
                s.set_write_timeout(Some(timeout))?;
                Ok(Box::new(s))
            }
        }
    }
}

trait ReadWrite: Read + Write + Send {}
impl<T: Read + Write + Send> ReadWrite for T {}

/// A response: status, lower-cased headers, and the body as a reader.
pub struct ApiResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Box<dyn Read + Send>,
}

impl ApiResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A connection-less client for one Engine API endpoint.
#[derive(Clone, Debug)]
pub struct DaemonClient {
    pub endpoint: Endpoint,
    pub kind: DaemonKind,
    /// Negotiated API version (`1.41`), used as the `/v1.41` path prefix.
    pub api_version: String,
    timeout: Duration,
}

impl DaemonClient {
    /// Connect, `GET /_ping`, and negotiate the API version with `GET /version`.
    pub fn connect(kind: DaemonKind, host: Option<&str>) -> Result<DaemonClient, ImageError> {
        let endpoint = Endpoint::resolve(kind, host)?;
        let mut c = DaemonClient {
            endpoint,
            kind,
            api_version: String::new(),
            timeout: Duration::from_secs(120),
        };
        let ping = c.request("/_ping")?;
        if ping.status != 200 {
            return Err(c.err(format!("/_ping answered HTTP {}", ping.status)));
        }
        drain(ping.body);
        let v = c.get_json("/version")?;
        let server = v
            .get("ApiVersion")
            .and_then(|x| x.as_str())
            .and_then(parse_version)
            .ok_or_else(|| c.err("the /version answer has no ApiVersion".into()))?;
        if server < MIN_API_VERSION {
            return Err(c.err(format!(
                "the daemon speaks API {}.{}, older than the {}.{} drydock needs",
                server.0, server.1, MIN_API_VERSION.0, MIN_API_VERSION.1
            )));
        }
        let use_v = server.min(CLIENT_API_VERSION);
        c.api_version = format!("{}.{}", use_v.0, use_v.1);
        Ok(c)
    }

    fn err(&self, message: String) -> ImageError {
        ImageError::Transport {
            input: format!("{} at {}", self.kind.transport(), self.endpoint),
            message,
        }
    }

    fn path(&self, p: &str) -> String {
        if self.api_version.is_empty() {
            p.to_string()
        } else {
            format!("/v{}{p}", self.api_version)
        }
    }

    /// One `GET` on a fresh connection.
    pub fn request(&self, path: &str) -> Result<ApiResponse, ImageError> {
        let full = self.path(path);
        let mut stream = self.endpoint.connect(self.timeout).map_err(|e| {
            let hint = match e.kind() {
                io::ErrorKind::NotFound | io::ErrorKind::ConnectionRefused => match self.kind {
                    DaemonKind::Docker => " (is the Docker daemon running? set DOCKER_HOST)",
                    DaemonKind::Podman => {
                        " (start it with `podman system service`; set CONTAINER_HOST)"
                    }
                },
                io::ErrorKind::PermissionDenied => " (no permission to use the socket)",
                _ => "",
            };
            self.err(format!("cannot connect: {e}{hint}"))
        })?;
        let req = format!(
            "GET {full} HTTP/1.1\r\nHost: docker\r\nUser-Agent: drydock/{}\r\nAccept: */*\r\nConnection: close\r\n\r\n",
            env!("CARGO_PKG_VERSION")
        );
        stream
            .write_all(req.as_bytes())
            .and_then(|_| stream.flush())
            .map_err(|e| self.err(format!("GET {full}: {e}")))?;
        read_response(BufReader::with_capacity(64 << 10, stream))
            .map_err(|e| self.err(format!("GET {full}: {e}")))
    }

    /// `GET` a JSON document (at most 64 MiB); non-2xx answers become errors carrying the
    /// daemon's `message`.
    pub fn get_json(&self, path: &str) -> Result<serde_json::Value, ImageError> {
        let resp = self.request(path)?;
        let status = resp.status;
        let mut body = Vec::new();
        resp.body
            .take(MAX_JSON_BYTES + 1)
            .read_to_end(&mut body)
            .map_err(|e| self.err(format!("GET {path}: {e}")))?;
        if body.len() as u64 > MAX_JSON_BYTES {
            return Err(self.err(format!(
                "GET {path}: answer larger than {MAX_JSON_BYTES} bytes"
            )));
        }
        if !(200..300).contains(&status) {
            return Err(self.status_error(path, status, &body));
        }
        serde_json::from_slice(&body)
            .map_err(|e| self.err(format!("GET {path}: invalid JSON: {e}")))
    }

    fn status_error(&self, path: &str, status: u16, body: &[u8]) -> ImageError {
        let msg = serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .and_then(|v| {
                v.get("message")
                    .and_then(|m| m.as_str())
                    .map(str::to_string)
            })
            .unwrap_or_else(|| {
                String::from_utf8_lossy(&body[..body.len().min(200)])
                    .trim()
                    .to_string()
            });
        if status == 404 {
            return ImageError::NotFound {
                input: format!("{} at {}", self.kind.transport(), self.endpoint),
                what: if msg.is_empty() {
                    path.to_string()
                } else {
                    msg
                },
            };
        }
        self.err(format!("GET {path}: HTTP {status}: {msg}"))
    }

    /// `GET /images/{name}/json`.
    pub fn inspect_image(&self, name: &str) -> Result<serde_json::Value, ImageError> {
        self.get_json(&format!("/images/{}/json", escape_name(name)))
    }

    /// `GET /images/{name}/get`: the image as a docker-archive stream.
    pub fn export_image(&self, name: &str) -> Result<Box<dyn Read + Send>, ImageError> {
        let path = format!("/images/{}/get", escape_name(name));
        let resp = self.request(&path)?;
        if resp.status != 200 {
            let mut body = Vec::new();
            let _ = resp.body.take(64 << 10).read_to_end(&mut body);
            return Err(self.status_error(&path, resp.status, &body));
        }
        Ok(resp.body)
    }

    /// `GET /containers/json` (`all`: also stopped containers). The raw JSON objects.
    pub fn list_containers(&self, all: bool) -> Result<Vec<serde_json::Value>, ImageError> {
        let v = self.get_json(if all {
            "/containers/json?all=1"
        } else {
            "/containers/json"
        })?;
        match v {
            serde_json::Value::Array(a) => Ok(a),
            _ => Err(self.err("/containers/json did not answer a JSON array".into())),
        }
    }

    /// `GET /containers/{id}/json`: the raw inspect document.
    pub fn inspect_container(&self, id: &str) -> Result<serde_json::Value, ImageError> {
        self.get_json(&format!("/containers/{}/json", escape_name(id)))
    }
}

/// Containers of the Docker daemon at `host` (default `DOCKER_HOST` / `/var/run/docker.sock`).
pub fn list_containers(
    kind: DaemonKind,
    host: Option<&str>,
    all: bool,
) -> Result<Vec<serde_json::Value>, ImageError> {
    DaemonClient::connect(kind, host)?.list_containers(all)
}

/// The inspect JSON of one container.
pub fn inspect_container(
    kind: DaemonKind,
    host: Option<&str>,
    id: &str,
) -> Result<serde_json::Value, ImageError> {
    DaemonClient::connect(kind, host)?.inspect_container(id)
}

fn parse_version(s: &str) -> Option<(u32, u32)> {
    let (a, b) = s.trim().split_once('.')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// Percent-escape an image or container name for a URL path; `/`, `:` and `@` stay (the
/// Engine API routes `/images/{name:.*}/json`).
fn escape_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'/'
            | b':'
            | b'@' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn drain(mut r: Box<dyn Read + Send>) {
    let _ = io::copy(&mut (&mut r).take(1 << 20), &mut io::sink());
}

fn invalid(m: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, m.into())
}

/// Read one line ending in `\n` (CR stripped), refusing lines longer than `max`.
fn read_line<R: BufRead>(r: &mut R, max: usize) -> io::Result<String> {
    let mut buf = Vec::new();
    (&mut *r).take(max as u64 + 1).read_until(b'\n', &mut buf)?;
    if buf.len() > max {
        return Err(invalid("HTTP header line too long"));
    }
    if buf.last() != Some(&b'\n') {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "connection closed in the HTTP header",
        ));
    }
    buf.pop();
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    String::from_utf8(buf).map_err(|_| invalid("HTTP header is not UTF-8"))
}

/// Parse status line and headers, then wrap the body by its framing.
fn read_response<R: BufRead + Send + 'static>(mut r: R) -> io::Result<ApiResponse> {
    let mut total = 0usize;
    let status_line = read_line(&mut r, 8192)?;
    total += status_line.len();
    let mut parts = status_line.splitn(3, ' ');
    let proto = parts.next().unwrap_or("");
    if !proto.starts_with("HTTP/1.") {
        return Err(invalid(format!("not an HTTP/1.x answer: {status_line:?}")));
    }
    let status: u16 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| invalid(format!("bad status line {status_line:?}")))?;
    let mut headers = Vec::new();
    loop {
        let line = read_line(&mut r, 8192)?;
        total += line.len() + 2;
        if total > MAX_HEADER_BYTES {
            return Err(invalid("HTTP header larger than 64 KiB"));
        }
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let get = |n: &str| headers.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
    let body: Box<dyn Read + Send> =
        if get("transfer-encoding").is_some_and(|t| t.to_ascii_lowercase().contains("chunked")) {
            Box::new(ChunkedReader::new(r))
        } else if let Some(len) = get("content-length") {
            let n: u64 = len
                .parse()
                .map_err(|_| invalid(format!("bad Content-Length {len:?}")))?;
            Box::new(ExactReader { inner: r, left: n })
        } else if status == 204 || status == 304 {
            Box::new(io::empty())
        } else {
            Box::new(r) // close-delimited (we sent Connection: close)
        };
    Ok(ApiResponse {
        status,
        headers,
        body,
    })
}

/// A Content-Length body: exactly `left` bytes; an early EOF is an error, not a short body.
struct ExactReader<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for ExactReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 || buf.is_empty() {
            return Ok(0);
        }
        let want = buf.len().min(self.left.min(usize::MAX as u64) as usize);
        let n = self.inner.read(&mut buf[..want])?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("connection closed with {} body bytes missing", self.left),
            ));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// `Transfer-Encoding: chunked` decoder (RFC 9112 §7.1); extensions and trailers ignored.
pub struct ChunkedReader<R> {
    inner: R,
    left: u64,
    done: bool,
}

impl<R: BufRead> ChunkedReader<R> {
    pub fn new(inner: R) -> Self {
        ChunkedReader {
            inner,
            left: 0,
            done: false,
        }
    }
}

impl<R: BufRead> Read for ChunkedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.done || buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 {
            let line = read_line(&mut self.inner, 4096)?;
            let size = line.split(';').next().unwrap_or("").trim();
            let n = u64::from_str_radix(size, 16)
                .map_err(|_| invalid(format!("bad chunk size {size:?}")))?;
            if n == 0 {
                // trailers, up to the empty line
                loop {
                    if read_line(&mut self.inner, 8192)?.is_empty() {
                        break;
                    }
                }
                self.done = true;
                return Ok(0);
            }
            self.left = n;
        }
        let want = buf.len().min(self.left.min(usize::MAX as u64) as usize);
        let n = self.inner.read(&mut buf[..want])?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed inside a chunk",
            ));
        }
        self.left -= n as u64;
        if self.left == 0 {
            let end = read_line(&mut self.inner, 2)?;
            if !end.is_empty() {
                return Err(invalid("chunk not followed by CRLF"));
            }
        }
        Ok(n)
    }
}

/// A spooled export. On Linux the file is unlinked as soon as it is written and read back
/// through `/proc/self/fd/N`, so nothing is left behind even if drydock is killed; elsewhere
/// it is removed when the last store holding it is dropped.
struct Spool {
    /// The path the archive reader opens.
    path: PathBuf,
    /// Still to be removed on drop (when it could not be unlinked early).
    remove: Option<PathBuf>,
    _file: File,
}

impl Drop for Spool {
    fn drop(&mut self) {
        if let Some(p) = &self.remove {
            let _ = std::fs::remove_file(p);
        }
    }
}

impl Spool {
    /// Copy `stream` into a new private temporary file.
    fn write(stream: &mut dyn Read, input: &str) -> Result<Spool, ImageError> {
        let real = spool_path();
        let mut file = create_private(&real)
            .map_err(|e| ImageError::io(format!("temporary file {}", real.display()), e))?;
        let mut spool = Spool {
            path: real.clone(),
            remove: Some(real.clone()),
            _file: file.try_clone().map_err(|e| ImageError::io(input, e))?,
        };
        io::copy(stream, &mut file).map_err(|e| ImageError::Transport {
            input: input.to_string(),
            message: format!("reading the export failed: {e}"),
        })?;
        file.flush().map_err(|e| ImageError::io(input, e))?;
        #[cfg(target_os = "linux")]
        {
            use std::os::fd::AsRawFd;
            let via_fd = PathBuf::from(format!("/proc/self/fd/{}", spool._file.as_raw_fd()));
            if via_fd.exists() && std::fs::remove_file(&real).is_ok() {
                spool.path = via_fd;
                spool.remove = None;
            }
        }
        Ok(spool)
    }
}

/// Blob store over the spooled archive, keeping the spool alive.
struct SpoolStore {
    inner: Arc<dyn BlobStore>,
    label: String,
    _spool: Arc<Spool>,
}

impl BlobStore for SpoolStore {
    fn describe(&self) -> String {
        self.label.clone()
    }
    fn open_blob(&self, desc: &Descriptor) -> Result<Box<dyn Read + Send>, ImageError> {
        self.inner.open_blob(desc)
    }
}

fn spool_path() -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    std::env::temp_dir().join(format!(
        "drydock-export-{}-{nanos:x}.tar",
        std::process::id()
    ))
}

fn create_private(path: &Path) -> io::Result<File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

impl std::str::FromStr for DaemonKind {
    type Err = ImageError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "docker-daemon" | "docker" => Ok(DaemonKind::Docker),
            "podman" | "containers-storage" => Ok(DaemonKind::Podman),
            other => Err(ImageError::Unsupported {
                input: other.to_string(),
                message: "unknown daemon transport (expected docker-daemon or podman)".into(),
            }),
        }
    }
}

/// Entry point for `crate::model::open`: `transport` is `docker-daemon` or `podman`; the
/// endpoint is `opts.transport.docker_host`, else the environment's / the default socket.
pub fn open(
    transport: &str,
    name: &str,
    opts: &OpenOptions,
) -> Result<Vec<ResolvedImage>, ImageError> {
    open_at(
        transport.parse()?,
        name,
        opts.transport.docker_host.as_deref(),
        opts,
    )
}

/// The raw `docker save` stream of `name` (for a single-pass scan that needs no spool).
pub fn export_stream(
    kind: DaemonKind,
    name: &str,
    host: Option<&str>,
) -> Result<Box<dyn Read + Send>, ImageError> {
    let client = DaemonClient::connect(kind, host)?;
    client.export_image(name)
}

/// Export `name` from the daemon at `host` (None: environment/default socket) and open it as
/// a docker-archive.
pub fn open_at(
    kind: DaemonKind,
    name: &str,
    host: Option<&str>,
    opts: &OpenOptions,
) -> Result<Vec<ResolvedImage>, ImageError> {
    let input = format!("{}:{name}", kind.transport());
    if name.is_empty() {
        return Err(ImageError::Format {
            input,
            message: "no image name".into(),
        });
    }
    if name.split('/').any(|s| s == ".." || s == ".") || name.starts_with('/') {
        return Err(ImageError::Format {
            input,
            message: "not an image name or ID".into(),
        });
    }
    let client = DaemonClient::connect(kind, host)?;
    // Inspect first: a clear "not found" before any export, and the ID to export by.
    let inspect = client.inspect_image(name).map_err(|e| match e {
        ImageError::NotFound { .. } => ImageError::NotFound {
            input: input.clone(),
            what: format!("image in the daemon at {}", client.endpoint),
        },
        other => other,
    })?;
    if inspect.get("Id").and_then(|v| v.as_str()).is_none() {
        return Err(ImageError::Format {
            input,
            message: "the daemon's image inspect has no Id".into(),
        });
    }
    let mut stream = client.export_image(name)?;

    let spool = Arc::new(Spool::write(&mut stream, &input)?);
    let path = spool.path.clone();

    let mut images = crate::archive::open_docker_archive(&path, None, opts).map_err(|e| {
        // Messages naming the temporary file would confuse; name the source instead.
        relabel(e, &path, &input)
    })?;
    if images.len() != 1 {
        return Err(ImageError::Format {
            input,
            message: format!(
                "the daemon's export holds {} images, expected one",
                images.len()
            ),
        });
    }
    let mut img = images.remove(0);
    if let PlatformChoice::Specific(p) = &opts.platform {
        if let Some(have) = &img.platform {
            if !p.matches(have) {
                return Err(ImageError::Platform {
                    input,
                    message: format!(
                        "the daemon's image is {have}, not {p} (a daemon keeps one platform per name)"
                    ),
                });
            }
        }
    }
    img.name = input.clone();
    img.store = Arc::new(SpoolStore {
        inner: img.store.clone(),
        label: input,
        _spool: spool,
    });
    Ok(vec![img])
}

fn relabel(e: ImageError, path: &Path, input: &str) -> ImageError {
    let p = path.display().to_string();
    let msg = e
        .to_string()
        .replace(&format!("docker-archive:{p}"), input)
        .replace(&p, input);
    match e {
        ImageError::DigestMismatch { .. } | ImageError::SizeMismatch { .. } => e,
        _ => ImageError::Format {
            input: input.to_string(),
            message: msg,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &[u8]) -> (u16, Vec<u8>) {
        let r = read_response(BufReader::new(io::Cursor::new(raw.to_vec()))).unwrap();
        let status = r.status;
        let mut b = Vec::new();
        let res = { r.body }.read_to_end(&mut b);
        res.unwrap();
        (status, b)
    }

    #[test]
    fn http_framings() {
        assert_eq!(
            parse(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello extra"),
            (200, b"hello".to_vec())
        );
        assert_eq!(
            parse(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: y\r\n\r\n"),
            (200, b"hello world".to_vec())
        );
        assert_eq!(
            parse(b"HTTP/1.0 404 Not Found\r\nX: y\r\n\r\n{\"message\":\"no\"}"),
            (404, b"{\"message\":\"no\"}".to_vec())
        );
    }

    #[test]
    fn broken_http_is_an_error_not_a_hang() {
        let truncated = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc";
        let r = read_response(BufReader::new(io::Cursor::new(truncated.to_vec()))).unwrap();
        let mut b = Vec::new();
        assert!({ r.body }.read_to_end(&mut b).is_err());

        let bad_chunk = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n";
        let r = read_response(BufReader::new(io::Cursor::new(bad_chunk.to_vec()))).unwrap();
        assert!({ r.body }.read_to_end(&mut Vec::new()).is_err());

        let cut_chunk = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc";
        let r = read_response(BufReader::new(io::Cursor::new(cut_chunk.to_vec()))).unwrap();
        assert!({ r.body }.read_to_end(&mut Vec::new()).is_err());

        assert!(
            read_response(BufReader::new(io::Cursor::new(b"SSH-2.0\r\n\r\n".to_vec()))).is_err()
        );
        let huge = [b"HTTP/1.1 200 OK\r\n".to_vec(), vec![b'a'; 100_000]].concat();
        assert!(read_response(BufReader::new(io::Cursor::new(huge))).is_err());
    }

    #[test]
    fn endpoints_and_names() {
        assert_eq!(
            Endpoint::parse("unix:///run/podman/podman.sock").unwrap(),
            Endpoint::Unix("/run/podman/podman.sock".into())
        );
        assert_eq!(
            Endpoint::parse("tcp://127.0.0.1").unwrap(),
            Endpoint::Tcp("127.0.0.1:2375".into())
        );
        assert!(Endpoint::parse("ssh://host").is_err());
        assert_eq!(
            Endpoint::resolve(DaemonKind::Podman, Some("/tmp/x.sock")).unwrap(),
            Endpoint::Unix("/tmp/x.sock".into())
        );
        assert_eq!(escape_name("localhost/app:1.0"), "localhost/app:1.0");
        assert_eq!(escape_name("a b?c"), "a%20b%3Fc");
        assert_eq!(parse_version("1.41"), Some((1, 41)));
        assert_eq!(parse_version("x"), None);
    }

    #[test]
    fn missing_socket_is_a_clear_error() {
        let e = DaemonClient::connect(DaemonKind::Podman, Some("unix:///nonexistent/drydock.sock"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("/nonexistent/drydock.sock") && e.contains("podman system service"),
            "{e}"
        );
    }
}
