//! [`ImageContext`]: everything the image rules look at, built by the scan once the layers
//! are walked and merged.

use crate::analyze::system::OsInfo;
use crate::layer::{LayerInfo, LayerSummary};
use crate::layerfs::MergedFs;
use crate::model::ResolvedImage;
use drydock_core::eol::Date;
use drydock_core::{Location, Redaction};
use std::collections::HashMap;

/// Everything the rules look at.
pub struct ImageContext<'a> {
    pub image: &'a ResolvedImage,
    pub layers: &'a [LayerSummary],
    pub infos: &'a [LayerInfo],
    pub fs: &'a MergedFs,
    pub owners: &'a HashMap<String, String>,
    pub os: Option<&'a OsInfo>,
    pub scan_date: Date,
    /// Run the secret engine on config values and history (`WalkOptions::secrets`).
    pub secrets: bool,
    /// How secret evidence is shown (`ScanOptions::redaction`).
    pub redaction: Redaction,
    /// The secret engine (`WalkOptions::secret_engine`).
    pub engine: &'a drydock_secrets::Engine,
}

impl ImageContext<'_> {
    /// A `Location::Layer` for a file version added in `layer`.
    pub fn layer_loc(&self, layer: usize, path: &str) -> Location {
        let info = self.infos.get(layer);
        Location::Layer {
            image: self.image.name.clone(),
            layer,
            layer_digest: info.map(|i| i.diff_id.clone()).unwrap_or_default(),
            path: format!("/{path}"),
            created_by: info.and_then(|i| i.created_by.clone()),
            deleted_in: self.fs.deleted_in(layer, path),
        }
    }

    pub fn config_loc(&self, field: impl Into<String>) -> Location {
        Location::Config {
            image: self.image.name.clone(),
            field: field.into(),
        }
    }

    /// The final content of a small system file (following symlinks), if captured.
    pub fn final_special(&self, path: &str) -> Option<(&str, &[u8])> {
        let e = self.fs.resolve(path)?;
        let data = self.layers.get(e.layer)?.special.get(&e.entry.path)?;
        Some((e.entry.path.as_str(), data.as_slice()))
    }

    /// The package owning a path (any layer's dpkg/apk database).
    pub fn owner(&self, path: &str) -> Option<&str> {
        self.owners.get(path).map(|s| s.as_str())
    }
}
