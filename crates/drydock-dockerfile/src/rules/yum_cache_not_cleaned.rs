//! DF035 `yum-cache-not-cleaned`: yum install without yum clean all

use super::prelude::*;

pub struct YumCacheNotCleaned;

pub const META: RuleMeta = RuleMeta {
    id: "DF035",
    name: "yum-cache-not-cleaned",
    target: Target::Dockerfile,
    category: Category::Efficiency,
    severity: Severity::Low,
    title: "yum install without yum clean all",
    explanation: r##"## Why is this bad?
`yum install` keeps repository metadata and downloaded packages under `/var/cache/yum`.
Without `yum clean all` in the same `RUN`, they stay in the layer.

## How to fix
Finish the installing `RUN` with `&& yum clean all && rm -rf /var/cache/yum`, or use a
cache mount.

## Fix
Fixable: yes — `drydock fix` appends `&& yum clean all` to the RUN.

## Example
```dockerfile
# Before
RUN yum install -y httpd

# After
RUN yum install -y httpd && yum clean all && rm -rf /var/cache/yum
```

## References
- https://docs.docker.com/build/building/best-practices/
- https://docs.docker.com/build/cache/optimize/#use-cache-mounts
"##,
    references: &[
        "https://docs.docker.com/build/building/best-practices/",
        "https://docs.docker.com/build/cache/optimize/#use-cache-mounts",
    ],
    equivalents: &[
        "hadolint:DL3032",
        "kics:yum-clean-all-missing",
        "trivy:DS015",
    ],
    default_enabled: true,
};

impl Rule for YumCacheNotCleaned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fix(&self, fx: &FixContext, f: &Finding) -> Option<Result<Fix, String>> {
        fx.append_fix(f, "yum clean all")
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for run in cx.shell.runs() {
            let i = run.instruction;
            if !cx.in_final_image(i) || cx.has_cache_mount(i, &["/var/cache/yum"]) {
                continue;
            }
            let hit = uncleaned(
                run,
                |c| {
                    package_command(c).is_some_and(|p| {
                        p.pm == "yum"
                            && matches!(
                                p.sub.as_str(),
                                "install"
                                    | "groupinstall"
                                    | "upgrade"
                                    | "reinstall"
                                    | "downgrade"
                                    | "distro-sync"
                                    | "makecache"
                            )
                    })
                },
                |c| {
                    removes(c, &["/var/cache/yum"])
                        || package_command(c).is_some_and(|p| {
                            matches!(p.pm, "yum" | "dnf")
                                && p.sub == "clean"
                                && clean_all(&p.operands)
                        })
                },
            );
            if let Some((script, c)) = hit {
                let sub = package_command(c).map(|p| p.sub).unwrap_or_default();
                out.push(
                    cx.finding(&META, script.word_span(&c.effective_argv()[0]), format!("`{} {}` without `yum clean all` after it in the same RUN leaves the yum cache in the layer", c.name(), sub))
                        .with_fix("End the RUN with `&& yum clean all && rm -rf /var/cache/yum`"),
                );
            }
        }
    }
}

/// `clean all`, or a clean of both package and metadata caches.
pub(crate) fn clean_all(ops: &[&Word]) -> bool {
    let has = |n: &str| ops.iter().any(|w| w.text == n);
    has("all") || (has("packages") && has("metadata"))
}
