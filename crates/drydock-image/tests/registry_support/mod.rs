//! Shared pieces of the registry and daemon integration tests: a tiny deterministic image
//! builder, a pusher speaking the distribution API, a real `docker-registry` started on a
//! free loopback port, certificates from rcgen, and a minimal HTTP server for the token
//! server and fault-injecting proxies.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

pub const REGISTRY_BIN: &str = "/usr/bin/docker-registry";

/// Tools missing: a LOUD skip, or a failure when CI demands the integration tests.
pub fn tool_missing(what: &str) -> bool {
    let missing = match what {
        "docker-registry" => !Path::new(REGISTRY_BIN).exists(),
        other => Command::new(other)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| !s.success())
            .unwrap_or(true),
    };
    if missing {
        if drydock_core::env::require_integration() {
            panic!("{what} is not installed and DRYDOCK_REQUIRE_INTEGRATION=1 (apt-get install docker-registry podman)");
        }
        eprintln!(
            "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
             !!! SKIPPED: {what} is not installed; this integration test did NOT run.\n\
             !!! Debian: apt-get install docker-registry podman runc  (CI sets DRYDOCK_REQUIRE_INTEGRATION=1)\n\
             !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
        );
    }
    missing
}

pub fn sha256(b: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(b)))
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

// ---------------------------------------------------------------- image builder

pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
pub const OCI_LAYER_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
pub const DOCKER_CONFIG: &str = "application/vnd.docker.container.image.v1+json";
pub const DOCKER_LAYER_GZIP: &str = "application/vnd.docker.image.rootfs.diff.tar.gzip";

/// A deterministic tar of `(path, content)` regular files (mode 0644, mtime 0).
pub fn tar_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (path, data) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(0);
        h.set_uid(0);
        h.set_gid(0);
        h.set_entry_type(tar::EntryType::Regular);
        b.append_data(&mut h, path, *data).unwrap();
    }
    b.into_inner().unwrap()
}

pub fn gzip(b: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

/// One built image: blobs by digest, the manifest bytes and its media type.
#[derive(Clone, Debug)]
pub struct BuiltImage {
    pub blobs: BTreeMap<String, Vec<u8>>,
    pub manifest: Vec<u8>,
    pub manifest_type: String,
    pub config_digest: String,
    pub layer_digests: Vec<String>,
    /// Uncompressed layer tars, in order.
    pub layer_tars: Vec<Vec<u8>>,
    pub config: Vec<u8>,
    pub arch: String,
}

impl BuiltImage {
    pub fn manifest_digest(&self) -> String {
        sha256(&self.manifest)
    }
}

/// An image of gzip layers, each given as its files; `docker` picks Docker v2s2 media types.
pub fn build_image(
    arch: &str,
    layers: &[Vec<(&str, &[u8])>],
    docker: bool,
    user: &str,
) -> BuiltImage {
    let mut blobs = BTreeMap::new();
    let mut layer_descs = Vec::new();
    let mut diff_ids = Vec::new();
    let mut layer_digests = Vec::new();
    let mut layer_tars = Vec::new();
    let mut history = Vec::new();
    for (i, files) in layers.iter().enumerate() {
        let t = tar_of(files);
        let gz = gzip(&t);
        diff_ids.push(sha256(&t));
        let d = sha256(&gz);
        layer_descs.push(serde_json::json!({
            "mediaType": if docker { DOCKER_LAYER_GZIP } else { OCI_LAYER_GZIP },
            "digest": d, "size": gz.len()
        }));
        history.push(serde_json::json!({"created_by": format!("COPY layer{i} /")}));
        layer_digests.push(d.clone());
        blobs.insert(d, gz);
        layer_tars.push(t);
    }
    let config = serde_json::to_vec(&serde_json::json!({
        "architecture": arch,
        "os": "linux",
        "config": {"User": user, "Env": ["PATH=/usr/bin"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": history,
    }))
    .unwrap();
    let config_digest = sha256(&config);
    blobs.insert(config_digest.clone(), config.clone());
    let manifest_type = if docker {
        DOCKER_MANIFEST
    } else {
        OCI_MANIFEST
    };
    let manifest = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": manifest_type,
        "config": {"mediaType": if docker { DOCKER_CONFIG } else { OCI_CONFIG }, "digest": config_digest, "size": config.len()},
        "layers": layer_descs,
    }))
    .unwrap();
    BuiltImage {
        blobs,
        manifest,
        manifest_type: manifest_type.into(),
        config_digest,
        layer_digests,
        layer_tars,
        config,
        arch: arch.into(),
    }
}

/// An index (OCI) or manifest list (Docker) over images.
pub fn build_index(images: &[&BuiltImage], docker: bool) -> (Vec<u8>, String) {
    let mt = if docker { DOCKER_LIST } else { OCI_INDEX };
    let manifests: Vec<_> = images
        .iter()
        .map(|i| {
            serde_json::json!({
                "mediaType": i.manifest_type, "digest": i.manifest_digest(), "size": i.manifest.len(),
                "platform": {"os": "linux", "architecture": i.arch}
            })
        })
        .collect();
    (
        serde_json::to_vec(
            &serde_json::json!({"schemaVersion": 2, "mediaType": mt, "manifests": manifests}),
        )
        .unwrap(),
        mt.into(),
    )
}

/// A `docker save`-style archive (legacy layout) of one image.
pub fn docker_archive(img: &BuiltImage, repo_tag: &str) -> Vec<u8> {
    let cfg_hex = img.config_digest.trim_start_matches("sha256:");
    let mut files: Vec<(String, Vec<u8>)> = vec![(format!("{cfg_hex}.json"), img.config.clone())];
    let mut layer_names = Vec::new();
    for t in &img.layer_tars {
        let name = format!("{}/layer.tar", sha256(t).trim_start_matches("sha256:"));
        layer_names.push(name.clone());
        files.push((name, t.clone()));
    }
    let manifest = serde_json::to_vec(&serde_json::json!([{
        "Config": format!("{cfg_hex}.json"), "RepoTags": [repo_tag], "Layers": layer_names
    }]))
    .unwrap();
    files.push(("manifest.json".into(), manifest));
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    tar_of(&refs)
}

// ---------------------------------------------------------------- pushing

/// Push blobs and a manifest with the distribution API (monolithic uploads).
pub struct Pusher {
    pub agent: ureq::Agent,
    pub base: String,
    pub authorization: Option<String>,
}

impl Pusher {
    pub fn new(base: &str, ca_pem: Option<&[u8]>, authorization: Option<String>) -> Pusher {
        let mut tls = ureq::tls::TlsConfig::builder();
        if let Some(pem) = ca_pem {
            let certs: Vec<_> = ureq::tls::parse_pem(pem)
                .filter_map(|i| match i.unwrap() {
                    ureq::tls::PemItem::Certificate(c) => Some(c),
                    _ => None,
                })
                .collect();
            tls = tls.root_certs(ureq::tls::RootCerts::new_with_certs(&certs));
        }
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .tls_config(tls.build())
            .build()
            .new_agent();
        Pusher {
            agent,
            base: base.trim_end_matches('/').into(),
            authorization,
        }
    }

    fn auth<B>(&self, r: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        match &self.authorization {
            Some(a) => r.header("Authorization", a),
            None => r,
        }
    }

    pub fn push_blob(&self, repo: &str, digest: &str, data: &[u8]) {
        let resp = self
            .auth(
                self.agent
                    .post(format!("{}/v2/{repo}/blobs/uploads/", self.base)),
            )
            .send_empty()
            .unwrap();
        assert_eq!(resp.status().as_u16(), 202, "start upload to {repo}");
        let loc = resp
            .headers()
            .get("location")
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        let url = if loc.starts_with("http") {
            loc
        } else {
            format!("{}{loc}", self.base)
        };
        let sep = if url.contains('?') { '&' } else { '?' };
        let resp = self
            .auth(self.agent.put(format!("{url}{sep}digest={digest}")))
            .header("Content-Type", "application/octet-stream")
            .send(data)
            .unwrap();
        assert_eq!(resp.status().as_u16(), 201, "upload {digest}");
    }

    pub fn push_manifest(&self, repo: &str, reference: &str, media_type: &str, body: &[u8]) {
        let resp = self
            .auth(
                self.agent
                    .put(format!("{}/v2/{repo}/manifests/{reference}", self.base)),
            )
            .header("Content-Type", media_type)
            .send(body)
            .unwrap();
        let status = resp.status().as_u16();
        let text = resp.into_body().read_to_string().unwrap_or_default();
        assert_eq!(status, 201, "push manifest {repo}:{reference}: {text}");
    }

    /// Blobs, then the manifest under `tag` (or by digest when `tag` is None).
    pub fn push_image(&self, repo: &str, tag: Option<&str>, img: &BuiltImage) {
        for (d, b) in &img.blobs {
            self.push_blob(repo, d, b);
        }
        let digest = img.manifest_digest();
        self.push_manifest(
            repo,
            tag.unwrap_or(&digest),
            &img.manifest_type,
            &img.manifest,
        );
    }
}

// ---------------------------------------------------------------- certificates

pub struct Pki {
    pub dir: PathBuf,
    pub ca_pem: String,
    pub ca_path: PathBuf,
    pub cert_path: PathBuf,
    pub key_path: PathBuf,
}

/// A CA and a server certificate for 127.0.0.1/localhost signed by it.
pub fn make_pki(dir: &Path) -> Pki {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "drydock test CA");
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().unwrap();
    let mut params =
        CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    let cert = params.signed_by(&key, &issuer).unwrap();
    std::fs::create_dir_all(dir).unwrap();
    let ca_path = dir.join("ca.crt");
    let cert_path = dir.join("server.crt");
    let key_path = dir.join("server.key");
    std::fs::write(&ca_path, ca_cert.pem()).unwrap();
    std::fs::write(&cert_path, cert.pem()).unwrap();
    std::fs::write(&key_path, key.serialize_pem()).unwrap();
    Pki {
        dir: dir.to_path_buf(),
        ca_pem: ca_cert.pem(),
        ca_path,
        cert_path,
        key_path,
    }
}

// ---------------------------------------------------------------- the registry

pub struct Registry {
    child: Child,
    pub port: u16,
    pub root: PathBuf,
    pub log: PathBuf,
}

impl Registry {
    /// Start `docker-registry serve` on 127.0.0.1 with storage under `root`; `extra` is YAML
    /// appended under `http:` (tls) and at top level (auth), already indented.
    pub fn start(root: &Path, http_extra: &str, top_extra: &str, https: bool) -> Registry {
        let port = free_port();
        std::fs::create_dir_all(root.join("storage")).unwrap();
        let config = format!(
            "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\n  cache:\n    blobdescriptor: inmemory\nhttp:\n  addr: 127.0.0.1:{port}\n  secret: drydock-test-secret\n{http_extra}\n{top_extra}\n",
            root.join("storage").display()
        );
        let cfg = root.join("config.yml");
        std::fs::write(&cfg, config).unwrap();
        let log = root.join("registry.log");
        let child = Command::new(REGISTRY_BIN)
            .arg("serve")
            .arg(&cfg)
            .stdout(std::fs::File::create(&log).unwrap())
            .stderr(std::fs::File::options().append(true).open(&log).unwrap())
            .spawn()
            .expect("start docker-registry");
        let r = Registry {
            child,
            port,
            root: root.to_path_buf(),
            log,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            if Instant::now() > deadline {
                panic!(
                    "docker-registry did not start: {}",
                    std::fs::read_to_string(&r.log).unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = https;
        r
    }

    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The file holding a blob in the registry's filesystem storage.
    pub fn blob_path(&self, digest: &str) -> PathBuf {
        let hex = digest.trim_start_matches("sha256:");
        self.root
            .join("storage/docker/registry/v2/blobs/sha256")
            .join(&hex[..2])
            .join(hex)
            .join("data")
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------- tiny HTTP server

#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub enum Reply {
    Full {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Close the connection without an answer (a reset, as far as the client can tell).
    Hangup,
    /// Announce the whole body but send only its first `cut` bytes, then close.
    Truncated {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        cut: usize,
    },
}

pub fn reply(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    Reply::Full {
        status,
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body: body.to_vec(),
    }
}

/// A thread-per-connection HTTP/1.1 server on 127.0.0.1 (one request per connection).
pub struct TinyServer {
    pub port: u16,
    stop: Arc<AtomicBool>,
}

impl TinyServer {
    pub fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> TinyServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let handler = Arc::new(handler);
        let s = stop.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let h = handler.clone();
                std::thread::spawn(move || serve_one(conn, &*h));
            }
        });
        TinyServer { port, stop }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for TinyServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve_one(conn: TcpStream, handler: &dyn Fn(&Request) -> Reply) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
    let mut r = BufReader::new(conn.try_clone().unwrap());
    let mut line = String::new();
    if r.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("").to_string();
    let mut headers = Vec::new();
    loop {
        let mut l = String::new();
        if r.read_line(&mut l).unwrap_or(0) == 0 {
            return;
        }
        let l = l.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let len: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    if r.read_exact(&mut body).is_err() {
        return;
    }
    let req = Request {
        method,
        path,
        headers,
        body,
    };
    let mut w = conn;
    match handler(&req) {
        Reply::Hangup => {
            let _ = w.shutdown(std::net::Shutdown::Both);
        }
        Reply::Truncated {
            status,
            headers,
            body,
            cut,
        } => {
            let mut out = format!(
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            for (k, v) in headers {
                out.push_str(&format!("{k}: {v}\r\n"));
            }
            out.push_str("\r\n");
            let _ = w.write_all(out.as_bytes());
            let _ = w.write_all(&body[..cut.min(body.len())]);
            let _ = w.flush();
            let _ = w.shutdown(std::net::Shutdown::Both);
        }
        Reply::Full {
            status,
            headers,
            body,
        } => {
            let mut out = format!(
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            for (k, v) in headers {
                out.push_str(&format!("{k}: {v}\r\n"));
            }
            out.push_str("\r\n");
            let _ = w.write_all(out.as_bytes());
            let _ = w.write_all(&body);
            let _ = w.flush();
        }
    }
}

/// Forward a request to `upstream` (http://host:port) and turn the answer into a reply,
/// keeping the headers a registry client cares about.
pub fn forward(agent: &ureq::Agent, upstream: &str, req: &Request) -> Reply {
    let url = format!("{upstream}{}", req.path);
    let mut b = agent.get(&url);
    for name in ["accept", "authorization", "range"] {
        if let Some(v) = req.header(name) {
            b = b.header(name, v);
        }
    }
    let resp = b.call().unwrap();
    let status = resp.status().as_u16();
    let mut headers = Vec::new();
    for name in [
        "content-type",
        "docker-content-digest",
        "www-authenticate",
        "location",
        "docker-distribution-api-version",
        "content-range",
    ] {
        if let Some(v) = resp.headers().get(name).and_then(|v| v.to_str().ok()) {
            headers.push((name.to_string(), v.to_string()));
        }
    }
    let body = resp
        .into_body()
        .into_with_config()
        .limit(1 << 30)
        .read_to_vec()
        .unwrap();
    Reply::Full {
        status,
        headers,
        body,
    }
}

pub fn plain_agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .new_agent()
}

/// Read every byte of a blob through the store and compare with the expected bytes.
pub fn read_all(r: &mut dyn Read) -> std::io::Result<Vec<u8>> {
    let mut v = Vec::new();
    r.read_to_end(&mut v)?;
    Ok(v)
}
