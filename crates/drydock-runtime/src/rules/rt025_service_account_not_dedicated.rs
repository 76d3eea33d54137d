//! RT025 `service-account-not-dedicated`: a workload runs as `default` or shares its
//! service account with unrelated workloads.

use super::prelude::*;

pub const META: RuleMeta = RuleMeta {
    id: "RT025",
    name: "service-account-not-dedicated",
    target: Target::Runtime,
    category: Category::Runtime,
    severity: Severity::Low,
    title: "Default or shared service account",
    explanation: r##"## Why is this bad?
RBAC grants permissions to service accounts. A pod without `serviceAccountName` runs as
the namespace's `default` account, which every other such pod shares; one service
account used by several unrelated workloads has the union of the permissions they need.
Either way, compromising one workload gives the API rights meant for others, and any
RoleBinding added for one of them silently extends to all.

Reported once per workload (Deployment, Job, Pod…): when `serviceAccountName` is unset or
`default`, and when another, unrelated workload in the same file or scanned set runs as
the same named account. Workloads of one application (same `app.kubernetes.io/name` and
`/component`, or `app` / `k8s-app` label) are related: an operator's install and upgrade
Jobs may share an account. Argo workflow pods and Jobs are included; ephemeral containers are not.

## How to fix
Create one ServiceAccount per workload, with `automountServiceAccountToken: false` unless
it calls the API, and bind only the roles it needs.

## Example
```yaml
apiVersion: v1
kind: ServiceAccount
metadata: {name: web}
automountServiceAccountToken: false
---
# in the Deployment's pod spec
serviceAccountName: web
```

## References
- CIS Kubernetes Benchmark 5.1.5: Ensure that default service accounts are not actively used
- Pod Security Standards do not cover identities; see https://kubernetes.io/docs/concepts/security/service-accounts/
"##,
    references: &["https://kubernetes.io/docs/concepts/security/service-accounts/"],
    equivalents: &["kics:service-account-name-undefined-or-empty"],
    default_enabled: true,
};

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    let Some(k) = &w.k8s else {
        return;
    };
    if k.role == ContainerRole::Ephemeral || k.owner_kind == "PodTemplate" {
        return;
    }
    // One finding per workload: the pod-level setting, reported with its first container.
    let fix = "Give the workload its own ServiceAccount (`serviceAccountName`)";
    match &k.service_account {
        None => out.push(
            cx.finding(
                &META,
                w,
                &k.pod_at,
                "runs as the namespace's `default` service account (`serviceAccountName` not set)",
            )
            .with_fix(fix),
        ),
        Some(sa) if sa.v == "default" => out.push(
            cx.finding(&META, w, &sa.at, "runs as the `default` service account")
                .with_fix(fix),
        ),
        Some(sa) => {
            let others = cx.set.other_sa_users(&k.namespace, &sa.v, &k.owner, &k.app);
            if !others.is_empty() {
                out.push(
                    cx.finding(
                        &META,
                        w,
                        &sa.at,
                        format!(
                            "service account `{}` is shared with {}",
                            sa.v,
                            others.join(", ")
                        ),
                    )
                    .with_fix(fix),
                );
            }
        }
    }
}
