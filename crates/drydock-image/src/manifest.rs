//! Manifests, indexes and image configs: OCI image manifest / index and Docker v2 schema 2
//! manifest / manifest list. The media type comes from the document, else from the
//! descriptor (or HTTP Content-Type) that pointed at it, else it is sniffed from the
//! document's shape (podman import and umoci omit the optional `mediaType`).

use crate::blob::read_blob_verified;
use crate::model::null_default;
use crate::model::{
    BlobStore, Descriptor, ImageError, Limits, Platform, PlatformChoice, ResolvedImage,
};
pub use crate::model::{ContainerConfig, Healthcheck, History, ImageConfig, RootFs};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;

pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
pub const DOCKER_V1: &str = "application/vnd.docker.distribution.manifest.v1+json";
pub const DOCKER_V1_SIGNED: &str = "application/vnd.docker.distribution.manifest.v1+prettyjws";
pub const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
pub const DOCKER_CONFIG: &str = "application/vnd.docker.container.image.v1+json";
/// Every manifest media type drydock reads, for an HTTP `Accept` header.
pub const ACCEPT_MANIFESTS: &[&str] = &[OCI_INDEX, OCI_MANIFEST, DOCKER_LIST, DOCKER_MANIFEST];

#[derive(Clone, Debug, Default, Deserialize)]
struct RawPlatform {
    #[serde(default)]
    os: String,
    #[serde(default)]
    architecture: String,
    #[serde(default)]
    variant: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
struct RawDescriptor {
    #[serde(rename = "mediaType", default)]
    media_type: String,
    #[serde(default)]
    digest: String,
    #[serde(default)]
    size: u64,
    #[serde(default)]
    platform: Option<RawPlatform>,
    #[serde(default, deserialize_with = "null_default")]
    annotations: BTreeMap<String, String>,
}

impl RawDescriptor {
    fn into_descriptor(self) -> Descriptor {
        Descriptor {
            media_type: self.media_type,
            digest: self.digest,
            size: self.size,
            platform: self.platform.and_then(|p| {
                (!p.os.is_empty() && !p.architecture.is_empty()).then_some(Platform {
                    os: p.os,
                    architecture: p.architecture,
                    variant: p.variant.filter(|v| !v.is_empty()),
                })
            }),
            annotations: self.annotations,
        }
    }
}

#[derive(Debug, Deserialize)]
struct RawDocument {
    #[serde(rename = "schemaVersion", default)]
    schema_version: Option<u32>,
    #[serde(rename = "mediaType", default)]
    media_type: Option<String>,
    #[serde(default)]
    config: Option<RawDescriptor>,
    #[serde(default)]
    layers: Option<Vec<RawDescriptor>>,
    #[serde(default)]
    manifests: Option<Vec<RawDescriptor>>,
    #[serde(default, rename = "fsLayers")]
    fs_layers: Option<serde_json::Value>,
    #[serde(default, deserialize_with = "null_default")]
    annotations: BTreeMap<String, String>,
}

/// An image manifest (OCI or Docker v2s2).
#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    pub media_type: String,
    pub config: Descriptor,
    pub layers: Vec<Descriptor>,
    /// `org.opencontainers.image.base.name` and the like.
    pub annotations: BTreeMap<String, String>,
}

/// An image index (OCI) or manifest list (Docker).
#[derive(Clone, Debug, PartialEq)]
pub struct Index {
    pub media_type: String,
    pub manifests: Vec<Descriptor>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Document {
    Manifest(Manifest),
    Index(Index),
}

fn is_index_type(mt: &str) -> bool {
    mt == OCI_INDEX || mt == DOCKER_LIST
}

fn is_manifest_type(mt: &str) -> bool {
    mt == OCI_MANIFEST || mt == DOCKER_MANIFEST
}

/// Parse a manifest or index. `hint` is the media type of the descriptor / HTTP response that
/// pointed at it; the document's own `mediaType` wins, then the hint, then its shape.
pub fn parse_document(raw: &[u8], hint: Option<&str>, input: &str) -> Result<Document, ImageError> {
    let doc: RawDocument = serde_json::from_slice(raw)
        .map_err(|e| ImageError::format(input, format!("invalid manifest JSON: {e}")))?;
    let declared = doc
        .media_type
        .clone()
        .filter(|m| !m.is_empty())
        .or_else(|| hint.map(|h| h.split(';').next().unwrap_or("").trim().to_string()))
        .filter(|m| !m.is_empty() && m != "application/json" && m != "text/plain");
    if doc.schema_version == Some(1)
        || doc.fs_layers.is_some()
        || matches!(
            declared.as_deref(),
            Some(DOCKER_V1) | Some(DOCKER_V1_SIGNED)
        )
    {
        return Err(ImageError::Unsupported {
            input: input.into(),
            message: "Docker schema 1 manifests are deprecated and not supported; re-push the image with a current client".into(),
        });
    }
    let media_type = match declared {
        Some(mt) if is_index_type(&mt) || is_manifest_type(&mt) => mt,
        Some(mt) if doc.manifests.is_none() && doc.layers.is_none() => {
            return Err(ImageError::Unsupported {
                input: input.into(),
                message: format!("unsupported manifest media type `{mt}`"),
            })
        }
        // Unknown declared type (artifact manifests, Content-Type quirks): sniff.
        _ => {
            if doc.manifests.is_some() {
                OCI_INDEX.to_string()
            } else if doc.layers.is_some() && doc.config.is_some() {
                OCI_MANIFEST.to_string()
            } else {
                return Err(ImageError::format(
                    input,
                    "neither an image manifest (config + layers) nor an index (manifests)",
                ));
            }
        }
    };
    if is_index_type(&media_type) {
        let manifests = doc
            .manifests
            .ok_or_else(|| ImageError::format(input, "index has no `manifests` array"))?;
        Ok(Document::Index(Index {
            media_type,
            manifests: manifests
                .into_iter()
                .map(RawDescriptor::into_descriptor)
                .collect(),
        }))
    } else {
        let config = doc
            .config
            .ok_or_else(|| ImageError::format(input, "manifest has no `config` descriptor"))?
            .into_descriptor();
        let layers: Vec<Descriptor> = doc
            .layers
            .ok_or_else(|| ImageError::format(input, "manifest has no `layers` array"))?
            .into_iter()
            .map(RawDescriptor::into_descriptor)
            .collect();
        for d in std::iter::once(&config).chain(layers.iter()) {
            check_digest_syntax(&d.digest, input)?;
        }
        Ok(Document::Manifest(Manifest {
            media_type,
            config,
            layers,
            annotations: doc.annotations,
        }))
    }
}

/// `sha256:` + 64 lowercase hex (the only algorithm drydock verifies; sha512 is accepted).
pub fn check_digest_syntax(digest: &str, input: &str) -> Result<(), ImageError> {
    let ok = match digest.split_once(':') {
        Some(("sha256", h)) => h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()),
        Some(("sha512", h)) => h.len() == 128 && h.bytes().all(|b| b.is_ascii_hexdigit()),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(ImageError::format(
            input,
            format!("invalid digest `{digest}` (expected sha256:<64 hex>)"),
        ))
    }
}

/// Pick the index entries for a platform choice. Entries with platform `unknown/unknown`
/// (BuildKit attestations) are never images. Nested indexes (no platform) are kept for
/// the caller to descend into.
pub fn select_platforms(
    index: &Index,
    choice: &PlatformChoice,
    input: &str,
) -> Result<Vec<Descriptor>, ImageError> {
    let candidates: Vec<&Descriptor> = index
        .manifests
        .iter()
        .filter(|d| {
            d.platform
                .as_ref()
                .is_none_or(|p| p.os != "unknown" && p.architecture != "unknown")
        })
        .filter(|d| {
            d.annotations
                .get("vnd.docker.reference.type")
                .is_none_or(|t| t != "attestation-manifest")
        })
        .collect();
    let wanted = match choice {
        PlatformChoice::All => return Ok(candidates.into_iter().cloned().collect()),
        PlatformChoice::Host => Platform::host(),
        PlatformChoice::Specific(p) => p.clone(),
    };
    let mut out: Vec<Descriptor> = candidates
        .iter()
        .filter(|d| match &d.platform {
            Some(p) => wanted.matches(p),
            None => is_index_type(&d.media_type),
        })
        .map(|d| (*d).clone())
        .collect();
    // Keep the first match per platform (like docker pull); nested indexes stay.
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|d| match &d.platform {
        Some(p) => seen.insert(p.to_string()),
        None => true,
    });
    if out.is_empty() {
        let available: Vec<String> = candidates
            .iter()
            .filter_map(|d| d.platform.as_ref().map(|p| p.to_string()))
            .collect();
        return Err(ImageError::Platform {
            input: input.into(),
            message: format!(
                "no image for platform {wanted} (available: {}); use --platform",
                if available.is_empty() {
                    "none".to_string()
                } else {
                    available.join(", ")
                }
            ),
        });
    }
    if !matches!(choice, PlatformChoice::All) {
        // One image for a single platform: the first match, but keep descending nested
        // indexes when nothing direct matched.
        if let Some(pos) = out.iter().position(|d| d.platform.is_some()) {
            return Ok(vec![out.swap_remove(pos)]);
        }
    }
    Ok(out)
}

/// Fetches a manifest or index by descriptor (for OCI layouts: a blob; for registries: the
/// manifests endpoint). Returns the raw bytes and the media type the transport reported.
pub type FetchManifest<'a> =
    dyn Fn(&Descriptor) -> Result<(Vec<u8>, Option<String>), ImageError> + 'a;

/// Everything needed to turn a top-level manifest/index into scannable images.
pub struct ResolveRequest<'a> {
    /// Name findings carry.
    pub name: &'a str,
    pub choice: &'a PlatformChoice,
    pub limits: &'a Limits,
    pub store: Arc<dyn BlobStore>,
    pub fetch_manifest: &'a FetchManifest<'a>,
}

/// Resolve a manifest or index document into images (one per selected platform).
/// Nested indexes are followed up to depth 4. The config blob is read and verified.
pub fn resolve(
    req: &ResolveRequest<'_>,
    raw: &[u8],
    media_hint: Option<&str>,
    digest: Option<String>,
) -> Result<Vec<ResolvedImage>, ImageError> {
    resolve_inner(req, raw, media_hint, digest, None, 0)
}

fn resolve_inner(
    req: &ResolveRequest<'_>,
    raw: &[u8],
    media_hint: Option<&str>,
    digest: Option<String>,
    platform: Option<Platform>,
    depth: usize,
) -> Result<Vec<ResolvedImage>, ImageError> {
    let input = match &digest {
        Some(d) => format!("{} manifest {d}", req.name),
        None => format!("{} manifest", req.name),
    };
    if depth > 4 {
        return Err(ImageError::format(input, "indexes nested more than 4 deep"));
    }
    match parse_document(raw, media_hint, &input)? {
        Document::Index(index) => {
            let mut out = Vec::new();
            // Each manifest once: an index may list the same digest thousands of times.
            let mut done = std::collections::HashSet::new();
            for d in select_platforms(&index, req.choice, &input)? {
                if !done.insert(d.digest.clone()) {
                    continue;
                }
                let (bytes, mt) = (req.fetch_manifest)(&d)?;
                let hint = if d.media_type.is_empty() {
                    mt
                } else {
                    Some(d.media_type.clone())
                };
                match resolve_inner(
                    req,
                    &bytes,
                    hint.as_deref(),
                    Some(d.digest.clone()),
                    d.platform.clone(),
                    depth + 1,
                ) {
                    Ok(imgs) => out.extend(imgs),
                    // A nested index without our platform: keep looking in the others.
                    Err(ImageError::Platform { .. })
                        if d.platform.is_none() && !matches!(req.choice, PlatformChoice::All) => {}
                    Err(e) => return Err(e),
                }
                if !matches!(req.choice, PlatformChoice::All) && !out.is_empty() {
                    break;
                }
            }
            if out.is_empty() {
                return Err(ImageError::Platform {
                    input,
                    message: "no image for the requested platform in the nested indexes".into(),
                });
            }
            let chosen: std::collections::BTreeSet<String> = out
                .iter()
                .filter_map(|i| i.platform.as_ref().map(|p| p.to_string()))
                .collect();
            let mut skipped: Vec<String> = index
                .manifests
                .iter()
                .filter_map(|d| d.platform.as_ref())
                .filter(|p| p.os != "unknown" && p.architecture != "unknown")
                .map(|p| p.to_string())
                .filter(|p| !chosen.contains(p))
                .collect();
            skipped.sort();
            skipped.dedup();
            for img in &mut out {
                img.skipped_platforms.extend(skipped.iter().cloned());
            }
            Ok(out)
        }
        Document::Manifest(m) => {
            let config_raw =
                read_blob_verified(req.store.as_ref(), &m.config, req.limits.max_document_bytes)?;
            let config = ImageConfig::parse(
                &config_raw,
                &format!("{} config {}", req.name, m.config.digest),
            )?;
            if config.rootfs.diff_ids.len() != m.layers.len() {
                return Err(ImageError::format(
                    input,
                    format!(
                        "manifest lists {} layers but the config's rootfs.diff_ids has {}",
                        m.layers.len(),
                        config.rootfs.diff_ids.len()
                    ),
                ));
            }
            let platform = platform.or_else(|| config.platform());
            let name = match (&platform, req.choice) {
                (Some(_), PlatformChoice::All) | (Some(_), PlatformChoice::Specific(_)) => {
                    req.name.to_string()
                }
                _ => req.name.to_string(),
            };
            Ok(vec![ResolvedImage {
                name,
                platform,
                manifest_digest: digest,
                config_raw,
                config,
                layers: m.layers,
                annotations: m.annotations,
                store: req.store.clone(),
                skipped_platforms: Vec::new(),
            }])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

    #[test]
    fn sniffs_manifest_without_media_type() {
        let raw = format!(
            r#"{{"schemaVersion":2,"config":{{"mediaType":"{OCI_CONFIG}","digest":"{D}","size":2}},"layers":[]}}"#
        );
        match parse_document(raw.as_bytes(), None, "t").unwrap() {
            Document::Manifest(m) => assert_eq!(m.media_type, OCI_MANIFEST),
            other => panic!("{other:?}"),
        }
        let idx = format!(
            r#"{{"schemaVersion":2,"manifests":[{{"digest":"{D}","size":1,"platform":{{"os":"linux","architecture":"arm64"}}}}]}}"#
        );
        match parse_document(idx.as_bytes(), Some(DOCKER_LIST), "t").unwrap() {
            Document::Index(i) => {
                assert_eq!(i.media_type, DOCKER_LIST);
                assert_eq!(
                    i.manifests[0].platform.as_ref().unwrap().to_string(),
                    "linux/arm64"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn rejects_schema1_and_bad_digests() {
        let e = parse_document(br#"{"schemaVersion":1,"fsLayers":[]}"#, None, "t").unwrap_err();
        assert!(e.to_string().contains("schema 1"), "{e}");
        let raw = r#"{"config":{"digest":"sha256:xyz"},"layers":[]}"#;
        let e = parse_document(raw.as_bytes(), None, "t").unwrap_err();
        assert!(e.to_string().contains("invalid digest"), "{e}");
        assert!(parse_document(b"[]", None, "t").is_err());
    }

    #[test]
    fn platform_selection() {
        let mk = |p: &str| Descriptor {
            media_type: OCI_MANIFEST.into(),
            digest: D.into(),
            size: 1,
            platform: Some(Platform::parse(p).unwrap()),
            annotations: BTreeMap::new(),
        };
        let idx = Index {
            media_type: OCI_INDEX.into(),
            manifests: vec![
                mk("linux/amd64"),
                mk("linux/arm64/v8"),
                mk("unknown/unknown"),
            ],
        };
        let all = select_platforms(&idx, &PlatformChoice::All, "t").unwrap();
        assert_eq!(all.len(), 2);
        let arm = PlatformChoice::parse("linux/arm64").unwrap();
        assert_eq!(select_platforms(&idx, &arm, "t").unwrap().len(), 1);
        let e = select_platforms(&idx, &PlatformChoice::parse("linux/s390x").unwrap(), "t")
            .unwrap_err();
        assert!(e.to_string().contains("linux/amd64, linux/arm64/v8"), "{e}");
    }

    #[test]
    fn config_nulls_and_history_mapping() {
        let raw = br#"{"architecture":"amd64","os":"linux","config":{"User":"","Env":null,"Labels":null},
            "rootfs":{"type":"layers","diff_ids":["a","b"]},
            "history":[{"created_by":"ADD x"},{"created_by":"ENV a=b","empty_layer":true},{"created_by":"RUN y"}]}"#;
        let c = ImageConfig::parse(raw, "t").unwrap();
        assert_eq!(c.layer_history(), vec![Some(0), Some(2)]);
        assert!(c.config.env.is_empty());
        assert_eq!(c.platform().unwrap().to_string(), "linux/amd64");
    }
}
