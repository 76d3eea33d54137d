//! A reader in front of the `tar` crate that follows the archive's block structure exactly as
//! `tar::Archive::entries` does, so limits apply *before* the crate buffers anything.
//!
//! The `tar` crate reads a PAX extended header (`x`) or a GNU long name/link (`L`/`K`) into
//! one `Vec` of whatever size its header declares: a 1 GiB PAX header in a 2 MB gzip layer
//! costs 1 GiB of memory. It has no knob for that, so this guard watches the same headers
//! as they stream past and fails the read with a [`LimitExceeded`] error once one declares
//! more than [`MAX_EXTENSION_BYTES`]. It also notes what the crate silently tolerates and
//! other extractors reject or read differently (malformed PAX records, a `size=` that does
//! not parse), which the walker reports as IM016 anomalies.
//!
//! Hand-written because no crate offers a streaming tar header validator; it mirrors
//! `tar` 0.4's `next_entry_raw`/`parse_sparse_header` (USTAR/GNU blocks, PAX `size`
//! override, old-GNU sparse extension blocks). When the stream stops making sense as a tar
//! (bad checksum, end marker) the guard steps aside: the crate reports the error itself.

use crate::blob::LimitExceeded;
use std::io::{self, Read};

/// Most bytes of one PAX extended header or GNU long name/link. Real ones hold a few paths
/// and attributes; Linux paths end at 4096 bytes (`PATH_MAX`).
pub const MAX_EXTENSION_BYTES: u64 = 1 << 20;

const BLOCK: usize = 512;

enum State {
    /// Collecting a 512-byte header.
    Header,
    /// Collecting an old-GNU sparse extension block (more follow while byte 504 is set).
    SparseExt,
    /// Inside an entry's data (and padding): `left` bytes to go.
    Data { left: u64, keep: u64 },
    /// The end marker was seen, or the stream is not a tar the crate would read: pass through.
    Off,
}

/// See the module docs. `notes` collects anomalies (with the entry name when known).
pub struct TarGuard<R> {
    inner: R,
    state: State,
    block: [u8; BLOCK],
    filled: usize,
    /// The data of a PAX `x` header being collected (bounded by [`MAX_EXTENSION_BYTES`]).
    pax: Option<Vec<u8>>,
    /// `size` from the last PAX header, for the next real entry.
    pax_size: Option<u64>,
    /// Data bytes (padded) of a sparse entry whose extension blocks come first.
    pending_data: u64,
    pub notes: Vec<String>,
}

impl<R: Read> TarGuard<R> {
    pub fn new(inner: R) -> Self {
        TarGuard {
            inner,
            state: State::Header,
            block: [0; BLOCK],
            filled: 0,
            pax: None,
            pax_size: None,
            pending_data: 0,
            notes: Vec::new(),
        }
    }

    pub fn into_inner(self) -> R {
        self.inner
    }

    fn header(&mut self) -> io::Result<()> {
        let b = &self.block;
        if b.iter().all(|&x| x == 0) {
            // `tar` stops at the first zero block (ignore_zeros is off).
            self.state = State::Off;
            return Ok(());
        }
        let h = tar::Header::from_byte_slice(b);
        let sum: u32 = b[..148]
            .iter()
            .chain(&b[156..])
            .map(|&x| x as u32)
            .sum::<u32>()
            + 8 * 32;
        if h.cksum().ok() != Some(sum) {
            self.state = State::Off;
            return Ok(());
        }
        let Ok(mut size) = h.entry_size() else {
            self.state = State::Off;
            return Ok(());
        };
        let et = h.entry_type();
        let extension = et.is_gnu_longname()
            || et.is_gnu_longlink()
            || et.is_pax_local_extensions()
            || et.is_pax_global_extensions();
        let recognized = h.as_gnu().is_some() || h.as_ustar().is_some();
        let buffered = recognized
            && (et.is_gnu_longname() || et.is_gnu_longlink() || et.is_pax_local_extensions());
        if buffered && size > MAX_EXTENSION_BYTES {
            let what = if et.is_pax_local_extensions() {
                "PAX extended header"
            } else {
                "GNU long name"
            };
            return Err(io::Error::other(LimitExceeded(format!(
                "{what} of {size} bytes exceeds the {MAX_EXTENSION_BYTES}-byte limit (hostile archive?)"
            ))));
        }
        if !extension {
            if let Some(s) = self.pax_size.take() {
                size = s;
            }
        }
        if !buffered {
            // Whatever the crate returns as an entry ends the pending extensions.
            self.pax_size = None;
        }
        let mut keep = 0;
        if recognized && et.is_pax_local_extensions() {
            self.pax = Some(Vec::with_capacity(size as usize));
            keep = size;
        }
        let Some(padded) = size
            .checked_add(BLOCK as u64 - 1)
            .map(|s| s & !(BLOCK as u64 - 1))
        else {
            self.state = State::Off;
            return Ok(());
        };
        let sparse_ext = et.is_gnu_sparse() && h.as_gnu().is_some_and(|g| g.is_extended());
        self.state = if sparse_ext {
            State::SparseExt
        } else {
            State::Data { left: padded, keep }
        };
        self.pending_data = padded;
        Ok(())
    }

    fn pax_done(&mut self) {
        let Some(data) = self.pax.take() else { return };
        let mut size = None;
        for rec in tar::PaxExtensions::new(&data) {
            let Ok(rec) = rec else {
                self.notes.push(
                    "malformed PAX record (its length field does not match, or it has no `=`): extractors disagree about the entry".into(),
                );
                // `tar` stops at the first bad record, like its `size` lookup.
                break;
            };
            if rec.key() == Ok("size") {
                match rec.value().ok().and_then(|v| v.parse::<u64>().ok()) {
                    Some(s) => size = Some(s),
                    None => {
                        self.notes.push(format!(
                            "PAX `size={}` is not a valid size: extractors disagree about where the next entry starts",
                            String::from_utf8_lossy(rec.value_bytes()).chars().take(40).collect::<String>()
                        ));
                        break;
                    }
                }
                break;
            }
        }
        self.pax_size = size;
    }

    /// Follow the structure over bytes that just went past.
    fn track(&mut self, mut buf: &[u8]) -> io::Result<()> {
        while !buf.is_empty() {
            match &mut self.state {
                State::Off => return Ok(()),
                State::Header | State::SparseExt => {
                    let n = (BLOCK - self.filled).min(buf.len());
                    self.block[self.filled..self.filled + n].copy_from_slice(&buf[..n]);
                    self.filled += n;
                    buf = &buf[n..];
                    if self.filled < BLOCK {
                        continue;
                    }
                    self.filled = 0;
                    if matches!(self.state, State::Header) {
                        self.header()?;
                    } else if self.block[504] == 0 {
                        self.state = State::Data {
                            left: self.pending_data,
                            keep: 0,
                        };
                    }
                }
                State::Data { left, keep } => {
                    let n = (*left).min(buf.len() as u64) as usize;
                    let k = (*keep).min(n as u64) as usize;
                    *left -= n as u64;
                    *keep -= k as u64;
                    let done = *left == 0;
                    if let Some(p) = &mut self.pax {
                        p.extend_from_slice(&buf[..k]);
                    }
                    buf = &buf[n..];
                    if done {
                        self.pax_done();
                        self.state = State::Header;
                    }
                }
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for TarGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.track(&buf[..n])?;
        Ok(n)
    }
}
