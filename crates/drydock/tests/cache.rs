//! `drydock scan` with the layer cache, and `drydock cache status|clean`, end to end:
//! concurrent processes on one cache directory, warm = cold, flags and bad locations.

mod support;

use serde_json::json;
use std::path::Path;
use support::*;

/// An OCI layout of three layers (a secret in the last); `tag` makes the last one unique.
fn image(dir: &Path, tag: &str) {
    let tok = format!(
        "ghp_{}",
        "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8".get(..36).unwrap()
    );
    let layers = vec![
        tar_of(&[
            ("etc/os-release", b"ID=alpine\nVERSION_ID=3.20.1\n" as &[u8]),
            ("etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n"),
        ]),
        tar_of(&[("usr/lib/libz.so", b"\x7fELF-z")]),
        tar_of(&[(
            "srv/.env",
            format!("AWS_ACCESS_KEY_ID=AKIAZ3MSJV4WWNKXH3LP\nTAG={tag}\nTOKEN={tok}\n").as_bytes(),
        )]),
    ];
    oci_layout(dir, &layers, json!([]), json!({}));
}

/// Findings of a JSON report, sorted (parallel layer walks do not fix an order).
fn findings(out: &[u8]) -> Vec<String> {
    let v = json_of(out);
    let mut f: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.to_string())
        .collect();
    f.sort();
    f
}

fn scan(cache: &Path, target: &Path) -> std::process::Output {
    drydock()
        .args([
            "scan",
            "--no-vulns",
            "--fail-on",
            "none",
            "-f",
            "json",
            "--cache-dir",
        ])
        .arg(cache)
        .arg(format!("oci:{}", target.display()))
        .output()
        .unwrap()
}

#[test]
fn concurrent_processes_share_one_cache_and_warm_equals_cold() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let imgs: Vec<_> = (0..4)
        .map(|i| {
            let d = tmp.path().join(format!("img{i}"));
            image(&d, &format!("t{i}"));
            d
        })
        .collect();
    // Reference results without any cache.
    let cold: Vec<Vec<String>> = imgs
        .iter()
        .map(|d| {
            let o = drydock()
                .args([
                    "scan",
                    "--no-vulns",
                    "--no-cache",
                    "--fail-on",
                    "none",
                    "-f",
                    "json",
                ])
                .arg(format!("oci:{}", d.display()))
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            assert!(!String::from_utf8_lossy(&o.stderr).contains("layer cache"));
            findings(&o.stdout)
        })
        .collect();
    assert!(
        cold[0].iter().any(|f| f.contains("srv/.env")),
        "{:?}",
        cold[0]
    );
    // Four processes at once on one cache directory (they share the two base layers).
    let children: Vec<_> = imgs
        .iter()
        .map(|d| {
            let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("drydock"));
            c.env("HOME", tmp.path())
                .args([
                    "scan",
                    "--no-vulns",
                    "--fail-on",
                    "none",
                    "-f",
                    "json",
                    "--cache-dir",
                ])
                .arg(&cache)
                .arg(format!("oci:{}", d.display()))
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            c.spawn().unwrap()
        })
        .collect();
    for (i, c) in children.into_iter().enumerate() {
        let o = c.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{err}");
        assert!(!err.contains("warning"), "{err}");
        assert_eq!(findings(&o.stdout), cold[i]);
    }
    // Warm: every layer comes from the cache, same findings.
    for (i, d) in imgs.iter().enumerate() {
        let o = scan(&cache, d);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("layer cache: 3 of 3 layers reused, 0 scanned"),
            "{err}"
        );
        assert_eq!(findings(&o.stdout), cold[i]);
    }
    // status and clean.
    let st = drydock()
        .args(["cache", "status", "--cache-dir"])
        .arg(&cache)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&st.stdout);
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    // 2 shared base layers + 4 own layers.
    assert!(text.contains("entries:  6 layers"), "{text}");
    let cl = drydock()
        .args(["cache", "clean", "--older-than", "30d", "--cache-dir"])
        .arg(&cache)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&cl.stdout).contains("removed 0 cached layers"));
    let cl = drydock()
        .args(["cache", "clean", "--cache-dir"])
        .arg(&cache)
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&cl.stdout).contains("removed 6 cached layers"),
        "{}",
        String::from_utf8_lossy(&cl.stdout)
    );
    let o = scan(&cache, &imgs[0]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("0 of 3 layers reused, 3 scanned"));
}

#[test]
fn bad_cache_locations_are_clear_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let img = tmp.path().join("img");
    image(&img, "x");
    let target = format!("oci:{}", img.display());
    let o = drydock()
        .args(["scan", "--no-vulns", "--cache", "memcached://u:pw123@h/"])
        .arg(&target)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("unknown scheme") && !err.contains("pw123"),
        "{err}"
    );
    // A named Redis that is not there: an error naming it (without its password).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let o = drydock()
        .args(["scan", "--no-vulns"])
        .arg("--cache")
        .arg(format!("redis://:pw456@127.0.0.1:{port}/0"))
        .arg(&target)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("127.0.0.1:{port}")) && !err.contains("pw456"),
        "{err}"
    );
    let o = drydock()
        .args(["scan", "--no-vulns", "--cache-ttl", "soon"])
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("`soon` is not a duration"));
    // A cache directory that cannot be created (a file is in the way), named by the user.
    let file = tmp.path().join("plain-file");
    std::fs::write(&file, "x").unwrap();
    let o = drydock()
        .args(["scan", "--no-vulns", "--cache-dir"])
        .arg(file.join("sub"))
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cache directory"));
}
