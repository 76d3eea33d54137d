//! Inventory from synthetic layers holding real-format package databases, SBOMs and the
//! base-image verdict.
use drydock_core::FileSink;
use drydock_vuln::verdict::EolInfo;
use drydock_vuln::{
    base_image_verdict, cyclonedx_json, spdx_json, ImageMeta, Inventory, Kind, Origin,
};
use std::io::Write;

/// (name, version, source name, source version, ecosystem)
type Row<'a> = (&'a str, &'a str, Option<&'a str>, Option<&'a str>, &'a str);

const DEBIAN_OS_RELEASE: &str = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n";

const DPKG_STATUS: &str = "Package: libc6
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 12985
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Architecture: amd64
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u1
Depends: libgcc-s1
Description: GNU C Library: Shared libraries
 Contains the standard libraries that are used by nearly all programs on
 the system.

Package: mount
Status: install ok installed
Architecture: amd64
Source: util-linux (2.38.1-5)
Version: 2.38.1-5+b1
Description: tools for mounting and manipulating filesystems

Package: oldpkg
Status: deinstall ok config-files
Architecture: amd64
Version: 1.0-1
Description: removed, only conffiles left

Package: tzdata
Status: install ok installed
Architecture: all
Version: 2024a-0+deb12u1
Description: time zone and daylight-saving time data
";

#[test]
fn dpkg_status_os_release_and_deletion() {
    let mut inv = Inventory::new();
    assert!(inv.wants("var/lib/dpkg/status", DPKG_STATUS.len() as u64));
    assert!(inv.wants("etc/os-release", 200));
    inv.file(0, "usr/lib/os-release", DEBIAN_OS_RELEASE.as_bytes());
    inv.file(0, "var/lib/dpkg/status", DPKG_STATUS.as_bytes());
    let r = inv.finish_all();
    assert_eq!(r.os.as_ref().unwrap().version_codename, "bookworm");
    let got: Vec<Row> = r
        .packages
        .iter()
        .map(|p| {
            (
                p.name.as_str(),
                p.version.as_str(),
                p.source_name.as_deref(),
                p.source_version.as_deref(),
                p.ecosystem.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "libc6",
                "2.36-9+deb12u1",
                Some("glibc"),
                Some("2.36-9+deb12u1"),
                "Debian:12"
            ),
            (
                "mount",
                "2.38.1-5+b1",
                Some("util-linux"),
                Some("2.38.1-5"),
                "Debian:12"
            ),
            (
                "tzdata",
                "2024a-0+deb12u1",
                Some("tzdata"),
                Some("2024a-0+deb12u1"),
                "Debian:12"
            ),
        ]
    );
    assert_eq!(
        r.packages[0].purl,
        "pkg:deb/debian/libc6@2.36-9%2Bdeb12u1?arch=amd64&distro=debian-12"
    );
    assert_eq!(r.packages[0].origin, Origin::Os);
    assert_eq!(r.packages[0].layer, Some(0));

    // A later layer rewrites the status file; a still later one deletes it.
    let mut inv = Inventory::new();
    inv.file(0, "etc/os-release", DEBIAN_OS_RELEASE.as_bytes());
    inv.file(0, "var/lib/dpkg/status", DPKG_STATUS.as_bytes());
    inv.file(
        2,
        "var/lib/dpkg/status",
        b"Package: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b2\n\n",
    );
    let pk = |inv: &Inventory| inv.wants("x", 0);
    assert!(!pk(&inv));
    let r = inv.finish();
    assert_eq!(r.len(), 1);
    assert_eq!((r[0].name.as_str(), r[0].layer), ("bash", Some(2)));
    let mut inv = Inventory::new();
    inv.file(0, "var/lib/dpkg/status", DPKG_STATUS.as_bytes());
    inv.deleted(1, "var/lib/dpkg");
    assert!(inv.finish().is_empty());
}

#[test]
fn distroless_status_d_and_unknown_distro_note() {
    let mut inv = Inventory::new();
    assert!(inv.wants("var/lib/dpkg/status.d/libssl3", 300));
    assert!(!inv.wants("var/lib/dpkg/status.d/libssl3.md5sums", 300));
    inv.file(0, "etc/os-release", DEBIAN_OS_RELEASE.as_bytes());
    inv.file(
        0,
        "var/lib/dpkg/status.d/libssl3",
        b"Package: libssl3\nVersion: 3.0.11-1~deb12u2\nArchitecture: amd64\nSource: openssl\n",
    );
    inv.file(
        0,
        "var/lib/dpkg/status.d/base-files",
        b"Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n",
    );
    let p = inv.finish();
    assert_eq!(p.len(), 2);
    assert_eq!(p[1].source_name.as_deref(), Some("openssl"));
    assert_eq!(p[1].ecosystem, "Debian:12");

    let mut inv = Inventory::new();
    inv.file(
        0,
        "var/lib/dpkg/status.d/libssl3",
        b"Package: libssl3\nVersion: 3.0.11-1~deb12u2\n",
    );
    let r = inv.finish_all();
    assert_eq!(r.packages[0].ecosystem, "");
    assert!(
        r.notes.iter().any(|n| n.contains("os-release")),
        "{:?}",
        r.notes
    );
}

#[test]
fn apk_installed() {
    let db = "C:Q1abc=\nP:musl\nV:1.2.4-r2\nA:x86_64\nS:383152\nI:622592\nT:the musl c library (libc) implementation\nU:https://musl.libc.org/\nL:MIT\no:musl\nm:Timo Teräs <timo.teras@iki.fi>\nt:1698929466\n\nC:Q1def=\nP:libssl3\nV:3.1.3-r0\nA:x86_64\nL:Apache-2.0\no:openssl\n\n";
    let mut inv = Inventory::new();
    inv.file(0, "etc/os-release", b"NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.18.4\nPRETTY_NAME=\"Alpine Linux v3.18\"\n");
    assert!(inv.wants("lib/apk/db/installed", db.len() as u64));
    inv.file(0, "lib/apk/db/installed", db.as_bytes());
    let p = inv.finish();
    let got: Vec<(&str, &str, Option<&str>, &str)> = p
        .iter()
        .map(|p| {
            (
                p.name.as_str(),
                p.version.as_str(),
                p.source_name.as_deref(),
                p.ecosystem.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("libssl3", "3.1.3-r0", Some("openssl"), "Alpine:v3.18"),
            ("musl", "1.2.4-r2", Some("musl"), "Alpine:v3.18")
        ]
    );
    assert_eq!(p[1].licenses, vec!["MIT"]);
    assert_eq!(
        p[1].purl,
        "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64&distro=alpine-3.18.4"
    );
}

/// An RPM header blob as rpm stores it in rpmdb.sqlite: il, dl, index entries, data.
fn rpm_header(tags: &[(u32, u32, Vec<u8>)]) -> Vec<u8> {
    let mut index = Vec::new();
    let mut data = Vec::new();
    for (tag, ty, body) in tags {
        if *ty == 4 {
            while data.len() % 4 != 0 {
                data.push(0);
            }
        }
        index.extend_from_slice(&tag.to_be_bytes());
        index.extend_from_slice(&ty.to_be_bytes());
        index.extend_from_slice(&(data.len() as u32).to_be_bytes());
        index.extend_from_slice(&1u32.to_be_bytes());
        data.extend_from_slice(body);
    }
    let mut blob = Vec::new();
    blob.extend_from_slice(&(tags.len() as u32).to_be_bytes());
    blob.extend_from_slice(&(data.len() as u32).to_be_bytes());
    blob.extend(index);
    blob.extend(data);
    blob
}

fn s(v: &str) -> Vec<u8> {
    let mut b = v.as_bytes().to_vec();
    b.push(0);
    b
}

#[test]
fn rpmdb_sqlite() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("rpmdb.sqlite");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(
            "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL);",
        )
        .unwrap();
        let pkgs = [
            rpm_header(&[
                (1000, 6, s("glibc")),
                (1001, 6, s("2.34")),
                (1002, 6, s("60.el9")),
                (1022, 6, s("x86_64")),
                (1014, 6, s("LGPLv2+ and GPLv2+")),
                (1044, 6, s("glibc-2.34-60.el9.src.rpm")),
            ]),
            rpm_header(&[
                (1000, 6, s("openssl-libs")),
                (1001, 6, s("3.0.7")),
                (1002, 6, s("24.el9")),
                (1003, 4, 1u32.to_be_bytes().to_vec()),
                (1022, 6, s("x86_64")),
                (1044, 6, s("openssl-3.0.7-24.el9.src.rpm")),
            ]),
            rpm_header(&[
                (1000, 6, s("gpg-pubkey")),
                (1001, 6, s("350d275d")),
                (1002, 6, s("6279464b")),
            ]),
        ];
        for b in pkgs {
            c.execute("INSERT INTO Packages(blob) VALUES(?1)", [b])
                .unwrap();
        }
    }
    let data = std::fs::read(&path).unwrap();
    let mut inv = Inventory::new();
    inv.file(
        0,
        "etc/os-release",
        b"NAME=\"Rocky Linux\"\nVERSION_ID=\"9.3\"\nID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\n",
    );
    assert!(inv.wants("usr/lib/sysimage/rpm/rpmdb.sqlite", data.len() as u64));
    inv.file(0, "var/lib/rpm/rpmdb.sqlite", &data);
    let p = inv.finish();
    let got: Vec<Row> = p
        .iter()
        .map(|p| {
            (
                p.name.as_str(),
                p.version.as_str(),
                p.source_name.as_deref(),
                p.source_version.as_deref(),
                p.ecosystem.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "glibc",
                "2.34-60.el9",
                Some("glibc"),
                Some("2.34-60.el9"),
                "Rocky Linux:9"
            ),
            (
                "openssl-libs",
                "1:3.0.7-24.el9",
                Some("openssl"),
                Some("1:3.0.7-24.el9"),
                "Rocky Linux:9"
            ),
        ]
    );
    assert_eq!(p[0].licenses, vec!["LGPLv2+ and GPLv2+"]);
    assert_eq!(
        p[0].purl,
        "pkg:rpm/rocky/glibc@2.34-60.el9?arch=x86_64&distro=rocky-9.3"
    );

    // Berkeley DB and ndb databases are read too (tests/rpm_databases.rs with real files);
    // they are buffered like rpmdb.sqlite, and garbage gives a note, not a panic.
    let inv = Inventory::new();
    assert!(inv.wants("var/lib/rpm/Packages", 80 << 20));
    assert!(inv.wants("usr/lib/sysimage/rpm/Packages.db", 80 << 20));
    let mut inv = Inventory::new();
    inv.file(0, "var/lib/rpm/Packages", b"\0\0\0\0bdb");
    assert!(inv.finish_all().notes[0].contains("not an rpm database"));
    // A corrupt sqlite file gives a note, not a panic.
    let mut inv = Inventory::new();
    inv.file(0, "var/lib/rpm/rpmdb.sqlite", b"garbage");
    assert!(inv.finish_all().notes[0].contains("cannot read rpm database"));
}

fn jar(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default();
    for (n, b) in entries {
        w.start_file(*n, o).unwrap();
        w.write_all(b).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn language_packages() {
    let mut inv = Inventory::new();
    let meta =
        "Metadata-Version: 2.1\nName: requests\nVersion: 2.30.0\nLicense: Apache 2.0\n\nbody";
    inv.file(
        1,
        "usr/local/lib/python3.11/site-packages/requests-2.30.0.dist-info/METADATA",
        meta.as_bytes(),
    );
    inv.file(
        1,
        "usr/lib/python3/dist-packages/six-1.16.0.egg-info",
        b"Metadata-Version: 1.2\nName: six\nVersion: 1.16.0\n",
    );
    inv.file(
        2,
        "app/node_modules/lodash/package.json",
        br#"{"name":"lodash","version":"4.17.20","license":"MIT"}"#,
    );
    inv.file(
        2,
        "app/node_modules/@babel/core/package.json",
        br#"{"name":"@babel/core","version":"7.22.0"}"#,
    );
    inv.file(2, "app/package-lock.json", br#"{"lockfileVersion":3,"packages":{"node_modules/lodash":{"version":"4.17.20"},"node_modules/left-pad":{"version":"1.3.0"}}}"#);
    let inner = jar(&[("META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties", b"#Created by Maven\ngroupId=org.apache.logging.log4j\nartifactId=log4j-core\nversion=2.14.1\n".to_vec())]);
    let outer = jar(&[
        (
            "META-INF/MANIFEST.MF",
            b"Manifest-Version: 1.0\nMain-Class: x.App\n".to_vec(),
        ),
        (
            "META-INF/maven/com.example/app/pom.properties",
            b"groupId=com.example\nartifactId=app\nversion=1.0.0\n".to_vec(),
        ),
        ("BOOT-INF/lib/log4j-core-2.14.1.jar", inner),
    ]);
    assert!(inv.wants("app/app.jar", outer.len().max(5000) as u64));
    inv.file(3, "app/app.jar", &outer);
    inv.file(3, "usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec", b"Gem::Specification.new do |s|\n  s.name = \"rake\".freeze\n  s.version = \"13.0.6\"\nend\n");
    inv.file(
        3,
        "app/vendor/composer/installed.json",
        br#"[{"name":"guzzlehttp/psr7","version":"2.4.4"}]"#,
    );
    let p = inv.finish();
    let got: Vec<(Kind, &str, &str, &str)> = p
        .iter()
        .map(|p| {
            (
                p.kind,
                p.ecosystem.as_str(),
                p.name.as_str(),
                p.version.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (Kind::Maven, "Maven", "com.example:app", "1.0.0"),
            (
                Kind::Maven,
                "Maven",
                "org.apache.logging.log4j:log4j-core",
                "2.14.1"
            ),
            (Kind::Composer, "Packagist", "guzzlehttp/psr7", "2.4.4"),
            (Kind::Python, "PyPI", "requests", "2.30.0"),
            (Kind::Python, "PyPI", "six", "1.16.0"),
            (Kind::Gem, "RubyGems", "rake", "13.0.6"),
            (Kind::Npm, "npm", "@babel/core", "7.22.0"),
            (Kind::Npm, "npm", "left-pad", "1.3.0"),
            (Kind::Npm, "npm", "lodash", "4.17.20"),
        ]
    );
    let log4j = &p[1];
    assert_eq!(
        log4j.path,
        "app/app.jar!/BOOT-INF/lib/log4j-core-2.14.1.jar"
    );
    assert_eq!(
        log4j.purl,
        "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"
    );
    assert_eq!(p[6].purl, "pkg:npm/%40babel/core@7.22.0");
    // A broken jar is skipped, not a panic.
    let mut inv = Inventory::new();
    inv.file(0, "app/broken.jar", b"PK\x03\x04 truncated");
    assert!(inv.finish().is_empty());
}

#[test]
fn sboms_have_the_documented_structure() {
    let mut inv = Inventory::new();
    inv.file(0, "etc/os-release", DEBIAN_OS_RELEASE.as_bytes());
    inv.file(0, "var/lib/dpkg/status", DPKG_STATUS.as_bytes());
    inv.file(
        1,
        "app/node_modules/lodash/package.json",
        br#"{"name":"lodash","version":"4.17.20","license":"MIT"}"#,
    );
    let r = inv.finish_all();
    let meta = ImageMeta {
        name: "example/app:1".into(),
        digest: Some("sha256:0123".into()),
        os: r.os.clone(),
        timestamp: Some("2024-01-02T03:04:05Z".into()),
    };
    let c = cyclonedx_json(&r.packages, &meta);
    assert_eq!(c["bomFormat"], "CycloneDX");
    assert_eq!(c["specVersion"], "1.5");
    assert_eq!(c["version"], 1);
    let serial = c["serialNumber"].as_str().unwrap();
    assert!(
        serial.starts_with("urn:uuid:") && serial.len() == 45,
        "{serial}"
    );
    assert_eq!(c["metadata"]["component"]["type"], "container");
    assert_eq!(c["metadata"]["timestamp"], "2024-01-02T03:04:05Z");
    let comps = c["components"].as_array().unwrap();
    assert_eq!(comps.len(), 1 + r.packages.len());
    assert_eq!(comps[0]["type"], "operating-system");
    let refs: std::collections::HashSet<&str> = comps
        .iter()
        .map(|c| c["bom-ref"].as_str().unwrap())
        .collect();
    assert_eq!(refs.len(), comps.len(), "bom-refs unique");
    let lodash = comps.iter().find(|c| c["name"] == "lodash").unwrap();
    assert_eq!(lodash["purl"], "pkg:npm/lodash@4.17.20");
    assert_eq!(lodash["licenses"][0]["license"]["name"], "MIT");
    assert_eq!(
        cyclonedx_json(&r.packages, &meta),
        c,
        "deterministic for fixed input"
    );

    let s = spdx_json(&r.packages, &meta);
    assert_eq!(s["spdxVersion"], "SPDX-2.3");
    assert_eq!(s["dataLicense"], "CC0-1.0");
    assert_eq!(s["SPDXID"], "SPDXRef-DOCUMENT");
    assert!(s["documentNamespace"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    assert_eq!(s["creationInfo"]["created"], "2024-01-02T03:04:05Z");
    let pk = s["packages"].as_array().unwrap();
    assert_eq!(pk.len(), 1 + r.packages.len());
    for p in pk {
        let id = p["SPDXID"].as_str().unwrap();
        assert!(
            id.starts_with("SPDXRef-")
                && id[8..]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-'),
            "{id}"
        );
        assert_eq!(p["downloadLocation"], "NOASSERTION");
    }
    let rels = s["relationships"].as_array().unwrap();
    assert_eq!(rels[0]["relationshipType"], "DESCRIBES");
    assert_eq!(
        rels.iter()
            .filter(|r| r["relationshipType"] == "CONTAINS")
            .count(),
        r.packages.len()
    );
    let lodash = pk.iter().find(|p| p["name"] == "lodash").unwrap();
    assert_eq!(lodash["licenseDeclared"], "MIT");
    assert_eq!(lodash["externalRefs"][0]["referenceType"], "purl");
}

#[test]
fn verdict_counts_and_eol_message() {
    use drydock_core::{Category, Finding, Location, Severity, VulnerabilityInfo};
    let f = |sev: Severity, layer: usize, fixed: Option<&str>| {
        Finding::new(
            "VU001",
            sev,
            Category::Vulnerability,
            "m",
            Location::Package {
                image: "i".into(),
                package: "p".into(),
                version: "1".into(),
                path: "var/lib/dpkg/status".into(),
                layer: Some(layer),
            },
        )
        .with_vulnerability(VulnerabilityInfo {
            id: "CVE-1".into(),
            aliases: vec![],
            package: "p".into(),
            installed_version: "1".into(),
            fixed_version: fixed.map(Into::into),
            ecosystem: "Debian:10".into(),
        })
    };
    let findings = vec![
        f(Severity::High, 0, Some("2")),
        f(Severity::High, 0, None),
        f(Severity::Critical, 2, Some("3")),
    ];
    let eol = EolInfo {
        release: "Debian 10 (buster)".into(),
        is_eol: true,
        eol_date: Some("2024-06-30".into()),
        upgrade_to: Some("debian:12".into()),
    };
    let v = base_image_verdict(&findings, Some(1), Some(&eol));
    assert_eq!((v.total, v.fixable, v.fixable_in_base), (3, 2, 1));
    assert_eq!(v.by_severity[&Severity::High], 2);
    assert!(v.outdated);
    assert!(v.message.contains("1 critical, 2 high"), "{}", v.message);
    assert!(
        v.message.contains("end-of-life since 2024-06-30")
            && v.message.contains("rebuild on debian:12"),
        "{}",
        v.message
    );
    let v = base_image_verdict(&[], None, None);
    assert!(!v.outdated && v.message.contains("no known vulnerabilities"));
}
