//! RT017 `image-not-pinned`: the image is referenced by `latest`, no tag, or without digest.

use super::prelude::*;
use drydock_core::imageref::ImageRef;

pub const META: RuleMeta = RuleMeta {
    id: "RT017",
    name: "image-not-pinned",
    target: Target::Runtime,
    category: Category::SupplyChain,
    severity: Severity::Medium,
    title: "Image not pinned (latest / no tag / no digest)",
    explanation: r##"## Why is this bad?
`image: app` and `image: app:latest` run whatever the registry serves at pull time: a
different version on each node and restart, silent upgrades, and no way to know which
code ran. A tag without a digest is mutable too (tags can be moved or the registry
compromised), which is why supply-chain hardening pins `@sha256:` digests.

Severity: `latest` or no tag medium; a version tag without digest info. Compose services
with `build:` are skipped: their `image:` names the local build result.

## How to fix
Use an explicit version tag, and pin the digest for production
(`nginx:1.27.2@sha256:…`); let a bot (Renovate, Dependabot) update the pins.

## Example
```yaml
# Before
image: redis
# After
image: redis:7.4.1@sha256:<digest>
```

## References
- CIS Docker Benchmark 5.27: Ensure that Docker commands always make use of the latest version of their image (pinning)
- https://kubernetes.io/docs/concepts/containers/images/#image-names
"##,
    references: &["https://kubernetes.io/docs/concepts/containers/images/#image-names"],
    equivalents: &[
        "checkov:CKV_K8S_14",
        "checkov:CKV_K8S_43",
        "kube-score:container-image-tag",
        "trivy:KSV013",
    ],
    default_enabled: true,
};

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    let Some(img) = &w.image else {
        return;
    };
    // Inspect objects run a resolved image; locally built images have no registry digest.
    // Compose `build:` + `image:` names what is built here, not something pulled.
    if w.source == SourceKind::Inspect || w.built_locally || img.v.contains('$') {
        return;
    }
    let Ok(r) = ImageRef::parse(img.v.trim()) else {
        return;
    };
    if r.digest.is_some() {
        return;
    }
    let f = match r.tag.as_deref() {
        None => cx.finding(
            &META,
            w,
            &img.at,
            format!("image `{}` has no tag (pulls `latest`)", img.v),
        ),
        Some("latest") => cx.finding(
            &META,
            w,
            &img.at,
            format!("image `{}` uses the mutable `latest` tag", img.v),
        ),
        Some(t) => cx
            .finding(
                &META,
                w,
                &img.at,
                format!("image `{}` is pinned by tag `{t}` but not by digest", img.v),
            )
            .with_severity(Severity::Info),
    };
    out.push(f.with_fix("Use a version tag and pin the digest: `name:tag@sha256:…`"));
}
