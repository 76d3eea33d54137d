//! drydock-vuln: package inventory of image layers, the local OSV advisory database,
//! per-ecosystem version ordering and vulnerability matching, SBOM output.
//!
//! Flow: the image walker feeds layer files into [`Inventory`] (a `FileSink`);
//! [`Inventory::finish`] gives the [`Package`] list; [`match_packages`] checks it against
//! a [`Db`] filled by [`db::update`] or [`Db::import_path`]; [`sbom`] renders the same list.

#![forbid(unsafe_code)]

pub mod base;
pub mod cvss;
pub mod db;
pub mod ecosystem;
mod error;
pub mod inventory;
pub mod matcher;
pub mod osv;
pub mod package;
pub mod rules;
pub mod sbom;
pub mod verdict;
pub mod version;

pub use base::{detect_base, BaseImage, BaseRule, HistoryEntry};
pub use db::{
    default_db_path, update, update_each, Db, DbOptions, DbStatus, Freshness, ImportStats,
    SourceStatus, UpdateResult,
};
pub use ecosystem::OsInfo;
pub use error::{Error, Result};
pub use inventory::{Inventory, InventoryResult};
pub use matcher::{match_packages, MatchOptions};
pub use package::{Kind, Origin, Package};
pub use rules::rules;
/// The VU003 finding for an image whose base layers hold fixable vulnerabilities.
pub use rules::vu003::check as outdated_base_finding;
pub use sbom::{cyclonedx_json, spdx_json, ImageMeta};
pub use verdict::{base_image_verdict, base_summary, eol_info, EolInfo, Verdict};

/// The OSV archives (`all.zip` top-level ecosystems) needed to check these packages: what
/// `db update` should fetch and what [`Db::freshness`] should check.
pub fn needed_sources(packages: &[Package]) -> Vec<String> {
    ecosystem::sources_for(packages.iter().map(|p| p.ecosystem.as_str()))
}
