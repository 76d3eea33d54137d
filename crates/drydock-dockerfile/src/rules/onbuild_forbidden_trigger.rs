//! DF075 `onbuild-forbidden-trigger`: ONBUILD FROM / MAINTAINER / ONBUILD

use super::prelude::*;
use crate::ast::Instruction;

pub struct OnbuildForbiddenTrigger;

pub const META: RuleMeta = RuleMeta {
    id: "DF075",
    name: "onbuild-forbidden-trigger",
    target: Target::Dockerfile,
    category: Category::BestPractice,
    severity: Severity::Medium,
    title: "ONBUILD trigger is FROM, MAINTAINER or ONBUILD",
    explanation: r##"## Why is this bad?
`ONBUILD` stores an instruction to run in every build that starts `FROM` this image.
Three instructions cannot be triggers: `FROM` (a trigger runs inside a stage that already
has its base), `MAINTAINER` (metadata, not a build step) and `ONBUILD` itself (no chains).
BuildKit refuses the whole Dockerfile when it meets one ("FROM isn't allowed as an
ONBUILD trigger"), so the image cannot be built at all. drydock reports the instruction
and reviews the rest of the file as usual.

## How to fix
Remove the trigger. A downstream base image belongs in the downstream Dockerfile's own
`FROM`; authorship goes in `LABEL org.opencontainers.image.authors=…`.

## Example
```dockerfile
# Before
FROM debian:12-slim
ONBUILD FROM alpine:3.20

# After
FROM debian:12-slim
```

## References
- https://docs.docker.com/reference/dockerfile/#onbuild
"##,
    references: &["https://docs.docker.com/reference/dockerfile/#onbuild"],
    equivalents: &["hadolint:DL3043"],
    default_enabled: true,
};

/// The trigger keyword of an ONBUILD instruction BuildKit refuses (`FROM`, `MAINTAINER`,
/// `ONBUILD`); the scan reports these through this rule rather than as a target error.
pub fn forbidden_trigger(ins: &Instruction) -> Option<&str> {
    if ins.cmd != "ONBUILD" {
        return None;
    }
    ins.sub_cmd
        .as_deref()
        .filter(|s| matches!(*s, "FROM" | "MAINTAINER" | "ONBUILD"))
}

impl Rule for OnbuildForbiddenTrigger {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (i, ins) in cx.instructions() {
            if let Some(sub) = forbidden_trigger(ins) {
                out.push(
                    cx.finding(
                        &META,
                        cx.span(i),
                        format!("`ONBUILD {sub}` is not allowed: BuildKit refuses to build this Dockerfile"),
                    )
                    .with_fix(format!("Remove the `ONBUILD {sub}` instruction")),
                );
            }
        }
    }
}
