//! RT009 `host-namespace`: the container shares a host namespace.

use super::prelude::*;

pub const META: RuleMeta = RuleMeta {
    id: "RT009",
    name: "host-namespace",
    target: Target::Runtime,
    category: Category::Runtime,
    severity: Severity::High,
    title: "Host namespace shared (network, PID, IPC, UTS, user, cgroup)",
    explanation: r##"## Why is this bad?
Namespaces are what make a container a container. `network_mode: host` / `hostNetwork`
lets it bind any host port, reach services listening on localhost and sniff host traffic;
`pid: host` / `hostPID` lets it see and signal (with `SYS_PTRACE`, read) every host
process; `ipc: host` / `hostIPC` shares host shared memory; `uts: host` lets it change
the host's hostname; `userns_mode: host` disables user-namespace remapping so container
root is host root; `cgroup: host` shows the host's whole cgroup tree (and, with a writable
cgroupfs, lets the container change other containers' limits).

Severity: network and PID high, IPC, user and cgroup medium, UTS low.

## How to fix
Remove the setting. Publish the ports needed instead of using the host network; use a
shared PID namespace between two containers (`pid: service:x`) rather than the host's.

## Example
```yaml
# Before
network_mode: host
pid: host
# After
ports: ["127.0.0.1:9100:9100"]
```

## References
- CIS Docker Benchmark 5.9 (network), 5.15 (PID), 5.16 (IPC), 5.20 (UTS), 5.30 (user namespaces)
- Kubernetes Pod Security Standards (baseline): Host Namespaces
"##,
    references: &[
        "CIS Docker Benchmark 5.9, 5.15, 5.16, 5.20, 5.30",
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
    ],
    equivalents: &[
        "checkov:CKV_K8S_17",
        "checkov:CKV_K8S_18",
        "checkov:CKV_K8S_19",
        "kics:host-namespace-is-shared",
        "kics:shared-host-ipc-namespace",
        "kics:shared-host-network-namespace",
        "kics:shared-host-user-namespace",
        "trivy:KSV008",
        "trivy:KSV009",
        "trivy:KSV010",
    ],
    default_enabled: true,
};

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    for n in &w.host_namespaces {
        let sev = match n.v {
            Namespace::Network | Namespace::Pid => Severity::High,
            Namespace::Ipc | Namespace::User | Namespace::Cgroup => Severity::Medium,
            Namespace::Uts => Severity::Low,
        };
        out.push(
            cx.finding(&META, w, &n.at, format!("shares the host's {} namespace", n.v.as_str()))
                .with_severity(sev)
                .with_fix("Remove the host namespace setting; publish ports or share with a sibling container instead"),
        );
    }
}
