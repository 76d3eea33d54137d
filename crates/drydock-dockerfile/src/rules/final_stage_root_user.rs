//! DF014 `final-stage-root-user`: The final image explicitly runs as root

use super::prelude::*;

pub struct FinalStageRootUser;

pub const META: RuleMeta = RuleMeta {
    id: "DF014",
    name: "final-stage-root-user",
    target: Target::Dockerfile,
    category: Category::User,
    severity: Severity::High,
    title: "The final image explicitly runs as root",
    explanation: r##"## Why is this bad?
The last `USER` of the final image is `root` (or UID 0), so every container runs with
root privileges. Root inside a container is root on the host kernel; a container escape or
a writable host mount then compromises the host.

## How to fix
Switch to root only for the steps that need it, then end the final stage with an
unprivileged `USER` (ideally a numeric UID).

## Example
```dockerfile
# Before
FROM node:22-slim
USER root
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
CMD ["node", "server.js"]

# After
FROM node:22-slim
USER root
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
USER node
CMD ["node", "server.js"]
```

## References
- CIS Docker Benchmark 4.1: Ensure that a user for the container has been created
- https://docs.docker.com/reference/dockerfile/#user
"##,
    references: &["https://docs.docker.com/reference/dockerfile/#user"],
    equivalents: &[
        "checkov:CKV_DOCKER_8",
        "hadolint:DL3002",
        "kics:last-user-is-root",
        "trivy:DS002",
    ],
    default_enabled: true,
};

impl Rule for FinalStageRootUser {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        // The last USER of the final image: final stage first, then the stages it is FROM.
        for &s in cx.final_chain() {
            let Some(stage) = cx.model.stages.get(s) else {
                continue;
            };
            let last = cx
                .stage_instructions(stage)
                .filter(|(_, ins)| ins.cmd == "USER")
                .last();
            if let Some((i, ins)) = last {
                let raw = ins.value.first().map(String::as_str).unwrap_or("");
                let user = cx.model.expand(cx.df, i, raw);
                let name = user.split(':').next().unwrap_or("");
                if name == "root" || name == "0" {
                    out.push(
                        cx.finding(&META, cx.find_span(i, raw), format!("the final image runs as `{user}`"))
                            .with_fix("End the final stage with an unprivileged user, e.g. `USER 10001` (create it with useradd/adduser first)"),
                    );
                }
                return;
            }
        }
    }
}
