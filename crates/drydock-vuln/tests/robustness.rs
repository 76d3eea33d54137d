//! Malformed input never panics: random bytes and truncated valid data for every parser
//! the inventory dispatches to, and for the version comparators.
use drydock_core::FileSink;
use drydock_vuln::version::Scheme;
use drydock_vuln::Inventory;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

const PATHS: &[&str] = &[
    "etc/os-release",
    "var/lib/dpkg/status",
    "var/lib/dpkg/status.d/x",
    "lib/apk/db/installed",
    "var/lib/rpm/rpmdb.sqlite",
    "usr/lib/python3/site-packages/x-1.dist-info/METADATA",
    "app/node_modules/x/package.json",
    "app/package-lock.json",
    "usr/lib/ruby/gems/3.1.0/specifications/x-1.gemspec",
    "app/vendor/composer/installed.json",
    "app/x.jar",
    "usr/local/bin/x",
];

#[test]
fn random_and_truncated_inputs_do_not_panic() {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let samples: Vec<Vec<u8>> = vec![
        b"Package: a\nStatus: install ok installed\nVersion: 1:2.3-4\nSource: b (1)\n".to_vec(),
        b"P:musl\nV:1.2.4-r2\no:musl\nL:MIT\n\n".to_vec(),
        br#"{"lockfileVersion":3,"packages":{"node_modules/a":{"version":"1.0.0","license":{"type":"MIT"}}}}"#.to_vec(),
        br#"{"packages":[{"name":"a/b","version":"v1.0.0","license":["MIT"]}]}"#.to_vec(),
        b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0\x01\0\0\0\0\0\0\0\0\0\0\0\x40\0\0\0\0\0\0\0\xff\xff\xff\xff\0\0\0\0\0\0\0\0\x40\0\x38\0\0\0\x40\0\xff\xff\x10\0".to_vec(),
        b"PK\x03\x04\x14\0\0\0\x08\0".to_vec(),
        b"SQLite format 3\0\x10\0\x01\x01\0\x40\x20\x20".to_vec(),
    ];
    for path in PATHS {
        let mut inv = Inventory::new();
        for i in 0..60 {
            let len = (rng.next() % 4096) as usize;
            let mut data = rng.bytes(len);
            if i % 3 == 0 {
                let s = &samples[i % samples.len()];
                data = s[..(rng.next() as usize % (s.len() + 1))].to_vec();
            } else if i % 3 == 1 && path.ends_with("/x") {
                data.splice(0..0, b"\x7fELF\x02\x01".iter().copied());
            }
            inv.file(i, path, &data);
        }
        inv.deleted(99, "");
        assert!(inv.finish().is_empty());
    }
    let words = [
        "", "~", "^", "1", "1.0", "a", "-", ":", "_rc", "0:", "+", ".", "01", "v", "!",
    ];
    for s in [
        Scheme::Dpkg,
        Scheme::Rpm,
        Scheme::Apk,
        Scheme::Pep440,
        Scheme::SemVer,
        Scheme::Maven,
        Scheme::RubyGems,
        Scheme::Go,
    ] {
        for _ in 0..300 {
            let mk = |rng: &mut Rng| {
                (0..rng.next() % 6)
                    .map(|_| words[(rng.next() % words.len() as u64) as usize])
                    .collect::<String>()
            };
            let (a, b) = (mk(&mut rng), mk(&mut rng));
            // Antisymmetry holds for every ordering.
            assert_eq!(
                s.compare(&a, &b),
                s.compare(&b, &a).reverse(),
                "{s:?}: {a:?} vs {b:?}"
            );
        }
    }
}
