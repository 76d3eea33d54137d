//! Runtime rules: one file per rule, each with its `RuleMeta` documentation and a check over
//! the normalised [`Workload`](crate::model::Workload).

pub mod rt001_privileged;
pub mod rt002_runs_as_root;
pub mod rt003_writable_root_filesystem;
pub mod rt004_privilege_escalation;
pub mod rt005_capabilities_added;
pub mod rt006_capabilities_not_dropped;
pub mod rt007_runtime_socket;
pub mod rt008_sensitive_host_path;
pub mod rt009_host_namespace;
pub mod rt010_security_profile_disabled;
pub mod rt011_no_resource_limits;
pub mod rt012_admin_port_exposed;
pub mod rt013_host_port;
pub mod rt014_device;
pub mod rt015_unsafe_sysctl;
pub mod rt016_secret_in_environment;
pub mod rt017_image_not_pinned;
pub mod rt018_service_account_token;
pub mod rt019_restart_without_healthcheck;
pub mod rt020_privileged_host_port;
pub mod rt021_shared_mount_propagation;
pub mod rt022_volume_shared_between_services;
pub mod rt023_restart_without_limit;
pub mod rt024_image_pull_policy;
pub mod rt025_service_account_not_dedicated;
pub mod rt026_missing_probes;
pub mod rt027_proc_mount_unmasked;
pub mod rt028_cgroup_parent;
pub mod rt029_rbac_dangerous_grant;
pub mod rt030_no_pids_limit;
pub mod rt031_low_uid;
pub mod rt032_volume_type_not_allowed;
pub mod rt033_image_mutable_tag;
pub mod rt034_run_as_non_root_not_enforced;

pub(crate) mod prelude {
    pub use super::{pulled_by_tag, Cx};
    pub use crate::model::*;
    pub use drydock_core::rule::Target;
    pub use drydock_core::{Category, Confidence, Finding, RuleMeta, Severity};
}

use crate::model::{At, SourceKind, Sp, Workload};
use crate::RuntimeOptions;
use drydock_core::{Finding, Location, RuleMeta, SourceSpan};

/// What a check needs besides the workload: file names for locations, the options and the
/// facts spanning objects (service accounts, RBAC, shared volumes).
pub struct Cx<'a> {
    pub files: &'a [String],
    pub opts: &'a RuntimeOptions,
    pub set: &'a crate::set::ManifestSet,
}

impl Cx<'_> {
    pub fn loc(&self, w: &Workload, at: &At) -> Location {
        match at {
            At::Src {
                file,
                line,
                col,
                width,
            } => Location::Source(SourceSpan {
                path: self.files.get(*file as usize).cloned().unwrap_or_default(),
                start_line: *line,
                end_line: *line,
                start_column: *col,
                end_column: col + width.saturating_sub(1),
            }),
            At::Field(f) => Location::Container {
                container: w.container.clone(),
                field: if f.is_empty() {
                    "HostConfig".into()
                } else {
                    f.clone()
                },
            },
        }
    }

    /// A finding of `meta` about `w` at `at`; the message is prefixed with the workload.
    pub fn finding(&self, meta: &RuleMeta, w: &Workload, at: &At, msg: impl AsRef<str>) -> Finding {
        Finding::from_rule(
            meta,
            format!("{}{}: {}", w.name, w.profile_note(), msg.as_ref()),
            self.loc(w, at),
        )
    }
}

type Check = fn(&Workload, &Cx, &mut Vec<Finding>);
/// Checks over the file's objects rather than one container (RBAC roles).
type SetCheck = fn(&Cx, &mut Vec<Finding>);

/// Every rule with its check, in id order.
pub const RULES: &[(&RuleMeta, Check)] = &[
    (&rt001_privileged::META, rt001_privileged::check),
    (&rt002_runs_as_root::META, rt002_runs_as_root::check),
    (
        &rt003_writable_root_filesystem::META,
        rt003_writable_root_filesystem::check,
    ),
    (
        &rt004_privilege_escalation::META,
        rt004_privilege_escalation::check,
    ),
    (
        &rt005_capabilities_added::META,
        rt005_capabilities_added::check,
    ),
    (
        &rt006_capabilities_not_dropped::META,
        rt006_capabilities_not_dropped::check,
    ),
    (&rt007_runtime_socket::META, rt007_runtime_socket::check),
    (
        &rt008_sensitive_host_path::META,
        rt008_sensitive_host_path::check,
    ),
    (&rt009_host_namespace::META, rt009_host_namespace::check),
    (
        &rt010_security_profile_disabled::META,
        rt010_security_profile_disabled::check,
    ),
    (
        &rt011_no_resource_limits::META,
        rt011_no_resource_limits::check,
    ),
    (
        &rt012_admin_port_exposed::META,
        rt012_admin_port_exposed::check,
    ),
    (&rt013_host_port::META, rt013_host_port::check),
    (&rt014_device::META, rt014_device::check),
    (&rt015_unsafe_sysctl::META, rt015_unsafe_sysctl::check),
    (
        &rt016_secret_in_environment::META,
        rt016_secret_in_environment::check,
    ),
    (&rt017_image_not_pinned::META, rt017_image_not_pinned::check),
    (
        &rt018_service_account_token::META,
        rt018_service_account_token::check,
    ),
    (
        &rt019_restart_without_healthcheck::META,
        rt019_restart_without_healthcheck::check,
    ),
    (
        &rt020_privileged_host_port::META,
        rt020_privileged_host_port::check,
    ),
    (
        &rt021_shared_mount_propagation::META,
        rt021_shared_mount_propagation::check,
    ),
    (
        &rt022_volume_shared_between_services::META,
        rt022_volume_shared_between_services::check,
    ),
    (
        &rt023_restart_without_limit::META,
        rt023_restart_without_limit::check,
    ),
    (
        &rt024_image_pull_policy::META,
        rt024_image_pull_policy::check,
    ),
    (
        &rt025_service_account_not_dedicated::META,
        rt025_service_account_not_dedicated::check,
    ),
    (&rt026_missing_probes::META, rt026_missing_probes::check),
    (
        &rt027_proc_mount_unmasked::META,
        rt027_proc_mount_unmasked::check,
    ),
    (&rt028_cgroup_parent::META, rt028_cgroup_parent::check),
    (&rt030_no_pids_limit::META, rt030_no_pids_limit::check),
    (&rt031_low_uid::META, rt031_low_uid::check),
    (
        &rt032_volume_type_not_allowed::META,
        rt032_volume_type_not_allowed::check,
    ),
    (
        &rt033_image_mutable_tag::META,
        rt033_image_mutable_tag::check,
    ),
    (
        &rt034_run_as_non_root_not_enforced::META,
        rt034_run_as_non_root_not_enforced::check,
    ),
];

/// Rules over the file's objects, run once per file.
pub const SET_RULES: &[(&RuleMeta, SetCheck)] = &[(
    &rt029_rbac_dangerous_grant::META,
    rt029_rbac_dangerous_grant::check,
)];

/// The registry: metadata of every runtime rule.
pub fn rule_metas() -> Vec<&'static RuleMeta> {
    let mut v: Vec<&'static RuleMeta> = RULES.iter().map(|(m, _)| *m).collect();
    v.extend(SET_RULES.iter().map(|(m, _)| *m));
    v.sort_by_key(|m| m.id);
    v
}

/// The image a workload pulls by tag alone (no digest), parsed: `None` for inspect objects
/// (they run a resolved image), images built here (Compose `build:` + `image:`), templated
/// references and digest-pinned ones. Shared by the pinning (RT017) and mutable-tag (RT033)
/// rules so they agree on what counts as pulled.
pub fn pulled_by_tag(w: &Workload) -> Option<(&Sp<String>, drydock_core::imageref::ImageRef)> {
    let img = w.image.as_ref()?;
    if w.source == SourceKind::Inspect
        || w.built_locally
        || img.v.contains('$')
        || img.v.contains("{{")
    {
        return None;
    }
    let r = drydock_core::imageref::ImageRef::parse(img.v.trim()).ok()?;
    r.digest.is_none().then_some((img, r))
}
