//! The image rules (`IM…`): one file per rule, each with its [`RuleMeta`] documentation and
//! a `check` over the [`ImageContext`]. This module is the registry.

use crate::context::ImageContext;
use drydock_core::rule::{run_isolated, RuleFailure};
use drydock_core::{Finding, Policy, RuleMeta};

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

/// Run the rules `policy` enables, each isolated from the others' panics; the failures
/// name the rules that panicked.
pub fn run_all(cx: &ImageContext<'_>, policy: &Policy, out: &mut Vec<Finding>) -> Vec<RuleFailure> {
    RULES
        .iter()
        .filter(|(meta, _)| policy.is_enabled(meta))
        .filter_map(|(meta, check)| run_isolated(meta, out, |o| check(cx, o)).err())
        .collect()
}
