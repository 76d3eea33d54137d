//! Living with drydock in CI: stable baselines, ignore files with expiry, skips, gates
//! (`--severity`, `--exit-code`, image efficiency) and reports that carry run warnings.

mod support;

use serde_json::{json, Value};
use std::path::Path;
use support::{drydock, json_of, write};

const DOCKERFILE: &str = "FROM ubuntu:latest\n\
RUN curl http://example.com/install.sh | sh\n\
ENV API_KEY=ghp_R3alLooking0nlyInTestsAbcdefghij012345\n\
RUN curl http://example.com/install.sh | sh\n\
USER root\n";

fn scan_json(dir: &Path, args: &[&str]) -> (Value, Option<i32>, String) {
    let out = drydock()
        .current_dir(dir)
        .args(["scan", "--format", "json"])
        .args(if args.contains(&"--scan-date") {
            &[][..]
        } else {
            &["--scan-date", "2026-06-01"][..]
        })
        .args(args)
        .output()
        .unwrap();
    (
        if out.stdout.is_empty() {
            Value::Null
        } else {
            json_of(&out.stdout)
        },
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn rules_of(v: &Value) -> Vec<String> {
    let mut r: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    r.sort();
    r
}

#[test]
fn baseline_survives_inserted_lines_moved_instructions_and_reordered_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a/Dockerfile", DOCKERFILE);
    write(d, "b/Dockerfile", "FROM debian:12\nUSER root\n");
    let (base, _, _) = scan_json(d, &["-o", "base.json", "a/Dockerfile", "b/Dockerfile"]);
    assert_eq!(base, Value::Null);
    let saved: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("base.json")).unwrap()).unwrap();
    assert_eq!(saved["fingerprint_version"], 2);
    let n = saved["findings"].as_array().unwrap().len();
    assert!(n >= 6, "{saved}");

    // A comment on top, blank lines, an instruction moved, whitespace changed, files reordered.
    write(
        d,
        "a/Dockerfile",
        "# syntax=docker/dockerfile:1\n# a comment\n\nFROM ubuntu:latest\nUSER root\n\
         RUN curl http://example.com/install.sh | sh\n\n\
         ENV API_KEY=ghp_R3alLooking0nlyInTestsAbcdefghij012345\n\
         RUN   curl http://example.com/install.sh |  sh\n",
    );
    write(d, "b/Dockerfile", "\n\nFROM debian:12\n\nUSER root\n");
    let (v, code, err) = scan_json(
        d,
        &["--baseline", "base.json", "b/Dockerfile", "a/Dockerfile"],
    );
    assert_eq!(rules_of(&v), Vec::<String>::new(), "{err}");
    assert_eq!(code, Some(0));

    // A new problem is still reported.
    write(
        d,
        "b/Dockerfile",
        "FROM debian:12\nUSER root\nRUN wget http://x/y.sh | bash\n",
    );
    let (v, code, _) = scan_json(
        d,
        &["--baseline", "base.json", "a/Dockerfile", "b/Dockerfile"],
    );
    assert!(!rules_of(&v).is_empty());
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["location"]["path"] == "b/Dockerfile"));
    assert_eq!(code, Some(1));
}

#[test]
fn version_1_baselines_still_apply_and_say_to_regenerate() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "Dockerfile", DOCKERFILE);
    // What drydock wrote before stable fingerprints: v1 values, no fingerprint_version.
    let out = drydock()
        .current_dir(d)
        .args(["scan", "--format", "json", "Dockerfile"])
        .output()
        .unwrap();
    let mut old = json_of(&out.stdout);
    let doc = old.as_object_mut().unwrap();
    doc.remove("fingerprint_version");
    let core_v1: Vec<Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let mut core: drydock_core::Finding = serde_json::from_value(f.clone()).unwrap();
            core.refresh_fingerprint();
            serde_json::to_value(core).unwrap()
        })
        .collect();
    doc.insert("findings".into(), Value::Array(core_v1));
    std::fs::write(d.join("old.json"), old.to_string()).unwrap();
    let (v, code, err) = scan_json(d, &["--baseline", "old.json", "Dockerfile"]);
    assert_eq!(rules_of(&v), Vec::<String>::new(), "{err}");
    assert_eq!(code, Some(0));
    let w = v["warnings"].to_string();
    assert!(
        w.contains("older drydock") && w.contains("regenerate"),
        "{w}"
    );

    std::fs::write(
        d.join("new.json"),
        r#"{"fingerprint_version":9,"findings":[]}"#,
    )
    .unwrap();
    let (_, code, err) = scan_json(d, &["--baseline", "new.json", "Dockerfile"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("new.json") && err.contains("newer"), "{err}");
}

#[test]
fn ignore_file_suppresses_counts_and_expired_entries_resurface_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "Dockerfile", DOCKERFILE);
    let (all, _, err) = scan_json(d, &["Dockerfile"]);
    assert!(all.is_object(), "{err}");
    let all_rules = rules_of(&all);
    assert!(all_rules.contains(&"DF024".to_string()) && all_rules.contains(&"DF014".to_string()));
    let df014 = all["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "DF014")
        .unwrap()["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    write(
        d,
        ".drydockignore.yaml",
        &format!(
            "ignore:\n\
             - rule: DF024\n  reason: vendor installer, checked by hand\n  expires: 2026-05-01\n\
             - fingerprints: [{df014}]\n  reason: runs in a sandbox\n  expires: 2026-12-31\n\
             - rule: DF017\n  paths: ['other/**']\n  reason: never matches\n"
        ),
    );
    let (v, _, err) = scan_json(d, &["Dockerfile"]);
    assert!(v.is_object(), "{err}");
    let rules = rules_of(&v);
    assert!(
        rules.contains(&"DF024".to_string()),
        "expired entry still suppresses: {rules:?}"
    );
    assert!(!rules.contains(&"DF014".to_string()), "{rules:?}");
    let expired: Vec<&Value> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["kind"] == "ignore-expired")
        .collect();
    assert_eq!(expired.len(), 1, "{}", v["warnings"]);
    assert!(expired[0]["message"]
        .as_str()
        .unwrap()
        .contains("2026-05-01"));
    assert!(err.contains("expired"), "stderr tells too: {err}");
    let counts: Vec<(bool, u64)> = v["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["expired"].as_bool().unwrap(),
                s["suppressed"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(counts, [(true, 0), (false, 1), (false, 0)]);

    // Before the date the entry suppresses.
    let (v, _, _) = scan_json(d, &["--scan-date", "2026-04-30", "Dockerfile"]);
    assert!(!rules_of(&v).contains(&"DF024".to_string()));

    // `ignore check` lists the stale and expired entries and fails.
    let out = drydock()
        .current_dir(d)
        .args(["ignore", "check", "--scan-date", "2026-06-01", "Dockerfile"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(".drydockignore.yaml:2: expired on 2026-05-01"),
        "{text}"
    );
    assert!(text.contains(".drydockignore.yaml:8: stale"), "{text}");
    assert!(!text.contains(".drydockignore.yaml:5"), "{text}");
}

#[test]
fn trivyignore_lists_and_malformed_ignore_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "Dockerfile", DOCKERFILE);
    write(
        d,
        "ids.txt",
        "# accepted\nDF024\ncurl-pipe-shell exp:2020-01-01\n",
    );
    let (v, code, err) = scan_json(d, &["--ignorefile", "ids.txt", "Dockerfile"]);
    assert!(!rules_of(&v).contains(&"DF024".to_string()), "{err}");
    assert_eq!(code, Some(1));

    write(
        d,
        "bad.yaml",
        "- rule: DF024\n  reason: fine\n- rule: DF014\n  expires: 2026-01-01\n",
    );
    let out = drydock()
        .current_dir(d)
        .args(["scan", "--ignorefile", "bad.yaml", "Dockerfile"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("bad.yaml:3") && err.contains("reason"),
        "{err}"
    );
    assert!(out.stdout.is_empty());

    write(d, "bad2.yaml", "- rule: no-such-rule\n  reason: x\n");
    let out = drydock()
        .current_dir(d)
        .args(["scan", "--ignorefile", "bad2.yaml", "Dockerfile"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad2.yaml:1"));
}

#[test]
fn severity_and_exit_code_follow_trivy() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "Dockerfile", DOCKERFILE);
    let (v, code, _) = scan_json(d, &["--severity", "HIGH,Critical", "Dockerfile"]);
    let sevs: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["severity"].as_str().unwrap())
        .collect();
    assert!(
        !sevs.is_empty() && sevs.iter().all(|s| *s == "high" || *s == "critical"),
        "{sevs:?}"
    );
    assert_eq!(code, Some(1));
    // --exit-code N: N when any reported finding remains (whatever its severity) …
    let (_, code, _) = scan_json(d, &["--severity", "info", "--exit-code", "5", "Dockerfile"]);
    assert_eq!(code, Some(5));
    // … 0 when none remains, and --exit-code 0 never fails on findings.
    write(
        d,
        "clean/Dockerfile",
        "FROM scratch\nCOPY app /app\nUSER 10001\nHEALTHCHECK NONE\nENTRYPOINT [\"/app\"]\n",
    );
    let (v, code, _) = scan_json(
        d,
        &[
            "--severity",
            "critical",
            "--exit-code",
            "5",
            "clean/Dockerfile",
        ],
    );
    assert_eq!(v["findings"].as_array().unwrap().len(), 0);
    assert_eq!(code, Some(0));
    let (_, code, _) = scan_json(d, &["--exit-code", "0", "Dockerfile"]);
    assert_eq!(code, Some(0));
    // With --fail-on the threshold stays, the status is N.
    let (_, code, _) = scan_json(
        d,
        &["--fail-on", "critical", "--exit-code", "7", "Dockerfile"],
    );
    assert_eq!(code, Some(0));
    let (_, code, _) = scan_json(d, &["--fail-on", "HIGH", "--exit-code", "7", "Dockerfile"]);
    assert_eq!(code, Some(7));
    // Case does not matter anywhere.
    write(
        d,
        "drydock.toml",
        "fail-on = \"CRITICAL\"\n[severities]\nDF024 = \"Critical\"\n",
    );
    let (v, code, err) = scan_json(d, &["Dockerfile"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "DF024" && f["severity"] == "critical"));
    let (_, code, err) = scan_json(d, &["--severity", "severe", "Dockerfile"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("severe"), "{err}");
}

#[test]
fn skip_excludes_files_in_directory_scans() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "app/Dockerfile", "FROM debian:12\nUSER root\n");
    write(d, "vendor/lib/Dockerfile", "FROM debian:12\nUSER root\n");
    write(d, "app/docs/Dockerfile", "FROM debian:12\nUSER root\n");
    let paths = |v: &Value| -> Vec<String> {
        let mut p: Vec<String> = v["targets"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|t| t["path"].as_str().map(String::from))
            .collect();
        p.sort();
        p
    };
    let (v, _, _) = scan_json(d, &["."]);
    assert_eq!(paths(&v).len(), 3);
    let (v, _, _) = scan_json(d, &["--skip", "vendor/**", "--skip", "docs", "."]);
    assert_eq!(paths(&v), ["app/Dockerfile"]);
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["location"]["path"] == "app/Dockerfile"));
    write(d, "drydock.toml", "exclude = [\"vendor/\"]\n");
    let (v, _, _) = scan_json(d, &["."]);
    assert_eq!(paths(&v), ["app/Dockerfile", "app/docs/Dockerfile"]);
}

#[test]
fn an_unreadable_file_in_a_directory_scan_is_a_warning_unless_strict() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "app/Dockerfile", "FROM debian:12\nUSER 10001\n");
    // A file named like a Dockerfile that cannot be scanned (binary content).
    std::fs::write(d.join("app/Dockerfile.bin"), [0u8, 1, 2, 3, 0, 255]).unwrap();
    let (v, code, err) = scan_json(d, &["--fail-on", "none", "."]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(v["errors"].as_array().unwrap().len(), 0);
    let w: Vec<&Value> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["kind"] == "unreadable")
        .collect();
    assert_eq!(w.len(), 1, "{}", v["warnings"]);
    assert_eq!(w[0]["target"], "app/Dockerfile.bin");
    let (v, code, _) = scan_json(d, &["--fail-on", "none", "--strict", "."]);
    assert_eq!(code, Some(2));
    assert_eq!(v["errors"].as_array().unwrap().len(), 1);
    // Named on the command line it stays an error.
    let (_, code, _) = scan_json(d, &["--fail-on", "none", "app/Dockerfile.bin"]);
    assert_eq!(code, Some(2));
}

#[test]
fn errors_appear_once_on_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let out = drydock()
        .current_dir(dir.path())
        .args(["scan", "--color", "never", "missing/Dockerfile"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(!stdout.contains("error:"), "{stdout}");
    assert_eq!(stderr.matches("missing/Dockerfile").count(), 1, "{stderr}");
    // Machines get it in the report.
    let out = drydock()
        .current_dir(dir.path())
        .args(["scan", "-f", "json", "missing/Dockerfile"])
        .output()
        .unwrap();
    assert_eq!(
        json_of(&out.stdout)["errors"][0]["target"],
        "missing/Dockerfile"
    );
}

/// An image whose second layer deletes a 2 MB file the first added (whiteout), with a
/// secret under opt/app; no vulnerability database is available (private HOME).
fn wasteful_image(dir: &Path) -> std::path::PathBuf {
    let image = dir.join("image");
    let big = vec![b'x'; 2_000_000];
    let l1 = support::tar_of(&[
        ("tmp/big.bin", &big),
        ("opt/app/.env", b"GITHUB_TOKEN=ghp_R3alLooking0nlyInTestsAbcdefghij012345\n"),
        ("var/lib/dpkg/status", b"Package: base-files\nStatus: install ok installed\nVersion: 12.4\nArchitecture: amd64\n\n"),
        ("etc/os-release", b"ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"),
    ]);
    let l2 = support::tar_of(&[("tmp/.wh.big.bin", b"")]);
    support::oci_layout(
        &image,
        &[l1, l2],
        json!([{"created_by": "COPY . /"}, {"created_by": "RUN rm /tmp/big.bin"}]),
        json!({}),
    );
    image
}

#[test]
fn a_report_without_a_vulnerability_database_says_so_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let image = wasteful_image(dir.path());
    let target = format!("oci:{}", image.display());
    for format in [
        "text", "json", "sarif", "junit", "github", "markdown", "html",
    ] {
        let out = drydock()
            .current_dir(dir.path())
            .env("XDG_CACHE_HOME", dir.path().join("cache"))
            .args([
                "scan",
                "--fail-on",
                "none",
                "--format",
                format,
                "-o",
                "report.out",
                &target,
            ])
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report = std::fs::read_to_string(dir.path().join("report.out")).unwrap();
        assert!(
            report.contains("no vulnerability database"),
            "{format}: {report}"
        );
    }
    let out = drydock()
        .current_dir(dir.path())
        .env("XDG_CACHE_HOME", dir.path().join("cache"))
        .args(["scan", "--fail-on", "none", "-f", "json", &target])
        .output()
        .unwrap();
    let v = json_of(&out.stdout);
    assert_eq!(
        v["warnings"][0]["kind"], "vuln-db-missing",
        "{}",
        v["warnings"]
    );
    let sarif_out = drydock()
        .current_dir(dir.path())
        .env("XDG_CACHE_HOME", dir.path().join("cache"))
        .args(["scan", "--fail-on", "none", "-f", "sarif", &target])
        .output()
        .unwrap();
    let s = json_of(&sarif_out.stdout);
    let notes = s["runs"][0]["invocations"][0]["toolExecutionNotifications"].to_string();
    assert!(notes.contains("no vulnerability database"), "{notes}");
}

#[test]
fn skip_and_efficiency_gates_apply_to_images() {
    let dir = tempfile::tempdir().unwrap();
    let image = wasteful_image(dir.path());
    let target = format!("oci:{}", image.display());
    let run = |args: &[&str]| {
        let out = drydock()
            .current_dir(dir.path())
            .args(["scan", "--no-vulns", "-f", "json", "--fail-on", "none"])
            .args(args)
            .arg(&target)
            .output()
            .unwrap();
        json_of(&out.stdout)
    };
    let in_app = |v: &Value| {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| {
                f["location"]["path"]
                    .as_str()
                    .is_some_and(|p| p.contains("opt/app"))
            })
            .count()
    };
    let v = run(&[]);
    assert!(in_app(&v) > 0, "{v}");
    assert!(support::by_rule(&v, "IM017").is_empty());
    let v = run(&["--skip", "/opt/app/**"]);
    assert_eq!(in_app(&v), 0);

    let v = run(&["--max-wasted-bytes", "1MB", "--min-efficiency", "0.99"]);
    let gate = support::by_rule(&v, "IM017");
    assert_eq!(gate.len(), 2, "{v}");
    assert!(gate.iter().all(|f| f["severity"] == "high"));
    let v = run(&["--max-wasted-bytes", "3MB"]);
    assert!(support::by_rule(&v, "IM017").is_empty());
    std::fs::write(
        dir.path().join("drydock.toml"),
        "[image]\nmax-wasted-percent = \"10%\"\ngate-severity = \"MEDIUM\"\n",
    )
    .unwrap();
    let v = run(&[]);
    let gate = support::by_rule(&v, "IM017");
    assert_eq!(gate.len(), 1, "{v}");
    assert_eq!(gate[0]["severity"], "medium");
}

/// A Debian image with libc6 (a fixed advisory) and curl (an advisory with no fix yet), and
/// a database holding both advisories, built by `drydock db import`.
fn vulnerable_image_and_db(dir: &Path) -> (String, std::path::PathBuf) {
    let rec = |id: &str, cve: &str, pkg: &str, fixed: Option<&str>| {
        let mut events = vec![json!({"introduced": "0"})];
        if let Some(f) = fixed {
            events.push(json!({"fixed": f}));
        }
        (
            format!("{id}.json"),
            serde_json::to_vec(&json!({
                "id": id, "upstream": [cve], "modified": "2024-09-18T03:25:43Z",
                "affected": [{"package": {"ecosystem": "Debian:12", "name": pkg},
                              "ranges": [{"type": "ECOSYSTEM", "events": events}],
                              "ecosystem_specific": {"urgency": "high"}}]
            }))
            .unwrap(),
        )
    };
    let zip = dir.join("Debian-all.zip");
    std::fs::write(
        &zip,
        support::zip_of(&[
            rec(
                "DEBIAN-CVE-2023-4911",
                "CVE-2023-4911",
                "glibc",
                Some("2.36-9+deb12u3"),
            ),
            rec("DEBIAN-CVE-2024-0001", "CVE-2024-0001", "curl", None),
        ]),
    )
    .unwrap();
    let db = dir.join("osv.sqlite");
    let out = drydock()
        .args(["db", "import", "--db"])
        .arg(&db)
        .arg(&zip)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let entry = |name: &str, source: &str, version: &str| {
        format!("Package: {name}\nStatus: install ok installed\nArchitecture: amd64\nSource: {source}\nVersion: {version}\n\n")
    };
    let status = format!(
        "{}{}",
        entry("libc6", "glibc", "2.36-9+deb12u1"),
        entry("curl", "curl", "7.88.1-10+deb12u1")
    );
    let image = dir.join("image");
    support::oci_layout(
        &image,
        &[support::tar_of(&[
            (
                "etc/os-release",
                b"ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n",
            ),
            ("var/lib/dpkg/status", status.as_bytes()),
        ])],
        json!([{"created_by": "ADD rootfs.tar /"}]),
        json!({}),
    );
    (format!("oci:{}", image.display()), db)
}

#[test]
fn ignore_unfixed_and_advisory_aliases_in_ignore_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (target, db) = vulnerable_image_and_db(d);
    let vulns = |extra: &[&str]| -> Vec<String> {
        let out = drydock()
            .current_dir(d)
            .args([
                "scan",
                "-f",
                "json",
                "--fail-on",
                "none",
                "--offline",
                "--db",
            ])
            .arg(&db)
            .args(extra)
            .arg(&target)
            .output()
            .unwrap();
        let v = json_of(&out.stdout);
        assert!(
            v["warnings"]
                .as_array()
                .unwrap()
                .iter()
                .all(|w| w["kind"] != "vuln-db-missing"),
            "{}",
            v["warnings"]
        );
        let mut ids: Vec<String> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["vulnerability"]["id"].as_str().map(String::from))
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(vulns(&[]), ["CVE-2023-4911", "CVE-2024-0001"]);
    assert_eq!(vulns(&["--ignore-unfixed"]), ["CVE-2023-4911"]);
    // The entry names Debian's record id; the finding is reported under the CVE.
    write(
        d,
        "vex.yaml",
        "- vulnerabilities: [debian-cve-2023-4911]\n  images: ['oci:*']\n  reason: ld.so is not setuid here\n",
    );
    assert_eq!(vulns(&["--ignorefile", "vex.yaml"]), ["CVE-2024-0001"]);
}

#[test]
fn a_file_without_read_permission_in_a_directory_scan_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "app/Dockerfile", "FROM debian:12\nUSER 10001\n");
    let locked = write(d, "svc/Dockerfile", "FROM debian:12\n");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&locked).is_ok() {
        eprintln!("\n!!!! SKIPPED: running as root, permissions do not stop reads !!!!\n");
        return;
    }
    let (v, code, err) = scan_json(d, &["--fail-on", "none", "."]);
    assert_eq!(code, Some(0), "{err}");
    assert!(v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["kind"] == "unreadable" && w["target"] == "svc/Dockerfile"));
    let (_, code, _) = scan_json(d, &["--fail-on", "none", "--strict", "."]);
    assert_eq!(code, Some(2));
}

#[test]
fn a_malformed_file_found_in_a_directory_scan_is_still_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "app/Dockerfile", "FROM debian:12\nUSER 10001\n");
    write(d, "deploy/compose.yaml", "services:\n  web: [unclosed\n");
    let (v, code, _) = scan_json(d, &["--fail-on", "none", "."]);
    assert_eq!(code, Some(2), "{v}");
}
