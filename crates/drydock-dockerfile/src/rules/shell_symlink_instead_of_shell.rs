//! DF073 `shell-symlink-instead-of-shell`: RUN replaces /bin/sh instead of using SHELL

use super::prelude::*;

pub struct ShellSymlinkInsteadOfShell;

pub const META: RuleMeta = RuleMeta {
    id: "DF073",
    name: "shell-symlink-instead-of-shell",
    target: Target::Dockerfile,
    category: Category::BestPractice,
    severity: Severity::Low,
    title: "RUN replaces /bin/sh instead of using SHELL",
    explanation: r##"## Why is this bad?
`RUN ln -sf /bin/bash /bin/sh` swaps the system shell of the image to get bash features in
later `RUN`s. Every program and script in the image that runs `/bin/sh` — package
maintainer scripts, init scripts, the application's `system()` calls — now runs under a
different shell than the distribution tested, and the change is invisible to readers of
the later `RUN`s.

## How to fix
Use the `SHELL` instruction, which changes only the shell Docker uses for `RUN`, `CMD` and
`ENTRYPOINT` in shell form.

## Example
```dockerfile
# Before
RUN ln -sf /bin/bash /bin/sh

# After
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
```

## References
- https://docs.docker.com/reference/dockerfile/#shell
"##,
    references: &["https://docs.docker.com/reference/dockerfile/#shell"],
    equivalents: &[
        "hadolint:DL4005",
        "kics:changing-default-shell-using-run-command",
    ],
    default_enabled: true,
};

impl Rule for ShellSymlinkInsteadOfShell {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (_, script, c) in cx.commands() {
            if c.name() != "ln"
                || !c.args().iter().any(|w| {
                    w.text.starts_with('-') && !w.text.starts_with("--") && w.text.contains('s')
                        || w.text == "--symbolic"
                })
            {
                continue;
            }
            // The link name is the last operand: `ln -sf /bin/bash /bin/sh`.
            let operands: Vec<&Word> = c.positionals().collect();
            let Some(target) = operands.last() else {
                continue;
            };
            if operands.len() >= 2 && matches!(target.text.as_str(), "/bin/sh" | "/usr/bin/sh") {
                out.push(
                    cx.finding(&META, script.span(&c.range), format!("`ln` replaces {} for the whole image; use SHELL to change the shell of RUN", target.text))
                        .with_fix("Use `SHELL [\"/bin/bash\", \"-c\"]` instead"),
                );
            }
        }
    }
}
