//! Images whose rpm database is the Berkeley DB `Packages` of RHEL/CentOS 7 and Amazon Linux
//! 2, built with real tools (rpmbuild, rpm, db5.3_load; see drydock-rpmdb's test support):
//! `drydock sbom` lists its packages and `drydock scan` knows the files they installed.

#[path = "../../drydock-rpmdb/tests/support/mod.rs"]
mod rpm_support;
mod support;

use rpm_support::{bdb_packages, sqlite_rpmdb, tools_or_skip, Pkg};
use serde_json::{json, Value};
use support::drydock;

const OS_RELEASE: &str = "NAME=\"CentOS Linux\"\nVERSION=\"7 (Core)\"\nID=\"centos\"\nID_LIKE=\"rhel fedora\"\nVERSION_ID=\"7\"\n";

#[test]
fn berkeley_db_rpm_packages_in_an_image() {
    if tools_or_skip("berkeley_db_rpm_packages_in_an_image").is_none() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let pkgs = [
        Pkg {
            name: "hello-drydock",
            version: "1.2.3",
            release: "4.el7",
            files: 2,
        },
        Pkg {
            name: "big-files",
            version: "2.0",
            release: "1.el7",
            files: 400,
        },
    ];
    let sqlite = sqlite_rpmdb(tmp.path(), &pkgs);
    let blobs = drydock_rpmdb::sqlite_blobs(&std::fs::read(sqlite).unwrap()).unwrap();
    let db = std::fs::read(bdb_packages(&tmp.path().join("bdb"), &blobs, 4096, "1234")).unwrap();
    // A private key in a file the package installed: vendor content, said so.
    let key = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\nVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n-----END RSA PRIVATE KEY-----\n";
    let layer = support::tar_of(&[
        ("etc/os-release", OS_RELEASE.as_bytes()),
        ("var/lib/rpm/Packages", &db),
        ("usr/share/hello-drydock/file-1.txt", key.as_bytes()),
    ]);
    let image = tmp.path().join("image");
    support::oci_layout(
        &image,
        &[layer],
        json!([{"created_by": "centos 7 rootfs"}]),
        json!({}),
    );

    let (doc, stderr) = support::sbom_of(&image, tmp.path());
    let mut got: Vec<(String, String)> = doc["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            c["purl"]
                .as_str()
                .is_some_and(|p| p.starts_with("pkg:rpm/"))
        })
        .map(|c| {
            (
                c["name"].as_str().unwrap().into(),
                c["version"].as_str().unwrap().into(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("big-files".to_string(), "2.0-1.el7".to_string()),
            ("hello-drydock".to_string(), "1.2.3-4.el7".to_string())
        ]
    );
    assert!(!stderr.contains("not read"), "{stderr}");

    let out = drydock()
        .env("HOME", tmp.path())
        .args([
            "scan",
            "--no-vulns",
            "--format",
            "json",
            "--fail-on",
            "none",
        ])
        .arg(format!("oci:{}", image.display()))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("not read"), "{text}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let key_finding = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| {
            f["message"]
                .as_str()
                .is_some_and(|m| m.contains("file-1.txt"))
        })
        .unwrap_or_else(|| panic!("no finding for the key file: {text}"));
    assert!(
        key_finding["message"]
            .as_str()
            .unwrap()
            .contains("the file belongs to OS package `hello-drydock`"),
        "{key_finding}"
    );
    assert_eq!(key_finding["severity"], "low", "{key_finding}");
}
