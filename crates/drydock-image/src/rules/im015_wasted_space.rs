//! IM015: bytes added in one layer and deleted or overwritten in a later one.

use crate::context::ImageContext;
use drydock_core::rule::Target;
use drydock_core::{Category, Finding, RuleMeta, Severity};

pub const META: RuleMeta = RuleMeta {
    id: "IM015",
    name: "wasted-space",
    target: Target::Image,
    category: Category::Efficiency,
    severity: Severity::Info,
    title: "Files added in one layer are deleted or overwritten in a later one",
    explanation: r#"
## Why is this bad?
A file deleted or replaced by a later layer still takes space in the layer that added it:
every pull downloads it and every node stores it. Typical causes: `apt-get update` in one
`RUN` and the cleanup in another, downloading an archive and extracting it in separate
steps, `chmod`/`chown` of large trees in their own step (which copies every file).
drydock reports each path wasting at least 1 MiB and the total; the efficiency score is
1 − waste / bytes of all files in all layers (the copy finally kept is not waste).

## How to fix
Create and clean up in the same `RUN`, use `COPY --chmod/--chown`, and multi-stage builds
for build-only files.

## Example
```dockerfile
# bad: the lists stay in the first layer
RUN apt-get update
RUN apt-get install -y curl && rm -rf /var/lib/apt/lists/*
# good
RUN apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
```

## References
- https://docs.docker.com/build/building/best-practices/#minimize-the-number-of-layers
- https://github.com/wagoodman/dive
"#,
    references: &[
        "https://docs.docker.com/build/building/best-practices/",
        "https://github.com/wagoodman/dive",
    ],
    equivalents: &["dive:wastedBytes"],
    default_enabled: true,
};

const PER_PATH_MIN: u64 = 1 << 20;
const TOTAL_MIN: u64 = 10 << 20;
const MAX_PATHS: usize = 20;

pub fn mib(b: u64) -> String {
    format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0))
}

pub fn check(cx: &ImageContext<'_>, out: &mut Vec<Finding>) {
    let fs = cx.fs;
    if fs.waste_bytes >= TOTAL_MIN {
        let sev = if fs.waste_bytes >= 100 << 20 {
            Severity::Low
        } else {
            Severity::Info
        };
        out.push(
            Finding::new(
                META.id,
                sev,
                META.category,
                format!(
                    "{} ({} bytes) in {} paths are deleted or overwritten by later layers; efficiency {:.1}%",
                    mib(fs.waste_bytes),
                    fs.waste_bytes,
                    fs.wasted_paths.len(),
                    fs.efficiency() * 100.0
                ),
                cx.config_loc("rootfs"),
            )
            .with_fix("Clean up in the same RUN step that creates the files"),
        );
    }
    for w in fs
        .wasted_paths
        .iter()
        .filter(|w| w.bytes >= PER_PATH_MIN)
        .take(MAX_PATHS)
    {
        out.push(Finding::new(
            META.id,
            if w.bytes >= 50 << 20 {
                Severity::Low
            } else {
                Severity::Info
            },
            META.category,
            format!(
                "/{} wastes {} ({} bytes): added in layer {}, removed or replaced in layer {}",
                w.path,
                mib(w.bytes),
                w.bytes,
                w.layer,
                w.removed_in
            ),
            cx.layer_loc(w.layer, &w.path),
        ));
    }
}
