//! Progress of a scan as events ([`Progress`], defined in drydock-core so that the image
//! reader, the directory walkers and the database download can report too). The scanner
//! reports targets, stages with their timings and directory file counts; callers pass an
//! [`Observer`] in [`crate::ScanOptions::progress`] and draw what they like.

pub use drydock_core::progress::{CountingReader, Observer, Progress};

use crate::{ScanResult, ScanTarget};
use std::time::{Duration, Instant};

/// The name a target's events carry (what the report calls it).
pub(crate) fn target_name(t: &ScanTarget) -> String {
    match t {
        ScanTarget::Dockerfile(p) | ScanTarget::Runtime(p) => crate::display_path(p),
        ScanTarget::Image(s) => s.clone(),
        ScanTarget::LiveContainers(k) => format!("{}:containers", k.transport()),
        ScanTarget::Invalid { target, .. } => target.clone(),
    }
}

/// Whether a target counts as one file of a directory scan.
pub(crate) fn is_file(t: &ScanTarget) -> bool {
    matches!(t, ScanTarget::Dockerfile(_) | ScanTarget::Runtime(_))
}

/// Runs `scan` for `target` between its started/finished events.
pub(crate) fn around(
    obs: &Observer,
    target: &ScanTarget,
    scan: impl FnOnce() -> ScanResult,
) -> ScanResult {
    let name = target_name(target);
    obs.target_started(&name);
    let t0 = Instant::now();
    let r = scan();
    obs.target_finished(&name, t0.elapsed(), r.errors.is_empty());
    if is_file(target) {
        obs.file_done(&name);
    }
    r
}

/// Times the stages of one target: each [`Stages::done`] reports the time since the last.
pub(crate) struct Stages<'a> {
    obs: &'a Observer,
    target: &'a str,
    last: Instant,
}

impl<'a> Stages<'a> {
    pub(crate) fn new(obs: &'a Observer, target: &'a str) -> Self {
        Stages {
            obs,
            target,
            last: Instant::now(),
        }
    }

    pub(crate) fn done(&mut self, stage: &str, detail: &str) -> Duration {
        let d = self.last.elapsed();
        self.obs.stage(self.target, stage, d, detail);
        self.last = Instant::now();
        d
    }
}

/// `-v` detail of an opened image: `1 image, 5 layers, 12.3 MB stored`.
pub(crate) fn opened(images: &[drydock_image::ResolvedImage]) -> String {
    let layers: usize = images.iter().map(|i| i.layers.len()).sum();
    let bytes: u64 = images.iter().flat_map(|i| &i.layers).map(|l| l.size).sum();
    let plural = if images.len() == 1 { "" } else { "s" };
    format!(
        "{} image{plural}, {layers} layers, {} stored",
        images.len(),
        drydock_report::human_size(bytes)
    )
}

/// `-v` detail of a walked image: `5 layers, 1234 files, 40.1 MB unpacked`.
pub(crate) fn walked(scan: &drydock_image::ImageScan) -> String {
    format!(
        "{} layers, {} files, {} uncompressed",
        scan.summary.layers.len(),
        scan.summary.files,
        drydock_report::human_size(scan.summary.total_size)
    )
}
