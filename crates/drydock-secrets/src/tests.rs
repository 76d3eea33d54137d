//! Engine tests: rule data, validators in context, streaming, binary handling, context.

use super::*;

fn scan(text: &str) -> Vec<SecretMatch> {
    Engine::builtin().scan(text.as_bytes(), &ScanContext::default())
}

fn ids(text: &str) -> Vec<String> {
    scan(text).into_iter().map(|m| m.rule_id).collect()
}

#[test]
fn every_rule_example_and_negative_example_checks() {
    let report = check_rules().unwrap_or_else(|e| match e {
        RulesCheckError::Failures(f) => panic!("rule check failures:\n{}", f.join("\n")),
        other => panic!("{other}"),
    });
    assert!(report.rules >= 150, "only {} rules", report.rules);
    assert!(report.examples >= report.rules);
    assert!(report.negative_examples >= report.rules);
}

#[test]
fn catalog_lists_every_rule_with_description() {
    let cat = rule_catalog();
    assert_eq!(cat.len(), Engine::builtin().rule_count());
    assert!(cat
        .iter()
        .all(|r| !r.description.is_empty() && !r.name.is_empty()));
    assert!(cat.iter().any(|r| r.id == "github-pat-classic"));
}

#[test]
fn github_checksum_separates_tokens_from_look_alikes() {
    let good = "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";
    let bad = "ghp_sbUsUmRNn8X74dFU0DJ9Fm1mvdCgtH474T39";
    let m = scan(&format!("GITHUB_TOKEN={good}\n"));
    assert_eq!(m.len(), 1, "{m:?}");
    assert_eq!(m[0].rule_id, "github-pat-classic");
    assert_eq!(m[0].confidence, Confidence::High);
    // A wrong checksum is a look-alike: neither the GitHub rule nor the generic one reports it.
    assert!(scan(&format!("GITHUB_TOKEN={bad}\n")).is_empty());
    assert!(scan(&format!(
        "github={bad}\nnpm=npm_UEuirnhN6qyDNigmWWTIEHMNquQHF54FKSCW\n"
    ))
    .is_empty());
}

#[test]
fn positions_are_exact() {
    let text = "a\nbb GITHUB_TOKEN=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\n";
    let m = &scan(text)[0];
    assert_eq!(
        &text[m.secret.clone()],
        "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"
    );
    assert_eq!((m.start_line, m.start_column), (2, 17));
    assert_eq!((m.end_line, m.end_column), (2, 56));
}

#[test]
fn documented_example_keys_are_info_with_reason() {
    let m = scan("AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n");
    assert_eq!(m.len(), 2, "{m:?}");
    for x in &m {
        assert_eq!(x.severity, Severity::Info);
        assert_eq!(x.confidence, Confidence::Low);
        assert!(x
            .vendor_reason
            .as_deref()
            .unwrap()
            .contains("documented example key"));
    }
    // Other EXAMPLE-containing values are placeholders and dropped.
    assert!(scan("AWS_ACCESS_KEY_ID=AKIAABCDEFGEXAMPLE22\n").is_empty());
}

#[test]
fn owner_package_and_test_paths_lower_severity() {
    let key = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oFA2DyMrE4wYoAoGCCqGSM49\nAwEHoUQDQgAE7m4rxZkUmSKe1kIXp5ZFyOe7yNg0dJNUKG4wGr4ZPvGXh4mVvDDU\nEUlVNVQ3SxcLUc5E5uQmYpAy8S1Hw1ycPg==\n-----END EC PRIVATE KEY-----\n";
    let plain = Engine::builtin().scan(key.as_bytes(), &ScanContext::default());
    assert_eq!(plain[0].severity, Severity::Critical);
    let cx = ScanContext {
        path: Some("usr/lib/x86_64-linux-gnu/libgnutls.so.30"),
        owner_package: Some("libgnutls30"),
        ..Default::default()
    };
    let m = Engine::builtin().scan(key.as_bytes(), &cx);
    assert_eq!(m[0].severity, Severity::Low);
    assert!(m[0]
        .vendor_reason
        .as_deref()
        .unwrap()
        .contains("shipped by package libgnutls30"));
    let cx = ScanContext {
        path: Some("src/tests/fixtures/key.pem"),
        ..Default::default()
    };
    let m = Engine::builtin().scan(key.as_bytes(), &cx);
    assert_eq!(m[0].severity, Severity::Low);
    assert_eq!(m[0].confidence, Confidence::Medium);
}

#[test]
fn binary_content_only_gets_high_signal_rules() {
    let mut blob = vec![0u8, 1, 2, 3, 0x7f, b'E', b'L', b'F'];
    blob.extend_from_slice(b"\0\0password=Xk29fjQm2PzR7wq8\0");
    blob.extend_from_slice(b"\0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\0");
    let m = Engine::builtin().scan(&blob, &ScanContext::default());
    let ids: Vec<_> = m.iter().map(|m| m.rule_id.as_str()).collect();
    assert_eq!(ids, ["github-pat-classic"]);
}

#[test]
fn streaming_finds_matches_across_window_edges_once() {
    // Secrets placed around every window cut; each reported exactly once with stream offsets.
    let token = "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";
    let filler_line = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do\n";
    let mut data = String::new();
    let mut expected = Vec::new();
    let cuts = [
        STREAM_CHUNK,
        2 * STREAM_CHUNK - STREAM_OVERLAP,
        3 * STREAM_CHUNK,
    ];
    for &cut in &cuts {
        while data.len() + 20 < cut {
            data.push_str(filler_line);
        }
        data.push_str("token: ");
        expected.push(data.len());
        data.push_str(token);
        data.push('\n');
    }
    for _ in 0..1000 {
        data.push_str(filler_line);
    }
    let whole = Engine::builtin().scan(data.as_bytes(), &ScanContext::default());
    let mut streamed = Vec::new();
    Engine::builtin()
        .scan_reader(data.as_bytes(), &ScanContext::default(), |m| {
            streamed.push(m)
        })
        .unwrap();
    let starts: Vec<usize> = streamed.iter().map(|m| m.secret.start).collect();
    assert_eq!(starts, expected);
    assert_eq!(streamed, whole);
}

#[test]
fn structured_credential_files() {
    let e = Engine::builtin();
    let run = |path: &str, text: &str| -> Vec<String> {
        let cx = ScanContext {
            path: Some(path),
            ..Default::default()
        };
        e.scan(text.as_bytes(), &cx)
            .into_iter()
            .map(|m| m.rule_id)
            .collect()
    };
    assert_eq!(
        run(
            "root/.docker/config.json",
            r#"{"auths":{"registry.corp.io":{"auth":"Y2k6OWhKMnFMNHpYN3BWa1I="}}}"#
        ),
        ["docker-config-auth"]
    );
    assert_eq!(
        run("etc/shadow", "root:*:19700:0:99999:7:::\nbin:!:19700::::::\napp:$6$Qm3kV9xZ$Gq2w8RkT4pLx7nV1cZ0aB5dE9fH3jK6mN8qS2uW4yA7bC1eD5gF8hJ0kL3mN6pQ9rS2tU5vW8xY1zA4bC7dE0f:19700:0:99999:7:::\n"),
        ["shadow-password-hash"]
    );
    assert!(run(
        "etc/shadow",
        "root:*:19700:0:99999:7:::\nnobody:!*:19700::::::\n"
    )
    .is_empty());
    assert_eq!(
        run(
            "root/.npmrc",
            "//registry.npmjs.org/:_authToken=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\n"
        ),
        ["npm-access-token"]
    );
    assert_eq!(
        run(
            "srv/app/.env",
            "DATABASE_URL=postgres://app:Qx7RmP2kLw9ZtV4nBc8J@db.internal:5432/app\n"
        ),
        ["postgres-url-password"]
    );
    assert_eq!(
        run(
            "root/.netrc",
            "machine api.corp.io login ci password Kx82mQpZ7Lr4\n"
        ),
        ["netrc-password"]
    );
}

#[test]
fn lab_style_values() {
    // The shapes planted by the shared lab (values here are made up).
    assert_eq!(
        ids("API_KEY=hd_Xk29fjQm2PzR7wq8Lm3Nb6Vc1Zx4Tg7Y\n"),
        ["generic-secret-assignment"]
    );
    assert_eq!(
        ids("[service]\nname = demo\napi_key = hd_Xk29fjQm2PzR7wq8Lm3Nb6Vc1Zx4Tg7Y\n"),
        ["generic-secret-assignment"]
    );
    assert_eq!(
        ids("database:\n  password: Qx7RmP2kLw9ZtV4nBc8J\n"),
        ["generic-secret-assignment"]
    );
    assert!(ids("database:\n  password_file: /run/secrets/db_password\n").is_empty());
    assert_eq!(
        ids("STRIPE_SECRET_KEY=sk_live_Xk29fjQm2PzR7wq8Lm3Nb6Vc\n"),
        ["stripe-live-secret-key"]
    );
    let cx = ScanContext {
        name: Some("com.example.db.password"),
        kind: ContentKind::Value,
        ..Default::default()
    };
    let m = Engine::builtin().scan(b"Lab-Xk29fjQm2PzR7wq8!", &cx);
    assert_eq!(m[0].rule_id, "secret-in-named-variable");
    assert_eq!((m[0].secret.clone(), m[0].start_column), (0..21, 1));
    // Context rules see the variable name: `DD_API_KEY` + 32 hex is a Datadog key.
    let cx = ScanContext {
        name: Some("DD_API_KEY"),
        kind: ContentKind::Value,
        ..Default::default()
    };
    let m = Engine::builtin().scan(b"3f9a0c2e7b1d4a6f8e5c9b2a1d0e7f3c", &cx);
    assert_eq!(m[0].rule_id, "datadog-api-key");
    assert_eq!(m[0].secret, 0..32);
    // The lab's ENV pair: AWS's documented example keys, reported at info with the reason.
    let cx = ScanContext {
        name: Some("AWS_SECRET_ACCESS_KEY"),
        kind: ContentKind::Value,
        ..Default::default()
    };
    let m = Engine::builtin().scan(b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", &cx);
    assert_eq!(m[0].rule_id, "aws-secret-access-key");
    assert_eq!(m[0].severity, Severity::Info);
}

#[test]
fn user_rules_and_disabling() {
    let extra = r#"
rules:
  - id: acme-token
    name: ACME internal token
    category: custom
    severity: high
    confidence: high
    keywords: [acme_]
    pattern: '\b(?P<secret>acme_[a-z0-9]{24})\b'
    examples: ['ACME=acme_k2j4h5g6f7d8s9a0q1w2e3r4']
    negative_examples: ['acme_short']
"#;
    let e = Engine::with_rules(&[("drydock.toml", extra)], &["generic-secret-assignment"]).unwrap();
    let m = e.scan(
        b"ACME=acme_k2j4h5g6f7d8s9a0q1w2e3r4\npassword: Qx7RmP2kLw9ZtV4nBc8J\n",
        &ScanContext::default(),
    );
    let ids: Vec<_> = m.iter().map(|m| m.rule_id.as_str()).collect();
    assert_eq!(ids, ["acme-token"]);
    assert!(check_rules_with(&[("drydock.toml", extra)], &[]).is_ok());
    let err = Engine::with_rules(&[], &["no-such-rule"])
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("no-such-rule"), "{err}");
    let err = Engine::with_rules(&[("bad.yaml", "rules: [{id: x}]")], &[])
        .err()
        .unwrap()
        .to_string();
    assert!(err.starts_with("rules file bad.yaml:"), "{err}");
    let dup = extra.replace("acme-token", "github-pat-classic");
    assert!(matches!(
        Engine::with_rules(&[("u.yaml", &dup)], &[]),
        Err(RulesError::Duplicate { .. })
    ));
    let bad_re = extra.replace(r"\b(?P<secret>acme_", r"\b((?P<secret>acme_");
    let err = Engine::with_rules(&[("u.yaml", &bad_re)], &[])
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("pattern does not compile"), "{err}");
}

#[test]
fn huge_line_without_newlines_is_bounded() {
    let mut data = vec![b'a'; 3 << 20];
    data.extend_from_slice(b" password=Qx7RmP2kLw9ZtV4nBc8J ");
    data.extend(std::iter::repeat_n(b'b', 1 << 20));
    let m = Engine::builtin().scan(&data, &ScanContext::default());
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].start_line, 1);
}

#[test]
fn token_contains_stops_at_the_token_end() {
    use crate::token_contains;
    assert!(token_contains(b"user:pw@host/x more", b"@"));
    assert!(!token_contains(b"github.com/x more@text", b"@"));
    assert!(!token_contains(b"a\"@b", b"@"));
    assert!(token_contains(b"aab", b"ab"));
    assert!(!token_contains(b"", b"@"));
    assert!(token_contains(b"anything", b""));
}

#[test]
fn match_descriptions_read_as_english() {
    let engine = Engine::builtin();
    let describe = |text: &str, name: Option<&str>| {
        let cx = ScanContext {
            name,
            kind: if name.is_some() {
                ContentKind::Value
            } else {
                ContentKind::File
            },
            ..Default::default()
        };
        engine.scan(text.as_bytes(), &cx)[0].with_article()
    };
    assert_eq!(
        describe("AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n", None),
        "an AWS access key ID"
    );
    assert!(
        describe("token = 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\n", None)
            .starts_with("a GitHub")
    );
    assert_eq!(
        describe("Zq8vN3kR7tLp2XwY9mBc", Some("DB_PASSWORD")),
        "a secret value"
    );
}

fn lcg_bytes(seed: u64, n: usize) -> Vec<u8> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) as u8
        })
        .collect()
}

fn pem_rsa(seed: u64) -> String {
    use base64::Engine as _;
    let body = base64::engine::general_purpose::STANDARD.encode(lcg_bytes(seed, 600));
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n",
        lines.join("\n")
    )
}

#[test]
fn base64_encoded_keys_and_configs_are_decoded_and_found_at_the_encoded_text() {
    use base64::Engine as _;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    // A Kubernetes TLS secret: `tls.key` holds a base64 PEM key.
    let encoded = b64(&pem_rsa(3));
    let text = format!(
        "apiVersion: v1\nkind: Secret\ntype: kubernetes.io/tls\ndata:\n  tls.key: {encoded}\n"
    );
    let m = scan(&text);
    let hit = m
        .iter()
        .find(|m| m.rule_id == "rsa-private-key-pkcs1")
        .unwrap_or_else(|| panic!("{m:?}"));
    assert_eq!(hit.decoded, Some("base64"));
    assert_eq!(&text[hit.secret.clone()], encoded);
    assert_eq!(hit.start_line, 5);
    // A JWT base64-encoded once more.
    let header =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","typ":"JWT"}"#);
    let claims = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(r#"{"sub":"svc-deploy","iat":1767225600}"#);
    let sig = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(lcg_bytes(9, 32));
    let jwt = format!("{header}.{claims}.{sig}");
    let text = format!("session_blob: {}\n", b64(&jwt));
    let m = scan(&text);
    assert!(
        m.iter()
            .any(|m| m.rule_id == "jwt" && m.decoded == Some("base64")),
        "{m:?}"
    );
    // Base64 of harmless JSON yields nothing.
    assert!(scan(&format!(
        "data: {}\n",
        b64(r#"{"kind":"Config","replicas":3}"#)
    ))
    .is_empty());
}

#[test]
fn json_escaped_pem_keys_are_found() {
    let pem = pem_rsa(5).replace('\n', "\\n");
    let text = format!("{{\"type\": \"service_account\", \"private_key\": \"{pem}\"}}\n");
    let m = scan(&text);
    assert!(
        m.iter()
            .any(|m| m.rule_id == "rsa-private-key-pkcs1" && m.severity >= Severity::High),
        "{m:?}"
    );
}

#[test]
fn url_encoded_passwords_are_judged_decoded() {
    let m = scan("DATABASE_URL=postgres://app:Zq8%40vR2m%21Lp7x@db.internal:5432/app\n");
    assert!(
        m.iter().any(|m| m.rule_id == "postgres-url-password"),
        "{m:?}"
    );
    // `${DB_PASSWORD}` URL-encoded is still a reference.
    assert!(scan("DATABASE_URL=postgres://app:%24%7BDB_PASSWORD%7D@db.internal/app\n").is_empty());
}

#[test]
fn package_owned_generic_hits_are_info_and_provider_hits_low() {
    let cx = ScanContext {
        path: Some("usr/lib/python3/dist-packages/oauthlib/client.py"),
        owner_package: Some("python3-oauthlib"),
        ..Default::default()
    };
    let m = Engine::builtin().scan(b"client_secret = 'Zq8vR2mLp7xWk4Tn9Bc3'\n", &cx);
    assert_eq!(m[0].rule_id, "generic-secret-assignment");
    assert_eq!(m[0].severity, Severity::Info);
    assert!(m[0]
        .vendor_reason
        .as_deref()
        .unwrap()
        .contains("python3-oauthlib"));
    let m = Engine::builtin().scan(b"token = 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\n", &cx);
    assert_eq!(m[0].severity, Severity::Low);
}

#[test]
fn a_user_rule_at_info_passes_its_own_examples() {
    let extra = r#"
rules:
  - id: acme-build-id
    name: ACME build id (inventory)
    category: custom
    severity: info
    confidence: high
    keywords: [acmebuild_]
    pattern: '\b(?P<secret>acmebuild_[a-z0-9]{24})\b'
    examples: ['BUILD=acmebuild_k2j4h5g6f7d8s9a0q1w2e3r4']
    negative_examples: ['acmebuild_short']
"#;
    if let Err(e) = check_rules_with(&[("rules.yaml", extra)], &[]) {
        panic!("{e:?}");
    }
}

#[test]
fn a_uuid_under_a_password_named_variable_is_kept() {
    let cx = ScanContext {
        name: Some("DB_PASSWORD"),
        kind: ContentKind::Value,
        ..Default::default()
    };
    let m = Engine::builtin().scan(b"3f1c9a2e-7b4d-4e8a-9c1f-2d6b8e0a4c7f", &cx);
    assert!(!m.is_empty());
    let cx = ScanContext {
        name: Some("CSRF_TOKEN"),
        kind: ContentKind::Value,
        ..Default::default()
    };
    assert!(Engine::builtin()
        .scan(b"3f1c9a2e-7b4d-4e8a-9c1f-2d6b8e0a4c7f", &cx)
        .is_empty());
}
