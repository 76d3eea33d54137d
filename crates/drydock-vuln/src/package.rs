//! The inventory's unit: one installed package, where it came from and how to name it.
use serde::{Deserialize, Serialize};

/// Whether a package was installed by the OS package manager or a language's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    Os,
    Language,
}

/// Which database or file the package was read from; decides the purl type and the
/// upgrade command suggested in findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Dpkg,
    Apk,
    Rpm,
    Python,
    Npm,
    Go,
    GoStdlib,
    Cargo,
    Maven,
    Gem,
    Composer,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    pub name: String,
    pub version: String,
    /// OS packages: the source package advisories are filed against (dpkg `Source:`,
    /// apk `o:`, rpm `SOURCERPM`).
    pub source_name: Option<String>,
    pub source_version: Option<String>,
    /// OSV ecosystem (`Debian:12`, `Alpine:v3.19`, `PyPI`, `Go`…); empty when the
    /// distribution is unknown (the package is still listed in SBOMs but not matched).
    pub ecosystem: String,
    pub purl: String,
    /// The database or manifest file the package was read from (no leading `/`).
    pub path: String,
    /// 0-based index into `rootfs.diff_ids` of the layer that provided `path`.
    pub layer: Option<usize>,
    pub origin: Origin,
    pub kind: Kind,
    pub licenses: Vec<String>,
    /// Architecture for OS packages (`amd64`, `x86_64`, `aarch64`), when recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arch: Option<String>,
}

impl Package {
    pub fn new(
        kind: Kind,
        name: impl Into<String>,
        version: impl Into<String>,
        path: &str,
        layer: usize,
    ) -> Package {
        let origin = match kind {
            Kind::Dpkg | Kind::Apk | Kind::Rpm => Origin::Os,
            _ => Origin::Language,
        };
        let ecosystem = match kind {
            Kind::Dpkg | Kind::Apk | Kind::Rpm => "",
            Kind::Python => "PyPI",
            Kind::Npm => "npm",
            Kind::Go | Kind::GoStdlib => "Go",
            Kind::Cargo => "crates.io",
            Kind::Maven => "Maven",
            Kind::Gem => "RubyGems",
            Kind::Composer => "Packagist",
        };
        Package {
            name: name.into(),
            version: version.into(),
            source_name: None,
            source_version: None,
            ecosystem: ecosystem.to_string(),
            purl: String::new(),
            path: path.to_string(),
            layer: Some(layer),
            origin,
            kind,
            licenses: Vec::new(),
            arch: None,
        }
    }

    /// The version advisories are compared against: the source version for OS packages
    /// (binNMU'd binaries carry `+b1`), the package's own version otherwise.
    pub fn match_version(&self) -> &str {
        match self.origin {
            Origin::Os => self
                .source_version
                .as_deref()
                .filter(|v| !v.is_empty())
                .unwrap_or(&self.version),
            Origin::Language => &self.version,
        }
    }

    /// Fill `purl` (package-url spec) from the other fields. `distro` is e.g. `debian-12`.
    pub fn compute_purl(&mut self, namespace_distro: Option<(&str, &str)>) {
        let enc = purl_encode;
        let v = enc(&self.version);
        self.purl = match self.kind {
            Kind::Dpkg | Kind::Apk | Kind::Rpm => {
                let ty = match self.kind {
                    Kind::Dpkg => "deb",
                    Kind::Apk => "apk",
                    _ => "rpm",
                };
                let (ns, distro) = namespace_distro.unwrap_or(("unknown", ""));
                let mut q = Vec::new();
                if let Some(a) = &self.arch {
                    q.push(format!("arch={}", enc(a)));
                }
                if !distro.is_empty() {
                    q.push(format!("distro={}", enc(distro)));
                }
                let qs = if q.is_empty() {
                    String::new()
                } else {
                    format!("?{}", q.join("&"))
                };
                format!("pkg:{ty}/{}/{}@{v}{qs}", enc(ns), enc(&self.name))
            }
            Kind::Python => format!(
                "pkg:pypi/{}@{v}",
                enc(&crate::ecosystem::normalize_name("PyPI", &self.name))
            ),
            Kind::Npm => match self.name.strip_prefix('@').and_then(|n| n.split_once('/')) {
                Some((scope, n)) => format!("pkg:npm/%40{}/{}@{v}", enc(scope), enc(n)),
                None => format!("pkg:npm/{}@{v}", enc(&self.name)),
            },
            Kind::Go | Kind::GoStdlib => {
                let segs: Vec<String> = self.name.split('/').map(enc).collect();
                let gv = if self.version.starts_with('v') {
                    v.clone()
                } else {
                    format!("v{v}")
                };
                format!("pkg:golang/{}@{gv}", segs.join("/"))
            }
            Kind::Cargo => format!("pkg:cargo/{}@{v}", enc(&self.name)),
            Kind::Maven => match self.name.split_once(':') {
                Some((g, a)) => format!("pkg:maven/{}/{}@{v}", enc(g), enc(a)),
                None => format!("pkg:maven/{}@{v}", enc(&self.name)),
            },
            Kind::Gem => format!("pkg:gem/{}@{v}", enc(&self.name)),
            Kind::Composer => match self.name.split_once('/') {
                Some((ns, n)) => format!("pkg:composer/{}/{}@{v}", enc(ns), enc(n)),
                None => format!("pkg:composer/{}@{v}", enc(&self.name)),
            },
        };
    }
}

/// Percent-encode everything outside the purl-safe set.
pub fn purl_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
