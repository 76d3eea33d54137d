//! SemVer 2.0 precedence with the lax parsing that npm, Cargo, NuGet and Go versions need:
//! an optional `v`/`=` prefix, missing minor/patch (taken as 0), more than three numeric
//! components (NuGet's fourth), build metadata ignored.
use std::cmp::Ordering;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SemVer<'a> {
    /// Numeric components without leading zeros, compared by length then digits (no overflow).
    pub release: Vec<&'a str>,
    pub pre: Vec<&'a str>,
}

fn num_cmp(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

fn strip0(s: &str) -> &str {
    let t = s.trim_start_matches('0');
    if t.is_empty() && !s.is_empty() {
        "0"
    } else {
        t
    }
}

impl<'a> SemVer<'a> {
    pub fn parse(v: &'a str) -> Option<SemVer<'a>> {
        let v = v.trim();
        let v = v.strip_prefix('=').unwrap_or(v);
        let v = v.strip_prefix(['v', 'V']).unwrap_or(v);
        let core_pre = v.split_once('+').map_or(v, |(c, _)| c);
        let (core, pre) = match core_pre.split_once('-') {
            Some((c, p)) => (c, Some(p)),
            None => (core_pre, None),
        };
        let mut release = Vec::new();
        for part in core.split('.') {
            if part.is_empty() || !part.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            release.push(strip0(part));
        }
        let pre = match pre {
            Some(p) => {
                let ids: Vec<&str> = p.split('.').collect();
                if ids.iter().any(|i| i.is_empty()) {
                    return None;
                }
                ids
            }
            None => Vec::new(),
        };
        Some(SemVer { release, pre })
    }
}

fn ident_cmp(a: &str, b: &str) -> Ordering {
    let an = a.bytes().all(|c| c.is_ascii_digit());
    let bn = b.bytes().all(|c| c.is_ascii_digit());
    match (an, bn) {
        (true, true) => num_cmp(strip0(a), strip0(b)),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => a.cmp(b),
    }
}

impl Ord for SemVer<'_> {
    fn cmp(&self, o: &Self) -> Ordering {
        let n = self.release.len().max(o.release.len());
        for k in 0..n {
            let a = self.release.get(k).copied().unwrap_or("0");
            let b = o.release.get(k).copied().unwrap_or("0");
            match num_cmp(a, b) {
                Ordering::Equal => {}
                x => return x,
            }
        }
        match (self.pre.is_empty(), o.pre.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => {
                for (a, b) in self.pre.iter().zip(&o.pre) {
                    match ident_cmp(a, b) {
                        Ordering::Equal => {}
                        x => return x,
                    }
                }
                self.pre.len().cmp(&o.pre.len())
            }
        }
    }
}
impl PartialOrd for SemVer<'_> {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// Compare two SemVer(-ish) versions; unparsable ones fall back to the generic ordering.
pub fn compare(a: &str, b: &str) -> Ordering {
    match (SemVer::parse(a), SemVer::parse(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => super::generic::compare(a, b),
    }
}

/// NuGet: SemVer with case-insensitive pre-release labels.
pub fn compare_nuget(a: &str, b: &str) -> Ordering {
    compare(&a.to_ascii_lowercase(), &b.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semver_spec_precedence() {
        // The example chain from semver.org §11.
        let chain = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "2.0.0",
            "2.1.0",
            "2.1.1",
        ];
        for w in chain.windows(2) {
            assert_eq!(compare(w[0], w[1]), Ordering::Less, "{} < {}", w[0], w[1]);
            assert_eq!(compare(w[1], w[0]), Ordering::Greater);
        }
        assert_eq!(compare("1.0.0+build.5", "1.0.0"), Ordering::Equal);
        assert_eq!(compare("v1.2", "1.2.0"), Ordering::Equal);
        assert_eq!(compare("1.2.3.4", "1.2.3"), Ordering::Greater);
        assert_eq!(
            compare("18446744073709551616.0.0", "18446744073709551615.0.0"),
            Ordering::Greater
        );
        assert_eq!(compare_nuget("1.0.0-RC1", "1.0.0-rc1"), Ordering::Equal);
    }
}
