//! IM007: build arguments and secrets recorded in `history[].created_by`.

use super::util::{named_secret_finding, value_secrets};
use crate::context::ImageContext;
use drydock_core::rule::Target;
use drydock_core::{Category, Finding, RuleMeta, Severity};
use drydock_secrets::ContentKind;

pub const META: RuleMeta = RuleMeta {
    id: "IM007",
    name: "secret-in-history",
    target: Target::Image,
    category: Category::Secret,
    severity: Severity::High,
    title: "A build argument or command in the image history holds a secret",
    explanation: r#"
## Why is this bad?
The image config keeps the command of every build step in `history[].created_by`. Build
arguments used by a `RUN` step are recorded in front of it as `|N KEY=value …`, so
`docker build --build-arg GITHUB_TOKEN=…` publishes the token to everyone who can run
`docker history`. Tokens typed directly into a `RUN` line (`curl -H "Authorization: …"`,
`RUN <<EOF` heredocs) are recorded the same way.

## How to fix
Rotate the secret. Use BuildKit secret mounts (`RUN --mount=type=secret,id=token …` with
`docker build --secret id=token,env=GITHUB_TOKEN`) instead of `--build-arg` or literal
values in `RUN`.

## Example
```dockerfile
# bad: recorded as `|1 GITHUB_TOKEN=ghp_… /bin/sh -c …`
ARG GITHUB_TOKEN
RUN git clone https://$GITHUB_TOKEN@github.com/org/private.git
# good
RUN --mount=type=secret,id=gh,env=GITHUB_TOKEN git clone https://$GITHUB_TOKEN@github.com/org/private.git
```

## References
- https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/
- https://docs.docker.com/build/building/secrets/
"#,
    references: &[
        "https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/",
        "https://docs.docker.com/build/building/secrets/",
    ],
    equivalents: &["trivy:secret"],
    default_enabled: true,
};

/// `created_by` as locations and the layer summary show it: secret values (engine matches,
/// secret-named build arguments and assignments) replaced by their redacted form, so a
/// finding elsewhere in the layer does not print the build secret in its location.
pub fn redact_created_by(
    engine: &drydock_secrets::Engine,
    cb: &str,
    redaction: drydock_core::Redaction,
) -> String {
    if redaction == drydock_core::Redaction::Show {
        return cb.to_string();
    }
    let mut secrets: Vec<String> = Vec::new();
    let kinds: &[ContentKind] = if cb.contains("<<") {
        &[ContentKind::CommandLine, ContentKind::File]
    } else {
        &[ContentKind::CommandLine]
    };
    for &kind in kinds {
        let cx = drydock_secrets::ScanContext {
            path: None,
            name: None,
            owner_package: None,
            kind,
        };
        for m in engine.scan(cb.as_bytes(), &cx) {
            if let Some(s) = cb.get(m.secret.clone()) {
                secrets.push(s.to_string());
            }
        }
    }
    for (k, v) in build_args(cb).into_iter().chain(assignments(cb)) {
        let v = v.trim_matches(|c| c == '"' || c == '\'');
        if drydock_secrets::name_suggests_secret(&k) && !v.is_empty() && !v.starts_with('$') {
            secrets.push(v.to_string());
        }
    }
    // Longest first, so a secret containing another is replaced whole.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets.dedup();
    secrets.iter().fold(cb.to_string(), |out, s| {
        drydock_core::redact::redact_in(&out, s, redaction)
    })
}

/// The build arguments recorded in front of a `RUN` history entry:
/// `|2 A=1 B=2 /bin/sh -c …` (also after a `RUN ` prefix, as BuildKit writes it).
pub fn build_args(created_by: &str) -> Vec<(String, String)> {
    let s = created_by.trim_start();
    let s = s.strip_prefix("RUN ").unwrap_or(s).trim_start();
    let Some(rest) = s.strip_prefix('|') else {
        return Vec::new();
    };
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    let Ok(n) = digits.parse::<usize>() else {
        return Vec::new();
    };
    let mut rest = rest[digits.len()..].trim_start();
    let mut out = Vec::new();
    for _ in 0..n.min(256) {
        let Some((k, after)) = rest.split_once('=') else {
            break;
        };
        if k.is_empty() || k.contains(char::is_whitespace) {
            break;
        }
        let (v, next) = match after.find(char::is_whitespace) {
            Some(i) => (&after[..i], after[i..].trim_start()),
            None => (after, ""),
        };
        out.push((k.to_string(), v.to_string()));
        rest = next;
    }
    out
}

pub fn check(cx: &ImageContext<'_>, out: &mut Vec<Finding>) {
    if !cx.secrets {
        return;
    }
    // Values already reported from Env/Labels (ENV steps repeat them in history).
    // A secret also found in a layer file is still reported here: history is a second,
    // independent place anyone can read it from (`docker history`).
    let known: Vec<String> = out
        .iter()
        .filter(|f| matches!(f.location, drydock_core::Location::Config { .. }))
        .filter_map(|f| f.evidence.as_ref().map(|e| e.sha256.clone()))
        .collect();
    let mut layer = 0;
    for (i, h) in cx.image.config.history.iter().enumerate() {
        // The layer a step made (steps marked `empty_layer` made none): said in the message,
        // so the history entry can be matched with the layer table.
        let made = if h.empty_layer {
            String::new()
        } else {
            layer += 1;
            format!(", the step that made layer {}", layer - 1)
        };
        let Some(cb) = h.created_by.as_deref() else {
            continue;
        };
        let loc = cx.config_loc(format!("history[{i}]"));
        let mut local = Vec::new();
        let mut seen = Vec::new();
        for (k, v) in build_args(cb) {
            let f = value_secrets(
                &META,
                cx.engine,
                cx.redaction,
                &v,
                Some(&k),
                ContentKind::Value,
                &loc,
                &format!("build argument `{k}` recorded in history[{i}]{made}"),
                &mut local,
            );
            if f.is_empty() {
                if let Some(f) =
                    named_secret_finding(&META, cx.redaction, &k, &v, &loc, "build argument")
                {
                    local.push(f);
                }
            }
            seen.extend(f);
        }
        let mut cmd = Vec::new();
        value_secrets(
            &META,
            cx.engine,
            cx.redaction,
            cb,
            None,
            ContentKind::CommandLine,
            &loc,
            &format!("the command of history[{i}]{made}"),
            &mut cmd,
        );
        // `NAME=value` assignments in the command (`export API_KEY=…`, `echo "TOKEN=…" > f`)
        // whose name says secret, even where no provider pattern knows the value's shape.
        for (k, v) in assignments(cb) {
            if build_args(cb).iter().any(|(bk, _)| *bk == k) {
                continue;
            }
            if let Some(f) = named_secret_finding(
                &META,
                cx.redaction,
                &k,
                &v,
                &loc,
                &format!("assignment in the command of history[{i}]:"),
            ) {
                cmd.push(f);
            }
        }
        // `RUN <<EOF` heredoc bodies are recorded verbatim: scan them like file content too.
        if cb.contains("<<") {
            value_secrets(
                &META,
                cx.engine,
                cx.redaction,
                cb,
                None,
                ContentKind::File,
                &loc,
                &format!("the heredoc of history[{i}]"),
                &mut cmd,
            );
        }
        for f in cmd {
            let sha = f
                .evidence
                .as_ref()
                .map(|e| e.sha256.clone())
                .unwrap_or_default();
            if !seen.contains(&sha)
                && !local
                    .iter()
                    .any(|l| l.evidence.as_ref().map(|e| &e.sha256) == Some(&sha))
            {
                local.push(f);
            }
        }
        out.extend(local.into_iter().filter(|f| {
            f.evidence
                .as_ref()
                .is_none_or(|e| !known.contains(&e.sha256))
        }));
    }
}

/// Literal `NAME=value` assignments in a command line. Values that reference variables
/// (`$X`, `${X}`, `$(…)`) are skipped: the secret is not in the text.
pub fn assignments(cmd: &str) -> Vec<(String, String)> {
    let b = cmd.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let starts_word = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
        if !(starts_word && (b[i].is_ascii_alphabetic() || b[i] == b'_')) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
            i += 1;
        }
        if i >= b.len() || b[i] != b'=' {
            continue;
        }
        let name = &cmd[start..i];
        i += 1;
        let (quote, vstart) = match b.get(i) {
            Some(&q @ (b'"' | b'\'')) => (Some(q), i + 1),
            _ => (None, i),
        };
        let mut j = vstart;
        while j < b.len() {
            let c = b[j];
            let end = match quote {
                Some(q) => c == q,
                None => {
                    c.is_ascii_whitespace() || matches!(c, b';' | b'&' | b'|' | b'"' | b'\'' | b')')
                }
            };
            if end {
                break;
            }
            j += 1;
        }
        let value = &cmd[vstart..j];
        if !value.is_empty() && !value.contains('$') && !value.contains('`') {
            out.push((name.to_string(), value.to_string()));
        }
        i = j.max(i);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_literal_assignments_only() {
        let a = assignments(
            r#"/bin/sh -c echo "API_KEY=hd_9fK2mQ7xL4pZ8vR1" > /app/x.env && export TOKEN=$T && X='a b'"#,
        );
        assert_eq!(
            a,
            vec![
                ("API_KEY".to_string(), "hd_9fK2mQ7xL4pZ8vR1".to_string()),
                ("X".to_string(), "a b".to_string())
            ]
        );
    }

    #[test]
    fn parses_build_arg_prefix() {
        assert_eq!(
            build_args("|2 GITHUB_TOKEN=ghp_x VERSION=1 /bin/sh -c make"),
            vec![
                ("GITHUB_TOKEN".to_string(), "ghp_x".to_string()),
                ("VERSION".to_string(), "1".to_string())
            ]
        );
        assert_eq!(build_args("RUN |1 A=b /bin/sh -c x").len(), 1);
        assert!(build_args("/bin/sh -c make").is_empty());
        assert!(build_args("|x").is_empty());
    }
}
