//! DF037 `zypper-cache-not-cleaned`: zypper install without zypper clean

use super::prelude::*;

pub struct ZypperCacheNotCleaned;

pub const META: RuleMeta = RuleMeta {
    id: "DF037",
    name: "zypper-cache-not-cleaned",
    target: Target::Dockerfile,
    category: Category::Efficiency,
    severity: Severity::Low,
    title: "zypper install without zypper clean",
    explanation: r##"## Why is this bad?
`zypper install` keeps repository metadata and packages under `/var/cache/zypp`; without
`zypper clean` in the same `RUN` they bloat the layer.

## How to fix
Finish the installing `RUN` with `&& zypper clean --all`.

## Fix
Fixable: yes — `drydock fix` appends `&& zypper clean --all` to the RUN.

## Example
```dockerfile
# Before
RUN zypper install -y curl

# After
RUN zypper --non-interactive install -y curl && zypper clean --all
```

## References
- https://docs.docker.com/build/building/best-practices/
- https://en.opensuse.org/SDB:Zypper_manual
"##,
    references: &[
        "https://docs.docker.com/build/building/best-practices/",
        "https://en.opensuse.org/SDB:Zypper_manual",
    ],
    equivalents: &[
        "hadolint:DL3036",
        "kics:missing-zypper-clean",
        "trivy:DS020",
    ],
    default_enabled: true,
};

impl Rule for ZypperCacheNotCleaned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fix(&self, fx: &FixContext, f: &Finding) -> Option<Result<Fix, String>> {
        fx.append_fix(f, "zypper clean --all")
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for run in cx.shell.runs() {
            let i = run.instruction;
            if !cx.in_final_image(i) || cx.has_cache_mount(i, &["/var/cache/zypp"]) {
                continue;
            }
            let hit = uncleaned(
                run,
                |c| {
                    package_command(c).is_some_and(|p| {
                        p.pm == "zypper"
                            && matches!(
                                p.sub.as_str(),
                                "install" | "update" | "patch" | "dist-upgrade" | "source-install"
                            )
                    })
                },
                |c| {
                    removes(c, &["/var/cache/zypp"])
                        || package_command(c).is_some_and(|p| p.pm == "zypper" && p.sub == "clean")
                },
            );
            if let Some((script, c)) = hit {
                let sub = package_command(c).map(|p| p.sub).unwrap_or_default();
                out.push(
                    cx.finding(&META, script.word_span(&c.effective_argv()[0]), format!("`{} {}` without `zypper clean` after it in the same RUN leaves the zypper cache in the layer", c.name(), sub))
                        .with_fix("End the RUN with `&& zypper clean --all`"),
                );
            }
        }
    }
}
