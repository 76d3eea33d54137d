//! DF006 `authorization-header-in-run`: A literal credential passed to curl/wget or a login command

use super::prelude::*;

pub struct AuthorizationHeaderInRun;

pub const META: RuleMeta = RuleMeta {
    id: "DF006",
    name: "authorization-header-in-run",
    target: Target::Dockerfile,
    category: Category::Secret,
    severity: Severity::High,
    title: "A literal credential passed to curl/wget or a login command",
    explanation: r##"## Why is this bad?
`curl -H "Authorization: Bearer …"`, `curl -u user:password`, `wget --password=…` and
`docker login -p …` put the credential on the command line. The line is stored in the image
history and build cache, where anyone with the image can read it.

## How to fix
Rotate the credential and read it from a BuildKit secret mount inside the `RUN`
(`-H "Authorization: Bearer $(cat /run/secrets/token)"`, `curl --netrc-file
/run/secrets/netrc`, `docker login --password-stdin < /run/secrets/pw`).

## Example
```dockerfile
# Before
RUN curl -fsSL -H "Authorization: Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0" https://api.acme.dev/artifact -o a.tgz

# After
RUN --mount=type=secret,id=api_token \
    curl -fsSL -H "Authorization: Bearer $(cat /run/secrets/api_token)" https://api.acme.dev/artifact -o a.tgz
```

## References
- CIS Docker Benchmark 4.10: Ensure secrets are not stored in Dockerfiles
- https://docs.docker.com/build/building/secrets/
"##,
    references: &["https://docs.docker.com/build/building/secrets/"],
    equivalents: &[],
    default_enabled: true,
};

impl Rule for AuthorizationHeaderInRun {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (_, script, c) in cx.commands() {
            let name = c.name();
            let args = c.args();
            for (k, w) in args.iter().enumerate() {
                let t = w.text.as_str();
                let next = args.get(k + 1);
                // (credential word, value, what)
                let hit: Option<(&Word, String, &str)> = match (name, t) {
                    ("curl" | "wget" | "http" | "xh", "-H" | "--header") => next.and_then(|n| {
                        header_secret(&n.text).map(|v| (n, v, "an Authorization header"))
                    }),
                    ("curl" | "wget", _) if t.starts_with("--header=") => {
                        header_secret(&t[9..]).map(|v| (w, v, "an Authorization header"))
                    }
                    ("curl", "-u" | "--user" | "--proxy-user" | "-U") => next.and_then(|n| {
                        let (_, pw) = n.text.split_once(':')?;
                        literal(pw).then(|| (n, pw.to_string(), "a user:password pair"))
                    }),
                    ("wget", _)
                        if t.starts_with("--password=")
                            || t.starts_with("--http-password=")
                            || t.starts_with("--ftp-password=") =>
                    {
                        let pw = t.split_once('=').map(|x| x.1).unwrap_or("");
                        literal(pw).then(|| (w, pw.to_string(), "a password option"))
                    }
                    ("docker" | "podman" | "buildah" | "skopeo" | "helm", "-p" | "--password") => {
                        next.filter(|n| literal(&n.text))
                            .map(|n| (n, n.text.clone(), "a registry password"))
                    }
                    _ => None,
                };
                if let Some((word, value, what)) = hit {
                    out.push(
                        cx.finding(&META, script.word_span(word), format!("`{name}` is given {what} on the command line; it is stored in the image history"))
                            .with_evidence(cx.evidence(&value))
                            .with_fix("Rotate the credential and read it from a secret mount: `$(cat /run/secrets/token)`, `--netrc-file /run/secrets/netrc` or `--password-stdin`"),
                    );
                }
            }
        }
    }
}

/// Not a variable or placeholder: a value typed into the Dockerfile.
fn literal(v: &str) -> bool {
    v.len() >= 4
        && !v.contains('$')
        && !v.contains('<')
        && !v.contains('{')
        && !v.chars().all(|c| c == '*' || c == 'x')
}

/// The credential of `Authorization: <scheme> <credential>` (and token headers), if literal.
fn header_secret(h: &str) -> Option<String> {
    let (name, value) = h.split_once(':')?;
    let name = name.trim().to_ascii_lowercase();
    let token_header = matches!(
        name.as_str(),
        "authorization"
            | "proxy-authorization"
            | "private-token"
            | "x-api-key"
            | "x-auth-token"
            | "x-vault-token"
            | "x-jfrog-art-api"
            | "api-key"
    );
    if !token_header {
        return None;
    }
    if value.contains('$') || value.contains('`') {
        return None;
    }
    let cred = value.trim().rsplit(' ').next().unwrap_or("").trim();
    literal(cred).then(|| cred.to_string())
}
