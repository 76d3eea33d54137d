//! RT017 `image-not-pinned`: the image is not pinned by digest.

use super::prelude::*;

pub const META: RuleMeta = RuleMeta {
    id: "RT017",
    name: "image-not-pinned",
    target: Target::Runtime,
    category: Category::SupplyChain,
    severity: Severity::Info,
    title: "Image not pinned by digest",
    explanation: r##"## Why is this bad?
A tag is a name the registry can point at other content: tags are moved on purpose
(rebuilt `1.27` images), by mistake, or by whoever compromised the registry or the
publisher's account. Only a digest (`@sha256:…`) names one exact image, which is why
supply-chain hardening pins digests. This is info: the tag still says which version is
meant; `latest` and untagged images are RT033 (medium).

Compose services with `build:` are skipped: their `image:` names the local build result.

## How to fix
Pin the digest next to the tag (`nginx:1.27.2@sha256:…`) and let a bot (Renovate,
Dependabot) update the pins.

## Example
```yaml
# Before
image: redis:7.4.1
# After
image: redis:7.4.1@sha256:<digest>
```

## References
- CIS Docker Benchmark 5.27 (pinning)
- https://kubernetes.io/docs/concepts/containers/images/#image-names
"##,
    references: &["https://kubernetes.io/docs/concepts/containers/images/#image-names"],
    equivalents: &["checkov:CKV_K8S_43"],
    default_enabled: true,
};

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    let Some((img, _)) = pulled_by_tag(w) else {
        return;
    };
    out.push(
        cx.finding(
            &META,
            w,
            &img.at,
            format!("image `{}` is not pinned by digest", img.v),
        )
        .with_fix("Pin the digest next to the tag: `name:tag@sha256:…`"),
    );
}
