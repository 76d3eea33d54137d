use drydock_core::rule::Target;
use drydock_core::{Category, RuleMeta, Severity};
use drydock_core::{Finding, Location};

pub const META: RuleMeta = RuleMeta {
    id: "VU003",
    name: "outdated-base-image",
    target: Target::Vulnerability,
    category: Category::Vulnerability,
    severity: Severity::Low,
    title: "The base image is outdated: rebuilding on its current tag fixes known vulnerabilities",
    explanation: r#"
Packages that came with the image's base (the layers of its `FROM` image) have known
vulnerabilities that the distribution has already fixed. The base image's maintainers
publish rebuilt tags with those fixes regularly; this image was built on an older copy.
The finding summarises the per-package findings (`VU001`) that sit in the base layers, and
says when the base's distribution release is past its end of life.

drydock finds the base layers from the image history: buildah/podman record `FROM <base>`
in the first history entry of a build; otherwise a root-filesystem import (`ADD file:… in /`,
debuerreotype, an Alpine minirootfs) at the bottom is the OS base. The base's name comes
from the `org.opencontainers.image.base.name` annotation or label when present. When
nothing tells, no verdict on the base is given.

## Why is this bad?
Most known vulnerabilities in typical images are in the base's OS packages, and most of
them are fixed upstream within days. An image that is never rebuilt keeps them forever;
rebuilding on the current tag is the cheapest fix there is, and it needs no code change.

## How to fix
Rebuild regularly, pulling the base again (`docker build --pull`, `podman build --pull`),
for example from a scheduled CI job. If the base's release is end-of-life, move `FROM` to a
supported release. Pin the base by digest for reproducibility and let a bot (Renovate,
Dependabot) raise the digest.

## Example
```text
VU003 low  base image debian:12 (layer 0): 38 known vulnerabilities in its packages, 31 fixed by rebuilding on a current debian:12
```
```dockerfile
FROM debian:12@sha256:…   # bumped by Renovate; the CI rebuilds weekly with --pull
```

## References
- https://docs.docker.com/build/building/best-practices/#rebuild-your-images-often
- https://github.com/opencontainers/image-spec/blob/main/annotations.md
"#,
    references: &[
        "https://docs.docker.com/build/building/best-practices/#rebuild-your-images-often",
        "https://github.com/opencontainers/image-spec/blob/main/annotations.md",
    ],
    equivalents: &[],
    default_enabled: true,
};

/// The `VU003` finding for an image whose base layers hold fixable vulnerabilities.
pub fn check(image: &str, base: &crate::BaseImage, v: &crate::Verdict) -> Option<Finding> {
    if v.fixable_in_base == 0 {
        return None;
    }
    let name = base.name.as_deref().unwrap_or("the OS base");
    let mut msg = format!(
        "base image {name} is outdated: {} of its packages' {} known vulnerabilities are fixed in newer packages",
        v.fixable_in_base, v.in_base
    );
    // The end-of-life sentence, when the verdict has one.
    if let Some(i) = v.message.find(" is end-of-life") {
        let start = v.message[..i].rfind(". ").map_or(0, |p| p + 2);
        msg.push_str(&format!("; {}", &v.message[start..]));
    }
    let fix = match base.name.as_deref() {
        Some(n) => {
            format!("rebuild with `--pull` on a current `{n}` (e.g. a scheduled CI rebuild)")
        }
        None => {
            "rebuild with `--pull` on a current tag of the base image (e.g. a scheduled CI rebuild)"
                .to_string()
        }
    };
    Some(
        Finding::from_rule(
            &META,
            msg,
            Location::Config {
                image: image.to_string(),
                field: format!("history (base: {} layer(s))", base.layers),
            },
        )
        .with_fix(fix),
    )
}
