//! `dir:DIR`: the directory format of `skopeo copy … dir:DIR` (containers/image's "dir"
//! transport): `manifest.json` (an image manifest, or for `--all` copies an index whose
//! other manifests are `<hex>.manifest.json`), a `version` file, and every blob as a file
//! named by its digest's hex (`<alg>-<hex>` for algorithms other than sha256).

use crate::blob::read_blob_verified;
use crate::manifest::{check_digest_syntax, resolve, ResolveRequest};
use crate::model::{BlobStore, Descriptor, ImageError, OpenOptions, ResolvedImage};
use sha2::{Digest as _, Sha256};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Does `dir` look like a `dir:` image (`manifest.json` and skopeo's `version` file)?
pub fn is_dir_image(dir: &Path) -> bool {
    dir.join("manifest.json").is_file()
        && crate::oci::read_small_file(&dir.join("version"), "", "version", 4096)
            .is_ok_and(|v| v.starts_with(b"Directory Transport Version"))
}

struct Store {
    dir: PathBuf,
    label: String,
}

impl Store {
    fn path(&self, digest: &str, suffix: &str) -> Result<PathBuf, ImageError> {
        // The syntax check also keeps the digest from naming a path outside the directory.
        check_digest_syntax(digest, &self.label)?;
        let (alg, hex) = digest.split_once(':').unwrap_or(("", ""));
        let name = match alg {
            "sha256" => format!("{hex}{suffix}"),
            _ => format!("{alg}-{hex}{suffix}"),
        };
        Ok(self.dir.join(name))
    }

    fn open(&self, p: &Path, what: &str) -> Result<File, ImageError> {
        crate::oci::open_file(p, &self.label, what)
    }
}

impl BlobStore for Store {
    fn describe(&self) -> String {
        self.label.clone()
    }
    fn open_blob(&self, desc: &Descriptor) -> Result<Box<dyn Read + Send>, ImageError> {
        let p = self.path(&desc.digest, "")?;
        let f = self.open(&p, &format!("blob {}", desc.digest))?;
        Ok(crate::oci::bounded_blob(f, desc))
    }
}

pub fn open_dir(dir: &Path, opts: &OpenOptions) -> Result<Vec<ResolvedImage>, ImageError> {
    let label = format!("dir:{}", dir.display());
    let store = Arc::new(Store {
        dir: dir.to_path_buf(),
        label: label.clone(),
    });
    let top = dir.join("manifest.json");
    let raw = crate::oci::read_small_file(
        &top,
        &label,
        "manifest.json (not a `skopeo copy … dir:` directory)",
        opts.limits.max_document_bytes,
    )?;
    // Manifests an index names are stored beside it as `<hex>.manifest.json`; verified
    // against their digest like any blob.
    let fetch_store = store.clone();
    let limits = opts.limits.clone();
    let fetch = move |d: &Descriptor| -> Result<(Vec<u8>, Option<String>), ImageError> {
        let p = fetch_store.path(&d.digest, ".manifest.json")?;
        if p.is_file() {
            let named = ManifestFile {
                path: p,
                store: fetch_store.clone(),
            };
            return Ok((
                read_blob_verified(&named, d, limits.max_document_bytes)?,
                None,
            ));
        }
        Ok((
            read_blob_verified(fetch_store.as_ref(), d, limits.max_document_bytes)?,
            None,
        ))
    };
    let req = ResolveRequest {
        name: &label,
        choice: &opts.platform,
        limits: &opts.limits,
        store: store.clone(),
        fetch_manifest: &fetch,
    };
    let digest = format!("sha256:{}", hex::encode(Sha256::digest(&raw)));
    resolve(&req, &raw, None, Some(digest))
}

/// One `<hex>.manifest.json` file, read through the verifying blob reader.
struct ManifestFile {
    path: PathBuf,
    store: Arc<Store>,
}

impl BlobStore for ManifestFile {
    fn describe(&self) -> String {
        self.store.label.clone()
    }
    fn open_blob(&self, desc: &Descriptor) -> Result<Box<dyn Read + Send>, ImageError> {
        Ok(Box::new(
            self.store
                .open(&self.path, &format!("manifest {}", desc.digest))?,
        ))
    }
}
