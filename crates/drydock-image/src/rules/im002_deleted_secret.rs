//! IM002: a secret in a file that a later layer deleted or overwrote.

use crate::context::ImageContext;
use drydock_core::rule::Target;
use drydock_core::{Category, Finding, RuleMeta, Severity};

pub const META: RuleMeta = RuleMeta {
    id: "IM002",
    name: "deleted-secret-in-layer",
    target: Target::Image,
    category: Category::Secret,
    severity: Severity::High,
    title: "A secret deleted in a later layer is still extractable from an earlier one",
    explanation: r#"
## Why is this bad?
Image layers only ever add: `RUN rm /root/.npmrc` in a later step records a *whiteout*
(`.wh..npmrc`) that hides the file in the running container, but the earlier layer still
holds the complete file. Anyone who pulls the image can untar that layer and read it. The
same holds for a file overwritten by a later `COPY`: the old version stays in its layer.

## How to fix
Rotate the secret. Rebuild so that the secret never lands in any layer: use
`RUN --mount=type=secret` (BuildKit) for build-time credentials, or a multi-stage build
that copies only the artifacts into the final image. Squashing hides the history but is
not a substitute for keeping secrets out of the build.

## Example
```dockerfile
# bad: the key is in layer N even though layer N+1 removes it
COPY id_rsa /root/.ssh/id_rsa
RUN git clone git@example.com:org/repo.git && rm /root/.ssh/id_rsa
# good
RUN --mount=type=ssh git clone git@example.com:org/repo.git
```

## References
- https://docs.docker.com/build/building/secrets/
- https://github.com/opencontainers/image-spec/blob/main/layer.md#whiteouts
"#,
    references: &[
        "https://docs.docker.com/build/building/secrets/",
        "https://github.com/opencontainers/image-spec/blob/main/layer.md#whiteouts",
    ],
    equivalents: &["trivy:secret"],
    default_enabled: true,
};

pub fn check(cx: &ImageContext<'_>, out: &mut Vec<Finding>) {
    super::util::report(cx, out, &META, true);
}
