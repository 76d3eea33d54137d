//! RT008 `sensitive-host-path`: a sensitive host directory is mounted.

use super::prelude::*;

pub const META: RuleMeta = RuleMeta {
    id: "RT008",
    name: "sensitive-host-path",
    target: Target::Runtime,
    category: Category::Runtime,
    severity: Severity::High,
    title: "Sensitive host path mounted",
    explanation: r##"## Why is this bad?
Host paths bypass the container's filesystem isolation. The host's `/` gives everything;
`/etc` allows adding users, sudoers entries or cron jobs; `/root`, `/home` hold SSH keys;
`/proc` and `/sys` expose and control kernel state; `/var/run` and `/run` hold the
runtime sockets; `/var/lib/kubelet` and `/var/lib/docker` hold every pod's secrets and
every container's filesystem; `/dev` hands out raw disks. Read-write mounts are the worst:
they let the container change the host.

Severity: host root critical (read-only: high); `/etc`, `/root`, `/boot`, `/dev`,
`/var/lib/kubelet`, `/var/lib/docker`, `/var/run`, `/run` high (read-only: medium); `/proc`,
`/sys`, `/home`, `/var/log`, `/lib/modules` medium (read-only: low); files or subdirectories of
these one step lower (except under `/proc` and `/sys`, which stay as sensitive). Runtime sockets are RT007. Harmless files such as `/etc/localtime`
mounted read-only are not reported.

## How to fix
Mount only the specific file or directory needed, read-only (`:ro`, `readOnly: true`),
or use a named volume / ConfigMap / Secret instead of a host path.

## Example
```yaml
# Before
volumes:
  - /:/host
# After
volumes:
  - /var/log/app:/logs:ro
```

## References
- CIS Docker Benchmark 5.5: Ensure sensitive host system directories are not mounted on containers
- Kubernetes Pod Security Standards (baseline): HostPath Volumes
"##,
    references: &[
        "CIS Docker Benchmark 5.5",
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
    ],
    equivalents: &[
        "kics:1c1325ff-831d-43a1-973e-839ae57dfcc0",
        "kics:volume-has-sensitive-host-directory",
        "trivy:KSV023",
    ],
    default_enabled: true,
};

/// (path, read-write severity).
const SENSITIVE: &[(&str, Severity)] = &[
    ("/", Severity::Critical),
    ("/etc", Severity::High),
    ("/root", Severity::High),
    ("/boot", Severity::High),
    ("/dev", Severity::High),
    ("/var/lib/kubelet", Severity::High),
    ("/var/lib/docker", Severity::High),
    ("/var/lib/containerd", Severity::High),
    ("/var/run", Severity::High),
    ("/run", Severity::High),
    ("/usr", Severity::High),
    ("/bin", Severity::High),
    ("/sbin", Severity::High),
    ("/lib", Severity::High),
    ("/proc", Severity::Medium),
    ("/sys", Severity::Medium),
    ("/home", Severity::Medium),
    ("/var/log", Severity::Medium),
    ("/lib/modules", Severity::Medium),
    ("/var", Severity::Medium),
];

/// Read-only files under sensitive directories that are mounted for good reasons.
const BENIGN_RO: &[&str] = &[
    "/etc/localtime",
    "/etc/timezone",
    "/etc/hostname",
    "/etc/machine-id",
    "/etc/os-release",
];

fn lower(s: Severity) -> Severity {
    match s {
        Severity::Critical => Severity::High,
        Severity::High => Severity::Medium,
        Severity::Medium => Severity::Low,
        _ => Severity::Info,
    }
}

/// Severity for mounting `host`, or `None` when it is not sensitive.
pub fn host_path_severity(host: &str, read_only: bool) -> Option<Severity> {
    if !host.starts_with('/') {
        return None;
    }
    if read_only && BENIGN_RO.contains(&host) {
        return None;
    }
    let exact = SENSITIVE.iter().find(|(p, _)| *p == host).map(|(_, s)| *s);
    let sev = match exact {
        Some(s) => s,
        None => {
            // deepest sensitive parent, one step lower; nothing below `/` alone (that is
            // every path) or below `/var` (app data lives there).
            let parent = SENSITIVE
                .iter()
                .filter(|(p, _)| *p != "/" && *p != "/var" && host.starts_with(&format!("{p}/")))
                .max_by_key(|(p, _)| p.len())?;
            // kernel interfaces stay as sensitive below their root (`/sys/fs/cgroup`).
            if parent.0 == "/proc" || parent.0 == "/sys" {
                parent.1
            } else {
                lower(parent.1)
            }
        }
    };
    let sev = if read_only { lower(sev) } else { sev };
    (sev > Severity::Info).then_some(sev)
}

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    for m in &w.mounts {
        if super::rt007_runtime_socket::runtime_socket(&m.v.host).is_some() {
            continue;
        }
        if let Some(sev) = host_path_severity(&m.v.host, m.v.read_only) {
            let mode = if m.v.read_only {
                "read-only"
            } else {
                "read-write"
            };
            let what = if m.v.host == "/" {
                "the host's root filesystem".to_string()
            } else {
                format!("host path `{}`", m.v.host)
            };
            out.push(
                cx.finding(&META, w, &m.at, format!("mounts {what} {mode} at `{}`", m.v.target))
                    .with_severity(sev)
                    .with_fix("Mount only the specific path needed, read-only, or use a volume/ConfigMap instead"),
            );
        }
    }
}
