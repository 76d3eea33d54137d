//! Registry-aware reuse of the layer cache, against a real registry (Debian's
//! `docker-registry`): a warm rescan fetches manifest and config but no layer blob, counted
//! in the registry's access log.

mod registry_support;

use drydock_image::registry::{self, RegistryOptions};
use drydock_image::{LayerCache, PlatformChoice};
use registry_support::*;
use std::sync::Arc;

/// GET requests for any of `digests` in the registry's access log.
fn layer_gets(log: &std::path::Path, digests: &[String]) -> usize {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains("\"GET /v2/") && digests.iter().any(|d| l.contains(d.as_str())))
        .count()
}

#[test]
fn warm_rescan_downloads_no_layer_blob() {
    if tool_missing("docker-registry") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let reg = Registry::start(dir.path(), "", "", false);
    let host = reg.host();
    let p = Pusher::new(&format!("http://{host}"), None, None);
    let img = build_image(
        "amd64",
        &[
            vec![("etc/os-release", b"ID=debian\nVERSION_ID=12\n".as_slice())],
            vec![(
                "app/.env",
                b"AWS_ACCESS_KEY_ID=AKIAZ3MSJV4WWNKXH3LP\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY9\n"
                    .as_slice(),
            )],
        ],
        false,
        "1000",
    );
    p.push_image("test/cached", Some("1.0"), &img);
    let store = drydock_cache::SqliteStore::open(&dir.path().join("cache"), 1 << 30, None).unwrap();
    let cache = LayerCache::new(Arc::new(store), "");
    let ropts = RegistryOptions {
        plain_http: true,
        no_environment_credentials: true,
        ..RegistryOptions::default()
    };
    let scan = || {
        let imgs = registry::open(
            &format!("{host}/test/cached:1.0"),
            &ropts,
            &PlatformChoice::Host,
        )
        .unwrap();
        let opts = drydock_image::ScanOptions {
            cache: Some(cache.clone()),
            ..Default::default()
        };
        drydock_image::scan(&imgs[0], &opts, &mut []).unwrap()
    };
    let cold = scan();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let after_cold = layer_gets(&reg.log, &img.layer_digests);
    assert!(
        after_cold >= img.layer_digests.len(),
        "the access log shows the cold scan's layer GETs:\n{}",
        std::fs::read_to_string(&reg.log).unwrap_or_default()
    );
    let warm = scan();
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(
        layer_gets(&reg.log, &img.layer_digests),
        after_cold,
        "a warm rescan downloads no layer blob"
    );
    let c = warm.cache.as_ref().unwrap();
    assert_eq!((c.hits, c.misses), (2, 0));
    let mut a: Vec<String> = cold.findings.iter().map(|f| format!("{f:?}")).collect();
    let mut b: Vec<String> = warm.findings.iter().map(|f| format!("{f:?}")).collect();
    a.sort();
    b.sort();
    assert!(a.iter().any(|f| f.contains("app/.env")), "{a:?}");
    assert_eq!(a, b);
}
