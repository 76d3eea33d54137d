//! DF057 `copy-from-unknown-stage`: COPY --from refers to a stage that is not defined before it

use super::prelude::*;

pub struct CopyFromUnknownStage;

pub const META: RuleMeta = RuleMeta {
    id: "DF057",
    name: "copy-from-unknown-stage",
    target: Target::Dockerfile,
    category: Category::BestPractice,
    severity: Severity::Medium,
    title: "COPY --from refers to a stage that is not defined before it",
    explanation: r##"## Why is this bad?
`COPY --from=<n>` with an index that does not exist, or a name that is only defined by a
later stage, fails or copies something unexpected. A name that matches no stage at all is
pulled as an image from Docker Hub — usually a typo that turns into a supply-chain risk.

## How to fix
Reference a stage defined earlier in the file (`FROM … AS build` above), or a fully
qualified, pinned image (`--from=docker.io/library/nginx:1.27`).

## Example
```dockerfile
# Before
FROM alpine:3.20
COPY --from=biuld /out/app /app
FROM golang:1.23 AS build

# After
FROM golang:1.23 AS build
FROM alpine:3.20
COPY --from=build /out/app /app
```

## References
- https://docs.docker.com/reference/dockerfile/#copy---from
"##,
    references: &["https://docs.docker.com/reference/dockerfile/#copy---from"],
    equivalents: &["hadolint:DL3022"],
    default_enabled: true,
};

impl Rule for CopyFromUnknownStage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (i, ins) in cx.with_keyword("COPY") {
            let Some(from) = ins.flag("from") else {
                continue;
            };
            let Some(cur) = cx.model.stage_of(i).map(|s| s.index) else {
                continue;
            };
            let msg = match cx.model.copy_from(cx.df, i) {
                Some(StageRef::Invalid { reason, .. }) => {
                    Some(format!("`COPY --from={from}`: {reason}"))
                }
                Some(StageRef::Stage(j)) if j > cur => Some(format!(
                    "`COPY --from={from}` refers to a stage defined later in the file"
                )),
                Some(StageRef::Image { name, .. }) => {
                    // A bare word (no tag, registry or path) that is not a stage: likely a typo.
                    let bare = !name.contains([':', '/', '@', '.']);
                    bare.then(|| format!("`--from={name}` is not a stage defined before it; unless the build passes `--build-context {name}=…`, BuildKit pulls the image `docker.io/library/{name}:latest`"))
                }
                _ => None,
            };
            if let Some(m) = msg {
                out.push(
                    cx.finding(&META, cx.find_span(i, from), m)
                        .with_fix("Reference a stage defined earlier (`FROM … AS name`) or a fully qualified, pinned image"),
                );
            }
        }
    }
}
