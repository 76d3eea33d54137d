//! RT023 `restart-without-limit`: a Compose service is restarted forever.

use super::prelude::*;

pub const META: RuleMeta = RuleMeta {
    id: "RT023",
    name: "restart-without-limit",
    target: Target::Runtime,
    category: Category::Runtime,
    severity: Severity::Low,
    title: "Restart policy without a retry limit",
    explanation: r##"## Why is this bad?
`restart: always`, `restart: unless-stopped` and `restart: on-failure` without a count
restart a crashing container forever. A container that crashes on start (bad
configuration, an exploit attempt that kills it, a dependency that is down) then loops,
burning CPU, filling logs and hiding the failure; an attacker who can crash it gets
unlimited retries. `on-failure:5` (or `deploy.restart_policy.max_attempts`) bounds this.

Reported: `restart: always|unless-stopped|on-failure` without `:N`, and
`deploy.restart_policy` with condition `any` (the default) or `on-failure` and no
`max_attempts`. `restart: no` and `on-failure:N` are fine. Kubernetes is not concerned:
the kubelet backs off exponentially (CrashLoopBackOff).

## How to fix
Use `restart: on-failure:5`, or `deploy.restart_policy: {condition: on-failure,
max_attempts: 5}`, and monitor restarts.

## Example
```yaml
# Before
restart: always
# After
restart: "on-failure:5"
```

## References
- CIS Docker Benchmark 5.14: Ensure that the 'on-failure' container restart policy is set to '5'
- https://docs.docker.com/reference/compose-file/deploy/#restart_policy
"##,
    references: &[
        "CIS Docker Benchmark 5.14",
        "https://docs.docker.com/reference/compose-file/deploy/#restart_policy",
    ],
    equivalents: &["kics:restart-policy-on-failure-not-set-to-5"],
    default_enabled: true,
};

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    let fix = "Use `restart: on-failure:5` (or `deploy.restart_policy.max_attempts`)";
    if let Some(r) = &w.restart {
        let (policy, count) =
            r.v.split_once(':')
                .map_or((r.v.as_str(), None), |(p, c)| (p, Some(c)));
        let unlimited = match policy.trim() {
            "always" | "unless-stopped" => true,
            "on-failure" => count
                .and_then(|c| c.trim().parse::<u32>().ok())
                .is_none_or(|n| n == 0),
            _ => false,
        };
        if unlimited {
            out.push(
                cx.finding(
                    &META,
                    w,
                    &r.at,
                    format!("`restart: {}` restarts the container without limit", r.v),
                )
                .with_fix(fix),
            );
        }
    }
    if let Some(p) = &w.restart_policy {
        let (cond, max) = &p.v;
        if matches!(cond.as_str(), "any" | "on-failure") && max.is_none_or(|m| m <= 0) {
            out.push(
                cx.finding(
                    &META,
                    w,
                    &p.at,
                    format!("`deploy.restart_policy` (condition `{cond}`) has no `max_attempts`"),
                )
                .with_fix(fix),
            );
        }
    }
}
