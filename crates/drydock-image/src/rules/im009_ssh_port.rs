//! IM009: the image exposes port 22 (SSH).

use crate::context::ImageContext;
use drydock_core::rule::Target;
use drydock_core::{Category, Finding, RuleMeta, Severity};

pub const META: RuleMeta = RuleMeta {
    id: "IM009",
    name: "exposes-ssh",
    target: Target::Image,
    category: Category::BestPractice,
    severity: Severity::Medium,
    title: "The image exposes port 22 (SSH)",
    explanation: r#"
## Why is this bad?
An SSH server in a container is another long-lived service with credentials to manage and
patch, and a way around the orchestrator's access control and audit logs. `docker exec` /
`kubectl exec` already give operators a shell.

## How to fix
Remove the SSH server and the `EXPOSE 22`; use `docker exec`/`kubectl exec` or an
ephemeral debug container.

## Example
```dockerfile
# bad
RUN apt-get install -y openssh-server
EXPOSE 22
```

## References
- CIS Docker Benchmark 5.6: Ensure sshd is not run within containers
- https://docs.docker.com/reference/dockerfile/#expose
"#,
    references: &[
        "CIS Docker Benchmark 5.6",
        "https://docs.docker.com/reference/dockerfile/#expose",
    ],
    equivalents: &["hadolint:DL3011", "trivy:DS004"],
    default_enabled: true,
};

pub fn check(cx: &ImageContext<'_>, out: &mut Vec<Finding>) {
    for p in cx.image.config.config.exposed_ports.keys() {
        if p.split('/').next() == Some("22") {
            out.push(
                Finding::from_rule(
                    &META,
                    format!("the image exposes {p} (SSH)"),
                    cx.config_loc("ExposedPorts"),
                )
                .with_fix("Remove the SSH server and EXPOSE 22; use docker/kubectl exec"),
            );
        }
    }
}
