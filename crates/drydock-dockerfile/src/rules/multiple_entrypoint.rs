//! DF049 `multiple-entrypoint`: Several ENTRYPOINT instructions in one stage

use super::prelude::*;

pub struct MultipleEntrypoint;

pub const META: RuleMeta = RuleMeta {
    id: "DF049",
    name: "multiple-entrypoint",
    target: Target::Dockerfile,
    category: Category::BestPractice,
    severity: Severity::Medium,
    title: "Several ENTRYPOINT instructions in one stage",
    explanation: r##"## Why is this bad?
Only the last `ENTRYPOINT` of a stage takes effect; earlier ones are silently overridden.
Several `ENTRYPOINT` instructions usually mean a misunderstanding (e.g. expecting two processes to
start) or a leftover that makes the Dockerfile misleading.

## How to fix
Keep a single `ENTRYPOINT` per stage. To run several processes, use a small init/supervisor
or separate containers.

## Example
```dockerfile
# Before
ENTRYPOINT ["nginx", "-g", "daemon off;"]
ENTRYPOINT ["php-fpm"]

# After
ENTRYPOINT ["/usr/local/bin/start.sh"]
```

## References
- https://docs.docker.com/reference/dockerfile/#entrypoint
"##,
    references: &["https://docs.docker.com/reference/dockerfile/#entrypoint"],
    equivalents: &[
        "hadolint:DL4004",
        "kics:multiple-entrypoint-instructions-listed",
        "trivy:DS007",
    ],
    default_enabled: true,
};

impl Rule for MultipleEntrypoint {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        cx.report_overridden(&META, "ENTRYPOINT", out);
    }
}
