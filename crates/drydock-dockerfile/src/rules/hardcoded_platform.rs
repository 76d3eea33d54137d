//! DF063 `hardcoded-platform`: FROM --platform with a fixed platform

use super::prelude::*;

pub struct HardcodedPlatform;

pub const META: RuleMeta = RuleMeta {
    id: "DF063",
    name: "hardcoded-platform",
    target: Target::Dockerfile,
    category: Category::BestPractice,
    severity: Severity::Low,
    title: "FROM --platform with a fixed platform",
    explanation: r##"## Why is this bad?
`FROM --platform=linux/amd64` forces that architecture whatever the build targets: on
arm64 hosts the image runs under emulation (slowly, or not at all), and multi-platform
builds silently produce amd64 content for every platform.

## How to fix
Drop the flag, or use the automatic build arguments: `FROM --platform=$BUILDPLATFORM` for
build stages that cross-compile, `$TARGETPLATFORM` otherwise.

## Example
```dockerfile
# Before
FROM --platform=linux/amd64 node:22-slim

# After
FROM --platform=$BUILDPLATFORM node:22-slim AS build
```

## References
- https://docs.docker.com/build/building/multi-platform/
- https://docs.docker.com/reference/build-checks/from-platform-flag-const-disallowed/
"##,
    references: &[
        "https://docs.docker.com/build/building/multi-platform/",
        "https://docs.docker.com/reference/build-checks/from-platform-flag-const-disallowed/",
    ],
    equivalents: &[
        "hadolint:DL3029",
        "kics:using-platform-flag-with-from-command",
    ],
    default_enabled: true,
};

impl Rule for HardcodedPlatform {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for s in &cx.model.stages {
            let ins = &cx.df.instructions[s.from];
            let Some(p) = ins.flag("platform") else {
                continue;
            };
            if p.contains('$') {
                continue;
            }
            out.push(
                cx.finding(
                    &META,
                    cx.find_span(s.from, "--platform"),
                    format!("FROM forces the platform `{p}`"),
                )
                .with_fix(
                    "Remove --platform, or use `--platform=$BUILDPLATFORM` / `$TARGETPLATFORM`",
                ),
            );
        }
    }
}
