//! RT011 `no-resource-limits`: no memory / CPU / PIDs limit.

use super::prelude::*;

pub const META: RuleMeta = RuleMeta {
    id: "RT011",
    name: "no-resource-limits",
    target: Target::Runtime,
    category: Category::Runtime,
    severity: Severity::Low,
    title: "No memory, CPU or PIDs limit",
    explanation: r##"## Why is this bad?
Without limits one container (a leak, a fork bomb, a crypto miner after a compromise) can
take all memory, CPU or process slots of the host and take every other workload down with
it. A PIDs limit is the defence against fork bombs; memory limits keep the OOM killer on
the offending container.

Kubernetes sets PIDs limits per node (kubelet `podPidsLimit`), so only memory and CPU
are checked for manifests.

## How to fix
Compose: `mem_limit`, `cpus`, `pids_limit` (or `deploy.resources.limits`). Kubernetes:
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
- CIS Docker Benchmark 5.10 (memory), 5.11 (CPU), 5.28 (PIDs cgroup limit)
- https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
"##,
    references: &["CIS Docker Benchmark 5.10, 5.11, 5.28"],
    equivalents: &[
        "checkov:CKV_K8S_11",
        "checkov:CKV_K8S_13",
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
    if w.pids_limit == Some(false) {
        missing.push("PIDs");
    }
    if missing.is_empty() {
        return;
    }
    let fix = match w.source {
        SourceKind::Kubernetes => "Set `resources.limits.memory` and `resources.limits.cpu`",
        _ => "Set `mem_limit`, `cpus` and `pids_limit` (or `deploy.resources.limits`)",
    };
    out.push(
        cx.finding(&META, w, &w.at, format!("no {} limit", missing.join("/")))
            .with_fix(fix),
    );
}
