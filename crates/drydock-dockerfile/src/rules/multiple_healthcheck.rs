//! DF052 `multiple-healthcheck`: Several HEALTHCHECK instructions in one stage

use super::prelude::*;

pub struct MultipleHealthcheck;

pub const META: RuleMeta = RuleMeta {
    id: "DF052",
    name: "multiple-healthcheck",
    target: Target::Dockerfile,
    category: Category::BestPractice,
    severity: Severity::Low,
    title: "Several HEALTHCHECK instructions in one stage",
    explanation: r##"## Why is this bad?
Only the last `HEALTHCHECK` of a stage takes effect; earlier ones are silently
overridden, which makes the Dockerfile misleading.

## How to fix
Keep a single `HEALTHCHECK` per stage.

## Example
```dockerfile
# Before
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
HEALTHCHECK CMD wget -qO- http://localhost/health || exit 1

# After
HEALTHCHECK CMD wget -qO- http://localhost/health || exit 1
```

## References
- https://docs.docker.com/reference/dockerfile/#healthcheck
"##,
    references: &["https://docs.docker.com/reference/dockerfile/#healthcheck"],
    equivalents: &["hadolint:DL3012", "trivy:DS023"],
    default_enabled: true,
};

impl Rule for MultipleHealthcheck {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        cx.report_overridden(&META, "HEALTHCHECK", out);
    }
}
