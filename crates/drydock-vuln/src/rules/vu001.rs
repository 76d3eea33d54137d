use super::VulnMatch;
use crate::package::{Kind, Package};
use drydock_core::rule::Target;
use drydock_core::Finding;
use drydock_core::{Category, RuleMeta, Severity};

pub const META: RuleMeta = RuleMeta {
    id: "VU001",
    name: "vulnerable-package-fix-available",
    target: Target::Vulnerability,
    category: Category::Vulnerability,
    severity: Severity::High,
    title: "Installed package has a known vulnerability that a newer version fixes",
    explanation: r#"
A package installed in the image is affected by a published advisory (OSV: distribution
security trackers, GitHub Security Advisories, PyPA, Go, RustSec…) and the ecosystem has
released a version that fixes it. The finding's severity is the advisory's own: the
distribution's rating for OS packages (Debian urgency, Ubuntu priority, Red Hat impact),
else the CVSS v3 base score, else medium.

## Why is this bad?
Known vulnerabilities are what attackers scan for first: exploits for them are public and
automated. Images are built once and run for months, so a package that was current at build
time falls behind as advisories are published. Here a fix exists, so the risk is
avoidable by rebuilding.

## How to fix
Upgrade the package to the fixed version or later:
- OS packages: rebuild on the newest tag of your base image (`docker build --pull`), or run
  the package manager's upgrade in the Dockerfile (`apt-get update && apt-get upgrade -y`,
  `apk upgrade --no-cache`, `dnf upgrade -y`).
- Language packages: raise the version in the manifest/lock file (`requirements.txt`,
  `package.json`, `go.mod`, `pom.xml`, `Gemfile.lock`, `composer.json`) and rebuild.
If the vulnerable code is not reachable in your use, record that decision with
`--ignore VU001` scoped in the config, with a comment saying why.

## Example
```text
VU001 high  libc6 2.36-9+deb12u1: CVE-2023-4911 (DSA-5514-1) — fixed in 2.36-9+deb12u3
```
```dockerfile
FROM debian:12            # rebuilt with --pull picks up 2.36-9+deb12u3
RUN apt-get update && apt-get upgrade -y && rm -rf /var/lib/apt/lists/*
```

## References
- https://ossf.github.io/osv-schema/
- https://www.debian.org/security/
- CIS Docker Benchmark 4.4: Ensure images are scanned and rebuilt to include security patches
"#,
    references: &[
        "https://ossf.github.io/osv-schema/",
        "CIS Docker Benchmark 4.4",
    ],
    equivalents: &["trivy:vulnerability", "grype:vulnerability"],
    default_enabled: true,
};

/// A matched advisory the ecosystem has fixed: report it with the upgrade that fixes it.
pub(crate) fn check(m: &VulnMatch<'_>, out: &mut Vec<Finding>) {
    let Some(fixed) = &m.fixed else { return };
    out.push(m.finding(
        &META,
        format!("{} — fixed in {fixed}{}", m.described, m.tail),
        upgrade_hint(m.package, fixed),
    ));
}

/// The package manager's way to get `fixed` (or a later version) of the package.
fn upgrade_hint(p: &Package, fixed: &str) -> String {
    let n = &p.name;
    match p.kind {
        Kind::Dpkg => format!("upgrade {n} to {fixed} or later: rebuild with `--pull` or `apt-get install --only-upgrade {n}`"),
        Kind::Apk => format!("upgrade {n} to {fixed} or later: rebuild with `--pull` or `apk upgrade --no-cache {n}`"),
        Kind::Rpm => format!("upgrade {n} to {fixed} or later: rebuild with `--pull` or `dnf upgrade -y {n}`"),
        Kind::Python => format!("require {n}>={fixed} (pip install '{n}>={fixed}')"),
        Kind::Npm => format!("upgrade {n} to {fixed} or later (npm install {n}@^{fixed})"),
        Kind::Go | Kind::GoStdlib => format!("upgrade {n} to v{} or later and rebuild the binary", fixed.trim_start_matches('v')),
        Kind::Cargo => format!("upgrade {n} to {fixed} or later (cargo update -p {n}) and rebuild the binary"),
        Kind::Maven => format!("upgrade {n} to {fixed} or later in pom.xml/build.gradle"),
        Kind::Gem => format!("upgrade {n} to {fixed} or later (bundle update {n})"),
        Kind::Composer => format!("upgrade {n} to {fixed} or later (composer update {n})"),
    }
}
