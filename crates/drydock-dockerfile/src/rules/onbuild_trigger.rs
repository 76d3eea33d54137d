//! DF065 `onbuild-trigger`: ONBUILD runs hidden steps in downstream builds

use super::prelude::*;

pub struct OnbuildTrigger;

pub const META: RuleMeta = RuleMeta {
    id: "DF065",
    name: "onbuild-trigger",
    target: Target::Dockerfile,
    category: Category::BestPractice,
    severity: Severity::Info,
    title: "ONBUILD runs hidden steps in downstream builds",
    explanation: r##"## Why is this bad?
`ONBUILD RUN/ADD/COPY` instructions are not executed here but in every build that uses
this image as its base. Whoever writes `FROM your-image` runs commands they cannot see in
their own Dockerfile — surprising behaviour and an easy place to hide a supply-chain
attack. Docker's official images dropped their `onbuild` variants for this reason.

## How to fix
Put the steps in the downstream Dockerfiles explicitly, or document and version the base
image's build contract clearly.

## Example
```dockerfile
# Before
ONBUILD COPY . /app
ONBUILD RUN npm ci

# After
# downstream Dockerfile:
COPY . /app
RUN npm ci
```

## References
- https://docs.docker.com/reference/dockerfile/#onbuild
"##,
    references: &["https://docs.docker.com/reference/dockerfile/#onbuild"],
    equivalents: &[],
    default_enabled: true,
};

impl Rule for OnbuildTrigger {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (i, ins) in cx
            .with_keyword("RUN")
            .chain(cx.with_keyword("ADD"))
            .chain(cx.with_keyword("COPY"))
        {
            if ins.cmd == "ONBUILD" {
                out.push(
                    cx.finding(
                        &META,
                        cx.span(i),
                        format!(
                            "ONBUILD {} will run inside every image built FROM this one",
                            ins.keyword()
                        ),
                    )
                    .with_fix("Move the step into the downstream Dockerfiles where it is visible"),
                );
            }
        }
    }
}
