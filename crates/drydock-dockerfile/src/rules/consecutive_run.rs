//! DF069 `consecutive-run`: Consecutive single-command RUN instructions that could be one layer

use super::prelude::*;

pub struct ConsecutiveRun;

pub const META: RuleMeta = RuleMeta {
    id: "DF069",
    name: "consecutive-run",
    target: Target::Dockerfile,
    category: Category::Efficiency,
    severity: Severity::Info,
    title: "Consecutive single-command RUN instructions that could be one layer",
    explanation: r##"## Why is this bad?
Every `RUN` makes a layer. Two `RUN`s in a row that each run one or two commands add a
layer (and a cache step) for no reason, and files created by the first and removed by the
second still ship in the first layer.

Reported like Hadolint's DL3059: a `RUN` directly after another `RUN` (comments between
them do not count, any other instruction does) with the same flags (`--mount`,
`--network`, …), when each runs a single command — `RUN`s that chain commands with `&&`,
`||` or `;` were usually split on purpose, for the build cache.

## How to fix
Join them with `&&` in one `RUN` (or use a heredoc, `RUN <<EOF`).

## Example
```dockerfile
# Before
RUN mkdir -p /app/data
RUN chown app /app/data

# After
RUN mkdir -p /app/data && chown app /app/data
```

## References
- https://docs.docker.com/build/building/best-practices/#minimize-the-number-of-layers
"##,
    references: &[
        "https://docs.docker.com/build/building/best-practices/#minimize-the-number-of-layers",
    ],
    equivalents: &[
        "hadolint:DL3059",
        "kics:multiple-run-add-copy-instructions-listed",
    ],
    default_enabled: true,
};

impl Rule for ConsecutiveRun {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        // (flags, command count) of the RUN just before, if the previous instruction was one.
        let mut prev: Option<(&[String], usize)> = None;
        for (i, ins) in cx.instructions() {
            // ONBUILD RUN is a trigger, not a layer of this image.
            if ins.cmd != "RUN" {
                prev = None;
                continue;
            }
            // Commands in `$(…)` count too, as in Hadolint; PowerShell/cmd lines are split
            // the same way (`;`, `&&`, `|`) for the count.
            let count = match cx.shell.get(i) {
                // Bare assignments (`X=1;`) are not commands.
                Some(run) => run.commands().filter(|(_, c)| !c.argv.is_empty()).count(),
                None => crate::shell::commands(&command_text(ins)).len().max(1),
            };
            if let Some((flags, n)) = prev {
                if flags == ins.flags.as_slice() && n <= 1 && count <= 1 {
                    out.push(
                        cx.finding(&META, cx.span(i), "this RUN directly follows another single-command RUN; together they make two layers for one step")
                            .with_fix("Join them with `&&` into one RUN"),
                    );
                }
            }
            prev = Some((ins.flags.as_slice(), count));
        }
    }
}
