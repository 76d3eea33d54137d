//! Dockerfile parsing (BuildKit-compatible), the stage/ARG model, `.dockerignore` and
//! build-context resolution, and the Dockerfile rules.

pub mod ast;

pub use ast::{Comment, Directive, Dockerfile, Heredoc, Instruction, ParseError, Span};
