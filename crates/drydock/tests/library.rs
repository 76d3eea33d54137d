//! The scan library is the CLI's engine: its example program prints the JSON report the CLI
//! prints, and the CLI crate reaches the analyzers only through it.

mod support;

#[path = "../../drydock-scan/examples/scan.rs"]
#[allow(dead_code)]
mod example;

use serde_json::json;
use support::{drydock, json_of, write};

#[test]
fn example_program_prints_the_cli_json() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    // A tiny image: a credential in a layer, a build argument secret in the history,
    // and a file a later layer deletes (still extractable from the lower layer).
    let image = tmp.path().join("image");
    let token = format!("ghp_{}", "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8");
    let lower = support::tar_of(&[
        ("app/.env", format!("GITHUB_TOKEN={token}\n").as_bytes()),
        (
            "root/.ssh/id_rsa",
            b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----\n",
        ),
    ]);
    let upper = support::tar_of(&[("root/.ssh/.wh.id_rsa", b"")]);
    support::oci_layout(
        &image,
        &[lower, upper],
        json!([{"created_by": "COPY . /app"}, {"created_by": "RUN rm /root/.ssh/id_rsa"}]),
        json!({}),
    );
    let df = write(
        tmp.path(),
        "svc/Dockerfile",
        "FROM ubuntu:latest\nRUN curl -k https://x.example/i.sh | sh\nENV PASSWORD=hunter22\n",
    );
    let targets = vec![
        format!("oci:{}", image.display()),
        df.display().to_string(),
        tmp.path().join("missing").display().to_string(),
    ];

    let out = drydock()
        .env("HOME", &home)
        .args(["scan", "--format", "json", "--scan-date", "2026-06-01"])
        .args(&targets)
        .output()
        .unwrap();
    let cli = json_of(&out.stdout);

    // Same environment as the CLI run (the database location comes from HOME).
    std::env::set_var("HOME", &home);
    let date = drydock_core::eol::Date::parse("2026-06-01").unwrap();
    let lib =
        serde_json::from_str::<serde_json::Value>(&example::report_json(&targets, date).unwrap())
            .unwrap();

    let rules: Vec<&str> = cli["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(rules.iter().any(|r| r.starts_with("DF")), "{rules:?}");
    assert!(rules.iter().any(|r| r.starts_with("IM")), "{rules:?}");
    assert_eq!(cli["errors"].as_array().unwrap().len(), 1, "{cli}");
    assert_eq!(lib, cli);
}

#[test]
fn cli_depends_on_no_analyzer() {
    let manifest = include_str!("../Cargo.toml");
    let deps = manifest
        .split("[dependencies]")
        .nth(1)
        .unwrap()
        .split("\n[")
        .next()
        .unwrap();
    for analyzer in [
        "drydock-dockerfile",
        "drydock-secrets",
        "drydock-image",
        "drydock-vuln",
        "drydock-runtime",
        "drydock-rpmdb",
    ] {
        assert!(
            !deps.lines().any(|l| l.trim_start().starts_with(analyzer)),
            "the CLI depends on {analyzer}: reach it through drydock-scan"
        );
    }
}
