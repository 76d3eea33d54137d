//! DF018 `base-image-no-digest`: FROM image tag is not pinned by digest

use super::prelude::*;

pub struct BaseImageNoDigest;

pub const META: RuleMeta = RuleMeta {
    id: "DF018",
    name: "base-image-no-digest",
    target: Target::Dockerfile,
    category: Category::BaseImage,
    severity: Severity::Info,
    title: "FROM image tag is not pinned by digest",
    explanation: r##"## Why is this bad?
Tags are mutable: `python:3.12-slim` is rebuilt and re-pushed many times, and a
compromised registry account can point it at anything. Only a digest
(`@sha256:…`) guarantees the exact base you reviewed and scanned. Digest pins also make
builds reproducible.

## How to fix
Append the digest to the tag (`FROM python:3.12-slim@sha256:…`; `docker buildx
imagetools inspect python:3.12-slim` shows it) and let Renovate or Dependabot keep it
current.

## Fix
Fixable: yes — `drydock fix` resolves the tag in the registry (with the usual credentials and TLS options; the FROM's `--platform` is checked against a multi-platform index, whose digest is the one pinned) and writes `name:tag@sha256:…`; `latest` or no tag becomes `name@sha256:…`. With `--offline` it adds a `# TODO(drydock): pin …` comment above the FROM instead.

## Example
```dockerfile
# Before
FROM python:3.12-slim

# After
FROM python:3.12-slim@sha256:<digest>
```

## References
- CIS Docker Benchmark 4.2: Ensure that containers use only trusted base images
- https://docs.docker.com/build/building/best-practices/#pin-base-image-versions
"##,
    references: &["https://docs.docker.com/build/building/best-practices/#pin-base-image-versions"],
    equivalents: &[],
    default_enabled: true,
};

impl Rule for BaseImageNoDigest {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fix(&self, fx: &FixContext, f: &Finding) -> Option<Result<Fix, String>> {
        crate::rules::fixing::pin_base(fx, f)
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (s, r, raw) in image_bases(cx) {
            if r.digest.is_none() && r.tag.as_deref().is_some_and(|t| t != "latest") {
                out.push(
                    cx.finding(&META, cx.find_span(s.from, raw), format!("base image `{}` is pinned by tag only, not by digest", r.original))
                        .with_fix(format!("Pin the digest: `FROM {}@sha256:<digest>` (see `docker buildx imagetools inspect {}`)", r.original, r.original)),
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
