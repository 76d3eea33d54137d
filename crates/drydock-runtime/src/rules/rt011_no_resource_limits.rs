//! RT011 `no-resource-limits`: no memory / CPU limit.

use super::prelude::*;

pub const META: RuleMeta = RuleMeta {
    id: "RT011",
    name: "no-resource-limits",
    target: Target::Runtime,
    category: Category::Runtime,
    severity: Severity::Low,
    title: "No memory or CPU limit",
    explanation: r##"## Why is this bad?
Without limits one container (a leak, a crypto miner after a compromise) can take all
memory or CPU of the host and take every other workload down with it; memory limits keep
the OOM killer on the offending container. The process-count limit is RT030.

## How to fix
Compose: `mem_limit`, `cpus` (or `deploy.resources.limits`). Kubernetes:
`resources.limits.memory` and `resources.limits.cpu` on each container.

## Example
```yaml
services:
  worker:
    image: example/worker:7
    mem_limit: 512m
    cpus: 1.0
    pids_limit: 200
```

## References
- CIS Docker Benchmark 5.10 (memory), 5.11 (CPU)
- https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
"##,
    references: &["CIS Docker Benchmark 5.10, 5.11"],
    equivalents: &[
        "checkov:CKV_K8S_11",
        "checkov:CKV_K8S_13",
        "kics:6b610c50-99fb-4ef0-a5f3-e312fd945bc3",
        "kics:bb9ac4f7-e13b-423d-a010-c74a1bfbe492",
        "kics:cpus-not-limited",
        "kics:memory-not-limited",
        "kube-score:container-resources",
        "trivy:KSV011",
        "trivy:KSV018",
    ],
    default_enabled: true,
};

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    let mut missing = Vec::new();
    if !w.memory_limit {
        missing.push("memory");
    }
    if !w.cpu_limit {
        missing.push("CPU");
    }
    if missing.is_empty() {
        return;
    }
    let fix = match w.source {
        SourceKind::Kubernetes => "Set `resources.limits.memory` and `resources.limits.cpu`",
        _ => "Set `mem_limit` and `cpus` (or `deploy.resources.limits`)",
    };
    out.push(
        cx.finding(&META, w, &w.at, format!("no {} limit", missing.join("/")))
            .with_fix(fix),
    );
}
