//! Inline suppressions in Compose files and manifests, like the Dockerfile ones:
//!
//! ```yaml
//! privileged: true   # drydock ignore=RT001        ← this line
//! # drydock ignore=RT009,KSV010                    ← the line below the comment block
//! hostPID: true
//! # drydock global ignore=RT017                    ← anywhere: the whole file
//! ```
//! Ids may be drydock ids, rule names or foreign ids (`KSV001`, `CKV_K8S_20`), matched
//! through the rules' equivalents. Kubernetes objects may also carry Checkov's skip
//! annotations (`checkov.io/skip1: CKV_K8S_20=reason`), honoured for that object.

use drydock_core::aliases;
use drydock_core::{Finding, Location, RuleMeta};

#[derive(Debug, Default)]
pub struct Suppressions {
    global: Vec<String>,
    /// `(line, ids)`: ids that apply to findings on `line`.
    lines: Vec<(usize, Vec<String>)>,
    /// Every id written, with its comment line (for unknown-id warnings).
    ids: Vec<(usize, String)>,
}

/// `(global, ids)` of a comment's text (after `#`).
fn parse(comment: &str) -> Option<(bool, Vec<String>)> {
    let rest = comment.trim().strip_prefix("drydock")?;
    let rest = rest.strip_prefix(':').unwrap_or(rest).trim_start();
    let (global, rest) = match rest.strip_prefix("global") {
        Some(r) => (true, r.trim_start()),
        None => (false, rest),
    };
    let rest = rest.strip_prefix("ignore")?;
    let rest = rest.strip_prefix('=').unwrap_or(rest).trim_start();
    let ids: Vec<String> = rest
        .split([',', ' ', '\t'])
        .filter(|t| !t.is_empty())
        // ids have a digit or a dash (`RT001`, `runs-as-root`); prose after them ends the list
        .take_while(|t| {
            t.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':'))
                && (t.chars().any(|c| c.is_ascii_digit() || c == '-')
                    || t.eq_ignore_ascii_case("all"))
        })
        .map(str::to_string)
        .collect();
    (!ids.is_empty()).then_some((global, ids))
}

/// The comment part of a YAML line: after a `#` that starts the line or follows a space.
fn comment_of(line: &str) -> Option<&str> {
    let t = line.trim_start();
    if let Some(c) = t.strip_prefix('#') {
        return Some(c);
    }
    line.find(" #").map(|i| &line[i + 2..])
}

impl Suppressions {
    pub fn from_text(text: &str) -> Suppressions {
        let mut s = Suppressions::default();
        let lines: Vec<&str> = text.lines().collect();
        for (i, l) in lines.iter().enumerate() {
            let Some((global, ids)) = comment_of(l).and_then(parse) else {
                continue;
            };
            let line = i + 1;
            s.ids.extend(ids.iter().map(|id| (line, id.clone())));
            if global {
                s.global.extend(ids);
                continue;
            }
            if !l.trim_start().starts_with('#') {
                s.lines.push((line, ids));
                continue;
            }
            // A comment line applies to the next line that is not a comment or blank.
            if let Some(j) = (i + 1..lines.len()).find(|&j| {
                let t = lines[j].trim();
                !t.is_empty() && !t.starts_with('#')
            }) {
                s.lines.push((j + 1, ids));
            }
        }
        s
    }

    pub fn is_empty(&self) -> bool {
        self.global.is_empty() && self.lines.is_empty()
    }

    pub fn suppresses(&self, f: &Finding, meta: Option<&RuleMeta>) -> bool {
        let hit = |id: &String| id_matches(id, &f.rule, meta);
        if self.global.iter().any(hit) {
            return true;
        }
        let Location::Source(span) = &f.location else {
            return false;
        };
        self.lines
            .iter()
            .any(|(l, ids)| *l == span.start_line && ids.iter().any(hit))
    }

    /// Ids naming no rule of `rules` and no deliberately missing foreign check.
    pub fn unknown_ids(&self, rules: &[&RuleMeta]) -> Vec<(usize, String)> {
        self.ids
            .iter()
            .filter(|(_, id)| {
                !id.eq_ignore_ascii_case("all")
                    && !rules.iter().any(|m| id_matches(id, m.id, Some(m)))
                    && aliases::missing(id).is_none()
            })
            .cloned()
            .collect()
    }
}

/// Does a suppression id name the rule `rule` (with metadata `meta`)?
pub fn id_matches(id: &str, rule: &str, meta: Option<&RuleMeta>) -> bool {
    id.eq_ignore_ascii_case(rule)
        || id.eq_ignore_ascii_case("all")
        || meta.is_some_and(|m| m.name == id || aliases::is_alias_of(id, m))
}

/// Checkov's skip annotations of an object: `checkov.io/skip1: CKV_K8S_20=reason`.
pub fn checkov_skips(annotations: Option<&crate::yaml::Node>) -> Vec<String> {
    let Some(a) = annotations else {
        return Vec::new();
    };
    a.map()
        .iter()
        .filter(|(k, _)| k.as_str().is_some_and(|k| k.starts_with("checkov.io/skip")))
        .filter_map(|(_, v)| v.as_str())
        .map(|v| v.split('=').next().unwrap_or("").trim().to_string())
        .filter(|id| !id.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_forms() {
        let s = Suppressions::from_text(
            "a: 1 # drydock ignore=RT001\n# drydock ignore=RT009, KSV010\n\n# other\nb: 2\n# drydock global ignore RT017 because pinned elsewhere\nurl: http://x/#drydock ignore=RT002\n",
        );
        assert_eq!(s.lines[0], (1, vec!["RT001".to_string()]));
        assert_eq!(
            s.lines[1],
            (5, vec!["RT009".to_string(), "KSV010".to_string()])
        );
        assert_eq!(s.global, vec!["RT017".to_string()]);
        assert_eq!(s.lines.len(), 2, "`#` inside a value is not a comment");
    }
}
