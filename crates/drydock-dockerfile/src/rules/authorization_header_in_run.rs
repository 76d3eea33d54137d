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
`docker login -p …`, `mysql -pSECRET`, `redis-cli -a …`, `openssl -passout pass:…`,
`keytool -storepass …` and, for any program, an option named like a secret given a literal
(`--db-password …`, `--api-token=…`, also in exec form: `ENTRYPOINT ["app", "--token", "…"]`)
put the credential on the command line. The line is stored in the image
history and build cache (for `RUN`) or the image config (`CMD`, `ENTRYPOINT`,
`HEALTHCHECK`), where anyone with the image can read it. PowerShell lines are checked for
the same credentials: `Invoke-WebRequest -Headers @{Authorization='Bearer …'}`,
`ConvertTo-SecureString '…' -AsPlainText` handed to `-Credential`, `NetworkCredential('u',
'…')`. A variable (`curl -u "user:${PASS}"`) or a user name alone (`--user name`) is not
reported.

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
        let mut analysed = std::collections::BTreeSet::new();
        for (run, script, c) in cx.all_commands() {
            analysed.insert(run.instruction);
            let name = c.name();
            // `CMD ["--flag", …]` only passes arguments to the ENTRYPOINT.
            let args = if name.starts_with('-') {
                c.effective_argv()
            } else {
                c.args()
            };
            for (word, value, what) in word_hits(name, args) {
                if generic_known_elsewhere(cx, what, &value) {
                    continue;
                }
                // Never echo an argument word: it may be the secret itself (`--token=…`).
                let who = if name.starts_with('-') {
                    "the ENTRYPOINT".to_string()
                } else {
                    format!("`{name}`")
                };
                out.push(report(
                    cx,
                    cx.script_span(run, script, &word.range),
                    &format!("{who} is given {what} on the command line"),
                    run.instruction,
                    &value,
                ));
            }
        }
        for (i, ins) in cx.instructions() {
            if !analysed.contains(&i)
                && matches!(ins.keyword(), "RUN" | "CMD" | "ENTRYPOINT" | "HEALTHCHECK")
            {
                let text = command_text(ins);
                check_windows(cx, i, &text, out);
                // `curl.exe -u user:pw …` reads like a POSIX command line word by word.
                for c in crate::shell::commands(&text) {
                    let name = c.name().trim_end_matches(".exe").to_ascii_lowercase();
                    for (word, value, what) in word_hits(&name, c.args()) {
                        if generic_known_elsewhere(cx, what, &value) {
                            continue;
                        }
                        let span = cx.find_span(i, word.raw.as_str());
                        out.push(report(
                            cx,
                            span,
                            &format!("`{name}` is given {what} on the command line"),
                            i,
                            &value,
                        ));
                    }
                }
            }
        }
    }
}

fn report(cx: &RuleContext, span: Span, what: &str, i: usize, value: &str) -> Finding {
    cx.finding(&META, span, format!("{what}; it is stored in the image {}", stored_in(cx, i)))
        .with_evidence(cx.evidence(value))
        .with_fix("Rotate the credential and read it from a secret mount: `$(cat /run/secrets/token)`, `--netrc-file /run/secrets/netrc` or `--password-stdin`")
}

/// Credentials given to `name` by its arguments: (word holding it, value, what it is).
fn word_hits<'w>(name: &str, args: &'w [Word]) -> Vec<(&'w Word, String, &'static str)> {
    let mut hits = Vec::new();
    for (k, w) in args.iter().enumerate() {
        let t = w.text.as_str();
        let next = args.get(k + 1);
        let hit: Option<(&Word, String, &'static str)> = match (name, t) {
            ("curl" | "wget" | "http" | "xh", "-H" | "--header") => {
                next.and_then(|n| header_secret(&n.text).map(|v| (n, v, "an Authorization header")))
            }
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
                    || t.starts_with("--ftp-password=")
                    || t.starts_with("--proxy-password=") =>
            {
                let pw = t.split_once('=').map(|x| x.1).unwrap_or("");
                literal(pw).then(|| (w, pw.to_string(), "a password option"))
            }
            ("wget", "--password" | "--http-password" | "--ftp-password") => next
                .filter(|n| literal(&n.text))
                .map(|n| (n, n.text.clone(), "a password option")),
            ("docker" | "podman" | "buildah" | "skopeo" | "helm", "-p" | "--password") => next
                .filter(|n| literal(&n.text))
                .map(|n| (n, n.text.clone(), "a registry password")),
            ("docker" | "podman" | "buildah" | "skopeo" | "helm", _)
                if t.starts_with("--password=") =>
            {
                let pw = &t["--password=".len()..];
                literal(pw).then(|| (w, pw.to_string(), "a registry password"))
            }
            ("mysql" | "mysqladmin" | "mysqldump" | "mariadb" | "mariadb-admin", _)
                if t.len() > 2 && t.starts_with("-p") && !t.starts_with("--") =>
            {
                // `-pSECRET` (attached; a bare `-p` prompts).
                let pw = &t[2..];
                literal(pw).then(|| (w, pw.to_string(), "a password option"))
            }
            ("redis-cli", "-a")
            | ("sshpass", "-p")
            | ("keytool", "-storepass" | "-keypass" | "-srcstorepass" | "-deststorepass") => next
                .filter(|n| literal(&n.text))
                .map(|n| (n, n.text.clone(), "a password option")),
            ("openssl", "-passin" | "-passout" | "-pass" | "-k") => next.and_then(|n| {
                let pw =
                    n.text
                        .strip_prefix("pass:")
                        .unwrap_or(if t == "-k" { &n.text } else { "" });
                literal(pw).then(|| (n, pw.to_string(), "a password option"))
            }),
            // Account tools take hashes and switches (`adduser --disabled-password`); DF008
            // covers the passwords they set.
            ("useradd" | "adduser" | "usermod" | "chpasswd" | "passwd", _) => None,
            _ => secret_option(t, next)
                .map(|(word, v)| (word.unwrap_or(w), v, "a secret-named option")),
        };
        hits.extend(hit);
    }
    hits
}

/// A value given to a secret-named option that the secret engine identifies (a GitHub token,
/// an AWS key): DF004 reports it with its provider and severity.
fn generic_known_elsewhere(cx: &RuleContext, what: &str, value: &str) -> bool {
    what == "a secret-named option" && !cx.scan_command(value).is_empty()
}

/// `--password VALUE`, `--api-token=VALUE`, `--client-secret VALUE` for any program (exec-form
/// `CMD ["app", "--token", "…"]` included): an option whose name ends in a secret word,
/// given a literal that is not a path. `--password-file`, `--token-ttl` do not match.
fn secret_option<'w>(t: &'w str, next: Option<&'w Word>) -> Option<(Option<&'w Word>, String)> {
    let opt = t.strip_prefix("--").or_else(|| t.strip_prefix('-'))?;
    let (name, inline) = match opt.split_once('=') {
        Some((n, v)) => (n, Some(v)),
        None => (opt, None),
    };
    let lname = name.to_ascii_lowercase().replace('_', "-");
    let secret = [
        "password",
        "passwd",
        "token",
        "secret",
        "apikey",
        "api-key",
        "access-key",
        "secret-key",
        "private-token",
        "oauth2-bearer",
    ]
    .iter()
    .any(|k| lname.ends_with(k));
    // Switches about a secret rather than carrying one: `--disabled-password`,
    // `--no-password`, `--ask-password`, `--generate-token`, …
    let switch = [
        "no-",
        "disable",
        "without-",
        "skip-",
        "allow-",
        "require",
        "ask-",
        "prompt",
        "reset-",
        "change-",
        "expire",
        "force-",
        "use-",
        "with-",
        "show-",
        "print-",
        "generate",
        "random",
        "empty-",
        "lock-",
        "unlock-",
        "keep-",
        "store-",
        "save-",
        "remember-",
    ]
    .iter()
    .any(|p| lname.starts_with(p));
    if !secret || switch || lname.len() > 40 {
        return None;
    }
    let (word, value) = match inline {
        Some(v) => (None, v.to_string()),
        None => {
            let n = next?;
            if n.text.starts_with('-') {
                return None;
            }
            (Some(n), n.text.clone())
        }
    };
    let path = value.starts_with('/') || value.starts_with("./") || value.starts_with('~');
    // Documented defaults (the JDK's `changeit`) and BuildKit-style specs
    // (`--secret id=npmrc,src=.npmrc`) are not credentials.
    let lower = value.to_ascii_lowercase();
    let placeholder = matches!(
        lower.as_str(),
        "changeit"
            | "changeme"
            | "password"
            | "passwd"
            | "secret"
            | "token"
            | "example"
            | "dummy"
            | "none"
            | "null"
            | "true"
            | "false"
    ) || ["id=", "src=", "type=", "env="]
        .iter()
        .any(|p| lower.starts_with(p));
    (literal(&value) && !path && !placeholder && !value.contains("://")).then_some((word, value))
}

/// Where a command line of instruction `i` ends up.
fn stored_in(cx: &RuleContext, i: usize) -> &'static str {
    if cx.df.instructions[i].keyword() == "RUN" {
        "history"
    } else {
        "config"
    }
}

/// PowerShell and cmd.exe command lines (not analysed as POSIX shell): header hash tables
/// (`-Headers @{Authorization='Bearer …'}`) and plain-text
/// passwords turned into credentials (`ConvertTo-SecureString 'pw' -AsPlainText`,
/// `NetworkCredential('user', 'pw')`).
fn check_windows(cx: &RuleContext, i: usize, text: &str, out: &mut Vec<Finding>) {
    static PATTERNS: std::sync::OnceLock<[regex::Regex; 3]> = std::sync::OnceLock::new();
    let [hash, plain, netcred] = PATTERNS.get_or_init(|| {
        let re = |p: &str| regex::Regex::new(p).expect("static pattern");
        [
            re(r#"(?i)['"]?([a-z][a-z0-9-]*)['"]?\s*=\s*(?:'([^']*)'|"([^"]*)")"#),
            re(r#"(?i)ConvertTo-SecureString\s+(?:-String\s+)?(?:'([^']*)'|"([^"]*)")[^;|]*-AsPlainText"#),
            re(r#"(?i)NetworkCredential\s*\(\s*(?:'[^']*'|"[^"]*")\s*,\s*(?:'([^']*)'|"([^"]*)")"#),
        ]
    });
    let mut hits: Vec<(String, &str)> = Vec::new();
    // `@{ Name = 'value'; … }` entries: token headers only.
    for block in text.split("@{").skip(1) {
        let block = block.split('}').next().unwrap_or("");
        for c in hash.captures_iter(block) {
            let name = c.get(1).map(|m| m.as_str()).unwrap_or("");
            let value = c.get(2).or(c.get(3)).map(|m| m.as_str()).unwrap_or("");
            if let Some(v) = header_secret(&format!("{name}: {value}")) {
                hits.push((v, "an Authorization header"));
            }
        }
    }
    for re in [plain, netcred] {
        for c in re.captures_iter(text) {
            let pw = c.get(1).or(c.get(2)).map(|m| m.as_str()).unwrap_or("");
            if literal(pw) {
                hits.push((pw.to_string(), "a plain-text password"));
            }
        }
    }
    for (value, what) in hits {
        out.push(
            cx.finding(&META, cx.find_span(i, &value), format!("the command line is given {what}; it is stored in the image {}", stored_in(cx, i)))
                .with_evidence(cx.evidence(&value))
                .with_fix("Rotate the credential and read it from a secret mount (`RUN --mount=type=secret,id=token …`, then `Get-Content C:\\run\\secrets\\token`)"),
        );
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
