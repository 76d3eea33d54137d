//! DF019 `untrusted-registry`: Image pulled from a registry outside the trusted list

use super::prelude::*;

pub struct UntrustedRegistry;

pub const META: RuleMeta = RuleMeta {
    id: "DF019",
    name: "untrusted-registry",
    target: Target::Dockerfile,
    category: Category::BaseImage,
    severity: Severity::Medium,
    title: "Image pulled from a registry outside the trusted list",
    explanation: r##"## Why is this bad?
Your configuration lists the registries images may come from (`trusted_registries`).
Pulling from anywhere else bypasses the controls those registries provide (vulnerability
scanning, signing, mirroring, retention) and widens the supply-chain attack surface.

## How to fix
Use an image from a trusted registry (mirror it there if needed), or add the registry
to `trusted_registries` in `drydock.toml` if it is legitimately trusted.

## Example
```dockerfile
# Before
FROM quay.io/someone/tool:1.0

# After
FROM registry.acme.dev/mirror/tool:1.0
```

## References
- CIS Docker Benchmark 4.2: Ensure that containers use only trusted base images
- https://docs.docker.com/docker-hub/image-library/trusted-content/
"##,
    references: &["https://docs.docker.com/docker-hub/image-library/trusted-content/"],
    equivalents: &["hadolint:DL3026"],
    default_enabled: true,
};

impl Rule for UntrustedRegistry {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        if cx.options.trusted_registries.is_empty() {
            return;
        }
        let trusted = |r: &drydock_core::imageref::ImageRef| {
            let full = format!("{}/{}", r.registry, r.repository);
            cx.options.trusted_registries.iter().any(|t| {
                let t = t.trim_end_matches('/');
                let t = if t == "docker.io" || t == "hub.docker.com" || t == "index.docker.io" {
                    "docker.io"
                } else {
                    t
                };
                r.registry == t
                    || full.starts_with(&format!("{t}/"))
                    || (r.registry == "docker.io"
                        && r.familiar_name().starts_with(&format!("{t}/")))
            })
        };
        for (s, r, raw) in image_bases(cx) {
            if !trusted(r) {
                out.push(
                    cx.finding(&META, cx.find_span(s.from, raw), format!("base image `{}` comes from `{}`, which is not in trusted_registries", r.original, r.registry))
                        .with_fix("Use an image from a trusted registry or add this registry to `trusted_registries` in drydock.toml"),
                );
            }
        }
        // Images pulled by `COPY --from=…` and `RUN --mount=from=…`.
        for (i, ins) in cx.instructions() {
            let refs: Vec<StageRef> = match ins.keyword() {
                "COPY" => cx.model.copy_from(cx.df, i).into_iter().collect(),
                "RUN" => cx.model.mount_sources(cx.df, i),
                _ => continue,
            };
            for sr in refs {
                let StageRef::Image {
                    reference: Some(r),
                    name,
                } = sr
                else {
                    continue;
                };
                // A bare word may be a named build context rather than an image.
                if !trusted(&r) && name.contains(['/', ':', '.']) {
                    let how = if ins.keyword() == "COPY" {
                        "COPY --from"
                    } else {
                        "RUN --mount=from"
                    };
                    out.push(
                        cx.finding(&META, cx.find_span(i, &name), format!("`{how}={name}` pulls from `{}`, which is not in trusted_registries", r.registry))
                            .with_fix("Use an image from a trusted registry or add this registry to `trusted_registries` in drydock.toml"),
                    );
                }
            }
        }
    }
}

/// Every stage whose FROM names an image: `(stage, FROM index, parsed ref, text as written)`.
fn image_bases<'a>(
    cx: &'a RuleContext,
) -> Vec<(
    &'a crate::stages::Stage,
    &'a drydock_core::imageref::ImageRef,
    &'a str,
)> {
    cx.model
        .stages
        .iter()
        .filter_map(|s| Some((s, cx.base_ref(s)?, cx.base_raw(s)?)))
        .collect()
}
