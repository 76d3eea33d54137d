//! IM014: the base OS release is past its end of life on the scan date.

use crate::context::ImageContext;
use drydock_core::eol::{table, EolProduct, EolRelease};
use drydock_core::rule::Target;
use drydock_core::{Category, Finding, Location, RuleMeta, Severity};

pub const META: RuleMeta = RuleMeta {
    id: "IM014",
    name: "eol-base-os",
    target: Target::Image,
    category: Category::BaseImage,
    severity: Severity::High,
    title: "The image's OS release is end-of-life",
    explanation: r#"
## Why is this bad?
After its end of life a distribution release gets no security updates: every
vulnerability found from then on stays open in the image forever, and package mirrors
eventually disappear. The OS is read from the image's `os-release` (or
`/etc/alpine-release`, `/etc/debian_version`, …) and compared with drydock's dated EOL
table (the same one the Dockerfile rules use) on the scan date. Releases in extended/LTS
support are judged by the end of that support.

## How to fix
Rebuild on a supported release of the base image (e.g. `debian:bookworm-slim`,
`alpine:3.20`) and keep it updated.

## Example
```dockerfile
# bad (Debian 9, EOL 2022)
FROM debian:stretch
# good
FROM debian:bookworm-slim
```

## References
- https://endoflife.date/
- https://wiki.debian.org/LTS
"#,
    references: &["https://endoflife.date/", "https://wiki.debian.org/LTS"],
    equivalents: &["trivy:os-eol"],
    default_enabled: true,
};

/// The EOL table's product and release for an `os-release` ID and VERSION_ID.
pub fn lookup_os(id: &str, version: &str) -> Option<(&'static EolProduct, &'static EolRelease)> {
    let product = table().products.iter().find(|p| p.product == id)?;
    let release = product
        .releases
        .iter()
        .filter(|r| version == r.cycle || version.starts_with(&format!("{}.", r.cycle)))
        .max_by_key(|r| r.cycle.len())?;
    Some((product, release))
}

pub fn check(cx: &ImageContext<'_>, out: &mut Vec<Finding>) {
    let Some(os) = cx.os else {
        return;
    };
    let Some((product, release)) = lookup_os(&os.id, &os.version_id) else {
        return;
    };
    if release.eol >= cx.scan_date {
        return;
    }
    let name = if os.pretty_name.is_empty() {
        format!("{} {}", os.id, os.version_id)
    } else {
        os.pretty_name.clone()
    };
    let loc = match cx.fs.resolve(&os.source) {
        Some(e) => cx.layer_loc(e.layer, &e.entry.path),
        None => Location::Config {
            image: cx.image.name.clone(),
            field: "os".into(),
        },
    };
    out.push(
        Finding::from_rule(
            &META,
            format!(
                "{name} reached end of life on {} ({} {} — source: {}); it gets no security updates",
                release.eol, product.product, release.cycle, product.source
            ),
            loc,
        )
        .with_fix("Rebuild on a supported release of the base image"),
    );
}
