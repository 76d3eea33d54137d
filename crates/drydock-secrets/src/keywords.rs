//! The keyword pass: find every rule keyword (ASCII case-insensitive) in a buffer, fast.
//!
//! One Aho-Corasick DFA holds all keywords. A DFA search is bound by the latency of one
//! transition-table load per byte (each step needs the previous state), which capped the
//! single-stream pass at ~400 MB/s. So the pass first runs [`LANES`] independent DFA walks
//! over equal slices of the buffer in lock step — their loads overlap, so the buffer is
//! covered several times faster — and only records where a keyword ends. The exact search
//! (same semantics as before: earliest-ending hit, restarted one byte after its start) then
//! runs only in the short regions around those ends.

use aho_corasick::automaton::Automaton;
use aho_corasick::{dfa, nfa, Anchored, Input, Match, MatchKind, StartKind};
use std::ops::Range;

/// Independent DFA walks interleaved in the fast pass.
const LANES: usize = 8;
/// Below this size the lanes' setup costs more than it saves: search directly.
const SMALL: usize = 256;

pub(crate) struct Keywords {
    exact: Exact,
    /// The lock-step scanner, built on the first input of at least [`SMALL`] bytes (runs
    /// that only scan short values never pay for it); `None` when the keyword bytes need
    /// more than [`CLASSES`] classes (then the exact search runs over the whole buffer).
    fast: std::sync::OnceLock<Option<Compact>>,
    keywords: Vec<String>,
}

enum Exact {
    Dfa(dfa::DFA),
    /// Only if the DFA cannot be built (a huge user keyword set).
    Nfa(nfa::contiguous::NFA),
}

impl Keywords {
    pub(crate) fn new(keywords: &[String]) -> Keywords {
        let built = dfa::Builder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .start_kind(StartKind::Unanchored)
            // No prefilter applies to hundreds of case-insensitive keywords.
            .prefilter(false)
            .build(keywords);
        match built {
            Ok(d) => Keywords {
                fast: std::sync::OnceLock::new(),
                keywords: keywords.to_vec(),
                exact: Exact::Dfa(d),
            },
            Err(_) => Keywords {
                fast: std::sync::OnceLock::from(None),
                keywords: Vec::new(),
                exact: Exact::Nfa(
                    nfa::contiguous::Builder::new()
                        .ascii_case_insensitive(true)
                        .match_kind(MatchKind::Standard)
                        .prefilter(false)
                        .build(keywords)
                        .expect("keyword automaton: keywords are plain literals"),
                ),
            },
        }
    }

    /// Call `f` with each keyword hit, in order: the earliest-ending hit, then the search
    /// restarts one byte after that hit's start (so keywords starting inside another are
    /// found; ones containing a found keyword share its rules, see `close_overlaps`).
    pub(crate) fn for_each_hit(&self, data: &[u8], f: impl FnMut(Match)) {
        if data.is_empty() {
            return;
        }
        let fast = match &self.exact {
            Exact::Dfa(d) if data.len() >= SMALL => self
                .fast
                .get_or_init(|| Compact::new(d, &self.keywords))
                .as_ref(),
            _ => None,
        };
        let regions = match fast {
            Some(c) => c.regions(data),
            None => std::iter::once(0..data.len()).collect(),
        };
        match &self.exact {
            Exact::Dfa(a) => hits(a, data, regions, f),
            Exact::Nfa(a) => hits(a, data, regions, f),
        }
    }
}

fn hits<A: Automaton>(a: &A, data: &[u8], regions: Vec<Range<usize>>, mut f: impl FnMut(Match)) {
    let mut at = 0;
    for region in regions {
        loop {
            let from = at.max(region.start);
            if from >= region.end {
                break;
            }
            // Err only for an unsupported anchored search, which this never asks for.
            let Ok(Some(m)) = a.try_find(&Input::new(data).range(from..region.end)) else {
                break;
            };
            at = m.start() + 1;
            f(m);
        }
    }
}

/// Classes used while building the compact table: one per distinct (ASCII-lower-cased)
/// keyword byte, plus one for every other byte; the table itself has a column per byte.
const CLASSES: usize = 64;
/// Larger keyword sets (huge user rule files) skip the lock-step pass (1 KiB per state).
const MAX_STATES: usize = 1 << 15;
/// Set in a table entry when the state it leads to ends a keyword.
const MATCH: u32 = 1 << 31;

/// The keyword DFA re-laid out for the lock-step scan: a column per byte class (the
/// ASCII-folded bytes keywords use, plus one for all others; a power of two) and state ids
/// premultiplied by the row width, so a step is `table[(state | class[byte]) & mask]` — no
/// bounds check (the table length is a power of two) and the match flag rides in a bit the
/// mask drops. Narrow rows keep the states that ordinary text visits in L1; with a column
/// per byte (1 KiB rows) they spilled to L2 and the walk waited on it (measured ~15% slower).
struct Compact {
    /// Byte → column.
    cls: [u8; 256],
    table: Vec<u32>,
    mask: usize,
    maxlen: usize,
}

impl Compact {
    fn new(d: &dfa::DFA, keywords: &[String]) -> Option<Compact> {
        let mut bytes: Vec<u8> = keywords
            .iter()
            .flat_map(|k| k.bytes().map(|b| b.to_ascii_lowercase()))
            .collect();
        bytes.sort_unstable();
        bytes.dedup();
        if bytes.len() + 1 > CLASSES {
            return None;
        }
        // Bytes that no keyword contains (in either case) all move the DFA alike, and so do
        // the two cases of a letter: compute one transition per class, copy it per byte.
        let mut class = [0usize; 256];
        let mut rep = vec![(0..=255u8).find(|b| !bytes.contains(&b.to_ascii_lowercase()))?];
        for (i, &b) in bytes.iter().enumerate() {
            class[b as usize] = i + 1;
            class[b.to_ascii_uppercase() as usize] = i + 1;
            rep.push(b);
        }
        let start = d.start_state(Anchored::No).ok()?;
        // DFA state ids are offsets into its transition table, which `memory_usage` bounds.
        let mut index = vec![u32::MAX; d.memory_usage() / 4 + 1];
        let slot = |sid: aho_corasick::automaton::StateID| sid.as_usize();
        let mut queue = vec![start];
        *index.get_mut(slot(start))? = 0;
        // Columns per row: one per class (rows stay small, so the rows hot in ordinary text
        // stay in L1), or one per byte.
        let cols = (bytes.len() + 1).next_power_of_two();
        let mut rows: Vec<u32> = Vec::new();
        while let Some(&sid) = queue.get(rows.len() / cols) {
            let mut by_class = [0u32; CLASSES];
            for (c, &b) in rep.iter().enumerate() {
                let next = d.next_state(Anchored::No, sid, b);
                let entry = index.get_mut(slot(next))?;
                if *entry == u32::MAX {
                    *entry = queue.len() as u32;
                    queue.push(next);
                }
                // Bounded memory (the built-in set needs ~3,300 states, 4 MiB); this also
                // keeps premultiplied ids clear of the flag bit.
                if queue.len() > MAX_STATES {
                    return None;
                }
                by_class[c] = (*entry * cols as u32) | if d.is_match(next) { MATCH } else { 0 };
            }
            rows.extend_from_slice(&by_class[..cols]);
        }
        let cls: [u8; 256] = std::array::from_fn(|b| class[b] as u8);
        let len = rows.len().next_power_of_two();
        rows.resize(len, 0);
        Some(Compact {
            cls,
            table: rows,
            mask: len - 1,
            maxlen: d.max_pattern_len(),
        })
    }

    /// Regions of `data` that contain every keyword occurrence: for each byte where some
    /// keyword ends, the `maxlen` bytes before it; ascending and merged. Any keyword lies
    /// wholly inside one region, and a region starts at least `maxlen` bytes before each end
    /// inside it, so an unanchored search from the region start reaches the same automaton
    /// state at those ends as a search from anywhere earlier.
    fn regions(&self, data: &[u8]) -> Vec<Range<usize>> {
        let n = data.len();
        let maxlen = self.maxlen;
        let mut ends: Vec<usize> = Vec::new();
        // Lane k reads [k*seg, (k+1)*seg + maxlen): after its first `maxlen` bytes it sees
        // every keyword ending there whole; ends in its first `maxlen` bytes are also the
        // previous lane's last ones. The tail after the last lane is walked alone.
        let seg = n.saturating_sub(maxlen) / LANES;
        let mut covered = 0;
        if seg > 0 {
            let len = seg + maxlen;
            // Sliced to exactly `mask + 1` entries so the compiler drops the bounds checks.
            let (t, m) = (&self.table[..=self.mask], self.mask);
            let lanes = &data[..(LANES - 1) * seg + len];
            let mut st = [0u32; LANES];
            for i in 0..len {
                let mut any = 0;
                for (k, s) in st.iter_mut().enumerate() {
                    // SAFETY: k * seg + i < (LANES - 1) * seg + len = lanes.len().
                    let b = unsafe { *lanes.get_unchecked(k * seg + i) };
                    *s = t[(*s | self.cls[b as usize] as u32) as usize & m];
                    any |= *s;
                }
                if any & MATCH != 0 {
                    for (k, &s) in st.iter().enumerate() {
                        if s & MATCH != 0 {
                            ends.push(k * seg + i + 1);
                        }
                    }
                }
            }
            covered = (LANES - 1) * seg + len;
        }
        let from = covered.saturating_sub(maxlen);
        let mut s = 0u32;
        for (i, &b) in data[from..].iter().enumerate() {
            s = self.table[(s | self.cls[b as usize] as u32) as usize & self.mask];
            if s & MATCH != 0 {
                ends.push(from + i + 1);
            }
        }
        ends.sort_unstable();
        let mut out: Vec<Range<usize>> = Vec::new();
        for e in ends {
            let lo = e.saturating_sub(maxlen);
            match out.last_mut() {
                Some(last) if lo <= last.end => last.end = last.end.max(e),
                _ => out.push(lo..e),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The original single search, restarted one byte after each hit's start.
    fn reference(kw: &[String], data: &[u8]) -> Vec<(usize, usize, usize)> {
        let ac = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(kw)
            .unwrap();
        let mut at = 0;
        let mut out = Vec::new();
        while let Some(m) = ac.find(Input::new(data).range(at..)) {
            at = m.start() + 1;
            out.push((m.start(), m.end(), m.pattern().as_usize()));
        }
        out
    }

    #[test]
    fn lanes_find_exactly_what_one_search_finds() {
        let kw: Vec<String> = [
            "password",
            "pass",
            "secret_access_key",
            "access_key",
            "ghp_",
            "q~",
            "sswo",
            "hf_",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let k = Keywords::new(&kw);
        // Pseudo-random runs of keywords, their fragments and filler, so keywords occur
        // often, overlap, and cross lane boundaries, with sizes below and above SMALL.
        let parts: &[&[u8]] = &[
            b"PassWord",
            b"pass",
            b"secret_ACCESS_key",
            b"access_key",
            b"GHP_",
            b"q~",
            b"sswo",
            b"Hf_",
            b"pas",
            b"acc",
            b"gh",
            b" ",
            b"\n",
            b"filler text ",
            b"x",
        ];
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for size in [0, 1, 7, 100, SMALL - 1, SMALL, SMALL + 3, 10_007, 65_536] {
            let mut data: Vec<u8> = Vec::new();
            while data.len() < size {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                data.extend_from_slice(parts[(x % parts.len() as u64) as usize]);
            }
            data.truncate(size);
            let mut got = Vec::new();
            k.for_each_hit(&data, |m| {
                got.push((m.start(), m.end(), m.pattern().as_usize()))
            });
            let want = reference(&kw, &data);
            assert_eq!(got, want, "size {size}");
            // Both region finders, whichever one this CPU picks.
            if size > 1000 {
                assert!(got.len() > 10, "the test text must contain keywords");
            }
        }
    }

    #[test]
    fn keyword_at_buffer_edges_and_lane_cuts() {
        let kw = vec!["akia".to_string()];
        let k = Keywords::new(&kw);
        let mut data = vec![b'.'; 40_000];
        for at in [0, 9_998, 19_997, 30_000, 39_996] {
            data[at..at + 4].copy_from_slice(b"AkIa");
        }
        let mut got = Vec::new();
        k.for_each_hit(&data, |m| got.push(m.start()));
        assert_eq!(got, vec![0, 9_998, 19_997, 30_000, 39_996]);
    }
}
