//! DF036 `dnf-cache-not-cleaned`: dnf/microdnf install without dnf clean all

use super::prelude::*;

pub struct DnfCacheNotCleaned;

pub const META: RuleMeta = RuleMeta {
    id: "DF036",
    name: "dnf-cache-not-cleaned",
    target: Target::Dockerfile,
    category: Category::Efficiency,
    severity: Severity::Low,
    title: "dnf/microdnf install without dnf clean all",
    explanation: r##"## Why is this bad?
`dnf install` (and `microdnf`) keeps repository metadata and packages under
`/var/cache/dnf` (dnf5: `/var/cache/libdnf5`; microdnf: `/var/cache/yum`; tdnf:
`/var/cache/tdnf`); without a clean after the install in the same `RUN` they bloat the
layer. `dnf clean all` (or `clean packages metadata`) counts, as does `rm -rf` of the cache
directory — for dnf5 (`dnf5`, or `dnf` on Fedora 41 and later) only `/var/cache/libdnf5`,
since `rm -rf /var/cache/dnf` removes nothing dnf5 wrote; a clean that runs before the
install does not. A `--mount=type=cache` or
`type=tmpfs` over the cache directory keeps it out of the layer.

## How to fix
Finish the installing `RUN` with `&& dnf clean all` (`microdnf clean all`), or use a cache
mount for `/var/cache/dnf`.

## Fix
Fixable: yes — `drydock fix` appends `&& dnf clean all` (`microdnf clean all`) to the RUN.

## Example
```dockerfile
# Before
RUN dnf install -y nginx

# After
RUN dnf install -y nginx && dnf clean all
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
        "hadolint:DL3040",
        "kics:missing-dnf-clean-all",
        "trivy:DS019",
    ],
    default_enabled: true,
};

impl Rule for DnfCacheNotCleaned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fix(&self, fx: &FixContext, f: &Finding) -> Option<Result<Fix, String>> {
        let (_, _, c) = fx.command_at(f)?;
        // microdnf has its own clean command with the same spelling.
        let tool = if c.name().ends_with("microdnf") {
            "microdnf"
        } else {
            "dnf"
        };
        fx.append_fix(f, &format!("{tool} clean all"))
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for run in cx.shell.runs() {
            let i = run.instruction;
            let dirs = [
                "/var/cache/dnf",
                "/var/cache/libdnf5",
                "/var/cache/yum",
                "/var/cache/tdnf",
            ];
            if !cx.in_final_image(i) || cx.has_cache_mount(i, &dirs) {
                continue;
            }
            // dnf5 (`dnf5`, and `dnf` on Fedora 41 and later) keeps its cache only in
            // /var/cache/libdnf5: removing /var/cache/dnf cleans nothing there.
            let dnf5_base = cx
                .model
                .stage_of(i)
                .and_then(|s| cx.base_ref(s))
                .is_some_and(|r| {
                    r.short_name() == "fedora"
                        && r.effective_tag().is_some_and(|t| {
                            matches!(t, "latest" | "rawhide")
                                || t.split(['.', '-'])
                                    .next()
                                    .and_then(|v| v.parse::<u32>().ok())
                                    .is_some_and(|v| v >= 41)
                        })
                });
            let uses_dnf5 = |c: &SimpleCommand| {
                c.name() == "dnf5" || dnf5_base && matches!(c.name(), "dnf" | "dnf5")
            };
            let dnf5 = run_has(run, uses_dnf5);
            let removable: &[&str] = if dnf5 { &["/var/cache/libdnf5"] } else { &dirs };
            let hit = uncleaned(
                run,
                |c| {
                    package_command(c).is_some_and(|p| {
                        p.pm == "dnf"
                            && matches!(
                                p.sub.as_str(),
                                "install"
                                    | "groupinstall"
                                    | "module-install"
                                    | "upgrade"
                                    | "reinstall"
                                    | "downgrade"
                                    | "distro-sync"
                                    | "makecache"
                            )
                    })
                },
                |c| {
                    // dnf5 keeps its cache in /var/cache/libdnf5, dnf4 and microdnf in
                    // /var/cache/dnf or /var/cache/yum, tdnf in /var/cache/tdnf.
                    removes(c, removable)
                        || package_command(c).is_some_and(|p| {
                            p.pm == "dnf"
                                && p.sub == "clean"
                                && super::yum_cache_not_cleaned::clean_all(&p.operands)
                        })
                },
            );
            if let Some((script, c)) = hit {
                let sub = package_command(c).map(|p| p.sub).unwrap_or_default();
                out.push(
                    cx.finding(&META, script.word_span(&c.effective_argv()[0]), format!("`{} {}` without `{} clean all` after it in the same RUN leaves the dnf cache in the layer", c.name(), sub, c.name()))
                        .with_fix("End the RUN with `&& dnf clean all` (`microdnf clean all`)"),
                );
            }
        }
    }
}
