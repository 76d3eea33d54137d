//! RT030 `no-pids-limit`: a Compose service or container has no process-count limit.

use super::prelude::*;

pub const META: RuleMeta = RuleMeta {
    id: "RT030",
    name: "no-pids-limit",
    target: Target::Runtime,
    category: Category::Runtime,
    severity: Severity::Low,
    title: "No PIDs limit",
    explanation: r##"## Why is this bad?
A fork bomb or a runaway worker pool inside one container can use up the host's process
table, and then nothing else on the host can start a process, not even an administrator's
shell. Memory and CPU limits (RT011) do not stop it: processes are cheap. The PIDs cgroup
limit caps how many processes and threads the container may have.

Compose services and `docker inspect` objects are checked (`pids_limit`, or
`deploy.resources.limits.pids`; `0` and `-1` mean unlimited). Kubernetes sets PIDs limits
per node or pod by the kubelet (`podPidsLimit`), not in manifests, so manifests are not
reported.

## How to fix
Set a limit comfortably above what the service needs (count its threads under load).

## Example
```yaml
# Before
services:
  worker:
    image: example/worker:7
# After
services:
  worker:
    image: example/worker:7
    pids_limit: 200
```

## References
- CIS Docker Benchmark 5.28: Ensure that the PIDs cgroup limit is used
- https://docs.docker.com/reference/compose-file/services/#pids_limit
"##,
    references: &[
        "CIS Docker Benchmark 5.28",
        "https://docs.docker.com/reference/compose-file/services/#pids_limit",
    ],
    equivalents: &[
        "kics:221e0658-cb2a-44e3-b08a-db96a341d6fa",
        "kics:pids-limit-not-set",
    ],
    default_enabled: true,
};

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    if w.pids_limit != Some(false) {
        return;
    }
    out.push(
        cx.finding(
            &META,
            w,
            &w.at,
            "no PIDs limit: a fork bomb can exhaust the host's process table",
        )
        .with_fix("Set `pids_limit` (or `deploy.resources.limits.pids`)"),
    );
}
