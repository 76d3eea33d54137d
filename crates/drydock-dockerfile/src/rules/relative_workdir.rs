//! DF047 `relative-workdir`: WORKDIR with a relative path

use super::prelude::*;

pub struct RelativeWorkdir;

pub const META: RuleMeta = RuleMeta {
    id: "DF047",
    name: "relative-workdir",
    target: Target::Dockerfile,
    category: Category::BestPractice,
    severity: Severity::Low,
    title: "WORKDIR with a relative path",
    explanation: r##"## Why is this bad?
A relative `WORKDIR` is resolved against the previous `WORKDIR`, which may come from the
base image and change with it. The resulting directory is not obvious from the Dockerfile.

## How to fix
Use an absolute path: `WORKDIR /app`.

## Example
```dockerfile
# Before
WORKDIR app

# After
WORKDIR /app
```

## References
- https://docs.docker.com/reference/dockerfile/#workdir
- https://docs.docker.com/build/building/best-practices/#workdir
"##,
    references: &[
        "https://docs.docker.com/reference/dockerfile/#workdir",
        "https://docs.docker.com/build/building/best-practices/#workdir",
    ],
    equivalents: &[
        "checkov:CKV_DOCKER_10",
        "hadolint:DL3000",
        "kics:workdir-path-not-absolute",
        "trivy:DS009",
    ],
    default_enabled: true,
};

impl Rule for RelativeWorkdir {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (i, ins) in cx.with_keyword("WORKDIR") {
            let Some(raw) = ins.value.first() else {
                continue;
            };
            let dir = unq(&cx.model.expand(cx.df, i, raw));
            let windows = dir.len() >= 2 && dir.as_bytes()[1] == b':' || dir.starts_with('\\');
            if dir.is_empty() || dir.starts_with('/') || dir.starts_with('$') || windows {
                continue;
            }
            out.push(
                cx.finding(
                    &META,
                    cx.find_span(i, raw),
                    format!("WORKDIR `{dir}` is relative to the previous working directory"),
                )
                .with_fix(format!("Use an absolute path, e.g. `WORKDIR /{dir}`")),
            );
        }
    }
}
