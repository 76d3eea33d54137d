//! The library API: planning keeps the order given, results carry warnings as data, and
//! unscannable targets are errors in the result, not failures of the call.

use drydock_report::Target;
use drydock_scan::{ScanOptions, ScanTarget, Scanner, WarningLevel};

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

#[test]
fn plan_and_scan_keep_order_and_return_warnings_and_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let a = write(tmp.path(), "a/Dockerfile", "FROM ${BASE}\nUSER 10001\n");
    let missing = tmp.path().join("nope/Dockerfile").display().to_string();
    let b = write(tmp.path(), "b/Dockerfile", "FROM alpine:3.20\n");
    let compose = write(
        tmp.path(),
        "c/docker-compose.yml",
        "services:\n  web:\n    image: nginx:1.27\n    privileged: true\n",
    );
    let scanner = Scanner::new(ScanOptions::default()).unwrap();
    let plan = scanner.plan(&[a.clone(), missing.clone(), b.clone(), compose.clone()]);
    assert!(matches!(&plan[0], ScanTarget::Dockerfile(p) if p.display().to_string() == a));
    assert!(matches!(&plan[1], ScanTarget::Invalid { target, .. } if *target == missing));
    assert!(matches!(&plan[2], ScanTarget::Dockerfile(_)));
    assert!(matches!(&plan[3], ScanTarget::Runtime(_)));

    let result = scanner.scan_many(&plan);
    let paths: Vec<&str> = result
        .targets
        .iter()
        .map(|t| match t {
            Target::Dockerfile { path, .. } | Target::Runtime { path, .. } => path.as_str(),
            other => panic!("unexpected target {other:?}"),
        })
        .collect();
    assert_eq!(paths, [a.as_str(), b.as_str(), compose.as_str()]);
    assert_eq!(result.errors.len(), 1, "{:?}", result.errors);
    assert_eq!(result.errors[0].target, missing);
    // `FROM ${BASE}` without a default: a warning returned to the caller, naming the file.
    let w = result
        .warnings
        .iter()
        .find(|w| w.level == WarningLevel::Warning && w.to_string().contains(&a))
        .unwrap_or_else(|| panic!("no warning for {a}: {:?}", result.warnings));
    assert!(w.in_report(), "{w}");
    assert!(
        result.findings.iter().any(|f| f.rule.starts_with("RT")),
        "{:?}",
        result.findings
    );
}

#[test]
fn a_missing_database_is_a_warning_not_a_failure() {
    let tmp = tempfile::tempdir().unwrap();
    let mut opts = ScanOptions::default();
    opts.vulnerabilities.db_path = Some(tmp.path().join("none.sqlite"));
    opts.offline = true;
    let scanner = Scanner::new(opts).unwrap();
    // A registry reference with --offline: an error for that target, nothing fetched.
    let r = scanner.scan(&ScanTarget::Image("alpine:3.20".into()));
    assert_eq!(r.errors.len(), 1);
    assert!(r.errors[0].message.contains("--offline"), "{:?}", r.errors);
    // An image archive that does not exist: the DB warning comes first, then the error.
    let r = scanner.scan(&ScanTarget::Image(format!(
        "oci:{}",
        tmp.path().join("layout").display()
    )));
    assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.message.contains("no vulnerability database")),
        "{:?}",
        r.warnings
    );
}

#[test]
fn user_secret_rules_are_checked_when_the_scanner_is_built() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = |example: &str| {
        format!(
            "rules:\n- id: acme-token\n  name: Acme token\n  category: internal\n  severity: high\n  \
             confidence: high\n  keywords:\n  - acme_\n  pattern: 'acme_(?P<secret>[a-z0-9]{{20}})'\n  \
             examples:\n  - {example}\n  negative_examples:\n  - acme_short\n"
        )
    };
    let file = tmp.path().join("rules.yaml");
    let build = |text: String| {
        std::fs::write(&file, text).unwrap();
        let secret_rules = drydock_scan::secrets::SecretRules {
            rules: drydock_scan::secrets::read_rules_file(&file).unwrap(),
            disable: Vec::new(),
        };
        Scanner::new(ScanOptions {
            secret_rules,
            ..Default::default()
        })
    };
    let scanner = build(rules("acme_k3j9x0q7m2v8r5t1w4z6")).unwrap();
    let df = write(
        tmp.path(),
        "Dockerfile",
        "FROM alpine:3.20\nENV TOKEN=acme_k3j9x0q7m2v8r5t1w4z6\n",
    );
    let r = scanner.scan_many(&scanner.plan(&[df]));
    assert!(
        // The user's rule found it (DF001 reports secrets in ENV, naming the secret rule).
        r.findings.iter().any(|f| f.message.contains("Acme token")),
        "{:?}",
        r.findings
    );
    // An example its own pattern does not match: an error before anything is scanned.
    let err = build(rules("acme_TOO_SHORT"))
        .err()
        .expect("broken rule accepted");
    assert!(err.to_string().contains("acme-token"), "{err}");
}

#[test]
fn finish_applies_skip_severity_and_the_ignore_file_like_the_cli() {
    let tmp = tempfile::tempdir().unwrap();
    let df = "FROM ubuntu:latest\nENV PASSWORD=hunter22\n";
    write(tmp.path(), "app/Dockerfile", df);
    write(tmp.path(), "vendor/lib/Dockerfile", df);
    write(
        tmp.path(),
        ".drydockignore.yaml",
        "- rule: base-image-latest\n  reason: accepted in this test\n",
    );
    let root = tmp.path().display().to_string();
    let raw = {
        let scanner = Scanner::new(ScanOptions::default()).unwrap();
        scanner.scan_many(&scanner.plan(std::slice::from_ref(&root)))
    };
    assert!(raw.findings.iter().any(|f| f.rule == "DF017"));
    assert!(raw
        .targets
        .iter()
        .any(|t| matches!(t, Target::Dockerfile { path, .. } if path.contains("vendor"))));

    let opts = ScanOptions {
        report: drydock_scan::ReportOptions {
            skip: vec!["vendor".into()],
            ..Default::default()
        },
        ..Default::default()
    };
    let scanner = Scanner::new(opts).unwrap();
    let done = scanner.run(&[root]).unwrap();
    // `--skip`: the walk drops vendor/, so it is neither scanned nor reported.
    assert!(done
        .targets
        .iter()
        .all(|t| !matches!(t, Target::Dockerfile { path, .. } if path.contains("vendor"))));
    // The ignore file beside the targets suppresses DF017 and says how often.
    assert!(
        done.findings.iter().all(|f| f.rule != "DF017"),
        "{:?}",
        done.findings
    );
    assert!(!done.findings.is_empty());
    assert_eq!(done.suppressions.len(), 1);
    assert_eq!(done.suppressions[0].suppressed, 1);
    // Stable fingerprints and sorted, as the CLI reports them.
    assert!(done.findings.iter().all(|f| !f.fingerprint.is_empty()));

    let bad = ScanOptions {
        report: drydock_scan::ReportOptions {
            skip: vec!["a[".into()],
            ..Default::default()
        },
        ..Default::default()
    };
    let e = Scanner::new(bad)
        .err()
        .expect("an invalid glob is an error");
    assert!(e.to_string().contains("--skip/exclude `a[`"), "{e}");
}
