//! `drydock ignore check TARGET…`: scan as `drydock scan` does, then list the ignore-file
//! entries that suppressed nothing (stale) or have expired, instead of the report.

use crate::cli::{IgnoreAction, IgnoreArgs};
use anyhow::Result;

pub fn run(args: IgnoreArgs) -> Result<u8> {
    match args.action {
        IgnoreAction::Check(mut scan) => {
            scan.output.ignore_check = true;
            super::scan::run(*scan)
        }
    }
}
