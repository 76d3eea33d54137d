//! DF032 `setuid-setgid-bit`: A setuid/setgid bit is set (chmod u+s / 4755)

use super::prelude::*;

pub struct SetuidSetgidBit;

pub const META: RuleMeta = RuleMeta {
    id: "DF032",
    name: "setuid-setgid-bit",
    target: Target::Dockerfile,
    category: Category::Permissions,
    severity: Severity::Medium,
    title: "A setuid/setgid bit is set (chmod u+s / 4755)",
    explanation: r##"## Why is this bad?
A setuid-root binary runs with root privileges whatever user starts it; any bug in it
(or in the libraries it loads) becomes a privilege escalation from the unprivileged
container user to root. setgid has the same effect for the group.

## How to fix
Do not add setuid/setgid bits. Grant the specific capability the binary needs at run time
(`--cap-add`), or run that part as root through the entrypoint before dropping privileges.

## Example
```dockerfile
# Before
RUN chmod u+s /usr/local/bin/tool

# After
RUN chmod 0755 /usr/local/bin/tool
```

## References
- CIS Docker Benchmark 4.8: Ensure setuid and setgid permissions are removed
"##,
    references: &[],
    equivalents: &[],
    default_enabled: true,
};

impl Rule for SetuidSetgidBit {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (_, script, c) in cx.commands() {
            if c.name() != "chmod" {
                continue;
            }
            if let Some(mode) = c.positionals().next() {
                if sets_id_bit(&mode.text) {
                    out.push(
                        cx.finding(&META, script.word_span(mode), format!("`chmod {}` sets a setuid/setgid bit", mode.text))
                            .with_fix("Remove the setuid/setgid bit; grant a specific capability at run time instead"),
                    );
                }
            }
        }
        for (i, ins) in cx.instructions() {
            if matches!(ins.keyword(), "COPY" | "ADD") {
                if let Some(mode) = ins.flag("chmod") {
                    if sets_id_bit(mode) {
                        out.push(
                            cx.finding(&META, cx.find_span(i, "--chmod"), format!("`{} --chmod={mode}` sets a setuid/setgid bit", ins.keyword()))
                                .with_fix("Use a mode without setuid/setgid, e.g. 0755"),
                        );
                    }
                }
            }
        }
    }
}

fn sets_id_bit(mode: &str) -> bool {
    if mode.len() >= 4 && mode.chars().all(|c| c.is_digit(8)) {
        let d = mode.chars().rev().nth(3).and_then(|c| c.to_digit(8)).unwrap_or(0);
        return d & 0b110 != 0;
    }
    mode.split(',').any(|clause| {
        let Some(p) = clause.find(['+', '=']) else { return false };
        clause[p..].starts_with(['+', '=']) && clause[p + 1..].contains('s')
    })
}
