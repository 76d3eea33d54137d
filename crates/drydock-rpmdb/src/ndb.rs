//! rpm's own "ndb" package store (`Packages.db`, SUSE Linux Enterprise 15 SP3+ and
//! openSUSE Leap 15.3+), read from bytes. The layout follows rpm's
//! `lib/backend/ndb/rpmpkg.c` (all numbers little-endian):
//!
//! - a 32-byte header: magic `RpmP`, version 0, generation, `slotnpages`, next index;
//! - `slotnpages` pages of 4096 bytes holding 16-byte slots (the first two slot positions
//!   are the header): magic `Slot`, package index, block offset, block count; offset 0 is
//!   an empty slot;
//! - blobs in 16-byte blocks: head (magic `BlbS`, package index, timestamp, length), the
//!   header blob, zero padding, tail (Adler-32 of head + blob + padding, length, `BlbE`).

const PAGE: usize = 4096;
const HEADER: usize = 32;
const SLOT: usize = 16;
const BLOCK: usize = 16;
const BLOB_HEAD: usize = 16;
const BLOB_TAIL: usize = 12;

const fn magic(m: &[u8; 4]) -> u32 {
    u32::from_le_bytes(*m)
}
const DB_MAGIC: u32 = magic(b"RpmP");
const SLOT_MAGIC: u32 = magic(b"Slot");
const HEAD_MAGIC: u32 = magic(b"BlbS");
const TAIL_MAGIC: u32 = magic(b"BlbE");

fn le32(b: &[u8], at: usize) -> Option<usize> {
    let s: [u8; 4] = b.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_le_bytes(s) as usize)
}

/// Does `data` start like an ndb package database?
pub fn is_ndb(data: &[u8]) -> bool {
    le32(data, 0) == Some(DB_MAGIC as usize)
}

/// Every header blob of an ndb `Packages.db`, in slot order; checksums are verified.
pub fn ndb_blobs(data: &[u8]) -> Result<Vec<Vec<u8>>, crate::Error> {
    blobs(data).map_err(crate::Error::Ndb)
}

fn blobs(data: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    if !is_ndb(data) {
        return Err("not an rpm ndb database".into());
    }
    let version = le32(data, 4).ok_or("truncated header")?;
    if version != 0 {
        return Err(format!("ndb version {version} (only 0 exists)"));
    }
    let slot_pages = le32(data, 12).ok_or("truncated header")?;
    let slot_end = slot_pages
        .checked_mul(PAGE)
        .filter(|&e| e > 0 && e <= data.len())
        .ok_or_else(|| format!("{slot_pages} slot pages do not fit in the file"))?;
    let mut out = Vec::new();
    for at in (HEADER..slot_end).step_by(SLOT) {
        let field = |k: usize| le32(data, at + 4 * k).ok_or("truncated slot");
        if field(0)? != SLOT_MAGIC as usize {
            return Err(format!("bad slot magic at offset {at}"));
        }
        let (index, block, blocks) = (field(1)?, field(2)?, field(3)?);
        if block == 0 {
            continue;
        }
        out.push(
            blob(data, index, block, blocks, slot_end)
                .map_err(|e| format!("package {index}: {e}"))?,
        );
    }
    Ok(out)
}

fn blob(
    data: &[u8],
    index: usize,
    block: usize,
    blocks: usize,
    slot_end: usize,
) -> Result<Vec<u8>, String> {
    let start = block.checked_mul(BLOCK).ok_or("bad block offset")?;
    let end = blocks
        .checked_mul(BLOCK)
        .and_then(|n| start.checked_add(n))
        .ok_or("bad block count")?;
    if start < slot_end || end > data.len() || end - start < BLOB_HEAD + BLOB_TAIL {
        return Err(format!(
            "blob at blocks {block}+{blocks} is outside the data area"
        ));
    }
    let area = &data[start..end];
    let head = |k: usize| le32(area, 4 * k).ok_or("truncated blob");
    if head(0)? != HEAD_MAGIC as usize || head(1)? != index {
        return Err("bad blob head".into());
    }
    let len = head(3)?;
    if (BLOB_HEAD + len + BLOB_TAIL).div_ceil(BLOCK) != blocks {
        return Err(format!(
            "blob length {len} does not fill its {blocks} blocks"
        ));
    }
    let tail = area.len() - BLOB_TAIL;
    let sum = le32(area, tail).ok_or("truncated blob")?;
    if le32(area, tail + 4) != Some(len) || le32(area, tail + 8) != Some(TAIL_MAGIC as usize) {
        return Err("bad blob tail".into());
    }
    let mut adler = adler2::Adler32::new();
    adler.write_slice(&area[..tail]);
    if adler.checksum() as usize != sum {
        return Err("blob checksum mismatch".into());
    }
    Ok(area[BLOB_HEAD..BLOB_HEAD + len].to_vec())
}
