//! `drydock fix`: edits on the original text. Each rule declares its fixer beside its check
//! (`Rule::fix`; what fixers share is in `rules::fixing`); this module is the loop that
//! applies non-overlapping edits, re-parses and repeats until nothing changes.
//!
//! The AST is never re-serialized: text outside an edit stays byte for byte (comments,
//! continuations, heredocs, the `# escape=` directive, CRLF line ends).

use std::ops::Range;
use std::path::Path;

use drydock_core::{Finding, Location, Policy};

use crate::rules::fixing::fix_for;
pub use crate::rules::fixing::{DigestResolver, Edit, Fix, FixContext, Pinning, PIN_TODO};
use crate::rules::DockerfileOptions;

/// One fix `drydock fix` applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applied {
    pub rule: String,
    /// Line of the finding in the file as it was when the fix was made.
    pub line: usize,
    pub title: String,
    pub hint: Option<String>,
}

/// The outcome of fixing one file.
#[derive(Clone, Debug)]
pub struct FixResult {
    pub original: String,
    pub fixed: String,
    pub applied: Vec<Applied>,
    /// Problems that stopped a fix (a digest the registry could not give), one line each.
    pub errors: Vec<String>,
}

impl FixResult {
    pub fn changed(&self) -> bool {
        self.original != self.fixed
    }

    /// Unified diff (`--- a/PATH` / `+++ b/PATH`), empty when nothing changed.
    pub fn diff(&self, path: &str) -> String {
        if !self.changed() {
            return String::new();
        }
        similar::TextDiff::from_lines(&self.original, &self.fixed)
            .unified_diff()
            .context_radius(3)
            .header(&format!("a/{path}"), &format!("b/{path}"))
            .to_string()
    }
}

/// Passes of scan → fix → re-parse. Fixes that touch the same text (two fixers on one RUN)
/// wait for the next pass; a file converges in two or three.
const MAX_PASSES: usize = 6;

/// Fix one Dockerfile: the enabled rules' fixes, applied until none changes the text.
/// A pass whose result no longer parses as well as before is dropped (never written).
pub fn fix_dockerfile(
    path: &Path,
    source: &[u8],
    options: &DockerfileOptions,
    policy: &Policy,
    pinning: Pinning<'_>,
) -> FixResult {
    let original = String::from_utf8_lossy(source).into_owned();
    let original = original
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(original);
    let mut text = original.clone();
    let mut applied = Vec::new();
    let mut errors = Vec::new();
    let display = path.to_string_lossy().into_owned();
    for _ in 0..MAX_PASSES {
        let mut fixes: Vec<(Finding, Fix)> = Vec::new();
        let mut errs = Vec::new();
        let scan = crate::scan::scan_with(
            path,
            text.as_bytes(),
            options,
            policy,
            &mut |cx, findings| {
                let fx = FixContext::new(cx, pinning);
                for f in findings.iter() {
                    match fix_for(&fx, f) {
                        Some(Ok(fix)) if !fix.edits.is_empty() => fixes.push((f.clone(), fix)),
                        Some(Err(e)) => errs.push(e),
                        _ => {}
                    }
                }
            },
        );
        for e in errs {
            if !errors.contains(&e) {
                errors.push(e);
            }
        }
        let before_errors = scan.df.errors.len();
        // Identical edits from rules that share a fixer (DF016/DF017/DF018 on one FROM)
        // are made once; overlapping ones wait for the next pass.
        let mut taken: Vec<Edit> = Vec::new();
        let mut pass_applied = Vec::new();
        for (f, fix) in fixes {
            let mut edits = fix.edits.clone();
            edits.sort_by(|a, b| {
                (a.range.start, a.range.end, &a.text).cmp(&(b.range.start, b.range.end, &b.text))
            });
            edits.dedup();
            let all_dupes = edits.iter().all(|e| taken.contains(e));
            if all_dupes {
                continue;
            }
            let clash = edits.iter().any(|e| {
                taken.iter().any(|t| {
                    t != e
                        && (overlaps(&t.range, &e.range)
                            || (t.range.is_empty()
                                && e.range.is_empty()
                                && t.range.start == e.range.start))
                })
            });
            if clash {
                continue;
            }
            for e in edits {
                if !taken.contains(&e) {
                    taken.push(e);
                }
            }
            pass_applied.push(Applied {
                rule: f.rule.clone(),
                line: match &f.location {
                    Location::Source(s) => s.start_line,
                    _ => 0,
                },
                title: fix.title.clone(),
                hint: fix.hint.clone(),
            });
        }
        if taken.is_empty() {
            break;
        }
        let next = apply(&text, &mut taken);
        let reparsed = crate::parser::parse(&next, &display);
        if reparsed.errors.len() > before_errors {
            errors.push(format!(
                "{display}: a fix would make the file fail to parse ({}); not applied",
                reparsed.errors[0].message
            ));
            break;
        }
        if next == text {
            break;
        }
        text = next;
        applied.extend(pass_applied);
    }
    FixResult {
        original,
        fixed: text,
        applied,
        errors,
    }
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    (a.start < b.end && b.start < a.end)
        || (a.is_empty() && b.start < a.start && a.start < b.end)
        || (b.is_empty() && a.start < b.start && b.start < a.end)
}

/// Apply non-overlapping edits (insertions at one offset keep their order).
fn apply(text: &str, edits: &mut [Edit]) -> String {
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len() + 256);
    let mut at = 0;
    for e in edits.iter() {
        if e.range.start < at || e.range.end > text.len() {
            continue;
        }
        out.push_str(&text[at..e.range.start]);
        out.push_str(&e.text);
        at = e.range.end;
    }
    out.push_str(&text[at..]);
    out
}
