//! The HTTP side of the registry client: one `Client` per repository, holding the agent (TLS
//! settings), the scheme chosen at ping time, the credentials (looked up on the first 401) and
//! the current Basic header or bearer token. Every request goes through [`Client::get`], which
//! authenticates on 401, follows redirects (credentials only to the registry's own origin) and
//! retries transient failures with backoff.

use std::io::Read;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use base64::Engine as _;
use ureq::http::Response;
use ureq::Body;

use super::auth::{form_escape, parse_challenges, pull_scope, Challenge, Token, TokenResponse};
use super::retry::{retryable_status, retryable_transport, RetryPolicy};
use super::{RegistryError, RegistryOptions};
use crate::auth::{Credential, CredentialSources, FoundCredential};

const USER_AGENT: &str = concat!("drydock/", env!("CARGO_PKG_VERSION"));
const MAX_REDIRECTS: u32 = 5;
/// Token-endpoint and error bodies are small; anything bigger is refused.
const MAX_SMALL_BODY: u64 = 1024 * 1024;

/// `scheme://authority` plus path-and-query; enough URL handling for registry traffic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    pub scheme: String,
    pub authority: String,
    pub path: String,
}

impl Url {
    pub fn parse(s: &str) -> Option<Url> {
        let (scheme, rest) = s.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return None;
        }
        let (authority, path) = match rest.find(['/', '?']) {
            Some(i) => (&rest[..i], rest[i..].to_string()),
            None => (rest, "/".to_string()),
        };
        if authority.is_empty() || authority.contains('@') {
            return None;
        }
        let path = if path.starts_with('?') {
            format!("/{path}")
        } else {
            path
        };
        Some(Url {
            scheme,
            authority: authority.to_ascii_lowercase(),
            path,
        })
    }

    /// Resolve a `Location` header against this URL (absolute, scheme-relative or
    /// absolute-path forms; relative paths resolve against the current directory).
    pub fn join(&self, location: &str) -> Option<Url> {
        if location.contains("://") {
            return Url::parse(location);
        }
        if let Some(rest) = location.strip_prefix("//") {
            return Url::parse(&format!("{}://{rest}", self.scheme));
        }
        let path = if location.starts_with('/') {
            location.to_string()
        } else {
            let base = self.path.split('?').next().unwrap_or("/");
            let dir = &base[..base.rfind('/').map(|i| i + 1).unwrap_or(0)];
            format!("{dir}{location}")
        };
        Some(Url {
            scheme: self.scheme.clone(),
            authority: self.authority.clone(),
            path,
        })
    }

    pub fn origin(&self) -> String {
        format!("{}://{}", self.scheme, self.authority)
    }
}

impl std::fmt::Display for Url {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}://{}{}", self.scheme, self.authority, self.path)
    }
}

enum AuthState {
    Anonymous,
    Basic(String),
    Bearer { challenge: Challenge, token: Token },
}

pub struct Client {
    agent: ureq::Agent,
    /// `https://host[:port]`, or `http://…` when plain HTTP was asked for or fallen back to.
    origin: Mutex<String>,
    /// The registry as named in the reference (for credentials and messages).
    pub registry: String,
    /// The host the API is on (`registry-1.docker.io` for Docker Hub).
    api_host: String,
    pub repository: String,
    sources: CredentialSources,
    credential: OnceLock<Result<Option<FoundCredential>, String>>,
    state: Mutex<AuthState>,
    retry: RetryPolicy,
    plain_http: bool,
    insecure: bool,
    /// `--timeout`: the deadline of one request including its retries (blob bodies are
    /// held to a minimum throughput instead, see `registry::ResumingReader`).
    timeout: Duration,
}

/// How long a request may take, across its retries and redirects.
#[derive(Clone, Copy, Debug)]
pub struct Deadline {
    pub until: Instant,
    /// A blob: only the response headers are under the deadline; the body is watched for
    /// throughput by the reader (a large layer legitimately takes longer than `--timeout`).
    pub blob: bool,
}

impl Client {
    pub fn new(
        registry: &str,
        api_host: &str,
        repository: &str,
        opts: &RegistryOptions,
    ) -> Result<Arc<Client>, RegistryError> {
        let agent = build_agent(opts)?;
        let scheme = if opts.plain_http { "http" } else { "https" };
        Ok(Arc::new(Client {
            agent,
            origin: Mutex::new(format!("{scheme}://{api_host}")),
            registry: registry.to_string(),
            api_host: api_host.to_string(),
            repository: repository.to_string(),
            sources: CredentialSources {
                username: opts.username.clone(),
                password: opts.password.clone(),
                auth_file: opts.auth_file.clone(),
                no_environment: opts.no_environment_credentials,
                helper_dir: opts.credential_helper_dir.clone(),
            },
            credential: OnceLock::new(),
            state: Mutex::new(AuthState::Anonymous),
            retry: opts.retry.clone(),
            plain_http: opts.plain_http,
            insecure: opts.insecure,
            timeout: opts.timeout,
        }))
    }

    pub fn origin(&self) -> String {
        lock(&self.origin).clone()
    }

    /// A URL under the registry's API: `path` starts with `/v2/`.
    pub fn url(&self, path: &str) -> Result<Url, RegistryError> {
        Url::parse(&format!("{}{path}", self.origin()))
            .ok_or_else(|| RegistryError::BadReference(format!("invalid registry URL path {path}")))
    }

    /// `GET /v2/`: checks that the registry speaks the distribution API. HTTPS unless
    /// `plain_http`; with `insecure` (`--tls-verify=false`) a server that does not speak TLS
    /// is tried again over plain HTTP, as podman/skopeo do. Never downgrades otherwise.
    pub fn ping(&self) -> Result<(), RegistryError> {
        let url = self.url("/v2/")?;
        match self.get(&url, &[]) {
            Ok(resp) => check_ping(&url, resp),
            Err(RegistryError::Transport { detail, .. })
                if self.insecure && !self.plain_http && !detail.contains("not found") =>
            {
                *lock(&self.origin) = format!("http://{}", self.api_host);
                let url = self.url("/v2/")?;
                let resp = self.get(&url, &[]).map_err(|e| match e {
                    RegistryError::Transport { detail: d2, .. } => RegistryError::Transport {
                        url: format!("https://{}/v2/ (and http://)", self.api_host),
                        detail: format!("{detail}; over plain HTTP: {d2}"),
                    },
                    other => other,
                })?;
                check_ping(&url, resp)
            }
            Err(e) => Err(e),
        }
    }

    /// GET with authentication, redirects and retries. Returns any final response that is not
    /// a 401 or redirect; callers map other statuses to errors with [`status_error`].
    pub fn get(&self, url: &Url, accept: &[&str]) -> Result<Response<Body>, RegistryError> {
        self.get_with(url, accept, None)
    }

    /// [`Client::get`] with an optional `Range: bytes=N-` (resuming a blob).
    pub fn get_with(
        &self,
        url: &Url,
        accept: &[&str],
        range_from: Option<u64>,
    ) -> Result<Response<Body>, RegistryError> {
        let deadline = self.deadline(false);
        self.get_until(url, accept, range_from, deadline)
    }

    /// `--timeout` from now.
    pub fn deadline(&self, blob: bool) -> Deadline {
        Deadline {
            until: Instant::now() + self.timeout,
            blob,
        }
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// [`Client::get_with`] under a deadline shared by all attempts.
    pub fn get_until(
        &self,
        url: &Url,
        accept: &[&str],
        range_from: Option<u64>,
        deadline: Deadline,
    ) -> Result<Response<Body>, RegistryError> {
        let mut url = url.clone();
        let mut redirects = 0;
        let mut authenticated = false;
        loop {
            let same_origin = url.origin() == self.origin();
            // Credentials and tokens go to the registry's own origin only, never to the
            // storage backend a blob redirect points at.
            let authz = if same_origin {
                self.auth_header()?
            } else {
                None
            };
            let resp = self.with_retries(&url, deadline, || {
                let left = deadline
                    .until
                    .saturating_duration_since(Instant::now())
                    .max(Duration::from_millis(1));
                let mut req = if deadline.blob {
                    self.agent
                        .get(url.to_string())
                        .config()
                        .timeout_global(None)
                        .timeout_recv_response(Some(left))
                        .build()
                } else {
                    self.agent
                        .get(url.to_string())
                        .config()
                        .timeout_global(Some(left))
                        .build()
                };
                if !accept.is_empty() {
                    req = req.header("Accept", accept.join(", "));
                }
                if let Some(a) = &authz {
                    req = req.header("Authorization", a);
                }
                if let Some(from) = range_from {
                    req = req.header("Range", format!("bytes={from}-"));
                }
                req.call()
            })?;
            let status = resp.status().as_u16();
            match status {
                401 if same_origin && !authenticated => {
                    let challenges = header_values(&resp, "www-authenticate");
                    drain(resp);
                    self.authenticate(&challenges)?;
                    authenticated = true;
                }
                401 | 403 if same_origin => {
                    let body = read_small(resp).unwrap_or_default();
                    let detail = error_summary(&body)
                        .map(|s| format!(": {s}"))
                        .unwrap_or_default();
                    let who = match self.credential() {
                        Ok(Some(f)) => format!("with the credentials from {}", f.source),
                        _ => "anonymously; log in or pass --username/--password-stdin".into(),
                    };
                    return Err(
                        self.unauthorized(format!("access denied (HTTP {status}{detail}) {who}"))
                    );
                }
                301 | 302 | 303 | 307 | 308 => {
                    let location =
                        header(&resp, "location").ok_or_else(|| RegistryError::Invalid {
                            what: url.to_string(),
                            reason: format!("redirect {status} without a Location header"),
                        })?;
                    drain(resp);
                    redirects += 1;
                    if redirects > MAX_REDIRECTS {
                        return Err(RegistryError::Invalid {
                            what: url.to_string(),
                            reason: format!("more than {MAX_REDIRECTS} redirects"),
                        });
                    }
                    let next = url.join(&location).ok_or_else(|| RegistryError::Invalid {
                        what: url.to_string(),
                        reason: format!("unusable redirect target {location:?}"),
                    })?;
                    if url.scheme == "https"
                        && next.scheme == "http"
                        && !(self.plain_http || self.insecure)
                    {
                        return Err(RegistryError::Invalid {
                            what: url.to_string(),
                            reason: format!(
                                "redirect from HTTPS to plain HTTP ({next}) refused; use --tls-verify=false to allow it"
                            ),
                        });
                    }
                    url = next;
                }
                _ => return Ok(resp),
            }
        }
    }

    /// Run `send` with retries on transient transport errors and retryable statuses. The last
    /// retryable response is returned as is when the retries are used up.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Retries stop at the deadline: a wait that would end after it is not started, and the
    /// error says how many attempts were made.
    fn with_retries(
        &self,
        url: &Url,
        deadline: Deadline,
        mut send: impl FnMut() -> Result<Response<Body>, ureq::Error>,
    ) -> Result<Response<Body>, RegistryError> {
        let mut attempt = 0;
        let fits = |wait: Duration| Instant::now() + wait < deadline.until;
        loop {
            let tries = attempt + 1;
            let plural = if tries == 1 { "" } else { "s" };
            match send() {
                Err(e)
                    if retryable_transport(&e)
                        && attempt < self.retry.retries
                        && fits(self.retry.delay(attempt, None)) =>
                {
                    std::thread::sleep(self.retry.delay(attempt, None));
                }
                Err(e) => {
                    let over =
                        Instant::now() >= deadline.until || matches!(e, ureq::Error::Timeout(_));
                    let why = if over {
                        format!(
                            "; gave up at the {}-second deadline (--timeout)",
                            self.timeout.as_secs()
                        )
                    } else {
                        String::new()
                    };
                    return Err(RegistryError::Transport {
                        url: url.to_string(),
                        detail: format!(
                            "{} (after {tries} attempt{plural}{why})",
                            transport_detail(&e)
                        ),
                    });
                }
                Ok(resp)
                    if retryable_status(resp.status().as_u16())
                        && attempt < self.retry.retries
                        && fits(
                            self.retry
                                .delay(attempt, header(&resp, "retry-after").as_deref()),
                        ) =>
                {
                    let wait = self
                        .retry
                        .delay(attempt, header(&resp, "retry-after").as_deref());
                    drain(resp);
                    std::thread::sleep(wait);
                }
                Ok(resp) if retryable_status(resp.status().as_u16()) => {
                    let status = resp.status().as_u16();
                    let body = read_small(resp).unwrap_or_default();
                    let detail = error_summary(&body)
                        .map(|s| format!("{s}; "))
                        .unwrap_or_default();
                    return Err(RegistryError::Status {
                        url: url.to_string(),
                        status,
                        detail: format!("{detail}after {tries} attempt{plural}"),
                    });
                }
                Ok(resp) => return Ok(resp),
            }
            attempt += 1;
        }
    }

    fn credential(&self) -> Result<Option<FoundCredential>, RegistryError> {
        self.credential
            .get_or_init(|| {
                self.sources
                    .lookup(&self.registry, &self.repository)
                    .map_err(|e| e.to_string())
            })
            .clone()
            .map_err(RegistryError::Credentials)
    }

    /// The `Authorization` value for the next request to the registry, renewing an expired
    /// bearer token first.
    fn auth_header(&self) -> Result<Option<String>, RegistryError> {
        let mut state = lock(&self.state);
        match &*state {
            AuthState::Anonymous => Ok(None),
            AuthState::Basic(h) => Ok(Some(h.clone())),
            AuthState::Bearer { challenge, token } => {
                if token.is_fresh() {
                    return Ok(Some(format!("Bearer {}", token.value)));
                }
                let challenge = challenge.clone();
                let token = self.fetch_token(&challenge)?;
                let h = format!("Bearer {}", token.value);
                *state = AuthState::Bearer { challenge, token };
                Ok(Some(h))
            }
        }
    }

    /// Answer a 401: Bearer (token flow) preferred over Basic.
    fn authenticate(&self, headers: &[String]) -> Result<(), RegistryError> {
        let challenges: Vec<Challenge> = headers.iter().flat_map(|h| parse_challenges(h)).collect();
        if let Some(ch) = challenges.iter().find(|c| c.scheme == "bearer") {
            let token = self.fetch_token(ch)?;
            *lock(&self.state) = AuthState::Bearer {
                challenge: ch.clone(),
                token,
            };
            return Ok(());
        }
        if challenges.iter().any(|c| c.scheme == "basic") {
            let found = self.credential()?.ok_or_else(|| self.unauthorized(
                "the registry requires credentials (Basic auth) and none were found; use --username/--password-stdin, --authfile or `docker login`".into(),
            ))?;
            let (user, pass) = match &found.credential {
                Credential::Basic { username, password } => (username, password),
                Credential::IdentityToken(_) => {
                    return Err(self.unauthorized(format!(
                        "the registry wants Basic auth but {} holds only an identity token",
                        found.source
                    )))
                }
            };
            if self.origin().starts_with("http://") && !(self.plain_http || self.insecure) {
                return Err(self.unauthorized("refusing to send a password over plain HTTP".into()));
            }
            let h = format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
            );
            *lock(&self.state) = AuthState::Basic(h);
            return Ok(());
        }
        Err(self.unauthorized(if headers.is_empty() {
            "401 without a WWW-Authenticate challenge".into()
        } else {
            format!(
                "unsupported authentication challenge {:?}",
                headers.join(", ")
            )
        }))
    }

    pub fn unauthorized(&self, detail: String) -> RegistryError {
        RegistryError::Unauthorized {
            registry: self.registry.clone(),
            repository: self.repository.clone(),
            detail,
        }
    }

    /// The token flow: GET the realm with service and scope (Basic credentials if we have
    /// them), or POST the OAuth2 refresh-token grant for identity tokens.
    fn fetch_token(&self, ch: &Challenge) -> Result<Token, RegistryError> {
        let realm = ch
            .param("realm")
            .ok_or_else(|| self.unauthorized("bearer challenge without a realm".into()))?;
        let realm_url = Url::parse(realm).ok_or_else(|| {
            self.unauthorized(format!("bearer challenge with an unusable realm {realm:?}"))
        })?;
        let found = self.credential()?;
        if found.is_some() && realm_url.scheme == "http" && !(self.plain_http || self.insecure) {
            return Err(self.unauthorized(format!(
                "refusing to send credentials to the plain-HTTP token realm {realm}"
            )));
        }
        // A registry-wide request (the catalog) asks for the challenge's scope only.
        let mut scopes = if self.repository.is_empty() {
            Vec::new()
        } else {
            vec![pull_scope(&self.repository)]
        };
        if let Some(s) = ch.param("scope").filter(|s| !s.is_empty()) {
            if !scopes.iter().any(|x| x == s) {
                scopes.push(s.to_string());
            }
        }
        let service = ch.param("service").unwrap_or("");
        let resp = match found.as_ref().map(|f| &f.credential) {
            Some(Credential::IdentityToken(refresh)) => {
                let mut form = vec![
                    ("grant_type", "refresh_token".to_string()),
                    ("refresh_token", refresh.clone()),
                    ("service", service.to_string()),
                    ("client_id", "drydock".to_string()),
                ];
                form.push(("scope", scopes.join(" ")));
                self.with_retries(&realm_url, self.deadline(false), || {
                    self.agent
                        .post(realm_url.to_string())
                        .send_form(form.iter().map(|(k, v)| (*k, v.as_str())))
                })?
            }
            cred => {
                let mut q = String::new();
                if !service.is_empty() {
                    q.push_str(&format!("service={}", form_escape(service)));
                }
                for s in &scopes {
                    if !q.is_empty() {
                        q.push('&');
                    }
                    q.push_str(&format!("scope={}", form_escape(s)));
                }
                let sep = if realm_url.path.contains('?') {
                    '&'
                } else {
                    '?'
                };
                let url = Url {
                    path: format!("{}{sep}{q}", realm_url.path),
                    ..realm_url.clone()
                };
                let basic = match cred {
                    Some(Credential::Basic { username, password }) => Some(format!(
                        "Basic {}",
                        base64::engine::general_purpose::STANDARD
                            .encode(format!("{username}:{password}"))
                    )),
                    _ => None,
                };
                self.with_retries(&url, self.deadline(false), || {
                    let mut req = self.agent.get(url.to_string());
                    if let Some(b) = &basic {
                        req = req.header("Authorization", b);
                    }
                    req.call()
                })?
            }
        };
        let status = resp.status().as_u16();
        if status == 401 || status == 403 {
            let body = read_small(resp).unwrap_or_default();
            return Err(self.unauthorized(match &found {
                Some(f) => format!(
                    "the token server {realm} rejected the credentials from {} ({status}{})",
                    f.source,
                    error_summary(&body).map(|s| format!(": {s}")).unwrap_or_default()
                ),
                None => format!(
                    "the token server {realm} refused anonymous access ({status}); log in or pass --username/--password-stdin"
                ),
            }));
        }
        if !(200..300).contains(&status) {
            return Err(status_error(&realm_url.to_string(), resp));
        }
        let body = read_small(resp)?;
        let parsed: TokenResponse =
            serde_json::from_slice(&body).map_err(|e| RegistryError::Invalid {
                what: format!("token from {realm}"),
                reason: format!("not the expected JSON: {e}"),
            })?;
        parsed.into_token().ok_or_else(|| RegistryError::Invalid {
            what: format!("token from {realm}"),
            reason: "the answer holds no token".into(),
        })
    }
}

fn check_ping(url: &Url, resp: Response<Body>) -> Result<(), RegistryError> {
    let status = resp.status().as_u16();
    if (200..300).contains(&status) {
        drain(resp);
        Ok(())
    } else {
        Err(status_error(&url.to_string(), resp))
    }
}

fn build_agent(opts: &RegistryOptions) -> Result<ureq::Agent, RegistryError> {
    use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};
    let mut tls = TlsConfig::builder();
    if opts.insecure {
        tls = tls.disable_verification(true);
    }
    if !opts.ca_certs.is_empty() {
        // Add the private CAs to Mozilla's roots rather than replacing them, so redirects to
        // public storage (S3, a CDN) keep working.
        let mut roots: Vec<Certificate<'static>> = webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            .map(|c| Certificate::from_der(c.as_ref()).to_owned())
            .collect();
        for path in &opts.ca_certs {
            let bad = |reason: String| RegistryError::CaCert {
                path: path.display().to_string(),
                reason,
            };
            let pem = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
            let before = roots.len();
            for item in ureq::tls::parse_pem(&pem) {
                match item {
                    Ok(PemItem::Certificate(c)) => roots.push(c),
                    Ok(_) => {}
                    Err(e) => return Err(bad(format!("invalid PEM: {e}"))),
                }
            }
            if roots.len() == before {
                return Err(bad("no PEM certificate in the file".into()));
            }
        }
        tls = tls.root_certs(RootCerts::new_with_certs(&roots));
    }
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(USER_AGENT)
        .tls_config(tls.build())
        .timeout_connect(Some(opts.connect_timeout.min(opts.timeout)))
        .timeout_recv_response(Some(opts.read_timeout.min(opts.timeout)))
        // Token and other small requests: one call never outlasts --timeout.
        .timeout_global(Some(opts.timeout))
        // A stalled blob stream fails instead of hanging the scan.
        .timeout_per_read(Some(opts.read_timeout.min(opts.timeout)))
        .build();
    Ok(config.new_agent())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic elsewhere while holding the lock leaves plain data behind; keep going.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

pub fn header(resp: &Response<Body>, name: &str) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn header_values(resp: &Response<Body>, name: &str) -> Vec<String> {
    resp.headers()
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_string))
        .collect()
}

/// Read a small body so the connection can be reused; errors and excess are ignored.
fn drain(resp: Response<Body>) {
    let _ = resp
        .into_body()
        .into_with_config()
        .limit(MAX_SMALL_BODY)
        .read_to_vec();
}

pub fn read_small(resp: Response<Body>) -> Result<Vec<u8>, RegistryError> {
    read_limited(resp, MAX_SMALL_BODY, "response")
}

/// Read a whole body that must not exceed `limit` bytes (manifests, configs, tokens).
pub fn read_limited(
    resp: Response<Body>,
    limit: u64,
    what: &str,
) -> Result<Vec<u8>, RegistryError> {
    if let Some(len) = header(&resp, "content-length").and_then(|l| l.parse::<u64>().ok()) {
        if len > limit {
            return Err(RegistryError::Invalid {
                what: what.to_string(),
                reason: format!("{len} bytes, more than the {limit}-byte limit"),
            });
        }
    }
    let mut out = Vec::new();
    resp.into_body()
        .into_with_config()
        .limit(u64::MAX)
        .reader()
        .take(limit + 1)
        .read_to_end(&mut out)
        .map_err(|e| {
            let m = e.to_string();
            let detail = if m.contains("imeout") {
                format!("the response did not arrive in full before the deadline (--timeout; {m}), after 1 attempt")
            } else {
                m
            };
            RegistryError::Transport {
                url: what.to_string(),
                detail,
            }
        })?;
    if out.len() as u64 > limit {
        return Err(RegistryError::Invalid {
            what: what.to_string(),
            reason: format!("more than the {limit}-byte limit"),
        });
    }
    Ok(out)
}

/// The first message of a distribution error body (`{"errors":[{"code","message"}]}`).
pub fn error_summary(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Errors {
        errors: Vec<ErrorItem>,
    }
    #[derive(serde::Deserialize)]
    struct ErrorItem {
        #[serde(default)]
        code: String,
        #[serde(default)]
        message: String,
    }
    let e: Errors = serde_json::from_slice(body).ok()?;
    let first = e.errors.into_iter().next()?;
    Some(match (first.code.is_empty(), first.message.is_empty()) {
        (false, false) => format!("{}: {}", first.code, first.message),
        (false, true) => first.code,
        _ => first.message,
    })
}

/// An error for a response that is not what was wanted: 404 → NotFound, 401/403 →
/// Unauthorized-like Status, else Status with the registry's own message.
pub fn status_error(what: &str, resp: Response<Body>) -> RegistryError {
    let status = resp.status().as_u16();
    let body = read_small(resp).unwrap_or_default();
    let detail = error_summary(&body).unwrap_or_else(|| {
        String::from_utf8_lossy(&body[..body.len().min(200)])
            .trim()
            .replace(['\n', '\r'], " ")
    });
    if status == 404 {
        return RegistryError::NotFound {
            what: what.to_string(),
            detail,
        };
    }
    RegistryError::Status {
        url: what.to_string(),
        status,
        detail,
    }
}

fn transport_detail(e: &ureq::Error) -> String {
    let text = match e {
        ureq::Error::HostNotFound => "host not found".into(),
        ureq::Error::Io(io) => format!("{io} ({:?})", io.kind()),
        other => other.to_string(),
    };
    // The two TLS failures users meet with private registries, with what to do about them.
    let hint = if text.contains("UnknownIssuer") || text.contains("invalid peer certificate") {
        "; for a private CA pass --ca-cert FILE (or --tls-verify=false to skip verification)"
    } else if text.contains("InvalidContentType") || text.contains("corrupt message") {
        "; the server does not speak TLS: for a plain-HTTP registry pass --tls-verify=false"
    } else {
        ""
    };
    format!("{text}{hint}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_join_like_browsers() {
        let u = Url::parse("https://Reg.example:5000/v2/a/blobs/sha256:x").unwrap();
        assert_eq!(u.origin(), "https://reg.example:5000");
        assert_eq!(
            u.join("/v2/b").unwrap().to_string(),
            "https://reg.example:5000/v2/b"
        );
        assert_eq!(
            u.join("http://s3.example/x?sig=1").unwrap().to_string(),
            "http://s3.example/x?sig=1"
        );
        assert_eq!(
            u.join("//cdn.example/y").unwrap().to_string(),
            "https://cdn.example/y"
        );
        assert_eq!(
            u.join("c").unwrap().to_string(),
            "https://reg.example:5000/v2/a/blobs/c"
        );
        assert!(Url::parse("ftp://x/").is_none());
        assert!(Url::parse("https://user@x/").is_none());
        assert_eq!(Url::parse("http://h?x=1").unwrap().path, "/?x=1");
    }

    #[test]
    fn error_bodies_are_summarised() {
        let b =
            br#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{}}]}"#;
        assert_eq!(
            error_summary(b).as_deref(),
            Some("MANIFEST_UNKNOWN: manifest unknown")
        );
        assert!(error_summary(b"<html>").is_none());
    }
}
