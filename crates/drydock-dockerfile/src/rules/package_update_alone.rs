//! DF043 `package-update-alone`: Package index update in a RUN without an install

use super::prelude::*;

pub struct PackageUpdateAlone;

pub const META: RuleMeta = RuleMeta {
    id: "DF043",
    name: "package-update-alone",
    target: Target::Dockerfile,
    category: Category::BestPractice,
    severity: Severity::Low,
    title: "Package index update (apt, apk, zypper, yum/dnf, pacman) in a RUN without an install",
    explanation: r##"## Why is this bad?
Docker caches each `RUN` separately. An `apt-get update` alone in its own `RUN` is cached
forever, so a later `RUN apt-get install …` (changed or not) installs from stale package
lists — old, vulnerable versions, or 404 errors once the mirror drops them. The same holds
for `apk update`, `zypper refresh`, `yum`/`dnf makecache` and `check-update`, a bare
`yum`/`dnf update` or `upgrade` (the upgrade is frozen in the cached layer; DF042 reports the
upgrade itself) and `pacman -Sy` / `-Syu`. `pacman -Sy <pkg>` is also reported: it refreshes the databases and installs
against them without upgrading the rest of the system, a partial upgrade Arch Linux does not
support (use `pacman -Syu <pkg>`).

## How to fix
Update and install in the same `RUN`: `RUN apt-get update && apt-get install -y … && rm
-rf /var/lib/apt/lists/*`.

## Example
```dockerfile
# Before
RUN apt-get update
RUN apt-get install -y --no-install-recommends curl

# After
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*
```

## References
- CIS Docker Benchmark 4.7: Ensure update instructions are not used alone in the Dockerfile
- https://docs.docker.com/build/building/best-practices/#apt-get
"##,
    references: &["https://docs.docker.com/build/building/best-practices/#apt-get"],
    equivalents: &[
        "checkov:CKV_DOCKER_5",
        "kics:update-instruction-alone",
        "trivy:DS017",
    ],
    default_enabled: true,
};

impl Rule for PackageUpdateAlone {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for run in cx.shell.runs() {
            let mut update: Option<(&crate::shell::RunScript, &SimpleCommand, String)> = None;
            let mut installs = false;
            for (script, c) in run.commands() {
                let Some(p) = package_command(c) else {
                    continue;
                };
                let refresh = match (p.pm, p.sub.as_str()) {
                    ("apt-get" | "apt" | "apk", "update") => true,
                    ("zypper", "refresh") => true,
                    ("yum" | "dnf", "makecache" | "check-update") => true,
                    // A whole-system `yum update` alone is cached the same way: later
                    // installs build on an upgrade frozen at cache time (Checkov CKV_DOCKER_5,
                    // KICS); DF042 reports the upgrade itself.
                    ("yum" | "dnf" | "microdnf", "update" | "upgrade") => p.operands.is_empty(),
                    // `pacman -Sy` syncs the databases; with packages it is a partial upgrade.
                    ("pacman", "sync") => {
                        let y = p.count('y', "--refresh") > 0;
                        let u = p.count('u', "--sysupgrade") > 0;
                        if y && !u && !p.operands.is_empty() {
                            out.push(
                                cx.finding(&META, script.span(&c.range), "`pacman -Sy <pkg>` refreshes the package databases and installs without upgrading the rest: a partial upgrade Arch does not support")
                                    .with_fix("Use `pacman -Syu --noconfirm <pkg>` (or install from the base image's databases with `pacman -S`)"),
                            );
                            installs = true;
                            continue;
                        }
                        y && p.operands.is_empty()
                    }
                    _ => false,
                };
                if refresh {
                    let what = format!(
                        "{} {}",
                        c.name(),
                        p.sub_word.map(|w| w.text.as_str()).unwrap_or(&p.sub)
                    );
                    update = update.or(Some((script, c, what)));
                } else if p.installs()
                    || matches!(
                        p.sub.as_str(),
                        "upgrade"
                            | "dist-upgrade"
                            | "full-upgrade"
                            | "build-dep"
                            | "source"
                            | "download"
                            | "update"
                            | "reinstall"
                            | "distro-sync"
                            | "patch"
                            | "source-install"
                            | "fix"
                    )
                    || p.pm == "pacman" && p.sub == "sync"
                {
                    installs = true;
                }
            }
            if let (Some((script, c, what)), false) = (update, installs) {
                out.push(
                    cx.finding(&META, script.span(&c.range), format!("`{what}` runs without an install in the same RUN; the cached layer will hold stale package lists"))
                        .with_fix("Combine update and install in one RUN: `apt-get update && apt-get install -y … && rm -rf /var/lib/apt/lists/*`"),
                );
            }
        }
    }
}
