//! DF033 `apt-lists-not-cleaned`: apt package lists are left in the image

use super::prelude::*;

pub struct AptListsNotCleaned;

pub const META: RuleMeta = RuleMeta {
    id: "DF033",
    name: "apt-lists-not-cleaned",
    target: Target::Dockerfile,
    category: Category::Efficiency,
    severity: Severity::Low,
    title: "apt package lists are left in the image",
    explanation: r##"## Why is this bad?
`apt-get update` downloads package lists (tens of MB) into `/var/lib/apt/lists`. If the
same `RUN` does not delete them, they are stored in the layer forever — a later `RUN rm`
cannot shrink an earlier layer. Stale lists in the image also mislead later installs.

A removal that runs *before* `apt-get update` in the same `RUN` does not count; a
`--mount=type=cache` or `type=tmpfs` over `/var/lib/apt/lists` does.

## How to fix
Remove the lists at the end of the same `RUN` that installs, or use a BuildKit cache mount
for `/var/lib/apt` and `/var/cache/apt`.

## Fix
Fixable: yes — `drydock fix` appends `&& rm -rf /var/lib/apt/lists/*` to the RUN (a line before the terminator of a `RUN <<EOF` script).

## Example
```dockerfile
# Before
RUN apt-get update && apt-get install -y --no-install-recommends curl

# After
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*
```

## References
- https://docs.docker.com/build/building/best-practices/#apt-get
- https://docs.docker.com/build/cache/optimize/#use-cache-mounts
"##,
    references: &[
        "https://docs.docker.com/build/building/best-practices/#apt-get",
        "https://docs.docker.com/build/cache/optimize/#use-cache-mounts",
    ],
    equivalents: &[
        "hadolint:DL3009",
        "kics:apt-get-install-lists-were-not-deleted",
    ],
    default_enabled: true,
};

impl Rule for AptListsNotCleaned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fix(&self, fx: &FixContext, f: &Finding) -> Option<Result<Fix, String>> {
        fx.append_fix(f, "rm -rf /var/lib/apt/lists/*")
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for run in cx.shell.runs() {
            let i = run.instruction;
            if !cx.in_final_image(i) || cx.has_cache_mount(i, &["/var/lib/apt/lists"]) {
                continue;
            }
            // The lists are written by `update`; an install without one adds none.
            let hit = uncleaned(
                run,
                |c| {
                    package_command(c)
                        .is_some_and(|p| matches!(p.pm, "apt-get" | "apt") && p.sub == "update")
                },
                |c| {
                    removes(c, &["/var/lib/apt/lists"])
                        || package_command(c).is_some_and(|p| {
                            matches!(p.pm, "apt-get" | "apt")
                                && matches!(p.sub.as_str(), "dist-clean" | "distclean")
                        })
                },
            );
            if let Some((script, c)) = hit {
                out.push(
                    cx.finding(&META, script.word_span(&c.effective_argv()[0]), format!("`{} update` downloads package lists but /var/lib/apt/lists is not removed after it in the same RUN", c.name()))
                        .with_fix("End the RUN with `&& rm -rf /var/lib/apt/lists/*` (or use `--mount=type=cache,target=/var/lib/apt/lists`)"),
                );
            }
        }
    }
}
