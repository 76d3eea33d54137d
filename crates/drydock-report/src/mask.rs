//! Masking of known secrets in text the reports quote (source snippets, history
//! `created_by`): a secret is known only through its evidence (length, sha256 prefix,
//! redacted value); any substring of that length whose sha256 matches is replaced by the
//! redacted value. Nothing is ever un-redacted: without evidence there is nothing to mask.

use drydock_core::{Evidence, Finding};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::ops::Range;

struct Item {
    len: usize,
    sha: String,
    redacted: String,
    /// The visible start of the redacted value (`ghp_R3` of `ghp_R3…[…]`): a cheap pre-filter.
    prefix: String,
}

#[derive(Default)]
pub struct Masker {
    items: Vec<Item>,
}

/// A masked text and where each original byte offset went.
pub struct Masked {
    pub text: String,
    /// (original range, new range) of each replacement, in order.
    repl: Vec<(Range<usize>, Range<usize>)>,
    /// Evidence sha256 prefixes found.
    pub found: Vec<String>,
}

impl Masked {
    /// Map an original offset into the masked text; offsets inside a secret snap to the edge
    /// of its replacement (`end` selects which edge).
    pub fn map(&self, p: usize, end: bool) -> usize {
        let mut shift: isize = 0;
        for (old, new) in &self.repl {
            if p >= old.end {
                shift = new.end as isize - old.end as isize;
            } else if p > old.start {
                return if end { new.end } else { new.start };
            } else {
                break;
            }
        }
        (p as isize + shift) as usize
    }
}

fn item(e: &Evidence) -> Option<Item> {
    if e.length == 0 || e.sha256.len() < 8 {
        return None;
    }
    let prefix = match e.value.split_once('…') {
        Some((p, rest)) if rest.starts_with('[') => p.to_string(),
        _ => String::new(),
    };
    Some(Item {
        len: e.length,
        sha: e.sha256.to_ascii_lowercase(),
        redacted: e.value.clone(),
        prefix,
    })
}

impl Masker {
    pub fn new<'f>(findings: impl IntoIterator<Item = &'f Finding>) -> Self {
        let mut items: Vec<Item> = findings
            .into_iter()
            .filter_map(|f| f.evidence.as_ref().and_then(item))
            .collect();
        items.sort_by(|a, b| a.sha.cmp(&b.sha));
        items.dedup_by(|a, b| a.sha == b.sha);
        Masker { items }
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn mask(&self, text: &str) -> Masked {
        let mut hits: Vec<(Range<usize>, usize)> = Vec::new();
        if !self.items.is_empty() {
            let starts: Vec<usize> = text
                .char_indices()
                .map(|(i, _)| i)
                .chain([text.len()])
                .collect();
            // Byte offset -> char index, for the prefix occurrences found by byte search.
            let char_at = |byte: usize| starts.binary_search(&byte).ok();
            let hash = |a: usize, b: usize| hex::encode(Sha256::digest(&text.as_bytes()[a..b]));
            // Secrets whose redacted value shows a prefix: only where that prefix occurs.
            // The others (short secrets): one hash per position and distinct length.
            let mut bare: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
            for (n, it) in self.items.iter().enumerate() {
                if it.prefix.is_empty() {
                    bare.entry(it.len).or_default().push(n);
                    continue;
                }
                // Overlapping occurrences count too (`AAAA` inside `AAAAA…`).
                let mut from = 0;
                while let Some(i) = text[from..].find(it.prefix.as_str()) {
                    let a = from + i;
                    let Some(k) = char_at(a) else { break };
                    let Some(&b) = starts.get(k + it.len) else {
                        break;
                    };
                    if hash(a, b).starts_with(&it.sha) {
                        hits.push((a..b, n));
                    }
                    from = starts[k + 1];
                }
            }
            for (len, group) in bare {
                for k in 0..starts.len().saturating_sub(len) {
                    let (a, b) = (starts[k], starts[k + len]);
                    let h = hash(a, b);
                    if let Some(&n) = group.iter().find(|&&n| h.starts_with(&self.items[n].sha)) {
                        hits.push((a..b, n));
                    }
                }
            }
        }
        hits.sort_by_key(|(r, _)| (r.start, usize::MAX - r.end));
        let mut out = String::with_capacity(text.len());
        let mut repl = Vec::new();
        let mut found = Vec::new();
        let mut pos = 0;
        for (r, n) in hits {
            if r.start < pos {
                continue; // overlaps a secret already replaced
            }
            out.push_str(&text[pos..r.start]);
            let start = out.len();
            out.push_str(&self.items[n].redacted);
            repl.push((r.clone(), start..out.len()));
            found.push(self.items[n].sha.clone());
            pos = r.end;
        }
        out.push_str(&text[pos..]);
        Masked {
            text: out,
            repl,
            found,
        }
    }

    pub fn mask_str(&self, text: &str) -> String {
        if self.items.is_empty() {
            return text.to_string();
        }
        self.mask(text).text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use drydock_core::{redact, Category, Location, Redaction, Severity};

    fn f(secret: &str) -> Finding {
        Finding::new(
            "X",
            Severity::High,
            Category::Secret,
            "m",
            Location::Config {
                image: "i".into(),
                field: "Env".into(),
            },
        )
        .with_evidence(redact(secret.as_bytes(), Redaction::Redact))
    }

    #[test]
    fn masks_all_known_secrets_and_maps_offsets() {
        let a = "ghp_0123456789abcdefghijklmnopqrstuvwxyz";
        let b = "hunter2";
        let m = Masker::new(&[f(a), f(b)]);
        let text = format!("x={a} y={b} z={a}!");
        let out = m.mask(&text);
        assert!(!out.text.contains(a) && !out.text.contains(b));
        assert_eq!(out.text.matches("ghp_01…[40 chars").count(), 2);
        assert!(out.text.ends_with('!'));
        // Offsets: start of text stays, end of text maps to end of masked text.
        assert_eq!(out.map(0, false), 0);
        assert_eq!(out.map(text.len(), true), out.text.len());
        // An offset inside the first secret snaps to its replacement's edges.
        assert_eq!(out.map(5, false), 2);
        assert_eq!(out.found.len(), 3);
    }

    #[test]
    fn overlapping_prefix_occurrences_are_checked() {
        let secret = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB";
        let m = Masker::new(&[f(secret)]);
        let out = m.mask(&format!("xAAA{secret}y"));
        assert!(!out.text.contains(secret), "{}", out.text);
        assert!(out.text.starts_with("xAAAAAAAAA…["));
    }

    #[test]
    fn without_evidence_nothing_changes() {
        let m = Masker::new(&[]);
        assert!(m.is_empty());
        assert_eq!(m.mask_str("token=abc"), "token=abc");
    }
}
