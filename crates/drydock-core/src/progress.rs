//! What a long scan is doing, as events for whoever shows progress (the CLI draws bars on a
//! terminal and prints `-v` lines). The libraries report, they never print.
//!
//! The trait lives here, in the crate every other one depends on, because the events come
//! from several of them: layer bytes from `drydock-image`'s blob reads, files from the
//! directory walkers, database downloads from `drydock-vuln`, targets and stages from
//! `drydock-scan`. Every method has a no-op default; [`Observer::none`] ignores everything.

use std::fmt;
use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

/// Receiver of progress events. Called from worker threads: implementations must be cheap
/// (a counter update) and must not block.
pub trait Progress: Send + Sync {
    /// Work on a target begins (`Dockerfile`, an image spec, a runtime file).
    fn target_started(&self, _target: &str) {}
    /// A target is done; `ok` is false when it ended in an error.
    fn target_finished(&self, _target: &str, _elapsed: Duration, _ok: bool) {}
    /// One stage of a target took `elapsed` (`open`, `layers`, `vulnerabilities`), with a
    /// short detail (`5 layers, 12.3 MB`).
    fn stage(&self, _target: &str, _stage: &str, _elapsed: Duration, _detail: &str) {}
    /// What is being opened, pulled or reused, one line (shown with `-v`).
    fn note(&self, _target: &str, _message: &str) {}
    /// A layer's stored blob starts being read; `size` is its stored (compressed) size.
    fn layer_started(&self, _image: &str, _layer: usize, _layers: usize, _size: Option<u64>) {}
    /// `bytes` more of the layer's stored blob were read.
    fn layer_read(&self, _image: &str, _layer: usize, _bytes: u64) {}
    fn layer_finished(&self, _image: &str, _layer: usize) {}
    /// A directory scan found `total` files to scan.
    fn files_planned(&self, _total: u64) {}
    /// One file of a directory scan is done.
    fn file_done(&self, _path: &str) {}
    /// A download (`what`: its URL) has `done` bytes of `total` (when the server said).
    fn download(&self, _what: &str, _done: u64, _total: Option<u64>) {}
    /// The download is complete (or failed).
    fn download_finished(&self, _what: &str) {}
}

struct Silent;
impl Progress for Silent {}

/// A shareable handle to a [`Progress`], cheap to clone into options structs and threads.
#[derive(Clone)]
pub struct Observer(Arc<dyn Progress>);

impl Observer {
    pub fn new(p: Arc<dyn Progress>) -> Self {
        Observer(p)
    }

    /// Ignores every event (the default).
    pub fn none() -> Self {
        Observer(Arc::new(Silent))
    }

    /// `reader`, reporting every read as [`Progress::layer_read`] of `image` layer `layer`.
    pub fn count_layer<'a, R: Read + 'a>(
        &self,
        reader: R,
        image: &str,
        layer: usize,
    ) -> CountingReader<'a, R> {
        let p = self.clone();
        let image = image.to_string();
        CountingReader {
            inner: reader,
            report: Box::new(move |n, _| p.layer_read(&image, layer, n)),
            done: 0,
        }
    }

    /// `reader`, reporting the running total as [`Progress::download`] of `what`.
    pub fn count_download<'a, R: Read + 'a>(
        &self,
        reader: R,
        what: &str,
        total: Option<u64>,
    ) -> CountingReader<'a, R> {
        let p = self.clone();
        let what = what.to_string();
        CountingReader {
            inner: reader,
            report: Box::new(move |_, done| p.download(&what, done, total)),
            done: 0,
        }
    }
}

impl Default for Observer {
    fn default() -> Self {
        Observer::none()
    }
}

impl fmt::Debug for Observer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Observer")
    }
}

impl std::ops::Deref for Observer {
    type Target = dyn Progress;
    fn deref(&self) -> &Self::Target {
        &*self.0
    }
}

/// A reader that reports how many bytes went through it: `(this read, total so far)`.
pub struct CountingReader<'a, R> {
    inner: R,
    report: Box<dyn FnMut(u64, u64) + Send + 'a>,
    done: u64,
}

impl<R: Read> Read for CountingReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n > 0 {
            self.done += n as u64;
            (self.report)(n as u64, self.done);
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[derive(Default)]
    struct Log(Mutex<Vec<String>>);
    impl Progress for Log {
        fn layer_read(&self, image: &str, layer: usize, bytes: u64) {
            self.0
                .lock()
                .unwrap()
                .push(format!("{image}#{layer}+{bytes}"));
        }
        fn download(&self, what: &str, done: u64, total: Option<u64>) {
            self.0
                .lock()
                .unwrap()
                .push(format!("{what} {done}/{total:?}"));
        }
    }

    #[test]
    fn counting_readers_report_each_read_and_the_running_total() {
        let log = Arc::new(Log::default());
        let obs = Observer::new(log.clone());
        // A reader that hands out 4 bytes at a time.
        struct Chunky(Vec<u8>);
        impl Read for Chunky {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = buf.len().min(4).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0.drain(..n);
                Ok(n)
            }
        }
        let mut out = Vec::new();
        obs.count_layer(Chunky(vec![1; 10]), "img", 2)
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out.len(), 10);
        obs.count_download(Chunky(vec![0; 6]), "u", Some(6))
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(
            *log.0.lock().unwrap(),
            [
                "img#2+4",
                "img#2+4",
                "img#2+2",
                "u 4/Some(6)",
                "u 6/Some(6)"
            ]
        );
        // The default observer takes every event and does nothing.
        Observer::default().target_started("x");
    }
}
