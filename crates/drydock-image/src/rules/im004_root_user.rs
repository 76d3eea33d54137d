//! IM004: the image runs as root (config `User` empty, `root` or `0`).

use crate::context::ImageContext;
use drydock_core::rule::Target;
use drydock_core::{Category, Finding, RuleMeta, Severity};

pub const META: RuleMeta = RuleMeta {
    id: "IM004",
    name: "image-runs-as-root",
    target: Target::Image,
    category: Category::User,
    severity: Severity::Medium,
    title: "The image's default user is root",
    explanation: r#"
## Why is this bad?
Without a `User` in the image config (or with `root`/`0`), every container started from the
image runs its process as UID 0. Containers share the host kernel: a container escape, a
mounted host path or a misconfigured capability then acts with root rights, and inside the
container the process can rewrite any file of the image.

## How to fix
Create an unprivileged user in the image and switch to it with `USER` (numeric IDs work
with Kubernetes' `runAsNonRoot`). Fix file ownership of what the app must write.

## Example
```dockerfile
RUN useradd --uid 10001 --no-create-home app
USER 10001:10001
```

## References
- CIS Docker Benchmark 4.1: Ensure that a user for the container has been created
- https://docs.docker.com/build/building/best-practices/#user
"#,
    references: &[
        "CIS Docker Benchmark 4.1",
        "https://docs.docker.com/build/building/best-practices/#user",
    ],
    equivalents: &["dockle:CIS-DI-0001", "hadolint:DL3002", "trivy:DS002"],
    default_enabled: true,
};

pub fn check(cx: &ImageContext<'_>, out: &mut Vec<Finding>) {
    let user = cx.image.config.config.user.trim();
    let name = user.split(':').next().unwrap_or("");
    let msg = match name {
        "" => "no USER in the image config: containers run as root by default".to_string(),
        "root" | "0" => format!("the image config sets User `{user}`: containers run as root"),
        _ => return,
    };
    out.push(
        Finding::from_rule(&META, msg, cx.config_loc("User"))
            .with_fix("Add a non-root user and `USER 10001:10001` at the end of the Dockerfile"),
    );
}
