//! `registry::pin_digest` (what `drydock fix` pins a FROM to) against a real registry
//! (Debian's `docker-registry`) started on 127.0.0.1 with images built here: a tag pins to
//! the registry's manifest digest, a multi-platform tag to its index digest, and a
//! `--platform` the index lacks is an error naming the platforms it has.

mod registry_support;

use drydock_image::registry::{self, RegistryOptions};
use registry_support::*;

fn plain() -> RegistryOptions {
    RegistryOptions {
        plain_http: true,
        no_environment_credentials: true,
        ..RegistryOptions::default()
    }
}

fn image(arch: &str, docker: bool) -> BuiltImage {
    build_image(
        arch,
        &[vec![("etc/os-release", b"ID=alpine\n".as_slice())]],
        docker,
        "0",
    )
}

#[test]
fn pins_equal_the_registrys_manifest_and_index_digests() {
    if tool_missing("docker-registry") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let reg = Registry::start(dir.path(), "", "", false);
    let host = reg.host();
    let p = Pusher::new(&format!("http://{host}"), None, None);

    let single = image("amd64", true);
    p.push_image("lab/single", Some("1.0"), &single);
    let amd = image("amd64", false);
    let arm = image("arm64", false);
    p.push_image("lab/multi", None, &amd);
    p.push_image("lab/multi", None, &arm);
    let (index, index_type) = build_index(&[&amd, &arm], false);
    p.push_manifest("lab/multi", "2.0", &index_type, &index);
    p.push_manifest("lab/multi", "latest", &index_type, &index);

    let got = registry::pin_digest(&format!("{host}/lab/single:1.0"), &plain(), None).unwrap();
    assert_eq!(got, single.manifest_digest());

    let index_digest = sha256(&index);
    for tag in ["2.0", "latest"] {
        let r = format!("{host}/lab/multi:{tag}");
        assert_eq!(
            registry::pin_digest(&r, &plain(), None).unwrap(),
            index_digest
        );
        // The FROM's platform is in the index: still the index digest (one pin, every platform).
        assert_eq!(
            registry::pin_digest(&r, &plain(), Some("linux/arm64")).unwrap(),
            index_digest
        );
    }
    // No tag means latest.
    assert_eq!(
        registry::pin_digest(&format!("{host}/lab/multi"), &plain(), None).unwrap(),
        index_digest
    );

    let e = registry::pin_digest(
        &format!("{host}/lab/multi:2.0"),
        &plain(),
        Some("linux/s390x"),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("linux/s390x") && e.contains("linux/arm64"),
        "{e}"
    );
    let e = registry::pin_digest(&format!("{host}/lab/nothing:1"), &plain(), None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("lab/nothing"), "{e}");
}
