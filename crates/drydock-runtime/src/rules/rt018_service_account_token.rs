//! RT018 `service-account-token-mounted`: the pod mounts its service account token.

use super::prelude::*;

pub const META: RuleMeta = RuleMeta {
    id: "RT018",
    name: "service-account-token-mounted",
    target: Target::Runtime,
    category: Category::Runtime,
    severity: Severity::Low,
    title: "Service account token automounted",
    explanation: r##"## Why is this bad?
By default every pod gets a token for its service account at
`/var/run/secrets/kubernetes.io/serviceaccount`. Most applications never call the
Kubernetes API; for them the token only helps an attacker who gets code execution to
query or, with generous RBAC, change the cluster.

Reported when the pod spec does not set `automountServiceAccountToken: false` (the
service account object may set it too; drydock does not see it).

## How to fix
Set `automountServiceAccountToken: false` in the pod spec (or on the ServiceAccount), and
mount a projected token only in pods that need the API.

## Example
```yaml
spec:
  automountServiceAccountToken: false
  containers:
    - name: web
      image: example/web:3
```

## References
- CIS Kubernetes Benchmark 5.1.6: Ensure that Service Account Tokens are only mounted where necessary
- https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/
"##,
    references: &[
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/",
    ],
    equivalents: &["checkov:CKV_K8S_38"],
    default_enabled: true,
};

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    match &w.automount_token {
        Some(None) => out.push(
            cx.finding(&META, w, &w.at, "the service account token is mounted (`automountServiceAccountToken` not set to false)")
                .with_fix("Set `automountServiceAccountToken: false` unless the pod calls the Kubernetes API"),
        ),
        Some(Some(t)) if t.v => out.push(
            cx.finding(&META, w, &t.at, "`automountServiceAccountToken: true` mounts the API token")
                .with_fix("Set `automountServiceAccountToken: false` unless the pod calls the Kubernetes API"),
        ),
        _ => {}
    }
}
