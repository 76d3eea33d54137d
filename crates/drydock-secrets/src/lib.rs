//! drydock's secret detection engine. API sketch fixed by the lead so the Dockerfile, image
//! and runtime analyzers can code against it; the engine itself is being written.
//! (PLACEHOLDER: the secret-engine helper replaces this file's internals, keeping the API.)

use drydock_core::{Confidence, Severity};
use std::ops::Range;

/// What kind of bytes are being scanned; lets rules and false-positive filters use context.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ContentKind {
    /// A whole file (from a tree or an image layer).
    #[default]
    File,
    /// A shell command line (Dockerfile RUN, history `created_by`).
    CommandLine,
    /// The value of an environment variable / build arg / label; `name` in the context says which.
    Value,
}

#[derive(Clone, Debug, Default)]
pub struct ScanContext<'a> {
    /// Path of the file (image paths without leading `/`), used for path-aware rules
    /// (`.npmrc`, `.docker/config.json`, `id_rsa`) and vendor heuristics.
    pub path: Option<&'a str>,
    /// For `ContentKind::Value`: the variable/label name (`GITHUB_TOKEN`).
    pub name: Option<&'a str>,
    /// The OS package that owns this file, when the image walker knows it (vendor content).
    pub owner_package: Option<&'a str>,
    pub kind: ContentKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretMatch {
    /// Stable rule id (the YAML `id`).
    pub rule_id: String,
    /// Human name: "GitHub personal access token (classic)".
    pub rule_name: String,
    pub severity: Severity,
    pub confidence: Confidence,
    /// Byte range of the secret itself (the capture) in the scanned data.
    pub secret: Range<usize>,
    /// Byte range of the whole match.
    pub matched: Range<usize>,
    /// 1-based line/column of the secret's start and end (columns in bytes, end inclusive).
    pub start_line: usize,
    pub start_column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// Set when the match is judged vendor/test content (e.g. a key shipped by a package):
    /// severity is already lowered and this says why.
    pub vendor_reason: Option<String>,
}

pub struct Engine {}

impl Engine {
    /// The built-in rule set, compiled once.
    pub fn builtin() -> &'static Engine {
        static E: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
        E.get_or_init(|| Engine {})
    }

    pub fn scan(&self, _data: &[u8], _cx: &ScanContext<'_>) -> Vec<SecretMatch> {
        Vec::new()
    }
}

/// True when a variable/argument name says it holds a secret (`DB_PASSWORD`, `API_KEY`,
/// `GITHUB_TOKEN`), but not for names that only mention one (`PASSWORD_FILE`, `TOKEN_URL`).
pub fn name_suggests_secret(_name: &str) -> bool {
    false
}
