//! drydock's shared vocabulary: the one finding model every analyzer emits, rule metadata
//! for the registry/`explain`, secret redaction, and the policy step (select/ignore/threshold).
//!
//! Analyzers (Dockerfile, image, runtime, vulnerabilities) depend on this crate only; the
//! reporters render `Finding`s without knowing who produced them.

#![forbid(unsafe_code)]

pub mod aliases;
pub mod env;
pub mod eol;
pub mod finding;
pub mod ignore;
pub mod imageref;
pub mod policy;
pub mod progress;
pub mod redact;
pub mod rule;
pub mod sink;
pub mod warning;

pub use finding::{
    Autofix, Category, Confidence, Evidence, Finding, Location, Replacement, Severity, SourceSpan,
    VulnerabilityInfo,
};
pub use policy::{Policy, RuleSelector};
pub use progress::{Observer, Progress};
pub use redact::{redact, Redaction};
pub use rule::RuleMeta;
pub use sink::FileSink;
pub use warning::{Warning, WarningKind, WarningLevel};
