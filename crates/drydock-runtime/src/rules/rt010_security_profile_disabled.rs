//! RT010 `security-profile-disabled`: seccomp, AppArmor or SELinux confinement is off.

use super::prelude::*;

pub const META: RuleMeta = RuleMeta {
    id: "RT010",
    name: "security-profile-disabled",
    target: Target::Runtime,
    category: Category::Runtime,
    severity: Severity::High,
    title: "seccomp / AppArmor / SELinux confinement disabled",
    explanation: r##"## Why is this bad?
The default seccomp profile blocks ~50 dangerous system calls (`keyctl`, `bpf`,
`unshare`, `mount`…) that many kernel exploits need; AppArmor and SELinux stop a
compromised process from touching host files even when other layers fail. `unconfined`
/ `label:disable` removes that layer.

Kubernetes differs from Docker: a pod that sets no `seccompProfile` (pod or container
level, or the legacy annotations) runs **Unconfined** unless the kubelet was started with
`--seccomp-default`; Pod Security Standards *restricted* requires `RuntimeDefault` or
`Localhost`. AppArmor is different: with no profile the container runtime applies its
default profile, so only an explicit `unconfined` (field `appArmorProfile.type:
Unconfined` or the `container.apparmor.security.beta.kubernetes.io/NAME` annotation) is
reported.

SELinux follows the Pod Security Standards (baseline): `seLinuxOptions.type` may only be
unset, `container_t`, `container_init_t`, `container_kvm_t` or `container_engine_t`, and
`user` / `role` must stay unset. `spc_t` and `unconfined_t` are unconfined (medium); any
other type or a custom user/role is a custom policy the standards do not allow (low).

Severity: seccomp unconfined high; seccomp not set in a Kubernetes pod low (medium
confidence: some clusters default to RuntimeDefault); AppArmor unconfined and SELinux
`label:disable` (or the `spc_t` type) medium. Privileged containers (RT001) are unconfined
anyway and not reported again.

## How to fix
Remove the option; if a syscall is missing, write a custom seccomp profile that allows
just that syscall (`seccomp:/path/profile.json`, `seccompProfile: {type: Localhost}`).
In Kubernetes set `seccompProfile: {type: RuntimeDefault}` at pod level.

## Example
```yaml
# Before
security_opt: ["seccomp:unconfined"]
# After
security_opt: ["seccomp:./seccomp-allow-perf.json", "no-new-privileges:true"]
```

## References
- CIS Docker Benchmark 5.1 (AppArmor), 5.2 (SELinux), 5.21 (seccomp)
- Kubernetes Pod Security Standards (baseline): AppArmor, SELinux, Seccomp; (restricted): Seccomp
"##,
    references: &[
        "CIS Docker Benchmark 5.1, 5.2, 5.21",
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
    ],
    equivalents: &[
        "checkov:CKV_K8S_31",
        "kics:default-seccomp-profile-disabled",
        "trivy:KSV030",
        "trivy:KSV104",
    ],
    default_enabled: true,
};

/// Pod Security Standards (baseline): the SELinux types a container may use (besides unset).
const PSS_SELINUX_TYPES: &[&str] = &[
    "",
    "container_t",
    "container_init_t",
    "container_kvm_t",
    "container_engine_t",
];

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    if w.is_privileged() {
        return;
    }
    for u in &w.unconfined {
        let (what, sev) = match u.v {
            Mac::Seccomp => ("seccomp filtering is disabled (unconfined)", Severity::High),
            Mac::AppArmor => (
                "AppArmor confinement is disabled (unconfined)",
                Severity::Medium,
            ),
            Mac::SeLinux => (
                "SELinux labeling is disabled (label:disable)",
                Severity::Medium,
            ),
        };
        out.push(
            cx.finding(&META, w, &u.at, what)
                .with_severity(sev)
                .with_fix(
                    "Remove the option; allow specific syscalls with a custom profile if needed",
                ),
        );
    }
    if let Some(k) = &w.k8s {
        if let Some(t) = k.selinux_type.as_ref().filter(|t| {
            !PSS_SELINUX_TYPES.contains(&t.v.as_str()) && t.v != "spc_t" && t.v != "unconfined_t"
        }) {
            out.push(
                cx.finding(
                    &META,
                    w,
                    &t.at,
                    format!(
                        "SELinux type `{}` is not one Pod Security Standards (baseline) allow",
                        t.v
                    ),
                )
                .with_severity(Severity::Low)
                .with_fix("Use the runtime's default type (unset or `container_t`)"),
            );
        }
        for f in &k.selinux_user_role {
            out.push(
                cx.finding(
                    &META,
                    w,
                    &f.at,
                    format!(
                        "sets SELinux {} `{}`: Pod Security Standards (baseline) allow no custom user or role",
                        f.v.0, f.v.1
                    ),
                )
                .with_severity(Severity::Low)
                .with_fix("Remove `seLinuxOptions.user` / `role`"),
            );
        }
        if k.seccomp.is_none() && !w.unconfined.iter().any(|u| u.v == Mac::Seccomp) {
            out.push(
                cx.finding(
                    &META,
                    w,
                    &w.at,
                    "no seccomp profile is set: Kubernetes runs the container Unconfined by default",
                )
                .with_severity(Severity::Low)
                .with_confidence(Confidence::Medium)
                .with_fix("Set `securityContext: {seccompProfile: {type: RuntimeDefault}}` at pod level"),
            );
        }
    }
}
