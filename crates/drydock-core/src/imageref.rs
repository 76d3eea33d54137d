//! Image references as Docker normalises them (distribution/reference): `python:3.12` is
//! `docker.io/library/python:3.12`; `localhost:5000/app@sha256:…` keeps its registry.
//! Hand-written because the rules are short and the crates that exist pull in a registry
//! client; the behaviour follows `ParseNormalizedNamed` and is tested against its cases.

use std::fmt;

pub const DOCKER_HUB: &str = "docker.io";

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ImageRef {
    /// Normalised registry host (with port): `docker.io`, `ghcr.io`, `localhost:5000`.
    pub registry: String,
    /// Repository path; Docker Hub official images get `library/`.
    pub repository: String,
    pub tag: Option<String>,
    /// `sha256:<64 hex>` (or another algorithm) when pinned.
    pub digest: Option<String>,
    /// The text as written.
    pub original: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRefError {
    pub input: String,
    pub reason: String,
}

impl fmt::Display for ImageRefError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid image reference `{}`: {}",
            self.input, self.reason
        )
    }
}

impl std::error::Error for ImageRefError {}

fn is_domain(component: &str) -> bool {
    component.contains('.') || component.contains(':') || component == "localhost"
}

fn valid_path_component(c: &str) -> bool {
    // [a-z0-9]+ separated by `.`, `_`, `__` or one or more `-`.
    if c.is_empty() {
        return false;
    }
    let b = c.as_bytes();
    let alnum = |x: u8| x.is_ascii_lowercase() || x.is_ascii_digit();
    if !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && !alnum(b[i]) {
            i += 1;
        }
        let sep = &c[start..i];
        let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|x| x == b'-');
        if !ok {
            return false;
        }
    }
    true
}

fn valid_tag(t: &str) -> bool {
    let b = t.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && (b[0].is_ascii_alphanumeric() || b[0] == b'_')
        && b.iter()
            .all(|&x| x.is_ascii_alphanumeric() || matches!(x, b'_' | b'.' | b'-'))
}

fn valid_digest(d: &str) -> bool {
    let Some((algo, hex)) = d.split_once(':') else {
        return false;
    };
    let algo_ok = !algo.is_empty()
        && algo.bytes().all(|x| {
            x.is_ascii_lowercase() || x.is_ascii_digit() || matches!(x, b'+' | b'.' | b'_' | b'-')
        });
    let hex_ok = hex.len() >= 32 && hex.bytes().all(|x| x.is_ascii_hexdigit());
    let sha_len_ok = match algo {
        "sha256" => hex.len() == 64,
        "sha512" => hex.len() == 128,
        _ => true,
    };
    algo_ok && hex_ok && sha_len_ok
}

impl ImageRef {
    pub fn parse(input: &str) -> Result<ImageRef, ImageRefError> {
        let err = |reason: &str| ImageRefError {
            input: input.to_string(),
            reason: reason.to_string(),
        };
        let s = input.trim();
        let s = s.strip_prefix("docker://").unwrap_or(s);
        if s.is_empty() {
            return Err(err("empty reference"));
        }
        let (name_tag, digest) = match s.split_once('@') {
            Some((n, d)) => {
                if !valid_digest(d) {
                    return Err(err(
                        "malformed digest (expected e.g. sha256:<64 hex digits>)",
                    ));
                }
                (n, Some(d.to_string()))
            }
            None => (s, None),
        };
        // A tag is after the last ':' that follows the last '/'.
        let last_slash = name_tag.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match name_tag[last_slash..].rfind(':') {
            Some(i) => {
                let i = last_slash + i;
                (&name_tag[..i], Some(name_tag[i + 1..].to_string()))
            }
            None => (name_tag, None),
        };
        if let Some(t) = &tag {
            if !valid_tag(t) {
                return Err(err("malformed tag"));
            }
        }
        if name.is_empty() {
            return Err(err("missing repository name"));
        }
        let (registry, path) = match name.split_once('/') {
            Some((first, rest)) if is_domain(first) => (first.to_string(), rest.to_string()),
            _ => (DOCKER_HUB.to_string(), name.to_string()),
        };
        if registry
            .bytes()
            .any(|x| !(x.is_ascii_alphanumeric() || matches!(x, b'.' | b'-' | b':' | b'[' | b']')))
        {
            return Err(err("malformed registry host"));
        }
        let registry = match registry.as_str() {
            "index.docker.io" | "registry-1.docker.io" => DOCKER_HUB.to_string(),
            _ => registry,
        };
        if path.chars().any(|c| c.is_ascii_uppercase()) {
            return Err(err("repository name must be lowercase"));
        }
        if !path.split('/').all(valid_path_component) {
            return Err(err("malformed repository name"));
        }
        let repository = if registry == DOCKER_HUB && !path.contains('/') {
            format!("library/{path}")
        } else {
            path
        };
        Ok(ImageRef {
            registry,
            repository,
            tag,
            digest,
            original: input.to_string(),
        })
    }

    pub fn is_docker_hub(&self) -> bool {
        self.registry == DOCKER_HUB
    }

    /// Docker Hub official image (`library/…`).
    pub fn is_official(&self) -> bool {
        self.is_docker_hub() && self.repository.starts_with("library/")
    }

    /// The short name users write: `python`, `bitnami/redis`, `ghcr.io/o/app`.
    pub fn familiar_name(&self) -> String {
        if self.is_docker_hub() {
            self.repository
                .strip_prefix("library/")
                .unwrap_or(&self.repository)
                .to_string()
        } else {
            format!("{}/{}", self.registry, self.repository)
        }
    }

    /// Last path component: `python` for `docker.io/library/python`.
    pub fn short_name(&self) -> &str {
        self.repository
            .rsplit('/')
            .next()
            .unwrap_or(&self.repository)
    }

    /// The tag used when pulling: the given tag, or `latest` when there is neither tag nor digest.
    pub fn effective_tag(&self) -> Option<&str> {
        match (&self.tag, &self.digest) {
            (Some(t), _) => Some(t),
            (None, None) => Some("latest"),
            (None, Some(_)) => None,
        }
    }

    /// What to ask the registry for: the digest if pinned, else the effective tag.
    pub fn reference(&self) -> &str {
        self.digest
            .as_deref()
            .or(self.effective_tag())
            .unwrap_or("latest")
    }

    /// Registry API host: Docker Hub's API lives on registry-1.docker.io.
    pub fn api_host(&self) -> &str {
        if self.is_docker_hub() {
            "registry-1.docker.io"
        } else {
            &self.registry
        }
    }
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.registry, self.repository)?;
        if let Some(t) = &self.tag {
            write!(f, ":{t}")?;
        }
        if let Some(d) = &self.digest {
            write!(f, "@{d}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn normalises_like_docker() {
        let r = ImageRef::parse("python:3.12").unwrap();
        assert_eq!(
            (r.registry.as_str(), r.repository.as_str(), r.tag.as_deref()),
            ("docker.io", "library/python", Some("3.12"))
        );
        assert_eq!(r.to_string(), "docker.io/library/python:3.12");
        assert_eq!(r.familiar_name(), "python");
        let r = ImageRef::parse("bitnami/redis").unwrap();
        assert_eq!(r.repository, "bitnami/redis");
        assert_eq!(r.effective_tag(), Some("latest"));
        let r = ImageRef::parse("localhost:5000/app").unwrap();
        assert_eq!(r.registry, "localhost:5000");
        let r = ImageRef::parse(&format!("localhost:5000/team/app:1.0@{D}")).unwrap();
        assert_eq!(r.registry, "localhost:5000");
        assert_eq!(r.repository, "team/app");
        assert_eq!(r.tag.as_deref(), Some("1.0"));
        assert_eq!(r.digest.as_deref(), Some(D));
        assert_eq!(r.reference(), D);
        let r = ImageRef::parse("index.docker.io/library/ubuntu:22.04").unwrap();
        assert_eq!(r.registry, "docker.io");
        assert!(r.is_official());
        let r = ImageRef::parse("ghcr.io/owner/img").unwrap();
        assert_eq!(r.familiar_name(), "ghcr.io/owner/img");
        let r = ImageRef::parse("docker://127.0.0.1:5443/lab/clean:1.0").unwrap();
        assert_eq!(r.api_host(), "127.0.0.1:5443");
        let r = ImageRef::parse("myhost/app").unwrap();
        assert_eq!(
            r.registry, "docker.io",
            "no dot/port: a Hub namespace, not a host"
        );
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "Python:3",
            "app:",
            "app@sha256:xyz",
            "a//b",
            "app:-bad",
            "-app",
        ] {
            assert!(ImageRef::parse(bad).is_err(), "{bad} should be rejected");
        }
        let e = ImageRef::parse("UPPER").unwrap_err();
        assert!(e.to_string().contains("`UPPER`"));
    }
}
