//! Real images built by podman/buildah/skopeo/umoci/dockerd in `$LAB` (default
//! /root/drydock-lab, built by ../shared/lab/rebuild-all.sh). The project's tests must not
//! depend on the lab: when it is absent these tests say so loudly and return.

use crate::common::*;
use drydock_core::Severity;
use std::path::PathBuf;

fn lab() -> Option<PathBuf> {
    // Real images are hundreds of MB: far too slow for a debug build within the suite's
    // time budget. `cargo test --release -p drydock-image --test image lab` runs them.
    if cfg!(debug_assertions) {
        eprintln!("!!! SKIPPED: lab image tests run only in release builds (cargo test --release -p drydock-image --test image lab)");
        return None;
    }
    let p = PathBuf::from(std::env::var("LAB").unwrap_or_else(|_| "/root/drydock-lab".into()));
    if p.join("images").is_dir() {
        Some(p)
    } else {
        eprintln!(
            "!!! SKIPPED: no image lab at {} (build it with ../shared/lab/rebuild-all.sh)",
            p.display()
        );
        None
    }
}

fn scan_lab(src: &str) -> Option<Vec<drydock_image::ImageScan>> {
    let path = src
        .rsplit_once(':')
        .map_or(src, |(_, p)| p)
        .split(':')
        .next()
        .unwrap_or(src);
    let _ = path;
    let imgs = match drydock_image::open(src, &Default::default()) {
        Ok(i) => i,
        Err(drydock_image::ImageError::NotFound { .. }) => {
            eprintln!("!!! SKIPPED: {src} not in the lab");
            return None;
        }
        Err(e) => panic!("{src}: {e}"),
    };
    Some(
        imgs.iter()
            .map(|i| {
                drydock_image::scan(i, &Default::default(), &mut [])
                    .unwrap_or_else(|e| panic!("{src}: {e}"))
            })
            .collect(),
    )
}

#[test]
fn lab_images_scan_and_show_their_planted_findings() {
    let Some(lab) = lab() else { return };
    let img = |rel: &str| lab.join("images").join(rel).display().to_string();
    let exists = |rel: &str| lab.join("images").join(rel).exists();
    if exists("oci/deleted-secret") {
        let s = &scan_lab(&format!("oci:{}", img("oci/deleted-secret"))).unwrap()[0];
        for p in ["root/.ssh/id_rsa", "root/.npmrc", "root/.aws/credentials"] {
            let f = with_rule(s, "IM003", p);
            assert!(!f.is_empty(), "{p}: {:#?}", s.findings);
            assert!(deleted_in(f[0]).is_some(), "{p} should be deleted");
        }
    }
    if exists("docker-archive/root-and-secrets.tar") {
        let s = &scan_lab(&img("docker-archive/root-and-secrets.tar")).unwrap()[0];
        for rule in ["IM004", "IM009", "IM007"] {
            assert!(
                s.findings.iter().any(|f| f.rule == rule),
                "{rule}: {:#?}",
                s.findings
            );
        }
        assert!(!with_rule(s, "IM003", "app/.env").is_empty());
        assert!(!with_rule(s, "IM003", "root/.ssh/id_rsa").is_empty());
        assert!(
            with_rule(s, "IM001", "legacy-tokens.txt").is_empty(),
            "negatives must not be reported"
        );
    }
    if exists("oci/setuid-and-worldwritable") {
        let s = &scan_lab(&format!("oci:{}", img("oci/setuid-and-worldwritable"))).unwrap()[0];
        assert!(
            s.findings.iter().filter(|f| f.rule == "IM010").count() >= 3,
            "{:#?}",
            s.findings
        );
        assert!(s.findings.iter().any(|f| f.rule == "IM011"));
    }
    if exists("oci/clean") {
        let s = &scan_lab(&format!("oci:{}", img("oci/clean"))).unwrap()[0];
        let bad: Vec<_> = s
            .findings
            .iter()
            .filter(|f| f.severity >= Severity::Medium)
            .collect();
        assert!(bad.is_empty(), "{bad:#?}");
        assert_eq!(s.summary.os.as_ref().map(|o| o.id.as_str()), Some("debian"));
    }
    for rel in [
        "oci-archive/clean.tar",
        "docker-archive/multi-small.tar",
        "docker-save/root-and-secrets.tar",
        "oci-zstd/deleted-secret",
        "oci-uncompressed/deleted-secret",
        "oci/busybox-multiarch",
        "oci/umoci-made",
    ] {
        if exists(rel) {
            let src = if rel.starts_with("oci-archive")
                || rel.ends_with(".tar")
                || rel.ends_with(".gz")
            {
                img(rel)
            } else {
                format!("oci:{}", img(rel))
            };
            let s = scan_lab(&src).unwrap();
            assert!(!s.is_empty(), "{rel}");
        }
    }
}
