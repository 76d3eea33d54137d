//! Inline suppressions written as Dockerfile comments:
//!
//! ```dockerfile
//! # drydock ignore=DF014,DF033      (or: # drydock ignore DF014)
//! RUN …                             ← applies to the instruction right below the comment block
//! # drydock global ignore=DF051     ← anywhere: the whole file
//! # hadolint ignore=DL3008          ← foreign ids (Hadolint, Trivy DS…, Checkov CKV_DOCKER_…)
//! # checkov:skip=CKV_DOCKER_3:why   ← Checkov's own comment: the whole file, as in Checkov
//! ```                                  work too, mapped through rule equivalents
//! Ids may also be rule names (`final-stage-root-user`).

use drydock_core::{Finding, Location, RuleMeta};

use crate::ast::Dockerfile;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Selector {
    /// A drydock id or rule name.
    Drydock(String),
    /// A Hadolint code (`DL3008`), matched through `equivalents`.
    Hadolint(String),
}

impl Selector {
    fn matches(&self, rule: &str, meta: Option<&RuleMeta>) -> bool {
        match self {
            Selector::Drydock(s) => {
                s.eq_ignore_ascii_case(rule)
                    || s.eq_ignore_ascii_case("all")
                    || meta.is_some_and(|m| m.name == s || drydock_core::aliases::is_alias_of(s, m))
            }
            Selector::Hadolint(code) => {
                meta.is_some_and(|m| drydock_core::aliases::is_alias_of(code, m))
            }
        }
    }
}

/// The suppressions of one Dockerfile.
#[derive(Clone, Debug, Default)]
pub struct Suppressions {
    global: Vec<Selector>,
    /// `(first line, last line, selectors)` of each instruction with a comment block above.
    local: Vec<(usize, usize, Vec<Selector>)>,
    /// Every id written in a suppression comment, with the comment's line.
    ids: Vec<(usize, String)>,
}

impl Suppressions {
    pub fn from_dockerfile(df: &Dockerfile) -> Suppressions {
        let mut by_line: std::collections::BTreeMap<usize, &str> =
            std::collections::BTreeMap::new();
        for c in &df.comments {
            by_line.insert(c.line, c.text.as_str());
        }
        let mut s = Suppressions::default();
        for c in &df.comments {
            if let Some((global, sels)) = parse_comment(&c.text) {
                s.ids.extend(sels.iter().map(|sel| {
                    let (Selector::Drydock(id) | Selector::Hadolint(id)) = sel;
                    (c.line, id.clone())
                }));
                if global {
                    s.global.extend(sels);
                }
            }
        }
        for ins in &df.instructions {
            let mut sels = Vec::new();
            let mut line = ins.start_line;
            while line > 1 {
                line -= 1;
                let Some(text) = by_line.get(&line) else {
                    break;
                };
                if let Some((false, found)) = parse_comment(text) {
                    sels.extend(found);
                }
            }
            if !sels.is_empty() {
                s.local.push((ins.start_line, ins.end_line, sels));
            }
        }
        s
    }

    /// Ids in suppression comments that name no rule of `rules` (directly, by name or as a
    /// foreign equivalent) and no deliberately missing foreign check: `(line, id)`, for a
    /// warning like the command line gives.
    pub fn unknown_ids(&self, rules: &[&RuleMeta]) -> Vec<(usize, String)> {
        self.ids
            .iter()
            .filter(|(_, id)| {
                !id.eq_ignore_ascii_case("all")
                    && !rules.iter().any(|m| {
                        m.id.eq_ignore_ascii_case(id)
                            || m.name == id
                            || drydock_core::aliases::is_alias_of(id, m)
                    })
                    && drydock_core::aliases::missing(id).is_none()
            })
            .cloned()
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.global.is_empty() && self.local.is_empty()
    }

    /// True when `f` is suppressed by a global comment or one above its instruction.
    pub fn suppresses(&self, f: &Finding, meta: Option<&RuleMeta>) -> bool {
        if self.global.iter().any(|s| s.matches(&f.rule, meta)) {
            return true;
        }
        let Location::Source(span) = &f.location else {
            return false;
        };
        self.local.iter().any(|(start, end, sels)| {
            (*start..=*end).contains(&span.start_line)
                && sels.iter().any(|s| s.matches(&f.rule, meta))
        })
    }
}

/// `(global, selectors)` of a suppression comment (text after `#`, trimmed).
fn parse_comment(text: &str) -> Option<(bool, Vec<Selector>)> {
    // Checkov: `#checkov:skip=CKV_DOCKER_3:reason` skips the check for the whole Dockerfile
    // (Checkov's resource is the file).
    if let Some(rest) = text.trim().strip_prefix("checkov:skip=") {
        let id = rest.split([':', ' ', '\t']).next().unwrap_or("");
        return (!id.is_empty()).then(|| (true, vec![Selector::Drydock(format!("checkov:{id}"))]));
    }
    let mut words = text.trim().splitn(2, char::is_whitespace);
    let tool = words.next()?.to_ascii_lowercase();
    let hadolint = match tool.as_str() {
        "drydock" | "drydock:" => false,
        "hadolint" | "hadolint:" => true,
        _ => return None,
    };
    let mut rest = words.next()?.trim_start();
    let mut global = false;
    if let Some(r) = rest.strip_prefix("global") {
        global = true;
        rest = r.trim_start();
    }
    let rest = rest.strip_prefix("ignore")?;
    let rest = rest.strip_prefix('=').unwrap_or(rest).trim_start();
    let mut sels = Vec::new();
    for tok in rest.split([',', ' ', '\t']).filter(|t| !t.is_empty()) {
        let looks_like_id = tok.len() >= 3
            && tok
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == ':')
            && (tok.chars().any(|c| c.is_ascii_digit())
                || tok.contains('-')
                || tok.eq_ignore_ascii_case("all"));
        if !looks_like_id {
            break;
        }
        let is_dl = tok.len() > 2
            && tok[..2].eq_ignore_ascii_case("DL")
            && tok[2..].chars().all(|c| c.is_ascii_digit());
        sels.push(if hadolint || is_dl {
            Selector::Hadolint(tok.to_string())
        } else {
            Selector::Drydock(tok.to_string())
        });
    }
    (!sels.is_empty()).then_some((global, sels))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkov_skip_comment_is_file_wide() {
        let (g, s) = parse_comment("checkov:skip=CKV_DOCKER_3:runs as root on purpose").unwrap();
        assert!(g);
        assert_eq!(s, [Selector::Drydock("checkov:CKV_DOCKER_3".into())]);
        assert!(parse_comment("checkov:skip=").is_none());
    }

    #[test]
    fn comment_forms() {
        let (g, s) = parse_comment("drydock ignore=DF001,DF002").unwrap();
        assert!(!g);
        assert_eq!(
            s,
            [
                Selector::Drydock("DF001".into()),
                Selector::Drydock("DF002".into())
            ]
        );
        let (g, s) =
            parse_comment("drydock global ignore DF051 because we use k8s probes").unwrap();
        assert!(g);
        assert_eq!(s, [Selector::Drydock("DF051".into())]);
        let (_, s) = parse_comment("hadolint ignore=DL3008, DL3009").unwrap();
        assert_eq!(
            s,
            [
                Selector::Hadolint("DL3008".into()),
                Selector::Hadolint("DL3009".into())
            ]
        );
        assert!(parse_comment("drydock is great").is_none());
        assert!(parse_comment("ignore=DF001").is_none());
        assert!(parse_comment("drydock ignore=").is_none());
    }

    #[test]
    fn foreign_ids_and_unknown_ids() {
        let df = crate::parser::parse_bytes(
            b"FROM alpine:3.20\n# drydock ignore=CKV_DOCKER_3, DS002\n# hadolint ignore=DL3047,DL9999\n# drydock ignore=XX123\nUSER root\n",
            "Dockerfile",
        );
        let sup = Suppressions::from_dockerfile(&df);
        const M: RuleMeta = RuleMeta {
            id: "DF001",
            name: "final-stage-root-user",
            target: drydock_core::rule::Target::Dockerfile,
            category: drydock_core::Category::User,
            severity: drydock_core::Severity::High,
            title: "t",
            explanation: "e",
            references: &[],
            equivalents: &["trivy:DS002", "checkov:CKV_DOCKER_3"],
            default_enabled: true,
        };
        let f = Finding::from_rule(
            &M,
            "root",
            Location::Source(drydock_core::SourceSpan {
                path: "Dockerfile".into(),
                start_line: 5,
                end_line: 5,
                start_column: 1,
                end_column: 9,
            }),
        );
        assert!(sup.suppresses(&f, Some(&M)), "Trivy/Checkov ids suppress");
        // DL3047 is a deliberately missing Hadolint check: no warning; the others are unknown
        assert_eq!(
            sup.unknown_ids(&[&M]),
            vec![(3, "DL9999".to_string()), (4, "XX123".to_string())]
        );
    }
}
