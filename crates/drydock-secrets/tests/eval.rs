//! Recall and precision over a labelled set built here (not from the rules' own examples):
//! real-format secrets in many file formats, and hard negatives that look like secrets
//! (hashes, UUIDs, base64 blobs, certificates/public keys, placeholders, documentation keys,
//! look-alikes with a wrong checksum, secret-named keys holding paths/URLs/variables).
//! `scripts/secrets-eval.sh` runs this with the numbers printed.

use drydock_core::Severity;
use drydock_secrets::{validate, ContentKind, Engine, ScanContext};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
    fn s(&mut self, alphabet: &str, n: usize) -> String {
        let a = alphabet.as_bytes();
        loop {
            let out: String = (0..n)
                .map(|_| a[(self.next() % a.len() as u64) as usize] as char)
                .collect();
            // Random strings can (rarely) look like placeholders; real tokens would too.
            if !validate::is_placeholder(out.as_bytes()) {
                return out;
            }
        }
    }
}

const B62: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const HEX: &str = "0123456789abcdef";
const B64: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/";
const B64URL: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
const B32: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const ALPHA: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

fn b64(data: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(data)
}

fn crc_token(r: &mut Rng, prefix: &str) -> String {
    let body = r.s(B62, 30);
    let mut n = validate::crc32(body.as_bytes());
    let mut sum = vec![b'0'; 6];
    for slot in sum.iter_mut().rev() {
        *slot = B62.as_bytes()[(n % 62) as usize];
        n /= 62;
    }
    format!("{prefix}{body}{}", String::from_utf8(sum).unwrap())
}

fn pem(r: &mut Rng, label: &str, bytes: usize) -> String {
    let raw: Vec<u8> = (0..bytes).map(|_| r.next() as u8).collect();
    let body = b64(&raw);
    let lines: Vec<&str> = body
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

/// A PyPI token as PyPI mints them: `pypi-` + base64url of a version-2 macaroon (location
/// pypi.org, identifier, one caveat, 32-byte signature).
fn pypi_token(r: &mut Rng) -> String {
    use base64::Engine as _;
    let field = |t: u8, d: &[u8]| [&[t, d.len() as u8][..], d].concat();
    let caveat = format!(
        r#"{{"version":1,"permissions":{{"projects":["{}"]}}}}"#,
        r.s(HEX, 8)
    );
    let mut m = vec![2u8];
    m.extend(field(1, b"pypi.org"));
    m.extend(field(2, r.s(B64URL, 32).as_bytes()));
    m.push(0);
    m.extend(field(2, caveat.as_bytes()));
    m.extend([0, 0]);
    m.extend(field(6, r.s(B64URL, 32).as_bytes()));
    format!(
        "pypi-{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(m)
    )
}

/// (env-style name, secret value) pairs of real formats.
fn positive_secret(r: &mut Rng, i: usize) -> (String, String) {
    let v = match i % 34 {
        0 => {
            let prefix = r.pick(&["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]);
            ("GITHUB_TOKEN", crc_token(r, prefix))
        }
        1 => ("NPM_TOKEN", crc_token(r, "npm_")),
        2 => (
            "GH_TOKEN",
            format!("github_pat_{}_{}", r.s(B62, 22), r.s(B62, 59)),
        ),
        3 => ("GITLAB_TOKEN", format!("glpat-{}", r.s(B62, 20))),
        4 => ("AWS_ACCESS_KEY_ID", format!("AKIA{}", r.s(B32, 16))),
        5 => ("AWS_SECRET_ACCESS_KEY", r.s(B64, 40)),
        6 => ("GOOGLE_API_KEY", format!("AIza{}", r.s(B64URL, 35))),
        7 => (
            "SLACK_BOT_TOKEN",
            format!(
                "xoxb-{}-{}-{}",
                r.s("0123456789", 12),
                r.s("0123456789", 13),
                r.s(B62, 24)
            ),
        ),
        8 => ("STRIPE_KEY", format!("sk_live_{}", r.s(B62, 24))),
        9 => (
            "SENDGRID_API_KEY",
            format!("SG.{}.{}", r.s(B64URL, 22), r.s(B64URL, 43)),
        ),
        10 => ("HF_TOKEN", format!("hf_{}", r.s(ALPHA, 34))),
        11 => (
            "ANTHROPIC_API_KEY",
            format!("sk-ant-api03-{}AA", r.s(B64URL, 93)),
        ),
        12 => (
            "OPENAI_API_KEY",
            format!("sk-proj-{}T3BlbkFJ{}", r.s(B64URL, 40), r.s(B64URL, 40)),
        ),
        13 => ("DIGITALOCEAN_TOKEN", format!("dop_v1_{}", r.s(HEX, 64))),
        14 => ("SHOPIFY_TOKEN", format!("shpat_{}", r.s(HEX, 32))),
        15 => ("DOCKERHUB_TOKEN", format!("dckr_pat_{}", r.s(B64URL, 27))),
        16 => ("PYPI_TOKEN", pypi_token(r)),
        17 => ("GEM_HOST_API_KEY", format!("rubygems_{}", r.s(HEX, 48))),
        18 => ("VAULT_TOKEN", format!("hvs.{}", r.s(B64URL, 95))),
        19 => (
            "NEW_RELIC_API_KEY",
            format!("NRAK-{}", r.s("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 27)),
        ),
        20 => (
            "POSTMAN_API_KEY",
            format!("PMAK-{}-{}", r.s(HEX, 24), r.s(HEX, 34)),
        ),
        21 => ("LINEAR_API_KEY", format!("lin_api_{}", r.s(B62, 40))),
        22 => ("SENTRY_AUTH_TOKEN", format!("sntryu_{}", r.s(HEX, 64))),
        23 => (
            "DATABASE_URL",
            format!("postgres://app:{}@db.internal:5432/app", r.s(B62, 20)),
        ),
        24 => (
            "MONGO_URL",
            format!(
                "mongodb+srv://svc:{}@cluster0.abcde.mongodb.net/db",
                r.s(B62, 16)
            ),
        ),
        25 => (
            "REDIS_URL",
            format!("redis://default:{}@cache:6379/0", r.s(B62, 24)),
        ),
        26 => (
            "API_JWT",
            format!(
                "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ{}.{}",
                r.s(B64URL, 60),
                r.s(B64URL, 43)
            ),
        ),
        27 => ("DB_PASSWORD", r.s(B62, 20)),
        28 => ("API_KEY", format!("hd_{}", r.s(B62, 32))),
        29 => ("SESSION_SECRET", r.s(B64, 32)),
        30 => (
            "TELEGRAM_BOT_TOKEN",
            format!("{}:AA{}", r.s("123456789", 10), r.s(B64URL, 33)),
        ),
        31 => (
            "TFE_TOKEN",
            format!("{}.atlasv1.{}", r.s(B62, 14), r.s(B64URL, 67)),
        ),
        32 => (
            "GRAFANA_TOKEN",
            format!("glsa_{}_{}", r.s(B62, 32), r.s(HEX, 8)),
        ),
        _ => (
            "SLACK_WEBHOOK",
            format!(
                "https://hooks.slack.com/services/T{}/B{}/{}",
                r.s(B32, 8),
                r.s(B32, 10),
                r.s(B62, 24)
            ),
        ),
    };
    (v.0.to_string(), v.1)
}

/// Put `name = value` in one of the formats a scanner meets.
fn in_context(r: &mut Rng, name: &str, value: &str) -> String {
    let lower = name.to_ascii_lowercase();
    match r.next() % 8 {
        0 => format!("# settings\n{name}={value}\n"),
        1 => format!("export {name}=\"{value}\"\n"),
        2 => format!("app:\n  {lower}: {value}\n  region: eu-west-1\n"),
        3 => format!("{{\n  \"{lower}\": \"{value}\",\n  \"debug\": false\n}}\n"),
        4 => format!("FROM debian:12\nENV {name}={value}\nRUN make\n"),
        5 => format!("[default]\n{lower} = {value}\n"),
        6 => format!("spring.{}={value}\n", lower.replace('_', ".")),
        _ => format!("      - name: {name}\n        value: \"{value}\"\n"),
    }
}

fn negatives(r: &mut Rng) -> Vec<String> {
    let mut out = Vec::new();
    for i in 0..1200 {
        let s = match i % 30 {
            0 => format!("sha1: {}\n", r.s(HEX, 40)),
            1 => format!("{}  /usr/lib/x86_64-linux-gnu/libz.so.1\n", r.s(HEX, 64)),
            2 => format!("\"integrity\": \"sha512-{}==\"\n", r.s(B64, 86)),
            3 => format!("FROM debian@sha256:{}\n", r.s(HEX, 64)),
            4 => format!("commit {}\nAuthor: Dev <dev@corp.io>\n", r.s(HEX, 40)),
            5 => format!("request_id: {}-{}-4{}-a{}-{}\n", r.s(HEX, 8), r.s(HEX, 4), r.s(HEX, 3), r.s(HEX, 3), r.s(HEX, 12)),
            6 => format!("{{\"id\": \"{}-{}-{}-{}-{}\", \"kind\": \"node\"}}\n", r.s(HEX, 8), r.s(HEX, 4), r.s(HEX, 4), r.s(HEX, 4), r.s(HEX, 12)),
            7 => format!("data: {}\n", r.s(B64, 120)),
            8 => format!("\"thumbnail\": \"data:image/png;base64,{}\"\n", r.s(B64, 200)),
            9 => pem(r, "CERTIFICATE", 800),
            10 => format!("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{} dev@laptop\n", r.s(B64, 43)),
            11 => pem(r, "PUBLIC KEY", 294),
            12 => "AWS_ACCESS_KEY_ID=AKIAXXXXXXXXXXXXXXXX\nAWS_SECRET_ACCESS_KEY=<your-secret-key>\n".to_string(),
            13 => "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n".to_string(),
            14 => "password: ${DB_PASSWORD}\napi_key: \"{{ .Values.apiKey }}\"\ntoken: $TOKEN\n".to_string(),
            15 => "password: changeme\nsecret: your-secret-here\ntoken: <token>\n".to_string(),
            16 => {
                // wrong checksum: right shape, not a token
                let t = crc_token(r, "ghp_");
                format!("legacy={}{}\n", &t[..34], r.s(B62, 6))
            }
            17 => {
                let t = crc_token(r, "npm_");
                format!("npm={}{}\n", &t[..34], r.s(B62, 6))
            }
            18 => "password_file: /run/secrets/db_password\nTOKEN_URL=https://auth.corp.io/oauth/token\nSECRET_NAME=prod-db\n".to_string(),
            19 => format!("GPG_KEY={}\nNODE_VERSION=20.11.1\n", r.s("0123456789ABCDEF", 40)),
            20 => "token = os.environ[\"API_TOKEN\"]\npassword = settings.DB_PASSWORD\nsecret = get_secret(\"db\")\n".to_string(),
            21 => format!("checksum = \"{}\"\nversion = \"1.2.3\"\n", r.s(HEX, 64)),
            22 => format!("<PackageReference Include=\"X\" Version=\"1.0\" Hash=\"{}\" />\n", r.s(B64, 88)),
            23 => "postgres://user:password@localhost:5432/db\nredis://:${REDIS_PASSWORD}@cache:6379\n".to_string(),
            24 => "Authorization: Bearer <access-token>\ncurl -u \"$USER:$PASS\" https://x\n".to_string(),
            25 => format!("pk_live_{}\n", r.s(B62, 24)),
            26 => format!("MYSQL_ALLOW_EMPTY_PASSWORD=yes\nPASSWORD_MIN_LENGTH=12\nkey_id: {}\n", r.s(HEX, 16)),
            27 => "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA...\n-----END RSA PRIVATE KEY-----\n".to_string(),
            28 => format!("eyJhbGciOiJIUzI1NiJ9 is the header; payload {}\n", r.s(B64URL, 40)),
            _ => format!("{} {} {}\n", r.s(B62, 32), r.s(HEX, 32), r.s(B64, 44)),
        };
        out.push(s);
    }
    out
}

#[test]
fn recall_and_false_positive_rate() {
    let engine = Engine::builtin();
    let mut r = Rng(0x5eed_cafe_f00d_1234);
    let mut found = 0usize;
    let mut total = 0usize;
    let mut missed = Vec::new();
    for i in 0..1360 {
        let (name, value) = positive_secret(&mut r, i);
        let text = in_context(&mut r, &name, &value);
        total += 1;
        let hit = engine
            .scan(text.as_bytes(), &ScanContext::default())
            .iter()
            .any(|m| {
                let s = &text.as_bytes()[m.secret.clone()];
                // The finding must point at the secret (for URLs: the password inside it).
                value.as_bytes().windows(s.len()).any(|w| w == s)
            });
        if hit {
            found += 1;
        } else if missed.len() < 20 {
            missed.push(text);
        }
    }
    // Private keys and values of secret-named variables (ENV/ARG/LABEL).
    for i in 0..140 {
        total += 1;
        let ok = if i % 2 == 0 {
            let label = r.pick(&[
                "RSA PRIVATE KEY",
                "PRIVATE KEY",
                "EC PRIVATE KEY",
                "OPENSSH PRIVATE KEY",
            ]);
            let k = pem(&mut r, label, 600);
            !engine
                .scan(k.as_bytes(), &ScanContext::default())
                .is_empty()
        } else {
            let name = r.pick(&[
                "DB_PASSWORD",
                "com.example.db.password",
                "API_TOKEN",
                "CLIENT_SECRET",
            ]);
            let value = format!("{}-{}!", r.s(B62, 6), r.s(B62, 12));
            let cx = ScanContext {
                name: Some(name),
                kind: ContentKind::Value,
                ..Default::default()
            };
            !engine.scan(value.as_bytes(), &cx).is_empty()
        };
        if ok {
            found += 1;
        }
    }
    let recall = found as f64 / total as f64;

    let negs = negatives(&mut r);
    let mut any = 0usize;
    let mut serious = 0usize;
    let mut shown = Vec::new();
    for n in &negs {
        let m = engine.scan(n.as_bytes(), &ScanContext::default());
        if !m.is_empty() {
            any += 1;
        }
        if m.iter().any(|m| m.severity > Severity::Low) {
            serious += 1;
            if shown.len() < 20 {
                shown.push(format!("{} in {n:?}", m[0].rule_id));
            }
        }
    }
    let fp = serious as f64 / negs.len() as f64;
    eprintln!(
        "secrets eval: recall {:.2}% ({found}/{total}); false findings on {} hard negatives: {:.2}% above low ({serious}), {:.2}% any severity ({any})",
        recall * 100.0,
        negs.len(),
        fp * 100.0,
        any as f64 * 100.0 / negs.len() as f64
    );
    assert!(
        recall >= 0.98,
        "recall {recall:.4} < 0.98; missed e.g.:\n{}",
        missed.join("---\n")
    );
    assert!(
        fp <= 0.02,
        "false-positive rate {fp:.4} > 0.02; e.g.:\n{}",
        shown.join("\n")
    );
}
