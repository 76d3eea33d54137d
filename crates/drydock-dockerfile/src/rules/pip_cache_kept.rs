//! DF038 `pip-cache-kept`: pip install without --no-cache-dir

use super::prelude::*;

pub struct PipCacheKept;

pub const META: RuleMeta = RuleMeta {
    id: "DF038",
    name: "pip-cache-kept",
    target: Target::Dockerfile,
    category: Category::Efficiency,
    severity: Severity::Low,
    title: "pip install without --no-cache-dir",
    explanation: r##"## Why is this bad?
pip keeps every downloaded wheel in `~/.cache/pip`. In an image that cache is dead
weight (often hundreds of MB for scientific stacks) stored in the layer.

## How to fix
Use `pip install --no-cache-dir …`, set `ENV PIP_NO_CACHE_DIR=1`, or use a BuildKit cache
mount for `/root/.cache/pip` (which also speeds up rebuilds).

## Example
```dockerfile
# Before
RUN pip install -r requirements.txt

# After
RUN pip install --no-cache-dir -r requirements.txt
# or: RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
```

## References
- https://pip.pypa.io/en/stable/topics/caching/
- https://docs.docker.com/build/cache/optimize/#use-cache-mounts
"##,
    references: &[
        "https://pip.pypa.io/en/stable/topics/caching/",
        "https://docs.docker.com/build/cache/optimize/#use-cache-mounts",
    ],
    equivalents: &["hadolint:DL3042"],
    default_enabled: true,
};

impl Rule for PipCacheKept {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for run in cx.shell.runs() {
            let i = run.instruction;
            if !cx.in_final_image(i)
                || cx.has_cache_mount(i, &["/root/.cache", "/home", "/tmp/pip"])
            {
                continue;
            }
            let vars = cx.model.vars_at(i);
            let env_off = ["PIP_NO_CACHE_DIR"].iter().any(|k| {
                vars.get(k)
                    .is_some_and(|v| !matches!(v, "" | "0" | "false" | "no" | "off"))
            });
            if env_off
                || run_removes(run, &["/root/.cache", "~/.cache"])
                || run_has(run, |c| {
                    c.name().starts_with("pip") && c.args().iter().any(|w| w.text == "cache")
                })
            {
                continue;
            }
            for (script, c) in run.commands() {
                if let Some(("pip", "install", _)) = package_command(c) {
                    if !c.args().iter().any(|w| {
                        w.text == "--no-cache-dir" || w.text.starts_with("--no-cache-dir=")
                    }) {
                        out.push(
                            cx.finding(&META, script.word_span(&c.effective_argv()[0]), "`pip install` without `--no-cache-dir` keeps downloaded wheels in the layer")
                                .with_fix("Add `--no-cache-dir` (or set `ENV PIP_NO_CACHE_DIR=1`, or use `--mount=type=cache,target=/root/.cache/pip`)"),
                        );
                    }
                }
            }
        }
    }
}
