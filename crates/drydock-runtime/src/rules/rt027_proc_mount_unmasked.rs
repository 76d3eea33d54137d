//! RT027 `proc-mount-unmasked`: `procMount: Unmasked` exposes the host's /proc internals.

use super::prelude::*;

pub const META: RuleMeta = RuleMeta {
    id: "RT027",
    name: "proc-mount-unmasked",
    target: Target::Runtime,
    category: Category::Runtime,
    severity: Severity::Medium,
    title: "procMount: Unmasked",
    explanation: r##"## Why is this bad?
Container runtimes mask and make read-only the dangerous parts of `/proc`
(`/proc/kcore`, `/proc/sysrq-trigger`, `/proc/sys`, `/proc/keys`…). `procMount: Unmasked`
turns that off: the container can read kernel memory maps and, depending on privileges,
trigger sysrq or change kernel parameters for the whole node. Pod Security Standards
*baseline* forbids anything but `Default`.

## How to fix
Remove `procMount` (or set `Default`). Nested-container setups that need an unmasked
/proc should run in a user namespace (`hostUsers: false`) on a dedicated node.

## Example
```yaml
securityContext:
  procMount: Default
```

## References
- Kubernetes Pod Security Standards (baseline): /proc Mount Type
- https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline
"##,
    references: &["https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline"],
    equivalents: &["kics:proc-mount-is-unmasked", "trivy:KSV027"],
    default_enabled: true,
};

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    let Some(p) = w.k8s.as_ref().and_then(|k| k.proc_mount.as_ref()) else {
        return;
    };
    if p.v != "Default" {
        out.push(
            cx.finding(
                &META,
                w,
                &p.at,
                format!("`procMount: {}` removes the runtime's /proc masking", p.v),
            )
            .with_fix("Remove `procMount` or set it to `Default`"),
        );
    }
}
