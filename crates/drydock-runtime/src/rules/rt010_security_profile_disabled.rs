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

Severity: seccomp unconfined high; AppArmor unconfined and SELinux `label:disable` (or the `spc_t` type)
medium. Privileged containers (RT001) are unconfined anyway and not reported again.

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
    equivalents: &["checkov:CKV_K8S_31"],
    default_enabled: true,
};

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
}
