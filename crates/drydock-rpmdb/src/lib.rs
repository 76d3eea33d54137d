//! RPM package databases: the header blob format (rpm's `headerImport` layout) and the three
//! stores rpm has used — `rpmdb.sqlite` (RHEL/UBI 9+, Fedora 33+), Berkeley DB `Packages`
//! (RHEL/CentOS 7 and 8, Amazon Linux 2, older Fedora) and ndb `Packages.db` (SUSE). Written
//! here because no maintained crate reads rpm headers or these stores from a byte slice
//! without rpm's C library; shared by the image walker (which files a package owns) and the
//! vulnerability inventory (name, version, source package).

#![forbid(unsafe_code)]

mod bdb;
mod ndb;

pub use bdb::{bdb_values, is_bdb_hash};
pub use ndb::{is_ndb, ndb_blobs};

/// Why an rpm database or header could not be read. The message says what is wrong; the
/// variant says where (the format's reader, or the header blob inside it).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The bytes are none of the three database formats.
    #[error("not an rpm database (neither SQLite, Berkeley DB hash nor ndb)")]
    NotRpmDatabase,
    /// A Berkeley DB `Packages` file that is malformed or uses an unsupported feature
    /// (encryption, page checksums).
    #[error("{0}")]
    BerkeleyDb(String),
    /// An ndb `Packages.db` that is malformed (bad slot, blob or checksum).
    #[error("{0}")]
    Ndb(String),
    /// An `rpmdb.sqlite` that SQLite cannot open or that has no readable Packages table.
    #[error("{0}")]
    Sqlite(String),
    /// A package header blob that is malformed.
    #[error("{0}")]
    Header(String),
}

/// Callers that report errors as text (`Result<_, String>`) keep using `?`.
impl From<Error> for String {
    fn from(e: Error) -> String {
        e.to_string()
    }
}

// RPM header tags (rpmtag.h).
pub const TAG_NAME: u32 = 1000;
pub const TAG_VERSION: u32 = 1001;
pub const TAG_RELEASE: u32 = 1002;
pub const TAG_EPOCH: u32 = 1003;
pub const TAG_LICENSE: u32 = 1014;
pub const TAG_ARCH: u32 = 1022;
pub const TAG_OLDFILENAMES: u32 = 1027;
pub const TAG_SOURCERPM: u32 = 1044;
pub const TAG_DIRINDEXES: u32 = 1116;
pub const TAG_BASENAMES: u32 = 1117;
pub const TAG_DIRNAMES: u32 = 1118;

pub const TYPE_INT32: u32 = 4;
pub const TYPE_STRING: u32 = 6;
pub const TYPE_STRING_ARRAY: u32 = 8;
pub const TYPE_I18NSTRING: u32 = 9;

fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    tag: u32,
    ty: u32,
    off: usize,
    count: u32,
}

/// One header blob as stored in rpmdb (no leading magic: `il`, `dl`, `il` index entries of
/// tag/type/offset/count, then `dl` bytes of data). Bounds-checked: a malformed blob gives
/// an error, never a panic or a huge allocation.
#[derive(Debug)]
pub struct Header<'a> {
    entries: Vec<Entry>,
    data: &'a [u8],
}

impl<'a> Header<'a> {
    pub fn parse(blob: &'a [u8]) -> Result<Header<'a>, Error> {
        Self::parse_raw(blob).map_err(Error::Header)
    }

    fn parse_raw(blob: &'a [u8]) -> Result<Header<'a>, String> {
        let il = be32(blob, 0).ok_or("header too short")? as usize;
        let dl = be32(blob, 4).ok_or("header too short")? as usize;
        if il > 100_000 || dl > 256 << 20 {
            return Err(format!("implausible header sizes il={il} dl={dl}"));
        }
        let start = 8 + il * 16;
        let data = blob.get(start..start + dl).ok_or("header data truncated")?;
        let mut entries = Vec::with_capacity(il);
        for i in 0..il {
            let e = 8 + i * 16;
            let (tag, ty, off, count) = (
                be32(blob, e).ok_or("index truncated")?,
                be32(blob, e + 4).ok_or("index truncated")?,
                be32(blob, e + 8).ok_or("index truncated")? as usize,
                be32(blob, e + 12).ok_or("index truncated")?,
            );
            // Every element takes at least one byte: a larger count is corrupt.
            if count as usize > dl {
                return Err(format!("tag {tag}: count {count} exceeds the data store"));
            }
            entries.push(Entry {
                tag,
                ty,
                off,
                count,
            });
        }
        Ok(Header { entries, data })
    }

    fn entry(&self, tag: u32) -> Option<Entry> {
        self.entries.iter().find(|e| e.tag == tag).copied()
    }

    /// `count` NUL-terminated strings starting at `off` in the data store.
    fn strings_at(&self, off: usize, count: u32) -> Result<Vec<&'a [u8]>, String> {
        let mut out = Vec::with_capacity(count as usize);
        let mut pos = off;
        for _ in 0..count {
            let rest = self
                .data
                .get(pos..)
                .ok_or("string array outside the data store")?;
            let end = memchr::memchr(0, rest).ok_or("unterminated string in the data store")?;
            out.push(&rest[..end]);
            pos += end + 1;
        }
        Ok(out)
    }

    /// A STRING tag, or the first string of a STRING_ARRAY/I18NSTRING tag.
    pub fn string(&self, tag: u32) -> Option<String> {
        let e = self.entry(tag)?;
        if !matches!(e.ty, TYPE_STRING | TYPE_STRING_ARRAY | TYPE_I18NSTRING) {
            return None;
        }
        let first = *self.strings_at(e.off, 1).ok()?.first()?;
        Some(String::from_utf8_lossy(first).into_owned())
    }

    /// A STRING_ARRAY tag (`Ok(None)` when absent or of another type).
    pub fn string_array(&self, tag: u32) -> Result<Option<Vec<&'a [u8]>>, Error> {
        self.string_array_raw(tag).map_err(Error::Header)
    }

    fn string_array_raw(&self, tag: u32) -> Result<Option<Vec<&'a [u8]>>, String> {
        match self.entry(tag) {
            Some(e) if e.ty == TYPE_STRING_ARRAY => self.strings_at(e.off, e.count).map(Some),
            _ => Ok(None),
        }
    }

    /// An INT32 tag's values (`Ok(None)` when absent or of another type).
    pub fn int32s(&self, tag: u32) -> Result<Option<Vec<u32>>, Error> {
        self.int32s_raw(tag).map_err(Error::Header)
    }

    fn int32s_raw(&self, tag: u32) -> Result<Option<Vec<u32>>, String> {
        match self.entry(tag) {
            Some(e) if e.ty == TYPE_INT32 => (0..e.count as usize)
                .map(|k| {
                    be32(self.data, e.off + 4 * k)
                        .ok_or_else(|| format!("tag {tag}: outside the data store"))
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            _ => Ok(None),
        }
    }

    /// The files the package owns, absolute paths without the leading `/`
    /// (BASENAMES + DIRNAMES + DIRINDEXES, or the old OLDFILENAMES list).
    pub fn files(&self) -> Result<Vec<String>, Error> {
        self.files_raw().map_err(Error::Header)
    }

    fn files_raw(&self) -> Result<Vec<String>, String> {
        let clean = |p: &[u8]| {
            String::from_utf8_lossy(p)
                .trim_start_matches('/')
                .to_string()
        };
        let base = self.string_array_raw(TAG_BASENAMES)?;
        let dirs = self.string_array_raw(TAG_DIRNAMES)?;
        let idx = self.int32s_raw(TAG_DIRINDEXES)?;
        Ok(match (base, dirs, idx) {
            (Some(b), Some(d), Some(x)) => {
                if b.len() != x.len() {
                    return Err(format!("{} BASENAMES but {} DIRINDEXES", b.len(), x.len()));
                }
                let mut out = Vec::with_capacity(b.len());
                for (bn, di) in b.iter().zip(x) {
                    let dir = d
                        .get(di as usize)
                        .ok_or_else(|| format!("DIRINDEXES entry {di} out of range"))?;
                    let mut p = dir.to_vec();
                    if !p.ends_with(b"/") && !p.is_empty() {
                        p.push(b'/');
                    }
                    p.extend_from_slice(bn);
                    out.push(clean(&p));
                }
                out
            }
            _ => match self.string_array_raw(TAG_OLDFILENAMES)? {
                Some(o) => o.iter().map(|p| clean(p)).collect(),
                // Packages such as gpg-pubkey own no file.
                None => Vec::new(),
            },
        })
    }
}

/// Every header blob of an rpm database in any of the three formats, told apart by content.
pub fn database_blobs(data: &[u8]) -> Result<Vec<Vec<u8>>, Error> {
    if data.starts_with(b"SQLite format 3\0") {
        sqlite_blobs(data)
    } else if is_ndb(data) {
        ndb_blobs(data)
    } else if is_bdb_hash(data) {
        // Key 0 holds a 4-byte counter, not a header.
        Ok(bdb_values(data)?
            .into_iter()
            .filter(|v| v.len() >= 8)
            .collect())
    } else {
        Err(Error::NotRpmDatabase)
    }
}

/// Every header blob of an `rpmdb.sqlite` given as bytes (SQLite needs a file, so it is
/// written to a private temporary file first).
pub fn sqlite_blobs(data: &[u8]) -> Result<Vec<Vec<u8>>, Error> {
    sqlite_blobs_raw(data).map_err(Error::Sqlite)
}

fn sqlite_blobs_raw(data: &[u8]) -> Result<Vec<Vec<u8>>, String> {
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
    st.query_map([], |r| r.get::<_, Vec<u8>>(0))
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("cannot read Packages: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A header blob with the given (tag, type, data) entries.
    fn blob(entries: &[(u32, u32, u32, Vec<u8>)]) -> Vec<u8> {
        let mut index = Vec::new();
        let mut data = Vec::new();
        for (tag, ty, count, bytes) in entries {
            for v in [*tag, *ty, data.len() as u32, *count] {
                index.extend_from_slice(&v.to_be_bytes());
            }
            data.extend_from_slice(bytes);
        }
        let mut out = Vec::new();
        out.extend_from_slice(&(entries.len() as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend(index);
        out.extend(data);
        out
    }

    #[test]
    fn strings_ints_and_files() {
        let b = blob(&[
            (TAG_NAME, TYPE_STRING, 1, b"bash\0".to_vec()),
            (TAG_EPOCH, TYPE_INT32, 1, 2u32.to_be_bytes().to_vec()),
            (
                TAG_BASENAMES,
                TYPE_STRING_ARRAY,
                2,
                b"bash\0bashrc\0".to_vec(),
            ),
            (
                TAG_DIRNAMES,
                TYPE_STRING_ARRAY,
                2,
                b"/usr/bin/\0/etc\0".to_vec(),
            ),
            (
                TAG_DIRINDEXES,
                TYPE_INT32,
                2,
                [0u32.to_be_bytes(), 1u32.to_be_bytes()].concat(),
            ),
        ]);
        let h = Header::parse(&b).unwrap();
        assert_eq!(h.string(TAG_NAME).as_deref(), Some("bash"));
        assert_eq!(h.int32s(TAG_EPOCH).unwrap(), Some(vec![2]));
        assert_eq!(h.string(TAG_VERSION), None);
        assert_eq!(h.files().unwrap(), vec!["usr/bin/bash", "etc/bashrc"]);
    }

    #[test]
    fn malformed_blobs_are_errors() {
        assert!(Header::parse(b"").is_err());
        assert!(Header::parse(&[0, 0, 0, 1, 0, 0, 0, 0]).is_err());
        let mut b = blob(&[(TAG_BASENAMES, TYPE_STRING_ARRAY, 1, b"x\0".to_vec())]);
        b.truncate(b.len() - 1);
        assert!(Header::parse(&b).is_err());
        // A count larger than the data store.
        let b = blob(&[(TAG_BASENAMES, TYPE_STRING_ARRAY, 99, b"x\0".to_vec())]);
        assert!(Header::parse(&b).is_err());
        // Unterminated string array.
        let b = blob(&[(TAG_BASENAMES, TYPE_STRING_ARRAY, 2, b"x\0y".to_vec())]);
        assert!(Header::parse(&b)
            .unwrap()
            .string_array(TAG_BASENAMES)
            .is_err());
        assert!(matches!(
            sqlite_blobs(b"not a database"),
            Err(Error::Sqlite(_))
        ));
    }

    #[test]
    fn errors_name_the_format_that_failed() {
        assert_eq!(database_blobs(b"junk"), Err(Error::NotRpmDatabase));
        assert!(matches!(bdb_values(b"junk"), Err(Error::BerkeleyDb(_))));
        assert!(matches!(ndb_blobs(b"junk"), Err(Error::Ndb(_))));
        assert!(matches!(Header::parse(b""), Err(Error::Header(_))));
        // Text callers keep the old messages.
        let text: String = Error::NotRpmDatabase.into();
        assert!(text.starts_with("not an rpm database"), "{text}");
    }
}
