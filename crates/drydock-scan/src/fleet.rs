//! Fleet scans: many targets in one process and one shard of a list spread over many.
//!
//! - targets files (one target a line, `#` comments) → [`parse_targets`];
//! - `--shard I/N` → [`Shard`]: rendezvous (highest-random-weight) hashing of the normalised
//!   reference, so a target's shard depends only on itself and N (adding targets moves none
//!   of the others) and changing N moves only the ~1/N share that must move;
//! - [`Scanner::scan_fleet`]: `jobs` targets at a time, at most [`image_slots`] of them
//!   images (an image scan holds layer buffers and a filesystem view: memory, not cores, is
//!   what bounds how many run at once), each outcome handed to the caller as it completes;
//! - [`report_file_names`]: one safe file name per target for `--output-dir`;
//! - [`registry_list`]: a registry's catalog as targets.

use crate::{ImageAccess, ScanResult, ScanTarget, Scanner};
use anyhow::Result;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// One shard of N, **0-based** (`0/3`, `1/3`, `2/3`) like Kubernetes' `JOB_COMPLETION_INDEX`,
/// so an Indexed Job passes `--shard $(JOB_COMPLETION_INDEX)/N` without a shell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = |why: String| format!("`{s}`: {why}");
        let (i, n) = s
            .split_once('/')
            .ok_or_else(|| bad("expected INDEX/COUNT, e.g. 0/3 (0-based)".into()))?;
        let count: u32 = n
            .trim()
            .parse()
            .map_err(|_| bad(format!("shard count `{n}` is not a number")))?;
        let index: u32 = i
            .trim()
            .parse()
            .map_err(|_| bad(format!("shard index `{i}` is not a number")))?;
        if count == 0 {
            return Err(bad("the shard count must be at least 1".into()));
        }
        if index >= count {
            return Err(bad(format!(
                "shard index {index} out of range: shards are numbered 0 to {} (0-based, like JOB_COMPLETION_INDEX)",
                count - 1
            )));
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// The shard (0-based) `target` belongs to among `count`.
    pub fn of(target: &str, count: u32) -> u32 {
        let key = shard_key(target);
        // Rendezvous hashing: the shard with the highest hash of (key, shard) wins. Going
        // from N to N+1 shards moves only the targets whose new shard outscores the old.
        (0..count.max(1))
            .max_by_key(|s| {
                let mut h = Sha256::new();
                h.update(key.as_bytes());
                h.update([0]);
                h.update(s.to_le_bytes());
                let d = h.finalize();
                (
                    u64::from_be_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]]),
                    std::cmp::Reverse(*s),
                )
            })
            .unwrap_or(0)
    }

    pub fn owns(&self, target: &str) -> bool {
        Shard::of(target, self.count) == self.index
    }
}

/// What a target is hashed as: a registry reference in its full form
/// (`alpine` = `docker.io/library/alpine:latest`, `docker://` dropped), so spellings of one
/// image land in one shard; anything else (paths, other transports) as written.
pub fn shard_key(target: &str) -> String {
    let t = target.trim();
    let looks_local = crate::discover::IMAGE_TRANSPORTS
        .iter()
        .filter(|p| **p != "docker://")
        .any(|p| t.starts_with(p))
        || t.starts_with('/')
        || t.starts_with('.')
        || std::path::Path::new(t).exists();
    if !looks_local {
        if let Ok(r) = drydock_core::imageref::ImageRef::parse(t) {
            let mut k = format!("{}/{}", r.registry, r.repository);
            if let Some(tag) = r.effective_tag() {
                k.push(':');
                k.push_str(tag);
            }
            if let Some(d) = &r.digest {
                k.push('@');
                k.push_str(d);
            }
            return k;
        }
    }
    t.to_string()
}

/// A targets-file line that is not a target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetsFileError {
    pub source: String,
    pub line: usize,
    pub message: String,
}

impl fmt::Display for TargetsFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.source, self.line, self.message)
    }
}

impl std::error::Error for TargetsFileError {}

/// The targets of a targets file: one a line; blank lines and lines starting with `#` are
/// skipped, as is a trailing ` # comment` (whitespace before the `#`; image references
/// cannot hold either). A line with whitespace inside or control characters is an error
/// naming `source:line`.
pub fn parse_targets(text: &str, source: &str) -> Result<Vec<String>, TargetsFileError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let err = |message: String| TargetsFileError {
            source: source.to_string(),
            line: i + 1,
            message,
        };
        let mut line = raw.trim();
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let comment = line
            .char_indices()
            .find(|&(i, c)| c == '#' && line[..i].ends_with([' ', '\t']))
            .map(|(i, _)| i);
        if let Some(i) = comment {
            line = line[..i].trim_end();
        }
        if let Some(c) = line.chars().find(|c| c.is_control()) {
            return Err(err(format!(
                "control character {:?} in target {:?}",
                c, line
            )));
        }
        if line.contains(char::is_whitespace) {
            return Err(err(format!(
                "{line:?}: one target a line (a second word is not a target; quote nothing, comment with `#`)"
            )));
        }
        if line.starts_with('-') && line != "-" {
            return Err(err(format!("{line:?}: a target cannot start with `-`")));
        }
        if line == "-" {
            return Err(err(
                "`-` (standard input) cannot be a target in a targets file".into(),
            ));
        }
        out.push(line.to_string());
    }
    Ok(out)
}

/// [`parse_targets`] over a file, or standard input for `-`.
pub fn read_targets_file(path: &str) -> Result<Vec<String>> {
    use std::io::Read;
    let (text, name) = if path == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| anyhow::anyhow!("--targets-file -: cannot read standard input: {e}"))?;
        (s, "<stdin>".to_string())
    } else {
        let bytes = std::fs::read(path)
            .map_err(|e| anyhow::anyhow!("--targets-file {path}: cannot read: {e}"))?;
        let s = String::from_utf8(bytes).map_err(|e| {
            let before = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = before.iter().filter(|b| **b == b'\n').count() + 1;
            anyhow::anyhow!("{path}:{line}: not UTF-8 text")
        })?;
        (s, path.to_string())
    };
    Ok(parse_targets(&text, &name)?)
}

/// Memory one concurrent image scan is budgeted (docs/fleet.md, "Sizing"): the 830 MB lab
/// image peaks at 72 MiB, and a layer worker may hold one 64 MiB package-database file whole
/// on each of two layer workers, so 256 MiB covers the worst case with room. A host or
/// container with less memory than `jobs × this` scans fewer images at once.
pub const IMAGE_MEMORY_BUDGET: u64 = 256 << 20;

/// How many image targets may run at once with `jobs` workers: at most `jobs`, at most the
/// memory available (the cgroup limit when there is one, as in a Kubernetes pod, else the
/// host's MemAvailable) divided by [`IMAGE_MEMORY_BUDGET`], at least 1.
pub fn image_slots(jobs: usize) -> usize {
    let by_memory = available_memory().map_or(jobs, |m| (m / IMAGE_MEMORY_BUDGET) as usize);
    by_memory.clamp(1, jobs.max(1))
}

/// The memory this process may use: the cgroup v2 (or v1) limit when set, else
/// `/proc/meminfo`'s MemAvailable; `None` when neither is readable (not Linux).
pub fn available_memory() -> Option<u64> {
    let read = |p: &str| std::fs::read_to_string(p).ok();
    let cgroup = read("/sys/fs/cgroup/memory.max")
        .or_else(|| read("/sys/fs/cgroup/memory/memory.limit_in_bytes"))
        .and_then(|s| s.trim().parse::<u64>().ok())
        // cgroup v1 says "no limit" with a huge number.
        .filter(|v| *v < (1 << 60));
    let host = read("/proc/meminfo").and_then(|s| {
        s.lines()
            .find_map(|l| l.strip_prefix("MemAvailable:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map(|kb| kb * 1024)
    });
    match (cgroup, host) {
        (Some(c), Some(h)) => Some(c.min(h)),
        (c, h) => c.or(h),
    }
}

/// The default `--jobs`: the cores this process may use.
pub fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// One target of a fleet run: its argument, planned work and how long it took.
#[derive(Debug)]
pub struct TargetOutcome {
    /// The target as given (targets-file line or argument).
    pub target: String,
    pub result: ScanResult,
    pub duration: Duration,
}

/// A counting semaphore: image scans wait for a slot.
struct Slots {
    free: Mutex<usize>,
    cv: Condvar,
}

impl Slots {
    fn acquire(&self) {
        let mut f = self.free.lock().unwrap_or_else(|e| e.into_inner());
        while *f == 0 {
            f = self.cv.wait(f).unwrap_or_else(|e| e.into_inner());
        }
        *f -= 1;
    }
    fn release(&self) {
        *self.free.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        self.cv.notify_one();
    }
}

/// How a fleet run is spread.
#[derive(Clone, Copy, Debug)]
pub struct FleetOptions {
    /// Targets scanned at once (≥ 1).
    pub jobs: usize,
    /// Of those, image targets at once (≥ 1); see [`image_slots`].
    pub image_slots: usize,
}

impl FleetOptions {
    pub fn new(jobs: usize) -> FleetOptions {
        let jobs = jobs.max(1);
        FleetOptions {
            jobs,
            image_slots: image_slots(jobs),
        }
    }
}

impl Scanner {
    /// Scan each `(target, work)` on its own, `jobs` at a time; `done(i, outcome)` is called
    /// (from a worker thread) as each finishes, `i` being its position in `targets`. Every
    /// target is reported exactly once, errors included. Manifests of one target see each
    /// other (as in [`Scanner::scan_many`]); different targets are independent.
    pub fn scan_fleet(
        &self,
        targets: &[(String, Vec<ScanTarget>)],
        opts: FleetOptions,
        done: &(dyn Fn(usize, TargetOutcome) + Sync),
    ) {
        let next = AtomicUsize::new(0);
        let slots = Slots {
            free: Mutex::new(opts.image_slots.max(1)),
            cv: Condvar::new(),
        };
        let workers = opts.jobs.max(1).min(targets.len().max(1));
        let run_one = |i: usize| {
            let (target, work) = &targets[i];
            let images = work.iter().any(|w| matches!(w, ScanTarget::Image(_)));
            if images {
                slots.acquire();
            }
            let start = Instant::now();
            let runtime_files = work
                .iter()
                .filter(|w| matches!(w, ScanTarget::Runtime(_)))
                .count();
            // scan_many remembers one manifest set per scanner: a target with several
            // manifests gets a scanner of its own so other targets' objects stay out.
            let result = if runtime_files > 1 {
                self.fork().scan_many(work)
            } else {
                self.scan_many(work)
            };
            if images {
                slots.release();
            }
            done(
                i,
                TargetOutcome {
                    target: target.clone(),
                    result,
                    duration: start.elapsed(),
                },
            );
        };
        std::thread::scope(|scope| {
            let mut spawned = 0;
            for w in 0..workers {
                let worker = || loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= targets.len() {
                        break;
                    }
                    run_one(i);
                };
                if std::thread::Builder::new()
                    .name(format!("drydock-target-{w}"))
                    .spawn_scoped(scope, worker)
                    .is_ok()
                {
                    spawned += 1;
                }
            }
            // No thread could be started: do the work here rather than not at all.
            if spawned == 0 {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= targets.len() {
                        break;
                    }
                    run_one(i);
                }
            }
        });
    }
}

/// Characters kept in report file names; everything else becomes `_`.
fn safe_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
}

/// Longest stem kept before the hash suffix (file names are limited to 255 bytes).
const MAX_STEM: usize = 120;

/// File names (without directory) for one report per target, with `extension` (no dot):
/// the target with every character outside `[A-Za-z0-9._-]` turned into `_`, no leading dot
/// or dash, at most 120 characters. Names that would clash (case-insensitively, since some
/// file systems fold case), were shortened, or equal a `reserved` stem get `-` and 12 hex
/// digits of the target's SHA-256, so every target has its own name and none can leave the
/// directory (no `/`, no `..`, no hidden file).
pub fn report_file_names(targets: &[String], extension: &str, reserved: &[&str]) -> Vec<String> {
    let stems: Vec<(String, bool)> = targets
        .iter()
        .map(|t| {
            let mut s: String = t
                .chars()
                .map(|c| if safe_char(c) { c } else { '_' })
                .collect();
            // `..`, `.hidden`, `-flag`: never a special name or an option-looking one.
            while s.starts_with(['.', '-']) {
                s.replace_range(0..1, "_");
            }
            let truncated = s.len() > MAX_STEM;
            s.truncate(MAX_STEM);
            if s.is_empty() {
                s.push_str("target");
            }
            (s, truncated)
        })
        .collect();
    let mut count: HashMap<String, usize> = HashMap::new();
    for (s, _) in &stems {
        *count.entry(s.to_ascii_lowercase()).or_default() += 1;
    }
    let reserved: Vec<String> = reserved.iter().map(|r| r.to_ascii_lowercase()).collect();
    let names: Vec<String> = stems
        .into_iter()
        .zip(targets)
        .map(|((stem, truncated), t)| {
            let lower = stem.to_ascii_lowercase();
            let clash = count[&lower] > 1 || reserved.contains(&lower);
            if clash || truncated {
                let h = hex_prefix(t);
                format!("{stem}-{h}.{extension}")
            } else {
                format!("{stem}.{extension}")
            }
        })
        .collect();
    debug_assert!({
        let mut seen = std::collections::HashSet::new();
        names.iter().all(|n| seen.insert(n.to_ascii_lowercase()))
    });
    names
}

fn hex_prefix(t: &str) -> String {
    let d = Sha256::digest(t.as_bytes());
    d.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// `drydock registry list`: every `registry/repository:tag` (with `@sha256:…` when
/// `digests`) below `REGISTRY[/PREFIX]`, with the image access options of scans.
pub fn registry_list(
    spec: &str,
    access: &ImageAccess,
    digests: bool,
    page_size: u32,
) -> Result<Vec<String>> {
    let open = access.open_options()?;
    let opts = drydock_image::registry::RegistryOptions::from_open_options(&open);
    drydock_image::registry::catalog::list(
        spec,
        &opts,
        &drydock_image::registry::catalog::ListOptions { page_size, digests },
    )
    .map_err(|e| anyhow::anyhow!("{spec}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(n: usize) -> Vec<String> {
        (0..n)
            .map(|i| format!("registry.example/team{}/app:{i}", i % 7))
            .collect()
    }

    #[test]
    fn shards_are_validated_zero_based() {
        assert_eq!(
            "0/3".parse::<Shard>().unwrap(),
            Shard { index: 0, count: 3 }
        );
        assert_eq!(
            "2/3".parse::<Shard>().unwrap(),
            Shard { index: 2, count: 3 }
        );
        for bad in ["3/3", "4/3", "0/0", "1", "a/3", "1/b", "-1/3", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn every_target_in_exactly_one_shard_and_spread() {
        let targets = refs(3000);
        for n in [1u32, 2, 3, 7] {
            let mut sizes = vec![0usize; n as usize];
            for t in &targets {
                let owners: Vec<u32> = (0..n)
                    .filter(|i| {
                        Shard {
                            index: *i,
                            count: n,
                        }
                        .owns(t)
                    })
                    .collect();
                assert_eq!(owners.len(), 1, "{t} in {owners:?} of {n}");
                sizes[owners[0] as usize] += 1;
            }
            let even = targets.len() / n as usize;
            for s in sizes {
                // Within 15% of even: a hash, not a skewed rule.
                assert!(s.abs_diff(even) * 100 <= even * 15, "{s} vs {even} (n={n})");
            }
        }
    }

    #[test]
    fn growing_the_shard_count_moves_only_a_share() {
        let targets = refs(3000);
        let moved = targets
            .iter()
            .filter(|t| Shard::of(t, 3) != Shard::of(t, 4))
            .count();
        // Rendezvous: ~1/4 move (all to the new shard); mod-N hashing would move ~3/4.
        assert!(moved < targets.len() * 32 / 100, "{moved}");
        assert!(targets
            .iter()
            .filter(|t| Shard::of(t, 3) != Shard::of(t, 4))
            .all(|t| Shard::of(t, 4) == 3));
    }

    #[test]
    fn spellings_of_one_image_share_a_shard() {
        assert_eq!(shard_key("alpine"), "docker.io/library/alpine:latest");
        assert_eq!(
            shard_key("docker://alpine:latest"),
            shard_key("docker.io/library/alpine")
        );
        assert_eq!(shard_key("oci:./x"), "oci:./x");
    }

    #[test]
    fn targets_file_lines() {
        let t = parse_targets(
            "# nightly\n\nalpine:3.19\n  ghcr.io/a/b:1  # pinned later\nlocalhost:5000/x@sha256:0000000000000000000000000000000000000000000000000000000000000000\r\n",
            "t.txt",
        )
        .unwrap();
        assert_eq!(
            t,
            [
                "alpine:3.19",
                "ghcr.io/a/b:1",
                "localhost:5000/x@sha256:0000000000000000000000000000000000000000000000000000000000000000"
            ]
        );
        let e = parse_targets("a\nb c\n", "t.txt").unwrap_err();
        assert_eq!((e.line, e.source.as_str()), (2, "t.txt"));
        assert!(e.to_string().starts_with("t.txt:2: "), "{e}");
        assert_eq!(parse_targets("ok\nx\u{1b}[31m\n", "f").unwrap_err().line, 2);
        assert_eq!(parse_targets("--shard\n", "f").unwrap_err().line, 1);
    }

    #[test]
    fn report_names_stay_inside_and_unique() {
        let targets: Vec<String> = [
            "alpine:3.19",
            "alpine/3.19",
            "../../etc/passwd",
            "..",
            ".hidden",
            "-rf",
            "summary",
            "ALPINE:3.19",
            &"x".repeat(400),
            "",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let names = report_file_names(&targets, "json", &["summary"]);
        let mut seen = std::collections::HashSet::new();
        for n in &names {
            assert!(seen.insert(n.to_ascii_lowercase()), "dup {n}");
            assert!(!n.contains('/') && !n.contains('\\'), "{n}");
            assert!(!n.starts_with('.') && !n.starts_with('-'), "{n}");
            assert!(n.len() < 200, "{n}");
            assert!(n.ends_with(".json"));
        }
        assert!(names[6].starts_with("summary-"), "{}", names[6]);
        // Stable: the same targets give the same names.
        assert_eq!(names, report_file_names(&targets, "json", &["summary"]));
    }
}
