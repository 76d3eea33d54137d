//! The layered filesystem: layers applied in order with whiteouts (`.wh.NAME`) and opaque
//! directories (`.wh..wh..opq`), as overlayfs/containerd do. For every file version it knows
//! the layer that added it, the layer that deleted or overwrote it, and what is present in
//! the final filesystem; from that it computes the wasted bytes.
//!
//! Waste = the bytes of every file version that a later layer deleted or overwrote (the copy
//! that is finally kept is *not* waste; Dive counts it too). Efficiency = 1 − waste / (bytes
//! of all regular files in all layers); 1.0 for an image without files.

use crate::layer::{EntryKind, FileEntry, LayerSummary};
use std::collections::{BTreeMap, HashMap};

/// A file version present in the final filesystem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FinalEntry {
    pub layer: usize,
    pub entry: FileEntry,
}

/// Bytes wasted under one path (all its removed versions).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WastedPath {
    pub path: String,
    pub bytes: u64,
    /// (layer that added the version, layer that removed it) of the largest version.
    pub layer: usize,
    pub removed_in: usize,
}

/// A hard link whose target exists neither in its layer nor below it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DanglingLink {
    pub layer: usize,
    pub path: String,
    pub target: String,
}

#[derive(Clone, Debug, Default)]
pub struct MergedFs {
    pub final_fs: BTreeMap<String, FinalEntry>,
    /// (layer, path) of a removed version → the layer that deleted or overwrote it.
    pub removed: HashMap<(usize, String), usize>,
    pub waste_bytes: u64,
    pub total_file_bytes: u64,
    pub wasted_paths: Vec<WastedPath>,
    pub dangling_hardlinks: Vec<DanglingLink>,
}

impl MergedFs {
    /// The layer that deleted/overwrote the version of `path` added in `layer`.
    pub fn deleted_in(&self, layer: usize, path: &str) -> Option<usize> {
        self.removed.get(&(layer, path.to_string())).copied()
    }

    pub fn efficiency(&self) -> f64 {
        if self.total_file_bytes == 0 {
            1.0
        } else {
            1.0 - self.waste_bytes as f64 / self.total_file_bytes as f64
        }
    }

    /// Follow symlinks in the final filesystem (relative and absolute), at most 40 hops;
    /// `None` for a missing path or a loop.
    pub fn resolve(&self, path: &str) -> Option<&FinalEntry> {
        let mut cur = path.trim_start_matches('/').to_string();
        for _ in 0..40 {
            let e = self.final_fs.get(&cur)?;
            match (&e.entry.kind, &e.entry.link) {
                (EntryKind::Symlink, Some(t)) => {
                    let joined = if t.starts_with('/') {
                        t.clone()
                    } else {
                        match cur.rfind('/') {
                            Some(i) => format!("{}/{t}", &cur[..i]),
                            None => t.clone(),
                        }
                    };
                    cur = crate::walker::normalize_entry_path(&joined).0;
                }
                _ => return Some(e),
            }
        }
        None
    }
}

struct State<'a> {
    fs: BTreeMap<String, FinalEntry>,
    removed: HashMap<(usize, String), usize>,
    waste: HashMap<String, WastedPath>,
    waste_bytes: u64,
    _p: std::marker::PhantomData<&'a ()>,
}

impl State<'_> {
    fn remove_version(&mut self, path: &str, by: usize) {
        if let Some(old) = self.fs.remove(path) {
            self.record(path, &old, by);
        }
    }

    fn record(&mut self, path: &str, old: &FinalEntry, by: usize) {
        self.removed.insert((old.layer, path.to_string()), by);
        if old.entry.kind == EntryKind::File && old.entry.size > 0 {
            self.waste_bytes += old.entry.size;
            let w = self.waste.entry(path.to_string()).or_insert(WastedPath {
                path: path.to_string(),
                bytes: 0,
                layer: old.layer,
                removed_in: by,
            });
            w.bytes += old.entry.size;
        }
    }

    /// Remove everything strictly below `dir` ("" = the root).
    fn remove_children(&mut self, dir: &str, by: usize) {
        let prefix = if dir.is_empty() {
            String::new()
        } else {
            format!("{dir}/")
        };
        let keys: Vec<String> = self
            .fs
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .map(|(k, _)| k.clone())
            .collect();
        for k in keys {
            self.remove_version(&k, by);
        }
    }
}

/// Merge layer summaries (in `rootfs.diff_ids` order).
pub fn merge(layers: &[&LayerSummary]) -> MergedFs {
    let mut st = State {
        fs: BTreeMap::new(),
        removed: HashMap::new(),
        waste: HashMap::new(),
        waste_bytes: 0,
        _p: std::marker::PhantomData,
    };
    let mut total = 0u64;
    let mut dangling = Vec::new();
    for (l, sum) in layers.iter().enumerate() {
        // Whiteouts and opaque markers hide lower layers only, so apply them first.
        for d in &sum.opaque_dirs {
            st.remove_children(d, l);
        }
        for w in &sum.whiteouts {
            st.remove_version(w, l);
            st.remove_children(w, l);
        }
        for e in &sum.entries {
            if e.kind == EntryKind::File {
                total += e.size;
            }
            if let Some(old) = st.fs.get(&e.path).cloned() {
                let both_dirs = old.entry.kind == EntryKind::Dir && e.kind == EntryKind::Dir;
                if old.layer < l && !both_dirs {
                    st.record(&e.path, &old, l);
                }
                if old.entry.kind == EntryKind::Dir && e.kind != EntryKind::Dir {
                    // A non-directory over a directory hides its whole subtree.
                    st.remove_children(&e.path, l);
                }
            }
            if e.kind == EntryKind::Hardlink {
                if let Some(t) = &e.link {
                    if !st.fs.contains_key(t) {
                        dangling.push(DanglingLink {
                            layer: l,
                            path: e.path.clone(),
                            target: t.clone(),
                        });
                    }
                }
            }
            st.fs.insert(
                e.path.clone(),
                FinalEntry {
                    layer: l,
                    entry: e.clone(),
                },
            );
        }
    }
    let mut wasted_paths: Vec<WastedPath> = st.waste.into_values().collect();
    wasted_paths.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.path.cmp(&b.path)));
    MergedFs {
        final_fs: st.fs,
        removed: st.removed,
        waste_bytes: st.waste_bytes,
        total_file_bytes: total,
        wasted_paths,
        dangling_hardlinks: dangling,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, size: u64) -> FileEntry {
        FileEntry {
            path: path.into(),
            kind: EntryKind::File,
            size,
            mode: 0o644,
            uid: 0,
            gid: 0,
            link: None,
        }
    }

    #[test]
    fn whiteouts_opaque_and_waste() {
        let l0 = LayerSummary {
            entries: vec![file("a/x", 10), file("a/y", 5), file("b", 7), file("c", 3)],
            ..Default::default()
        };
        let l1 = LayerSummary {
            entries: vec![file("c", 4), file("a/z", 1)],
            whiteouts: vec!["b".into()],
            ..Default::default()
        };
        let l2 = LayerSummary {
            opaque_dirs: vec!["a".into()],
            entries: vec![file("a/new", 2)],
            ..Default::default()
        };
        let m = merge(&[&l0, &l1, &l2]);
        assert_eq!(m.deleted_in(0, "b"), Some(1));
        assert_eq!(m.deleted_in(0, "c"), Some(1));
        assert_eq!(m.deleted_in(0, "a/x"), Some(2));
        assert_eq!(m.deleted_in(1, "a/z"), Some(2));
        assert_eq!(m.deleted_in(1, "c"), None);
        let present: Vec<&str> = m.final_fs.keys().map(|s| s.as_str()).collect();
        assert_eq!(present, vec!["a/new", "c"]);
        // 10 + 5 + 7 + 3 + 1 removed; the kept copies (c@1, a/new) are not waste.
        assert_eq!(m.waste_bytes, 26);
        assert_eq!(m.total_file_bytes, 32);
        assert!((m.efficiency() - (1.0 - 26.0 / 32.0)).abs() < 1e-9);
    }

    #[test]
    fn same_layer_recreate_and_symlinks() {
        let l0 = LayerSummary {
            entries: vec![
                file("usr/lib/os-release", 9),
                FileEntry {
                    kind: EntryKind::Symlink,
                    link: Some("../usr/lib/os-release".into()),
                    ..file("etc/os-release", 0)
                },
                FileEntry {
                    kind: EntryKind::Symlink,
                    link: Some("loop2".into()),
                    ..file("loop1", 0)
                },
                FileEntry {
                    kind: EntryKind::Symlink,
                    link: Some("/loop1".into()),
                    ..file("loop2", 0)
                },
                FileEntry {
                    kind: EntryKind::Hardlink,
                    link: Some("missing".into()),
                    ..file("hl", 0)
                },
            ],
            ..Default::default()
        };
        let l1 = LayerSummary {
            whiteouts: vec!["x".into()],
            entries: vec![file("x", 1)],
            ..Default::default()
        };
        let m = merge(&[&l0, &l1]);
        assert_eq!(
            m.resolve("etc/os-release").unwrap().entry.path,
            "usr/lib/os-release"
        );
        assert!(m.resolve("loop1").is_none());
        assert!(m.final_fs.contains_key("x"));
        assert_eq!(m.dangling_hardlinks.len(), 1);
    }
}
