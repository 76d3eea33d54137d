//! The Berkeley DB "hash" file rpm used for `/var/lib/rpm/Packages` up to RHEL/CentOS 8,
//! Amazon Linux 2 and Fedora 32: one record per package, key = package number, value = the
//! header blob. Read from bytes, without libdb (the only Rust reader found, the `rpmdb`
//! crate, is unmaintained, takes a file path and pins an old rusqlite that cannot link
//! beside ours). Only what rpm writes is read: hash pages, on-page and overflow values.
//!
//! Layout (Berkeley DB's `db_page.h`): fixed-size pages; page 0 is the metadata page (magic,
//! page size, last page number); every page starts with a 26-byte header (`next_pgno` at
//! 16, `entries` at 20, `hf_offset` at 22, `type` at 25) followed by `entries` 2-byte item
//! offsets. On hash pages items alternate key, value; a value is either stored on the page
//! (`H_KEYDATA`: type byte, then the bytes up to the previous item) or on a chain of
//! overflow pages (`H_OFFPAGE`: first page number and total length), each holding
//! `hf_offset` bytes after its header. Numbers are in the byte order of the machine that
//! wrote the file, which the metadata magic tells.

const HASH_MAGIC: u32 = 0x0006_1561;
const PAGE_HEADER: usize = 26;
const P_HASH_UNSORTED: u8 = 2;
const P_OVERFLOW: u8 = 7;
const P_HASH: u8 = 13;
const H_KEYDATA: u8 = 1;
const H_OFFPAGE: u8 = 3;

/// Does `data` start like a Berkeley DB hash database (either byte order)?
pub fn is_bdb_hash(data: &[u8]) -> bool {
    data.get(12..16).is_some_and(|m| {
        let m: [u8; 4] = m.try_into().expect("4 bytes");
        u32::from_le_bytes(m) == HASH_MAGIC || u32::from_be_bytes(m) == HASH_MAGIC
    })
}

struct Db<'a> {
    data: &'a [u8],
    big_endian: bool,
    page_size: usize,
    last_page: usize,
}

impl<'a> Db<'a> {
    fn u16_at(&self, b: &[u8], at: usize) -> Result<usize, String> {
        let s: [u8; 2] = b
            .get(at..at + 2)
            .and_then(|s| s.try_into().ok())
            .ok_or("truncated page")?;
        Ok(if self.big_endian {
            u16::from_be_bytes(s)
        } else {
            u16::from_le_bytes(s)
        } as usize)
    }

    fn u32_at(&self, b: &[u8], at: usize) -> Result<usize, String> {
        let s: [u8; 4] = b
            .get(at..at + 4)
            .and_then(|s| s.try_into().ok())
            .ok_or("truncated page")?;
        Ok(if self.big_endian {
            u32::from_be_bytes(s)
        } else {
            u32::from_le_bytes(s)
        } as usize)
    }

    fn page(&self, n: usize) -> Result<&'a [u8], String> {
        if n == 0 || n > self.last_page {
            return Err(format!("page {n} out of range"));
        }
        let start = n * self.page_size;
        self.data
            .get(start..start + self.page_size)
            .ok_or_else(|| format!("page {n} is past the end of the file"))
    }

    /// The value stored on the overflow chain starting at `first`. Each overflow page is
    /// used at most once in the whole file (`used`), so the output never exceeds the input
    /// whatever the pages claim.
    fn overflow(&self, first: usize, len: usize, used: &mut [bool]) -> Result<Vec<u8>, String> {
        let mut out = Vec::with_capacity(len.min(self.data.len()));
        let mut n = first;
        while out.len() < len {
            let page = self.page(n)?;
            if std::mem::replace(&mut used[n], true) {
                return Err(format!("overflow page {n} used twice"));
            }
            if page[25] != P_OVERFLOW {
                return Err(format!("page {n} is not an overflow page"));
            }
            let on_page = self.u16_at(page, 22)?;
            let chunk = page
                .get(PAGE_HEADER..PAGE_HEADER + on_page)
                .ok_or_else(|| format!("overflow page {n} claims {on_page} bytes"))?;
            out.extend_from_slice(chunk);
            n = self.u32_at(page, 16)?;
            if n == 0 {
                break;
            }
        }
        if out.len() != len {
            return Err(format!(
                "overflow value from page {first} has {} bytes, expected {len}",
                out.len()
            ));
        }
        Ok(out)
    }
}

/// Every value of a Berkeley DB hash database (rpm's `Packages`: header blobs, plus a
/// 4-byte record counter under key 0), in page order.
pub fn bdb_values(data: &[u8]) -> Result<Vec<Vec<u8>>, crate::Error> {
    values(data).map_err(crate::Error::BerkeleyDb)
}

fn values(data: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let magic: [u8; 4] = data
        .get(12..16)
        .and_then(|m| m.try_into().ok())
        .ok_or("too short for a Berkeley DB file")?;
    let big_endian = match magic {
        _ if u32::from_le_bytes(magic) == HASH_MAGIC => false,
        _ if u32::from_be_bytes(magic) == HASH_MAGIC => true,
        _ => return Err("not a Berkeley DB hash database".into()),
    };
    let mut db = Db {
        data,
        big_endian,
        page_size: 0,
        last_page: 0,
    };
    db.page_size = db.u32_at(data, 20)?;
    if !(512..=65536).contains(&db.page_size) || !db.page_size.is_power_of_two() {
        return Err(format!("bad page size {}", db.page_size));
    }
    if data.get(24).is_some_and(|&alg| alg != 0) {
        return Err("encrypted Berkeley DB".into());
    }
    // Checksummed databases put a checksum after the page header; rpm never asks for one.
    if data.get(26).is_some_and(|&flags| flags & 1 != 0) {
        return Err("checksummed Berkeley DB pages are not supported".into());
    }
    db.last_page = db.u32_at(data, 32)?;
    let pages = data.len() / db.page_size;
    if db.last_page >= pages {
        return Err(format!(
            "last page {} is past the end of the file ({pages} pages)",
            db.last_page
        ));
    }
    let mut used = vec![false; db.last_page + 1];
    let mut out = Vec::new();
    for n in 1..=db.last_page {
        let page = db.page(n)?;
        if page[25] != P_HASH && page[25] != P_HASH_UNSORTED {
            continue;
        }
        let entries = db.u16_at(page, 20)?;
        let offset = |i: usize| db.u16_at(page, PAGE_HEADER + 2 * i);
        // Items alternate key, value; values sit at odd indexes.
        for i in (1..entries).step_by(2) {
            let at = offset(i)?;
            let kind = *page
                .get(at)
                .ok_or_else(|| format!("page {n}: item {i} outside the page"))?;
            match kind {
                H_KEYDATA => {
                    // An item runs up to the start of the item before it (items are
                    // stored from the end of the page down).
                    let end = offset(i - 1)?;
                    let value = page
                        .get(at + 1..end)
                        .ok_or_else(|| format!("page {n}: item {i} has a bad length"))?;
                    out.push(value.to_vec());
                }
                H_OFFPAGE => {
                    let first = db.u32_at(page, at + 4)?;
                    let len = db.u32_at(page, at + 8)?;
                    let value = db
                        .overflow(first, len, &mut used)
                        .map_err(|e| format!("page {n}: item {i}: {e}"))?;
                    out.push(value);
                }
                // Duplicate sets: rpm never stores two values under one key.
                _ => {}
            }
        }
    }
    Ok(out)
}
