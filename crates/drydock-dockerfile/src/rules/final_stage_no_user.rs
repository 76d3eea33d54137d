//! DF013 `final-stage-no-user`: The final image runs as root: no USER instruction

use super::prelude::*;

pub struct FinalStageNoUser;

pub const META: RuleMeta = RuleMeta {
    id: "DF013",
    name: "final-stage-no-user",
    target: Target::Dockerfile,
    category: Category::User,
    severity: Severity::Medium,
    title: "The final image runs as root: no USER instruction",
    explanation: r##"## Why is this bad?
Without a `USER`, containers run as root (UID 0) unless the base image sets another
user. Root inside a container is root on the host kernel: a container escape, a writable
host mount or a kernel bug gives the attacker full control. (A `USER` in a builder stage
does not count; only the stages the final image is built from matter.)

## How to fix
Create an unprivileged user and switch to it at the end of the final stage, after the
steps that need root. Prefer a numeric UID so Kubernetes `runAsNonRoot` can verify it.

## Example
```dockerfile
# Before
FROM python:3.12-slim
COPY . /app
CMD ["python", "/app/main.py"]

# After
FROM python:3.12-slim
RUN useradd --uid 10001 --create-home app
COPY --chown=app . /app
USER 10001
CMD ["python", "/app/main.py"]
```

## References
- CIS Docker Benchmark 4.1: Ensure that a user for the container has been created
- https://docs.docker.com/reference/dockerfile/#user
- https://docs.docker.com/build/building/best-practices/#user
"##,
    references: &[
        "https://docs.docker.com/reference/dockerfile/#user",
        "https://docs.docker.com/build/building/best-practices/#user",
    ],
    equivalents: &[
        "checkov:CKV_DOCKER_3",
        "kics:missing-user-instruction",
        "trivy:DS002",
    ],
    default_enabled: true,
};

impl Rule for FinalStageNoUser {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        let Some(last) = cx.model.final_stage() else {
            return;
        };
        if cx.final_is_artifact_export() {
            return;
        }
        let has_user = cx
            .final_chain()
            .iter()
            .filter_map(|&s| cx.model.stages.get(s))
            .any(|s| cx.stage_instructions(s).any(|(_, ins)| ins.cmd == "USER"));
        if has_user {
            return;
        }
        // The root of the chain decides what the image inherits.
        let root = cx
            .final_chain()
            .last()
            .and_then(|&s| cx.model.stages.get(s))
            .unwrap_or(last);
        if let Some(r) = cx.base_ref(root) {
            if runs_unprivileged(r) {
                return;
            }
        } else if !matches!(root.base, BaseImage::Scratch) {
            // Unresolvable base (variables): the base may set a user; do not guess.
            return;
        }
        out.push(
            cx.finding(&META, cx.span(last.from), "the final stage has no USER instruction, so containers run as root")
                .with_fix("Add `RUN useradd --uid 10001 app` (or `adduser -D -u 10001 app` on Alpine) and `USER 10001` at the end of the final stage"),
        );
    }
}

/// Base images documented to run as a non-root user by default.
fn runs_unprivileged(r: &drydock_core::imageref::ImageRef) -> bool {
    let tag = r.tag.as_deref().unwrap_or("");
    let name = r.familiar_name();
    tag.contains("nonroot")
        || r.registry == "cgr.dev"
        || name.starts_with("bitnami/")
        || name.starts_with("nginxinc/nginx-unprivileged")
        || name.starts_with("registry.access.redhat.com/ubi") && name.contains("/nodejs-")
}
