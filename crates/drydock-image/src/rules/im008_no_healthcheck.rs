//! IM008: no HEALTHCHECK in the image config.

use crate::context::ImageContext;
use drydock_core::rule::Target;
use drydock_core::{Category, Finding, RuleMeta, Severity};

pub const META: RuleMeta = RuleMeta {
    id: "IM008",
    name: "no-healthcheck",
    target: Target::Image,
    category: Category::BestPractice,
    severity: Severity::Info,
    title: "The image defines no HEALTHCHECK",
    explanation: r#"
## Why is this bad?
Without a health check, Docker and Swarm only know whether the process is running, not
whether it still answers; a hung service keeps receiving traffic. (Kubernetes ignores
`HEALTHCHECK` and uses its own probes, so this is informational.)

## How to fix
Add a `HEALTHCHECK` that exercises the service cheaply, or define liveness/readiness
probes in the orchestrator.

## Example
```dockerfile
HEALTHCHECK --interval=30s --timeout=3s CMD wget -qO- http://127.0.0.1:8080/healthz || exit 1
```

## References
- CIS Docker Benchmark 4.6: Ensure that HEALTHCHECK instructions have been added
- https://docs.docker.com/reference/dockerfile/#healthcheck
"#,
    references: &[
        "CIS Docker Benchmark 4.6",
        "https://docs.docker.com/reference/dockerfile/#healthcheck",
    ],
    equivalents: &["dockle:CIS-DI-0006", "trivy:DS026"],
    default_enabled: true,
};

pub fn check(cx: &ImageContext<'_>, out: &mut Vec<Finding>) {
    let hc = cx.image.config.config.healthcheck.as_ref();
    if hc.is_none_or(|h| h.is_disabled()) {
        out.push(
            Finding::from_rule(
                &META,
                "no HEALTHCHECK in the image config",
                cx.config_loc("Healthcheck"),
            )
            .with_fix("Add a HEALTHCHECK instruction (or orchestrator probes)"),
        );
    }
}
