//! Fallback ordering for versions no ecosystem rule can parse: digit runs compare
//! numerically, everything else byte-wise (dpkg's algorithm without epochs).
use std::cmp::Ordering;

pub fn compare(a: &str, b: &str) -> Ordering {
    super::dpkg::verrevcmp(a.trim(), b.trim())
}
