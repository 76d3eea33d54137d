//! Debian version ordering (deb-version(7), dpkg's `verrevcmp`): `[epoch:]upstream[-revision]`.
use std::cmp::Ordering;

/// dpkg's character weight: `~` sorts before everything (even the end), letters before
/// other symbols, the end of a part counts as 0.
fn order(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => c as i32,
        Some(b'~') => -1,
        Some(c) => c as i32 + 256,
    }
}

/// Port of dpkg's `verrevcmp` (lib/dpkg/version.c).
pub fn verrevcmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0usize, 0usize);
    let at = |k: usize| a.get(k).copied();
    let bt = |k: usize| b.get(k).copied();
    while i < a.len() || j < b.len() {
        let mut first_diff: i32 = 0;
        while at(i).is_some_and(|c| !c.is_ascii_digit())
            || bt(j).is_some_and(|c| !c.is_ascii_digit())
        {
            let (ac, bc) = (order(at(i)), order(bt(j)));
            if ac != bc {
                return ac.cmp(&bc);
            }
            i += 1;
            j += 1;
        }
        while at(i) == Some(b'0') {
            i += 1;
        }
        while bt(j) == Some(b'0') {
            j += 1;
        }
        while at(i).is_some_and(|c| c.is_ascii_digit()) && bt(j).is_some_and(|c| c.is_ascii_digit())
        {
            if first_diff == 0 {
                first_diff = a[i] as i32 - b[j] as i32;
            }
            i += 1;
            j += 1;
        }
        if at(i).is_some_and(|c| c.is_ascii_digit()) {
            return Ordering::Greater;
        }
        if bt(j).is_some_and(|c| c.is_ascii_digit()) {
            return Ordering::Less;
        }
        if first_diff != 0 {
            return first_diff.cmp(&0);
        }
    }
    Ordering::Equal
}

/// Split `[epoch:]upstream[-revision]`; a missing epoch is 0, a missing revision is empty
/// (which dpkg orders like `0`).
pub fn split(v: &str) -> (u64, &str, &str) {
    let v = v.trim();
    let (epoch, rest) = match v.split_once(':') {
        Some((e, r)) if !e.is_empty() && e.bytes().all(|c| c.is_ascii_digit()) => {
            (e.parse().unwrap_or(u64::MAX), r)
        }
        _ => (0, v),
    };
    match rest.rfind('-') {
        Some(p) => (epoch, &rest[..p], &rest[p + 1..]),
        None => (epoch, rest, ""),
    }
}

/// Compare two Debian versions like `dpkg --compare-versions`.
pub fn compare(a: &str, b: &str) -> Ordering {
    let (ea, ua, ra) = split(a);
    let (eb, ub, rb) = split(b);
    ea.cmp(&eb)
        .then_with(|| verrevcmp(ua, ub))
        .then_with(|| verrevcmp(ra, rb))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    #[test]
    fn policy_examples() {
        for (a, b, o) in [
            ("1.0~rc1", "1.0", Less),
            ("1.0", "1.0+b1", Less),
            ("1:0.1", "2.0", Greater),
            ("2.36-9+deb12u3", "2.36-9+deb12u4", Less),
            ("2.36-9+deb12u10", "2.36-9+deb12u4", Greater),
            ("1.0-1", "1.0-1~bpo1", Greater),
            ("1.0", "1.0-0", Equal),
            ("001", "1", Equal),
            ("1.0a", "1.0+", Less),
            ("~~", "~~a", Less),
            ("~", "", Less),
            ("0:1.2", "1.2", Equal),
        ] {
            assert_eq!(compare(a, b), o, "{a} vs {b}");
            assert_eq!(compare(b, a), o.reverse(), "{b} vs {a}");
        }
    }
}
