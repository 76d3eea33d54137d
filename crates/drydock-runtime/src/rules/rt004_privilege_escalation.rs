//! RT004 `privilege-escalation-allowed`: setuid binaries can raise privileges.

use super::prelude::*;

pub const META: RuleMeta = RuleMeta {
    id: "RT004",
    name: "privilege-escalation-allowed",
    target: Target::Runtime,
    category: Category::Runtime,
    severity: Severity::Low,
    title: "Privilege escalation (no_new_privs) not blocked",
    explanation: r##"## Why is this bad?
Without the `no_new_privs` flag a process can gain privileges through setuid/setgid
binaries or file capabilities (`sudo`, `su`, a planted setuid shell). Setting it costs
nothing for almost every service.

Explicitly allowing escalation (`allowPrivilegeEscalation: true`, `no-new-privileges:false`)
is reported at medium severity; merely not blocking it at low severity. Privileged
containers are covered by RT001 and not reported again here.

## How to fix
Compose: `security_opt: ["no-new-privileges:true"]`. Kubernetes:
`securityContext.allowPrivilegeEscalation: false` on every container.

## Example
```yaml
# Before
containers:
  - name: api
    image: example/api:5
# After
containers:
  - name: api
    image: example/api:5
    securityContext:
      allowPrivilegeEscalation: false
```

## References
- CIS Docker Benchmark 5.25: Ensure that the container is restricted from acquiring additional privileges
- Kubernetes Pod Security Standards (restricted): Privilege Escalation
"##,
    references: &[
        "CIS Docker Benchmark 5.25",
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
    ],
    equivalents: &[
        "checkov:CKV_K8S_20",
        "kics:27fcc7d6-c49b-46e0-98f1-6c082a6a2750",
        "kics:no-new-privileges-not-set",
        "trivy:KSV001",
    ],
    default_enabled: true,
};

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    if w.is_privileged() {
        return;
    }
    let fix =
        "Set `no-new-privileges:true` (Compose security_opt) / `allowPrivilegeEscalation: false`";
    match &w.no_new_privileges {
        Some(n) if n.v => {}
        Some(n) => out.push(
            cx.finding(
                &META,
                w,
                &n.at,
                "explicitly allows privilege escalation through setuid binaries",
            )
            .with_severity(Severity::Medium)
            .with_fix(fix),
        ),
        None => out.push(
            cx.finding(
                &META,
                w,
                &w.at,
                "does not block privilege escalation (no_new_privs not set)",
            )
            .with_fix(fix),
        ),
    }
}
