//! DF051 `missing-healthcheck`: The final image has no HEALTHCHECK

use super::prelude::*;

pub struct MissingHealthcheck;

pub const META: RuleMeta = RuleMeta {
    id: "DF051",
    name: "missing-healthcheck",
    target: Target::Dockerfile,
    category: Category::BestPractice,
    severity: Severity::Info,
    title: "The final image has no HEALTHCHECK",
    explanation: r##"## Why is this bad?
Without a `HEALTHCHECK`, Docker (and Swarm/Compose `depends_on: service_healthy`) only
knows whether the process exists, not whether it works: a hung server keeps receiving
traffic. (Kubernetes ignores `HEALTHCHECK` and uses its own probes, so this is
informational.)

## How to fix
Add a cheap check of the service, or `HEALTHCHECK NONE` to state explicitly that there is
none (for example when the orchestrator probes it).

## Example
```dockerfile
# Before
FROM nginx:1.27
COPY site/ /usr/share/nginx/html/

# After
FROM nginx:1.27
COPY site/ /usr/share/nginx/html/
HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://localhost/ || exit 1
```

## References
- CIS Docker Benchmark 4.6: Ensure that HEALTHCHECK instructions have been added to container images
- https://docs.docker.com/reference/dockerfile/#healthcheck
"##,
    references: &["https://docs.docker.com/reference/dockerfile/#healthcheck"],
    equivalents: &[
        "checkov:CKV_DOCKER_2",
        "kics:healthcheck-instruction-missing",
        "trivy:DS026",
    ],
    default_enabled: true,
};

impl Rule for MissingHealthcheck {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        let Some(last) = cx.model.final_stage() else {
            return;
        };
        if cx.final_is_artifact_export() {
            return;
        }
        let has = cx
            .final_image_instructions()
            .iter()
            .any(|&i| cx.df.instructions[i].cmd == "HEALTHCHECK");
        if !has {
            out.push(
                cx.finding(&META, cx.span(last.from), "the final image has no HEALTHCHECK")
                    .with_fix("Add `HEALTHCHECK CMD <cheap check> || exit 1`, or `HEALTHCHECK NONE` if the orchestrator probes the service"),
            );
        }
    }
}
