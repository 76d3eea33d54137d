//! The per-image verdict on the base: counts by severity, how many findings an upgrade
//! would clear, and an outdated/end-of-life message.
use drydock_core::{Finding, Location, Severity};
use std::collections::BTreeMap;

/// End-of-life facts about the image's distribution release, as the EOL table gives them
/// (`drydock_core::eol` when present; the caller fills this in).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EolInfo {
    /// `Debian 10 (buster)`.
    pub release: String,
    pub is_eol: bool,
    /// `2024-06-30`.
    pub eol_date: Option<String>,
    /// The release to move to (`debian:12`).
    pub upgrade_to: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Verdict {
    pub by_severity: BTreeMap<Severity, usize>,
    pub total: usize,
    /// Findings with a fixed version available (cleared by upgrading packages / rebuilding).
    pub fixable: usize,
    /// Of those, in packages from the base image layers (cleared by a newer base).
    pub fixable_in_base: usize,
    /// Findings in packages from the base image layers (fixed or not).
    pub in_base: usize,
    pub outdated: bool,
    /// One or two sentences for the report.
    pub message: String,
}

/// Summarise vulnerability findings of one image. `base_layers` is the number of layers
/// that come from the base image, when known.
pub fn base_image_verdict(
    findings: &[Finding],
    base_layers: Option<usize>,
    eol: Option<&EolInfo>,
) -> Verdict {
    let mut v = Verdict::default();
    for f in findings.iter().filter(|f| f.vulnerability.is_some()) {
        *v.by_severity.entry(f.severity).or_default() += 1;
        v.total += 1;
        let fixed = f
            .vulnerability
            .as_ref()
            .is_some_and(|x| x.fixed_version.is_some());
        let in_base = match (&f.location, base_layers) {
            (Location::Package { layer: Some(l), .. }, Some(b)) => *l < b,
            _ => false,
        };
        v.in_base += usize::from(in_base);
        if fixed {
            v.fixable += 1;
            v.fixable_in_base += usize::from(in_base);
        }
    }
    let counts: Vec<String> = Severity::ALL
        .iter()
        .filter_map(|s| v.by_severity.get(s).map(|n| format!("{n} {s}")))
        .collect();
    let mut msg = if v.total == 0 {
        "no known vulnerabilities in the installed packages".to_string()
    } else {
        format!(
            "{} known vulnerabilities ({}); {} would be fixed by upgrading to the newest fixed versions",
            v.total,
            counts.join(", "),
            v.fixable
        )
    };
    if base_layers.is_some() && v.fixable_in_base > 0 {
        msg.push_str(&format!(
            ", {} of them in base-image packages: rebuild with `--pull` on a current tag of the base image",
            v.fixable_in_base
        ));
    }
    if let Some(e) = eol.filter(|e| e.is_eol) {
        v.outdated = true;
        msg.push_str(&format!(
            ". {} is end-of-life{} and gets no more security fixes: rebuild on {}",
            e.release,
            e.eol_date
                .as_deref()
                .map(|d| format!(" since {d}"))
                .unwrap_or_default(),
            e.upgrade_to.as_deref().unwrap_or("a supported release")
        ));
    } else if v.fixable_in_base > 0 {
        v.outdated = true;
    }
    v.message = msg;
    v
}

/// The one line the CLI prints about an image's base: which base (and how it was found),
/// its vulnerabilities and what rebuilding on a current copy would fix, then the image's
/// totals and the end-of-life sentence of [`base_image_verdict`].
pub fn base_summary(base: Option<&crate::BaseImage>, v: &Verdict) -> String {
    let whole = v.message.clone();
    let Some(b) = base else {
        return format!("base image not identified (no buildah `FROM` comment or root-filesystem import in the history): {whole}");
    };
    let layers = if b.layers == 1 {
        "layer 0".to_string()
    } else {
        format!("layers 0-{}", b.layers - 1)
    };
    let name = b
        .name
        .clone()
        .unwrap_or_else(|| "(unnamed OS base)".to_string());
    let base_part = if v.in_base == 0 {
        "no known vulnerabilities in its packages".to_string()
    } else {
        format!(
            "{} known vulnerabilities in its packages, {} fixed by rebuilding on a current copy of it",
            v.in_base, v.fixable_in_base
        )
    };
    format!("base image {name} ({layers}): {base_part}; whole image: {whole}")
}

/// EOL facts for the image's distribution from `drydock_core::eol`'s bundled table:
/// the release matching os-release `ID`/`VERSION_ID`, whether it is past its end of
/// life on `today`, and the newest supported release of the same distribution.
/// `None` when the table does not list the distribution or release.
pub fn eol_info(os: &crate::OsInfo, today: drydock_core::eol::Date) -> Option<EolInfo> {
    let product = match os.id.as_str() {
        "debian" => "debian",
        "ubuntu" => "ubuntu",
        "alpine" => "alpine",
        "centos" => "centos",
        "rhel" => "rhel-ubi",
        "fedora" => "fedora",
        _ => return None,
    };
    let cycle: String = match product {
        // Ubuntu and Alpine lines are `major.minor`; the others are the major version.
        "ubuntu" | "alpine" => os
            .version_id
            .split('.')
            .take(2)
            .collect::<Vec<_>>()
            .join("."),
        _ => os.version_id.split('.').next().unwrap_or("").to_string(),
    };
    let table = drydock_core::eol::table();
    let p = table.products.iter().find(|p| p.product == product)?;
    let r = p.releases.iter().find(|r| r.cycle == cycle)?;
    let newest = p
        .releases
        .iter()
        .filter(|r| r.eol > today && r.cycle.chars().all(|c| c.is_ascii_digit() || c == '.'))
        .max_by_key(|r| r.eol)
        .map(|r| match p.images.first() {
            Some(img) if product != "rhel-ubi" => format!("{img}:{}", r.cycle),
            _ => format!("{product} {}", r.cycle),
        });
    let name = if os.pretty_name.is_empty() {
        format!("{} {}", os.id, os.version_id)
    } else {
        os.pretty_name.clone()
    };
    Some(EolInfo {
        release: name,
        is_eol: r.eol <= today,
        eol_date: Some(r.eol.to_string()),
        upgrade_to: newest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use drydock_core::eol::Date;

    #[test]
    fn eol_from_os_release() {
        let os = |id: &str, v: &str| crate::OsInfo {
            id: id.into(),
            version_id: v.into(),
            ..Default::default()
        };
        let today = Date::parse("2026-11-27").unwrap();
        let buster = eol_info(&os("debian", "10"), today).unwrap();
        assert!(buster.is_eol);
        assert_eq!(buster.eol_date.as_deref(), Some("2024-06-30"));
        assert_eq!(buster.upgrade_to.as_deref(), Some("debian:13"));
        let bookworm = eol_info(&os("debian", "12"), today).unwrap();
        assert!(!bookworm.is_eol);
        assert!(eol_info(&os("ubuntu", "18.04"), today).unwrap().is_eol);
        assert!(eol_info(&os("plan9", "4"), today).is_none());
    }
}
