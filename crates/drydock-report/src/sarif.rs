//! SARIF 2.1.0 as GitHub code scanning reads it: one run, `tool.driver.rules` for every rule
//! that has a result (help text from the rule's explanation, `security-severity`), results
//! with `ruleIndex`, regions for source locations, logical locations + properties for image
//! locations, and `partialFingerprints`.

use crate::util::{location_text, location_text_with, uri_path};
use crate::{RenderOptions, View};
use drydock_core::{Finding, Location, RuleMeta, Severity};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{self, Write};

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// GitHub maps security-severity to critical ≥ 9.0, high 7.0–8.9, medium 4.0–6.9, low < 4.
pub fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// The first paragraph of the `## Why is this bad?` section, else of the explanation.
fn first_paragraph(md: &str) -> Option<String> {
    let body = match md.find("## Why is this bad?") {
        Some(i) => &md[i + "## Why is this bad?".len()..],
        None => md,
    };
    let para: Vec<&str> = body
        .lines()
        .map(str::trim)
        .skip_while(|l| l.is_empty() || l.starts_with('#'))
        .take_while(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    (!para.is_empty()).then(|| para.join(" "))
}

fn rule_json(id: &str, meta: Option<&RuleMeta>, seen: Severity) -> Value {
    let Some(m) = meta else {
        // A finding of a rule the registry does not know: still a valid, minimal entry.
        return json!({
            "id": id,
            "shortDescription": {"text": id},
            "defaultConfiguration": {"level": level(seen)},
            "properties": {"tags": ["security"], "security-severity": security_severity(seen)},
        });
    };
    let mut help_md = m.explanation.trim().to_string();
    if !m.references.is_empty() && !help_md.contains("## References") {
        help_md.push_str("\n\n## References\n");
        for r in m.references {
            help_md.push_str(&format!("- {r}\n"));
        }
    }
    let mut rule = json!({
        "id": m.id,
        "name": m.name,
        "shortDescription": {"text": m.title},
        "fullDescription": {"text": first_paragraph(m.explanation).unwrap_or_else(|| m.title.to_string())},
        "help": {
            "text": format!("{}\n\n{}\n\nRun `drydock explain {}` for details.", m.title, help_md, m.id),
            "markdown": format!("**{}** (`{}`)\n\n{}", m.title, m.id, help_md),
        },
        "defaultConfiguration": {"level": level(m.severity)},
        "properties": {
            "tags": [m.category.as_str(), "security"],
            // GitHub ranks alerts by the rule's value: use the severity the results really
            // have (after `--severity` overrides), not only the default.
            "security-severity": security_severity(seen),
            "precision": "high",
        },
    });
    if let Some(uri) = m.references.iter().find(|r| r.starts_with("https://")) {
        rule["helpUri"] = json!(uri);
    }
    if !m.equivalents.is_empty() {
        rule["properties"]["equivalents"] = json!(m.equivalents);
    }
    rule
}

/// GitHub's own fingerprint is a hash of the flagged line's text; ours hashes what we know
/// (the source line when we have it, else the location identity) plus the rule.
fn line_hash(view: &View, f: &Finding) -> String {
    let mut h = Sha256::new();
    h.update(f.rule.as_bytes());
    h.update([0]);
    match &f.location {
        Location::Source(s) => {
            let line = view
                .source_for(&s.path)
                .and_then(|src| src.lines().nth(s.start_line.saturating_sub(1)));
            match line {
                Some(l) => h.update(l.split_whitespace().collect::<Vec<_>>().join(" ")),
                None => h.update(f.location.identity()),
            }
        }
        other => {
            // Several findings of one rule in one image file (two secrets in a `.env`) have
            // the same location: the fingerprint keeps GitHub from merging them.
            h.update(other.identity());
            h.update([0]);
            h.update(f.fingerprint.as_bytes());
        }
    }
    format!("{}:1", hex::encode(&h.finalize()[..8]))
}

fn source_location_json(s: &drydock_core::SourceSpan) -> Value {
    let mut region = json!({"startLine": s.start_line.max(1)});
    if s.start_column > 0 {
        region["startColumn"] = json!(s.start_column);
    }
    region["endLine"] = json!(s.end_line.max(s.start_line).max(1));
    if s.end_column > 0 {
        // SARIF's endColumn is exclusive, ours inclusive.
        region["endColumn"] = json!(s.end_column + 1);
    }
    // Relative paths are relative to where drydock ran (GitHub wants repository-relative
    // URIs); an absolute path becomes a file URI.
    let artifact = if s.path.starts_with('/') {
        json!({"uri": format!("file://{}", uri_path(&s.path))})
    } else {
        json!({"uri": uri_path(s.path.trim_start_matches("./")), "uriBaseId": "%SRCROOT%"})
    };
    json!({"physicalLocation": {
        "artifactLocation": artifact,
        "region": region,
    }})
}

/// SARIF `fixes[]`: the replacements `drydock fix` would make in the finding's file. A fix
/// that needs the registry (a digest pin) has no replacements yet and is left out (SARIF
/// requires at least one); the result's message still says it is fixable.
fn fixes_json(f: &Finding) -> Option<Value> {
    let fix = f.autofix.as_ref().filter(|a| !a.replacements.is_empty())?;
    let artifact = location_json(f)
        .pointer("/physicalLocation/artifactLocation")
        .cloned()?;
    let replacements: Vec<Value> = fix
        .replacements
        .iter()
        .map(|r| {
            json!({
                "deletedRegion": {
                    "startLine": r.start_line,
                    "startColumn": r.start_column,
                    "endLine": r.end_line,
                    "endColumn": r.end_column,
                },
                "insertedContent": {"text": r.inserted},
            })
        })
        .collect();
    Some(json!([{
        "description": {"text": fix.description},
        "artifactChanges": [{
            "artifactLocation": artifact,
            "replacements": replacements,
        }],
    }]))
}

fn location_json(f: &Finding) -> Value {
    match &f.location {
        Location::Source(s) => source_location_json(s),
        Location::Layer { image, path, .. } => json!({
            "physicalLocation": {
                "artifactLocation": {"uri": uri_path(&format!("{image}/{}", path.trim_start_matches('/')))},
                "region": {"startLine": 1},
            },
            "logicalLocations": [{
                "name": path,
                "fullyQualifiedName": location_text_with(f, true),
                "kind": "resource",
            }],
        }),
        Location::Config { image, field } => json!({
            "physicalLocation": {
                "artifactLocation": {"uri": uri_path(image)},
                "region": {"startLine": 1},
            },
            "logicalLocations": [{
                "name": field,
                "fullyQualifiedName": format!("{image}#{field}"),
                "kind": "member",
            }],
        }),
        Location::Package {
            image,
            package,
            path,
            ..
        } => json!({
            "physicalLocation": {
                "artifactLocation": {"uri": uri_path(&format!("{image}/{}", path.trim_start_matches('/')))},
                "region": {"startLine": 1},
            },
            "logicalLocations": [{
                "name": package,
                "fullyQualifiedName": location_text_with(f, true),
                "kind": "package",
            }],
        }),
        Location::Container { container, field } => json!({
            "physicalLocation": {
                "artifactLocation": {"uri": uri_path(container)},
                "region": {"startLine": 1},
            },
            "logicalLocations": [{
                "name": field,
                "fullyQualifiedName": format!("{container}#{field}"),
                "kind": "member",
            }],
        }),
    }
}

fn message_text(f: &Finding) -> String {
    let mut m = f.message.clone();
    if !matches!(f.location, Location::Source(_)) {
        m = format!("{m} ({})", location_text(f));
    }
    if let Some(ev) = &f.evidence {
        m.push_str(&format!(" Evidence: {}", ev.value));
    }
    if let Some(fix) = crate::util::fix_text(f) {
        m.push_str(&format!(" Fix: {fix}"));
    }
    m
}

pub fn render(view: &View, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let r = view.report;
    // Rules in id order; each entry's security-severity is the highest severity seen.
    let mut seen: BTreeMap<&str, Severity> = BTreeMap::new();
    for f in view.findings() {
        let e = seen.entry(f.rule.as_str()).or_insert(f.severity);
        *e = (*e).max(f.severity);
    }
    let index: BTreeMap<&str, usize> = seen.keys().enumerate().map(|(i, k)| (*k, i)).collect();
    let rules: Vec<Value> = seen
        .iter()
        .map(|(id, sev)| rule_json(id, view.rule(id), *sev))
        .collect();

    let results: Vec<Value> = view
        .findings()
        .map(|f| {
            let mut props = Map::new();
            props.insert("severity".into(), json!(f.severity));
            props.insert("category".into(), json!(f.category));
            props.insert(
                "security-severity".into(),
                json!(security_severity(f.severity)),
            );
            match &f.location {
                Location::Source(_) => {}
                other => {
                    props.insert(
                        "location".into(),
                        serde_json::to_value(other).unwrap_or_default(),
                    );
                }
            }
            if let Some(ev) = &f.evidence {
                props.insert(
                    "evidence".into(),
                    serde_json::to_value(ev).unwrap_or_default(),
                );
            }
            if let Some(v) = &f.vulnerability {
                props.insert(
                    "vulnerability".into(),
                    serde_json::to_value(v).unwrap_or_default(),
                );
            }
            if let Some(p) = &f.platform {
                props.insert("platform".into(), json!(p));
            }
            if let Some(c) = &f.confidence {
                props.insert("confidence".into(), json!(c));
            }
            if !f.also.is_empty() {
                props.insert("also".into(), json!(f.also));
            }
            let mut result = json!({
                "ruleId": f.rule,
                "ruleIndex": index[f.rule.as_str()],
                "level": level(f.severity),
                "message": {"text": message_text(f)},
                "locations": [location_json(f)],
                "partialFingerprints": {
                    "primaryLocationLineHash": line_hash(view, f),
                    "drydock/v1": f.fingerprint,
                },
                "properties": props,
            });
            // The Dockerfile instruction behind an image finding (docs/correlation.md).
            if let Some(d) = &f.dockerfile_location {
                let mut rel = source_location_json(d);
                rel["id"] = json!(1);
                rel["message"] = json!({"text": "the Dockerfile instruction that made this"});
                result["relatedLocations"] = json!([rel]);
            }
            if let Some(fix) = fixes_json(f) {
                result["fixes"] = fix;
            }
            result
        })
        .collect();

    let mut driver = json!({
        "name": "drydock",
        "version": r.tool_version,
        "semanticVersion": r.tool_version,
        "rules": rules,
    });
    if let Some(uri) = r.information_uri {
        driver["informationUri"] = json!(uri);
    }
    let mut notifications: Vec<Value> = r
        .errors
        .iter()
        .map(|e| {
            json!({
                "level": "error",
                "message": {"text": format!("cannot scan {}: {}", e.target, e.message)},
            })
        })
        .collect();
    for w in view.warnings(opts) {
        let mut n = json!({
            "level": "warning",
            "message": {"text": w.to_string()},
            "descriptor": {"id": w.kind.as_str()},
        });
        if let Some(t) = &w.target {
            n["properties"] = json!({"target": t});
        }
        notifications.push(n);
    }
    for s in view.suppression_lines() {
        notifications.push(json!({"level": "note", "message": {"text": format!("ignore entry {s}")}, "descriptor": {"id": "ignore-entry"}}));
    }
    let mut run_props = json!({
        "scanDate": r.scan_date,
        "failOn": r.fail_on_str(),
        "failed": view.summary.failing > 0,
    });
    if opts.show_secrets_warning {
        run_props["secretsShown"] = json!(true);
    }
    let doc = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "invocations": [{
                "executionSuccessful": r.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The directory drydock was run from."}}},
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": run_props,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_paragraph_of_why() {
        let md = "## Why is this bad?\n\nBuild args\nare visible.\n\nMore.\n## How to fix\nx";
        assert_eq!(first_paragraph(md).unwrap(), "Build args are visible.");
        assert_eq!(
            first_paragraph("Plain text.\n\nNext").unwrap(),
            "Plain text."
        );
        assert_eq!(first_paragraph(""), None);
    }
}
