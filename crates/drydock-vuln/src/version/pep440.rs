//! PEP 440 version ordering (Python packaging's `Version`): epoch, release, pre, post, dev,
//! local — with the spelling normalisations of the specification.
use std::cmp::Ordering;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pep440 {
    epoch: u64,
    release: Vec<u64>,
    pre: Option<(u8, u64)>,
    post: Option<u64>,
    dev: Option<u64>,
    local: Vec<LocalPart>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum LocalPart {
    Num(u64),
    Str(String),
}

impl Ord for LocalPart {
    fn cmp(&self, o: &Self) -> Ordering {
        match (self, o) {
            (LocalPart::Num(a), LocalPart::Num(b)) => a.cmp(b),
            (LocalPart::Num(_), LocalPart::Str(_)) => Ordering::Greater,
            (LocalPart::Str(_), LocalPart::Num(_)) => Ordering::Less,
            (LocalPart::Str(a), LocalPart::Str(b)) => a.cmp(b),
        }
    }
}
impl PartialOrd for LocalPart {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

struct P<'a> {
    s: &'a [u8],
    i: usize,
}

impl P<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn num(&mut self) -> Option<u64> {
        let st = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        if st == self.i {
            return None;
        }
        std::str::from_utf8(&self.s[st..self.i])
            .ok()?
            .parse()
            .ok()
            .or(Some(u64::MAX))
    }
    fn sep(&mut self) -> bool {
        if matches!(self.peek(), Some(b'.' | b'-' | b'_')) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn word(&mut self, words: &[&str]) -> Option<usize> {
        let rest = &self.s[self.i..];
        // Longest first so `preview` wins over `pre`.
        let mut best: Option<(usize, usize)> = None;
        for (k, w) in words.iter().enumerate() {
            if rest.starts_with(w.as_bytes()) && best.is_none_or(|(_, l)| w.len() > l) {
                best = Some((k, w.len()));
            }
        }
        let (k, l) = best?;
        self.i += l;
        Some(k)
    }
}

impl Pep440 {
    /// Parse a version; `None` if it is not valid PEP 440.
    pub fn parse(v: &str) -> Option<Pep440> {
        let lower = v.trim().to_ascii_lowercase();
        let mut p = P {
            s: lower.as_bytes(),
            i: 0,
        };
        if p.peek() == Some(b'v') {
            p.i += 1;
        }
        let mut first = p.num()?;
        let mut epoch = 0;
        if p.peek() == Some(b'!') {
            p.i += 1;
            epoch = first;
            first = p.num()?;
        }
        let mut release = vec![first];
        while p.peek() == Some(b'.') && p.s.get(p.i + 1).is_some_and(|c| c.is_ascii_digit()) {
            p.i += 1;
            release.push(p.num()?);
        }
        let mut pre = None;
        let save = p.i;
        p.sep();
        let pre_words = ["a", "alpha", "b", "beta", "c", "rc", "pre", "preview"];
        if let Some(k) = p.word(&pre_words) {
            let kind = match k {
                0 | 1 => 0,
                2 | 3 => 1,
                _ => 2,
            };
            p.sep();
            pre = Some((kind, p.num().unwrap_or(0)));
        } else {
            p.i = save;
        }
        let mut post = None;
        let save = p.i;
        if p.peek() == Some(b'-') && p.s.get(p.i + 1).is_some_and(|c| c.is_ascii_digit()) {
            p.i += 1;
            post = p.num();
        } else {
            p.sep();
            if p.word(&["post", "rev", "r"]).is_some() {
                p.sep();
                post = Some(p.num().unwrap_or(0));
            } else {
                p.i = save;
            }
        }
        let mut dev = None;
        let save = p.i;
        p.sep();
        if p.word(&["dev"]).is_some() {
            p.sep();
            dev = Some(p.num().unwrap_or(0));
        } else {
            p.i = save;
        }
        let mut local = Vec::new();
        if p.peek() == Some(b'+') {
            let rest = std::str::from_utf8(&p.s[p.i + 1..]).ok()?;
            for part in rest.split(['.', '-', '_']) {
                if part.is_empty() || !part.bytes().all(|c| c.is_ascii_alphanumeric()) {
                    return None;
                }
                local.push(match part.parse() {
                    Ok(n) if part.bytes().all(|c| c.is_ascii_digit()) => LocalPart::Num(n),
                    _ => LocalPart::Str(part.to_string()),
                });
            }
            p.i = p.s.len();
        }
        if p.i != p.s.len() {
            return None;
        }
        Some(Pep440 {
            epoch,
            release,
            pre,
            post,
            dev,
            local,
        })
    }
}

impl Ord for Pep440 {
    fn cmp(&self, o: &Self) -> Ordering {
        fn rel(r: &[u64]) -> &[u64] {
            let mut n = r.len();
            while n > 0 && r[n - 1] == 0 {
                n -= 1;
            }
            &r[..n]
        }
        // packaging's _cmpkey: a dev release without pre/post sorts before any pre-release.
        fn pre_key(v: &Pep440) -> (i8, u8, u64) {
            match (v.pre, v.post, v.dev) {
                (None, None, Some(_)) => (-1, 0, 0),
                (None, _, _) => (1, 0, 0),
                (Some((k, n)), _, _) => (0, k, n),
            }
        }
        let post = |v: &Pep440| v.post.map_or((0, 0), |n| (1, n));
        let dev = |v: &Pep440| v.dev.map_or((1, 0), |n| (0, n));
        self.epoch
            .cmp(&o.epoch)
            .then_with(|| rel(&self.release).cmp(rel(&o.release)))
            .then_with(|| pre_key(self).cmp(&pre_key(o)))
            .then_with(|| post(self).cmp(&post(o)))
            .then_with(|| dev(self).cmp(&dev(o)))
            .then_with(|| self.local.cmp(&o.local))
    }
}
impl PartialOrd for Pep440 {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// Compare two Python versions; invalid ones fall back to the generic ordering.
pub fn compare(a: &str, b: &str) -> Ordering {
    match (Pep440::parse(a), Pep440::parse(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => super::generic::compare(a, b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pep440_documented_order() {
        // The ordering example of PEP 440 ("Summary of permitted suffixes and relative ordering").
        let ordered = [
            "1.dev0",
            "1.0.dev456",
            "1.0a1",
            "1.0a2.dev456",
            "1.0a12.dev456",
            "1.0a12",
            "1.0b1.dev456",
            "1.0b2",
            "1.0b2.post345.dev456",
            "1.0b2.post345",
            "1.0rc1.dev456",
            "1.0rc1",
            "1.0",
            "1.0+abc.5",
            "1.0+abc.7",
            "1.0+5",
            "1.0.post456.dev34",
            "1.0.post456",
            "1.0.15",
            "1.1.dev1",
        ];
        for w in ordered.windows(2) {
            assert_eq!(compare(w[0], w[1]), Ordering::Less, "{} < {}", w[0], w[1]);
            assert_eq!(compare(w[1], w[0]), Ordering::Greater);
        }
        for (a, b) in [
            ("1.0", "1.0.0"),
            ("1.0a1", "1.0alpha1"),
            ("1.0rc1", "1.0c1"),
            ("1.0-1", "1.0.post1"),
            ("1.0.post", "1.0.post0"),
            ("v1.0", "1.0"),
            ("1!0", "1!0.0"),
            ("1.0_pre_2", "1.0rc2"),
            ("1.0-dev", "1.0.dev0"),
        ] {
            assert_eq!(compare(a, b), Ordering::Equal, "{a} == {b}");
        }
        assert!(compare("1!0.1", "2.0").is_gt());
        assert!(Pep440::parse("1.0+").is_none());
        assert!(Pep440::parse("not a version").is_none());
    }
}
