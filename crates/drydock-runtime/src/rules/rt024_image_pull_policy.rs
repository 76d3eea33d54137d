//! RT024 `image-pull-policy-not-always`: a mutable tag is not pulled on every start.

use super::prelude::*;

pub const META: RuleMeta = RuleMeta {
    id: "RT024",
    name: "image-pull-policy-not-always",
    target: Target::Runtime,
    category: Category::Runtime,
    severity: Severity::Low,
    title: "imagePullPolicy not Always (low for a mutable tag, info for a pinned image)",
    explanation: r##"## Why is this bad?
With `:latest` or no tag, the image a node runs depends on what it pulled last:
`imagePullPolicy: IfNotPresent` or `Never` keeps whatever old (possibly vulnerable)
image is cached, different nodes run different code, and a pod can use an image cached
by another tenant without the registry checking its pull credentials.

Kubernetes itself defaults to `Always` for `:latest` and untagged images, so only an
explicit `IfNotPresent`/`Never` on such an image is reported (low).

Images pinned by a version tag or digest default to `IfNotPresent`. The image then cannot
change, but the credential check still matters: a node that has a private image cached
starts it for any pod, without the registry seeing that pod's pull secret. On clusters
shared between teams with private images this is a leak (the reason the
`AlwaysPullImages` admission plugin exists, and why Checkov and kube-score want `Always`).
Pinned images without `imagePullPolicy: Always` are therefore reported as info.

## How to fix
Pin the image by tag and digest (best), or leave `imagePullPolicy` unset / `Always` for
mutable tags.

## Example
```yaml
# Before
image: example/app:latest
imagePullPolicy: IfNotPresent
# After
image: example/app:2.4.1@sha256:…
imagePullPolicy: IfNotPresent
```

## References
- https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy
- CIS Kubernetes Benchmark 5.5.1 (image provenance); Pod Security Standards do not cover pulls
"##,
    references: &["https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy"],
    equivalents: &[
        "checkov:CKV_K8S_15",
        "kube-score:container-image-pull-policy",
    ],
    default_enabled: true,
};

/// `:latest` or no tag, and no digest.
fn mutable_tag(image: &str) -> bool {
    if image.contains('@') {
        return false;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        None => true,
        Some((_, tag)) => tag == "latest",
    }
}

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    let (Some(k), Some(img)) = (&w.k8s, &w.image) else {
        return;
    };
    if img.v.contains("{{") {
        return;
    }
    let Some(p) = &k.image_pull_policy else {
        if !mutable_tag(&img.v) {
            out.push(
                cx.finding(
                    &META,
                    w,
                    &img.at,
                    format!("image `{}` defaults to `imagePullPolicy: IfNotPresent`: a cached private image starts without a pull-credential check", img.v),
                )
                .with_severity(Severity::Info)
                .with_fix("Set `imagePullPolicy: Always` on clusters shared with other teams"),
            );
        }
        return;
    };
    if p.v != "Always" && !mutable_tag(&img.v) {
        out.push(
            cx.finding(
                &META,
                w,
                &p.at,
                format!("`imagePullPolicy: {}`: a cached private image starts without a pull-credential check", p.v),
            )
            .with_severity(Severity::Info)
            .with_fix("Set `imagePullPolicy: Always` on clusters shared with other teams"),
        );
        return;
    }
    if p.v != "Always" {
        out.push(
            cx.finding(
                &META,
                w,
                &p.at,
                format!(
                    "`imagePullPolicy: {}` with mutable image `{}` may run a stale cached image",
                    p.v, img.v
                ),
            )
            .with_fix("Pin the image by digest, or use `imagePullPolicy: Always`"),
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn mutable() {
        assert!(super::mutable_tag("nginx"));
        assert!(super::mutable_tag("localhost:5000/app"));
        assert!(super::mutable_tag("nginx:latest"));
        assert!(!super::mutable_tag("localhost:5000/app:1.2"));
        assert!(!super::mutable_tag("nginx@sha256:abcd"));
    }
}
