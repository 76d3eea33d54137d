//! Every source format gives the same image and the same findings.

use crate::common::*;
use drydock_image::{open, OpenOptions, PlatformChoice};
use std::path::Path;

fn summary_key(s: &drydock_image::ImageScan) -> Vec<(String, Option<String>, Option<usize>)> {
    let mut v: Vec<_> = s
        .findings
        .iter()
        .map(|f| {
            let dl = deleted_in(f);
            (f.rule.clone(), f.location.path().map(|p| p.to_string()), dl)
        })
        .collect();
    v.sort();
    v
}

fn no_secrets() -> drydock_image::ScanOptions {
    let mut o = drydock_image::ScanOptions {
        scan_date: Some(drydock_core::eol::Date::parse("2026-11-27").unwrap()),
        ..Default::default()
    };
    o.walk.secrets = false;
    o
}

fn scan_source(src: &str) -> Vec<drydock_image::ImageScan> {
    let imgs = open(src, &OpenOptions::default()).unwrap_or_else(|e| panic!("{src}: {e}"));
    imgs.iter()
        .map(|i| {
            drydock_image::scan(i, &no_secrets(), &mut []).unwrap_or_else(|e| panic!("{src}: {e}"))
        })
        .collect()
}

#[test]
fn all_formats_agree() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let img = planted();
    let mut docker = planted();
    docker.docker_types = true;
    write_oci_layout(&d.join("oci"), &[("1.0", &img)]);
    write_oci_archive(&d.join("oci.tar"), &[("1.0", &img)]);
    write_dir_image(&d.join("skopeo-dir"), &docker);
    for (name, style) in [
        ("skopeo.tar", DockerStyle::Skopeo),
        ("legacy.tar", DockerStyle::Legacy),
        ("ocidocker.tar", DockerStyle::OciInDocker),
    ] {
        write_docker_archive(&d.join(name), &[(&["lab/planted:1.0"], &docker)], style);
    }
    // A docker-archive gzipped as a whole.
    let raw = std::fs::read(d.join("skopeo.tar")).unwrap();
    std::fs::write(d.join("skopeo.tar.gz"), compress(&raw, Comp::Gzip)).unwrap();
    let p = |n: &str| d.join(n).display().to_string();
    let reference = scan_source(&format!("oci:{}:1.0", p("oci")));
    assert_eq!(reference.len(), 1);
    let key = summary_key(&reference[0]);
    assert!(
        key.iter().any(|k| k.0 == "IM003" && k.2 == Some(2)),
        "{key:?}"
    );
    for src in [
        p("oci"),
        format!("oci-archive:{}:1.0", p("oci.tar")),
        p("oci.tar"),
        format!("docker-archive:{}", p("skopeo.tar")),
        p("legacy.tar"),
        format!("docker-archive:{}:lab/planted:1.0", p("ocidocker.tar")),
        p("skopeo.tar.gz"),
        format!("dir:{}", p("skopeo-dir")),
        p("skopeo-dir"),
    ] {
        let s = scan_source(&src);
        assert_eq!(s.len(), 1, "{src}");
        assert_eq!(summary_key(&s[0]), key, "{src}");
        assert_eq!(s[0].summary.layers.len(), 3, "{src}");
        assert_eq!(
            s[0].summary.total_size, reference[0].summary.total_size,
            "{src}"
        );
    }
    let legacy = scan_source(&p("legacy.tar"));
    assert_eq!(legacy[0].summary.name, "lab/planted:1.0");

    // dir: blobs are verified like any other: a flipped byte is a digest mismatch.
    let b = docker.build();
    let layer = d
        .join("skopeo-dir")
        .join(b.layers[1].1.trim_start_matches("sha256:"));
    let mut bytes = std::fs::read(&layer).unwrap();
    // A byte the layer's other checks do not see: gzip's CRC-32 (skipped, the digest covers
    // it), or a byte of the first file's content in a plain tar.
    let at = if b.layers[1].3.ends_with("gzip") {
        bytes.len() - 8
    } else {
        512 + 5
    };
    bytes[at] ^= 1;
    std::fs::write(&layer, bytes).unwrap();
    let src = format!("dir:{}", p("skopeo-dir"));
    let err = open(&src, &OpenOptions::default())
        .and_then(|imgs| drydock_image::scan(&imgs[0], &no_secrets(), &mut []))
        .err()
        .unwrap_or_else(|| panic!("{src}: a corrupt blob must fail"));
    assert!(err.to_string().contains("mismatch"), "{err}");
    let err = open(&format!("dir:{}", p("oci")), &OpenOptions::default()).unwrap_err();
    assert!(err.to_string().contains("manifest.json"), "{err}");
}

#[test]
fn legacy_symlinked_layers_and_multi_image_selection() {
    let dir = tempfile::tempdir().unwrap();
    let shared = Layer::new().file("etc/hostname", b"x\n");
    let a = Image::new()
        .layer(shared.clone(), Comp::None, "ADD a")
        .layer(Layer::new().file("a", b"a"), Comp::None, "RUN a");
    // The same layer twice: docker save writes the second as a symlink.
    let b = Image::new()
        .layer(shared.clone(), Comp::None, "ADD b")
        .layer(shared, Comp::None, "ADD again");
    let path = dir.path().join("multi.tar");
    write_docker_archive(&path, &[(&["app:a"], &a), (&[], &b)], DockerStyle::Legacy);
    let p = path.display().to_string();
    let all = open(&p, &OpenOptions::default()).unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].name, "app:a");
    assert!(all[1].name.ends_with("@1"), "{}", all[1].name);
    let b_only = open(&format!("docker-archive:{p}:@1"), &OpenOptions::default()).unwrap();
    assert_eq!(b_only.len(), 1);
    let s = drydock_image::scan(&b_only[0], &no_secrets(), &mut []).unwrap();
    assert_eq!(s.summary.layers[0].diff_id, s.summary.layers[1].diff_id);
    let by_tag = open(
        &format!("docker-archive:{p}:docker.io/library/app:a"),
        &OpenOptions::default(),
    )
    .unwrap();
    assert_eq!(by_tag[0].name, "app:a");
    let e = open(
        &format!("docker-archive:{p}:app:zzz"),
        &OpenOptions::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("app:a"), "{e}");
    let e = open(&format!("docker-archive:{p}:@7"), &OpenOptions::default()).unwrap_err();
    assert!(e.to_string().contains("@7"), "{e}");
}

#[test]
fn oci_layouts_tags_media_type_sniffing_and_platforms() {
    let dir = tempfile::tempdir().unwrap();
    let mut bare = clean();
    bare.omit_media_type = true;
    let combined = dir.path().join("combined");
    write_oci_layout(&combined, &[("clean", &clean()), ("bare", &bare)]);
    let c = combined.display().to_string();
    assert_eq!(
        open(&format!("oci:{c}"), &OpenOptions::default())
            .unwrap()
            .len(),
        2
    );
    let one = open(&format!("oci:{c}:bare"), &OpenOptions::default()).unwrap();
    assert_eq!(one.len(), 1);
    assert!(one[0].name.ends_with(":bare"));
    let e = open(&format!("oci:{c}:nope"), &OpenOptions::default()).unwrap_err();
    assert!(e.to_string().contains("clean, bare"), "{e}");

    let mut arm = clean();
    arm.arch = "arm64".into();
    arm.variant = Some("v8".into());
    arm.layers[0].tar = Layer::new().file("arm", b"arm64 binary").tar();
    let ma = dir.path().join("multiarch");
    write_oci_multiarch(&ma, "1.35", &[&clean(), &arm]);
    let m = format!("oci:{}:1.35", ma.display());
    let mut o = OpenOptions {
        platform: PlatformChoice::All,
        ..Default::default()
    };
    let all = open(&m, &o).unwrap();
    let plats: Vec<String> = all
        .iter()
        .map(|i| i.platform.as_ref().unwrap().to_string())
        .collect();
    assert_eq!(plats, vec!["linux/amd64", "linux/arm64/v8"]);
    assert!(all.iter().all(|i| i.skipped_platforms.is_empty()));
    o.platform = PlatformChoice::parse("linux/arm64").unwrap();
    let a = open(&m, &o).unwrap();
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].platform.as_ref().unwrap().architecture, "arm64");
    // The report must say the other platform was not scanned.
    assert_eq!(a[0].skipped_platforms, vec!["linux/amd64".to_string()]);
    o.platform = PlatformChoice::parse("linux/s390x").unwrap();
    let e = open(&m, &o).unwrap_err();
    assert!(e.to_string().contains("linux/amd64"), "{e}");
}

#[test]
fn stream_scan_matches_file_scan_and_feeds_sinks() {
    struct Sink(Vec<(usize, String)>);
    impl drydock_core::FileSink for Sink {
        fn wants(&self, path: &str, _: u64) -> bool {
            path == "etc/passwd" || path.ends_with(".list")
        }
        fn file(&mut self, layer: usize, path: &str, _: &[u8]) {
            self.0.push((layer, path.into()));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let mut img = planted();
    img.docker_types = true;
    for style in [
        DockerStyle::Legacy,
        DockerStyle::Skopeo,
        DockerStyle::OciInDocker,
    ] {
        let path = dir.path().join(format!("{style:?}.tar"));
        write_docker_archive(&path, &[(&["lab/planted:1.0"], &img)], style);
        let file_scan = scan_source(&path.display().to_string());
        let mut sink = Sink(Vec::new());
        let f = std::fs::File::open(&path).unwrap();
        let s = drydock_image::scan_docker_archive_stream(
            f,
            "stream",
            None,
            &no_secrets(),
            &mut [&mut sink],
        )
        .unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(summary_key(&s[0]), summary_key(&file_scan[0]), "{style:?}");
        sink.0.sort();
        assert_eq!(sink.0.len(), 2, "{style:?}");
        assert!(sink.0.iter().all(|(l, _)| *l == 0));
    }
    // A stream whose layer does not match its diff_id.
    let path = dir.path().join("Legacy.tar");
    let mut bytes = std::fs::read(&path).unwrap();
    let pos = bytes.windows(10).position(|w| w == b"toor:x:0:0").unwrap();
    bytes[pos] = b'T';
    let e = drydock_image::scan_docker_archive_stream(
        &bytes[..],
        "stream",
        None,
        &no_secrets(),
        &mut [],
    )
    .unwrap_err();
    assert!(e.to_string().contains("diff_ids"), "{e}");
}

#[test]
fn integrity_errors_name_the_blob() {
    let dir = tempfile::tempdir().unwrap();
    let layout = dir.path().join("oci");
    write_oci_layout(&layout, &[("1.0", &clean())]);
    let built = clean().build();
    let layer_digest = &built.layers[0].1;
    let blob = layout.join("blobs/sha256").join(&layer_digest[7..]);
    let mut b = std::fs::read(&blob).unwrap();
    let n = b.len();
    b[n / 2] ^= 0x55;
    std::fs::write(&blob, &b).unwrap();
    let imgs = open(
        &format!("oci:{}", layout.display()),
        &OpenOptions::default(),
    )
    .unwrap();
    let e = drydock_image::scan(&imgs[0], &no_secrets(), &mut []).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains(&layer_digest[..19]), "{msg}");
    // A missing blob.
    std::fs::remove_file(&blob).unwrap();
    let e = drydock_image::scan(&imgs[0], &no_secrets(), &mut []).unwrap_err();
    assert!(e.to_string().contains("not found"), "{e}");
    // Wrong diff_id: the uncompressed digest is checked too.
    let mut img = resolved(&clean(), "x");
    img.config.rootfs.diff_ids[0] = format!("sha256:{}", "0".repeat(64));
    let e = drydock_image::scan(&img, &no_secrets(), &mut []).unwrap_err();
    assert!(e.to_string().contains("rootfs.diff_ids"), "{e}");
    // Not an image at all.
    let junk = dir.path().join("junk.tar");
    std::fs::write(&junk, b"hello").unwrap();
    assert!(open(&junk.display().to_string(), &OpenOptions::default()).is_err());
    assert!(open(
        &format!("oci:{}", dir.path().join("none").display()),
        &OpenOptions::default()
    )
    .is_err());
    assert!(Path::new(&layout).exists());
}

#[test]
fn a_corrupt_layer_blob_is_reported_as_a_digest_mismatch() {
    // An uncompressed layer whose first tar header has a flipped byte: the walk fails on
    // the header checksum before the digest check at the end; the error must name the
    // cause (the blob does not match its digest), not the symptom.
    let dir = tempfile::tempdir().unwrap();
    let img = Image::new().layer(
        Layer::new().file("data/a.txt", b"hello\n"),
        Comp::None,
        "ADD",
    );
    let layout = dir.path().join("oci");
    write_oci_layout(&layout, &[("1.0", &img)]);
    let b = img.build();
    let blob = layout
        .join("blobs/sha256")
        .join(b.layers[0].1.trim_start_matches("sha256:"));
    let mut bytes = std::fs::read(&blob).unwrap();
    bytes[100] ^= 0x01; // the mode field of the first header
    std::fs::write(&blob, bytes).unwrap();
    let imgs = open(
        &format!("oci:{}", layout.display()),
        &OpenOptions::default(),
    )
    .unwrap();
    let err = drydock_image::scan(&imgs[0], &no_secrets(), &mut []).unwrap_err();
    assert!(
        matches!(err, drydock_image::ImageError::DigestMismatch { .. }),
        "the cause, not the symptom: {err}"
    );
    assert!(err.to_string().contains(&b.layers[0].1), "{err}");
}

#[test]
fn an_archive_given_as_a_layout_says_which_transport_fits() {
    let dir = tempfile::tempdir().unwrap();
    let tar = dir.path().join("app.tar");
    write_oci_archive(&tar, &[("1.0", &Image::new())]);
    let err = open(&format!("oci:{}", tar.display()), &OpenOptions::default()).unwrap_err();
    assert!(err.to_string().contains("use oci-archive:"), "{err}");
}
