/// A consumer of regular files as the image walker streams them, layer by layer.
/// The vulnerability inventory (package databases) and other content analyzers implement
/// this so the walker reads each layer once, whatever the number of consumers.
pub trait FileSink: Send {
    /// Cheap pre-check on the path (no leading `/`, `./` stripped) and size; only files for
    /// which this returns true are buffered and passed to [`FileSink::file`].
    fn wants(&self, path: &str, size: u64) -> bool;
    /// `layer` is the 0-based index into `rootfs.diff_ids`.
    fn file(&mut self, layer: usize, path: &str, data: &[u8]);
    /// A whiteout in `layer` removed `path` (a file or a whole directory).
    fn deleted(&mut self, _layer: usize, _path: &str) {}
}
