//! RT005 `capability-added`: a Linux capability beyond the default set is granted.

use super::prelude::*;

pub const META: RuleMeta = RuleMeta {
    id: "RT005",
    name: "capability-added",
    target: Target::Runtime,
    category: Category::Runtime,
    severity: Severity::High,
    title: "Dangerous Linux capability added",
    explanation: r##"## Why is this bad?
Capabilities split root's power into pieces; some pieces are almost all of it.
`SYS_ADMIN` allows mounting filesystems and many namespace/cgroup escapes, `SYS_MODULE`
loads kernel code, `ALL` is close to `privileged`, `SYS_PTRACE` reads other processes'
memory (with `pid: host`, the host's), `NET_ADMIN` rewrites routing and firewall rules,
`DAC_READ_SEARCH` enables the "shocker" host file read.

Severity follows the capability: critical for `ALL`, `SYS_ADMIN`, `SYS_MODULE`; high for
`SYS_PTRACE`, `SYS_RAWIO`, `DAC_READ_SEARCH`, `BPF`, `SYS_BOOT`, `MAC_ADMIN`…; medium for
`NET_ADMIN`, `SYS_TIME`, `PERFMON`…; low for the rest. In Compose, capabilities in Docker's
default set (`NET_BIND_SERVICE`, `CHOWN`…) are not reported (adding them back after
`cap_drop: [ALL]` is the recommended pattern).

Kubernetes follows the Pod Security Standards (*baseline*), which allow adding only
`AUDIT_WRITE`, `CHOWN`, `DAC_OVERRIDE`, `FOWNER`, `FSETID`, `KILL`, `MKNOD`,
`NET_BIND_SERVICE`, `SETFCAP`, `SETGID`, `SETPCAP`, `SETUID` and `SYS_CHROOT`: `NET_RAW` (in
Docker's default set, but the raw-socket capability behind ARP/DNS spoofing) is reported low
there. *Restricted* also requires `drop: [ALL]` (RT006) and allows adding back only
`NET_BIND_SERVICE`; re-adding another baseline capability after dropping all is not
reported, as it is the least-privilege pattern for images that need it.

## How to fix
Remove the capability, or replace it with a narrower mechanism (a device, a sysctl, a
sidecar that owns the privileged operation). Always combine with `cap_drop: [ALL]`.

## Example
```yaml
# Before
cap_add: [SYS_ADMIN]
# After
cap_drop: [ALL]
cap_add: [NET_BIND_SERVICE]
```

## References
- CIS Docker Benchmark 5.3: Ensure that Linux kernel capabilities are restricted within containers
- Kubernetes Pod Security Standards (baseline): Capabilities; (restricted): only NET_BIND_SERVICE may be added
"##,
    references: &[
        "CIS Docker Benchmark 5.3",
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
    ],
    equivalents: &[
        "checkov:CKV_K8S_25",
        "checkov:CKV_K8S_39",
        "kics:ce76b7d0-9e77-464d-b86f-c5c48e03e22d",
        "kics:container-capabilities-unrestricted",
        "trivy:KSV005",
        "trivy:KSV022",
    ],
    default_enabled: true,
};

/// Capabilities Docker grants by default: adding them changes nothing.
pub const DOCKER_DEFAULT: &[&str] = &[
    "CHOWN",
    "DAC_OVERRIDE",
    "FSETID",
    "FOWNER",
    "MKNOD",
    "NET_RAW",
    "SETGID",
    "SETUID",
    "SETFCAP",
    "SETPCAP",
    "NET_BIND_SERVICE",
    "SYS_CHROOT",
    "KILL",
    "AUDIT_WRITE",
];

pub fn cap_severity(cap: &str) -> Option<Severity> {
    Some(match cap {
        "ALL" | "SYS_ADMIN" | "SYS_MODULE" => Severity::Critical,
        "SYS_PTRACE" | "SYS_RAWIO" | "DAC_READ_SEARCH" | "BPF" | "SYS_BOOT" | "MAC_ADMIN"
        | "MAC_OVERRIDE" | "SYSLOG" | "LINUX_IMMUTABLE" | "CHECKPOINT_RESTORE" => Severity::High,
        "NET_ADMIN" | "SYS_TIME" | "PERFMON" | "SYS_RESOURCE" | "IPC_OWNER" | "AUDIT_CONTROL"
        | "SYS_PACCT" | "SYS_TTY_CONFIG" | "WAKE_ALARM" | "BLOCK_SUSPEND" => Severity::Medium,
        c if DOCKER_DEFAULT.contains(&c) => return None,
        _ => Severity::Low,
    })
}

/// Kubernetes: Pod Security Standards (baseline) forbid adding `NET_RAW`, the one
/// capability of Docker's default set missing from their list.
fn pss_severity(cap: &str) -> Option<(Severity, &'static str)> {
    (cap == "NET_RAW").then_some((
        Severity::Low,
        "Pod Security Standards (baseline) forbid adding it",
    ))
}

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    for c in &w.cap_add {
        let name = cap_name(&c.v);
        if w.source == SourceKind::Kubernetes && cap_severity(&name).is_none() {
            if let Some((sev, why)) = pss_severity(&name) {
                out.push(
                    cx.finding(&META, w, &c.at, format!("adds capability `{name}`: {why}"))
                        .with_severity(sev)
                        .with_fix(format!("Remove `{name}` from `capabilities.add`")),
                );
            }
            continue;
        }
        if let Some(sev) = cap_severity(&name) {
            out.push(
                cx.finding(&META, w, &c.at, format!("adds capability `{name}`"))
                    .with_severity(sev)
                    .with_fix(format!(
                        "Remove `{name}` from the added capabilities, or confine what needs it"
                    )),
            );
        }
    }
}
