//! DF001 `secret-in-env`: A secret value is hard-coded in ENV

use super::prelude::*;

pub struct SecretInEnv;

pub const META: RuleMeta = RuleMeta {
    id: "DF001",
    name: "secret-in-env",
    target: Target::Dockerfile,
    category: Category::Secret,
    severity: Severity::Critical,
    title: "A secret value is hard-coded in ENV",
    explanation: r##"## Why is this bad?
`ENV` values are stored in the image configuration. Anyone who can pull the image reads
them with `docker inspect` or `docker history`, and every container started from it (and
every image built `FROM` it) inherits them. A token or password written there is published
with the image and stays valid until someone rotates it.

## How to fix
Remove the value and rotate the credential. Provide it at run time (`docker run -e`,
an orchestrator secret, a mounted file). If only the build needs it, use a BuildKit secret
mount, which is never stored in a layer or in the image config.

## Example
```dockerfile
# Before
FROM python:3.12-slim
ENV GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
RUN pip install git+https://github.com/acme/private.git

# After
FROM python:3.12-slim
RUN --mount=type=secret,id=github_token \
    GITHUB_TOKEN=$(cat /run/secrets/github_token) \
    pip install git+https://${GITHUB_TOKEN}@github.com/acme/private.git
# build: docker build --secret id=github_token,env=GITHUB_TOKEN .
```

## References
- CIS Docker Benchmark 4.10: Ensure secrets are not stored in Dockerfiles
- https://docs.docker.com/build/building/secrets/
- https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/
"##,
    references: &[
        "https://docs.docker.com/build/building/secrets/",
        "https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/",
    ],
    equivalents: &[],
    default_enabled: true,
};

impl Rule for SecretInEnv {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (i, ins) in cx.with_keyword("ENV") {
            for (key, raw) in kv_pairs(ins) {
                let value = unq(raw);
                for m in cx.scan_value(key, &value) {
                    let Some(secret) = value.get(m.secret.clone()) else {
                        continue;
                    };
                    let span = cx.find_span(i, secret);
                    out.push(
                        cx.finding(
                            &META,
                            span,
                            format!("ENV `{key}` holds {} in plain text; it is stored in the image config and inherited by every container", m.with_article()),
                        )
                        .with_evidence(cx.evidence(secret))
                        .with_confidence(m.confidence)
                        .with_fix(format!("Remove the value and rotate it; pass it at run time (`docker run -e`), or for build-only use `RUN --mount=type=secret,id={}`", key.to_ascii_lowercase())),
                    );
                }
            }
        }
    }
}
