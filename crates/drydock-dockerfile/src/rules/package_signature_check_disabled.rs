//! DF027 `package-signature-check-disabled`: Package signature verification is switched off

use super::prelude::*;

pub struct PackageSignatureCheckDisabled;

pub const META: RuleMeta = RuleMeta {
    id: "DF027",
    name: "package-signature-check-disabled",
    target: Target::Dockerfile,
    category: Category::SupplyChain,
    severity: Severity::High,
    title: "Package signature verification is switched off",
    explanation: r##"## Why is this bad?
Package managers verify repository and package signatures so that a mirror, proxy or
network attacker cannot slip in modified packages. `apt-get --allow-unauthenticated`,
`[trusted=yes]` sources, `rpm --nosignature`, `yum/dnf --nogpgcheck`, `apk
--allow-untrusted` and `zypper --no-gpg-checks` turn that protection off, so anything
served is installed — as root.

## How to fix
Remove the switch and import the repository's signing key properly (`signed-by=` keyring
for apt, `rpm --import` / `gpgkey=` for yum/dnf, the key under `/etc/apk/keys` for apk).

## Example
```dockerfile
# Before
RUN echo "deb [trusted=yes] http://repo.example.com/apt stable main" > /etc/apt/sources.list.d/x.list \
 && apt-get update && apt-get install -y --allow-unauthenticated tool

# After
COPY example-archive-keyring.gpg /usr/share/keyrings/
RUN echo "deb [signed-by=/usr/share/keyrings/example-archive-keyring.gpg] https://repo.example.com/apt stable main" \
      > /etc/apt/sources.list.d/x.list \
 && apt-get update && apt-get install -y --no-install-recommends tool && rm -rf /var/lib/apt/lists/*
```

## References
- CIS Docker Benchmark 4.11: Ensure only verified packages are installed
- https://wiki.debian.org/SecureApt
- https://docs.fedoraproject.org/en-US/quick-docs/dnf/
- https://wiki.alpinelinux.org/wiki/Alpine_Package_Keeper
"##,
    references: &[
        "https://wiki.debian.org/SecureApt",
        "https://docs.fedoraproject.org/en-US/quick-docs/dnf/",
        "https://wiki.alpinelinux.org/wiki/Alpine_Package_Keeper",
    ],
    equivalents: &[
        "checkov:CKV2_DOCKER_10",
        "checkov:CKV2_DOCKER_11",
        "checkov:CKV2_DOCKER_7",
        "checkov:CKV2_DOCKER_8",
        "checkov:CKV2_DOCKER_9",
    ],
    default_enabled: true,
};

impl Rule for PackageSignatureCheckDisabled {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for run in cx.shell.runs() {
            for (script, c) in run.commands() {
                let name = c.name();
                let flags: &[&str] = match name {
                    "apt-get" | "apt" | "aptitude" => &[
                        "--allow-unauthenticated",
                        "--allow-insecure-repositories",
                        "--force-yes",
                        "--no-check-gpg",
                    ],
                    "rpm" => &["--nosignature", "--nodigest", "--nogpgcheck", "--noverify"],
                    "yum" | "dnf" | "microdnf" | "tdnf" => &[
                        "--nogpgcheck",
                        "--setopt=gpgcheck=0",
                        "--setopt=gpgcheck=false",
                    ],
                    "apk" => &["--allow-untrusted"],
                    "zypper" => &["--no-gpg-checks", "--gpg-auto-import-keys"],
                    _ => &[],
                };
                for w in c.args() {
                    let t = w.text.as_str();
                    let flag_hit = flags.contains(&t);
                    let option_hit = matches!(name, "apt-get" | "apt") && {
                        let l = t.to_ascii_lowercase();
                        (l.contains("allowunauthenticated=")
                            || l.contains("allowinsecurerepositories="))
                            && (l.ends_with("=true") || l.ends_with("=1") || l.ends_with("=yes"))
                    };
                    // `echo "deb [trusted=yes] …" > sources.list`, `echo gpgcheck=0 >> x.repo`
                    // A `file:` repository built in the same RUN (as official images do
                    // for locally compiled packages) has nothing to verify against.
                    let local_repo = t.contains("file:/") || t.contains("copy:/");
                    let text_hit = matches!(name, "echo" | "printf" | "sed" | "tee")
                        && (t.contains("trusted=yes") || t.contains("gpgcheck=0"))
                        && !local_repo;
                    if flag_hit || option_hit || text_hit {
                        let what = if text_hit {
                            format!(
                                "`{}` writes a package source with signature checks off",
                                name
                            )
                        } else {
                            format!(
                                "`{name} {t}` installs packages without verifying their signatures"
                            )
                        };
                        out.push(
                            cx.finding(&META, script.word_span(w), what)
                                .with_fix("Remove it and import the repository's signing key (signed-by= keyring for apt, rpm --import / gpgkey= for yum/dnf, /etc/apk/keys for apk)"),
                        );
                    }
                }
            }
            for h in &run.data {
                if let Some(script) = run.scripts.first() {
                    let body = &script.text[h.range.clone()];
                    if let Some(p) = body.find("trusted=yes").or_else(|| body.find("gpgcheck=0")) {
                        let r = h.range.start + p..h.range.start + p + 11;
                        out.push(
                            cx.finding(
                                &META,
                                script.span(&r),
                                "a heredoc writes a package source with signature checks off",
                            )
                            .with_fix("Remove it and import the repository's signing key instead"),
                        );
                    }
                }
            }
        }
    }
}
