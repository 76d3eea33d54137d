//! The package inventory, fed by the image walker layer by layer ([`FileSink`]).
//!
//! Each package database or manifest is parsed as soon as it arrives and kept by path;
//! a later layer that rewrites the path replaces it, a whiteout removes it. `finish`
//! resolves the distribution from os-release and names every OS package's ecosystem.
mod binary;
mod lang;
mod os;

pub use binary::parse_binary;
pub use lang::{
    parse_composer_installed, parse_gemspec, parse_jar, parse_package_json, parse_package_lock,
    parse_python_metadata,
};
pub use os::{parse_apk, parse_dpkg, parse_rpm_header, parse_rpmdb, split_sourcerpm, RpmHeader};

use crate::ecosystem::OsInfo;
use crate::package::{Kind, Origin, Package};
use drydock_core::FileSink;
use std::collections::{BTreeMap, HashSet};

/// Largest file of each kind that is buffered and parsed.
const MAX_DB: u64 = 512 << 20;
const MAX_MANIFEST: u64 = 16 << 20;
const MAX_BINARY: u64 = 256 << 20;
/// Go binaries are over 1 MiB and cargo-auditable Rust ones over a few hundred KiB; the
/// many small C utilities of `/usr/bin` are not worth buffering.
const MIN_BINARY: u64 = 256 << 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FileKind {
    OsRelease,
    DpkgStatus,
    DpkgStatusD,
    Apk,
    /// rpmdb.sqlite, Berkeley DB `Packages` or ndb `Packages.db` (told apart by content).
    RpmDb,
    PythonMeta,
    PackageJson,
    PackageLock,
    Gemspec,
    Composer,
    Jar,
    Binary,
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn classify(path: &str) -> Option<FileKind> {
    let name = file_name(path);
    Some(match path {
        "etc/os-release" | "usr/lib/os-release" => FileKind::OsRelease,
        "var/lib/dpkg/status" => FileKind::DpkgStatus,
        "lib/apk/db/installed" | "usr/lib/apk/db/installed" => FileKind::Apk,
        "var/lib/rpm/rpmdb.sqlite"
        | "usr/lib/sysimage/rpm/rpmdb.sqlite"
        | "var/lib/rpm/Packages"
        | "var/lib/rpm/Packages.db"
        | "usr/lib/sysimage/rpm/Packages.db"
        | "usr/lib/sysimage/rpm/Packages" => FileKind::RpmDb,
        _ if path.starts_with("var/lib/dpkg/status.d/") && !name.ends_with(".md5sums") => {
            FileKind::DpkgStatusD
        }
        _ if name == "METADATA" && path.contains(".dist-info/") => FileKind::PythonMeta,
        _ if name == "PKG-INFO" && path.contains(".egg-info/") => FileKind::PythonMeta,
        _ if name.ends_with(".egg-info")
            && (path.contains("-packages/") || path.contains("site-packages")) =>
        {
            FileKind::PythonMeta
        }
        _ if name == "package.json" && is_node_module_manifest(path) => FileKind::PackageJson,
        _ if name == "package-lock.json" && !path.contains("node_modules/") => {
            FileKind::PackageLock
        }
        _ if name.ends_with(".gemspec") && path.contains("/specifications/") => FileKind::Gemspec,
        _ if path.ends_with("vendor/composer/installed.json") => FileKind::Composer,
        _ if name.ends_with(".jar") || name.ends_with(".war") || name.ends_with(".ear") => {
            FileKind::Jar
        }
        _ if looks_like_binary_path(path) => FileKind::Binary,
        _ => return None,
    })
}

/// `…/node_modules/NAME/package.json` or `…/node_modules/@SCOPE/NAME/package.json` only
/// (not the package.json files of a package's own subdirectories or test fixtures).
fn is_node_module_manifest(path: &str) -> bool {
    let Some(idx) = path.rfind("node_modules/") else {
        return false;
    };
    let rest = &path[idx + "node_modules/".len()..];
    let parts: Vec<&str> = rest.split('/').collect();
    match parts.as_slice() {
        [n, "package.json"] => !n.starts_with('.'),
        [s, _, "package.json"] => s.starts_with('@'),
        _ => false,
    }
}

/// Where executables live; extension-less files there are checked for ELF build info.
fn looks_like_binary_path(path: &str) -> bool {
    let name = file_name(path);
    if name.contains('.') || name.is_empty() {
        return false;
    }
    path.contains("bin/")
        || [
            "app/",
            "opt/",
            "srv/",
            "usr/local/",
            "usr/libexec/",
            "ko-app/",
            "go/",
            "home/",
            "root/",
        ]
        .iter()
        .any(|p| path.starts_with(p))
}

/// What [`Inventory::finish_all`] returns.
#[derive(Clone, Debug, Default)]
pub struct InventoryResult {
    pub packages: Vec<Package>,
    pub os: Option<OsInfo>,
    /// Things the user should know (unreadable databases, unparsable files).
    pub notes: Vec<String>,
}

/// One parsed version of a file, from one layer.
#[derive(Clone, Debug, Default)]
struct Version {
    packages: Vec<Package>,
    os: Option<OsInfo>,
    note: Option<String>,
}

/// The inventory sink. Cheap `wants`, parse-on-arrival `file`, whiteouts via `deleted`.
///
/// The walker reads layers in parallel, so files and whiteouts arrive in any layer order:
/// every layer's version of a path is kept and `finish` resolves the final filesystem
/// (the highest layer's version, unless a whiteout in a higher layer removed it).
#[derive(Default)]
pub struct Inventory {
    /// path → layer → parsed content.
    files: BTreeMap<String, BTreeMap<usize, Version>>,
    /// (layer, path) of every whiteout; a whiteout hides lower layers' content only.
    deletions: Vec<(usize, String)>,
}

impl Inventory {
    pub fn new() -> Inventory {
        Inventory::default()
    }

    /// Parse one file directly (what `file` does, also usable without a walker).
    pub fn add_file(&mut self, layer: usize, path: &str, data: &[u8]) {
        let path = path.trim_start_matches("./").trim_start_matches('/');
        let Some(kind) = classify(path) else { return };
        let text = || String::from_utf8_lossy(data);
        let mut version = Version::default();
        version.packages = match kind {
            FileKind::OsRelease => {
                version.os = Some(OsInfo::parse(&text()));
                Vec::new()
            }
            FileKind::DpkgStatus | FileKind::DpkgStatusD => os::parse_dpkg(&text(), path, layer),
            FileKind::Apk => os::parse_apk(&text(), path, layer),
            FileKind::RpmDb => match os::parse_rpmdb(data, path, layer) {
                Ok(p) => p,
                Err(e) => {
                    version.note = Some(format!("{path}: cannot read rpm database: {e}"));
                    Vec::new()
                }
            },
            FileKind::PythonMeta => lang::parse_python_metadata(&text(), path, layer)
                .into_iter()
                .collect(),
            FileKind::PackageJson => lang::parse_package_json(data, path, layer)
                .into_iter()
                .collect(),
            FileKind::PackageLock => lang::parse_package_lock(data, path, layer),
            FileKind::Gemspec => lang::parse_gemspec(&text(), path, layer)
                .into_iter()
                .collect(),
            FileKind::Composer => lang::parse_composer_installed(data, path, layer),
            FileKind::Jar => {
                let mut out = Vec::new();
                lang::parse_jar(data, path, layer, 0, &mut out);
                out
            }
            FileKind::Binary => binary::parse_binary(data, path, layer),
        };
        // Files that yield nothing are still recorded: a layer's empty database hides the
        // lower layers' version of it.
        self.files
            .entry(path.to_string())
            .or_default()
            .insert(layer, version);
    }

    /// Remove what a whiteout in `layer` deleted (a file or a whole directory): the
    /// content of lower layers under that path.
    pub fn remove_in(&mut self, layer: usize, path: &str) {
        let path = path
            .trim_start_matches("./")
            .trim_start_matches('/')
            .trim_end_matches('/');
        self.deletions.push((layer, path.to_string()));
    }

    /// Remove what a whiteout deleted, for callers feeding layers in order (the content
    /// seen so far).
    pub fn remove(&mut self, path: &str) {
        let top = self
            .files
            .values()
            .flat_map(|m| m.keys().copied())
            .max()
            .unwrap_or(0);
        self.remove_in(top + 1, path);
    }

    /// Is the version of `path` from `layer` hidden by a whiteout in a higher layer?
    fn deleted_above(&self, layer: usize, path: &str) -> bool {
        self.deletions.iter().any(|(l, d)| {
            *l > layer
                && (d.is_empty()
                    || path == d
                    || (path.len() > d.len()
                        && path.starts_with(d.as_str())
                        && path.as_bytes()[d.len()] == b'/'))
        })
    }

    /// The final version of every path, with each package's layer set to the lowest
    /// layer from which the same package (name, version, architecture) is recorded in
    /// every later version of that file: the layer that installed it, not merely the last
    /// layer that rewrote the database.
    fn resolve(&self) -> Vec<(String, Version)> {
        let mut out = Vec::new();
        for (path, versions) in &self.files {
            let Some((&top, last)) = versions.iter().next_back() else {
                continue;
            };
            if self.deleted_above(top, path) {
                continue;
            }
            let mut v = last.clone();
            if !v.packages.is_empty() && versions.len() > 1 {
                // Walk down the chain of lower versions while none was deleted in between.
                let mut lower: Vec<(usize, &Version)> = Vec::new();
                for (&l, ver) in versions.range(..top).rev() {
                    if self.deleted_above(l, path) {
                        break;
                    }
                    lower.push((l, ver));
                }
                for p in &mut v.packages {
                    let same = |q: &Package| {
                        q.name == p.name && q.version == p.version && q.arch == p.arch
                    };
                    for (l, ver) in &lower {
                        if ver.packages.iter().any(same) {
                            p.layer = Some(*l);
                        } else {
                            break;
                        }
                    }
                }
            }
            out.push((path.clone(), v));
        }
        out
    }

    /// The packages present in the final filesystem.
    pub fn finish(self) -> Vec<Package> {
        self.finish_all().packages
    }

    /// Packages, the detected distribution, and notes about what could not be read.
    pub fn finish_all(self) -> InventoryResult {
        let resolved = self.resolve();
        let os_of = |p: &str| {
            resolved
                .iter()
                .find(|(k, _)| k == p)
                .and_then(|(_, v)| v.os.clone())
        };
        let os = os_of("etc/os-release").or_else(|| os_of("usr/lib/os-release"));
        let eco = os
            .as_ref()
            .and_then(OsInfo::osv_ecosystem)
            .unwrap_or_default();
        let (ns_deb, ns_apk, ns_rpm, distro) = match &os {
            Some(o) => {
                let rpm_ns = match o.id.as_str() {
                    "rhel" => "redhat",
                    other => other,
                };
                (
                    o.id.clone(),
                    o.id.clone(),
                    rpm_ns.to_string(),
                    format!("{}-{}", o.id, o.version_id),
                )
            }
            None => (
                "debian".into(),
                "alpine".into(),
                "unknown".into(),
                String::new(),
            ),
        };
        let notes_by_path: BTreeMap<String, String> = resolved
            .iter()
            .filter_map(|(k, v)| v.note.clone().map(|n| (k.clone(), n)))
            .collect();
        let mut notes: Vec<String> = notes_by_path.into_values().collect();
        let mut packages: Vec<Package> = Vec::new();
        let mut os_pkgs = 0usize;
        for (_, v) in resolved {
            for mut p in v.packages {
                if p.origin == Origin::Os {
                    p.ecosystem = eco.clone();
                    os_pkgs += 1;
                }
                let ns = match p.kind {
                    Kind::Dpkg => Some((ns_deb.as_str(), distro.as_str())),
                    Kind::Apk => Some((ns_apk.as_str(), distro.as_str())),
                    Kind::Rpm => Some((ns_rpm.as_str(), distro.as_str())),
                    _ => None,
                };
                p.compute_purl(ns);
                packages.push(p);
            }
        }
        if os_pkgs > 0 && eco.is_empty() {
            notes.push(match &os {
                Some(o) => format!(
                    "{} is not a distribution with OSV advisories drydock knows: its {os_pkgs} OS packages were listed but not checked",
                    if o.pretty_name.is_empty() { &o.id } else { &o.pretty_name }
                ),
                None => format!("no os-release file: {os_pkgs} OS packages were listed but not checked for advisories"),
            });
        }
        // Lock-file entries are dropped where the installed package itself was found.
        let installed: HashSet<(String, String)> = packages
            .iter()
            .filter(|p| p.kind == Kind::Npm && !p.path.ends_with("package-lock.json"))
            .map(|p| (p.name.clone(), p.version.clone()))
            .collect();
        packages.retain(|p| {
            !(p.kind == Kind::Npm
                && p.path.ends_with("package-lock.json")
                && installed.contains(&(p.name.clone(), p.version.clone())))
        });
        packages.sort_by(|a, b| {
            (a.origin, &a.ecosystem, &a.name, &a.version, &a.path).cmp(&(
                b.origin,
                &b.ecosystem,
                &b.name,
                &b.version,
                &b.path,
            ))
        });
        InventoryResult {
            packages,
            os,
            notes,
        }
    }
}

impl FileSink for Inventory {
    fn wants(&self, path: &str, size: u64) -> bool {
        match classify(path.trim_start_matches("./").trim_start_matches('/')) {
            None => false,
            Some(FileKind::Jar) => size <= MAX_BINARY,
            // No upper bound: the walker hands over only the Go build info record of an
            // executable too large to hold (see `parse_binary`).
            Some(FileKind::Binary) => size >= MIN_BINARY,
            Some(FileKind::DpkgStatus | FileKind::Apk | FileKind::RpmDb) => size <= MAX_DB,
            Some(_) => size <= MAX_MANIFEST,
        }
    }

    fn file(&mut self, layer: usize, path: &str, data: &[u8]) {
        self.add_file(layer, path, data);
    }

    fn deleted(&mut self, layer: usize, path: &str) {
        self.remove_in(layer, path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        assert_eq!(classify("var/lib/dpkg/status"), Some(FileKind::DpkgStatus));
        assert_eq!(
            classify("var/lib/dpkg/status.d/libc6"),
            Some(FileKind::DpkgStatusD)
        );
        assert_eq!(classify("var/lib/dpkg/status.d/libc6.md5sums"), None);
        assert_eq!(
            classify("usr/lib/node_modules/npm/node_modules/@npmcli/arborist/package.json"),
            Some(FileKind::PackageJson)
        );
        assert_eq!(classify("app/node_modules/lodash/fp/package.json"), None);
        assert_eq!(
            classify("usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA"),
            Some(FileKind::PythonMeta)
        );
        assert_eq!(classify("usr/bin/bash"), Some(FileKind::Binary));
        assert_eq!(classify("usr/share/doc/bash/copyright"), None);
        assert_eq!(classify("etc/passwd"), None);
        let inv = Inventory::new();
        assert!(inv.wants("usr/local/bin/app", 5 << 20));
        assert!(!inv.wants("usr/local/bin/app", 100));
        assert!(!inv.wants("etc/hostname", 10));
    }

    /// The walker reads layers in parallel: the inventory must not depend on arrival order.
    #[test]
    fn layers_in_any_order() {
        let s0 = b"Package: libc6\nStatus: install ok installed\nSource: glibc\nVersion: 2.36-9\nArchitecture: amd64\n\nPackage: bash\nStatus: install ok installed\nVersion: 5.2\nArchitecture: amd64\n";
        let s1 = b"Package: libc6\nStatus: install ok installed\nSource: glibc\nVersion: 2.36-9+deb12u3\nArchitecture: amd64\n\nPackage: bash\nStatus: install ok installed\nVersion: 5.2\nArchitecture: amd64\n\nPackage: curl\nStatus: install ok installed\nVersion: 7.88\nArchitecture: amd64\n";
        let s2 = b"Package: libc6\nStatus: install ok installed\nSource: glibc\nVersion: 2.36-9+deb12u3\nArchitecture: amd64\n\nPackage: bash\nStatus: install ok installed\nVersion: 5.2\nArchitecture: amd64\n\nPackage: curl\nStatus: install ok installed\nVersion: 7.88\nArchitecture: amd64\n\nPackage: jq\nStatus: install ok installed\nVersion: 1.6\nArchitecture: amd64\n";
        let six = b"Name: six\nVersion: 1.16.0\n";
        let six_path = "opt/tool/six-1.16.0.dist-info/METADATA";
        type Step<'a> = (usize, &'a str, Option<&'a [u8]>);
        let steps: [Step; 6] = [
            (0, "etc/os-release", Some(b"ID=debian\nVERSION_ID=12\n")),
            (0, "var/lib/dpkg/status", Some(s0)),
            (1, "var/lib/dpkg/status", Some(s1)),
            (1, six_path, Some(six)),
            (2, "opt/tool", None), // opaque whiteout: hides layer 1's six
            (2, "var/lib/dpkg/status", Some(s2)),
        ];
        let expect = vec![
            ("bash".to_string(), Some(0)),
            ("curl".to_string(), Some(1)),
            ("jq".to_string(), Some(2)),
            ("libc6".to_string(), Some(1)), // upgraded in layer 1
        ];
        for order in [[0, 1, 2, 3, 4, 5], [5, 4, 3, 2, 1, 0], [3, 5, 0, 4, 2, 1]] {
            let mut inv = Inventory::new();
            for i in order {
                let (layer, path, data) = steps[i];
                match data {
                    Some(d) => inv.file(layer, path, d),
                    None => inv.deleted(layer, path),
                }
            }
            let got: Vec<(String, Option<usize>)> = inv
                .finish()
                .into_iter()
                .map(|p| (p.name, p.layer))
                .collect();
            assert_eq!(got, expect, "order {order:?}");
        }
        // A whiteout in the same layer as a file does not hide it (opaque dir + new content).
        let mut inv = Inventory::new();
        inv.file(1, six_path, six);
        inv.deleted(1, "opt/tool");
        assert_eq!(inv.finish().len(), 1);
    }
}
