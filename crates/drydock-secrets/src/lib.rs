//! drydock's secret detection engine.
//!
//! Rules are data (`rules/*.yaml`, one file per provider family, each rule with examples that
//! must match and negative examples that must not). Matching is two-stage: a keyword pass
//! over every rule keyword (a hashed shift-or filter, then the keyword automaton around its
//! flags: `keywords.rs`), then each rule's regex only in a window around its keyword hits, on
//! `&[u8]` (no UTF-8 assumption). Candidates then go through offline validators
//! (checksums, JWT header decode, key body decode), entropy/character-class minimums and
//! placeholder filters; context (owning package, test paths, documented example keys) lowers
//! severity and says why.
//!
//! ```
//! use drydock_secrets::{Engine, ScanContext};
//! let m = Engine::builtin().scan(b"token = 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\n", &ScanContext::default());
//! assert_eq!(m[0].rule_id, "github-pat-classic");
//! ```

// Only the keyword filter's AVX2 path (keywords.rs) may use `unsafe`, where it allows it.
#![deny(unsafe_code)]

mod assign;
mod check;
mod decode;
mod keywords;
mod names;
mod rules;
mod tree;
pub mod validate;
mod values;

pub use check::{
    check_rule_defs, check_rules, check_rules_with, check_user_rules, engine_rule_catalog,
    rule_catalog, RulesCheckError, RulesCheckReport, SecretRuleInfo,
};
pub use names::name_suggests_secret;
pub use rules::{
    parse_file as parse_rules_file, Detector, Example, RuleDef, RuleScope, RulesError, Validator,
    BUILTIN_RULE_FILES,
};
pub use tree::{
    finding_for_match, scan_file_at, scan_tree, scan_tree_report, FileFindings, TreeScan,
    TreeScanError, TreeScanOptions, MAX_PER_FILE, MAX_PER_RULE,
};

use drydock_core::{Confidence, Severity};
use rules::{Rule, BACK_WINDOW, MAX_WINDOW};
use std::io::Read;
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
    /// Set when the secret was found in decoded content (`"base64"`, `"JSON string escapes"`):
    /// the ranges and lines point at the encoded text in the scanned data.
    pub decoded: Option<&'static str>,
    /// Found by a generic rule (a secret-named key), not by a provider's token format.
    pub generic: bool,
}

impl SecretMatch {
    /// What was found, for a sentence: the rule's name without its parenthesised scope
    /// ("Secret value in a secret-named variable (ENV, ARG, LABEL)" reads "Secret value").
    pub fn kind(&self) -> &str {
        match self.rule_id.as_str() {
            "secret-in-named-variable" => "Secret value",
            _ => &self.rule_name,
        }
    }

    /// [`kind`](Self::kind) with its article, lower-cased where it starts a phrase:
    /// "an AWS access key ID", "a GitHub personal access token", "a secret value".
    pub fn with_article(&self) -> String {
        let kind = self.kind();
        let first = kind.split_whitespace().next().unwrap_or("");
        let acronym = first.len() > 1
            && first
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
        // Acronyms are read letter by letter: "an RSA key", "an SSH key", "a PGP key".
        let vowel_sound = match first.chars().next() {
            Some(c) if acronym => "AEFHILMNORSX".contains(c),
            Some(c) => "aeiouAEIOU".contains(c) || first == "npm",
            None => false,
        };
        let kind = if kind == "Secret value" {
            "secret value"
        } else {
            kind
        };
        format!("{} {kind}", if vowel_sound { "an" } else { "a" })
    }
}

/// A validated candidate before line numbers are attached.
#[derive(Clone, Debug)]
struct Raw {
    rule: usize,
    secret: Range<usize>,
    matched: Range<usize>,
    severity: Severity,
    confidence: Confidence,
    reason: Option<String>,
    /// Proven by a checksum/structure validator: wins overlaps.
    validated: bool,
    /// Found in decoded content (see `SecretMatch::decoded`).
    decoded: Option<&'static str>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("rules", &self.rules.len())
            .finish_non_exhaustive()
    }
}

pub struct Engine {
    rules: Vec<Rule>,
    ac: keywords::Keywords,
    /// AC pattern index → rules using that keyword.
    ac_rules: Vec<Vec<u32>>,
    /// The same for rules allowed on binary content.
    /// Built on the first binary input (Dockerfiles and most runs never need it).
    bin_ac: std::sync::OnceLock<keywords::Keywords>,
    bin_keywords: Vec<String>,
    bin_rules: Vec<Vec<u32>>,
    named_value_rules: Vec<usize>,
    /// Path-gated rules without keywords: run over whole matching files.
    whole_file_rules: Vec<usize>,
    /// Per rule: a context rule (`is_context_rule`).
    context: Vec<bool>,
}

/// Inputs up to this size run each rule's backtracking-only pattern: on a few hundred
/// bytes, building lazy-DFA states (and compiling the DFA side of the pattern) cost more
/// than the search itself (on the Dockerfile corpus, 20% of the engine's CPU).
const SHORT_INPUT: usize = 1024;
/// The same for command lines and values (scanned once each, so a lazy DFA never gets to
/// reuse its states), up to this size. Whole files above `SHORT_INPUT` keep the lazy DFA:
/// its states are reused across the file's windows (backtracking there measured 2x slower).
const SHORT_COMMAND: usize = 16 << 10;

/// Bytes read per streaming window.
const STREAM_CHUNK: usize = 8 << 20;
/// Overlap kept between windows: larger than any rule window plus its back window, so a
/// match that starts before the cut is wholly inside the buffer it is reported from.
const STREAM_OVERLAP: usize = MAX_WINDOW + 2 * BACK_WINDOW + 4096;

/// Does the token at the start of `rest` (up to whitespace, a quote or `<>`) contain `lit`?
/// Runs for every hit of keywords such as `https://`, so it is one pass over a byte table.
fn token_contains(rest: &[u8], lit: &[u8]) -> bool {
    const END: [bool; 256] = {
        let mut t = [false; 256];
        let ends = b" \t\r\n\"'<>`";
        let mut i = 0;
        while i < ends.len() {
            t[ends[i] as usize] = true;
            i += 1;
        }
        t
    };
    let Some((&first, _)) = lit.split_first() else {
        return true;
    };
    for (i, &b) in rest.iter().enumerate() {
        if END[b as usize] {
            return false;
        }
        if b == first && rest[i..].starts_with(lit) {
            // The literal must lie inside the token.
            return !rest[i..i + lit.len()].iter().any(|&c| END[c as usize]);
        }
    }
    false
}

/// Can a hit of one keyword hide a hit of the other?
fn may_overlap(a: &str, b: &str) -> bool {
    // The search restarts one byte after each hit's start, so only a keyword that contains
    // another (starts earlier, ends later or at the same byte) can be hidden.
    a.contains(b) || b.contains(a)
}

/// Give each keyword the rules of every keyword it may overlap with, so that the
/// non-overlapping keyword search never loses a rule's candidate.
fn close_overlaps(keywords: &[String], map: &mut [Vec<u32>]) {
    let orig: Vec<Vec<u32>> = map.to_vec();
    for (i, ki) in keywords.iter().enumerate() {
        for (j, kj) in keywords.iter().enumerate().skip(i + 1) {
            // Cheap reject first: the shorter keyword's first byte must occur in the longer.
            let (long, short) = if ki.len() >= kj.len() {
                (ki, kj)
            } else {
                (kj, ki)
            };
            if memchr::memchr(short.as_bytes()[0], long.as_bytes()).is_none()
                || !may_overlap(ki, kj)
            {
                continue;
            }
            for (to, from) in [(i, j), (j, i)] {
                for &r in &orig[from] {
                    if !map[to].contains(&r) {
                        map[to].push(r);
                    }
                }
            }
        }
    }
}

/// Severity of a match in a file an OS package owns: low (vendor content, still listed); a
/// generic hit there (a secret-named key in a package's code, docs or tests) is not something
/// a user acts on, so it is info unless a validator proved it (confidence high).
pub fn package_owned_severity(
    generic: bool,
    confidence: Confidence,
    severity: Severity,
) -> Severity {
    if generic && confidence < Confidence::High {
        Severity::Info
    } else {
        severity_min(severity, Severity::Low)
    }
}

fn severity_min(a: Severity, b: Severity) -> Severity {
    a.min(b)
}

fn lower_confidence(c: Confidence) -> Confidence {
    match c {
        Confidence::High => Confidence::Medium,
        _ => Confidence::Low,
    }
}

/// Heuristic: a NUL in the first 8 KiB means binary (ELF, images, archives, UTF-16).
pub fn is_binary(data: &[u8]) -> bool {
    memchr::memchr(0, &data[..data.len().min(8192)]).is_some()
}

/// Paths of tests, fixtures, examples and documentation: secrets there are usually samples.
fn test_path_reason(path: &str) -> Option<&'static str> {
    let p = path.to_ascii_lowercase();
    let p = format!("/{}", p.trim_start_matches('/'));
    const DIRS: &[&str] = &[
        "/test/",
        "/tests/",
        "/testdata/",
        "/testing/",
        "/fixtures/",
        "/fixture/",
        "/__tests__/",
        "/spec/",
        "/examples/",
        "/example/",
        "/samples/",
        "/usr/share/doc/",
        "/docs/",
        "/doc/",
    ];
    if DIRS.iter().any(|d| p.contains(d)) {
        return Some("in a test, fixture, example or documentation path");
    }
    let file = p.rsplit('/').next().unwrap_or("");
    if file.starts_with("readme")
        || file.starts_with("changelog")
        || [".md", ".rst", ".adoc", ".html", ".txt.gz"]
            .iter()
            .any(|e| file.ends_with(e))
    {
        return Some("in a documentation file");
    }
    if file.starts_with("test_")
        || file.contains("_test.")
        || file.contains(".test.")
        || file.contains("_spec.")
        || file.contains(".spec.")
        || file.contains("example")
        || file.contains("sample")
    {
        return Some("in a test, fixture, example or documentation file");
    }
    None
}

/// Files that a package creates at install time (not in its file list, so the walker cannot
/// name an owner) and that are per-installation, not a leaked credential.
fn generated_by_package(path: &str) -> Option<&'static str> {
    let p = path.trim_start_matches('/');
    (p == "etc/ssl/private/ssl-cert-snakeoil.key").then_some(
        "Debian's ssl-cert \"snakeoil\" key, generated when the package is installed (self-signed placeholder; regenerate or replace it before serving TLS)",
    )
}

/// (whole match, secret capture, key capture), relative to the searched window.
type Captured = (Range<usize>, Range<usize>, Option<Range<usize>>);

impl Engine {
    /// The built-in rule set, compiled once.
    pub fn builtin() -> &'static Engine {
        static E: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
        E.get_or_init(|| {
            Engine::with_rules(&[], &[])
                .expect("built-in secret rules are valid (checked by tests)")
        })
    }

    /// Built-in rules plus extra YAML rule files (`(origin, yaml text)`, same schema as
    /// `rules/*.yaml`), minus the `disabled` rule ids.
    pub fn with_rules(extra: &[(&str, &str)], disabled: &[&str]) -> Result<Engine, RulesError> {
        let mut defs = Vec::new();
        for (origin, text) in extra {
            for d in rules::parse_file(origin, text)? {
                defs.push((origin.to_string(), d));
            }
        }
        Engine::with_rule_defs(defs, disabled)
    }

    /// Built-in rules plus already parsed user rules (`(origin, rule)`: rules from a YAML
    /// file, or inline `[[secrets.rules]]` tables of `drydock.toml`), minus the `disabled`
    /// rule ids. User patterns are compiled now, so a bad regex is a load error.
    pub fn with_rule_defs(
        extra: Vec<(String, RuleDef)>,
        disabled: &[&str],
    ) -> Result<Engine, RulesError> {
        // (origin, rule, user rule: compile its pattern now so a bad regex is a load error)
        let mut defs: Vec<(String, rules::RuleDef, bool)> = Vec::new();
        for (origin, text) in BUILTIN_RULE_FILES {
            for d in rules::parse_file(origin, text)? {
                defs.push((origin.to_string(), d, false));
            }
        }
        defs.extend(extra.into_iter().map(|(o, d)| (o, d, true)));
        let mut seen: std::collections::HashMap<String, String> = std::collections::HashMap::new();
        for (origin, d, _) in &defs {
            if let Some(first) = seen.insert(d.id.clone(), origin.clone()) {
                return Err(RulesError::Duplicate {
                    id: d.id.clone(),
                    first,
                    second: origin.clone(),
                });
            }
        }
        for id in disabled {
            if !seen.contains_key(*id) {
                return Err(RulesError::UnknownDisabled(id.to_string()));
            }
        }
        let mut compiled = Vec::new();
        for (origin, d, eager) in defs {
            if disabled.contains(&d.id.as_str()) {
                continue;
            }
            compiled.push(rules::compile(d, &origin, eager)?);
        }
        Ok(Engine::from_rules(compiled))
    }

    fn from_rules(rules: Vec<Rule>) -> Engine {
        let mut kw_index: std::collections::HashMap<String, usize> = Default::default();
        let mut keywords: Vec<String> = Vec::new();
        let mut ac_rules: Vec<Vec<u32>> = Vec::new();
        let mut bin_index: std::collections::HashMap<String, usize> = Default::default();
        let mut bin_keywords: Vec<String> = Vec::new();
        let mut bin_rules: Vec<Vec<u32>> = Vec::new();
        let mut named_value_rules = Vec::new();
        let mut whole_file_rules = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            if r.def.scope == RuleScope::NamedValue {
                named_value_rules.push(i);
                continue;
            }
            if r.def.keywords.is_empty() {
                whole_file_rules.push(i);
            }
            for k in &r.def.keywords {
                let key = k.to_ascii_lowercase();
                let slot = *kw_index.entry(key.clone()).or_insert_with(|| {
                    keywords.push(key.clone());
                    ac_rules.push(Vec::new());
                    keywords.len() - 1
                });
                if !ac_rules[slot].contains(&(i as u32)) {
                    ac_rules[slot].push(i as u32);
                }
                if r.def.binary {
                    let slot = *bin_index.entry(key.clone()).or_insert_with(|| {
                        bin_keywords.push(key.clone());
                        bin_rules.push(Vec::new());
                        bin_keywords.len() - 1
                    });
                    if !bin_rules[slot].contains(&(i as u32)) {
                        bin_rules[slot].push(i as u32);
                    }
                }
            }
        }
        close_overlaps(&keywords, &mut ac_rules);
        close_overlaps(&bin_keywords, &mut bin_rules);
        let context = rules.iter().map(Self::is_context_rule).collect();
        Engine {
            context,
            ac: keywords::Keywords::new(&keywords),
            ac_rules,
            bin_ac: std::sync::OnceLock::new(),
            bin_keywords,
            bin_rules,
            named_value_rules,
            whole_file_rules,
            rules,
        }
    }

    /// Compile every rule's pattern now (they are otherwise compiled on first use); returns
    /// one message per pattern that does not compile.
    pub(crate) fn compile_all(&self) -> Vec<String> {
        self.rules
            .iter()
            .filter_map(|r| {
                r.pattern()
                    .err()
                    .map(|e| format!("rule `{}`: {e}", r.def.id))
            })
            .collect()
    }

    /// Number of enabled rules.
    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }

    /// The enabled rules' definitions (for catalogs and checks).
    pub fn rule_defs(&self) -> impl Iterator<Item = &RuleDef> {
        self.rules.iter().map(|r| &r.def)
    }

    /// The enabled rules with where each was defined and whether it is a user rule.
    pub(crate) fn rules_with_origin(&self) -> impl Iterator<Item = (&RuleDef, &str, bool)> {
        self.rules
            .iter()
            .map(|r| (&r.def, r.origin.as_str(), r.user))
    }

    /// Number of keyword (prefilter) hits in `data`: how much work the regex stage gets.
    pub fn keyword_hits(&self, data: &[u8]) -> usize {
        let mut n = 0;
        self.ac.for_each_hit(data, |_| n += 1);
        n
    }

    /// Scan a whole buffer. Matches are ordered by position.
    ///
    /// For `ContentKind::Value` with a `name`, the value is scanned as `NAME=value` so rules
    /// that need their context (`DD_API_KEY=…`, `AWS_SECRET_ACCESS_KEY=…`) see it; matches are
    /// reported relative to the value.
    pub fn scan(&self, data: &[u8], cx: &ScanContext<'_>) -> Vec<SecretMatch> {
        let binary = is_binary(data);
        if let (ContentKind::Value, Some(name)) = (cx.kind, cx.name) {
            let off = name.len() + 1;
            let mut buf = Vec::with_capacity(off + data.len());
            buf.extend_from_slice(name.as_bytes());
            buf.push(b'=');
            buf.extend_from_slice(data);
            let raws = self
                .scan_raw(&buf, cx, binary, off, 0)
                .into_iter()
                .filter(|r| r.secret.start >= off)
                .map(|mut r| {
                    r.secret = r.secret.start - off..r.secret.end - off;
                    r.matched = r.matched.start.saturating_sub(off)..r.matched.end - off;
                    r
                })
                .collect();
            return self.finish(data, raws, 0, 0);
        }
        // Java `.properties` escape `:` and `=` in values (`Properties.store` writes
        // `url=redis\://u\:p@h`): scan the unescaped text, report at the original bytes.
        if !binary
            && cx.kind == ContentKind::File
            && cx.path.is_some_and(|p| p.ends_with(".properties"))
            && (memchr::memmem::find(data, b"\\:").is_some()
                || memchr::memmem::find(data, b"\\=").is_some())
        {
            let (plain, at) = values::properties_unescape(data);
            let map = |i: usize| at.get(i).copied().unwrap_or(data.len());
            let raws = self
                .scan_raw(&plain, cx, false, 0, 0)
                .into_iter()
                .map(|r| Raw {
                    secret: map(r.secret.start)..map(r.secret.end.saturating_sub(1)) + 1,
                    matched: map(r.matched.start)..map(r.matched.end.saturating_sub(1)) + 1,
                    ..r
                })
                .collect();
            return self.finish(data, raws, 0, 0);
        }
        let raws = self.scan_raw(data, cx, binary, 0, 0);
        self.finish(data, raws, 0, 0)
    }

    /// Scan a stream in overlapping windows (bounded memory: about 8 MiB + overlap); each
    /// match is reported once, with offsets and lines relative to the whole stream. Binary
    /// detection uses the first window.
    pub fn scan_reader<R: Read>(
        &self,
        reader: R,
        cx: &ScanContext<'_>,
        mut on_match: impl FnMut(SecretMatch),
    ) -> std::io::Result<()> {
        self.scan_reader_with_bytes(reader, cx, |m, _| on_match(m))
    }

    /// [`scan_reader`](Self::scan_reader), also handing over each match's secret bytes (so
    /// callers need not read the stream again).
    pub fn scan_reader_with_bytes<R: Read>(
        &self,
        mut reader: R,
        cx: &ScanContext<'_>,
        mut on_match: impl FnMut(SecretMatch, &[u8]),
    ) -> std::io::Result<()> {
        let mut buf: Vec<u8> = Vec::with_capacity(STREAM_CHUNK + STREAM_OVERLAP);
        let mut base_offset = 0usize; // stream offset of buf[0]
        let mut base_line = 0usize; // newlines before buf[0]
        let mut base_col = 0usize; // bytes between the last newline and buf[0]
        let mut emitted_upto = 0usize; // stream offset: matches starting before it are done
        let mut binary: Option<bool> = None;
        loop {
            let target = STREAM_CHUNK + STREAM_OVERLAP;
            let mut eof = false;
            while buf.len() < target {
                let old = buf.len();
                buf.resize(target, 0);
                match reader.read(&mut buf[old..]) {
                    Ok(0) => {
                        buf.truncate(old);
                        eof = true;
                        break;
                    }
                    Ok(n) => buf.truncate(old + n),
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => buf.truncate(old),
                    Err(e) => return Err(e),
                }
            }
            let is_bin = *binary.get_or_insert_with(|| is_binary(&buf));
            let boundary = if eof {
                buf.len()
            } else {
                buf.len() - STREAM_OVERLAP
            };
            let raws = self.scan_raw(&buf, cx, is_bin, 0, 0);
            for mut m in self.finish(&buf, raws, base_line, base_col) {
                let abs = base_offset + m.matched.start;
                if abs < emitted_upto || m.matched.start >= boundary {
                    continue;
                }
                let local = m.secret.clone();
                m.secret = m.secret.start + base_offset..m.secret.end + base_offset;
                m.matched = m.matched.start + base_offset..m.matched.end + base_offset;
                on_match(m, &buf[local]);
            }
            if eof {
                return Ok(());
            }
            emitted_upto = base_offset + boundary;
            // Keep context before the cut so keywords just before it still open windows;
            // start the kept part at a line start when one is near.
            let ctx_start = boundary.saturating_sub(2 * BACK_WINDOW);
            let keep = match memchr::memrchr(b'\n', &buf[ctx_start.saturating_sub(1024)..ctx_start])
            {
                Some(p) => ctx_start.saturating_sub(1024) + p + 1,
                None => ctx_start,
            };
            let dropped = &buf[..keep];
            let nl = memchr::memchr_iter(b'\n', dropped).count();
            base_line += nl;
            base_col = match memchr::memrchr(b'\n', dropped) {
                Some(p) => keep - p - 1,
                None => base_col + keep,
            };
            base_offset += keep;
            buf.drain(..keep);
        }
    }

    fn rule_active(&self, r: &Rule, cx: &ScanContext<'_>, depth: u8) -> bool {
        if matches!(
            r.def.detector,
            Some(Detector::Decode | Detector::KubeSecretData)
        ) && depth >= decode::MAX_DEPTH
        {
            return false;
        }
        // Lockfiles are generated: their hashes and ids sit under names like `js-tokens`.
        if r.def.generic && cx.path.is_some_and(values::is_lockfile) {
            return false;
        }
        match &r.paths {
            None => true,
            Some(set) => cx.path.is_some_and(|p| set.is_match(p)),
        }
    }

    /// `value_start`: where the value begins in `data` (named-value rules look only there).
    fn scan_raw(
        &self,
        data: &[u8],
        cx: &ScanContext<'_>,
        binary: bool,
        value_start: usize,
        depth: u8,
    ) -> Vec<Raw> {
        let (ac, map) = if binary {
            (
                self.bin_ac
                    .get_or_init(|| keywords::Keywords::new(&self.bin_keywords)),
                &self.bin_rules,
            )
        } else {
            (&self.ac, &self.ac_rules)
        };
        // Keyword hits of context rules: (start, end, rule).
        let mut ctx_hits: Vec<(usize, usize, usize)> = Vec::new();
        // Per-rule merged windows, filled lazily.
        let mut windows: Vec<Vec<(usize, usize)>> = Vec::new();
        // 2 = not computed yet
        let mut active: Vec<u8> = vec![2; self.rules.len()];
        ac.for_each_hit(data, |m| {
            for &ri in &map[m.pattern().as_usize()] {
                let ri = ri as usize;
                if active[ri] == 2 {
                    active[ri] = self.rule_active(&self.rules[ri], cx, depth) as u8;
                }
                if active[ri] == 0 {
                    continue;
                }
                if windows.is_empty() {
                    windows = vec![Vec::new(); self.rules.len()];
                }
                let r = &self.rules[ri];
                if let Some(lit) = &r.def.needs_in_token {
                    let rest = &data[m.end()..(m.end() + 256).min(data.len())];
                    if !token_contains(rest, lit.as_bytes()) {
                        continue;
                    }
                }
                if self.context[ri] {
                    ctx_hits.push((m.start(), m.end(), ri));
                }
                let mut start = m.start().saturating_sub(r.before);
                let mut end = (m.end() + r.window).min(data.len());
                // Widen to line boundaries (bounded) so a window never cuts a token in half.
                let lo = start.saturating_sub(64);
                if let Some(p) = memchr::memrchr(b'\n', &data[lo..start]) {
                    start = lo + p + 1;
                } else {
                    start = lo;
                }
                let hi = (end + 64).min(data.len());
                end = match memchr::memchr(b'\n', &data[end..hi]) {
                    Some(p) => end + p,
                    None => hi,
                };
                let w = &mut windows[ri];
                match w.last_mut() {
                    Some(last) if start <= last.1 => last.1 = last.1.max(end),
                    _ => w.push((start, end)),
                }
            }
        });
        let mut raws = Vec::new();
        let mut rejected: Vec<Range<usize>> = Vec::new();
        for (ri, ws) in windows.iter().enumerate() {
            for &(s, e) in ws {
                self.run_rule(ri, data, s, e, cx, depth, &mut raws, &mut rejected);
            }
        }
        // Context rules in every assignment syntax: the key-like token around each of their
        // keyword hits is read as an assignment key (once per token), and each rule whose
        // keyword it holds reads that assignment as `key=value`.
        if !ctx_hits.is_empty() {
            ctx_hits.sort_unstable();
            let mut last: Option<((usize, usize), Option<assign::Assignment>)> = None;
            for (hs, he, ri) in ctx_hits {
                if last.as_ref().map(|l| l.0) != Some((hs, he)) {
                    last = Some(((hs, he), assign::around(data, hs, he, cx.path)));
                }
                if let Some((_, Some(a))) = &last {
                    self.context_in_assignment(ri, data, a, cx, &mut raws, &mut rejected);
                }
            }
        }
        if !binary {
            for &ri in &self.whole_file_rules {
                if self.rule_active(&self.rules[ri], cx, depth) {
                    self.run_rule(ri, data, 0, data.len(), cx, depth, &mut raws, &mut rejected);
                }
            }
        }
        if cx.kind == ContentKind::Value && cx.name.is_some_and(name_suggests_secret) {
            for &ri in &self.named_value_rules {
                if self.rule_active(&self.rules[ri], cx, depth) {
                    self.run_rule(
                        ri,
                        data,
                        value_start,
                        data.len(),
                        cx,
                        depth,
                        &mut raws,
                        &mut rejected,
                    );
                }
            }
        }
        self.resolve_overlaps(raws, &rejected)
    }

    #[allow(clippy::too_many_arguments)]
    fn run_rule(
        &self,
        ri: usize,
        data: &[u8],
        s: usize,
        e: usize,
        cx: &ScanContext<'_>,
        depth: u8,
        raws: &mut Vec<Raw>,
        rejected: &mut Vec<Range<usize>>,
    ) {
        let r = &self.rules[ri];
        let mut found: Vec<Captured> = Vec::new();
        let short = data.len() <= SHORT_INPUT
            || (cx.kind != ContentKind::File && data.len() <= SHORT_COMMAND);
        // Detectors see the whole buffer (a value may run past the window); their ranges
        // are absolute, so the "window" becomes the whole buffer below.
        let (s, e) = match r.def.detector {
            Some(Detector::Assignment) => {
                let mut hits = Vec::new();
                assign::find(data, s, e, cx.path, &mut hits);
                found.extend(
                    hits.into_iter()
                        .filter(|a| a.named)
                        .map(|a| (a.whole, a.secret, Some(a.key))),
                );
                (0, data.len())
            }
            Some(Detector::Decode) => {
                decode::run(self, data, s, e, cx, depth, raws);
                return;
            }
            Some(Detector::KubeSecretData) => {
                decode::kube_secret_data(self, data, s, e, cx, raws);
                return;
            }
            None => (s, e),
        };
        let hay = &data[s..e];
        match r
            .short_pattern()
            .filter(|_| short && r.def.detector.is_none())
        {
            Some(pat) => {
                for caps in pat.regex.captures_iter(hay) {
                    let (Some(whole), Some(sec)) =
                        (caps.get_match(), caps.get_group(pat.secret_group))
                    else {
                        continue;
                    };
                    let key = pat.key_group.and_then(|g| caps.get_group(g));
                    found.push((whole.range(), sec.range(), key.map(|k| k.range())));
                }
            }
            None if r.def.detector.is_some() => {}
            None => {
                // A pattern that does not compile matches nothing; `check_rules` reports it.
                let Ok(pat) = r.pattern() else { return };
                for caps in pat.regex.captures_iter(hay) {
                    let (Some(whole), Some(sec)) = (caps.get(0), caps.get(pat.secret_group)) else {
                        continue;
                    };
                    let key = pat.key_group.and_then(|g| caps.get(g));
                    found.push((whole.range(), sec.range(), key.map(|k| k.range())));
                }
            }
        }
        for (whole, sec, key) in found {
            // Armored key bodies start/end with line breaks: report the key text itself.
            let raw = &hay[sec.clone()];
            let lead = raw.iter().take_while(|b| b.is_ascii_whitespace()).count();
            let trail = raw[lead..]
                .iter()
                .rev()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
            let secret = s + sec.start + lead..s + sec.end - trail;
            // `app-7a388b69018576d24b59331fd60aab0c.png`, `main.3f2a9c1b.js`: a content hash in
            // a file name looks random but is not a credential (a checksum would say otherwise).
            if r.def.checksum.is_none() && values::in_asset_name(data, &secret) {
                continue;
            }
            match self.validate(
                r,
                &data[secret.clone()],
                &hay[whole.clone()],
                key.map(|k| &hay[k]),
                cx,
            ) {
                Ok((severity, confidence, reason, validated)) => raws.push(Raw {
                    decoded: None,
                    rule: ri,
                    secret,
                    matched: s + whole.start..s + whole.end,
                    severity,
                    confidence,
                    reason,
                    validated,
                }),
                Err(Reject::Checksum) => rejected.push(secret),
                Err(Reject::Other) => {}
            }
        }
    }

    /// A context rule: the provider's name in the key, then a value of its shape (see
    /// `context_in_assignment`).
    fn is_context_rule(r: &Rule) -> bool {
        r.def.detector.is_none()
            && !r.def.generic
            && r.paths.is_none()
            && !r.def.keywords.is_empty()
            && r.def.pattern.starts_with("(?i:")
    }

    /// Scan `key=decoded` (a value decoded from `span` in the outer data) with every rule one
    /// decoding level deeper; matches are reported at `span`, saying how it was encoded.
    pub(crate) fn rescan_pair(
        &self,
        key: &[u8],
        decoded: &[u8],
        how: &'static str,
        span: Range<usize>,
        cx: &ScanContext<'_>,
        raws: &mut Vec<Raw>,
    ) {
        if key.is_empty() || decoded.is_empty() || key.len() > 128 {
            return;
        }
        let off = key.len() + 1;
        let mut buf = Vec::with_capacity(off + decoded.len());
        buf.extend_from_slice(key);
        buf.push(b'=');
        buf.extend_from_slice(decoded);
        let inner = ScanContext {
            kind: ContentKind::File,
            name: None,
            ..*cx
        };
        for r in self.scan_raw(&buf, &inner, false, 0, decode::MAX_DEPTH - 1) {
            if r.secret.end <= off {
                continue;
            }
            raws.push(Raw {
                secret: span.clone(),
                matched: span.clone(),
                decoded: Some(r.decoded.unwrap_or(how)),
                ..r
            });
        }
    }

    /// A context rule (the provider's name in the key, then a value of its shape: regexes
    /// written for `KEY = value`-like text) also reads each assignment in its windows as
    /// `key=value`, so the name may sit in any syntax the assignment detector knows:
    /// `ENV['B2_APPLICATION_KEY'] ||= '…'`, `#define CONSUL_HTTP_TOKEN "…"`,
    /// `var splunkHecToken string = "…"`, `variable "gitea_token" { default = "…" }`, a YAML
    /// block scalar. What it finds is reported at the value.
    fn context_in_assignment(
        &self,
        ri: usize,
        data: &[u8],
        a: &assign::Assignment,
        cx: &ScanContext<'_>,
        raws: &mut Vec<Raw>,
        rejected: &mut Vec<Range<usize>>,
    ) {
        let r = &self.rules[ri];
        let key = &data[a.key.clone()];
        let key = key.strip_prefix(b"$").unwrap_or(key);
        // The pattern starts with the provider's name, whose literal heads are the keywords:
        // a key without any of them cannot match (most assignments in a window are others').
        let lower = key.to_ascii_lowercase();
        if !r.def.keywords.iter().any(|k| {
            let k = k.as_bytes();
            k.len() <= lower.len()
                && lower
                    .windows(k.len())
                    .any(|w| w.iter().zip(k).all(|(a, b)| *a == b.to_ascii_lowercase()))
        }) {
            return;
        }
        let Ok(pat) = r.pattern() else { return };
        let value = a.secret.clone();
        let mut buf = Vec::with_capacity(key.len() + 1 + value.len());
        buf.extend_from_slice(key);
        buf.push(b'=');
        let off = buf.len();
        buf.extend_from_slice(&data[value.clone()]);
        for caps in pat.regex.captures_iter(&buf) {
            let (Some(whole), Some(sec)) = (caps.get(0), caps.get(pat.secret_group)) else {
                continue;
            };
            if sec.start() < off {
                continue;
            }
            let secret = value.start + sec.start() - off..value.start + sec.end() - off;
            if raws.iter().any(|x| x.rule == ri && x.secret == secret) {
                continue;
            }
            match self.validate(r, &data[secret.clone()], &buf[whole.range()], None, cx) {
                Ok((severity, confidence, reason, validated)) => raws.push(Raw {
                    decoded: None,
                    rule: ri,
                    secret,
                    matched: a.whole.clone(),
                    severity,
                    confidence,
                    reason,
                    validated,
                }),
                Err(Reject::Checksum) => rejected.push(secret),
                Err(Reject::Other) => {}
            }
        }
    }

    /// Decide whether a regex match is a secret, and at which severity/confidence.
    fn validate(
        &self,
        r: &Rule,
        secret: &[u8],
        whole: &[u8],
        key: Option<&[u8]>,
        cx: &ScanContext<'_>,
    ) -> Result<(Severity, Confidence, Option<String>, bool), Reject> {
        let d = &r.def;
        if secret.is_empty() {
            return Err(Reject::Other);
        }
        if let Some(k) = key {
            let k = String::from_utf8_lossy(k);
            if !name_suggests_secret(k.trim_matches(|c| c == '"' || c == '\'')) {
                return Err(Reject::Other);
            }
        }
        let mut severity = d.severity;
        let mut confidence = d.confidence;
        let mut reason: Option<String> = None;
        let mut validated = false;
        let doc = validate::documented_example(secret);
        // `p%40ss` in a URL is `p@ss`: judge the value, not its encoding.
        let unescaped = values::percent_decode(secret);
        let plain: &[u8] = unescaped.as_deref().unwrap_or(secret);
        if let Some(src) = doc {
            // Public values that work nowhere: shown at info (a secret counts from low up).
            severity = Severity::Info;
            confidence = Confidence::Low;
            reason = Some(format!(
                "documented example key ({src}): not a working credential, but it shows credentials being baked in"
            ));
        } else {
            let checksum_ok = match d.checksum {
                Some(Validator::Github | Validator::Npm) => {
                    if !validate::crc32_base62_ok(secret) {
                        return Err(Reject::Checksum);
                    }
                    true
                }
                _ => false,
            };
            if !checksum_ok && plain.len() <= 256 && validate::is_placeholder(plain) {
                return Err(Reject::Other);
            }
            if d.generic
                && (validate::is_generic_non_secret(plain)
                    || values::generic_rejects(plain, key.or(cx.name.map(str::as_bytes))))
            {
                return Err(Reject::Other);
            }
            // `password: Y2hhbmdlbWU=` (Kubernetes `data:`) is `changeme`: judge what it says.
            if d.generic {
                if let Some(dec) = values::printable_base64(plain) {
                    let pass = match memchr::memchr(b':', &dec) {
                        Some(i) => &dec[i + 1..],
                        None => &dec[..],
                    };
                    if pass.is_empty()
                        || validate::is_placeholder(pass)
                        || validate::is_generic_non_secret(pass)
                    {
                        return Err(Reject::Other);
                    }
                }
            }
            if let Some(min) = d.entropy {
                if validate::entropy(secret) < min {
                    return Err(Reject::Other);
                }
            }
            if !validate::has_classes(secret, &d.require_classes) {
                return Err(Reject::Other);
            }
            if let Some(n) = d.min_classes {
                if validate::class_count(secret) < n {
                    return Err(Reject::Other);
                }
            }
            match d.checksum {
                Some(Validator::Github | Validator::Npm) => {
                    validated = true;
                    confidence = Confidence::High;
                }
                Some(Validator::Jwt) => {
                    if !validate::jwt_ok(secret) {
                        return Err(Reject::Checksum);
                    }
                    validated = true;
                }
                Some(Validator::BasicAuth) => {
                    if !validate::basic_auth_ok(secret) {
                        return Err(Reject::Checksum);
                    }
                    validated = true;
                }
                Some(Validator::KeyBody) => match validate::key_body(secret, whole) {
                    None => return Err(Reject::Checksum),
                    Some(validate::KeyBody::Encrypted) => {
                        validated = true;
                        severity = severity_min(severity, Severity::Medium);
                        reason = Some(
                            "passphrase-protected key: only as strong as its passphrase".into(),
                        );
                    }
                    Some(validate::KeyBody::Plain) => validated = true,
                },
                Some(Validator::Base64PemKey) => {
                    if !validate::base64_pem_key_ok(secret) {
                        return Err(Reject::Checksum);
                    }
                    validated = true;
                }
                Some(Validator::GitlabRoutable) => match validate::gitlab_routable(secret) {
                    Some(false) => return Err(Reject::Checksum),
                    Some(true) => validated = true,
                    None => {}
                },
                Some(Validator::PypiMacaroon) => {
                    if validate::pypi_macaroon(secret) {
                        validated = true;
                    } else {
                        // The prefix is the macaroon header for pypi.org (or test.pypi.org);
                        // a body that does not decode may be truncated or re-encoded, still
                        // likely a token: kept, at low confidence, with the reason.
                        confidence = Confidence::Low;
                        reason = Some(
                            "PyPI token prefix, but the rest does not decode as a macaroon (truncated or altered?)"
                                .into(),
                        );
                    }
                }
                None => {}
            }
        }
        let generated = cx.path.and_then(generated_by_package);
        if let (Some(why), None) = (generated, cx.owner_package) {
            severity = severity_min(severity, Severity::Low);
            reason = Some(why.to_string());
        } else if let Some(pkg) = cx.owner_package {
            severity = package_owned_severity(d.generic, confidence, severity);
            reason = Some(format!(
                "shipped by package {pkg} (vendor content such as a test or sample key, not added by the image build)"
            ));
        } else if let Some(why) = cx.path.and_then(test_path_reason) {
            if doc.is_none() {
                severity = severity_min(severity, Severity::Low);
                confidence = lower_confidence(confidence);
                reason = Some(why.to_string());
            }
        }
        Ok((severity, confidence, reason, validated))
    }

    /// When matches of different rules cover the same bytes keep the most specific one
    /// (validated > provider > generic, a decoded generic > not, path-gated > not, then confidence,
    /// then length). Generic matches on a
    /// string that a provider rule rejected by checksum are dropped too.
    fn resolve_overlaps(&self, mut raws: Vec<Raw>, rejected: &[Range<usize>]) -> Vec<Raw> {
        let overlaps = |a: &Range<usize>, b: &Range<usize>| a.start < b.end && b.start < a.end;
        raws.retain(|r| {
            !(self.rules[r.rule].def.generic && rejected.iter().any(|x| overlaps(x, &r.secret)))
        });
        // Named-value and path-gated rules know what they look at; a longer whole match
        // carries more context.
        let rank = |r: &Raw| {
            let d = &self.rules[r.rule].def;
            (
                r.validated,
                !d.generic,
                // Of two generic matches on the same value, the one that decoded it says more.
                d.generic && r.decoded.is_some(),
                d.scope == RuleScope::NamedValue,
                !d.paths.is_empty(),
                r.confidence,
                r.secret.len(),
                r.matched.len(),
                std::cmp::Reverse(r.rule),
            )
        };
        raws.sort_by_key(|r| std::cmp::Reverse(rank(r)));
        let mut kept: Vec<Raw> = Vec::with_capacity(raws.len());
        // Interval check against kept matches, indexed by start for large inputs.
        let mut by_start: std::collections::BTreeMap<usize, usize> = Default::default();
        for r in raws {
            let clash = by_start
                .range(..r.secret.end)
                .next_back()
                .is_some_and(|(_, &i)| overlaps(&kept[i].secret, &r.secret))
                || by_start
                    .range(r.secret.start..r.secret.end)
                    .next()
                    .is_some();
            if clash {
                continue;
            }
            by_start.insert(r.secret.start, kept.len());
            kept.push(r);
        }
        kept.sort_by_key(|r| (r.secret.start, r.rule));
        kept
    }

    /// Attach line/column numbers (relative to `base_line`/`base_col` of `data[0]`).
    fn finish(
        &self,
        data: &[u8],
        raws: Vec<Raw>,
        base_line: usize,
        base_col: usize,
    ) -> Vec<SecretMatch> {
        let mut out = Vec::with_capacity(raws.len());
        let mut pos = 0usize;
        let mut line = 0usize; // newlines in data[..pos]
        let mut locate = |at: usize| -> (usize, usize) {
            if at < pos {
                pos = 0;
                line = 0;
            }
            line += memchr::memchr_iter(b'\n', &data[pos..at]).count();
            pos = at;
            let col = match memchr::memrchr(b'\n', &data[..at]) {
                Some(p) => at - p,
                None => at + 1 + base_col,
            };
            (base_line + line + 1, col)
        };
        for r in raws {
            let (start_line, start_column) = locate(r.secret.start);
            let (end_line, end_column) = locate(r.secret.end.saturating_sub(1).max(r.secret.start));
            let def = &self.rules[r.rule].def;
            out.push(SecretMatch {
                rule_id: def.id.clone(),
                rule_name: def.name.clone(),
                severity: r.severity,
                confidence: r.confidence,
                secret: r.secret,
                matched: r.matched,
                start_line,
                start_column,
                end_line,
                end_column,
                vendor_reason: r.reason,
                decoded: r.decoded,
                generic: def.generic,
            });
        }
        out
    }
}

enum Reject {
    /// Right shape, failed the format's checksum/structure check: a look-alike.
    Checksum,
    Other,
}

#[cfg(test)]
mod tests;
