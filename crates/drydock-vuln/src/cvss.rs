//! CVSS scores from vectors. v3.0/v3.1 use the specification's formula and v2 vectors the
//! v2 formula (both a few lines); v4 is scored by RustSec's `cvss` crate, whose port of the
//! specification's macro-vector lookup is tested against Red Hat's reference implementation.
use drydock_core::Severity;

/// CVSS v3.1 "round up to one decimal" (specification Appendix A).
fn roundup(x: f64) -> f64 {
    let i = (x * 100_000.0).round() as i64;
    if i % 10_000 == 0 {
        i as f64 / 100_000.0
    } else {
        ((i / 10_000) as f64 + 1.0) / 10.0
    }
}

fn metrics(vector: &str) -> impl Iterator<Item = (&str, &str)> {
    vector.split('/').filter_map(|m| m.split_once(':'))
}

fn v3(vector: &str) -> Option<f64> {
    let mut av = None;
    let mut ac = None;
    let mut pr = None;
    let mut ui = None;
    let mut s = None;
    let (mut c, mut i, mut a) = (None, None, None);
    for (k, v) in metrics(vector) {
        match k {
            "AV" => {
                av = Some(match v {
                    "N" => 0.85,
                    "A" => 0.62,
                    "L" => 0.55,
                    "P" => 0.2,
                    _ => return None,
                })
            }
            "AC" => {
                ac = Some(match v {
                    "L" => 0.77,
                    "H" => 0.44,
                    _ => return None,
                })
            }
            "PR" => pr = Some(v.to_string()),
            "UI" => {
                ui = Some(match v {
                    "N" => 0.85,
                    "R" => 0.62,
                    _ => return None,
                })
            }
            "S" => {
                s = Some(match v {
                    "U" => false,
                    "C" => true,
                    _ => return None,
                })
            }
            "C" | "I" | "A" => {
                let x = match v {
                    "H" => 0.56,
                    "L" => 0.22,
                    "N" => 0.0,
                    _ => return None,
                };
                match k {
                    "C" => c = Some(x),
                    "I" => i = Some(x),
                    _ => a = Some(x),
                }
            }
            _ => {}
        }
    }
    let changed = s?;
    let pr = match (pr?.as_str(), changed) {
        ("N", _) => 0.85,
        ("L", false) => 0.62,
        ("L", true) => 0.68,
        ("H", false) => 0.27,
        ("H", true) => 0.5,
        _ => return None,
    };
    let iss = 1.0 - (1.0 - c?) * (1.0 - i?) * (1.0 - a?);
    let impact = if changed {
        7.52 * (iss - 0.029) - 3.25 * (iss - 0.02f64).powi(15)
    } else {
        6.42 * iss
    };
    let expl = 8.22 * av? * ac? * pr * ui?;
    if impact <= 0.0 {
        return Some(0.0);
    }
    Some(if changed {
        roundup((1.08 * (impact + expl)).min(10.0))
    } else {
        roundup((impact + expl).min(10.0))
    })
}

fn v2(vector: &str) -> Option<f64> {
    let (mut av, mut ac, mut au) = (None, None, None);
    let (mut c, mut i, mut a) = (None, None, None);
    for (k, v) in metrics(vector) {
        match k {
            "AV" => {
                av = Some(match v {
                    "L" => 0.395,
                    "A" => 0.646,
                    "N" => 1.0,
                    _ => return None,
                })
            }
            "AC" => {
                ac = Some(match v {
                    "H" => 0.35,
                    "M" => 0.61,
                    "L" => 0.71,
                    _ => return None,
                })
            }
            "Au" => {
                au = Some(match v {
                    "M" => 0.45,
                    "S" => 0.56,
                    "N" => 0.704,
                    _ => return None,
                })
            }
            "C" | "I" | "A" => {
                let x = match v {
                    "N" => 0.0,
                    "P" => 0.275,
                    "C" => 0.660,
                    _ => return None,
                };
                match k {
                    "C" => c = Some(x),
                    "I" => i = Some(x),
                    _ => a = Some(x),
                }
            }
            _ => {}
        }
    }
    let impact = 10.41 * (1.0 - (1.0 - c?) * (1.0 - i?) * (1.0 - a?));
    let expl = 20.0 * av? * ac? * au?;
    let f: f64 = if impact == 0.0 { 0.0 } else { 1.176 };
    Some((((0.6 * impact) + (0.4 * expl) - 1.5) * f * 10.0).round() / 10.0)
}

/// Score of a CVSS v2, v3.x or v4.0 vector; `None` for malformed vectors.
pub fn base_score(vector: &str) -> Option<f64> {
    let v = vector.trim();
    if v.starts_with("CVSS:3.") {
        v3(v)
    } else if v.starts_with("CVSS:4") {
        v.parse::<cvss::v4::Vector>()
            .ok()
            .map(|x| x.score().value())
    } else if v.contains("Au:") {
        v2(v.trim_start_matches('(').trim_end_matches(')'))
    } else {
        None
    }
}

/// The CVSS v3 qualitative rating of a score.
pub fn severity_of(score: f64) -> Severity {
    if score >= 9.0 {
        Severity::Critical
    } else if score >= 7.0 {
        Severity::High
    } else if score >= 4.0 {
        Severity::Medium
    } else if score > 0.0 {
        Severity::Low
    } else {
        Severity::Info
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_scores() {
        // CVE-2023-4911 (Looney Tunables), NVD: 7.8 HIGH.
        assert_eq!(
            base_score("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"),
            Some(7.8)
        );
        // CVE-2021-44228 (Log4Shell): 10.0 CRITICAL, scope changed.
        assert_eq!(
            base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"),
            Some(10.0)
        );
        // CVE-2014-0160 (Heartbleed) v3: 7.5.
        assert_eq!(
            base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"),
            Some(7.5)
        );
        assert_eq!(
            base_score("CVSS:3.0/AV:N/AC:H/PR:N/UI:R/S:C/C:L/I:L/A:N"),
            Some(4.7)
        );
        assert_eq!(
            base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"),
            Some(0.0)
        );
        // Heartbleed v2: 5.0.
        assert_eq!(base_score("AV:N/AC:L/Au:N/C:P/I:N/A:N"), Some(5.0));
        // v4: values from FIRST's calculator.
        assert_eq!(
            base_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"),
            Some(9.3)
        );
        assert_eq!(
            base_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N"),
            Some(6.9)
        );
        assert_eq!(base_score("CVSS:4.0/AV:N/AC:L"), None);
        assert_eq!(base_score("CVSS:3.1/AV:X"), None);
        assert_eq!(severity_of(7.8), Severity::High);
        assert_eq!(severity_of(10.0), Severity::Critical);
    }
}
