//! Shared fixtures: OSV records for real advisories (ids and fixed versions as published)
//! and zip archives of them.
#![allow(dead_code)]
use serde_json::{json, Value};
use std::io::Write;

pub fn zip_of(records: &[Value]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for r in records {
        w.start_file(format!("{}.json", r["id"].as_str().unwrap()), opts)
            .unwrap();
        w.write_all(serde_json::to_string_pretty(r).unwrap().as_bytes())
            .unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn range(kind: &str, introduced: &str, fixed: Option<&str>) -> Value {
    let mut events = vec![json!({"introduced": introduced})];
    if let Some(f) = fixed {
        events.push(json!({"fixed": f}));
    }
    json!({"type": kind, "events": events})
}

/// CVE-2023-4911 ("Looney Tunables"), Debian's record: fixed in bookworm by DSA-5514-1.
pub fn debian_glibc() -> Value {
    json!({
        "schema_version": "1.6.0",
        "id": "DEBIAN-CVE-2023-4911",
        "upstream": ["CVE-2023-4911"],
        "modified": "2024-09-18T03:25:43Z",
        "summary": "buffer overflow in ld.so GLIBC_TUNABLES processing",
        "affected": [
            {"package": {"ecosystem": "Debian:12", "name": "glibc", "purl": "pkg:deb/debian/glibc"},
             "ranges": [range("ECOSYSTEM", "0", Some("2.36-9+deb12u3"))]},
            {"package": {"ecosystem": "Debian:11", "name": "glibc"},
             "ranges": [range("ECOSYSTEM", "0", Some("2.31-13+deb11u7"))]}
        ],
        "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"}]
    })
}

/// DSA-5514-1: the Debian Security Advisory for the same fix (several CVEs).
pub fn debian_dsa_glibc() -> Value {
    json!({
        "id": "DSA-5514-1",
        "upstream": ["CVE-2023-4527", "CVE-2023-4806", "CVE-2023-4911"],
        "modified": "2023-10-03T00:00:00Z",
        "summary": "glibc - security update",
        "affected": [
            {"package": {"ecosystem": "Debian:12", "name": "glibc"},
             "ranges": [range("ECOSYSTEM", "0", Some("2.36-9+deb12u3"))]}
        ]
    })
}

/// CVE-2023-38545 (curl SOCKS5 heap overflow): fixed in bookworm in 7.88.1-10+deb12u4.
pub fn debian_curl() -> Value {
    json!({
        "id": "DEBIAN-CVE-2023-38545",
        "upstream": ["CVE-2023-38545"],
        "affected": [
            {"package": {"ecosystem": "Debian:12", "name": "curl"},
             "ranges": [range("ECOSYSTEM", "0", Some("7.88.1-10+deb12u4"))],
             "ecosystem_specific": {"urgency": "high"}}
        ]
    })
}

/// An advisory Debian has not fixed in bookworm (no `fixed` event), urgency unimportant.
pub fn debian_unfixed() -> Value {
    json!({
        "id": "DEBIAN-CVE-2022-0563",
        "upstream": ["CVE-2022-0563"],
        "affected": [
            {"package": {"ecosystem": "Debian:12", "name": "util-linux"},
             "ranges": [range("ECOSYSTEM", "0", None)],
             "ecosystem_specific": {"urgency": "unimportant"}}
        ]
    })
}

/// A withdrawn record must never match.
pub fn debian_withdrawn() -> Value {
    json!({
        "id": "DEBIAN-CVE-2099-0001",
        "withdrawn": "2024-01-01T00:00:00Z",
        "affected": [
            {"package": {"ecosystem": "Debian:12", "name": "glibc"},
             "ranges": [range("ECOSYSTEM", "0", None)]}
        ]
    })
}

/// CVE-2023-32681 (requests Proxy-Authorization leak), GHSA and PyPA records.
pub fn pypi_requests() -> Vec<Value> {
    vec![
        json!({
            "id": "GHSA-j8r2-6x86-q33q",
            "aliases": ["CVE-2023-32681", "PYSEC-2023-74"],
            "summary": "Unintended leak of Proxy-Authorization header in requests",
            "affected": [{"package": {"ecosystem": "PyPI", "name": "requests"},
                          "ranges": [range("ECOSYSTEM", "2.3.0", Some("2.31.0"))]}],
            "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N"}],
            "database_specific": {"severity": "MODERATE"}
        }),
        json!({
            "id": "PYSEC-2023-74",
            "aliases": ["CVE-2023-32681", "GHSA-j8r2-6x86-q33q"],
            "affected": [{"package": {"ecosystem": "PyPI", "name": "requests"},
                          "ranges": [range("ECOSYSTEM", "2.3.0", Some("2.31.0"))],
                          "versions": ["2.30.0"]}]
        }),
    ]
}

/// CVE-2021-23337 (lodash command injection in template), npm, SEMVER range.
pub fn npm_lodash() -> Value {
    json!({
        "id": "GHSA-35jh-r3h4-6jhm",
        "aliases": ["CVE-2021-23337"],
        "affected": [{"package": {"ecosystem": "npm", "name": "lodash"},
                      "ranges": [range("SEMVER", "0", Some("4.17.21"))]}],
        "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H"}]
    })
}

/// CVE-2021-44228 (Log4Shell).
pub fn maven_log4j() -> Value {
    json!({
        "id": "GHSA-jfh8-c2jp-5v3q",
        "aliases": ["CVE-2021-44228"],
        "affected": [{"package": {"ecosystem": "Maven", "name": "org.apache.logging.log4j:log4j-core"},
                      "ranges": [range("ECOSYSTEM", "2.0-beta9", Some("2.15.0"))]}],
        "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"}]
    })
}

/// CVE-2023-44487 (HTTP/2 rapid reset) in golang.org/x/net, fixed in 0.17.0.
pub fn go_xnet() -> Value {
    json!({
        "id": "GO-2023-2102",
        "aliases": ["CVE-2023-44487", "GHSA-qppj-fm5r-hxr3"],
        "affected": [{"package": {"ecosystem": "Go", "name": "golang.org/x/net"},
                      "ranges": [range("SEMVER", "0", Some("0.17.0"))]}]
    })
}

/// CVE-2023-4911 as Ubuntu publishes it (ecosystem `Ubuntu:22.04:LTS`), fixed in 2.35-0ubuntu3.4.
pub fn ubuntu_glibc() -> Value {
    json!({
        "id": "UBUNTU-CVE-2023-4911",
        "upstream": ["CVE-2023-4911"],
        "severity": [{"type": "Ubuntu", "score": "high"}],
        "affected": [{"package": {"ecosystem": "Ubuntu:22.04:LTS", "name": "glibc"},
                      "ranges": [range("ECOSYSTEM", "0", Some("2.35-0ubuntu3.4"))]},
                     {"package": {"ecosystem": "Ubuntu:Pro:16.04:LTS", "name": "glibc"},
                      "ranges": [range("ECOSYSTEM", "0", None)]}]
    })
}

/// CVE-2023-5363 (OpenSSL key/IV length processing), Alpine 3.18 fixed in 3.1.4-r0.
pub fn alpine_openssl() -> Value {
    json!({
        "id": "ALPINE-CVE-2023-5363",
        "upstream": ["CVE-2023-5363"],
        "affected": [{"package": {"ecosystem": "Alpine:v3.18", "name": "openssl"},
                      "ranges": [range("ECOSYSTEM", "0", Some("3.1.4-r0"))]}]
    })
}

/// RLSA-2023:5455 (glibc, CVE-2023-4911) for Rocky Linux 9: fixed in 2.34-60.el9_2.7.
pub fn rocky_glibc() -> Value {
    json!({
        "id": "RLSA-2023:5455",
        "aliases": ["CVE-2023-4911"],
        "affected": [{"package": {"ecosystem": "Rocky Linux:9", "name": "glibc"},
                      "ranges": [range("ECOSYSTEM", "0", Some("2.34-60.el9_2.7"))],
                      "ecosystem_specific": {"severity": "Important"}}]
    })
}
