//! OSV ecosystem naming: which advisories apply to a distribution release, package-name
//! normalisation per ecosystem, and which `all.zip` archives a set of packages needs.

/// The top-level OSV ecosystem (the archive name) of a possibly qualified ecosystem:
/// `Debian:12` → `Debian`, `Red Hat:enterprise_linux:9::appstream` → `Red Hat`.
pub fn source_of(ecosystem: &str) -> &str {
    ecosystem.split(':').next().unwrap_or("").trim()
}

/// Name as stored and looked up: PyPI names are PEP 503-normalised (case, `-_.`), other
/// ecosystems are case-sensitive except where OSV says otherwise.
pub fn normalize_name(ecosystem: &str, name: &str) -> String {
    match source_of(ecosystem) {
        "PyPI" => {
            let mut out = String::with_capacity(name.len());
            let mut sep = false;
            for c in name.trim().chars() {
                if matches!(c, '-' | '_' | '.') {
                    sep = true;
                } else {
                    if sep && !out.is_empty() {
                        out.push('-');
                    }
                    sep = false;
                    out.extend(c.to_lowercase());
                }
            }
            out
        }
        "Packagist" | "NuGet" => name.trim().to_ascii_lowercase(),
        _ => name.trim().to_string(),
    }
}

/// What `/etc/os-release` says, reduced to what matching needs.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OsInfo {
    /// `ID` (`debian`, `ubuntu`, `alpine`, `rocky`, `almalinux`, `rhel`, `wolfi`, …).
    pub id: String,
    pub id_like: Vec<String>,
    pub version_id: String,
    pub version_codename: String,
    pub pretty_name: String,
}

impl OsInfo {
    pub fn parse(text: &str) -> OsInfo {
        let mut o = OsInfo::default();
        for line in text.lines() {
            let Some((k, v)) = line.split_once('=') else {
                continue;
            };
            let v = v.trim().trim_matches('"').trim_matches('\'').to_string();
            match k.trim() {
                "ID" => o.id = v.to_ascii_lowercase(),
                "ID_LIKE" => {
                    o.id_like = v
                        .split_whitespace()
                        .map(|s| s.to_ascii_lowercase())
                        .collect()
                }
                "VERSION_ID" => o.version_id = v,
                "VERSION_CODENAME" => o.version_codename = v,
                "PRETTY_NAME" => o.pretty_name = v,
                _ => {}
            }
        }
        o
    }

    /// The OSV ecosystem OS packages of this release are filed under, as drydock names it
    /// on packages (`Debian:12`, `Ubuntu:22.04`, `Alpine:v3.19`, `Rocky Linux:9`,
    /// `AlmaLinux:9`, `Red Hat:enterprise_linux:9`, `Wolfi`). `None` if OSV has no feed.
    pub fn osv_ecosystem(&self) -> Option<String> {
        let major = self.version_id.split('.').next().unwrap_or("");
        let major_minor: String = self
            .version_id
            .split('.')
            .take(2)
            .collect::<Vec<_>>()
            .join(".");
        Some(match self.id.as_str() {
            "debian" if !major.is_empty() => format!("Debian:{major}"),
            // Debian testing/sid has no VERSION_ID: OSV files those under the codename's number
            // only after release, so there is nothing reliable to match.
            "debian" => return None,
            "ubuntu" => format!("Ubuntu:{major_minor}"),
            "alpine" if !major_minor.is_empty() => format!("Alpine:v{major_minor}"),
            "rocky" => format!("Rocky Linux:{major}"),
            "almalinux" => format!("AlmaLinux:{major}"),
            "rhel" => format!("Red Hat:enterprise_linux:{major}"),
            "wolfi" => "Wolfi".to_string(),
            "chainguard" => "Chainguard".to_string(),
            "opensuse-leap" => format!("openSUSE:Leap {major_minor}"),
            "sles" => format!("SUSE:Linux Enterprise Server {major}"),
            "mageia" => format!("Mageia:{major}"),
            "openeuler" => format!("openEuler:{}", self.version_id),
            "photon" => format!("Photon OS:{major_minor}"),
            "azurelinux" => format!("Azure Linux:{major_minor}"),
            _ => return None,
        })
    }
}

/// Does an advisory filed under `stored` (an OSV ecosystem string) apply to a package whose
/// ecosystem drydock computed as `pkg`? Exact match, plus the qualified forms OSV uses:
/// `Ubuntu:22.04:LTS` (not the `Ubuntu:Pro:…` feeds, whose fixes need a subscription),
/// Red Hat's CPE-like `Red Hat:enterprise_linux:9::appstream`, Alpine/Rocky point releases.
pub fn applies(stored: &str, pkg: &str) -> bool {
    if stored == pkg {
        return true;
    }
    let Some(rest) = stored.strip_prefix(pkg) else {
        return false;
    };
    if pkg.starts_with("Ubuntu:") {
        return rest == ":LTS";
    }
    if pkg.starts_with("Red Hat:") {
        // `…:9::baseos`, `…:9::appstream`, `…:9.2::…` style suffixes.
        return rest.starts_with("::") || rest.starts_with('.');
    }
    false
}

/// The `all.zip` archives (top-level ecosystems) the given package ecosystems need.
pub fn sources_for<'a>(ecosystems: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut v: Vec<String> = ecosystems
        .into_iter()
        .map(|e| source_of(e).to_string())
        .filter(|s| !s.is_empty())
        .collect();
    v.sort();
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(id: &str, ver: &str) -> OsInfo {
        OsInfo {
            id: id.into(),
            version_id: ver.into(),
            ..Default::default()
        }
    }

    #[test]
    fn distro_ecosystems() {
        assert_eq!(
            os("debian", "12").osv_ecosystem().as_deref(),
            Some("Debian:12")
        );
        assert_eq!(
            os("ubuntu", "22.04").osv_ecosystem().as_deref(),
            Some("Ubuntu:22.04")
        );
        assert_eq!(
            os("alpine", "3.19.1").osv_ecosystem().as_deref(),
            Some("Alpine:v3.19")
        );
        assert_eq!(
            os("rocky", "9.3").osv_ecosystem().as_deref(),
            Some("Rocky Linux:9")
        );
        assert_eq!(
            os("almalinux", "8.9").osv_ecosystem().as_deref(),
            Some("AlmaLinux:8")
        );
        assert_eq!(os("debian", "").osv_ecosystem(), None);
        assert!(applies("Ubuntu:22.04:LTS", "Ubuntu:22.04"));
        assert!(!applies("Ubuntu:Pro:22.04:LTS", "Ubuntu:22.04"));
        assert!(!applies("Debian:11", "Debian:12"));
        assert!(!applies("Debian:12", "Debian:1"));
        assert!(applies(
            "Red Hat:enterprise_linux:9::appstream",
            "Red Hat:enterprise_linux:9"
        ));
        assert!(!applies(
            "Red Hat:enterprise_linux:90::appstream",
            "Red Hat:enterprise_linux:9"
        ));
        assert_eq!(normalize_name("PyPI", "Foo_Bar.baz"), "foo-bar-baz");
        assert_eq!(
            sources_for(["Debian:12", "PyPI", "Debian:12"]),
            vec!["Debian", "PyPI"]
        );
        let o = OsInfo::parse("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n");
        assert_eq!(o.osv_ecosystem().as_deref(), Some("Debian:12"));
    }
}
