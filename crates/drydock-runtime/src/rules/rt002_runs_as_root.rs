//! RT002 `runs-as-root`: the container's process runs as UID 0.

use super::prelude::*;

pub const META: RuleMeta = RuleMeta {
    id: "RT002",
    name: "runs-as-root",
    target: Target::Runtime,
    category: Category::User,
    severity: Severity::Medium,
    title: "Container runs as root",
    explanation: r##"## Why is this bad?
Root in a container is root on the host as far as the kernel is concerned (unless user
namespaces remap it). Any escape, writable host mount or kernel bug is then exploited with
full privileges; files written to volumes are owned by root.

drydock reads the user from the run settings (`user:`, `runAsUser`, `runAsNonRoot`,
`Config.User`) and, when the image was scanned, joins it with the image's `USER`: an image
that runs as non-root is fine unless the deployment forces `runAsUser: 0` / `user: root`.
Without image information, a missing user setting is reported with medium confidence.

## How to fix
Set a non-root user: Compose `user: "10001:10001"`; Kubernetes
`securityContext: {runAsNonRoot: true, runAsUser: 10001}`. Better, give the image a
non-root `USER` as well.

## Example
```yaml
# Before
containers:
  - name: app
    image: example/app:2.1
# After
containers:
  - name: app
    image: example/app:2.1
    securityContext:
      runAsNonRoot: true
      runAsUser: 10001
```

## References
- CIS Docker Benchmark 4.1: Ensure that a user for the container has been created
- Kubernetes Pod Security Standards (restricted): Running as Non-root, Running as Non-root user
- https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
"##,
    references: &[
        "CIS Docker Benchmark 4.1",
        "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
    ],
    equivalents: &[
        "checkov:CKV_K8S_23",
        "kube-score:container-security-context-user-group-id",
        "trivy:KSV012",
        "trivy:KSV105",
    ],
    default_enabled: true,
};

/// `root`, `0`, `0:0`, `root:root`.
fn is_root_user(u: &str) -> bool {
    let user = u.split(':').next().unwrap_or("").trim();
    user == "root" || user == "0"
}

/// Image user: `None` = unknown, `Some(true)` = root.
fn image_user_root(w: &Workload, cx: &Cx) -> Option<(bool, String)> {
    let img = w.image.as_ref()?;
    let facts = cx.opts.image_facts.get(&img.v)?;
    let u = facts.user.clone().unwrap_or_default();
    Some((u.is_empty() || is_root_user(&u), u))
}

pub fn check(w: &Workload, cx: &Cx, out: &mut Vec<Finding>) {
    let fix = "Run as a non-root user (Compose `user: \"10001:10001\"`, Kubernetes `runAsNonRoot: true` + `runAsUser: 10001`)";
    match w.source {
        SourceKind::Kubernetes => {
            if let Some(u) = w.run_as_user.as_ref().filter(|u| u.v == 0) {
                // runAsNonRoot: true with runAsUser: 0 is refused by the kubelet: it never runs.
                if !w.run_as_non_root.as_ref().is_some_and(|n| n.v) {
                    let mut msg = "sets `runAsUser: 0` (root)".to_string();
                    if let Some((false, user)) = image_user_root(w, cx) {
                        msg.push_str(&format!(", overriding the image's non-root user `{user}`"));
                    }
                    out.push(
                        cx.finding(&META, w, &u.at, msg)
                            .with_severity(Severity::High)
                            .with_fix(fix),
                    );
                }
                return;
            }
            if w.run_as_non_root.as_ref().is_some_and(|n| n.v)
                || w.run_as_user.as_ref().is_some_and(|u| u.v > 0)
            {
                return;
            }
            match image_user_root(w, cx) {
                Some((false, _)) => {}
                Some((true, _)) => out.push(
                    cx.finding(&META, w, &w.at, "runs as root: the image's default user is root and no `runAsUser`/`runAsNonRoot` is set")
                        .with_confidence(Confidence::High)
                        .with_fix(fix),
                ),
                None => out.push(
                    cx.finding(&META, w, &w.at, "may run as root: neither `runAsNonRoot: true` nor a non-zero `runAsUser` is set")
                        .with_confidence(Confidence::Medium)
                        .with_fix(fix),
                ),
            }
        }
        SourceKind::Compose | SourceKind::Inspect => {
            match &w.user {
                Some(u) if is_root_user(&u.v) => {
                    let mut msg = format!("runs as root (`{}`)", u.v);
                    if let Some((false, user)) = image_user_root(w, cx) {
                        msg.push_str(&format!(", overriding the image's non-root user `{user}`"));
                    }
                    let sev = if w.source == SourceKind::Compose {
                        Severity::High
                    } else {
                        Severity::Medium
                    };
                    out.push(
                        cx.finding(&META, w, &u.at, msg)
                            .with_severity(sev)
                            .with_fix(fix),
                    );
                }
                Some(u) if !u.v.trim().is_empty() => {}
                // Inspect: an empty Config.User is the effective user, i.e. root.
                Some(u) => out.push(
                    cx.finding(
                        &META,
                        w,
                        &u.at,
                        "runs as root (no user set in the image or the run)",
                    )
                    .with_confidence(Confidence::High)
                    .with_fix(fix),
                ),
                None => match image_user_root(w, cx) {
                    Some((false, _)) => {}
                    Some((true, _)) => out.push(
                        cx.finding(
                            &META,
                            w,
                            &w.at,
                            "runs as root: the image's default user is root and no `user` is set",
                        )
                        .with_confidence(Confidence::High)
                        .with_fix(fix),
                    ),
                    None => out.push(
                        cx.finding(
                            &META,
                            w,
                            &w.at,
                            "no `user` is set: runs as the image's default user, often root",
                        )
                        .with_confidence(Confidence::Medium)
                        .with_fix(fix),
                    ),
                },
            }
        }
    }
}
