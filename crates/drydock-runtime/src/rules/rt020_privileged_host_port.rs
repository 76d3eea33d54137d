//! RT020 `privileged-host-port`: a host port below 1024 is published.

use super::prelude::*;

pub const META: RuleMeta = RuleMeta {
    id: "RT020",
    name: "privileged-host-port",
    target: Target::Runtime,
    category: Category::Runtime,
    severity: Severity::Low,
    title: "Host port below 1024 published",
    explanation: r##"## Why is this bad?
Ports below 1024 are privileged on the host: only root (or `CAP_NET_BIND_SERVICE`) may
bind them, and clients trust that whatever answers on 22, 53, 80 or 443 is the host's own
service. Publishing a container on such a port (Compose `ports: ["80:8080"]`, Kubernetes
`hostPort: 443`) makes the container impersonate a host service, needs a rootful daemon
or a lowered `net.ipv4.ip_unprivileged_port_start`, and collides with the host's services.

The container port does not matter (a process may listen on 80 inside its namespace);
only the host side is reported. Kubernetes `hostPort` is also reported by RT013.

## How to fix
Publish a high host port and put a load balancer, reverse proxy or Kubernetes Service in
front of it; bind to 127.0.0.1 when only the host needs it.

## Example
```yaml
# Before
ports: ["80:8080"]
# After
ports: ["8080:8080"]
```

## References
- CIS Docker Benchmark 5.8: Ensure that privileged ports are not mapped within containers
"##,
    references: &["CIS Docker Benchmark 5.8"],
    equivalents: &[
        "kics:bc2908f3-f73c-40a9-8793-c1b7d5544f79",
        "kics:privileged-ports-mapped-in-container",
    ],
    default_enabled: true,
};

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    for p in &w.published {
        if p.v > 0 && p.v < 1024 {
            out.push(
                cx.finding(
                    &META,
                    w,
                    &p.at,
                    format!("publishes privileged host port {}", p.v),
                )
                .with_fix(
                    "Publish a host port of 1024 or above and front it with a proxy or Service",
                ),
            );
        }
    }
}
