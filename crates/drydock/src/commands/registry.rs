//! `drydock registry list REGISTRY[/PREFIX]`: a registry's tags as a targets file.

use crate::cli::{RegistryAction, RegistryArgs};
use anyhow::Result;

pub fn run(args: RegistryArgs) -> Result<u8> {
    match args.action {
        RegistryAction::List(a) => {
            let access = super::scan::image_access(&a.source)?;
            let refs =
                drydock_scan::fleet::registry_list(&a.registry, &access, a.digests, a.page_size)?;
            for r in &refs {
                outln!("{r}");
            }
            Ok(crate::EXIT_CLEAN)
        }
    }
}
