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

## Fix
Fixable: yes — `drydock fix` adds `--no-cache` after `apk add` (and `update`/`upgrade`).

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
    equivalents: &[
        "hadolint:DL3019",
        "kics:apk-add-using-local-cache-path",
        "trivy:DS025",
    ],
    default_enabled: true,
};

impl Rule for ApkCacheKept {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fix(&self, fx: &FixContext, f: &Finding) -> Option<Result<Fix, String>> {
        fx.flag_fix(f, &["add", "update", "upgrade"], "--no-cache")
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for run in cx.shell.runs() {
            let i = run.instruction;
            if !cx.in_final_image(i) || cx.has_cache_mount(i, &["/var/cache/apk", "/etc/apk/cache"])
            {
                continue;
            }
            let hit = uncleaned(
                run,
                |c| {
                    package_command(c).is_some_and(|p| {
                        p.pm == "apk"
                            && matches!(p.sub.as_str(), "add" | "update" | "upgrade")
                            && !p.has(&["--no-cache"])
                    })
                },
                |c| {
                    removes(c, &["/var/cache/apk", "/etc/apk/cache"])
                        || package_command(c).is_some_and(|p| {
                            p.pm == "apk"
                                && p.sub == "cache"
                                && p.operands
                                    .iter()
                                    .any(|w| matches!(w.text.as_str(), "clean" | "purge"))
                        })
                },
            );
            if let Some((script, c)) = hit {
                let sub = package_command(c).map(|p| p.sub).unwrap_or_default();
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
            }
        }
    }
}
