//! The registry transport against a real registry (Debian's `docker-registry`, CNCF
//! distribution) started on 127.0.0.1: plain HTTP, TLS with a test CA + htpasswd Basic auth,
//! and the bearer-token flow with a token server implemented here. Fault injection (503,
//! 429, resets, 500, redirects to another host) goes through small proxies in front of it.

mod registry_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use drydock_image::blob::{read_blob_verified, LayerLimits, LayerReader};
use drydock_image::registry::{self, RegistryOptions, RetryPolicy};
use drydock_image::{ImageError, Limits, Platform, PlatformChoice, ResolvedImage};
use registry_support::*;

fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        retries: 3,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(200),
    }
}

/// Options that ignore the developer's own credential files.
fn opts() -> RegistryOptions {
    RegistryOptions {
        no_environment_credentials: true,
        retry: fast_retry(),
        ..RegistryOptions::default()
    }
}

fn plain() -> RegistryOptions {
    RegistryOptions {
        plain_http: true,
        ..opts()
    }
}

/// Read every layer as the walker does (digest and diff_id verified) and the config.
fn verify_layers(img: &ResolvedImage, built: &BuiltImage) {
    assert_eq!(img.layers.len(), built.layer_digests.len());
    let limits = LayerLimits::new(&Limits::default());
    for (i, d) in img.layers.iter().enumerate() {
        assert_eq!(d.digest, built.layer_digests[i]);
        let mut r = LayerReader::open(
            img.store.as_ref(),
            d,
            &img.config.rootfs.diff_ids[i],
            &limits,
        )
        .unwrap();
        let got = read_all(&mut r).unwrap();
        assert_eq!(got, built.layer_tars[i]);
        r.finish().unwrap();
    }
    assert_eq!(img.config_raw, built.config);
}

fn small_image(arch: &str, docker: bool, marker: &str) -> BuiltImage {
    build_image(
        arch,
        &[
            vec![("etc/os-release", b"ID=debian\nVERSION_ID=12\n".as_slice())],
            vec![("app/marker.txt", marker.as_bytes())],
        ],
        docker,
        "1000",
    )
}

#[test]
fn plain_http_registry_manifests_indexes_platforms_and_errors() {
    if tool_missing("docker-registry") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let reg = Registry::start(dir.path(), "", "", false);
    let host = reg.host();
    let p = Pusher::new(&format!("http://{host}"), None, None);

    let single = small_image("amd64", true, "docker v2s2");
    p.push_image("test/single", Some("1.0"), &single);
    let amd = small_image("amd64", false, "amd64 image");
    let arm = small_image("arm64", false, "arm64 image");
    p.push_image("test/multi", None, &amd);
    p.push_image("test/multi", None, &arm);
    let (index, index_type) = build_index(&[&amd, &arm], false);
    p.push_manifest("test/multi", "1.0", &index_type, &index);
    let (list, list_type) = build_index(&[&amd, &arm], true);
    p.push_manifest("test/multi", "list", &list_type, &list);

    // A Docker v2s2 manifest by tag.
    let imgs = registry::open(
        &format!("{host}/test/single:1.0"),
        &plain(),
        &PlatformChoice::Host,
    )
    .unwrap();
    assert_eq!(imgs.len(), 1);
    assert_eq!(
        imgs[0].manifest_digest.as_deref(),
        Some(single.manifest_digest().as_str())
    );
    assert_eq!(imgs[0].config.config.user, "1000");
    verify_layers(&imgs[0], &single);

    // By digest, with the docker:// prefix stripped by the caller's convention.
    let by_digest = format!("{host}/test/single@{}", single.manifest_digest());
    let imgs = registry::open(&by_digest, &plain(), &PlatformChoice::Host).unwrap();
    verify_layers(&imgs[0], &single);

    // OCI index and Docker manifest list: platform selection and --platform all.
    for tag in ["1.0", "list"] {
        let r = format!("{host}/test/multi:{tag}");
        let arm64 = PlatformChoice::Specific(Platform::parse("linux/arm64").unwrap());
        let imgs = registry::open(&r, &plain(), &arm64).unwrap();
        assert_eq!(imgs.len(), 1, "{tag}");
        assert_eq!(imgs[0].platform.as_ref().unwrap().architecture, "arm64");
        assert_eq!(
            imgs[0].manifest_digest.as_deref(),
            Some(arm.manifest_digest().as_str())
        );
        verify_layers(&imgs[0], &arm);

        let all = registry::open(&r, &plain(), &PlatformChoice::All).unwrap();
        let mut archs: Vec<_> = all
            .iter()
            .map(|i| i.platform.as_ref().unwrap().architecture.clone())
            .collect();
        archs.sort();
        assert_eq!(archs, ["amd64", "arm64"]);

        let s390 = PlatformChoice::Specific(Platform::parse("linux/s390x").unwrap());
        let e = registry::open(&r, &plain(), &s390).unwrap_err();
        eprintln!("user sees: {e}");
        assert!(matches!(e, ImageError::Platform { .. }), "{e}");
        assert!(e.to_string().contains("arm64"), "{e}");
    }

    // 404s name what is missing.
    let e = registry::open(
        &format!("{host}/test/single:nope"),
        &plain(),
        &PlatformChoice::Host,
    )
    .unwrap_err();
    eprintln!("user sees: {e}");
    assert!(matches!(e, ImageError::NotFound { .. }), "{e}");
    assert!(e.to_string().contains("nope"), "{e}");
    let e = registry::open(
        &format!("{host}/test/absent:1"),
        &plain(),
        &PlatformChoice::Host,
    )
    .unwrap_err();
    eprintln!("user sees: {e}");
    assert!(matches!(e, ImageError::NotFound { .. }), "{e}");

    // HTTPS is the default: a plain-HTTP registry is an error, not a silent downgrade ...
    let e = registry::open(
        &format!("{host}/test/single:1.0"),
        &opts(),
        &PlatformChoice::Host,
    )
    .unwrap_err();
    eprintln!("user sees: {e}");
    assert!(matches!(e, ImageError::Transport { .. }), "{e}");
    // ... unless the user says --tls-verify=false / --insecure.
    let insecure = RegistryOptions {
        insecure: true,
        ..opts()
    };
    let imgs = registry::open(
        &format!("{host}/test/single:1.0"),
        &insecure,
        &PlatformChoice::Host,
    )
    .unwrap();
    verify_layers(&imgs[0], &single);

    // Bad references are clear errors.
    let e = registry::open("bad name/with space:1", &plain(), &PlatformChoice::Host).unwrap_err();
    eprintln!("user sees: {e}");
    assert!(matches!(e, ImageError::Format { .. }), "{e}");
}

#[test]
fn tampered_blobs_in_registry_storage_are_detected_and_named() {
    if tool_missing("docker-registry") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let reg = Registry::start(dir.path(), "", "", false);
    let host = reg.host();
    let p = Pusher::new(&format!("http://{host}"), None, None);
    let img = small_image("amd64", false, "tamper me");
    p.push_image("test/tamper", Some("1"), &img);
    let other = build_image(
        "amd64",
        &[vec![("x", b"config tamper".as_slice())]],
        false,
        "0",
    );
    p.push_image("test/cfgtamper", Some("1"), &other);

    // Flip one byte of the second layer: same size, wrong content.
    let layer = &img.layer_digests[1];
    let path = reg.blob_path(layer);
    let mut data = std::fs::read(&path).unwrap();
    let last = data.len() - 10;
    data[last] ^= 0xff;
    std::fs::write(&path, &data).unwrap();

    let imgs = registry::open(
        &format!("{host}/test/tamper:1"),
        &plain(),
        &PlatformChoice::Host,
    )
    .unwrap();
    let limits = LayerLimits::new(&Limits::default());
    let d = &imgs[0].layers[1];
    let outcome = LayerReader::open(
        imgs[0].store.as_ref(),
        d,
        &imgs[0].config.rootfs.diff_ids[1],
        &limits,
    )
    .and_then(|mut r| {
        let _ = read_all(&mut r);
        r.finish()
    });
    let e = outcome.unwrap_err().to_string();
    let short = &layer["sha256:".len().."sha256:".len() + 12];
    assert!(e.contains(short), "{e}");
    // Also via the small-blob path, which must name the full digest.
    let e = read_blob_verified(imgs[0].store.as_ref(), d, 1 << 20).unwrap_err();
    eprintln!("user sees: {e}");
    assert!(matches!(e, ImageError::DigestMismatch { .. }), "{e}");
    assert!(e.to_string().contains(layer.as_str()), "{e}");

    // A tampered config fails the open itself.
    let cpath = reg.blob_path(&other.config_digest);
    let mut cfg = std::fs::read(&cpath).unwrap();
    cfg[5] = if cfg[5] == b' ' { b'\t' } else { b' ' };
    std::fs::write(&cpath, &cfg).unwrap();
    let e = registry::open(
        &format!("{host}/test/cfgtamper:1"),
        &plain(),
        &PlatformChoice::Host,
    )
    .unwrap_err();
    eprintln!("user sees: {e}");
    assert!(matches!(e, ImageError::DigestMismatch { .. }), "{e}");
    assert!(e.to_string().contains(&other.config_digest), "{e}");
}

#[test]
fn tls_registry_with_basic_auth_ca_and_credential_files() {
    if tool_missing("docker-registry") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pki = make_pki(&dir.path().join("pki"));
    let hash = bcrypt::hash("s3cret-pass", 4).unwrap();
    let htpasswd = dir.path().join("htpasswd");
    std::fs::write(&htpasswd, format!("tester:{hash}\n")).unwrap();
    let reg = Registry::start(
        &dir.path().join("reg"),
        &format!(
            "  tls:\n    certificate: {}\n    key: {}",
            pki.cert_path.display(),
            pki.key_path.display()
        ),
        &format!(
            "auth:\n  htpasswd:\n    realm: drydock-test\n    path: {}",
            htpasswd.display()
        ),
        true,
    );
    let host = reg.host();
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("tester:s3cret-pass")
    );
    let p = Pusher::new(
        &format!("https://{host}"),
        Some(pki.ca_pem.as_bytes()),
        Some(basic),
    );
    let img = small_image("amd64", true, "tls basic");
    p.push_image("private/app", Some("1.0"), &img);
    let r = format!("{host}/private/app:1.0");

    let with_ca = RegistryOptions {
        ca_certs: vec![pki.ca_path.clone()],
        ..opts()
    };
    let creds = RegistryOptions {
        username: Some("tester".into()),
        password: Some("s3cret-pass".into()),
        ..with_ca.clone()
    };
    let imgs = registry::open(&r, &creds, &PlatformChoice::Host).unwrap();
    verify_layers(&imgs[0], &img);

    // No credentials: a 401 explained.
    let e = registry::open(&r, &with_ca, &PlatformChoice::Host).unwrap_err();
    eprintln!("user sees: {e}");
    assert!(matches!(e, ImageError::Auth { .. }), "{e}");
    assert!(e.to_string().contains("credentials"), "{e}");
    // Wrong password: rejected, not retried forever.
    let wrong = RegistryOptions {
        password: Some("nope".into()),
        ..creds.clone()
    };
    let e = registry::open(&r, &wrong, &PlatformChoice::Host).unwrap_err();
    eprintln!("user sees: {e}");
    assert!(
        matches!(e, ImageError::Auth { .. } | ImageError::Transport { .. }),
        "{e}"
    );
    assert!(e.to_string().contains("401"), "{e}");

    // Without the CA the certificate is refused ...
    let no_ca = RegistryOptions {
        ca_certs: vec![],
        ..creds.clone()
    };
    let e = registry::open(&r, &no_ca, &PlatformChoice::Host).unwrap_err();
    eprintln!("user sees: {e}");
    assert!(matches!(e, ImageError::Transport { .. }), "{e}");
    // ... unless verification is off.
    let insecure = RegistryOptions {
        insecure: true,
        ..no_ca
    };
    registry::open(&r, &insecure, &PlatformChoice::Host).unwrap();

    // Credentials from an auth file (podman auth.json / docker config.json format).
    let auth_file = dir.path().join("auth.json");
    std::fs::write(
        &auth_file,
        format!(
            r#"{{"auths":{{"{host}":{{"auth":"{}"}}}}}}"#,
            base64::engine::general_purpose::STANDARD.encode("tester:s3cret-pass")
        ),
    )
    .unwrap();
    let from_file = RegistryOptions {
        auth_file: Some(auth_file),
        ..with_ca.clone()
    };
    let imgs = registry::open(&r, &from_file, &PlatformChoice::Host).unwrap();
    verify_layers(&imgs[0], &img);

    // Credentials from a credential helper named in credHelpers (Docker's protocol).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let helpers = dir.path().join("helpers");
        std::fs::create_dir_all(&helpers).unwrap();
        let helper = helpers.join("docker-credential-drydocktest");
        std::fs::write(
            &helper,
            format!(
                "#!/bin/sh\nread server\n[ \"$server\" = \"{host}\" ] || exit 1\n\
                 printf '{{\"ServerURL\":\"%s\",\"Username\":\"tester\",\"Secret\":\"s3cret-pass\"}}' \"$server\"\n"
            ),
        )
        .unwrap();
        std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();
        let cfg = dir.path().join("config.json");
        std::fs::write(
            &cfg,
            format!(r#"{{"credHelpers":{{"{host}":"drydocktest"}}}}"#),
        )
        .unwrap();
        let via_helper = RegistryOptions {
            auth_file: Some(cfg),
            credential_helper_dir: Some(helpers),
            ..with_ca.clone()
        };
        let imgs = registry::open(&r, &via_helper, &PlatformChoice::Host).unwrap();
        verify_layers(&imgs[0], &img);
    }

    // A bad --ca-cert file is named.
    let bogus = dir.path().join("bogus.pem");
    std::fs::write(&bogus, "not a certificate").unwrap();
    let e = registry::open(
        &r,
        &RegistryOptions {
            ca_certs: vec![bogus],
            ..creds
        },
        &PlatformChoice::Host,
    )
    .unwrap_err();
    eprintln!("user sees: {e}");
    assert!(e.to_string().contains("bogus.pem"), "{e}");
}

// ---------------------------------------------------------------- bearer tokens

struct TokenSigner {
    pkcs8: Vec<u8>,
    cert_der: Vec<u8>,
}

fn b64url(b: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

impl TokenSigner {
    /// A CA (written to `ca_path` for the registry's `rootcertbundle`) and a leaf key that
    /// signs the JWTs, carried in the `x5c` header.
    fn new(ca_path: &std::path::Path) -> TokenSigner {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "token CA");
        let ca_cert = ca_params.self_signed(&ca_key).unwrap();
        std::fs::write(ca_path, ca_cert.pem()).unwrap();
        let issuer = rcgen::Issuer::new(ca_params, ca_key);
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, "token signer");
        let cert = params.signed_by(&key, &issuer).unwrap();
        TokenSigner {
            pkcs8: key.serialize_der(),
            cert_der: cert.der().to_vec(),
        }
    }

    fn token(&self, subject: &str, access: serde_json::Value) -> String {
        use ring::signature::{EcdsaKeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
        let header = serde_json::json!({
            "typ": "JWT", "alg": "ES256",
            "x5c": [base64::engine::general_purpose::STANDARD.encode(&self.cert_der)]
        });
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let claims = serde_json::json!({
            "iss": "drydock-test-issuer", "sub": subject, "aud": "drydock-test",
            "exp": now + 300, "nbf": now - 10, "iat": now, "jti": format!("{now}-{subject}"),
            "access": access,
        });
        let signing_input = format!(
            "{}.{}",
            b64url(header.to_string().as_bytes()),
            b64url(claims.to_string().as_bytes())
        );
        let rng = ring::rand::SystemRandom::new();
        let kp =
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &self.pkcs8, &rng).unwrap();
        let sig = kp.sign(&rng, signing_input.as_bytes()).unwrap();
        format!("{signing_input}.{}", b64url(sig.as_ref()))
    }
}

fn query_params(path: &str) -> Vec<(String, String)> {
    let q = path.split_once('?').map(|x| x.1).unwrap_or("");
    q.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| {
            let mut out = Vec::new();
            let b = v.as_bytes();
            let mut i = 0;
            while i < b.len() {
                if b[i] == b'%' && i + 2 < b.len() {
                    out.push(u8::from_str_radix(&v[i + 1..i + 3], 16).unwrap());
                    i += 3;
                } else {
                    out.push(if b[i] == b'+' { b' ' } else { b[i] });
                    i += 1;
                }
            }
            (k.to_string(), String::from_utf8(out).unwrap())
        })
        .collect()
}

#[test]
fn bearer_token_flow_anonymous_and_with_credentials() {
    if tool_missing("docker-registry") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let ca_path = dir.path().join("token-ca.crt");
    let signer = Arc::new(TokenSigner::new(&ca_path));
    let token_requests = Arc::new(AtomicUsize::new(0));
    let seen_auth = Arc::new(Mutex::new(Vec::<Option<String>>::new()));
    let good = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("tok-user:tok-pass")
    );
    let server = {
        let signer = signer.clone();
        let count = token_requests.clone();
        let seen = seen_auth.clone();
        let good = good.clone();
        TinyServer::start(move |req| {
            if !req.path.starts_with("/token") {
                return reply(404, &[], b"");
            }
            count.fetch_add(1, Ordering::SeqCst);
            if req.method == "POST" {
                // OAuth2 refresh-token grant (identity tokens from `docker login`).
                let form = query_params(&format!("?{}", String::from_utf8_lossy(&req.body)));
                let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
                if get("grant_type").as_deref() != Some("refresh_token")
                    || get("refresh_token").as_deref() != Some("refresh-123")
                    || get("service").as_deref() != Some("drydock-test")
                {
                    return reply(401, &[], b"{\"details\":\"bad refresh token\"}");
                }
                let repo = get("scope")
                    .and_then(|s| s.split(':').nth(1).map(str::to_string))
                    .unwrap_or_default();
                let token = signer.token(
                    "tok-user",
                    serde_json::json!([{"type": "repository", "name": repo, "actions": ["pull"]}]),
                );
                let body =
                    serde_json::json!({"access_token": token, "expires_in": 300}).to_string();
                return reply(
                    200,
                    &[("Content-Type", "application/json")],
                    body.as_bytes(),
                );
            }
            let auth = req.header("authorization").map(str::to_string);
            seen.lock().unwrap().push(auth.clone());
            let params = query_params(&req.path);
            if params
                .iter()
                .all(|(k, v)| k != "service" || v != "drydock-test")
            {
                return reply(400, &[], b"{\"details\":\"wrong service\"}");
            }
            let user = match auth.as_deref() {
                None => "",
                Some(a) if a == good => "tok-user",
                Some(_) => return reply(401, &[], b"{\"details\":\"bad credentials\"}"),
            };
            // Anonymous users may pull `public/*` only; the user may pull and push anything.
            let mut access = Vec::new();
            for (k, v) in &params {
                if k != "scope" {
                    continue;
                }
                for scope in v.split(' ') {
                    let parts: Vec<&str> = scope.split(':').collect();
                    // `registry:catalog:*` (the catalog) is the user's only.
                    let known = parts.len() == 3
                        && (parts[0] == "repository"
                            || (parts[0] == "registry" && !user.is_empty()));
                    if !known {
                        continue;
                    }
                    let actions: Vec<&str> = parts[2]
                        .split(',')
                        .filter(|a| {
                            !user.is_empty() || (*a == "pull" && parts[1].starts_with("public/"))
                        })
                        .collect();
                    access.push(
                        serde_json::json!({"type": parts[0], "name": parts[1], "actions": actions}),
                    );
                }
            }
            let token = signer.token(user, serde_json::Value::Array(access));
            let body = serde_json::json!({"token": token, "expires_in": 300}).to_string();
            reply(
                200,
                &[("Content-Type", "application/json")],
                body.as_bytes(),
            )
        })
    };
    let reg = Registry::start(
        &dir.path().join("reg"),
        "",
        &format!(
            "auth:\n  token:\n    realm: {}/token\n    service: drydock-test\n    issuer: drydock-test-issuer\n    rootcertbundle: {}",
            server.url(),
            ca_path.display()
        ),
        false,
    );
    let host = reg.host();

    // Push with a token minted directly for push access.
    let push_token = signer.token(
        "tok-user",
        serde_json::json!([
            {"type": "repository", "name": "public/app", "actions": ["pull", "push"]},
            {"type": "repository", "name": "private/app", "actions": ["pull", "push"]}
        ]),
    );
    let p = Pusher::new(
        &format!("http://{host}"),
        None,
        Some(format!("Bearer {push_token}")),
    );
    let img = small_image("amd64", false, "token flow");
    p.push_image("public/app", Some("1"), &img);
    p.push_image("private/app", Some("1"), &img);

    // Anonymous bearer token for a public repository.
    let before = token_requests.load(Ordering::SeqCst);
    let imgs = registry::open(
        &format!("{host}/public/app:1"),
        &plain(),
        &PlatformChoice::Host,
    )
    .unwrap();
    verify_layers(&imgs[0], &img);
    // One token for the manifest, config and every layer: tokens are cached.
    assert_eq!(token_requests.load(Ordering::SeqCst) - before, 1);
    assert_eq!(seen_auth.lock().unwrap().last().unwrap(), &None);

    // Private repository: anonymous gets a token without access → a clear auth error.
    let e = registry::open(
        &format!("{host}/private/app:1"),
        &plain(),
        &PlatformChoice::Host,
    )
    .unwrap_err();
    eprintln!("user sees: {e}");
    assert!(
        matches!(e, ImageError::Auth { .. } | ImageError::Transport { .. }),
        "{e}"
    );
    assert!(
        e.to_string().contains("401") || e.to_string().contains("denied"),
        "{e}"
    );

    // With credentials the token server sees them (Basic) and grants pull.
    let creds = RegistryOptions {
        username: Some("tok-user".into()),
        password: Some("tok-pass".into()),
        ..plain()
    };
    let imgs = registry::open(
        &format!("{host}/private/app:1"),
        &creds,
        &PlatformChoice::Host,
    )
    .unwrap();
    verify_layers(&imgs[0], &img);
    assert_eq!(
        seen_auth.lock().unwrap().last().unwrap().as_deref(),
        Some(good.as_str())
    );

    // An identity token (config.json `identitytoken`) goes through the refresh-token grant.
    let idfile = dir.path().join("id-auth.json");
    std::fs::write(
        &idfile,
        format!(r#"{{"auths":{{"{host}":{{"identitytoken":"refresh-123"}}}}}}"#),
    )
    .unwrap();
    let with_id = RegistryOptions {
        auth_file: Some(idfile),
        ..plain()
    };
    let imgs = registry::open(
        &format!("{host}/private/app:1"),
        &with_id,
        &PlatformChoice::Host,
    )
    .unwrap();
    verify_layers(&imgs[0], &img);

    // Wrong credentials: the token server's 401 is reported as such.
    let wrong = RegistryOptions {
        password: Some("nope".into()),
        ..creds.clone()
    };
    let e = registry::open(
        &format!("{host}/private/app:1"),
        &wrong,
        &PlatformChoice::Host,
    )
    .unwrap_err();
    eprintln!("user sees: {e}");
    assert!(matches!(e, ImageError::Auth { .. }), "{e}");
    assert!(e.to_string().contains("rejected the credentials"), "{e}");

    // The catalog (drydock registry list): the challenge's `registry:catalog:*` scope for the
    // catalog, a pull token per repository for its tags; anonymous users are refused.
    let list = registry::catalog::ListOptions {
        page_size: 1,
        digests: true,
    };
    let listed = registry::catalog::list(&host, &creds, &list).unwrap();
    let digest = img.manifest_digest();
    assert_eq!(
        listed,
        [
            format!("{host}/private/app:1@{digest}"),
            format!("{host}/public/app:1@{digest}")
        ]
    );
    let e = registry::catalog::list(&host, &plain(), &list).unwrap_err();
    eprintln!("user sees: {e}");
    assert!(
        matches!(e, registry::RegistryError::Unauthorized { .. }),
        "{e}"
    );

    // --tls-verify=false against a plain-HTTP registry: HTTPS fails, plain HTTP is used, and
    // the token flow works the same.
    let https_realm = RegistryOptions {
        plain_http: false,
        insecure: true,
        ..creds
    };
    registry::open(
        &format!("{host}/private/app:1"),
        &https_realm,
        &PlatformChoice::Host,
    )
    .unwrap();
}

// ---------------------------------------------------------------- faults

#[test]
fn retries_on_503_429_and_resets_then_gives_up_on_persistent_500() {
    if tool_missing("docker-registry") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let reg = Registry::start(dir.path(), "", "", false);
    let upstream = format!("http://{}", reg.host());
    let p = Pusher::new(&upstream, None, None);
    let img = small_image("amd64", false, "flaky");
    p.push_image("test/flaky", Some("1"), &img);

    // The first manifest request gets 503, the next 429 (Retry-After 0), the first blob
    // request a hang-up; then everything passes through.
    let hits = Arc::new(Mutex::new(Vec::<String>::new()));
    let proxy = {
        let hits = hits.clone();
        let up = upstream.clone();
        let agent = plain_agent();
        TinyServer::start(move |req| {
            let mut h = hits.lock().unwrap();
            h.push(req.path.clone());
            let manifest_hits = h.iter().filter(|p| p.contains("/manifests/")).count();
            let blob_hits = h.iter().filter(|p| p.contains("/blobs/")).count();
            drop(h);
            if req.path.contains("/manifests/") && manifest_hits == 1 {
                return reply(503, &[], b"busy");
            }
            if req.path.contains("/manifests/") && manifest_hits == 2 {
                return reply(429, &[("Retry-After", "0")], b"slow down");
            }
            if req.path.contains("/blobs/") && blob_hits == 1 {
                return Reply::Hangup;
            }
            forward(&agent, &up, req)
        })
    };
    let host = format!("127.0.0.1:{}", proxy.port);
    let imgs = registry::open(
        &format!("{host}/test/flaky:1"),
        &plain(),
        &PlatformChoice::Host,
    )
    .unwrap();
    verify_layers(&imgs[0], &img);
    let manifest_hits = hits
        .lock()
        .unwrap()
        .iter()
        .filter(|p| p.contains("/manifests/"))
        .count();
    assert_eq!(manifest_hits, 3);

    // Persistent 500 on blobs: bounded retries, then an error with the status and message.
    let count = Arc::new(AtomicUsize::new(0));
    let broken = {
        let up = upstream.clone();
        let count = count.clone();
        let agent = plain_agent();
        TinyServer::start(move |req| {
            if req.path.contains("/blobs/") {
                count.fetch_add(1, Ordering::SeqCst);
                return reply(
                    500,
                    &[("Content-Type", "application/json")],
                    br#"{"errors":[{"code":"UNKNOWN","message":"storage exploded"}]}"#,
                );
            }
            forward(&agent, &up, req)
        })
    };
    let host = format!("127.0.0.1:{}", broken.port);
    let e = registry::open(
        &format!("{host}/test/flaky:1"),
        &plain(),
        &PlatformChoice::Host,
    )
    .unwrap_err();
    eprintln!("user sees: {e}");
    let msg = e.to_string();
    assert!(
        msg.contains("500") && msg.contains("storage exploded"),
        "{msg}"
    );
    assert_eq!(
        count.load(Ordering::SeqCst),
        1 + fast_retry().retries as usize
    );

    // A manifest whose bytes do not match the Docker-Content-Digest the registry announces.
    let liar = {
        let up = upstream.clone();
        let agent = plain_agent();
        TinyServer::start(move |req| {
            let r = forward(&agent, &up, req);
            match r {
                Reply::Full {
                    status,
                    mut headers,
                    body,
                } if req.path.contains("/manifests/") => {
                    for h in headers.iter_mut() {
                        if h.0 == "docker-content-digest" {
                            h.1 = format!("sha256:{}", "0".repeat(64));
                        }
                    }
                    Reply::Full {
                        status,
                        headers,
                        body,
                    }
                }
                other => other,
            }
        })
    };
    let host = format!("127.0.0.1:{}", liar.port);
    let e = registry::open(
        &format!("{host}/test/flaky:1"),
        &plain(),
        &PlatformChoice::Host,
    )
    .unwrap_err();
    eprintln!("user sees: {e}");
    assert!(matches!(e, ImageError::DigestMismatch { .. }), "{e}");
}

#[test]
fn blob_redirects_are_followed_without_leaking_credentials() {
    if tool_missing("docker-registry") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let reg = Registry::start(dir.path(), "", "", false);
    let upstream = format!("http://{}", reg.host());
    let p = Pusher::new(&upstream, None, None);
    let img = small_image("amd64", true, "redirected");
    p.push_image("test/redir", Some("1"), &img);

    // "Storage" on another origin: serves blobs, records any Authorization it receives.
    let leaked = Arc::new(Mutex::new(Vec::<String>::new()));
    let storage = {
        let up = upstream.clone();
        let leaked = leaked.clone();
        let agent = plain_agent();
        TinyServer::start(move |req| {
            if let Some(a) = req.header("authorization") {
                leaked.lock().unwrap().push(a.to_string());
            }
            forward(&agent, &up, req)
        })
    };
    // The registry front: Basic auth required, blobs redirected to the storage origin.
    let storage_url = storage.url();
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode("front:pw")
    );
    let front = {
        let up = upstream.clone();
        let agent = plain_agent();
        let basic = basic.clone();
        TinyServer::start(move |req| {
            if req.header("authorization") != Some(basic.as_str()) {
                return reply(401, &[("WWW-Authenticate", "Basic realm=\"front\"")], b"");
            }
            if req.path.contains("/blobs/") {
                let loc = format!("{storage_url}{}", req.path);
                return reply(307, &[("Location", loc.as_str())], b"");
            }
            forward(&agent, &up, req)
        })
    };
    let host = format!("127.0.0.1:{}", front.port);
    let o = RegistryOptions {
        username: Some("front".into()),
        password: Some("pw".into()),
        ..plain()
    };
    let imgs = registry::open(&format!("{host}/test/redir:1"), &o, &PlatformChoice::Host).unwrap();
    verify_layers(&imgs[0], &img);
    assert!(
        leaked.lock().unwrap().is_empty(),
        "credentials sent to another origin"
    );
}

#[test]
fn blob_streams_resume_after_a_connection_drop() {
    if tool_missing("docker-registry") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let reg = Registry::start(dir.path(), "", "", false);
    let upstream = format!("http://{}", reg.host());
    let p = Pusher::new(&upstream, None, None);
    // A layer that does not compress away, so the cut lands inside the gzip stream.
    let mut noise = Vec::with_capacity(256 << 10);
    let mut x: u32 = 12345;
    for _ in 0..(256 << 10) {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        noise.push((x >> 16) as u8);
    }
    let img = build_image(
        "amd64",
        &[vec![("data/noise.bin", noise.as_slice())]],
        false,
        "1",
    );
    p.push_image("test/resume", Some("1"), &img);
    let layer = img.layer_digests[0].clone();

    let ranges = Arc::new(Mutex::new(Vec::<Option<String>>::new()));
    let proxy = {
        let up = upstream.clone();
        let agent = plain_agent();
        let ranges = ranges.clone();
        let layer = layer.clone();
        TinyServer::start(move |req| {
            if req.path.ends_with(&layer) {
                let mut r = ranges.lock().unwrap();
                r.push(req.header("range").map(str::to_string));
                if r.len() == 1 {
                    // First attempt: half the blob, then the connection drops.
                    return match forward(&agent, &up, req) {
                        Reply::Full {
                            status,
                            headers,
                            body,
                        } => {
                            let cut = body.len() / 2;
                            Reply::Truncated {
                                status,
                                headers,
                                body,
                                cut,
                            }
                        }
                        other => other,
                    };
                }
            }
            forward(&agent, &up, req)
        })
    };
    let host = format!("127.0.0.1:{}", proxy.port);
    let imgs = registry::open(
        &format!("{host}/test/resume:1"),
        &plain(),
        &PlatformChoice::Host,
    )
    .unwrap();
    verify_layers(&imgs[0], &img);
    let r = ranges.lock().unwrap();
    assert_eq!(r.len(), 2, "{r:?}");
    assert_eq!(r[0], None);
    let half = img.blobs[&layer].len() / 2;
    assert_eq!(r[1].as_deref(), Some(format!("bytes={half}-").as_str()));
}
