//! DF058 `duplicate-stage-name`: Two stages have the same name

use super::prelude::*;

pub struct DuplicateStageName;

pub const META: RuleMeta = RuleMeta {
    id: "DF058",
    name: "duplicate-stage-name",
    target: Target::Dockerfile,
    category: Category::BestPractice,
    severity: Severity::Medium,
    title: "Two stages have the same name",
    explanation: r##"## Why is this bad?
Stage names must be unique; BuildKit rejects duplicate names (older builders let the
last one win, so `COPY --from=name` silently copied from a different stage than the reader
expects).

## How to fix
Give every stage a unique name.

## Example
```dockerfile
# Before
FROM node:22 AS build
FROM golang:1.23 AS build

# After
FROM node:22 AS build-web
FROM golang:1.23 AS build-api
```

## References
- https://docs.docker.com/reference/dockerfile/#from
- https://docs.docker.com/reference/build-checks/duplicate-stage-name/
"##,
    references: &[
        "https://docs.docker.com/reference/dockerfile/#from",
        "https://docs.docker.com/reference/build-checks/duplicate-stage-name/",
    ],
    equivalents: &[
        "checkov:CKV_DOCKER_11",
        "hadolint:DL3024",
        "kics:same-alias-in-different-froms",
        "trivy:DS012",
    ],
    default_enabled: true,
};

impl Rule for DuplicateStageName {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (k, s) in cx.model.stages.iter().enumerate() {
            let Some(name) = s.name.as_deref() else {
                continue;
            };
            if let Some(first) = cx.model.stages[..k]
                .iter()
                .find(|p| p.name.as_deref() == Some(name))
            {
                out.push(
                    cx.finding(
                        &META,
                        cx.find_span(s.from, name),
                        format!(
                            "stage name `{name}` is already used by the stage on line {}",
                            cx.span(first.from).start_line
                        ),
                    )
                    .with_fix("Give every stage a unique name"),
                );
            }
        }
    }
}
