//! Import OSV fixtures into a real SQLite database and match packages against them.
mod common;

use common::*;
use drydock_core::{Category, Severity};
use drydock_vuln::{match_packages, Db, Kind, MatchOptions, Package};

fn pkg(kind: Kind, eco: &str, name: &str, version: &str, source: Option<(&str, &str)>) -> Package {
    let mut p = Package::new(kind, name, version, "var/lib/dpkg/status", 0);
    if !eco.is_empty() {
        p.ecosystem = eco.to_string();
    }
    if let Some((n, v)) = source {
        p.source_name = Some(n.to_string());
        p.source_version = Some(v.to_string());
    }
    p
}

fn fixture_db(dir: &std::path::Path) -> Db {
    let mut db = Db::open(&dir.join("osv.sqlite")).unwrap();
    let debian = zip_of(&[
        debian_glibc(),
        debian_dsa_glibc(),
        debian_curl(),
        debian_unfixed(),
        debian_withdrawn(),
    ]);
    let stats = db
        .import_zip_reader(
            std::io::Cursor::new(debian),
            Some("Debian"),
            "Debian/all.zip",
        )
        .unwrap();
    assert_eq!(stats.records, 5);
    assert_eq!(stats.withdrawn, 1);
    let mut lang = pypi_requests();
    lang.extend([
        npm_lodash(),
        maven_log4j(),
        go_xnet(),
        ubuntu_glibc(),
        alpine_openssl(),
        rocky_glibc(),
    ]);
    // No source given: each record's first ecosystem decides (PyPI, npm, …).
    let stats = db
        .import_zip_reader(std::io::Cursor::new(zip_of(&lang)), None, "mixed.zip")
        .unwrap();
    assert_eq!(
        stats.sources,
        vec![
            "Alpine",
            "Go",
            "Maven",
            "PyPI",
            "Rocky Linux",
            "Ubuntu",
            "npm"
        ]
    );
    db
}

#[test]
fn debian_glibc_curl_and_unfixed() {
    let tmp = tempfile::tempdir().unwrap();
    let db = fixture_db(tmp.path());
    let pkgs = vec![
        pkg(
            Kind::Dpkg,
            "Debian:12",
            "libc6",
            "2.36-9+deb12u1",
            Some(("glibc", "2.36-9+deb12u1")),
        ),
        pkg(
            Kind::Dpkg,
            "Debian:12",
            "libc-bin",
            "2.36-9+deb12u3",
            Some(("glibc", "2.36-9+deb12u3")),
        ),
        pkg(
            Kind::Dpkg,
            "Debian:12",
            "curl",
            "7.88.1-10+deb12u1",
            Some(("curl", "7.88.1-10+deb12u1")),
        ),
        pkg(
            Kind::Dpkg,
            "Debian:12",
            "libcurl4",
            "7.88.1-10+deb12u5",
            Some(("curl", "7.88.1-10+deb12u5")),
        ),
        pkg(
            Kind::Dpkg,
            "Debian:12",
            "mount",
            "2.38.1-5+b1",
            Some(("util-linux", "2.38.1-5")),
        ),
        // Debian 11 package: the bookworm fix version must not be used.
        pkg(
            Kind::Dpkg,
            "Debian:11",
            "libc6",
            "2.31-13+deb11u8",
            Some(("glibc", "2.31-13+deb11u8")),
        ),
    ];
    let opts = MatchOptions {
        image: "debian:12".into(),
        base_layers: Some(1),
    };
    let f = match_packages(&db, &pkgs, &opts).unwrap();
    let summary: Vec<(String, String, Option<String>, String)> = f
        .iter()
        .map(|x| {
            let v = x.vulnerability.as_ref().unwrap();
            (
                v.package.clone(),
                v.id.clone(),
                v.fixed_version.clone(),
                x.rule.clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "libc6".into(),
                "CVE-2023-4911".into(),
                Some("2.36-9+deb12u3".into()),
                "VU001".into()
            ),
            (
                "curl".into(),
                "CVE-2023-38545".into(),
                Some("7.88.1-10+deb12u4".into()),
                "VU001".into()
            ),
            ("mount".into(), "CVE-2022-0563".into(), None, "VU002".into()),
        ],
        "{f:#?}"
    );
    let glibc = &f[0];
    let v = glibc.vulnerability.as_ref().unwrap();
    // Merged once: Debian's per-CVE record and the DSA.
    assert_eq!(v.aliases, vec!["DEBIAN-CVE-2023-4911", "DSA-5514-1"]);
    assert_eq!(v.ecosystem, "Debian:12");
    assert_eq!(v.installed_version, "2.36-9+deb12u1");
    assert_eq!(glibc.category, Category::Vulnerability);
    // CVSS 3.1 AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H = 7.8.
    assert_eq!(glibc.severity, Severity::High);
    assert!(
        glibc.message.contains("2.36-9+deb12u1") && glibc.message.contains("2.36-9+deb12u3"),
        "{}",
        glibc.message
    );
    assert!(glibc.message.contains("base image"), "{}", glibc.message);
    let json = serde_json::to_value(glibc).unwrap();
    assert_eq!(json["vulnerability"]["fixed_version"], "2.36-9+deb12u3");
    assert_eq!(json["location"]["package"], "libc6");
    assert_eq!(json["location"]["layer"], 0);
    assert_eq!(json["category"], "vulnerability");
    // Debian urgency is the vendor rating for OS packages.
    assert_eq!(f[1].severity, Severity::High);
    assert_eq!(f[2].severity, Severity::Info);
}

#[test]
fn language_ecosystems_and_aliases() {
    let tmp = tempfile::tempdir().unwrap();
    let db = fixture_db(tmp.path());
    let pkgs = vec![
        pkg(Kind::Python, "", "Requests", "2.30.0", None),
        pkg(Kind::Python, "", "requests", "2.31.0", None),
        pkg(Kind::Python, "", "requests", "2.2.1", None),
        pkg(Kind::Npm, "", "lodash", "4.17.20", None),
        pkg(
            Kind::Maven,
            "",
            "org.apache.logging.log4j:log4j-core",
            "2.14.1",
            None,
        ),
        pkg(
            Kind::Maven,
            "",
            "org.apache.logging.log4j:log4j-core",
            "2.0-beta8",
            None,
        ),
        pkg(Kind::Go, "", "golang.org/x/net", "v0.16.0", None),
    ];
    let f = match_packages(&db, &pkgs, &MatchOptions::default()).unwrap();
    let got: Vec<(&str, &str, &str, Option<&str>)> = f
        .iter()
        .map(|x| {
            let v = x.vulnerability.as_ref().unwrap();
            (
                v.package.as_str(),
                v.installed_version.as_str(),
                v.id.as_str(),
                v.fixed_version.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("Requests", "2.30.0", "CVE-2023-32681", Some("2.31.0")),
            ("lodash", "4.17.20", "CVE-2021-23337", Some("4.17.21")),
            (
                "org.apache.logging.log4j:log4j-core",
                "2.14.1",
                "CVE-2021-44228",
                Some("2.15.0")
            ),
            (
                "golang.org/x/net",
                "v0.16.0",
                "CVE-2023-44487",
                Some("0.17.0")
            ),
        ]
    );
    // GHSA + PYSEC merged into one finding.
    assert_eq!(
        f[0].vulnerability.as_ref().unwrap().aliases,
        vec!["GHSA-j8r2-6x86-q33q", "PYSEC-2023-74"]
    );
    // CVSS 3.1 score 5.6 → medium for requests; Log4Shell 10.0 → critical.
    assert_eq!(f[0].severity, Severity::Medium);
    assert_eq!(f[2].severity, Severity::Critical);
}

#[test]
fn distro_ecosystem_variants() {
    let tmp = tempfile::tempdir().unwrap();
    let db = fixture_db(tmp.path());
    let pkgs = vec![
        pkg(
            Kind::Dpkg,
            "Ubuntu:22.04",
            "libc6",
            "2.35-0ubuntu3.1",
            Some(("glibc", "2.35-0ubuntu3.1")),
        ),
        pkg(
            Kind::Dpkg,
            "Ubuntu:16.04",
            "libc6",
            "2.23-0ubuntu11",
            Some(("glibc", "2.23-0ubuntu11")),
        ),
        pkg(
            Kind::Apk,
            "Alpine:v3.18",
            "libssl3",
            "3.1.3-r0",
            Some(("openssl", "3.1.3-r0")),
        ),
        pkg(
            Kind::Apk,
            "Alpine:v3.18",
            "libcrypto3",
            "3.1.4-r0",
            Some(("openssl", "3.1.4-r0")),
        ),
        pkg(
            Kind::Rpm,
            "Rocky Linux:9",
            "glibc",
            "2.34-60.el9",
            Some(("glibc", "2.34-60.el9")),
        ),
        pkg(
            Kind::Rpm,
            "Rocky Linux:9",
            "glibc-common",
            "2.34-60.el9_2.7",
            Some(("glibc", "2.34-60.el9_2.7")),
        ),
    ];
    assert_eq!(
        drydock_vuln::needed_sources(&pkgs),
        vec!["Alpine", "Rocky Linux", "Ubuntu"]
    );
    let f = match_packages(&db, &pkgs, &MatchOptions::default()).unwrap();
    let got: Vec<(&str, &str, Option<&str>, Severity)> = f
        .iter()
        .map(|x| {
            let v = x.vulnerability.as_ref().unwrap();
            (
                v.package.as_str(),
                v.ecosystem.as_str(),
                v.fixed_version.as_deref(),
                x.severity,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "libc6",
                "Ubuntu:22.04:LTS",
                Some("2.35-0ubuntu3.4"),
                Severity::High
            ),
            (
                "libssl3",
                "Alpine:v3.18",
                Some("3.1.4-r0"),
                Severity::Medium
            ),
            (
                "glibc",
                "Rocky Linux:9",
                Some("2.34-60.el9_2.7"),
                Severity::High
            ),
        ]
    );
}

#[test]
fn reimport_replaces_and_corrupt_import_keeps_old_data() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("osv.sqlite");
    let mut db = Db::open(&path).unwrap();
    db.import_zip_reader(
        std::io::Cursor::new(zip_of(&[debian_glibc(), debian_curl()])),
        Some("Debian"),
        "a.zip",
    )
    .unwrap();
    assert_eq!(db.status().unwrap().sources[0].records, 2);
    // A zip whose one entry is not OSV JSON fails as a whole: old records stay.
    let mut bad = vec![debian_unfixed()];
    bad.push(serde_json::json!({"id": "BAD-1", "affected": "not a list"}));
    let err = db
        .import_zip_reader(
            std::io::Cursor::new(zip_of(&bad)),
            Some("Debian"),
            "bad.zip",
        )
        .unwrap_err();
    assert!(err.to_string().contains("bad.zip"), "{err}");
    let err = db
        .import_zip_reader(
            std::io::Cursor::new(b"PK\x03\x04 not really".to_vec()),
            Some("Debian"),
            "junk.zip",
        )
        .unwrap_err();
    assert!(err.to_string().contains("not a valid zip"), "{err}");
    let st = db.status().unwrap();
    assert_eq!(
        (
            st.sources.len(),
            st.sources[0].records,
            st.sources[0].url.as_str()
        ),
        (1, 2, "a.zip")
    );
    // A good re-import replaces the ecosystem's records.
    db.import_zip_reader(
        std::io::Cursor::new(zip_of(&[debian_unfixed()])),
        Some("Debian"),
        "b.zip",
    )
    .unwrap();
    drop(db);
    let db = Db::open_existing(&path).unwrap();
    let st = db.status().unwrap();
    assert_eq!(st.sources[0].records, 1);
    let p = pkg(
        Kind::Dpkg,
        "Debian:12",
        "libc6",
        "2.36-9+deb12u1",
        Some(("glibc", "2.36-9+deb12u1")),
    );
    assert!(match_packages(&db, &[p], &MatchOptions::default())
        .unwrap()
        .is_empty());
    assert!(st.render().contains("Debian"));
    // Freshness: Debian just imported, PyPI missing; everything stale with a zero limit.
    let fr = db
        .freshness(
            &["Debian".into(), "PyPI".into()],
            Some(std::time::Duration::from_secs(3600)),
        )
        .unwrap();
    assert_eq!(fr.missing, vec!["PyPI"]);
    assert!(fr.stale.is_empty());
    assert!(fr.messages()[0].contains("drydock db update"));
    let missing = tmp.path().join("nope.sqlite");
    let err = Db::open_existing(&missing).err().unwrap();
    assert!(err.to_string().contains("drydock db update"), "{err}");
}

#[test]
fn import_directory_of_json() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("osv");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(
        dir.join("DEBIAN-CVE-2023-4911.json"),
        debian_glibc().to_string(),
    )
    .unwrap();
    std::fs::write(
        dir.join("sub/GHSA-35jh-r3h4-6jhm.json"),
        npm_lodash().to_string(),
    )
    .unwrap();
    std::fs::write(dir.join("README.txt"), "not a record").unwrap();
    let mut db = Db::open(&tmp.path().join("db.sqlite")).unwrap();
    let st = db.import_path(&dir, None).unwrap();
    assert_eq!(st.records, 2);
    assert_eq!(st.sources, vec!["Debian", "npm"]);
    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    assert!(db
        .import_path(&empty, None)
        .unwrap_err()
        .to_string()
        .contains("no OSV records"));
}
