//! DF031 `world-writable-permissions`: Files are made world-writable (chmod 777 / o+w)

use super::prelude::*;

pub struct WorldWritablePermissions;

pub const META: RuleMeta = RuleMeta {
    id: "DF031",
    name: "world-writable-permissions",
    target: Target::Dockerfile,
    category: Category::Permissions,
    severity: Severity::Medium,
    title: "Files are made world-writable (chmod 777 / o+w)",
    explanation: r##"## Why is this bad?
World-writable files and directories can be modified by any user in the container. If a
binary, script or configuration read by a more privileged process is world-writable, an
attacker who gets code execution as an unprivileged user can escalate or persist.

## How to fix
Grant only what is needed: give ownership to the user that must write
(`COPY --chown=app`, `chown app`) and use modes such as `755` for directories and `644`
for files. `/tmp`-style shared directories need the sticky bit (`1777`).

## Example
```dockerfile
# Before
RUN chmod -R 777 /app

# After
RUN chown -R app:app /app && chmod -R u=rwX,go=rX /app
```

## References
- https://docs.docker.com/reference/dockerfile/#copy---chown---chmod
"##,
    references: &["https://docs.docker.com/reference/dockerfile/#copy---chown---chmod"],
    equivalents: &[],
    default_enabled: true,
};

impl Rule for WorldWritablePermissions {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (_, script, c) in cx.commands() {
            if c.name() != "chmod" {
                continue;
            }
            if let Some(mode) = c.positionals().next() {
                if world_writable(&mode.text) {
                    out.push(
                        cx.finding(&META, script.word_span(mode), format!("`chmod {}` makes files writable by every user", mode.text))
                            .with_fix("Give ownership to the writing user (chown/--chown) and use 755/644-style modes; shared dirs need the sticky bit (1777)"),
                    );
                }
            }
        }
        for (i, ins) in cx.instructions() {
            if matches!(ins.keyword(), "COPY" | "ADD") {
                if let Some(mode) = ins.flag("chmod") {
                    if world_writable(mode) {
                        out.push(
                            cx.finding(
                                &META,
                                cx.find_span(i, "--chmod"),
                                format!(
                                    "`{} --chmod={mode}` makes files writable by every user",
                                    ins.keyword()
                                ),
                            )
                            .with_fix("Use `--chown=<user>` with a 755/644-style mode"),
                        );
                    }
                }
            }
        }
    }
}

/// Octal with the others-write bit and no sticky bit, or symbolic `o+w`/`a+w`/`+w` for all.
pub(crate) fn world_writable(mode: &str) -> bool {
    if !mode.is_empty() && mode.chars().all(|c| c.is_digit(8)) {
        let digits: Vec<u32> = mode.chars().filter_map(|c| c.to_digit(8)).collect();
        let others = *digits.last().unwrap_or(&0);
        let special = if digits.len() >= 4 {
            digits[digits.len() - 4]
        } else {
            0
        };
        return others & 2 != 0 && special & 1 == 0;
    }
    // A sticky bit anywhere in the mode (`ugo+rwx,o+t`) makes it a shared /tmp-style dir.
    let sticky = mode
        .split(',')
        .any(|c| c.find(['+', '=']).is_some_and(|p| c[p + 1..].contains('t')));
    !sticky
        && mode.split(',').any(|clause| {
            let (who, rest) = clause.split_at(clause.find(['+', '=']).unwrap_or(clause.len()));
            (who.contains('o') || who.contains('a')) && rest.contains('w') && !clause.contains('-')
        })
}
