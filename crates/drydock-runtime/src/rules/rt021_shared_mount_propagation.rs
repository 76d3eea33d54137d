//! RT021 `shared-mount-propagation`: a mount propagates mounts back to the host.

use super::prelude::*;

pub const META: RuleMeta = RuleMeta {
    id: "RT021",
    name: "shared-mount-propagation",
    target: Target::Runtime,
    category: Category::Runtime,
    severity: Severity::Medium,
    title: "Mount with shared / bidirectional propagation",
    explanation: r##"## Why is this bad?
With `shared`/`rshared` propagation (Compose `bind: {propagation: rshared}` or the short
`/src:/dst:rshared`) or Kubernetes `mountPropagation: Bidirectional`, mounts made inside
the container appear on the host and in every other container sharing the mount. A
compromised container can then mount over host paths other workloads use. Kubernetes
allows `Bidirectional` only for privileged containers for that reason.

## How to fix
Use the default `rprivate` propagation (Kubernetes `None`), or `HostToContainer` /
`rslave` when the container must see mounts made on the host. Keep `Bidirectional` for
storage drivers (CSI node plugins) that genuinely mount for the host.

## Example
```yaml
# Before
volumeMounts:
  - name: data
    mountPath: /data
    mountPropagation: Bidirectional
# After
volumeMounts:
  - name: data
    mountPath: /data
    mountPropagation: HostToContainer
```

## References
- CIS Docker Benchmark 5.19: Ensure mount propagation mode is not set to shared
- https://kubernetes.io/docs/concepts/storage/volumes/#mount-propagation
"##,
    references: &[
        "CIS Docker Benchmark 5.19",
        "https://kubernetes.io/docs/concepts/storage/volumes/#mount-propagation",
    ],
    equivalents: &[
        "kics:baa452f0-1f21-4a25-ace5-844e7a5f410d",
        "kics:volume-mounted-in-multiple-containers",
    ],
    default_enabled: true,
};

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    for p in &w.shared_propagation {
        out.push(
            cx.finding(
                &META,
                w,
                &p.at,
                format!(
                    "mount uses `{}` propagation: its mounts reach the host",
                    p.v
                ),
            )
            .with_fix("Use the default private propagation, or HostToContainer / rslave"),
        );
    }
}
