//! Helpers shared by the rules: secret findings from engine matches, values in config.

use crate::context::ImageContext;
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
        // A variable *named* like a secret that ships a credential-shaped value is at least
        // medium: the pattern is the defect. Not when the engine lowered the match with a
        // reason (a documented example key, vendor content): that value is no credential.
        let severity = if m.vendor_reason.is_none()
            && name.is_some_and(drydock_secrets::name_suggests_secret)
        {
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

/// Shared by IM001 (present, `meta` IM001's) and IM002 (deleted/overwritten, IM002's).
pub(crate) fn report(
    cx: &ImageContext<'_>,
    out: &mut Vec<Finding>,
    meta: &RuleMeta,
    deleted: bool,
) {
    for (layer, sum) in cx.layers.iter().enumerate() {
        for s in &sum.secrets {
            if cx.fs.deleted_in(layer, &s.path).is_some() != deleted {
                continue;
            }
            let mut sev = s.severity;
            let mut vendor = None;
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
                vendor = Some(format!("OS package `{pkg}`"));
            } else if let Some(area) = package_data_area(&s.path) {
                sev = drydock_secrets::package_owned_severity(s.generic, s.confidence, sev);
                msg.push_str(&format!(
                    "; vendor content: {area} (package-manager data, not application files)"
                ));
                vendor = Some(format!("package-manager data ({area})"));
            } else if let Some(r) = &s.vendor_reason {
                sev = sev.min(Severity::Low);
                msg.push_str(&format!("; vendor content: {r}"));
                vendor = Some(r.to_string());
            }
            let fix = if deleted {
                "Rotate the secret, then rebuild so it never enters a layer (a later `rm` does not remove it from the earlier layer)"
            } else {
                "Rotate the secret and provide it at run time instead of baking it into the image"
            };
            let mut f = Finding::new(
                meta.id,
                sev,
                meta.category,
                msg,
                cx.layer_loc(layer, &s.path),
            )
            .with_confidence(s.confidence)
            .with_evidence(s.evidence.clone())
            .with_fix(fix);
            f.vendor = vendor;
            out.push(f);
        }
    }
}
