//! drydock-image: read container images from any source (docker-archive, OCI layout and
//! archive, registries, the Docker/Podman daemon), stream and verify every layer without
//! unpacking it, merge the layered filesystem (whiteouts, opaque directories) and report
//! what was baked in: secrets (also in deleted files), sensitive files, risky config,
//! permissions, the base OS and its end of life, and wasted space.
//!
//! Entry points: [`source::open`] → [`scan::scan`] (or [`scan::scan_docker_archive_stream`]
//! for a `docker save` stream that cannot be re-read at random).

#![forbid(unsafe_code)]

pub mod analyze;
pub mod archive;
pub mod auth;
pub mod blob;
pub mod cache;
pub mod context;
pub mod daemon;
pub mod dirtransport;
pub mod layer;
pub mod layerfs;
pub mod manifest;
pub mod model;
pub mod oci;
pub mod registry;
pub mod rules;
pub mod scan;
pub mod source;
pub mod targuard;
pub mod walker;

pub use cache::{CacheStats, LayerCache};
pub use layer::{ChangedFile, LayerChanges};
pub use model::{
    BlobStore, Descriptor, ImageError, Limits, OpenOptions, Platform, PlatformChoice,
    ResolvedImage, TransportOptions,
};
pub use scan::{scan, scan_docker_archive_stream, ImageScan, ImageSummary, LayerInfo, ScanOptions};
pub use source::open;
