//! RT031 `low-uid`: a Kubernetes container runs with a UID below 10000.

use super::prelude::*;

pub const META: RuleMeta = RuleMeta {
    id: "RT031",
    name: "low-uid",
    target: Target::Runtime,
    category: Category::User,
    severity: Severity::Low,
    title: "Container runs with a UID below 10000",
    explanation: r##"## Why is this bad?
Without user namespaces a container's UID is the same number on the node. Low UIDs are
where the node's own accounts live (system users below 1000, the first login users from
1000): a process that escapes the container, or writes to a host path, acts as that node
account and owns its files. UIDs of 10000 and above are not allocated by distributions,
so they collide with nothing on the node.

Reported when `runAsUser` (container, else pod) is set between 1 and 9999; `0` is root
(RT002), and an unset `runAsUser` runs the image's `USER`, which drydock checks in the
image. Compose files are not checked (Compose users are commonly mapped to a developer's
own UID on purpose).

## How to fix
Pick a UID of 10000 or more for the image's user and the pod (`runAsUser: 10001`), with a
matching `runAsGroup` and `fsGroup`.

## Example
```yaml
# Before
securityContext:
  runAsUser: 1000
# After
securityContext:
  runAsNonRoot: true
  runAsUser: 10001
  runAsGroup: 10001
```

## References
- Kubernetes Pod Security Standards (restricted) only require a non-zero UID; the high-UID
  convention comes from Checkov CKV_K8S_40, Trivy KSV020 and kube-score
- https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
"##,
    references: &["https://kubernetes.io/docs/tasks/configure-pod-container/security-context/"],
    equivalents: &[
        "checkov:CKV_K8S_40",
        "kics:container-running-with-low-uid",
        "kube-score:container-security-context-user-group-id",
        "trivy:KSV020",
    ],
    default_enabled: true,
};

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    if w.source != SourceKind::Kubernetes {
        return;
    }
    let Some(u) = w.run_as_user.as_ref().filter(|u| (1..10000).contains(&u.v)) else {
        return;
    };
    out.push(
        cx.finding(
            &META,
            w,
            &u.at,
            format!(
                "runs as UID {}, in the range of the node's own accounts",
                u.v
            ),
        )
        .with_fix("Use a UID of 10000 or more (`runAsUser: 10001`)"),
    );
}
