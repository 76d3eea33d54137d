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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_is_documented() {
        let mut ids = std::collections::HashSet::new();
        for r in rules() {
            assert!(r.id.starts_with("VU") && ids.insert(r.id), "{}", r.id);
            for section in [
                "## Why is this bad?",
                "## How to fix",
                "## Example",
                "## References",
            ] {
                assert!(r.explanation.contains(section), "{} lacks {section}", r.id);
            }
            assert_eq!(r.category, drydock_core::Category::Vulnerability);
        }
    }
}
