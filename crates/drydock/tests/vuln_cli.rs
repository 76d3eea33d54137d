//! End-to-end vulnerability scans through the `drydock` binary: an OCI layout built here
//! (real dpkg status format, two layers, buildah-style history), an OSV zip built here with
//! real advisories, `db import`, then `scan` — per-package findings, the layer each package
//! was installed in, and the base-image verdict.

mod support;

use serde_json::{json, Value};
use std::path::Path;
use support::{by_rule, drydock, oci_layout, tar_of, zip_of};

const OS_RELEASE: &str = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n";

fn dpkg_entry(name: &str, source: &str, version: &str) -> String {
    format!(
        "Package: {name}\nStatus: install ok installed\nPriority: optional\nSection: libs\nInstalled-Size: 100\nMaintainer: Debian <debian@example.org>\nArchitecture: amd64\nSource: {source}\nVersion: {version}\nDescription: {name}\n test package\n\n"
    )
}

/// Debian's records of CVE-2023-4911 (glibc, fixed in 2.36-9+deb12u3) and CVE-2023-38545
/// (curl, fixed in 7.88.1-10+deb12u4), as OSV publishes them (trimmed).
fn osv_zip() -> Vec<u8> {
    let rec = |id: &str, cve: &str, pkg: &str, fixed: &str| {
        (
            format!("{id}.json"),
            serde_json::to_vec(&json!({
                "schema_version": "1.6.0", "id": id, "upstream": [cve],
                "modified": "2024-09-18T03:25:43Z",
                "affected": [{"package": {"ecosystem": "Debian:12", "name": pkg},
                              "ranges": [{"type": "ECOSYSTEM",
                                          "events": [{"introduced": "0"}, {"fixed": fixed}]}],
                              "ecosystem_specific": {"urgency": "high"}}]
            }))
            .unwrap(),
        )
    };
    zip_of(&[
        rec(
            "DEBIAN-CVE-2023-4911",
            "CVE-2023-4911",
            "glibc",
            "2.36-9+deb12u3",
        ),
        rec(
            "DEBIAN-CVE-2023-38545",
            "CVE-2023-38545",
            "curl",
            "7.88.1-10+deb12u4",
        ),
    ])
}

fn image_layers() -> Vec<Vec<u8>> {
    let base_status = dpkg_entry("libc6", "glibc", "2.36-9+deb12u1");
    let own_status = format!(
        "{base_status}{}",
        dpkg_entry("curl", "curl", "7.88.1-10+deb12u1")
    );
    vec![
        tar_of(&[
            ("etc/os-release", OS_RELEASE.as_bytes()),
            ("var/lib/dpkg/status", base_status.as_bytes()),
        ]),
        // apt-get install rewrites the whole status file in the image's own layer.
        tar_of(&[("var/lib/dpkg/status", own_status.as_bytes())]),
        tar_of(&[("app/run.sh", b"#!/bin/sh\nexec curl \"$@\"\n")]),
    ]
}

fn scan_json(image: &Path, db: &Path) -> (Value, String) {
    let out = drydock()
        .args(["scan", "--format", "json", "--fail-on", "none", "--offline"])
        .args(["--scan-date", "2026-11-27", "--db"])
        .arg(db)
        .arg(format!("oci:{}", image.display()))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let v: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stderr}"));
    (v, stderr)
}

fn import_db(tmp: &Path) -> std::path::PathBuf {
    let zip = tmp.join("Debian-all.zip");
    std::fs::write(&zip, osv_zip()).unwrap();
    let db = tmp.join("osv.sqlite");
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
    db
}

#[test]
fn base_image_verdict_from_buildah_history() {
    let tmp = tempfile::tempdir().unwrap();
    let db = import_db(tmp.path());
    let image = tmp.path().join("app");
    // As `podman build` records it: `FROM <base>` on the build's first entry, `FROM <id>`
    // on later steps.
    let history = json!([
        {"created_by": "/bin/sh -c #(nop) ADD file:0f1e2d3c4b5a in /", "comment": "debuerreotype 0.15"},
        {"created_by": "/bin/sh -c #(nop) CMD [\"bash\"]", "empty_layer": true},
        {"created_by": "/bin/sh -c apt-get update && apt-get install -y curl",
         "comment": "FROM docker.io/library/debian:12"},
        {"created_by": "/bin/sh -c #(nop) COPY file:9a8b7c in /app/run.sh ", "comment": "FROM 86f22d55cce2"},
        {"created_by": "/bin/sh -c #(nop) USER 10001", "comment": "FROM 0a1b2c3d4e5f", "empty_layer": true}
    ]);
    oci_layout(&image, &image_layers(), history, json!({}));
    let (v, stderr) = scan_json(&image, &db);

    // libc6 came with the base (layer 0) even though layer 1 rewrote the status file.
    let vu001 = by_rule(&v, "VU001");
    assert_eq!(vu001.len(), 2, "{vu001:#?}");
    let libc = vu001
        .iter()
        .find(|f| f["vulnerability"]["package"] == "libc6")
        .unwrap();
    assert_eq!(libc["vulnerability"]["id"], "CVE-2023-4911");
    assert_eq!(libc["vulnerability"]["fixed_version"], "2.36-9+deb12u3");
    assert_eq!(libc["location"]["layer"], 0, "{libc:#}");
    assert!(libc["message"]
        .as_str()
        .unwrap()
        .contains("from the base image"));
    let curl = vu001
        .iter()
        .find(|f| f["vulnerability"]["package"] == "curl")
        .unwrap();
    assert_eq!(curl["location"]["layer"], 1, "{curl:#}");
    assert!(curl["message"]
        .as_str()
        .unwrap()
        .contains("added by this image's own layers"));

    // The verdict: one finding, and a summary line on stderr.
    let vu003 = by_rule(&v, "VU003");
    assert_eq!(vu003.len(), 1, "{:#?}", v["findings"]);
    let msg = vu003[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("docker.io/library/debian:12") && msg.contains("1 of its packages' 1 known"),
        "{msg}"
    );
    assert!(vu003[0]["fix"].as_str().unwrap().contains("--pull"));
    // The same verdict in the JSON image summary.
    let base = &v["targets"][0]["base_image"];
    assert_eq!(base["name"], "docker.io/library/debian:12", "{base}");
    assert_eq!(base["layers"], 1, "{base}");
    assert_eq!(base["vulnerabilities"], 1, "{base}");
    assert_eq!(base["fixable_by_rebuild"], 1, "{base}");
    assert!(
        stderr.contains("base image docker.io/library/debian:12 (layer 0): 1 known vulnerabilities in its packages, 1 fixed by rebuilding"),
        "{stderr}"
    );
    assert!(
        stderr.contains("whole image: 2 known vulnerabilities"),
        "{stderr}"
    );

    // --no-vulns: neither matching nor verdict.
    let out = drydock()
        .args([
            "scan",
            "--format",
            "json",
            "--fail-on",
            "none",
            "--no-vulns",
        ])
        .arg(format!("oci:{}", image.display()))
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(by_rule(&v, "VU003").is_empty() && by_rule(&v, "VU001").is_empty());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("base image"));
}

#[test]
fn base_from_rootfs_import_and_annotation() {
    let tmp = tempfile::tempdir().unwrap();
    let db = import_db(tmp.path());
    let image = tmp.path().join("classic");
    // Docker's classic builder: no comments; the base is the rootfs import, its name the
    // OCI annotation.
    let history = json!([
        {"created_by": "/bin/sh -c #(nop) ADD file:5d6b6e2f in / "},
        {"created_by": "/bin/sh -c #(nop)  CMD [\"bash\"]", "empty_layer": true},
        {"created_by": "/bin/sh -c apt-get update && apt-get install -y curl"},
        {"created_by": "/bin/sh -c #(nop) COPY file:9a8b7c in /app/run.sh "}
    ]);
    oci_layout(
        &image,
        &image_layers(),
        history,
        json!({"org.opencontainers.image.base.name": "docker.io/library/debian:12.1",
               "org.opencontainers.image.base.digest": "sha256:0000000000000000000000000000000000000000000000000000000000000000"}),
    );
    let (v, stderr) = scan_json(&image, &db);
    let vu003 = by_rule(&v, "VU003");
    assert_eq!(vu003.len(), 1, "{stderr}");
    assert!(vu003[0]["message"]
        .as_str()
        .unwrap()
        .contains("debian:12.1"));
    assert!(
        stderr.contains("base image docker.io/library/debian:12.1 (layer 0)"),
        "{stderr}"
    );

    // A history that explains nothing (every entry a plain RUN): no base, no VU003, and
    // the summary says so.
    let unknown = tmp.path().join("unknown");
    let history = json!([
        {"created_by": "RUN make-rootfs # buildkit"},
        {"created_by": "RUN apt-get install -y curl # buildkit"},
        {"created_by": "COPY run.sh /app/ # buildkit"}
    ]);
    oci_layout(&unknown, &image_layers(), history, json!({}));
    let (v, stderr) = scan_json(&unknown, &db);
    assert!(by_rule(&v, "VU003").is_empty());
    assert_eq!(by_rule(&v, "VU001").len(), 2);
    assert!(stderr.contains("base image not identified"), "{stderr}");
}

#[test]
fn db_status_without_a_database_is_an_answer_not_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("none.sqlite");
    let out = drydock()
        .args(["db", "status", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("none yet"));
    assert!(!db.exists(), "a status query must not create the database");
}
