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

Reported when the token is mounted: the pod spec sets `automountServiceAccountToken:
true`, or does not set it and its ServiceAccount (`serviceAccountName`, else `default`)
does not set `automountServiceAccountToken: false` either. The pod's setting overrides
the ServiceAccount's, as in the API server. The ServiceAccount counts when it is in the
same file or in the set of files scanned together; when it is not, the pod is reported.

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
    equivalents: &["checkov:CKV_K8S_38", "trivy:KSV036"],
    default_enabled: true,
};

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    let fix = "Set `automountServiceAccountToken: false` unless the pod calls the Kubernetes API";
    match &w.automount_token {
        Some(None) => {
            let (ns, sa) = w.k8s.as_ref().map_or((None, "default".to_string()), |k| {
                (
                    k.namespace.clone(),
                    k.service_account
                        .as_ref()
                        .map_or("default".to_string(), |s| s.v.clone()),
                )
            });
            let msg = match cx.set.service_account(&ns, &sa) {
                Some(Some(false)) => return,
                Some(Some(true)) => format!(
                    "the service account token is mounted (ServiceAccount `{sa}` sets `automountServiceAccountToken: true`)"
                ),
                Some(None) => format!(
                    "the service account token is mounted (neither the pod nor ServiceAccount `{sa}` sets `automountServiceAccountToken: false`)"
                ),
                None => "the service account token is mounted (`automountServiceAccountToken` not set to false)".to_string(),
            };
            out.push(cx.finding(&META, w, &w.at, msg).with_fix(fix));
        }
        Some(Some(t)) if t.v => out.push(
            cx.finding(
                &META,
                w,
                &t.at,
                "`automountServiceAccountToken: true` mounts the API token",
            )
            .with_fix(fix),
        ),
        _ => {}
    }
}
