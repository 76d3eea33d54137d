//! Tar files holding images: `docker save` / `podman save` / skopeo `docker-archive`
//! (legacy `<id>/layer.tar` layout, skopeo's `<diffid>.tar`, Docker 25's OCI-in-docker-save)
//! and the OCI archive (`oci-archive:`; see [`crate::oci`]).
//!
//! Random access without extracting: the tar's member offsets are indexed once (seeking over
//! data for plain tars), then each blob is read by seeking to its offset. A tar compressed as
//! a whole (`.tar.gz`) cannot seek: each member read decompresses from the start and skips.

use crate::blob::{read_verified, sniff_compression, Compression};
use crate::manifest::{check_digest_syntax, ImageConfig};
use crate::model::{BlobStore, Descriptor, ImageError, OpenOptions, ResolvedImage};
use serde::Deserialize;
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Annotation carrying the tar member a docker-archive layer is stored in.
pub const MEMBER_ANNOTATION: &str = "io.drydock.archive.member";
pub const DOCKER_LAYER_TAR: &str = "application/vnd.docker.image.rootfs.diff.tar";

#[derive(Clone, Debug, PartialEq, Eq)]
enum MemberKind {
    File,
    Symlink(String),
    Hardlink(String),
    Other,
}

#[derive(Clone, Debug)]
struct Member {
    offset: u64,
    size: u64,
    kind: MemberKind,
}

/// Re-opens a byte stream from its beginning (a daemon export, a compressed file).
pub type Reopen = Arc<dyn Fn() -> Result<Box<dyn Read + Send>, ImageError> + Send + Sync>;

enum TarSource {
    /// A plain tar file: members are read by seeking.
    File(PathBuf),
    /// A stream without random access: each member read re-opens it and skips.
    Stream(Reopen),
}

/// Offsets of a tar's members, by normalised name (no `./`, no leading `/`).
pub struct TarIndex {
    members: HashMap<String, Member>,
    source: TarSource,
    label: String,
    /// Streams left open after a member read, by position: the next member at or after
    /// that position continues from there instead of decompressing from the start again
    /// (otherwise N layers cost N passes over the archive).
    cursors: CursorPool,
}

/// Open streams by position (see [`TarIndex`]).
type CursorPool = Arc<Mutex<Vec<(u64, Box<dyn Read + Send>)>>>;

/// Open streams kept for reuse (each holds a decoder's state, ~300 KiB).
const MAX_CURSORS: usize = 8;

/// A member of a stream-only archive; gives its stream back to the pool when dropped.
struct StreamMember {
    inner: Option<Box<dyn Read + Send>>,
    pos: u64,
    left: u64,
    pool: CursorPool,
}

impl Read for StreamMember {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some(r) = self.inner.as_mut() else {
            return Ok(0);
        };
        let want = buf.len().min(self.left.min(usize::MAX as u64) as usize);
        if want == 0 {
            return Ok(0);
        }
        match r.read(&mut buf[..want]) {
            Ok(n) => {
                self.pos += n as u64;
                self.left -= n as u64;
                Ok(n)
            }
            Err(e) => {
                // A failed stream is not reusable.
                self.inner = None;
                Err(e)
            }
        }
    }
}

impl Drop for StreamMember {
    fn drop(&mut self) {
        let Some(r) = self.inner.take() else { return };
        let Ok(mut pool) = self.pool.lock() else {
            return;
        };
        pool.push((self.pos, r));
        if pool.len() > MAX_CURSORS {
            // Keep the furthest ones: members are mostly read front to back.
            pool.sort_by_key(|(p, _)| std::cmp::Reverse(*p));
            pool.truncate(MAX_CURSORS);
        }
    }
}

/// Normalise a member name: strip `./` and leading `/`, collapse `//`.
pub fn normalize_member(name: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for p in name.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            x => parts.push(x),
        }
    }
    parts.join("/")
}

fn open_maybe_compressed(path: &Path) -> Result<(Box<dyn Read + Send>, Compression), ImageError> {
    let input = path.display().to_string();
    let mut f = open_regular(path)?;
    let mut head = [0u8; 6];
    let n = read_full(&mut f, &mut head).map_err(|e| ImageError::io(&input, e))?;
    f.seek(SeekFrom::Start(0))
        .map_err(|e| ImageError::io(&input, e))?;
    let c = sniff_compression(&head[..n], &input)?;
    let r: Box<dyn Read + Send> = match c {
        Compression::None => Box::new(f),
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(f))),
        Compression::Zstd => {
            Box::new(zstd::stream::read::Decoder::new(f).map_err(|e| ImageError::io(&input, e))?)
        }
    };
    Ok((r, c))
}

/// Open an archive that must be a regular file (after symlinks): a FIFO would block and a
/// device never ends (a `docker save` stream is read with `scan_docker_archive_stream`).
fn open_regular(path: &Path) -> Result<File, ImageError> {
    let input = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| ImageError::io(&input, e))?;
    if !meta.is_file() {
        return Err(ImageError::Unsupported {
            input,
            message:
                "not a regular file (a FIFO, device or directory cannot be read as an archive)"
                    .into(),
        });
    }
    File::open(path).map_err(|e| ImageError::io(&input, e))
}

fn read_full(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

fn tar_err(input: &str, e: io::Error) -> ImageError {
    if e.kind() == io::ErrorKind::UnexpectedEof {
        ImageError::Truncated {
            blob: input.into(),
            message: format!("archive ends inside a member ({e})"),
        }
    } else {
        ImageError::format(input, format!("not a valid tar archive: {e}"))
    }
}

fn member_of<R: Read>(e: &tar::Entry<'_, R>) -> (String, Member) {
    let name = normalize_member(&String::from_utf8_lossy(&e.path_bytes()));
    let link = || {
        e.link_name_bytes()
            .map(|l| String::from_utf8_lossy(&l).into_owned())
            .unwrap_or_default()
    };
    let kind = match e.header().entry_type() {
        tar::EntryType::Regular | tar::EntryType::Continuous => MemberKind::File,
        tar::EntryType::Symlink => MemberKind::Symlink(link()),
        tar::EntryType::Link => MemberKind::Hardlink(normalize_member(&link())),
        _ => MemberKind::Other,
    };
    let m = Member {
        offset: e.raw_file_position(),
        size: e.size(),
        kind,
    };
    (name, m)
}

impl TarIndex {
    /// Index a tar file (plain, or gzip/zstd-compressed as a whole).
    pub fn build(path: &Path) -> Result<TarIndex, ImageError> {
        let input = path.display().to_string();
        let (_, compression) = open_maybe_compressed(path)?;
        if compression != Compression::None {
            let p = path.to_path_buf();
            let reopen: Reopen = Arc::new(move || Ok(open_maybe_compressed(&p)?.0));
            return Self::from_stream(reopen, &input);
        }
        let file_len = std::fs::metadata(path)
            .map_err(|e| ImageError::io(&input, e))?
            .len();
        let f = open_regular(path)?;
        let mut ar = tar::Archive::new(f);
        let mut members = HashMap::new();
        for e in ar.entries_with_seek().map_err(|e| tar_err(&input, e))? {
            let (name, m) = member_of(&e.map_err(|e| tar_err(&input, e))?);
            if m.offset.saturating_add(m.size) > file_len {
                return Err(ImageError::Truncated {
                    blob: input,
                    message: format!("member `{name}` extends past the end of the file"),
                });
            }
            // Later duplicates win, as when tar extracts.
            members.insert(name, m);
        }
        Self::finish(members, TarSource::File(path.to_path_buf()), input)
    }

    /// Index a tar that can only be streamed (read once now; members are re-read later by
    /// re-opening and skipping). Used for compressed archives and daemon exports.
    pub fn from_stream(reopen: Reopen, label: &str) -> Result<TarIndex, ImageError> {
        let mut ar = tar::Archive::new(reopen()?);
        let mut members = HashMap::new();
        for e in ar.entries().map_err(|e| tar_err(label, e))? {
            let (name, m) = member_of(&e.map_err(|e| tar_err(label, e))?);
            members.insert(name, m);
        }
        Self::finish(members, TarSource::Stream(reopen), label.to_string())
    }

    fn finish(
        members: HashMap<String, Member>,
        source: TarSource,
        label: String,
    ) -> Result<TarIndex, ImageError> {
        if members.is_empty() {
            return Err(ImageError::format(label, "empty or not a tar archive"));
        }
        Ok(TarIndex {
            members,
            source,
            label,
            cursors: Arc::default(),
        })
    }

    pub fn contains(&self, name: &str) -> bool {
        self.resolve(name).is_ok()
    }

    /// Follow symlinks/hard links inside the archive (legacy `docker save` links identical
    /// layers) up to 16 hops.
    fn resolve(&self, name: &str) -> Result<(String, &Member), String> {
        let mut cur = normalize_member(name);
        for _ in 0..16 {
            let m = self
                .members
                .get(&cur)
                .ok_or_else(|| format!("member `{cur}` not found in the archive"))?;
            match &m.kind {
                MemberKind::File => return Ok((cur, m)),
                MemberKind::Symlink(t) => {
                    let base = match cur.rfind('/') {
                        Some(i) if !t.starts_with('/') => &cur[..i],
                        _ => "",
                    };
                    cur = normalize_member(&format!("{base}/{t}"));
                }
                MemberKind::Hardlink(t) => cur = t.clone(),
                MemberKind::Other => return Err(format!("member `{cur}` is not a regular file")),
            }
        }
        Err(format!("member `{name}`: too many levels of links"))
    }

    /// Open a member for reading (links followed).
    pub fn open_member(&self, name: &str) -> Result<Box<dyn Read + Send>, ImageError> {
        let input = self.label.clone();
        let (_, m) = self.resolve(name).map_err(|msg| ImageError::NotFound {
            input: input.clone(),
            what: msg,
        })?;
        let (offset, size) = (m.offset, m.size);
        match &self.source {
            TarSource::File(path) => {
                let mut f = File::open(path).map_err(|e| ImageError::io(&input, e))?;
                f.seek(SeekFrom::Start(offset))
                    .map_err(|e| ImageError::io(&input, e))?;
                Ok(Box::new(BufReader::with_capacity(256 << 10, f).take(size)))
            }
            TarSource::Stream(reopen) => {
                // The open stream closest before the member, else a fresh one.
                let reuse = {
                    let mut pool = self
                        .cursors
                        .lock()
                        .map_err(|_| ImageError::format(&input, "archive reader poisoned"))?;
                    let best = pool
                        .iter()
                        .enumerate()
                        .filter(|(_, (p, _))| *p <= offset)
                        .max_by_key(|(_, (p, _))| *p)
                        .map(|(i, _)| i);
                    best.map(|i| pool.swap_remove(i))
                };
                let (pos, mut r) = match reuse {
                    Some(c) => c,
                    None => (0, reopen()?),
                };
                let gap = offset - pos;
                let skipped = io::copy(&mut (&mut r).take(gap), &mut io::sink())
                    .map_err(|e| ImageError::io(&input, e))?;
                if skipped != gap {
                    return Err(ImageError::Truncated {
                        blob: input,
                        message: format!("member `{name}` lies past the end of the stream"),
                    });
                }
                Ok(Box::new(StreamMember {
                    inner: Some(r),
                    pos: offset,
                    left: size,
                    pool: self.cursors.clone(),
                }))
            }
        }
    }

    pub fn member_size(&self, name: &str) -> Option<u64> {
        self.resolve(name).ok().map(|(_, m)| m.size)
    }

    pub fn read_small(&self, name: &str, max: u64) -> Result<Vec<u8>, ImageError> {
        let input = format!("{}:{name}", self.label);
        let size = self.member_size(name).unwrap_or(0);
        if size > max {
            return Err(ImageError::Limit {
                blob: input,
                message: format!("{size} bytes exceeds the {max}-byte document limit"),
            });
        }
        let mut out = Vec::new();
        self.open_member(name)?
            .read_to_end(&mut out)
            .map_err(|e| ImageError::io(&input, e))?;
        Ok(out)
    }
}

/// Which image layout a tar holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArchiveKind {
    Docker,
    Oci,
}

/// Decide whether a tar is a docker-archive (`manifest.json`) or an OCI archive
/// (`index.json` without `manifest.json`).
pub fn sniff_archive(path: &Path) -> Result<ArchiveKind, ImageError> {
    let idx = TarIndex::build(path)?;
    kind_of(&idx, path)
}

fn kind_of(idx: &TarIndex, path: &Path) -> Result<ArchiveKind, ImageError> {
    if idx.contains("manifest.json") {
        Ok(ArchiveKind::Docker)
    } else if idx.contains("index.json") {
        Ok(ArchiveKind::Oci)
    } else {
        Err(ImageError::Unsupported {
            input: path.display().to_string(),
            message:
                "tar holds neither manifest.json (docker-archive) nor index.json (OCI archive)"
                    .into(),
        })
    }
}

/// A [`BlobStore`] over a tar: docker-archive layers by member annotation, anything else
/// (OCI archives, OCI-in-docker-save) at `blobs/<alg>/<hex>`.
pub struct TarStore {
    pub index: Arc<TarIndex>,
    pub label: String,
}

impl BlobStore for TarStore {
    fn describe(&self) -> String {
        self.label.clone()
    }
    fn open_blob(&self, desc: &Descriptor) -> Result<Box<dyn Read + Send>, ImageError> {
        if let Some(m) = desc.annotations.get(MEMBER_ANNOTATION) {
            return self.index.open_member(m);
        }
        check_digest_syntax(&desc.digest, &self.label)?;
        let (alg, hex) = desc.digest.split_once(':').unwrap_or(("", ""));
        self.index.open_member(&format!("blobs/{alg}/{hex}"))
    }
}

/// One image of a docker-archive's `manifest.json`.
#[derive(Debug, Deserialize)]
pub(crate) struct ArchiveEntry {
    #[serde(rename = "Config")]
    pub(crate) config: String,
    #[serde(rename = "RepoTags", default)]
    pub(crate) repo_tags: Option<Vec<String>>,
    #[serde(rename = "Layers", default)]
    pub(crate) layers: Vec<String>,
}

/// `blobs/sha256/<hex>` or `<hex>.json` / `<hex>.tar` / `<hex>/…`: the digest a member name
/// implies, if any.
pub(crate) fn digest_from_member(name: &str) -> Option<String> {
    let n = normalize_member(name);
    if let Some(rest) = n.strip_prefix("blobs/") {
        let (alg, hex) = rest.split_once('/')?;
        let d = format!("{alg}:{hex}");
        return check_digest_syntax(&d, "").ok().map(|_| d);
    }
    let file = n.rsplit('/').next()?;
    let stem = file
        .strip_suffix(".json")
        .or_else(|| file.strip_suffix(".tar"))?;
    let d = format!("sha256:{stem}");
    check_digest_syntax(&d, "").ok().map(|_| d)
}

/// Does a RepoTag match a user's selector (`app:1.0`, `docker.io/library/app:1.0`, `localhost/app:1.0`)?
fn tag_matches(tag: &str, sel: &str) -> bool {
    if tag == sel {
        return true;
    }
    let norm = |s: &str| {
        drydock_core::imageref::ImageRef::parse(s)
            .map(|r| {
                format!(
                    "{}/{}:{}",
                    r.registry,
                    r.repository,
                    r.effective_tag().unwrap_or("latest")
                )
            })
            .unwrap_or_else(|_| s.to_string())
    };
    if norm(tag) == norm(sel) {
        return true;
    }
    // podman tags local images `localhost/app:1.0`; let `app:1.0` select them.
    tag.strip_prefix("localhost/") == Some(sel)
}

/// Parse `manifest.json` of a docker-archive.
pub(crate) fn parse_archive_manifest(
    raw: &[u8],
    label: &str,
) -> Result<Vec<ArchiveEntry>, ImageError> {
    let entries: Vec<ArchiveEntry> = serde_json::from_slice(raw)
        .map_err(|e| ImageError::format(format!("{label}:manifest.json"), e.to_string()))?;
    if entries.is_empty() {
        return Err(ImageError::format(
            format!("{label}:manifest.json"),
            "lists no image",
        ));
    }
    Ok(entries)
}

/// The images a selector picks (`@N`, a RepoTag, or all of them), with their indexes.
pub(crate) fn select_entries<'a>(
    entries: &'a [ArchiveEntry],
    select: Option<&str>,
    label: &str,
) -> Result<Vec<(usize, &'a ArchiveEntry)>, ImageError> {
    let chosen: Vec<(usize, &ArchiveEntry)> = match select {
        None => entries.iter().enumerate().collect(),
        Some(s) if s.starts_with('@') => {
            let n: usize = s[1..].parse().map_err(|_| ImageError::Unsupported {
                input: label.to_string(),
                message: format!("bad image selector `{s}` (expected @N or a tag)"),
            })?;
            let e = entries.get(n).ok_or_else(|| ImageError::NotFound {
                input: label.to_string(),
                what: format!("image @{n} (the archive holds {})", entries.len()),
            })?;
            vec![(n, e)]
        }
        Some(s) => {
            let found: Vec<_> = entries
                .iter()
                .enumerate()
                .filter(|(_, e)| e.repo_tags.iter().flatten().any(|t| tag_matches(t, s)))
                .take(1)
                .collect();
            if found.is_empty() {
                let tags: Vec<&str> = entries
                    .iter()
                    .flat_map(|e| e.repo_tags.iter().flatten().map(|s| s.as_str()))
                    .collect();
                return Err(ImageError::NotFound {
                    input: label.to_string(),
                    what: format!("image `{s}` (tags in the archive: {})", tags.join(", ")),
                });
            }
            found
        }
    };
    Ok(chosen)
}

/// The name findings carry for image `n` of an archive.
pub(crate) fn entry_name(e: &ArchiveEntry, n: usize, multi: bool, label: &str) -> String {
    match e.repo_tags.as_ref().and_then(|t| t.first()) {
        Some(t) => t.clone(),
        None if multi => format!("{label}@{n}"),
        None => label.to_string(),
    }
}

/// Open a docker-archive (`select`: a RepoTag or `@N`; none: every image in the archive).
pub fn open_docker_archive(
    path: &Path,
    select: Option<&str>,
    opts: &OpenOptions,
) -> Result<Vec<ResolvedImage>, ImageError> {
    let index = Arc::new(TarIndex::build(path)?);
    let label = format!("docker-archive:{}", path.display());
    open_docker_archive_index(index, &label, select, opts)
}

/// Open a docker-archive that can only be streamed, e.g. the Engine API's
/// `GET /images/{name}/get`: `reopen` is called once to index the members and once more
/// per blob read (configs, then each layer). For a single pass over the stream use
/// [`crate::scan::scan_docker_archive_stream`] instead.
pub fn open_docker_archive_stream(
    reopen: Reopen,
    label: &str,
    select: Option<&str>,
    opts: &OpenOptions,
) -> Result<Vec<ResolvedImage>, ImageError> {
    let index = Arc::new(TarIndex::from_stream(reopen, label)?);
    open_docker_archive_index(index, label, select, opts)
}

/// Open the docker-archive images of an indexed tar (`label` names it in messages).
pub fn open_docker_archive_index(
    index: Arc<TarIndex>,
    label: &str,
    select: Option<&str>,
    opts: &OpenOptions,
) -> Result<Vec<ResolvedImage>, ImageError> {
    let label = label.to_string();
    if !index.contains("manifest.json") {
        return Err(ImageError::NotFound {
            input: label,
            what: "manifest.json (is this an OCI archive? use oci-archive:)".into(),
        });
    }
    let raw = index.read_small("manifest.json", opts.limits.max_document_bytes)?;
    let entries = parse_archive_manifest(&raw, &label)?;
    let chosen = select_entries(&entries, select, &label)?;
    let store: Arc<dyn BlobStore> = Arc::new(TarStore {
        index: index.clone(),
        label: label.clone(),
    });
    let multi = entries.len() > 1;
    let mut out = Vec::new();
    for (n, e) in chosen {
        let name = entry_name(e, n, multi, &label);
        out.push(resolve_entry(&index, &store, e, &name, &label, opts)?);
    }
    Ok(out)
}

fn resolve_entry(
    index: &TarIndex,
    store: &Arc<dyn BlobStore>,
    e: &ArchiveEntry,
    name: &str,
    label: &str,
    opts: &OpenOptions,
) -> Result<ResolvedImage, ImageError> {
    let cfg_desc = Descriptor {
        media_type: crate::manifest::DOCKER_CONFIG.into(),
        digest: digest_from_member(&e.config).unwrap_or_default(),
        size: index.member_size(&e.config).unwrap_or(0),
        platform: None,
        annotations: [(MEMBER_ANNOTATION.to_string(), e.config.clone())].into(),
    };
    let cfg_name = format!("{label}:{}", e.config);
    let config_raw = read_verified(
        store.open_blob(&cfg_desc)?,
        &cfg_desc,
        opts.limits.max_document_bytes,
        &cfg_name,
    )?;
    let config = ImageConfig::parse(&config_raw, &cfg_name)?;
    if config.rootfs.diff_ids.len() != e.layers.len() {
        return Err(ImageError::format(
            format!("{label}:manifest.json"),
            format!(
                "image `{name}` lists {} layers but its config has {} diff_ids",
                e.layers.len(),
                config.rootfs.diff_ids.len()
            ),
        ));
    }
    let mut layers = Vec::new();
    for (l, diff_id) in e.layers.iter().zip(&config.rootfs.diff_ids) {
        let size = index.member_size(l).ok_or_else(|| ImageError::NotFound {
            input: label.into(),
            what: format!("layer member `{l}` of image `{name}`"),
        })?;
        // Legacy layouts store the uncompressed layer: its digest is the diff_id.
        let digest = match digest_from_member(l) {
            Some(d) if normalize_member(l).starts_with("blobs/") => d,
            _ => diff_id.clone(),
        };
        layers.push(Descriptor {
            media_type: DOCKER_LAYER_TAR.into(),
            digest,
            size,
            platform: None,
            annotations: [(MEMBER_ANNOTATION.to_string(), l.clone())].into(),
        });
    }
    Ok(ResolvedImage {
        name: name.to_string(),
        platform: config.platform(),
        manifest_digest: None,
        config_raw,
        config,
        layers,
        annotations: Default::default(),
        store: store.clone(),
        skipped_platforms: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_names() {
        assert_eq!(normalize_member("./a//b/"), "a/b");
        assert_eq!(normalize_member("/../x/../y"), "y");
        assert_eq!(
            digest_from_member(
                "blobs/sha256/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
            ),
            Some("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef".into())
        );
        assert_eq!(digest_from_member("abc/layer.tar"), None);
        assert!(tag_matches("localhost/app:1.0", "app:1.0"));
        assert!(tag_matches("docker.io/library/app:latest", "app"));
        assert!(!tag_matches("app:1.0", "app:2.0"));
    }
}
