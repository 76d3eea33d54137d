//! `drydock sbom IMAGE`: the inventory alone, as CycloneDX or SPDX JSON.

use crate::cli::{SbomArgs, SbomFormat};
use anyhow::{Context, Result};
use std::io::Write;

pub fn run(args: SbomArgs) -> Result<u8> {
    let access = super::scan::image_access(&args.source)?;
    let format = match args.format {
        SbomFormat::CyclonedxJson => drydock_scan::sbom::SbomFormat::CycloneDxJson,
        SbomFormat::SpdxJson => drydock_scan::sbom::SbomFormat::SpdxJson,
    };
    let (doc, notes) = drydock_scan::sbom::sbom(&args.image, &access, format)?;
    for n in &notes {
        diag!("drydock: note: {n}");
    }
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
