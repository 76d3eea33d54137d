//! DF072 `non-numeric-user`: The final USER is a name, not a numeric UID

use super::prelude::*;

pub struct NonNumericUser;

pub const META: RuleMeta = RuleMeta {
    id: "DF072",
    name: "non-numeric-user",
    target: Target::Dockerfile,
    category: Category::User,
    severity: Severity::Info,
    title: "The final USER is a name, not a numeric UID",
    explanation: r##"## Why is this bad?
`USER app` is resolved through the image's `/etc/passwd` when the container starts. The
runtime cannot tell from the image config whether `app` is root: Kubernetes refuses to
start a pod with `runAsNonRoot: true` when the image user is a name ("image has
non-numeric user, cannot verify user is non-root"), and policies that check the image user
have to trust the name. A numeric UID (and GID) is unambiguous.

Only the user the final image runs as is reported; `root` is reported by DF014.

## How to fix
Use the numeric UID (and GID) of the user created in the Dockerfile.

## Example
```dockerfile
# Before
RUN useradd --uid 10001 --no-log-init app
USER app

# After
RUN useradd --uid 10001 --no-log-init app
USER 10001:10001
```

## References
- https://kubernetes.io/docs/tasks/configure-pod-container/security-context/
- https://docs.docker.com/reference/dockerfile/#user
"##,
    references: &[
        "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
        "https://docs.docker.com/reference/dockerfile/#user",
    ],
    equivalents: &["hadolint:DL3066"],
    default_enabled: true,
};

impl Rule for NonNumericUser {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        if cx.final_is_artifact_export() {
            return;
        }
        let last = cx
            .final_image_instructions()
            .into_iter()
            .rev()
            .find(|&i| cx.df.instructions[i].cmd == "USER");
        let Some(i) = last else {
            return;
        };
        let raw = cx.df.instructions[i]
            .value
            .first()
            .map(String::as_str)
            .unwrap_or("");
        let user = cx.model.expand(cx.df, i, raw);
        let name = user.split(':').next().unwrap_or("");
        let numeric = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
        if name.is_empty() || numeric(name) || name == "root" || name.contains('$') {
            return;
        }
        out.push(
            cx.finding(&META, cx.find_span(i, raw), format!("the final image runs as the user name `{name}`; runtimes cannot verify from it that the user is not root"))
                .with_fix("Use the numeric UID:GID, e.g. `USER 10001:10001`"),
        );
    }
}
