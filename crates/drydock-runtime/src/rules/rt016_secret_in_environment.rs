//! RT016 `secret-in-environment`: a secret is written as a plain environment value.

use super::prelude::*;
use drydock_core::redact::redact;
use drydock_secrets::{name_suggests_secret, ContentKind, ScanContext};

pub const META: RuleMeta = RuleMeta {
    id: "RT016",
    name: "secret-in-environment",
    target: Target::Runtime,
    category: Category::Secret,
    severity: Severity::High,
    title: "Secret passed as a plain environment value",
    explanation: r##"## Why is this bad?
A password or token written into a Compose file or manifest is in version control, in
every clone and CI log, visible to anyone who can `docker inspect` / `kubectl get -o yaml`
the workload, and inherited by every child process. Rotating it means editing and
redeploying files.

Values that reference the environment (`${DB_PASSWORD}`), `secretKeyRef`/`valueFrom`
and `*_FILE` paths are not reported. Values the secret engine recognises (a token format
with a validator) are high severity; other non-empty values of variables whose name says
secret (`DB_PASSWORD`, `apiKey`) are medium, with medium confidence. Evidence is redacted.

## How to fix
Use Compose `secrets:` (mounted under `/run/secrets`, with `*_FILE` variables) or a
Kubernetes Secret referenced with `valueFrom.secretKeyRef`; keep the value in a secret
store, or at least interpolate it from an untracked `.env` file.

## Example
```yaml
# Before
environment:
  POSTGRES_PASSWORD: s3cr3t-Pa55
# After
environment:
  POSTGRES_PASSWORD_FILE: /run/secrets/db_password
secrets: [db_password]
```

## References
- CIS Docker Benchmark 4.10: Ensure secrets are not stored in Dockerfiles (the same holds for Compose files and manifests)
- https://kubernetes.io/docs/concepts/configuration/secret/
- https://docs.docker.com/compose/how-tos/use-secrets/
"##,
    references: &[
        "https://kubernetes.io/docs/concepts/configuration/secret/",
        "https://docs.docker.com/compose/how-tos/use-secrets/",
    ],
    equivalents: &[],
    default_enabled: true,
};

/// Values that are clearly not secrets: references, empty, booleans, short numbers,
/// placeholders and file paths.
fn not_a_secret(name: &str, value: &str, raw: &str) -> bool {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    raw.contains("${")
        || raw.contains("$(")
        || raw.starts_with('$')
        || v.len() < 4
        || v.starts_with('/')
        || name.to_ascii_uppercase().ends_with("_FILE")
        || matches!(lower.as_str(), "true" | "false" | "yes" | "no" | "none" | "null" | "changeme" | "change_me" | "password" | "secret" | "example")
        || (v.len() < 6 && v.bytes().all(|b| b.is_ascii_digit()))
        || (v.starts_with('<') && v.ends_with('>'))
        || v.chars().all(|c| c == 'x' || c == 'X' || c == '*')
        // `YOUR_API_KEY`, `GOOGLE_API_KEY_VAL`: identifier-like placeholders
        || (v.contains('_') && v.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'))
        || lower.contains("your") || lower.contains("replace") || lower.contains("changeme")
}

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    for e in &w.env {
        let EnvVar { name, value, raw } = &e.v;
        // `${VAR}` (Compose) and `$(VAR)` (Kubernetes dependent variables) are references.
        if raw.contains("${") || raw.contains("$(") {
            continue;
        }
        let scx = ScanContext {
            name: Some(name),
            kind: ContentKind::Value,
            ..Default::default()
        };
        let matches = cx.opts.secret_engine().scan(value.as_bytes(), &scx);
        if let Some(m) = matches.first() {
            let secret = &value.as_bytes()[m.secret.clone()];
            out.push(
                cx.finding(&META, w, &e.at, format!("environment variable `{name}` holds {} in plain text", m.with_article()))
                    .with_severity(m.severity.max(Severity::High).min(Severity::Critical))
                    .with_confidence(m.confidence)
                    .with_evidence(redact(secret, cx.opts.redaction))
                    .with_fix("Use Compose/Kubernetes secrets (or `${VAR}` from an untracked .env) instead of a literal value"),
            );
            continue;
        }
        if name_suggests_secret(name) && !not_a_secret(name, value, raw) {
            out.push(
                cx.finding(&META, w, &e.at, format!("environment variable `{name}` is set to a literal secret value"))
                    .with_severity(Severity::Medium)
                    .with_confidence(Confidence::Medium)
                    .with_evidence(redact(value.as_bytes(), cx.opts.redaction))
                    .with_fix("Use Compose/Kubernetes secrets (or `${VAR}` from an untracked .env) instead of a literal value"),
            );
        }
    }
}
