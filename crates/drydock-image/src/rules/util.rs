//! Helpers shared by the rules: secret findings from engine matches, values in config.

use crate::scan::ImageContext;
use drydock_core::redact::{redact, Redaction};
use drydock_core::{Finding, Location, RuleMeta, Severity};
use drydock_secrets::{ContentKind, Engine, ScanContext};

/// Secret findings for a config value (Env value, label value, build arg) or command line.
/// Returns the sha256 fingerprints of the secrets found (for de-duplication).
#[allow(clippy::too_many_arguments)]
pub fn value_secrets(
    meta: &RuleMeta,
    engine: &Engine,
    redaction: Redaction,
    text: &str,
    name: Option<&str>,
    kind: ContentKind,
    loc: &Location,
    what: &str,
    out: &mut Vec<Finding>,
) -> Vec<String> {
    let cx = ScanContext {
        path: None,
        name,
        owner_package: None,
        kind,
    };
    let mut seen = Vec::new();
    for m in engine.scan(text.as_bytes(), &cx) {
        let secret = text.as_bytes().get(m.secret.clone()).unwrap_or_default();
        let ev = redact(secret, redaction);
        if seen.contains(&ev.sha256) {
            continue;
        }
        seen.push(ev.sha256.clone());
        // A documented example value is reported low, but a variable *named* like a secret
        // that ships a credential-shaped value is at least medium: the pattern is the defect.
        let severity = if name.is_some_and(drydock_secrets::name_suggests_secret) {
            m.severity.max(Severity::Medium)
        } else {
            m.severity
        };
        out.push(
            Finding::new(
                meta.id,
                severity,
                meta.category,
                format!("{} in {what}", m.kind()),
                loc.clone(),
            )
            .with_confidence(m.confidence)
            .with_evidence(ev),
        );
    }
    seen
}

/// A value that only *looks* like a placeholder or reference, not a secret.
pub fn is_placeholder(v: &str) -> bool {
    let v = v.trim();
    v.is_empty()
        || v.len() < 4
        || v.starts_with('$')
        || v.starts_with('/')
        || v.starts_with("file:")
        || v.eq_ignore_ascii_case("changeme")
        || v.eq_ignore_ascii_case("none")
        || v.eq_ignore_ascii_case("null")
        || v.eq_ignore_ascii_case("true")
        || v.eq_ignore_ascii_case("false")
        || v.chars().all(|c| c == '*' || c == 'x' || c == 'X')
}

/// A secret-named variable holding a non-placeholder value.
pub fn named_secret_finding(
    meta: &RuleMeta,
    redaction: Redaction,
    name: &str,
    value: &str,
    loc: &Location,
    what: &str,
) -> Option<Finding> {
    if !drydock_secrets::name_suggests_secret(name) || is_placeholder(value) {
        return None;
    }
    Some(
        Finding::new(
            meta.id,
            Severity::Medium,
            meta.category,
            format!("{what} `{name}` has a secret-looking name and a value baked into the image"),
            loc.clone(),
        )
        .with_confidence(drydock_core::Confidence::Medium)
        .with_evidence(redact(value.as_bytes(), redaction)),
    )
}

/// "still extractable from layer N" wording for removed versions.
pub fn removal_note(cx: &ImageContext<'_>, layer: usize, path: &str) -> String {
    match cx.fs.deleted_in(layer, path) {
        Some(d) => format!(
            " (deleted or overwritten in layer {d}, but still extractable from layer {layer})"
        ),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_named_env_with_example_value_is_at_least_medium() {
        let loc = Location::Config {
            image: "img".into(),
            field: "Env".into(),
        };
        let meta = &crate::rules::im005_env_secret::META;
        let mut out = Vec::new();
        let text = "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        value_secrets(
            meta,
            Engine::builtin(),
            Redaction::Redact,
            text,
            Some("AWS_SECRET_ACCESS_KEY"),
            ContentKind::Value,
            &loc,
            "Env",
            &mut out,
        );
        assert!(
            !out.is_empty(),
            "documented example key not reported at all"
        );
        assert!(
            out.iter().all(|f| f.severity >= Severity::Medium),
            "{out:?}"
        );
        let mut plain = Vec::new();
        value_secrets(
            meta,
            Engine::builtin(),
            Redaction::Redact,
            text,
            Some("EXAMPLE_TEXT"),
            ContentKind::Value,
            &loc,
            "Env",
            &mut plain,
        );
        assert!(plain.iter().all(|f| f.severity <= out[0].severity));
    }
}
