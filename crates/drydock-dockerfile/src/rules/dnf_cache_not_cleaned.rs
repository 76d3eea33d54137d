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
`/var/cache/dnf` (or `/var/cache/yum`); without a clean in the same `RUN` they bloat the
layer.

## How to fix
Finish the installing `RUN` with `&& dnf clean all` (`microdnf clean all`), or use a cache
mount for `/var/cache/dnf`.

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
    equivalents: &["hadolint:DL3040", "trivy:DS019"],
    default_enabled: true,
};

impl Rule for DnfCacheNotCleaned {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for run in cx.shell.runs() {
            let i = run.instruction;
            if !cx.in_final_image(i) || cx.has_cache_mount(i, &["/var/cache/dnf", "/var/cache/yum"])
            {
                continue;
            }
            if run_removes(run, &["/var/cache/dnf", "/var/cache/yum"])
                || run_has(run, |c| {
                    matches!(c.name(), "dnf" | "microdnf" | "tdnf")
                        && c.args().iter().any(|w| w.text == "clean")
                })
            {
                continue;
            }
            for (script, c) in run.commands() {
                let Some((pm, sub, _)) = package_command(c) else {
                    continue;
                };
                if ["dnf"].contains(&pm)
                    && ["install", "groupinstall", "update", "upgrade"].contains(&sub)
                {
                    out.push(
                        cx.finding(&META, script.word_span(&c.effective_argv()[0]), format!("`{} {}` without `dnf clean all` in the same RUN leaves the dnf cache in the layer", c.name(), sub))
                            .with_fix("End the RUN with `&& dnf clean all` (`microdnf clean all`)"),
                    );
                    break;
                }
            }
        }
    }
}
