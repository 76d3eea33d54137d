//! DF004 `secret-in-run`: A secret value appears on a RUN, CMD, ENTRYPOINT or HEALTHCHECK command line

use super::prelude::*;

pub struct SecretInRun;

pub const META: RuleMeta = RuleMeta {
    id: "DF004",
    name: "secret-in-run",
    target: Target::Dockerfile,
    category: Category::Secret,
    severity: Severity::Critical,
    title: "A secret value appears on a RUN, CMD, ENTRYPOINT or HEALTHCHECK command line",
    explanation: r##"## Why is this bad?
The full command line of every `RUN` is stored in the image history
(`docker history --no-trunc`) and in the build cache, and anything the command writes ends
up in a layer. `CMD`, `ENTRYPOINT` and `HEALTHCHECK` command lines are stored in the image
config, readable by anyone who can pull the image (`docker inspect`). A token, password or
private key typed into any of them is published with the image.

Shell form, exec form (`CMD ["app", "--token", "…"]`), heredoc bodies (`RUN <<EOF`) and
PowerShell lines (including those continued with the backtick escape) are all scanned. A
shell expansion (`$TOKEN`, `${TOKEN}`, `$(cat /run/secrets/t)`) is not a value and is not
reported.

## How to fix
Rotate the credential, then read it from a BuildKit secret mount inside the `RUN`
(`RUN --mount=type=secret,id=token …`). The secret is available only while that command
runs and is never stored.

## Example
```dockerfile
# Before
RUN curl -H "Authorization: token ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" \
      -o /tmp/tool.tgz https://api.github.com/repos/acme/tool/tarball

# After
RUN --mount=type=secret,id=gh_token \
    curl -H "Authorization: token $(cat /run/secrets/gh_token)" \
      -o /tmp/tool.tgz https://api.github.com/repos/acme/tool/tarball
```

## References
- CIS Docker Benchmark 4.10: Ensure secrets are not stored in Dockerfiles
- https://docs.docker.com/build/building/secrets/
"##,
    references: &["https://docs.docker.com/build/building/secrets/"],
    equivalents: &[],
    default_enabled: true,
};

impl Rule for SecretInRun {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        let mut analysed = std::collections::BTreeSet::new();
        for run in cx.shell.runs().iter().chain(cx.shell.config_commands()) {
            analysed.insert(run.instruction);
            let Some(script) = run.scripts.first() else {
                continue;
            };
            let kw = cx.df.instructions[run.instruction].keyword();
            for m in cx.scan_command(&script.text) {
                let Some(secret) = script.text.get(m.secret.clone()) else {
                    continue;
                };
                if is_expansion(secret, script.text.get(m.secret.end..).unwrap_or("")) {
                    continue;
                }
                out.push(report(
                    cx,
                    cx.script_span(run, script, &m.secret),
                    kw,
                    secret,
                    &m,
                ));
            }
        }
        // Command lines no POSIX shell runs (PowerShell, cmd.exe): scan the text as written.
        for (i, ins) in cx.instructions() {
            let kw = ins.keyword();
            if analysed.contains(&i) || !matches!(kw, "RUN" | "CMD" | "ENTRYPOINT" | "HEALTHCHECK")
            {
                continue;
            }
            let text = command_text(ins);
            for m in cx.scan_command(&text) {
                let Some(secret) = text.get(m.secret.clone()) else {
                    continue;
                };
                if is_expansion(secret, text.get(m.secret.end..).unwrap_or("")) {
                    continue;
                }
                out.push(report(cx, cx.find_span(i, secret), kw, secret, &m));
            }
        }
    }
}

fn report(
    cx: &RuleContext,
    span: Span,
    kw: &str,
    secret: &str,
    m: &drydock_secrets::SecretMatch,
) -> Finding {
    let stored = if kw == "RUN" {
        "command lines are stored in the image history"
    } else {
        "it is stored in the image config"
    };
    cx.finding(
        &META,
        span,
        format!("{kw} command contains {}; {stored}", m.with_article()),
    )
    .with_evidence(cx.evidence(secret))
    .with_confidence(m.confidence)
    .with_fix(if kw == "RUN" {
        "Rotate the credential and read it from a secret mount: `RUN --mount=type=secret,id=token … $(cat /run/secrets/token)`"
    } else {
        "Rotate the credential and supply it when the container starts (an orchestrator secret file or environment variable), not in the image config"
    })
}

/// The matched "secret" is only a shell/PowerShell variable reference (`${VAR}`, `$VAR`,
/// `user:${VAR}`, `$(cat /run/secrets/x)`, `$env:TOKEN`), or a key whose value is one
/// (`user:` followed by `${VAR}` in `after`): the value is not in the file.
fn is_expansion(secret: &str, after: &str) -> bool {
    let reference = |v: &str| {
        let v = v.trim_matches(['"', '\'']);
        v.starts_with("${")
            || v.starts_with("$(")
            || v.starts_with('`')
            || v.strip_prefix('$').is_some_and(|r| {
                r.chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            })
    };
    let value = secret.rsplit([':', '=', ' ']).next().unwrap_or(secret);
    let value = value.trim_matches(['"', '\'']);
    if value.is_empty() {
        return after.is_empty() || reference(after) || after.starts_with(['"', '\'', ' ']);
    }
    reference(value)
}
