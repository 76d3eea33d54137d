use super::VulnMatch;
use drydock_core::rule::Target;
use drydock_core::Finding;
use drydock_core::{Category, RuleMeta, Severity};

pub const META: RuleMeta = RuleMeta {
    id: "VU002",
    name: "vulnerable-package-no-fix",
    target: Target::Vulnerability,
    category: Category::Vulnerability,
    severity: Severity::Medium,
    title: "Installed package has a known vulnerability with no fixed version yet",
    explanation: r#"
A package installed in the image is affected by a published advisory, but the ecosystem has
not released a fixed version (the advisory has no `fixed` event for this package, or the
distribution has decided not to fix it in this release). Severity is the advisory's own, as
for VU001.

## Why is this bad?
The vulnerability is real and present; you cannot upgrade it away today, so the decision is
whether the package needs to be in the image at all and whether the vulnerable feature is
reachable. Unfixed advisories in an old or end-of-life distribution release often mean the
release no longer gets fixes: rebuilding on a supported release is then the fix.

## How to fix
- Remove the package if the image does not need it (multi-stage builds, `--no-install-recommends`,
  distroless or minimal bases shrink the set of packages).
- Move to a newer distribution release or a base that has fixed it.
- If it is not exploitable in your context, accept it explicitly: `--ignore VU002` (or a
  narrower ignore in the config) so the decision is visible in review.

## Example
```text
VU002 medium  libtiff6 4.5.0-6: CVE-2023-6277 — no fixed version in Debian:12 yet
```

## References
- https://ossf.github.io/osv-schema/#affectedranges-field
- https://security-tracker.debian.org/tracker/
"#,
    references: &["https://ossf.github.io/osv-schema/#affectedranges-field"],
    equivalents: &["trivy:vulnerability(unfixed)"],
    default_enabled: true,
};

/// A matched advisory with no fixed version in the ecosystem yet.
pub(crate) fn check(m: &VulnMatch<'_>, out: &mut Vec<Finding>) {
    if m.fixed.is_some() {
        return;
    }
    out.push(m.finding(
        &META,
        format!("{} — no fixed version in {} yet{}", m.described, m.ecosystem, m.tail),
        "no fixed version yet: remove the package if unused, or move to a base/release that fixed it".to_string(),
    ));
}
