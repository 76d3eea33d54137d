//! DF034 `apk-cache-kept`: apk add without --no-cache

use super::prelude::*;

pub struct ApkCacheKept;

pub const META: RuleMeta = RuleMeta {
    id: "DF034",
    name: "apk-cache-kept",
    target: Target::Dockerfile,
    category: Category::Efficiency,
    severity: Severity::Low,
    title: "apk add without --no-cache",
    explanation: r##"## Why is this bad?
`apk add` without `--no-cache` stores the package index and cached `.apk` files under
`/var/cache/apk` in the layer, making the image larger for nothing.

## How to fix
Use `apk add --no-cache …` (it also makes a separate `apk update` unnecessary), or remove
`/var/cache/apk/*` in the same `RUN`, or use a cache mount.

## Example
```dockerfile
# Before
RUN apk update && apk add curl

# After
RUN apk add --no-cache curl
```

## References
- https://wiki.alpinelinux.org/wiki/Alpine_Package_Keeper#Add_a_Package
- https://docs.docker.com/build/cache/optimize/#use-cache-mounts
"##,
    references: &[
        "https://wiki.alpinelinux.org/wiki/Alpine_Package_Keeper#Add_a_Package",
        "https://docs.docker.com/build/cache/optimize/#use-cache-mounts",
    ],
    equivalents: &["hadolint:DL3019", "trivy:DS025"],
    default_enabled: true,
};

impl Rule for ApkCacheKept {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for run in cx.shell.runs() {
            let i = run.instruction;
            if !cx.in_final_image(i) || cx.has_cache_mount(i, &["/var/cache/apk", "/etc/apk/cache"])
            {
                continue;
            }
            if run_removes(run, &["/var/cache/apk"]) {
                continue;
            }
            for (script, c) in run.commands() {
                let Some((pm, sub, _)) = package_command(c) else {
                    continue;
                };
                if ["apk"].contains(&pm)
                    && ["add"].contains(&sub)
                    && !(c.args().iter().any(|w| w.text == "--no-cache"))
                {
                    out.push(
                        cx.finding(
                            &META,
                            script.word_span(&c.effective_argv()[0]),
                            format!(
                                "`{} {}` without `--no-cache` leaves the apk cache in the layer",
                                c.name(),
                                sub
                            ),
                        )
                        .with_fix("Use `apk add --no-cache …`"),
                    );
                    break;
                }
            }
        }
    }
}
