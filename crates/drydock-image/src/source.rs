//! What a source string names ([`SourceSpec`]) and the transport dispatch in [`open`].
//! The types every transport shares live in `crate::model` (re-exported here).
//!
//! Transports (named as skopeo/podman name them):
//! `docker-archive:FILE[:REF|:@N]`, `oci:DIR[:TAG]`, `oci-archive:FILE[:TAG]`, a plain path
//! (auto-detected: a directory with `index.json`, a tar holding `manifest.json` or
//! `index.json`, also gzip/zstd-compressed), `docker-daemon:NAME`, `podman:NAME` and registry
//! references (`docker://` optional).

pub use crate::model::{
    BlobStore, Descriptor, ImageError, Limits, OpenOptions, Platform, PlatformChoice,
    ResolvedImage, TransportOptions,
};
use std::path::{Path, PathBuf};

/// What a source string names, before anything is opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceSpec {
    DockerArchive {
        path: PathBuf,
        select: Option<String>,
    },
    OciLayout {
        path: PathBuf,
        tag: Option<String>,
    },
    OciArchive {
        path: PathBuf,
        tag: Option<String>,
    },
    /// `skopeo copy … dir:DIR` output.
    Dir {
        path: PathBuf,
    },
    DockerDaemon {
        name: String,
    },
    Podman {
        name: String,
    },
    Registry {
        reference: String,
    },
}

/// Split `PATH[:SUFFIX]`: the whole string if it exists as a path, else at the last `:`.
fn split_path_suffix(rest: &str) -> (PathBuf, Option<String>) {
    if Path::new(rest).exists() {
        return (PathBuf::from(rest), None);
    }
    // `FILE:lab/app:1.0`: the reference may itself hold `:` and `/`; the shortest existing
    // prefix is the file.
    for (i, _) in rest.match_indices(':') {
        if i > 0 && Path::new(&rest[..i]).exists() {
            let suffix = &rest[i + 1..];
            return (
                PathBuf::from(&rest[..i]),
                Some(suffix.to_string()).filter(|s| !s.is_empty()),
            );
        }
    }
    match rest.rfind(':') {
        Some(i) if i > 0 && !rest[i + 1..].contains('/') => (
            PathBuf::from(&rest[..i]),
            Some(rest[i + 1..].to_string()).filter(|s| !s.is_empty()),
        ),
        _ => (PathBuf::from(rest), None),
    }
}

impl SourceSpec {
    /// Classify a source string. Plain paths are sniffed (directory with `index.json` →
    /// OCI layout; a file → docker-archive or OCI archive by its members).
    pub fn parse(source: &str) -> Result<SourceSpec, ImageError> {
        let (prefix, rest) = match source.split_once(':') {
            Some((p, r)) => (p, r),
            None => ("", source),
        };
        match prefix {
            "docker-archive" => {
                let (path, select) = split_path_suffix(rest);
                return Ok(SourceSpec::DockerArchive { path, select });
            }
            "oci" => {
                let (path, tag) = split_path_suffix(rest);
                return Ok(SourceSpec::OciLayout { path, tag });
            }
            "oci-archive" => {
                let (path, tag) = split_path_suffix(rest);
                return Ok(SourceSpec::OciArchive { path, tag });
            }
            "dir" => return Ok(SourceSpec::Dir { path: rest.into() }),
            "docker-daemon" => {
                return Ok(SourceSpec::DockerDaemon {
                    name: rest.to_string(),
                })
            }
            "podman" | "containers-storage" => {
                return Ok(SourceSpec::Podman {
                    name: rest.to_string(),
                })
            }
            "docker" => {
                return Ok(SourceSpec::Registry {
                    reference: rest.trim_start_matches("//").to_string(),
                })
            }
            _ => {}
        }
        let p = Path::new(source);
        if p.is_dir() {
            if crate::dirtransport::is_dir_image(p) {
                return Ok(SourceSpec::Dir {
                    path: p.to_path_buf(),
                });
            }
            if p.join("index.json").is_file() {
                return Ok(SourceSpec::OciLayout {
                    path: p.to_path_buf(),
                    tag: None,
                });
            }
            return Err(ImageError::Unsupported {
                input: source.into(),
                message: "directory is not an OCI image layout (no index.json)".into(),
            });
        }
        if p.is_file() {
            return match crate::archive::sniff_archive(p)? {
                crate::archive::ArchiveKind::Docker => Ok(SourceSpec::DockerArchive {
                    path: p.to_path_buf(),
                    select: None,
                }),
                crate::archive::ArchiveKind::Oci => Ok(SourceSpec::OciArchive {
                    path: p.to_path_buf(),
                    tag: None,
                }),
            };
        }
        if looks_like_path(source) {
            return Err(ImageError::NotFound {
                input: source.into(),
                what: "file or directory".into(),
            });
        }
        Ok(SourceSpec::Registry {
            reference: source.to_string(),
        })
    }
}

fn looks_like_path(s: &str) -> bool {
    s.starts_with('/')
        || s.starts_with("./")
        || s.starts_with("../")
        || s.ends_with(".tar")
        || s.ends_with(".tar.gz")
        || s.ends_with(".tgz")
}

/// Open a source: one [`ResolvedImage`] per selected platform (several with
/// `--platform all`, or for `docker-archive:FILE` holding several images without a selector:
/// then every image is returned).
pub fn open(source: &str, opts: &OpenOptions) -> Result<Vec<ResolvedImage>, ImageError> {
    match SourceSpec::parse(source)? {
        SourceSpec::DockerArchive { path, select } => {
            crate::archive::open_docker_archive(&path, select.as_deref(), opts)
        }
        SourceSpec::OciLayout { path, tag } => crate::oci::open_layout(&path, tag.as_deref(), opts),
        SourceSpec::OciArchive { path, tag } => {
            crate::oci::open_archive(&path, tag.as_deref(), opts)
        }
        SourceSpec::Dir { path } => crate::dirtransport::open_dir(&path, opts),
        SourceSpec::DockerDaemon { name } => open_daemon("docker-daemon", &name, opts),
        SourceSpec::Podman { name } => open_daemon("podman", &name, opts),
        SourceSpec::Registry { reference } => open_registry(&reference, opts),
    }
}

/// Registry references: the registry transport (`crate::registry`).
fn open_registry(reference: &str, opts: &OpenOptions) -> Result<Vec<ResolvedImage>, ImageError> {
    crate::registry::open_source(reference, opts)
}

/// `docker-daemon:` / `podman:`: the Engine API transport (`crate::daemon`).
fn open_daemon(
    transport: &str,
    name: &str,
    opts: &OpenOptions,
) -> Result<Vec<ResolvedImage>, ImageError> {
    crate::daemon::open(transport, name, opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_spec_prefixes() {
        assert_eq!(
            SourceSpec::parse("oci:/nonexistent/layout:1.0").unwrap(),
            SourceSpec::OciLayout {
                path: "/nonexistent/layout".into(),
                tag: Some("1.0".into())
            }
        );
        assert_eq!(
            SourceSpec::parse("docker-archive:/x/app.tar:@1").unwrap(),
            SourceSpec::DockerArchive {
                path: "/x/app.tar".into(),
                select: Some("@1".into())
            }
        );
        assert_eq!(
            SourceSpec::parse("docker://python:3.12").unwrap(),
            SourceSpec::Registry {
                reference: "python:3.12".into()
            }
        );
        assert_eq!(
            SourceSpec::parse("localhost:5000/app@sha256:abc").unwrap(),
            SourceSpec::Registry {
                reference: "localhost:5000/app@sha256:abc".into()
            }
        );
        assert_eq!(
            SourceSpec::parse("podman:app:1.0").unwrap(),
            SourceSpec::Podman {
                name: "app:1.0".into()
            }
        );
        assert!(matches!(
            SourceSpec::parse("./missing.tar"),
            Err(ImageError::NotFound { .. })
        ));
    }
}
