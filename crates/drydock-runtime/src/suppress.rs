//! Inline suppressions in Compose files and manifests, like the Dockerfile ones:
//!
//! ```yaml
//! privileged: true   # drydock ignore=RT001        ← this line
//! # drydock ignore=RT009,KSV010                    ← the line below the comment block
//! hostPID: true
//! # drydock global ignore=RT017                    ← anywhere: the whole file
//! ```
//! Ids may be drydock ids, rule names or foreign ids (`KSV001`, `CKV_K8S_20`), matched
//! through the rules' equivalents. The other scanners' own comments are honoured too, with
//! their documented scope, so a file annotated for them needs no second annotation:
//! - Trivy `# trivy:ignore:KSV001` (optionally `[exp:2025-12-31]`; expired entries do not
//!   apply): this line, or the next line when the comment stands alone;
//! - KICS `# kics-scan ignore-line` (the next line), `# kics-scan ignore-block` (the next
//!   line and everything indented below it), `# kics-scan disable=<query id>,…` (those
//!   queries in the whole file) and `# kics-scan ignore` (the whole file);
//! - Checkov `# checkov:skip=CKV_K8S_20:reason`: the YAML document it is written in.
//!
//! Kubernetes objects may also carry Checkov's skip annotations (`checkov.io/skip1:
//! CKV_K8S_20=reason`), honoured for that object.

use drydock_core::aliases;
use drydock_core::eol::Date;
use drydock_core::{Finding, Location, RuleMeta};

#[derive(Debug, Default)]
pub struct Suppressions {
    global: Vec<String>,
    /// `(first line, last line, ids)`: ids that apply to findings starting in those lines.
    lines: Vec<(usize, usize, Vec<String>)>,
    /// Every id written, with its comment line (for unknown-id warnings).
    ids: Vec<(usize, String)>,
}

/// What one comment asks for.
#[derive(Debug, PartialEq)]
enum Scope {
    /// The comment's line, or the next line when the comment stands alone.
    Line,
    /// The next line and the lines indented below it.
    Block,
    /// The YAML document (between `---` separators) holding the comment.
    Document,
    File,
}

/// Ids after a directive: ids have a digit or a dash (`RT001`, `runs-as-root`); prose
/// after them ends the list.
fn id_list(rest: &str) -> Vec<String> {
    rest.split([',', ' ', '\t'])
        .filter(|t| !t.is_empty())
        .take_while(|t| {
            t.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':'))
                && (t.chars().any(|c| c.is_ascii_digit() || c == '-')
                    || t.eq_ignore_ascii_case("all"))
        })
        .map(str::to_string)
        .collect()
}

/// `(scope, ids)` of a comment's text (after `#`); ids of other tools come qualified
/// (`trivy:KSV001`, `kics:<uuid>`, `checkov:CKV_K8S_20`), `all` for every rule.
fn parse(comment: &str) -> Option<(Scope, Vec<String>)> {
    let c = comment.trim();
    if let Some(rest) = c.strip_prefix("drydock") {
        let rest = rest.strip_prefix(':').unwrap_or(rest).trim_start();
        let (scope, rest) = match rest.strip_prefix("global") {
            Some(r) => (Scope::File, r.trim_start()),
            None => (Scope::Line, rest),
        };
        let rest = rest.strip_prefix("ignore")?;
        let rest = rest.strip_prefix('=').unwrap_or(rest).trim_start();
        let ids = id_list(rest);
        return (!ids.is_empty()).then_some((scope, ids));
    }
    if let Some(rest) = c.strip_prefix("trivy:ignore:") {
        // `KSV001[exp:2025-12-31]`: Trivy stops honouring the comment after that date.
        let (id, opts) = rest.split_once('[').unwrap_or((rest, ""));
        let id = id.split_whitespace().next().unwrap_or("");
        if let Some(exp) = opts.strip_prefix("exp:") {
            let exp = exp.split(']').next().unwrap_or("");
            if Date::parse(exp).is_ok_and(|d| d < Date::today()) {
                return None;
            }
        }
        return (!id.is_empty()).then(|| (Scope::Line, vec![format!("trivy:{id}")]));
    }
    if let Some(rest) = c.strip_prefix("kics-scan") {
        let rest = rest.trim_start();
        let all = || vec!["all".to_string()];
        return match rest.split_whitespace().next()? {
            "ignore-line" => Some((Scope::Line, all())),
            "ignore-block" => Some((Scope::Block, all())),
            "ignore" => Some((Scope::File, all())),
            d => {
                let ids = d.strip_prefix("disable=")?;
                let ids: Vec<String> = ids
                    .split(',')
                    .map(str::trim)
                    .filter(|i| !i.is_empty())
                    .map(|i| format!("kics:{i}"))
                    .collect();
                (!ids.is_empty()).then_some((Scope::File, ids))
            }
        };
    }
    if let Some(rest) = c.strip_prefix("checkov:skip=") {
        let id = rest.split([':', ' ']).next().unwrap_or("");
        return (!id.is_empty()).then(|| (Scope::Document, vec![format!("checkov:{id}")]));
    }
    None
}

/// The comment part of a YAML line: after a `#` that starts the line or follows a space.
fn comment_of(line: &str) -> Option<&str> {
    let t = line.trim_start();
    if let Some(c) = t.strip_prefix('#') {
        return Some(c);
    }
    line.find(" #").map(|i| &line[i + 2..])
}

fn indent(l: &str) -> usize {
    l.len() - l.trim_start().len()
}

impl Suppressions {
    pub fn from_text(text: &str) -> Suppressions {
        let mut s = Suppressions::default();
        let lines: Vec<&str> = text.lines().collect();
        let blank_or_comment = |j: usize| {
            let t = lines[j].trim();
            t.is_empty() || t.starts_with('#')
        };
        for (i, l) in lines.iter().enumerate() {
            let Some((scope, ids)) = comment_of(l).and_then(parse) else {
                continue;
            };
            let line = i + 1;
            s.ids.extend(ids.iter().map(|id| (line, id.clone())));
            let alone = l.trim_start().starts_with('#');
            // The next line that is not a comment or blank (what a standalone comment names).
            let next = (i + 1..lines.len()).find(|&j| !blank_or_comment(j));
            match scope {
                Scope::File => s.global.extend(ids),
                Scope::Line if !alone => s.lines.push((line, line, ids)),
                Scope::Line => {
                    if let Some(j) = next {
                        s.lines.push((j + 1, j + 1, ids));
                    }
                }
                Scope::Block => {
                    let Some(j) = next else { continue };
                    let base = indent(lines[j]);
                    let end = (j + 1..lines.len())
                        .take_while(|&k| blank_or_comment(k) || indent(lines[k]) > base)
                        .last()
                        .unwrap_or(j);
                    s.lines.push((j + 1, end + 1, ids));
                }
                Scope::Document => {
                    let sep = |k: &usize| lines[*k].trim_end() == "---";
                    let first = (0..i).rev().find(sep).map_or(0, |k| k + 1);
                    let last = (i + 1..lines.len()).find(sep).unwrap_or(lines.len());
                    s.lines.push((first + 1, last, ids));
                }
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
            .any(|(a, b, ids)| (*a..=*b).contains(&span.start_line) && ids.iter().any(hit))
    }

    /// Ids naming no rule of `rules` and no deliberately missing foreign check.
    pub fn unknown_ids(&self, rules: &[&RuleMeta]) -> Vec<(usize, String)> {
        self.ids
            .iter()
            .filter(|(_, id)| {
                // KICS queries are UUIDs; drydock knows only those of its equivalents.
                !id.eq_ignore_ascii_case("all")
                    && !id.starts_with("kics:")
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
        assert_eq!(s.lines[0], (1, 1, vec!["RT001".to_string()]));
        assert_eq!(
            s.lines[1],
            (5, 5, vec!["RT009".to_string(), "KSV010".to_string()])
        );
        assert_eq!(s.global, vec!["RT017".to_string()]);
        assert_eq!(s.lines.len(), 2, "`#` inside a value is not a comment");
    }

    #[test]
    fn other_scanners_comments() {
        let text = "\
kind: Pod
spec:
  # kics-scan ignore-block
  securityContext:
    runAsUser: 0
    privileged: true
  hostPID: true # trivy:ignore:KSV010
  # trivy:ignore:KSV017[exp:2000-01-01]
  hostIPC: true
  # kics-scan ignore-line
  hostNetwork: true
---
kind: Pod
# checkov:skip=CKV_K8S_16:needs the device
spec: {}
";
        let s = Suppressions::from_text(text);
        assert_eq!(s.lines[0], (4, 6, vec!["all".to_string()]));
        assert_eq!(s.lines[1], (7, 7, vec!["trivy:KSV010".to_string()]));
        assert_eq!(s.lines[2], (11, 11, vec!["all".to_string()]));
        assert_eq!(s.lines[3], (13, 15, vec!["checkov:CKV_K8S_16".to_string()]));
        assert_eq!(s.lines.len(), 4, "the expired Trivy entry does not apply");
        let s = Suppressions::from_text(
            "# kics-scan disable=bc2908f3-f73c-40a9-8793-c1b7d5544f79,x\n# kics-scan ignore\n",
        );
        assert_eq!(
            s.global,
            vec![
                "kics:bc2908f3-f73c-40a9-8793-c1b7d5544f79".to_string(),
                "kics:x".to_string(),
                "all".to_string()
            ]
        );
    }
}
