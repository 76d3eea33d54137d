//! DF012 `sensitive-file-in-build-context`: COPY/ADD sends keys or credentials from the build context

use super::prelude::*;

pub struct SensitiveFileInBuildContext;

pub const META: RuleMeta = RuleMeta {
    id: "DF012",
    name: "sensitive-file-in-build-context",
    target: Target::Dockerfile,
    category: Category::SensitiveFile,
    severity: Severity::High,
    title: "COPY/ADD sends keys or credentials from the build context",
    explanation: r##"## Why is this bad?
`COPY . .` (or any directory/wildcard source) copies everything the build context holds
that `.dockerignore` does not exclude. A `.env`, an `id_rsa`, a `.git/` directory or cloud
credentials lying next to the Dockerfile end up in a layer of the image, readable by anyone
who pulls it.

## How to fix
Add the files to `.dockerignore` (`.env`, `*.pem`, `.git`, `**/.npmrc` …) or copy only
what the image needs (`COPY src/ ./src/`). Use secret mounts for build-time credentials.

## Example
```dockerfile
# Before
# build context: app.py  .env  .git/  id_rsa
COPY . /app

# After
# .dockerignore
#   .env
#   .git
#   id_rsa
COPY . /app
```

## References
- CIS Docker Benchmark 4.10: Ensure secrets are not stored in Dockerfiles
- https://docs.docker.com/build/concepts/context/#dockerignore-files
"##,
    references: &["https://docs.docker.com/build/concepts/context/#dockerignore-files"],
    equivalents: &[],
    default_enabled: true,
};

impl Rule for SensitiveFileInBuildContext {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        let Some(ctx) = cx.context else {
            return;
        };
        for (i, ins) in cx.instructions() {
            if !matches!(ins.keyword(), "COPY" | "ADD") || ins.flag("from").is_some() {
                continue;
            }
            let (sources, _) = copy_args(ins);
            let sources: Vec<String> = sources
                .iter()
                .filter(|s| !is_url(s) && !is_git_source(s))
                .map(|s| cx.model.expand(cx.df, i, s))
                .collect();
            // Sources that name the file themselves are DF011's finding.
            let named: Vec<bool> = sources
                .iter()
                .map(|s| sensitive_path(s).is_some())
                .collect();
            let excludes: Vec<String> = ins.flags_named("exclude").map(str::to_string).collect();
            let sent = ctx.resolve_sources(&sources, &excludes);
            let mut hits: Vec<(String, &str)> = Vec::new();
            for f in &sent {
                if let Some(kind) = sensitive_path(&f.rel_path) {
                    let covered = sources
                        .iter()
                        .zip(&named)
                        .any(|(s, n)| *n && f.rel_path.starts_with(s.trim_start_matches("./")));
                    if !covered {
                        // Report a `.git/` tree once, not each object.
                        let shown = match f.rel_path.find(".git/") {
                            Some(p) => f.rel_path[..p + 4].to_string() + "/",
                            None => f.rel_path.clone(),
                        };
                        if !hits.iter().any(|(p, _)| *p == shown) {
                            hits.push((shown, kind));
                        }
                    }
                }
            }
            if hits.is_empty() {
                continue;
            }
            let mut list: Vec<String> = hits
                .iter()
                .take(8)
                .map(|(p, k)| format!("`{p}` ({k})"))
                .collect();
            if hits.len() > 8 {
                list.push(format!("and {} more", hits.len() - 8));
            }
            let f = cx
                .finding(
                    &META,
                    cx.span(i),
                    format!(
                        "{} sends sensitive files from the build context into the image: {}",
                        ins.keyword(),
                        list.join(", ")
                    ),
                )
                .with_fix(format!(
                    "Add them to .dockerignore ({}) or copy only the paths the image needs",
                    hits.iter()
                        .take(4)
                        .map(|(p, _)| p.trim_end_matches('/'))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            out.push(if cx.in_final_image(i) {
                f
            } else {
                f.with_severity(Severity::Medium)
            });
        }
    }
}
