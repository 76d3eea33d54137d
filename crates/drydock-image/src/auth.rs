//! Registry credentials, looked up the way podman/skopeo and the Docker CLI do:
//! explicit `--username`/`--password-stdin` first, then the containers auth files
//! (`--authfile`/`REGISTRY_AUTH_FILE`, `$XDG_RUNTIME_DIR/containers/auth.json`,
//! `~/.config/containers/auth.json`), then Docker's `config.json` (`$DOCKER_CONFIG` or
//! `~/.docker`) with `credHelpers`, `auths` and `credsStore`.
//!
//! Lookups happen only when a registry asks for credentials (a 401), so a broken credential
//! helper never gets in the way of anonymous pulls.

use std::fmt;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;

/// Docker keeps Docker Hub credentials under this legacy key.
pub const DOCKER_HUB_AUTH_KEY: &str = "https://index.docker.io/v1/";

/// Credential files larger than this are refused (they are read into memory).
const MAX_AUTH_FILE: u64 = 4 * 1024 * 1024;
/// A credential helper that does not answer within this time is killed.
const HELPER_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone, PartialEq, Eq)]
pub enum Credential {
    /// Username and password (or a token used as password).
    Basic { username: String, password: String },
    /// An OAuth2 refresh token (`identitytoken` in config.json, or a helper answering with
    /// username `<token>`): exchanged at the token realm with `grant_type=refresh_token`.
    IdentityToken(String),
}

impl fmt::Debug for Credential {
    // Never print secrets, not even in debug output.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::Basic { username, .. } => {
                write!(
                    f,
                    "Basic {{ username: {username:?}, password: <redacted> }}"
                )
            }
            Credential::IdentityToken(_) => write!(f, "IdentityToken(<redacted>)"),
        }
    }
}

/// A credential and where it came from (for error messages: "credentials from ~/.docker/config.json
/// were rejected").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundCredential {
    pub credential: Credential,
    pub source: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("cannot read credentials file {path}: {reason}")]
    File { path: PathBuf, reason: String },
    #[error("credential helper docker-credential-{helper} failed for {server}: {reason}")]
    Helper {
        helper: String,
        server: String,
        reason: String,
    },
}

/// Where to look for credentials. `Default` means "the environment of this process"; tests
/// and the CLI can point every location elsewhere.
#[derive(Clone, Debug, Default)]
pub struct CredentialSources {
    /// `--username` / `--password-stdin`: used for every registry of this run.
    pub username: Option<String>,
    pub password: Option<String>,
    /// `--authfile`; when unset, `REGISTRY_AUTH_FILE` is used.
    pub auth_file: Option<PathBuf>,
    /// Skip the environment (HOME, XDG_RUNTIME_DIR, DOCKER_CONFIG, REGISTRY_AUTH_FILE):
    /// only `username`/`password` and `auth_file` count.
    pub no_environment: bool,
    /// Where `docker-credential-*` helpers live; `None` = search `PATH` (as Docker does).
    pub helper_dir: Option<PathBuf>,
}

impl CredentialSources {
    /// The files to read, most specific first (podman's order, then Docker's).
    pub fn files(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        if let Some(p) = &self.auth_file {
            out.push(p.clone());
        }
        if self.no_environment {
            return out;
        }
        if self.auth_file.is_none() {
            if let Some(p) = env_path(drydock_core::env::REGISTRY_AUTH_FILE) {
                out.push(p);
            }
        }
        if let Some(run) = env_path(drydock_core::env::XDG_RUNTIME_DIR) {
            out.push(run.join("containers/auth.json"));
        }
        let home = env_path(drydock_core::env::HOME);
        match env_path(drydock_core::env::XDG_CONFIG_HOME) {
            Some(cfg) => out.push(cfg.join("containers/auth.json")),
            None => {
                if let Some(h) = &home {
                    out.push(h.join(".config/containers/auth.json"));
                }
            }
        }
        match env_path(drydock_core::env::DOCKER_CONFIG) {
            Some(dir) => out.push(dir.join("config.json")),
            None => {
                if let Some(h) = &home {
                    out.push(h.join(".docker/config.json"));
                }
            }
        }
        out
    }

    /// Credentials for `registry` (host[:port] as in the image reference, `docker.io` for Docker
    /// Hub) and `repository`, or `None` to go anonymous.
    pub fn lookup(
        &self,
        registry: &str,
        repository: &str,
    ) -> Result<Option<FoundCredential>, AuthError> {
        if let Some(username) = &self.username {
            return Ok(Some(FoundCredential {
                credential: Credential::Basic {
                    username: username.clone(),
                    password: self.password.clone().unwrap_or_default(),
                },
                source: "--username/--password".into(),
            }));
        }
        for file in self.files() {
            let text = match read_small(&file) {
                Ok(Some(t)) => t,
                Ok(None) => continue,
                Err(reason) => {
                    return Err(AuthError::File { path: file, reason });
                }
            };
            let config: AuthConfig = serde_json::from_str(&text).map_err(|e| AuthError::File {
                path: file.clone(),
                reason: format!("not valid JSON: {e}"),
            })?;
            if let Some(found) =
                config.lookup(registry, repository, &file, self.helper_dir.as_deref())?
            {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }
}

fn env_path(name: &str) -> Option<PathBuf> {
    drydock_core::env::path(name)
}

/// `Ok(None)` when the file does not exist.
fn read_small(path: &Path) -> Result<Option<String>, String> {
    let f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    let mut text = String::new();
    f.take(MAX_AUTH_FILE + 1)
        .read_to_string(&mut text)
        .map_err(|e| e.to_string())?;
    if text.len() as u64 > MAX_AUTH_FILE {
        return Err(format!("larger than {MAX_AUTH_FILE} bytes"));
    }
    Ok(Some(text))
}

/// The parts of `config.json` / `auth.json` that matter here.
#[derive(Debug, Default, serde::Deserialize)]
pub struct AuthConfig {
    #[serde(default)]
    pub auths: std::collections::BTreeMap<String, AuthEntry>,
    #[serde(default, rename = "credHelpers")]
    pub cred_helpers: std::collections::BTreeMap<String, String>,
    #[serde(default, rename = "credsStore")]
    pub creds_store: Option<String>,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct AuthEntry {
    #[serde(default)]
    pub auth: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub identitytoken: Option<String>,
}

/// Reduce an `auths` key to `host[/path]`: keys may be URLs (`https://index.docker.io/v1/`),
/// bare hosts, or (podman) `host/namespace/repo`.
pub fn normalize_auth_key(key: &str) -> String {
    let k = key.trim();
    let k = k
        .strip_prefix("https://")
        .or_else(|| k.strip_prefix("http://"))
        .unwrap_or(k);
    let k = k.trim_end_matches('/');
    let k = k
        .strip_suffix("/v1")
        .or_else(|| k.strip_suffix("/v2"))
        .unwrap_or(k);
    let (host, rest) = match k.split_once('/') {
        Some((h, r)) => (h, Some(r)),
        None => (k, None),
    };
    let host = normalize_host(host);
    match rest {
        Some(r) if !r.is_empty() => format!("{host}/{r}"),
        _ => host,
    }
}

/// Docker Hub has several names; credentials stored under any of them apply.
fn normalize_host(host: &str) -> String {
    let h = host.to_ascii_lowercase();
    match h.as_str() {
        "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com" => {
            "docker.io".to_string()
        }
        _ => h,
    }
}

/// The server name handed to credential helpers (Docker's convention).
fn helper_server_name(registry: &str) -> String {
    if normalize_host(registry) == "docker.io" {
        DOCKER_HUB_AUTH_KEY.to_string()
    } else {
        registry.to_string()
    }
}

impl AuthConfig {
    pub fn lookup(
        &self,
        registry: &str,
        repository: &str,
        file: &Path,
        helper_dir: Option<&Path>,
    ) -> Result<Option<FoundCredential>, AuthError> {
        let host = normalize_host(registry);
        // credHelpers for this registry win over everything else in the file (Docker CLI).
        if let Some((_, helper)) = self
            .cred_helpers
            .iter()
            .find(|(k, _)| normalize_auth_key(k) == host)
        {
            return run_helper(helper, &helper_server_name(registry), helper_dir);
        }
        // The most specific `auths` key: `host/ns/repo` beats `host/ns` beats `host`.
        let full = format!("{host}/{repository}");
        let mut best: Option<(usize, &AuthEntry)> = None;
        for (key, entry) in &self.auths {
            let k = normalize_auth_key(key);
            let matches = k == host
                || (full.starts_with(&k) && full.as_bytes().get(k.len()) == Some(&b'/'))
                || k == full;
            if matches && best.is_none_or(|(len, _)| k.len() > len) {
                best = Some((k.len(), entry));
            }
        }
        if let Some((_, entry)) = best {
            if let Some(cred) = entry.credential(file)? {
                return Ok(Some(FoundCredential {
                    credential: cred,
                    source: file.display().to_string(),
                }));
            }
        }
        if let Some(store) = self.creds_store.as_deref().filter(|s| !s.is_empty()) {
            return run_helper(store, &helper_server_name(registry), helper_dir);
        }
        Ok(None)
    }
}

impl AuthEntry {
    fn credential(&self, file: &Path) -> Result<Option<Credential>, AuthError> {
        if let Some(tok) = self.identitytoken.as_deref().filter(|t| !t.is_empty()) {
            return Ok(Some(Credential::IdentityToken(tok.to_string())));
        }
        if let Some(auth) = self.auth.as_deref().filter(|a| !a.is_empty()) {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(auth.trim())
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| AuthError::File {
                    path: file.to_path_buf(),
                    reason: "an `auth` value is not base64 of `user:password`".into(),
                })?;
            let (u, p) = decoded.split_once(':').ok_or_else(|| AuthError::File {
                path: file.to_path_buf(),
                reason: "an `auth` value has no `:` between user and password".into(),
            })?;
            return Ok(Some(Credential::Basic {
                username: u.to_string(),
                password: p.to_string(),
            }));
        }
        if let Some(u) = self.username.as_deref().filter(|u| !u.is_empty()) {
            return Ok(Some(Credential::Basic {
                username: u.to_string(),
                password: self.password.clone().unwrap_or_default(),
            }));
        }
        Ok(None)
    }
}

#[derive(serde::Deserialize)]
struct HelperAnswer {
    #[serde(rename = "Username", default)]
    username: String,
    #[serde(rename = "Secret", default)]
    secret: String,
}

/// `docker-credential-<helper> get` with the server name on stdin; JSON on stdout.
fn run_helper(
    helper: &str,
    server: &str,
    helper_dir: Option<&Path>,
) -> Result<Option<FoundCredential>, AuthError> {
    let err = |reason: String| AuthError::Helper {
        helper: helper.to_string(),
        server: server.to_string(),
        reason,
    };
    if helper.is_empty() || helper.contains(['/', '\\']) || helper.starts_with('.') {
        return Err(err("invalid helper name".into()));
    }
    let program = format!("docker-credential-{helper}");
    let exe = match helper_dir {
        Some(d) => d.join(&program),
        None => PathBuf::from(&program),
    };
    let mut child = Command::new(&exe)
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| err(format!("cannot run {program}: {e}")))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A helper that exits without reading gives EPIPE here; its exit status tells more.
        let _ = stdin.write_all(server.as_bytes());
    }
    // Read output on threads so a chatty helper cannot block on a full pipe while we wait.
    let out = child.stdout.take().map(spawn_reader);
    let errout = child.stderr.take().map(spawn_reader);
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if start.elapsed() > HELPER_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(err(format!(
                    "no answer within {}s",
                    HELPER_TIMEOUT.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(err(e.to_string())),
        }
    };
    let stdout = out.and_then(|h| h.join().ok()).unwrap_or_default();
    let stderr = errout.and_then(|h| h.join().ok()).unwrap_or_default();
    if !status.success() {
        let msg = String::from_utf8_lossy(if stdout.is_empty() { &stderr } else { &stdout })
            .trim()
            .to_string();
        // The helpers' protocol for "nothing stored for this server".
        if msg.contains("credentials not found") {
            return Ok(None);
        }
        let first = msg
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(200)
            .collect::<String>();
        return Err(err(format!("exited with {status}: {first}")));
    }
    let answer: HelperAnswer = serde_json::from_slice(&stdout)
        .map_err(|e| err(format!("answer is not the expected JSON: {e}")))?;
    let credential = if answer.username == "<token>" {
        Credential::IdentityToken(answer.secret)
    } else {
        Credential::Basic {
            username: answer.username,
            password: answer.secret,
        }
    };
    Ok(Some(FoundCredential {
        credential,
        source: program,
    }))
}

fn spawn_reader<R: Read + Send + 'static>(r: R) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        // Bounded: a helper's answer is a few hundred bytes.
        let _ = r.take(1 << 20).read_to_end(&mut buf);
        buf
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    fn sources_with(file_text: &str) -> (tempfile::TempDir, CredentialSources) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("auth.json");
        std::fs::write(&p, file_text).unwrap();
        let s = CredentialSources {
            auth_file: Some(p),
            no_environment: true,
            ..Default::default()
        };
        (dir, s)
    }

    #[test]
    fn keys_normalise() {
        assert_eq!(
            normalize_auth_key("https://index.docker.io/v1/"),
            "docker.io"
        );
        assert_eq!(normalize_auth_key("registry-1.docker.io"), "docker.io");
        assert_eq!(
            normalize_auth_key("http://Localhost:5000/v2/"),
            "localhost:5000"
        );
        assert_eq!(normalize_auth_key("quay.io/org/repo"), "quay.io/org/repo");
    }

    #[test]
    fn auths_base64_and_most_specific_key() {
        let text = format!(
            r#"{{"auths": {{
                "https://index.docker.io/v1/": {{"auth": "{}"}},
                "quay.io": {{"auth": "{}"}},
                "quay.io/org": {{"username": "orguser", "password": "orgpass"}},
                "quay.io/org/other": {{"auth": "{}"}}
            }}}}"#,
            b64("hub:hubpass"),
            b64("q:qpass"),
            b64("o:opass")
        );
        let (_d, s) = sources_with(&text);
        let hub = s.lookup("docker.io", "library/python").unwrap().unwrap();
        assert_eq!(
            hub.credential,
            Credential::Basic {
                username: "hub".into(),
                password: "hubpass".into()
            }
        );
        let org = s.lookup("quay.io", "org/app").unwrap().unwrap();
        assert_eq!(
            org.credential,
            Credential::Basic {
                username: "orguser".into(),
                password: "orgpass".into()
            }
        );
        let plain = s.lookup("quay.io", "someone/app").unwrap().unwrap();
        assert!(
            matches!(plain.credential, Credential::Basic { ref username, .. } if username == "q")
        );
        // `quay.io/org` must not match `quay.io/organisation/x`.
        let other = s.lookup("quay.io", "organisation/x").unwrap().unwrap();
        assert!(
            matches!(other.credential, Credential::Basic { ref username, .. } if username == "q")
        );
        assert!(s.lookup("ghcr.io", "a/b").unwrap().is_none());
    }

    #[test]
    fn identity_token_and_bad_base64() {
        let (_d, s) = sources_with(r#"{"auths": {"r.example": {"identitytoken": "refresh"}}}"#);
        let c = s.lookup("r.example", "x").unwrap().unwrap();
        assert_eq!(c.credential, Credential::IdentityToken("refresh".into()));
        assert!(!format!("{c:?}").contains("refresh"));

        let (_d, s) = sources_with(r#"{"auths": {"r.example": {"auth": "%%%"}}}"#);
        let e = s.lookup("r.example", "x").unwrap_err().to_string();
        assert!(e.contains("auth.json") && e.contains("base64"), "{e}");
    }

    #[test]
    fn explicit_credentials_win_and_invalid_json_is_named() {
        let (_d, mut s) = sources_with("{not json");
        let e = s.lookup("r.example", "x").unwrap_err().to_string();
        assert!(e.contains("not valid JSON"), "{e}");
        s.username = Some("u".into());
        s.password = Some("p".into());
        let c = s.lookup("r.example", "x").unwrap().unwrap();
        assert_eq!(c.source, "--username/--password");
    }

    #[cfg(unix)]
    #[test]
    fn credential_helpers_are_run() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let helper = dir.path().join("docker-credential-drydocktest");
        std::fs::write(
            &helper,
            "#!/bin/sh\nread server\nif [ \"$server\" = \"known.example\" ]; then\n\
             printf '{\"ServerURL\":\"%s\",\"Username\":\"hu\",\"Secret\":\"hs\"}' \"$server\"\n\
             elif [ \"$server\" = \"tok.example\" ]; then\n\
             printf '{\"Username\":\"<token>\",\"Secret\":\"idtok\"}'\n\
             else echo 'credentials not found in native keychain'; exit 1; fi\n",
        )
        .unwrap();
        std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();
        let (_d, mut s) = sources_with(
            r#"{"credsStore": "drydocktest", "credHelpers": {"tok.example": "drydocktest"}}"#,
        );
        s.helper_dir = Some(dir.path().to_path_buf());
        let c = s.lookup("known.example", "x").unwrap().unwrap();
        assert_eq!(
            c.credential,
            Credential::Basic {
                username: "hu".into(),
                password: "hs".into()
            }
        );
        let t = s.lookup("tok.example", "x").unwrap().unwrap();
        assert_eq!(t.credential, Credential::IdentityToken("idtok".into()));
        assert!(s.lookup("unknown.example", "x").unwrap().is_none());

        let (_d, mut s) = sources_with(r#"{"credsStore": "drydock-missing-helper"}"#);
        s.helper_dir = Some(dir.path().to_path_buf());
        let e = s.lookup("a.example", "x").unwrap_err().to_string();
        assert!(
            e.contains("docker-credential-drydock-missing-helper"),
            "{e}"
        );
    }
}
