//! The compact views a person reads: `--format table` and the grouped default text view
//! (repeats of a rule folded and capped, informational and vendor-owned findings summed up).

mod common;

use common::*;
use drydock_core::{Category, Finding, Location, Severity, VulnerabilityInfo};
use drydock_report::{render_to_string, Format, RenderOptions, Report, Target};

fn plain() -> RenderOptions {
    RenderOptions {
        width: Some(100),
        ..RenderOptions::default()
    }
}

const MANY_DF: &str = "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\nRUN echo 1\nRUN echo 2\nRUN echo 3\nRUN echo 4\nRUN echo 5\nRUN echo 6\nRUN echo 7\nCMD python app.py\n";

fn vuln(pkg: &str, version: &str, id: &str, sev: Severity, fixed: Option<&str>) -> Finding {
    Finding::new(
        "VU001",
        sev,
        Category::Vulnerability,
        format!("{pkg} {version} is affected by {id}"),
        Location::Package {
            image: IMAGE.into(),
            package: pkg.into(),
            version: version.into(),
            path: "var/lib/dpkg/status".into(),
            layer: Some(0),
        },
    )
    .with_vulnerability(VulnerabilityInfo {
        id: id.into(),
        aliases: vec![],
        package: pkg.into(),
        installed_version: version.into(),
        fixed_version: fixed.map(String::from),
        ecosystem: "Debian:12".into(),
    })
}

/// Two Dockerfiles with the same rule in many places, informational findings, an image with
/// a vendor-owned key and several advisories on the same packages.
fn busy() -> Report<'static> {
    let mut findings = Vec::new();
    for path in ["svc-a/Dockerfile", "svc-b/Dockerfile"] {
        for line in 2..=10 {
            findings.push(Finding::from_rule(
                meta("DF040"),
                format!("RUN on line {line} could be merged with its neighbours"),
                src(path, line, 1, line, 10),
            ));
        }
        findings.push(Finding::from_rule(
            meta("DF041"),
            "no HEALTHCHECK in the final stage",
            src(path, 1, 1, 1, 14),
        ));
        findings.push(Finding::from_rule(
            meta("DF020"),
            "remote script piped into sh",
            src(path, 3, 1, 3, 27),
        ));
    }
    findings.push(Finding::new(
        "IM020",
        Severity::Low,
        Category::SensitiveFile,
        "private key /usr/share/doc/openssl/test.key; vendor content: the file belongs to OS package `openssl`",
        layer(1, "usr/share/doc/openssl/test.key", None),
    ).with_vendor("OS package `openssl`"));
    findings.push(Finding::from_rule(
        meta("IM001"),
        "the image runs as root",
        cfg("User"),
    ));
    for (id, sev) in [
        ("CVE-2024-0001", Severity::Medium),
        ("CVE-2024-0002", Severity::Critical),
        ("CVE-2024-0003", Severity::Low),
    ] {
        findings.push(vuln("openssl", "3.0.11-1", id, sev, Some("3.0.14-1")));
    }
    findings.push(vuln(
        "zlib1g",
        "1.2.13",
        "CVE-2023-45853",
        Severity::High,
        None,
    ));
    Report {
        tool_version: "0.1.0",
        information_uri: None,
        scan_date: "2026-11-27".into(),
        targets: vec![
            Target::Dockerfile {
                path: "svc-a/Dockerfile".into(),
                source: MANY_DF.into(),
            },
            Target::Dockerfile {
                path: "svc-b/Dockerfile".into(),
                source: MANY_DF.into(),
            },
            Target::Dockerfile {
                path: "svc-c/Dockerfile".into(),
                source: "FROM scratch\n".into(),
            },
            Target::Image {
                name: IMAGE.into(),
                summary: image_summary(),
            },
        ],
        findings,
        rules: &lookup,
        fail_on: Some(Severity::High),
        errors: vec![],
        warnings: vec![],
        suppressions: vec![],
    }
}

fn render(format: Format, report: &Report, opts: &RenderOptions) -> String {
    render_to_string(format, report, opts).unwrap()
}

#[test]
fn snapshot_table_sample() {
    insta::assert_snapshot!("table_sample", render(Format::Table, &sample(), &plain()));
}

#[test]
fn snapshot_table_busy() {
    insta::assert_snapshot!("table_busy", render(Format::Table, &busy(), &plain()));
}

#[test]
fn snapshot_text_grouped() {
    insta::assert_snapshot!("text_grouped", render(Format::Text, &busy(), &plain()));
}

#[test]
fn table_is_one_line_per_finding_and_packages_are_grouped() {
    let report = busy();
    let out = render(Format::Table, &report, &plain());
    let lines: Vec<&str> = out.lines().collect();
    for l in &lines {
        assert!(l.chars().count() <= 100, "line wider than 100: {l:?}");
    }
    // Every non-vulnerability finding is exactly one row naming its rule and place.
    for f in report.findings.iter().filter(|f| f.vulnerability.is_none()) {
        let Location::Source(s) = &f.location else {
            continue;
        };
        let at = format!("{}:{}:{}", s.path, s.start_line, s.start_column);
        let n = lines
            .iter()
            .filter(|l| l.contains(&at) && l.contains(&f.rule))
            .count();
        assert_eq!(n, 1, "{} at {at}", f.rule);
    }
    // Three openssl advisories → one row with the worst severity, all ids and the fix.
    let openssl: Vec<&&str> = lines
        .iter()
        .filter(|l| l.trim_start().starts_with("openssl "))
        .collect();
    assert_eq!(openssl.len(), 1, "{out}");
    for want in [
        "critical",
        "3.0.14-1",
        "CVE-2024-0001",
        "CVE-2024-0002",
        "CVE-2024-0003",
    ] {
        assert!(openssl[0].contains(want), "{want} in {}", openssl[0]);
    }
    assert!(lines
        .iter()
        .any(|l| l.contains("zlib1g") && l.contains("no fix yet")));
    // Rows + 2 header lines per table + a blank between tables + the summary block.
    let rows = report
        .findings
        .iter()
        .filter(|f| f.vulnerability.is_none())
        .count()
        + 2;
    let summary = 1 + 3 + 1 + 2; // blank, 3 targets with findings, 1 clean, totals+verdict
    assert_eq!(lines.len(), rows + 2 + 1 + 2 + summary, "{out}");
    assert!(out.contains("1 target without findings"));
    assert!(out.contains("11 findings (1 high, 9 low, 1 info) in dockerfile svc-a/Dockerfile\n"));
}

#[test]
fn text_folds_repeats_and_hides_noise_until_asked() {
    let report = busy();
    let out = render(Format::Text, &report, &plain());
    // The first DF040 of each file is a full diagnostic (with its explain note), the next
    // five are one line, the last three are counted.
    assert_eq!(
        out.matches("run `drydock explain DF040`").count(),
        2,
        "{out}"
    );
    assert_eq!(out.matches("low[DF040] svc-a/Dockerfile:").count(), 5);
    assert_eq!(
        out.matches("…and 3 more DF040 (use --format json or --all)")
            .count(),
        2
    );
    // Informational and vendor-owned findings are left to one line.
    assert!(!out.contains("DF041"), "{out}");
    assert!(!out.contains("test.key"), "{out}");
    assert!(out.contains(
        "2 informational and 1 vendor-owned findings not shown (use --min-severity info to see them)"
    ));
    assert!(out.contains("scanned 3 Dockerfiles, 1 image\n"));

    let all = render(
        Format::Text,
        &report,
        &RenderOptions {
            all: true,
            show_info: true,
            ..plain()
        },
    );
    assert_eq!(all.matches("run `drydock explain DF040`").count(), 18);
    assert!(!all.contains("more DF040"));
    assert!(all.contains("DF041") && all.contains("test.key"));
    assert!(!all.contains("not shown"));

    // Asking for info shows the noise but keeps repeats folded.
    let info = render(
        Format::Text,
        &report,
        &RenderOptions {
            show_info: true,
            ..plain()
        },
    );
    assert!(info.contains("DF041") && info.contains("test.key"));
    assert!(info.contains("…and 3 more DF040"));
}

#[test]
fn clean_run_says_what_it_scanned() {
    let report = Report {
        findings: vec![],
        ..busy()
    };
    let out = render(Format::Text, &report, &plain());
    assert!(
        out.contains("scanned 3 Dockerfiles, 1 image\n0 findings"),
        "{out}"
    );
    let one = Report {
        targets: vec![Target::Dockerfile {
            path: "Containerfile".into(),
            source: "FROM scratch\n".into(),
        }],
        findings: vec![],
        ..busy()
    };
    let out = render(Format::Text, &one, &plain());
    assert!(
        out.starts_with("scanned 1 Dockerfile: Containerfile\n"),
        "{out}"
    );
    let table = render(Format::Table, &one, &plain());
    assert!(table.contains("1 target without findings"), "{table}");
}

#[test]
fn table_summary_of_many_targets_lists_the_worst_and_counts_the_rest() {
    let mut targets = Vec::new();
    let mut findings = Vec::new();
    for d in 0..30 {
        let path = format!("svc-{d:02}/Dockerfile");
        targets.push(Target::Dockerfile {
            path: path.clone(),
            source: MANY_DF.into(),
        });
        findings.push(Finding::from_rule(
            meta(if d == 29 { "DF020" } else { "DF040" }),
            "x",
            src(&path, 2, 1, 2, 5),
        ));
    }
    let report = Report {
        targets,
        findings,
        ..busy()
    };
    let out = render(Format::Table, &report, &plain());
    // 30 rows + header, then 20 summary lines, the rest counted, totals and verdict.
    assert_eq!(out.lines().count(), 2 + 30 + 1 + 20 + 1 + 2, "{out}");
    let summary: Vec<&str> = out.lines().skip(33).collect();
    assert!(
        summary[0].ends_with("in dockerfile svc-29/Dockerfile"),
        "{out}"
    );
    assert!(
        out.contains("…and 10 more targets with 10 findings"),
        "{out}"
    );
    assert!(out.contains("30 findings"), "{out}");
}

#[test]
fn html_folds_many_warnings_into_one_closed_list() {
    let warnings: Vec<drydock_core::Warning> = (0..9)
        .map(|i| {
            drydock_core::Warning::new(
                drydock_core::WarningKind::Other,
                format!("dir/{i}/Dockerfile:2: base name should not be blank"),
            )
        })
        .collect();
    let report = Report { warnings, ..busy() };
    let html = render_to_string(Format::Html, &report, &plain()).unwrap();
    assert_eq!(html.matches("<div class=\"banner warn\">").count(), 3);
    assert!(html.contains("<summary>6 more warnings</summary>"));
    // Every warning is still in the page.
    for i in 0..9 {
        assert!(html.contains(&format!("dir/{i}/Dockerfile")), "{i}");
    }
}
