//! DF016 `base-image-untagged`: FROM image without a tag

use super::prelude::*;

pub struct BaseImageUntagged;

pub const META: RuleMeta = RuleMeta {
    id: "DF016",
    name: "base-image-untagged",
    target: Target::Dockerfile,
    category: Category::BaseImage,
    severity: Severity::Medium,
    title: "FROM image without a tag",
    explanation: r##"## Why is this bad?
`FROM python` means `python:latest`: whatever the registry serves on the day of the
build. Builds are not reproducible, a new major version can break the image silently, and
you cannot tell which base (and which vulnerabilities) a given image contains.

## How to fix
Name an explicit version tag (`python:3.12-slim`), and ideally pin the digest as well
(`python:3.12-slim@sha256:…`) with a bot such as Renovate or Dependabot updating it.

## Fix
Fixable: yes — `drydock fix` resolves the tag in the registry (with the usual credentials and TLS options; the FROM's `--platform` is checked against a multi-platform index, whose digest is the one pinned) and writes `name:tag@sha256:…`; `latest` or no tag becomes `name@sha256:…`. With `--offline` it adds a `# TODO(drydock): pin …` comment above the FROM instead.

## Example
```dockerfile
# Before
FROM python

# After
FROM python:3.12-slim@sha256:<digest>
```

## References
- CIS Docker Benchmark 4.2: Ensure that containers use only trusted base images
- https://docs.docker.com/build/building/best-practices/#from
"##,
    references: &["https://docs.docker.com/build/building/best-practices/#from"],
    equivalents: &[
        "checkov:CKV_DOCKER_7",
        "hadolint:DL3006",
        "kics:image-version-not-explicit",
        "trivy:DS001",
    ],
    default_enabled: true,
};

impl Rule for BaseImageUntagged {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fix(&self, fx: &FixContext, f: &Finding) -> Option<Result<Fix, String>> {
        crate::rules::fixing::pin_base(fx, f)
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (s, r, raw) in image_bases(cx) {
            if r.tag.is_none() && r.digest.is_none() {
                let name = r.familiar_name();
                out.push(
                    cx.finding(&META, cx.find_span(s.from, raw), format!("base image `{name}` has no tag, so it means `{name}:latest`"))
                        .with_fix(format!("Use an explicit version tag, e.g. `{name}:<version>`, preferably with `@sha256:` digest")),
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
