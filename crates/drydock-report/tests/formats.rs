//! Every format over the fixed sample report: snapshots plus the properties each format
//! must keep (JSON interface, secrets shown as given, escaping, determinism).

mod common;

use common::*;
use drydock_core::{redact, Category, Finding, Location, Redaction, Severity, SourceSpan};
use drydock_report::{Format, RenderOptions, Report, Target};

fn plain() -> RenderOptions {
    RenderOptions {
        width: Some(100),
        ..RenderOptions::default()
    }
}

fn out(format: Format) -> String {
    render_to_string(format, &sample(), &plain())
}

#[test]
fn snapshot_text() {
    insta::assert_snapshot!("text", out(Format::Text));
}

#[test]
fn snapshot_text_quiet() {
    let opts = RenderOptions {
        quiet: true,
        ..plain()
    };
    insta::assert_snapshot!(
        "text_quiet",
        render_to_string(Format::Text, &sample(), &opts)
    );
}

#[test]
fn snapshot_json() {
    insta::assert_snapshot!("json", out(Format::Json));
}

#[test]
fn snapshot_sarif() {
    insta::assert_snapshot!("sarif", out(Format::Sarif));
}

#[test]
fn snapshot_junit() {
    insta::assert_snapshot!("junit", out(Format::Junit));
}

#[test]
fn snapshot_github() {
    insta::assert_snapshot!("github", out(Format::Github));
}

#[test]
fn snapshot_markdown() {
    insta::assert_snapshot!("markdown", out(Format::Markdown));
}

#[test]
fn snapshot_html() {
    insta::assert_snapshot!("html", out(Format::Html));
}

#[test]
fn json_findings_are_core_serde_exactly() {
    let v: serde_json::Value = serde_json::from_str(&out(Format::Json)).unwrap();
    let got = v["findings"].as_array().unwrap();
    let mut expected = findings();
    assert_eq!(got.len(), expected.len());
    // Every input finding appears, serialized exactly as drydock-core serializes it — except
    // that a known secret quoted in a layer's `created_by` is masked by its evidence.
    let masked = redact(b"npm_xxx", Redaction::Redact).value;
    for mut f in expected.drain(..) {
        if let Location::Layer {
            created_by: Some(c),
            ..
        } = &mut f.location
        {
            *c = c.replace("npm_xxx", &masked);
        }
        let want = serde_json::to_value(&f).unwrap();
        assert!(got.contains(&want), "missing or altered: {want}");
    }
    // The documented interface fields.
    for f in got {
        for k in [
            "rule",
            "severity",
            "category",
            "message",
            "location",
            "fingerprint",
        ] {
            assert!(f.get(k).is_some(), "finding lacks {k}: {f}");
        }
    }
    assert_eq!(v["summary"]["critical"], 3);
    assert_eq!(v["summary"]["failing"], 9);
    assert_eq!(v["version"], "0.1.0");
    assert_eq!(v["scan_date"], "2026-11-27");
    assert_eq!(
        v["targets"][0],
        serde_json::json!({"kind":"dockerfile","path":"Dockerfile"})
    );
    assert_eq!(v["targets"][1]["layers"][1]["empty_layer"], true);
    assert_eq!(v["errors"][0]["target"], "docker-daemon:missing:latest");
    // Findings round-trip into the core model.
    let back: Vec<Finding> = serde_json::from_value(v["findings"].clone()).unwrap();
    assert_eq!(back.len(), got.len());
}

#[test]
fn no_format_leaks_planted_secrets_and_evidence_is_shown_as_given() {
    let report = sample();
    let evidence: Vec<String> = report
        .findings
        .iter()
        .filter_map(|f| f.evidence.as_ref().map(|e| e.value.clone()))
        .collect();
    assert_eq!(evidence.len(), 4);
    for format in Format::ALL {
        let text = render_to_string(format, &report, &plain());
        for secret in [GITHUB_TOKEN, AWS_KEY, SETTINGS_SECRET, "npm_xxx"] {
            assert!(!text.contains(secret), "{format} leaks {secret}");
        }
        // The token's tail must not survive in any partial form either (snippets are masked).
        assert!(
            !text.contains("Abcdefghij012345"),
            "{format} leaks part of the token"
        );
        for ev in &evidence {
            let shown = match format {
                Format::Markdown => drydock_report_markdown_escape(ev),
                _ => ev.clone(),
            };
            assert!(
                text.contains(&shown),
                "{format} does not show evidence {ev} as given"
            );
        }
    }
}

/// Markdown escapes punctuation; the rendered value reads as given.
fn drydock_report_markdown_escape(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if "|\\`*_[]#~!(){}$".contains(c) {
                vec!['\\', c]
            } else {
                vec![c]
            }
        })
        .collect()
}

#[test]
fn evidence_given_unredacted_is_not_re_redacted_and_warning_is_shown() {
    // With --show-secrets the analyzers hand over plain values; reporters show them and warn.
    let mut report = sample();
    for f in &mut report.findings {
        if let Some(e) = &mut f.evidence {
            if e.value.starts_with("ghp_") {
                e.value = GITHUB_TOKEN.into();
            }
        }
    }
    let opts = RenderOptions {
        show_secrets_warning: true,
        ..plain()
    };
    for format in Format::ALL {
        let text = render_to_string(format, &report, &opts);
        let shown = if format == Format::Markdown {
            drydock_report_markdown_escape(GITHUB_TOKEN)
        } else {
            GITHUB_TOKEN.to_string()
        };
        assert!(text.contains(&shown), "{format} hides a value it was given");
        // GitLab Code Quality is a bare array of issues: no place for a warning.
        if format != Format::Gitlab {
            assert!(text.contains("show-secrets"), "{format} lacks the warning");
        }
    }
}

fn hostile_report() -> Report<'static> {
    let mut report = sample();
    report.findings.push(Finding::new(
        "X<1>",
        Severity::Critical,
        Category::Secret,
        "<script>alert(1)</script> | *bold* \u{1b}[31mred\u{1b}[0m\nsecond line, 100%: done",
        Location::Source(SourceSpan {
            path: "ctx/we\"ird,na:me<b>.txt".into(),
            start_line: 3,
            end_line: 3,
            start_column: 1,
            end_column: 2,
        }),
    ));
    report
}

#[test]
fn html_escapes_everything() {
    let html = render_to_string(Format::Html, &hostile_report(), &plain());
    assert!(!html.contains("<script>alert"));
    // Scanned text travels as JSON data with `<`, `>` and `&` escaped, so it cannot close
    // the data block; the page script only sets textContent.
    assert!(html.contains("\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"));
    assert!(!html.contains("<b>.txt"));
    assert!(
        html.contains("we\\\"ird,na:me\\u003cb\\u003e.txt"),
        "{html}"
    );
    assert_eq!(
        html.matches("<script>").count(),
        1,
        "only our own inline script"
    );
    assert_eq!(
        html.matches("</script>").count(),
        2,
        "the data block and the script"
    );
    assert!(!html.contains('\u{1b}'));
    assert!(
        !html.contains("http://") && !html.contains("src=\"http"),
        "no external assets"
    );
    assert!(html.trim_end().ends_with("</html>"));
}

#[test]
fn junit_escapes_xml() {
    let xml = render_to_string(Format::Junit, &hostile_report(), &plain());
    assert!(!xml.contains("<script>") && !xml.contains('\u{1b}'));
    assert!(xml.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(xml.contains("name=\"X&lt;1&gt; ctx/we&quot;ird,na:me&lt;b&gt;.txt:3:1\""));
}

#[test]
fn github_commands_stay_one_line_and_escape_properties() {
    let gh = render_to_string(Format::Github, &hostile_report(), &plain());
    let line = gh
        .lines()
        .find(|l| l.contains("X<1>"))
        .expect("hostile finding rendered");
    assert!(line.starts_with("::error file=ctx/we\"ird%2Cna%3Ame<b>.txt,line=3,endLine=3,col=1,endColumn=2,title=X<1> (critical)::"));
    assert!(line.contains("%0Asecond line, 100%25: done"));
    // Every finding is exactly one command line.
    let commands = gh.lines().filter(|l| l.starts_with("::")).count();
    assert_eq!(
        commands,
        hostile_report().findings.len() + 1 /* scan error */ + 2 /* warning, ignore entry */
    );
    // Image findings have no file property, Dockerfile findings do.
    assert!(gh.contains("::error file=Dockerfile,line=4,endLine=4,col=5,endColumn=56,title=DF010 (critical)%3A Secret value in ENV::"));
    assert!(gh.contains("::notice title=IM030"));
}

#[test]
fn text_neutralises_terminal_escapes_and_colours_only_when_asked() {
    let report = hostile_report();
    let plain_text = render_to_string(Format::Text, &report, &plain());
    assert!(
        !plain_text.contains('\u{1b}'),
        "escape sequence reached the terminal"
    );
    assert!(plain_text.contains("\\u{1b}[31mred"));
    let coloured = render_to_string(
        Format::Text,
        &report,
        &RenderOptions {
            color: true,
            ..plain()
        },
    );
    assert!(coloured.contains("\u{1b}["));
    // The only escapes are our own styles: the hostile one stays neutralised.
    assert!(!coloured.contains("\u{1b}[31mred"));
}

#[test]
fn markdown_cells_cannot_break_tables() {
    let md = render_to_string(Format::Markdown, &hostile_report(), &plain());
    let row = md
        .lines()
        .find(|l| l.contains("X<1>") || l.contains("X&lt;1&gt;"))
        .unwrap();
    assert!(row.contains("&lt;script&gt;"));
    assert!(row.contains("\\| \\*bold\\*"));
    // A table row is one line with exactly five unescaped pipes.
    let pipes = row.replace("\\|", "").matches('|').count();
    assert_eq!(pipes, 5, "{row}");
}

#[test]
fn output_does_not_depend_on_input_order() {
    let mut reversed = sample();
    reversed.findings.reverse();
    for format in Format::ALL {
        assert_eq!(
            render_to_string(format, &sample(), &plain()),
            render_to_string(format, &reversed, &plain()),
            "{format}"
        );
    }
}

#[test]
fn verdict_and_threshold() {
    let mut report = sample();
    assert!(report.fails());
    report.fail_on = Some(Severity::Critical);
    assert_eq!(report.summary().failing, 3);
    report.findings.retain(|f| f.severity < Severity::Critical);
    report.errors.clear();
    assert!(!report.fails());
    let text = render_to_string(Format::Text, &report, &plain());
    assert!(text
        .trim_end()
        .ends_with("passed: no finding at or above critical (--fail-on critical)"));
    let xml = render_to_string(Format::Junit, &report, &plain());
    assert!(!xml.contains("<failure"));
    assert!(xml.contains("<skipped"));
}

/// `--fail-on none`: every format says there is no gate, none claims a failure.
#[test]
fn fail_on_none_gates_nothing() {
    let mut report = sample();
    report.fail_on = None;
    report.errors.clear();
    assert!(!report.fails());
    assert_eq!(report.summary().failing, 0);
    let text = render_to_string(Format::Text, &report, &plain());
    assert!(
        text.contains("(--fail-on none: no finding fails the run)"),
        "{text}"
    );
    let html = render_to_string(Format::Html, &report, &plain());
    assert!(
        html.contains("fail on none") && !html.contains("FAILED"),
        "{html}"
    );
    let json = render_to_string(Format::Json, &report, &plain());
    assert!(json.contains("\"fail_on\": \"none\""), "{json}");
    let xml = render_to_string(Format::Junit, &report, &plain());
    assert!(!xml.contains("<failure"));
    let gh = render_to_string(Format::Github, &report, &plain());
    assert!(!gh.contains("::error"), "{gh}");
}

/// A target that could not be scanned never reads as "passed" (the exit code is 2).
#[test]
fn unscanned_targets_are_not_a_pass() {
    let mut report = sample();
    report.findings.clear();
    assert!(!report.errors.is_empty());
    let text = render_to_string(Format::Text, &report, &plain());
    assert!(!text.contains("passed"), "{text}");
    assert!(
        text.contains("incomplete: no finding at or above high"),
        "{text}"
    );
    report.fail_on = None;
    let text = render_to_string(Format::Text, &report, &plain());
    assert!(text.contains("could not be scanned"), "{text}");
}

#[test]
fn findings_are_assigned_to_their_targets() {
    let report = sample();
    let by_rule = |id: &str| {
        let f = report.findings.iter().find(|f| f.rule == id).unwrap();
        report.target_of(f).map(|i| report.targets[i].kind())
    };
    assert_eq!(by_rule("DF010"), Some("dockerfile"));
    assert_eq!(by_rule("IM010"), Some("image"));
    assert_eq!(by_rule("VU001"), Some("image"));
    assert_eq!(by_rule("SE001"), Some("files"));
    assert_eq!(by_rule("RT001"), None);
    // A platform-specific finding does not land on another platform's image.
    let mut other = report
        .findings
        .iter()
        .find(|f| f.rule == "VU001")
        .unwrap()
        .clone();
    other.platform = Some("linux/arm64".into());
    assert_eq!(report.target_of(&other), None);
    assert!(matches!(report.targets[2], Target::Files { .. }));
    // A build-context file beside a Dockerfile goes to that Dockerfile when no tree claims it.
    let mut ctx = report
        .findings
        .iter()
        .find(|f| f.rule == "DF060")
        .unwrap()
        .clone();
    ctx.location = Location::Source(SourceSpan {
        path: "other/.env".into(),
        start_line: 1,
        end_line: 1,
        start_column: 1,
        end_column: 1,
    });
    let r2 = Report {
        targets: vec![
            Target::Dockerfile {
                path: "Dockerfile".into(),
                source: String::new(),
            },
            Target::Dockerfile {
                path: "other/Dockerfile".into(),
                source: String::new(),
            },
        ],
        ..sample()
    };
    assert_eq!(r2.target_of(&ctx), Some(1));
}

#[test]
fn empty_report_renders_everywhere() {
    let report = Report {
        tool_version: "0.1.0",
        information_uri: None,
        scan_date: "2026-11-27".into(),
        targets: vec![Target::Files { root: ".".into() }],
        findings: vec![],
        rules: &lookup,
        fail_on: Some(Severity::High),
        errors: vec![],
        warnings: vec![],
        suppressions: vec![],
    };
    for format in Format::ALL {
        let s = render_to_string(format, &report, &plain());
        assert!(!s.is_empty(), "{format}");
    }
    let text = render_to_string(Format::Text, &report, &plain());
    assert_eq!(text, "scanned 1 directory: .\n0 findings: 0 critical, 0 high, 0 medium, 0 low, 0 info\npassed: no finding at or above high (--fail-on high)\n");
}

#[test]
fn format_names_parse() {
    for f in Format::ALL {
        assert_eq!(f.as_str().parse::<Format>().unwrap(), f);
    }
    assert_eq!("md".parse::<Format>().unwrap(), Format::Markdown);
    assert!("yaml"
        .parse::<Format>()
        .unwrap_err()
        .contains("unknown format `yaml`"));
}

fn render_to_string(
    format: Format,
    report: &drydock_report::Report,
    opts: &RenderOptions,
) -> String {
    drydock_report::render_to_string(format, report, opts).expect("rendering into memory")
}

#[test]
fn sarif_line_hashes_tell_apart_findings_in_one_image_file() {
    let mut report = sample();
    let first = report
        .findings
        .iter()
        .find(|f| matches!(f.location, Location::Layer { .. }) && f.evidence.is_some())
        .cloned()
        .unwrap();
    // A second secret of the same rule in the same file.
    let second = first
        .clone()
        .with_evidence(redact(b"AKIAZ3MSJV7MRCQN4XPF", Redaction::Redact));
    assert_ne!(first.fingerprint, second.fingerprint);
    report.findings.push(second);
    let v: serde_json::Value =
        serde_json::from_str(&render_to_string(Format::Sarif, &report, &plain())).unwrap();
    let hashes: Vec<&str> = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ruleId"] == first.rule.as_str())
        .map(|r| {
            r["partialFingerprints"]["primaryLocationLineHash"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(hashes.len(), 2, "{hashes:?}");
    assert_ne!(hashes[0], hashes[1]);
}

#[test]
fn run_warnings_and_ignore_counts_reach_every_format_that_can_hold_them() {
    let report = sample();
    for format in Format::ALL {
        let text = render_to_string(format, &report, &plain());
        if format == Format::Gitlab {
            continue;
        }
        assert!(
            text.contains("no vulnerability database"),
            "{format} does not say the database was missing"
        );
        // JSON carries the count as data (checked below).
        assert!(
            format == Format::Json || text.contains("2 findings suppressed"),
            "{format} does not say what the ignore entry suppressed"
        );
    }
    let json: serde_json::Value =
        serde_json::from_str(&render_to_string(Format::Json, &report, &plain())).unwrap();
    assert_eq!(json["warnings"][0]["kind"], "vuln-db-missing");
    assert_eq!(json["warnings"][0]["target"], IMAGE);
    assert_eq!(json["suppressed"][0]["suppressed"], 2);
    assert_eq!(json["fingerprint_version"], 2);
    let sarif: serde_json::Value =
        serde_json::from_str(&render_to_string(Format::Sarif, &report, &plain())).unwrap();
    let notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert!(notes.iter().any(|n| n["level"] == "warning"
        && n["descriptor"]["id"] == "vuln-db-missing"
        && n["message"]["text"]
            .as_str()
            .unwrap()
            .contains("no vulnerability database")));
    let junit = render_to_string(Format::Junit, &report, &plain());
    let out = junit
        .split("<system-out>")
        .nth(1)
        .expect("junit system-out");
    assert!(out.contains("no vulnerability database"), "{junit}");
    let gh = render_to_string(Format::Github, &report, &plain());
    assert!(gh
        .lines()
        .any(|l| l.starts_with("::warning title=drydock::")
            && l.contains("no vulnerability database")));
}

#[test]
fn text_leaves_errors_to_stderr_when_asked() {
    let report = sample();
    let with = render_to_string(Format::Text, &report, &plain());
    assert!(with.contains("cannot scan docker-daemon:missing:latest"));
    let opts = RenderOptions {
        errors_on_stderr: true,
        ..plain()
    };
    let without = render_to_string(Format::Text, &report, &opts);
    assert!(!without.contains("cannot scan docker-daemon:missing:latest"));
    assert!(
        without.contains("could not be scanned"),
        "the verdict still says so"
    );
}

#[test]
fn gitlab_code_quality_has_the_required_fields_and_types() {
    let report = sample();
    let text = render_to_string(Format::Gitlab, &report, &plain());
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let issues = v.as_array().expect("top level is an array");
    assert_eq!(issues.len(), report.findings.len());
    let mut prints = std::collections::HashSet::new();
    for i in issues {
        assert!(
            i["description"].as_str().is_some_and(|s| !s.is_empty()),
            "{i}"
        );
        assert!(
            i["check_name"].as_str().is_some_and(|s| !s.is_empty()),
            "{i}"
        );
        let fp = i["fingerprint"].as_str().unwrap();
        assert!(prints.insert(fp.to_string()), "fingerprint {fp} repeats");
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&i["severity"].as_str().unwrap()),
            "{i}"
        );
        assert!(
            i["location"]["path"]
                .as_str()
                .is_some_and(|s| !s.is_empty()),
            "{i}"
        );
        assert!(
            i["location"]["lines"]["begin"]
                .as_u64()
                .is_some_and(|n| n >= 1),
            "{i}"
        );
    }
    let df = issues
        .iter()
        .find(|i| i["location"]["path"] == "Dockerfile" && i["check_name"] == "DF010")
        .expect("Dockerfile finding");
    let line = report
        .findings
        .iter()
        .find_map(|f| match (&f.location, f.rule.as_str()) {
            (Location::Source(s), "DF010") => Some(s.start_line as u64),
            _ => None,
        })
        .unwrap();
    assert_eq!(df["location"]["lines"]["begin"], line);
    let critical = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Critical)
        .count();
    assert_eq!(
        issues.iter().filter(|i| i["severity"] == "blocker").count(),
        critical
    );
}
