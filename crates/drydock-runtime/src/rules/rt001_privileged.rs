//! RT001 `privileged-container`: the container runs with `privileged: true` (or as a
//! Windows HostProcess container).

use super::prelude::*;

pub const META: RuleMeta = RuleMeta {
    id: "RT001",
    name: "privileged-container",
    target: Target::Runtime,
    category: Category::Runtime,
    severity: Severity::Critical,
    title: "Container runs privileged",
    explanation: r##"## Why is this bad?
A privileged container gets every Linux capability, all host devices, no seccomp or
AppArmor/SELinux confinement and a writable `/sys`. Whoever controls the process can mount
the host's disks, load kernel modules or write to `/sys/fs/cgroup` release agents: it is
root on the host, not in a container.

A Windows HostProcess container (`securityContext.windowsOptions.hostProcess: true`, pod
or container level) is the Windows equivalent: it runs as a process on the node, with the
node's network and filesystem, outside any container isolation. Pod Security Standards
(baseline) forbid both.

## How to fix
Remove `privileged` (or `hostProcess`). Grant only what the workload needs: a single capability
(`cap_add: [NET_ADMIN]`), a single device (`devices:`), or a narrow host path mount.

## Example
```yaml
# Before
services:
  agent:
    image: example/agent:1.4
    privileged: true
# After
services:
  agent:
    image: example/agent:1.4
    cap_add: [NET_ADMIN]
    cap_drop: [ALL]
```

## References
- CIS Docker Benchmark 5.4: Ensure that privileged containers are not used
- Kubernetes Pod Security Standards (baseline): Privileged Containers, HostProcess
- https://kubernetes.io/docs/concepts/security/pod-security-standards/
"##,
    references: &[
        "CIS Docker Benchmark 5.4",
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
    ],
    equivalents: &[
        "checkov:CKV_K8S_16",
        "kics:ae5b6871-7f45-42e0-bb4c-ab300c4d2026",
        "kics:privileged-containers-enabled",
        "kube-score:container-security-context-privileged",
        "trivy:KSV017",
        "trivy:KSV103",
    ],
    default_enabled: true,
};

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    if let Some(p) = w.privileged.as_ref().filter(|p| p.v) {
        out.push(
            cx.finding(
                &META,
                w,
                &p.at,
                "runs privileged: all capabilities and devices, no confinement (host root)",
            )
            .with_fix("Remove `privileged`; add only the capability or device the workload needs"),
        );
    }
    if let Some(h) = w
        .k8s
        .as_ref()
        .and_then(|k| k.host_process.as_ref())
        .filter(|h| h.v)
    {
        out.push(
            cx.finding(
                &META,
                w,
                &h.at,
                "runs as a Windows HostProcess container: a process on the node, outside container isolation",
            )
            .with_fix("Remove `windowsOptions.hostProcess`; run node agents as Windows services instead"),
        );
    }
}
