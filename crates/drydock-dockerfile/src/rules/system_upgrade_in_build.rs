//! DF042 `system-upgrade-in-build`: Full system upgrade inside the build (apt-get upgrade, yum update …)

use super::prelude::*;

pub struct SystemUpgradeInBuild;

pub const META: RuleMeta = RuleMeta {
    id: "DF042",
    name: "system-upgrade-in-build",
    target: Target::Dockerfile,
    category: Category::BestPractice,
    severity: Severity::Info,
    title: "Full system upgrade inside the build (apt-get upgrade, yum update …)",
    explanation: r##"## Why is this bad?
`apt-get upgrade`/`dist-upgrade`, `yum update`, `dnf upgrade` (and `upgrade-minimal`), `apk upgrade`,
`zypper update`/`dup`/`patch` and `pacman -Syu` make the
image content depend on the day of the build, not on the Dockerfile: two builds of the same
commit differ, and a major upgrade can break the image silently. Security updates belong in
the base image — rebuild on a fresh, pinned base instead.

## How to fix
Rebuild regularly on an updated base image tag/digest (Renovate/Dependabot), and upgrade
individual packages explicitly when a fix is needed (`apt-get install -y --only-upgrade
openssl`).

## Example
```dockerfile
# Before
RUN apt-get update && apt-get -y dist-upgrade

# After
FROM debian:12-slim@sha256:<fresh digest>
RUN apt-get update && apt-get install -y --only-upgrade openssl && rm -rf /var/lib/apt/lists/*
```

## References
- CIS Docker Benchmark 4.4: Ensure images are scanned and rebuilt to include security patches
- https://docs.docker.com/build/building/best-practices/#apt-get
- https://docs.docker.com/build/building/best-practices/#rebuild-your-images-often
"##,
    references: &[
        "https://docs.docker.com/build/building/best-practices/#apt-get",
        "https://docs.docker.com/build/building/best-practices/#rebuild-your-images-often",
    ],
    equivalents: &["trivy:DS024", "hadolint:DL3005", "hadolint:DL3017"],
    default_enabled: true,
};

impl Rule for SystemUpgradeInBuild {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (_, script, c) in cx.commands() {
            let Some(p) = package_command(c) else {
                continue;
            };
            let sub = p.sub.as_str();
            let no_packages = p.operands.is_empty();
            let whole_system = match p.pm {
                "apt-get" | "apt" => matches!(sub, "upgrade" | "dist-upgrade" | "full-upgrade"),
                "yum" | "dnf" => matches!(sub, "upgrade" | "distro-sync") && no_packages,
                "apk" => sub == "upgrade" && no_packages,
                "zypper" => matches!(sub, "update" | "dist-upgrade" | "patch") && no_packages,
                "pacman" => sub == "sync" && p.count('u', "--sysupgrade") > 0,
                _ => false,
            };
            if whole_system {
                let shown = p.sub_word.map(|w| w.text.as_str()).unwrap_or(sub);
                out.push(
                    cx.finding(&META, script.span(&c.range), format!("`{} {shown}` upgrades the whole system during the build, so the image depends on the build date", c.name()))
                        .with_fix("Rebuild on a fresh, pinned base image instead; upgrade single packages explicitly when needed"),
                );
            }
        }
    }
}
