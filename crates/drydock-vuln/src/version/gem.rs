//! RubyGems ordering (`Gem::Version#<=>`): segments are digit runs or letter runs, a
//! letter makes the version a pre-release, trailing zero segments are dropped.
use std::cmp::Ordering;

#[derive(Debug, PartialEq, Eq)]
enum Seg {
    Num(String),
    Str(String),
}

fn segments(v: &str) -> Vec<Seg> {
    // Gem::Version turns `-` into `.pre.`.
    let v = v.trim().replace('-', ".pre.");
    let mut out = Vec::new();
    let b = v.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let st = i;
        if b[i].is_ascii_digit() {
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            let t = v[st..i].trim_start_matches('0');
            out.push(Seg::Num(if t.is_empty() { "0".into() } else { t.into() }));
        } else if b[i].is_ascii_alphabetic() {
            while i < b.len() && b[i].is_ascii_alphabetic() {
                i += 1;
            }
            out.push(Seg::Str(v[st..i].to_string()));
        } else {
            i += 1;
        }
    }
    // canonical_segments: drop trailing zeros of the numeric part and of the string part.
    let split = out
        .iter()
        .position(|s| matches!(s, Seg::Str(_)))
        .unwrap_or(out.len());
    let mut tail = out.split_off(split);
    let trim = |v: &mut Vec<Seg>| {
        while matches!(v.last(), Some(Seg::Num(n)) if n == "0") {
            v.pop();
        }
    };
    trim(&mut out);
    trim(&mut tail);
    out.extend(tail);
    out
}

pub fn compare(a: &str, b: &str) -> Ordering {
    let (x, y) = (segments(a), segments(b));
    let zero = Seg::Num("0".into());
    for k in 0..x.len().max(y.len()) {
        let l = x.get(k).unwrap_or(&zero);
        let r = y.get(k).unwrap_or(&zero);
        let o = match (l, r) {
            (Seg::Num(p), Seg::Num(q)) => p.len().cmp(&q.len()).then_with(|| p.cmp(q)),
            (Seg::Str(_), Seg::Num(_)) => Ordering::Less,
            (Seg::Num(_), Seg::Str(_)) => Ordering::Greater,
            (Seg::Str(p), Seg::Str(q)) => p.cmp(q),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rubygems_rules() {
        // From RubyGems' test_gem_version.rb (test_spaceship / test_prerelease ordering).
        for (a, b, o) in [
            ("1.0", "1.0.a", Ordering::Greater),
            ("1.8.2", "0.0.0", Ordering::Greater),
            ("1.8.2", "1.8.2.a", Ordering::Greater),
            ("1.8.2.b", "1.8.2.a", Ordering::Greater),
            ("1.8.2.a10", "1.8.2.a9", Ordering::Greater),
            ("", "0", Ordering::Equal),
            ("0.beta.1", "0.0.beta.1", Ordering::Equal),
            ("0.0.beta", "0.0.beta.1", Ordering::Less),
            ("0.0.beta", "0.beta.1", Ordering::Less),
            ("5.a", "5.0.0.rc2", Ordering::Less),
            ("5.x", "5.0.0.rc2", Ordering::Greater),
            ("1.0.0-rc1", "1.0.0.pre.rc1", Ordering::Equal),
            ("1.9.3", "1.9.3.0", Ordering::Equal),
            ("1.10", "1.9", Ordering::Greater),
        ] {
            assert_eq!(compare(a, b), o, "{a} vs {b}");
            assert_eq!(compare(b, a), o.reverse(), "{b} vs {a}");
        }
    }
}
