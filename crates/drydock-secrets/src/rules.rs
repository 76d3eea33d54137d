//! The rule schema (one YAML file per provider family) and its compiled form.

use crate::validate::CharClass;
use drydock_core::{Confidence, Severity};
use serde::Deserialize;

/// The built-in rule files, embedded at compile time: (file name, YAML text).
pub const BUILTIN_RULE_FILES: &[(&str, &str)] = &[
    ("cloud.yaml", include_str!("../rules/cloud.yaml")),
    (
        "source-hosting.yaml",
        include_str!("../rules/source-hosting.yaml"),
    ),
    (
        "package-registries.yaml",
        include_str!("../rules/package-registries.yaml"),
    ),
    ("chat.yaml", include_str!("../rules/chat.yaml")),
    ("payments.yaml", include_str!("../rules/payments.yaml")),
    ("ai.yaml", include_str!("../rules/ai.yaml")),
    (
        "observability.yaml",
        include_str!("../rules/observability.yaml"),
    ),
    ("saas.yaml", include_str!("../rules/saas.yaml")),
    (
        "infrastructure.yaml",
        include_str!("../rules/infrastructure.yaml"),
    ),
    (
        "private-keys.yaml",
        include_str!("../rules/private-keys.yaml"),
    ),
    ("jwt.yaml", include_str!("../rules/jwt.yaml")),
    (
        "connection-strings.yaml",
        include_str!("../rules/connection-strings.yaml"),
    ),
    ("http.yaml", include_str!("../rules/http.yaml")),
    (
        "credential-files.yaml",
        include_str!("../rules/credential-files.yaml"),
    ),
    ("generic.yaml", include_str!("../rules/generic.yaml")),
    ("crypto.yaml", include_str!("../rules/crypto.yaml")),
    ("frameworks.yaml", include_str!("../rules/frameworks.yaml")),
    ("system.yaml", include_str!("../rules/system.yaml")),
    (
        "password-hashes.yaml",
        include_str!("../rules/password-hashes.yaml"),
    ),
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    pub rules: Vec<RuleDef>,
}

/// Offline validators named by a rule's `checksum` field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Validator {
    /// GitHub `gh?_` tokens: CRC32 of the 30 random characters, base62, 6 chars.
    Github,
    /// npm `npm_` tokens: same construction as GitHub's.
    Npm,
    /// JWT: the header decodes to a JSON object with `alg`.
    Jwt,
    /// base64 of `user:password`.
    BasicAuth,
    /// PEM/OpenSSH/PuTTY/PGP body: base64 that decodes to ≥ 64 bytes; detects encryption.
    KeyBody,
    /// base64 of a whole PEM private key (kubeconfig `client-key-data`).
    Base64PemKey,
    /// GitLab routable tokens: payload length and CRC32 in base36 (older random tokens pass).
    GitlabRoutable,
    /// PyPI tokens: base64url of a version-2 macaroon ending in a 32-byte signature.
    PypiMacaroon,
}

/// Built-in matchers that replace a rule's regex where one regex per syntax would not do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Detector {
    /// `KEY <operator> VALUE` in the syntaxes of config files, shells and languages, the key
    /// named like a secret (`assign.rs`).
    Assignment,
    /// Encoded content decoded and scanned again (base64 JSON/JWT/PEM, JSON-escaped PEM):
    /// matches are the inner rules' (`decode.rs`).
    Decode,
    /// The `data:` values of a Kubernetes Secret (YAML or JSON), base64 by definition: each
    /// is decoded and scanned again as `key=decoded` (`decode.rs`).
    KubeSecretData,
}

/// Where a rule looks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleScope {
    /// Any content (files, command lines, values).
    #[default]
    Any,
    /// Only `ContentKind::Value` whose `name` suggests a secret (ENV/ARG/LABEL values).
    NamedValue,
}

/// An example: bare text, or text with the context it needs (`path` for path-gated rules,
/// `name` for named-value rules).
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum Example {
    Text(String),
    WithContext {
        text: String,
        #[serde(default)]
        path: Option<String>,
        #[serde(default)]
        name: Option<String>,
    },
}

impl Example {
    pub fn text(&self) -> &str {
        match self {
            Example::Text(t) | Example::WithContext { text: t, .. } => t,
        }
    }
    pub fn path(&self) -> Option<&str> {
        match self {
            Example::Text(_) => None,
            Example::WithContext { path, .. } => path.as_deref(),
        }
    }
    pub fn name(&self) -> Option<&str> {
        match self {
            Example::Text(_) => None,
            Example::WithContext { name, .. } => name.as_deref(),
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    /// Stable id (`github-pat-classic`); used in findings, `--ignore`, `disabled`.
    pub id: String,
    pub name: String,
    /// Provider family (`cloud`, `source-hosting`, …).
    pub category: String,
    pub severity: Severity,
    pub confidence: Confidence,
    #[serde(default)]
    pub description: String,
    /// Literal prefilter (ASCII case-insensitive). The regex runs only in a window around a
    /// keyword hit, so keywords may be the token prefix or nearby context (`twilio`). A rule
    /// with `paths` and no keywords runs over the whole of each matching file.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Regex over bytes. Capture `secret` (or group 1) is the secret; an optional `key`
    /// capture must pass `name_suggests_secret`.
    #[serde(alias = "regex")]
    #[serde(default)]
    pub pattern: String,
    /// A built-in matcher instead of `pattern` (which must then be empty).
    #[serde(default)]
    pub detector: Option<Detector>,
    /// Minimum Shannon entropy (bits/byte) of the secret.
    #[serde(default)]
    pub entropy: Option<f64>,
    /// Character classes the secret must contain.
    #[serde(default)]
    #[serde(alias = "require-classes")]
    pub require_classes: Vec<CharClass>,
    /// Minimum number of distinct classes (lower/upper/digit/symbol) in the secret.
    #[serde(default)]
    #[serde(alias = "min-classes")]
    pub min_classes: Option<usize>,
    #[serde(default)]
    pub checksum: Option<Validator>,
    /// Generic rule: stricter value filter, loses to a provider rule on the same bytes.
    #[serde(default)]
    pub generic: bool,
    /// Also applied to binary content (only for unmistakable literal prefixes).
    #[serde(default)]
    pub binary: bool,
    /// Regexes over `ScanContext.path`; when set, the rule runs only on matching paths.
    #[serde(default)]
    pub paths: Vec<String>,
    #[serde(default)]
    pub scope: RuleScope,
    /// Bytes searched after a keyword hit (default 512; private keys need more).
    #[serde(default)]
    pub window: Option<usize>,
    /// Bytes searched before a keyword hit (default 256; 0 when the keyword starts the match).
    #[serde(default)]
    pub before: Option<usize>,
    /// A literal that must follow the keyword within the same token (up to the next space,
    /// quote or angle bracket), checked before any regex runs: `@` for URLs with credentials,
    /// so the many plain `https://` links cost almost nothing.
    #[serde(default)]
    #[serde(alias = "needs-in-token")]
    pub needs_in_token: Option<String>,
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default)]
    pub examples: Vec<Example>,
    #[serde(default)]
    #[serde(alias = "negative-examples")]
    pub negative_examples: Vec<Example>,
}

/// A rule's compiled pattern and the capture groups it reports.
pub struct Pattern {
    pub regex: regex::bytes::Regex,
    pub secret_group: usize,
    pub key_group: Option<usize>,
}

/// The same pattern built for short inputs (Dockerfile instruction values, command lines):
/// no lazy DFA, so no DFA states are built per input and compiling is cheaper; the
/// bounded backtracker / one-pass DFA find the captures directly. Same leftmost-first
/// semantics as [`Pattern`].
pub struct ShortPattern {
    pub regex: regex_automata::meta::Regex,
    pub secret_group: usize,
    pub key_group: Option<usize>,
}

fn compile_short(pattern: &str) -> Option<ShortPattern> {
    use regex_automata::{meta, util::syntax, MatchKind, PatternID};
    let regex = meta::Builder::new()
        .configure(
            meta::Config::new()
                .match_kind(MatchKind::LeftmostFirst)
                .utf8_empty(false)
                .nfa_size_limit(Some(16 << 20))
                .hybrid(false)
                .dfa(false),
        )
        .syntax(syntax::Config::new().unicode(false).utf8(false))
        .build(pattern)
        .ok()?;
    let gi = regex.group_info();
    let secret_group =
        gi.to_index(PatternID::ZERO, "secret")
            .unwrap_or(if gi.group_len(PatternID::ZERO) > 1 {
                1
            } else {
                0
            });
    let key_group = gi.to_index(PatternID::ZERO, "key");
    Some(ShortPattern {
        regex,
        secret_group,
        key_group,
    })
}

/// A rule ready to run. The pattern is compiled on first use: most rules never see a keyword
/// hit in a given run, and compiling ~280 regexes up front dominated every invocation's start.
pub struct Rule {
    pub def: RuleDef,
    /// Where the rule was defined (`cloud.yaml`, a user rules file, `drydock.toml`).
    pub origin: String,
    /// A user rule (rules file or `drydock.toml`), not a built-in one.
    pub user: bool,
    /// `Err` holds the compile error (only possible for a lazily compiled rule whose pattern
    /// was not checked at load; built-in rules are all compiled by the tests).
    pattern: std::sync::OnceLock<Result<Pattern, String>>,
    /// Built on the first short input (`None` if it does not build: then `pattern` runs).
    short: std::sync::OnceLock<Option<ShortPattern>>,
    pub paths: Option<regex::RegexSet>,
    pub window: usize,
    pub before: usize,
}

pub const DEFAULT_WINDOW: usize = 512;
/// Bytes searched before a keyword hit (context keywords may follow the secret).
pub const BACK_WINDOW: usize = 256;
/// Largest window a rule may ask for; the streaming overlap is sized from it.
pub const MAX_WINDOW: usize = 20_000;

#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("rules file {origin}: {message}")]
    Parse { origin: String, message: String },
    #[error("rule `{id}` ({origin}): {message}")]
    Invalid {
        id: String,
        origin: String,
        message: String,
    },
    #[error("rule id `{id}` is defined twice ({first} and {second})")]
    Duplicate {
        id: String,
        first: String,
        second: String,
    },
    #[error("cannot disable unknown secret rule `{0}` (see `drydock rules` for ids)")]
    UnknownDisabled(String),
}

pub fn parse_file(origin: &str, text: &str) -> Result<Vec<RuleDef>, RulesError> {
    let f: RuleFile = serde_yaml_ng::from_str(text).map_err(|e| RulesError::Parse {
        origin: origin.to_string(),
        message: e.to_string(),
    })?;
    Ok(f.rules)
}

/// regex's syntax errors span lines (pattern, caret, message): user errors are one line.
fn one_line(e: &dyn std::fmt::Display) -> String {
    let text = e.to_string();
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines.join(" ")
}

fn compile_pattern(pattern: &str) -> Result<Pattern, String> {
    // ASCII semantics (`\w`, `\s`, `(?i)`): scanned bytes need not be UTF-8, and Unicode
    // classes would make counted repetitions huge to compile.
    let regex = regex::bytes::RegexBuilder::new(pattern)
        .unicode(false)
        .size_limit(16 << 20)
        .build()
        .map_err(|e| format!("pattern does not compile: {}", one_line(&e)))?;
    let secret_group = regex
        .capture_names()
        .position(|n| n == Some("secret"))
        .unwrap_or(if regex.captures_len() > 1 { 1 } else { 0 });
    let key_group = regex.capture_names().position(|n| n == Some("key"));
    Ok(Pattern {
        regex,
        secret_group,
        key_group,
    })
}

impl Rule {
    /// The compiled pattern (compiled now if this is its first use).
    pub fn pattern(&self) -> Result<&Pattern, &str> {
        self.pattern
            .get_or_init(|| compile_pattern(&self.def.pattern))
            .as_ref()
            .map_err(String::as_str)
    }

    /// The pattern for short inputs (built now if this is its first use).
    pub fn short_pattern(&self) -> Option<&ShortPattern> {
        self.short
            .get_or_init(|| compile_short(&self.def.pattern))
            .as_ref()
    }
}

/// Check a rule and make it ready to run. With `eager` its pattern is compiled now (user
/// rules: a bad regex is a load error); otherwise on first use (built-in rules, all compiled
/// by the tests).
pub fn compile(def: RuleDef, origin: &str, eager: bool) -> Result<Rule, RulesError> {
    let invalid = |message: String| RulesError::Invalid {
        id: def.id.clone(),
        origin: origin.to_string(),
        message,
    };
    if def.id.is_empty()
        || !def
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
    {
        return Err(invalid("id must be non-empty lower-case kebab-case".into()));
    }
    if def.keywords.is_empty() && def.scope != RuleScope::NamedValue && def.paths.is_empty() {
        return Err(invalid(
            "needs at least one keyword (the literal prefilter), or `paths` to run on whole matching files".into(),
        ));
    }
    if def.keywords.iter().any(|k| k.len() < 2) {
        return Err(invalid("keywords must be at least 2 bytes".into()));
    }
    match (def.detector.is_some(), def.pattern.is_empty()) {
        (false, true) => return Err(invalid("needs a `pattern`".into())),
        (true, false) => {
            return Err(invalid(
                "a rule with a `detector` has no `pattern` (the detector matches)".into(),
            ))
        }
        _ => {}
    }
    let pattern = std::sync::OnceLock::new();
    if eager {
        let _ = pattern.set(Ok(compile_pattern(&def.pattern).map_err(invalid)?));
    }
    let paths = if def.paths.is_empty() {
        None
    } else {
        Some(
            regex::RegexSet::new(&def.paths)
                .map_err(|e| invalid(format!("paths regex does not compile: {}", one_line(&e))))?,
        )
    };
    let window = def.window.unwrap_or(DEFAULT_WINDOW);
    let before = def.before.unwrap_or(BACK_WINDOW).min(BACK_WINDOW);
    if window > MAX_WINDOW {
        return Err(invalid(format!(
            "window {window} exceeds the maximum {MAX_WINDOW}"
        )));
    }
    if let Some(e) = def.entropy {
        if !(0.0..=8.0).contains(&e) {
            return Err(invalid(format!("entropy {e} outside 0..8 bits/byte")));
        }
    }
    Ok(Rule {
        def,
        origin: origin.to_string(),
        user: eager,
        pattern,
        short: std::sync::OnceLock::new(),
        paths,
        window,
        before,
    })
}
