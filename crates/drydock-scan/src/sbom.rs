//! An image's package inventory alone, as a CycloneDX or SPDX document.

use crate::ImageAccess;
use anyhow::Result;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SbomFormat {
    CycloneDxJson,
    SpdxJson,
}

/// The SBOM document of `image` (one platform) and the inventory's notes (files it could
/// not read completely).
pub fn sbom(
    image: &str,
    access: &ImageAccess,
    format: SbomFormat,
) -> Result<(serde_json::Value, Vec<String>)> {
    let opts = access.open_options()?;
    let images = drydock_image::open(image, &opts).map_err(|e| anyhow::anyhow!("{}", e))?;
    if images.len() != 1 {
        anyhow::bail!(
            "{}: {} platforms; choose one with --platform os/arch for an SBOM",
            image,
            images.len()
        );
    }
    let img = &images[0];
    let mut inventory = drydock_vuln::Inventory::new();
    {
        let mut sinks: [&mut dyn drydock_core::FileSink; 1] = [&mut inventory];
        let scan_opts = drydock_image::ScanOptions {
            walk: drydock_image::walker::WalkOptions {
                secrets: false,
                ..Default::default()
            },
            ..Default::default()
        };
        drydock_image::scan(img, &scan_opts, &mut sinks)?;
    }
    let result = inventory.finish_all();
    let meta = drydock_vuln::ImageMeta {
        name: image.to_string(),
        digest: img.manifest_digest.clone(),
        os: result.os.clone(),
        timestamp: None,
    };
    let doc = match format {
        SbomFormat::CycloneDxJson => drydock_vuln::cyclonedx_json(&result.packages, &meta),
        SbomFormat::SpdxJson => drydock_vuln::spdx_json(&result.packages, &meta),
    };
    Ok((doc, result.notes))
}
