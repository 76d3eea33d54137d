//! IM001: a secret in a file of the final filesystem.

use super::util::removal_note;
use crate::scan::ImageContext;
use drydock_core::rule::Target;
use drydock_core::{Category, Finding, RuleMeta, Severity};

pub const META: RuleMeta = RuleMeta {
    id: "IM001",
    name: "secret-in-layer-file",
    target: Target::Image,
    category: Category::Secret,
    severity: Severity::High,
    title: "A secret is baked into a file of the image",
    explanation: r#"
## Why is this bad?
Every file of an image is readable by anyone who can pull it: `docker save`, `crane export`
or `skopeo copy` hand out each layer as a plain tar. A token, password or private key in a
file (a `.env`, a config file, a script) is therefore published with the image, to every
registry mirror, cache and developer laptop that pulls it. Keys that ship inside an OS
package (test vectors, snake-oil certificates) are reported at a lower severity with the
owning package named: they are vendor content, not your secret.

## How to fix
Revoke and rotate the secret first — it has leaked. Then keep secrets out of the build
context (`.dockerignore`), provide them at run time (environment from a secret store,
mounted files, Docker/Kubernetes secrets) and use `RUN --mount=type=secret` for secrets the
build itself needs.

## Example
```dockerfile
# bad: the key is in the image forever
COPY .env /app/.env
# good: mounted only while this step runs
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
```

## References
- https://docs.docker.com/build/building/secrets/
- CIS Docker Benchmark 4.10: Ensure secrets are not stored in Dockerfiles
"#,
    references: &[
        "https://docs.docker.com/build/building/secrets/",
        "CIS Docker Benchmark 4.10",
    ],
    equivalents: &["trivy:secret", "dockle:CIS-DI-0010"],
    default_enabled: true,
};

pub fn check(cx: &ImageContext<'_>, out: &mut Vec<Finding>) {
    report(cx, out, false);
}

/// Package-manager data and documentation trees: text written by distributions, not by
/// the image's author (apt's Translation files quote `--password` examples, man pages…).
pub(crate) fn package_data_area(path: &str) -> Option<&'static str> {
    const AREAS: &[(&str, &str)] = &[
        ("var/lib/apt/lists/", "apt package lists"),
        ("var/cache/apt/", "apt cache"),
        ("var/lib/dpkg/", "dpkg database"),
        ("lib/apk/db/", "apk database"),
        ("var/lib/rpm/", "rpm database"),
        ("usr/share/doc/", "package documentation"),
        ("usr/share/man/", "manual pages"),
        ("usr/share/info/", "info pages"),
        ("usr/share/locale/", "translations"),
    ];
    AREAS
        .iter()
        .find(|(p, _)| path.starts_with(p))
        .map(|(_, a)| *a)
}

/// Shared by IM001 (present) and IM002 (deleted/overwritten).
pub(crate) fn report(cx: &ImageContext<'_>, out: &mut Vec<Finding>, deleted: bool) {
    let meta = if deleted {
        &super::im002_deleted_secret::META
    } else {
        &META
    };
    for (layer, sum) in cx.layers.iter().enumerate() {
        for s in &sum.secrets {
            if cx.fs.deleted_in(layer, &s.path).is_some() != deleted {
                continue;
            }
            let mut sev = s.severity;
            let mut msg = format!(
                "{} in /{} (line {}){}",
                s.rule_name,
                s.path,
                s.line,
                removal_note(cx, layer, &s.path)
            );
            if let Some(pkg) = cx.owner(&s.path) {
                // A generic hit in a package's file is info (kept in JSON with this reason).
                sev = drydock_secrets::package_owned_severity(s.generic, s.confidence, sev);
                msg.push_str(&format!(
                    "; vendor content: the file belongs to OS package `{pkg}`"
                ));
            } else if let Some(area) = package_data_area(&s.path) {
                sev = drydock_secrets::package_owned_severity(s.generic, s.confidence, sev);
                msg.push_str(&format!(
                    "; vendor content: {area} (package-manager data, not application files)"
                ));
            } else if let Some(r) = &s.vendor_reason {
                sev = sev.min(Severity::Low);
                msg.push_str(&format!("; vendor content: {r}"));
            }
            let fix = if deleted {
                "Rotate the secret, then rebuild so it never enters a layer (a later `rm` does not remove it from the earlier layer)"
            } else {
                "Rotate the secret and provide it at run time instead of baking it into the image"
            };
            out.push(
                Finding::new(
                    meta.id,
                    sev,
                    meta.category,
                    msg,
                    cx.layer_loc(layer, &s.path),
                )
                .with_confidence(s.confidence)
                .with_evidence(s.evidence.clone())
                .with_fix(fix),
            );
        }
    }
}
