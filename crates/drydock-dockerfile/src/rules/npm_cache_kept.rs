//! DF039 `npm-cache-kept`: npm/yarn install leaves the package cache in the image

use super::prelude::*;

pub struct NpmCacheKept;

pub const META: RuleMeta = RuleMeta {
    id: "DF039",
    name: "npm-cache-kept",
    target: Target::Dockerfile,
    category: Category::Efficiency,
    severity: Severity::Info,
    title: "npm/yarn install leaves the package cache in the image",
    explanation: r##"## Why is this bad?
npm stores every downloaded tarball in `~/.npm/_cacache`. In an image layer that cache
is dead weight, often as large as `node_modules` itself. Yarn 1 does the same in
`/usr/local/share/.cache/yarn` (`~/.cache/yarn` for other users).

A clean-up counts only after the install in the same `RUN`; `npm cache clean` needs
`--force` since npm 5 (without it npm refuses and cleans nothing).

## How to fix
Run `npm cache clean --force` (`yarn cache clean`) at the end of the same `RUN`, or use
a BuildKit cache mount for `/root/.npm` (`/usr/local/share/.cache/yarn`), which also
speeds up rebuilds.

## Fix
Fixable: yes — `drydock fix` appends `&& npm cache clean --force` (`&& yarn cache clean` for yarn) to the RUN.

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
    equivalents: &["hadolint:DL3060"],
    default_enabled: true,
};

impl Rule for NpmCacheKept {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fix(&self, fx: &FixContext, f: &Finding) -> Option<Result<Fix, String>> {
        let (_, _, c) = fx.command_at(f)?;
        let clean = if c.name() == "yarn" {
            "yarn cache clean"
        } else {
            "npm cache clean --force"
        };
        fx.append_fix(f, clean)
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for run in cx.shell.runs() {
            let i = run.instruction;
            if !cx.in_final_image(i) {
                continue;
            }
            let npm_dirs = ["/root/.npm", "~/.npm", "/home/node/.npm"];
            if !cx.has_cache_mount(i, &npm_dirs) {
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
                        removes(c, &npm_dirs)
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
            // Yarn 1 caches in /usr/local/share/.cache/yarn (root) or ~/.cache/yarn.
            let yarn_dirs = [
                "/usr/local/share/.cache/yarn",
                "/root/.cache/yarn",
                "~/.cache/yarn",
                "/home/node/.cache/yarn",
            ];
            if !cx.has_cache_mount(i, &yarn_dirs) {
                let hit = uncleaned(
                    run,
                    |c| {
                        package_command(c).is_some_and(|p| {
                            p.pm == "yarn"
                                && matches!(p.sub.as_str(), "" | "install" | "add" | "global-add")
                                && !p.has(&["--cache-folder"])
                        })
                    },
                    |c| {
                        removes(c, &yarn_dirs)
                            || package_command(c).is_some_and(|p| {
                                p.pm == "yarn"
                                    && p.sub == "cache"
                                    && p.operands.first().is_some_and(|w| w.text == "clean")
                            })
                    },
                );
                if let Some((script, c)) = hit {
                    let sub = match package_command(c) {
                        Some(p) if p.sub == "global-add" => "global add".to_string(),
                        Some(p) if !p.sub.is_empty() => p.sub,
                        _ => "install".to_string(),
                    };
                    out.push(
                        cx.finding(&META, script.word_span(&c.effective_argv()[0]), format!("`yarn {sub}` leaves the yarn cache in the layer"))
                            .with_fix("Add `&& yarn cache clean` to the RUN, or use `--mount=type=cache,target=/usr/local/share/.cache/yarn`"),
                    );
                }
            }
        }
    }
}
