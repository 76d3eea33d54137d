//! RT026 `missing-probes`: a long-running container has no liveness or readiness probe.

use super::prelude::*;

pub const META: RuleMeta = RuleMeta {
    id: "RT026",
    name: "missing-probes",
    target: Target::Runtime,
    category: Category::Runtime,
    severity: Severity::Low,
    title: "Liveness or readiness probe missing",
    explanation: r##"## Why is this bad?
Without a readiness probe a Service sends traffic to a pod as soon as its process starts,
before it can answer, and keeps sending it to a pod that stopped answering; without a
liveness probe a hung process (deadlock, exhausted pool, a denial-of-service that wedges
it) is never restarted. Availability is part of security: a single stuck replica then
drops requests until someone notices.

Reported for the regular containers of long-running workloads (Deployment, StatefulSet,
DaemonSet, ReplicaSet, ReplicationController, OpenShift DeploymentConfig, Argo Rollout,
bare Pods whose `restartPolicy` is `Always`, and Knative Serving objects). Knative probes a
container's port for readiness itself when no `readinessProbe` is written, so only a missing
liveness probe is reported there. Jobs, CronJobs, run-to-completion pods, init and ephemeral
containers finish by design and are not reported.

## How to fix
Add an HTTP, TCP, gRPC or exec `readinessProbe` and `livenessProbe` (a `startupProbe` for
slow starters); the liveness probe must not depend on other services.

## Example
```yaml
containers:
  - name: web
    image: example/web:3
    readinessProbe: {httpGet: {path: /ready, port: 8080}}
    livenessProbe: {httpGet: {path: /healthz, port: 8080}, periodSeconds: 20}
```

## References
- https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
- Pod Security Standards do not cover probes; kube-score `pod-probes`, Checkov CKV_K8S_8/9
"##,
    references: &[
        "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
    ],
    equivalents: &["checkov:CKV_K8S_8", "checkov:CKV_K8S_9", "kube-score:pod-probes"],
    default_enabled: true,
};

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    let Some(k) = &w.k8s else {
        return;
    };
    if !k.long_running || k.role != ContainerRole::Main {
        return;
    }
    let missing: Vec<&str> = [
        (!k.liveness_probe).then_some("liveness"),
        (!k.readiness_probe).then_some("readiness"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !missing.is_empty() {
        out.push(
            cx.finding(
                &META,
                w,
                &w.at,
                format!("has no {} probe", missing.join(" or ")),
            )
            .with_fix("Add `readinessProbe` and `livenessProbe`"),
        );
    }
}
