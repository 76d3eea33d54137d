//! RT033 `image-mutable-tag`: the image is referenced by `latest` or without a tag.

use super::prelude::*;

pub const META: RuleMeta = RuleMeta {
    id: "RT033",
    name: "image-mutable-tag",
    target: Target::Runtime,
    category: Category::SupplyChain,
    severity: Severity::Medium,
    title: "Image uses `latest` or no tag",
    explanation: r##"## Why is this bad?
`image: app` and `image: app:latest` run whatever the registry serves at pull time: a
different version on each node and restart, silent upgrades, and no way to know which
code ran or to roll back to it.

An image pinned by digest (`app@sha256:…`) is not reported whatever its tag. Compose
services with `build:` are skipped: their `image:` names the local build result. A version
tag without a digest is RT017 (info).

## How to fix
Use an explicit version tag, and pin the digest for production
(`nginx:1.27.2@sha256:…`); let a bot (Renovate, Dependabot) update the pins.

## Example
```yaml
# Before
image: redis
# After
image: redis:7.4.1
```

## References
- CIS Docker Benchmark 5.27: Ensure that Docker commands always make use of the latest version of their image
- https://kubernetes.io/docs/concepts/containers/images/#image-names
"##,
    references: &["https://kubernetes.io/docs/concepts/containers/images/#image-names"],
    equivalents: &[
        "checkov:CKV_K8S_14",
        "kube-score:container-image-tag",
        "trivy:KSV013",
    ],
    default_enabled: true,
};

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    let Some((img, r)) = pulled_by_tag(w) else {
        return;
    };
    let msg = match r.tag.as_deref() {
        None => format!("image `{}` has no tag (pulls `latest`)", img.v),
        Some("latest") => format!("image `{}` uses the mutable `latest` tag", img.v),
        Some(_) => return,
    };
    out.push(
        cx.finding(&META, w, &img.at, msg)
            .with_fix("Use a version tag (and pin the digest): `name:1.2.3@sha256:…`"),
    );
}
