//! RT034 `run-as-non-root-not-enforced`: a Kubernetes container sets a non-root
//! `runAsUser` but not `runAsNonRoot: true`.

use super::prelude::*;

pub const META: RuleMeta = RuleMeta {
    id: "RT034",
    name: "run-as-non-root-not-enforced",
    target: Target::Runtime,
    category: Category::User,
    severity: Severity::Info,
    title: "Non-root runAsUser without runAsNonRoot: true",
    explanation: r##"## Why is this bad?
`runAsUser: 10001` makes the process run as that UID today, but nothing keeps it so: a later
edit, a Helm value or a patch that drops the field silently falls back to the image's
`USER`, often root. `runAsNonRoot: true` makes the kubelet refuse to start the container as
UID 0 whatever the user comes from. Pod Security Standards (*restricted*, "Running as
Non-root") require it, so a pod without it is rejected by a namespace that enforces that
profile.

Reported when `runAsUser` (container, else pod) is above 0 and `runAsNonRoot` is not true at
the container or pod level. Pods that set neither are RT002's (they may run as root now).

## How to fix
Add `runAsNonRoot: true` next to `runAsUser`, best in the pod's `securityContext`.

## Example
```yaml
# Before
securityContext:
  runAsUser: 10001
# After
securityContext:
  runAsNonRoot: true
  runAsUser: 10001
```

## References
- Kubernetes Pod Security Standards (restricted): Running as Non-root
- https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
"##,
    references: &[
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
    ],
    equivalents: &["trivy:KSV012"],
    default_enabled: true,
};

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    if w.source != SourceKind::Kubernetes || w.run_as_non_root.as_ref().is_some_and(|n| n.v) {
        return;
    }
    let Some(u) = w.run_as_user.as_ref().filter(|u| u.v > 0) else {
        return;
    };
    let msg = match &w.run_as_non_root {
        Some(_) => format!("sets `runAsNonRoot: false` with `runAsUser: {}`: nothing stops a later change from running it as root", u.v),
        None => format!("sets `runAsUser: {}` but not `runAsNonRoot: true`: nothing stops a later change from running it as root", u.v),
    };
    let at = w.run_as_non_root.as_ref().map_or(&u.at, |n| &n.at);
    out.push(
        cx.finding(&META, w, at, msg)
            .with_fix("Add `runAsNonRoot: true` to the pod's `securityContext`"),
    );
}
