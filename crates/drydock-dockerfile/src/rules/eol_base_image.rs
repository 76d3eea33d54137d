//! DF020 `eol-base-image`: Base image is an end-of-life release

use super::prelude::*;

pub struct EolBaseImage;

pub const META: RuleMeta = RuleMeta {
    id: "DF020",
    name: "eol-base-image",
    target: Target::Dockerfile,
    category: Category::BaseImage,
    severity: Severity::High,
    title: "Base image is an end-of-life release",
    explanation: r##"## Why is this bad?
An end-of-life distribution or runtime gets no more security fixes: every vulnerability
found after that date stays open in your image forever, and scanners will report more of
them each month. drydock compares the release line of the base tag (and a distribution
named in it, such as `-buster`) with a bundled, dated end-of-life table whose sources are
listed in `crates/drydock-core/data/eol.yaml`; the finding names the scan date used.

## How to fix
Move to a supported release line (for example `python:3.13-slim-bookworm`,
`node:22-alpine`, `debian:12-slim`) and rebuild regularly.

## Example
```dockerfile
# Before
FROM python:3.7-slim-buster

# After
FROM python:3.13-slim-bookworm
```

## References
- CIS Docker Benchmark 4.4: Ensure images are scanned and rebuilt to include security patches
- https://endoflife.date/
- https://devguide.python.org/versions/
- https://wiki.debian.org/LTS
"##,
    references: &[
        "https://endoflife.date/",
        "https://devguide.python.org/versions/",
        "https://wiki.debian.org/LTS",
    ],
    equivalents: &[],
    default_enabled: true,
};

impl Rule for EolBaseImage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        let table = drydock_core::eol::table();
        let today = cx.options.scan_date;
        for (s, r, raw) in image_bases(cx) {
            let tag = r.tag.as_deref().unwrap_or("");
            for m in drydock_core::eol::lookup(table, &r.repository, tag) {
                if m.release.eol > today {
                    continue;
                }
                let newest = m
                    .product
                    .releases
                    .iter()
                    .filter(|x| x.eol > today)
                    .max_by_key(|x| x.eol)
                    .map(|x| {
                        format!(
                            "a supported release such as {} {}",
                            m.product.product, x.cycle
                        )
                    })
                    .unwrap_or_else(|| "a supported release line".to_string());
                let f = cx
                    .finding(
                        &META,
                        cx.find_span(s.from, raw),
                        format!(
                            "base image `{}` is built on {} {}, end of life since {} (no more security fixes; scan date {}, EOL table as of {})",
                            r.original, m.product.product, m.release.cycle, m.release.eol, today, table.as_of
                        ),
                    )
                    .with_fix(format!("Move to {newest} (source: {})", m.product.source));
                let in_final = cx.final_chain().contains(&s.index);
                out.push(if in_final {
                    f
                } else {
                    f.with_severity(Severity::Medium)
                });
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
