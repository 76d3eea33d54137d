//! Provider rules that need their name next to the value (a UUID or hex string is nobody's
//! format alone) must find it in every syntax the assignment detector reads, not only in
//! `KEY=value`: each assignment is rescanned as `key=value` by the provider rules. Also the
//! token shapes fixed this session (LaunchDarkly, Cloudinary, Backblaze, Packagist, X bearer,
//! Django, PyPI) in a few syntaxes, and Kubernetes Secret `data:` values (base64). Values are
//! generated here (seeded), not copied from anywhere.

use base64::Engine as _;
use drydock_core::Severity;
use drydock_secrets::{Engine, ScanContext};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn from(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| alphabet[(self.next() % alphabet.len() as u64) as usize] as char)
            .collect()
    }
    fn uuid(&mut self) -> String {
        let h = self.from(HEX, 32);
        format!(
            "{}-{}-4{}-a{}-{}",
            &h[..8],
            &h[8..12],
            &h[13..16],
            &h[17..20],
            &h[20..]
        )
    }
}

const HEX: &[u8] = b"0123456789abcdef";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const LOWNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const DJANGO: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789!@#%^&*(-_=+)";

type Template = fn(&str, &str) -> String;

/// (syntax, path, template(KEY_NAME, value)); values need no escaping in any of them.
fn syntaxes() -> Vec<(&'static str, &'static str, Template)> {
    fn snake(k: &str) -> String {
        k.to_ascii_lowercase()
    }
    fn camel(k: &str) -> String {
        let mut out = String::new();
        for (i, w) in k.split('_').enumerate() {
            let w = w.to_ascii_lowercase();
            if i == 0 {
                out.push_str(&w);
            } else {
                out.push_str(&w[..1].to_ascii_uppercase());
                out.push_str(&w[1..]);
            }
        }
        out
    }
    vec![
        ("env", "app/.env", |k, v| format!("{k}={v}\n")),
        ("yaml", "config.yaml", |k, v| {
            format!("app:\n  {}: {v}\n", snake(k))
        }),
        ("yaml block", "values.yaml", |k, v| {
            format!("app:\n  {}: |-\n    {v}\n", snake(k))
        }),
        ("json", "settings.json", |k, v| {
            format!("{{\n  \"{}\": \"{v}\"\n}}\n", camel(k))
        }),
        ("go var", "main.go", |k, v| {
            format!("var {} string = \"{v}\"\n", camel(k))
        }),
        ("go backtick", "main.go", |k, v| {
            format!("{} := `{v}`\n", camel(k))
        }),
        ("c #define", "include/config.h", |k, v| {
            format!("#define {k} \"{v}\"\n")
        }),
        ("ruby ||=", "config/initializers/env.rb", |k, v| {
            format!("ENV['{k}'] ||= '{v}'\n")
        }),
        ("hcl variable default", "variables.tf", |k, v| {
            format!(
                "variable \"{}\" {{\n  type    = string\n  default = \"{v}\"\n}}\n",
                snake(k)
            )
        }),
        ("java setProperty", "App.java", |k, v| {
            format!("System.setProperty(\"{k}\", \"{v}\");\n")
        }),
        ("php define", "config.php", |k, v| {
            format!("define( '{k}', '{v}' );\n")
        }),
        ("swift let", "Secrets.swift", |k, v| {
            format!("let {}: String = \"{v}\"\n", camel(k))
        }),
        ("powershell", "deploy.ps1", |k, v| {
            format!("$env:{k} = '{v}'\n")
        }),
        ("xml element", "settings.xml", |k, v| {
            format!("<config>\n  <{0}>{v}</{0}>\n</config>\n", camel(k))
        }),
        ("k8s env", "deploy.yaml", |k, v| {
            format!("env:\n  - name: {k}\n    value: \"{v}\"\n")
        }),
    ]
}

/// Rule ids that found `value` (at low or above) in `text`.
fn rules_at(text: &str, path: &str, value: &str) -> Vec<String> {
    let at = text.find(value).expect("value in text");
    let cx = ScanContext {
        path: Some(path),
        ..Default::default()
    };
    Engine::builtin()
        .scan(text.as_bytes(), &cx)
        .into_iter()
        .filter(|m| {
            m.severity >= Severity::Low && m.secret.start < at + value.len() && at < m.secret.end
        })
        .map(|m| m.rule_id)
        .collect()
}

/// (key name, rule id, value generator)
type Case = (&'static str, &'static str, fn(&mut Rng) -> String);

fn cases() -> Vec<Case> {
    vec![
        ("CONSUL_HTTP_TOKEN", "consul-acl-token", |r| r.uuid()),
        ("SPLUNK_HEC_TOKEN", "splunk-hec-token", |r| r.uuid()),
        ("POSTMARK_SERVER_TOKEN", "postmark-server-token", |r| {
            r.uuid()
        }),
        ("SNYK_TOKEN", "snyk-token", |r| r.uuid()),
        ("GITEA_TOKEN", "gitea-token", |r| r.from(HEX, 40)),
        ("DD_API_KEY", "datadog-api-key", |r| r.from(HEX, 32)),
        ("LD_SDK_KEY", "launchdarkly-sdk-key", |r| {
            format!("sdk-{}", r.uuid())
        }),
        ("LAUNCHDARKLY_MOBILE_KEY", "launchdarkly-sdk-key", |r| {
            format!("mob-{}", r.uuid())
        }),
        ("B2_APPLICATION_KEY", "backblaze-application-key", |r| {
            format!("K00{}", r.from(ALNUM, 28))
        }),
        ("PACKAGIST_TOKEN", "packagist-token", |r| {
            format!("packagist_uut_{}", r.from(LOWNUM, 68))
        }),
        ("CLOUDINARY_URL", "cloudinary-url", |r| {
            format!(
                "cloudinary://{}:{}@acme-media",
                r.from(b"0123456789", 15),
                r.from(ALNUM, 27)
            )
        }),
        ("TWITTER_BEARER_TOKEN", "twitter-bearer-token", |r| {
            format!(
                "{}{}{}{}%3D{}",
                "A".repeat(22),
                r.from(ALNUM, 10),
                "A".repeat(8),
                r.from(ALNUM, 40),
                r.from(ALNUM, 20)
            )
        }),
        ("DJANGO_SECRET_KEY", "django-secret-key-generated", |r| {
            loop {
                let v = r.from(DJANGO, 50);
                // get_random_secret_key() output has digits and symbols (the rule asks for both).
                if v.bytes().any(|b| b.is_ascii_digit())
                    && v.bytes().any(|b| b"!@#%^&*(-_=+)".contains(&b))
                {
                    break v;
                }
            }
        }),
    ]
}

#[test]
fn context_provider_rules_find_their_tokens_in_every_syntax() {
    let mut r = Rng(0x5eed_0101);
    let mut misses = Vec::new();
    let mut total = 0;
    for (key, rule, make) in cases() {
        for (syntax, path, tpl) in syntaxes() {
            let v = make(&mut r);
            // Symbols of Django keys break some string syntaxes' quoting; quoted ones are fine.
            if rule == "django-secret-key-generated"
                && matches!(syntax, "yaml" | "yaml block" | "env" | "k8s env")
            {
                continue;
            }
            let text = tpl(key, &v);
            total += 1;
            let found = rules_at(&text, path, &v);
            if !found.iter().any(|id| id == rule) {
                misses.push(format!("{rule} in {syntax}: {text:?} → {found:?}"));
            }
        }
    }
    assert!(
        misses.is_empty(),
        "{} of {total} missed:\n{}",
        misses.len(),
        misses[..misses.len().min(40)].join("\n")
    );
}

#[test]
fn kubernetes_secret_data_values_are_decoded() {
    let mut r = Rng(0x5eed_0102);
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let consul = r.uuid();
    let redis = format!(
        "redis://default:{}@cache.internal:6379/0",
        r.from(ALNUM, 18)
    );
    let pw = format!("{}!{}", r.from(ALNUM, 10), r.from(ALNUM, 6));
    let yaml = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\ndata:\n  CONSUL_HTTP_TOKEN: {}\n  redis-url: {}\n  db-password: {}\n  plain-setting: {}\n",
        b64(&consul),
        b64(&redis),
        b64(&pw),
        b64("info"),
    );
    let cx = ScanContext {
        path: Some("k8s/app-secret.yaml"),
        ..Default::default()
    };
    let ms = Engine::builtin().scan(yaml.as_bytes(), &cx);
    let line_of = |s: &str| yaml[..yaml.find(s).unwrap()].matches('\n').count() + 1;
    for (needle, rule) in [
        (b64(&consul), "consul-acl-token"),
        (b64(&redis), "redis-url-password"),
    ] {
        assert!(
            ms.iter().any(|m| m.rule_id == rule
                && m.start_line == line_of(&needle)
                && m.decoded == Some("base64")
                && m.severity >= Severity::Medium),
            "{rule}: {ms:#?}"
        );
    }
    assert!(
        ms.iter().any(|m| m.start_line == line_of(&b64(&pw))),
        "{ms:#?}"
    );
    assert!(
        !ms.iter().any(|m| m.start_line == line_of(&b64("info"))),
        "{ms:#?}"
    );
    // The same in `kubectl get secret -o json` output.
    let json = format!(
        "{{\n  \"apiVersion\": \"v1\",\n  \"data\": {{\n    \"CONSUL_HTTP_TOKEN\": \"{}\",\n    \"redis-url\": \"{}\"\n  }},\n  \"kind\": \"Secret\"\n}}\n",
        b64(&consul),
        b64(&redis)
    );
    let ms = Engine::builtin().scan(json.as_bytes(), &cx);
    for rule in ["consul-acl-token", "redis-url-password"] {
        assert!(ms.iter().any(|m| m.rule_id == rule), "{rule}: {ms:#?}");
    }
    // A ConfigMap's `data:` is plain text, never decoded.
    let cm = yaml.replace("kind: Secret", "kind: ConfigMap");
    assert!(Engine::builtin()
        .scan(cm.as_bytes(), &cx)
        .iter()
        .all(|m| m.decoded.is_none()),);
}

#[test]
fn generated_passwords_keep_their_symbols() {
    // Generated passwords and salts use every printable symbol; only code and paths are
    // rejected for brackets and leading `~ * ! -`.
    let mut r = Rng(0x5eed_0103);
    const SYM: &[u8] = b"~!*()[]{}^%&-_=+.,;:?/|@";
    let mut misses = Vec::new();
    for i in 0..60 {
        let mut v = String::new();
        while v.len() < 24 {
            v.push_str(&r.from(ALNUM, 2));
            v.push_str(&r.from(SYM, 1));
        }
        if i % 3 == 0 {
            v.insert(0, '~');
        } else if i % 3 == 1 {
            v.insert(0, '*');
        }
        let text = format!("db_password = \"{v}\"\n");
        if rules_at(&text, "config/app.toml", &v).is_empty() {
            misses.push(text);
        }
    }
    assert!(misses.is_empty(), "{misses:#?}");
    // Code and paths stay out.
    for text in [
        "db_password = fetch_password(vault[\"db\"])\n",
        "db_password = \"~/.config/app/password\"\n",
        "db_password = \"${DB_PASSWORD:-}\"\n",
        "db_password = \"<DB PASSWORD HERE>\"\n",
        "db_password = \"%(db_password)s\"\n",
    ] {
        let cx = ScanContext {
            path: Some("config/app.toml"),
            ..Default::default()
        };
        let ms = Engine::builtin().scan(text.as_bytes(), &cx);
        assert!(
            ms.iter().all(|m| m.severity < Severity::Low),
            "{text}: {ms:#?}"
        );
    }
}

#[test]
fn java_properties_escapes_are_undone() {
    // `Properties.store` escapes `:` and `=` in values; the finding points at the original.
    let mut r = Rng(0x5eed_0104);
    let pw = r.from(ALNUM, 18);
    let text = format!(
        "# written by Properties.store\nlog.level=info\nspring.redis.url=redis\\://default\\:{pw}@cache.internal\\:6379/0\nb2.application-key=K00{}\n",
        r.from(ALNUM, 28)
    );
    let cx = ScanContext {
        path: Some("src/main/resources/application.properties"),
        ..Default::default()
    };
    let ms = Engine::builtin().scan(text.as_bytes(), &cx);
    let m = ms
        .iter()
        .find(|m| m.rule_id == "redis-url-password")
        .unwrap_or_else(|| panic!("{ms:#?}"));
    assert_eq!(&text[m.secret.clone()], pw);
    assert_eq!(m.start_line, 3);
    assert!(
        ms.iter()
            .any(|m| m.rule_id == "backblaze-application-key" && m.start_line == 4),
        "{ms:#?}"
    );
}
