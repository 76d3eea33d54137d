//! DF009 `secret-named-arg`: A build ARG is named like a secret

use super::prelude::*;

pub struct SecretNamedArg;

pub const META: RuleMeta = RuleMeta {
    id: "DF009",
    name: "secret-named-arg",
    target: Target::Dockerfile,
    category: Category::SecretExposure,
    severity: Severity::Medium,
    title: "A build ARG is named like a secret",
    explanation: r##"## Why is this bad?
Values of build arguments are not secret: BuildKit records the build arguments used by
each `RUN` in the image history, so `docker history --no-trunc` shows whatever was passed
with `--build-arg TOKEN=…`. An argument named `PASSWORD`, `TOKEN`, `API_KEY`… is an
invitation to leak exactly that. (In a stage that does not end up in the final image the
value still lands in the build cache, so the finding is kept at a lower severity.)

## How to fix
Pass secrets with BuildKit secret mounts instead of build arguments:
`docker build --secret id=token,env=TOKEN .` and `RUN --mount=type=secret,id=token,env=TOKEN …`
(or read `/run/secrets/token`).

## Fix
Fixable: yes — when every instruction that reads the variable is a RUN of the same stage, `drydock fix` removes the declaration, adds `--mount=type=secret,id=<name in lower case>,env=<NAME>` to those RUNs (and `# syntax=docker/dockerfile:1` when the file has no syntax directive: `env=` needs dockerfile frontend 1.10) and prints the matching `docker build --secret id=…,env=…` option.

## Example
```dockerfile
# Before
ARG NPM_TOKEN
RUN NPM_TOKEN=$NPM_TOKEN npm ci

# After
RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci
# build: docker build --secret id=npm_token,env=NPM_TOKEN .
```

## References
- CIS Docker Benchmark 4.10: Ensure secrets are not stored in Dockerfiles
- https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/
- https://docs.docker.com/build/building/secrets/
"##,
    references: &[
        "https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/",
        "https://docs.docker.com/build/building/secrets/",
    ],
    equivalents: &["hadolint:DL3064"],
    default_enabled: true,
};

impl Rule for SecretNamedArg {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fix(&self, fx: &FixContext, f: &Finding) -> Option<Result<Fix, String>> {
        crate::rules::fixing::secret_to_mount(fx, f)
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (i, ins) in cx.with_keyword("ARG") {
            for (name, default) in arg_decls(ins) {
                if !drydock_secrets::name_suggests_secret(name) {
                    continue;
                }
                let in_final = cx.in_final_image(i);
                let mut f = cx
                    .finding(&META, cx.find_span(i, name), format!("build argument `{name}` looks like a secret; build-arg values are recorded in the image history"))
                    .with_fix(format!("Use a secret mount instead: `RUN --mount=type=secret,id={0},env={1} …` and `docker build --secret id={0},env={1}`", name.to_ascii_lowercase(), name));
                // A default value is presumably the secret: as evidence it is redacted, and
                // reports mask it in the quoted source line.
                if let Some(v) = default.filter(|v| !v.is_empty() && !v.starts_with('$')) {
                    f = f.with_evidence(cx.evidence(v));
                }
                out.push(if in_final {
                    f
                } else {
                    f.with_severity(Severity::Low)
                });
            }
        }
    }
}
