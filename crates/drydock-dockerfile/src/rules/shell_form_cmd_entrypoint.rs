//! DF050 `shell-form-cmd-entrypoint`: CMD/ENTRYPOINT in shell form

use super::prelude::*;

pub struct ShellFormCmdEntrypoint;

pub const META: RuleMeta = RuleMeta {
    id: "DF050",
    name: "shell-form-cmd-entrypoint",
    target: Target::Dockerfile,
    category: Category::BestPractice,
    severity: Severity::Low,
    title: "CMD/ENTRYPOINT (or a plain HEALTHCHECK command) in shell form",
    explanation: r##"## Why is this bad?
Shell form (`CMD node server.js`) runs the program as a child of `/bin/sh -c`. The shell
is PID 1 and does not forward `SIGTERM`, so `docker stop` waits for the timeout and then
kills the application without a graceful shutdown; with `ENTRYPOINT` in shell form, `CMD`
arguments are ignored entirely.

A `HEALTHCHECK CMD` in shell form also runs through `/bin/sh -c`: it fails in images
without a shell (distroless, scratch). It is reported when the check is a plain command
that the exec form expresses exactly; a check that uses shell syntax (`curl -f … || exit
1`) needs the shell and is left alone.

## How to fix
Use the JSON (exec) form: `CMD ["node", "server.js"]`. If you need shell features, use
`exec` in a script: `ENTRYPOINT ["/entrypoint.sh"]` ending with `exec "$@"`.

## Example
```dockerfile
# Before
CMD node server.js

# After
CMD ["node", "server.js"]
```

## References
- https://docs.docker.com/reference/dockerfile/#shell-and-exec-form
- https://docs.docker.com/reference/build-checks/json-args-recommended/
"##,
    references: &[
        "https://docs.docker.com/reference/dockerfile/#shell-and-exec-form",
        "https://docs.docker.com/reference/build-checks/json-args-recommended/",
    ],
    equivalents: &["hadolint:DL3025"],
    default_enabled: true,
};

impl Rule for ShellFormCmdEntrypoint {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for i in cx.final_image_instructions() {
            let ins = &cx.df.instructions[i];
            if !matches!(ins.cmd.as_str(), "CMD" | "ENTRYPOINT" | "HEALTHCHECK") || ins.json {
                continue;
            }
            if ins.cmd == "HEALTHCHECK" {
                healthcheck(cx, ins, out);
                continue;
            }
            let text = ins.value.first().map(String::as_str).unwrap_or("").trim();
            // `CMD exec app` keeps the app as PID 1; an empty value is a BuildKit error.
            if text.is_empty() || text.starts_with("exec ") {
                continue;
            }
            let json = crate::shell::commands(text)
                .first()
                .filter(|_| !text.contains(['|', '&', ';', '>', '<', '$', '`']))
                .map(|c| {
                    let parts: Vec<String> =
                        c.argv.iter().map(|w| format!("{:?}", w.text)).collect();
                    format!("{} [{}]", ins.cmd, parts.join(", "))
                });
            out.push(
                cx.finding(&META, ins.span, format!("{} in shell form runs under /bin/sh, which does not forward SIGTERM to the application", ins.cmd))
                    .with_fix(match json {
                        Some(j) => format!("Use the exec form: `{j}`"),
                        None => "Use the exec form (JSON array); put shell logic into a script that ends with `exec`".to_string(),
                    }),
            );
        }
    }
}

/// `HEALTHCHECK CMD probe --flag` in shell form runs `/bin/sh -c`, so the check fails in an
/// image without a shell (distroless, scratch). Only a plain command is reported: one using
/// shell syntax (`curl -f … || exit 1`) needs the shell and is written correctly.
fn healthcheck(cx: &RuleContext, ins: &crate::ast::Instruction, out: &mut Vec<Finding>) {
    if !ins
        .value
        .first()
        .is_some_and(|t| t.eq_ignore_ascii_case("CMD"))
    {
        return;
    }
    let text = ins.value.get(1).map(String::as_str).unwrap_or("").trim();
    if text.is_empty() || text.contains(['|', '&', ';', '>', '<', '$', '`', '*', '?', '(']) {
        return;
    }
    let Some(c) = crate::shell::commands(text).into_iter().next() else {
        return;
    };
    let parts: Vec<String> = c.argv.iter().map(|w| format!("{:?}", w.text)).collect();
    out.push(
        cx.finding(&META, ins.span, "HEALTHCHECK in shell form runs the check through /bin/sh, which the image must contain")
            .with_fix(format!("Use the exec form: `HEALTHCHECK CMD [{}]`", parts.join(", "))),
    );
}
