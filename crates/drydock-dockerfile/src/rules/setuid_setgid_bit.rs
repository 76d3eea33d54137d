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
                report(
                    cx,
                    script.word_span(mode),
                    &format!("chmod {}", mode.text),
                    &mode.text,
                    out,
                );
            }
        }
        for (i, ins) in cx.instructions() {
            if matches!(ins.keyword(), "COPY" | "ADD") {
                if let Some(mode) = ins.flag("chmod") {
                    let what = format!("{} --chmod={mode}", ins.keyword());
                    report(cx, cx.find_span(i, "--chmod"), &what, mode, out);
                }
            }
        }
    }
}

/// `(setuid, setgid)` set by a chmod mode (`4755`, `u+s`, `g+s`, `+s`).
fn id_bits(mode: &str) -> (bool, bool) {
    if mode.len() >= 4 && mode.chars().all(|c| c.is_digit(8)) {
        let d = mode
            .chars()
            .rev()
            .nth(3)
            .and_then(|c| c.to_digit(8))
            .unwrap_or(0);
        return (d & 0b100 != 0, d & 0b010 != 0);
    }
    let (mut suid, mut sgid) = (false, false);
    for clause in mode.split(',') {
        let Some(p) = clause.find(['+', '=']) else {
            continue;
        };
        if !clause[p + 1..].contains('s') {
            continue;
        }
        let who = &clause[..p];
        let all = who.is_empty() || who.contains('a');
        suid |= all || who.contains('u');
        sgid |= all || who.contains('g');
    }
    (suid, sgid)
}

/// Setuid is a privilege escalation path; setgid alone is usually on a directory (group
/// inheritance) and rates lower.
fn report(cx: &RuleContext, span: Span, what: &str, mode: &str, out: &mut Vec<Finding>) {
    let (suid, sgid) = id_bits(mode);
    if !suid && !sgid {
        return;
    }
    let f = if suid {
        cx.finding(
            &META,
            span,
            format!("`{what}` sets the setuid bit: the file runs with its owner's privileges"),
        )
    } else {
        cx.finding(&META, span, format!("`{what}` sets the setgid bit (harmless on a directory; an executable runs with the file's group)"))
            .with_severity(Severity::Low)
    };
    out.push(
        f.with_fix("Remove the setuid/setgid bit; grant a specific capability at run time instead"),
    );
}
