//! The stage model: which instructions belong to which stage, what each FROM really refers to,
//! which ARG/ENV values are in effect at each instruction, and which stages the final image
//! depends on. Follows BuildKit's `dockerfile2llb` (`buildMetaArgs`, `addState`, `dispatchArg`,
//! `toCommand`, `detectRunMount`), not the Dockerfile reference's prose where they differ:
//! - global ARGs (before the first FROM) are visible in FROM and `--platform` only; a stage
//!   sees one only after re-declaring `ARG NAME`, which then takes the global value;
//! - a build arg (`--build-arg K=V`) overrides a declared ARG's default; undeclared build args
//!   are invisible;
//! - ENV and ARG write the same environment: the later one wins;
//! - `FROM <stage>` inherits that stage's whole environment (ARGs included, as BuildKit does);
//! - the automatic platform ARGs (`TARGETARCH`, …) assume a `linux/amd64` build unless given.
//!
//! Unknown variables expand to "" (as in BuildKit) and are reported, so rules can tell when
//! `FROM ${BASE}` could not be resolved.

use std::collections::BTreeMap;
use std::ops::Range;

use drydock_core::imageref::ImageRef;

use crate::ast::{Dockerfile, Instruction};
use crate::expand::{expand_full, ExpandError, ExpandOptions, Expansion};

/// Platform assumed for the automatic platform ARGs when no build arg overrides them.
const DEFAULT_OS: &str = "linux";
const DEFAULT_ARCH: &str = "amd64";

/// One variable in effect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Var {
    pub value: String,
    pub origin: VarOrigin,
}

/// Where a variable's value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarOrigin {
    /// BuildKit's automatic platform/target ARGs (`TARGETPLATFORM`, `BUILDARCH`, …).
    Automatic,
    /// An `ARG` (global when the instruction precedes the first FROM). `from_build_arg`: the
    /// value was supplied with `--build-arg` rather than the default.
    Arg {
        instruction: usize,
        from_build_arg: bool,
    },
    /// An `ENV`.
    Env { instruction: usize },
}

/// The ARG/ENV variables in effect at one point of the Dockerfile.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Vars {
    map: BTreeMap<String, Var>,
}

impl Vars {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.map.get(name).map(|v| v.value.as_str())
    }

    pub fn var(&self, name: &str) -> Option<&Var> {
        self.map.get(name)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.map.contains_key(name)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Var)> {
        self.map.iter().map(|(k, v)| (k.as_str(), v))
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<String>, origin: VarOrigin) {
        self.map.insert(
            name.into(),
            Var {
                value: value.into(),
                origin,
            },
        );
    }

    /// Expand `word` with these variables (BuildKit's `ProcessWordWithMatches`).
    pub fn expand(&self, word: &str, escape: char) -> Result<Expansion, ExpandError> {
        expand_full(
            word,
            &|k| self.get(k).map(str::to_string),
            escape,
            ExpandOptions::default(),
        )
    }
}

/// A global `ARG` (declared before the first FROM).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArgDecl {
    pub name: String,
    /// The default as written (before expansion), if any.
    pub default: Option<String>,
    /// Index of the ARG instruction in `df.instructions`.
    pub instruction: usize,
}

/// What a FROM builds on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BaseImage {
    Scratch,
    /// An earlier stage, by index.
    Stage(usize),
    Image {
        /// As written: `${BASE}:${TAG:-3.12}`.
        raw: String,
        /// After expansion with global ARGs and build args.
        expanded: String,
        /// `None` when `expanded` is not a valid reference (e.g. a variable was unresolved).
        reference: Option<ImageRef>,
        /// Variables referenced but not defined (they expanded to "").
        unresolved_vars: Vec<String>,
    },
}

/// One build stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stage {
    pub index: usize,
    /// `AS name`, lower-cased as BuildKit stores it.
    pub name: Option<String>,
    /// Instruction index of the FROM.
    pub from: usize,
    /// Indexes into `df.instructions`, FROM included.
    pub instructions: Range<usize>,
    pub base: BaseImage,
    /// `--platform`, expanded.
    pub platform: Option<String>,
}

/// What `COPY --from=…` / `RUN --mount=from=…` refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StageRef {
    Stage(usize),
    /// An image pulled for the copy/mount (`COPY --from=nginx:1.25 …`).
    Image {
        name: String,
        reference: Option<ImageRef>,
    },
    /// BuildKit would refuse this (bad index, variables in `--from`).
    Invalid {
        value: String,
        reason: String,
    },
}

/// A problem BuildKit would stop the build for, found while building the model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelError {
    pub instruction: usize,
    pub message: String,
}

/// Per-stage variable bookkeeping: the environment at FROM, then each assignment in order.
#[derive(Clone, Debug, Default)]
struct VarTrack {
    entry: Vars,
    assignments: Vec<(usize, String, Var)>,
}

impl VarTrack {
    fn at(&self, instruction: usize) -> Vars {
        let mut vars = self.entry.clone();
        for (i, k, v) in &self.assignments {
            if *i >= instruction {
                break;
            }
            vars.map.insert(k.clone(), v.clone());
        }
        vars
    }

    fn all(&self) -> Vars {
        self.at(usize::MAX)
    }

    /// One variable before `instruction`, without materialising the whole environment.
    fn lookup(&self, instruction: usize, name: &str) -> Option<&Var> {
        self.assignments
            .iter()
            .rev()
            .filter(|(i, _, _)| *i < instruction)
            .find(|(_, k, _)| k == name)
            .map(|(_, _, v)| v)
            .or_else(|| self.entry.var(name))
    }
}

/// Stages, global ARGs and the variable scopes of one Dockerfile (see the module docs).
#[derive(Clone, Debug)]
pub struct StageModel {
    pub global_args: Vec<ArgDecl>,
    pub stages: Vec<Stage>,
    /// Errors BuildKit would report (blank base name, bad substitution, bad stage index…).
    pub errors: Vec<ModelError>,
    /// Global scope: automatic args, then global ARG assignments.
    global: VarTrack,
    /// One per stage.
    tracks: Vec<VarTrack>,
}

impl StageModel {
    /// Build the model. `build_args` are the `--build-arg K=V` values of the build.
    pub fn build(df: &Dockerfile, build_args: &BTreeMap<String, String>) -> StageModel {
        // Stored ARG/ENV values share one budget so a hostile file cannot make them add up
        // to gigabytes (see docs/security.md).
        crate::expand::with_file_budget(crate::expand::MAX_FILE_EXPANSION_BYTES, || {
            Self::build_model(df, build_args)
        })
    }

    fn build_model(df: &Dockerfile, build_args: &BTreeMap<String, String>) -> StageModel {
        let escape = escape_of(df);
        let instrs = &df.instructions;
        let from_idx: Vec<usize> = instrs
            .iter()
            .enumerate()
            .filter(|(_, i)| i.cmd == "FROM")
            .map(|(n, _)| n)
            .collect();
        let names: Vec<Option<String>> = from_idx.iter().map(|&i| stage_name(&instrs[i])).collect();
        let mut errors = Vec::new();

        // Global scope (`defaultArgs` + `buildMetaArgs`).
        let target = names.last().cloned().flatten().unwrap_or_default();
        let mut global = VarTrack {
            entry: automatic_args(build_args, &target),
            assignments: Vec::new(),
        };
        let mut global_args = Vec::new();
        let first_from = from_idx.first().copied().unwrap_or(instrs.len());
        let mut meta = global.entry.clone();
        for (n, ins) in instrs.iter().enumerate().take(first_from) {
            if ins.cmd != "ARG" {
                continue;
            }
            for (name, default) in arg_words(ins) {
                let value = match (build_args.get(&name), &default) {
                    (Some(v), _) => Some((v.clone(), true)),
                    (None, Some(d)) => {
                        Some((expand_or_record(&meta, d, escape, n, &mut errors), false))
                    }
                    (None, None) => None,
                };
                if let Some((value, from_build_arg)) = value {
                    let var = Var {
                        value,
                        origin: VarOrigin::Arg {
                            instruction: n,
                            from_build_arg,
                        },
                    };
                    meta.map.insert(name.clone(), var.clone());
                    global.assignments.push((n, name.clone(), var));
                }
                global_args.push(ArgDecl {
                    name,
                    default,
                    instruction: n,
                });
            }
        }

        let mut stages: Vec<Stage> = Vec::new();
        let mut tracks: Vec<VarTrack> = Vec::new();
        for (si, &fi) in from_idx.iter().enumerate() {
            let end = from_idx.get(si + 1).copied().unwrap_or(instrs.len());
            let ins = &instrs[fi];
            let raw = ins.value.first().cloned().unwrap_or_default();
            let exp = match meta.expand(&raw, escape) {
                Ok(e) => e,
                Err(e) => {
                    errors.push(ModelError {
                        instruction: fi,
                        message: e.to_string(),
                    });
                    Expansion {
                        result: raw.clone(),
                        ..Default::default()
                    }
                }
            };
            if exp.result.is_empty() {
                errors.push(ModelError {
                    instruction: fi,
                    message: format!("base name ({raw}) should not be blank"),
                });
            }
            // `addState`: an exact match on an earlier stage's (lower-cased) name, the latest
            // such stage winning; otherwise `scratch`; otherwise an image.
            let base_stage = (0..si)
                .rev()
                .find(|&j| names[j].as_deref() == Some(exp.result.as_str()));
            let base = match base_stage {
                Some(j) => BaseImage::Stage(j),
                None if exp.result == "scratch" => BaseImage::Scratch,
                None => BaseImage::Image {
                    reference: ImageRef::parse(&exp.result).ok(),
                    raw,
                    expanded: exp.result,
                    unresolved_vars: exp.unresolved,
                },
            };
            let platform = ins
                .flag("platform")
                .map(|p| expand_or_record(&meta, p, escape, fi, &mut errors));

            let entry = match base {
                BaseImage::Stage(j) => tracks[j].all(),
                _ => Vars::default(),
            };
            let mut track = VarTrack {
                entry,
                assignments: Vec::new(),
            };
            let mut cur = track.entry.clone();
            for (n, ins) in instrs.iter().enumerate().take(end).skip(fi + 1) {
                match ins.cmd.as_str() {
                    "ARG" => {
                        for (name, default) in arg_words(ins) {
                            let value = if let Some(v) = build_args.get(&name) {
                                Some((v.clone(), true))
                            } else if let Some(d) = &default {
                                Some((expand_or_record(&cur, d, escape, n, &mut errors), false))
                            } else {
                                meta.get(&name).map(|v| (v.to_string(), false))
                            };
                            if let Some((value, from_build_arg)) = value {
                                let var = Var {
                                    value,
                                    origin: VarOrigin::Arg {
                                        instruction: n,
                                        from_build_arg,
                                    },
                                };
                                cur.map.insert(name.clone(), var.clone());
                                track.assignments.push((n, name, var));
                            }
                        }
                    }
                    "ENV" => {
                        // All pairs are expanded with the environment before the instruction.
                        let pairs: Vec<(String, String)> = ins
                            .value
                            .chunks(2)
                            .map(|pair| {
                                let key = expand_or_record(&cur, &pair[0], escape, n, &mut errors);
                                let value = pair
                                    .get(1)
                                    .map(|v| expand_or_record(&cur, v, escape, n, &mut errors))
                                    .unwrap_or_default();
                                (key, value)
                            })
                            .collect();
                        for (key, value) in pairs {
                            let var = Var {
                                value,
                                origin: VarOrigin::Env { instruction: n },
                            };
                            cur.map.insert(key.clone(), var.clone());
                            track.assignments.push((n, key, var));
                        }
                    }
                    _ => {}
                }
            }
            tracks.push(track);
            stages.push(Stage {
                index: si,
                name: names[si].clone(),
                from: fi,
                instructions: fi..end,
                base,
                platform,
            });
        }

        StageModel {
            global_args,
            stages,
            errors,
            global,
            tracks,
        }
    }

    /// The last stage: what `docker build` produces without `--target`.
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    /// The stage an instruction belongs to (`None` for global ARGs before the first FROM).
    pub fn stage_of(&self, instruction: usize) -> Option<&Stage> {
        let i = self
            .stages
            .partition_point(|s| s.instructions.start <= instruction);
        let s = self.stages.get(i.checked_sub(1)?)?;
        s.instructions.contains(&instruction).then_some(s)
    }

    /// A stage by `AS` name (case-insensitive, the last definition winning as in BuildKit) or
    /// by numeric index.
    pub fn stage_by_name(&self, name: &str) -> Option<&Stage> {
        let lower = name.to_ascii_lowercase();
        self.stages
            .iter()
            .rev()
            .find(|s| s.name.as_deref() == Some(lower.as_str()))
            .or_else(|| name.parse::<usize>().ok().and_then(|i| self.stages.get(i)))
    }

    /// ARG and ENV values in effect *before* `instruction`. For a FROM (and global ARGs) this
    /// is the global scope; inside a stage it is what that stage has declared so far (plus its
    /// base stage's environment). Variables from base *images* are unknown and not included.
    pub fn vars_at(&self, instruction: usize) -> Vars {
        let (track, at) = self.track_at(instruction);
        track.at(at)
    }

    /// One variable in effect before `instruction` (cheaper than [`StageModel::vars_at`]).
    pub fn var_at(&self, instruction: usize, name: &str) -> Option<&Var> {
        let (track, at) = self.track_at(instruction);
        track.lookup(at, name)
    }

    fn track_at(&self, instruction: usize) -> (&VarTrack, usize) {
        if self.stages.iter().any(|s| s.from == instruction) {
            return (&self.global, usize::MAX);
        }
        match self.stage_of(instruction) {
            Some(s) => (&self.tracks[s.index], instruction),
            None => (&self.global, instruction),
        }
    }

    /// Expand `word` as BuildKit would at `instruction`; on a syntax error the word is
    /// returned unchanged (see [`StageModel::expand_full`] for details and errors).
    pub fn expand(&self, df: &Dockerfile, instruction: usize, word: &str) -> String {
        self.expand_full(df, instruction, word)
            .map(|e| e.result)
            .unwrap_or_else(|_| word.to_string())
    }

    /// Expand with matched/unresolved variable names and split words.
    pub fn expand_full(
        &self,
        df: &Dockerfile,
        instruction: usize,
        word: &str,
    ) -> Result<Expansion, ExpandError> {
        expand_full(
            word,
            &|k| self.var_at(instruction, k).map(|v| v.value.clone()),
            escape_of(df),
            ExpandOptions::default(),
        )
    }

    /// What `COPY --from=…` at `instruction` copies from: `None` when it has no `--from`
    /// (the build context). BuildKit's order: a number is a stage index, then a stage name
    /// (case-insensitive, any stage), else an image.
    pub fn copy_from(&self, df: &Dockerfile, instruction: usize) -> Option<StageRef> {
        let from = df.instructions.get(instruction)?.flag("from")?;
        Some(self.resolve_copy_from(from))
    }

    fn resolve_copy_from(&self, from: &str) -> StageRef {
        if from.contains('$') {
            return StageRef::Invalid {
                value: from.to_string(),
                reason: "variable expansion is not supported for --from".into(),
            };
        }
        if let Ok(index) = from.parse::<i64>() {
            return match usize::try_from(index)
                .ok()
                .filter(|&i| i < self.stages.len())
            {
                Some(i) => StageRef::Stage(i),
                None => StageRef::Invalid {
                    value: from.to_string(),
                    reason: format!("invalid stage index {index}"),
                },
            };
        }
        self.stage_or_image(from)
    }

    fn stage_or_image(&self, name: &str) -> StageRef {
        let lower = name.to_ascii_lowercase();
        match self
            .stages
            .iter()
            .rev()
            .find(|s| s.name.as_deref() == Some(lower.as_str()))
        {
            Some(s) => StageRef::Stage(s.index),
            None => StageRef::Image {
                name: name.to_string(),
                reference: ImageRef::parse(name).ok(),
            },
        }
    }

    /// The sources of the `COPY`/`ADD` at `instruction` (not ONBUILD triggers), each expanded
    /// as BuildKit does; heredoc sources (`<<EOF`) are left out. Empty for other instructions.
    pub fn copy_sources(&self, df: &Dockerfile, instruction: usize) -> Vec<String> {
        let Some(ins) = df.instructions.get(instruction) else {
            return Vec::new();
        };
        if !matches!(ins.cmd.as_str(), "COPY" | "ADD") || ins.value.len() < 2 {
            return Vec::new();
        }
        ins.value[..ins.value.len() - 1]
            .iter()
            .filter(|w| ins.heredocs.is_empty() || !w.starts_with("<<"))
            .map(|w| self.expand(df, instruction, w))
            .collect()
    }

    /// The `--exclude` patterns of the `COPY`/`ADD` at `instruction`, expanded.
    pub fn copy_excludes(&self, df: &Dockerfile, instruction: usize) -> Vec<String> {
        let Some(ins) = df.instructions.get(instruction) else {
            return Vec::new();
        };
        ins.flags_named("exclude")
            .map(|p| self.expand(df, instruction, p))
            .collect()
    }

    /// The `from=` of every `RUN --mount` at `instruction` (a stage name or an image; BuildKit
    /// does not accept indexes here).
    pub fn mount_sources(&self, df: &Dockerfile, instruction: usize) -> Vec<StageRef> {
        let Some(ins) = df.instructions.get(instruction) else {
            return Vec::new();
        };
        ins.flags_named("mount")
            .filter_map(|m| mount_option(m, "from"))
            .map(|from| {
                let from = if from.contains('$') {
                    self.expand(df, instruction, &from)
                } else {
                    from
                };
                self.stage_or_image(&from)
            })
            .collect()
    }

    /// Stages the final image needs (itself included), following FROM <stage>,
    /// `COPY --from`, `RUN --mount=from=` and ONBUILD triggers inherited from a base stage.
    pub fn stages_used_by_final(&self, df: &Dockerfile) -> Vec<usize> {
        let Some(last) = self.final_stage() else {
            return Vec::new();
        };
        let mut seen = vec![false; self.stages.len()];
        let mut todo = vec![last.index];
        while let Some(si) = todo.pop() {
            if std::mem::replace(&mut seen[si], true) {
                continue;
            }
            for dep in self.stage_deps(df, si) {
                if !seen[dep] {
                    todo.push(dep);
                }
            }
        }
        seen.iter()
            .enumerate()
            .filter(|(_, s)| **s)
            .map(|(i, _)| i)
            .collect()
    }

    /// Direct dependencies of one stage.
    pub fn stage_deps(&self, df: &Dockerfile, stage: usize) -> Vec<usize> {
        let Some(s) = self.stages.get(stage) else {
            return Vec::new();
        };
        let mut deps = Vec::new();
        let mut refs = |n: usize, onbuild: bool| {
            let Some(ins) = df.instructions.get(n) else {
                return;
            };
            let is_onbuild = ins.cmd == "ONBUILD";
            if is_onbuild != onbuild {
                return;
            }
            match ins.keyword() {
                "COPY" => {
                    if let Some(StageRef::Stage(j)) = self.copy_from(df, n) {
                        deps.push(j);
                    }
                }
                "RUN" => {
                    for r in self.mount_sources(df, n) {
                        if let StageRef::Stage(j) = r {
                            deps.push(j);
                        }
                    }
                }
                _ => {}
            }
        };
        for n in s.instructions.clone().skip(1) {
            refs(n, false);
        }
        let base = match s.base {
            BaseImage::Stage(b) => Some(b),
            _ => None,
        };
        if let Some(b) = base {
            // ONBUILD triggers of the parent stage run in this one.
            for n in self.stages[b].instructions.clone().skip(1) {
                refs(n, true);
            }
        }
        deps.extend(base);
        deps.sort_unstable();
        deps.dedup();
        deps
    }
}

/// The escape character, `\\` for hand-built ASTs that leave it unset.
fn escape_of(df: &Dockerfile) -> char {
    if df.escape == '\0' {
        '\\'
    } else {
        df.escape
    }
}

/// `FROM image AS name` → `name` lower-cased.
fn stage_name(from: &Instruction) -> Option<String> {
    match from.value.as_slice() {
        [_, as_kw, name, ..] if as_kw.eq_ignore_ascii_case("as") => Some(name.to_lowercase()),
        _ => None,
    }
}

/// `ARG A B=1` → `[("A", None), ("B", Some("1"))]`.
fn arg_words(ins: &Instruction) -> Vec<(String, Option<String>)> {
    ins.value
        .iter()
        .filter(|w| !w.is_empty())
        .map(|w| match w.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(v.to_string())),
            None => (w.clone(), None),
        })
        .filter(|(k, _)| !k.is_empty())
        .collect()
}

/// One `key=value` option of a CSV `--mount` value (keys case-insensitive, `"…"` quoting).
fn mount_option(mount: &str, key: &str) -> Option<String> {
    split_csv(mount).into_iter().find_map(|field| {
        let (k, v) = field.split_once('=')?;
        k.trim().eq_ignore_ascii_case(key).then(|| v.to_string())
    })
}

fn split_csv(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

fn expand_or_record(
    vars: &Vars,
    word: &str,
    escape: char,
    instruction: usize,
    errors: &mut Vec<ModelError>,
) -> String {
    match vars.expand(word, escape) {
        Ok(e) => e.result,
        Err(e) => {
            errors.push(ModelError {
                instruction,
                message: e.to_string(),
            });
            word.to_string()
        }
    }
}

/// BuildKit's `defaultArgs`: platform args for a linux/amd64 build, each overridable.
fn automatic_args(build_args: &BTreeMap<String, String>, target: &str) -> Vars {
    let platform = format!("{DEFAULT_OS}/{DEFAULT_ARCH}");
    let defaults = [
        ("BUILDPLATFORM", platform.as_str()),
        ("BUILDOS", DEFAULT_OS),
        ("BUILDOSVERSION", ""),
        ("BUILDARCH", DEFAULT_ARCH),
        ("BUILDVARIANT", ""),
        ("TARGETPLATFORM", platform.as_str()),
        ("TARGETOS", DEFAULT_OS),
        ("TARGETOSVERSION", ""),
        ("TARGETARCH", DEFAULT_ARCH),
        ("TARGETVARIANT", ""),
        ("TARGETSTAGE", target),
    ];
    let mut vars = Vars::default();
    for (k, v) in defaults {
        let v = build_args.get(k).map(String::as_str).unwrap_or(v);
        vars.insert(k, v, VarOrigin::Automatic);
    }
    vars
}
