//! Analyzers: per-file content checks run by the walker ([`content`]) and parsers of the
//! system files the image-level rules read ([`system`]).

pub mod content;
pub mod rpm;
pub mod system;
