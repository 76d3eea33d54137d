//! OCI image layouts: `oci:DIR[:TAG]` and `oci-archive:FILE[:TAG]` (the same layout in a tar).
//! `index.json` → manifest(s), chosen by `org.opencontainers.image.ref.name`; nested
//! indexes and multi-platform indexes are followed with the platform choice.

use crate::archive::{TarIndex, TarStore};
use crate::blob::read_blob_verified;
use crate::manifest::{check_digest_syntax, parse_document, resolve, Document, ResolveRequest};
use crate::model::{BlobStore, Descriptor, ImageError, OpenOptions, ResolvedImage};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub const REF_NAME: &str = "org.opencontainers.image.ref.name";
const CONTAINERD_NAME: &str = "io.containerd.image.name";

/// Blobs of an OCI layout directory: `DIR/blobs/<alg>/<hex>`.
pub struct DirStore {
    pub dir: PathBuf,
    pub label: String,
}

impl BlobStore for DirStore {
    fn describe(&self) -> String {
        self.label.clone()
    }
    fn open_blob(&self, desc: &Descriptor) -> Result<Box<dyn Read + Send>, ImageError> {
        // The syntax check also keeps the digest from naming a path outside blobs/.
        check_digest_syntax(&desc.digest, &self.label)?;
        let (alg, hex) = desc.digest.split_once(':').unwrap_or(("", ""));
        let p = self.dir.join("blobs").join(alg).join(hex);
        let f = open_file(&p, &self.label, &format!("blob {}", desc.digest))?;
        Ok(bounded_blob(f, desc))
    }
}

/// A blob file read through its descriptor: at most `size + 1` bytes, so a blob that is
/// larger than declared fails the size check without being read to its end.
pub(crate) fn bounded_blob(f: File, desc: &Descriptor) -> Box<dyn Read + Send> {
    let r = BufReader::with_capacity(256 << 10, f);
    if desc.size > 0 {
        Box::new(r.take(desc.size.saturating_add(1)))
    } else {
        Box::new(r)
    }
}

/// Open a file of an image directory: a missing one is "`what` not found" in `label`.
/// Only regular files (after symlinks) are opened: a FIFO would block forever and
/// `/dev/zero` never ends.
pub(crate) fn open_file(p: &Path, label: &str, what: &str) -> Result<File, ImageError> {
    let not_found = |e: std::io::Error| {
        if e.kind() == std::io::ErrorKind::NotFound {
            ImageError::NotFound {
                input: label.to_string(),
                what: what.to_string(),
            }
        } else {
            ImageError::io(p.display().to_string(), e)
        }
    };
    let meta = std::fs::metadata(p).map_err(not_found)?;
    if !meta.is_file() {
        return Err(ImageError::Unsupported {
            input: label.to_string(),
            message: format!("{what} (`{}`) is not a regular file", p.display()),
        });
    }
    let f = File::open(p).map_err(not_found)?;
    // Checked again on the open file: the path may have been swapped in between.
    match f.metadata() {
        Ok(m) if m.is_file() => Ok(f),
        Ok(_) => Err(ImageError::Unsupported {
            input: label.to_string(),
            message: format!("{what} (`{}`) is not a regular file", p.display()),
        }),
        Err(e) => Err(ImageError::io(p.display().to_string(), e)),
    }
}

/// Read a small file of an image directory through the document size limit.
pub(crate) fn read_small_file(
    p: &Path,
    label: &str,
    what: &str,
    max: u64,
) -> Result<Vec<u8>, ImageError> {
    let mut raw = Vec::new();
    open_file(p, label, what)?
        .take(max.saturating_add(1))
        .read_to_end(&mut raw)
        .map_err(|e| ImageError::io(p.display().to_string(), e))?;
    if raw.len() as u64 > max {
        return Err(ImageError::Limit {
            blob: p.display().to_string(),
            message: format!("larger than {max} bytes (limit max_document_bytes)"),
        });
    }
    Ok(raw)
}

pub fn open_layout(
    dir: &Path,
    tag: Option<&str>,
    opts: &OpenOptions,
) -> Result<Vec<ResolvedImage>, ImageError> {
    let label = format!("oci:{}", dir.display());
    if dir.is_file() {
        return Err(ImageError::Unsupported {
            input: label,
            message: "a file, not an OCI layout directory (for an archive use oci-archive: or docker-archive:)".into(),
        });
    }
    let index_path = dir.join("index.json");
    let raw = read_small_file(
        &index_path,
        &label,
        "index.json (this directory is not an OCI image layout)",
        opts.limits.max_document_bytes,
    )?;
    let store: Arc<dyn BlobStore> = Arc::new(DirStore {
        dir: dir.to_path_buf(),
        label: label.clone(),
    });
    open_from_index(&raw, store, &label, tag, opts)
}

pub fn open_archive(
    path: &Path,
    tag: Option<&str>,
    opts: &OpenOptions,
) -> Result<Vec<ResolvedImage>, ImageError> {
    let label = format!("oci-archive:{}", path.display());
    let index = Arc::new(TarIndex::build(path)?);
    if !index.contains("index.json") {
        return Err(ImageError::NotFound {
            input: label,
            what: "index.json (not an OCI archive)".into(),
        });
    }
    let raw = index.read_small("index.json", opts.limits.max_document_bytes)?;
    let store: Arc<dyn BlobStore> = Arc::new(TarStore {
        index,
        label: label.clone(),
    });
    open_from_index(&raw, store, &label, tag, opts)
}

fn ref_name(d: &Descriptor) -> Option<&str> {
    d.annotations
        .get(REF_NAME)
        .or_else(|| d.annotations.get(CONTAINERD_NAME))
        .map(|s| s.as_str())
}

/// Does a ref.name annotation match a requested tag? Accepts the bare tag (`1.0`) and full
/// names whose tag part matches (`docker.io/lab/app:1.0`).
fn ref_matches(name: &str, tag: &str) -> bool {
    name == tag
        || name.rsplit_once(':').is_some_and(|(_, t)| t == tag) && !tag.contains(':')
        || name.ends_with(&format!("/{tag}"))
}

fn open_from_index(
    raw: &[u8],
    store: Arc<dyn BlobStore>,
    label: &str,
    tag: Option<&str>,
    opts: &OpenOptions,
) -> Result<Vec<ResolvedImage>, ImageError> {
    let input = format!("{label}:index.json");
    let index = match parse_document(raw, Some(crate::manifest::OCI_INDEX), &input)? {
        Document::Index(i) => i,
        Document::Manifest(_) => {
            return Err(ImageError::format(
                input,
                "index.json is a manifest, not an index",
            ))
        }
    };
    let fetch_store = store.clone();
    let limits = opts.limits.clone();
    let fetch = move |d: &Descriptor| -> Result<(Vec<u8>, Option<String>), ImageError> {
        let b = read_blob_verified(fetch_store.as_ref(), d, limits.max_document_bytes)?;
        Ok((b, None))
    };
    let resolve_one = |d: &Descriptor, name: &str| -> Result<Vec<ResolvedImage>, ImageError> {
        let req = ResolveRequest {
            name,
            choice: &opts.platform,
            limits: &opts.limits,
            store: store.clone(),
            fetch_manifest: &fetch,
        };
        let (bytes, _) = fetch(d)?;
        let hint = (!d.media_type.is_empty()).then_some(d.media_type.as_str());
        resolve(&req, &bytes, hint, Some(d.digest.clone()))
    };
    if let Some(tag) = tag {
        let d = index
            .manifests
            .iter()
            .find(|d| ref_name(d).is_some_and(|n| ref_matches(n, tag)))
            .ok_or_else(|| ImageError::NotFound {
                input: label.into(),
                what: format!("tag `{tag}` (tags: {})", tag_list(&index.manifests)),
            })?;
        return resolve_one(d, &format!("{label}:{tag}"));
    }
    // No tag: a single entry, or a platform index written straight into index.json.
    let named: Vec<&Descriptor> = index
        .manifests
        .iter()
        .filter(|d| ref_name(d).is_some())
        .collect();
    if index.manifests.len() == 1 {
        return resolve_one(&index.manifests[0], label);
    }
    if named.is_empty() || index.manifests.iter().all(|d| d.platform.is_some()) {
        let req = ResolveRequest {
            name: label,
            choice: &opts.platform,
            limits: &opts.limits,
            store: store.clone(),
            fetch_manifest: &fetch,
        };
        return resolve(&req, raw, Some(crate::manifest::OCI_INDEX), None);
    }
    // Several tagged images (a combined layout): every one of them, each digest once (an
    // index may list the same manifest thousands of times).
    let mut out = Vec::new();
    let mut done = std::collections::HashSet::new();
    for d in named {
        if !done.insert(d.digest.as_str()) {
            continue;
        }
        let n = format!("{label}:{}", ref_name(d).unwrap_or_default());
        out.extend(resolve_one(d, &n)?);
    }
    Ok(out)
}

fn tag_list(ds: &[Descriptor]) -> String {
    let v: Vec<&str> = ds.iter().filter_map(ref_name).collect();
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ref_name_matching() {
        assert!(ref_matches("1.0", "1.0"));
        assert!(ref_matches("docker.io/lab/app:1.0", "1.0"));
        assert!(!ref_matches("docker.io/lab/app:1.0", "2.0"));
        assert!(ref_matches(
            "docker.io/lab/app:1.0",
            "docker.io/lab/app:1.0"
        ));
    }
}
