//! DF055 `add-instead-of-copy`: ADD used for plain local files

use super::prelude::*;

pub struct AddInsteadOfCopy;

pub const META: RuleMeta = RuleMeta {
    id: "DF055",
    name: "add-instead-of-copy",
    target: Target::Dockerfile,
    category: Category::BestPractice,
    severity: Severity::Low,
    title: "ADD used for plain local files",
    explanation: r##"## Why is this bad?
`ADD` has hidden behaviour: it auto-extracts local archives and can fetch URLs. Using it
for ordinary files makes readers (and reviewers) guess which behaviour is intended, and a
file that later becomes an archive changes meaning silently. `COPY` does exactly one thing.

## How to fix
Use `COPY` for local files and directories; keep `ADD` for archives you want extracted
and for remote sources with `--checksum`.

## Fix
Fixable: yes — `drydock fix` turns `ADD` of local files into `COPY` (not when ADD-only flags such as `--checksum` or `--unpack` are present).

## Example
```dockerfile
# Before
ADD requirements.txt /app/

# After
COPY requirements.txt /app/
```

## References
- CIS Docker Benchmark 4.9: Ensure that COPY is used instead of ADD in Dockerfiles
- https://docs.docker.com/build/building/best-practices/#add-or-copy
"##,
    references: &["https://docs.docker.com/build/building/best-practices/#add-or-copy"],
    equivalents: &[
        "checkov:CKV_DOCKER_4",
        "hadolint:DL3020",
        "kics:add-instead-of-copy",
        "trivy:DS005",
    ],
    default_enabled: true,
};

impl Rule for AddInsteadOfCopy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fix(&self, fx: &FixContext, f: &Finding) -> Option<Result<Fix, String>> {
        let i = fx.instruction_at(f)?;
        let ins = &fx.cx.df.instructions[i];
        // Flags only ADD knows would make the COPY fail.
        if ins.cmd != "ADD"
            || ["checksum", "keep-git-dir", "unpack"]
                .iter()
                .any(|n| ins.flag(n).is_some())
        {
            return None;
        }
        let at = fx.offset(ins.span.start_line, ins.span.start_column);
        let kw = fx.source().get(at..at + 3)?;
        if !kw.eq_ignore_ascii_case("ADD") {
            return None;
        }
        let copy = if kw == "add" { "copy" } else { "COPY" };
        Some(Ok(Fix::new(
            "use COPY instead of ADD",
            vec![Edit {
                range: at..at + 3,
                text: copy.into(),
            }],
        )))
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (i, ins) in cx.with_keyword("ADD") {
            let (sources, _) = copy_args(ins);
            let plain: Vec<&String> = sources
                .iter()
                .filter(|s| !is_url(s) && !is_git_source(s) && !is_archive(s))
                .collect();
            if !plain.is_empty() && plain.len() == sources.len() {
                out.push(
                    cx.finding(&META, cx.span(i), format!("ADD of local file(s) {}; COPY does the same without hidden extraction/download behaviour", plain.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")))
                        .with_fix("Use COPY"),
                );
            }
        }
    }
}

fn is_archive(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    [
        ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tbz2", ".tar.xz", ".txz", ".tar.zst",
        ".tzst", ".gz", ".bz2", ".xz",
    ]
    .iter()
    .any(|e| l.ends_with(e))
        || l.contains('$')
}
