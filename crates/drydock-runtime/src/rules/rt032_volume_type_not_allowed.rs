//! RT032 `volume-type-not-allowed`: a pod uses a `hostPath` volume or another volume type
//! outside the Pod Security Standards' list.

use super::prelude::*;

pub const META: RuleMeta = RuleMeta {
    id: "RT032",
    name: "volume-type-not-allowed",
    target: Target::Runtime,
    category: Category::Runtime,
    severity: Severity::Medium,
    title: "hostPath or other non-restricted volume type in a pod",
    explanation: r##"## Why is this bad?
A `hostPath` volume gives the pod a directory of the node: whatever it writes there stays
on the node after the pod is gone, and other pods or host services may read and trust it;
what it reads may belong to other workloads. Pod Security Standards *baseline* forbid
every `hostPath` volume, whatever the path.

Other volume sources reach outside the pod too: network filesystems (`nfs`, `iscsi`,
`cephfs`, `glusterfs`…) mounted by the node with the node's credentials, cloud disks
attached directly, and `gitRepo`, which is deprecated and lets a pod run code on the node
through a crafted repository (CVE-2024-10220). Pod Security Standards *restricted* allow
only `configMap`, `csi`, `downwardAPI`, `emptyDir`, `ephemeral`, `persistentVolumeClaim`,
`projected` and `secret`.

Severity: `hostPath` and `gitRepo` medium, other types outside the restricted list low.
Host paths that are sensitive in themselves (`/etc`, `/var/run`, the runtime socket…) are
reported where they are mounted by RT008 / RT007 instead, not twice.

## How to fix
Use a `persistentVolumeClaim` for data, a `configMap`/`secret` for configuration, an
`emptyDir` for scratch space; reach network storage through a PersistentVolume and a
claim, so the cluster administrator controls it.

## Example
```yaml
# Before
volumes:
  - name: data
    hostPath: {path: /srv/app-data}
# After
volumes:
  - name: data
    persistentVolumeClaim: {claimName: app-data}
```

## References
- Kubernetes Pod Security Standards (baseline): HostPath Volumes; (restricted): Volume Types
- https://kubernetes.io/docs/concepts/security/pod-security-standards/
"##,
    references: &["https://kubernetes.io/docs/concepts/security/pod-security-standards/"],
    equivalents: &["trivy:KSV023", "trivy:KSV028"],
    default_enabled: true,
};

/// Pod Security Standards (restricted): the volume types a pod may use.
const RESTRICTED_ALLOWED: &[&str] = &[
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    let Some(k) = &w.k8s else {
        return;
    };
    for v in &k.volumes {
        let kind = v.kind.v.as_str();
        if RESTRICTED_ALLOWED.contains(&kind) {
            continue;
        }
        let (at, sev, msg) = match (kind, &v.host_path) {
            ("hostPath", Some(p)) => {
                let host = norm_path(&p.v);
                if super::rt007_runtime_socket::runtime_socket(&host).is_some()
                    || super::rt008_sensitive_host_path::host_path_severity(&host, true)
                        .is_some()
                {
                    continue;
                }
                (
                    &p.at,
                    Severity::Medium,
                    format!(
                        "volume `{}` mounts host path `{}`: Pod Security Standards (baseline) forbid hostPath volumes",
                        v.name, p.v
                    ),
                )
            }
            ("hostPath", None) => (
                &v.kind.at,
                Severity::Medium,
                format!(
                    "volume `{}` is a hostPath volume: Pod Security Standards (baseline) forbid them",
                    v.name
                ),
            ),
            ("gitRepo", _) => (
                &v.kind.at,
                Severity::Medium,
                format!(
                    "volume `{}` uses the deprecated `gitRepo` type, which can run code on the node (CVE-2024-10220)",
                    v.name
                ),
            ),
            _ => (
                &v.kind.at,
                Severity::Low,
                format!(
                    "volume `{}` has type `{kind}`: Pod Security Standards (restricted) allow only {}",
                    v.name,
                    RESTRICTED_ALLOWED.join(", ")
                ),
            ),
        };
        out.push(
            cx.finding(&META, w, at, msg)
                .with_severity(sev)
                .with_fix("Use a persistentVolumeClaim, configMap, secret or emptyDir volume"),
        );
    }
}
