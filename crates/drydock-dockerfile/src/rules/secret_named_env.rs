//! DF010 `secret-named-env`: An ENV variable is named like a secret

use super::prelude::*;

pub struct SecretNamedEnv;

pub const META: RuleMeta = RuleMeta {
    id: "DF010",
    name: "secret-named-env",
    target: Target::Dockerfile,
    category: Category::SecretExposure,
    severity: Severity::High,
    title: "An ENV variable is named like a secret",
    explanation: r##"## Why is this bad?
Every `ENV` is stored in the image config and inherited by every container and every
image built on top. An `ENV API_KEY=…` either contains a secret (published with the image)
or copies one from a build argument (`ENV TOKEN=$TOKEN`), which persists it just the same.
Even an empty secret-named `ENV` invites someone to fill it in at build time.

## How to fix
Do not set secrets with `ENV`. Inject them at run time (`docker run -e`, orchestrator
secrets, mounted files such as `*_FILE` variables) and use secret mounts for build-time
needs.

## Fix
Fixable: yes — when every instruction that reads the variable is a RUN of the same stage, `drydock fix` removes the declaration, adds `--mount=type=secret,id=<name in lower case>,env=<NAME>` to those RUNs (and `# syntax=docker/dockerfile:1` when the file has no syntax directive: `env=` needs dockerfile frontend 1.10) and prints the matching `docker build --secret id=…,env=…` option.

## Example
```dockerfile
# Before
ARG API_KEY
ENV API_KEY=$API_KEY

# After
# runtime: docker run -e API_KEY … or --env-file, or a mounted secret file
ENV API_KEY_FILE=/run/secrets/api_key
```

## References
- CIS Docker Benchmark 4.10: Ensure secrets are not stored in Dockerfiles
- https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/
"##,
    references: &["https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/"],
    equivalents: &["hadolint:DL3064"],
    default_enabled: true,
};

impl Rule for SecretNamedEnv {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fix(&self, fx: &FixContext, f: &Finding) -> Option<Result<Fix, String>> {
        crate::rules::fixing::secret_to_mount(fx, f)
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (i, ins) in cx.with_keyword("ENV") {
            for (key, raw) in kv_pairs(ins) {
                if !drydock_secrets::name_suggests_secret(key) {
                    continue;
                }
                let value = unq(raw);
                // A literal secret value is DF001's finding; do not report it twice.
                if !value.is_empty() && !cx.scan_value(key, &value).is_empty() {
                    continue;
                }
                // A path (`/run/secrets/db`, `file:///…`) points at a secret, it is not one.
                if value.starts_with('/') || value.starts_with("file:") {
                    continue;
                }
                let how = if value.is_empty() {
                    "even empty, it invites filling it in at build time".to_string()
                } else if value.contains('$') {
                    format!("`{value}` copies a build-time value into the image config")
                } else {
                    "its value is stored in the image config".to_string()
                };
                let mut f = cx
                    .finding(&META, cx.find_span(i, key), format!("ENV `{key}` looks like a secret; {how}"))
                    .with_fix(format!("Remove `ENV {key}`; inject it at run time (`docker run -e {key}` or a secret file via `{key}_FILE`)"));
                // A literal value is presumably the secret: as evidence it is redacted, and
                // reports mask it in the quoted source line.
                if !value.is_empty() && !value.contains('$') {
                    f = f.with_evidence(cx.evidence(&value));
                }
                // Nothing is leaked yet by an empty one: a smell, not an exposure.
                out.push(if value.is_empty() {
                    f.with_severity(Severity::Medium)
                } else {
                    f
                });
            }
        }
    }
}
