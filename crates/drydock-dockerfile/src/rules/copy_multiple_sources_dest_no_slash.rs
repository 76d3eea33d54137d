//! DF064 `copy-multiple-sources-dest-no-slash`: COPY/ADD with several sources to a destination without a trailing slash

use super::prelude::*;

pub struct CopyMultipleSourcesDestNoSlash;

pub const META: RuleMeta = RuleMeta {
    id: "DF064",
    name: "copy-multiple-sources-dest-no-slash",
    target: Target::Dockerfile,
    category: Category::BestPractice,
    severity: Severity::Medium,
    title: "COPY/ADD with several sources to a destination without a trailing slash",
    explanation: r##"## Why is this bad?
With more than one source, the destination must be a directory written with a trailing
`/`. Otherwise the build fails (or, with wildcards matching one file today, the destination
silently becomes a file).

## How to fix
End the destination with `/`: `COPY package.json package-lock.json /app/`.

## Example
```dockerfile
# Before
COPY package.json package-lock.json /app

# After
COPY package.json package-lock.json /app/
```

## References
- https://docs.docker.com/reference/dockerfile/#copy
"##,
    references: &["https://docs.docker.com/reference/dockerfile/#copy"],
    equivalents: &[
        "hadolint:DL3021",
        "kics:copy-with-more-than-two-arguments-not-ending-with-slash",
        "trivy:DS011",
    ],
    default_enabled: true,
};

impl Rule for CopyMultipleSourcesDestNoSlash {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (i, ins) in cx.instructions() {
            if !matches!(ins.keyword(), "COPY" | "ADD") {
                continue;
            }
            let (sources, Some(dest)) = copy_args(ins) else {
                continue;
            };
            let many = sources.len() > 1 || sources.iter().any(|s| s.contains(['*', '?', '[']));
            if sources.len() > 1
                && many
                && !dest.ends_with('/')
                && !dest.ends_with('\\')
                && dest != "."
                && dest != ".."
                && !dest.contains('$')
            {
                out.push(
                    cx.finding(&META, cx.find_span(i, &dest), format!("{} of {} sources needs a directory destination ending in `/` (`{dest}/`)", ins.keyword(), sources.len()))
                        .with_fix(format!("Write the destination as `{dest}/`")),
                );
            }
        }
    }
}
