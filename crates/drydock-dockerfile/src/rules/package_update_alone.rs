//! DF043 `package-update-alone`: apt-get update / apk update in a RUN without an install

use super::prelude::*;

pub struct PackageUpdateAlone;

pub const META: RuleMeta = RuleMeta {
    id: "DF043",
    name: "package-update-alone",
    target: Target::Dockerfile,
    category: Category::BestPractice,
    severity: Severity::Low,
    title: "apt-get update / apk update in a RUN without an install",
    explanation: r##"## Why is this bad?
Docker caches each `RUN` separately. An `apt-get update` alone in its own `RUN` is cached
forever, so a later `RUN apt-get install …` (changed or not) installs from stale package
lists — old, vulnerable versions, or 404 errors once the mirror drops them.

## How to fix
Update and install in the same `RUN`: `RUN apt-get update && apt-get install -y … && rm
-rf /var/lib/apt/lists/*`.

## Example
```dockerfile
# Before
RUN apt-get update
RUN apt-get install -y --no-install-recommends curl

# After
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*
```

## References
- CIS Docker Benchmark 4.7: Ensure update instructions are not used alone in the Dockerfile
- https://docs.docker.com/build/building/best-practices/#apt-get
"##,
    references: &["https://docs.docker.com/build/building/best-practices/#apt-get"],
    equivalents: &["trivy:DS017", "checkov:CKV_DOCKER_5"],
    default_enabled: true,
};

impl Rule for PackageUpdateAlone {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for run in cx.shell.runs() {
            let mut update: Option<(&crate::shell::RunScript, &SimpleCommand)> = None;
            let mut installs = false;
            for (script, c) in run.commands() {
                match package_command(c) {
                    Some(("apt-get" | "apt" | "apk", "update", _)) => {
                        update = update.or(Some((script, c)))
                    }
                    Some((
                        _,
                        "install" | "add" | "upgrade" | "dist-upgrade" | "full-upgrade"
                        | "build-dep" | "source" | "download",
                        _,
                    )) => installs = true,
                    _ => {}
                }
            }
            if let (Some((script, c)), false) = (update, installs) {
                out.push(
                    cx.finding(&META, script.span(&c.range), format!("`{} update` runs without an install in the same RUN; the cached layer will hold stale package lists", c.name()))
                        .with_fix("Combine update and install in one RUN: `apt-get update && apt-get install -y … && rm -rf /var/lib/apt/lists/*`"),
                );
            }
        }
    }
}
