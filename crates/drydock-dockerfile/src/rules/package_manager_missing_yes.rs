//! DF068 `package-manager-missing-yes`: apt/yum/dnf/zypper/pacman install without its non-interactive switch

use super::prelude::*;

pub struct PackageManagerMissingYes;

pub const META: RuleMeta = RuleMeta {
    id: "DF068",
    name: "package-manager-missing-yes",
    target: Target::Dockerfile,
    category: Category::BestPractice,
    severity: Severity::Low,
    title: "apt/yum/dnf/zypper/pacman install without its non-interactive switch",
    explanation: r##"## Why is this bad?
A build has no terminal. `apt install`, `yum install`, `dnf install`, `zypper install` and
`pacman -S` ask for confirmation before changing the system; without their
non-interactive switch the prompt reads end-of-file and the build fails (or, for some
versions, aborts the transaction and installs nothing).

microdnf does not ask, so it is not reported. The switches, as each tool documents them:
apt `-y` (or `-qq`); yum/dnf `-y` (`--assumeyes`, or
`--setopt=assumeyes=1`); zypper `-y`/`--no-confirm` after the command, or the global
`-n`/`--non-interactive`; pacman `--noconfirm`. (apt-get has its own rule, DF044.)

## How to fix
Add the switch: `dnf install -y …`, `zypper --non-interactive install …`,
`pacman -S --noconfirm …`.

## Example
```dockerfile
# Before
RUN dnf install nginx && dnf clean all

# After
RUN dnf install -y nginx && dnf clean all
```

## References
- https://dnf.readthedocs.io/en/latest/command_ref.html
- https://en.opensuse.org/SDB:Zypper_manual
- https://man.archlinux.org/man/pacman.8
"##,
    references: &[
        "https://dnf.readthedocs.io/en/latest/command_ref.html",
        "https://en.opensuse.org/SDB:Zypper_manual",
        "https://man.archlinux.org/man/pacman.8",
    ],
    equivalents: &[
        "hadolint:DL3030",
        "hadolint:DL3034",
        "hadolint:DL3038",
        "kics:missing-flag-from-dnf-install",
        "kics:missing-zypper-non-interactive-switch",
        "kics:yum-install-allows-manual-input",
    ],
    default_enabled: true,
};

impl Rule for PackageManagerMissingYes {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (_, script, c) in cx.commands() {
            let Some(p) = package_command(c) else {
                continue;
            };
            let sub = p.sub.as_str();
            let (prompts, yes, switch) = match p.pm {
                // microdnf does not ask for confirmation (`-y` is accepted and ignored).
                "dnf" if p.tool == "microdnf" => continue,
                "yum" | "dnf" => (
                    matches!(
                        sub,
                        "install"
                            | "groupinstall"
                            | "module-install"
                            | "reinstall"
                            | "upgrade"
                            | "downgrade"
                            | "remove"
                            | "distro-sync"
                            | "autoremove"
                    ),
                    p.has(&["-y", "--assumeyes"])
                        || p.options.iter().any(|(w, v)| {
                            let t = w.text.as_str();
                            let set = t.strip_prefix("--setopt=").or_else(|| {
                                (t == "--setopt")
                                    .then(|| v.map(|v| v.text.as_str()))
                                    .flatten()
                            });
                            set.is_some_and(|s| {
                                matches!(
                                    s.to_ascii_lowercase().as_str(),
                                    "assumeyes=1" | "assumeyes=true" | "assumeyes=yes"
                                )
                            })
                        }),
                    "-y",
                ),
                // apt has its own prompt; apt-get is DF044's.
                "apt" => (
                    matches!(
                        sub,
                        "install"
                            | "upgrade"
                            | "full-upgrade"
                            | "dist-upgrade"
                            | "remove"
                            | "purge"
                            | "autoremove"
                            | "reinstall"
                    ),
                    p.has(&["-y", "--yes", "--assume-yes"]) || p.count('q', "--quiet") >= 2,
                    "-y",
                ),
                "zypper" => (
                    matches!(
                        sub,
                        "install"
                            | "remove"
                            | "source-install"
                            | "patch"
                            | "update"
                            | "dist-upgrade"
                    ),
                    p.has(&["-y", "--no-confirm", "-n", "--non-interactive"]),
                    "--non-interactive",
                ),
                "pacman" => (
                    matches!(sub, "sync" | "remove" | "upgrade")
                        && (!p.operands.is_empty() || p.count('u', "--sysupgrade") > 0),
                    p.has(&["--noconfirm"]),
                    "--noconfirm",
                ),
                _ => continue,
            };
            if prompts && !yes {
                let shown = p.sub_word.map(|w| w.text.as_str()).unwrap_or(sub);
                out.push(
                    cx.finding(&META, script.word_span(&c.effective_argv()[0]), format!("`{} {shown}` without `{switch}` waits for a confirmation the build cannot give", c.name()))
                        .with_fix(format!("Add `{switch}`")),
                );
            }
        }
    }
}
