//! Ignore files: exceptions with a reason and an expiry date, that outlive line edits.
//!
//! `.drydockignore.yaml` holds a list of entries (or `ignore: [...]`):
//!
//! ```yaml
//! - rule: DF001                 # id or name; optional when another selector is given
//!   paths: ["legacy/**"]        # globs over the finding's file or image path
//!   images: ["ghcr.io/acme/*"]  # globs over the image reference or repository
//!   vulnerabilities: [CVE-2024-1234]  # matched against the advisory id and its aliases
//!   fingerprints: [0123…]       # exact finding fingerprints
//!   reason: vendor fix pending  # required
//!   expires: 2026-06-30         # from this date on the entry no longer suppresses
//! ```
//!
//! A plain list (`.drydockignore`, `.trivyignore` style) is read too: one rule id, rule
//! name, advisory id or fingerprint per line, `#` comments, optional `exp:YYYY-MM-DD`.
//! Selectors of one entry must all match (lists match when any element does).

use crate::eol::Date;
use crate::finding::{image_repository, Finding, Location};
use crate::{Warning, WarningKind};
use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Serialize;
use serde_yaml_ng::Value;
use std::path::{Path, PathBuf};

/// Names looked up (upward from the first target, like the configuration file).
pub const IGNORE_FILE_NAMES: [&str; 3] = [
    ".drydockignore.yaml",
    ".drydockignore.yml",
    ".drydockignore",
];

#[derive(Clone, Debug)]
pub struct IgnoreEntry {
    /// 1-based line where the entry starts (0 when unknown).
    pub line: usize,
    /// The rule as written, and the canonical id it resolved to.
    pub rule: Option<String>,
    pub rule_id: Option<String>,
    pub paths: Vec<String>,
    pub images: Vec<String>,
    pub vulnerabilities: Vec<String>,
    pub fingerprints: Vec<String>,
    pub reason: Option<String>,
    pub expires: Option<Date>,
    path_set: Option<GlobSet>,
    image_set: Option<GlobSet>,
}

#[derive(Clone, Debug)]
pub struct IgnoreFile {
    pub path: PathBuf,
    pub entries: Vec<IgnoreEntry>,
}

/// What one entry did in a run: reports list these so exceptions stay visible.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EntryOutcome {
    /// `path:line` of the entry.
    pub entry: String,
    /// `rule DF001, paths legacy/**` — the entry's selectors in one line.
    pub selects: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    pub expired: bool,
    /// Findings this entry suppressed (0 for an expired entry).
    pub suppressed: usize,
}

/// `rule`: resolves an id or name to the canonical rule id (`None`: no such rule).
pub type RuleResolver<'a> = &'a dyn Fn(&str) -> Option<String>;

impl IgnoreFile {
    /// Read and check `path`; YAML when the name ends in `.yaml`/`.yml`, else the plain list.
    pub fn load(path: &Path, resolve: RuleResolver) -> Result<IgnoreFile, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read ignore file: {e}", path.display()))?;
        let name = path.to_string_lossy().to_ascii_lowercase();
        if name.ends_with(".yaml") || name.ends_with(".yml") {
            Self::parse_yaml(path, &text, resolve)
        } else {
            Self::parse_plain(path, &text, resolve)
        }
    }

    /// The nearest ignore file upward from `start` (a file or directory).
    pub fn discover(start: &Path) -> Option<PathBuf> {
        let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
        let mut dir = if start.is_dir() {
            Some(start.as_path())
        } else {
            start.parent()
        };
        while let Some(d) = dir {
            for n in IGNORE_FILE_NAMES {
                let p = d.join(n);
                if p.is_file() {
                    return Some(p);
                }
            }
            dir = d.parent();
        }
        None
    }

    pub fn parse_plain(
        path: &Path,
        text: &str,
        resolve: RuleResolver,
    ) -> Result<IgnoreFile, String> {
        let mut entries = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let err = |m: String| format!("{}:{}: {m}", path.display(), i + 1);
            let mut words = line.split_whitespace();
            let id = words.next().unwrap_or_default();
            let mut e = IgnoreEntry::empty(i + 1);
            for w in words {
                match w.strip_prefix("exp:") {
                    Some(d) => e.expires = Some(Date::parse(d).map_err(err)?),
                    None => {
                        return Err(err(format!(
                            "unexpected `{w}` (expected `ID [exp:YYYY-MM-DD]`)"
                        )))
                    }
                }
            }
            if let Some(r) = resolve(id) {
                e.rule = Some(id.to_string());
                e.rule_id = Some(r);
            } else if id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
                e.fingerprints.push(id.to_ascii_lowercase());
            } else if looks_like_advisory(id) {
                e.vulnerabilities.push(id.to_string());
            } else {
                return Err(err(format!(
                    "`{id}` is not a rule id or name, an advisory id (CVE-…, GHSA-…) or a fingerprint"
                )));
            }
            entries.push(e);
        }
        Ok(IgnoreFile {
            path: path.to_path_buf(),
            entries,
        })
    }

    pub fn parse_yaml(
        path: &Path,
        text: &str,
        resolve: RuleResolver,
    ) -> Result<IgnoreFile, String> {
        let shown = path.display();
        let doc: Value = serde_yaml_ng::from_str(text).map_err(|e| {
            let line = e.location().map_or(0, |l| l.line());
            format!("{shown}:{line}: invalid YAML: {e}")
        })?;
        let list = match doc {
            Value::Null => Vec::new(),
            Value::Sequence(s) => s,
            Value::Mapping(m) => {
                let mut list = None;
                for (k, v) in m {
                    match (k.as_str(), v) {
                        (Some("ignore"), Value::Sequence(s)) => list = Some(s),
                        (Some("ignore"), Value::Null) => list = Some(Vec::new()),
                        (Some(k), _) => {
                            return Err(format!(
                                "{shown}:{}: unknown key `{k}` (expected a list of entries, or `ignore:` with one)",
                                line_of_key(text, k)
                            ))
                        }
                        _ => return Err(format!("{shown}:1: expected a list of ignore entries")),
                    }
                }
                list.unwrap_or_default()
            }
            _ => return Err(format!("{shown}:1: expected a list of ignore entries")),
        };
        let starts = entry_lines(text);
        let mut entries = Vec::new();
        for (n, v) in list.into_iter().enumerate() {
            let line = starts.get(n).copied().unwrap_or(0);
            let err = |m: String| format!("{shown}:{line}: ignore entry {}: {m}", n + 1);
            entries.push(IgnoreEntry::from_yaml(v, line, resolve).map_err(err)?);
        }
        Ok(IgnoreFile {
            path: path.to_path_buf(),
            entries,
        })
    }

    /// Drop the findings an unexpired entry matches. Returns what each entry did, and a
    /// warning for every expired entry (its findings are reported again).
    pub fn apply(
        &self,
        findings: &mut Vec<Finding>,
        today: Date,
    ) -> (Vec<EntryOutcome>, Vec<Warning>) {
        let mut counts = vec![0usize; self.entries.len()];
        findings.retain(|f| {
            let hit = self
                .entries
                .iter()
                .position(|e| !e.expired(today) && e.matches(f));
            if let Some(i) = hit {
                counts[i] += 1;
            }
            hit.is_none()
        });
        let mut warnings = Vec::new();
        let outcomes = self
            .entries
            .iter()
            .zip(counts)
            .map(|(e, suppressed)| {
                let at = format!("{}:{}", self.path.display(), e.line);
                let expired = e.expired(today);
                if expired {
                    warnings.push(Warning::new(
                        WarningKind::IgnoreExpired,
                        format!(
                            "ignore entry {at} ({}) expired on {}; the findings it matched are reported again",
                            e.describe(),
                            e.expires.map(|d| d.to_string()).unwrap_or_default()
                        ),
                    ));
                }
                EntryOutcome {
                    entry: at,
                    selects: e.describe(),
                    reason: e.reason.clone(),
                    expires: e.expires.map(|d| d.to_string()),
                    expired,
                    suppressed,
                }
            })
            .collect();
        (outcomes, warnings)
    }
}

fn looks_like_advisory(id: &str) -> bool {
    // CVE-2024-1, GHSA-xxxx-xxxx-xxxx, DSA-5000-1, PYSEC-…, RUSTSEC-…, ALAS2-…: a letter
    // prefix, a dash, then anything without spaces.
    match id.split_once('-') {
        Some((p, rest)) => {
            !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()) && !rest.is_empty()
        }
        None => false,
    }
}

/// 1-based start lines of the top-level entries (`- ` at the smallest list indentation).
fn entry_lines(text: &str) -> Vec<usize> {
    let items: Vec<(usize, usize)> = text
        .lines()
        .enumerate()
        .filter_map(|(i, l)| {
            let t = l.trim_start();
            (t == "-" || t.starts_with("- ")).then(|| (i + 1, l.len() - t.len()))
        })
        .collect();
    let min = items.iter().map(|x| x.1).min().unwrap_or(0);
    items
        .into_iter()
        .filter(|x| x.1 == min)
        .map(|x| x.0)
        .collect()
}

fn line_of_key(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| l.trim_start().starts_with(&format!("{key}:")))
        .map_or(0, |i| i + 1)
}

fn glob_set(what: &str, pats: &[String], path_like: bool) -> Result<Option<GlobSet>, String> {
    if pats.is_empty() {
        return Ok(None);
    }
    let mut b = GlobSetBuilder::new();
    for p in pats {
        let norm = if path_like { norm_path(p) } else { p.clone() };
        let g = if path_like {
            // `*` stays within one directory; `**` crosses them (gitignore's reading).
            GlobBuilder::new(&norm).literal_separator(true).build()
        } else {
            Glob::new(&norm)
        }
        .map_err(|e| format!("{what} `{p}`: {e}"))?;
        b.add(g);
    }
    b.build().map(Some).map_err(|e| format!("{what}: {e}"))
}

/// A relative path as ignore globs, `--skip` and stable fingerprints compare it: `/`
/// separators, no leading `./` or `/`.
pub fn norm_path(p: &str) -> String {
    let p = p.replace('\\', "/");
    let mut s = p.as_str();
    while let Some(r) = s.strip_prefix("./") {
        s = r;
    }
    s.trim_start_matches('/').to_string()
}

impl IgnoreEntry {
    fn empty(line: usize) -> IgnoreEntry {
        IgnoreEntry {
            line,
            rule: None,
            rule_id: None,
            paths: Vec::new(),
            images: Vec::new(),
            vulnerabilities: Vec::new(),
            fingerprints: Vec::new(),
            reason: None,
            expires: None,
            path_set: None,
            image_set: None,
        }
    }

    fn from_yaml(v: Value, line: usize, resolve: RuleResolver) -> Result<IgnoreEntry, String> {
        let Value::Mapping(m) = v else {
            return Err("expected a mapping with `rule`, `reason`, …".into());
        };
        let mut e = IgnoreEntry::empty(line);
        let scalar = |k: &str, v: &Value| -> Result<String, String> {
            match v {
                Value::String(s) => Ok(s.clone()),
                Value::Number(n) => Ok(n.to_string()),
                _ => Err(format!("`{k}` must be a string")),
            }
        };
        let list = |k: &str, v: &Value| -> Result<Vec<String>, String> {
            match v {
                Value::Sequence(s) => s.iter().map(|x| scalar(k, x)).collect(),
                Value::Null => Ok(Vec::new()),
                other => Ok(vec![scalar(k, other).map_err(|_| {
                    format!("`{k}` must be a string or a list of strings")
                })?]),
            }
        };
        for (k, v) in &m {
            let Some(k) = k.as_str() else {
                return Err("keys must be strings".into());
            };
            match k {
                "rule" | "id" => {
                    let r = scalar(k, v)?;
                    let id = resolve(r.trim()).ok_or_else(|| {
                        format!("unknown rule `{r}` (see `drydock rules` for ids and names)")
                    })?;
                    e.rule = Some(r);
                    e.rule_id = Some(id);
                }
                "paths" => e.paths = list(k, v)?,
                "images" => e.images = list(k, v)?,
                "vulnerabilities" => e.vulnerabilities = list(k, v)?,
                "fingerprints" => {
                    e.fingerprints = list(k, v)?.into_iter().map(|f| f.to_ascii_lowercase()).collect()
                }
                "reason" => e.reason = Some(scalar(k, v)?),
                "expires" => e.expires = Some(Date::parse(&scalar(k, v)?)?),
                other => {
                    return Err(format!(
                        "unknown key `{other}` (expected rule, paths, images, vulnerabilities, fingerprints, reason, expires)"
                    ))
                }
            }
        }
        if e.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
            return Err("`reason` is required: say why this is acceptable".into());
        }
        if e.rule.is_none()
            && e.paths.is_empty()
            && e.images.is_empty()
            && e.vulnerabilities.is_empty()
            && e.fingerprints.is_empty()
        {
            return Err("selects nothing: give `rule`, `paths`, `images`, `vulnerabilities` or `fingerprints`".into());
        }
        e.path_set = glob_set("paths", &e.paths, true)?;
        e.image_set = glob_set("images", &e.images, false)?;
        Ok(e)
    }

    /// Expired from the `expires` date on (Trivy's `exp:` reading).
    pub fn expired(&self, today: Date) -> bool {
        self.expires.is_some_and(|d| today >= d)
    }

    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(r) = &self.rule {
            parts.push(format!("rule {r}"));
        }
        for (k, v) in [
            ("paths", &self.paths),
            ("images", &self.images),
            ("vulnerabilities", &self.vulnerabilities),
            ("fingerprints", &self.fingerprints),
        ] {
            if !v.is_empty() {
                parts.push(format!("{k} {}", v.join(", ")));
            }
        }
        parts.join("; ")
    }

    pub fn matches(&self, f: &Finding) -> bool {
        if let Some(id) = &self.rule_id {
            if !f.rule.eq_ignore_ascii_case(id) {
                return false;
            }
        }
        if let Some(set) = &self.path_set {
            if !f
                .location
                .path()
                .is_some_and(|p| set.is_match(norm_path(p)))
            {
                return false;
            }
        }
        if let Some(set) = &self.image_set {
            let image = match &f.location {
                Location::Layer { image, .. }
                | Location::Config { image, .. }
                | Location::Package { image, .. } => image,
                _ => return false,
            };
            let repo = image_repository(image);
            let short = repo.strip_prefix("docker.io/library/").unwrap_or(&repo);
            if !(set.is_match(image) || set.is_match(&repo) || set.is_match(short)) {
                return false;
            }
        }
        if !self.vulnerabilities.is_empty() {
            let Some(v) = &f.vulnerability else {
                return false;
            };
            let hit = self.vulnerabilities.iter().any(|want| {
                std::iter::once(&v.id)
                    .chain(&v.aliases)
                    .any(|have| have.eq_ignore_ascii_case(want))
            });
            if !hit {
                return false;
            }
        }
        if !self.fingerprints.is_empty() && !self.fingerprints.contains(&f.fingerprint) {
            return false;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Category, Severity, SourceSpan, VulnerabilityInfo};

    fn resolve(s: &str) -> Option<String> {
        match s {
            "DF001" | "final-user-root" => Some("DF001".into()),
            "VU001" => Some("VU001".into()),
            _ => None,
        }
    }

    fn df(path: &str) -> Finding {
        Finding::new(
            "DF001",
            Severity::High,
            Category::User,
            "m",
            Location::Source(SourceSpan {
                path: path.into(),
                start_line: 1,
                end_line: 1,
                start_column: 1,
                end_column: 1,
            }),
        )
    }

    fn vuln(image: &str, id: &str, aliases: &[&str]) -> Finding {
        Finding::new(
            "VU001",
            Severity::High,
            Category::Vulnerability,
            "m",
            Location::Package {
                image: image.into(),
                package: "openssl".into(),
                version: "1".into(),
                path: "var/lib/dpkg/status".into(),
                layer: None,
            },
        )
        .with_vulnerability(VulnerabilityInfo {
            id: id.into(),
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            package: "openssl".into(),
            installed_version: "1".into(),
            fixed_version: None,
            ecosystem: "Debian".into(),
        })
    }

    fn yaml(text: &str) -> Result<IgnoreFile, String> {
        IgnoreFile::parse_yaml(Path::new(".drydockignore.yaml"), text, &resolve)
    }

    fn date(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn entries_select_by_rule_name_paths_images_and_aliases() {
        let f = yaml(
            "ignore:\n\
             - rule: final-user-root\n  paths: ['legacy/**']\n  reason: old app\n\
             - vulnerabilities: [CVE-2024-1]\n  images: ['ghcr.io/acme/*']\n  reason: no fix\n\
             - rule: DF001\n  reason: never used\n  paths: [nowhere/*]\n",
        )
        .unwrap();
        assert_eq!(
            f.entries.iter().map(|e| e.line).collect::<Vec<_>>(),
            [2, 5, 8]
        );
        let mut fs = vec![
            df("legacy/a/Dockerfile"),
            df("./legacy/Dockerfile"),
            df("app/Dockerfile"),
            vuln("ghcr.io/acme/app:1", "DSA-1-1", &["CVE-2024-1"]),
            vuln("ghcr.io/other/app:1", "DSA-1-1", &["CVE-2024-1"]),
            vuln("ghcr.io/acme/app:1", "DSA-2-1", &["CVE-2024-2"]),
        ];
        let (out, warnings) = f.apply(&mut fs, date("2026-01-01"));
        assert!(warnings.is_empty());
        assert_eq!(
            out.iter().map(|o| o.suppressed).collect::<Vec<_>>(),
            [2, 1, 0]
        );
        assert_eq!(fs.len(), 3);
        assert_eq!(out[0].entry, ".drydockignore.yaml:2");
    }

    #[test]
    fn expired_entries_stop_suppressing_and_warn() {
        let f = yaml("- rule: DF001\n  reason: temporary\n  expires: 2026-03-01\n").unwrap();
        let mut fs = vec![df("Dockerfile")];
        let (out, w) = f.apply(&mut fs, date("2026-02-28"));
        assert_eq!((fs.len(), out[0].suppressed, w.len()), (0, 1, 0));
        let mut fs = vec![df("Dockerfile")];
        let (out, w) = f.apply(&mut fs, date("2026-03-01"));
        assert_eq!((fs.len(), out[0].suppressed), (1, 0));
        assert!(out[0].expired);
        assert_eq!(w[0].kind, WarningKind::IgnoreExpired);
        assert!(
            w[0].message.contains("expired on 2026-03-01"),
            "{}",
            w[0].message
        );
    }

    #[test]
    fn malformed_entries_name_file_and_line() {
        let e = yaml("- rule: DF001\n  reason: ok\n- rule: DF001\n").unwrap_err();
        assert!(
            e.starts_with(".drydockignore.yaml:3:") && e.contains("reason"),
            "{e}"
        );
        let e = yaml("- rule: no-such-rule\n  reason: x\n").unwrap_err();
        assert!(e.contains(":1:") && e.contains("no-such-rule"), "{e}");
        let e = yaml("- rule: DF001\n  reason: x\n  expires: 2026-13-01\n").unwrap_err();
        assert!(e.contains("invalid date"), "{e}");
        let e = yaml("- rule: DF001\n  reason: x\n  paths: ['a[']\n").unwrap_err();
        assert!(e.contains("paths"), "{e}");
        let e = yaml("- rule: DF001\n  reason: x\n  bogus: 1\n").unwrap_err();
        assert!(e.contains("bogus"), "{e}");
        let e = yaml("- rule: [\n").unwrap_err();
        assert!(e.contains("invalid YAML"), "{e}");
        let e = yaml("- reason: everything\n").unwrap_err();
        assert!(e.contains("selects nothing"), "{e}");
    }

    #[test]
    fn plain_trivyignore_lists_work() {
        let p = Path::new(".trivyignore");
        let f = IgnoreFile::parse_plain(
            p,
            "# accepted\nCVE-2024-1 exp:2026-05-01\n\nDF001  # inline comment\n0123456789abcdef0123456789ABCDEF\n",
            &resolve,
        )
        .unwrap();
        assert_eq!(f.entries.len(), 3);
        assert_eq!(f.entries[0].line, 2);
        assert_eq!(f.entries[0].vulnerabilities, ["CVE-2024-1"]);
        assert_eq!(f.entries[1].rule_id.as_deref(), Some("DF001"));
        assert_eq!(
            f.entries[2].fingerprints[0],
            "0123456789abcdef0123456789abcdef"
        );
        let mut fs = vec![vuln("app:1", "DSA-9-1", &["CVE-2024-1"])];
        f.apply(&mut fs, date("2026-04-30"));
        assert!(fs.is_empty());
        let mut fs = vec![vuln("app:1", "DSA-9-1", &["CVE-2024-1"])];
        let (_, w) = f.apply(&mut fs, date("2026-05-01"));
        assert_eq!((fs.len(), w.len()), (1, 1));
        let e = IgnoreFile::parse_plain(p, "CVE-1\nnot an id\n", &resolve).unwrap_err();
        assert!(e.starts_with(".trivyignore:2:"), "{e}");
    }
}
