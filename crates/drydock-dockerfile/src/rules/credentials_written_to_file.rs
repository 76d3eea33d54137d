//! DF007 `credentials-written-to-file`: Credentials are written into a config file inside the image

use super::prelude::*;

pub struct CredentialsWrittenToFile;

pub const META: RuleMeta = RuleMeta {
    id: "DF007",
    name: "credentials-written-to-file",
    target: Target::Dockerfile,
    category: Category::Secret,
    severity: Severity::High,
    title: "Credentials are written into a config file inside the image",
    explanation: r##"## Why is this bad?
`echo "//registry.npmjs.org/:_authToken=…" > .npmrc`, a heredoc into `~/.netrc`, or
`npm config set …:_authToken` leave the token in a layer. Even if a later instruction
deletes the file, the layer that created it still contains it and anyone can extract it
from the image; a value that came from a build argument is also in the image history.

Not reported: `echo`/`printf` lines without a build-time expansion that write no literal
credential — `echo "//registry/:_authToken=\${NODE_AUTH_TOKEN}" >> .npmrc` (escaped, or in
single quotes) writes the reference itself, which npm expands when it runs, and
`echo "registry=https://…" > .npmrc` writes no credential at all.

## How to fix
Mount the credential file as a BuildKit secret for exactly the commands that need it
(`RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci`). If a file must be created,
create, use and delete it within the same `RUN` — and still prefer the secret mount.

## Example
```dockerfile
# Before
ARG NPM_TOKEN
RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > /root/.npmrc
RUN npm ci

# After
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
```

## References
- CIS Docker Benchmark 4.10: Ensure secrets are not stored in Dockerfiles
- https://docs.docker.com/build/building/secrets/
- https://docs.npmjs.com/docker-and-private-modules
"##,
    references: &[
        "https://docs.docker.com/build/building/secrets/",
        "https://docs.npmjs.com/docker-and-private-modules",
    ],
    equivalents: &[],
    default_enabled: true,
};

impl Rule for CredentialsWrittenToFile {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for run in cx.shell.runs() {
            for (script, c) in run.commands() {
                // echo/printf/cat … > ~/.npmrc, tee ~/.netrc
                let mut targets: Vec<&Word> = c
                    .redirects
                    .iter()
                    .filter(|r| r.op.contains('>') && !r.op.contains('&'))
                    .map(|r| &r.target)
                    .collect();
                if c.name() == "tee" {
                    targets.extend(c.positionals());
                }
                // `echo`/`printf` with no build-time expansion write exactly their text: only
                // a literal credential in it matters (`\${NODE_AUTH_TOKEN}` stays a reference
                // that npm expands when it runs).
                let literal_writer =
                    matches!(c.name(), "echo" | "printf") && !c.args().iter().any(|w| w.dynamic);
                if literal_writer {
                    let content: Vec<&str> = c.args().iter().map(|w| w.text.as_str()).collect();
                    if !has_literal_credential(&content.join(" ")) {
                        continue;
                    }
                }
                for t in targets {
                    if let Some(kind) = credential_file(&t.text) {
                        if deleted_later(run, &t.text) {
                            continue;
                        }
                        out.push(
                            cx.finding(&META, script.word_span(t), format!("RUN writes {kind} (`{}`) into the image; the credential stays in the layer", t.text))
                                .with_fix("Use `RUN --mount=type=secret,id=…,target=<file>` so the file exists only while the command runs"),
                        );
                    }
                }
                // npm/yarn/pnpm config set …:_authToken / _auth / _password
                let n = c.name();
                if matches!(n, "npm" | "yarn" | "pnpm") {
                    let a = c.args();
                    if a.first().is_some_and(|w| w.text == "config")
                        && a.get(1).is_some_and(|w| w.text == "set")
                    {
                        if let Some(key) = a.get(2) {
                            let k = key.text.to_ascii_lowercase();
                            if k.contains("_authtoken")
                                || k.ends_with("_auth")
                                || k.ends_with("_password")
                                || k.contains("npmauthtoken")
                            {
                                out.push(
                                    cx.finding(&META, script.word_span(key), format!("`{n} config set {}` stores a registry credential in the image's npm config", key.text))
                                        .with_fix("Mount an .npmrc as a secret for the install step: `RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci`"),
                                );
                            }
                        }
                    }
                }
                // git config credential.helper store
                if c.name() == "git"
                    && c.args()
                        .windows(2)
                        .any(|w| w[0].text == "credential.helper" && w[1].text.starts_with("store"))
                {
                    out.push(
                        cx.finding(&META, script.span(&c.range), "`git config credential.helper store` saves git passwords in plain text inside the image")
                            .with_fix("Use a secret mount (`--mount=type=secret`) or an SSH mount (`--mount=type=ssh`) for private repositories"),
                    );
                }
            }
            // cat <<EOF > ~/.npmrc
            for h in &run.data {
                if let (Some(t), Some(script)) = (&h.target, run.scripts.first()) {
                    if let Some(kind) = credential_file(t) {
                        if deleted_later(run, t) {
                            continue;
                        }
                        out.push(
                            cx.finding(&META, script.span(&h.range), format!("a heredoc writes {kind} (`{t}`) into the image; the credential stays in the layer"))
                                .with_fix("Use `RUN --mount=type=secret,id=…,target=<file>` so the file exists only while the command runs"),
                        );
                    }
                }
            }
        }
    }
}

/// Does written text give a credential key a literal value (`_authToken=abc…`,
/// `password hunter2`)? References (`${TOKEN}`, `$TOKEN`) and empty values do not count.
fn has_literal_credential(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let keys = [
        "_authtoken",
        "_auth",
        "_password",
        "password",
        "passwd",
        "token",
        "secret",
        "aws_secret_access_key",
        "\"auth\"",
        "\"identitytoken\"",
    ];
    keys.iter().any(|k| {
        lower.match_indices(k).any(|(at, _)| {
            let rest = &text[at + k.len()..];
            let value = rest.trim_start_matches(|c: char| {
                c == '"' || c == '\'' || c == ':' || c == '=' || c == ' ' || c == '\t'
            });
            // A separator must follow the key (`token=`, `password x`), not more name.
            let separated = rest.len() > value.len();
            separated
                && value
                    .chars()
                    .next()
                    .is_some_and(|c| c != '$' && c != '\n' && c != '<' && c != '{')
        })
    })
}

/// Config files that hold registry/host credentials.
fn credential_file(path: &str) -> Option<&'static str> {
    let p = path.to_ascii_lowercase();
    let base = basename(&p);
    match base {
        ".npmrc" => Some("an npm auth config"),
        ".yarnrc" | ".yarnrc.yml" => Some("a yarn auth config"),
        ".pypirc" => Some("PyPI credentials"),
        ".netrc" | "_netrc" => Some("a netrc credential file"),
        ".git-credentials" => Some("stored git credentials"),
        ".pgpass" => Some("a PostgreSQL password file"),
        "credentials" if p.contains(".aws/") => Some("AWS credentials"),
        "config.json" if p.contains(".docker/") => Some("Docker registry credentials"),
        "pip.conf" if p.contains("pip") => None,
        _ => None,
    }
}

/// The same RUN removes the file again (`… && rm -f ~/.npmrc`).
fn deleted_later(run: &crate::shell::RunInfo, path: &str) -> bool {
    let base = basename(path);
    run_has(run, |c| {
        c.name() == "rm" && c.positionals().any(|w| basename(&w.text) == base)
    })
}
