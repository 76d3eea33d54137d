//! `drydock fix` end to end: the diff, exit codes, `--write` (only the files named, atomic,
//! permissions kept), `--offline` pins, `--select`, errors, and the scan reports' "fixable".

mod support;

use std::os::unix::fs::PermissionsExt;

use support::{drydock, json_of, write};

const DF: &str = "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nUSER 10001\n";

#[test]
fn diff_then_write_then_nothing_left() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a/Dockerfile", DF);
    let b = write(dir.path(), "b/Dockerfile", DF);
    std::fs::set_permissions(&a, std::fs::Permissions::from_mode(0o640)).unwrap();

    // Diff only: exit 1, nothing written.
    let out = drydock()
        .args(["fix", "--offline"])
        .arg(&a)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let diff = String::from_utf8(out.stdout).unwrap();
    assert!(diff.contains("--- a/"), "{diff}");
    assert!(
        diff.contains(
            "+RUN apt-get update && apt-get install --no-install-recommends -y curl && rm -rf /var/lib/apt/lists/*"
        ),
        "{diff}"
    );
    assert!(
        diff.contains("+# TODO(drydock): pin debian:12 -> debian:12@sha256:…"),
        "{diff}"
    );
    assert_eq!(std::fs::read_to_string(&a).unwrap(), DF);

    // --write: exit 0, only the named file changes, its mode is kept, no temp files left.
    let out = drydock()
        .args(["fix", "--offline", "--write"])
        .arg(&a)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
    let fixed = std::fs::read_to_string(&a).unwrap();
    assert!(fixed.contains("--no-install-recommends"), "{fixed}");
    assert_eq!(std::fs::read_to_string(&b).unwrap(), DF);
    let mode = std::fs::metadata(&a).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    let names: Vec<String> = std::fs::read_dir(a.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["Dockerfile"]);

    // Nothing left to fix: exit 0, no diff.
    let out = drydock()
        .args(["fix", "--offline"])
        .arg(&a)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn select_ignore_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "Dockerfile", DF);
    let out = drydock()
        .args(["fix", "--offline", "--select", "DF040"])
        .arg(&a)
        .output()
        .unwrap();
    let diff = String::from_utf8(out.stdout).unwrap();
    assert!(diff.contains("--no-install-recommends"), "{diff}");
    assert!(!diff.contains("rm -rf") && !diff.contains("TODO"), "{diff}");

    let out = drydock()
        .args(["fix", "--offline", "--ignore", "DF018,DF033"])
        .arg(&a)
        .output()
        .unwrap();
    let diff = String::from_utf8(out.stdout).unwrap();
    assert!(!diff.contains("rm -rf") && !diff.contains("TODO"), "{diff}");

    let out = drydock()
        .args(["fix", "--offline", "--select", "DF999"])
        .arg(&a)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));

    let out = drydock()
        .args(["fix", "--offline"])
        .arg(dir.path().join("missing"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("missing"), "{err}");
    // One line per input that could not be read, and no "0 of 1 file(s)" summary after it.
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

#[test]
fn secret_fix_prints_the_build_option() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(
        dir.path(),
        "Dockerfile",
        "FROM node:20\nARG NPM_TOKEN\nRUN NPM_TOKEN=$NPM_TOKEN npm ci\nUSER node\n",
    );
    let out = drydock()
        .args(["fix", "--offline", "--select", "DF009", "--write"])
        .arg(&a)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("docker build --secret id=npm_token,env=NPM_TOKEN"),
        "{err}"
    );
    let fixed = std::fs::read_to_string(&a).unwrap();
    assert!(
        fixed.contains(
            "RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN NPM_TOKEN=$NPM_TOKEN npm ci"
        ),
        "{fixed}"
    );
    assert!(!fixed.contains("ARG NPM_TOKEN"), "{fixed}");
}

#[test]
fn scan_reports_say_fixable() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "Dockerfile", DF);
    let out = drydock()
        .args(["scan", "--format", "json", "--no-build-context"])
        .arg(&a)
        .output()
        .unwrap();
    let v = json_of(&out.stdout);
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "DF040")
        .expect("DF040");
    assert_eq!(
        f["autofix"]["replacements"][0]["inserted"],
        " --no-install-recommends"
    );
    let out = drydock()
        .args(["scan", "--format", "sarif", "--no-build-context"])
        .arg(&a)
        .output()
        .unwrap();
    let v = json_of(&out.stdout);
    let r = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "DF040")
        .expect("DF040");
    assert_eq!(
        r["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"],
        " --no-install-recommends"
    );
    let out = drydock()
        .args(["scan", "--no-build-context", "--min-severity", "low"])
        .arg(&a)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("fixable with `drydock fix`"), "{text}");
    let out = drydock().args(["explain", "DF040"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Fixable: yes"), "{text}");
}
