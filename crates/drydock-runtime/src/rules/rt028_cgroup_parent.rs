//! RT028 `cgroup-parent`: a Compose service is placed in a custom parent cgroup.

use super::prelude::*;

pub const META: RuleMeta = RuleMeta {
    id: "RT028",
    name: "cgroup-parent",
    target: Target::Runtime,
    category: Category::Runtime,
    severity: Severity::Low,
    title: "Custom cgroup parent",
    explanation: r##"## Why is this bad?
`cgroup_parent` puts the container under a cgroup the daemon does not manage. The limits
and accounting of that parent apply instead of Docker's; a parent shared with host
services or with other containers lets them starve each other, and a parent outside the
Docker hierarchy escapes the limits operators expect. CIS asks to confirm the cgroup
usage is the default.

The cgroup *namespace* (`cgroup: host`) is reported by RT009.

## How to fix
Remove `cgroup_parent` unless the host's resource plan requires it; set limits on the
service itself (`mem_limit`, `cpus`, `pids_limit` or `deploy.resources.limits`).

## Example
```yaml
# Before
cgroup_parent: system.slice
# After
mem_limit: 512m
pids_limit: 200
```

## References
- CIS Docker Benchmark 5.24: Ensure that cgroup usage is confirmed
- https://docs.docker.com/reference/compose-file/services/#cgroup_parent
"##,
    references: &[
        "CIS Docker Benchmark 5.24",
        "https://docs.docker.com/reference/compose-file/services/#cgroup_parent",
    ],
    equivalents: &[
        "kics:4d9f44c6-2f4a-4317-9bb5-267adbea0232",
        "kics:cgroup-not-default",
    ],
    default_enabled: true,
};

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    if let Some(p) = &w.cgroup_parent {
        out.push(
            cx.finding(
                &META,
                w,
                &p.at,
                format!("runs under custom cgroup parent `{}`", p.v),
            )
            .with_fix("Remove `cgroup_parent`; set limits on the service itself"),
        );
    }
}
