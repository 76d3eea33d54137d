//! RT015 `unsafe-sysctl`: a sysctl outside Kubernetes' safe set is changed.

use super::prelude::*;

pub const META: RuleMeta = RuleMeta {
    id: "RT015",
    name: "unsafe-sysctl",
    target: Target::Runtime,
    category: Category::Runtime,
    severity: Severity::Medium,
    title: "Unsafe sysctl set",
    explanation: r##"## Why is this bad?
Kubernetes defines a small set of *safe* sysctls that are namespaced and cannot affect
other pods or the node (`kernel.shm_rmid_forced`, `net.ipv4.ip_local_port_range`,
`net.ipv4.ip_unprivileged_port_start`, `net.ipv4.tcp_syncookies`, `net.ipv4.ping_group_range`,
`net.ipv4.ip_local_reserved_ports`, `net.ipv4.tcp_keepalive_time`, `net.ipv4.tcp_fin_timeout`,
`net.ipv4.tcp_keepalive_intvl`, `net.ipv4.tcp_keepalive_probes`). Anything else either
changes shared kernel behaviour or can starve or weaken isolation of neighbours.

Severity: non-namespaced sysctls (`kernel.*` outside IPC, `vm.*`, `fs.*` outside
`fs.mqueue`) high — they change the whole node; namespaced network/IPC sysctls low, or
medium when the host's network/IPC namespace is shared (then they change the host's).

## How to fix
Remove the sysctl, or set it on the node (with review) rather than from a workload.

## Example
```yaml
# Before
sysctls:
  net.ipv4.ip_forward: 1
# After: routing is done by the host/CNI, not by the app container
```

## References
- Kubernetes Pod Security Standards (baseline): Sysctls
- https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/
"##,
    references: &[
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        "https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/",
    ],
    equivalents: &["trivy:KSV026"],
    default_enabled: true,
};

pub const SAFE: &[&str] = &[
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
];

fn is_ipc(name: &str) -> bool {
    name.starts_with("kernel.shm")
        || name.starts_with("kernel.msg")
        || name == "kernel.sem"
        || name.starts_with("fs.mqueue.")
}

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    for s in &w.sysctls {
        let name = s.v.0.replace('/', ".");
        if SAFE.contains(&name.as_str()) {
            continue;
        }
        let (sev, why) = if name.starts_with("net.") {
            if w.shares(Namespace::Network) {
                (
                    Severity::Medium,
                    "changes the host's network stack (host network namespace)",
                )
            } else {
                (Severity::Low, "is namespaced but not in the safe set")
            }
        } else if is_ipc(&name) {
            if w.shares(Namespace::Ipc) {
                (
                    Severity::Medium,
                    "changes the host's IPC limits (host IPC namespace)",
                )
            } else {
                (Severity::Low, "is namespaced but not in the safe set")
            }
        } else {
            (
                Severity::High,
                "is not namespaced: it changes the whole node",
            )
        };
        out.push(
            cx.finding(
                &META,
                w,
                &s.at,
                format!("sets sysctl `{name}={}`, which {why}", s.v.1),
            )
            .with_severity(sev)
            .with_fix("Remove the sysctl or set it on the host after review"),
        );
    }
}
