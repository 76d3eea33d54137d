//! DF066 `secret-in-copied-heredoc`: A COPY/ADD heredoc writes a secret into the image

use drydock_secrets::{ContentKind, ScanContext};

use super::prelude::*;

pub struct SecretInCopiedHeredoc;

pub const META: RuleMeta = RuleMeta {
    id: "DF066",
    name: "secret-in-copied-heredoc",
    target: Target::Dockerfile,
    category: Category::Secret,
    severity: Severity::Critical,
    title: "A COPY/ADD heredoc writes a secret into the image",
    explanation: r##"## Why is this bad?
`COPY <<EOF /app/config.ini` creates a file from text written inline in the Dockerfile.
A password, token or private key in that text is in the Dockerfile (and its repository)
and in a layer of the image, where anyone who can pull the image can read it. The body is
scanned with the same secret rules as files in images, with the destination path as the
file name (so `.npmrc`, `.env` or `credentials` files get their path-aware rules); a
reference such as `${DB_PASSWORD}` is not a value.

## How to fix
Rotate the credential. Keep configuration templates in the image and supply the secret at
run time (an orchestrator secret mounted as a file, or an environment variable), or, when
the build needs it, a BuildKit secret mount (`RUN --mount=type=secret,id=…`).

## Example
```dockerfile
# Before
COPY <<EOF /app/config.ini
[db]
password = Zq8vR2mT9kLx4NwP
EOF

# After
COPY <<EOF /app/config.ini
[db]
password_file = /run/secrets/db_password
EOF
```

## References
- CIS Docker Benchmark 4.10: Ensure secrets are not stored in Dockerfiles
- https://docs.docker.com/reference/dockerfile/#here-documents
"##,
    references: &[
        "https://docs.docker.com/reference/dockerfile/#here-documents",
        "https://docs.docker.com/build/building/secrets/",
    ],
    equivalents: &[],
    default_enabled: true,
};

impl Rule for SecretInCopiedHeredoc {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (i, ins) in cx.instructions() {
            if !matches!(ins.keyword(), "COPY" | "ADD") || ins.heredocs.is_empty() {
                continue;
            }
            let dest = copy_args(ins).1.unwrap_or_default();
            // Bodies sit right before the end of the instruction, each followed by its
            // delimiter line: walk back from the last one to find where each starts.
            let mut first_lines = Vec::with_capacity(ins.heredocs.len());
            let mut end = ins.end_line;
            for h in ins.heredocs.iter().rev() {
                let n = h.content.split_inclusive('\n').count();
                first_lines.push(end.saturating_sub(n));
                end = end.saturating_sub(n + 1);
            }
            first_lines.reverse();
            for (h, first_line) in ins.heredocs.iter().zip(first_lines) {
                let path = if dest.ends_with('/') || ins.heredocs.len() > 1 {
                    format!("{}/{}", dest.trim_end_matches('/'), h.name)
                } else {
                    dest.clone()
                };
                let path = path.trim_start_matches('/');
                let matches = cx.secrets.scan(
                    h.content.as_bytes(),
                    &ScanContext {
                        path: Some(path),
                        kind: ContentKind::File,
                        ..ScanContext::default()
                    },
                );
                for m in matches {
                    let Some(secret) = h.content.get(m.secret.clone()) else {
                        continue;
                    };
                    if secret.trim_start().starts_with('$') {
                        continue;
                    }
                    // `secret` came from this range, so its start is a char boundary.
                    let before = h.content.get(..m.secret.start).unwrap_or("");
                    let line = first_line + before.matches('\n').count();
                    let line_start = before.rfind('\n').map(|p| p + 1).unwrap_or(0);
                    let col = before[line_start..].chars().count() + 1;
                    let len = secret.lines().next().unwrap_or("").chars().count().max(1);
                    let span = if line >= ins.start_line && line <= ins.end_line {
                        Span {
                            start_line: line,
                            start_column: col,
                            end_line: line,
                            end_column: col + len - 1,
                        }
                    } else {
                        cx.span(i)
                    };
                    out.push(
                        cx.finding(
                            &META,
                            span,
                            format!(
                                "{} heredoc writes {} into `/{path}` in the image",
                                ins.keyword(),
                                m.with_article()
                            ),
                        )
                        .with_evidence(cx.evidence(secret))
                        .with_confidence(m.confidence)
                        .with_fix("Rotate the credential; supply it at run time (a mounted secret file or environment variable) instead of writing it into the image"),
                    );
                }
            }
        }
    }
}
