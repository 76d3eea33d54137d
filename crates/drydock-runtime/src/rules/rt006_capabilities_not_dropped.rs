//! RT006 `capabilities-not-dropped`: the default capability set is kept.

use super::prelude::*;

pub const META: RuleMeta = RuleMeta {
    id: "RT006",
    name: "capabilities-not-dropped",
    target: Target::Runtime,
    category: Category::Runtime,
    severity: Severity::Low,
    title: "Default capabilities not dropped (no drop ALL)",
    explanation: r##"## Why is this bad?
Containers start with a default capability set (Docker: 14, including `NET_RAW`, `MKNOD`,
`SETUID`, `DAC_OVERRIDE`). Most services need none of them; `NET_RAW` alone enables ARP
and DNS spoofing on the container network. Dropping all and adding back what is needed
shrinks what an attacker can do as root in the container.

## How to fix
`cap_drop: [ALL]` (Compose) or `securityContext.capabilities.drop: [ALL]` (Kubernetes),
then `cap_add` the few the service really needs (usually `NET_BIND_SERVICE` at most).

## Example
```yaml
securityContext:
  capabilities:
    drop: [ALL]
    add: [NET_BIND_SERVICE]
```

## References
- CIS Docker Benchmark 5.3: Ensure that Linux kernel capabilities are restricted within containers
- Kubernetes Pod Security Standards (restricted): Capabilities must drop ALL
"##,
    references: &[
        "CIS Docker Benchmark 5.3",
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
    ],
    equivalents: &[
        "checkov:CKV_K8S_28",
        "checkov:CKV_K8S_37",
        "kics:ce76b7d0-9e77-464d-b86f-c5c48e03e22d",
        "kics:container-capabilities-unrestricted",
        "trivy:KSV003",
    ],
    default_enabled: true,
};

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    if w.is_privileged() || w.drops_all() {
        return;
    }
    let at = w.cap_drop.first().map(|c| &c.at).unwrap_or(&w.at);
    out.push(
        cx.finding(
            &META,
            w,
            at,
            "does not drop all capabilities (no `cap_drop: [ALL]` / `drop: [ALL]`)",
        )
        .with_fix("Drop ALL capabilities and add back only the ones needed"),
    );
}
