//! Progress on standard error: indicatif bars on an interactive terminal (per image its
//! layers with bytes read of total and throughput, files of a directory scan, database
//! downloads) and, with `-v`, one line per thing opened and per stage with its timing.
//!
//! Bars are drawn only when standard error is a terminal, `CI` is not set and neither
//! `--no-progress` nor `-q` was given: results on stdout and logs stay free of control codes.

use drydock_scan::{Observer, Progress};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::HashMap;
use std::io::IsTerminal as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the user asked for and where stderr goes.
#[derive(Clone, Copy, Debug)]
pub struct Mode {
    pub bars: bool,
    pub verbose: bool,
}

impl Mode {
    pub fn new(quiet: bool, verbose: bool, no_progress: bool) -> Mode {
        let bars =
            !quiet && !no_progress && !drydock_core::env::ci() && std::io::stderr().is_terminal();
        Mode { bars, verbose }
    }

    pub fn of(o: &crate::cli::OutputArgs) -> Mode {
        Mode::new(o.quiet, o.verbose, o.no_progress)
    }
}

/// The CLI's [`Progress`]: keep it until the scan is done, then [`Display::finish`] clears
/// the bars before the report is printed.
pub struct Display {
    mode: Mode,
    multi: MultiProgress,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    files: Option<ProgressBar>,
    targets: HashMap<String, ProgressBar>,
    layers: HashMap<(String, usize), (ProgressBar, Instant)>,
    downloads: HashMap<String, (ProgressBar, Instant)>,
}

/// A progress display for `mode` and the observer that feeds it (the same object).
pub fn start(mode: Mode) -> (Arc<Display>, Observer) {
    let target = if mode.bars {
        ProgressDrawTarget::stderr_with_hz(10)
    } else {
        ProgressDrawTarget::hidden()
    };
    let d = Arc::new(Display {
        mode,
        multi: MultiProgress::with_draw_target(target),
        state: Mutex::new(State::default()),
    });
    let obs = Observer::new(d.clone());
    (d, obs)
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

impl Display {
    /// Clears every bar (before the report is written).
    pub fn finish(&self) {
        if let Ok(mut s) = self.state.lock() {
            for b in s.targets.values().chain(s.files.iter()) {
                b.finish_and_clear();
            }
            for (b, _) in s.layers.values().chain(s.downloads.values()) {
                b.finish_and_clear();
            }
            *s = State::default();
        }
        let _ = self.multi.clear();
    }

    /// A `-v` line: above the bars when they are drawn, else straight to stderr.
    fn line(&self, text: String) {
        if !self.mode.verbose {
            return;
        }
        let text = drydock_report::terminal_clean(&format!("drydock: {text}")).to_string();
        if self.mode.bars {
            let _ = self.multi.println(text);
        } else {
            eprintln!("{text}");
        }
    }

    fn lock(&self) -> Option<std::sync::MutexGuard<'_, State>> {
        self.state.lock().ok()
    }

    fn bar(&self, b: ProgressBar) -> ProgressBar {
        self.multi.add(b)
    }
}

impl Progress for Display {
    fn target_started(&self, target: &str) {
        if !self.mode.bars {
            return;
        }
        let Some(mut s) = self.lock() else { return };
        // A directory scan shows one files bar, not a spinner per file.
        if s.files.is_some() {
            return;
        }
        let b = self.bar(ProgressBar::new_spinner());
        b.set_style(style("{spinner} {msg} {elapsed}"));
        b.set_message(format!(
            "scanning {}",
            drydock_report::terminal_clean(target)
        ));
        b.enable_steady_tick(Duration::from_millis(120));
        s.targets.insert(target.to_string(), b);
    }

    fn target_finished(&self, target: &str, elapsed: Duration, ok: bool) {
        if let Some(mut s) = self.lock() {
            if let Some(b) = s.targets.remove(target) {
                b.finish_and_clear();
            }
        }
        let how = if ok { "scanned in" } else { "failed after" };
        self.line(format!("{target}: {how} {}", secs(elapsed)));
    }

    fn stage(&self, target: &str, stage: &str, elapsed: Duration, detail: &str) {
        let detail = if detail.is_empty() {
            String::new()
        } else {
            format!(" ({detail})")
        };
        self.line(format!("{target}: {stage} {}{detail}", secs(elapsed)));
    }

    fn note(&self, target: &str, message: &str) {
        self.line(format!("{target}: {message}"));
    }

    fn layer_started(&self, image: &str, layer: usize, layers: usize, size: Option<u64>) {
        if let Some(size) = size {
            self.line(format!(
                "{image}: reading layer {}/{layers} ({})",
                layer + 1,
                drydock_report::human_size(size)
            ));
        }
        if !self.mode.bars && !self.mode.verbose {
            return;
        }
        let Some(mut s) = self.lock() else { return };
        // Hidden without bars: kept for the `-v` timing line.
        let b = self.bar(ProgressBar::new(size.unwrap_or(0)));
        b.set_style(style(
            "  {prefix:>11} [{bar:30}] {bytes:>10}/{total_bytes:<10} {bytes_per_sec:>12} {eta}",
        ));
        b.set_prefix(format!("layer {}/{layers}", layer + 1));
        s.layers
            .insert((image.to_string(), layer), (b, Instant::now()));
    }

    fn layer_read(&self, image: &str, layer: usize, bytes: u64) {
        if !self.mode.bars {
            return;
        }
        if let Some(s) = self.lock() {
            if let Some((b, _)) = s.layers.get(&(image.to_string(), layer)) {
                b.inc(bytes);
            }
        }
    }

    fn layer_finished(&self, image: &str, layer: usize) {
        let Some(mut s) = self.lock() else { return };
        if let Some((b, t0)) = s.layers.remove(&(image.to_string(), layer)) {
            b.finish_and_clear();
            drop(s);
            self.line(format!(
                "{image}: layer {} read in {}",
                layer + 1,
                secs(t0.elapsed())
            ));
        }
    }

    fn files_planned(&self, total: u64) {
        self.line(format!("{total} files to scan"));
        if !self.mode.bars {
            return;
        }
        let Some(mut s) = self.lock() else { return };
        let b = self.bar(ProgressBar::new(total));
        b.set_style(style(
            "{spinner} files [{bar:30}] {pos}/{len} {per_sec} {wide_msg}",
        ));
        b.enable_steady_tick(Duration::from_millis(120));
        s.files = Some(b);
    }

    fn file_done(&self, path: &str) {
        if let Some(s) = self.lock() {
            if let Some(b) = &s.files {
                b.inc(1);
                b.set_message(drydock_report::terminal_clean(path).to_string());
            }
        }
    }

    fn download(&self, what: &str, done: u64, total: Option<u64>) {
        if !self.mode.bars && !self.mode.verbose {
            return;
        }
        let Some(mut s) = self.lock() else { return };
        if !s.downloads.contains_key(what) {
            let b = self.bar(match total {
                Some(n) => ProgressBar::new(n),
                None => ProgressBar::no_length(),
            });
            b.set_style(style(if total.is_some() {
                "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}"
            } else {
                "{spinner} {msg} {bytes} {bytes_per_sec}"
            }));
            b.set_message(drydock_report::terminal_clean(what).to_string());
            s.downloads.insert(what.to_string(), (b, Instant::now()));
        }
        if let Some((b, _)) = s.downloads.get(what) {
            b.set_position(done);
        }
    }

    fn download_finished(&self, what: &str) {
        let Some(mut s) = self.lock() else { return };
        if let Some((b, t0)) = s.downloads.remove(what) {
            let n = b.position();
            b.finish_and_clear();
            drop(s);
            self.line(format!(
                "{what}: {} read in {}",
                drydock_report::human_size(n),
                secs(t0.elapsed())
            ));
        }
    }
}
