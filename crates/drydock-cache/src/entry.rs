//! The entry format every backend stores: a versioned, checksummed, compressed blob. A
//! backend hands back bytes it cannot vouch for (a disk sector gone bad, a Redis value
//! written by another tool, a truncated write), so the payload is trusted only when the
//! checksum over it matches.
//!
//! Layout (all integers little-endian):
//! `b"DDLC"` · format version `u16` · payload length `u64` (uncompressed) ·
//! sha256 of the compressed payload (32 bytes) · zstd-compressed payload.

use sha2::{Digest, Sha256};

const MAGIC: &[u8; 4] = b"DDLC";
/// Bump when the envelope changes; old entries then read as corrupt and are rebuilt.
pub const FORMAT_VERSION: u16 = 1;
const HEADER: usize = 4 + 2 + 8 + 32;
/// A payload larger than this is refused on read (a damaged length must not make us
/// allocate gigabytes).
pub const MAX_PAYLOAD: u64 = 1 << 30;

/// Wrap `payload` in the entry format.
pub fn encode(payload: &[u8]) -> Vec<u8> {
    // Level 3: the entries are small next to the layers, and writes happen on the scan's
    // critical path; higher levels cost more time than the space is worth.
    let compressed = zstd::bulk::compress(payload, 3).unwrap_or_else(|_| payload.to_vec());
    let mut out = Vec::with_capacity(HEADER + compressed.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&Sha256::digest(&compressed));
    out.extend_from_slice(&compressed);
    out
}

/// Check and unwrap an entry; the error says what is wrong with it.
pub fn decode(entry: &[u8]) -> Result<Vec<u8>, String> {
    if entry.len() < HEADER {
        return Err(format!("truncated entry ({} bytes)", entry.len()));
    }
    if &entry[..4] != MAGIC {
        return Err("not a drydock cache entry (bad magic)".into());
    }
    let version = u16::from_le_bytes([entry[4], entry[5]]);
    if version != FORMAT_VERSION {
        return Err(format!(
            "entry format {version}, this drydock reads {FORMAT_VERSION}"
        ));
    }
    let mut len = [0u8; 8];
    len.copy_from_slice(&entry[6..14]);
    let len = u64::from_le_bytes(len);
    if len > MAX_PAYLOAD {
        return Err(format!("payload length {len} exceeds {MAX_PAYLOAD}"));
    }
    let body = &entry[HEADER..];
    if Sha256::digest(body).as_slice() != &entry[14..46] {
        return Err("checksum mismatch".into());
    }
    let payload = zstd::bulk::decompress(body, len as usize)
        .map_err(|e| format!("cannot decompress: {e}"))?;
    if payload.len() as u64 != len {
        return Err(format!(
            "payload is {} bytes, header says {len}",
            payload.len()
        ));
    }
    Ok(payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let p = b"hello layer".repeat(100);
        assert_eq!(decode(&encode(&p)).unwrap(), p);
        assert_eq!(decode(&encode(b"")).unwrap(), b"");
    }

    #[test]
    fn damage_is_detected() {
        let e = encode(&b"some payload bytes".repeat(50));
        for cut in [0, 10, HEADER - 1, e.len() - 1] {
            assert!(decode(&e[..cut]).is_err(), "truncated at {cut}");
        }
        let mut flipped = e.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 0x40;
        assert_eq!(decode(&flipped).unwrap_err(), "checksum mismatch");
        let mut bad_version = e.clone();
        bad_version[4] = 9;
        assert!(decode(&bad_version).unwrap_err().contains("entry format 9"));
        let mut huge = e;
        huge[6..14].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(decode(&huge).unwrap_err().contains("exceeds"));
    }
}
