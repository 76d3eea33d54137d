//! DF056 `copy-from-self`: COPY --from refers to its own stage

use super::prelude::*;

pub struct CopyFromSelf;

pub const META: RuleMeta = RuleMeta {
    id: "DF056",
    name: "copy-from-self",
    target: Target::Dockerfile,
    category: Category::BestPractice,
    severity: Severity::Medium,
    title: "COPY --from refers to its own stage",
    explanation: r##"## Why is this bad?
A stage cannot copy from itself: BuildKit fails the build (or, if another stage of the
same name exists, silently copies from a different stage than intended).

## How to fix
Copy from the stage that produced the files: give it a name (`FROM … AS build`) and use
`COPY --from=build …`.

## Example
```dockerfile
# Before
FROM golang:1.23 AS build
COPY --from=build /out/app /app

# After
FROM golang:1.23 AS build
RUN go build -o /out/app .
FROM gcr.io/distroless/static-debian12
COPY --from=build /out/app /app
```

## References
- https://docs.docker.com/reference/dockerfile/#copy---from
"##,
    references: &["https://docs.docker.com/reference/dockerfile/#copy---from"],
    equivalents: &[
        "hadolint:DL3023",
        "kics:copy-from-references-current-from-alias",
        "trivy:DS006",
    ],
    default_enabled: true,
};

impl Rule for CopyFromSelf {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (i, ins) in cx.with_keyword("COPY") {
            let (Some(from), Some(stage)) = (ins.flag("from"), cx.model.stage_of(i)) else {
                continue;
            };
            let own_name = stage
                .name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(from));
            let own_index = from.parse::<usize>().is_ok_and(|n| n == stage.index);
            if own_name || own_index {
                out.push(
                    cx.finding(
                        &META,
                        cx.find_span(i, from),
                        format!("`COPY --from={from}` refers to the stage it is in"),
                    )
                    .with_fix("Copy from the stage that produces the files"),
                );
            }
        }
    }
}
