//! RT003 `writable-root-filesystem`: the container's root filesystem is writable.

use super::prelude::*;

pub const META: RuleMeta = RuleMeta {
    id: "RT003",
    name: "writable-root-filesystem",
    target: Target::Runtime,
    category: Category::Runtime,
    severity: Severity::Low,
    title: "Root filesystem is writable",
    explanation: r##"## Why is this bad?
With a writable root filesystem an attacker who gets code execution can drop tools,
modify binaries or configuration and persist across process restarts. A read-only root
filesystem turns most post-exploitation steps into errors and makes drift visible.

## How to fix
Mount the root filesystem read-only and give the application explicit writable places
(`tmpfs` for `/tmp`, volumes for data).

## Example
```yaml
# Before
services:
  web:
    image: example/web:3
# After
services:
  web:
    image: example/web:3
    read_only: true
    tmpfs: [/tmp]
```

## References
- CIS Docker Benchmark 5.12: Ensure that the container's root filesystem is mounted as read only
- Kubernetes: securityContext.readOnlyRootFilesystem (not part of the Pod Security Standards)
"##,
    references: &["CIS Docker Benchmark 5.12"],
    equivalents: &[
        "checkov:CKV_K8S_22",
        "kube-score:container-security-context-readonlyrootfilesystem",
        "trivy:KSV014",
    ],
    default_enabled: true,
};

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    match &w.read_only {
        Some(r) if r.v => {}
        Some(r) => out.push(
            cx.finding(&META, w, &r.at, "root filesystem is writable")
                .with_fix("Set `read_only: true` / `readOnlyRootFilesystem: true` and mount tmpfs/volumes where writes are needed"),
        ),
        None => out.push(
            cx.finding(&META, w, &w.at, "root filesystem is writable (no `read_only` / `readOnlyRootFilesystem`)")
                .with_fix("Set `read_only: true` / `readOnlyRootFilesystem: true` and mount tmpfs/volumes where writes are needed"),
        ),
    }
}
