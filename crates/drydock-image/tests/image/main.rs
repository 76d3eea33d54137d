//! drydock-image integration tests, in one binary so the secret engine is compiled once.

#[path = "../common/mod.rs"]
mod common;

mod cache;
mod findings;
mod fuzz;
mod hostile;
mod lab;
mod options;
mod sources;
