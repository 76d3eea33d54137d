//! Fuzz-style property tests over the archive readers: random corruption of valid layers
//! and docker-archives must give Ok or a clean error, never a panic or hang. Bounded cases
//! so the suite stays fast (CI runs it every time).

use crate::common::*;
use proptest::prelude::*;

fn opts() -> drydock_image::ScanOptions {
    let mut o = drydock_image::ScanOptions::default();
    o.walk.secrets = false;
    o.limits.max_layer_bytes = 16 << 20;
    o
}

fn sample_layer() -> Vec<u8> {
    Layer::new()
        .dir("etc")
        .file("etc/passwd", b"root:x:0:0::/root:/bin/sh\n")
        .symlink("etc/link", "passwd")
        .hardlink("etc/hard", "etc/passwd")
        .whiteout("etc/gone")
        .long_file(&format!("x/{}", "n".repeat(120)), b"long", true)
        .tar()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn corrupted_layers_never_panic(
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        cut in any::<usize>(),
        comp in 0u8..3,
    ) {
        let mut tar = sample_layer();
        for (pos, v) in flips {
            let n = tar.len();
            tar[pos % n] = v;
        }
        if cut % 3 == 0 {
            let n = tar.len();
            tar.truncate(cut % n);
        }
        let c = [Comp::None, Comp::Gzip, Comp::Zstd][comp as usize];
        let img = Image::new().raw_layer(tar, c, "RUN fuzz");
        let _ = drydock_image::scan(&resolved(&img, "fuzz"), &opts(), &mut []);
    }

    #[test]
    fn corrupted_docker_archives_never_panic(
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..6),
        cut in any::<usize>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.tar");
        let img = Image::new().raw_layer(sample_layer(), Comp::None, "ADD x");
        write_docker_archive(&path, &[(&["a:1"], &img)], DockerStyle::Legacy);
        let mut bytes = std::fs::read(&path).unwrap();
        for (pos, v) in flips {
            let n = bytes.len();
            bytes[pos % n] = v;
        }
        if cut % 4 == 0 {
            let n = bytes.len();
            bytes.truncate(cut % n);
        }
        std::fs::write(&path, &bytes).unwrap();
        if let Ok(imgs) = drydock_image::open(&path.display().to_string(), &Default::default()) {
            for i in imgs {
                let _ = drydock_image::scan(&i, &opts(), &mut []);
            }
        }
        let _ = drydock_image::scan_docker_archive_stream(&bytes[..], "fuzz", None, &opts(), &mut []);
    }
}
