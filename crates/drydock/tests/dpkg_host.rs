//! "The dpkg inventory equals `dpkg-query -W`, package for package", without the lab: this
//! machine's own dpkg database (and os-release) packed into an image layer, scanned through
//! the whole pipeline (`drydock sbom` → image walker → inventory), compared with
//! `dpkg-query -W` run on the host by (package, version, architecture).

mod support;

use serde_json::json;
use std::collections::BTreeSet;

fn skip(why: &str) {
    if std::env::var("DRYDOCK_REQUIRE_INTEGRATION").as_deref() == Ok("1") {
        panic!("{why} (DRYDOCK_REQUIRE_INTEGRATION=1)");
    }
    eprintln!("!!! SKIPPED: {why} !!!");
}

type Triple = (String, String, String);

/// Installed packages by dpkg's own reading. Packages in `config-files` state (removed,
/// configuration kept) have no files on disk and are not inventoried.
fn host_dpkg_query() -> Option<BTreeSet<Triple>> {
    let out = std::process::Command::new("dpkg-query")
        .args([
            "-W",
            "-f=${db:Status-Status}\\t${Package}\\t${Version}\\t${Architecture}\\n",
        ])
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "dpkg-query failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| match l.split('\t').collect::<Vec<_>>().as_slice() {
                [st, p, v, a] if *st != "config-files" && *st != "not-installed" => {
                    Some((p.to_string(), v.to_string(), a.to_string()))
                }
                _ => None,
            })
            .collect(),
    )
}

#[test]
fn host_dpkg_database_through_the_image_pipeline() {
    let Ok(status) = std::fs::read("/var/lib/dpkg/status") else {
        return skip("no /var/lib/dpkg/status: this machine is not Debian-based");
    };
    let Some(want) = host_dpkg_query() else {
        return skip("dpkg-query is not installed");
    };
    // Read the status file again after dpkg-query: if apt changed it in between, retry once.
    let status = match std::fs::read("/var/lib/dpkg/status") {
        Ok(again) if again != status => again,
        _ => status,
    };
    let os_release = std::fs::read("/etc/os-release").unwrap_or_default();
    assert!(want.len() > 50, "only {} packages", want.len());

    let tmp = tempfile::tempdir().unwrap();
    let image = tmp.path().join("host");
    let layer = support::tar_of(&[
        ("etc/os-release", &os_release),
        ("var/lib/dpkg/status", &status),
    ]);
    support::oci_layout(
        &image,
        &[layer],
        json!([{"created_by": "host dpkg database"}]),
        json!({}),
    );
    let (doc, _) = support::sbom_of(&image, tmp.path());
    let got: BTreeSet<Triple> = doc["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| {
            let purl = c["purl"].as_str()?;
            if !purl.starts_with("pkg:deb/") {
                return None;
            }
            let arch = purl
                .split_once('?')?
                .1
                .split('&')
                .find_map(|q| q.strip_prefix("arch="))?;
            Some((
                c["name"].as_str()?.to_string(),
                c["version"].as_str()?.to_string(),
                arch.to_string(),
            ))
        })
        .collect();
    let missing: Vec<_> = want.difference(&got).collect();
    let extra: Vec<_> = got.difference(&want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{} packages from dpkg-query, {} from drydock\nmissing: {missing:?}\nextra: {extra:?}",
        want.len(),
        got.len()
    );
}
