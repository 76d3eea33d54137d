//! Version ordering, one module per ecosystem, and the dispatch from OSV ecosystem names.
use std::cmp::Ordering;

pub mod apk;
pub mod dpkg;
pub mod gem;
pub mod generic;
pub mod golang;
pub mod maven;
pub mod pep440;
pub mod rpm;
pub mod semver;

/// Which ordering an ecosystem uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    Dpkg,
    Rpm,
    Apk,
    Pep440,
    SemVer,
    NuGet,
    Maven,
    RubyGems,
    Go,
    Generic,
}

impl Scheme {
    /// The scheme for an OSV ecosystem name (`Debian:12`, `Alpine:v3.19`, `PyPI`, …).
    pub fn for_ecosystem(ecosystem: &str) -> Scheme {
        let base = ecosystem.split(':').next().unwrap_or("");
        match base {
            "Debian" | "Ubuntu" => Scheme::Dpkg,
            "Alpine" | "Wolfi" | "Chainguard" | "Alpaquita" | "BellSoft Hardened Containers" => {
                Scheme::Apk
            }
            "Red Hat" | "Rocky Linux" | "AlmaLinux" | "openSUSE" | "SUSE" | "Mageia"
            | "openEuler" | "Photon OS" | "Azure Linux" | "Oracle Linux" | "Fedora" => Scheme::Rpm,
            "PyPI" => Scheme::Pep440,
            "npm" | "crates.io" | "Hex" | "Pub" | "SwiftURL" | "Packagist" | "CRAN" => {
                Scheme::SemVer
            }
            "NuGet" => Scheme::NuGet,
            "Maven" => Scheme::Maven,
            "RubyGems" => Scheme::RubyGems,
            "Go" => Scheme::Go,
            _ => Scheme::Generic,
        }
    }

    pub fn compare(self, a: &str, b: &str) -> Ordering {
        match self {
            Scheme::Dpkg => dpkg::compare(a, b),
            Scheme::Rpm => rpm::compare(a, b),
            Scheme::Apk => apk::compare(a, b),
            Scheme::Pep440 => pep440::compare(a, b),
            Scheme::SemVer => semver::compare(a, b),
            Scheme::NuGet => semver::compare_nuget(a, b),
            Scheme::Maven => maven::compare(a, b),
            Scheme::RubyGems => gem::compare(a, b),
            Scheme::Go => golang::compare(a, b),
            Scheme::Generic => generic::compare(a, b),
        }
    }
}

/// Compare two versions of a package of `ecosystem`.
pub fn compare(ecosystem: &str, a: &str, b: &str) -> Ordering {
    Scheme::for_ecosystem(ecosystem).compare(a, b)
}
