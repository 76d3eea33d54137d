//! DF070 `copy-relative-without-workdir`: COPY to a relative destination before any WORKDIR

use super::prelude::*;

pub struct CopyRelativeWithoutWorkdir;

pub const META: RuleMeta = RuleMeta {
    id: "DF070",
    name: "copy-relative-without-workdir",
    target: Target::Dockerfile,
    category: Category::BestPractice,
    severity: Severity::Low,
    title: "COPY to a relative destination before any WORKDIR",
    explanation: r##"## Why is this bad?
A relative `COPY` destination (`COPY . .`, `COPY app.py app/`) is resolved against the
working directory — which, until the Dockerfile sets one, is whatever the base image left
(often `/`). The files land somewhere the Dockerfile does not say, and change place when
the base image changes its `WORKDIR`.

Reported like Hadolint's DL3045: a `COPY` whose destination is not absolute (`/…`, `C:\…`)
and not a variable, in a stage where no `WORKDIR` was set before it (in the stage or in a
stage it is built `FROM`).

## How to fix
Set `WORKDIR` first, or give an absolute destination.

## Example
```dockerfile
# Before
FROM python:3.12-slim
COPY . .

# After
FROM python:3.12-slim
WORKDIR /app
COPY . .
```

## References
- https://docs.docker.com/reference/dockerfile/#workdir
- https://docs.docker.com/build/building/best-practices/#workdir
"##,
    references: &[
        "https://docs.docker.com/reference/dockerfile/#workdir",
        "https://docs.docker.com/build/building/best-practices/#workdir",
    ],
    equivalents: &["hadolint:DL3045"],
    default_enabled: true,
};

impl Rule for CopyRelativeWithoutWorkdir {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &RuleContext, out: &mut Vec<Finding>) {
        // A fragment without FROM is read as one stage.
        let whole = 0..cx.df.instructions.len();
        let groups: Vec<(Option<usize>, std::ops::Range<usize>)> = if cx.model.stages.is_empty() {
            vec![(None, whole)]
        } else {
            cx.model
                .stages
                .iter()
                .map(|s| (Some(s.index), s.instructions.clone()))
                .collect()
        };
        for (stage, range) in groups {
            let mut workdir = stage.is_some_and(|s| inherits_workdir(cx, s, 0));
            for i in range {
                let ins = &cx.df.instructions[i];
                // ONBUILD WORKDIR / ONBUILD COPY run together in the child build.
                match ins.keyword() {
                    "WORKDIR" => workdir = true,
                    "COPY" if !workdir => {
                        let Some(dest) = copy_args(ins).1 else {
                            continue;
                        };
                        // The destination as written: quote removal would eat the
                        // backslashes of `c:\app`.
                        let raw = ins.value.last().map(String::as_str).unwrap_or(&dest);
                        let d = raw.trim_matches(['"', '\'']);
                        let bytes = d.as_bytes();
                        let windows_abs = bytes.len() >= 3
                            && bytes[0].is_ascii_alphabetic()
                            && bytes[1] == b':'
                            && matches!(bytes[2], b'\\' | b'/');
                        if d.starts_with('/') || d.starts_with('$') || windows_abs || d.is_empty() {
                            continue;
                        }
                        out.push(
                            cx.finding(&META, cx.find_span(i, &dest), format!("`COPY` to the relative destination `{d}` before any WORKDIR: it lands wherever the base image's working directory is"))
                                .with_fix("Set `WORKDIR /app` (or another absolute path) before the COPY, or use an absolute destination"),
                        );
                    }
                    _ => {}
                }
            }
        }
    }
}

/// A stage built FROM another stage that set a WORKDIR (anywhere in it) inherits it.
fn inherits_workdir(cx: &RuleContext, stage: usize, depth: usize) -> bool {
    if depth > cx.model.stages.len() {
        return false;
    }
    let Some(s) = cx.model.stages.get(stage) else {
        return false;
    };
    match s.base {
        BaseImage::Stage(j) if j != stage => {
            let Some(base) = cx.model.stages.get(j) else {
                return false;
            };
            cx.stage_instructions(base)
                .any(|(_, ins)| ins.cmd == "WORKDIR")
                || inherits_workdir(cx, j, depth + 1)
        }
        _ => false,
    }
}
