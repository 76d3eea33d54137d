//! The Berkeley DB and ndb readers against databases holding real rpm headers (built by
//! rpmbuild and installed by rpm; see `support`).

mod support;

use drydock_rpmdb::{bdb_values, database_blobs, ndb_blobs, sqlite_blobs, Header, TAG_NAME};
use support::{bdb_packages, sqlite_rpmdb, tools_or_skip, Pkg};

fn packages() -> Vec<Pkg> {
    vec![
        Pkg {
            name: "tiny",
            version: "1.0",
            release: "1",
            files: 1,
        },
        Pkg {
            name: "hello-drydock",
            version: "1.2.3",
            release: "4.el7",
            files: 3,
        },
        // A header of ~15 KB: an overflow chain across several 4 KiB pages.
        Pkg {
            name: "many-files",
            version: "2.0",
            release: "1.el7",
            files: 1500,
        },
    ]
}

fn names(blobs: &[Vec<u8>]) -> Vec<String> {
    let mut v: Vec<String> = blobs
        .iter()
        .map(|b| Header::parse(b).unwrap().string(TAG_NAME).unwrap())
        .collect();
    v.sort();
    v
}

/// (overflow pages, values of more than 100 bytes stored on hash pages) of a
/// little-endian Berkeley DB hash file.
fn storage(db: &[u8], page_size: usize) -> (usize, usize) {
    let u16_at = |b: &[u8], at: usize| u16::from_le_bytes([b[at], b[at + 1]]) as usize;
    let (mut overflow, mut inline) = (0, 0);
    for page in db.chunks_exact(page_size).skip(1) {
        match page[25] {
            7 => overflow += 1,
            13 | 2 => {
                let n = u16_at(page, 20);
                for i in (1..n).step_by(2) {
                    let (at, end) = (u16_at(page, 26 + 2 * i), u16_at(page, 24 + 2 * i));
                    if page[at] == 1 && end - at > 100 {
                        inline += 1;
                    }
                }
            }
            _ => {}
        }
    }
    (overflow, inline)
}

#[test]
fn berkeley_db_packages_written_by_db_load_and_read_by_rpm() {
    if tools_or_skip("berkeley_db_packages_written_by_db_load_and_read_by_rpm").is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let sqlite = sqlite_rpmdb(dir.path(), &packages());
    let mut want = sqlite_blobs(&std::fs::read(&sqlite).unwrap()).unwrap();
    want.sort();
    assert_eq!(names(&want), ["hello-drydock", "many-files", "tiny"]);
    for (page_size, lorder) in [(4096, "1234"), (4096, "4321"), (65536, "1234")] {
        let db = bdb_packages(
            &dir.path().join(format!("bdb-{page_size}-{lorder}")),
            &want,
            page_size,
            lorder,
        );
        let bytes = std::fs::read(&db).unwrap();
        let mut got = database_blobs(&bytes).unwrap();
        got.sort();
        assert_eq!(got, want, "page size {page_size}, byte order {lorder}");
        // The counter under key 0 is a value too, but not a header.
        assert_eq!(bdb_values(&bytes).unwrap().len(), want.len() + 1);
        if lorder == "1234" {
            let (overflow, inline) = storage(&bytes, page_size);
            if page_size == 4096 {
                // Every header is larger than a quarter page: all on overflow pages, the
                // large one on a chain of them.
                assert!(overflow >= 3 && inline == 0, "{overflow} {inline}");
            } else {
                // With 64 KiB pages the small headers sit on the hash page itself.
                assert_eq!(inline, 2, "{overflow} {inline}");
            }
        }
    }
}

#[test]
fn corrupt_berkeley_db_files_are_errors_not_panics() {
    if tools_or_skip("corrupt_berkeley_db_files_are_errors_not_panics").is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let sqlite = sqlite_rpmdb(dir.path(), &packages()[..2]);
    let blobs = sqlite_blobs(&std::fs::read(&sqlite).unwrap()).unwrap();
    let db = bdb_packages(&dir.path().join("bdb"), &blobs, 4096, "1234");
    let bytes = std::fs::read(&db).unwrap();
    for cut in (0..bytes.len()).step_by(97) {
        let _ = database_blobs(&bytes[..cut]);
    }
    assert!(database_blobs(&bytes[..4096 + 100]).is_err());
    let mut x: u64 = 0x1234_5678;
    for _ in 0..3000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let mut b = bytes.clone();
        let at = (x as usize) % b.len();
        b[at] ^= 1 << ((x >> 60) & 7);
        let _ = database_blobs(&b);
    }
    // An overflow chain that loops back on itself: an error, not a hang.
    let mut b = bytes.clone();
    for p in 1..b.len() / 4096 {
        let page = &mut b[p * 4096..(p + 1) * 4096];
        if page[25] == 7 {
            page[16..20].copy_from_slice(&(p as u32).to_le_bytes());
            page[22..24].copy_from_slice(&1u16.to_le_bytes());
        }
    }
    assert!(database_blobs(&b).is_err());
}

/// An ndb `Packages.db` as rpm's `rpmpkg.c` writes it: header, one slot page, blobs in
/// 16-byte blocks with head, padding and Adler-32 tail.
fn ndb_file(blobs: &[Vec<u8>]) -> Vec<u8> {
    let le = |v: u32| v.to_le_bytes();
    let mut f = vec![0u8; 4096];
    f[..4].copy_from_slice(b"RpmP");
    f[8..12].copy_from_slice(&le(7)); // generation
    f[12..16].copy_from_slice(&le(1)); // slot pages
    f[16..20].copy_from_slice(&le(blobs.len() as u32 + 1));
    for slot in (32..4096).step_by(16) {
        f[slot..slot + 4].copy_from_slice(b"Slot");
    }
    for (i, b) in blobs.iter().enumerate() {
        let idx = i as u32 + 1;
        let blocks = (16 + b.len() + 12).div_ceil(16);
        let off = f.len() / 16;
        let slot = 32 + 16 * i;
        f[slot + 4..slot + 8].copy_from_slice(&le(idx));
        f[slot + 8..slot + 12].copy_from_slice(&le(off as u32));
        f[slot + 12..slot + 16].copy_from_slice(&le(blocks as u32));
        let mut blob = Vec::new();
        blob.extend_from_slice(b"BlbS");
        blob.extend_from_slice(&le(idx));
        blob.extend_from_slice(&le(1_700_000_000));
        blob.extend_from_slice(&le(b.len() as u32));
        blob.extend_from_slice(b);
        blob.resize(blocks * 16 - 12, 0);
        let mut a = adler2::Adler32::new();
        a.write_slice(&blob);
        blob.extend_from_slice(&le(a.checksum()));
        blob.extend_from_slice(&le(b.len() as u32));
        blob.extend_from_slice(b"BlbE");
        f.extend_from_slice(&blob);
    }
    f
}

#[test]
fn ndb_packages_with_real_headers() {
    if tools_or_skip("ndb_packages_with_real_headers").is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let sqlite = sqlite_rpmdb(dir.path(), &packages());
    let want = sqlite_blobs(&std::fs::read(&sqlite).unwrap()).unwrap();
    let f = ndb_file(&want);
    assert_eq!(database_blobs(&f).unwrap(), want);
    // An empty slot in between is skipped.
    let mut g = f.clone();
    g[32 + 8..32 + 12].copy_from_slice(&0u32.to_le_bytes());
    assert_eq!(ndb_blobs(&g).unwrap(), want[1..]);
    // A flipped byte in a blob fails its checksum; a bad slot magic is an error.
    let mut g = f.clone();
    let last = g.len() - 40;
    g[last] ^= 0x55;
    assert!(ndb_blobs(&g).unwrap_err().to_string().contains("checksum"));
    let mut g = f.clone();
    g[48] = b'X';
    assert!(ndb_blobs(&g).is_err());
    for cut in (0..f.len()).step_by(61) {
        let _ = ndb_blobs(&f[..cut]);
    }
    assert!(ndb_blobs(&f[..f.len() - 1]).is_err());
}

#[test]
fn unknown_bytes_are_not_a_database() {
    assert!(database_blobs(b"").is_err());
    assert!(database_blobs(&[0u8; 8192]).is_err());
}
