//! The vulnerability rules. One file per rule, each carrying its documentation.
mod vu001;
mod vu002;
mod vu003;

pub use vu001::VU001;
pub use vu002::VU002;
pub use vu003::VU003;

use drydock_core::RuleMeta;

/// Every rule of this crate, for the CLI's registry and `drydock explain`.
pub fn rules() -> &'static [&'static RuleMeta] {
    &[&VU001, &VU002, &VU003]
}
