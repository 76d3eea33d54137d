//! Reading blobs safely: digest verification while streaming, decompression chosen by magic
//! bytes (gzip, zstd or none), and limits against decompression bombs.

use crate::source::{BlobStore, Descriptor, ImageError, Limits};
use sha2::{Digest, Sha256, Sha512};
use std::io::{self, BufRead, BufReader, Read};
use std::sync::atomic::{AtomicU64, Ordering};
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

struct CountingReader<R> {
    inner: R,
    counter: Counter,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counter.add(n as u64);
        Ok(n)
    }
}

/// How a blob is compressed, from its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

type Raw = BufReader<CountingReader<HashingReader<Box<dyn Read + Send>>>>;

enum Decoder {
    Plain(Raw),
    Gzip(Box<flate2::bufread::MultiGzDecoder<Raw>>),
    Zstd(zstd::stream::read::Decoder<'static, Raw>),
}

impl Read for Decoder {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Decoder::Plain(r) => r.read(buf),
            Decoder::Gzip(r) => r.read(buf),
            Decoder::Zstd(r) => r.read(buf),
        }
    }
}

impl Decoder {
    fn into_raw(self) -> Raw {
        match self {
            Decoder::Plain(r) => r,
            Decoder::Gzip(r) => (*r).into_inner(),
            Decoder::Zstd(r) => r.finish(),
        }
    }
}

/// Where decompression runs: inline, or (compressed layers) on its own thread so that
/// inflating and the tar walk of one layer use two cores.
enum Stage {
    Inline(Box<Decoder>),
    Piped(PipeReader),
}

type PipeResult = io::Result<(String, u64)>;

struct PipeReader {
    rx: std::sync::mpsc::Receiver<io::Result<Vec<u8>>>,
    cur: Vec<u8>,
    pos: usize,
    handle: Option<std::thread::JoinHandle<PipeResult>>,
}

impl Read for Stage {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stage::Inline(d) => d.read(buf),
            Stage::Piped(p) => {
                while p.pos >= p.cur.len() {
                    match p.rx.recv() {
                        Ok(Ok(c)) => {
                            p.cur = c;
                            p.pos = 0;
                        }
                        Ok(Err(e)) => return Err(e),
                        Err(_) => return Ok(0),
                    }
                }
                let n = buf.len().min(p.cur.len() - p.pos);
                buf[..n].copy_from_slice(&p.cur[p.pos..p.pos + n]);
                p.pos += n;
                Ok(n)
            }
        }
    }
}

/// Decompress on a helper thread: chunks go to the reader through a bounded channel; at
/// the end the thread drains the stored blob and returns its digest and size.
fn spawn_pipe(mut dec: Decoder) -> Stage {
    let (tx, rx) = std::sync::mpsc::sync_channel::<io::Result<Vec<u8>>>(8);
    let handle = std::thread::spawn(move || -> PipeResult {
        loop {
            let mut buf = vec![0u8; 256 << 10];
            match dec.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    buf.truncate(n);
                    if tx.send(Ok(buf)).is_err() {
                        return Err(io::Error::other("layer reader went away"));
                    }
                }
                Err(e) => {
                    let _ = tx.send(Err(io::Error::new(e.kind(), e.to_string())));
                    return Err(e);
                }
            }
        }
        let mut raw = dec.into_raw();
        if let Err(e) = io::copy(&mut raw, &mut io::sink()) {
            let _ = tx.send(Err(io::Error::new(e.kind(), e.to_string())));
            return Err(e);
        }
        let (_, digest, n) = raw.into_inner().inner.finish();
        Ok((digest, n))
    });
    Stage::Piped(PipeReader {
        rx,
        cur: Vec::new(),
        pos: 0,
        handle: Some(handle),
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
    inner: HashingReader<Stage>,
    compressed: Counter,
    limits: LayerLimits,
    pub blob: String,
    pub compression: Compression,
    desc: Descriptor,
    diff_id: String,
}

/// What a fully read layer turned out to be.
#[derive(Clone, Debug, PartialEq, Eq)]
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
        let blob = format!("{} layer {}", store.describe(), short(&desc.digest));
        let raw = store.open_blob(desc)?;
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
        let hashing = HashingReader::new(raw, Hasher::for_digest(&desc.digest));
        let mut buf = BufReader::with_capacity(
            256 << 10,
            CountingReader {
                inner: hashing,
                counter: compressed.clone(),
            },
        );
        let head = buf.fill_buf().map_err(|e| ImageError::io(&blob, e))?;
        let compression = sniff_compression(head, &blob)?;
        let decoder = match compression {
            Compression::None => Decoder::Plain(buf),
            Compression::Gzip => Decoder::Gzip(Box::new(flate2::bufread::MultiGzDecoder::new(buf))),
            Compression::Zstd => Decoder::Zstd(
                zstd::stream::read::Decoder::with_buffer(buf)
                    .map_err(|e| ImageError::io(&blob, e))?,
            ),
        };
        // An uncompressed layer's bytes are already hashed on the stored side: hash once.
        let same_alg = desc.digest.split(':').next() == diff_id.split(':').next();
        let inner = if compression == Compression::None && same_alg {
            HashingReader::counting(Stage::Inline(Box::new(decoder)))
        } else if compression == Compression::None {
            HashingReader::new(
                Stage::Inline(Box::new(decoder)),
                Hasher::for_digest(diff_id),
            )
        } else {
            HashingReader::new(spawn_pipe(decoder), Hasher::for_digest(diff_id))
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

    /// Drain what the consumer did not read (tar padding, trailing blocks), then verify the
    /// compressed digest and size against the descriptor and the uncompressed digest against
    /// the diff_id. For docker-archive layers the descriptor digest *is* the diff_id; if such a
    /// layer is compressed only the diff_id is checked.
    pub fn finish(mut self) -> Result<LayerDigests, ImageError> {
        io::copy(&mut self, &mut io::sink()).map_err(|e| map_read_error(&self.blob, e))?;
        let (stage, diff_id, uncompressed_size) = self.inner.finish();
        let (digest, compressed_size) = match stage {
            Stage::Inline(decoder) => {
                let mut raw = (*decoder).into_raw();
                // Bytes after the compressed stream's end still belong to the blob's digest.
                io::copy(&mut raw, &mut io::sink()).map_err(|e| map_read_error(&self.blob, e))?;
                let (_, digest, n) = raw.into_inner().inner.finish();
                (digest, n)
            }
            Stage::Piped(mut p) => {
                let h = p.handle.take().ok_or_else(|| ImageError::Format {
                    input: self.blob.clone(),
                    message: "decompression thread already joined".into(),
                })?;
                h.join()
                    .map_err(|_| ImageError::Format {
                        input: self.blob.clone(),
                        message: "decompression thread panicked".into(),
                    })?
                    .map_err(|e| map_read_error(&self.blob, e))?
            }
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
