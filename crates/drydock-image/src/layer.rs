//! What one layer is made of, as the walker reports it and the merge, the rules and the
//! analyzers read it. Plain data: this module imports neither the walker nor an analyzer,
//! so both can depend on it.

use crate::blob::LayerDigests;
use drydock_core::{Confidence, Evidence, Severity};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// Type of a tar entry, as the layered filesystem sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EntryKind {
    File,
    Dir,
    Symlink,
    Hardlink,
    Device,
    Fifo,
}

/// One path a layer adds or changes (whiteout markers are not entries).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Normalised: no leading `/` or `./`, no `..` (entries with `..` are anomalies).
    pub path: String,
    pub kind: EntryKind,
    pub size: u64,
    /// Permission bits only (`mode & 0o7777`; buildah 1.28 puts type bits in the tar mode).
    pub mode: u32,
    pub uid: u64,
    pub gid: u64,
    /// Symlink target (as written) or hard-link target (normalised).
    pub link: Option<String>,
}

/// A secret the engine found in a layer file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretHit {
    pub path: String,
    pub rule_id: String,
    pub rule_name: String,
    pub severity: Severity,
    pub confidence: Confidence,
    pub line: usize,
    pub evidence: Evidence,
    pub vendor_reason: Option<String>,
    /// Found by a generic rule (secret-named key), not a provider's token format.
    pub generic: bool,
}

/// Something wrong with the archive itself (hostile or broken), reported as a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anomaly {
    pub path: String,
    pub message: String,
    pub severity: Severity,
}

/// Everything drydock needs from one layer; depends only on the layer's bytes.
/// Serializable so the layer cache (cache.rs) can store it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct LayerSummary {
    pub digests: Option<LayerDigests>,
    pub entries: Vec<FileEntry>,
    /// Paths removed by `.wh.NAME` markers (the path of NAME).
    pub whiteouts: Vec<String>,
    /// Directories made opaque by `.wh..wh..opq` (lower layers' content hidden).
    pub opaque_dirs: Vec<String>,
    pub secrets: Vec<SecretHit>,
    pub sensitive: Vec<SensitiveHit>,
    pub anomalies: Vec<Anomaly>,
    /// Small system files kept for the image-level checks (`etc/passwd`, `etc/os-release`, …).
    pub special: BTreeMap<String, Vec<u8>>,
    /// path → OS package that owns it (dpkg `info/*.list`, apk `installed`, rpmdb.sqlite).
    pub owners: HashMap<String, String>,
    /// Files that were too large to scan entirely (scanned in windows).
    pub windowed_files: usize,
    /// Things the user should know that are not findings (e.g. an rpm database that
    /// cannot be read).
    pub notes: Vec<String>,
}

/// A sensitive file (credential store, key, history, VCS metadata) found in a layer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SensitiveHit {
    pub path: String,
    /// Short kind: `ssh private key`, `npm credentials`, `.git directory`, …
    pub kind: String,
    /// Why it matters for this occurrence.
    pub detail: String,
    pub severity: Severity,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LayerInfo {
    pub index: usize,
    /// The blob digest (for docker-archive layers: the diff_id).
    pub digest: String,
    pub diff_id: String,
    /// Stored (compressed) size.
    pub size: u64,
    pub uncompressed_size: u64,
    pub compression: String,
    pub created_by: Option<String>,
    /// Index into the config's `history`.
    pub history_index: Option<usize>,
    /// The layer adds no file, directory or whiteout.
    pub empty: bool,
    /// What the layer did to the file tree (filled after the merge).
    pub changes: LayerChanges,
}

/// What one layer did to the file tree, as `dive` shows it: counts, bytes later wasted and
/// its biggest changes.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct LayerChanges {
    /// Paths new in this layer (files, directories, links).
    pub added: usize,
    /// Paths that replace a version from a lower layer.
    pub changed: usize,
    /// Paths removed by whiteouts, plus opaque directories.
    pub deleted: usize,
    /// Bytes of this layer's files that a later layer deletes or overwrites.
    pub wasted_bytes: u64,
    /// The largest added/changed files and the deleted paths, biggest first (at most
    /// [`LayerChanges::BIGGEST`]).
    pub biggest: Vec<ChangedFile>,
}

impl LayerChanges {
    pub const BIGGEST: usize = 12;
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChangedFile {
    pub path: String,
    /// Size of this layer's version (0 for a deletion).
    pub size: u64,
    /// `added`, `changed` or `deleted`.
    pub change: &'static str,
}
