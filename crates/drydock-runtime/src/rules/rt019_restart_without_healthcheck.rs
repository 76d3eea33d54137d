//! RT019 `restart-without-healthcheck`: restart policy `always` with no healthcheck.

use super::prelude::*;

pub const META: RuleMeta = RuleMeta {
    id: "RT019",
    name: "restart-without-healthcheck",
    target: Target::Runtime,
    category: Category::Runtime,
    severity: Severity::Info,
    title: "Always-restart policy without a healthcheck",
    explanation: r##"## Why is this bad?
`restart: always` / `unless-stopped` restarts a container only when its process exits. A
hung or half-broken service keeps running and looks healthy; with a healthcheck the
engine (and dependants via `depends_on: condition: service_healthy`) can see it.

## How to fix
Add a `healthcheck:` (or a `HEALTHCHECK` in the image), or use `restart: on-failure`
with a bounded retry count.

## Example
```yaml
services:
  api:
    image: example/api:5
    restart: unless-stopped
    healthcheck:
      test: ["CMD", "wget", "-qO-", "http://localhost:8080/healthz"]
      interval: 30s
```

## References
- CIS Docker Benchmark 5.26: Ensure that container health is checked at runtime
- CIS Docker Benchmark 5.14: restart policy
"##,
    references: &["CIS Docker Benchmark 5.26"],
    equivalents: &["kics:healthcheck-not-set"],
    default_enabled: true,
};

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    let Some(r) = &w.restart else {
        return;
    };
    if matches!(r.v.as_str(), "always" | "unless-stopped") && !w.healthcheck {
        out.push(
            cx.finding(
                &META,
                w,
                &r.at,
                format!("`restart: {}` without a healthcheck", r.v),
            )
            .with_fix("Add a healthcheck so a hung service is detected"),
        );
    }
}
