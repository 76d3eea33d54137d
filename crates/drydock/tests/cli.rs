//! End-to-end tests of the `drydock` binary: exit codes, output shapes, errors.

mod support;

use predicates::prelude::*;
use std::path::{Path, PathBuf};
use support::{drydock, json_of, write};

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

#[test]
fn examples_have_findings_and_exit_1() {
    let out = drydock()
        .args(["scan", "--format", "json"])
        .arg(examples().join("webapp"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json_of(&out.stdout);
    let findings = v["findings"].as_array().unwrap();
    let rules: Vec<&str> = findings
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    for expected in ["DF001", "DF012", "DF013", "DF017", "DF024", "DF025"] {
        assert!(
            rules.contains(&expected),
            "{expected} missing from {rules:?}"
        );
    }
    for f in findings {
        for key in [
            "rule",
            "severity",
            "category",
            "message",
            "location",
            "fingerprint",
        ] {
            assert!(f.get(key).is_some(), "finding without {key}: {f}");
        }
        let loc = &f["location"];
        assert!(
            loc["path"].is_string() && loc["start_line"].as_u64().unwrap() >= 1,
            "{loc}"
        );
    }
}

#[test]
fn secrets_are_redacted_in_every_format() {
    let secret_parts = [
        "9dLh+zJ1GzF9rP2hPq8vX4bKk7Yc3TnQwE6sRuVa",
        "sk_live_4eC39HqLyjWDarjtT1zdp7dcQw3kTe",
        "s3cr3t-Pa55w0rd",
    ];
    for format in [
        "text", "json", "sarif", "junit", "github", "markdown", "html",
    ] {
        let out = drydock()
            .args(["scan", "--no-color", "--format", format])
            .arg(examples().join("webapp"))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.is_empty(), "{format}: no output");
        for s in secret_parts {
            assert!(!text.contains(s), "{format} output leaks `{s}`");
        }
    }
    let out = drydock()
        .args(["scan", "--no-color", "--show-secrets", "--format", "json"])
        .arg(examples().join("webapp"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains(secret_parts[1]));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--show-secrets"));
}

#[test]
fn hardened_example_is_clean_at_high() {
    drydock()
        .args(["scan", "--no-color", "-q"])
        .arg(examples().join("hardened"))
        .assert()
        .code(0);
}

#[test]
fn fail_on_threshold_controls_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let df = write(dir.path(), "Dockerfile", "FROM alpine:3.20\nRUN echo hi\n");
    // Only medium/info findings (no USER, tag without digest…): passes at high…
    let when = ["--scan-date", "2026-01-01"];
    drydock()
        .args(["scan", "-q"])
        .args(when)
        .arg(&df)
        .assert()
        .code(0);
    // …but once Alpine 3.20 is past its end of life (2026-04-01) that is high.
    drydock()
        .args(["scan", "-q", "--scan-date", "2026-11-27"])
        .arg(&df)
        .assert()
        .code(1);
    // It fails at info, and never with `none`.
    drydock()
        .args(["scan", "-q", "--fail-on", "info"])
        .args(when)
        .arg(&df)
        .assert()
        .code(1);
    drydock()
        .args(["scan", "-q", "--fail-on", "none", "--select", "ALL"])
        .arg(&df)
        .assert()
        .code(0);
}

#[test]
fn ignore_select_and_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let df = write(
        dir.path(),
        "Dockerfile",
        "FROM ubuntu:latest\nRUN curl https://x.sh | sh\n",
    );
    let rules = |args: &[&str]| -> Vec<String> {
        let out = drydock()
            .args(["scan", "--format", "json", "--fail-on", "none"])
            .args(args)
            .arg(&df)
            .output()
            .unwrap();
        json_of(&out.stdout)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(rules(&[]).contains(&"DF017".to_string()));
    assert!(!rules(&["--ignore", "DF017"]).contains(&"DF017".to_string()));
    assert!(!rules(&["--ignore", "base-image"])
        .iter()
        .any(|r| r == "DF017"));
    assert_eq!(
        rules(&["--select", "DF024"])
            .iter()
            .filter(|r| *r != "DF024")
            .count(),
        rules(&["--select", "DF024"]).len() - 1
    );
    write(
        dir.path(),
        "drydock.toml",
        "ignore = [\"DF024\"]\n[severities]\nDF017 = \"critical\"\n",
    );
    let out = drydock()
        .args(["scan", "--format", "json", "--fail-on", "none"])
        .arg(&df)
        .output()
        .unwrap();
    let v = json_of(&out.stdout);
    let f = v["findings"].as_array().unwrap();
    assert!(f.iter().all(|f| f["rule"] != "DF024"));
    assert!(f
        .iter()
        .any(|f| f["rule"] == "DF017" && f["severity"] == "critical"));
}

#[test]
fn baseline_drops_known_findings() {
    let dir = tempfile::tempdir().unwrap();
    let df = write(dir.path(), "Dockerfile", "FROM ubuntu:latest\nEXPOSE 22\n");
    let out = drydock()
        .args(["scan", "--format", "json", "--fail-on", "none"])
        .arg(&df)
        .output()
        .unwrap();
    let base = write(
        dir.path(),
        "baseline.json",
        &String::from_utf8_lossy(&out.stdout),
    );
    let out = drydock()
        .args([
            "scan",
            "--format",
            "json",
            "--fail-on",
            "info",
            "--baseline",
        ])
        .arg(&base)
        .arg(&df)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        json_of(&out.stdout)["findings"].as_array().unwrap().len(),
        0
    );
    // Silence is not mistaken for a clean target: the suppressed count is said.
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("already in the baseline"), "{err}");
}

#[test]
fn errors_are_one_line_with_exit_2() {
    drydock()
        .args(["scan", "./definitely/not/here/Dockerfile"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not/here"));
    drydock()
        .args(["scan", "--bogus-flag", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--bogus-flag"));
    drydock()
        .args(["scan", "--ignore", "NOPE999", "Dockerfile"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("NOPE999"));
    let dir = tempfile::tempdir().unwrap();
    let cfg = write(dir.path(), "drydock.toml", "nonsense = true\n");
    let df = write(dir.path(), "Dockerfile", "FROM scratch\n");
    let out = drydock()
        .args(["scan", "--config"])
        .arg(&cfg)
        .arg(&df)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("drydock.toml:1"), "{err}");
}

#[test]
fn malformed_dockerfile_is_an_error_but_still_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let df = write(
        dir.path(),
        "Dockerfile",
        "FROM ubuntu:latest\nFROBNICATE now\nRUN curl -k https://example.com\n",
    );
    let out = drydock()
        .args(["scan", "--format", "json"])
        .arg(&df)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(":2") && err.to_lowercase().contains("frobnicate"),
        "{err}"
    );
    let v = json_of(&out.stdout);
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "DF025"));
}

#[test]
fn a_file_that_is_not_a_dockerfile_is_one_unscannable_target() {
    let dir = tempfile::tempdir().unwrap();
    let text = write(
        dir.path(),
        "passwd",
        "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nbin:x:2:2:bin:/bin:/usr/sbin/nologin\n",
    );
    let out = drydock().arg("scan").arg(&text).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("and 2 more errors"), "{err}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("1 target could not be scanned"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let binary = dir.path().join("elf");
    let mut bytes = b"\x7fELF\x02\x01\x01\0\0\0".to_vec();
    bytes.extend(std::iter::repeat_n(0u8, 4000));
    std::fs::write(&binary, bytes).unwrap();
    let out = drydock().arg("scan").arg(&binary).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("not a Dockerfile (binary content)"), "{err}");
}

#[test]
fn diagnostics_never_carry_terminal_control_sequences() {
    let dir = tempfile::tempdir().unwrap();
    let df = write(
        dir.path(),
        "Dockerfile",
        "FROM alpine:3.20\n\x1b]0;pwned\x07\x1b[2J\x1b[31mRUN evil\n",
    );
    let out = drydock().arg("scan").arg(&df).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    for stream in [&out.stdout, &out.stderr] {
        assert!(!stream.contains(&0x1b) && !stream.contains(&0x07));
    }
    assert!(String::from_utf8_lossy(&out.stderr).contains("\\u{1b}"));
}

#[test]
fn parse_json_interface() {
    let dir = tempfile::tempdir().unwrap();
    let df = write(
        dir.path(),
        "Dockerfile",
        "FROM alpine AS build\nCOPY --from=build --chown=1:1 a b\nRUN <<EOF\necho hi\nEOF\n",
    );
    let out = drydock()
        .args(["parse", "--format", "json"])
        .arg(&df)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out.stdout);
    let ins = v["instructions"].as_array().unwrap();
    assert_eq!(ins[0]["cmd"], "FROM");
    assert_eq!(
        ins[1]["flags"],
        serde_json::json!(["--from=build", "--chown=1:1"])
    );
    assert_eq!(ins[2]["heredocs"][0]["name"], "EOF");
    assert_eq!(ins[2]["heredocs"][0]["content"], "echo hi\n");
    assert_eq!(ins[2]["end_line"], 5);
    assert!(v["errors"].as_array().unwrap().is_empty());
}

#[test]
fn explain_and_rules_catalogue() {
    drydock()
        .args(["explain", "DF013"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("## How to fix"));
    drydock()
        .args(["explain", "DF999"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown rule"));
    let out = drydock()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let v = json_of(&out.stdout);
    let rules = v.as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "duplicate rule ids");
    assert!(ids.iter().filter(|i| i.starts_with("DF")).count() >= 45);
    assert!(ids.iter().any(|i| i.starts_with("IM")));
    drydock().args(["rules", "check"]).assert().code(0);
}

#[test]
fn rules_doc_is_up_to_date() {
    let out = drydock()
        .args(["rules", "--format", "markdown"])
        .output()
        .unwrap();
    let generated = String::from_utf8(out.stdout).unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules.md");
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    if std::env::var_os("DRYDOCK_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    assert!(
        on_disk == generated,
        "docs/rules.md is stale: run `DRYDOCK_BLESS=1 cargo test -p drydock --test cli rules_doc`"
    );
}

#[test]
fn sarif_is_valid_json_with_rules() {
    let out = drydock()
        .args(["scan", "--format", "sarif"])
        .arg(examples().join("webapp/Dockerfile"))
        .output()
        .unwrap();
    let v = json_of(&out.stdout);
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert!(!run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .is_empty());
    assert!(run["results"][0]["partialFingerprints"].is_object());
}

#[test]
fn secrets_command_scans_trees() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "config/app.env",
        "GITHUB_TOKEN=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\n",
    );
    let out = drydock()
        .args(["secrets", "--format", "json", "--fail-on", "none"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json_of(&out.stdout);
    let f = &v["findings"][0];
    assert_eq!(f["category"], "secret", "{v}");
    assert_eq!(f["location"]["start_line"], 1);
    assert!(f["location"]["path"]
        .as_str()
        .unwrap()
        .ends_with("config/app.env"));
    assert!(!out.stdout.windows(20).any(|w| w == b"1xYZ4dBvQn8PrT2mKs6L"));
    drydock().args(["secrets", "/no/such/dir"]).assert().code(2);
}

#[test]
fn directories_include_compose_files_and_manifests() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  app:\n    image: nginx:1.27\n    privileged: true\n",
    );
    write(
        dir.path(),
        "k8s/pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostPID: true\n  containers:\n  - name: c\n    image: busybox:1.36\n",
    );
    let out = drydock()
        .args(["scan", "--format", "json", "--fail-on", "none"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json_of(&out.stdout);
    let f = v["findings"].as_array().unwrap();
    let privileged = f
        .iter()
        .find(|f| f["rule"] == "RT001")
        .expect("privileged service reported");
    assert!(privileged["location"]["path"]
        .as_str()
        .unwrap()
        .ends_with("compose.yaml"));
    assert_eq!(privileged["location"]["start_line"], 4);
    assert!(f.iter().any(|f| f["location"]["path"]
        .as_str()
        .unwrap()
        .ends_with("pod.yaml")
        && f["category"] == "runtime"));
    // Invalid YAML is a clear error naming the file and line.
    let bad = write(
        dir.path(),
        "docker-compose.yml",
        "services:\n  app\n    image: x\n",
    );
    let out = drydock().args(["scan"]).arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("docker-compose.yml"));
}

/// A secret-named ARG's default or ENV's value is masked in the quoted source even when no secret rule
/// recognises the value's shape.
#[test]
fn secret_named_values_are_masked_in_snippets() {
    let dir = tempfile::tempdir().unwrap();
    let df = write(
        dir.path(),
        "Dockerfile",
        "FROM alpine:3.20\nARG DB_PASSWORD=hunter2prod\nENV API_TOKEN=letmein-prod-42\nUSER app\n",
    );
    let out = drydock()
        .args(["scan", "--no-build-context", "--fail-on", "none"])
        .arg(&df)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("DF009") && text.contains("DF010"), "{text}");
    assert!(!text.contains("hunter2prod"), "{text}");
    assert!(!text.contains("letmein-prod-42"), "{text}");
    let out = drydock()
        .args([
            "scan",
            "--no-build-context",
            "--fail-on",
            "none",
            "--show-secrets",
        ])
        .arg(&df)
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("hunter2prod") && shown.contains("letmein-prod-42"));
}

#[test]
fn a_closed_output_pipe_ends_quietly() {
    use std::io::Read;
    for args in [&["rules", "--format", "markdown"][..], &["rules"][..]] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("drydock"))
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Read a little, then close the pipe while drydock is still writing.
        let mut first = [0u8; 16];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
    }
}
