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

`PIP_NO_CACHE_DIR` set by `ENV`/`ARG` (in the stage or a stage it builds on), inline
(`PIP_NO_CACHE_DIR=1 pip install …`) or exported earlier in the `RUN` counts. pip's
semantics are inverted for historical reasons: *any* valid boolean value, `0`/`false`/`off`
included, disables the cache. `rm -rf /root/.cache` or `pip cache purge` after the install
counts; before it does not.

## How to fix
Use `pip install --no-cache-dir …`, set `ENV PIP_NO_CACHE_DIR=1`, or use a BuildKit cache
mount for `/root/.cache/pip` (which also speeds up rebuilds).

## Fix
Fixable: yes — `drydock fix` adds `--no-cache-dir` after `pip install`.

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
    equivalents: &[
        "hadolint:DL3042",
        "kics:pip-install-keeping-cached-packages",
    ],
    default_enabled: true,
};

impl Rule for PipCacheKept {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn fix(&self, fx: &FixContext, f: &Finding) -> Option<Result<Fix, String>> {
        fx.flag_fix(f, &["install"], "--no-cache-dir")
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        for run in cx.shell.runs() {
            let i = run.instruction;
            if !cx.in_final_image(i)
                || cx.has_cache_mount(i, &["/root/.cache/pip", "/home", "/tmp/pip"])
            {
                continue;
            }
            // ENV/ARG in this stage or the stages it builds on.
            let from_env = cx
                .model
                .var_at(i, "PIP_NO_CACHE_DIR")
                .is_some_and(|v| disables_cache(&v.value))
                // A fragment without FROM has no stage scope: read its ENVs directly.
                || cx.model.stages.is_empty()
                    && cx.df.instructions[..i].iter().any(|ins| {
                        ins.keyword() == "ENV"
                            && kv_pairs(ins)
                                .iter()
                                .any(|(k, v)| *k == "PIP_NO_CACHE_DIR" && disables_cache(&unq(v)))
                    });
            if from_env {
                continue;
            }
            // `export PIP_NO_CACHE_DIR=1` earlier in the same RUN.
            let mut exported = false;
            let hit = uncleaned(
                run,
                |c| {
                    // A bare `PIP_NO_CACHE_DIR=1;` is not exported to pip; `export` is.
                    if c.name() == "export"
                        && c.assignments
                            .iter()
                            .any(|(k, v)| k == "PIP_NO_CACHE_DIR" && disables_cache(&v.text))
                    {
                        exported = true;
                    }
                    !exported && uses_cache(c)
                },
                |c| {
                    removes(c, &["/root/.cache", "~/.cache"])
                        || package_command(c).is_some_and(|p| {
                            p.pm == "pip"
                                && p.sub == "cache"
                                && p.operands
                                    .first()
                                    .is_some_and(|w| matches!(w.text.as_str(), "purge" | "remove"))
                        })
                },
            );
            if let Some((script, c)) = hit {
                out.push(
                    cx.finding(&META, script.word_span(&c.effective_argv()[0]), "`pip install` without `--no-cache-dir` keeps downloaded wheels in the layer")
                        .with_fix("Add `--no-cache-dir` (or set `ENV PIP_NO_CACHE_DIR=1`, or use `--mount=type=cache,target=/root/.cache/pip`)"),
                );
            }
        }
    }
}

/// A `pip install` that writes to pip's cache: no `--no-cache-dir`, no inline
/// `PIP_NO_CACHE_DIR` (`PIP_NO_CACHE_DIR=1 pip install …`, `env PIP_NO_CACHE_DIR=1 pip …`).
fn uses_cache(c: &SimpleCommand) -> bool {
    let Some(p) = package_command(c) else {
        return false;
    };
    if p.pm != "pip" || p.sub != "install" || p.has(&["--no-cache-dir"]) {
        return false;
    }
    let inline = c
        .assignments
        .iter()
        .map(|(k, v)| (k.as_str(), v.text.as_str()))
        .chain(c.argv.iter().filter_map(|w| w.text.split_once('=')))
        .any(|(k, v)| k == "PIP_NO_CACHE_DIR" && disables_cache(v));
    !inline
}

/// pip reads `PIP_NO_CACHE_DIR` through a callback that disables the cache for *every*
/// valid boolean value — `1`/`true`/`yes`/`on` and, for backwards compatibility, also
/// `0`/`false`/`no`/`off` (pip's `_handle_no_cache_dir`); other values are an error.
pub(crate) fn disables_cache(v: &str) -> bool {
    matches!(
        v.trim_matches(['"', '\'']).to_ascii_lowercase().as_str(),
        "1" | "true" | "t" | "yes" | "y" | "on" | "0" | "false" | "f" | "no" | "n" | "off"
    )
}
