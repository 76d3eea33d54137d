//! IM006: secrets in the config's `Labels`.

use super::util::{named_secret_finding, value_secrets};
use crate::context::ImageContext;
use drydock_core::rule::Target;
use drydock_core::{Category, Finding, RuleMeta, Severity};
use drydock_secrets::ContentKind;

pub const META: RuleMeta = RuleMeta {
    id: "IM006",
    name: "secret-in-label",
    target: Target::Image,
    category: Category::Secret,
    severity: Severity::High,
    title: "A secret is stored in an image label",
    explanation: r#"
## Why is this bad?
Labels are metadata meant to be read by anyone: registries display them, `docker inspect`
prints them and scanners index them. A password or token in a label is published with
the image.

## How to fix
Rotate the secret and remove the label; labels should carry only public metadata
(`org.opencontainers.image.source`, version, maintainer).

## Example
```dockerfile
# bad
LABEL db.password="hunter2-prod"
# good
LABEL org.opencontainers.image.source="https://github.com/org/app"
```

## References
- https://github.com/opencontainers/image-spec/blob/main/annotations.md
- CIS Docker Benchmark 4.10
"#,
    references: &[
        "https://github.com/opencontainers/image-spec/blob/main/annotations.md",
        "CIS Docker Benchmark 4.10",
    ],
    equivalents: &["trivy:secret"],
    default_enabled: true,
};

pub fn check(cx: &ImageContext<'_>, out: &mut Vec<Finding>) {
    if !cx.secrets {
        return;
    }
    let loc = cx.config_loc("Labels");
    for (k, v) in &cx.image.config.config.labels {
        // Label keys are dotted (`db.password`); the name check wants the last part too.
        let last = k.rsplit(['.', '/']).next().unwrap_or(k);
        let found = value_secrets(
            &META,
            cx.engine,
            cx.redaction,
            v,
            Some(last),
            ContentKind::Value,
            &loc,
            &format!("label `{k}`"),
            out,
        );
        if found.is_empty() {
            let f = named_secret_finding(&META, cx.redaction, k, v, &loc, "label")
                .or_else(|| named_secret_finding(&META, cx.redaction, last, v, &loc, "label"));
            if let Some(f) = f {
                out.push(f);
            }
        }
    }
}
