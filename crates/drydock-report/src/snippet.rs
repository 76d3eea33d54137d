//! Source excerpts for source-located findings (text and HTML), with the secret masked.
//!
//! A snippet quotes the scanned file, so a secret finding would print the very secret the
//! evidence redacts. Unless `--show-secrets` is on, every secret of the report is located in
//! the quoted lines by its evidence (see [`Masker`]) and replaced by the redacted value; when a
//! finding's own secret cannot be located, no snippet is shown at all.

use crate::mask::Masker;
use drydock_core::{Finding, Location};
use std::ops::Range;

pub struct Snip {
    /// 1-based number of the first quoted line.
    pub start_line: usize,
    /// The quoted lines joined by `\n`, secret masked.
    pub text: String,
    /// Byte range of the finding's span within `text`.
    pub span: Range<usize>,
}

/// Byte offset of the `col`-th character (1-based) of `line`, clamped to its end.
fn col_offset(line: &str, col: usize) -> usize {
    line.char_indices()
        .nth(col.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i)
}

pub fn snippet(source: &str, f: &Finding, masker: &Masker) -> Option<Snip> {
    let Location::Source(s) = &f.location else {
        return None;
    };
    if s.start_line == 0 || s.end_line < s.start_line {
        return None;
    }
    // Bound the excerpt: a span over hundreds of lines is not a useful snippet.
    let end_line = s.end_line.min(s.start_line + 40);
    let lines: Vec<&str> = source
        .lines()
        .skip(s.start_line - 1)
        .take(end_line - s.start_line + 1)
        .collect();
    if lines.len() != end_line - s.start_line + 1 {
        return None;
    }
    let text = lines.join("\n");
    let start = col_offset(lines[0], s.start_column.max(1));
    let last = lines[lines.len() - 1];
    let last_start = text.len() - last.len();
    let end = if end_line == s.end_line && s.end_column > 0 {
        // `end_column` is inclusive: the span ends after that character.
        last_start + col_offset(last, s.end_column + 1)
    } else {
        // Cut at 40 lines, or no end column: the span runs to the end of the excerpt.
        text.len()
    };
    let span = start..end.max(start);
    if masker.is_empty() {
        return Some(Snip {
            start_line: s.start_line,
            text,
            span,
        });
    }
    let m = masker.mask(&text);
    if let Some(ev) = &f.evidence {
        let own = ev.sha256.to_ascii_lowercase();
        if !m.found.contains(&own) {
            return None;
        }
    }
    let span = m.map(span.start, false)..m.map(span.end, true);
    Some(Snip {
        start_line: s.start_line,
        span: span.start..span.end.max(span.start),
        text: m.text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use drydock_core::{redact, Category, Redaction, Severity, SourceSpan};

    fn none() -> Masker {
        Masker::default()
    }

    fn finding(line: usize, c1: usize, c2: usize) -> Finding {
        Finding::new(
            "DF010",
            Severity::High,
            Category::Secret,
            "m",
            Location::Source(SourceSpan {
                path: "Dockerfile".into(),
                start_line: line,
                end_line: line,
                start_column: c1,
                end_column: c2,
            }),
        )
    }

    #[test]
    fn span_is_inclusive_of_end_column() {
        let src = "FROM a\nUSER root\n";
        let s = snippet(src, &finding(2, 6, 9), &none()).unwrap();
        assert_eq!(&s.text[s.span.clone()], "root");
    }

    #[test]
    fn secret_is_masked_and_span_follows() {
        let secret = "ghp_0123456789abcdefghijklmnopqrstuvwxyz";
        let src = format!("FROM a\nENV TOKEN={secret} OTHER=1\n");
        let ev = redact(secret.as_bytes(), Redaction::Redact);
        let f = finding(2, 5, 10 + secret.len()).with_evidence(ev.clone());
        let s = snippet(&src, &f, &Masker::new([&f])).unwrap();
        assert!(!s.text.contains(secret));
        assert_eq!(&s.text[s.span.clone()], format!("TOKEN={}", ev.value));
        assert!(s.text.ends_with(" OTHER=1"));
        // Shown as written with --show-secrets.
        assert!(snippet(&src, &f, &none()).unwrap().text.contains(secret));
    }

    #[test]
    fn other_findings_secrets_are_masked_too() {
        let secret = "ghp_0123456789abcdefghijklmnopqrstuvwxyz";
        let src = format!("ENV TOKEN={secret}\n");
        let with_ev = finding(1, 5, 9).with_evidence(redact(secret.as_bytes(), Redaction::Redact));
        let plain = finding(1, 5, 9);
        let s = snippet(&src, &plain, &Masker::new([&with_ev])).unwrap();
        assert!(!s.text.contains(secret));
        assert_eq!(&s.text[s.span.clone()], "TOKEN");
    }

    #[test]
    fn unlocatable_secret_means_no_snippet() {
        let ev = redact(b"not-in-the-file-at-all", Redaction::Redact);
        let f = finding(1, 1, 3).with_evidence(ev);
        assert!(snippet("FROM a\n", &f, &Masker::new([&f])).is_none());
    }

    #[test]
    fn out_of_range_lines_give_none() {
        assert!(snippet("FROM a\n", &finding(5, 1, 2), &none()).is_none());
    }
}
