//! Hostile and broken archives: each gives a clear error or a finding, never a panic,
//! a hang or a write to disk.

use crate::common::*;
use drydock_core::Severity;
use drydock_image::ScanOptions;

fn opts() -> ScanOptions {
    let mut o = ScanOptions::default();
    o.walk.secrets = false;
    o
}

fn scan_layer(
    tar: Vec<u8>,
    comp: Comp,
    o: &ScanOptions,
) -> Result<drydock_image::ImageScan, drydock_image::ImageError> {
    let img = Image::new().raw_layer(tar, comp, "RUN hostile");
    drydock_image::scan(&resolved(&img, "hostile:1"), o, &mut [])
}

fn anomalies(s: &drydock_image::ImageScan) -> Vec<(String, Severity)> {
    s.findings
        .iter()
        .filter(|f| f.rule == "IM016")
        .map(|f| (f.message.clone(), f.severity))
        .collect()
}

#[test]
fn traversal_absolute_duplicate_and_dangling_entries_are_findings() {
    let tar = Layer::new()
        .file("../../etc/cron.d/evil", b"* * * * * root sh\n")
        .file("/etc/abs", b"x")
        .file("etc/dup", b"one")
        .file("etc/dup", b"two")
        .hardlink("etc/hl", "etc/missing")
        .symlink("etc/os-release", "os-release2")
        .symlink("etc/os-release2", "/etc/os-release")
        .tar();
    let s = scan_layer(tar, Comp::Gzip, &opts()).unwrap();
    let a = anomalies(&s);
    assert!(
        a.iter()
            .any(|(m, sev)| m.contains("../../etc/cron.d/evil") && *sev == Severity::High),
        "{a:?}"
    );
    assert!(
        a.iter()
            .any(|(m, _)| m.contains("/etc/abs") && m.contains("absolute")),
        "{a:?}"
    );
    assert!(
        a.iter()
            .any(|(m, _)| m.contains("etc/dup") && m.contains("duplicate")),
        "{a:?}"
    );
    assert!(a.iter().any(|(m, _)| m.contains("etc/missing")), "{a:?}");
    // The traversal entry is not part of the filesystem; the absolute one is, normalised.
    assert!(s
        .findings
        .iter()
        .all(|f| f.location.path() != Some("/etc/cron.d/evil")));
    // The os-release symlink loop is survived: no OS.
    assert!(s.summary.os.is_none());
}

#[test]
fn long_names_pax_and_gnu_are_read() {
    let long = format!("app/{}/secret.env", "d".repeat(150));
    let tar = Layer::new()
        .long_file(&long, b"A=1\n", false)
        .long_file(&format!("{long}.pax"), b"B=2\n", true)
        .tar();
    let s = scan_layer(tar, Comp::None, &opts()).unwrap();
    assert_eq!(s.summary.files, 2, "{:#?}", s.summary);
}

#[test]
fn malformed_headers_and_truncation_give_clear_errors() {
    // Bad checksum.
    let mut h = Layer::header_for("etc/x", tar::EntryType::Regular, 3);
    h[148] = b'9';
    let e = scan_layer(Layer::new().raw(h, b"abc").tar(), Comp::None, &opts()).unwrap_err();
    assert!(
        e.to_string().contains("hostile") || e.to_string().contains("mem"),
        "{e}"
    );
    assert!(
        e.to_string().to_lowercase().contains("checksum") || e.to_string().contains("malformed"),
        "{e}"
    );
    // A header claiming 1 TiB of data in a short stream.
    let huge = Layer::header_for("etc/huge", tar::EntryType::Regular, 1 << 40);
    let mut tar = Layer::new().raw(huge, b"").tar();
    tar.truncate(1024);
    let e = scan_layer(tar, Comp::Gzip, &opts()).unwrap_err();
    assert!(
        matches!(e, drydock_image::ImageError::Truncated { .. }),
        "{e:?}"
    );
    // A gzip stream cut in the middle.
    let good = Layer::new().zeros("big", 1 << 20).file("x", b"y").tar();
    let mut gz = compress(&good, Comp::Gzip);
    gz.truncate(gz.len() / 2);
    let mut img = resolved(&Image::new().raw_layer(good, Comp::Gzip, "x"), "t");
    let d = sha256(&gz);
    img.layers[0].digest = d.clone();
    img.layers[0].size = gz.len() as u64;
    img.store = std::sync::Arc::new(MemStore([(d, gz)].into()));
    let e = drydock_image::scan(&img, &opts(), &mut []).unwrap_err();
    assert!(
        e.to_string().contains("truncated") || e.to_string().contains("corrupt"),
        "{e}"
    );
    // Garbage instead of a layer.
    let e = scan_layer(
        b"this is not a tar archive at all".to_vec(),
        Comp::None,
        &opts(),
    );
    assert!(e.is_err() || e.unwrap().summary.files == 0);
}

#[test]
fn decompression_bombs_hit_the_limits() {
    let bomb = Layer::new().zeros("zeros", 8 << 20).tar();
    let mut o = opts();
    o.limits.max_ratio = 100;
    o.limits.ratio_grace = 1 << 20;
    let e = scan_layer(bomb.clone(), Comp::Gzip, &o).unwrap_err();
    assert!(
        matches!(e, drydock_image::ImageError::Limit { .. }),
        "{e:?}"
    );
    assert!(e.to_string().contains("decompression"), "{e}");
    let mut o = opts();
    o.limits.max_layer_bytes = 1 << 20;
    let e = scan_layer(bomb.clone(), Comp::Zstd, &o).unwrap_err();
    assert!(e.to_string().contains("max_layer_bytes"), "{e}");
    let mut o = opts();
    o.limits.max_total_bytes = 2 << 20;
    let e = scan_layer(bomb, Comp::None, &o).unwrap_err();
    assert!(e.to_string().contains("max_total_bytes"), "{e}");
}

#[test]
fn sparse_entries_do_not_break_the_walk() {
    let sparse = Layer::header_for("var/sparse", tar::EntryType::GNUSparse, 0);
    let tar = Layer::new().raw(sparse, b"").file("after", b"ok").tar();
    match scan_layer(tar, Comp::None, &opts()) {
        Ok(s) => assert!(
            anomalies(&s).iter().any(|(m, _)| m.contains("sparse")),
            "{:?}",
            anomalies(&s)
        ),
        Err(e) => assert!(
            e.to_string().contains("hostile") || e.to_string().contains("mem"),
            "{e}"
        ),
    }
}

#[test]
fn unsupported_compression_is_refused_by_name() {
    let mut tar = b"BZh91AY&SY".to_vec();
    tar.extend_from_slice(&[0u8; 100]);
    let e = scan_layer(tar, Comp::None, &opts()).unwrap_err();
    assert!(e.to_string().contains("bzip2"), "{e}");
}
