//! Alpine (apk-tools) version ordering: `{digit}{.digit}…{letter}{_suffix{#}}…{-r#}`.
//! A port of apk-tools' version.c tokenizer and comparison.
use std::cmp::Ordering;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Tok {
    Invalid = -1,
    DigitOrZero,
    Digit,
    Letter,
    Suffix,
    SuffixNo,
    RevisionNo,
    End,
}

struct Cur<'a> {
    s: &'a [u8],
}

const PRE: [&str; 4] = ["alpha", "beta", "pre", "rc"];
const POST: [&str; 5] = ["cvs", "svn", "git", "hg", "p"];

fn next_token(t: &mut Tok, c: &mut Cur) {
    let mut n = Tok::Invalid;
    let first = c.s.first().copied().unwrap_or(0);
    if c.s.is_empty() || first == 0 {
        n = Tok::End;
    } else if matches!(*t, Tok::Digit | Tok::DigitOrZero) && first.is_ascii_lowercase() {
        n = Tok::Letter;
    } else if *t == Tok::Letter && first.is_ascii_digit() {
        n = Tok::Digit;
    } else if *t == Tok::Suffix && first.is_ascii_digit() {
        n = Tok::SuffixNo;
    } else {
        match first {
            b'.' => n = Tok::DigitOrZero,
            b'_' => n = Tok::Suffix,
            b'-' if c.s.len() > 1 && c.s[1] == b'r' => {
                n = Tok::RevisionNo;
                c.s = &c.s[1..];
            }
            _ => {}
        }
        c.s = &c.s[1..];
    }
    if n < *t
        && !((n == Tok::DigitOrZero && *t == Tok::Digit)
            || (n == Tok::Suffix && *t == Tok::SuffixNo)
            || (n == Tok::Digit && *t == Tok::Letter))
    {
        n = Tok::Invalid;
    }
    *t = n;
}

fn get_token(t: &mut Tok, c: &mut Cur) -> i64 {
    if c.s.is_empty() {
        *t = Tok::End;
        return 0;
    }
    let mut v: i64 = 0;
    let mut i = 0usize;
    let mut nt = Tok::Invalid;
    let digits = |c: &Cur, i: &mut usize, v: &mut i64| {
        while *i < c.s.len() && c.s[*i].is_ascii_digit() {
            *v = v.saturating_mul(10).saturating_add((c.s[*i] - b'0') as i64);
            *i += 1;
        }
    };
    match *t {
        Tok::DigitOrZero if c.s[0] == b'0' => {
            // Leading zeros: a component like `.01` sorts as a decimal fraction.
            while i < c.s.len() && c.s[i] == b'0' {
                i += 1;
            }
            nt = Tok::Digit;
            v = -(i as i64);
        }
        Tok::DigitOrZero | Tok::Digit | Tok::SuffixNo | Tok::RevisionNo => {
            digits(c, &mut i, &mut v)
        }
        Tok::Letter => {
            v = c.s[0] as i64;
            i = 1;
        }
        Tok::Suffix => {
            if let Some(k) = PRE.iter().position(|p| c.s.starts_with(p.as_bytes())) {
                i = PRE[k].len();
                v = k as i64 - PRE.len() as i64;
            } else if let Some(k) = POST.iter().position(|p| c.s.starts_with(p.as_bytes())) {
                i = POST[k].len();
                v = k as i64;
            } else {
                *t = Tok::Invalid;
                return -1;
            }
        }
        _ => {
            *t = Tok::Invalid;
            return -1;
        }
    }
    c.s = &c.s[i..];
    if c.s.is_empty() {
        *t = Tok::End;
    } else if nt != Tok::Invalid {
        *t = nt;
    } else {
        next_token(t, c);
    }
    v
}

/// True when apk itself would accept the version string.
pub fn is_valid(v: &str) -> bool {
    let mut t = Tok::Digit;
    let mut c = Cur { s: v.as_bytes() };
    while t != Tok::End && t != Tok::Invalid {
        get_token(&mut t, &mut c);
    }
    t == Tok::End
}

/// Compare two apk versions like `apk version -t`.
pub fn compare(a: &str, b: &str) -> Ordering {
    let (mut at, mut bt) = (Tok::Digit, Tok::Digit);
    let (mut av, mut bv) = (0i64, 0i64);
    let mut ca = Cur {
        s: a.trim().as_bytes(),
    };
    let mut cb = Cur {
        s: b.trim().as_bytes(),
    };
    while at == bt && at != Tok::End && at != Tok::Invalid && av == bv {
        av = get_token(&mut at, &mut ca);
        bv = get_token(&mut bt, &mut cb);
    }
    if av != bv {
        return av.cmp(&bv);
    }
    if at == bt {
        return Ordering::Equal;
    }
    // Equal so far: the longer version is newer unless what follows is a pre-release suffix.
    let mut tt = at;
    if at == Tok::Suffix && get_token(&mut tt, &mut Cur { s: ca.s }) < 0 {
        return Ordering::Less;
    }
    tt = bt;
    if bt == Tok::Suffix && get_token(&mut tt, &mut Cur { s: cb.s }) < 0 {
        return Ordering::Greater;
    }
    bt.cmp(&at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    #[test]
    fn alpine_rules() {
        for (a, b, o) in [
            ("1.2.3-r0", "1.2.3-r1", Less),
            ("1.2.3", "1.2.3-r0", Less),
            ("1.2.3_rc1", "1.2.3", Less),
            ("1.2.3_alpha", "1.2.3_beta", Less),
            ("1.2.3_beta2", "1.2.3_pre1", Less),
            ("1.2.3_pre1", "1.2.3_rc1", Less),
            ("1.2.3_p1", "1.2.3", Greater),
            ("1.2.3a", "1.2.3", Greater),
            ("1.2.3a", "1.2.3b", Less),
            ("1.2.10", "1.2.9", Greater),
            ("1.01", "1.1", Less),
            ("3.1.4-r5", "3.1.4_p1-r0", Less),
            ("2.36_git20230101", "2.36", Greater),
            ("1.2.3_rc1-r5", "1.2.3-r0", Less),
        ] {
            assert_eq!(compare(a, b), o, "{a} vs {b}");
            assert_eq!(compare(b, a), o.reverse(), "{b} vs {a}");
        }
        assert!(is_valid("1.2.3_rc1-r5"));
        assert!(!is_valid("1.2.3-foo"));
    }
}
