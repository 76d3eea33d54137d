//! DF015 `sudo-in-run`: sudo is used in RUN

use super::prelude::*;

pub struct SudoInRun;

pub const META: RuleMeta = RuleMeta {
    id: "DF015",
    name: "sudo-in-run",
    target: Target::Dockerfile,
    category: Category::User,
    severity: Severity::Medium,
    title: "sudo is used in RUN",
    explanation: r##"## Why is this bad?
Build steps already run as the current `USER`; `sudo` there means the image ships
`sudo` and a user allowed to become root, which turns any code execution as that user into
root. `sudo` also behaves unpredictably without a TTY and bypasses the intended `USER`.

## How to fix
Run the privileged steps under `USER root`, then switch back to the unprivileged user.
If a tool needs privilege drop at runtime, use `gosu`/`su-exec` in the entrypoint.

## Example
```dockerfile
# Before
USER app
RUN sudo apt-get update && sudo apt-get install -y curl

# After
USER root
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
USER app
```

## References
- CIS Docker Benchmark 4.1: Ensure that a user for the container has been created
- https://docs.docker.com/build/building/best-practices/#user
"##,
    references: &["https://docs.docker.com/build/building/best-practices/#user"],
    equivalents: &[
        "checkov:CKV2_DOCKER_1",
        "hadolint:DL3004",
        "kics:run-using-sudo",
        "trivy:DS010",
    ],
    default_enabled: true,
};

impl Rule for SudoInRun {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (_, script, c) in cx.commands() {
            if let Some(w) = c
                .argv
                .iter()
                .take(c.argv.len() - c.effective_argv().len())
                .find(|w| basename(&w.text) == "sudo")
            {
                out.push(
                    cx.finding(&META, script.word_span(w), format!("`sudo {}` in RUN", c.name()))
                        .with_fix("Use `USER root` for the privileged steps and switch back to the unprivileged user afterwards"),
                );
            } else if c.argv.first().is_some_and(|w| basename(&w.text) == "sudo") {
                out.push(
                    cx.finding(&META, script.word_span(&c.argv[0]), "`sudo` in RUN")
                        .with_fix("Use `USER root` for the privileged steps and switch back to the unprivileged user afterwards"),
                );
            }
        }
    }
}
