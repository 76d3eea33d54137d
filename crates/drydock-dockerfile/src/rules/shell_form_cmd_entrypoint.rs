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

## Fix
Fixable: yes — when the command line is plain words (no `$`, quotes, escapes, globs, `~`, pipes, redirects, `&&`, `;`, variable assignments or shell builtins), under the default POSIX shell, `drydock fix` rewrites `CMD app --flag` as `CMD ["app", "--flag"]`. A shell-form ENTRYPOINT is rewritten only when no CMD would then be appended to it.

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

    fn fix(&self, fx: &FixContext, f: &Finding) -> Option<Result<Fix, String>> {
        exec_form(fx, f)
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

/// Shell builtins with no program of the same name: exec form cannot run them.
const BUILTINS: &[&str] = &[
    "cd", "export", "source", ".", "set", "exec", "ulimit", "umask", "trap", "eval", "alias",
    "unset", "shift", "read", "wait", "if", "for", "while", "case", "until", "{", "!",
];

/// `CMD app --flag` → `CMD ["app", "--flag"]` when the shell has nothing to do: plain words
/// only (characters that no POSIX shell treats specially), no SHELL override, not Windows.
fn exec_form(fx: &FixContext, f: &Finding) -> Option<Result<Fix, String>> {
    let cx = fx.cx;
    let i = fx.instruction_at(f)?;
    let ins = &cx.df.instructions[i];
    if !matches!(ins.cmd.as_str(), "CMD" | "ENTRYPOINT")
        || ins.json
        || !ins.heredocs.is_empty()
        || cx.df.escape != '\\'
        || cx.df.instructions.iter().any(|o| o.keyword() == "SHELL")
    {
        return None;
    }
    // Exec-form ENTRYPOINT gets CMD appended as arguments; shell form ignored it.
    if ins.cmd == "ENTRYPOINT"
        && cx
            .final_image_instructions()
            .iter()
            .any(|&j| cx.df.instructions[j].cmd == "CMD")
    {
        return None;
    }
    let text = ins.value.first()?.trim();
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-./:=@%+,".contains(c);
    let words: Vec<&str> = text.split_ascii_whitespace().collect();
    if words.is_empty()
        || !words.iter().all(|w| w.chars().all(plain))
        || words[0].contains('=')
        || BUILTINS.contains(&words[0])
    {
        return None;
    }
    // Continuation lines may hold comments the rewrite would drop.
    if (ins.start_line..=ins.end_line).any(|l| fx.line_text(l).trim_start().starts_with('#')) {
        return None;
    }
    let kw_end = fx.offset(ins.span.start_line, ins.span.start_column) + ins.cmd.len();
    let end = fx.offset_after(ins.span.end_line, ins.span.end_column);
    let json: Vec<String> = words
        .iter()
        .map(|w| serde_json::to_string(w).unwrap_or_default())
        .collect();
    Some(Ok(Fix::new(
        format!("use the exec form of {}", ins.cmd),
        vec![Edit {
            range: kw_end..end,
            text: format!(" [{}]", json.join(", ")),
        }],
    )))
}
