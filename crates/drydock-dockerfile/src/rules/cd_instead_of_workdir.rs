//! DF046 `cd-instead-of-workdir`: RUN starts with cd instead of using WORKDIR

use super::prelude::*;

pub struct CdInsteadOfWorkdir;

pub const META: RuleMeta = RuleMeta {
    id: "DF046",
    name: "cd-instead-of-workdir",
    target: Target::Dockerfile,
    category: Category::BestPractice,
    severity: Severity::Info,
    title: "RUN starts with cd instead of using WORKDIR",
    explanation: r##"## Why is this bad?
A `cd` only lasts for its own `RUN`; the next instruction starts in the old directory
again, which makes Dockerfiles hard to read and easy to break. `WORKDIR` sets the
directory for every following instruction (and creates it).

Reported when the `cd` is where the RUN starts: first, or after shell options (`set -eux`)
and `mkdir` of directories (`mkdir -p /opt/tool && cd /opt/tool && …` is what `WORKDIR
/opt/tool` does). A `cd` after real work (`git clone … && cd repo && make`) is a temporary
change inside one step that WORKDIR would not replace, and is not reported.

## How to fix
Use `WORKDIR /path` before the commands that run there.

## Example
```dockerfile
# Before
RUN cd /app && npm ci

# After
WORKDIR /app
RUN npm ci
```

## References
- https://docs.docker.com/build/building/best-practices/#workdir
"##,
    references: &["https://docs.docker.com/build/building/best-practices/#workdir"],
    equivalents: &[
        "hadolint:DL3003",
        "kics:run-command-cd-instead-of-workdir",
        "trivy:DS013",
    ],
    default_enabled: true,
};

impl Rule for CdInsteadOfWorkdir {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for run in cx.shell.runs() {
            let Some(script) = run.scripts.first() else {
                continue;
            };
            // Only a RUN that *starts* by changing directory (after shell options such as
            // `set -eux;` and `mkdir`s, which WORKDIR does itself): that is what WORKDIR is
            // for; a `cd` after real work is a temporary change WORKDIR would not replace.
            let top: Vec<&SimpleCommand> = script
                .script
                .commands
                .iter()
                .filter(|c| !c.argv.is_empty() && c.depth == 0)
                .collect();
            let lead = top
                .iter()
                .take_while(|c| matches!(c.name(), "set" | "mkdir"))
                .count();
            let Some(first) = top.get(lead).copied() else {
                continue;
            };
            let first_start = top
                .first()
                .map(|c| c.range.start)
                .unwrap_or(first.range.start);
            let starts_script = script.text.len() - script.text.trim_start().len() == first_start;
            if first.name() == "cd" && !first.in_substitution && starts_script {
                if let Some(dir) = first.args().first() {
                    out.push(
                        cx.finding(
                            &META,
                            script.span(&first.range),
                            format!(
                                "`cd {}` at the start of RUN; use `WORKDIR {}`",
                                dir.text, dir.text
                            ),
                        )
                        .with_fix(format!(
                            "Put `WORKDIR {}` before this RUN and drop the `cd`",
                            dir.text
                        )),
                    );
                }
            }
        }
    }
}
