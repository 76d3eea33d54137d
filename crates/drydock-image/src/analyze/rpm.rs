//! File ownership from the rpm package database (`rpmdb.sqlite`, RHEL/UBI 9+, Fedora 33+,
//! openSUSE): which package installed which path. Each row of the `Packages` table holds one
//! package header blob; the header is parsed here (big-endian index + data store, the
//! `BASENAMES`/`DIRNAMES`/`DIRINDEXES` tags give the file list). The older Berkeley DB
//! (`Packages`) and ndb (`Packages.db`) formats are recognised and reported, not read.

/// Where rpm keeps its sqlite database (both locations are in use).
pub const SQLITE_PATHS: &[&str] = &[
    "var/lib/rpm/rpmdb.sqlite",
    "usr/lib/sysimage/rpm/rpmdb.sqlite",
];

/// Berkeley DB / ndb databases: recognised, not read.
pub const UNSUPPORTED_PATHS: &[&str] = &[
    "var/lib/rpm/Packages",
    "var/lib/rpm/Packages.db",
    "usr/lib/sysimage/rpm/Packages",
    "usr/lib/sysimage/rpm/Packages.db",
];

/// Largest rpmdb.sqlite read (a full Fedora install is ~30 MiB).
pub const MAX_SQLITE: u64 = 64 << 20;

const TAG_NAME: u32 = 1000;
const TAG_OLDFILENAMES: u32 = 1027;
const TAG_DIRINDEXES: u32 = 1116;
const TAG_BASENAMES: u32 = 1117;
const TAG_DIRNAMES: u32 = 1118;
const TYPE_INT32: u32 = 4;
const TYPE_STRING: u32 = 6;
const TYPE_STRING_ARRAY: u32 = 8;

/// A note for a database format that is not read (`None` for other paths).
pub fn unsupported_note(path: &str) -> Option<String> {
    UNSUPPORTED_PATHS.contains(&path).then(|| {
        format!(
            "/{path}: rpm Berkeley DB/ndb database: not read, so files installed by rpm packages are not known as vendor content (only rpmdb.sqlite is read)"
        )
    })
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

/// `count` NUL-terminated strings starting at `off` in the data store.
fn strings(data: &[u8], off: usize, count: u32) -> Result<Vec<&[u8]>, String> {
    let mut out = Vec::with_capacity((count as usize).min(data.len()));
    let mut pos = off;
    for _ in 0..count {
        let rest = data
            .get(pos..)
            .ok_or("string array outside the data store")?;
        let end = memchr::memchr(0, rest).ok_or("unterminated string in the data store")?;
        out.push(&rest[..end]);
        pos += end + 1;
    }
    Ok(out)
}

/// The package name and the files (normalised, no leading `/`) of one header blob as
/// stored in `rpmdb.sqlite` (no leading magic: `il`, `dl`, index entries, data store).
pub fn header_files(blob: &[u8]) -> Result<(String, Vec<String>), String> {
    let il = be32(blob, 0).ok_or("header too short")? as usize;
    let dl = be32(blob, 4).ok_or("header too short")? as usize;
    if il > 100_000 || dl > 256 << 20 {
        return Err(format!("implausible header sizes il={il} dl={dl}"));
    }
    let start = 8 + il * 16;
    let data = blob.get(start..start + dl).ok_or("header data truncated")?;
    let mut name = None;
    let (mut base, mut dirs, mut idx, mut old) = (None, None, None, None);
    for i in 0..il {
        let e = 8 + i * 16;
        let tag = be32(blob, e).ok_or("index truncated")?;
        let ty = be32(blob, e + 4).ok_or("index truncated")?;
        let off = be32(blob, e + 8).ok_or("index truncated")? as usize;
        let count = be32(blob, e + 12).ok_or("index truncated")?;
        // Every element takes at least one byte: a larger count is corrupt (and would
        // make us allocate for nothing).
        if count as usize > dl {
            return Err(format!("tag {tag}: count {count} exceeds the data store"));
        }
        match (tag, ty) {
            (TAG_NAME, TYPE_STRING) => name = strings(data, off, 1)?.first().copied(),
            (TAG_BASENAMES, TYPE_STRING_ARRAY) => base = Some(strings(data, off, count)?),
            (TAG_DIRNAMES, TYPE_STRING_ARRAY) => dirs = Some(strings(data, off, count)?),
            (TAG_OLDFILENAMES, TYPE_STRING_ARRAY) => old = Some(strings(data, off, count)?),
            (TAG_DIRINDEXES, TYPE_INT32) => {
                let mut v = Vec::with_capacity(count as usize);
                for k in 0..count as usize {
                    v.push(be32(data, off + 4 * k).ok_or("DIRINDEXES outside the data store")?);
                }
                idx = Some(v);
            }
            _ => {}
        }
    }
    let name = String::from_utf8_lossy(name.ok_or("header has no NAME")?).into_owned();
    let clean = |p: &[u8]| {
        String::from_utf8_lossy(p)
            .trim_start_matches('/')
            .to_string()
    };
    let files = match (base, dirs, idx, old) {
        (Some(b), Some(d), Some(x), _) => {
            if b.len() != x.len() {
                return Err(format!(
                    "{name}: {} BASENAMES but {} DIRINDEXES",
                    b.len(),
                    x.len()
                ));
            }
            let mut out = Vec::with_capacity(b.len());
            for (bn, di) in b.iter().zip(x) {
                let dir = d
                    .get(di as usize)
                    .ok_or_else(|| format!("{name}: DIRINDEXES entry {di} out of range"))?;
                let mut p = dir.to_vec();
                if !p.ends_with(b"/") && !p.is_empty() {
                    p.push(b'/');
                }
                p.extend_from_slice(bn);
                out.push(clean(&p));
            }
            out
        }
        (_, _, _, Some(o)) => o.iter().map(|p| clean(p)).collect(),
        // Packages such as gpg-pubkey own no file.
        _ => Vec::new(),
    };
    Ok((name, files))
}

/// path → package for every file of every package in an `rpmdb.sqlite` (given as bytes:
/// SQLite needs a file, so it is written to a private temporary file first).
pub fn sqlite_owners(data: &[u8]) -> Result<Vec<(String, String)>, String> {
    let mut tmp =
        tempfile::NamedTempFile::new().map_err(|e| format!("cannot create temporary file: {e}"))?;
    std::io::Write::write_all(&mut tmp, data)
        .map_err(|e| format!("cannot write temporary file: {e}"))?;
    let conn = rusqlite::Connection::open_with_flags(
        tmp.path(),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| format!("not an SQLite database: {e}"))?;
    let mut st = conn
        .prepare("SELECT blob FROM Packages")
        .map_err(|e| format!("no Packages table: {e}"))?;
    let mut rows = st
        .query([])
        .map_err(|e| format!("cannot read Packages: {e}"))?;
    let mut out = Vec::new();
    let mut n = 0usize;
    while let Some(row) = rows
        .next()
        .map_err(|e| format!("cannot read Packages: {e}"))?
    {
        n += 1;
        let blob: Vec<u8> = row.get(0).map_err(|e| format!("package row {n}: {e}"))?;
        let (pkg, files) = header_files(&blob).map_err(|e| format!("package row {n}: {e}"))?;
        out.extend(files.into_iter().map(|f| (f, pkg.clone())));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A header blob as stored in rpmdb.sqlite.
    fn build_header(name: &str, files: &[&str]) -> Vec<u8> {
        let mut dirs: Vec<String> = Vec::new();
        let mut bases = Vec::new();
        let mut idx = Vec::new();
        for f in files {
            let (d, b) = f.rsplit_once('/').unwrap_or(("", f));
            let d = format!("{d}/");
            let i = dirs.iter().position(|x| *x == d).unwrap_or_else(|| {
                dirs.push(d.clone());
                dirs.len() - 1
            });
            bases.push(b.to_string());
            idx.push(i as u32);
        }
        let mut data = Vec::new();
        let mut index = Vec::new();
        let mut entry = |tag: u32, ty: u32, count: usize, bytes: &[u8], data: &mut Vec<u8>| {
            if ty == TYPE_INT32 {
                while !data.len().is_multiple_of(4) {
                    data.push(0);
                }
            }
            for v in [tag, ty, data.len() as u32, count as u32] {
                index.extend_from_slice(&v.to_be_bytes());
            }
            data.extend_from_slice(bytes);
        };
        let cstrs = |v: &[String]| -> Vec<u8> {
            v.iter()
                .flat_map(|s| s.bytes().chain(std::iter::once(0)))
                .collect()
        };
        entry(
            TAG_NAME,
            TYPE_STRING,
            1,
            &cstrs(&[name.to_string()]),
            &mut data,
        );
        if !files.is_empty() {
            let ix: Vec<u8> = idx.iter().flat_map(|i| i.to_be_bytes()).collect();
            entry(TAG_DIRINDEXES, TYPE_INT32, idx.len(), &ix, &mut data);
            entry(
                TAG_BASENAMES,
                TYPE_STRING_ARRAY,
                bases.len(),
                &cstrs(&bases),
                &mut data,
            );
            entry(
                TAG_DIRNAMES,
                TYPE_STRING_ARRAY,
                dirs.len(),
                &cstrs(&dirs),
                &mut data,
            );
        }
        let il = index.len() / 16;
        let mut out = Vec::new();
        out.extend_from_slice(&(il as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(&index);
        out.extend_from_slice(&data);
        out
    }

    #[test]
    fn header_file_lists() {
        let h = build_header(
            "shadow-utils",
            &["/usr/bin/passwd", "/usr/bin/chage", "/etc/login.defs"],
        );
        let (name, files) = header_files(&h).unwrap();
        assert_eq!(name, "shadow-utils");
        assert_eq!(files, ["usr/bin/passwd", "usr/bin/chage", "etc/login.defs"]);
        let (_, none) = header_files(&build_header("gpg-pubkey", &[])).unwrap();
        assert!(none.is_empty());
    }

    #[test]
    fn corrupt_headers_are_errors_not_panics() {
        let h = build_header("x", &["/a/b", "/c/d"]);
        for cut in 0..h.len() {
            let _ = header_files(&h[..cut]);
        }
        let mut bad = h.clone();
        bad[8 + 16 + 12..8 + 16 + 16].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(header_files(&bad).is_err());
        assert!(header_files(b"\0\0\0\x01").is_err());
    }

    #[test]
    fn sqlite_database() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("rpmdb.sqlite");
        let c = rusqlite::Connection::open(&p).unwrap();
        c.execute_batch(
            "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL);",
        )
        .unwrap();
        for (n, f) in [
            ("util-linux", &["/usr/bin/mount", "/usr/bin/su"][..]),
            ("gpg-pubkey", &[][..]),
        ] {
            c.execute(
                "INSERT INTO Packages (blob) VALUES (?1)",
                [build_header(n, f)],
            )
            .unwrap();
        }
        drop(c);
        let owners = sqlite_owners(&std::fs::read(&p).unwrap()).unwrap();
        assert_eq!(
            owners,
            [
                ("usr/bin/mount".to_string(), "util-linux".to_string()),
                ("usr/bin/su".to_string(), "util-linux".to_string())
            ]
        );
        assert!(sqlite_owners(b"not a database at all").is_err());
        assert!(unsupported_note("var/lib/rpm/Packages").is_some());
        assert!(unsupported_note("var/lib/rpm/rpmdb.sqlite").is_none());
    }
}
