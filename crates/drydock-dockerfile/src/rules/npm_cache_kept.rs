//! DF039 `npm-cache-kept`: npm install/ci leaves the npm cache in the image

use super::prelude::*;

pub struct NpmCacheKept;

pub const META: RuleMeta = RuleMeta {
    id: "DF039",
    name: "npm-cache-kept",
    target: Target::Dockerfile,
    category: Category::Efficiency,
    severity: Severity::Info,
    title: "npm install/ci leaves the npm cache in the image",
    explanation: r##"## Why is this bad?
npm stores every downloaded tarball in `~/.npm/_cacache`. In an image layer that cache
is dead weight, often as large as `node_modules` itself.

## How to fix
Run `npm cache clean --force` in the same `RUN`, or use a BuildKit cache mount for
`/root/.npm` (which also speeds up rebuilds).

## Example
```dockerfile
# Before
RUN npm ci --omit=dev

# After
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev
```

## References
- https://docs.npmjs.com/cli/v10/commands/npm-cache
- https://docs.docker.com/build/cache/optimize/#use-cache-mounts
"##,
    references: &[
        "https://docs.npmjs.com/cli/v10/commands/npm-cache",
        "https://docs.docker.com/build/cache/optimize/#use-cache-mounts",
    ],
    equivalents: &[],
    default_enabled: true,
};

impl Rule for NpmCacheKept {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for run in cx.shell.runs() {
            let i = run.instruction;
            let dirs = ["/root/.npm", "~/.npm", "/home/node/.npm"];
            if !cx.in_final_image(i) || cx.has_cache_mount(i, &dirs) {
                continue;
            }
            let hit = uncleaned(
                run,
                |c| {
                    package_command(c).is_some_and(|p| {
                        p.pm == "npm"
                            && matches!(p.sub.as_str(), "install" | "ci" | "update")
                            && !p.has(&["--cache"])
                    })
                },
                |c| {
                    // npm ≥ 5 refuses `npm cache clean` without `--force`.
                    removes(c, &dirs)
                        || package_command(c).is_some_and(|p| {
                            p.pm == "npm"
                                && p.sub == "cache"
                                && p.operands.first().is_some_and(|w| w.text == "clean")
                                && p.has(&["--force", "-f"])
                        })
                },
            );
            if let Some((script, c)) = hit {
                let sub = package_command(c).map(|p| p.sub).unwrap_or_default();
                out.push(
                    cx.finding(&META, script.word_span(&c.effective_argv()[0]), format!("`npm {sub}` leaves the npm cache in the layer"))
                        .with_fix("Add `&& npm cache clean --force` to the RUN, or use `--mount=type=cache,target=/root/.npm`"),
                );
            }
        }
    }
}
