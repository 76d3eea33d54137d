//! RT013 `host-port`: a Kubernetes container uses `hostPort`.

use super::prelude::*;

pub const META: RuleMeta = RuleMeta {
    id: "RT013",
    name: "host-port",
    target: Target::Runtime,
    category: Category::Runtime,
    severity: Severity::Medium,
    title: "hostPort binds a port on the node",
    explanation: r##"## Why is this bad?
`hostPort` opens the port on every node's network interfaces, outside of Services and
NetworkPolicies, and limits scheduling (one such pod per node and port). It is a common
way to accidentally expose an internal service to the node's network.

## How to fix
Remove `hostPort` and expose the container through a Service (ClusterIP, or NodePort /
LoadBalancer when external access is intended).

## Example
```yaml
# Before
ports:
  - containerPort: 8080
    hostPort: 8080
# After
ports:
  - containerPort: 8080
```

## References
- Kubernetes Pod Security Standards (baseline): Host Ports
- CIS Docker Benchmark 5.8: Ensure that only needed ports are open on the container
"##,
    references: &["https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline"],
    equivalents: &["checkov:CKV_K8S_26", "trivy:KSV024"],
    default_enabled: true,
};

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    for hp in &w.host_ports {
        out.push(
            cx.finding(
                &META,
                w,
                &hp.at,
                format!("binds hostPort {} on the node", hp.v),
            )
            .with_fix("Remove hostPort and expose the port through a Service"),
        );
    }
}
