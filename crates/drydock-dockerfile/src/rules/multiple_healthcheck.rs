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
        for stage in &cx.model.stages {
            let all: Vec<usize> = cx
                .stage_instructions(stage)
                .filter(|(_, ins)| ins.cmd == "HEALTHCHECK")
                .map(|(i, _)| i)
                .collect();
            if let Some((&last, earlier)) = all.split_last() {
                for &i in earlier {
                    out.push(
                        cx.finding(
                            &META,
                            cx.span(i),
                            format!(
                                "this HEALTHCHECK is overridden by the one on line {}",
                                cx.span(last).start_line
                            ),
                        )
                        .with_fix("Keep only one HEALTHCHECK per stage"),
                    );
                }
            }
        }
    }
}
