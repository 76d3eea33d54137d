//! The image rules (`IM…`): one file per rule, each with its [`RuleMeta`] documentation and
//! a `check` over the [`ImageContext`]. This module is the registry.

use crate::context::ImageContext;
use drydock_core::{Finding, RuleMeta};

pub mod im001_secret_in_file;
pub mod im002_deleted_secret;
pub mod im003_sensitive_file;
pub mod im004_root_user;
pub mod im005_env_secret;
pub mod im006_label_secret;
pub mod im007_history_secret;
pub mod im008_no_healthcheck;
pub mod im009_ssh_port;
pub mod im010_setuid;
pub mod im011_world_writable;
pub mod im012_empty_password;
pub mod im013_duplicate_uid0;
pub mod im014_eol_os;
pub mod im015_wasted_space;
pub mod im016_archive_anomaly;
pub mod im017_efficiency_gate;

mod util;

type Check = fn(&ImageContext<'_>, &mut Vec<Finding>);

const RULES: &[(&RuleMeta, Check)] = &[
    (&im001_secret_in_file::META, im001_secret_in_file::check),
    (&im002_deleted_secret::META, im002_deleted_secret::check),
    (&im003_sensitive_file::META, im003_sensitive_file::check),
    (&im004_root_user::META, im004_root_user::check),
    (&im005_env_secret::META, im005_env_secret::check),
    (&im006_label_secret::META, im006_label_secret::check),
    (&im007_history_secret::META, im007_history_secret::check),
    (&im008_no_healthcheck::META, im008_no_healthcheck::check),
    (&im009_ssh_port::META, im009_ssh_port::check),
    (&im010_setuid::META, im010_setuid::check),
    (&im011_world_writable::META, im011_world_writable::check),
    (&im012_empty_password::META, im012_empty_password::check),
    (&im013_duplicate_uid0::META, im013_duplicate_uid0::check),
    (&im014_eol_os::META, im014_eol_os::check),
    (&im015_wasted_space::META, im015_wasted_space::check),
    (&im016_archive_anomaly::META, im016_archive_anomaly::check),
];

/// Every image rule's metadata, in id order.
pub fn rule_metas() -> &'static [&'static RuleMeta] {
    static METAS: std::sync::OnceLock<Vec<&'static RuleMeta>> = std::sync::OnceLock::new();
    METAS.get_or_init(|| {
        RULES
            .iter()
            .map(|(m, _)| *m)
            // Evaluated by the caller against the user's thresholds (im017's `evaluate`).
            .chain([&im017_efficiency_gate::META])
            .collect()
    })
}

/// Run every rule (policy selection happens later, in drydock-core's policy step).
pub fn run_all(cx: &ImageContext<'_>, out: &mut Vec<Finding>) {
    for (_, check) in RULES {
        check(cx, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_complete_and_documented() {
        let metas = rule_metas();
        assert_eq!(metas.len(), 17);
        for (i, m) in metas.iter().enumerate() {
            assert_eq!(m.id, format!("IM{:03}", i + 1));
            for section in [
                "## Why is this bad?",
                "## How to fix",
                "## Example",
                "## References",
            ] {
                assert!(m.explanation.contains(section), "{} lacks {section}", m.id);
            }
            assert!(!m.references.is_empty(), "{} has no references", m.id);
            assert_eq!(m.target, drydock_core::rule::Target::Image);
        }
    }
}
