//! The keyword pass: find every rule keyword (ASCII case-insensitive) in a buffer, fast.
//!
//! One Aho-Corasick DFA holds all keywords, but a DFA search is bound by the latency of one
//! transition-table load per byte (~400 MB/s here), and even several interleaved walks
//! stayed near 1 GB/s. So the pass has three steps:
//! 1. [`Fdr`], a hashed shift-or filter with one table load per two bytes, flags the bytes
//!    where some keyword may end (0.1–0.6% of the bytes of ordinary text);
//! 2. [`Compact`], the keyword DFA walked over the few bytes before each flag, keeps the
//!    flags where a keyword really ends;
//! 3. the exact search (same semantics as a plain search: earliest-ending hit, restarted one
//!    byte after its start) runs only in the short regions around those ends.

use aho_corasick::automaton::Automaton;
use aho_corasick::{dfa, nfa, Anchored, Input, Match, MatchKind, StartKind};
use std::ops::Range;
use std::sync::OnceLock;

/// Below this size the filter costs more than it saves: search directly.
const SMALL: usize = 256;
/// More than one flag per this many bytes: verify by one walk over the whole buffer.
const DENSE: usize = 24;

pub(crate) struct Keywords {
    exact: Exact,
    keywords: Vec<String>,
    /// Built on the first input of at least [`SMALL`] bytes (runs that only scan short
    /// values never pay for it); `None` if a keyword is empty (it matches everywhere).
    filter: OnceLock<Option<Filter>>,
}

struct Filter {
    fdr: Fdr,
    /// `None` when the keyword bytes need more than [`CLASSES`] classes (huge user keyword
    /// sets): the exact search then runs around every flag.
    verify: Option<Compact>,
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
        let exact = match built {
            Ok(d) => Exact::Dfa(d),
            Err(_) => Exact::Nfa(
                nfa::contiguous::Builder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .prefilter(false)
                    .build(keywords)
                    .expect("keyword automaton: keywords are plain literals"),
            ),
        };
        Keywords {
            exact,
            keywords: keywords.iter().map(|k| k.to_ascii_lowercase()).collect(),
            filter: OnceLock::new(),
        }
    }

    /// Call `f` with each keyword hit, in order: the earliest-ending hit, then the search
    /// restarts one byte after that hit's start (so keywords starting inside another are
    /// found; ones containing a found keyword share its rules, see `close_overlaps`).
    pub(crate) fn for_each_hit(&self, data: &[u8], f: impl FnMut(Match)) {
        if data.is_empty() || self.keywords.is_empty() {
            return;
        }
        let filter = match data.len() {
            n if n < SMALL => None,
            _ => self
                .filter
                .get_or_init(|| {
                    self.keywords.iter().all(|k| !k.is_empty()).then(|| Filter {
                        fdr: Fdr::new(&self.keywords),
                        verify: match &self.exact {
                            Exact::Dfa(d) => Compact::new(d, &self.keywords),
                            Exact::Nfa(_) => None,
                        },
                    })
                })
                .as_ref(),
        };
        let regions = if let Some(filter) = filter {
            let mut ends = Vec::new();
            filter.fdr.ends(data, &mut ends);
            if let (Some(c), Exact::Dfa(d)) = (&filter.verify, &self.exact) {
                // Each hit lies inside the longest keyword ending where it ends: searching
                // only those spans finds the same hits as a search of the whole buffer.
                let spans: Vec<Range<usize>> = if ends.len() > data.len() / DENSE {
                    // Flags this dense (text made of keyword fragments, or crafted to
                    // collide) would cost up to a keyword length of walking each: one
                    // walk over the whole buffer bounds the work instead.
                    c.longest_endings(d, data)
                } else {
                    ends.into_iter()
                        .filter_map(|(end, span)| {
                            c.longest_ending(d, data, end, span)
                                .map(|len| end - len..end)
                        })
                        .collect()
                };
                return c.hits(d, data, &merge(spans.into_iter()), f);
            }
            merge(
                ends.into_iter()
                    .map(|(end, _)| end - filter.fdr.maxlen.min(end)..end),
            )
        } else {
            std::iter::once(0..data.len()).collect()
        };
        match &self.exact {
            Exact::Dfa(a) => hits(a, data, regions, f),
            Exact::Nfa(a) => hits(a, data, regions, f),
        }
    }
}

/// Merge spans that are ascending by end into regions to search. When every keyword
/// occurrence lies inside a span, it lies inside one region, and an unanchored search from
/// a region's start reports the same hits in it as a search from anywhere earlier.
fn merge(spans: impl Iterator<Item = Range<usize>>) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for mut r in spans {
        // A long keyword may reach back over several earlier spans.
        while let Some(last) = out.last() {
            if r.start > last.end {
                break;
            }
            r.start = r.start.min(last.start);
            r.end = r.end.max(last.end);
            out.pop();
        }
        out.push(r);
    }
    out
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
/// Larger keyword sets (huge user rule files) skip the verification (4 bytes per class and state).
const MAX_STATES: usize = 1 << 15;
/// Set in a table entry when the state it leads to ends a keyword.
const MATCH: u32 = 1 << 31;

/// The keyword DFA re-laid out for short walks: a column per byte class (the
/// ASCII-folded bytes keywords use, plus one for all others; a power of two) and state ids
/// premultiplied by the row width, so a step is `table[(state | class[byte]) & mask]` — no
/// bounds check (the table length is a power of two) and the match flag rides in a bit the
/// mask drops. Narrow rows keep the states that ordinary text visits in L1.
struct Compact {
    /// Byte → column.
    cls: [u8; 256],
    table: Vec<u32>,
    mask: usize,
    /// Row width (a power of two): row index = premultiplied id / cols.
    cols: usize,
    /// Row → the DFA state it stands for (to read a match state's pattern).
    states: Vec<aho_corasick::automaton::StateID>,
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
            cols,
            states: queue,
        })
    }

    /// The same hits as [`hits`] with `d` (which this table re-lays out), walked inline: a
    /// search call per hit cost more than the walk itself on text dense with keywords.
    fn hits(&self, d: &dfa::DFA, data: &[u8], regions: &[Range<usize>], mut f: impl FnMut(Match)) {
        let (t, m) = (&self.table[..=self.mask], self.mask);
        let mut at = 0;
        for region in regions {
            let mut i = at.max(region.start);
            let mut s = 0u32;
            while i < region.end {
                s = t[(s | self.cls[data[i] as usize] as u32) as usize & m];
                i += 1;
                if s & MATCH != 0 {
                    // Standard semantics: the state's first pattern (the longest keyword
                    // ending here), then a fresh search from one byte after its start.
                    let sid = self.states[(s & !MATCH) as usize / self.cols];
                    let pid = d.match_pattern(sid, 0);
                    let start = i - d.pattern_len(pid);
                    f(Match::new(pid, start..i));
                    at = start + 1;
                    i = at;
                    s = 0;
                }
            }
        }
    }

    /// The span of the longest keyword ending at each position where one ends.
    fn longest_endings(&self, d: &dfa::DFA, data: &[u8]) -> Vec<Range<usize>> {
        let (t, m) = (&self.table[..=self.mask], self.mask);
        let mut s = 0u32;
        let mut out = Vec::new();
        for (i, &b) in data.iter().enumerate() {
            s = t[(s | self.cls[b as usize] as u32) as usize & m];
            if s & MATCH != 0 {
                let len = self.longest(d, s);
                out.push(i + 1 - len..i + 1);
            }
        }
        out
    }

    /// The longest keyword the match state `s` (a table entry) stands for.
    fn longest(&self, d: &dfa::DFA, s: u32) -> usize {
        let sid = self.states[(s & !MATCH) as usize / self.cols];
        (0..d.match_len(sid))
            .map(|i| d.pattern_len(d.match_pattern(sid, i)))
            .max()
            .unwrap_or(0)
    }

    /// The longest keyword of at most `span` bytes that ends just before `end`, if any.
    fn longest_ending(&self, d: &dfa::DFA, data: &[u8], end: usize, span: usize) -> Option<usize> {
        let (t, m) = (&self.table[..=self.mask], self.mask);
        let mut s = 0u32;
        for &b in &data[end.saturating_sub(span)..end] {
            s = t[(s | self.cls[b as usize] as u32) as usize & m];
        }
        (s & MATCH != 0).then(|| self.longest(d, s))
    }
}

/// Buckets (bits per table byte) and ending offsets (bytes per table entry) of [`Fdr`].
const BUCKETS: usize = 8;
const OFFSETS: usize = 8;
/// Table entries: a hash of a byte triple to this many bits.
const HASH_BITS: u32 = 15;
/// What of a triple the hash sees: the outer bytes' low 5 bits (letters without case), the
/// middle byte's low 7 bits after `| 0x20` (letters without case, digits and punctuation
/// apart). Wildcard outer bytes (before a keyword's start or after its end) then need only
/// 32 table entries each instead of 128; triples overlap by one byte, so every byte at an
/// odd position is seen whole.
const TRIPLE: u32 = 0x1f_7f_1f;
const FOLD: u64 = 0x2020_2020_2020_2020;

fn slot(triple: u32) -> usize {
    ((triple & TRIPLE).wrapping_mul(0x9E37_79B1) >> (32 - HASH_BITS)) as usize
}

/// A shift-or filter over byte triples after Hyperscan's FDR: it flags every byte where a
/// keyword may end, with few false flags (0.1–0.6% of the bytes of ordinary text, most of
/// them from hash collisions of common triples), reading only the triples that start at
/// even positions.
///
/// Keywords go into [`BUCKETS`] buckets by length. `table[slot(t)]` has, in byte `j`, a 0 bit
/// for each bucket that has a keyword which may end `j` bytes after the start of a triple
/// `t` (bytes of `t` outside the keyword match anything; only the last [`OFFSETS`] bytes of
/// a keyword are checked). The scan ORs each entry, shifted to the endings it speaks for,
/// into a running state; a state byte with a 0 bit once every triple that speaks for it is
/// in, is a position where a keyword of that bucket may end. Hash collisions and the folding
/// only add flags; the exact search then runs around the flags.
struct Fdr {
    table: Box<[u64]>,
    /// Longest keyword per bucket: how far back a flag of that bucket needs checking.
    bucket_len: [usize; BUCKETS],
    maxlen: usize,
}

impl Fdr {
    /// `keywords`: at least one, none empty.
    fn new(keywords: &[String]) -> Fdr {
        let mut lits: Vec<&[u8]> = keywords.iter().map(|k| k.as_bytes()).collect();
        // Buckets by length: a keyword shorter than OFFSETS leaves the endings past its
        // start unchecked for its whole bucket, so short lengths get buckets of their own;
        // longer keywords share the rest.
        lits.sort_by_key(|l| l.len());
        let mut lengths: Vec<usize> = lits.iter().map(|l| l.len().min(OFFSETS)).collect();
        lengths.dedup();
        let long = lits.iter().filter(|l| l.len() >= OFFSETS).count();
        let long_buckets = BUCKETS - (lengths.len() - 1).min(BUCKETS - 1);
        let mut nth_long = 0;
        let mut table = vec![u64::MAX; 1 << HASH_BITS].into_boxed_slice();
        let mut wild = 0u64;
        let mut bucket_len = [0; BUCKETS];
        for l in &lits {
            let n = l.len();
            let b = if n < OFFSETS {
                lengths
                    .iter()
                    .position(|&s| s == n)
                    .unwrap_or(0)
                    .min(BUCKETS - 1)
            } else {
                nth_long += 1;
                (BUCKETS - long_buckets + (nth_long - 1) * long_buckets / long).min(BUCKETS - 1)
            };
            bucket_len[b] = bucket_len[b].max(n);
            for j in 0..OFFSETS {
                let bit = 1u64 << (8 * j + b);
                // The triple starts j bytes before the keyword's end: keyword indexes of
                // its bytes (None = outside the keyword, matches anything).
                let at = |k: usize| (n + k).checked_sub(j + 1).filter(|&i| i < n);
                let idx = [at(0), at(1), at(2)];
                let known = idx.iter().flatten().count();
                if known < 2.min(n) {
                    wild |= bit;
                    continue;
                }
                let choices = |k: usize| -> Vec<u32> {
                    let mask = (TRIPLE >> (8 * k)) & 0xff;
                    match idx[k] {
                        Some(i) => vec![(l[i] as u32 | 0x20) & mask],
                        None => (0..=mask).collect(),
                    }
                };
                for &x in &choices(0) {
                    for &y in &choices(1) {
                        for &z in &choices(2) {
                            table[slot(x | y << 8 | z << 16)] &= !bit;
                        }
                    }
                }
            }
        }
        for t in table.iter_mut() {
            *t &= !wild;
        }
        Fdr {
            table,
            bucket_len,
            maxlen: lits.last().map_or(0, |l| l.len()),
        }
    }

    /// Flagged positions, ascending, as (one past the byte where some keyword may end, the
    /// longest keyword that may end there): every real keyword end and some more.
    #[allow(unsafe_code)] // calls the AVX2 path once the CPU is known to have AVX2
    fn ends(&self, data: &[u8], out: &mut Vec<(usize, usize)>) {
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2.
            let (base, carry) = unsafe { self.ends_avx2(data, out) };
            return self.ends_from(data, base, carry, out);
        }
        self.ends_from(data, 0, 0, out)
    }

    /// Record the flagged endings in `word` (the state for the 8 endings from `base`), up to
    /// `limit` of them.
    fn flag(&self, base: usize, word: u64, limit: usize, out: &mut Vec<(usize, usize)>) {
        let mut m = !word;
        while m != 0 {
            let p = m.trailing_zeros() as usize / 8;
            if p < limit {
                let mut buckets = (m >> (8 * p)) as u8;
                let mut span = 0;
                while buckets != 0 {
                    span = span.max(self.bucket_len[buckets.trailing_zeros() as usize]);
                    buckets &= buckets - 1;
                }
                out.push((base + p + 1, span));
            }
            m &= !(0xffu64 << (8 * p));
        }
    }

    /// The scan from `base` (a multiple of 8) on, with the state `carry` for the endings
    /// from `base`.
    fn ends_from(
        &self,
        data: &[u8],
        mut base: usize,
        mut carry: u64,
        out: &mut Vec<(usize, usize)>,
    ) {
        let t: &[u64; 1 << HASH_BITS] = (&self.table[..]).try_into().expect("table size");
        // Triples at base, +2, +4, +6 of the 12 bytes `a` (bytes 0..8) and `b` (4..12).
        let block = |a: u64, b: u64, carry: &mut u64| -> u64 {
            let (a, b) = (a | FOLD, b | FOLD);
            let e = [
                t[slot(a as u32)],
                t[slot((a >> 16) as u32)],
                t[slot((a >> 32) as u32)],
                t[slot((b >> 16) as u32)],
            ];
            let mut lo = *carry | e[0];
            let mut hi = 0u64;
            for (k, &e) in e.iter().enumerate().skip(1) {
                // Triple k starts at base + 2k; its byte j speaks for the ending there + j.
                lo |= e << (16 * k);
                hi |= e >> (64 - 16 * k);
            }
            *carry = hi;
            lo
        };
        let word = |s: &[u8]| u64::from_le_bytes(s.try_into().expect("8 bytes"));
        while base + 12 <= data.len() {
            let lo = block(
                word(&data[base..base + 8]),
                word(&data[base + 4..base + 12]),
                &mut carry,
            );
            if lo != u64::MAX {
                self.flag(base, lo, 8, out);
            }
            base += 8;
        }
        // The last bytes, padded: triples reaching past the end only speak for endings
        // there as bytes after the keyword (which match anything).
        while base < data.len() {
            let mut pad = [0u8; 12];
            let rest = &data[base..data.len().min(base + 12)];
            pad[..rest.len()].copy_from_slice(rest);
            let lo = block(word(&pad[..8]), word(&pad[4..]), &mut carry);
            self.flag(base, lo, (data.len() - base).min(8), out);
            base += 8;
        }
    }

    /// The same scan, 32 bytes a step: the 16 triple hashes are computed in two AVX2
    /// vectors (the scalar hashing was half the work); the table reads stay scalar (AVX2
    /// gathers measured slower). Returns where it stopped and the state there.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    #[allow(unsafe_code)] // `target_feature` functions are unsafe to call; SIMD intrinsics
    unsafe fn ends_avx2(&self, data: &[u8], out: &mut Vec<(usize, usize)>) -> (usize, u64) {
        use std::arch::x86_64::*;
        let t: &[u64; 1 << HASH_BITS] = (&self.table[..]).try_into().expect("table size");
        let fold = _mm256_set1_epi32(FOLD as i32);
        let keep = _mm256_set1_epi32(TRIPLE as i32);
        let mul = _mm256_set1_epi32(0x9E37_79B1u32 as i32);
        let hash = |v: __m256i| {
            let h = _mm256_mullo_epi32(_mm256_and_si256(_mm256_or_si256(v, fold), keep), mul);
            _mm256_srli_epi32::<{ 32 - HASH_BITS as i32 }>(h)
        };
        let (mut sa, mut sb) = ([0u64; 4], [0u64; 4]);
        let mut carry = 0u64;
        let mut base = 0;
        // Triples start at even offsets up to 30 and read 34 bytes.
        while base + 34 <= data.len() {
            // SAFETY: base + 34 <= data.len(): both 32-byte loads are in bounds.
            let p = data.as_ptr().add(base);
            let a = _mm256_loadu_si256(p as *const __m256i);
            let b = _mm256_loadu_si256(p.add(2) as *const __m256i);
            // Stored and read back as pairs: cheaper than extracting lanes one by one.
            _mm256_storeu_si256(sa.as_mut_ptr() as *mut __m256i, hash(a));
            _mm256_storeu_si256(sb.as_mut_ptr() as *mut __m256i, hash(b));
            let e = |x: u64| t[x as usize & (t.len() - 1)];
            // Pair i of `a` holds the triples at 8i and 8i + 4, of `b` those at 8i + 2 and
            // 8i + 6; a triple at s speaks for the endings s..s+8: state words s/8 and the
            // next one.
            let mut w = carry;
            let mut ws = [0u64; 4];
            for i in 0..4 {
                let (a0, a1, b0, b1) = (e(sa[i]), e(sa[i] >> 32), e(sb[i]), e(sb[i] >> 32));
                ws[i] = w | a0 | a1 << 32 | b0 << 16 | b1 << 48;
                w = a1 >> 32 | b0 >> 48 | b1 >> 16;
            }
            for (q, &word) in ws.iter().enumerate() {
                if word != u64::MAX {
                    self.flag(base + 8 * q, word, 8, out);
                }
            }
            carry = w;
            base += 32;
        }
        (base, carry)
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
    fn filtered_search_finds_exactly_what_one_search_finds() {
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
        // Pseudo-random runs of keywords, their fragments and filler, so keywords occur
        // often, overlap, and cross block edges, with sizes below and above SMALL.
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
        for size in [0, 1, 7, 100, SMALL - 1, SMALL, SMALL + 3, 10_007, 65_536] {
            let data = text(parts, size, 0x2545_F491_4F6C_DD1D ^ size as u64);
            let hits = check(&kw, &data);
            if size > 1000 {
                assert!(hits > 10, "the test text must contain keywords");
            }
        }
    }

    #[test]
    fn keyword_at_buffer_edges_and_block_cuts() {
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

    /// Pseudo-random text built from `parts`, `size` bytes.
    fn text(parts: &[&[u8]], size: usize, seed: u64) -> Vec<u8> {
        let mut x = seed;
        let mut data = Vec::new();
        while data.len() < size {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            data.extend_from_slice(parts[(x % parts.len() as u64) as usize]);
        }
        data.truncate(size);
        data
    }

    fn check(kw: &[String], data: &[u8]) -> usize {
        let k = Keywords::new(kw);
        let mut got = Vec::new();
        k.for_each_hit(data, |m| {
            got.push((m.start(), m.end(), m.pattern().as_usize()))
        });
        assert_eq!(got, reference(kw, data));
        got.len()
    }

    #[test]
    fn keywords_of_every_length_and_case() {
        // Lengths 1 to 45 (more distinct short lengths than buckets), mixed case in the
        // text, non-ASCII and punctuation bytes that the filter's folding merges.
        let kw: Vec<String> = (1..=45)
            .map(|n| {
                (0..n)
                    .map(|i| (b"q~_-.:/zK9x"[(i * 7 + n) % 11] as char).to_ascii_lowercase())
                    .collect()
            })
            .collect();
        let upper: Vec<String> = kw.iter().map(|k| k.to_ascii_uppercase()).collect();
        let mut parts: Vec<&[u8]> = kw.iter().map(|k| k.as_bytes()).collect();
        parts.extend(upper.iter().map(|k| k.as_bytes()));
        parts.extend([&b"\xff\x7f^"[..], b"Q^", b" ", b"\n", b"plain words "]);
        let data = text(&parts, 200_000, 0x1234_5678_9abc_def1);
        assert!(check(&kw, &data) > 1000);
        // The same keywords sparse in ordinary text: flags are verified one by one.
        let filler = b"plain words of ordinary prose, long enough to thin the keywords out. ";
        let mut sparse = parts.clone();
        sparse.extend(std::iter::repeat_n(&filler[..], parts.len() * 20));
        let data = text(&sparse, 200_000, 0x0fed_cba9_8765_4321);
        let mut ends = Vec::new();
        Fdr::new(&Keywords::new(&kw).keywords).ends(&data, &mut ends);
        assert!(ends.len() < data.len() / DENSE, "{} flags", ends.len());
        assert!(check(&kw, &data) > 100);
    }

    #[test]
    fn keyword_sets_beyond_the_verifier_still_match_exactly() {
        // More distinct keyword bytes than the compact DFA has classes: no verification
        // step, the exact search runs around every flag.
        let pool: Vec<char> = (0x21u8..0x7f)
            .filter(|b| !b.is_ascii_uppercase())
            .map(char::from)
            .collect();
        let kw: Vec<String> = (0..pool.len())
            .map(|i| format!("{}{}", pool[i], pool[(i * 7 + 3) % pool.len()]))
            .collect();
        let parts: Vec<&[u8]> = kw
            .iter()
            .map(|k| k.as_bytes())
            .chain([&b"filler "[..], b"!", b"x"])
            .collect();
        let data = text(&parts, 50_000, 0x0bad_5eed_0bad_5eed);
        assert!(check(&kw, &data) > 100);
        let k = Keywords::new(&kw);
        k.for_each_hit(&data, |_| {});
        assert!(k
            .filter
            .get()
            .and_then(|f| f.as_ref())
            .is_some_and(|f| f.verify.is_none()));
    }

    #[test]
    fn filter_flags_the_same_with_and_without_simd() {
        let kw: Vec<String> = [
            "password",
            "ghp_",
            "q~",
            "hf_",
            "-----begin rsa private key-----",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let f = Fdr::new(&kw);
        let data = text(
            &[
                b"PASSWORD",
                b"ghp_",
                b"Q~",
                b"hf_",
                b"-----BEGIN RSA ",
                b"text ",
                b"\n",
            ],
            100_003,
            7,
        );
        let (mut fast, mut plain) = (Vec::new(), Vec::new());
        f.ends(&data, &mut fast);
        f.ends_from(&data, 0, 0, &mut plain);
        assert_eq!(fast, plain);
        assert!(plain.len() > 1000);
    }
}
