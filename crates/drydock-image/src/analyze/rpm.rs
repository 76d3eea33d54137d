//! File ownership from the rpm package database: which package installed which path. All
//! three formats rpm has used are read (`drydock_rpmdb::database_blobs`): `rpmdb.sqlite`
//! (RHEL/UBI 9+, Fedora 33+), Berkeley DB `Packages` (RHEL/CentOS 7 and 8, Amazon Linux 2)
//! and ndb `Packages.db` (SUSE). Each holds one header blob per package; the
//! `BASENAMES`/`DIRNAMES`/`DIRINDEXES` tags give its file list.

/// Where rpm keeps its database, in any format.
pub const DB_PATHS: &[&str] = &[
    "var/lib/rpm/rpmdb.sqlite",
    "usr/lib/sysimage/rpm/rpmdb.sqlite",
    "var/lib/rpm/Packages",
    "var/lib/rpm/Packages.db",
    "usr/lib/sysimage/rpm/Packages",
    "usr/lib/sysimage/rpm/Packages.db",
];

/// Largest rpm database read whole (a full RHEL 7 server's Berkeley DB is ~100 MiB; a
/// container image's a few MiB to a few tens).
pub const MAX_DB: u64 = 256 << 20;

/// A note for an rpm database too large to read (`None` for other paths and sizes).
pub fn too_large_note(path: &str, size: u64) -> Option<String> {
    (DB_PATHS.contains(&path) && size > MAX_DB).then(|| {
        format!(
            "/{path}: rpm database of {} MiB (over {} MiB): not read, so files installed by rpm packages are not known as vendor content",
            size >> 20,
            MAX_DB >> 20
        )
    })
}

/// The package name and the files (normalised, no leading `/`) of one header blob as
/// stored in an rpm database.
pub fn header_files(blob: &[u8]) -> Result<(String, Vec<String>), String> {
    let h = drydock_rpmdb::Header::parse(blob)?;
    let name = h
        .string(drydock_rpmdb::TAG_NAME)
        .ok_or("header has no NAME")?;
    let files = h.files().map_err(|e| format!("{name}: {e}"))?;
    Ok((name, files))
}

/// path → package for every file of every package in an rpm database (given as bytes).
pub fn owners(data: &[u8]) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for (n, blob) in drydock_rpmdb::database_blobs(data)?.iter().enumerate() {
        let (pkg, files) = header_files(blob).map_err(|e| format!("package row {}: {e}", n + 1))?;
        out.extend(files.into_iter().map(|f| (f, pkg.clone())));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use drydock_rpmdb::{
        TAG_BASENAMES, TAG_DIRINDEXES, TAG_DIRNAMES, TAG_NAME, TYPE_INT32, TYPE_STRING,
        TYPE_STRING_ARRAY,
    };

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
        let owners = owners(&std::fs::read(&p).unwrap()).unwrap();
        assert_eq!(
            owners,
            [
                ("usr/bin/mount".to_string(), "util-linux".to_string()),
                ("usr/bin/su".to_string(), "util-linux".to_string())
            ]
        );
        assert!(super::owners(b"not a database at all").is_err());
        assert!(too_large_note("var/lib/rpm/Packages", 300 << 20).is_some());
        assert!(too_large_note("var/lib/rpm/Packages", 30 << 20).is_none());
        assert!(too_large_note("etc/passwd", 300 << 20).is_none());
    }
}
