//! The layer cache (docs/cache.md): a warm scan equals a cold one, damaged entries are
//! rebuilt, images sharing a base reuse its layers, and cached layers never open a blob.

use crate::common::*;
use drydock_image::{ImageScan, LayerCache, ResolvedImage};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Every sink call, with its layer index and content.
#[derive(Default)]
struct Sink(Vec<String>);
impl drydock_core::FileSink for Sink {
    fn wants(&self, path: &str, _size: u64) -> bool {
        path.ends_with(".list") || path.starts_with("etc/")
    }
    fn file(&mut self, layer: usize, path: &str, data: &[u8]) {
        self.0.push(format!("{layer} file {path} {}", sha256(data)));
    }
    fn deleted(&mut self, layer: usize, path: &str) {
        self.0.push(format!("{layer} deleted {path}"));
    }
}

fn cache_in(dir: &std::path::Path) -> LayerCache {
    let store = drydock_cache::SqliteStore::open(dir, 1 << 30, None).unwrap();
    LayerCache::new(Arc::new(store), "test-sink")
}

fn run(img: &ResolvedImage, cache: Option<&LayerCache>) -> (ImageScan, Vec<String>) {
    let opts = drydock_image::ScanOptions {
        scan_date: Some(drydock_core::eol::Date::parse("2026-11-27").unwrap()),
        cache: cache.cloned(),
        ..Default::default()
    };
    let mut sink = Sink::default();
    let s = drydock_image::scan(img, &opts, &mut [&mut sink]).expect("scan");
    sink.0.sort();
    (s, sink.0)
}

/// Findings as sorted JSON lines (the order of parallel walks is not part of the result).
fn findings(s: &ImageScan) -> Vec<String> {
    let mut v: Vec<String> = s
        .findings
        .iter()
        .map(|f| serde_json::to_string(f).unwrap())
        .collect();
    v.sort();
    v
}

fn stats(s: &ImageScan) -> (usize, usize) {
    let c = s.cache.as_ref().expect("cache stats");
    (c.hits, c.misses)
}

#[test]
fn warm_scan_equals_cold_scan() {
    let dir = tempfile::tempdir().unwrap();
    let cache = cache_in(dir.path());
    let img = resolved(&planted(), "planted:1");
    let (uncached, sink0) = run(&img, None);
    assert!(uncached.cache.is_none());
    let (cold, sink1) = run(&img, Some(&cache));
    let (warm, sink2) = run(&img, Some(&cache));
    assert_eq!(stats(&cold), (0, 3));
    assert_eq!(stats(&warm), (3, 0));
    assert!(!findings(&cold).is_empty());
    assert_eq!(findings(&cold), findings(&uncached));
    assert_eq!(findings(&warm), findings(&cold));
    assert_eq!(warm.summary, cold.summary);
    assert_eq!(warm.notes, cold.notes);
    // The sinks (the vulnerability inventory) see the same files and deletions.
    assert!(
        sink1.iter().any(|s| s.contains("deleted root/.npmrc")),
        "{sink1:?}"
    );
    assert_eq!(sink1, sink0);
    assert_eq!(sink2, sink1);
}

#[test]
fn damaged_entries_are_dropped_and_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let cache = cache_in(dir.path());
    let img = resolved(&planted(), "planted:1");
    let (cold, _) = run(&img, Some(&cache));
    // Damage every stored entry behind the store's back: one truncated, the others with a
    // flipped byte.
    let db = rusqlite::Connection::open(dir.path().join("layers.sqlite")).unwrap();
    let keys: Vec<String> = db
        .prepare("SELECT key FROM entries ORDER BY key")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(keys.len(), 3);
    db.execute(
        "UPDATE entries SET value = substr(value, 1, length(value) - 7) WHERE key = ?1",
        [&keys[0]],
    )
    .unwrap();
    db.execute(
        "UPDATE entries SET value = CAST(substr(value, 1, 60) || X'00' || substr(value, 62) AS BLOB) WHERE key != ?1",
        [&keys[0]],
    )
    .unwrap();
    drop(db);
    let (rebuilt, _) = run(&img, Some(&cache));
    assert_eq!(stats(&rebuilt), (0, 3), "damaged entries are misses");
    let damaged: Vec<&String> = rebuilt
        .notes
        .iter()
        .filter(|n| n.contains("damaged"))
        .collect();
    assert_eq!(damaged.len(), 3, "{:?}", rebuilt.notes);
    assert!(damaged
        .iter()
        .any(|n| n.contains("truncated") || n.contains("checksum")));
    assert_eq!(findings(&rebuilt), findings(&cold));
    let (warm, _) = run(&img, Some(&cache));
    assert_eq!(stats(&warm), (3, 0), "rebuilt entries are stored again");
    assert_eq!(findings(&warm), findings(&cold));
}

#[test]
fn images_sharing_a_base_reuse_its_layers() {
    let base1 = Layer::new()
        .file(
            "etc/os-release",
            b"ID=alpine\nVERSION_ID=3.20.1\nPRETTY_NAME=\"Alpine Linux v3.20\"\n",
        )
        .file("etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n");
    let base2 = Layer::new().file("usr/lib/libx.so", b"\x7fELF-lib");
    let app = |name: &str, tok: u32| {
        Layer::new().file(
            &format!("srv/{name}/.env"),
            format!("GITHUB_TOKEN={}\n", github_token(tok)).as_bytes(),
        )
    };
    let mk = |own: Layer| {
        Image::new()
            .layer(base1.clone(), Comp::Gzip, "ADD rootfs /")
            .layer(base2.clone(), Comp::Gzip, "COPY lib /usr/lib")
            .layer(own, Comp::Gzip, "COPY app /srv")
    };
    let a = resolved(&mk(app("a", 11)), "a:1");
    let b = resolved(&mk(app("b", 12)), "b:1");
    let dir = tempfile::tempdir().unwrap();
    let cache = cache_in(dir.path());
    let (_, _) = run(&a, Some(&cache));
    let (b_warm, b_sink) = run(&b, Some(&cache));
    assert_eq!(stats(&b_warm), (2, 1), "only b's own layer is walked");
    let (b_cold, b_cold_sink) = run(&b, None);
    assert_eq!(findings(&b_warm), findings(&b_cold));
    assert!(findings(&b_warm).iter().any(|f| f.contains("srv/b/.env")));
    assert!(!findings(&b_warm).iter().any(|f| f.contains("srv/a/")));
    assert_eq!(b_warm.summary, b_cold.summary);
    assert_eq!(b_sink, b_cold_sink);
}

/// Counts blob opens: a registry store would count blob GETs here.
struct Counting {
    inner: Arc<dyn drydock_image::BlobStore>,
    opens: Arc<AtomicUsize>,
}
impl drydock_image::BlobStore for Counting {
    fn describe(&self) -> String {
        self.inner.describe()
    }
    fn open_blob(
        &self,
        d: &drydock_image::Descriptor,
    ) -> Result<Box<dyn std::io::Read + Send>, drydock_image::ImageError> {
        self.opens.fetch_add(1, Ordering::SeqCst);
        self.inner.open_blob(d)
    }
}

#[test]
fn cached_layers_open_no_blob() {
    let mut img = resolved(&planted(), "planted:1");
    let opens = Arc::new(AtomicUsize::new(0));
    img.store = Arc::new(Counting {
        inner: img.store.clone(),
        opens: opens.clone(),
    });
    let dir = tempfile::tempdir().unwrap();
    let cache = cache_in(dir.path());
    run(&img, Some(&cache));
    assert_eq!(opens.swap(0, Ordering::SeqCst), 3);
    let (warm, _) = run(&img, Some(&cache));
    assert_eq!(stats(&warm), (3, 0));
    assert_eq!(
        opens.load(Ordering::SeqCst),
        0,
        "a warm scan reads no layer blob"
    );
}

#[test]
fn options_that_change_results_change_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let cache = cache_in(dir.path());
    let img = resolved(&planted(), "planted:1");
    run(&img, Some(&cache));
    // Secrets off: a different result, so a different entry.
    let opts = drydock_image::ScanOptions {
        cache: Some(cache.clone()),
        walk: drydock_image::walker::WalkOptions {
            secrets: false,
            ..Default::default()
        },
        ..Default::default()
    };
    let s = drydock_image::scan(&img, &opts, &mut []).unwrap();
    assert_eq!(stats(&s), (0, 3));
    // Another sink set: a different entry too.
    let other = LayerCache::new(cache.store().clone(), "other-sinks");
    let (s, _) = run(&img, Some(&other));
    assert_eq!(stats(&s), (0, 3));
    // `--show-secrets`: plain secrets are never stored.
    let opts = drydock_image::ScanOptions {
        cache: Some(cache.clone()),
        redaction: drydock_core::Redaction::Show,
        ..Default::default()
    };
    let s = drydock_image::scan(&img, &opts, &mut []).unwrap();
    assert!(s.cache.is_none());
}
