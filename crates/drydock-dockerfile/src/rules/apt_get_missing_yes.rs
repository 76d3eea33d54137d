//! DF044 `apt-get-missing-yes`: apt-get install without -y

use super::prelude::*;

pub struct AptGetMissingYes;

pub const META: RuleMeta = RuleMeta {
    id: "DF044",
    name: "apt-get-missing-yes",
    target: Target::Dockerfile,
    category: Category::BestPractice,
    severity: Severity::Low,
    title: "apt-get install without -y",
    explanation: r##"## Why is this bad?
A build has no terminal: `apt-get install` without `-y` (`--yes`, `--assume-yes`, or
`-qq`) stops at the confirmation prompt and the build fails — or, with some frontends,
silently installs nothing.

## How to fix
Add `-y`: `apt-get install -y --no-install-recommends …`.

## Example
```dockerfile
# Before
RUN apt-get update && apt-get install curl

# After
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
```

## References
- https://docs.docker.com/build/building/best-practices/#apt-get
"##,
    references: &["https://docs.docker.com/build/building/best-practices/#apt-get"],
    equivalents: &["hadolint:DL3014", "trivy:DS021"],
    default_enabled: true,
};

impl Rule for AptGetMissingYes {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for (_, script, c) in cx.commands() {
            let Some(("apt-get", sub, _)) = package_command(c) else {
                continue;
            };
            if !matches!(
                sub,
                "install"
                    | "upgrade"
                    | "dist-upgrade"
                    | "full-upgrade"
                    | "remove"
                    | "purge"
                    | "autoremove"
            ) {
                continue;
            }
            let yes = c.args().iter().any(|w| {
                let t = w.text.as_str();
                matches!(
                    t,
                    "-y" | "--yes" | "--assume-yes" | "-qq" | "-q=2" | "--force-yes"
                ) || t.starts_with("-o") && t.contains("Assume-Yes")
                    || (t.starts_with('-') && !t.starts_with("--") && t.contains('y'))
                    || t.contains("Assume-Yes=true")
            });
            if !yes {
                out.push(
                    cx.finding(&META, script.word_span(&c.effective_argv()[0]), format!("`apt-get {sub}` without `-y` waits for a confirmation the build cannot give"))
                        .with_fix(format!("Use `apt-get {sub} -y …`")),
                );
            }
        }
    }
}
