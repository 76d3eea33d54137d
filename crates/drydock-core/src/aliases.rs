//! Foreign rule ids (Hadolint `DL3008`, Trivy `DS002`/`KSV001`/`AVD-KSV-0001`, Checkov
//! `CKV_DOCKER_3`/`CKV_K8S_20`, kube-score check names) accepted wherever a drydock id is.
//!
//! There is no second table of mappings: a foreign id names the drydock rules whose
//! `RuleMeta::equivalents` list it, so adding an equivalent to a rule is all it takes.
//! The only hand-written data is the list of foreign checks drydock deliberately does not
//! have (`data/foreign-missing.yaml`), each with the reason, for `drydock explain`.

use crate::RuleMeta;
use serde::Deserialize;
use std::sync::OnceLock;

/// Tools whose ids appear in `equivalents` as `tool:ID`.
pub const TOOLS: &[&str] = &[
    "hadolint",
    "trivy",
    "checkov",
    "kics",
    "kube-score",
    "dockle",
];

/// `trivy:DS002` → `("trivy", "DS002")`.
pub fn split_equivalent(e: &str) -> Option<(&str, &str)> {
    let (tool, id) = e.split_once(':')?;
    (TOOLS.contains(&tool) && !id.is_empty()).then_some((tool, id))
}

/// Canonical spelling for comparisons: upper case, Trivy's long `AVD-KSV-0001` /
/// `AVD-DS-0002` form folded to the short `KSV001` / `DS002` its docs also use, and KICS
/// query names folded to their slug (`Image Version Using 'latest'` =
/// `image-version-using-latest`): runs of spaces and punctuation other than `_`/`-` become
/// one `-`, so a name typed with dashes on a command line matches the documented title.
pub fn canonical(id: &str) -> String {
    let mut u = String::with_capacity(id.len());
    for c in id.trim().chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
            u.push(c.to_ascii_uppercase());
        } else if !u.is_empty() && !u.ends_with('-') {
            u.push('-');
        }
    }
    let u = u.trim_end_matches('-').to_string();
    if let Some(rest) = u.strip_prefix("AVD-") {
        if let Some((family, num)) = rest.split_once('-') {
            if let Ok(n) = num.parse::<u32>() {
                if matches!(family, "DS" | "KSV" | "KCV") {
                    return format!("{family}{n:03}");
                }
            }
        }
    }
    u
}

/// Does `selector` name `rule` through one of its equivalents? Bare ids must look like ids
/// (contain a digit: `DL3008`, `KSV001`, `CKV_K8S_20`) so that words such as `secret` stay
/// category selectors; tool-qualified selectors (`kube-score:pod-probes`,
/// `trivy:KSV001`) match any equivalent of that tool.
pub fn is_alias_of(selector: &str, rule: &RuleMeta) -> bool {
    let (tool, id) = match selector.split_once(':') {
        Some((t, i)) if TOOLS.contains(&t.to_ascii_lowercase().as_str()) => {
            (Some(t.to_ascii_lowercase()), i)
        }
        _ => (None, selector),
    };
    if tool.is_none() && !id.chars().any(|c| c.is_ascii_digit()) {
        return false;
    }
    let want = canonical(id);
    rule.equivalents
        .iter()
        .filter_map(|e| split_equivalent(e))
        .any(|(t, eid)| {
            tool.as_deref().is_none_or(|want_tool| want_tool == t) && canonical(eid) == want
        })
}

/// The drydock rules a foreign id stands for (several when drydock splits the check).
pub fn resolve<'a>(rules: &[&'a RuleMeta], selector: &str) -> Vec<&'a RuleMeta> {
    rules
        .iter()
        .copied()
        .filter(|r| is_alias_of(selector, r))
        .collect()
}

/// The tool a foreign-looking id belongs to, by its shape; `None` for drydock-style or
/// unrecognised ids. Used to say "Hadolint check DL3061" rather than "unknown rule".
pub fn foreign_tool(id: &str) -> Option<&'static str> {
    let u = canonical(id);
    let digits_after = |p: &str| {
        u.strip_prefix(p)
            .is_some_and(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_digit()))
    };
    if digits_after("DL") || digits_after("SC") {
        Some("hadolint")
    } else if digits_after("DS") || digits_after("KSV") || digits_after("KCV") {
        Some("trivy")
    } else if u.starts_with("CKV_") || u.starts_with("CKV2_") {
        Some("checkov")
    } else if u.starts_with("CIS-DI-") || u.starts_with("DKL-") {
        Some("dockle")
    } else {
        None
    }
}

/// A foreign check drydock does not implement on purpose.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MissingCheck {
    pub tool: String,
    /// Ids; a trailing `*` matches a family (`SC*`).
    pub ids: Vec<String>,
    pub title: String,
    pub reason: String,
}

impl MissingCheck {
    fn matches(&self, id: &str) -> bool {
        let want = canonical(id);
        self.ids.iter().any(|p| match p.strip_suffix('*') {
            Some(prefix) => want.starts_with(&canonical(prefix)),
            None => canonical(p) == want,
        })
    }
}

/// The table of deliberately missing checks (`data/foreign-missing.yaml`).
pub fn missing_checks() -> &'static [MissingCheck] {
    static T: OnceLock<Vec<MissingCheck>> = OnceLock::new();
    T.get_or_init(|| {
        serde_yaml_ng::from_str(include_str!("../data/foreign-missing.yaml"))
            .expect("data/foreign-missing.yaml is valid (tested)")
    })
}

/// Why drydock has no equivalent of `id`, when that was decided.
pub fn missing(id: &str) -> Option<&'static MissingCheck> {
    let id = id.split_once(':').map_or(id, |(t, i)| {
        if TOOLS.contains(&t.to_ascii_lowercase().as_str()) {
            i
        } else {
            id
        }
    });
    missing_checks().iter().find(|m| m.matches(id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::Target;
    use crate::{Category, Severity};

    const R: RuleMeta = RuleMeta {
        id: "RT004",
        name: "privilege-escalation",
        target: Target::Runtime,
        category: Category::Runtime,
        severity: Severity::High,
        title: "t",
        explanation: "e",
        references: &[],
        equivalents: &[
            "trivy:KSV001",
            "checkov:CKV_K8S_20",
            "kube-score:container-security-context-privileged",
            "trivy:secret",
        ],
        default_enabled: true,
    };

    #[test]
    fn foreign_ids_match_through_equivalents() {
        for s in [
            "KSV001",
            "ksv001",
            "AVD-KSV-0001",
            "trivy:KSV001",
            "CKV_K8S_20",
            "kube-score:container-security-context-privileged",
        ] {
            assert!(is_alias_of(s, &R), "{s}");
        }
        for s in [
            "KSV002",
            "hadolint:KSV001",
            "secret",
            "container-security-context-privileged",
            "CKV_K8S_2",
            "RT004",
        ] {
            assert!(!is_alias_of(s, &R), "{s}");
        }
        assert_eq!(resolve(&[&R], "KSV001").len(), 1);
        const K: RuleMeta = RuleMeta {
            equivalents: &["kics:image-version-using-latest"],
            ..R
        };
        for s in [
            "kics:Image Version Using 'latest'",
            "kics:image-version-using-latest",
            "kics:IMAGE VERSION USING LATEST",
        ] {
            assert!(is_alias_of(s, &K), "{s}");
        }
        assert!(!is_alias_of("kics:image-version-using", &K));
    }

    #[test]
    fn missing_table_is_valid_and_answers() {
        let t = missing_checks();
        assert!(t.len() > 10);
        for m in t {
            assert!(
                TOOLS.contains(&m.tool.as_str()),
                "{}: unknown tool",
                m.title
            );
            assert!(m.reason.len() > 20, "{:?}: give a real reason", m.ids);
            for id in &m.ids {
                let id = id.trim_end_matches('*');
                assert_eq!(
                    foreign_tool(&format!("{id}1")).or(foreign_tool(id)),
                    Some(m.tool.as_str()),
                    "{id} does not look like a {} id",
                    m.tool
                );
            }
        }
        assert_eq!(missing("SC2086").unwrap().tool, "hadolint");
        assert_eq!(missing("hadolint:DL3047").unwrap().tool, "hadolint");
        assert!(missing("DL3008").is_none());
        assert_eq!(foreign_tool("CKV_DOCKER_3"), Some("checkov"));
        assert_eq!(foreign_tool("DF001"), None);
    }
}

/// The parts of a Hadolint configuration (`.hadolint.yaml`) drydock honours when no
/// drydock configuration exists, so a project migrating from Hadolint keeps its decisions.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case")]
pub struct HadolintConfig {
    /// Rule codes to ignore (`DL3008`, `SC2086`).
    #[serde(default)]
    pub ignored: Vec<String>,
    /// Registries base images may come from (Hadolint's DL3026).
    #[serde(default, alias = "trustedRegistries")]
    pub trusted_registries: Vec<String>,
    /// Severity overrides: `error`/`warning`/`info`/`style` → list of codes.
    #[serde(default)]
    pub r#override: HadolintOverride,
    /// `error`, `warning`, `info`, `style`, `ignore`/`none`.
    #[serde(default)]
    pub failure_threshold: Option<String>,
    /// Everything else (`label-schema`, `strict-labels`, `format`…) is read and not used.
    #[serde(flatten)]
    pub other: std::collections::BTreeMap<String, serde_yaml_ng::Value>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct HadolintOverride {
    #[serde(default)]
    pub error: Vec<String>,
    #[serde(default)]
    pub warning: Vec<String>,
    #[serde(default)]
    pub info: Vec<String>,
    #[serde(default)]
    pub style: Vec<String>,
}

impl HadolintConfig {
    pub fn parse(text: &str) -> Result<HadolintConfig, String> {
        if text.trim().is_empty() {
            return Ok(HadolintConfig::default());
        }
        serde_yaml_ng::from_str(text).map_err(|e| match e.location() {
            Some(l) => format!("line {}: {e}", l.line()),
            None => e.to_string(),
        })
    }

    /// Hadolint's severity names on drydock's scale (`ignore`/`none` → `None`).
    pub fn severity(name: &str) -> Option<crate::Severity> {
        use crate::Severity::*;
        match name.trim().to_ascii_lowercase().as_str() {
            "error" => Some(High),
            "warning" => Some(Medium),
            "info" => Some(Low),
            "style" => Some(Info),
            _ => None,
        }
    }

    /// `(code, severity)` of every override.
    pub fn overrides(&self) -> Vec<(String, crate::Severity)> {
        let o = &self.r#override;
        [
            ("error", &o.error),
            ("warning", &o.warning),
            ("info", &o.info),
            ("style", &o.style),
        ]
        .into_iter()
        .flat_map(|(sev, ids)| {
            let s = Self::severity(sev).expect("known names");
            ids.iter().map(move |id| (id.clone(), s))
        })
        .collect()
    }
}

#[cfg(test)]
mod hadolint_tests {
    use super::*;

    #[test]
    fn reads_hadolint_config() {
        let c = HadolintConfig::parse(
            "ignored:\n  - DL3008\n  - SC2086\ntrustedRegistries:\n  - docker.io\n  - my.registry:5000\noverride:\n  error: [DL3001]\n  info: [DL3032]\nfailure-threshold: warning\nlabel-schema:\n  author: text\n",
        )
        .unwrap();
        assert_eq!(c.ignored, vec!["DL3008", "SC2086"]);
        assert_eq!(c.trusted_registries.len(), 2);
        assert_eq!(
            c.overrides(),
            vec![
                ("DL3001".to_string(), crate::Severity::High),
                ("DL3032".to_string(), crate::Severity::Low)
            ]
        );
        assert_eq!(c.failure_threshold.as_deref(), Some("warning"));
        assert!(HadolintConfig::parse("ignored: DL3008\n").is_err());
        assert_eq!(
            HadolintConfig::parse("").unwrap(),
            HadolintConfig::default()
        );
    }
}

#[cfg(test)]
mod doc_tests {
    #[test]
    fn migration_doc_lists_every_missing_check() {
        let doc = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../docs/migration.md"
        ))
        .expect("docs/migration.md");
        for m in super::missing_checks() {
            for id in &m.ids {
                assert!(
                    doc.contains(&format!("`{id}`")),
                    "docs/migration.md does not list {id} (regenerate its table from data/foreign-missing.yaml)"
                );
            }
        }
    }
}
