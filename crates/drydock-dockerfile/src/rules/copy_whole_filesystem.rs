//! DF071 `copy-whole-filesystem`: COPY --from copies another stage's or image's entire filesystem over /

use super::prelude::*;

pub struct CopyWholeFilesystem;

pub const META: RuleMeta = RuleMeta {
    id: "DF071",
    name: "copy-whole-filesystem",
    target: Target::Dockerfile,
    category: Category::BestPractice,
    severity: Severity::Low,
    title: "COPY --from copies another stage's or image's entire filesystem over /",
    explanation: r##"## Why is this bad?
`COPY --from=other / /` copies everything of the other stage or image — its `/etc/passwd`
and `/etc/shadow`, package databases, setuid binaries, caches, shells — over this stage.
The result holds files nobody chose, overwrites this stage's system files, and hides what
the image really contains from review (and from the package databases scanners read).
Copying a whole filesystem into a subdirectory (`COPY --from=build / /rootfs`, to assemble
a root filesystem) keeps it apart and is not reported.

## How to fix
Copy the paths you need (`COPY --from=build /out/app /usr/local/bin/app`), or build
`FROM` that stage when you really want all of it.

## Example
```dockerfile
# Before
COPY --from=build / /

# After
COPY --from=build /out/app /usr/local/bin/app
```

## References
- https://docs.docker.com/build/building/multi-stage/
"##,
    references: &["https://docs.docker.com/build/building/multi-stage/"],
    equivalents: &["hadolint:DL3067"],
    default_enabled: true,
};

impl Rule for CopyWholeFilesystem {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (i, ins) in cx.instructions() {
            if !matches!(ins.keyword(), "COPY" | "ADD") {
                continue;
            }
            let Some(from) = ins.flag("from") else {
                continue;
            };
            let (srcs, dest) = copy_args(ins);
            let is_root = |s: &str| matches!(s, "/" | "/." | "/*" | "." | "./");
            // Into a subdirectory (`/rootfs`) it stays apart from this stage's system files.
            if !dest.as_deref().is_some_and(|d| matches!(d, "/" | "/.")) {
                continue;
            }
            if let Some(root) = srcs.iter().find(|s| is_root(s)) {
                out.push(
                    cx.finding(
                        &META,
                        cx.span(i),
                        format!(
                            "`{} --from={from} {root}` copies the whole filesystem of `{from}`",
                            ins.keyword()
                        ),
                    )
                    .with_fix("Copy only the files you need, or build FROM that stage"),
                );
            }
        }
    }
}
