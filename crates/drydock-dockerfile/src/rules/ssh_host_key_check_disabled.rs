//! DF028 `ssh-host-key-check-disabled`: SSH host key verification is switched off

use super::prelude::*;

pub struct SshHostKeyCheckDisabled;

pub const META: RuleMeta = RuleMeta {
    id: "DF028",
    name: "ssh-host-key-check-disabled",
    target: Target::Dockerfile,
    category: Category::SupplyChain,
    severity: Severity::Medium,
    title: "SSH host key verification is switched off",
    explanation: r##"## Why is this bad?
`StrictHostKeyChecking=no` (or `UserKnownHostsFile=/dev/null`) makes ssh, scp and git over
SSH accept any server key, so a man-in-the-middle can impersonate the git host and serve
modified code. Written into `~/.ssh/config` it also persists in the image.

## How to fix
Pin the host key instead: `ssh-keyscan github.com >> ~/.ssh/known_hosts` and compare it
with the published fingerprint, or `COPY known_hosts`; use `RUN --mount=type=ssh` for the
key itself.

## Example
```dockerfile
# Before
RUN GIT_SSH_COMMAND="ssh -o StrictHostKeyChecking=no" git clone git@github.com:acme/app.git

# After
COPY known_hosts /root/.ssh/known_hosts
RUN --mount=type=ssh git clone git@github.com:acme/app.git
```

## References
- https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/githubs-ssh-key-fingerprints
- https://docs.docker.com/build/building/secrets/#ssh-mounts
"##,
    references: &["https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/githubs-ssh-key-fingerprints", "https://docs.docker.com/build/building/secrets/#ssh-mounts"],
    equivalents: &[],
    default_enabled: true,
};

impl Rule for SshHostKeyCheckDisabled {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for run in cx.shell.runs() {
            for (script, c) in run.commands() {
                let words = c.argv.iter().chain(c.assignments.iter().map(|(_, w)| w));
                for w in words {
                    if let Some(off) = off_setting(&w.text) {
                        let at = w
                            .raw
                            .find(off)
                            .map(|p| w.range.start + p..w.range.start + p + off.len())
                            .unwrap_or(w.range.clone());
                        out.push(
                            cx.finding(&META, script.span(&at), format!("`{off}` makes ssh accept any host key"))
                                .with_fix("Pin the host key in known_hosts (ssh-keyscan + fingerprint check, or COPY known_hosts) and use RUN --mount=type=ssh"),
                        );
                    }
                }
            }
            for h in &run.data {
                if let Some(script) = run.scripts.first() {
                    let body = &script.text[h.range.clone()];
                    if let Some(off) = off_setting(body) {
                        if let Some(p) = body.find(off) {
                            out.push(
                                cx.finding(&META, script.span(&(h.range.start + p..h.range.start + p + off.len())), format!("`{off}` written to an ssh config makes ssh accept any host key"))
                                    .with_fix("Pin the host key in known_hosts instead"),
                            );
                        }
                    }
                }
            }
        }
        for (i, ins) in cx.with_keyword("ENV") {
            for (k, v) in kv_pairs(ins) {
                if let Some(off) = off_setting(&unq(v)) {
                    out.push(
                        cx.finding(
                            &META,
                            cx.find_span(i, k),
                            format!(
                                "ENV `{k}` contains `{off}`, which makes ssh accept any host key"
                            ),
                        )
                        .with_fix("Pin the host key in known_hosts instead"),
                    );
                }
            }
        }
    }
}

/// The verification-disabling fragment in `s`, if any.
fn off_setting(s: &str) -> Option<&'static str> {
    let l = s.to_ascii_lowercase().replace(' ', "=");
    if l.contains("stricthostkeychecking=no") || l.contains("stricthostkeychecking==no") {
        return Some(if s.contains("StrictHostKeyChecking=no") {
            "StrictHostKeyChecking=no"
        } else if s.contains("StrictHostKeyChecking no") {
            "StrictHostKeyChecking no"
        } else {
            "StrictHostKeyChecking"
        });
    }
    if l.contains("userknownhostsfile=/dev/null") {
        return Some("UserKnownHostsFile=/dev/null");
    }
    None
}
