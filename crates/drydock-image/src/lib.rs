//! drydock-image: read container images from any source (docker-archive, OCI layout and
//! archive, registries, the Docker/Podman daemon), stream and verify every layer without
//! unpacking it, merge the layered filesystem (whiteouts, opaque directories) and report
//! what was baked in: secrets (also in deleted files), sensitive files, risky config,
//! permissions, the base OS and its end of life, and wasted space.
//!
//! Entry points: [`source::open`] → [`scan::scan`] (or [`scan::scan_docker_archive_stream`]
//! for a `docker save` stream that cannot be re-read at random).

pub mod analyze;
pub mod archive;
pub mod auth;
pub mod blob;
pub mod daemon;
pub mod dirtransport;
pub mod layerfs;
pub mod manifest;
pub mod oci;
pub mod registry;
pub mod rules;
pub mod scan;
pub mod source;
pub mod walker;

pub use scan::{
    scan, scan_docker_archive_stream, ChangedFile, ImageScan, ImageSummary, LayerChanges,
    LayerInfo, ScanOptions,
};
pub use source::{
    open, BlobStore, Descriptor, ImageError, Limits, OpenOptions, Platform, PlatformChoice,
    ResolvedImage, TransportOptions,
};
