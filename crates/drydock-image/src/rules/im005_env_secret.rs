//! IM005: secrets in the config's `Env`.

use super::util::{named_secret_finding, value_secrets};
use crate::context::ImageContext;
use drydock_core::rule::Target;
use drydock_core::{Category, Finding, RuleMeta, Severity};
use drydock_secrets::ContentKind;

pub const META: RuleMeta = RuleMeta {
    id: "IM005",
    name: "secret-in-env",
    target: Target::Image,
    category: Category::Secret,
    severity: Severity::High,
    title: "A secret is set in the image's environment (Env)",
    explanation: r#"
## Why is this bad?
`ENV` values are stored in the image config in plain text: `docker inspect`, `docker
history` and every registry UI show them, and every process in every container started
from the image inherits them (and often logs them in crash reports). A token recognised
by its format, or any non-placeholder value of a variable named like `*_PASSWORD`,
`*_TOKEN`, `*_SECRET`, is reported.

## How to fix
Rotate the secret. Pass it at run time (`docker run -e`, an env file kept outside the
image, Kubernetes secrets) and never with `ENV` or `ARG` in the Dockerfile.

## Example
```dockerfile
# bad
ENV AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
# good: nothing in the image; `docker run -e AWS_SECRET_ACCESS_KEY ...`
```

## References
- https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/
- CIS Docker Benchmark 4.10
"#,
    references: &[
        "https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/",
        "CIS Docker Benchmark 4.10",
    ],
    equivalents: &["dockle:CIS-DI-0010", "trivy:secret"],
    default_enabled: true,
};

pub fn check(cx: &ImageContext<'_>, out: &mut Vec<Finding>) {
    if !cx.secrets {
        return;
    }
    let loc = cx.config_loc("Env");
    for (k, v) in cx.image.config.config.env_pairs() {
        let found = value_secrets(
            &META,
            cx.engine,
            cx.redaction,
            v,
            Some(k),
            ContentKind::Value,
            &loc,
            &format!("Env `{k}`"),
            out,
        );
        if found.is_empty() {
            if let Some(f) = named_secret_finding(&META, cx.redaction, k, v, &loc, "Env variable") {
                out.push(f);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use drydock_core::{Location, Redaction};
    use drydock_secrets::Engine;

    fn scan(text: &str, name: &str) -> Vec<Finding> {
        let loc = Location::Config {
            image: "img".into(),
            field: "Env".into(),
        };
        let mut out = Vec::new();
        value_secrets(
            &META,
            Engine::builtin(),
            Redaction::Redact,
            text,
            Some(name),
            ContentKind::Value,
            &loc,
            "Env",
            &mut out,
        );
        out
    }

    #[test]
    fn secret_named_env_with_credential_value_is_at_least_medium() {
        // A value the engine rates low on its own (a generic high-entropy value) is raised
        // when the variable's name says it is a secret.
        let out = scan("Qm7vR2xT9kLp4sWz", "DB_PASSWORD");
        assert!(!out.is_empty());
        assert!(
            out.iter().all(|f| f.severity >= Severity::Medium),
            "{out:?}"
        );
    }

    #[test]
    fn documented_example_key_stays_info_under_a_secret_name() {
        // AWS's documented example pair is no credential: kept for the record, never raised.
        for (name, text) in [
            (
                "AWS_SECRET_ACCESS_KEY",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            ),
            ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
        ] {
            let out = scan(text, name);
            assert!(!out.is_empty(), "{name}: not kept at all");
            assert!(out.iter().all(|f| f.severity <= Severity::Info), "{out:?}");
        }
    }
}
