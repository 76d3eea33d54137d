//! DF003 `secret-in-label`: A secret value is hard-coded in a LABEL

use super::prelude::*;

pub struct SecretInLabel;

pub const META: RuleMeta = RuleMeta {
    id: "DF003",
    name: "secret-in-label",
    target: Target::Dockerfile,
    category: Category::Secret,
    severity: Severity::Critical,
    title: "A secret value is hard-coded in a LABEL",
    explanation: r##"## Why is this bad?
Labels are image metadata: registries, `docker inspect` and every scanner show them to
anyone who can see the image. A credential in a label is public the moment the image is
pushed.

## How to fix
Remove the value from the label and rotate the credential. Labels are for non-secret
metadata (source URL, version, maintainer).

## Example
```dockerfile
# Before
LABEL ci.token="glpat-xxxxxxxxxxxxxxxxxxxx"

# After
LABEL org.opencontainers.image.source="https://github.com/acme/app"
```

## References
- CIS Docker Benchmark 4.10: Ensure secrets are not stored in Dockerfiles
- https://docs.docker.com/reference/dockerfile/#label
"##,
    references: &["https://docs.docker.com/reference/dockerfile/#label"],
    equivalents: &[],
    default_enabled: true,
};

impl Rule for SecretInLabel {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (i, ins) in cx.with_keyword("LABEL") {
            for (key, raw) in kv_pairs(ins) {
                let value = unq(raw);
                for m in cx.scan_value(key, &value) {
                    let Some(secret) = value.get(m.secret.clone()) else {
                        continue;
                    };
                    let span = cx.find_span(i, secret);
                    out.push(
                        cx.finding(
                            &META,
                            span,
                            format!("LABEL `{key}` holds {}; labels are public image metadata", m.with_article()),
                        )
                        .with_evidence(cx.evidence(secret))
                        .with_confidence(m.confidence)
                        .with_fix(format!("Remove the label value and rotate the credential (labels are for non-secret metadata; `{}` must not carry a secret)", key.to_ascii_lowercase())),
                    );
                }
            }
        }
    }
}
