//! IM001: a secret in a file of the final filesystem.

use super::util::report;
use crate::context::ImageContext;
use drydock_core::rule::Target;
use drydock_core::{Category, Finding, RuleMeta, Severity};

pub const META: RuleMeta = RuleMeta {
    id: "IM001",
    name: "secret-in-layer-file",
    target: Target::Image,
    category: Category::Secret,
    severity: Severity::High,
    title: "A secret is baked into a file of the image",
    explanation: r#"
## Why is this bad?
Every file of an image is readable by anyone who can pull it: `docker save`, `crane export`
or `skopeo copy` hand out each layer as a plain tar. A token, password or private key in a
file (a `.env`, a config file, a script) is therefore published with the image, to every
registry mirror, cache and developer laptop that pulls it. Keys that ship inside an OS
package (test vectors, snake-oil certificates) are reported at a lower severity with the
owning package named: they are vendor content, not your secret.

## How to fix
Revoke and rotate the secret first — it has leaked. Then keep secrets out of the build
context (`.dockerignore`), provide them at run time (environment from a secret store,
mounted files, Docker/Kubernetes secrets) and use `RUN --mount=type=secret` for secrets the
build itself needs.

## Example
```dockerfile
# bad: the key is in the image forever
COPY .env /app/.env
# good: mounted only while this step runs
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
```

## References
- https://docs.docker.com/build/building/secrets/
- CIS Docker Benchmark 4.10: Ensure secrets are not stored in Dockerfiles
"#,
    references: &[
        "https://docs.docker.com/build/building/secrets/",
        "CIS Docker Benchmark 4.10",
    ],
    equivalents: &["trivy:secret", "dockle:CIS-DI-0010"],
    default_enabled: true,
};

pub fn check(cx: &ImageContext<'_>, out: &mut Vec<Finding>) {
    report(cx, out, &META, false);
}
