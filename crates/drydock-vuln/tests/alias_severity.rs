//! An OS advisory without any severity borrows the CVSS score of another record in the
//! database that shares an alias (a GHSA rating the same CVE), and says where it came from;
//! medium is the fallback only when no record rates it, and the finding says so.
mod common;

use common::zip_of;
use drydock_core::{Confidence, Severity};
use drydock_vuln::{match_packages, Db, Kind, MatchOptions, Package};
use serde_json::json;

fn debian(id: &str, cve: &str, name: &str) -> serde_json::Value {
    json!({
        "id": id,
        "upstream": [cve],
        "affected": [{"package": {"ecosystem": "Debian:12", "name": name},
                      "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.3.1-1"}]}]}]
    })
}

#[test]
fn unrated_debian_advisory_takes_the_cvss_of_its_aliased_ghsa() {
    let tmp = tempfile::tempdir().unwrap();
    let mut db = Db::open(&tmp.path().join("osv.sqlite")).unwrap();
    let deb = zip_of(&[
        debian("DEBIAN-CVE-2022-37434", "CVE-2022-37434", "zlib"),
        debian("DEBIAN-CVE-2099-0002", "CVE-2099-0002", "zlib"),
    ]);
    db.import_zip_reader(std::io::Cursor::new(deb), Some("Debian"), "Debian/all.zip")
        .unwrap();
    // The GHSA is about another ecosystem's package: only the alias links them.
    let ghsa = json!({
        "id": "GHSA-cfmr-vrgj-vqwv",
        "aliases": ["CVE-2022-37434"],
        "affected": [{"package": {"ecosystem": "npm", "name": "zlib-sync"},
                      "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "0.1.8"}]}]}],
        "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]
    });
    db.import_zip_reader(std::io::Cursor::new(zip_of(&[ghsa])), None, "npm.zip")
        .unwrap();
    let mut p = Package::new(
        Kind::Dpkg,
        "zlib1g",
        "1:1.2.13.dfsg-1",
        "var/lib/dpkg/status",
        0,
    );
    p.ecosystem = "Debian:12".into();
    p.source_name = Some("zlib".into());
    p.source_version = Some("1.2.13.dfsg-1".into());
    let opts = MatchOptions {
        image: "app:1".into(),
        base_layers: None,
    };
    let found = match_packages(&db, &[p], &opts).unwrap();
    let by_id = |id: &str| {
        found
            .iter()
            .find(|f| f.vulnerability.as_ref().unwrap().id == id)
            .unwrap_or_else(|| panic!("{id} not found in {found:#?}"))
    };
    let rated = by_id("CVE-2022-37434");
    assert_eq!(rated.severity, Severity::Critical, "{}", rated.message);
    assert_eq!(rated.confidence, Some(Confidence::High));
    assert!(
        rated
            .message
            .contains("severity from GHSA-cfmr-vrgj-vqwv, CVSS 9.8"),
        "{}",
        rated.message
    );
    let unrated = by_id("CVE-2099-0002");
    assert_eq!(unrated.severity, Severity::Medium);
    assert_eq!(unrated.confidence, Some(Confidence::Medium));
    assert!(
        unrated.message.contains("medium by default"),
        "{}",
        unrated.message
    );
}
