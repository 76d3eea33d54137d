//! DF017 `base-image-latest`: FROM image with the latest tag

use super::prelude::*;

pub struct BaseImageLatest;

pub const META: RuleMeta = RuleMeta {
    id: "DF017",
    name: "base-image-latest",
    target: Target::Dockerfile,
    category: Category::BaseImage,
    severity: Severity::Medium,
    title: "FROM image with the latest tag",
    explanation: r##"## Why is this bad?
`:latest` is a moving pointer: each build may get a different base, including a new
major version. Builds are not reproducible and you cannot tell which base (and which
vulnerabilities) an image contains.

## How to fix
Use an explicit version tag (`alpine:3.20`) and pin the digest
(`alpine:3.20@sha256:…`), updated by a bot such as Renovate or Dependabot.

## Fix
Fixable: yes — `drydock fix` resolves the tag in the registry (with the usual credentials and TLS options; the FROM's `--platform` is checked against a multi-platform index, whose digest is the one pinned) and writes `name:tag@sha256:…`; `latest` or no tag becomes `name@sha256:…`. With `--offline` it adds a `# TODO(drydock): pin …` comment above the FROM instead.

## Example
```dockerfile
# Before
FROM alpine:latest

# After
FROM alpine:3.20@sha256:<digest>
```

## References
- CIS Docker Benchmark 4.2: Ensure that containers use only trusted base images
- https://docs.docker.com/build/building/best-practices/#from
"##,
    references: &["https://docs.docker.com/build/building/best-practices/#from"],
    equivalents: &[
        "checkov:CKV_DOCKER_7",
        "hadolint:DL3007",
        "kics:image-version-using-latest",
        "trivy:DS001",
    ],
    default_enabled: true,
};

impl Rule for BaseImageLatest {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fix(&self, fx: &FixContext, f: &Finding) -> Option<Result<Fix, String>> {
        crate::rules::fixing::pin_base(fx, f)
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (s, r, raw) in image_bases(cx) {
            if r.tag.as_deref() == Some("latest") && r.digest.is_none() {
                out.push(
                    cx.finding(&META, cx.find_span(s.from, raw), format!("base image `{}` uses the moving `latest` tag", r.original))
                        .with_fix(format!("Use an explicit version tag, e.g. `{}:<version>`, preferably with `@sha256:` digest", r.familiar_name())),
                );
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
