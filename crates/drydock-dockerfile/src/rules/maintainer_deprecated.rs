//! DF054 `maintainer-deprecated`: MAINTAINER is deprecated

use super::prelude::*;

pub struct MaintainerDeprecated;

pub const META: RuleMeta = RuleMeta {
    id: "DF054",
    name: "maintainer-deprecated",
    target: Target::Dockerfile,
    category: Category::BestPractice,
    severity: Severity::Info,
    title: "MAINTAINER is deprecated",
    explanation: r##"## Why is this bad?
`MAINTAINER` has been deprecated since Docker 1.13; it sets a legacy field that tools no
longer read. Labels carry this metadata in a standard, queryable way.

## How to fix
Use the OCI label: `LABEL org.opencontainers.image.authors="team@example.com"`.

## Example
```dockerfile
# Before
MAINTAINER Jane Doe <jane@example.com>

# After
LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
```

## References
- https://docs.docker.com/reference/dockerfile/#maintainer-deprecated
- https://github.com/opencontainers/image-spec/blob/main/annotations.md
"##,
    references: &[
        "https://docs.docker.com/reference/dockerfile/#maintainer-deprecated",
        "https://github.com/opencontainers/image-spec/blob/main/annotations.md",
    ],
    equivalents: &[
        "checkov:CKV_DOCKER_6",
        "hadolint:DL4000",
        "kics:maintainer-instruction-being-used",
        "trivy:DS022",
    ],
    default_enabled: true,
};

impl Rule for MaintainerDeprecated {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (i, ins) in cx.with_keyword("MAINTAINER") {
            let who = ins.value.join(" ");
            out.push(
                cx.finding(&META, cx.span(i), "MAINTAINER is deprecated")
                    .with_fix(format!(
                        "Use `LABEL org.opencontainers.image.authors=\"{}\"`",
                        who.replace('"', "'")
                    )),
            );
        }
    }
}
