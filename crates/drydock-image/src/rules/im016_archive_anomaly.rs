//! IM016: hostile or broken layer archive entries.

use crate::context::ImageContext;
use drydock_core::rule::Target;
use drydock_core::{Category, Finding, Location, RuleMeta, Severity};

pub const META: RuleMeta = RuleMeta {
    id: "IM016",
    name: "suspicious-layer-entry",
    target: Target::Image,
    category: Category::SupplyChain,
    severity: Severity::Medium,
    title: "A layer contains a path-traversal, absolute, duplicate or dangling entry",
    explanation: r#"
## Why is this bad?
Container tools extract layers as tar archives. Entries named with `..` or an absolute
path try to write outside the image root when a naive tool extracts them (the "tar slip"
attack); hard links to files that do not exist, duplicate entries and sparse files make
tools disagree about what the image contains. No regular image builder produces them:
their presence suggests a crafted or corrupted image. drydock never extracts layers and
ignores `..` entries for the filesystem view.

## How to fix
Rebuild the image with a standard builder from a trusted base; do not run or re-export
an image that contains such entries.

## Example
```
$ tar tvf layer.tar
-rw-r--r-- 0/0   12 ../../etc/cron.d/evil
```

## References
- https://github.com/opencontainers/image-spec/blob/main/layer.md
- https://security.snyk.io/research/zip-slip-vulnerability
"#,
    references: &[
        "https://github.com/opencontainers/image-spec/blob/main/layer.md",
        "https://security.snyk.io/research/zip-slip-vulnerability",
    ],
    equivalents: &[],
    default_enabled: true,
};

pub fn check(cx: &ImageContext<'_>, out: &mut Vec<Finding>) {
    for (layer, sum) in cx.layers.iter().enumerate() {
        for a in &sum.anomalies {
            let info = cx.infos.get(layer);
            out.push(Finding::new(
                META.id,
                a.severity,
                META.category,
                format!("layer {layer}: `{}`: {}", a.path, a.message),
                Location::Layer {
                    image: cx.image.name.clone(),
                    layer,
                    layer_digest: info.map(|i| i.diff_id.clone()).unwrap_or_default(),
                    path: a.path.clone(),
                    created_by: info.and_then(|i| i.created_by.clone()),
                    deleted_in: None,
                },
            ));
        }
    }
    for d in &cx.fs.dangling_hardlinks {
        out.push(Finding::new(
            META.id,
            Severity::Low,
            META.category,
            format!(
                "hard link /{} points to /{}, which no layer up to {} contains",
                d.path, d.target, d.layer
            ),
            cx.layer_loc(d.layer, &d.path),
        ));
    }
}
