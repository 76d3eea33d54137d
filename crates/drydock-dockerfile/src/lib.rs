//! Dockerfile parsing (BuildKit-compatible), the stage/ARG model, `.dockerignore` and
//! build-context resolution, and the Dockerfile rules.

#![forbid(unsafe_code)]

pub mod ast;
pub mod context;
pub mod dockerignore;
pub mod expand;
pub mod fix;
pub mod parser;
pub mod rules;
pub mod scan;
pub mod shell;
pub mod stages;
pub mod suppress;

pub use ast::{Comment, Directive, Dockerfile, Heredoc, Instruction, ParseError, Span};
pub use fix::{fix_dockerfile, DigestResolver, FixResult, Pinning};
pub use parser::{parse, parse_bytes, to_parse_json};
pub use rules::{registry, rule_metas, rules_markdown, DockerfileOptions, Rule, RuleContext};
pub use scan::{scan_dockerfile, DockerfileScan, ScanError};
