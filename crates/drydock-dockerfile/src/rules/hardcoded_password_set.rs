//! DF008 `hardcoded-password-set`: A hard-coded password is set for a user

use super::prelude::*;

pub struct HardcodedPasswordSet;

pub const META: RuleMeta = RuleMeta {
    id: "DF008",
    name: "hardcoded-password-set",
    target: Target::Dockerfile,
    category: Category::Secret,
    severity: Severity::High,
    title: "A hard-coded password is set for a user",
    explanation: r##"## Why is this bad?
`echo "root:password" | chpasswd`, `useradd -p …` or `htpasswd -b … user password` bake a
known password into the image. The command line is in the image history, and every
container from the image shares the same password.

## How to fix
Do not set passwords in images. Run as an unprivileged user without a password, use
key-based access, or set credentials at deploy time from a secret store.

## Example
```dockerfile
# Before
RUN echo "root:toor" | chpasswd

# After
RUN useradd --create-home --shell /usr/sbin/nologin app
USER app
```

## References
- CIS Docker Benchmark 4.10: Ensure secrets are not stored in Dockerfiles
- https://docs.docker.com/build/building/secrets/
"##,
    references: &["https://docs.docker.com/build/building/secrets/"],
    equivalents: &["checkov:CKV2_DOCKER_17"],
    default_enabled: true,
};

impl Rule for HardcodedPasswordSet {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for run in cx.shell.runs() {
            for (script, c) in run.commands() {
                let name = c.name();
                let pw: Option<(&Word, String)> = match name {
                    "chpasswd" => c
                        .piped_from
                        .and_then(|i| script.script.commands.get(i))
                        .filter(|src| matches!(src.name(), "echo" | "printf"))
                        .and_then(|src| src.positionals().find(|w| w.text.contains(':')))
                        .and_then(|w| {
                            let pw = w
                                .text
                                .split(':')
                                .nth(1)?
                                .trim_end_matches("\\n")
                                .to_string();
                            literal(&pw).then_some((w, pw))
                        }),
                    "useradd" | "usermod" | "adduser" => {
                        let a = c.args();
                        a.iter()
                            .position(|w| w.text == "-p" || w.text == "--password")
                            .and_then(|k| a.get(k + 1))
                            .filter(|w| {
                                literal(&w.text) && !w.text.starts_with('*') && w.text != "!"
                            })
                            .map(|w| (w, w.text.clone()))
                    }
                    "htpasswd"
                        if c.args()
                            .iter()
                            .any(|w| w.text.starts_with('-') && w.text.contains('b')) =>
                    {
                        c.positionals()
                            .last()
                            .filter(|w| literal(&w.text))
                            .map(|w| (w, w.text.clone()))
                    }
                    _ => None,
                };
                if let Some((w, pw)) = pw {
                    out.push(
                        cx.finding(&META, script.word_span(w), format!("`{name}` sets a hard-coded password; it is visible in the image history and shared by every container"))
                            .with_evidence(cx.evidence(&pw))
                            .with_fix("Do not set passwords in the image; use an unprivileged user without a password and provide credentials at deploy time"),
                    );
                }
            }
        }
    }
}

fn literal(v: &str) -> bool {
    !v.is_empty() && !v.contains('$') && !v.contains('<')
}
