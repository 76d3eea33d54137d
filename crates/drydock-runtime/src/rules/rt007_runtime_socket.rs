//! RT007 `runtime-socket-mounted`: the Docker/containerd/CRI-O/Podman socket is mounted.

use super::prelude::*;

pub const META: RuleMeta = RuleMeta {
    id: "RT007",
    name: "runtime-socket-mounted",
    target: Target::Runtime,
    category: Category::Runtime,
    severity: Severity::Critical,
    title: "Container runtime socket mounted into the container",
    explanation: r##"## Why is this bad?
The Docker, Podman, containerd or CRI-O socket is the runtime's full API. Anyone who can
write to it can start a privileged container with the host's `/` mounted: it is host root.
Mounting it read-only (`:ro`) does not help — the mode applies to the socket file, not to
the API requests sent through it.

## How to fix
Do not mount the socket. If a tool really needs the API (Traefik, Portainer, CI runners),
put a filtering proxy in between (e.g. tecnativa/docker-socket-proxy with only the
endpoints it needs), use a rootless runtime, or the orchestrator's own API with RBAC.

## Example
```yaml
# Before
volumes:
  - /var/run/docker.sock:/var/run/docker.sock
# After: talk to a socket proxy that only allows GET /containers
environment:
  DOCKER_HOST: tcp://socket-proxy:2375
```

## References
- CIS Docker Benchmark 5.31: Ensure that the Docker socket is not mounted inside any containers
- Kubernetes Pod Security Standards (baseline): HostPath Volumes
"##,
    references: &[
        "CIS Docker Benchmark 5.31",
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
    ],
    equivalents: &[
        "checkov:CKV_K8S_27",
        "kics:d6355c88-1e8d-49e9-b2f2-f8a1ca12c75b",
        "kics:docker-socket-mounted-in-container",
        "trivy:KSV006",
    ],
    default_enabled: true,
};

/// Paths that are, or contain, a container runtime's API socket.
pub fn runtime_socket(path: &str) -> Option<&'static str> {
    let p = path.trim_end_matches('/');
    let known: &[(&str, &str)] = &[
        ("/var/run/docker.sock", "Docker"),
        ("/run/docker.sock", "Docker"),
        ("/var/run/docker", "Docker"),
        ("/run/docker", "Docker"),
        ("/run/containerd/containerd.sock", "containerd"),
        ("/var/run/containerd/containerd.sock", "containerd"),
        ("/run/containerd", "containerd"),
        ("/var/run/containerd", "containerd"),
        ("/var/run/crio/crio.sock", "CRI-O"),
        ("/run/crio/crio.sock", "CRI-O"),
        ("/var/run/crio", "CRI-O"),
        ("/run/crio", "CRI-O"),
        ("/run/podman/podman.sock", "Podman"),
        ("/var/run/podman/podman.sock", "Podman"),
        ("/run/podman", "Podman"),
        ("/var/run/cri-dockerd.sock", "cri-dockerd"),
        ("/run/k3s/containerd/containerd.sock", "containerd"),
        (
            "/var/snap/microk8s/common/run/containerd.sock",
            "containerd",
        ),
    ];
    if let Some((_, n)) = known.iter().find(|(k, _)| *k == p) {
        return Some(n);
    }
    let file = p.rsplit('/').next().unwrap_or("");
    match file {
        "docker.sock" => Some("Docker"),
        "podman.sock" => Some("Podman"),
        "containerd.sock" => Some("containerd"),
        "crio.sock" => Some("CRI-O"),
        _ => None,
    }
}

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    for m in &w.mounts {
        if let Some(rt) = runtime_socket(&m.v.host) {
            let ro = if m.v.read_only {
                " (read-only does not restrict the API)"
            } else {
                ""
            };
            out.push(
                cx.finding(&META, w, &m.at, format!("mounts the {rt} socket `{}`{ro}: full control of the host", m.v.host))
                    .with_fix("Remove the socket mount; use a filtering socket proxy or the orchestrator API instead"),
            );
        }
    }
}
