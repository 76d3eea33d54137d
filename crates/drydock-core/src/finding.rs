use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// Ordered from least to most severe so `>=` means "at least as bad as". Written lowercase;
/// read in any case (`HIGH` in a config file, as Trivy users write it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            other => Err(format!(
                "unknown severity `{other}` (expected critical, high, medium, low or info)"
            )),
        }
    }
}

impl<'de> Deserialize<'de> for Severity {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The finding categories of the public JSON interface; keep the spelling stable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Secret,
    SecretExposure,
    SensitiveFile,
    User,
    BaseImage,
    SupplyChain,
    Permissions,
    Vulnerability,
    Runtime,
    Efficiency,
    BestPractice,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Secret => "secret",
            Category::SecretExposure => "secret-exposure",
            Category::SensitiveFile => "sensitive-file",
            Category::User => "user",
            Category::BaseImage => "base-image",
            Category::SupplyChain => "supply-chain",
            Category::Permissions => "permissions",
            Category::Vulnerability => "vulnerability",
            Category::Runtime => "runtime",
            Category::Efficiency => "efficiency",
            Category::BestPractice => "best-practice",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

/// A 1-based line/column span in a text file (Dockerfile, compose file, any file of a tree).
/// Columns are 1-based and count characters; `end_column` is inclusive of the last character.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SourceSpan {
    pub path: String,
    pub start_line: usize,
    pub end_line: usize,
    pub start_column: usize,
    pub end_column: usize,
}

/// Where a finding is. Serialized untagged so each shape is exactly the documented JSON object.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Location {
    /// A file of text: Dockerfile, compose file, manifest, a file of a scanned tree.
    Source(SourceSpan),
    /// A file inside an image layer.
    Layer {
        image: String,
        /// 0-based index into `rootfs.diff_ids`.
        layer: usize,
        layer_digest: String,
        path: String,
        created_by: Option<String>,
        /// 0-based index of the layer that deleted or overwrote the file; `None` if still present.
        deleted_in: Option<usize>,
    },
    /// A field of an image config (`Env`, `Labels`, `User`, `history[7]`, …).
    Config { image: String, field: String },
    /// An installed package (vulnerability findings).
    Package {
        image: String,
        package: String,
        version: String,
        path: String,
        layer: Option<usize>,
    },
    /// A live container or `docker inspect` object.
    Container { container: String, field: String },
}

impl Location {
    /// The identity used in fingerprints: stable across runs, independent of message wording.
    pub fn identity(&self) -> String {
        match self {
            Location::Source(s) => format!("{}:{}", s.path, s.start_line),
            Location::Layer {
                image, layer, path, ..
            } => format!("{image}@{layer}:{path}"),
            Location::Config { image, field } => format!("{image}#{field}"),
            Location::Package {
                image,
                package,
                version,
                path,
                ..
            } => format!("{image}!{path}!{package}@{version}"),
            Location::Container { container, field } => format!("container:{container}#{field}"),
        }
    }

    /// The path a reporter should show (file path, or image path), if any.
    pub fn path(&self) -> Option<&str> {
        match self {
            Location::Source(s) => Some(&s.path),
            Location::Layer { path, .. } | Location::Package { path, .. } => Some(path),
            Location::Config { .. } | Location::Container { .. } => None,
        }
    }
}

/// What a secret looked like, without the secret: a prefix, its length and a short hash.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Evidence {
    /// Redacted by default (`AKIA…[20 chars, sha256:1a2b3c4d]`); the plain value with `--show-secrets`.
    pub value: String,
    pub length: usize,
    /// First 16 hex digits of sha256(secret): lets users correlate without seeing it.
    pub sha256: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct VulnerabilityInfo {
    pub id: String,
    pub aliases: Vec<String>,
    pub package: String,
    pub installed_version: String,
    pub fixed_version: Option<String>,
    pub ecosystem: String,
}

/// What `drydock fix` would change for one finding: text replacements in the finding's file
/// (SARIF `fixes[]` carries them). `replacements` is empty when the fix needs more than the
/// file (a base-image digest `drydock fix` resolves from the registry).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Autofix {
    pub description: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replacements: Vec<Replacement>,
}

/// Replace the text from (`start_line`, `start_column`) up to but excluding (`end_line`,
/// `end_column`) with `inserted` (1-based; columns count characters; an empty range inserts).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Replacement {
    pub start_line: usize,
    pub start_column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub inserted: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub category: Category,
    pub message: String,
    pub location: Location,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<Confidence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
    /// A short, concrete fix for this occurrence (the rule's `explain` text has the long form).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vulnerability: Option<VulnerabilityInfo>,
    /// Platform (`linux/arm64`) when an index was scanned per platform.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// For an image finding: the Dockerfile instruction that made the layer or history step
    /// (or, for a merged finding, the Dockerfile finding's own place). Set by correlation
    /// (docs/correlation.md); never part of the fingerprint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dockerfile_location: Option<SourceSpan>,
    /// Other rules that reported the same root cause and were merged into this finding
    /// (`IM007` + `DF009` → one `IM007` with `also: ["DF009"]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<String>,
    /// Set when `drydock fix` can fix this occurrence mechanically.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autofix: Option<Autofix>,
    /// Set when the flagged file is vendor content, not the user's: who ships it (`OS package
    /// `openssl``, `package-manager data`). Views fold these into a summary line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// Stable across runs and edits: see [`assign_stable_fingerprints`] (version 2). Until
    /// that runs (the CLI does before reporting) it holds the version-1 value.
    pub fingerprint: String,
}

impl Finding {
    pub fn new(
        rule: impl Into<String>,
        severity: Severity,
        category: Category,
        message: impl Into<String>,
        location: Location,
    ) -> Self {
        let mut f = Finding {
            rule: rule.into(),
            severity,
            category,
            message: message.into(),
            location,
            confidence: None,
            evidence: None,
            fix: None,
            vulnerability: None,
            platform: None,
            dockerfile_location: None,
            also: Vec::new(),
            autofix: None,
            vendor: None,
            fingerprint: String::new(),
        };
        f.refresh_fingerprint();
        f
    }

    /// Build a finding from a rule's metadata (id, default severity, category).
    pub fn from_rule(
        rule: &crate::RuleMeta,
        message: impl Into<String>,
        location: Location,
    ) -> Self {
        Finding::new(rule.id, rule.severity, rule.category, message, location)
    }

    pub fn with_fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }

    /// Marks the finding as vendor content shipped by `owner`.
    pub fn with_vendor(mut self, owner: impl Into<String>) -> Self {
        self.vendor = Some(owner.into());
        self
    }

    pub fn with_confidence(mut self, c: Confidence) -> Self {
        self.confidence = Some(c);
        self
    }

    pub fn with_severity(mut self, s: Severity) -> Self {
        self.severity = s;
        self
    }

    pub fn with_evidence(mut self, e: Evidence) -> Self {
        self.evidence = Some(e);
        self.refresh_fingerprint();
        self
    }

    pub fn with_vulnerability(mut self, v: VulnerabilityInfo) -> Self {
        self.vulnerability = Some(v);
        self.refresh_fingerprint();
        self
    }

    pub fn with_platform(mut self, p: impl Into<String>) -> Self {
        self.platform = Some(p.into());
        self.refresh_fingerprint();
        self
    }

    /// The version-1 fingerprint (rule + location with line + secret hash/advisory):
    /// recompute after changing those. Kept to read baselines written before version 2.
    pub fn refresh_fingerprint(&mut self) {
        let mut h = Sha256::new();
        h.update(self.rule.as_bytes());
        h.update([0]);
        h.update(self.location.identity().as_bytes());
        h.update([0]);
        if let Some(e) = &self.evidence {
            h.update(e.sha256.as_bytes());
        }
        if let Some(v) = &self.vulnerability {
            h.update(v.id.as_bytes());
        }
        if let Some(p) = &self.platform {
            h.update(p.as_bytes());
        }
        self.fingerprint = hex::encode(&h.finalize()[..16]);
    }
}

/// Version of the fingerprints in reports. 1: rule + location with line numbers (broke
/// when a line moved); 2: rule + file or image identity + triggering content + occurrence
/// index ([`assign_stable_fingerprints`]). Baselines record it as `fingerprint_version`.
pub const FINGERPRINT_VERSION: u32 = 2;

/// The repository of an image name as it appears in locations, so fingerprints survive a
/// new tag or digest: `ghcr.io/acme/app:1.2@sha256:…` → `ghcr.io/acme/app`. File-based
/// transports (`docker-archive:`, `oci-archive:`, `oci:`, `dir:`) and plain paths are kept
/// as written: the file is the identity.
pub fn image_repository(image: &str) -> String {
    for keep in ["docker-archive:", "oci-archive:", "oci:", "dir:"] {
        if image.starts_with(keep) {
            return image.to_string();
        }
    }
    if image.starts_with('/') || image.starts_with('.') || image.ends_with(".tar") {
        return image.to_string();
    }
    let (prefix, rest) = ["docker-daemon:", "podman:", "docker://"]
        .iter()
        .find_map(|p| image.strip_prefix(p).map(|r| (*p, r)))
        .unwrap_or(("", image));
    match crate::imageref::ImageRef::parse(rest) {
        Ok(r) => format!("{prefix}{}/{}", r.registry, r.repository),
        Err(_) => image.to_string(),
    }
}

/// `history[7]` → `history`: positions move when a step is added.
fn strip_index(field: &str) -> &str {
    match field.find('[') {
        Some(i) if field.ends_with(']') => &field[..i],
        _ => field,
    }
}

/// Whitespace-insensitive text, so reindenting or re-wrapping an instruction keeps its
/// fingerprint (line continuations are whitespace here).
pub fn normalize_content(text: &str) -> String {
    text.replace("\\\r\n", " ")
        .replace("\\\n", " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

impl Location {
    /// Identity for stable fingerprints: no line numbers, layer positions or tags.
    pub fn stable_identity(&self) -> String {
        self.stable_identity_under(None)
    }

    /// [`Location::stable_identity`], with an absolute file path under `root` taken relative
    /// to it: the same checkout scanned at another place (a CI workspace) keeps fingerprints.
    pub fn stable_identity_under(&self, root: Option<&str>) -> String {
        let norm = |p: &str| p.trim_start_matches("./").replace('\\', "/");
        match self {
            Location::Source(s) => {
                let rel = root
                    .and_then(|r| s.path.strip_prefix(r))
                    .and_then(|p| p.strip_prefix('/'))
                    .unwrap_or(&s.path);
                format!("file:{}", norm(rel))
            }
            Location::Layer { image, path, .. } => {
                format!("layer:{}:{}", image_repository(image), norm(path))
            }
            Location::Config { image, field } => {
                format!("config:{}#{}", image_repository(image), strip_index(field))
            }
            Location::Package {
                image,
                package,
                path,
                ..
            } => format!(
                "package:{}!{}!{package}",
                image_repository(image),
                norm(path)
            ),
            Location::Container { container, field } => {
                format!("container:{container}#{}", strip_index(field))
            }
        }
    }
}

/// Give every finding its version-2 fingerprint: sha256 of rule, [`Location::stable_identity`],
/// the content that triggered it and an occurrence index among findings that agree on all
/// three. Content is the secret's hash, the package + advisory, else what `source_text`
/// returns for the finding (the normalized text of its source lines), else the config
/// field's finding message. Line numbers never enter, so inserted lines, moved instructions
/// and reordered files keep fingerprints; the index tells identical instructions apart.
pub fn assign_stable_fingerprints(
    findings: &mut [Finding],
    mut source_text: impl FnMut(&Finding) -> Option<String>,
) {
    // Occurrences count in file order, so they are stable when unrelated lines move.
    let mut order: Vec<usize> = (0..findings.len()).collect();
    let line = |f: &Finding| match &f.location {
        Location::Source(s) => (s.start_line, s.start_column),
        _ => (0, 0),
    };
    order.sort_by(|a, b| line(&findings[*a]).cmp(&line(&findings[*b])));
    let cwd = std::env::current_dir()
        .ok()
        .map(|d| d.to_string_lossy().trim_end_matches('/').to_string());
    let mut seen: std::collections::HashMap<[u8; 32], usize> = std::collections::HashMap::new();
    for i in order {
        let f = &findings[i];
        let content = if let Some(e) = &f.evidence {
            format!("secret:{}", e.sha256)
        } else if let Some(v) = &f.vulnerability {
            format!("vuln:{}:{}", v.package, v.id)
        } else if let Some(t) = source_text(f) {
            format!("text:{}", normalize_content(&t))
        } else if let Location::Config { .. } | Location::Container { .. } = &f.location {
            // History/config findings carry the step in the message; digits are positions.
            let m: String = f.message.chars().filter(|c| !c.is_ascii_digit()).collect();
            format!("msg:{}", normalize_content(&m))
        } else {
            String::new()
        };
        let mut h = Sha256::new();
        for part in [
            f.rule.as_str(),
            &f.location.stable_identity_under(cwd.as_deref()),
            &content,
            f.platform.as_deref().unwrap_or(""),
        ] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        let key: [u8; 32] = h.clone().finalize().into();
        let n = seen.entry(key).or_insert(0);
        h.update(n.to_string().as_bytes());
        *n += 1;
        findings[i].fingerprint = hex::encode(&h.finalize()[..16]);
    }
}

/// Deterministic output order: by location identity, then line, then rule.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        let key = |f: &Finding| match &f.location {
            Location::Source(s) => (s.path.clone(), s.start_line, s.start_column, String::new()),
            Location::Layer {
                image, layer, path, ..
            } => (image.clone(), *layer, 0, path.clone()),
            Location::Config { image, field } => (image.clone(), usize::MAX, 0, field.clone()),
            Location::Package { image, package, .. } => {
                (image.clone(), usize::MAX, 1, package.clone())
            }
            Location::Container { container, field } => (container.clone(), 0, 0, field.clone()),
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| a.message.cmp(&b.message))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_order_and_parse() {
        assert!(Severity::Critical > Severity::High);
        assert!(Severity::Low > Severity::Info);
        assert_eq!("HIGH".parse::<Severity>().unwrap(), Severity::High);
        let s: Severity = serde_json::from_str("\"Critical\"").unwrap();
        assert_eq!(s, Severity::Critical);
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"critical\"");
        assert!("severe".parse::<Severity>().is_err());
    }

    #[test]
    fn locations_serialize_to_documented_shapes() {
        let src = Location::Source(SourceSpan {
            path: "Dockerfile".into(),
            start_line: 3,
            end_line: 4,
            start_column: 1,
            end_column: 9,
        });
        assert_eq!(
            serde_json::to_value(&src).unwrap(),
            serde_json::json!({"path":"Dockerfile","start_line":3,"end_line":4,"start_column":1,"end_column":9})
        );
        let layer = Location::Layer {
            image: "app:1".into(),
            layer: 2,
            layer_digest: "sha256:ab".into(),
            path: "root/.ssh/id_rsa".into(),
            created_by: Some("COPY id_rsa /root/.ssh/".into()),
            deleted_in: None,
        };
        let v = serde_json::to_value(&layer).unwrap();
        assert_eq!(v["deleted_in"], serde_json::Value::Null);
        assert_eq!(v["layer"], 2);
        let cfg = Location::Config {
            image: "app:1".into(),
            field: "history[7]".into(),
        };
        assert_eq!(
            serde_json::to_value(&cfg).unwrap(),
            serde_json::json!({"image":"app:1","field":"history[7]"})
        );
    }

    #[test]
    fn fingerprint_is_stable_and_depends_on_identity() {
        let loc = |line| {
            Location::Source(SourceSpan {
                path: "Dockerfile".into(),
                start_line: line,
                end_line: line,
                start_column: 1,
                end_column: 2,
            })
        };
        let a = Finding::new("DF001", Severity::High, Category::User, "m", loc(1));
        let b = Finding::new(
            "DF001",
            Severity::High,
            Category::User,
            "other words",
            loc(1),
        );
        let c = Finding::new("DF001", Severity::High, Category::User, "m", loc(2));
        assert_eq!(a.fingerprint, b.fingerprint);
        assert_ne!(a.fingerprint, c.fingerprint);
        assert_eq!(a.fingerprint.len(), 32);
    }

    fn src(path: &str, line: usize) -> Location {
        Location::Source(SourceSpan {
            path: path.into(),
            start_line: line,
            end_line: line,
            start_column: 1,
            end_column: 2,
        })
    }

    /// Fingerprints of findings over `text`, each pointing at the line holding its needle.
    fn prints(path: &str, text: &str, needles: &[(&str, &str)]) -> Vec<(String, String)> {
        let lines: Vec<&str> = text.lines().collect();
        let mut fs: Vec<Finding> = Vec::new();
        for (rule, needle) in needles {
            for (i, l) in lines.iter().enumerate() {
                if l.contains(needle) {
                    fs.push(Finding::new(
                        *rule,
                        Severity::High,
                        Category::User,
                        "m",
                        src(path, i + 1),
                    ));
                }
            }
        }
        assign_stable_fingerprints(&mut fs, |f| match &f.location {
            Location::Source(s) => Some(lines[s.start_line - 1].to_string()),
            _ => None,
        });
        let mut out: Vec<(String, String)> =
            fs.into_iter().map(|f| (f.rule, f.fingerprint)).collect();
        out.sort();
        out
    }

    #[test]
    fn stable_fingerprints_survive_inserted_and_moved_lines() {
        let a = "FROM debian\nRUN curl x | sh\nUSER root\nRUN curl x | sh\n";
        let inserted = "# comment\n\nFROM debian\nRUN curl x | sh\nUSER root\nRUN curl x | sh\n";
        let moved = "FROM debian\nUSER root\nRUN   curl x | sh\nRUN curl x | sh\n";
        let needles = [("DF020", "curl"), ("DF001", "USER")];
        let base = prints("Dockerfile", a, &needles);
        assert_eq!(base.len(), 3);
        assert_ne!(base[1].1, base[2].1, "identical lines differ by occurrence");
        assert_eq!(prints("Dockerfile", inserted, &needles), base);
        assert_eq!(prints("Dockerfile", moved, &needles), base);
        assert_ne!(prints("other/Dockerfile", a, &needles), base);
        let cwd = std::env::current_dir().unwrap();
        let abs = cwd.join("Dockerfile").to_string_lossy().into_owned();
        assert_eq!(
            prints(&abs, a, &needles),
            base,
            "absolute under the working directory"
        );
        let changed = "FROM debian\nRUN curl y | sh\nUSER root\nRUN curl x | sh\n";
        assert_ne!(prints("Dockerfile", changed, &needles), base);
    }

    #[test]
    fn image_identity_ignores_tag_digest_and_layer_position() {
        assert_eq!(image_repository("ghcr.io/acme/app:1.2"), "ghcr.io/acme/app");
        assert_eq!(
            image_repository(
                "app@sha256:0123456789012345678901234567890123456789012345678901234567890123"
            ),
            "docker.io/library/app"
        );
        assert_eq!(
            image_repository("docker-archive:x.tar"),
            "docker-archive:x.tar"
        );
        let layer = |image: &str, layer| Location::Layer {
            image: image.into(),
            layer,
            layer_digest: "sha256:aa".into(),
            path: "root/.ssh/id_rsa".into(),
            created_by: None,
            deleted_in: None,
        };
        assert_eq!(
            layer("app:1", 2).stable_identity(),
            layer("app:2", 5).stable_identity()
        );
        let pkg = |version: &str| Location::Package {
            image: "app:1".into(),
            package: "openssl".into(),
            version: version.into(),
            path: "var/lib/dpkg/status".into(),
            layer: Some(1),
        };
        assert_eq!(
            pkg("3.0.1").stable_identity(),
            pkg("3.0.2").stable_identity()
        );
    }
}
