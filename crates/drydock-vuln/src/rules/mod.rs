//! The vulnerability rules. One file per rule, each carrying its documentation.
//! The matcher finds which advisories affect which package; VU001/VU002 decide how a
//! match is reported, VU003 judges the base image from the verdict.
pub(crate) mod vu001;
pub(crate) mod vu002;
pub(crate) mod vu003;

pub use vu001::META as VU001;
pub use vu002::META as VU002;
pub use vu003::META as VU003;

use drydock_core::RuleMeta;

/// Every rule of this crate, for the CLI's registry and `drydock explain`.
pub fn rules() -> &'static [&'static RuleMeta] {
    &[&VU001, &VU002, &VU003]
}
