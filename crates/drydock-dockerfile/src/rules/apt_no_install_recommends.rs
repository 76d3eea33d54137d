//! DF040 `apt-no-install-recommends`: apt-get install without --no-install-recommends

use super::prelude::*;

pub struct AptNoInstallRecommends;

pub const META: RuleMeta = RuleMeta {
    id: "DF040",
    name: "apt-no-install-recommends",
    target: Target::Dockerfile,
    category: Category::Efficiency,
    severity: Severity::Low,
    title: "apt-get install without --no-install-recommends",
    explanation: r##"## Why is this bad?
By default apt also installs "recommended" packages — often dozens of extra packages
(documentation tools, X11 libraries, compilers) that the application never uses but that
enlarge the image and its vulnerability surface.

## How to fix
Add `--no-install-recommends` and list explicitly the packages you need.

## Fix
Fixable: yes — `drydock fix` adds `--no-install-recommends` after `apt-get install`.

## Example
```dockerfile
# Before
RUN apt-get update && apt-get install -y python3 && rm -rf /var/lib/apt/lists/*

# After
RUN apt-get update && apt-get install -y --no-install-recommends python3 && rm -rf /var/lib/apt/lists/*
```

## References
- CIS Docker Benchmark 4.3: Ensure that unnecessary packages are not installed in the container
- https://docs.docker.com/build/building/best-practices/#apt-get
"##,
    references: &["https://docs.docker.com/build/building/best-practices/#apt-get"],
    equivalents: &[
        "hadolint:DL3015",
        "kics:apt-get-not-avoiding-additional-packages",
        "trivy:DS029",
    ],
    default_enabled: true,
};

impl Rule for AptNoInstallRecommends {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fix(&self, fx: &FixContext, f: &Finding) -> Option<Result<Fix, String>> {
        fx.flag_fix(f, &["install"], "--no-install-recommends")
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for run in cx.shell.runs() {
            if !cx.in_final_image(run.instruction) {
                continue;
            }
            for (script, c) in run.commands() {
                let Some(p) = package_command(c) else {
                    continue;
                };
                let pm = p.pm;
                if (pm != "apt-get" && pm != "apt") || p.sub != "install" {
                    continue;
                }
                let ok = c.args().iter().any(|w| {
                    let t = w.text.to_ascii_lowercase();
                    t == "--no-install-recommends"
                        || t.contains("install-recommends=false")
                        || t.contains("install-recommends=0")
                        || t.contains("install-recommends \"false\"")
                });
                if !ok {
                    out.push(
                        cx.finding(&META, script.word_span(&c.effective_argv()[0]), format!("`{pm} install` without `--no-install-recommends` also installs recommended packages"))
                            .with_fix(format!("Use `{pm} install -y --no-install-recommends …`")),
                    );
                }
            }
        }
    }
}
