//! DF060 `pipefail-missing`: A pipe in RUN without pipefail

use super::prelude::*;

pub struct PipefailMissing;

pub const META: RuleMeta = RuleMeta {
    id: "DF060",
    name: "pipefail-missing",
    target: Target::Dockerfile,
    category: Category::BestPractice,
    severity: Severity::Low,
    title: "A pipe in RUN without pipefail",
    explanation: r##"## Why is this bad?
A pipeline's exit status is that of its last command: in `RUN curl -fsSL $URL | tar -xz`
a failed download is hidden if `tar` exits 0, and the build continues with a broken or
empty result.

A `SHELL` whose program is `sh` or `dash` does not count even with `-o pipefail`: Debian's
dash rejects the option, so only bash, zsh, ash, ksh and the like make it effective (as
Hadolint's DL4006 judges it). Pipes whose producer cannot fail meaningfully (`echo`,
`printf`, `true`, a `{ …; }` group) are not reported.

## How to fix
Make the shell fail on any pipeline error: `SHELL ["/bin/bash", "-o", "pipefail", "-c"]`
before the `RUN` (bash required), or start the script with `set -o pipefail` (bash, and
ash/dash in recent versions).

## Example
```dockerfile
# Before
RUN curl -fsSL https://example.com/app.tgz | tar -xz -C /opt

# After
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN curl -fsSL https://example.com/app.tgz | tar -xz -C /opt
```

## References
- https://docs.docker.com/build/building/best-practices/#using-pipes
- https://github.com/hadolint/hadolint/wiki/DL4006
"##,
    references: &[
        "https://docs.docker.com/build/building/best-practices/#using-pipes",
        "https://github.com/hadolint/hadolint/wiki/DL4006",
    ],
    equivalents: &[
        "hadolint:DL4006",
        "kics:shell-running-a-pipe-without-pipefail-flag",
    ],
    default_enabled: true,
};

impl Rule for PipefailMissing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for run in cx.shell.runs() {
            if run.shell_pipefail || run.exec_form {
                continue;
            }
            for script in &run.scripts {
                for c in &script.script.commands {
                    let Some(to) = c.piped_to else {
                        continue;
                    };
                    // Inside `$(…)` a failure is lost anyway, pipefail or not.
                    if c.in_substitution {
                        continue;
                    }
                    // Producers that cannot fail meaningfully.
                    if matches!(c.name(), "echo" | "printf" | "yes" | "true" | "") {
                        continue;
                    }
                    if script.script.pipefail_before(c.range.start) {
                        continue;
                    }
                    let target = script
                        .script
                        .commands
                        .get(to)
                        .map(|t| t.name())
                        .filter(|n| !n.is_empty())
                        .map(|n| format!("`{n}`"))
                        .unwrap_or_else(|| "the next command".to_string());
                    out.push(
                        cx.finding(&META, script.span(&c.range), format!("a failure of `{}` piped into {target} is ignored without pipefail", c.name()))
                            .with_fix("Add `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before this RUN, or start it with `set -o pipefail &&`"),
                    );
                    break;
                }
            }
        }
    }
}
