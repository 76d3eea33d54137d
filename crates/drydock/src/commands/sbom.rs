//! `drydock sbom IMAGE`: the inventory alone, as CycloneDX or SPDX JSON.

use crate::cli::{SbomArgs, SbomFormat};
use anyhow::{Context, Result};
use std::io::Write;

pub fn run(args: SbomArgs) -> Result<u8> {
    let opts = super::image::open_options(&args.source)?;
    let images = drydock_image::open(&args.image, &opts).map_err(|e| anyhow::anyhow!("{}", e))?;
    if images.len() != 1 {
        anyhow::bail!(
            "{}: {} platforms; choose one with --platform os/arch for an SBOM",
            args.image,
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
    for n in &result.notes {
        diag!("drydock: note: {n}");
    }
    let meta = drydock_vuln::ImageMeta {
        name: args.image.clone(),
        digest: img.manifest_digest.clone(),
        os: result.os.clone(),
        timestamp: None,
    };
    let doc = match args.format {
        SbomFormat::CyclonedxJson => drydock_vuln::cyclonedx_json(&result.packages, &meta),
        SbomFormat::SpdxJson => drydock_vuln::spdx_json(&result.packages, &meta),
    };
    let text = serde_json::to_string_pretty(&doc)?;
    match &args.output {
        Some(p) => std::fs::write(p, text + "\n")
            .with_context(|| format!("{}: cannot write SBOM", p.display()))?,
        None => {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{text}");
        }
    }
    Ok(crate::EXIT_CLEAN)
}
