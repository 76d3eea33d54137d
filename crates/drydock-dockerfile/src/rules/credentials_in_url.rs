//! DF005 `credentials-in-url`: A URL with an embedded password

use super::prelude::*;

pub struct CredentialsInUrl;

pub const META: RuleMeta = RuleMeta {
    id: "DF005",
    name: "credentials-in-url",
    target: Target::Dockerfile,
    category: Category::Secret,
    severity: Severity::High,
    title: "A URL with an embedded password",
    explanation: r##"## Why is this bad?
`scheme://user:password@host` puts the password into the Dockerfile, into the image
history (for `RUN`) or the image config (for `ENV`/`ARG`/`LABEL`, and for `CMD`,
`ENTRYPOINT` and `HEALTHCHECK` command lines such as `HEALTHCHECK CMD curl
http://admin:pw@localhost/health`), and often into tool config files written inside the
image (git remotes, pip config). Exec-form arguments and PowerShell lines are checked too;
`user:${PASSWORD}@host` (a variable, no value) is not reported.

## How to fix
Remove the password from the URL and rotate it. Use a secret mount and build the URL
inside the `RUN` (`https://user:$(cat /run/secrets/pw)@host`), or a credential helper /
`.netrc` supplied as a secret.

## Example
```dockerfile
# Before
RUN pip install --index-url https://deploy:s3cr3tPassw0rd@pypi.acme.internal/simple app

# After
RUN --mount=type=secret,id=pip_index_url \
    pip install --index-url "$(cat /run/secrets/pip_index_url)" app
```

## References
- CIS Docker Benchmark 4.10: Ensure secrets are not stored in Dockerfiles
- https://docs.docker.com/build/building/secrets/
"##,
    references: &["https://docs.docker.com/build/building/secrets/"],
    equivalents: &[],
    default_enabled: true,
};

impl Rule for CredentialsInUrl {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        // RUN, CMD, ENTRYPOINT and HEALTHCHECK command words.
        let mut analysed = std::collections::BTreeSet::new();
        for (run, script, c) in cx.all_commands() {
            analysed.insert(run.instruction);
            let kw = cx.df.instructions[run.instruction].keyword();
            let words = c.argv.iter().chain(c.assignments.iter().map(|(_, w)| w));
            for w in words {
                if let Some(pw) = url_password(&w.text) {
                    let span = match w.raw.find(pw) {
                        Some(off) => cx.script_span(
                            run,
                            script,
                            &(w.range.start + off..w.range.start + off + pw.len()),
                        ),
                        None => cx.script_span(run, script, &w.range),
                    };
                    out.push(report(cx, span, pw, &format!("{kw} command")));
                }
            }
        }
        // Command lines no POSIX shell runs (PowerShell, cmd.exe).
        for (i, ins) in cx.instructions() {
            let kw = ins.keyword();
            if analysed.contains(&i) || !matches!(kw, "RUN" | "CMD" | "ENTRYPOINT" | "HEALTHCHECK")
            {
                continue;
            }
            {
                let v = command_text(ins);
                for word in v.split_whitespace() {
                    if let Some(pw) = url_password(word.trim_matches(['"', '\'', '(', ')'])) {
                        out.push(report(
                            cx,
                            cx.find_span(i, pw),
                            pw,
                            &format!("{kw} command"),
                        ));
                    }
                }
            }
        }
        // ENV / ARG / LABEL values and ADD sources.
        for (i, ins) in cx.instructions() {
            let values: Vec<String> = match ins.keyword() {
                "ENV" | "LABEL" => kv_pairs(ins).into_iter().map(|(_, v)| unq(v)).collect(),
                "ARG" => arg_decls(ins)
                    .into_iter()
                    .filter_map(|(_, v)| v.map(unq))
                    .collect(),
                "ADD" => copy_args(ins).0,
                _ => continue,
            };
            for v in &values {
                if let Some(pw) = url_password(v) {
                    let what = format!("{} value", ins.keyword());
                    out.push(report(cx, cx.find_span(i, pw), pw, &what));
                }
            }
        }
    }
}

fn report(cx: &RuleContext, span: Span, pw: &str, what: &str) -> Finding {
    cx.finding(&META, span, format!("{what} contains a URL with an embedded password"))
        .with_evidence(cx.evidence(pw))
        .with_fix("Remove the password from the URL and rotate it; build the URL from a secret mount (`$(cat /run/secrets/…)`) inside the RUN")
}

/// The password of the first `scheme://user:password@host` in `s`, if it is a literal.
pub(crate) fn url_password(s: &str) -> Option<&str> {
    let mut rest = s;
    while let Some(p) = rest.find("://") {
        let after = &rest[p + 3..];
        let authority_end = after
            .find(['/', '?', '#', ' ', '"', '\'', '\n'])
            .unwrap_or(after.len());
        let authority = &after[..authority_end];
        if let Some(at) = authority.rfind('@') {
            let userinfo = &authority[..at];
            if let Some((user, pw)) = userinfo.split_once(':') {
                let placeholder = pw.is_empty()
                    || pw.contains('$')
                    || pw.contains('{')
                    || pw.contains('<')
                    || pw.chars().all(|c| c == '*' || c == 'x' || c == 'X')
                    || matches!(
                        pw.to_ascii_lowercase().as_str(),
                        "password" | "pass" | "passwd" | "pw" | "secret" | "token" | "changeme"
                    )
                    || user.contains('$');
                if !placeholder {
                    return Some(pw);
                }
            }
        }
        rest = &after[authority_end.min(after.len())..];
    }
    None
}
