//! DF004 `secret-in-run`: A secret value appears on a RUN command line

use super::prelude::*;

pub struct SecretInRun;

pub const META: RuleMeta = RuleMeta {
    id: "DF004",
    name: "secret-in-run",
    target: Target::Dockerfile,
    category: Category::Secret,
    severity: Severity::Critical,
    title: "A secret value appears on a RUN command line",
    explanation: r##"## Why is this bad?
The full command line of every `RUN` is stored in the image history
(`docker history --no-trunc`) and in the build cache, and anything the command writes ends
up in a layer. A token, password or private key typed into a `RUN` is published with the
image.

## How to fix
Rotate the credential, then read it from a BuildKit secret mount inside the `RUN`
(`RUN --mount=type=secret,id=token …`). The secret is available only while that command
runs and is never stored.

## Example
```dockerfile
# Before
RUN curl -H "Authorization: token ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" \
      -o /tmp/tool.tgz https://api.github.com/repos/acme/tool/tarball

# After
RUN --mount=type=secret,id=gh_token \
    curl -H "Authorization: token $(cat /run/secrets/gh_token)" \
      -o /tmp/tool.tgz https://api.github.com/repos/acme/tool/tarball
```

## References
- CIS Docker Benchmark 4.10: Ensure secrets are not stored in Dockerfiles
- https://docs.docker.com/build/building/secrets/
"##,
    references: &["https://docs.docker.com/build/building/secrets/"],
    equivalents: &[],
    default_enabled: true,
};

impl Rule for SecretInRun {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for run in cx.shell.runs() {
            let Some(script) = run.scripts.first() else {
                continue;
            };
            for m in cx.scan_command(&script.text) {
                let Some(secret) = script.text.get(m.secret.clone()) else {
                    continue;
                };
                out.push(
                    cx.finding(
                        &META,
                        script.span(&m.secret),
                        format!("RUN command contains {}; command lines are stored in the image history", m.with_article()),
                    )
                    .with_evidence(cx.evidence(secret))
                    .with_confidence(m.confidence)
                    .with_fix("Rotate the credential and read it from a secret mount: `RUN --mount=type=secret,id=token … $(cat /run/secrets/token)`"),
                );
            }
        }
    }
}
