//! Reading blobs safely: digest verification while streaming, decompression chosen by magic
//! bytes (gzip, zstd or none), and limits against decompression bombs.

use crate::model::{BlobStore, Descriptor, ImageError, Limits};
use sha2::{Digest, Sha256, Sha512};
use std::io::{self, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{channel, sync_channel, Receiver, Sender, SyncSender};
use std::sync::Arc;

/// sha256 or sha512, chosen by the digest being checked.
#[derive(Clone)]
pub enum Hasher {
    Sha256(Sha256),
    Sha512(Sha512),
}

impl Hasher {
    pub fn for_digest(digest: &str) -> Hasher {
        if digest.starts_with("sha512:") {
            Hasher::Sha512(Sha512::new())
        } else {
            Hasher::Sha256(Sha256::new())
        }
    }
    pub fn update(&mut self, b: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(b),
            Hasher::Sha512(h) => h.update(b),
        }
    }
    pub fn finish(self) -> String {
        match self {
            Hasher::Sha256(h) => format!("sha256:{}", hex::encode(h.finalize())),
            Hasher::Sha512(h) => format!("sha512:{}", hex::encode(h.finalize())),
        }
    }
}

/// Sentinel carried inside `io::Error` so limit violations survive the tar/decoder layers.
#[derive(Debug)]
pub struct LimitExceeded(pub String);

impl std::fmt::Display for LimitExceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for LimitExceeded {}

/// Sentinel for errors of the decompressor itself (corrupt gzip/zstd data), so that they
/// are not mistaken for tar problems once they come out of the tar crate.
#[derive(Debug)]
pub struct DecodeError(pub String);

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for DecodeError {}

/// Sentinel for errors reading the stored blob, forwarded from the decoding thread.
#[derive(Debug)]
pub struct ReadError(pub String);

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for ReadError {}

/// zstd's default window limit (2^27 = 128 MiB, `ZSTD_WINDOWLOG_LIMIT_DEFAULT`): a frame
/// asking for more would make the decoder allocate that much.
const ZSTD_WINDOW_LOG_MAX: u32 = 27;

fn zstd_error(e: io::Error) -> io::Error {
    let m = e.to_string();
    let msg = if m.contains("too much memory") || m.contains("indow") {
        format!(
            "zstd window too large: the frame needs more than {} MiB of decoder window (limit)",
            (1u64 << ZSTD_WINDOW_LOG_MAX) >> 20
        )
    } else if m.contains("checksum") {
        "zstd checksum mismatch: the decompressed data is corrupt".to_string()
    } else {
        format!("corrupt zstd data: {m}")
    };
    io::Error::new(io::ErrorKind::InvalidData, DecodeError(msg))
}

/// Counts and hashes every byte that passes through.
pub struct HashingReader<R> {
    inner: R,
    /// `None`: only count (the bytes are hashed elsewhere).
    hasher: Option<Hasher>,
    count: u64,
}

impl<R: Read> HashingReader<R> {
    pub fn new(inner: R, hasher: Hasher) -> Self {
        HashingReader {
            inner,
            hasher: Some(hasher),
            count: 0,
        }
    }
    fn counting(inner: R) -> Self {
        HashingReader {
            inner,
            hasher: None,
            count: 0,
        }
    }
    pub fn count(&self) -> u64 {
        self.count
    }
    /// The inner reader, the digest (empty when only counting) and the byte count.
    pub fn finish(self) -> (R, String, u64) {
        (
            self.inner,
            self.hasher.map(Hasher::finish).unwrap_or_default(),
            self.count,
        )
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(h) = &mut self.hasher {
            h.update(&buf[..n]);
        }
        self.count += n as u64;
        Ok(n)
    }
}

/// A shareable byte counter (compressed side) so the uncompressed side can enforce a ratio.
#[derive(Clone, Default)]
pub struct Counter(Arc<AtomicU64>);

impl Counter {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
    fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }
}

/// How a blob is compressed, from its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    pub fn as_str(self) -> &'static str {
        match self {
            Compression::None => "none",
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
        }
    }
}

/// Detect compression by magic bytes; bzip2/xz are recognised and refused clearly.
pub fn sniff_compression(head: &[u8], blob: &str) -> Result<Compression, ImageError> {
    if head.starts_with(&[0x1f, 0x8b]) {
        Ok(Compression::Gzip)
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Ok(Compression::Zstd)
    } else if head.starts_with(b"BZh") || head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
        Err(ImageError::Unsupported {
            input: blob.into(),
            message: "bzip2/xz-compressed layers are not supported (only gzip, zstd or none)"
                .into(),
        })
    } else {
        Ok(Compression::None)
    }
}

/// Size of one decoded chunk handed from the decoding thread to the walker.
const CHUNK: usize = 1 << 20;
/// Chunks per layer (in flight + being read): bounds memory at ~4 MiB per layer and keeps
/// the buffers warm — fresh 1 MiB allocations per chunk cost more in page faults and
/// zeroing than the copy itself.
const CHUNKS: usize = 4;
/// Stored bytes read at once by the decoding thread.
const INPUT_BUF: usize = 256 << 10;

/// The stored side of a layer: reads the blob, hashes and counts every byte, and buffers
/// it for the decompressor.
struct Input {
    inner: Box<dyn Read + Send>,
    hasher: Hasher,
    count: u64,
    counter: Counter,
    buf: Vec<u8>,
    pos: usize,
    end: usize,
}

impl Input {
    fn new(inner: Box<dyn Read + Send>, hasher: Hasher, counter: Counter) -> Self {
        Input {
            inner,
            hasher,
            count: 0,
            counter,
            buf: vec![0; INPUT_BUF],
            pos: 0,
            end: 0,
        }
    }

    /// Read straight into `out` (hashed and counted); `Ok(0)` at the end of the blob.
    fn read_raw(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = loop {
            match self.inner.read(out) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        self.hasher.update(&out[..n]);
        self.count += n as u64;
        self.counter.add(n as u64);
        Ok(n)
    }

    /// Refill the buffer once it is used up; `false` at the end of the blob.
    fn fill(&mut self) -> io::Result<bool> {
        if self.pos < self.end {
            return Ok(true);
        }
        let mut buf = std::mem::take(&mut self.buf);
        let r = self.read_raw(&mut buf);
        self.buf = buf;
        self.pos = 0;
        self.end = r?;
        Ok(self.end > 0)
    }

    fn avail(&self) -> &[u8] {
        &self.buf[self.pos..self.end]
    }

    /// Copy buffered bytes first, then read directly (uncompressed layers: no extra copy).
    fn read_into(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos < self.end {
            let n = out.len().min(self.end - self.pos);
            out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
            self.pos += n;
            return Ok(n);
        }
        self.read_raw(out)
    }

    fn byte(&mut self, what: &str) -> io::Result<u8> {
        if !self.fill()? {
            return Err(truncated(format!("stream ends inside the gzip {what}")));
        }
        self.pos += 1;
        Ok(self.buf[self.pos - 1])
    }

    fn skip(&mut self, mut n: usize, what: &str) -> io::Result<()> {
        while n > 0 {
            if !self.fill()? {
                return Err(truncated(format!("stream ends inside the gzip {what}")));
            }
            let k = n.min(self.end - self.pos);
            self.pos += k;
            n -= k;
        }
        Ok(())
    }

    /// Drain whatever is left (bytes after the compressed stream still count for the digest).
    fn finish(mut self) -> io::Result<(String, u64)> {
        let mut buf = std::mem::take(&mut self.buf);
        while self.read_raw(&mut buf)? > 0 {}
        Ok((self.hasher.finish(), self.count))
    }
}

/// A filled part of a reusable buffer.
struct Chunk {
    buf: Vec<u8>,
    len: usize,
}

/// The decoding thread's output side: a small pool of reusable chunks.
struct Output {
    tx: SyncSender<io::Result<Chunk>>,
    free: Receiver<Vec<u8>>,
    spare: usize,
    cur: Chunk,
}

fn gone() -> io::Error {
    io::Error::other("layer reader went away")
}

impl Output {
    fn next_buf(free: &Receiver<Vec<u8>>, spare: &mut usize) -> io::Result<Vec<u8>> {
        if let Ok(b) = free.try_recv() {
            return Ok(b);
        }
        if *spare > 0 {
            *spare -= 1;
            return Ok(vec![0; CHUNK]);
        }
        free.recv().map_err(|_| gone())
    }

    fn space(&mut self) -> &mut [u8] {
        &mut self.cur.buf[self.cur.len..]
    }

    /// Account `n` bytes written into [`Output::space`]; hand the chunk over when full.
    fn advance(&mut self, n: usize) -> io::Result<()> {
        self.cur.len += n;
        if self.cur.len == self.cur.buf.len() {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.cur.len == 0 {
            return Ok(());
        }
        let next = Self::next_buf(&self.free, &mut self.spare)?;
        let full = std::mem::replace(&mut self.cur, Chunk { buf: next, len: 0 });
        self.tx.send(Ok(full)).map_err(|_| gone())
    }
}

type PipeResult = io::Result<(String, u64)>;

/// Decode a whole blob into `out`, then drain it; returns the stored digest and size.
fn decode(mut input: Input, compression: Compression, out: &mut Output) -> PipeResult {
    match compression {
        Compression::None => loop {
            let n = input.read_into(out.space())?;
            if n == 0 {
                break;
            }
            out.advance(n)?;
        },
        Compression::Gzip => inflate_gzip(&mut input, out)?,
        Compression::Zstd => decode_zstd(&mut input, out)?,
    }
    out.flush()?;
    input.finish()
}

/// The stored stream ended early (mapped to `ImageError::Truncated`).
fn truncated(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::UnexpectedEof, DecodeError(msg.into()))
}

fn corrupt(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, DecodeError(msg.into()))
}

/// gzip members (RFC 1952), one after another like `gzip -dc`: the member header is parsed
/// here and the body inflated as raw deflate. The trailer's CRC-32 is not recomputed — the
/// layer's sha256 (`rootfs.diff_ids`) covers the same bytes far more strongly — but the
/// trailer must be present and its ISIZE must match, so truncation and garbage are caught.
fn inflate_gzip(input: &mut Input, out: &mut Output) -> io::Result<()> {
    use flate2::{Decompress, FlushDecompress, Status};
    let mut d = Decompress::new(false);
    let mut first = true;
    loop {
        if !input.fill()? {
            if first {
                return Err(truncated("empty gzip stream"));
            }
            return Ok(());
        }
        first = false;
        gzip_header(input)?;
        d.reset(false);
        loop {
            if !input.fill()? {
                return Err(truncated(
                    "gzip stream ends inside the compressed data (unexpected EOF)",
                ));
            }
            let (i0, o0) = (d.total_in(), d.total_out());
            let st = {
                let src = &input.buf[input.pos..input.end];
                let dst = &mut out.cur.buf[out.cur.len..];
                d.decompress(src, dst, FlushDecompress::None)
                    .map_err(|e| corrupt(format!("corrupt deflate data: {e}")))?
            };
            let used = (d.total_in() - i0) as usize;
            let made = (d.total_out() - o0) as usize;
            input.pos += used;
            out.advance(made)?;
            if st == Status::StreamEnd {
                break;
            }
            if used == 0 && made == 0 && input.pos < input.end {
                return Err(corrupt("deflate stream makes no progress"));
            }
        }
        let mut trailer = [0u8; 8];
        for b in &mut trailer {
            *b = input.byte("trailer")?;
        }
        let isize = u32::from_le_bytes([trailer[4], trailer[5], trailer[6], trailer[7]]);
        if isize != d.total_out() as u32 {
            return Err(corrupt(format!(
                "gzip trailer says {isize} bytes (mod 2^32) but the member inflated to {}",
                d.total_out()
            )));
        }
    }
}

fn gzip_header(input: &mut Input) -> io::Result<()> {
    let what = "header";
    let (id1, id2) = (input.byte(what)?, input.byte(what)?);
    if (id1, id2) != (0x1f, 0x8b) {
        return Err(corrupt(
            "gzip: data after the end of the compressed stream (trailing garbage)",
        ));
    }
    if input.byte(what)? != 8 {
        return Err(corrupt("gzip member uses an unknown compression method"));
    }
    let flags = input.byte(what)?;
    if flags & 0xe0 != 0 {
        return Err(corrupt("gzip header has reserved flag bits set"));
    }
    input.skip(6, what)?; // mtime, xfl, os
    if flags & 0x04 != 0 {
        let len = u16::from_le_bytes([input.byte(what)?, input.byte(what)?]);
        input.skip(len as usize, what)?;
    }
    for bit in [0x08, 0x10] {
        // file name, comment: zero-terminated
        if flags & bit != 0 {
            loop {
                if !input.fill()? {
                    return Err(truncated("stream ends inside the gzip header"));
                }
                match input.avail().iter().position(|&b| b == 0) {
                    Some(i) => {
                        input.pos += i + 1;
                        break;
                    }
                    None => input.pos = input.end,
                }
            }
        }
    }
    if flags & 0x02 != 0 {
        input.skip(2, what)?; // header CRC-16
    }
    Ok(())
}

/// zstd frames one after another (skippable frames included), like `zstd -dc`.
fn decode_zstd(input: &mut Input, out: &mut Output) -> io::Result<()> {
    use zstd::stream::raw::{DParameter, Decoder, Operation};
    let mut d = Decoder::new()?;
    d.set_parameter(DParameter::WindowLogMax(ZSTD_WINDOW_LOG_MAX))?;
    let mut in_frame = false;
    while input.fill()? {
        let st = {
            let src = &input.buf[input.pos..input.end];
            let dst = &mut out.cur.buf[out.cur.len..];
            d.run_on_buffers(src, dst).map_err(zstd_error)?
        };
        input.pos += st.bytes_read;
        in_frame = st.remaining != 0;
        out.advance(st.bytes_written)?;
    }
    // Everything read: let the decoder flush what it still holds from the last frame.
    while in_frame {
        let st = d.run_on_buffers(&[], out.space()).map_err(zstd_error)?;
        in_frame = st.remaining != 0;
        out.advance(st.bytes_written)?;
        if st.bytes_written == 0 {
            break;
        }
    }
    if in_frame {
        return Err(truncated(
            "zstd stream ends inside a frame (unexpected EOF)",
        ));
    }
    Ok(())
}

/// The walker's side of the pipe.
struct PipeReader {
    rx: Receiver<io::Result<Chunk>>,
    free: Sender<Vec<u8>>,
    cur: Option<Chunk>,
    pos: usize,
    handle: Option<std::thread::JoinHandle<PipeResult>>,
}

impl Read for PipeReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if let Some(c) = &self.cur {
                if self.pos < c.len {
                    let n = buf.len().min(c.len - self.pos);
                    buf[..n].copy_from_slice(&c.buf[self.pos..self.pos + n]);
                    self.pos += n;
                    return Ok(n);
                }
            }
            if let Some(c) = self.cur.take() {
                // The decoder may already be gone (finished): nothing to recycle then.
                let _ = self.free.send(c.buf);
            }
            match self.rx.recv() {
                Ok(Ok(c)) => {
                    self.cur = Some(c);
                    self.pos = 0;
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => return Ok(0),
            }
        }
    }
}

/// Decode on a helper thread so that reading + hashing the stored blob + decompressing
/// and the tar walk of the same layer use two cores; chunks come back for reuse.
fn spawn_pipe(input: Input, compression: Compression) -> io::Result<PipeReader> {
    let (tx, rx) = sync_channel::<io::Result<Chunk>>(CHUNKS);
    let (free_tx, free_rx) = channel::<Vec<u8>>();
    let spawned = std::thread::Builder::new()
        .name("drydock-decode".into())
        .spawn(move || -> PipeResult {
            let mut spare = CHUNKS;
            let first = Output::next_buf(&free_rx, &mut spare)?;
            let mut out = Output {
                tx,
                free: free_rx,
                spare,
                cur: Chunk { buf: first, len: 0 },
            };
            let r = decode(input, compression, &mut out);
            if let Err(e) = &r {
                let copy = match e.get_ref() {
                    Some(i) if i.is::<DecodeError>() => {
                        io::Error::new(e.kind(), DecodeError(e.to_string()))
                    }
                    Some(i) if i.is::<LimitExceeded>() => {
                        io::Error::new(e.kind(), LimitExceeded(e.to_string()))
                    }
                    // Reading the stored blob failed (a registry fault, an I/O error): keep
                    // it recognisable so it is not reported as a tar problem.
                    _ => io::Error::new(e.kind(), ReadError(e.to_string())),
                };
                let _ = out.tx.send(Err(copy));
            }
            r
        })?;
    Ok(PipeReader {
        rx,
        free: free_tx,
        cur: None,
        pos: 0,
        handle: Some(spawned),
    })
}

/// The limits one layer read must respect; `total` is shared by all layers of an image.
#[derive(Clone)]
pub struct LayerLimits {
    pub limits: Limits,
    pub total: Counter,
}

impl LayerLimits {
    pub fn new(limits: &Limits) -> Self {
        LayerLimits {
            limits: limits.clone(),
            total: Counter::default(),
        }
    }
}

/// The uncompressed bytes of a layer; hashes both sides while streaming. Call
/// [`LayerReader::finish`] after the consumer is done to drain and verify.
pub struct LayerReader {
    inner: HashingReader<PipeReader>,
    compressed: Counter,
    limits: LayerLimits,
    pub blob: String,
    pub compression: Compression,
    desc: Descriptor,
    diff_id: String,
}

/// What a fully read layer turned out to be.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LayerDigests {
    pub digest: String,
    pub diff_id: String,
    pub compressed_size: u64,
    pub uncompressed_size: u64,
    pub compression: Compression,
}

impl LayerReader {
    pub fn open(
        store: &dyn BlobStore,
        desc: &Descriptor,
        diff_id: &str,
        limits: &LayerLimits,
    ) -> Result<LayerReader, ImageError> {
        Self::open_observed(store, desc, diff_id, limits, |r| r)
    }

    /// [`LayerReader::open`] with the stored bytes passed through `observe` first (progress
    /// counts what is really read: network, file or daemon stream).
    pub fn open_observed(
        store: &dyn BlobStore,
        desc: &Descriptor,
        diff_id: &str,
        limits: &LayerLimits,
        observe: impl FnOnce(Box<dyn Read + Send>) -> Box<dyn Read + Send>,
    ) -> Result<LayerReader, ImageError> {
        let blob = format!("{} layer {}", store.describe(), short(&desc.digest));
        let raw = observe(store.open_blob(desc)?);
        Self::from_reader(raw, blob, desc, diff_id, limits)
    }

    pub fn from_reader(
        raw: Box<dyn Read + Send>,
        blob: String,
        desc: &Descriptor,
        diff_id: &str,
        limits: &LayerLimits,
    ) -> Result<LayerReader, ImageError> {
        let compressed = Counter::default();
        let mut input = Input::new(raw, Hasher::for_digest(&desc.digest), compressed.clone());
        input.fill().map_err(|e| ImageError::io(&blob, e))?;
        let compression = sniff_compression(input.avail(), &blob)?;
        let pipe = spawn_pipe(input, compression).map_err(|e| ImageError::io(&blob, e))?;
        // An uncompressed layer's bytes are already hashed on the stored side: hash once.
        let same_alg = desc.digest.split(':').next() == diff_id.split(':').next();
        let inner = if compression == Compression::None && same_alg {
            HashingReader::counting(pipe)
        } else {
            HashingReader::new(pipe, Hasher::for_digest(diff_id))
        };
        Ok(LayerReader {
            inner,
            compressed,
            limits: limits.clone(),
            blob,
            compression,
            desc: desc.clone(),
            diff_id: diff_id.to_string(),
        })
    }

    /// The per-layer uncompressed byte limit (`Limits::max_layer_bytes`).
    pub fn max_layer_bytes(&self) -> u64 {
        self.limits.limits.max_layer_bytes
    }

    /// Drain what the consumer did not read (tar padding, trailing blocks), then verify the
    /// compressed digest and size against the descriptor and the uncompressed digest against
    /// the diff_id. For docker-archive layers the descriptor digest *is* the diff_id; if such a
    /// layer is compressed only the diff_id is checked.
    pub fn finish(mut self) -> Result<LayerDigests, ImageError> {
        io::copy(&mut self, &mut io::sink()).map_err(|e| map_read_error(&self.blob, e))?;
        let (pipe, diff_id, uncompressed_size) = self.inner.finish();
        let (digest, compressed_size) = {
            let mut p = pipe;
            // Give the decoder's chunks back so it never waits on the pool while finishing.
            drop(p.cur.take());
            let h = p.handle.take().ok_or_else(|| ImageError::Format {
                input: self.blob.clone(),
                message: "decompression thread already joined".into(),
            })?;
            drop(p);
            h.join()
                .map_err(|_| ImageError::Format {
                    input: self.blob.clone(),
                    message: "decompression thread panicked".into(),
                })?
                .map_err(|e| map_read_error(&self.blob, e))?
        };
        let diff_id = if diff_id.is_empty() {
            digest.clone()
        } else {
            diff_id
        };
        let check_compressed =
            self.compression == Compression::None || self.desc.digest != self.diff_id;
        if check_compressed && !self.desc.digest.is_empty() && digest != self.desc.digest {
            return Err(ImageError::DigestMismatch {
                blob: self.blob,
                expected: self.desc.digest.clone(),
                actual: digest,
            });
        }
        if self.desc.size > 0 && check_compressed && compressed_size != self.desc.size {
            return Err(ImageError::SizeMismatch {
                blob: self.blob,
                expected: self.desc.size,
                actual: compressed_size,
            });
        }
        if !self.diff_id.is_empty() && diff_id != self.diff_id {
            return Err(ImageError::DigestMismatch {
                blob: format!("{} (uncompressed, rootfs.diff_ids)", self.blob),
                expected: self.diff_id.clone(),
                actual: diff_id,
            });
        }
        Ok(LayerDigests {
            digest,
            diff_id,
            compressed_size,
            uncompressed_size,
            compression: self.compression,
        })
    }
}

impl Read for LayerReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 {
            return Ok(0);
        }
        let out = self.inner.count();
        let total = {
            self.limits.total.add(n as u64);
            self.limits.total.get()
        };
        let l = &self.limits.limits;
        if out > l.max_layer_bytes {
            return Err(limit(format!(
                "layer expands beyond {} bytes (limit max_layer_bytes)",
                l.max_layer_bytes
            )));
        }
        if total > l.max_total_bytes {
            return Err(limit(format!(
                "image expands beyond {} bytes in total (limit max_total_bytes)",
                l.max_total_bytes
            )));
        }
        let comp = self.compressed.get().max(1);
        if self.compression != Compression::None && out > l.ratio_grace && out / comp > l.max_ratio
        {
            return Err(limit(format!(
                "decompression ratio above {}:1 after {out} bytes (possible decompression bomb)",
                l.max_ratio
            )));
        }
        Ok(n)
    }
}

fn limit(msg: String) -> io::Error {
    io::Error::other(LimitExceeded(msg))
}

/// Turn an I/O error from a layer stream into a clear `ImageError` naming the blob.
pub fn map_read_error(blob: &str, e: io::Error) -> ImageError {
    if let Some(l) = e.get_ref().and_then(|i| i.downcast_ref::<LimitExceeded>()) {
        return ImageError::Limit {
            blob: blob.into(),
            message: l.0.clone(),
        };
    }
    if let Some(d) = e.get_ref().and_then(|i| i.downcast_ref::<DecodeError>()) {
        if e.kind() != io::ErrorKind::UnexpectedEof {
            return ImageError::Format {
                input: blob.into(),
                message: d.0.clone(),
            };
        }
    }
    if let Some(r) = e.get_ref().and_then(|i| i.downcast_ref::<ReadError>()) {
        if e.kind() != io::ErrorKind::UnexpectedEof {
            return ImageError::Transport {
                input: blob.into(),
                message: r.0.clone(),
            };
        }
    }
    if e.kind() == io::ErrorKind::UnexpectedEof || e.to_string().contains("unexpected EOF") {
        return ImageError::Truncated {
            blob: blob.into(),
            message: format!("stream ended early ({e})"),
        };
    }
    if let Some(inner) = e.get_ref().and_then(|i| i.downcast_ref::<ImageError>()) {
        return ImageError::Transport {
            input: blob.into(),
            message: inner.to_string(),
        };
    }
    ImageError::Format {
        input: blob.into(),
        message: format!("corrupt layer data: {e}"),
    }
}

/// `sha256:0123456789ab` — enough to name a blob in a message.
pub fn short(digest: &str) -> String {
    match digest.split_once(':') {
        Some((alg, hex)) if hex.len() > 12 => format!("{alg}:{}", &hex[..12]),
        _ => digest.to_string(),
    }
}

/// Read a small blob (config, manifest) completely, refusing more than `max` bytes, and
/// verify its digest and size.
pub fn read_blob_verified(
    store: &dyn BlobStore,
    desc: &Descriptor,
    max: u64,
) -> Result<Vec<u8>, ImageError> {
    let name = format!("{} blob {}", store.describe(), desc.digest);
    let r = store.open_blob(desc)?;
    read_verified(r, desc, max, &name)
}

/// After reading a layer failed (a tar or decompression error): is the stored blob itself
/// corrupt? Re-reads it through a hasher — only on this error path — and returns the digest
/// mismatch that explains the failure, which says more than the symptom. `diff_id`: when the
/// descriptor digest is the diff_id (docker-archive), only an uncompressed blob is checked.
pub fn corrupt_blob(
    store: &dyn BlobStore,
    desc: &Descriptor,
    diff_id: &str,
    blob: &str,
) -> Option<ImageError> {
    if desc.digest.is_empty() {
        return None;
    }
    let mut h = HashingReader::new(
        store.open_blob(desc).ok()?,
        Hasher::for_digest(&desc.digest),
    );
    let mut head = [0u8; 8];
    let got = io::Read::read(&mut h, &mut head).ok()?;
    if desc.digest == diff_id && sniff_compression(&head[..got], blob).ok()? != Compression::None {
        return None;
    }
    io::copy(&mut h, &mut io::sink()).ok()?;
    let (_, digest, _) = h.finish();
    (digest != desc.digest).then(|| ImageError::DigestMismatch {
        blob: blob.into(),
        expected: desc.digest.clone(),
        actual: digest,
    })
}

/// [`read_blob_verified`] for a reader already opened.
pub fn read_verified(
    r: Box<dyn Read + Send>,
    desc: &Descriptor,
    max: u64,
    name: &str,
) -> Result<Vec<u8>, ImageError> {
    if desc.size > max {
        return Err(ImageError::Limit {
            blob: name.into(),
            message: format!(
                "document of {} bytes exceeds the {max}-byte limit",
                desc.size
            ),
        });
    }
    let mut h = HashingReader::new(r.take(max + 1), Hasher::for_digest(&desc.digest));
    let mut out = Vec::new();
    h.read_to_end(&mut out)
        .map_err(|e| map_read_error(name, e))?;
    if out.len() as u64 > max {
        return Err(ImageError::Limit {
            blob: name.into(),
            message: format!("document exceeds the {max}-byte limit"),
        });
    }
    let (_, digest, n) = h.finish();
    if !desc.digest.is_empty() && digest != desc.digest {
        return Err(ImageError::DigestMismatch {
            blob: name.into(),
            expected: desc.digest.clone(),
            actual: digest,
        });
    }
    if desc.size > 0 && n != desc.size {
        return Err(ImageError::SizeMismatch {
            blob: name.into(),
            expected: desc.size,
            actual: n,
        });
    }
    Ok(out)
}

/// `sha256:<hex>` of bytes.
pub fn sha256_digest(b: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(b)))
}
