//! Go module versions: SemVer with a `v` prefix; pseudo-versions
//! (`v0.0.0-20191109021931-daa7c04131f5`) are pre-releases and order by their timestamp,
//! `+incompatible` is build metadata and does not take part in ordering.
use std::cmp::Ordering;

pub fn compare(a: &str, b: &str) -> Ordering {
    super::semver::compare(a, b)
}

/// The Go toolchain's own module (`stdlib` in OSV) is versioned `go1.21.3`; strip `go`.
pub fn normalize_stdlib(v: &str) -> String {
    let v = v.trim().trim_start_matches("go");
    // `go1.21` is `v1.21.0`; a `go1.21rc2` pre-release becomes `1.21.0-rc.2`, the form of
    // the Go vulnerability database (SemVer then orders rc.2 < rc.10 < the release).
    let (core, pre) = match v.find(|c: char| c.is_ascii_alphabetic()) {
        Some(p) => (&v[..p], Some(&v[p..])),
        None => (v, None),
    };
    let parts = core.split('.').count();
    let mut s = core.to_string();
    for _ in parts..3 {
        s.push_str(".0");
    }
    if let Some(p) = pre {
        s.push('-');
        // `rc2`/`beta1` → `rc.2`/`beta.1`: numeric identifiers compare as numbers.
        match p.find(|c: char| c.is_ascii_digit()) {
            Some(i) if i > 0 && !p[..i].ends_with('.') => {
                s.push_str(&p[..i]);
                s.push('.');
                s.push_str(&p[i..]);
            }
            _ => s.push_str(p),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_versions() {
        assert!(compare(
            "v0.0.0-20191109021931-daa7c04131f5",
            "v0.0.0-20200101000000-aaaaaaaaaaaa"
        )
        .is_lt());
        assert!(compare("v0.0.0-20191109021931-daa7c04131f5", "v0.0.1").is_lt());
        assert!(compare("v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.4").is_lt());
        assert!(compare("v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.3").is_gt());
        assert!(compare("v2.0.0+incompatible", "2.0.0").is_eq());
        assert!(compare("v1.10.0", "v1.9.9").is_gt());
        assert_eq!(normalize_stdlib("go1.21"), "1.21.0");
        assert_eq!(normalize_stdlib("go1.21rc2"), "1.21.0-rc.2");
        assert_eq!(normalize_stdlib("go1.21.0rc1"), "1.21.0-rc.1");
        assert_eq!(normalize_stdlib("go1.22beta1"), "1.22.0-beta.1");
        // Fixed in rc.4: rc.1 is affected, rc.4 and the release are not.
        let rc = |v| normalize_stdlib(v);
        assert!(compare(&rc("go1.21rc1"), "1.21.0-rc.4").is_lt());
        assert!(compare(&rc("go1.21rc4"), "1.21.0-rc.4").is_eq());
        assert!(compare(&rc("go1.21rc10"), "1.21.0-rc.4").is_gt());
        assert!(compare(&rc("go1.21rc4"), "1.21.0").is_lt());
        assert!(compare(&normalize_stdlib("go1.21.3"), "1.21.4").is_lt());
    }
}
