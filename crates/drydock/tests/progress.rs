//! Progress on standard error: bars only on a terminal (a pseudo-terminal made by util-linux
//! `script`), never on a pipe, in CI or with --no-progress/-q; `-v` says what is opened and
//! how long each target and stage took.

mod support;

use serde_json::json;
use std::path::Path;
use std::process::Command;

fn bin() -> String {
    assert_cmd::cargo::cargo_bin("drydock")
        .display()
        .to_string()
}

/// A directory of `n` Dockerfiles.
fn dockerfiles(dir: &Path, n: usize) {
    for i in 0..n {
        support::write(
            dir,
            &format!("app{i}/Dockerfile"),
            "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n",
        );
    }
}

/// An OCI layout with one 24 MB layer (big enough that a bar is drawn while it is read).
fn big_image(dir: &Path) {
    let data: Vec<u8> = (0..24u32 << 20)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let layer = support::tar_of(&[("srv/blob.bin", &data)]);
    support::oci_layout(
        dir,
        &[layer],
        json!([{"created_by": "COPY blob.bin /srv/"}]),
        json!({}),
    );
}

/// Runs `drydock ARGS` on a pseudo-terminal; returns what the terminal showed (stdout and
/// stderr together). `None` when util-linux `script` is missing.
fn on_terminal(args: &str, env: &[(&str, &str)]) -> Option<String> {
    if Command::new("script").arg("--version").output().is_err() {
        assert!(
            std::env::var("DRYDOCK_REQUIRE_INTEGRATION").as_deref() != Ok("1"),
            "util-linux `script` is needed for the pseudo-terminal test"
        );
        eprintln!("SKIPPED: util-linux `script` is not installed");
        return None;
    }
    let mut c = Command::new("script");
    c.args(["-qec", &format!("{} {args}", bin()), "/dev/null"])
        .env_remove("CI")
        .env("HOME", std::env::temp_dir())
        .env("COLUMNS", "120");
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn bars_on_a_terminal_for_files_and_layers() {
    let tmp = tempfile::tempdir().unwrap();
    dockerfiles(&tmp.path().join("tree"), 40);
    let tree = tmp.path().join("tree");
    let Some(shown) = on_terminal(
        &format!("scan --no-vulns --format table {}", tree.display()),
        &[],
    ) else {
        return;
    };
    assert!(
        shown.contains("files [") && shown.contains("/40"),
        "no files bar on a terminal: {shown:?}"
    );
    // The report itself follows, after the bars were cleared.
    assert!(shown.contains("DF"), "{shown}");

    let img = tmp.path().join("img");
    big_image(&img);
    let shown = on_terminal(
        &format!(
            "scan --no-vulns --no-cache --format table oci:{}",
            img.display()
        ),
        &[],
    )
    .unwrap();
    assert!(
        shown.contains("layer 1/1") && shown.contains("MiB"),
        "no layer bar with bytes on a terminal: {shown:?}"
    );
}

#[test]
fn no_bars_in_ci_or_when_turned_off() {
    let tmp = tempfile::tempdir().unwrap();
    dockerfiles(tmp.path(), 40);
    let dir = tmp.path().display().to_string();
    for (flags, env) in [
        ("--no-progress", vec![]),
        ("-q", vec![]),
        ("", vec![("CI", "true")]),
    ] {
        let Some(shown) = on_terminal(
            &format!("scan --no-vulns --format table {flags} {dir}"),
            &env,
        ) else {
            return;
        };
        assert!(
            !shown.contains("files [") && !shown.contains("scanning "),
            "progress drawn with {flags:?} {env:?}: {shown:?}"
        );
        assert!(shown.contains("DF"), "{shown}");
    }
}

#[test]
fn no_progress_bytes_reach_a_pipe() {
    let tmp = tempfile::tempdir().unwrap();
    dockerfiles(&tmp.path().join("tree"), 30);
    let img = tmp.path().join("img");
    big_image(&img);
    let out = support::drydock()
        .env_remove("CI")
        .args(["scan", "--no-vulns", "--no-cache", "--format", "table"])
        .arg(tmp.path().join("tree"))
        .arg(format!("oci:{}", img.display()))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains('\r') && !err.contains('\x1b') && !err.contains("files ["),
        "progress on a non-terminal stderr: {err:?}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("DF"));
}

#[test]
fn verbose_says_what_is_opened_and_how_long_it_took() {
    let tmp = tempfile::tempdir().unwrap();
    dockerfiles(&tmp.path().join("tree"), 3);
    let img = tmp.path().join("img");
    big_image(&img);
    let spec = format!("oci:{}", img.display());
    let out = support::drydock()
        // Uncached, so the layer is read (a cached one is named as such instead).
        .args(["scan", "-v", "--no-vulns", "--no-cache", "--format", "json"])
        .arg(tmp.path().join("tree"))
        .arg(&spec)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let secs = regex::Regex::new(r"\d+\.\d\d s").unwrap();
    let line = |needle: &str| {
        err.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle:?} in {err}"))
    };
    assert!(line("3 files to scan").starts_with("drydock: "));
    assert!(secs.is_match(line("app1/Dockerfile: scanned in")));
    line(&format!("{spec}: opening"));
    let open = line(&format!("{spec}: open "));
    assert!(
        secs.is_match(open) && open.contains("1 image, 1 layers"),
        "{open}"
    );
    assert!(line("reading layer 1/1").contains("MB"));
    assert!(secs.is_match(line("layer 1 read in")));
    let layers = line(&format!("{spec}: layers "));
    assert!(
        secs.is_match(layers) && layers.contains("1 files"),
        "{layers}"
    );
    assert!(secs.is_match(line(&format!("{spec}: scanned in"))));
    // Without -v: none of it.
    let quiet = support::drydock()
        .args(["scan", "--no-vulns", "--no-cache", "--format", "json"])
        .arg(&spec)
        .output()
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&quiet.stderr).contains("opening"),
        "{}",
        String::from_utf8_lossy(&quiet.stderr)
    );
}
