//! DF002 `secret-in-arg-default`: A secret value is the default of a build ARG

use super::prelude::*;

pub struct SecretInArgDefault;

pub const META: RuleMeta = RuleMeta {
    id: "DF002",
    name: "secret-in-arg-default",
    target: Target::Dockerfile,
    category: Category::Secret,
    severity: Severity::Critical,
    title: "A secret value is the default of a build ARG",
    explanation: r##"## Why is this bad?
The default of an `ARG` is part of the Dockerfile, so it is in your repository and in
every copy of it. Build arguments used by a `RUN` are also recorded in the image history
(`docker history --no-trunc` shows them), so the secret ships with the image too.

## How to fix
Remove the default and rotate the credential. Pass secrets to the build with a secret
mount (`RUN --mount=type=secret`), never as a build argument.

## Example
```dockerfile
# Before
ARG NPM_TOKEN=npm_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci

# After
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
# build: docker build --secret id=npmrc,src=$HOME/.npmrc .
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

impl Rule for SecretInArgDefault {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (i, ins) in cx.with_keyword("ARG") {
            for (key, raw) in arg_decls(ins)
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k, v)))
            {
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
                            format!("ARG `{key}` has {} as its default value; it is in the Dockerfile and in the image history", m.with_article()),
                        )
                        .with_evidence(cx.evidence(secret))
                        .with_confidence(m.confidence)
                        .with_fix(format!("Remove the default and rotate the credential; pass it with `RUN --mount=type=secret,id={}` instead of a build argument", key.to_ascii_lowercase())),
                    );
                }
            }
        }
    }
}
